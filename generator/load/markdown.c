#include "load/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "load/doc.h"
#include "load/markdown_private.h"
#include "load/sanitize.h"
#include "base/strlist.h"
#include "base/text.h"

/* no tagfilter: raw HTML goes through sanitize.h, which does its work */
static const char *const extensions[] = {"table", "strikethrough", "autolink", "tasklist"};

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
		/* the next star by memchr: a page has few, among thousands of bytes */
		const char *star = memchr(md + i, '*', len - i);

		if (!star)
			break;
		i = (size_t)(star - md);
		if (i > 0 && md[i - 1] == '*')
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

void md_add_image(render *r, const gz_md_image *img)
{
	GZ_GROW(r->out->images, r->cap, r->out->nimages + 1);
	r->out->images[r->out->nimages++] = *img;
}

void md_add_error(render *r, char *msg, int line)
{
	GZ_GROW(r->out->errors, r->ecap, r->out->nerrors + 1);
	r->out->errors[r->out->nerrors].msg = msg;
	r->out->errors[r->out->nerrors++].line = line;
}

/* The errors in the order of the text (a fence's are found before the
 * shortcodes run); a placed one, of a hook's file, after them. Stable: a
 * line's errors stay in the order they were found. */
static void sort_errors(gz_md_result *out)
{
	size_t i, k;

	for (i = 1; i < out->nerrors; i++) {
		gz_md_error e = out->errors[i];
		unsigned key = e.line > 0 ? (unsigned)e.line : UINT_MAX;
		for (k = i; k > 0; k--) {
			const gz_md_error *prev = &out->errors[k - 1];
			if ((prev->line > 0 ? (unsigned)prev->line : UINT_MAX) <= key)
				break;
			out->errors[k] = *prev;
		}
		out->errors[k] = e;
	}
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
		if (out->images[k].block && md_image_mark(html) >= 0) {
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
/* Is node (of type t) the table extension's table? Only a type past
 * cmark's own can be: the name, a call and a strcmp, is asked of those
 * alone rather than of every node of every page. */
static bool is_table(cmark_node *node, cmark_node_type t)
{
	const char *name;

	if ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE ? t <= CMARK_NODE_FOOTNOTE_REFERENCE
								 : t <= CMARK_NODE_FOOTNOTE_DEFINITION)
		return false;
	name = cmark_node_get_type_string(node);
	return name && !strcmp(name, "table");
}

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
			if (is_table(node, t))
				in_table--;
			continue;
		}
		if (is_table(node, t)) {
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
		case CMARK_NODE_ITEM:
			if (gz_md_node_task((gz_md_node *)node) != GZ_MD_NOT_TASK)
				r->tasks = true;
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

/* Whether s has ":::" (a shortcode's fence) anywhere: found by memchr,
 * as Chinese text seldom has an ASCII colon, not by memmem's byte-by-byte
 * search of every page. */
static bool has_colons(const char *s, size_t len)
{
	const char *end = s + len;

	while ((s = memchr(s, ':', (size_t)(end - s))) && end - s >= 3) {
		if (s[1] == ':' && s[2] == ':')
			return true;
		s++;
	}
	return false;
}

/*
 * A task's item as its box, a checkbox the reader sees and cannot tick,
 * in a <label> with the item's first paragraph: the label is the box's
 * name, so a screen reader says "身份证原件, checkbox, checked" where the
 * extension's bare <input> is a box that names nothing (and an aria-label
 * of the same text would be read twice). The item is then a plain one,
 * for the extension not to write a box of its own.
 */
#define TASK_BOX "<label class=\"task\"><input type=\"checkbox\" disabled=\"\" />"
#define TASK_BOX_DONE "<label class=\"task\"><input type=\"checkbox\" checked=\"\" disabled=\"\" />"

static void task_box(cmark_node *item, bool done)
{
	cmark_node *para = cmark_node_first_child(item), *label, *n;

	/* a photo first in the item stands apart before the text, which the
	 * box names still, as the blocks give it the marker */
	while (para && cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		para = cmark_node_next(para);
	if (!para) {
		para = cmark_node_new(CMARK_NODE_PARAGRAPH);
		cmark_node_prepend_child(item, para);
	}
	label = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
	/* a space after the box, as cmark-gfm writes it: a feed reader
	 * shows the page without its style sheet */
	cmark_node_set_on_enter(label, done ? TASK_BOX_DONE " " : TASK_BOX " ");
	cmark_node_set_on_exit(label, "</label>");
	while ((n = cmark_node_first_child(para)))
		cmark_node_append_child(label, n);
	cmark_node_append_child(para, label);
	gz_md_node_set_task((gz_md_node *)item, GZ_MD_NOT_TASK);
}

/* Every task's item under root made a box; changed after the walk, as
 * the iterator holds on to the nodes. */
static void task_boxes(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node **items = NULL;
	size_t n = 0, cap = 0, i;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER &&
		    gz_md_node_task((gz_md_node *)node) != GZ_MD_NOT_TASK) {
			GZ_GROW(items, cap, n + 1);
			items[n++] = node;
		}
	}
	cmark_iter_free(it);
	for (i = 0; i < n; i++)
		task_box(items[i], gz_md_node_task((gz_md_node *)items[i]) == GZ_MD_TASK_DONE);
	free(items);
}

