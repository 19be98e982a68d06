#include "model/site.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/program.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "load/pagefm.h"
#include "write/deps.h"
#include "load/markdown.h"
#include "load/pagecache.h"
#include "base/pool.h"
#include "base/text.h"

#define MAX_RELATED 5
/* A term on more pages than this offers a page as candidates only the ones
 * nearest it on the term's list (by date): a tag on every other story would
 * otherwise make the lists quadratic in the site. Each candidate is then
 * scored by every term it shares, so a page found through a rare term still
 * counts the common ones. */
#define RELATED_WINDOW 256
/* the related lists' file (related.bin, below) and its key */
#define RELATED_MAGIC "GZRL"

typedef struct {
	gz_site *site;
	gz_strlist *paths;
	gz_diag *d;
	gz_page_filter *filters; /* one per worker, or NULL */
	const gz_page_filters *pf;
	gz_pagecache *cache;
	bool keep_going;
	atomic_size_t skipped;   /* pages not read: a filter ran away */
} load_job;

static void load_one(size_t i, int worker, void *payload)
{
	load_job *j = payload;
	gz_page *p = gz_calloc(1, sizeof(*p));
	gz_page_state *st = &j->site->state[i];
	size_t k;

	/* a filter that looped on one page would loop on every other, each
	 * for the whole of its limit: the build fails on the first */
	if (j->filters && !j->keep_going && j->pf->stopped && j->pf->stopped(j->pf->payload)) {
		p->path = gz_strdup(j->paths->items[i]);
		p->broken = true;
		atomic_fetch_add(&j->skipped, 1);
	} else {
		gz_page_load(p, &st->load, &j->site->cfg, j->site->src, j->paths->items[i],
			     j->filters ? &j->filters[worker] : NULL, j->cache, j->d);
	}
	/* --keep-going: a page a hook fails on is left out, with warnings */
	for (k = 0; k < p->nhook_errors; k++) {
		const gz_md_error *e = &p->hook_errors[k];
		if (e->line)
			gz_diag_add(j->d, j->keep_going ? GZ_WARNING : GZ_ERROR, p->path, e->line, 1,
				    "%s%s", e->msg,
				    j->keep_going ? _(" (page left out: --keep-going)") : "");
		else
			gz_diag_add_placed(j->d, j->keep_going ? GZ_WARNING : GZ_ERROR, p->path,
					   "%s%s", e->msg,
					   j->keep_going ? _(" (page left out: --keep-going)") : "");
		p->broken = true;
	}
	p->id = i;
	/* here, on the load's cores, while the page is in the cache: link_terms
	 * fills them on one */
	if (p->tax_values)
		gz_page_alloc_terms(p, j->site->cfg.ntax);
	st->path = gz_hash_str(GZ_HASH_INIT, p->path);
	j->site->all[i] = p;
	/* what the hits read of the cache's pack is not needed in memory */
	if (i % 256 == 255)
		gz_pagecache_shed(j->cache);
}

