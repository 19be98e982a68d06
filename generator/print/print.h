/*
 * print.h: brochures and tri-fold leaflets as print-ready PDF.
 *
 * A brochure is a YAML manifest (under content/brochures/) naming stories by
 * path and by a query on taxonomies and dates; a leaflet is a content page
 * with `layout: trifold`. Both are typeset from the loaded site model (the
 * pages' blocks, doc.h, front matter photos and reuse terms) through pdf.h.
 * The brochure is laid out twice: the first pass finds the page each story
 * starts on, the second writes the table of contents with those numbers.
 * The cover, the back cover and the tri-fold's outside panels are drawn by
 * Lua print layouts (printlua.h); margins, fonts and sizes come from the
 * theme's print.yml, under the site's. Nothing depends on the clock: the
 * print date is the manifest's `date:` (the leaflet's page date), so the
 * same input gives the same bytes. print/ loads nothing itself: the site,
 * its source and its theme come from the caller, opened as the build opens
 * them (build/open.h; `gazette print` is build/printing.h).
 */
#ifndef GZ_PRINT_H
#define GZ_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "model/site.h"
#include "base/strlist.h"

struct gz_theme;

typedef struct {
	double bleed;           /* points (0: none) */
	bool marks;             /* crop marks */
	bool booklet;           /* saddle-stitch imposition, 2-up on A4 landscape */
	/* the theme: its print layouts (print/NAME.lua) and print.yml, under the
	 * site's own (print/NAME.lua and print.yml in the site); all borrowed */
	const struct gz_theme *theme;
	gz_source *theme_src;
	const char *theme_display;  /* "themes/default", for messages */
	/* the folder photos' print copies are kept in between runs
	 * (printcache.h); NULL: made every time */
	const char *cache_dir;
} gz_print_opts;

/* What a PDF was made from besides path's own bytes, the pages it prints
 * (gz_print_pages), the site's configuration, the HTML theme (its hooks
 * shape the bodies) and the print layouts (gz_print_layouts_hash). */
typedef struct {
	gz_strlist files;       /* site paths: pages its layouts read, photos it placed */
	bool site;              /* its layouts read the site's page lists */
} gz_print_used;

/* Typeset path (a root-relative .yml manifest or a trifold .md page) from
 * a loaded site. Returns 0 with the PDF in *data (caller frees), or -1
 * with `path:line:col` errors in d. used (or NULL) is added to. */
int gz_print_make(char **data, size_t *len, const gz_site *site, gz_source *src, const char *path,
		  const gz_print_opts *o, gz_print_used *used, gz_diag *d);

/* Add to out the paths of the pages path prints now, in order: the
 * manifest's stories and those its query picks, or the leaflet's page.
 * Nothing if it cannot be read (gz_print_make says why). */
void gz_print_pages(const gz_site *site, gz_source *src, const char *path, gz_strlist *out);

/* A hash of every print.yml and print/ file of the site (src), of
 * o->theme_src and of the default theme beneath it. */
uint64_t gz_print_layouts_hash(gz_source *src, const gz_print_opts *o);

/* Read and check the brochure manifest path against a loaded site (its
 * title, date, size, cover and the stories it names by path and by query),
 * then let it go: what `gazette print` reports before typesetting, without
 * a theme, fonts or photos. Returns 0, or -1 with `path:line:col` errors in
 * d. */
int gz_print_check_manifest(const gz_site *site, gz_source *src, const char *path, gz_diag *d);

/* The output name under public/ for a print source: "print/<base>.pdf"
 * (caller frees). */
char *gz_print_output_name(const char *path);

/*
 * Chinese typesetting pango does not do, as markup it does: a line may
 * break before an opening quote and after a closing one (clreq; Unicode's
 * UAX #14 allows neither, so a quoted word was carried to the next line
 * with the line before it stretched); and punctuation compression (标点挤压):
 * a full-width mark is half glyph, half space, so in a pair ("。”", "，“",
 * "）。") the first, when it closes, gives up its empty half (the
 * font's half-width form, OpenType "halt"). Returns the new markup (caller
 * frees), or NULL when m has no such marks; *pairs (may be NULL) is
 * increased by the pairs compressed.
 */
char *gz_print_cjk_markup(const char *m, size_t *pairs);

#endif
