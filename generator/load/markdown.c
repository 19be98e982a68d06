#include "load/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "load/doc.h"
#include "load/sanitize.h"
#include "base/strlist.h"
#include "base/text.h"

/* no tagfilter: raw HTML goes through sanitize.h, which does its work */
static const char *const extensions[] = {"table", "strikethrough", "autolink"};

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

void gz_markdown_init(void)
{
	pthread_once(&registered, register_extensions);
}

/* Last (or first) code point of a text node's literal; 0 if none. */
static uint32_t edge_char(cmark_node *n, bool last)
{
	const char *s;
	size_t len, i;
	uint32_t cp = 0;

	if (!n || cmark_node_get_type(n) != CMARK_NODE_TEXT)
		return 0;
	s = cmark_node_get_literal(n);
	if (!s || !(len = strlen(s)))
		return 0;
	if (!last) {
		gz_utf8_decode(s, len, &cp);
		return cp;
	}
	i = len;
	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0)
		i--;
	gz_utf8_decode(s + i, len - i, &cp);
	return cp;
}

static void add_plain(gz_buf *b, const char *s)
{
	gz_buf_puts(b, s);
}

static void end_block(gz_buf *b)
{
	if (b->len && b->ptr[b->len - 1] != '\n')
		gz_buf_putc(b, '\n');
}

static void with_base(cmark_node *n, const char *url, const char *base)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_puts(&b, base);
	gz_buf_puts(&b, url + 1);
	cmark_node_set_url(n, b.ptr);
	gz_buf_release(&b);
}

/*
 * Emphasis next to Chinese punctuation. CommonMark lets `**` close only if
 * it is not preceded by punctuation or is followed by a space or
 * punctuation, a rule made for languages that put spaces between words:
 * `**问：**答` stays literal, as does `是**“重点”**啊`. Before parsing, a
 * noncharacter (U+FDD0, "for internal use") goes between such a `*` run
 * and the punctuation, where the rule would otherwise fail; after parsing
 * every one is taken out again, so no text, code or URL keeps it.
 */
#define INSIDE "\xef\xb7\x90"
#define INSIDE_LEN 3

static bool cjk_punct(uint32_t c)
{
	return (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff0f) ||
	       (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
	       (c >= 0xff5b && c <= 0xff65) || (c >= 0xfe30 && c <= 0xfe4f) || c == 0x2014 ||
	       (c >= 0x2018 && c <= 0x201f) || c == 0x2026 || c == 0x00b7;
}

static bool any_punct(uint32_t c)
{
	return (c < 0x80 && c > 0x20 && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'z') &&
		!(c >= 'A' && c <= 'Z')) ||
	       (c >= 0x2010 && c <= 0x205e) || cjk_punct(c);
}

static bool blank(uint32_t c)
{
	return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000;
}

static bool cjk_letter(uint32_t c)
{
	return gz_is_cjk(c) && !cjk_punct(c);
}

/* The code point before md + i (0 at the start). */
static uint32_t char_before(const char *md, size_t i)
{
	size_t k = i;
	uint32_t c = 0;

	while (k > 0 && i - k < 4 && ((unsigned char)md[k - 1] & 0xc0) == 0x80)
		k--;
	if (k == 0)
		return 0;
	gz_utf8_decode(md + k - 1, i - k + 1, &c);
	return c;
}

/* Copy md into out with the marks placed; false if none was needed. */
static bool mark_cjk_emphasis(gz_buf *out, const char *md, size_t len)
{
	size_t i, from = 0;
	bool any = false;

	for (i = 0; i < len; i++) {
		uint32_t before, after = 0;
		size_t j;
		bool close_fix, open_fix;

		if (md[i] != '*' || (i > 0 && md[i - 1] == '*'))
			continue;
		for (j = i; j < len && md[j] == '*'; j++)
			;
		before = char_before(md, i);
		if (j < len)
			gz_utf8_decode(md + j, len - j, &after);
		/* `：**答`: the run cannot close; `答**“`: it cannot open */
		close_fix = any_punct(before) && !blank(after) && !any_punct(after) &&
			    (cjk_punct(before) || cjk_letter(after));
		open_fix = any_punct(after) && !blank(before) && !any_punct(before) &&
			   (cjk_punct(after) || cjk_letter(before));
		if (!close_fix && !open_fix) {
			i = j - 1;
			continue;
		}
		if (!any)
			gz_buf_grow(out, len + 64);
		any = true;
		gz_buf_add(out, md + from, i - from);
		if (close_fix)
			gz_buf_add(out, INSIDE, INSIDE_LEN);
		gz_buf_add(out, md + i, j - i);
		if (open_fix)
			gz_buf_add(out, INSIDE, INSIDE_LEN);
		from = j;
		i = j - 1;
	}
	if (any)
		gz_buf_add(out, md + from, len - from);
	return any;
}

