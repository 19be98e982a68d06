/*
 * photos.c: the site's photos (photos.h): gathered from the pages the build
 * publishes and the image files content/ holds, made (photoderive.c),
 * attached to the pages, and published from the cache folder.
 */
#include "model/photos_private.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "base/i18n.h"

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
		/* pic->error reads after "is": "damaged or cut short (…); export it
		 * again from the original" */
		gz_diag_add(d, o->keep_going ? GZ_WARNING : GZ_ERROR, p->path, photo->line, photo->col,
			    image ? _("image '%s' is %s%s") : _("photo '%s' is %s%s"), photo->ref,
			    pic->error, o->keep_going ? _("; a grey placeholder stands in for it") : "");
	}
	if (pic->n)
		photo->pic = pic;
}

uint64_t gz_picture_hash(const gz_picture *pic)
{
	return pic ? gz_hash_u64(pic->hash, pic->placeholder) : 0;
}

int gz_photos_make(gz_photos *ph, gz_site *site, const gz_photos_opts *o, gz_diag *d)
{
	attach_ctx ac = {o, d};
	size_t i, before = d->errors;

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
	if (gz_source_open_dir(&ph->cache, ph->cache_dir, NULL) < 0) {
		gz_diag_error(d, ph->cache_dir, 0, 0,
			      _("cannot use the photo cache: it is not a folder gazette can "
				"write; check its permissions"));
		return -1;
	}
	if (gz_photos_derive(ph, site->src, o) < 0) {
		gz_diag_error(d, ph->cache_dir, 0, 0,
			      _("cannot write photo derivatives into the cache folder (disk full or "
				"no permission?)"));
		return -1;
	}
	for (i = 0; i < ph->n; i++) {
		const gz_picture *pic = ph->items[i];
		if (pic->published < 0 && !pic->derive)
			gz_diag_warn(d, pic->file, 0, 0,
				     _("this image is damaged or cut short, so it is not published "
				       "(its metadata could not be removed); export it again from the "
				       "original"));
	}
	each_photo(ph, site, attach, &ac);
	for (i = 0; i < site->nall; i++)
		gz_photos_write_images(site->all[i], site->cfg.base_path);
	return d->errors > before ? -1 : 0;
}

/* A copy of an original pointed at its stripped copy, or dropped when it
 * could not be stripped: out holds every content file (render.h). */
static bool redirect_original(gz_output *it, void *payload)
{
	gz_photos *ph = payload;
	gz_picture *pic = it->from == ph->src && it->from_path
				  ? gz_map_get(&ph->by_file, it->from_path)
				  : NULL;
	gz_buf name = GZ_BUF_INIT;

	if (pic && pic->published < 0)
		return false;
	if (pic && pic->published == 0) {
		gz_photos_orig_name(&name, "", pic->content, pic->orig_ext);
		free(it->from_path);
		it->from = ph->cache;
		it->from_path = gz_buf_detach(&name, NULL);
	}
	return true;
}

void gz_photos_output(gz_photos *ph, gz_outputs *out)
{
	gz_map seen = {0};
	gz_buf to = GZ_BUF_INIT, from = GZ_BUF_INIT;
	size_t i, k;
	int f;

	if (!ph->n)
		return;
	/* under the outputs' lock: the search index may be adding its own */
	gz_outputs_rewrite_copies(out, redirect_original, ph);
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
				if (k < pic->n ? !gz_picture_has(pic, k, (gz_image_format)f) : !pic->thumb)
					continue;
				gz_buf_clear(&to);
				gz_buf_clear(&from);
				gz_picture_url(&to, pic, w, (gz_image_format)f);
				gz_photos_cache_name(&from, "", pic->key, w, f);
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
