/*
 * internal.h: what the files of print/ share, and nothing outside it sees.
 *
 * A printer is one PDF being typeset: the document, the frame text flows
 * into (a brochure's page, a leaflet's panel), the configuration and the
 * caches of laid-out texts and photos' print copies. The files, in the
 * order a PDF is made: config.c (print.yml, under the site's and the
 * theme's), manifest.c (a brochure's .yml), blocks.c (a page's body as
 * blocks), text.c (styles, laying out, flowing text through frames),
 * copier.c (photos' print copies, made on threads of their own),
 * typeset.c (blocks into frames: heads, lists, quotes, boxes, links,
 * photos and floats), notes.c (footnotes), table.c, brochure.c,
 * leaflet.c, and print.c (the document and the entry points of print.h).
 */
#ifndef GZ_PRINT_INTERNAL_H
#define GZ_PRINT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "base/buf.h"
#include "lua/printlua.h"
#include "media/pdf.h"
#include "print/print.h"

#define MM GZ_PDF_MM
#define SERIF "Noto Serif CJK SC"
#define SANS "Noto Sans CJK SC"

/* The body as blocks, from the page's block list (doc.h). */
typedef enum {
	B_PARA, B_HEAD, B_ITEM, B_QUOTE, B_ATTRIB, B_CODE, B_TABLE, B_IMAGE, B_RULE, B_BOX,
	B_BOX_END, B_LINK, B_NOTE
} btype;

typedef struct {
	btype type;
	int level;              /* heading level; list depth for items; a note's number */
	char *markup;           /* pango markup (a box: its title; a link: its label) */
	char *marker;           /* "•", "1." (items; "" for a later paragraph);
				 * "注1：" (a note's first paragraph; "" for a later) */
	char *url;              /* links */
	char **cells;           /* tables: rows*cols markup */
	int rows, cols;
	const gz_photo *photo;  /* images */
} block;

typedef struct {
	block *b;
	size_t n, cap;
} blocks;

#define PRINT_QUALITY 85        /* of the photos' JPEG copies */

typedef struct {
	double x, y, w, h;      /* a frame text flows into */
} frame;

typedef struct {
	gz_pdf_image *im;       /* for the current document */
	void *jpeg;
	size_t len;
	int w, h;               /* of the JPEG */
	int ow, oh;             /* of the original */
	bool bad;
	int want_w, want_h;     /* pixels of the print copy, from its first placement */
	char *where;            /* that placement, for messages */
	int line, col;
	bool failed;            /* making the copy failed (set by a copier thread) */
	bool queued;            /* asked of the copier threads */
	bool done;              /* made by them (under copier.lock) */
	bool ready;             /* seen done by the typesetting thread */
	const char *file;       /* the key in printer.images */
} print_image;

/* Print copies being made on other threads during the first pass. */
typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t more;    /* another copy asked for, or no more will be */
	pthread_cond_t made;    /* a copy was made */
	pthread_t *threads;
	int nthreads;
	bool running, closed;
	print_image **items;    /* asked for, in order */
	const char **files;
	size_t n, cap, next;
} copier;

typedef struct printer printer;
struct printer {
	gz_pdf *pdf;
	const gz_site *site;
	gz_source *src;
	gz_diag *d;
	const gz_print_opts *o;
	double W, H;            /* trim */
	double top, bottom, inner, outer;
	frame f;                /* the current frame */
	double y;               /* next free y in it */
	bool fresh;             /* nothing placed in the frame yet */
	int (*next)(printer *pr); /* move to the next frame; -1: no room left */
	/* brochure running heads */
	const char *head_even, *head_odd;
	bool heads;
	bool opening; /* the page a story opens on: its folio, no head */
	/* leaflet panels */
	frame *panels;
	size_t npanels, panel;
	int panel_page;         /* page the next panel is on */
	const char *path;       /* manifest or leaflet, for messages */
	const char *cover_file; /* the brochure's cover photo, not printed again */
	/* photos that did not fit where they stand: set at the top of the next
	 * frame while the text goes on filling this one (as LaTeX floats) */
	struct {
		const gz_photo *ph;
		const char *where;
		double frac;
	} floats[8];
	size_t nfloats;
	bool in_floats;
	gz_print_used *used;    /* what the PDF is made from (or NULL) */
	gz_map images;          /* source path → print_image (cached for both passes) */
	gz_strlist image_keys;
	int errors;
	char *text_font, *head_font;
	double body_size;
	double least_size;       /* no text is set smaller (a leaflet's leaflet.body,
				  * its elderly readers' floor; 0: none) */
	double leading;          /* of body text */
	/* print.yml: the site's, then the theme's (either may be NULL), and
	 * both merged for the layouts */
	gz_value *cfg[3];        /* + the default theme's, under a theme without print/ */
	char *cfg_path[3];
	gz_source *fallback;     /* the default theme (NULL when it is the theme) */
	char *fallback_display;
	gz_value *style;
	double ink[3];           /* body text colour */
	double title_size, byline_size, head_size, folio_size, pad;
	const char *size_name;   /* "A5" */
	gz_printlua *lua;
	bool defer;              /* measuring: photos' print copies are made meanwhile */
	copier copies;
	atomic_size_t made, kept; /* print copies made, and found in the cache */
	/* every text laid out, by markup, style and width: the drawing pass
	 * lays out nothing the measuring pass did */
	gz_map texts;
	gz_strlist text_keys;
};

