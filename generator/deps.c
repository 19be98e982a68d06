#include "deps.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "hash.h"
#include "media.h"

/* A record from another build of gazette is not trusted (it may render
 * other bytes): the header names the program by a hash of the file its
 * code is in (gazette-core.so, which the small executable loads; the
 * program itself when linked whole, as the tests are). */
static char magic_line[64];
static uint64_t program_hash;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static uint64_t hash_file(uint64_t h, const char *path)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;

	/* eight bytes at a step: the two files are 1.8 MB, hashed on every run */
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		h = gz_hash_fast(h, chunk, n);
	if (f)
		fclose(f);
	return h;
}

static void make_magic(void)
{
	uint64_t h;
	const char *self = "/proc/self/exe", *slash;
	char media[PATH_MAX];
	Dl_info info;

	/* dlopen was given an absolute path; a program's own name is argv[0] */
	if (dladdr(magic_line, &info) && info.dli_fname && info.dli_fname[0] == '/')
		self = info.dli_fname;
	h = hash_file(GZ_HASH_INIT, self);
	/* and the photo and PDF code beside it (media.h): not loaded until
	 * needed, but what made the photos and PDFs the caches hold */
	slash = strrchr(self, '/');
	snprintf(media, sizeof(media), "%.*s/" GZ_MEDIA_SO, (int)(slash - self), self);
	h = hash_file(h, media);
	program_hash = h;
	snprintf(magic_line, sizeof(magic_line), "gazette-deps 4 %016" PRIx64 "\n", h);
}

static const char *magic(void)
{
	pthread_once(&magic_once, make_magic);
	return magic_line;
}

uint64_t gz_deps_program_hash(void)
{
	pthread_once(&magic_once, make_magic);
	return program_hash;
}

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
	size_t i;

	gz_map_release(&to->strings);
	to->strings = from->strings;
	memset(&from->strings, 0, sizeof(from->strings));
	for (i = 0; i < to->strings.cap; i++)
		if (to->strings.keys[i])
			header(to->strings.keys[i])->owner = to;
}

void gz_deps_release(gz_deps *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->items[i].borrowed)
			continue;
		free(d->items[i].out);
		free(d->items[i].paths);
		free(d->items[i].body);
	}
	free(d->items);
	for (i = 0; i < d->strings.cap; i++)
		if (d->strings.keys && d->strings.keys[i])
			free(header(d->strings.vals[i]));
	gz_map_release(&d->strings);
	gz_map_release(&d->by_out);
	pthread_mutex_destroy(&d->lock);
	memset(d, 0, sizeof(*d));
}

static void add_locked(gz_deps *d, gz_dep *dep)
{
	GZ_GROW(d->items, d->cap, d->n + 1);
	d->items[d->n++] = *dep;
}

/* A copy of a record; paths owned by d already (gz_deps_keep's, after
 * gz_deps_adopt_strings) are taken as they are, the rest interned.
 * from_record: paths are some table's interned strings (gz_deps_keep). */
static void add_copy(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
		     char *const *paths, const bool *body, size_t npaths, bool from_record)
{
	gz_dep dep;
	size_t k;

	dep.out = gz_strdup(out);
	dep.borrowed = false;
	dep.key = key;
	dep.site = site;
	dep.len = len;
	dep.npaths = npaths;
	dep.paths = gz_calloc(npaths ? npaths : 1, sizeof(*dep.paths));
	dep.body = gz_calloc(npaths ? npaths : 1, sizeof(*dep.body));
	for (k = 0; k < npaths; k++)
		dep.body[k] = body && body[k];
	pthread_mutex_lock(&d->lock);
	for (k = 0; k < npaths; k++)
		dep.paths[k] = from_record && header(paths[k])->owner == d ? paths[k]
								     : intern(d, paths[k]);
	add_locked(d, &dep);
	pthread_mutex_unlock(&d->lock);
}

void gz_deps_add(gz_deps *d, const char *out, uint64_t key, bool site, size_t len,
		 char *const *paths, const bool *body, size_t npaths)
{
	add_copy(d, out, key, site, len, paths, body, npaths, false);
}

void gz_deps_keep(gz_deps *d, const gz_dep *old)
{
	gz_dep dep = *old;
	size_t k;

	/* a path d does not own (no adoption) is interned: then a copy */
	for (k = 0; k < old->npaths; k++)
		if (header(old->paths[k])->owner != d)
			break;
	if (k < old->npaths) {
		add_copy(d, old->out, old->key, old->site, old->len, old->paths, old->body,
			 old->npaths, true);
		return;
	}
	dep.borrowed = true;
	pthread_mutex_lock(&d->lock);
	add_locked(d, &dep);
	pthread_mutex_unlock(&d->lock);
}

/* The record is text: after the header, "@\tPATH" names the next page
 * path (numbered from 0 in order), and each output is a line
 * "OUT\tKEY\tSITE\tLEN\tN,N,…\tBODY" whose N are those numbers and BODY
 * one '0' or '1' per path: was that page's body read. */
