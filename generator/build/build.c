#include "build/build.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "lua/theme.h"
#include "write/cache.h"
#include "archive/archive.h"
#include "base/buf.h"
#include "base/date.h"
#include "source/git.h"
#include "source/guard.h"
#include "base/hash.h"
#include "base/text.h"
#include "load/yaml.h"
#include "write/output.h"
#include "model/photos.h"
#include "load/pagecache.h"
#include "base/pool.h"
#include "print/print.h"
#include "print/printcache.h"
#include "render/render.h"
#include "lua/script.h"
#include "search/search.h"
#include "model/site.h"

/* GAZETTE_TIMING=1 prints how long each stage took. */
static void phase(const char *name, double *t)
{
	gz_timing_lap("", name, t);
}

/*
 * The repository of a working tree, for page history only, on a thread of
 * its own: libgit2's start-up alone takes 4 ms (its TLS library reads every
 * CA certificate on the machine), which the theme and the listing of the
 * files need not wait for. The thread opens it (unless it is open already),
 * resolves HEAD and starts the history walk.
 */
typedef struct {
	const char *source;
	char *history_file;
	bool full;
	gz_repo *repo;
	char sha[41];
	char *err;
	int rc; /* 0, or -1 (err: cannot open), -2 (err: damaged) */
	pthread_t thread;
	bool active, threaded;
} git_job;

static void *git_run(void *arg)
{
	git_job *j = arg;
	int64_t t = 0;
	int r;

	j->sha[0] = '\0';
	j->rc = 0;
	if (!j->repo) {
		r = gz_repo_open(&j->repo, j->source, &j->err);
		j->rc = r < 0 ? -1 : 0;
		if (r != 0)
			return NULL;
	}
	r = gz_repo_resolve(j->repo, NULL, NULL, j->sha, &t, &j->err);
	if (r == -2) {
		j->rc = -2;
		return NULL;
	}
	if (r < 0) { /* no commit yet: no history */
		free(j->err);
		j->err = NULL;
		j->sha[0] = '\0';
		return NULL;
	}
	gz_repo_walk_history_start(j->repo, j->sha, "content/", j->history_file, j->full);
	return NULL;
}

/* Wait for the job: its repository and HEAD into *repo and sha (an error
 * in d), once. */
static void git_wait(git_job *j, gz_repo **repo, char *sha, gz_diag *d)
{
	if (!j->active)
		return;
	if (j->threaded)
		pthread_join(j->thread, NULL);
	j->active = j->threaded = false;
	*repo = j->repo;
	memcpy(sha, j->sha, sizeof(j->sha));
	if (j->rc < 0) {
		gz_diag_error(d, j->rc == -1 ? j->source : "", 0, 0, "%s", j->err);
		sha[0] = '\0';
	}
	free(j->err);
	j->err = NULL;
}

/* Start the job for the working tree at opts->source; repo: its
 * repository, opened already, or NULL (the job opens it). */
static void git_start(git_job *gj, const gz_build_opts *opts, gz_repo *repo)
{
	gj->source = opts->source;
	gj->repo = repo;
	gj->history_file = gz_cache_file(opts->source, false, opts->source, "history", false);
	gj->full = opts->full;
	gj->active = true;
	gj->threaded = pthread_create(&gj->thread, NULL, git_run, gj) == 0;
	if (!gj->threaded)
		git_run(gj);
}

static int open_tree(gz_source **src, const char *source, gz_diag *d)
{
	char *err = NULL;

	if (gz_source_open_dir(src, source, &err) < 0) {
		gz_diag_error(d, "", 0, 0, "%s", err);
		free(err);
		return -1;
	}
	return 0;
}

/* Where the content comes from: the working tree, or a commit read from
 * git. Also opens the repository (if any) for page history: a working
 * tree's through git_job (started here), so *repo stays NULL then. */
