#include "render/render.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/pool.h"
#include "load/pagecache.h"

/* Jobs between two gz_pagecache_shed: a few megabytes of bodies read. */
#define SHED_EVERY 256
/* Fewer outputs to render than this are rendered by one worker: opening
 * another's Lua state (compiling the theme) would cost more. */
#define RENDER_ALONE 48

typedef struct {
	char *out;               /* output path */
	const char *layout;
	const gz_page *page;     /* regular page, or NULL for a list */
	gz_list list;
	char *title;             /* owned list title */
	char *url;               /* owned list URL */
	const char *origin;      /* for messages */
} job;

typedef struct {
	job *items;
	size_t n, cap;
} jobs;

static job *add_job(jobs *js)
{
	job *j;

	GZ_GROW(js->items, js->cap, js->n + 1);
	j = &js->items[js->n++];
	memset(j, 0, sizeof(*j));
	return j;
}

static const char *const print_layouts[] = {"trifold", "booklet", "brochure", "leaflet", NULL};

bool gz_render_is_print_layout(const char *name)
{
	size_t i;

	for (i = 0; print_layouts[i]; i++)
		if (!strcmp(print_layouts[i], name))
			return true;
	return false;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	gz_buf b = GZ_BUF_INIT;
	va_list ap;

	va_start(ap, f);
	gz_buf_vprintf(&b, f, ap);
	va_end(ap);
	return gz_buf_detach(&b, NULL);
}

/* a then b, in a string of its own: a list page's path and its pager's
 * URLs, tens of thousands of them in a build, where printf was a tenth of
 * a small rebuild's render */
static char *join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *s = gz_malloc(na + nb + 1);

	memcpy(s, a, na);
	memcpy(s + na, b, nb + 1);
	return s;
}

/* The URL of a list's page k: base_url "page/" k "/" */
static char *pager_url(const char *base_url, int k)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_puts(&b, base_url);
	gz_buf_puts(&b, "page/");
	gz_buf_add_uint(&b, (unsigned long long)k);
	gz_buf_putc(&b, '/');
	return gz_buf_detach(&b, NULL);
}

/* A list page at url (taken over, as is title): written to url's
 * index.html, or to url itself when it names a file (/atom.xml). */
static job *add_list(jobs *js, const gz_list *l, char *url, char *title, const char *layout)
{
	job *j = add_job(js);
	size_t n = strlen(url);

	j->list = *l;
	j->url = url;
	j->title = title;
	j->list.url = url;
	j->list.title = title;
	j->out = n && url[n - 1] == '/' ? join(url + 1, "index.html") : gz_strdup(url + 1);
	j->layout = layout;
	j->origin = layout;
	return j;
}

/* One job per pager page of a list. */
static void add_paged(jobs *js, const gz_site *site, const gz_list *tmpl, const char *base_url,
		      const char *layout, const char *title)
{
	size_t per = (size_t)site->cfg.paginate;
	int total = tmpl->n ? (int)((tmpl->n + per - 1) / per) : 1, k;

	for (k = 1; k <= total; k++) {
		gz_list l = *tmpl;
		size_t from = (size_t)(k - 1) * per;

		l.pages = tmpl->pages + from;
		l.n = tmpl->n > from ? tmpl->n - from : 0;
		if (l.n > per)
			l.n = per;
		l.number = k;
		l.total = total;
		l.base_url = base_url;
		add_list(js, &l, k == 1 ? gz_strdup(base_url) : pager_url(base_url, k),
			 gz_strdup(title), layout);
	}
}

static const char *page_layout(const gz_page *p, const gz_theme *th, gz_diag *d)
{
	if (p->layout) {
		if (gz_theme_find(th, p->layout))
			return p->layout;
		if (!gz_render_is_print_layout(p->layout)) {
			gz_diag_error(d, p->path, p->layout_line, p->layout_col,
				      _("layout '%s' not found (looked for %s/layouts/%s.html)"),
				      p->layout, th->display, p->layout);
			return NULL;
		}
	}
	if (*p->section && gz_theme_find(th, p->section))
		return p->section;
	return "page";
}

