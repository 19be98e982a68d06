/*
 * Photos for print: their sizes, and their print copies at 300 dpi,
 * made on threads of their own while the first pass measures.
 */
#include "print/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/pool.h"
#include "media/image.h"
#include "print/printcache.h"

/* Make pi's print copy at the size first asked for; errors go where
 * that placement was written. Safe on several threads at once: it writes
 * only the copy's fields and failed. */
static void make_print_copy(printer *pr, print_image *pi, const char *file)
{
	const char *cache = pr->o->cache_dir;
	char *data = NULL, *err = NULL;
	size_t len = 0;
	uint64_t key = 0;

	if (gz_source_read(pr->src, file, &data, &len) < 0)
		goto failed;
	if (cache) {
		key = gz_printcache_key(data, len, pi->want_w, pi->want_h, PRINT_QUALITY);
		if (gz_printcache_load(&pi->jpeg, &pi->len, &pi->w, &pi->h, cache, key) == 0) {
			atomic_fetch_add(&pr->kept, 1);
			goto cleanup;
		}
	}
	if (gz_image_print(&pi->jpeg, &pi->len, &pi->w, &pi->h, data, len, pi->want_w, pi->want_h,
			   PRINT_QUALITY, &err) != GZ_IMAGE_OK)
		goto failed;
	atomic_fetch_add(&pr->made, 1);
	if (cache)
		gz_printcache_store(cache, key, pi->jpeg, pi->len, pi->w, pi->h);
	goto cleanup;
failed:
	gz_diag_error(pr->d, pi->where, pi->line, pi->col, _("photo '%s' is %s"), file,
		      err ? err : _("unreadable"));
	free(err);
	pi->failed = true;
cleanup:
	free(data);
}

/*
 * Decoding the photos is most of a brochure's work. The first pass only
 * measures, so it asks for each print copy and moves on; worker threads
 * make the copies meanwhile, in the order they are placed. The second
 * pass, which draws them, starts at once and waits only for a copy it is
 * about to draw that is not made yet, so the typesetting and the copies
 * keep every core busy to the end.
 */
static void *copier_main(void *payload)
{
	printer *pr = payload;
	copier *c = &pr->copies;

	/* libvips starts here, while the first pass sets up its fonts */
	gz_image_init();
	for (;;) {
		print_image *pi;
		const char *file;
		pthread_mutex_lock(&c->lock);
		while (c->next == c->n && !c->closed)
			pthread_cond_wait(&c->more, &c->lock);
		if (c->next == c->n) {
			pthread_mutex_unlock(&c->lock);
			return NULL;
		}
		pi = c->items[c->next];
		file = c->files[c->next];
		c->next++;
		pthread_mutex_unlock(&c->lock);
		make_print_copy(pr, pi, file);
		pthread_mutex_lock(&c->lock);
		pi->done = true;
		pthread_cond_broadcast(&c->made);
		pthread_mutex_unlock(&c->lock);
	}
}

void print_copier_start(printer *pr)
{
	copier *c = &pr->copies;
	int i;

	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->more, NULL);
	pthread_cond_init(&c->made, NULL);
	c->nthreads = gz_pool_cores();
	c->threads = gz_calloc((size_t)c->nthreads, sizeof(*c->threads));
	for (i = 0; i < c->nthreads; i++)
		if (gz_thread_start(&c->threads[i], NULL, copier_main, pr) != 0) {
			fprintf(stderr, "%s", _("gazette: cannot start a thread\n"));
			abort();
		}
	c->running = true;
}

static void copier_add(printer *pr, print_image *pi, const char *file)
{
	copier *c = &pr->copies;

	pthread_mutex_lock(&c->lock);
	GZ_GROW(c->items, c->cap, c->n + 1);
	c->files = gz_realloc(c->files, c->cap * sizeof(*c->files));
	c->items[c->n] = pi;
	c->files[c->n++] = file;
	pi->queued = true;
	pthread_cond_signal(&c->more);
	pthread_mutex_unlock(&c->lock);
}

/* No more copies will be asked for: the threads end when the last is made. */
void print_copier_close(printer *pr)
{
	copier *c = &pr->copies;

	if (!c->running)
		return;
	pthread_mutex_lock(&c->lock);
	c->closed = true;
	pthread_cond_broadcast(&c->more);
	pthread_mutex_unlock(&c->lock);
}

/* Wait for pi's copy, asked for by the first pass; if it failed, pi is bad
 * from now on. */
static void copier_wait(printer *pr, print_image *pi)
{
	copier *c = &pr->copies;

	if (pi->ready)
		return;
	pthread_mutex_lock(&c->lock);
	while (!pi->done)
		pthread_cond_wait(&c->made, &c->lock);
	pthread_mutex_unlock(&c->lock);
	pi->ready = true;
	if (pi->failed)
		pi->bad = true;
}