/* s without the marks, or NULL if it has none (caller frees). */
static char *unmarked(const char *s)
{
	gz_buf b = GZ_BUF_INIT;
	const char *at;

	if (!s || !(at = strstr(s, INSIDE)))
		return NULL;
	do {
		gz_buf_add(&b, s, (size_t)(at - s));
		s = at + INSIDE_LEN;
	} while ((at = strstr(s, INSIDE)));
	gz_buf_puts(&b, s);
	return gz_buf_detach(&b, NULL);
}

static void unmark_tree(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	char *clean;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			if ((clean = unmarked(cmark_node_get_url(n)))) {
				cmark_node_set_url(n, clean);
				free(clean);
			}
			if ((clean = unmarked(cmark_node_get_title(n)))) {
				cmark_node_set_title(n, clean);
				free(clean);
			}
			break;
		default:
			if ((clean = unmarked(cmark_node_get_literal(n)))) {
				cmark_node_set_literal(n, clean);
				free(clean);
			}
			break;
		}
	}
	cmark_iter_free(it);
}

/* cmark counts columns in bytes; messages count characters. */
static int char_column(const char *md, size_t len, int line, int byte_col)
{
	size_t i = 0, end;
	int col = 1;

	while (line > 1 && i < len) {
		const char *nl = memchr(md + i, '\n', len - i);
		if (!nl)
			return byte_col;
		i = (size_t)(nl - md) + 1;
		line--;
	}
	end = i + (size_t)(byte_col > 0 ? byte_col - 1 : 0);
	for (; i < end && i < len; i++) {
		/* the marks of mark_cjk_emphasis are not in the file */
		if (len - i >= INSIDE_LEN && !memcmp(md + i, INSIDE, INSIDE_LEN)) {
			i += INSIDE_LEN - 1;
			continue;
		}
		if (((unsigned char)md[i] & 0xc0) != 0x80)
			col++;
	}
	return col;
}

/* ---- the block list (doc.h), from the same tree the HTML comes from ---- */

typedef struct {
	gz_buf *doc;
	int quote;              /* block quote depth */
	int list;               /* list depth */
	bool ordered[16];
	int counter[16];
	bool item_open;         /* the next paragraph is its item's first */
	const gz_strlist *frags; /* shortcodes' blocks, by custom block user data */
	gz_strlist pending;     /* images inside a paragraph's inlines, for after it */
} doc_walk;

/* The image index a "<!--gz-img N-->" or "<!--gz-fig N-->" names, or -1. */
static long image_mark(const char *s)
{
	char *end;
	long k;

	if (!s || (strncmp(s, "<!--gz-img ", 11) && strncmp(s, "<!--gz-fig ", 11)))
		return -1;
	k = strtol(s + 11, &end, 10);
	return strncmp(end, "-->", 3) ? -1 : k;
}

static bool is_ext(cmark_node *n, const char *name)
{
	const char *t = cmark_node_get_type_string(n);
	return t && !strcmp(t, name);
}

static void inline_markup(doc_walk *w, gz_buf *m, cmark_node *parent)
{
	cmark_node *n;

	for (n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		const char *lit = cmark_node_get_literal(n);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
			if (lit)
				gz_doc_escape(m, lit, strlen(lit));
			break;
		case CMARK_NODE_CODE:
			gz_buf_puts(m, "<tt>");
			if (lit)
				gz_doc_escape(m, lit, strlen(lit));
			gz_buf_puts(m, "</tt>");
			break;
		case CMARK_NODE_SOFTBREAK:
			gz_buf_putc(m, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			gz_buf_putc(m, '\n');
			break;
		case CMARK_NODE_EMPH:
			gz_buf_puts(m, "<i>");
			inline_markup(w, m, n);
			gz_buf_puts(m, "</i>");
			break;
		case CMARK_NODE_STRONG:
			gz_buf_puts(m, "<b>");
			inline_markup(w, m, n);
			gz_buf_puts(m, "</b>");
			break;
		case CMARK_NODE_CUSTOM_INLINE: {
			long k = image_mark(cmark_node_get_on_enter(n));
			if (k >= 0) {
				char num[24];
				snprintf(num, sizeof(num), "#%ld", k);
				gz_strlist_add(&w->pending, num);
			}
			break;
		}
		case CMARK_NODE_IMAGE: {
			/* not a file of the site: its description stands for it */
			gz_buf alt = GZ_BUF_INIT;
			gz_buf_putc(&alt, '=');
			inline_markup(w, &alt, n);
			gz_strlist_take(&w->pending, gz_buf_detach(&alt, NULL));
			break;
		}
		case CMARK_NODE_HTML_INLINE:
			break;
		default:
			if (is_ext(n, "strikethrough")) {
				gz_buf_puts(m, "<s>");
				inline_markup(w, m, n);
				gz_buf_puts(m, "</s>");
			} else if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_REFERENCE) {
				gz_buf_puts(m, "<sup>");
				if (lit)
					gz_doc_escape(m, lit, strlen(lit));
				gz_buf_puts(m, "</sup>");
			} else {
				/* links and anything else: their text */
				inline_markup(w, m, n);
			}
			break;
		}
	}
}

