/*
 * cache.h: the cache folder .gazette/ beside the content.
 *
 * It holds what is not content: the list of files the last build wrote
 * into each output folder (so a page deleted from content also leaves the
 * site), what each of them depended on (so an unchanged page is not
 * rendered again), parsed pages, photo derivatives, PDFs, the archive. It
 * ignores itself in git. A bare repository has no place beside its
 * content, so its cache goes to $XDG_CACHE_HOME/gazette, or
 * ~/.cache/gazette when that is not set.
 */
#ifndef GZ_CACHE_H
#define GZ_CACHE_H

#include <stdbool.h>

/* The file <what>-<hash>.txt of the cache for the output folder out_dir
 * (create: make the cache folder if missing). Caller frees. */
char *gz_cache_file(const char *source, bool bare, const char *out_dir, const char *what,
		    bool create);

/* A folder of the cache shared by every output folder: img/ for photo
 * derivatives (their names are hashes of what they are made from), pages/
 * for parsed pages (keyed by their bytes). Caller frees. */
char *gz_cache_sub_dir(const char *source, bool bare, const char *name, bool create);

/* The folder name (img, pages, print …) of the cache of a working tree
 * source, made with .gazette's .gitignore if missing (the folder name
 * itself is made by its user). Caller frees. */
char *gz_cache_dir(const char *source, const char *name);

#endif
