#include "load/pagefm.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

#define MAX_DEPTH 100

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
	gz_value *node, *node_end;
	void **slot, **slot_end;
} tree_block;

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

gz_value *gz_pagefm_read(gz_bin_reader *r)
{
	gz_pagefm_size ts;
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

gz_value *gz_page_fm(const gz_page *cp)
{
	/* the tree is the page's once made: set once, by whichever thread
	 * made it first */
	gz_page *p = (gz_page *)(uintptr_t)cp;
	gz_value *v = __atomic_load_n(&p->fm, __ATOMIC_ACQUIRE), *none = NULL;
	gz_bin_reader r;

	if (v || !p->fm_at)
		return v;
	r.p = p->fm_at;
	r.end = p->fm_at + p->fm_len;
	r.bad = false;
	v = gz_pagefm_read(&r);
	if (!v || r.p != r.end) {
		free(v);
		v = gz_calloc(1, sizeof(*v));
		v->block = true;
	}
	if (!__atomic_compare_exchange_n(&p->fm, &none, v, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		free(v);
		return none;
	}
	return v;
}
