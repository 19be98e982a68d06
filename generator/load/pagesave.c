/*
 * pagesave.c: the page cache written at the end of a build: its index (a
 * line per page) and its pack (the entries), each under a temporary name
 * renamed into place, so that a build stopped at any moment leaves the old
 * cache or the new, never a mix. The fresh file of this build's entries
 * becomes the new pack where it can (name_fresh); else the entries are
 * appended to the old pack or copied into a new one.
 */
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
#include "base/program.h"
#include "base/buf.h"
#include "write/deps.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "load/pageentry.h"
#include "load/yaml.h"

#include "load/pagecache_private.h"

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write b to fd and empty it; *at grows by what was written. Returns 0,
 * or -1. The files are written through one buffer, a few megabytes at a
 * time. */
static int flush(int fd, gz_buf *b, uint64_t *at)
{
	if (write_all(fd, b->ptr, b->len) < 0)
		return -1;
	*at += b->len;
	gz_buf_clear(b);
	return 0;
}

/* The stamp of the file at path as it is now (zeros if there is none):
 * opened again after a rename, which changes the renamed file's ctime. */
static void stamp_path(const char *path, gz_source_stamp *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !pagecache_stamp_fd(fd, st))
		memset(st, 0, sizeof(*st));
	if (fd >= 0)
		close(fd);
}

void pagecache_entry_head(gz_buf *b, uint64_t key, const char *payload, size_t len, size_t head)
{
	gz_buf_add(b, ENTRY_MAGIC, 4);
	gz_bin_put_u32(b, 0);
	gz_bin_put_u64(b, key);
	gz_bin_put_u64(b, len);
	gz_bin_put_u64(b, gz_pageentry_sum(payload, len));
	gz_bin_put_u64(b, head);
	gz_bin_put_u64(b, gz_pageentry_sum(payload, head));
}

/* Is r worth a line in the new index? */
static bool keep(const rec *r, bool old_too)
{
	return r->listed || (old_too && r->len);
}

static void put_rec(gz_buf *b, const rec *r)
{
	gz_bin_put_u64(b, r->key);
	gz_bin_put_u64(b, r->off);
	gz_bin_put_u64(b, r->len);
	gz_bin_put_u64(b, r->src_hash);
	gz_pageentry_put_stamp(b, &r->st);
	gz_bin_put_u32(b, r->has_st ? 1 : 0);
	gz_bin_put_cstr(b, r->path);
	gz_bin_put_u64(b, r->len ? r->hoff : 0);
	gz_bin_put_u64(b, r->len ? r->hlen : 0);
}

/* The checksum that ends the index, of its len bytes as written to fd
 * (read back through the system's cache: the index is megabytes, and a
 * buffer of its own would be that much fresh memory). */
static int sum_written(int fd, size_t len, uint64_t *sum)
{
	void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);

	if (m == MAP_FAILED)
		return -1;
	*sum = gz_pageentry_sum(m, len);
	munmap(m, len);
	return 0;
}

/* Replace the index with one of the entries worth keeping, where the pack
 * now holds them. */
