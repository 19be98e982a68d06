/*
 * build.h: one whole build, from a source folder to an output folder.
 *
 * load → model → render → write. Errors from every stage are collected in
 * d; the output folder is only touched when there are none.
 */
#ifndef GZ_BUILD_H
#define GZ_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef struct {
	const char *source;     /* site root folder */
	const char *out;        /* output folder; NULL: <source>/public */
	bool drafts;
	int jobs;               /* < 1: one per core */
	bool progress;          /* progress lines on stderr */
	const char *rev;        /* build this git revision (NULL: the working tree) */
	const char *as_of;      /* build the branch as it was on this date */
	bool future;            /* also pages dated after now (scheduled) */
	bool full;              /* render everything: ignore what the last build recorded */
	bool keep_going;        /* a page a hook fails on is left out, an unreadable photo
				 * becomes a placeholder: warnings, not errors */
	bool exiting;           /* the process ends right after: the largest structures
				 * are left for the system to take back (not under
				 * AddressSanitizer, which checks that all is freed) */
	bool allow_shrink;      /* publish even when more than half of the pages
				 * published before would be removed */
	bool archive_only;      /* load the site (at rev / as_of) and bring its TV
				 * archive up to date in the cache, one database per
				 * commit; nothing else is written (archive search
				 * --rev/--as-of) */
} gz_build_opts;

typedef struct {
	size_t pages, outputs, written, unchanged, removed, rendered, kept;
	size_t photos_processed, photos_cached; /* originals decoded / found in the cache */
	double ms;
	char *archive_db;       /* archive_only: the database (caller frees) */
} gz_build_stats;

/* Returns 0, or -1 when d holds errors (nothing was written then). */
int gz_build(const gz_build_opts *opts, gz_diag *d, gz_build_stats *st);

#endif
