#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/strlist.h"
#include "load/doc.h"
#include "lua/hooks.h"
#include "lua/internal.h"

/* In a call: the front matter (argument 1) into s->new_fm */
static int front_matter_lua(lua_State *L)
{
	script_of(L)->new_fm = script_value_take(L, 1);
	return 0;
}

/* "path:line: " of the last filter's document function */
static void last_document_place(lua_State *L, char *buf, size_t size)
{
	lua_Debug ar;
	lua_Integer i;

	buf[0] = '\0';
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.filters");
	for (i = (lua_Integer)lua_rawlen(L, -1); i > 0 && !buf[0]; i--) {
		lua_rawgeti(L, -1, i);
		if (lua_getfield(L, -1, "document") == LUA_TFUNCTION && lua_getinfo(L, ">S", &ar))
			script_place_of(buf, size, &ar, ar.linedefined);
		else
			lua_pop(L, 1);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/* The filters over the page's tree (argument 1), with its front matter;
 * a document filter's new front matter goes to s->new_fm. */
static int run_filters_lua(lua_State *L)
{
	gz_script *s = script_of(L);
	gz_md_node *doc = lua_touserdata(L, 1);

	lua_settop(L, 1);
	if (s->cur_fm && *s->cur_fm)
		gz_script_push_value(L, *s->cur_fm);
	if (!lua_istable(L, 2)) {
		lua_settop(L, 1);
		lua_newtable(L);
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.filters");
	gz_hooks_run_filters(L, -1, doc, 2);
	if (s->has_document && s->cur_fm) {
		/* the document filters have returned: an error here (too much
		 * data, a table that holds itself) is placed at the last one */
		lua_pushcfunction(L, front_matter_lua);
		lua_pushvalue(L, 2);
		if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
			if (!s->stopped && lua_type(L, -1) == LUA_TSTRING &&
			    !gz_diag_place(lua_tostring(L, -1), NULL)) {
				char place[256];
				last_document_place(L, place, sizeof(place));
				lua_pushstring(L, place);
				lua_insert(L, -2);
				lua_concat(L, 2);
			}
			return lua_error(L);
		}
	}
	return 0;
}

/* msg, with the page it was on and the line there when known (0: not);
 * msg is freed */
char *script_on_page_of(char *msg, const char *path, int line)
{
	gz_buf b = GZ_BUF_INIT, page = GZ_BUF_INIT;
	size_t n = script_place_len(msg);

	gz_buf_puts(&page, path);
	if (line > 0)
		gz_buf_printf(&page, ":%d", line);
	gz_buf_printf(&b, "%.*s", (int)n, msg);
	gz_buf_printf(&b, _("%s (while rendering %s)"), msg + n, page.ptr);
	gz_buf_release(&page);
	free(msg);
	return gz_buf_detach(&b, NULL);
}

static int md_filter(gz_md_node *doc, int line_offset, void *payload, char **err)
{
	gz_script *s = payload;
	lua_State *L = s->L;
	int top = lua_gettop(L), rc = 0;

	if (!s->has_filters)
		return 0;
	s->new_fm = NULL;
	lua_pushcfunction(L, run_filters_lua);
	lua_pushlightuserdata(L, doc);
	if (script_call_lua(s, 1, 0, err) < 0) {
		int line = gz_hooks_filter_line(L);
		*err = script_on_page_of(*err, s->md_path, line > 0 ? line + line_offset : 0);
		rc = -1;
	} else if (s->new_fm) {
		gz_value_free(*s->cur_fm);
		*s->cur_fm = s->new_fm;
	}
	s->new_fm = NULL;
	gz_hooks_page_done(L, doc);
	lua_settop(L, top);
	return rc;
}

/* Arguments of a shortcode line: key=value, key="a b", key=“中文”, or bare
 * words (positional). */
static void push_args(lua_State *L, const char *a)
{
	lua_Integer pos = 0;

	lua_newtable(L);
	while (*a) {
		const char *k, *eq = NULL, *v, *end;
		size_t klen;
		while (*a == ' ' || *a == '\t')
			a++;
		if (!*a)
			break;
		k = a;
		while (*a && *a != ' ' && *a != '\t' && *a != '=')
			a++;
		klen = (size_t)(a - k);
		if (*a == '=')
			eq = a++;
		if (!eq) {
			lua_pushlstring(L, k, klen);
			lua_rawseti(L, -2, ++pos);
			continue;
		}
		if (*a == '"' || !strncmp(a, "“", 3)) {
			bool cn = *a != '"';
			v = a + (cn ? 3 : 1);
			end = cn ? strstr(v, "”") : strchr(v, '"');
			if (!end)
				end = v + strlen(v);
			lua_pushlstring(L, k, klen);
			lua_pushlstring(L, v, (size_t)(end - v));
			lua_settable(L, -3);
			a = *end ? end + (cn ? 3 : 1) : end;
		} else {
			v = a;
			while (*a && *a != ' ' && *a != '\t')
				a++;
			lua_pushlstring(L, k, klen);
			lua_pushlstring(L, v, (size_t)(a - v));
			lua_settable(L, -3);
		}
	}
}

/* ctx.image(src, {caption=, credit=, alt=}) in a shortcode: the photo as
 * a figure of the page; returns its HTML and its id for print blocks, or
 * nil when src is not a file of the site. */
static int sc_image_l(lua_State *L)
{
	gz_script *s = lua_touserdata(L, lua_upvalueindex(1));
	const char *src = luaL_checkstring(L, 1), *f[3] = {NULL, NULL, NULL};
	static const char *const keys[3] = {"caption", "credit", "alt"};
	char *html = NULL;
	int k, id;

	if (!s->cur_sc)
		return luaL_error(L, "%s", _("ctx.image is for use while the shortcode runs"));
	if (lua_istable(L, 2)) {
		/* the strings stay on the stack until the photo is placed */
		for (k = 0; k < 3; k++) {
			lua_getfield(L, 2, keys[k]);
			f[k] = lua_type(L, -1) == LUA_TSTRING && lua_rawlen(L, -1) ? lua_tostring(L, -1)
									   : NULL;
		}
	}
	id = s->cur_sc->image(s->cur_sc, src, f[2], f[0], f[1], &html);
	if (id < 0) {
		free(html);
		lua_pushnil(L);
		lua_pushnil(L);
		return 2;
	}
	lua_pushstring(L, html);
	free(html);
	lua_pushinteger(L, id);
	return 2;
}

/* t[key] without metamethods; pushes it and returns its type. */
static int raw_field(lua_State *L, int t, const char *key)
{
	t = lua_absindex(L, t);
	lua_pushstring(L, key);
	return lua_rawget(L, t);
}

/* A string field of a print block: t[key], else t[pos] when pos > 0. */
static const char *block_str(lua_State *L, int t, const char *key, int pos)
{
	const char *v = NULL;

	raw_field(L, t, key);
	if (lua_type(L, -1) == LUA_TSTRING)
		v = lua_tostring(L, -1);
	lua_pop(L, 1);
	if (!v && pos > 0) {
		lua_rawgeti(L, t, pos);
		if (lua_type(L, -1) == LUA_TSTRING)
			v = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	return v; /* the table keeps it alive */
}

/* A number field of a print block, or def. */
static int block_int(lua_State *L, int t, const char *key, int def)
{
	int isnum = 0, v;

	raw_field(L, t, key);
	v = (int)lua_tointegerx(L, -1, &isnum);
	lua_pop(L, 1);
	return isnum ? v : def;
}

static void add_text_block(gz_buf *doc, gz_doc_kind kind, int num, const char *marker,
			   const char *text)
{
	gz_buf m = GZ_BUF_INIT;

	gz_doc_escape(&m, text, strlen(text));
	if (marker)
		gz_doc_add2(doc, kind, '-', num, marker, m.ptr);
	else
		gz_doc_add2(doc, kind, '-', num, m.ptr, NULL);
	gz_buf_release(&m);
}

/* The inner content's blocks, its paragraphs made kind. */
static void add_inner(gz_buf *doc, const char *inner, gz_doc_kind para_as)
{
	gz_doc_reader r;
	gz_doc_block b;

	gz_doc_reader_init(&r, inner);
	while (gz_doc_next(&r, &b))
		gz_doc_add(doc, b.kind == GZ_DOC_PARA ? para_as : b.kind, b.target,
			   b.kind == GZ_DOC_PARA && para_as == GZ_DOC_QUOTE ? 1 : b.num, b.nfields,
			   (const char *const *)b.fields);
	gz_doc_reader_release(&r);
}

/*
 * The print form a shortcode returned: a list of blocks, each a table
 * {kind, text} (or {"kind", "text"}): para, head (level=), item (marker=),
 * quote (text, or inner=true; attribution=), attribution, box (title=,
 * children={…} or inner=true), image (id= from ctx.image), link (url=,
 * label=), code, rule, inner. Returns NULL or what is wrong (static).
 */
static const char *print_blocks(lua_State *L, int list, gz_md_sc *sc, gz_buf *doc, int depth)
{
	lua_Integer i, n = (lua_Integer)lua_rawlen(L, list);
	const char *why = NULL;

	/* each level holds a block, a field and its children on the stack */
	if (depth > 8 || !lua_checkstack(L, 8))
		return _("print blocks nest too deeply");
	for (i = 1; i <= n && !why; i++) {
		int t;
		const char *kind, *text;
		if (lua_rawgeti(L, list, i) != LUA_TTABLE) {
			lua_pop(L, 1);
			return _("each print block must be a table such as {kind = \"para\", text = "
				 "\"…\"}");
		}
		t = lua_gettop(L);
		kind = block_str(L, t, "kind", 1);
		text = block_str(L, t, "text", 2);
		if (!kind) {
			why = _("a print block has no kind (para, head, quote, box, image …)");
		} else if (!strcmp(kind, "para") || !strcmp(kind, "attribution") ||
			   !strcmp(kind, "code")) {
			if (text)
				add_text_block(doc, kind[0] == 'p' ? GZ_DOC_PARA : kind[0] == 'a' ? GZ_DOC_ATTRIB
												 : GZ_DOC_CODE,
					       0, NULL, text);
		} else if (!strcmp(kind, "head")) {
			int lv = block_int(L, t, "level", 3);
			if (text)
				add_text_block(doc, GZ_DOC_HEAD, lv >= 1 && lv <= 6 ? lv : 3, NULL, text);
		} else if (!strcmp(kind, "item")) {
			const char *mk = block_str(L, t, "marker", 0);
			if (text)
				add_text_block(doc, GZ_DOC_ITEM, 1, mk ? mk : "•", text);
		} else if (!strcmp(kind, "quote")) {
			const char *by = block_str(L, t, "attribution", 0);
			if (text)
				add_text_block(doc, GZ_DOC_QUOTE, 1, NULL, text);
			if (raw_field(L, t, "inner"), lua_toboolean(L, -1))
				add_inner(doc, sc->inner_doc, GZ_DOC_QUOTE);
			lua_pop(L, 1);
			if (by)
				add_text_block(doc, GZ_DOC_ATTRIB, 0, NULL, by);
		} else if (!strcmp(kind, "box")) {
			const char *title = block_str(L, t, "title", 0);
			gz_buf m = GZ_BUF_INIT;
			if (title)
				gz_doc_escape(&m, title, strlen(title));
			gz_doc_add2(doc, GZ_DOC_BOX, '-', 0, m.ptr, NULL);
			gz_buf_release(&m);
			if (text)
				add_text_block(doc, GZ_DOC_PARA, 0, NULL, text);
			if (raw_field(L, t, "children") == LUA_TTABLE)
				why = print_blocks(L, lua_gettop(L), sc, doc, depth + 1);
			lua_pop(L, 1);
			if (raw_field(L, t, "inner"), lua_toboolean(L, -1))
				add_inner(doc, sc->inner_doc, GZ_DOC_PARA);
			lua_pop(L, 1);
			gz_doc_add2(doc, GZ_DOC_BOX_END, '-', 0, NULL, NULL);
		} else if (!strcmp(kind, "image")) {
			int id = block_int(L, t, "id", -1);
			if (id >= 0)
				gz_doc_add2(doc, GZ_DOC_IMAGE, '-', id, "", NULL);
			else if (text)
				add_text_block(doc, GZ_DOC_PARA, 0, NULL, text);
		} else if (!strcmp(kind, "link")) {
			const char *url = block_str(L, t, "url", 0), *label = block_str(L, t, "label", 0);
			gz_buf m = GZ_BUF_INIT;
			if (label || text)
				gz_doc_escape(&m, label ? label : text, strlen(label ? label : text));
			if (url)
				gz_doc_add2(doc, GZ_DOC_LINK, '-', 0, url, m.ptr);
			gz_buf_release(&m);
		} else if (!strcmp(kind, "rule")) {
			gz_doc_add2(doc, GZ_DOC_RULE, '-', 0, NULL, NULL);
		} else if (!strcmp(kind, "inner")) {
			gz_buf_puts(doc, sc->inner_doc);
		} else {
			why = _("a print block's kind is not one of para, head, item, quote, attribution, "
				"box, image, link, code, rule, inner");
		}
		lua_settop(L, t - 1);
	}
	return why;
}

static int md_shortcode(gz_md_sc *sc, void *payload, char **err)
{
	gz_script *s = payload;
	lua_State *L = s->L;
	int top = lua_gettop(L), res;
	gz_buf b = GZ_BUF_INIT;
	const char *name = sc->name, *why = NULL;

	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.shortcodes");
	if (lua_getfield(L, -1, name) != LUA_TFUNCTION) {
		/* name the ones there are, to catch misspellings */
		gz_strlist known = {0};
		size_t i;
		lua_pop(L, 1);
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -2) == LUA_TSTRING)
				gz_strlist_add(&known, lua_tostring(L, -2));
			lua_pop(L, 1);
		}
		gz_strlist_sort(&known);
		gz_buf_printf(&b, _("unknown shortcode '%s'"), name);
		for (i = 0; i < known.n; i++)
			gz_buf_printf(&b, "%s%s", i ? ", " : _("; the shortcodes are: "), known.items[i]);
		gz_strlist_release(&known);
		*err = gz_buf_detach(&b, NULL);
		lua_settop(L, top);
		return -1;
	}
	push_args(L, sc->args);
	lua_pushstring(L, sc->inner_html);
	lua_createtable(L, 0, 4);
	lua_pushstring(L, s->md_path);
	lua_setfield(L, -2, "path");
	lua_pushstring(L, sc->inner_text);
	lua_setfield(L, -2, "text");
	lua_pushinteger(L, sc->line);
	lua_setfield(L, -2, "line");
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, sc_image_l, 1);
	lua_setfield(L, -2, "image");
	s->cur_sc = sc;
	res = script_call_lua(s, 3, 1, err);
	s->cur_sc = NULL;
	if (res < 0) {
		/* error(msg, 0) is the hook's word to the editor, who has the
		 * page's place already: the hook's own would only be noise */
		gz_buf_printf(&b, _("shortcode '%s': %s"), name,
			      *err + (s->told ? script_place_len(*err) : 0));
		free(*err);
		*err = gz_buf_detach(&b, NULL);
		lua_settop(L, top);
		return -1;
	}
	/* what it returned is read with raw access: no metamethod runs here,
	 * outside the protected call */
	res = lua_gettop(L);
	if (lua_type(L, res) == LUA_TSTRING) {
		sc->html = gz_strdup(lua_tostring(L, res));
	} else if (lua_type(L, res) == LUA_TTABLE) {
		if (raw_field(L, res, "html") == LUA_TSTRING)
			sc->html = gz_strdup(lua_tostring(L, -1));
		else
			why = _("its table has no html (a string)");
		lua_pop(L, 1);
		if (!why) {
			if (raw_field(L, res, "text") == LUA_TSTRING)
				sc->text = gz_strdup(lua_tostring(L, -1));
			else if (!lua_isnil(L, -1))
				why = _("its text must be a string");
			lua_pop(L, 1);
		}
		if (!why) {
			if (raw_field(L, res, "print") == LUA_TTABLE)
				why = print_blocks(L, lua_gettop(L), sc, &sc->print, 0);
			else if (!lua_isnil(L, -1))
				why = _("its print must be a list of blocks");
			lua_pop(L, 1);
		}
	} else {
		why = _("it must return HTML (a string) or a table {html=, text=, print=}");
	}
	if (why) {
		char place[256] = "";
		/* it has returned: where it returned from is its place */
		if (raw_field(L, top + 1, name) == LUA_TFUNCTION)
			gz_script_return_place(L, -1, place, sizeof(place));
		lua_pop(L, 1);
		/* the hook's place inside, as for an error it raised: the
		 * shortcode's own place is the page's line */
		if (lua_type(L, res) == LUA_TSTRING || lua_type(L, res) == LUA_TTABLE)
			gz_buf_printf(&b, _("shortcode '%s': %s%s"), name, place, why);
		else
			gz_buf_printf(&b, _("shortcode '%s': %s%s, not %s"), name, place, why,
				      luaL_typename(L, res));
	}
	lua_settop(L, top);
	if (b.len) {
		*err = gz_buf_detach(&b, NULL);
		return -1;
	}
	return 0;
}