/* A brochure manifest, read and checked (manifest.c). */
typedef struct {
	gz_value *root;
	/* owned: the title whole, and as the cover sets it (with the line
	 * breaks its editor marked: gz_text_title_marked) */
	char *title, *cover_title;
	const char *subtitle, *issuer, *date, *cover, *back;
	/* the colophon's record of a printed internal publication */
	const char *permit, *copies, *printer, *format;
	const gz_value *cover_v;
	const char *size_name;  /* as in papers[] */
	double w, h;
	bool recto;             /* stories open on right-hand pages */
	const gz_page **pages;
	size_t n;
	gz_value *doc;          /* what the layouts see: the manifest and more */
} manifest;

/* blocks.c: the page's blocks for print (those of every output and those
 * of print alone), its footnotes' paragraphs last as B_NOTE blocks, a
 * link's address in the text; add_block appends a zeroed one of type t. */
block *print_add_block(blocks *bs, btype t);
void print_blocks_release(blocks *bs);
void print_doc_blocks(blocks *out, const gz_page *page);

/* config.c: print.yml. The value helpers build what the Lua layouts see
 * (a put value is owned by the map). */
gz_value *print_value_clone(const gz_value *v);
void print_value_put(gz_value *map, const char *key, gz_value *v);
void print_value_put_str(gz_value *map, const char *key, const char *s);
/* map.title the title whole and map.cover_title as a cover sets it, both
 * at the place of the title map has (for messages). */
void print_value_put_title(gz_value *map, const char *whole, const char *cover);
gz_value *print_value_map(void);
/* The site's, the theme's and the default theme's print.yml, merged into
 * pr->style; every colour checked. Returns 0, or -1 with errors in pr->d. */
int print_load_config(printer *pr);
const gz_value *print_cfg_find(const printer *pr, const char *const *keys, int *k);
double print_cfg_num(printer *pr, const char *const *keys, double def, double lo, double hi);
double print_cfg_sized(printer *pr, const char *section, const char *key, const char *field,
		       double def, double lo, double hi);
/* The default theme under a theme of the site's own (pr->fallback). */
void print_open_fallback(printer *pr);

/* manifest.c: read and check a brochure manifest against the site.
 * Returns 0, or -1 with errors in d; release m either way. */
int print_read_manifest(manifest *m, const gz_site *site, gz_source *src, const char *path,
			gz_diag *d);
void print_manifest_release(manifest *m);

/* text.c: styles, texts laid out (free with gz_pdf_text_free; memoized
 * per PDF) and flowed through the frames. */
void print_style(gz_pdf_style *st, const printer *pr, bool head, double size);
/* size, or pr->least_size when that is larger: what a block set a size
 * down from the body (a caption, a table, a note) is set at. */
double print_floor(const printer *pr, double size);
gz_pdf_text *print_text(printer *pr, const char *markup, const gz_pdf_style *st, double width);
/* A heading's markup at width: print_text, its lines balanced when the
 * last would be short (a few characters alone) */
gz_pdf_text *print_head_text(printer *pr, const char *markup, const gz_pdf_style *st, double width);
void print_escape(gz_buf *b, const char *s);
/* The length of markup without the closing tags at its end: where its
 * text ends. */
size_t print_text_end(const char *markup);
/* Whether markup's text ends with a full-width mark that closes ("。",
 * "）"): its glyph carries the blank after it. */
bool print_ends_closing(const char *markup);
/* Append markup with its web addresses (http:// and https:// to a space,
 * a tag or a character not ASCII) given places to break as a book breaks
 * them, never with a hyphen: zero-width spaces, in the text laid out only. */
void print_url_breaks(gz_buf *out, const char *markup);
char *print_esc(const char *s);
/* p's title as print sets it large, with the line breaks its editor
 * marked (gz_text_title_marked); not escaped; caller frees. */
char *print_title_marked(const gz_page *p);
double print_text_box(printer *pr, const char *markup, bool head, double size, gz_pdf_align al,
		      double x, double y, double w);
int print_next_frame(printer *pr);
int print_flow_text(printer *pr, const gz_pdf_text *t, double dx, double before);
int print_need(printer *pr, double h);

/* copier.c: photos and their print copies. */
void print_copier_start(printer *pr);
void print_copier_close(printer *pr);
void print_copier_finish(printer *pr);
print_image *print_load_image(printer *pr, const char *file, double w_pt, double h_pt,
			      const char *where, int line, int col);

/* typeset.c: blocks into the frames, photos and floats. */
int print_place_blocks(printer *pr, const blocks *bs, const gz_page *p, bool compact);
/* The height compact paragraphs and headings (no other blocks) take when
 * placed at size from the top of a frame, where they all fit. */
double print_blocks_height(printer *pr, const blocks *bs, double size);
int print_place_photo(printer *pr, const gz_photo *ph, const char *where, double max_frac);
int print_set_floats(printer *pr);
bool print_body_places(const blocks *bs, const char *file);

/* notes.c: a footnote's paragraph, set apart under a short rule before
 * the first, smaller than the body at size (down to pr->least_size), its
 * number hanging. */
int print_place_note(printer *pr, const blocks *bs, size_t i, double size);

/* table.c: a table, and the height of its head and first rows (what a
 * heading before it keeps with). */
int print_place_table(printer *pr, const block *b);
double print_table_lead(printer *pr, const block *b, double size);

/* print.c: the document and what the Lua layouts draw on. */
int print_new_doc(printer *pr, const char *title, const char *date, const char *author,
		  bool measure);
int print_check_fonts(printer *pr, const char *where, const gz_value *root);
void print_canvas(printer *pr, gz_print_canvas *c, const gz_value *doc, const gz_page *p);

/* brochure.c, leaflet.c: the two kinds of PDF. */
int print_brochure(printer *pr, char **data, size_t *len);
int print_leaflet(printer *pr, const gz_page *p, char **data, size_t *len);

#endif
