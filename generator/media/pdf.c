#include "media/pdf.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

struct gz_pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pango;
	gz_buf out;
	gz_pdf_opts o;
	double slug;            /* from the sheet's edge to the trim */
	int pages;
	bool open;
	cairo_t *draw;          /* where pages are drawn: cr, or a recorded page */
	cairo_surface_t **rec;  /* booklet: every page, recorded */
	size_t nrec, caprec;
	double sheet_w;         /* trim width of a sheet */
	double folds[4];        /* the open page's fold lines, x from the trim's left */
	int nfolds;
};

struct gz_pdf_text {
	int refs;
	PangoLayout *layout;
	PangoLayout *natural;   /* the same lines unjustified, or NULL */
	bool *plain;            /* per line: drawn from natural */
	int n;
	double *top, *bottom, *baseline, *x, *w; /* per line, points */
	double width;
	double rgb[3];          /* of the whole text */
};

struct gz_pdf_image {
	cairo_surface_t *s;
	int w, h;
};

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int len)
{
	gz_buf_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static int pdf_surface(gz_pdf *p, char **err)
{
	char date[40];

	p->surface = cairo_pdf_surface_create_for_stream(collect, &p->out, p->sheet_w + 2 * p->slug,
							 p->o.height + 2 * p->slug);
	if (cairo_surface_status(p->surface)) {
		*err = gz_strdup(cairo_status_to_string(cairo_surface_status(p->surface)));
		return -1;
	}
	cairo_pdf_surface_restrict_to_version(p->surface, CAIRO_PDF_VERSION_1_5);
	if (p->o.title)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, p->o.title);
	if (p->o.author)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, p->o.author);
	if (p->o.subject)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT, p->o.subject);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR,
				       p->o.creator ? p->o.creator : "gazette");
	/* a fixed date, or cairo would stamp the clock and no two runs would match */
	snprintf(date, sizeof(date), "%.10sT00:00:00+08:00", p->o.date ? p->o.date : "2000-01-01");
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_MOD_DATE, date);
	return 0;
}

int gz_pdf_new(gz_pdf **out, const gz_pdf_opts *o, char **err)
{
	gz_pdf *p = gz_calloc(1, sizeof(*p));
	cairo_font_options_t *fo;

	*out = NULL;
	p->out = (gz_buf)GZ_BUF_INIT;
	p->o = *o;
	/* crop marks sit outside the bleed, 3 mm off it, 5 mm long */
	p->slug = o->bleed + (o->marks ? 10 * GZ_PDF_MM : 0);
	p->sheet_w = o->booklet ? 2 * o->width : o->width;
	if (o->measure) {
		/* the same fonts and metrics (set on the context below), no PDF */
		p->surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	} else if (pdf_surface(p, err) < 0) {
		gz_pdf_free(p);
		return -1;
	}
	p->cr = cairo_create(p->surface);
	p->draw = p->cr;
	p->pango = pango_cairo_create_context(p->cr);
	/* sizes are points: one unit per point, not the 96 dpi of a screen */
	pango_cairo_context_set_resolution(p->pango, 72.0);
	/* outlines, not screen hinting: metrics must not depend on a pixel grid */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p->pango, fo);
	cairo_font_options_destroy(fo);
	/* pango rounds each glyph's advance to a whole unit, here a point: a
	 * 9.2 pt quote would be set on a 9 pt grid (crowded), 8.5 pt table
	 * text on a 9 pt one (loose), and a 12.5 pt column would hold a
	 * character less and be stretched */
	pango_context_set_round_glyph_positions(p->pango, FALSE);
	pango_context_set_language(p->pango, pango_language_from_string("zh-cn"));
	*out = p;
	return 0;
}

