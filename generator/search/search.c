#include "search/index.h"

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
#include "base/i18n.h"
#include "write/pack.h"
#include "model/photos.h"
#include "base/pool.h"
#include "load/searchtext.h"
#include "base/tokenize.h"
#include "load/pagecache.h"

size_t gz_search_count(const gz_site *site)
{
	return site->npages + site->nstandalone;
}

const gz_page *gz_search_page(const gz_site *site, size_t id)
{
	return id < site->npages ? site->pages[id] : site->standalone[id - site->npages];
}

void gz_search_file_path(char *buf, size_t size, size_t fi)
{
	if (fi == 0)
		snprintf(buf, size, "search/docs.json");
	else if (fi <= GZ_SEARCH_SHARDS)
		snprintf(buf, size, "search/idx/%02zx.json", fi - 1);
	else
		snprintf(buf, size, "search/text/%zu.bin", fi - 1 - GZ_SEARCH_SHARDS);
}

void gz_search_emit(gz_search_ctx *c, size_t fi, char *data, size_t len, const char *origin)
{
	char path[64];

	gz_search_file_path(path, sizeof(path), fi);
	c->files[fi].hash = gz_search_hash(0, data, len);
	c->files[fi].len = len;
	c->made[fi] = true;
	gz_outputs_add(c->out, path, data, len, origin);
}

