/*
 * Text: styles, laying out with pango (once per PDF for each markup,
 * style and width), Chinese punctuation, where web addresses break, and
 * flowing through frames.
 */
#include "print/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/text.h"
#include "load/pagefm.h"

void print_style(gz_pdf_style *st, const printer *pr, bool head, double size)
{
	memset(st, 0, sizeof(*st));
	st->family = head ? pr->head_font : pr->text_font;
	st->size = size;
	st->bold = head;
	st->align = head ? GZ_PDF_LEFT : GZ_PDF_JUSTIFY;
	st->leading = head ? 1.35 : pr->leading;
	st->colored = true;
	memcpy(st->rgb, pr->ink, sizeof(st->rgb));
}

double print_floor(const printer *pr, double size)
{
	/* a size down marks a caption or a table apart for a reader who reads
	 * small type; a leaflet's readers may not, and their floor wins */
	return size > pr->least_size ? size : pr->least_size;
}

/* Full-width punctuation by its place (clreq): marks that close or end a
 * clause, and marks that open. */
static const char *const closing[] = {"。", "，", "、", "；", "：", "？", "！", "”", "’",
				      "）", "》", "」", "』", "】", NULL};
static const char *const opening[] = {"“", "‘", "（", "《", "「", "『", "【", NULL};

/* The length of the mark of set at p, or 0. */
static size_t mark_at(const char *p, const char *const *set)
{
	size_t i;

	for (i = 0; set[i]; i++)
		if (!strncmp(p, set[i], strlen(set[i])))
			return strlen(set[i]);
	return 0;
}

size_t print_text_end(const char *m)
{
	size_t n = m ? strlen(m) : 0;

	while (n > 0 && m[n - 1] == '>') { /* closing tags */
		const char *open = memrchr(m, '<', n);
		if (!open)
			break;
		n = (size_t)(open - m);
	}
	return n;
}

bool print_ends_closing(const char *m)
{
	size_t n = print_text_end(m);

	return n >= 3 && mark_at(m + n - 3, closing) == 3;
}

char *gz_print_cjk_markup(const char *m, size_t *pairs)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p;
	bool any = false;

	for (p = m; *p; p++) {
		size_t c = mark_at(p, closing), o = c ? 0 : mark_at(p, opening);
		if (*p == '<' || *p == '&') {
			/* tags and entities pass as they are */
			const char *e = strchr(p, *p == '<' ? '>' : ';');
			size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
			/* a note's mark keeps to the word it marks: a word joiner
			 * (no glyph, nothing copied) before it, or a line may
			 * start with the raised number alone */
			if (p > m && !strncmp(p, "<sup>", 5)) {
				gz_buf_puts(&b, "\xe2\x81\xa0");
				any = true;
			}
			gz_buf_add(&b, p, n);
			p += n - 1;
			continue;
		}
		if (!c && !o) {
			gz_buf_putc(&b, *p);
			continue;
		}
		any = true;
		/* a break may come before an opening quote … */
		if (o && p > m && (!strncmp(p, "“", 3) || !strncmp(p, "‘", 3)) &&
		    !((size_t)(p - m) >= 3 && mark_at(p - 3, opening)))
			gz_buf_puts(&b, "\xe2\x80\x8b");
		/* … and a closing mark before another mark gives up its empty
		 * half: the font's own half-width form of it (OpenType "halt"),
		 * which keeps the mark where it sits; a negative letter spacing
		 * would move the mark half into the character before it */
		if (c && (mark_at(p + c, closing) || mark_at(p + c, opening))) {
			gz_buf_puts(&b, "<span font_features=\"halt\">");
			gz_buf_add(&b, p, c);
			gz_buf_puts(&b, "</span>");
			if (pairs)
				(*pairs)++;
		} else {
			gz_buf_add(&b, p, c ? c : o);
		}
		/* … and after a closing quote */
		if (c && (!strncmp(p, "”", 3) || !strncmp(p, "’", 3)) && p[c] && p[c] != '<' &&
		    !mark_at(p + c, closing))
			gz_buf_puts(&b, "\xe2\x80\x8b");
		p += (c ? c : o) - 1;
	}
	if (!any) {
		gz_buf_release(&b);
		return NULL;
	}
	return gz_buf_detach(&b, NULL);
}

static gz_pdf_text *lay_out(printer *pr, const char *markup, const gz_pdf_style *st, double width)
{
	char *err = NULL, *cjk = gz_print_cjk_markup(markup, NULL);
	gz_pdf_text *t = gz_pdf_text_new(pr->pdf, cjk ? cjk : markup, st, width, &err);

	free(cjk);
	if (!t) {
		/* markup from a shortcode pango cannot read: fall back to its text */
		gz_buf plain = GZ_BUF_INIT;
		const char *s;
		free(err);
		for (s = markup; *s; s++) {
			if (*s == '<') {
				const char *e = strchr(s, '>');
				if (!e)
					break;
				s = e;
				continue;
			}
			if (*s == '&' && strncmp(s, "&amp;", 5) && strncmp(s, "&lt;", 4) &&
			    strncmp(s, "&gt;", 4) && strncmp(s, "&quot;", 6) && strncmp(s, "&#", 2))
				gz_buf_puts(&plain, "&amp;");
			else
				gz_buf_putc(&plain, *s);
		}
		t = gz_pdf_text_new(pr->pdf, plain.ptr, st, width, &err);
		gz_buf_release(&plain);
		if (!t) {
			free(err);
			t = gz_pdf_text_new(pr->pdf, "", st, width, &err);
		}
	}
	return t;
}