static int cmp_newest(const void *a, const void *b)
{
	const gz_page *x = *(gz_page *const *)a, *y = *(gz_page *const *)b;

	if (x->date.key != y->date.key)
		return x->date.key > y->date.key ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int cmp_terms(const void *a, const void *b)
{
	const gz_term *x = *(gz_term *const *)a, *y = *(gz_term *const *)b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

gz_section *gz_site_section(const gz_site *site, const char *name)
{
	size_t i;

	for (i = 0; i < site->nsections; i++)
		if (!strcmp(site->sections[i].name, name))
			return &site->sections[i];
	return NULL;
}

static gz_section *add_section(gz_site *site, const char *name, size_t *cap)
{
	gz_section *s = gz_site_section(site, name);
	gz_buf b = GZ_BUF_INIT;

	if (s)
		return s;
	GZ_GROW(site->sections, *cap, site->nsections + 1);
	s = &site->sections[site->nsections++];
	memset(s, 0, sizeof(*s));
	s->name = gz_strdup(name);
	s->title = gz_strdup(name);
	gz_buf_printf(&b, "/%s/", name);
	s->url = gz_buf_detach(&b, NULL);
	return s;
}

static gz_term *slug_term(gz_site *site, size_t t, const char *name, size_t *caps);

/* A spelling that names no term (by_name's value for it). */
static gz_term no_term;

/* The term a page's value names: most values recur on many pages, so each
 * spelling is slugified once. */
static gz_term *get_term(gz_site *site, size_t t, const char *name, size_t *caps)
{
	gz_taxonomy *tx = &site->tax[t];
	gz_term *term = gz_map_get(&tx->by_name, name);

	if (term)
		return term == &no_term ? NULL : term;
	term = slug_term(site, t, name, caps);
	gz_strlist_add(&tx->names, name);
	gz_map_put(&tx->by_name, tx->names.items[tx->names.n - 1], term ? term : &no_term);
	return term;
}

static gz_term *slug_term(gz_site *site, size_t t, const char *name, size_t *caps)
{
	gz_taxonomy *tx = &site->tax[t];
	gz_buf slug = GZ_BUF_INIT, url = GZ_BUF_INIT;
	gz_term *term;

	gz_slugify(&slug, name);
	if (!slug.len) {
		gz_buf_release(&slug);
		return NULL;
	}
	term = gz_map_get(&tx->by_slug, slug.ptr);
	if (term) {
		gz_buf_release(&slug);
		return term;
	}
	term = gz_calloc(1, sizeof(*term));
	term->name = gz_strdup(name);
	term->slug = gz_buf_detach(&slug, NULL);
	term->slug_hash = gz_hash_str(GZ_HASH_INIT, term->slug);
	term->name_hash = gz_hash_str(GZ_HASH_INIT, term->name);
	term->tax = t;
	gz_buf_printf(&url, "%s%s/", tx->url, term->slug);
	term->url = gz_buf_detach(&url, NULL);
	GZ_GROW(tx->terms, caps[t], tx->n + 1);
	tx->terms[tx->n++] = term;
	gz_map_put(&tx->by_slug, term->slug, term);
	return term;
}

/* What the related lists are made from, hashed: the constants, then each
 * page's path and terms (related_key_page), page by page in site order.
 * link_terms hashes a page as it links it, while its memory is at hand: a
 * pass of its own chased four pointers a page, most of them cache misses. */
static uint64_t related_key_start(const gz_site *site)
{
	uint64_t h = gz_hash_u64(gz_hash_add(GZ_HASH_INIT, RELATED_MAGIC, 4), MAX_RELATED);

	h = gz_hash_u64(h, RELATED_WINDOW);
	h = gz_hash_u64(h, gz_program_hash());
	return gz_hash_u64(h, site->npages);
}

/* a step a number: byte-at-a-time FNV over 160,000 of them took 3 ms */
static uint64_t related_key_page(uint64_t h, const gz_site *site, const gz_page *p)
{
	size_t t, k;

	h = gz_hash_mix(h, site->state[p->id].path);
	for (t = 0; t < site->cfg.ntax; t++) {
		h = gz_hash_mix(h, p->nterms[t]);
		for (k = 0; k < p->nterms[t]; k++)
			h = gz_hash_mix(h, p->terms[t][k]->slug_hash);
	}
	return h;
}

static void link_terms(gz_site *site)
{
	uint64_t rk = related_key_start(site);
	size_t i, t, k, ntax = site->cfg.ntax;
	size_t *caps = gz_calloc(ntax ? ntax : 1, sizeof(*caps));

	site->tax = gz_calloc(ntax ? ntax : 1, sizeof(*site->tax));
	for (t = 0; t < ntax; t++) {
		gz_buf b = GZ_BUF_INIT;
		site->tax[t].key = gz_strdup(site->cfg.tax[t].key);
		site->tax[t].label = gz_strdup(site->cfg.tax[t].label);
		gz_buf_printf(&b, "/%s/", site->tax[t].key);
		site->tax[t].url = gz_buf_detach(&b, NULL);
	}
	/* pages are newest first, so every term's list is too */
	for (i = 0; i < site->npages; i++) {
		gz_page *p = site->pages[i];
		for (t = 0; t < ntax; t++) {
			gz_strlist *vals = &p->tax_values[t];
			for (k = 0; k < vals->n; k++) {
				gz_term *term = get_term(site, t, vals->items[k], caps);
				size_t m;
				if (!term)
					continue;
				for (m = 0; m < p->nterms[t]; m++)
					if (p->terms[t][m] == term)
						break;
				if (m < p->nterms[t])
					continue; /* listed twice */
				p->terms[t][p->nterms[t]++] = term;
				GZ_GROW(term->pages, term->cap, term->n + 1);
				term->pages[term->n++] = p;
			}
		}
		rk = related_key_page(rk, site, p);
	}
	site->related_key = rk;
	for (t = 0; t < ntax; t++)
		if (site->tax[t].n)
			qsort(site->tax[t].terms, site->tax[t].n, sizeof(gz_term *), cmp_terms);
	free(caps);
}

typedef struct {
	gz_site *site;
	int **score;         /* per worker, [npages] */
	size_t **touched;    /* per worker */
	/* each page's terms, of every taxonomy, numbered across the site, as
	 * one run of tset ([at[i], at[i + 1])); mark, per worker, is set at the
	 * terms of the page being scored: counting what another page shares
	 * with it reads one short run */
	uint32_t *tset;
	size_t *at;
	unsigned char **mark;
	/* term x's pages' orders, ord[ord_at[x] .. ord_at[x + 1]), in one run the scan reads */
	uint32_t *ord;
	size_t *ord_at;
} related_job;

/* Does page a rank above page b: more shared terms, then newer? */
static bool ranks_above(const int *score, size_t a, size_t b)
{
	int sa = score[a], sb = score[b];

	return sa > sb || (sa == sb && a < b);
}

/* Where page order is among a term's n page orders (ascending: newest first). */
static size_t posting_at(const uint32_t *ord, size_t n, size_t order)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ord[mid] < order)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The part of term's list that page order scores: all of it, or for a
 * common term the RELATED_WINDOW pages around the page, kept whole at the
 * ends of the list so that every page scans the same amount. */
static void posting_window(const uint32_t *ord, size_t n, size_t order, size_t *lo, size_t *hi)
{
	size_t at;

	*lo = 0;
	*hi = n;
	if (n <= RELATED_WINDOW)
		return;
	at = posting_at(ord, n, order);
	*lo = at > RELATED_WINDOW / 2 ? at - RELATED_WINDOW / 2 : 0;
	if (*lo + RELATED_WINDOW > n)
		*lo = n - RELATED_WINDOW;
	*hi = *lo + RELATED_WINDOW;
}

/* How many terms page b shares with the page whose terms are marked. */
static int shared_terms(const related_job *j, const unsigned char *mark, size_t b)
{
	const uint32_t *y = j->tset + j->at[b], *ye = j->tset + j->at[b + 1];
	int n = 0;

	for (; y < ye; y++)
		n += mark[*y];
	return n;
}

static int cmp_term_ptr(const void *a, const void *b)
{
	const gz_term *const *x = a, *const *y = b;
	uintptr_t u = (uintptr_t)*x, v = (uintptr_t)*y;

	return u < v ? -1 : u > v;
}

/* Number every term (its place among them all by address, found by
 * bisection: gz_term has no room for it) and fill j->tset and j->at;
 * returns how many terms there are. */
static size_t term_sets(related_job *j, const gz_site *site)
{
	size_t i, t, k, n = 0, nterms = 0;
	const gz_term **all;

	for (t = 0; t < site->cfg.ntax; t++)
		nterms += site->tax[t].n;
	all = gz_malloc((nterms ? nterms : 1) * sizeof(*all));
	for (t = 0, n = 0; t < site->cfg.ntax; t++)
		for (k = 0; k < site->tax[t].n; k++)
			all[n++] = site->tax[t].terms[k];
	qsort(all, nterms, sizeof(*all), cmp_term_ptr);
	j->at = gz_malloc((site->npages + 1) * sizeof(*j->at));
	for (i = 0, n = 0; i < site->npages; i++)
		for (t = 0; t < site->cfg.ntax; t++)
			n += site->pages[i]->nterms[t];
	j->tset = gz_malloc((n ? n : 1) * sizeof(*j->tset));
	n = 0;
	for (i = 0; i < site->npages; i++) {
		const gz_page *p = site->pages[i];
		j->at[i] = n;
		for (t = 0; t < site->cfg.ntax; t++) {
			for (k = 0; k < p->nterms[t]; k++) {
				size_t lo = 0, hi = nterms;
				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;
					if ((uintptr_t)all[mid] < (uintptr_t)p->terms[t][k])
						lo = mid + 1;
					else
						hi = mid;
				}
				j->tset[n++] = (uint32_t)lo;
			}
		}
	}
	j->at[site->npages] = n;
	j->ord_at = gz_malloc((nterms + 1) * sizeof(*j->ord_at));
	for (k = 0, n = 0; k < nterms; k++)
		n += all[k]->n;
	j->ord = gz_malloc((n ? n : 1) * sizeof(*j->ord));
	for (k = 0, n = 0; k < nterms; k++) {
		j->ord_at[k] = n;
		for (i = 0; i < all[k]->n; i++)
			j->ord[n++] = (uint32_t)all[k]->pages[i]->order;
	}
	j->ord_at[nterms] = n;
	free(all);
	return nterms;
}