/* Whether markup holds any text but spaces. */
static bool has_text(const char *m)
{
	for (; *m; m++)
		if (*m != ' ' && *m != '\n' && *m != '\t')
			return true;
	return false;
}

static void flush_pending(doc_walk *w)
{
	size_t i;

	for (i = 0; i < w->pending.n; i++) {
		const char *s = w->pending.items[i];
		/* "#N", an image of the page, or "=alt", one that is not */
		if (*s == '#')
			gz_doc_add2(w->doc, GZ_DOC_IMAGE, '-', (int)strtol(s + 1, NULL, 10), "", NULL);
		else
			gz_doc_add2(w->doc, GZ_DOC_IMAGE, '-', -1, s + 1, NULL);
	}
	gz_strlist_release(&w->pending);
}

static void para_block(doc_walk *w, cmark_node *n)
{
	gz_buf m = GZ_BUF_INIT;

	inline_markup(w, &m, n);
	if (has_text(m.ptr)) {
		if (w->list > 0) {
			int d = w->list - 1;
			char mark[16] = "";
			if (w->item_open && d < 16) {
				if (w->ordered[d])
					snprintf(mark, sizeof(mark), "%d.", w->counter[d]);
				else
					snprintf(mark, sizeof(mark), "%s", d ? "◦" : "•");
			}
			gz_doc_add2(w->doc, GZ_DOC_ITEM, '-', w->list, mark, m.ptr);
			w->item_open = false;
		} else if (w->quote > 0) {
			gz_doc_add2(w->doc, GZ_DOC_QUOTE, '-', w->quote, m.ptr, NULL);
		} else {
			gz_doc_add2(w->doc, GZ_DOC_PARA, '-', 0, m.ptr, NULL);
		}
	}
	gz_buf_release(&m);
	flush_pending(w);
}

static void table_block(doc_walk *w, cmark_node *t)
{
	gz_strlist cells = {0};
	cmark_node *row, *cell;
	int cols = 0;

	for (row = cmark_node_first_child(t); row; row = cmark_node_next(row)) {
		int k = 0;
		for (cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell))
			k++;
		if (k > cols)
			cols = k;
	}
	for (row = cmark_node_first_child(t); row; row = cmark_node_next(row)) {
		int k = 0;
		bool head = is_ext(row, "table_header") || row == cmark_node_first_child(t);
		for (cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell), k++) {
			gz_buf m = GZ_BUF_INIT;
			if (head)
				gz_buf_puts(&m, "<b>");
			inline_markup(w, &m, cell);
			if (head)
				gz_buf_puts(&m, "</b>");
			gz_strlist_take(&cells, gz_buf_detach(&m, NULL));
		}
		for (; k < cols; k++)
			gz_strlist_add(&cells, "");
	}
	if (cols && cells.n)
		gz_doc_add(w->doc, GZ_DOC_TABLE, '-', cols, cells.n, (const char *const *)cells.items);
	gz_strlist_release(&cells);
	flush_pending(w);
}

static void walk_blocks(doc_walk *w, cmark_node *parent)
{
	cmark_node *n;

	for (n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_PARAGRAPH:
			para_block(w, n);
			break;
		case CMARK_NODE_HEADING: {
			gz_buf m = GZ_BUF_INIT;
			inline_markup(w, &m, n);
			if (has_text(m.ptr))
				gz_doc_add2(w->doc, GZ_DOC_HEAD, '-', cmark_node_get_heading_level(n),
					    m.ptr, NULL);
			gz_buf_release(&m);
			flush_pending(w);
			break;
		}
		case CMARK_NODE_BLOCK_QUOTE:
			w->quote++;
			walk_blocks(w, n);
			w->quote--;
			break;
		case CMARK_NODE_LIST: {
			int d = w->list;
			if (d < 16) {
				w->ordered[d] = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
				w->counter[d] = cmark_node_get_list_start(n) - 1;
			}
			w->list++;
			walk_blocks(w, n);
			w->list--;
			break;
		}
		case CMARK_NODE_ITEM:
			if (w->list > 0 && w->list <= 16)
				w->counter[w->list - 1]++;
			w->item_open = true;
			walk_blocks(w, n);
			w->item_open = false;
			break;
		case CMARK_NODE_CODE_BLOCK: {
			const char *lit = cmark_node_get_literal(n);
			if (lit && *lit)
				gz_doc_add2(w->doc, GZ_DOC_CODE, '-', 0, lit, NULL);
			break;
		}
		case CMARK_NODE_THEMATIC_BREAK:
			gz_doc_add2(w->doc, GZ_DOC_RULE, '-', 0, NULL, NULL);
			break;
		case CMARK_NODE_CUSTOM_BLOCK: {
			/* a shortcode's (its blocks), or an image set apart */
			uintptr_t frag = (uintptr_t)cmark_node_get_user_data(n);
			long k = frag ? -1 : image_mark(cmark_node_get_on_enter(n));
			if (frag && w->frags && frag <= w->frags->n)
				gz_buf_puts(w->doc, w->frags->items[frag - 1]);
			else if (k >= 0)
				gz_doc_add2(w->doc, GZ_DOC_IMAGE, '-', (int)k, "", NULL);
			break;
		}
		case CMARK_NODE_HTML_BLOCK:
			break;
		default:
			if (is_ext(n, "table"))
				table_block(w, n);
			else
				walk_blocks(w, n); /* footnote definitions and the like */
			break;
		}
	}
}

