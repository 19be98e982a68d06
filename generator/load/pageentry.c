#include "load/pageentry.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "load/pagefm.h"

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

static void put_date(gz_buf *b, const gz_date *dt)
{
	gz_bin_put_u32(b, (uint32_t)dt->year);
	gz_bin_put_u32(b, (uint32_t)dt->month);
	gz_bin_put_u32(b, (uint32_t)dt->day);
	gz_bin_put_u32(b, (uint32_t)dt->hour);
	gz_bin_put_u32(b, (uint32_t)dt->min);
	gz_bin_put_u32(b, (uint32_t)dt->sec);
	gz_bin_put_u32(b, (uint32_t)dt->tz_minutes);
	gz_bin_put_u32(b, dt->has_time ? 1 : 0);
	gz_bin_put_u64(b, (uint64_t)dt->key);
}

/* What the page's load made of its front matter (page.c's load_fields),
 * for a page whose load said nothing and that has no photos: a hit then
 * takes them as they are and leaves the tree unread. */
static void put_fields(gz_buf *b, const gz_page *p)
{
	size_t t, i;

	gz_bin_put_cstr(b, p->title);
	gz_bin_put_cstr(b, p->author);
	gz_bin_put_cstr(b, p->source);
	gz_bin_put_cstr(b, p->reprint);
	gz_bin_put_cstr(b, p->layout);
	gz_bin_put_u32(b, (uint32_t)p->layout_line);
	gz_bin_put_u32(b, (uint32_t)p->layout_col);
	gz_bin_put_u32(b, (uint32_t)p->status);
	gz_bin_put_u32(b, (p->has_date ? 1u : 0) | (p->has_updated ? 2u : 0) | (p->featured ? 4u : 0));
	put_date(b, &p->date);
	put_date(b, &p->updated);
	gz_bin_put_u32(b, (uint32_t)p->ntax);
	for (t = 0; t < p->ntax; t++) {
		gz_bin_put_u32(b, (uint32_t)p->tax_values[t].n);
		for (i = 0; i < p->tax_values[t].n; i++)
			gz_bin_put_cstr(b, p->tax_values[t].items[i]);
	}
}

void gz_pageentry_put_stamp(gz_buf *b, const gz_source_stamp *st)
{
	gz_bin_put_u64(b, st->dev);
	gz_bin_put_u64(b, st->ino);
	gz_bin_put_u64(b, st->size);
	gz_bin_put_u64(b, (uint64_t)st->mtime_ns);
	gz_bin_put_u64(b, (uint64_t)st->ctime_ns);
}

/* A string of the entry, in place: the page's fields and place are lent
 * to it, like its body (gz_pagecache_take_back). */
static char *entry_str(gz_bin_reader *r)
{
	size_t len;

	return (char *)gz_bin_peek_str(r, &len);
}

static char *get_str(gz_bin_reader *r, size_t *len)
{
	size_t n;
	const char *s = gz_bin_peek_str(r, &n);

	if (len)
		*len = n;
	return s ? gz_strndup(s, n) : NULL;
}

