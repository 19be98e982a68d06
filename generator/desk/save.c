/*
 * save.c: a save, or a submit for review: a commit on the page's branch
 * with the editor as author.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "desk/internal.h"

const char *desk_photos_complete(const gz_desk_page *p)
{
	size_t i;

	for (i = 0; i < p->nphotos; i++)
		if (!*p->photos[i].caption || !*p->photos[i].credit || !*p->photos[i].alt)
			return p->photos[i].src;
	return NULL;
}

/* A submit's check: the page as it would be submitted, built and checked
 * as the preview does. True when nothing in the page is an error; else
 * the answer is the form again, the findings beside their lines. */
static bool submit_ok(desk_ctx *c, gz_desk_page *p, const gz_buf *md, const char *page,
		      const char *branch, const char *base)
{
	char sha[GZ_SHA_SIZE];
	gz_diag found;
	bool ok = false;

	gz_diag_init(&found);
	if (desk_commit_loose(c, sha, page, md, base, &c->failed) < 0) {
		desk_failed(c, 500, _("Not saved"));
		goto cleanup;
	}
	desk_try(c, sha, page, &found, NULL);
	ok = found.errors == 0;
	if (!ok) {
		gz_desk_set(&p->status, *field(c, "status") ? field(c, "status") : "draft");
		c->found = &found;
		desk_form_screen(c, p, page, "", branch, base,
				 _("The page has errors: correct the lines marked below, then submit it "
				   "again."));
		c->found = NULL;
	}
cleanup:
	gz_diag_release(&found);
	return ok;
}

void desk_do_save(desk_ctx *c)
{
	desk *dk = c->dk;
	gz_desk_page p;
	const char *why = NULL, *page = field(c, "p"), *base = field(c, "base"), *missing;
	bool submit = !strcmp(field(c, "do"), "submit");
	gz_buf path = GZ_BUF_INIT, md = GZ_BUF_INIT, msg = GZ_BUF_INIT, loc = GZ_BUF_INIT;
	char *branch = NULL, *rp = NULL, *title, sha[GZ_SHA_SIZE];
	gz_gitw_file file;
	int rc;

	if (!desk_form_page(c, &p, &why)) {
		desk_form_screen(c, &p, page, field(c, "kind"), field(c, "b"), base, why);
		goto cleanup;
	}
	if (!*page) {
		if (!desk_new_path(&path, &p, field(c, "kind"), &why)) {
			desk_form_screen(c, &p, page, field(c, "kind"), "", base, why);
			goto cleanup;
		}
		rp = desk_repo_path(dk, path.ptr);
		{
			char *have = NULL;
			size_t len;
			if (gz_gitw_read(dk->git, base, rp, &have, &len, NULL) == 0) {
				free(have);
				desk_form_screen(c, &p, "", field(c, "kind"), "", base,
					    _("A page with this address already exists."));
				goto cleanup;
			}
		}
		page = path.ptr;
	} else if (!desk_page_path_ok(page)) {
		desk_message(c, 400, _("Not a page"), page);
		goto cleanup;
	}
	branch = *field(c, "b") ? gz_strdup(field(c, "b")) : desk_branch_of(c->s.user, page);
	if (!desk_may_edit(c, branch)) {
		desk_message(c, 403, _("Not yours"), _("This page is another editor's."));
		goto cleanup;
	}
	{
		gz_buf pp = GZ_BUF_INIT;
		char owner[33];
		bool same = desk_branch_parse(branch, owner, sizeof(owner), &pp) && !strcmp(pp.ptr, page);
		gz_buf_release(&pp);
		if (!same) {
			desk_message(c, 400, _("Not a page"), page);
			goto cleanup;
		}
	}
	if (submit) {
		if ((missing = desk_photos_complete(&p))) {
			desk_form_screen(c, &p, page, "", branch, base,
				    _("Every photo needs a caption, a credit and alt text before the page "
				      "is submitted."));
			goto cleanup;
		}
		gz_desk_set(&p.status, "review");
	}
	if (!desk_page_written(c, &md, &p))
		goto cleanup;
	if (submit && !submit_ok(c, &p, &md, page, branch, base))
		goto cleanup;
	if (!rp)
		rp = desk_repo_path(dk, page);
	file.path = rp;
	file.data = md.ptr;
	file.len = md.len;
	title = gz_desk_page_title(&p);
	gz_buf_printf(&msg, submit ? _("%s: submitted for review\n") : _("%s: saved on the desk\n"), title);
	free(title);
	rc = gz_gitw_commit(dk->git, sha, branch, base, &file, 1, c->user.name, c->user.email, msg.ptr,
			    &c->failed);
	if (rc == GZ_GITW_STALE) {
		desk_stale_screen(c, page, branch, md.ptr);
		goto cleanup;
	}
	if (rc < 0) {
		desk_failed(c, 500, _("Not saved"));
		goto cleanup;
	}
	gz_buf_puts(&loc, "/desk/edit?p=");
	desk_url_arg(&loc, page);
	gz_buf_puts(&loc, "&b=");
	desk_url_arg(&loc, branch);
	gz_buf_puts(&loc, submit ? "&done=submitted" : "&done=saved");
	c->rp->location = gz_buf_detach(&loc, NULL);
cleanup:
	gz_desk_page_release(&p);
	gz_buf_release(&path);
	gz_buf_release(&md);
	gz_buf_release(&msg);
	gz_buf_release(&loc);
	free(branch);
	free(rp);
}

