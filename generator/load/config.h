/*
 * config.h: site.yml, the site's settings.
 *
 * Everything has a default, so an empty site.yml builds. Unknown keys are
 * kept (templates see them as site.params and site.yml's raw tree).
 *
 * front_matter: {keys: [episode, air_date]} names the front-matter fields
 * the site's layouts and hooks read besides gazette's own (page.h) and the
 * taxonomies: a page's other fields are warned about as likely typos.
 */
#ifndef GZ_CONFIG_H
#define GZ_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/strlist.h"
#include "load/mdlimits.h"
#include "load/yaml.h"

typedef struct {
	char *key;      /* "township": front matter key and URL folder */
	char *label;    /* "乡镇" */
} gz_taxonomy_def;

typedef struct {
	char *name, *url;
} gz_menu_item;

typedef struct {
	char *title, *description, *language, *theme;
	char *base_url;      /* always ends in '/' */
	char *base_path;     /* the path of base_url: "/" or "/news/" */
	int paginate;        /* items per list page */
	int summary_length;  /* characters */
	int reading_rate;    /* characters a minute */
	int feed_items;
	bool unsafe_html;    /* markdown.unsafe: raw HTML allowed */
	unsigned allow_embeds; /* markdown.allow_embeds: GZ_EMBED_* (sanitize.h) */
	gz_limits limits;    /* markdown.max_*: what a story's Markdown may be */
	bool search;         /* build search/ (site.yml search: false turns it off) */
	bool archive;        /* keep .gazette/archive.db for `gazette archive` (archive: true) */
	bool history_public; /* history: public lets readers see every commit of a page */
	int broadcast_rate;  /* characters a minute read aloud (archive pull scripts) */
	gz_taxonomy_def *tax;
	size_t ntax;
	gz_menu_item *menu;
	size_t nmenu;
	gz_strlist fm_keys;  /* front_matter.keys: the site's own front-matter
			      * fields, which a build does not call unknown */
	gz_value *root;      /* the whole document (owned) */
	bool broken;         /* site.yml had errors: its front_matter.keys may be
			      * lost, so no field is called unknown */
} gz_config;

/* Fill cfg from site.yml bytes (path is for messages; data may be NULL for
 * an absent file). Problems go to d; returns -1 if any was an error. */
int gz_config_load(gz_config *cfg, const char *path, const char *data, size_t len, gz_diag *d);
void gz_config_release(gz_config *cfg);

#endif
