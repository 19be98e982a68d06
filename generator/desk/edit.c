/*
 * edit.c: the editing form, and the page the form sends back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/text.h"
#include "desk/internal.h"
#include "load/yaml.h"

/* The choices data/places.yml offers for a field, as a datalist: the
 * field stays free text, so a value the list lacks (a township not yet
 * listed, two industries) is shown and saved as it was written. */
static void choices(gz_buf *b, const char *id, const gz_value *seq)
{
	size_t i;

	gz_buf_printf(b, "<datalist id=\"%s\">", id);
	for (i = 0; seq && seq->type == GZ_SEQ && i < seq->n; i++) {
		if (seq->items[i]->type != GZ_STR)
			continue;
		gz_buf_puts(b, "<option value=\"");
		html(b, seq->items[i]->str);
		gz_buf_puts(b, "\">");
	}
	gz_buf_puts(b, "</datalist>");
}

static gz_value *places(desk *dk, const char *sha)
{
	char *yml = NULL, *rp = desk_repo_path(dk, "data/places.yml");
	gz_value *v = NULL;
	size_t len;

	if (gz_gitw_read(dk->git, sha, rp, &yml, &len, NULL) == 0 &&
	    gz_yaml_parse(&v, yml, len, 0, NULL, NULL) < 0)
		v = NULL;
	free(yml);
	free(rp);
	return v;
}

/* ---- the editing form ---- */

static void text_input(gz_buf *b, const char *label, const char *name, const char *v,
		       const char *extra)
{
	gz_buf_printf(b, "<label>%s<input name=\"%s\" value=\"", label, name);
	html(b, v);
	gz_buf_printf(b, "\"%s></label>", extra ? extra : "");
}

/* The title, in a box of its lines that starts as one and grows as
 * Enter breaks it (desk.js): a line break in a title is where print
 * breaks it set large, and only there (base/text.h), which the hint says,
 * so that an editor who sees the preview read it whole knows why. */
static void title_input(gz_buf *b, const char *title)
{
	const char *s;
	int rows = 1;

	for (s = title; (s = strchr(s, '\n')); s++)
		rows++;
	/* a browser drops the newline right after <textarea> */
	gz_buf_printf(b, "<label>%s<textarea id=\"title\" name=\"title\" rows=\"%d\" required "
			 "aria-describedby=\"title-note\">\n",
		      _("Title"), rows);
	html(b, title);
	gz_buf_printf(b, "</textarea></label><small id=\"title-note\" class=\"hint\">%s</small>",
		      _("Press Enter to break the title there on a printed cover or a story's "
			"opening page; the web shows it as one line."));
}

/* The date: a date picker holds YYYY-MM-DD only, so 2021年3月5日 is shown
 * as 2021-03-05, and a date with a time stays text, as written. The
 * picker shows the day as the browser's locale writes it (08/20/2019 in
 * an English one), so the day is also written out beside it as the
 * site's pages give it, 2019年8月20日 (desk.js follows the picker). */
static void date_input(gz_buf *b, gz_desk_page *p)
{
	gz_date d;
	char ymd[11];

	if (!*p->date || (gz_date_parse(&d, p->date) == 0 && !d.has_time)) {
		if (*p->date) {
			gz_date_ymd(ymd, &d);
			gz_desk_set(&p->date, ymd);
		}
		text_input(b, _("Date"), "date", p->date,
			   " type=\"date\" required aria-describedby=\"date-zh\"");
		gz_buf_puts(b, "<output id=\"date-zh\" for=\"date\" class=\"hint\">");
		if (*p->date)
			desk_date_zh(b, p->date);
		gz_buf_puts(b, "</output>");
	} else {
		text_input(b, _("Date"), "date", p->date, " required");
	}
}

