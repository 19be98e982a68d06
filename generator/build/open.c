#include "build/open.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/pool.h"
#include "base/buf.h"
#include "base/date.h"
#include "lua/script.h"
#include "write/cache.h"
#include "base/i18n.h"

/*
 * The repository of a working tree, for page history only, on a thread of
 * its own: libgit2's start-up alone takes 4 ms (its TLS library reads every
 * CA certificate on the machine), which the theme and the listing of the
 * files need not wait for. The thread opens it (unless it is open already),
 * resolves HEAD and starts the history walk.
 *
 * When the history has a record (a build of this tree ran before), the
 * walk is at most a few new commits, and the thread starts only once the
 * pages are loaded (gz_open_load): the page load keeps both cores, and
 * libgit2 starts up beside the linking of the model, which uses one. With
 * no record the walk may be long, and starts at once beside the load.
 */
struct gz_open_git {
	const char *source;
	const char *history_file;
	bool full;
	gz_repo *repo;
	char sha[41];
	gz_diag d; /* why it failed, for gz_open_wait to pass on */
	int rc; /* 0, or -1 (cannot open), -2 (damaged) */
	pthread_t thread;
	bool started, threaded;
};

static void *git_run(void *arg)
{
	gz_open_git *j = arg;
	int64_t t = 0;
	int r;

	j->sha[0] = '\0';
	j->rc = 0;
	if (!j->repo) {
		r = gz_repo_open(&j->repo, j->source, &j->d);
		j->rc = r < 0 ? -1 : 0;
		if (r != 0)
			return NULL;
	}
	r = gz_repo_resolve(j->repo, NULL, NULL, j->sha, &t, &j->d);
	if (r == -2) {
		j->rc = -2;
		return NULL;
	}
	if (r < 0) { /* no commit yet: no history */
		gz_diag_truncate(&j->d, 0);
		j->sha[0] = '\0';
		return NULL;
	}
	gz_repo_walk_history_start(j->repo, j->sha, "content/", j->history_file, j->full);
	return NULL;
}

/* Run the git thread of j, or its work here if no thread can start. */
static void git_go(gz_open_git *j)
{
	j->started = true;
	j->threaded = gz_thread_start(&j->thread, NULL, git_run, j) == 0;
	if (!j->threaded)
		git_run(j);
}

void gz_open_wait(gz_open_site *s, gz_diag *d)
{
	gz_open_git *j = s->git;

	if (!j)
		return;
	/* the load stopped before its pages were in: opened here, for its
	 * errors */
	if (!j->started && d) {
		j->started = true;
		git_run(j);
	}
	if (j->threaded)
		pthread_join(j->thread, NULL);
	s->repo = j->repo;
	memcpy(s->sha, j->sha, sizeof(j->sha));
	if (j->rc < 0) {
		if (d)
			gz_diag_add_all(d, &j->d);
		s->sha[0] = '\0';
	}
	gz_diag_release(&j->d);
	free(j);
	s->git = NULL;
}

/* Start the history of the working tree at s->opts->source, now or once
 * the pages are loaded (above); repo: its repository, opened already, or
 * NULL (the thread opens it). */
static void git_start(gz_open_site *s, gz_repo *repo)
{
	gz_open_git *j = gz_calloc(1, sizeof(*j));
	struct stat st;

	j->source = s->opts->source;
	j->repo = repo;
	s->history_file = gz_cache_file(s->opts->source, false, s->opts->source, "history", false);
	j->history_file = s->history_file;
	j->full = s->opts->full;
	gz_diag_init(&j->d);
	s->git = j;
	if (repo || j->full || stat(j->history_file, &st) < 0)
		git_go(j);
}

/* gz_load_opts.loaded: the pages are in; the git thread if it waited for
 * that. */
static void pages_loaded(void *arg)
{
	gz_open_site *s = arg;

	if (s->git && !s->git->started)
		git_go(s->git);
}

static int open_tree(gz_open_site *s, gz_diag *d)
{
	return gz_source_open_dir(&s->src, s->opts->source, d);
}

