#include "image.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "alloc.h"

static pthread_once_t started = PTHREAD_ONCE_INIT;
static bool running;

/* libvips warns on stderr about damaged files; the build reports them
 * itself, at the line that uses the file. */
static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
}

static void start(void)
{
	if (VIPS_INIT("gazette") != 0) {
		fprintf(stderr, "gazette: cannot start libvips: %s\n", vips_error_buffer());
		abort();
	}
	/* every image is decoded once per build and then cached on disk: an
	 * operation cache would only hold memory */
	vips_cache_set_max(0);
	/* the build runs one image per core itself */
	vips_concurrency_set(1);
	/* loaders libvips marks as unsafe for untrusted files stay off */
	vips_block_untrusted_set(TRUE);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, quiet, NULL);
	running = true;
}

void gz_image_init(void)
{
	pthread_once(&started, start);
}

void gz_image_shutdown(void)
{
	if (running)
		vips_shutdown();
	running = false;
}

size_t gz_image_plan(int *out, const gz_image_opts *o, int w)
{
	size_t i, n = 0;
	int max = o->nwidths ? o->widths[o->nwidths - 1] : w;

	for (i = 0; i < o->nwidths; i++)
		if (o->widths[i] < w)
			out[n++] = o->widths[i];
	if (w <= max || !o->nwidths)
		out[n++] = w;
	return n;
}

/* "Canon (Canon, ASCII, 6 components, 6 bytes)": libvips adds the format in
 * brackets after the value. */
static char *exif_string(VipsImage *im, const char *field)
{
	const char *s;
	char *v, *cut;

	if (vips_image_get_typeof(im, field) == 0 || vips_image_get_string(im, field, &s) != 0)
		return NULL;
	v = gz_strdup(s);
	cut = strstr(v, " (");
	if (cut)
		*cut = '\0';
	while (*v && v[strlen(v) - 1] == ' ')
		v[strlen(v) - 1] = '\0';
	if (!*v) {
		free(v);
		return NULL;
	}
	return v;
}

static void read_metadata(gz_image_result *r, VipsImage *im)
{
	char *make = exif_string(im, "exif-ifd0-Make"), *model = exif_string(im, "exif-ifd0-Model");
	char *taken = exif_string(im, "exif-ifd2-DateTimeOriginal");

	if (!taken)
		taken = exif_string(im, "exif-ifd0-DateTime");
	/* EXIF writes dates as 2019:06:08 09:30:00 */
	if (taken && strlen(taken) >= 10 && taken[4] == ':' && taken[7] == ':') {
		taken[4] = taken[7] = '-';
		r->taken = taken;
	} else {
		free(taken);
	}
	if (make && model && strncmp(model, make, strlen(make))) {
		size_t n = strlen(make) + strlen(model) + 2;
		r->camera = gz_malloc(n);
		snprintf(r->camera, n, "%s %s", make, model);
	} else if (model || make) {
		r->camera = gz_strdup(model ? model : make);
	}
	free(make);
	free(model);
}

static char *vips_reason(void)
{
	char *s = vips_error_buffer_copy(), *nl, *r;

	nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	r = gz_strdup(s);
	g_free(s);
	return r;
}

/* Drop every metadata field (EXIF with GPS, XMP, IPTC, orientation,
 * comments, profiles): savers' strip alone leaves some behind (libvips
 * 8.14 rebuilds an EXIF block in WebP from an orientation field). */
