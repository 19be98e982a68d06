/*
 * Tables, broken between rows only.
 */
#include "print/internal.h"

#include <stdlib.h>

#include "base/alloc.h"

/* One row of a table at pr->y: cells laid out in st at column width cw. */
static void draw_row(printer *pr, gz_pdf_text **cells, int cols, double cw, double pad, double rh,
		     bool head)
{
	int c;

	if (head)
		gz_pdf_rect(pr->pdf, pr->f.x, pr->y, pr->f.w, rh, 0.93, 0.93, 0.93);
	for (c = 0; c < cols; c++)
		gz_pdf_text_draw(pr->pdf, cells[c], pr->f.x + c * cw + pad, pr->y + pad, 0,
				 gz_pdf_text_lines(cells[c]));
}

/*
 * A table breaks between rows only: never with fewer than two body rows
 * on either side of the break (a short table moves on whole), and the
 * header row is set again at the top of the next frame.
 */
int print_place_table(printer *pr, const block *b)
{
	gz_pdf_style st;
	double cw = pr->f.w / b->cols, pad = 1.5 * MM, *rh;
	gz_pdf_text **cells;
	int r, c, rows = b->rows, rc = 0, on_frame = 0;

	print_style(&st, pr, false, pr->body_size * 0.85);
	st.align = GZ_PDF_LEFT;
	st.leading = 1.45;
	cells = gz_calloc((size_t)(rows * b->cols), sizeof(*cells));
	rh = gz_calloc((size_t)rows, sizeof(*rh));
	for (r = 0; r < rows; r++) {
		for (c = 0; c < b->cols; c++) {
			const char *m = b->cells[r * b->cols + c];
			gz_pdf_text *t = print_text(pr, m ? m : "", &st, cw - 2 * pad);
			cells[r * b->cols + c] = t;
			if (gz_pdf_text_height(t) > rh[r])
				rh[r] = gz_pdf_text_height(t);
		}
		rh[r] += 2 * pad;
	}
	if (!pr->fresh)
		pr->y += 2 * MM;
	/* the header and the first two rows (or all there are) together */
	{
		double first = 0;
		for (r = 0; r < rows && r < 3; r++)
			first += rh[r];
		rc = print_need(pr, first);
	}
	for (r = 0; r < rows && rc == 0; r++) {
		bool fits = pr->y + rh[r] <= pr->f.y + pr->f.h + 0.01;
		/* the last row never goes on alone: take the one before it along */
		if (fits && r == rows - 2 && r >= 3 && on_frame >= 3 &&
		    pr->y + rh[r] + rh[r + 1] > pr->f.y + pr->f.h + 0.01)
			fits = false;
		if (!fits && r > 0 && !pr->fresh) {
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.2);
			if ((rc = print_next_frame(pr)) < 0 || (rc = print_need(pr, rh[0] + rh[r])) < 0)
				break;
			/* the header again, where the table goes on */
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.2);
			draw_row(pr, cells, b->cols, cw, pad, rh[0], true);
			pr->y += rh[0];
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.3, 0.2);
			on_frame = 1;
		}
		if (r == 0)
			gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y, 0.8, 0.2);
		draw_row(pr, cells + r * b->cols, b->cols, cw, pad, rh[r], r == 0);
		pr->y += rh[r];
		pr->fresh = false;
		on_frame++;
		gz_pdf_rule(pr->pdf, pr->f.x, pr->y, pr->f.x + pr->f.w, pr->y,
			    r == rows - 1 ? 0.8 : 0.3, 0.2);
	}
	pr->y += 2 * MM;
	for (r = 0; r < rows * b->cols; r++)
		gz_pdf_text_free(cells[r]);
	free(cells);
	free(rh);
	return rc;
}

double print_table_lead(printer *pr, const block *b, double size)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	double cw = pr->f.w / b->cols, pad = 1.5 * MM, total = 2 * MM;
	int r, c;

	print_style(&st, pr, false, size * 0.85);
	st.align = GZ_PDF_LEFT;
	st.leading = 1.45;
	for (r = 0; r < b->rows && r < 3; r++) {
		double rh = 0;
		for (c = 0; c < b->cols; c++) {
			const char *m = b->cells[r * b->cols + c];
			t = print_text(pr, m ? m : "", &st, cw - 2 * pad);
			if (gz_pdf_text_height(t) > rh)
				rh = gz_pdf_text_height(t);
			gz_pdf_text_free(t);
		}
		total += rh + 2 * pad;
	}
	return total;
}
