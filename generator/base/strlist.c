#include "base/strlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/hash.h"

void gz_strlist_add(gz_strlist *l, const char *s)
{
	gz_strlist_take(l, gz_strdup(s));
}

void gz_strlist_take(gz_strlist *l, char *s)
{
	GZ_GROW(l->items, l->cap, l->n + 1);
	l->items[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void gz_strlist_sort(gz_strlist *l)
{
	if (l->n)
		qsort(l->items, l->n, sizeof(*l->items), cmp_str);
}

void gz_strlist_release(gz_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* Eight bytes at a time: content paths are long and share their start. */
static uint64_t hash(const char *s)
{
	return gz_hash_fast(GZ_HASH_INIT, s, strlen(s));
}

/* The slot of key (hash h): where it is, or the empty slot it would go to. */
static size_t slot(const gz_map *m, const char *key, uint64_t h)
{
	size_t i;

	for (i = (size_t)h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->hashes[i] == h && !strcmp(m->keys[i], key))
			break;
	return i;
}

void *gz_map_get(const gz_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = slot(m, key, hash(key));
	return m->keys[i] ? m->vals[i] : NULL;
}

bool gz_map_has(const gz_map *m, const char *key)
{
	return m->cap && m->keys[slot(m, key, hash(key))];
}

/* Make room for cap slots (a power of two), the keys moved over. */
static void regrow(gz_map *m, size_t cap)
{
	gz_map old = *m;
	size_t i;

	m->cap = cap;
	m->keys = gz_calloc(m->cap, sizeof(*m->keys));
	m->vals = gz_calloc(m->cap, sizeof(*m->vals));
	m->hashes = gz_calloc(m->cap, sizeof(*m->hashes));
	for (i = 0; i < old.cap; i++) {
		size_t k;
		if (!old.keys[i])
			continue;
		for (k = (size_t)old.hashes[i] & (m->cap - 1); m->keys[k]; k = (k + 1) & (m->cap - 1))
			;
		m->keys[k] = old.keys[i];
		m->vals[k] = old.vals[i];
		m->hashes[k] = old.hashes[i];
	}
	free(old.keys);
	free(old.vals);
	free(old.hashes);
}

void gz_map_reserve(gz_map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16;

	while ((m->n + n) * 2 > cap)
		cap *= 2;
	if (cap != m->cap)
		regrow(m, cap);
}

void gz_map_put(gz_map *m, const char *key, void *val)
{
	uint64_t h = hash(key);
	size_t i;

	if ((m->n + 1) * 2 > m->cap)
		regrow(m, m->cap ? m->cap * 2 : 16);
	i = slot(m, key, h);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->hashes[i] = h;
		m->n++;
	}
	m->vals[i] = val;
}

void gz_map_release(gz_map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->hashes);
	memset(m, 0, sizeof(*m));
}
