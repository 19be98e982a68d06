#include "source/source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/pool.h"

/* A file a listing found: its folder's descriptor if kept, else -1. */
typedef struct {
	int dir;
} listed_file;

/* The files of a walk, one for each path it added, in the same order, and
 * the folders it kept open for them. */
typedef struct {
	listed_file *items;
	size_t n, cap;
	int *dirs;
	size_t ndirs, dirs_cap;
} listed_files;

/* Folders a source keeps open at most, for the stamps of their files: a
 * site of page bundles (a folder a story) has thousands, and a process has
 * a thousand descriptors. */
#define KEPT_DIRS 128

struct gz_source {
	const gz_source_ops *ops;   /* NULL: the folder implementation below */
	void *impl;
	char *root;
	char *real;     /* root with symbolic links resolved */
	gz_map listed;  /* "root/path" of files a listing found (inside the root) →
			 * its listed_file */
	gz_strlist keys; /* listed's keys */
	listed_files *walks; /* listed's values and folders, a listing each */
	size_t nwalks, walks_cap;
	atomic_int kept;     /* folders kept open */
	gz_strlist outside; /* symbolic links listings met that lead out of the root */
	pthread_rwlock_t lock; /* listed and outside: written by listings, read by every load */
};

gz_source *gz_source_new(const gz_source_ops *ops, void *impl, const char *root)
{
	gz_source *s = gz_calloc(1, sizeof(*s));

	s->ops = ops;
	s->impl = impl;
	s->root = gz_strdup(root);
	s->real = gz_strdup(root);
	pthread_rwlock_init(&s->lock, NULL);
	return s;
}

void *gz_source_impl(const gz_source *s)
{
	return s->impl;
}

/* A symbolic link to a folder inside content could still lead out of the
 * root: whatever a path resolves to must lie below the root. */
static bool inside_root(gz_source *s, const char *full)
{
	char *r;
	size_t n = strlen(s->real);
	bool ok;

	/* a file a listing found through real folders is inside: no need to
	 * resolve each of its folders again (most of a cached build's calls) */
	pthread_rwlock_rdlock(&s->lock);
	ok = gz_map_get(&s->listed, full) != NULL;
	pthread_rwlock_unlock(&s->lock);
	if (ok)
		return true;
	r = realpath(full, NULL);
	ok = r && !strncmp(r, s->real, n) && (r[n] == '/' || r[n] == '\0');
	free(r);
	return ok;
}

int gz_source_open_dir(gz_source **out, const char *root, gz_diag *d)
{
	struct stat st;
	gz_source *s;

	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (d)
			gz_diag_error(d, root, 0, 0,
				      errno == ENOENT ? _("source folder '%s' does not exist")
						      : _("source folder '%s' is not a readable folder"),
				      root);
		return -1;
	}
	s = gz_calloc(1, sizeof(*s));
	pthread_rwlock_init(&s->lock, NULL);
	s->root = gz_strdup(root);
	s->real = realpath(root, NULL);
	if (!s->real)
		s->real = gz_strdup(root);
	*out = s;
	return 0;
}

void gz_source_free(gz_source *s)
{
	if (!s)
		return;
	if (s->ops && s->ops->free_impl)
		s->ops->free_impl(s->impl);
	free(s->root);
	free(s->real);
	gz_map_release(&s->listed);
	gz_strlist_release(&s->keys);
	while (s->nwalks) {
		listed_files *w = &s->walks[--s->nwalks];
		while (w->ndirs)
			close(w->dirs[--w->ndirs]);
		free(w->dirs);
		free(w->items);
	}
	free(s->walks);
	gz_strlist_release(&s->outside);
	pthread_rwlock_destroy(&s->lock);
	free(s);
}

const char *gz_source_root(const gz_source *s)
{
	return s->root;
}

bool gz_source_is_folder(const gz_source *s)
{
	return !s->ops;
}

void gz_source_outside(gz_source *s, gz_strlist *out)
{
	size_t i;

	pthread_rwlock_rdlock(&s->lock);
	for (i = 0; i < s->outside.n; i++)
		gz_strlist_add(out, s->outside.items[i]);
	pthread_rwlock_unlock(&s->lock);
}

/* What each byte is to a path: 0 a byte of a name, 1 the end of a segment
 * ('/' or the NUL), 2 refused (a backslash or a control character). Every
 * page and output path of a build is checked: a step a byte. */
static const unsigned char path_byte[256] = {
	1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	['/'] = 1, ['\\'] = 2,
};

