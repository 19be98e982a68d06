#include "search/postings.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "load/searchtext.h"
#include "base/tokenize.h"
/*
 * A 64-bit hash eight bytes at a step, for change detection like hash.h
 * (FNV-1a, a byte at a step, is too slow for every page's text on every
 * build). Not for security: a collision only makes a build keep a file.
 */
uint64_t gz_search_hash(uint64_t h, const void *data, size_t len)
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

void gz_varint_add(gz_buf *b, uint32_t v)
{
	gz_buf_grow(b, 8);
	b->len += put_varint(b->ptr + b->len, v);
	b->ptr[b->len] = '\0';
}

size_t gz_varint_len(uint32_t v)
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
int64_t gz_varint_get(const char **p, const char *end)
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

/* The bytes gz_json_str stops at: controls (NUL ends the string), '"',
 * '\\' and '<'. A table, as every page's whole text goes through it. */
static const unsigned char json_special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1, ['<'] = 1,
};

void gz_json_add(gz_buf *b, const char *s)
{
	for (s = s ? s : "";;) {
		const char *run = s;
		unsigned char c;
		while (!json_special[(unsigned char)*s])
			s++;
		gz_buf_add(b, run, (size_t)(s - run));
		c = (unsigned char)*s++;
		if (!c)
			break;
		if (c == '"' || c == '\\') {
			gz_buf_putc(b, '\\');
			gz_buf_putc(b, (char)c);
		} else if (c == '\n') {
			gz_buf_puts(b, "\\n");
		} else if (c < 0x20) {
			gz_buf_printf(b, "\\u%04x", c);
		} else {
			gz_buf_puts(b, "\\u003c"); /* '<': harmless if ever inlined in HTML */
		}
	}
}

void gz_json_str(gz_buf *b, const char *s)
{
	gz_buf_putc(b, '"');
	gz_json_add(b, s);
	gz_buf_putc(b, '"');
}

/* Byte order of tokens in a shard (shorter first on a common prefix). */
int gz_tokcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);

	return r ? r : alen < blen ? -1 : alen > blen;
}


