/*
 * Tables, broken between rows only.
 */
#include "print/internal.h"

#include <stdlib.h>

#include "base/alloc.h"

/* One row of a table at pr->y: cells laid out in st at the widths cw. */
static void draw_row(printer *pr, gz_pdf_text **cells, int cols, const double *cw, double pad,
		     double rh, bool head)
{
	double x = pr->f.x;
	int c;

	if (head)
		gz_pdf_rect(pr->pdf, pr->f.x, pr->y, pr->f.w, rh, 0.93, 0.93, 0.93);
	for (c = 0; c < cols; c++) {
		gz_pdf_text_draw(pr->pdf, cells[c], x + pad, pr->y + pad, 0, gz_pdf_text_lines(cells[c]));
		x += cw[c];
	}
}

/*
 * Each column's width, as a browser sizes a table: a column gets what its
 * widest cell needs on one line when the table fits so; otherwise each
 * gets its least (its cells whole up to eight characters, or fewer when
 * the table is crowded: "27个", "2100元", "带动贫困户") and the rest of the width
 * goes to the columns by how much more they would take. Equal columns
 * broke "3000 / 元" while a column of "27个" stood half empty.
 */
static void column_widths(printer *pr, const block *b, const gz_pdf_style *st, double pad,
			  double *cw)
{
	static const double caps[] = {8, 6, 4.5};
	double *most = gz_calloc((size_t)b->cols, sizeof(double)), least_sum = 0, most_sum = 0;
	double *least = gz_calloc((size_t)b->cols, sizeof(double)), room = pr->f.w;
	size_t k;
	int r, c;

	for (c = 0; c < b->cols; c++)
		for (r = 0; r < b->rows; r++) {
			const char *m = b->cells[r * b->cols + c];
			gz_pdf_text *t = print_text(pr, m ? m : "", st, 10000);
			double w = gz_pdf_text_width(t) + 2 * pad + 0.5;
			gz_pdf_text_free(t);
			if (w > most[c])
				most[c] = w;
		}
	for (c = 0; c < b->cols; c++)
		most_sum += most[c];
	/* a cell of up to eight characters whole, or six, or four and a half:
	 * the most that leaves room for the rest */
	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		double cap = caps[k] * st->size + 2 * pad;
		least_sum = 0;
		for (c = 0; c < b->cols; c++) {
			least[c] = most[c] < cap ? most[c] : cap;
			least_sum += least[c];
		}
		if (least_sum <= room)
			break;
	}
	for (c = 0; c < b->cols; c++) {
		if (most_sum <= room)
			cw[c] = most[c] + (room - most_sum) * most[c] / most_sum;
		else if (least_sum >= room || most_sum <= least_sum)
			cw[c] = room / b->cols;
		else
			cw[c] = least[c] + (room - least_sum) * (most[c] - least[c]) / (most_sum - least_sum);
	}
	free(most);
	free(least);
}

/*
 * A table breaks between rows only: never with fewer than two body rows
 * on either side of the break (a short table moves on whole), and the
 * header row is set again at the top of the next frame.
 */
int print_place_table(printer *pr, const block *b)
{
	gz_pdf_style st;
	double pad = 1.5 * MM, *rh, *cw = gz_calloc((size_t)b->cols, sizeof(double));
	gz_pdf_text **cells;
	int r, c, rows = b->rows, rc = 0, on_frame = 0;

	print_style(&st, pr, false, print_floor(pr, pr->body_size * 0.85));
	st.align = GZ_PDF_LEFT;
	st.leading = 1.45;
	column_widths(pr, b, &st, pad, cw);
	cells = gz_calloc((size_t)(rows * b->cols), sizeof(*cells));
	rh = gz_calloc((size_t)rows, sizeof(*rh));
	for (r = 0; r < rows; r++) {
		for (c = 0; c < b->cols; c++) {
			const char *m = b->cells[r * b->cols + c];
			gz_pdf_text *t = print_text(pr, m ? m : "", &st, cw[c] - 2 * pad);
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
	free(cw);
	return rc;
}

double print_table_lead(printer *pr, const block *b, double size)
{
	gz_pdf_style st;
	gz_pdf_text *t;
	double pad = 1.5 * MM, total = 2 * MM, *cw = gz_calloc((size_t)b->cols, sizeof(double));
	int r, c;

	print_style(&st, pr, false, print_floor(pr, size * 0.85));
	st.align = GZ_PDF_LEFT;
	st.leading = 1.45;
	column_widths(pr, b, &st, pad, cw);
	for (r = 0; r < b->rows && r < 3; r++) {
		double rh = 0;
		for (c = 0; c < b->cols; c++) {
			const char *m = b->cells[r * b->cols + c];
			t = print_text(pr, m ? m : "", &st, cw[c] - 2 * pad);
			if (gz_pdf_text_height(t) > rh)
				rh = gz_pdf_text_height(t);
			gz_pdf_text_free(t);
		}
		total += rh + 2 * pad;
	}
	free(cw);
	return total;
}
