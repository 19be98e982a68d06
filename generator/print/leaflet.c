/*
 * Tri-fold leaflets, with the body size that fills their panels.
 */
#include "print/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/i18n.h"
#include "load/pagefm.h"

/* A new page for one side of a leaflet, drawn by the trifold layout with
 * side ("outside", "inside") and its three panels. */
static int trifold_side(printer *pr, gz_print_canvas *c, const gz_value *doc, const gz_page *p,
			const char *side, const gz_print_panel *panels, double pad)
{
	gz_pdf_page(pr->pdf);
	print_canvas(pr, c, doc, p);
	c->side = side;
	c->panels = panels;
	c->npanels = 3;
	c->top = c->bottom = c->inner = c->outer = pad;
	return gz_printlua_draw(pr->lua, "trifold", c, pr->d);
}

/*
 * A4 landscape, folded in three. The panel that folds in is 3 mm narrower
 * so it clears the fold. Outside (page 1), left to right: the inner flap,
 * the back (contact, QR code), the cover. Inside (page 2): three panels the
 * Q&A flows across; the inner flap's back is the right-hand inside panel.
 */
static int leaflet_next(printer *pr)
{
	frame *f;

	if (pr->panel >= pr->npanels)
		return -1;
	f = &pr->panels[pr->panel++];
	pr->f = *f;
	return 0;
}

/* Flow bs into the frames; -1 if it does not fit. */
static int flow_panels(printer *pr, frame *frames, size_t n, const blocks *bs, const gz_page *p)
{
	pr->panels = frames;
	pr->npanels = n;
	pr->panel = 0;
	pr->nfloats = 0;
	pr->next = leaflet_next;
	print_next_frame(pr);
	return print_place_blocks(pr, bs, p, true);
}

/* Whether bs fits the frames at the current size (nothing is drawn). */
static bool fits(printer *pr, frame *fr, size_t n, const blocks *bs, const gz_page *p)
{
	gz_pdf *real = pr->pdf;
	bool ok = false;

	if (print_new_doc(pr, NULL, NULL, NULL, true) == 0) {
		gz_pdf_page(pr->pdf);
		ok = flow_panels(pr, fr, n, bs, p) == 0;
		gz_pdf_free(pr->pdf);
	}
	pr->panels = NULL;
	pr->npanels = 0;
	pr->pdf = real;
	return ok;
}

/* The inside frames, each frac of the panel's text height: the least that
 * holds the text, so it is spread evenly across the three panels. */
static double balance(printer *pr, const blocks *bs, const gz_page *p, const frame *base)
{
	static const double fracs[] = {0.3,  0.35, 0.4,  0.45, 0.5,  0.55, 0.6,  0.65, 0.7,
				       0.75, 0.8,  0.85, 0.88, 0.91, 0.94, 0.97};
	size_t i, k;

	for (i = 0; i < sizeof(fracs) / sizeof(fracs[0]); i++) {
		frame fr[3];
		for (k = 0; k < 3; k++) {
			fr[k] = base[k];
			fr[k].h *= fracs[i];
		}
		if (fits(pr, fr, 3, bs, p))
			return fracs[i];
	}
	return 1.0;
}

/* What the tri-fold layout sees: the front matter (with its places) and
 * the page's title (whole, and as the cover panel sets it), summary,
 * author, date, cover photo and web address. */
static gz_value *leaflet_doc(const printer *pr, const gz_page *p)
{
	gz_value *fm = gz_page_fm(p);
	gz_value *doc = fm && fm->type == GZ_MAP ? print_value_clone(fm) : print_value_map();
	const char *base = pr->site->cfg.base_path;
	gz_buf url = GZ_BUF_INIT;
	char ymd[GZ_DATE_ZH_SIZE];
	char *cover = print_title_marked(p);

	print_value_put_title(doc, p->title, cover);
	free(cover);
	print_value_put_str(doc, "summary", p->summary);
	print_value_put_str(doc, "author", p->author);
	if (p->has_date) {
		gz_date_zh(ymd, &p->date);
		print_value_put_str(doc, "date", ymd);
	}
	if (p->cover && p->cover->file)
		print_value_put_str(doc, "cover", p->cover->file);
	gz_buf_puts(&url, pr->site->cfg.base_url);
	if (url.len && url.ptr[url.len - 1] == '/')
		gz_buf_truncate(&url, url.len - 1);
	gz_buf_puts(&url, p->url + (strncmp(p->url, base, strlen(base)) ? 0 : strlen(base) - 1));
	print_value_put_str(doc, "url", url.ptr);
	gz_buf_release(&url);
	return doc;
}

