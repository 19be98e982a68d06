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

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const gz_output *)a)->path, ((const gz_output *)b)->path);
}

int gz_outputs_check(gz_outputs *o, gz_diag *d)
{
	size_t i;
	int rc = 0;

	if (o->n)
		qsort(o->items, o->n, sizeof(*o->items), cmp_path);
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
