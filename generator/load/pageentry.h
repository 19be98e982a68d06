/*
 * pageentry.h: a page's parse as the bytes of a page cache entry
 * (pagecache.h), in the words and strings of base/bin.h, and the file
 * stamps the cache's files hold.
 *
 * An entry is the probes (files the parse looked for, and whether each was
 * there), the fields the load made of the front matter (if kept), the
 * front matter, the parsed fields and hashes, the summary, the
 * body's images and the lengths of its three strings: its head; then the
 * body's HTML, plain text and blocks, each NUL-terminated so that a page
 * may point at them in place. Every read is bounded: a short or odd entry
 * sets the reader's bad flag, never reads past its end.
 */
#ifndef GZ_PAGEENTRY_H
#define GZ_PAGEENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/bin.h"
#include "base/buf.h"
#include "load/page.h"
#include "source/source.h"

/* A checksum of four lanes of eight bytes: entries are checked on every
 * build, so it must cost far less than the parse it saves. */
uint64_t gz_pageentry_sum(const void *data, size_t len);

/* Append p's parse and its hashes h as an entry to b; returns the length
 * of its head, and in at[] where its HTML, plain text and blocks start
 * (offsets in b). With fields, what the load made of its front matter
 * too (its title, dates, terms …: for a page whose load said nothing and
 * that has no photos), which a hit then takes as they are, leaving the
 * front matter in the entry until it is asked for (load/pagefm.h). */
size_t gz_pageentry_encode(gz_buf *b, const gz_page *p, const gz_page_hashes *h, bool fields,
			   char *const *probes, const bool *exists, size_t nprobes, size_t at[3]);

/* Fill p's parsed fields and the parse's hashes in *h (not h->src) from
 * an entry's head (hlen bytes) and its body (blen bytes), which must stay
 * mapped while p lives: p's bodies and its front matter's strings point
 * into them (but for a page with images, whose HTML is a copy the photo
 * stage may rewrite). The body is not read, only pointed into, unless
 * check (where the body may not be as written: then each string's length
 * and end are checked). An entry with the page's fields fills them and
 * sets p->fm_at, not p->fm (load/pagefm.h). Returns 1 (p
 * filled), 0 (a probe finds another answer in src: parse again) or -1
 * (damaged: p as it was). */
int gz_pageentry_decode(const char *head, size_t hlen, const char *body, size_t blen, bool check,
			gz_source *src, gz_page *p, gz_page_hashes *h);

/* The strings of p a decode lent it from head (hlen bytes: its place,
 * summary and kept fields) set to NULL; with free_own the rest of those
 * fields freed and set to NULL too. */
void gz_pageentry_let_go(gz_page *p, const char *head, size_t hlen, bool free_own);

/* A file's stamp, in the words of base/bin.h. */
void gz_pageentry_put_stamp(gz_buf *b, const gz_source_stamp *st);

void gz_pageentry_get_stamp(gz_bin_reader *r, gz_source_stamp *st);

#endif