/* How far the text runs past the three inside panels at the current size:
 * flowed into them and a fourth, endless one, the height it takes there. */
static double overflow(printer *pr, const blocks *bs, const gz_page *p, const frame *in)
{
	gz_pdf *real = pr->pdf;
	frame fr[4];
	double over = 0;
	int k;

	if (print_new_doc(pr, NULL, NULL, NULL, true) < 0)
		return 0;
	gz_pdf_page(pr->pdf);
	for (k = 0; k < 3; k++)
		fr[k] = in[k];
	fr[3] = (frame){in[0].x, in[0].y, in[0].w, 1e6};
	if (flow_panels(pr, fr, 4, bs, p) == 0 && pr->panel == 4)
		over = pr->y - fr[3].y;
	pr->panels = NULL;
	pr->npanels = 0;
	gz_pdf_free(pr->pdf);
	pr->pdf = real;
	return over;
}

/*
 * The body size of a leaflet: the largest from print.yml's leaflet body_max
 * down to body (the least an elderly reader should be given) in half
 * points at which the flap's text and the inside text both fit, so a short
 * leaflet fills its panels with large type. Text is never set smaller than
 * body: if it does not fit then, the leaflet is an error that says how
 * much to cut.
 */
static int leaflet_size(printer *pr, const gz_page *p, frame *flap, const blocks *flap_b,
			const blocks *in_b, frame *in, double min, double max)
{
	double size;

	for (size = max; size >= min - 0.01; size -= 0.5) {
		pr->body_size = size;
		if ((!flap_b->n || fits(pr, flap, 1, flap_b, p)) && fits(pr, in, 3, in_b, p))
			return 0;
	}
	pr->body_size = min;
	if (flap_b->n && !fits(pr, flap, 1, flap_b, p)) {
		gz_diag_error(pr->d, p->path, 1, 1,
			      _("the opening section (before the first '##' heading) does not fit the "
			      "leaflet's inner flap at %.4g pt; shorten it"),
			      min);
		return -1;
	}
	{
		double line = min * pr->leading, over = overflow(pr, in_b, p, in);
		int lines = (int)(over / line) + 1;
		int per_line = (int)(in[0].w / min);
		gz_diag_error(pr->d, p->path, 1, 1,
			      _("the leaflet needs %d more lines than its three inside panels hold at "
			      "%.4g pt; cut about %d characters"),
			      lines, min, lines * per_line);
	}
	return -1;
}

