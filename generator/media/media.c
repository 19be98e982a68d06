/*
 * media.c: image.h, pdf.h and qr.h for gazette-core.so, as calls into
 * gazette-media.so, loaded from beside it the first time one is made
 * (media.h says why).
 */
#include "media/media.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char anchor; /* an address in this gazette-core.so, for dladdr */
static const gz_media_table *table;
static atomic_bool loaded;

/* Where gazette-media.so is: beside this gazette-core.so. */
static void media_path(char *buf, size_t size)
{
	Dl_info info;
	const char *slash;

	if (dladdr(&anchor, &info) && info.dli_fname &&
	    (slash = strrchr(info.dli_fname, '/')))
		snprintf(buf, size, "%.*s/" GZ_MEDIA_SO, (int)(slash - info.dli_fname),
		         info.dli_fname);
	else
		snprintf(buf, size, GZ_MEDIA_SO);
}

static void load(void)
{
	char path[PATH_MAX];
	void *so, *sym;
	gz_media_entry_fn *entry;

	media_path(path, sizeof(path));
	so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		const char *why = dlerror();
		if (access(path, F_OK) != 0)
			fprintf(
			    stderr,
			    "gazette: %s is missing: it holds the photo and PDF code; build it "
			    "with 'make' in the source tree, or install gazette again with 'make "
			    "install'\n",
			    path);
		else
			fprintf(stderr, "gazette: cannot load %s: %s\n", path, why ? why : "");
		exit(1);
	}
	sym = dlsym(so, GZ_MEDIA_ENTRY);
	/* POSIX: dlsym's object pointer is the function's address */
	memcpy(&entry, &sym, sizeof(entry));
	table = entry ? entry() : NULL;
	if (!table || table->version != GZ_MEDIA_VERSION) {
		fprintf(stderr,
		        "gazette: %s belongs to another version of gazette; install gazette again "
		        "with 'make install'\n",
		        path);
		exit(1);
	}
	atomic_store(&loaded, true);
}

static const gz_media_table *M(void)
{
	pthread_once(&once, load);
	return table;
}

bool gz_media_loaded(void)
{
	return atomic_load(&loaded);
}

/* libvips is shut down only if it was loaded: never loaded just for that */
void gz_image_shutdown(void)
{
	if (atomic_load(&loaded))
		table->gz_image_shutdown();
}

void gz_image_init(void)
{
	M()->gz_image_init();
}

int gz_image_process(gz_image_result *out, const void *data, size_t len, const gz_image_opts *o,
                     char **err)
{
	return M()->gz_image_process(out, data, len, o, err);
}

void gz_image_result_release(gz_image_result *r)
{
	M()->gz_image_result_release(r);
}

size_t gz_image_plan(int *out, const gz_image_opts *o, gz_image_format f, int w)
{
	return M()->gz_image_plan(out, o, f, w);
}

int gz_image_strip(char **out, size_t *out_len, const void *data, size_t len)
{
	return M()->gz_image_strip(out, out_len, data, len);
}

int gz_image_placeholder(void **data, size_t *len, int w, int h)
{
	return M()->gz_image_placeholder(data, len, w, h);
}

int gz_image_print(void **jpeg, size_t *jpeg_len, int *w, int *h, const void *data, size_t len,
                   int max_w, int max_h, int quality, char **err)
{
	return M()->gz_image_print(jpeg, jpeg_len, w, h, data, len, max_w, max_h, quality, err);
}

int gz_image_size(const void *data, size_t len, int *w, int *h)
{
	return M()->gz_image_size(data, len, w, h);
}

int gz_image_probe(const void *data, size_t len, int *w, int *h, bool *metadata)
{
	return M()->gz_image_probe(data, len, w, h, metadata);
}

int gz_pdf_new(gz_pdf **out, const gz_pdf_opts *o, char **err)
{
	return M()->gz_pdf_new(out, o, err);
}

