#include "print/print.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "lua/theme.h"
#include "write/cache.h"
#include "load/doc.h"
#include "lua/script.h"
#include "base/hash.h"
#include "media/image.h"
#include "media/pdf.h"
#include "base/pool.h"
#include "print/printcache.h"
#include "lua/printlua.h"
#include "media/qr.h"
#include "load/yaml.h"

#define MM GZ_PDF_MM
#define SERIF "Noto Serif CJK SC"
#define SANS "Noto Sans CJK SC"

/* ---- the body as blocks, from the page's block list (doc.h) ---- */

typedef enum {
	B_PARA, B_HEAD, B_ITEM, B_QUOTE, B_ATTRIB, B_CODE, B_TABLE, B_IMAGE, B_RULE, B_BOX,
	B_BOX_END, B_LINK
} btype;

typedef struct {
	btype type;
	int level;              /* heading level; list depth for items */
	char *markup;           /* pango markup (a box: its title; a link: its label) */
	char *marker;           /* "•", "1." (items; "" for a later paragraph) */
	char *url;              /* links */
	char **cells;           /* tables: rows*cols markup */
	int rows, cols;
	const gz_photo *photo;  /* images */
} block;

typedef struct {
	block *b;
	size_t n, cap;
} blocks;

static block *add_block(blocks *bs, btype t)
{
	block *b;
	GZ_GROW(bs->b, bs->cap, bs->n + 1);
	b = &bs->b[bs->n++];
	memset(b, 0, sizeof(*b));
	b->type = t;
	return b;
}

static void blocks_release(blocks *bs)
{
	size_t i;
	int k;
	for (i = 0; i < bs->n; i++) {
		free(bs->b[i].markup);
		free(bs->b[i].marker);
		free(bs->b[i].url);
		for (k = 0; k < bs->b[i].rows * bs->b[i].cols; k++)
			free(bs->b[i].cells[k]);
		free(bs->b[i].cells);
	}
	free(bs->b);
	memset(bs, 0, sizeof(*bs));
}

/* The page's blocks for print: those of every output and those of print
 * alone. */
static void doc_blocks(blocks *out, const gz_page *page)
{
	gz_doc_reader r;
	gz_doc_block d;

	gz_doc_reader_init(&r, page->doc);
	while (gz_doc_next(&r, &d)) {
		const char *f0 = d.nfields ? d.fields[0] : "";
		block *b;
		size_t i;
		if (d.target == 't')
			continue;
		switch (d.kind) {
		case GZ_DOC_PARA:
			add_block(out, B_PARA)->markup = gz_strdup(f0);
			break;
		case GZ_DOC_HEAD:
			b = add_block(out, B_HEAD);
			b->markup = gz_strdup(f0);
			b->level = d.num;
			break;
		case GZ_DOC_ITEM:
			b = add_block(out, B_ITEM);
			b->marker = gz_strdup(f0);
			b->markup = gz_strdup(d.nfields > 1 ? d.fields[1] : "");
			b->level = d.num;
			break;
		case GZ_DOC_QUOTE:
			add_block(out, B_QUOTE)->markup = gz_strdup(f0);
			break;
		case GZ_DOC_ATTRIB:
			add_block(out, B_ATTRIB)->markup = gz_strdup(f0);
			break;
		case GZ_DOC_CODE: {
			gz_buf m = GZ_BUF_INIT;
			gz_buf_puts(&m, "<tt>");
			gz_doc_escape(&m, f0, strlen(f0));
			while (m.len > 4 && m.ptr[m.len - 1] == '\n')
				m.ptr[--m.len] = '\0';
			gz_buf_puts(&m, "</tt>");
			add_block(out, B_CODE)->markup = gz_buf_detach(&m, NULL);
			break;
		}
		case GZ_DOC_TABLE:
			b = add_block(out, B_TABLE);
			b->cols = d.num > 0 ? d.num : 1;
			b->rows = (int)((d.nfields + (size_t)b->cols - 1) / (size_t)b->cols);
			b->cells = gz_calloc((size_t)(b->rows * b->cols) + 1, sizeof(char *));
			for (i = 0; i < d.nfields; i++)
				b->cells[i] = gz_strdup(d.fields[i]);
			if (!b->rows)
				out->n--;
			break;
		case GZ_DOC_IMAGE:
			if (d.num >= 0 && (size_t)d.num < page->nimages && page->images[d.num].file)
				add_block(out, B_IMAGE)->photo = &page->images[d.num];
			else if (*f0) /* a picture print cannot fetch: what it shows */
				add_block(out, B_PARA)->markup = gz_strdup(f0);
			break;
		case GZ_DOC_RULE:
			add_block(out, B_RULE);
			break;
		case GZ_DOC_BOX:
			add_block(out, B_BOX)->markup = gz_strdup(f0);
			break;
		case GZ_DOC_BOX_END:
			add_block(out, B_BOX_END);
			break;
		case GZ_DOC_LINK:
			b = add_block(out, B_LINK);
			b->url = gz_strdup(f0);
			b->markup = gz_strdup(d.nfields > 1 ? d.fields[1] : "");
			break;
		}
	}
	gz_doc_reader_release(&r);
}

/* ---- typesetting ---- */

#define PRINT_QUALITY 85        /* of the photos' JPEG copies */

typedef struct {
	double x, y, w, h;      /* a frame text flows into */
} frame;

typedef struct {
	gz_pdf_image *im;       /* for the current document */
	void *jpeg;
	size_t len;
	int w, h;               /* of the JPEG */
	int ow, oh;             /* of the original */
	bool bad;
	int want_w, want_h;     /* pixels of the print copy, from its first placement */
	char *where;            /* that placement, for messages */
	int line, col;
	bool failed;            /* making the copy failed (set by a copier thread) */
	bool queued;            /* asked of the copier threads */
	bool done;              /* made by them (under copier.lock) */
	bool ready;             /* seen done by the typesetting thread */
	const char *file;       /* the key in printer.images */
} print_image;

/* Print copies being made on other threads during the first pass. */
typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t more;    /* another copy asked for, or no more will be */
	pthread_cond_t made;    /* a copy was made */
	pthread_t *threads;
	int nthreads;
	bool running, closed;
	print_image **items;    /* asked for, in order */
	const char **files;
	size_t n, cap, next;
} copier;

typedef struct printer printer;
struct printer {
	gz_pdf *pdf;
	const gz_site *site;
	gz_source *src;
	gz_diag *d;
	const gz_print_opts *o;
	double W, H;            /* trim */
	double top, bottom, inner, outer;
	frame f;                /* the current frame */
	double y;               /* next free y in it */
	bool fresh;             /* nothing placed in the frame yet */
	int (*next)(printer *pr); /* move to the next frame; -1: no room left */
	/* brochure running heads */
	const char *head_even, *head_odd;
	bool heads;
	/* leaflet panels */
	frame *panels;
	size_t npanels, panel;
	int panel_page;         /* page the next panel is on */
	const char *path;       /* manifest or leaflet, for messages */
	const char *cover_file; /* the brochure's cover photo, not printed again */
	/* photos that did not fit where they stand: set at the top of the next
	 * frame while the text goes on filling this one (as LaTeX floats) */
	struct {
		const gz_photo *ph;
		const char *where;
		double frac;
	} floats[8];
	size_t nfloats;
	bool in_floats;
	gz_print_used *used;    /* what the PDF is made from (or NULL) */
	gz_map images;          /* source path → print_image (cached for both passes) */
	gz_strlist image_keys;
	int errors;
	char *text_font, *head_font;
	double body_size;
	double leading;          /* of body text */
	/* print.yml: the site's, then the theme's (either may be NULL), and
	 * both merged for the layouts */
	gz_value *cfg[3];        /* + the default theme's, under a theme without print/ */
	char *cfg_path[3];
	gz_source *fallback;     /* the default theme (NULL when it is the theme) */
	char *fallback_display;
	gz_value *style;
	double ink[3];           /* body text colour */
	double title_size, byline_size, head_size, folio_size, pad;
	const char *size_name;   /* "A5" */
	gz_printlua *lua;
	bool defer;              /* measuring: photos' print copies are made meanwhile */
	copier copies;
	atomic_size_t made, kept; /* print copies made, and found in the cache */
	/* every text laid out, by markup, style and width: the drawing pass
	 * lays out nothing the measuring pass did */
	gz_map texts;
	gz_strlist text_keys;
};


/* ---- the print configuration (print.yml) ---- */

static gz_value *value_clone(const gz_value *v)
{
	gz_value *c = gz_calloc(1, sizeof(*c));
	size_t i;

	c->type = v->type;
	c->line = v->line;
	c->col = v->col;
	c->quoted = v->quoted;
	c->str = v->str ? gz_strdup(v->str) : NULL;
	c->n = v->n;
	c->items = gz_calloc(v->n ? v->n : 1, sizeof(*c->items));
	if (v->type == GZ_MAP)
		c->keys = gz_calloc(v->n ? v->n : 1, sizeof(*c->keys));
	for (i = 0; i < v->n; i++) {
		c->items[i] = value_clone(v->items[i]);
		if (v->type == GZ_MAP)
			c->keys[i] = gz_strdup(v->keys[i]);
	}
	return c;
}

/* Set map[key] to v (owned), replacing what was there. */
static void value_put(gz_value *map, const char *key, gz_value *v)
{
	size_t i;

	for (i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key)) {
			gz_value_free(map->items[i]);
			map->items[i] = v;
			return;
		}
	map->keys = gz_realloc(map->keys, (map->n + 1) * sizeof(*map->keys));
	map->items = gz_realloc(map->items, (map->n + 1) * sizeof(*map->items));
	map->keys[map->n] = gz_strdup(key);
	map->items[map->n++] = v;
}

/* A string field; one already there keeps its position (for messages). */
static void value_put_str(gz_value *map, const char *key, const char *s)
{
	const gz_value *old = gz_value_get(map, key);
	gz_value *v;

	if (!s)
		return;
	v = gz_calloc(1, sizeof(*v));
	v->type = GZ_STR;
	v->quoted = true;
	v->str = gz_strdup(s);
	if (old) {
		v->line = old->line;
		v->col = old->col;
	}
	value_put(map, key, v);
}

static gz_value *value_map(void)
{
	gz_value *v = gz_calloc(1, sizeof(*v));
	v->type = GZ_MAP;
	return v;
}

/* over's keys into base, maps merged key by key */
static void value_merge(gz_value *base, const gz_value *over)
{
	size_t i;

	for (i = 0; i < over->n; i++) {
		gz_value *b = gz_value_get(base, over->keys[i]);
		if (b && b->type == GZ_MAP && over->items[i]->type == GZ_MAP)
			value_merge(b, over->items[i]);
		else
			value_put(base, over->keys[i], value_clone(over->items[i]));
	}
}

/* Read print.yml of the site (k 0) or the theme (k 1). */
static int read_config(printer *pr, int k, gz_source *src, const char *display)
{
	char *data = NULL, *err = NULL;
	size_t len;
	int line = 0, col = 0;
	gz_buf path = GZ_BUF_INIT;

	if (!src || gz_source_read(src, "print.yml", &data, &len) < 0)
		return 0;
	gz_buf_printf(&path, "%s%sprint.yml", display ? display : "", display ? "/" : "");
	pr->cfg_path[k] = gz_buf_detach(&path, NULL);
	if (gz_yaml_parse(&pr->cfg[k], data, len, 0, &err, &line, &col) < 0) {
		gz_diag_error(pr->d, pr->cfg_path[k], line, col, "%s", err);
		free(err);
		free(data);
		return -1;
	}
	free(data);
	if (pr->cfg[k]->type == GZ_NULL) {
		gz_value_free(pr->cfg[k]);
		pr->cfg[k] = NULL;
	} else if (pr->cfg[k]->type != GZ_MAP) {
		gz_diag_error(pr->d, pr->cfg_path[k], 1, 1,
			      "print.yml is a mapping (fonts:, colors:, brochure:, leaflet:)");
		return -1;
	}
	return 0;
}

