/*
 * desk.c: the desk's screens and what each form does.
 *
 * Every screen is server-rendered HTML; desk.js only runs the live preview
 * and puts the check's findings beside the lines. A page is named by its
 * path below the site ("content/stories/2020/x/index.md"), and a page being
 * written by its branch; both are checked before they name anything.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/text.h"
#include "build/build.h"
#include "desk/child.h"
#include "desk/desk.h"
#include "desk/http.h"
#include "desk/page.h"
#include "desk/session.h"
#include "desk/users.h"
#include "load/yaml.h"
#include "media/image.h"
#include "source/gitwrite.h"
#include "write/cache.h"

#define MAX_PHOTO (20u << 20)
#define MAX_PHOTO_SIDE 12000
#define MIN_PHOTO_SIDE 200

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

typedef struct {
	desk *dk;
	const gz_http_request *rq;
	gz_http_reply *rp;
	gz_desk_session s;
	gz_desk_user user;        /* copy of the user's fields (borrowed strings) */
	gz_desk_users users;
} ctx;

/* ---- small helpers ---- */

static void h(gz_buf *b, const char *s)
{
	gz_buf_add_html(b, s ? s : "", s ? strlen(s) : 0);
}

static void redirect(ctx *c, const char *to, const char *unused)
{
	free(c->rp->location);
	c->rp->location = gz_strdup(to);
}

static void url_arg(gz_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("-_./", ch))
			gz_buf_putc(b, (char)ch);
		else
			gz_buf_printf(b, "%%%02X", ch);
	}
}

static const char *f(ctx *c, const char *name)
{
	const char *v = gz_http_field_get(c->rq, name);
	return v ? v : "";
}

static bool is_reviewer(ctx *c)
{
	return c->user.role != GZ_ROLE_EDITOR;
}

static void head(ctx *c, gz_buf *b, const char *title)
{
	gz_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
	h(b, c->dk->lang);
	gz_buf_puts(b, "\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		       "<title>");
	h(b, title);
	gz_buf_printf(b, " · %s</title><link rel=\"stylesheet\" href=\"/desk/static/desk.css\">"
			 "<script src=\"/desk/static/desk.js\" defer></script></head><body>",
		      _("Editing desk"));
	gz_buf_printf(b, "<header class=\"bar\"><a class=\"home\" href=\"/desk/\">%s</a>",
		      _("Editing desk"));
	if (c->s.user[0]) {
		gz_buf_puts(b, "<form method=\"post\" action=\"/desk/logout\"><span class=\"who\">");
		h(b, c->s.user);
		gz_buf_printf(b, "</span><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				 "<button>%s</button></form>",
			      c->s.csrf, _("Log out"));
	}
	gz_buf_puts(b, "</header><main>");
	gz_buf_printf(b, "<h1>");
	h(b, title);
	gz_buf_puts(b, "</h1>");
}

static void foot(gz_buf *b)
{
	gz_buf_puts(b, "</main></body></html>\n");
}

static void message(ctx *c, int status, const char *title, const char *text)
{
	c->rp->status = status;
	head(c, &c->rp->body, title);
	gz_buf_puts(&c->rp->body, "<p class=\"msg\">");
	h(&c->rp->body, text);
	gz_buf_printf(&c->rp->body, "</p><p><a href=\"/desk/\">%s</a></p>", _("Back to the desk"));
	foot(&c->rp->body);
}

static void csrf_field(ctx *c, gz_buf *b)
{
	gz_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", c->s.csrf);
}

/* A page path from a form: below content/, a .md file, no segment that
 * could leave its folder. */
static bool page_path_ok(const char *p)
{
	char *dup, *seg, *save = NULL;
	bool ok = true;
	size_t n = strlen(p);

	if (strncmp(p, "content/", 8) || n < 12 || n > 300 || strcmp(p + n - 3, ".md"))
		return false;
	dup = gz_strdup(p);
	for (seg = strtok_r(dup, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
		if (gz_slug_is_hostile(seg) || seg[0] == '.')
			ok = false;
	free(dup);
	return ok && !strstr(p, "//");
}

/* desk/<user>/<path below content/> */
static char *branch_of(const char *user, const char *page)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "desk/%s/%s", user, page + 8);
	return gz_buf_detach(&b, NULL);
}

/* The page and owner a desk branch names, or false. */
static bool branch_parse(const char *branch, char *owner, size_t olen, gz_buf *page)
{
	const char *slash;

	if (strncmp(branch, "desk/", 5) || !(slash = strchr(branch + 5, '/')))
		return false;
	if ((size_t)(slash - branch - 5) >= olen)
		return false;
	memcpy(owner, branch + 5, (size_t)(slash - branch - 5));
	owner[slash - branch - 5] = '\0';
	gz_buf_clear(page);
	gz_buf_printf(page, "content/%s", slash + 1);
	return gz_desk_name_valid(owner) && page_path_ok(page->ptr);
}

static char *repo_path(desk *dk, const char *page)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s%s", gz_gitw_prefix(dk->git), page);
	return gz_buf_detach(&b, NULL);
}

/* The site path of a page: its folder below content/, the last part
 * replaced by its slug. */
static void page_url(gz_buf *out, const char *page, const char *slug)
{
	gz_buf d = GZ_BUF_INIT;
	char *s;

	gz_buf_puts(&d, page + 8);
	gz_buf_truncate(&d, d.len - 3);
	if (d.len >= 6 && !strcmp(d.ptr + d.len - 6, "/index"))
		gz_buf_truncate(&d, d.len - 6);
	if (slug && *slug && !gz_slug_is_hostile(slug) && (s = strrchr(d.ptr, '/'))) {
		gz_buf_truncate(&d, (size_t)(s - d.ptr + 1));
		gz_buf_puts(&d, slug);
	}
	gz_buf_printf(out, "/%s/", d.ptr);
	gz_buf_release(&d);
}

static const char *status_label(const char *st)
{
	if (!strcmp(st, "draft"))
		return _("Draft");
	if (!strcmp(st, "review"))
		return _("Awaiting review");
	return _("Published");
}

static void date_zh(gz_buf *b, const char *ymd)
{
	gz_date d;
	char out[GZ_DATE_ZH_SIZE];

	if (ymd && gz_date_parse(&d, ymd) == 0) {
		gz_date_zh(out, &d);
		gz_buf_puts(b, out);
	} else {
		h(b, ymd);
	}
}

/* ---- login ---- */

static void cookie(ctx *c, const char *name, const char *value, int max_age)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s=%s; Path=/desk/; HttpOnly; SameSite=Strict; Max-Age=%d", name, value,
		      max_age);
	free(c->rp->cookie);
	c->rp->cookie = gz_buf_detach(&b, NULL);
}

static void login_form(ctx *c, const char *error)
{
	gz_buf *b = &c->rp->body;
	char pre[GZ_TOKEN_SIZE];
	const char *have = gz_http_cookie(c->rq, "gz_pre");

	/* before a session, the form's token is a cookie's double */
	if (have && strlen(have) == 64 && strspn(have, "0123456789abcdef") == 64)
		snprintf(pre, sizeof(pre), "%s", have);
	else
		gz_desk_random_hex(pre, 32);
	cookie(c, "gz_pre", pre, 3600);
	head(c, b, _("Log in"));
	if (error) {
		gz_buf_puts(b, "<p class=\"err\" role=\"alert\">");
		h(b, error);
		gz_buf_puts(b, "</p>");
	}
	gz_buf_printf(b,
		      "<form method=\"post\" action=\"/desk/login\" class=\"card login\">"
		      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		      "<label>%s<input name=\"name\" autocomplete=\"username\" required></label>"
		      "<label>%s<input name=\"password\" type=\"password\" "
		      "autocomplete=\"current-password\" required></label>"
		      "<button class=\"primary\">%s</button></form>",
		      pre, _("User name"), _("Password"), _("Log in"));
	foot(b);
}

static void do_login(ctx *c)
{
	const char *pre = gz_http_cookie(c->rq, "gz_pre");
	const char *name = f(c, "name"), *pw = f(c, "password");
	const gz_desk_user *u;
	gz_desk_session s;
	int wait;
	bool ok;

	if (!pre || !gz_desk_token_equal(pre, f(c, "csrf"))) {
		c->rp->status = 403;
		login_form(c, _("The form has expired: please log in again."));
		return;
	}
	wait = gz_desk_login_wait(c->dk->sessions, name, c->rq->addr);
	if (wait > 0) {
		gz_buf m = GZ_BUF_INIT;
		gz_buf_printf(&m, _("Too many failed logins: try again in %d seconds."), wait);
		c->rp->status = 429;
		login_form(c, m.ptr);
		gz_buf_release(&m);
		return;
	}
	u = gz_desk_users_find(&c->users, name);
	ok = u && gz_desk_users_check(u, pw);
	gz_desk_login_result(c->dk->sessions, name, c->rq->addr, ok);
	if (!ok) {
		c->rp->status = 403;
		login_form(c, _("Wrong user name or password."));
		return;
	}
	gz_desk_session_start(c->dk->sessions, u->name, &s);
	cookie(c, "gz_session", s.token, 12 * 3600);
	redirect(c, "/desk/", NULL);
}

/* ---- the list ---- */

typedef struct {
	char *page, *title, *date, *status, *branch, *owner;
} row;

static void rows_release(row *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(r[i].page);
		free(r[i].title);
		free(r[i].date);
		free(r[i].status);
		free(r[i].branch);
		free(r[i].owner);
	}
	free(r);
}

static void row_add(row **rows, size_t *n, size_t *cap, desk *dk, const char *sha,
		    const char *page, const char *branch, const char *owner)
{
	char *md = NULL, *err = NULL, *rp = repo_path(dk, page);
	size_t len;
	gz_desk_page p;
	row *r;

	if (gz_gitw_read(dk->git, sha, rp, &md, &len, &err) < 0) {
		free(err);
		free(rp);
		return;
	}
	if (gz_desk_page_parse(&p, md, len, &err) < 0)
		free(err);
	gz_grow((void **)rows, cap, *n + 1, sizeof(row));
	r = &(*rows)[(*n)++];
	r->page = gz_strdup(page);
	r->title = gz_strdup(*p.title ? p.title : page);
	r->date = gz_strdup(p.date);
	r->status = gz_strdup(*p.status ? p.status : "published");
	r->branch = branch ? gz_strdup(branch) : NULL;
	r->owner = owner ? gz_strdup(owner) : NULL;
	gz_desk_page_release(&p);
	free(md);
	free(rp);
}

