/*
 * markdown.h: Markdown bodies through cmark-gfm.
 *
 * The only module that includes cmark-gfm. GFM tables, strikethrough,
 * autolinks and task lists are on; raw HTML is dropped unless the site
 * allows it (then the tagfilter extension still disarms <script> and
 * friends). A task list's item ("- [x] 身份证原件") is a checkbox the
 * reader cannot tick, in a label with the item's first paragraph, in
 * the HTML; its box is the item's marker in the blocks (doc.h). Two
 * things are done for Chinese: a soft line break next to a CJK character
 * is removed (browsers would show it as a space), and text is measured
 * per character.
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
 *
 * Besides the HTML, a render makes the body's block list (doc.h), from the
 * same tree: the model print and the plain text read. A shortcode gives
 * its HTML and, if it wants, its text and print forms; where it gives
 * none, the defaults of gz_md_sc below apply, so nothing it holds is lost
 * to any output.
 *
 * An image that stands as a paragraph of its own (or beside text, which is
 * then split around it) becomes a block of its own: the caller's HTML for
 * it is wrapped as a block, so a page can write it as a <figure>.
 */
#ifndef GZ_MARKDOWN_H
#define GZ_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

typedef struct {
	char *src;
	char *alt;
	char *title;        /* the Markdown image's title, or NULL */
	const char *caption, *credit; /* given by a shortcode (gz_md_sc.image),
				       * else NULL; borrowed for the call */
	bool block;         /* set apart as a block of its own (a figure) */
	int line, col;      /* in the file */
} gz_md_image;

/* What failed in a render: a filter, a shortcode, a ::: fence. */
typedef struct {
	char *msg;
	int line;           /* in the file; 0: the message is placed (a hook's file) */
} gz_md_error;

typedef struct {
	char *html;         /* rendered body */
	size_t html_len;
	char *plain;        /* all text, blocks separated by newlines (the doc's
			     * text, without its images) */
	size_t plain_len;
	char *doc;          /* the block list (doc.h) */
	char *lead;         /* text of the first paragraphs, for summaries */
	gz_md_image *images;
	size_t nimages;
	/* Every fence left open or closing nothing, every shortcode that
	 * failed, in the order of the text (a filter's failure stops the
	 * render: it is the only one). A shortcode left open is not run:
	 * what it would say of its content, the rest of the page, would
	 * follow from the open fence, not be a mistake of its own. */
	gz_md_error *errors;
	size_t nerrors;
} gz_md_result;

/*
 * One shortcode being expanded, for the shortcode hook. In: its name, the
 * argument text, its line in the file, and its inner Markdown rendered
 * three ways. Out: html (required, malloc'd), and optionally text (the
 * text form, malloc'd: a line a paragraph) and print (blocks, doc.h, any
 * target: the render sets it). Defaults, never nothing: print absent ->
 * the text form's lines as paragraphs; both absent -> the inner content's
 * blocks, for print and text alike.
 *
 * image places a photo from within the hook (src as written, alt, caption
 * and credit may be NULL): it returns the page's image index, with *html
 * the HTML the page writes for it as a figure (malloc'd); or -1 when src
 * is not a file of the site (external, missing: the render reports it),
 * with *html NULL.
 */
typedef struct gz_md_sc gz_md_sc;
struct gz_md_sc {
	const char *name, *args;
	int line;
	const char *inner_html, *inner_text, *inner_doc;
	char *html, *text;
	gz_buf print;
	int (*image)(gz_md_sc *sc, const char *src, const char *alt, const char *caption,
		     const char *credit, char **html);
	void *ctx;              /* the render's, for image */
};

/*
 * The parsed tree, for the Lua filters (lua/hooks.c), which see it only
 * through what follows; markdown_node.c implements it over cmark-gfm's
 * nodes. A node's type is named as cmark-gfm names it ("paragraph",
 * "text", "custom_block", "table" …), but for a task list's item, which
 * is an "item" too (cmark-gfm says "tasklist": a filter of items would
 * miss it); the kinds below are those a filter builds or tells apart,
 * GZ_MD_OTHER the rest (the document, tables …). The setters return false
 * where the node has no such field.
 */
typedef struct gz_md_node gz_md_node;

typedef enum {
	GZ_MD_OTHER, GZ_MD_TEXT, GZ_MD_CODE, GZ_MD_CODE_BLOCK, GZ_MD_HTML_BLOCK,
	GZ_MD_THEMATIC_BREAK, GZ_MD_SOFTBREAK, GZ_MD_LINEBREAK, GZ_MD_PARAGRAPH, GZ_MD_EMPH,
	GZ_MD_STRONG, GZ_MD_BLOCK_QUOTE, GZ_MD_ITEM, GZ_MD_LIST, GZ_MD_HEADING, GZ_MD_LINK,
	GZ_MD_IMAGE, GZ_MD_CUSTOM_BLOCK, GZ_MD_CUSTOM_INLINE,
} gz_md_kind;

/* A node of kind (not GZ_MD_OTHER), in no tree; the caller frees it with
 * gz_md_node_free unless it is put in one, which then owns it. */
gz_md_node *gz_md_node_new(gz_md_kind kind);
/* Free n and everything under it (n must be out of any tree). */
void gz_md_node_free(gz_md_node *n);

