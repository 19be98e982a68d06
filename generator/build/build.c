#include "build/build.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "archive/archive.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/pool.h"
#include "build/open.h"
#include "build/printing.h"
#include "load/pagecache.h"
#include "lua/script.h"
#include "model/photos.h"
#include "print/printcache.h"
#include "render/render.h"
#include "search/search.h"
#include "source/guard.h"
#include "write/cache.h"
#include "write/output.h"

/* GAZETTE_TIMING=1 prints how long each stage took. */
static void phase(const char *name, double *t)
{
	gz_timing_lap("", name, t);
}

/* The archives of past commits (`archive search --rev`) kept in dir: the
 * ARCHIVES_KEPT used last. used (just searched) is marked as used now; the
 * others, oldest use first, are removed with SQLite's side files. */
#define ARCHIVES_KEPT 4

typedef struct {
	char *name;
	struct timespec used;
} kept_db;

static int newest_first(const void *a, const void *b)
{
	const kept_db *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? 1 : -1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void prune_archives(const char *dir, const char *used)
{
	static const char *const side[] = {"", "-wal", "-shm", "-journal"};
	kept_db *all = NULL;
	size_t n = 0, cap = 0, i, k;
	struct dirent *e;
	DIR *dh;

	utimes(used, NULL);
	dh = opendir(dir);
	if (!dh)
		return;
	while ((e = readdir(dh))) {
		size_t len = strlen(e->d_name);
		gz_buf p = GZ_BUF_INIT;
		struct stat st;

		if (len < 4 || strcmp(e->d_name + len - 3, ".db"))
			continue;
		gz_buf_printf(&p, "%s/%s", dir, e->d_name);
		if (lstat(p.ptr, &st) == 0 && S_ISREG(st.st_mode)) {
			GZ_GROW(all, cap, n + 1);
			all[n].name = gz_buf_detach(&p, NULL);
			all[n++].used = st.st_mtim;
		}
		gz_buf_release(&p);
	}
	closedir(dh);
	if (n > 1)
		qsort(all, n, sizeof(*all), newest_first);
	for (i = 0; i < n; i++) {
		if (i >= ARCHIVES_KEPT && strcmp(all[i].name, used))
			for (k = 0; k < sizeof(side) / sizeof(*side); k++) {
				gz_buf p = GZ_BUF_INIT;
				gz_buf_printf(&p, "%s%s", all[i].name, side[k]);
				unlink(p.ptr);
				gz_buf_release(&p);
			}
		free(all[i].name);
	}
	free(all);
}

/* The record of what each output read, loaded or saved on a thread of its
 * own while the build goes on (either only touches that file). active
 * from record_start to record_wait. */
typedef struct {
	int (*fn)(gz_deps *deps, const char *file);
	gz_deps *deps;
	const char *file;
	pthread_t thread;
	bool active, threaded;
	int rc;
} record_job;

static int load_indexed(gz_deps *deps, const char *file)
{
	int rc = gz_deps_load(deps, file);

	gz_deps_index(deps);
	return rc;
}

static void *record_run(void *arg)
{
	record_job *j = arg;

	j->rc = j->fn(j->deps, j->file);
	return NULL;
}

/* Start fn(deps, file), on the calling thread if no thread can start. */
static void record_start(record_job *j, int (*fn)(gz_deps *, const char *), gz_deps *deps,
			 const char *file)
{
	j->fn = fn;
	j->deps = deps;
	j->file = file;
	j->active = true;
	j->threaded = gz_thread_start(&j->thread, NULL, record_run, j) == 0;
	if (!j->threaded)
		record_run(j);
}

/* Wait for the job; returns what fn did. */
static int record_wait(record_job *j)
{
	if (j->threaded)
		pthread_join(j->thread, NULL);
	j->threaded = j->active = false;
	return j->rc;
}

/* More than half of the pages the last build published would go: the
 * content folder moved, a branch without the stories checked out, a
 * filter gone wrong. Such a build is refused unless asked for
 * (--allow-shrink); returns true with the error in d. */
static bool shrinks(gz_publish *pub, const gz_outputs *out, const char *out_dir, gz_diag *d)
{
	gz_strlist gone = {0};
	size_t before = gz_publish_pages_removed(pub, out, &gone), i;
	gz_buf some = GZ_BUF_INIT;
	bool refuse = gone.n * 2 > before;

	if (refuse) {
		for (i = 0; i < gone.n && i < 3; i++)
			gz_buf_printf(&some, "%s%s", i ? ", " : "", gone.items[i]);
		if (gone.n > 3)
			gz_buf_printf(&some, _(" and %zu more"), gone.n - 3);
		gz_diag_error(d, out_dir, 0, 0,
			      _("this build would remove %zu of the %zu pages published there (%s), "
			      "more than half, because their content files are gone or no longer "
			      "published; check that content/ is where it should be, or build "
			      "with --allow-shrink if the pages should go"),
			      gone.n, before, some.ptr);
	}
	gz_buf_release(&some);
	gz_strlist_release(&gone);
	return refuse;
}

/* One build: what its stages make and the next ones use, all freed by
 * build_release whatever stage it stopped at. */
typedef struct {
	const gz_build_opts *opts;
	gz_diag *d;
	int jobs;
	gz_open_opts open;
	gz_open_site in;        /* the source, the theme and the site model */
	char *out_dir;
	char *pages_dir, *img_dir, *print_dir; /* in the cache */
	char *deps_file, *outputs_file, *search_file;
	gz_publish *pub;
	gz_deps prev, next;     /* what each output read: last build's, this one's */
	record_job loading, saving;
	bool saving_failed;  /* the record could not be saved (warned) */
	pthread_t caching;      /* cache_start: the page cache saved beside the publishing */
	bool caching_active;
	gz_diag caching_d;      /* what that save said, for d once it is done */
	gz_photos photos;
	gz_script *life;        /* the hooks' state, from on_load to on_done */
	gz_render_opts ro;
	gz_outputs out;
	gz_search_record *search_rec;
	gz_write_stats ws;
	double t;               /* the clock of phase() */
} build;

static void build_init(build *b, const gz_build_opts *opts, gz_diag *d)
{
	memset(b, 0, sizeof(*b));
	b->opts = opts;
	b->d = d;
	b->jobs = opts->jobs > 0 ? opts->jobs : gz_pool_cores();
	b->open.source = opts->source;
	b->open.rev = opts->rev;
	b->open.as_of = opts->as_of;
	b->open.history = true;
	b->open.full = opts->full;
	gz_open_init(&b->in);
	gz_deps_init(&b->prev);
	gz_deps_init(&b->next);
	gz_outputs_init(&b->out);
	b->t = gz_now_ms();
}

/* The source, where the site goes, and the theme with the hooks: they
 * filter pages as they load. */
static int open_stage(build *b)
{
	const gz_build_opts *opts = b->opts;

	if (gz_open_source(&b->in, &b->open, b->d) < 0)
		return -1;
	if (opts->out) {
		b->out_dir = gz_strdup(opts->out);
	} else if (b->in.bare) {
		gz_diag_error(b->d, opts->source, 0, 0,
			      _("a bare repository has no place for public/; give --out DIR"));
		return -1;
	} else {
		gz_buf o = GZ_BUF_INIT;
		gz_buf_printf(&o, "%s/public", opts->source);
		b->out_dir = gz_buf_detach(&o, NULL);
	}
	/* never write over what the site is built from */
	if (!opts->archive_only && gz_guard_out(opts->source, b->out_dir, b->in.bare, b->d) < 0)
		return -1;
	if (gz_open_theme(&b->in, b->d) < 0) {
		gz_guard_links(b->in.src, b->d); /* a linked themes/ is why */
		return -1;
	}
	return 0;
}

/* The pages, from the page cache where they are unchanged, with their
 * history; meanwhile the last build's record of what each output read. */
static void load_stage(build *b)
{
	const gz_build_opts *opts = b->opts;
	gz_load_opts lo;

	memset(&lo, 0, sizeof(lo));
	lo.drafts = opts->drafts;
	lo.jobs = b->jobs;
	lo.progress = opts->progress;
	lo.future = opts->future;
	lo.now = b->in.now;
	lo.keep_going = opts->keep_going;
	b->pages_dir = gz_cache_sub_dir(opts->source, b->in.bare, "pages", false);
	lo.cache_dir = b->pages_dir;
	lo.cache_fresh = opts->full;
	if (!opts->archive_only) {
		/* incremental: keep what the last build made when its inputs are
		 * the same. The publishing record first (it may finish what a
		 * killed build left), so what pages depend on describes the site
		 * in out_dir; that record loads while the pages do */
		b->deps_file = gz_cache_file(opts->source, b->in.bare, b->out_dir, "deps", false);
		b->outputs_file = gz_cache_file(opts->source, b->in.bare, b->out_dir, "outputs", false);
		gz_publish_open(&b->pub, b->out_dir, b->outputs_file, b->deps_file, opts->full);
		if (!opts->full)
			record_start(&b->loading, load_indexed, &b->prev, b->deps_file);
	}
	/* the model hashes once, after the on_load hooks (below) */
	lo.unhashed = true;
	/* the cached pages' text is checked while the build goes on */
	lo.check_later = true;
	gz_open_load(&b->in, &lo, b->d);
	phase("load", &b->t);
}

static void photos_stage(build *b)
{
	gz_photos_opts po;

	b->img_dir = gz_cache_sub_dir(b->opts->source, b->in.bare, "img", true);
	memset(&po, 0, sizeof(po));
	po.jobs = b->jobs;
	po.progress = b->opts->progress;
	po.keep_going = b->opts->keep_going;
	po.cache_dir = b->img_dir;
	gz_photos_make(&b->photos, &b->in.site, &po, b->d);
	phase("photos", &b->t);
}

/* on_load hooks may add fields and pages; their state stays for on_done.
 * Then the model hashes, once history, photos and hook fields are in. */
static void hooks_stage(build *b)
{
	if (b->in.theme.nhooks && !b->d->errors) {
		gz_script_open(&b->life, &b->in.theme, &b->in.site, b->d);
		gz_script_on_load(b->life, &b->in.site, b->d);
	}
	gz_site_hash(&b->in.site);
	phase("hash", &b->t);
}

/* archive_only: the archive as that commit published it, a database of
 * its own. */
static int archive_only_stage(build *b, gz_build_stats *st)
{
	char *dir = b->d->errors ? NULL
				 : gz_cache_sub_dir(b->opts->source, b->in.bare, "archive", true);
	gz_buf db = GZ_BUF_INIT;
	size_t changed;
	int rc = -1;

	if (dir && mkdir(dir, 0777) < 0 && errno != EEXIST) {
		gz_diag_error(b->d, dir, 0, 0, _("cannot make the folder: %s"), strerror(errno));
	} else if (dir) {
		gz_buf_printf(&db, "%s/%s.db", dir, b->in.sha[0] ? b->in.sha : "worktree");
		if (gz_archive_update_at(db.ptr, &b->in.site, b->d, &changed) == 0 && !b->d->errors) {
			prune_archives(dir, db.ptr);
			st->archive_db = gz_buf_detach(&db, NULL);
			rc = 0;
		}
	}
	gz_buf_release(&db);
	free(dir);
	return rc;
}

/* Every output, into the spare or memory: the pages (those whose inputs
 * are unchanged kept), the photos and the PDFs. */
static int render_stage(build *b)
{
	const gz_build_opts *opts = b->opts;

	b->ro.jobs = b->jobs;
	b->ro.progress = opts->progress;
	b->ro.theme_src = b->in.theme_src;
	b->ro.keep_going = opts->keep_going;
	if (b->loading.active && record_wait(&b->loading) < 0)
		gz_diag_warn(b->d, b->deps_file, 0, 0,
			     _("not a record gazette wrote (damaged?); rendering every page"));
	if (opts->full)
		gz_deps_index(&b->prev);
	phase("  render record (waited)", &b->t);
	b->ro.out_dir = b->out_dir;
	b->ro.out_trusted = gz_publish_trusted(b->pub);
	b->ro.prev = &b->prev;
	b->ro.next = &b->next;
	if (gz_render_site(&b->out, &b->in.site, &b->in.theme, &b->ro, b->d) < 0)
		return -1;
	gz_photos_output(&b->photos, &b->out);
	b->print_dir = gz_cache_sub_dir(opts->source, b->in.bare, "print", true);
	gz_printing_all(&b->out, &b->in, b->print_dir, &b->photos, &b->ro, b->d);
	if (!b->d->errors)
		gz_printcache_prune(b->print_dir);
	phase("render", &b->t);
	/* a build that fails from here leaves no cache folder behind: the record
	 * is saved early only into one that is there already */
	if (!b->d->errors && b->prev.n)
		record_start(&b->saving, gz_deps_save, &b->next, gz_publish_companion(b->pub));
	return 0;
}

/* The index patches the last build's when few pages changed. t: the
 * clock of its phase (its own when it runs beside the render). */
static void search_stage(build *b, double *t)
{
	gz_search_opts so = {b->jobs, b->out_dir, NULL, b->opts->full};
	gz_search_stats sst;

	so.record = b->search_file;
	gz_search_build(&b->out, &b->in.site, &so, &b->search_rec, b->d, &sst);
	phase("search", t);
}

static void *search_run(void *arg)
{
	build *b = arg;
	double t = gz_now_ms();

	search_stage(b, &t);
	return NULL;
}

/* The search index beside the render when it will patch the last one: a
 * few pages to index again, so the stages' single-threaded parts use the
 * second core (a whole index is made first, alone: what it lets go of is
 * then reused by the rendered pages). Returns true if it is running on
 * its own thread (*th), else it has run. */
static bool search_start(build *b, pthread_t *th)
{
	struct stat st;

	b->search_file = gz_cache_file(b->opts->source, b->in.bare, b->out_dir, "search", false);
	if (!b->opts->full && b->jobs > 1 &&
	    stat(b->search_file, &st) == 0 && gz_thread_start(th, NULL, search_run, b) == 0)
		return true;
	search_stage(b, &b->t);
	return false;
}

/* Whether what was made may be published: the cached pages' text good
 * (else *again, with d back to mark and the cache's report), every folder
 * the build read listed, no two outputs with one path, and not most of the
 * site gone. Returns 0, or -1. */
static int check_stage(build *b, size_t mark, bool *again)
{
	if (gz_pagecache_verify_wait(b->in.site.cache) > 0) {
		/* what this build found, the next finds again */
		gz_diag_truncate(b->d, mark);
		gz_pagecache_report(b->in.site.cache, b->d);
		*again = true;
		return -1;
	}
	phase("  page cache (waited)", &b->t);
	gz_guard_links(b->in.src, b->d);
	if (gz_outputs_check(&b->out, b->d) < 0 || b->d->errors)
		return -1;
	if (!b->opts->allow_shrink && shrinks(b->pub, &b->out, b->out_dir, b->d))
		return -1;
	return 0;
}

static void *cache_run(void *arg)
{
	build *b = arg;

	gz_site_save_cache(&b->in.site, &b->caching_d);
	return NULL;
}

/* The page cache, saved on a thread while the site is published (on disk
 * its index alone is 1.4 MB for 10,000 stories). It describes the pages'
 * files, not the output folder, so what it saves holds whether the
 * publishing succeeds or not; but it goes early only into a cache folder
 * that is there already: a first build that fails leaves none. */
static void cache_start(build *b)
{
	struct stat st;

	if (b->jobs < 2 || !b->pages_dir || stat(b->pages_dir, &st) < 0)
		return;
	gz_diag_init(&b->caching_d);
	b->caching_active = gz_thread_start(&b->caching, NULL, cache_run, b) == 0;
	if (!b->caching_active)
		gz_diag_release(&b->caching_d);
}

/* The page cache's save: waited for if it runs beside (its warnings then
 * into d), else made here. */
static void cache_wait(build *b, bool save)
{
	if (!b->caching_active) {
		if (save)
			gz_site_save_cache(&b->in.site, b->d);
		return;
	}
	pthread_join(b->caching, NULL);
	b->caching_active = false;
	gz_diag_add_all(b->d, &b->caching_d);
	gz_diag_release(&b->caching_d);
}

/* The record of what pages depend on, saved on a thread (record_start),
 * waited for: 0, or -1 with a warning (once). */
static int saving_wait(void *arg)
{
	build *b = arg;

	if (b->saving.active && record_wait(&b->saving) < 0) {
		b->saving_failed = true;
		gz_diag_warn(b->d, b->deps_file, 0, 0, _("cannot record what pages depend on; the next "
			     "build will render every page"));
	}
	return b->saving_failed ? -1 : 0;
}

/* Only a build that succeeded leaves anything in the cache; what pages
 * depend on is saved aside while the site is written, and takes effect
 * with the site it describes. */
static int publish_stage(build *b)
{
	free(gz_cache_file(b->opts->source, b->in.bare, b->out_dir, "outputs", true));
	if (!b->saving.active)
		record_start(&b->saving, gz_deps_save, &b->next, gz_publish_companion(b->pub));
	gz_publish_companion_wait(b->pub, saving_wait, b);
	if (gz_publish_write(b->pub, &b->out, b->jobs, b->d, &b->ws) < 0)
		return -1;
	/* taken up with the site: waited for by now */
	saving_wait(b);
	phase("write (and the record)", &b->t);
	return 0;
}

/* The records the next build starts from, the TV archive beside the
 * content (.gazette/archive.db), and the hooks' on_done. */
static void save_stage(build *b)
{
	cache_wait(b, true);
	if (b->in.repo && gz_repo_history_save(b->in.repo) < 0)
		gz_diag_warn(b->d, b->in.history_file, 0, 0, _("cannot record the page history; the "
			     "next build will read the whole history again"));
	if (b->search_rec && gz_search_record_save(b->search_rec, b->search_file) < 0)
		gz_diag_warn(b->d, b->search_file, 0, 0, _("cannot record the search index; the next "
			     "build will index every page"));
	phase("save records", &b->t);
	if (!b->in.bare && b->in.site.cfg.archive) {
		size_t changed;
		gz_archive_update(b->opts->source, &b->in.site, b->d, &changed);
		phase("archive", &b->t);
	}
	if (b->life)
		gz_script_on_done(b->life, b->d);
}

static void build_stats(const build *b, gz_build_stats *st)
{
	st->pages = b->in.site.npages;
	st->outputs = b->out.n;
	st->written = b->ws.written;
	st->unchanged = b->ws.unchanged;
	st->removed = b->ws.removed;
	st->rendered = b->ro.rendered;
	st->kept = b->ro.kept;
	st->photos_processed = b->photos.processed;
	st->photos_cached = b->photos.cached;
}

static void build_release(build *b)
{
	/* tens of thousands of blocks: a tenth of a small rebuild */
	bool keep = b->opts->exiting && !gz_under_sanitizer();

	gz_open_wait(&b->in, b->d);
	cache_wait(b, false);
	if (b->loading.active)
		record_wait(&b->loading);
	if (b->saving.active) {
		/* the build failed: what it saved describes no site */
		record_wait(&b->saving);
		unlink(gz_publish_companion(b->pub));
	}
	gz_publish_free(b->pub);
	gz_script_free(b->life);
	gz_photos_release(&b->photos);
	free(b->img_dir);
	free(b->print_dir);
	free(b->pages_dir);
	if (!keep) {
		gz_outputs_release(&b->out);
		gz_deps_release(&b->prev);
		gz_deps_release(&b->next);
	}
	gz_open_release(&b->in, keep);
	free(b->deps_file);
	free(b->outputs_file);
	free(b->search_file);
	gz_search_record_free(b->search_rec);
	free(b->out_dir);
}

/* A build, its stages in order; *again is set (and nothing written) when
 * the page cache had damaged text, so it must be built again without it
 * (then d holds only the warning about that). */
static int build_once(const gz_build_opts *opts, gz_diag *d, gz_build_stats *st, bool *again)
{
	size_t mark = d->n;
	double start = gz_now_ms();
	build b;
	pthread_t searcher;
	bool beside, rendered;
	int rc = -1;

	if (getenv("GAZETTE_TIMING")) {
		/* what the process spent before the build: loading its libraries */
		struct timespec cpu;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
		fprintf(stderr, "timing: start-up (processor) %.0f ms\n",
			cpu.tv_sec * 1000.0 + cpu.tv_nsec / 1e6);
	}
	memset(st, 0, sizeof(*st));
	build_init(&b, opts, d);
	gz_pool_progress = opts->progress;
	if (open_stage(&b) < 0)
		goto cleanup;
	load_stage(&b);
	if (!d->errors && !opts->archive_only)
		photos_stage(&b);
	hooks_stage(&b);
	if (opts->archive_only) {
		rc = archive_only_stage(&b, st);
		goto cleanup;
	}
	/* from here each output goes into the spare folder as it is made,
	 * not held until the site is published (a failed build leaves the
	 * output folder as it was all the same) */
	if (!d->errors)
		gz_publish_stream(b.pub, &b.out, d);
	/* the index before the pages: what it makes and lets go is then
	 * reused by the rendered pages */
	beside = b.in.site.cfg.search && !d->errors && search_start(&b, &searcher);
	rendered = render_stage(&b) == 0;
	if (beside)
		pthread_join(searcher, NULL);
	if (!rendered)
		goto cleanup;
	/* nothing is written into the output folder before check_stage */
	if (check_stage(&b, mark, again) < 0)
		goto cleanup;
	cache_start(&b);
	if (publish_stage(&b) < 0)
		goto cleanup;
	save_stage(&b);
	build_stats(&b, st);
	rc = 0;
cleanup:
	st->ms = gz_now_ms() - start;
	build_release(&b);
	return rc;
}

int gz_build(const gz_build_opts *opts, gz_diag *d, gz_build_stats *st)
{
	bool again = false;
	int rc = build_once(opts, d, st, &again);

	if (again) {
		/* a damaged entry of the page cache: everything once more, the
		 * cache written afresh */
		gz_build_opts full = *opts;
		full.full = true;
		rc = build_once(&full, d, st, &again);
	}
	return rc;
}
