/*
 * review.c: the review screen, and a reviewer's decision: send back, or
 * approve, which merges the page's branch and builds the site.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/i18n.h"
#include "desk/internal.h"

/* What the build and the check found, beside the rendered page: the
 * page's errors (approval waits for them), its warnings, and the build's
 * errors elsewhere on the site. */
static void problems_html(gz_buf *b, const gz_diag *found, const gz_diag *others, int body_line)
{
	size_t i;

	if (found->n) {
		gz_buf_printf(b, "<div class=\"%s\" role=\"alert\"><p>%s</p><ul class=\"findings\">",
			      found->errors ? "err" : "warn",
			      found->errors ? _("The page has errors: it cannot be approved until they "
						"are corrected.") :
					      _("The check's warnings on this page:"));
		desk_findings_html(b, found, body_line);
		gz_buf_puts(b, "</ul></div>");
	}
	if (others->n) {
		gz_buf_printf(b, "<div class=\"err\"><p>%s</p><ul>",
			      _("The site's build found errors in other files:"));
		for (i = 0; i < others->n; i++) {
			char *m = gz_diag_format(&others->items[i]);
			gz_buf_puts(b, "<li>");
			html(b, m);
			gz_buf_puts(b, "</li>");
			free(m);
		}
		gz_buf_puts(b, "</ul></div>");
	}
}

/* The branch's commits, newest first: who saved, submitted or sent back. */
static void history_html(desk_ctx *c, gz_buf *b, const char *branch)
{
	gz_gitw_logitem *log = NULL;
	size_t nlog = 0, i;

	gz_buf_printf(b, "<h2>%s</h2><ol class=\"log\">", _("History and comments"));
	gz_gitw_log(c->dk->git, branch, c->dk->branch, &log, &nlog, NULL);
	for (i = 0; i < nlog; i++) {
		char ymd[11];
		gz_date_from_time(ymd, log[i].time, 8 * 60);
		gz_buf_puts(b, "<li><span class=\"meta\">");
		desk_date_zh(b, ymd);
		gz_buf_puts(b, " · ");
		html(b, log[i].author);
		gz_buf_puts(b, "</span> ");
		html(b, log[i].message);
		gz_buf_puts(b, "</li>");
	}
	gz_buf_puts(b, "</ol>");
	gz_gitw_log_free(log, nlog);
}

static void decide_form(desk_ctx *c, gz_buf *b, const char *branch, const char *tip, bool approvable)
{
	gz_buf_printf(b, "<form method=\"post\" action=\"/desk/decide\" class=\"card\">");
	desk_csrf_field(c, b);
	gz_buf_puts(b, "<input type=\"hidden\" name=\"b\" value=\"");
	html(b, branch);
	gz_buf_printf(b, "\"><input type=\"hidden\" name=\"base\" value=\"%s\">"
			 "<label>%s<textarea name=\"comment\" rows=\"3\"></textarea></label><p class=\"actions\">",
		      tip, _("Comment"));
	if (approvable)
		gz_buf_printf(b, "<button class=\"primary\" name=\"do\" value=\"approve\">%s</button> ",
			      _("Approve and publish"));
	gz_buf_printf(b, "<button name=\"do\" value=\"return\">%s</button></p></form>", _("Send back"));
}

