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
#include "load/pagefm.h"

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

typedef const char *(*field_fn)(const gz_page *p);

static const char *writer_of(const gz_page *p)
{
	return p->author;
}

static const char *source_of(const gz_page *p)
{
	return p->source;
}

/* Whether every story has the same f. */
static bool shared(const manifest *m, field_fn f)
{
	size_t i;

	for (i = 1; i < m->n; i++)
		if (!same(f(m->pages[i]), f(m->pages[0])))
			return false;
	return m->n > 0;
}

/* The titles of the stories from the i-th on whose keys f and g (either
 * may be NULL) are the i-th's, "《A》、《B》". */
static void titles_alike(gz_buf *s, const manifest *m, size_t i, field_fn f, field_fn g)
{
	size_t k;
	bool first = true;

	for (k = i; k < m->n; k++) {
		const gz_page *p = m->pages[k], *q = m->pages[i];
		if ((f && !same(f(p), f(q))) || (g && !same(g(p), g(q))))
			continue;
		gz_buf_puts(s, first ? "《" : "、《");
		print_escape(s, p->title);
		gz_buf_puts(s, "》");
		first = false;
	}
}

/* How many stories have the i-th's f. */
static size_t count_alike(const manifest *m, size_t i, field_fn f)
{
	size_t k, n = 0;

	for (k = 0; k < m->n; k++)
		n += same(f(m->pages[k]), f(m->pages[i]));
	return n;
}

/* Whether a story before the i-th has the i-th's keys f and g. */
static bool seen(const manifest *m, size_t i, field_fn f, field_fn g)
{
	size_t k;

	for (k = 0; k < i; k++)
		if ((!f || same(f(m->pages[k]), f(m->pages[i]))) &&
		    (!g || same(g(m->pages[k]), g(m->pages[i]))))
			return true;
	return false;
}

/* The writers of the stories from the i-th on with the i-th's source
 * (src; NULL: any), each with the titles it wrote: "文／李明：《A》、《B》；张丽：《C》". */
static void by_writer(gz_buf *s, const manifest *m, size_t i, field_fn src)
{
	size_t k;
	bool first = true;

	for (k = i; k < m->n; k++) {
		const char *who = m->pages[k]->author;
		if ((src && !same(src(m->pages[k]), src(m->pages[i]))) || seen(m, k, writer_of, src))
			continue;
		gz_buf_puts(s, first ? "文／" : "；");
		add_whole(s, "", who ? who : "未署名");
		gz_buf_puts(s, "：");
		titles_alike(s, m, k, writer_of, src);
		first = false;
	}
}

/*
 * Each story's writer, source and terms of reuse, each said once: what all
 * the stories share on one line ("本册稿件　文／孙昊　来源：…"); the rest
 * run on, a paragraph a source with the titles under each writer
 * ("来源：牡丹江日报　文／李明：《A》、《B》；张丽：《C》"), and the titles
 * under each notice of reuse. A line a story filled a second page at
 * sixteen stories by as many writers.
 */