static void drop_metadata(VipsImage *mem)
{
	gchar **fields = vips_image_get_fields(mem), **f;

	for (f = fields; *f; f++)
		vips_image_remove(mem, *f);
	g_strfreev(fields);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* libvips 8.14's webpsave writes an EXIF chunk even with strip: take the
 * EXIF and XMP chunks out of the RIFF container and clear their flags in
 * VP8X. Works in place; returns the new length. */
static size_t webp_strip(unsigned char *b, size_t len)
{
	size_t i = 12, o = 12, vp8x = 0;

	if (len < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WEBP", 4))
		return len;
	while (i + 8 <= len) {
		size_t n = le32(b + i + 4), whole = 8 + n + (n & 1);
		if (whole > len - i)
			return len; /* not what libwebp writes: leave it */
		if (!memcmp(b + i, "EXIF", 4) || !memcmp(b + i, "XMP ", 4)) {
			i += whole;
			continue;
		}
		if (!memcmp(b + i, "VP8X", 4))
			vp8x = o;
		memmove(b + o, b + i, whole);
		o += whole;
		i += whole;
	}
	if (vp8x)
		b[vp8x + 8] &= (unsigned char)~(0x08 | 0x04);
	b[4] = (unsigned char)(o - 8);
	b[5] = (unsigned char)((o - 8) >> 8);
	b[6] = (unsigned char)((o - 8) >> 16);
	b[7] = (unsigned char)((o - 8) >> 24);
	return o;
}

static int save(gz_image_result *r, VipsImage *im, gz_image_format f, bool thumb, int q)
{
	void *buf = NULL;
	size_t len = 0;
	int rc;
	gz_image_file *file;
	VipsImage *clean;

	/* no EXIF, GPS, XMP or IPTC leaves with a derivative: a copy with no
	 * metadata fields at all, saved with strip */
	if (vips_copy(im, &clean, NULL))
		return -1;
	drop_metadata(clean);
	if (f == GZ_IMAGE_WEBP) {
		rc = vips_webpsave_buffer(clean, &buf, &len, "Q", q, "strip", TRUE, NULL);
		if (rc == 0)
			len = webp_strip(buf, len);
	} else
		rc = vips_jpegsave_buffer(clean, &buf, &len, "Q", q, "strip", TRUE,
					  "optimize_coding", TRUE, NULL);
	g_object_unref(clean);
	if (rc != 0)
		return -1;
	r->files = gz_realloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
	file = &r->files[r->nfiles++];
	file->width = vips_image_get_width(im);
	file->height = vips_image_get_height(im);
	file->format = f;
	file->thumb = thumb;
	file->data = buf;
	file->len = len;
	return 0;
}

static int save_both(gz_image_result *r, VipsImage *im, const gz_image_opts *o, bool thumb)
{
	if (o->webp && save(r, im, GZ_IMAGE_WEBP, thumb, o->quality) < 0)
		return -1;
	if (o->jpeg && save(r, im, GZ_IMAGE_JPEG, thumb, o->quality) < 0)
		return -1;
	return 0;
}

/* Print copies are refused above this many pixels, like the site's default. */
#define GZ_IMAGE_PRINT_MAX_PIXELS ((uint64_t)100000000)

/* Open the header only (nothing is decoded until the size is known to be
 * sane) and refuse what is not an image or has more pixels than max. */
static int open_checked(VipsImage **in, const void *data, size_t len, uint64_t max, char **err)
{
	char buf[160];
	int w, h;

	*in = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
					 "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
	if (!*in) {
		vips_error_clear();
		*err = gz_strdup("not an image gazette can read (JPEG, PNG, WebP, GIF or TIFF)");
		return GZ_IMAGE_NOT_IMAGE;
	}
	w = vips_image_get_width(*in);
	h = vips_image_get_height(*in);
	if ((uint64_t)w * (uint64_t)h > max) {
		snprintf(buf, sizeof(buf),
			 "%d×%d pixels, over the limit of %llu megapixels; make a smaller copy", w,
			 h, (unsigned long long)(max / 1000000));
		*err = gz_strdup(buf);
		return GZ_IMAGE_TOO_LARGE;
	}
	return GZ_IMAGE_OK;
}

/* Decode at most w×h (shrink-on-load, EXIF orientation applied), as sRGB
 * with any transparency laid on white. Returns 0 or -1 (vips_reason). */
static int decode_flat(VipsImage **out, const void *data, size_t len, int w, int h)
{
	VipsImage *big = NULL, *rgb = NULL;
	int rc = -1;

	*out = NULL;
	if (vips_thumbnail_buffer((void *)data, len, &big, w < 1 ? 1 : w, "height", h < 1 ? 1 : h,
				  "size", VIPS_SIZE_DOWN, "option_string", "fail_on=truncated", NULL) ||
	    vips_colourspace(big, &rgb, VIPS_INTERPRETATION_sRGB, NULL))
		goto cleanup;
	if (vips_image_hasalpha(rgb)) {
		VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
		int fr = vips_flatten(rgb, out, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (fr)
			goto cleanup;
	} else {
		*out = rgb;
		g_object_ref(*out);
	}
	rc = 0;
cleanup:
	if (rgb)
		g_object_unref(rgb);
	if (big)
		g_object_unref(big);
	return rc;
}

/* The message for an image libvips could not decode. */
static char *damaged_message(void)
{
	char buf[200], *why = vips_reason();

	snprintf(buf, sizeof(buf), "damaged or cut short (%s); export it again from the original", why);
	free(why);
	vips_error_clear();
	return gz_strdup(buf);
}

int gz_image_process(gz_image_result *out, const void *data, size_t len, const gz_image_opts *o,
		     char **err)
{
	VipsImage *in = NULL, *mem = NULL, *flat = NULL, *t = NULL;
	int widths[GZ_IMAGE_MAX_WIDTHS + 1] = {0};
	size_t i, n;
	int rc = GZ_IMAGE_DAMAGED, w, h;
	double *px = NULL;
	int npx = 0;

	memset(out, 0, sizeof(*out));
	*err = NULL;
	gz_image_init();
	rc = open_checked(&in, data, len, o->max_pixels, err);
	if (rc == GZ_IMAGE_NOT_IMAGE)
		return rc;
	if (rc != GZ_IMAGE_OK)
		goto cleanup;
	rc = GZ_IMAGE_DAMAGED;
	w = vips_image_get_width(in);
	h = vips_image_get_height(in);
	if (vips_image_get_orientation_swap(in)) {
		int tmp = w;
		w = h;
		h = tmp;
	}
	out->width = w;
	out->height = h;
	read_metadata(out, in);

	n = gz_image_plan(widths, o, w);
	if (!n || widths[n - 1] < 1)
		goto damaged;
	/* decode once, at the largest width; the smaller ones come from memory */
	if (decode_flat(&flat, data, len, widths[n - 1], VIPS_MAX_COORD) < 0 ||
	    !(mem = vips_image_copy_memory(flat)))
		goto damaged;
	for (i = 0; i < n; i++) {
		VipsImage *im = mem;
		if (widths[i] != vips_image_get_width(mem)) {
			if (vips_thumbnail_image(mem, &t, widths[i], "height", VIPS_MAX_COORD, "size",
						 VIPS_SIZE_DOWN, NULL))
				goto damaged;
			im = t;
		}
		if (save_both(out, im, o, false) < 0)
			goto damaged;
		if (t)
			g_object_unref(t);
		t = NULL;
	}
	if (vips_thumbnail_image(mem, &t, o->thumb_w, "height", o->thumb_h, "crop",
				 VIPS_INTERESTING_ATTENTION, "size", VIPS_SIZE_DOWN, NULL) ||
	    save_both(out, t, o, true) < 0)
		goto damaged;
	g_object_unref(t);
	t = NULL;
	/* the mean colour, as a placeholder background while photos load */
	if (vips_thumbnail_image(mem, &t, 1, "height", 1, "size", VIPS_SIZE_FORCE, NULL) ||
	    vips_getpoint(t, &px, &npx, 0, 0, NULL))
		goto damaged;
	snprintf(out->color, sizeof(out->color), "#%02x%02x%02x", (unsigned)px[0] & 0xff,
		 (unsigned)px[npx > 2 ? 1 : 0] & 0xff, (unsigned)px[npx > 2 ? 2 : 0] & 0xff);
	rc = GZ_IMAGE_OK;
	goto cleanup;

damaged:
	*err = damaged_message();
	rc = GZ_IMAGE_DAMAGED;
cleanup:
	g_free(px);
	if (t)
		g_object_unref(t);
	if (mem)
		g_object_unref(mem);
	if (flat)
		g_object_unref(flat);
	if (in)
		g_object_unref(in);
	if (rc != GZ_IMAGE_OK)
		gz_image_result_release(out);
	return rc;
}

void gz_image_result_release(gz_image_result *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		g_free(r->files[i].data);
	free(r->files);
	free(r->taken);
	free(r->camera);
	memset(r, 0, sizeof(*r));
}

int gz_image_size(const void *data, size_t len, int *w, int *h)
{
	VipsImage *in;

	gz_image_init();
	in = vips_image_new_from_buffer(data, len, "", NULL);
	if (!in) {
		vips_error_clear();
		return -1;
	}
	*w = vips_image_get_width(in);
	*h = vips_image_get_height(in);
	if (vips_image_get_orientation_swap(in)) {
		int t = *w;
		*w = *h;
		*h = t;
	}
	g_object_unref(in);
	return 0;
}

int gz_image_print(void **jpeg, size_t *jpeg_len, int *w, int *h, const void *data, size_t len,
		   int max_w, int max_h, int quality, char **err)
{
	VipsImage *in = NULL, *flat = NULL;
	void *vbuf = NULL;
	size_t vlen = 0;
	int rc = GZ_IMAGE_DAMAGED;

	*jpeg = NULL;
	*jpeg_len = 0;
	*err = NULL;
	gz_image_init();
	rc = open_checked(&in, data, len, GZ_IMAGE_PRINT_MAX_PIXELS, err);
	if (rc != GZ_IMAGE_OK)
		goto cleanup;
	rc = GZ_IMAGE_DAMAGED;
	/* shrink-on-load: a 4000×3000 JPEG placed 10 cm wide is decoded at 1/2 or 1/4 */
	if (decode_flat(&flat, data, len, max_w, max_h) < 0)
		goto damaged;
	if (vips_jpegsave_buffer(flat, &vbuf, &vlen, "Q", quality, "strip", TRUE, "interlace",
				 FALSE, "optimize_coding", TRUE, NULL))
		goto damaged;
	*w = vips_image_get_width(flat);
	*h = vips_image_get_height(flat);
	*jpeg = gz_malloc(vlen);
	memcpy(*jpeg, vbuf, vlen);
	*jpeg_len = vlen;
	rc = GZ_IMAGE_OK;
	goto cleanup;

damaged:
	*err = damaged_message();
	rc = GZ_IMAGE_DAMAGED;
cleanup:
	g_free(vbuf);
	if (flat)
		g_object_unref(flat);
	if (in)
		g_object_unref(in);
	return rc;
}

int gz_image_placeholder(void **data, size_t *len, int w, int h)
{
	VipsImage *black = NULL, *grey = NULL, *u8 = NULL;
	void *vbuf = NULL;
	int rc = -1;

	gz_image_init();
	*data = NULL;
	*len = 0;
	if (vips_black(&black, w, h, "bands", 3, NULL) || vips_linear1(black, &grey, 1.0, 204.0, NULL) ||
	    vips_cast(grey, &u8, VIPS_FORMAT_UCHAR, NULL) ||
	    vips_jpegsave_buffer(u8, &vbuf, len, "Q", 60, "strip", TRUE, NULL))
		goto cleanup;
	/* the caller frees with free(), not g_free() */
	*data = gz_malloc(*len);
	memcpy(*data, vbuf, *len);
	g_free(vbuf);
	rc = 0;
cleanup:
	if (rc)
		vips_error_clear();
	if (u8)
		g_object_unref(u8);
	if (grey)
		g_object_unref(grey);
	if (black)
		g_object_unref(black);
	return rc;
}

int gz_image_probe(const void *data, size_t len, int *w, int *h, bool *metadata)
{
	VipsImage *im;

	gz_image_init();
	im = vips_image_new_from_buffer(data, len, "", NULL);
	if (!im) {
		vips_error_clear();
		return -1;
	}
	*w = vips_image_get_width(im);
	*h = vips_image_get_height(im);
	*metadata = vips_image_get_typeof(im, VIPS_META_EXIF_NAME) ||
		    vips_image_get_typeof(im, VIPS_META_XMP_NAME) ||
		    vips_image_get_typeof(im, VIPS_META_IPTC_NAME);
	g_object_unref(im);
	return 0;
}
