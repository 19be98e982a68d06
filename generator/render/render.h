/*
 * render.h: every page of the site through the theme's templates.
 *
 * gz_render_site lists what the site publishes (pages, section lists,
 * taxonomy and term lists, year/month archives, feeds, sitemap, 404,
 * robots.txt, static files), checks each page's layout exists, renders the
 * lot on jobs threads with one Lua state each, and adds the results to out.
 */
#ifndef GZ_RENDER_H
#define GZ_RENDER_H

#include "write/deps.h"
#include "base/diag.h"
#include "write/output.h"
#include "lua/script.h"
#include "model/site.h"

typedef struct {
	int jobs;
	bool progress;
	gz_source *theme_src;      /* the theme folder, for static/ */
	const char *out_dir;       /* where the last build's files are */
	bool out_trusted;          /* prev describes out_dir as it is: no need to
				    * look at each kept file */
	gz_deps *prev;             /* what they depended on (may be NULL); next takes over its paths */
	gz_deps *next;             /* filled for this build (may be NULL) */
	size_t rendered, kept;     /* out: files rendered, files kept as they were */
	bool keep_going;           /* a page that fails to render is left out (warning) */
} gz_render_opts;

/* Returns 0, or -1 if d holds any error, from this stage or an earlier one
 * (nothing is rendered then, so every problem is reported but no work is
 * wasted). out must not be written after -1. */
int gz_render_site(gz_outputs *out, const gz_site *site, const gz_theme *theme,
		   gz_render_opts *opts, gz_diag *d);

/* Is the file the last build wrote at out (len bytes, as its record says)
 * still in opts->out_dir? */
bool gz_render_in_place(const gz_render_opts *opts, const char *out, size_t len);

/* Names reserved for print layouts (a page may name one in layout: without
 * the web theme having it). */
bool gz_render_is_print_layout(const char *name);

#endif