static void make_doc(gz_buf *doc, cmark_node *root, const gz_strlist *frags)
{
	doc_walk w;

	memset(&w, 0, sizeof(w));
	w.doc = doc;
	w.frags = frags;
	walk_blocks(&w, root);
	gz_strlist_release(&w.pending);
}

/* A doc's blocks again with another target. */
static void retarget(gz_buf *out, const char *doc, char target)
{
	gz_doc_reader r;
	gz_doc_block b;

	gz_doc_reader_init(&r, doc);
	while (gz_doc_next(&r, &b))
		gz_doc_add(out, b.kind, target == '-' ? b.target : target, b.num, b.nfields,
			   (const char *const *)b.fields);
	gz_doc_reader_release(&r);
}

typedef struct {
	char *name, *args;
	int line;           /* in the body */
} shortcode;

typedef struct {
	shortcode *items;
	size_t n, cap;
} shortcodes;

static void free_shortcodes(shortcodes *scs)
{
	size_t i;

	for (i = 0; i < scs->n; i++) {
		free(scs->items[i].name);
		free(scs->items[i].args);
	}
	free(scs->items);
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/*
 * Turn ::: fences into HTML comment lines the parser keeps as blocks of
 * their own (<!--gz-sc:N--> … <!--gz-sc-end:N-->), one line for one line so
 * line numbers stay right. Returns 0, or -1 with *err and *err_line.
 */
/* If line l (n bytes) is a code fence (``` or ~~~, up to three spaces in),
 * its length, with its character in *c and what follows it at l + *rest;
 * else 0. */
static size_t code_fence(const char *l, size_t n, char *c, size_t *rest)
{
	size_t k = 0, run;

	while (k < n && k < 3 && l[k] == ' ')
		k++;
	if (k >= n || (l[k] != '`' && l[k] != '~'))
		return 0;
	*c = l[k];
	for (run = 0; k + run < n && l[k + run] == *c; run++)
		;
	*rest = k + run;
	return run >= 3 ? run : 0;
}

static int mark_shortcodes(gz_buf *outb, const char *md, size_t len, shortcodes *scs, char **err,
			   int *err_line)
{
	size_t i = 0, stack[64], fence = 0, run, rest = 0;
	int depth = 0, line = 1;
	char fc = 0, c;

	while (i < len) {
		const char *nl = memchr(md + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - md) : len, n = end - i;
		const char *l = md + i;

		/* a ::: line inside a fenced code block is code, not a shortcode */
		run = code_fence(l, n, &c, &rest);
		if (fence && run >= fence && c == fc) {
			while (rest < n && (l[rest] == ' ' || l[rest] == '\t' || l[rest] == '\r'))
				rest++;
			if (rest == n)
				fence = 0;
		} else if (!fence && run && !(c == '`' && memchr(l + rest, '`', n - rest))) {
			fence = run;
			fc = c;
		}
		if (!fence && !run && n >= 3 && !memcmp(l, ":::", 3)) {
			size_t k = 3, name_start, name_end;
			while (k < n && (l[k] == ' ' || l[k] == '\t'))
				k++;
			name_start = k;
			while (k < n && is_name_char(l[k]))
				k++;
			name_end = k;
			while (n > k && (l[n - 1] == ' ' || l[n - 1] == '\r' || l[n - 1] == '\t'))
				n--;
			if (name_end == name_start && k >= n) {
				/* a closing fence */
				if (!depth) {
					gz_buf b = GZ_BUF_INIT;
					gz_buf_puts(&b, _("':::' closes no shortcode; remove it or open one "
							"with '::: name'"));
					*err = gz_buf_detach(&b, NULL);
					*err_line = line;
					return -1;
				}
				gz_buf_printf(outb, "<!--gz-sc-end:%zu-->", stack[--depth]);
			} else if (name_end > name_start) {
				shortcode sc;
				if (depth == 64) {
					*err = gz_strdup("shortcodes nest too deeply");
					*err_line = line;
					return -1;
				}
				sc.name = gz_strndup(l + name_start, name_end - name_start);
				while (k < n && (l[k] == ' ' || l[k] == '\t'))
					k++;
				sc.args = gz_strndup(l + k, n > k ? n - k : 0);
				sc.line = line;
				GZ_GROW(scs->items, scs->cap, scs->n + 1);
				scs->items[scs->n] = sc;
				stack[depth++] = scs->n;
				gz_buf_printf(outb, "<!--gz-sc:%zu-->", scs->n++);
			} else {
				gz_buf_add(outb, l, end - i);
			}
		} else {
			gz_buf_add(outb, l, end - i);
		}
		if (nl)
			gz_buf_putc(outb, '\n');
		i = end + 1;
		line++;
	}
	if (depth) {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, _("shortcode '%s' is never closed; add a line with ':::' after it"),
			      scs->items[stack[depth - 1]].name);
		*err = gz_buf_detach(&b, NULL);
		*err_line = scs->items[stack[depth - 1]].line;
		return -1;
	}
	return 0;
}

