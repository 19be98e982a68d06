#include "load/pageentry.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

#define MAX_DEPTH 100

uint64_t gz_pageentry_sum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ len, b = 0xbf58476d1ce4e5b9ULL, c = 0x94d049bb133111ebULL,
		 e = 0x2545f4914f6cdd1dULL, w[4];
	size_t i;

	for (i = 0; i + 32 <= len; i += 32) {
		memcpy(w, p + i, 32);
		a = (a ^ w[0]) * 0xff51afd7ed558ccdULL;
		b = (b ^ w[1]) * 0xc4ceb9fe1a85ec53ULL;
		c = (c ^ w[2]) * 0xff51afd7ed558ccdULL;
		e = (e ^ w[3]) * 0xc4ceb9fe1a85ec53ULL;
		a ^= a >> 29;
		b ^= b >> 31;
		c ^= c >> 29;
		e ^= e >> 31;
	}
	memset(w, 0, sizeof(w));
	memcpy(w, p + i, len - i);
	a = (a ^ w[0] ^ (b << 1)) * 0xff51afd7ed558ccdULL;
	c = (c ^ w[1] ^ (e << 1)) * 0xc4ceb9fe1a85ec53ULL;
	a = (a ^ w[2] ^ (c >> 7)) * 0xff51afd7ed558ccdULL;
	a = (a ^ w[3] ^ b ^ e) * 0xc4ceb9fe1a85ec53ULL;
	return a ^ (a >> 32);
}

static void put_value(gz_buf *b, const gz_value *v)
{
	size_t i;

	gz_bin_put_u32(b, (uint32_t)v->type | (v->quoted ? 0x100u : 0) | (v->keys ? 0x200u : 0));
	gz_bin_put_u32(b, (uint32_t)v->line);
	gz_bin_put_u32(b, (uint32_t)v->col);
	gz_bin_put_cstr(b, v->str);
	gz_bin_put_u32(b, (uint32_t)v->n);
	for (i = 0; i < v->n; i++) {
		if (v->keys)
			gz_bin_put_cstr(b, v->keys[i]);
		put_value(b, v->items[i]);
	}
}

static void put_photo(gz_buf *b, const gz_photo *ph)
{
	gz_bin_put_cstr(b, ph->file);
	gz_bin_put_cstr(b, ph->url);
	gz_bin_put_cstr(b, ph->ref);
	gz_bin_put_cstr(b, ph->alt);
	gz_bin_put_cstr(b, ph->title);
	gz_bin_put_cstr(b, ph->caption);
	gz_bin_put_cstr(b, ph->credit);
	gz_bin_put_u32(b, (uint32_t)ph->line);
	gz_bin_put_u32(b, (uint32_t)ph->col);
}


void gz_pageentry_put_stamp(gz_buf *b, const gz_source_stamp *st)
{
	gz_bin_put_u64(b, st->dev);
	gz_bin_put_u64(b, st->ino);
	gz_bin_put_u64(b, st->size);
	gz_bin_put_u64(b, (uint64_t)st->mtime_ns);
	gz_bin_put_u64(b, (uint64_t)st->ctime_ns);
}

static char *get_str(gz_bin_reader *r, size_t *len)
{
	size_t n;
	const char *s = gz_bin_peek_str(r, &n);

	if (len)
		*len = n;
	return s ? gz_strndup(s, n) : NULL;
}

/*
 * The front matter of a hit as one allocation: the entry gives how many
 * nodes and item slots the tree takes (counted when it was written), and
 * one pass fills the block, each step bounded by the entry's end and the
 * block's. Its strings are the entry's own (NUL-terminated there, and kept
 * as long as the page, like its body). Ten thousand pages of a dozen
 * fields each would otherwise be a hundred thousand small allocations, and
 * as many copies, on every build.
 */
typedef struct {
	uint64_t nodes, slots;
} tree_size;

typedef struct {
	gz_value *node, *node_end;
	void **slot, **slot_end;
} tree_block;

