#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "lua/hooks.h"
#include "lua/internal.h"
#include "lua/pattern.h"

static void hook(lua_State *L, lua_Debug *ar);

/* "file:line: " for a message: the whole path of the chunk, not Lua's
 * short_src, which cuts long ones. */
void script_place_of(char *buf, size_t size, const lua_Debug *ar, int line)
{
	const char *src = ar->source[0] == '@' ? ar->source + 1 : ar->short_src;

	snprintf(buf, size, "%s:%d: ", src, line);
}

/* The place of the innermost Lua function on the stack from level up, or
 * "". Only reads the stack, so it may run where nothing can allocate. */
void script_stack_place(lua_State *L, int level, char *buf, size_t size)
{
	lua_Debug ar;

	buf[0] = '\0';
	for (; level < 200 && lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
			script_place_of(buf, size, &ar, ar.currentline);
			return;
		}
	}
}

/* 200000000 → "2 hundred million steps" (in Chinese "2 亿步": the units
 * a reader counts in) */
static void steps_text(char *buf, size_t size, long n)
{
	if (n >= 100000000 && n % 100000000 == 0)
		snprintf(buf, size, _("%ld hundred million steps"), n / 100000000);
	else if (n >= 10000 && n % 10000 == 0)
		snprintf(buf, size, _("%ld ten thousand steps"), n / 10000);
	else
		snprintf(buf, size, _("%ld steps"), n);
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
				 P_("%sran more than %d second, stopped (site.yml hooks: seconds)",
				    "%sran more than %d seconds, stopped (site.yml hooks: seconds)",
				    (unsigned long)s->seconds),
				 place, s->seconds);
		} else {
			steps_text(n, sizeof(n), s->steps);
			snprintf(s->stop, sizeof(s->stop), _("%sran more than %s, stopped (an endless loop?)"),
				 place, n);
		}
		s->stopped = true;
		gz_theme_mark_ran_away(s->theme);
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
			script_place_of(s->where, sizeof(s->where), ar, ar->currentline);
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

size_t script_place_len(const char *msg)
{
	size_t n = gz_diag_place(msg, NULL);
	const char *p;

	if (!n)
		return 0;
	p = msg + n + 1;
	while (*p >= '0' && *p <= '9')
		p++;
	return (size_t)(p + 2 - msg);
}

char *script_words(const char *err)
{
	static const char *const id = N_("the Lua code failed (%s)");
	size_t n = script_place_len(err);
	gz_buf b = GZ_BUF_INIT;
	const char *p;

	/* English shows Lua's words as they are; a translation says what
	 * failed and puts them in parentheses. gazette's own messages, which
	 * are translated already, are not ASCII in a translation. */
	for (p = err + n; *p && !(*p & 0x80); p++)
		;
	if (*p || _(id) == id)
		return gz_strdup(err);
	gz_buf_printf(&b, "%.*s", (int)n, err);
	gz_buf_printf(&b, _("the Lua code failed (%s)"), err + n);
	return gz_buf_detach(&b, NULL);
}

/* Work that C does for Lua (string patterns, table.move …), counted in
 * Lua steps; raises the stop when the call is over a limit. */
