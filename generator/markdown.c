#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "sanitize.h"
#include "text.h"

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
					gz_buf_puts(&b, "':::' closes no shortcode; remove it or open one "
							"with '::: name'");
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
		gz_buf_printf(&b, "shortcode '%s' is never closed; add a line with ':::' after it",
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

/*
 * Replace every marked shortcode under parent by the HTML its Lua function
 * returns, inner ones first. The inner Markdown is rendered on its own.
 */
static int expand_shortcodes(cmark_node *parent, const shortcodes *scs, const gz_md_opts *opts,
			     int options, cmark_llist *exts, gz_md_result *out)
{
	cmark_node *n = cmark_node_first_child(parent), *next;

	for (; n; n = next) {
		long id = marker(n, false);
		cmark_node *inner, *c, *after, *block;
		char *inner_html, *html = NULL, *err = NULL;
		const shortcode *sc;

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
		if (expand_shortcodes(inner, scs, opts, options, exts, out) < 0) {
			cmark_node_free(inner);
			return -1;
		}
		inner_html = cmark_render_html(inner, options, exts);
		cmark_node_free(inner);
		if (!opts->hooks || !opts->hooks->shortcode) {
			gz_buf b = GZ_BUF_INIT;
			gz_buf_printf(&b, "unknown shortcode '%s'", sc->name);
			err = gz_buf_detach(&b, NULL);
		} else {
			opts->hooks->shortcode(sc->name, sc->args, inner_html, sc->line + opts->line_offset,
					       &html, opts->hooks->payload, &err);
		}
		free(inner_html);
		if (err) {
			out->error = err;
			out->error_line = sc->line + opts->line_offset;
			free(html);
			return -1;
		}
		block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
		cmark_node_set_on_enter(block, html ? html : "");
		cmark_node_set_on_exit(block, "");
		free(html);
		cmark_node_insert_before(n, block);
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

/* Let the caller write each image (opts->image_html): the image node is
 * replaced by a custom inline node holding the caller's HTML. */
static void custom_images(gz_md_result *out, cmark_node **nodes, const gz_md_opts *opts)
{
	size_t k;

	for (k = 0; k < out->nimages; k++) {
		char *html;
		cmark_node *c;

		out->images[k].alt = image_alt(nodes[k]);
		if (!opts->image_html)
			continue;
		html = opts->image_html(&out->images[k], opts->image_payload);
		if (!html)
			continue;
		c = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
		cmark_node_set_on_enter(c, html);
		cmark_node_replace(nodes[k], c);
		cmark_node_free(nodes[k]);
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

int gz_markdown_render(gz_md_result *out, const char *md, size_t len, const gz_md_opts *opts)
{
	shortcodes scs = {0};
	gz_buf marked = GZ_BUF_INIT;
	int options = CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_FOOTNOTES;
	cmark_parser *parser;
	cmark_node *doc, *node;
	cmark_iter *it;
	cmark_event_type ev;
	gz_buf plain = GZ_BUF_INIT, lead = GZ_BUF_INIT, emph = GZ_BUF_INIT;
	bool marks = false;
	cmark_node **image_nodes = NULL;
	size_t i, cap = 0, ncap = 0;
	int in_para = 0, in_heading = 0, in_table = 0, in_image = 0;
	const char *base = opts->base_path && strcmp(opts->base_path, "/") ? opts->base_path : NULL;

	memset(out, 0, sizeof(*out));
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
	    opts->hooks->filter(doc, opts->hooks->payload, &out->error) < 0) {
		cmark_node_free(doc);
		goto fail;
	}

	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node_type t;

		node = cmark_iter_get_node(it);
		t = cmark_node_get_type(node);
		if (ev == CMARK_EVENT_EXIT) {
			if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
			    t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_ITEM)
				end_block(&plain);
			if (t == CMARK_NODE_PARAGRAPH) {
				in_para--;
				if (!in_heading && !in_table)
					end_block(&lead);
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
			add_plain(&plain, cmark_node_get_literal(node));
			if (in_para && !in_heading && !in_table && lead.len < 4096)
				add_plain(&lead, cmark_node_get_literal(node));
			break;
		case CMARK_NODE_CODE_BLOCK:
			add_plain(&plain, cmark_node_get_literal(node));
			break;
		case CMARK_NODE_SOFTBREAK: {
			cmark_node *prev = cmark_node_previous(node), *next = cmark_node_next(node);
			uint32_t a = edge_char(prev, true), z = edge_char(next, false);
			if ((a && gz_is_cjk(a)) || (z && gz_is_cjk(z))) {
				/* a line break inside Chinese text is not a space:
				 * drop the node once the iterator has left it */
				cmark_node_set_type(node, CMARK_NODE_TEXT);
				cmark_node_set_literal(node, "");
			} else {
				gz_buf_putc(&plain, ' ');
				if (in_para)
					gz_buf_putc(&lead, ' ');
			}
			break;
		}
		case CMARK_NODE_LINEBREAK:
			gz_buf_putc(&plain, ' ');
			break;
		case CMARK_NODE_IMAGE: {
			const char *url = cmark_node_get_url(node);
			in_image++;
			GZ_GROW(out->images, cap, out->nimages + 1);
			GZ_GROW(image_nodes, ncap, out->nimages + 1);
			image_nodes[out->nimages] = node;
			out->images[out->nimages].src = gz_strdup(url ? url : "");
			out->images[out->nimages].alt = NULL;
			out->images[out->nimages].line =
				cmark_node_get_start_line(node) + opts->line_offset;
			out->images[out->nimages].col = char_column(
				md, len, cmark_node_get_start_line(node), cmark_node_get_start_column(node));
			out->nimages++;
			if (base && url && url[0] == '/' && url[1] != '/') {
				with_base(node, url, base);
			} else if (opts->rel_base && url && *url && url[0] != '/' && url[0] != '#' &&
				   !strchr(url, ':')) {
				gz_buf b = GZ_BUF_INIT;
				gz_buf_printf(&b, "%s%s", opts->rel_base, url);
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
	custom_images(out, image_nodes, opts);
	free(image_nodes);
	sanitize_tree(doc, opts);

	if (scs.n && expand_shortcodes(doc, &scs, opts, options,
				       cmark_parser_get_syntax_extensions(parser), out) < 0) {
		cmark_node_free(doc);
		gz_buf_release(&plain);
		gz_buf_release(&lead);
		goto fail;
	}
	out->html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
	out->html_len = strlen(out->html);
	gz_text_squeeze(&lead);
	out->plain = gz_buf_detach(&plain, &out->plain_len);
	out->lead = gz_buf_detach(&lead, NULL);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	free_shortcodes(&scs);
	gz_buf_release(&marked);
	gz_buf_release(&emph);
	return 0;
fail:
	cmark_parser_free(parser);
	free_shortcodes(&scs);
	gz_buf_release(&marked);
	gz_buf_release(&emph);
	out->html = gz_strdup("");
	out->plain = gz_strdup("");
	out->lead = gz_strdup("");
	return -1;
}

void gz_md_result_release(gz_md_result *r)
{
	size_t i;

	free(r->html);
	free(r->plain);
	free(r->lead);
	for (i = 0; i < r->nimages; i++) {
		free(r->images[i].src);
		free(r->images[i].alt);
	}
	free(r->images);
	free(r->error);
	memset(r, 0, sizeof(*r));
}