char *md_html(render *r, cmark_node *root)
{
	if (r->tasks)
		task_boxes(root);
	return cmark_render_html(root, r->options, r->exts);
}

#define CMARK_BACKREF "aria-label=\"Back to content\""

/* cmark-gfm labels every footnote's link back to its mark in English. */
static void label_backrefs(gz_md_result *out, const char *label)
{
	gz_buf b = GZ_BUF_INIT;
	const char *s = out->html, *at = strstr(s, CMARK_BACKREF);
	size_t n = strlen(CMARK_BACKREF);

	if (!at)
		return; /* most pages: no footnotes, nothing copied */
	for (; at; at = strstr(s, CMARK_BACKREF)) {
		gz_buf_add(&b, s, (size_t)(at - s));
		gz_buf_puts(&b, "aria-label=\"");
		gz_buf_puts(&b, label);
		gz_buf_putc(&b, '"');
		s = at + n;
	}
	gz_buf_puts(&b, s);
	free(out->html);
	out->html = gz_buf_detach(&b, &out->html_len);
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
	char *err = NULL;
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
	if (has_colons(md, len)) {
		if (md_mark_shortcodes(&r, &marked, md, len, &scs) < 0)
			goto fail;
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
	    opts->hooks->filter((gz_md_node *)doc, opts->line_offset, opts->hooks->payload,
				&err) < 0) {
		/* the tree may be half changed: nothing after it is sure */
		md_add_error(&r, err ? err : gz_strdup(""), 0);
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
	if (scs.n)
		md_expand_shortcodes(&r, doc, &scs);
	if (out->nerrors) {
		cmark_node_free(doc);
		gz_buf_release(&lead);
		goto fail;
	}
	md_make_doc(&doc_b, doc, &r.frags);
	out->html = md_html(&r, doc);
	out->html_len = strlen(out->html);
	if (opts->backref_label)
		label_backrefs(out, opts->backref_label);
	gz_doc_text(&plain, doc_b.ptr, NULL, NULL);
	out->doc = gz_buf_detach(&doc_b, NULL);
	gz_strlist_release(&r.frags);
	gz_text_squeeze(&lead);
	out->plain = gz_buf_detach(&plain, &out->plain_len);
	out->lead = gz_buf_detach(&lead, NULL);
	cmark_node_free(doc);
	cmark_node_free(graveyard);
	cmark_parser_free(parser);
	md_free_shortcodes(&scs);
	gz_buf_release(&marked);
	gz_buf_release(&emph);
	return 0;
fail:
	sort_errors(out);
	if (graveyard)
		cmark_node_free(graveyard);
	gz_strlist_release(&r.frags);
	cmark_parser_free(parser);
	md_free_shortcodes(&scs);
	gz_buf_release(&marked);
	gz_buf_release(&emph);
	out->html = gz_strdup("");
	out->doc = gz_strdup("");
	out->plain = gz_strdup("");
	out->lead = gz_strdup("");
	return -1;
}

void gz_md_errors_free(gz_md_error *errors, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(errors[i].msg);
	free(errors);
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
	gz_md_errors_free(r->errors, r->nerrors);
	memset(r, 0, sizeof(*r));
}
