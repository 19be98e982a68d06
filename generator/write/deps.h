/*
 * deps.h: what each output of the last build depended on.
 *
 * For every rendered file the build records a key (a hash of the theme,
 * the configuration, the page or list it shows, and the hash of every page
 * whose fields the template read: the model hash when it read the page's
 * body, else the meta hash) plus the paths of those pages, which bodies it
 * read, and whether it read the site's lists. The next build recomputes the key from
 * the recorded paths; when nothing changed and the old file is still in
 * place, it keeps the file instead of rendering it again. The record lives
 * in the cache folder (.gazette/), never in public/.
 */
#ifndef GZ_DEPS_H
#define GZ_DEPS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/strlist.h"

typedef struct {
	char *out;          /* output path */
	uint64_t key;
	bool site;          /* read the site's lists */
	size_t len;         /* bytes of the output */
	char **paths;       /* pages read */
	bool *body;         /* [npaths]: that page's body was read too */
	size_t npaths;
	bool borrowed;      /* out, paths, body are another table's (gz_deps_keep);
	                     * else one block, at paths */
} gz_dep;

typedef struct {
	gz_dep *items;
	size_t n, cap;
	gz_map by_out;      /* built by gz_deps_index */
	gz_map strings;     /* every page path once: dep paths point here */
	pthread_mutex_t lock;
} gz_deps;

void gz_deps_init(gz_deps *d);
void gz_deps_release(gz_deps *d);
/* Read a record file; a missing one, or one another gazette wrote, leaves
 * d empty. Returns -1 if the file is not a record at all (d left empty). */
int gz_deps_load(gz_deps *d, const char *file);
/* Index by output path (call once after loading, before gz_deps_find). */
void gz_deps_index(gz_deps *d);
const gz_dep *gz_deps_find(const gz_deps *d, const char *out);
/* Add a record (copies everything; body may be NULL: none). Thread-safe. */
void gz_deps_add(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
		 char *const *paths, const bool *body, size_t npaths);
/* Keep path once in d, as gz_deps_add does with each of its paths, and
 * return d's copy, which lives as long as d. Thread-safe. */
const char *gz_deps_intern(gz_deps *d, const char *path);
/* gz_deps_add when every path is one gz_deps_intern(d, …) returned: they
 * are taken as they are, not looked up again under d's lock. */
void gz_deps_add_interned(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
			  const char *const *paths, const bool *body, size_t npaths);
/* Write atomically. Returns 0 or -1. */
/* Add old, a record of another table whose strings d adopted
 * (gz_deps_adopt_strings), as it is: d borrows its out, paths and body, so
 * that table must outlive d's use (release it first, or with d). Most of
 * a small rebuild's records are kept: no copies, no allocations. */
void gz_deps_keep(gz_deps *d, const gz_dep *old);
/* gz_deps_keep for n records at once, under one lock. */
void gz_deps_keep_many(gz_deps *d, const gz_dep *const *old, size_t n);

/* A record's path (only those: they are interned) has a slot the caller
 * may fill, e.g. with the page of that path, before records are read from
 * several threads. */
const void **gz_deps_slot(const char *path);

/* to takes over from's interned paths; from's records still point at them,
 * so release from first or with to. */
void gz_deps_adopt_strings(gz_deps *to, gz_deps *from);

int gz_deps_save(gz_deps *d, const char *file);


#endif
