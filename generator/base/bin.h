/*
 * bin.h: the little-endian words and strings gazette's binary cache files
 * are written with (the page cache, the dependency record), and a reader
 * of them that never reads past its end: a short or odd file sets the
 * reader's bad flag, and every read after gives zeros or NULL.
 *
 * All inline: a build reads and writes hundreds of thousands of them, and
 * a call each was a tenth of decoding the cached pages.
 */
#ifndef GZ_BIN_H
#define GZ_BIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/buf.h"

/* The length a NULL string is written with. */
#define GZ_BIN_NO_STR 0xffffffffu

typedef struct {
	const char *p, *end;
	bool bad;
} gz_bin_reader;

static inline void gz_bin_put(gz_buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap)
		gz_buf_grow(b, n);
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

static inline void gz_bin_put_u8(gz_buf *b, uint8_t v)
{
	gz_bin_put(b, &v, 1);
}

static inline void gz_bin_put_u32(gz_buf *b, uint32_t v)
{
	gz_bin_put(b, &v, 4);
}

static inline void gz_bin_put_u64(gz_buf *b, uint64_t v)
{
	gz_bin_put(b, &v, 8);
}

/* s of len bytes and a NUL (so that a reader may point at it in place);
 * NULL is kept as such. */
static inline void gz_bin_put_str(gz_buf *b, const char *s, size_t len)
{
	if (!s) {
		gz_bin_put_u32(b, GZ_BIN_NO_STR);
		return;
	}
	gz_bin_put_u32(b, (uint32_t)len);
	gz_bin_put(b, s, len + 1);
}

static inline void gz_bin_put_cstr(gz_buf *b, const char *s)
{
	gz_bin_put_str(b, s, s ? strlen(s) : 0);
}

/* n bytes of r in place, or NULL (r marked bad) when fewer are left. */
static inline const void *gz_bin_take(gz_bin_reader *r, size_t n)
{
	const char *at = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return at;
}

static inline uint32_t gz_bin_get_u32(gz_bin_reader *r)
{
	const void *at = gz_bin_take(r, 4);
	uint32_t v = 0;

	if (at)
		memcpy(&v, at, 4);
	return v;
}

static inline uint64_t gz_bin_get_u64(gz_bin_reader *r)
{
	const void *at = gz_bin_take(r, 8);
	uint64_t v = 0;

	if (at)
		memcpy(&v, at, 8);
	return v;
}

/* A string as a pointer into what r reads (NUL-terminated there), its
 * length in *len; NULL for a NULL one or when r is bad. */
static inline const char *gz_bin_peek_str(gz_bin_reader *r, size_t *len)
{
	uint32_t n = gz_bin_get_u32(r);
	const char *s;

	*len = 0;
	if (r->bad || n == GZ_BIN_NO_STR)
		return NULL;
	if ((size_t)(r->end - r->p) <= n || r->p[n]) {
		r->bad = true;
		return NULL;
	}
	s = r->p;
	r->p += n + 1;
	*len = n;
	return s;
}

#endif
