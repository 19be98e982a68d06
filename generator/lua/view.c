#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/text.h"
#include "load/pagefm.h"
#include "lua/internal.h"
#include "model/photos.h"
#include "source/git.h"

static void push_str(lua_State *L, const char *s)
{
	if (s)
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
}

/*
 * The registry holds what the view reaches for on every field a template
 * reads under these addresses, not under names: a name is a string that
 * Lua would compare with its string cache on each lookup.
 */
static const char pages_key, page_mt_key, list_mt_key, terms_key;

/*
 * Each state keeps one userdata per page it has touched (registry table
 * pages_key, keyed by the page's address), so a page pushed twice is
 * the same Lua value, and fields that build tables (terms, photos, params)
 * are built once and kept in the userdata's user value. The table holds
 * them weakly: a page no render refers to any more is let go with what it
 * built, else every state would end holding a copy of the whole site (on
 * 10,000 pages, 33 MB a state).
 */
void gz_script_push_page(lua_State *L, const gz_page *p)
{
	const gz_page **u;

	if (!p) {
		lua_pushnil(L);
		return;
	}
	lua_rawgetp(L, LUA_REGISTRYINDEX, &pages_key);
	if (lua_rawgetp(L, -1, p) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	u = lua_newuserdatauv(L, sizeof(*u), 1);
	*u = p;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &page_mt_key);
	lua_setmetatable(L, -2);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, p);
	lua_remove(L, -2);
}

/* Push the table of the page userdata at idx (fields a hook set for this
 * render, fields built once), made at first use: most pages pushed, such
 * as gz.add_page's, never need one. */
void script_push_page_table(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_getiuservalue(L, idx, 1) == LUA_TTABLE)
		return;
	lua_pop(L, 1);
	lua_newtable(L);
	lua_pushvalue(L, -1);
	lua_setiuservalue(L, idx, 1);
}

typedef struct {
	gz_page *const *items;
	size_t n;
} list_ud;

static void push_list(lua_State *L, gz_page *const *items, size_t n)
{
	list_ud *u = lua_newuserdatauv(L, sizeof(*u), 0);

	u->items = items;
	u->n = n;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &list_mt_key);
	lua_setmetatable(L, -2);
}

static void push_term(lua_State *L, const gz_site *site, const gz_term *t)
{
	lua_createtable(L, 0, 5);
	lua_pushstring(L, t->name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, t->url);
	lua_setfield(L, -2, "url");
	lua_pushinteger(L, (lua_Integer)t->n);
	lua_setfield(L, -2, "count");
	lua_pushstring(L, site->tax[t->tax].key);
	lua_setfield(L, -2, "key");
	lua_pushstring(L, site->tax[t->tax].label);
	lua_setfield(L, -2, "label");
}

/*
 * page.terms: each term's table is made once per state and shared by the
 * pages that have the term (registry table terms_key, keyed by the term's
 * address), as site.taxonomies' are by every render. A story card reads
 * its page's terms, and a page's view is let go between the lists that
 * show it, so the terms would otherwise be made again, and collected,
 * for every card: a quarter of the render's instructions.
 */
static void push_shared_term(lua_State *L, const gz_site *site, const gz_term *term)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &terms_key);
	if (lua_rawgetp(L, -1, term) == LUA_TNIL) {
		lua_pop(L, 1);
		push_term(L, site, term);
		lua_pushvalue(L, -1);
		lua_rawsetp(L, -3, term);
	}
	lua_remove(L, -2);
}