/* A page of its own for each page with a layout. */
static void page_jobs(jobs *js, const gz_site *site, const gz_theme *th, gz_diag *d)
{
	size_t i;
	job *j;

	for (i = 0; i < site->npages; i++) {
		const gz_page *p = site->pages[i];
		const char *layout = page_layout(p, th, d);
		if (!layout)
			continue;
		j = add_job(js);
		j->page = p;
		j->layout = layout;
		j->out = gz_strdup(p->out);
		j->origin = p->path;
	}
	/* pages outside any section (about.md) are in no list; they still get
	 * a page of their own */
	for (i = 0; i < site->nstandalone; i++) {
		const gz_page *p = site->standalone[i];
		j = add_job(js);
		j->page = p;
		j->layout = page_layout(p, th, d);
		j->out = gz_strdup(p->out);
		j->origin = p->path;
		if (!j->layout)
			js->n--;
	}
}

/* Each section's pages and its feed. */
static void section_jobs(jobs *js, const gz_site *site)
{
	gz_list l;
	size_t i;

	for (i = 0; i < site->nsections; i++) {
		const gz_section *s = &site->sections[i];
		memset(&l, 0, sizeof(l));
		l.kind = "section";
		l.pages = s->pages;
		l.n = s->n;
		l.section = s;
		add_paged(js, site, &l, s->url, "section", s->title);

		memset(&l, 0, sizeof(l));
		l.kind = "feed";
		l.pages = s->pages;
		l.n = s->n < (size_t)site->cfg.feed_items ? s->n : (size_t)site->cfg.feed_items;
		l.section = s;
		add_list(js, &l, fmt("%satom.xml", s->url), fmt("%s - %s", s->title, site->cfg.title), "atom");
	}
}

/* Each taxonomy's list of terms, and each term's pages. */
static void taxonomy_jobs(jobs *js, const gz_site *site)
{
	gz_list l;
	size_t i, k;

	for (i = 0; i < site->cfg.ntax; i++) {
		const gz_taxonomy *tx = &site->tax[i];
		memset(&l, 0, sizeof(l));
		l.kind = "terms";
		l.tax = tx;
		add_list(js, &l, gz_strdup(tx->url), gz_strdup(tx->label), "terms");
		for (k = 0; k < tx->n; k++) {
			const gz_term *t = tx->terms[k];
			memset(&l, 0, sizeof(l));
			l.kind = "term";
			l.tax = tx;
			l.term = t;
			l.pages = t->pages;
			l.n = t->n;
			add_paged(js, site, &l, t->url, "term", t->name);
		}
	}
}

/* The archive's front page, its years and its months. */
static void archive_jobs(jobs *js, const gz_site *site)
{
	gz_list l;
	size_t i;

	memset(&l, 0, sizeof(l));
	l.kind = "archive";
	add_list(js, &l, gz_strdup("/archive/"), gz_strdup("归档"), "archive");
	for (i = 0; i < site->nyears; i++) {
		const gz_period *y = &site->years[i];
		memset(&l, 0, sizeof(l));
		l.kind = "archive";
		l.year = y->year;
		l.pages = y->pages;
		l.n = y->n;
		add_list(js, &l, gz_strdup(y->url), fmt("%d年", y->year), "archive");
	}
	for (i = 0; i < site->nmonths; i++) {
		const gz_period *m = &site->months[i];
		memset(&l, 0, sizeof(l));
		l.kind = "archive";
		l.year = m->year;
		l.month = m->month;
		l.pages = m->pages;
		l.n = m->n;
		add_list(js, &l, gz_strdup(m->url), fmt("%d年%d月", m->year, m->month), "archive");
	}
}