/* Keep the last build's file fi when it is in place as recorded. */
bool gz_search_keep_file(gz_search_ctx *c, size_t fi)
{
	char path[64];
	gz_buf full = GZ_BUF_INIT;
	struct stat st;
	bool ok;

	gz_search_file_path(path, sizeof(path), fi);
	gz_buf_printf(&full, "%s/%s", c->o->out_dir, path);
	ok = stat(full.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
	     (size_t)st.st_size == c->old->files[fi].len;
	gz_buf_release(&full);
	return ok;
}

void gz_search_write_text(gz_search_ctx *c, size_t g)
{
	gz_buf b = GZ_BUF_INIT, t = GZ_BUF_INIT, z = GZ_BUF_INIT;
	size_t i, len;
	char *data;

	gz_buf_grow(&b, 64 * 1024);
	gz_buf_putc(&b, '[');
	for (i = g * GZ_SEARCH_TEXT_GROUP; i < c->n && i < (g + 1) * GZ_SEARCH_TEXT_GROUP; i++) {
		const gz_page *p = gz_search_page(c->site, i);
		gz_buf_clear(&t);
		gz_searchtext_head(&t, p, c->site->cfg.ntax);
		if (i % GZ_SEARCH_TEXT_GROUP)
			gz_buf_puts(&b, ",\n");
		/* gz_searchtext_full's string, escaped in its two parts: the
		 * body is not copied behind the head first */
		gz_buf_putc(&b, '"');
		gz_json_add(&b, t.ptr);
		gz_json_add(&b, p->plain);
		gz_buf_putc(&b, '"');
	}
	gz_buf_puts(&b, "]\n");
	gz_buf_release(&t);
	/* gzip: the full text is most of the index; search.js inflates it with
	 * the browser's DecompressionStream (and reads it as it is if it is not
	 * gzip, which is what is written should compression ever fail) */
	if (gz_pack_gzip(&z, b.ptr, b.len, GZ_SEARCH_TEXT_LEVEL, NULL, NULL) == 0) {
		gz_buf_release(&b);
		b = z;
	} else {
		gz_buf_release(&z);
	}
	data = gz_buf_detach(&b, &len);
	gz_search_emit(c, 1 + GZ_SEARCH_SHARDS + g, data, len, "search text");
}

/* The thumbnail of p's cover or, without one, of its first photo that
 * has derivatives; nothing when it has none. */
void gz_search_thumb_url(gz_buf *b, const gz_page *p)
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
static uint64_t docs_key(const gz_search_ctx *c)
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

static char *make_docs(gz_search_ctx *c, size_t *len)
{
	const gz_site *site = c->site;
	gz_buf b = GZ_BUF_INIT, thumb = GZ_BUF_INIT;
	size_t i, k, j;
	char ymd[16];

	gz_buf_grow(&b, c->n * 192 + 1024);
	gz_buf_puts(&b, "{\"fields\":[");
	for (k = 0; k < site->cfg.ntax; k++) {
		gz_buf_puts(&b, k ? ",{\"key\":" : "{\"key\":");
		gz_json_str(&b, site->cfg.tax[k].key);
		gz_buf_puts(&b, ",\"label\":");
		gz_json_str(&b, site->cfg.tax[k].label);
		gz_buf_putc(&b, '}');
	}
	gz_buf_puts(&b, "],\n\"sections\":[");
	for (k = 0; k < site->nsections; k++) {
		gz_buf_puts(&b, k ? ",[" : "[");
		gz_json_str(&b, site->sections[k].name);
		gz_buf_putc(&b, ',');
		gz_json_str(&b, section_title(site, k));
		gz_buf_putc(&b, ']');
	}
	gz_buf_puts(&b, "],\n\"docs\":[\n");
	for (i = 0; i < c->n; i++) {
		const gz_page *p = gz_search_page(site, i);
		gz_buf_puts(&b, i ? ",\n[" : "[");
		gz_json_str(&b, p->url);
		gz_buf_putc(&b, ',');
		gz_json_str(&b, p->title);
		gz_buf_putc(&b, ',');
		if (p->has_date) {
			gz_date_ymd(ymd, &p->date);
			gz_json_str(&b, ymd);
		} else {
			gz_json_str(&b, "");
		}
		gz_buf_putc(&b, ',');
		gz_json_str(&b, p->section);
		gz_buf_putc(&b, ',');
		gz_buf_clear(&thumb);
		gz_search_thumb_url(&thumb, p);
		gz_json_str(&b, thumb.ptr);
		for (k = 0; k < site->cfg.ntax; k++) {
			const gz_strlist *v = &p->tax_values[k];
			gz_buf_puts(&b, ",[");
			for (j = 0; j < v->n; j++) {
				if (j)
					gz_buf_putc(&b, ',');
				gz_json_str(&b, v->items[j]);
			}
			gz_buf_putc(&b, ']');
		}
		gz_buf_putc(&b, ']');
	}
	gz_buf_puts(&b, "\n]}\n");
	gz_buf_release(&thumb);
	return gz_buf_detach(&b, len);
}

void gz_search_write_docs(gz_search_ctx *c)
{
	size_t len;
	char *data;

	/* made from the same fields as last time: the same bytes */
	if (c->old && c->old->docs_key == c->docs_key && gz_search_keep_file(c, 0)) {
		c->files[0] = c->old->files[0];
		gz_outputs_keep(c->out, "search/docs.json", "search index");
		return;
	}
	data = make_docs(c, &len);

	if (c->old && c->old->files[0].len == len && c->old->files[0].hash == gz_search_hash(0, data, len) &&
	    gz_search_keep_file(c, 0)) {
		free(data);
		c->files[0] = c->old->files[0];
		gz_outputs_keep(c->out, "search/docs.json", "search index");
		return;
	}
	gz_search_emit(c, 0, data, len, "search index");
}

/* ---- a full index ------------------------------------------------------ */

typedef struct {
	const char *tok;
	uint32_t len, chunk;
	const gz_tslot *s;
} piece;

static int cmp_piece(const void *a, const void *b)
{
	const piece *x = a, *y = b;
	int r = gz_tokcmp(x->tok, x->len, y->tok, y->len);

	return r ? r : x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

static void merge_shard(gz_search_ctx *c, size_t sh)
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
		gz_chunk *ch = &c->chunks[k];
		for (i = ch->shard_at[sh]; i < ch->shard_at[sh + 1]; i++) {
			const gz_tslot *s = &ch->s[ch->by_shard[i]];
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
			const gz_tslot *s = pc[k].s;
			const char *post = c->chunks[pc[k].chunk].enc.ptr + s->post;
			if (!prev) {
				gz_buf_add(&b, post, s->npost);
			} else {
				/* the chunk's first delta counted from page 0 */
				size_t skip = gz_varint_len(s->first + 1);
				gz_varint_add(&b, s->first + 1 - prev);
				gz_buf_add(&b, post + skip, s->npost - skip);
			}
			prev = s->last + 1;
			k++;
		} while (k < n && !gz_tokcmp(pc[k].tok, pc[k].len, pc[i].tok, pc[i].len));
		gz_buf_putc(&b, '"');
		i = k;
	}
	gz_buf_puts(&b, "}\n");
	free(pc);
	data = gz_buf_detach(&b, &len);
	gz_search_emit(c, 1 + sh, data, len, "search index");
}

static void full_item(size_t item, int worker, void *payload)
{
	gz_search_ctx *c = payload;
	gz_chunk *ch;
	size_t i;

	if (item >= c->nchunks) {
		gz_search_write_text(c, item - c->nchunks);
		/* the pages' text read so far is not needed in memory any more */
		if ((item - c->nchunks) % 16 == 15)
			gz_pagecache_shed(c->site->cache);
		return;
	}
	ch = &c->chunks[item];
	for (i = ch->from; i < ch->to; i++) {
		const gz_page *p = gz_search_page(c->site, i);
		gz_dtab_count_page(&ch->dt, p, c->site->cfg.ntax);
		gz_chunk_add(ch, (uint32_t)i);
	}
	gz_dtab_release(&ch->dt);
	memset(&ch->dt, 0, sizeof(ch->dt));
	gz_pagecache_shed(c->site->cache);
	gz_chunk_encode(ch);
}

