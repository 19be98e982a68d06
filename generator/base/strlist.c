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

	for (i = (size_t)h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].hash == h && !strcmp(m->slots[i].key, key))
			break;
	return i;
}

void *gz_map_get(const gz_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = slot(m, key, hash(key));
	return m->slots[i].key ? m->slots[i].val : NULL;
}

bool gz_map_has(const gz_map *m, const char *key)
{
	return m->cap && m->slots[slot(m, key, hash(key))].key;
}

/* Make room for cap slots (a power of two), the keys moved over. */
static void regrow(gz_map *m, size_t cap)
{
	gz_map old = *m;
	size_t i;

	m->cap = cap;
	m->slots = gz_calloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < old.cap; i++) {
		size_t k;
		if (!old.slots[i].key)
			continue;
		for (k = (size_t)old.slots[i].hash & (m->cap - 1); m->slots[k].key; k = (k + 1) & (m->cap - 1))
			;
		m->slots[k] = old.slots[i];
	}
	free(old.slots);
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
	if (!m->slots[i].key) {
		m->slots[i].key = key;
		m->slots[i].hash = h;
		m->n++;
	}
	m->slots[i].val = val;
}

bool gz_map_next(const gz_map *m, size_t *at, const char **key, void **val)
{
	for (; *at < m->cap; (*at)++)
		if (m->slots[*at].key) {
			*key = m->slots[*at].key;
			*val = m->slots[*at].val;
			(*at)++;
			return true;
		}
	return false;
}

void gz_map_release(gz_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
