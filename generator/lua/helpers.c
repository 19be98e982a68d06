#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/text.h"
#include "lua/hooks.h"
#include "lua/internal.h"

static const char *to_text(lua_State *L, int idx, size_t *len)
{
	if (lua_isnoneornil(L, idx)) {
		*len = 0;
		return "";
	}
	return luaL_tolstring(L, idx, len);
}

static int h_esc(lua_State *L)
{
	size_t len;
	const char *s;
	gz_buf b = GZ_BUF_INIT;

	if (lua_isnoneornil(L, 1)) {
		lua_pushliteral(L, "");
		return 1;
	}
	s = to_text(L, 1, &len);
	gz_buf_add_html(&b, s, len);
	lua_pushlstring(L, b.ptr, b.len);
	gz_buf_release(&b);
	return 1;
}

/*
 * phrases(title) → HTML: the title escaped, each short phrase of it (up to
 * the next Chinese mark, eight characters at most) in a <span class="ph">
 * the theme keeps whole, so a title breaks after a mark where it can:
 * "36期专题报道、50个典型案例： / 讲好穆棱脱贫故事", not "…50个典型 / 案例：…".
 * A longer run stays breakable anywhere: kept whole, it could only
 * overflow.
 */
static void add_phrase(gz_buf *b, const char *s, size_t len, size_t chars)
{
	if (chars > 1 && chars <= 8) {
		gz_buf_puts(b, "<span class=\"ph\">");
		gz_buf_add_html(b, s, len);
		gz_buf_puts(b, "</span>");
	} else {
		gz_buf_add_html(b, s, len);
	}
}

static int h_phrases(lua_State *L)
{
	size_t len, i = 0, start = 0, chars = 0, n;
	const char *s;
	gz_buf b = GZ_BUF_INIT;

	if (lua_isnoneornil(L, 1))
		return h_esc(L); /* "" as esc gives it */
	s = to_text(L, 1, &len);
	while (i < len) {
		if ((n = gz_text_break_mark(s + i))) {
			add_phrase(&b, s + start, i + n - start, chars + 1);
			i += n;
			start = i;
			chars = 0;
			continue;
		}
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
		i++;
	}
	add_phrase(&b, s + start, len - start, chars);
	lua_pushlstring(L, b.ptr ? b.ptr : "", b.len);
	gz_buf_release(&b);
	return 1;
}

/* a and b as one string: relurl and url run for each link a page has,
 * and lua_pushfstring would parse its format and concatenate in steps; a
 * short result is made on the stack, without a luaL_Buffer's box */
static void push_joined(lua_State *L, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char small[256];
	luaL_Buffer buf;

	if (la + lb <= sizeof(small)) {
		memcpy(small, a, la);
		memcpy(small + la, b, lb);
		lua_pushlstring(L, small, la + lb);
		return;
	}
	luaL_buffinit(L, &buf);
	luaL_addlstring(&buf, a, la);
	luaL_addlstring(&buf, b, lb);
	luaL_pushresult(&buf);
}

static int h_cn_date(lua_State *L)
{
	gz_date d;
	const char *s = luaL_optstring(L, 1, NULL);

	if (!s || gz_date_parse(&d, s) < 0) {
		lua_pushstring(L, s ? s : "");
		return 1;
	}
	{
		char zh[GZ_DATE_ZH_SIZE];
		gz_date_zh(zh, &d);
		lua_pushstring(L, zh);
	}
	return 1;
}

static int h_relurl(lua_State *L)
{
	const char *s = luaL_optstring(L, 1, "");
	gz_script *sc = script_of(L);

	/* a site at the root of its host: the path is its own link */
	if (s[0] == '/' && s[1] != '/' && !strcmp(sc->cfg->base_path, "/"))
		lua_pushvalue(L, 1);
	else if (s[0] == '/' && s[1] != '/')
		push_joined(L, sc->cfg->base_path, s + 1);
	else
		lua_pushstring(L, s);
	return 1;
}

