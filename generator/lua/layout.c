#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "lua/internal.h"

/* The registry's table of compiled layouts is under this address, found
 * without comparing a name on each partial a page calls. */
static const char templates_key;

static gz_script *script_up(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* Append to the running template's output: bytes handed to C, and a page
 * may not grow past its limit (escaping may still add a little, which the
 * render checks at the end). An error is raised at place (see error_at). */
static void out_add(lua_State *L, gz_script *s, const char *p, size_t len, bool escape,
		    const char *place)
{
	gz_buf *b = &s->cap[s->depth];
	char msg[160];

	if (b->len + len > s->page_limit) {
		snprintf(msg, sizeof(msg), _("the page is over %d MB, stopped (site.yml hooks: page_mb)"),
			 (int)(s->page_limit >> 20));
		script_error_at(L, place, msg);
	}
	script_hand_at(L, s, len, place);
	if (escape)
		gz_buf_add_html(b, p, len);
	else
		gz_buf_add(b, p, len);
}

/* Append the value at idx (nil: nothing; not a string: as tostring gives
 * it), escaped or as is. */
static void out_value(lua_State *L, gz_script *s, int idx, bool escape)
{
	size_t len;
	const char *p;

	if (lua_type(L, idx) == LUA_TSTRING)
		p = lua_tolstring(L, idx, &len);
	else if (lua_isnoneornil(L, idx))
		return;
	else
		p = luaL_tolstring(L, idx, &len);
	out_add(L, s, p, len, escape, NULL);
}

/* _o(v): append v to the current output, as is. */
static int out_raw(lua_State *L)
{
	out_value(L, script_up(L), 1, false);
	return 0;
}

/* _e(v): append v to the current output, HTML-escaped. */
static int out_escaped(lua_State *L)
{
	out_value(L, script_up(L), 1, true);
	return 0;
}

/* _x(text, v) and _y(text, v): the literal text, then v escaped (_x) or as
 * is (_y): what {{ }} and {{{ }}} after some text make, in one call. */
static int out_text_then(lua_State *L, bool escape)
{
	gz_script *s = script_up(L);
	size_t len;
	const char *p = lua_tolstring(L, 1, &len);

	out_add(L, s, p, len, false, NULL);
	out_value(L, s, 2, escape);
	return 0;
}

static int out_text_escaped(lua_State *L)
{
	return out_text_then(L, true);
}

static int out_text_raw(lua_State *L)
{
	return out_text_then(L, false);
}

/* Call template name with the nargs values on the stack. A missing one is
 * an error placed at the Lua function level calls up. */
static int call_template(lua_State *L, const char *name, int nargs, int level)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &templates_key);
	lua_getfield(L, -1, name);
	if (lua_isnil(L, -1)) {
		luaL_where(L, level);
		lua_pushfstring(L, _("no layout '%s' in the theme (looked for layouts/%s.html)"),
				name, name);
		lua_concat(L, 2);
		return lua_error(L);
	}
	lua_remove(L, -2);
	lua_insert(L, -1 - nargs);
	lua_call(L, nargs, 0);
	return 0;
}

/* A block given as a string: writes it where the template is writing. */
static int write_const(lua_State *L)
{
	gz_script *s = lua_touserdata(L, lua_upvalueindex(2));
	size_t len;
	const char *p = lua_tolstring(L, lua_upvalueindex(1), &len);

	out_add(L, s, p, len, false, NULL);
	return 0;
}

/* Partials and layouts inside each other, captured or written in place,
 * are at most MAX_CAPTURE deep: one that includes itself stops here. */
static void check_nesting(lua_State *L, const gz_script *s)
{
	if (s->depth + s->nest + 1 >= MAX_CAPTURE)
		luaL_error(L, _("partials and layouts nest more than %d deep"), MAX_CAPTURE);
}

/* Call template name with the nargs values on the stack, capturing what it
 * writes, and push that as a string. */
static int capture_template(lua_State *L, gz_script *s, const char *name, int nargs, int level)
{
	gz_buf *b;

	check_nesting(L, s);
	b = &s->cap[++s->depth];
	gz_buf_clear(b);
	call_template(L, name, nargs, level);
	s->depth--;
	lua_pushlstring(L, b->ptr, b->len);
	return 1;
}

/* render(name, page, {main = "<p>…</p>", title = "…"}): a layout with its
 * blocks filled from strings, as HTML. Lets a Lua layout use base.html. */
