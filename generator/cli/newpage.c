#include "cli/newpage.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "lua/theme.h"
#include "load/config.h"
#include "base/diag.h"
#include "base/i18n.h"
#include "base/suggest.h"
#include "base/text.h"
#include "load/yaml.h"

/* Where an error about what was given on the command line is placed */
static const char command[] = "gazette new";

/* The theme named in site.yml ("default" without one). */
static char *theme_name(const char *source)
{
	gz_buf p = GZ_BUF_INIT;
	gz_config cfg;
	gz_diag d;
	char *data, *name;
	size_t len = 0;

	gz_buf_printf(&p, "%s/site.yml", source);
	data = gz_file_read(p.ptr, &len);
	gz_buf_release(&p);
	memset(&cfg, 0, sizeof(cfg));
	gz_diag_init(&d);
	gz_config_load(&cfg, "site.yml", data ? data : "", data ? len : 0, &d);
	name = gz_strdup(cfg.theme ? cfg.theme : "default");
	gz_config_release(&cfg);
	gz_diag_release(&d);
	free(data);
	return name;
}

static char *find_archetype(const char *source, const char *kind, gz_diag *d)
{
	gz_buf p = GZ_BUF_INIT;
	char *theme = theme_name(source), *dir, *display = NULL, *data;

	gz_buf_printf(&p, "%s/archetypes/%s.md", source, kind);
	data = gz_file_read(p.ptr, NULL);
	if (!data) {
		dir = gz_theme_dir(source, theme, &display);
		if (dir) {
			gz_buf_clear(&p);
			gz_buf_printf(&p, "%s/archetypes/%s.md", dir, kind);
			data = gz_file_read(p.ptr, NULL);
		}
		if (!data)
			gz_diag_error(d, command, 0, 0,
				      _("no archetype for '%s' (looked for archetypes/%s.md and the "
					"theme's archetypes/)"),
				      kind, kind);
		free(dir);
		free(display);
	}
	gz_buf_release(&p);
	free(theme);
	return data;
}

static void yaml_quote(gz_buf *b, const char *s)
{
	gz_buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			gz_buf_putc(b, '\\');
		if (*s == '\n' || *s == '\r' || *s == '\t')
			gz_buf_putc(b, ' ');
		else
			gz_buf_putc(b, *s);
	}
	gz_buf_putc(b, '"');
}