/* The photo upload's form, for a page bundle that is on a branch. */
static void upload_form(desk_ctx *c, gz_buf *b, const char *branch, const char *base)
{
	gz_buf_printf(b, "<form method=\"post\" action=\"/desk/upload\" enctype=\"multipart/form-data\" "
			 "class=\"card\" id=\"upload\"><h2>%s</h2>",
		      _("Add a photo"));
	desk_csrf_field(c, b);
	gz_buf_puts(b, "<input type=\"hidden\" name=\"b\" value=\"");
	html(b, branch);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"base\" value=\"");
	html(b, base);
	gz_buf_printf(b, "\"><label>%s<input type=\"file\" name=\"photo\" "
			 "accept=\"image/jpeg,image/png,image/webp\" required></label>",
		      _("JPEG, PNG or WebP, at most 20 MB"));
	text_input(b, _("Caption"), "caption", "", NULL);
	text_input(b, _("Credit"), "credit", "", NULL);
	text_input(b, _("Alt text (what the photo shows)"), "alt", "", NULL);
	gz_buf_printf(b, "<button>%s</button></form>", _("Upload"));
}

void desk_form_screen(desk_ctx *c, gz_desk_page *p, const char *page, const char *kind,
			const char *branch, const char *base, const char *error)
{
	gz_buf *b = &c->rp->body;
	gz_value *pl = places(c->dk, base);
	size_t i;

	desk_head(c, b, *p->title ? p->title : kind && !strcmp(kind, "policy") ?
					  _("New policy explainer") : _("New story"));
	if (error) {
		gz_buf_puts(b, "<div class=\"err\" role=\"alert\">");
		html(b, error);
		gz_buf_puts(b, "</div>");
	}
	if (branch && *branch) {
		gz_buf_printf(b, "<p class=\"meta\">%s <span class=\"st\">%s</span></p>", _("Status:"),
			      desk_status_label(*p->status ? p->status : "published"));
	}
	gz_buf_puts(b, "<div class=\"editor\"><form method=\"post\" action=\"/desk/save\" id=\"page\" class=\"card\">");
	desk_csrf_field(c, b);
	gz_buf_puts(b, "<input type=\"hidden\" name=\"p\" value=\"");
	html(b, page);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"kind\" value=\"");
	html(b, kind);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"b\" value=\"");
	html(b, branch);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"base\" value=\"");
	html(b, base);
	gz_buf_puts(b, "\"><input type=\"hidden\" name=\"status\" value=\"");
	html(b, p->status);
	gz_buf_puts(b, "\">");
	title_input(b, p->title);
	date_input(b, p);
	if (!*page)
		text_input(b, _("Address name (a-z, 0-9, -)"), "slug", p->slug,
			   " pattern=\"[a-z0-9-]*\"");
	else {
		gz_buf_puts(b, "<input type=\"hidden\" name=\"slug\" value=\"");
		html(b, p->slug);
		gz_buf_puts(b, "\">");
	}
	gz_buf_puts(b, "<div class=\"row\">");
	text_input(b, _("Township"), "township", p->township, " list=\"townships\"");
	text_input(b, _("Village"), "village", p->village, " list=\"villages\"");
	text_input(b, _("Industry (separated by 、)"), "industry", p->industry, " list=\"industries\"");
	gz_buf_puts(b, "</div>");
	choices(b, "townships", gz_value_get(pl, "townships"));
	choices(b, "villages", gz_value_get(pl, "villages"));
	choices(b, "industries", gz_value_get(pl, "industries"));
	text_input(b, _("People (separated by 、)"), "people", p->people, NULL);
	text_input(b, _("Tags (separated by 、)"), "tags", p->tags, NULL);
	/* a browser drops the newline right after <textarea>: this one, not
	 * the text's own first line when it is blank */
	gz_buf_printf(b, "<label>%s<textarea name=\"summary\" rows=\"2\">\n", _("Summary"));
	html(b, p->summary);
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
		html(b, p->photos[i].src);
		gz_buf_printf(b, "</legend><input type=\"hidden\" name=\"photo%zu_src\" value=\"", i);
		html(b, p->photos[i].src);
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
	html(b, p->extra);
	gz_buf_printf(b, "\"><label for=\"body\">%s</label><div class=\"md\"><div class=\"gutter\" "
			 "id=\"gutter\" aria-hidden=\"true\"></div><textarea id=\"body\" name=\"body\" "
			 "rows=\"18\" spellcheck=\"false\">\n",
		      _("Text (Markdown)"));
	html(b, p->body);
	gz_buf_printf(b, "</textarea></div><ul id=\"findings\" class=\"findings\" aria-live=\"polite\" "
			 "data-line=\"%s\" data-line-col=\"%s\" data-page=\"%s\">",
		      _("line %d: "), _("line %d, column %d: "), _("page details: "));
	if (c->found)
		desk_findings_html(b, c->found, p->body_line);
	gz_buf_puts(b, "</ul>");
	gz_buf_printf(b, "<p class=\"actions\"><button class=\"primary\" name=\"do\" value=\"save\">%s</button>",
		      _("Save"));
	if (branch && *branch && strcmp(p->status, "review"))
		gz_buf_printf(b, " <button name=\"do\" value=\"submit\">%s</button>", _("Submit for review"));
	gz_buf_puts(b, "</p></form>");
	if (branch && *branch && strstr(page, "/index.md")) {
		upload_form(c, b, branch, base);
	} else if (!branch || !*branch) {
		gz_buf_printf(b, "<p class=\"meta\">%s</p>", _("Save once to add photos."));
	}
	gz_buf_printf(b, "<section class=\"preview\"><h2>%s</h2><iframe id=\"preview\" "
			 "sandbox=\"allow-same-origin\" title=\"%s\"></iframe></section></div>",
		      _("Preview"), _("Preview"));
	desk_foot(b);
	gz_value_free(pl);
}