int gz_deps_load(gz_deps *d, const char *file)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, **names = NULL;
	size_t cap = 0, nnames = 0, names_cap = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return 0;
	n = getline(&line, &cap, f);
	if (n < 0 || strcmp(line, magic())) {
		/* another gazette's record is expected (an upgrade); junk is not */
		rc = n < 0 || strncmp(line, "gazette-deps ", 13) ? -1 : 0;
		free(line);
		fclose(f);
		return rc;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *fields[6], *p = line, *end, empty[1] = "";
		gz_dep dep;
		int i;
		size_t pcap = 0, k;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (line[0] == '@' && line[1] == '\t') {
			GZ_GROW(names, names_cap, nnames + 1);
			names[nnames++] = intern(d, line + 2);
			continue;
		}
		for (i = 0; i < 6 && p; i++) {
			fields[i] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (i < 4) {
			rc = -1;
			break;
		}
		if (i == 4)
			fields[4] = empty;
		if (i <= 5)
			fields[5] = empty;
		memset(&dep, 0, sizeof(dep));
		dep.out = gz_strdup(fields[0]);
		dep.key = strtoull(fields[1], NULL, 16);
		dep.site = fields[2][0] == '1';
		dep.len = (size_t)strtoull(fields[3], NULL, 10);
		for (p = fields[4]; *p; p = *end ? end + 1 : end) {
			unsigned long long x = strtoull(p, &end, 10);
			if (end == p || x >= nnames || (*end && *end != ',')) {
				rc = -1;
				break;
			}
			GZ_GROW(dep.paths, pcap, dep.npaths + 1);
			dep.paths[dep.npaths++] = names[x];
		}
		dep.body = gz_calloc(dep.npaths ? dep.npaths : 1, sizeof(*dep.body));
		for (k = 0; k < dep.npaths && fields[5][k]; k++)
			dep.body[k] = fields[5][k] == '1';
		add_locked(d, &dep);
		if (rc < 0)
			break;
	}
	free(names);
	free(line);
	fclose(f);
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

	for (i = 0; i < d->n; i++)
		gz_map_put(&d->by_out, d->items[i].out, &d->items[i]);
}

const gz_dep *gz_deps_find(const gz_deps *d, const char *out)
{
	return gz_map_get(&d->by_out, out);
}

/* Numbers for interned paths while saving, found by address: a path is
 * interned once, so its address names it. */
typedef struct {
	const char **keys;
	size_t *vals;
	size_t cap, n;
} by_address;

static size_t *number_of(by_address *m, const char *key)
{
	size_t i;
	uint64_t h;

	if ((m->n + 1) * 2 > m->cap) {
		by_address old = *m;
		m->cap = old.cap ? old.cap * 2 : 1024;
		m->keys = gz_calloc(m->cap, sizeof(*m->keys));
		m->vals = gz_calloc(m->cap, sizeof(*m->vals));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i])
				*number_of(m, old.keys[i]) = old.vals[i];
		free(old.keys);
		free(old.vals);
	}
	h = (uint64_t)(uintptr_t)key;
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
	h ^= h >> 29;
	for (i = (size_t)h & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return &m->vals[i];
	m->keys[i] = key;
	m->vals[i] = SIZE_MAX;
	m->n++;
	return &m->vals[i];
}

/* The record has tens of thousands of numbers: printf would be most of
 * the time it takes to write. */
static void put_dec(gz_buf *b, size_t v)
{
	char t[24];
	size_t n = sizeof(t);

	do {
		t[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	gz_buf_add(b, t + n, sizeof(t) - n);
}

static void put_hex64(gz_buf *b, uint64_t v)
{
	char t[16];
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		t[i] = "0123456789abcdef"[v & 15];
	gz_buf_add(b, t, sizeof(t));
}

int gz_deps_save(gz_deps *d, const char *file)
{
	gz_buf b = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	by_address nums = {0};
	size_t i, k, next = 0;
	FILE *f;
	int rc = 0;

	gz_buf_puts(&b, magic());
	for (i = 0; i < d->n; i++) {
		const gz_dep *dep = &d->items[i];
		for (k = 0; k < dep->npaths; k++) {
			size_t *num = number_of(&nums, dep->paths[k]);
			if (*num == SIZE_MAX) {
				*num = next++;
				gz_buf_puts(&b, "@\t");
				gz_buf_puts(&b, dep->paths[k]);
				gz_buf_putc(&b, '\n');
			}
		}
		gz_buf_puts(&b, dep->out);
		gz_buf_putc(&b, '\t');
		put_hex64(&b, dep->key);
		gz_buf_puts(&b, dep->site ? "\t1\t" : "\t0\t");
		put_dec(&b, dep->len);
		gz_buf_putc(&b, '\t');
		for (k = 0; k < dep->npaths; k++) {
			if (k)
				gz_buf_putc(&b, ',');
			put_dec(&b, *number_of(&nums, dep->paths[k]));
		}
		gz_buf_putc(&b, '\t');
		for (k = 0; k < dep->npaths; k++)
			gz_buf_putc(&b, dep->body && dep->body[k] ? '1' : '0');
		gz_buf_putc(&b, '\n');
	}
	free(nums.keys);
	free(nums.vals);
	gz_buf_printf(&tmp, "%s.tmp", file);
	f = fopen(tmp.ptr, "w");
	if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0 || rename(tmp.ptr, file) < 0)
		rc = -1;
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	return rc;
}
