/*
 * sitehash.c: the model hashes (site.h), kept in the site's side table of
 * page states rather than in the pages.
 *
 * A page's meta hash covers what a template can read of it except its body
 * (content, plain, chars): its front matter, path and URL, the summary and
 * the images of its body (the photo archive lists them), and what the
 * model adds from other pages (neighbours, related pages, its terms and
 * their counts, its section, its history, hook fields, photo derivatives).
 * The model hash adds the file's bytes, so it covers the body too. The
 * site hash covers every page's model hash (the search index reads every
 * body); the site meta hash every meta hash, for outputs that read the
 * site's lists (they reach a body only through a page, which is tracked).
 */
#include "model/site.h"

#include "base/hash.h"
#include "base/pool.h"
#include "model/photos.h"
#include "source/git.h"

static uint64_t hash_page_ref(const gz_site *site, uint64_t h, const gz_page *p)
{
	return gz_hash_mix(h, p ? site->state[p->id].path : 0);
}

/* What the load and the model settle once: everything but history, hook
 * fields and photo derivatives, which come later (gz_site_hash is called
 * again then). */
static uint64_t settled_hash(const gz_site *site, const gz_page *p)
{
	const gz_page_state *st = &site->state[p->id];
	uint64_t h = gz_hash_mix(GZ_HASH_INIT, st->path);
	size_t t, k;

	/* what its parse settles: hashed with the parse, or now (a hook's
	 * page, whose fields its src hash stands for) */
	h = gz_hash_mix(h, st->load.parsed ? st->load.fields
					   : gz_page_fields_hash(p, st->load.src));
	h = hash_page_ref(site, h, p->prev);
	h = hash_page_ref(site, h, p->next);
	for (k = 0; k < p->nrelated; k++)
		h = hash_page_ref(site, h, p->related[k]);
	for (t = 0; p->terms && t < site->cfg.ntax; t++)
		for (k = 0; k < p->nterms[t]; k++)
			h = gz_hash_mix(gz_hash_mix(h, p->terms[t][k]->name_hash), p->terms[t][k]->n);
	if (p->sec)
		h = gz_hash_fast_str(h, p->sec->title);
	return h;
}

#define HASH_CHUNK 256

/* The meta and model hashes of pages [HASH_CHUNK * item, +HASH_CHUNK). */
static void hash_chunk(size_t item, int worker, void *payload)
{
	gz_site *site = payload;
	size_t i, k, end = (item + 1) * HASH_CHUNK;

	for (i = item * HASH_CHUNK; i < end && i < site->nall; i++) {
		const gz_page *p = site->all[i];
		gz_page_state *st = &site->state[i];
		uint64_t h;

		if (!st->has_settled) {
			st->settled = settled_hash(site, p);
			st->has_settled = true;
		}
		h = st->settled;
		if (p->history)
			h = gz_hash_mix(h, gz_history_hash(p->history));
		h = gz_value_hash(h, p->extra);
		/* derivatives of its photos (photos.h), once they are made */
		for (k = 0; k < p->nphotos; k++)
			h = gz_hash_mix(h, gz_picture_hash(p->photos[k].pic));
		for (k = 0; k < p->nimages; k++)
			h = gz_hash_mix(h, gz_picture_hash(p->images[k].pic));
		if (p->cover)
			h = gz_hash_mix(h, gz_picture_hash(p->cover->pic));
		st->meta = h;
		st->model = gz_hash_mix(h, st->load.src);
	}
}

void gz_site_hash(gz_site *site)
{
	size_t i;
	uint64_t sh = GZ_HASH_INIT, mh = GZ_HASH_INIT;

	gz_parallel((site->nall + HASH_CHUNK - 1) / HASH_CHUNK, gz_pool_cores(), hash_chunk, site,
		    NULL);
	for (i = 0; i < site->npages; i++) {
		sh = gz_hash_mix(sh, gz_site_state(site, site->pages[i])->model);
		mh = gz_hash_mix(mh, gz_site_state(site, site->pages[i])->meta);
	}
	for (i = 0; i < site->nstandalone; i++) {
		sh = gz_hash_mix(sh, gz_site_state(site, site->standalone[i])->model);
		mh = gz_hash_mix(mh, gz_site_state(site, site->standalone[i])->meta);
	}
	site->hash = sh;
	site->meta_hash = mh;
	/* section titles are read as configuration (site.sections[i].title) */
	site->config_hash = site->yml_hash;
	for (i = 0; i < site->nsections; i++)
		site->config_hash = gz_hash_str(site->config_hash, site->sections[i].title);
}