/* The shortcode number a marker block stands for, or -1. */
static long marker(cmark_node *n, bool end)
{
	const char *lit, *pre = end ? "<!--gz-sc-end:" : "<!--gz-sc:";
	size_t pl = strlen(pre);

	if (cmark_node_get_type(n) != CMARK_NODE_HTML_BLOCK)
		return -1;
	lit = cmark_node_get_literal(n);
	if (!lit || strncmp(lit, pre, pl))
		return -1;
	return strtol(lit + pl, NULL, 10);
}

/* What one render carries between its steps. */
typedef struct {
	gz_md_result *out;
	const gz_md_opts *opts;
	size_t cap;             /* of out->images */
	gz_strlist frags;       /* each expanded shortcode's blocks */
	int options;
	cmark_llist *exts;
} render;

static void add_image(render *r, const gz_md_image *img)
{
	GZ_GROW(r->out->images, r->cap, r->out->nimages + 1);
	r->out->images[r->out->nimages++] = *img;
}

typedef struct {
	render *r;
	int line;               /* the shortcode's, in the file */
} sc_ctx;

static int sc_image(gz_md_sc *sc, const char *src, const char *alt, const char *caption,
		    const char *credit, char **html)
{
	sc_ctx *c = sc->ctx;
	const gz_md_opts *opts = c->r->opts;
	gz_md_image img;
	long k = -1;

	*html = NULL;
	memset(&img, 0, sizeof(img));
	img.src = gz_strdup(src ? src : "");
	img.alt = gz_strdup(alt ? alt : "");
	img.caption = caption;
	img.credit = credit;
	img.block = true;
	img.line = c->line;
	img.col = 1;
	if (opts->image_html)
		*html = opts->image_html(&img, opts->image_payload);
	img.caption = img.credit = NULL;
	add_image(c->r, &img);
	if (*html && (k = image_mark(*html)) < 0) {
		free(*html);
		*html = NULL;
	}
	return (int)k;
}

/* A shortcode's blocks: its print form for print and its text form for
 * text where it gives them, the defaults (markdown.h) where it does not. */
static char *sc_blocks(gz_md_sc *sc)
{
	gz_buf b = GZ_BUF_INIT;
	bool print = sc->print.len > 0, text = sc->text && has_text(sc->text);

	if (print)
		retarget(&b, sc->print.ptr, text ? 'p' : '-');
	if (text) {
		const char *s = sc->text;
		while (*s) {
			const char *eol = strchr(s, '\n');
			size_t n = eol ? (size_t)(eol - s) : strlen(s);
			gz_buf m = GZ_BUF_INIT;
			gz_doc_escape(&m, s, n);
			if (has_text(m.ptr))
				gz_doc_add2(&b, GZ_DOC_PARA, print ? 't' : '-', 0, m.ptr, NULL);
			gz_buf_release(&m);
			s += n + (eol ? 1 : 0);
		}
	}
	if (!print && !text)
		gz_buf_puts(&b, sc->inner_doc);
	return gz_buf_detach(&b, NULL);
}

/*
 * Replace every marked shortcode under parent by a block holding the HTML
 * its Lua function returns and its blocks (doc.h) as user data, inner
 * ones first. The inner Markdown is rendered on its own.
 */