static void table(ctx *c, gz_buf *b, row *r, size_t n, const char *status, bool review)
{
	size_t i, shown = 0;

	for (i = 0; i < n; i++) {
		if (status && strcmp(r[i].status, status))
			continue;
		if (!shown++)
			gz_buf_puts(b, "<ul class=\"pages\">");
		gz_buf_puts(b, "<li><a href=\"");
		if (review) {
			gz_buf_puts(b, "/desk/review?b=");
			url_arg(b, r[i].branch);
		} else {
			gz_buf_puts(b, "/desk/edit?p=");
			url_arg(b, r[i].page);
			if (r[i].branch) {
				gz_buf_puts(b, "&amp;b=");
				url_arg(b, r[i].branch);
			}
		}
		gz_buf_puts(b, "\">");
		h(b, r[i].title);
		gz_buf_puts(b, "</a> <span class=\"meta\">");
		date_zh(b, r[i].date);
		if (r[i].owner) {
			gz_buf_puts(b, " · ");
			h(b, r[i].owner);
		}
		gz_buf_printf(b, " · <span class=\"st st-%s\">%s</span></span></li>",
			      !strcmp(r[i].status, "review") ? "review" :
			      !strcmp(r[i].status, "draft") ? "draft" : "published",
			      status_label(r[i].status));
	}
	if (shown)
		gz_buf_puts(b, "</ul>");
	else
		gz_buf_printf(b, "<p class=\"none\">%s</p>", _("None."));
}

static void list_screen(ctx *c)
{
	desk *dk = c->dk;
	gz_buf *b = &c->rp->body;
	gz_strlist branches = {0}, files = {0};
	char pub[GZ_SHA_SIZE], *err = NULL;
	row *mine = NULL, *all = NULL;
	size_t nm = 0, cm = 0, na = 0, ca = 0, i;
	const char *q = f(c, "q");
	gz_buf page = GZ_BUF_INIT, content = GZ_BUF_INIT;

	head(c, b, _("Pages"));
	gz_buf_printf(b, "<p class=\"actions\"><a class=\"button primary\" href=\"/desk/new?kind=story\">%s</a> "
			 "<a class=\"button\" href=\"/desk/new?kind=policy\">%s</a></p>",
		      _("New story"), _("New policy explainer"));
	if (gz_gitw_tip(dk->git, dk->branch, pub, &err) < 0) {
		message(c, 500, _("Pages"), err);
		free(err);
		return;
	}
	gz_gitw_branches(dk->git, "desk/", &branches, &err);
	free(err);
	err = NULL;
	for (i = 0; i < branches.n; i++) {
		char owner[33], tip[GZ_SHA_SIZE];
		if (!branch_parse(branches.items[i], owner, sizeof(owner), &page) ||
		    gz_gitw_tip(dk->git, branches.items[i], tip, &err) < 0) {
			free(err);
			err = NULL;
			continue;
		}
		if (!strcmp(owner, c->s.user) || is_reviewer(c))
			row_add(&mine, &nm, &cm, dk, tip, page.ptr, branches.items[i], owner);
	}
	gz_buf_printf(b, "<section><h2>%s</h2>", _("My pages"));
	for (i = 0; i < 2; i++) {
		static const char *const st[] = {"draft", "review"};
		size_t j, k = 0;
		row *own = NULL;
		size_t cap = 0;
		for (j = 0; j < nm; j++)
			if (!strcmp(mine[j].owner, c->s.user)) {
				gz_grow((void **)&own, &cap, k + 1, sizeof(row));
				own[k++] = mine[j];
			}
		gz_buf_printf(b, "<h3>%s</h3>", status_label(st[i]));
		table(c, b, own, k, st[i], false);
		free(own);
	}
	gz_buf_puts(b, "</section>");
	if (is_reviewer(c)) {
		gz_buf_printf(b, "<section><h2>%s</h2>", _("Awaiting my review"));
		table(c, b, mine, nm, "review", true);
		gz_buf_puts(b, "</section>");
	}
	gz_buf_puts(&content, gz_gitw_prefix(dk->git));
	gz_buf_puts(&content, "content/");
	gz_gitw_list(dk->git, pub, content.ptr, &files, &err);
	free(err);
	for (i = 0; i < files.n; i++) {
		const char *rel = files.items[i] + strlen(gz_gitw_prefix(dk->git));
		size_t n = strlen(rel);
		if (n < 3 || strcmp(rel + n - 3, ".md") || strstr(rel, "/_index.md"))
			continue;
		row_add(&all, &na, &ca, dk, pub, rel, NULL, NULL);
		if (*q && !strstr(all[na - 1].title, q) && !strstr(all[na - 1].page, q)) {
			rows_release(all + na - 1, 0);
			free(all[na - 1].page);
			free(all[na - 1].title);
			free(all[na - 1].date);
			free(all[na - 1].status);
			na--;
		}
	}
	gz_buf_printf(b, "<section><h2>%s</h2><form class=\"search\" method=\"get\" action=\"/desk/\">"
			 "<input type=\"search\" name=\"q\" value=\"",
		      _("The whole site"));
	h(b, q);
	gz_buf_printf(b, "\" placeholder=\"%s\"><button>%s</button></form>", _("Title or path"),
		      _("Search"));
	table(c, b, all, na, NULL, false);
	gz_buf_puts(b, "</section>");
	foot(b);
	rows_release(mine, nm);
	rows_release(all, na);
	gz_strlist_release(&branches);
	gz_strlist_release(&files);
	gz_buf_release(&page);
	gz_buf_release(&content);
}

/* ---- places ---- */

static void options(gz_buf *b, const gz_value *seq, const char *have)
{
	size_t i;

	gz_buf_puts(b, "<option value=\"\"></option>");
	for (i = 0; seq && seq->type == GZ_SEQ && i < seq->n; i++) {
		const char *v = seq->items[i]->str;
		if (seq->items[i]->type != GZ_STR)
			continue;
		gz_buf_puts(b, "<option");
		if (have && !strcmp(have, v))
			gz_buf_puts(b, " selected");
		gz_buf_puts(b, ">");
		h(b, v);
		gz_buf_puts(b, "</option>");
	}
}

static gz_value *places(desk *dk, const char *sha)
{
	char *yml = NULL, *err = NULL, *rp = repo_path(dk, "data/places.yml");
	gz_value *v = NULL;
	size_t len;
	int l, col;

	if (gz_gitw_read(dk->git, sha, rp, &yml, &len, &err) == 0 &&
	    gz_yaml_parse(&v, yml, len, 0, &err, &l, &col) < 0)
		v = NULL;
	free(err);
	free(yml);
	free(rp);
	return v;
}

/* ---- the editing form ---- */

static void text_input(gz_buf *b, const char *label, const char *name, const char *v,
		       const char *extra)
{
	gz_buf_printf(b, "<label>%s<input name=\"%s\" value=\"", label, name);
	h(b, v);
	gz_buf_printf(b, "\"%s></label>", extra ? extra : "");
}

