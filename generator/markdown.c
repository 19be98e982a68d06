#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "text.h"

static const char *const extensions[] = {"table", "strikethrough", "autolink", "tagfilter"};

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
	for (; i < end && i < len; i++)
		if (((unsigned char)md[i] & 0xc0) != 0x80)
			col++;
	return col;
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

int gz_markdown_render(gz_md_result *out, const char *md, size_t len, const gz_md_opts *opts)
{
	int options = CMARK_OPT_DEFAULT | CMARK_OPT_GITHUB_PRE_LANG | CMARK_OPT_FOOTNOTES;
	cmark_parser *parser;
	cmark_node *doc, *node;
	cmark_iter *it;
	cmark_event_type ev;
	gz_buf plain = GZ_BUF_INIT, lead = GZ_BUF_INIT;
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
		if (ext && (opts->unsafe || strcmp(extensions[i], "tagfilter")))
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, md, len);
	doc = cmark_parser_finish(parser);

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

	out->html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
	out->html_len = strlen(out->html);
	gz_text_squeeze(&lead);
	out->plain = gz_buf_detach(&plain, &out->plain_len);
	out->lead = gz_buf_detach(&lead, NULL);
	cmark_node_free(doc);
	cmark_parser_free(parser);
	return 0;
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
	memset(r, 0, sizeof(*r));
}