/* The value at a path of keys in the site's print.yml, else in the
 * theme's, else in the default theme's; *k says which (for messages). */
static const gz_value *cfg_find(const printer *pr, const char *const *keys, int *k)
{
	int i;

	for (i = 0; i < 3; i++) {
		const gz_value *v = pr->cfg[i];
		size_t j;
		for (j = 0; keys[j] && v; j++)
			v = gz_value_get(v, keys[j]);
		if (v && !gz_value_is_null(v)) {
			*k = i;
			return v;
		}
	}
	return NULL;
}

/* A number from the configuration (def if no file gives it); one that is
 * not a number from lo to hi is an error at its place. */
static double cfg_num(printer *pr, const char *const *keys, double def, double lo, double hi)
{
	int k = 0;
	const gz_value *v = cfg_find(pr, keys, &k);
	char *end;
	double x;

	if (!v)
		return def;
	x = v->type == GZ_STR ? strtod(v->str, &end) : 0;
	if (v->type != GZ_STR || end == v->str || *end || x < lo || x > hi) {
		gz_diag_error(pr->d, pr->cfg_path[k], v->line, v->col,
			      "'%s' is not a number from %g to %g", v->type == GZ_STR ? v->str : "",
			      lo, hi);
		return def;
	}
	return x;
}

/* A per-size setting: section.key.SIZE.field, else section.key.default.field. */
static double cfg_sized(printer *pr, const char *section, const char *key, const char *field,
			double def, double lo, double hi)
{
	const char *a[] = {section, key, pr->size_name, field, NULL};
	const char *b[] = {section, key, "default", field, NULL};
	int k;

	if (!field) {
		a[3] = b[3] = NULL;
	}
	if (cfg_find(pr, a, &k))
		return cfg_num(pr, a, def, lo, hi);
	return cfg_num(pr, b, def, lo, hi);
}

static bool parse_rgb(const char *s, double rgb[3])
{
	unsigned v;
	size_t i;

	if (!s || s[0] != '#' || strlen(s) != 7)
		return false;
	for (i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	v = (unsigned)strtoul(s + 1, NULL, 16);
	rgb[0] = (v >> 16 & 0xff) / 255.0;
	rgb[1] = (v >> 8 & 0xff) / 255.0;
	rgb[2] = (v & 0xff) / 255.0;
	return true;
}

/* Both files, merged for the layouts; every colour checked. */
static int load_config(printer *pr)
{
	const gz_value *colors;
	size_t i;
	int k, rc = 0;

	if (read_config(pr, 0, pr->src, NULL) < 0)
		rc = -1;
	if (read_config(pr, 1, pr->o->theme_src, pr->o->theme_display) < 0)
		rc = -1;
	if (read_config(pr, 2, pr->fallback, pr->fallback_display) < 0)
		rc = -1;
	pr->style = value_map();
	for (k = 2; k >= 0; k--)
		if (pr->cfg[k])
			value_merge(pr->style, pr->cfg[k]);
	for (k = 0; k < 3; k++) {
		colors = gz_value_get(pr->cfg[k], "colors");
		for (i = 0; colors && colors->type == GZ_MAP && i < colors->n; i++) {
			double rgb[3];
			const gz_value *v = colors->items[i];
			if (v->type != GZ_STR || !parse_rgb(v->str, rgb)) {
				gz_diag_error(pr->d, pr->cfg_path[k], v->line, v->col,
					      "colour '%s' is not #rrggbb (quote it: \"#9e1217\")",
					      v->type == GZ_STR ? v->str : "");
				rc = -1;
			}
		}
	}
	pr->ink[0] = pr->ink[1] = pr->ink[2] = 0.1;
	parse_rgb(gz_value_str(gz_value_get(pr->style, "colors"), "text"), pr->ink);
	return rc;
}

static void style(gz_pdf_style *st, const printer *pr, bool head, double size)
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

char *gz_print_cjk_markup(const char *m, double size, size_t *pairs)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p;
	bool any = false;
	int half = -(int)(size * 512); /* pango's unit is 1/1024 pt */

	for (p = m; *p; p++) {
		size_t c = mark_at(p, closing), o = c ? 0 : mark_at(p, opening);
		if (*p == '<' || *p == '&') {
			/* tags and entities pass as they are */
			const char *e = strchr(p, *p == '<' ? '>' : ';');
			size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
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
		/* … and a closing mark before another mark gives up its empty half */
		if (c && (mark_at(p + c, closing) || mark_at(p + c, opening))) {
			gz_buf_printf(&b, "<span letter_spacing=\"%d\">", half);
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
	char *err = NULL, *cjk = gz_print_cjk_markup(markup, st->size, NULL);
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
static gz_pdf_text *text(printer *pr, const char *markup, const gz_pdf_style *st, double width)
{
	gz_buf key = GZ_BUF_INIT;
	gz_pdf_text *t;

	gz_buf_printf(&key, "%s|%a|%d|%d|%a|%a|%d|%a|%a|%a|%a|", st->family ? st->family : "",
		      st->size, st->bold, (int)st->align, st->leading, st->indent, st->colored,
		      st->rgb[0], st->rgb[1], st->rgb[2], width);
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

static void escape(gz_buf *b, const char *s)
{
	if (s)
		gz_buf_add_html(b, s, strlen(s));
}

static char *esc(const char *s)
{
	gz_buf b = GZ_BUF_INIT;
	escape(&b, s);
	return gz_buf_detach(&b, NULL);
}

/* Draw a one-off text box; returns its height. */
static double text_box(printer *pr, const char *markup, bool head, double size, gz_pdf_align al,
		       double x, double y, double w)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	double h;

	style(&st, pr, head, size);
	st.align = al;
	t = text(pr, markup, &st, w);
	gz_pdf_text_draw(pr->pdf, t, x, y, 0, gz_pdf_text_lines(t));
	h = gz_pdf_text_height(t);
	gz_pdf_text_free(t);
	return h;
}

static int set_floats(printer *pr);

static int next_frame(printer *pr)
{
	int rc = pr->next(pr);
	pr->y = pr->f.y;
	pr->fresh = true;
	if (rc == 0 && pr->nfloats && !pr->in_floats)
		rc = set_floats(pr);
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
static int flow_text(printer *pr, const gz_pdf_text *t, double dx, double before)
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
		if (first < n && next_frame(pr) < 0)
			return -1;
	}
	return 0;
}

/* Make sure h points are free in the frame (move on if not). */
static int need(printer *pr, double h)
{
	if (pr->fresh || pr->y + h <= pr->f.y + pr->f.h + 0.01)
		return 0;
	if (next_frame(pr) < 0)
		return -1;
	/* the photos floated to the new frame may have left too little room */
	if (!pr->fresh && pr->y + h > pr->f.y + pr->f.h + 0.01)
		return next_frame(pr);
	return 0;
}

/* Make pi's print copy at the size first asked for; errors go where
 * that placement was written. Safe on several threads at once: it writes
 * only the copy's fields and failed. */
static void make_print_copy(printer *pr, print_image *pi, const char *file)
{
	const char *cache = pr->o->cache_dir;
	char *data = NULL, *err = NULL;
	size_t len = 0;
	uint64_t key = 0;

	if (gz_source_read(pr->src, file, &data, &len) < 0)
		goto failed;
	if (cache) {
		key = gz_printcache_key(data, len, pi->want_w, pi->want_h, PRINT_QUALITY);
		if (gz_printcache_load(&pi->jpeg, &pi->len, &pi->w, &pi->h, cache, key) == 0) {
			atomic_fetch_add(&pr->kept, 1);
			goto cleanup;
		}
	}
	if (gz_image_print(&pi->jpeg, &pi->len, &pi->w, &pi->h, data, len, pi->want_w, pi->want_h,
			   PRINT_QUALITY, &err) != GZ_IMAGE_OK)
		goto failed;
	atomic_fetch_add(&pr->made, 1);
	if (cache)
		gz_printcache_store(cache, key, pi->jpeg, pi->len, pi->w, pi->h);
	goto cleanup;
failed:
	gz_diag_error(pr->d, pi->where, pi->line, pi->col, "photo '%s' is %s", file,
		      err ? err : "unreadable");
	free(err);
	pi->failed = true;
cleanup:
	free(data);
}

/*
 * Decoding the photos is most of a brochure's work. The first pass only
 * measures, so it asks for each print copy and moves on; worker threads
 * make the copies meanwhile, in the order they are placed. The second
 * pass, which draws them, starts at once and waits only for a copy it is
 * about to draw that is not made yet, so the typesetting and the copies
 * keep every core busy to the end.
 */
static void *copier_main(void *payload)
{
	printer *pr = payload;
	copier *c = &pr->copies;

	/* libvips starts here, while the first pass sets up its fonts */
	gz_image_init();
	for (;;) {
		print_image *pi;
		const char *file;
		pthread_mutex_lock(&c->lock);
		while (c->next == c->n && !c->closed)
			pthread_cond_wait(&c->more, &c->lock);
		if (c->next == c->n) {
			pthread_mutex_unlock(&c->lock);
			return NULL;
		}
		pi = c->items[c->next];
		file = c->files[c->next];
		c->next++;
		pthread_mutex_unlock(&c->lock);
		make_print_copy(pr, pi, file);
		pthread_mutex_lock(&c->lock);
		pi->done = true;
		pthread_cond_broadcast(&c->made);
		pthread_mutex_unlock(&c->lock);
	}
}

static void copier_start(printer *pr)
{
	copier *c = &pr->copies;
	int i;

	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->more, NULL);
	pthread_cond_init(&c->made, NULL);
	c->nthreads = gz_pool_cores();
	c->threads = gz_calloc((size_t)c->nthreads, sizeof(*c->threads));
	for (i = 0; i < c->nthreads; i++)
		if (pthread_create(&c->threads[i], NULL, copier_main, pr) != 0) {
			fprintf(stderr, "gazette: cannot start a thread\n");
			abort();
		}
	c->running = true;
}

static void copier_add(printer *pr, print_image *pi, const char *file)
{
	copier *c = &pr->copies;

	pthread_mutex_lock(&c->lock);
	GZ_GROW(c->items, c->cap, c->n + 1);
	c->files = gz_realloc(c->files, c->cap * sizeof(*c->files));
	c->items[c->n] = pi;
	c->files[c->n++] = file;
	pi->queued = true;
	pthread_cond_signal(&c->more);
	pthread_mutex_unlock(&c->lock);
}

/* No more copies will be asked for: the threads end when the last is made. */
static void copier_close(printer *pr)
{
	copier *c = &pr->copies;

	if (!c->running)
		return;
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_cond_broadcast(&c->more);
	pthread_mutex_unlock(&c->lock);
}

/* Wait for pi's copy, asked for by the first pass; if it failed, pi is bad
 * from now on. */
static void copier_wait(printer *pr, print_image *pi)
{
	copier *c = &pr->copies;

	if (pi->ready)
		return;
	pthread_mutex_lock(&c->lock);
	while (!pi->done)
		pthread_cond_wait(&c->made, &c->lock);
	pthread_mutex_unlock(&c->lock);
	pi->ready = true;
	if (pi->failed)
		pi->bad = true;
}

/* Wait for every copy asked for; what failed is bad from now on. */
static void copier_finish(printer *pr)
{
	copier *c = &pr->copies;
	size_t i;
	int k;

	if (!c->running)
		return;
	copier_close(pr);
	for (k = 0; k < c->nthreads; k++)
		pthread_join(c->threads[k], NULL);
	for (i = 0; i < c->n; i++) {
		c->items[i]->ready = true;
		if (c->items[i]->failed)
			c->items[i]->bad = true;
	}
	pthread_cond_destroy(&c->more);
	pthread_cond_destroy(&c->made);
	pthread_mutex_destroy(&c->lock);
	free(c->threads);
	free(c->items);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

/* A photo's size, from its head when that holds it (a folder's photo of
 * megabytes is not read whole just for that): 0, -1 if it cannot be read,
 * -2 if it is not an image. */
#define SIZE_HEAD (256 * 1024)
static int photo_size(printer *pr, const char *file, int *w, int *h)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (gz_source_read_head(pr->src, file, SIZE_HEAD, &data, &len) < 0)
		return -1;
	if (len == SIZE_HEAD && (gz_image_size(data, len, w, h) < 0 || *w < 1 || *h < 1)) {
		free(data);
		if (gz_source_read(pr->src, file, &data, &len) < 0)
			return -1;
	} else if (len == SIZE_HEAD) {
		free(data);
		return 0;
	}
	rc = gz_image_size(data, len, w, h) < 0 || *w < 1 || *h < 1 ? -2 : 0;
	free(data);
	return rc;
}

/* The photo at file; with a placed size (points), its print copy too:
 * NULL if it cannot be read (reported at where:line:col). While pr->defer
 * (the first pass of a brochure, which only measures) the copy is only
 * asked for and im stays NULL; copier_finish waits for them all. */
static print_image *load_image(printer *pr, const char *file, double w_pt, double h_pt,
			       const char *where, int line, int col)
{
	print_image *pi = gz_map_get(&pr->images, file);

	if (pi && pi->queued && !pr->defer)
		copier_wait(pr, pi);
	if (!pi) {
		int rc;
		pi = gz_calloc(1, sizeof(*pi));
		gz_strlist_add(&pr->image_keys, file);
		pi->file = pr->image_keys.items[pr->image_keys.n - 1];
		gz_map_put(&pr->images, pi->file, pi);
		rc = photo_size(pr, file, &pi->ow, &pi->oh);
		if (rc == -1)
			gz_diag_error(pr->d, where, line, col, "photo '%s' cannot be read", file);
		else if (rc == -2)
			gz_diag_error(pr->d, where, line, col,
				      "photo '%s' is not an image gazette can read (JPEG, PNG, WebP, "
				      "GIF or TIFF)", file);
		pi->bad = rc < 0;
	}
	if (pi->bad)
		return NULL;
	if (w_pt <= 0) /* only the size was asked for */
		return pi;
	/* 300 dpi at the placed size; made once, at the size first asked for.
	 * A copy being made is not looked at until copier_finish. */
	if (!pi->want_w) {
		pi->want_w = (int)(w_pt / 72.0 * 300.0 + 0.5);
		pi->want_h = (int)(h_pt / 72.0 * 300.0 + 0.5);
		pi->where = gz_strdup(where);
		pi->line = line;
		pi->col = col;
		if (pr->defer) {
			copier_add(pr, pi, pi->file);
			return pi;
		}
		make_print_copy(pr, pi, file);
		if (pi->failed) {
			pi->bad = true;
			return NULL;
		}
	}
	if (pr->defer)
		return pi;
	if (!pi->im)
		pi->im = gz_pdf_image_new(pr->pdf, pi->jpeg, pi->len, pi->w, pi->h);
	return pi;
}

/* A photo with caption and credit, scaled to the frame's width and at most
 * max_frac of its height, never overflowing it. */
static int set_photo(printer *pr, const gz_photo *ph, const char *where, double max_frac,
		     bool may_float)
{
	print_image *pi;
	gz_pdf_style st;
	gz_pdf_text *cap;
	gz_buf m = GZ_BUF_INIT;
	double w, h, capgap = 2 * MM;
	int rc = 0;

	if (!ph->file)
		return 0;
	pi = load_image(pr, ph->file, 0, 0, where, ph->line, ph->col);
	if (!pi)
		return 0;
	w = pr->f.w;
	h = w * pi->oh / pi->ow;
	if (h > pr->f.h * max_frac) {
		h = pr->f.h * max_frac;
		w = h * pi->ow / pi->oh;
	}
	if (ph->caption)
		escape(&m, ph->caption);
	if (ph->credit) {
		gz_buf_puts(&m, m.len ? "　<span foreground=\"#666666\">" : "<span foreground=\"#666666\">");
		gz_buf c = GZ_BUF_INIT;
		gz_photo_credit(&c, ph->credit);
		escape(&m, c.ptr);
		gz_buf_release(&c);
		gz_buf_puts(&m, "</span>");
	}
	style(&st, pr, false, pr->body_size * 0.8);
	st.align = GZ_PDF_LEFT;
	st.leading = 1.4;
	cap = text(pr, m.ptr, &st, pr->f.w);
	if (may_float && !pr->fresh && pr->nfloats < sizeof(pr->floats) / sizeof(pr->floats[0]) &&
	    pr->y + 3 * MM + h + capgap + gz_pdf_text_height(cap) > pr->f.y + pr->f.h + 0.01) {
		pr->floats[pr->nfloats].ph = ph;
		pr->floats[pr->nfloats].where = where;
		pr->floats[pr->nfloats].frac = max_frac;
		pr->nfloats++;
		goto cleanup;
	}
	if (!pr->fresh)
		pr->y += 3 * MM;
	if (need(pr, h + capgap + gz_pdf_text_height(cap)) < 0) {
		rc = -1;
		goto cleanup;
	}
	pi = load_image(pr, ph->file, w, h, where, ph->line, ph->col);
	if (pi && pi->im)
		gz_pdf_image_draw(pr->pdf, pi->im, pr->f.x + (pr->f.w - w) / 2, pr->y, w, h, false);
	pr->y += h + capgap;
	pr->fresh = false;
	gz_pdf_text_draw(pr->pdf, cap, pr->f.x, pr->y, 0, gz_pdf_text_lines(cap));
	pr->y += gz_pdf_text_height(cap) + 2 * MM;
cleanup:
	gz_pdf_text_free(cap);
	gz_buf_release(&m);
	return rc;
}

/* A photo where it stands in the text, or, when the frame has no room
 * left for it, at the top of the next (the text fills this one first). */
static int place_photo(printer *pr, const gz_photo *ph, const char *where, double max_frac)
{
	return set_photo(pr, ph, where, max_frac, true);
}

/* The floats waiting, in their order, at the top of a fresh frame; or, at
 * the end of a story, where its text ends. */
static int set_floats(printer *pr)
{
	size_t i, n = pr->nfloats;
	int rc = 0;

	pr->in_floats = true;
	pr->nfloats = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = set_photo(pr, pr->floats[i].ph, pr->floats[i].where, pr->floats[i].frac, false);
	pr->in_floats = false;
	return rc;
}

/* One row of a table at pr->y: cells laid out in st at column width cw. */
static void draw_row(printer *pr, gz_pdf_text **cells, int cols, double cw, double pad, double rh,
		     bool head)
{
	int c;

	if (head)
		gz_pdf_rect(pr->pdf, pr->f.x, pr->y, pr->f.w, rh, 0.93, 0.93, 0.93);
	for (c = 0; c < cols; c++)
		gz_pdf_text_draw(pr->pdf, cells[c], pr->f.x + c * cw + pad, pr->y + pad, 0,
				 gz_pdf_text_lines(cells[c]));
}

/*
 * A table breaks between rows only: never with fewer than two body rows
 * on either side of the break (a short table moves on whole), and the
 * header row is set again at the top of the next frame.
 */
static int place_table(printer *pr, const block *b)
{
	gz_pdf_style st;
	double cw = pr->f.w / b->cols, pad = 1.5 * MM, *rh;
	gz_pdf_text **cells;
	int r, c, rows = b->rows, rc = 0, on_frame = 0;

	style(&st, pr, false, pr->body_size * 0.85);
	st.align = GZ_PDF_LEFT;
	st.leading = 1.45;
	cells = gz_calloc((size_t)(rows * b->cols), sizeof(*cells));
	rh = gz_calloc((size_t)rows, sizeof(*rh));
	for (r = 0; r < rows; r++) {
		for (c = 0; c < b->cols; c++) {
			const char *m = b->cells[r * b->cols + c];
			gz_pdf_text *t = text(pr, m ? m : "", &st, cw - 2 * pad);
			cells[r * b->cols + c] = t;
			if (gz_pdf_text_height(t) > rh[r])
				rh[r] = gz_pdf_text_height(t);
		}
		rh[r] += 2 * pad;
	}
	if (!pr->fresh)
		pr->y += 2 * MM;
	/* the header and the first two rows (or all there are) together */
	{
		double first = 0;
		for (r = 0; r < rows && r < 3; r++)
			first += rh[r];
		rc = need(pr, first);
	}
	for (r = 0; r < rows && rc == 0; r++) {
		bool fits = pr->y + rh[r] <= pr->f.y + pr->f.h + 0.01;
		/* the last row never goes on alone: take the one before it along */
		if (fits && r == rows - 2 && r >= 3 && on_frame >= 3 &&
		    pr->y + rh[r] + rh[r + 1] > pr->f.y + pr->f.h + 0.01)
			fits = false;
		if (!fits && r > 0 && !pr->fresh) {
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.2);
			if ((rc = next_frame(pr)) < 0 || (rc = need(pr, rh[0] + rh[r])) < 0)
				break;
			/* the header again, where the table goes on */
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.2);
			draw_row(pr, cells, b->cols, cw, pad, rh[0], true);
			pr->y += rh[0];
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.3, 0.2);
			on_frame = 1;
		}
		if (r == 0)
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.2);
		draw_row(pr, cells + r * b->cols, b->cols, cw, pad, rh[r], r == 0);
		pr->y += rh[r];
		pr->fresh = false;
		on_frame++;
		gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y,
			    r == rows - 1 ? 0.8 : 0.3, 0.2);
	}
	pr->y += 2 * MM;
	for (r = 0; r < rows * b->cols; r++)
		gz_pdf_text_free(cells[r]);
	free(cells);
	free(rh);
	return rc;
}

