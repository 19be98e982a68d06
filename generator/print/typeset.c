/*
 * Blocks into frames: heads, paragraphs, lists, quotes, code, boxes,
 * links as QR codes, photos and the floats that wait for the next frame.
 */
#include "print/internal.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "media/qr.h"

/* A photo with caption and credit, scaled to the frame's width and at most
 * max_frac of its height, never overflowing it. */
static int set_photo(printer *pr, const gz_photo *ph, const char *where, double max_frac,
		     bool may_float)
{
	print_image *pi;
	gz_pdf_style st;
	gz_pdf_text *cap;
	gz_buf m = GZ_BUF_INIT;
	double w, h, cw, capgap = 2 * MM;
	int rc = 0;

	if (!ph->file)
		return 0;
	pi = print_load_image(pr, ph->file, 0, 0, where, ph->line, ph->col);
	if (!pi)
		return 0;
	w = pr->f.w;
	h = w * pi->oh / pi->ow;
	if (h > pr->f.h * max_frac) {
		h = pr->f.h * max_frac;
		w = h * pi->ow / pi->oh;
	}
	if (ph->caption)
		print_escape(&m, ph->caption);
	if (ph->credit) {
		gz_buf_puts(&m, m.len ? "　<span foreground=\"#666666\">" : "<span foreground=\"#666666\">");
		gz_buf c = GZ_BUF_INIT;
		gz_photo_credit(&c, ph->credit);
		print_escape(&m, c.ptr);
		gz_buf_release(&c);
		gz_buf_puts(&m, "</span>");
	}
	print_style(&st, pr, false, print_floor(pr, pr->body_size * 0.8));
	st.align = GZ_PDF_LEFT;
	st.leading = 1.4;
	/* held up to a leaflet's floor, the caption is as large as the text
	 * or nearly: the heads' face, not their weight, sets it apart */
	if (pr->body_size * 0.8 < pr->least_size)
		st.family = pr->head_font;
	/* the caption under the photo, as wide as it (a narrow portrait's at
	 * least half the column, centred under it) */
	cw = w > pr->f.w / 2 ? w : pr->f.w / 2;
	cap = print_text(pr, m.ptr, &st, cw);
	if (may_float && !pr->fresh && pr->nfloats < sizeof(pr->floats) / sizeof(pr->floats[0]) &&
	    pr->y + 3 * MM + h + capgap + gz_pdf_text_height(cap) > pr->f.y + pr->f.h + 0.01) {
		pr->floats[pr->nfloats].ph = ph;
		pr->floats[pr->nfloats].where = where;
		pr->floats[pr->nfloats].frac = max_frac;
		pr->nfloats++;
		goto cleanup;
	}
	if (!pr->fresh)
		pr->y += 3 * MM;
	if (print_need(pr, h + capgap + gz_pdf_text_height(cap)) < 0) {
		rc = -1;
		goto cleanup;
	}
	pi = print_load_image(pr, ph->file, w, h, where, ph->line, ph->col);
	if (pi && pi->im)
		gz_pdf_image_draw(pr->pdf, pi->im, pr->f.x + (pr->f.w - w) / 2, pr->y, w, h, false);
	pr->y += h + capgap;
	pr->fresh = false;
	gz_pdf_text_draw(pr->pdf, cap, pr->f.x + (pr->f.w - cw) / 2, pr->y, 0, gz_pdf_text_lines(cap));
	pr->y += gz_pdf_text_height(cap) + 2 * MM;
cleanup:
	gz_pdf_text_free(cap);
	gz_buf_release(&m);
	return rc;
}

/* A photo where it stands in the text, or, when the frame has no room
 * left for it, at the top of the next (the text fills this one first). */
int print_place_photo(printer *pr, const gz_photo *ph, const char *where, double max_frac)
{
	return set_photo(pr, ph, where, max_frac, true);
}

/* The floats waiting, in their order, at the top of a fresh frame; or, at
 * the end of a story, where its text ends. */
