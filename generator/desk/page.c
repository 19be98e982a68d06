/*
 * page.c: front matter to form fields and back.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/text.h"
#include "desk/page.h"
#include "load/yaml.h"

static const char *const known[] = {"title",   "date",    "slug",   "status", "summary",
				    "township", "village", "industry", "people", "tags",
				    "author",  "source",  "reprint", "photos"};

void gz_desk_set(char **field, const char *v)
{
	free(*field);
	*field = gz_strdup(v ? v : "");
}

static bool is_known(const char *line, size_t len)
{
	size_t i, k;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		k = strlen(known[i]);
		if (len > k && !strncmp(line, known[i], k) && line[k] == ':')
			return true;
	}
	return false;
}

/* A list or a scalar as one string, items joined with "、". */
static char *joined(const gz_value *v)
{
	gz_buf b = GZ_BUF_INIT;
	size_t i;

	if (!v)
		return gz_strdup("");
	if (v->type == GZ_STR)
		return gz_strdup(v->str);
	if (v->type == GZ_SEQ)
		for (i = 0; i < v->n; i++)
			if (v->items[i]->type == GZ_STR) {
				if (b.len)
					gz_buf_puts(&b, "、");
				gz_buf_puts(&b, v->items[i]->str);
			}
	return gz_buf_detach(&b, NULL);
}

static void empty(gz_desk_page *p)
{
	char **f[] = {&p->title,  &p->date,   &p->slug,   &p->status, &p->summary,
		      &p->township, &p->village, &p->industry, &p->people, &p->tags,
		      &p->author, &p->source, &p->reprint, &p->extra,  &p->body};
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!*f[i])
			*f[i] = gz_strdup("");
}

