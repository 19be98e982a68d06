/*
 * searchtext.h: what search reads of a page, for the site index (search.c)
 * and the TV archive (archive.c) alike: everything a reader sees of it. It
 * is the page's own fields, so it lives with the page: a parse hashes the
 * head (gz_searchtext_head_hash) for the page cache.
 *
 * A page's text is four parts, each ended by GZ_SEARCHTEXT_PART but the
 * last:
 *
 *   title RS summary RS fields RS body text
 *
 * summary is the front matter's (one made from the body is in the body
 * already) or empty. fields are the page's other visible strings, each
 * after a byte that says what it is: photo captions and credits, author,
 * source, topic, department, contact, then the taxonomy terms
 * (GZ_SEARCHTEXT_TERM + the taxonomy's index; those past the 14th all take
 * GZ_SEARCHTEXT_TERM_LAST). Control bytes in the first three parts are made
 * spaces, so parts and fields are found by their bytes alone; the body is
 * as it is (a stray RS there only separates tokens, as every control byte
 * does). themes/default/static/js/search.js reads the same layout.
 *
 * Only the page's fields are read, never a function of page.c, so the
 * small `gazette` executable (archive search) links this alone.
 */
#ifndef GZ_SEARCHTEXT_H
#define GZ_SEARCHTEXT_H

#include <stddef.h>

#include "base/buf.h"
#include "load/page.h"

/* Tokens of the title and the summary count this many times in ranking. */
#define GZ_SEARCHTEXT_WEIGHT 4

#define GZ_SEARCHTEXT_PART '\x1e'

enum {
	GZ_SEARCHTEXT_CAPTION = 1,
	GZ_SEARCHTEXT_CREDIT,
	GZ_SEARCHTEXT_AUTHOR,
	GZ_SEARCHTEXT_SOURCE,
	GZ_SEARCHTEXT_TOPIC,
	GZ_SEARCHTEXT_DEPARTMENT,
	GZ_SEARCHTEXT_CONTACT,
	GZ_SEARCHTEXT_TERM = 0x10,
	GZ_SEARCHTEXT_TERM_LAST = 0x1d
};

/* Append the first three parts of p's text, each with its RS (ntax: the
 * site's taxonomies, p->tax_values' length). */
void gz_searchtext_head(gz_buf *out, const gz_page *p, size_t ntax);

/* The hash of p's head (gz_searchtext_head's bytes): what the index shows
 * of p besides its text. Hashed with the parse and kept with the page
 * (gz_page_hashes.search_head): the head is the page's own fields only. */
uint64_t gz_searchtext_head_hash(const gz_page *p, size_t ntax);

/* Append p's whole text: its head, then p->plain. */
void gz_searchtext_full(gz_buf *out, const gz_page *p, size_t ntax);

#endif