/* The site's feed and sitemap.xml. */
static void site_jobs(jobs *js, const gz_site *site)
{
	gz_list l;

	memset(&l, 0, sizeof(l));
	l.kind = "feed";
	l.pages = site->pages;
	l.n = site->npages < (size_t)site->cfg.feed_items ? site->npages : (size_t)site->cfg.feed_items;
	add_list(js, &l, gz_strdup("/atom.xml"), gz_strdup(site->cfg.title), "atom");

	memset(&l, 0, sizeof(l));
	l.kind = "sitemap";
	l.pages = site->pages;
	l.n = site->npages;
	add_list(js, &l, gz_strdup("/sitemap.xml"), gz_strdup(site->cfg.title), "sitemap");
}

/* The pages a site has only when its theme has their layouts. */
static void theme_jobs(jobs *js, const gz_site *site, const gz_theme *th)
{
	gz_list l;

	/* the search page, when the site has search and the theme a layout */
	if (site->cfg.search && gz_theme_find(th, "search")) {
		memset(&l, 0, sizeof(l));
		l.kind = "search";
		add_list(js, &l, gz_strdup("/search/"), gz_strdup("搜索"), "search");
	}
	/* the photo archive for TV staff, when the theme has a layout for it */
	if (gz_theme_find(th, "photos")) {
		memset(&l, 0, sizeof(l));
		l.kind = "photos";
		l.pages = site->pages;
		l.n = site->npages;
		add_list(js, &l, gz_strdup("/photos/"), gz_strdup("图片档案"), "photos");
	}
	/* the site map for readers (网站地图; sitemap.xml is the crawlers') */
	if (gz_theme_find(th, "map")) {
		memset(&l, 0, sizeof(l));
		l.kind = "map";
		add_list(js, &l, gz_strdup("/sitemap/"), gz_strdup("网站地图"), "map");
	}
	/* how to subscribe, for a reader: a feed opened in a browser is XML */
	if (gz_theme_find(th, "subscribe")) {
		memset(&l, 0, sizeof(l));
		l.kind = "subscribe";
		add_list(js, &l, gz_strdup("/subscribe/"), gz_strdup("订阅本站"), "subscribe");
	}
}

/* Every page the site renders, each a job. */
static void list_jobs(jobs *js, const gz_site *site, const gz_theme *th, gz_diag *d)
{
	gz_list l;

	page_jobs(js, site, th, d);
	memset(&l, 0, sizeof(l));
	l.kind = "home";
	l.pages = site->pages;
	l.n = site->npages < (size_t)site->cfg.paginate ? site->npages : (size_t)site->cfg.paginate;
	add_list(js, &l, gz_strdup("/"), gz_strdup(site->cfg.title), "home");
	section_jobs(js, site);
	taxonomy_jobs(js, site);
	archive_jobs(js, site);
	site_jobs(js, site);
	theme_jobs(js, site, th);
	memset(&l, 0, sizeof(l));
	l.kind = "404";
	add_list(js, &l, gz_strdup("/404.html"), gz_strdup("页面未找到"), "404");
}

typedef struct {
	jobs *js;
	const gz_site *site;
	const gz_theme *theme;
	gz_script **states;      /* a worker's, opened when it first renders */
	gz_outputs *out;
	gz_diag *d;
	gz_render_opts *opts;
	gz_map by_path;          /* content path → page */
	const char **paths;      /* [id]: the page's path in opts->next */
	atomic_size_t rendered, kept;
	atomic_size_t skipped;   /* not rendered: a hook or layout ran away */
	atomic_size_t done;      /* jobs finished, for gz_pagecache_shed */
	size_t *todo;            /* the jobs to render (not kept), ntodo of them */
	size_t ntodo;
	const gz_dep **kept_dep; /* [job]: the old record of a job that stands */
} render_ctx;

/* What identifies the page or list a job shows (not what its pages say:
 * that is in their model hashes). Every job of every build: its strings
 * eight bytes at a step. */
