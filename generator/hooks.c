#include "hooks.h"

#include <cmark-gfm.h>
#include <lauxlib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"

static const char NODE_MT[] = "gazette.node";
static const char BOOK_KEY[] = "gazette.nodebook";

/* Per state: which page generation node userdata belong to, and the nodes
 * Lua made or cut out (candidates for freeing when the page is done). */
typedef struct {
	unsigned gen;
	cmark_node **tracked;
	size_t n, cap;
} nodebook;

typedef struct {
	cmark_node *node;
	unsigned gen;
} node_ud;

static nodebook *book(lua_State *L)
{
	nodebook *b;

	lua_getfield(L, LUA_REGISTRYINDEX, BOOK_KEY);
	b = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return b;
}

static void track(lua_State *L, cmark_node *n)
{
	nodebook *b = book(L);

	GZ_GROW(b->tracked, b->cap, b->n + 1);
	b->tracked[b->n++] = n;
}

static void push_node(lua_State *L, cmark_node *n)
{
	node_ud *u;

	if (!n) {
		lua_pushnil(L);
		return;
	}
	u = lua_newuserdatauv(L, sizeof(*u), 0);
	u->node = n;
	u->gen = book(L)->gen;
	luaL_setmetatable(L, NODE_MT);
}

static cmark_node *check_node(lua_State *L, int idx)
{
	node_ud *u = luaL_checkudata(L, idx, NODE_MT);

	if (u->gen != book(L)->gen)
		luaL_error(L, "this node belongs to a page that is done; keep nodes only while "
			      "filtering their own page");
	return u->node;
}

static bool is_inline(cmark_node *n)
{
	return (cmark_node_get_type(n) & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE;
}

static void stringify(gz_buf *b, cmark_node *n)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)
			gz_buf_puts(b, cmark_node_get_literal(c) ? cmark_node_get_literal(c) : "");
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			gz_buf_putc(b, ' ');
	}
	cmark_iter_free(it);
}

static int node_text_content(lua_State *L)
{
	gz_buf b = GZ_BUF_INIT;

	stringify(&b, check_node(L, 1));
	lua_pushlstring(L, b.ptr, b.len);
	gz_buf_release(&b);
	return 1;
}

/* Make a node from a Lua value: a node, or a string (a text node). */
static cmark_node *to_node(lua_State *L, int idx)
{
	cmark_node *n;

	if (lua_type(L, idx) == LUA_TSTRING) {
		n = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(n, lua_tostring(L, idx));
		track(L, n);
		return n;
	}
	return check_node(L, idx);
}

static void append_checked(lua_State *L, cmark_node *parent, cmark_node *child)
{
	if (!cmark_node_append_child(parent, child))
		luaL_error(L, "a %s cannot hold a %s", cmark_node_get_type_string(parent),
			   cmark_node_get_type_string(child));
}

/* Append children given as a node, a string or a list of those. */
static void append_children(lua_State *L, cmark_node *parent, int idx)
{
	lua_Integer i, n;

	if (lua_isnoneornil(L, idx))
		return;
	if (lua_type(L, idx) != LUA_TTABLE) {
		append_checked(L, parent, to_node(L, idx));
		return;
	}
	n = (lua_Integer)lua_rawlen(L, idx);
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, idx, i);
		append_checked(L, parent, to_node(L, -1));
		lua_pop(L, 1);
	}
}

static int node_append(lua_State *L)
{
	append_checked(L, check_node(L, 1), to_node(L, 2));
	lua_settop(L, 1);
	return 1;
}

