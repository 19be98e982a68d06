#include "lua/pattern.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdbool.h>
#include <string.h>

/* Lua's own limits: LUA_MAXCAPTURES, and the matcher's recursion (MAXCCALLS
 * in lstrlib.c), so that the same patterns fail with the same errors.
 * luaL_error does not return; the returns after it are for the analyzer. */
#define MAX_CAPTURES 32
#define MAX_DEPTH 200
/* steps go to the callback in batches: it may read the clock */
#define BATCH 4096

enum { CAP_OPEN = -1, CAP_POSITION = -2 };

typedef struct {
	gz_pattern_charge fn;
} charger;

typedef struct {
	lua_State *L;
	gz_pattern_charge charge;
	const char *s0, *s1; /* the subject */
	const char *p1;      /* the end of the pattern */
	long steps;          /* taken and not yet charged */
	int depth;           /* recursion left */
	int level;           /* captures open or closed so far */
	struct {
		const char *at;
		ptrdiff_t len; /* or CAP_OPEN, CAP_POSITION */
	} cap[MAX_CAPTURES];
} matcher;

static void init_matcher(matcher *m, lua_State *L, gz_pattern_charge charge, const char *s,
			 size_t ls, const char *p, size_t lp)
{
	m->L = L;
	m->charge = charge;
	m->s0 = s;
	m->s1 = s + ls;
	m->p1 = p + lp;
	m->steps = 0;
	m->level = 0;
	m->depth = MAX_DEPTH;
}

static void restart(matcher *m)
{
	m->level = 0;
	m->depth = MAX_DEPTH;
}

static void flush(matcher *m)
{
	long n = m->steps;

	m->steps = 0;
	if (n)
		m->charge(m->L, n);
}

static void step(matcher *m, long n)
{
	m->steps += n;
	if (m->steps >= BATCH)
		flush(m);
}

static charger *charger_up(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

/* ---- the matcher ---- */

static const char *match(matcher *m, const char *s, const char *p);

/* Whether c is in class cl (%a, %d …); an upper-case class is the
 * complement, and any other character stands for itself. */
static bool class_has(int c, int cl)
{
	bool r;

	switch (tolower(cl)) {
	case 'a': r = isalpha(c); break;
	case 'c': r = iscntrl(c); break;
	case 'd': r = isdigit(c); break;
	case 'g': r = isgraph(c); break;
	case 'l': r = islower(c); break;
	case 'p': r = ispunct(c); break;
	case 's': r = isspace(c); break;
	case 'u': r = isupper(c); break;
	case 'w': r = isalnum(c); break;
	case 'x': r = isxdigit(c); break;
	case 'z': r = c == 0; break; /* deprecated, but Lua 5.4 has it */
	default: return cl == c;
	}
	return isupper(cl) ? !r : r;
}

/* [set] from p (the '[') to close (its ']') */
static bool set_has(int c, const char *p, const char *close)
{
	bool in = true;

	if (p[1] == '^') {
		in = false;
		p++;
	}
	while (++p < close) {
		if (*p == '%') {
			p++;
			if (class_has(c, (unsigned char)*p))
				return in;
		} else if (p[1] == '-' && p + 2 < close) {
			p += 2;
			if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p)
				return in;
		} else if ((unsigned char)*p == c) {
			return in;
		}
	}
	return !in;
}