static uint64_t job_hash(const gz_site *site, const job *j)
{
	const gz_list *l = &j->list;
	uint64_t h = gz_hash_fast_str(GZ_HASH_INIT, j->layout);
	size_t i;

	h = gz_hash_fast_str(h, j->out);
	if (j->page)
		return gz_hash_fast_str(h, j->page->path);
	h = gz_hash_fast_str(gz_hash_fast_str(gz_hash_fast_str(h, l->kind), l->title), l->url);
	h = gz_hash_mix(gz_hash_mix(h, (uint64_t)l->number), (uint64_t)l->total);
	h = gz_hash_mix(gz_hash_mix(h, (uint64_t)l->year), (uint64_t)l->month);
	for (i = 0; i < l->n; i++)
		h = gz_hash_mix(h, gz_site_state(site, l->pages[i])->path);
	if (l->section) {
		h = gz_hash_fast_str(h, l->section->title);
		h = gz_hash_mix(h, l->section->n);
		if (l->section->index)
			h = gz_hash_mix(h, gz_site_state(site, l->section->index)->model);
	}
	if (l->term)
		h = gz_hash_mix(gz_hash_mix(h, l->term->name_hash), l->term->n);
	if (l->tax) {
		h = gz_hash_fast_str(h, l->tax->key);
		for (i = 0; !l->term && i < l->tax->n; i++)
			h = gz_hash_mix(gz_hash_mix(h, l->tax->terms[i]->name_hash),
					l->tax->terms[i]->n);
	}
	if (l->year && !l->month)
		for (i = 0; i < site->nmonths; i++)
			if (site->months[i].year == l->year)
				h = gz_hash_mix(gz_hash_mix(h, (uint64_t)site->months[i].month),
						site->months[i].n);
	return h;
}

/* An output read the fields of some pages (the whole model of those whose
 * body it read, what lists show of the others) and perhaps the site's
 * lists (their order and what they show: the bodies are in the pages).
 * pages[i] is the page of paths[i], NULL when it is gone. */
static uint64_t dep_key(const render_ctx *c, uint64_t jh, const char *const *paths,
			const gz_page *const *pages, const bool *body, size_t n, bool site)
{
	uint64_t h = gz_hash_mix(GZ_HASH_INIT, c->theme->hash);
	size_t i;

	h = gz_hash_mix(gz_hash_mix(h, c->site->config_hash), jh);
	for (i = 0; i < n; i++) {
		const gz_page_state *st = pages[i] ? gz_site_state(c->site, pages[i]) : NULL;
		bool b = body && body[i];
		h = gz_hash_mix(gz_hash_mix(h, st ? st->path : gz_hash_str(GZ_HASH_INIT, paths[i])),
				st ? (b ? st->model : st->meta) : (b ? 1 : 0));
	}
	return gz_hash_mix(h, site ? c->site->meta_hash : 0);
}

/* The pages of an old record's paths, from their slots (gz_render_site
 * fills them before rendering). */
static uint64_t old_key(const render_ctx *c, uint64_t jh, const gz_dep *old)
{
	const gz_page *stack[64], **pages = old->npaths <= 64 ? stack
						: gz_calloc(old->npaths, sizeof(*pages));
	uint64_t key;
	size_t i;

	for (i = 0; i < old->npaths; i++)
		pages[i] = *gz_deps_slot(old->paths[i]);
	key = dep_key(c, jh, (const char *const *)old->paths, pages, old->body, old->npaths,
		      old->site);
	if (pages != stack)
		free(pages);
	return key;
}

bool gz_render_in_place(const gz_render_opts *opts, const char *out, size_t len)
{
	gz_buf full = GZ_BUF_INIT;
	struct stat st;
	bool ok;

	if (!opts->out_dir)
		return false;
	if (opts->out_trusted)
		return true;
	gz_buf_printf(&full, "%s/%s", opts->out_dir, out);
	ok = stat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len;
	gz_buf_release(&full);
	return ok;
}