static int node_index(lua_State *L)
{
	cmark_node *n = check_node(L, 1);
	const char *k = luaL_checkstring(L, 2);
	cmark_node *c;
	int i = 0;

	if (!strcmp(k, "type")) {
		lua_pushstring(L, cmark_node_get_type_string(n));
	} else if (!strcmp(k, "text")) {
		const char *lit = cmark_node_get_literal(n);
		if (lit) {
			lua_pushstring(L, lit);
		} else {
			gz_buf b = GZ_BUF_INIT;
			stringify(&b, n);
			lua_pushlstring(L, b.ptr, b.len);
			gz_buf_release(&b);
		}
	} else if (!strcmp(k, "level")) {
		lua_pushinteger(L, cmark_node_get_heading_level(n));
	} else if (!strcmp(k, "url")) {
		lua_pushstring(L, cmark_node_get_url(n) ? cmark_node_get_url(n) : "");
	} else if (!strcmp(k, "title")) {
		lua_pushstring(L, cmark_node_get_title(n) ? cmark_node_get_title(n) : "");
	} else if (!strcmp(k, "info")) {
		lua_pushstring(L, cmark_node_get_fence_info(n) ? cmark_node_get_fence_info(n) : "");
	} else if (!strcmp(k, "list_type")) {
		lua_pushstring(L, cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ? "ordered" : "bullet");
	} else if (!strcmp(k, "start")) {
		lua_pushinteger(L, cmark_node_get_list_start(n));
	} else if (!strcmp(k, "tight")) {
		lua_pushboolean(L, cmark_node_get_list_tight(n));
	} else if (!strcmp(k, "line")) {
		lua_pushinteger(L, cmark_node_get_start_line(n));
	} else if (!strcmp(k, "children")) {
		lua_newtable(L);
		for (c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
			push_node(L, c);
			lua_rawseti(L, -2, ++i);
		}
	} else if (!strcmp(k, "append")) {
		lua_pushcfunction(L, node_append);
	} else if (!strcmp(k, "text_content")) {
		lua_pushcfunction(L, node_text_content);
	} else {
		lua_pushnil(L);
	}
	return 1;
}

static int node_newindex(lua_State *L)
{
	cmark_node *n = check_node(L, 1), *c;
	const char *k = luaL_checkstring(L, 2);
	int ok = 1;

	if (!strcmp(k, "text"))
		ok = cmark_node_set_literal(n, luaL_checkstring(L, 3));
	else if (!strcmp(k, "level"))
		ok = cmark_node_set_heading_level(n, (int)luaL_checkinteger(L, 3));
	else if (!strcmp(k, "url"))
		ok = cmark_node_set_url(n, luaL_checkstring(L, 3));
	else if (!strcmp(k, "title"))
		ok = cmark_node_set_title(n, luaL_checkstring(L, 3));
	else if (!strcmp(k, "info"))
		ok = cmark_node_set_fence_info(n, luaL_checkstring(L, 3));
	else if (!strcmp(k, "list_type"))
		ok = cmark_node_set_list_type(n, !strcmp(luaL_checkstring(L, 3), "ordered")
						     ? CMARK_ORDERED_LIST : CMARK_BULLET_LIST);
	else if (!strcmp(k, "start"))
		ok = cmark_node_set_list_start(n, (int)luaL_checkinteger(L, 3));
	else if (!strcmp(k, "tight"))
		ok = cmark_node_set_list_tight(n, lua_toboolean(L, 3));
	else if (!strcmp(k, "children")) {
		while ((c = cmark_node_first_child(n))) {
			cmark_node_unlink(c);
			track(L, c);
		}
		append_children(L, n, 3);
	} else
		return luaL_error(L, "a node has no field '%s' to set", k);
	if (!ok)
		return luaL_error(L, "cannot set '%s' on a %s", k, cmark_node_get_type_string(n));
	return 0;
}

static int node_eq(lua_State *L)
{
	node_ud *a = luaL_testudata(L, 1, NODE_MT), *b = luaL_testudata(L, 2, NODE_MT);
	lua_pushboolean(L, a && b && a->node == b->node);
	return 1;
}

static int node_tostring(lua_State *L)
{
	cmark_node *n = check_node(L, 1);
	lua_pushfstring(L, "node(%s)", cmark_node_get_type_string(n));
	return 1;
}

/* ---- constructors: gz.node.* ---- */

