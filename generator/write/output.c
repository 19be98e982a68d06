/*
 * output.c: the list of outputs a build collects (output.h). Publishing
 * them is publish.c's, with writefile.c, folders.c and publishrecord.c
 * (publish_private.h).
 */
#include "write/publish_private.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/pool.h"

void gz_outputs_init(gz_outputs *o)
{
	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
}

void gz_outputs_release(gz_outputs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->items[i].path);
		free(o->items[i].data);
		free(o->items[i].from_path);
	}
	free(o->items);
	gz_map_release(&o->streamed);
	pthread_mutex_destroy(&o->lock);
	memset(o, 0, sizeof(*o));
}

static void add(gz_outputs *o, gz_output *it)
{
	pthread_mutex_lock(&o->lock);
	GZ_GROW(o->items, o->cap, o->n + 1);
	o->items[o->n++] = *it;
	pthread_mutex_unlock(&o->lock);
}

/* Claim path for streaming: no other output has streamed it (two with one
 * path stay in memory for gz_outputs_check to report, and neither
 * overwrites the other's file in the spare). */
static bool claim(gz_outputs *o, char *path)
{
	bool mine = false;

	pthread_mutex_lock(&o->lock);
	if (!gz_map_get(&o->streamed, path)) {
		gz_map_put(&o->streamed, path, path);
		mine = true;
	}
	pthread_mutex_unlock(&o->lock);
	return mine;
}

void gz_outputs_add(gz_outputs *o, const char *path, char *data, size_t len, const char *origin)
{
	gz_output it = {gz_strdup(path), data, len, NULL, NULL, origin, GZ_STREAMED_NOT};
	int s;

	if (o->stream && gz_path_is_safe(path) && claim(o, it.path) &&
	    (s = gz_publish_stream_one(o->stream, it.path, data, len)) >= 0) {
		it.streamed = s == GZ_OUT_SAME ? GZ_STREAMED_SAME : GZ_STREAMED_WRITTEN;
		it.data = NULL;
		free(data);
	}
	add(o, &it);
}

void gz_outputs_copy(gz_outputs *o, const char *path, gz_source *src, const char *from_path,
		     const char *origin)
{
	gz_output it = {gz_strdup(path), NULL, 0, src, gz_strdup(from_path), origin, GZ_STREAMED_NOT};
	add(o, &it);
}

void gz_outputs_keep(gz_outputs *o, const char *path, const char *origin)
{
	gz_output it = {gz_strdup(path), NULL, 0, NULL, NULL, origin, GZ_STREAMED_NOT};
	add(o, &it);
}

void gz_outputs_keep_many(gz_outputs *o, char **paths, const char *const *origins, size_t n)
{
	size_t i;

	pthread_mutex_lock(&o->lock);
	GZ_GROW(o->items, o->cap, o->n + n);
	for (i = 0; i < n; i++) {
		gz_output it = {paths[i], NULL, 0, NULL, NULL, origins[i], GZ_STREAMED_NOT};
		o->items[o->n++] = it;
	}
	pthread_mutex_unlock(&o->lock);
}

void gz_outputs_rewrite_copies(gz_outputs *o, bool (*fn)(gz_output *it, void *payload),
			       void *payload)
{
	size_t i, kept = 0;

	pthread_mutex_lock(&o->lock);
	for (i = 0; i < o->n; i++) {
		gz_output *it = &o->items[i];
		/* a copy is never streamed, so no key of o->streamed is freed */
		if (it->from && !fn(it, payload)) {
			free(it->path);
			free(it->data);
			free(it->from_path);
			continue;
		}
		o->items[kept++] = *it;
	}
	o->n = kept;
	pthread_mutex_unlock(&o->lock);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const gz_output *)a)->path, ((const gz_output *)b)->path);
}

/* The two halves of a list sorted on a worker each. */
typedef struct {
	gz_output *items;
	size_t half, n;
} halves;

static void sort_half(size_t i, int worker, void *payload)
{
	halves *h = payload;

	if (i == 0)
		qsort(h->items, h->half, sizeof(*h->items), cmp_path);
	else
		qsort(h->items + h->half, h->n - h->half, sizeof(*h->items), cmp_path);
}

/* o's items by path: twenty thousand paths that share their first tens of
 * bytes are a few ms of strcmp, before anything can be published, so each
 * half is sorted on a worker of its own and the halves merged. */
static void sort_outputs(gz_outputs *o)
{
	halves h = {o->items, o->n / 2, o->n};
	gz_output *merged;
	size_t a = 0, b = h.half, k = 0;

	if (o->n < 1024 || gz_pool_cores() < 2) {
		if (o->n)
			qsort(o->items, o->n, sizeof(*o->items), cmp_path);
		return;
	}
	gz_parallel(2, 2, sort_half, &h, NULL);
	merged = gz_malloc(o->n * sizeof(*merged));
	while (a < h.half && b < o->n)
		merged[k++] = cmp_path(&o->items[b], &o->items[a]) < 0 ? o->items[b++] : o->items[a++];
	while (a < h.half)
		merged[k++] = o->items[a++];
	while (b < o->n)
		merged[k++] = o->items[b++];
	free(o->items);
	o->items = merged;
	o->cap = o->n;
}

int gz_outputs_check(gz_outputs *o, gz_diag *d)
{
	size_t i;
	int rc = 0;

	sort_outputs(o);
	for (i = 0; i < o->n; i++) {
		if (!gz_path_is_safe(o->items[i].path)) {
			gz_diag_error(d, o->items[i].origin, 0, 0,
				      _("output path '%s' would leave the output folder"),
				      o->items[i].path);
			rc = -1;
		}
		if (i && !strcmp(o->items[i].path, o->items[i - 1].path)) {
			gz_diag_error(d, o->items[i].origin, 0, 0,
				      _("'%s' is also produced by %s; give one of them another URL"),
				      o->items[i].path, o->items[i - 1].origin);
			rc = -1;
		}
	}
	return rc;
}
