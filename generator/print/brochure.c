/*
 * Brochures: cover, colophon, contents and stories, laid out twice so
 * the contents can give the page each story starts on.
 */
#include "print/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/date.h"
#include "base/hash.h"
#include "base/i18n.h"

static void running_head(printer *pr, int page)
{
	char folio[16];
	/* a story's opening page carries its folio, not a head that would
	 * repeat the title below it */
	const char *head = pr->opening ? NULL : page % 2 ? pr->head_odd : pr->head_even;
	double x = page % 2 ? pr->inner : pr->outer, w = pr->W - pr->inner - pr->outer;
	gz_pdf_style st;
	gz_pdf_text *t;
	char *m;

	if (head) {
		m = print_esc(head);
		print_style(&st, pr, false, pr->head_size);
		st.align = page % 2 ? GZ_PDF_RIGHT : GZ_PDF_LEFT;
		t = print_text(pr, m, &st, w);
		gz_pdf_text_draw(pr->pdf, t, x, pr->top - 7 * MM, 0, 1);
		gz_pdf_text_free(t);
		free(m);
		gz_pdf_rule(pr->pdf, x, pr->top - 2.5 * MM, x + w, pr->top - 2.5 * MM, 0.3, 0.4);
	}
	snprintf(folio, sizeof(folio), "%d", page);
	print_style(&st, pr, true, pr->folio_size);
	st.bold = false;
	st.align = page % 2 ? GZ_PDF_RIGHT : GZ_PDF_LEFT;
	t = print_text(pr, folio, &st, w);
	gz_pdf_text_draw(pr->pdf, t, x, pr->H - pr->bottom + 6 * MM, 0, 1);
	gz_pdf_text_free(t);
}

static void body_frame(printer *pr, int page)
{
	pr->f.x = page % 2 ? pr->inner : pr->outer;
	pr->f.y = pr->top;
	pr->f.w = pr->W - pr->inner - pr->outer;
	pr->f.h = pr->H - pr->top - pr->bottom;
	pr->y = pr->f.y;
	pr->fresh = true;
}

static int brochure_next(printer *pr)
{
	int page = gz_pdf_page(pr->pdf);
	if (pr->heads)
		running_head(pr, page);
	body_frame(pr, page);
	return 0;
}

/* The cover and the back cover: Lua layouts (print/cover.lua, back.lua). */
static int cover(printer *pr, const manifest *m, bool back)
{
	gz_print_canvas c;

	gz_pdf_page(pr->pdf);
	print_canvas(pr, &c, m->doc, NULL);
	return gz_printlua_draw(pr->lua, back ? "back" : "cover", &c, pr->d);
}

/* label and v (escaped) after s, when there is a v. */
static void add_field(gz_buf *s, const char *label, const char *v)
{
	if (!v)
		return;
	gz_buf_puts(s, label);
	print_escape(s, v);
}

/* The photo of a story the brochure prints whose file is its cover, or
 * NULL: the story leaves it out (printed on the cover), so its caption and
 * credit go on the colophon. */
