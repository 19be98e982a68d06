/*
 * archive.h: the story archive for TV staff, a SQLite database with FTS5.
 *
 * <source>/.gazette/archive.db holds one row per published page (id = its
 * path under content/ without .md, e.g. "stories/2019/meng-qinglong-bees")
 * with date, title, places, people, tags, text, and an FTS5 table over the
 * page's tokens (tokenize.h) written as space-separated words. Each build
 * updates it: a page whose content hash is unchanged is left alone, changed
 * pages are rewritten and removed pages deleted, all in one transaction.
 * A damaged database is deleted and built again from scratch.
 *
 * Only this module includes sqlite3.h. Every query is parameterised; user
 * text only ever reaches FTS5 as quoted tokens of letters, digits and CJK.
 */
#ifndef GZ_ARCHIVE_H
#define GZ_ARCHIVE_H

#include <stddef.h>

#include "base/diag.h"
#include "model/site.h"

/* The archive id of p: its path under content/ without ".md" (a bundle's
 * without "/index.md"), as search prints it. Caller frees. */
char *gz_archive_id(const gz_page *p);

/* Bring the archive of site (loaded from source) up to date. Problems are
 * warnings in d (the web site still builds). Returns 0 or -1. */
int gz_archive_update(const char *source, const gz_site *site, gz_diag *d, size_t *changed);

/* The same, for the database at db (an archive of another revision). */
int gz_archive_update_at(const char *db, const gz_site *site, gz_diag *d, size_t *changed);

typedef struct {
	const char *query;        /* required: words or Chinese text */
	const char *township, *village, *industry, *person, *tag;   /* or NULL */
	const char *from, *to;    /* YYYY-MM-DD or NULL */
	int limit;                /* < 1: 50 */
} gz_archive_query;

typedef struct {
	char *id, *date, *title, *place, *snippet, *url;
} gz_archive_hit;

#define GZ_ARCHIVE_NO_DB (-2)     /* no archive.db yet */
#define GZ_ARCHIVE_BAD_QUERY (-3) /* query has no words */

/* Where a query that cannot be searched for is placed: it was given on
 * the command line. */
#define GZ_ARCHIVE_COMMAND "gazette archive search"

/* Search the archive of source. On success *out (caller frees with
 * gz_archive_hits_free) holds *n hits, best first. Returns 0, or a negative
 * code with the error added to d: placed at the database (missing,
 * damaged, unreadable), or at GZ_ARCHIVE_COMMAND for a query with no
 * words. */
int gz_archive_search(gz_archive_hit **out, size_t *n, const char *source,
		      const gz_archive_query *q, gz_diag *d);
/* The same, in the database at db. */
int gz_archive_search_at(gz_archive_hit **out, size_t *n, const char *db,
			 const gz_archive_query *q, gz_diag *d);
void gz_archive_hits_free(gz_archive_hit *hits, size_t n);

#endif
