#include "lua/script.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "load/doc.h"
#include "source/git.h"
#include "base/hash.h"
#include "lua/hooks.h"
#include "load/markdown.h"
#include "lua/pattern.h"
#include "model/photos.h"
#include "lua/template.h"
#include "base/text.h"

/* The defaults of site.yml hooks: (docs/hooks.md) */
#define DEFAULT_MEMORY_MB 512
#define DEFAULT_SECONDS 10
#define DEFAULT_DATA_MB 64
#define DEFAULT_PAGE_MB 16
/* A call may run this many Lua steps before it is stopped. */
#define INSTRUCTION_LIMIT 200000000L
#define HOOK_EVERY 100000

/* Partials may nest this deep (each level captures its own output). */
#define MAX_CAPTURE 32

struct gz_script {
	lua_State *L;
	const gz_theme *theme;
	const gz_site *site;
	/* the running call's limits (call_lua); a call over one is stopped:
	 * every Lua step raises stop again until the call is back in C */
	long budget;               /* Lua steps left */
	double deadline;           /* gz_now_ms() past which it is stopped */
	volatile sig_atomic_t late; /* the deadline timer fired */
	bool stopped;
	char stop[320];            /* "file:line: 运行超过 10 秒，已停止…" */
	size_t handed;             /* bytes Lua handed to C in the call */
	int calls;                 /* call_lua's nesting on this state */
	gz_script *outer;          /* the call this thread was in before */
	long steps;                /* the limits themselves */
	int seconds;
	size_t handed_limit, page_limit;
	/* Output goes straight into C buffers, not Lua strings: cap[depth] is
	 * where the running template writes; a partial writes one level up. */
	gz_buf cap[MAX_CAPTURE];
	int depth;
	/* What the current render read, for incremental builds: the pages
	 * whose fields it read (stamp[id] == render_no marks one already
	 * listed), and whether it read the site's lists. */
	unsigned *stamp;
	size_t nstamp;
	unsigned render_no;
	size_t *touched;
	bool *body;                /* [k]: touched[k]'s body (content, plain,
				    * chars) was read, not just what lists show */
	size_t *slot;              /* [id]: where the page is in touched */
	size_t ntouched, tcap, bcap;
	bool site_touched;
	/* hooks */
	size_t mem, mem_limit;     /* bytes Lua holds, and the most it may */
	char where[256];           /* "file:line: " last seen by the step hook, for
				    * "not enough memory", which Lua gives no place */
	char last_where[256];      /* the same, not reset between calls: where Lua
				    * code of an earlier call ran, the last resort */
	gz_site *msite;            /* during on_load: the site hooks may change */
	const gz_config *cfg;      /* the site's settings (base URL …) */
	bool has_filters, has_document, has_shortcodes;
	const char *md_path;       /* the page being filtered */
	gz_value **cur_fm;         /* its front matter, which document() may replace */
	gz_value *new_fm;          /* what replaces it */
	gz_md_hooks md_hooks;
	gz_md_sc *cur_sc;          /* the shortcode being expanded, for ctx.image */
};

static const char PAGE_MT[] = "gazette.page";
static const char LIST_MT[] = "gazette.list";

/* ---- theme ------------------------------------------------------------ */

int gz_theme_load(gz_theme *th, gz_source *src, const char *display, gz_diag *d)
{
	gz_strlist files = {0};
	size_t i;
	int rc = 0;

	memset(th, 0, sizeof(*th));
	th->display = gz_strdup(display);
	th->hash = GZ_HASH_INIT;
	gz_source_list(src, "layouts", &files);
	th->t = gz_calloc(files.n ? files.n : 1, sizeof(*th->t));
	for (i = 0; i < files.n; i++) {
		const char *rel = files.items[i] + strlen("layouts/");
		const char *dot = strrchr(rel, '.');
		gz_buf path = GZ_BUF_INIT, lua = GZ_BUF_INIT;
		gz_template *t;
		char *data;
		size_t len;
		int line, col;

		if (!dot || (strcmp(dot, ".html") && strcmp(dot, ".xml") && strcmp(dot, ".txt") &&
			     strcmp(dot, ".lua")))
			continue;
		gz_buf_printf(&path, "%s/%s", display, files.items[i]);
		if (gz_source_read(src, files.items[i], &data, &len) < 0) {
			gz_diag_error(d, path.ptr, 0, 0, "cannot read the template");
			gz_buf_release(&path);
			rc = -1;
			continue;
		}
		if (!gz_utf8_valid(data, len, &line, &col)) {
			gz_diag_error(d, path.ptr, line, col, "invalid UTF-8 in template");
			rc = -1;
		} else if (!strcmp(dot, ".lua")) {
			gz_buf_add(&lua, data, len);
		} else if (gz_template_translate(&lua, data, len, path.ptr, d) < 0) {
			rc = -1;
		}
		free(data);
		t = &th->t[th->n++];
		t->is_lua = !strcmp(dot, ".lua");
		t->name = gz_strndup(rel, (size_t)(dot - rel));
		t->path = gz_buf_detach(&path, NULL);
		t->lua = gz_buf_detach(&lua, &t->lua_len);
		th->hash = gz_hash_add(gz_hash_str(th->hash, t->name), t->lua, t->lua_len);
	}
	gz_strlist_release(&files);
	return rc;
}

void gz_theme_load_hooks(gz_theme *th, gz_source *theme_src, gz_source *site_src,
			 const gz_value *cfg)
{
	gz_source *srcs[2] = {theme_src, site_src};
	const char *prefix[2] = {th->display, ""};
	const gz_value *allow = gz_value_get(cfg, "allow");
	size_t i, k, cap = 0;

	for (k = 0; k < 2; k++) {
		gz_strlist files = {0};
		if (!srcs[k])
			continue;
		gz_source_list(srcs[k], "hooks", &files);
		for (i = 0; i < files.n; i++) {
			const char *f = files.items[i];
			size_t n = strlen(f);
			gz_template *t;
			gz_buf path = GZ_BUF_INIT;
			char *data;
			size_t len;

			if (n < 4 || strcmp(f + n - 4, ".lua"))
				continue;
			if (gz_source_read(srcs[k], f, &data, &len) < 0)
				continue;
			GZ_GROW(th->hooks, cap, th->nhooks + 1);
			t = &th->hooks[th->nhooks++];
			memset(t, 0, sizeof(*t));
			gz_buf_printf(&path, "%s%s%s", prefix[k], *prefix[k] ? "/" : "", f);
			t->name = gz_strdup(f);
			t->path = gz_buf_detach(&path, NULL);
			t->lua = data;
			t->lua_len = len;
			t->is_lua = true;
			th->hash = gz_hash_add(gz_hash_str(th->hash, t->path), data, len);
		}
		gz_strlist_release(&files);
	}
	th->memory_mb = (int)gz_value_int(cfg, "memory_mb", DEFAULT_MEMORY_MB);
	th->seconds = (int)gz_value_int(cfg, "seconds", DEFAULT_SECONDS);
	th->data_mb = (int)gz_value_int(cfg, "data_mb", DEFAULT_DATA_MB);
	th->page_mb = (int)gz_value_int(cfg, "page_mb", DEFAULT_PAGE_MB);
	if (allow && allow->type == GZ_SEQ) {
		th->allow = gz_calloc(allow->n ? allow->n : 1, sizeof(*th->allow));
		for (i = 0; i < allow->n; i++)
			if (allow->items[i]->type == GZ_STR)
				th->allow[th->nallow++] = gz_strdup(allow->items[i]->str);
	}
}

