/*
 * pack.h: zip files (libarchive, through media/zip.h) and gzip streams
 * (libdeflate).
 *
 * The only module that includes libdeflate.h. A pack is built in a
 * temporary file beside its destination and only appears under its name
 * when gz_pack_finish succeeds, so a failed or interrupted pull never
 * leaves half a zip behind, and an existing file is never replaced unless
 * the caller asked for it.
 */
#ifndef GZ_PACK_H
#define GZ_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"

typedef struct gz_pack gz_pack;

#define GZ_PACK_EXISTS (-2) /* the destination exists and overwrite is false */

/* Start a zip that will become path. Returns 0, GZ_PACK_EXISTS, or -1; on
 * failure d has an error at path and *out is NULL. Later errors about the
 * pack are placed at path too. */
int gz_pack_open(gz_pack **out, const char *path, bool overwrite, gz_diag *d);

/* Add a file named name (UTF-8, '/'-separated) holding len bytes of data,
 * dated mtime, a wall clock as gz_zip_add takes it (media/zip.h). Returns
 * 0, or -1 with an error in d. */
int gz_pack_add(gz_pack *pk, const char *name, const void *data, size_t len, int64_t mtime,
		gz_diag *d);

/* Close the zip and move it to its name. Frees pk either way. Returns 0,
 * GZ_PACK_EXISTS (someone made the file meanwhile) or -1, with an error in
 * d. */
int gz_pack_finish(gz_pack *pk, gz_diag *d);

/* Drop an unfinished pack: its temporary file is removed. NULL is fine. */
void gz_pack_free(gz_pack *pk);

/* The two below are given bytes, not a file: their errors are placed at
 * path, the file the caller read the bytes from or writes them to; d may
 * be NULL when the caller falls back to something else and reports
 * nothing. */

/* Append data compressed as one gzip member (RFC 1952, no file name, time
 * 0, so the same bytes always give the same output) to out, at libdeflate's
 * level 1 (fastest) to 12 (smallest); 0 is its default (6). Returns 0, or
 * -1 with the error added to d. */
int gz_pack_gzip(gz_buf *out, const void *data, size_t len, int level, const char *path,
		 gz_diag *d);

/* Append what the gzip stream data holds to out, at most max bytes: one
 * member, as gz_pack_gzip makes it. Returns 0, or -1 with the error added
 * to d when data is not that, is damaged or holds more than max bytes. */
int gz_pack_gunzip(gz_buf *out, const void *data, size_t len, size_t max, const char *path,
		   gz_diag *d);

#endif
