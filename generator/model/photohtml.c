/*
 * photohtml.c: a picture's URLs and srcset (photos.h), and the <picture>
 * and <figure> that stand for the images in a page's body.
 */
#include "model/photos_private.h"

#include <stdlib.h>
#include <string.h>

/* The smallest width made in f (it stands in for the thumbnail when there
 * is none). */
static int smallest(const gz_picture *pic, gz_image_format f)
{
	size_t i;

	for (i = 0; i < pic->n; i++)
		if (gz_picture_has(pic, i, f))
			return pic->w[i];
	return 0;
}

void gz_picture_url(gz_buf *b, const gz_picture *pic, int width, gz_image_format f)
{
	if (!width && !pic->thumb)
		width = smallest(pic, f);
	if (width)
		gz_buf_printf(b, "/img/%s-%d.%s", pic->key, width, gz_photos_ext[f]);
	else
		gz_buf_printf(b, "/img/%s-thumb.%s", pic->key, gz_photos_ext[f]);
}

void gz_picture_srcset(gz_buf *b, const gz_picture *pic, gz_image_format f, const char *base_path)
{
	size_t i;
	bool first = true;

	for (i = 0; i < pic->n; i++) {
		if (!gz_picture_has(pic, i, f))
			continue;
		gz_buf_printf(b, "%s%simg/%s-%d.%s %dw", first ? "" : ", ", base_path, pic->key,
			      pic->w[i], gz_photos_ext[f], pic->w[i]);
		first = false;
	}
}

int gz_picture_fallback(const gz_picture *pic)
{
	gz_image_format f = pic->jpeg ? GZ_IMAGE_JPEG : GZ_IMAGE_WEBP;
	size_t i;
	int best = smallest(pic, f);

	for (i = 0; i < pic->n; i++)
		if (gz_picture_has(pic, i, f) && pic->w[i] <= 1000)
			best = pic->w[i];
	return best;
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

void gz_photos_write_images(gz_page *p, const char *base)
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
