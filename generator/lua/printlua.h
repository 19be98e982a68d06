/*
 * printlua.h: print layouts written in Lua (cover, back cover, tri-fold).
 *
 * A print layout is print/NAME.lua in the site or, if the site has none,
 * in the theme. It returns function(doc, page): doc is the data (the
 * brochure manifest's or the leaflet's fields, each remembering where it
 * was written), page the geometry (trim size, bleed, margins, panels).
 * It draws through a small API: text (pango markup in a box), measure,
 * image, rule, rect, qr, and fail(key, message) for an error placed at a
 * field of the manifest or page. docs/print.md is the reference.
 *
 * Layouts run in the sandbox of the HTML layouts (script.h): no io or os,
 * an instruction limit and a memory limit; a Lua error is reported as
 * "file:line: message (while printing PATH)". Like hooks, which bridges Lua and
 * cmark, this module bridges Lua and pdf.h; it includes no cairo.
 * Coordinates are points from the top left corner of the trimmed page.
 */
#ifndef GZ_PRINTLUA_H
#define GZ_PRINTLUA_H

#include <stddef.h>

#include "base/diag.h"
#include "media/pdf.h"
#include "lua/script.h"
#include "model/site.h"
#include "source/source.h"
#include "base/strlist.h"
#include "load/yaml.h"

typedef struct gz_printlua gz_printlua;

typedef struct {
	const char *name;       /* "flap", "back", "cover"; "left", "middle", "right" */
	double x, y, w, h;
} gz_print_panel;

/* What one layout call draws on, and with what. Everything is borrowed
 * for the call. */
typedef struct {
	gz_pdf *pdf;
	double width, height, bleed;   /* the trimmed page, points */
	double top, bottom, inner, outer; /* margins, points */
	int number;                    /* the page's number in the document */
	const char *side;              /* a leaflet's "outside" or "inside"; else NULL */
	const gz_print_panel *panels;
	size_t npanels;
	const char *serif, *sans;      /* font families for "serif" and "sans" */
	double body;                   /* body text size, points */
	const gz_value *style;         /* the print configuration (print.yml) */
	const gz_value *doc;           /* the data; its values' positions place fail() */
	const gz_page *page;           /* a leaflet's page (doc.page); NULL for a brochure */
	const char *path;              /* the manifest or page printed, for messages */
	/* Load the photo at path (a site path) to fill (cover) or fit in w×h
	 * points: true with the image to draw in *out (NULL while the pages
	 * are only measured), or false when it cannot be read (the callback
	 * reported it, at where:line:col). */
	bool (*image)(void *payload, const char *path, double w, double h, bool cover,
		      const char *where, int line, int col, gz_pdf_image **out);
	void *payload;
} gz_print_canvas;

/* Where the layouts are: site_src's print/ first, then theme_src's, then
 * fallback_src's (the default theme under a theme without them); any may
 * be NULL. The displays name the themes in messages ("themes/default").
 * Nothing is read until a layout is drawn. th gives the Lua limits; all is
 * borrowed. Free with gz_printlua_free. */
gz_printlua *gz_printlua_new(const gz_theme *th, gz_source *site_src, gz_source *theme_src,
			     const char *display, gz_source *fallback_src,
			     const char *fallback_display, const gz_site *site);
void gz_printlua_free(gz_printlua *pl);

/* Add to out the paths of the pages the layouts have read so far; true if
 * they read the site's page lists. */
bool gz_printlua_touched(const gz_printlua *pl, gz_strlist *out);

/* Run layout name on c. Returns 0, or -1 with errors added to d. */
int gz_printlua_draw(gz_printlua *pl, const char *name, const gz_print_canvas *c, gz_diag *d);

#endif
