#include "lua/script.h"

#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "lua/internal.h"

gz_script *script_of(lua_State *L)
{
	return *(gz_script **)lua_getextraspace(L);
}

/* A state with the sandbox, the helpers and (if site) the site. The
 * sandbox environment stays at the top of the stack. */
/* A state with the sandbox, the helpers and (if site) the site. The
 * sandbox environment stays at the top of the stack. */
static gz_script *state_new(const gz_theme *th, const gz_site *site, const gz_config *cfg)
{
	gz_script *s = gz_calloc(1, sizeof(*s));
	lua_State *L;
	int env;

	s->mem_limit = (size_t)(th->memory_mb > 0 ? th->memory_mb : DEFAULT_MEMORY_MB) << 20;
	s->seconds = th->seconds > 0 ? th->seconds : DEFAULT_SECONDS;
	s->handed_limit = (size_t)(th->data_mb > 0 ? th->data_mb : DEFAULT_DATA_MB) << 20;
	s->page_limit = (size_t)(th->page_mb > 0 ? th->page_mb : DEFAULT_PAGE_MB) << 20;
	s->steps = th->steps > 0 ? th->steps : INSTRUCTION_LIMIT;
	/* Lua code runs only in script_call_lua, which sets both */
	s->budget = s->steps;
	s->deadline = HUGE_VAL;
	s->theme = th;
	s->site = site;
	s->cfg = site ? &site->cfg : cfg;
	s->nstamp = site ? site->nall : 0;
	s->stamp = gz_calloc(s->nstamp ? s->nstamp : 1, sizeof(*s->stamp));
	s->slot = gz_calloc(s->nstamp ? s->nstamp : 1, sizeof(*s->slot));
	L = script_sandbox_new(s);
	script_view_open(L, s);
	/* the sandbox: only the safe globals, plus the helpers and site */
	env = script_sandbox_env(L, th);
	script_helpers_open(L, env);
	script_layout_open(L, s, env);
	script_gz_open(L, env);
	if (site)
		script_view_site(L, s, env);
	lua_pushvalue(L, env);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.env");
	return s;
}

static void append_to(lua_State *L, const char *registry_list, int value)
{
	lua_getfield(L, LUA_REGISTRYINDEX, registry_list);
	lua_pushvalue(L, value);
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
	lua_pop(L, 1);
}

static const char *const lifecycle[] = {"on_load", "on_page", "on_output", "on_done", NULL};

int script_load_file(gz_script *s, const gz_template *t, int env, gz_diag *d)
{
	lua_State *L = s->L;
	char chunk[512];

	snprintf(chunk, sizeof(chunk), "@%s", t->path);
	if (luaL_loadbufferx(L, t->lua, t->lua_len, chunk, "t") != LUA_OK) {
		char *msg = script_words(lua_tostring(L, -1));
		gz_diag_error_placed(d, t->path, "%s", msg);
		free(msg);
		lua_pop(L, 1);
		return -1;
	}
	lua_pushvalue(L, env);
	lua_setupvalue(L, -2, 1);
	return 0;
}

int script_run_file(gz_script *s, const gz_template *t, int env, gz_diag *d)
{
	char *err;

	if (script_load_file(s, t, env, d) < 0)
		return -1;
	lua_pushvalue(s->L, -1); /* the chunk: where what it returns is */
	if (script_call_lua(s, 0, 1, &err) < 0) {
		char *msg = script_words(err);
		gz_diag_error_placed(d, t->path, "%s", msg);
		free(msg);
		free(err);
		lua_pop(s->L, 1);
		return -1;
	}
	return 0;
}

/* Run every hook file; sort what each returns into the registry lists
 * gazette.filters (filter tables), gazette.shortcodes (name → function)
 * and gazette.on_load … */