static int open_source(const gz_build_opts *opts, gz_source **src, gz_repo **repo, char *sha,
		       int64_t *now, git_job *gj, gz_diag *d)
{
	char *err = NULL;
	int64_t t = 0;
	int r;

	if (!opts->rev && !opts->as_of) {
		gz_buf dot = GZ_BUF_INIT;
		bool tree;
		gz_buf_printf(&dot, "%s/.git", opts->source);
		tree = access(dot.ptr, F_OK) == 0;
		gz_buf_release(&dot);
		if (tree) {
			if (open_tree(src, opts->source, d) < 0)
				return -1;
			git_start(gj, opts, NULL);
			return 0;
		}
	}
	r = gz_repo_open(repo, opts->source, &err);

	if (r < 0) {
		gz_diag_error(d, opts->source, 0, 0, "%s", err);
		free(err);
		return -1;
	}
	if (opts->rev || opts->as_of) {
		if (!*repo) {
			gz_diag_error(d, opts->source, 0, 0,
				      "--rev and --as-of need a git repository, and this is not one");
			return -1;
		}
		if (gz_repo_resolve(*repo, opts->rev, opts->as_of, sha, &t, &err) < 0 ||
		    gz_repo_source(src, *repo, sha, &err) < 0) {
			gz_diag_error(d, opts->source, 0, 0, "%s", err);
			free(err);
			return -1;
		}
		/* as of a date, what was scheduled for later was not yet out */
		if (opts->as_of) {
			gz_date day;
			if (gz_date_parse(&day, opts->as_of) == 0)
				*now = day.has_time ? day.key : day.key + 86400 - 1;
		}
		return 0;
	}
	if (*repo && gz_repo_is_bare(*repo)) {
		/* a bare repository has no working tree: build what HEAD holds */
		if (gz_repo_resolve(*repo, NULL, NULL, sha, &t, &err) < 0 ||
		    gz_repo_source(src, *repo, sha, &err) < 0) {
			gz_diag_error(d, opts->source, 0, 0, "%s", err);
			free(err);
			return -1;
		}
		return 0;
	}
	if (open_tree(src, opts->source, d) < 0)
		return -1;
	/* a folder inside a working tree: its history comes from HEAD as for
	 * the tree itself (none before a commit) */
	if (*repo) {
		git_start(gj, opts, *repo);
		*repo = NULL;
	}
	return 0;
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

/* A history that cannot be read (a damaged repository) is an error. */
static void attach_history(gz_site *site, gz_repo *repo, const char *sha, gz_diag *d)
{
	char *err = NULL, *warning = NULL;
	size_t i;
	double t;
	int rc;

	if (!repo || !sha[0])
		return;
	if (gz_repo_is_shallow(repo))
		gz_diag_warn(d, "", 0, 0,
			     "the repository is a shallow clone: page history (created, "
			     "authors) only goes back as far as the clone does");
	t = gz_now_ms();
	rc = gz_repo_walk_history_wait(repo, &err, &warning);
	phase("  load history (waited)", &t);
	if (warning) {
		gz_diag_warn(d, "", 0, 0, "%s", warning);
		free(warning);
	}
	if (rc < 0) {
		gz_diag_error(d, "", 0, 0, "%s", err);
		free(err);
		return;
	}
	for (i = 0; i < site->nall; i++)
		site->all[i]->history = gz_repo_history_of(repo, site->all[i]->path);
}

/* What the PDFs of a build are made from (print.h): what all share, in
 * base; the pages and photos, to look up. */
typedef struct {
	const gz_site *site;
	gz_source *src;
	const gz_photos *photos;
	uint64_t base;
	gz_map pages;            /* path → page */
} print_inputs;

/* A site path's part in a PDF's key: a page's model (its front matter and
 * body), a photo's bytes. */
static uint64_t print_file_hash(print_inputs *in, uint64_t h, const char *path)
{
	const gz_page *p = gz_map_get(&in->pages, path);
	const gz_picture *pic;
	char *data;
	size_t len;

	h = gz_hash_str(h, path);
	if (p)
		return gz_hash_mix(h, p->model_hash);
	if ((pic = gz_map_get(&in->photos->by_file, path)) && pic->content)
		return gz_hash_mix(h, pic->content);
	if (gz_source_read(in->src, path, &data, &len) < 0)
		return gz_hash_mix(h, 0);
	h = gz_hash_add(h, data, len);
	free(data);
	return h;
}

/* What is known of the PDF of path before it is made: the file's bytes
 * and the pages it prints now (a page's front matter may change what the
 * manifest's query picks). */
static uint64_t print_item_hash(print_inputs *in, const char *path)
{
	gz_strlist pages = {0};
	uint64_t h = print_file_hash(in, in->base, path);
	size_t i;

	gz_print_pages(in->site, in->src, path, &pages);
	for (i = 0; i < pages.n; i++)
		h = print_file_hash(in, h, pages.items[i]);
	h = gz_hash_mix(h, pages.n);
	gz_strlist_release(&pages);
	return h;
}

/* ... and what making it read (recorded with it for the next build). */
static uint64_t print_key(print_inputs *in, uint64_t item, char *const *files, size_t n, bool site)
{
	size_t i;

	for (i = 0; i < n; i++)
		item = print_file_hash(in, item, files[i]);
	return gz_hash_mix(item, site ? in->site->meta_hash : 0);
}

/* The brochures and leaflets site.yml lists under print:, as
 * public/print/<name>.pdf (written with the rest, or not at all). A PDF
 * made of what the last build's was made of is kept. */
static void print_all(gz_outputs *out, const gz_site *site, gz_source *src, gz_print_opts po,
		      const gz_theme *theme, const gz_photos *photos, const gz_render_opts *ro,
		      gz_diag *d)
{
	const gz_value *list = gz_value_get(site->cfg.root, "print");
	print_inputs in = {site, src, photos, 0, {0}};
	size_t i, kept = 0;

	if (!list || d->errors)
		return;
	if (list->type != GZ_SEQ) {
		gz_diag_error(d, "site.yml", list->line, list->col,
			      "'print' is a list of brochure manifests and leaflet pages");
		return;
	}
	in.base = gz_hash_mix(gz_hash_str(GZ_HASH_INIT, "gazette-pdf 1"), theme->hash);
	in.base = gz_hash_mix(gz_hash_mix(in.base, site->config_hash),
			      gz_print_layouts_hash(src, &po));
	for (i = 0; i < site->nall; i++)
		gz_map_put(&in.pages, site->all[i]->path, site->all[i]);
	for (i = 0; i < list->n; i++) {
		const char *path = list->items[i]->str;
		const gz_dep *old;
		gz_print_used used = {{0}, false};
		char *data = NULL, *name;
		size_t len = 0;
		uint64_t item;
		if (list->items[i]->type != GZ_STR)
			continue;
		name = gz_print_output_name(path);
		item = print_item_hash(&in, path);
		old = ro->prev ? gz_deps_find(ro->prev, name) : NULL;
		if (old && print_key(&in, item, old->paths, old->npaths, old->site) == old->key &&
		    gz_render_in_place(ro, name, old->len)) {
			gz_outputs_keep(out, name, path);
			gz_deps_keep(ro->next, old);
			kept++;
		} else if (gz_print_make(&data, &len, site, src, path, &po, &used, d) == 0) {
			gz_deps_add(ro->next, name,
				    print_key(&in, item, used.files.items, used.files.n, used.site),
				    used.site, len, used.files.items, NULL, used.files.n);
			gz_outputs_add(out, name, data, len, path);
		}
		gz_strlist_release(&used.files);
		free(name);
	}
	gz_map_release(&in.pages);
	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing: print: %zu of %zu PDFs kept from the last build\n", kept,
			list->n);
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

	gz_alloc_thread_start();
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
	j->threaded = pthread_create(&j->thread, NULL, record_run, j) == 0;
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
static bool shrinks(const gz_publish *pub, const gz_outputs *out, const char *out_dir, gz_diag *d)
{
	gz_strlist gone = {0};
	size_t before = gz_publish_pages_removed(pub, out, &gone), i;
	gz_buf some = GZ_BUF_INIT;
	bool refuse = gone.n * 2 > before;

	if (refuse) {
		for (i = 0; i < gone.n && i < 3; i++)
			gz_buf_printf(&some, "%s%s", i ? ", " : "", gone.items[i]);
		if (gone.n > 3)
			gz_buf_printf(&some, " and %zu more", gone.n - 3);
		gz_diag_error(d, out_dir, 0, 0,
			      "this build would remove %zu of the %zu pages published there (%s), "
			      "more than half, because their content files are gone or no longer "
			      "published; check that content/ is where it should be, or build "
			      "with --allow-shrink if the pages should go",
			      gone.n, before, some.ptr);
	}
	gz_buf_release(&some);
	gz_strlist_release(&gone);
	return refuse;
}

/* A build; *again is set (and nothing written) when the page cache had
 * damaged text, so it must be built again without it (then d holds only
 * the warning about that). */
static int build_once(const gz_build_opts *opts, gz_diag *d, gz_build_stats *st, bool *again)
{
	size_t mark = d->n;
	gz_source *src = NULL, *theme_src = NULL;
	gz_repo *repo = NULL;
	gz_site site;
	gz_theme theme;
	gz_outputs out;
	gz_load_opts lo;
	gz_render_opts ro;
	gz_write_stats ws = {0};
	char *display = NULL, *out_dir = NULL, *deps_file = NULL, *outputs_file = NULL;
	char *search_file = NULL, *history_file = NULL;
	gz_search_record *search_rec = NULL;
	gz_deps deps_prev, deps_next;
	gz_script *life = NULL;
	gz_photos photos;
	gz_photos_opts po;
	gz_publish *pub = NULL;
	record_job loading = {0}, saving = {0};
	git_job gj = {0};
	char *img_dir = NULL, *pages_dir = NULL, *print_dir = NULL;
	bool bare = false;
	char sha[41] = "";
	double start = gz_now_ms(), t0 = start;

	if (getenv("GAZETTE_TIMING")) {
		/* what the process spent before the build: loading its libraries */
		struct timespec cpu;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
		fprintf(stderr, "timing: start-up (processor) %.0f ms\n",
			cpu.tv_sec * 1000.0 + cpu.tv_nsec / 1e6);
	}
	int jobs = opts->jobs > 0 ? opts->jobs : gz_pool_cores();
	int64_t now = (int64_t)time(NULL);
	int rc = -1;

	memset(st, 0, sizeof(*st));
	memset(&ro, 0, sizeof(ro));
	gz_deps_init(&deps_prev);
	gz_deps_init(&deps_next);
	memset(&site, 0, sizeof(site));
	memset(&theme, 0, sizeof(theme));
	gz_outputs_init(&out);
	memset(&photos, 0, sizeof(photos));
	gz_pool_progress = opts->progress;

	if (open_source(opts, &src, &repo, sha, &now, &gj, d) < 0)
		goto cleanup;
	if (opts->out) {
		out_dir = gz_strdup(opts->out);
	} else if (repo && gz_repo_is_bare(repo)) {
		gz_diag_error(d, opts->source, 0, 0,
			      "a bare repository has no place for public/; give --out DIR");
		goto cleanup;
	} else {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "%s/public", opts->source);
		out_dir = gz_buf_detach(&b, NULL);
	}
	/* never write over what the site is built from */
	if (!opts->archive_only &&
	    gz_guard_out(opts->source, out_dir, repo && gz_repo_is_bare(repo), d) < 0)
		goto cleanup;

	/* the theme and the hooks first: hooks filter pages as they load */
	theme_src = gz_theme_open(&theme, src, opts->source, &display, d);
	if (!theme_src) {
		gz_guard_links(src, d); /* a linked themes/ is why */
		goto cleanup;
	}
	memset(&lo, 0, sizeof(lo));
	lo.drafts = opts->drafts;
	lo.jobs = jobs;
	lo.progress = opts->progress;
	lo.future = opts->future;
	lo.now = now;
	lo.theme = &theme;
	lo.keep_going = opts->keep_going;
	bare = repo && gz_repo_is_bare(repo);
	pages_dir = gz_cache_sub_dir(opts->source, bare, "pages", false);
	lo.cache_dir = pages_dir;
	lo.cache_fresh = opts->full;
	/* the history walk reads git while the pages load; its record is
	 * per repository, not per output folder */
	if (repo && sha[0]) {
		history_file = gz_cache_file(opts->source, bare, opts->source, "history", false);
		gz_repo_walk_history_start(repo, sha, "content/", history_file, opts->full);
	}
	if (!opts->archive_only) {
		/* incremental: keep what the last build made when its inputs are
		 * the same. The publishing record first (it may finish what a
		 * killed build left), so what pages depend on describes the site
		 * in out_dir; that record loads while the pages do */
		deps_file = gz_cache_file(opts->source, bare, out_dir, "deps", false);
		outputs_file = gz_cache_file(opts->source, bare, out_dir, "outputs", false);
		gz_publish_open(&pub, out_dir, outputs_file, deps_file, opts->full);
		if (!opts->full)
			record_start(&loading, load_indexed, &deps_prev, deps_file);
	}
	/* the model hashes once, after the on_load hooks (below) */
	lo.unhashed = true;
	/* the cached pages' text is checked while the build goes on */
	lo.check_later = true;
	gz_site_load(&site, src, &lo, d);
	git_wait(&gj, &repo, sha, d);
	if (gj.history_file) { /* saved with the others, at the end */
		history_file = gj.history_file;
		gj.history_file = NULL;
	}
	attach_history(&site, repo, sha, d);
	phase("load", &t0);
	if (!d->errors && !opts->archive_only) {
		img_dir = gz_cache_sub_dir(opts->source, bare, "img", true);
		memset(&po, 0, sizeof(po));
		po.jobs = jobs;
		po.progress = opts->progress;
		po.keep_going = opts->keep_going;
		po.cache_dir = img_dir;
		gz_photos_make(&photos, &site, &po, d);
		phase("photos", &t0);
	}
	/* on_load hooks may add fields and pages; their state stays for on_done */
	if (theme.nhooks && !d->errors) {
		char *err = NULL;
		gz_script_open(&life, &theme, &site, d);
		if (gz_script_on_load(life, &site, &err) < 0) {
			gz_diag_error_placed(d, "", "%s", err);
			free(err);
		}
	}
	/* the model hashes, once history, photos and hook fields are in */
	gz_site_hash(&site);
	phase("hash", &t0);
	if (opts->archive_only) {
		/* the archive as that commit published it: a database of its own */
		char *dir = d->errors ? NULL : gz_cache_sub_dir(opts->source, bare, "archive", true);
		gz_buf db = GZ_BUF_INIT;
		size_t changed;
		if (dir && mkdir(dir, 0777) < 0 && errno != EEXIST) {
			gz_diag_error(d, dir, 0, 0, "cannot make the folder: %s", strerror(errno));
		} else if (dir) {
			gz_buf_printf(&db, "%s/%s.db", dir, sha[0] ? sha : "worktree");
			if (gz_archive_update_at(db.ptr, &site, d, &changed) == 0 && !d->errors) {
				prune_archives(dir, db.ptr);
				st->archive_db = gz_buf_detach(&db, NULL);
				rc = 0;
			}
		}
		gz_buf_release(&db);
		free(dir);
		goto cleanup;
	}
	memset(&ro, 0, sizeof(ro));
	ro.jobs = jobs;
	ro.progress = opts->progress;
	ro.theme_src = theme_src;
	ro.keep_going = opts->keep_going;
	if (loading.active && record_wait(&loading) < 0)
		gz_diag_warn(d, deps_file, 0, 0,
			     "not a record gazette wrote (damaged?); rendering every page");
	if (opts->full)
		gz_deps_index(&deps_prev);
	phase("  render record (waited)", &t0);
	ro.out_dir = out_dir;
	ro.out_trusted = gz_publish_trusted(pub);
	ro.prev = &deps_prev;
	ro.next = &deps_next;
	/* the index before the pages: what it makes and lets go is then
	 * reused by the rendered pages, held until they are published */
	if (site.cfg.search && !d->errors) {
		/* the index patches the last build's when few pages changed */
		gz_search_opts so = {jobs, out_dir, NULL, opts->full};
		gz_search_stats sst;
		search_file = gz_cache_file(opts->source, bare, out_dir, "search", false);
		so.record = search_file;
		gz_search_build(&out, &site, &so, &search_rec, d, &sst);
		phase("search", &t0);
	}
	if (gz_render_site(&out, &site, &theme, &ro, d) < 0)
		goto cleanup;
	gz_photos_output(&photos, &out);
	print_dir = gz_cache_sub_dir(opts->source, bare, "print", true);
	print_all(&out, &site, src,
		  (gz_print_opts){.theme = &theme, .theme_src = theme_src, .theme_display = display,
				  .cache_dir = print_dir},
		  &theme, &photos, &ro, d);
	if (!d->errors)
		gz_printcache_prune(print_dir);
	phase("render", &t0);
	/* a build that fails from here leaves no cache folder behind: the record
	 * is saved early only into one that is there already */
	if (!d->errors && deps_prev.n)
		record_start(&saving, gz_deps_save, &deps_next, gz_publish_companion(pub));
	/* nothing is written before the cached pages' text is known good */
	if (gz_pagecache_verify_wait(site.cache) > 0) {
		/* what this build found, the next finds again */
		gz_diag_truncate(d, mark);
		gz_pagecache_report(site.cache, d);
		*again = true;
		goto cleanup;
	}
	phase("  page cache (waited)", &t0);
	/* every folder the build reads has been listed */
	gz_guard_links(src, d);
	/* every output is known now: two with one path is an error */
	if (gz_outputs_check(&out, d) < 0 || d->errors)
		goto cleanup;
	if (!opts->allow_shrink && shrinks(pub, &out, out_dir, d))
		goto cleanup;
	/* only a build that succeeded leaves anything in the cache; what pages
	 * depend on is saved aside and takes effect with the site it describes */
	free(gz_cache_file(opts->source, bare, out_dir, "outputs", true));
	if (!saving.active)
		record_start(&saving, gz_deps_save, &deps_next, gz_publish_companion(pub));
	if (record_wait(&saving) < 0)
		gz_diag_warn(d, deps_file, 0, 0, "cannot record what pages depend on; the next "
			     "build will render every page");
	phase("deps (waited)", &t0);
	if (gz_publish_write(pub, &out, jobs, d, &ws) < 0)
		goto cleanup;
	phase("write", &t0);
	gz_site_save_cache(&site, d);
	if (repo && gz_repo_history_save(repo) < 0)
		gz_diag_warn(d, history_file, 0, 0, "cannot record the page history; the next "
			     "build will read the whole history again");
	if (search_rec && gz_search_record_save(search_rec, search_file) < 0)
		gz_diag_warn(d, search_file, 0, 0, "cannot record the search index; the next "
			     "build will index every page");
	phase("save records", &t0);
	/* the TV archive beside the content (.gazette/archive.db) */
	if (!bare && site.cfg.archive) {
		size_t changed;
		gz_archive_update(opts->source, &site, d, &changed);
		phase("archive", &t0);
	}
	if (life) {
		char *err = NULL;
		if (gz_script_on_done(life, &err) < 0) {
			gz_diag_error_placed(d, "", "%s", err);
			free(err);
		}
	}
	st->pages = site.npages;
	st->outputs = out.n;
	st->written = ws.written;
	st->unchanged = ws.unchanged;
	st->removed = ws.removed;
	st->rendered = ro.rendered;
	st->kept = ro.kept;
	st->photos_processed = photos.processed;
	st->photos_cached = photos.cached;
	rc = 0;

cleanup:
	git_wait(&gj, &repo, sha, d);
	free(gj.history_file);
	if (loading.active)
		record_wait(&loading);
	if (saving.active) {
		/* the build failed: what it saved describes no site */
		record_wait(&saving);
		unlink(gz_publish_companion(pub));
	}
	st->ms = gz_now_ms() - start;
	gz_publish_free(pub);
	gz_script_free(life);
	gz_photos_release(&photos);
	free(img_dir);
	free(print_dir);
	free(pages_dir);
	gz_theme_release(&theme);
	gz_source_free(theme_src);
	gz_source_free(src);
	gz_repo_free(repo);
	if (!opts->exiting || gz_under_sanitizer()) {
		/* tens of thousands of blocks: a tenth of a small rebuild */
		gz_outputs_release(&out);
		gz_site_release(&site);
		gz_deps_release(&deps_prev);
		gz_deps_release(&deps_next);
	}
	free(deps_file);
	free(outputs_file);
	free(search_file);
	free(history_file);
	gz_search_record_free(search_rec);
	free(display);
	free(out_dir);
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