void gz_script_charge(lua_State *L, long steps)
{
	gz_script *s = script_of(L);
	char place[256];

	if (!s->stopped) {
		s->budget -= steps;
		if (!past_deadline(s) && s->budget >= 0)
			return;
		script_stack_place(L, 0, place, sizeof(place));
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
void script_charge_range(lua_State *L, lua_Integer a, lua_Integer b)
{
	lua_Unsigned n;

	if (b < a)
		return;
	n = (lua_Unsigned)b - (lua_Unsigned)a;
	gz_script_charge(L, n >= (lua_Unsigned)LONG_MAX ? LONG_MAX : (long)n + 1);
}

/* Raise msg at place, or, if place is NULL, where the Lua code that called
 * the running C function is */
int script_error_at(lua_State *L, const char *place, const char *msg)
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
void script_hand_at(lua_State *L, gz_script *s, size_t bytes, const char *place)
{
	char msg[160];

	s->handed += bytes;
	if (s->handed <= s->handed_limit)
		return;
	snprintf(msg, sizeof(msg),
		 _("handed gazette more than %d MB of data, stopped (site.yml hooks: data_mb)"),
		 (int)(s->handed_limit >> 20));
	script_error_at(L, place, msg);
}

void gz_script_hand(lua_State *L, size_t bytes)
{
	script_hand_at(L, script_of(L), bytes, NULL);
}

/* "file:line: " of the Lua function at idx (the line it starts on), or "" */
void script_function_place(lua_State *L, int idx, char *buf, size_t size)
{
	lua_Debug ar;

	buf[0] = '\0';
	lua_pushvalue(L, idx);
	if (lua_getinfo(L, ">S", &ar) && ar.what[0] != 'C')
		script_place_of(buf, size, &ar, ar.linedefined);
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
	script_stack_place(L, 1, place, sizeof(place));
	if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
		msg = lua_tostring(L, 1);
	} else if (luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, _("error object is a %s value whose __tostring failed"),
					      luaL_typename(L, 1));
		if (s->stopped) {
			lua_pushstring(L, s->stop);
			return 1;
		}
	} else {
		msg = lua_pushfstring(L, _("error object is a %s value, not a message"),
				      luaL_typename(L, 1));
	}
	/* error(msg, 0): Lua puts no place before a string only then (a
	 * number or a table it never places, so those are not told) */
	s->told = !gz_diag_place(msg, NULL) && lua_type(L, 1) == LUA_TSTRING;
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
			script_place_of(place, sizeof(place), &ar, ar.linedefined > 0 ? ar.linedefined : 1);
		else
			snprintf(place, sizeof(place), "%s", s->last_where);
	}
	if (status == LUA_ERRMEM)
		gz_buf_printf(&b, _("%sLua used more than %d MB of memory, stopped (site.yml hooks: "
				    "memory_mb)"),
			      place, (int)(s->mem_limit >> 20));
	else
		gz_buf_printf(&b, "%s%s", place, msg ? msg : _("error object is not a message"));
	return gz_buf_detach(&b, NULL);
}

/* Every call from C into Lua: the function under nargs arguments, with
 * fresh limits and the message handler. Returns 0 with nresults on the
 * stack, or -1 with the stack back below the function and *err set (the
 * caller frees). */
int script_call_lua(gz_script *s, int nargs, int nresults, char **err)
{
	lua_State *L = s->L;
	int fn = lua_gettop(L) - nargs, st;

	/* below the function: a copy of it (for error_text) and the handler */
	lua_pushvalue(L, fn);
	lua_getfield(L, LUA_REGISTRYINDEX, "gazette.onerror");
	lua_rotate(L, fn, 2);
	limits_start(s);
	s->told = false;
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
	script_place_of(buf, size, &ar, (int)last);
}

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
	script_stack_place(s->L, 0, place, sizeof(place));
	if (place[0]) {
		memcpy(s->where, place, sizeof(place));
		memcpy(s->last_where, place, sizeof(place));
	}
}

/*
 * A render makes and drops hundreds of thousands of small strings and
 * tables; Lua tells the allocator each block's size when it frees it, so
 * blocks of up to SMALL_MAX bytes can come from free lists by size, which
 * need no lock (a state runs on one thread at a time) and no header, and
 * cost a fraction of malloc and free. Chunks go back when the state
 * closes. Under AddressSanitizer every block is malloc's, so that its
 * checks see them.
 */
#define CHUNK (64 << 10)

static void *small_alloc(script_blocks *b, size_t n)
{
	size_t k = (n - 1) / SMALL_STEP, size = (k + 1) * SMALL_STEP;
	void *p = b->free[k];
	char *c;

	if (p) {
		memcpy(&b->free[k], p, sizeof(void *));
		return p;
	}
	if ((size_t)(b->end - b->next) < size) {
		c = malloc(CHUNK);
		if (!c)
			return NULL;
		memcpy(c, &b->chunks, sizeof(void *));
		b->chunks = c;
		/* the link's word, then blocks aligned as malloc's are */
		b->next = c + SMALL_STEP;
		b->end = c + CHUNK;
	}
	p = b->next;
	b->next += size;
	return p;
}