static int load_hooks(gz_script *s, int env, gz_diag *d)
{
	lua_State *L = s->L;
	size_t i, k;
	int rc = 0;

	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.filters");
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.shortcodes");
	for (k = 0; lifecycle[k]; k++) {
		lua_newtable(L);
		lua_setfield(L, LUA_REGISTRYINDEX, lifecycle[k]);
	}
	for (i = 0; i < s->theme->nhooks; i++) {
		const gz_template *t = &s->theme->hooks[i];
		int h;

		if (script_run_file(s, t, env, d) < 0) {
			rc = -1;
			continue;
		}
		if (!lua_isnil(L, -1) && !lua_istable(L, -1)) {
			char place[256];
			gz_script_return_place(L, -2, place, sizeof(place));
			gz_diag_error_placed(d, t->path,
					     _("%sa hook file must return a table (filters, "
					       "shortcodes, on_load …), not a %s"),
					     place, luaL_typename(L, -1));
			lua_pop(L, 2);
			rc = -1;
			continue;
		}
		lua_remove(L, -2);
		h = lua_gettop(L);
		if (lua_isnil(L, h)) {
			lua_pop(L, 1);
			continue;
		}
		/* shortcodes: later files (the site's) override earlier ones */
		/* raw reads: a __index of the hook's table would run outside a call */
		lua_pushliteral(L, "shortcodes");
		if (lua_rawget(L, h) == LUA_TTABLE) {
			lua_getfield(L, LUA_REGISTRYINDEX, "gazette.shortcodes");
			lua_pushnil(L);
			while (lua_next(L, -3)) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_settable(L, -4);
				s->has_shortcodes = true;
			}
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
		for (k = 0; lifecycle[k]; k++) {
			lua_pushstring(L, lifecycle[k]);
			if (lua_rawget(L, h) == LUA_TFUNCTION)
				append_to(L, lifecycle[k], lua_gettop(L));
			lua_pop(L, 1);
		}
		/* any other function is a filter for that node type */
		lua_pushnil(L);
		while (lua_next(L, h)) {
			bool lc = false;
			if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1)) {
				const char *key = lua_tostring(L, -2);
				for (k = 0; lifecycle[k]; k++)
					lc = lc || !strcmp(key, lifecycle[k]);
				if (!lc) {
					s->has_filters = true;
					if (!strcmp(key, "document"))
						s->has_document = true;
				}
			}
			lua_pop(L, 1);
		}
		append_to(L, "gazette.filters", h);
		lua_pop(L, 1);
	}
	return rc;
}

static void finish_state(gz_script *s)
{
	/* renders make many short-lived strings and tables: generational GC
	 * keeps from re-marking the long-lived site data on every cycle */
	lua_gc(s->L, LUA_GCGEN, 0, 0);
	script_watch(s);
}

int gz_script_open(gz_script **out, const gz_theme *th, const gz_site *site, gz_diag *d)
{
	gz_script *s = state_new(th, site, NULL);
	int env = lua_gettop(s->L), rc;

	script_watch(s);
	rc = script_load_templates(s, env, d);
	if (load_hooks(s, env, d) < 0)
		rc = -1;
	lua_pop(s->L, 1); /* env */
	finish_state(s);
	*out = s;
	return rc;
}

int gz_script_open_hooks(gz_script **out, const gz_theme *th, const gz_config *cfg, gz_diag *d)
{
	gz_script *s = state_new(th, NULL, cfg);
	int env = lua_gettop(s->L), rc;

	script_watch(s);
	rc = load_hooks(s, env, d);
	lua_pop(s->L, 1);
	finish_state(s);
	*out = s;
	return rc;
}

int gz_script_check_layouts(const gz_theme *th, const gz_site *site, gz_diag *d)
{
	gz_script *s = state_new(th, site, NULL);
	int rc;

	script_watch(s);
	rc = script_load_templates(s, lua_gettop(s->L), d);
	gz_script_free(s);
	return rc;
}

bool gz_script_filters(const gz_script *s)
{
	return s->has_filters || s->has_shortcodes;
}

/* What one kind of lifecycle hook is called with, and what on_output's
 * hand back */
typedef struct {
	const char *which;    /* "on_load", "on_page" … */
	const gz_page *page;  /* on_page: the page; else the site is passed */
	const char *path;     /* on_output: the file and its bytes */
	const char *data;
	size_t len;
	char *out;            /* new bytes, or NULL (the caller frees) */
	size_t out_len;
} lifecycle_call;

/* In a call: every hook of one kind, in order. The arguments are made here,
 * where a memory error is caught like any other. */
static int lifecycle_lua(lua_State *L)
{
	lifecycle_call *c = lua_touserdata(L, 1);
	lua_Integer i, n;
	int k, nargs = c->path ? 2 : 1;

	lua_settop(L, 0);
	lua_getfield(L, LUA_REGISTRYINDEX, c->which); /* 1 */
	if (c->page) {
		gz_script_push_page(L, c->page);
	} else if (c->path) {
		lua_pushstring(L, c->path);
		lua_pushlstring(L, c->data, c->len);
	} else {
		lua_getfield(L, LUA_REGISTRYINDEX, "gazette.env");
		lua_getfield(L, -1, "site");
		lua_remove(L, -2);
	}
	n = (lua_Integer)lua_rawlen(L, 1);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, 1, i);
		for (k = 0; k < nargs; k++)
			lua_pushvalue(L, 2 + k);
		lua_call(L, nargs, 1);
		/* on_output may hand back new bytes: they go to the next hook */
		if (c->path && lua_type(L, -1) == LUA_TSTRING) {
			char place[256];
			lua_rawgeti(L, 1, i);
			script_function_place(L, -1, place, sizeof(place));
			lua_pop(L, 1);
			script_hand_at(L, script_of(L), lua_rawlen(L, -1), place);
			lua_replace(L, 3);
		} else {
			lua_pop(L, 1);
		}
	}
	if (c->path) {
		size_t len;
		const char *res = lua_tolstring(L, 3, &len);
		if (len != c->len || memcmp(res, c->data, len)) {
			c->out = gz_strndup(res, len);
			c->out_len = len;
		}
	}
	return 0;
}