static int place_list(printer *pr, const blocks *bs, const gz_page *p, bool compact,
		      bool with_photos);

/* A link (a video's address): a QR code a phone can scan, the label and
 * the address beside it. */
static int place_link(printer *pr, const block *b)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	gz_buf m = GZ_BUF_INIT;
	gz_qr q;
	double side = 18 * MM, gap = 3 * MM, h;
	bool code = gz_qr_encode(&q, b->url) == 0;
	int rc;

	if (b->markup && *b->markup)
		gz_buf_printf(&m, "%s\n", b->markup);
	gz_buf_puts(&m, "<span size=\"small\">");
	escape(&m, b->url);
	gz_buf_puts(&m, "</span>");
	style(&st, pr, false, pr->body_size * 0.9);
	st.align = GZ_PDF_LEFT;
	t = text(pr, m.ptr, &st, pr->f.w - (code ? side + gap : 0));
	h = gz_pdf_text_height(t);
	if (code && h < side)
		h = side;
	if (!pr->fresh)
		pr->y += 2 * MM;
	rc = need(pr, h);
	if (rc == 0) {
		if (code)
			gz_pdf_qr(pr->pdf, q.dark, q.size, pr->f.x, pr->y, side);
		gz_pdf_text_draw(pr->pdf, t, pr->f.x + (code ? side + gap : 0), pr->y, 0,
				 gz_pdf_text_lines(t));
		pr->y += h + 2 * MM;
		pr->fresh = false;
	}
	if (code)
		gz_qr_release(&q);
	gz_pdf_text_free(t);
	gz_buf_release(&m);
	return rc;
}

/* The height the text blocks of a box take at width w; -1 when it holds
 * something else (a photo, a table), which is not boxed. */
static double box_height(printer *pr, const block *b, size_t n, double w)
{
	gz_pdf_style st;
	double h = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		gz_pdf_text *t;
		if (b[i].type != B_PARA && b[i].type != B_ITEM && b[i].type != B_QUOTE &&
		    b[i].type != B_ATTRIB && b[i].type != B_HEAD)
			return -1;
		style(&st, pr, b[i].type == B_HEAD, pr->body_size * 0.95);
		t = text(pr, b[i].markup, &st, w);
		/* as flow_text advances: to the last line's foot */
		if (gz_pdf_text_lines(t) > 0)
			h += gz_pdf_text_bottom(t, gz_pdf_text_lines(t) - 1) - gz_pdf_text_top(t, 0);
		h += (i ? 1 : 0) * MM;
		gz_pdf_text_free(t);
	}
	return h;
}