static void sources(blocks *bs, const manifest *m, bool rest)
{
	gz_buf s = GZ_BUF_INIT;
	size_t most = 0;
	field_fn w = shared(m, writer_of) ? NULL : writer_of;
	field_fn src = shared(m, source_of) ? NULL : source_of;
	field_fn notice = shared(m, gz_page_reprint_text) ? NULL : gz_page_reprint_text;
	size_t i;

	if (!m->n)
		return;
	gz_buf_puts(&s, "本册稿件");
	if (!w)
		add_whole(&s, "　文／", writer_of(m->pages[0]));
	if (!src)
		add_whole(&s, "　来源：", source_of(m->pages[0]));
	if (!notice)
		add_whole(&s, "　", gz_page_reprint_text(m->pages[0]) ? gz_page_reprint_text(m->pages[0])
								    : "使用未注明");
	if (s.len > strlen("本册稿件"))
		print_add_block(bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	gz_buf_clear(&s);
	for (i = 0; (w || src) && i < m->n; i++) {
		const char *from = source_of(m->pages[i]);
		if (src && seen(m, i, src, NULL))
			continue;
		if (src) {
			add_whole(&s, "来源：", from ? from : "未注明");
			gz_buf_puts(&s, "　");
		}
		if (w)
			by_writer(&s, m, i, src);
		else
			titles_alike(&s, m, i, src, NULL);
		print_add_block(bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
		if (!src)
			break;
	}
	/* the titles under each notice, in the brochure's order of notices;
	 * with rest, those of the notice of the most stories are "the rest" */
	for (i = 0; notice && i < m->n; i++)
		if (count_alike(m, i, notice) > count_alike(m, most, notice))
			most = i;
	for (i = 0; notice && i < m->n; i++) {
		const char *text = gz_page_reprint_text(m->pages[i]);
		if (seen(m, i, notice, NULL) || (rest && i == most))
			continue;
		add_whole(&s, "", text ? text : "使用未注明");
		gz_buf_puts(&s, "：");
		titles_alike(&s, m, i, notice, NULL);
		print_add_block(bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	}
	if (notice && rest) {
		const char *text = gz_page_reprint_text(m->pages[most]);
		add_whole(&s, "其余稿件：", text ? text : "使用未注明");
		print_add_block(bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	}
}

/* The largest size from 7.5 pt down to 6 (legible in print, as the back
 * cover's notice) at which bs takes at most room; 0 if none. */
static double colophon_size(printer *pr, const blocks *bs, double room)
{
	double size;

	for (size = 7.5; size >= 6; size -= 0.5)
		if (print_blocks_height(pr, bs, size) <= room + 0.01)
			return size;
	return 0;
}

/* The colophon (its record of the publication, then the sources) on its
 * page, set smaller if it must be. A print shop sends back a colophon whose
 * last line or two run onto a page of their own: one that even 6 pt does
 * not hold on a page is set as large as makes it 1.8 pages, so the second
 * is well filled and what a page break wastes still fits it. */
static int place_colophon(printer *pr, const blocks *bs)
{
	double saved = pr->body_size, size = colophon_size(pr, bs, pr->f.h);
	int rc;

	if (!size)
		size = colophon_size(pr, bs, 1.8 * pr->f.h);
	pr->body_size = size ? size : 6;
	rc = print_place_blocks(pr, bs, NULL, true);
	pr->body_size = saved;
	return rc;
}

static int colophon(printer *pr, const manifest *m)
{
	const gz_photo *ph = cover_photo(m);
	gz_buf s = GZ_BUF_INIT;
	blocks bs = {0};
	size_t head;
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
	head = bs.n;
	sources(&bs, m, false);
	/* too long for its page at 7.5 pt: the notice of the most stories
	 * said of "the rest" rather than of each title */
	if (colophon_size(pr, &bs, pr->f.h) < 7.5) {
		while (bs.n > head)
			free(bs.b[--bs.n].markup);
		sources(&bs, m, true);
	}
	rc = place_colophon(pr, &bs);
	print_blocks_release(&bs);
	return rc;
}

static char *place_of(const gz_page *p)
{
	gz_buf b = GZ_BUF_INIT;
	const char *t = gz_value_str(gz_page_fm(p), "township"),
		   *v = gz_value_str(gz_page_fm(p), "village");
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
	char *title, *marked, *place;
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
	/* the opening's heading is set large: its title's line breaks hold */
	marked = print_title_marked(p);
	title = print_esc(marked);
	free(marked);
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
 * places), the title whole and as the cover sets it, the issuer, the size,
 * the site's copyright line and the titles. */
static gz_value *brochure_doc(const printer *pr, const manifest *m)
{
	gz_value *doc = print_value_clone(m->root), *titles = gz_calloc(1, sizeof(*titles));
	const gz_value *params = gz_value_get(pr->site->cfg.root, "params");
	size_t i;

	print_value_put_title(doc, m->title, m->cover_title);
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