static void form_screen(ctx *c, gz_desk_page *p, const char *page, const char *kind,
			const char *branch, const char *base, const char *error)
{
	gz_buf *b = &c->rp->body;
	gz_value *pl = places(c->dk, base);
	size_t i;

	head(c, b, *p->title ? p->title : kind && !strcmp(kind, "policy") ?
					  _("New policy explainer") : _("New story"));
	if (error) {
		gz_buf_puts(b, "<div class=\"err\" role=\"alert\">");
		h(b, error);
		gz_buf_puts(b, "</div>");
	}
	if (branch && *branch) {
		gz_buf_printf(b, "<p class=\"meta\">%s <span class=\"st\">%s</span></p>", _("Status:"),
			      status_label(*p->status ? p->status : "published"));
	}
	gz_buf_puts(b, "<div class=\"editor\"><form method=\"post\" action=\"/desk/save\" id=\"page\" class=\"card\">");
	csrf_field(c, b);
	gz_buf_puts(b, "<input type=\"hidden\" name=\"p\" value=\"");
	h(b, page);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"kind\" value=\"");
	h(b, kind);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"b\" value=\"");
	h(b, branch);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"base\" value=\"");
	h(b, base);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"status\" value=\"");
	h(b, p->status);
	gz_buf_puts(b, "\">");
	text_input(b, _("Title"), "title", p->title, " required");
	text_input(b, _("Date"), "date", p->date, " type=\"date\" required");
	if (!*page)
		text_input(b, _("Address name (a-z, 0-9, -)"), "slug", p->slug,
			   " pattern=\"[a-z0-9-]*\"");
	else {
		gz_buf_puts(b, "<input type=\"hidden\" name=\"slug\" value=\"");
		h(b, p->slug);
		gz_buf_puts(b, "\">");
	}
	gz_buf_printf(b, "<div class=\"row\"><label>%s<select name=\"township\">", _("Township"));
	options(b, gz_value_get(pl, "townships"), p->township);
	gz_buf_printf(b, "</select></label><label>%s<select name=\"village\">", _("Village"));
	options(b, gz_value_get(pl, "villages"), p->village);
	gz_buf_printf(b, "</select></label><label>%s<select name=\"industry\">", _("Industry"));
	options(b, gz_value_get(pl, "industries"), p->industry);
	gz_buf_puts(b, "</select></label></div>");
	text_input(b, _("People (separated by 、)"), "people", p->people, NULL);
	text_input(b, _("Tags (separated by 、)"), "tags", p->tags, NULL);
	gz_buf_printf(b, "<label>%s<textarea name=\"summary\" rows=\"2\">", _("Summary"));
	h(b, p->summary);
	gz_buf_puts(b, "</textarea></label>");
	text_input(b, _("Author"), "author", p->author, NULL);
	text_input(b, _("Source"), "source", p->source, NULL);
	gz_buf_printf(b, "<label>%s<select name=\"reprint\">", _("Reuse terms"));
	{
		static const char *const v[] = {"", "with-attribution", "forbidden"};
		const char *l[] = {_("Not stated"), _("With attribution"), _("Forbidden")};
		for (i = 0; i < 3; i++)
			gz_buf_printf(b, "<option value=\"%s\"%s>%s</option>", v[i],
				      !strcmp(p->reprint, v[i]) ? " selected" : "", l[i]);
	}
	gz_buf_puts(b, "</select></label>");
	for (i = 0; i < p->nphotos; i++) {
		gz_buf_printf(b, "<fieldset class=\"photo\"><legend>%s ", _("Photo"));
		h(b, p->photos[i].src);
		gz_buf_printf(b, "</legend><input type=\"hidden\" name=\"photo%zu_src\" value=\"", i);
		h(b, p->photos[i].src);
		gz_buf_puts(b, "\">");
		{
			char n1[48], n2[48], n3[48];
			snprintf(n1, sizeof(n1), "photo%zu_caption", i);
			snprintf(n2, sizeof(n2), "photo%zu_credit", i);
			snprintf(n3, sizeof(n3), "photo%zu_alt", i);
			text_input(b, _("Caption"), n1, p->photos[i].caption, NULL);
			text_input(b, _("Credit"), n2, p->photos[i].credit, NULL);
			text_input(b, _("Alt text (what the photo shows)"), n3, p->photos[i].alt, NULL);
		}
		gz_buf_puts(b, "</fieldset>");
	}
	gz_buf_puts(b, "<input type=\"hidden\" name=\"extra\" value=\"");
	h(b, p->extra);
	gz_buf_printf(b, "\"><label for=\"body\">%s</label><div class=\"md\"><div class=\"gutter\" "
			 "id=\"gutter\" aria-hidden=\"true\"></div><textarea id=\"body\" name=\"body\" "
			 "rows=\"18\" wrap=\"off\" spellcheck=\"false\">",
		      _("Text (Markdown)"));
	h(b, p->body);
	gz_buf_printf(b, "</textarea></div><ul id=\"findings\" class=\"findings\" aria-live=\"polite\" "
			 "data-line=\"%s\" data-page=\"%s\"></ul>",
		      _("line %d: "), _("page details: "));
	gz_buf_printf(b, "<p class=\"actions\"><button class=\"primary\" name=\"do\" value=\"save\">%s</button>",
		      _("Save"));
	if (branch && *branch && strcmp(p->status, "review"))
		gz_buf_printf(b, " <button name=\"do\" value=\"submit\">%s</button>", _("Submit for review"));
	gz_buf_puts(b, "</p></form>");
	if (branch && *branch && strstr(page, "/index.md")) {
		gz_buf_printf(b, "<form method=\"post\" action=\"/desk/upload\" enctype=\"multipart/form-data\" "
				 "class=\"card\" id=\"upload\"><h2>%s</h2>",
			      _("Add a photo"));
		csrf_field(c, b);
		gz_buf_puts(b, "<input type=\"hidden\" name=\"b\" value=\"");
		h(b, branch);
		gz_buf_puts(b, "\"><input type=\"hidden\" name=\"base\" value=\"");
		h(b, base);
		gz_buf_printf(b, "\"><label>%s<input type=\"file\" name=\"photo\" "
				 "accept=\"image/jpeg,image/png,image/webp\" required></label>",
			      _("JPEG, PNG or WebP, at most 20 MB"));
		text_input(b, _("Caption"), "caption", "", NULL);
		text_input(b, _("Credit"), "credit", "", NULL);
		text_input(b, _("Alt text (what the photo shows)"), "alt", "", NULL);
		gz_buf_printf(b, "<button>%s</button></form>", _("Upload"));
	} else if (!branch || !*branch) {
		gz_buf_printf(b, "<p class=\"meta\">%s</p>", _("Save once to add photos."));
	}
	gz_buf_printf(b, "<section class=\"preview\"><h2>%s</h2><iframe id=\"preview\" "
			 "sandbox=\"allow-same-origin\" title=\"%s\"></iframe></section></div>",
		      _("Preview"), _("Preview"));
	foot(b);
	gz_value_free(pl);
}

/* Where this session may write: its own branches, or any for a reviewer. */
static bool may_edit(ctx *c, const char *branch)
{
	char owner[33];
	gz_buf page = GZ_BUF_INIT;
	bool ok = branch_parse(branch, owner, sizeof(owner), &page) &&
		  (!strcmp(owner, c->s.user) || is_reviewer(c));

	gz_buf_release(&page);
	return ok;
}

static void edit_screen(ctx *c, bool fresh)
{
	desk *dk = c->dk;
	const char *page = f(c, "p"), *branch = f(c, "b"), *kind = f(c, "kind");
	char base[GZ_SHA_SIZE], *md = NULL, *err = NULL, *rp = NULL, *own = NULL;
	gz_desk_page p;
	size_t len;

	memset(&p, 0, sizeof(p));
	if (fresh) {
		char today[11];
		if (gz_gitw_tip(dk->git, dk->branch, base, &err) < 0)
			goto fail;
		gz_date_from_time(today, time(NULL), 8 * 60);
		gz_desk_page_parse(&p, "", 0, &err);
		gz_desk_set(&p.date, today);
		gz_desk_set(&p.status, "draft");
		form_screen(c, &p, "", strcmp(kind, "policy") ? "story" : "policy", "", base, NULL);
		goto cleanup;
	}
	if (!page_path_ok(page)) {
		message(c, 400, _("Not a page"), page);
		goto cleanup;
	}
	if (!*branch) {
		char tip[GZ_SHA_SIZE];
		own = branch_of(c->s.user, page);
		if (gz_gitw_tip(dk->git, own, tip, &err) == 0)
			branch = own;
		free(err);
		err = NULL;
	}
	if (*branch && !may_edit(c, branch)) {
		message(c, 403, _("Not yours"), _("This page is another editor's."));
		goto cleanup;
	}
	if (gz_gitw_tip(dk->git, *branch ? branch : dk->branch, base, &err) < 0)
		goto fail;
	rp = repo_path(dk, page);
	if (gz_gitw_read(dk->git, base, rp, &md, &len, &err) < 0)
		goto fail;
	if (gz_desk_page_parse(&p, md, len, &err) < 0) {
		form_screen(c, &p, page, "", branch, base, err);
		goto cleanup;
	}
	form_screen(c, &p, page, "", branch, base, NULL);
	goto cleanup;
fail:
	message(c, 404, _("Not found"), err);
cleanup:
	gz_desk_page_release(&p);
	free(err);
	free(md);
	free(rp);
	free(own);
}

/* The page the form describes. Returns false with *why (borrowed) if a
 * field is wrong. */
static bool form_page(ctx *c, gz_desk_page *p, const char **why)
{
	gz_date d;
	size_t i;

	memset(p, 0, sizeof(*p));
	gz_desk_set(&p->title, f(c, "title"));
	gz_desk_set(&p->date, f(c, "date"));
	gz_desk_set(&p->slug, f(c, "slug"));
	gz_desk_set(&p->status, *f(c, "status") ? f(c, "status") : "draft");
	gz_desk_set(&p->summary, f(c, "summary"));
	gz_desk_set(&p->township, f(c, "township"));
	gz_desk_set(&p->village, f(c, "village"));
	gz_desk_set(&p->industry, f(c, "industry"));
	gz_desk_set(&p->people, f(c, "people"));
	gz_desk_set(&p->tags, f(c, "tags"));
	gz_desk_set(&p->author, f(c, "author"));
	gz_desk_set(&p->source, f(c, "source"));
	gz_desk_set(&p->reprint, f(c, "reprint"));
	gz_desk_set(&p->extra, f(c, "extra"));
	gz_desk_set(&p->body, f(c, "body"));
	/* a textarea sends CR LF */
	{
		char *s = p->body, *o = p->body;
		for (; *s; s++)
			if (*s != '\r')
				*o++ = *s;
		*o = '\0';
	}
	for (i = 0; i < GZ_DESK_MAX_PHOTOS; i++) {
		char n[32];
		const char *src;
		snprintf(n, sizeof(n), "photo%zu_src", i);
		src = gz_http_field_get(c->rq, n);
		if (!src)
			break;
		gz_desk_set(&p->photos[i].src, src);
		snprintf(n, sizeof(n), "photo%zu_caption", i);
		gz_desk_set(&p->photos[i].caption, f(c, n));
		snprintf(n, sizeof(n), "photo%zu_credit", i);
		gz_desk_set(&p->photos[i].credit, f(c, n));
		snprintf(n, sizeof(n), "photo%zu_alt", i);
		gz_desk_set(&p->photos[i].alt, f(c, n));
		p->nphotos++;
	}
	if (!*p->title) {
		*why = _("A page needs a title.");
		return false;
	}
	if (gz_date_parse(&d, p->date) < 0 || strchr(p->date, '\n')) {
		*why = _("The date is not a date (YYYY-MM-DD).");
		return false;
	}
	if (strcmp(p->status, "draft") && strcmp(p->status, "review") &&
	    strcmp(p->status, "published")) {
		*why = _("Unknown status.");
		return false;
	}
	if (strstr(p->extra, "\n---") || !strncmp(p->extra, "---", 3)) {
		*why = _("The page's other fields are damaged.");
		return false;
	}
	return true;
}

