/*
 * pagecache.h: pages as earlier builds parsed them, kept in the cache folder
 * (.gazette/ beside the content; never in the content itself or public/).
 *
 * Parsing (front matter, Markdown, Lua filters and shortcodes) is most of a
 * build's load, and a file that did not change parses the same. An entry
 * is keyed by the page's path, a hash of its bytes and a salt that covers
 * everything else a parse reads (the program, site.yml, the hooks). For a
 * folder source the file system's stamp (size, times, inode) stands for
 * the bytes, as in git's index, so an unchanged file is not even read; a
 * stamp taken less than two seconds after the file changed is not trusted.
 *
 * What a parse learned from other files (whether an image the body shows
 * exists) is kept with the entry and checked again on every hit; whatever
 * else the load checks against other files (photos, covers) it checks on a
 * hit as always, so a hit gives the same page and the same errors as a
 * parse. Only pages that loaded without any problem are kept.
 *
 * Two files: pages.pack holds the entries and is appended to, or replaced
 * by a new one (the build's new entries, then the old ones still used);
 * pages.idx maps each path to its stamp, key and entry, with a copy of the
 * entry's head (its fields: a hit reads them from the index, and the pack
 * only for the bodies it renders), and is replaced whole. A damaged file
 * is a miss with one warning, never a wrong page.
 */
#ifndef GZ_PAGECACHE_H
#define GZ_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "load/page.h"
#include "source/source.h"
#include "base/strlist.h"

typedef struct gz_pagecache gz_pagecache;

/* The cache in folder dir (made when written), in two steps, so its old
 * index and pack are read on a thread of their own while the files are
 * listed. gz_pagecache_preload starts that (NULL if dir is NULL; with read
 * false the old entries are ignored and the cache written afresh).
 * gz_pagecache_open waits for it and takes pre over for a load of the files
 * in paths (pre may be NULL); salt: a hash of everything but a page's own
 * bytes that its parse reads. A damaged index is a warning in d and an
 * empty cache. A cache preloaded but not opened is let go with
 * gz_pagecache_free. */
gz_pagecache *gz_pagecache_preload(const char *dir, bool read);
gz_pagecache *gz_pagecache_open(gz_pagecache *pre, uint64_t salt, const gz_strlist *paths,
				gz_diag *d);

/* Fill p's parsed fields (fm, section, slug, url, out, dir, bundle,
 * is_index, html, plain, doc, chars, summary, images) and *h from a valid
 * entry for path: returns 1. Otherwise returns 0 with h->src set and the
 * file read into *data, *len (caller frees), or -1 if it cannot be read.
 * Safe on several threads for distinct paths of the list. A hit's body
 * text (plain, doc and, without images, html) and its front matter's
 * strings are lent: see below. */
int gz_pagecache_get(gz_pagecache *c, gz_source *src, const char *path, gz_page *p,
		     gz_page_hashes *h, char **data, size_t *len);

/* Keep the parse of p, which loaded without a problem, with its hashes h,
 * and with fields what its load made of its front matter (pageentry.h).
 * probes are the files its body's images named, exists[i] whether each
 * was there. Same threading as gz_pagecache_get. The entry holds p's body
 * (its plain text, its blocks and, without images, its HTML): p's own are
 * freed and the entry's lent to it, as after a hit. The entry is written at
 * once to a file that has no name until gz_pagecache_save gives it one in
 * the cache folder (a build stopped or failed before leaves nothing; before
 * the first build the file is in the folder the cache folder will be made
 * in, where a file without a name changes nothing), and p's body is read
 * from there; where that cannot be, it is held in memory. */
void gz_pagecache_put(gz_pagecache *c, gz_page *p, const gz_page_hashes *h, bool fields,
		      char *const *probes, const bool *exists, size_t nprobes);

/* The body text a page holds in one copy, the entry's, for the whole
 * build: c lends it, and keeps it until it is freed. Which strings are
 * lent is c's to know, not the page's: gz_pagecache_take_back clears from
 * p (sets to NULL) what c lent it, so that gz_page_free frees only what
 * the page owns. Call it for every page loaded through c before freeing
 * the page (a page c did not fill is left as it is); NULL is allowed. */
void gz_pagecache_take_back(gz_pagecache *c, gz_page *p);

/* The bodies pages borrow from the cache are read from its files, and
 * what has been read of them counts as the process's memory until this
 * lets the system take it back: call it once a stage has read its pages,
 * or every few hundred pages. Safe on any thread at any time (what a
 * page reads after is read from the file again). NULL is allowed. */
void gz_pagecache_shed(gz_pagecache *c);

/*
 * A hit checks its entry's head (front matter, fields, summary) at once;
 * the body's text (most of an entry) is read by few builds. After
 * gz_pagecache_check_later (before the first gz_pagecache_get), a hit's
 * text is checked only by gz_pagecache_verify_start, on a thread of its own
 * while the build goes on. Nothing is summed, head or text, when the pack
 * is as the build that wrote it left it: the index records the pack's
 * stamp (inode, size, times), and any write to the file changes its ctime.
 * gz_pagecache_verify_wait returns how many hits had damaged text: such a
 * build must not use what it made (a page's text may be wrong) and starts
 * again without the cache; they are dropped from it, and
 * gz_pagecache_report warns.
 */
void gz_pagecache_check_later(gz_pagecache *c);
void gz_pagecache_verify_start(gz_pagecache *c);
size_t gz_pagecache_verify_wait(gz_pagecache *c);

/* Warn in d (once) if gz_pagecache_get met damaged entries. */
void gz_pagecache_report(gz_pagecache *c, gz_diag *d);

/* Pages found in the cache by gz_pagecache_get. */
size_t gz_pagecache_hits(const gz_pagecache *c);

/* Write what changed (files no longer listed are dropped); problems are
 * warnings in d. NULL is allowed. */
void gz_pagecache_save(gz_pagecache *c, gz_diag *d);

/* Free c, after every page filled from it (what it lent them is freed
 * with it). NULL is allowed. */
void gz_pagecache_free(gz_pagecache *c);

#endif