/* A box (a policy's key points): its title as a head on a tinted ground
 * with a rule down its left edge, the blocks inside it inset. One too
 * tall for a frame, or holding a photo or a table, is set between rules. */
static int place_box(printer *pr, const blocks *bs, size_t from, size_t to, const gz_page *p,
		     bool compact)
{
	const block *box = &bs->b[from];
	blocks inner = {bs->b + from + 1, to - from - 1, 0};
	gz_pdf_style st;
	gz_pdf_text *title;
	double pad = 4 * MM, w = pr->f.w - 2 * pad, body, h;
	frame saved;
	int rc;

	style(&st, pr, true, pr->body_size * 1.05);
	title = text(pr, box->markup && *box->markup ? box->markup : "要点", &st, w);
	body = box_height(pr, inner.b, inner.n, w);
	h = gz_pdf_text_height(title) + 2 * MM + body + 2 * pad;
	if (!pr->fresh)
		pr->y += 4 * MM;
	if (body < 0 || h > pr->f.h) {
		/* between rules, flowing as the text around it */
		gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 1.2, 0.3);
		pr->y += 2 * MM;
		rc = flow_text(pr, title, 0, 0);
		if (rc == 0)
			rc = place_list(pr, &inner, p, compact, false);
		if (rc == 0) {
			pr->y += 2 * MM;
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 1.2, 0.3);
			pr->y += 3 * MM;
		}
		gz_pdf_text_free(title);
		return rc;
	}
	if (need(pr, h) < 0) {
		gz_pdf_text_free(title);
		return -1;
	}
	gz_pdf_rect(pr->pdf, pr->f.x, pr->y, pr->f.w, h, 0.95, 0.93, 0.88);
	gz_pdf_rect(pr->pdf, pr->f.x, pr->y, 1.2 * MM, h, 0.62, 0.16, 0.13);
	gz_pdf_text_draw(pr->pdf, title, pr->f.x + pad, pr->y + pad, 0, gz_pdf_text_lines(title));
	/* the inside is set in a frame inset by the padding: it fits whole */
	saved = pr->f;
	pr->f.x += pad;
	pr->f.w -= 2 * pad;
	pr->y += pad + gz_pdf_text_height(title) + 2 * MM;
	gz_pdf_text_free(title);
	pr->fresh = true;
	{
		double size = pr->body_size;
		pr->body_size = size * 0.95;
		rc = place_list(pr, &inner, p, true, false);
		pr->body_size = size;
	}
	pr->f = saved;
	pr->y = pr->y > saved.y ? pr->y : saved.y;
	pr->y += pad + 3 * MM;
	pr->fresh = false;
	return rc;
}

/* Whether markup's text ends with a colon (a lead-in to what follows). */
static bool ends_with_colon(const char *m)
{
	size_t n = m ? strlen(m) : 0;

	while (n > 0 && m[n - 1] == '>') { /* closing tags */
		const char *open = memrchr(m, '<', n);
		if (!open)
			break;
		n = (size_t)(open - m);
	}
	return (n >= 3 && !memcmp(m + n - 3, "：", 3)) || (n >= 1 && m[n - 1] == ':');
}

/* The height of what a heading or a lead-in must not be parted from: the
 * first two lines of b, a table's header and first two rows, a box's
 * title and first lines. (A photo floats: what follows it is the text.) */
static double block_lead(printer *pr, const block *b, double size)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	double h;

	if (b->type == B_TABLE) {
		double cw = pr->f.w / b->cols, pad = 1.5 * MM, total = 2 * MM;
		int r, c;
		style(&st, pr, false, size * 0.85);
		st.align = GZ_PDF_LEFT;
		st.leading = 1.45;
		for (r = 0; r < b->rows && r < 3; r++) {
			double rh = 0;
			for (c = 0; c < b->cols; c++) {
				const char *m = b->cells[r * b->cols + c];
				t = text(pr, m ? m : "", &st, cw - 2 * pad);
				if (gz_pdf_text_height(t) > rh)
					rh = gz_pdf_text_height(t);
				gz_pdf_text_free(t);
			}
			total += rh + 2 * pad;
		}
		return total;
	}
	if (b->type == B_BOX || b->type == B_LINK)
		return 24 * MM;
	if (!b->markup || b->type == B_IMAGE)
		return 12 * MM;
	style(&st, pr, b->type == B_HEAD, size);
	t = text(pr, b->markup, &st, pr->f.w);
	h = gz_pdf_text_bottom(t, gz_pdf_text_lines(t) > 1 ? 1 : 0) + 2 * MM;
	gz_pdf_text_free(t);
	return h;
}

/* block_lead of bs->b[i], and when that is a lead-in ("答：" before a
 * list), of what it leads in to as well: a heading keeps with both. */
static double chain_lead(printer *pr, const blocks *bs, size_t i, double size)
{
	const block *b = &bs->b[i];
	double h = block_lead(pr, b, size);

	if (b->type == B_PARA && i + 1 < bs->n && ends_with_colon(b->markup))
		h += block_lead(pr, &bs->b[i + 1], size);
	return h;
}

/* Whether the story's body places file itself. */
static bool body_places(const blocks *bs, const char *file)
{
	size_t i;

	for (i = 0; i < bs->n; i++)
		if (bs->b[i].type == B_IMAGE && bs->b[i].photo->file && !strcmp(bs->b[i].photo->file, file))
			return true;
	return false;
}

/* Whether a front matter photo is printed apart from the body: not one the
 * body places itself, the story's cover (its opener) or the brochure's
 * cover. A photo is printed once. */
static bool photo_apart(const printer *pr, const blocks *bs, const gz_page *p, const gz_photo *ph)
{
	return ph->file && !body_places(bs, ph->file) &&
	       !(pr->cover_file && !strcmp(pr->cover_file, ph->file)) &&
	       !(p->cover && p->cover->file && !strcmp(p->cover->file, ph->file));
}

/* Body blocks into the frames; with_photos, the photos of the front
 * matter printed apart go after the paragraphs they are nearest to (one
 * every few paragraphs). */
static int place_list(printer *pr, const blocks *bs, const gz_page *p, bool compact,
		      bool with_photos)
{
	size_t i, k, para = 0, next_photo = 0, nphotos = 0;
	gz_pdf_style st;
	double size = pr->body_size;
	const gz_photo **photos = NULL;
	size_t every;
	int result = 0;

	for (k = 0; with_photos && p && k < p->nphotos; k++) {
		const gz_photo *ph = &p->photos[k];
		if (!photo_apart(pr, bs, p, ph))
			continue;
		if (!photos)
			photos = gz_calloc(p->nphotos, sizeof(*photos));
		photos[nphotos++] = ph;
	}
	every = nphotos ? (bs->n / (nphotos + 1) > 1 ? bs->n / (nphotos + 1) : 1) : 0;
	for (i = 0; i < bs->n; i++) {
		const block *b = &bs->b[i];
		gz_pdf_text *t = NULL;
		int rc = 0;
		switch (b->type) {
		case B_HEAD: {
			double hs = b->level <= 2 ? size * 1.2 : size * 1.05;
			double keep;
			style(&st, pr, true, hs);
			t = text(pr, b->markup, &st, pr->f.w);
			/* keep with the next block: the heading and two of its lines */
			keep = gz_pdf_text_height(t) + (compact ? 2 : 4) * MM + 3 * MM;
			if (i + 1 < bs->n) {
				/* a photo floats: keep with what follows it */
				size_t nx = i + 1;
				while (nx + 1 < bs->n && bs->b[nx].type == B_IMAGE)
					nx++;
				keep += chain_lead(pr, bs, nx, size);
			}
			if (!pr->fresh)
				pr->y += (compact ? 2 : 4) * MM;
			if (need(pr, keep) < 0)
				rc = -1;
			else
				rc = flow_text(pr, t, 0, 0);
			pr->y += 1 * MM;
			break;
		}
		case B_PARA:
		case B_QUOTE: {
			bool q = b->type == B_QUOTE;
			double ind = q ? 6 * MM : 0;
			style(&st, pr, false, q ? size * 0.92 : size);
			if (!q && !compact)
				st.indent = 2 * size; /* two characters, as Chinese paragraphs open */
			t = text(pr, b->markup, &st, pr->f.w - 2 * ind);
			if (q) {
				double y0 = pr->y + (pr->fresh ? 0 : 1.5 * MM);
				int pg = gz_pdf_page_count(pr->pdf);
				rc = flow_text(pr, t, ind, 1.5 * MM);
				if (gz_pdf_page_count(pr->pdf) == pg)
					gz_pdf_rule(pr->pdf, pr->f.x + 2 * MM, y0, pr->f.x + 2 * MM, pr->y,
						    1.5, 0.6);
			} else {
				double before = compact ? 1 * MM : 1.2 * MM;
				/* "答：" ahead of a list stays with its first lines */
				if (gz_pdf_text_lines(t) <= 2 && ends_with_colon(b->markup) && i + 1 < bs->n &&
				    need(pr, (pr->fresh ? 0 : before) + gz_pdf_text_height(t) +
						     block_lead(pr, &bs->b[i + 1], size)) < 0)
					rc = -1;
				if (rc == 0)
					rc = flow_text(pr, t, 0, before);
			}
			para++;
			break;
		}
		case B_ITEM: {
			double ind = (b->level > 0 ? b->level : 1) * 5 * MM;
			gz_buf m = GZ_BUF_INIT;
			style(&st, pr, false, size);
			st.align = GZ_PDF_LEFT;
			/* hanging: the marker sits in the indent, wrapped lines align with the text */
			st.indent = -4 * MM;
			gz_buf_printf(&m, "%s\xe2\x80\x82%s", b->marker ? b->marker : "", b->markup);
			t = text(pr, m.ptr, &st, pr->f.w - ind + 4 * MM);
			gz_buf_release(&m);
			/* a list does not split after its first item, nor leave its
			 * last alone: the first two items, or the last two, together */
			if ((i == 0 || bs->b[i - 1].type != B_ITEM) && i + 1 < bs->n &&
			    bs->b[i + 1].type == B_ITEM)
				rc = need(pr, (pr->fresh ? 0 : 1 * MM) + gz_pdf_text_height(t) +
						      block_lead(pr, &bs->b[i + 1], size));
			else if (i + 1 < bs->n && bs->b[i + 1].type == B_ITEM &&
				 (i + 2 >= bs->n || bs->b[i + 2].type != B_ITEM) && i > 0 &&
				 bs->b[i - 1].type == B_ITEM)
				rc = need(pr, (pr->fresh ? 0 : 1 * MM) + gz_pdf_text_height(t) +
						      block_lead(pr, &bs->b[i + 1], size));
			if (rc == 0)
				rc = flow_text(pr, t, ind - 4 * MM, 1 * MM);
			break;
		}
		case B_TABLE:
			rc = place_table(pr, b);
			break;
		case B_IMAGE:
			rc = place_photo(pr, b->photo, p ? p->path : pr->path, compact ? 0.35 : 0.45);
			break;
		case B_RULE:
			if (!pr->fresh) {
				pr->y += 2 * MM;
				gz_pdf_rule(pr->pdf, pr->f.x + pr->f.w / 3, pr->y, pr->f.x + pr->f.w * 2 / 3,
					    pr->y, 0.5, 0.5);
				pr->y += 2 * MM;
			}
			break;
		case B_ATTRIB:
			/* the speaker on a line of its own, set to the right */
			style(&st, pr, false, size * 0.9);
			st.align = GZ_PDF_RIGHT;
			t = text(pr, b->markup, &st, pr->f.w - 6 * MM);
			rc = flow_text(pr, t, 6 * MM, 1 * MM);
			pr->y += 1 * MM;
			break;
		case B_CODE:
			style(&st, pr, false, size * 0.85);
			st.align = GZ_PDF_LEFT;
			t = text(pr, b->markup, &st, pr->f.w - 4 * MM);
			rc = flow_text(pr, t, 4 * MM, 1.5 * MM);
			break;
		case B_LINK:
			rc = place_link(pr, b);
			break;
		case B_BOX: {
			size_t end = i + 1;
			int depth = 1;
			for (; end < bs->n; end++) {
				depth += bs->b[end].type == B_BOX ? 1 : bs->b[end].type == B_BOX_END ? -1 : 0;
				if (!depth)
					break;
			}
			rc = place_box(pr, bs, i, end, p, compact);
			i = end < bs->n ? end : bs->n - 1;
			break;
		}
		case B_BOX_END:
			break;
		}
		gz_pdf_text_free(t);
		if (rc < 0) {
			result = -1;
			break;
		}
		if (b->type == B_PARA && nphotos && next_photo < nphotos && para >= (next_photo + 1) * every) {
			if (place_photo(pr, photos[next_photo], p->path, 0.45) < 0) {
				result = -1;
				break;
			}
			next_photo++;
		}
	}
	for (; result == 0 && next_photo < nphotos; next_photo++)
		if (place_photo(pr, photos[next_photo], p->path, 0.45) < 0)
			result = -1;
	/* a story's photos are printed with it */
	if (result == 0 && with_photos && pr->nfloats)
		result = set_floats(pr);
	free(photos);
	return result;
}

