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
	gz_strlist frags;       /* each expanded shortcode's blocks */
	int options;
	struct _cmark_llist *exts;
} render;

/* markdown.c */

/* img becomes out->images' last; the result owns its strings. */
void md_add_image(render *r, const gz_md_image *img);

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
} shortcode;

typedef struct {
	shortcode *items;
	size_t n, cap;
} shortcodes;

void md_free_shortcodes(shortcodes *scs);
/* md with each ::: fence replaced by a marker line, into outb, the
 * shortcodes into scs. Returns 0, or -1 with *err and *err_line. */
int md_mark_shortcodes(gz_buf *outb, const char *md, size_t len, shortcodes *scs, char **err,
		       int *err_line);
/* Replaces the marked shortcodes under parent by what their hooks return.
 * Returns 0, or -1 with r->out->error set. */
int md_expand_shortcodes(render *r, struct cmark_node *parent, const shortcodes *scs);

#endif