bool gz_path_is_safe(const char *path)
{
	const unsigned char *p = (const unsigned char *)path, *seg = p;

	if (!*path || *path == '/')
		return false;
	for (;; p++) {
		while (!path_byte[*p])
			p++;
		if (path_byte[*p] == 2)
			return false;
		{
			size_t n = (size_t)(p - seg);
			if (n == 0 || (n == 1 && seg[0] == '.') ||
			    (n == 2 && seg[0] == '.' && seg[1] == '.'))
				return false;
		}
		if (!*p)
			return true;
		seg = p + 1;
	}
}

char *gz_path_join(const char *dir, const char *ref)
{
	gz_strlist segs = {0};
	gz_buf in = GZ_BUF_INIT, out = GZ_BUF_INIT;
	char *p, *tok, *save = NULL;
	size_t i;

	if (strchr(ref, '\\'))
		return NULL;
	if (ref[0] != '/' && *dir) {
		gz_buf_puts(&in, dir);
		gz_buf_putc(&in, '/');
	}
	gz_buf_puts(&in, ref[0] == '/' ? ref + 1 : ref);
	for (p = in.ptr; (tok = strtok_r(p, "/", &save)); p = NULL) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (!segs.n) {
				gz_strlist_release(&segs);
				gz_buf_release(&in);
				return NULL;
			}
			free(segs.items[--segs.n]);
			continue;
		}
		gz_strlist_add(&segs, tok);
	}
	for (i = 0; i < segs.n; i++) {
		if (i)
			gz_buf_putc(&out, '/');
		gz_buf_puts(&out, segs.items[i]);
	}
	gz_strlist_release(&segs);
	gz_buf_release(&in);
	if (!out.len || !gz_path_is_safe(out.ptr)) {
		gz_buf_release(&out);
		return NULL;
	}
	return gz_buf_detach(&out, NULL);
}

/* Does the symbolic link root/rel lead out of real (the root resolved), or
 * nowhere? */
static bool leads_out(const char *root, const char *real, const char *rel)
{
	gz_buf full = GZ_BUF_INIT;
	char *r;
	size_t n = strlen(real);
	bool out;

	gz_buf_printf(&full, "%s/%s", root, rel);
	r = realpath(full.ptr, NULL);
	out = !r || strncmp(r, real, n) || (r[n] != '/' && r[n] != '\0');
	free(r);
	gz_buf_release(&full);
	return out;
}

/* links: the symbolic links met that lead out of the root (real). With
 * dirs, the folders met go there to be walked later; else they are walked
 * now. files: a listed_file for each path added to out; the folder's
 * descriptor is kept for them while there is room (kept, KEPT_DIRS at
 * most across workers). */
static void walk(const char *root, const char *real, gz_buf *rel, gz_strlist *out,
		 gz_strlist *links, gz_strlist *dirs, listed_files *files, atomic_int *kept)
{
	gz_buf full = GZ_BUF_INIT;
	DIR *dir;
	struct dirent *e;
	size_t base = rel->len;
	int keep;

	gz_buf_puts(&full, root);
	if (rel->len) {
		gz_buf_putc(&full, '/');
		gz_buf_add(&full, rel->ptr, rel->len);
	}
	dir = opendir(full.ptr);
	gz_buf_release(&full);
	if (!dir)
		return;
	keep = -1;
	while ((e = readdir(dir))) {
		unsigned char type = e->d_type;

		if (e->d_name[0] == '.')
			continue;
		if (rel->len)
			gz_buf_putc(rel, '/');
		gz_buf_puts(rel, e->d_name);
		if (type == DT_UNKNOWN) {
			struct stat st;
			gz_buf f = GZ_BUF_INIT;
			gz_buf_printf(&f, "%s/%s", root, rel->ptr);
			if (lstat(f.ptr, &st) == 0)
				type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
			gz_buf_release(&f);
		}
		if (type == DT_DIR && dirs) {
			gz_strlist_add(dirs, rel->ptr);
		} else if (type == DT_DIR) {
			walk(root, real, rel, out, links, NULL, files, kept);
		} else if (type == DT_REG) {
			/* the folder's descriptor, the first time a file needs it */
			if (keep == -1) {
				int fd = atomic_fetch_add(kept, 1) < KEPT_DIRS
						 ? fcntl(dirfd(dir), F_DUPFD_CLOEXEC, 3)
						 : -1;
				keep = fd >= 0 ? fd : -2;
				if (fd >= 0) {
					GZ_GROW(files->dirs, files->dirs_cap, files->ndirs + 1);
					files->dirs[files->ndirs++] = fd;
				}
			}
			gz_strlist_add(out, rel->ptr);
			GZ_GROW(files->items, files->cap, files->n + 1);
			files->items[files->n++].dir = keep < 0 ? -1 : keep;
		} else if (type == DT_LNK && leads_out(root, real, rel->ptr)) {
			gz_strlist_add(links, rel->ptr);
		}
		gz_buf_truncate(rel, base);
	}
	closedir(dir);
}

