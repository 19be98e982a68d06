/*
 * hash.h: 64-bit FNV-1a, for cache keys and change detection (not for
 * security: nothing here defends against crafted collisions, and nothing
 * needs to: a collision only makes a build redo or keep one page).
 */
#ifndef GZ_HASH_H
#define GZ_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GZ_HASH_INIT 1469598103934665603ULL

static inline uint64_t gz_hash_add(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* A string and its terminating NUL, so "ab"+"c" differs from "a"+"bc". */
static inline uint64_t gz_hash_str(uint64_t h, const char *s)
{
	size_t n = 0;

	if (!s)
		return gz_hash_add(h, "\xff", 1);
	while (s[n])
		n++;
	return gz_hash_add(h, s, n + 1);
}

/* The same job eight bytes at a step, for the long strings hashed on every
 * build (summaries, URLs, commit ids): FNV-1a's byte at a step is the
 * larger part of hashing ten thousand pages. Values differ from
 * gz_hash_str's; keep to one of the two for one key. */
static inline uint64_t gz_hash_fast(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	h ^= (uint64_t)len * 0x9e3779b97f4a7c15ULL;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w ^ 0x80) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 32);
}

static inline uint64_t gz_hash_fast_str(uint64_t h, const char *s)
{
	size_t n = 0;

	if (!s)
		return gz_hash_fast(h, "\xff", 1) ^ 0x5bd1e995ULL;
	while (s[n])
		n++;
	return gz_hash_fast(h, s, n);
}

static inline uint64_t gz_hash_u64(uint64_t h, uint64_t v)
{
	return gz_hash_add(h, &v, sizeof(v));
}

/* A number into a hash in one step, for keys made many times a build and
 * kept only by this program's own records (a page's model, an output's
 * dependencies): gz_hash_u64's eight bytes at a step are the larger part
 * of them. Values differ from gz_hash_u64's; keep to one for one key. */
static inline uint64_t gz_hash_mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 31);
}

#endif
