#include "load/searchtext.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "load/pagefm.h"

/* s with control bytes as spaces: they mark the parts and fields */
static void put_clean(gz_buf *b, const char *s)
{
	while (s && *s) {
		const char *run = s;
		while ((unsigned char)*s >= 0x20)
			s++;
		gz_buf_add(b, run, (size_t)(s - run));
		if (*s) {
			gz_buf_putc(b, ' ');
			s++;
		}
	}
}

static void put_field(gz_buf *b, int kind, const char *s)
{
	if (!s || !*s)
		return;
	gz_buf_putc(b, (char)kind);
	put_clean(b, s);
}

/* The front matter's value of key, or NULL (gz_value_get, which this
 * module cannot link). */
static const gz_value *fm_get(const gz_page *p, const char *key)
{
	const gz_value *fm = gz_page_fm(p);
	size_t i;

	if (!fm || fm->type != GZ_MAP)
		return NULL;
	for (i = 0; i < fm->n; i++)
		if (fm->keys[i][0] == key[0] && !strcmp(fm->keys[i], key))
			return fm->items[i];
	return NULL;
}

/* A front matter field as the policy layout shows it: a name, or a list
 * of names. */
static void put_fm_field(gz_buf *b, int kind, const gz_page *p, const char *key)
{
	const gz_value *v = fm_get(p, key);
	size_t i;

	if (!v)
		return;
	if (v->type == GZ_STR) {
		put_field(b, kind, v->str);
		return;
	}
	if (v->type != GZ_SEQ)
		return;
	for (i = 0; i < v->n; i++)
		if (v->items[i]->type == GZ_STR)
			put_field(b, kind, v->items[i]->str);
}

static bool same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* A photo's caption and credit, once: a cover is often one of the photos,
 * and a photo of the text one of them too. */
static void put_photo(gz_buf *b, const gz_photo *ph, const gz_photo ***seen, size_t *n, size_t *cap)
{
	size_t i;

	if ((!ph->caption || !*ph->caption) && (!ph->credit || !*ph->credit))
		return;
	for (i = 0; i < *n; i++)
		if (same(ph->caption, (*seen)[i]->caption) && same(ph->credit, (*seen)[i]->credit))
			return;
	GZ_GROW(*seen, *cap, *n + 1);
	(*seen)[(*n)++] = ph;
	put_field(b, GZ_SEARCHTEXT_CAPTION, ph->caption);
	put_field(b, GZ_SEARCHTEXT_CREDIT, ph->credit);
}

void gz_searchtext_head(gz_buf *out, const gz_page *p, size_t ntax)
{
	const gz_value *sum = fm_get(p, "summary");
	const gz_photo **seen = NULL;
	size_t n = 0, cap = 0, i, k;

	put_clean(out, p->title);
	gz_buf_putc(out, GZ_SEARCHTEXT_PART);
	if (sum && sum->type == GZ_STR && *sum->str)
		put_clean(out, p->summary);
	gz_buf_putc(out, GZ_SEARCHTEXT_PART);
	if (p->cover)
		put_photo(out, p->cover, &seen, &n, &cap);
	for (i = 0; i < p->nimages; i++)
		put_photo(out, &p->images[i], &seen, &n, &cap);
	for (i = 0; i < p->nphotos; i++)
		put_photo(out, &p->photos[i], &seen, &n, &cap);
	free(seen);
	put_field(out, GZ_SEARCHTEXT_AUTHOR, p->author);
	put_field(out, GZ_SEARCHTEXT_SOURCE, p->source);
	put_fm_field(out, GZ_SEARCHTEXT_TOPIC, p, "topic");
	put_fm_field(out, GZ_SEARCHTEXT_DEPARTMENT, p, "department");
	put_fm_field(out, GZ_SEARCHTEXT_CONTACT, p, "contact");
	for (k = 0; k < ntax && p->tax_values; k++) {
		int kind = GZ_SEARCHTEXT_TERM + (int)k;
		if (kind > GZ_SEARCHTEXT_TERM_LAST)
			kind = GZ_SEARCHTEXT_TERM_LAST;
		for (i = 0; i < p->tax_values[k].n; i++)
			put_field(out, kind, p->tax_values[k].items[i]);
	}
	gz_buf_putc(out, GZ_SEARCHTEXT_PART);
}

uint64_t gz_searchtext_head_hash(const gz_page *p, size_t ntax)
{
	gz_buf b = GZ_BUF_INIT;
	uint64_t h;

	gz_searchtext_head(&b, p, ntax);
	h = gz_hash_fast(GZ_HASH_INIT, b.ptr ? b.ptr : "", b.len);
	gz_buf_release(&b);
	return h;
}

void gz_searchtext_full(gz_buf *out, const gz_page *p, size_t ntax)
{
	gz_searchtext_head(out, p, ntax);
	gz_buf_puts(out, p->plain ? p->plain : "");
}
