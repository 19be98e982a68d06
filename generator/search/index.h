/*
 * index.h: one build of the search index, as the files of search/ share it:
 * search.c makes it whole, incremental.c patches the last build's, record.c
 * keeps what the next build needs to know of it.
 *
 * Files are numbered: 0 is docs.json, 1 … GZ_SEARCH_SHARDS the shards, then
 * the text groups.
 */
#ifndef GZ_SEARCH_INDEX_H
#define GZ_SEARCH_INDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "search/postings.h"
#include "search/search.h"

/* gzip level (libdeflate's) of the text groups, the biggest part of the
 * index's build time. On the 10,000-story corpus's 59 MB of text: level 3
 * gives 10.8 MB in 0.30 s, 6 gives 10.0 MB in 0.55 s, 1 gives 12.4 MB in
 * 0.19 s (zlib's level 4, used before, gave 11.1 MB in 0.55 s). */
#define GZ_SEARCH_TEXT_LEVEL 3

/* A text group decompressed is never bigger than this (a guard against a
 * damaged or foreign file when reading one back). */
#define GZ_SEARCH_TEXT_MAX ((size_t)256 << 20)

typedef struct {
	uint64_t hash;
	size_t len;
} gz_search_filerec;

struct gz_search_record {
	size_t ndocs, nfiles;
	uint64_t docs_key;      /* docs_key: what docs.json was made from */
	uint64_t *docs;         /* text_hash by id */
	gz_search_filerec *files; /* docs.json, the shards, the text groups */
};

typedef struct {
	const char *tok;
	uint32_t len, shard, doc, count;
} gz_search_change;

typedef struct {
	const gz_site *site;
	const gz_search_opts *o;
	gz_outputs *out;
	size_t n, ngroups, nfiles;
	uint64_t *hashes;       /* text_hash by id */
	uint64_t *dhashes;      /* doc_hash by id */
	uint64_t docs_key;      /* of the site's fields and dhashes */
	gz_search_filerec *files; /* this build's, as the record keeps them */
	bool *made;             /* files[i] was written (not kept) */
	/* full */
	gz_chunk *chunks;
	size_t nchunks;
	/* incremental */
	const gz_search_record *old;
	bool *redo_group;
	size_t nredo;           /* groups to make again (redo_group) */
	gz_search_change *chg;
	size_t nchg, chgcap;
	size_t *shard_chg;      /* [SHARDS + 1]: changes of shard k */
	char **patched;         /* [SHARDS]: new bytes, or NULL: keep */
	size_t *patched_len;
	atomic_bool failed;
} gz_search_ctx;

/* How many text groups n pages take. */
size_t gz_search_ngroups(size_t n);
/* 0 and *out, 1 when there is no record (or one of another format or
 * layout: nothing to warn about), -1 when it is not a record at all. */
int gz_search_record_load(gz_search_record **out, const char *path);

/* File fi's path under the output folder ("search/idx/0a.json"). */
void gz_search_file_path(char *buf, size_t size, size_t fi);
/* Add file fi's bytes (taken over) to the outputs, and to the record. */
void gz_search_emit(gz_search_ctx *c, size_t fi, char *data, size_t len, const char *origin);
/* Keep the last build's file fi when it is in place as recorded. */
bool gz_search_keep_file(gz_search_ctx *c, size_t fi);
/* Make text group g, gzipped. */
void gz_search_write_text(gz_search_ctx *c, size_t g);
/* The thumbnail of p's cover or, without one, of its first photo that
 * has derivatives; nothing when it has none. */
void gz_search_thumb_url(gz_buf *b, const gz_page *p);
void gz_search_write_docs(gz_search_ctx *c);
/* GAZETTE_TIMING: one step of the stage. */
void gz_search_lap(const char *what, double *t);

/* Patch the last build's index; false (nothing added to the outputs) when
 * too much changed or its files are not as recorded. */
bool gz_search_incremental(gz_search_ctx *c, gz_search_stats *st, double *t);

#endif