void desk_review_screen(desk_ctx *c)
{
	desk *dk = c->dk;
	const char *branch = field(c, "b");
	char owner[33], tip[GZ_SHA_SIZE], pub[GZ_SHA_SIZE], *md = NULL, *rp = NULL;
	gz_buf page = GZ_BUF_INIT, url = GZ_BUF_INIT, *b = &c->rp->body;
	gz_diag found, others;
	gz_desk_page p;
	size_t len;

	memset(&p, 0, sizeof(p));
	gz_diag_init(&found);
	gz_diag_init(&others);
	if (!desk_is_reviewer(c) || !desk_branch_parse(branch, owner, sizeof(owner), &page)) {
		desk_message(c, 403, _("Not yours"), _("Only a reviewer reviews pages."));
		goto cleanup;
	}
	if (gz_gitw_tip(dk->git, branch, tip, &c->failed) < 0 ||
	    gz_gitw_tip(dk->git, dk->branch, pub, &c->failed) < 0)
		goto fail;
	rp = desk_repo_path(dk, page.ptr);
	if (gz_gitw_read(dk->git, tip, rp, &md, &len, &c->failed) < 0)
		goto fail;
	gz_desk_page_parse(&p, md, len, NULL, NULL);
	desk_head(c, b, p.title);
	gz_buf_printf(b, "<p class=\"meta\">%s ", _("By"));
	html(b, owner);
	gz_buf_printf(b, " · %s</p>", desk_status_label(*p.status ? p.status : "published"));
	desk_try(c, tip, page.ptr, &found, &others);
	desk_page_url(&url, page.ptr, p.slug);
	gz_buf_printf(b, "<div class=\"two\"><section class=\"preview\"><h2>%s</h2>", _("The page"));
	problems_html(b, &found, &others, p.body_line);
	gz_buf_printf(b, "<iframe sandbox=\"allow-same-origin\" title=\"%s\" src=\"/desk/view/%s",
		      _("The page"), c->s.user);
	html(b, url.ptr);
	gz_buf_printf(b, "\"></iframe></section><section><h2>%s</h2>",
		      _("Changes against the published site"));
	desk_diff_html(c, b, pub, tip, page.ptr, branch);
	history_html(c, b, branch);
	decide_form(c, b, branch, tip, found.errors == 0);
	gz_buf_puts(b, "</section></div>");
	desk_foot(b);
	goto cleanup;
fail:
	desk_failed(c, 404, _("Not found"));
cleanup:
	gz_diag_release(&found);
	gz_diag_release(&others);
	gz_desk_page_release(&p);
	gz_buf_release(&page);
	gz_buf_release(&url);
	free(md);
	free(rp);
}

/* Approval waits for the page's errors: the commit the reviewer saw,
 * built and checked again (a form can be sent without the screen). True
 * when it has none; else the answer lists them. */
static bool approvable(desk_ctx *c, const char *sha, const char *page, int body_line)
{
	gz_diag found, others;
	gz_buf *b = &c->rp->body;
	bool ok;

	gz_diag_init(&found);
	gz_diag_init(&others);
	desk_try(c, sha, page, &found, &others);
	ok = found.errors == 0;
	if (!ok) {
		c->rp->status = 400;
		desk_head(c, b, _("Not approved"));
		problems_html(b, &found, &others, body_line);
		gz_buf_printf(b, "<p><a href=\"/desk/\">%s</a></p>", _("Back to the desk"));
		desk_foot(b);
	}
	gz_diag_release(&found);
	gz_diag_release(&others);
	return ok;
}

static void conflict_screen(desk_ctx *c, const gz_strlist *conflicts)
{
	gz_buf *b = &c->rp->body;
	size_t i;

	c->rp->status = 409;
	desk_head(c, b, _("The page cannot be merged"));
	gz_buf_printf(b, "<p class=\"err\" role=\"alert\">%s</p><ul>",
		      _("Someone changed the same lines on the published site. Nothing was "
			"published; the editor should open the page again and bring the changes "
			"together. These files conflict:"));
	for (i = 0; i < conflicts->n; i++) {
		gz_buf_puts(b, "<li><code>");
		html(b, conflicts->items[i]);
		gz_buf_puts(b, "</code></li>");
	}
	gz_buf_puts(b, "</ul>");
	desk_foot(b);
}

/* The publishing branch built into the output, and the answer that says
 * how it went. */
