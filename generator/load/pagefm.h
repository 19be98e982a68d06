/*
 * pagefm.h: a page's front matter as a tree, read from its page cache
 * entry when first asked for.
 *
 * A cache hit whose entry kept the page's fields (pageentry.h) needs no
 * front matter to load: its title, dates, terms and the rest come ready.
 * Most such pages are never asked for it again in a build (a layout's
 * page.params, print, a pull), so the tree stays as bytes of the entry
 * until then. Anything that reads a page's front matter reads it through
 * gz_page_fm, never p->fm.
 */
#ifndef GZ_PAGEFM_H
#define GZ_PAGEFM_H

#include "base/bin.h"
#include "load/page.h"

/* p's front matter (NULL only for a page that has none, as p->fm), made
 * from its entry the first time: safe on several threads at once (one
 * tree is kept; a tree the entry cannot give, which its checks rule out,
 * reads as an empty front matter). */
gz_value *gz_page_fm(const gz_page *p);

/* How many nodes and item slots a tree takes, written before it (the
 * entry's writer counts them) so that the reader makes it in one block. */
typedef struct {
	uint64_t nodes, slots;
} gz_pagefm_size;

/* A tree as an entry writes it (its node and slot counts, then its values)
 * in one block, freed whole (block set); its strings are r's own bytes.
 * NULL (and r bad) if the bytes are not such a tree. */
gz_value *gz_pagefm_read(gz_bin_reader *r);

#endif
