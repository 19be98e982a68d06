/*
 * diff.c: the changes of a page as an editor reads them, for the review
 * screen: per file, the front matter's fields that changed as "field:
 * old → new" rows, the body as lines added and taken out, photos by name
 * and size with a thumbnail. Everything taken from the repository is
 * escaped on its way into the HTML.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "base/text.h"
#include "desk/internal.h"

/* Lines of context kept around a change; farther ones become one "…". */
#define CONTEXT 2
/* The line diff's table may hold this many cells (4 bytes each); a larger
 * change is shown as all its old lines taken out and its new ones added. */
#define MAX_CELLS (1u << 22)

typedef struct {
	const char *s;
	size_t n;
} line;

typedef struct {
	char op;             /* ' ', '+' or '-' */
	const line *l;
} step;

static size_t split(line **out, const char *s)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	while (s && *s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		gz_grow((void **)out, &cap, n + 1, sizeof(line));
		(*out)[n].s = s;
		(*out)[n++].n = len;
		s += len + (nl ? 1 : 0);
	}
	return n;
}

static bool same(const line *a, const line *b)
{
	return a->n == b->n && !memcmp(a->s, b->s, a->n);
}

static void add_step(step **st, size_t *n, size_t *cap, char op, const line *l)
{
	gz_grow((void **)st, cap, *n + 1, sizeof(step));
	(*st)[*n].op = op;
	(*st)[(*n)++].l = l;
}

/* The steps from a[0..na) to b[0..nb): the longest common subsequence of
 * what is left once the common beginning and end are set aside. */
static size_t steps(step **st, const line *a, size_t na, const line *b, size_t nb)
{
	size_t n = 0, cap = 0, pre = 0, post = 0, i, j, w;
	uint32_t *t = NULL;

	*st = NULL;
	while (pre < na && pre < nb && same(&a[pre], &b[pre]))
		pre++;
	while (post < na - pre && post < nb - pre && same(&a[na - 1 - post], &b[nb - 1 - post]))
		post++;
	for (i = 0; i < pre; i++)
		add_step(st, &n, &cap, ' ', &a[i]);
	a += pre, b += pre, na -= pre + post, nb -= pre + post;
	w = nb + 1;
	if (na && nb && (na + 1) * w <= MAX_CELLS) {
		/* t[i][j]: the common lines of a[i..] and b[j..] */
		t = gz_calloc((na + 1) * w, sizeof(*t));
		for (i = na; i-- > 0;)
			for (j = nb; j-- > 0;)
				t[i * w + j] = same(&a[i], &b[j]) ? t[(i + 1) * w + j + 1] + 1 :
					       t[(i + 1) * w + j] > t[i * w + j + 1] ? t[(i + 1) * w + j] :
					       t[i * w + j + 1];
	}
	for (i = 0, j = 0; i < na || j < nb;) {
		if (t && i < na && j < nb && same(&a[i], &b[j]))
			add_step(st, &n, &cap, ' ', &a[i++]), j++;
		else if (i < na && (!t || j == nb || t[(i + 1) * w + j] >= t[i * w + j + 1]))
			add_step(st, &n, &cap, '-', &a[i++]);
		else
			add_step(st, &n, &cap, '+', &b[j++]);
	}
	for (i = 0; i < post; i++)
		add_step(st, &n, &cap, ' ', &a[na + i]);
	free(t);
	return n;
}

/* from and to as a line diff: added lines class "add", taken out "del". */
static void lines_html(gz_buf *b, const char *from, const char *to)
{
	line *a, *bl;
	size_t na = split(&a, from), nb = split(&bl, to), n, i, k;
	step *st;
	bool gap = false;

	n = steps(&st, a, na, bl, nb);
	gz_buf_puts(b, "<pre class=\"diff\">");
	for (i = 0; i < n; i++) {
		bool near = st[i].op != ' ';
		for (k = i > CONTEXT ? i - CONTEXT : 0; !near && k < n && k <= i + CONTEXT; k++)
			near = st[k].op != ' ';
		if (!near) {
			if (!gap)
				gz_buf_puts(b, "<span class=\"gap\">…</span>\n");
			gap = true;
			continue;
		}
		gap = false;
		gz_buf_printf(b, "<span class=\"%s\">%s", st[i].op == '+' ? "add" :
							  st[i].op == '-' ? "del" : "ctx",
			      st[i].op == '+' ? "+ " : st[i].op == '-' ? "− " : "  ");
		gz_buf_add_html(b, st[i].l->s, st[i].l->n);
		gz_buf_puts(b, "</span>\n");
	}
	gz_buf_puts(b, "</pre>");
	free(st);
	free(a);
	free(bl);
}

static void row(gz_buf *b, bool *open, const char *label, const char *from, const char *to)
{
	if (!strcmp(from, to))
		return;
	if (!*open)
		gz_buf_puts(b, "<table class=\"fields\">");
	*open = true;
	gz_buf_puts(b, "<tr><th>");
	html(b, label);
	gz_buf_puts(b, "</th><td>");
	if (*from) {
		gz_buf_puts(b, "<del>");
		html(b, from);
		gz_buf_puts(b, "</del> → ");
	}
	gz_buf_puts(b, "<ins>");
	html(b, *to ? to : "—");
	gz_buf_puts(b, "</ins></td></tr>");
}