int gz_pdf_finish(gz_pdf *pdf, char **data, size_t *len, char **err)
{
	return M()->gz_pdf_finish(pdf, data, len, err);
}

void gz_pdf_free(gz_pdf *pdf)
{
	M()->gz_pdf_free(pdf);
}

int gz_pdf_page(gz_pdf *pdf)
{
	return M()->gz_pdf_page(pdf);
}

int gz_pdf_page_count(const gz_pdf *pdf)
{
	return M()->gz_pdf_page_count(pdf);
}

bool gz_pdf_has_font(gz_pdf *pdf, const char *family)
{
	return M()->gz_pdf_has_font(pdf, family);
}

gz_pdf_text *gz_pdf_text_new(gz_pdf *pdf, const char *markup, const gz_pdf_style *st, double width,
                             char **err)
{
	return M()->gz_pdf_text_new(pdf, markup, st, width, err);
}

gz_pdf_text *gz_pdf_text_ref(gz_pdf_text *t)
{
	return M()->gz_pdf_text_ref(t);
}

void gz_pdf_text_free(gz_pdf_text *t)
{
	M()->gz_pdf_text_free(t);
}

int gz_pdf_text_lines(const gz_pdf_text *t)
{
	return M()->gz_pdf_text_lines(t);
}

double gz_pdf_text_bottom(const gz_pdf_text *t, int i)
{
	return M()->gz_pdf_text_bottom(t, i);
}

double gz_pdf_text_top(const gz_pdf_text *t, int i)
{
	return M()->gz_pdf_text_top(t, i);
}

double gz_pdf_text_height(const gz_pdf_text *t)
{
	return M()->gz_pdf_text_height(t);
}

double gz_pdf_text_width(const gz_pdf_text *t)
{
	return M()->gz_pdf_text_width(t);
}

void gz_pdf_text_draw(gz_pdf *pdf, const gz_pdf_text *t, double x, double y, int first, int n)
{
	M()->gz_pdf_text_draw(pdf, t, x, y, first, n);
}

gz_pdf_image *gz_pdf_image_new(gz_pdf *pdf, const void *jpeg, size_t len, int w, int h)
{
	return M()->gz_pdf_image_new(pdf, jpeg, len, w, h);
}

void gz_pdf_image_free(gz_pdf_image *im)
{
	M()->gz_pdf_image_free(im);
}

void gz_pdf_image_draw(gz_pdf *pdf, gz_pdf_image *im, double x, double y, double w, double h,
                       bool cover)
{
	M()->gz_pdf_image_draw(pdf, im, x, y, w, h, cover);
}

void gz_pdf_rect(gz_pdf *pdf, double x, double y, double w, double h, double r, double g, double b)
{
	M()->gz_pdf_rect(pdf, x, y, w, h, r, g, b);
}

void gz_pdf_frame(gz_pdf *pdf, double x, double y, double w, double h, double lw, double r,
                  double g, double b)
{
	M()->gz_pdf_frame(pdf, x, y, w, h, lw, r, g, b);
}

void gz_pdf_rule(gz_pdf *pdf, double x0, double y0, double x1, double y1, double lw, double gray)
{
	M()->gz_pdf_rule(pdf, x0, y0, x1, y1, lw, gray);
}

void gz_pdf_line(gz_pdf *pdf, double x0, double y0, double x1, double y1, double lw, double r,
                 double g, double b)
{
	M()->gz_pdf_line(pdf, x0, y0, x1, y1, lw, r, g, b);
}

void gz_pdf_qr(gz_pdf *pdf, const unsigned char *dark, int size, double x, double y, double w)
{
	M()->gz_pdf_qr(pdf, dark, size, x, y, w);
}

int gz_qr_encode(gz_qr *out, const char *text)
{
	return M()->gz_qr_encode(out, text);
}

void gz_qr_release(gz_qr *q)
{
	M()->gz_qr_release(q);
}
