/*
 * photos.h: the site's photos and their derivatives.
 *
 * After the model is loaded, gz_photos_make gathers every photo a built
 * page uses (front matter photos and cover, Markdown images), reads each
 * original once, and makes its derivatives (image.h) on all cores, or
 * takes them from the cache folder (.gazette/img/) when a file with the
 * same name exists there. The name is a hash of the original's bytes and
 * of the settings (site.yml images:), so an unchanged photo costs a read
 * and a hash, never a decode. It then points each gz_photo at its
 * gz_picture, writes the <picture> of each Markdown image into the page
 * body, and folds the pictures into the pages' model hashes, so pages are
 * re-rendered exactly when one of their photos changed.
 *
 * Derivatives are published as img/<hash16>-<width>.webp|jpg and
 * img/<hash16>-thumb.webp|jpg, copied from the cache into the output
 * (gz_photos_output), so a photo no longer used leaves public/ with the
 * build's prune. A photo that cannot be read is an error at the line that
 * uses it; with keep_going it is a warning and a grey placeholder.
 */
#ifndef GZ_PHOTOS_H
#define GZ_PHOTOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "diag.h"
#include "image.h"
#include "output.h"
#include "site.h"
#include "strlist.h"

typedef struct gz_picture {
	char *file;              /* the original: "content/photos/2019/a.jpg" */
	char key[17];            /* 16 hex digits: hash of bytes and settings */
	uint64_t hash;
	int width, height;       /* the original's, after EXIF orientation */
	int w[GZ_IMAGE_MAX_WIDTHS + 1], h[GZ_IMAGE_MAX_WIDTHS + 1];
	size_t n;                /* derivative sizes, ascending */
	int thumb_w, thumb_h;
	char *taken, *camera;    /* from EXIF, or NULL */
	char color[8];           /* "#rrggbb" */
	bool webp, jpeg;
	bool placeholder;        /* unreadable; a grey stand-in (keep_going) */
	int status;              /* gz_image_status of the original */
	char *error;             /* why it could not be read, or NULL */
	bool cached;             /* taken from the cache folder */
} gz_picture;

typedef struct {
	gz_image_opts img;
	gz_picture **items;
	size_t n, cap;
	gz_map by_file;
	char *cache_dir;
	gz_source *cache;        /* the cache folder, to copy derivatives from */
	size_t processed, cached;
} gz_photos;

typedef struct {
	int jobs;
	bool progress;
	bool keep_going;         /* unreadable photos: warn and use a placeholder */
	const char *cache_dir;   /* created if missing */
} gz_photos_opts;

/* Read site.yml images: into o (defaults: widths 480, 960, 1600; webp and
 * jpeg; quality 80; thumbnails 640×400; at most 100 megapixels). Errors
 * go to d at the setting's line. Returns 0 or -1. */
int gz_photos_config(gz_image_opts *o, const gz_config *cfg, gz_diag *d);

/* Make or find the derivatives of every photo the site's built pages use
 * (see above). Returns 0, or -1 with errors in d. ph must be released
 * after the outputs are written (they copy from ph->cache). */
int gz_photos_make(gz_photos *ph, gz_site *site, const gz_photos_opts *o, gz_diag *d);

/* Add every derivative to out (copied from the cache at write time). */
void gz_photos_output(gz_photos *ph, gz_outputs *out);

void gz_photos_release(gz_photos *ph);

/* Site-absolute URL of a derivative ("/img/<key>-960.jpg"); width 0 is the
 * thumbnail. */
void gz_picture_url(gz_buf *b, const gz_picture *pic, int width, gz_image_format f);
/* "/base/img/k-480.webp 480w, …" for every width (base path applied). */
void gz_picture_srcset(gz_buf *b, const gz_picture *pic, gz_image_format f, const char *base_path);
/* The width of the derivative a browser without srcset gets. */
int gz_picture_fallback(const gz_picture *pic);

#endif
