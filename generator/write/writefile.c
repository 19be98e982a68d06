/*
 * writefile.c: the outputs' bytes into files (output.h). Each output is
 * first compared with the published file, so one whose bytes did not
 * change is never written (it keeps its inode and mtime); the rest are
 * written as new files in the spare, or to temporary names beside the
 * published ones when writing in place.
 */
#include "write/publish_private.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

void gz_write_job_init(gz_write_job *j, gz_outputs *o, const char *dir, gz_diag *d)
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

void gz_write_job_release(gz_write_job *j)
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
static int mkdirs(gz_write_job *j, const char *rel)
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
static const char *item_bytes(gz_write_job *j, size_t i, size_t *len)
{
	gz_output *it = &j->o->items[i];

	if (it->data) {
		*len = it->len;
		return it->data;
	}
	if (!j->copied[i]) {
		if (gz_source_read(it->from, it->from_path, &j->copied[i], len) < 0) {
			gz_diag_error(j->d, it->origin, 0, 0, _("cannot read '%s' to copy it"),
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
	gz_write_job *j = payload;
	gz_output *it = &j->o->items[i];
	gz_buf full = GZ_BUF_INIT;
	const char *data;
	size_t len = 0;

	(void)worker;
	if (it->streamed) {
		j->state[i] = it->streamed == GZ_STREAMED_SAME ? GZ_OUT_SAME : GZ_OUT_WRITE;
		return;
	}
	if (!it->data && !it->from) {
		j->state[i] = GZ_OUT_KEEP;
		return;
	}
	if (!(data = item_bytes(j, i, &len)))
		return;
	j->state[i] = GZ_OUT_WRITE;
	if (!j->compare)
		return;
	gz_buf_printf(&full, "%s/%s", j->dir, it->path);
	if (same_bytes(full.ptr, data, len)) {
		j->state[i] = GZ_OUT_SAME;
		/* nothing left to do with bytes read from a source */
		free(j->copied[i]);
		j->copied[i] = NULL;
	}
	gz_buf_release(&full);
}

static void write_one(size_t i, int worker, void *payload)
{
	gz_write_job *j = payload;
	gz_output *it = &j->o->items[i];
	gz_buf full = GZ_BUF_INIT;
	const char *data;
	size_t len = 0;

	(void)worker;
	if (j->state[i] != GZ_OUT_WRITE)
		return;
	if (it->streamed) {
		/* in the spare already */
		atomic_fetch_add(&j->bytes, it->len);
		atomic_fetch_add(&j->written, 1);
		return;
	}
	if (!(data = item_bytes(j, i, &len)))
		return;
	gz_buf_printf(&full, "%s/%s", j->root, it->path);
	if (mkdirs(j, it->path) < 0 ||
	    (j->in_place ? !(j->tmp[i] = write_temp(full.ptr, data, len))
			 : write_new(full.ptr, data, len, j->fresh) < 0)) {
		gz_diag_error(j->d, full.ptr, 0, 0, _("cannot write: %s"), strerror(errno));
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

bool gz_write_job_same(gz_write_job *j, const char *path, const char *data, size_t len)
{
	gz_buf full = GZ_BUF_INIT;
	bool same;

	gz_buf_printf(&full, "%s/%s", j->dir, path);
	same = same_bytes(full.ptr, data, len);
	gz_buf_release(&full);
	return same;
}

int gz_write_job_put(gz_write_job *j, const char *path, const char *data, size_t len)
{
	gz_buf full = GZ_BUF_INIT;
	int rc;

	gz_buf_printf(&full, "%s/%s", j->root, path);
	rc = mkdirs(j, path) < 0 || write_new(full.ptr, data, len, j->fresh) < 0 ? -1 : 0;
	gz_buf_release(&full);
	return rc;
}

void gz_write_job_compare(gz_write_job *j, int jobs)
{
	gz_parallel(j->o->n, jobs, compare_one, j, NULL);
}

void gz_write_job_write(gz_write_job *j, int jobs)
{
	gz_parallel(j->o->n, jobs, write_one, j, _("writing"));
}

void gz_write_job_undo(gz_write_job *j)
{
	size_t i;

	for (i = 0; i < j->o->n; i++)
		if (j->tmp[i])
			unlink(j->tmp[i]);
	remove_made_dirs(&j->made_dirs);
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