void gz_theme_release(gz_theme *th)
{
	size_t i;

	for (i = 0; i < th->nhooks; i++) {
		free(th->hooks[i].name);
		free(th->hooks[i].path);
		free(th->hooks[i].lua);
	}
	free(th->hooks);
	for (i = 0; i < th->nallow; i++)
		free(th->allow[i]);
	free(th->allow);

	for (i = 0; i < th->n; i++) {
		free(th->t[i].name);
		free(th->t[i].path);
		free(th->t[i].lua);
	}
	free(th->t);
	free(th->display);
	memset(th, 0, sizeof(*th));
}

const gz_template *gz_theme_find(const gz_theme *th, const char *name)
{
	size_t i;

	for (i = 0; i < th->n; i++)
		if (!strcmp(th->t[i].name, name))
			return &th->t[i];
	return NULL;
}

/* ---- values ----------------------------------------------------------- */

static gz_script *script_of(lua_State *L)
{
	gz_script *s;

	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.script");
	s = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return s;
}

static void push_str(lua_State *L, const char *s)
{
	if (s)
		lua_pushstring(L, s);
	else
		lua_pushnil(L);
}

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
static void push_value(lua_State *L, const gz_value *v)
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
			push_value(L, v->items[i]);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	case GZ_MAP:
		lua_createtable(L, 0, (int)v->n);
		for (i = 0; i < v->n; i++) {
			push_value(L, v->items[i]);
			lua_setfield(L, -2, v->keys[i]);
		}
		break;
	}
}

/*
 * Each state keeps one userdata per page it has touched (registry table
 * "gazette.pages", keyed by the page's address), so a page pushed twice is
 * the same Lua value, and fields that build tables (terms, photos, params)
 * are built once per state and kept in the userdata's user value.
 */
static void push_page(lua_State *L, const gz_page *p)
{
	const gz_page **u;

	if (!p) {
		lua_pushnil(L);
		return;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.pages");
	if (lua_rawgetp(L, -1, p) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	u = lua_newuserdatauv(L, sizeof(*u), 1);
	*u = p;
	luaL_setmetatable(L, PAGE_MT);
	lua_pushvalue(L, -1);
	lua_rawsetp(L, -3, p);
	lua_remove(L, -2);
}

/* Push the table of the page userdata at idx (fields a hook set for this
 * render, fields built once), made at first use: most pages pushed, such
 * as gz.add_page's, never need one. */
static void push_page_table(lua_State *L, int idx)
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
	luaL_setmetatable(L, LIST_MT);
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

static void push_field(lua_State *L, const gz_page *p, int f)
{
	const gz_site *site = script_of(L)->site;
	size_t i, t;

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
		lua_createtable(L, 0, (int)site->cfg.ntax);
		for (t = 0; t < site->cfg.ntax && p->terms; t++) {
			lua_createtable(L, (int)p->nterms[t], 0);
			for (i = 0; i < p->nterms[t]; i++) {
				push_term(L, site, p->terms[t][i]);
				lua_rawseti(L, -2, (lua_Integer)i + 1);
			}
			lua_setfield(L, -2, site->cfg.tax[t].key);
		}
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
			lua_pushboolean(L, 0); /* cached as false, read as nil below */
		break;
	case F_PREV: push_page(L, p->prev); break;
	case F_NEXT: push_page(L, p->next); break;
	case F_RELATED: push_list(L, p->related, p->nrelated); break;
	case F_PARAMS: push_value(L, p->fm); break;
	case F_HISTORY:
		if (p->history && p->history->n)
			push_history(L, p->history);
		else
			lua_pushboolean(L, 0);
		break;
	case F_PAGES: push_list(L, NULL, 0); break;
	default: lua_pushnil(L); break;
	}
}

static int page_index(lua_State *L)
{
	const gz_page *p = *(const gz_page **)luaL_checkudata(L, 1, PAGE_MT);
	gz_script *s = lua_touserdata(L, lua_upvalueindex(2));
	int f;

	if (p->id < s->nstamp && s->stamp[p->id] != s->render_no) {
		s->stamp[p->id] = s->render_no;
		GZ_GROW(s->touched, s->tcap, s->ntouched + 1);
		GZ_GROW(s->body, s->bcap, s->ntouched + 1);
		s->slot[p->id] = s->ntouched;
		s->body[s->ntouched] = false;
		s->touched[s->ntouched++] = p->id;
	}

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
				push_value(L, gz_value_get(p->extra, lua_tostring(L, 2)));
				return 1;
			}
		}
		lua_pushnil(L);
		return 1;
	}
	if (!cached_field(f)) {
		push_field(L, p, f);
		return 1;
	}
	push_page_table(L, 1);
	if (lua_rawgeti(L, -1, f) == LUA_TNIL) {
		lua_pop(L, 1);
		push_field(L, p, f);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, f);
	}
	if (lua_isboolean(L, -1) && !lua_toboolean(L, -1))
		lua_pushnil(L);
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
	list_ud *u = luaL_checkudata(L, 1, LIST_MT);
	lua_Integer i;

	if (!lua_isinteger(L, 2)) {
		lua_pushnil(L);
		return 1;
	}
	i = lua_tointeger(L, 2);
	if (i < 1 || (size_t)i > u->n)
		lua_pushnil(L);
	else
		push_page(L, u->items[i - 1]);
	return 1;
}

static int list_len(lua_State *L)
{
	list_ud *u = luaL_checkudata(L, 1, LIST_MT);
	lua_pushinteger(L, (lua_Integer)u->n);
	return 1;
}

/* ---- limits ---------------------------------------------------------- */

static void hook(lua_State *L, lua_Debug *ar);

/* "file:line: " for a message: the whole path of the chunk, not Lua's
 * short_src, which cuts long ones. */
static void place_of(char *buf, size_t size, const lua_Debug *ar, int line)
{
	const char *src = ar->source[0] == '@' ? ar->source + 1 : ar->short_src;

	snprintf(buf, size, "%s:%d: ", src, line);
}

/* The place of the innermost Lua function on the stack from level up, or
 * "". Only reads the stack, so it may run where nothing can allocate. */
static void stack_place(lua_State *L, int level, char *buf, size_t size)
{
	lua_Debug ar;

	buf[0] = '\0';
	for (; level < 200 && lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			place_of(buf, size, &ar, ar.currentline);
			return;
		}
	}
}

