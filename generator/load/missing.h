/*
 * missing.h: a photo or image a page names that is not there.
 */
#ifndef GZ_MISSING_H
#define GZ_MISSING_H

#include <stdbool.h>

#include "base/diag.h"
#include "source/source.h"

/* The error at path:line:col for ref (as the page wrote it; file is where
 * it was looked for): "photo 'X' not found (looked for Y); is it 'Z'?"
 * when a file of the same folder has the name in another case or one or
 * two typos away, else "…; check the file name". image: the body's image,
 * not a front-matter photo. */
void gz_missing_file(gz_diag *d, const char *path, int line, int col, gz_source *src, bool image,
		     const char *ref, const char *file);

#endif