/* One folder of a listing, walked whole by a worker. */
typedef struct {
	gz_strlist out, links;
	listed_files files;
} walk_part;

typedef struct {
	const char *root, *real;
	const gz_strlist *dirs;
	walk_part *parts;
	atomic_int *kept;
} walk_job;

static void walk_part_run(size_t i, int worker, void *payload)
{
	walk_job *j = payload;
	gz_buf rel = GZ_BUF_INIT;

	gz_buf_puts(&rel, j->dirs->items[i]);
	walk(j->root, j->real, &rel, &j->parts[i].out, &j->parts[i].links, NULL, &j->parts[i].files,
	     j->kept);
	gz_buf_release(&rel);
}

/* Folders enough for two or more cores to share. */
#define WALK_SHARED 4

/*
 * The files below rel, walked on every core: reading a folder is mostly
 * the kernel's work, some 0.7 µs a name, so a content/ of 10,000 stories
 * takes most of 10 ms on one core, before any page can load. The first
 * levels are read here until there are folders enough to share (a year's
 * folder of stories each, say); each is then walked whole by a worker.
 */
static void walk_shared(const char *root, const char *real, const char *rel, gz_strlist *out,
			gz_strlist *links, listed_files *files, atomic_int *kept)
{
	gz_strlist dirs = {0}, next = {0};
	gz_buf b = GZ_BUF_INIT;
	size_t i;

	gz_strlist_add(&dirs, rel);
	while (dirs.n && dirs.n < WALK_SHARED) {
		for (i = 0; i < dirs.n; i++) {
			gz_buf_clear(&b);
			gz_buf_puts(&b, dirs.items[i]);
			walk(root, real, &b, out, links, &next, files, kept);
		}
		gz_strlist_release(&dirs);
		dirs = next;
		memset(&next, 0, sizeof(next));
	}
	gz_buf_release(&b);
	if (dirs.n) {
		walk_job j = {root, real, &dirs, gz_calloc(dirs.n, sizeof(walk_part)), kept};
		gz_parallel(dirs.n, gz_pool_cores(), walk_part_run, &j, NULL);
		for (i = 0; i < dirs.n; i++) {
			size_t k;
			for (k = 0; k < j.parts[i].out.n; k++)
				gz_strlist_take(out, j.parts[i].out.items[k]);
			for (k = 0; k < j.parts[i].links.n; k++)
				gz_strlist_take(links, j.parts[i].links.items[k]);
			GZ_GROW(files->items, files->cap, files->n + j.parts[i].files.n);
			if (j.parts[i].files.n)
				memcpy(files->items + files->n, j.parts[i].files.items,
				       j.parts[i].files.n * sizeof(listed_file));
			files->n += j.parts[i].files.n;
			GZ_GROW(files->dirs, files->dirs_cap, files->ndirs + j.parts[i].files.ndirs);
			for (k = 0; k < j.parts[i].files.ndirs; k++)
				files->dirs[files->ndirs++] = j.parts[i].files.dirs[k];
			free(j.parts[i].out.items);
			free(j.parts[i].links.items);
			free(j.parts[i].files.items);
			free(j.parts[i].files.dirs);
		}
		free(j.parts);
	}
	gz_strlist_release(&dirs);
}

/* a site has a handful of such links, and every build lists a folder once */
static void add_once(gz_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], s))
			return;
	gz_strlist_add(l, s);
}

