#include "write/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/pool.h"
#include "base/strlist.h"

void gz_outputs_init(gz_outputs *o)
{
	memset(o, 0, sizeof(*o));
	pthread_mutex_init(&o->lock, NULL);
}

void gz_outputs_release(gz_outputs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->items[i].path);
		free(o->items[i].data);
		free(o->items[i].from_path);
	}
	free(o->items);
	pthread_mutex_destroy(&o->lock);
	memset(o, 0, sizeof(*o));
}

static void add(gz_outputs *o, gz_output *it)
{
	pthread_mutex_lock(&o->lock);
	GZ_GROW(o->items, o->cap, o->n + 1);
	o->items[o->n++] = *it;
	pthread_mutex_unlock(&o->lock);
}

void gz_outputs_add(gz_outputs *o, const char *path, char *data, size_t len, const char *origin)
{
	gz_output it = {gz_strdup(path), data, len, NULL, NULL, origin};
	add(o, &it);
}

void gz_outputs_copy(gz_outputs *o, const char *path, gz_source *src, const char *from_path,
		     const char *origin)
{
	gz_output it = {gz_strdup(path), NULL, 0, src, gz_strdup(from_path), origin};
	add(o, &it);
}

void gz_outputs_keep(gz_outputs *o, const char *path, const char *origin)
{
	gz_output it = {gz_strdup(path), NULL, 0, NULL, NULL, origin};
	add(o, &it);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const gz_output *)a)->path, ((const gz_output *)b)->path);
}

int gz_outputs_check(gz_outputs *o, gz_diag *d)
{
	size_t i;
	int rc = 0;

	if (o->n)
		qsort(o->items, o->n, sizeof(*o->items), cmp_path);
	for (i = 0; i < o->n; i++) {
		if (!gz_path_is_safe(o->items[i].path)) {
			gz_diag_error(d, o->items[i].origin, 0, 0,
				      "output path '%s' would leave the output folder",
				      o->items[i].path);
			rc = -1;
		}
		if (i && !strcmp(o->items[i].path, o->items[i - 1].path)) {
			gz_diag_error(d, o->items[i].origin, 0, 0,
				      "'%s' is also produced by %s; give one of them another URL",
				      o->items[i].path, o->items[i - 1].origin);
			rc = -1;
		}
	}
	return rc;
}


/* ---- writing files ------------------------------------------------------ */

enum { ST_KEEP, ST_SAME, ST_WRITE };

typedef struct {
	gz_outputs *o;
	const char *dir;         /* compared with (the published site) */
	const char *root;        /* written into: dir itself, or the spare */
	bool in_place;           /* temporary names beside the files, renamed later */
	bool compare;            /* compare with dir (not in a first build) */
	bool fresh;              /* root was just made: nothing there to unlink */
	gz_diag *d;
	unsigned char *state;    /* [o->n] ST_* */
	char **copied;           /* [o->n] bytes read from a source, until written */
	char **tmp;              /* [o->n] in place: the temporary file of item i */
	atomic_size_t bytes, written;
	pthread_mutex_t lock;
	gz_strlist made_dirs;    /* folders this build created */
	gz_map known_dirs;       /* folders known to exist */
	gz_strlist dir_keys;     /* owns known_dirs' keys */
} write_job;

static void job_init(write_job *j, gz_outputs *o, const char *dir, gz_diag *d)
{
	memset(j, 0, sizeof(*j));
	j->o = o;
	j->dir = dir;
	j->root = dir;
	j->compare = true;
	j->d = d;
	j->state = gz_calloc(o->n ? o->n : 1, 1);
	j->copied = gz_calloc(o->n ? o->n : 1, sizeof(*j->copied));
	j->tmp = gz_calloc(o->n ? o->n : 1, sizeof(*j->tmp));
	pthread_mutex_init(&j->lock, NULL);
	atomic_init(&j->bytes, 0);
	atomic_init(&j->written, 0);
}

static void job_release(write_job *j)
{
	size_t i;

	for (i = 0; i < j->o->n; i++) {
		free(j->copied[i]);
		free(j->tmp[i]);
	}
	free(j->state);
	free(j->copied);
	free(j->tmp);
	gz_strlist_release(&j->made_dirs);
	gz_map_release(&j->known_dirs);
	gz_strlist_release(&j->dir_keys);
	pthread_mutex_destroy(&j->lock);
}