static void crop_marks(gz_pdf *p, cairo_t *cr)
{
	double W = p->sheet_w, H = p->o.height, off = p->o.bleed + 3 * GZ_PDF_MM;
	double len = 5 * GZ_PDF_MM;
	double xs[2] = {0, W}, ys[2] = {0, H};
	int i, j;

	cairo_save(cr);
	/* registration black: shows on every separation */
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.25);
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			double x = xs[i], y = ys[j], dx = i ? 1 : -1, dy = j ? 1 : -1;
			cairo_move_to(cr, x + dx * off, y);
			cairo_line_to(cr, x + dx * (off + len), y);
			cairo_move_to(cr, x, y + dy * off);
			cairo_line_to(cr, x, y + dy * (off + len));
		}
	cairo_stroke(cr);
	cairo_restore(cr);
}

/* A fold is marked like a cut, outside the bleed and clear of the crop
 * marks' corner, but dashed, so the print shop folds rather than cuts
 * there; nothing of it reaches the trim or the bleed. */
static void fold_marks(gz_pdf *p, cairo_t *cr)
{
	double H = p->o.height, off = p->o.bleed + 3 * GZ_PDF_MM, len = 5 * GZ_PDF_MM;
	static const double dash[] = {1.5, 1};
	int i;

	if (!p->nfolds)
		return;
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.25);
	cairo_set_dash(cr, dash, 2, 0);
	for (i = 0; i < p->nfolds; i++) {
		cairo_move_to(cr, p->folds[i], -off);
		cairo_line_to(cr, p->folds[i], -off - len);
		cairo_move_to(cr, p->folds[i], H + off);
		cairo_line_to(cr, p->folds[i], H + off + len);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

void gz_pdf_folds(gz_pdf *p, const double *xs, int n)
{
	assert(n >= 0 && n <= (int)(sizeof(p->folds) / sizeof(p->folds[0])));
	memcpy(p->folds, xs, (size_t)n * sizeof(*xs));
	p->nfolds = n;
}

static void close_page(gz_pdf *p)
{
	if (!p->open)
		return;
	if (p->o.booklet) {
		cairo_destroy(p->draw);
		p->draw = p->cr;
		p->open = false;
		return;
	}
	if (p->o.marks) {
		crop_marks(p, p->cr);
		fold_marks(p, p->cr);
	}
	p->nfolds = 0;
	cairo_restore(p->cr);
	cairo_show_page(p->cr);
	p->open = false;
}

int gz_pdf_page(gz_pdf *p)
{
	close_page(p);
	if (p->o.booklet) {
		/* recorded, to be placed on its sheet when all pages are known */
		GZ_GROW(p->rec, p->caprec, p->nrec + 1);
		p->rec[p->nrec++] = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
		p->draw = cairo_create(p->rec[p->nrec - 1]);
	} else {
		cairo_save(p->cr);
	}
	cairo_translate(p->draw, p->slug, p->slug);
	p->open = true;
	return ++p->pages;
}

/* Saddle stitch: sheet k carries pages n-1-2k | 2k on its front and
 * 2k+1 | n-2-2k on its back (0-based), so the folded stack reads in order. */
static void impose(gz_pdf *p)
{
	size_t n, k, side;
	double W = p->o.width, H = p->o.height, m = p->slug;

	while (p->nrec % 4) {
		GZ_GROW(p->rec, p->caprec, p->nrec + 1);
		p->rec[p->nrec++] = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
	}
	n = p->nrec;
	for (k = 0; k < n / 4; k++)
		for (side = 0; side < 2; side++) {
			size_t l = side ? 2 * k + 1 : n - 1 - 2 * k, r = side ? n - 2 - 2 * k : 2 * k;
			size_t half, pg[2] = {l, r};
			for (half = 0; half < 2; half++) {
				cairo_save(p->cr);
				cairo_translate(p->cr, m + half * W, m);
				/* the page's own bleed meets its neighbour at the spine: clip there */
				cairo_rectangle(p->cr, half ? 0 : -p->o.bleed, -p->o.bleed,
						W + p->o.bleed, H + 2 * p->o.bleed);
				cairo_clip(p->cr);
				cairo_set_source_surface(p->cr, p->rec[pg[half]], -m, -m);
				cairo_paint(p->cr);
				cairo_restore(p->cr);
			}
			if (p->o.marks) {
				cairo_save(p->cr);
				cairo_translate(p->cr, m, m);
				crop_marks(p, p->cr);
				cairo_restore(p->cr);
			}
			cairo_show_page(p->cr);
		}
}

int gz_pdf_page_count(const gz_pdf *p)
{
	return p->pages;
}

bool gz_pdf_has_font(gz_pdf *p, const char *family)
{
	PangoFontMap *map = pango_context_get_font_map(p->pango);
	PangoFontFamily **fams = NULL;
	int n = 0, i;
	bool found = false;

	pango_font_map_list_families(map, &fams, &n);
	for (i = 0; i < n && !found; i++)
		found = !g_ascii_strcasecmp(pango_font_family_get_name(fams[i]), family);
	g_free(fams);
	return found;
}

/*
 * Justification never spreads a line's characters by more than a quarter
 * of an em each: such a line (one before a long unbreakable run, say) is
 * set with its natural spacing instead, ragged at the right. Pango breaks
 * lines before it justifies them, so the unjustified copy of the layout has
 * the same lines to draw from.
 */
static void keep_natural(gz_pdf_text *t, double width, double size)
{
	PangoLayout *nat;
	const char *all = pango_layout_get_text(t->layout);
	bool any = false;
	int i;

	/* most paragraphs are Chinese, a character an em: one whose lines all
	 * hold about as many characters as the width has ems needs no check */
	for (i = 0; i < t->n - 1 && !any; i++) {
		PangoLayoutLine *a = pango_layout_get_line_readonly(t->layout, i);
		long chars = g_utf8_strlen(all + a->start_index, a->length);
		any = chars > 1 && (width - (double)chars * size) / (double)(chars - 1) > 0.25 * size;
	}
	if (!any)
		return;
	any = false;
	nat = pango_layout_copy(t->layout);
	pango_layout_set_justify(nat, FALSE);
	if (pango_layout_get_line_count(nat) != t->n) {
		g_object_unref(nat);
		return;
	}
	t->plain = gz_calloc((size_t)t->n, sizeof(bool));
	for (i = 0; i < t->n - 1; i++) {
		PangoLayoutLine *a = pango_layout_get_line_readonly(t->layout, i);
		PangoLayoutLine *b = pango_layout_get_line_readonly(nat, i);
		PangoRectangle r;
		const char *text = pango_layout_get_text(nat);
		long chars;
		double room;
		if (a->start_index != b->start_index || a->length != b->length)
			break;
		pango_layout_line_get_extents(b, NULL, &r);
		chars = g_utf8_strlen(text + b->start_index, b->length);
		room = width - (double)(r.x + r.width) / PANGO_SCALE;
		if (chars > 1 && room / (double)(chars - 1) > 0.25 * size) {
			t->plain[i] = true;
			any = true;
		}
	}
	if (any) {
		t->natural = nat;
	} else {
		g_object_unref(nat);
		free(t->plain);
		t->plain = NULL;
	}
}

gz_pdf_text *gz_pdf_text_new(gz_pdf *p, const char *markup, const gz_pdf_style *st, double width,
			     char **err)
{
	gz_pdf_text *t;
	PangoFontDescription *fd;
	PangoLayoutIter *it;
	GError *gerr = NULL;
	PangoAttrList *attrs = NULL;
	char *text = NULL;
	double lead = st->leading > 0 ? st->leading : 1.6;
	int i;

	*err = NULL;
	if (!pango_parse_markup(markup, -1, 0, &attrs, &text, NULL, &gerr)) {
		*err = gz_strdup(gerr ? gerr->message : "bad markup");
		if (gerr)
			g_error_free(gerr);
		return NULL;
	}
	t = gz_calloc(1, sizeof(*t));
	t->refs = 1;
	if (st->colored) {
		memcpy(t->rgb, st->rgb, sizeof(t->rgb));
	} else {
		t->rgb[0] = t->rgb[1] = t->rgb[2] = 0.1;
	}
	t->layout = pango_layout_new(p->pango);
	pango_layout_set_text(t->layout, text, -1);
	pango_layout_set_attributes(t->layout, attrs);
	pango_attr_list_unref(attrs);
	g_free(text);
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, st->family ? st->family : "Noto Serif CJK SC");
	pango_font_description_set_size(fd, (gint)(st->size * PANGO_SCALE));
	pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(t->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(t->layout, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(t->layout, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_line_spacing(t->layout, (float)lead);
	pango_layout_set_indent(t->layout, (int)(st->indent * PANGO_SCALE));
	if (st->tab > 0) {
		PangoTabArray *tabs = pango_tab_array_new_with_positions(
			1, FALSE, PANGO_TAB_LEFT, (int)(st->tab * PANGO_SCALE));
		pango_layout_set_tabs(t->layout, tabs);
		pango_tab_array_free(tabs);
	}
	pango_layout_set_justify(t->layout, st->align == GZ_PDF_JUSTIFY);
	pango_layout_set_alignment(t->layout, st->align == GZ_PDF_CENTER  ? PANGO_ALIGN_CENTER
					      : st->align == GZ_PDF_RIGHT ? PANGO_ALIGN_RIGHT
									  : PANGO_ALIGN_LEFT);
	t->n = pango_layout_get_line_count(t->layout);
	t->top = gz_calloc((size_t)t->n + 1, sizeof(double));
	t->bottom = gz_calloc((size_t)t->n + 1, sizeof(double));
	t->baseline = gz_calloc((size_t)t->n + 1, sizeof(double));
	t->x = gz_calloc((size_t)t->n + 1, sizeof(double));
	t->w = gz_calloc((size_t)t->n + 1, sizeof(double));
	it = pango_layout_get_iter(t->layout);
	i = 0;
	do {
		PangoRectangle logical;
		int y0, y1;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		t->top[i] = (double)y0 / PANGO_SCALE;
		t->bottom[i] = (double)y1 / PANGO_SCALE;
		t->baseline[i] = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		t->x[i] = (double)logical.x / PANGO_SCALE;
		t->w[i] = (double)logical.width / PANGO_SCALE;
		if ((double)(logical.x + logical.width) / PANGO_SCALE > t->width)
			t->width = (double)(logical.x + logical.width) / PANGO_SCALE;
		i++;
	} while (i < t->n && pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (st->align == GZ_PDF_JUSTIFY && t->n > 1)
		keep_natural(t, width, st->size);
	/* the last line has no spacing below it in pango; give it the same as
	 * the rest: lead times the line's own height (the font's ascent and
	 * descent, about 1.45 em for Noto CJK), as pango spaces the others, so
	 * a one-line paragraph is followed by the same pitch as a longer one */
	if (t->n > 1)
		t->bottom[t->n - 1] = t->top[t->n - 1] + (t->top[1] - t->top[0]);
	else if (t->n == 1)
		t->bottom[0] = t->top[0] + (t->bottom[0] - t->top[0]) * lead;
	return t;
}

gz_pdf_text *gz_pdf_text_ref(gz_pdf_text *t)
{
	t->refs++;
	return t;
}

void gz_pdf_text_free(gz_pdf_text *t)
{
	if (!t || --t->refs > 0)
		return;
	g_object_unref(t->layout);
	if (t->natural)
		g_object_unref(t->natural);
	free(t->plain);
	free(t->top);
	free(t->bottom);
	free(t->baseline);
	free(t->x);
	free(t->w);
	free(t);
}

int gz_pdf_text_lines(const gz_pdf_text *t)
{
	return t->n;
}

double gz_pdf_text_top(const gz_pdf_text *t, int i)
{
	return t->top[i];
}

double gz_pdf_text_bottom(const gz_pdf_text *t, int i)
{
	return t->bottom[i];
}

double gz_pdf_text_height(const gz_pdf_text *t)
{
	return t->n ? t->bottom[t->n - 1] : 0;
}

double gz_pdf_text_line_width(const gz_pdf_text *t, int i)
{
	return t->w[i];
}

size_t gz_pdf_text_line_start(const gz_pdf_text *t, int i)
{
	const char *text = pango_layout_get_text(t->layout);
	PangoLayoutLine *line = pango_layout_get_line_readonly(t->layout, i);

	return line ? (size_t)g_utf8_pointer_to_offset(text, text + line->start_index) : 0;
}

double gz_pdf_text_width(const gz_pdf_text *t)
{
	return t->width;
}

void gz_pdf_text_draw(gz_pdf *p, const gz_pdf_text *t, double x, double y, int first, int n)
{
	int i;

	if (p->o.measure)
		return;
	cairo_save(p->draw);
	cairo_set_source_rgb(p->draw, t->rgb[0], t->rgb[1], t->rgb[2]);
	for (i = first; i < first + n && i < t->n; i++) {
		PangoLayoutLine *line = pango_layout_get_line_readonly(
			t->plain && t->plain[i] ? t->natural : t->layout, i);
		cairo_move_to(p->draw, x + t->x[i], y + t->baseline[i] - t->top[first]);
		pango_cairo_show_layout_line(p->draw, line);
	}
	cairo_restore(p->draw);
}

gz_pdf_image *gz_pdf_image_new(gz_pdf *p, const void *jpeg, size_t len, int w, int h)
{
	gz_pdf_image *im = gz_calloc(1, sizeof(*im));
	void *copy = gz_malloc(len);

	(void)p;
	memcpy(copy, jpeg, len);
	/* The pixels are never read: the PDF backend embeds the JPEG itself,
	 * an image in the unit square like every PDF image. So the surface is
	 * one pixel, scaled to the placed size when drawn: cairo copies a
	 * drawn surface's pixels when it is destroyed (copy-on-write for its
	 * snapshots), and w×h black pixels cost 5 MB and 3 ms a photo. */
	im->s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
	cairo_surface_set_mime_data(im->s, CAIRO_MIME_TYPE_JPEG, copy, len, free, copy);
	im->w = w;
	im->h = h;
	return im;
}

void gz_pdf_image_free(gz_pdf_image *im)
{
	if (!im)
		return;
	cairo_surface_destroy(im->s);
	free(im);
}

void gz_pdf_image_draw(gz_pdf *p, gz_pdf_image *im, double x, double y, double w, double h,
		       bool cover)
{
	double sx = w / im->w, sy = h / im->h, s = cover ? (sx > sy ? sx : sy) : (sx < sy ? sx : sy);
	double dw = im->w * s, dh = im->h * s;

	if (p->o.measure)
		return;
	cairo_save(p->draw);
	cairo_rectangle(p->draw, x, y, w, h);
	cairo_clip(p->draw);
	cairo_translate(p->draw, x + (w - dw) / 2, y + (h - dh) / 2);
	cairo_scale(p->draw, dw, dh);
	cairo_set_source_surface(p->draw, im->s, 0, 0);
	cairo_paint(p->draw);
	cairo_restore(p->draw);
}

void gz_pdf_rect(gz_pdf *p, double x, double y, double w, double h, double r, double g, double b)
{
	if (p->o.measure)
		return;
	cairo_save(p->draw);
	cairo_set_source_rgb(p->draw, r, g, b);
	cairo_rectangle(p->draw, x, y, w, h);
	cairo_fill(p->draw);
	cairo_restore(p->draw);
}

void gz_pdf_frame(gz_pdf *p, double x, double y, double w, double h, double lw, double r,
		  double g, double b)
{
	if (p->o.measure)
		return;
	cairo_save(p->draw);
	cairo_set_source_rgb(p->draw, r, g, b);
	cairo_set_line_width(p->draw, lw);
	cairo_rectangle(p->draw, x, y, w, h);
	cairo_stroke(p->draw);
	cairo_restore(p->draw);
}

void gz_pdf_rule(gz_pdf *p, double x0, double y0, double x1, double y1, double lw, double gray)
{
	gz_pdf_line(p, x0, y0, x1, y1, lw, gray, gray, gray);
}

void gz_pdf_line(gz_pdf *p, double x0, double y0, double x1, double y1, double lw, double r,
		 double g, double b)
{
	if (p->o.measure)
		return;
	cairo_save(p->draw);
	cairo_set_source_rgb(p->draw, r, g, b);
	cairo_set_line_width(p->draw, lw);
	cairo_move_to(p->draw, x0, y0);
	cairo_line_to(p->draw, x1, y1);
	cairo_stroke(p->draw);
	cairo_restore(p->draw);
}

void gz_pdf_qr(gz_pdf *p, const unsigned char *dark, int size, double x, double y, double w)
{
	double m = w / size;
	int i, j;

	if (p->o.measure)
		return;
	cairo_save(p->draw);
	cairo_set_source_rgb(p->draw, 0, 0, 0);
	for (i = 0; i < size; i++)
		for (j = 0; j < size; j++)
			if (dark[i * size + j])
				cairo_rectangle(p->draw, x + j * m, y + i * m, m, m);
	/* one fill: adjacent modules join without hairline seams */
	cairo_fill(p->draw);
	cairo_restore(p->draw);
}

/* A text put into cairo's PDF at a byte offset. */
typedef struct {
	size_t at;
	const char *text;
} insertion;

static int cmp_insertion(const void *a, const void *b)
{
	const insertion *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/* The Info dictionary's dates: cairo 1.16 writes "(20191230000000+08'00)",
 * without the "D:" that the PDF standard puts before a date, and that
 * preflight checks (a print shop's) report as a broken date. */
static size_t date_insertions(const char *o, size_t n, size_t base, insertion *ins)
{
	static const char *const keys[] = {"/CreationDate (", "/ModDate ("};
	size_t k, found = 0;

	for (k = 0; k < 2; k++) {
		const char *d = memmem(o, n, keys[k], strlen(keys[k]));
		if (d && d + strlen(keys[k]) + 2 <= o + n && strncmp(d + strlen(keys[k]), "D:", 2)) {
			ins[found].at = base + (size_t)(d - o) + strlen(keys[k]);
			ins[found++].text = "D:";
		}
	}
	return found;
}

/*
 * cairo writes a classic cross-reference table, so text can be added to
 * its objects afterwards: the boxes to each page dictionary, after its
 * MediaBox, and "D:" to the dates; every object offset behind an
 * insertion moves by what was inserted.
 */
static int add_boxes(gz_pdf *p, gz_buf *res)
{
	const char *s = p->out.ptr, *sx, *xref, *e;
	size_t len = p->out.len, nobj, i, *off = NULL, nins = 0, pos = 0, shift;
	insertion *ins = NULL;
	char box[200];
	double m = p->slug, b = p->o.bleed, W = p->sheet_w, H = p->o.height;
	long startxref;

	/* PDF y runs up from the bottom; the trim is centred on the sheet */
	snprintf(box, sizeof(box), " /TrimBox [ %.4f %.4f %.4f %.4f ] /BleedBox [ %.4f %.4f %.4f %.4f ]",
		 m, m, m + W, m + H, m - b, m - b, m + W + b, m + H + b);
	sx = memmem(s + (len > 64 ? len - 64 : 0), len > 64 ? 64 : len, "startxref", 9);
	if (!sx)
		return -1;
	startxref = strtol(sx + 9, NULL, 10);
	if (startxref <= 0 || (size_t)startxref >= len || strncmp(s + startxref, "xref", 4))
		return -1;
	xref = s + startxref;
	e = strchr(xref + 5, '\n');
	if (!e || strtol(xref + 5, NULL, 10) != 0)
		return -1;
	nobj = strtoul(strchr(xref + 5, ' ') + 1, NULL, 10);
	if (!nobj || (size_t)(s + len - (e + 1)) < nobj * 20)
		return -1;
	off = gz_calloc(nobj, sizeof(size_t));
	/* one box a page, and the two dates */
	ins = gz_calloc(nobj + 2, sizeof(*ins));
	for (i = 0; i < nobj; i++)
		off[i] = strtoul(e + 1 + i * 20, NULL, 10);
	for (i = 1; i < nobj; i++) {
		const char *o = s + off[i], *end, *mb, *close;
		if (off[i] >= (size_t)startxref)
			continue;
		end = memmem(o, (size_t)startxref - off[i], "endobj", 6);
		if (!end)
			continue;
		/* a dictionary: look no further than a stream's start */
		mb = memmem(o, (size_t)(end - o), "stream", 6);
		if (mb)
			end = mb;
		if (nins <= nobj && memmem(o, (size_t)(end - o), "/CreationDate (", 15)) {
			nins += date_insertions(o, (size_t)(end - o), off[i], ins + nins);
			continue;
		}
		if (!memmem(o, (size_t)(end - o), "/Type /Page\n", 12) &&
		    !memmem(o, (size_t)(end - o), "/Type /Page ", 12))
			continue;
		mb = memmem(o, (size_t)(end - o), "/MediaBox [", 11);
		if (!mb)
			continue;
		close = memchr(mb, ']', (size_t)(end - mb));
		if (!close)
			continue;
		ins[nins].at = (size_t)(close + 1 - s);
		ins[nins++].text = box;
	}
	qsort(ins, nins, sizeof(*ins), cmp_insertion);
	for (i = 0; i < nins; i++) {
		gz_buf_add(res, s + pos, ins[i].at - pos);
		gz_buf_puts(res, ins[i].text);
		pos = ins[i].at;
	}
	gz_buf_add(res, s + pos, (size_t)startxref - pos);
	gz_buf_printf(res, "xref\n0 %zu\n", nobj);
	for (i = 0; i < nobj; i++) {
		const char *entry = e + 1 + i * 20;
		size_t k;
		shift = 0;
		for (k = 0; k < nins; k++)
			if (ins[k].at <= off[i])
				shift += strlen(ins[k].text);
		if (entry[17] == 'n')
			gz_buf_printf(res, "%010zu 00000 n \n", off[i] + shift);
		else
			gz_buf_add(res, entry, 20);
	}
	shift = 0;
	for (i = 0; i < nins; i++)
		shift += strlen(ins[i].text);
	{
		const char *trailer = e + 1 + nobj * 20;
		const char *sx2 = memmem(trailer, (size_t)(s + len - trailer), "startxref", 9);
		gz_buf_add(res, trailer, (size_t)(sx2 - trailer));
		gz_buf_printf(res, "startxref\n%zu\n%%%%EOF\n", (size_t)startxref + shift);
	}
	free(off);
	free(ins);
	return 0;
}

int gz_pdf_finish(gz_pdf *p, char **data, size_t *len, char **err)
{
	gz_buf res = GZ_BUF_INIT;
	cairo_status_t st;

	*data = NULL;
	*len = 0;
	if (p->o.measure) {
		*err = gz_strdup(_("a measuring document has no PDF"));
		return -1;
	}
	close_page(p);
	if (p->o.booklet)
		impose(p);
	cairo_surface_finish(p->surface);
	st = cairo_surface_status(p->surface);
	if (st) {
		*err = gz_strdup(cairo_status_to_string(st));
		return -1;
	}
	if (add_boxes(p, &res) < 0) {
		gz_buf_release(&res);
		*err = gz_strdup(_("cannot add TrimBox and BleedBox: unexpected PDF from cairo"));
		return -1;
	}
	*data = gz_buf_detach(&res, len);
	return 0;
}

void gz_pdf_free(gz_pdf *p)
{
	size_t i;

	if (!p)
		return;
	if (p->draw && p->draw != p->cr)
		cairo_destroy(p->draw);
	for (i = 0; i < p->nrec; i++)
		cairo_surface_destroy(p->rec[i]);
	free(p->rec);
	if (p->pango)
		g_object_unref(p->pango);
	if (p->cr)
		cairo_destroy(p->cr);
	if (p->surface)
		cairo_surface_destroy(p->surface);
	gz_buf_release(&p->out);
	free(p);
}