/* The path of a new page from its kind, date and address name. */
static bool new_path(gz_buf *out, gz_desk_page *p, const char *kind)
{
	const char *s;
	char hex[9];

	if (!*p->slug) {
		gz_buf sl = GZ_BUF_INIT;
		gz_slugify(&sl, p->title);
		for (s = sl.ptr; *s && (unsigned char)*s < 0x80; s++)
			;
		if (sl.len && !*s && sl.len <= 60) {
			gz_desk_set(&p->slug, sl.ptr);
		} else {
			gz_buf n = GZ_BUF_INIT;
			gz_desk_random_hex(hex, 4);
			gz_buf_printf(&n, "%.4s%.2s%.2s-%s", p->date, p->date + 5, p->date + 8, hex);
			gz_desk_set(&p->slug, n.ptr);
			gz_buf_release(&n);
		}
		gz_buf_release(&sl);
	}
	for (s = p->slug; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	if (strlen(p->slug) > 60 || p->slug[0] == '-')
		return false;
	if (!strcmp(kind, "policy"))
		gz_buf_printf(out, "content/policies/%s/index.md", p->slug);
	else
		gz_buf_printf(out, "content/stories/%.4s/%s/index.md", p->date, p->slug);
	return true;
}

static void stale_screen(ctx *c, const char *page, const char *branch, const char *mine)
{
	desk *dk = c->dk;
	gz_buf *b = &c->rp->body;
	char tip[GZ_SHA_SIZE], *theirs = NULL, *err = NULL, *rp = repo_path(dk, page);
	size_t len;

	c->rp->status = 409;
	head(c, b, _("Someone saved this page before you"));
	gz_buf_printf(b, "<p class=\"err\" role=\"alert\">%s</p>",
		      _("Your save was refused: the page changed after you opened it. Both versions "
			"are below; copy what you need into the newer one and save again."));
	if (gz_gitw_tip(dk->git, branch, tip, &err) == 0 &&
	    gz_gitw_read(dk->git, tip, rp, &theirs, &len, &err) == 0) {
		gz_buf_printf(b, "<div class=\"two\"><section><h2>%s</h2><pre class=\"text\">",
			      _("The saved version"));
		h(b, theirs);
		gz_buf_printf(b, "</pre><p><a class=\"button\" href=\"/desk/edit?p=");
		url_arg(b, page);
		gz_buf_puts(b, "&amp;b=");
		url_arg(b, branch);
		gz_buf_printf(b, "\">%s</a></p></section>", _("Open the saved version"));
	}
	gz_buf_printf(b, "<section><h2>%s</h2><pre class=\"text\">", _("Your version"));
	h(b, mine);
	gz_buf_puts(b, "</pre></section></div>");
	foot(b);
	free(theirs);
	free(err);
	free(rp);
}

/* Every photo of p has its caption, credit and alt text. */
static const char *photos_complete(const gz_desk_page *p)
{
	size_t i;

	for (i = 0; i < p->nphotos; i++)
		if (!*p->photos[i].caption || !*p->photos[i].credit || !*p->photos[i].alt)
			return p->photos[i].src;
	return NULL;
}

static void do_save(ctx *c)
{
	desk *dk = c->dk;
	gz_desk_page p;
	const char *why = NULL, *page = f(c, "p"), *base = f(c, "base"), *missing;
	bool submit = !strcmp(f(c, "do"), "submit");
	gz_buf path = GZ_BUF_INIT, md = GZ_BUF_INIT, msg = GZ_BUF_INIT, loc = GZ_BUF_INIT;
	char *branch = NULL, *err = NULL, *rp = NULL, sha[GZ_SHA_SIZE];
	gz_gitw_file file;
	int rc;

	if (!form_page(c, &p, &why)) {
		form_screen(c, &p, page, f(c, "kind"), f(c, "b"), base, why);
		goto cleanup;
	}
	if (!*page) {
		if (!new_path(&path, &p, f(c, "kind"))) {
			form_screen(c, &p, page, f(c, "kind"), "", base,
				    _("The address name may hold only a-z, 0-9 and -."));
			goto cleanup;
		}
		rp = repo_path(dk, path.ptr);
		{
			char *have = NULL;
			size_t len;
			if (gz_gitw_read(dk->git, base, rp, &have, &len, &err) == 0) {
				free(have);
				form_screen(c, &p, "", f(c, "kind"), "", base,
					    _("A page with this address already exists."));
				goto cleanup;
			}
			free(err);
			err = NULL;
		}
		page = path.ptr;
	} else if (!page_path_ok(page)) {
		message(c, 400, _("Not a page"), page);
		goto cleanup;
	}
	branch = *f(c, "b") ? gz_strdup(f(c, "b")) : branch_of(c->s.user, page);
	if (!may_edit(c, branch)) {
		message(c, 403, _("Not yours"), _("This page is another editor's."));
		goto cleanup;
	}
	{
		gz_buf pp = GZ_BUF_INIT;
		char owner[33];
		bool same = branch_parse(branch, owner, sizeof(owner), &pp) && !strcmp(pp.ptr, page);
		gz_buf_release(&pp);
		if (!same) {
			message(c, 400, _("Not a page"), page);
			goto cleanup;
		}
	}
	if (submit) {
		if ((missing = photos_complete(&p))) {
			form_screen(c, &p, page, "", branch, base,
				    _("Every photo needs a caption, a credit and alt text before the page "
				      "is submitted."));
			goto cleanup;
		}
		gz_desk_set(&p.status, "review");
	}
	gz_desk_page_write(&md, &p);
	if (!rp)
		rp = repo_path(dk, page);
	file.path = rp;
	file.data = md.ptr;
	file.len = md.len;
	gz_buf_printf(&msg, submit ? _("%s: submitted for review\n") : _("%s: saved on the desk\n"), p.title);
	rc = gz_gitw_commit(dk->git, sha, branch, base, &file, 1, c->user.name, c->user.email, msg.ptr,
			    &err);
	if (rc == GZ_GITW_STALE) {
		stale_screen(c, page, branch, md.ptr);
		goto cleanup;
	}
	if (rc < 0) {
		message(c, 500, _("Not saved"), err);
		goto cleanup;
	}
	gz_buf_puts(&loc, "/desk/edit?p=");
	url_arg(&loc, page);
	gz_buf_puts(&loc, "&b=");
	url_arg(&loc, branch);
	gz_buf_puts(&loc, submit ? "&done=submitted" : "&done=saved");
	c->rp->location = gz_buf_detach(&loc, NULL);
cleanup:
	gz_desk_page_release(&p);
	gz_buf_release(&path);
	gz_buf_release(&md);
	gz_buf_release(&msg);
	gz_buf_release(&loc);
	free(branch);
	free(err);
	free(rp);
}

/* ---- photos ---- */

enum { PHOTO_SIZE = 2, PHOTO_DAMAGED = 3 };

/* In a child (libvips stays out of the server): the photo's size within
 * bounds, and every pixel decoded now, as the build will: a damaged file
 * is refused here, not at publishing. */
static int photo_child(gz_buf *out, void *payload)
{
	const gz_buf *file = payload;
	gz_image_opts o;
	gz_image_result r;
	char *err = NULL;
	int w = 0, h = 0;

	if (gz_image_size(file->ptr, file->len, &w, &h) < 0)
		return PHOTO_DAMAGED;
	if (w > MAX_PHOTO_SIDE || h > MAX_PHOTO_SIDE || w < MIN_PHOTO_SIDE || h < MIN_PHOTO_SIDE)
		return PHOTO_SIZE;
	memset(&o, 0, sizeof(o));
	o.widths[GZ_IMAGE_JPEG][0] = 64;
	o.nwidths[GZ_IMAGE_JPEG] = 1;
	o.quality = 50;
	o.max_pixels = (uint64_t)MAX_PHOTO_SIDE * MAX_PHOTO_SIDE;
	if (gz_image_process(&r, file->ptr, file->len, &o, &err) != GZ_IMAGE_OK) {
		gz_buf_puts(out, err ? err : "");
		free(err);
		return PHOTO_DAMAGED;
	}
	gz_image_result_release(&r);
	return 0;
}

static void do_upload(ctx *c)
{
	desk *dk = c->dk;
	const char *branch = f(c, "b"), *base = f(c, "base"), *name = c->rq->file_name;
	const char *kind;
	char owner[33], *md = NULL, *err = NULL, *rp = NULL, sha[GZ_SHA_SIZE];
	gz_buf page = GZ_BUF_INIT, stem = GZ_BUF_INIT, photo = GZ_BUF_INIT, out = GZ_BUF_INIT,
	       loc = GZ_BUF_INIT, msg = GZ_BUF_INIT;
	gz_desk_page p;
	gz_gitw_file files[2];
	size_t len, i;
	int rc;

	memset(&p, 0, sizeof(p));
	if (!branch_parse(branch, owner, sizeof(owner), &page) || !may_edit(c, branch) ||
	    !strstr(page.ptr, "/index.md")) {
		message(c, 403, _("Not yours"), _("This page is another editor's."));
		goto cleanup;
	}
	/* the name as sent is only a hint: the photo is named by the desk */
	if (!name || !*name || gz_slug_is_hostile(name) || name[0] == '.') {
		message(c, 400, _("Photo refused"), _("The file name is not allowed."));
		goto cleanup;
	}
	if (c->rq->file.len > MAX_PHOTO) {
		message(c, 413, _("Photo refused"), _("The photo is larger than 20 MB."));
		goto cleanup;
	}
	kind = gz_image_kind(c->rq->file.ptr, c->rq->file.len);
	if (!kind || !strcmp(kind, "tif")) {
		message(c, 415, _("Photo refused"), _("This is not a JPEG, PNG or WebP photo."));
		goto cleanup;
	}
	{
		gz_buf text = GZ_BUF_INIT;
		pthread_mutex_lock(&dk->build_lock);
		rc = gz_desk_child_run(&text, &err, dk->git, photo_child, (void *)&c->rq->file);
		pthread_mutex_unlock(&dk->build_lock);
		gz_buf_release(&text);
		free(err);
		err = NULL;
	}
	if (rc == PHOTO_SIZE) {
		message(c, 415, _("Photo refused"),
			_("A photo must be between 200 and 12000 pixels wide and high."));
		goto cleanup;
	}
	if (rc != 0) {
		message(c, 415, _("Photo refused"), _("The photo is damaged or cut short."));
		goto cleanup;
	}
	rp = repo_path(dk, page.ptr);
	if (gz_gitw_read(dk->git, base, rp, &md, &len, &err) < 0 ||
	    gz_desk_page_parse(&p, md, len, &err) < 0) {
		message(c, 404, _("Not found"), err);
		goto cleanup;
	}
	if (p.nphotos >= GZ_DESK_MAX_PHOTOS) {
		message(c, 400, _("Photo refused"), _("This page has as many photos as it can hold."));
		goto cleanup;
	}
	{
		const char *dot = strrchr(name, '.');
		char *base_name = dot ? gz_strndup(name, (size_t)(dot - name)) : gz_strdup(name);
		gz_slugify(&stem, base_name);
		free(base_name);
	}
	for (i = 0; i < stem.len; i++)
		if ((unsigned char)stem.ptr[i] >= 0x80)
			break;
	if (!stem.len || i < stem.len) {
		char hex[9];
		gz_buf_clear(&stem);
		gz_desk_random_hex(hex, 4);
		gz_buf_printf(&stem, "photo-%s", hex);
	}
	gz_buf_printf(&photo, "%s.%s", stem.ptr, kind);
	for (i = 0; i < p.nphotos; i++)
		if (!strcmp(p.photos[i].src, photo.ptr)) {
			char hex[9];
			gz_desk_random_hex(hex, 4);
			gz_buf_clear(&photo);
			gz_buf_printf(&photo, "%s-%s.%s", stem.ptr, hex, kind);
		}
	p.photos[p.nphotos].src = gz_strdup(photo.ptr);
	p.photos[p.nphotos].caption = gz_strdup(f(c, "caption"));
	p.photos[p.nphotos].credit = gz_strdup(f(c, "credit"));
	p.photos[p.nphotos].alt = gz_strdup(f(c, "alt"));
	p.nphotos++;
	gz_desk_page_write(&out, &p);
	{
		gz_buf full = GZ_BUF_INIT;
		char *slash;
		gz_buf_puts(&full, rp);
		slash = strrchr(full.ptr, '/');
		gz_buf_truncate(&full, (size_t)(slash - full.ptr + 1));
		gz_buf_puts(&full, photo.ptr);
		gz_buf_clear(&photo);
		gz_buf_puts(&photo, full.ptr);
		gz_buf_release(&full);
	}
	files[0].path = photo.ptr;
	files[0].data = c->rq->file.ptr;
	files[0].len = c->rq->file.len;
	files[1].path = rp;
	files[1].data = out.ptr;
	files[1].len = out.len;
	gz_buf_printf(&msg, _("%s: photo %s added on the desk\n"), p.title, strrchr(photo.ptr, '/') + 1);
	rc = gz_gitw_commit(dk->git, sha, branch, base, files, 2, c->user.name, c->user.email, msg.ptr,
			    &err);
	if (rc == GZ_GITW_STALE) {
		stale_screen(c, page.ptr, branch, out.ptr);
		goto cleanup;
	}
	if (rc < 0) {
		message(c, 500, _("Not saved"), err);
		goto cleanup;
	}
	gz_buf_puts(&loc, "/desk/edit?p=");
	url_arg(&loc, page.ptr);
	gz_buf_puts(&loc, "&b=");
	url_arg(&loc, branch);
	c->rp->location = gz_buf_detach(&loc, NULL);
cleanup:
	gz_desk_page_release(&p);
	gz_buf_release(&page);
	gz_buf_release(&stem);
	gz_buf_release(&photo);
	gz_buf_release(&out);
	gz_buf_release(&loc);
	gz_buf_release(&msg);
	free(md);
	free(err);
	free(rp);
}

/* ---- preview and check ---- */

/* A build, and the check after it, as a child process does them. */
typedef struct {
	gz_build_opts o;
	gz_desk_check_fn check;
	const char *check_dir;   /* the site to check, or NULL */
} build_job;

static int build_child(gz_buf *out, void *payload)
{
	build_job *j = payload;
	gz_build_stats st;
	gz_diag d;
	int rc;

	memset(&st, 0, sizeof(st));
	gz_diag_init(&d);
	rc = gz_build(&j->o, &d, &st);
	gz_desk_diag_write(out, 'b', &d);
	gz_diag_release(&d);
	if (j->check && j->check_dir) {
		gz_diag_init(&d);
		j->check(j->check_dir, &d);
		gz_desk_diag_write(out, 'c', &d);
		gz_diag_release(&d);
	}
	return rc == 0 ? 0 : 1;
}

/* Run job in a child: the build's diagnostics into built, the check's
 * into checked (may be NULL when the job checks nothing). Returns 0 when
 * the site was built. */
static int run_build(desk *dk, build_job *j, gz_diag *built, gz_diag *checked)
{
	gz_buf text = GZ_BUF_INIT;
	char *err = NULL;
	int rc;

	j->o.exiting = true;
	pthread_mutex_lock(&dk->build_lock);
	rc = gz_desk_child_run(&text, &err, dk->git, build_child, j);
	pthread_mutex_unlock(&dk->build_lock);
	gz_desk_diag_read(built, 'b', text.ptr);
	if (checked)
		gz_desk_diag_read(checked, 'c', text.ptr);
	if (rc < 0)
		gz_diag_error(built, "", 0, 0, "%s", err);
	free(err);
	gz_buf_release(&text);
	return rc == 0 ? 0 : -1;
}

/* Build commit sha into the session's preview folder, drafts included,
 * and check the site in check_dir (NULL: no check) into checked. */
static int preview_build(desk *dk, const char *user, const char *sha, const char *check_dir,
			 gz_buf *errors, gz_diag *checked)
{
	build_job j;
	gz_diag d;
	gz_buf out = GZ_BUF_INIT;
	size_t i;
	int rc;

	memset(&j, 0, sizeof(j));
	gz_buf_printf(&out, "%s/preview-%s", dk->state, user);
	j.o.source = dk->source;
	j.o.out = out.ptr;
	j.o.rev = sha;
	j.o.drafts = true;
	j.o.future = true;
	j.o.keep_going = true;
	j.o.allow_shrink = true;
	j.o.jobs = 2;
	j.check = dk->check;
	j.check_dir = check_dir;
	gz_diag_init(&d);
	rc = run_build(dk, &j, &d, checked);
	for (i = 0; i < d.n; i++)
		if (d.items[i].severity == GZ_ERROR) {
			char *m = gz_diag_format(&d.items[i]);
			gz_buf_printf(errors, "%s\n", m);
			free(m);
		}
	gz_diag_release(&d);
	gz_buf_release(&out);
	return rc;
}

static void do_preview(ctx *c)
{
	desk *dk = c->dk;
	gz_desk_page p;
	const char *why = NULL, *page = f(c, "p"), *base = f(c, "base");
	gz_buf md = GZ_BUF_INIT, *b = &c->rp->body, errors = GZ_BUF_INIT, url = GZ_BUF_INIT,
	       work = GZ_BUF_INIT, path = GZ_BUF_INIT;
	char sha[GZ_SHA_SIZE], *err = NULL, *rp = NULL;
	gz_gitw_file file;
	gz_diag d;
	size_t i;

	c->rp->type = "application/json";
	gz_diag_init(&d);
	if (!form_page(c, &p, &why)) {
		gz_buf_puts(b, "{\"error\":");
		gz_buf_add_json(b, why);
		gz_buf_puts(b, "}");
		goto cleanup;
	}
	if (!*page) {
		if (!new_path(&path, &p, f(c, "kind"))) {
			gz_buf_puts(b, "{\"error\":");
			gz_buf_add_json(b, _("The address name may hold only a-z, 0-9 and -."));
			gz_buf_puts(b, "}");
			goto cleanup;
		}
		page = path.ptr;
	}
	if (!page_path_ok(page)) {
		c->rp->status = 400;
		gz_buf_puts(b, "{\"error\":\"bad page\"}");
		goto cleanup;
	}
	gz_desk_page_write(&md, &p);
	rp = repo_path(dk, page);
	file.path = rp;
	file.data = md.ptr;
	file.len = md.len;
	/* a commit no branch names: the build reads it like any other */
	if (gz_gitw_commit(dk->git, sha, NULL, base, &file, 1, c->user.name, c->user.email,
			   "desk preview\n", &err) < 0) {
		gz_buf_puts(b, "{\"error\":");
		gz_buf_add_json(b, err);
		gz_buf_puts(b, "}");
		goto cleanup;
	}
	gz_buf_printf(&work, "%s/check-%s", dk->state, c->s.user);
	if (!dk->check || gz_gitw_export(dk->git, sha, work.ptr, &err) < 0)
		gz_buf_clear(&work);
	preview_build(dk, c->s.user, sha, work.len ? work.ptr : NULL, &errors, &d);
	gz_diag_sort(&d);
	page_url(&url, page, p.slug);
	gz_buf_printf(b, "{\"url\":");
	{
		gz_buf u = GZ_BUF_INIT;
		gz_buf_printf(&u, "/desk/view/%s%s", c->s.user, url.ptr);
		gz_buf_add_json(b, u.ptr);
		gz_buf_release(&u);
	}
	gz_buf_puts(b, ",\"buildErrors\":");
	gz_buf_add_json(b, errors.ptr);
	gz_buf_printf(b, ",\"bodyLine\":%d,\"findings\":[", p.body_line);
	{
		bool first = true;
		for (i = 0; i < d.n; i++) {
			const gz_diag_item *it = &d.items[i];
			if (strcmp(it->path, page))
				continue;
			gz_buf_printf(b, "%s{\"line\":%d,\"col\":%d,\"severity\":\"%s\",\"message\":",
				      first ? "" : ",", it->line, it->col,
				      it->severity == GZ_ERROR ? "error" : "warning");
			gz_buf_add_json(b, it->msg);
			gz_buf_puts(b, "}");
			first = false;
		}
	}
	gz_buf_puts(b, "]}");
cleanup:
	gz_diag_release(&d);
	gz_desk_page_release(&p);
	gz_buf_release(&md);
	gz_buf_release(&errors);
	gz_buf_release(&url);
	gz_buf_release(&work);
	gz_buf_release(&path);
	free(err);
	free(rp);
}

/* A file of the session's preview, its site-absolute links turned to the
 * preview's own. */
static void do_view(ctx *c)
{
	const char *rest = c->rq->path + strlen("/desk/view/");
	const char *slash = strchr(rest, '/');
	gz_buf path = GZ_BUF_INIT, prefix = GZ_BUF_INIT, *b = &c->rp->body;
	const char *type = "application/octet-stream", *dot;
	size_t i;

	if (!slash || (size_t)(slash - rest) != strlen(c->s.user) ||
	    strncmp(rest, c->s.user, (size_t)(slash - rest))) {
		message(c, 403, _("Not yours"), _("This preview is another editor's."));
		goto cleanup;
	}
	gz_buf_printf(&path, "%s/preview-%s%s", c->dk->state, c->s.user, slash);
	if (path.ptr[path.len - 1] == '/')
		gz_buf_puts(&path, "index.html");
	dot = strrchr(path.ptr, '.');
	if (dot && !strcmp(dot, ".html"))
		type = "text/html; charset=utf-8";
	else if (dot && !strcmp(dot, ".css"))
		type = "text/css; charset=utf-8";
	else if (dot && (!strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg")))
		type = "image/jpeg";
	else if (dot && !strcmp(dot, ".png"))
		type = "image/png";
	else if (dot && !strcmp(dot, ".webp"))
		type = "image/webp";
	else if (dot && !strcmp(dot, ".svg"))
		type = "image/svg+xml";
	else if (dot && !strcmp(dot, ".woff2"))
		type = "font/woff2";
	{
		gz_buf raw = GZ_BUF_INIT;
		if (gz_buf_read_file(&raw, path.ptr) < 0) {
			message(c, 404, _("Not found"), _("Not in the preview yet."));
			gz_buf_release(&raw);
			goto cleanup;
		}
		c->rp->type = type;
		c->rp->sandbox = true;
		if (strcmp(type, "text/html; charset=utf-8") && strcmp(type, "text/css; charset=utf-8")) {
			gz_buf_add(b, raw.ptr, raw.len);
			gz_buf_release(&raw);
			goto cleanup;
		}
		gz_buf_printf(&prefix, "/desk/view/%s/", c->s.user);
		for (i = 0; i < raw.len; i++) {
			char q = raw.ptr[i];
			if ((q == '"' || q == '(' || q == ' ') && i + 2 < raw.len && raw.ptr[i + 1] == '/' &&
			    raw.ptr[i + 2] != '/' && (q != ' ' || (i > 0 && raw.ptr[i - 1] == ','))) {
				gz_buf_putc(b, q);
				gz_buf_puts(b, prefix.ptr);
				i++;
				continue;
			}
			gz_buf_putc(b, q);
		}
		gz_buf_release(&raw);
	}
cleanup:
	gz_buf_release(&path);
	gz_buf_release(&prefix);
}

/* ---- review ---- */

static void review_screen(ctx *c)
{
	desk *dk = c->dk;
	const char *branch = f(c, "b");
	char owner[33], tip[GZ_SHA_SIZE], pub[GZ_SHA_SIZE], *err = NULL, *md = NULL, *rp = NULL;
	gz_buf page = GZ_BUF_INIT, diff = GZ_BUF_INIT, url = GZ_BUF_INIT, errors = GZ_BUF_INIT,
	       *b = &c->rp->body, dir = GZ_BUF_INIT;
	gz_gitw_logitem *log = NULL;
	gz_desk_page p;
	size_t nlog = 0, len, i;
	char *slash;

	memset(&p, 0, sizeof(p));
	if (!is_reviewer(c) || !branch_parse(branch, owner, sizeof(owner), &page)) {
		message(c, 403, _("Not yours"), _("Only a reviewer reviews pages."));
		goto cleanup;
	}
	if (gz_gitw_tip(dk->git, branch, tip, &err) < 0 || gz_gitw_tip(dk->git, dk->branch, pub, &err) < 0)
		goto fail;
	rp = repo_path(dk, page.ptr);
	if (gz_gitw_read(dk->git, tip, rp, &md, &len, &err) < 0)
		goto fail;
	gz_desk_page_parse(&p, md, len, &err);
	free(err);
	err = NULL;
	head(c, b, p.title);
	gz_buf_printf(b, "<p class=\"meta\">%s ", _("By"));
	h(b, owner);
	gz_buf_printf(b, " · %s</p>", status_label(*p.status ? p.status : "published"));
	preview_build(dk, c->s.user, tip, NULL, &errors, NULL);
	page_url(&url, page.ptr, p.slug);
	gz_buf_printf(b, "<div class=\"two\"><section class=\"preview\"><h2>%s</h2>"
			 "<iframe sandbox=\"allow-same-origin\" title=\"%s\" src=\"/desk/view/%s",
		      _("The page"), _("The page"), c->s.user);
	h(b, url.ptr);
	gz_buf_printf(b, "\"></iframe></section><section><h2>%s</h2><pre class=\"diff\">",
		      _("Changes against the published site"));
	gz_buf_puts(&dir, rp);
	slash = strrchr(dir.ptr, '/');
	gz_buf_truncate(&dir, (size_t)(slash - dir.ptr + 1));
	if (gz_gitw_diff(dk->git, pub, tip, dir.ptr, &diff, &err) == 0) {
		const char *line = diff.ptr;
		while (*line) {
			const char *nl = strchr(line, '\n');
			size_t n = nl ? (size_t)(nl - line) : strlen(line);
			const char *cls = line[0] == '+' && strncmp(line, "+++", 3) ? "add" :
					  line[0] == '-' && strncmp(line, "---", 3) ? "del" : "ctx";
			gz_buf_printf(b, "<span class=\"%s\">", cls);
			gz_buf_add_html(b, line, n);
			gz_buf_puts(b, "</span>\n");
			line += n + (nl ? 1 : 0);
		}
	}
	gz_buf_printf(b, "</pre><h2>%s</h2><ol class=\"log\">", _("History and comments"));
	gz_gitw_log(dk->git, branch, dk->branch, &log, &nlog, &err);
	for (i = 0; i < nlog; i++) {
		char ymd[11];
		gz_date_from_time(ymd, log[i].time, 8 * 60);
		gz_buf_puts(b, "<li><span class=\"meta\">");
		date_zh(b, ymd);
		gz_buf_puts(b, " · ");
		h(b, log[i].author);
		gz_buf_puts(b, "</span> ");
		h(b, log[i].message);
		gz_buf_puts(b, "</li>");
	}
	gz_buf_puts(b, "</ol>");
	gz_buf_printf(b, "<form method=\"post\" action=\"/desk/decide\" class=\"card\">");
	csrf_field(c, b);
	gz_buf_puts(b, "<input type=\"hidden\" name=\"b\" value=\"");
	h(b, branch);
	gz_buf_printf(b, "\"><input type=\"hidden\" name=\"base\" value=\"%s\">"
			 "<label>%s<textarea name=\"comment\" rows=\"3\"></textarea></label>"
			 "<p class=\"actions\"><button class=\"primary\" name=\"do\" value=\"approve\">%s</button> "
			 "<button name=\"do\" value=\"return\">%s</button></p></form></section></div>",
		      tip, _("Comment"), _("Approve and publish"), _("Send back"));
	foot(b);
	goto cleanup;
fail:
	message(c, 404, _("Not found"), err);
cleanup:
	gz_gitw_log_free(log, nlog);
	gz_desk_page_release(&p);
	gz_buf_release(&page);
	gz_buf_release(&diff);
	gz_buf_release(&url);
	gz_buf_release(&errors);
	gz_buf_release(&dir);
	free(err);
	free(md);
	free(rp);
}

static void do_decide(ctx *c)
{
	desk *dk = c->dk;
	const char *branch = f(c, "b"), *base = f(c, "base"), *comment = f(c, "comment");
	bool approve = !strcmp(f(c, "do"), "approve");
	char owner[33], sha[GZ_SHA_SIZE], merged[GZ_SHA_SIZE], *err = NULL, *md = NULL, *rp = NULL;
	gz_buf page = GZ_BUF_INIT, out = GZ_BUF_INIT, msg = GZ_BUF_INIT, *b = &c->rp->body;
	gz_strlist conflicts = {0};
	gz_desk_page p;
	gz_gitw_file file;
	size_t len, i;
	int rc;

	memset(&p, 0, sizeof(p));
	if (!is_reviewer(c) || !branch_parse(branch, owner, sizeof(owner), &page)) {
		message(c, 403, _("Not yours"), _("Only a reviewer reviews pages."));
		goto cleanup;
	}
	rp = repo_path(dk, page.ptr);
	if (gz_gitw_read(dk->git, base, rp, &md, &len, &err) < 0 ||
	    gz_desk_page_parse(&p, md, len, &err) < 0) {
		message(c, 404, _("Not found"), err);
		goto cleanup;
	}
	if (approve && photos_complete(&p)) {
		message(c, 400, _("Not approved"),
			_("Every photo needs a caption, a credit and alt text before the page is published."));
		goto cleanup;
	}
	gz_desk_set(&p.status, approve ? "published" : "draft");
	gz_desk_page_write(&out, &p);
	file.path = rp;
	file.data = out.ptr;
	file.len = out.len;
	gz_buf_printf(&msg, approve ? _("%s: approved\n") : _("%s: sent back\n"), p.title);
	if (*comment)
		gz_buf_printf(&msg, "\n%s\n", comment);
	rc = gz_gitw_commit(dk->git, sha, branch, base, &file, 1, c->user.name, c->user.email, msg.ptr,
			    &err);
	if (rc == GZ_GITW_STALE) {
		message(c, 409, _("Someone saved this page before you"),
			_("The page changed while you reviewed it: open it again."));
		goto cleanup;
	}
	if (rc < 0) {
		message(c, 500, _("Not saved"), err);
		goto cleanup;
	}
	if (!approve) {
		redirect(c, "/desk/", NULL);
		goto cleanup;
	}
	rc = gz_gitw_merge(dk->git, merged, branch, dk->branch, c->user.name, c->user.email, &conflicts,
			   &err);
	if (rc == GZ_GITW_CONFLICT) {
		c->rp->status = 409;
		head(c, b, _("The page cannot be merged"));
		gz_buf_printf(b, "<p class=\"err\" role=\"alert\">%s</p><ul>",
			      _("Someone changed the same lines on the published site. Nothing was "
				"published; the editor should open the page again and bring the changes "
				"together. These files conflict:"));
		for (i = 0; i < conflicts.n; i++) {
			gz_buf_puts(b, "<li><code>");
			h(b, conflicts.items[i]);
			gz_buf_puts(b, "</code></li>");
		}
		gz_buf_puts(b, "</ul>");
		foot(b);
		goto cleanup;
	}
	if (rc < 0) {
		message(c, 500, _("Not published"), err);
		goto cleanup;
	}
	gz_gitw_delete(dk->git, branch, sha, &err);
	free(err);
	err = NULL;
	{
		build_job j;
		gz_diag d;
		memset(&j, 0, sizeof(j));
		j.o.source = dk->source;
		j.o.out = dk->out;
		j.o.rev = dk->branch;
		j.o.jobs = 2;
		gz_diag_init(&d);
		rc = run_build(dk, &j, &d, NULL);
		head(c, b, rc == 0 ? _("Published") : _("Approved, but the site was not built"));
		if (rc == 0) {
			gz_buf_printf(b, "<p class=\"ok\" role=\"status\">%s</p>",
				      _("The page is merged and the site is built."));
		} else {
			gz_buf_printf(b, "<p class=\"err\" role=\"alert\">%s</p><pre class=\"text\">",
				      _("The page is merged, but the build failed; the site is as it was:"));
			for (i = 0; i < d.n; i++) {
				char *m = gz_diag_format(&d.items[i]);
				h(b, m);
				gz_buf_putc(b, '\n');
				free(m);
			}
			gz_buf_puts(b, "</pre>");
		}
		gz_buf_printf(b, "<p><a href=\"/desk/\">%s</a></p>", _("Back to the desk"));
		foot(b);
		gz_diag_release(&d);
	}
cleanup:
	gz_strlist_release(&conflicts);
	gz_desk_page_release(&p);
	gz_buf_release(&page);
	gz_buf_release(&out);
	gz_buf_release(&msg);
	free(err);
	free(md);
	free(rp);
}

/* ---- static files ---- */

static const char desk_css[] =
	":root{--sans:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Source Han Sans CN\",\"PingFang SC\","
	"\"Hiragino Sans GB\",\"Microsoft YaHei\",sans-serif;--accent:#9b1c1c}\n"
	"*{box-sizing:border-box}body{margin:0;font-family:var(--sans);font-size:16px;line-height:1.6;"
	"color:#222;background:#f6f4f0}\n"
	".bar{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:space-between;align-items:center;"
	"padding:.5rem 1rem;background:var(--accent);color:#fff}.bar a{color:#fff;font-weight:bold;"
	"text-decoration:none}.bar form{display:flex;gap:.5rem;align-items:center}\n"
	"main{max-width:72rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem}h2{font-size:1.15rem}\n"
	".card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:1rem;margin:0 0 1rem}"
	".login{max-width:26rem}\n"
	"label{display:block;margin:.4rem 0}input,select,textarea{display:block;width:100%;font:inherit;"
	"padding:.4rem;border:1px solid #bbb;border-radius:4px;min-height:2.5rem}\n"
	"button,.button{font:inherit;padding:.45rem 1rem;border:1px solid #888;border-radius:4px;"
	"background:#fff;color:#222;text-decoration:none;display:inline-block;min-height:2.5rem;cursor:pointer}\n"
	".primary{background:var(--accent);color:#fff;border-color:var(--accent)}\n"
	".row{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.5rem}\n"
	".pages{list-style:none;padding:0}.pages li{padding:.5rem 0;border-bottom:1px solid #e4e0d8}\n"
	".meta{color:#666;font-size:.9rem}.st{padding:0 .3rem;border-radius:3px;background:#eee;white-space:nowrap}"
	".st-review{background:#fff2c6}.st-draft{background:#e6eefc}.st-published{background:#e2f4e4}\n"
	".err{background:#fde8e8;border:1px solid #e0a0a0;padding:.6rem;border-radius:4px}"
	".ok{background:#e2f4e4;padding:.6rem;border-radius:4px}\n"
	".md{display:flex;border:1px solid #bbb;border-radius:4px;background:#fff}"
	".md textarea{border:0;min-height:24rem;font-family:monospace,var(--sans);line-height:1.5rem;"
	"white-space:pre;overflow:auto}.gutter{flex:0 0 3.2rem;overflow:hidden;font:.8rem/1.5rem monospace;"
	"text-align:right;padding:.4rem .3rem;color:#999;background:#f2f0ec}.gutter .w{color:#b45309;"
	"font-weight:bold}.gutter .e{color:#b91c1c;font-weight:bold}\n"
	".findings li.warning::marker{content:\"⚠ \"}.findings li.error::marker{content:\"✖ \"}\n"
	"iframe{width:100%;height:36rem;border:1px solid #bbb;background:#fff}\n"
	"pre.text,pre.diff{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #ddd;"
	"padding:.5rem;max-height:30rem;overflow:auto}.diff .add{background:#e2f4e4}.diff .del{background:#fde8e8}\n"
	"fieldset.photo{border:1px solid #ddd;margin:.6rem 0}.search{display:flex;gap:.5rem}"
	".search input{flex:1;min-width:0}.search button{flex:none;white-space:nowrap}\n"
	/* wide: the fields on the left, the preview beside them and staying in
	 * view while the body is written */
	"@media(min-width:60rem){.editor{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem;"
	"align-items:start}.editor>form,.editor>p{grid-column:1}.editor>.preview{grid-column:2;"
	"grid-row:1/span 3;position:sticky;top:0}.editor>.preview h2{margin-top:0}"
	".editor iframe{height:calc(100vh - 4rem)}"
	".two{display:grid;grid-template-columns:1fr 1fr;gap:1rem}}\n";

/* The live preview: the form is sent a moment after typing stops; the
 * check's findings are put beside the body's lines. */
static const char desk_js[] =
	"(function(){var f=document.getElementById('page');if(!f)return;"
	"var t=document.getElementById('body'),g=document.getElementById('gutter'),"
	"fr=document.getElementById('preview'),ul=document.getElementById('findings'),"
	"timer=null,marks={};\n"
	"function gutter(){var n=t.value.split('\\n').length,h='';for(var i=1;i<=n;i++){var m=marks[i];"
	"h+='<div'+(m?' class=\"'+m.c+'\" title=\"'+m.t.replace(/\"/g,'&quot;')+'\"':'')+'>'+(m?(m.c=='e'?'✖':'⚠')+' ':'')+i+'</div>';}"
	"g.innerHTML=h;g.scrollTop=t.scrollTop;}\n"
	"function show(r){marks={};ul.innerHTML='';if(r.error){var li=document.createElement('li');"
	"li.className='error';li.textContent=r.error;ul.appendChild(li);gutter();return;}"
	"(r.findings||[]).forEach(function(x){var li=document.createElement('li');li.className=x.severity;"
	"var l=x.line-r.bodyLine+1;li.textContent=(l>0?ul.dataset.line.replace('%d',l):ul.dataset.page)+x.message;"
	"li.dataset.line=l;ul.appendChild(li);if(l>0)marks[l]={c:x.severity=='error'?'e':'w',t:x.message};});"
	"gutter();if(fr&&r.url)fr.src=r.url+'?t='+Date.now();}\n"
	"function send(){var d=new FormData(f);fetch('/desk/preview',{method:'POST',body:new URLSearchParams(d),"
	"credentials:'same-origin'}).then(function(r){return r.json();}).then(show).catch(function(){});}\n"
	"function later(){clearTimeout(timer);timer=setTimeout(send,600);}\n"
	"f.addEventListener('input',later);t.addEventListener('scroll',function(){g.scrollTop=t.scrollTop;});"
	"ul.addEventListener('click',function(e){var l=+e.target.dataset.line;if(l>0){var a=t.value.split('\\n'),"
	"p=0;for(var i=0;i<l-1;i++)p+=a[i].length+1;t.focus();t.setSelectionRange(p,p+a[l-1].length);}});"
	"gutter();send();})();\n";

/* ---- routing ---- */

static bool csrf_ok(ctx *c)
{
	const char *tok = gz_http_field_get(c->rq, "csrf");

	return tok && gz_desk_token_equal(c->s.csrf, tok);
}

static void handle(gz_http_reply *rp, const gz_http_request *rq, void *payload)
{
	desk *dk = payload;
	ctx c;
	const char *path = rq->path;
	bool post = !strcmp(rq->method, "POST");
	const gz_desk_user *u;
	char *err = NULL;

	memset(&c, 0, sizeof(c));
	c.dk = dk;
	c.rq = rq;
	c.rp = rp;
	/* read each time: `gazette desk user add` works while the desk runs */
	pthread_mutex_lock(&dk->users_lock);
	if (gz_desk_users_load(&c.users, dk->users_file, &err) < 0) {
		pthread_mutex_unlock(&dk->users_lock);
		message(&c, 500, _("Editing desk"), err);
		free(err);
		return;
	}
	pthread_mutex_unlock(&dk->users_lock);
	if (!strcmp(path, "/desk/static/desk.css")) {
		rp->type = "text/css; charset=utf-8";
		gz_buf_add(&rp->body, desk_css, sizeof(desk_css) - 1);
		goto cleanup;
	}
	if (!strcmp(path, "/desk/static/desk.js")) {
		rp->type = "text/javascript; charset=utf-8";
		gz_buf_add(&rp->body, desk_js, sizeof(desk_js) - 1);
		goto cleanup;
	}
	if (!strcmp(path, "/desk/login")) {
		if (post)
			do_login(&c);
		else
			login_form(&c, NULL);
		goto cleanup;
	}
	if (strncmp(path, "/desk/", 6)) {
		redirect(&c, "/desk/", NULL);
		goto cleanup;
	}
	if (!gz_desk_session_find(dk->sessions, gz_http_cookie(rq, "gz_session"), &c.s) ||
	    !(u = gz_desk_users_find(&c.users, c.s.user))) {
		memset(&c.s, 0, sizeof(c.s));
		redirect(&c, "/desk/login", NULL);
		goto cleanup;
	}
	c.user = *u;
	if (post && !csrf_ok(&c)) {
		message(&c, 403, _("Refused"), _("The form has expired: open the page again."));
		goto cleanup;
	}
	if (post && !strcmp(path, "/desk/logout")) {
		gz_desk_session_end(dk->sessions, c.s.token);
		rp->cookie = gz_strdup("gz_session=; Path=/desk/; HttpOnly; SameSite=Strict; Max-Age=0");
		redirect(&c, "/desk/login", NULL);
	} else if (!post && !strcmp(path, "/desk/")) {
		list_screen(&c);
	} else if (!post && !strcmp(path, "/desk/new")) {
		edit_screen(&c, true);
	} else if (!post && !strcmp(path, "/desk/edit")) {
		edit_screen(&c, false);
	} else if (!post && !strcmp(path, "/desk/review")) {
		review_screen(&c);
	} else if (!post && !strncmp(path, "/desk/view/", 11)) {
		do_view(&c);
	} else if (post && !strcmp(path, "/desk/save")) {
		do_save(&c);
	} else if (post && !strcmp(path, "/desk/preview")) {
		do_preview(&c);
	} else if (post && !strcmp(path, "/desk/upload")) {
		do_upload(&c);
	} else if (post && !strcmp(path, "/desk/decide")) {
		do_decide(&c);
	} else {
		message(&c, 404, _("Not found"), path);
	}
cleanup:
	gz_desk_users_release(&c.users);
}

/* ---- the command ---- */

/* The desk speaks its site's language, whatever the locale of whoever
 * started it: LANGUAGE names it ("zh-CN" becomes zh_CN, any Chinese falls
 * back to the zh_CN catalog), and as gettext reads LANGUAGE only when the
 * messages' locale is not plain C, a plain C becomes C.UTF-8 (for the
 * messages alone: nothing the build writes depends on it). */
static void speak(const char *lang)
{
	gz_buf l = GZ_BUF_INIT;
	const char *now = setlocale(LC_MESSAGES, NULL);
	size_t i;

	gz_buf_puts(&l, lang);
	for (i = 0; i < l.len; i++)
		if (l.ptr[i] == '-')
			l.ptr[i] = '_';
	if (!strncmp(l.ptr, "zh", 2) && strcmp(l.ptr, "zh_CN"))
		gz_buf_puts(&l, ":zh_CN");
	setenv("LANGUAGE", l.ptr, 1);
	if (!now || !strcmp(now, "C") || !strcmp(now, "POSIX"))
		setlocale(LC_MESSAGES, "C.UTF-8");
	gz_buf_release(&l);
}

/* The language: of site.yml on the publishing branch, else the build's
 * default. */
static char *site_language(desk *dk)
{
	char tip[GZ_SHA_SIZE], *yml = NULL, *err = NULL, *rp = repo_path(dk, "site.yml"), *lang;
	gz_value *v = NULL, *l;
	size_t len;
	int line, col;

	if (gz_gitw_tip(dk->git, dk->branch, tip, &err) < 0 ||
	    gz_gitw_read(dk->git, tip, rp, &yml, &len, &err) < 0 ||
	    gz_yaml_parse(&v, yml, len, 0, &err, &line, &col) < 0)
		v = NULL;
	l = gz_value_get(v, "language");
	lang = gz_strdup(l && l->type == GZ_STR && *l->str && !strpbrk(l->str, "\"<>&") ? l->str :
										       "zh-CN");
	gz_value_free(v);
	free(yml);
	free(err);
	free(rp);
	return lang;
}

static const char usage[] =
	N_("usage: gazette desk [--source REPO] [--bind ADDR] [--port N] [--users FILE] [--out DIR]\n"
	   "       gazette desk user add NAME --role editor|reviewer|admin --email E [--users FILE]\n"
	   "\n"
	   "  -s, --source REPO  the site's git repository (working tree or bare); default .\n"
	   "  -b, --bind ADDR    address to listen on; default 127.0.0.1\n"
	   "  -p, --port N       port; default 8090\n"
	   "  -u, --users FILE   the users file; default .gazette/desk-users\n"
	   "  -o, --out DIR      where approval builds the site; default REPO/public\n"
	   "\n"
	   "user add reads the password from standard input.\n");

/* Previews and the check's copies of the site: a build refuses to write
 * into .gazette/, and a bare repository keeps nothing of ours inside it, so
 * they go to the user's cache, in a folder of this repository's own. */
static char *state_dir(const char *source)
{
	gz_buf b = GZ_BUF_INIT;
	char *any = gz_cache_file(source, true, source, "desk", true);

	gz_buf_puts(&b, any);
	gz_buf_truncate(&b, b.len - 4);
	free(any);
	mkdir(b.ptr, 0700);
	return gz_buf_detach(&b, NULL);
}

static char *users_default(const char *source, bool bare)
{
	gz_buf b = GZ_BUF_INIT;

	if (bare) {
		char *s = state_dir(source);
		gz_buf_printf(&b, "%s/users", s);
		free(s);
	} else {
		char *c = gz_cache_dir(source, "desk");
		char *slash = strrchr(c, '/');
		*slash = '\0';
		gz_buf_printf(&b, "%s/desk-users", c);
		free(c);
	}
	return gz_buf_detach(&b, NULL);
}

static int user_add(int argc, char **argv, const char *source, const char *users)
{
	static const struct option longopts[] = {
		{"role", required_argument, NULL, 'r'}, {"email", required_argument, NULL, 'e'},
		{"users", required_argument, NULL, 'u'}, {"source", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *role = NULL, *email = NULL;
	char pw[1024], *err = NULL, *def = NULL;
	gz_gitw *git = NULL;
	size_t n;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:e:u:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'e': email = optarg; break;
		case 'u': users = optarg; break;
		case 's': source = optarg; break;
		default: fputs(_(usage), stderr); return 2;
		}
	}
	if (optind + 1 != argc || !role || !email) {
		fputs(_(usage), stderr);
		return 2;
	}
	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, _("gazette desk: give the password on standard input\n"));
		return 2;
	}
	n = strlen(pw);
	while (n && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	if (!users) {
		if (gz_gitw_open(&git, source, &err) < 0) {
			fprintf(stderr, "gazette desk: %s\n", err);
			goto cleanup;
		}
		users = def = users_default(source, gz_gitw_is_bare(git));
	}
	if (gz_desk_users_add(users, argv[optind], role, email, pw, &err) < 0) {
		fprintf(stderr, "gazette desk: %s\n", err);
		goto cleanup;
	}
	printf(_("%s: %s added\n"), users, argv[optind]);
	rc = 0;
cleanup:
	memset(pw, 0, sizeof(pw));
	gz_gitw_free(git);
	free(def);
	free(err);
	return rc;
}

int gz_desk_main(int argc, char **argv, gz_desk_check_fn check)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"bind", required_argument, NULL, 'b'},
		{"port", required_argument, NULL, 'p'},   {"users", required_argument, NULL, 'u'},
		{"out", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *source = ".", *bind = "127.0.0.1", *users = NULL, *out = NULL;
	char *err = NULL, *def_users = NULL, *def_out = NULL;
	int port = 8090, c, rc = 1;
	desk dk;

	if (argc > 2 && !strcmp(argv[1], "user") && !strcmp(argv[2], "add"))
		return user_add(argc - 2, argv + 2, source, users);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:b:p:u:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'b': bind = optarg; break;
		case 'p':
			port = atoi(optarg);
			if (port < 0 || port > 65535) {
				fprintf(stderr, _("gazette desk: --port must be a number from 0 to 65535\n"));
				return 2;
			}
			break;
		case 'u': users = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(_(usage), stdout); return 0;
		default: fputs(_(usage), stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("gazette desk: unexpected argument '%s'\n"), argv[optind]);
		return 2;
	}
	memset(&dk, 0, sizeof(dk));
	pthread_mutex_init(&dk.build_lock, NULL);
	pthread_mutex_init(&dk.users_lock, NULL);
	dk.source = source;
	dk.check = check;
	if (gz_gitw_open(&dk.git, source, &err) < 0) {
		fprintf(stderr, "gazette desk: %s\n", err);
		goto cleanup;
	}
	dk.branch = gz_gitw_head_branch(dk.git);
	if (!dk.branch) {
		fprintf(stderr, _("gazette desk: HEAD names no branch to publish from\n"));
		goto cleanup;
	}
	dk.lang = site_language(&dk);
	speak(dk.lang);
	if (!out && gz_gitw_is_bare(dk.git)) {
		fprintf(stderr, _("gazette desk: a bare repository has no place for public/; give --out DIR\n"));
		rc = 2;
		goto cleanup;
	}
	if (!out) {
		gz_buf o = GZ_BUF_INIT;
		gz_buf_printf(&o, "%s/public", source);
		out = def_out = gz_buf_detach(&o, NULL);
	}
	dk.out = out;
	dk.state = state_dir(source);
	dk.users_file = users ? users : (def_users = users_default(source, gz_gitw_is_bare(dk.git)));
	dk.sessions = gz_desk_sessions_new();
	if (access(dk.users_file, R_OK) < 0)
		fprintf(stderr, _("gazette desk: no users yet: add one with 'gazette desk user add'\n"));
	rc = gz_http_run(bind, port, handle, &dk);
cleanup:
	gz_desk_sessions_free(dk.sessions);
	gz_gitw_free(dk.git);
	free(dk.branch);
	free(dk.lang);
	free(dk.state);
	free(def_users);
	free(def_out);
	free(err);
	return rc;
}
