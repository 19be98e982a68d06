#include "media/image.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

static pthread_once_t started = PTHREAD_ONCE_INIT;
static bool running;

/*
 * liborc 0.4.33 frees the code it generated without taking its own lock
 * (orc_code_chunk_free), so when one thread frees a resampling pipeline
 * while another builds or frees one, its list of code blocks can be
 * corrupted and the next build crashes. libvips compiles that code when a
 * reduce is built (vips_thumbnail, vips_resize) and frees it when the last
 * reference to the pipeline goes. Every such call here is made holding
 * pipeline_lock; the pixels themselves (vips_image_copy_memory, the savers)
 * are computed outside it, so the photos still run one per core.
 */
static pthread_mutex_t pipeline_lock = PTHREAD_MUTEX_INITIALIZER;

static void hold(void)
{
	pthread_mutex_lock(&pipeline_lock);
}

static void let_go(void)
{
	pthread_mutex_unlock(&pipeline_lock);
}

/* Unref *im (if any) under pipeline_lock and clear it. */
static void drop(VipsImage **im)
{
	if (!*im)
		return;
	hold();
	g_object_unref(*im);
	let_go();
	*im = NULL;
}

/* libvips warns on stderr about damaged files; the build reports them
 * itself, at the line that uses the file. */
static void quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
}