static int expand_shortcodes(render *r, cmark_node *parent, const shortcodes *scs)
{
	const gz_md_opts *opts = r->opts;
	cmark_node *n = cmark_node_first_child(parent), *next;

	for (; n; n = next) {
		long id = marker(n, false);
		cmark_node *inner, *c, *after, *block;
		char *err = NULL;
		const shortcode *sc;
		gz_md_sc call;
		gz_buf inner_doc = GZ_BUF_INIT, inner_text = GZ_BUF_INIT;
		sc_ctx ctx;

		next = cmark_node_next(n);
		if (id < 0 || (size_t)id >= scs->n)
			continue;
		sc = &scs->items[id];
		inner = cmark_node_new(CMARK_NODE_DOCUMENT);
		for (c = cmark_node_next(n); c && marker(c, true) != id; c = after) {
			after = cmark_node_next(c);
			cmark_node_unlink(c);
			cmark_node_append_child(inner, c);
		}
		if (expand_shortcodes(r, inner, scs) < 0) {
			cmark_node_free(inner);
			return -1;
		}
		memset(&call, 0, sizeof(call));
		call.print = (gz_buf)GZ_BUF_INIT;
		make_doc(&inner_doc, inner, &r->frags);
		gz_doc_text(&inner_text, inner_doc.ptr, NULL, NULL);
		call.name = sc->name;
		call.args = sc->args;
		call.line = sc->line + opts->line_offset;
		call.inner_html = cmark_render_html(inner, r->options, r->exts);
		call.inner_text = inner_text.ptr;
		call.inner_doc = inner_doc.ptr;
		call.image = sc_image;
		ctx.r = r;
		ctx.line = call.line;
		call.ctx = &ctx;
		cmark_node_free(inner);
		if (!opts->hooks || !opts->hooks->shortcode) {
			gz_buf b = GZ_BUF_INIT;
			gz_buf_printf(&b, _("unknown shortcode '%s'"), sc->name);
			err = gz_buf_detach(&b, NULL);
		} else {
			opts->hooks->shortcode(&call, opts->hooks->payload, &err);
		}
		free((char *)call.inner_html);
		if (!err) {
			block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
			cmark_node_set_on_enter(block, call.html ? call.html : "");
			cmark_node_set_on_exit(block, "");
			gz_strlist_take(&r->frags, sc_blocks(&call));
			cmark_node_set_user_data(block, (void *)(uintptr_t)r->frags.n);
			cmark_node_insert_before(n, block);
		}
		free(call.html);
		free(call.text);
		gz_buf_release(&call.print);
		gz_buf_release(&inner_doc);
		gz_buf_release(&inner_text);
		if (err) {
			r->out->error = err;
			r->out->error_line = sc->line + opts->line_offset;
			return -1;
		}
		next = cmark_node_next(n);
		if (next && marker(next, true) == id) {
			after = cmark_node_next(next);
			cmark_node_free(next);
			next = after;
		}
		cmark_node_free(n);
	}
	return 0;
}

/* The text of an image's description, for alt. */
static char *image_alt(cmark_node *img)
{
	gz_buf b = GZ_BUF_INIT;
	cmark_iter *it = cmark_iter_new(img);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && n != img && cmark_node_get_literal(n))
			gz_buf_puts(&b, cmark_node_get_literal(n));
	}
	cmark_iter_free(it);
	return gz_buf_detach(&b, NULL);
}

/* Whether a paragraph holds nothing but spaces and line breaks. */
static bool blank_para(cmark_node *p)
{
	cmark_node *n;

	for (n = cmark_node_first_child(p); n; n = cmark_node_next(n)) {
		const char *lit = cmark_node_get_literal(n);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			continue;
		if (t != CMARK_NODE_TEXT || (lit && lit[strspn(lit, " \t\r\n")]))
			return false;
	}
	return true;
}

/* Set the image node img (a child of a paragraph) apart as a block
 * holding html: the text after it goes into a paragraph of its own, and a
 * paragraph left empty leaves the tree for graveyard: its text nodes, in
 * the paragraph after it now, point into the buffer it owns, so it is
 * freed only after the document. */
static void set_apart(cmark_node *img, const char *html, cmark_node *graveyard)
{
	cmark_node *para = cmark_node_parent(img), *rest, *n, *next, *block;

	rest = cmark_node_new(CMARK_NODE_PARAGRAPH);
	for (n = cmark_node_next(img); n; n = next) {
		next = cmark_node_next(n);
		cmark_node_unlink(n);
		cmark_node_append_child(rest, n);
	}
	block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
	cmark_node_set_on_enter(block, html);
	cmark_node_set_on_exit(block, "");
	cmark_node_insert_after(para, block);
	cmark_node_insert_after(block, rest);
	cmark_node_free(img);
	if (blank_para(rest))
		cmark_node_free(rest);
	if (blank_para(para)) {
		cmark_node_unlink(para);
		cmark_node_append_child(graveyard, para);
	}
}

/* Let the caller write each image (opts->image_html): the image node is
 * replaced by its HTML, a block of its own when it stood in a paragraph
 * (not in a link, a heading or a table). */