static int place_blocks(printer *pr, const blocks *bs, const gz_page *p, bool compact)
{
	return place_list(pr, bs, p, compact, true);
}

/* ---- brochures ---- */

typedef struct {
	const char *name;
	double w, h;            /* mm */
} paper;

static const paper papers[] = {
	{"A4", 210, 297}, {"A5", 148, 210}, {"A6", 105, 148}, {"B5", 176, 250}, {"16K", 185, 260},
};

typedef struct {
	gz_value *root;
	const char *title, *subtitle, *issuer, *date, *cover, *back;
	/* the colophon's record of a printed internal publication */
	const char *permit, *copies, *printer, *format;
	const gz_value *cover_v;
	const char *size_name;  /* as in papers[] */
	double w, h;
	bool recto;             /* stories open on right-hand pages */
	const gz_page **pages;
	size_t n;
	gz_value *doc;          /* what the layouts see: the manifest and more */
} manifest;

static bool page_has(const gz_site *site, const gz_page *p, const char *key, const gz_value *want)
{
	size_t k, i, j;
	for (k = 0; k < site->cfg.ntax; k++) {
		if (strcmp(site->cfg.tax[k].key, key))
			continue;
		for (i = 0; i < p->tax_values[k].n; i++) {
			if (want->type == GZ_STR && !strcmp(want->str, p->tax_values[k].items[i]))
				return true;
			for (j = 0; want->type == GZ_SEQ && j < want->n; j++)
				if (want->items[j]->type == GZ_STR &&
				    !strcmp(want->items[j]->str, p->tax_values[k].items[i]))
					return true;
		}
	}
	return false;
}

