#include "cli/check.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "load/pagefm.h"
#include "lua/theme.h"
#include "source/guard.h"
#include "base/pool.h"
#include "lua/script.h"
#include "model/site.h"
#include "source/source.h"
#include "base/strlist.h"
#include "base/suggest.h"
#include "base/text.h"
#include "load/yaml.h"
#include "media/image.h"

#define LONG_PARAGRAPH 500

typedef struct {
	gz_site *site;
	gz_source *src;
	gz_diag *d;
	gz_map urls;          /* every site path a link may go to (keys owned by owned) */
	gz_strlist owned;
	gz_value *places;     /* data/places.yml, or NULL */
	const char *publisher;
} checker;

static void add_url(checker *c, const char *url)
{
	if (gz_map_get(&c->urls, url))
		return;
	gz_strlist_add(&c->owned, url);
	gz_map_put(&c->urls, c->owned.items[c->owned.n - 1], c);
}

static void collect_urls(checker *c)
{
	gz_site *s = c->site;
	gz_strlist st = {0};
	gz_source *theme_src = NULL;
	char *theme, *display = NULL;
	size_t i, k;
	static const char *const fixed[] = {"/",          "/archive/",   "/atom.xml", "/sitemap.xml",
					    "/sitemap/",  "/photos/",    "/robots.txt", "/404.html",
					    "/subscribe/"};

	for (i = 0; i < sizeof(fixed) / sizeof(*fixed); i++)
		add_url(c, fixed[i]);
	for (i = 0; i < s->nall; i++)
		if (s->all[i]->url)
			add_url(c, s->all[i]->url);
	for (i = 0; i < s->nsections; i++) {
		gz_buf b = GZ_BUF_INIT;
		add_url(c, s->sections[i].url);
		gz_buf_printf(&b, "%satom.xml", s->sections[i].url);
		add_url(c, b.ptr);
		gz_buf_release(&b);
	}
	for (i = 0; i < s->cfg.ntax; i++) {
		add_url(c, s->tax[i].url);
		for (k = 0; k < s->tax[i].n; k++)
			add_url(c, s->tax[i].terms[k]->url);
	}
	for (i = 0; i < s->nyears; i++)
		add_url(c, s->years[i].url);
	for (i = 0; i < s->nmonths; i++)
		add_url(c, s->months[i].url);
	for (i = 0; i < s->files.n; i++)
		add_url(c, s->files.items[i] + strlen("content"));
	gz_source_list(c->src, "static", &st);
	theme = gz_theme_dir(gz_source_root(c->src), s->cfg.theme, &display);
	if (theme && gz_source_open_dir(&theme_src, theme, NULL) == 0)
		gz_source_list(theme_src, "static", &st);
	for (i = 0; i < st.n; i++)
		add_url(c, st.items[i] + strlen("static"));
	gz_strlist_release(&st);
	gz_source_free(theme_src);
	free(theme);
	free(display);
}

/* Is name in the places list `key`? If not, warn, with the closest name. */
static void check_place(checker *c, const gz_page *p, const char *key, const char *what,
			const gz_value *v)
{
	const gz_value *list = gz_value_get(c->places, key);
	const char **names, *best;
	size_t i, n = 0;

	if (!v || v->type != GZ_STR || !v->str || !*v->str)
		return;
	if (!list || list->type != GZ_SEQ)
		return;
	names = gz_calloc(list->n ? list->n : 1, sizeof(*names));
	for (i = 0; i < list->n; i++)
		if (list->items[i]->type == GZ_STR && list->items[i]->str)
			names[n++] = list->items[i]->str;
	best = gz_suggest(v->str, names, n);
	if (best && !strcmp(best, v->str))
		; /* known */
	else if (best)
		gz_diag_warn(c->d, p->path, v->line, v->col,
			     _("%s '%s' is not in data/places.yml; did you mean '%s'?"), _(what),
			     v->str, best);
	else
		gz_diag_warn(c->d, p->path, v->line, v->col,
			     _("%s '%s' is not in data/places.yml; check the name or add it there"),
			     _(what), v->str);
	free(names);
}