/* 200000000 → "2 亿步" */
static void steps_text(char *buf, size_t size, long n)
{
	if (n >= 100000000 && n % 100000000 == 0)
		snprintf(buf, size, "%ld 亿步", n / 100000000);
	else if (n >= 10000 && n % 10000 == 0)
		snprintf(buf, size, "%ld 万步", n / 10000);
	else
		snprintf(buf, size, "%ld 步", n);
}

/* Stop the running call at place: from here on every Lua step raises
 * s->stop (hook) until the call is back in C, so neither pcall nor
 * xpcall's handler nor a __close method can carry on. */
static void stop(gz_script *s, const char *place, bool time)
{
	char n[32];

	if (!s->stopped) {
		if (time) {
			snprintf(s->stop, sizeof(s->stop),
				 "%s运行超过 %d 秒，已停止（site.yml hooks: seconds）", place, s->seconds);
		} else {
			steps_text(n, sizeof(n), s->steps);
			snprintf(s->stop, sizeof(s->stop), "%s运行超过 %s，已停止（死循环？）", place, n);
		}
		s->stopped = true;
	}
	lua_sethook(s->L, hook, LUA_MASKCOUNT, 1);
}

static bool past_deadline(const gz_script *s)
{
	return s->late || gz_now_ms() > s->deadline;
}

/* Lua's count hook: every HOOK_EVERY steps while a call runs, and every
 * step once it is stopped. */
static void hook(lua_State *L, lua_Debug *ar)
{
	gz_script *s = script_of(L);

	if (!s->stopped) {
		int every = lua_gethookcount(L);

		if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
			place_of(s->where, sizeof(s->where), ar, ar->currentline);
			memcpy(s->last_where, s->where, sizeof(s->where));
		}
		s->budget -= every;
		if (past_deadline(s)) {
			stop(s, s->where, true);
		} else if (s->budget < 0) {
			stop(s, s->where, false);
		} else {
			/* armed by a timer signal that came as its call ended */
			if (every != HOOK_EVERY)
				lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
			return;
		}
	}
	lua_pushstring(L, s->stop);
	lua_error(L);
}

/* Work that C does for Lua (string patterns, table.move …), counted in
 * Lua steps; raises the stop when the call is over a limit. */
static void charge(lua_State *L, long steps)
{
	gz_script *s = script_of(L);
	char place[256];

	if (!s->stopped) {
		s->budget -= steps;
		if (!past_deadline(s) && s->budget >= 0)
			return;
		stack_place(L, 0, place, sizeof(place));
		/* C work with no Lua below it (a walk over a filtered tree): the
		 * Lua code that ran last in the call made the work */
		if (!place[0])
			snprintf(place, sizeof(place), "%s", s->where[0] ? s->where : s->last_where);
		stop(s, place, past_deadline(s));
	}
	lua_pushstring(L, s->stop);
	lua_error(L);
}

/* Steps for a C loop over the integers from a to b */
static void charge_range(lua_State *L, lua_Integer a, lua_Integer b)
{
	lua_Unsigned n;

	if (b < a)
		return;
	n = (lua_Unsigned)b - (lua_Unsigned)a;
	charge(L, n >= (lua_Unsigned)LONG_MAX ? LONG_MAX : (long)n + 1);
}

void gz_script_charge(lua_State *L, long steps)
{
	charge(L, steps);
}

/* Raise msg at place, or, if place is NULL, where the Lua code that called
 * the running C function is */
static int error_at(lua_State *L, const char *place, const char *msg)
{
	if (place)
		lua_pushstring(L, place);
	else
		luaL_where(L, 1);
	lua_pushstring(L, msg);
	lua_concat(L, 2);
	return lua_error(L);
}

/* Count bytes that Lua hands to C; past the limit, an error at place (see
 * error_at) */
static void hand(lua_State *L, gz_script *s, size_t bytes, const char *place)
{
	char msg[160];

	s->handed += bytes;
	if (s->handed <= s->handed_limit)
		return;
	snprintf(msg, sizeof(msg), "交给 gazette 的数据超过 %d MB，已停止（site.yml hooks: data_mb）",
		 (int)(s->handed_limit >> 20));
	error_at(L, place, msg);
}

void gz_script_hand(lua_State *L, size_t bytes)
{
	hand(L, script_of(L), bytes, NULL);
}

/* "file:line: " of the Lua function at idx (the line it starts on), or "" */
static void function_place(lua_State *L, int idx, char *buf, size_t size)
{
	lua_Debug ar;

	buf[0] = '\0';
	lua_pushvalue(L, idx);
	if (lua_getinfo(L, ">S", &ar) && ar.what[0] != 'C')
		place_of(buf, size, &ar, ar.linedefined);
}

/*
 * The hook sees the clock only between Lua steps, and one step can be
 * long: comparing two long strings, utf8.len of one. So a timer per thread
 * sends the thread a signal at the deadline, and the handler arms the count
 * hook for the very next step: all that a signal handler may do to a Lua
 * state (lua.c stops a script on Ctrl-C the same way). Without the timer
 * (no signal to spare) the hook's own clock check still holds.
 */
static _Thread_local gz_script *running;
static pthread_once_t timer_once = PTHREAD_ONCE_INIT;
static pthread_key_t timer_key;
static bool timer_ok;

typedef struct {
	timer_t id;
	bool ok;
} thread_timer;

static void on_deadline(int sig, siginfo_t *si, void *uc)
{
	gz_script *s = running;

	(void)sig;
	(void)si;
	(void)uc;
	if (s) {
		s->late = 1;
		lua_sethook(s->L, hook, LUA_MASKCOUNT, 1);
	}
}

static void timer_free(void *p)
{
	thread_timer *t = p;

	if (t->ok)
		timer_delete(t->id);
	free(t);
}

static void timer_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_deadline;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	timer_ok = sigaction(SIGRTMIN + 3, &sa, NULL) == 0 &&
		   pthread_key_create(&timer_key, timer_free) == 0;
}

/* Signal this thread in ms milliseconds (ms <= 0: not at all). */
static void timer_arm(double ms)
{
	struct itimerspec its;
	thread_timer *t;

	pthread_once(&timer_once, timer_setup);
	if (!timer_ok)
		return;
	t = pthread_getspecific(timer_key);
	if (!t) {
		struct sigevent ev;
		if (ms <= 0)
			return;
		t = gz_calloc(1, sizeof(*t));
		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = SIGEV_THREAD_ID;
		ev.sigev_signo = SIGRTMIN + 3;
		ev._sigev_un._tid = gettid();
		t->ok = timer_create(CLOCK_MONOTONIC, &ev, &t->id) == 0;
		pthread_setspecific(timer_key, t);
	}
	if (!t->ok)
		return;
	memset(&its, 0, sizeof(its));
	if (ms > 0) {
		its.it_value.tv_sec = (time_t)(ms / 1000);
		its.it_value.tv_nsec = (long)fmod(ms, 1000.0) * 1000000L + 1;
	}
	timer_settime(t->id, 0, &its, NULL);
}

