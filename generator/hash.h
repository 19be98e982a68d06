/*
 * hash.h: 64-bit FNV-1a, for cache keys and change detection (not for
 * security: nothing here defends against crafted collisions, and nothing
 * needs to: a collision only makes a build redo or keep one page).
 */
#ifndef GZ_HASH_H
#define GZ_HASH_H

#include <stddef.h>
#include <stdint.h>

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

static inline uint64_t gz_hash_u64(uint64_t h, uint64_t v)
{
	return gz_hash_add(h, &v, sizeof(v));
}

#endif
