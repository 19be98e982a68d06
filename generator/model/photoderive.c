/*
 * photoderive.c: each picture's derivatives and its original's stripped
 * copy (photos.h), on all cores: taken from the cache folder when it has
 * them, else made with image.h; an original whose stamp is the one the
 * last build recorded is not even read.
 */
#include "model/photos_private.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/hash.h"
#include "base/pool.h"

typedef struct {
	gz_photos *ph;
	gz_source *src;
	const gz_photos_opts *o;
	uint64_t settings;
	gz_map known;            /* path → gz_photos_source from the last build */
	gz_photos_source *next;       /* [ph->n]: what this build learnt */
	long long start_ns;      /* the build's start, for gz_source_stamp_settled */
	atomic_size_t processed, cached, unwritable, read;
} work_ctx;

static void set_key(gz_picture *pic, uint64_t settings)
{
	pic->hash = gz_hash_u64(settings, pic->content);
	snprintf(pic->key, sizeof(pic->key), "%016llx", (unsigned long long)pic->hash);
}

/* Without a cached set, the smallest derivative of the main format stands
 * in for the thumbnail. */
static void stand_in_thumb(gz_picture *pic)
{
	gz_image_format main = pic->jpeg ? GZ_IMAGE_JPEG : GZ_IMAGE_WEBP;
	size_t i;

	if (pic->thumb || !pic->n)
		return;
	for (i = 0; i + 1 < pic->n && !gz_picture_has(pic, i, main); i++)
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
	if (gz_photos_store(c->ph->cache_dir, pic, &r, uniq) < 0)
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
	gz_photos_orig_name(&path, c->ph->cache_dir, pic->content, kind);
	pic->published = 0;
	if (!gz_photos_file_exists(path.ptr)) {
		if (read_original(c, pic, data, len) < 0 ||
		    gz_image_strip(&out, &out_len, *data, *len) < 0)
			pic->published = -1;
		else if (gz_photos_write_file(path.ptr, out, out_len, uniq) < 0)
			atomic_fetch_add(&c->unwritable, 1);
	}
	free(out);
	gz_buf_release(&path);
}

static void make_one(size_t i, int worker, void *payload)
{
	work_ctx *c = payload;
	gz_picture *pic = c->ph->items[i];
	const gz_photos_source *old = NULL;
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
			pic->error = gz_strdup(_("unreadable"));
		}
		pic->published = 1; /* copying it reports the error */
		return;
	} else {
		pic->content = gz_hash_add(GZ_HASH_INIT, data, len);
	}
	set_key(pic, c->settings);
	if (pic->derive && gz_photos_load_cached(c->ph->cache_dir, pic)) {
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
			pic->error = err ? err : gz_strdup(_("unreadable"));
			pic->n = 0;
			if (c->o->keep_going && gz_image_placeholder(&grey, &glen, 960, 600) == 0) {
				/* the grey stand-in's derivatives, under its own key */
				uint64_t content = pic->content;
				pic->content = gz_hash_add(GZ_HASH_INIT, grey, glen);
				set_key(pic, c->settings);
				pic->placeholder = gz_photos_load_cached(c->ph->cache_dir, pic) ||
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
		gz_photos_source *e = &c->next[i];
		e->valid = true;
		e->content = pic->content;
		e->st = st;
		snprintf(e->ext, sizeof(e->ext), "%s", pic->published ? "-" : pic->orig_ext);
		e->path = pic->file;
	}
	free(grey);
	free(data);
}

int gz_photos_derive(gz_photos *ph, gz_source *src, const gz_photos_opts *o)
{
	work_ctx c;
	gz_photos_source *known = NULL;
	size_t i, nknown = 0;

	memset(&c, 0, sizeof(c));
	c.ph = ph;
	c.src = src;
	c.o = o;
	c.settings = gz_photos_settings_hash(&ph->img);
	c.next = gz_calloc(ph->n, sizeof(*c.next));
	{
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		c.start_ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
	}
	gz_photos_sources_load(&c.known, &known, &nknown, ph->cache_dir);
	atomic_init(&c.processed, 0);
	atomic_init(&c.cached, 0);
	atomic_init(&c.unwritable, 0);
	atomic_init(&c.read, 0);
	/* libvips (gazette-media.so) is loaded by the first photo that needs
	 * it: when every photo is made already, never */
	gz_parallel(ph->n, o->jobs, make_one, &c, o->progress ? _("photos") : NULL);
	ph->processed = atomic_load(&c.processed);
	ph->cached = atomic_load(&c.cached);
	ph->read = atomic_load(&c.read);
	gz_photos_sources_save(c.next, ph->n, ph->cache_dir);
	if (!atomic_load(&c.unwritable))
		gz_photos_prune_cache(ph);
	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing: photos: %zu files, %zu read, %zu processed\n", ph->n,
			ph->read, ph->processed);
	for (i = 0; i < nknown; i++)
		free(known[i].path);
	free(known);
	gz_map_release(&c.known);
	free(c.next);
	return atomic_load(&c.unwritable) ? -1 : 0;
}