static int write_index(gz_pagecache *c, bool old_too, const char *tmp_idx, const char *idx)
{
	gz_buf b = GZ_BUF_INIT;
	size_t i, n = 0;
	uint64_t sum, len = 0;
	int fd = -1, rc = -1;

	for (i = 0; i < c->n; i++)
		n += keep(&c->recs[i], old_too);
	fd = open(tmp_idx, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto cleanup;
	gz_buf_add(&b, IDX_MAGIC, 4);
	gz_bin_put_u32(&b, VERSION);
	gz_bin_put_u64(&b, gz_program_hash());
	gz_bin_put_u64(&b, c->gen);
	gz_pageentry_put_stamp(&b, &c->pack_st);
	gz_pageentry_put_stamp(&b, &c->heads_st);
	gz_bin_put_u64(&b, n);
	for (i = 0; i < c->n; i++) {
		if (keep(&c->recs[i], old_too))
			put_rec(&b, &c->recs[i]);
		if (b.len > (1u << 20) && flush(fd, &b, &len) < 0)
			goto cleanup;
	}
	if (flush(fd, &b, &len) < 0 || sum_written(fd, (size_t)len, &sum) < 0 ||
	    write_all(fd, &sum, 8) < 0)
		goto cleanup;
	if (close(fd) < 0) {
		fd = -1;
		goto cleanup;
	}
	fd = -1;
	if (rename(tmp_idx, idx) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (fd >= 0)
		close(fd);
	gz_buf_release(&b);
	return rc;
}

/* Append to fd, whose end is at base, the entries the new index points
 * to: the old pack's (if old), this load's held in memory, and those in
 * the fresh file (if fresh; else they stay where they are, in the file
 * that becomes the pack). Sets each one's off and len. */
static int write_entries(gz_pagecache *c, int fd, uint64_t base, bool old_too, bool old,
			 bool fresh)
{
	gz_buf b = GZ_BUF_INIT;
	size_t i;
	int rc = -1;

	for (i = 0; i < c->n; i++) {
		rec *r = &c->recs[i];
		size_t at = b.len;
		if (!keep(r, old_too))
			continue;
		if (r->data) {
			pagecache_entry_head(&b, r->key, r->data, r->dlen, r->hlen);
			gz_buf_add(&b, r->data, r->dlen);
		} else if (r->fresh && fresh) {
			gz_buf_add(&b, c->fresh_map + r->foff, ENTRY_HEAD + r->dlen);
		} else if (r->fresh) {
			r->off = r->foff;
			r->len = ENTRY_HEAD + r->dlen;
			continue;
		} else if (old && r->len) {
			if (!c->map || r->off > c->map_len || r->len > c->map_len - r->off) {
				r->len = r->off = 0;
				continue;
			}
			gz_buf_add(&b, c->map + r->off, (size_t)r->len);
		} else {
			continue;
		}
		r->off = base + at;
		r->len = b.len - at;
		if (b.len > (8u << 20)) {
			if (flush(fd, &b, &base) < 0)
				goto done;
			/* what was copied is not read again */
			gz_pagecache_shed(c);
		}
	}
	rc = flush(fd, &b, &base);
done:
	gz_buf_release(&b);
	return rc;
}

/* The heads of the entries the index points to, into pages.heads (see
 * rec): appended to it, after the heads of the entries already there,
 * when the new entries were appended to the pack and the file is as the
 * last build left it (append); else a new file with every head. Sets
 * each one's hoff and c->heads_st. Returns 0, or -1. */
static int write_heads(gz_pagecache *c, bool old_too, bool append, const char *heads,
		       const char *tmp_heads)
{
	gz_buf b = GZ_BUF_INIT;
	gz_source_stamp now;
	uint64_t base = 0;
	size_t i;
	int fd = -1, rc = -1;

	if (append && c->heads_ok) {
		fd = open(heads, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0 && pagecache_stamp_fd(fd, &now) &&
		    gz_source_stamp_equal(&now, &c->heads_st)) {
			base = now.size;
		} else if (fd >= 0) {
			close(fd);
			fd = -1;
		}
	}
	append = fd >= 0;
	if (!append)
		fd = open(tmp_heads, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		goto done;
	for (i = 0; i < c->n; i++) {
		rec *r = &c->recs[i];
		if (keep(r, old_too) && r->len && (!append || r->data || r->fresh)) {
			r->hoff = base + b.len;
			gz_buf_add(&b, r->head, r->hlen);
		}
		/* The heads are read from the maps of the pack and of the
		 * fresh file, a few in every 64 KB the system maps at a time:
		 * what was read is let go as it goes (else a first build's
		 * whole fresh file, 185 MB for 10,000 pages, ends up mapped) */
		if (b.len > (256u << 10)) {
			if (flush(fd, &b, &base) < 0)
				goto done;
			gz_pagecache_shed(c);
		}
	}
	if (flush(fd, &b, &base) < 0)
		goto done;
	if (!append) {
		if (close(fd) < 0) {
			fd = -1;
			goto done;
		}
		fd = -1;
		if (rename(tmp_heads, heads) < 0)
			goto done;
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	gz_buf_release(&b);
	if (rc == 0)
		stamp_path(heads, &c->heads_st);
	else
		memset(&c->heads_st, 0, sizeof(c->heads_st));
	return rc;
}

/* Give the fresh file the name path (what was there goes). Returns 0, or
 * -1 (then nothing changed but path's removal). */
static int name_fresh(gz_pagecache *c, const char *path)
{
	char proc[64];

	unlink(path);
	/* a file made with O_TMPFILE can be linked through /proc without
	 * the privilege AT_EMPTY_PATH asks for */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", c->fresh_fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	return linkat(c->fresh_fd, "", AT_FDCWD, path, AT_EMPTY_PATH);
}

/* Open the pack the index points into for appending the new entries, if
 * that is what to do: the very pack (its head as mapped), and not mostly
 * entries no index points to any more. Returns the descriptor and sets
 * *base to its end, or returns -1. */
static int open_to_append(gz_pagecache *c, const char *pack, size_t live, size_t fresh,
			  uint64_t *base)
{
	char head[PACK_HEAD];
	struct stat st;
	int fd;

	if (!c->map || stat(pack, &st) != 0 || (size_t)st.st_size < c->map_len)
		return -1;
	fd = open(pack, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd >= 0 && pread(fd, head, PACK_HEAD, 0) == (ssize_t)PACK_HEAD &&
	    !memcmp(head, c->map, PACK_HEAD) && fstat(fd, &st) == 0 &&
	    (uint64_t)st.st_size + fresh <= 2 * (live + fresh) + (1u << 20)) {
		*base = (uint64_t)st.st_size;
		return fd;
	}
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Write a new pack at tmp_pack, without what no index line points to any
 * more: the fresh file, named, with the old entries still pointed to
 * after this load's; or, if it cannot be named, a copy. */
static int write_pack(gz_pagecache *c, bool old_too, const char *tmp_pack)
{
	struct stat st;
	int fd, rc;

	if (c->fresh_fd >= 0 && fstat(c->fresh_fd, &st) == 0 && name_fresh(c, tmp_pack) == 0) {
		c->gen = c->fresh_gen;
		fd = dup(c->fresh_fd);
		if (fd < 0 || lseek(fd, st.st_size, SEEK_SET) < 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		rc = write_entries(c, fd, (uint64_t)st.st_size, old_too, true, false);
	} else {
		gz_buf b = GZ_BUF_INIT;
		c->gen = pagecache_new_gen(c);
		fd = open(tmp_pack, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return -1;
		gz_buf_add(&b, PACK_MAGIC, 4);
		gz_bin_put_u32(&b, VERSION);
		gz_bin_put_u64(&b, c->gen);
		rc = write_all(fd, b.ptr, b.len);
		gz_buf_release(&b);
		if (rc == 0)
			rc = write_entries(c, fd, PACK_HEAD, old_too, true, true);
	}
	if (close(fd) < 0)
		rc = -1;
	return rc;
}

/* Append the new entries to the pack, or write a new one (write_pack);
 * then replace the index. */
static int save(gz_pagecache *c, bool old_too)
{
	char *pack = pagecache_file_in(c, "pages.pack"), *idx = pagecache_file_in(c, "pages.idx");
	char *tmp_pack = pagecache_file_in(c, "pages.pack.tmp"), *tmp_idx = pagecache_file_in(c, "pages.idx.tmp");
	char *lk = pagecache_file_in(c, "pages.lock");
	char *heads = pagecache_file_in(c, "pages.heads");
	char *tmp_heads = pagecache_file_in(c, "pages.heads.tmp");
	size_t i, live = 0, fresh = 0;
	uint64_t base = 0;
	bool appended = false;
	int fd = -1, lock, rc = -1;

	mkdir(c->dir, 0755);
	/* one writer at a time (the lock file is the only one never renamed) */
	lock = open(lk, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		goto done;
	for (i = 0; i < c->n; i++) {
		rec *r = &c->recs[i];
		if (!keep(r, old_too))
			continue;
		/* an old entry whose head this load cannot vouch for (the heads
		 * file was not as left, and the page was not a hit) goes */
		if (!r->data && !r->fresh && r->len && !r->head)
			r->len = r->off = 0;
		if (r->data || r->fresh)
			fresh += ENTRY_HEAD + r->dlen;
		else if (r->len)
			live += r->len;
	}
	fd = open_to_append(c, pack, live, fresh, &base);
	if (fd >= 0) {
		bool ok = write_entries(c, fd, base, old_too, false, true) == 0;
		if (close(fd) < 0 || !ok)
			goto done;
		appended = true;
	} else if (write_pack(c, old_too, tmp_pack) < 0 || rename(tmp_pack, pack) < 0) {
		goto done;
	}
	/* the pack as written now: the next build need not sum its text again
	 * unless something else writes to it */
	stamp_path(pack, &c->pack_st);

	if (write_heads(c, old_too, appended, heads, tmp_heads) < 0 ||
	    write_index(c, old_too, tmp_idx, idx) < 0)
		goto done;
	rc = 0;
done:
	if (lock >= 0)
		close(lock);
	free(pack);
	free(idx);
	free(tmp_pack);
	free(tmp_idx);
	free(lk);
	free(heads);
	free(tmp_heads);
	return rc;
}

void gz_pagecache_save(gz_pagecache *c, gz_diag *d)
{
	size_t i, listed = 0, unlisted = 0;
	bool dirty = false, old_too;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		const rec *r = &c->recs[i];
		if (r->listed)
			listed++;
		else if (r->len)
			unlisted++;
		if (r->changed || r->data || r->fresh)
			dirty = true;
	}
	old_too = unlisted <= listed;
	if (!dirty && (old_too || !unlisted))
		return;
	if (save(c, old_too) < 0) {
		char *file = pagecache_file_in(c, "pages.idx");
		gz_diag_warn(d, file, 0, 0, _("cannot write the page cache (disk full or no "
			       "permission?); the next build parses every page again"));
		free(file);
	}
	for (i = 0; i < c->n; i++) {
		rec *r = &c->recs[i];
		if (r->data) {
			GZ_GROW(c->spent, c->spent_cap, c->nspent + 1);
			c->spent[c->nspent++] = r->data;
		}
		r->data = NULL;
		r->fresh = false;
		r->changed = false;
	}
}
