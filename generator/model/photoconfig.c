/*
 * photoconfig.c: site.yml images: (photos.h, gz_photos_config).
 */
#include "model/photos_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"

static void defaults(gz_image_opts *o)
{
	static const int w[] = {480, 960, 1600};
	int f;

	memset(o, 0, sizeof(*o));
	for (f = 0; f < GZ_IMAGE_NFORMATS; f++) {
		memcpy(o->widths[f], w, sizeof(w));
		o->nwidths[f] = 3;
	}
	o->quality = 80;
	o->thumb_w = 640;
	o->thumb_h = 400;
	o->max_pixels = 100000000ULL;
}

static bool parse_int(const gz_value *v, long lo, long hi, long *out)
{
	char *end;

	if (!v || v->type != GZ_STR)
		return false;
	errno = 0;
	*out = strtol(v->str, &end, 10);
	return !errno && end != v->str && !*end && *out >= lo && *out <= hi;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* A list of widths (name: "images.widths", "images.jpeg") into out,
 * sorted, repeats dropped; an empty list is allowed when may_be_empty. */
static void parse_widths(int *out, size_t *n, const gz_value *v, const char *name,
			 bool may_be_empty, gz_diag *d)
{
	size_t i, k;
	long w;

	*n = 0;
	if (v->type != GZ_SEQ || v->n > GZ_IMAGE_MAX_WIDTHS || (!v->n && !may_be_empty)) {
		gz_diag_error(d, "site.yml", v->line, v->col,
			      _("%s must be a list of %d to %d widths in pixels, e.g. [480, 960, 1600]"),
			      name, may_be_empty ? 0 : 1, GZ_IMAGE_MAX_WIDTHS);
		return;
	}
	for (i = 0; i < v->n; i++) {
		if (!parse_int(v->items[i], 16, 10000, &w)) {
			gz_diag_error(d, "site.yml", v->items[i]->line, v->items[i]->col,
				      _("%s: each width must be a number of pixels from 16 to 10000"),
				      name);
			continue;
		}
		out[(*n)++] = (int)w;
	}
	qsort(out, *n, sizeof(int), cmp_int);
	for (i = k = 0; i < *n; i++)
		if (!k || out[k - 1] != out[i])
			out[k++] = out[i];
	*n = k;
}

static bool is_off(const gz_value *v)
{
	static const char *const off[] = {"none", "false", "no", "off"};
	size_t i;

	if (gz_value_is_null(v))
		return true;
	for (i = 0; v->type == GZ_STR && i < sizeof(off) / sizeof(off[0]); i++)
		if (!strcmp(v->str, off[i]))
			return true;
	return false;
}

int gz_photos_config(gz_image_opts *o, const gz_config *cfg, gz_diag *d)
{
	gz_value *im = gz_value_get(cfg->root, "images"), *v, *widths, *formats;
	gz_value *per[GZ_IMAGE_NFORMATS];
	size_t before = d->errors, i;
	long n;
	int f;

	defaults(o);
	if (!im || gz_value_is_null(im))
		return 0;
	if (im->type != GZ_MAP) {
		gz_diag_error(d, "site.yml", im->line, im->col,
			      _("images must be settings: {widths: [480, 960, 1600], formats: [webp, jpeg], quality: 80}"));
		return -1;
	}
	widths = gz_value_get(im, "widths");
	formats = gz_value_get(im, "formats");
	per[GZ_IMAGE_WEBP] = gz_value_get(im, "webp");
	per[GZ_IMAGE_JPEG] = gz_value_get(im, "jpeg");
	if (per[GZ_IMAGE_WEBP] || per[GZ_IMAGE_JPEG]) {
		/* a width list per format: exactly these files are made */
		if (widths || formats) {
			v = widths ? widths : formats;
			gz_diag_error(d, "site.yml", v->line, v->col,
				      _("images: give either widths and formats, or a list of widths "
				        "per format (jpeg: [800, 1600], webp: [400]), not both"));
		}
		for (f = 0; f < GZ_IMAGE_NFORMATS; f++) {
			o->nwidths[f] = 0;
			if (per[f])
				parse_widths(o->widths[f], &o->nwidths[f], per[f],
					     f == GZ_IMAGE_WEBP ? "images.webp" : "images.jpeg", true, d);
		}
		if (!o->nwidths[GZ_IMAGE_WEBP] && !o->nwidths[GZ_IMAGE_JPEG] && d->errors == before) {
			v = per[GZ_IMAGE_JPEG] ? per[GZ_IMAGE_JPEG] : per[GZ_IMAGE_WEBP];
			gz_diag_error(d, "site.yml", v->line, v->col,
				      _("images: every format's width list is empty; give at least one width"));
		}
	} else {
		if (widths)
			parse_widths(o->widths[0], &o->nwidths[0], widths, "images.widths", false, d);
		for (f = 1; f < GZ_IMAGE_NFORMATS; f++) {
			memcpy(o->widths[f], o->widths[0], sizeof(o->widths[0]));
			o->nwidths[f] = o->nwidths[0];
		}
		if (formats && formats->type == GZ_SEQ && formats->n) {
			bool on[GZ_IMAGE_NFORMATS] = {false};
			for (i = 0; i < formats->n; i++) {
				const gz_value *it = formats->items[i];
				const char *s = it->type == GZ_STR ? it->str : "";
				if (!strcmp(s, "webp"))
					on[GZ_IMAGE_WEBP] = true;
				else if (!strcmp(s, "jpeg") || !strcmp(s, "jpg"))
					on[GZ_IMAGE_JPEG] = true;
				else
					gz_diag_error(d, "site.yml", it->line, it->col,
						      _("images.formats: '%s' is not webp or jpeg"), s);
			}
			for (f = 0; f < GZ_IMAGE_NFORMATS; f++)
				if (!on[f])
					o->nwidths[f] = 0;
		} else if (formats) {
			gz_diag_error(d, "site.yml", formats->line, formats->col,
				      _("images.formats must be a list: [webp, jpeg], [jpeg] or [webp]"));
		}
	}
	if ((v = gz_value_get(im, "quality"))) {
		if (parse_int(v, 1, 100, &n))
			o->quality = (int)n;
		else
			gz_diag_error(d, "site.yml", v->line, v->col,
				      _("images.quality must be a number from 1 to 100"));
	}
	if ((v = gz_value_get(im, "thumb"))) {
		long tw, th;
		if (is_off(v)) {
			o->thumb_w = o->thumb_h = 0;
		} else if (v->type == GZ_SEQ && v->n == 2 && parse_int(v->items[0], 16, 4000, &tw) &&
			   parse_int(v->items[1], 16, 4000, &th)) {
			o->thumb_w = (int)tw;
			o->thumb_h = (int)th;
		} else {
			gz_diag_error(d, "site.yml", v->line, v->col,
				      _("images.thumb must be [width, height], e.g. [640, 400], or none"));
		}
	}
	if ((v = gz_value_get(im, "max_megapixels"))) {
		if (parse_int(v, 1, 10000, &n))
			o->max_pixels = (uint64_t)n * 1000000ULL;
		else
			gz_diag_error(d, "site.yml", v->line, v->col,
				      _("images.max_megapixels must be a number from 1 to 10000"));
	}
	return d->errors > before ? -1 : 0;
}
