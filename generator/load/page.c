#include "load/page.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/suggest.h"
#include "load/markdown.h"
#include "load/missing.h"
#include "load/pagecache.h"
#include "base/text.h"

/* Find the front matter: "---\n" … "\n---\n". Sets fm, fm_len, body and
 * *body_line (1-based line of the first body line). Returns false if the
 * file does not start with "---". */
static bool split_front_matter(const char *s, size_t len, const char **fm, size_t *fm_len,
			       const char **body, int *body_line, bool *closed)
{
	size_t i;
	int line = 2;

	*closed = false;
	if (len < 3 || memcmp(s, "---", 3) || (len > 3 && s[3] != '\n' && s[3] != '\r'))
		return false;
	i = 3;
	while (i < len && s[i] != '\n')
		i++;
	i++;
	*fm = s + (i < len ? i : len);
	while (i < len) {
		const char *eol = memchr(s + i, '\n', len - i);
		size_t end = eol ? (size_t)(eol - s) : len;
		size_t n = end - i;
		if (n && s[end - 1] == '\r')
			n--;
		if ((n == 3 && (!memcmp(s + i, "---", 3) || !memcmp(s + i, "...", 3)))) {
			*fm_len = (size_t)(s + i - *fm);
			*body = end < len ? s + end + 1 : s + len;
			*body_line = line + 1;
			*closed = true;
			return true;
		}
		i = end + 1;
		line++;
	}
	*fm_len = (size_t)(s + len - *fm);
	*body = s + len;
	*body_line = line;
	return true;
}

static char *dup_str(const gz_value *fm, const char *key)
{
	const char *s = gz_value_str(fm, key);
	return s ? gz_strdup(s) : NULL;
}

/* Resolve a photo reference to its source file and URL. */
static int resolve_ref(const gz_page *p, const char *ref, char **file, char **url)
{
	char *f;

	*file = *url = NULL;
	if (strstr(ref, "://") || !strncmp(ref, "//", 2) || !strncmp(ref, "data:", 5))
		return 1; /* external: left alone */
	if (ref[0] == '/')
		f = gz_path_join("content", ref + 1);
	else
		f = gz_path_join(p->dir, ref);
	if (!f || strncmp(f, "content/", 8)) {
		free(f);
		return -1;
	}
	*file = f;
	if (p->bundle && !strncmp(f, p->dir, strlen(p->dir)) && f[strlen(p->dir)] == '/') {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "%s%s", p->url, f + strlen(p->dir) + 1);
		*url = gz_buf_detach(&b, NULL);
	} else {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "/%s", f + 8);
		*url = gz_buf_detach(&b, NULL);
	}
	return 0;
}

static bool load_photo(gz_photo *ph, gz_page *p, gz_source *src, const gz_value *v, gz_diag *d)
{
	const char *ref = v->type == GZ_STR ? v->str : gz_value_str(v, "src");
	int r;

	memset(ph, 0, sizeof(*ph));
	ph->line = v->line;
	ph->col = v->col;
	if (!ref || !*ref) {
		gz_diag_error(d, p->path, v->line, v->col, _("photo needs a 'src' (the image file)"));
		return false;
	}
	r = resolve_ref(p, ref, &ph->file, &ph->url);
	if (r < 0) {
		gz_diag_error(d, p->path, v->line, v->col,
			      _("photo '%s' points outside content/; put the image in content/"), ref);
		return false;
	}
	ph->ref = gz_strdup(ref);
	if (r > 0) {
		ph->url = gz_strdup(ref);
	} else if (!gz_source_exists(src, ph->file)) {
		gz_missing_file(d, p->path, v->line, v->col, src, false, ref, ph->file);
		free(ph->file);
		free(ph->url);
		free(ph->ref);
		ph->file = ph->url = ph->ref = NULL;
		return false;
	}
	if (v->type == GZ_MAP) {
		ph->caption = dup_str(v, "caption");
		ph->credit = dup_str(v, "credit");
		ph->alt = dup_str(v, "alt");
	}
	return true;
}

static void free_photo(gz_photo *ph)
{
	free(ph->ref);
	free(ph->url);
	free(ph->file);
	free(ph->caption);
	free(ph->credit);
	free(ph->alt);
	free(ph->title);
}

void gz_photo_credit(gz_buf *out, const char *credit)
{
	if (!credit || !*credit)
		return;
	if (!strstr(credit, "摄") && !strstr(credit, "图"))
		gz_buf_puts(out, "摄影：");
	gz_buf_puts(out, credit);
}

