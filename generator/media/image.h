/*
 * image.h: decoding, resizing and encoding photos (libvips).
 *
 * The only module that includes libvips. gz_image_process turns the bytes
 * of one original (JPEG, PNG, WebP, GIF, TIFF …) into the derivatives a web
 * page needs: a set of widths in WebP and JPEG, a smart-cropped thumbnail
 * and a dominant colour, plus what the original's EXIF says (date taken,
 * camera). EXIF orientation is applied; no metadata (EXIF, GPS, XMP, ICC
 * comments) is written into any derivative. Originals larger than a pixel
 * limit are refused from their header, before any pixel is decoded, so a
 * decompression bomb costs nothing. Thread-safe: call from many threads.
 */
#ifndef GZ_IMAGE_H
#define GZ_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GZ_IMAGE_MAX_WIDTHS 8

typedef enum { GZ_IMAGE_WEBP, GZ_IMAGE_JPEG, GZ_IMAGE_NFORMATS } gz_image_format;

typedef struct {
	/* the widths made in each format (gz_image_format), ascending; a
	 * format with none is not made */
	int widths[GZ_IMAGE_NFORMATS][GZ_IMAGE_MAX_WIDTHS];
	size_t nwidths[GZ_IMAGE_NFORMATS];
	int quality;                     /* 1..100 */
	int thumb_w, thumb_h;            /* smart crop for lists and cards; 0: none */
	uint64_t max_pixels;             /* refuse originals larger than this */
} gz_image_opts;

typedef struct {
	int width, height;
	gz_image_format format;
	bool thumb;                      /* the cropped thumbnail */
	void *data;                      /* encoded bytes (owned) */
	size_t len;
} gz_image_file;

typedef enum {
	GZ_IMAGE_OK = 0,
	GZ_IMAGE_NOT_IMAGE = -1,         /* not a format we can read */
	GZ_IMAGE_TOO_LARGE = -2,         /* over max_pixels */
	GZ_IMAGE_DAMAGED = -3,           /* truncated or corrupt while decoding */
} gz_image_status;

typedef struct {
	int width, height;               /* of the original, after orientation */
	char *taken;                     /* "2019-06-08 09:30:00" or NULL */
	char *camera;                    /* "Canon EOS 5D" or NULL */
	char color[8];                   /* "#rrggbb" */
	gz_image_file *files;
	size_t nfiles;
} gz_image_result;

/* Start libvips once (safe to call from any thread, any number of times). */
void gz_image_init(void);
/* Shut libvips down at exit (only if gz_image_init ran). */
void gz_image_shutdown(void);

/* Process len bytes of an original. Returns GZ_IMAGE_OK with out filled
 * (release with gz_image_result_release), or a negative gz_image_status
 * with *err set to a short reason that reads after "is" ("not an image …",
 * "30000×30000 pixels, over …", "damaged or cut short …"; caller frees)
 * and out empty. */
int gz_image_process(gz_image_result *out, const void *data, size_t len, const gz_image_opts *o,
		     char **err);
void gz_image_result_release(gz_image_result *r);

/* The widths to make in format f for an original w pixels wide: the
 * configured ones below w, plus w itself when it is not above the largest;
 * never wider than the original. Returns how many were written to out. */
size_t gz_image_plan(int *out, const gz_image_opts *o, gz_image_format f, int w);

/* The kind of image whose metadata gz_image_strip removes, as a file
 * name extension ("jpg", "png", "webp", "tif"), from the first bytes; or
 * NULL for anything else (published as it is). Inline: a build asks it of
 * photos it does not make, without loading libvips (media.h). */
static inline const char *gz_image_kind(const void *data, size_t len)
{
	const unsigned char *b = data;

	if (len >= 3 && !memcmp(b, "\xff\xd8\xff", 3))
		return "jpg";
	if (len >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (len >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "webp";
	if (len >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4)))
		return "tif";
	return NULL;
}

/* An original as it is published: the same encoded pixels without EXIF,
 * GPS, XMP, IPTC, comments or embedded previews. JPEG, PNG and WebP are
 * rewritten losslessly, segment by segment (a JPEG keeps its colour
 * profile, and its EXIF orientation as the only EXIF field, so it still
 * shows upright); TIFF, and a file of those formats whose structure the
 * walker does not follow, is decoded and saved again without metadata
 * (upright, lossless where the format allows, JPEG at quality 95).
 * Returns 0 with *out (caller frees), or -1 if it is not such an image
 * or is damaged. */
int gz_image_strip(char **out, size_t *out_len, const void *data, size_t len);

/* A plain grey JPEG (w×h) standing in for a photo that could not be read.
 * Returns 0 with *data (caller frees) or -1. */
int gz_image_placeholder(void **data, size_t *len, int w, int h);

/* A photo for print: decode len bytes, apply EXIF orientation, shrink it
 * (never enlarge) to fit max_w×max_h pixels (the placed size at 300 dpi)
 * and encode a baseline sRGB JPEG without metadata. Returns GZ_IMAGE_OK
 * with *jpeg (caller frees), its size and pixel size, or a negative
 * gz_image_status with *err set as gz_image_process does. */
int gz_image_print(void **jpeg, size_t *jpeg_len, int *w, int *h, const void *data, size_t len,
		   int max_w, int max_h, int quality, char **err);

/* The size of an encoded image after EXIF orientation, from its header
 * only. Returns 0, or -1 if it is not an image libvips reads. */
int gz_image_size(const void *data, size_t len, int *w, int *h);

/* Read back an encoded image's size and whether it carries EXIF/XMP/GPS
 * metadata (for tests). Returns 0 or -1. */
int gz_image_probe(const void *data, size_t len, int *w, int *h, bool *metadata);

#endif
