/*
 * script.h: Lua 5.4 — the theme's templates and the site they see.
 *
 * The only module that includes the Lua headers. A gz_theme holds every
 * layout of a theme translated to Lua source once per build; each render
 * thread opens its own gz_script (one lua_State) that loads those sources
 * and gets read-only views of the site model: pages are userdata whose
 * fields are read from the C structs on access (__index), so no state
 * copies the pages. Templates run in a sandbox (no io, os, require, load)
 * with an instruction limit, so a runaway loop stops with an error.
 */
#ifndef GZ_SCRIPT_H
#define GZ_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "site.h"

typedef struct {
	char *name;     /* "stories", "partials/card" */
	char *path;     /* "themes/default/layouts/stories.html", for messages */
	char *lua;      /* translated source */
	size_t lua_len;
} gz_template;

typedef struct {
	char *display;  /* how messages name it: "themes/default" */
	gz_template *t;
	size_t n;
	uint64_t hash;  /* of every template */
} gz_theme;

/* Read and translate every file in layouts/ of the theme source src
 * (borrowed). Errors go to d; returns -1 if any template failed. display
 * prefixes paths in messages ("themes/default"). */
int gz_theme_load(gz_theme *th, gz_source *src, const char *display, gz_diag *d);
void gz_theme_release(gz_theme *th);
/* The template with that name, or NULL. */
const gz_template *gz_theme_find(const gz_theme *th, const char *name);

/* What a list page shows (home, section, terms, term, archive, feed …). */
typedef struct {
	const char *kind;
	const char *title;
	const char *url;
	gz_page **pages;
	size_t n;
	int number, total;            /* pager: page number of total */
	const char *base_url;         /* pager: URL of page 1 */
	const gz_section *section;
	const gz_taxonomy *tax;
	const gz_term *term;
	int year, month;
} gz_list;

typedef struct gz_script gz_script;

/* Open a Lua state for one render thread and compile every template of th
 * in it. Returns 0, or -1 with errors added to d. */
int gz_script_open(gz_script **out, const gz_theme *th, const gz_site *site, gz_diag *d);
void gz_script_free(gz_script *s);

/* Render a regular page (list == NULL) or a list page with the named
 * template, appending the output to out. Returns 0, or -1 with *err set to
 * "path:line: message" (caller frees). */
int gz_script_render(gz_script *s, const char *layout, const gz_page *page, const gz_list *list,
		     gz_buf *out, char **err);

/* After a render: the ids (gz_page.id) of the pages whose fields it read,
 * in first-read order (borrowed until the next render), and whether it
 * read the site's page lists. */
void gz_script_touched(const gz_script *s, const size_t **ids, size_t *n, bool *site);

#endif