static void check_places(checker *c, const gz_page *p)
{
	static const struct {
		const char *field, *key, *what;
	} f[] = {{"township", "townships", N_("township")},
		 {"village", "villages", N_("village")},
		 {"industry", "industries", N_("industry")}};
	size_t i, k;

	if (!c->places || !gz_page_fm(p))
		return;
	for (i = 0; i < sizeof(f) / sizeof(*f); i++) {
		const gz_value *v = gz_value_get(gz_page_fm(p), f[i].field);
		if (v && v->type == GZ_SEQ)
			for (k = 0; k < v->n; k++)
				check_place(c, p, f[i].key, f[i].what, v->items[k]);
		else
			check_place(c, p, f[i].key, f[i].what, v);
	}
}

/* Does the file end as its kind of image does? The last bytes only (a
 * pre-commit check reads no whole photo): a JPEG's end of image (FF D9)
 * in its last 64 KB (phones append data after it), a PNG's IEND, a
 * WebP's RIFF size. A photo cut short, as a copy stopped half way leaves
 * it, fails; one damaged inside is for the build's decoding to find. */
static bool ends_whole(int fd, const unsigned char *head, size_t hn, off_t size)
{
	unsigned char tail[65536];
	size_t n = (size_t)(size < (off_t)sizeof(tail) ? size : (off_t)sizeof(tail)), i;
	const char *kind = gz_image_kind(head, hn);

	if (!kind || (strcmp(kind, "jpg") && strcmp(kind, "png") && strcmp(kind, "webp")))
		return true;
	if (pread(fd, tail, n, size - (off_t)n) != (ssize_t)n)
		return false;
	if (!strcmp(kind, "png"))
		return n >= 8 && !memcmp(tail + n - 8, "IEND\xae\x42\x60\x82", 8);
	if (!strcmp(kind, "webp")) {
		uint32_t riff = (uint32_t)head[4] | (uint32_t)head[5] << 8 | (uint32_t)head[6] << 16 |
				(uint32_t)head[7] << 24;
		return (off_t)riff + 8 <= size;
	}
	for (i = n; i >= 2; i--)
		if (tail[i - 2] == 0xff && tail[i - 1] == 0xd9)
			return true;
	return false;
}

/* A photo the page uses: there, an image, and not cut short (what the
 * build's photo stage would refuse without decoding it). */
static void check_photo_file(checker *c, const gz_page *p, const gz_photo *ph, bool image)
{
	gz_buf full = GZ_BUF_INIT;
	unsigned char head[16];
	struct stat st;
	const char *why = NULL;
	int fd;
	ssize_t hn;

	if (!ph->file || !gz_path_is_safe(ph->file))
		return; /* the load reported it, or it is a web address */
	gz_buf_printf(&full, "%s/%s", gz_source_root(c->src), ph->file);
	fd = open(full.ptr, O_RDONLY | O_CLOEXEC);
	gz_buf_release(&full);
	if (fd < 0)
		return; /* the load reported a missing file */
	hn = fstat(fd, &st) == 0 ? pread(fd, head, sizeof(head), 0) : -1;
	if (hn < 0)
		why = _("damaged or cut short (it cannot be read); export it again from the original");
	else if (!gz_image_kind(head, (size_t)hn) &&
		 !((size_t)hn >= 4 && !memcmp(head, "GIF8", 4)))
		why = _("not an image gazette can read (JPEG, PNG, WebP, GIF or TIFF)");
	else if (!ends_whole(fd, head, (size_t)hn, st.st_size))
		why = _("damaged or cut short (it stops before its end); export it again from the "
			"original");
	close(fd);
	if (why)
		gz_diag_error(c->d, p->path, ph->line, ph->col,
			      image ? _("image '%s' is %s%s") : _("photo '%s' is %s%s"),
			      ph->ref ? ph->ref : ph->file, why, "");
}

