/*
 * screen.c: the frame every screen shares (head, foot, a message), and
 * the names of pages and branches, checked before they name anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/text.h"
#include "desk/internal.h"

void html(gz_buf *b, const char *s)
{
	gz_buf_add_html(b, s ? s : "", s ? strlen(s) : 0);
}

void desk_redirect(desk_ctx *c, const char *to)
{
	free(c->rp->location);
	c->rp->location = gz_strdup(to);
}

void desk_url_arg(gz_buf *b, const char *s)
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

const char *field(desk_ctx *c, const char *name)
{
	const char *v = gz_http_field_get(c->rq, name);
	return v ? v : "";
}

char *desk_text_field(desk_ctx *c, const char *name)
{
	char *s = gz_strdup(field(c, name)), *o = s, *i;

	for (i = s; *i; i++)
		if (*i != '\r')
			*o++ = *i;
	*o = '\0';
	return s;
}

bool desk_is_reviewer(desk_ctx *c)
{
	return c->user.role != GZ_ROLE_EDITOR;
}

void desk_head(desk_ctx *c, gz_buf *b, const char *as_written)
{
	/* one line: a title's line breaks are print's (base/text.h) */
	char *title = gz_text_title_whole(as_written);

	gz_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
	html(b, c->dk->lang);
	gz_buf_puts(b, "\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		       "<title>");
	html(b, title);
	gz_buf_printf(b, " · %s</title><link rel=\"stylesheet\" href=\"/desk/static/desk.css\">"
			 "<script src=\"/desk/static/desk.js\" defer></script></head><body>",
		      _("Editing desk"));
	gz_buf_printf(b, "<header class=\"bar\"><a class=\"home\" href=\"/desk/\">%s</a>",
		      _("Editing desk"));
	if (c->s.user[0]) {
		gz_buf_puts(b, "<form method=\"post\" action=\"/desk/logout\"><span class=\"who\">");
		html(b, c->s.user);
		gz_buf_printf(b, "</span><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				 "<button>%s</button></form>",
			      c->s.csrf, _("Log out"));
	}
	gz_buf_puts(b, "</header><main>");
	gz_buf_printf(b, "<h1>");
	html(b, title);
	gz_buf_puts(b, "</h1>");
	free(title);
}

void desk_foot(gz_buf *b)
{
	gz_buf_puts(b, "</main></body></html>\n");
}

void desk_message(desk_ctx *c, int status, const char *title, const char *text)
{
	c->rp->status = status;
	desk_head(c, &c->rp->body, title);
	gz_buf_puts(&c->rp->body, "<p class=\"msg\">");
	html(&c->rp->body, text);
	gz_buf_printf(&c->rp->body, "</p><p><a href=\"/desk/\">%s</a></p>", _("Back to the desk"));
	desk_foot(&c->rp->body);
}

void desk_failed(desk_ctx *c, int status, const char *title)
{
	char *err = gz_diag_first_error(&c->failed);

	desk_message(c, status, title, err ? err : "");
	free(err);
}

bool desk_page_at(desk_ctx *c, const char *base, const char *page, gz_desk_page *p, char **rp)
{
	char *md = NULL;
	size_t len;
	bool ok;

	*rp = desk_repo_path(c->dk, page);
	ok = gz_gitw_read(c->dk->git, base, *rp, &md, &len, &c->failed) == 0 &&
	     gz_desk_page_parse(p, md, len, page, &c->failed) == 0;
	free(md);
	if (!ok)
		desk_failed(c, 404, _("Not found"));
	return ok;
}

bool desk_page_written(desk_ctx *c, gz_buf *out, gz_desk_page *p)
{
	if (gz_desk_page_write(out, p) == 0)
		return true;
	desk_message(c, 400, _("Not saved"),
		     _("The text has bytes that are not UTF-8: type it again, or paste it as plain "
		       "text."));
	return false;
}

void desk_csrf_field(desk_ctx *c, gz_buf *b)
{
	gz_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", c->s.csrf);
}

/* A page path from a form: below content/, a .md file, no segment that
 * could leave its folder. */
bool desk_page_path_ok(const char *p)
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
char *desk_branch_of(const char *user, const char *page)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "desk/%s/%s", user, page + 8);
	return gz_buf_detach(&b, NULL);
}

/* The page and owner a desk branch names, or false. */
bool desk_branch_parse(const char *branch, char *owner, size_t olen, gz_buf *page)
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
	return gz_desk_name_valid(owner) && desk_page_path_ok(page->ptr);
}

char *desk_repo_path(desk *dk, const char *page)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s%s", gz_gitw_prefix(dk->git), page);
	return gz_buf_detach(&b, NULL);
}

/* The site path of a page: its folder below content/, the last part
 * replaced by its slug. */
void desk_page_url(gz_buf *out, const char *page, const char *slug)
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

const char *desk_status_label(const char *st)
{
	if (!strcmp(st, "draft"))
		return _("Draft");
	if (!strcmp(st, "review"))
		return _("Awaiting review");
	return _("Published");
}

void desk_date_zh(gz_buf *b, const char *ymd)
{
	gz_date d;
	char out[GZ_DATE_ZH_SIZE];

	if (ymd && gz_date_parse(&d, ymd) == 0) {
		gz_date_zh(out, &d);
		gz_buf_puts(b, out);
	} else {
		html(b, ymd);
	}
}