const gz_md_hooks *gz_script_md_hooks(gz_script *s, const char *path, gz_value **fm)
{
	s->md_path = path;
	s->cur_fm = fm;
	s->md_hooks.filter = md_filter;
	s->md_hooks.shortcode = md_shortcode;
	s->md_hooks.payload = s;
	return &s->md_hooks;
}

static const gz_md_hooks *page_hooks(const char *path, gz_value **fm, void *payload)
{
	return gz_script_md_hooks(payload, path, fm);
}

static int filters_open(gz_page_filter *out, const gz_config *cfg, gz_diag *d, void *payload)
{
	const gz_theme *th = payload;
	gz_script *s;

	memset(out, 0, sizeof(*out));
	if (!th->nhooks)
		return 0;
	if (gz_script_open_hooks(&s, th, cfg, d) < 0) {
		gz_script_free(s);
		return -1;
	}
	/* a state without filters still ran its hook files, as every worker's does */
	out->hooks = gz_script_filters(s) ? page_hooks : NULL;
	out->payload = s;
	return 0;
}

static void filters_close(gz_page_filter *f, void *payload)
{
	gz_script_free(f->payload);
}

/* A page's parse depends on the hooks' code and on their memory limit
 * (a filter may fail for memory); hooks granted libraries may read
 * anything. */
static bool filters_salt(uint64_t *h, void *payload)
{
	const gz_theme *th = payload;
	size_t i;

	if (th->nallow)
		return false;
	*h = gz_hash_u64(*h, (uint64_t)th->memory_mb);
	for (i = 0; i < th->nhooks; i++)
		*h = gz_hash_add(gz_hash_str(gz_hash_str(*h, th->hooks[i].name), th->hooks[i].path),
				 th->hooks[i].lua, th->hooks[i].lua_len);
	return true;
}

static bool filters_stopped(void *payload)
{
	return gz_theme_ran_away(payload);
}

gz_page_filters gz_script_page_filters(const gz_theme *th)
{
	return (gz_page_filters){.open = filters_open, .close = filters_close, .salt = filters_salt,
				 .stopped = filters_stopped, .payload = (void *)th};
}