static void check_meta(checker *c, const gz_page *p)
{
	size_t i;

	for (i = 0; i < p->nphotos; i++)
		check_photo_file(c, p, &p->photos[i], false);
	/* the cover, when it is not one of the photos; the text's images */
	if (p->cover) {
		bool listed = false;
		for (i = 0; i < p->nphotos && !listed; i++)
			listed = p->photos[i].file && p->cover->file &&
				 !strcmp(p->photos[i].file, p->cover->file);
		if (!listed)
			check_photo_file(c, p, p->cover, false);
	}
	for (i = 0; i < p->nimages; i++)
		check_photo_file(c, p, &p->images[i], true);

	for (i = 0; i < p->nphotos; i++) {
		const gz_photo *ph = &p->photos[i];
		gz_buf miss = GZ_BUF_INIT;
		const char *name = strrchr(ph->file ? ph->file : "", '/');
		if (!ph->caption || !*ph->caption)
			gz_buf_puts(&miss, "caption");
		if (!ph->credit || !*ph->credit)
			gz_buf_printf(&miss, "%scredit", miss.len ? _(", ") : "");
		if (!ph->alt || !*ph->alt)
			gz_buf_printf(&miss, "%salt", miss.len ? _(", ") : "");
		if (miss.len)
			gz_diag_warn(c->d, p->path, ph->line, ph->col, _("photo '%s' has no %s"),
				     name ? name + 1 : "", miss.ptr);
		gz_buf_release(&miss);
	}
	if (p->source && *p->source && c->publisher && strcmp(p->source, c->publisher) &&
	    (!p->reprint || !*p->reprint)) {
		const gz_value *v = gz_value_get(gz_page_fm(p), "source");
		gz_diag_error(c->d, p->path, v ? v->line : 1, v ? v->col : 1,
			      _("source '%s' is not the site's own ('%s'); add 'reprint:' with the "
				"terms it may be used on"),
			      p->source, c->publisher);
	}
}

static int cmp_path(const void *a, const void *b)
{
	const gz_page *x = *(gz_page *const *)a, *y = *(gz_page *const *)b;
	return strcmp(x->path, y->path);
}

static void check_titles(checker *c)
{
	gz_page **v = gz_calloc(c->site->nall ? c->site->nall : 1, sizeof(*v));
	gz_map seen = {0};
	size_t i, n = 0;

	for (i = 0; i < c->site->nall; i++)
		if (c->site->all[i]->title && !c->site->all[i]->is_index)
			v[n++] = c->site->all[i];
	qsort(v, n, sizeof(*v), cmp_path);
	for (i = 0; i < n; i++) {
		gz_page *first = gz_map_get(&seen, v[i]->title);
		if (first) {
			const gz_value *t = gz_value_get(gz_page_fm(v[i]), "title");
			gz_diag_warn(c->d, v[i]->path, t ? t->line : 1, t ? t->col : 1,
				     _("title '%s' is also used by %s"), v[i]->title, first->path);
		} else {
			gz_map_put(&seen, v[i]->title, v[i]);
		}
	}
	gz_map_release(&seen);
	free(v);
}

/* Decode %XX in a link target (term URLs may be written either way). */
static void url_decode(gz_buf *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = gz_hex_value(s[i + 1])) >= 0 &&
		    (lo = gz_hex_value(s[i + 2])) >= 0) {
			gz_buf_putc(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			gz_buf_putc(out, s[i]);
		}
	}
}

static bool known_url(checker *c, const char *target, size_t n)
{
	gz_buf u = GZ_BUF_INIT;
	const char *base = c->site->cfg.base_path;
	size_t bl = base ? strlen(base) : 0, i;
	bool ok = false;

	url_decode(&u, target, n);
	/* written with the site's sub-path (/news/x/) or without it */
	if (bl > 1 && !strncmp(u.ptr, base, bl)) {
		gz_buf t = GZ_BUF_INIT;
		gz_buf_puts(&t, u.ptr + bl - 1);
		gz_buf_release(&u);
		u = t;
	}
	if (u.len >= 10 && !strcmp(u.ptr + u.len - 10, "index.html"))
		gz_buf_truncate(&u, u.len - 10);
	if (gz_map_get(&c->urls, u.ptr)) {
		ok = true;
	} else if (u.ptr[u.len - 1] != '/') {
		gz_buf_putc(&u, '/');
		ok = gz_map_get(&c->urls, u.ptr) != NULL;
	}
	/* /stories/page/2/: a list page of a section */
	for (i = 0; !ok && i < c->site->nsections; i++) {
		const char *su = c->site->sections[i].url;
		size_t sl = strlen(su);
		if (!strncmp(u.ptr, su, sl) && !strncmp(u.ptr + sl, "page/", 5) &&
		    strspn(u.ptr + sl + 5, "0123456789") > 0)
			ok = true;
	}
	gz_buf_release(&u);
	return ok;
}