int print_set_floats(printer *pr)
{
	size_t i, n = pr->nfloats;
	int rc = 0;

	pr->in_floats = true;
	pr->nfloats = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = set_photo(pr, pr->floats[i].ph, pr->floats[i].where, pr->floats[i].frac, false);
	pr->in_floats = false;
	return rc;
}

static int place_list(printer *pr, const blocks *bs, const gz_page *p, bool compact,
		      bool with_photos);

/* A link (a video's address): a QR code a phone can scan, the label and
 * the address beside it. */
static int place_link(printer *pr, const block *b)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	gz_buf m = GZ_BUF_INIT;
	gz_qr q;
	double side = 18 * MM, gap = 3 * MM, h;
	bool code = gz_qr_encode(&q, b->url) == 0;
	int rc;

	if (b->markup && *b->markup)
		gz_buf_printf(&m, "%s\n", b->markup);
	print_style(&st, pr, false, print_floor(pr, pr->body_size * 0.9));
	/* the address a size under its label ("small", a fifth less), but
	 * not under a leaflet's floor: a reader types it from the paper */
	if (st.size / 1.2 < pr->least_size)
		gz_buf_printf(&m, "<span size=\"%d\">", (int)(pr->least_size * 1024 + 0.5));
	else
		gz_buf_puts(&m, "<span size=\"small\">");
	print_escape(&m, b->url);
	gz_buf_puts(&m, "</span>");
	st.align = GZ_PDF_LEFT;
	t = print_text(pr, m.ptr, &st, pr->f.w - (code ? side + gap : 0));
	h = gz_pdf_text_height(t);
	if (code && h < side)
		h = side;
	if (!pr->fresh)
		pr->y += 2 * MM;
	rc = print_need(pr, h);
	if (rc == 0) {
		if (code)
			gz_pdf_qr(pr->pdf, q.dark, q.size, pr->f.x, pr->y, side);
		gz_pdf_text_draw(pr->pdf, t, pr->f.x + (code ? side + gap : 0), pr->y, 0,
				 gz_pdf_text_lines(t));
		pr->y += h + 2 * MM;
		pr->fresh = false;
	}
	if (code)
		gz_qr_release(&q);
	gz_pdf_text_free(t);
	gz_buf_release(&m);
	return rc;
}

/* The height the text blocks of a box take at width w; -1 when it holds
 * something else (a photo, a table), which is not boxed. */
static double box_height(printer *pr, const block *b, size_t n, double w)
{
	gz_pdf_style st;
	double h = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		gz_pdf_text *t;
		if (b[i].type != B_PARA && b[i].type != B_ITEM && b[i].type != B_QUOTE &&
		    b[i].type != B_ATTRIB && b[i].type != B_HEAD)
			return -1;
		print_style(&st, pr, b[i].type == B_HEAD, print_floor(pr, pr->body_size * 0.95));
		t = print_text(pr, b[i].markup, &st, w);
		/* as flow_text advances: to the last line's foot */
		if (gz_pdf_text_lines(t) > 0)
			h += gz_pdf_text_bottom(t, gz_pdf_text_lines(t) - 1) - gz_pdf_text_top(t, 0);
		h += (i ? 1 : 0) * MM;
		gz_pdf_text_free(t);
	}
	return h;
}

/* A box (a policy's key points): its title as a head on a tinted ground
 * with a rule down its left edge, the blocks inside it inset. One too
 * tall for a frame, or holding a photo or a table, is set between rules. */
