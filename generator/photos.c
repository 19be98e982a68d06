#include "photos.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "hash.h"
#include "pool.h"

/* bump when the derivatives change for the same settings */
#define CACHE_VERSION "gazette-img 2"

static const char *const ext[] = {"webp", "jpg"};

static void defaults(gz_image_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->widths[0] = 480;
	o->widths[1] = 960;
	o->widths[2] = 1600;
	o->nwidths = 3;
	o->webp = o->jpeg = true;
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

int gz_photos_config(gz_image_opts *o, const gz_config *cfg, gz_diag *d)
{
	gz_value *im = gz_value_get(cfg->root, "images"), *v;
	size_t before = d->errors, i;
	long n;

	defaults(o);
	if (!im || gz_value_is_null(im))
		return 0;
	if (im->type != GZ_MAP) {
		gz_diag_error(d, "site.yml", im->line, im->col,
			      "images must be settings: {widths: [480, 960, 1600], formats: [webp, jpeg], quality: 80}");
		return -1;
	}
	v = gz_value_get(im, "widths");
	if (v && v->type == GZ_SEQ && v->n >= 1 && v->n <= GZ_IMAGE_MAX_WIDTHS) {
		o->nwidths = 0;
		for (i = 0; i < v->n; i++) {
			if (!parse_int(v->items[i], 16, 10000, &n)) {
				gz_diag_error(d, "site.yml", v->items[i]->line, v->items[i]->col,
					      "images.widths: each width must be a number of pixels from 16 to 10000");
				continue;
			}
			o->widths[o->nwidths++] = (int)n;
		}
		qsort(o->widths, o->nwidths, sizeof(int), cmp_int);
	} else if (v) {
		gz_diag_error(d, "site.yml", v->line, v->col,
			      "images.widths must be a list of 1 to %d widths, e.g. [480, 960, 1600]",
			      GZ_IMAGE_MAX_WIDTHS);
	}
	v = gz_value_get(im, "formats");
	if (v && v->type == GZ_SEQ && v->n) {
		o->webp = o->jpeg = false;
		for (i = 0; i < v->n; i++) {
			const char *f = v->items[i]->type == GZ_STR ? v->items[i]->str : "";
			if (!strcmp(f, "webp"))
				o->webp = true;
			else if (!strcmp(f, "jpeg") || !strcmp(f, "jpg"))
				o->jpeg = true;
			else
				gz_diag_error(d, "site.yml", v->items[i]->line, v->items[i]->col,
					      "images.formats: '%s' is not webp or jpeg", f);
		}
	} else if (v) {
		gz_diag_error(d, "site.yml", v->line, v->col,
			      "images.formats must be a list: [webp, jpeg], [jpeg] or [webp]");
	}
	if ((v = gz_value_get(im, "quality"))) {
		if (parse_int(v, 1, 100, &n))
			o->quality = (int)n;
		else
			gz_diag_error(d, "site.yml", v->line, v->col,
				      "images.quality must be a number from 1 to 100");
	}
	if ((v = gz_value_get(im, "thumb"))) {
		long tw, th;
		if (v->type == GZ_SEQ && v->n == 2 && parse_int(v->items[0], 16, 4000, &tw) &&
		    parse_int(v->items[1], 16, 4000, &th)) {
			o->thumb_w = (int)tw;
			o->thumb_h = (int)th;
		} else {
			gz_diag_error(d, "site.yml", v->line, v->col,
				      "images.thumb must be [width, height], e.g. [640, 400]");
		}
	}
	if ((v = gz_value_get(im, "max_megapixels"))) {
		if (parse_int(v, 1, 10000, &n))
			o->max_pixels = (uint64_t)n * 1000000ULL;
		else
			gz_diag_error(d, "site.yml", v->line, v->col,
				      "images.max_megapixels must be a number from 1 to 10000");
	}
	return d->errors > before ? -1 : 0;
}

static uint64_t settings_hash(const gz_image_opts *o)
{
	uint64_t h = gz_hash_str(GZ_HASH_INIT, CACHE_VERSION);
	size_t i;

	for (i = 0; i < o->nwidths; i++)
		h = gz_hash_u64(h, (uint64_t)o->widths[i]);
	h = gz_hash_u64(h, (uint64_t)o->webp * 2 + o->jpeg);
	h = gz_hash_u64(gz_hash_u64(h, (uint64_t)o->quality), o->max_pixels);
	return gz_hash_u64(gz_hash_u64(h, (uint64_t)o->thumb_w), (uint64_t)o->thumb_h);
}

void gz_picture_url(gz_buf *b, const gz_picture *pic, int width, gz_image_format f)
{
	if (width)
		gz_buf_printf(b, "/img/%s-%d.%s", pic->key, width, ext[f]);
	else
		gz_buf_printf(b, "/img/%s-thumb.%s", pic->key, ext[f]);
}

void gz_picture_srcset(gz_buf *b, const gz_picture *pic, gz_image_format f, const char *base_path)
{
	size_t i;

	for (i = 0; i < pic->n; i++)
		gz_buf_printf(b, "%s%simg/%s-%d.%s %dw", i ? ", " : "", base_path, pic->key, pic->w[i],
			      ext[f], pic->w[i]);
}

int gz_picture_fallback(const gz_picture *pic)
{
	size_t i;
	int best = pic->n ? pic->w[0] : 0;

	for (i = 0; i < pic->n; i++)
		if (pic->w[i] <= 1000)
			best = pic->w[i];
	return best;
}

/* ---------------------------------------------------------------- cache */

static void cache_name(gz_buf *b, const char *dir, const char *key, int width, int f)
{
	if (f < 0)
		gz_buf_printf(b, "%s/%s.txt", dir, key);
	else if (width)
		gz_buf_printf(b, "%s/%s-%d.%s", dir, key, width, ext[f]);
	else
		gz_buf_printf(b, "%s/%s-thumb.%s", dir, key, ext[f]);
}

/* "size 1600 1066" with prefix "size ": the two numbers. */
static bool two_ints(const char *line, const char *prefix, int *a, int *b)
{
	size_t n = strlen(prefix);
	char *end;
	long x, y;

	if (strncmp(line, prefix, n))
		return false;
	x = strtol(line + n, &end, 10);
	if (end == line + n || *end != ' ')
		return false;
	y = strtol(end + 1, &end, 10);
	if (*end || x < 0 || y < 0 || x > 1000000 || y > 1000000)
		return false;
	*a = (int)x;
	*b = (int)y;
	return true;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Fill pic from the record <key>.txt when it and every file it names are
 * there. The record is written last, so its presence means a whole set. */
static bool load_cached(const char *dir, gz_picture *pic)
{
	gz_buf path = GZ_BUF_INIT;
	char line[1024];
	FILE *f;
	bool ok = false;
	int fmt;
	size_t i;

	cache_name(&path, dir, pic->key, 0, -1);
	f = fopen(path.ptr, "r");
	if (!f)
		goto cleanup;
	pic->n = 0;
	if (!fgets(line, sizeof(line), f) || strcmp(line, CACHE_VERSION "\n"))
		goto cleanup;
	while (fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n');
		int a, b;
		if (nl)
			*nl = '\0';
		if (two_ints(line, "size ", &a, &b)) {
			pic->width = a;
			pic->height = b;
		} else if (two_ints(line, "d ", &a, &b) && pic->n < GZ_IMAGE_MAX_WIDTHS + 1) {
			pic->w[pic->n] = a;
			pic->h[pic->n++] = b;
		} else if (two_ints(line, "thumb ", &a, &b)) {
			pic->thumb_w = a;
			pic->thumb_h = b;
		} else if (!strncmp(line, "color ", 6)) {
			memcpy(pic->color, line + 6, sizeof(pic->color) - 1);
			pic->color[sizeof(pic->color) - 1] = '\0';
		} else if (!strncmp(line, "taken ", 6)) {
			free(pic->taken);
			pic->taken = gz_strdup(line + 6);
		} else if (!strncmp(line, "camera ", 7)) {
			free(pic->camera);
			pic->camera = gz_strdup(line + 7);
		}
	}
	if (!pic->n)
		goto cleanup;
	for (fmt = 0; fmt < 2; fmt++) {
		if (!(fmt == GZ_IMAGE_WEBP ? pic->webp : pic->jpeg))
			continue;
		for (i = 0; i <= pic->n; i++) {
			gz_buf_clear(&path);
			cache_name(&path, dir, pic->key, i < pic->n ? pic->w[i] : 0, fmt);
			if (!exists(path.ptr))
				goto cleanup;
		}
	}
	ok = true;
cleanup:
	if (f)
		fclose(f);
	gz_buf_release(&path);
	return ok;
}

/* Write atomically: a temporary name unique to this picture, then rename. */
static int write_file(const char *path, const void *data, size_t len, size_t uniq)
{
	gz_buf tmp = GZ_BUF_INIT;
	FILE *f;
	int rc = -1;

	gz_buf_printf(&tmp, "%s.tmp%zu", path, uniq);
	f = fopen(tmp.ptr, "wb");
	if (!f)
		goto cleanup;
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		remove(tmp.ptr);
		goto cleanup;
	}
	if (fclose(f) != 0 || rename(tmp.ptr, path) != 0) {
		remove(tmp.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	gz_buf_release(&tmp);
	return rc;
}

static int store(const char *dir, gz_picture *pic, const gz_image_result *r, size_t uniq)
{
	gz_buf path = GZ_BUF_INIT, rec = GZ_BUF_INIT;
	size_t i;
	int rc = -1;

	pic->width = r->width;
	pic->height = r->height;
	free(pic->taken);
	free(pic->camera);
	pic->taken = r->taken ? gz_strdup(r->taken) : NULL;
	pic->camera = r->camera ? gz_strdup(r->camera) : NULL;
	memcpy(pic->color, r->color, sizeof(pic->color));
	pic->n = 0;
	gz_buf_printf(&rec, "%s\nsize %d %d\ncolor %s\n", CACHE_VERSION, r->width, r->height, r->color);
	for (i = 0; i < r->nfiles; i++) {
		const gz_image_file *f = &r->files[i];
		gz_buf_clear(&path);
		cache_name(&path, dir, pic->key, f->thumb ? 0 : f->width, (int)f->format);
		if (write_file(path.ptr, f->data, f->len, uniq) < 0)
			goto cleanup;
		if (f->thumb) {
			pic->thumb_w = f->width;
			pic->thumb_h = f->height;
		} else if (!pic->n || pic->w[pic->n - 1] != f->width) {
			pic->w[pic->n] = f->width;
			pic->h[pic->n++] = f->height;
			gz_buf_printf(&rec, "d %d %d\n", f->width, f->height);
		}
	}
	gz_buf_printf(&rec, "thumb %d %d\n", pic->thumb_w, pic->thumb_h);
	if (pic->taken)
		gz_buf_printf(&rec, "taken %s\n", pic->taken);
	if (pic->camera)
		gz_buf_printf(&rec, "camera %s\n", pic->camera);
	gz_buf_clear(&path);
	cache_name(&path, dir, pic->key, 0, -1);
	rc = write_file(path.ptr, rec.ptr, rec.len, uniq);
cleanup:
	gz_buf_release(&path);
	gz_buf_release(&rec);
	return rc;
}

/* ---------------------------------------------------------------- work */

typedef struct {
	gz_photos *ph;
	gz_source *src;
	const gz_photos_opts *o;
	uint64_t settings;
	atomic_size_t processed, cached, unwritable;
} work_ctx;

static void set_key(gz_picture *pic, uint64_t settings, const void *data, size_t len)
{
	pic->hash = gz_hash_add(settings, data, len);
	snprintf(pic->key, sizeof(pic->key), "%016llx", (unsigned long long)pic->hash);
}

/* Make (or find) one picture's derivatives from len bytes. */
static int derive(work_ctx *c, gz_picture *pic, const void *data, size_t len, size_t uniq,
		  char **err)
{
	gz_image_result r;
	int rc;

	set_key(pic, c->settings, data, len);
	if (load_cached(c->ph->cache_dir, pic)) {
		pic->cached = true;
		atomic_fetch_add(&c->cached, 1);
		return 0;
	}
	rc = gz_image_process(&r, data, len, &c->ph->img, err);
	if (rc < 0)
		return rc;
	atomic_fetch_add(&c->processed, 1);
	if (store(c->ph->cache_dir, pic, &r, uniq) < 0)
		atomic_fetch_add(&c->unwritable, 1);
	gz_image_result_release(&r);
	return 0;
}

static void make_one(size_t i, int worker, void *payload)
{
	work_ctx *c = payload;
	gz_picture *pic = c->ph->items[i];
	char *data = NULL, *err = NULL;
	void *grey = NULL;
	size_t len;
	int rc;

	if (gz_source_read(c->src, pic->file, &data, &len) < 0) {
		pic->status = GZ_IMAGE_NOT_IMAGE;
		pic->error = gz_strdup("unreadable");
		return;
	}
	rc = derive(c, pic, data, len, i, &err);
	if (rc < 0) {
		pic->status = rc;
		pic->error = err;
		pic->n = 0;
		if (c->o->keep_going && gz_image_placeholder(&grey, &len, 960, 600) == 0) {
			char *e2 = NULL;
			pic->placeholder = derive(c, pic, grey, len, i, &e2) == 0;
			free(e2);
		}
	}
	free(grey);
	free(data);
}

typedef void (*photo_fn)(gz_photos *ph, gz_page *p, gz_photo *photo, bool image, void *payload);

/* Every photo of every page the build publishes. */
static void each_photo(gz_photos *ph, gz_site *site, photo_fn fn, void *payload)
{
	size_t i, k, s;
	gz_page **lists[2] = {site->pages, site->standalone};
	size_t ns[2] = {site->npages, site->nstandalone};

	for (s = 0; s < 3; s++) {
		size_t n = s < 2 ? ns[s] : site->nsections;
		for (i = 0; i < n; i++) {
			gz_page *p = s < 2 ? lists[s][i] : site->sections[i].index;
			if (!p)
				continue;
			for (k = 0; k < p->nphotos; k++)
				fn(ph, p, &p->photos[k], false, payload);
			if (p->cover)
				fn(ph, p, p->cover, false, payload);
			for (k = 0; k < p->nimages; k++)
				fn(ph, p, &p->images[k], true, payload);
		}
	}
}

static void gather(gz_photos *ph, gz_page *p, gz_photo *photo, bool image, void *payload)
{
	gz_picture *pic;

	if (!photo->file || gz_map_get(&ph->by_file, photo->file))
		return;
	pic = gz_calloc(1, sizeof(*pic));
	pic->file = gz_strdup(photo->file);
	pic->webp = ph->img.webp;
	pic->jpeg = ph->img.jpeg;
	GZ_GROW(ph->items, ph->cap, ph->n + 1);
	ph->items[ph->n++] = pic;
	gz_map_put(&ph->by_file, pic->file, pic);
}

typedef struct {
	const gz_photos_opts *o;
	gz_diag *d;
} attach_ctx;

static void attach(gz_photos *ph, gz_page *p, gz_photo *photo, bool image, void *payload)
{
	const attach_ctx *ac = payload;
	const gz_photos_opts *o = ac->o;
	gz_picture *pic = photo->file ? gz_map_get(&ph->by_file, photo->file) : NULL;
	gz_diag *d = ac->d;

	if (!pic)
		return;
	if (pic->error) {
		gz_diag_add(d, o->keep_going ? GZ_WARNING : GZ_ERROR, p->path, photo->line, photo->col,
			    "%s '%s' is %s%s", image ? "image" : "photo", photo->ref, pic->error,
			    o->keep_going ? "; a grey placeholder stands in for it" : "");
	}
	if (pic->n) {
		photo->pic = pic;
		photo->pic_hash = gz_hash_u64(pic->hash, pic->placeholder);
	}
}

static void picture_html(gz_buf *b, const gz_photo *photo, const char *base)
{
	const gz_picture *pic = photo->pic;
	const char *sizes = "(max-width: 760px) 100vw, 760px";
	const char *alt = photo->alt ? photo->alt : "";
	gz_image_format f = pic->jpeg ? GZ_IMAGE_JPEG : GZ_IMAGE_WEBP;
	gz_buf url = GZ_BUF_INIT;

	gz_buf_puts(b, "<picture>");
	if (pic->webp && pic->jpeg) {
		gz_buf_puts(b, "<source type=\"image/webp\" srcset=\"");
		gz_picture_srcset(b, pic, GZ_IMAGE_WEBP, base);
		gz_buf_printf(b, "\" sizes=\"%s\">", sizes);
	}
	gz_picture_url(&url, pic, gz_picture_fallback(pic), f);
	gz_buf_printf(b, "<img src=\"%s%s\" srcset=\"", base, url.ptr + 1);
	gz_picture_srcset(b, pic, f, base);
	gz_buf_printf(b, "\" sizes=\"%s\" width=\"%d\" height=\"%d\" alt=\"", sizes, pic->w[pic->n - 1],
		      pic->h[pic->n - 1]);
	gz_buf_add_html(b, alt, strlen(alt));
	gz_buf_printf(b, "\" loading=\"lazy\" decoding=\"async\" style=\"background-color:%s\"></picture>",
		      pic->color);
	gz_buf_release(&url);
}

/* Replace the body's <!--gz-img N--> markers (page.h) with pictures. */
static void write_images(gz_page *p, const char *base)
{
	static const char mark[] = "<!--gz-img ";
	gz_buf b = GZ_BUF_INIT;
	const char *s = p->html, *m;

	if (!p->nimages || !s)
		return;
	while ((m = strstr(s, mark))) {
		char *end;
		unsigned long k = strtoul(m + sizeof(mark) - 1, &end, 10);
		gz_buf_add(&b, s, (size_t)(m - s));
		if (strncmp(end, "-->", 3) || k >= p->nimages) {
			gz_buf_add(&b, m, sizeof(mark) - 1);
			s = m + sizeof(mark) - 1;
			continue;
		}
		if (p->images[k].pic) {
			picture_html(&b, &p->images[k], base);
		} else {
			const char *alt = p->images[k].alt ? p->images[k].alt : "";
			gz_buf_printf(&b, "<img src=\"%s%s\" alt=\"", base, p->images[k].url + 1);
			gz_buf_add_html(&b, alt, strlen(alt));
			gz_buf_puts(&b, "\" loading=\"lazy\" decoding=\"async\">");
		}
		s = end + 3;
	}
	gz_buf_puts(&b, s);
	free(p->html);
	p->html = gz_buf_detach(&b, &p->html_len);
}

int gz_photos_make(gz_photos *ph, gz_site *site, const gz_photos_opts *o, gz_diag *d)
{
	attach_ctx ac = {o, d};
	work_ctx c;
	char *err = NULL;
	size_t i, before = d->errors;

	memset(ph, 0, sizeof(*ph));
	if (gz_photos_config(&ph->img, &site->cfg, d) < 0)
		return -1;
	each_photo(ph, site, gather, NULL);
	if (!ph->n)
		return 0;
	ph->cache_dir = gz_strdup(o->cache_dir);
	mkdir(ph->cache_dir, 0755);
	if (gz_source_open_dir(&ph->cache, ph->cache_dir, &err) < 0) {
		gz_diag_error(d, ph->cache_dir, 0, 0, "cannot use the photo cache: %s", err);
		free(err);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.ph = ph;
	c.src = site->src;
	c.o = o;
	c.settings = settings_hash(&ph->img);
	atomic_init(&c.processed, 0);
	atomic_init(&c.cached, 0);
	atomic_init(&c.unwritable, 0);
	gz_image_init();
	gz_parallel(ph->n, o->jobs, make_one, &c, o->progress ? "图片" : NULL);
	ph->processed = atomic_load(&c.processed);
	ph->cached = atomic_load(&c.cached);
	if (atomic_load(&c.unwritable)) {
		gz_diag_error(d, ph->cache_dir, 0, 0,
			      "cannot write photo derivatives into the cache folder (disk full or "
			      "no permission?)");
		return -1;
	}
	each_photo(ph, site, attach, &ac);
	for (i = 0; i < site->nall; i++)
		write_images(site->all[i], site->cfg.base_path);
	gz_site_hash(site);
	return d->errors > before ? -1 : 0;
}

void gz_photos_output(gz_photos *ph, gz_outputs *out)
{
	gz_map seen = {0};
	gz_buf to = GZ_BUF_INIT, from = GZ_BUF_INIT;
	size_t i, k;
	int f;

	for (i = 0; i < ph->n; i++) {
		const gz_picture *pic = ph->items[i];
		if (!pic->n || gz_map_get(&seen, pic->key))
			continue;
		gz_map_put(&seen, pic->key, ph->items[i]);
		for (f = 0; f < 2; f++) {
			if (!(f == GZ_IMAGE_WEBP ? pic->webp : pic->jpeg))
				continue;
			for (k = 0; k <= pic->n; k++) {
				int w = k < pic->n ? pic->w[k] : 0;
				gz_buf_clear(&to);
				gz_buf_clear(&from);
				gz_picture_url(&to, pic, w, (gz_image_format)f);
				cache_name(&from, "", pic->key, w, f);
				gz_outputs_copy(out, to.ptr + 1, ph->cache, from.ptr + 1, "photo");
			}
		}
	}
	gz_buf_release(&to);
	gz_buf_release(&from);
	gz_map_release(&seen);
}

void gz_photos_release(gz_photos *ph)
{
	size_t i;

	for (i = 0; i < ph->n; i++) {
		free(ph->items[i]->file);
		free(ph->items[i]->taken);
		free(ph->items[i]->camera);
		free(ph->items[i]->error);
		free(ph->items[i]);
	}
	free(ph->items);
	gz_map_release(&ph->by_file);
	gz_source_free(ph->cache);
	free(ph->cache_dir);
	memset(ph, 0, sizeof(*ph));
}
