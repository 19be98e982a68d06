/*
 * preview.c: builds and checks in a child process, the live preview's
 * answer, and the preview's files.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "desk/child.h"
#include "desk/internal.h"

/* The check reads a folder: the commit's files, written out here in the
 * child, which opens the repository for itself, so that the blobs of the
 * whole site pass through the child's memory and not the server's. */
static int export_site(const desk_build_job *j, gz_diag *d)
{
	gz_gitw *git = NULL;
	int rc;

	rc = gz_gitw_open(&git, j->o.source, d);
	if (rc == 0)
		rc = gz_gitw_export(git, j->o.rev, j->check_dir, d);
	gz_gitw_free(git);
	return rc;
}

static int build_child(gz_buf *out, void *payload)
{
	desk_build_job *j = payload;
	gz_build_stats st;
	gz_diag d;
	int rc;

	memset(&st, 0, sizeof(st));
	gz_diag_init(&d);
	rc = gz_build(&j->o, &d, &st);
	if (j->check && j->check_dir && export_site(j, &d) < 0)
		j->check = NULL;
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
int desk_run_build(desk *dk, desk_build_job *j, gz_diag *built, gz_diag *checked)
{
	gz_buf text = GZ_BUF_INIT;
	int rc;

	j->o.exiting = true;
	pthread_mutex_lock(&dk->build_lock);
	rc = gz_desk_child_run(&text, dk->git, dk->source, built, build_child, j);
	pthread_mutex_unlock(&dk->build_lock);
	gz_desk_diag_read(built, 'b', text.ptr);
	if (checked)
		gz_desk_diag_read(checked, 'c', text.ptr);
	gz_buf_release(&text);
	return rc == 0 ? 0 : -1;
}

/* Build commit sha into user's preview folder, drafts included, and check
 * the site in check_dir (NULL: no check): the build's diagnostics into
 * built, the check's into checked. */
static int preview_build(desk *dk, const char *user, const char *sha, const char *check_dir,
			 gz_diag *built, gz_diag *checked)
{
	desk_build_job j;
	gz_buf out = GZ_BUF_INIT;
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
	rc = desk_run_build(dk, &j, built, checked);
	gz_buf_release(&out);
	return rc;
}

static bool same_item(const gz_diag_item *a, const gz_diag_item *b)
{
	return a->line == b->line && a->severity == b->severity && !strcmp(a->msg, b->msg);
}

int desk_try(desk_ctx *c, const char *sha, const char *page, gz_diag *found, gz_diag *others)
{
	desk *dk = c->dk;
	gz_buf work = GZ_BUF_INIT;
	gz_diag built, checked;
	size_t i, k;
	int rc;

	gz_diag_init(&built);
	gz_diag_init(&checked);
	gz_buf_printf(&work, "%s/check-%s", dk->state, c->s.user);
	rc = preview_build(dk, c->s.user, sha, work.ptr, &built, &checked);
	for (i = 0; i < checked.n; i++)
		if (!strcmp(checked.items[i].path, page))
			gz_diag_add(found, checked.items[i].severity, page, checked.items[i].line,
				    checked.items[i].col, "%s", checked.items[i].msg);
	/* the check builds the page too: what it said, the build says again */
	for (i = 0; i < built.n; i++) {
		const gz_diag_item *it = &built.items[i];
		if (it->severity != GZ_ERROR)
			continue;
		if (strcmp(it->path, page)) {
			if (others)
				gz_diag_error(others, it->path, it->line, it->col, "%s", it->msg);
			continue;
		}
		for (k = 0; k < checked.n && !same_item(&checked.items[k], it); k++)
			;
		if (k == checked.n)
			gz_diag_error(found, page, it->line, it->col, "%s", it->msg);
	}
	gz_diag_sort(found);
	gz_diag_release(&built);
	gz_diag_release(&checked);
	gz_buf_release(&work);
	return rc;
}

int desk_commit_loose(desk_ctx *c, char *sha, const char *page, const gz_buf *md, const char *base,
		      gz_diag *d)
{
	gz_gitw_file file;
	char *rp = desk_repo_path(c->dk, page);
	int rc;

	file.path = rp;
	file.data = md->ptr;
	file.len = md->len;
	rc = gz_gitw_commit(c->dk->git, sha, NULL, base, &file, 1, c->user.name, c->user.email,
			    "desk preview\n", d);
	free(rp);
	return rc;
}

void desk_findings_html(gz_buf *b, const gz_diag *found, int body_line)
{
	size_t i;

	for (i = 0; i < found->n; i++) {
		const gz_diag_item *it = &found->items[i];
		int l = it->line - body_line + 1;
		gz_buf_printf(b, "<li class=\"%s\" data-line=\"%d\">",
			      it->severity == GZ_ERROR ? "error" : "warning", l > 0 ? l : 0);
		/* the column too where it is known: a line of Chinese text is
		 * long, and the mistake may be one mark in it */
		if (l > 0 && it->col > 0)
			gz_buf_printf(b, _("line %d, column %d: "), l, it->col);
		else if (l > 0)
			gz_buf_printf(b, _("line %d: "), l);
		else
			gz_buf_puts(b, _("page details: "));
		html(b, it->msg);
		gz_buf_puts(b, "</li>");
	}
}

static void json_error(gz_buf *b, const char *why)
{
	gz_buf_puts(b, "{\"error\":");
	gz_buf_add_json(b, why);
	gz_buf_puts(b, "}");
}

/* The live preview: the form's page built and checked, answered as JSON:
 * the preview's address, the findings about the page with their lines,
 * and the line its body starts on. */
void desk_do_preview(desk_ctx *c)
{
	gz_desk_page p;
	const char *why = NULL, *page = field(c, "p");
	gz_buf md = GZ_BUF_INIT, *b = &c->rp->body, url = GZ_BUF_INIT, path = GZ_BUF_INIT,
	       view = GZ_BUF_INIT;
	char sha[GZ_SHA_SIZE], *err = NULL;
	gz_diag found;
	size_t i;

	c->rp->type = "application/json";
	gz_diag_init(&found);
	if (!desk_form_page(c, &p, &why)) {
		json_error(b, why);
		goto cleanup;
	}
	if (!*page) {
		if (!desk_new_path(&path, &p, field(c, "kind"), &why)) {
			json_error(b, why);
			goto cleanup;
		}
		page = path.ptr;
	}
	if (!desk_page_path_ok(page)) {
		c->rp->status = 400;
		gz_buf_puts(b, "{\"error\":\"bad page\"}");
		goto cleanup;
	}
	if (gz_desk_page_write(&md, &p) < 0) {
		json_error(b, _("The text has bytes that are not UTF-8: type it again, or paste it as plain text."));
		goto cleanup;
	}
	if (desk_commit_loose(c, sha, page, &md, field(c, "base"), &c->failed) < 0) {
		err = gz_diag_first_error(&c->failed);
		json_error(b, err ? err : "");
		goto cleanup;
	}
	desk_try(c, sha, page, &found, NULL);
	desk_page_url(&url, page, p.slug);
	gz_buf_printf(&view, "/desk/view/%s%s", c->s.user, url.ptr);
	gz_buf_puts(b, "{\"url\":");
	gz_buf_add_json(b, view.ptr);
	gz_buf_printf(b, ",\"bodyLine\":%d,\"findings\":[", p.body_line);
	for (i = 0; i < found.n; i++) {
		const gz_diag_item *it = &found.items[i];
		gz_buf_printf(b, "%s{\"line\":%d,\"col\":%d,\"severity\":\"%s\",\"message\":",
			      i ? "," : "", it->line, it->col,
			      it->severity == GZ_ERROR ? "error" : "warning");
		gz_buf_add_json(b, it->msg);
		gz_buf_puts(b, "}");
	}
	gz_buf_puts(b, "]}");
cleanup:
	gz_diag_release(&found);
	gz_desk_page_release(&p);
	gz_buf_release(&md);
	gz_buf_release(&url);
	gz_buf_release(&path);
	gz_buf_release(&view);
	free(err);
}

/* A file of the session's preview, its site-absolute links turned to the
 * preview's own. */
void desk_do_view(desk_ctx *c)
{
	const char *rest = c->rq->path + strlen("/desk/view/");
	const char *slash = strchr(rest, '/');
	gz_buf path = GZ_BUF_INIT, prefix = GZ_BUF_INIT, *b = &c->rp->body;
	const char *type = "application/octet-stream", *dot;
	size_t i;

	if (!slash || (size_t)(slash - rest) != strlen(c->s.user) ||
	    strncmp(rest, c->s.user, (size_t)(slash - rest))) {
		desk_message(c, 403, _("Not yours"), _("This preview is another editor's."));
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
			/* shown in the form's preview frame, which a desk page
			 * (frame-ancestors 'none') could not be: the browser would
			 * say the desk refused to connect */
			c->rp->status = 404;
			c->rp->sandbox = true;
			gz_buf_puts(b, "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>");
			html(b, _("Not in the preview yet."));
			gz_buf_puts(b, "</title><body style=\"font:16px/1.8 sans-serif;color:#444;padding:1em 1.5em\"><p>");
			html(b, _("This page is not in the preview yet: the preview is made when the text has "
				  "no errors. Fix what is listed under the text, and the preview follows."));
			gz_buf_puts(b, "</p></body></html>");
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

