#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "pool.h"
#include "strlist.h"

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

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const gz_output *)a)->path, ((const gz_output *)b)->path);
}

int gz_outputs_check(gz_outputs *o, gz_diag *d)
{
	size_t i;
	int rc = 0;

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

typedef struct {
	gz_outputs *o;
	const char *dir;
	gz_diag *d;
	atomic_size_t written, unchanged, bytes;
} write_job;

static int mkdirs(const char *dir, const char *rel)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p;
	int rc = 0;

	gz_buf_puts(&b, dir);
	for (p = rel; (p = strchr(p, '/')); p++) {
		gz_buf_truncate(&b, strlen(dir));
		gz_buf_putc(&b, '/');
		gz_buf_add(&b, rel, (size_t)(p - rel));
		if (mkdir(b.ptr, 0755) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
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

static int write_atomic(const char *path, const char *data, size_t len)
{
	gz_buf tmp = GZ_BUF_INIT;
	const char *slash = strrchr(path, '/');
	size_t off = 0;
	int fd;

	gz_buf_add(&tmp, path, slash ? (size_t)(slash - path) + 1 : 0);
	gz_buf_printf(&tmp, ".%s.gazette-tmp-%ld", slash ? slash + 1 : path, (long)getpid());
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			unlink(tmp.ptr);
			goto fail;
		}
		off += (size_t)n;
	}
	if (close(fd) < 0 || rename(tmp.ptr, path) < 0) {
		unlink(tmp.ptr);
		goto fail;
	}
	gz_buf_release(&tmp);
	return 0;
fail:
	gz_buf_release(&tmp);
	return -1;
}

static void write_one(size_t i, int worker, void *payload)
{
	write_job *j = payload;
	gz_output *it = &j->o->items[i];
	gz_buf full = GZ_BUF_INIT;
	char *data = it->data, *copied = NULL;
	size_t len = it->len;

	if (!data) {
		if (gz_source_read(it->from, it->from_path, &copied, &len) < 0) {
			gz_diag_error(j->d, it->origin, 0, 0, "cannot read '%s' to copy it",
				      it->from_path);
			return;
		}
		data = copied;
	}
	gz_buf_printf(&full, "%s/%s", j->dir, it->path);
	if (same_bytes(full.ptr, data, len)) {
		atomic_fetch_add(&j->unchanged, 1);
	} else if (mkdirs(j->dir, it->path) < 0 || write_atomic(full.ptr, data, len) < 0) {
		gz_diag_error(j->d, full.ptr, 0, 0, "cannot write: %s", strerror(errno));
	} else {
		atomic_fetch_add(&j->written, 1);
		atomic_fetch_add(&j->bytes, len);
	}
	free(copied);
	gz_buf_release(&full);
}

int gz_outputs_write(gz_outputs *o, const char *dir, int jobs, gz_diag *d, gz_write_stats *st)
{
	write_job j;
	size_t before = d->errors;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		gz_diag_error(d, dir, 0, 0, "cannot create the output folder: %s", strerror(errno));
		return -1;
	}
	j.o = o;
	j.dir = dir;
	j.d = d;
	atomic_init(&j.written, 0);
	atomic_init(&j.unchanged, 0);
	atomic_init(&j.bytes, 0);
	gz_parallel(o->n, jobs, write_one, &j, "写入");
	st->written = atomic_load(&j.written);
	st->unchanged = atomic_load(&j.unchanged);
	st->bytes = atomic_load(&j.bytes);
	return d->errors > before ? -1 : 0;
}