static void count_value(const gz_value *v, gz_pagefm_size *ts)
{
	size_t i;

	ts->nodes++;
	ts->slots += v->keys ? 2 * v->n : v->n;
	for (i = 0; i < v->n; i++)
		count_value(v->items[i], ts);
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

static void get_date(gz_bin_reader *r, gz_date *dt)
{
	dt->year = (int)gz_bin_get_u32(r);
	dt->month = (int)gz_bin_get_u32(r);
	dt->day = (int)gz_bin_get_u32(r);
	dt->hour = (int)gz_bin_get_u32(r);
	dt->min = (int)gz_bin_get_u32(r);
	dt->sec = (int)gz_bin_get_u32(r);
	dt->tz_minutes = (int)gz_bin_get_u32(r);
	dt->has_time = gz_bin_get_u32(r) != 0;
	dt->key = (int64_t)gz_bin_get_u64(r);
}

/* The page's term names, in one block laid out as page.c's load_terms
 * lays it out: the lists, their items, the names. */
static void get_terms(gz_bin_reader *r, gz_page *p)
{
	gz_bin_reader first;
	uint32_t ntax = gz_bin_get_u32(r), t, i, n;
	size_t items = 0, bytes = 0, len;
	char **slot, *byte;

	/* each list takes four bytes of the entry at least */
	if (r->bad || ntax > (size_t)(r->end - r->p) / 4) {
		r->bad = true;
		return;
	}
	first = *r;
	for (t = 0; t < ntax && !r->bad; t++) {
		n = gz_bin_get_u32(r);
		for (i = 0; i < n && !r->bad; i++) {
			if (!gz_bin_peek_str(r, &len))
				r->bad = true;
			items++;
			bytes += len + 1;
		}
	}
	if (r->bad)
		return;
	*r = first;
	p->ntax = ntax;
	p->tax_values = gz_calloc(1, (ntax ? ntax : 1) * sizeof(*p->tax_values) +
					     items * sizeof(char *) + bytes);
	slot = (char **)(void *)(p->tax_values + (ntax ? ntax : 1));
	byte = (char *)(slot + items);
	for (t = 0; t < ntax; t++) {
		gz_strlist *l = &p->tax_values[t];
		n = gz_bin_get_u32(r);
		l->items = slot;
		for (i = 0; i < n; i++) {
			const char *s = gz_bin_peek_str(r, &len);
			memcpy(byte, s, len + 1);
			l->items[l->n++] = byte;
			byte += len + 1;
		}
		l->cap = l->n;
		slot += l->n;
	}
}

static void get_fields(gz_bin_reader *r, gz_page *p)
{
	uint32_t bits;

	p->title = entry_str(r);
	p->author = entry_str(r);
	p->source = entry_str(r);
	p->reprint = entry_str(r);
	p->layout = entry_str(r);
	p->layout_line = (int)gz_bin_get_u32(r);
	p->layout_col = (int)gz_bin_get_u32(r);
	p->status = (gz_status)gz_bin_get_u32(r);
	if (p->status != GZ_PUBLISHED && p->status != GZ_REVIEW && p->status != GZ_DRAFT)
		r->bad = true;
	bits = gz_bin_get_u32(r);
	p->has_date = (bits & 1) != 0;
	p->has_updated = (bits & 2) != 0;
	p->featured = (bits & 4) != 0;
	get_date(r, &p->date);
	get_date(r, &p->updated);
	get_terms(r, p);
}

/* Is s one of the len bytes at block (the entry's head or body)? */
static bool within(const char *s, const char *block, size_t len)
{
	return s && (uintptr_t)s >= (uintptr_t)block && (uintptr_t)s < (uintptr_t)(block + len);
}

void gz_pageentry_let_go(gz_page *p, const char *head, size_t hlen, bool free_own)
{
	char **lent[] = {&p->title, &p->author, &p->source, &p->reprint, &p->layout, &p->section,
			 &p->slug,  &p->url,    &p->out,    &p->dir,     &p->summary};
	size_t i;

	for (i = 0; i < sizeof(lent) / sizeof(*lent); i++) {
		if (within(*lent[i], head, hlen))
			*lent[i] = NULL;
		else if (free_own) {
			free(*lent[i]);
			*lent[i] = NULL;
		}
	}
}

/* A decode that failed leaves p as it was: what it filled is dropped (a
 * string of the head is the entry's, not freed). */
static void clear_parsed(gz_page *p, const char *head, size_t hlen)
{
	gz_pageentry_let_go(p, head, hlen, true);
	gz_value_free(p->fm);
	free(p->tax_values);
	gz_page_release_body(p);
	gz_page_release_images(p);
	p->fm = NULL;
	p->fm_at = NULL;
	p->fm_len = 0;
	p->tax_values = NULL;
	p->ntax = 0;
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
	uint32_t flags, fields, i, n, lens[3];
	uint64_t tree;
	const char *at = body, *end = body + blen;

	if (!probes_hold(&r, src))
		return r.bad ? -1 : 0;
	fields = gz_bin_get_u32(&r);
	if (fields > 1)
		r.bad = true;
	else if (fields)
		get_fields(&r, p);
	tree = gz_bin_get_u64(&r);
	if (r.bad || tree > (size_t)(r.end - r.p)) {
		r.bad = true;
	} else if (fields) {
		/* read when first asked for (gz_page_fm) */
		p->fm_at = r.p;
		p->fm_len = (size_t)tree;
		r.p += tree;
	} else {
		const char *from = r.p;
		p->fm = gz_pagefm_read(&r);
		if (!r.bad && (size_t)(r.p - from) != tree)
			r.bad = true;
	}
	p->section = entry_str(&r);
	p->slug = entry_str(&r);
	p->url = entry_str(&r);
	p->out = entry_str(&r);
	p->dir = entry_str(&r);
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
	/* a load without the fields may put the front matter's in its place */
	p->summary = fields ? entry_str(&r) : get_str(&r, NULL);
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
	if (r.bad || (!p->fm && !p->fm_at) || !p->section || !p->dir || !p->url || !p->out || !p->html ||
	    !p->plain || !p->doc || !p->summary) {
		/* what points into the entry is not the page's to free */
		if (within(p->html, body, blen))
			p->html = NULL;
		if (within(p->plain, body, blen))
			p->plain = NULL;
		if (within(p->doc, body, blen))
			p->doc = NULL;
		clear_parsed(p, head, hlen);
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

size_t gz_pageentry_encode(gz_buf *b, const gz_page *p, const gz_page_hashes *h, bool fields,
			   char *const *probes, const bool *exists, size_t nprobes, size_t at[3])
{
	size_t i, head;

	gz_bin_put_u32(b, (uint32_t)nprobes);
	for (i = 0; i < nprobes; i++) {
		gz_bin_put_cstr(b, probes[i]);
		gz_bin_put_u32(b, exists[i] ? 1 : 0);
	}
	gz_bin_put_u32(b, fields ? 1 : 0);
	if (fields)
		put_fields(b, p);
	{
		gz_pagefm_size ts = {0, 0};
		size_t at_len = b->len;
		uint64_t n;
		count_value(p->fm, &ts);
		gz_bin_put_u64(b, 0);
		gz_bin_put_u64(b, ts.nodes);
		gz_bin_put_u64(b, ts.slots);
		put_value(b, p->fm);
		/* the tree's length, so that a hit with its fields can pass it */
		n = b->len - at_len - 8;
		memcpy(b->ptr + at_len, &n, 8);
	}
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
