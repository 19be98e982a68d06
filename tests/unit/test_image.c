#include <stdatomic.h>
#include <stdlib.h>

#include "base/buf.h"
#include "media/image.h"
#include "load/markdown.h"
#include "base/pool.h"
#include "test.h"

static gz_image_opts opts(void)
{
	gz_image_opts o = {{{480, 960, 1600}, {480, 960, 1600}}, {3, 3}, 80, 640, 400, 100000000ULL};
	return o;
}

/* never upscaled: a 1200 px original gets 480, 960 and its own 1200 */
static void plan(void)
{
	gz_image_opts o = opts();
	int w[GZ_IMAGE_MAX_WIDTHS + 1];
	size_t n;

	n = gz_image_plan(w, &o, GZ_IMAGE_JPEG, 1200);
	CHECK_INT(n, 3);
	CHECK_INT(w[0], 480);
	CHECK_INT(w[1], 960);
	CHECK_INT(w[2], 1200);
	n = gz_image_plan(w, &o, GZ_IMAGE_JPEG, 4000);
	CHECK_INT(n, 3);
	CHECK_INT(w[2], 1600);
	n = gz_image_plan(w, &o, GZ_IMAGE_JPEG, 1600);
	CHECK_INT(n, 3);
	CHECK_INT(w[2], 1600);
	n = gz_image_plan(w, &o, GZ_IMAGE_JPEG, 300);
	CHECK_INT(n, 1);
	CHECK_INT(w[0], 300);
	/* a format of its own widths; one with none is not made */
	o.nwidths[GZ_IMAGE_WEBP] = 1;
	o.widths[GZ_IMAGE_WEBP][0] = 400;
	n = gz_image_plan(w, &o, GZ_IMAGE_WEBP, 4000);
	CHECK_INT(n, 1);
	CHECK_INT(w[0], 400);
	n = gz_image_plan(w, &o, GZ_IMAGE_WEBP, 300);
	CHECK_INT(n, 1);
	CHECK_INT(w[0], 300);
	o.nwidths[GZ_IMAGE_WEBP] = 0;
	CHECK_INT(gz_image_plan(w, &o, GZ_IMAGE_WEBP, 4000), 0);
}

/* exactly the files asked for: 1600 and 800 in JPEG, 400 in WebP, no
 * thumbnail */
static void per_format(void)
{
	gz_image_opts o = {{{400}, {800, 1600}}, {1, 2}, 80, 0, 0, 100000000ULL};
	gz_image_result r;
	void *grey;
	size_t len, i;
	char *err = NULL;
	int seen = 0;

	CHECK(gz_image_placeholder(&grey, &len, 2000, 1500) == 0);
	CHECK(gz_image_process(&r, grey, len, &o, &err) == GZ_IMAGE_OK);
	CHECK_INT(r.nfiles, 3);
	for (i = 0; i < r.nfiles; i++) {
		const gz_image_file *f = &r.files[i];
		CHECK(!f->thumb);
		if (f->format == GZ_IMAGE_WEBP && f->width == 400 && f->height == 300)
			seen |= 1;
		if (f->format == GZ_IMAGE_JPEG && f->width == 800 && f->height == 600)
			seen |= 2;
		if (f->format == GZ_IMAGE_JPEG && f->width == 1600 && f->height == 1200)
			seen |= 4;
	}
	CHECK_INT(seen, 7);
	CHECK_STR(r.color, "#cccccc");
	gz_image_result_release(&r);
	free(grey);
}

static void process(void)
{
	gz_image_opts o = opts();
	gz_image_result r;
	void *grey;
	size_t len, i;
	char *err = NULL;
	int w, h;
	bool meta;

	CHECK(gz_image_placeholder(&grey, &len, 1200, 800) == 0);
	CHECK(gz_image_process(&r, grey, len, &o, &err) == GZ_IMAGE_OK);
	CHECK_INT(r.width, 1200);
	CHECK_INT(r.height, 800);
	CHECK_INT(r.nfiles, 8); /* 3 widths and a thumbnail, webp and jpeg */
	CHECK_STR(r.color, "#cccccc");
	for (i = 0; i < r.nfiles; i++) {
		CHECK(gz_image_probe(r.files[i].data, r.files[i].len, &w, &h, &meta) == 0);
		CHECK_INT(w, r.files[i].width);
		CHECK(!meta);
	}
	gz_image_result_release(&r);
	o.max_pixels = 1000;
	CHECK(gz_image_process(&r, grey, len, &o, &err) == GZ_IMAGE_TOO_LARGE);
	CHECK(err && strstr(err, "1200×800 pixels") != NULL);
	free(err);
	CHECK(gz_image_process(&r, "GIF89a?", 7, &o, &err) == GZ_IMAGE_NOT_IMAGE);
	free(err);
	free(grey);
}

