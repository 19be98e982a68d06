/*
 * output.h: the files a build produces, and writing them into public/.
 *
 * Outputs are collected in memory first; only a build with no errors calls
 * gz_outputs_write, so a failed build changes nothing in the output folder.
 * Each file is written to a temporary name beside it and renamed over the
 * old one, so no reader ever sees half a file; a file whose bytes did not
 * change is left alone (its mtime too), which keeps rsync and browsers calm.
 */
#ifndef GZ_OUTPUT_H
#define GZ_OUTPUT_H

#include <pthread.h>
#include <stddef.h>

#include "diag.h"
#include "source.h"

typedef struct {
	char *path;          /* relative to the output folder */
	char *data;          /* owned bytes, or NULL to copy from a source */
	size_t len;
	gz_source *from;     /* borrowed: copy from this source … */
	char *from_path;     /* … at this path */
	const char *origin;  /* for messages: what produced it */
} gz_output;

typedef struct {
	gz_output *items;
	size_t n, cap;
	pthread_mutex_t lock;
} gz_outputs;

typedef struct {
	size_t written, unchanged, bytes, removed;
} gz_write_stats;

void gz_outputs_init(gz_outputs *o);
void gz_outputs_release(gz_outputs *o);
/* Add rendered bytes (taken over) for path (copied). Thread-safe. */
void gz_outputs_add(gz_outputs *o, const char *path, char *data, size_t len, const char *origin);
/* Add a file to copy from src at from_path. Thread-safe. */
void gz_outputs_copy(gz_outputs *o, const char *path, gz_source *src, const char *from_path,
		     const char *origin);

/* Keep path as the last build wrote it (it is still an output, so it is
 * not pruned, but nothing is written). Thread-safe. */
void gz_outputs_keep(gz_outputs *o, const char *path, const char *origin);

/* Report two outputs with one path as errors. Returns -1 if any. */
int gz_outputs_check(gz_outputs *o, gz_diag *d);

/* Write everything under dir (created if missing). Changed files are first
 * written to temporary names; only when all of them are written are they
 * renamed into place, so a failure (disk full, a file where a folder should
 * be) leaves dir as it was. Returns 0, or -1 with errors in d. */
int gz_outputs_write(gz_outputs *o, const char *dir, int jobs, gz_diag *d, gz_write_stats *st);

/* Remove from dir (recursively) the temporary files ".<name>.gazette-tmp-<pid>"
 * left by builds that were killed and are no longer running. Returns how
 * many were removed. gz_outputs_write calls it first. */
size_t gz_outputs_remove_stale(const char *dir);

/* Remove from dir the files listed in manifest (what the last build wrote)
 * that o no longer has, with folders left empty; then record o's paths in
 * manifest. A missing manifest removes nothing. Returns 0, or -1 with a
 * warning when the manifest cannot be written. */
int gz_outputs_prune(gz_outputs *o, const char *dir, const char *manifest, gz_diag *d,
		     size_t *removed);

#endif