/* Is the file the last build wrote for j still right? */
static bool keep_old(render_ctx *c, const job *j, uint64_t jh)
{
	const gz_dep *old = c->opts->prev ? gz_deps_find(c->opts->prev, j->out) : NULL;
	bool ok;

	if (!old || !c->opts->out_dir ||
	    old_key(c, jh, old) != old->key)
		return false;
	ok = gz_render_in_place(c->opts, j->out, old->len);
	if (ok)
		c->kept_dep[j - c->js->items] = old;
	return ok;
}

/* Does job i's output stand (kept_dep[i] set)? Decided on all workers. */
static void decide_one(size_t i, int worker, void *payload)
{
	render_ctx *c = payload;

	(void)worker;
	keep_old(c, &c->js->items[i], job_hash(c->site, &c->js->items[i]));
}

/* The outputs that stand, in the jobs' order, added here on one thread
 * (both workers adding them under the lists' locks, twenty thousand
 * times, cost more than the decisions); the others listed to render. */
static void keep_all(render_ctx *c)
{
	size_t i, n = 0;
	char **paths = gz_calloc(c->js->n ? c->js->n : 1, sizeof(*paths));
	const char **origins = gz_calloc(c->js->n ? c->js->n : 1, sizeof(*origins));
	const gz_dep **deps = gz_calloc(c->js->n ? c->js->n : 1, sizeof(*deps));

	for (i = 0; i < c->js->n; i++) {
		job *j = &c->js->items[i];
		if (!c->kept_dep[i]) {
			c->todo[c->ntodo++] = i;
			continue;
		}
		/* the output takes the job's path over */
		paths[n] = j->out;
		j->out = NULL;
		origins[n] = j->origin;
		deps[n++] = c->kept_dep[i];
	}
	gz_outputs_keep_many(c->out, paths, origins, n);
	if (c->opts->next)
		gz_deps_keep_many(c->opts->next, deps, n);
	atomic_fetch_add(&c->kept, n);
	free(paths);
	free(origins);
	free(deps);
}

static void render_one(size_t at, int worker, void *payload)
{
	render_ctx *c = payload;
	job *j = &c->js->items[c->todo[at]];
	gz_buf b = GZ_BUF_INIT;
	char *data;
	uint64_t jh = job_hash(c->site, j);
	size_t len;

	/* an on_page hook or a layout that looped on one page would loop on
	 * every other, each for the whole of its limit: the build fails on
	 * the first */
	if (!c->opts->keep_going && gz_theme_ran_away(c->theme)) {
		atomic_fetch_add(&c->skipped, 1);
		return;
	}
	/* the first worker's is open: a broken template is reported once */
	if (!c->states[worker])
		gz_script_open(&c->states[worker], c->theme, c->site, c->d);
	/* --keep-going leaves the page out with a warning */
	if (gz_script_render(c->states[worker], j->layout, j->page, j->page ? NULL : &j->list, &b,
			     c->d, c->opts->keep_going ? GZ_WARNING : GZ_ERROR) < 0) {
		gz_buf_release(&b);
		return;
	}
	data = gz_buf_detach(&b, &len);
	/* held until the site is published, unless streamed: not with the
	 * growth's slack (a third of the bytes, on a large site a hundred
	 * megabytes) */
	if (!c->out->stream)
		data = gz_realloc(data, len + 1);
	if (gz_script_on_output(c->states[worker], j->out, &data, &len, c->d) < 0) {
		free(data);
		return;
	}
	if (c->opts->next) {
		const size_t *ids;
		const bool *body;
		size_t n, k;
		bool site_read;
		const char **paths;
		const gz_page **pages;

		gz_script_touched(c->states[worker], &ids, &body, &n, &site_read);
		paths = gz_calloc(n ? n : 1, sizeof(*paths));
		pages = gz_calloc(n ? n : 1, sizeof(*pages));
		for (k = 0; k < n; k++) {
			pages[k] = c->site->all[ids[k]];
			paths[k] = c->paths[ids[k]];
		}
		gz_deps_add_interned(c->opts->next, j->out,
				     dep_key(c, jh, paths, pages, body, n, site_read), site_read,
				     len, paths, body, n);
		free(paths);
		free(pages);
	}
	atomic_fetch_add(&c->rendered, 1);
	gz_outputs_add(c->out, j->out, data, len, j->origin);
	/* the bodies read so far are not needed in memory any more */
	if (atomic_fetch_add(&c->done, 1) % SHED_EVERY == SHED_EVERY - 1)
		gz_pagecache_shed(c->site->cache);
}

