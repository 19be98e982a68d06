/*
 * postings.h: what the search index is made of, inside search/: a page's
 * tokens counted, the postings of a run of pages, and their encodings.
 *
 * Postings are varints in a 64-letter alphabet (URL- and JSON-safe): a
 * digit carries 5 bits, and the upper half of the alphabet says another
 * digit follows. A shard lists its tokens in gz_tokcmp order.
 */
#ifndef GZ_SEARCH_POSTINGS_H
#define GZ_SEARCH_POSTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "load/page.h"
#include "search/search.h"

/*
 * Tokens are gathered by chunks of consecutive pages, each on one thread.
 * A page's tokens are counted in a small table of its own (it stays in the
 * CPU's cache; a page has a few thousand tokens but about a thousand
 * distinct ones); then each distinct token is looked up once in the
 * chunk's table and (slot, page, count) appended. At its end the chunk
 * turns those into each token's encoded postings. A shard then joins the
 * chunks' postings of its tokens in page order; only the first delta of
 * each chunk's run changes. No lock, and memory near the index's size.
 */
typedef struct {
	uint64_t key;           /* the token's bytes if 8 or fewer, else a hash */
	uint32_t len, count;    /* len 0: empty */
	const char *tok;        /* into the folded text */
} gz_dent;

typedef struct {
	gz_dent *e;
	size_t cap, n;
	int bits;
	uint32_t *used;         /* the filled entries, in order of first sight */
	gz_buf fold;
	uint32_t weight;        /* what one more of a token adds to its count */
	gz_buf head;            /* a page's text head, while it is counted */
} gz_dtab;

typedef struct {
	uint64_t key;
	uint32_t len, slot;     /* len 0: empty */
} gz_cent;

typedef struct {
	uint32_t len, shard;
	uint32_t first, last;   /* its first and last page in the chunk */
	size_t tok;             /* offset of its bytes in chunk.toks */
	size_t post, npost;     /* its postings: offset and bytes in chunk.enc */
} gz_tslot;

typedef struct {
	uint32_t slot, doc, count;
} gz_rawpost;

typedef struct {
	size_t from, to;        /* pages [from, to) */
	gz_dtab dt;
	gz_tslot *s;
	size_t ns, scap;
	gz_cent *idx;
	size_t cap;
	int bits;
	gz_buf toks, enc;
	gz_rawpost *raw;
	size_t nraw, rcap;
	uint32_t *by_shard;     /* slot ids grouped by shard */
	uint32_t shard_at[GZ_SEARCH_SHARDS + 1];
} gz_chunk;

/*
 * A 64-bit hash eight bytes at a step, for change detection like hash.h
 * (FNV-1a, a byte at a step, is too slow for every page's text on every
 * build). Not for security: a collision only makes a build keep a file.
 */
uint64_t gz_search_hash(uint64_t h, const void *data, size_t len);
/* Append v as a varint; how many digits it takes. */
void gz_varint_add(gz_buf *b, uint32_t v);
size_t gz_varint_len(uint32_t v);
/* The varint at *p; -1 when it is not one. */
int64_t gz_varint_get(const char **p, const char *end);
/* Append s (NULL: "") as a JSON string; '<' escaped, so it is harmless
 * if ever inlined in HTML. */
void gz_json_str(gz_buf *b, const char *s);
/* Append s (NULL: "") escaped as gz_json_str does, without the quotes:
 * a string's parts one after the other make the same bytes as the whole. */
void gz_json_add(gz_buf *b, const char *s);
/* Byte order of tokens in a shard (shorter first on a common prefix). */
int gz_tokcmp(const char *a, size_t alen, const char *b, size_t blen);
/* A page's token table: empty, and freed. */
void gz_dtab_init(gz_dtab *t);
void gz_dtab_release(gz_dtab *t);
/* Count the tokens of one page's text, given as its head and its body,
 * into t, emptied first. Folding keeps the part separators as they are. */
void gz_dtab_count_text(gz_dtab *t, const char *head, size_t hlen, const char *body, size_t blen);
/* Count page p's tokens into t. */
void gz_dtab_count_page(gz_dtab *t, const gz_page *p, size_t ntax);
/* The counted token (key: as the table makes it), or NULL. */
const gz_dent *gz_dtab_lookup(gz_dtab *t, const char *tok, size_t len, uint64_t key);
/* A chunk of pages: empty (the caller sets from and to), and freed. */
void gz_chunk_init(gz_chunk *ch);
void gz_chunk_release(gz_chunk *ch);
/* Append the postings of the page counted in ch->dt. */
void gz_chunk_add(gz_chunk *ch, uint32_t doc);
/* Postings by slot, encoded; slots grouped by shard. */
void gz_chunk_encode(gz_chunk *ch);

#endif
