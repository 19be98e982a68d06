#include "load/config.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "load/sanitize.h"
#include "base/text.h"
#include "base/i18n.h"

static const gz_taxonomy_def default_tax[] = {
	{"tags", "标签"}, {"township", "乡镇"}, {"village", "村"},
	{"industry", "产业"}, {"people", "人物"},
};

static char *str_or(const gz_value *root, const char *key, const char *def)
{
	const char *s = gz_value_str(root, key);
	return gz_strdup(s ? s : def);
}

/* A whole-number setting: def when it is not there, 0 when it is not a
 * whole number (paginate: ten), which every range below refuses. */
static long int_setting(const gz_value *root, const char *key, long def)
{
	const gz_value *v = gz_value_get(root, key);

	if (!v || gz_value_is_null(v))
		return def;
	return gz_value_int(root, key, 0);
}

/* The same, for a setting with no range of its own: one that is not a
 * whole number above 0 is an error at its line, and def is used. */
static int count_setting(const gz_value *root, const char *key, int def, const char *path,
			 gz_diag *d)
{
	long n = int_setting(root, key, def);

	if (n < 1 || n > 1000000) {
		const gz_value *v = gz_value_get(root, key);
		gz_diag_error(d, path, v ? v->line : 0, v ? v->col : 0,
			      _("%s must be a whole number above 0, like %d"), key, def);
		return def;
	}
	return (int)n;
}

static void set_base(gz_config *cfg, const char *url)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p;

	gz_buf_puts(&b, url);
	if (!b.len || b.ptr[b.len - 1] != '/')
		gz_buf_putc(&b, '/');
	cfg->base_url = gz_buf_detach(&b, NULL);
	/* the path begins at the first '/' after "scheme://host" */
	p = strstr(cfg->base_url, "://");
	p = p ? strchr(p + 3, '/') : cfg->base_url;
	cfg->base_path = gz_strdup(p && *p == '/' ? p : "/");
}

/* a page's commits (who, and their messages) are written for the
 * newsroom; readers see them only when the site says so */
static void load_history(gz_config *cfg, const gz_value *root, const char *path, gz_diag *d)
{
	gz_value *v;

	v = gz_value_get(root, "history");
	if (v) {
		const char *h = v->type == GZ_STR ? v->str : "";
		if (!strcmp(h, "public"))
			cfg->history_public = true;
		else if (strcmp(h, "private"))
			gz_diag_error(d, path, v->line, v->col,
				      _("history must be 'public' or 'private'"));
	}
}

/* taxonomies: a map of key to label, a list of keys, or the defaults */
static void load_taxonomies(gz_config *cfg, const gz_value *root, const char *path, gz_diag *d)
{
	gz_value *v;
	size_t i;

	v = gz_value_get(root, "taxonomies");
	if (v && v->type == GZ_MAP) {
		cfg->tax = gz_calloc(v->n, sizeof(*cfg->tax));
		for (i = 0; i < v->n; i++) {
			const char *label = v->items[i]->type == GZ_STR ? v->items[i]->str : v->keys[i];
			if (gz_slug_is_hostile(v->keys[i])) {
				gz_diag_error(d, path, v->items[i]->line, v->items[i]->col,
					      _("taxonomy key '%s' must be a plain name"), v->keys[i]);
				continue;
			}
			cfg->tax[cfg->ntax].key = gz_strdup(v->keys[i]);
			cfg->tax[cfg->ntax].label = gz_strdup(label);
			cfg->ntax++;
		}
	} else if (v && v->type == GZ_SEQ) {
		cfg->tax = gz_calloc(v->n, sizeof(*cfg->tax));
		for (i = 0; i < v->n; i++) {
			if (v->items[i]->type != GZ_STR || gz_slug_is_hostile(v->items[i]->str)) {
				gz_diag_error(d, path, v->items[i]->line, v->items[i]->col,
					      _("taxonomies: each item must be a plain name"));
				continue;
			}
			cfg->tax[cfg->ntax].key = gz_strdup(v->items[i]->str);
			cfg->tax[cfg->ntax].label = gz_strdup(v->items[i]->str);
			cfg->ntax++;
		}
	} else {
		size_t n = sizeof(default_tax) / sizeof(default_tax[0]);
		cfg->tax = gz_calloc(n, sizeof(*cfg->tax));
		for (i = 0; i < n; i++) {
			cfg->tax[i].key = gz_strdup(default_tax[i].key);
			cfg->tax[i].label = gz_strdup(default_tax[i].label);
		}
		cfg->ntax = n;
	}
}