static void start(void)
{
	if (VIPS_INIT("gazette") != 0) {
		fprintf(stderr, _("gazette: cannot start libvips: %s\n"), vips_error_buffer());
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

size_t gz_image_plan(int *out, const gz_image_opts *o, gz_image_format f, int w)
{
	size_t i, n = 0, nw = o->nwidths[f];

	if (!nw)
		return 0;
	for (i = 0; i < nw; i++)
		if (o->widths[f][i] < w)
			out[n++] = o->widths[f][i];
	if (w <= o->widths[f][nw - 1])
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

static int tiff_orientation(const unsigned char *p, size_t n);

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The Orientation of an EXIF block that may or may not start with
 * "Exif\0\0" (WebP and PNG files are seen both ways), or 0. */
static int exif_orientation(const unsigned char *p, size_t n)
{
	if (n >= 6 && !memcmp(p, "Exif\0\0", 6))
		return tiff_orientation(p + 6, n - 6);
	return tiff_orientation(p, n);
}

/* A big-endian TIFF structure holding only Orientation = orient (26 bytes),
 * the EXIF a turned original keeps. */
static void orientation_tiff(unsigned char t[26], int orient)
{
	static const unsigned char tiff[26] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0,
					       3,   0,   0, 0,  1, 0, 0, 0, 0, 0, 0,    0,    0};
	memcpy(t, tiff, sizeof(tiff));
	t[19] = (unsigned char)orient;
}

/* libvips 8.14's webpsave writes an EXIF chunk even with strip: take the
 * EXIF and XMP chunks out of the RIFF container and clear their flags in
 * VP8X. With keep_turn (an original, not a derivative already turned
 * upright), an orientation other than 1 is written back as a one-field
 * EXIF chunk, which needs 34 bytes more than the rest: cap is the size of
 * the buffer. Works in place; *len becomes the new length. Returns -1 (and
 * leaves the bytes as they were) if they are not a RIFF WebP it can
 * follow. */
static int webp_strip(unsigned char *b, size_t *len, size_t cap, bool keep_turn)
{
	size_t i = 12, o = 12, vp8x = 0, n = *len;
	int orient = 0;

	if (n < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WEBP", 4))
		return -1;
	/* check the whole chain before moving anything */
	while (n - i >= 8) {
		size_t c = le32(b + i + 4), whole = 8 + c + (c & 1);
		if (c > n || whole > n - i)
			return -1;
		i += whole;
	}
	if (i != n && !(i + 1 == n && b[i] == 0))
		return -1;
	i = 12;
	while (n - i >= 8) {
		size_t c = le32(b + i + 4), whole = 8 + c + (c & 1);
		if (!memcmp(b + i, "EXIF", 4) || !memcmp(b + i, "XMP ", 4)) {
			if (!memcmp(b + i, "EXIF", 4) && !orient)
				orient = exif_orientation(b + i + 8, c);
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
	if (keep_turn && orient > 1 && vp8x && o + 34 <= cap) {
		memcpy(b + o, "EXIF\x1a\0\0\0", 8);
		orientation_tiff(b + o + 8, orient);
		o += 34;
		b[vp8x + 8] |= 0x08;
	}
	b[4] = (unsigned char)(o - 8);
	b[5] = (unsigned char)((o - 8) >> 8);
	b[6] = (unsigned char)((o - 8) >> 16);
	b[7] = (unsigned char)((o - 8) >> 24);
	*len = o;
	return 0;
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
			webp_strip(buf, &len, len, false);
	} else
		/* optimised Huffman tables: about 7 ms more for a 1600 px
		 * derivative, about 10% fewer bytes for every visitor */
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

/* Print copies are refused above this many pixels, like the site's default. */
#define GZ_IMAGE_PRINT_MAX_PIXELS ((uint64_t)100000000)

/* Open the header only (nothing is decoded until the size is known to be
 * sane) and refuse what is not an image or has more pixels than max. */
static int open_checked(VipsImage **in, const void *data, size_t len, uint64_t max, char **err)
{
	char buf[256];
	int w, h;

	*in = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
					 "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
	if (!*in) {
		vips_error_clear();
		*err = gz_strdup(_("not an image gazette can read (JPEG, PNG, WebP, GIF or TIFF)"));
		return GZ_IMAGE_NOT_IMAGE;
	}
	w = vips_image_get_width(*in);
	h = vips_image_get_height(*in);
	if ((uint64_t)w * (uint64_t)h > max) {
		snprintf(buf, sizeof(buf),
			 _("%d×%d pixels, over the limit of %llu megapixels; make a smaller copy"), w,
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
	char buf[400], *why = vips_reason();

	snprintf(buf, sizeof(buf), _("damaged or cut short (%s); export it again from the original"),
		 why);
	free(why);
	vips_error_clear();
	return gz_strdup(buf);
}

static bool planned(const int *plan, size_t n, int w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (plan[i] == w)
			return true;
	return false;
}

/* Add w to the ascending list all (n entries) unless it is there. */
static void add_width(int *all, size_t *n, int w)
{
	size_t i = 0;

	while (i < *n && all[i] < w)
		i++;
	if (i < *n && all[i] == w)
		return;
	memmove(all + i + 1, all + i, (*n - i) * sizeof(*all));
	all[i] = w;
	(*n)++;
}

int gz_image_process(gz_image_result *out, const void *data, size_t len, const gz_image_opts *o,
		     char **err)
{
	VipsImage *in = NULL, *flat = NULL, *t = NULL;
	VipsImage *made[GZ_IMAGE_NFORMATS * (GZ_IMAGE_MAX_WIDTHS + 1)] = {NULL};
	int plan[GZ_IMAGE_NFORMATS][GZ_IMAGE_MAX_WIDTHS + 1];
	size_t np[GZ_IMAGE_NFORMATS];
	int all[GZ_IMAGE_NFORMATS * (GZ_IMAGE_MAX_WIDTHS + 1)];
	size_t nall = 0, i, k;
	int rc = GZ_IMAGE_DAMAGED, w, h, f;
	double *px = NULL;
	int npx = 0;
	bool fail;

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

	for (f = 0; f < GZ_IMAGE_NFORMATS; f++) {
		np[f] = gz_image_plan(plan[f], o, (gz_image_format)f, w);
		for (i = 0; i < np[f]; i++)
			add_width(all, &nall, plan[f][i]);
	}
	if (!nall || all[0] < 1)
		goto damaged;
	/* decode once, shrunk on load to the largest width; each smaller width
	 * is made from the next larger one, in memory */
	hold();
	fail = decode_flat(&flat, data, len, all[nall - 1], VIPS_MAX_COORD) < 0;
	let_go();
	if (fail || !(made[nall - 1] = vips_image_copy_memory(flat)))
		goto damaged;
	for (k = nall; k-- > 0;) {
		if (k < nall - 1) {
			hold();
			fail = vips_thumbnail_image(made[k + 1], &t, all[k], "height",
						    VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, NULL);
			let_go();
			if (fail || !(made[k] = vips_image_copy_memory(t)))
				goto damaged;
			drop(&t);
		}
		for (f = 0; f < GZ_IMAGE_NFORMATS; f++)
			if (planned(plan[f], np[f], all[k]) &&
			    save(out, made[k], (gz_image_format)f, false, o->quality) < 0)
				goto damaged;
	}
	if (o->thumb_w && o->thumb_h) {
		/* the smallest width that still covers the crop */
		for (k = 0; k < nall - 1; k++)
			if (vips_image_get_width(made[k]) >= o->thumb_w &&
			    vips_image_get_height(made[k]) >= o->thumb_h)
				break;
		hold();
		fail = vips_thumbnail_image(made[k], &t, o->thumb_w, "height", o->thumb_h, "crop",
					    VIPS_INTERESTING_ATTENTION, "size", VIPS_SIZE_DOWN, NULL);
		let_go();
		if (fail)
			goto damaged;
		for (f = 0; f < GZ_IMAGE_NFORMATS; f++)
			if (np[f] && save(out, t, (gz_image_format)f, true, o->quality) < 0)
				goto damaged;
		drop(&t);
	}
	/* the mean colour, as a placeholder background while photos load */
	hold();
	fail = vips_thumbnail_image(made[0], &t, 1, "height", 1, "size", VIPS_SIZE_FORCE, NULL);
	let_go();
	if (fail || vips_getpoint(t, &px, &npx, 0, 0, NULL))
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
	drop(&t);
	for (k = 0; k < nall; k++)
		drop(&made[k]);
	drop(&flat);
	drop(&in);
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

/*
 * A print copy is made at exactly the placed size at 300 dpi. A JPEG is
 * decoded at 1/2, 1/4 or 1/8 (libjpeg's shrink-on-load, done on the DCT
 * blocks) when that stays at least as large as the copy, and the rest of
 * the way is resampled with libvips's linear (triangle) reduce, widened to
 * the reduction so it still averages every pixel. For a 4000×3000 camera
 * JPEG placed 10 cm wide that decodes a quarter of the pixels, where
 * vips_thumbnail decodes all of them (it leaves at least a factor of two
 * for its Lanczos filter). The linear reduce is the one part of a copy that
 * libvips does without SIMD: with a Catmull-Rom cubic a copy took 113 ms,
 * with it 100 ms, and against a Lanczos3 reduction of the full-size decode
 * the two differ by half a decibel (PSNR 37.8 and 37.3 dB on a benchmark
 * photo), far below what a 150-175 lpi halftone screen shows at 300 dpi.
 * Rotation by EXIF comes last, on the small image.
 */
static int print_decode(VipsImage **out, const void *data, size_t len, VipsImage *hdr, int max_w,
			int max_h)
{
	VipsImage *t[6] = {NULL}, *in;
	const char *loader;
	double scale;
	int w = vips_image_get_width(hdr), h = vips_image_get_height(hdr), tw, th, shrink = 1;
	int rc = -1, k;

	if (vips_image_get_orientation_swap(hdr)) { /* max_w×max_h as the pixels are stored */
		int tmp = max_w;
		max_w = max_h;
		max_h = tmp;
	}
	scale = (double)(max_w < 1 ? 1 : max_w) / w;
	if ((double)(max_h < 1 ? 1 : max_h) / h < scale)
		scale = (double)(max_h < 1 ? 1 : max_h) / h;
	if (scale > 1)
		scale = 1;
	tw = (int)(w * scale + 0.5);
	th = (int)(h * scale + 0.5);
	tw = tw < 1 ? 1 : tw;
	th = th < 1 ? 1 : th;
	loader = vips_foreign_find_load_buffer(data, len);
	if (loader && !strcmp(loader, "VipsForeignLoadJpegBuffer"))
		while (shrink < 8 && w / (shrink * 2) >= tw && h / (shrink * 2) >= th)
			shrink *= 2;
	if (shrink > 1)
		t[0] = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
						  "fail_on", VIPS_FAIL_ON_TRUNCATED, "shrink", shrink,
						  NULL);
	else
		t[0] = vips_image_new_from_buffer(data, len, "", "access", VIPS_ACCESS_SEQUENTIAL,
						  "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
	if (!t[0])
		goto cleanup;
	in = t[0];
	if (vips_image_hasalpha(in)) { /* laid on white before filtering */
		VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
		int fr = vips_colourspace(in, &t[1], VIPS_INTERPRETATION_sRGB, NULL) ||
			 vips_flatten(t[1], &t[2], "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (fr)
			goto cleanup;
		in = t[2];
	}
	if (vips_image_get_width(in) != tw || vips_image_get_height(in) != th) {
		bool fail;

		hold();
		fail = vips_resize(in, &t[3], (double)tw / vips_image_get_width(in), "vscale",
				   (double)th / vips_image_get_height(in), "kernel",
				   VIPS_KERNEL_LINEAR, NULL);
		let_go();
		if (fail)
			goto cleanup;
		in = t[3];
	}
	if (vips_colourspace(in, &t[4], VIPS_INTERPRETATION_sRGB, NULL))
		goto cleanup;
	in = t[4];
	if (vips_image_get_orientation(in) != 1) {
		/* the decoder reads top to bottom only: turn the small copy in memory */
		if (!(t[5] = vips_image_copy_memory(in)) || vips_autorot(t[5], out, NULL))
			goto cleanup;
	} else {
		*out = in;
		g_object_ref(in);
	}
	rc = 0;
cleanup:
	for (k = 0; k < 6; k++)
		drop(&t[k]);
	return rc;
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
	if (print_decode(&flat, data, len, in, max_w, max_h) < 0)
		goto damaged;
	/* metadata is dropped by strip; optimised Huffman tables would save
	 * about 9% of the PDF but cost 7 ms a copy (12 instead of 5) */
	if (vips_jpegsave_buffer(flat, &vbuf, &vlen, "Q", quality, "strip", TRUE, "interlace",
				 FALSE, NULL))
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
	drop(&flat);
	drop(&in);
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

/* ---------------------------------------------------------------- strip */

static unsigned rd16(const unsigned char *p, bool le)
{
	return le ? (unsigned)p[0] | (unsigned)p[1] << 8 : (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const unsigned char *p, bool le)
{
	return le ? le32(p)
		  : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The Orientation (1 to 8) in IFD0 of a TIFF structure (an EXIF block
 * after its "Exif\0\0"), or 0. */
static int tiff_orientation(const unsigned char *p, size_t n)
{
	uint32_t ifd;
	unsigned count, i;
	bool le;

	if (n < 8 || !((p[0] == 'I' && p[1] == 'I') || (p[0] == 'M' && p[1] == 'M')))
		return 0;
	le = p[0] == 'I';
	ifd = rd32(p + 4, le);
	if (ifd > n - 2)
		return 0;
	count = rd16(p + ifd, le);
	for (i = 0; i < count && (size_t)ifd + 2 + 12 * (size_t)(i + 1) <= n; i++) {
		const unsigned char *e = p + ifd + 2 + 12 * i;
		if (rd16(e, le) == 0x0112 && rd16(e + 2, le) == 3) {
			unsigned v = rd16(e + 8, le);
			return v >= 1 && v <= 8 ? (int)v : 0;
		}
	}
	return 0;
}

static bool starts(const unsigned char *p, size_t n, const char *magic, size_t m)
{
	return n >= m && !memcmp(p, magic, m);
}

/* Which JPEG segments a published original keeps: the picture's own
 * (tables, frame, scans), JFIF, the colour profile and Adobe's colour
 * transform. Every other APPn (EXIF with GPS, XMP, MPF previews, IPTC,
 * maker notes) and comments go. */
static bool jpeg_keep(int m, const unsigned char *p, size_t n)
{
	if (m == 0xe0)
		return starts(p, n, "JFIF\0", 5);
	if (m == 0xe2)
		return starts(p, n, "ICC_PROFILE\0", 12);
	if (m == 0xee)
		return starts(p, n, "Adobe", 5);
	return !(m >= 0xe0 && m <= 0xef) && m != 0xfe;
}

/* Rewrite a JPEG without its metadata segments, byte for byte otherwise:
 * the entropy-coded data is copied, never decoded. An orientation other
 * than 1 is written back as a one-field EXIF block. Anything after EOI
 * (MPF's preview images) is left out. Returns 0, or -1 if the file does
 * not have the structure of a JPEG from SOI to EOI. */
static int jpeg_strip(gz_buf *out, const unsigned char *b, size_t len)
{
	gz_buf body = GZ_BUF_INIT;
	size_t i = 2, jfif_end = 0;
	int orient = 0;
	bool first = true;

	if (len < 4 || b[0] != 0xff || b[1] != 0xd8)
		return -1;
	while (i < len) {
		size_t seg;
		int m;
		if (b[i] != 0xff)
			goto bad;
		while (i < len && b[i] == 0xff)
			i++; /* fill bytes */
		if (i >= len)
			goto bad;
		m = b[i++];
		if (m == 0xd9) {
			gz_buf_add(out, "\xff\xd8", 2);
			gz_buf_add(out, body.ptr, jfif_end);
			if (orient > 1) {
				unsigned char tiff[26];
				orientation_tiff(tiff, orient);
				gz_buf_add(out, "\xff\xe1\0\x22" "Exif\0\0", 10);
				gz_buf_add(out, tiff, sizeof(tiff));
			}
			gz_buf_add(out, body.ptr + jfif_end, body.len - jfif_end);
			gz_buf_add(out, "\xff\xd9", 2);
			gz_buf_release(&body);
			return 0;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			/* markers without a length */
			gz_buf_putc(&body, (char)0xff);
			gz_buf_putc(&body, (char)m);
			continue;
		}
		if (m == 0xd8 || len - i < 2)
			goto bad;
		seg = (size_t)b[i] << 8 | b[i + 1];
		if (seg < 2 || seg > len - i)
			goto bad;
		if (m == 0xe1 && starts(b + i + 2, seg - 2, "Exif\0\0", 6) && !orient)
			orient = tiff_orientation(b + i + 8, seg - 8);
		if (jpeg_keep(m, b + i + 2, seg - 2)) {
			gz_buf_putc(&body, (char)0xff);
			gz_buf_putc(&body, (char)m);
			gz_buf_add(&body, b + i, seg);
			if (first && m == 0xe0)
				jfif_end = body.len;
			first = false;
		}
		i += seg;
		if (m == 0xda) {
			/* entropy-coded data: up to the next marker that is not a
			 * stuffed 0xff00 or a restart */
			size_t from = i;
			for (;;) {
				const unsigned char *ff = memchr(b + i, 0xff, len - i);
				if (!ff || (size_t)(ff - b) + 1 >= len)
					goto bad;
				i = (size_t)(ff - b);
				if (b[i + 1] != 0x00 && !(b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7))
					break;
				i += 2;
			}
			gz_buf_add(&body, b + from, i - from);
		}
	}
bad:
	gz_buf_release(&body);
	return -1;
}

static uint32_t be32(const unsigned char *p)
{
	return rd32(p, false);
}

/* A PNG without its text, time and EXIF chunks, and nothing after IEND.
 * Returns -1 for a turned PNG too (an EXIF orientation other than 1): it is
 * decoded and saved upright instead, which for PNG loses nothing. */
static int png_strip(gz_buf *out, const unsigned char *b, size_t len)
{
	size_t i = 8;

	if (!starts(b, len, "\x89PNG\r\n\x1a\n", 8))
		return -1;
	gz_buf_add(out, b, 8);
	while (len - i >= 12) {
		size_t n = be32(b + i), whole;
		const unsigned char *type = b + i + 4;
		if (n > len - i - 12)
			return -1;
		whole = n + 12;
		if (!memcmp(type, "eXIf", 4) && exif_orientation(b + i + 8, n) > 1)
			return -1;
		if (memcmp(type, "eXIf", 4) && memcmp(type, "tEXt", 4) && memcmp(type, "zTXt", 4) &&
		    memcmp(type, "iTXt", 4) && memcmp(type, "tIME", 4))
			gz_buf_add(out, b + i, whole);
		if (!memcmp(type, "IEND", 4))
			return 0;
		i += whole;
	}
	return -1;
}

/* Decode (upright, at most 100 megapixels, not cut short) and save again
 * in the same format without metadata. */
static int reencode(gz_buf *out, const void *data, size_t len, const char *suffix)
{
	VipsImage *in = NULL, *up = NULL, *clean = NULL;
	void *vbuf = NULL;
	size_t vlen = 0;
	char *err = NULL;
	int rc = -1;

	gz_image_init();
	if (open_checked(&in, data, len, GZ_IMAGE_PRINT_MAX_PIXELS, &err) != GZ_IMAGE_OK)
		goto cleanup;
	if (vips_autorot(in, &up, NULL) || vips_copy(up, &clean, NULL))
		goto cleanup;
	drop_metadata(clean);
	if (!strcmp(suffix, "jpg"))
		rc = vips_jpegsave_buffer(clean, &vbuf, &vlen, "Q", 95, "strip", TRUE, NULL);
	else if (!strcmp(suffix, "png"))
		rc = vips_pngsave_buffer(clean, &vbuf, &vlen, "strip", TRUE, NULL);
	else if (!strcmp(suffix, "webp"))
		rc = vips_webpsave_buffer(clean, &vbuf, &vlen, "lossless", TRUE, "strip", TRUE, NULL);
	else
		rc = vips_tiffsave_buffer(clean, &vbuf, &vlen, "compression",
					  VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE, "strip", TRUE, NULL);
	if (rc == 0) {
		if (!strcmp(suffix, "webp"))
			webp_strip(vbuf, &vlen, vlen, false);
		gz_buf_add(out, vbuf, vlen);
	}
cleanup:
	if (rc)
		vips_error_clear();
	free(err);
	g_free(vbuf);
	if (clean)
		g_object_unref(clean);
	if (up)
		g_object_unref(up);
	if (in)
		g_object_unref(in);
	return rc ? -1 : 0;
}

int gz_image_strip(char **out, size_t *out_len, const void *data, size_t len)
{
	const unsigned char *b = data;
	const char *kind = gz_image_kind(data, len);
	gz_buf o = GZ_BUF_INIT;
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	if (!kind)
		return -1;
	if (!strcmp(kind, "jpg")) {
		rc = jpeg_strip(&o, b, len);
	} else if (!strcmp(kind, "png")) {
		rc = png_strip(&o, b, len);
	} else if (!strcmp(kind, "webp")) {
		size_t n = len;
		gz_buf_add(&o, b, len);
		gz_buf_grow(&o, 34);
		rc = webp_strip((unsigned char *)o.ptr, &n, o.cap, true);
		gz_buf_truncate(&o, n);
	}
	if (rc < 0) {
		gz_image_init();
		gz_buf_clear(&o);
		if (reencode(&o, data, len, kind) < 0) {
			gz_buf_release(&o);
			return -1;
		}
	}
	*out = gz_buf_detach(&o, out_len);
	return 0;
}