/* Create the folders above rel under j->root, each at most once per build. */
static int mkdirs(write_job *j, const char *rel)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p;
	size_t rootlen = strlen(j->root);
	int rc = 0;

	gz_buf_puts(&b, j->root);
	for (p = rel; (p = strchr(p, '/')); p++) {
		bool known;
		gz_buf_truncate(&b, rootlen);
		gz_buf_putc(&b, '/');
		gz_buf_add(&b, rel, (size_t)(p - rel));
		pthread_mutex_lock(&j->lock);
		known = gz_map_get(&j->known_dirs, b.ptr) != NULL;
		pthread_mutex_unlock(&j->lock);
		if (known)
			continue;
		if (mkdir(b.ptr, 0755) == 0) {
			pthread_mutex_lock(&j->lock);
			gz_strlist_add(&j->made_dirs, b.ptr);
			pthread_mutex_unlock(&j->lock);
		} else if (errno != EEXIST) {
			rc = -1;
			break;
		}
		pthread_mutex_lock(&j->lock);
		if (!gz_map_get(&j->known_dirs, b.ptr)) {
			char *key = gz_strdup(b.ptr);
			gz_strlist_take(&j->dir_keys, key);
			gz_map_put(&j->known_dirs, key, key);
		}
		pthread_mutex_unlock(&j->lock);
	}
	gz_buf_release(&b);
	return rc;
}

static bool same_bytes(const char *path, const char *data, size_t len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	bool same = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len) {
		buf = gz_malloc(len ? len : 1);
		while (got < len) {
			ssize_t n = read(fd, buf + got, len - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		same = got == len && !memcmp(buf, data, len);
		free(buf);
	}
	close(fd);
	return same;
}

static int write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* Write data to a new temporary file beside path; returns its name. */
static char *write_temp(const char *path, const char *data, size_t len)
{
	gz_buf tmp = GZ_BUF_INIT;
	const char *slash = strrchr(path, '/');
	int fd, e;

	gz_buf_add(&tmp, path, slash ? (size_t)(slash - path) + 1 : 0);
	gz_buf_printf(&tmp, ".%s.gazette-tmp-%ld", slash ? slash + 1 : path, (long)getpid());
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	if (write_all(fd, data, len) < 0) {
		e = errno;
		close(fd);
		unlink(tmp.ptr);
		errno = e;
		goto fail;
	}
	if (close(fd) < 0) {
		e = errno;
		unlink(tmp.ptr);
		errno = e;
		goto fail;
	}
	return gz_buf_detach(&tmp, NULL);
fail:
	gz_buf_release(&tmp);
	return NULL;
}

/* Write data as a new file at path (in the spare, where no reader looks):
 * the old name is unlinked first, because its inode may be shared with the
 * published site. A build killed halfway leaves a short file here, and the
 * record lists the path, so the next build links it again from the site. */
static int write_new(const char *path, const char *data, size_t len, bool fresh)
{
	int fd, e;

	if (!fresh && unlink(path) < 0 && errno != ENOENT)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* The bytes of item i (rendered, or read from its source), or NULL after
 * an error. */
static const char *item_bytes(write_job *j, size_t i, size_t *len)
{
	gz_output *it = &j->o->items[i];

	if (it->data) {
		*len = it->len;
		return it->data;
	}
	if (!j->copied[i]) {
		if (gz_source_read(it->from, it->from_path, &j->copied[i], len) < 0) {
			gz_diag_error(j->d, it->origin, 0, 0, "cannot read '%s' to copy it",
				      it->from_path);
			return NULL;
		}
		it->len = *len;
	}
	*len = it->len;
	return j->copied[i];
}

/* Decide what to do with item i: keep (the last build's file is right),
 * same (the new bytes equal the published file's) or write. */
static void compare_one(size_t i, int worker, void *payload)
{
	write_job *j = payload;
	gz_output *it = &j->o->items[i];
	gz_buf full = GZ_BUF_INIT;
	const char *data;
	size_t len = 0;

	(void)worker;
	if (!it->data && !it->from) {
		j->state[i] = ST_KEEP;
		return;
	}
	if (!(data = item_bytes(j, i, &len)))
		return;
	j->state[i] = ST_WRITE;
	if (!j->compare)
		return;
	gz_buf_printf(&full, "%s/%s", j->dir, it->path);
	if (same_bytes(full.ptr, data, len)) {
		j->state[i] = ST_SAME;
		/* nothing left to do with bytes read from a source */
		free(j->copied[i]);
		j->copied[i] = NULL;
	}
	gz_buf_release(&full);
}

static void write_one(size_t i, int worker, void *payload)
{
	write_job *j = payload;
	gz_output *it = &j->o->items[i];
	gz_buf full = GZ_BUF_INIT;
	const char *data;
	size_t len = 0;

	(void)worker;
	if (j->state[i] != ST_WRITE || !(data = item_bytes(j, i, &len)))
		return;
	gz_buf_printf(&full, "%s/%s", j->root, it->path);
	if (mkdirs(j, it->path) < 0 ||
	    (j->in_place ? !(j->tmp[i] = write_temp(full.ptr, data, len))
			 : write_new(full.ptr, data, len, j->fresh) < 0)) {
		gz_diag_error(j->d, full.ptr, 0, 0, "cannot write: %s", strerror(errno));
	} else {
		atomic_fetch_add(&j->bytes, len);
		atomic_fetch_add(&j->written, 1);
	}
	free(j->copied[i]);
	j->copied[i] = NULL;
	gz_buf_release(&full);
}

static int cmp_longest_first(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Remove the folders a failed build made, deepest first. */
static void remove_made_dirs(gz_strlist *dirs)
{
	size_t i;

	if (dirs->n)
		qsort(dirs->items, dirs->n, sizeof(*dirs->items), cmp_longest_first);
	for (i = 0; i < dirs->n; i++)
		rmdir(dirs->items[i]);
}

/* Temporary files of a build that was killed (SIGKILL, power cut) before it
 * could rename or remove them: ".<name>.gazette-tmp-<pid>". Those whose
 * build is no longer running are removed, so they do not pile up or get
 * served; a live build's are left alone. nftw has no payload: the count is
 * a static, and only one build writes at a time. */
static size_t stale_removed;

static int remove_stale_temp(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	const char *name = path + ftw->base, *tag = strstr(name, ".gazette-tmp-"), *p;
	long pid;

	(void)sb;
	if (type != FTW_F || name[0] != '.' || !tag)
		return 0;
	p = tag + strlen(".gazette-tmp-");
	if (!*p || strspn(p, "0123456789") != strlen(p))
		return 0;
	pid = strtol(p, NULL, 10);
	if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;
	if (unlink(path) == 0)
		stale_removed++;
	return 0;
}

size_t gz_outputs_remove_stale(const char *dir)
{
	stale_removed = 0;
	nftw(dir, remove_stale_temp, 16, FTW_PHYS);
	return stale_removed;
}

/* ---- folders ------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* rm -rf path */
static void remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	else
		unlink(path);
}

/* mkdir -p of the folders above path (not path itself). */
static void make_parents(const char *path)
{
	char *up = gz_strdup(path), *p;

	for (p = up + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(up, 0755);
		*p = '/';
	}
	free(up);
}

/* The folders above rel under root, replacing whatever is in the way (only
 * ever used in the spare, to mirror the published site). */
static int force_parents(const char *root, const char *rel)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p;
	struct stat st;
	int rc = 0;

	for (p = rel; (p = strchr(p, '/')); p++) {
		gz_buf_clear(&b);
		gz_buf_printf(&b, "%s/", root);
		gz_buf_add(&b, rel, (size_t)(p - rel));
		if (mkdir(b.ptr, 0755) == 0)
			continue;
		if (errno != EEXIST || lstat(b.ptr, &st) < 0) {
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode))
			continue;
		if (unlink(b.ptr) < 0 || mkdir(b.ptr, 0755) < 0) {
			rc = -1;
			break;
		}
	}
	gz_buf_release(&b);
	return rc;
}

