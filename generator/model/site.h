/*
 * site.h: the model: every page, and the sections, taxonomies and archives
 * that group them.
 *
 * gz_site_load reads site.yml and every content file (in parallel), then
 * links pages into sections, terms, year/month archives, prev/next and
 * related lists. After it returns the model is read-only, so any number of
 * render threads may read it without locks. Lists are newest first; ties
 * break on the source path so every build orders things the same way.
 */
#ifndef GZ_SITE_H
#define GZ_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load/config.h"
#include "base/diag.h"
#include "load/page.h"
#include "source/source.h"
#include "base/strlist.h"

typedef struct gz_term {
	char *name, *slug, *url;
	uint64_t name_hash, slug_hash;
	size_t tax;               /* index into site->tax */
	gz_page **pages;
	size_t n, cap;
} gz_term;

typedef struct {
	char *key, *label, *url;
	gz_term **terms;          /* most pages first */
	size_t n;
	gz_map by_slug;
	gz_map by_name;           /* each spelling seen → its term (or NULL) */
	gz_strlist names;         /* by_name's keys */
} gz_taxonomy;

typedef struct gz_section {
	char *name, *title, *url;
	gz_page *index;           /* its _index.md, or NULL */
	gz_page **pages;
	size_t n, cap;
} gz_section;

typedef struct {
	int year, month;          /* month 0: the whole year */
	char *url;
	gz_page **pages;          /* borrowed slice of site->pages */
	size_t n;
} gz_period;

/*
 * What the incremental build compares of a page, kept beside it (the page
 * is its content): the site's side table holds one for each page of all,
 * at the page's id. load is what the page's load made (page.h); the rest
 * the model makes, in gz_site_hash. meta covers what a template can read
 * of the page but its body, model the body too (sitehash.c says what
 * each takes in); an output records which it read (render.h).
 */
typedef struct {
	gz_page_hashes load;
	uint64_t path;            /* of the page's path */
	uint64_t settled;         /* the part of meta fixed once the model is linked */
	bool has_settled;
	uint64_t meta;
	uint64_t model;
} gz_page_state;

typedef struct {
	gz_config cfg;
	gz_source *src;           /* borrowed */
	gz_page **all;            /* every content page loaded */
	gz_page_state *state;     /* [nall], of all[i] (gz_site_state) */
	size_t nall;
	size_t all_cap, state_cap, standalone_cap; /* room for hooks' pages (gz.add_page) */
	gz_page **pages;          /* published pages in sections, newest first */
	size_t npages;
	gz_page **featured;
	size_t nfeatured;
	gz_page **standalone;     /* published pages outside any section */
	size_t nstandalone;
	gz_section *sections;
	size_t nsections;
	gz_taxonomy *tax;         /* [cfg.ntax] */
	gz_period *years;         /* newest first */
	size_t nyears;
	gz_period *months;        /* newest first */
	size_t nmonths;
	gz_strlist files;         /* content files that are not pages */
	char *build_date;         /* date of the newest page */
	bool drafts;              /* draft and review pages are built */
	uint64_t hash;            /* of every page's model hash (see site.c) */
	uint64_t meta_hash;       /* of every page's meta hash */
	uint64_t yml_hash;        /* of site.yml's bytes */
	uint64_t config_hash;     /* of site.yml and the section titles */
	struct gz_pagecache *cache; /* parsed pages, kept for gz_site_save_cache */
	char *cache_dir;          /* opts->cache_dir */
	uint64_t related_key;     /* what the related lists were made from */
	bool related_new;         /* they were, in this load: keep them */
} gz_site;

/*
 * How the load gets its page filters (page.h) without knowing what they
 * are: the build hands in the Lua hooks' (lua/script.h). open makes one
 * worker's filter into *out, with out->hooks NULL when no hook filters
 * Markdown; returns 0, or -1 with errors in d (then *out needs no close).
 * close frees what open made. salt mixes what the filters' output
 * depends on into *h, for the page cache; false when that cannot be known
 * (hooks granted io or os may read anything): then no page is cached.
 * stopped (may be NULL) says a filter ran over its time or its steps: the
 * load reads no more pages then (but with --keep-going).
 */
typedef struct {
	int (*open)(gz_page_filter *out, const gz_config *cfg, gz_diag *d, void *payload);
	void (*close)(gz_page_filter *f, void *payload);
	bool (*salt)(uint64_t *h, void *payload);
	bool (*stopped)(void *payload);
	void *payload;
} gz_page_filters;

typedef struct {
	bool drafts;              /* build draft and review pages too */
	int jobs;
	bool progress;
	bool future;              /* build pages dated after now too */
	int64_t now;              /* seconds since 1970: later dates are scheduled */
	const gz_page_filters *filters; /* the hooks that filter Markdown (may be NULL) */
	bool keep_going;          /* a page a hook fails on is left out, with a warning */
	const char *cache_dir;    /* keep parsed pages here (pagecache.h); NULL: none */
	bool cache_fresh;         /* write the cache but do not read it */
	bool unhashed;            /* leave the model hashes to the caller (gz_site_hash) */
	bool check_later;         /* the cached pages' text: gz_pagecache_verify_wait */
	/* called once every page is loaded, before the model links them: what
	 * it starts on a thread of its own has the second core while the
	 * linking uses one (the page load wants both) */
	void (*loaded)(void *arg);
	void *loaded_arg;
} gz_load_opts;

/* Recompute the model hashes (after history was attached). */
void gz_site_hash(gz_site *site);

/* The state of p, one of site->all; borrowed until gz_site_add_standalone
 * (which may move the table). */
static inline const gz_page_state *gz_site_state(const gz_site *site, const gz_page *p)
{
	return &site->state[p->id];
}

/* Load the site from src. Problems go to d; returns -1 if any was an error
 * (the site is still safe to release). */
int gz_site_load(gz_site *site, gz_source *src, const gz_load_opts *opts, gz_diag *d);
void gz_site_release(gz_site *site);

/* Write what the load parsed into the page cache (opts->cache_dir), for
 * the next build; only a build that succeeded calls it. Problems are
 * warnings in d. */
void gz_site_save_cache(gz_site *site, gz_diag *d);

/* n pages were left out (not read, or not rendered) because a Lua call of
 * the build ran over its limit (gz_theme_ran_away): one error that says
 * how many, at content/. Nothing when n is 0. */
void gz_site_report_left(gz_diag *d, size_t n, bool rendered);

/* Add a page made by a hook (gz.add_page) as a standalone page; the site
 * takes it over. src_hash stands for its file's bytes: a hash of what it
 * was made from. */
void gz_site_add_standalone(gz_site *site, gz_page *p, uint64_t src_hash);

/* The section with that name, or NULL. */
gz_section *gz_site_section(const gz_site *site, const char *name);

#endif