static void count_value(const gz_value *v, tree_size *ts)
{
	size_t i;

	ts->nodes++;
	ts->slots += v->keys ? 2 * v->n : v->n;
	for (i = 0; i < v->n; i++)
		count_value(v->items[i], ts);
}

/* A string of the entry, in place (a tree's strings are never written). */
static char *entry_str(gz_bin_reader *r)
{
	size_t len;

	return (char *)gz_bin_peek_str(r, &len);
}

static gz_value *fill_value(gz_bin_reader *r, tree_block *tb, int depth)
{
	uint32_t flags = gz_bin_get_u32(r), i, n;
	gz_value *v = tb->node;

	if (r->bad || depth > MAX_DEPTH || (flags & 0xff) > GZ_MAP || v == tb->node_end) {
		r->bad = true;
		return NULL;
	}
	tb->node++;
	memset(v, 0, sizeof(*v));
	v->type = (gz_vtype)(flags & 0xff);
	v->quoted = (flags & 0x100u) != 0;
	v->line = (int)gz_bin_get_u32(r);
	v->col = (int)gz_bin_get_u32(r);
	v->str = entry_str(r);
	n = gz_bin_get_u32(r);
	if (r->bad || (size_t)(tb->slot_end - tb->slot) < ((flags & 0x200u) ? 2 * (size_t)n : n)) {
		r->bad = true;
		return NULL;
	}
	if (n) {
		v->items = (gz_value **)tb->slot;
		tb->slot += n;
		if (flags & 0x200u) {
			v->keys = (char **)tb->slot;
			tb->slot += n;
		}
	}
	for (i = 0; i < n; i++) {
		if (v->keys && !(v->keys[i] = entry_str(r)))
			r->bad = true;
		if (r->bad || !(v->items[i] = fill_value(r, tb, depth + 1))) {
			r->bad = true;
			return NULL;
		}
		v->n = i + 1;
	}
	return v;
}

static gz_value *get_tree(gz_bin_reader *r)
{
	tree_size ts;
	tree_block tb;
	char *block;
	size_t left = (size_t)(r->end - r->p);

	ts.nodes = gz_bin_get_u64(r);
	ts.slots = gz_bin_get_u64(r);
	/* a node takes 16 bytes of the entry and a slot 4 at least: counts
	 * beyond that are not an entry gazette wrote */
	if (r->bad || !ts.nodes || ts.nodes > left / 16 || ts.slots > left / 4) {
		r->bad = true;
		return NULL;
	}
	block = gz_malloc(ts.nodes * sizeof(gz_value) + ts.slots * sizeof(void *));
	tb.node = (gz_value *)(void *)block;
	tb.node_end = tb.node + ts.nodes;
	tb.slot = (void **)(void *)(block + ts.nodes * sizeof(gz_value));
	tb.slot_end = tb.slot + ts.slots;
	if (!fill_value(r, &tb, 0) || r->bad) {
		free(block);
		r->bad = true;
		return NULL;
	}
	((gz_value *)(void *)block)->block = true;
	return (gz_value *)(void *)block;
}

void gz_pageentry_get_stamp(gz_bin_reader *r, gz_source_stamp *st)
{
	memset(st, 0, sizeof(*st));
	st->dev = gz_bin_get_u64(r);
	st->ino = gz_bin_get_u64(r);
	st->size = gz_bin_get_u64(r);
	st->mtime_ns = (long long)gz_bin_get_u64(r);
	st->ctime_ns = (long long)gz_bin_get_u64(r);
}

static void get_photo(gz_bin_reader *r, gz_photo *ph)
{
	memset(ph, 0, sizeof(*ph));
	ph->file = get_str(r, NULL);
	ph->url = get_str(r, NULL);
	ph->ref = get_str(r, NULL);
	ph->alt = get_str(r, NULL);
	ph->title = get_str(r, NULL);
	ph->caption = get_str(r, NULL);
	ph->credit = get_str(r, NULL);
	ph->line = (int)gz_bin_get_u32(r);
	ph->col = (int)gz_bin_get_u32(r);
}

