/*
 * page.h: one content file: front matter + Markdown body.
 *
 * gz_page_load reads and checks a content Markdown file and renders its body;
 * everything a template needs of the page alone is filled here. What needs
 * the other pages (terms, prev/next, related) is filled by the site model.
 *
 * The page is its content only. What a build compares rather than reads
 * (hashes for the page cache, the search index and the incremental build)
 * is kept beside it: the load returns its part in a gz_page_hashes, and the
 * site holds that in its side table (site.h).
 *
 * The strings are the page's, freed by gz_page_free, but for those the
 * page cache lent a hit (pagecache.h): its body's (html, plain, doc), its
 * place (section, slug, url, out, dir), its summary and, when its entry
 * kept them, its fields (title, author, source, reprint, layout). The
 * cache keeps those, and gz_pagecache_take_back clears them from the page
 * before it is freed. The page records nothing of it.
 */
#ifndef GZ_PAGE_H
#define GZ_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "load/config.h"
#include "base/date.h"
#include "base/diag.h"
#include "load/markdown.h"
#include "source/source.h"
#include "base/strlist.h"
#include "load/yaml.h"

struct gz_term;
struct gz_section;
struct gz_history;
struct gz_picture;
struct gz_pagecache;

typedef struct {
	char *url;          /* site-absolute URL path, "/photos/2019/a.jpg" */
	char *file;         /* source path, "content/photos/2019/a.jpg" (NULL: external) */
	char *ref;          /* as written in the page */
	char *caption, *credit, *alt;
	char *title;        /* a Markdown image's title (the last source of its
			     * caption: gz_page_load settles caption and credit) */
	int line, col;      /* where the reference is */
	const struct gz_picture *pic; /* its derivatives (photos.h), once made */
} gz_photo;

typedef enum { GZ_PUBLISHED, GZ_REVIEW, GZ_DRAFT } gz_status;

typedef struct gz_page gz_page;
struct gz_page {
	char *path;           /* "content/stories/2019/a.md" */
	char *dir;            /* folder its relative references start from */
	bool bundle;          /* index.md of a page bundle */
	bool is_index;        /* _index.md: a section's own text */
	char *section;        /* first folder under content/, "" at the top */
	char *slug;
	char *url;            /* "/stories/2019/a/" */
	char *out;            /* "stories/2019/a/index.html" */
	/* title is read whole: a line break in its YAML is print's alone
	 * (gz_text_title_whole; print reads fm's for where it breaks) */
	char *title, *summary, *author, *source, *reprint, *layout;
	int layout_line, layout_col;
	gz_status status;
	gz_date date, updated;
	bool has_date, has_updated, featured;
	gz_value *fm;         /* the whole front matter (GZ_MAP or GZ_NULL); read
			       * it through gz_page_fm (load/pagefm.h): */
	const char *fm_at;    /* a hit's, still in its cache entry (fm_len bytes)
			       * until first asked for; its fields came ready */
	size_t fm_len;
	char *html;
	size_t html_len;
	char *plain;          /* body text, for counts and search */
	char *doc;            /* the body's blocks (doc.h), for print and the
			       * broadcast script; images by index into images */
	size_t chars;
	gz_strlist *tax_values;          /* [cfg->ntax] raw term names: one
					  * block with their items and names */
	struct gz_term ***terms;         /* [cfg->ntax] resolved by the model, */
	size_t *nterms;                  /* in one block with these and the lists
					  * (gz_page_alloc_terms) */
	gz_photo *photos;
	size_t nphotos;
	gz_photo *cover;                 /* NULL or owned */
	gz_photo *images;                /* Markdown images in content/; the body
					  * holds <!--gz-img N--> for images[N] until
					  * the photo stage writes them (photos.h) */
	size_t nimages;
	gz_page *prev, *next;            /* older/newer in the section */
	gz_page **related;
	size_t nrelated;
	struct gz_section *sec;
	size_t ntax;
	size_t order;                    /* index in site->pages */
	const struct gz_history *history; /* from git, or NULL */
	size_t id;                       /* index in site->all (and its side table) */
	gz_value *extra;                 /* fields set by on_load hooks (gz.set), or NULL */
	gz_md_error *hook_errors;        /* what failed in its text (filters, shortcodes) */
	size_t nhook_errors;
	bool broken;                     /* left out of the site */
};