/* Score the pages that share a term with page i, found within each term's
 * window (at most RELATED_WINDOW a term), by every term they share: a page
 * found through one term counts all the others too, though it lies
 * outside their windows. Keep the best few. */
static void relate_one(size_t i, int worker, void *payload)
{
	related_job *j = payload;
	gz_site *site = j->site;
	gz_page *p = site->pages[i];
	int *score = j->score[worker];
	unsigned char *mark = j->mark[worker];
	size_t *touched = j->touched[worker], nt = 0, t, k, m, lo, hi;
	size_t best[MAX_RELATED];
	size_t nbest = 0;

	for (t = j->at[i]; t < j->at[i + 1]; t++) {
		const uint32_t *ord = j->ord + j->ord_at[j->tset[t]];
		posting_window(ord, j->ord_at[j->tset[t] + 1] - j->ord_at[j->tset[t]], i, &lo, &hi);
		for (m = lo; m < hi; m++) {
			size_t o = ord[m];
			if (o == i || score[o])
				continue;
			touched[nt++] = o;
			score[o] = 1;
		}
	}
	for (k = j->at[i]; k < j->at[i + 1]; k++)
		mark[j->tset[k]] = 1;
	for (k = 0; k < nt; k++)
		score[touched[k]] = shared_terms(j, mark, touched[k]);
	for (k = j->at[i]; k < j->at[i + 1]; k++)
		mark[j->tset[k]] = 0;
	/* best by score, then newest (lower order) */
	for (k = 0; k < nt; k++) {
		size_t o = touched[k], pos;
		if (nbest == MAX_RELATED) {
			if (!ranks_above(score, o, best[MAX_RELATED - 1]))
				continue;
			nbest--;
		}
		pos = nbest;
		while (pos > 0 && ranks_above(score, o, best[pos - 1])) {
			best[pos] = best[pos - 1];
			pos--;
		}
		best[pos] = o;
		nbest++;
	}
	p->related = gz_calloc(nbest ? nbest : 1, sizeof(*p->related));
	for (k = 0; k < nbest; k++)
		p->related[k] = site->pages[best[k]];
	p->nrelated = nbest;
	for (k = 0; k < nt; k++)
		score[touched[k]] = 0;
}

