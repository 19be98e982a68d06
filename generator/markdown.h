/*
 * markdown.h: Markdown bodies through cmark-gfm.
 *
 * The only module that includes cmark-gfm. GFM tables, strikethrough and
 * autolinks are on; raw HTML is dropped unless the site allows it (then the
 * tagfilter extension still disarms <script> and friends). Two things are
 * done for Chinese: a soft line break next to a CJK character is removed
 * (browsers would show it as a space), and text is measured per character.
 * Site-absolute links and images ("/photos/a.jpg") get the site's base path.
 *
 * Shortcodes are fenced blocks that read well in any Markdown preview:
 *
 *     ::: quote speaker="孟庆龙"
 *     蜂蜜甜，日子更甜。
 *     :::
 *
 * The opening line names the shortcode and gives its arguments; the lines
 * up to the closing ::: are its inner Markdown (may be empty; shortcodes
 * nest). Fences start in the first column.
 */
#ifndef GZ_MARKDOWN_H
#define GZ_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
	char *src;
	char *alt;
	int line, col;      /* in the file */
} gz_md_image;

typedef struct {
	char *html;         /* rendered body */
	size_t html_len;
	char *plain;        /* all text, blocks separated by newlines */
	size_t plain_len;
	char *lead;         /* text of the first paragraphs, for summaries */
	gz_md_image *images;
	size_t nimages;
	char *error;        /* a filter or shortcode failed (NULL if not) */
	int error_line;     /* in the file; 0 if unknown */
} gz_md_result;

/*
 * Hooks into the render, for Lua (hooks.h). filter runs on the parsed
 * document (a cmark_node *) before anything else looks at it; shortcode
 * expands one shortcode: name, its argument text, the HTML of its inner
 * Markdown; it appends HTML to out. Both return 0, or -1 with *err set
 * (caller frees).
 */
typedef struct {
	int (*filter)(void *doc, void *payload, char **err);
	int (*shortcode)(const char *name, const char *args, const char *inner_html, int line,
			 char **html, void *payload, char **err);
	void *payload;
} gz_md_hooks;

typedef struct {
	bool unsafe;            /* keep raw HTML (without what runs scripts) */
	unsigned allow_embeds;  /* with unsafe: GZ_EMBED_* elements kept */
	const char *base_path;  /* "/" or "/news/" */
	int line_offset;        /* lines above the body in its file */
	const char *rel_base;   /* if set, relative image URLs are made
				 * site-absolute from this folder URL ("/a/b/") */
	const gz_md_hooks *hooks; /* NULL: no filters, shortcodes are an error */
	/* If set, called once per image after the body is parsed (img->src as
	 * written, img->alt its text); returns HTML (caller of malloc, taken
	 * over) written in place of the <img> cmark would write, or NULL to
	 * keep that. The HTML is written even when raw HTML is off. */
	char *(*image_html)(const gz_md_image *img, void *payload);
	void *image_payload;
} gz_md_opts;

/* Register the extensions (done by the first render too; safe to repeat). */
void gz_markdown_init(void);

/* Render len bytes of Markdown into out (caller releases). Returns 0. */
int gz_markdown_render(gz_md_result *out, const char *md, size_t len, const gz_md_opts *opts);
void gz_md_result_release(gz_md_result *r);

#endif