static int place_box(printer *pr, const blocks *bs, size_t from, size_t to, const gz_page *p,
		     bool compact)
{
	const block *box = &bs->b[from];
	blocks inner = {bs->b + from + 1, to - from - 1, 0};
	gz_pdf_style st;
	gz_pdf_text *title;
	double pad = 4 * MM, w = pr->f.w - 2 * pad, body, h;
	frame saved;
	int rc;

	print_style(&st, pr, true, pr->body_size * 1.05);
	title = print_text(pr, box->markup && *box->markup ? box->markup : "要点", &st, w);
	body = box_height(pr, inner.b, inner.n, w);
	h = gz_pdf_text_height(title) + 2 * MM + body + 2 * pad;
	if (!pr->fresh)
		pr->y += 4 * MM;
	if (body < 0 || h > pr->f.h) {
		/* between rules, flowing as the text around it */
		gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 1.2, 0.3);
		pr->y += 2 * MM;
		rc = print_flow_text(pr, title, 0, 0);
		if (rc == 0)
			rc = place_list(pr, &inner, p, compact, false);
		if (rc == 0) {
			pr->y += 2 * MM;
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 1.2, 0.3);
			pr->y += 3 * MM;
		}
		gz_pdf_text_free(title);
		return rc;
	}
	if (print_need(pr, h) < 0) {
		gz_pdf_text_free(title);
		return -1;
	}
	gz_pdf_rect(pr->pdf, pr->f.x, pr->y, pr->f.w, h, 0.95, 0.93, 0.88);
	gz_pdf_rect(pr->pdf, pr->f.x, pr->y, 1.2 * MM, h, 0.62, 0.16, 0.13);
	gz_pdf_text_draw(pr->pdf, title, pr->f.x + pad, pr->y + pad, 0, gz_pdf_text_lines(title));
	/* the inside is set in a frame inset by the padding: it fits whole */
	saved = pr->f;
	pr->f.x += pad;
	pr->f.w -= 2 * pad;
	pr->y += pad + gz_pdf_text_height(title) + 2 * MM;
	gz_pdf_text_free(title);
	pr->fresh = true;
	{
		double size = pr->body_size;
		pr->body_size = print_floor(pr, size * 0.95);
		rc = place_list(pr, &inner, p, true, false);
		pr->body_size = size;
	}
	pr->f = saved;
	pr->y = pr->y > saved.y ? pr->y : saved.y;
	pr->y += pad + 3 * MM;
	pr->fresh = false;
	return rc;
}

/* Whether markup's text ends with a colon (a lead-in to what follows). */
static bool ends_with_colon(const char *m)
{
	size_t n = print_text_end(m);

	return (n >= 3 && !memcmp(m + n - 3, "：", 3)) || (n >= 1 && m[n - 1] == ':');
}

/* The height of what a heading or a lead-in must not be parted from: the
 * first two lines of b, a table's header and first two rows, a box's
 * title and first lines. (A photo floats: what follows it is the text.) */
static double block_lead(printer *pr, const block *b, double size)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	double h;
	int n;

	if (b->type == B_TABLE)
		return print_table_lead(pr, b, size);
	if (b->type == B_BOX || b->type == B_LINK)
		return 24 * MM;
	if (!b->markup || b->type == B_IMAGE)
		return 12 * MM;
	print_style(&st, pr, b->type == B_HEAD, size);
	t = print_text(pr, b->markup, &st, pr->f.w);
	/* the lines print_flow_text puts in a frame at the least: two, or all
	 * three of a three-line paragraph (two and one would leave a widow) */
	n = gz_pdf_text_lines(t);
	h = gz_pdf_text_bottom(t, n == 3 ? 2 : n > 1 ? 1 : 0) + 2 * MM;
	gz_pdf_text_free(t);
	return h;
}

static double rest_of_list(printer *pr, const blocks *bs, size_t i, double size);

/* Whether paragraph b takes one line: a heading keeps with the next block
 * too, or it would stand at a page's foot with a single line under it. */
static bool one_line(printer *pr, const block *b, double size)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	bool one;

	print_style(&st, pr, false, size);
	t = print_text(pr, b->markup, &st, pr->f.w);
	one = gz_pdf_text_lines(t) == 1;
	gz_pdf_text_free(t);
	return one;
}