static const char *reprint_label(const char *v)
{
	if (!strcmp(v, "with-attribution"))
		return _("With attribution");
	if (!strcmp(v, "forbidden"))
		return _("Forbidden");
	return *v ? v : "";
}

static const gz_desk_photo *photo_of(const gz_desk_page *p, const char *src)
{
	size_t i;

	for (i = 0; i < p->nphotos; i++)
		if (!strcmp(p->photos[i].src, src))
			return &p->photos[i];
	return NULL;
}

/* The photos' captions, credits and alt texts that changed: a photo p has
 * and q has not (or the other way) changes from or to "". */
static void photo_rows(gz_buf *b, bool *open, const gz_desk_page *from, const gz_desk_page *to)
{
	static const gz_desk_photo none = {"", "", "", ""};
	const gz_desk_page *pages[2] = {to, from};
	size_t k, i;

	for (k = 0; k < 2; k++)
		for (i = 0; i < pages[k]->nphotos; i++) {
			const char *src = pages[k]->photos[i].src;
			const gz_desk_photo *o = photo_of(from, src), *n = photo_of(to, src);
			gz_buf l = GZ_BUF_INIT;
			size_t len;

			if (k == 1 && n)
				continue; /* seen among to's */
			o = o ? o : &none;
			n = n ? n : &none;
			gz_buf_printf(&l, "%s %s · ", _("Photo"), src);
			len = l.len;
			gz_buf_puts(&l, _("Caption"));
			row(b, open, l.ptr, o->caption, n->caption);
			gz_buf_truncate(&l, len);
			gz_buf_puts(&l, _("Credit"));
			row(b, open, l.ptr, o->credit, n->credit);
			gz_buf_truncate(&l, len);
			gz_buf_puts(&l, _("Alt text (what the photo shows)"));
			row(b, open, l.ptr, o->alt, n->alt);
			gz_buf_release(&l);
		}
}

/* A Markdown file: its fields, then its body. from NULL: a new file. */
static void page_html(gz_buf *b, const char *from, size_t flen, const char *to, size_t tlen)
{
	gz_desk_page o, n;
	bool open = false;
	int bad;

	bad = gz_desk_page_parse(&o, from ? from : "", from ? flen : 0, NULL, NULL) < 0;
	bad |= gz_desk_page_parse(&n, to, tlen, NULL, NULL) < 0;
	if (bad) {
		/* front matter that is not YAML: the whole files, line by line */
		lines_html(b, from ? from : "", to);
		goto cleanup;
	}
	row(b, &open, _("Title"), o.title, n.title);
	row(b, &open, _("Date"), o.date, n.date);
	row(b, &open, _("Address name"), o.slug, n.slug);
	row(b, &open, _("Status"), *o.status ? desk_status_label(o.status) : "",
	    desk_status_label(*n.status ? n.status : "published"));
	row(b, &open, _("Township"), o.township, n.township);
	row(b, &open, _("Village"), o.village, n.village);
	row(b, &open, _("Industry"), o.industry, n.industry);
	row(b, &open, _("People (separated by 、)"), o.people, n.people);
	row(b, &open, _("Tags (separated by 、)"), o.tags, n.tags);
	row(b, &open, _("Summary"), o.summary, n.summary);
	row(b, &open, _("Author"), o.author, n.author);
	row(b, &open, _("Source"), o.source, n.source);
	row(b, &open, _("Reuse terms"), reprint_label(o.reprint), reprint_label(n.reprint));
	photo_rows(b, &open, &o, &n);
	row(b, &open, _("Other fields"), o.extra, n.extra);
	if (open)
		gz_buf_puts(b, "</table>");
	if (strcmp(o.body, n.body)) {
		gz_buf_printf(b, "<h4>%s</h4>", _("Text"));
		lines_html(b, o.body, n.body);
	}
cleanup:
	gz_desk_page_release(&o);
	gz_desk_page_release(&n);
}

static bool is_photo(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && (!strcmp(dot, ".jpg") || !strcmp(dot, ".jpeg") || !strcmp(dot, ".png") ||
		       !strcmp(dot, ".webp"));
}

/* A file that is not a page: a photo by name, size and thumbnail. */
static void file_html(gz_buf *b, const char *name, bool was, bool is, size_t len,
		      const char *branch)
{
	gz_buf m = GZ_BUF_INIT;
	size_t kb = (len + 1023) / 1024;
	bool photo = is_photo(name);

	if (!is)
		gz_buf_printf(&m, photo ? _("Photo %s taken out") : _("File %s taken out"), name);
	else if (!was)
		gz_buf_printf(&m, photo ? _("New photo %s (%zu KB)") : _("New file %s (%zu KB)"), name,
			      kb);
	else
		gz_buf_printf(&m, photo ? _("Photo %s replaced (%zu KB)") : _("File %s changed (%zu KB)"),
			      name, kb);
	gz_buf_puts(b, "<p class=\"file\">");
	if (photo && is && !strchr(name, '/')) {
		gz_buf_puts(b, "<img class=\"thumb\" alt=\"\" loading=\"lazy\" src=\"/desk/photo?b=");
		desk_url_arg(b, branch);
		gz_buf_puts(b, "&amp;f=");
		desk_url_arg(b, name);
		gz_buf_puts(b, "\"> ");
	}
	html(b, m.ptr);
	gz_buf_puts(b, "</p>");
	gz_buf_release(&m);
}