/*
 * Related pages depend only on which terms each page has and the order of
 * the pages, and scoring them is the costliest part of the model: the
 * lists are kept in the cache folder under a hash of exactly that, so a
 * build where no term and no date changed reads them back.
 */

static char *related_file(const gz_site *site)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s/related.bin", site->cache_dir);
	return gz_buf_detach(&b, NULL);
}

/* The lists the file holds for key, into every page; false if it holds
 * none (missing, another key, damaged: then nothing is set). */
static bool read_related(gz_site *site, uint64_t key)
{
	char *file = related_file(site), *data = NULL;
	size_t len = 0, i, k, off = 24, n = site->npages;
	uint64_t n64 = n, sum = 0;
	uint32_t *idx;
	bool ok = false;

	if (!(data = gz_file_read(file, &len))) {
		free(file);
		return false;
	}
	free(file);
	if (len >= 24 + 8)
		memcpy(&sum, data + len - 8, 8);
	if (len < 24 + 8 || memcmp(data, RELATED_MAGIC, 4) || memcmp(data + 8, &key, 8) ||
	    memcmp(data + 16, &n64, 8) ||
	    gz_hash_add(GZ_HASH_INIT, data, len - 8) != sum)
		goto done;
	for (i = 0; i < n; i++) {
		uint32_t m;
		if (off + 4 > len - 8)
			goto undo;
		memcpy(&m, data + off, 4);
		off += 4;
		if (m > MAX_RELATED || off + 4 * (size_t)m > len - 8)
			goto undo;
		site->pages[i]->related = gz_calloc(m ? m : 1, sizeof(gz_page *));
		idx = gz_calloc(m ? m : 1, sizeof(*idx));
		memcpy(idx, data + off, 4 * (size_t)m);
		off += 4 * (size_t)m;
		for (k = 0; k < m; k++) {
			if (idx[k] >= n || idx[k] == i) {
				free(idx);
				goto undo;
			}
			site->pages[i]->related[k] = site->pages[idx[k]];
		}
		site->pages[i]->nrelated = m;
		free(idx);
	}
	ok = off == len - 8;
undo:
	if (!ok) {
		for (i = 0; i < n; i++) {
			free(site->pages[i]->related);
			site->pages[i]->related = NULL;
			site->pages[i]->nrelated = 0;
		}
	}
done:
	free(data);
	return ok;
}

