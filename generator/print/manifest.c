/*
 * Brochure manifests: the stories a brochure prints, by path and by a
 * query on taxonomies and dates, and its title, date, size and cover.
 */
#include "print/internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/date.h"
#include "load/yaml.h"
#include "base/i18n.h"
#include "base/text.h"

typedef struct {
	const char *name;
	double w, h;            /* mm */
} paper;

static const paper papers[] = {
	{"A4", 210, 297}, {"A5", 148, 210}, {"A6", 105, 148}, {"B5", 176, 250}, {"16K", 185, 260},
};

static bool page_has(const gz_site *site, const gz_page *p, const char *key, const gz_value *want)
{
	size_t k, i, j;
	for (k = 0; k < site->cfg.ntax; k++) {
		if (strcmp(site->cfg.tax[k].key, key))
			continue;
		for (i = 0; i < p->tax_values[k].n; i++) {
			if (want->type == GZ_STR && !strcmp(want->str, p->tax_values[k].items[i]))
				return true;
			for (j = 0; want->type == GZ_SEQ && j < want->n; j++)
				if (want->items[j]->type == GZ_STR &&
				    !strcmp(want->items[j]->str, p->tax_values[k].items[i]))
					return true;
		}
	}
	return false;
}

static int by_date(const void *a, const void *b)
{
	const gz_page *x = *(const gz_page *const *)a, *y = *(const gz_page *const *)b;
	if (x->date.key != y->date.key)
		return x->date.key < y->date.key ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int by_date_desc(const void *a, const void *b)
{
	return by_date(b, a);
}

static void add_page(manifest *m, const gz_page *p)
{
	size_t i;
	for (i = 0; i < m->n; i++)
		if (m->pages[i] == p)
			return;
	m->pages = gz_realloc(m->pages, (m->n + 1) * sizeof(*m->pages));
	m->pages[m->n++] = p;
}

/* The manifest's own fields: title, date, size, cover and the rest. */
static void read_fields(manifest *m, const gz_site *site, gz_source *src, const char *path,
			gz_diag *d)
{
	const gz_value *v;
	const char *size;
	size_t i;

	m->title = gz_text_title_whole(gz_value_str(m->root, "title"));
	m->cover_title = gz_text_title_marked(gz_value_str(m->root, "title"));
	m->subtitle = gz_value_str(m->root, "subtitle");
	m->issuer = gz_value_str(m->root, "issuer");
	m->permit = gz_value_str(m->root, "permit");
	m->copies = gz_value_str(m->root, "copies");
	m->printer = gz_value_str(m->root, "printer");
	m->format = gz_value_str(m->root, "format");
	m->date = gz_value_str(m->root, "date");
	m->back = gz_value_str(m->root, "back");
	m->recto = gz_value_bool(m->root, "recto", false);
	if (!m->title)
		gz_diag_error(d, path, 1, 1, _("the manifest has no 'title'"));
	if (!m->issuer) {
		const gz_value *params = gz_value_get(site->cfg.root, "params");
		m->issuer = params ? gz_value_str(params, "publisher") : NULL;
	}
	if ((v = gz_value_get(m->root, "date"))) {
		gz_date dt;
		if (!m->date || gz_date_parse(&dt, m->date) < 0)
			gz_diag_error(d, path, v->line, v->col, _("date '%s' is not YYYY-MM-DD"),
				      m->date ? m->date : "");
	} else {
		gz_diag_error(d, path, 1, 1, _("the manifest has no 'date' (the print date, YYYY-MM-DD)"));
	}
	size = gz_value_str(m->root, "size");
	m->w = 148;
	m->h = 210;
	m->size_name = "A5";
	if (size) {
		bool found = false;
		for (i = 0; i < sizeof(papers) / sizeof(papers[0]); i++)
			if (!strcasecmp(size, papers[i].name)) {
				m->w = papers[i].w;
				m->h = papers[i].h;
				m->size_name = papers[i].name;
				found = true;
			}
		if (!found) {
			v = gz_value_get(m->root, "size");
			gz_diag_error(d, path, v->line, v->col,
				      _("page size '%s' is not one gazette knows (A4, A5, A6, B5, 16K)"),
				      size);
		}
	}
	if ((m->cover_v = gz_value_get(m->root, "cover")) && m->cover_v->type == GZ_STR) {
		m->cover = m->cover_v->str;
		if (!gz_source_exists(src, m->cover))
			gz_diag_error(d, path, m->cover_v->line, m->cover_v->col,
				      _("cover photo '%s' does not exist"), m->cover);
	}
}

/* The stories named by path, in the order written: published ones only. */
static void read_stories(manifest *m, const gz_site *site, const char *path, gz_diag *d)
{
	const gz_value *v = gz_value_get(m->root, "stories");
	size_t i, j;

	if (v && v->type != GZ_SEQ) {
		gz_diag_error(d, path, v->line, v->col, _("'stories' is a list of content paths"));
		v = NULL;
	}
	for (i = 0; v && i < v->n; i++) {
		const gz_value *it = v->items[i];
		const gz_page *found = NULL;
		if (it->type != GZ_STR) {
			gz_diag_error(d, path, it->line, it->col, _("a story is a content path"));
			continue;
		}
		for (j = 0; j < site->nall && !found; j++)
			if (!strcmp(site->all[j]->path, it->str))
				found = site->all[j];
		if (!found) {
			gz_diag_error(d, path, it->line, it->col, _("story '%s' does not exist"), it->str);
			continue;
		}
		if (found->broken) {
			gz_diag_error(d, path, it->line, it->col, _("story '%s' has errors"), it->str);
			continue;
		}
		for (j = 0; j < site->npages && site->pages[j] != found; j++)
			;
		if (j == site->npages) {
			/* a draft, a page under review, or one scheduled for later */
			gz_diag_error(d, path, it->line, it->col,
				      _("story '%s' is not published (a draft, under review or dated "
				      "later); publish it or take it out of the brochure"),
				      it->str);
			continue;
		}
		add_page(m, found);
	}
}

/* The stories a query picks: every taxonomy key given must match;
 * from/to bound the date. */
static void read_query(manifest *m, const gz_site *site, const char *path, gz_diag *d)
{
	const gz_value *q = gz_value_get(m->root, "query");
	gz_date from, to;
	const char *fs, *ts, *sec;
	bool hf, ht;
	size_t i, j;

	if (q && q->type != GZ_MAP)
		gz_diag_error(d, path, q->line, q->col, _("'query' is a mapping (tags:, from:, to:)"));
	if (!q || q->type != GZ_MAP)
		return;
	fs = gz_value_str(q, "from");
	ts = gz_value_str(q, "to");
	sec = gz_value_str(q, "section");
	hf = fs && gz_date_parse(&from, fs) == 0;
	ht = ts && gz_date_parse(&to, ts) == 0;
	if (fs && !hf)
		gz_diag_error(d, path, gz_value_get(q, "from")->line, gz_value_get(q, "from")->col,
			      "date '%s' is not YYYY-MM-DD", fs);
	if (ts && !ht)
		gz_diag_error(d, path, gz_value_get(q, "to")->line, gz_value_get(q, "to")->col,
			      "date '%s' is not YYYY-MM-DD", ts);
	for (i = 0; i < q->n; i++) {
		bool known = !strcmp(q->keys[i], "from") || !strcmp(q->keys[i], "to") ||
			     !strcmp(q->keys[i], "section");
		for (j = 0; j < site->cfg.ntax && !known; j++)
			known = !strcmp(site->cfg.tax[j].key, q->keys[i]);
		if (!known)
			gz_diag_error(d, path, q->items[i]->line, q->items[i]->col,
				      _("query key '%s' is not a taxonomy, 'section', 'from' or 'to'"),
				      q->keys[i]);
	}
	for (j = 0; j < site->npages; j++) {
		const gz_page *p = site->pages[j];
		bool ok = true;
		if (sec && strcmp(p->section, sec))
			ok = false;
		if (hf && p->date.key < from.key)
			ok = false;
		if (ht && p->date.key >= to.key + 86400)
			ok = false;
		for (i = 0; i < q->n && ok; i++)
			if (strcmp(q->keys[i], "from") && strcmp(q->keys[i], "to") &&
			    strcmp(q->keys[i], "section"))
				ok = page_has(site, p, q->keys[i], q->items[i]);
		if (ok)
			add_page(m, p);
	}
}

/* The stories in the manifest's order: by date (the default), newest
 * first, or as listed (those a query added after them, by date). */
static void sort_pages(manifest *m, size_t listed, const char *path, gz_diag *d)
{
	const char *order = gz_value_str(m->root, "order");
	const gz_value *v;

	if (!m->n)
		; /* nothing to sort (qsort may not be given NULL) */
	else if (!order || !strcmp(order, "date"))
		qsort(m->pages, m->n, sizeof(*m->pages), by_date);
	else if (!strcmp(order, "-date"))
		qsort(m->pages, m->n, sizeof(*m->pages), by_date_desc);
	else if (!strcmp(order, "list"))
		qsort(m->pages + listed, m->n - listed, sizeof(*m->pages), by_date);
	else {
		v = gz_value_get(m->root, "order");
		gz_diag_error(d, path, v->line, v->col, _("order '%s' is not date, -date or list"), order);
	}
}

int print_read_manifest(manifest *m, const gz_site *site, gz_source *src, const char *path,
			gz_diag *d)
{
	char *data = NULL;
	size_t len, listed;
	size_t e0 = d->errors;

	memset(m, 0, sizeof(*m));
	if (gz_source_read(src, path, &data, &len) < 0) {
		gz_diag_error(d, path, 0, 0, _("cannot read the brochure manifest"));
		return -1;
	}
	if (gz_yaml_parse(&m->root, data, len, 0, path, d) < 0) {
		free(data);
		return -1;
	}
	free(data);
	if (m->root->type != GZ_MAP) {
		gz_diag_error(d, path, 1, 1, _("a brochure manifest is a mapping (title:, stories: …)"));
		return -1;
	}
	read_fields(m, site, src, path, d);
	read_stories(m, site, path, d);
	listed = m->n;
	read_query(m, site, path, d);
	sort_pages(m, listed, path, d);
	if (!m->n && d->errors == e0)
		gz_diag_error(d, path, 1, 1, _("the brochure has no stories (give 'stories' or 'query')"));
	return d->errors > e0 ? -1 : 0;
}

void print_manifest_release(manifest *m)
{
	gz_value_free(m->doc);
	gz_value_free(m->root);
	free(m->title);
	free(m->cover_title);
	free(m->pages);
}

int gz_print_check_manifest(const gz_site *site, gz_source *src, const char *path, gz_diag *d)
{
	manifest m;
	int rc = print_read_manifest(&m, site, src, path, d);

	print_manifest_release(&m);
	return rc;
}

void gz_print_pages(const gz_site *site, gz_source *src, const char *path, gz_strlist *out)
{
	size_t n = strlen(path), i;
	manifest m;
	gz_diag d;

	if (n > 3 && !strcmp(path + n - 3, ".md")) {
		gz_strlist_add(out, path);
		return;
	}
	gz_diag_init(&d);
	if (print_read_manifest(&m, site, src, path, &d) == 0)
		for (i = 0; i < m.n; i++)
			gz_strlist_add(out, m.pages[i]->path);
	print_manifest_release(&m);
	gz_diag_release(&d);
}
