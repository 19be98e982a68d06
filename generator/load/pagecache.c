#include "load/pagecache.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/pool.h"
#include "base/program.h"
#include "base/buf.h"
#include "write/deps.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "load/pageentry.h"
#include "load/yaml.h"
#include "load/pagecache_private.h"


/* The stamp of an open file; false if it cannot be had. Any write to the
 * file changes its ctime, which no program can set back. */
bool pagecache_stamp_fd(int fd, gz_source_stamp *out)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (fstat(fd, &st) < 0)
		return false;
	gz_source_stamp_from_stat(out, &st);
	return true;
}

char *pagecache_file_in(const gz_pagecache *c, const char *name)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s/%s", c->dir, name);
	return gz_buf_detach(&b, NULL);
}

/* ---- the index ---- */

static uint64_t key_of(const gz_pagecache *c, const char *path, uint64_t src_hash)
{
	/* once for every page of every build: eight bytes at a step */
	return gz_hash_mix(gz_hash_fast_str(gz_hash_mix(GZ_HASH_INIT, c->salt), path), src_hash);
}

static rec *add_rec(gz_pagecache *c, size_t *cap, const char *path)
{
	rec *r;

	GZ_GROW(c->recs, *cap, c->n + 1);
	r = &c->recs[c->n++];
	memset(r, 0, sizeof(*r));
	r->path = gz_strdup(path);
	return r;
}

/* The old index, mapped (a megabyte and more, read once: memory of its
 * own would be as much fresh memory for the system to clear). Sets *len;
 * NULL if there is none. */
static char *map_index(const char *file, size_t *len)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *m = MAP_FAILED;

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && (uintmax_t)st.st_size <= SIZE_MAX) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		*len = (size_t)st.st_size;
	}
	close(fd);
	if (m == MAP_FAILED) {
		*len = 0;
		return NULL;
	}
	return m;
}

/* Read pages.idx into c->recs. Returns 0, or -1 if it is damaged (c->recs
 * then holds nothing). A missing index is an empty one. */
static int load_index(gz_pagecache *c, size_t *cap)
{
	char *file = pagecache_file_in(c, "pages.idx"), *data;
	size_t len = 0, i, n;
	gz_bin_reader r;
	int rc = 0;

	data = map_index(file, &len);
	free(file);
	if (!data)
		return 0;
	if (len < 40 || memcmp(data, IDX_MAGIC, 4)) {
		munmap(data, len);
		return -1;
	}
	r.p = data + 4;
	r.end = data + len - 8;
	r.bad = false;
	/* another build of gazette: start afresh, quietly */
	if (gz_bin_get_u32(&r) != VERSION || gz_bin_get_u64(&r) != gz_program_hash()) {
		munmap(data, len);
		return 0;
	}
	{
		uint64_t sum;
		memcpy(&sum, data + len - 8, 8);
		if (gz_pageentry_sum(data, len - 8) != sum) {
			munmap(data, len);
			return -1;
		}
	}
	c->gen = gz_bin_get_u64(&r);
	gz_pageentry_get_stamp(&r, &c->pack_st);
	gz_pageentry_get_stamp(&r, &c->heads_st);
	n = (size_t)gz_bin_get_u64(&r);
	if (n > (size_t)(r.end - r.p) / 80)
		r.bad = true;
	else { /* room for this load's files, not listed yet: as many again */
		GZ_GROW(c->recs, *cap, 2 * n + 64);
		gz_map_reserve(&c->by_path, n);
	}
	for (i = 0; i < n && !r.bad; i++) {
		size_t plen;
		const char *path;
		rec x;
		memset(&x, 0, sizeof(x));
		x.key = gz_bin_get_u64(&r);
		x.off = gz_bin_get_u64(&r);
		x.len = gz_bin_get_u64(&r);
		x.src_hash = gz_bin_get_u64(&r);
		gz_pageentry_get_stamp(&r, &x.st);
		x.has_st = gz_bin_get_u32(&r) != 0;
		path = gz_bin_peek_str(&r, &plen);
		x.hoff = gz_bin_get_u64(&r);
		x.hlen = (size_t)gz_bin_get_u64(&r);
		if (r.bad || !path || !plen || memchr(path, '\0', plen))
			break;
		{
			char *p = gz_strndup(path, plen);
			rec *y;
			if (gz_map_get(&c->by_path, p)) {
				free(p);
				r.bad = true;
				break;
			}
			y = add_rec(c, cap, "");
			free(y->path);
			*y = x;
			y->path = p;
			gz_map_put(&c->by_path, y->path, y);
		}
	}
	if (r.bad || r.p != r.end)
		rc = -1;
	munmap(data, len);
	return rc;
}