static void clear_parsed(gz_page *p)
{
	gz_value_free(p->fm);
	free(p->section);
	free(p->slug);
	free(p->url);
	free(p->out);
	free(p->dir);
	free(p->summary);
	gz_page_release_body(p);
	gz_page_release_images(p);
	p->fm = NULL;
	p->section = p->slug = p->url = p->out = p->dir = p->summary = NULL;
	p->chars = 0;
	p->bundle = p->is_index = false;
}

/* Does every probe still find what the parse found? */
static bool probes_hold(gz_bin_reader *r, gz_source *src)
{
	uint32_t i, n = gz_bin_get_u32(r);
	gz_buf path = GZ_BUF_INIT;
	bool ok = !r->bad;

	for (i = 0; i < n && ok; i++) {
		size_t len;
		const char *s = gz_bin_peek_str(r, &len);
		bool was = gz_bin_get_u32(r) != 0;
		if (r->bad || !s) {
			r->bad = true;
			break;
		}
		gz_buf_clear(&path);
		gz_buf_add(&path, s, len);
		ok = gz_source_exists(src, path.ptr) == was;
	}
	gz_buf_release(&path);
	return ok && !r->bad;
}

/* Is s one of the body's own bytes? */
static bool in_body(const char *s, const char *body, size_t len)
{
	return s && (uintptr_t)s >= (uintptr_t)body && (uintptr_t)s < (uintptr_t)(body + len);
}

/* The body's three strings, as the head gives their lengths: pointers
 * into body, found without reading it (most of a build's hits are never
 * rendered, and reading every body would map the whole pack). With check,
 * each one's length and end are read too. NULL if they do not fit. */
static const char *body_str(const char **at, const char *end, uint32_t n, bool check)
{
	const char *s = *at + 4;
	uint32_t was;

	if (n == GZ_BIN_NO_STR || (size_t)(end - *at) < 5 || (size_t)(end - s) <= n)
		return NULL;
	if (check) {
		memcpy(&was, *at, 4);
		if (was != n || s[n])
			return NULL;
	}
	*at = s + n + 1;
	return s;
}

int gz_pageentry_decode(const char *head, size_t hlen, const char *body, size_t blen, bool check,
			gz_source *src, gz_page *p, gz_page_hashes *h)
{
	gz_bin_reader r = {head, head + hlen, false};
	uint32_t flags, i, n, lens[3];
	const char *at = body, *end = body + blen;

	if (!probes_hold(&r, src))
		return r.bad ? -1 : 0;
	p->fm = get_tree(&r);
	p->section = get_str(&r, NULL);
	p->slug = get_str(&r, NULL);
	p->url = get_str(&r, NULL);
	p->out = get_str(&r, NULL);
	p->dir = get_str(&r, NULL);
	flags = gz_bin_get_u32(&r);
	p->bundle = (flags & 1) != 0;
	p->is_index = (flags & 2) != 0;
	h->plain = gz_bin_get_u64(&r);
	h->fields = gz_bin_get_u64(&r);
	h->search_text = gz_bin_get_u64(&r);
	h->search_doc = gz_bin_get_u64(&r);
	h->search_head = gz_bin_get_u64(&r);
	h->parsed = true;
	p->chars = (size_t)gz_bin_get_u64(&r);
	p->summary = get_str(&r, NULL);
	n = gz_bin_get_u32(&r);
	if (!r.bad && n > (size_t)(r.end - r.p) / 24)
		r.bad = true;
	if (!r.bad && n) {
		p->images = gz_calloc(n, sizeof(*p->images));
		for (i = 0; i < n && !r.bad; i++) {
			get_photo(&r, &p->images[i]);
			p->nimages = i + 1;
		}
	}
	for (i = 0; i < 3; i++)
		lens[i] = gz_bin_get_u32(&r);
	if (!r.bad && r.p != r.end)
		r.bad = true;
	/* the body's text stays in the map: most pages of a build are not
	 * rendered again, and copying it would cost more than the rest of a
	 * hit (the photo stage rewrites a body with images: that one is a copy) */
	if (!r.bad) {
		p->html = (char *)body_str(&at, end, lens[0], check);
		p->html_len = lens[0];
		p->plain = p->html ? (char *)body_str(&at, end, lens[1], check) : NULL;
		p->doc = p->plain ? (char *)body_str(&at, end, lens[2], check) : NULL;
		if (!p->doc || at != end)
			r.bad = true;
	}
	if (!r.bad && p->nimages && p->html)
		p->html = gz_strndup(p->html, p->html_len);
	if (r.bad || !p->fm || !p->section || !p->dir || !p->url || !p->out || !p->html ||
	    !p->plain || !p->doc || !p->summary) {
		/* what points into the entry is not the page's to free */
		if (in_body(p->html, body, blen))
			p->html = NULL;
		if (in_body(p->plain, body, blen))
			p->plain = NULL;
		if (in_body(p->doc, body, blen))
			p->doc = NULL;
		clear_parsed(p);
		h->plain = h->fields = h->search_text = h->search_doc = h->search_head = 0;
		h->parsed = false;
		return -1;
	}
	return 1;
}