/* EXIF with Orientation 6 (turn right to view) and a Make */
static const unsigned char exif[] = {
	0xff, 0xe1, 0, 54, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
	2, 0,                                           /* two fields */
	0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,       /* Orientation 6 */
	0x0f, 0x01, 2, 0, 8, 0, 0, 0, 38, 0, 0, 0,      /* Make at 38 */
	0, 0, 0, 0, 's', 'e', 'c', 'r', 'e', 't', '1', 0};

/* The grey placeholder of w×h with the EXIF above after its JFIF APP0. */
static void with_exif(gz_buf *out, int w, int h)
{
	void *grey;
	size_t len, head;
	const unsigned char *g;

	CHECK(gz_image_placeholder(&grey, &len, w, h) == 0);
	g = grey;
	head = g[3] == 0xe0 ? 4 + ((size_t)g[4] << 8 | g[5]) : 2;
	gz_buf_add(out, g, head);
	gz_buf_add(out, exif, sizeof(exif));
	gz_buf_add(out, g + head, len - head);
	free(grey);
}

/* Print copies: exactly the placed size (fitted inside it, aspect kept),
 * through shrink-on-load or not, never enlarged, upright, without
 * metadata, and the same bytes every time. */
static void print_copy(void)
{
	static const int cases[][4] = {
		/* max_w max_h  →  w h */
		{600, 600, 600, 450},     /* 1/2 on load, then filtered */
		{1000, 1000, 1000, 750},  /* 1/2 on load is the size */
		{1999, 2000, 1999, 1499}, /* decoded whole, then filtered */
		{3000, 3000, 2000, 1500}, /* never enlarged */
		{2000, 300, 400, 300},    /* the height decides */
		{100, 0, 1, 1},           /* nonsense: the smallest copy */
	};
	gz_buf turned = GZ_BUF_INIT;
	void *grey, *a, *b;
	size_t len, alen, blen, i;
	char *err = NULL;
	int w, h, pw, ph;
	bool meta;

	CHECK(gz_image_placeholder(&grey, &len, 2000, 1500) == 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(gz_image_print(&a, &alen, &w, &h, grey, len, cases[i][0], cases[i][1], 85,
				     &err) == GZ_IMAGE_OK);
		CHECK_INT(w, cases[i][2]);
		CHECK_INT(h, cases[i][3]);
		CHECK(gz_image_probe(a, alen, &pw, &ph, &meta) == 0);
		CHECK_INT(pw, w);
		CHECK_INT(ph, h);
		CHECK(!meta);
		free(a);
	}
	CHECK(gz_image_print(&a, &alen, &w, &h, grey, len, 600, 600, 85, &err) == GZ_IMAGE_OK);
	CHECK(gz_image_print(&b, &blen, &w, &h, grey, len, 600, 600, 85, &err) == GZ_IMAGE_OK);
	CHECK(alen == blen && !memcmp(a, b, alen));
	free(a);
	free(b);
	free(grey);

	/* stored 1200×800 with Orientation 6: upright it is 800×1200 */
	with_exif(&turned, 1200, 800);
	CHECK(gz_image_print(&a, &alen, &w, &h, turned.ptr, turned.len, 200, 1000, 85, &err) ==
	      GZ_IMAGE_OK);
	CHECK_INT(w, 200);
	CHECK_INT(h, 300);
	CHECK(gz_image_probe(a, alen, &pw, &ph, &meta) == 0);
	CHECK_INT(pw, 200);
	CHECK_INT(ph, 300);
	CHECK(!meta);
	CHECK(!memmem(a, alen, "secret", 6));
	free(a);
	gz_buf_release(&turned);

	CHECK(gz_image_print(&a, &alen, &w, &h, "GIF89a?", 7, 100, 100, 85, &err) ==
	      GZ_IMAGE_NOT_IMAGE);
	CHECK(a == NULL);
	free(err);
}

/* A JPEG with every kind of metadata segment, and an MPF-style preview
 * after EOI: the stripped copy has none of them, keeps every byte of the
 * picture, and keeps the orientation (6: the size read back turns). */