/* HEAD of a bare repository, or the commit --rev or --as-of names. */
static int open_commit(gz_open_site *s, gz_diag *d)
{
	const gz_open_opts *o = s->opts;
	int64_t t = 0;

	if (gz_repo_resolve(s->repo, o->rev, o->as_of, s->sha, &t, d) < 0 ||
	    gz_repo_source(&s->src, s->repo, s->sha, d) < 0)
		return -1;
	/* as of a date, what was scheduled for later was not yet out */
	if (o->as_of) {
		gz_date day;
		if (gz_date_parse(&day, o->as_of) == 0)
			s->now = day.has_time ? day.key : day.key + 86400 - 1;
	}
	return 0;
}

int gz_open_source(gz_open_site *s, const gz_open_opts *o, gz_diag *d)
{
	int r;

	s->opts = o;
	if (!o->rev && !o->as_of) {
		gz_buf dot = GZ_BUF_INIT;
		bool tree;
		gz_buf_printf(&dot, "%s/.git", o->source);
		tree = access(dot.ptr, F_OK) == 0;
		gz_buf_release(&dot);
		if (tree || !o->history) {
			if (open_tree(s, d) < 0)
				return -1;
			if (o->history)
				git_start(s, NULL);
			return 0;
		}
	}
	r = gz_repo_open(&s->repo, o->source, d);
	if (r < 0)
		return -1;
	if ((o->rev || o->as_of) && !s->repo) {
		gz_diag_error(d, o->source, 0, 0,
			      _("--rev and --as-of need a git repository, and this is not one"));
		return -1;
	}
	s->bare = s->repo && gz_repo_is_bare(s->repo);
	/* a bare repository has no working tree: build what HEAD holds */
	if (o->rev || o->as_of || s->bare)
		return open_commit(s, d);
	if (open_tree(s, d) < 0)
		return -1;
	/* a folder inside a working tree: its history comes from HEAD as for
	 * the tree itself (none before a commit) */
	if (s->repo) {
		git_start(s, s->repo);
		s->repo = NULL;
	}
	return 0;
}

int gz_open_theme(gz_open_site *s, gz_diag *d)
{
	s->theme_src = gz_theme_open(&s->theme, s->src, s->opts->source, &s->theme_display, d);
	return s->theme_src ? 0 : -1;
}

/* A history that cannot be read (a damaged repository) is an error. */
static void attach_history(gz_open_site *s, gz_diag *d)
{
	size_t i;
	double t;
	int rc;

	if (!s->repo || !s->sha[0])
		return;
	if (gz_repo_is_shallow(s->repo))
		gz_diag_warn(d, s->opts->source, 0, 0,
			     _("the repository is a shallow clone: page history (created, "
			       "authors) only goes back as far as the clone does"));
	t = gz_now_ms();
	rc = gz_repo_walk_history_wait(s->repo, d);
	gz_timing_lap("", "  load history (waited)", &t);
	if (rc < 0)
		return;
	for (i = 0; i < s->site.nall; i++)
		s->site.all[i]->history = gz_repo_history_of(s->repo, s->site.all[i]->path);
}

void gz_open_load(gz_open_site *s, gz_load_opts *lo, gz_diag *d)
{
	/* the history walk reads git while the pages load; its record is
	 * per repository, not per output folder */
	if (s->opts->history && s->repo && s->sha[0]) {
		s->history_file = gz_cache_file(s->opts->source, s->bare, s->opts->source, "history",
						false);
		gz_repo_walk_history_start(s->repo, s->sha, "content/", s->history_file,
					   s->opts->full);
	}
	s->filters = gz_script_page_filters(&s->theme);
	lo->filters = &s->filters;
	lo->loaded = pages_loaded;
	lo->loaded_arg = s;
	gz_site_load(&s->site, s->src, lo, d);
	gz_open_wait(s, d);
	if (s->opts->history)
		attach_history(s, d);
}

void gz_open_init(gz_open_site *s)
{
	memset(s, 0, sizeof(*s));
	s->now = (int64_t)time(NULL);
}

void gz_open_release(gz_open_site *s, bool keep_site)
{
	gz_open_wait(s, NULL);
	if (!keep_site)
		gz_site_release(&s->site);
	gz_theme_release(&s->theme);
	gz_source_free(s->theme_src);
	gz_source_free(s->src);
	gz_repo_free(s->repo);
	free(s->theme_display);
	free(s->history_file);
	memset(s, 0, sizeof(*s));
}
