#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "lua/internal.h"
#include "base/i18n.h"

static bool is_number(const char *s)
{
	char *end;

	if (!*s)
		return false;
	(void)strtod(s, &end);
	return !*end && strspn(s, "0123456789.-+eE") == strlen(s);
}

/* A YAML value as a plain Lua value (scalars: booleans and numbers when
 * unquoted, strings otherwise). */
void gz_script_push_value(lua_State *L, const gz_value *v)
{
	size_t i;

	if (!v) {
		lua_pushnil(L);
		return;
	}
	switch (v->type) {
	case GZ_NULL:
		lua_pushnil(L);
		break;
	case GZ_STR:
		if (!v->quoted && (!strcmp(v->str, "true") || !strcmp(v->str, "false")))
			lua_pushboolean(L, v->str[0] == 't');
		else if (!v->quoted && is_number(v->str) && !strpbrk(v->str, ".eE"))
			lua_pushinteger(L, (lua_Integer)strtoll(v->str, NULL, 10));
		else if (!v->quoted && is_number(v->str))
			lua_pushnumber(L, strtod(v->str, NULL));
		else
			lua_pushstring(L, v->str);
		break;
	case GZ_SEQ:
		lua_createtable(L, (int)v->n, 0);
		for (i = 0; i < v->n; i++) {
			gz_script_push_value(L, v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case GZ_MAP:
		lua_createtable(L, 0, (int)v->n);
		for (i = 0; i < v->n; i++) {
			gz_script_push_value(L, v->items[i]);
			lua_setfield(L, -2, v->keys[i]);
		}
		break;
	}
}

/* A tree being built from Lua values is owned by a box (userdata with
 * __gc): an error halfway through, or the data limit, frees what was made. */
typedef struct {
	gz_value *v;
} value_box;

static int box_gc(lua_State *L)
{
	value_box *b = lua_touserdata(L, 1);

	gz_value_free(b->v);
	b->v = NULL;
	return 0;
}

static value_box *box_new(lua_State *L)
{
	value_box *b = lua_newuserdatauv(L, sizeof(*b), 0);

	b->v = NULL;
	if (luaL_newmetatable(L, "gazette.valuebox")) {
		lua_pushcfunction(L, box_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	return b;
}

/* The Lua value at idx into *out (every node is linked into the tree as
 * soon as it is made). An empty table is an empty list ("people: []"), but
 * the top level is a map (front matter). Counts against the call's data. */
static void value_from_lua(lua_State *L, int idx, gz_value **out, int depth)
{
	gz_value *v = gz_calloc(1, sizeof(*v));

	idx = lua_absindex(L, idx);
	*out = v;
	gz_script_hand(L, sizeof(*v));
	switch (lua_type(L, idx)) {
	case LUA_TSTRING:
	case LUA_TNUMBER: {
		size_t len;
		v->type = GZ_STR;
		v->quoted = lua_type(L, idx) == LUA_TSTRING;
		lua_tolstring(L, idx, &len);
		gz_script_hand(L, len);
		v->str = gz_strdup(lua_tostring(L, idx));
		break;
	}
	case LUA_TBOOLEAN:
		v->type = GZ_STR;
		v->str = gz_strdup(lua_toboolean(L, idx) ? "true" : "false");
		break;
	case LUA_TTABLE: {
		lua_Integer n = (lua_Integer)lua_rawlen(L, idx), i;
		size_t cap = 0;
		bool empty = n == 0;
		if (depth > 32)
			luaL_error(L, _("a value nests too deeply (a table that holds itself?)"));
		if (empty) {
			lua_pushnil(L);
			if (lua_next(L, idx)) {
				lua_pop(L, 2);
				empty = false;
			}
		}
		if (n > 0 || (empty && depth > 0)) {
			v->type = GZ_SEQ;
			v->items = gz_calloc(n ? (size_t)n : 1, sizeof(*v->items));
			for (i = 1; i <= n; i++) {
				lua_rawgeti(L, idx, i);
				value_from_lua(L, -1, &v->items[v->n++], depth + 1);
				lua_pop(L, 1);
			}
			break;
		}
		v->type = GZ_MAP;
		lua_pushnil(L);
		while (lua_next(L, idx)) {
			if (lua_type(L, -2) == LUA_TSTRING) {
				size_t k = v->n;
				if (k == cap) {
					cap = cap ? 2 * cap : 8;
					v->keys = gz_realloc(v->keys, cap * sizeof(*v->keys));
					v->items = gz_realloc(v->items, cap * sizeof(*v->items));
				}
				gz_script_hand(L, lua_rawlen(L, -2));
				v->keys[k] = gz_strdup(lua_tostring(L, -2));
				v->items[k] = NULL;
				v->n++;
				value_from_lua(L, -1, &v->items[k], depth + 1);
			}
			lua_pop(L, 1);
		}
		break;
	}
	default:
		v->type = GZ_NULL;
	}
}

/* value_from_lua, with the tree handed to the caller only when it is done */
gz_value *script_value_take(lua_State *L, int idx)
{
	value_box *b;
	gz_value *v;

	idx = lua_absindex(L, idx);
	b = box_new(L);
	value_from_lua(L, idx, &b->v, 0);
	v = b->v;
	b->v = NULL;
	lua_pop(L, 1);
	return v;
}