/* markup laid out at width in style st (free with gz_pdf_text_free): once
 * per brochure, the second time from the memo */
gz_pdf_text *print_text(printer *pr, const char *markup, const gz_pdf_style *st, double width)
{
	gz_buf key = GZ_BUF_INIT;
	gz_pdf_text *t;

	gz_buf_printf(&key, "%s|%a|%d|%d|%a|%a|%a|%d|%a|%a|%a|%a|", st->family ? st->family : "",
		      st->size, st->bold, (int)st->align, st->leading, st->indent, st->tab,
		      st->colored, st->rgb[0], st->rgb[1], st->rgb[2], width);
	gz_buf_puts(&key, markup);
	t = gz_map_get(&pr->texts, key.ptr);
	if (t) {
		gz_buf_release(&key);
		return gz_pdf_text_ref(t);
	}
	t = lay_out(pr, markup, st, width);
	gz_strlist_take(&pr->text_keys, gz_buf_detach(&key, NULL));
	gz_map_put(&pr->texts, pr->text_keys.items[pr->text_keys.n - 1], gz_pdf_text_ref(t));
	return t;
}

/* A heading's layout for gz_text_balance: the printer's, memoized. */
typedef struct {
	printer *pr;
	const gz_pdf_style *st;
} head_layout;

static int head_lines(const char *markup, double width, double *last, size_t *starts, int max,
		      void *payload)
{
	head_layout *h = payload;
	gz_pdf_text *t = print_text(h->pr, markup, h->st, width);
	int n = gz_pdf_text_lines(t), i;

	*last = n ? gz_pdf_text_line_width(t, n - 1) : 0;
	for (i = 0; starts && i < max && i < n; i++)
		starts[i] = gz_pdf_text_line_start(t, i);
	gz_pdf_text_free(t);
	return n;
}

/* A heading laid out as a typesetter would, its lines balanced
 * (gz_text_balance), as the Lua layouts' text(…, {balance = true}) does. */
gz_pdf_text *print_head_text(printer *pr, const char *markup, const gz_pdf_style *st, double width)
{
	head_layout h = {pr, st};
	gz_text_balanced b;
	gz_pdf_text *t;

	gz_text_balance(&b, markup, width, head_lines, &h);
	t = print_text(pr, b.markup ? b.markup : markup, st, b.width);
	free(b.markup);
	return t;
}

/* Where a web address may break, as The Chicago Manual of Style has it:
 * after a slash (a double one whole), before a mark that starts its next
 * part, before or after = and &. A break there needs no hyphen, which
 * would read as part of the address. The host name stays whole (a reader
 * types it as one word; split at a dot it reads as two), and so do the
 * last few characters, which alone on a line look like a stray word. */
static const char url_before[] = ".,-_?#%~=&";
static const char url_after[] = "/=&";

/* The length of the address's character at p in markup (an entity
 * whole), 0 at its end: a space, a tag, anything not ASCII (a Chinese
 * mark after it). *c is the character ('&' for &amp;, 0 for another
 * entity, which is no place to break). */
static size_t url_char(const char *p, char *c)
{
	const char *e;

	if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x80 || *p == '<' || *p == '"')
		return 0;
	*c = *p;
	if (*p != '&')
		return 1;
	e = strchr(p, ';');
	if (!e || e - p > 8)
		return 0;
	*c = !strncmp(p, "&amp;", 5) ? '&' : 0;
	return (size_t)(e - p) + 1;
}

/* Where the address at p ends: at its end in url_char's sense, less the
 * marks a sentence puts after it ("… https://a.cn/x." ends at the x). */
static const char *url_end(const char *p)
{
	const char *e = p, *last = p;
	char c = 0;
	size_t n;

	for (n = url_char(e, &c); n; e += n, n = url_char(e, &c))
		if (!c || !strchr(".,:;!?)'", c))
			last = e + n;
	return last;
}

/* The address from p to end into out, a zero-width space where a break
 * may come: pango breaks after it, and it neither shows nor takes room
 * (nor comes out of the PDF's text). Pango would break after a '-' or a
 * '?' as well, where the mark would read as a hyphen or the end of a
 * question: a mark to break before is held to what follows it. */