static void write_related(const gz_site *site)
{
	char *file = related_file(site);
	gz_buf b = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	size_t i, k;
	uint64_t h;
	FILE *f;

	gz_buf_add(&b, RELATED_MAGIC, 4);
	gz_buf_add(&b, "\0\0\0\0", 4);
	gz_buf_add(&b, &site->related_key, 8);
	h = site->npages;
	gz_buf_add(&b, &h, 8);
	for (i = 0; i < site->npages; i++) {
		const gz_page *p = site->pages[i];
		uint32_t m = (uint32_t)p->nrelated;
		gz_buf_add(&b, &m, 4);
		for (k = 0; k < p->nrelated; k++) {
			uint32_t o = (uint32_t)p->related[k]->order;
			gz_buf_add(&b, &o, 4);
		}
	}
	h = gz_hash_add(GZ_HASH_INIT, b.ptr, b.len);
	gz_buf_add(&b, &h, 8);
	mkdir(site->cache_dir, 0755);
	gz_buf_printf(&tmp, "%s.tmp", file);
	f = fopen(tmp.ptr, "wb");
	if (f) {
		if (fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0 ||
		    rename(tmp.ptr, file) < 0)
			unlink(tmp.ptr);
	}
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	free(file);
}

static void link_related(gz_site *site, int jobs)
{
	related_job j;
	size_t nterms;
	int w;

	if (!site->npages)
		return;
	if (site->cache_dir) {
		if (read_related(site, site->related_key))
			return;
		site->related_new = true;
	}
	if (jobs < 1)
		jobs = 1;
	j.site = site;
	nterms = term_sets(&j, site);
	j.score = gz_calloc((size_t)jobs, sizeof(*j.score));
	j.touched = gz_calloc((size_t)jobs, sizeof(*j.touched));
	j.mark = gz_calloc((size_t)jobs, sizeof(*j.mark));
	for (w = 0; w < jobs; w++) {
		j.score[w] = gz_calloc(site->npages, sizeof(int));
		j.touched[w] = gz_calloc(site->npages, sizeof(size_t));
		j.mark[w] = gz_calloc(nterms ? nterms : 1, 1);
	}
	gz_parallel(site->npages, jobs, relate_one, &j, NULL);
	for (w = 0; w < jobs; w++) {
		free(j.score[w]);
		free(j.touched[w]);
		free(j.mark[w]);
	}
	free(j.score);
	free(j.touched);
	free(j.mark);
	free(j.tset);
	free(j.at);
	free(j.ord);
	free(j.ord_at);
}

static void link_archives(gz_site *site)
{
	size_t i, ycap = 0, mcap = 0;

	for (i = 0; i < site->npages; i++) {
		gz_page *p = site->pages[i];
		gz_period *y = site->nyears ? &site->years[site->nyears - 1] : NULL;
		gz_period *m = site->nmonths ? &site->months[site->nmonths - 1] : NULL;
		gz_buf b = GZ_BUF_INIT;

		if (!y || y->year != p->date.year) {
			GZ_GROW(site->years, ycap, site->nyears + 1);
			y = &site->years[site->nyears++];
			memset(y, 0, sizeof(*y));
			y->year = p->date.year;
			y->pages = &site->pages[i];
			gz_buf_printf(&b, "/archive/%04d/", y->year);
			y->url = gz_buf_detach(&b, NULL);
		}
		y->n++;
		if (!m || m->year != p->date.year || m->month != p->date.month) {
			GZ_GROW(site->months, mcap, site->nmonths + 1);
			m = &site->months[site->nmonths++];
			memset(m, 0, sizeof(*m));
			m->year = p->date.year;
			m->month = p->date.month;
			m->pages = &site->pages[i];
			gz_buf_printf(&b, "/archive/%04d/%02d/", m->year, m->month);
			m->url = gz_buf_detach(&b, NULL);
		}
		m->n++;
	}
}

/* GAZETTE_TIMING=1: how long each part of the load took. */
static void lap(const char *what, double *t)
{
	gz_timing_lap("  load", what, t);
}

/* What a page's parse reads besides its own file: the program, site.yml
 * and the hooks that filter Markdown (false: pages are not cached). */
static bool cache_salt(uint64_t *out, const gz_site *site, const gz_page_filters *filters)
{
	uint64_t h = gz_hash_u64(gz_hash_u64(GZ_HASH_INIT, gz_program_hash()), site->yml_hash);

	if (filters && !filters->salt(&h, filters->payload))
		return false;
	*out = h;
	return true;
}