static int run_lifecycle(gz_script *s, lifecycle_call *c, char **err)
{
	lua_State *L = s->L;
	gz_buf b = GZ_BUF_INIT;
	size_t n;

	lua_pushcfunction(L, lifecycle_lua);
	lua_pushlightuserdata(L, c);
	if (script_call_lua(s, 1, 0, err) == 0)
		return 0;
	/* an error no Lua line is known for (one in C, before the first hook
	 * of the kind ran) is placed at that hook */
	if (!gz_diag_place(*err, NULL)) {
		char place[256] = "";
		lua_getfield(L, LUA_REGISTRYINDEX, c->which);
		if (lua_rawgeti(L, -1, 1) == LUA_TFUNCTION)
			script_function_place(L, -1, place, sizeof(place));
		lua_pop(L, 2);
		gz_buf_puts(&b, place);
	}
	n = script_place_len(*err);
	gz_buf_printf(&b, "%.*s", (int)n, *err);
	gz_buf_printf(&b, _("%s (in %s)"), *err + n, c->which);
	free(*err);
	*err = gz_buf_detach(&b, NULL);
	return -1;
}

static bool has_lifecycle(lua_State *L, const char *which)
{
	size_t n;

	lua_getfield(L, LUA_REGISTRYINDEX, which);
	n = lua_rawlen(L, -1);
	lua_pop(L, 1);
	return n > 0;
}

int script_on_page(gz_script *s, const gz_page *page, char **err)
{
	lifecycle_call c = {.which = "on_page", .page = page};

	if (!has_lifecycle(s->L, "on_page"))
		return 0;
	if (run_lifecycle(s, &c, err) < 0) {
		*err = script_on_page_of(*err, page->path, 0);
		return -1;
	}
	return 0;
}

/* Where an error no Lua line is known for is reported: the first hook file */
static const char *hooks_path(const gz_script *s)
{
	return s->theme->nhooks ? s->theme->hooks[0].path : s->theme->display;
}

int gz_script_on_load(gz_script *s, gz_site *site, gz_diag *d)
{
	lifecycle_call c = {.which = "on_load"};
	char *err;
	int rc;

	s->msite = site;
	rc = run_lifecycle(s, &c, &err);
	s->msite = NULL;
	if (rc < 0) {
		gz_diag_error_placed(d, hooks_path(s), "%s", err);
		free(err);
	}
	return rc;
}

int gz_script_on_done(gz_script *s, gz_diag *d)
{
	lifecycle_call c = {.which = "on_done"};
	char *err;

	if (run_lifecycle(s, &c, &err) < 0) {
		gz_diag_error_placed(d, hooks_path(s), "%s", err);
		free(err);
		return -1;
	}
	return 0;
}

int gz_script_on_output(gz_script *s, const char *path, char **data, size_t *len, gz_diag *d)
{
	lifecycle_call c = {.which = "on_output", .path = path, .data = *data, .len = *len};
	char *err;

	if (!has_lifecycle(s->L, "on_output"))
		return 0;
	if (run_lifecycle(s, &c, &err) < 0) {
		gz_buf b = GZ_BUF_INIT;
		size_t n = script_place_len(err);
		gz_buf_printf(&b, "%.*s", (int)n, err);
		gz_buf_printf(&b, _("%s (while writing %s)"), err + n, path);
		gz_diag_error_placed(d, hooks_path(s), "%s", b.ptr);
		gz_buf_release(&b);
		free(err);
		return -1;
	}
	if (c.out) {
		free(*data);
		*data = c.out;
		*len = c.out_len;
	}
	return 0;
}

void gz_script_free(gz_script *s)
{
	int i;

	if (!s)
		return;
	lua_close(s->L);
	script_sandbox_release(s);
	for (i = 0; i < MAX_CAPTURE; i++)
		gz_buf_release(&s->cap[i]);
	free(s->stamp);
	free(s->slot);
	free(s->body);
	free(s->touched);
	free(s);
}

gz_script *gz_script_open_sandbox(const gz_theme *th, const gz_site *site)
{
	gz_script *s = state_new(th, site, NULL);

	lua_pop(s->L, 1); /* env: kept in the registry */
	finish_state(s);
	return s;
}

struct lua_State *gz_script_lua(gz_script *s)
{
	return s->L;
}

int gz_script_call(gz_script *s, int nargs, int nresults, const char *path, gz_diag *d)
{
	char *err = NULL;

	if (script_call_lua(s, nargs, nresults, &err) == 0)
		return 0;
	gz_diag_error_placed(d, path, "%s", err);
	free(err);
	return -1;
}
