/*
 * markdown_private.h: what the files behind markdown.h share, and no one
 * else includes (markdown.h is the interface). cmark-gfm's types appear by
 * their struct names: only the .c files include its headers
 * (tests/layers.sh).
 *
 *   markdown.c           the render: CJK emphasis, images, sanitizing, the
 *                        lead, the HTML
 *   markdown_doc.c       the block list (doc.h), from the same tree the
 *                        HTML comes from
 *   markdown_shortcode.c ::: shortcodes, marked in the text before the
 *                        parse and expanded in the tree after it
 *   markdown_node.c      the tree as hooks see it (gz_md_node)
 */
#ifndef GZ_MARKDOWN_PRIVATE_H
#define GZ_MARKDOWN_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "load/markdown.h"

struct cmark_node;
struct _cmark_llist;

/* What one render carries between its steps. */
typedef struct {
	gz_md_result *out;
	const gz_md_opts *opts;
	size_t cap;             /* of out->images */
	size_t ecap;            /* of out->errors */
	gz_strlist frags;       /* each expanded shortcode's blocks */
	int options;
	struct _cmark_llist *exts;
	bool tasks;             /* a task's item in the tree (md_html has boxes
				 * to make; a page without is not walked again) */
} render;

/* markdown.c */

/* img becomes out->images' last; the result owns its strings. */
void md_add_image(render *r, const gz_md_image *img);
/* msg (taken over) becomes out->errors' last, at line of the file. */
void md_add_error(render *r, char *msg, int line);
/* The HTML of the tree under root (caller frees). It changes the tree (a
 * task's item becomes a plain one with its box in a label): the blocks
 * are made of it first. */
char *md_html(render *r, struct cmark_node *root);

/* markdown_doc.c */

/* The blocks (doc.h) of the tree under root; frags are the shortcodes'
 * blocks, which their custom blocks name by user data. */
void md_make_doc(gz_buf *doc, struct cmark_node *root, const gz_strlist *frags);
/* A doc's blocks again with another target ('-': each its own). */
void md_retarget(gz_buf *out, const char *doc, char target);
/* The image index a "<!--gz-img N-->" or "<!--gz-fig N-->" names, or -1. */
long md_image_mark(const char *s);
/* Whether markup holds any text but spaces. */
bool md_has_text(const char *m);

/* markdown_shortcode.c */

typedef struct {
	char *name, *args;
	int line;           /* in the body */
	bool open;          /* never closed: closed at the end, not run */
} shortcode;

typedef struct {
	shortcode *items;
	size_t n, cap;
} shortcodes;

void md_free_shortcodes(shortcodes *scs);
/* md with each ::: fence replaced by a marker line, into outb, the
 * shortcodes into scs. A fence that closes nothing, or a shortcode never
 * closed, is an error in r, and the marking goes on (the second closed at
 * the end): the rest of the page is checked too. Returns 0, or -1 when
 * the text cannot be marked at all (nesting too deep). */
int md_mark_shortcodes(render *r, gz_buf *outb, const char *md, size_t len, shortcodes *scs);
/* Replaces the marked shortcodes under parent by what their hooks return;
 * each that fails is an error in r, and is left out, as is one never
 * closed (not run). Returns how many under parent (0: none). */
size_t md_expand_shortcodes(render *r, struct cmark_node *parent, const shortcodes *scs);

#endif
