/*
 * photocache.c: the photo cache folder (.gazette/img/, photos.h). A
 * picture's derivatives are "<key>-<width>.<ext>" and "<key>-thumb.<ext>",
 * written first, and its record "<key>.txt" last, so a record means a whole
 * set; an original's stripped copy is named by the hash of its bytes.
 * "sources" keeps each original's hash with its stamp.
 */
#include "model/photos_private.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/hash.h"

/* bump when the derivatives change for the same settings */
#define CACHE_VERSION "gazette-img 3"
/* the record of the originals' hashes (see photos.h) */
#define SOURCES_VERSION "gazette-sources 2"

const char *const gz_photos_ext[GZ_IMAGE_NFORMATS] = {"webp", "jpg"};

uint64_t gz_photos_settings_hash(const gz_image_opts *o)
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

void gz_photos_cache_name(gz_buf *b, const char *dir, const char *key, int width, int f)
{
	if (f < 0)
		gz_buf_printf(b, "%s/%s.txt", dir, key);
	else if (width)
		gz_buf_printf(b, "%s/%s-%d.%s", dir, key, width, gz_photos_ext[f]);
	else
		gz_buf_printf(b, "%s/%s-thumb.%s", dir, key, gz_photos_ext[f]);
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

bool gz_photos_file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

bool gz_photos_load_cached(const char *dir, gz_picture *pic)
{
	gz_buf path = GZ_BUF_INIT;
	char line[1024];
	FILE *f;
	bool ok = false;
	int fmt;
	size_t i;

	gz_photos_cache_name(&path, dir, pic->key, 0, -1);
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
			if (i < pic->n ? !gz_picture_has(pic, i, (gz_image_format)fmt) : !pic->thumb)
				continue;
			gz_buf_clear(&path);
			gz_photos_cache_name(&path, dir, pic->key, i < pic->n ? pic->w[i] : 0, fmt);
			if (!gz_photos_file_exists(path.ptr))
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

int gz_photos_write_file(const char *path, const void *data, size_t len, size_t uniq)
{
	gz_buf tmp = GZ_BUF_INIT;
	FILE *f;
	int rc = -1;

	gz_buf_printf(&tmp, "%s.tmp%ld-%zu", path, (long)getpid(), uniq);
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

int gz_photos_store(const char *dir, gz_picture *pic, const gz_image_result *r, size_t uniq)
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
		gz_photos_cache_name(&path, dir, pic->key, f->thumb ? 0 : f->width, (int)f->format);
		if (gz_photos_write_file(path.ptr, f->data, f->len, uniq) < 0)
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
	gz_photos_cache_name(&path, dir, pic->key, 0, -1);
	rc = gz_photos_write_file(path.ptr, rec.ptr, rec.len, uniq);
cleanup:
	gz_buf_release(&path);
	gz_buf_release(&rec);
	return rc;
}

void gz_photos_orig_name(gz_buf *b, const char *dir, uint64_t content, const char *kind)
{
	uint64_t h = gz_hash_u64(gz_hash_str(GZ_HASH_INIT, "gazette-orig 1"), content);

	gz_buf_printf(b, "%s%s%016llx-orig.%s", dir, *dir ? "/" : "", (unsigned long long)h, kind);
}

#define CACHE_DAYS 60 /* an unused derivative is kept this long */

/* Once a day: the cache files of photos the site no longer has (no
 * picture's key and no original's stripped copy names them) that were made
 * over CACHE_DAYS days ago are removed. A photo still in the site keeps its
 * files whatever their age; "sources" and the stamp are never touched. */
void gz_photos_prune_cache(const gz_photos *ph)
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
		gz_photos_orig_name(&o, "", pic->content, "x");
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
	gz_photos_write_file(stamp.ptr, "", 0, 0);
done:
	gz_map_release(&keep);
	gz_strlist_release(&origs);
	gz_buf_release(&stamp);
}

/* ---- the originals' stamps ---- */

/* One line of the record below into e (its path is copied). */
static bool parse_source(gz_photos_source *e, unsigned long long *content, const char *line)
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
void gz_photos_sources_load(gz_map *m, gz_photos_source **all, size_t *n, const char *dir)
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
		gz_photos_source e;
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

void gz_photos_sources_save(const gz_photos_source *next, size_t n, const char *dir)
{
	gz_buf path = GZ_BUF_INIT, rec = GZ_BUF_INIT;
	size_t i;

	gz_buf_puts(&rec, SOURCES_VERSION "\n");
	for (i = 0; i < n; i++) {
		const gz_photos_source *e = &next[i];
		if (!e->valid)
			continue;
		gz_buf_printf(&rec, "%016llx %llu %llu %llu %lld %lld %s %s\n",
			      (unsigned long long)e->content, e->st.dev, e->st.ino, e->st.size,
			      e->st.mtime_ns, e->st.ctime_ns, e->ext, e->path);
	}
	gz_buf_printf(&path, "%s/sources", dir);
	gz_photos_write_file(path.ptr, rec.ptr, rec.len, 0); /* a lost record only costs reading again */
	gz_buf_release(&path);
	gz_buf_release(&rec);
}
