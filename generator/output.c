#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
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

typedef struct {
	gz_outputs *o;
	const char *dir;
	gz_diag *d;
	char **tmp;              /* [o->n] temp file written for item i, or NULL */
	atomic_size_t unchanged, bytes;
	pthread_mutex_t lock;
	gz_strlist made_dirs;    /* folders this build created */
	gz_map known_dirs;       /* folders known to exist */
	gz_strlist dir_keys;     /* owns known_dirs' keys */
} write_job;

/* Create the folders above rel, each at most once per build. */
static int mkdirs(write_job *j, const char *rel)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p;
	int rc = 0;

	gz_buf_puts(&b, j->dir);
	for (p = rel; (p = strchr(p, '/')); p++) {
		bool known;
		gz_buf_truncate(&b, strlen(j->dir));
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

/* Write data to a new temporary file beside path; returns its name. */
static char *write_temp(const char *path, const char *data, size_t len)
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
	if (close(fd) < 0) {
		unlink(tmp.ptr);
		goto fail;
	}
	return gz_buf_detach(&tmp, NULL);
fail:
	gz_buf_release(&tmp);
	return NULL;
}

static void stage_one(size_t i, int worker, void *payload)
{
	write_job *j = payload;
	gz_output *it = &j->o->items[i];
	gz_buf full = GZ_BUF_INIT;
	char *data = it->data, *copied = NULL;
	size_t len = it->len;

	if (!data && !it->from) {
		atomic_fetch_add(&j->unchanged, 1); /* kept from the last build */
		return;
	}
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
	} else if (mkdirs(j, it->path) < 0 || !(j->tmp[i] = write_temp(full.ptr, data, len))) {
		gz_diag_error(j->d, full.ptr, 0, 0, "cannot write: %s", strerror(errno));
	} else {
		atomic_fetch_add(&j->bytes, len);
	}
	free(copied);
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
 * a static, and only one gz_outputs_write runs at a time. */
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

int gz_outputs_write(gz_outputs *o, const char *dir, int jobs, gz_diag *d, gz_write_stats *st)
{
	write_job j;
	size_t before = d->errors, i;
	bool made_root = false;
	int rc = 0;

	/* the folders above it, as mkdir -p would */
	{
		char *up = gz_strdup(dir), *p;
		for (p = up + 1; (p = strchr(p, '/')); p++) {
			*p = '\0';
			mkdir(up, 0755);
			*p = '/';
		}
		free(up);
	}
	if (mkdir(dir, 0755) == 0)
		made_root = true;
	else if (errno != EEXIST) {
		gz_diag_error(d, dir, 0, 0, "cannot create the output folder: %s", strerror(errno));
		return -1;
	}
	gz_outputs_remove_stale(dir);
	memset(&j, 0, sizeof(j));
	j.o = o;
	j.dir = dir;
	j.d = d;
	j.tmp = gz_calloc(o->n ? o->n : 1, sizeof(*j.tmp));
	pthread_mutex_init(&j.lock, NULL);
	atomic_init(&j.unchanged, 0);
	atomic_init(&j.bytes, 0);

	/* stage 1: every changed file goes to a temporary name beside its
	 * target; stage 2, only if all of stage 1 worked: rename them all */
	gz_parallel(o->n, jobs, stage_one, &j, "写入");
	if (d->errors > before) {
		for (i = 0; i < o->n; i++)
			if (j.tmp[i])
				unlink(j.tmp[i]);
		remove_made_dirs(&j.made_dirs);
		if (made_root)
			rmdir(dir);
		rc = -1;
	} else {
		for (i = 0; i < o->n; i++) {
			gz_buf full = GZ_BUF_INIT;
			if (!j.tmp[i])
				continue;
			gz_buf_printf(&full, "%s/%s", dir, o->items[i].path);
			if (rename(j.tmp[i], full.ptr) < 0) {
				gz_diag_error(d, full.ptr, 0, 0, "cannot write: %s", strerror(errno));
				unlink(j.tmp[i]);
				rc = -1;
			} else {
				st->written++;
			}
			gz_buf_release(&full);
		}
	}
	st->unchanged = atomic_load(&j.unchanged);
	st->bytes = atomic_load(&j.bytes);
	for (i = 0; i < o->n; i++)
		free(j.tmp[i]);
	free(j.tmp);
	gz_strlist_release(&j.made_dirs);
	gz_map_release(&j.known_dirs);
	gz_strlist_release(&j.dir_keys);
	pthread_mutex_destroy(&j.lock);
	return rc;
}

int gz_outputs_prune(gz_outputs *o, const char *dir, const char *manifest, gz_diag *d,
		     size_t *removed)
{
	char *old = NULL, *line, *save = NULL;
	gz_buf now = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	gz_map current = {0};
	size_t i;
	FILE *f;
	int rc = 0;

	*removed = 0;
	for (i = 0; i < o->n; i++) {
		gz_map_put(&current, o->items[i].path, &o->items[i]);
		gz_buf_puts(&now, o->items[i].path);
		gz_buf_putc(&now, '\n');
	}
	f = fopen(manifest, "r");
	if (f) {
		gz_buf b = GZ_BUF_INIT;
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			gz_buf_add(&b, chunk, n);
		fclose(f);
		old = gz_buf_detach(&b, NULL);
	}
	/* only what an earlier build wrote is ever removed: never a file
	 * someone else put in the output folder */
	for (line = old ? strtok_r(old, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		gz_buf full = GZ_BUF_INIT;
		struct stat stt;
		char *slash;

		if (gz_map_get(&current, line) || !gz_path_is_safe(line))
			continue;
		gz_buf_printf(&full, "%s/%s", dir, line);
		if (lstat(full.ptr, &stt) == 0 && S_ISREG(stt.st_mode) && unlink(full.ptr) == 0) {
			(*removed)++;
			/* and the folders that leaves empty */
			while ((slash = strrchr(full.ptr, '/')) && (size_t)(slash - full.ptr) > strlen(dir)) {
				gz_buf_truncate(&full, (size_t)(slash - full.ptr));
				if (rmdir(full.ptr) < 0)
					break;
			}
		}
		gz_buf_release(&full);
	}
	free(old);
	gz_buf_printf(&tmp, "%s.tmp", manifest);
	f = fopen(tmp.ptr, "w");
	if (!f || fwrite(now.ptr, 1, now.len, f) != now.len || fclose(f) != 0 ||
	    rename(tmp.ptr, manifest) < 0) {
		gz_diag_warn(d, manifest, 0, 0,
			     "cannot record the outputs (%s); pages deleted later will not be "
			     "removed from the output folder",
			     strerror(errno));
		rc = -1;
	}
	gz_buf_release(&tmp);
	gz_buf_release(&now);
	gz_map_release(&current);
	return rc;
}
