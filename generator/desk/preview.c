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

static int build_child(gz_buf *out, void *payload)
{
	desk_build_job *j = payload;
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
int desk_run_build(desk *dk, desk_build_job *j, gz_diag *built, gz_diag *checked)
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
int desk_preview_build(desk *dk, const char *user, const char *sha, const char *check_dir,
			 gz_buf *errors, gz_diag *checked)
{
	desk_build_job j;
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
	rc = desk_run_build(dk, &j, &d, checked);
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

void desk_do_preview(desk_ctx *c)
{
	desk *dk = c->dk;
	gz_desk_page p;
	const char *why = NULL, *page = field(c, "p"), *base = field(c, "base");
	gz_buf md = GZ_BUF_INIT, *b = &c->rp->body, errors = GZ_BUF_INIT, url = GZ_BUF_INIT,
	       work = GZ_BUF_INIT, path = GZ_BUF_INIT;
	char sha[GZ_SHA_SIZE], *err = NULL, *rp = NULL;
	gz_gitw_file file;
	gz_diag d;
	size_t i;

	c->rp->type = "application/json";
	gz_diag_init(&d);
	if (!desk_form_page(c, &p, &why)) {
		gz_buf_puts(b, "{\"error\":");
		gz_buf_add_json(b, why);
		gz_buf_puts(b, "}");
		goto cleanup;
	}
	if (!*page) {
		if (!desk_new_path(&path, &p, field(c, "kind"))) {
			gz_buf_puts(b, "{\"error\":");
			gz_buf_add_json(b, _("The address name may hold only a-z, 0-9 and -."));
			gz_buf_puts(b, "}");
			goto cleanup;
		}
		page = path.ptr;
	}
	if (!desk_page_path_ok(page)) {
		c->rp->status = 400;
		gz_buf_puts(b, "{\"error\":\"bad page\"}");
		goto cleanup;
	}
	gz_desk_page_write(&md, &p);
	rp = desk_repo_path(dk, page);
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
	desk_preview_build(dk, c->s.user, sha, work.len ? work.ptr : NULL, &errors, &d);
	gz_diag_sort(&d);
	desk_page_url(&url, page, p.slug);
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
			desk_message(c, 404, _("Not found"), _("Not in the preview yet."));
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

