#include "lua/hooks.h"

#include <cmark-gfm.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "lua/script.h"

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

/* The text of n's tree into out (if not NULL); returns its length, and
 * the nodes visited in *visited */
static size_t stringify(char *out, cmark_node *n, long *visited)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	size_t len = 0;

	*visited = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		const char *lit;
		size_t k;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		(*visited)++;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK) {
			lit = cmark_node_get_literal(c);
			k = lit ? strlen(lit) : 0;
			if (out && k)
				memcpy(out + len, lit, k);
			len += k;
		} else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
			if (out)
				out[len] = ' ';
			len++;
		}
	}
	cmark_iter_free(it);
	return len;
}

/* Push the text of n's tree. Measured first, then written into a Lua
 * buffer: nothing C allocated is held when Lua may fail for memory. */
static void push_text(lua_State *L, cmark_node *n)
{
	luaL_Buffer b;
	long visited;
	size_t len = stringify(NULL, n, &visited);
	char *p;

	gz_script_charge(L, 2 * visited);
	p = luaL_buffinitsize(L, &b, len);
	stringify(p, n, &visited);
	luaL_pushresultsize(&b, len);
}

static int node_text_content(lua_State *L)
{
	push_text(L, check_node(L, 1));
	return 1;
}

/* What a node made in Lua costs in C besides its text (cmark's node, our
 * note of it), counted against the call's data limit with the text */
#define NODE_BYTES 160

/* A text handed to a node: counted as data the hook hands to C */
static const char *hand_text(lua_State *L, int idx)
{
	size_t len;
	const char *s = luaL_checklstring(L, idx, &len);

	gz_script_hand(L, len);
	return s;
}

static cmark_node *new_node(lua_State *L, cmark_node_type t)
{
	cmark_node *n;

	gz_script_hand(L, NODE_BYTES);
	n = cmark_node_new(t);
	track(L, n);
	return n;
}