int gz_desk_page_parse(gz_desk_page *p, const char *md, size_t len, const char *path, gz_diag *d)
{
	const char *fm, *end, *line;
	gz_value *root = NULL;
	gz_buf extra = GZ_BUF_INIT;
	int lines = 0;
	bool keep = false;
	const gz_value *ph;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (len < 4 || strncmp(md, "---\n", 4) || !(end = strstr(md + 3, "\n---\n"))) {
		p->body = gz_strndup(md, len);
		p->body_line = 1;
		empty(p);
		return 0;
	}
	fm = md + 4;
	if (gz_yaml_parse(&root, fm, (size_t)(end + 1 - fm), 1, path, d) < 0) {
		p->body = gz_strndup(md, len);
		p->body_line = 1;
		empty(p);
		return -1;
	}
	p->title = gz_strdup(gz_value_str(root, "title") ? gz_value_str(root, "title") : "");
	p->date = gz_strdup(gz_value_str(root, "date") ? gz_value_str(root, "date") : "");
	p->slug = gz_strdup(gz_value_str(root, "slug") ? gz_value_str(root, "slug") : "");
	p->status = gz_strdup(gz_value_str(root, "status") ? gz_value_str(root, "status") : "");
	p->summary = gz_strdup(gz_value_str(root, "summary") ? gz_value_str(root, "summary") : "");
	p->author = gz_strdup(gz_value_str(root, "author") ? gz_value_str(root, "author") : "");
	p->source = gz_strdup(gz_value_str(root, "source") ? gz_value_str(root, "source") : "");
	p->reprint = gz_strdup(gz_value_str(root, "reprint") ? gz_value_str(root, "reprint") : "");
	p->township = joined(gz_value_get(root, "township"));
	p->village = joined(gz_value_get(root, "village"));
	p->industry = joined(gz_value_get(root, "industry"));
	p->people = joined(gz_value_get(root, "people"));
	p->tags = joined(gz_value_get(root, "tags"));
	ph = gz_value_get(root, "photos");
	for (i = 0; ph && ph->type == GZ_SEQ && i < ph->n && p->nphotos < GZ_DESK_MAX_PHOTOS; i++) {
		const gz_value *it = ph->items[i];
		gz_desk_photo *o = &p->photos[p->nphotos++];
		const char *s;

		o->src = gz_strdup((s = gz_value_str(it, "src")) ? s : "");
		o->caption = gz_strdup((s = gz_value_str(it, "caption")) ? s : "");
		o->credit = gz_strdup((s = gz_value_str(it, "credit")) ? s : "");
		o->alt = gz_strdup((s = gz_value_str(it, "alt")) ? s : "");
	}
	gz_value_free(root);
	/* a top-level key starts a block; indented lines belong to it */
	for (line = fm; line <= end; lines++) {
		const char *nl = memchr(line, '\n', (size_t)(end + 1 - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);

		if (n && line[0] != ' ' && line[0] != '-' && line[0] != '#')
			keep = !is_known(line, n);
		if (keep) {
			gz_buf_add(&extra, line, n);
			gz_buf_putc(&extra, '\n');
		}
		line += n + 1;
	}
	p->extra = gz_buf_detach(&extra, NULL);
	p->body = gz_strdup(end + 5);
	p->body_line = lines + 3;
	empty(p);
	return 0;
}

static void scalar(gz_yaml_out *y, const char *key, const char *v, bool quoted)
{
	if (v && *v)
		gz_yaml_out_scalar(y, key, v, quoted);
}

/* Items typed with 、 ， , ; or ； between them, as a flow list. */
static void list(gz_yaml_out *y, const char *key, const char *v)
{
	static const char *const seps[] = {"、", "，", ",", "；", ";"};
	const char *s = v;
	bool any = false;

	if (!v || !*v)
		return;
	while (*s) {
		size_t best = strlen(s), i, skip = 0;
		gz_buf item = GZ_BUF_INIT;
		const char *t;

		for (i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
			const char *f = strstr(s, seps[i]);
			if (f && (size_t)(f - s) < best) {
				best = (size_t)(f - s);
				skip = strlen(seps[i]);
			}
		}
		gz_buf_add(&item, s, best);
		while (item.len && item.ptr[item.len - 1] == ' ')
			gz_buf_truncate(&item, item.len - 1);
		for (t = item.ptr; t && *t == ' '; t++)
			;
		if (t && *t) {
			if (!any)
				gz_yaml_out_seq(y, key, true);
			gz_yaml_out_scalar(y, NULL, t, true);
			any = true;
		}
		gz_buf_release(&item);
		s += best + skip;
		if (!skip)
			break;
	}
	if (any)
		gz_yaml_out_close(y);
}

/* A township or village: one name, or a list when several were written
 * (a story of two villages keeps both). */
static void place(gz_yaml_out *y, const char *key, const char *v)
{
	if (v && (strstr(v, "、") || strstr(v, "，") || strchr(v, ',') || strstr(v, "；") || strchr(v, ';')))
		list(y, key, v);
	else
		scalar(y, key, v, true);
}

static void photos(gz_yaml_out *y, const gz_desk_page *p)
{
	size_t i;

	if (!p->nphotos)
		return;
	gz_yaml_out_seq(y, "photos", false);
	for (i = 0; i < p->nphotos; i++) {
		gz_yaml_out_map(y, NULL);
		gz_yaml_out_scalar(y, "src", p->photos[i].src, true);
		gz_yaml_out_scalar(y, "caption", p->photos[i].caption, true);
		gz_yaml_out_scalar(y, "credit", p->photos[i].credit, true);
		gz_yaml_out_scalar(y, "alt", p->photos[i].alt, true);
		gz_yaml_out_close(y);
	}
	gz_yaml_out_close(y);
}

/* The known fields through libyaml's emitter, in the form's order; date and
 * status plain (a date the caller checked, one of three words), the rest
 * in double quotes so that a title like "2019" or "是" stays a string. */
static int known_fields(gz_buf *out, const gz_desk_page *p)
{
	gz_yaml_out *y = gz_yaml_out_begin(out);

	scalar(y, "title", p->title, true);
	scalar(y, "date", p->date, false);
	scalar(y, "slug", p->slug, true);
	scalar(y, "status", p->status, false);
	scalar(y, "summary", p->summary, true);
	place(y, "township", p->township);
	place(y, "village", p->village);
	list(y, "industry", p->industry);
	list(y, "people", p->people);
	list(y, "tags", p->tags);
	scalar(y, "author", p->author, true);
	scalar(y, "source", p->source, true);
	scalar(y, "reprint", p->reprint, true);
	photos(y, p);
	return gz_yaml_out_end(y);
}

int gz_desk_page_write(gz_buf *out, gz_desk_page *p)
{
	gz_buf fm = GZ_BUF_INIT;
	const char *c;
	int n = 0;

	if (known_fields(&fm, p) < 0) {
		gz_buf_release(&fm);
		return -1;
	}
	gz_buf_puts(out, "---\n");
	/* an empty mapping is written "{}": no fields at all is no line */
	if (fm.len && strcmp(fm.ptr, "{}\n"))
		gz_buf_add(out, fm.ptr, fm.len);
	gz_buf_release(&fm);
	if (p->extra && *p->extra) {
		gz_buf_puts(out, p->extra);
		if (out->ptr[out->len - 1] != '\n')
			gz_buf_putc(out, '\n');
	}
	gz_buf_puts(out, "---\n");
	for (c = out->ptr; *c; c++)
		n += *c == '\n';
	p->body_line = n + 1;
	gz_buf_puts(out, p->body ? p->body : "");
	if (out->len && out->ptr[out->len - 1] != '\n')
		gz_buf_putc(out, '\n');
	return 0;
}

char *gz_desk_page_title(const gz_desk_page *p)
{
	return gz_text_title_whole(p->title ? p->title : "");
}

void gz_desk_page_release(gz_desk_page *p)
{
	size_t i;

	free(p->title);
	free(p->date);
	free(p->slug);
	free(p->status);
	free(p->summary);
	free(p->township);
	free(p->village);
	free(p->industry);
	free(p->people);
	free(p->tags);
	free(p->author);
	free(p->source);
	free(p->reprint);
	free(p->extra);
	free(p->body);
	for (i = 0; i < p->nphotos; i++) {
		free(p->photos[i].src);
		free(p->photos[i].caption);
		free(p->photos[i].credit);
		free(p->photos[i].alt);
	}
	memset(p, 0, sizeof(*p));
}
