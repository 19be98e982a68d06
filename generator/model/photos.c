#include "model/photos.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "base/pool.h"

/* bump when the derivatives change for the same settings */
#define CACHE_VERSION "gazette-img 3"
/* the record of the originals' hashes (see photos.h) */
#define SOURCES_VERSION "gazette-sources 2"

static const char *const ext[] = {"webp", "jpg"};

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
			      "%s must be a list of %d to %d widths in pixels, e.g. [480, 960, 1600]",
			      name, may_be_empty ? 0 : 1, GZ_IMAGE_MAX_WIDTHS);
		return;
	}
	for (i = 0; i < v->n; i++) {
		if (!parse_int(v->items[i], 16, 10000, &w)) {
			gz_diag_error(d, "site.yml", v->items[i]->line, v->items[i]->col,
				      "%s: each width must be a number of pixels from 16 to 10000",
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
			      "images must be settings: {widths: [480, 960, 1600], formats: [webp, jpeg], quality: 80}");
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
				      "images: give either widths and formats, or a list of widths "
				      "per format (jpeg: [800, 1600], webp: [400]), not both");
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
				      "images: every format's width list is empty; give at least one width");
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
						      "images.formats: '%s' is not webp or jpeg", s);
			}
			for (f = 0; f < GZ_IMAGE_NFORMATS; f++)
				if (!on[f])
					o->nwidths[f] = 0;
		} else if (formats) {
			gz_diag_error(d, "site.yml", formats->line, formats->col,
				      "images.formats must be a list: [webp, jpeg], [jpeg] or [webp]");
		}
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
		if (is_off(v)) {
			o->thumb_w = o->thumb_h = 0;
		} else if (v->type == GZ_SEQ && v->n == 2 && parse_int(v->items[0], 16, 4000, &tw) &&
			   parse_int(v->items[1], 16, 4000, &th)) {
			o->thumb_w = (int)tw;
			o->thumb_h = (int)th;
		} else {
			gz_diag_error(d, "site.yml", v->line, v->col,
				      "images.thumb must be [width, height], e.g. [640, 400], or none");
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
	int f;

	for (f = 0; f < GZ_IMAGE_NFORMATS; f++) {
		h = gz_hash_u64(h, o->nwidths[f]);
		for (i = 0; i < o->nwidths[f]; i++)
			h = gz_hash_u64(h, (uint64_t)o->widths[f][i]);
	}
	h = gz_hash_u64(gz_hash_u64(h, (uint64_t)o->quality), o->max_pixels);
	return gz_hash_u64(gz_hash_u64(h, (uint64_t)o->thumb_w), (uint64_t)o->thumb_h);
}

static bool has(const gz_picture *pic, size_t i, gz_image_format f)
{
	return pic->formats[i] & (1u << f);
}

/* The smallest width made in f (it stands in for the thumbnail when there
 * is none). */
static int smallest(const gz_picture *pic, gz_image_format f)
{
	size_t i;

	for (i = 0; i < pic->n; i++)
		if (has(pic, i, f))
			return pic->w[i];
	return 0;
}

void gz_picture_url(gz_buf *b, const gz_picture *pic, int width, gz_image_format f)
{
	if (!width && !pic->thumb)
		width = smallest(pic, f);
	if (width)
		gz_buf_printf(b, "/img/%s-%d.%s", pic->key, width, ext[f]);
	else
		gz_buf_printf(b, "/img/%s-thumb.%s", pic->key, ext[f]);
}

void gz_picture_srcset(gz_buf *b, const gz_picture *pic, gz_image_format f, const char *base_path)
{
	size_t i;
	bool first = true;

	for (i = 0; i < pic->n; i++) {
		if (!has(pic, i, f))
			continue;
		gz_buf_printf(b, "%s%simg/%s-%d.%s %dw", first ? "" : ", ", base_path, pic->key,
			      pic->w[i], ext[f], pic->w[i]);
		first = false;
	}
}