static void map_pack(gz_pagecache *c)
{
	char *file = pagecache_file_in(c, "pages.pack");
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *m;

	free(file);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && st.st_size >= (off_t)PACK_HEAD) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			uint64_t gen;
			memcpy(&gen, (const char *)m + 8, 8);
			/* an index written for another pack (a build stopped between
			 * the two renames) points at nothing here */
			if (memcmp(m, PACK_MAGIC, 4) || gen != c->gen) {
				munmap(m, (size_t)st.st_size);
			} else {
				gz_source_stamp now;
				c->map = m;
				c->map_len = (size_t)st.st_size;
				c->trusted = pagecache_stamp_fd(fd, &now) &&
					     gz_source_stamp_equal(&now, &c->pack_st);
			}
		}
	}
	close(fd);
}

/* pages.heads, if it is as the last build left it: each record's head is
 * then read from there (else from the pack, and checked). */
static void map_heads(gz_pagecache *c)
{
	char *file = pagecache_file_in(c, "pages.heads");
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	gz_source_stamp now;
	struct stat st;
	size_t i;
	void *m;

	free(file);
	if (fd < 0)
		return;
	if (pagecache_stamp_fd(fd, &now) && gz_source_stamp_equal(&now, &c->heads_st) &&
	    fstat(fd, &st) == 0 && st.st_size > 0) {
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			c->heads = m;
			c->heads_len = (size_t)st.st_size;
			c->heads_ok = true;
		}
	}
	close(fd);
	for (i = 0; c->heads_ok && i < c->n; i++) {
		rec *r = &c->recs[i];
		if (r->hlen && r->hoff <= c->heads_len && r->hlen <= c->heads_len - r->hoff)
			r->head = c->heads + r->hoff;
	}
}