static void strip_jpeg(void)
{
	static const char xmp[] = "\xff\xe1\x00\x26http://ns.adobe.com/xap/1.0/\0secret2";
	static const char iptc[] = "\xff\xed\x00\x1aPhotoshop 3.0\0secret3___";
	static const char com[] = "\xff\xfe\x00\x09secret4";
	gz_buf in = GZ_BUF_INIT;
	void *grey;
	char *out;
	size_t len, out_len, head;
	int w, h;
	const unsigned char *g;

	CHECK(gz_image_placeholder(&grey, &len, 120, 80) == 0);
	g = grey;
	/* SOI and vips' JFIF APP0, then the metadata, then the rest */
	head = g[3] == 0xe0 ? 4 + ((size_t)g[4] << 8 | g[5]) : 2;
	gz_buf_add(&in, g, head);
	gz_buf_add(&in, exif, sizeof(exif));
	gz_buf_add(&in, xmp, sizeof(xmp) - 1);
	gz_buf_add(&in, iptc, sizeof(iptc) - 1);
	gz_buf_add(&in, com, sizeof(com) - 1);
	gz_buf_add(&in, g + head, len - head);
	gz_buf_puts(&in, "MPF preview secret5");
	CHECK(gz_image_size(in.ptr, in.len, &w, &h) == 0);
	CHECK_INT(w, 80);
	CHECK_STR(gz_image_kind(in.ptr, in.len), "jpg");

	CHECK(gz_image_strip(&out, &out_len, in.ptr, in.len) == 0);
	CHECK(!memmem(out, out_len, "secret", 6));
	CHECK_INT(out_len, len + 36);
	CHECK(!memcmp(out, g, head));
	CHECK(!memcmp(out + head + 36, g + head, len - head));
	CHECK(gz_image_size(out, out_len, &w, &h) == 0);
	CHECK_INT(w, 80);
	CHECK_INT(h, 120);
	free(out);

	/* cut short: no EOI, and libvips refuses it too */
	CHECK(gz_image_strip(&out, &out_len, in.ptr, head + sizeof(exif) + 100) == -1);
	CHECK(out == NULL);
	/* not an image kind it strips */
	CHECK(gz_image_kind("GIF89a", 6) == NULL);
	CHECK(gz_image_strip(&out, &out_len, "GIF89a", 6) == -1);
	gz_buf_release(&in);
	free(grey);
}

static char *hook(const gz_md_image *img, void *payload)
{
	(*(int *)payload)++;
	if (strcmp(img->src, "a.jpg"))
		return NULL;
	return strdup(img->alt && !strcmp(img->alt, "图 一") ? "<!--A-->" : "<!--?-->");
}

/* markdown's image hook replaces <img>, even with raw HTML off */
static void markdown_hook(void)
{
	gz_md_result r;
	gz_md_opts o = {.base_path = "/", .image_html = hook};
	const char *md = "![图 *一*](a.jpg) ![b](b.jpg)\n";
	int calls = 0;

	o.image_payload = &calls;
	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK_INT(calls, 2);
	CHECK(strstr(r.html, "<!--A-->") != NULL);
	CHECK(strstr(r.html, "<img src=\"b.jpg\" alt=\"b\"") != NULL);
	gz_md_result_release(&r);
}

typedef struct {
	void *data;
	size_t len;
	atomic_int bad;
} threads_job;

static void threads_one(size_t i, int worker, void *payload)
{
	threads_job *job = payload;
	void *copy;
	size_t copy_len;
	char *err = NULL;
	int w, h, want = 20 + (int)(i % 13);

	(void)worker;
	if (gz_image_print(&copy, &copy_len, &w, &h, job->data, job->len, want, 100, 80, &err) !=
		    GZ_IMAGE_OK ||
	    w != want)
		atomic_fetch_add(&job->bad, 1);
	else
		free(copy);
	free(err);
}

/* Photos and print copies are made one per core. liborc frees the code
 * libvips generates for resampling without taking its own lock, and a
 * build crashed in it once (CI, under ASan). 2,000 print copies on four
 * threads: without pipeline_lock in image.c this crashed about one run in
 * two under ASan on a 2-core machine; it is a smoke test, not a proof. */
static void threads(void)
{
	threads_job job = {0};

	CHECK(gz_image_placeholder(&job.data, &job.len, 64, 48) == 0);
	atomic_init(&job.bad, 0);
	gz_parallel(2000, 4, threads_one, &job, NULL);
	CHECK_INT(atomic_load(&job.bad), 0);
	free(job.data);
}

void suite_image(void)
{
	gz_test_run("image/plan", plan);
	gz_test_run("image/process", process);
	gz_test_run("image/per_format", per_format);
	gz_test_run("image/strip_jpeg", strip_jpeg);
	gz_test_run("image/print_copy", print_copy);
	gz_test_run("image/markdown_hook", markdown_hook);
	gz_test_run("image/threads", threads);
}