/* A call from C begins: fresh limits, unless it is inside another call on
 * this state, whose limits it shares. */
static void limits_start(gz_script *s)
{
	if (s->calls++ > 0)
		return;
	s->budget = s->steps;
	s->deadline = gz_now_ms() + 1000.0 * s->seconds;
	s->late = 0;
	s->stopped = false;
	s->stop[0] = '\0';
	s->handed = 0;
	s->where[0] = '\0';
	s->outer = running;
	running = s;
	timer_arm(1000.0 * s->seconds);
}

/* The call is back in C. stopped and late stay set for the error text. */
static void limits_end(gz_script *s)
{
	if (--s->calls > 0)
		return;
	timer_arm(0);
	running = s->outer;
	if (running)
		timer_arm(running->deadline - gz_now_ms() > 1 ? running->deadline - gz_now_ms() : 1);
	lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	/* nodes the call made and left out of any page: what the data limit
	 * counted is given back */
	gz_hooks_page_done(s->L, NULL);
}

/* The message handler of every call from C (upvalue: the script): the
 * error as a string that starts with its place. It runs where the error
 * was raised, so the stack still shows the Lua line, whatever the error
 * object is (a table, nil, one whose __tostring fails). */
static int on_error(lua_State *L)
{
	gz_script *s = lua_touserdata(L, lua_upvalueindex(1));
	char place[256];
	const char *msg;

	if (s->stopped) {
		lua_pushstring(L, s->stop);
		return 1;
	}
	stack_place(L, 1, place, sizeof(place));
	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
		msg = lua_tostring(L, 1);
	} else if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "error object is a %s value whose __tostring failed",
					      luaL_typename(L, 1));
		if (s->stopped) {
			lua_pushstring(L, s->stop);
			return 1;
		}
	} else {
		msg = lua_pushfstring(L, "error object is a %s value, not a message",
				      luaL_typename(L, 1));
	}
	if (gz_diag_place(msg, NULL))
		lua_pushstring(L, msg);
	else
		lua_pushfstring(L, "%s%s", place, msg);
	return 1;
}

/* After a failed call: "file:line: message" for the error on the top of
 * the stack. fn is the function that was called, whose place is the last
 * resort (an error the handler could not place). */
static char *error_text(gz_script *s, int status, int fn)
{
	lua_State *L = s->L;
	const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	gz_buf b = GZ_BUF_INIT;
	char place[256];

	if (s->stopped)
		return gz_strdup(s->stop);
	if (msg && gz_diag_place(msg, NULL) && status != LUA_ERRMEM)
		return gz_strdup(msg);
	snprintf(place, sizeof(place), "%s", s->where);
	if (!place[0]) {
		lua_Debug ar;
		lua_pushvalue(L, fn);
		if (lua_getinfo(L, ">S", &ar) && ar.what[0] != 'C')
			place_of(place, sizeof(place), &ar, ar.linedefined > 0 ? ar.linedefined : 1);
		else
			snprintf(place, sizeof(place), "%s", s->last_where);
	}
	if (status == LUA_ERRMEM)
		gz_buf_printf(&b, "%sLua 内存超过 %d MB，已停止（site.yml hooks: memory_mb）", place,
			      (int)(s->mem_limit >> 20));
	else
		gz_buf_printf(&b, "%s%s", place, msg ? msg : "error object is not a message");
	return gz_buf_detach(&b, NULL);
}

/* Every call from C into Lua: the function under nargs arguments, with
 * fresh limits and the message handler. Returns 0 with nresults on the
 * stack, or -1 with the stack back below the function and *err set (the
 * caller frees). */
static int call_lua(gz_script *s, int nargs, int nresults, char **err)
{
	lua_State *L = s->L;
	int fn = lua_gettop(L) - nargs, st;

	/* below the function: a copy of it (for error_text) and the handler */
	lua_pushvalue(L, fn);
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.onerror");
	lua_rotate(L, fn, 2);
	limits_start(s);
	st = lua_pcall(L, nargs, nresults, fn + 1);
	limits_end(s);
	if (st != LUA_OK) {
		*err = error_text(s, st, fn);
		lua_settop(L, fn - 1);
		return -1;
	}
	lua_remove(L, fn);
	lua_remove(L, fn);
	return 0;
}

void gz_script_return_place(lua_State *L, int idx, char *buf, size_t size)
{
	lua_Debug ar;
	lua_Integer last = 1;

	buf[0] = '\0';
	lua_pushvalue(L, idx);
	if (!lua_getinfo(L, ">SL", &ar))
		return;
	if (lua_istable(L, -1)) {
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_isinteger(L, -2) && lua_tointeger(L, -2) > last)
				last = lua_tointeger(L, -2);
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	place_of(buf, size, &ar, (int)last);
}

/* ---- helpers ---------------------------------------------------------- */

static const char *to_text(lua_State *L, int idx, size_t *len)
{
	if (lua_isnoneornil(L, idx)) {
		*len = 0;
		return "";
	}
	return luaL_tolstring(L, idx, len);
}

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
		snprintf(msg, sizeof(msg), "页面超过 %d MB，已停止（site.yml hooks: page_mb）",
			 (int)(s->page_limit >> 20));
		error_at(L, place, msg);
	}
	hand(L, s, len, place);
	if (escape)
		gz_buf_add_html(b, p, len);
	else
		gz_buf_add(b, p, len);
}

/* _o(v): append v to the current output, as is. */
static int out_raw(lua_State *L)
{
	gz_script *s = script_up(L);
	size_t len;
	const char *p;

	if (lua_type(L, 1) == LUA_TSTRING) {
		p = lua_tolstring(L, 1, &len);
	} else if (lua_isnoneornil(L, 1)) {
		return 0;
	} else {
		p = luaL_tolstring(L, 1, &len);
	}
	out_add(L, s, p, len, false, NULL);
	return 0;
}