static void close_filters(gz_page_filter *f, const gz_page_filters *pf, int n)
{
	int w;

	for (w = 0; w < n; w++)
		pf->close(&f[w], pf->payload);
	free(f);
}

/* Open the page filters of every worker: a broken hook file is reported
 * once, and no page is loaded (every page would fail the same way).
 * Returns -1 then; else 0, with *out NULL when nothing filters Markdown. */
static int open_filters(gz_page_filter **out, const gz_page_filters *pf, int nw,
			const gz_config *cfg, gz_diag *d)
{
	gz_page_filter *f = gz_calloc((size_t)nw, sizeof(*f));
	bool any = false;
	int w, rc = 0;

	for (w = 0; w < nw; w++) {
		if (pf->open(&f[w], cfg, d, pf->payload) < 0) {
			memset(&f[w], 0, sizeof(f[w]));
			rc = -1;
			break;
		}
		any = any || f[w].hooks;
	}
	if (rc < 0 || !any) {
		close_filters(f, pf, w);
		f = NULL;
	}
	*out = f;
	return rc;
}

/* site.yml, and the files under content/: the Markdown into md, the rest
 * into site->files. */
static void read_config(gz_site *site, gz_source *src, gz_strlist *md, gz_diag *d)
{
	gz_strlist files = {0};
	char *data = NULL;
	size_t len = 0, i;

	if (gz_source_read(src, "site.yml", &data, &len) < 0)
		gz_diag_warn(d, "site.yml", 0, 0, _("no site.yml; using the defaults"));
	gz_config_load(&site->cfg, "site.yml", data, len, d);
	site->yml_hash = gz_hash_add(GZ_HASH_INIT, data ? data : "", data ? len : 0);
	free(data);

	gz_source_list(src, "content", &files);
	for (i = 0; i < files.n; i++) { /* each name moves to one list */
		size_t n = strlen(files.items[i]);
		if (n > 3 && !strcmp(files.items[i] + n - 3, ".md"))
			gz_strlist_take(md, files.items[i]);
		else
			gz_strlist_take(&site->files, files.items[i]);
	}
	free(files.items);
}

/* Every page in md into site->all, on all cores, through the page cache
 * (pre, the old index, taken) and the Lua filters of opts. */
static void load_pages(gz_site *site, gz_strlist *md, gz_pagecache *pre, const gz_load_opts *opts,
		       gz_diag *d, double *t)
{
	load_job job;
	int nw = opts->jobs < 1 ? 1 : opts->jobs;

	site->nall = md->n;
	site->all = gz_calloc(md->n ? md->n : 1, sizeof(*site->all));
	site->state = gz_calloc(md->n ? md->n : 1, sizeof(*site->state));
	site->all_cap = site->state_cap = md->n ? md->n : 1;
	job.site = site;
	job.paths = md;
	job.d = d;
	job.filters = NULL;
	job.keep_going = opts->keep_going;
	job.cache = NULL;
	job.pf = opts->filters;
	atomic_init(&job.skipped, 0);
	gz_markdown_init();
	/* Lua filters and shortcodes: one state per worker */
	if (!opts->filters || open_filters(&job.filters, opts->filters, nw, &site->cfg, d) == 0) {
		uint64_t salt;
		char what[64];
		if (pre && cache_salt(&salt, site, job.filters ? opts->filters : NULL))
			job.cache = gz_pagecache_open(pre, salt, md, d);
		else
			gz_pagecache_free(pre);
		if (opts->check_later)
			gz_pagecache_check_later(job.cache);
		lap("hooks", t);
		gz_parallel(md->n, opts->jobs, load_one, &job, opts->progress ? _("reading") : NULL);
		gz_site_report_left(d, atomic_load(&job.skipped), false);
		gz_pagecache_verify_start(job.cache);
		snprintf(what, sizeof(what), "pages (%zu cached)", gz_pagecache_hits(job.cache));
		lap(what, t);
		gz_pagecache_report(job.cache, d);
		site->cache = job.cache;
	} else {
		site->nall = 0;
		gz_pagecache_free(pre);
	}
	if (job.filters)
		close_filters(job.filters, opts->filters, nw);
}

