/*
 * internal.h: what the files of the desk share, and nothing outside desk/
 * includes.
 *
 * desk.c      the command, and the routing of each request to its screen
 * screen.c    the frame of every screen; names of pages and branches
 * login.c     the login form and the session cookie
 * list.c      the list of pages
 * edit.c      the editing form, and the page it sends
 * save.c      a save or a submit, as a commit on the page's branch
 * upload.c    a photo added to a page bundle
 * preview.c   builds and checks in a child, the live preview, its files
 * review.c    the review screen, approval and sending back
 * diff.c      the changes of a page as an editor reads them
 * assets.c    desk.css and desk.js
 *
 * A screen writes its answer into c->rp: the body, or a location to
 * redirect to. Strings a screen takes from the request (field) are
 * borrowed from it; everything put into HTML goes through html().
 */
#ifndef GZ_DESK_INTERNAL_H
#define GZ_DESK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "base/buf.h"
#include "base/diag.h"
#include "build/build.h"
#include "desk/desk.h"
#include "desk/http.h"
#include "desk/page.h"
#include "desk/session.h"
#include "desk/users.h"
#include "source/gitwrite.h"

typedef struct {
	const char *source, *users_file, *out;
	char *state;              /* the desk's folder in the cache */
	char *branch;             /* the publishing branch */
	char *lang;               /* the site's language ("zh-CN"), the desk's too */
	gz_gitw *git;
	gz_desk_sessions *sessions;
	gz_desk_check_fn check;
	pthread_mutex_t build_lock; /* one child (a build or a photo's decoding) at a time:
				     * two cores, and a 12000-pixel photo takes 400 MB */
	pthread_mutex_t users_lock;
} desk;

/* One request, as its screen sees it. */
typedef struct {
	desk *dk;
	const gz_http_request *rq;
	gz_http_reply *rp;
	gz_desk_session s;
	gz_desk_user user;        /* copy of the user's fields (borrowed strings) */
	gz_desk_users users;
	const gz_diag *found;     /* the findings the form shows beside its lines, or NULL */
	gz_diag failed;           /* what a step of the answer failed on (the repository, the
				   * users file, the page's front matter): desk_failed shows it */
} desk_ctx;

/* A build, and the check after it, as a child process does them. */
typedef struct {
	gz_build_opts o;
	gz_desk_check_fn check;
	const char *check_dir;   /* where commit o.rev is written out and checked, or NULL */
} desk_build_job;

/* ---- screen.c ---- */

/* s escaped for HTML (NULL: nothing). */
void html(gz_buf *b, const char *s);
/* s escaped for a URL's query. */
void desk_url_arg(gz_buf *b, const char *s);
/* The request's field name, or "" (borrowed from the request). */
const char *field(desk_ctx *c, const char *name);
/* The request's textarea name as a new string (caller frees), "" when
 * absent: a browser sends a textarea's line ends as CR LF, each one LF. */
char *desk_text_field(desk_ctx *c, const char *name);
void desk_redirect(desk_ctx *c, const char *to);
bool desk_is_reviewer(desk_ctx *c);
/* A screen's opening, up to its <h1>title</h1>, and its end. */
void desk_head(desk_ctx *c, gz_buf *b, const char *title);
void desk_foot(gz_buf *b);
/* A whole screen saying text, with the status. */
void desk_message(desk_ctx *c, int status, const char *title, const char *text);
/* desk_message with the first error in c->failed, placed (path:line:col). */
void desk_failed(desk_ctx *c, int status, const char *title);
void desk_csrf_field(desk_ctx *c, gz_buf *b);
/* A page path a form may name: below content/, a .md file, no segment
 * that could leave its folder. */
bool desk_page_path_ok(const char *p);
/* The branch a user writes page on, desk/<user>/<page below content/>
 * (caller frees), and back: false unless branch names a valid owner and
 * page. */
char *desk_branch_of(const char *user, const char *page);
bool desk_branch_parse(const char *branch, char *owner, size_t olen, gz_buf *page);
/* page's path in the repository, the site's prefix before it (caller frees). */
char *desk_repo_path(desk *dk, const char *page);
/* page as it is at the commit base, read and parsed into p; *rp its path in
 * the repository (caller frees). False after answering 404 with the reason. */
