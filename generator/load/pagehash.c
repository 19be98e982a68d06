/*
 * pagehash.c: what a build compares of a page instead of reading it again
 * (page.h's gz_page_hashes): made with the parse, kept in its cache entry.
 */
#include "load/page.h"

#include "base/hash.h"
#include "load/searchtext.h"

static uint64_t search_text_hash(const gz_page *p, uint64_t plain_hash)
{
	return gz_hash_mix(gz_hash_fast_str(0x6a09e667f3bcc908ULL, p->title ? p->title : ""),
			   plain_hash);
}

static uint64_t search_doc_hash(const gz_page *p, size_t ntax)
{
	uint64_t h = gz_hash_fast_str(GZ_HASH_INIT, p->url);
	size_t k, j;

	h = gz_hash_fast_str(h, p->title);
	/* the date as its key: the same day may give another key (a rebuilt
	 * docs.json of the same bytes), never another day the same */
	h = gz_hash_mix(h, p->has_date ? (uint64_t)p->date.key : UINT64_MAX);
	h = gz_hash_fast_str(h, p->section);
	for (k = 0; k < ntax && p->tax_values; k++) {
		const gz_strlist *v = &p->tax_values[k];
		h = gz_hash_mix(h, v->n);
		for (j = 0; j < v->n; j++)
			h = gz_hash_fast_str(h, v->items[j]);
	}
	return h;
}

void gz_page_search_hashes(gz_page_hashes *h, const gz_page *p, size_t ntax)
{
	h->search_text = search_text_hash(p, h->plain);
	h->search_doc = search_doc_hash(p, ntax);
	h->search_head = gz_searchtext_head_hash(p, ntax);
}

uint64_t gz_page_fields_hash(const gz_page *p, uint64_t fm_hash)
{
	uint64_t h = gz_hash_mix(GZ_HASH_INIT, fm_hash);
	size_t k;

	h = gz_hash_fast_str(gz_hash_fast_str(gz_hash_fast_str(h, p->url), p->title), p->summary);
	h = gz_hash_mix(gz_hash_mix(h, (uint64_t)p->date.key), (uint64_t)p->has_date);
	h = gz_hash_fast_str(h, p->layout);
	for (k = 0; k < p->nimages; k++)
		h = gz_hash_fast_str(gz_hash_fast_str(gz_hash_fast_str(h, p->images[k].file),
						      p->images[k].url),
				     p->images[k].alt);
	return h;
}

/* Eight bytes at a step: a clean build hashes every byte of every page
 * file, and FNV-1a, a byte at a step, would be most of that. */
uint64_t gz_page_source_hash(const char *data, size_t len)
{
	return gz_hash_fast(GZ_HASH_INIT, data, len);
}

uint64_t gz_page_plain_hash(const char *plain, size_t len)
{
	return gz_hash_fast(0x6a09e667f3bcc908ULL, plain, len);
}