static cmark_node *new_node(lua_State *L, cmark_node_type t)
{
	cmark_node *n = cmark_node_new(t);

	track(L, n);
	return n;
}

static int mk_text(lua_State *L)
{
	cmark_node *n = new_node(L, CMARK_NODE_TEXT);
	cmark_node_set_literal(n, luaL_checkstring(L, 1));
	push_node(L, n);
	return 1;
}

static int mk_code(lua_State *L)
{
	cmark_node *n = new_node(L, CMARK_NODE_CODE);
	cmark_node_set_literal(n, luaL_checkstring(L, 1));
	push_node(L, n);
	return 1;
}

static int mk_code_block(lua_State *L)
{
	cmark_node *n = new_node(L, CMARK_NODE_CODE_BLOCK);
	cmark_node_set_literal(n, luaL_checkstring(L, 1));
	cmark_node_set_fence_info(n, luaL_optstring(L, 2, ""));
	push_node(L, n);
	return 1;
}

/* gz.node.html(s): a block of HTML, written as is (hooks are site code). */
static int mk_html(lua_State *L)
{
	cmark_node *n = new_node(L, CMARK_NODE_CUSTOM_BLOCK);
	cmark_node_set_on_enter(n, luaL_checkstring(L, 1));
	cmark_node_set_on_exit(n, "");
	push_node(L, n);
	return 1;
}

static int mk_raw(lua_State *L)
{
	cmark_node *n = new_node(L, CMARK_NODE_CUSTOM_INLINE);
	cmark_node_set_on_enter(n, luaL_checkstring(L, 1));
	cmark_node_set_on_exit(n, "");
	push_node(L, n);
	return 1;
}

static int mk_container(lua_State *L, cmark_node_type t, int children_arg)
{
	cmark_node *n = new_node(L, t);

	append_children(L, n, children_arg);
	push_node(L, n);
	return 1;
}

static int mk_paragraph(lua_State *L) { return mk_container(L, CMARK_NODE_PARAGRAPH, 1); }
static int mk_emph(lua_State *L) { return mk_container(L, CMARK_NODE_EMPH, 1); }
static int mk_strong(lua_State *L) { return mk_container(L, CMARK_NODE_STRONG, 1); }
static int mk_block_quote(lua_State *L) { return mk_container(L, CMARK_NODE_BLOCK_QUOTE, 1); }
static int mk_item(lua_State *L) { return mk_container(L, CMARK_NODE_ITEM, 1); }
static int mk_softbreak(lua_State *L) { return mk_container(L, CMARK_NODE_SOFTBREAK, 0); }
static int mk_linebreak(lua_State *L) { return mk_container(L, CMARK_NODE_LINEBREAK, 0); }
static int mk_thematic_break(lua_State *L) { return mk_container(L, CMARK_NODE_THEMATIC_BREAK, 0); }

static int mk_heading(lua_State *L)
{
	cmark_node *n = new_node(L, CMARK_NODE_HEADING);
	lua_Integer level = luaL_checkinteger(L, 1);

	if (level < 1 || level > 6)
		return luaL_error(L, "heading level %d is not 1 to 6", (int)level);
	cmark_node_set_heading_level(n, (int)level);
	append_children(L, n, 2);
	push_node(L, n);
	return 1;
}

/* link(url, children, title) and image(url, children, title) */
static int mk_target(lua_State *L, cmark_node_type type)
{
	cmark_node *n = new_node(L, type);

	cmark_node_set_url(n, luaL_checkstring(L, 1));
	append_children(L, n, 2);
	cmark_node_set_title(n, luaL_optstring(L, 3, ""));
	push_node(L, n);
	return 1;
}

static int mk_link(lua_State *L)
{
	return mk_target(L, CMARK_NODE_LINK);
}

static int mk_image(lua_State *L)
{
	return mk_target(L, CMARK_NODE_IMAGE);
}