static void push_page_terms(lua_State *L, const gz_site *site, const gz_page *p)
{
	size_t i, t;

	lua_createtable(L, 0, (int)site->cfg.ntax);
	for (t = 0; t < site->cfg.ntax && p->terms; t++) {
		lua_createtable(L, (int)p->nterms[t], 0);
		for (i = 0; i < p->nterms[t]; i++) {
			push_shared_term(L, site, p->terms[t][i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		lua_setfield(L, -2, site->cfg.tax[t].key);
	}
}

static void push_url(lua_State *L, const gz_picture *pic, int width, gz_image_format f)
{
	gz_buf b = GZ_BUF_INIT;

	gz_picture_url(&b, pic, width, f);
	lua_pushlstring(L, b.ptr, b.len);
	gz_buf_release(&b);
}

static void push_srcset(lua_State *L, const gz_picture *pic, gz_image_format f)
{
	gz_buf b = GZ_BUF_INIT;

	gz_picture_srcset(&b, pic, f, script_of(L)->site->cfg.base_path);
	lua_pushlstring(L, b.ptr, b.len);
	gz_buf_release(&b);
}

static void push_int(lua_State *L, const char *name, int v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

/* What a template sees of a photo: the original (src) and, once its
 * derivatives are made (photos.h), their URLs and sizes and the EXIF. */
static void push_photo(lua_State *L, const gz_photo *ph)
{
	const gz_picture *pic = ph->pic;

	lua_createtable(L, 0, 24);
	push_str(L, ph->url);
	lua_setfield(L, -2, "src");
	push_str(L, ph->url);
	lua_setfield(L, -2, "original");
	push_str(L, ph->caption);
	lua_setfield(L, -2, "caption");
	push_str(L, ph->credit);
	lua_setfield(L, -2, "credit");
	push_str(L, ph->alt ? ph->alt : ph->caption);
	lua_setfield(L, -2, "alt");
	if (!pic || !pic->n)
		return;
	{
		gz_image_format f = pic->jpeg ? GZ_IMAGE_JPEG : GZ_IMAGE_WEBP;
		push_url(L, pic, gz_picture_fallback(pic), f);
		lua_setfield(L, -2, "img");
		push_int(L, "img_width", pic->w[pic->n - 1]);
		push_int(L, "img_height", pic->h[pic->n - 1]);
		if (pic->jpeg) {
			push_srcset(L, pic, GZ_IMAGE_JPEG);
			lua_setfield(L, -2, "srcset");
		}
		if (pic->webp) {
			push_srcset(L, pic, GZ_IMAGE_WEBP);
			lua_setfield(L, -2, "webp_srcset");
			push_url(L, pic, 0, GZ_IMAGE_WEBP);
			lua_setfield(L, -2, "thumb_webp");
		}
		push_url(L, pic, 0, f);
		lua_setfield(L, -2, "thumb");
		push_int(L, "thumb_width", pic->thumb_w);
		push_int(L, "thumb_height", pic->thumb_h);
		push_int(L, "width", pic->width);
		push_int(L, "height", pic->height);
		lua_pushstring(L, pic->color);
		lua_setfield(L, -2, "color");
		push_str(L, pic->taken);
		lua_setfield(L, -2, "taken");
		push_str(L, pic->camera);
		lua_setfield(L, -2, "camera");
		lua_pushboolean(L, pic->placeholder);
		lua_setfield(L, -2, "placeholder");
	}
}

static void push_commit_date(lua_State *L, const gz_commit *c)
{
	char buf[32];
	gz_date_from_time(buf, c->time, c->tz_minutes);
	lua_pushstring(L, buf);
}

/* page.history: {created=, created_by=, updated=, updated_by=, authors={…},
 * commits={{sha=, short=, date=, author=, subject=}, …}} */
static void push_history(lua_State *L, const gz_history *h)
{
	size_t i, k, na = 0;

	lua_createtable(L, 0, 6);
	push_commit_date(L, h->created);
	lua_setfield(L, -2, "created");
	lua_pushstring(L, h->created->author);
	lua_setfield(L, -2, "created_by");
	push_commit_date(L, h->commits[0]);
	lua_setfield(L, -2, "updated");
	lua_pushstring(L, h->commits[0]->author);
	lua_setfield(L, -2, "updated_by");
	lua_newtable(L);
	for (i = 0; i < h->n; i++) {
		for (k = 0; k < i; k++)
			if (!strcmp(h->commits[k]->author, h->commits[i]->author))
				break;
		if (k < i)
			continue;
		lua_pushstring(L, h->commits[i]->author);
		lua_rawseti(L, -2, (lua_Integer)++na);
	}
	lua_setfield(L, -2, "authors");
	lua_createtable(L, (int)h->n, 0);
	for (i = 0; i < h->n; i++) {
		const gz_commit *c = h->commits[i];
		lua_createtable(L, 0, 5);
		lua_pushstring(L, c->sha);
		lua_setfield(L, -2, "sha");
		lua_pushlstring(L, c->sha, 7);
		lua_setfield(L, -2, "short");
		push_commit_date(L, c);
		lua_setfield(L, -2, "date");
		lua_pushstring(L, c->author);
		lua_setfield(L, -2, "author");
		lua_pushstring(L, c->subject);
		lua_setfield(L, -2, "subject");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "commits");
}

static void push_date(lua_State *L, const gz_date *d, bool rfc)
{
	char buf[32];

	if (rfc)
		gz_date_rfc3339(buf, d);
	else
		gz_date_ymd(buf, d);
	lua_pushstring(L, buf);
}

enum {
	F_TITLE = 1, F_URL, F_SUMMARY, F_DATE, F_CONTENT, F_KIND, F_PERMALINK, F_DATETIME, F_YEAR,
	F_MONTH, F_UPDATED, F_SECTION, F_SLUG, F_PATH, F_LAYOUT, F_AUTHOR, F_SOURCE, F_REPRINT,
	F_REPRINT_TEXT, F_STATUS, F_FEATURED, F_CHARS, F_READING, F_TERMS, F_PHOTOS, F_COVER,
	F_PREV, F_NEXT, F_RELATED, F_PARAMS, F_PAGES, F_PLAIN, F_HISTORY, F_SECTION_TITLE,
};

static const char *const field_names[] = {
	"", "title", "url", "summary", "date", "content", "kind", "permalink", "datetime", "year",
	"month", "updated", "section", "slug", "path", "layout", "author", "source", "reprint",
	"reprint_text", "status", "featured", "chars", "reading_minutes", "terms", "photos",
	"cover", "prev", "next", "related", "params", "pages", "plain", "history",
	"section_title", NULL,
};

/* Fields that build a table: computed once per state, then cached. */
static bool cached_field(int f)
{
	return f == F_TERMS || f == F_PHOTOS || f == F_COVER || f == F_PARAMS || f == F_PERMALINK ||
	       f == F_HISTORY;
}

static void push_field(lua_State *L, const gz_script *s, const gz_page *p, int f)
{
	const gz_site *site = s->site;
	size_t i;

	switch (f) {
	case F_TITLE: push_str(L, p->title); break;
	case F_URL: push_str(L, p->url); break;
	case F_SUMMARY: push_str(L, p->summary); break;
	case F_DATE: push_date(L, &p->date, false); break;
	case F_CONTENT: push_str(L, p->html); break;
	case F_PLAIN: push_str(L, p->plain); break;
	case F_KIND: lua_pushliteral(L, "page"); break;
	case F_PERMALINK: lua_pushfstring(L, "%s%s", site->cfg.base_url, p->url + 1); break;
	case F_DATETIME: push_date(L, &p->date, true); break;
	case F_YEAR: lua_pushinteger(L, p->date.year); break;
	case F_MONTH: lua_pushinteger(L, p->date.month); break;
	case F_UPDATED:
		if (p->has_updated)
			push_date(L, &p->updated, false);
		else
			lua_pushnil(L);
		break;
	case F_SECTION: push_str(L, p->section); break;
	case F_SECTION_TITLE: push_str(L, p->sec ? p->sec->title : NULL); break;
	case F_SLUG: push_str(L, p->slug); break;
	case F_PATH: push_str(L, p->path); break;
	case F_LAYOUT: push_str(L, p->layout); break;
	case F_AUTHOR: push_str(L, p->author); break;
	case F_SOURCE: push_str(L, p->source); break;
	case F_REPRINT: push_str(L, p->reprint); break;
	case F_REPRINT_TEXT: push_str(L, gz_page_reprint_text(p)); break;
	case F_STATUS:
		lua_pushstring(L, p->status == GZ_DRAFT    ? "draft"
				  : p->status == GZ_REVIEW ? "review"
							   : "published");
		break;
	case F_FEATURED: lua_pushboolean(L, p->featured); break;
	case F_CHARS: lua_pushinteger(L, (lua_Integer)p->chars); break;
	case F_READING: lua_pushinteger(L, gz_text_minutes(p->chars, site->cfg.reading_rate)); break;
	case F_TERMS:
		push_page_terms(L, site, p);
		break;
	case F_PHOTOS:
		lua_createtable(L, (int)p->nphotos, 0);
		for (i = 0; i < p->nphotos; i++) {
			push_photo(L, &p->photos[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case F_COVER:
		if (p->cover)
			push_photo(L, p->cover);
		else
			lua_pushnil(L);
		break;
	case F_PREV: gz_script_push_page(L, p->prev); break;
	case F_NEXT: gz_script_push_page(L, p->next); break;
	case F_RELATED: push_list(L, p->related, p->nrelated); break;
	case F_PARAMS: gz_script_push_value(L, gz_page_fm(p)); break;
	case F_HISTORY:
		if (p->history && p->history->n)
			push_history(L, p->history);
		else
			lua_pushnil(L);
		break;
	case F_PAGES: push_list(L, NULL, 0); break;
	default: lua_pushnil(L); break;
	}
}

/* Argument 1 of a metamethod whose metatable is upvalue up, checked by
 * the metatable's address: luaL_checkudata would look it up by name. */
static void *check_self(lua_State *L, int up, const char *tname)
{
	void *u = lua_touserdata(L, 1);

	if (!u || !lua_getmetatable(L, 1) || !lua_rawequal(L, -1, lua_upvalueindex(up)))
		luaL_typeerror(L, 1, tname);
	lua_pop(L, 1);
	return u;
}

/* The render reads p: listed once in what it read (incremental builds). */
static void touch(gz_script *s, const gz_page *p)
{
	if (p->id < s->nstamp && s->stamp[p->id] != s->render_no) {
		s->stamp[p->id] = s->render_no;
		GZ_GROW(s->touched, s->tcap, s->ntouched + 1);
		GZ_GROW(s->body, s->bcap, s->ntouched + 1);
		s->slot[p->id] = s->ntouched;
		s->body[s->ntouched] = false;
		s->touched[s->ntouched++] = p->id;
	}
}

/* What a card shows of a page's terms, without making page.terms: the
 * page's view is let go between the lists that show it, so page.terms
 * would make a table and a list per taxonomy again for each card. */
int script_first_term(lua_State *L)
{
	gz_script *s = script_of(L);
	const gz_page **u = luaL_testudata(L, 1, PAGE_MT);
	const char *key = luaL_checkstring(L, 2);
	const gz_term *term = NULL;
	size_t t;

	if (!u || !*u)
		return luaL_typeerror(L, 1, "page");
	touch(s, *u);
	for (t = 0; t < s->site->cfg.ntax && (*u)->terms; t++)
		if (!strcmp(s->site->cfg.tax[t].key, key)) {
			if ((*u)->nterms[t])
				term = (*u)->terms[t][0];
			break;
		}
	if (term)
		push_shared_term(L, s->site, term);
	else
		lua_pushnil(L);
	return 1;
}

static int page_index(lua_State *L)
{
	const gz_page *p = *(const gz_page **)check_self(L, 3, PAGE_MT);
	gz_script *s = lua_touserdata(L, lua_upvalueindex(2));
	int f;

	touch(s, p);

	/* upvalue 1 maps field names to numbers: one hash lookup, no strcmp */
	lua_pushvalue(L, 2);
	f = lua_rawget(L, lua_upvalueindex(1)) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : 0;
	lua_pop(L, 1);
	if ((f == F_CONTENT || f == F_PLAIN || f == F_CHARS || f == F_READING) && p->id < s->nstamp &&
	    s->slot[p->id] < s->ntouched && s->touched[s->slot[p->id]] == p->id)
		s->body[s->slot[p->id]] = true;
	if (!f) {
		/* a field a hook set: for this render (on_page), or for all (on_load) */
		if (lua_type(L, 2) == LUA_TSTRING) {
			if (lua_getiuservalue(L, 1, 1) == LUA_TTABLE) {
				lua_pushvalue(L, 2);
				if (lua_rawget(L, -2) != LUA_TNIL)
					return 1;
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
			if (p->extra) {
				gz_script_push_value(L, gz_value_get(p->extra, lua_tostring(L, 2)));
				return 1;
			}
		}
		lua_pushnil(L);
		return 1;
	}
	/* a field that is nil (no cover, no history) is answered without
	 * making the page's table, which most listed pages never need */
	if (!cached_field(f) || (f == F_COVER && !p->cover) ||
	    (f == F_HISTORY && !(p->history && p->history->n))) {
		push_field(L, s, p, f);
		return 1;
	}
	script_push_page_table(L, 1);
	if (lua_rawgeti(L, -1, f) == LUA_TNIL) {
		lua_pop(L, 1);
		push_field(L, s, p, f);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, f);
	}
	return 1;
}

static int page_eq(lua_State *L)
{
	const gz_page **a = luaL_testudata(L, 1, PAGE_MT), **b = luaL_testudata(L, 2, PAGE_MT);
	lua_pushboolean(L, a && b && *a == *b);
	return 1;
}

static int list_index(lua_State *L)
{
	list_ud *u = check_self(L, 1, LIST_MT);
	lua_Integer i;

	if (!lua_isinteger(L, 2)) {
		lua_pushnil(L);
		return 1;
	}
	i = lua_tointeger(L, 2);
	if (i < 1 || (size_t)i > u->n)
		lua_pushnil(L);
	else
		gz_script_push_page(L, u->items[i - 1]);
	return 1;
}

static int list_len(lua_State *L)
{
	list_ud *u = check_self(L, 1, LIST_MT);
	lua_pushinteger(L, (lua_Integer)u->n);
	return 1;
}

static void push_site(lua_State *L, const gz_site *site)
{
	size_t i, k;

	lua_createtable(L, 0, 16);
	lua_pushstring(L, site->cfg.title);
	lua_setfield(L, -2, "title");
	lua_pushstring(L, site->cfg.description);
	lua_setfield(L, -2, "description");
	lua_pushstring(L, site->cfg.language);
	lua_setfield(L, -2, "language");
	lua_pushstring(L, site->cfg.base_url);
	lua_setfield(L, -2, "base_url");
	lua_pushstring(L, site->build_date);
	lua_setfield(L, -2, "build_date");
	lua_pushboolean(L, site->cfg.search);
	lua_setfield(L, -2, "search");
	lua_pushboolean(L, site->cfg.history_public);
	lua_setfield(L, -2, "history_public");
	gz_script_push_value(L, gz_value_get(site->cfg.root, "params"));
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	lua_setfield(L, -2, "params");

	lua_createtable(L, (int)site->cfg.nmenu, 0);
	for (i = 0; i < site->cfg.nmenu; i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, site->cfg.menu[i].name);
		lua_setfield(L, -2, "name");
		lua_pushstring(L, site->cfg.menu[i].url);
		lua_setfield(L, -2, "url");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "menu");

	lua_createtable(L, (int)site->cfg.ntax, 0);
	for (i = 0; i < site->cfg.ntax; i++) {
		const gz_taxonomy *tx = &site->tax[i];
		lua_createtable(L, 0, 5);
		lua_pushstring(L, tx->key);
		lua_setfield(L, -2, "key");
		lua_pushstring(L, tx->label);
		lua_setfield(L, -2, "label");
		lua_pushstring(L, tx->url);
		lua_setfield(L, -2, "url");
		lua_pushinteger(L, (lua_Integer)tx->n);
		lua_setfield(L, -2, "count");
		lua_createtable(L, (int)tx->n, 0);
		for (k = 0; k < tx->n; k++) {
			push_term(L, site, tx->terms[k]);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -2, "terms");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "taxonomies");

	lua_createtable(L, (int)site->nsections, 0);
	for (i = 0; i < site->nsections; i++) {
		const gz_section *sec = &site->sections[i];
		lua_createtable(L, 0, 5);
		lua_pushstring(L, sec->name);
		lua_setfield(L, -2, "name");
		lua_pushstring(L, sec->title);
		lua_setfield(L, -2, "title");
		lua_pushstring(L, sec->url);
		lua_setfield(L, -2, "url");
		lua_pushinteger(L, (lua_Integer)sec->n);
		lua_setfield(L, -2, "count");
		push_list(L, sec->pages, sec->n);
		lua_setfield(L, -2, "pages");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "sections");

	push_list(L, site->pages, site->npages);
	lua_setfield(L, -2, "pages");
	push_list(L, site->featured, site->nfeatured);
	lua_setfield(L, -2, "featured");
	push_list(L, site->standalone, site->nstandalone);
	lua_setfield(L, -2, "standalone");

	lua_createtable(L, (int)site->nyears, 0);
	for (i = 0; i < site->nyears; i++) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, site->years[i].year);
		lua_setfield(L, -2, "year");
		lua_pushstring(L, site->years[i].url);
		lua_setfield(L, -2, "url");
		lua_pushinteger(L, (lua_Integer)site->years[i].n);
		lua_setfield(L, -2, "count");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "years");
}

/* Reading site.title or site.menu is reading the configuration; reading
 * site.pages, site.taxonomies … is reading every page: such outputs are
 * redone when any page changes. */
static const char *const site_config_keys[] = {"title", "description", "language", "base_url",
					       "params", "menu", "taxonomies", "sections", "search",
					       "history_public", NULL};

static int site_index(lua_State *L)
{
	gz_script *s = lua_touserdata(L, lua_upvalueindex(2));

	s->site_touched = true;
	if (getenv("GAZETTE_DEBUG_DEPS"))
		fprintf(stderr, "site read: %s\n", lua_tostring(L, 2));
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(1));
	return 1;
}

/* Move the fields named in keys of the table at idx behind a tracking
 * __index: reading them marks the render as reading the site's lists. */
static void track_fields(lua_State *L, int idx, gz_script *s, const char *const *keys)
{
	int i;

	idx = lua_absindex(L, idx);
	lua_newtable(L);
	for (i = 0; keys[i]; i++) {
		lua_getfield(L, idx, keys[i]);
		lua_setfield(L, -2, keys[i]);
		lua_pushnil(L);
		lua_setfield(L, idx, keys[i]);
	}
	lua_newtable(L);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, site_index, 2);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, idx);
}

/* Replace the full site table on the stack by a proxy that tracks reads.
 * Taxonomies and sections are configuration (key, label, name, title, url;
 * section titles are part of the configuration hash) but their pages,
 * terms and counts are the site's lists. */
static void wrap_site(lua_State *L, gz_script *s)
{
	static const char *const tax_lists[] = {"terms", "count", NULL};
	static const char *const sec_lists[] = {"pages", "count", NULL};
	int full = lua_gettop(L), i;
	lua_Integer k, n;

	lua_getfield(L, full, "taxonomies");
	n = (lua_Integer)lua_rawlen(L, -1);
	for (k = 1; k <= n; k++) {
		lua_rawgeti(L, -1, k);
		track_fields(L, -1, s, tax_lists);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_getfield(L, full, "sections");
	n = (lua_Integer)lua_rawlen(L, -1);
	for (k = 1; k <= n; k++) {
		lua_rawgeti(L, -1, k);
		track_fields(L, -1, s, sec_lists);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);

	lua_newtable(L);
	for (i = 0; site_config_keys[i]; i++) {
		lua_getfield(L, full, site_config_keys[i]);
		lua_setfield(L, -2, site_config_keys[i]);
	}
	lua_newtable(L);
	lua_pushvalue(L, full);
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, site_index, 2);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_remove(L, full);
}

static void push_pager_url(lua_State *L, const gz_list *l, int n)
{
	if (n < 1 || n > l->total)
		lua_pushnil(L);
	else if (n == 1)
		lua_pushstring(L, l->base_url);
	else
		lua_pushfstring(L, "%spage/%d/", l->base_url, n);
}

/* Every photo of the site's pages (list kind "photos"), each with the
 * story it is in, the story's year and first village. */
static void push_all_photos(lua_State *L, const gz_site *site)
{
	size_t i, k, t, village = site->cfg.ntax;
	lua_Integer n = 0;

	for (t = 0; t < site->cfg.ntax; t++)
		if (!strcmp(site->cfg.tax[t].key, "village"))
			village = t;
	/* the list shows every page: it depends on all of them */
	script_of(L)->site_touched = true;
	lua_newtable(L);
	for (i = 0; i < site->npages; i++) {
		const gz_page *p = site->pages[i];
		size_t total = p->nphotos + p->nimages + (p->cover ? 1 : 0);
		for (k = 0; k < total; k++) {
			const gz_photo *ph = k < p->nphotos ? &p->photos[k]
					     : k < p->nphotos + p->nimages ? &p->images[k - p->nphotos]
									    : p->cover;
			size_t j;
			bool dup = !ph->file;
			/* a photo shown twice on a page is listed once */
			for (j = 0; j < k && !dup; j++) {
				const gz_photo *q = j < p->nphotos ? &p->photos[j] : &p->images[j - p->nphotos];
				dup = q->file && !strcmp(q->file, ph->file);
			}
			if (dup)
				continue;
			push_photo(L, ph);
			gz_script_push_page(L, p);
			lua_setfield(L, -2, "story");
			lua_pushinteger(L, p->date.year);
			lua_setfield(L, -2, "year");
			if (village < site->cfg.ntax && p->terms && p->nterms[village]) {
				lua_pushstring(L, p->terms[village][0]->name);
				lua_setfield(L, -2, "village");
			}
			lua_rawseti(L, -2, ++n);
		}
	}
}

void script_push_list_ctx(lua_State *L, const gz_site *site, const gz_list *l)
{
	size_t i;

	lua_createtable(L, 0, 16);
	lua_pushstring(L, l->kind);
	lua_setfield(L, -2, "kind");
	push_str(L, l->title);
	lua_setfield(L, -2, "title");
	push_str(L, l->url);
	lua_setfield(L, -2, "url");
	lua_pushfstring(L, "%s%s", site->cfg.base_url, l->url && l->url[0] == '/' ? l->url + 1 : "");
	lua_setfield(L, -2, "permalink");
	push_list(L, l->pages, l->n);
	lua_setfield(L, -2, "pages");
	if (!strcmp(l->kind, "photos")) {
		push_all_photos(L, site);
		lua_setfield(L, -2, "photos");
	}
	if (l->total > 0) {
		lua_createtable(L, 0, 6);
		lua_pushinteger(L, l->number);
		lua_setfield(L, -2, "number");
		lua_pushinteger(L, l->total);
		lua_setfield(L, -2, "total");
		push_pager_url(L, l, l->number - 1);
		lua_setfield(L, -2, "prev");
		push_pager_url(L, l, l->number + 1);
		lua_setfield(L, -2, "next");
		push_pager_url(L, l, 1);
		lua_setfield(L, -2, "first");
		push_pager_url(L, l, l->total);
		lua_setfield(L, -2, "last");
		lua_setfield(L, -2, "pager");
	}
	if (l->section) {
		lua_createtable(L, 0, 4);
		lua_pushstring(L, l->section->name);
		lua_setfield(L, -2, "name");
		lua_pushstring(L, l->section->title);
		lua_setfield(L, -2, "title");
		lua_pushstring(L, l->section->url);
		lua_setfield(L, -2, "url");
		lua_pushinteger(L, (lua_Integer)l->section->n);
		lua_setfield(L, -2, "count");
		lua_setfield(L, -2, "section");
		if (l->section->index) {
			push_str(L, l->section->index->html);
			lua_setfield(L, -2, "content");
			push_str(L, l->section->index->summary);
			lua_setfield(L, -2, "summary");
		}
	}
	if (l->tax) {
		lua_createtable(L, 0, 3);
		lua_pushstring(L, l->tax->key);
		lua_setfield(L, -2, "key");
		lua_pushstring(L, l->tax->label);
		lua_setfield(L, -2, "label");
		lua_pushstring(L, l->tax->url);
		lua_setfield(L, -2, "url");
		lua_setfield(L, -2, "taxonomy");
		if (!l->term) {
			lua_createtable(L, (int)l->tax->n, 0);
			for (i = 0; i < l->tax->n; i++) {
				push_term(L, site, l->tax->terms[i]);
				lua_rawseti(L, -2, (lua_Integer)i + 1);
			}
			lua_setfield(L, -2, "terms");
		}
	}
	if (l->term) {
		push_term(L, site, l->term);
		lua_setfield(L, -2, "term");
	}
	if (l->year) {
		lua_pushinteger(L, l->year);
		lua_setfield(L, -2, "year");
	}
	if (l->month) {
		lua_pushinteger(L, l->month);
		lua_setfield(L, -2, "month");
	}
	if (l->year && !l->month) {
		int k = 0;
		lua_newtable(L);
		for (i = 0; i < site->nmonths; i++) {
			const gz_period *m = &site->months[i];
			if (m->year != l->year)
				continue;
			lua_createtable(L, 0, 3);
			lua_pushinteger(L, m->month);
			lua_setfield(L, -2, "month");
			lua_pushstring(L, m->url);
			lua_setfield(L, -2, "url");
			lua_pushinteger(L, (lua_Integer)m->n);
			lua_setfield(L, -2, "count");
			lua_rawseti(L, -2, ++k);
		}
		lua_setfield(L, -2, "months");
	}
}

/* The registry's table of page userdata, and the page and list
 * metatables. */
void script_view_open(lua_State *L, gz_script *s)
{
	size_t i;

	lua_newtable(L);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "v");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &pages_key);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &terms_key);
	luaL_newmetatable(L, PAGE_MT);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &page_mt_key);
	lua_newtable(L);
	for (i = 1; field_names[i]; i++) {
		lua_pushinteger(L, (lua_Integer)i);
		lua_setfield(L, -2, field_names[i]);
	}
	lua_pushlightuserdata(L, s);
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, page_index, 3);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, page_eq);
	lua_setfield(L, -2, "__eq");
	/* getmetatable(page) must not give a table that a __gc can be put in */
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	luaL_newmetatable(L, LIST_MT);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &list_mt_key);
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, list_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, list_len, 1);
	lua_setfield(L, -2, "__len");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
}

void script_view_site(lua_State *L, gz_script *s, int env)
{
	push_site(L, s->site);
	wrap_site(L, s);
	lua_setfield(L, env, "site");
}