static void put_url(gz_buf *out, const char *p, const char *end)
{
	const char *host = strstr(p, "//") + 2, *path;
	bool after = false, held = false;
	size_t n;
	char c = 0;

	for (path = host; path < end && !strchr("/?#", *path); path++)
		;
	/* and no hyphen at a break: pango may add one inside a word */
	gz_buf_puts(out, "<span insert_hyphens=\"false\">");
	for (; p < end && (n = url_char(p, &c)); p += n) {
		bool before = c && strchr(url_before, c);
		if ((after || before) && !held && (p <= host || p >= path) && end - p >= 4)
			gz_buf_puts(out, "\xe2\x80\x8b");
		if (held) {
			gz_buf_add(out, p, n);
			gz_buf_puts(out, "</span>");
			held = false;
		} else {
			held = before && !strchr(url_after, c) && p + n < end;
			if (held)
				gz_buf_puts(out, "<span allow_breaks=\"false\">");
			gz_buf_add(out, p, n);
		}
		after = c && strchr(url_after, c) && !(c == '/' && p[n] == '/');
	}
	if (held)
		gz_buf_puts(out, "</span>");
	gz_buf_puts(out, "</span>");
}

void print_url_breaks(gz_buf *out, const char *m)
{
	const char *p = m, *end;

	while (*p) {
		if (*p == '<') {
			const char *e = strchr(p, '>');
			size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
			gz_buf_add(out, p, n);
			p += n;
			continue;
		}
		if ((strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) ||
		    (p > m && ((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z')))) {
			gz_buf_putc(out, *p++);
			continue;
		}
		end = url_end(p);
		put_url(out, p, end);
		p = end;
	}
}

void print_escape(gz_buf *b, const char *s)
{
	if (s)
		gz_buf_add_html(b, s, strlen(s));
}

char *print_esc(const char *s)
{
	gz_buf b = GZ_BUF_INIT;
	print_escape(&b, s);
	return gz_buf_detach(&b, NULL);
}

char *print_title_marked(const gz_page *p)
{
	const char *title = gz_value_str(gz_page_fm(p), "title");

	return gz_text_title_marked(title ? title : p->title ? p->title : "");
}

/* Draw a one-off text box; returns its height. */
double print_text_box(printer *pr, const char *markup, bool head, double size, gz_pdf_align al,
		       double x, double y, double w)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	double h;

	print_style(&st, pr, head, size);
	st.align = al;
	t = head ? print_head_text(pr, markup, &st, w) : print_text(pr, markup, &st, w);
	gz_pdf_text_draw(pr->pdf, t, x, y, 0, gz_pdf_text_lines(t));
	h = gz_pdf_text_height(t);
	gz_pdf_text_free(t);
	return h;
}

int print_next_frame(printer *pr)
{
	int rc = pr->next(pr);
	pr->y = pr->f.y;
	pr->fresh = true;
	if (rc == 0 && pr->nfloats && !pr->in_floats)
		rc = print_set_floats(pr);
	return rc;
}

/* Lines of t from line first that fit below y in the frame. */
static int fitting(const printer *pr, const gz_pdf_text *t, int first)
{
	int n = gz_pdf_text_lines(t), k = first;
	double base = gz_pdf_text_top(t, first);
	while (k < n && pr->y + gz_pdf_text_bottom(t, k) - base <= pr->f.y + pr->f.h + 0.01)
		k++;
	return k - first;
}

/* Flow a laid-out text at x offset dx, breaking between lines: never one
 * line alone at the foot of a frame (orphan) or the head of the next (widow). */
int print_flow_text(printer *pr, const gz_pdf_text *t, double dx, double before)
{
	int n = gz_pdf_text_lines(t), first = 0;

	if (!pr->fresh)
		pr->y += before;
	while (first < n) {
		int k = fitting(pr, t, first), left = n - first;
		if (k < left) {
			if (left - k < 2 && left >= 3)
				k = left - 2;        /* widow: carry one more line over */
			if (k < 2 && left >= 2)
				k = 0;               /* orphan: start on the next frame */
			if (k == 0 && pr->fresh)
				k = fitting(pr, t, first) ? fitting(pr, t, first) : 1; /* taller than a frame */
		}
		if (k > 0) {
			double base = gz_pdf_text_top(t, first);
			gz_pdf_text_draw(pr->pdf, t, pr->f.x + dx, pr->y, first, k);
			pr->y += gz_pdf_text_bottom(t, first + k - 1) - base;
			pr->fresh = false;
			first += k;
		}
		if (first < n && print_next_frame(pr) < 0)
			return -1;
	}
	return 0;
}

/* Make sure h points are free in the frame (move on if not). */
int print_need(printer *pr, double h)
{
	if (pr->fresh || pr->y + h <= pr->f.y + pr->f.h + 0.01)
		return 0;
	if (print_next_frame(pr) < 0)
		return -1;
	/* the photos floated to the new frame may have left too little room */
	if (!pr->fresh && pr->y + h > pr->f.y + pr->f.h + 0.01)
		return print_next_frame(pr);
	return 0;
}
