/*
 * open.h: a site opened as the build opens it, for every command that
 * typesets or renders from the model (build, print).
 *
 * Three stages, in this order: the source (the working tree, or a commit
 * read from git for --rev, --as-of and a bare repository), the theme with
 * its hooks (they filter pages as they load), and the pages loaded into the
 * site model with their git history. A working tree's repository is opened
 * on a thread of its own while the theme and the pages load; gz_open_wait
 * joins it. Everything in gz_open_site belongs to it and is freed by
 * gz_open_release.
 */
#ifndef GZ_BUILD_OPEN_H
#define GZ_BUILD_OPEN_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "lua/theme.h"
#include "model/site.h"
#include "source/git.h"
#include "source/source.h"

typedef struct {
	const char *source;     /* the site's folder (or bare repository) */
	const char *rev;        /* read this git revision (NULL: the working tree) */
	const char *as_of;      /* read the branch as it was on this date */
	bool history;           /* the pages' history from git (created, authors);
				 * without it, and without rev and as_of, the folder
				 * is read as it is and git is not opened */
	bool full;              /* read the whole history again, not its record */
} gz_open_opts;

typedef struct gz_open_git gz_open_git;

typedef struct {
	const gz_open_opts *opts;
	gz_source *src;
	gz_repo *repo;          /* the repository the content or its history is read from */
	char sha[41];           /* the commit read, or the working tree's HEAD ("": none) */
	bool bare;              /* a bare repository: no working tree, no public/ */
	int64_t now;            /* pages dated later are scheduled (--as-of moves it back) */
	gz_source *theme_src;
	gz_theme theme;
	gz_page_filters filters; /* the theme's Markdown filters, for the load */
	char *theme_display;    /* "themes/default", for messages */
	gz_site site;
	char *history_file;     /* the history record (for messages), or NULL */
	gz_open_git *git;       /* the working tree's repository, opening */
} gz_open_site;

/* Fill s: nothing open. */
void gz_open_init(gz_open_site *s);

/* Open the source o describes (o must outlive s). Returns 0, or -1 with
 * the error in d. */
int gz_open_source(gz_open_site *s, const gz_open_opts *o, gz_diag *d);

/* Open the theme site.yml names, in the site or among the installed ones.
 * Returns 0, or -1 with the error in d. */
int gz_open_theme(gz_open_site *s, gz_diag *d);

/* Load the pages into s->site with lo (lo->filters and lo->loaded are set
 * here), then their history when o->history asked for it; errors in d. */
void gz_open_load(gz_open_site *s, gz_load_opts *lo, gz_diag *d);

/* Wait for the working tree's repository if it is still opening (an
 * error opening it goes to d, or is dropped if d is NULL). Done by
 * gz_open_load; call it before gz_open_release when a stage before that
 * failed, so the error is not lost. */
void gz_open_wait(gz_open_site *s, gz_diag *d);

/* Free what s holds; keep_site: the site model is left to the system
 * (the process ends right after, and it is tens of thousands of blocks). */
void gz_open_release(gz_open_site *s, bool keep_site);

#endif