void gz_site_report_left(gz_diag *d, size_t n, bool rendered)
{
	if (!n)
		return;
	if (rendered)
		gz_diag_error(d, "content", 0, 0,
			      P_("%zu page was not rendered: a Lua hook or layout ran over its "
				 "limit on another page; fix it and build again",
				 "%zu pages were not rendered: a Lua hook or layout ran over its "
				 "limit on another page; fix it and build again",
				 (unsigned long)n),
			      n);
	else
		gz_diag_error(d, "content", 0, 0,
			      P_("%zu page was not read: a Lua hook ran over its limit on "
				 "another page; fix it and build again",
				 "%zu pages were not read: a Lua hook ran over its limit on "
				 "another page; fix it and build again",
				 (unsigned long)n),
			      n);
}

/* A page's slug: field when it gives the page another name than its
 * file's (or its bundle folder's): where a clash of addresses comes from. */
static const gz_value *own_slug(const gz_page *p)
{
	const gz_value *v = gz_page_fm(p) ? gz_value_get(gz_page_fm(p), "slug") : NULL;
	const char *name, *end;

	if (!v || v->type != GZ_STR || !p->path)
		return NULL;
	end = p->path + strlen(p->path);
	if (end - p->path > 9 && !strcmp(end - 9, "/index.md"))
		end -= 9;
	else if (end - p->path > 3 && !strcmp(end - 3, ".md"))
		end -= 3;
	for (name = end; name > p->path && name[-1] != '/'; name--)
		;
	if (strlen(v->str) == (size_t)(end - name) && !strncmp(v->str, name, (size_t)(end - name)))
		return NULL;
	return v;
}

/* What gets published, and where: site->pages (dated pages of a section,
 * newest first), sections' own pages, pages that stand alone. */
static void choose_pages(gz_site *site, const gz_load_opts *opts, size_t *scap, gz_diag *d)
{
	gz_map urls = {0};
	size_t i;

	site->pages = gz_calloc(site->nall ? site->nall : 1, sizeof(*site->pages));
	gz_map_reserve(&urls, site->nall);
	for (i = 0; i < site->nall; i++) {
		gz_page *p = site->all[i], *other;
		if (!p->url || (!p->title && !p->is_index) || p->broken)
			continue;
		if (p->status != GZ_PUBLISHED && !opts->drafts)
			continue;
		/* a future date means scheduled: out on that day, not before */
		if (p->has_date && p->date.key > opts->now && !opts->future)
			continue;
		other = gz_map_get(&urls, p->url);
		if (other) {
			/* at the slug that made the clash: a page's own address
			 * (its file's name) is not the mistake an editor made */
			const gz_value *mine = own_slug(p), *theirs = own_slug(other);
			const gz_page *at = !mine && theirs ? other : p, *with = at == p ? other : p;
			const gz_value *sv = at == p ? mine : theirs;
			gz_diag_error(d, at->path, sv ? sv->line : 1, sv ? sv->col : 1,
				      _("URL '%s' is also claimed by %s; give one of them another slug"),
				      p->url, with->path);
			continue;
		}
		gz_map_put(&urls, p->url, p);
		if (p->is_index) {
			gz_section *s = add_section(site, p->section, scap);
			if (*p->section && !strchr(p->path + 8 + strlen(p->section) + 1, '/')) {
				s->index = p;
				if (p->title) {
					free(s->title);
					s->title = gz_strdup(p->title);
				}
			}
			continue;
		}
		/* pages outside any section (about.md) stand alone: they are in no
		 * list, feed or archive */
		if (!*p->section) {
			GZ_GROW(site->standalone, site->standalone_cap, site->nstandalone + 1);
			site->standalone[site->nstandalone++] = p;
			continue;
		}
		if (!p->has_date)
			continue;
		site->pages[site->npages++] = p;
	}
	gz_map_release(&urls);
	qsort(site->pages, site->npages, sizeof(*site->pages), cmp_newest);
}

/* Each page's place: its order, its section's list with the older and
 * newer pages beside it, the featured list, the site's build date. */
static void order_pages(gz_site *site, size_t *scap)
{
	size_t i, fcap = 0;

	for (i = 0; i < site->npages; i++) {
		gz_page *p = site->pages[i];
		p->order = i;
		if (*p->section) {
			gz_section *s = add_section(site, p->section, scap);
			p->sec = s;
			GZ_GROW(s->pages, s->cap, s->n + 1);
			s->pages[s->n++] = p;
		}
		if (p->featured) {
			GZ_GROW(site->featured, fcap, site->nfeatured + 1);
			site->featured[site->nfeatured++] = p;
		}
	}
	for (i = 0; i < site->nsections; i++) {
		gz_section *s = &site->sections[i];
		size_t k;
		for (k = 0; k < s->n; k++) {
			s->pages[k]->next = k > 0 ? s->pages[k - 1] : NULL;
			s->pages[k]->prev = k + 1 < s->n ? s->pages[k + 1] : NULL;
		}
	}
	if (site->npages) {
		char ymd[11];
		gz_date_ymd(ymd, &site->pages[0]->date);
		site->build_date = gz_strdup(ymd);
	} else {
		site->build_date = gz_strdup("1970-01-01");
	}
}