static void merge_item(size_t item, int worker, void *payload)
{
	gz_search_ctx *c = payload;

	if (item < GZ_SEARCH_SHARDS)
		merge_shard(c, item);
	else
		gz_search_write_docs(c);
}

void gz_search_lap(const char *what, double *t)
{
	gz_timing_lap("  search", what, t);
}

/* Pages of a chunk at most (a few megabytes of raw postings). */
#define CHUNK_PAGES 256

static void full_build(gz_search_ctx *c, double *t)
{
	size_t k, per;

	/* a few chunks per thread, so the last one does not finish alone, and
	 * none longer than CHUNK_PAGES: a chunk's raw postings, its biggest
	 * part, are in memory together only while it is made */
	c->nchunks = c->n ? (size_t)(c->o->jobs > 0 ? c->o->jobs : 1) * 8 : 0;
	if (c->nchunks < c->n / CHUNK_PAGES)
		c->nchunks = c->n / CHUNK_PAGES;
	if (c->nchunks > c->n)
		c->nchunks = c->n;
	per = c->nchunks ? (c->n + c->nchunks - 1) / c->nchunks : 0;
	if (per)
		c->nchunks = (c->n + per - 1) / per;
	c->chunks = gz_calloc(c->nchunks ? c->nchunks : 1, sizeof(*c->chunks));
	for (k = 0; k < c->nchunks; k++) {
		gz_chunk_init(&c->chunks[k]);
		c->chunks[k].from = k * per;
		c->chunks[k].to = k * per + per < c->n ? k * per + per : c->n;
	}
	gz_parallel(c->nchunks + c->ngroups, c->o->jobs, full_item, c, NULL);
	gz_search_lap("tokens and text", t);
	gz_parallel(GZ_SEARCH_SHARDS + 1, c->o->jobs, merge_item, c, NULL);
	gz_search_lap("shards", t);
	for (k = 0; k < c->nchunks; k++)
		gz_chunk_release(&c->chunks[k]);
	free(c->chunks);
	c->chunks = NULL;
}

static void hash_item(size_t item, int worker, void *payload)
{
	gz_search_ctx *c = payload;
	gz_buf b = GZ_BUF_INIT;
	size_t i;

	for (i = item * 64; i < c->n && i < item * 64 + 64; i++) {
		const gz_page *p = gz_search_page(c->site, i);
		const gz_page_hashes *ph = &gz_site_state(c->site, p)->load;
		gz_page_hashes own;
		/* a parse hashed the page's text and fields, so neither is read
		 * for this; a hook's page is hashed now */
		if (!ph->parsed) {
			own = *ph;
			gz_page_search_hashes(&own, p, c->site->cfg.ntax);
			ph = &own;
		}
		c->hashes[i] = gz_hash_mix(ph->search_text, ph->search_head);
		gz_buf_clear(&b);
		gz_search_thumb_url(&b, p);
		c->dhashes[i] = gz_search_hash(ph->search_doc, b.ptr, b.len);
	}
	gz_buf_release(&b);
}

/* The item-th text group to make again; one item past them, the docs. */

void gz_search_build(gz_outputs *out, const gz_site *site, const gz_search_opts *o,
		     gz_search_record **rec, gz_diag *d, gz_search_stats *st)
{
	gz_search_ctx c;
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
	c.ngroups = gz_search_ngroups(c.n);
	c.nfiles = 1 + GZ_SEARCH_SHARDS + c.ngroups;
	c.files = gz_calloc(c.nfiles, sizeof(*c.files));
	c.made = gz_calloc(c.nfiles, sizeof(*c.made));
	c.hashes = gz_malloc((c.n ? c.n : 1) * sizeof(*c.hashes));
	c.dhashes = gz_malloc((c.n ? c.n : 1) * sizeof(*c.dhashes));
	gz_search_lap(NULL, &t);
	if (o->record && !o->full && gz_search_record_load(&old, o->record) < 0)
		gz_diag_warn(d, o->record, 0, 0,
			     _("not a record gazette wrote (damaged?); indexing every page for search"));
	/* from here on it no longer describes the output folder */
	if (o->record)
		unlink(o->record);
	gz_parallel((c.n + 63) / 64, o->jobs, hash_item, &c, NULL);
	c.docs_key = docs_key(&c);
	gz_search_lap("hashes", &t);
	c.old = old;
	if (!old || !o->out_dir || !gz_search_incremental(&c, st, &t)) {
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