/* Where the single-character class at p ends: "x", "%x" or "[set]". */
static const char *class_end(matcher *m, const char *p)
{
	char c = *p++;

	if (c == '%') {
		if (p >= m->p1)
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (c == '[') {
		if (p < m->p1 && *p == '^')
			p++;
		/* the first member may be ']' itself; "%]" is a member too */
		do {
			if (p >= m->p1)
				luaL_error(m->L, "malformed pattern (missing ']')");
			c = *p++;
			if (c == '%' && p < m->p1)
				p++;
		} while (p >= m->p1 || *p != ']');
		return p + 1;
	}
	return p;
}

/* Whether the byte at s is in the class [p, ep) (never past the end). */
static bool single(const matcher *m, const char *s, const char *p, const char *ep)
{
	int c;

	if (s >= m->s1)
		return false;
	c = (unsigned char)*s;
	switch (*p) {
	case '.': return true;
	case '%': return class_has(c, (unsigned char)p[1]);
	case '[': return set_has(c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

/* %bxy at p (just after "%b") */
static const char *balance(matcher *m, const char *s, const char *p)
{
	int depth = 1;

	if (p + 1 >= m->p1)
		luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= m->s1 || *s != *p)
		return NULL;
	while (++s < m->s1) {
		step(m, 1);
		if (*s == p[1]) {
			if (--depth == 0)
				return s + 1;
		} else if (*s == p[0]) {
			depth++;
		}
	}
	return NULL;
}

/* x* and x+: as many as there are, then give back one at a time */
static const char *max_expand(matcher *m, const char *s, const char *p, const char *ep)
{
	ptrdiff_t i = 0;

	while (single(m, s + i, p, ep)) {
		step(m, 1);
		i++;
	}
	for (; i >= 0; i--) {
		const char *r = match(m, s + i, ep + 1);
		if (r)
			return r;
	}
	return NULL;
}

/* x-: as few as will do */
static const char *min_expand(matcher *m, const char *s, const char *p, const char *ep)
{
	for (;;) {
		const char *r = match(m, s, ep + 1);
		if (r)
			return r;
		if (!single(m, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *open_capture(matcher *m, const char *s, const char *p, ptrdiff_t what)
{
	const char *r;

	if (m->level >= MAX_CAPTURES) {
		luaL_error(m->L, "too many captures");
		return NULL;
	}
	m->cap[m->level].at = s;
	m->cap[m->level].len = what;
	m->level++;
	r = match(m, s, p);
	if (!r)
		m->level--;
	return r;
}

static const char *close_capture(matcher *m, const char *s, const char *p)
{
	const char *r;
	int l = m->level - 1;

	while (l >= 0 && m->cap[l].len != CAP_OPEN)
		l--;
	if (l < 0) {
		luaL_error(m->L, "invalid pattern capture");
		return NULL;
	}
	m->cap[l].len = s - m->cap[l].at;
	r = match(m, s, p);
	if (!r)
		m->cap[l].len = CAP_OPEN;
	return r;
}

/* %1 … %9 in a pattern: the text of that capture again */
static const char *back_reference(matcher *m, const char *s, int digit)
{
	int i = digit - '1';
	size_t len;

	if (i < 0 || i >= m->level || m->cap[i].len == CAP_OPEN) {
		luaL_error(m->L, "invalid capture index %%%d", i + 1);
		return NULL;
	}
	/* a position capture has no text: it matches nothing */
	if (m->cap[i].len == CAP_POSITION)
		return NULL;
	len = (size_t)m->cap[i].len;
	/* the comparison is work too: a step for every 64 bytes */
	step(m, 1 + (long)(len >> 6));
	if ((size_t)(m->s1 - s) >= len && memcmp(m->cap[i].at, s, len) == 0)
		return s + len;
	return NULL;
}

static const char *match(matcher *m, const char *s, const char *p)
{
	const char *ep;

	if (m->depth-- == 0)
		luaL_error(m->L, "pattern too complex");
	step(m, 1);
	while (p < m->p1) {
		switch (*p) {
		case '(':
			if (p + 1 < m->p1 && p[1] == ')')
				s = open_capture(m, s, p + 2, CAP_POSITION);
			else
				s = open_capture(m, s, p + 1, CAP_OPEN);
			goto done;
		case ')':
			s = close_capture(m, s, p + 1);
			goto done;
		case '$':
			if (p + 1 == m->p1) {
				if (s != m->s1)
					s = NULL;
				goto done;
			}
			break;
		case '%':
			if (p + 1 >= m->p1)
				break;
			if (p[1] == 'b') {
				s = balance(m, s, p + 2);
				if (!s)
					goto done;
				p += 4;
				continue;
			}
			if (p[1] == 'f') {
				int before, here;
				p += 2;
				if (p >= m->p1 || *p != '[')
					luaL_error(m->L, "missing '[' after '%%f' in pattern");
				ep = class_end(m, p);
				before = s == m->s0 ? 0 : (unsigned char)s[-1];
				here = s < m->s1 ? (unsigned char)*s : 0;
				if (set_has(before, p, ep - 1) || !set_has(here, p, ep - 1)) {
					s = NULL;
					goto done;
				}
				p = ep;
				continue;
			}
			if (isdigit((unsigned char)p[1])) {
				s = back_reference(m, s, (unsigned char)p[1]);
				if (!s)
					goto done;
				p += 2;
				continue;
			}
			break;
		default:
			break;
		}
		/* a single-character class, perhaps with a quantifier after it */
		ep = class_end(m, p);
		if (!single(m, s, p, ep)) {
			if (ep < m->p1 && (*ep == '*' || *ep == '?' || *ep == '-')) {
				p = ep + 1; /* none of it is fine */
				continue;
			}
			s = NULL;
			goto done;
		}
		switch (ep < m->p1 ? *ep : '\0') {
		case '?': {
			const char *r = match(m, s + 1, ep + 1);
			if (r) {
				s = r;
				goto done;
			}
			p = ep + 1;
			continue;
		}
		case '+':
			s = max_expand(m, s + 1, p, ep);
			goto done;
		case '*':
			s = max_expand(m, s, p, ep);
			goto done;
		case '-':
			s = min_expand(m, s, p, ep);
			goto done;
		default:
			s++;
			p = ep;
			continue;
		}
	}
done:
	m->depth++;
	return s;
}

/* ---- captures ---- */

/* Capture i of the match [s, e) (the whole match when the pattern has no
 * captures): its text in *at, and its length or CAP_POSITION. */
static ptrdiff_t capture(const matcher *m, int i, const char *s, const char *e, const char **at)
{
	*at = s;
	if (i >= m->level) {
		if (i != 0) {
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
			return 0;
		}
		return e - s;
	}
	if (m->cap[i].len == CAP_OPEN) {
		luaL_error(m->L, "unfinished capture");
		return 0;
	}
	*at = m->cap[i].at;
	return m->cap[i].len;
}

static void push_capture(const matcher *m, int i, const char *s, const char *e)
{
	const char *at;
	ptrdiff_t len = capture(m, i, s, e, &at);

	if (len == CAP_POSITION)
		lua_pushinteger(m->L, (lua_Integer)(at - m->s0) + 1);
	else
		lua_pushlstring(m->L, at, (size_t)len);
}

/* Push every capture; the whole match [s, e) if there are none and s is
 * given (find pushes the positions itself). */
static int push_captures(const matcher *m, const char *s, const char *e)
{
	int i, n = m->level == 0 && s ? 1 : m->level;

	luaL_checkstack(m->L, n, "too many captures");
	for (i = 0; i < n; i++)
		push_capture(m, i, s, e);
	return n;
}

/* ---- find, match, gmatch, gsub ---- */

/* A start position as Lua takes it: negative from the end, 0 is 1. */
static size_t start_at(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 1;
	return (size_t)((lua_Integer)len + pos + 1);
}

static bool has_specials(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] && strchr("^$*+?.([%-", p[i]))
			return true;
	return false;
}

static int find_or_match(lua_State *L, bool find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
	gz_pattern_charge charge = charger_up(L)->fn;
	const char *from;
	bool anchor;
	matcher m;

	if (init > ls) {
		luaL_pushfail(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
		const char *at = memmem(s + init, ls - init, p, lp);
		/* linear, but a long subject is still work: a step per 64 bytes */
		charge(L, 1 + (long)((ls - init) >> 6));
		if (!at) {
			luaL_pushfail(L);
			return 1;
		}
		lua_pushinteger(L, (lua_Integer)(at - s) + 1);
		lua_pushinteger(L, (lua_Integer)(at - s) + (lua_Integer)lp);
		return 2;
	}
	anchor = lp > 0 && *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	init_matcher(&m, L, charge, s, ls, p, lp);
	from = s + init;
	do {
		const char *e;
		restart(&m);
		if ((e = match(&m, from, p)) != NULL) {
			flush(&m);
			if (!find)
				return push_captures(&m, from, e);
			lua_pushinteger(L, (lua_Integer)(from - s) + 1);
			lua_pushinteger(L, (lua_Integer)(e - s));
			return push_captures(&m, NULL, NULL) + 2;
		}
	} while (from++ < m.s1 && !anchor);
	flush(&m);
	luaL_pushfail(L);
	return 1;
}

static int str_find(lua_State *L)
{
	return find_or_match(L, true);
}

static int str_match(lua_State *L)
{
	return find_or_match(L, false);
}

typedef struct {
	matcher m;
	const char *p;    /* the pattern */
	const char *at;   /* where the next search starts */
	const char *last; /* the end of the last match: no empty match there */
} gmatch_state;

/* upvalues: the subject and the pattern (kept alive), the state */
static int gmatch_next(lua_State *L)
{
	gmatch_state *g = lua_touserdata(L, lua_upvalueindex(3));
	const char *from;

	g->m.L = L;
	for (from = g->at; from <= g->m.s1; from++) {
		const char *e;
		restart(&g->m);
		if ((e = match(&g->m, from, g->p)) != NULL && e != g->last) {
			g->at = g->last = e;
			flush(&g->m);
			return push_captures(&g->m, from, e);
		}
	}
	g->at = from;
	flush(&g->m);
	return 0;
}

static int str_gmatch(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_at(luaL_optinteger(L, 3, 1), ls) - 1;
	gz_pattern_charge charge = charger_up(L)->fn;
	gmatch_state *g;

	lua_settop(L, 2);
	g = lua_newuserdatauv(L, sizeof(*g), 0);
	if (init > ls)
		init = ls + 1; /* past the end: nothing to find */
	init_matcher(&g->m, L, charge, s, ls, p, lp);
	g->p = p;
	g->at = s + init;
	g->last = NULL;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* A replacement string: %0 is the match, %1 … %9 the captures, %% a %. */
static void add_template(matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
	lua_State *L = m->L;
	size_t l;
	const char *r = lua_tolstring(L, 3, &l), *q;

	while ((q = memchr(r, '%', l)) != NULL) {
		luaL_addlstring(b, r, (size_t)(q - r));
		q++;
		if (*q == '%') {
			luaL_addchar(b, '%');
		} else if (*q == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (isdigit((unsigned char)*q)) {
			const char *at;
			ptrdiff_t len = capture(m, *q - '1', s, e, &at);
			if (len == CAP_POSITION) {
				lua_pushinteger(L, (lua_Integer)(at - m->s0) + 1);
				luaL_addvalue(b);
			} else {
				luaL_addlstring(b, at, (size_t)len);
			}
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string", '%');
		}
		l -= (size_t)(q + 1 - r);
		r = q + 1;
	}
	luaL_addlstring(b, r, l);
}

/* Add what replaces the match [s, e); false if it is kept as it was. */
static bool add_value(matcher *m, luaL_Buffer *b, const char *s, const char *e, int tr)
{
	lua_State *L = m->L;

	switch (tr) {
	case LUA_TFUNCTION: {
		int n;
		lua_pushvalue(L, 3);
		n = push_captures(m, s, e);
		lua_call(L, n, 1);
		break;
	}
	case LUA_TTABLE:
		push_capture(m, 0, s, e);
		lua_gettable(L, 3);
		break;
	default:
		add_template(m, b, s, e);
		return true;
	}
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return false;
	}
	if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return true;
}

static int str_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *last = NULL;
	int tr = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
	bool anchor = lp > 0 && *p == '^', changed = false;
	matcher m;
	luaL_Buffer b;

	luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
				    tr == LUA_TTABLE,
			 3, "string/function/table");
	luaL_buffinit(L, &b);
	if (anchor) {
		p++;
		lp--;
	}
	init_matcher(&m, L, charger_up(L)->fn, src, ls, p, lp);
	while (n < max) {
		const char *e;
		restart(&m);
		if ((e = match(&m, src, p)) != NULL && e != last) {
			n++;
			changed = add_value(&m, &b, src, e, tr) || changed;
			src = last = e;
		} else if (src < m.s1) {
			luaL_addlstring(&b, src++, 1);
		} else {
			break;
		}
		if (anchor)
			break;
	}
	flush(&m);
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, src, (size_t)(m.s1 - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

void gz_pattern_open(lua_State *L, int idx, gz_pattern_charge charge)
{
	static const luaL_Reg fns[] = {
		{"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch},
		{"gsub", str_gsub}, {NULL, NULL},
	};
	charger *c;

	lua_pushvalue(L, idx);
	c = lua_newuserdatauv(L, sizeof(*c), 0);
	c->fn = charge;
	luaL_setfuncs(L, fns, 1);
	lua_pop(L, 1);
}
