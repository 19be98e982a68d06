#include "write/deps.h"

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/program.h"

/* A record from another build of gazette is not trusted (base/program.h). */
static char magic_line[64];
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void make_magic(void)
{
	snprintf(magic_line, sizeof(magic_line), "gazette-deps 4 %016" PRIx64 "\n", gz_program_hash());
}

static const char *magic(void)
{
	pthread_once(&magic_once, make_magic);
	return magic_line;
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
 * gz_deps_adopt_strings, and gz_deps_add_interned's) are taken as they
 * are, the rest interned. from_record: paths are some table's interned
 * strings. */
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

/* Numbers of the record, read by hand: strtoull was a quarter of a load. */
static bool read_dec(const char **p, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (ULLONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	*p = s;
	*out = v;
	return true;
}

static bool read_hex64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 16; i++) {
		char c = s[i];
		int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (x < 0)
			return false;
		v = v << 4 | (uint64_t)x;
	}
	*out = v;
	return s[16] == '\0';
}

/* The record is text: after the header, "@\tPATH" names the next page
 * path (numbered from 0 in order), and each output is a line
 * "OUT\tKEY\tSITE\tLEN\tN,N,…\tBODY" whose N are those numbers and BODY
 * one '0' or '1' per path: was that page's body read. */
int gz_deps_load(gz_deps *d, const char *file)
{
	char *data, *line, *next, **names = NULL;
	size_t len = 0, nnames = 0, names_cap = 0, hlen;
	const char *m;
	int rc = 0;

	if (!(data = gz_file_read(file, &len)))
		return 0;
	m = magic();
	hlen = strlen(m);
	if (len < hlen || memcmp(data, m, hlen)) {
		/* another gazette's record is expected (an upgrade); junk is not */
		rc = len < 13 || strncmp(data, "gazette-deps ", 13) ? -1 : 0;
		free(data);
		return rc;
	}
	for (line = data + hlen; line < data + len && *line; line = next) {
		char *fields[6], *p = line, empty[1] = "";
		const char *q;
		gz_dep dep;
		int i;
		size_t k, commas;
		unsigned long long x;

		next = memchr(line, '\n', (size_t)(data + len - line));
		if (next)
			*next++ = '\0';
		else
			next = data + len;
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
		q = fields[3];
		if (!read_hex64(fields[1], &dep.key) || !read_dec(&q, &x) || *q) {
			rc = -1;
			break;
		}
		dep.len = (size_t)x;
		dep.site = fields[2][0] == '1';
		for (commas = 0, q = fields[4]; *q; q++)
			commas += *q == ',';
		k = *fields[4] ? commas + 1 : 0;
		dep.paths = gz_malloc((k ? k : 1) * sizeof(*dep.paths));
		for (q = fields[4]; *q; q += *q == ',') {
			if (!read_dec(&q, &x) || x >= nnames || (*q && *q != ',') ||
			    dep.npaths >= k) {
				rc = -1;
				break;
			}
			dep.paths[dep.npaths++] = names[x];
		}
		dep.out = gz_strdup(fields[0]);
		dep.body = gz_calloc(dep.npaths ? dep.npaths : 1, sizeof(*dep.body));
		for (k = 0; k < dep.npaths && fields[5][k]; k++)
			dep.body[k] = fields[5][k] == '1';
		add_locked(d, &dep);
		if (rc < 0)
			break;
	}
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

	for (i = 0; i < d->n; i++)
		gz_map_put(&d->by_out, d->items[i].out, &d->items[i]);
}

const gz_dep *gz_deps_find(const gz_deps *d, const char *out)
{
	return gz_map_get(&d->by_out, out);
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
	size_t i, k, next = 0;
	FILE *f;
	int rc = 0;

	/* every path is d's (interned or adopted): numbered in its header */
	for (i = 0; i < d->strings.cap; i++)
		if (d->strings.keys && d->strings.keys[i])
			header(d->strings.keys[i])->num = SIZE_MAX;
	/* about as long as the last record */
	gz_buf_grow(&b, 64 + d->n * 144);
	gz_buf_puts(&b, magic());
	for (i = 0; i < d->n; i++) {
		const gz_dep *dep = &d->items[i];
		for (k = 0; k < dep->npaths; k++) {
			size_t *num = &header(dep->paths[k])->num;
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
			put_dec(&b, header(dep->paths[k])->num);
		}
		gz_buf_putc(&b, '\t');
		gz_buf_grow(&b, dep->npaths + 2);
		for (k = 0; k < dep->npaths; k++)
			b.ptr[b.len++] = dep->body && dep->body[k] ? '1' : '0';
		b.ptr[b.len++] = '\n';
		b.ptr[b.len] = '\0';
	}
	gz_buf_printf(&tmp, "%s.tmp", file);
	f = fopen(tmp.ptr, "w");
	if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0 || rename(tmp.ptr, file) < 0)
		rc = -1;
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	return rc;
}