/* Remove root/rel and the folders that leaves empty (but not one that
 * mirror, if given, still has). */
static void remove_path(const char *root, const char *rel, const char *mirror)
{
	gz_buf full = GZ_BUF_INIT, m = GZ_BUF_INIT;
	struct stat st;
	char *slash;

	gz_buf_printf(&full, "%s/%s", root, rel);
	remove_tree(full.ptr);
	while ((slash = strrchr(full.ptr, '/')) && (size_t)(slash - full.ptr) > strlen(root)) {
		gz_buf_truncate(&full, (size_t)(slash - full.ptr));
		if (mirror) {
			gz_buf_clear(&m);
			gz_buf_printf(&m, "%s%s", mirror, full.ptr + strlen(root));
			if (lstat(m.ptr, &st) == 0 && S_ISDIR(st.st_mode))
				break;
		}
		if (rmdir(full.ptr) < 0)
			break;
	}
	gz_buf_release(&full);
	gz_buf_release(&m);
}

static int remove_at(int dirfd, const char *name);

/* Make the folder to hold what from holds: the same names, folders made
 * alike, files (and symlinks) hardlinked. fresh: to was just made, so
 * nothing in it needs checking or removing (a first build's mirror of
 * 20,000 files: half its calls). */
static int mirror_tree(int from, int to, bool fresh)
{
	DIR *fd = NULL, *td = NULL;
	struct dirent *e;
	gz_map seen = {0};
	gz_strlist names = {0};
	int rc = -1, nfd = -1, dup_from = dup(from), dup_to = fresh ? -1 : dup(to);

	if (dup_from < 0 || (!fresh && dup_to < 0) || !(fd = fdopendir(dup_from))) {
		if (dup_from >= 0)
			close(dup_from);
		if (dup_to >= 0)
			close(dup_to);
		return -1;
	}
	if (!fresh && !(td = fdopendir(dup_to))) {
		close(dup_to);
		goto cleanup;
	}
	while ((e = readdir(fd))) {
		struct stat a, b;
		const char *n = e->d_name;
		bool dir;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (!fresh) {
			gz_strlist_add(&names, n);
			gz_map_put(&seen, names.items[names.n - 1], &seen);
		}
		if (fresh && e->d_type != DT_UNKNOWN) {
			dir = e->d_type == DT_DIR;
		} else {
			if (fstatat(from, n, &a, AT_SYMLINK_NOFOLLOW) < 0)
				goto cleanup;
			dir = S_ISDIR(a.st_mode);
		}
		if (dir) {
			int fa, fb;
			bool made = false;
			fa = openat(from, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fa < 0 || fstat(fa, &a) < 0 ||
			    (!fresh && fstatat(to, n, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
			     !S_ISDIR(b.st_mode) && unlinkat(to, n, 0) < 0)) {
				if (fa >= 0)
					close(fa);
				goto cleanup;
			}
			if (mkdirat(to, n, a.st_mode & 07777) == 0) {
				made = true;
			} else if (errno != EEXIST) {
				close(fa);
				goto cleanup;
			}
			fb = openat(to, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			nfd = fb >= 0 ? mirror_tree(fa, fb, made) : -1;
			close(fa);
			if (fb >= 0)
				close(fb);
			if (nfd < 0)
				goto cleanup;
			continue;
		}
		if (!fresh && fstatat(to, n, &b, AT_SYMLINK_NOFOLLOW) == 0) {
			if (b.st_ino == a.st_ino && b.st_dev == a.st_dev)
				continue;
			if (remove_at(to, n) < 0)
				goto cleanup;
		}
		if (linkat(from, n, to, n, 0) < 0)
			goto cleanup;
	}
	/* and nothing else */
	while (td && (e = readdir(td))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || gz_map_get(&seen, e->d_name))
			continue;
		if (remove_at(to, e->d_name) < 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	if (fd)
		closedir(fd);
	if (td)
		closedir(td);
	gz_map_release(&seen);
	gz_strlist_release(&names);
	return rc;
}

/* rm -rf of name in the folder dirfd. */
static int remove_at(int at, const char *name)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int fd, rc = 0;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && remove_at(dirfd(d), e->d_name) < 0)
			rc = -1;
	closedir(d);
	return rc < 0 ? -1 : unlinkat(at, name, AT_REMOVEDIR);
}

/* Make spare a copy of dir made of hardlinks (rsync --link-dest): a
 * folder that is already close costs only the stats. */
static int mirror(const char *dir, const char *spare)
{
	struct stat st, sp;
	int a, b, rc;
	bool fresh = false;

	if (stat(dir, &st) < 0)
		return -1;
	if (lstat(spare, &sp) == 0 && !S_ISDIR(sp.st_mode))
		unlink(spare);
	if (mkdir(spare, st.st_mode & 07777) == 0)
		fresh = true;
	else if (errno != EEXIST)
		return -1;
	chmod(spare, st.st_mode & 07777);
	a = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	b = open(spare, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	rc = a >= 0 && b >= 0 ? mirror_tree(a, b, fresh) : -1;
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return rc;
}

/* Make spare/rel what dir/rel is (a path the last build changed). */
static int mirror_path(const char *dir, const char *spare, const char *rel)
{
	gz_buf a = GZ_BUF_INIT, b = GZ_BUF_INIT;
	struct stat as, bs;
	int rc = 0;

	gz_buf_printf(&a, "%s/%s", dir, rel);
	gz_buf_printf(&b, "%s/%s", spare, rel);
	if (lstat(a.ptr, &as) < 0) {
		if (lstat(b.ptr, &bs) == 0)
			remove_path(spare, rel, dir);
	} else if (S_ISDIR(as.st_mode)) {
		if (force_parents(spare, rel) < 0 || (lstat(b.ptr, &bs) == 0 && !S_ISDIR(bs.st_mode)))
			remove_tree(b.ptr);
		rc = mirror(a.ptr, b.ptr);
	} else if (lstat(b.ptr, &bs) < 0 || bs.st_ino != as.st_ino || bs.st_dev != as.st_dev) {
		remove_tree(b.ptr);
		rc = force_parents(spare, rel) < 0 || link(a.ptr, b.ptr) < 0 ? -1 : 0;
	}
	gz_buf_release(&a);
	gz_buf_release(&b);
	return rc;
}

/* Which folder: its inode and birth time (an inode number alone comes back
 * when a folder is removed and another made). 0 if it is not there. */
static uint64_t folder_id(const char *path)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME, &sx) < 0 ||
	    !S_ISDIR(sx.stx_mode))
		return 0;
	return gz_hash_u64(gz_hash_u64(gz_hash_u64(GZ_HASH_INIT, sx.stx_ino),
				       (uint64_t)sx.stx_btime.tv_sec),
			   sx.stx_btime.tv_nsec) | 1;
}

