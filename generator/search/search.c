#include "search/search.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "write/pack.h"
#include "model/photos.h"
#include "base/pool.h"
#include "search/searchtext.h"
#include "base/tokenize.h"

/* gzip level of the text groups: zlib's default (6) makes them ~15%
 * smaller than 4 but takes half as long again, and they are the biggest
 * part of the index's build time */
#define TEXT_LEVEL 4

/* A text group decompressed is never bigger than this (a guard against a
 * damaged or foreign file when reading one back). */
#define TEXT_MAX ((size_t)256 << 20)

#define RECORD_HEAD "gazette search record 1"

size_t gz_search_count(const gz_site *site)
{
	return site->npages + site->nstandalone;
}

const gz_page *gz_search_page(const gz_site *site, size_t id)
{
	return id < site->npages ? site->pages[id] : site->standalone[id - site->npages];
}

/*
 * A 64-bit hash eight bytes at a step, for change detection like hash.h
 * (FNV-1a, a byte at a step, is too slow for every page's text on every
 * build). Not for security: a collision only makes a build keep a file.
 */
static uint64_t fast_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w ^ ((uint64_t)len << 59)) * 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

/* 64 URL- and JSON-safe letters; a varint digit carries 5 bits, and the
 * upper half of the alphabet says another digit follows. */
static const char varint_abc[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

static size_t put_varint(char *w, uint32_t v)
{
	size_t n = 0;

	while (v >= 32) {
		w[n++] = varint_abc[32 + (v & 31)];
		v >>= 5;
	}
	w[n++] = varint_abc[v];
	return n;
}

static void encode_varint(gz_buf *b, uint32_t v)
{
	gz_buf_grow(b, 8);
	b->len += put_varint(b->ptr + b->len, v);
	b->ptr[b->len] = '\0';
}

static size_t varint_len(uint32_t v)
{
	size_t n = 1;

	while (v >= 32) {
		v >>= 5;
		n++;
	}
	return n;
}

static int varint_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 36;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* The varint at *p; -1 when it is not one. */
static int64_t get_varint(const char **p, const char *end)
{
	uint64_t v = 0;
	int shift = 0;

	while (*p < end && shift <= 30) {
		int d = varint_digit((unsigned char)*(*p)++);
		if (d < 0)
			return -1;
		v |= (uint64_t)(d & 31) << shift;
		if (d < 32)
			return v > UINT32_MAX ? -1 : (int64_t)v;
		shift += 5;
	}
	return -1;
}

static void json_str(gz_buf *b, const char *s)
{
	gz_buf_putc(b, '"');
	for (s = s ? s : "";;) {
		const char *run = s;
		unsigned char c;
		while ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\' && *s != '<')
			s++;
		gz_buf_add(b, run, (size_t)(s - run));
		c = (unsigned char)*s++;
		if (!c)
			break;
		if (c == '"' || c == '\\')
			gz_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			gz_buf_puts(b, "\\n");
		else if (c < 0x20)
			gz_buf_printf(b, "\\u%04x", c);
		else
			gz_buf_puts(b, "\\u003c"); /* '<': harmless if ever inlined in HTML */
	}
	gz_buf_putc(b, '"');
}

/* Byte order of tokens in a shard (shorter first on a common prefix). */
static int tokcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r ? r : alen < blen ? -1 : alen > blen;
}

/*
 * Tokens are gathered by chunks of consecutive pages, each on one thread.
 * A page's tokens are counted in a small table of its own (it stays in the
 * CPU's cache; a page has a few thousand tokens but about a thousand
 * distinct ones); then each distinct token is looked up once in the
 * chunk's table and (slot, page, count) appended. At its end the chunk
 * turns those into each token's encoded postings. A shard then joins the
 * chunks' postings of its tokens in page order; only the first delta of
 * each chunk's run changes. No lock, and memory near the index's size.
 */
typedef struct {
	uint64_t key;           /* the token's bytes if 8 or fewer, else a hash */
	uint32_t len, count;    /* len 0: empty */
	const char *tok;        /* into the folded text */
} dent;

typedef struct {
	dent *e;
	size_t cap, n;
	int bits;
	uint32_t *used;         /* the filled entries, in order of first sight */
	size_t ucap;
	gz_buf fold;
	uint32_t weight;        /* what one more of a token adds to its count */
	gz_buf head;            /* a page's text head, while it is counted */
} dtab;

typedef struct {
	uint64_t key;
	uint32_t len, slot;     /* len 0: empty */
} cent;

typedef struct {
	uint32_t len, shard;
	uint32_t first, last;   /* its first and last page in the chunk */
	size_t tok;             /* offset of its bytes in chunk.toks */
	size_t post, npost;     /* its postings: offset and bytes in chunk.enc */
} tslot;

typedef struct {
	uint32_t slot, doc, count;
} rawpost;

typedef struct {
	size_t from, to;        /* pages [from, to) */
	dtab dt;
	tslot *s;
	size_t ns, scap;
	cent *idx;
	size_t cap;
	int bits;
	gz_buf toks, enc;
	rawpost *raw;
	size_t nraw, rcap;
	uint32_t *by_shard;     /* slot ids grouped by shard */
	uint32_t shard_at[GZ_SEARCH_SHARDS + 1];
} chunk;

