/*
 * publish.c: publishing the outputs into the output folder as a whole
 * (output.h says how): the spare folder brought up to date and swapped
 * in, a first build renamed into place, or, where folders cannot be
 * swapped, files replaced one at a time.
 */
#include "write/publish_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

struct gz_publish {
	char *given;             /* the output folder as the caller named it */
	char *dir;               /* the same, symlinks resolved */
	char *record, *pending, *lockpath;
	char *companion, *companion_pending; /* NULL: none */
	int (*companion_wait)(void *arg);    /* gz_publish_companion_wait */
	void *companion_arg;
	bool rebuild_spare;
	bool trusted;           /* the record names the folder that is there */
	int lock;                /* -1: not held */
	/* the record, read under the lock, kept until this build saves it or
	 * gz_publish_write takes it (taking the lock forgets it) */
	gz_pub_record_cache rec;
	/* streaming (gz_publish_stream) */
	int stream;              /* STREAM_* */
	char *spare;             /* the spare streamed into */
	gz_outputs none;         /* sj's own list, empty: it writes one output at a time */
	gz_write_job sj;         /* writes the streamed outputs into the spare */
	pthread_mutex_t stream_lock;
	bool prepared;           /* the spare is dir and what was streamed, and the
				  * record no longer vouches for it */
	bool unprepared;         /* that failed: outputs stay in memory */
	bool published;
};

enum { STREAM_NONE, STREAM_FRESH, STREAM_SWAP };

static char *join(const char *a, const char *b)
{
	gz_buf x = GZ_BUF_INIT;
	gz_buf_printf(&x, "%s%s", a, b);
	return gz_buf_detach(&x, NULL);
}

/* The output folder with symlinks resolved, also before it exists (when
 * its parent does): the swap must move the real folder, not a symlink to
 * it, and the spare goes beside the real folder. */
static char *resolve(const char *dir)
{
	char *real = realpath(dir, NULL), *up, *slash, *parent;
	const char *base = dir;
	gz_buf b = GZ_BUF_INIT;

	if (real)
		return real;
	up = gz_strdup(dir);
	while ((slash = strrchr(up, '/')) && slash > up && slash[1] == '\0')
		*slash = '\0'; /* "public/" */
	if (slash) {
		*slash = '\0';
		base = slash + 1;
		parent = realpath(slash == up ? "/" : up, NULL);
	} else {
		base = up;
		parent = realpath(".", NULL);
	}
	if (parent && *base)
		gz_buf_printf(&b, "%s/%s", strcmp(parent, "/") ? parent : "", base);
	else
		gz_buf_puts(&b, dir);
	free(parent);
	free(up);
	return gz_buf_detach(&b, NULL);
}

