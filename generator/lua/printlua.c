#include "lua/printlua.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/text.h"
#include "media/qr.h"

struct gz_printlua {
	const gz_theme *th;
	gz_source *site_src, *theme_src, *fallback_src;
	char *display, *fallback_display;
	const gz_site *site;
	gz_script *s;                   /* opened at the first draw */
	const gz_print_canvas *c;       /* the call being drawn */
	/* fail(key, message): the error, placed at the field */
	bool failed;
	char *fail_msg;
	int fail_line, fail_col;
};

gz_printlua *gz_printlua_new(const gz_theme *th, gz_source *site_src, gz_source *theme_src,
			     const char *display, gz_source *fallback_src,
			     const char *fallback_display, const gz_site *site)
{
	gz_printlua *pl = gz_calloc(1, sizeof(*pl));

	pl->th = th;
	pl->site_src = site_src;
	pl->theme_src = theme_src;
	pl->fallback_src = fallback_src;
	pl->display = gz_strdup(display ? display : "theme");
	pl->fallback_display = gz_strdup(fallback_display ? fallback_display : "themes/default");
	pl->site = site;
	return pl;
}

void gz_printlua_free(gz_printlua *pl)
{
	if (!pl)
		return;
	if (pl->s)
		gz_script_free(pl->s);
	free(pl->display);
	free(pl->fallback_display);
	free(pl->fail_msg);
	free(pl);
}

static char *layout_file(const char *name)
{
	gz_buf b = GZ_BUF_INIT;
	gz_buf_printf(&b, "print/%s.lua", name);
	return gz_buf_detach(&b, NULL);
}