/* _e(v): append v to the current output, HTML-escaped. */
static int out_escaped(lua_State *L)
{
	gz_script *s = script_up(L);
	size_t len;
	const char *p;

	if (lua_type(L, 1) == LUA_TSTRING)
		p = lua_tolstring(L, 1, &len);
	else if (lua_isnoneornil(L, 1))
		return 0;
	else
		p = luaL_tolstring(L, 1, &len);
	out_add(L, s, p, len, true, NULL);
	return 0;
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

static int call_template(lua_State *L, const char *name, int nargs)
{
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.templates");
	lua_getfield(L, -1, name);
	if (lua_isnil(L, -1))
		return luaL_error(L, "no layout '%s' in the theme (looked for layouts/%s.html)", name,
				  name);
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

/* Call template name with the nargs values on the stack, capturing what it
 * writes, and push that as a string. */
static int capture_template(lua_State *L, gz_script *s, const char *name, int nargs)
{
	gz_buf *b;

	if (s->depth + 1 >= MAX_CAPTURE)
		return luaL_error(L, "partials and layouts nest more than %d deep", MAX_CAPTURE);
	b = &s->cap[++s->depth];
	gz_buf_clear(b);
	call_template(L, name, nargs);
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
	return capture_template(L, s, name, 2);
}

/* partial(name, ctx): render partials/name into a string. Templates get it
 * as partial() and Lua layouts and hooks as partial_html(). */
static int h_partial(lua_State *L)
{
	gz_script *s = script_up(L);
	const char *name = luaL_checkstring(L, 1);
	char full[256];

	if (strstr(name, "..") || name[0] == '/')
		return luaL_error(L, "bad partial name '%s'", name);
	snprintf(full, sizeof(full), "partials/%s", name);
	lua_settop(L, 2);
	lua_remove(L, 1);
	return capture_template(L, s, full, 1);
}

static int h_layout(lua_State *L)
{
	char name[256];

	snprintf(name, sizeof(name), "%s", luaL_checkstring(L, 1));
	lua_settop(L, 3);
	lua_remove(L, 1);
	return call_template(L, name, 2);
}

static int h_cn_date(lua_State *L)
{
	gz_date d;
	const char *s = luaL_optstring(L, 1, NULL);

	if (!s || gz_date_parse(&d, s) < 0) {
		lua_pushstring(L, s ? s : "");
		return 1;
	}
	lua_pushfstring(L, "%d年%d月%d日", d.year, d.month, d.day);
	return 1;
}

static int h_relurl(lua_State *L)
{
	const char *s = luaL_optstring(L, 1, "");
	gz_script *sc = script_of(L);

	if (s[0] == '/' && s[1] != '/')
		lua_pushfstring(L, "%s%s", sc->cfg->base_path, s + 1);
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
		lua_pushfstring(L, "%s%s", sc->cfg->base_url, s[0] == '/' ? s + 1 : s);
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
	charge_range(L, 1, n);
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

/* ---- site ------------------------------------------------------------- */

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
	push_value(L, gz_value_get(site->cfg.root, "params"));
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

/* ---- states ----------------------------------------------------------- */

static const char *const safe_globals[] = {
	"assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
	"tostring", "type", "xpcall", "rawequal", "rawlen", "rawget", "setmetatable",
	"getmetatable", "string", "table", "math", "utf8", NULL,
};

/* Where the Lua code that asked for too much memory is: Lua's "not enough
 * memory" has no position. */
static void note_where(gz_script *s)
{
	char place[sizeof(s->where)];

	if (!s->L)
		return;
	stack_place(s->L, 0, place, sizeof(place));
	if (place[0]) {
		memcpy(s->where, place, sizeof(place));
		memcpy(s->last_where, place, sizeof(place));
	}
}

/* Lua's allocations, counted against the state's limit. */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	gz_script *s = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		s->mem -= old;
		return NULL;
	}
	/* Only Lua code is refused: outside a call, C pushes arguments and
	 * reads results where a memory error could not be caught (Lua would
	 * abort), and what it pushes is bounded by the input, not by Lua. */
	if (nsize > old && s->mem - old + nsize > s->mem_limit && s->calls > 0) {
		note_where(s);
		return NULL; /* Lua raises "not enough memory" */
	}
	p = realloc(ptr, nsize);
	if (p)
		s->mem = s->mem - old + nsize;
	return p;
}

/* load(chunk [, name]) for hooks: text only, in the sandbox. */
static int safe_load(lua_State *L)
{
	size_t len;
	const char *chunk = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, NULL);
	char place[256], where[300];

	/* unnamed, the chunk is named after the line that loads it, so that
	 * its errors say which hook they come from */
	if (!name) {
		stack_place(L, 1, place, sizeof(place));
		place[strlen(place) > 2 ? strlen(place) - 2 : 0] = '\0';
		snprintf(where, sizeof(where), "=[load at %s]", place);
		name = where;
	}
	if (luaL_loadbufferx(L, chunk, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.env");
	lua_setupvalue(L, -2, 1);
	return 1;
}

/* ---- UTF-8 helpers: Lua's string library counts bytes ---- */

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

static gz_value *value_take(lua_State *L, int idx);

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
		charge(L, p->extra ? (long)p->extra->n : 0);
		v = value_take(L, 3);
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
	push_page_table(L, 1);
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
		luaL_error(L, "gz.add_page: %s must be a string, not a %s", key, luaL_typename(L, -1));
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

	if (!site)
		return luaL_error(L, "gz.add_page works only in on_load");
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	url = opt_field(L, 1, "url", NULL, &nlen);
	if (!url)
		return luaL_error(L, "gz.add_page: the page needs a url");
	{
		char *inner = gz_strndup(url + 1, nlen > 2 ? nlen - 2 : 0);
		bool ok = url[0] == '/' && nlen >= 3 && url[nlen - 1] == '/' && gz_path_is_safe(inner);
		free(inner);
		if (!ok)
			return luaL_error(L, "gz.add_page: url '%s' must look like /a/b/", url);
	}
	push_url_index(L, site); /* 3 */
	if (lua_getfield(L, 3, url) != LUA_TNIL)
		return luaL_error(L, "gz.add_page: url '%s' is taken by %s", url,
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
	p->title = gz_strdup(title);
	p->html = gz_strdup(content);
	p->html_len = lcontent;
	p->plain = gz_strdup("");
	p->doc = gz_strdup("");
	p->plain_hash = gz_page_plain_hash("", 0);
	p->summary = gz_strdup(summary);
	p->layout = layout ? gz_strdup(layout) : NULL;
	p->date = has_date ? when : p->date;
	p->has_date = has_date;
	p->fm = gz_calloc(1, sizeof(*p->fm));
	p->ntax = site->cfg.ntax;
	p->tax_values = gz_calloc(p->ntax ? p->ntax : 1, sizeof(*p->tax_values));
	p->terms = gz_calloc(p->ntax ? p->ntax : 1, sizeof(*p->terms));
	p->nterms = gz_calloc(p->ntax ? p->ntax : 1, sizeof(*p->nterms));
	p->related = gz_calloc(1, sizeof(*p->related));
	p->src_hash = gz_hash_str(gz_hash_str(gz_hash_str(GZ_HASH_INIT, p->title), p->html), p->layout);
	gz_site_add_standalone(site, p);
	/* a new key may fail for memory: the page is the site's by now */
	lua_pushlightuserdata(L, p);
	lua_setfield(L, 3, url);
	push_page(L, p);
	return 1;
}

static void open_gz_table(lua_State *L)
{
	static const luaL_Reg utf8fns[] = {
		{"len", u_len}, {"sub", u_sub}, {"truncate", h_truncate}, {"count", u_count},
		{NULL, NULL},
	};

	lua_newtable(L);
	gz_hooks_open(L);
	lua_newtable(L);
	luaL_setfuncs(L, utf8fns, 0);
	lua_setfield(L, -2, "utf8");
	lua_pushcfunction(L, h_esc);
	lua_setfield(L, -2, "esc");
	lua_pushcfunction(L, h_cn_date);
	lua_setfield(L, -2, "cn_date");
	lua_pushcfunction(L, h_set);
	lua_setfield(L, -2, "set");
	lua_pushcfunction(L, h_add_page);
	lua_setfield(L, -2, "add_page");
}

static bool allowed(const gz_theme *th, const char *lib)
{
	size_t i;

	for (i = 0; i < th->nallow; i++)
		if (!strcmp(th->allow[i], lib))
			return true;
	return false;
}

/* ---- the sandbox's own versions of a few library functions ---- */

/* Call the original function (upvalue 1) with the same arguments. */
static int call_original(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* setmetatable without __gc: Lua runs finalizers with the count hook off
 * (at the state's close too), so a loop in one would be out of every
 * limit's reach. A __gc added to a metatable later is never called: Lua
 * marks an object for finalization only when the metatable is set. */
static int safe_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc is not allowed in hooks and layouts (Lua runs "
					     "finalizers outside the time limit)");
		lua_pop(L, 1);
	}
	return call_original(L);
}

/* string.rep: an empty string repeated 2^60 times is a C loop that
 * allocates nothing and never ends; longer ones are bounded by memory */
static int safe_rep(lua_State *L)
{
	size_t l, lsep;

	luaL_checklstring(L, 1, &l);
	luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	return call_original(L);
}

/* table.move, insert and remove loop in C over a range the caller (or a
 * __len) chooses, and moving absent elements allocates nothing */
static int safe_move(lua_State *L)
{
	charge_range(L, luaL_checkinteger(L, 2), luaL_checkinteger(L, 3));
	return call_original(L);
}

static int safe_insert(lua_State *L)
{
	if (lua_gettop(L) == 3 && lua_type(L, 1) == LUA_TTABLE)
		charge_range(L, luaL_checkinteger(L, 2), luaL_len(L, 1));
	return call_original(L);
}

static int safe_remove(lua_State *L)
{
	if (!lua_isnoneornil(L, 2) && lua_type(L, 1) == LUA_TTABLE)
		charge_range(L, luaL_checkinteger(L, 2), luaL_len(L, 1));
	return call_original(L);
}

/* xpcall(f, handler, …): Lua runs a message handler with hooks off when
 * the error comes from the count hook (a limit), so a handler could loop
 * unseen. Here the handler is called once the stack has unwound, with
 * hooks on; without the debug library a handler cannot look at the stack
 * anyway. */
static int safe_xpcall(lua_State *L)
{
	gz_script *s = script_of(L);
	int n = lua_gettop(L), i;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	for (i = 3; i <= n; i++)
		lua_pushvalue(L, i);
	if (lua_pcall(L, n - 2, LUA_MULTRET, 0) == LUA_OK) {
		lua_pushboolean(L, 1);
		lua_insert(L, n + 1);
		return lua_gettop(L) - n;
	}
	if (s->stopped)
		return lua_error(L);
	lua_pushvalue(L, 2);
	lua_insert(L, -2);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		if (s->stopped)
			return lua_error(L);
		lua_pop(L, 1);
		lua_pushliteral(L, "error in error handling");
	}
	lua_pushboolean(L, 0);
	lua_insert(L, -2);
	return 2;
}

/* Put the sandbox's versions in the library tables (which strings' __index
 * and the environment share), so no reference to the originals is left. */
static void harden_libraries(lua_State *L)
{
	static const struct {
		const char *lib, *name;
		lua_CFunction fn;
	} wrap[] = {
		{"_G", "setmetatable", safe_setmetatable}, {"string", "rep", safe_rep},
		{"table", "move", safe_move}, {"table", "insert", safe_insert},
		{"table", "remove", safe_remove},
	};
	size_t i;

	for (i = 0; i < sizeof(wrap) / sizeof(wrap[0]); i++) {
		lua_getglobal(L, wrap[i].lib);
		lua_getfield(L, -1, wrap[i].name);
		lua_pushcclosure(L, wrap[i].fn, 1);
		lua_setfield(L, -2, wrap[i].name);
		lua_pop(L, 1);
	}
	lua_pushcfunction(L, safe_xpcall);
	lua_setglobal(L, "xpcall");
	lua_getglobal(L, "string");
	gz_pattern_open(L, -1, charge);
	lua_pop(L, 1);
}

/* A state with the sandbox, the helpers and (if site) the site. The
 * sandbox environment stays at the top of the stack. */
static gz_script *state_new(const gz_theme *th, const gz_site *site, const gz_config *cfg)
{
	gz_script *s = gz_calloc(1, sizeof(*s));
	static const char *const grantable[] = {"io", "os", "require", "debug", "package", NULL};
	lua_State *L;
	size_t i;
	int env;

	s->mem_limit = (size_t)(th->memory_mb > 0 ? th->memory_mb : DEFAULT_MEMORY_MB) << 20;
	s->seconds = th->seconds > 0 ? th->seconds : DEFAULT_SECONDS;
	s->handed_limit = (size_t)(th->data_mb > 0 ? th->data_mb : DEFAULT_DATA_MB) << 20;
	s->page_limit = (size_t)(th->page_mb > 0 ? th->page_mb : DEFAULT_PAGE_MB) << 20;
	s->steps = th->steps > 0 ? th->steps : INSTRUCTION_LIMIT;
	/* Lua code runs only in call_lua, which sets both */
	s->budget = s->steps;
	s->deadline = HUGE_VAL;
	L = lua_newstate(limited_alloc, s);
	if (!L) {
		fprintf(stderr, "gazette: cannot start Lua\n");
		abort();
	}
	s->L = L;
	s->theme = th;
	s->site = site;
	s->cfg = site ? &site->cfg : cfg;
	s->nstamp = site ? site->nall : 0;
	s->stamp = gz_calloc(s->nstamp ? s->nstamp : 1, sizeof(*s->stamp));
	s->slot = gz_calloc(s->nstamp ? s->nstamp : 1, sizeof(*s->slot));
	lua_pushlightuserdata(L, s);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.script");
	luaL_openlibs(L);
	harden_libraries(L);
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, on_error, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.onerror");

	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.pages");
	luaL_newmetatable(L, PAGE_MT);
	lua_newtable(L);
	for (i = 1; field_names[i]; i++) {
		lua_pushinteger(L, (lua_Integer)i);
		lua_setfield(L, -2, field_names[i]);
	}
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, page_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, page_eq);
	lua_setfield(L, -2, "__eq");
	/* getmetatable(page) must not give a table that a __gc can be put in */
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	luaL_newmetatable(L, LIST_MT);
	lua_pushcfunction(L, list_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, list_len);
	lua_setfield(L, -2, "__len");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);

	/* the sandbox: only the globals above, plus the helpers and site */
	lua_newtable(L);
	env = lua_gettop(L);
	for (i = 0; safe_globals[i]; i++) {
		lua_getglobal(L, safe_globals[i]);
		lua_setfield(L, env, safe_globals[i]);
	}
	for (i = 0; grantable[i]; i++) {
		if (!allowed(th, grantable[i]))
			continue;
		lua_getglobal(L, grantable[i]);
		lua_setfield(L, env, grantable[i]);
	}
	if (allowed(th, "load"))
		lua_getglobal(L, "load");
	else
		lua_pushcfunction(L, safe_load);
	lua_setfield(L, env, "load");
	lua_pushcfunction(L, h_esc);
	lua_setfield(L, env, "esc");
	lua_pushcfunction(L, h_cn_date);
	lua_setfield(L, env, "cn_date");
	lua_pushcfunction(L, h_relurl);
	lua_setfield(L, env, "relurl");
	lua_pushcfunction(L, h_url);
	lua_setfield(L, env, "url");
	lua_pushcfunction(L, h_truncate);
	lua_setfield(L, env, "truncate");
	lua_pushcfunction(L, h_join);
	lua_setfield(L, env, "join");
	lua_pushcfunction(L, h_cn_number);
	lua_setfield(L, env, "cn_number");
	lua_pushcfunction(L, h_render);
	lua_setfield(L, env, "render");
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, h_partial, 1);
	lua_setfield(L, env, "partial_html");
	open_gz_table(L);
	lua_setfield(L, env, "gz");
	if (site) {
		push_site(L, site);
		wrap_site(L, s);
		lua_setfield(L, env, "site");
	}
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
		char chunk[512], *err;
		int h;

		snprintf(chunk, sizeof(chunk), "@%s", t->path);
		if (luaL_loadbufferx(L, t->lua, t->lua_len, chunk, "t") != LUA_OK) {
			gz_diag_error_placed(d, t->path, "%s", lua_tostring(L, -1));
			lua_pop(L, 1);
			rc = -1;
			continue;
		}
		lua_pushvalue(L, env);
		lua_setupvalue(L, -2, 1);
		lua_pushvalue(L, -1); /* the chunk: where what it returns is */
		if (call_lua(s, 0, 1, &err) < 0) {
			gz_diag_error_placed(d, t->path, "%s", err);
			free(err);
			lua_pop(L, 1);
			rc = -1;
			continue;
		}
		if (!lua_isnil(L, -1) && !lua_istable(L, -1)) {
			char place[256];
			gz_script_return_place(L, -2, place, sizeof(place));
			gz_diag_error_placed(d, t->path,
					     "%sa hook file must return a table (filters, shortcodes, "
					     "on_load …), not a %s",
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
	function_place(L, lua_upvalueindex(1), place, sizeof(place));
	if (lua_type(L, -1) != LUA_TSTRING) {
		/* a table's address in the page would make builds differ */
		lua_pushfstring(L, "%sa Lua layout must return HTML (a string), not a %s", place,
				luaL_typename(L, -1));
		return lua_error(L);
	}
	html = lua_tolstring(L, -1, &len);
	out_add(L, s, html, len, false, place);
	return 0;
}

/* Templates: HTML+Lua layouts compiled to functions writing through _o/_e;
 * a .lua layout returns function(page, site) → HTML, called by lua_layout. */
static int load_templates(gz_script *s, int env, gz_diag *d)
{
	lua_State *L = s->L;
	const gz_theme *th = s->theme;
	size_t i;
	int rc = 0;

	lua_newtable(L); /* registry templates */
	for (i = 0; i < th->n; i++) {
		const gz_template *t = &th->t[i];
		char chunk[512], *err;

		snprintf(chunk, sizeof(chunk), "@%s", t->path);
		if (luaL_loadbufferx(L, t->lua, t->lua_len, chunk, "t") != LUA_OK) {
			gz_diag_error_placed(d, t->path, "%s", lua_tostring(L, -1));
			lua_pop(L, 1);
			rc = -1;
			continue;
		}
		lua_pushvalue(L, env);
		lua_setupvalue(L, -2, 1);
		if (t->is_lua) {
			lua_pushvalue(L, -1); /* the chunk: where what it returns is */
			if (call_lua(s, 0, 1, &err) < 0) {
				gz_diag_error_placed(d, t->path, "%s", err);
				free(err);
				lua_pop(L, 1);
				rc = -1;
				continue;
			}
			if (!lua_isfunction(L, -1)) {
				char place[256];
				gz_script_return_place(L, -2, place, sizeof(place));
				gz_diag_error_placed(d, t->path,
						     "%sa Lua layout must return function(page, site), "
						     "not a %s",
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
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, out_raw, 1);
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, out_escaped, 1);
		lua_pushlightuserdata(L, s);
		lua_pushcclosure(L, h_partial, 1);
		lua_pushcfunction(L, h_layout);
		if (call_lua(s, 4, 1, &err) < 0) {
			gz_diag_error_placed(d, t->path, "%s", err);
			free(err);
			rc = -1;
			continue;
		}
		lua_setfield(L, -2, t->name);
	}
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.templates");
	return rc;
}

static void finish_state(gz_script *s)
{
	/* renders make many short-lived strings and tables: generational GC
	 * keeps from re-marking the long-lived site data on every cycle */
	lua_gc(s->L, LUA_GCGEN, 0, 0);
	lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
}

int gz_script_open(gz_script **out, const gz_theme *th, const gz_site *site, gz_diag *d)
{
	gz_script *s = state_new(th, site, NULL);
	int env = lua_gettop(s->L), rc;

	lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	rc = load_templates(s, env, d);
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

	lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
	rc = load_hooks(s, env, d);
	lua_pop(s->L, 1);
	finish_state(s);
	*out = s;
	return rc;
}

bool gz_script_filters(const gz_script *s)
{
	return s->has_filters || s->has_shortcodes;
}

/* ---- Lua values into YAML value trees (front matter, computed fields) ---- */

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
			luaL_error(L, "a value nests too deeply (a table that holds itself?)");
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
static gz_value *value_take(lua_State *L, int idx)
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

/* ---- Markdown hooks ---- */

/* In a call: the front matter (argument 1) into s->new_fm */
static int front_matter_lua(lua_State *L)
{
	script_of(L)->new_fm = value_take(L, 1);
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
			place_of(buf, size, &ar, ar.linedefined);
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
		push_value(L, *s->cur_fm);
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

/* msg, with the page it was on (msg is freed) */
static char *on_page_of(char *msg, const char *path)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s (while rendering %s)", msg, path);
	free(msg);
	return gz_buf_detach(&b, NULL);
}

static int md_filter(gz_md_node *doc, void *payload, char **err)
{
	gz_script *s = payload;
	lua_State *L = s->L;
	int top = lua_gettop(L), rc = 0;

	if (!s->has_filters)
		return 0;
	s->new_fm = NULL;
	lua_pushcfunction(L, run_filters_lua);
	lua_pushlightuserdata(L, doc);
	if (call_lua(s, 1, 0, err) < 0) {
		*err = on_page_of(*err, s->md_path);
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
		return luaL_error(L, "ctx.image is for use while the shortcode runs");
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
		return "print blocks nest too deeply";
	for (i = 1; i <= n && !why; i++) {
		int t;
		const char *kind, *text;
		if (lua_rawgeti(L, list, i) != LUA_TTABLE) {
			lua_pop(L, 1);
			return "each print block must be a table such as {kind = \"para\", text = \"…\"}";
		}
		t = lua_gettop(L);
		kind = block_str(L, t, "kind", 1);
		text = block_str(L, t, "text", 2);
		if (!kind) {
			why = "a print block has no kind (para, head, quote, box, image …)";
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
			why = "a print block's kind is not one of para, head, item, quote, attribution, "
			      "box, image, link, code, rule, inner";
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
		gz_buf_printf(&b, "unknown shortcode '%s'", name);
		for (i = 0; i < known.n; i++)
			gz_buf_printf(&b, "%s%s", i ? ", " : "; the shortcodes are: ", known.items[i]);
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
	res = call_lua(s, 3, 1, err);
	s->cur_sc = NULL;
	if (res < 0) {
		gz_buf_printf(&b, "shortcode '%s': %s", name, *err);
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
			why = "its table has no html (a string)";
		lua_pop(L, 1);
		if (!why) {
			if (raw_field(L, res, "text") == LUA_TSTRING)
				sc->text = gz_strdup(lua_tostring(L, -1));
			else if (!lua_isnil(L, -1))
				why = "its text must be a string";
			lua_pop(L, 1);
		}
		if (!why) {
			if (raw_field(L, res, "print") == LUA_TTABLE)
				why = print_blocks(L, lua_gettop(L), sc, &sc->print, 0);
			else if (!lua_isnil(L, -1))
				why = "its print must be a list of blocks";
			lua_pop(L, 1);
		}
	} else {
		why = "it must return HTML (a string) or a table {html=, text=, print=}";
	}
	if (why) {
		char place[256] = "";
		/* it has returned: where it returned from is its place */
		if (raw_field(L, top + 1, name) == LUA_TFUNCTION)
			gz_script_return_place(L, -1, place, sizeof(place));
		lua_pop(L, 1);
		gz_buf_printf(&b, "%sshortcode '%s': %s%s%s", place, name, why,
			      lua_type(L, res) == LUA_TSTRING || lua_type(L, res) == LUA_TTABLE ? "" : ", not ",
			      lua_type(L, res) == LUA_TSTRING || lua_type(L, res) == LUA_TTABLE
				      ? ""
				      : luaL_typename(L, res));
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

/* ---- the site load's page filters (site.h) ---- */

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

gz_page_filters gz_script_page_filters(const gz_theme *th)
{
	return (gz_page_filters){.open = filters_open, .close = filters_close, .salt = filters_salt,
				 .payload = (void *)th};
}

/* ---- lifecycle ---- */

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
		push_page(L, c->page);
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
			function_place(L, -1, place, sizeof(place));
			lua_pop(L, 1);
			hand(L, script_of(L), lua_rawlen(L, -1), place);
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

	lua_pushcfunction(L, lifecycle_lua);
	lua_pushlightuserdata(L, c);
	if (call_lua(s, 1, 0, err) == 0)
		return 0;
	gz_buf_printf(&b, "%s (in %s)", *err, c->which);
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

int gz_script_on_load(gz_script *s, gz_site *site, char **err)
{
	lifecycle_call c = {.which = "on_load"};
	int rc;

	s->msite = site;
	rc = run_lifecycle(s, &c, err);
	s->msite = NULL;
	return rc;
}

int gz_script_on_done(gz_script *s, char **err)
{
	lifecycle_call c = {.which = "on_done"};

	return run_lifecycle(s, &c, err);
}

int gz_script_on_output(gz_script *s, const char *path, char **data, size_t *len, char **err)
{
	lifecycle_call c = {.which = "on_output", .path = path, .data = *data, .len = *len};

	if (!has_lifecycle(s->L, "on_output"))
		return 0;
	if (run_lifecycle(s, &c, err) < 0)
		return -1;
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
	for (i = 0; i < MAX_CAPTURE; i++)
		gz_buf_release(&s->cap[i]);
	free(s->stamp);
	free(s->slot);
	free(s->body);
	free(s->touched);
	free(s);
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
			push_page(L, p);
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

static void push_list_ctx(lua_State *L, const gz_site *site, const gz_list *l)
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

/* In a call: the template (argument 1) over the page (2) or the list
 * page's context (3), both light userdata */
static int render_lua(lua_State *L)
{
	gz_script *s = script_of(L);
	const gz_page *page = lua_touserdata(L, 2);
	const gz_list *list = lua_touserdata(L, 3);

	lua_settop(L, 1);
	if (list)
		push_list_ctx(L, s->site, list);
	else
		push_page(L, page);
	lua_call(L, 1, 0);
	return 0;
}

int gz_script_render(gz_script *s, const char *layout, const gz_page *page, const gz_list *list,
		     gz_buf *out, char **err)
{
	lua_State *L = s->L;
	int top = lua_gettop(L);

	*err = NULL;
	s->depth = 0;
	s->render_no++;
	s->ntouched = 0;
	s->site_touched = false;
	gz_buf_clear(&s->cap[0]);
	lua_pushcfunction(L, render_lua);
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.templates");
	lua_getfield(L, -1, layout);
	lua_remove(L, -2);
	if (lua_isnil(L, -1)) {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "no layout '%s' in the theme", layout);
		*err = gz_buf_detach(&b, NULL);
		lua_settop(L, top);
		return -1;
	}
	/* on_page hooks see the page first (gz.set for this render) */
	if (!list && has_lifecycle(L, "on_page")) {
		lifecycle_call c = {.which = "on_page", .page = page};
		if (run_lifecycle(s, &c, err) < 0) {
			*err = on_page_of(*err, page->path);
			lua_settop(L, top);
			return -1;
		}
	}
	lua_pushlightuserdata(L, (void *)page);
	lua_pushlightuserdata(L, (void *)list);
	if (call_lua(s, 3, 0, err) < 0) {
		lua_settop(L, top);
		s->depth = 0;
		return -1;
	}
	if (s->cap[0].len > s->page_limit) {
		const gz_template *t = gz_theme_find(s->theme, layout);
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "%s: 页面超过 %d MB（site.yml hooks: page_mb）", t ? t->path : layout,
			      (int)(s->page_limit >> 20));
		*err = gz_buf_detach(&b, NULL);
		lua_settop(L, top);
		return -1;
	}
	gz_buf_add(out, s->cap[0].ptr, s->cap[0].len);
	lua_settop(L, top);
	return 0;
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

void gz_script_push_page(lua_State *L, const gz_page *p)
{
	push_page(L, p);
}

void gz_script_push_value(lua_State *L, const gz_value *v)
{
	push_value(L, v);
}

int gz_script_call(gz_script *s, int nargs, int nresults, char **err)
{
	*err = NULL;
	return call_lua(s, nargs, nresults, err);
}

void gz_script_touched(const gz_script *s, const size_t **ids, const bool **body, size_t *n,
			bool *site)
{
	*ids = s->touched;
	*body = s->body;
	*n = s->ntouched;
	*site = s->site_touched;
}