static int take_lock(gz_publish *p, bool create)
{
	if (p->lock >= 0)
		return 0;
	p->lock = open(p->lockpath, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
	if (p->lock < 0)
		return -1;
	gz_pub_record_forget(&p->rec);
	if (flock(p->lock, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, _("gazette: waiting for another build into %s to finish\n"), p->dir);
		while (flock(p->lock, LOCK_EX) < 0 && errno == EINTR)
			;
	}
	return 0;
}

/* A pending record takes the old one's place, the old one removed first:
 * a rename over a file makes ext4 write the new one out at once
 * (auto_da_alloc), 2-3 ms of every rebuild for the 2.7 MB dependency
 * record. A build killed between the two leaves the pending files, which
 * the next build takes up (gz_publish_open) as it would after the swap. */
static int take_place(const char *pending, const char *path)
{
	unlink(path);
	return rename(pending, path);
}

/* The companion saved for the new site takes the old one's place (or, not
 * saved, the old one goes: it described the old site). */
static void promote_companion(gz_publish *p)
{
	if (!p->companion)
		return;
	/* saved on a thread while the site was written: done by now */
	if (p->companion_wait && p->companion_wait(p->companion_arg) < 0)
		unlink(p->companion_pending);
	p->companion_wait = NULL;
	take_place(p->companion_pending, p->companion);
}

void gz_publish_companion_wait(gz_publish *p, int (*wait)(void *arg), void *arg)
{
	p->companion_wait = wait;
	p->companion_arg = arg;
}

static void drop_pending(gz_publish *p)
{
	unlink(p->pending);
	if (p->companion)
		unlink(p->companion_pending);
}

void gz_publish_open(gz_publish **out, const char *dir, const char *record_path,
		     const char *companion, bool rebuild_spare)
{
	gz_publish *p = gz_calloc(1, sizeof(*p));
	const gz_pub_record *now;
	gz_pub_record r;
	int rc;

	p->given = gz_strdup(dir);
	p->dir = resolve(dir);
	p->record = gz_strdup(record_path);
	p->pending = join(record_path, ".pending");
	p->lockpath = join(record_path, ".lock");
	if (companion) {
		p->companion = gz_strdup(companion);
		p->companion_pending = join(companion, ".pending");
	}
	p->rebuild_spare = rebuild_spare;
	p->lock = -1;
	*out = p;
	/* no lock file: no build ever published here, nothing to finish */
	if (take_lock(p, false) < 0)
		return;
	/* a build killed between its swap and taking up the new record: if
	 * the swap happened, the pending record (and companion) describe dir */
	if (gz_pub_record_read(&r, p->pending) == 0 && r.ok && r.dir && r.dir == gz_folder_id(p->dir)) {
		promote_companion(p);
		take_place(p->pending, p->record);
	} else {
		drop_pending(p);
	}
	gz_pub_record_release(&r);
	/* the record (and so the companion) describes the folder that is there */
	now = gz_pub_record_cached(&p->rec, p->record, &rc);
	p->trusted = rc == 0 && now->ok && now->dir && now->dir == gz_folder_id(p->dir);
}

bool gz_publish_trusted(const gz_publish *p)
{
	return p->trusted;
}

const char *gz_publish_companion(const gz_publish *p)
{
	return p->companion_pending;
}

void gz_publish_free(gz_publish *p)
{
	if (!p)
		return;
	if (p->stream) {
		/* a failed first build leaves nothing behind; a failed swap's
		 * spare is made again by the next build (the record says so) */
		if (p->stream == STREAM_FRESH && !p->published)
			gz_folder_remove(p->spare);
		gz_write_job_release(&p->sj);
		gz_outputs_release(&p->none);
		pthread_mutex_destroy(&p->stream_lock);
	}
	gz_pub_record_forget(&p->rec);
	free(p->spare);
	if (p->lock >= 0)
		close(p->lock);
	free(p->given);
	free(p->dir);
	free(p->record);
	free(p->pending);
	free(p->lockpath);
	free(p->companion);
	free(p->companion_pending);
	free(p);
}

/* The spare folder: in the cache folder when that is on dir's file system
 * (out of sight, and gone with the cache), else beside dir. */
static char *spare_path(const gz_publish *p)
{
	char *parent = gz_strdup(p->dir), *cache = gz_strdup(p->record), *s;
	const char *base;
	struct stat a, b;
	gz_buf x = GZ_BUF_INIT;

	s = strrchr(parent, '/');
	base = s ? p->dir + (s - parent) + 1 : p->dir;
	if (s) {
		*s = '\0';
	} else {
		free(parent);
		parent = gz_strdup(".");
	}
	if ((s = strrchr(cache, '/')))
		*s = '\0';
	if (stat(s ? cache : ".", &a) == 0 && stat(parent[0] ? parent : "/", &b) == 0 &&
	    a.st_dev == b.st_dev) {
		const char *dot = strrchr(p->record, '.'), *sl = strrchr(p->record, '/');
		gz_buf_add(&x, p->record, dot && (!sl || dot > sl) ? (size_t)(dot - p->record)
								   : strlen(p->record));
		gz_buf_puts(&x, ".spare");
	} else {
		gz_buf_printf(&x, "%s/.%s.gazette-spare", parent, base);
	}
	free(parent);
	free(cache);
	return gz_buf_detach(&x, NULL);
}

/* Was path written by the last build, and is it still in dir? */
static void add_removed(gz_paths *removed, const char *dir, const char *path)
{
	gz_buf full = GZ_BUF_INIT;
	struct stat st;

	/* only what an earlier build wrote is ever removed: never a file
	 * someone else put in the output folder */
	if (!gz_path_is_safe(path))
		return;
	gz_buf_printf(&full, "%s/%s", dir, path);
	if (lstat(full.ptr, &st) == 0 && S_ISREG(st.st_mode))
		gz_paths_add(removed, path);
	gz_buf_release(&full);
}

/* What the last build wrote that o no longer has, and whether o's paths
 * are exactly the recorded ones. Both lists are sorted (o by
 * gz_outputs_check, the record because it is written from o), so one pass
 * compares them; an unsorted record goes through a map. */
static void find_removed(const gz_outputs *o, const char *dir, const gz_paths *old,
			 gz_paths *removed, bool *same_set)
{
	size_t i, k = 0, found = 0;
	bool sorted = true;

	for (i = 1; i < old->n && sorted; i++)
		sorted = strcmp(old->items[i - 1], old->items[i]) < 0;
	if (sorted) {
		for (i = 0; i < old->n; i++) {
			int c = 1;
			while (k < o->n && (c = strcmp(o->items[k].path, old->items[i])) < 0)
				k++;
			if (k < o->n && c == 0)
				found++;
			else
				add_removed(removed, dir, old->items[i]);
		}
	} else {
		gz_map current = {0};
		for (i = 0; i < o->n; i++)
			gz_map_put(&current, o->items[i].path, (void *)&o->items[i]);
		for (i = 0; i < old->n; i++) {
			if (gz_map_get(&current, old->items[i]))
				found++;
			else
				add_removed(removed, dir, old->items[i]);
		}
		gz_map_release(&current);
	}
	*same_set = found == o->n && old->n == o->n;
}

static bool is_page(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && !strcmp(path + n - 5, ".html");
}

size_t gz_publish_pages_removed(gz_publish *p, const gz_outputs *o, gz_strlist *gone)
{
	gz_paths removed = {0};
	const gz_pub_record *r;
	size_t i, before = 0;
	bool same_set;
	int rc;

	r = gz_pub_record_cached(&p->rec, p->record, &rc);
	if (rc < 0)
		return 0;
	for (i = 0; i < r->outputs.n; i++)
		before += is_page(r->outputs.items[i]);
	find_removed(o, p->dir, &r->outputs, &removed, &same_set);
	for (i = 0; i < removed.n; i++)
		if (is_page(removed.items[i]))
			gz_strlist_add(gone, removed.items[i]);
	gz_paths_release(&removed);
	return before;
}

static bool no_exchange(int e)
{
	/* ENOTSUP is EOPNOTSUPP on Linux */
	return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP || e == EXDEV || e == EBUSY;
}

/* Save next as the record of dir; only a warning if that fails. */
static void save_outputs(gz_publish *p, const gz_pub_record *next, gz_diag *d)
{
	if (gz_pub_record_save(next, p->dir, p->record) < 0)
		gz_diag_warn(d, p->record, 0, 0,
			     _("cannot record the outputs (%s); pages deleted later will not be "
			       "removed from the output folder"),
			     strerror(errno));
}

/* In place, for file systems that cannot swap folders: every changed file
 * to a temporary name beside it, then (all written) renamed into place one
 * by one; a build killed while renaming leaves some files new, some old. */
static int write_in_place(gz_publish *p, gz_write_job *j, gz_pub_record *r, int jobs, gz_diag *d,
			  gz_write_stats *st)
{
	gz_paths removed = {0};
	gz_pub_record next = {0};
	size_t before = d->errors, i;
	bool made_root = false, same_set;
	int rc = 0;

	gz_folder_make_parents(p->dir);
	if (mkdir(p->dir, 0755) == 0)
		made_root = true;
	else if (errno != EEXIST) {
		gz_diag_error(d, p->dir, 0, 0, _("cannot create the output folder: %s"), strerror(errno));
		return -1;
	}
	gz_outputs_remove_stale(p->dir);
	j->in_place = true;
	j->root = p->dir;
	j->compare = !made_root;
	gz_write_job_compare(j, jobs);
	if (d->errors == before)
		gz_write_job_write(j, jobs);
	if (d->errors > before) {
		gz_write_job_undo(j);
		if (made_root)
			rmdir(p->dir);
		return -1;
	}
	for (i = 0; i < j->o->n; i++) {
		gz_buf full = GZ_BUF_INIT;
		if (!j->tmp[i])
			continue;
		gz_buf_printf(&full, "%s/%s", p->dir, j->o->items[i].path);
		if (rename(j->tmp[i], full.ptr) < 0) {
			gz_diag_error(d, full.ptr, 0, 0, _("cannot write: %s"), strerror(errno));
			unlink(j->tmp[i]);
			rc = -1;
		} else {
			st->written++;
		}
		gz_buf_release(&full);
	}
	find_removed(j->o, p->dir, &r->outputs, &removed, &same_set);
	for (i = 0; i < removed.n; i++)
		gz_folder_remove_path(p->dir, removed.items[i], NULL);
	st->removed = removed.n;
	next.ok = true;
	next.dir = gz_folder_id(p->dir);
	next.in_place = r->in_place;
	gz_pub_record_outputs(&next, j->o);
	save_outputs(p, &next, d);
	promote_companion(p);
	gz_paths_release(&removed);
	gz_pub_record_release(&next);
	return rc;
}


/* Put the folder spare in the place of dir: by renaming it (a first build)
 * or by exchanging the two. next, the record of the new site, is saved as
 * pending first and replaces the record once the switch is done, with the
 * companion. Returns 0; 1 if this file system cannot (write in place
 * instead); -1 with errors in d. */
static int switch_in(gz_publish *p, gz_pub_record *next, const char *spare, bool exchange,
		     gz_diag *d)
{
	int e;

	if (gz_pub_record_save(next, p->dir, p->pending) < 0) {
		gz_diag_error(d, p->pending, 0, 0, _("cannot write: %s"), strerror(errno));
		return -1;
	}
	if ((exchange ? renameat2(AT_FDCWD, spare, AT_FDCWD, p->dir, RENAME_EXCHANGE)
		      : rename(spare, p->dir)) < 0) {
		e = errno;
		unlink(p->pending); /* the companion may still go in place */
		if (no_exchange(e))
			return 1;
		gz_diag_error(d, p->dir, 0, 0, _("cannot write: %s (%s)"), strerror(e),
			      exchange ? _("swapping in the new site") : _("moving the new site into place"));
		return -1;
	}
	promote_companion(p);
	if (take_place(p->pending, p->record) < 0)
		gz_diag_warn(d, p->record, 0, 0, _("cannot record the outputs (%s)"), strerror(errno));
	return 0;
}
/* The spare after a first build: the site's files linked from the lists of
 * what the build wrote there, else (something was not where the lists
 * say) by reading the site's folders. 0 or -1. */
static int mirror_fresh(gz_publish *p, gz_write_job *j, const char *spare, int jobs)
{
	const gz_strlist *made[2] = {&j->made_dirs, p->stream ? &p->sj.made_dirs : NULL};
	const char **dirs, **files;
	size_t i, k, ndirs = 0, cut = strlen(spare) + 1;
	int rc = 0;

	dirs = gz_malloc((j->made_dirs.n + (made[1] ? made[1]->n : 0) + 1) * sizeof(*dirs));
	files = gz_malloc((j->o->n + 1) * sizeof(*files));
	for (k = 0; k < 2 && rc == 0; k++)
		for (i = 0; made[k] && i < made[k]->n && rc == 0; i++) {
			const char *d = made[k]->items[i];
			if (strncmp(d, spare, cut - 1) || d[cut - 1] != '/')
				rc = -1;
			else
				dirs[ndirs++] = d + cut;
		}
	for (i = 0; i < j->o->n; i++)
		files[i] = j->o->items[i].path;
	if (rc < 0 || gz_folder_link_list(p->dir, spare, dirs, ndirs, files, j->o->n, jobs) < 0)
		rc = gz_folder_mirror(p->dir, spare);
	free(dirs);
	free(files);
	return rc;
}

/* The first build: everything into a fresh folder, renamed into place;
 * then the spare for the next build, so that one costs what it changes.
 * Returns 1 if this file system cannot rename the folder there. */
static int publish_fresh(gz_publish *p, gz_write_job *j, const char *spare, int jobs, gz_diag *d)
{
	gz_pub_record next = {0};
	size_t before = d->errors;
	bool streamed;
	int rc = -1;

	gz_folder_make_parents(p->dir);
	streamed = p->stream == STREAM_FRESH && p->prepared;
	if (!streamed) {
		gz_folder_make_parents(spare);
		gz_folder_remove(spare);
		if (mkdir(spare, 0755) < 0) {
			gz_diag_error(d, spare, 0, 0, _("cannot write: %s"), strerror(errno));
			return -1;
		}
	}
	j->root = spare;
	j->compare = false;
	/* a streamed output that fell back to memory may have left a file */
	j->fresh = !streamed;
	gz_write_job_compare(j, jobs);
	if (d->errors == before)
		gz_write_job_write(j, jobs);
	if (d->errors > before)
		goto fail;
	next.ok = true;
	next.dir = gz_folder_id(spare);
	gz_pub_record_outputs(&next, j->o);
	rc = switch_in(p, &next, spare, false, d);
	if (rc != 0)
		goto fail;
	if (mirror_fresh(p, j, spare, jobs) == 0) {
		next.dir = gz_folder_id(p->dir);
		next.spare = gz_folder_id(spare);
		gz_pub_record_save(&next, p->dir, p->record);
	}
	gz_pub_record_release(&next);
	return 0;
fail:
	/* the caller takes streamed bytes back from it before writing in place */
	if (rc < 0)
		gz_folder_remove(spare);
	gz_pub_record_release(&next);
	return rc;
}

/* Nothing changes in dir: nothing to swap. The record is saved only if it
 * does not describe dir and o's paths already. */
static void keep_site(gz_publish *p, const gz_write_job *j, const gz_pub_record *r,
		      uint64_t dir_id, bool same_set, gz_diag *d)
{
	gz_pub_record next = {0};

	if (!r->ok || r->dir != dir_id || !same_set) {
		next.ok = true;
		next.dir = dir_id;
		if (r->ok && r->dir == dir_id) {
			next.spare = r->spare;
			gz_paths_add_all(&next.changed, &r->changed);
		}
		gz_pub_record_outputs(&next, j->o);
		save_outputs(p, &next, d);
	}
	promote_companion(p);
	gz_pub_record_release(&next);
}

/* Make the spare again from dir. Returns 0, or -1 with errors in d. */
static int remake_spare(gz_publish *p, const gz_pub_record *r, const char *spare, gz_diag *d)
{
	gz_pub_record dirty = {0};

	if (r->ok && r->spare) {
		/* killed while it is remade, it must not pass as the old one */
		dirty.ok = true;
		dirty.dir = r->dir;
		gz_paths_add_all(&dirty.outputs, &r->outputs);
		if (gz_pub_record_save(&dirty, p->dir, p->record) < 0) {
			gz_diag_error(d, p->record, 0, 0, _("cannot write: %s"), strerror(errno));
			gz_pub_record_release(&dirty);
			return -1;
		}
		gz_pub_record_release(&dirty);
	}
	gz_folder_make_parents(spare);
	if (gz_folder_mirror(p->dir, spare) < 0) {
		gz_diag_error(d, spare, 0, 0, _("cannot write: %s"), strerror(errno));
		return -1;
	}
	return 0;
}

/* The paths where this build makes dir differ from the site before it:
 * those it writes, then those it removes. */
static void add_changes(gz_paths *l, const gz_write_job *j, const gz_paths *removed)
{
	size_t i;

	for (i = 0; i < j->o->n; i++)
		if (j->state[i] == GZ_OUT_WRITE)
			gz_paths_add(l, j->o->items[i].path);
	gz_paths_add_all(l, removed);
}

/* Bring the spare up to date and swap it with dir. Returns 1 if this file
 * system cannot swap folders (dir is then untouched). */
static int publish_swap(gz_publish *p, gz_write_job *j, gz_pub_record *r, const char *spare,
			int jobs, gz_diag *d, gz_write_stats *st)
{
	gz_paths removed = {0};
	gz_pub_record dirty = {0}, next = {0};
	const gz_paths *prev;
	gz_paths none = {0};
	uint64_t dir_id = gz_folder_id(p->dir), spare_id = gz_folder_id(spare);
	size_t before = d->errors, i, nwrite = 0;
	bool same_set, trusted;
	int rc = -1;

	j->root = spare;
	gz_write_job_compare(j, jobs);
	if (d->errors > before)
		return -1;
	find_removed(j->o, p->dir, &r->outputs, &removed, &same_set);
	for (i = 0; i < j->o->n; i++)
		nwrite += j->state[i] == GZ_OUT_WRITE;
	if (!nwrite && !removed.n) {
		keep_site(p, j, r, dir_id, same_set, d);
		rc = 0;
		goto cleanup;
	}

	/* the spare holds the site before dir's and differs from it only at
	 * the paths the record lists; anything else, and it is made again.
	 * Streaming brought it up to date already (prepare). */
	trusted = p->prepared ||
		  (r->ok && r->dir == dir_id && r->spare && r->spare == spare_id && !p->rebuild_spare);
	prev = trusted && !p->prepared ? &r->changed : &none;
	if (!trusted) {
		if (remake_spare(p, r, spare, d) < 0)
			goto cleanup;
		spare_id = gz_folder_id(spare);
	}

	/* before the spare is touched, the record lists every path where it
	 * will differ from dir, so a build killed from here on leaves a spare
	 * the next can put right path by path; not when streaming touched it
	 * (its record says it is not to be trusted: made again whole after a
	 * kill, as safe) and a rebuild saves writing 800 KB */
	dirty.ok = true;
	dirty.dir = dir_id;
	dirty.spare = spare_id;
	gz_paths_add_all(&dirty.changed, prev);
	add_changes(&dirty.changed, j, &removed);
	if (!p->prepared) {
		gz_paths_add_all(&dirty.outputs, &r->outputs);
		if (gz_pub_record_save(&dirty, p->dir, p->record) < 0) {
			gz_diag_error(d, p->record, 0, 0, _("cannot write: %s"), strerror(errno));
			goto cleanup;
		}
	}

	/* the spare becomes dir: what the last build changed, linked from dir */
	for (i = 0; i < prev->n; i++) {
		if (gz_folder_mirror_path(p->dir, spare, prev->items[i]) < 0) {
			gz_diag_error(d, spare, 0, 0, _("cannot write: %s (bringing '%s' up to date)"),
				      strerror(errno), prev->items[i]);
			goto cleanup;
		}
	}
	/* then this build's changes, removals first (a page may become a folder) */
	for (i = 0; i < removed.n; i++)
		gz_folder_remove_path(spare, removed.items[i], NULL);
	gz_write_job_write(j, jobs);
	if (d->errors > before)
		goto cleanup;

	/* the new site, recorded before the swap as pending: the next build
	 * takes it up if the swap happened */
	next.ok = true;
	next.dir = spare_id;
	next.spare = dir_id;
	add_changes(&next.changed, j, &removed);
	gz_pub_record_outputs(&next, j->o);
	rc = switch_in(p, &next, spare, true, d);
	if (rc != 0)
		goto cleanup;
	/* the spare (now the old site) takes up the new files at once, so the
	 * old versions do not hold disk space until the next build; the
	 * record still lists the paths, which costs the next build a stat */
	for (i = 0; i < next.changed.n; i++)
		gz_folder_mirror_path(p->dir, spare, next.changed.items[i]);
	st->written = atomic_load(&j->written);
	st->removed = removed.n;
cleanup:
	/* a failed build gives back the space its new files took in the spare */
	if (rc < 0 && dirty.spare)
		for (i = 0; i < dirty.changed.n; i++)
			gz_folder_mirror_path(p->dir, spare, dirty.changed.items[i]);
	gz_paths_release(&removed);
	gz_pub_record_release(&dirty);
	gz_pub_record_release(&next);
	return rc;
}

/* Remove what the cache folder dir keeps for the output folder of hash
 * tag ("-1a2b…"): every "<what>-<hash>.txt" record and its ".pending"
 * (build.c's cache_file names them), and the spare; not the lock file. */
static void remove_state(const char *dir, const char *tag)
{
	gz_buf b = GZ_BUF_INIT;
	struct dirent *e;
	DIR *d = opendir(dir);
	size_t t = strlen(tag);

	while (d && (e = readdir(d))) {
		const char *rest = strstr(e->d_name, tag);
		if (!rest || (strcmp(rest + t, ".txt") && strcmp(rest + t, ".txt.pending")))
			continue;
		gz_buf_clear(&b);
		gz_buf_printf(&b, "%s/%s", dir, e->d_name);
		unlink(b.ptr);
	}
	if (d)
		closedir(d);
	gz_buf_clear(&b);
	gz_buf_printf(&b, "%s/outputs%s.spare", dir, tag);
	gz_folder_remove(b.ptr);
	gz_buf_release(&b);
}

/* The state kept for an output folder that is gone is removed: its spare,
 * whose hardlinks would keep the disk space of a site someone deleted (a
 * build with --out /tmp/x, then rm -rf /tmp/x), and its records (what the
 * outputs depended on, the search index's: 4 MB for 10,000 pages). Not
 * while a build into that folder holds its lock (it may be making it). The
 * lock file stays: another build may be about to open it. The records in
 * the cache folder are few; this is a stat each. */
static void remove_orphans(const gz_publish *p)
{
	char *cache = gz_strdup(p->record), *slash = strrchr(cache, '/');
	const char *dir;
	DIR *d;
	struct dirent *e;

	if (slash)
		*slash = '\0';
	dir = slash ? cache : ".";
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		gz_buf rec = GZ_BUF_INIT, lk = GZ_BUF_INIT, tag = GZ_BUF_INIT;
		size_t n = strlen(e->d_name);
		struct stat st;
		char *site;
		int lock;

		/* "outputs-<hash>.txt": tag is "-<hash>" */
		if (n <= 12 || strncmp(e->d_name, "outputs-", 8) || strcmp(e->d_name + n - 4, ".txt"))
			continue;
		gz_buf_printf(&rec, "%s/%s", dir, e->d_name);
		gz_buf_add(&tag, e->d_name + 7, n - 11);
		site = gz_pub_record_site(rec.ptr);
		if (!site || lstat(site, &st) == 0 || errno != ENOENT || !strcmp(rec.ptr, p->record))
			goto next;
		gz_buf_printf(&lk, "%s.lock", rec.ptr);
		lock = open(lk.ptr, O_RDWR | O_CLOEXEC);
		if (lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) < 0) {
			close(lock);
			goto next;
		}
		remove_state(dir, tag.ptr);
		if (lock >= 0)
			close(lock);
next:
		free(site);
		gz_buf_release(&rec);
		gz_buf_release(&lk);
		gz_buf_release(&tag);
	}
	if (d)
		closedir(d);
	free(cache);
}