static int h_render(lua_State *L)
{
	gz_script *s = script_of(L);
	char name[256];

	snprintf(name, sizeof(name), "%s", luaL_checkstring(L, 1));
	lua_settop(L, 3);
	lua_newtable(L);
	if (lua_istable(L, 3)) {
		lua_pushnil(L);
		while (lua_next(L, 3)) {
			if (lua_type(L, -2) == LUA_TSTRING && lua_isstring(L, -1)) {
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_pushlightuserdata(L, s);
				lua_pushcclosure(L, write_const, 2);
				lua_settable(L, 4);
			} else {
				lua_pop(L, 1);
			}
		}
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 4);
	return capture_template(L, s, name, 2, 1);
}

/* The template of partial name (argument idx) in full: "partials/name".
 * A name that leaves partials/ is an error, placed at the Lua function
 * level calls up. */
static void partial_name(lua_State *L, int idx, char *full, size_t size, int level)
{
	const char *name = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;

	if (!name || strstr(name, "..") || name[0] == '/') {
		luaL_where(L, level);
		if (name)
			lua_pushfstring(L, _("bad partial name '%s'"), name);
		else
			lua_pushfstring(L, _("partial() needs the name of a partial (a string), not %s"),
					luaL_typename(L, idx));
		lua_concat(L, 2);
		lua_error(L);
	}
	snprintf(full, size, "partials/%s", name);
}

/* partial(name, ctx): render partials/name into a string. Templates get it
 * as partial() and Lua layouts and hooks as partial_html(). A template's
 * partial() is a Lua function that calls this with a third argument, 2:
 * its errors are placed at the template's line, not at that function. */
static int h_partial(lua_State *L)
{
	char full[256];
	int level = luaL_optinteger(L, 3, 1) == 2 ? 2 : 1;

	partial_name(L, 1, full, sizeof(full), level);
	lua_settop(L, 2);
	lua_remove(L, 1);
	return capture_template(L, script_up(L), full, 1, level);
}

/* _w(page, name, ctx): {{{ partial(name, ctx) }}} (ctx nil: the page),
 * written where the template writes instead of made into a string. */
static int h_partial_write(lua_State *L)
{
	gz_script *s = script_of(L);
	char full[256];

	partial_name(L, 2, full, sizeof(full), 1);
	check_nesting(L, s);
	lua_settop(L, 3);
	if (lua_isnil(L, 3))
		lua_pushvalue(L, 1);
	s->nest++;
	call_template(L, full, 1, 1);
	s->nest--;
	return 0;
}

static int h_layout(lua_State *L)
{
	char name[256];

	snprintf(name, sizeof(name), "%s", luaL_checkstring(L, 1));
	lua_settop(L, 3);
	lua_remove(L, 1);
	return call_template(L, name, 2, 1);
}

/* A .lua layout, called as the HTML layouts are, with the page: its
 * function(page, site) (upvalue 1) returns the page's HTML. */
static int lua_layout(lua_State *L)
{
	gz_script *s = lua_touserdata(L, lua_upvalueindex(2));
	size_t len;
	const char *html;
	char place[256];

	lua_settop(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.env");
	lua_getfield(L, -1, "site");
	lua_remove(L, -2);
	lua_call(L, 2, 1);
	/* it has returned: the line it starts on is its place */
	script_function_place(L, lua_upvalueindex(1), place, sizeof(place));
	if (lua_type(L, -1) != LUA_TSTRING) {
		/* a table's address in the page would make builds differ */
		lua_pushfstring(L, _("%sa Lua layout must return HTML (a string), not a %s"), place,
				luaL_typename(L, -1));
		return lua_error(L);
	}
	html = lua_tolstring(L, -1, &len);
	out_add(L, s, html, len, false, place);
	return 0;
}

/* Templates: HTML+Lua layouts compiled to functions writing through _o/_e;
 * a .lua layout returns function(page, site) → HTML, called by lua_layout. */
int script_load_templates(gz_script *s, int env, gz_diag *d)
{
	lua_State *L = s->L;
	const gz_theme *th = s->theme;
	size_t i;
	int rc = 0;

	lua_newtable(L); /* registry templates */
	for (i = 0; i < th->n; i++) {
		const gz_template *t = &th->t[i];
		char *err;

		if (t->is_lua) {
			if (script_run_file(s, t, env, d) < 0) {
				rc = -1;
				continue;
			}
			if (!lua_isfunction(L, -1)) {
				char place[256];
				gz_script_return_place(L, -2, place, sizeof(place));
				gz_diag_error_placed(d, t->path,
						     _("%sa Lua layout must return function(page, site), "
						       "not a %s"),
						     place, luaL_typename(L, -1));
				lua_pop(L, 2);
				rc = -1;
				continue;
			}
			lua_remove(L, -2);
			lua_pushlightuserdata(L, s);
			lua_pushcclosure(L, lua_layout, 2);
			lua_setfield(L, -2, t->name);
			continue;
		}
		if (script_load_file(s, t, env, d) < 0) {
			rc = -1;
			continue;
		}
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, out_raw, 1);
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, out_escaped, 1);
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, h_partial, 1);
		lua_pushcfunction(L, h_layout);
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, out_text_escaped, 1);
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, out_text_raw, 1);
		lua_pushcfunction(L, h_partial_write);
		if (script_call_lua(s, 7, 1, &err) < 0) {
			char *msg = script_words(err);
			gz_diag_error_placed(d, t->path, "%s", msg);
			free(msg);
			free(err);
			rc = -1;
			continue;
		}
		lua_setfield(L, -2, t->name);
	}
	lua_rawsetp(L, LUA_REGISTRYINDEX, &templates_key);
	return rc;
}

