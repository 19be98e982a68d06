#include "search.h"

#include <pthread.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "hash.h"
#include "buf.h"
#include "pack.h"
#include "pool.h"
#include "tokenize.h"

size_t gz_search_count(const gz_site *site)
{
	return site->npages + site->nstandalone;
}

const gz_page *gz_search_page(const gz_site *site, size_t id)
{
	return id < site->npages ? site->pages[id] : site->standalone[id - site->npages];
}

/* One distinct token of a page, with how often it occurs there. */
typedef struct {
	uint64_t id;          /* 64-bit FNV-1a: tokens are told apart by id and len */
	uint32_t hash, len, count;
	const char *tok;      /* into the page's folded text */
} entry;

typedef struct {
	gz_buf folded;        /* title "\n" body, folded */
	entry *e;             /* grouped by shard */
	uint32_t shard_at[GZ_SEARCH_SHARDS + 1];
} doc;

/*
 * A small open-addressing table from token to slot, used per page (to
 * count) and per shard (to gather postings). Tokens are compared by hash
 * then bytes; the caller owns the bytes.
 */
typedef struct {
	entry key;
	gz_buf post;          /* shard use: encoded postings */
	uint32_t last;        /* shard use: last doc id + 1 */
} slot;

typedef struct {
	slot *s;
	size_t n, cap;        /* cap a power of two */
} table;

static void table_init(table *t, size_t hint)
{
	t->cap = 64;
	while (t->cap < hint * 2)
		t->cap *= 2;
	t->n = 0;
	t->s = gz_calloc(t->cap, sizeof(*t->s));
}

static slot *table_find(table *t, uint64_t id, uint32_t len);

static void table_grow(table *t)
{
	table old = *t;
	size_t i;

	t->cap *= 2;
	t->s = gz_calloc(t->cap, sizeof(*t->s));
	for (i = 0; i < old.cap; i++)
		if (old.s[i].key.tok) {
			slot *n = table_find(t, old.s[i].key.id, old.s[i].key.len);
			*n = old.s[i];
		}
	free(old.s);
}

/* The slot of tok: its own, or the empty one where it belongs (key.tok
 * NULL; the caller fills it and counts t->n). */
static slot *table_find(table *t, uint64_t id, uint32_t len)
{
	size_t i = (size_t)(id >> 32) & (t->cap - 1);

	for (;;) {
		slot *s = &t->s[i];
		if (!s->key.tok)
			return s;
		if (s->key.id == id && s->key.len == len)
			return s;
		i = (i + 1) & (t->cap - 1);
	}
}

static slot *table_add(table *t, const entry *e)
{
	slot *s;

	if ((t->n + 1) * 2 > t->cap)
		table_grow(t);
	s = table_find(t, e->id, e->len);
	if (!s->key.tok) {
		s->key = *e;
		t->n++;
	}
	return s;
}

/* 64 URL- and JSON-safe letters; a varint digit carries 5 bits, and the
 * upper half of the alphabet says another digit follows. */
static const char varint_abc[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

static void encode_varint(gz_buf *b, uint32_t v)
{
	while (v >= 32) {
		gz_buf_putc(b, varint_abc[32 + (v & 31)]);
		v >>= 5;
	}
	gz_buf_putc(b, varint_abc[v]);
}

static void json_str(gz_buf *b, const char *s)
{
	gz_buf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			gz_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			gz_buf_puts(b, "\\n");
		else if (c < 0x20)
			gz_buf_printf(b, "\\u%04x", c);
		else if (c == '<')
			gz_buf_puts(b, "\\u003c"); /* harmless if ever inlined in HTML */
		else
			gz_buf_putc(b, (char)c);
	}
	gz_buf_putc(b, '"');
}

typedef struct {
	const gz_site *site;
	doc *docs;
	bool *owned;          /* docs[i] is not the cache's (cache on) */
	size_t n;
	gz_outputs *out;
} ctx;

static void page_text(gz_buf *b, const gz_page *p)
{
	gz_buf_puts(b, p->title ? p->title : "");
	gz_buf_putc(b, '\n');
	gz_buf_puts(b, p->plain ? p->plain : "");
}

/* The entry of tok in an open-addressing table of cap (a power of two)
 * entries: its own, or the empty one where it belongs (tok NULL). */