/* Make a node from a Lua value: a node, or a string (a text node). */
static cmark_node *to_node(lua_State *L, int idx)
{
	cmark_node *n;

	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *text = hand_text(L, idx);
		n = new_node(L, CMARK_NODE_TEXT);
		cmark_node_set_literal(n, text);
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
		if (lit)
			lua_pushstring(L, lit);
		else
			push_text(L, n);
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
		gz_script_charge(L, i);
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
		ok = cmark_node_set_literal(n, hand_text(L, 3));
	else if (!strcmp(k, "level"))
		ok = cmark_node_set_heading_level(n, (int)luaL_checkinteger(L, 3));
	else if (!strcmp(k, "url"))
		ok = cmark_node_set_url(n, hand_text(L, 3));
	else if (!strcmp(k, "title"))
		ok = cmark_node_set_title(n, hand_text(L, 3));
	else if (!strcmp(k, "info"))
		ok = cmark_node_set_fence_info(n, hand_text(L, 3));
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

/* ---- constructors: gz.node.* ----
 * Texts are read, and counted, before the node is made. */

static int mk_literal(lua_State *L, cmark_node_type t)
{
	const char *text = hand_text(L, 1);
	cmark_node *n = new_node(L, t);

	cmark_node_set_literal(n, text);
	push_node(L, n);
	return 1;
}

static int mk_text(lua_State *L)
{
	return mk_literal(L, CMARK_NODE_TEXT);
}

static int mk_code(lua_State *L)
{
	return mk_literal(L, CMARK_NODE_CODE);
}

static int mk_code_block(lua_State *L)
{
	const char *text = hand_text(L, 1);
	const char *info = luaL_optstring(L, 2, "");
	cmark_node *n = new_node(L, CMARK_NODE_CODE_BLOCK);

	cmark_node_set_literal(n, text);
	cmark_node_set_fence_info(n, info);
	push_node(L, n);
	return 1;
}

/* gz.node.html(s) and gz.node.raw(s): HTML, a block or inline, written as
 * is (hooks are site code). */
static int mk_custom(lua_State *L, cmark_node_type t)
{
	const char *html = hand_text(L, 1);
	cmark_node *n = new_node(L, t);

	cmark_node_set_on_enter(n, html);
	cmark_node_set_on_exit(n, "");
	push_node(L, n);
	return 1;
}

static int mk_html(lua_State *L)
{
	return mk_custom(L, CMARK_NODE_CUSTOM_BLOCK);
}

static int mk_raw(lua_State *L)
{
	return mk_custom(L, CMARK_NODE_CUSTOM_INLINE);
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
	lua_Integer level = luaL_checkinteger(L, 1);
	cmark_node *n;

	if (level < 1 || level > 6)
		return luaL_error(L, "heading level %d is not 1 to 6", (int)level);
	n = new_node(L, CMARK_NODE_HEADING);
	cmark_node_set_heading_level(n, (int)level);
	append_children(L, n, 2);
	push_node(L, n);
	return 1;
}

/* link(url, children, title) and image(url, children, title) */
static int mk_target(lua_State *L, cmark_node_type type)
{
	const char *url = hand_text(L, 1);
	const char *title = luaL_optstring(L, 3, "");
	cmark_node *n;

	gz_script_hand(L, strlen(title));
	n = new_node(L, type);
	cmark_node_set_url(n, url);
	cmark_node_set_title(n, title);
	append_children(L, n, 2);
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

static void free_orphans(nodebook *b, cmark_node *doc);

static int book_gc(lua_State *L)
{
	nodebook *b = lua_touserdata(L, 1);

	/* nodes made since the last call ended (when the state is closed in one) */
	free_orphans(b, NULL);
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
	/* getmetatable(node) must not give a table that a __gc can be put in */
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);

	/* gz.node = {…}: gz is a global table made by the caller */
	lua_newtable(L);
	luaL_setfuncs(L, ctors, 0);
	lua_setfield(L, -2, "node");
}

/* ---- filters ---- */

/* Whether n is in doc; *steps counts the walk up */
static bool in_tree(cmark_node *n, cmark_node *doc, long *steps)
{
	while (n && n != doc) {
		n = cmark_node_parent(n);
		(*steps)++;
	}
	return n == doc;
}

/* An error about what the filter at fn returned: the filter has returned,
 * so Lua cannot say where it is; its first line can. */
static int filter_error(lua_State *L, int fn, const char *fmt, ...)
{
	lua_Debug ar;
	va_list ap;

	lua_pushvalue(L, fn);
	if (lua_getinfo(L, ">S", &ar))
		lua_pushfstring(L, "%s:%d: ", ar.source[0] == '@' ? ar.source + 1 : ar.short_src,
				ar.linedefined);
	else
		lua_pushliteral(L, "");
	va_start(ap, fmt);
	lua_pushvfstring(L, fmt, ap);
	va_end(ap);
	lua_concat(L, 2);
	return lua_error(L);
}

/* A filter's result, or an item of the list it returned, as a node (a
 * string is a text node). */
static cmark_node *result_node(lua_State *L, int idx, int fn, const char *type, bool item)
{
	node_ud *u = luaL_testudata(L, idx, NODE_MT);

	if (lua_type(L, idx) == LUA_TSTRING)
		return to_node(L, idx);
	if (!u) {
		filter_error(L, fn, "the '%s' filter returned %s %s; a filter returns nothing, a "
				    "node, a string or a list of those",
			     type, item ? "a list with a" : "a", luaL_typename(L, idx));
		return NULL;
	}
	if (u->gen != book(L)->gen)
		filter_error(L, fn, "the '%s' filter returned a node of a page that is done", type);
	return u->node;
}

/* Replace old by the result of the filter at fn, at the top of the stack. */
static void apply_result(lua_State *L, int fn, cmark_node *old, const char *type)
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
			c = result_node(L, -1, fn, type, true);
			lua_pop(L, 1);
			if (c == old) {
				keep_old = true;
				last = old;
				continue;
			}
			/* the list's order is the page's: after old, insert after */
			if (last ? !cmark_node_insert_after(last, c) : !cmark_node_insert_before(old, c))
				filter_error(L, fn, "the '%s' filter returned a %s, which cannot stand "
						    "where a %s was",
					     type, cmark_node_get_type_string(c), type);
			if (last)
				last = c;
		}
	} else {
		cmark_node *c = result_node(L, top, fn, type, false);
		if (c == old)
			return;
		if (!cmark_node_insert_before(old, c))
			filter_error(L, fn, "the '%s' filter returned a %s, which cannot stand where "
					    "a %s was",
				     type, cmark_node_get_type_string(c), type);
	}
	if (!keep_old) {
		cmark_node_unlink(old);
		track(L, old);
	}
}