static int h_url(lua_State *L)
{
	const char *s = luaL_optstring(L, 1, "");
	gz_script *sc = script_of(L);

	if (strstr(s, "://"))
		lua_pushstring(L, s);
	else
		push_joined(L, sc->cfg->base_url, s[0] == '/' ? s + 1 : s);
	return 1;
}

static int h_truncate(lua_State *L)
{
	size_t len;
	const char *s = to_text(L, 1, &len);
	lua_Integer n = luaL_checkinteger(L, 2);
	gz_buf b = GZ_BUF_INIT;

	gz_text_truncate(&b, s, len, n < 0 ? 0 : (size_t)n);
	lua_pushlstring(L, b.ptr, b.len);
	gz_buf_release(&b);
	return 1;
}

static int h_join(lua_State *L)
{
	const char *sep = luaL_optstring(L, 2, "");
	luaL_Buffer b;
	lua_Integer i, n;

	if (lua_isnoneornil(L, 1)) {
		lua_pushliteral(L, "");
		return 1;
	}
	n = luaL_len(L, 1);
	script_charge_range(L, 1, n);
	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		lua_geti(L, 1, i);
		luaL_tolstring(L, -1, NULL);
		lua_remove(L, -2);
		luaL_addvalue(&b);
		if (i < n)
			luaL_addstring(&b, sep);
	}
	luaL_pushresult(&b);
	return 1;
}

