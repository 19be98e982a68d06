/*
 * upload.c: a photo added to a page bundle: checked in a child, named
 * by the desk, committed with the page that shows it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/text.h"
#include "desk/child.h"
#include "desk/internal.h"
#include "media/image.h"

#define MAX_PHOTO (20u << 20)
#define MAX_PHOTO_SIDE 12000
#define MIN_PHOTO_SIDE 200

enum { PHOTO_SIZE = 2, PHOTO_DAMAGED = 3 };

/* In a child (libvips stays out of the server): the photo's size within
 * bounds, and every pixel decoded now, as the build will: a damaged file
 * is refused here, not at publishing. */
static int photo_child(gz_buf *out, void *payload)
{
	const gz_buf *file = payload;
	gz_image_opts o;
	gz_image_result r;
	char *err = NULL;
	int w = 0, h = 0;

	if (gz_image_size(file->ptr, file->len, &w, &h) < 0)
		return PHOTO_DAMAGED;
	if (w > MAX_PHOTO_SIDE || h > MAX_PHOTO_SIDE || w < MIN_PHOTO_SIDE || h < MIN_PHOTO_SIDE)
		return PHOTO_SIZE;
	memset(&o, 0, sizeof(o));
	o.widths[GZ_IMAGE_JPEG][0] = 64;
	o.nwidths[GZ_IMAGE_JPEG] = 1;
	o.quality = 50;
	o.max_pixels = (uint64_t)MAX_PHOTO_SIDE * MAX_PHOTO_SIDE;
	if (gz_image_process(&r, file->ptr, file->len, &o, &err) != GZ_IMAGE_OK) {
		gz_buf_puts(out, err ? err : "");
		free(err);
		return PHOTO_DAMAGED;
	}
	gz_image_result_release(&r);
	return 0;
}

/* The uploaded photo's kind ("jpg"), or NULL when it is refused: the
 * answer then says why. */
static const char *photo_check(desk_ctx *c)
{
	const char *name = c->rq->file_name, *kind;
	gz_buf text = GZ_BUF_INIT;
	int rc;

	/* the name as sent is only a hint: the photo is named by the desk */
	if (!name || !*name || gz_slug_is_hostile(name) || name[0] == '.') {
		desk_message(c, 400, _("Photo refused"), _("The file name is not allowed."));
		return NULL;
	}
	if (c->rq->file.len > MAX_PHOTO) {
		desk_message(c, 413, _("Photo refused"), _("The photo is larger than 20 MB."));
		return NULL;
	}
	kind = gz_image_kind(c->rq->file.ptr, c->rq->file.len);
	if (!kind || !strcmp(kind, "tif")) {
		desk_message(c, 415, _("Photo refused"), _("This is not a JPEG, PNG or WebP photo."));
		return NULL;
	}
	pthread_mutex_lock(&c->dk->build_lock);
	rc = gz_desk_child_run(&text, c->dk->git, c->dk->source, NULL, photo_child,
			       (void *)&c->rq->file);
	pthread_mutex_unlock(&c->dk->build_lock);
	gz_buf_release(&text);
	if (rc == PHOTO_SIZE) {
		desk_message(c, 415, _("Photo refused"),
			     _("A photo must be between 200 and 12000 pixels wide and high."));
		return NULL;
	}
	if (rc != 0) {
		desk_message(c, 415, _("Photo refused"), _("The photo is damaged or cut short."));
		return NULL;
	}
	return kind;
}

/* The photo's file name in the bundle: the sent name's ASCII slug, or a
 * made-up one, and never one of p's photos. */
