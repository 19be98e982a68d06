#include "write/deps.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/bin.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/program.h"

/* The record's head: "GZDP", the format's version and the program's hash
 * (a record from another build of gazette is not trusted: base/program.h). */
#define DEPS_MAGIC "GZDP"
#define DEPS_VERSION 5u
#define DEPS_HEAD 16u

void gz_deps_init(gz_deps *d)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
}

/* The same few thousand page paths recur in most records: each is kept
 * once (the map's keys are its values), after a header naming the table
 * that holds it and a slot for the caller (gz_deps_slot). */
typedef struct {
	const gz_deps *owner;
	const void *slot;
	size_t num; /* its number in the record being saved (gz_deps_save) */
	char s[];
} interned;

static interned *header(const char *s)
{
	return (interned *)(void *)(s - offsetof(interned, s));
}

/* Call with d->lock held, or alone. */
static char *intern(gz_deps *d, const char *s)
{
	char *v;
	interned *in;
	size_t len;

	v = gz_map_get(&d->strings, s);
	if (v)
		return v;
	len = strlen(s);
	in = gz_malloc(sizeof(*in) + len + 1);
	in->owner = d;
	in->slot = NULL;
	in->num = SIZE_MAX;
	memcpy(in->s, s, len + 1);
	gz_map_put(&d->strings, in->s, in->s);
	return in->s;
}

const void **gz_deps_slot(const char *path)
{
	return &header(path)->slot;
}

void gz_deps_adopt_strings(gz_deps *to, gz_deps *from)
{
	size_t at = 0;
	const char *key;
	void *val;

	gz_map_release(&to->strings);
	to->strings = from->strings;
	memset(&from->strings, 0, sizeof(from->strings));
	while (gz_map_next(&to->strings, &at, &key, &val))
		header(key)->owner = to;
}

void gz_deps_release(gz_deps *d)
{
	size_t i, at = 0;
	const char *key;
	void *val;

	for (i = 0; i < d->n; i++) {
		if (d->items[i].borrowed)
			continue;
		free(d->items[i].paths);
	}
	free(d->items);
	while (gz_map_next(&d->strings, &at, &key, &val))
		free(header(val));
	gz_map_release(&d->strings);
	gz_map_release(&d->by_out);
	pthread_mutex_destroy(&d->lock);
	memset(d, 0, sizeof(*d));
}

/* dep's paths (npaths of them, unset), their body flags (false) and a
 * copy of out in one block, at dep->paths: what gz_deps_release frees. */
static void dep_alloc(gz_dep *dep, const char *out, size_t npaths)
{
	size_t olen = strlen(out) + 1;

	dep->paths = gz_calloc(1, npaths * (sizeof(*dep->paths) + sizeof(*dep->body)) + olen);
	dep->body = (bool *)(void *)(dep->paths + npaths);
	dep->out = (char *)(dep->body + npaths);
	memcpy(dep->out, out, olen);
	dep->npaths = npaths;
	dep->borrowed = false;
}

static void add_locked(gz_deps *d, gz_dep *dep)
{
	GZ_GROW(d->items, d->cap, d->n + 1);
	d->items[d->n++] = *dep;
}

/* A copy of a record; paths owned by d already (gz_deps_keep's, after
 * gz_deps_adopt_strings, and gz_deps_add_interned's) are taken as they
 * are, the rest interned. from_record: paths are some table's interned
 * strings. */
static void add_copy_locked(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
			    char *const *paths, const bool *body, size_t npaths, bool from_record)
{
	gz_dep dep;
	size_t k;

	dep_alloc(&dep, out, npaths);
	dep.key = key;
	dep.site = site;
	dep.len = len;
	for (k = 0; k < npaths; k++)
		dep.body[k] = body && body[k];
	for (k = 0; k < npaths; k++)
		dep.paths[k] = from_record && header(paths[k])->owner == d ? paths[k]
								     : intern(d, paths[k]);
	add_locked(d, &dep);
}

