/*
 * pdf.h: print-ready PDF pages (cairo + pango).
 *
 * The only module that includes cairo and pango. A gz_pdf is one document
 * written into memory. All coordinates are points (1/72 in) from the top
 * left corner of the trimmed page; with a bleed the page is enlarged on
 * every side and the origin moves with the trim, so a box drawn from
 * (-bleed, -bleed) runs off the edge of the cut sheet. With crop marks the
 * sheet grows further to hold them. TrimBox and BleedBox are written into
 * every page dictionary when the document is finished (cairo cannot set
 * them), so a print shop's preflight finds them.
 *
 * Text is pango markup (<b>, <i>, <span font_family=… size=…>) laid out to
 * a width as a gz_pdf_text, which can be measured line by line and drawn a
 * range of lines at a time, so a paragraph can break across pages.
 * Chinese line breaking follows pango (UAX #14), which keeps closing
 * punctuation off the start of a line and opening punctuation off its end.
 */
#ifndef GZ_PDF_H
#define GZ_PDF_H

#include <stdbool.h>
#include <stddef.h>

#define GZ_PDF_MM (72.0 / 25.4)

typedef struct gz_pdf gz_pdf;
typedef struct gz_pdf_text gz_pdf_text;
typedef struct gz_pdf_image gz_pdf_image;

typedef struct {
	double width, height;   /* trimmed page, points */
	double bleed;           /* points on every side (0: none) */
	bool marks;             /* crop marks outside the bleed */
	bool booklet;           /* impose saddle-stitch, 2-up on sheets twice as wide */
	bool measure;           /* lay out only: drawing does nothing, finish fails */
	const char *title, *author, *subject, *creator;
	const char *date;       /* "2019-12-30": CreationDate and ModDate (never the clock) */
} gz_pdf_opts;

typedef enum { GZ_PDF_LEFT, GZ_PDF_CENTER, GZ_PDF_RIGHT, GZ_PDF_JUSTIFY } gz_pdf_align;

typedef struct {
	const char *family;     /* "Noto Serif CJK SC" */
	double size;            /* points */
	bool bold;
	gz_pdf_align align;
	double leading;         /* line height as a multiple of size (0: 1.6) */
	double indent;          /* first line indent, points (negative: hanging) */
	double tab;             /* where a tab in the text moves on to, points from
				 * the left (0: pango's default stops) */
	bool colored;           /* draw in rgb (else the body's near-black) */
	double rgb[3];          /* 0…1 */
} gz_pdf_style;

/* Start a document. Returns 0, or -1 with *err (caller frees). */
int gz_pdf_new(gz_pdf **out, const gz_pdf_opts *o, char **err);
/* Finish it: the PDF's bytes go to *data (caller frees). Returns 0, or -1
 * with *err. The document is still to be freed. */
int gz_pdf_finish(gz_pdf *pdf, char **data, size_t *len, char **err);
void gz_pdf_free(gz_pdf *pdf);

/* Open a new page (closing the current one, with its crop marks).
 * Pages are numbered from 1; returns the new page's number. */
int gz_pdf_page(gz_pdf *pdf);
int gz_pdf_page_count(const gz_pdf *pdf);
/* Mark where the open page folds: up to 4 lines at xs (points from the
 * trim's left edge), drawn with its crop marks, outside the bleed at the
 * top and the bottom; without marks, or in a booklet, nothing. */
void gz_pdf_folds(gz_pdf *pdf, const double *xs, int n);

/* True if the family is installed (fontconfig matched it, not a fallback). */
bool gz_pdf_has_font(gz_pdf *pdf, const char *family);

/* Lay out markup at width points. NULL if the markup is not valid (*err
 * says why; caller frees). Free with gz_pdf_text_free. */
gz_pdf_text *gz_pdf_text_new(gz_pdf *pdf, const char *markup, const gz_pdf_style *st,
			     double width, char **err);
/* Another hold on t, released by one more gz_pdf_text_free. A text laid out
 * for one document draws the same in any other: a measuring document has
 * the same fonts and metrics as the PDF, so the drawing pass of a brochure
 * can use the texts its measuring pass laid out. */
gz_pdf_text *gz_pdf_text_ref(gz_pdf_text *t);
void gz_pdf_text_free(gz_pdf_text *t);
int gz_pdf_text_lines(const gz_pdf_text *t);
/* Bottom of line i (0-based), points from the top of the text. */
double gz_pdf_text_bottom(const gz_pdf_text *t, int i);
/* Top of line i, points from the top of the text. */
double gz_pdf_text_top(const gz_pdf_text *t, int i);
double gz_pdf_text_height(const gz_pdf_text *t);
/* Width of the widest line. */
double gz_pdf_text_width(const gz_pdf_text *t);
/* Width of line i (0-based), points. */
double gz_pdf_text_line_width(const gz_pdf_text *t, int i);
/* Where line i (0-based) starts, in characters of the text (markup's
 * tags and entities not counted). */
size_t gz_pdf_text_line_start(const gz_pdf_text *t, int i);
/* Draw lines [first, first+n) with the top of line first at (x, y). */
void gz_pdf_text_draw(gz_pdf *pdf, const gz_pdf_text *t, double x, double y, int first, int n);


/* A JPEG of w×h pixels (bytes copied) to place on pages; the PDF embeds the
 * JPEG stream as it is. Free with gz_pdf_image_free after gz_pdf_finish. */
gz_pdf_image *gz_pdf_image_new(gz_pdf *pdf, const void *jpeg, size_t len, int w, int h);
void gz_pdf_image_free(gz_pdf_image *im);
/* Draw im scaled to fill the box (x, y, w, h), cropped to it when cover is
 * true, else fitted inside it and centred. */
void gz_pdf_image_draw(gz_pdf *pdf, gz_pdf_image *im, double x, double y, double w, double h,
		       bool cover);

/* A filled rectangle in grey (0 black … 1 white) or colour (r, g, b 0…1). */
void gz_pdf_rect(gz_pdf *pdf, double x, double y, double w, double h, double r, double g,
		 double b);
/* A rectangle's outline, lw wide, in colour. */
void gz_pdf_frame(gz_pdf *pdf, double x, double y, double w, double h, double lw, double r,
		  double g, double b);
/* A line of width lw, in grey or in colour. */
void gz_pdf_rule(gz_pdf *pdf, double x0, double y0, double x1, double y1, double lw, double gray);
void gz_pdf_line(gz_pdf *pdf, double x0, double y0, double x1, double y1, double lw, double r,
		 double g, double b);
/* A QR code of size modules (dark[i] 1 = dark) filling a w×w square. */
void gz_pdf_qr(gz_pdf *pdf, const unsigned char *dark, int size, double x, double y, double w);

#endif