static gz_printlua *self(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* ---- arguments ---- */

static bool parse_hex(const char *s, double rgb[3])
{
	unsigned v;
	size_t n = strlen(s), i;

	if (s[0] != '#' || (n != 7 && n != 4))
		return false;
	for (i = 1; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	v = (unsigned)strtoul(s + 1, NULL, 16);
	if (n == 4)
		v = ((v >> 8 & 0xf) * 0x110000) | ((v >> 4 & 0xf) * 0x1100) | ((v & 0xf) * 0x11);
	rgb[0] = (v >> 16 & 0xff) / 255.0;
	rgb[1] = (v >> 8 & 0xff) / 255.0;
	rgb[2] = (v & 0xff) / 255.0;
	return true;
}

/* A colour argument: a grey 0…1, "#rrggbb", or a name under colors: in
 * the print configuration ("accent"). */
static void color_arg(lua_State *L, int idx, const gz_printlua *pl, double rgb[3])
{
	const char *s, *named;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		double g = lua_tonumber(L, idx);
		g = g < 0 ? 0 : g > 1 ? 1 : g;
		rgb[0] = rgb[1] = rgb[2] = g;
		return;
	}
	s = luaL_checkstring(L, idx);
	if (parse_hex(s, rgb))
		return;
	named = gz_value_str(gz_value_get(pl->c->style, "colors"), s);
	if (named && parse_hex(named, rgb))
		return;
	luaL_error(L, _("colour '%s' is not #rrggbb, a grey from 0 to 1 or a name under colors: in "
		      "print.yml"), s);
}

static double opt_number(lua_State *L, int t, const char *key, double def)
{
	double v = def;
	if (lua_getfield(L, t, key) != LUA_TNIL)
		v = luaL_checknumber(L, -1);
	lua_pop(L, 1);
	return v;
}

/* The text style of an options table at idx (may be none). The family is
 * copied into fam, as the Lua string may go once popped. */
static void style_arg(lua_State *L, int idx, gz_printlua *pl, gz_pdf_style *st, char *fam,
		      size_t famn)
{
	const gz_print_canvas *c = pl->c;
	const char *font = "serif", *align = "left";
	bool opts = lua_type(L, idx) == LUA_TTABLE;

	if (!opts && !lua_isnoneornil(L, idx))
		luaL_argerror(L, idx, _("options are a table {font=, size=, align=, color=}"));
	memset(st, 0, sizeof(*st));
	st->size = c->body;
	st->leading = 1.4;
	if (opts) {
		if (lua_getfield(L, idx, "font") != LUA_TNIL)
			font = luaL_checkstring(L, -1);
		snprintf(fam, famn, "%s", !strcmp(font, "serif") ? c->serif
					  : !strcmp(font, "sans") ? c->sans
								  : font);
		lua_pop(L, 1);
		st->size = opt_number(L, idx, "size", c->body);
		st->leading = opt_number(L, idx, "leading", 1.4);
		st->indent = opt_number(L, idx, "indent", 0);
		lua_getfield(L, idx, "bold");
		st->bold = lua_toboolean(L, -1);
		lua_pop(L, 1);
		if (lua_getfield(L, idx, "align") != LUA_TNIL)
			align = luaL_checkstring(L, -1);
		if (!strcmp(align, "left"))
			st->align = GZ_PDF_LEFT;
		else if (!strcmp(align, "center"))
			st->align = GZ_PDF_CENTER;
		else if (!strcmp(align, "right"))
			st->align = GZ_PDF_RIGHT;
		else if (!strcmp(align, "justify"))
			st->align = GZ_PDF_JUSTIFY;
		else
			luaL_error(L, _("align '%s' is not left, center, right or justify"), align);
		lua_pop(L, 1);
		if (lua_getfield(L, idx, "color") != LUA_TNIL) {
			color_arg(L, lua_gettop(L), pl, st->rgb);
			st->colored = true;
		}
		lua_pop(L, 1);
	} else {
		snprintf(fam, famn, "%s", c->serif);
	}
	if (st->size <= 0 || st->size > 500)
		luaL_error(L, _("size %f is not a type size in points (above 0, at most 500)"), st->size);
	if (!gz_pdf_has_font(c->pdf, fam))
		luaL_error(L, _("font '%s' is not installed (fonts-noto-cjk)"), fam);
	st->family = fam;
}

/* Lay out markup; a Lua error (at the caller's line) when pango cannot
 * read it. Nothing C allocated is left behind by the error. */
static gz_pdf_text *layout_arg(lua_State *L, gz_printlua *pl, const char *markup,
			       const gz_pdf_style *st, double w)
{
	char *err = NULL, msg[256];
	gz_pdf_text *t;

	if (w <= 0)
		luaL_error(L, _("text box width %f is not above 0"), w);
	t = gz_pdf_text_new(pl->c->pdf, markup, st, w, &err);
	if (!t) {
		snprintf(msg, sizeof(msg), "%s", err ? err : _("bad markup"));
		free(err);
		luaL_error(L, _("text markup: %s (escape data with esc())"), msg);
	}
	return t;
}

/* A title's layout for gz_text_balance: pango's, at the box's style. It
 * gives -1 rather than raise a Lua error, as the balancer owns memory. */
typedef struct {
	gz_printlua *pl;
	const gz_pdf_style *st;
} lua_layout;

static int lua_lines(const char *markup, double width, double *last, size_t *starts, int max,
		     void *payload)
{
	lua_layout *ll = payload;
	char *err = NULL;
	gz_pdf_text *t = gz_pdf_text_new(ll->pl->c->pdf, markup, ll->st, width, &err);
	int n, i;

	free(err);
	if (!t)
		return -1;
	n = gz_pdf_text_lines(t);
	*last = n ? gz_pdf_text_line_width(t, n - 1) : 0;
	for (i = 0; starts && i < max && i < n; i++)
		starts[i] = gz_pdf_text_line_start(t, i);
	gz_pdf_text_free(t);
	return n;
}

/* markup laid out at w, or with opts.balance its lines balanced as the
 * C headings' are (gz_text_balance): never a character or two alone on
 * the last line of a title. *dx: how far right a centred or right-aligned
 * text narrower than its box moves to keep its place in the box. */
static gz_pdf_text *text_arg(lua_State *L, gz_printlua *pl, int opts, const char *markup,
			     const gz_pdf_style *st, double w, double *dx)
{
	lua_layout ll = {pl, st};
	gz_text_balanced b;
	gz_pdf_text *t, *u;
	char *err = NULL;
	bool balance = false;

	*dx = 0;
	/* read before anything is laid out: a Lua error leaks no text */
	if (lua_type(L, opts) == LUA_TTABLE) {
		lua_getfield(L, opts, "balance");
		balance = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	t = layout_arg(L, pl, markup, st, w);
	if (!balance)
		return t;
	gz_text_balance(&b, markup, w, lua_lines, &ll);
	if (!b.markup && b.width >= w)
		return t;
	u = gz_pdf_text_new(pl->c->pdf, b.markup ? b.markup : markup, st, b.width, &err);
	free(b.markup);
	free(err);
	if (!u)
		return t;
	gz_pdf_text_free(t);
	if (st->align == GZ_PDF_CENTER)
		*dx = (w - b.width) / 2;
	else if (st->align == GZ_PDF_RIGHT)
		*dx = w - b.width;
	return u;
}

/* ---- the drawing API ---- */

/* text(x, y, w, h, markup [, opts]) → height, overflowed */
static int l_text(lua_State *L)
{
	gz_printlua *pl = self(L);
	double x = luaL_checknumber(L, 1), y = luaL_checknumber(L, 2), w = luaL_checknumber(L, 3);
	double h = luaL_optnumber(L, 4, -1), used = 0, dx;
	const char *markup = luaL_checkstring(L, 5);
	gz_pdf_style st;
	gz_pdf_text *t;
	char fam[128];
	int n, k = 0;

	style_arg(L, 6, pl, &st, fam, sizeof(fam));
	t = text_arg(L, pl, 6, markup, &st, w, &dx);
	n = gz_pdf_text_lines(t);
	/* only whole lines that fit the box are drawn */
	while (k < n && (h < 0 || gz_pdf_text_bottom(t, k) <= h + 0.01))
		k++;
	if (k > 0) {
		gz_pdf_text_draw(pl->c->pdf, t, x + dx, y, 0, k);
		used = gz_pdf_text_bottom(t, k - 1);
	}
	gz_pdf_text_free(t);
	lua_pushnumber(L, used);
	lua_pushboolean(L, k < n);
	return 2;
}

/* measure(w, markup [, opts]) → height, lines, width */
static int l_measure(lua_State *L)
{
	gz_printlua *pl = self(L);
	double w = luaL_checknumber(L, 1), height, width, dx;
	const char *markup = luaL_checkstring(L, 2);
	gz_pdf_style st;
	gz_pdf_text *t;
	char fam[128];
	int n;

	style_arg(L, 3, pl, &st, fam, sizeof(fam));
	t = text_arg(L, pl, 3, markup, &st, w, &dx);
	height = gz_pdf_text_height(t);
	width = gz_pdf_text_width(t);
	n = gz_pdf_text_lines(t);
	gz_pdf_text_free(t);
	lua_pushnumber(L, height);
	lua_pushinteger(L, n);
	lua_pushnumber(L, width);
	return 3;
}

/* The field of doc whose value is s, for placing an error there. */
static const gz_value *field_with(const gz_value *doc, const char *s)
{
	size_t i;
	for (i = 0; doc && doc->type == GZ_MAP && i < doc->n; i++)
		if (doc->items[i]->type == GZ_STR && !strcmp(doc->items[i]->str, s))
			return doc->items[i];
	return NULL;
}

/* image(path, x, y, w, h [, fit]) → true, or false if it cannot be read */
static int l_image(lua_State *L)
{
	gz_printlua *pl = self(L);
	const gz_print_canvas *c = pl->c;
	const char *path = luaL_checkstring(L, 1);
	double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3);
	double w = luaL_checknumber(L, 4), h = luaL_checknumber(L, 5);
	const char *fit = luaL_optstring(L, 6, "cover");
	const gz_value *from = field_with(c->doc, path);
	gz_pdf_image *im = NULL;
	bool ok;
	lua_Debug ar;
	char where[256] = "";
	int line = 0;

	if (strcmp(fit, "cover") && strcmp(fit, "contain"))
		return luaL_error(L, _("fit '%s' is not cover or contain"), fit);
	if (!gz_path_is_safe(path))
		return luaL_error(L, _("image '%s' is not a path in the site (no leading /, no ..)"),
				  path);
	if (w <= 0 || h <= 0)
		return luaL_error(L, _("image box %f x %f is empty"), w, h);
	/* an unreadable photo is reported where it was named: the manifest's
	 * field, else the layout's line */
	if (!from && lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
		snprintf(where, sizeof(where), "%s", ar.short_src);
		line = ar.currentline;
	}
	ok = c->image(c->payload, path, w, h, !strcmp(fit, "cover"), from ? c->path : where,
		      from ? from->line : line, from ? from->col : 0, &im);
	if (im)
		gz_pdf_image_draw(c->pdf, im, x, y, w, h, !strcmp(fit, "cover"));
	lua_pushboolean(L, ok);
	return 1;
}

/* rule(x0, y0, x1, y1 [, width [, colour]]) */
static int l_rule(lua_State *L)
{
	gz_printlua *pl = self(L);
	double x0 = luaL_checknumber(L, 1), y0 = luaL_checknumber(L, 2);
	double x1 = luaL_checknumber(L, 3), y1 = luaL_checknumber(L, 4);
	double lw = luaL_optnumber(L, 5, 0.5), rgb[3] = {0.1, 0.1, 0.1};

	if (!lua_isnoneornil(L, 6))
		color_arg(L, 6, pl, rgb);
	gz_pdf_line(pl->c->pdf, x0, y0, x1, y1, lw, rgb[0], rgb[1], rgb[2]);
	return 0;
}

/* rect(x, y, w, h, colour) or rect(x, y, w, h, {fill=, stroke=, width=}) */
static int l_rect(lua_State *L)
{
	gz_printlua *pl = self(L);
	double x = luaL_checknumber(L, 1), y = luaL_checknumber(L, 2);
	double w = luaL_checknumber(L, 3), h = luaL_checknumber(L, 4);
	double fill[3] = {0, 0, 0}, stroke[3] = {0, 0, 0}, lw = 0.5;
	bool has_fill = false, has_stroke = false;

	if (lua_type(L, 5) == LUA_TTABLE) {
		if (lua_getfield(L, 5, "fill") != LUA_TNIL) {
			color_arg(L, lua_gettop(L), pl, fill);
			has_fill = true;
		}
		if (lua_getfield(L, 5, "stroke") != LUA_TNIL) {
			color_arg(L, lua_gettop(L), pl, stroke);
			has_stroke = true;
		}
		lw = opt_number(L, 5, "width", 0.5);
		lua_pop(L, 2);
	} else {
		color_arg(L, 5, pl, fill);
		has_fill = true;
	}
	if (has_fill)
		gz_pdf_rect(pl->c->pdf, x, y, w, h, fill[0], fill[1], fill[2]);
	if (has_stroke)
		gz_pdf_frame(pl->c->pdf, x, y, w, h, lw, stroke[0], stroke[1], stroke[2]);
	return 0;
}

/* qr(text, x, y, size): the code fills a size×size square (leave four
 * modules of white around it) */
static int l_qr(lua_State *L)
{
	gz_printlua *pl = self(L);
	const char *text = luaL_checkstring(L, 1);
	double x = luaL_checknumber(L, 2), y = luaL_checknumber(L, 3), size = luaL_checknumber(L, 4);
	gz_qr q;

	if (size <= 0)
		return luaL_error(L, _("QR code size %f is not above 0"), size);
	if (gz_qr_encode(&q, text) < 0)
		return luaL_error(L, _("'%s' is too long for a QR code"), text);
	gz_pdf_qr(pl->c->pdf, q.dark, q.size, x, y, size);
	gz_qr_release(&q);
	return 0;
}

/* fail(key, message): stop with an error at doc's field key, e.g. a title
 * too long for the cover is the manifest's title line, not the layout's. */
static int l_fail(lua_State *L)
{
	gz_printlua *pl = self(L);
	const char *key = luaL_checkstring(L, 1), *msg = luaL_checkstring(L, 2);
	const gz_value *v = gz_value_get(pl->c->doc, key);

	free(pl->fail_msg);
	pl->fail_msg = gz_strdup(msg);
	pl->fail_line = v ? v->line : 0;
	pl->fail_col = v ? v->col : 0;
	pl->failed = true;
	return luaL_error(L, "%s", msg);
}

/* _(text): text in the reader's language, from gazette's own catalog (a
 * layout's messages are an editor's, as the program's are) */
static int l_gettext(lua_State *L)
{
	lua_pushstring(L, _(luaL_checkstring(L, 1)));
	return 1;
}

/* ---- running layouts ---- */

static void open_state(gz_printlua *pl)
{
	static const luaL_Reg api[] = {
		{"text", l_text}, {"measure", l_measure}, {"image", l_image}, {"rule", l_rule},
		{"rect", l_rect}, {"qr", l_qr}, {"fail", l_fail}, {"_", l_gettext}, {NULL, NULL},
	};
	static const gz_theme none; /* no theme given: the default limits */
	lua_State *L;

	pl->s = gz_script_open_sandbox(pl->th ? pl->th : &none, pl->site);
	L = gz_script_lua(pl->s);
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.env");
	lua_pushlightuserdata(L, pl);
	luaL_setfuncs(L, api, 1);
	lua_pushnumber(L, GZ_PDF_MM);
	lua_setfield(L, -2, "mm");
	/* no HTML templates here */
	lua_pushnil(L);
	lua_setfield(L, -2, "render");
	lua_pushnil(L);
	lua_setfield(L, -2, "partial_html");
	lua_pop(L, 1);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.print");
}

/* Push layout name's function (compiled once). Returns 0, or -1 with the
 * error in d. */
static int push_layout(gz_printlua *pl, const char *name, const char *for_path, gz_diag *d)
{
	lua_State *L = gz_script_lua(pl->s);
	char *file = layout_file(name), *data = NULL, *err = NULL;
	gz_buf path = GZ_BUF_INIT;
	size_t len = 0;
	int line, col, rc = -1;

	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.print");
	if (lua_getfield(L, -1, name) == LUA_TFUNCTION) {
		lua_remove(L, -2);
		free(file);
		return 0;
	}
	lua_pop(L, 2);
	if (pl->site_src && gz_source_read(pl->site_src, file, &data, &len) == 0) {
		gz_buf_puts(&path, file);
	} else if (pl->theme_src && gz_source_read(pl->theme_src, file, &data, &len) == 0) {
		gz_buf_printf(&path, "%s/%s", pl->display, file);
	} else if (pl->fallback_src && gz_source_read(pl->fallback_src, file, &data, &len) == 0) {
		gz_buf_printf(&path, "%s/%s", pl->fallback_display, file);
	} else {
		gz_diag_error(d, for_path, 0, 0,
			      _("no print layout '%s' (looked for %s in the site and in %s)"), name,
			      file, pl->display);
		goto cleanup;
	}
	if (!gz_utf8_valid(data, len, &line, &col)) {
		gz_diag_error(d, path.ptr, line, col, _("invalid UTF-8 in the print layout"));
		goto cleanup;
	}
	{
		gz_buf chunk = GZ_BUF_INIT;
		int st;
		gz_buf_printf(&chunk, "@%s", path.ptr);
		st = luaL_loadbufferx(L, data, len, chunk.ptr, "t");
		gz_buf_release(&chunk);
		if (st != LUA_OK) {
			gz_diag_error_placed(d, path.ptr, "%s", lua_tostring(L, -1));
			lua_pop(L, 1);
			goto cleanup;
		}
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.env");
	lua_setupvalue(L, -2, 1);
	lua_pushvalue(L, -1); /* the chunk: where what it returns is */
	if (gz_script_call(pl->s, 0, 1, path.ptr, d) < 0) {
		lua_pop(L, 1);
		goto cleanup;
	}
	if (!lua_isfunction(L, -1)) {
		char place[256];
		gz_script_return_place(L, -2, place, sizeof(place));
		gz_diag_error_placed(d, path.ptr,
				     _("%sa print layout must return function(doc, page), not a %s"),
				     place, luaL_typename(L, -1));
		lua_pop(L, 2);
		goto cleanup;
	}
	lua_remove(L, -2);
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.print");
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
	rc = 0;
cleanup:
	free(err);
	free(data);
	free(file);
	gz_buf_release(&path);
	return rc;
}

static void set_num(lua_State *L, const char *k, double v)
{
	lua_pushnumber(L, v);
	lua_setfield(L, -2, k);
}

static void push_geometry(lua_State *L, const gz_print_canvas *c)
{
	size_t i;

	lua_createtable(L, 0, 8);
	set_num(L, "width", c->width);
	set_num(L, "height", c->height);
	set_num(L, "bleed", c->bleed);
	set_num(L, "body", c->body);
	lua_pushinteger(L, c->number);
	lua_setfield(L, -2, "number");
	if (c->side) {
		lua_pushstring(L, c->side);
		lua_setfield(L, -2, "side");
	}
	lua_createtable(L, 0, 4);
	set_num(L, "top", c->top);
	set_num(L, "bottom", c->bottom);
	set_num(L, "inner", c->inner);
	set_num(L, "outer", c->outer);
	lua_setfield(L, -2, "margin");
	lua_createtable(L, (int)c->npanels, (int)c->npanels);
	for (i = 0; i < c->npanels; i++) {
		const gz_print_panel *p = &c->panels[i];
		lua_createtable(L, 0, 5);
		set_num(L, "x", p->x);
		set_num(L, "y", p->y);
		set_num(L, "w", p->w);
		set_num(L, "h", p->h);
		lua_pushstring(L, p->name);
		lua_setfield(L, -2, "name");
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, p->name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "panels");
}

bool gz_printlua_touched(const gz_printlua *pl, gz_strlist *out)
{
	const size_t *ids;
	const bool *body;
	size_t n = 0, i;
	bool site = false;

	if (!pl->s)
		return false;
	gz_script_touched(pl->s, &ids, &body, &n, &site);
	for (i = 0; i < n; i++)
		gz_strlist_add(out, pl->site->all[ids[i]]->path);
	return site;
}

/* In a call: the layout (argument 1) drawn on pl->c (argument 2 is pl).
 * Its arguments are made here, where running out of Lua memory is an error
 * like any other. */
static int draw_lua(lua_State *L)
{
	gz_printlua *pl = lua_touserdata(L, 2);
	const gz_print_canvas *c = pl->c;

	lua_settop(L, 1);
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.env");
	gz_script_push_value(L, c->style);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	lua_setfield(L, -2, "style");
	lua_pop(L, 1);
	gz_script_push_value(L, c->doc);
	if (!lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_newtable(L);
	}
	if (c->page) {
		gz_script_push_page(L, c->page);
		lua_setfield(L, -2, "page");
	}
	push_geometry(L, c);
	lua_call(L, 2, 0);
	return 0;
}

int gz_printlua_draw(gz_printlua *pl, const char *name, const gz_print_canvas *c, gz_diag *d)
{
	lua_State *L;
	gz_diag lua; /* the Lua error, to be told apart from fail()'s */
	int top, rc;

	if (!pl->s)
		open_state(pl);
	L = gz_script_lua(pl->s);
	top = lua_gettop(L);
	if (push_layout(pl, name, c->path, d) < 0)
		return -1;
	pl->c = c;
	pl->failed = false;
	lua_pushcfunction(L, draw_lua);
	lua_insert(L, -2);
	lua_pushlightuserdata(L, pl);
	gz_diag_init(&lua);
	rc = gz_script_call(pl->s, 2, 0, c->path, &lua);
	if (rc < 0 && pl->failed) {
		gz_diag_error(d, c->path, pl->fail_line, pl->fail_col, "%s", pl->fail_msg);
	} else if (rc < 0) {
		size_t i;
		for (i = 0; i < lua.n; i++)
			gz_diag_error(d, lua.items[i].path, lua.items[i].line, lua.items[i].col,
				      _("%s (while printing %s)"), lua.items[i].msg, c->path);
	}
	gz_diag_release(&lua);
	pl->c = NULL;
	lua_settop(L, top);
	return rc;
}
