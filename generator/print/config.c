/*
 * print.yml: the site's over the theme's over the default theme's,
 * read with their places so a bad value is reported where it is written.
 */
#include "print/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/hash.h"
#include "load/yaml.h"
#include "lua/theme.h"
#include "base/i18n.h"

gz_value *print_value_clone(const gz_value *v)
{
	gz_value *c = gz_calloc(1, sizeof(*c));
	size_t i;

	c->type = v->type;
	c->line = v->line;
	c->col = v->col;
	c->quoted = v->quoted;
	c->str = v->str ? gz_strdup(v->str) : NULL;
	c->n = v->n;
	c->items = gz_calloc(v->n ? v->n : 1, sizeof(*c->items));
	if (v->type == GZ_MAP)
		c->keys = gz_calloc(v->n ? v->n : 1, sizeof(*c->keys));
	for (i = 0; i < v->n; i++) {
		c->items[i] = print_value_clone(v->items[i]);
		if (v->type == GZ_MAP)
			c->keys[i] = gz_strdup(v->keys[i]);
	}
	return c;
}

/* Set map[key] to v (owned), replacing what was there. */
void print_value_put(gz_value *map, const char *key, gz_value *v)
{
	size_t i;

	for (i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key)) {
			gz_value_free(map->items[i]);
			map->items[i] = v;
			return;
		}
	map->keys = gz_realloc(map->keys, (map->n + 1) * sizeof(*map->keys));
	map->items = gz_realloc(map->items, (map->n + 1) * sizeof(*map->items));
	map->keys[map->n] = gz_strdup(key);
	map->items[map->n++] = v;
}

/* A string field; one already there keeps its position (for messages). */
void print_value_put_str(gz_value *map, const char *key, const char *s)
{
	const gz_value *old = gz_value_get(map, key);
	gz_value *v;

	if (!s)
		return;
	v = gz_calloc(1, sizeof(*v));
	v->type = GZ_STR;
	v->quoted = true;
	v->str = gz_strdup(s);
	if (old) {
		v->line = old->line;
		v->col = old->col;
	}
	print_value_put(map, key, v);
}

void print_value_put_title(gz_value *map, const char *whole, const char *cover)
{
	const gz_value *title = gz_value_get(map, "title");
	int line = title ? title->line : 0, col = title ? title->col : 0;
	gz_value *v;

	print_value_put_str(map, "title", whole);
	print_value_put_str(map, "cover_title", cover);
	if ((v = gz_value_get(map, "cover_title"))) {
		v->line = line;
		v->col = col;
	}
}

gz_value *print_value_map(void)
{
	gz_value *v = gz_calloc(1, sizeof(*v));
	v->type = GZ_MAP;
	return v;
}

/* over's keys into base, maps merged key by key */
static void value_merge(gz_value *base, const gz_value *over)
{
	size_t i;

	for (i = 0; i < over->n; i++) {
		gz_value *b = gz_value_get(base, over->keys[i]);
		if (b && b->type == GZ_MAP && over->items[i]->type == GZ_MAP)
			value_merge(b, over->items[i]);
		else
			print_value_put(base, over->keys[i], print_value_clone(over->items[i]));
	}
}

/* Read print.yml of the site (k 0) or the theme (k 1). */
static int read_config(printer *pr, int k, gz_source *src, const char *display)
{
	char *data = NULL;
	size_t len;
	gz_buf path = GZ_BUF_INIT;

	if (!src || gz_source_read(src, "print.yml", &data, &len) < 0)
		return 0;
	gz_buf_printf(&path, "%s%sprint.yml", display ? display : "", display ? "/" : "");
	pr->cfg_path[k] = gz_buf_detach(&path, NULL);
	if (gz_yaml_parse(&pr->cfg[k], data, len, 0, pr->cfg_path[k], pr->d) < 0) {
		free(data);
		return -1;
	}
	free(data);
	if (pr->cfg[k]->type == GZ_NULL) {
		gz_value_free(pr->cfg[k]);
		pr->cfg[k] = NULL;
	} else if (pr->cfg[k]->type != GZ_MAP) {
		gz_diag_error(pr->d, pr->cfg_path[k], 1, 1,
			      _("print.yml is a mapping (fonts:, colors:, brochure:, leaflet:)"));
		return -1;
	}
	return 0;
}

/* The value at a path of keys in the site's print.yml, else in the
 * theme's, else in the default theme's; *k says which (for messages). */
const gz_value *print_cfg_find(const printer *pr, const char *const *keys, int *k)
{
	int i;

	for (i = 0; i < 3; i++) {
		const gz_value *v = pr->cfg[i];
		size_t j;
		for (j = 0; keys[j] && v; j++)
			v = gz_value_get(v, keys[j]);
		if (v && !gz_value_is_null(v)) {
			*k = i;
			return v;
		}
	}
	return NULL;
}

/* A number from the configuration (def if no file gives it); one that is
 * not a number from lo to hi is an error at its place. */