/* Where this session may write: its own branches, or any for a reviewer. */
bool desk_may_edit(desk_ctx *c, const char *branch)
{
	char owner[33];
	gz_buf page = GZ_BUF_INIT;
	bool ok = desk_branch_parse(branch, owner, sizeof(owner), &page) &&
		  (!strcmp(owner, c->s.user) || desk_is_reviewer(c));

	gz_buf_release(&page);
	return ok;
}

void desk_edit_screen(desk_ctx *c, bool fresh)
{
	desk *dk = c->dk;
	const char *page = field(c, "p"), *branch = field(c, "b"), *kind = field(c, "kind");
	char base[GZ_SHA_SIZE], *md = NULL, *err = NULL, *rp = NULL, *own = NULL;
	gz_desk_page p;
	size_t len;

	memset(&p, 0, sizeof(p));
	if (fresh) {
		char today[11];
		if (gz_gitw_tip(dk->git, dk->branch, base, &c->failed) < 0)
			goto fail;
		gz_date_from_time(today, time(NULL), 8 * 60);
		gz_desk_page_parse(&p, "", 0, NULL, NULL);
		gz_desk_set(&p.date, today);
		gz_desk_set(&p.status, "draft");
		desk_form_screen(c, &p, "", strcmp(kind, "policy") ? "story" : "policy", "", base, NULL);
		goto cleanup;
	}
	if (!desk_page_path_ok(page)) {
		desk_message(c, 400, _("Not a page"), page);
		goto cleanup;
	}
	if (!*branch) {
		char tip[GZ_SHA_SIZE];
		own = desk_branch_of(c->s.user, page);
		if (gz_gitw_tip(dk->git, own, tip, NULL) == 0)
			branch = own;
	}
	if (*branch && !desk_may_edit(c, branch)) {
		desk_message(c, 403, _("Not yours"), _("This page is another editor's."));
		goto cleanup;
	}
	if (gz_gitw_tip(dk->git, *branch ? branch : dk->branch, base, &c->failed) < 0)
		goto fail;
	rp = desk_repo_path(dk, page);
	if (gz_gitw_read(dk->git, base, rp, &md, &len, &c->failed) < 0)
		goto fail;
	if (gz_desk_page_parse(&p, md, len, page, &c->failed) < 0) {
		/* the form again, with what is wrong in the front matter */
		err = gz_diag_first_error(&c->failed);
		desk_form_screen(c, &p, page, "", branch, base, err);
		goto cleanup;
	}
	desk_form_screen(c, &p, page, "", branch, base, NULL);
	goto cleanup;
fail:
	desk_failed(c, 404, _("Not found"));
cleanup:
	gz_desk_page_release(&p);
	free(err);
	free(md);
	free(rp);
	free(own);
}