static int h_cn_number(lua_State *L)
{
	char num[64], out[96];
	size_t i, k = 0, intlen;
	const char *dot;
	lua_Number x = luaL_checknumber(L, 1);

	if (lua_isinteger(L, 1))
		snprintf(num, sizeof(num), "%lld", (long long)lua_tointeger(L, 1));
	else
		snprintf(num, sizeof(num), "%.14g", (double)x);
	dot = strchr(num, '.');
	intlen = dot ? (size_t)(dot - num) : strlen(num);
	for (i = 0; num[i] && k < sizeof(out) - 2; i++) {
		if (i > 0 && i < intlen && num[i - 1] != '-' && (intlen - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = num[i];
	}
	out[k] = '\0';
	lua_pushstring(L, out);
	return 1;
}

static int u_len(lua_State *L)
{
	size_t len, i = 0, n = 0;
	const char *s = luaL_checklstring(L, 1, &len);

	while (i < len) {
		uint32_t cp;
		size_t k = gz_utf8_decode(s + i, len - i, &cp);
		i += k ? k : 1;
		n++;
	}
	lua_pushinteger(L, (lua_Integer)n);
	return 1;
}

/* sub(s, i [, j]): characters i..j (1-based, negative from the end). */
static int u_sub(lua_State *L)
{
	size_t len, i = 0, n = 0, from = 0, to = 0;
	const char *s = luaL_checklstring(L, 1, &len);
	lua_Integer a = luaL_checkinteger(L, 2), b = luaL_optinteger(L, 3, -1), total;

	while (i < len) {
		uint32_t cp;
		size_t k = gz_utf8_decode(s + i, len - i, &cp);
		i += k ? k : 1;
		n++;
	}
	total = (lua_Integer)n;
	if (a < 0)
		a = total + a + 1;
	if (b < 0)
		b = total + b + 1;
	if (a < 1)
		a = 1;
	if (b > total)
		b = total;
	if (a > b) {
		lua_pushliteral(L, "");
		return 1;
	}
	for (i = 0, n = 0; i < len; n++) {
		uint32_t cp;
		size_t k;
		if ((lua_Integer)n == a - 1)
			from = i;
		k = gz_utf8_decode(s + i, len - i, &cp);
		i += k ? k : 1;
		if ((lua_Integer)n == b - 1) {
			to = i;
			break;
		}
	}
	lua_pushlstring(L, s + from, to - from);
	return 1;
}

static int u_count(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);

	lua_pushinteger(L, (lua_Integer)gz_text_count(s, len));
	return 1;
}

/* gz.set(page, key, value): in on_load, a field every template sees; in
 * on_page, a field for this render only. */
static int h_set(lua_State *L)
{
	gz_script *s = script_of(L);
	gz_page *p = *(gz_page **)luaL_checkudata(L, 1, PAGE_MT);
	const char *key = luaL_checkstring(L, 2);

	luaL_checkany(L, 3);
	if (s->msite) {
		gz_value *v;
		size_t i;
		/* a page's fields are found by name: a step each */
		gz_script_charge(L, p->extra ? (long)p->extra->n : 0);
		v = script_value_take(L, 3);
		if (!p->extra) {
			p->extra = gz_calloc(1, sizeof(*p->extra));
			p->extra->type = GZ_MAP;
		}
		for (i = 0; i < p->extra->n; i++) {
			if (!strcmp(p->extra->keys[i], key)) {
				gz_value_free(p->extra->items[i]);
				p->extra->items[i] = v;
				return 0;
			}
		}
		p->extra->keys = gz_realloc(p->extra->keys, (p->extra->n + 1) * sizeof(char *));
		p->extra->items = gz_realloc(p->extra->items, (p->extra->n + 1) * sizeof(gz_value *));
		p->extra->keys[p->extra->n] = gz_strdup(key);
		p->extra->items[p->extra->n++] = v;
		return 0;
	}
	script_push_page_table(L, 1);
	lua_pushvalue(L, 3);
	lua_setfield(L, -2, key);
	return 0;
}

/* Push the registry's table of the site's URLs (url → the page, light
 * userdata), made at the first gz.add_page: one lookup a page, not a scan
 * of all. */
static void push_url_index(lua_State *L, const gz_site *site)
{
	size_t i;

	if (lua_getfield(L, LUA_REGISTRYINDEX, "gazette.urls") == LUA_TTABLE)
		return;
	lua_pop(L, 1);
	lua_createtable(L, 0, (int)site->nall);
	for (i = 0; i < site->nall; i++) {
		if (!site->all[i]->url)
			continue;
		lua_pushlightuserdata(L, site->all[i]);
		lua_setfield(L, -2, site->all[i]->url);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.urls");
}

/* gz.add_page's t.key as a string, or def when absent */
static const char *opt_field(lua_State *L, int t, const char *key, const char *def, size_t *len)
{
	const char *v = NULL;

	lua_getfield(L, t, key);
	if (lua_isnil(L, -1))
		v = def;
	else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER)
		v = lua_tostring(L, -1);
	else
		luaL_error(L, _("gz.add_page: %s must be a string, not a %s"), key, luaL_typename(L, -1));
	*len = v ? strlen(v) : 0;
	return v;
}

/* gz.add_page{title=, url=, content=, layout=, date=}: a page made by a
 * hook (on_load only), e.g. a "top 50 cases" list. Everything is read
 * (and may fail) before anything is allocated in C. */
static int h_add_page(lua_State *L)
{
	gz_script *s = script_of(L);
	gz_site *site = s->msite;
	const char *url, *title, *content, *summary, *layout, *date;
	size_t nlen, ltitle, lcontent, lsummary, llayout, ldate;
	gz_date when;
	bool has_date = false;
	gz_page *p;
	gz_buf b = GZ_BUF_INIT;
	uint64_t made;

	if (!site)
		return luaL_error(L, _("gz.add_page works only in on_load"));
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	url = opt_field(L, 1, "url", NULL, &nlen);
	if (!url)
		return luaL_error(L, _("gz.add_page: the page needs a url"));
	{
		char *inner = gz_strndup(url + 1, nlen > 2 ? nlen - 2 : 0);
		bool ok = url[0] == '/' && nlen >= 3 && url[nlen - 1] == '/' && gz_path_is_safe(inner);
		free(inner);
		if (!ok)
			return luaL_error(L, _("gz.add_page: url '%s' must look like /a/b/"), url);
	}
	push_url_index(L, site); /* 3 */
	if (lua_getfield(L, 3, url) != LUA_TNIL)
		return luaL_error(L, _("gz.add_page: url '%s' is taken by %s"), url,
				  ((const gz_page *)lua_touserdata(L, -1))->path);
	lua_pop(L, 1);
	title = opt_field(L, 1, "title", url, &ltitle);
	content = opt_field(L, 1, "content", "", &lcontent);
	summary = opt_field(L, 1, "summary", "", &lsummary);
	layout = opt_field(L, 1, "layout", NULL, &llayout);
	date = opt_field(L, 1, "date", NULL, &ldate);
	if (date && gz_date_parse(&when, date) == 0)
		has_date = true;
	/* the texts, not the page itself: a site of many pages is no fault */
	gz_script_hand(L, 2 * nlen + ltitle + lcontent + lsummary + llayout);

	p = gz_calloc(1, sizeof(*p));
	p->url = gz_strdup(url);
	gz_buf_printf(&b, "%sindex.html", url + 1);
	p->out = gz_buf_detach(&b, NULL);
	gz_buf_printf(&b, "(hook page %s)", url);
	p->path = gz_buf_detach(&b, NULL);
	p->dir = gz_strdup("content");
	p->section = gz_strdup("");
	p->slug = gz_strdup("");
	/* read whole, as a file's title is: a line break in it is where print
	 * would break it set large (base/text.h), and a hook's page is never
	 * printed (it is in no section, and has no file a leaflet could be) */
	p->title = gz_text_title_whole(title);
	p->html = gz_strdup(content);
	p->html_len = lcontent;
	p->plain = gz_strdup("");
	p->doc = gz_strdup("");
	p->summary = gz_strdup(summary);
	p->layout = layout ? gz_strdup(layout) : NULL;
	p->date = has_date ? when : p->date;
	p->has_date = has_date;
	p->fm = gz_calloc(1, sizeof(*p->fm));
	p->ntax = site->cfg.ntax;
	/* no term names: the block of empty lists, and of no terms */
	p->tax_values = gz_calloc(p->ntax ? p->ntax : 1, sizeof(*p->tax_values));
	gz_page_alloc_terms(p, p->ntax);
	p->related = gz_calloc(1, sizeof(*p->related));
	/* what it is made of stands for a file's bytes */
	made = gz_hash_str(gz_hash_str(gz_hash_str(GZ_HASH_INIT, p->title), p->html), p->layout);
	gz_site_add_standalone(site, p, made);
	/* a new key may fail for memory: the page is the site's by now */
	lua_pushlightuserdata(L, p);
	lua_setfield(L, 3, url);
	gz_script_push_page(L, p);
	return 1;
}


void script_gz_open(lua_State *L, int env)
{
	static const luaL_Reg utf8fns[] = {
		{"len", u_len}, {"sub", u_sub}, {"truncate", h_truncate}, {"count", u_count},
		{NULL, NULL},
	};
	static const luaL_Reg gzfns[] = {
		{"esc", h_esc}, {"cn_date", h_cn_date}, {"set", h_set}, {"add_page", h_add_page},
		{NULL, NULL},
	};

	lua_newtable(L);
	gz_hooks_open(L);
	lua_newtable(L);
	luaL_setfuncs(L, utf8fns, 0);
	lua_setfield(L, -2, "utf8");
	luaL_setfuncs(L, gzfns, 0);
	lua_setfield(L, env, "gz");
}

void script_helpers_open(lua_State *L, int env)
{
	static const luaL_Reg fns[] = {
		{"esc", h_esc}, {"cn_date", h_cn_date}, {"relurl", h_relurl}, {"url", h_url},
		{"truncate", h_truncate}, {"join", h_join}, {"cn_number", h_cn_number},
		{"phrases", h_phrases}, {"first_term", script_first_term}, {NULL, NULL},
	};
	size_t i;

	for (i = 0; fns[i].name; i++) {
		lua_pushcfunction(L, fns[i].func);
		lua_setfield(L, env, fns[i].name);
	}
}
