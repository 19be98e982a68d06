/*
 * search.h: the site's static search index, built with the site.
 *
 * Everything is a plain file under search/ that search.js reads in the
 * browser; no server and no other program is involved.
 *
 *   search/docs.json        {"fields":[{key,label}…],"sections":[[name,
 *                           title]…],"docs":[[url,title,date,section,
 *                           thumbnail,[terms of field 0],…],…]}: one row
 *                           per page, id = row number (filters and results)
 *   search/idx/NN.json      shard NN (two hex digits, token hash % 256):
 *                           {"token":"postings",…}; postings are varints in
 *                           a 64-letter alphabet (see encode_varint): doc id
 *                           delta, then the token's count in that page
 *   search/text/N.bin       pages 16N … 16N+15: [page text,…] gzipped
 *                           (pack.h; most of the index's size), fetched
 *                           only for the results shown (snippets) and to
 *                           check a Chinese query of 3+ characters is
 *                           really in the page, not just all its bigrams
 *
 * A page's text (searchtext.h) is everything a reader sees of it, and its
 * tokens (tokenize.h) are what the index holds. Those of the title and the
 * summary count GZ_SEARCHTEXT_WEIGHT times each, so they rank higher.
 *
 * Incremental: a record in the cache folder (gz_search_record_save) keeps a
 * hash of each page's title and text, by id, and a hash of each index file.
 * The next build compares the pages with it; when few changed, it reads
 * back from the output folder the text group of each changed page (its old
 * tokens) and the shards its tokens fall in (checked against the record),
 * patches those and keeps every other file. The files are always the bytes
 * a clean build writes.
 */
#ifndef GZ_SEARCH_H
#define GZ_SEARCH_H

#include <stdbool.h>

#include "base/diag.h"
#include "write/output.h"
#include "model/site.h"

/* Changes whenever the files' layout does, so a build never keeps index
 * files that the theme's search.js no longer reads. */
#define GZ_SEARCH_FORMAT "3"

#define GZ_SEARCH_SHARDS 256
#define GZ_SEARCH_TEXT_GROUP 16

typedef struct {
	int jobs;
	const char *out_dir;  /* where the last build wrote the index (only read) */
	const char *record;   /* the record file (cache folder); NULL: none */
	bool full;            /* ignore the record: index every page */
} gz_search_opts;

typedef struct {
	bool incremental;     /* patched the last build's index */
	size_t changed;       /* pages whose text changed (incremental) */
	size_t written, kept; /* index files made / kept as they were */
} gz_search_stats;

/* What the next build needs to know of this one's index. */
typedef struct gz_search_record gz_search_record;

/* Index site's published pages into out (paths under search/). A record
 * that is not one gazette wrote gives a warning in d and a full index;
 * index files that differ from what the record says give a full index
 * quietly. The old record is removed (it no longer describes the output
 * folder once it is written); *rec gets the new one, for
 * gz_search_record_save after the outputs are written (caller frees).
 * Cannot fail except by running out of memory (which aborts). */
void gz_search_build(gz_outputs *out, const gz_site *site, const gz_search_opts *o,
		     gz_search_record **rec, gz_diag *d, gz_search_stats *st);

/* Write rec to path atomically. Returns 0 or -1. */
int gz_search_record_save(const gz_search_record *rec, const char *path);
void gz_search_record_free(gz_search_record *rec);

/* The pages the index holds, in id order: site->pages then
 * site->standalone. */
const gz_page *gz_search_page(const gz_site *site, size_t id);
size_t gz_search_count(const gz_site *site);

#endif
