/*
 * theme.h: finding a site's theme and loading it.
 *
 * A theme is themes/<name> in the site's own source (a git revision's for
 * --rev, never the working tree's then), else one installed beside the
 * program. Its layouts, and the theme's and the site's hooks, are Lua
 * (script.h).
 */
#ifndef GZ_THEME_H
#define GZ_THEME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "load/yaml.h"
#include "source/source.h"

typedef struct {
	char *name;     /* "stories", "partials/card" */
	char *path;     /* "themes/default/layouts/stories.html", for messages */
	char *lua;      /* translated source (a .lua layout or hook: as written) */
	size_t lua_len;
	bool is_lua;    /* a layout written in Lua: returns function(page, site) */
} gz_template;

typedef struct gz_theme {
	char *display;  /* how messages name it: "themes/default" */
	gz_template *t;
	size_t n;
	gz_template *hooks;  /* the theme's hooks, then the site's, in name order */
	size_t nhooks;
	uint64_t hash;  /* of every template and hook */
	/* the limits of site.yml hooks: (0: the default); each call from C
	 * into Lua (a filter over a page, a render, an on_load …) gets them */
	int memory_mb;  /* Lua memory per state */
	int seconds;    /* wall-clock time per call */
	int data_mb;    /* what Lua hands to C per call: strings kept, nodes, output */
	int page_mb;    /* the largest page a layout may write */
	long steps;     /* Lua steps per call; not a setting (the fuzz target lowers it) */
	char **allow;   /* libraries site.yml grants hooks (io, os, require, debug) */
	size_t nallow;
	/* a call of this build was stopped for its time or its steps (an
	 * endless loop, most likely on every page): gz_theme_ran_away */
	atomic_bool ran_away;
} gz_theme;

/* Read and translate every file in layouts/ of the theme source src
 * (borrowed). Errors go to d; returns -1 if any template failed. display
 * prefixes paths in messages ("themes/default"). */
int gz_theme_load(gz_theme *th, gz_source *src, const char *display, gz_diag *d);
void gz_theme_release(gz_theme *th);

/* Read the Lua hooks: theme_src's hooks/ (may be NULL), then site_src's
 * hooks/, each in name order; and the hooks: settings of site.yml (cfg,
 * may be NULL): allow: [io, os, require, debug], memory_mb, seconds,
 * data_mb, page_mb. Syntax errors surface when a state loads them. */
void gz_theme_load_hooks(gz_theme *th, gz_source *theme_src, gz_source *site_src,
			 const gz_value *cfg);
/* Did a Lua call of th run over its time or its steps in this build? A
 * hook that loops on one page loops on the next: the stages that call
 * hooks page by page stop handing out pages once one has (unless
 * --keep-going), so a build fails in seconds, not seconds a page. */
bool gz_theme_ran_away(const gz_theme *th);
void gz_theme_mark_ran_away(const gz_theme *th);

/* The template with that name, or NULL. */
const gz_template *gz_theme_find(const gz_theme *th, const char *name);

/* Find the folder of theme name: <source>/themes/name (unless a symbolic
 * link takes it out of source), else beside the program (./themes/name or
 * ../share/gazette/themes/name, or $GAZETTE_THEMES/name). Caller frees;
 * NULL if none exists. display gets how to name it in messages. */
char *gz_theme_dir(const char *source, const char *name, char **display);

/* Find the theme of the site in src and load its layouts and the theme's
 * and site's hooks into th. source_dir is not read (a --rev build takes
 * nothing from the working tree). Returns the theme's source (caller
 * frees, with *display), or NULL with an error in d. */
gz_source *gz_theme_open(gz_theme *th, gz_source *src, const char *source_dir, char **display,
			 gz_diag *d);

#endif
