/*
 * list.c: the first screen: the user's pages by status, the pages
 * awaiting review, and the whole site's, with search.
 */
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "desk/internal.h"

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
	char *md = NULL, *rp = desk_repo_path(dk, page);
	size_t len;
	gz_desk_page p;
	row *r;

	if (gz_gitw_read(dk->git, sha, rp, &md, &len, NULL) < 0) {
		free(rp);
		return;
	}
	gz_desk_page_parse(&p, md, len, NULL, NULL);
	gz_grow((void **)rows, cap, *n + 1, sizeof(row));
	r = &(*rows)[(*n)++];
	r->page = gz_strdup(page);
	r->title = *p.title ? gz_desk_page_title(&p) : gz_strdup(page);
	r->date = gz_strdup(p.date);
	r->status = gz_strdup(*p.status ? p.status : "published");
	r->branch = branch ? gz_strdup(branch) : NULL;
	r->owner = owner ? gz_strdup(owner) : NULL;
	gz_desk_page_release(&p);
	free(md);
	free(rp);
}

static void table(desk_ctx *c, gz_buf *b, row *r, size_t n, const char *status, bool review)
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
			desk_url_arg(b, r[i].branch);
		} else {
			gz_buf_puts(b, "/desk/edit?p=");
			desk_url_arg(b, r[i].page);
			if (r[i].branch) {
				gz_buf_puts(b, "&amp;b=");
				desk_url_arg(b, r[i].branch);
			}
		}
		gz_buf_puts(b, "\">");
		html(b, r[i].title);
		gz_buf_puts(b, "</a> <span class=\"meta\">");
		desk_date_zh(b, r[i].date);
		if (r[i].owner) {
			gz_buf_puts(b, " · ");
			html(b, r[i].owner);
		}
		gz_buf_printf(b, " · <span class=\"st st-%s\">%s</span></span></li>",
			      !strcmp(r[i].status, "review") ? "review" :
			      !strcmp(r[i].status, "draft") ? "draft" : "published",
			      desk_status_label(r[i].status));
	}
	if (shown)
		gz_buf_puts(b, "</ul>");
	else
		gz_buf_printf(b, "<p class=\"none\">%s</p>", _("None."));
}

void desk_list_screen(desk_ctx *c)
{
	desk *dk = c->dk;
	gz_buf *b = &c->rp->body;
	gz_strlist branches = {0}, files = {0};
	char pub[GZ_SHA_SIZE];
	row *mine = NULL, *all = NULL;
	size_t nm = 0, cm = 0, na = 0, ca = 0, i;
	const char *q = field(c, "q");
	gz_buf page = GZ_BUF_INIT, content = GZ_BUF_INIT;

	desk_head(c, b, _("Pages"));
	gz_buf_printf(b, "<p class=\"actions\"><a class=\"button primary\" href=\"/desk/new?kind=story\">%s</a> "
			 "<a class=\"button\" href=\"/desk/new?kind=policy\">%s</a></p>",
		      _("New story"), _("New policy explainer"));
	if (gz_gitw_tip(dk->git, dk->branch, pub, &c->failed) < 0) {
		desk_failed(c, 500, _("Pages"));
		return;
	}
	gz_gitw_branches(dk->git, "desk/", &branches, NULL);
	for (i = 0; i < branches.n; i++) {
		char owner[33], tip[GZ_SHA_SIZE];
		if (!desk_branch_parse(branches.items[i], owner, sizeof(owner), &page) ||
		    gz_gitw_tip(dk->git, branches.items[i], tip, NULL) < 0) {
			continue;
		}
		if (!strcmp(owner, c->s.user) || desk_is_reviewer(c))
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
		gz_buf_printf(b, "<h3>%s</h3>", desk_status_label(st[i]));
		table(c, b, own, k, st[i], false);
		free(own);
	}
	gz_buf_puts(b, "</section>");
	if (desk_is_reviewer(c)) {
		gz_buf_printf(b, "<section><h2>%s</h2>", _("Awaiting my review"));
		table(c, b, mine, nm, "review", true);
		gz_buf_puts(b, "</section>");
	}
	gz_buf_puts(&content, gz_gitw_prefix(dk->git));
	gz_buf_puts(&content, "content/");
	gz_gitw_list(dk->git, pub, content.ptr, &files, NULL);
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
	html(b, q);
	gz_buf_printf(b, "\" placeholder=\"%s\"><button>%s</button></form>", _("Title or path"),
		      _("Search"));
	table(c, b, all, na, NULL, false);
	gz_buf_puts(b, "</section>");
	desk_foot(b);
	rows_release(mine, nm);
	rows_release(all, na);
	gz_strlist_release(&branches);
	gz_strlist_release(&files);
	gz_buf_release(&page);
	gz_buf_release(&content);
}