/* Fill {{ name }} placeholders, dropping lines whose value is missing. */
static void fill(gz_buf *out, const char *tpl, const char *const *names, const char *const *vals,
		 size_t n)
{
	const char *line = tpl;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line + 1) : strlen(line);
		size_t start = out->len;
		const char *p = line;
		bool drop = false;

		while (p < line + len) {
			const char *open = strstr(p, "{{");
			const char *close = open ? strstr(open, "}}") : NULL;
			size_t i;

			if (!open || open >= line + len || !close || close >= line + len) {
				gz_buf_add(out, p, (size_t)(line + len - p));
				break;
			}
			gz_buf_add(out, p, (size_t)(open - p));
			const char *a = open + 2, *z = close, *bar, *def = NULL;
			size_t deflen = 0;
			while (a < z && *a == ' ')
				a++;
			while (z > a && z[-1] == ' ')
				z--;
			/* {{ name | default }}: the default when no value is given */
			bar = memchr(a, '|', (size_t)(z - a));
			if (bar) {
				def = bar + 1;
				while (def < z && *def == ' ')
					def++;
				deflen = (size_t)(z - def);
				z = bar;
				while (z > a && z[-1] == ' ')
					z--;
			}
			for (i = 0; i < n; i++)
				if (strlen(names[i]) == (size_t)(z - a) && !strncmp(a, names[i], (size_t)(z - a)))
					break;
			if (i == n)
				gz_buf_add(out, open, (size_t)(close + 2 - open));
			else if ((!vals[i] || !*vals[i]) && def)
				gz_buf_add(out, def, deflen);
			else if (!vals[i] || !*vals[i])
				drop = true;
			else if (!strcmp(names[i], "date"))
				gz_buf_puts(out, vals[i]);
			else
				yaml_quote(out, vals[i]);
			p = close + 2;
		}
		if (drop)
			gz_buf_truncate(out, start);
		line += len;
	}
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static int mkdirs(const char *root, const char *rel)
{
	gz_buf p = GZ_BUF_INIT;
	const char *s;
	int rc = 0;

	for (s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		gz_buf_clear(&p);
		gz_buf_printf(&p, "%s/%.*s", root, (int)(s - rel), rel);
		if (mkdir(p.ptr, 0755) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
	}
	gz_buf_release(&p);
	return rc;
}

/* Is name in data/places.yml's list `key`? 0 if it is (or there is no
 * such file or list): a misspelt place would start a term of its own. */
static int check_place(const gz_value *places, const char *key, const char *what,
		       const char *name, gz_diag *d)
{
	const gz_value *list = gz_value_get(places, key);
	const char **names;
	const char *best;
	size_t i, n = 0;

	if (!name || !*name || !list || list->type != GZ_SEQ)
		return 0;
	names = gz_calloc(list->n ? list->n : 1, sizeof(*names));
	for (i = 0; i < list->n; i++)
		if (list->items[i]->type == GZ_STR)
			names[n++] = list->items[i]->str;
	for (i = 0; i < n && strcmp(names[i], name); i++)
		;
	if (i < n) {
		free(names);
		return 0;
	}
	best = gz_suggest(name, names, n);
	/* TRANSLATORS: the first %s is the option, --township, --village or --industry */
	if (best)
		gz_diag_error(d, "data/places.yml", list->line, list->col,
			      _("%s '%s' is not in data/places.yml; did you mean '%s'? (--force keeps "
				"'%s')"),
			      what, name, best, name);
	else
		gz_diag_error(d, "data/places.yml", list->line, list->col,
			      _("%s '%s' is not in data/places.yml; check the name, add it there, or "
				"give --force to keep it"),
			      what, name);
	free(names);
	return -1;
}

static int check_places(const gz_newpage_opts *o, gz_diag *d)
{
	gz_buf p = GZ_BUF_INIT;
	gz_value *places = NULL;
	char *data;
	size_t len = 0;
	int rc = 0;

	gz_buf_printf(&p, "%s/data/places.yml", o->source);
	data = gz_file_read(p.ptr, &len);
	gz_buf_release(&p);
	if (!data)
		return 0;
	if (gz_yaml_parse(&places, data, len, 0, "data/places.yml", d) < 0) {
		free(data);
		return -1;
	}
	if (check_place(places, "townships", "--township", o->township, d) < 0 ||
	    check_place(places, "villages", "--village", o->village, d) < 0 ||
	    check_place(places, "industries", "--industry", o->industry, d) < 0)
		rc = -1;
	gz_value_free(places);
	free(data);
	return rc;
}

int gz_newpage_create(char **out, const gz_newpage_opts *o, gz_diag *d)
{
	gz_buf slug = GZ_BUF_INIT, rel = GZ_BUF_INIT, text = GZ_BUF_INIT, full = GZ_BUF_INIT;
	char *tpl = NULL, date[16], year[8];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	int fd = -1, rc = -1;

	*out = NULL;
	if (strcmp(o->kind, "story") && strcmp(o->kind, "policy") && strcmp(o->kind, "leaflet")) {
		gz_diag_error(d, command, 0, 0, _("'%s' is not a kind of page; use story, policy or leaflet"), o->kind);
		goto cleanup;
	}
	if (!*o->title) {
		gz_diag_error(d, command, 0, 0, _("the title is empty"));
		goto cleanup;
	}
	if (!o->force && check_places(o, d) < 0)
		goto cleanup;
	/* today in China (UTC+8), whatever the machine's zone: the day the
	 * desk puts on a new page, and the zone a date without one is read in */
	gz_date_from_time(date, (int64_t)now, 8 * 60);
	memcpy(year, date, 4);
	year[4] = '\0';

	if (o->slug) {
		if (gz_slug_is_hostile(o->slug)) {
			gz_diag_error(d, command, 0, 0, _("slug '%s' must be a plain name: no '/', '\\' or '..'"), o->slug);
			goto cleanup;
		}
		gz_slugify(&slug, o->slug);
	} else {
		gz_slugify(&slug, o->title);
		if (!is_ascii(slug.ptr) || !slug.len) {
			/* FNV-1a: stable across machines and versions */
			uint32_t h = 2166136261u;
			const unsigned char *p;
			for (p = (const unsigned char *)o->title; *p; p++)
				h = (h ^ *p) * 16777619u;
			gz_buf_clear(&slug);
			gz_buf_printf(&slug, "%s-%06x", date, (unsigned)(h & 0xffffff));
		}
	}
	if (!slug.len) {
		gz_diag_error(d, command, 0, 0, _("cannot make a file name from slug '%s'"), o->slug ? o->slug : "");
		goto cleanup;
	}
	if (!strcmp(o->kind, "story"))
		gz_buf_printf(&rel, "content/stories/%s/%s.md", year, slug.ptr);
	else if (!strcmp(o->kind, "policy"))
		gz_buf_printf(&rel, "content/policies/%s.md", slug.ptr);
	else
		gz_buf_printf(&rel, "content/leaflets/%s.md", slug.ptr);

	tpl = find_archetype(o->source, o->kind, d);
	if (!tpl)
		goto cleanup;
	{
		const char *names[] = {"title", "date", "slug", "township", "village", "industry"};
		const char *vals[] = {o->title,    date,       o->slug ? slug.ptr : NULL,
				      o->township, o->village, o->industry};
		fill(&text, tpl, names, vals, 6);
	}

	gz_buf_printf(&full, "%s/%s", o->source, rel.ptr);
	if (mkdirs(o->source, rel.ptr) < 0) {
		gz_diag_error(d, command, 0, 0, _("cannot make the folder for '%s': %s"), rel.ptr, strerror(errno));
		goto cleanup;
	}
	fd = open(full.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			gz_diag_error(d, command, 0, 0, _("'%s' already exists; not overwriting it (give another --slug)"),
				    rel.ptr);
		else
			gz_diag_error(d, command, 0, 0, _("cannot create '%s': %s"), rel.ptr, strerror(errno));
		goto cleanup;
	}
	if (write(fd, text.ptr, text.len) != (ssize_t)text.len) {
		gz_diag_error(d, command, 0, 0, _("cannot write '%s': %s"), rel.ptr, strerror(errno));
		unlink(full.ptr);
		goto cleanup;
	}
	*out = gz_buf_detach(&rel, NULL);
	rc = 0;

cleanup:
	if (fd >= 0)
		close(fd);
	free(tpl);
	gz_buf_release(&slug);
	gz_buf_release(&rel);
	gz_buf_release(&text);
	gz_buf_release(&full);
	return rc;
}