/* What must not be parted from the block before bs->b[i]: block_lead, or
 * for a short list (place_item keeps one whole) the whole list. */
static double lead_of(printer *pr, const blocks *bs, size_t i, double size)
{
	double whole;

	if (bs->b[i].type == B_ITEM && i + 1 < bs->n && bs->b[i + 1].type == B_ITEM &&
	    (whole = rest_of_list(pr, bs, i, size)) <= pr->f.h / 3)
		return whole;
	return block_lead(pr, &bs->b[i], size);
}

/* block_lead of bs->b[i], and when that is a lead-in ("答：" before a
 * list), of what it leads in to as well: a heading keeps with both. */
static double chain_lead(printer *pr, const blocks *bs, size_t i, double size)
{
	const block *b = &bs->b[i];
	double h = block_lead(pr, b, size);

	if (b->type == B_PARA && i + 1 < bs->n &&
	    (ends_with_colon(b->markup) || one_line(pr, b, size)) && bs->b[i + 1].type != B_HEAD &&
	    bs->b[i + 1].type != B_IMAGE)
		h += lead_of(pr, bs, i + 1, size);
	return h;
}

/* Whether the story's body places file itself. */
bool print_body_places(const blocks *bs, const char *file)
{
	size_t i;

	for (i = 0; i < bs->n; i++)
		if (bs->b[i].type == B_IMAGE && bs->b[i].photo->file && !strcmp(bs->b[i].photo->file, file))
			return true;
	return false;
}

/* Whether a front matter photo is printed apart from the body: not one the
 * body places itself, the story's cover (its opener) or the brochure's
 * cover. A photo is printed once. */
static bool photo_apart(const printer *pr, const blocks *bs, const gz_page *p, const gz_photo *ph)
{
	return ph->file && !print_body_places(bs, ph->file) &&
	       !(pr->cover_file && !strcmp(pr->cover_file, ph->file)) &&
	       !(p->cover && p->cover->file && !strcmp(p->cover->file, ph->file));
}

/* A heading, kept with the heading and two lines of what follows it. */
static int place_head(printer *pr, const blocks *bs, size_t i, double size, bool compact)
{
	const block *b = &bs->b[i];
	double hs = b->level <= 2 ? size * 1.2 : size * 1.05;
	double keep;
	gz_pdf_style st;
	gz_pdf_text *t;
	int rc;

	print_style(&st, pr, true, hs);
	t = print_head_text(pr, b->markup, &st, pr->f.w);
	/* keep with the next block: the heading and two of its lines */
	keep = gz_pdf_text_height(t) + (compact ? 2 : 4) * MM + 3 * MM;
	if (i + 1 < bs->n) {
		/* a photo floats: keep with what follows it */
		size_t nx = i + 1;
		while (nx + 1 < bs->n && bs->b[nx].type == B_IMAGE)
			nx++;
		keep += chain_lead(pr, bs, nx, size);
	}
	if (!pr->fresh)
		pr->y += (compact ? 2 : 4) * MM;
	if (print_need(pr, keep) < 0)
		rc = -1;
	else
		rc = print_flow_text(pr, t, 0, 0);
	pr->y += 1 * MM;
	gz_pdf_text_free(t);
	return rc;
}

/* The height of a speaker's attribution (B_ATTRIB) as place_block sets it. */
static double attrib_height(printer *pr, const block *b, double size)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	double h;

	print_style(&st, pr, false, print_floor(pr, size * 0.9));
	t = print_text(pr, b->markup, &st, pr->f.w - 6 * MM);
	h = gz_pdf_text_height(t) + 2 * MM;
	gz_pdf_text_free(t);
	return h;
}