static void add_static(gz_outputs *out, const gz_site *site, gz_source *theme_src)
{
	gz_strlist files = {0};
	gz_map bundles = {0};
	size_t i;

	if (theme_src) {
		gz_source_list(theme_src, "static", &files);
		for (i = 0; i < files.n; i++)
			gz_outputs_copy(out, files.items[i] + 7, theme_src, files.items[i], "theme static");
		gz_strlist_release(&files);
	}
	gz_source_list(site->src, "static", &files);
	for (i = 0; i < files.n; i++)
		gz_outputs_copy(out, files.items[i] + 7, site->src, files.items[i], "static");
	gz_strlist_release(&files);

	for (i = 0; i < site->nall; i++)
		if (site->all[i]->bundle && site->all[i]->url)
			gz_map_put(&bundles, site->all[i]->dir, site->all[i]);
	for (i = 0; i < site->files.n; i++) {
		const char *f = site->files.items[i];
		const char *dot = strrchr(f, '.');
		gz_buf dir = GZ_BUF_INIT, dest = GZ_BUF_INIT;
		const gz_page *owner = NULL;
		char *slash;

		if (dot && (!strcmp(dot, ".yml") || !strcmp(dot, ".yaml")))
			continue; /* data (brochure manifests), not for the web */
		/* the nearest enclosing page bundle owns the file */
		gz_buf_puts(&dir, f);
		while ((slash = strrchr(dir.ptr, '/'))) {
			gz_buf_truncate(&dir, (size_t)(slash - dir.ptr));
			if ((owner = gz_map_get(&bundles, dir.ptr)))
				break;
		}
		if (owner)
			gz_buf_printf(&dest, "%s%s", owner->url + 1, f + strlen(owner->dir) + 1);
		else
			gz_buf_puts(&dest, f + strlen("content/"));
		gz_outputs_copy(out, dest.ptr, site->src, f, "content");
		gz_buf_release(&dir);
		gz_buf_release(&dest);
	}
	gz_map_release(&bundles);
}

/* GAZETTE_TIMING=1: how long each part of the render took. */
static void lap(const char *what, double *t)
{
	gz_timing_lap("  render", what, t);
}

typedef struct {
	jobs *js;
	const gz_site *site;
	const gz_theme *theme;
	gz_diag *d;
} list_arg;

static void *list_run(void *arg)
{
	list_arg *a = arg;

	list_jobs(a->js, a->site, a->theme, a->d);
	return NULL;
}

/* The pages by path; the old record's paths pointed at their pages; the
 * new record's paths. */
static void index_pages(render_ctx *c, const gz_site *site, gz_render_opts *opts)
{
	size_t i;

	gz_map_reserve(&c->by_path, site->nall);
	for (i = 0; i < site->nall; i++)
		gz_map_put(&c->by_path, site->all[i]->path, site->all[i]);
	if (opts->prev) {
		/* each old record's pages, found once per path; next keeps the
		 * old paths rather than copying them */
		size_t at = 0;
		const char *key;
		void *val;
		while (gz_map_next(&opts->prev->strings, &at, &key, &val))
			*gz_deps_slot(key) = gz_map_get(&c->by_path, key);
		if (opts->next)
			gz_deps_adopt_strings(opts->next, opts->prev);
	}
	/* each page's path kept in the new record once, here, not looked up
	 * under its lock by both render threads for every output */
	if (opts->next) {
		c->paths = gz_calloc(site->nall ? site->nall : 1, sizeof(*c->paths));
		for (i = 0; i < site->nall; i++)
			c->paths[i] = gz_deps_intern(opts->next, site->all[i]->path);
	}
}