static inline size_t tok_pos(uint64_t key, size_t len, int bits)
{
	return (size_t)(((key ^ ((uint64_t)len << 58)) * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

void gz_dtab_init(gz_dtab *t)
{
	memset(t, 0, sizeof(*t));
	gz_buf_init(&t->fold, 0);
	gz_buf_init(&t->head, 0);
	t->bits = 12;
	t->cap = (size_t)1 << t->bits;
	t->e = gz_calloc(t->cap, sizeof(*t->e));
	/* never more filled than half the table: room for them is made with it */
	t->used = gz_malloc(t->cap / 2 * sizeof(*t->used));
}

void gz_dtab_release(gz_dtab *t)
{
	free(t->e);
	free(t->used);
	gz_buf_release(&t->fold);
	gz_buf_release(&t->head);
}

/* Empty it again (only what was filled is touched). */
static void dtab_reset(gz_dtab *t)
{
	size_t k;

	for (k = 0; k < t->n; k++)
		t->e[t->used[k]].len = 0;
	t->n = 0;
}

/* The entry of the token, or the empty one where it belongs. Inline: it
 * is called for every token of every page. */
__attribute__((always_inline)) static inline gz_dent *dtab_find(gz_dtab *t, const char *tok, size_t len, uint64_t key)
{
	size_t i = tok_pos(key, len, t->bits);

	for (;;) {
		gz_dent *e = &t->e[i];
		if (!e->len || (e->key == key && e->len == len &&
				(len <= 8 || !memcmp(e->tok, tok, len))))
			return e;
		i = (i + 1) & (t->cap - 1);
	}
}

static void dtab_grow(gz_dtab *t)
{
	gz_dent *old = t->e;
	size_t k;

	t->bits++;
	t->cap = (size_t)1 << t->bits;
	t->e = gz_calloc(t->cap, sizeof(*t->e));
	t->used = gz_realloc(t->used, t->cap / 2 * sizeof(*t->used));
	for (k = 0; k < t->n; k++) {
		gz_dent *e = dtab_find(t, old[t->used[k]].tok, old[t->used[k]].len, old[t->used[k]].key);
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
		return gz_search_hash(0, t, len);
	memcpy(&k, t, 8);
	return len == 8 ? k : k & ((1ULL << (8 * len)) - 1);
}

__attribute__((always_inline)) static inline void count_token(const char *tok, size_t len,
								void *payload)
{
	gz_dtab *t = payload;
	uint64_t key = tok_key(tok, len);
	gz_dent *e = dtab_find(t, tok, len, key);

	if (!e->len) {
		if ((t->n + 1) * 2 > t->cap) {
			dtab_grow(t);
			e = dtab_find(t, tok, len, key);
		}
		e->key = key;
		e->len = (uint32_t)len;
		e->count = 0;
		e->tok = tok;
		t->used[t->n++] = (uint32_t)(e - t->e);
	}
	e->count += t->weight;
}

/* Count the tokens of one page's text, given as its head and its body,
 * into t, emptied first. Folding keeps the part separators as they are. */
void gz_dtab_count_text(gz_dtab *t, const char *head, size_t hlen, const char *body, size_t blen)
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
		gz_tokenize_each(s, (size_t)(sep - s), false, count_token, t);
		s = sep + 1;
	}
	t->weight = 1;
	gz_tokenize_each(s, (size_t)(end - s), false, count_token, t);
}

/* Count page p's tokens into t. */
void gz_dtab_count_page(gz_dtab *t, const gz_page *p, size_t ntax)
{
	gz_buf_clear(&t->head);
	gz_searchtext_head(&t->head, p, ntax);
	gz_dtab_count_text(t, t->head.ptr, t->head.len, p->plain ? p->plain : "",
		   p->plain ? strlen(p->plain) : 0);
}

const gz_dent *gz_dtab_lookup(gz_dtab *t, const char *tok, size_t len, uint64_t key)
{
	const gz_dent *e = dtab_find(t, tok, len, key);

	return e->len ? e : NULL;
}

void gz_chunk_init(gz_chunk *ch)
{
	memset(ch, 0, sizeof(*ch));
	gz_dtab_init(&ch->dt);
	ch->bits = 13;
	ch->cap = (size_t)1 << ch->bits;
	ch->idx = gz_calloc(ch->cap, sizeof(*ch->idx));
}

void gz_chunk_release(gz_chunk *ch)
{
	gz_dtab_release(&ch->dt);
	free(ch->s);
	free(ch->idx);
	free(ch->raw);
	free(ch->by_shard);
	gz_buf_release(&ch->toks);
	gz_buf_release(&ch->enc);
}

/* Inline: called for every token of every page. */
__attribute__((always_inline)) static inline gz_cent *chunk_find(gz_chunk *ch, const char *tok, size_t len, uint64_t key)
{
	size_t i = tok_pos(key, len, ch->bits);

	for (;;) {
		gz_cent *e = &ch->idx[i];
		if (!e->len || (e->key == key && e->len == len &&
				(len <= 8 || !memcmp(ch->toks.ptr + ch->s[e->slot].tok, tok, len))))
			return e;
		i = (i + 1) & (ch->cap - 1);
	}
}

static void chunk_grow(gz_chunk *ch)
{
	gz_cent *old = ch->idx;
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
void gz_chunk_add(gz_chunk *ch, uint32_t doc)
{
	gz_dtab *t = &ch->dt;
	size_t k;

	GZ_GROW(ch->raw, ch->rcap, ch->nraw + t->n);
	for (k = 0; k < t->n; k++) {
		const gz_dent *d = &t->e[t->used[k]];
		gz_cent *e = chunk_find(ch, d->tok, d->len, d->key);
		gz_rawpost *r;
		if (!e->len) {
			gz_tslot *s;
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
void gz_chunk_encode(gz_chunk *ch)
{
	size_t *at = gz_calloc(ch->ns + 1, sizeof(*at)), k, nraw = ch->nraw;
	gz_rawpost *sorted = gz_malloc((nraw ? nraw : 1) * sizeof(*sorted));

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
			gz_tslot *s = &ch->s[k];
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
	/* kept beside every other chunk's until the shards are merged: without
	 * the room of the bound above, which is five times what most need */
	ch->enc.ptr = gz_realloc(ch->enc.ptr, ch->enc.len + 1);
	ch->enc.cap = ch->enc.len + 1;
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