/* ---- the record --------------------------------------------------------- */

/* A list of borrowed paths (the record's lines, the outputs' paths). */
typedef struct {
	const char **items;
	size_t n, cap;
} paths;

static void paths_add(paths *l, const char *s)
{
	GZ_GROW(l->items, l->cap, l->n + 1);
	l->items[l->n++] = s;
}

static void paths_release(paths *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

typedef struct {
	bool ok;                /* in this format (an older one lists outputs only) */
	uint64_t dir, spare;    /* folder_id of the site and of the spare (0: none) */
	bool in_place;          /* the file system cannot swap folders */
	paths changed;          /* where the spare may differ from the site */
	paths outputs;          /* the files gazette wrote into the site */
	char *buf;              /* the lines read, which the lists point into */
} record;

#define RECORD_MAGIC "gazette-publish 2"

static void record_release(record *r)
{
	paths_release(&r->changed);
	paths_release(&r->outputs);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

static int record_read(record *r, const char *path)
{
	gz_buf b = GZ_BUF_INIT;
	char *line, *save = NULL;

	memset(r, 0, sizeof(*r));
	if (gz_buf_read_file(&b, path) < 0)
		return -1;
	for (line = strtok_r(b.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, RECORD_MAGIC))
			r->ok = true;
		else if (!r->ok)
			paths_add(&r->outputs, line); /* an older list of outputs */
		else if (!strncmp(line, "o ", 2))
			paths_add(&r->outputs, line + 2);
		else if (!strncmp(line, "c ", 2))
			paths_add(&r->changed, line + 2);
		else if (!strncmp(line, "dir ", 4))
			r->dir = strtoull(line + 4, NULL, 16);
		else if (!strcmp(line, "spare in-place"))
			r->in_place = true;
		else if (!strncmp(line, "spare ", 6))
			r->spare = strtoull(line + 6, NULL, 16);
	}
	r->buf = gz_buf_detach(&b, NULL);
	return 0;
}

/* Write r to path whole (a temporary file renamed over it). */
static int record_save(const record *r, const char *site, const char *path)
{
	gz_buf b = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	size_t i;
	FILE *f;
	int rc = -1, e;

	gz_buf_printf(&b, "%s\n# what gazette last published, and its spare folder\n", RECORD_MAGIC);
	gz_buf_printf(&b, "site %s\n", site);
	gz_buf_printf(&b, "dir %016llx\n", (unsigned long long)r->dir);
	if (r->in_place)
		gz_buf_puts(&b, "spare in-place\n");
	else
		gz_buf_printf(&b, "spare %016llx\n", (unsigned long long)r->spare);
	for (i = 0; i < r->changed.n; i++) {
		gz_buf_puts(&b, "c ");
		gz_buf_puts(&b, r->changed.items[i]);
		gz_buf_putc(&b, '\n');
	}
	for (i = 0; i < r->outputs.n; i++) {
		gz_buf_puts(&b, "o ");
		gz_buf_puts(&b, r->outputs.items[i]);
		gz_buf_putc(&b, '\n');
	}
	gz_buf_printf(&tmp, "%s.tmp", path);
	f = fopen(tmp.ptr, "w");
	if (f && fwrite(b.ptr, 1, b.len, f) == b.len && fclose(f) == 0) {
		f = NULL;
		rc = rename(tmp.ptr, path);
	}
	e = errno;
	if (f)
		fclose(f);
	if (rc < 0)
		unlink(tmp.ptr);
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	errno = e;
	return rc;
}

static void outputs_of(paths *l, const gz_outputs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		paths_add(l, o->items[i].path);
}

/* ---- publishing --------------------------------------------------------- */

struct gz_publish {
	char *given;             /* the output folder as the caller named it */
	char *dir;               /* the same, symlinks resolved */
	char *record, *pending, *lockpath;
	char *companion, *companion_pending; /* NULL: none */
	bool rebuild_spare;
	bool trusted;           /* the record names the folder that is there */
	int lock;                /* -1: not held */
};

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
	if (flock(p->lock, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "gazette: waiting for another build into %s to finish\n", p->dir);
		while (flock(p->lock, LOCK_EX) < 0 && errno == EINTR)
			;
	}
	return 0;
}