static int by_date(const void *a, const void *b)
{
	const gz_page *x = *(const gz_page *const *)a, *y = *(const gz_page *const *)b;
	if (x->date.key != y->date.key)
		return x->date.key < y->date.key ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int by_date_desc(const void *a, const void *b)
{
	return by_date(b, a);
}

static void add_page(manifest *m, const gz_page *p)
{
	size_t i;
	for (i = 0; i < m->n; i++)
		if (m->pages[i] == p)
			return;
	m->pages = gz_realloc(m->pages, (m->n + 1) * sizeof(*m->pages));
	m->pages[m->n++] = p;
}

static int read_manifest(manifest *m, const gz_site *site, gz_source *src, const char *path,
			 gz_diag *d)
{
	char *data = NULL, *err = NULL;
	size_t len, i, j, listed;
	int line = 0, col = 0;
	const gz_value *v, *q;
	const char *size, *order;
	size_t e0 = d->errors;

	memset(m, 0, sizeof(*m));
	if (gz_source_read(src, path, &data, &len) < 0) {
		gz_diag_error(d, path, 0, 0, "cannot read the brochure manifest");
		return -1;
	}
	if (gz_yaml_parse(&m->root, data, len, 0, &err, &line, &col) < 0) {
		gz_diag_error(d, path, line, col, "%s", err);
		free(err);
		free(data);
		return -1;
	}
	free(data);
	if (m->root->type != GZ_MAP) {
		gz_diag_error(d, path, 1, 1, "a brochure manifest is a mapping (title:, stories: …)");
		return -1;
	}
	m->title = gz_value_str(m->root, "title");
	m->subtitle = gz_value_str(m->root, "subtitle");
	m->issuer = gz_value_str(m->root, "issuer");
	m->permit = gz_value_str(m->root, "permit");
	m->copies = gz_value_str(m->root, "copies");
	m->printer = gz_value_str(m->root, "printer");
	m->format = gz_value_str(m->root, "format");
	m->date = gz_value_str(m->root, "date");
	m->back = gz_value_str(m->root, "back");
	m->recto = gz_value_bool(m->root, "recto", false);
	if (!m->title)
		gz_diag_error(d, path, 1, 1, "the manifest has no 'title'");
	if (!m->issuer) {
		const gz_value *params = gz_value_get(site->cfg.root, "params");
		m->issuer = params ? gz_value_str(params, "publisher") : NULL;
	}
	if ((v = gz_value_get(m->root, "date"))) {
		gz_date dt;
		if (!m->date || gz_date_parse(&dt, m->date) < 0)
			gz_diag_error(d, path, v->line, v->col, "date '%s' is not YYYY-MM-DD",
				      m->date ? m->date : "");
	} else {
		gz_diag_error(d, path, 1, 1, "the manifest has no 'date' (the print date, YYYY-MM-DD)");
	}
	size = gz_value_str(m->root, "size");
	m->w = 148;
	m->h = 210;
	m->size_name = "A5";
	if (size) {
		bool found = false;
		for (i = 0; i < sizeof(papers) / sizeof(papers[0]); i++)
			if (!strcasecmp(size, papers[i].name)) {
				m->w = papers[i].w;
				m->h = papers[i].h;
				m->size_name = papers[i].name;
				found = true;
			}
		if (!found) {
			v = gz_value_get(m->root, "size");
			gz_diag_error(d, path, v->line, v->col,
				      "page size '%s' is not one gazette knows (A4, A5, A6, B5, 16K)",
				      size);
		}
	}
	if ((m->cover_v = gz_value_get(m->root, "cover")) && m->cover_v->type == GZ_STR) {
		m->cover = m->cover_v->str;
		if (!gz_source_exists(src, m->cover))
			gz_diag_error(d, path, m->cover_v->line, m->cover_v->col,
				      "cover photo '%s' does not exist", m->cover);
	}
	/* stories by path, in the order written */
	v = gz_value_get(m->root, "stories");
	if (v && v->type != GZ_SEQ) {
		gz_diag_error(d, path, v->line, v->col, "'stories' is a list of content paths");
		v = NULL;
	}
	for (i = 0; v && i < v->n; i++) {
		const gz_value *it = v->items[i];
		const gz_page *found = NULL;
		if (it->type != GZ_STR) {
			gz_diag_error(d, path, it->line, it->col, "a story is a content path");
			continue;
		}
		for (j = 0; j < site->nall && !found; j++)
			if (!strcmp(site->all[j]->path, it->str))
				found = site->all[j];
		if (!found) {
			gz_diag_error(d, path, it->line, it->col, "story '%s' does not exist", it->str);
			continue;
		}
		if (found->broken) {
			gz_diag_error(d, path, it->line, it->col, "story '%s' has errors", it->str);
			continue;
		}
		for (j = 0; j < site->npages && site->pages[j] != found; j++)
			;
		if (j == site->npages) {
			/* a draft, a page under review, or one scheduled for later */
			gz_diag_error(d, path, it->line, it->col,
				      "story '%s' is not published (a draft, under review or dated "
				      "later); publish it or take it out of the brochure",
				      it->str);
			continue;
		}
		add_page(m, found);
	}
	listed = m->n;
	/* and by a query: every taxonomy key given must match; from/to bound the date */
	q = gz_value_get(m->root, "query");
	if (q && q->type == GZ_MAP) {
		gz_date from, to;
		const char *fs = gz_value_str(q, "from"), *ts = gz_value_str(q, "to");
		bool hf = fs && gz_date_parse(&from, fs) == 0, ht = ts && gz_date_parse(&to, ts) == 0;
		if (fs && !hf)
			gz_diag_error(d, path, gz_value_get(q, "from")->line, gz_value_get(q, "from")->col,
				      "date '%s' is not YYYY-MM-DD", fs);
		if (ts && !ht)
			gz_diag_error(d, path, gz_value_get(q, "to")->line, gz_value_get(q, "to")->col,
				      "date '%s' is not YYYY-MM-DD", ts);
		for (i = 0; i < q->n; i++) {
			bool known = !strcmp(q->keys[i], "from") || !strcmp(q->keys[i], "to") ||
				     !strcmp(q->keys[i], "section");
			for (j = 0; j < site->cfg.ntax && !known; j++)
				known = !strcmp(site->cfg.tax[j].key, q->keys[i]);
			if (!known)
				gz_diag_error(d, path, q->items[i]->line, q->items[i]->col,
					      "query key '%s' is not a taxonomy, 'section', 'from' or 'to'",
					      q->keys[i]);
		}
		for (j = 0; j < site->npages; j++) {
			const gz_page *p = site->pages[j];
			bool ok = true;
			const char *sec = gz_value_str(q, "section");
			if (sec && strcmp(p->section, sec))
				ok = false;
			if (hf && p->date.key < from.key)
				ok = false;
			if (ht && p->date.key >= to.key + 86400)
				ok = false;
			for (i = 0; i < q->n && ok; i++)
				if (strcmp(q->keys[i], "from") && strcmp(q->keys[i], "to") &&
				    strcmp(q->keys[i], "section"))
					ok = page_has(site, p, q->keys[i], q->items[i]);
			if (ok)
				add_page(m, p);
		}
	} else if (q) {
		gz_diag_error(d, path, q->line, q->col, "'query' is a mapping (tags:, from:, to:)");
	}
	order = gz_value_str(m->root, "order");
	if (!m->n)
		; /* nothing to sort (qsort may not be given NULL) */
	else if (!order || !strcmp(order, "date"))
		qsort(m->pages, m->n, sizeof(*m->pages), by_date);
	else if (!strcmp(order, "-date"))
		qsort(m->pages, m->n, sizeof(*m->pages), by_date_desc);
	else if (!strcmp(order, "list"))
		qsort(m->pages + listed, m->n - listed, sizeof(*m->pages), by_date);
	else {
		v = gz_value_get(m->root, "order");
		gz_diag_error(d, path, v->line, v->col, "order '%s' is not date, -date or list", order);
	}
	if (!m->n && d->errors == e0)
		gz_diag_error(d, path, 1, 1, "the brochure has no stories (give 'stories' or 'query')");
	return d->errors > e0 ? -1 : 0;
}

static void manifest_release(manifest *m)
{
	gz_value_free(m->doc);
	gz_value_free(m->root);
	free(m->pages);
}

int gz_print_check_manifest(const gz_site *site, gz_source *src, const char *path, gz_diag *d)
{
	manifest m;
	int rc = read_manifest(&m, site, src, path, d);

	manifest_release(&m);
	return rc;
}

void gz_print_pages(const gz_site *site, gz_source *src, const char *path, gz_strlist *out)
{
	size_t n = strlen(path), i;
	manifest m;
	gz_diag d;

	if (n > 3 && !strcmp(path + n - 3, ".md")) {
		gz_strlist_add(out, path);
		return;
	}
	gz_diag_init(&d);
	if (read_manifest(&m, site, src, path, &d) == 0)
		for (i = 0; i < m.n; i++)
			gz_strlist_add(out, m.pages[i]->path);
	manifest_release(&m);
	gz_diag_release(&d);
}

static void running_head(printer *pr, int page)
{
	char folio[16];
	const char *head = page % 2 ? pr->head_odd : pr->head_even;
	double x = page % 2 ? pr->inner : pr->outer, w = pr->W - pr->inner - pr->outer;
	gz_pdf_style st;
	gz_pdf_text *t;
	char *m;

	if (head) {
		m = esc(head);
		style(&st, pr, false, pr->head_size);
		st.align = page % 2 ? GZ_PDF_RIGHT : GZ_PDF_LEFT;
		t = text(pr, m, &st, w);
		gz_pdf_text_draw(pr->pdf, t, x, pr->top - 7 * MM, 0, 1);
		gz_pdf_text_free(t);
		free(m);
		gz_pdf_rule(pr->pdf, x, pr->top - 2.5 * MM, x + w, pr->top - 2.5 * MM, 0.3, 0.4);
	}
	snprintf(folio, sizeof(folio), "%d", page);
	style(&st, pr, true, pr->folio_size);
	st.bold = false;
	st.align = page % 2 ? GZ_PDF_RIGHT : GZ_PDF_LEFT;
	t = text(pr, folio, &st, w);
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

/* A photo for a layout: at 300 dpi of the size it is drawn at (when it
 * covers the box, of the part that shows). */
static bool canvas_image(void *payload, const char *path, double w, double h, bool cover,
			 const char *where, int line, int col, gz_pdf_image **out)
{
	printer *pr = payload;
	print_image *pi = load_image(pr, path, 0, 0, where, line, col);

	*out = NULL;
	if (!pi)
		return false;
	if (cover) {
		double s = w / pi->ow > h / pi->oh ? w / pi->ow : h / pi->oh;
		w = pi->ow * s;
		h = pi->oh * s;
	}
	pi = load_image(pr, path, w, h, where, line, col);
	if (pi)
		*out = pi->im;
	return pi != NULL;
}

static void canvas(printer *pr, gz_print_canvas *c, const gz_value *doc, const gz_page *p)
{
	memset(c, 0, sizeof(*c));
	c->pdf = pr->pdf;
	c->width = pr->W;
	c->height = pr->H;
	c->bleed = pr->o->bleed;
	c->top = pr->top;
	c->bottom = pr->bottom;
	c->inner = pr->inner;
	c->outer = pr->outer;
	c->number = gz_pdf_page_count(pr->pdf);
	c->serif = pr->text_font;
	c->sans = pr->head_font;
	c->body = pr->body_size;
	c->style = pr->style;
	c->doc = doc;
	c->page = p;
	c->path = pr->path;
	c->image = canvas_image;
	c->payload = pr;
}

/* The cover and the back cover: Lua layouts (print/cover.lua, back.lua). */
static int cover(printer *pr, const manifest *m, bool back)
{
	gz_print_canvas c;

	gz_pdf_page(pr->pdf);
	canvas(pr, &c, m->doc, NULL);
	return gz_printlua_draw(pr->lua, back ? "back" : "cover", &c, pr->d);
}

static int colophon(printer *pr, const manifest *m)
{
	gz_buf s = GZ_BUF_INIT;
	blocks bs = {0};
	size_t i;
	int rc;

	pr->heads = false;
	next_frame(pr);
	gz_buf_printf(&s, "<b>");
	escape(&s, m->title);
	gz_buf_puts(&s, "</b>");
	if (m->subtitle) {
		gz_buf_puts(&s, "\n");
		escape(&s, m->subtitle);
	}
	gz_buf_puts(&s, "\n编印：");
	escape(&s, m->issuer);
	if (m->printer) {
		gz_buf_puts(&s, "\n印制单位：");
		escape(&s, m->printer);
	}
	if (m->permit) {
		gz_buf_puts(&s, "\n准印证号：");
		escape(&s, m->permit);
	}
	gz_buf_puts(&s, "\n开本：");
	if (m->format) {
		escape(&s, m->format);
	} else {
		gz_buf_printf(&s, "%s（%g × %g 毫米）", m->size_name, m->w, m->h);
	}
	if (m->copies) {
		gz_buf_puts(&s, "\n印数：");
		escape(&s, m->copies);
	}
	gz_buf_puts(&s, "\n印制日期：");
	{
		gz_date dt;
		char zh[GZ_DATE_ZH_SIZE];
		if (m->date && gz_date_parse(&dt, m->date) == 0) {
			gz_date_zh(zh, &dt);
			escape(&s, zh);
		} else {
			escape(&s, m->date);
		}
	}
	add_block(&bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	add_block(&bs, B_HEAD)->markup = gz_strdup("稿件来源与使用说明");
	bs.b[bs.n - 1].level = 3;
	for (i = 0; i < m->n; i++) {
		const gz_page *p = m->pages[i];
		gz_buf_puts(&s, "《");
		escape(&s, p->title);
		gz_buf_puts(&s, "》");
		if (p->author) {
			gz_buf_puts(&s, "　文／");
			escape(&s, p->author);
		}
		if (p->source) {
			gz_buf_puts(&s, "　来源：");
			escape(&s, p->source);
		}
		gz_buf_puts(&s, "　");
		escape(&s, gz_page_reprint_text(p));
		add_block(&bs, B_PARA)->markup = gz_buf_detach(&s, NULL);
	}
	{
		double saved = pr->body_size;
		pr->body_size = 7.5;
		rc = place_blocks(pr, &bs, NULL, true);
		pr->body_size = saved;
	}
	blocks_release(&bs);
	return rc;
}

static char *place_of(const gz_page *p)
{
	gz_buf b = GZ_BUF_INIT;
	const char *t = gz_value_str(p->fm, "township"), *v = gz_value_str(p->fm, "village");
	char ymd[GZ_DATE_ZH_SIZE];
	if (t)
		escape(&b, t);
	if (v) {
		escape(&b, v);
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
	size_t i;
	char num[16];

	pr->heads = false;
	next_frame(pr);
	pr->y += text_box(pr, "目　录", true, 16, GZ_PDF_CENTER, pr->f.x, pr->y, pr->f.w) + 8 * MM;
	style(&st, pr, false, 10.5);
	st.align = GZ_PDF_LEFT;
	st.leading = 1.5;
	style(&ns, pr, true, 10.5);
	ns.bold = false;
	ns.align = GZ_PDF_RIGHT;
	for (i = 0; i < m->n; i++) {
		char *title = esc(m->pages[i]->title);
		gz_pdf_text *t = text(pr, title, &st, pr->f.w - 14 * MM), *n;
		double h = gz_pdf_text_height(t), lw;
		int last = gz_pdf_text_lines(t) - 1;
		free(title);
		if (need(pr, h + 3 * MM) < 0)
			return -1;
		snprintf(num, sizeof(num), "%d", starts[i]);
		n = text(pr, num, &ns, 12 * MM);
		gz_pdf_text_draw(pr->pdf, t, pr->f.x, pr->y, 0, last + 1);
		gz_pdf_text_draw(pr->pdf, n, pr->f.x + pr->f.w - 12 * MM,
				 pr->y + gz_pdf_text_top(t, last), 0, 1);
		/* dotted leader from the end of the title's last line */
		lw = gz_pdf_text_width(t);
		{
			double yl = pr->y + gz_pdf_text_top(t, last) + 10.5 * 1.05;
			double x0 = pr->f.x + (last ? pr->f.w * 0.6 : lw) + 2 * MM;
			double x1 = pr->f.x + pr->f.w - 12 * MM;
			int dot, dots = x1 > x0 ? (int)((x1 - x0) / (2 * MM)) + 1 : 0;
			for (dot = 0; dot < dots; dot++)
				gz_pdf_rect(pr->pdf, x0 + dot * 2 * MM, yl, 0.6, 0.6, 0.5, 0.5, 0.5);
		}
		pr->y += h + 3 * MM;
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
	next_frame(pr);
	*start = gz_pdf_page_count(pr->pdf);
	title = esc(p->title);
	pr->y += 6 * MM;
	pr->y += text_box(pr, title, true, pr->title_size, GZ_PDF_LEFT, pr->f.x, pr->y, pr->f.w) +
		 3 * MM;
	free(title);
	if (p->author) {
		gz_buf_puts(&by, "文／");
		escape(&by, p->author);
	}
	if (p->source) {
		gz_buf_puts(&by, by.len ? "　来源：" : "来源：");
		escape(&by, p->source);
	}
	place = place_of(p);
	if (*place)
		gz_buf_printf(&by, "%s%s", by.len ? "\n" : "", place);
	free(place);
	if (by.len)
		pr->y += text_box(pr, by.ptr, false, pr->byline_size, GZ_PDF_LEFT, pr->f.x, pr->y,
				  pr->f.w);
	gz_buf_release(&by);
	pr->y += 3 * MM;
	gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.62);
	pr->y += 5 * MM;
	pr->fresh = true;
	doc_blocks(&bs, p);
	/* the story's cover opens it, unless the body places it or it is
	 * the brochure's cover */
	rc = 0;
	if (p->cover && p->cover->file && !body_places(&bs, p->cover->file) &&
	    !(pr->cover_file && !strcmp(pr->cover_file, p->cover->file)))
		rc = place_photo(pr, p->cover, p->path, 0.4);
	if (rc == 0)
		rc = place_blocks(pr, &bs, p, false);
	blocks_release(&bs);
	return rc;
}

/* The fonts: the manifest's fonts:, else print.yml's, else Noto CJK. */
static int check_fonts(printer *pr, const char *where, const gz_value *root)
{
	static const char *const text_keys[] = {"fonts", "text", NULL};
	static const char *const head_keys[] = {"fonts", "heads", NULL};
	const char *const *keys[2] = {text_keys, head_keys};
	const char *defs[2] = {SERIF, SANS};
	char **slot[2] = {&pr->text_font, &pr->head_font};
	int i, k, rc = 0;

	for (i = 0; i < 2; i++) {
		const gz_value *v = gz_value_get(gz_value_get(root, "fonts"), keys[i][1]);
		const char *file = where;
		if (!v || v->type != GZ_STR) {
			v = cfg_find(pr, keys[i], &k);
			file = v ? pr->cfg_path[k] : where;
		}
		*slot[i] = gz_strdup(v && v->type == GZ_STR ? v->str : defs[i]);
		if (!gz_pdf_has_font(pr->pdf, *slot[i])) {
			gz_diag_error(pr->d, file, v ? v->line : 0, v ? v->col : 0,
				      "font '%s' is not installed (fonts-noto-cjk)", *slot[i]);
			rc = -1;
		}
	}
	return rc;
}

/* A document; a measure-only one (the brochure's first pass, a leaflet's
 * trials) writes no PDF, so it costs no compression or font subsetting. */
static int new_doc(printer *pr, const char *title, const char *date, const char *author,
		   bool measure)
{
	gz_pdf_opts po;
	char *err = NULL;

	memset(&po, 0, sizeof(po));
	po.width = pr->W;
	po.height = pr->H;
	po.bleed = pr->o->bleed;
	po.marks = pr->o->marks && !measure;
	po.booklet = pr->o->booklet && !measure;
	po.measure = measure;
	po.title = title;
	po.author = author;
	po.date = date;
	if (gz_pdf_new(&pr->pdf, &po, &err) < 0) {
		gz_diag_error(pr->d, pr->path, 0, 0, "cannot start the PDF: %s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* One pass over the brochure; starts[] gets the page each story opens on. */
static int brochure_pass(printer *pr, const manifest *m, int *starts, const int *toc_pages)
{
	size_t i;
	int pad;

	if (new_doc(pr, m->title, m->date, m->issuer, pr->defer) < 0)
		return -1;
	if (!pr->text_font && check_fonts(pr, pr->path, m->root) < 0)
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
	gz_value *doc = value_clone(m->root), *titles = gz_calloc(1, sizeof(*titles));
	const gz_value *params = gz_value_get(pr->site->cfg.root, "params");
	size_t i;

	value_put_str(doc, "issuer", m->issuer);
	value_put_str(doc, "size", m->size_name);
	/* the layouts print the date for readers */
	{
		gz_date dt;
		char zh[GZ_DATE_ZH_SIZE];
		if (m->date && gz_date_parse(&dt, m->date) == 0) {
			gz_date_zh(zh, &dt);
			value_put_str(doc, "date", zh);
		}
	}
	value_put_str(doc, "copyright", params ? gz_value_str(params, "copyright") : NULL);
	titles->type = GZ_SEQ;
	titles->items = gz_calloc(m->n + 1, sizeof(*titles->items));
	for (i = 0; i < m->n; i++) {
		gz_value *t = gz_calloc(1, sizeof(*t));
		t->type = GZ_STR;
		t->quoted = true;
		t->str = gz_strdup(m->pages[i]->title);
		titles->items[titles->n++] = t;
	}
	value_put(doc, "titles", titles);
	return doc;
}

/* GAZETTE_TIMING=1 prints how long each stage of a brochure took. */
static void phase(const char *name, double *t)
{
	gz_timing_lap("", name, t);
}

static int make_brochure(printer *pr, char **data, size_t *len)
{
	manifest m;
	int *starts = NULL, *prev = NULL, rc = -1, pass;
	char *err = NULL;
	double t = 0;

	if (read_manifest(&m, pr->site, pr->src, pr->path, pr->d) < 0)
		goto cleanup;
	pr->cover_file = m.cover;
	pr->W = m.w * MM;
	pr->H = m.h * MM;
	pr->size_name = m.size_name;
	pr->top = cfg_sized(pr, "brochure", "margins", "top", 18, 3, m.h / 3) * MM;
	pr->bottom = cfg_sized(pr, "brochure", "margins", "bottom", 18, 3, m.h / 3) * MM;
	pr->inner = cfg_sized(pr, "brochure", "margins", "inner", 18, 3, m.w / 3) * MM;
	pr->outer = cfg_sized(pr, "brochure", "margins", "outer", 14, 3, m.w / 3) * MM;
	pr->body_size = cfg_sized(pr, "brochure", "body", NULL, 10, 4, 30);
	{
		static const char *const lead[] = {"brochure", "leading", NULL};
		static const char *const title[] = {"brochure", "title", NULL};
		static const char *const byline[] = {"brochure", "byline", NULL};
		static const char *const head[] = {"brochure", "head", NULL};
		static const char *const folio[] = {"brochure", "folio", NULL};
		pr->leading = cfg_num(pr, lead, 1.75, 1, 3);
		pr->title_size = cfg_num(pr, title, 17, 6, 72);
		pr->byline_size = cfg_num(pr, byline, 8.5, 4, 30);
		pr->head_size = cfg_num(pr, head, 7.5, 4, 30);
		pr->folio_size = cfg_num(pr, folio, 8, 4, 30);
	}
	if (pr->d->errors)
		goto cleanup;
	m.doc = brochure_doc(pr, &m);
	starts = gz_calloc(m.n + 1, sizeof(int));
	prev = gz_calloc(m.n + 1, sizeof(int));
	/* pass 1 finds the pages; pass 2 prints them in the contents. The contents
	 * take as many lines either way, so the pages cannot move between passes. */
	copier_start(pr);
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
			copier_close(pr);
		}
	}
	copier_finish(pr);
	phase("print: the last photos", &t);
	if (gz_pdf_finish(pr->pdf, data, len, &err) < 0) {
		gz_diag_error(pr->d, pr->path, 0, 0, "cannot write the PDF: %s", err);
		free(err);
		goto cleanup;
	}
	phase("print: the PDF", &t);
	rc = 0;
cleanup:
	copier_finish(pr);
	pr->defer = false;
	free(starts);
	free(prev);
	manifest_release(&m);
	return rc;
}

/* ---- tri-fold leaflets ---- */

/* A new page for one side of a leaflet, drawn by the trifold layout with
 * side ("outside", "inside") and its three panels. */
static int trifold_side(printer *pr, gz_print_canvas *c, const gz_value *doc, const gz_page *p,
			const char *side, const gz_print_panel *panels, double pad)
{
	gz_pdf_page(pr->pdf);
	canvas(pr, c, doc, p);
	c->side = side;
	c->panels = panels;
	c->npanels = 3;
	c->top = c->bottom = c->inner = c->outer = pad;
	return gz_printlua_draw(pr->lua, "trifold", c, pr->d);
}

/*
 * A4 landscape, folded in three. The panel that folds in is 3 mm narrower
 * so it clears the fold. Outside (page 1), left to right: the inner flap,
 * the back (contact, QR code), the cover. Inside (page 2): three panels the
 * Q&A flows across; the inner flap's back is the right-hand inside panel.
 */
static int leaflet_next(printer *pr)
{
	frame *f;

	if (pr->panel >= pr->npanels)
		return -1;
	f = &pr->panels[pr->panel++];
	pr->f = *f;
	return 0;
}

/* Flow bs into the frames; -1 if it does not fit. */
static int flow_panels(printer *pr, frame *frames, size_t n, const blocks *bs, const gz_page *p)
{
	pr->panels = frames;
	pr->npanels = n;
	pr->panel = 0;
	pr->nfloats = 0;
	pr->next = leaflet_next;
	next_frame(pr);
	return place_blocks(pr, bs, p, true);
}

/* Whether bs fits the frames at the current size (nothing is drawn). */
static bool fits(printer *pr, frame *fr, size_t n, const blocks *bs, const gz_page *p)
{
	gz_pdf *real = pr->pdf;
	bool ok = false;

	if (new_doc(pr, NULL, NULL, NULL, true) == 0) {
		gz_pdf_page(pr->pdf);
		ok = flow_panels(pr, fr, n, bs, p) == 0;
		gz_pdf_free(pr->pdf);
	}
	pr->panels = NULL;
	pr->npanels = 0;
	pr->pdf = real;
	return ok;
}

/* The inside frames, each frac of the panel's text height: the least that
 * holds the text, so it is spread evenly across the three panels. */
static double balance(printer *pr, const blocks *bs, const gz_page *p, const frame *base)
{
	static const double fracs[] = {0.3,  0.35, 0.4,  0.45, 0.5,  0.55, 0.6,  0.65, 0.7,
				       0.75, 0.8,  0.85, 0.88, 0.91, 0.94, 0.97};
	size_t i, k;

	for (i = 0; i < sizeof(fracs) / sizeof(fracs[0]); i++) {
		frame fr[3];
		for (k = 0; k < 3; k++) {
			fr[k] = base[k];
			fr[k].h *= fracs[i];
		}
		if (fits(pr, fr, 3, bs, p))
			return fracs[i];
	}
	return 1.0;
}

/* What the tri-fold layout sees: the front matter (with its places) and
 * the page's title, summary, author, date, cover photo and web address. */
static gz_value *leaflet_doc(const printer *pr, const gz_page *p)
{
	gz_value *doc = p->fm && p->fm->type == GZ_MAP ? value_clone(p->fm) : value_map();
	const char *base = pr->site->cfg.base_path;
	gz_buf url = GZ_BUF_INIT;
	char ymd[GZ_DATE_ZH_SIZE];

	value_put_str(doc, "title", p->title);
	value_put_str(doc, "summary", p->summary);
	value_put_str(doc, "author", p->author);
	if (p->has_date) {
		gz_date_zh(ymd, &p->date);
		value_put_str(doc, "date", ymd);
	}
	if (p->cover && p->cover->file)
		value_put_str(doc, "cover", p->cover->file);
	gz_buf_puts(&url, pr->site->cfg.base_url);
	if (url.len && url.ptr[url.len - 1] == '/')
		gz_buf_truncate(&url, url.len - 1);
	gz_buf_puts(&url, p->url + (strncmp(p->url, base, strlen(base)) ? 0 : strlen(base) - 1));
	value_put_str(doc, "url", url.ptr);
	gz_buf_release(&url);
	return doc;
}

/* How far the text runs past the three inside panels at the current size:
 * flowed into them and a fourth, endless one, the height it takes there. */
static double overflow(printer *pr, const blocks *bs, const gz_page *p, const frame *in)
{
	gz_pdf *real = pr->pdf;
	frame fr[4];
	double over = 0;
	int k;

	if (new_doc(pr, NULL, NULL, NULL, true) < 0)
		return 0;
	gz_pdf_page(pr->pdf);
	for (k = 0; k < 3; k++)
		fr[k] = in[k];
	fr[3] = (frame){in[0].x, in[0].y, in[0].w, 1e6};
	if (flow_panels(pr, fr, 4, bs, p) == 0 && pr->panel == 4)
		over = pr->y - fr[3].y;
	pr->panels = NULL;
	pr->npanels = 0;
	gz_pdf_free(pr->pdf);
	pr->pdf = real;
	return over;
}

/*
 * The body size of a leaflet: the largest from print.yml's leaflet body_max
 * down to body (the least an elderly reader should be given) in half
 * points at which the flap's text and the inside text both fit, so a short
 * leaflet fills its panels with large type. Text is never set smaller than
 * body: if it does not fit then, the leaflet is an error that says how
 * much to cut.
 */
static int leaflet_size(printer *pr, const gz_page *p, frame *flap, const blocks *flap_b,
			const blocks *in_b, frame *in)
{
	static const char *const kbody[] = {"leaflet", "body", NULL};
	static const char *const kmax[] = {"leaflet", "body_max", NULL};
	double min = cfg_num(pr, kbody, 11, 4, 30), max = cfg_num(pr, kmax, 14, 4, 40), size;

	if (max < min)
		max = min;
	for (size = max; size >= min - 0.01; size -= 0.5) {
		pr->body_size = size;
		if ((!flap_b->n || fits(pr, flap, 1, flap_b, p)) && fits(pr, in, 3, in_b, p))
			return 0;
	}
	pr->body_size = min;
	if (flap_b->n && !fits(pr, flap, 1, flap_b, p)) {
		gz_diag_error(pr->d, p->path, 1, 1,
			      "the opening section (before the first '##' heading) does not fit the "
			      "leaflet's inner flap at %.4g pt; shorten it",
			      min);
		return -1;
	}
	{
		double line = min * pr->leading, over = overflow(pr, in_b, p, in);
		int lines = (int)(over / line) + 1;
		int per_line = (int)(in[0].w / min);
		gz_diag_error(pr->d, p->path, 1, 1,
			      "the leaflet needs %d more lines than its three inside panels hold at "
			      "%.4g pt; cut about %d characters",
			      lines, min, lines * per_line);
	}
	return -1;
}

static int make_leaflet(printer *pr, const gz_page *p, char **data, size_t *len)
{
	static const char *const klead[] = {"leaflet", "leading", NULL};
	static const char *const kpad[] = {"leaflet", "padding", NULL};
	double flap = 97 * MM, full = 100 * MM, H = 210 * MM, b, pad;
	blocks bs = {0};
	gz_value *doc = NULL;
	gz_print_canvas c;
	gz_print_panel out[3], inside[3];
	char ymd[16] = "", *err = NULL;
	int rc = -1;

	pr->W = 297 * MM;
	pr->H = H;
	pr->leading = cfg_num(pr, klead, 1.6, 1, 3);
	pad = cfg_num(pr, kpad, 9, 2, 30) * MM;
	if (pr->d->errors)
		goto cleanup;
	b = pr->o->bleed;
	if (p->has_date)
		gz_date_ymd(ymd, &p->date);
	if (new_doc(pr, p->title, ymd[0] ? ymd : NULL, p->author, false) < 0 ||
	    check_fonts(pr, p->path, NULL) < 0)
		goto cleanup;
	doc = leaflet_doc(pr, p);
	/* outside, left to right: the inner flap, the back, the cover */
	out[0] = (gz_print_panel){"flap", 0, 0, flap, H};
	out[1] = (gz_print_panel){"back", flap, 0, full, H};
	out[2] = (gz_print_panel){"cover", flap + full, 0, full, H};
	inside[0] = (gz_print_panel){"left", 0, 0, full, H};
	inside[1] = (gz_print_panel){"middle", full, 0, full, H};
	inside[2] = (gz_print_panel){"right", 2 * full, 0, flap, H};
	/* the cover panel shows the cover photo: not again inside */
	pr->cover_file = p->cover ? p->cover->file : NULL;

	/* the opening section on the inner flap, the Q&A across the inside */
	doc_blocks(&bs, p);
	{
		size_t split = 0, k;
		blocks flap_b = {0}, in_b = {0};
		frame f1 = {pad, pad, flap - 2 * pad, H - 2 * pad}, in[3];
		double frac;
		for (k = 1; k < bs.n && !split; k++)
			if (bs.b[k].type == B_HEAD)
				split = k;
		flap_b.b = bs.b;
		flap_b.n = split;
		in_b.b = bs.b + split;
		in_b.n = bs.n - split;
		for (k = 0; k < 3; k++)
			in[k] = (frame){inside[k].x + pad, pad, inside[k].w - 2 * pad, H - 2 * pad};
		if (leaflet_size(pr, p, &f1, &flap_b, &in_b, in) < 0)
			goto cleanup;
		if (trifold_side(pr, &c, doc, p, "outside", out, pad) < 0)
			goto cleanup;
		/* fold guides, outside the text: a thin grey tick in the bleed */
		gz_pdf_rule(pr->pdf, flap, -b, flap, 0, 0.3, 0.6);
		gz_pdf_rule(pr->pdf, flap + full, -b, flap + full, 0, 0.3, 0.6);
		/* the opening section is the flap's alone: as large as it fits,
		 * up to a quarter over the body */
		if (flap_b.n) {
			double body = pr->body_size, s;
			for (s = body * 1.25; s > body; s -= 0.5) {
				pr->body_size = s;
				if (fits(pr, &f1, 1, &flap_b, p))
					break;
			}
			if (s <= body)
				pr->body_size = body;
			rc = flow_panels(pr, &f1, 1, &flap_b, p);
			pr->body_size = body;
			if (rc < 0)
				goto cleanup; /* measured above: cannot happen */
			rc = -1;
		}
		frac = balance(pr, &in_b, p, in);
		if (frac < 0.5)
			gz_diag_warn(pr->d, p->path, 1, 1,
				     "the leaflet's text fills less than half of its inside panels even "
				     "at %.4g pt; add to it, or print it as a smaller leaflet",
				     pr->body_size);
		if (trifold_side(pr, &c, doc, p, "inside", inside, pad) < 0)
			goto cleanup;
		for (k = 0; k < 3 && frac < 1.0; k++)
			in[k].h *= frac;
		if (flow_panels(pr, in, 3, &in_b, p) < 0) {
			gz_diag_error(pr->d, p->path, 1, 1,
				      "the text does not fit the leaflet's three inside panels; shorten it");
			goto cleanup;
		}
	}
	if (pr->d->errors)
		goto cleanup;
	if (gz_pdf_finish(pr->pdf, data, len, &err) < 0) {
		gz_diag_error(pr->d, p->path, 0, 0, "cannot write the PDF: %s", err);
		free(err);
		goto cleanup;
	}
	rc = 0;
cleanup:
	blocks_release(&bs);
	gz_value_free(doc);
	return rc;
}

/* ---- entry points ---- */

/* A theme of the site's own may have no print layouts or print.yml: the
 * default theme's are used under it. */
static void open_fallback(printer *pr)
{
	const char *d = pr->o->theme_display;
	size_t n = d ? strlen(d) : 0;
	char *dir, *err = NULL;

	if (!pr->o->theme_src || (n >= 7 && !strcmp(d + n - 7, "default")))
		return;
	dir = gz_theme_dir(gz_source_root(pr->src), "default", &pr->fallback_display);
	if (dir && gz_source_open_dir(&pr->fallback, dir, &err) < 0) {
		free(err);
		pr->fallback = NULL;
	}
	free(dir);
}

int gz_print_make(char **data, size_t *len, const gz_site *site, gz_source *src, const char *path,
		  const gz_print_opts *o, gz_print_used *used, gz_diag *d)
{
	printer pr;
	size_t n = strlen(path), i;
	int rc = -1;

	*data = NULL;
	*len = 0;
	memset(&pr, 0, sizeof(pr));
	pr.site = site;
	pr.src = src;
	pr.d = d;
	pr.o = o;
	pr.path = path;
	pr.used = used;
	open_fallback(&pr);
	pr.lua = gz_printlua_new(o->theme, src, o->theme_src, o->theme_display, pr.fallback,
				 pr.fallback_display, site);
	if (load_config(&pr) < 0)
		goto cleanup;
	if (n > 4 && (!strcmp(path + n - 4, ".yml") || (n > 5 && !strcmp(path + n - 5, ".yaml")))) {
		rc = make_brochure(&pr, data, len);
	} else if (n > 3 && !strcmp(path + n - 3, ".md")) {
		const gz_page *p = NULL;
		for (i = 0; i < site->nall && !p; i++)
			if (!strcmp(site->all[i]->path, path))
				p = site->all[i];
		if (!p)
			gz_diag_error(d, path, 0, 0, "no such page to print");
		else if (!p->layout || strcmp(p->layout, "trifold"))
			gz_diag_error(d, path, p->layout_line, p->layout_col,
				      "only pages with 'layout: trifold' print as leaflets");
		else if (p->broken)
			gz_diag_error(d, path, 0, 0, "the page has errors");
		else
			rc = make_leaflet(&pr, p, data, len);
	} else {
		gz_diag_error(d, path, 0, 0,
			      "print a brochure manifest (.yml) or a leaflet page (.md)");
	}
	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing: print: %s: %zu photo copies made, %zu from the cache\n", path,
			atomic_load(&pr.made), atomic_load(&pr.kept));
	if (rc == 0 && used) {
		for (i = 0; i < pr.image_keys.n; i++)
			gz_strlist_add(&used->files, pr.image_keys.items[i]);
		if (gz_printlua_touched(pr.lua, &used->files))
			used->site = true;
	}
cleanup:
	if (rc < 0) {
		free(*data);
		*data = NULL;
		*len = 0;
	}
	gz_pdf_free(pr.pdf);
	for (i = 0; i < pr.image_keys.n; i++) {
		print_image *pi = gz_map_get(&pr.images, pr.image_keys.items[i]);
		gz_pdf_image_free(pi->im);
		free(pi->jpeg);
		free(pi->where);
		free(pi);
	}
	gz_map_release(&pr.images);
	gz_strlist_release(&pr.image_keys);
	for (i = 0; i < pr.text_keys.n; i++)
		gz_pdf_text_free(gz_map_get(&pr.texts, pr.text_keys.items[i]));
	gz_map_release(&pr.texts);
	gz_strlist_release(&pr.text_keys);
	free(pr.text_font);
	free(pr.head_font);
	for (i = 0; i < 3; i++) {
		gz_value_free(pr.cfg[i]);
		free(pr.cfg_path[i]);
	}
	gz_value_free(pr.style);
	gz_printlua_free(pr.lua);
	gz_source_free(pr.fallback);
	free(pr.fallback_display);
	return rc;
}

/* The print files of one source into h. */
static uint64_t hash_print_files(uint64_t h, gz_source *s)
{
	gz_strlist files = {0};
	char *data;
	size_t len, i;

	if (!s)
		return gz_hash_mix(h, 0);
	gz_source_list(s, "print", &files);
	gz_strlist_sort(&files);
	gz_strlist_add(&files, "print.yml");
	for (i = 0; i < files.n; i++) {
		h = gz_hash_str(h, files.items[i]);
		if (gz_source_read(s, files.items[i], &data, &len) == 0) {
			h = gz_hash_add(h, data, len);
			free(data);
		}
	}
	h = gz_hash_mix(h, files.n);
	gz_strlist_release(&files);
	return h;
}

uint64_t gz_print_layouts_hash(gz_source *src, const gz_print_opts *o)
{
	printer pr;
	uint64_t h;

	memset(&pr, 0, sizeof(pr));
	pr.src = src;
	pr.o = o;
	open_fallback(&pr);
	h = hash_print_files(hash_print_files(hash_print_files(GZ_HASH_INIT, src), o->theme_src),
			     pr.fallback);
	gz_source_free(pr.fallback);
	free(pr.fallback_display);
	return h;
}

char *gz_print_output_name(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	gz_buf b = GZ_BUF_INIT;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	gz_buf_puts(&b, "print/");
	gz_buf_add(&b, base, dot ? (size_t)(dot - base) : strlen(base));
	gz_buf_puts(&b, ".pdf");
	return gz_buf_detach(&b, NULL);
}

int gz_print_command(const char *source, const char *path, const char *out, const gz_print_opts *o,
		     gz_diag *d)
{
	gz_source *src = NULL, *theme_src = NULL;
	gz_site site;
	gz_theme theme;
	gz_page_filters filters;
	gz_load_opts lo;
	char *err = NULL, *display = NULL, *data = NULL, *name = NULL, *tmp = NULL;
	char *cache_dir = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int rc = -1;

	memset(&site, 0, sizeof(site));
	memset(&theme, 0, sizeof(theme));
	if (gz_source_open_dir(&src, source, &err) < 0) {
		gz_diag_error(d, source, 0, 0, "%s", err);
		free(err);
		return -1;
	}
	/* a path given from the shell may carry the site folder in front */
	{
		size_t sl = strlen(source);
		while (sl > 1 && source[sl - 1] == '/')
			sl--;
		if (strcmp(source, ".") && !strncmp(path, source, sl) && path[sl] == '/')
			path += sl + 1;
		while (!strncmp(path, "./", 2))
			path += 2;
	}
	theme_src = gz_theme_open(&theme, src, source, &display, d);
	if (!theme_src)
		goto cleanup;
	memset(&lo, 0, sizeof(lo));
	lo.jobs = gz_pool_cores();
	filters = gz_script_page_filters(&theme);
	lo.filters = &filters;
	lo.future = true;
	gz_site_load(&site, src, &lo, d);
	if (d->errors)
		goto cleanup;
	{
		gz_print_opts with_theme = *o;
		with_theme.theme = &theme;
		with_theme.theme_src = theme_src;
		with_theme.theme_display = display;
		with_theme.cache_dir = cache_dir = gz_cache_dir(source, "print");
		if (gz_print_make(&data, &len, &site, src, path, &with_theme, NULL, d) < 0)
			goto cleanup;
		gz_printcache_prune(cache_dir);
	}
	if (out) {
		name = gz_strdup(out);
	} else {
		char *n = gz_print_output_name(path);
		name = gz_strdup(n + 6);
		free(n);
	}
	/* beside the target, renamed over it only when complete */
	{
		gz_buf t = GZ_BUF_INIT;
		gz_buf_printf(&t, "%s.tmp%ld", name, (long)getpid());
		tmp = gz_buf_detach(&t, NULL);
	}
	f = fopen(tmp, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		f = NULL;
		gz_diag_error(d, name, 0, 0, "cannot write the PDF");
		unlink(tmp);
		goto cleanup;
	}
	f = NULL;
	if (rename(tmp, name) < 0) {
		gz_diag_error(d, name, 0, 0, "cannot write the PDF");
		unlink(tmp);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (f)
		fclose(f);
	free(tmp);
	free(name);
	free(data);
	free(cache_dir);
	gz_site_release(&site);
	gz_theme_release(&theme);
	gz_source_free(theme_src);
	gz_source_free(src);
	free(display);
	return rc;
}