/* A paragraph, or a quote with a rule beside it. */
static int place_para(printer *pr, const blocks *bs, size_t i, double size, bool compact)
{
	const block *b = &bs->b[i];
	bool q = b->type == B_QUOTE;
	double ind = q ? 6 * MM : 0;
	gz_pdf_style st;
	gz_pdf_text *t;
	int rc = 0;

	print_style(&st, pr, false, q ? print_floor(pr, size * 0.92) : size);
	if (!q && !compact)
		st.indent = 2 * size; /* two characters, as Chinese paragraphs open */
	t = print_text(pr, b->markup, &st, pr->f.w - 2 * ind);
	if (q) {
		double y0, h = (pr->fresh ? 0 : 1.5 * MM) + gz_pdf_text_height(t);
		int pg;
		/* a quote that fits here with its speaker's line goes on with it;
		 * one that fits here only without it moves on: the speaker never
		 * stands alone on the next page, after its photos */
		if (i + 1 < bs->n && bs->b[i + 1].type == B_ATTRIB &&
		    pr->y + h <= pr->f.y + pr->f.h + 0.01 &&
		    print_need(pr, h + attrib_height(pr, &bs->b[i + 1], size)) < 0)
			rc = -1;
		y0 = pr->y + (pr->fresh ? 0 : 1.5 * MM);
		pg = gz_pdf_page_count(pr->pdf);
		if (rc == 0)
			rc = print_flow_text(pr, t, ind, 1.5 * MM);
		if (gz_pdf_page_count(pr->pdf) == pg)
			gz_pdf_rule(pr->pdf, pr->f.x + 2 * MM, y0, pr->f.x + 2 * MM, pr->y, 1.5, 0.6);
	} else {
		double before = compact ? 1 * MM : 1.2 * MM;
		/* "答：" ahead of a list stays with its first lines */
		if (gz_pdf_text_lines(t) <= 2 && ends_with_colon(b->markup) && i + 1 < bs->n &&
		    print_need(pr, (pr->fresh ? 0 : before) + gz_pdf_text_height(t) +
					   lead_of(pr, bs, i + 1, size)) < 0)
			rc = -1;
		if (rc == 0)
			rc = print_flow_text(pr, t, 0, before);
	}
	gz_pdf_text_free(t);
	return rc;
}

/* A list item's text as place_item sets it, its marker hanging in the
 * indent; *mw: the marker's width, *ind: the indent of its text. */
static gz_pdf_text *item_text(printer *pr, const block *b, double size, double *mw, double *ind)
{
	gz_buf m = GZ_BUF_INIT;
	gz_pdf_style st;
	gz_pdf_text *t;

	print_style(&st, pr, false, size);
	st.align = GZ_PDF_LEFT;
	/* hanging: the marker and an en space sit in the indent, as wide as
	 * they are ("•", "10."), so wrapped lines align with the text */
	gz_buf_printf(&m, "%s\xe2\x80\x82", b->marker ? b->marker : "");
	t = print_text(pr, m.ptr, &st, pr->f.w);
	*mw = gz_pdf_text_width(t);
	gz_pdf_text_free(t);
	*ind = (b->level > 0 ? b->level : 1) * 5 * MM;
	/* a marker wider than the 5 mm indent ("1." at 14 pt, a full-width
	 * "•") would hang into the margin, or a leaflet panel's padding */
	if (*mw > 5 * MM)
		*ind += *mw - 5 * MM;
	st.indent = -*mw;
	gz_buf_puts(&m, b->markup);
	t = print_text(pr, m.ptr, &st, pr->f.w - *ind + *mw);
	gz_buf_release(&m);
	return t;
}

/* The height of the items from bs->b[i] to the list's end, as set. */
static double rest_of_list(printer *pr, const blocks *bs, size_t i, double size)
{
	double h = 0, mw, ind;

	for (; i < bs->n && bs->b[i].type == B_ITEM; i++) {
		gz_pdf_text *t = item_text(pr, &bs->b[i], size, &mw, &ind);
		h += 1 * MM + gz_pdf_text_height(t);
		gz_pdf_text_free(t);
	}
	return h;
}