static void photo_name(gz_buf *out, const gz_desk_page *p, const char *name, const char *kind)
{
	const char *dot = strrchr(name, '.');
	char *base_name = dot ? gz_strndup(name, (size_t)(dot - name)) : gz_strdup(name);
	gz_buf stem = GZ_BUF_INIT;
	char hex[9];
	size_t i;

	gz_slugify(&stem, base_name);
	free(base_name);
	for (i = 0; i < stem.len; i++)
		if ((unsigned char)stem.ptr[i] >= 0x80)
			break;
	if (!stem.len || i < stem.len) {
		gz_buf_clear(&stem);
		gz_desk_random_hex(hex, 4);
		gz_buf_printf(&stem, "photo-%s", hex);
	}
	gz_buf_printf(out, "%s.%s", stem.ptr, kind);
	for (i = 0; i < p->nphotos; i++)
		if (!strcmp(p->photos[i].src, out->ptr)) {
			gz_desk_random_hex(hex, 4);
			gz_buf_clear(out);
			gz_buf_printf(out, "%s-%s.%s", stem.ptr, hex, kind);
		}
	gz_buf_release(&stem);
}

void desk_do_upload(desk_ctx *c)
{
	desk *dk = c->dk;
	const char *branch = field(c, "b"), *base = field(c, "base"), *name = c->rq->file_name;
	const char *kind;
	char owner[33], *rp = NULL, *title, sha[GZ_SHA_SIZE];
	gz_buf page = GZ_BUF_INIT, photo = GZ_BUF_INIT, out = GZ_BUF_INIT, loc = GZ_BUF_INIT,
	       msg = GZ_BUF_INIT;
	gz_desk_page p;
	gz_gitw_file files[2];
	int rc;

	memset(&p, 0, sizeof(p));
	if (!desk_branch_parse(branch, owner, sizeof(owner), &page) || !desk_may_edit(c, branch) ||
	    !strstr(page.ptr, "/index.md")) {
		desk_message(c, 403, _("Not yours"), _("This page is another editor's."));
		goto cleanup;
	}
	if (!(kind = photo_check(c)))
		goto cleanup;
	if (!desk_page_at(c, base, page.ptr, &p, &rp))
		goto cleanup;
	if (p.nphotos >= GZ_DESK_MAX_PHOTOS) {
		desk_message(c, 400, _("Photo refused"), _("This page has as many photos as it can hold."));
		goto cleanup;
	}
	photo_name(&photo, &p, name, kind);
	p.photos[p.nphotos].src = gz_strdup(photo.ptr);
	p.photos[p.nphotos].caption = gz_strdup(field(c, "caption"));
	p.photos[p.nphotos].credit = gz_strdup(field(c, "credit"));
	p.photos[p.nphotos].alt = gz_strdup(field(c, "alt"));
	p.nphotos++;
	if (!desk_page_written(c, &out, &p))
		goto cleanup;
	{
		gz_buf full = GZ_BUF_INIT;
		char *slash;
		gz_buf_puts(&full, rp);
		slash = strrchr(full.ptr, '/');
		gz_buf_truncate(&full, (size_t)(slash - full.ptr + 1));
		gz_buf_puts(&full, photo.ptr);
		gz_buf_clear(&photo);
		gz_buf_puts(&photo, full.ptr);
		gz_buf_release(&full);
	}
	files[0].path = photo.ptr;
	files[0].data = c->rq->file.ptr;
	files[0].len = c->rq->file.len;
	files[1].path = rp;
	files[1].data = out.ptr;
	files[1].len = out.len;
	title = gz_desk_page_title(&p);
	gz_buf_printf(&msg, _("%s: photo %s added on the desk\n"), title, strrchr(photo.ptr, '/') + 1);
	free(title);
	rc = gz_gitw_commit(dk->git, sha, branch, base, files, 2, c->user.name, c->user.email, msg.ptr,
			    &c->failed);
	if (rc == GZ_GITW_STALE) {
		desk_stale_screen(c, page.ptr, branch, out.ptr);
		goto cleanup;
	}
	if (rc < 0) {
		desk_failed(c, 500, _("Not saved"));
		goto cleanup;
	}
	gz_buf_puts(&loc, "/desk/edit?p=");
	desk_url_arg(&loc, page.ptr);
	gz_buf_puts(&loc, "&b=");
	desk_url_arg(&loc, branch);
	c->rp->location = gz_buf_detach(&loc, NULL);
cleanup:
	gz_desk_page_release(&p);
	gz_buf_release(&page);
	gz_buf_release(&photo);
	gz_buf_release(&out);
	gz_buf_release(&loc);
	gz_buf_release(&msg);
	free(rp);
}