void gz_source_list(gz_source *s, const char *prefix, gz_strlist *out)
{
	gz_buf rel = GZ_BUF_INIT;
	gz_strlist links = {0};
	listed_files files = {0};
	size_t i, first = out->n;

	if (*prefix && !gz_path_is_safe(prefix))
		return;
	if (s->ops) {
		s->ops->list(s, prefix, out);
		goto sort;
	}
	if (*prefix) {
		/* a folder reached through a symbolic link out of the root is not
		 * part of the site */
		gz_buf full = GZ_BUF_INIT;
		struct stat st;
		bool inside;
		gz_buf_printf(&full, "%s/%s", s->root, prefix);
		inside = inside_root(s, full.ptr);
		/* the folder itself is the link (a link above it is met by the
		 * listing of its own folder) */
		if (!inside && lstat(full.ptr, &st) == 0 && S_ISLNK(st.st_mode)) {
			pthread_rwlock_wrlock(&s->lock);
			add_once(&s->outside, prefix);
			pthread_rwlock_unlock(&s->lock);
		}
		gz_buf_release(&full);
		if (!inside)
			return;
	}
	walk_shared(s->root, s->real, prefix, out, &links, &files, &s->kept);
	pthread_rwlock_wrlock(&s->lock);
	GZ_GROW(s->walks, s->walks_cap, s->nwalks + 1);
	s->walks[s->nwalks++] = files;
	for (i = 0; i < links.n; i++)
		add_once(&s->outside, links.items[i]);
	gz_strlist_release(&links);
	gz_buf_puts(&rel, s->root);
	gz_buf_putc(&rel, '/');
	/* grown once, not doubled a dozen times over 10,000 stories */
	gz_map_reserve(&s->listed, out->n - first);
	for (i = first; i < out->n; i++) {
		size_t at = rel.len;
		gz_buf_puts(&rel, out->items[i]);
		gz_strlist_add(&s->keys, rel.ptr);
		gz_buf_truncate(&rel, at);
		gz_map_put(&s->listed, s->keys.items[s->keys.n - 1], &files.items[i - first]);
	}
	pthread_rwlock_unlock(&s->lock);
	gz_buf_release(&rel);
sort:
	if (out->n > first) {
		gz_strlist tail = {out->items + first, out->n - first, out->n - first};
		gz_strlist_sort(&tail);
	}
}