static void add_copy(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
		     char *const *paths, const bool *body, size_t npaths, bool from_record)
{
	pthread_mutex_lock(&d->lock);
	add_copy_locked(d, out, key, site, len, paths, body, npaths, from_record);
	pthread_mutex_unlock(&d->lock);
}

void gz_deps_add(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
		 char *const *paths, const bool *body, size_t npaths)
{
	add_copy(d, out, key, site, len, paths, body, npaths, false);
}

const char *gz_deps_intern(gz_deps *d, const char *path)
{
	const char *v;

	pthread_mutex_lock(&d->lock);
	v = intern(d, path);
	pthread_mutex_unlock(&d->lock);
	return v;
}

void gz_deps_add_interned(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
			  const char *const *paths, const bool *body, size_t npaths)
{
	add_copy(d, out, key, site, len, (char *const *)paths, body, npaths, true);
}

/* Can d borrow old as it is: does d own every path it names (adopted)? */
static bool borrowable(const gz_deps *d, const gz_dep *old)
{
	size_t k;

	for (k = 0; k < old->npaths; k++)
		if (header(old->paths[k])->owner != d)
			return false;
	return true;
}

void gz_deps_keep(gz_deps *d, const gz_dep *old)
{
	gz_deps_keep_many(d, &old, 1);
}

void gz_deps_keep_many(gz_deps *d, const gz_dep *const *old, size_t n)
{
	size_t i;

	pthread_mutex_lock(&d->lock);
	GZ_GROW(d->items, d->cap, d->n + n);
	for (i = 0; i < n; i++) {
		gz_dep dep = *old[i];
		/* a path d does not own (no adoption) is interned: then a copy */
		if (!borrowable(d, old[i])) {
			add_copy_locked(d, dep.out, dep.key, dep.site, dep.len, dep.paths, dep.body,
					dep.npaths, true);
			continue;
		}
		dep.borrowed = true;
		add_locked(d, &dep);
	}
	pthread_mutex_unlock(&d->lock);
}

/*
 * The record is binary, little-endian: the head, then items, then a hash
 * of all before it (gz_hash_fast). An item is 'P' and a page path
 * (u32 length, the bytes, a NUL), which numbers it (from 0, in order), or
 * 'R' and an output: its path (the same way), key u64, site u8, length
 * u64, a u32 count of page paths, their u32 numbers, and a byte each: was
 * that page's body read. Paths come before the first output that names
 * them, so one pass writes and reads it.
 */
/* A path of the record: a string with no NUL inside. */
static const char *take_path(gz_bin_reader *r)
{
	size_t n;
	const char *s = gz_bin_peek_str(r, &n);

	if (!s || memchr(s, '\0', n)) {
		r->bad = true;
		return NULL;
	}
	return s;
}