/* The companion saved for the new site takes the old one's place. */
static void promote_companion(gz_publish *p)
{
	if (p->companion && rename(p->companion_pending, p->companion) < 0 && errno == ENOENT)
		unlink(p->companion); /* not saved: it described the old site */
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
	record r;

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
	if (record_read(&r, p->pending) == 0 && r.ok && r.dir && r.dir == folder_id(p->dir)) {
		promote_companion(p);
		rename(p->pending, p->record);
	} else {
		drop_pending(p);
	}
	record_release(&r);
	/* the record (and so the companion) describes the folder that is there */
	p->trusted = record_read(&r, p->record) == 0 && r.ok && r.dir && r.dir == folder_id(p->dir);
	record_release(&r);
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
static void add_removed(paths *removed, const char *dir, const char *path)
{
	gz_buf full = GZ_BUF_INIT;
	struct stat st;

	/* only what an earlier build wrote is ever removed: never a file
	 * someone else put in the output folder */
	if (!gz_path_is_safe(path))
		return;
	gz_buf_printf(&full, "%s/%s", dir, path);
	if (lstat(full.ptr, &st) == 0 && S_ISREG(st.st_mode))
		paths_add(removed, path);
	gz_buf_release(&full);
}

/* What the last build wrote that o no longer has, and whether o's paths
 * are exactly the recorded ones. Both lists are sorted (o by
 * gz_outputs_check, the record because it is written from o), so one pass
 * compares them; an unsorted record goes through a map. */
static void find_removed(const gz_outputs *o, const char *dir, const paths *old,
			 paths *removed, bool *same_set)
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

size_t gz_publish_pages_removed(const gz_publish *p, const gz_outputs *o, gz_strlist *gone)
{
	paths removed = {0};
	record r;
	size_t i, before = 0;
	bool same_set;

	if (record_read(&r, p->record) < 0)
		return 0;
	for (i = 0; i < r.outputs.n; i++)
		before += is_page(r.outputs.items[i]);
	find_removed(o, p->dir, &r.outputs, &removed, &same_set);
	for (i = 0; i < removed.n; i++)
		if (is_page(removed.items[i]))
			gz_strlist_add(gone, removed.items[i]);
	paths_release(&removed);
	record_release(&r);
	return before;
}

static bool no_exchange(int e)
{
	/* ENOTSUP is EOPNOTSUPP on Linux */
	return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP || e == EXDEV || e == EBUSY;
}

/* In place, for file systems that cannot swap folders: every changed file
 * to a temporary name beside it, then (all written) renamed into place one
 * by one; a build killed while renaming leaves some files new, some old. */
static int write_in_place(gz_publish *p, write_job *j, record *r, int jobs, gz_diag *d,
			  gz_write_stats *st)
{
	paths removed = {0};
	record next = {0};
	size_t before = d->errors, i;
	bool made_root = false, same_set;
	int rc = 0;

	make_parents(p->dir);
	if (mkdir(p->dir, 0755) == 0)
		made_root = true;
	else if (errno != EEXIST) {
		gz_diag_error(d, p->dir, 0, 0, "cannot create the output folder: %s", strerror(errno));
		return -1;
	}
	gz_outputs_remove_stale(p->dir);
	j->in_place = true;
	j->root = p->dir;
	j->compare = !made_root;
	gz_parallel(j->o->n, jobs, compare_one, j, NULL);
	if (d->errors == before)
		gz_parallel(j->o->n, jobs, write_one, j, "写入");
	if (d->errors > before) {
		for (i = 0; i < j->o->n; i++)
			if (j->tmp[i])
				unlink(j->tmp[i]);
		remove_made_dirs(&j->made_dirs);
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
			gz_diag_error(d, full.ptr, 0, 0, "cannot write: %s", strerror(errno));
			unlink(j->tmp[i]);
			rc = -1;
		} else {
			st->written++;
		}
		gz_buf_release(&full);
	}
	find_removed(j->o, p->dir, &r->outputs, &removed, &same_set);
	for (i = 0; i < removed.n; i++)
		remove_path(p->dir, removed.items[i], NULL);
	st->removed = removed.n;
	next.ok = true;
	next.dir = folder_id(p->dir);
	next.in_place = r->in_place;
	outputs_of(&next.outputs, j->o);
	if (record_save(&next, p->dir, p->record) < 0)
		gz_diag_warn(d, p->record, 0, 0,
			     "cannot record the outputs (%s); pages deleted later will not be "
			     "removed from the output folder",
			     strerror(errno));
	promote_companion(p);
	paths_release(&removed);
	record_release(&next);
	return rc;
}