static void custom_images(gz_md_result *out, cmark_node **nodes, const gz_md_opts *opts,
			  cmark_node *graveyard)
{
	size_t k;

	for (k = 0; k < out->nimages; k++) {
		char *html;
		const char *title = cmark_node_get_title(nodes[k]);
		cmark_node *parent = cmark_node_parent(nodes[k]), *c;

		out->images[k].alt = image_alt(nodes[k]);
		out->images[k].title = title && *title ? gz_strdup(title) : NULL;
		out->images[k].block = parent && cmark_node_get_type(parent) == CMARK_NODE_PARAGRAPH;
		if (!opts->image_html)
			continue;
		html = opts->image_html(&out->images[k], opts->image_payload);
		if (!html)
			continue;
		if (out->images[k].block && image_mark(html) >= 0) {
			set_apart(nodes[k], html, graveyard);
		} else {
			c = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
			cmark_node_set_on_enter(c, html);
			/* a table cell takes no custom node: the image stays as cmark
			 * writes it */
			if (cmark_node_replace(nodes[k], c))
				cmark_node_free(nodes[k]);
			else
				cmark_node_free(c);
		}
		free(html);
	}
}

/* Raw HTML (when kept) and link and image targets that could run a script
 * are disarmed (sanitize.h), after the filters so what they add is too. */
static void sanitize_tree(cmark_node *doc, const gz_md_opts *opts)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *s;
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if ((t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) && opts->unsafe &&
		    (s = cmark_node_get_literal(n))) {
			char *safe = gz_sanitize_html(s, strlen(s), opts->allow_embeds);
			cmark_node_set_literal(n, safe);
			free(safe);
		} else if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) &&
			   (s = cmark_node_get_url(n)) && !gz_sanitize_url_ok(s, t == CMARK_NODE_IMAGE)) {
			cmark_node_set_url(n, "");
		}
	}
	cmark_iter_free(it);
}

/* The walk before the render: the lead's text (into lead), the images
 * (into r->out, their nodes into the array returned, caller frees),
 * line breaks in Chinese text dropped, site-absolute links and images
 * given the base path. md and len are what was parsed, for columns. */
static cmark_node **read_tree(render *r, cmark_node *doc, const char *md, size_t len, gz_buf *lead)
{
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node *node, **nodes = NULL;
	size_t ncap = 0;
	int in_para = 0, in_heading = 0, in_table = 0, in_image = 0;
	const char *base = r->opts->base_path && strcmp(r->opts->base_path, "/") ? r->opts->base_path
										: NULL;

	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node_type t;

		node = cmark_iter_get_node(it);
		t = cmark_node_get_type(node);
		if (ev == CMARK_EVENT_EXIT) {
			if (t == CMARK_NODE_PARAGRAPH) {
				in_para--;
				if (!in_heading && !in_table)
					end_block(lead);
			}
			if (t == CMARK_NODE_HEADING)
				in_heading--;
			if (t == CMARK_NODE_IMAGE)
				in_image--;
			if (cmark_node_get_type_string(node) &&
			    !strcmp(cmark_node_get_type_string(node), "table"))
				in_table--;
			continue;
		}
		if (cmark_node_get_type_string(node) &&
		    !strcmp(cmark_node_get_type_string(node), "table")) {
			in_table++;
			continue;
		}
		switch (t) {
		case CMARK_NODE_PARAGRAPH:
			in_para++;
			break;
		case CMARK_NODE_HEADING:
			in_heading++;
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			/* an image's alt text is not part of the story's text */
			if (in_image)
				break;
			if (in_para && !in_heading && !in_table && lead->len < 4096)
				add_plain(lead, cmark_node_get_literal(node));
			break;
		case CMARK_NODE_SOFTBREAK: {
			cmark_node *prev = cmark_node_previous(node), *next = cmark_node_next(node);
			uint32_t a = edge_char(prev, true), z = edge_char(next, false);
			if ((a && gz_is_cjk(a)) || (z && gz_is_cjk(z))) {
				/* a line break inside Chinese text is not a space:
				 * drop the node once the iterator has left it */
				cmark_node_set_type(node, CMARK_NODE_TEXT);
				cmark_node_set_literal(node, "");
			} else if (in_para) {
				gz_buf_putc(lead, ' ');
			}
			break;
		}
		case CMARK_NODE_IMAGE: {
			const char *url = cmark_node_get_url(node);
			/* an image in another's description is part of its alt text
			 * (and goes when that image is replaced) */
			if (in_image++)
				break;
			GZ_GROW(r->out->images, r->cap, r->out->nimages + 1);
			GZ_GROW(nodes, ncap, r->out->nimages + 1);
			nodes[r->out->nimages] = node;
			r->out->images[r->out->nimages].src = gz_strdup(url ? url : "");
			r->out->images[r->out->nimages].alt = NULL;
			r->out->images[r->out->nimages].title = NULL;
			r->out->images[r->out->nimages].caption = NULL;
			r->out->images[r->out->nimages].credit = NULL;
			r->out->images[r->out->nimages].block = false;
			r->out->images[r->out->nimages].line =
				cmark_node_get_start_line(node) + r->opts->line_offset;
			r->out->images[r->out->nimages].col = char_column(
				md, len, cmark_node_get_start_line(node), cmark_node_get_start_column(node));
			r->out->nimages++;
			if (base && url && url[0] == '/' && url[1] != '/') {
				with_base(node, url, base);
			} else if (r->opts->rel_base && url && *url && url[0] != '/' && url[0] != '#' &&
				   !strchr(url, ':')) {
				gz_buf b = GZ_BUF_INIT;
				gz_buf_printf(&b, "%s%s", r->opts->rel_base, url);
				with_base(node, b.ptr, base ? base : "/");
				gz_buf_release(&b);
			}
			break;
		}
		case CMARK_NODE_LINK: {
			const char *url = cmark_node_get_url(node);
			if (base && url && url[0] == '/' && url[1] != '/')
				with_base(node, url, base);
			break;
		}
		default:
			break;
		}
	}
	cmark_iter_free(it);
	return nodes;
}