bool gz_publish_stream(gz_publish *p, gz_outputs *o, gz_diag *d)
{
	const gz_pub_record *r;
	struct stat st;
	bool in_place;
	int mode;

	if (p->stream)
		return true;
	/* where the site is written in place, the bytes wait in memory */
	if (getenv("GAZETTE_NO_EXCHANGE") || !gz_folder_parent_exists(p->given) ||
	    take_lock(p, true) < 0)
		return false;
	free(p->dir);
	p->dir = resolve(p->given);
	if (lstat(p->dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || gz_folder_is_mount_point(p->dir, &st))
			return false;
		r = gz_pub_record_cached(&p->rec, p->record, NULL);
		in_place = r->in_place && r->dir == gz_folder_id(p->dir);
		if (in_place)
			return false;
		mode = STREAM_SWAP;
	} else if (errno == ENOENT) {
		mode = STREAM_FRESH;
	} else {
		return false;
	}
	p->spare = spare_path(p);
	if (mode == STREAM_FRESH) {
		gz_folder_make_parents(p->spare);
		gz_folder_remove(p->spare);
		if (mkdir(p->spare, 0755) < 0) {
			free(p->spare);
			p->spare = NULL;
			return false;
		}
	}
	gz_outputs_init(&p->none);
	gz_write_job_init(&p->sj, &p->none, p->dir, d);
	p->sj.root = p->spare;
	p->sj.compare = mode == STREAM_SWAP;
	p->sj.fresh = mode == STREAM_FRESH;
	pthread_mutex_init(&p->stream_lock, NULL);
	/* a fresh folder needs nothing from dir */
	p->prepared = mode == STREAM_FRESH;
	p->stream = mode;
	o->stream = p;
	return true;
}