static gz_pagecache *cache_new(const char *dir)
{
	gz_pagecache *c = gz_calloc(1, sizeof(*c));
	struct timespec ts;

	c->dir = gz_strdup(dir);
	c->fresh_fd = -1;
	pthread_mutex_init(&c->fresh_lock, NULL);
	atomic_init(&c->fresh_end, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	c->now_ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	atomic_init(&c->hits, 0);
	atomic_init(&c->damaged, false);
	return c;
}

/* The old index, and the pack it points into. */
static void *read_old(void *arg)
{
	gz_pagecache *c = arg;
	size_t i;

	if (load_index(c, &c->cap) < 0) {
		c->index_bad = true;
		for (i = 0; i < c->n; i++)
			free(c->recs[i].path);
		c->n = 0;
		gz_map_release(&c->by_path);
		memset(&c->by_path, 0, sizeof(c->by_path));
	}
	if (c->n)
		map_pack(c);
	if (c->map)
		map_heads(c);
	return NULL;
}

/* by_path again, after recs moved. */
static void index_recs(gz_pagecache *c)
{
	size_t i;

	gz_map_release(&c->by_path);
	memset(&c->by_path, 0, sizeof(c->by_path));
	gz_map_reserve(&c->by_path, c->n);
	for (i = 0; i < c->n; i++)
		gz_map_put(&c->by_path, c->recs[i].path, &c->recs[i]);
}

gz_pagecache *gz_pagecache_preload(const char *dir, bool read)
{
	gz_pagecache *c;

	if (!dir)
		return NULL;
	c = cache_new(dir);
	if (read) {
		c->reading = gz_thread_start(&c->reader, NULL, read_old, c) == 0;
		if (!c->reading)
			read_old(c);
	}
	return c;
}

gz_pagecache *gz_pagecache_open(gz_pagecache *c, uint64_t salt, const gz_strlist *paths,
				gz_diag *d)
{
	size_t i;
	rec *before;

	if (!c)
		return NULL;
	if (c->reading)
		pthread_join(c->reader, NULL);
	c->reading = false;
	c->salt = gz_hash_u64(salt, VERSION);
	if (c->index_bad) {
		char *file = pagecache_file_in(c, "pages.idx");
		gz_diag_warn(d, file, 0, 0,
			     _("not an index gazette wrote (damaged?); parsing every page again"));
		free(file);
		c->index_bad = false;
	}
	/* a record for every file, made now, so the load's threads only
	 * ever touch their own (room for all first: add_rec never moves them) */
	before = c->recs;
	GZ_GROW(c->recs, c->cap, c->n + paths->n);
	if (c->recs != before)
		index_recs(c);
	for (i = 0; i < paths->n; i++) {
		rec *r = gz_map_get(&c->by_path, paths->items[i]);
		if (!r) {
			r = add_rec(c, &c->cap, paths->items[i]);
			r->changed = true;
			gz_map_put(&c->by_path, r->path, r);
		}
		r->listed = true;
	}
	return c;
}

/* r's entry in the pack, and its head in *head (hlen bytes), if they can
 * be used; NULL if not (damaged). From a pack as the build that wrote it
 * left it, with the head from pages.heads, nothing of the entry is read
 * now. Else its head is checked (the same as the heads file's, or its own
 * sum), and its text summed now, or later on a thread of its own (a build
 * waits for that before it writes anything). */
static const char *entry_head(gz_pagecache *c, rec *r, uint64_t key, const char **head,
			      size_t *hlen)
{
	const char *e;
	uint64_t plen, eh, hsum;

	if (r->off < PACK_HEAD || r->len < ENTRY_HEAD || r->off > c->map_len ||
	    r->len > c->map_len - r->off)
		return NULL;
	e = c->map + r->off;
	*head = r->head;
	*hlen = r->hlen;
	if (*head && *hlen > r->len - ENTRY_HEAD)
		return NULL;
	if (*head && c->trusted)
		return e;
	memcpy(&plen, e + 16, 8);
	memcpy(&r->sum, e + 24, 8);
	memcpy(&eh, e + 32, 8);
	memcpy(&hsum, e + 40, 8);
	if (memcmp(e, ENTRY_MAGIC, 4) || memcmp(e + 8, &key, 8) || plen != r->len - ENTRY_HEAD ||
	    eh > plen)
		return NULL;
	if (*head) {
		if (eh != *hlen || memcmp(e + ENTRY_HEAD, *head, *hlen))
			return NULL;
	} else {
		*head = e + ENTRY_HEAD;
		*hlen = (size_t)eh;
		if (!c->trusted && gz_pageentry_sum(*head, *hlen) != hsum)
			return NULL;
	}
	if (!c->check_later && !c->trusted && gz_pageentry_sum(e + ENTRY_HEAD, plen) != r->sum)
		return NULL;
	return e;
}

int gz_pagecache_get(gz_pagecache *c, gz_source *src, const char *path, gz_page *p,
		     gz_page_hashes *ph, char **data, size_t *len)
{
	rec *r = gz_map_get(&c->by_path, path);
	gz_source_stamp st;
	bool have_st = gz_source_stamp_of(src, path, &st) == 0, read_it = false;
	uint64_t h, key;
	int ok = 0;

	*data = NULL;
	*len = 0;
	if (!r || !have_st || !r->has_st || !gz_source_stamp_equal(&st, &r->st)) {
		if (gz_source_read(src, path, data, len) < 0)
			return -1;
		read_it = true;
		h = gz_page_source_hash(*data, *len);
	} else {
		h = r->src_hash;
	}
	ph->src = h;
	if (!r)
		return 0;
	key = key_of(c, path, h);
	if (r->len && r->key == key && c->map) {
		const char *head = NULL, *e;
		size_t hlen = 0;
		e = entry_head(c, r, key, &head, &hlen);
		ok = -1;
		if (e) {
			const char *body = e + ENTRY_HEAD + hlen;
			size_t blen = r->len - ENTRY_HEAD - hlen;
			ok = gz_pageentry_decode(head, hlen, body, blen, !c->trusted, src, p, ph);
			r->unchecked = ok == 1 && c->check_later && !c->trusted;
			if (ok == 1) {
				r->head = head;
				r->hlen = hlen;
				r->lent = body;
				r->nlent = blen;
			}
		}
		if (ok < 0)
			atomic_store(&c->damaged, true);
	}
	if (ok == 1) {
		atomic_fetch_add(&c->hits, 1);
		free(*data);
		*data = NULL;
		*len = 0;
		if (have_st && gz_source_stamp_settled(&st, c->now_ns) &&
		    (!r->has_st || !gz_source_stamp_equal(&st, &r->st))) {
			r->st = st;
			r->has_st = true;
			r->changed = true;
		}
		return 1;
	}
	/* a miss: the file is parsed, and gz_pagecache_put keeps the result */
	if (!read_it) {
		if (gz_source_read(src, path, data, len) < 0)
			return -1;
		h = gz_page_source_hash(*data, *len);
		ph->src = h;
		key = key_of(c, path, h);
	}
	r->key = key;
	r->src_hash = h;
	r->has_st = have_st && gz_source_stamp_settled(&st, c->now_ns);
	if (r->has_st)
		r->st = st;
	r->len = r->off = 0;
	r->head = NULL;
	r->changed = true;
	return 0;
}


/* The generation of a pack made now, by this process, after the one the
 * index points into. */
uint64_t pagecache_new_gen(const gz_pagecache *c)
{
	return gz_hash_u64(gz_hash_u64(gz_hash_u64(GZ_HASH_INIT, (uint64_t)c->now_ns),
				       (uint64_t)getpid()),
			   c->gen);
}

/* An unnamed file for the fresh entries, in the cache's folder or, when
 * that is not made yet (a first build), in the nearest folder above it:
 * a file without a name changes nothing there (no entry, no time; a build
 * that fails makes no cache folder), and it can be named in the cache
 * folder on the same file system. -1 if none can be had. */
static int fresh_file(const gz_pagecache *c)
{
	char *dir = gz_strdup(c->dir), *slash;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644), up;

	for (up = 0; fd < 0 && errno == ENOENT && up < 2; up++) {
		if ((slash = strrchr(dir, '/')))
			*slash = '\0';
		else
			strcpy(dir, "."); /* dir holds a name: room for "." */
		fd = open(*dir ? dir : "/", O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
	}
	free(dir);
	return fd;
}

/* The fresh file, made at the first entry of the load; false if it
 * cannot be (then entries are held in memory). */
static bool fresh_open(gz_pagecache *c)
{
	bool ok;

	pthread_mutex_lock(&c->fresh_lock);
	if (!c->fresh_tried) {
		int fd = fresh_file(c);
		c->fresh_tried = true;
		if (fd >= 0) {
			char head[PACK_HEAD];
			size_t room = FRESH_ROOM;
			void *m = mmap(NULL, room, PROT_READ, MAP_SHARED, fd, 0);
			while (m == MAP_FAILED && room > FRESH_ROOM_LEAST) {
				room /= 4;
				m = mmap(NULL, room, PROT_READ, MAP_SHARED, fd, 0);
			}
			c->fresh_gen = pagecache_new_gen(c);
			memcpy(head, PACK_MAGIC, 4);
			memcpy(head + 4, &(uint32_t){VERSION}, 4);
			memcpy(head + 8, &c->fresh_gen, 8);
			if (m != MAP_FAILED && pwrite(fd, head, PACK_HEAD, 0) == (ssize_t)PACK_HEAD) {
				c->fresh_fd = fd;
				c->fresh_map = m;
				c->fresh_room = room;
				atomic_store(&c->fresh_end, PACK_HEAD);
			} else {
				if (m != MAP_FAILED)
					munmap(m, room);
				close(fd);
			}
		}
	}
	ok = c->fresh_fd >= 0;
	pthread_mutex_unlock(&c->fresh_lock);
	return ok;
}

/* Write the entry whose payload is in b (head bytes of it its head) to
 * the fresh file: its offset there, or 0 if it cannot be. Threads write
 * side by side, each where it took its room. */
static uint64_t put_fresh(gz_pagecache *c, uint64_t key, const gz_buf *b, size_t head)
{
	gz_buf h = GZ_BUF_INIT;
	struct iovec io[2];
	size_t len = ENTRY_HEAD + b->len;
	uint64_t off;
	ssize_t n;

	if (!fresh_open(c))
		return 0;
	off = atomic_fetch_add(&c->fresh_end, len);
	if (off > c->fresh_room || len > c->fresh_room - off)
		return 0;
	pagecache_entry_head(&h, key, b->ptr, b->len, head);
	io[0].iov_base = h.ptr;
	io[0].iov_len = h.len;
	io[1].iov_base = b->ptr;
	io[1].iov_len = b->len;
	n = pwritev(c->fresh_fd, io, 2, (off_t)off);
	gz_buf_release(&h);
	/* a write that failed leaves bytes no index points to */
	return n == (ssize_t)len ? off : 0;
}

void gz_pagecache_put(gz_pagecache *c, gz_page *p, const gz_page_hashes *h, bool fields,
		      char *const *probes, const bool *exists, size_t nprobes)
{
	rec *r = gz_map_get(&c->by_path, p->path);
	gz_buf b = GZ_BUF_INIT;
	const char *body;
	size_t at[3];

	/* a second parse of the same bytes is the same parse (and pages may
	 * point into the first) */
	if (!r || r->data || r->fresh || r->key != key_of(c, p->path, h->src) || !p->fm)
		return;
	r->hlen = gz_pageentry_encode(&b, p, h, fields, probes, exists, nprobes, at);
	r->dlen = b.len;
	/* the page borrows its bodies from the entry, one copy: read from
	 * the fresh file when used, else kept in memory until the cache is
	 * freed (gz_pagecache_save) */
	r->foff = put_fresh(c, r->key, &b, r->hlen);
	if (r->foff) {
		r->fresh = true;
		body = c->fresh_map + r->foff + ENTRY_HEAD;
		gz_buf_release(&b);
	} else {
		r->data = gz_buf_detach(&b, &r->dlen);
		/* kept for the whole build, so without the buffer's slack */
		r->data = gz_realloc(r->data, r->dlen + 1);
		body = r->data;
	}
	r->lent = body;
	r->nlent = r->dlen;
	r->head = body;
	/* a miss: the body is the parse's own until now */
	if (!p->nimages && p->html) {
		free(p->html);
		p->html = (char *)body + at[0];
	}
	if (p->plain) {
		free(p->plain);
		p->plain = (char *)body + at[1];
	}
	if (p->doc) {
		free(p->doc);
		p->doc = (char *)body + at[2];
	}
}

/* Is s in what r lent? */
static bool lent_by(const rec *r, const char *s)
{
	return s && (uintptr_t)s >= (uintptr_t)r->lent &&
	       (uintptr_t)s < (uintptr_t)(r->lent + r->nlent);
}

void gz_pagecache_take_back(gz_pagecache *c, gz_page *p)
{
	rec *r;

	if (!c || !p->path || !(r = gz_map_get(&c->by_path, p->path)) || !r->lent)
		return;
	/* the fields and place a hit read from its head */
	if (r->head)
		gz_pageentry_let_go(p, r->head, r->hlen, false);
	/* by address: the photo stage gives a page with images HTML of its own */
	if (lent_by(r, p->html)) {
		p->html = NULL;
		p->html_len = 0;
	}
	if (lent_by(r, p->plain))
		p->plain = NULL;
	if (lent_by(r, p->doc))
		p->doc = NULL;
}

void gz_pagecache_shed(gz_pagecache *c)
{
	uint64_t end;

	if (!c)
		return;
	/* read-only maps of files: what is dropped is read again from the
	 * file (the system's cache) on the next touch */
	if (c->map)
		madvise((void *)c->map, c->map_len, MADV_DONTNEED);
	end = atomic_load(&c->fresh_end);
	if (c->fresh_map && end)
		madvise((void *)c->fresh_map, end < c->fresh_room ? (size_t)end : c->fresh_room,
			MADV_DONTNEED);
}

void gz_pagecache_report(gz_pagecache *c, gz_diag *d)
{
	if (c && atomic_exchange(&c->damaged, false)) {
		char *file = pagecache_file_in(c, "pages.pack");
		gz_diag_warn(d, file, 0, 0, _("damaged entries (not what gazette wrote); those pages "
			       "were parsed again"));
		free(file);
	}
}

size_t gz_pagecache_hits(const gz_pagecache *c)
{
	return c ? atomic_load(&c->hits) : 0;
}

/* ---- writing ---- */

static void *check_bodies(void *arg)
{
	gz_pagecache *c = arg;
	size_t i;

	for (i = 0; i < c->n; i++) {
		rec *r = &c->recs[i];
		r->bad_body = r->unchecked &&
			      gz_pageentry_sum(c->map + r->off + ENTRY_HEAD, r->len - ENTRY_HEAD) != r->sum;
		if (r->bad_body)
			c->bad_bodies++;
	}
	return NULL;
}

void gz_pagecache_check_later(gz_pagecache *c)
{
	if (c)
		c->check_later = true;
}

void gz_pagecache_verify_start(gz_pagecache *c)
{
	if (!c || !c->check_later || c->checking || c->trusted)
		return;
	c->checking = gz_thread_start(&c->checker, NULL, check_bodies, c) == 0;
	if (!c->checking)
		check_bodies(c);
}

size_t gz_pagecache_verify_wait(gz_pagecache *c)
{
	size_t i;

	if (!c)
		return 0;
	if (c->checking)
		pthread_join(c->checker, NULL);
	c->checking = false;
	if (!c->bad_bodies)
		return 0;
	/* none of them again, whatever else this build keeps */
	for (i = 0; i < c->n; i++) {
		rec *r = &c->recs[i];
		if (r->bad_body) { /* what the check found: not summed again */
			r->len = r->off = 0;
			r->changed = true;
		}
		r->unchecked = false;
	}
	atomic_store(&c->damaged, true);
	return c->bad_bodies;
}

void gz_pagecache_free(gz_pagecache *c)
{
	size_t i;

	if (!c)
		return;
	if (c->reading)
		pthread_join(c->reader, NULL);
	if (c->checking)
		pthread_join(c->checker, NULL);
	for (i = 0; i < c->n; i++) {
		free(c->recs[i].path);
		free(c->recs[i].data);
	}
	for (i = 0; i < c->nspent; i++)
		free(c->spent[i]);
	free(c->spent);
	free(c->recs);
	if (c->heads)
		munmap((void *)c->heads, c->heads_len);
	gz_map_release(&c->by_path);
	if (c->map)
		munmap((void *)c->map, c->map_len);
	if (c->fresh_map)
		munmap((void *)c->fresh_map, c->fresh_room);
	if (c->fresh_fd >= 0)
		close(c->fresh_fd);
	pthread_mutex_destroy(&c->fresh_lock);
	free(c->dir);
	free(c);
}