static int open_safe(gz_source *s, const char *path)
{
	gz_buf full = GZ_BUF_INIT;
	int fd;

	if (!gz_path_is_safe(path))
		return -1;
	gz_buf_printf(&full, "%s/%s", s->root, path);
	fd = inside_root(s, full.ptr) ? open(full.ptr, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	gz_buf_release(&full);
	return fd;
}

/* Read fd's regular file, or its first max bytes, into *data. */
static int read_fd(int fd, size_t max, char **data, size_t *len)
{
	gz_buf b = GZ_BUF_INIT;
	struct stat st;
	size_t want;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	/* room for the whole file and the read that finds its end, so a
	 * photo of several megabytes is not moved to a larger buffer */
	want = (size_t)st.st_size < max ? (size_t)st.st_size : max;
	gz_buf_grow(&b, want + 65536);
	while (b.len < max) {
		size_t room = b.cap - b.len - 1;
		ssize_t n;
		if (room > max - b.len)
			room = max - b.len;
		n = read(fd, b.ptr + b.len, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			gz_buf_release(&b);
			return -1;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		b.ptr[b.len] = '\0';
		gz_buf_grow(&b, 65536);
	}
	close(fd);
	*data = gz_buf_detach(&b, len);
	return 0;
}

int gz_source_read(gz_source *s, const char *path, char **data, size_t *len)
{
	return gz_source_read_head(s, path, SIZE_MAX, data, len);
}

int gz_source_read_head(gz_source *s, const char *path, size_t max, char **data, size_t *len)
{
	int fd;

	if (s->ops)
		return gz_path_is_safe(path) ? s->ops->read(s, path, data, len) : -1;
	fd = open_safe(s, path);
	if (fd < 0)
		return -1;
	return read_fd(fd, max, data, len);
}

char *gz_source_read_error(gz_source *s, const char *path)
{
	gz_buf b = GZ_BUF_INIT;
	char *why;
	int fd, e;

	if (!gz_path_is_safe(path))
		return gz_strdup(_("cannot read the file: the path leaves the site's folder"));
	if (s->ops) {
		why = s->ops->why ? s->ops->why(s, path) : NULL;
		return why ? why : gz_strdup(_("cannot read the file"));
	}
	fd = open_safe(s, path);
	e = errno;
	if (fd >= 0) {
		close(fd);
		return gz_strdup(_("cannot read the file; check that it is a readable, regular file"));
	}
	if (e == EACCES || e == EPERM)
		gz_buf_printf(&b, _("cannot read the file (%s); check its permissions"), strerror(e));
	else if (e == ELOOP)
		gz_buf_printf(&b,
			      _("cannot read the file (%s); it is a symbolic link, which gazette "
				"does not follow"),
			      strerror(e));
	else
		gz_buf_printf(&b, _("cannot read the file (%s)"), strerror(e));
	return gz_buf_detach(&b, NULL);
}

bool gz_source_exists(gz_source *s, const char *path)
{
	gz_buf full = GZ_BUF_INIT;
	struct stat st;
	bool ok;

	if (!gz_path_is_safe(path))
		return false;
	if (s->ops)
		return s->ops->exists(s, path);
	gz_buf_printf(&full, "%s/%s", s->root, path);
	ok = lstat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) && inside_root(s, full.ptr);
	gz_buf_release(&full);
	return ok;
}

int gz_source_stamp_of(gz_source *s, const char *path, gz_source_stamp *out)
{
	gz_buf full = GZ_BUF_INIT;
	const listed_file *f;
	struct stat st;
	int rc;

	if (s->ops || !gz_path_is_safe(path))
		return -1;
	/* once for every page of every build: no printf */
	gz_buf_puts(&full, s->root);
	gz_buf_putc(&full, '/');
	gz_buf_puts(&full, path);
	pthread_rwlock_rdlock(&s->lock);
	f = gz_map_get(&s->listed, full.ptr);
	pthread_rwlock_unlock(&s->lock);
	/* a listed file through its folder: a name to look up, not a path of
	 * six folders (on two threads that meet in the same folders) */
	if (f && f->dir >= 0)
		rc = fstatat(f->dir, strrchr(full.ptr, '/') + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				     S_ISREG(st.st_mode) ? 0 : -1;
	else
		rc = lstat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
				     (f || inside_root(s, full.ptr)) ? 0 : -1;
	gz_buf_release(&full);
	if (rc < 0)
		return -1;
	gz_source_stamp_from_stat(out, &st);
	return 0;
}

void gz_source_stamp_from_stat(gz_source_stamp *out, const struct stat *st)
{
	memset(out, 0, sizeof(*out));
	out->dev = (unsigned long long)st->st_dev;
	out->ino = (unsigned long long)st->st_ino;
	out->size = (unsigned long long)st->st_size;
	out->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	out->ctime_ns = (long long)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

/* ---- a folder of another source ---- */

typedef struct {
	gz_source *parent;
	char *prefix;   /* "themes/default" */
} sub_source;

static char *sub_path(const sub_source *u, const char *path)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s/%s", u->prefix, path);
	return gz_buf_detach(&b, NULL);
}

static void sub_list(gz_source *s, const char *prefix, gz_strlist *out)
{
	sub_source *u = gz_source_impl(s);
	gz_strlist all = {0};
	char *full = *prefix ? sub_path(u, prefix) : gz_strdup(u->prefix);
	size_t i, n = strlen(u->prefix) + 1;

	gz_source_list(u->parent, full, &all);
	for (i = 0; i < all.n; i++)
		gz_strlist_add(out, all.items[i] + n);
	gz_strlist_release(&all);
	free(full);
}

static int sub_read(gz_source *s, const char *path, char **data, size_t *len)
{
	sub_source *u = gz_source_impl(s);
	char *full = sub_path(u, path);
	int rc = gz_source_read(u->parent, full, data, len);

	free(full);
	return rc;
}

static char *sub_why(gz_source *s, const char *path)
{
	sub_source *u = gz_source_impl(s);
	char *full = sub_path(u, path);
	char *why = gz_source_read_error(u->parent, full);

	free(full);
	return why;
}

static bool sub_exists(gz_source *s, const char *path)
{
	sub_source *u = gz_source_impl(s);
	char *full = sub_path(u, path);
	bool ok = gz_source_exists(u->parent, full);

	free(full);
	return ok;
}

static void sub_free(void *impl)
{
	sub_source *u = impl;

	free(u->prefix);
	free(u);
}

static const gz_source_ops sub_ops = {sub_list, sub_read, sub_exists, sub_free, sub_why};

gz_source *gz_source_sub(gz_source *parent, const char *prefix)
{
	sub_source *u = gz_calloc(1, sizeof(*u));
	gz_buf root = GZ_BUF_INIT;
	gz_source *s;

	u->parent = parent;
	u->prefix = gz_strdup(prefix);
	gz_buf_printf(&root, "%s/%s", parent->root, prefix);
	s = gz_source_new(&sub_ops, u, root.ptr);
	gz_buf_release(&root);
	return s;
}

bool gz_source_stamp_equal(const gz_source_stamp *a, const gz_source_stamp *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

bool gz_source_stamp_settled(const gz_source_stamp *st, long long now_ns)
{
	long long margin = st->mtime_ns % 1000000000LL || st->ctime_ns % 1000000000LL
				   ? 20000000LL
				   : 2000000000LL;

	return st->mtime_ns < now_ns - margin && st->ctime_ns < now_ns - margin;
}