/* Wait for every copy asked for; what failed is bad from now on. */
void print_copier_finish(printer *pr)
{
	copier *c = &pr->copies;
	size_t i;
	int k;

	if (!c->running)
		return;
	print_copier_close(pr);
	for (k = 0; k < c->nthreads; k++)
		pthread_join(c->threads[k], NULL);
	for (i = 0; i < c->n; i++) {
		c->items[i]->ready = true;
		if (c->items[i]->failed)
			c->items[i]->bad = true;
	}
	pthread_cond_destroy(&c->more);
	pthread_cond_destroy(&c->made);
	pthread_mutex_destroy(&c->lock);
	free(c->threads);
	free(c->items);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

/* A photo's size, from its head when that holds it (a folder's photo of
 * megabytes is not read whole just for that): 0, -1 if it cannot be read,
 * -2 if it is not an image. */
#define SIZE_HEAD (256 * 1024)
static int photo_size(printer *pr, const char *file, int *w, int *h)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (gz_source_read_head(pr->src, file, SIZE_HEAD, &data, &len) < 0)
		return -1;
	if (len == SIZE_HEAD && (gz_image_size(data, len, w, h) < 0 || *w < 1 || *h < 1)) {
		free(data);
		if (gz_source_read(pr->src, file, &data, &len) < 0)
			return -1;
	} else if (len == SIZE_HEAD) {
		free(data);
		return 0;
	}
	rc = gz_image_size(data, len, w, h) < 0 || *w < 1 || *h < 1 ? -2 : 0;
	free(data);
	return rc;
}

/* The photo at file; with a placed size (points), its print copy too:
 * NULL if it cannot be read (reported at where:line:col). While pr->defer
 * (the first pass of a brochure, which only measures) the copy is only
 * asked for and im stays NULL; copier_finish waits for them all. */
print_image *print_load_image(printer *pr, const char *file, double w_pt, double h_pt,
			       const char *where, int line, int col)
{
	print_image *pi = gz_map_get(&pr->images, file);

	if (pi && pi->queued && !pr->defer)
		copier_wait(pr, pi);
	if (!pi) {
		int rc;
		pi = gz_calloc(1, sizeof(*pi));
		gz_strlist_add(&pr->image_keys, file);
		pi->file = pr->image_keys.items[pr->image_keys.n - 1];
		gz_map_put(&pr->images, pi->file, pi);
		rc = photo_size(pr, file, &pi->ow, &pi->oh);
		if (rc == -1)
			gz_diag_error(pr->d, where, line, col, _("photo '%s' cannot be read"), file);
		else if (rc == -2)
			gz_diag_error(pr->d, where, line, col,
				      _("photo '%s' is not an image gazette can read (JPEG, PNG, WebP, "
				      "GIF or TIFF)"), file);
		pi->bad = rc < 0;
	}
	if (pi->bad)
		return NULL;
	if (w_pt <= 0) /* only the size was asked for */
		return pi;
	/* 300 dpi at the placed size; made once, at the size first asked for.
	 * A copy being made is not looked at until copier_finish. */
	if (!pi->want_w) {
		double ppi;
		pi->want_w = (int)(w_pt / 72.0 * 300.0 + 0.5);
		pi->want_h = (int)(h_pt / 72.0 * 300.0 + 0.5);
		pi->where = gz_strdup(where);
		pi->line = line;
		pi->col = col;
		/* the pixels an inch where it is placed (filling its box: the
		 * side with fewer); a print shop wants 300, and under 200 a
		 * photo prints soft */
		ppi = 300.0 * (pi->ow * (double)pi->want_h < pi->oh * (double)pi->want_w
				       ? (double)pi->ow / pi->want_w
				       : (double)pi->oh / pi->want_h);
		if (pi->want_w > 0 && pi->want_h > 0 && ppi < 200)
			gz_diag_warn(pr->d, where, line, col,
				     _("photo '%s' prints at %.0f pixels an inch where it is placed "
				       "(%d×%d pixels for %.0f×%.0f mm); a print shop wants 300: use a "
				       "larger original"),
				     file, ppi, pi->ow, pi->oh, w_pt / 72.0 * 25.4, h_pt / 72.0 * 25.4);
		if (pr->defer) {
			copier_add(pr, pi, pi->file);
			return pi;
		}
		make_print_copy(pr, pi, file);
		if (pi->failed) {
			pi->bad = true;
			return NULL;
		}
	}
	if (pr->defer)
		return pi;
	if (!pi->im)
		pi->im = gz_pdf_image_new(pr->pdf, pi->jpeg, pi->len, pi->w, pi->h);
	return pi;
}