gz_md_kind gz_md_node_kind(const gz_md_node *n);
const char *gz_md_node_type(const gz_md_node *n);
bool gz_md_node_is_inline(const gz_md_node *n);
int gz_md_node_line(const gz_md_node *n);       /* where it starts in the body */

/* Fields; strings are borrowed from the node, NULL when it has none. */
const char *gz_md_node_literal(const gz_md_node *n);  /* text, code */
const char *gz_md_node_url(const gz_md_node *n);      /* link, image */
const char *gz_md_node_title(const gz_md_node *n);
const char *gz_md_node_info(const gz_md_node *n);     /* a code block's */
int gz_md_node_level(const gz_md_node *n);            /* heading; 0 if none */
bool gz_md_node_ordered(const gz_md_node *n);         /* list */
int gz_md_node_start(const gz_md_node *n);
bool gz_md_node_tight(const gz_md_node *n);
/* An item's task: GZ_MD_TASK_DONE ("- [x]"), GZ_MD_TASK_OPEN ("- [ ]"), or
 * GZ_MD_NOT_TASK (a plain item; any node not an item). */
enum { GZ_MD_NOT_TASK = -1, GZ_MD_TASK_OPEN = 0, GZ_MD_TASK_DONE = 1 };
int gz_md_node_task(const gz_md_node *n);
bool gz_md_node_set_literal(gz_md_node *n, const char *s);  /* copied */
bool gz_md_node_set_url(gz_md_node *n, const char *s);
bool gz_md_node_set_title(gz_md_node *n, const char *s);
bool gz_md_node_set_info(gz_md_node *n, const char *s);
bool gz_md_node_set_level(gz_md_node *n, int level);
bool gz_md_node_set_ordered(gz_md_node *n, bool ordered);
bool gz_md_node_set_start(gz_md_node *n, int start);
bool gz_md_node_set_tight(gz_md_node *n, bool tight);
/* Make an item a task, done or open, or a plain item (GZ_MD_NOT_TASK). */
bool gz_md_node_set_task(gz_md_node *n, int task);
/* A custom block or inline: html is written as is. */
bool gz_md_node_set_html(gz_md_node *n, const char *html);

/* The tree; NULL past the end. */
gz_md_node *gz_md_node_parent(const gz_md_node *n);
gz_md_node *gz_md_node_first_child(const gz_md_node *n);
gz_md_node *gz_md_node_next(const gz_md_node *n);
/* Put child (or sibling) in place, out of wherever it was; false, with
 * nothing changed, where the tree cannot hold it (a paragraph in a text). */
bool gz_md_node_append(gz_md_node *parent, gz_md_node *child);
bool gz_md_node_insert_before(gz_md_node *n, gz_md_node *sibling);
bool gz_md_node_insert_after(gz_md_node *n, gz_md_node *sibling);
/* Take n (and its children) out of its tree; the caller owns it then. */
void gz_md_node_unlink(gz_md_node *n);

/* Visit root and every node under it in document order: each on entering
 * (enter true), and a node of a kind that may hold children (even when it
 * holds none) again on leaving; text, code, breaks, code and HTML blocks
 * are leaves. visit must not change the tree nor longjmp (a Lua error):
 * the walk holds memory of its own. */
void gz_md_walk(gz_md_node *root, void (*visit)(gz_md_node *n, bool enter, void *payload),
		void *payload);

/*
 * Hooks into the render, for Lua (hooks.h). filter runs on the parsed
 * document before anything else looks at it (line_offset: the lines above
 * the body in its file, to turn a node's line into the file's); shortcode
 * expands one shortcode (above). Both return 0, or -1 with *err set
 * (caller frees): the message, placed in the hook's file when Lua knows
 * the line, which the page loader places in turn (gz_diag_add_placed).
 */
typedef struct {
	int (*filter)(gz_md_node *doc, int line_offset, void *payload, char **err);
	int (*shortcode)(gz_md_sc *sc, void *payload, char **err);
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
	 * written, img->alt its text), and for each a shortcode places; returns
	 * HTML (caller of malloc, taken over) written in place of the <img>
	 * cmark would write, or NULL to keep that. The HTML is written even
	 * when raw HTML is off. For the block list, an HTML that is exactly
	 * "<!--gz-img N-->" or "<!--gz-fig N-->" names the page's image N. */
	char *(*image_html)(const gz_md_image *img, void *payload);
	void *image_payload;
	/* the words a screen reader says for a footnote's way back to its
	 * mark, in the site's language; NULL: cmark-gfm's "Back to content" */
	const char *backref_label;
} gz_md_opts;

/* Register the extensions (done by the first render too; safe to repeat). */
void gz_markdown_init(void);

/* Render len bytes of Markdown into out (caller releases). Returns 0, or
 * -1 with out->errors (html, doc and text empty then). */
int gz_markdown_render(gz_md_result *out, const char *md, size_t len, const gz_md_opts *opts);
void gz_md_result_release(gz_md_result *r);
/* Free n errors (their messages and the array), as a result's errors are
 * when a caller takes them over. */
void gz_md_errors_free(gz_md_error *errors, size_t n);

#endif