/* Before the first output is written into the spare: the record no longer
 * vouches for it (a build killed or failing from here leaves a spare the
 * next build makes again), then the spare becomes dir, path by path where
 * the record says how it differs, else as a whole. 0, or -1 if it cannot
 * (the outputs then stay in memory, and publishing tries again). */
static int prepare(gz_publish *p)
{
	const gz_pub_record *r;
	gz_pub_record dirty = {0};
	uint64_t dir_id;
	bool trusted;
	size_t i;
	int rc = -1;

	pthread_mutex_lock(&p->stream_lock);
	if (p->prepared || p->unprepared) {
		rc = p->prepared ? 0 : -1;
		pthread_mutex_unlock(&p->stream_lock);
		return rc;
	}
	r = gz_pub_record_cached(&p->rec, p->record, NULL);
	dir_id = gz_folder_id(p->dir);
	trusted = r->ok && r->dir == dir_id && r->spare && r->spare == gz_folder_id(p->spare) &&
		  !p->rebuild_spare;
	if (r->ok && r->spare) {
		dirty.ok = true;
		dirty.dir = r->dir;
		gz_paths_add_all(&dirty.outputs, &r->outputs);
		if (gz_pub_record_save(&dirty, p->dir, p->record) < 0)
			goto done;
	}
	if (trusted) {
		for (i = 0; i < r->changed.n; i++)
			if (gz_folder_mirror_path(p->dir, p->spare, r->changed.items[i]) < 0)
				goto done;
	} else {
		gz_folder_make_parents(p->spare);
		if (gz_folder_mirror(p->dir, p->spare) < 0)
			goto done;
	}
	rc = 0;
done:
	if (rc == 0)
		p->prepared = true;
	else
		p->unprepared = true;
	gz_pub_record_release(&dirty);
	/* the file now says what was saved, or may (a save cut short) */
	if (dirty.ok)
		gz_pub_record_forget(&p->rec);
	pthread_mutex_unlock(&p->stream_lock);
	return rc;
}