static const char *full_width(uint32_t cp)
{
	switch (cp) {
	case ',': return "，";
	case ';': return "；";
	case ':': return "：";
	case '?': return "？";
	case '!': return "！";
	case '(': return "（";
	default: return NULL;
	}
}

static bool is_han(uint32_t cp)
{
	/* Chinese characters and full-width punctuation, not Latin */
	return gz_is_cjk(cp);
}

/* Open '[' of the body so far: an image's ('![') targets are checked by the
 * loader already, so only links are checked here. */
typedef struct {
	bool image[32];
	int depth;
} brackets;

/* One body line: punctuation and links. */
static void check_line(checker *c, const gz_page *p, const char *s, size_t len, int line,
		       brackets *br)
{
	bool image = false;
	uint32_t prev = 0;
	size_t i = 0;
	int col = 0;
	bool code = false;

	while (i < len) {
		uint32_t cp, next = 0;
		size_t k = gz_utf8_decode(s + i, len - i, &cp);
		if (!k) {
			cp = (unsigned char)s[i];
			k = 1;
		}
		col++;
		if (cp == '`')
			code = !code;
		if (!code && i + k < len && !gz_utf8_decode(s + i + k, len - i - k, &next))
			next = 0;
		if (!code && full_width(cp) && is_han(prev) && is_han(next))
			gz_diag_warn(c->d, p->path, line, col,
				     _("half-width '%c' between Chinese characters; use '%s'"), (char)cp,
				     full_width(cp));
		if (!code && cp == '[') {
			if (br->depth < 32)
				br->image[br->depth] = prev == '!';
			br->depth++;
		}
		if (!code && cp == ']') {
			image = false;
			if (br->depth > 0) {
				br->depth--;
				image = br->depth < 32 && br->image[br->depth];
			}
		}
		if (!code && cp == ']' && !image && i + 2 < len && s[i + 1] == '(' && s[i + 2] == '/' &&
		    (i + 3 >= len || s[i + 3] != '/')) {
			const char *t = s + i + 2;
			size_t n = strcspn(t, " )\t\"");
			size_t clean = strcspn(t, "#?");
			if (clean > n)
				clean = n;
			if (t + n > s + len)
				n = (size_t)(s + len - t);
			if (!known_url(c, t, clean))
				gz_diag_error(c->d, p->path, line, col + 2,
					      _("link '%.*s' goes to no page, list or file of this site"),
					      (int)n, t);
		}
		/* what an editor used to Hugo writes: gazette reads '::: name'
		 * fences, and this would be published as it stands, braces and all */
		if (!code && cp == '{' && i + 2 < len && s[i + 1] == '{' &&
		    (s[i + 2] == '<' || s[i + 2] == '%')) {
			gz_diag_error(c->d, p->path, line, col,
				      _("'{{%c' is Hugo's shortcode, which gazette does not read: it "
					"would be published as it stands; write '::: name' on a line "
					"of its own, then what goes in it, then ':::' on a line"),
				      s[i + 2]);
			code = true; /* once a line */
		}
		prev = cp;
		i += k;
	}
}

static void check_body(checker *c, const gz_page *p)
{
	char *data = NULL;
	size_t len = 0, pos = 0, para_chars = 0;
	int line = 1, para_line = 0;
	bool fence = false;
	gz_buf para = GZ_BUF_INIT;
	brackets br = {{false}, 0};

	if (gz_source_read(c->src, p->path, &data, &len) < 0)
		return;
	/* skip the front matter */
	if (!strncmp(data, "---\n", 4) || !strncmp(data, "---\r\n", 5)) {
		pos = strchr(data, '\n') - data + 1;
		line = 2;
		while (pos < len) {
			const char *nl = memchr(data + pos, '\n', len - pos);
			size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
			bool end = n >= 3 && !strncmp(data + pos, "---", 3) &&
				   strspn(data + pos + 3, " \t\r") == n - 3;
			pos += n + (nl ? 1 : 0);
			line++;
			if (end)
				break;
		}
	}
	while (pos <= len) {
		const char *s = data + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		size_t lead = strspn(s, " \t");
		bool blank = lead >= n || (n - lead == 1 && s[lead] == '\r');

		if (lead < n && (!strncmp(s + lead, "```", 3) || !strncmp(s + lead, "~~~", 3))) {
			fence = !fence;
			blank = true;
		}
		if (!fence && !blank) {
			check_line(c, p, s, n, line, &br);
			if (!para_line)
				para_line = line;
			if (s[lead] != '#' && s[lead] != '|')
				gz_buf_add(&para, s, n);
		}
		if (fence || blank || !nl) {
			br.depth = 0;
			para_chars = gz_text_count(para.ptr, para.len);
			if (para_line && para_chars > LONG_PARAGRAPH)
				gz_diag_warn(c->d, p->path, para_line, 1,
					     _("paragraph of %zu characters; split it (over %d is hard to "
					       "read on a phone)"),
					     para_chars, LONG_PARAGRAPH);
			para_line = 0;
			gz_buf_clear(&para);
		}
		if (!nl)
			break;
		pos += n + 1;
		line++;
	}
	gz_buf_release(&para);
	free(data);
}