double print_cfg_num(printer *pr, const char *const *keys, double def, double lo, double hi)
{
	int k = 0;
	const gz_value *v = print_cfg_find(pr, keys, &k);
	char *end;
	double x;

	if (!v)
		return def;
	x = v->type == GZ_STR ? strtod(v->str, &end) : 0;
	if (v->type != GZ_STR || end == v->str || *end || x < lo || x > hi) {
		gz_diag_error(pr->d, pr->cfg_path[k], v->line, v->col,
			      _("'%s' is not a number from %g to %g"), v->type == GZ_STR ? v->str : "",
			      lo, hi);
		return def;
	}
	return x;
}

/* A per-size setting: section.key.SIZE.field, else section.key.default.field. */
double print_cfg_sized(printer *pr, const char *section, const char *key, const char *field,
			double def, double lo, double hi)
{
	const char *a[] = {section, key, pr->size_name, field, NULL};
	const char *b[] = {section, key, "default", field, NULL};
	int k;

	if (!field) {
		a[3] = b[3] = NULL;
	}
	if (print_cfg_find(pr, a, &k))
		return print_cfg_num(pr, a, def, lo, hi);
	return print_cfg_num(pr, b, def, lo, hi);
}

static bool parse_rgb(const char *s, double rgb[3])
{
	unsigned v;
	size_t i;

	if (!s || s[0] != '#' || strlen(s) != 7)
		return false;
	for (i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	v = (unsigned)strtoul(s + 1, NULL, 16);
	rgb[0] = (v >> 16 & 0xff) / 255.0;
	rgb[1] = (v >> 8 & 0xff) / 255.0;
	rgb[2] = (v & 0xff) / 255.0;
	return true;
}

/* Both files, merged for the layouts; every colour checked. */
int print_load_config(printer *pr)
{
	const gz_value *colors;
	size_t i;
	int k, rc = 0;

	if (read_config(pr, 0, pr->src, NULL) < 0)
		rc = -1;
	if (read_config(pr, 1, pr->o->theme_src, pr->o->theme_display) < 0)
		rc = -1;
	if (read_config(pr, 2, pr->fallback, pr->fallback_display) < 0)
		rc = -1;
	pr->style = print_value_map();
	for (k = 2; k >= 0; k--)
		if (pr->cfg[k])
			value_merge(pr->style, pr->cfg[k]);
	for (k = 0; k < 3; k++) {
		colors = gz_value_get(pr->cfg[k], "colors");
		for (i = 0; colors && colors->type == GZ_MAP && i < colors->n; i++) {
			double rgb[3];
			const gz_value *v = colors->items[i];
			if (v->type != GZ_STR || !parse_rgb(v->str, rgb)) {
				gz_diag_error(pr->d, pr->cfg_path[k], v->line, v->col,
					      _("colour '%s' is not #rrggbb (quote it: \"#9e1217\")"),
					      v->type == GZ_STR ? v->str : "");
				rc = -1;
			}
		}
	}
	pr->ink[0] = pr->ink[1] = pr->ink[2] = 0.1;
	parse_rgb(gz_value_str(gz_value_get(pr->style, "colors"), "text"), pr->ink);
	return rc;
}

/* A theme of the site's own may have no print layouts or print.yml: the
 * default theme's are used under it. */
void print_open_fallback(printer *pr)
{
	const char *d = pr->o->theme_display;
	size_t n = d ? strlen(d) : 0;
	char *dir;

	if (!pr->o->theme_src || (n >= 7 && !strcmp(d + n - 7, "default")))
		return;
	dir = gz_theme_dir(gz_source_root(pr->src), "default", &pr->fallback_display);
	if (dir && gz_source_open_dir(&pr->fallback, dir, NULL) < 0)
		pr->fallback = NULL;
	free(dir);
}

/* The print files of one source into h. */
static uint64_t hash_print_files(uint64_t h, gz_source *s)
{
	gz_strlist files = {0};
	char *data;
	size_t len, i;

	if (!s)
		return gz_hash_mix(h, 0);
	gz_source_list(s, "print", &files);
	gz_strlist_sort(&files);
	gz_strlist_add(&files, "print.yml");
	for (i = 0; i < files.n; i++) {
		h = gz_hash_str(h, files.items[i]);
		if (gz_source_read(s, files.items[i], &data, &len) == 0) {
			h = gz_hash_add(h, data, len);
			free(data);
		}
	}
	h = gz_hash_mix(h, files.n);
	gz_strlist_release(&files);
	return h;
}

uint64_t gz_print_layouts_hash(gz_source *src, const gz_print_opts *o)
{
	printer pr;
	uint64_t h;

	memset(&pr, 0, sizeof(pr));
	pr.src = src;
	pr.o = o;
	print_open_fallback(&pr);
	h = hash_print_files(hash_print_files(hash_print_files(GZ_HASH_INIT, src), o->theme_src),
			     pr.fallback);
	gz_source_free(pr.fallback);
	free(pr.fallback_display);
	return h;
}