/* Put the folder spare in the place of dir: by renaming it (a first build)
 * or by exchanging the two. next, the record of the new site, is saved as
 * pending first and replaces the record once the switch is done, with the
 * companion. Returns 0; 1 if this file system cannot (write in place
 * instead); -1 with errors in d. */
static int switch_in(gz_publish *p, record *next, const char *spare, bool exchange, gz_diag *d)
{
	int e;

	if (record_save(next, p->dir, p->pending) < 0) {
		gz_diag_error(d, p->pending, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	if ((exchange ? renameat2(AT_FDCWD, spare, AT_FDCWD, p->dir, RENAME_EXCHANGE)
		      : rename(spare, p->dir)) < 0) {
		e = errno;
		unlink(p->pending); /* the companion may still go in place */
		if (no_exchange(e))
			return 1;
		gz_diag_error(d, p->dir, 0, 0, "cannot write: %s (%s)", strerror(e),
			      exchange ? "swapping in the new site" : "moving the new site into place");
		return -1;
	}
	promote_companion(p);
	if (rename(p->pending, p->record) < 0)
		gz_diag_warn(d, p->record, 0, 0, "cannot record the outputs (%s)", strerror(errno));
	return 0;
}
/* The first build: everything into a fresh folder, renamed into place;
 * then the spare for the next build, so that one costs what it changes.
 * Returns 1 if this file system cannot rename the folder there. */
static int publish_fresh(gz_publish *p, write_job *j, const char *spare, int jobs, gz_diag *d)
{
	record next = {0};
	size_t before = d->errors;
	int rc = -1;

	make_parents(p->dir);
	make_parents(spare);
	remove_tree(spare);
	if (mkdir(spare, 0755) < 0) {
		gz_diag_error(d, spare, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	j->root = spare;
	j->compare = false;
	j->fresh = true;
	gz_parallel(j->o->n, jobs, compare_one, j, NULL);
	if (d->errors == before)
		gz_parallel(j->o->n, jobs, write_one, j, "写入");
	if (d->errors > before)
		goto fail;
	next.ok = true;
	next.dir = folder_id(spare);
	outputs_of(&next.outputs, j->o);
	rc = switch_in(p, &next, spare, false, d);
	if (rc != 0)
		goto fail;
	if (mirror(p->dir, spare) == 0) {
		next.dir = folder_id(p->dir);
		next.spare = folder_id(spare);
		record_save(&next, p->dir, p->record);
	}
	record_release(&next);
	return 0;
fail:
	remove_tree(spare);
	record_release(&next);
	return rc;
}

/* Bring the spare up to date and swap it with dir. Returns 1 if this file
 * system cannot swap folders (dir is then untouched). */
static int publish_swap(gz_publish *p, write_job *j, record *r, const char *spare, int jobs,
			gz_diag *d, gz_write_stats *st)
{
	paths removed = {0};
	record dirty = {0}, next = {0};
	const paths *prev;
	paths none = {0};
	uint64_t dir_id = folder_id(p->dir), spare_id = folder_id(spare);
	size_t before = d->errors, i, nwrite = 0;
	bool same_set, trusted;
	int rc = -1;

	j->root = spare;
	gz_parallel(j->o->n, jobs, compare_one, j, NULL);
	if (d->errors > before)
		return -1;
	find_removed(j->o, p->dir, &r->outputs, &removed, &same_set);
	for (i = 0; i < j->o->n; i++)
		nwrite += j->state[i] == ST_WRITE;

	/* nothing changes in dir: nothing to swap */
	if (!nwrite && !removed.n) {
		if (!r->ok || r->dir != dir_id || !same_set) {
			next.ok = true;
			next.dir = dir_id;
			if (r->ok && r->dir == dir_id) {
				next.spare = r->spare;
				for (i = 0; i < r->changed.n; i++)
					paths_add(&next.changed, r->changed.items[i]);
			}
			outputs_of(&next.outputs, j->o);
			if (record_save(&next, p->dir, p->record) < 0)
				gz_diag_warn(d, p->record, 0, 0,
					     "cannot record the outputs (%s); pages deleted later will "
					     "not be removed from the output folder",
					     strerror(errno));
		}
		promote_companion(p);
		rc = 0;
		goto cleanup;
	}

	/* the spare holds the site before dir's and differs from it only at
	 * the paths the record lists; anything else, and it is made again */
	trusted = r->ok && r->dir == dir_id && r->spare && r->spare == spare_id && !p->rebuild_spare;
	prev = trusted ? &r->changed : &none;
	if (!trusted) {
		if (r->ok && r->spare) {
			/* killed while it is remade, it must not pass as the old one */
			dirty.ok = true;
			dirty.dir = r->dir;
			for (i = 0; i < r->outputs.n; i++)
				paths_add(&dirty.outputs, r->outputs.items[i]);
			if (record_save(&dirty, p->dir, p->record) < 0) {
				gz_diag_error(d, p->record, 0, 0, "cannot write: %s", strerror(errno));
				goto cleanup;
			}
			record_release(&dirty);
		}
		make_parents(spare);
		if (mirror(p->dir, spare) < 0) {
			gz_diag_error(d, spare, 0, 0, "cannot write: %s", strerror(errno));
			goto cleanup;
		}
		spare_id = folder_id(spare);
	}

	/* before the spare is touched, the record lists every path where it
	 * will differ from dir: a build killed from here on leaves a spare
	 * the next build can put right path by path */
	dirty.ok = true;
	dirty.dir = dir_id;
	dirty.spare = spare_id;
	for (i = 0; i < prev->n; i++)
		paths_add(&dirty.changed, prev->items[i]);
	for (i = 0; i < j->o->n; i++)
		if (j->state[i] == ST_WRITE)
			paths_add(&dirty.changed, j->o->items[i].path);
	for (i = 0; i < removed.n; i++)
		paths_add(&dirty.changed, removed.items[i]);
	for (i = 0; i < r->outputs.n; i++)
		paths_add(&dirty.outputs, r->outputs.items[i]);
	if (record_save(&dirty, p->dir, p->record) < 0) {
		gz_diag_error(d, p->record, 0, 0, "cannot write: %s", strerror(errno));
		goto cleanup;
	}

	/* the spare becomes dir: what the last build changed, linked from dir */
	for (i = 0; i < prev->n; i++) {
		if (mirror_path(p->dir, spare, prev->items[i]) < 0) {
			gz_diag_error(d, spare, 0, 0, "cannot write: %s (bringing '%s' up to date)",
				      strerror(errno), prev->items[i]);
			goto cleanup;
		}
	}
	/* then this build's changes, removals first (a page may become a folder) */
	for (i = 0; i < removed.n; i++)
		remove_path(spare, removed.items[i], NULL);
	gz_parallel(j->o->n, jobs, write_one, j, "写入");
	if (d->errors > before)
		goto cleanup;

	/* the new site, recorded before the swap as pending: the next build
	 * takes it up if the swap happened */
	next.ok = true;
	next.dir = spare_id;
	next.spare = dir_id;
	for (i = 0; i < j->o->n; i++)
		if (j->state[i] == ST_WRITE)
			paths_add(&next.changed, j->o->items[i].path);
	for (i = 0; i < removed.n; i++)
		paths_add(&next.changed, removed.items[i]);
	outputs_of(&next.outputs, j->o);
	rc = switch_in(p, &next, spare, true, d);
	if (rc != 0)
		goto cleanup;
	/* the spare (now the old site) takes up the new files at once, so the
	 * old versions do not hold disk space until the next build; the
	 * record still lists the paths, which costs the next build a stat */
	for (i = 0; i < next.changed.n; i++)
		mirror_path(p->dir, spare, next.changed.items[i]);
	st->written = atomic_load(&j->written);
	st->removed = removed.n;
cleanup:
	/* a failed build gives back the space its new files took in the spare */
	if (rc < 0 && dirty.spare)
		for (i = 0; i < dirty.changed.n; i++)
			mirror_path(p->dir, spare, dirty.changed.items[i]);
	paths_release(&removed);
	record_release(&dirty);
	record_release(&next);
	return rc;
}

/* The output folder a record describes (from its first lines), or NULL. */
static char *record_site(const char *path)
{
	char line[PATH_MAX + 16];
	FILE *f = fopen(path, "r");
	char *site = NULL;
	int n = 0;

	if (!f)
		return NULL;
	while (!site && n++ < 3 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "site ", 5))
			site = gz_strdup(line + 5);
	}
	fclose(f);
	return site;
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
	remove_tree(b.ptr);
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
		site = record_site(rec.ptr);
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

/* A mount point cannot be renamed: its content is replaced in place. */
static bool is_mount_point(const char *dir, const struct stat *st)
{
	char *parent = join(dir, "/..");
	struct stat up;
	bool mp = stat(parent, &up) == 0 && (up.st_dev != st->st_dev || up.st_ino == st->st_ino);

	free(parent);
	return mp;
}

int gz_publish_write(gz_publish *p, gz_outputs *o, int jobs, gz_diag *d, gz_write_stats *st)
{
	write_job j;
	record r;
	struct stat ost;
	char *spare = NULL;
	const char *why = NULL;
	size_t i;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	/* resolved again now that the folders above it exist */
	make_parents(p->dir);
	free(p->dir);
	p->dir = resolve(p->given);
	job_init(&j, o, p->dir, d);
	if (take_lock(p, true) < 0) {
		gz_diag_error(d, p->lockpath, 0, 0, "cannot write: %s", strerror(errno));
		goto cleanup;
	}
	record_read(&r, p->record);
	if (lstat(p->dir, &ost) == 0 && !S_ISDIR(ost.st_mode)) {
		gz_diag_error(d, p->dir, 0, 0, "the output folder is a file; remove it or choose "
			      "another --out");
		goto cleanup;
	}
	spare = spare_path(p);
	if (getenv("GAZETTE_NO_EXCHANGE"))
		why = "GAZETTE_NO_EXCHANGE is set";
	else if (r.in_place && r.dir == folder_id(p->dir))
		why = "its file system cannot swap folders (renameat2 RENAME_EXCHANGE)";
	else if (lstat(p->dir, &ost) == 0 && is_mount_point(p->dir, &ost))
		why = "it is a mount point";
	if (!why) {
		if (lstat(p->dir, &ost) < 0)
			rc = publish_fresh(p, &j, spare, jobs, d);
		else
			rc = publish_swap(p, &j, &r, spare, jobs, d, st);
		if (rc == 1) {
			why = "its file system cannot swap folders (renameat2 RENAME_EXCHANGE)";
			r.in_place = true;
			remove_tree(spare);
			/* start again, with the same bytes */
			job_release(&j);
			job_init(&j, o, p->dir, d);
		}
	}
	if (why) {
		gz_diag_warn(d, p->dir, 0, 0,
			     "files are replaced one at a time, not the site at once, because %s: a "
			     "build killed while replacing them leaves some pages old and some new",
			     why);
		rc = write_in_place(p, &j, &r, jobs, d, st);
	}
	if (rc == 0) {
		remove_orphans(p);
		st->bytes = atomic_load(&j.bytes);
		st->written = atomic_load(&j.written);
		for (i = 0; i < o->n; i++)
			st->unchanged += j.state[i] != ST_WRITE;
	} else if (p->companion) {
		unlink(p->companion_pending);
	}
cleanup:
	free(spare);
	record_release(&r);
	job_release(&j);
	return rc < 0 ? -1 : 0;
}