/* A body string's length as the head keeps it. */
static uint32_t str_len(const char *s, size_t len)
{
	return s ? (uint32_t)len : GZ_BIN_NO_STR;
}

size_t gz_pageentry_encode(gz_buf *b, const gz_page *p, const gz_page_hashes *h,
			   char *const *probes, const bool *exists, size_t nprobes, size_t at[3])
{
	size_t i, head;

	gz_bin_put_u32(b, (uint32_t)nprobes);
	for (i = 0; i < nprobes; i++) {
		gz_bin_put_cstr(b, probes[i]);
		gz_bin_put_u32(b, exists[i] ? 1 : 0);
	}
	{
		tree_size ts = {0, 0};
		count_value(p->fm, &ts);
		gz_bin_put_u64(b, ts.nodes);
		gz_bin_put_u64(b, ts.slots);
	}
	put_value(b, p->fm);
	gz_bin_put_cstr(b, p->section);
	gz_bin_put_cstr(b, p->slug);
	gz_bin_put_cstr(b, p->url);
	gz_bin_put_cstr(b, p->out);
	gz_bin_put_cstr(b, p->dir);
	gz_bin_put_u32(b, (p->bundle ? 1u : 0) | (p->is_index ? 2u : 0));
	gz_bin_put_u64(b, h->plain);
	gz_bin_put_u64(b, h->fields);
	gz_bin_put_u64(b, h->search_text);
	gz_bin_put_u64(b, h->search_doc);
	gz_bin_put_u64(b, h->search_head);
	gz_bin_put_u64(b, p->chars);
	gz_bin_put_cstr(b, p->summary);
	gz_bin_put_u32(b, (uint32_t)p->nimages);
	for (i = 0; i < p->nimages; i++)
		put_photo(b, &p->images[i]);
	gz_bin_put_u32(b, str_len(p->html, p->html_len));
	gz_bin_put_u32(b, str_len(p->plain, p->plain ? strlen(p->plain) : 0));
	gz_bin_put_u32(b, str_len(p->doc, p->doc ? strlen(p->doc) : 0));
	head = b->len;
	/* the body's text last: a hit checks the head at once, the text on
	 * a thread of its own (gz_pagecache_verify_start) */
	at[0] = b->len + 4;
	gz_bin_put_str(b, p->html, p->html_len);
	at[1] = b->len + 4;
	gz_bin_put_cstr(b, p->plain);
	at[2] = b->len + 4;
	gz_bin_put_cstr(b, p->doc);
	return head;
}