static void publish(desk_ctx *c)
{
	desk *dk = c->dk;
	gz_buf *b = &c->rp->body;
	desk_build_job j;
	gz_diag d;
	size_t i;
	int rc;

	memset(&j, 0, sizeof(j));
	j.o.source = dk->source;
	j.o.out = dk->out;
	j.o.rev = dk->branch;
	j.o.jobs = 2;
	gz_diag_init(&d);
	rc = desk_run_build(dk, &j, &d, NULL);
	desk_head(c, b, rc == 0 ? _("Published") : _("Approved, but the site was not built"));
	if (rc == 0) {
		gz_buf_printf(b, "<p class=\"ok\" role=\"status\">%s</p>",
			      _("The page is merged and the site is built."));
	} else {
		gz_buf_printf(b, "<p class=\"err\" role=\"alert\">%s</p><pre class=\"text\">",
			      _("The page is merged, but the build failed; the site is as it was:"));
		for (i = 0; i < d.n; i++) {
			char *m = gz_diag_format(&d.items[i]);
			html(b, m);
			gz_buf_putc(b, '\n');
			free(m);
		}
		gz_buf_puts(b, "</pre>");
	}
	gz_buf_printf(b, "<p><a href=\"/desk/\">%s</a></p>", _("Back to the desk"));
	desk_foot(b);
	gz_diag_release(&d);
}

void desk_do_decide(desk_ctx *c)
{
	desk *dk = c->dk;
	const char *branch = field(c, "b"), *base = field(c, "base");
	char *comment = desk_text_field(c, "comment");
	bool approve = !strcmp(field(c, "do"), "approve");
	char owner[33], sha[GZ_SHA_SIZE], merged[GZ_SHA_SIZE], *rp = NULL, *title;
	gz_buf page = GZ_BUF_INIT, out = GZ_BUF_INIT, msg = GZ_BUF_INIT;
	gz_strlist conflicts = {0};
	gz_desk_page p;
	gz_gitw_file file;
	int rc;

	memset(&p, 0, sizeof(p));
	if (!desk_is_reviewer(c) || !desk_branch_parse(branch, owner, sizeof(owner), &page)) {
		desk_message(c, 403, _("Not yours"), _("Only a reviewer reviews pages."));
		goto cleanup;
	}
	if (!desk_page_at(c, base, page.ptr, &p, &rp))
		goto cleanup;
	if (approve && desk_photos_complete(&p)) {
		desk_message(c, 400, _("Not approved"),
			     _("Every photo needs a caption, a credit and alt text before the page is "
			       "published."));
		goto cleanup;
	}
	if (approve && !approvable(c, base, page.ptr, p.body_line))
		goto cleanup;
	gz_desk_set(&p.status, approve ? "published" : "draft");
	if (!desk_page_written(c, &out, &p))
		goto cleanup;
	file.path = rp;
	file.data = out.ptr;
	file.len = out.len;
	title = gz_desk_page_title(&p);
	gz_buf_printf(&msg, approve ? _("%s: approved\n") : _("%s: sent back\n"), title);
	free(title);
	if (*comment)
		gz_buf_printf(&msg, "\n%s\n", comment);
	rc = gz_gitw_commit(dk->git, sha, branch, base, &file, 1, c->user.name, c->user.email, msg.ptr,
			    &c->failed);
	if (rc == GZ_GITW_STALE) {
		desk_message(c, 409, _("Someone saved this page before you"),
			     _("The page changed while you reviewed it: open it again."));
		goto cleanup;
	}
	if (rc < 0) {
		desk_failed(c, 500, _("Not saved"));
		goto cleanup;
	}
	if (!approve) {
		desk_redirect(c, "/desk/");
		goto cleanup;
	}
	rc = gz_gitw_merge(dk->git, merged, branch, dk->branch, c->user.name, c->user.email, &conflicts,
			   &c->failed);
	if (rc == GZ_GITW_CONFLICT) {
		conflict_screen(c, &conflicts);
		goto cleanup;
	}
	if (rc < 0) {
		desk_failed(c, 500, _("Not published"));
		goto cleanup;
	}
	gz_gitw_delete(dk->git, branch, sha, NULL);
	publish(c);
cleanup:
	gz_strlist_release(&conflicts);
	gz_desk_page_release(&p);
	gz_buf_release(&page);
	gz_buf_release(&out);
	gz_buf_release(&msg);
	free(comment);
	free(rp);
}