/* A photo has one caption and one credit wherever it appears. For an image
 * of the body they come from, in order: the shortcode that placed it, the
 * front matter's photos: entry for the same file, the image's title. */
static void settle_captions(gz_page *p)
{
	size_t i, k;

	for (i = 0; i < p->nimages; i++) {
		gz_photo *im = &p->images[i];
		const gz_photo *entry = NULL;
		for (k = 0; k < p->nphotos && !entry; k++)
			if (im->file && p->photos[k].file && !strcmp(im->file, p->photos[k].file))
				entry = &p->photos[k];
		if (!im->caption && entry && entry->caption)
			im->caption = gz_strdup(entry->caption);
		if (!im->caption && im->title)
			im->caption = gz_strdup(im->title);
		if (!im->credit && entry && entry->credit)
			im->credit = gz_strdup(entry->credit);
		if (!im->alt && entry && entry->alt)
			im->alt = gz_strdup(entry->alt);
	}
}

/* Is item a term name (else null, or an error)? */
static bool term_name(const gz_value *item)
{
	return item->type == GZ_STR && item->str[0];
}

/* The page's term names, by taxonomy, in one block (a page has a handful,
 * ten thousand pages would be a hundred thousand small allocations). */
static void load_terms(gz_page *p, const gz_config *cfg, gz_diag *d)
{
	size_t t, i, items = 0, bytes = 0;
	gz_value **vals = gz_calloc(cfg->ntax ? cfg->ntax : 1, sizeof(*vals));
	char **slot, *byte;

	for (t = 0; t < cfg->ntax; t++) {
		gz_value *v = gz_value_get(p->fm, cfg->tax[t].key);
		if (!v || gz_value_is_null(v))
			continue;
		if (v->type == GZ_STR) {
			vals[t] = v;
			items++;
			bytes += strlen(v->str) + 1;
		} else if (v->type == GZ_SEQ) {
			vals[t] = v;
			for (i = 0; i < v->n; i++) {
				if (term_name(v->items[i])) {
					items++;
					bytes += strlen(v->items[i]->str) + 1;
				} else if (!gz_value_is_null(v->items[i])) {
					gz_diag_error(d, p->path, v->items[i]->line, v->items[i]->col,
						      _("%s: each item must be a name"), cfg->tax[t].key);
				}
			}
		} else {
			gz_diag_error(d, p->path, v->line, v->col,
				      _("%s must be a name or a list of names"), cfg->tax[t].key);
		}
	}
	p->ntax = cfg->ntax;
	p->tax_values = gz_calloc(1, (cfg->ntax ? cfg->ntax : 1) * sizeof(*p->tax_values) +
					     items * sizeof(char *) + bytes);
	slot = (char **)(void *)(p->tax_values + (cfg->ntax ? cfg->ntax : 1));
	byte = (char *)(slot + items);
	for (t = 0; t < cfg->ntax; t++) {
		gz_value *v = vals[t];
		gz_strlist *l = &p->tax_values[t];
		size_t n = !v ? 0 : v->type == GZ_STR ? 1 : v->n;
		l->items = slot;
		for (i = 0; i < n; i++) {
			const gz_value *item = v->type == GZ_STR ? v : v->items[i];
			size_t len;
			if (v->type != GZ_STR && !term_name(item))
				continue;
			len = strlen(item->str) + 1;
			memcpy(byte, item->str, len);
			l->items[l->n++] = byte;
			byte += len;
		}
		l->cap = l->n;
		slot += l->n;
	}
	free(vals);
}

void gz_page_alloc_terms(gz_page *p, size_t ntax)
{
	size_t nt = ntax ? ntax : 1, all = 0, t;
	struct gz_term **slot;

	for (t = 0; t < ntax; t++)
		all += p->tax_values[t].n;
	p->terms = gz_calloc(1, nt * (sizeof(*p->terms) + sizeof(*p->nterms)) +
					all * sizeof(*slot));
	p->nterms = (size_t *)(void *)(p->terms + nt);
	slot = (struct gz_term **)(void *)(p->nterms + nt);
	for (t = 0; t < ntax; t++) {
		if (!p->tax_values[t].n)
			continue;
		p->terms[t] = slot;
		slot += p->tax_values[t].n;
	}
}