static void small_free(script_blocks *b, void *p, size_t n)
{
	size_t k = (n - 1) / SMALL_STEP;

	memcpy(p, &b->free[k], sizeof(void *));
	b->free[k] = p;
}

void script_sandbox_release(gz_script *s)
{
	void *c = s->blocks.chunks, *next;

	while (c) {
		memcpy(&next, c, sizeof(void *));
		free(c);
		c = next;
	}
	memset(&s->blocks, 0, sizeof(s->blocks));
}

/* ptr (old bytes) made nsize bytes long, from the free lists or malloc */
static void *move_block(script_blocks *b, void *ptr, size_t old, size_t nsize)
{
	bool was = b->on && ptr && old <= SMALL_MAX, small = b->on && nsize <= SMALL_MAX;
	void *p;

	if (!was && !small)
		return realloc(ptr, nsize);
	if (was && small && (old - 1) / SMALL_STEP == (nsize - 1) / SMALL_STEP)
		return ptr;
	p = small ? small_alloc(b, nsize) : malloc(nsize);
	if (!p || !ptr)
		return p;
	memcpy(p, ptr, old < nsize ? old : nsize);
	if (was)
		small_free(b, ptr, old);
	else
		free(ptr);
	return p;
}

/* Lua's allocations, counted against the state's limit. */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	gz_script *s = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		if (ptr && s->blocks.on && old <= SMALL_MAX)
			small_free(&s->blocks, ptr, old);
		else
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
	p = move_block(&s->blocks, ptr, old, nsize);
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
		script_stack_place(L, 1, place, sizeof(place));
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

static bool allowed(const gz_theme *th, const char *lib)
{
	size_t i;

	for (i = 0; i < th->nallow; i++)
		if (!strcmp(th->allow[i], lib))
			return true;
	return false;
}

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
			return luaL_error(L, "%s",
					  _("__gc is not allowed in hooks and layouts (Lua runs "
					    "finalizers outside the time limit)"));
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
	script_charge_range(L, luaL_checkinteger(L, 2), luaL_checkinteger(L, 3));
	return call_original(L);
}

static int safe_insert(lua_State *L)
{
	if (lua_gettop(L) == 3 && lua_type(L, 1) == LUA_TTABLE)
		script_charge_range(L, luaL_checkinteger(L, 2), luaL_len(L, 1));
	return call_original(L);
}

static int safe_remove(lua_State *L)
{
	if (!lua_isnoneornil(L, 2) && lua_type(L, 1) == LUA_TTABLE)
		script_charge_range(L, luaL_checkinteger(L, 2), luaL_len(L, 1));
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
	gz_pattern_open(L, -1, gz_script_charge);
	lua_pop(L, 1);
}

/* A Lua state whose allocations count against s's memory limit, with the
 * standard libraries in their sandbox versions and the message handler
 * of every call (registry "gazette.onerror"). */
lua_State *script_sandbox_new(gz_script *s)
{
	lua_State *L;

	s->blocks.on = !gz_under_sanitizer();
	L = lua_newstate(limited_alloc, s);

	if (!L) {
		fprintf(stderr, _("gazette: cannot start Lua\n"));
		abort();
	}
	s->L = L;
	/* script_of runs for most fields a template reads: the state's own
	 * bytes (which its coroutines copy) find s without a string lookup */
	*(gz_script **)lua_getextraspace(L) = s;
	luaL_openlibs(L);
	harden_libraries(L);
	lua_pushlightuserdata(L, s);
	lua_pushcclosure(L, on_error, 1);
	lua_setfield(L, LUA_REGISTRYINDEX, "gazette.onerror");
	return L;
}

int script_sandbox_env(lua_State *L, const gz_theme *th)
{
	static const char *const grantable[] = {"io", "os", "require", "debug", "package", NULL};
	size_t i;
	int env;

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
	return env;
}

void script_watch(gz_script *s)
{
	lua_sethook(s->L, hook, LUA_MASKCOUNT, HOOK_EVERY);
}