static int mk_list(lua_State *L)
{
	cmark_node *n = new_node(L, CMARK_NODE_LIST);

	cmark_node_set_list_type(n, lua_toboolean(L, 2) ? CMARK_ORDERED_LIST : CMARK_BULLET_LIST);
	cmark_node_set_list_tight(n, 1);
	if (lua_toboolean(L, 2))
		cmark_node_set_list_start(n, 1);
	append_children(L, n, 1);
	push_node(L, n);
	return 1;
}

static int book_gc(lua_State *L)
{
	nodebook *b = lua_touserdata(L, 1);

	/* gz_hooks_page_done has freed every page's orphans; only the list is left */
	free(b->tracked);
	b->tracked = NULL;
	b->n = b->cap = 0;
	return 0;
}

void gz_hooks_open(lua_State *L)
{
	static const luaL_Reg ctors[] = {
		{"text", mk_text},
		{"code", mk_code},
		{"code_block", mk_code_block},
		{"html", mk_html},
		{"raw", mk_raw},
		{"paragraph", mk_paragraph},
		{"emph", mk_emph},
		{"strong", mk_strong},
		{"block_quote", mk_block_quote},
		{"item", mk_item},
		{"list", mk_list},
		{"heading", mk_heading},
		{"link", mk_link},
		{"image", mk_image},
		{"softbreak", mk_softbreak},
		{"linebreak", mk_linebreak},
		{"thematic_break", mk_thematic_break},
		{NULL, NULL},
	};
	nodebook *b = lua_newuserdatauv(L, sizeof(*b), 0);

	memset(b, 0, sizeof(*b));
	b->gen = 1;
	lua_newtable(L);
	lua_pushcfunction(L, book_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, BOOK_KEY);

	luaL_newmetatable(L, NODE_MT);
	lua_pushcfunction(L, node_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, node_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_pushcfunction(L, node_eq);
	lua_setfield(L, -2, "__eq");
	lua_pushcfunction(L, node_tostring);
	lua_setfield(L, -2, "__tostring");
	lua_pop(L, 1);

	/* gz.node = {…}: gz is a global table made by the caller */
	lua_newtable(L);
	luaL_setfuncs(L, ctors, 0);
	lua_setfield(L, -2, "node");
}

/* ---- filters ---- */

static bool in_tree(cmark_node *n, cmark_node *doc)
{
	while (n && n != doc)
		n = cmark_node_parent(n);
	return n == doc;
}

/* Replace old by the result at the top of the stack. */
static void apply_result(lua_State *L, cmark_node *old, const char *type)
{
	int top = lua_gettop(L);
	bool keep_old = false;
	lua_Integer i, n;

	if (lua_isnoneornil(L, top))
		return;
	if (lua_type(L, top) == LUA_TTABLE) {
		cmark_node *last = NULL; /* set once old itself is in the list */
		n = (lua_Integer)lua_rawlen(L, top);
		for (i = 1; i <= n; i++) {
			cmark_node *c;
			lua_rawgeti(L, top, i);
			c = to_node(L, -1);
			lua_pop(L, 1);
			if (c == old) {
				keep_old = true;
				last = old;
				continue;
			}
			/* the list's order is the page's: after old, insert after */
			if (last ? !cmark_node_insert_after(last, c) : !cmark_node_insert_before(old, c))
				luaL_error(L, "the '%s' filter returned a %s, which cannot stand where a "
					      "%s was", type, cmark_node_get_type_string(c), type);
			if (last)
				last = c;
		}
	} else {
		cmark_node *c = to_node(L, top);
		if (c == old)
			return;
		if (!cmark_node_insert_before(old, c))
			luaL_error(L, "the '%s' filter returned a %s, which cannot stand where a %s was",
				   type, cmark_node_get_type_string(c), type);
	}
	if (!keep_old) {
		cmark_node_unlink(old);
		track(L, old);
	}
}

static int apply_result_lua(lua_State *L)
{
	cmark_node *old = lua_touserdata(L, 1);
	const char *type = lua_tostring(L, 2);

	lua_settop(L, 3);
	apply_result(L, old, type);
	return 0;
}

/* apply_result under pcall; the result stays on the stack. */
static int apply_protected(lua_State *L, cmark_node *old, const char *type)
{
	int rc;

	lua_pushcfunction(L, apply_result_lua);
	lua_pushlightuserdata(L, old);
	lua_pushstring(L, type);
	lua_pushvalue(L, -4);
	rc = lua_pcall(L, 3, 0, 0);
	return rc;
}

typedef struct {
	cmark_node **items;
	size_t n, cap;
} node_list;

/* Bottom-up: every node after all of its children. */
static void collect(node_list *l, cmark_node *doc, bool inlines)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		bool leaf = !cmark_node_first_child(n) &&
			    (is_inline(n) || cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK ||
			     cmark_node_get_type(n) == CMARK_NODE_HTML_BLOCK ||
			     cmark_node_get_type(n) == CMARK_NODE_THEMATIC_BREAK);
		if (n == doc || is_inline(n) != inlines)
			continue;
		if (ev == CMARK_EVENT_EXIT || (ev == CMARK_EVENT_ENTER && leaf)) {
			GZ_GROW(l->items, l->cap, l->n + 1);
			l->items[l->n++] = n;
		}
	}
	cmark_iter_free(it);
}