/* the front-matter fields a site adds to the ones gazette knows */
static void load_fm_keys(gz_config *cfg, const gz_value *root, const char *path, gz_diag *d)
{
	gz_value *v;
	size_t i;

	v = gz_value_get(root, "front_matter");
	if (v && !gz_value_is_null(v)) {
		gz_value *keys = gz_value_get(v, "keys");
		if (v->type != GZ_MAP)
			gz_diag_error(d, path, v->line, v->col,
				      _("front_matter must be a mapping, e.g. front_matter: {keys: "
					"[episode, air_date]}"));
		else if (keys && keys->type == GZ_SEQ)
			for (i = 0; i < keys->n; i++) {
				if (keys->items[i]->type == GZ_STR && keys->items[i]->str[0])
					gz_strlist_add(&cfg->fm_keys, keys->items[i]->str);
				else
					gz_diag_error(d, path, keys->items[i]->line,
						      keys->items[i]->col,
						      _("front_matter.keys: each item must be the "
							"name of a field"));
			}
		else if (keys && !gz_value_is_null(keys))
			gz_diag_error(d, path, keys->line, keys->col,
				      _("front_matter.keys must be a list of field names, e.g. "
					"[episode, air_date]"));
	}
}

static void load_menu(gz_config *cfg, const gz_value *root, const char *path, gz_diag *d)
{
	gz_value *v;
	size_t i;

	v = gz_value_get(root, "menu");
	if (v && v->type == GZ_SEQ) {
		cfg->menu = gz_calloc(v->n, sizeof(*cfg->menu));
		for (i = 0; i < v->n; i++) {
			const char *name = gz_value_str(v->items[i], "name");
			const char *url = gz_value_str(v->items[i], "url");
			if (!name || !url) {
				gz_diag_error(d, path, v->items[i]->line, v->items[i]->col,
					      _("menu items need a name and a url"));
				continue;
			}
			cfg->menu[cfg->nmenu].name = gz_strdup(name);
			cfg->menu[cfg->nmenu].url = gz_strdup(url);
			cfg->nmenu++;
		}
	}
}

int gz_config_load(gz_config *cfg, const char *path, const char *data, size_t len, gz_diag *d)
{
	gz_value *root = NULL, *v;
	size_t before = d->errors;

	memset(cfg, 0, sizeof(*cfg));
	if (data) {
		if (gz_yaml_parse(&root, data, len, 0, path, d) < 0)
			root = NULL;
		else if (root->type != GZ_MAP && root->type != GZ_NULL) {
			gz_diag_error(d, path, root->line, root->col,
				      _("site.yml must be a mapping of settings (key: value)"));
		}
	}
	cfg->root = root;
	cfg->title = str_or(root, "title", "gazette");
	cfg->description = str_or(root, "description", "");
	cfg->language = str_or(root, "language", "zh-CN");
	cfg->theme = str_or(root, "theme", "default");
	if (gz_slug_is_hostile(cfg->theme)) {
		v = gz_value_get(root, "theme");
		gz_diag_error(d, path, v ? v->line : 0, v ? v->col : 0,
			      _("theme '%s' must be a folder name under themes/"), cfg->theme);
	}
	set_base(cfg, gz_value_str(root, "base_url") ? gz_value_str(root, "base_url") : "/");
	cfg->paginate = (int)int_setting(root, "paginate", 10);
	if (cfg->paginate < 1 || cfg->paginate > 10000) {
		v = gz_value_get(root, "paginate");
		gz_diag_error(d, path, v ? v->line : 0, v ? v->col : 0,
			      _("paginate must be a number from 1 to 10000"));
		cfg->paginate = 10;
	}
	cfg->summary_length = count_setting(root, "summary_length", 120, path, d);
	cfg->reading_rate = count_setting(root, "reading_rate", 400, path, d);
	cfg->feed_items = count_setting(root, "feed_items", 20, path, d);
	cfg->unsafe_html = gz_value_bool(gz_value_get(root, "markdown"), "unsafe", false);
	cfg->allow_embeds = gz_sanitize_load(gz_value_get(root, "markdown"), path, d);
	gz_limits_load(&cfg->limits, gz_value_get(root, "markdown"), path, d);
	cfg->search = gz_value_bool(root, "search", true);
	cfg->archive = gz_value_bool(root, "archive", false);
	load_history(cfg, root, path, d);
	cfg->broadcast_rate = (int)int_setting(root, "broadcast_rate", 250);
	if (cfg->broadcast_rate < 1 || cfg->broadcast_rate > 10000) {
		v = gz_value_get(root, "broadcast_rate");
		gz_diag_error(d, path, v ? v->line : 0, v ? v->col : 0,
			      _("broadcast_rate must be a number of characters a minute, 1 to 10000"));
		cfg->broadcast_rate = 250;
	}

	load_taxonomies(cfg, root, path, d);
	load_fm_keys(cfg, root, path, d);
	load_menu(cfg, root, path, d);
	cfg->broken = d->errors > before;
	return cfg->broken ? -1 : 0;
}

void gz_config_release(gz_config *cfg)
{
	size_t i;

	free(cfg->title);
	free(cfg->description);
	free(cfg->language);
	free(cfg->theme);
	free(cfg->base_url);
	free(cfg->base_path);
	for (i = 0; i < cfg->ntax; i++) {
		free(cfg->tax[i].key);
		free(cfg->tax[i].label);
	}
	free(cfg->tax);
	for (i = 0; i < cfg->nmenu; i++) {
		free(cfg->menu[i].name);
		free(cfg->menu[i].url);
	}
	free(cfg->menu);
	gz_strlist_release(&cfg->fm_keys);
	gz_value_free(cfg->root);
	memset(cfg, 0, sizeof(*cfg));
}