/* A list item, its marker hanging in the indent. */
static int place_item(printer *pr, const blocks *bs, size_t i, double size)
{
	const block *b = &bs->b[i];
	double ind, mw, whole;
	bool first = i == 0 || bs->b[i - 1].type != B_ITEM;
	bool second = !first && (i < 2 || bs->b[i - 2].type != B_ITEM);
	gz_pdf_text *t = item_text(pr, b, size, &mw, &ind);
	int rc = 0;

	/* a short list stays whole (a third of the frame or less: "答：" and
	 * its three places); a longer one does not split after its first
	 * item, nor leave its last alone: the first two items, or the last
	 * two, together, and never moving the second from the first */
	if (first && i + 1 < bs->n && bs->b[i + 1].type == B_ITEM &&
	    (whole = rest_of_list(pr, bs, i, size)) <= pr->f.h / 3)
		rc = print_need(pr, whole - (pr->fresh ? 1 * MM : 0));
	else if (first && i + 1 < bs->n && bs->b[i + 1].type == B_ITEM)
		rc = print_need(pr, (pr->fresh ? 0 : 1 * MM) + gz_pdf_text_height(t) +
					    block_lead(pr, &bs->b[i + 1], size));
	else if (!first && !second && i + 1 < bs->n && bs->b[i + 1].type == B_ITEM &&
		 (i + 2 >= bs->n || bs->b[i + 2].type != B_ITEM))
		rc = print_need(pr, (pr->fresh ? 0 : 1 * MM) + gz_pdf_text_height(t) +
					    block_lead(pr, &bs->b[i + 1], size));
	if (rc == 0)
		rc = print_flow_text(pr, t, ind - mw, 1 * MM);
	gz_pdf_text_free(t);
	return rc;
}

/* Text set apart at size frac of the body, inset by dx: a speaker's
 * attribution (to the right), code. */
static int place_aside(printer *pr, const block *b, double size, gz_pdf_align al, double dx,
		       double before)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	int rc;

	print_style(&st, pr, false, size);
	st.align = al;
	t = print_text(pr, b->markup, &st, pr->f.w - dx);
	rc = print_flow_text(pr, t, dx, before);
	gz_pdf_text_free(t);
	return rc;
}

/* The block at *i into the frames; a box takes the blocks up to its end,
 * and *i moves to that. */
static int place_block(printer *pr, const blocks *bs, size_t *i, const gz_page *p, bool compact,
		       double size)
{
	const block *b = &bs->b[*i];
	int rc = 0;

	switch (b->type) {
	case B_HEAD:
		return place_head(pr, bs, *i, size, compact);
	case B_PARA:
	case B_QUOTE:
		return place_para(pr, bs, *i, size, compact);
	case B_ITEM:
		return place_item(pr, bs, *i, size);
	case B_TABLE:
		return print_place_table(pr, b);
	case B_IMAGE:
		return print_place_photo(pr, b->photo, p ? p->path : pr->path, compact ? 0.35 : 0.45);
	case B_RULE:
		if (!pr->fresh) {
			pr->y += 2 * MM;
			gz_pdf_rule(pr->pdf, pr->f.x + pr->f.w / 3, pr->y, pr->f.x + pr->f.w * 2 / 3,
				    pr->y, 0.5, 0.5);
			pr->y += 2 * MM;
		}
		return 0;
	case B_ATTRIB:
		/* the speaker on a line of its own, set to the right */
		rc = place_aside(pr, b, print_floor(pr, size * 0.9), GZ_PDF_RIGHT, 6 * MM, 1 * MM);
		pr->y += 1 * MM;
		return rc;
	case B_CODE:
		return place_aside(pr, b, print_floor(pr, size * 0.85), GZ_PDF_LEFT, 4 * MM, 1.5 * MM);
	case B_LINK:
		return place_link(pr, b);
	case B_NOTE:
		return print_place_note(pr, bs, *i, size);
	case B_BOX: {
		size_t end = *i + 1;
		int depth = 1;
		for (; end < bs->n; end++) {
			depth += bs->b[end].type == B_BOX ? 1 : bs->b[end].type == B_BOX_END ? -1 : 0;
			if (!depth)
				break;
		}
		rc = place_box(pr, bs, *i, end, p, compact);
		*i = end < bs->n ? end : bs->n - 1;
		return rc;
	}
	case B_BOX_END:
		break;
	}
	return 0;
}