/*
 * What the load learns of a page that later stages compare instead of
 * reading the page again. The parse's hashes are made with the parse and
 * kept in its page cache entry, so a build need not read every page's
 * strings again to hash them; a page a hook made has none (parsed false).
 */
typedef struct {
	uint64_t src;          /* of the file's bytes (a hook's page: of its fields) */
	uint64_t plain;        /* gz_page_plain_hash of the body's text */
	uint64_t fields;       /* gz_page_fields_hash: fm, URL, title, summary, date,
				* layout, images */
	uint64_t search_text;  /* gz_page_search_hashes: title and text */
	uint64_t search_doc;   /* what docs.json says */
	uint64_t search_head;  /* captions, fields, terms (gz_searchtext_head_hash) */
	bool parsed;           /* fields and the search hashes are set */
} gz_page_hashes;

/*
 * The filters a page's body goes through (the site's Lua hooks: lua/
 * implements them, the build hands them in). hooks gives the Markdown
 * hooks for the page at path whose front matter is *fm (a document filter
 * may replace it), borrowed until the next call on the same filter; or
 * NULL when nothing filters Markdown. One filter serves one thread.
 */
typedef struct {
	const gz_md_hooks *(*hooks)(const char *path, gz_value **fm, void *payload);
	void *payload;
} gz_page_filter;

/* Load path (root-relative) from src into p, and what its load learned
 * into *hashes; filter (may be NULL) runs the Lua filters and shortcodes;
 * cache (may be NULL) keeps parses across builds (pagecache.h). Problems
 * go to d; returns 0 when the page is usable, -1 when it had errors (p is
 * still safe to free). */
int gz_page_load(gz_page *p, gz_page_hashes *hashes, const gz_config *cfg, gz_source *src,
		 const char *path, const gz_page_filter *filter, struct gz_pagecache *cache,
		 gz_diag *d);
/* Free p and every string it holds (a page the cache filled: after
 * gz_pagecache_take_back). NULL is allowed. */
void gz_page_free(gz_page *p);

/* p's terms and nterms, in one block with a slot for each of its term
 * names (tax_values): the lists empty, for the model to fill. */
void gz_page_alloc_terms(gz_page *p, size_t ntax);
/* Free the page's HTML, plain text and blocks and its Markdown images,
 * leaving the fields empty: a parse that is to be made again. What the
 * cache lent must be cleared from the page first. */
void gz_page_release_body(gz_page *p);
void gz_page_release_images(gz_page *p);

/* Append how a credit is printed under a photo, on the web, in print and
 * in the broadcast script alike: "摄影：孙昊", or the credit as written
 * when it already says what it is ("孙昊 摄", "示意插图"). */
void gz_photo_credit(gz_buf *out, const char *credit);

/* "转载请注明出处" etc. for p->reprint (borrowed static or p's string). */
const char *gz_page_reprint_text(const gz_page *p);

/* The hash of a page file's bytes (gz_page_hashes.src). */
uint64_t gz_page_source_hash(const char *data, size_t len);

/* The hash of a page's plain text (gz_page_hashes.plain). */
uint64_t gz_page_plain_hash(const char *plain, size_t len);

/* What the search index hashes of p, into h: search_text (its title and
 * text, from h->plain), search_doc (what docs.json says of it: URL, title,
 * date, section, its ntax taxonomies' values) and search_head (captions,
 * fields, terms). A parse sets them; a hook's page has them made here. */
void gz_page_search_hashes(gz_page_hashes *h, const gz_page *p, size_t ntax);

/* gz_page_hashes.fields, from p's fields as they are now and fm_hash, the
 * hash of its front matter (gz_value_hash; a hook's page: its src hash). */
uint64_t gz_page_fields_hash(const gz_page *p, uint64_t fm_hash);

#endif