int gz_render_site(gz_outputs *out, const gz_site *site, const gz_theme *theme,
		   gz_render_opts *opts, gz_diag *d)
{
	double t = 0;
	jobs js = {0};
	render_ctx c;
	size_t i;
	int w, nw = opts->jobs < 1 ? 1 : opts->jobs;
	const char *needed[] = {"page", "home", "section", "terms", "term", "archive", "atom",
				"sitemap", "404"};

	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (theme->n && !gz_theme_find(theme, needed[i]))
			gz_diag_error(d, theme->display, 0, 0,
				      _("the theme has no layouts/%s layout; copy it from themes/default"),
				      needed[i]);
	lap("", &t);
	memset(&c, 0, sizeof(c));
	/* the jobs are listed on a thread while the pages are indexed here */
	{
		list_arg la = {&js, site, theme, d};
		pthread_t lister;
		bool apart = gz_thread_start(&lister, NULL, list_run, &la) == 0;
		if (!apart)
			list_run(&la);
		index_pages(&c, site, opts);
		if (apart)
			pthread_join(lister, NULL);
	}
	lap("jobs and index", &t);
	if (d->errors)
		goto close;

	c.js = &js;
	c.site = site;
	c.theme = theme;
	c.out = out;
	c.d = d;
	c.opts = opts;
	atomic_init(&c.rendered, 0);
	atomic_init(&c.kept, 0);
	atomic_init(&c.done, 0);
	c.states = gz_calloc((size_t)nw, sizeof(*c.states));
	/* the same templates fail in every state: reported once, from this one */
	if (gz_script_open(&c.states[0], theme, site, d) < 0)
		goto close;
	lap("templates", &t);
	/* Compiling the theme takes as long as rendering a few dozen pages,
	 * and a small rebuild renders a handful: which outputs stand is
	 * decided first, and a second worker (and its state) only helps with
	 * more than that to render. */
	c.todo = gz_calloc(js.n ? js.n : 1, sizeof(*c.todo));
	c.kept_dep = gz_calloc(js.n ? js.n : 1, sizeof(*c.kept_dep));
	gz_parallel(js.n, nw, decide_one, &c, NULL);
	keep_all(&c);
	lap("decide", &t);
	gz_parallel(c.ntodo, c.ntodo < RENDER_ALONE ? 1 : nw, render_one, &c,
		    opts->progress ? _("rendering") : NULL);
	gz_site_report_left(d, atomic_load(&c.skipped), true);
	lap("pages", &t);
	{
		gz_buf robots = GZ_BUF_INIT;
		gz_buf_printf(&robots, "User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n",
			      site->cfg.base_url);
		size_t len;
		char *data = gz_buf_detach(&robots, &len);
		gz_outputs_add(out, "robots.txt", data, len, "robots.txt");
	}
	add_static(out, site, opts->theme_src);
	lap("static", &t);
close:
	for (w = 0; c.states && w < nw; w++)
		gz_script_free(c.states[w]);
	free(c.states);
	gz_map_release(&c.by_path);
	free(c.paths);
	free(c.todo);
	free(c.kept_dep);
	opts->rendered = atomic_load(&c.rendered);
	opts->kept = atomic_load(&c.kept);
	for (i = 0; i < js.n; i++) {
		free(js.items[i].out);
		free(js.items[i].title);
		free(js.items[i].url);
	}
	free(js.items);
	return d->errors ? -1 : 0;
}