/* In a call: the template (argument 1) over the page (2) or the list
 * page's context (3), both light userdata */
static int render_lua(lua_State *L)
{
	gz_script *s = script_of(L);
	const gz_page *page = lua_touserdata(L, 2);
	const gz_list *list = lua_touserdata(L, 3);

	lua_settop(L, 1);
	if (list)
		script_push_list_ctx(L, s->site, list);
	else
		gz_script_push_page(L, page);
	lua_call(L, 1, 0);
	return 0;
}

/* A render's error err (freed) into d, as render_page says */
static void render_error(gz_script *s, const gz_page *page, const gz_list *list, char *err,
			 bool named, gz_diag *d, gz_severity sev)
{
	gz_buf b = GZ_BUF_INIT;
	size_t n = script_place_len(err);

	/* an error of the template names the page it was on; one of an on_page
	 * hook has named it already */
	gz_buf_printf(&b, "%.*s", (int)n, err);
	if (named)
		gz_buf_puts(&b, err + n);
	else
		gz_buf_printf(&b, _("%s (while rendering %s)"), err + n, page ? page->path : list->url);
	gz_diag_add_placed(d, sev, page ? page->path : s->theme->display, "%s", b.ptr);
	gz_buf_release(&b);
	free(err);
}

int gz_script_render(gz_script *s, const char *layout, const gz_page *page, const gz_list *list,
		     gz_buf *out, gz_diag *d, gz_severity sev)
{
	lua_State *L = s->L;
	int top = lua_gettop(L);
	char *err = NULL;

	s->depth = 0;
	s->nest = 0;
	s->render_no++;
	s->ntouched = 0;
	s->site_touched = false;
	gz_buf_clear(&s->cap[0]);
	lua_pushcfunction(L, render_lua);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &templates_key);
	lua_getfield(L, -1, layout);
	lua_remove(L, -2);
	if (lua_isnil(L, -1)) {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, _("no layout '%s' in the theme"), layout);
		render_error(s, page, list, gz_buf_detach(&b, NULL), false, d, sev);
		lua_settop(L, top);
		return -1;
	}
	/* on_page hooks see the page first (gz.set for this render) */
	if (!list && script_on_page(s, page, &err) < 0) {
		render_error(s, page, list, err, true, d, sev);
		lua_settop(L, top);
		return -1;
	}
	lua_pushlightuserdata(L, (void *)page);
	lua_pushlightuserdata(L, (void *)list);
	if (script_call_lua(s, 3, 0, &err) < 0) {
		render_error(s, page, list, err, false, d, sev);
		lua_settop(L, top);
		s->depth = 0;
		return -1;
	}
	if (s->cap[0].len > s->page_limit) {
		const gz_template *t = gz_theme_find(s->theme, layout);
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, _("%s: the page is over %d MB (site.yml hooks: page_mb)"),
			      t ? t->path : layout, (int)(s->page_limit >> 20));
		render_error(s, page, list, gz_buf_detach(&b, NULL), false, d, sev);
		lua_settop(L, top);
		return -1;
	}
	gz_buf_add(out, s->cap[0].ptr, s->cap[0].len);
	lua_settop(L, top);
	return 0;
}

void gz_script_touched(const gz_script *s, const size_t **ids, const bool **body, size_t *n,
			bool *site)
{
	*ids = s->touched;
	*body = s->body;
	*n = s->ntouched;
	*site = s->site_touched;
}

void script_layout_open(lua_State *L, gz_script *s, int env)
{
	lua_pushcfunction(L, h_render);
	lua_setfield(L, env, "render");
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, h_partial, 1);
	lua_setfield(L, env, "partial_html");
}