/* Where a page lives: section, slug, URL and output file. */
static int place_page(gz_page *p, const char *path, gz_diag *d)
{
	const char *rel = path + strlen("content/");
	const char *base = strrchr(rel, '/');
	const char *slug_fm = gz_value_str(p->fm, "slug");
	gz_buf stem = GZ_BUF_INIT, folder = GZ_BUF_INIT, b = GZ_BUF_INIT;
	const char *name = base ? base + 1 : rel;
	const char *slash = strchr(rel, '/');

	p->section = slash ? gz_strndup(rel, (size_t)(slash - rel)) : gz_strdup("");
	p->bundle = !strcmp(name, "index.md") && base;
	p->is_index = !strcmp(name, "_index.md");
	/* the folder of the file, relative to content/ */
	gz_buf_add(&folder, rel, base ? (size_t)(base - rel) : 0);
	p->dir = gz_strdup(path);
	*strrchr(p->dir, '/') = '\0';

	if (p->is_index) {
		p->slug = gz_strdup("");
		gz_buf_printf(&b, "/%s%s", folder.ptr, folder.len ? "/" : "");
		goto done;
	}
	if (p->bundle) {
		/* the bundle folder is the slug; its parent is where it lives */
		const char *up = strrchr(folder.ptr, '/');
		gz_buf_puts(&stem, up ? up + 1 : folder.ptr);
		gz_buf_truncate(&folder, up ? (size_t)(up - folder.ptr) : 0);
	} else {
		gz_buf_add(&stem, name, strlen(name) - 3);
	}
	if (slug_fm) {
		gz_value *sv = gz_value_get(p->fm, "slug");
		if (gz_slug_is_hostile(slug_fm)) {
			gz_diag_error(d, p->path, sv->line, sv->col,
				      _("slug '%s' must be a plain name: no '/', '\\' or '..'"), slug_fm);
			gz_buf_release(&stem);
			gz_buf_release(&folder);
			return -1;
		}
		gz_buf_clear(&stem);
		gz_slugify(&stem, slug_fm);
	} else {
		gz_buf tmp = GZ_BUF_INIT;
		gz_slugify(&tmp, stem.ptr);
		gz_buf_clear(&stem);
		gz_buf_add(&stem, tmp.ptr, tmp.len);
		gz_buf_release(&tmp);
	}
	if (!stem.len && slug_fm) {
		/* the slug written is the problem, not the file's name */
		gz_value *sv = gz_value_get(p->fm, "slug");
		gz_diag_error(d, p->path, sv->line, sv->col,
			      _("slug '%s' has no letters or digits to make a URL name of; write one "
				"like xinli-sheep, or take the line out to use the file's name"),
			      slug_fm);
		gz_buf_release(&stem);
		gz_buf_release(&folder);
		return -1;
	}
	if (!stem.len) {
		gz_diag_error(d, p->path, 1, 1,
			      _("cannot make a URL name from the file name; add a 'slug:'"));
		gz_buf_release(&stem);
		gz_buf_release(&folder);
		return -1;
	}
	p->slug = gz_strdup(stem.ptr);
	gz_buf_printf(&b, "/%s%s%s/", folder.ptr, folder.len ? "/" : "", stem.ptr);
done:
	p->url = gz_buf_detach(&b, NULL);
	gz_buf_printf(&b, "%sindex.html", p->url + 1);
	p->out = gz_buf_detach(&b, NULL);
	gz_buf_release(&stem);
	gz_buf_release(&folder);
	return 0;
}