/* Take the form's value of a field the text's own front matter left out. */
static void fill_in(char **have, const char *form)
{
	if (!**have && *form)
		gz_desk_set(have, form);
}

/*
 * A page whose front matter could not be read comes to the form whole, in
 * its text. When the editor has mended it there, the text's front matter
 * is the page's: its fields, with what the form adds where it has none.
 * Written below the form's own front matter, it would be a second block,
 * read as text. Returns false while it still is not YAML.
 */
static bool front_matter_in_text(gz_desk_page *p)
{
	gz_desk_page q;
	size_t i;

	if (strncmp(p->body, "---\n", 4) || !strstr(p->body + 3, "\n---\n"))
		return true;
	if (gz_desk_page_parse(&q, p->body, strlen(p->body), NULL, NULL) < 0) {
		gz_desk_page_release(&q);
		return false;
	}
	fill_in(&q.title, p->title);
	fill_in(&q.date, p->date);
	fill_in(&q.slug, p->slug);
	fill_in(&q.status, p->status);
	fill_in(&q.summary, p->summary);
	fill_in(&q.township, p->township);
	fill_in(&q.village, p->village);
	fill_in(&q.industry, p->industry);
	fill_in(&q.people, p->people);
	fill_in(&q.tags, p->tags);
	fill_in(&q.author, p->author);
	fill_in(&q.source, p->source);
	fill_in(&q.reprint, p->reprint);
	if (!q.nphotos) {
		for (i = 0; i < p->nphotos; i++) {
			q.photos[i] = p->photos[i];
			memset(&p->photos[i], 0, sizeof(p->photos[i]));
		}
		q.nphotos = p->nphotos;
		p->nphotos = 0;
	}
	gz_desk_page_release(p);
	*p = q;
	return true;
}