/* Bottom-up: every node after all of its children, into items (if not
 * NULL); returns how many. */
static size_t collect_into(cmark_node *doc, bool inlines, cmark_node **items)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	size_t n = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		bool leaf = !cmark_node_first_child(c) &&
			    (is_inline(c) || cmark_node_get_type(c) == CMARK_NODE_CODE_BLOCK ||
			     cmark_node_get_type(c) == CMARK_NODE_HTML_BLOCK ||
			     cmark_node_get_type(c) == CMARK_NODE_THEMATIC_BREAK);
		if (c == doc || is_inline(c) != inlines)
			continue;
		if (ev == CMARK_EVENT_EXIT || (ev == CMARK_EVENT_ENTER && leaf)) {
			if (items)
				items[n] = c;
			n++;
		}
	}
	cmark_iter_free(it);
	return n;
}

/* The nodes a pass visits, in a Lua userdata (pushed), so that a filter's
 * error, a longjmp, leaves no C memory behind. */
static cmark_node **collect(lua_State *L, cmark_node *doc, bool inlines, size_t *n)
{
	cmark_node **items;

	*n = collect_into(doc, inlines, NULL);
	items = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof(*items), 0);
	collect_into(doc, inlines, items);
	return items;
}

static void run_pass(lua_State *L, int filter, cmark_node *doc, bool inlines)
{
	size_t i, n;
	cmark_node **l = collect(L, doc, inlines, &n);
	long steps = n;

	for (i = 0; i < n; i++) {
		cmark_node *c = l[i];
		bool in = in_tree(c, doc, &steps);
		const char *type;
		int fn;

		/* a tree that Lua nested deep makes each walk long: counted, a
		 * few thousand steps at a time */
		if (steps > 4096) {
			gz_script_charge(L, steps);
			steps = 0;
		}
		if (!in)
			continue; /* cut out by an earlier replacement */
		type = cmark_node_get_type_string(c);
		if (lua_getfield(L, filter, type) != LUA_TFUNCTION) {
			lua_pop(L, 1);
			continue;
		}
		fn = lua_gettop(L);
		lua_pushvalue(L, fn);
		push_node(L, c);
		lua_call(L, 1, 1);
		apply_result(L, fn, c, type);
		lua_settop(L, fn - 1);
	}
	gz_script_charge(L, steps);
	lua_pop(L, 1); /* the list */
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
			int fn = lua_gettop(L);
			lua_pushvalue(L, fn);
			push_node(L, doc);
			lua_pushvalue(L, meta_idx);
			lua_call(L, 2, 1);
			if (lua_istable(L, -1))
				/* a new front matter replaces the old for later filters */
				lua_copy(L, -1, meta_idx);
			else if (!lua_isnil(L, -1))
				filter_error(L, fn, "the document filter returned a %s; it returns the "
						    "front matter (a table) or nothing",
					     luaL_typename(L, -1));
		}
		lua_settop(L, f - 1);
	}
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(cmark_node *const *)a, y = (uintptr_t)*(cmark_node *const *)b;

	return x < y ? -1 : x > y;
}

/* Free the trees that Lua made or cut out and that are not in doc (may be
 * NULL). A node out of the document is under one that Lua made or cut out,
 * and was noted then; the trees to free are the noted nodes with no parent
 * (the document itself is never noted). A node may be noted twice: sort,
 * and free each once. */
static void free_orphans(nodebook *b, cmark_node *doc)
{
	size_t i, k = 0;

	for (i = 0; i < b->n; i++)
		if (!cmark_node_parent(b->tracked[i]) && b->tracked[i] != doc)
			b->tracked[k++] = b->tracked[i];
	if (k > 1)
		qsort(b->tracked, k, sizeof(*b->tracked), cmp_ptr);
	for (i = 0; i < k; i++)
		if (i == 0 || b->tracked[i] != b->tracked[i - 1])
			cmark_node_free(b->tracked[i]);
	b->n = 0;
}

void gz_hooks_page_done(lua_State *L, void *doc)
{
	nodebook *b = book(L);

	b->gen++;
	free_orphans(b, doc);
}