int gz_deps_load(gz_deps *d, const char *file)
{
	char *data, **names = NULL;
	size_t len = 0, nnames = 0, names_cap = 0;
	uint64_t sum;
	gz_bin_reader r;
	int rc = 0;

	if (!(data = gz_file_read(file, &len)))
		return 0;
	/* another gazette's record is expected (an upgrade); junk is not */
	if (len < DEPS_HEAD + 8 || memcmp(data, DEPS_MAGIC, 4)) {
		rc = len >= 13 && !strncmp(data, "gazette-deps ", 13) ? 0 : -1;
		free(data);
		return rc;
	}
	r.p = data + 4;
	r.end = data + len - 8;
	r.bad = false;
	if (gz_bin_get_u32(&r) != DEPS_VERSION || gz_bin_get_u64(&r) != gz_program_hash()) {
		free(data);
		return 0;
	}
	memcpy(&sum, data + len - 8, 8);
	if (gz_hash_fast(GZ_HASH_INIT, data, len - 8) != sum)
		r.bad = true;
	while (!r.bad && r.p < r.end) {
		const char *tag = gz_bin_take(&r, 1), *s, *site;
		const unsigned char *body;
		const char *nums;
		gz_dep dep;
		uint32_t k, x;

		if (tag && *tag == 'P') {
			if (!(s = take_path(&r)))
				break;
			GZ_GROW(names, names_cap, nnames + 1);
			names[nnames++] = intern(d, s);
			continue;
		}
		s = tag && *tag == 'R' ? take_path(&r) : NULL;
		if (!s) {
			r.bad = true;
			break;
		}
		memset(&dep, 0, sizeof(dep));
		dep.key = gz_bin_get_u64(&r);
		site = gz_bin_take(&r, 1);
		dep.site = site && *site;
		dep.len = (size_t)gz_bin_get_u64(&r);
		k = gz_bin_get_u32(&r);
		nums = r.bad || k > (size_t)(r.end - r.p) / 5 ? NULL : gz_bin_take(&r, 4 * (size_t)k);
		body = nums ? gz_bin_take(&r, k) : NULL;
		if (!body) {
			r.bad = true;
			break;
		}
		dep_alloc(&dep, s, k);
		for (dep.npaths = 0; dep.npaths < k; dep.npaths++) {
			memcpy(&x, nums + 4 * (size_t)dep.npaths, 4);
			if (x >= nnames)
				break;
			dep.paths[dep.npaths] = names[x];
			dep.body[dep.npaths] = body[dep.npaths] != 0;
		}
		add_locked(d, &dep);
		if (dep.npaths < k)
			r.bad = true;
	}
	if (r.bad)
		rc = -1;
	free(names);
	free(data);
	if (rc < 0) {
		/* damaged: nothing in it is trusted */
		gz_deps_release(d);
		gz_deps_init(d);
	}
	return rc;
}

void gz_deps_index(gz_deps *d)
{
	size_t i;

	gz_map_reserve(&d->by_out, d->n);
	for (i = 0; i < d->n; i++)
		gz_map_put(&d->by_out, d->items[i].out, &d->items[i]);
}

const gz_dep *gz_deps_find(const gz_deps *d, const char *out)
{
	return gz_map_get(&d->by_out, out);
}

int gz_deps_save(gz_deps *d, const char *file)
{
	gz_buf b = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	size_t i, k, next = 0, at = 0;
	const char *key;
	void *val;
	uint64_t sum;
	FILE *f;
	int rc = 0;

	/* every path is d's (interned or adopted): numbered in its header */
	while (gz_map_next(&d->strings, &at, &key, &val))
		header(key)->num = SIZE_MAX;
	/* about as long as the last record */
	gz_buf_grow(&b, 64 + d->n * 160);
	gz_buf_add(&b, DEPS_MAGIC, 4);
	gz_bin_put_u32(&b, DEPS_VERSION);
	gz_bin_put_u64(&b, gz_program_hash());
	for (i = 0; i < d->n; i++) {
		const gz_dep *dep = &d->items[i];
		for (k = 0; k < dep->npaths; k++) {
			size_t *num = &header(dep->paths[k])->num;
			if (*num == SIZE_MAX) {
				*num = next++;
				gz_bin_put_u8(&b, 'P');
				gz_bin_put_cstr(&b, dep->paths[k]);
			}
		}
		gz_bin_put_u8(&b, 'R');
		gz_bin_put_cstr(&b, dep->out);
		gz_bin_put_u64(&b, dep->key);
		gz_bin_put_u8(&b, dep->site ? 1 : 0);
		gz_bin_put_u64(&b, dep->len);
		gz_bin_put_u32(&b, (uint32_t)dep->npaths);
		for (k = 0; k < dep->npaths; k++)
			gz_bin_put_u32(&b, (uint32_t)header(dep->paths[k])->num);
		for (k = 0; k < dep->npaths; k++)
			gz_bin_put_u8(&b, dep->body && dep->body[k] ? 1 : 0);
	}
	sum = gz_hash_fast(GZ_HASH_INIT, b.ptr, b.len);
	gz_buf_add(&b, &sum, 8);
	gz_buf_printf(&tmp, "%s.tmp", file);
	f = fopen(tmp.ptr, "w");
	if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0 || rename(tmp.ptr, file) < 0)
		rc = -1;
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	return rc;
}
