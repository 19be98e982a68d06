#include <stdlib.h>

#include "image.h"
#include "markdown.h"
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

void suite_image(void)
{
	gz_test_run("image/plan", plan);
	gz_test_run("image/process", process);
	gz_test_run("image/per_format", per_format);
	gz_test_run("image/markdown_hook", markdown_hook);
}