int gz_publish_stream_one(gz_publish *p, const char *path, const char *data, size_t len)
{
	if (p->stream == STREAM_SWAP && gz_write_job_same(&p->sj, path, data, len))
		return GZ_OUT_SAME;
	if (prepare(p) < 0)
		return -1;
	if (gz_write_job_put(&p->sj, path, data, len) == 0)
		return GZ_OUT_WRITE;
	/* a folder in the way (a page that becomes a folder waits for the
	 * removals), a full disk: the output waits in memory for publishing,
	 * which says what went wrong, and the spare loses what was cut short */
	if (p->stream == STREAM_SWAP) {
		gz_folder_mirror_path(p->dir, p->spare, path);
	} else {
		gz_buf full = GZ_BUF_INIT;
		gz_buf_printf(&full, "%s/%s", p->spare, path);
		unlink(full.ptr);
		gz_buf_release(&full);
	}
	return -1;
}

/* The streamed outputs' bytes back in memory, from the spare, for a
 * publishing that cannot use the spare as it is. 0, or -1 with errors. */
static int unstream(gz_publish *p, gz_outputs *o, gz_diag *d)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < o->n; i++) {
		gz_output *it = &o->items[i];
		gz_buf full = GZ_BUF_INIT, b = GZ_BUF_INIT;
		if (it->streamed != GZ_STREAMED_WRITTEN)
			continue;
		gz_buf_printf(&full, "%s/%s", p->spare, it->path);
		if (gz_buf_read_file(&b, full.ptr) < 0) {
			gz_diag_error(d, full.ptr, 0, 0, _("cannot read '%s' to copy it"), full.ptr);
			rc = -1;
		} else {
			it->data = gz_buf_detach(&b, &it->len);
			it->streamed = GZ_STREAMED_NOT;
		}
		gz_buf_release(&full);
		gz_buf_release(&b);
	}
	p->prepared = false;
	return rc;
}