static entry *doc_find(entry *t, size_t cap, uint64_t id, uint32_t len)
{
	size_t i = (size_t)(id >> 32) & (cap - 1);

	while (t[i].tok && !(t[i].id == id && t[i].len == len))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

typedef struct {
	entry *t;
	size_t n, cap;
} doc_table;

static void count_token(const char *tok, size_t len, void *payload)
{
	doc_table *dt = payload;
	uint64_t id = 14695981039346656037ULL;
	size_t k;
	entry *e;

	for (k = 0; k < len; k++)
		id = (id ^ (unsigned char)tok[k]) * 1099511628211ULL;

	if ((dt->n + 1) * 2 > dt->cap) {
		entry *old = dt->t;
		size_t j, oldcap = dt->cap;
		dt->cap *= 2;
		dt->t = gz_calloc(dt->cap, sizeof(*dt->t));
		for (j = 0; j < oldcap; j++)
			if (old[j].tok)
				*doc_find(dt->t, dt->cap, old[j].id, old[j].len) = old[j];
		free(old);
	}
	e = doc_find(dt->t, dt->cap, id, (uint32_t)len);
	if (!e->tok) {
		e->tok = tok;
		e->len = (uint32_t)len;
		e->id = id;
		e->hash = gz_tokenize_hash(tok, len);
		dt->n++;
	}
	e->count++;
}

/* Fold and count one page's tokens, grouped by shard. */
/*
 * A long-running process (gazette serve) rebuilds after every save; most
 * pages did not change, so their tokens are kept between builds, keyed by a
 * hash of the page's text. Entries not used by a build are dropped after it.
 */
typedef struct {
	char key[17];
	doc d;
	unsigned gen;
} cached_doc;

static struct {
	bool on;
	pthread_mutex_t lock;
	gz_map map;
	cached_doc **all;
	size_t n, cap;
	unsigned gen;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

void gz_search_cache_enable(void)
{
	cache.on = true;
}

static void free_doc(doc *d)
{
	gz_buf_release(&d->folded);
	free(d->e);
}

/* Drop what the last build did not use (gen); all of it when gen is 0. */
static void cache_sweep(unsigned gen)
{
	size_t i, w = 0;
	gz_map fresh = {0};

	for (i = 0; i < cache.n; i++) {
		if (gen && cache.all[i]->gen == gen) {
			cache.all[w++] = cache.all[i];
			gz_map_put(&fresh, cache.all[w - 1]->key, cache.all[w - 1]);
			continue;
		}
		free_doc(&cache.all[i]->d);
		free(cache.all[i]);
	}
	cache.n = w;
	gz_map_release(&cache.map);
	cache.map = fresh;
}

void gz_search_cache_release(void)
{
	cache_sweep(0);
	free(cache.all);
	cache.all = NULL;
	cache.cap = 0;
	cache.on = false;
}

static void index_doc(size_t i, int worker, void *payload)
{
	ctx *c = payload;
	doc *d = &c->docs[i];
	gz_buf raw = GZ_BUF_INIT;
	doc_table t;
	size_t k, at[GZ_SEARCH_SHARDS];
	char key[17] = "";

	page_text(&raw, gz_search_page(c->site, i));
	if (cache.on) {
		cached_doc *hit;
		snprintf(key, sizeof(key), "%016llx",
			 (unsigned long long)gz_hash_add(GZ_HASH_INIT, raw.ptr, raw.len));
		pthread_mutex_lock(&cache.lock);
		hit = gz_map_get(&cache.map, key);
		if (hit) {
			hit->gen = cache.gen;
			*d = hit->d; /* shared, read-only; the cache owns it */
		}
		pthread_mutex_unlock(&cache.lock);
		if (hit) {
			gz_buf_release(&raw);
			return;
		}
	}
	gz_buf_init(&d->folded, raw.len + 16);
	gz_tokenize_fold(&d->folded, raw.ptr, raw.len);
	gz_buf_release(&raw);
	/* small enough to stay in cache; grows when a page has more words */
	t.n = 0;
	t.cap = 4096;
	t.t = gz_calloc(t.cap, sizeof(*t.t));
	gz_tokenize(d->folded.ptr, d->folded.len, false, count_token, &t);
	/* counting sort by shard */
	memset(d->shard_at, 0, sizeof(d->shard_at));
	for (k = 0; k < t.cap; k++)
		if (t.t[k].tok)
			d->shard_at[(t.t[k].hash % GZ_SEARCH_SHARDS) + 1]++;
	for (k = 0; k < GZ_SEARCH_SHARDS; k++) {
		d->shard_at[k + 1] += d->shard_at[k];
		at[k] = d->shard_at[k];
	}
	d->e = gz_malloc((t.n ? t.n : 1) * sizeof(*d->e));
	for (k = 0; k < t.cap; k++)
		if (t.t[k].tok)
			d->e[at[t.t[k].hash % GZ_SEARCH_SHARDS]++] = t.t[k];
	free(t.t);
	if (cache.on) {
		cached_doc *cd = gz_calloc(1, sizeof(*cd));
		memcpy(cd->key, key, sizeof(key));
		cd->d = *d;
		cd->gen = cache.gen;
		pthread_mutex_lock(&cache.lock);
		if (gz_map_get(&cache.map, cd->key)) {
			/* another page with the same text got there first */
			pthread_mutex_unlock(&cache.lock);
			free(cd); /* d keeps its own copy, freed after the build */
			c->owned[i] = true;
			return;
		}
		GZ_GROW(cache.all, cache.cap, cache.n + 1);
		cache.all[cache.n++] = cd;
		gz_map_put(&cache.map, cd->key, cd);
		pthread_mutex_unlock(&cache.lock);
	}
}

static int cmp_slot(const void *a, const void *b)
{
	const slot *x = *(const slot *const *)a, *y = *(const slot *const *)b;
	uint32_t n = x->key.len < y->key.len ? x->key.len : y->key.len;
	int r = memcmp(x->key.tok, y->key.tok, n);

	return r ? r : (int)x->key.len - (int)y->key.len;
}

static void write_shard(size_t sh, int worker, void *payload)
{
	ctx *c = payload;
	table t;
	slot **sorted;
	gz_buf b = GZ_BUF_INIT;
	size_t i, k, n = 0;
	char path[64];

	table_init(&t, 256);
	for (i = 0; i < c->n; i++) {
		doc *d = &c->docs[i];
		for (k = d->shard_at[sh]; k < d->shard_at[sh + 1]; k++) {
			entry *e = &d->e[k];
			slot *s = table_add(&t, e);
			if (!s->post.ptr)
				gz_buf_init(&s->post, 64);
			encode_varint(&s->post, (uint32_t)i + 1 - s->last);
			encode_varint(&s->post, e->count);
			s->last = (uint32_t)i + 1;
		}
	}
	sorted = gz_malloc((t.n ? t.n : 1) * sizeof(*sorted));
	for (k = 0; k < t.cap; k++)
		if (t.s[k].key.tok)
			sorted[n++] = &t.s[k];
	qsort(sorted, n, sizeof(*sorted), cmp_slot);
	gz_buf_putc(&b, '{');
	for (k = 0; k < n; k++) {
		gz_buf_printf(&b, "%s\"", k ? ",\n" : "");
		gz_buf_add(&b, sorted[k]->key.tok, sorted[k]->key.len);
		gz_buf_puts(&b, "\":\"");
		gz_buf_add(&b, sorted[k]->post.ptr, sorted[k]->post.len);
		gz_buf_putc(&b, '"');
		gz_buf_release(&sorted[k]->post);
	}
	gz_buf_puts(&b, "}\n");
	snprintf(path, sizeof(path), "search/idx/%02zx.json", sh);
	{
		size_t len;
		char *data = gz_buf_detach(&b, &len);
		gz_outputs_add(c->out, path, data, len, "search index");
	}
	free(sorted);
	free(t.s);
}

static void write_text(size_t g, int worker, void *payload)
{
	ctx *c = payload;
	gz_buf b = GZ_BUF_INIT, t = GZ_BUF_INIT, z = GZ_BUF_INIT;
	size_t i;
	char path[64], *err = NULL;

	gz_buf_putc(&b, '[');
	for (i = g * GZ_SEARCH_TEXT_GROUP; i < c->n && i < (g + 1) * GZ_SEARCH_TEXT_GROUP; i++) {
		gz_buf_clear(&t);
		page_text(&t, gz_search_page(c->site, i));
		if (i % GZ_SEARCH_TEXT_GROUP)
			gz_buf_puts(&b, ",\n");
		json_str(&b, t.ptr);
	}
	gz_buf_puts(&b, "]\n");
	gz_buf_release(&t);
	/* gzip: the full text is most of the index; search.js inflates it with
	 * the browser's DecompressionStream (and reads it as it is if it is not
	 * gzip, which is what is written should compression ever fail) */
	if (gz_pack_gzip(&z, b.ptr, b.len, &err) == 0) {
		gz_buf_release(&b);
		b = z;
	} else {
		free(err);
		gz_buf_release(&z);
	}
	snprintf(path, sizeof(path), "search/text/%zu.bin", g);
	{
		size_t len;
		char *data = gz_buf_detach(&b, &len);
		gz_outputs_add(c->out, path, data, len, "search text");
	}
}

static void write_docs(ctx *c)
{
	const gz_site *site = c->site;
	gz_buf b = GZ_BUF_INIT;
	size_t i, k, j;
	char ymd[16];

	gz_buf_puts(&b, "{\"fields\":[");
	for (k = 0; k < site->cfg.ntax; k++) {
		gz_buf_puts(&b, k ? ",{\"key\":" : "{\"key\":");
		json_str(&b, site->cfg.tax[k].key);
		gz_buf_puts(&b, ",\"label\":");
		json_str(&b, site->cfg.tax[k].label);
		gz_buf_putc(&b, '}');
	}
	gz_buf_puts(&b, "],\n\"sections\":[");
	for (k = 0; k < site->nsections; k++) {
		gz_buf_puts(&b, k ? ",[" : "[");
		json_str(&b, site->sections[k].name);
		gz_buf_putc(&b, ',');
		json_str(&b, site->sections[k].title);
		gz_buf_putc(&b, ']');
	}
	gz_buf_puts(&b, "],\n\"docs\":[\n");
	for (i = 0; i < c->n; i++) {
		const gz_page *p = gz_search_page(site, i);
		gz_buf_puts(&b, i ? ",\n[" : "[");
		json_str(&b, p->url);
		gz_buf_putc(&b, ',');
		json_str(&b, p->title);
		gz_buf_putc(&b, ',');
		if (p->has_date) {
			gz_date_ymd(ymd, &p->date);
			json_str(&b, ymd);
		} else {
			json_str(&b, "");
		}
		gz_buf_putc(&b, ',');
		json_str(&b, p->section);
		for (k = 0; k < site->cfg.ntax; k++) {
			const gz_strlist *v = &p->tax_values[k];
			gz_buf_puts(&b, ",[");
			for (j = 0; j < v->n; j++) {
				if (j)
					gz_buf_putc(&b, ',');
				json_str(&b, v->items[j]);
			}
			gz_buf_putc(&b, ']');
		}
		gz_buf_putc(&b, ']');
	}
	gz_buf_puts(&b, "\n]}\n");
	{
		size_t len;
		char *data = gz_buf_detach(&b, &len);
		gz_outputs_add(c->out, "search/docs.json", data, len, "search index");
	}
}

static void lap(const char *what, double *t)
{
	struct timespec ts;
	double now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
	if (*t > 0 && getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing:   search %s %.0f ms\n", what, now - *t);
	*t = now;
}

void gz_search_build(gz_outputs *out, const gz_site *site, int jobs)
{
	ctx c;
	size_t i;
	double t = 0;

	c.site = site;
	c.out = out;
	c.n = gz_search_count(site);
	c.docs = gz_calloc(c.n ? c.n : 1, sizeof(*c.docs));
	c.owned = gz_calloc(c.n ? c.n : 1, sizeof(*c.owned));
	cache.gen++;
	lap("", &t);
	gz_parallel(c.n, jobs, index_doc, &c, NULL);
	lap("tokens", &t);
	gz_parallel(GZ_SEARCH_SHARDS, jobs, write_shard, &c, NULL);
	lap("shards", &t);
	gz_parallel((c.n + GZ_SEARCH_TEXT_GROUP - 1) / GZ_SEARCH_TEXT_GROUP, jobs, write_text, &c,
		    NULL);
	lap("text", &t);
	write_docs(&c);
	for (i = 0; i < c.n; i++)
		if (!cache.on || c.owned[i])
			free_doc(&c.docs[i]);
	if (cache.on)
		cache_sweep(cache.gen);
	free(c.docs);
	free(c.owned);
}