bool desk_form_page(desk_ctx *c, gz_desk_page *p, const char **why)
{
	char *title;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->title = desk_text_field(c, "title");
	gz_desk_set(&p->date, field(c, "date"));
	gz_desk_set(&p->slug, field(c, "slug"));
	gz_desk_set(&p->status, *field(c, "status") ? field(c, "status") : "draft");
	p->summary = desk_text_field(c, "summary");
	gz_desk_set(&p->township, field(c, "township"));
	gz_desk_set(&p->village, field(c, "village"));
	gz_desk_set(&p->industry, field(c, "industry"));
	gz_desk_set(&p->people, field(c, "people"));
	gz_desk_set(&p->tags, field(c, "tags"));
	gz_desk_set(&p->author, field(c, "author"));
	gz_desk_set(&p->source, field(c, "source"));
	gz_desk_set(&p->reprint, field(c, "reprint"));
	gz_desk_set(&p->extra, field(c, "extra"));
	p->body = desk_text_field(c, "body");
	/* Enter pressed at either end of the title, or twice, makes no other
	 * break in print: the title is saved as print reads it, so its YAML
	 * shows each break as one \n and a title of only breaks is none */
	title = gz_text_title_marked(p->title);
	free(p->title);
	p->title = title;
	for (i = 0; i < GZ_DESK_MAX_PHOTOS; i++) {
		char n[32];
		const char *src;
		snprintf(n, sizeof(n), "photo%zu_src", i);
		src = gz_http_field_get(c->rq, n);
		if (!src)
			break;
		gz_desk_set(&p->photos[i].src, src);
		snprintf(n, sizeof(n), "photo%zu_caption", i);
		gz_desk_set(&p->photos[i].caption, field(c, n));
		snprintf(n, sizeof(n), "photo%zu_credit", i);
		gz_desk_set(&p->photos[i].credit, field(c, n));
		snprintf(n, sizeof(n), "photo%zu_alt", i);
		gz_desk_set(&p->photos[i].alt, field(c, n));
		p->nphotos++;
	}
	if (!front_matter_in_text(p)) {
		*why = _("The text starts with a front matter block (between '---' lines) that is "
			 "not valid YAML: mend it there, or delete it and fill in the fields above.");
		return false;
	}
	if (!*p->title) {
		*why = _("A page needs a title.");
		return false;
	}
	/* a date that is no date is the check's to explain, beside its line */
	if (strchr(p->date, '\n')) {
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

bool desk_new_path(gz_buf *out, gz_desk_page *p, const char *kind, const char **why)
{
	const char *s;
	char hex[9];
	gz_date d;

	/* a story's folder is named after its year */
	if (gz_date_parse(&d, p->date) < 0) {
		*why = _("The date is not a date (YYYY-MM-DD).");
		return false;
	}
	*why = _("The address name may hold only a-z, 0-9 and -.");
	if (!*p->slug) {
		gz_buf sl = GZ_BUF_INIT;
		char *title = gz_desk_page_title(p);
		gz_slugify(&sl, title);
		free(title);
		for (s = sl.ptr; *s && (unsigned char)*s < 0x80; s++)
			;
		if (sl.len && !*s && sl.len <= 60) {
			gz_desk_set(&p->slug, sl.ptr);
		} else {
			gz_buf n = GZ_BUF_INIT;
			gz_desk_random_hex(hex, 4);
			gz_buf_printf(&n, "%04d%02d%02d-%s", d.year, d.month, d.day, hex);
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
		gz_buf_printf(out, "content/stories/%04d/%s/index.md", d.year, p->slug);
	return true;
}

void desk_stale_screen(desk_ctx *c, const char *page, const char *branch, const char *mine)
{
	desk *dk = c->dk;
	gz_buf *b = &c->rp->body;
	char tip[GZ_SHA_SIZE], *theirs = NULL, *rp = desk_repo_path(dk, page);
	size_t len;

	c->rp->status = 409;
	desk_head(c, b, _("Someone saved this page before you"));
	gz_buf_printf(b, "<p class=\"err\" role=\"alert\">%s</p>",
		      _("Your save was refused: the page changed after you opened it. Both versions "
			"are below; copy what you need into the newer one and save again."));
	if (gz_gitw_tip(dk->git, branch, tip, NULL) == 0 &&
	    gz_gitw_read(dk->git, tip, rp, &theirs, &len, NULL) == 0) {
		gz_buf_printf(b, "<div class=\"two\"><section><h2>%s</h2><pre class=\"text\">",
			      _("The saved version"));
		html(b, theirs);
		gz_buf_printf(b, "</pre><p><a class=\"button\" href=\"/desk/edit?p=");
		desk_url_arg(b, page);
		gz_buf_puts(b, "&amp;b=");
		desk_url_arg(b, branch);
		gz_buf_printf(b, "\">%s</a></p></section>", _("Open the saved version"));
	}
	gz_buf_printf(b, "<section><h2>%s</h2><pre class=\"text\">", _("Your version"));
	html(b, mine);
	gz_buf_puts(b, "</pre></section></div>");
	desk_foot(b);
	free(theirs);
	free(rp);
}

/* Every photo of p has its caption, credit and alt text. */
