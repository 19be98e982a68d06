/*
 * strlist.h: a growable list of owned strings, and a string-keyed hash map.
 */
#ifndef GZ_STRLIST_H
#define GZ_STRLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	char **items;
	size_t n, cap;
} gz_strlist;

void gz_strlist_add(gz_strlist *l, const char *s);      /* copies s */
void gz_strlist_take(gz_strlist *l, char *s);           /* takes s */
void gz_strlist_sort(gz_strlist *l);
void gz_strlist_release(gz_strlist *l);

/* Open-addressing map from string to pointer. Keys are borrowed: they must
 * outlive the map (they are normally owned by the value stored). Each slot
 * keeps its key's hash, so a probe compares strings only when the hashes
 * match and growing never hashes a key again. */
typedef struct {
	uint64_t hash;
	const char *key; /* NULL: an empty slot */
	void *val;
} gz_map_slot;

/* A probe reads one slot (hash, key and value side by side, in one cache
 * line) and the key's text only when the hashes match: the maps of a
 * 10,000-page site are larger than the processor's caches, and separate
 * arrays of keys, values and hashes cost three misses a probe. */
typedef struct {
	gz_map_slot *slots;
	size_t n, cap;
} gz_map;

void *gz_map_get(const gz_map *m, const char *key);
/* Whether key was ever put, even with a NULL value. */
bool gz_map_has(const gz_map *m, const char *key);
void gz_map_put(gz_map *m, const char *key, void *val);
/* Room for n more keys without growing (a map to which a known number of
 * keys will be put: grown once, not doubled a dozen times). */
void gz_map_reserve(gz_map *m, size_t n);
void gz_map_release(gz_map *m);
/* Each key put and its value, in no particular order: *at starts at 0;
 * false when there are no more. */
bool gz_map_next(const gz_map *m, size_t *at, const char **key, void **val);

#endif