static inline size_t tok_pos(uint64_t key, size_t len, int bits)
{
	return (size_t)(((key ^ ((uint64_t)len << 58)) * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

static void dtab_init(dtab *t)
{
	memset(t, 0, sizeof(*t));
	gz_buf_init(&t->fold, 0);
	gz_buf_init(&t->head, 0);
	t->bits = 12;
	t->cap = (size_t)1 << t->bits;
	t->e = gz_calloc(t->cap, sizeof(*t->e));
}

static void dtab_release(dtab *t)
{
	free(t->e);
	free(t->used);
	gz_buf_release(&t->fold);
	gz_buf_release(&t->head);
}

/* Empty it again (only what was filled is touched). */
static void dtab_reset(dtab *t)
{
	size_t k;

	for (k = 0; k < t->n; k++)
		t->e[t->used[k]].len = 0;
	t->n = 0;
}

/* The entry of the token, or the empty one where it belongs. */
static dent *dtab_find(dtab *t, const char *tok, size_t len, uint64_t key)
{
	size_t i = tok_pos(key, len, t->bits);

	for (;;) {
		dent *e = &t->e[i];
		if (!e->len || (e->key == key && e->len == len &&
				(len <= 8 || !memcmp(e->tok, tok, len))))
			return e;
		i = (i + 1) & (t->cap - 1);
	}
}

static void dtab_grow(dtab *t)
{
	dent *old = t->e;
	size_t k;

	t->bits++;
	t->cap = (size_t)1 << t->bits;
	t->e = gz_calloc(t->cap, sizeof(*t->e));
	for (k = 0; k < t->n; k++) {
		dent *e = dtab_find(t, old[t->used[k]].tok, old[t->used[k]].len, old[t->used[k]].key);
		*e = old[t->used[k]];
		t->used[k] = (uint32_t)(e - t->e);
	}
	free(old);
}

/* Tokens of 8 bytes or fewer are their own key: the folded text is padded
 * with 8 zero bytes, so 8 can always be read at a token and the rest
 * masked off. */
static inline uint64_t tok_key(const char *t, size_t len)
{
	uint64_t k;

	if (len > 8)
		return fast_hash(0, t, len);
	memcpy(&k, t, 8);
	return len == 8 ? k : k & ((1ULL << (8 * len)) - 1);
}

static void count_token(const char *tok, size_t len, void *payload)
{
	dtab *t = payload;
	uint64_t key = tok_key(tok, len);
	dent *e = dtab_find(t, tok, len, key);

	if (!e->len) {
		if ((t->n + 1) * 2 > t->cap) {
			dtab_grow(t);
			e = dtab_find(t, tok, len, key);
		}
		e->key = key;
		e->len = (uint32_t)len;
		e->count = 0;
		e->tok = tok;
		GZ_GROW(t->used, t->ucap, t->n + 1);
		t->used[t->n++] = (uint32_t)(e - t->e);
	}
	e->count += t->weight;
}

/* Count the tokens of one page's text, given as its head and its body,
 * into t, emptied first. Folding keeps the part separators as they are. */
static void count_text(dtab *t, const char *head, size_t hlen, const char *body, size_t blen)
{
	const char *s, *end, *sep;
	int part;

	dtab_reset(t);
	gz_buf_clear(&t->fold);
	gz_tokenize_fold(&t->fold, head, hlen);
	gz_tokenize_fold(&t->fold, body, blen);
	gz_buf_grow(&t->fold, 8);
	memset(t->fold.ptr + t->fold.len, 0, 8);
	s = t->fold.ptr;
	end = s + t->fold.len;
	/* title and summary weigh more; the rest as one run */
	for (part = 0; part < 2; part++) {
		sep = memchr(s, GZ_SEARCHTEXT_PART, (size_t)(end - s));
		if (!sep)
			break;
		t->weight = GZ_SEARCHTEXT_WEIGHT;
		gz_tokenize(s, (size_t)(sep - s), false, count_token, t);
		s = sep + 1;
	}
	t->weight = 1;
	gz_tokenize(s, (size_t)(end - s), false, count_token, t);
}

/* Count page p's tokens into t. */
static void count_page(dtab *t, const gz_page *p, size_t ntax)
{
	gz_buf_clear(&t->head);
	gz_searchtext_head(&t->head, p, ntax);
	count_text(t, t->head.ptr, t->head.len, p->plain ? p->plain : "",
		   p->plain ? strlen(p->plain) : 0);
}

static const dent *dtab_lookup(dtab *t, const char *tok, size_t len, uint64_t key)
{
	const dent *e = dtab_find(t, tok, len, key);

	return e->len ? e : NULL;
}

static void chunk_init(chunk *ch)
{
	memset(ch, 0, sizeof(*ch));
	dtab_init(&ch->dt);
	ch->bits = 13;
	ch->cap = (size_t)1 << ch->bits;
	ch->idx = gz_calloc(ch->cap, sizeof(*ch->idx));
}

static void chunk_release(chunk *ch)
{
	dtab_release(&ch->dt);
	free(ch->s);
	free(ch->idx);
	free(ch->raw);
	free(ch->by_shard);
	gz_buf_release(&ch->toks);
	gz_buf_release(&ch->enc);
}

static cent *chunk_find(chunk *ch, const char *tok, size_t len, uint64_t key)
{
	size_t i = tok_pos(key, len, ch->bits);

	for (;;) {
		cent *e = &ch->idx[i];
		if (!e->len || (e->key == key && e->len == len &&
				(len <= 8 || !memcmp(ch->toks.ptr + ch->s[e->slot].tok, tok, len))))
			return e;
		i = (i + 1) & (ch->cap - 1);
	}
}

static void chunk_grow(chunk *ch)
{
	cent *old = ch->idx;
	size_t k, oldcap = ch->cap;

	ch->bits++;
	ch->cap = (size_t)1 << ch->bits;
	ch->idx = gz_calloc(ch->cap, sizeof(*ch->idx));
	for (k = 0; k < oldcap; k++)
		if (old[k].len) {
			size_t i = tok_pos(old[k].key, old[k].len, ch->bits);
			while (ch->idx[i].len)
				i = (i + 1) & (ch->cap - 1);
			ch->idx[i] = old[k];
		}
	free(old);
}

/* Append the postings of the page counted in ch->dt. */
static void chunk_add(chunk *ch, uint32_t doc)
{
	dtab *t = &ch->dt;
	size_t k;

	GZ_GROW(ch->raw, ch->rcap, ch->nraw + t->n);
	for (k = 0; k < t->n; k++) {
		const dent *d = &t->e[t->used[k]];
		cent *e = chunk_find(ch, d->tok, d->len, d->key);
		rawpost *r;
		if (!e->len) {
			tslot *s;
			if ((ch->ns + 1) * 2 > ch->cap) {
				chunk_grow(ch);
				e = chunk_find(ch, d->tok, d->len, d->key);
			}
			GZ_GROW(ch->s, ch->scap, ch->ns + 1);
			s = &ch->s[ch->ns];
			memset(s, 0, sizeof(*s));
			s->len = d->len;
			s->shard = gz_tokenize_hash(d->tok, d->len) % GZ_SEARCH_SHARDS;
			s->tok = ch->toks.len;
			gz_buf_add(&ch->toks, d->tok, d->len);
			e->key = d->key;
			e->len = d->len;
			e->slot = (uint32_t)ch->ns++;
		}
		r = &ch->raw[ch->nraw++];
		r->slot = e->slot;
		r->doc = doc;
		r->count = d->count;
	}
}

/* Postings by slot, encoded; slots grouped by shard. */
static void chunk_encode(chunk *ch)
{
	size_t *at = gz_calloc(ch->ns + 1, sizeof(*at)), k, nraw = ch->nraw;
	rawpost *sorted = gz_malloc((nraw ? nraw : 1) * sizeof(*sorted));

	for (k = 0; k < ch->nraw; k++)
		at[ch->raw[k].slot + 1]++;
	for (k = 0; k < ch->ns; k++)
		at[k + 1] += at[k];
	for (k = 0; k < ch->nraw; k++)
		sorted[at[ch->raw[k].slot]++] = ch->raw[k];
	free(ch->raw);
	ch->raw = NULL;
	ch->nraw = ch->rcap = 0;
	/* at[k] is now the end of slot k's run (the start of k + 1's); a
	 * posting takes at most 14 digits, most often 2 */
	gz_buf_grow(&ch->enc, nraw * 14);
	{
		char *w = ch->enc.ptr;
		for (k = 0; k < ch->ns; k++) {
			tslot *s = &ch->s[k];
			size_t i = k ? at[k - 1] : 0;
			uint32_t prev = 0;
			s->post = (size_t)(w - ch->enc.ptr);
			s->first = sorted[i].doc;
			for (; i < at[k]; i++) {
				w += put_varint(w, sorted[i].doc + 1 - prev);
				w += put_varint(w, sorted[i].count);
				prev = sorted[i].doc + 1;
			}
			s->last = prev - 1;
			s->npost = (size_t)(w - ch->enc.ptr) - s->post;
		}
		ch->enc.len = (size_t)(w - ch->enc.ptr);
		ch->enc.ptr[ch->enc.len] = '\0';
	}
	free(sorted);
	free(at);
	memset(ch->shard_at, 0, sizeof(ch->shard_at));
	for (k = 0; k < ch->ns; k++)
		ch->shard_at[ch->s[k].shard + 1]++;
	for (k = 0; k < GZ_SEARCH_SHARDS; k++)
		ch->shard_at[k + 1] += ch->shard_at[k];
	ch->by_shard = gz_malloc((ch->ns ? ch->ns : 1) * sizeof(*ch->by_shard));
	{
		uint32_t fill[GZ_SEARCH_SHARDS];
		memcpy(fill, ch->shard_at, sizeof(fill));
		for (k = 0; k < ch->ns; k++)
			ch->by_shard[fill[ch->s[k].shard]++] = (uint32_t)k;
	}
	free(ch->idx);
	ch->idx = NULL;
}

/* ---- the record of the last build ------------------------------------ */

typedef struct {
	uint64_t hash;
	size_t len;
} filerec;

struct gz_search_record {
	size_t ndocs, nfiles;
	uint64_t docs_key;      /* docs_key: what docs.json was made from */
	uint64_t *docs;         /* text_hash by id */
	filerec *files;         /* docs.json, the shards, the text groups */
};

void gz_search_record_free(gz_search_record *rec)
{
	if (!rec)
		return;
	free(rec->docs);
	free(rec->files);
	free(rec);
}

static size_t ngroups_of(size_t n)
{
	return (n + GZ_SEARCH_TEXT_GROUP - 1) / GZ_SEARCH_TEXT_GROUP;
}

static void record_head(gz_buf *b)
{
	gz_buf_printf(b, RECORD_HEAD " format %s shards %d group %d level %d keyed\n",
		      GZ_SEARCH_FORMAT, GZ_SEARCH_SHARDS, GZ_SEARCH_TEXT_GROUP, TEXT_LEVEL);
}

int gz_search_record_save(const gz_search_record *rec, const char *path)
{
	gz_buf b = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	size_t i;
	FILE *f;
	int rc = -1;

	record_head(&b);
	gz_buf_printf(&b, "key %016llx\n", (unsigned long long)rec->docs_key);
	gz_buf_printf(&b, "docs %zu\n", rec->ndocs);
	for (i = 0; i < rec->ndocs; i++)
		gz_buf_printf(&b, "%016llx\n", (unsigned long long)rec->docs[i]);
	gz_buf_printf(&b, "files %zu\n", rec->nfiles);
	for (i = 0; i < rec->nfiles; i++)
		gz_buf_printf(&b, "%016llx %zu\n", (unsigned long long)rec->files[i].hash,
			      rec->files[i].len);
	gz_buf_puts(&b, "end\n");
	gz_buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
	f = fopen(tmp.ptr, "w");
	if (f) {
		bool ok = fwrite(b.ptr, 1, b.len, f) == b.len;
		if (fclose(f) == 0 && ok && rename(tmp.ptr, path) == 0)
			rc = 0;
		else
			unlink(tmp.ptr);
	}
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	return rc;
}

/* A hex hash and the rest of its line at *p. */
static bool get_hex(const char **p, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(*p, &end, 16);
	if (errno || end != *p + 16)
		return false;
	*p = end;
	return true;
}

static bool get_size(const char **p, const char *what, size_t *out)
{
	size_t n = strlen(what);
	char *end;

	if (strncmp(*p, what, n))
		return false;
	errno = 0;
	*out = (size_t)strtoull(*p + n, &end, 10);
	if (errno || end == *p + n || *end != '\n')
		return false;
	*p = end + 1;
	return true;
}

/* 0 and *out, 1 when there is no record (or one of another format or
 * layout: nothing to warn about), -1 when it is not a record at all. */
static int record_load(gz_search_record **out, const char *path)
{
	gz_buf b = GZ_BUF_INIT, head = GZ_BUF_INIT;
	gz_search_record *r = NULL;
	const char *p;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (gz_buf_read_file(&b, path) < 0) {
		rc = errno == ENOENT ? 1 : -1;
		goto cleanup;
	}
	record_head(&head);
	if (strncmp(b.ptr, head.ptr, head.len)) {
		rc = !strncmp(b.ptr, RECORD_HEAD " ", strlen(RECORD_HEAD " ")) ? 1 : -1;
		goto cleanup;
	}
	p = b.ptr + head.len;
	r = gz_calloc(1, sizeof(*r));
	if (strncmp(p, "key ", 4))
		goto cleanup;
	p += 4;
	if (!get_hex(&p, &r->docs_key) || *p++ != '\n')
		goto cleanup;
	if (!get_size(&p, "docs ", &r->ndocs) || r->ndocs > b.len / 17)
		goto cleanup;
	r->docs = gz_malloc((r->ndocs ? r->ndocs : 1) * sizeof(*r->docs));
	for (i = 0; i < r->ndocs; i++)
		if (!get_hex(&p, &r->docs[i]) || *p++ != '\n')
			goto cleanup;
	if (!get_size(&p, "files ", &r->nfiles) || r->nfiles > b.len / 19 ||
	    r->nfiles != 1 + GZ_SEARCH_SHARDS + ngroups_of(r->ndocs))
		goto cleanup;
	r->files = gz_malloc(r->nfiles * sizeof(*r->files));
	for (i = 0; i < r->nfiles; i++) {
		char *end;
		if (!get_hex(&p, &r->files[i].hash) || *p++ != ' ')
			goto cleanup;
		errno = 0;
		r->files[i].len = (size_t)strtoull(p, &end, 10);
		if (errno || end == p || *end != '\n')
			goto cleanup;
		p = end + 1;
	}
	if (strcmp(p, "end\n"))
		goto cleanup;
	*out = r;
	r = NULL;
	rc = 0;
cleanup:
	gz_search_record_free(r);
	gz_buf_release(&b);
	gz_buf_release(&head);
	return rc;
}

/* ---- one build ------------------------------------------------------- */

typedef struct {
	const char *tok;
	uint32_t len, shard, doc, count;
} change;

typedef struct {
	const gz_site *site;
	const gz_search_opts *o;
	gz_outputs *out;
	size_t n, ngroups, nfiles;
	uint64_t *hashes;       /* text_hash by id */
	uint64_t *dhashes;      /* doc_hash by id */
	uint64_t docs_key;      /* of the site's fields and dhashes */
	filerec *files;         /* this build's, as the record keeps them */
	bool *made;             /* files[i] was written (not kept) */
	/* full */
	chunk *chunks;
	size_t nchunks;
	/* incremental */
	const gz_search_record *old;
	bool *redo_group;
	size_t nredo;           /* groups to make again (redo_group) */
	change *chg;
	size_t nchg, chgcap;
	size_t *shard_chg;      /* [SHARDS + 1]: changes of shard k */
	char **patched;         /* [SHARDS]: new bytes, or NULL: keep */
	size_t *patched_len;
	atomic_bool failed;
} ctx;

static void file_path(char *buf, size_t size, size_t fi)
{
	if (fi == 0)
		snprintf(buf, size, "search/docs.json");
	else if (fi <= GZ_SEARCH_SHARDS)
		snprintf(buf, size, "search/idx/%02zx.json", fi - 1);
	else
		snprintf(buf, size, "search/text/%zu.bin", fi - 1 - GZ_SEARCH_SHARDS);
}

static void emit(ctx *c, size_t fi, char *data, size_t len, const char *origin)
{
	char path[64];

	file_path(path, sizeof(path), fi);
	c->files[fi].hash = fast_hash(0, data, len);
	c->files[fi].len = len;
	c->made[fi] = true;
	gz_outputs_add(c->out, path, data, len, origin);
}

/* Keep the last build's file fi when it is in place as recorded. */
static bool keep_file(ctx *c, size_t fi)
{
	char path[64];
	gz_buf full = GZ_BUF_INIT;
	struct stat st;
	bool ok;

	file_path(path, sizeof(path), fi);
	gz_buf_printf(&full, "%s/%s", c->o->out_dir, path);
	ok = stat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
	     (size_t)st.st_size == c->old->files[fi].len;
	gz_buf_release(&full);
	return ok;
}

static void write_text(ctx *c, size_t g)
{
	gz_buf b = GZ_BUF_INIT, t = GZ_BUF_INIT, z = GZ_BUF_INIT;
	size_t i, len;
	char *err = NULL, *data;

	gz_buf_grow(&b, 64 * 1024);
	gz_buf_putc(&b, '[');
	for (i = g * GZ_SEARCH_TEXT_GROUP; i < c->n && i < (g + 1) * GZ_SEARCH_TEXT_GROUP; i++) {
		gz_buf_clear(&t);
		gz_searchtext_full(&t, gz_search_page(c->site, i), c->site->cfg.ntax);
		if (i % GZ_SEARCH_TEXT_GROUP)
			gz_buf_puts(&b, ",\n");
		json_str(&b, t.ptr);
	}
	gz_buf_puts(&b, "]\n");
	gz_buf_release(&t);
	/* gzip: the full text is most of the index; search.js inflates it with
	 * the browser's DecompressionStream (and reads it as it is if it is not
	 * gzip, which is what is written should compression ever fail) */
	if (gz_pack_gzip(&z, b.ptr, b.len, TEXT_LEVEL, &err) == 0) {
		gz_buf_release(&b);
		b = z;
	} else {
		free(err);
		gz_buf_release(&z);
	}
	data = gz_buf_detach(&b, &len);
	emit(c, 1 + GZ_SEARCH_SHARDS + g, data, len, "search text");
}

/* The thumbnail of p's cover or, without one, of its first photo that
 * has derivatives; nothing when it has none. */
static void thumb_url(gz_buf *b, const gz_page *p)
{
	const gz_picture *pic = NULL;
	size_t i;

	if (p->cover && p->cover->pic && p->cover->pic->n)
		pic = p->cover->pic;
	for (i = 0; !pic && i < p->nphotos; i++)
		if (p->photos[i].pic && p->photos[i].pic->n)
			pic = p->photos[i].pic;
	for (i = 0; !pic && i < p->nimages; i++)
		if (p->images[i].pic && p->images[i].pic->n)
			pic = p->images[i].pic;
	if (pic)
		gz_picture_url(b, pic, 0, pic->jpeg ? GZ_IMAGE_JPEG : GZ_IMAGE_WEBP);
}

/* Section k as readers know it: a section without an _index.md title is
 * known by its folder name, which a menu entry for it names better. */
static const char *section_title(const gz_site *site, size_t k)
{
	const gz_section *s = &site->sections[k];
	size_t i;

	if (strcmp(s->title, s->name))
		return s->title;
	for (i = 0; i < site->cfg.nmenu; i++)
		if (site->cfg.menu[i].url && site->cfg.menu[i].name &&
		    !strcmp(site->cfg.menu[i].url, s->url))
			return site->cfg.menu[i].name;
	return s->title;
}

/* What docs.json is made from: the site's taxonomies and sections, and
 * each page's doc_hash in id order. */
static uint64_t docs_key(const ctx *c)
{
	const gz_site *site = c->site;
	uint64_t h = gz_hash_mix(GZ_HASH_INIT, c->n);
	size_t i, k;

	for (k = 0; k < site->cfg.ntax; k++)
		h = gz_hash_fast_str(gz_hash_fast_str(h, site->cfg.tax[k].key), site->cfg.tax[k].label);
	h = gz_hash_mix(h, site->nsections);
	for (k = 0; k < site->nsections; k++)
		h = gz_hash_fast_str(gz_hash_fast_str(h, site->sections[k].name),
				     section_title(site, k));
	for (i = 0; i < c->n; i++)
		h = gz_hash_mix(h, c->dhashes[i]);
	return h;
}

static char *make_docs(ctx *c, size_t *len)
{
	const gz_site *site = c->site;
	gz_buf b = GZ_BUF_INIT, thumb = GZ_BUF_INIT;
	size_t i, k, j;
	char ymd[16];

	gz_buf_grow(&b, c->n * 192 + 1024);
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
		json_str(&b, section_title(site, k));
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
		gz_buf_putc(&b, ',');
		gz_buf_clear(&thumb);
		thumb_url(&thumb, p);
		json_str(&b, thumb.ptr);
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
	gz_buf_release(&thumb);
	return gz_buf_detach(&b, len);
}

static void write_docs(ctx *c)
{
	size_t len;
	char *data;

	/* made from the same fields as last time: the same bytes */
	if (c->old && c->old->docs_key == c->docs_key && keep_file(c, 0)) {
		c->files[0] = c->old->files[0];
		gz_outputs_keep(c->out, "search/docs.json", "search index");
		return;
	}
	data = make_docs(c, &len);

	if (c->old && c->old->files[0].len == len && c->old->files[0].hash == fast_hash(0, data, len) &&
	    keep_file(c, 0)) {
		free(data);
		c->files[0] = c->old->files[0];
		gz_outputs_keep(c->out, "search/docs.json", "search index");
		return;
	}
	emit(c, 0, data, len, "search index");
}

/* ---- a full index ------------------------------------------------------ */

typedef struct {
	const char *tok;
	uint32_t len, chunk;
	const tslot *s;
} piece;

static int cmp_piece(const void *a, const void *b)
{
	const piece *x = a, *y = b;
	int r = tokcmp(x->tok, x->len, y->tok, y->len);

	return r ? r : x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

static void merge_shard(ctx *c, size_t sh)
{
	piece *pc;
	size_t n = 0, k, i, bytes = 8;
	gz_buf b = GZ_BUF_INIT;
	char *data;
	size_t len;

	for (k = 0; k < c->nchunks; k++)
		n += c->chunks[k].shard_at[sh + 1] - c->chunks[k].shard_at[sh];
	pc = gz_malloc((n ? n : 1) * sizeof(*pc));
	n = 0;
	for (k = 0; k < c->nchunks; k++) {
		chunk *ch = &c->chunks[k];
		for (i = ch->shard_at[sh]; i < ch->shard_at[sh + 1]; i++) {
			const tslot *s = &ch->s[ch->by_shard[i]];
			pc[n].tok = ch->toks.ptr + s->tok;
			pc[n].len = s->len;
			pc[n].chunk = (uint32_t)k;
			pc[n].s = s;
			bytes += s->len + s->npost + 8;
			n++;
		}
	}
	qsort(pc, n, sizeof(*pc), cmp_piece);
	gz_buf_grow(&b, bytes);
	gz_buf_putc(&b, '{');
	for (i = 0; i < n;) {
		uint32_t prev = 0; /* last page with the token so far, + 1 */
		if (i)
			gz_buf_puts(&b, ",\n");
		gz_buf_putc(&b, '"');
		gz_buf_add(&b, pc[i].tok, pc[i].len);
		gz_buf_puts(&b, "\":\"");
		k = i;
		do {
			const tslot *s = pc[k].s;
			const char *post = c->chunks[pc[k].chunk].enc.ptr + s->post;
			if (!prev) {
				gz_buf_add(&b, post, s->npost);
			} else {
				/* the chunk's first delta counted from page 0 */
				size_t skip = varint_len(s->first + 1);
				encode_varint(&b, s->first + 1 - prev);
				gz_buf_add(&b, post + skip, s->npost - skip);
			}
			prev = s->last + 1;
			k++;
		} while (k < n && !tokcmp(pc[k].tok, pc[k].len, pc[i].tok, pc[i].len));
		gz_buf_putc(&b, '"');
		i = k;
	}
	gz_buf_puts(&b, "}\n");
	free(pc);
	data = gz_buf_detach(&b, &len);
	emit(c, 1 + sh, data, len, "search index");
}

static void full_item(size_t item, int worker, void *payload)
{
	ctx *c = payload;
	chunk *ch;
	size_t i;

	if (item >= c->nchunks) {
		write_text(c, item - c->nchunks);
		return;
	}
	ch = &c->chunks[item];
	for (i = ch->from; i < ch->to; i++) {
		const gz_page *p = gz_search_page(c->site, i);
		count_page(&ch->dt, p, c->site->cfg.ntax);
		chunk_add(ch, (uint32_t)i);
	}
	dtab_release(&ch->dt);
	memset(&ch->dt, 0, sizeof(ch->dt));
	chunk_encode(ch);
}

static void merge_item(size_t item, int worker, void *payload)
{
	ctx *c = payload;

	if (item < GZ_SEARCH_SHARDS)
		merge_shard(c, item);
	else
		write_docs(c);
}

static void lap(const char *what, double *t)
{
	gz_timing_lap("  search", what, t);
}

static void full_build(ctx *c, double *t)
{
	size_t k, per;

	/* a few chunks per thread, so the last one does not finish alone */
	c->nchunks = c->n ? (size_t)(c->o->jobs > 0 ? c->o->jobs : 1) * 8 : 0;
	if (c->nchunks > c->n)
		c->nchunks = c->n;
	per = c->nchunks ? (c->n + c->nchunks - 1) / c->nchunks : 0;
	if (per)
		c->nchunks = (c->n + per - 1) / per;
	c->chunks = gz_calloc(c->nchunks ? c->nchunks : 1, sizeof(*c->chunks));
	for (k = 0; k < c->nchunks; k++) {
		chunk_init(&c->chunks[k]);
		c->chunks[k].from = k * per;
		c->chunks[k].to = k * per + per < c->n ? k * per + per : c->n;
	}
	gz_parallel(c->nchunks + c->ngroups, c->o->jobs, full_item, c, NULL);
	lap("tokens and text", t);
	gz_parallel(GZ_SEARCH_SHARDS + 1, c->o->jobs, merge_item, c, NULL);
	lap("shards", t);
	for (k = 0; k < c->nchunks; k++)
		chunk_release(&c->chunks[k]);
	free(c->chunks);
	c->chunks = NULL;
}

/* ---- an incremental index ---------------------------------------------- */

/* The strings of a text group as write_text makes it (["…",\n"…"]). */
static bool parse_group(gz_strlist *out, const char *s, const char *end)
{
	gz_buf str = GZ_BUF_INIT;

	if (s >= end || *s++ != '[')
		return false;
	while (s < end && *s == '"') {
		gz_buf_clear(&str);
		for (s++; s < end && *s != '"'; s++) {
			if (*s != '\\') {
				gz_buf_putc(&str, *s);
				continue;
			}
			if (++s >= end)
				goto bad;
			if (*s == 'n') {
				gz_buf_putc(&str, '\n');
			} else if (*s == '"' || *s == '\\') {
				gz_buf_putc(&str, *s);
			} else if (*s == 'u' && end - s > 4) {
				char hex[5] = {s[1], s[2], s[3], s[4], 0}, *e;
				unsigned long v = strtoul(hex, &e, 16);
				if (*e || v >= 0x80)
					goto bad;
				gz_buf_putc(&str, (char)v);
				s += 4;
			} else {
				goto bad;
			}
		}
		if (s >= end)
			goto bad;
		s++;
		gz_strlist_add(out, str.ptr);
		if (end - s >= 2 && s[0] == ',' && s[1] == '\n')
			s += 2;
	}
	gz_buf_release(&str);
	return end - s == 2 && s[0] == ']' && s[1] == '\n';
bad:
	gz_buf_release(&str);
	return false;
}

/* Read back file fi of the last build; false unless it is as recorded. */
static bool read_back(ctx *c, size_t fi, gz_buf *out)
{
	char path[64];
	gz_buf full = GZ_BUF_INIT;
	bool ok;

	file_path(path, sizeof(path), fi);
	gz_buf_printf(&full, "%s/%s", c->o->out_dir, path);
	ok = gz_buf_read_file(out, full.ptr) == 0 && out->len == c->old->files[fi].len &&
	     fast_hash(0, out->ptr, out->len) == c->old->files[fi].hash;
	gz_buf_release(&full);
	return ok;
}

/* The old text of page i, from its text group (groups: those read so far). */
static bool old_text(ctx *c, size_t i, gz_strlist *groups, gz_buf *text)
{
	size_t g = i / GZ_SEARCH_TEXT_GROUP;

	if (!groups[g].n) {
		gz_buf raw = GZ_BUF_INIT, json = GZ_BUF_INIT;
		char *err = NULL;
		bool ok = read_back(c, 1 + GZ_SEARCH_SHARDS + g, &raw);
		if (ok && raw.len >= 2 && (unsigned char)raw.ptr[0] == 0x1f &&
		    (unsigned char)raw.ptr[1] == 0x8b) {
			ok = gz_pack_gunzip(&json, raw.ptr, raw.len, TEXT_MAX, &err) == 0;
			free(err);
		} else if (ok) {
			gz_buf_add(&json, raw.ptr, raw.len);
		}
		ok = ok && parse_group(&groups[g], json.ptr, json.ptr + json.len);
		gz_buf_release(&raw);
		gz_buf_release(&json);
		if (!ok)
			return false;
	}
	if (i % GZ_SEARCH_TEXT_GROUP >= groups[g].n)
		return false;
	gz_buf_puts(text, groups[g].items[i % GZ_SEARCH_TEXT_GROUP]);
	return true;
}

static void add_change(ctx *c, gz_buf *arena, const dent *e, uint32_t doc, uint32_t count)
{
	change *x;

	GZ_GROW(c->chg, c->chgcap, c->nchg + 1);
	x = &c->chg[c->nchg++];
	/* the token's offset for now; made a pointer once arena stops moving */
	x->tok = (const char *)(uintptr_t)arena->len;
	gz_buf_add(arena, e->tok, e->len);
	x->len = e->len;
	x->shard = gz_tokenize_hash(e->tok, e->len) % GZ_SEARCH_SHARDS;
	x->doc = doc;
	x->count = count;
}

/* What changes in the postings when page i's text goes from old to new
 * (either may be NULL: the page is new, or gone). */
static void diff_page(ctx *c, gz_buf *arena, uint32_t i, const char *old, const gz_page *p)
{
	dtab a, b;
	size_t k;

	dtab_init(&a);
	dtab_init(&b);
	/* folding is per character: the old text folded whole is its head and
	 * body folded one after the other */
	if (old)
		count_text(&a, old, strlen(old), "", 0);
	if (p)
		count_page(&b, p, c->site->cfg.ntax);
	for (k = 0; k < a.n; k++) {
		const dent *e = &a.e[a.used[k]], *f = dtab_lookup(&b, e->tok, e->len, e->key);
		uint32_t nc = f ? f->count : 0;
		if (nc != e->count)
			add_change(c, arena, e, i, nc);
	}
	for (k = 0; k < b.n; k++) {
		const dent *e = &b.e[b.used[k]];
		if (!dtab_lookup(&a, e->tok, e->len, e->key))
			add_change(c, arena, e, i, e->count);
	}
	dtab_release(&a);
	dtab_release(&b);
}

static int cmp_change(const void *a, const void *b)
{
	const change *x = a, *y = b;
	int r;

	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	r = tokcmp(x->tok, x->len, y->tok, y->len);
	if (r)
		return r;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

typedef struct {
	uint32_t doc, count;
} post;

/* Postings of one token with its changes (sorted by page) applied. */
static bool apply(gz_buf *b, const char *p, const char *end, const change *ch, size_t nch)
{
	post *old = NULL;
	size_t n = 0, cap = 0, i = 0, k = 0;
	uint32_t prev = 0;

	while (p < end) {
		int64_t delta = get_varint(&p, end), count = get_varint(&p, end);
		if (delta <= 0 || count < 0 || (uint64_t)prev + (uint64_t)delta > UINT32_MAX) {
			free(old);
			return false;
		}
		prev += (uint32_t)delta;
		GZ_GROW(old, cap, n + 1);
		old[n].doc = prev - 1;
		old[n].count = (uint32_t)count;
		n++;
	}
	prev = 0;
	while (i < n || k < nch) {
		uint32_t doc, count;
		if (k >= nch || (i < n && old[i].doc < ch[k].doc)) {
			doc = old[i].doc;
			count = old[i++].count;
		} else {
			doc = ch[k].doc;
			count = ch[k++].count;
			if (i < n && old[i].doc == doc)
				i++;
		}
		if (!count)
			continue;
		encode_varint(b, doc + 1 - prev);
		encode_varint(b, count);
		prev = doc + 1;
	}
	free(old);
	return true;
}

static void patch_shard(size_t item, int worker, void *payload)
{
	ctx *c = payload;
	size_t sh = c->chg[c->shard_chg[item]].shard, j = c->shard_chg[item];
	size_t jend = c->shard_chg[item + 1];
	gz_buf raw = GZ_BUF_INIT, b = GZ_BUF_INIT, pb = GZ_BUF_INIT;
	const char *p, *end;
	bool first = true;

	if (!read_back(c, 1 + sh, &raw) || raw.len < 3 || raw.ptr[0] != '{')
		goto fail;
	p = raw.ptr + 1;
	end = raw.ptr + raw.len - 2; /* before "}\n" */
	if (strcmp(end, "}\n"))
		goto fail;
	gz_buf_grow(&b, raw.len + 1024);
	gz_buf_putc(&b, '{');
	while (p < end || j < jend) {
		const char *tok = NULL, *ps = NULL, *pe = NULL;
		size_t tlen = 0, jn;
		int cmp;
		if (p < end) {
			const char *q;
			if (*p != '"')
				goto fail;
			tok = p + 1;
			q = memchr(tok, '"', (size_t)(end - tok));
			if (!q || end - q < 3 || q[1] != ':' || q[2] != '"')
				goto fail;
			tlen = (size_t)(q - tok);
			ps = q + 3;
			pe = memchr(ps, '"', (size_t)(end - ps));
			if (!pe)
				goto fail;
		}
		for (jn = j; jn < jend && c->chg[jn].len == c->chg[j].len &&
			     !memcmp(c->chg[jn].tok, c->chg[j].tok, c->chg[j].len);
		     jn++)
			;
		cmp = !tok ? 1 : j >= jend ? -1 : tokcmp(tok, tlen, c->chg[j].tok, c->chg[j].len);
		gz_buf_clear(&pb);
		if (cmp < 0) {
			gz_buf_add(&pb, ps, (size_t)(pe - ps));
		} else if (!apply(&pb, cmp ? NULL : ps, cmp ? NULL : pe, &c->chg[j], jn - j)) {
			goto fail;
		}
		if (cmp <= 0) {
			/* past the old entry: "…"(,\n)? */
			p = pe + 1;
			if (end - p >= 2 && p[0] == ',' && p[1] == '\n')
				p += 2;
			else if (p != end)
				goto fail;
		}
		if (cmp >= 0) {
			tok = c->chg[j].tok;
			tlen = c->chg[j].len;
			j = jn;
		}
		if (!pb.len)
			continue; /* the token is in no page any more */
		if (!first)
			gz_buf_puts(&b, ",\n");
		first = false;
		gz_buf_putc(&b, '"');
		gz_buf_add(&b, tok, tlen);
		gz_buf_puts(&b, "\":\"");
		gz_buf_add(&b, pb.ptr, pb.len);
		gz_buf_putc(&b, '"');
	}
	gz_buf_puts(&b, "}\n");
	c->patched[sh] = gz_buf_detach(&b, &c->patched_len[sh]);
	goto done;
fail:
	atomic_store(&c->failed, true);
	gz_buf_release(&b);
done:
	gz_buf_release(&raw);
	gz_buf_release(&pb);
}

static void hash_item(size_t item, int worker, void *payload)
{
	ctx *c = payload;
	gz_buf b = GZ_BUF_INIT;
	size_t i;

	for (i = item * 64; i < c->n && i < item * 64 + 64; i++) {
		const gz_page *p = gz_search_page(c->site, i);
		/* title and body were hashed with the parse, so no body is read
		 * for this; the rest of the head is short */
		uint64_t h = p->has_parse_hashes ? p->search_text_hash : gz_page_search_text_hash(p);
		gz_buf_clear(&b);
		gz_searchtext_head(&b, p, c->site->cfg.ntax);
		c->hashes[i] = fast_hash(h, b.ptr, b.len);
		h = p->has_parse_hashes ? p->search_doc_hash
					: gz_page_search_doc_hash(p, c->site->cfg.ntax);
		gz_buf_clear(&b);
		thumb_url(&b, p);
		c->dhashes[i] = fast_hash(h, b.ptr, b.len);
	}
	gz_buf_release(&b);
}

/* The item-th text group to make again; one item past them, the docs. */
static void text_item(size_t item, int worker, void *payload)
{
	ctx *c = payload;
	size_t g, seen = 0;

	if (item == c->nredo) {
		write_docs(c);
		return;
	}

	/* item-th group to redo */
	for (g = 0; g < c->ngroups; g++)
		if (c->redo_group[g] && seen++ == item) {
			write_text(c, g);
			return;
		}
}

/* Patch the last build's index; false (nothing added to the outputs) when
 * too much changed or its files are not as recorded. */
static bool incremental(ctx *c, gz_search_stats *st, double *t)
{
	const gz_search_record *old = c->old;
	size_t lo = old->ndocs < c->n ? old->ndocs : c->n, hi = old->ndocs > c->n ? old->ndocs : c->n;
	size_t i, k, nchanged = 0, nshards = 0, nredo = 0, old_groups = ngroups_of(old->ndocs);
	gz_strlist *groups;
	gz_buf arena = GZ_BUF_INIT, text = GZ_BUF_INIT;
	bool ok = true;

	for (i = 0; i < hi; i++)
		if (i >= lo || c->hashes[i] != old->docs[i])
			nchanged++;
	/* past this, patching costs about what indexing everything does */
	if (nchanged > c->n / 4 + 8)
		return false;
	groups = gz_calloc(old_groups ? old_groups : 1, sizeof(*groups));
	c->redo_group = gz_calloc(c->ngroups ? c->ngroups : 1, sizeof(*c->redo_group));
	for (i = 0; i < hi && ok; i++) {
		if (i < lo && c->hashes[i] == old->docs[i])
			continue;
		gz_buf_clear(&text);
		if (i < old->ndocs && !old_text(c, i, groups, &text)) {
			ok = false;
			break;
		}
		diff_page(c, &arena, (uint32_t)i, i < old->ndocs ? text.ptr : NULL,
			  i < c->n ? gz_search_page(c->site, i) : NULL);
		if (i < c->n)
			c->redo_group[i / GZ_SEARCH_TEXT_GROUP] = true;
	}
	for (k = 0; k < old_groups; k++)
		gz_strlist_release(&groups[k]);
	free(groups);
	gz_buf_release(&text);
	if (!ok) {
		goto cleanup;
	}
	for (k = 0; k < c->nchg; k++)
		c->chg[k].tok = arena.ptr + (uintptr_t)c->chg[k].tok;
	if (c->nchg)
		qsort(c->chg, c->nchg, sizeof(*c->chg), cmp_change);
	/* the runs of changes by shard */
	c->shard_chg = gz_malloc((GZ_SEARCH_SHARDS + 1) * sizeof(*c->shard_chg));
	for (k = 0; k < c->nchg; k++)
		if (!k || c->chg[k].shard != c->chg[k - 1].shard)
			c->shard_chg[nshards++] = k;
	c->shard_chg[nshards] = c->nchg;
	c->patched = gz_calloc(GZ_SEARCH_SHARDS, sizeof(*c->patched));
	c->patched_len = gz_calloc(GZ_SEARCH_SHARDS, sizeof(*c->patched_len));
	gz_parallel(nshards, c->o->jobs, patch_shard, c, NULL);
	ok = !atomic_load(&c->failed);
	/* every file not made again must be in place */
	for (k = 0; ok && k < GZ_SEARCH_SHARDS; k++)
		ok = c->patched[k] || keep_file(c, 1 + k);
	for (k = 0; ok && k < c->ngroups; k++)
		ok = c->redo_group[k] || keep_file(c, 1 + GZ_SEARCH_SHARDS + k);
	if (!ok) {
		for (k = 0; k < GZ_SEARCH_SHARDS; k++)
			free(c->patched[k]);
		goto cleanup;
	}
	lap("patch", t);
	for (k = 0; k < GZ_SEARCH_SHARDS; k++) {
		char path[64];
		if (c->patched[k]) {
			emit(c, 1 + k, c->patched[k], c->patched_len[k], "search index");
			continue;
		}
		c->files[1 + k] = old->files[1 + k];
		file_path(path, sizeof(path), 1 + k);
		gz_outputs_keep(c->out, path, "search index");
	}
	for (k = 0; k < c->ngroups; k++) {
		char path[64];
		if (c->redo_group[k]) {
			nredo++;
			continue;
		}
		c->files[1 + GZ_SEARCH_SHARDS + k] = old->files[1 + GZ_SEARCH_SHARDS + k];
		file_path(path, sizeof(path), 1 + GZ_SEARCH_SHARDS + k);
		gz_outputs_keep(c->out, path, "search text");
	}
	c->nredo = nredo;
	gz_parallel(nredo + 1, c->o->jobs, text_item, c, NULL);
	lap("text", t);
	st->incremental = true;
	st->changed = nchanged;
	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing:   search incremental: %zu pages changed, %zu shards and %zu text groups made again\n",
			nchanged, nshards, nredo);
cleanup:
	free(c->patched);
	free(c->patched_len);
	free(c->shard_chg);
	free(c->chg);
	free(c->redo_group);
	c->patched = NULL;
	c->patched_len = NULL;
	c->shard_chg = NULL;
	c->chg = NULL;
	c->nchg = c->chgcap = 0;
	c->redo_group = NULL;
	gz_buf_release(&arena);
	return ok;
}

void gz_search_build(gz_outputs *out, const gz_site *site, const gz_search_opts *o,
		     gz_search_record **rec, gz_diag *d, gz_search_stats *st)
{
	ctx c;
	gz_search_record *old = NULL, *r;
	double t = 0;
	size_t i;

	memset(st, 0, sizeof(*st));
	memset(&c, 0, sizeof(c));
	atomic_init(&c.failed, false);
	c.site = site;
	c.o = o;
	c.out = out;
	c.n = gz_search_count(site);
	c.ngroups = ngroups_of(c.n);
	c.nfiles = 1 + GZ_SEARCH_SHARDS + c.ngroups;
	c.files = gz_calloc(c.nfiles, sizeof(*c.files));
	c.made = gz_calloc(c.nfiles, sizeof(*c.made));
	c.hashes = gz_malloc((c.n ? c.n : 1) * sizeof(*c.hashes));
	c.dhashes = gz_malloc((c.n ? c.n : 1) * sizeof(*c.dhashes));
	lap(NULL, &t);
	if (o->record && !o->full && record_load(&old, o->record) < 0)
		gz_diag_warn(d, o->record, 0, 0,
			     "not a record gazette wrote (damaged?); indexing every page for search");
	/* from here on it no longer describes the output folder */
	if (o->record)
		unlink(o->record);
	gz_parallel((c.n + 63) / 64, o->jobs, hash_item, &c, NULL);
	c.docs_key = docs_key(&c);
	lap("hashes", &t);
	c.old = old;
	if (!old || !o->out_dir || !incremental(&c, st, &t)) {
		c.old = NULL;
		memset(c.made, 0, c.nfiles * sizeof(*c.made));
		full_build(&c, &t);
	}
	r = gz_calloc(1, sizeof(*r));
	r->ndocs = c.n;
	r->docs_key = c.docs_key;
	r->docs = c.hashes;
	r->nfiles = c.nfiles;
	r->files = c.files;
	*rec = r;
	for (i = 0; i < c.nfiles; i++) {
		if (c.made[i])
			st->written++;
		else
			st->kept++;
	}
	free(c.made);
	free(c.dhashes);
	gz_search_record_free(old);
}
