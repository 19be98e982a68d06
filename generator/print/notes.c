/*
 * Footnotes as a book sets them: after the story's text, under a short
 * rule, smaller than the body, each starting with the number its marks
 * show ("注1："), hanging so that the note's lines, and its later
 * paragraphs, stand clear of the numbers: all of them clear of the
 * widest, so the notes' text is one column.
 */
#include "print/internal.h"

#include "load/doc.h"

#define NOTE_FRAC 0.8 /* of the body size: a book's notes are a size or two down */

static void note_style(gz_pdf_style *st, const printer *pr, double size)
{
	print_style(st, pr, false, size);
	st->align = GZ_PDF_LEFT;
	st->leading = pr->leading * 0.85; /* notes are read close, as a book sets them */
}

/* The indent the notes of bs hang by: their widest number's ("注10：",
 * wider than "注1："), so the text of every note starts at one x. */
static double notes_hang(printer *pr, const blocks *bs, double size)
{
	gz_buf m = GZ_BUF_INIT;
	gz_pdf_style st;
	double hang = 0;
	size_t i;

	note_style(&st, pr, size);
	for (i = 0; i < bs->n; i++) {
		gz_pdf_text *t;
		if (bs->b[i].type != B_NOTE || !bs->b[i].marker || !*bs->b[i].marker)
			continue;
		gz_buf_clear(&m);
		gz_doc_note_label(&m, bs->b[i].level);
		t = print_text(pr, m.ptr, &st, pr->f.w);
		if (gz_pdf_text_width(t) > hang)
			hang = gz_pdf_text_width(t);
		gz_pdf_text_free(t);
	}
	gz_buf_release(&m);
	/* a hair past the widest: pango sends a tab that ends at its stop on
	 * to the next one, a whole indent further */
	return hang + 0.05;
}

/* A note's paragraph laid out: the first with its number, which hangs,
 * and a tab after it that takes its text to hang, where its later lines
 * start; a later paragraph at hang whole, so a note's paragraphs read
 * as one note, apart from the next. */
static gz_pdf_text *note_text(printer *pr, const block *b, double size, double hang)
{
	gz_buf m = GZ_BUF_INIT;
	gz_pdf_style st;
	gz_pdf_text *t;
	bool lead = b->marker && *b->marker;

	note_style(&st, pr, size);
	if (lead) {
		st.indent = -hang;
		st.tab = hang;
		gz_buf_printf(&m, "%s\t", b->marker);
	}
	/* a note's web address, kept for the reader to type, is as long as
	 * it is: let it break where a book breaks one, not only at '/' */
	print_url_breaks(&m, b->markup);
	t = print_text(pr, m.ptr, &st, pr->f.w - (lead ? 0 : hang));
	gz_buf_release(&m);
	return t;
}

int print_place_note(printer *pr, const blocks *bs, size_t i, double size)
{
	const block *b = &bs->b[i];
	bool first = i == 0 || bs->b[i - 1].type != B_NOTE;
	bool lead = b->marker && *b->marker;
	double rule = 3 * MM;
	/* a size down from the body, but not under the floor a leaflet keeps
	 * for its readers: there the body may be at that floor itself */
	double ns = print_floor(pr, size * NOTE_FRAC);
	double hang = notes_hang(pr, bs, ns);
	gz_pdf_text *t = note_text(pr, b, ns, hang);
	int rc = 0;

	if (first) {
		/* the rule stays with the first note's first two lines: never a
		 * rule alone at a page's foot */
		int n = gz_pdf_text_lines(t);
		double lines = n ? gz_pdf_text_bottom(t, n < 2 ? 0 : 1) - gz_pdf_text_top(t, 0) : 0;
		rc = print_need(pr, (pr->fresh ? 0 : 5 * MM) + rule + lines);
		if (rc == 0) {
			if (!pr->fresh)
				pr->y += 5 * MM;
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w / 4, pr->y, 0.5, 0.5);
			pr->y += rule;
			pr->fresh = false;
		}
	}
	/* a little more space between notes than between a note's paragraphs */
	if (rc == 0)
		rc = print_flow_text(pr, t, lead ? 0 : hang, first ? 0 : lead ? 1.2 * MM : 0.6 * MM);
	gz_pdf_text_free(t);
	return rc;
}
