/*
 * folders.c: whole folders for publishing (output.h): removed, made,
 * mirrored as hardlinks into the spare, and told apart by gz_folder_id.
 */
#include "write/publish_private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/pool.h"

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

void gz_folder_remove(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	else
		unlink(path);
}

void gz_folder_make_parents(const char *path)
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

void gz_folder_remove_path(const char *root, const char *rel, const char *mirror)
{
	gz_buf full = GZ_BUF_INIT, m = GZ_BUF_INIT;
	struct stat st;
	char *slash;

	gz_buf_printf(&full, "%s/%s", root, rel);
	gz_folder_remove(full.ptr);
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

int gz_folder_mirror(const char *dir, const char *spare)
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

int gz_folder_mirror_path(const char *dir, const char *spare, const char *rel)
{
	gz_buf a = GZ_BUF_INIT, b = GZ_BUF_INIT;
	struct stat as, bs;
	int rc = 0;

	gz_buf_printf(&a, "%s/%s", dir, rel);
	gz_buf_printf(&b, "%s/%s", spare, rel);
	if (lstat(a.ptr, &as) < 0) {
		if (lstat(b.ptr, &bs) == 0)
			gz_folder_remove_path(spare, rel, dir);
	} else if (S_ISDIR(as.st_mode)) {
		if (force_parents(spare, rel) < 0 || (lstat(b.ptr, &bs) == 0 && !S_ISDIR(bs.st_mode)))
			gz_folder_remove(b.ptr);
		rc = gz_folder_mirror(a.ptr, b.ptr);
	} else if (lstat(b.ptr, &bs) < 0 || bs.st_ino != as.st_ino || bs.st_dev != as.st_dev) {
		gz_folder_remove(b.ptr);
		rc = force_parents(spare, rel) < 0 || link(a.ptr, b.ptr) < 0 ? -1 : 0;
	}
	gz_buf_release(&a);
	gz_buf_release(&b);
	return rc;
}

bool gz_folder_is_mount_point(const char *dir, const struct stat *st)
{
	gz_buf parent = GZ_BUF_INIT;
	struct stat up;
	bool mp;

	gz_buf_printf(&parent, "%s/..", dir);
	mp = stat(parent.ptr, &up) == 0 && (up.st_dev != st->st_dev || up.st_ino == st->st_ino);
	gz_buf_release(&parent);
	return mp;
}

bool gz_folder_parent_exists(const char *dir)
{
	char *up = gz_strdup(dir), *slash = strrchr(up, '/');
	struct stat st;
	bool ok;

	if (slash)
		*slash = '\0';
	ok = stat(slash ? (up[0] ? up : "/") : ".", &st) == 0 && S_ISDIR(st.st_mode);
	free(up);
	return ok;
}

uint64_t gz_folder_id(const char *path)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_INO | STATX_BTIME, &sx) < 0 ||
	    !S_ISDIR(sx.stx_mode))
		return 0;
	return gz_hash_u64(gz_hash_u64(gz_hash_u64(GZ_HASH_INIT, sx.stx_ino),
				       (uint64_t)sx.stx_btime.tv_sec),
			   sx.stx_btime.tv_nsec) | 1;
}

typedef struct {
	int from, to;
	const char *const *names;
	bool dirs;
	atomic_bool failed;
} link_job;

static void link_one(size_t i, int worker, void *payload)
{
	link_job *lj = payload;
	const char *n = lj->names[i];

	(void)worker;
	if (atomic_load_explicit(&lj->failed, memory_order_relaxed))
		return;
	if (lj->dirs ? mkdirat(lj->to, n, 0755) < 0 : linkat(lj->from, n, lj->to, n, 0) < 0)
		atomic_store(&lj->failed, true);
}

static size_t depth(const char *path)
{
	size_t n = 0;

	for (; *path; path++)
		n += *path == '/';
	return n;
}

static int by_depth(const void *a, const void *b)
{
	size_t x = depth(*(const char *const *)a), y = depth(*(const char *const *)b);
	return x < y ? -1 : x > y;
}

int gz_folder_link_list(const char *dir, const char *spare, const char **dirs, size_t ndirs,
			const char *const *files, size_t nfiles, int jobs)
{
	link_job lj = {.from = -1, .to = -1};
	size_t i, k;
	int rc = -1;

	if (mkdir(spare, 0755) < 0)
		return -1;
	lj.from = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	lj.to = open(spare, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lj.from < 0 || lj.to < 0)
		goto done;
	atomic_init(&lj.failed, false);
	/* the folders a level at a time, each level on all threads: a folder's
	 * parent is always made before it */
	if (ndirs)
		qsort(dirs, ndirs, sizeof(*dirs), by_depth);
	lj.dirs = true;
	for (i = 0; i < ndirs; i = k) {
		for (k = i + 1; k < ndirs && depth(dirs[k]) == depth(dirs[i]); k++)
			;
		lj.names = dirs + i;
		gz_parallel(k - i, jobs, link_one, &lj, NULL);
	}
	lj.dirs = false;
	lj.names = files;
	gz_parallel(nfiles, jobs, link_one, &lj, NULL);
	rc = atomic_load(&lj.failed) ? -1 : 0;
done:
	if (lj.from >= 0)
		close(lj.from);
	if (lj.to >= 0)
		close(lj.to);
	return rc;
}