int gz_picture_fallback(const gz_picture *pic)
{
	gz_image_format f = pic->jpeg ? GZ_IMAGE_JPEG : GZ_IMAGE_WEBP;
	size_t i;
	int best = smallest(pic, f);

	for (i = 0; i < pic->n; i++)
		if (has(pic, i, f) && pic->w[i] <= 1000)
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
	pic->thumb = false;
	if (!fgets(line, sizeof(line), f) || strcmp(line, CACHE_VERSION "\n"))
		goto cleanup;
	while (fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n'), *sp;
		int a, b;
		unsigned long mask;
		if (nl)
			*nl = '\0';
		if (two_ints(line, "size ", &a, &b)) {
			pic->width = a;
			pic->height = b;
		} else if (!strncmp(line, "d ", 2) && (sp = strrchr(line, ' ')) > line + 2 &&
			   pic->n < GZ_PICTURE_MAX) {
			*sp = '\0';
			mask = strtoul(sp + 1, NULL, 10);
			if (!two_ints(line, "d ", &a, &b) || !mask || mask >= 1u << GZ_IMAGE_NFORMATS)
				goto cleanup;
			pic->w[pic->n] = a;
			pic->h[pic->n] = b;
			pic->formats[pic->n++] = (unsigned char)mask;
		} else if (two_ints(line, "thumb ", &a, &b)) {
			pic->thumb = true;
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
	for (fmt = 0; fmt < GZ_IMAGE_NFORMATS; fmt++) {
		if (!(fmt == GZ_IMAGE_WEBP ? pic->webp : pic->jpeg))
			continue;
		for (i = 0; i <= pic->n; i++) {
			if (i < pic->n ? !has(pic, i, (gz_image_format)fmt) : !pic->thumb)
				continue;
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

/* Put width w (h high, in format f) into pic's ascending list. */
static void add_size(gz_picture *pic, int w, int h, gz_image_format f)
{
	size_t i = 0;

	while (i < pic->n && pic->w[i] < w)
		i++;
	if (i == pic->n || pic->w[i] != w) {
		if (pic->n == GZ_PICTURE_MAX)
			return;
		memmove(pic->w + i + 1, pic->w + i, (pic->n - i) * sizeof(*pic->w));
		memmove(pic->h + i + 1, pic->h + i, (pic->n - i) * sizeof(*pic->h));
		memmove(pic->formats + i + 1, pic->formats + i, pic->n - i);
		pic->w[i] = w;
		pic->h[i] = h;
		pic->formats[i] = 0;
		pic->n++;
	}
	pic->formats[i] |= (unsigned char)(1u << f);
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
	pic->thumb = false;
	for (i = 0; i < r->nfiles; i++) {
		const gz_image_file *f = &r->files[i];
		gz_buf_clear(&path);
		cache_name(&path, dir, pic->key, f->thumb ? 0 : f->width, (int)f->format);
		if (write_file(path.ptr, f->data, f->len, uniq) < 0)
			goto cleanup;
		if (f->thumb) {
			pic->thumb = true;
			pic->thumb_w = f->width;
			pic->thumb_h = f->height;
		} else {
			add_size(pic, f->width, f->height, f->format);
		}
	}
	gz_buf_printf(&rec, "%s\nsize %d %d\ncolor %s\n", CACHE_VERSION, r->width, r->height, r->color);
	for (i = 0; i < pic->n; i++)
		gz_buf_printf(&rec, "d %d %d %u\n", pic->w[i], pic->h[i], (unsigned)pic->formats[i]);
	if (pic->thumb)
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

/* ---------------------------------------------------------------- sources */

/* What the last build learnt about one original in a source folder: its
 * bytes' hash, while its stamp (size, times, inode) stays the same. */
typedef struct {
	bool valid;
	uint64_t content;
	gz_source_stamp st;
	char ext[6];             /* its stripped copy's, or "-": published as it is */
	char *path;
} source_stat;

/* One line of the record below into e (its path is copied). */
static bool parse_source(source_stat *e, unsigned long long *content, const char *line)
{
	unsigned long long *nums[] = {&e->st.dev, &e->st.ino, &e->st.size};
	long long *times[] = {&e->st.mtime_ns, &e->st.ctime_ns};
	const char *p = line, *sp;
	char *end;
	size_t i;

	errno = 0;
	*content = strtoull(p, &end, 16);
	if (end != p + 16 || *end != ' ')
		return false;
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		p = end + 1;
		*nums[i] = strtoull(p, &end, 10);
		if (end == p || *end != ' ')
			return false;
	}
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		p = end + 1;
		*times[i] = strtoll(p, &end, 10);
		if (end == p || *end != ' ' || errno)
			return false;
	}
	p = end + 1;
	sp = strchr(p, ' ');
	if (!sp || sp == p || (size_t)(sp - p) >= sizeof(e->ext) || !sp[1])
		return false;
	memcpy(e->ext, p, (size_t)(sp - p));
	e->ext[sp - p] = '\0';
	e->path = gz_strdup(sp + 1);
	return true;
}

/* <dir>/sources: a version line, then per original
 * "<hash16> <dev> <inode> <size> <mtime ns> <ctime ns> <ext|-> <path>". */
static void load_sources(gz_map *m, source_stat **all, size_t *n, const char *dir)
{
	gz_buf path = GZ_BUF_INIT;
	char line[8192];
	size_t cap = 0;
	FILE *f;

	gz_buf_printf(&path, "%s/sources", dir);
	f = fopen(path.ptr, "r");
	gz_buf_release(&path);
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f) || strcmp(line, SOURCES_VERSION "\n")) {
		fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		source_stat e;
		unsigned long long content;
		char *nl = strchr(line, '\n');
		if (!nl)
			break; /* cut short, or a path too long: the rest is not trusted */
		*nl = '\0';
		memset(&e, 0, sizeof(e));
		if (!parse_source(&e, &content, line))
			continue;
		e.valid = true;
		e.content = content;
		GZ_GROW(*all, cap, *n + 1);
		(*all)[(*n)++] = e;
	}
	fclose(f);
	for (cap = 0; cap < *n; cap++)
		gz_map_put(m, (*all)[cap].path, &(*all)[cap]);
}

static void save_sources(const source_stat *next, size_t n, const char *dir)
{
	gz_buf path = GZ_BUF_INIT, rec = GZ_BUF_INIT;
	size_t i;

	gz_buf_puts(&rec, SOURCES_VERSION "\n");
	for (i = 0; i < n; i++) {
		const source_stat *e = &next[i];
		if (!e->valid)
			continue;
		gz_buf_printf(&rec, "%016llx %llu %llu %llu %lld %lld %s %s\n",
			      (unsigned long long)e->content, e->st.dev, e->st.ino, e->st.size,
			      e->st.mtime_ns, e->st.ctime_ns, e->ext, e->path);
	}
	gz_buf_printf(&path, "%s/sources", dir);
	write_file(path.ptr, rec.ptr, rec.len, 0); /* a lost record only costs reading again */
	gz_buf_release(&path);
	gz_buf_release(&rec);
}

/* ---------------------------------------------------------------- work */

typedef struct {
	gz_photos *ph;
	gz_source *src;
	const gz_photos_opts *o;
	uint64_t settings;
	gz_map known;            /* path → source_stat from the last build */
	source_stat *next;       /* [ph->n]: what this build learnt */
	long long start_ns;      /* the build's start, for gz_source_stamp_settled */
	atomic_size_t processed, cached, unwritable, read;
} work_ctx;

static void set_key(gz_picture *pic, uint64_t settings)
{
	pic->hash = gz_hash_u64(settings, pic->content);
	snprintf(pic->key, sizeof(pic->key), "%016llx", (unsigned long long)pic->hash);
}

/* The name of an original's stripped copy in the cache. */
static void orig_name(gz_buf *b, const char *dir, uint64_t content, const char *kind)
{
	uint64_t h = gz_hash_u64(gz_hash_str(GZ_HASH_INIT, "gazette-orig 1"), content);

	gz_buf_printf(b, "%s%s%016llx-orig.%s", dir, *dir ? "/" : "", (unsigned long long)h, kind);
}

/* Without a cached set, the smallest derivative of the main format stands
 * in for the thumbnail. */
static void stand_in_thumb(gz_picture *pic)
{
	gz_image_format main = pic->jpeg ? GZ_IMAGE_JPEG : GZ_IMAGE_WEBP;
	size_t i;

	if (pic->thumb || !pic->n)
		return;
	for (i = 0; i + 1 < pic->n && !has(pic, i, main); i++)
		;
	pic->thumb_w = pic->w[i];
	pic->thumb_h = pic->h[i];
}

/* Make one picture's derivatives from len bytes (the key is set). */
static int derive(work_ctx *c, gz_picture *pic, const void *data, size_t len, size_t uniq,
		  char **err)
{
	gz_image_result r;
	int rc;

	rc = gz_image_process(&r, data, len, &c->ph->img, err);
	if (rc < 0)
		return rc;
	atomic_fetch_add(&c->processed, 1);
	if (store(c->ph->cache_dir, pic, &r, uniq) < 0)
		atomic_fetch_add(&c->unwritable, 1);
	stand_in_thumb(pic);
	gz_image_result_release(&r);
	return 0;
}

static int read_original(work_ctx *c, gz_picture *pic, char **data, size_t *len)
{
	if (*data)
		return 0;
	if (gz_source_read(c->src, pic->file, data, len) < 0) {
		*data = NULL;
		return -1;
	}
	atomic_fetch_add(&c->read, 1);
	return 0;
}

/* Decide how the original is published, making its stripped copy when the
 * cache has none; kind is what the last build found, or NULL. */
static void publish_original(work_ctx *c, gz_picture *pic, char **data, size_t *len,
			     const char *kind, size_t uniq)
{
	gz_buf path = GZ_BUF_INIT;
	char *out = NULL;
	size_t out_len;

	if (!kind) {
		if (read_original(c, pic, data, len) < 0) {
			pic->published = 1; /* copying it reports the error */
			return;
		}
		kind = gz_image_kind(*data, *len);
		if (!kind)
			kind = "-";
	}
	if (!strcmp(kind, "-")) {
		pic->published = 1;
		return;
	}
	snprintf(pic->orig_ext, sizeof(pic->orig_ext), "%s", kind);
	orig_name(&path, c->ph->cache_dir, pic->content, kind);
	pic->published = 0;
	if (!exists(path.ptr)) {
		if (read_original(c, pic, data, len) < 0 ||
		    gz_image_strip(&out, &out_len, *data, *len) < 0)
			pic->published = -1;
		else if (write_file(path.ptr, out, out_len, uniq) < 0)
			atomic_fetch_add(&c->unwritable, 1);
	}
	free(out);
	gz_buf_release(&path);
}

static void make_one(size_t i, int worker, void *payload)
{
	work_ctx *c = payload;
	gz_picture *pic = c->ph->items[i];
	const source_stat *old = NULL;
	char *data = NULL, *err = NULL;
	void *grey = NULL;
	size_t len = 0;
	gz_source_stamp st;
	bool stat_ok = gz_source_stamp_of(c->src, pic->file, &st) == 0;
	int rc;

	if (stat_ok && (old = gz_map_get(&c->known, pic->file)) &&
	    !gz_source_stamp_equal(&old->st, &st))
		old = NULL;
	if (old) {
		pic->content = old->content;
	} else if (read_original(c, pic, &data, &len) < 0) {
		if (pic->derive) {
			pic->status = GZ_IMAGE_NOT_IMAGE;
			pic->error = gz_strdup("unreadable");
		}
		pic->published = 1; /* copying it reports the error */
		return;
	} else {
		pic->content = gz_hash_add(GZ_HASH_INIT, data, len);
	}
	set_key(pic, c->settings);
	if (pic->derive && load_cached(c->ph->cache_dir, pic)) {
		stand_in_thumb(pic);
		pic->cached = true;
		atomic_fetch_add(&c->cached, 1);
	} else if (pic->derive) {
		rc = read_original(c, pic, &data, &len) < 0
			     ? GZ_IMAGE_NOT_IMAGE
			     : derive(c, pic, data, len, i, &err);
		if (rc < 0) {
			char *e2 = NULL;
			size_t glen;
			pic->status = rc;
			pic->error = err ? err : gz_strdup("unreadable");
			pic->n = 0;
			if (c->o->keep_going && gz_image_placeholder(&grey, &glen, 960, 600) == 0) {
				/* the grey stand-in's derivatives, under its own key */
				uint64_t content = pic->content;
				pic->content = gz_hash_add(GZ_HASH_INIT, grey, glen);
				set_key(pic, c->settings);
				pic->placeholder = load_cached(c->ph->cache_dir, pic) ||
						   derive(c, pic, grey, glen, i, &e2) == 0;
				if (pic->placeholder)
					stand_in_thumb(pic);
				else
					pic->n = 0;
				pic->content = content;
				free(e2);
			}
		}
	}
	publish_original(c, pic, &data, &len, old ? old->ext : NULL, i);
	if (stat_ok && pic->published >= 0 && gz_source_stamp_settled(&st, c->start_ns)) {
		source_stat *e = &c->next[i];
		e->valid = true;
		e->content = pic->content;
		e->st = st;
		snprintf(e->ext, sizeof(e->ext), "%s", pic->published ? "-" : pic->orig_ext);
		e->path = pic->file;
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

static gz_picture *add_item(gz_photos *ph, const char *file)
{
	gz_picture *pic = gz_calloc(1, sizeof(*pic));

	pic->file = gz_strdup(file);
	pic->webp = ph->img.nwidths[GZ_IMAGE_WEBP] > 0;
	pic->jpeg = ph->img.nwidths[GZ_IMAGE_JPEG] > 0;
	GZ_GROW(ph->items, ph->cap, ph->n + 1);
	ph->items[ph->n++] = pic;
	gz_map_put(&ph->by_file, pic->file, pic);
	return pic;
}

static void gather(gz_photos *ph, gz_page *p, gz_photo *photo, bool image, void *payload)
{
	if (photo->file && !gz_map_get(&ph->by_file, photo->file))
		add_item(ph, photo->file)->derive = true;
}

/* Image files content/ publishes that no page uses: their metadata goes
 * too. */
static bool image_name(const char *f)
{
	static const char *const names[] = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"};
	const char *dot = strrchr(f, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(dot, names[i]))
			return true;
	return false;
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

/* One image of the body: its picture (or, without derivatives, a plain
 * <img>). */
static void image_html(gz_buf *b, const gz_photo *im, const char *base)
{
	if (im->pic) {
		picture_html(b, im, base);
	} else {
		const char *alt = im->alt ? im->alt : "";
		gz_buf_printf(b, "<img src=\"%s%s\" alt=\"", base, im->url + 1);
		gz_buf_add_html(b, alt, strlen(alt));
		gz_buf_puts(b, "\" loading=\"lazy\" decoding=\"async\">");
	}
}

/* A photo set apart: a figure with the caption and credit it has
 * everywhere (page.h). */
static void figure_html(gz_buf *b, const gz_photo *im, const char *base)
{
	gz_buf_puts(b, "<figure class=\"photo\">");
	image_html(b, im, base);
	if ((im->caption && *im->caption) || (im->credit && *im->credit)) {
		gz_buf_puts(b, "<figcaption>");
		if (im->caption && *im->caption) {
			gz_buf_puts(b, "<span class=\"caption\">");
			gz_buf_add_html(b, im->caption, strlen(im->caption));
			gz_buf_puts(b, "</span>");
		}
		if (im->credit && *im->credit) {
			gz_buf c = GZ_BUF_INIT;
			gz_photo_credit(&c, im->credit);
			gz_buf_puts(b, im->caption && *im->caption ? " <span class=\"credit\">"
								   : "<span class=\"credit\">");
			gz_buf_add_html(b, c.ptr, c.len);
			gz_buf_puts(b, "</span>");
			gz_buf_release(&c);
		}
		gz_buf_puts(b, "</figcaption>");
	}
	gz_buf_puts(b, "</figure>");
}

/* Replace the body's <!--gz-img N--> and <!--gz-fig N--> markers (page.h)
 * with pictures and figures. */
static void write_images(gz_page *p, const char *base)
{
	gz_buf b = GZ_BUF_INIT;
	const char *s = p->html, *m;

	if (!p->nimages || !s)
		return;
	while ((m = strstr(s, "<!--gz-"))) {
		char *end;
		unsigned long k;
		bool fig = !strncmp(m + 7, "fig ", 4);

		gz_buf_add(&b, s, (size_t)(m - s));
		if (!fig && strncmp(m + 7, "img ", 4)) {
			gz_buf_add(&b, m, 7);
			s = m + 7;
			continue;
		}
		k = strtoul(m + 11, &end, 10);
		if (strncmp(end, "-->", 3) || k >= p->nimages) {
			gz_buf_add(&b, m, 11);
			s = m + 11;
			continue;
		}
		if (fig)
			figure_html(&b, &p->images[k], base);
		else
			image_html(&b, &p->images[k], base);
		s = end + 3;
	}
	gz_buf_puts(&b, s);
	/* a page with images owns its html (page.h) */
	free(p->html);
	p->html = gz_buf_detach(&b, &p->html_len);
}

/* ---------------------------------------------------------------- pruning */

#define CACHE_DAYS 60 /* an unused derivative is kept this long */

/* Once a day: the cache files of photos the site no longer has (no
 * picture's key and no original's stripped copy names them) that were made
 * over CACHE_DAYS days ago are removed. A photo still in the site keeps its
 * files whatever their age; "sources" and the stamp are never touched. */
static void prune_cache(const gz_photos *ph)
{
	time_t now = time(NULL), before = now - (time_t)CACHE_DAYS * 86400;
	gz_buf stamp = GZ_BUF_INIT;
	gz_strlist origs = {0};
	gz_map keep = {0};
	struct dirent *e;
	struct stat st;
	size_t i;
	DIR *dh;

	gz_buf_printf(&stamp, "%s/pruned", ph->cache_dir);
	if (stat(stamp.ptr, &st) == 0 && st.st_mtime > now - 86400)
		goto done;
	for (i = 0; i < ph->n; i++) {
		const gz_picture *pic = ph->items[i];
		gz_buf o = GZ_BUF_INIT;
		if (!pic->key[0])
			continue;
		gz_map_put(&keep, pic->key, (void *)pic);
		orig_name(&o, "", pic->content, "x");
		o.ptr[16] = '\0';
		gz_strlist_take(&origs, gz_buf_detach(&o, NULL));
		gz_map_put(&keep, origs.items[origs.n - 1], (void *)pic);
	}
	dh = opendir(ph->cache_dir);
	if (!dh)
		goto done;
	while ((e = readdir(dh))) {
		char prefix[17];
		gz_buf p = GZ_BUF_INIT;
		size_t k;

		/* cache entries only: 16 hex digits, then '-' or '.' */
		for (k = 0; k < 16 && isxdigit((unsigned char)e->d_name[k]); k++)
			;
		if (k < 16 || (e->d_name[16] != '-' && e->d_name[16] != '.'))
			continue;
		memcpy(prefix, e->d_name, 16);
		prefix[16] = '\0';
		if (gz_map_get(&keep, prefix))
			continue;
		gz_buf_printf(&p, "%s/%s", ph->cache_dir, e->d_name);
		if (lstat(p.ptr, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < before)
			unlink(p.ptr);
		gz_buf_release(&p);
	}
	closedir(dh);
	write_file(stamp.ptr, "", 0, 0);
done:
	gz_map_release(&keep);
	gz_strlist_release(&origs);
	gz_buf_release(&stamp);
}

int gz_photos_make(gz_photos *ph, gz_site *site, const gz_photos_opts *o, gz_diag *d)
{
	attach_ctx ac = {o, d};
	work_ctx c;
	char *err = NULL;
	source_stat *known = NULL;
	size_t i, nknown = 0, before = d->errors;

	memset(ph, 0, sizeof(*ph));
	ph->src = site->src;
	if (gz_photos_config(&ph->img, &site->cfg, d) < 0)
		return -1;
	each_photo(ph, site, gather, NULL);
	for (i = 0; i < site->files.n; i++)
		if (image_name(site->files.items[i]) && !gz_map_get(&ph->by_file, site->files.items[i]))
			add_item(ph, site->files.items[i]);
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
	c.next = gz_calloc(ph->n, sizeof(*c.next));
	{
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		c.start_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
	}
	load_sources(&c.known, &known, &nknown, ph->cache_dir);
	atomic_init(&c.processed, 0);
	atomic_init(&c.cached, 0);
	atomic_init(&c.unwritable, 0);
	atomic_init(&c.read, 0);
	/* libvips (gazette-media.so) is loaded by the first photo that needs
	 * it: when every photo is made already, never */
	gz_parallel(ph->n, o->jobs, make_one, &c, o->progress ? "图片" : NULL);
	ph->processed = atomic_load(&c.processed);
	ph->cached = atomic_load(&c.cached);
	ph->read = atomic_load(&c.read);
	save_sources(c.next, ph->n, ph->cache_dir);
	if (!atomic_load(&c.unwritable))
		prune_cache(ph);
	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing: photos: %zu files, %zu read, %zu processed\n", ph->n,
			ph->read, ph->processed);
	for (i = 0; i < nknown; i++)
		free(known[i].path);
	free(known);
	gz_map_release(&c.known);
	free(c.next);
	if (atomic_load(&c.unwritable)) {
		gz_diag_error(d, ph->cache_dir, 0, 0,
			      "cannot write photo derivatives into the cache folder (disk full or "
			      "no permission?)");
		return -1;
	}
	for (i = 0; i < ph->n; i++) {
		const gz_picture *pic = ph->items[i];
		if (pic->published < 0 && !pic->derive)
			gz_diag_warn(d, pic->file, 0, 0,
				     "this image is damaged or cut short, so it is not published "
				     "(its metadata could not be removed); export it again from the "
				     "original");
	}
	each_photo(ph, site, attach, &ac);
	for (i = 0; i < site->nall; i++)
		write_images(site->all[i], site->cfg.base_path);
	return d->errors > before ? -1 : 0;
}

/* Point the copies of originals at their stripped copies, and drop those
 * that could not be stripped: out holds every content file (render.h). */
static void redirect_originals(gz_photos *ph, gz_outputs *out)
{
	gz_buf name = GZ_BUF_INIT;
	size_t i, kept = 0;

	for (i = 0; i < out->n; i++) {
		gz_output it = out->items[i];
		gz_picture *pic = it.from == ph->src && it.from_path
					  ? gz_map_get(&ph->by_file, it.from_path)
					  : NULL;
		if (pic && pic->published < 0) {
			free(it.path);
			free(it.from_path);
			continue;
		}
		if (pic && pic->published == 0) {
			gz_buf_clear(&name);
			orig_name(&name, "", pic->content, pic->orig_ext);
			free(it.from_path);
			it.from = ph->cache;
			it.from_path = gz_strdup(name.ptr);
		}
		out->items[kept++] = it;
	}
	out->n = kept;
	gz_buf_release(&name);
}

void gz_photos_output(gz_photos *ph, gz_outputs *out)
{
	gz_map seen = {0};
	gz_buf to = GZ_BUF_INIT, from = GZ_BUF_INIT;
	size_t i, k;
	int f;

	if (!ph->n)
		return;
	redirect_originals(ph, out);
	for (i = 0; i < ph->n; i++) {
		const gz_picture *pic = ph->items[i];
		if (!pic->n || gz_map_get(&seen, pic->key))
			continue;
		gz_map_put(&seen, pic->key, ph->items[i]);
		for (f = 0; f < GZ_IMAGE_NFORMATS; f++) {
			if (!(f == GZ_IMAGE_WEBP ? pic->webp : pic->jpeg))
				continue;
			for (k = 0; k <= pic->n; k++) {
				int w = k < pic->n ? pic->w[k] : 0;
				if (k < pic->n ? !has(pic, k, (gz_image_format)f) : !pic->thumb)
					continue;
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