/* The files of the page: a bundle's folder, or the one file. */
static void files_of(desk *dk, const char *from, const char *to, const char *rp, size_t dirlen,
		     bool bundle, gz_strlist *out)
{
	gz_strlist a = {0}, b = {0};
	gz_buf dir = GZ_BUF_INIT;
	size_t i, j;

	if (!bundle) {
		gz_strlist_add(out, rp);
		return;
	}
	gz_buf_add(&dir, rp, dirlen);
	gz_gitw_list(dk->git, from, dir.ptr, &a, NULL);
	gz_gitw_list(dk->git, to, dir.ptr, &b, NULL);
	/* both sorted: their union, in order */
	for (i = 0, j = 0; i < a.n || j < b.n;) {
		int cmp = i == a.n ? 1 : j == b.n ? -1 : strcmp(a.items[i], b.items[j]);
		gz_strlist_add(out, cmp <= 0 ? a.items[i] : b.items[j]);
		i += cmp <= 0;
		j += cmp >= 0;
	}
	gz_strlist_release(&a);
	gz_strlist_release(&b);
	gz_buf_release(&dir);
}

void desk_diff_html(desk_ctx *c, gz_buf *b, const char *from, const char *to, const char *page,
		    const char *branch)
{
	desk *dk = c->dk;
	char *rp = desk_repo_path(dk, page);
	size_t dirlen = (size_t)(strrchr(rp, '/') - rp + 1), i, shown = 0;
	gz_strlist files = {0};

	files_of(dk, from, to, rp, dirlen, strstr(page, "/index.md") != NULL, &files);
	/* the page first, then what its bundle holds */
	for (i = 0; i < 2 * files.n; i++) {
		const char *path = files.items[i % files.n], *name = path + dirlen;
		char *o = NULL, *n = NULL;
		size_t ol = 0, nl = 0;
		bool was, is;

		if ((i < files.n) != !strcmp(path, rp))
			continue;
		was = gz_gitw_read(dk->git, from, path, &o, &ol, NULL) == 0;
		is = gz_gitw_read(dk->git, to, path, &n, &nl, NULL) == 0;
		if (was == is && (!was || (ol == nl && !memcmp(o, n, ol)))) {
			free(o);
			free(n);
			continue;
		}
		shown++;
		gz_buf_puts(b, "<section class=\"change\"><h3>");
		html(b, name);
		gz_buf_puts(b, "</h3>");
		if (is && strlen(name) > 3 && !strcmp(name + strlen(name) - 3, ".md"))
			page_html(b, was ? o : NULL, ol, n, nl);
		else
			file_html(b, name, was, is, is ? nl : ol, branch);
		gz_buf_puts(b, "</section>");
		free(o);
		free(n);
	}
	if (!shown)
		gz_buf_printf(b, "<p class=\"none\">%s</p>", _("No changes."));
	gz_strlist_release(&files);
	free(rp);
}

void desk_do_photo(desk_ctx *c)
{
	const char *branch = field(c, "b"), *name = field(c, "f"), *dot = strrchr(name, '.');
	char owner[33], tip[GZ_SHA_SIZE], *rp = NULL, *data = NULL;
	gz_buf page = GZ_BUF_INIT, path = GZ_BUF_INIT;
	size_t len;

	if (!desk_branch_parse(branch, owner, sizeof(owner), &page) ||
	    !(desk_is_reviewer(c) || desk_may_edit(c, branch))) {
		desk_message(c, 403, _("Not yours"), _("This page is another editor's."));
		goto cleanup;
	}
	if (!strstr(page.ptr, "/index.md") || !is_photo(name) || strchr(name, '/') ||
	    name[0] == '.' || gz_slug_is_hostile(name)) {
		desk_message(c, 404, _("Not found"), name);
		goto cleanup;
	}
	rp = desk_repo_path(c->dk, page.ptr);
	gz_buf_add(&path, rp, (size_t)(strrchr(rp, '/') - rp + 1));
	gz_buf_puts(&path, name);
	if (gz_gitw_tip(c->dk->git, branch, tip, NULL) < 0 ||
	    gz_gitw_read(c->dk->git, tip, path.ptr, &data, &len, NULL) < 0) {
		desk_message(c, 404, _("Not found"), name);
		goto cleanup;
	}
	c->rp->type = !strcmp(dot, ".png") ? "image/png" : !strcmp(dot, ".webp") ? "image/webp" :
									       "image/jpeg";
	c->rp->sandbox = true;
	gz_buf_add(&c->rp->body, data, len);
cleanup:
	gz_buf_release(&page);
	gz_buf_release(&path);
	free(rp);
	free(data);
}
