/*
 * script.h: Lua 5.4 — the theme's templates and the site they see.
 *
 * The Lua bridge's interface: its files (lua/) are the only ones that
 * include the Lua headers, and this header does not. A gz_theme holds every
 * layout of a theme translated to Lua source once per build; each render
 * thread opens its own gz_script (one lua_State) that loads those sources
 * and gets read-only views of the site model: pages are userdata whose
 * fields are read from the C structs on access (__index), so no state
 * copies the pages. Templates and hooks run in a sandbox (no io, os,
 * require, load, no __gc) under limits that Lua code cannot catch or
 * escape: Lua steps (string patterns counted too) and wall-clock time per
 * call, memory per state, and the bytes Lua hands to C per call; a page's
 * output has a size limit too. Every error gazette reports from Lua reads
 * "file:line: message".
 */
#ifndef GZ_SCRIPT_H
#define GZ_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/diag.h"
#include "model/site.h"
#include "source/source.h"
#include "load/markdown.h"
#include "load/yaml.h"
#include "lua/theme.h"

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

/* A state for the load phase: only the hooks (filters, shortcodes), no
 * templates, no site; cfg gives the base URL. Returns 0, or -1 with errors in d. */
int gz_script_open_hooks(gz_script **out, const gz_theme *th, const gz_config *cfg, gz_diag *d);
/* Whether any hook filters the Markdown tree or defines shortcodes. */
bool gz_script_filters(const gz_script *s);

/* The Markdown hooks for the page at path whose front matter is *fm (a
 * document filter may replace it). The returned struct is owned by s and
 * valid until the next call. */
const gz_md_hooks *gz_script_md_hooks(gz_script *s, const char *path, gz_value **fm);

/* The hooks of th as the site load's page filters (site.h): each worker
 * gets a state of its own (gz_script_open_hooks). th is borrowed and must
 * outlive the load. */
gz_page_filters gz_script_page_filters(const gz_theme *th);

/* Lifecycle hooks. on_load may change the site (gz.set, gz.add_page); run
 * it in a state opened on a site that is not yet rendered. Each returns 0,
 * or -1 with the error in d at the hook's file and line (at the first
 * hook of its kind when Lua knows no line). */
int gz_script_on_load(gz_script *s, gz_site *site, gz_diag *d);
int gz_script_on_done(gz_script *s, gz_diag *d);
/* Let on_output hooks rewrite the rendered file at path (in the output):
 * *data may be replaced (freed and reallocated). */
int gz_script_on_output(gz_script *s, const char *path, char **data, size_t *len, gz_diag *d);

/* Open a Lua state for one render thread and compile every template of th
 * in it. Returns 0, or -1 with errors added to d. */
int gz_script_open(gz_script **out, const gz_theme *th, const gz_site *site, gz_diag *d);
void gz_script_free(gz_script *s);
/* Compile every layout of th as a render thread would, for gazette check:
 * what is wrong goes to d, each error at its template's path and line.
 * Returns 0, or -1. */
int gz_script_check_layouts(const gz_theme *th, const gz_site *site, gz_diag *d);

/* Render a regular page (list == NULL) or a list page with the named
 * template, appending the output to out. Returns 0, or -1 with the error
 * added to d as sev (a warning when the page may be left out): at the
 * template's or hook's file and line, else at the page (the theme for a
 * list page), naming the page it was rendering. */
int gz_script_render(gz_script *s, const char *layout, const gz_page *page, const gz_list *list,
		     gz_buf *out, gz_diag *d, gz_severity sev);

/* For Lua that another module runs (print layouts): a state with the
 * sandbox, the template helpers and the site, but no templates or hooks.
 * The sandbox environment is the registry's "gazette.env"; a chunk loaded
 * in the state gets it as its first upvalue. Free with gz_script_free. */
struct lua_State;
gz_script *gz_script_open_sandbox(const gz_theme *th, const gz_site *site);
struct lua_State *gz_script_lua(gz_script *s);
/* Push a page (read-only userdata, as templates see it) or a YAML value. */
void gz_script_push_page(struct lua_State *L, const gz_page *p);
void gz_script_push_value(struct lua_State *L, const gz_value *v);
/* Call the function under nargs arguments on the stack with fresh limits
 * (steps, time, data), leaving nresults. Returns 0, or -1 with the stack
 * back below the function and the error added to d, whatever the error
 * object was: placed at the Lua file and line it came from, else at path
 * (the file the function was loaded from). */
int gz_script_call(gz_script *s, int nargs, int nresults, const char *path, gz_diag *d);

/* For C functions that Lua calls (the bridges): count bytes that Lua
 * hands over to be kept in C (a node, a string in the site, output)
 * against the running call's hooks: data_mb; past it, a Lua error. */
void gz_script_hand(struct lua_State *L, size_t bytes);
/* "path:line: " of the last line of code of the chunk at idx (its return,
 * as a rule), into buf: the place of what a file returns. */
void gz_script_return_place(struct lua_State *L, int idx, char *buf, size_t size);
/* And count work done in C for Lua (a walk over a tree) as Lua steps;
 * past the running call's limits, the error that stops the call. */
void gz_script_charge(struct lua_State *L, long steps);

/* After a render: the ids (gz_page.id) of the pages whose fields it read,
 * in first-read order, body[k] whether it read the body of ids[k]
 * (content, plain, chars, reading_minutes: what a page's model hash covers
 * and its meta hash does not, site.h), both borrowed until the next render; and
 * whether it read the site's page lists. */
void gz_script_touched(const gz_script *s, const size_t **ids, const bool **body, size_t *n,
		       bool *site);

#endif