int gz_publish_write(gz_publish *p, gz_outputs *o, int jobs, gz_diag *d, gz_write_stats *st)
{
	gz_write_job j;
	gz_pub_record r;
	struct stat ost;
	char *spare = NULL;
	const char *why = NULL;
	size_t i;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	/* resolved again now that the folders above it exist */
	gz_folder_make_parents(p->dir);
	free(p->dir);
	p->dir = resolve(p->given);
	gz_write_job_init(&j, o, p->dir, d);
	if (take_lock(p, true) < 0) {
		gz_diag_error(d, p->lockpath, 0, 0, _("cannot write: %s"), strerror(errno));
		goto cleanup;
	}
	/* the record is this function's from here: it saves it as it goes */
	r = *gz_pub_record_cached(&p->rec, p->record, NULL);
	p->rec.have = false;
	if (lstat(p->dir, &ost) == 0 && !S_ISDIR(ost.st_mode)) {
		gz_diag_error(d, p->dir, 0, 0, _("the output folder is a file; remove it or choose "
			        "another --out"));
		goto cleanup;
	}
	spare = p->spare ? gz_strdup(p->spare) : spare_path(p);
	if (getenv("GAZETTE_NO_EXCHANGE"))
		why = _("GAZETTE_NO_EXCHANGE is set");
	else if (r.in_place && r.dir == gz_folder_id(p->dir))
		why = _("its file system cannot swap folders (renameat2 RENAME_EXCHANGE)");
	else if (lstat(p->dir, &ost) == 0 && gz_folder_is_mount_point(p->dir, &ost))
		why = _("it is a mount point");
	if (!why) {
		bool fresh = lstat(p->dir, &ost) < 0;
		/* the output folder came or went since streaming began: the
		 * spare is of no use as it is */
		if (p->stream && fresh != (p->stream == STREAM_FRESH)) {
			if (unstream(p, o, d) < 0)
				goto cleanup;
			p->stream = fresh ? STREAM_FRESH : STREAM_SWAP;
		}
		if (fresh)
			rc = publish_fresh(p, &j, spare, jobs, d);
		else
			rc = publish_swap(p, &j, &r, spare, jobs, d, st);
		if (rc == 1) {
			why = _("its file system cannot swap folders (renameat2 RENAME_EXCHANGE)");
			r.in_place = true;
			if (unstream(p, o, d) < 0) {
				rc = -1;
				goto cleanup;
			}
			gz_folder_remove(spare);
			/* start again, with the same bytes */
			gz_write_job_release(&j);
			gz_write_job_init(&j, o, p->dir, d);
		}
	}
	if (why) {
		gz_diag_warn(d, p->dir, 0, 0,
			     _("files are replaced one at a time, not the site at once, because %s: a "
			       "build killed while replacing them leaves some pages old and some new"),
			     why);
		rc = write_in_place(p, &j, &r, jobs, d, st);
	}
	if (rc == 0) {
		p->published = true;
		remove_orphans(p);
		st->bytes = atomic_load(&j.bytes);
		st->written = atomic_load(&j.written);
		for (i = 0; i < o->n; i++)
			st->unchanged += j.state[i] != GZ_OUT_WRITE;
	} else if (p->companion) {
		unlink(p->companion_pending);
	}
cleanup:
	free(spare);
	gz_pub_record_release(&r);
	gz_write_job_release(&j);
	return rc < 0 ? -1 : 0;
}
