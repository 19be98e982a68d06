#include "lua/hooks.h"

#include <lauxlib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "load/markdown.h"
#include "lua/script.h"

static const char NODE_MT[] = "gazette.node";
static const char BOOK_KEY[] = "gazette.nodebook";

/* Per state: which page generation node userdata belong to, and the nodes
 * Lua made or cut out (candidates for freeing when the page is done). */
typedef struct {
	unsigned gen;
	gz_md_node **tracked;
	size_t n, cap;
	int line; /* the page's line of the node a filter was last called on */
} nodebook;

typedef struct {
	gz_md_node *node;
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

static void track(lua_State *L, gz_md_node *n)
{
	nodebook *b = book(L);

	GZ_GROW(b->tracked, b->cap, b->n + 1);
	b->tracked[b->n++] = n;
}

static void push_node(lua_State *L, gz_md_node *n)
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

static gz_md_node *check_node(lua_State *L, int idx)
{
	node_ud *u = luaL_checkudata(L, idx, NODE_MT);

	if (u->gen != book(L)->gen)
		luaL_error(L, _("this node belongs to a page that is done; keep nodes only while "
			      "filtering their own page"));
	return u->node;
}

/* Measuring, then writing, the text of a tree */
typedef struct {
	char *out;     /* NULL: measure only */
	size_t len;
	long visited;
} text_walk;

static void text_of(gz_md_node *c, bool enter, void *payload)
{
	text_walk *w = payload;
	gz_md_kind t = gz_md_node_kind(c);

	if (!enter)
		return;
	w->visited++;
	if (t == GZ_MD_TEXT || t == GZ_MD_CODE || t == GZ_MD_CODE_BLOCK) {
		const char *lit = gz_md_node_literal(c);
		size_t k = lit ? strlen(lit) : 0;
		if (w->out && k)
			memcpy(w->out + w->len, lit, k);
		w->len += k;
	} else if (t == GZ_MD_SOFTBREAK || t == GZ_MD_LINEBREAK) {
		if (w->out)
			w->out[w->len] = ' ';
		w->len++;
	}
}

/* The text of n's tree into out (if not NULL); returns its length, and
 * the nodes visited in *visited */
static size_t stringify(char *out, gz_md_node *n, long *visited)
{
	text_walk w = {out, 0, 0};

	gz_md_walk(n, text_of, &w);
	*visited = w.visited;
	return w.len;
}

/* Push the text of n's tree. Measured first, then written into a Lua
 * buffer: nothing C allocated is held when Lua may fail for memory. */
static void push_text(lua_State *L, gz_md_node *n)
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

static gz_md_node *new_node(lua_State *L, gz_md_kind t)
{
	gz_md_node *n;

	gz_script_hand(L, NODE_BYTES);
	n = gz_md_node_new(t);
	track(L, n);
	return n;
}

/* Make a node from a Lua value: a node, or a string (a text node). */
static gz_md_node *to_node(lua_State *L, int idx)
{
	gz_md_node *n;

	if (lua_type(L, idx) == LUA_TSTRING) {
		const char *text = hand_text(L, idx);
		n = new_node(L, GZ_MD_TEXT);
		gz_md_node_set_literal(n, text);
		return n;
	}
	return check_node(L, idx);
}

static void append_checked(lua_State *L, gz_md_node *parent, gz_md_node *child)
{
	if (!gz_md_node_append(parent, child))
		luaL_error(L, _("a '%s' node cannot hold a '%s' node"), gz_md_node_type(parent),
			   gz_md_node_type(child));
}

/* Append children given as a node, a string or a list of those. */
static void append_children(lua_State *L, gz_md_node *parent, int idx)
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
	gz_md_node *n = check_node(L, 1);
	const char *k = luaL_checkstring(L, 2);
	gz_md_node *c;
	int i = 0;

	if (!strcmp(k, "type")) {
		lua_pushstring(L, gz_md_node_type(n));
	} else if (!strcmp(k, "text")) {
		const char *lit = gz_md_node_literal(n);
		if (lit)
			lua_pushstring(L, lit);
		else
			push_text(L, n);
	} else if (!strcmp(k, "level")) {
		lua_pushinteger(L, gz_md_node_level(n));
	} else if (!strcmp(k, "url")) {
		lua_pushstring(L, gz_md_node_url(n) ? gz_md_node_url(n) : "");
	} else if (!strcmp(k, "title")) {
		lua_pushstring(L, gz_md_node_title(n) ? gz_md_node_title(n) : "");
	} else if (!strcmp(k, "info")) {
		lua_pushstring(L, gz_md_node_info(n) ? gz_md_node_info(n) : "");
	} else if (!strcmp(k, "list_type")) {
		lua_pushstring(L, gz_md_node_ordered(n) ? "ordered" : "bullet");
	} else if (!strcmp(k, "start")) {
		lua_pushinteger(L, gz_md_node_start(n));
	} else if (!strcmp(k, "tight")) {
		lua_pushboolean(L, gz_md_node_tight(n));
	} else if (!strcmp(k, "checked")) {
		int task = gz_md_node_task(n);
		if (task == GZ_MD_NOT_TASK)
			lua_pushnil(L);
		else
			lua_pushboolean(L, task == GZ_MD_TASK_DONE);
	} else if (!strcmp(k, "line")) {
		lua_pushinteger(L, gz_md_node_line(n));
	} else if (!strcmp(k, "children")) {
		lua_newtable(L);
		for (c = gz_md_node_first_child(n); c; c = gz_md_node_next(c)) {
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

/* An item's checked as a task: true, false, or nil (not a task) */
static int task_arg(lua_State *L, int idx)
{
	if (lua_isnoneornil(L, idx))
		return GZ_MD_NOT_TASK;
	if (!lua_isboolean(L, idx))
		luaL_error(L, _("an item's 'checked' is true, false or nil, not a %s"),
			   luaL_typename(L, idx));
	return lua_toboolean(L, idx) ? GZ_MD_TASK_DONE : GZ_MD_TASK_OPEN;
}

static int node_newindex(lua_State *L)
{
	gz_md_node *n = check_node(L, 1), *c;
	const char *k = luaL_checkstring(L, 2);
	int ok = 1;

	if (!strcmp(k, "text"))
		ok = gz_md_node_set_literal(n, hand_text(L, 3));
	else if (!strcmp(k, "level"))
		ok = gz_md_node_set_level(n, (int)luaL_checkinteger(L, 3));
	else if (!strcmp(k, "url"))
		ok = gz_md_node_set_url(n, hand_text(L, 3));
	else if (!strcmp(k, "title"))
		ok = gz_md_node_set_title(n, hand_text(L, 3));
	else if (!strcmp(k, "info"))
		ok = gz_md_node_set_info(n, hand_text(L, 3));
	else if (!strcmp(k, "list_type"))
		ok = gz_md_node_set_ordered(n, !strcmp(luaL_checkstring(L, 3), "ordered"));
	else if (!strcmp(k, "start"))
		ok = gz_md_node_set_start(n, (int)luaL_checkinteger(L, 3));
	else if (!strcmp(k, "tight"))
		ok = gz_md_node_set_tight(n, lua_toboolean(L, 3));
	else if (!strcmp(k, "checked"))
		ok = gz_md_node_set_task(n, task_arg(L, 3));
	else if (!strcmp(k, "children")) {
		while ((c = gz_md_node_first_child(n))) {
			gz_md_node_unlink(c);
			track(L, c);
		}
		append_children(L, n, 3);
	} else
		return luaL_error(L, _("a node has no field '%s' to set"), k);
	if (!ok)
		return luaL_error(L, _("cannot set '%s' on a %s"), k, gz_md_node_type(n));
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
	gz_md_node *n = check_node(L, 1);
	lua_pushfstring(L, "node(%s)", gz_md_node_type(n));
	return 1;
}

/* ---- constructors: gz.node.* ----
 * Texts are read, and counted, before the node is made. */

static int mk_literal(lua_State *L, gz_md_kind t)
{
	const char *text = hand_text(L, 1);
	gz_md_node *n = new_node(L, t);

	gz_md_node_set_literal(n, text);
	push_node(L, n);
	return 1;
}

static int mk_text(lua_State *L)
{
	return mk_literal(L, GZ_MD_TEXT);
}

static int mk_code(lua_State *L)
{
	return mk_literal(L, GZ_MD_CODE);
}

static int mk_code_block(lua_State *L)
{
	const char *text = hand_text(L, 1);
	const char *info = luaL_optstring(L, 2, "");
	gz_md_node *n = new_node(L, GZ_MD_CODE_BLOCK);

	gz_md_node_set_literal(n, text);
	gz_md_node_set_info(n, info);
	push_node(L, n);
	return 1;
}

/* gz.node.html(s) and gz.node.raw(s): HTML, a block or inline, written as
 * is (hooks are site code). */
static int mk_custom(lua_State *L, gz_md_kind t)
{
	const char *html = hand_text(L, 1);
	gz_md_node *n = new_node(L, t);

	gz_md_node_set_html(n, html);
	push_node(L, n);
	return 1;
}

static int mk_html(lua_State *L)
{
	return mk_custom(L, GZ_MD_CUSTOM_BLOCK);
}

static int mk_raw(lua_State *L)
{
	return mk_custom(L, GZ_MD_CUSTOM_INLINE);
}

static int mk_container(lua_State *L, gz_md_kind t, int children_arg)
{
	gz_md_node *n = new_node(L, t);

	append_children(L, n, children_arg);
	push_node(L, n);
	return 1;
}

static int mk_paragraph(lua_State *L) { return mk_container(L, GZ_MD_PARAGRAPH, 1); }
static int mk_emph(lua_State *L) { return mk_container(L, GZ_MD_EMPH, 1); }
static int mk_strong(lua_State *L) { return mk_container(L, GZ_MD_STRONG, 1); }
static int mk_block_quote(lua_State *L) { return mk_container(L, GZ_MD_BLOCK_QUOTE, 1); }
static int mk_softbreak(lua_State *L) { return mk_container(L, GZ_MD_SOFTBREAK, 0); }
static int mk_linebreak(lua_State *L) { return mk_container(L, GZ_MD_LINEBREAK, 0); }
static int mk_thematic_break(lua_State *L) { return mk_container(L, GZ_MD_THEMATIC_BREAK, 0); }

/* item(children, checked): a task's item when checked is a boolean */
static int mk_item(lua_State *L)
{
	int task = task_arg(L, 2);
	gz_md_node *n = new_node(L, GZ_MD_ITEM);

	gz_md_node_set_task(n, task);
	append_children(L, n, 1);
	push_node(L, n);
	return 1;
}

static int mk_heading(lua_State *L)
{
	lua_Integer level = luaL_checkinteger(L, 1);
	gz_md_node *n;

	if (level < 1 || level > 6)
		return luaL_error(L, _("heading level %d is not 1 to 6"), (int)level);
	n = new_node(L, GZ_MD_HEADING);
	gz_md_node_set_level(n, (int)level);
	append_children(L, n, 2);
	push_node(L, n);
	return 1;
}

/* link(url, children, title) and image(url, children, title) */
static int mk_target(lua_State *L, gz_md_kind type)
{
	const char *url = hand_text(L, 1);
	const char *title = luaL_optstring(L, 3, "");
	gz_md_node *n;

	gz_script_hand(L, strlen(title));
	n = new_node(L, type);
	gz_md_node_set_url(n, url);
	gz_md_node_set_title(n, title);
	append_children(L, n, 2);
	push_node(L, n);
	return 1;
}

static int mk_link(lua_State *L)
{
	return mk_target(L, GZ_MD_LINK);
}

static int mk_image(lua_State *L)
{
	return mk_target(L, GZ_MD_IMAGE);
}

static int mk_list(lua_State *L)
{
	gz_md_node *n = new_node(L, GZ_MD_LIST);

	gz_md_node_set_ordered(n, lua_toboolean(L, 2));
	gz_md_node_set_tight(n, 1);
	if (lua_toboolean(L, 2))
		gz_md_node_set_start(n, 1);
	append_children(L, n, 1);
	push_node(L, n);
	return 1;
}

static void free_orphans(nodebook *b, gz_md_node *doc);

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

static const luaL_Reg node_meta[] = {
	{"__index", node_index}, {"__newindex", node_newindex}, {"__eq", node_eq},
	{"__tostring", node_tostring}, {NULL, NULL},
};

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
	luaL_setfuncs(L, node_meta, 0);
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
static bool in_tree(gz_md_node *n, gz_md_node *doc, long *steps)
{
	while (n && n != doc) {
		n = gz_md_node_parent(n);
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
static gz_md_node *result_node(lua_State *L, int idx, int fn, const char *type, bool item)
{
	node_ud *u = luaL_testudata(L, idx, NODE_MT);

	if (lua_type(L, idx) == LUA_TSTRING)
		return to_node(L, idx);
	if (!u) {
		/* lua_pushvfstring: a translation keeps the order of the %s */
		if (item)
			filter_error(L, fn,
				     _("the '%s' filter returned a list with a %s; a filter returns "
				       "nothing, a node, a string or a list of those"),
				     type, luaL_typename(L, idx));
		else
			filter_error(L, fn,
				     _("the '%s' filter returned a %s; a filter returns nothing, a node, "
				       "a string or a list of those"),
				     type, luaL_typename(L, idx));
		return NULL;
	}
	if (u->gen != book(L)->gen)
		filter_error(L, fn, _("the '%s' filter returned a node of a page that is done"), type);
	return u->node;
}

/* Replace old by the result of the filter at fn, at the top of the stack. */
static void apply_result(lua_State *L, int fn, gz_md_node *old, const char *type)
{
	int top = lua_gettop(L);
	bool keep_old = false;
	lua_Integer i, n;

	if (lua_isnoneornil(L, top))
		return;
	if (lua_type(L, top) == LUA_TTABLE) {
		gz_md_node *last = NULL; /* set once old itself is in the list */
		n = (lua_Integer)lua_rawlen(L, top);
		for (i = 1; i <= n; i++) {
			gz_md_node *c;
			lua_rawgeti(L, top, i);
			c = result_node(L, -1, fn, type, true);
			lua_pop(L, 1);
			if (c == old) {
				keep_old = true;
				last = old;
				continue;
			}
			/* the list's order is the page's: after old, insert after */
			if (last ? !gz_md_node_insert_after(last, c) : !gz_md_node_insert_before(old, c))
				filter_error(L, fn,
					     _("the '%s' filter returned a %s, which cannot stand where a "
					       "%s was"),
					     type, gz_md_node_type(c), type);
			if (last)
				last = c;
		}
	} else {
		gz_md_node *c = result_node(L, top, fn, type, false);
		if (c == old)
			return;
		if (!gz_md_node_insert_before(old, c))
			filter_error(L, fn,
				     _("the '%s' filter returned a %s, which cannot stand where a %s "
				       "was"),
				     type, gz_md_node_type(c), type);
	}
	if (!keep_old) {
		gz_md_node_unlink(old);
		track(L, old);
	}
}

/* Collecting the nodes of one pass */
typedef struct {
	gz_md_node *doc, **items;  /* items NULL: count only */
	bool inlines;
	size_t n;
} pass_walk;

static void pass_node(gz_md_node *c, bool enter, void *payload)
{
	pass_walk *w = payload;
	gz_md_kind t = gz_md_node_kind(c);
	bool leaf = !gz_md_node_first_child(c) &&
		    (gz_md_node_is_inline(c) || t == GZ_MD_CODE_BLOCK || t == GZ_MD_HTML_BLOCK ||
		     t == GZ_MD_THEMATIC_BREAK);

	if (c == w->doc || gz_md_node_is_inline(c) != w->inlines)
		return;
	if (!enter || leaf) {
		if (w->items)
			w->items[w->n] = c;
		w->n++;
	}
}

/* Bottom-up: every node after all of its children, into items (if not
 * NULL); returns how many. */
static size_t collect_into(gz_md_node *doc, bool inlines, gz_md_node **items)
{
	pass_walk w = {doc, items, inlines, 0};

	gz_md_walk(doc, pass_node, &w);
	return w.n;
}

/* The nodes a pass visits, in a Lua userdata (pushed), so that a filter's
 * error, a longjmp, leaves no C memory behind. */
static gz_md_node **collect(lua_State *L, gz_md_node *doc, bool inlines, size_t *n)
{
	gz_md_node **items;

	*n = collect_into(doc, inlines, NULL);
	items = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof(*items), 0);
	collect_into(doc, inlines, items);
	return items;
}

static void run_pass(lua_State *L, int filter, gz_md_node *doc, bool inlines)
{
	size_t i, n;
	gz_md_node **l = collect(L, doc, inlines, &n);
	nodebook *bk = book(L);
	long steps = n;

	for (i = 0; i < n; i++) {
		gz_md_node *c = l[i];
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
		type = gz_md_node_type(c);
		if (lua_getfield(L, filter, type) != LUA_TFUNCTION) {
			lua_pop(L, 1);
			continue;
		}
		fn = lua_gettop(L);
		lua_pushvalue(L, fn);
		push_node(L, c);
		bk->line = gz_md_node_line(c);
		lua_call(L, 1, 1);
		apply_result(L, fn, c, type);
		lua_settop(L, fn - 1);
	}
	gz_script_charge(L, steps);
	lua_pop(L, 1); /* the list */
}

void gz_hooks_run_filters(lua_State *L, int filters, gz_md_node *doc, int meta_idx)
{
	lua_Integer i, n;

	filters = lua_absindex(L, filters);
	meta_idx = lua_absindex(L, meta_idx);
	book(L)->line = 0;
	n = (lua_Integer)lua_rawlen(L, filters);
	for (i = 1; i <= n; i++) {
		int f;
		lua_rawgeti(L, filters, i);
		f = lua_gettop(L);
		run_pass(L, f, doc, true);
		run_pass(L, f, doc, false);
		if (lua_getfield(L, f, "document") == LUA_TFUNCTION) {
			int fn = lua_gettop(L);
			book(L)->line = 0;
			lua_pushvalue(L, fn);
			push_node(L, doc);
			lua_pushvalue(L, meta_idx);
			lua_call(L, 2, 1);
			if (lua_istable(L, -1))
				/* a new front matter replaces the old for later filters */
				lua_copy(L, -1, meta_idx);
			else if (!lua_isnil(L, -1))
				filter_error(L, fn,
					     _("the document filter returned a %s; it returns the front "
					       "matter (a table) or nothing"),
					     luaL_typename(L, -1));
		}
		lua_settop(L, f - 1);
	}
}

int gz_hooks_filter_line(lua_State *L)
{
	return book(L)->line;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(gz_md_node *const *)a, y = (uintptr_t)*(gz_md_node *const *)b;

	return x < y ? -1 : x > y;
}

/* Free the trees that Lua made or cut out and that are not in doc (may be
 * NULL). A node out of the document is under one that Lua made or cut out,
 * and was noted then; the trees to free are the noted nodes with no parent
 * (the document itself is never noted). A node may be noted twice: sort,
 * and free each once. */
static void free_orphans(nodebook *b, gz_md_node *doc)
{
	size_t i, k = 0;

	for (i = 0; i < b->n; i++)
		if (!gz_md_node_parent(b->tracked[i]) && b->tracked[i] != doc)
			b->tracked[k++] = b->tracked[i];
	if (k > 1)
		qsort(b->tracked, k, sizeof(*b->tracked), cmp_ptr);
	for (i = 0; i < k; i++)
		if (i == 0 || b->tracked[i] != b->tracked[i - 1])
			gz_md_node_free(b->tracked[i]);
	b->n = 0;
}

void gz_hooks_page_done(lua_State *L, gz_md_node *doc)
{
	nodebook *b = book(L);

	b->gen++;
	free_orphans(b, doc);
}