static const gz_photo *cover_photo(const manifest *m)
{
	size_t i, k;

	if (!m->cover)
		return NULL;
	for (i = 0; i < m->n; i++) {
		const gz_page *p = m->pages[i];
		if (p->cover && p->cover->file && !strcmp(p->cover->file, m->cover))
			return p->cover;
		for (k = 0; k < p->nphotos; k++)
			if (p->photos[k].file && !strcmp(p->photos[k].file, m->cover))
				return &p->photos[k];
	}
	return NULL;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* label and v (escaped) after s, kept on one line: a name or a notice is
 * not broken ("来源：中共穆棱市委宣传 / 部", "未经书面许 / 可"). */
static void add_whole(gz_buf *s, const char *label, const char *v)
{
	if (!v)
		return;
	gz_buf_puts(s, "<span allow_breaks=\"false\">");
	gz_buf_puts(s, label);
	print_escape(s, v);
	gz_buf_puts(s, "</span>");
}

/*
 * Each story's writer, source and terms of reuse. When every story has the
 * same writer and source (a department's own brochure), they are said
 * once, and the titles are grouped under each notice of reuse: a colophon
 * of fifteen stories stays on its page. Otherwise a line a story.
 */
static void sources(blocks *bs, const manifest *m)
{
	gz_buf s = GZ_BUF_INIT;
	bool shared = m->n > 1;
	size_t i, k;

	for (i = 1; i < m->n && shared; i++)
		shared = same(m->pages[i]->author, m->pages[0]->author) &&
			 same(m->pages[i]->source, m->pages[0]->source);
	if (!shared) {
		for (i = 0; i < m->n; i++) {
			const gz_page *p = m->pages[i];
			gz_buf_puts(&s, "《");
			print_escape(&s, p->title);
			gz_buf_puts(&s, "》");
			add_whole(&s, "　文／", p->author);
			add_whole(&s, "　来源：", p->source);
			add_whole(&s, "　", gz_page_reprint_text(p));
			print_add_block(bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
		}
		return;
	}
	if (m->pages[0]->author || m->pages[0]->source) {
		gz_buf_puts(&s, "本册稿件");
		add_whole(&s, "　文／", m->pages[0]->author);
		add_whole(&s, "　来源：", m->pages[0]->source);
		print_add_block(bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	}
	/* the titles under each notice, in the brochure's order of notices */
	for (i = 0; i < m->n; i++) {
		const char *notice = gz_page_reprint_text(m->pages[i]);
		bool first = true;
		for (k = 0; k < i; k++)
			if (same(gz_page_reprint_text(m->pages[k]), notice))
				break;
		if (k < i)
			continue;
		if (notice) {
			add_whole(&s, "", notice);
			gz_buf_puts(&s, "：");
		} else {
			gz_buf_puts(&s, "使用未注明：");
		}
		for (k = i; k < m->n; k++) {
			if (!same(gz_page_reprint_text(m->pages[k]), notice))
				continue;
			gz_buf_puts(&s, first ? "《" : "、《");
			print_escape(&s, m->pages[k]->title);
			gz_buf_puts(&s, "》");
			first = false;
		}
		print_add_block(bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	}
}

static int colophon(printer *pr, const manifest *m)
{
	const gz_photo *ph = cover_photo(m);
	gz_buf s = GZ_BUF_INIT;
	blocks bs = {0};
	int rc;

	pr->heads = false;
	print_next_frame(pr);
	gz_buf_printf(&s, "<b>");
	print_escape(&s, m->title);
	gz_buf_puts(&s, "</b>");
	if (m->subtitle) {
		gz_buf_puts(&s, "\n");
		print_escape(&s, m->subtitle);
	}
	gz_buf_puts(&s, "\n编印：");
	print_escape(&s, m->issuer);
	add_field(&s, "\n印制单位：", m->printer);
	add_field(&s, "\n准印证号：", m->permit);
	gz_buf_puts(&s, "\n开本：");
	if (m->format) {
		print_escape(&s, m->format);
	} else {
		gz_buf_printf(&s, "%s（%g × %g 毫米）", m->size_name, m->w, m->h);
	}
	add_field(&s, "\n印数：", m->copies);
	gz_buf_puts(&s, "\n印制日期：");
	{
		gz_date dt;
		char zh[GZ_DATE_ZH_SIZE];
		if (m->date && gz_date_parse(&dt, m->date) == 0) {
			gz_date_zh(zh, &dt);
			print_escape(&s, zh);
		} else {
			print_escape(&s, m->date);
		}
	}
	if (ph && ((ph->caption && *ph->caption) || (ph->credit && *ph->credit))) {
		gz_buf credit = GZ_BUF_INIT;
		gz_buf_puts(&s, "\n封面图片：");
		if (ph->caption && *ph->caption)
			print_escape(&s, ph->caption);
		gz_photo_credit(&credit, ph->credit);
		if (credit.len) {
			gz_buf_puts(&s, ph->caption && *ph->caption ? "（" : "");
			print_escape(&s, credit.ptr);
			gz_buf_puts(&s, ph->caption && *ph->caption ? "）" : "");
		}
		gz_buf_release(&credit);
	}
	print_add_block(&bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	print_add_block(&bs, B_HEAD)->markup = gz_strdup("稿件来源与使用说明");
	bs.b[bs.n - 1].level = 3;
	sources(&bs, m);
	{
		double saved = pr->body_size;
		pr->body_size = 7.5;
		rc = print_place_blocks(pr, &bs, NULL, true);
		pr->body_size = saved;
	}
	print_blocks_release(&bs);
	return rc;
}

static char *place_of(const gz_page *p)
{
	gz_buf b = GZ_BUF_INIT;
	const char *t = gz_value_str(p->fm, "township"), *v = gz_value_str(p->fm, "village");
	char ymd[GZ_DATE_ZH_SIZE];
	if (t)
		print_escape(&b, t);
	if (v) {
		print_escape(&b, v);
	}
	if (p->has_date) {
		gz_date_zh(ymd, &p->date);
		gz_buf_printf(&b, "%s%s", b.len ? "　" : "", ymd);
	}
	return gz_buf_detach(&b, NULL);
}

static int toc(printer *pr, const manifest *m, const int *starts)
{
	gz_pdf_style st, ns;
	size_t i, split = 0;
	char num[16];
	double gap = 3 * MM;

	pr->heads = false;
	print_next_frame(pr);
	pr->y += print_text_box(pr, "目　录", true, 16, GZ_PDF_CENTER, pr->f.x, pr->y, pr->f.w) + 8 * MM;
	print_style(&st, pr, false, 10.5);
	st.align = GZ_PDF_LEFT;
	st.leading = 1.5;
	print_style(&ns, pr, true, 10.5);
	ns.bold = false;
	ns.align = GZ_PDF_RIGHT;
	/* the entries on one page when closer spacing gets them there (a
	 * contents page spilled its last entry onto a page of its own);
	 * when they need two pages, half on each */
	{
		double sum = 0, room = pr->f.y + pr->f.h - pr->y;
		for (i = 0; i < m->n; i++) {
			char *title = print_esc(m->pages[i]->title);
			gz_pdf_text *t = print_head_text(pr, title, &st, pr->f.w - 14 * MM);
			sum += gz_pdf_text_height(t);
			gz_pdf_text_free(t);
			free(title);
		}
		if (m->n && sum + m->n * gap > room) {
			gap = (room - sum) / m->n;
			if (gap < 1 * MM) {
				gap = 3 * MM;
				split = (m->n + 1) / 2;
			}
		}
	}
	for (i = 0; i < m->n; i++) {
		char *title = print_esc(m->pages[i]->title);
		gz_pdf_text *t = print_head_text(pr, title, &st, pr->f.w - 14 * MM), *n;
		double h = gz_pdf_text_height(t), lw;
		int last = gz_pdf_text_lines(t) - 1;
		free(title);
		if (split && i == split && print_next_frame(pr) < 0)
			return -1;
		if (print_need(pr, h + gap) < 0)
			return -1;
		snprintf(num, sizeof(num), "%d", starts[i]);
		n = print_text(pr, num, &ns, 12 * MM);
		gz_pdf_text_draw(pr->pdf, t, pr->f.x, pr->y, 0, last + 1);
		gz_pdf_text_draw(pr->pdf, n, pr->f.x + pr->f.w - 12 * MM,
				 pr->y + gz_pdf_text_top(t, last), 0, 1);
		/* dotted leader from the end of the title's last line */
		lw = gz_pdf_text_line_width(t, last);
		{
			double yl = pr->y + gz_pdf_text_top(t, last) + 10.5 * 1.05;
			double x0 = pr->f.x + lw + 2 * MM;
			double x1 = pr->f.x + pr->f.w - 12 * MM;
			int dot, dots = x1 > x0 ? (int)((x1 - x0) / (2 * MM)) + 1 : 0;
			for (dot = 0; dot < dots; dot++)
				gz_pdf_rect(pr->pdf, x0 + dot * 2 * MM, yl, 0.6, 0.6, 0.5, 0.5, 0.5);
		}
		pr->y += h + gap;
		pr->fresh = false;
		gz_pdf_text_free(t);
		gz_pdf_text_free(n);
	}
	return 0;
}

static int story(printer *pr, const manifest *m, const gz_page *p, int *start)
{
	blocks bs = {0};
	gz_buf by = GZ_BUF_INIT;
	char *title, *place;
	int rc;

	pr->heads = true;
	pr->head_even = m->title;
	pr->head_odd = p->title;
	pr->nfloats = 0;
	if (m->recto && gz_pdf_page_count(pr->pdf) % 2 == 1)
		gz_pdf_page(pr->pdf); /* a blank left-hand page */
	pr->opening = true;
	print_next_frame(pr);
	pr->opening = false;
	*start = gz_pdf_page_count(pr->pdf);
	title = print_esc(p->title);
	pr->y += 6 * MM;
	pr->y += print_text_box(pr, title, true, pr->title_size, GZ_PDF_LEFT, pr->f.x, pr->y, pr->f.w) +
		 3 * MM;
	free(title);
	if (p->author) {
		gz_buf_puts(&by, "文／");
		print_escape(&by, p->author);
	}
	if (p->source) {
		gz_buf_puts(&by, by.len ? "　来源：" : "来源：");
		print_escape(&by, p->source);
	}
	place = place_of(p);
	if (*place)
		gz_buf_printf(&by, "%s%s", by.len ? "\n" : "", place);
	free(place);
	if (by.len)
		pr->y += print_text_box(pr, by.ptr, false, pr->byline_size, GZ_PDF_LEFT, pr->f.x, pr->y,
				  pr->f.w);
	gz_buf_release(&by);
	pr->y += 3 * MM;
	gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.62);
	pr->y += 5 * MM;
	pr->fresh = true;
	print_doc_blocks(&bs, p);
	/* the story's cover opens it, unless the body places it or it is
	 * the brochure's cover */
	rc = 0;
	if (p->cover && p->cover->file && !print_body_places(&bs, p->cover->file) &&
	    !(pr->cover_file && !strcmp(pr->cover_file, p->cover->file)))
		rc = print_place_photo(pr, p->cover, p->path, 0.4);
	if (rc == 0)
		rc = print_place_blocks(pr, &bs, p, false);
	print_blocks_release(&bs);
	return rc;
}

/* One pass over the brochure; starts[] gets the page each story opens on. */
static int brochure_pass(printer *pr, const manifest *m, int *starts, const int *toc_pages)
{
	size_t i;
	int pad;

	if (print_new_doc(pr, m->title, m->date, m->issuer, pr->defer) < 0)
		return -1;
	if (!pr->text_font && print_check_fonts(pr, pr->path, m->root) < 0)
		return -1;
	pr->next = brochure_next;
	/* the cover layout stops an over-long title, at the manifest's line */
	if (cover(pr, m, false) < 0)
		return -1;
	if (colophon(pr, m) < 0 || toc(pr, m, toc_pages) < 0)
		return -1;
	for (i = 0; i < m->n; i++)
		if (story(pr, m, m->pages[i], &starts[i]) < 0)
			return -1;
	/* the back cover is a left-hand page; a booklet needs a multiple of 4 */
	pad = gz_pdf_page_count(pr->pdf) + 1;
	while (pr->o->booklet ? pad % 4 : pad % 2) {
		gz_pdf_page(pr->pdf);
		pad++;
	}
	if (cover(pr, m, true) < 0)
		return -1;
	return pr->d->errors ? -1 : 0;
}

/* What the cover and back layouts see: the manifest's fields (with their
 * places), the issuer, the size, the site's copyright line and the titles. */
static gz_value *brochure_doc(const printer *pr, const manifest *m)
{
	gz_value *doc = print_value_clone(m->root), *titles = gz_calloc(1, sizeof(*titles));
	const gz_value *params = gz_value_get(pr->site->cfg.root, "params");
	size_t i;

	print_value_put_str(doc, "issuer", m->issuer);
	print_value_put_str(doc, "size", m->size_name);
	/* the layouts print the date for readers */
	{
		gz_date dt;
		char zh[GZ_DATE_ZH_SIZE];
		if (m->date && gz_date_parse(&dt, m->date) == 0) {
			gz_date_zh(zh, &dt);
			print_value_put_str(doc, "date", zh);
		}
	}
	print_value_put_str(doc, "copyright", params ? gz_value_str(params, "copyright") : NULL);
	titles->type = GZ_SEQ;
	titles->items = gz_calloc(m->n + 1, sizeof(*titles->items));
	for (i = 0; i < m->n; i++) {
		gz_value *t = gz_calloc(1, sizeof(*t));
		t->type = GZ_STR;
		t->quoted = true;
		t->str = gz_strdup(m->pages[i]->title);
		titles->items[titles->n++] = t;
	}
	print_value_put(doc, "titles", titles);
	return doc;
}

/* GAZETTE_TIMING=1 prints how long each stage of a brochure took. */
static void phase(const char *name, double *t)
{
	gz_timing_lap("", name, t);
}

int print_brochure(printer *pr, char **data, size_t *len)
{
	manifest m;
	int *starts = NULL, *prev = NULL, rc = -1, pass;
	char *err = NULL;
	double t = 0;

	if (print_read_manifest(&m, pr->site, pr->src, pr->path, pr->d) < 0)
		goto cleanup;
	pr->cover_file = m.cover;
	pr->W = m.w * MM;
	pr->H = m.h * MM;
	pr->size_name = m.size_name;
	pr->top = print_cfg_sized(pr, "brochure", "margins", "top", 18, 3, m.h / 3) * MM;
	pr->bottom = print_cfg_sized(pr, "brochure", "margins", "bottom", 18, 3, m.h / 3) * MM;
	pr->inner = print_cfg_sized(pr, "brochure", "margins", "inner", 18, 3, m.w / 3) * MM;
	pr->outer = print_cfg_sized(pr, "brochure", "margins", "outer", 14, 3, m.w / 3) * MM;
	pr->body_size = print_cfg_sized(pr, "brochure", "body", NULL, 10, 4, 30);
	{
		static const char *const lead[] = {"brochure", "leading", NULL};
		static const char *const title[] = {"brochure", "title", NULL};
		static const char *const byline[] = {"brochure", "byline", NULL};
		static const char *const head[] = {"brochure", "head", NULL};
		static const char *const folio[] = {"brochure", "folio", NULL};
		pr->leading = print_cfg_num(pr, lead, 1.75, 1, 3);
		pr->title_size = print_cfg_num(pr, title, 17, 6, 72);
		pr->byline_size = print_cfg_num(pr, byline, 8.5, 4, 30);
		pr->head_size = print_cfg_num(pr, head, 7.5, 4, 30);
		pr->folio_size = print_cfg_num(pr, folio, 8, 4, 30);
	}
	if (pr->d->errors)
		goto cleanup;
	m.doc = brochure_doc(pr, &m);
	starts = gz_calloc(m.n + 1, sizeof(int));
	prev = gz_calloc(m.n + 1, sizeof(int));
	/* pass 1 finds the pages; pass 2 prints them in the contents. The contents
	 * take as many lines either way, so the pages cannot move between passes. */
	print_copier_start(pr);
	phase(NULL, &t);
	for (pass = 0; pass < 2; pass++) {
		pr->defer = pass == 0;
		if (brochure_pass(pr, &m, starts, prev) < 0)
			goto cleanup;
		phase(pass ? "print: second pass (drawing)" : "print: first pass (measuring)", &t);
		if (pass == 0) {
			memcpy(prev, starts, m.n * sizeof(int));
			gz_pdf_free(pr->pdf);
			pr->pdf = NULL;
			pr->defer = false;
			print_copier_close(pr);
		}
	}
	print_copier_finish(pr);
	phase("print: the last photos", &t);
	if (gz_pdf_finish(pr->pdf, data, len, &err) < 0) {
		gz_diag_error(pr->d, pr->path, 0, 0, _("cannot write the PDF: %s"), err);
		free(err);
		goto cleanup;
	}
	phase("print: the PDF", &t);
	rc = 0;
cleanup:
	print_copier_finish(pr);
	pr->defer = false;
	free(starts);
	free(prev);
	print_manifest_release(&m);
	return rc;
}