static void load_places(checker *c)
{
	char *data = NULL;
	size_t len = 0;

	if (gz_source_read(c->src, "data/places.yml", &data, &len) < 0)
		return;
	if (gz_yaml_parse(&c->places, data, len, 0, "data/places.yml", c->d) < 0)
		c->places = NULL;
	else if (c->places && c->places->type != GZ_MAP) {
		gz_diag_error(c->d, "data/places.yml", 1, 1,
			      _("expected townships:, villages: and industries: lists"));
		gz_value_free(c->places);
		c->places = NULL;
	}
	free(data);
}

int gz_check_site(const char *source, gz_diag *d)
{
	checker c;
	gz_site site;
	gz_load_opts lo = {.drafts = true, .future = true};
	gz_theme theme;
	gz_page_filters filters;
	gz_source *theme_src = NULL;
	char *display = NULL;
	size_t i;

	memset(&c, 0, sizeof(c));
	memset(&site, 0, sizeof(site));
	c.d = d;
	c.site = &site;
	if (gz_source_open_dir(&c.src, source, d) < 0)
		return -1;
	/* the theme's hooks too: shortcodes and filters are part of the content */
	theme_src = gz_theme_open(&theme, c.src, source, &display, d);
	filters = gz_script_page_filters(&theme);
	lo.filters = &filters;
	lo.jobs = gz_pool_cores();
	gz_site_load(&site, c.src, &lo, d);
	{
		const gz_value *params = gz_value_get(site.cfg.root, "params");
		c.publisher = params ? gz_value_str(params, "publisher") : NULL;
	}
	/* a layout that does not compile would stop the build */
	if (theme_src)
		gz_script_check_layouts(&theme, &site, d);
	load_places(&c);
	collect_urls(&c);
	for (i = 0; i < site.nall; i++) {
		const gz_page *p = site.all[i];
		check_places(&c, p);
		check_meta(&c, p);
		check_body(&c, p);
	}
	check_titles(&c);
	/* what a build would refuse: links out of the site */
	gz_guard_links(c.src, d);

	gz_value_free(c.places);
	gz_map_release(&c.urls);
	gz_strlist_release(&c.owned);
	gz_site_release(&site);
	gz_theme_release(&theme);
	gz_source_free(theme_src);
	free(display);
	gz_source_free(c.src);
	return d->errors ? -1 : 0;
}

void gz_check_print_text(gz_diag *d, FILE *f)
{
	size_t i;

	gz_diag_sort(d);
	for (i = 0; i < d->n; i++) {
		const gz_diag_item *it = &d->items[i];
		fputs(it->path[0] ? it->path : _("site"), f);
		if (it->line > 0)
			fprintf(f, ":%d:%d", it->line, it->col > 0 ? it->col : 1);
		fprintf(f, ": %s%s\n", it->severity == GZ_ERROR ? _("error: ") : _("warning: "), it->msg);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void gz_check_print_json(gz_diag *d, FILE *f)
{
	size_t i;

	gz_diag_sort(d);
	fputs("[", f);
	for (i = 0; i < d->n; i++) {
		const gz_diag_item *it = &d->items[i];
		fputs(i ? ",\n  {\"path\": " : "\n  {\"path\": ", f);
		json_str(f, it->path);
		fprintf(f, ", \"line\": %d, \"col\": %d, \"severity\": \"%s\", \"message\": ", it->line,
			it->col, it->severity == GZ_ERROR ? "error" : "warning");
		json_str(f, it->msg);
		fputs("}", f);
	}
	fputs(d->n ? "\n]\n" : "]\n", f);
}
