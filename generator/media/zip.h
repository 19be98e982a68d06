/*
 * zip.h: a zip file written to an open file (libarchive), for the story
 * packs of write/pack.h, which names and publishes the file.
 *
 * Built into gazette-media.so (media.h): libarchive and the libraries it
 * brings (ICU, libxml2, OpenSSL, four compressors) would be a third of
 * what every gazette command loads, and only `archive pull` writes a zip.
 * Errors come back as a message in *err (the caller frees it), as
 * libarchive gives it.
 */
#ifndef GZ_ZIP_H
#define GZ_ZIP_H

#include <stddef.h>
#include <stdint.h>

typedef struct gz_zip gz_zip;

/* Start a zip written to fd (left open: the caller closes it). Returns 0,
 * or -1 with *out NULL. */
int gz_zip_open(gz_zip **out, int fd, char **err);

/* Add a file named name (UTF-8, '/'-separated) of len bytes, dated mtime:
 * the wall clock its dates are read in (a zip's time has no zone), as
 * seconds since 1970 counted as if that clock were UTC. Any unzip lists
 * that date and time, whatever zone the zip was made in. Returns 0 or -1. */
int gz_zip_add(gz_zip *z, const char *name, const void *data, size_t len, int64_t mtime,
	       char **err);

/* Write the zip's directory. Returns 0 or -1. */
int gz_zip_close(gz_zip *z, char **err);

/* Free z, closed or not. NULL is fine. */
void gz_zip_free(gz_zip *z);

#endif