bool desk_page_at(desk_ctx *c, const char *base, const char *page, gz_desk_page *p, char **rp);
/* p as its Markdown file, appended to out. False after answering 400 when
 * a field is not UTF-8 (the text came from a form). */
bool desk_page_written(desk_ctx *c, gz_buf *out, gz_desk_page *p);
/* The site path of page ("/stories/2020/x/"), slug in place of its last part. */
void desk_page_url(gz_buf *out, const char *page, const char *slug);
/* "draft", "review" or "published" in the desk's language. */
const char *desk_status_label(const char *st);
/* ymd as 2020年8月1日 (escaped as it is when it is no date). */
void desk_date_zh(gz_buf *b, const char *ymd);

/* ---- the screens, each the answer to one route ---- */

void desk_login_form(desk_ctx *c, const char *error);
void desk_do_login(desk_ctx *c);
void desk_list_screen(desk_ctx *c);
/* fresh: a new page's empty form; else the page p (and branch b) names. */
void desk_edit_screen(desk_ctx *c, bool fresh);
void desk_do_save(desk_ctx *c);
void desk_do_upload(desk_ctx *c);
void desk_do_preview(desk_ctx *c);
void desk_do_view(desk_ctx *c);
void desk_review_screen(desk_ctx *c);
void desk_do_decide(desk_ctx *c);
extern const char desk_css[];
extern const char desk_js[];

/* ---- edit.c ---- */

/* The form for page p (page "": a new one of kind) on branch (""; none
 * yet) whose tip is base, error (NULL: none) above it. */
void desk_form_screen(desk_ctx *c, gz_desk_page *p, const char *page, const char *kind,
		      const char *branch, const char *base, const char *error);
/* The page the form describes. Returns false with *why (borrowed) if a
 * field is wrong; p is filled either way (release it). */
bool desk_form_page(desk_ctx *c, gz_desk_page *p, const char **why);
/* The path of a new page from its kind, date and address name (made up
 * from the title when empty); false with *why (borrowed) if the date is
 * no date or the address name is not allowed. */
bool desk_new_path(gz_buf *out, gz_desk_page *p, const char *kind, const char **why);
/* Where this session may write: its own branches, or any for a reviewer. */
bool desk_may_edit(desk_ctx *c, const char *branch);
/* The answer to a save that started from a tip the branch has left:
 * both versions, mine being the refused one. */
void desk_stale_screen(desk_ctx *c, const char *page, const char *branch, const char *mine);
/* The first photo of p without its caption, credit or alt text, or NULL. */
const char *desk_photos_complete(const gz_desk_page *p);

/* ---- preview.c ---- */

/* Run job in a child: the build's diagnostics into built, the check's
 * into checked (may be NULL when the job checks nothing). Returns 0 when
 * the site was built. */
int desk_run_build(desk *dk, desk_build_job *j, gz_diag *built, gz_diag *checked);
/* Commit md as page on top of commit base, on no branch (a build reads it
 * like any other), into sha. 0, or a negative code with the error added to
 * d (gz_gitw_commit). */
int desk_commit_loose(desk_ctx *c, char *sha, const char *page, const gz_buf *md, const char *base,
		      gz_diag *d);
/* Build commit sha into the session's preview folder, drafts included, and
 * check it as `gazette check` does: what either found in page is added to
 * found (sorted, each finding once), the build's errors about anything
 * else to others (NULL: not wanted). Returns 0 when the site was built. */
int desk_try(desk_ctx *c, const char *sha, const char *page, gz_diag *found, gz_diag *others);
/* found as <li> items, each with the line of the body it concerns
 * (data-line; 0: the front matter), in the desk's language. */
void desk_findings_html(gz_buf *b, const gz_diag *found, int body_line);

/* ---- diff.c ---- */

/* The changes of page from commit from (the published site) to commit to
 * (its branch), as an editor reads them: the front matter's fields that
 * changed, the body's lines, the bundle's photos (thumbnails through
 * /desk/photo). */
void desk_diff_html(desk_ctx *c, gz_buf *b, const char *from, const char *to, const char *page,
		    const char *branch);
/* /desk/photo?b=BRANCH&f=NAME: a photo of the page bundle on a branch. */
void desk_do_photo(desk_ctx *c);

#endif
