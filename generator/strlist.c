#include "strlist.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

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

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

void *gz_map_get(const gz_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], key))
			return m->vals[i];
	return NULL;
}

bool gz_map_has(const gz_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return false;
	for (i = hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], key))
			return true;
	return false;
}

static void put(gz_map *m, const char *key, void *val)
{
	size_t i;

	for (i = hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1)) {
		if (!strcmp(m->keys[i], key)) {
			m->vals[i] = val;
			return;
		}
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

void gz_map_put(gz_map *m, const char *key, void *val)
{
	if ((m->n + 1) * 2 > m->cap) {
		gz_map old = *m;
		size_t i;

		m->cap = old.cap ? old.cap * 2 : 16;
		m->keys = gz_calloc(m->cap, sizeof(*m->keys));
		m->vals = gz_calloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i])
				put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	put(m, key, val);
}

void gz_map_release(gz_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}
