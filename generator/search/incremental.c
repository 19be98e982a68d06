#include "search/index.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/pool.h"
#include "base/tokenize.h"
#include "write/pack.h"

/* The strings of a text group as gz_search_write_text makes it (["…",\n"…"]). */
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
static bool read_back(gz_search_ctx *c, size_t fi, gz_buf *out)
{
	char path[64];
	gz_buf full = GZ_BUF_INIT;
	bool ok;

	gz_search_file_path(path, sizeof(path), fi);
	gz_buf_printf(&full, "%s/%s", c->o->out_dir, path);
	ok = gz_buf_read_file(out, full.ptr) == 0 && out->len == c->old->files[fi].len &&
	     gz_search_hash(0, out->ptr, out->len) == c->old->files[fi].hash;
	gz_buf_release(&full);
	return ok;
}

/* The old text of page i, from its text group (groups: those read so far). */
static bool old_text(gz_search_ctx *c, size_t i, gz_strlist *groups, gz_buf *text)
{
	size_t g = i / GZ_SEARCH_TEXT_GROUP;

	if (!groups[g].n) {
		gz_buf raw = GZ_BUF_INIT, json = GZ_BUF_INIT;
		bool ok = read_back(c, 1 + GZ_SEARCH_SHARDS + g, &raw);
		if (ok && raw.len >= 2 && (unsigned char)raw.ptr[0] == 0x1f &&
		    (unsigned char)raw.ptr[1] == 0x8b) {
			ok = gz_pack_gunzip(&json, raw.ptr, raw.len, GZ_SEARCH_TEXT_MAX, NULL, NULL) == 0;
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

static void add_change(gz_search_ctx *c, gz_buf *arena, const gz_dent *e, uint32_t doc, uint32_t count)
{
	gz_search_change *x;

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
static void diff_page(gz_search_ctx *c, gz_buf *arena, uint32_t i, const char *old, const gz_page *p)
{
	gz_dtab a, b;
	size_t k;

	gz_dtab_init(&a);
	gz_dtab_init(&b);
	/* folding is per character: the old text folded whole is its head and
	 * body folded one after the other */
	if (old)
		gz_dtab_count_text(&a, old, strlen(old), "", 0);
	if (p)
		gz_dtab_count_page(&b, p, c->site->cfg.ntax);
	for (k = 0; k < a.n; k++) {
		const gz_dent *e = &a.e[a.used[k]], *f = gz_dtab_lookup(&b, e->tok, e->len, e->key);
		uint32_t nc = f ? f->count : 0;
		if (nc != e->count)
			add_change(c, arena, e, i, nc);
	}
	for (k = 0; k < b.n; k++) {
		const gz_dent *e = &b.e[b.used[k]];
		if (!gz_dtab_lookup(&a, e->tok, e->len, e->key))
			add_change(c, arena, e, i, e->count);
	}
	gz_dtab_release(&a);
	gz_dtab_release(&b);
}

static int cmp_change(const void *a, const void *b)
{
	const gz_search_change *x = a, *y = b;
	int r;

	if (x->shard != y->shard)
		return x->shard < y->shard ? -1 : 1;
	r = gz_tokcmp(x->tok, x->len, y->tok, y->len);
	if (r)
		return r;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

typedef struct {
	uint32_t doc, count;
} post;

/* Postings of one token with its changes (sorted by page) applied. */
static bool apply(gz_buf *b, const char *p, const char *end, const gz_search_change *ch, size_t nch)
{
	post *old = NULL;
	size_t n = 0, cap = 0, i = 0, k = 0;
	uint32_t prev = 0;

	while (p < end) {
		int64_t delta = gz_varint_get(&p, end), count = gz_varint_get(&p, end);
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
		gz_varint_add(b, doc + 1 - prev);
		gz_varint_add(b, count);
		prev = doc + 1;
	}
	free(old);
	return true;
}

static void patch_shard(size_t item, int worker, void *payload)
{
	gz_search_ctx *c = payload;
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
		cmp = !tok ? 1 : j >= jend ? -1 : gz_tokcmp(tok, tlen, c->chg[j].tok, c->chg[j].len);
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

static void text_item(size_t item, int worker, void *payload)
{
	gz_search_ctx *c = payload;
	size_t g, seen = 0;

	if (item == c->nredo) {
		gz_search_write_docs(c);
		return;
	}

	/* item-th group to redo */
	for (g = 0; g < c->ngroups; g++)
		if (c->redo_group[g] && seen++ == item) {
			gz_search_write_text(c, g);
			return;
		}
}

/* Patch the last build's index; false (nothing added to the outputs) when
 * too much changed or its files are not as recorded. */
bool gz_search_incremental(gz_search_ctx *c, gz_search_stats *st, double *t)
{
	const gz_search_record *old = c->old;
	size_t lo = old->ndocs < c->n ? old->ndocs : c->n, hi = old->ndocs > c->n ? old->ndocs : c->n;
	size_t i, k, nchanged = 0, nshards = 0, nredo = 0, old_groups = gz_search_ngroups(old->ndocs);
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
		ok = c->patched[k] || gz_search_keep_file(c, 1 + k);
	for (k = 0; ok && k < c->ngroups; k++)
		ok = c->redo_group[k] || gz_search_keep_file(c, 1 + GZ_SEARCH_SHARDS + k);
	if (!ok) {
		for (k = 0; k < GZ_SEARCH_SHARDS; k++)
			free(c->patched[k]);
		goto cleanup;
	}
	gz_search_lap("patch", t);
	for (k = 0; k < GZ_SEARCH_SHARDS; k++) {
		char path[64];
		if (c->patched[k]) {
			gz_search_emit(c, 1 + k, c->patched[k], c->patched_len[k], "search index");
			continue;
		}
		c->files[1 + k] = old->files[1 + k];
		gz_search_file_path(path, sizeof(path), 1 + k);
		gz_outputs_keep(c->out, path, "search index");
	}
	for (k = 0; k < c->ngroups; k++) {
		char path[64];
		if (c->redo_group[k]) {
			nredo++;
			continue;
		}
		c->files[1 + GZ_SEARCH_SHARDS + k] = old->files[1 + GZ_SEARCH_SHARDS + k];
		gz_search_file_path(path, sizeof(path), 1 + GZ_SEARCH_SHARDS + k);
		gz_outputs_keep(c->out, path, "search text");
	}
	c->nredo = nredo;
	gz_parallel(nredo + 1, c->o->jobs, text_item, c, NULL);
	gz_search_lap("text", t);
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