/* Line and column (in characters) of byte off in s. */
static void position_of(const char *s, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

typedef struct {
	gz_page *page;
	gz_source *src;
	size_t cap;
	gz_strlist probes;   /* files looked for, for the page cache */
	bool *exists;
	size_t ecap;
} image_ctx;

/* Markdown's hook for an image: one in content/ becomes a photo of the
 * page, and the body holds a marker the photo stage replaces with a
 * <picture> of its derivatives. Others (external, missing) are left to
 * cmark and to the checks below. */
static char *page_image(const gz_md_image *img, void *payload)
{
	image_ctx *c = payload;
	gz_page *p = c->page;
	gz_photo *ph;
	char *file, *url;
	gz_buf b = GZ_BUF_INIT;

	if (resolve_ref(p, img->src, &file, &url) != 0) {
		free(file);
		free(url);
		return NULL;
	}
	/* the body depends on whether the file is there: a cache hit checks
	 * that again */
	GZ_GROW(c->exists, c->ecap, c->probes.n + 1);
	c->exists[c->probes.n] = gz_source_exists(c->src, file);
	gz_strlist_add(&c->probes, file);
	if (!c->exists[c->probes.n - 1]) {
		free(file);
		free(url);
		return NULL;
	}
	GZ_GROW(p->images, c->cap, p->nimages + 1);
	ph = &p->images[p->nimages];
	memset(ph, 0, sizeof(*ph));
	ph->file = file;
	ph->url = url;
	ph->ref = gz_strdup(img->src);
	ph->alt = img->alt && *img->alt ? gz_strdup(img->alt) : NULL;
	ph->title = img->title ? gz_strdup(img->title) : NULL;
	ph->caption = img->caption ? gz_strdup(img->caption) : NULL;
	ph->credit = img->credit ? gz_strdup(img->credit) : NULL;
	ph->line = img->line;
	ph->col = img->col;
	/* one standing apart is a figure, with its caption (photos.c) */
	gz_buf_printf(&b, "<!--gz-%s %zu-->", img->block ? "fig" : "img", p->nimages++);
	return gz_buf_detach(&b, NULL);
}

/* The front-matter fields gazette reads (DESIGN.md's content model);
 * with the taxonomies and site.yml's front_matter.keys, every field a page
 * may have without a warning. */
static const char *const known_fields[] = {
	"title",   "date",    "updated", "slug",   "status",     "summary", "author",
	"source",  "reprint", "layout",  "photos", "cover",      "featured",
	/* a policy explainer's */
	"topic",   "department", "effective", "contact",
};

static bool is_known_field(const gz_config *cfg, const char *key)
{
	size_t i;

	/* every field of every page: the first byte rules out most names */
	for (i = 0; i < sizeof(known_fields) / sizeof(*known_fields); i++)
		if (key[0] == known_fields[i][0] && !strcmp(key, known_fields[i]))
			return true;
	for (i = 0; i < cfg->ntax; i++)
		if (key[0] == cfg->tax[i].key[0] && !strcmp(key, cfg->tax[i].key))
			return true;
	for (i = 0; i < cfg->fm_keys.n; i++)
		if (key[0] == cfg->fm_keys.items[i][0] && !strcmp(key, cfg->fm_keys.items[i]))
			return true;
	return false;
}

static size_t chars_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* A field nothing reads is most often a typo (townsip: for township:),
 * and the page then silently lacks what the editor meant to give it. */
static void warn_unknown_fields(const gz_page *p, const gz_config *cfg, gz_diag *d)
{
	const char **names = NULL;
	size_t i, k, n = 0;

	if (!p->fm || p->fm->type != GZ_MAP || cfg->broken)
		return;
	for (i = 0; i < p->fm->n; i++) {
		const char *key = p->fm->keys[i], *best;
		const gz_value *v = p->fm->items[i];
		int line;

		/* line 0: a field a Lua filter set, not one the editor typed */
		if (is_known_field(cfg, key) || v->line <= 0)
			continue;
		if (!names) {
			const size_t nk = sizeof(known_fields) / sizeof(*known_fields);
			names = gz_calloc(nk + cfg->ntax + cfg->fm_keys.n, sizeof(*names));
			for (k = 0; k < nk; k++)
				names[n++] = known_fields[k];
			for (k = 0; k < cfg->ntax; k++)
				names[n++] = cfg->tax[k].key;
			for (k = 0; k < cfg->fm_keys.n; k++)
				names[n++] = cfg->fm_keys.items[k];
		}
		/* the tree keeps where a value starts, not its key: a value that
		 * starts past "key:" is on the key's line; a block list or
		 * mapping starts on the line below it. Keys of the front matter
		 * start its lines. */
		line = v->col > (int)chars_of(key) + 1 ? v->line : v->line - 1;
		best = gz_suggest(key, names, n);
		if (best)
			gz_diag_warn(d, p->path, line, 1, _("unknown field '%s'; did you mean '%s'?"),
				     key, best);
		else
			gz_diag_warn(d, p->path, line, 1,
				     _("unknown field '%s'; if the site's layouts or hooks read it, "
				       "list it in site.yml under front_matter: keys:"),
				     key);
	}
	free(names);
}

/* The column in the file of byte offset chars into a value's text. */
static int value_col(const gz_value *v, size_t chars)
{
	return v->col + (v->quoted ? 1 : 0) + (int)chars;
}

static void load_date(gz_page *p, const char *key, gz_date *out, bool *has, gz_diag *d)
{
	gz_value *v = gz_value_get(p->fm, key);
	gz_date_error e;

	if (v && v->type == GZ_STR) {
		if (gz_date_parse_at(out, v->str, &e) < 0) {
			gz_buf m = GZ_BUF_INIT;
			gz_date_explain(&m, key, v->str, &e);
			gz_diag_error(d, p->path, v->line, value_col(v, e.chars), "%s", m.ptr);
			gz_buf_release(&m);
		} else {
			*has = true;
		}
	} else if (v && !gz_value_is_null(v)) {
		gz_diag_error(d, p->path, v->line, v->col,
			      _("%s must be one date, e.g. 2020-07-08 or 2020年7月8日"), key);
	} else if (!strcmp(key, "date") && !p->is_index) {
		gz_diag_error(d, p->path, 2, 1,
			      _("missing 'date' in front matter (e.g. date: 2020-07-08)"));
	}
}

/* The stages of a page, in English or as the editors say them. */
static const struct {
	const char *name;
	gz_status status;
} statuses[] = {
	{"published", GZ_PUBLISHED}, {"review", GZ_REVIEW}, {"draft", GZ_DRAFT},
	{"已发布", GZ_PUBLISHED},    {"待审", GZ_REVIEW},   {"草稿", GZ_DRAFT},
};

/* A page's text as it is parsed: the file, and the Markdown after its
 * front matter. */
typedef struct {
	char *data;       /* the file, NUL-terminated; owned */
	size_t len;
	const char *body; /* inside data */
	size_t body_len;
	int body_line;    /* the file's line of the body's first line, 1-based */
} page_text;

/* The file's bytes, from the page cache or the source. Returns 1 when the
 * cache brought the parse as well, 0 when the bytes still need parsing,
 * -1 on an error (reported). */
static int read_page(gz_page *p, gz_page_hashes *h, gz_source *src, const char *path,
		     gz_pagecache *cache, page_text *t, gz_diag *d)
{
	int got;

	if (cache) {
		got = gz_pagecache_get(cache, src, path, p, h, &t->data, &t->len);
	} else {
		got = gz_source_read(src, path, &t->data, &t->len);
		if (got == 0)
			h->src = gz_page_source_hash(t->data, t->len);
	}
	if (got < 0) {
		char *why = gz_source_read_error(src, path);
		gz_diag_error(d, path, 0, 0, "%s", why);
		free(why);
	}
	return got;
}

/* Text an editor can fix: valid UTF-8 without NUL bytes. */
static int check_text(const char *path, const char *data, size_t len, gz_diag *d)
{
	const char *nul;
	int line, col;

	if (!gz_utf8_valid(data, len, &line, &col)) {
		gz_diag_error(d, path, line, col,
			      _("invalid UTF-8; save the file as UTF-8 (not GBK/GB2312)"));
		return -1;
	}
	/* cmark would turn a NUL into U+FFFD and libyaml calls it a "control
	 * character": neither tells the editor the file is damaged */
	nul = memchr(data, '\0', len);
	if (nul) {
		position_of(data, (size_t)(nul - data), &line, &col);
		gz_diag_error(d, path, line, col,
			      _("a NUL byte; the file is damaged or not text (save it again "
			      "as UTF-8 text)"));
		return -1;
	}
	return 0;
}

/* Parses the front matter into p->fm and finds the body after it. Only an
 * _index.md may go without front matter. */
static int parse_front_matter(gz_page *p, const char *path, page_text *t, gz_diag *d)
{
	const char *fm = t->data;
	size_t fm_len = 0;
	bool closed;

	/* a byte-order mark is legal UTF-8 but not part of the text */
	if (t->len >= 3 && !memcmp(t->data, "\xef\xbb\xbf", 3)) {
		memmove(t->data, t->data + 3, t->len - 3);
		t->len -= 3;
		t->data[t->len] = '\0';
	}
	t->body_line = 1;
	if (!split_front_matter(t->data, t->len, &fm, &fm_len, &t->body, &t->body_line, &closed)) {
		if (!strstr(path, "/_index.md")) {
			gz_diag_error(d, path, 1, 1,
				      _("no front matter; start the file with a '---' line, then "
				      "title: and date:, then '---'"));
			return -1;
		}
		t->body = t->data;
		fm_len = 0;
	} else if (!closed) {
		gz_diag_error(d, path, 1, 1, _("front matter is not closed; add a '---' line after it"));
		return -1;
	}
	t->body_len = t->len - (size_t)(t->body - t->data);
	if (gz_yaml_parse(&p->fm, fm ? fm : "", fm_len, 1, path, d) < 0)
		return -1;
	if (p->fm->type != GZ_MAP && p->fm->type != GZ_NULL) {
		gz_diag_error(d, path, p->fm->line, p->fm->col,
			      _("front matter must be 'key: value' lines"));
		return -1;
	}
	return 0;
}

/* Every image of the body must be inside content/ and be there. */
static void check_images(const gz_page *p, gz_source *src, const char *path,
			 const gz_md_result *md, gz_diag *d)
{
	size_t i;

	for (i = 0; i < md->nimages; i++) {
		char *file, *url;
		int r = resolve_ref(p, md->images[i].src, &file, &url);
		if (r < 0) {
			gz_diag_error(d, path, md->images[i].line, md->images[i].col,
				      _("image '%s' points outside content/"), md->images[i].src);
		} else if (r == 0 && !gz_source_exists(src, file)) {
			gz_missing_file(d, path, md->images[i].line, md->images[i].col, src, true,
					md->images[i].src, file);
		}
		free(file);
		free(url);
	}
}

/* The body in HTML and plain text, kept in the page (and the hash of its
 * text in h); md keeps the rest (the lead). Images in content/ become
 * photos of the page through ictx. */
static void render_body(gz_page *p, gz_page_hashes *h, const gz_config *cfg, gz_source *src,
			const char *path, const gz_page_filter *filter, const page_text *t,
			gz_md_result *md, image_ctx *ictx, gz_diag *d)
{
	gz_md_opts opts;
	char *rel_base = NULL;

	memset(&opts, 0, sizeof(opts));
	opts.unsafe = cfg->unsafe_html;
	opts.allow_embeds = cfg->allow_embeds;
	opts.base_path = cfg->base_path;
	opts.line_offset = t->body_line - 1;
	opts.backref_label = cfg->language && !strncmp(cfg->language, "zh", 2) ? "返回正文" : NULL;
	/* a plain page's URL adds a folder its file does not have */
	if (!p->bundle) {
		gz_buf b = GZ_BUF_INIT;
		if (!strcmp(p->dir, "content"))
			gz_buf_putc(&b, '/');
		else
			gz_buf_printf(&b, "/%s/", p->dir + strlen("content/"));
		rel_base = gz_buf_detach(&b, NULL);
		opts.rel_base = rel_base;
	}
	/* images in content/ become <!--gz-img N--> for the photo stage */
	ictx->page = p;
	ictx->src = src;
	opts.image_html = page_image;
	opts.image_payload = ictx;
	if (filter)
		opts.hooks = filter->hooks(path, &p->fm, filter->payload);
	if (gz_markdown_render(md, t->body, t->body_len, &opts) < 0 && md->nerrors) {
		/* the site decides: errors, or with --keep-going warnings */
		p->hook_errors = md->errors;
		p->nhook_errors = md->nerrors;
		md->errors = NULL;
		md->nerrors = 0;
	}
	free(rel_base);
	check_images(p, src, path, md, d);
	p->html = md->html;
	p->html_len = md->html_len;
	p->plain = md->plain;
	p->doc = md->doc;
	h->plain = gz_page_plain_hash(md->plain, md->plain_len);
	p->chars = gz_text_count(md->plain, md->plain_len);
	md->html = md->plain = md->doc = NULL;
}

/* What a cache hit brings ready: the text checked, the front matter
 * parsed, the page placed and its body rendered. */
static int parse_page(gz_page *p, gz_page_hashes *h, const gz_config *cfg, gz_source *src,
		      const char *path, const gz_page_filter *filter, page_text *t,
		      gz_md_result *md, image_ctx *ictx, gz_diag *d)
{
	if (check_text(path, t->data, t->len, d) < 0 ||
	    parse_front_matter(p, path, t, d) < 0 || place_page(p, path, d) < 0)
		return -1;
	/* cmark's time grows faster than wide tables do: they are refused first */
	if (gz_limits_check(&cfg->limits, path, t->body, t->body_len, t->body_line, d) < 0)
		return -1;
	/* the body first: Lua filters may change the front matter */
	render_body(p, h, cfg, src, path, filter, t, md, ictx, d);
	return 0;
}

static void load_status(gz_page *p, const char *path, gz_diag *d)
{
	gz_value *v = gz_value_get(p->fm, "status");
	size_t i;

	if (!v || v->type != GZ_STR)
		return;
	for (i = 0; i < sizeof(statuses) / sizeof(*statuses); i++)
		if (!strcmp(v->str, statuses[i].name))
			break;
	if (i < sizeof(statuses) / sizeof(*statuses))
		p->status = statuses[i].status;
	else
		gz_diag_error(d, path, v->line, value_col(v, 0),
			      _("status '%s' must be draft, review or published (草稿, 待审 "
				"or 已发布)"),
			      v->str);
}

static void load_layout(gz_page *p, const char *path, gz_diag *d)
{
	gz_value *v;

	p->layout = dup_str(p->fm, "layout");
	v = gz_value_get(p->fm, "layout");
	if (!v)
		return;
	p->layout_line = v->line;
	p->layout_col = v->col;
	if (p->layout && gz_slug_is_hostile(p->layout)) {
		gz_diag_error(d, path, v->line, v->col,
			      _("layout '%s' must be a plain name"), p->layout);
		free(p->layout);
		p->layout = NULL;
	}
}

static void load_photos(gz_page *p, gz_source *src, const char *path, gz_diag *d)
{
	gz_value *v = gz_value_get(p->fm, "photos");
	size_t i;

	if (v && v->type == GZ_SEQ) {
		p->photos = gz_calloc(v->n ? v->n : 1, sizeof(*p->photos));
		for (i = 0; i < v->n; i++)
			if (load_photo(&p->photos[p->nphotos], p, src, v->items[i], d))
				p->nphotos++;
	} else if (v && !gz_value_is_null(v)) {
		gz_diag_error(d, path, v->line, v->col, _("photos must be a list of {src, caption, credit, alt}"));
	}
	settle_captions(p);
}

static void load_cover(gz_page *p, gz_source *src, gz_diag *d)
{
	gz_value *v = gz_value_get(p->fm, "cover");
	gz_photo ph;
	size_t i;

	if (!v || gz_value_is_null(v) || !load_photo(&ph, p, src, v, d))
		return;
	/* a cover that is one of the photos takes its caption */
	for (i = 0; i < p->nphotos; i++) {
		if (ph.file && p->photos[i].file && !strcmp(ph.file, p->photos[i].file)) {
			if (!ph.caption && p->photos[i].caption)
				ph.caption = gz_strdup(p->photos[i].caption);
			if (!ph.credit && p->photos[i].credit)
				ph.credit = gz_strdup(p->photos[i].credit);
			if (!ph.alt && p->photos[i].alt)
				ph.alt = gz_strdup(p->photos[i].alt);
		}
	}
	p->cover = gz_malloc(sizeof(*p->cover));
	*p->cover = ph;
}

/* The page's fields from its front matter; lead is the body's opening,
 * for a summary the front matter and the cache do not give. */
static void load_fields(gz_page *p, const gz_config *cfg, gz_source *src, const char *path,
			const char *lead, gz_diag *d)
{
	char *summary;

	p->title = gz_text_title_whole(gz_value_str(p->fm, "title"));
	if (!p->title && !p->is_index)
		gz_diag_error(d, path, 2, 1, _("missing 'title' in front matter"));
	load_date(p, "date", &p->date, &p->has_date, d);
	load_date(p, "updated", &p->updated, &p->has_updated, d);
	load_status(p, path, d);
	warn_unknown_fields(p, cfg, d);
	/* a hit has the summary the body made (the front matter's wins) */
	summary = dup_str(p->fm, "summary");
	if (summary) {
		free(p->summary);
		p->summary = summary;
	}
	p->author = dup_str(p->fm, "author");
	p->source = dup_str(p->fm, "source");
	p->reprint = dup_str(p->fm, "reprint");
	load_layout(p, path, d);
	p->featured = gz_value_bool(p->fm, "featured", false);
	load_terms(p, cfg, d);
	load_photos(p, src, path, d);
	load_cover(p, src, d);
	if (!p->summary) {
		gz_buf b = GZ_BUF_INIT;
		if (!lead)
			lead = "";
		gz_text_summary(&b, lead, strlen(lead), (size_t)cfg->summary_length);
		p->summary = gz_buf_detach(&b, NULL);
	}
}

/* What a parse settles, hashed with it: a hit brings these from its
 * cache entry. The front matter is as the filters left it (load_fields
 * only reads it). */
static void parse_hashes(gz_page_hashes *h, const gz_page *p, const gz_config *cfg)
{
	h->fields = gz_page_fields_hash(p, gz_value_hash(GZ_HASH_INIT, p->fm));
	gz_page_search_hashes(h, p, cfg->ntax);
	h->parsed = true;
}

int gz_page_load(gz_page *p, gz_page_hashes *hashes, const gz_config *cfg, gz_source *src,
		 const char *path, const gz_page_filter *filter, gz_pagecache *cache, gz_diag *d)
{
	page_text t;
	size_t before = d->errors, warned;
	gz_md_result md;
	image_ctx ictx;
	int got;

	memset(p, 0, sizeof(*p));
	memset(hashes, 0, sizeof(*hashes));
	memset(&t, 0, sizeof(t));
	memset(&md, 0, sizeof(md));
	memset(&ictx, 0, sizeof(ictx));
	p->path = gz_strdup(path);
	got = read_page(p, hashes, src, path, cache, &t, d);
	if (got < 0)
		return -1;
	/* a cache hit brings the parse: what follows only reads the fields */
	if (got == 0 && parse_page(p, hashes, cfg, src, path, filter, &t, &md, &ictx, d) < 0) {
		free(t.data);
		return -1;
	}
	/* a hit whose entry kept the fields brought them too */
	warned = d->warnings;
	if (!p->fm_at)
		load_fields(p, cfg, src, path, md.lead, d);
	/* a hit brought these with it */
	if (got == 0)
		parse_hashes(hashes, p, cfg);
	/* only a page without a problem is kept (the count is of every page,
	 * so another page's error may keep this one out: no harm); its fields
	 * too when they said nothing (a hit must say again what they said)
	 * and it has no photos (whose files a hit must look for again) */
	if (cache && got == 0 && d->errors == before && !p->nhook_errors)
		gz_pagecache_put(cache, p, hashes,
				 d->warnings == warned && !p->photos && !p->cover && !p->nimages,
				 ictx.probes.items, ictx.exists, ictx.probes.n);
	/* kept for the whole build: in one block, as a cache hit has it */
	if (p->fm && !p->fm->block) {
		gz_value *fm = gz_value_pack(p->fm);
		gz_value_free(p->fm);
		p->fm = fm;
	}
	gz_strlist_release(&ictx.probes);
	free(ictx.exists);
	gz_md_result_release(&md);
	free(t.data);
	return d->errors > before ? -1 : 0;
}

const char *gz_page_reprint_text(const gz_page *p)
{
	if (!p->reprint)
		return NULL;
	if (!strcmp(p->reprint, "with-attribution") || !strcmp(p->reprint, "allowed"))
		return "欢迎转载，请注明出处";
	if (!strcmp(p->reprint, "forbidden"))
		return "未经书面许可，不得转载";
	return p->reprint;
}

void gz_page_release_body(gz_page *p)
{
	free(p->html);
	free(p->plain);
	free(p->doc);
	p->html = p->plain = p->doc = NULL;
	p->html_len = 0;
}

void gz_page_release_images(gz_page *p)
{
	size_t i;

	for (i = 0; i < p->nimages; i++)
		free_photo(&p->images[i]);
	free(p->images);
	p->images = NULL;
	p->nimages = 0;
}

void gz_page_free(gz_page *p)
{
	size_t i;

	if (!p)
		return;
	free(p->path);
	free(p->dir);
	free(p->section);
	free(p->slug);
	free(p->url);
	free(p->out);
	free(p->title);
	free(p->summary);
	free(p->author);
	free(p->source);
	free(p->reprint);
	free(p->layout);
	gz_page_release_body(p);
	gz_value_free(p->fm);
	gz_value_free(p->extra);
	gz_md_errors_free(p->hook_errors, p->nhook_errors);
	/* each one block, names and lists in it */
	free(p->tax_values);
	free(p->terms);
	for (i = 0; i < p->nphotos; i++)
		free_photo(&p->photos[i]);
	free(p->photos);
	gz_page_release_images(p);
	if (p->cover) {
		free_photo(p->cover);
		free(p->cover);
	}
	free(p->related);
	free(p);
}