int gz_site_load(gz_site *site, gz_source *src, const gz_load_opts *opts, gz_diag *d)
{
	gz_strlist md = {0};
	gz_pagecache *pre;
	size_t scap = 0;
	double t = 0;

	lap("", &t);
	memset(site, 0, sizeof(*site));
	/* the page cache's old index loads while the files are listed */
	pre = opts->cache_dir ? gz_pagecache_preload(opts->cache_dir, !opts->cache_fresh) : NULL;
	site->src = src;
	site->drafts = opts->drafts;
	site->cache_dir = opts->cache_dir ? gz_strdup(opts->cache_dir) : NULL;
	read_config(site, src, &md, d);
	lap("list", &t);
	load_pages(site, &md, pre, opts, d, &t);
	if (opts->loaded)
		opts->loaded(opts->loaded_arg);
	gz_strlist_release(&md);
	choose_pages(site, opts, &scap, d);
	order_pages(site, &scap);
	lap("sections", &t);
	link_terms(site);
	lap("terms", &t);
	link_related(site, opts->jobs);
	lap(site->related_new || !site->cache_dir ? "related" : "related (cached)", &t);
	link_archives(site);
	if (!opts->unhashed)
		gz_site_hash(site);
	lap("hash", &t);
	return d->errors ? -1 : 0;
}

void gz_site_save_cache(gz_site *site, gz_diag *d)
{
	gz_pagecache_save(site->cache, d);
	if (site->related_new)
		write_related(site);
	site->related_new = false;
}

void gz_site_add_standalone(gz_site *site, gz_page *p, uint64_t src_hash)
{
	const char *text = p->plain ? p->plain : "";
	gz_page_state *st;

	/* grown by half again, not by one: a hook may add thousands */
	p->id = site->nall;
	GZ_GROW(site->state, site->state_cap, site->nall + 1);
	st = &site->state[site->nall];
	memset(st, 0, sizeof(*st));
	/* a hook's page has no front matter: its fields are in its src hash */
	st->load.src = src_hash;
	st->load.plain = gz_page_plain_hash(text, strlen(text));
	st->path = gz_hash_str(GZ_HASH_INIT, p->path);
	GZ_GROW(site->all, site->all_cap, site->nall + 1);
	site->all[site->nall++] = p;
	GZ_GROW(site->standalone, site->standalone_cap, site->nstandalone + 1);
	site->standalone[site->nstandalone++] = p;
}

void gz_site_release(gz_site *site)
{
	size_t i, k;

	for (i = 0; i < site->nall; i++) {
		gz_pagecache_take_back(site->cache, site->all[i]);
		gz_page_free(site->all[i]);
	}
	free(site->all);
	free(site->state);
	/* after the pages: what it lent them is freed with it */
	gz_pagecache_free(site->cache);
	free(site->pages);
	free(site->featured);
	free(site->standalone);
	for (i = 0; i < site->nsections; i++) {
		free(site->sections[i].name);
		free(site->sections[i].title);
		free(site->sections[i].url);
		free(site->sections[i].pages);
	}
	free(site->sections);
	if (site->tax) {
		for (i = 0; i < site->cfg.ntax; i++) {
			gz_taxonomy *tx = &site->tax[i];
			for (k = 0; k < tx->n; k++) {
				free(tx->terms[k]->name);
				free(tx->terms[k]->slug);
				free(tx->terms[k]->url);
				free(tx->terms[k]->pages);
				free(tx->terms[k]);
			}
			free(tx->terms);
			free(tx->key);
			free(tx->label);
			free(tx->url);
			gz_map_release(&tx->by_slug);
			gz_map_release(&tx->by_name);
			gz_strlist_release(&tx->names);
		}
		free(site->tax);
	}
	for (i = 0; i < site->nyears; i++)
		free(site->years[i].url);
	free(site->years);
	for (i = 0; i < site->nmonths; i++)
		free(site->months[i].url);
	free(site->months);
	gz_strlist_release(&site->files);
	free(site->build_date);
	free(site->cache_dir);
	gz_config_release(&site->cfg);
	memset(site, 0, sizeof(*site));
}
