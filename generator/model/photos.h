/*
 * photos.h: the site's photos and their derivatives.
 *
 * After the model is loaded, gz_photos_make gathers every photo a built
 * page uses (front matter photos and cover, Markdown images) and every
 * image file content/ publishes, and on all cores makes each used photo's
 * derivatives (image.h) and each original's published copy without
 * metadata (gz_image_strip: no GPS leaves with an original either), or
 * takes them from the cache folder (.gazette/img/) when files with the
 * same name exist there. The name is a hash of the original's bytes and
 * of the settings (site.yml images:). The hash of each original is kept
 * in .gazette/img/sources with the file's size, times and inode, so an
 * unchanged photo in a source folder is not even read again: a rebuild
 * costs a stat per photo. It then points each gz_photo at its gz_picture,
 * writes the <picture> of each Markdown image into the page body;
 * gz_site_hash, called after it, folds each picture's gz_picture_hash into
 * its pages' model hashes, so pages are re-rendered exactly when one of
 * their photos changed.
 *
 * Derivatives are published as img/<hash16>-<width>.webp|jpg and
 * img/<hash16>-thumb.webp|jpg, copied from the cache into the output
 * (gz_photos_output), so a photo no longer used leaves public/ with the
 * build's prune. A photo that cannot be read is an error at the line that
 * uses it; with keep_going it is a warning and a grey placeholder. An
 * image file no page uses that cannot be read is left out of public/,
 * with a warning.
 */
#ifndef GZ_PHOTOS_H
#define GZ_PHOTOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "load/config.h"
#include "base/diag.h"
#include "media/image.h"
#include "write/output.h"
#include "model/site.h"
#include "base/strlist.h"

/* the most derivative widths one picture can have: every format's own */
#define GZ_PICTURE_MAX (GZ_IMAGE_NFORMATS * GZ_IMAGE_MAX_WIDTHS)

typedef struct gz_picture {
	char *file;              /* the original: "content/photos/2019/a.jpg" */
	char key[17];            /* 16 hex digits: hash of bytes and settings */
	uint64_t hash;
	uint64_t content;        /* hash of the original's bytes */
	int width, height;       /* the original's, after EXIF orientation */
	int w[GZ_PICTURE_MAX], h[GZ_PICTURE_MAX];
	unsigned char formats[GZ_PICTURE_MAX]; /* bit 1 << gz_image_format */
	size_t n;                /* derivative sizes, ascending */
	bool thumb;              /* a smart-cropped thumbnail was made */
	int thumb_w, thumb_h;    /* its size, or the smallest derivative's */
	char *taken, *camera;    /* from EXIF, or NULL */
	char color[8];           /* "#rrggbb" */
	bool webp, jpeg;
	bool derive;             /* a page uses it: make derivatives */
	int published;           /* the original: 0 stripped copy, 1 as it is, -1 left out */
	char orig_ext[6];        /* ".jpg": the stripped copy in the cache */
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
	gz_source *src;          /* the site's (borrowed) */
	size_t processed, cached;
	size_t read;             /* originals read (not known from the stat cache) */
} gz_photos;

typedef struct {
	int jobs;
	bool progress;
	bool keep_going;         /* unreadable photos: warn and use a placeholder */
	const char *cache_dir;   /* created if missing */
} gz_photos_opts;

/* Read site.yml images: into o (defaults: widths 480, 960, 1600; webp and
 * jpeg; quality 80; thumbnails 640×400; at most 100 megapixels). Either
 * widths and formats, or a width list per format (jpeg: [800, 1600],
 * webp: [400]); thumb: none makes no thumbnails. Errors go to d at the
 * setting's line. Returns 0 or -1. */
int gz_photos_config(gz_image_opts *o, const gz_config *cfg, gz_diag *d);

/* Make or find the derivatives of every photo the site's built pages use
 * (see above). Returns 0, or -1 with errors in d. ph must be released
 * after the outputs are written (they copy from ph->cache). */
int gz_photos_make(gz_photos *ph, gz_site *site, const gz_photos_opts *o, gz_diag *d);

/* Add every derivative to out (copied from the cache at write time), and
 * point the copies of the originals that out already holds (render.h
 * publishes content files) at their stripped copies in the cache. */
void gz_photos_output(gz_photos *ph, gz_outputs *out);

void gz_photos_release(gz_photos *ph);

/* What of pic (NULL: none made yet) a page's model hash covers: its key
 * and whether it stands in for an unreadable original. */
uint64_t gz_picture_hash(const gz_picture *pic);

/* Site-absolute URL of a derivative ("/img/<key>-960.jpg"); width 0 is the
 * thumbnail. */
void gz_picture_url(gz_buf *b, const gz_picture *pic, int width, gz_image_format f);
/* "/base/img/k-480.webp 480w, …" for every width made in f (base path
 * applied). */
void gz_picture_srcset(gz_buf *b, const gz_picture *pic, gz_image_format f, const char *base_path);
/* The width of the derivative a browser without srcset gets, in the
 * picture's main format (JPEG when it is made, else WebP). */
int gz_picture_fallback(const gz_picture *pic);

#endif