int gz_markdown_render(gz_md_result *out, const char *md, size_t len, const gz_md_opts *opts)
{
	shortcodes scs = {0};
	gz_buf marked = GZ_BUF_INIT;
	int options = CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_FOOTNOTES;
	cmark_parser *parser;
	cmark_node *doc;
	gz_buf plain = GZ_BUF_INIT, lead = GZ_BUF_INIT, emph = GZ_BUF_INIT, doc_b = GZ_BUF_INIT;
	bool marks = false;
	cmark_node **image_nodes = NULL, *graveyard = NULL;
	size_t i;
	render r;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.out = out;
	r.opts = opts;
	gz_markdown_init();
	if (opts->unsafe)
		options |= CMARK_OPT_UNSAFE;
	parser = cmark_parser_new(options);
	for (i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++) {
		cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
		if (ext)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	if (memmem(md, len, ":::", 3)) {
		if (mark_shortcodes(&marked, md, len, &scs, &out->error, &out->error_line) < 0) {
			out->error_line += opts->line_offset;
			goto fail;
		}
		md = marked.ptr;
		len = marked.len;
	}
	if (memchr(md, '*', len) && mark_cjk_emphasis(&emph, md, len)) {
		md = emph.ptr;
		len = emph.len;
		marks = true;
	}
	cmark_parser_feed(parser, md, len);
	doc = cmark_parser_finish(parser);
	if (marks)
		unmark_tree(doc);
	if (opts->hooks && opts->hooks->filter &&
	    opts->hooks->filter((gz_md_node *)doc, opts->hooks->payload, &out->error) < 0) {
		cmark_node_free(doc);
		goto fail;
	}

	image_nodes = read_tree(&r, doc, md, len, &lead);
	graveyard = cmark_node_new(CMARK_NODE_DOCUMENT);
	custom_images(out, image_nodes, opts, graveyard);
	free(image_nodes);
	sanitize_tree(doc, opts);

	r.options = options;
	r.exts = cmark_parser_get_syntax_extensions(parser);
	if (scs.n && expand_shortcodes(&r, doc, &scs) < 0) {
		cmark_node_free(doc);
		gz_buf_release(&lead);
		goto fail;
	}
	out->html = cmark_render_html(doc, options, r.exts);
	out->html_len = strlen(out->html);
	make_doc(&doc_b, doc, &r.frags);
	gz_doc_text(&plain, doc_b.ptr, NULL, NULL);
	out->doc = gz_buf_detach(&doc_b, NULL);
	gz_strlist_release(&r.frags);
	gz_text_squeeze(&lead);
	out->plain = gz_buf_detach(&plain, &out->plain_len);
	out->lead = gz_buf_detach(&lead, NULL);
	cmark_node_free(doc);
	cmark_node_free(graveyard);
	cmark_parser_free(parser);
	free_shortcodes(&scs);
	gz_buf_release(&marked);
	gz_buf_release(&emph);
	return 0;
fail:
	if (graveyard)
		cmark_node_free(graveyard);
	gz_strlist_release(&r.frags);
	cmark_parser_free(parser);
	free_shortcodes(&scs);
	gz_buf_release(&marked);
	gz_buf_release(&emph);
	out->html = gz_strdup("");
	out->doc = gz_strdup("");
	out->plain = gz_strdup("");
	out->lead = gz_strdup("");
	return -1;
}

void gz_md_result_release(gz_md_result *r)
{
	size_t i;

	free(r->html);
	free(r->doc);
	free(r->plain);
	free(r->lead);
	for (i = 0; i < r->nimages; i++) {
		free(r->images[i].src);
		free(r->images[i].alt);
		free(r->images[i].title);
	}
	free(r->images);
	free(r->error);
	memset(r, 0, sizeof(*r));
}
