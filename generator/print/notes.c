/*
 * Footnotes as a book sets them: after the story's text, under a short
 * rule, smaller than the body, each starting with the number its marks
 * show ("注1："), hanging so that the note's lines, and its later
 * paragraphs, stand clear of the numbers.
 */
#include "print/internal.h"

#include "load/doc.h"

#define NOTE_FRAC 0.8 /* of the body size: a book's notes are a size or two down */

/* A note's paragraph laid out: the first with its number, which hangs
 * (later lines start at *ind, its width); a later paragraph at *ind
 * whole, so a note's paragraphs read as one note, apart from the next. */
static gz_pdf_text *note_text(printer *pr, const block *b, double size, double *ind)
{
	gz_buf m = GZ_BUF_INIT;
	gz_pdf_style st;
	gz_pdf_text *t;
	bool lead = b->marker && *b->marker;

	print_style(&st, pr, false, size);
	st.align = GZ_PDF_LEFT;
	st.leading = pr->leading * 0.85; /* notes are read close, as a book sets them */
	gz_doc_note_label(&m, b->level);
	t = print_text(pr, m.ptr, &st, pr->f.w);
	*ind = gz_pdf_text_width(t);
	gz_pdf_text_free(t);
	gz_buf_clear(&m);
	if (lead) {
		st.indent = -*ind;
		gz_buf_puts(&m, b->marker);
	}
	/* a note's web address, kept for the reader to type, is as long as
	 * it is: let it break where a book breaks one, not only at '/' */
	print_url_breaks(&m, b->markup);
	t = print_text(pr, m.ptr, &st, pr->f.w - (lead ? 0 : *ind));
	gz_buf_release(&m);
	return t;
}

int print_place_note(printer *pr, const blocks *bs, size_t i, double size)
{
	const block *b = &bs->b[i];
	bool first = i == 0 || bs->b[i - 1].type != B_NOTE;
	bool lead = b->marker && *b->marker;
	double ind, rule = 3 * MM;
	/* a size down from the body, but not under the floor a leaflet keeps
	 * for its readers: there the body may be at that floor itself */
	double ns = print_floor(pr, size * NOTE_FRAC);
	gz_pdf_text *t = note_text(pr, b, ns, &ind);
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
		rc = print_flow_text(pr, t, lead ? 0 : ind, first ? 0 : lead ? 1.2 * MM : 0.6 * MM);
	gz_pdf_text_free(t);
	return rc;
}