static void run_pass(lua_State *L, int filter, cmark_node *doc, bool inlines)
{
	node_list l = {0};
	size_t i;
	bool failed = false;

	collect(&l, doc, inlines);
	for (i = 0; i < l.n && !failed; i++) {
		cmark_node *n = l.items[i];
		const char *type;

		if (!in_tree(n, doc))
			continue; /* cut out by an earlier replacement */
		type = cmark_node_get_type_string(n);
		if (lua_getfield(L, filter, type) != LUA_TFUNCTION) {
			lua_pop(L, 1);
			continue;
		}
		push_node(L, n);
		/* the list is C memory: free it before an error unwinds */
		if (lua_pcall(L, 1, 1, 0) != LUA_OK || apply_protected(L, n, type) != LUA_OK) {
			failed = true;
			break;
		}
		lua_pop(L, 1);
	}
	free(l.items);
	if (failed)
		lua_error(L);
}

void gz_hooks_run_filters(lua_State *L, int filters, void *doc, int meta_idx)
{
	lua_Integer i, n;

	filters = lua_absindex(L, filters);
	meta_idx = lua_absindex(L, meta_idx);
	n = (lua_Integer)lua_rawlen(L, filters);
	for (i = 1; i <= n; i++) {
		int f;
		lua_rawgeti(L, filters, i);
		f = lua_gettop(L);
		run_pass(L, f, doc, true);
		run_pass(L, f, doc, false);
		if (lua_getfield(L, f, "document") == LUA_TFUNCTION) {
			push_node(L, doc);
			lua_pushvalue(L, meta_idx);
			lua_call(L, 2, 1);
			if (lua_istable(L, -1)) {
				/* a new front matter replaces the old for later filters */
				lua_copy(L, -1, meta_idx);
			}
		}
		lua_settop(L, f - 1);
	}
}

void gz_hooks_page_done(lua_State *L, void *docp)
{
	nodebook *b = book(L);
	cmark_node *doc = docp, **roots;
	size_t i, k, nroots = 0;

	b->gen++;
	roots = gz_calloc(b->n ? b->n : 1, sizeof(*roots));
	for (i = 0; i < b->n; i++) {
		cmark_node *r = b->tracked[i];
		while (cmark_node_parent(r))
			r = cmark_node_parent(r);
		if (r == doc)
			continue;
		for (k = 0; k < nroots; k++)
			if (roots[k] == r)
				break;
		if (k == nroots)
			roots[nroots++] = r;
	}
	for (k = 0; k < nroots; k++)
		cmark_node_free(roots[k]);
	free(roots);
	b->n = 0;
}
