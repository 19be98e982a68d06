#include "load/markdown.h"

#include <cmark-gfm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/strlist.h"
#include "load/doc.h"
#include "load/markdown_private.h"

void md_free_shortcodes(shortcodes *scs)
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

/*
 * Turn ::: fences into HTML comment lines the parser keeps as blocks of
 * their own (<!--gz-sc:N--> … <!--gz-sc-end:N-->), one line for one line so
 * line numbers stay right. Returns 0, or -1 with *err and *err_line.
 */
int md_mark_shortcodes(render *r, gz_buf *outb, const char *md, size_t len, shortcodes *scs)
{
	int at = r->opts->line_offset;
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
				/* left out: the lines after it are read as they are */
				if (!depth)
					md_add_error(r,
						     gz_strdup(_("':::' closes no shortcode; remove it or "
								 "open one with '::: name'")),
						     line + at);
				else
					gz_buf_printf(outb, "<!--gz-sc-end:%zu-->", stack[--depth]);
			} else if (name_end > name_start) {
				shortcode sc;
				if (depth == 64) {
					md_add_error(r, gz_strdup(_("shortcodes nest too deeply")), line + at);
					return -1;
				}
				sc.name = gz_strndup(l + name_start, name_end - name_start);
				while (k < n && (l[k] == ' ' || l[k] == '\t'))
					k++;
				sc.args = gz_strndup(l + k, n > k ? n - k : 0);
				sc.line = line;
				sc.open = false;
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
	/* each still open is closed at the end (as many closes are missing
	 * as are open), so that the text after it is checked as well */
	if (depth && outb->len && outb->ptr[outb->len - 1] != '\n')
		gz_buf_putc(outb, '\n');
	while (depth) {
		gz_buf b = GZ_BUF_INIT;
		shortcode *sc = &scs->items[stack[--depth]];
		gz_buf_printf(&b, _("shortcode '%s' is never closed; add a line with ':::' after it"),
			      sc->name);
		md_add_error(r, gz_buf_detach(&b, NULL), sc->line + at);
		sc->open = true;
		gz_buf_printf(outb, "\n<!--gz-sc-end:%zu-->\n", stack[depth]);
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
	md_add_image(c->r, &img);
	if (*html && (k = md_image_mark(*html)) < 0) {
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
	bool print = sc->print.len > 0, text = sc->text && md_has_text(sc->text);

	if (print)
		md_retarget(&b, sc->print.ptr, text ? 'p' : '-');
	if (text) {
		const char *s = sc->text;
		while (*s) {
			const char *eol = strchr(s, '\n');
			size_t n = eol ? (size_t)(eol - s) : strlen(s);
			gz_buf m = GZ_BUF_INIT;
			gz_doc_escape(&m, s, n);
			if (md_has_text(m.ptr))
				gz_doc_add2(&b, GZ_DOC_PARA, print ? 't' : '-', 0, m.ptr, NULL);
			gz_buf_release(&m);
			s += n + (eol ? 1 : 0);
		}
	}
	if (!print && !text)
		gz_buf_puts(&b, sc->inner_doc);
	return gz_buf_detach(&b, NULL);
}

/* Run shortcode sc's hook on its inner blocks (taken and freed): its
 * block into *block, or NULL with the message in *err. */
static void run_shortcode(render *r, const shortcode *sc, cmark_node *inner, cmark_node **block,
			  char **err)
{
	const gz_md_opts *opts = r->opts;
	gz_md_sc call;
	gz_buf inner_doc = GZ_BUF_INIT, inner_text = GZ_BUF_INIT;
	sc_ctx ctx;

	*block = NULL;
	*err = NULL;
	memset(&call, 0, sizeof(call));
	call.print = (gz_buf)GZ_BUF_INIT;
	md_make_doc(&inner_doc, inner, &r->frags);
	gz_doc_text(&inner_text, inner_doc.ptr, NULL, NULL);
	call.name = sc->name;
	call.args = sc->args;
	call.line = sc->line + opts->line_offset;
	call.inner_html = md_html(r, inner);
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
		*err = gz_buf_detach(&b, NULL);
	} else if (opts->hooks->shortcode(&call, opts->hooks->payload, err) < 0 && !*err) {
		*err = gz_strdup("");
	}
	free((char *)call.inner_html);
	if (!*err) {
		*block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
		cmark_node_set_on_enter(*block, call.html ? call.html : "");
		cmark_node_set_on_exit(*block, "");
		gz_strlist_take(&r->frags, sc_blocks(&call));
		cmark_node_set_user_data(*block, (void *)(uintptr_t)r->frags.n);
	}
	free(call.html);
	free(call.text);
	gz_buf_release(&call.print);
	gz_buf_release(&inner_doc);
	gz_buf_release(&inner_text);
}

/*
 * Replace every marked shortcode under parent by a block holding the HTML
 * its Lua function returns and its blocks (doc.h) as user data, inner
 * ones first. The inner Markdown is rendered on its own. One that fails
 * is left out, and the others still run: what they say is of their own
 * names and arguments. One never closed is not run: its content, the
 * rest of the page, is not what the editor meant it to hold.
 */
size_t md_expand_shortcodes(render *r, cmark_node *parent, const shortcodes *scs)
{
	cmark_node *n = cmark_node_first_child(parent), *next;
	size_t failed = 0;

	for (; n; n = next) {
		long id = marker(n, false);
		cmark_node *inner, *c, *after, *block = NULL;
		char *err = NULL;
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
		failed += md_expand_shortcodes(r, inner, scs);
		if (sc->open) {
			cmark_node_free(inner);
			failed++;
		} else {
			run_shortcode(r, sc, inner, &block, &err);
			if (err) {
				md_add_error(r, err, sc->line + r->opts->line_offset);
				failed++;
			} else {
				cmark_node_insert_before(n, block);
			}
		}
		next = cmark_node_next(n);
		if (next && marker(next, true) == id) {
			after = cmark_node_next(next);
			cmark_node_free(next);
			next = after;
		}
		cmark_node_free(n);
	}
	return failed;
}
