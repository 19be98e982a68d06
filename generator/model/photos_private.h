/*
 * photos_private.h: what the files behind photos.h share, and no one else
 * includes (photos.h is the interface).
 *
 *   photos.c        the site's photos: gathered from the pages, made,
 *                   attached to them, published
 *   photoconfig.c   site.yml images: into gz_image_opts
 *   photoderive.c   each photo's derivatives and stripped original, on all
 *                   cores, from the cache folder when it has them
 *   photocache.c    the cache folder's files: derivatives and their
 *                   records, the originals' stamps, pruning
 *   photohtml.c     a picture's URLs and srcset, and the <picture> and
 *                   <figure> of the images in a page's body
 */
#ifndef GZ_PHOTOS_PRIVATE_H
#define GZ_PHOTOS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "media/image.h"
#include "model/photos.h"
#include "source/source.h"

/* Whether derivative i of pic is made in format f. */
static inline bool gz_picture_has(const gz_picture *pic, size_t i, gz_image_format f)
{
	return pic->formats[i] & (1u << f);
}

/* ---- photocache.c ---- */

/* A file's extension for each gz_image_format ("webp", "jpg"). */
extern const char *const gz_photos_ext[GZ_IMAGE_NFORMATS];

/* The hash of the settings (and of the derivatives' version) that goes
 * into every picture's key. */
uint64_t gz_photos_settings_hash(const gz_image_opts *o);

/* The cache file of derivative width (0: the thumbnail) in format f of the
 * picture key, under dir; f -1 names the picture's record. */
void gz_photos_cache_name(gz_buf *b, const char *dir, const char *key, int width, int f);

/* The name of an original's stripped copy in the cache. */
void gz_photos_orig_name(gz_buf *b, const char *dir, uint64_t content, const char *kind);

/* A regular file is at path. */
bool gz_photos_file_exists(const char *path);

/* Write path atomically: a temporary name unique to this process and uniq
 * (the picture's index), then rename. Another gazette on the same site (a
 * serve, a desk preview) may be writing the same file meanwhile: each
 * renames a whole file of its own. 0 or -1. */
int gz_photos_write_file(const char *path, const void *data, size_t len, size_t uniq);

/* Fill pic from its record in dir when it and every file it names are
 * there (a whole set). */
bool gz_photos_load_cached(const char *dir, gz_picture *pic);

/* Write r's files and then pic's record into dir, filling pic. 0 or -1. */
int gz_photos_store(const char *dir, gz_picture *pic, const gz_image_result *r, size_t uniq);

/* Remove, once a day, the cache files no picture of ph names that are
 * older than the days they are kept. */
void gz_photos_prune_cache(const gz_photos *ph);

/* What the last build learnt about one original in a source folder: its
 * bytes' hash, while its stamp (size, times, inode) stays the same. */
typedef struct {
	bool valid;
	uint64_t content;
	gz_source_stamp st;
	char ext[6];             /* its stripped copy's, or "-": published as it is */
	char *path;
} gz_photos_source;

/* The record <dir>/sources into *all (*n of them, each path owned) and m
 * (path → entry). */
void gz_photos_sources_load(gz_map *m, gz_photos_source **all, size_t *n, const char *dir);

/* The valid entries of next[n] as the new record. */
void gz_photos_sources_save(const gz_photos_source *next, size_t n, const char *dir);

/* ---- photoderive.c ---- */

/* Make or find every picture of ph (ph->cache_dir is set), from src, and
 * count the work in ph. Returns 0, or -1 if the cache folder could not be
 * written. */
int gz_photos_derive(gz_photos *ph, gz_source *src, const gz_photos_opts *o);

/* ---- photohtml.c ---- */

/* Replace the body's <!--gz-img N--> and <!--gz-fig N--> markers (page.h)
 * with pictures and figures, under the site's base path. */
void gz_photos_write_images(gz_page *p, const char *base);

#endif