/* Body blocks into the frames; with_photos, the photos of the front
 * matter printed apart go after the paragraphs they are nearest to (one
 * every few paragraphs). */
static int place_list(printer *pr, const blocks *bs, const gz_page *p, bool compact,
		      bool with_photos)
{
	size_t i, k, para = 0, paras = 0, next_photo = 0, nphotos = 0;
	double size = pr->body_size;
	const gz_photo **photos = NULL;
	size_t every;
	int result = 0;

	for (k = 0; with_photos && p && k < p->nphotos; k++) {
		const gz_photo *ph = &p->photos[k];
		if (!photo_apart(pr, bs, p, ph))
			continue;
		if (!photos)
			photos = gz_calloc(p->nphotos, sizeof(*photos));
		photos[nphotos++] = ph;
	}
	/* one photo every few paragraphs, counted as the loop below counts
	 * them: counted in blocks (items, headings, photos too), the photos
	 * came after the last paragraph, and floated to a page of their own */
	for (k = 0; k < bs->n; k++)
		paras += bs->b[k].type == B_PARA || bs->b[k].type == B_QUOTE;
	every = nphotos ? (paras / (nphotos + 1) > 1 ? paras / (nphotos + 1) : 1) : 0;
	for (i = 0; i < bs->n; i++) {
		btype type = bs->b[i].type;
		/* the story's photos before its notes, which end it */
		for (; type == B_NOTE && next_photo < nphotos; next_photo++)
			if (print_place_photo(pr, photos[next_photo], p->path, 0.45) < 0)
				result = -1;
		if (result == 0 && type == B_NOTE && with_photos && pr->nfloats)
			result = print_set_floats(pr);
		if (result < 0 || place_block(pr, bs, &i, p, compact, size) < 0) {
			result = -1;
			break;
		}
		if (type == B_PARA || type == B_QUOTE)
			para++;
		if (type == B_PARA && nphotos && next_photo < nphotos && para >= (next_photo + 1) * every) {
			if (print_place_photo(pr, photos[next_photo], p->path, 0.45) < 0) {
				result = -1;
				break;
			}
			next_photo++;
		}
	}
	for (; result == 0 && next_photo < nphotos; next_photo++)
		if (print_place_photo(pr, photos[next_photo], p->path, 0.45) < 0)
			result = -1;
	/* a story's photos are printed with it */
	if (result == 0 && with_photos && pr->nfloats)
		result = print_set_floats(pr);
	free(photos);
	return result;
}

int print_place_blocks(printer *pr, const blocks *bs, const gz_page *p, bool compact)
{
	return place_list(pr, bs, p, compact, true);
}

/* The spacing of place_head and place_para in compact mode: a block opens
 * a frame with nothing before it, a heading has 1 mm after it. */
double print_blocks_height(printer *pr, const blocks *bs, double size)
{
	double h = 0;
	size_t i;

	for (i = 0; i < bs->n; i++) {
		const block *b = &bs->b[i];
		bool head = b->type == B_HEAD;
		gz_pdf_style st;
		gz_pdf_text *t;

		assert(head || b->type == B_PARA);
		print_style(&st, pr, head, !head ? size : b->level <= 2 ? size * 1.2 : size * 1.05);
		t = head ? print_head_text(pr, b->markup, &st, pr->f.w)
			 : print_text(pr, b->markup, &st, pr->f.w);
		h += (i ? head ? 2 * MM : 1 * MM : 0) + gz_pdf_text_height(t) + (head ? 1 * MM : 0);
		gz_pdf_text_free(t);
	}
	return h;
}