int print_leaflet(printer *pr, const gz_page *p, char **data, size_t *len)
{
	static const char *const klead[] = {"leaflet", "leading", NULL};
	static const char *const kpad[] = {"leaflet", "padding", NULL};
	static const char *const kbody[] = {"leaflet", "body", NULL};
	static const char *const kmax[] = {"leaflet", "body_max", NULL};
	double flap = 97 * MM, full = 100 * MM, H = 210 * MM, pad, min, max;
	blocks bs = {0};
	gz_value *doc = NULL;
	gz_print_canvas c;
	gz_print_panel out[3], inside[3];
	char ymd[16] = "", *err = NULL;
	int rc = -1;

	pr->W = 297 * MM;
	pr->H = H;
	pr->leading = print_cfg_num(pr, klead, 1.6, 1, 3);
	pad = print_cfg_num(pr, kpad, 9, 2, 30) * MM;
	min = print_cfg_num(pr, kbody, 11, 4, 30);
	max = print_cfg_num(pr, kmax, 14, 4, 40);
	if (max < min)
		max = min;
	pr->least_size = min;
	if (pr->d->errors)
		goto cleanup;
	if (p->has_date)
		gz_date_ymd(ymd, &p->date);
	if (print_new_doc(pr, p->title, ymd[0] ? ymd : NULL, p->author, false) < 0 ||
	    print_check_fonts(pr, p->path, NULL) < 0)
		goto cleanup;
	doc = leaflet_doc(pr, p);
	/* outside, left to right: the inner flap, the back, the cover */
	out[0] = (gz_print_panel){"flap", 0, 0, flap, H};
	out[1] = (gz_print_panel){"back", flap, 0, full, H};
	out[2] = (gz_print_panel){"cover", flap + full, 0, full, H};
	inside[0] = (gz_print_panel){"left", 0, 0, full, H};
	inside[1] = (gz_print_panel){"middle", full, 0, full, H};
	inside[2] = (gz_print_panel){"right", 2 * full, 0, flap, H};
	/* the cover panel shows the cover photo: not again inside */
	pr->cover_file = p->cover ? p->cover->file : NULL;

	/* the opening section on the inner flap, the Q&A across the inside */
	print_doc_blocks(&bs, p);
	{
		size_t split = 0, k;
		blocks flap_b = {0}, in_b = {0};
		frame f1 = {pad, pad, flap - 2 * pad, H - 2 * pad}, in[3];
		double frac;
		for (k = 1; k < bs.n && !split; k++)
			if (bs.b[k].type == B_HEAD)
				split = k;
		flap_b.b = bs.b;
		flap_b.n = split;
		in_b.b = bs.b + split;
		in_b.n = bs.n - split;
		for (k = 0; k < 3; k++)
			in[k] = (frame){inside[k].x + pad, pad, inside[k].w - 2 * pad, H - 2 * pad};
		if (leaflet_size(pr, p, &f1, &flap_b, &in_b, in, min, max) < 0)
			goto cleanup;
		if (trifold_side(pr, &c, doc, p, "outside", out, pad) < 0)
			goto cleanup;
		{
			double folds[2] = {flap, flap + full};
			gz_pdf_folds(pr->pdf, folds, 2);
		}
		/* the opening section is the flap's alone, the first text read
		 * when the leaflet opens: as large as it fits, up to a quarter
		 * over the inside's (at the inside's size it filled half the
		 * flap, the lower half left empty) */
		if (flap_b.n) {
			double body = pr->body_size, s;
			for (s = body * 1.25; s > body; s -= 0.5) {
				pr->body_size = s;
				if (fits(pr, &f1, 1, &flap_b, p))
					break;
			}
			if (s <= body)
				pr->body_size = body;
			rc = flow_panels(pr, &f1, 1, &flap_b, p);
			pr->body_size = body;
			if (rc < 0)
				goto cleanup; /* measured above: cannot happen */
			rc = -1;
		}
		frac = balance(pr, &in_b, p, in);
		if (frac < 0.5)
			gz_diag_warn(pr->d, p->path, 1, 1,
				     _("the leaflet's text fills less than half of its inside panels even "
				     "at %.4g pt; add to it, or print it as a smaller leaflet"),
				     pr->body_size);
		if (trifold_side(pr, &c, doc, p, "inside", inside, pad) < 0)
			goto cleanup;
		{
			/* the same folds seen from the other side */
			double folds[2] = {full, 2 * full};
			gz_pdf_folds(pr->pdf, folds, 2);
		}
		for (k = 0; k < 3 && frac < 1.0; k++)
			in[k].h *= frac;
		if (flow_panels(pr, in, 3, &in_b, p) < 0) {
			gz_diag_error(pr->d, p->path, 1, 1,
				      _("the text does not fit the leaflet's three inside panels; shorten it"));
			goto cleanup;
		}
	}
	if (pr->d->errors)
		goto cleanup;
	if (gz_pdf_finish(pr->pdf, data, len, &err) < 0) {
		gz_diag_error(pr->d, p->path, 0, 0, _("cannot write the PDF: %s"), err);
		free(err);
		goto cleanup;
	}
	rc = 0;
cleanup:
	print_blocks_release(&bs);
	gz_value_free(doc);
	return rc;
}
