/*
 * internal.h: what the files of the Lua bridge share, and nothing outside
 * lua/ includes.
 *
 * One gz_script is one lua_State and what gazette keeps beside it: the
 * running call's limits (sandbox.c), where templates write (layout.c),
 * what a render read (view.c), the page a filter is on (filters.c). The
 * state finds it in its extra space (lua_getextraspace), or as a C
 * closure's upvalue. Functions here that take a lua_State may raise Lua errors
 * unless they say otherwise; they run inside script_call_lua.
 */
#ifndef GZ_LUA_INTERNAL_H
#define GZ_LUA_INTERNAL_H

#include <lua.h>
#include <signal.h>

#include "lua/script.h"

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

/* The metatables of page and list userdata */
#define PAGE_MT "gazette.page"
#define LIST_MT "gazette.list"

/* Lua's blocks of up to SMALL_MAX bytes come from the state's own free
 * lists (sandbox.c), in steps of SMALL_STEP bytes. */
#define SMALL_MAX 256
#define SMALL_STEP 16

typedef struct {
	void *free[SMALL_MAX / SMALL_STEP]; /* [k]: free blocks of (k + 1) steps */
	char *next, *end;                   /* what is left of the newest chunk */
	void *chunks;                       /* every chunk, each linked by its first word */
	bool on;                            /* else malloc's (AddressSanitizer's) */
} script_blocks;

struct gz_script {
	lua_State *L;
	const gz_theme *theme;
	const gz_site *site;
	/* the running call's limits (script_call_lua); a call over one is stopped:
	 * every Lua step raises stop again until the call is back in C */
	long budget;               /* Lua steps left */
	double deadline;           /* gz_now_ms() past which it is stopped */
	volatile sig_atomic_t late; /* the deadline timer fired */
	bool stopped;
	char stop[320];            /* "file:line: 运行超过 10 秒，已停止…" */
	size_t handed;             /* bytes Lua handed to C in the call */
	int calls;                 /* script_call_lua's nesting on this state */
	gz_script *outer;          /* the call this thread was in before */
	long steps;                /* the limits themselves */
	int seconds;
	size_t handed_limit, page_limit;
	/* Output goes straight into C buffers, not Lua strings: cap[depth] is
	 * where the running template writes; a partial writes one level up. */
	gz_buf cap[MAX_CAPTURE];
	int depth;
	int nest;                  /* partials written in place (_w) inside */
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
	script_blocks blocks;
	char where[256];           /* "file:line: " last seen by the step hook, for
				    * "not enough memory", which Lua gives no place */
	char last_where[256];      /* the same, not reset between calls: where Lua
				    * code of an earlier call ran, the last resort */
	bool told;                 /* the call's error was a message raised with no
				    * place (error(msg, 0)): the handler placed it */
	gz_site *msite;            /* during on_load: the site hooks may change */
	const gz_config *cfg;      /* the site's settings (base URL …) */
	bool has_filters, has_document, has_shortcodes;
	const char *md_path;       /* the page being filtered */
	gz_value **cur_fm;         /* its front matter, which document() may replace */
	gz_value *new_fm;          /* what replaces it */
	gz_md_hooks md_hooks;
	gz_md_sc *cur_sc;          /* the shortcode being expanded, for ctx.image */
};

/* script.c: the state's gz_script; the on_page hooks over page before it
 * is rendered (0, or -1 with *err "… (while rendering path)") */
gz_script *script_of(lua_State *L);
int script_on_page(gz_script *s, const gz_page *page, char **err);
/* A layout's or hook's file t as a chunk whose environment is env: load
 * pushes it; run also calls it, leaving it and what it returns (one
 * value). Both return 0, or -1 with the error in d at t's path and
 * nothing pushed. */
int script_load_file(gz_script *s, const gz_template *t, int env, gz_diag *d);
int script_run_file(gz_script *s, const gz_template *t, int env, gz_diag *d);

/* sandbox.c: a state for s (s->L) with the sandboxed libraries; the
 * sandbox environment pushed, with the safe globals and those th grants
 * (returns its index); the count hook armed for calls */
lua_State *script_sandbox_new(gz_script *s);
/* Free the blocks of s's closed state. */
void script_sandbox_release(gz_script *s);
int script_sandbox_env(lua_State *L, const gz_theme *th);
void script_watch(gz_script *s);
/* Every call from C into Lua: the function under nargs arguments, with
 * fresh limits and the message handler. Returns 0 with nresults on the
 * stack, or -1 with the stack back below the function and *err
 * "file:line: message" (the caller frees). */
int script_call_lua(gz_script *s, int nargs, int nresults, char **err);
/* "file:line: " into buf: of a function's debug record at line; of the
 * innermost Lua function on the stack from level up, or "" (reads the
 * stack only: raises nothing); of the Lua function at idx (the line it
 * starts on), or "" */
void script_place_of(char *buf, size_t size, const lua_Debug *ar, int line);
void script_stack_place(lua_State *L, int level, char *buf, size_t size);
void script_function_place(lua_State *L, int idx, char *buf, size_t size);
/* Raise msg at place, or, if place is NULL, where the Lua code that called
 * the running C function is */
int script_error_at(lua_State *L, const char *place, const char *msg);
/* Count bytes that Lua hands to C, past the limit an error at place (see
 * script_error_at); and steps for a C loop over the integers a to b */
void script_hand_at(lua_State *L, gz_script *s, size_t bytes, const char *place);
void script_charge_range(lua_State *L, lua_Integer a, lua_Integer b);

/* The length of msg's place, "file:line: " (0 if it has none); err
 * ("file:line: message") with the message as a reader sees it: Lua's own
 * English words wrapped in a sentence of the reader's language (a new
 * string) */
size_t script_place_len(const char *msg);
char *script_words(const char *err);

/* view.c: the page and list metatables; env.site for s->site; the table
 * of the page userdata at idx (fields a hook set, fields built once); the
 * context a list page's template gets */
void script_view_open(lua_State *L, gz_script *s);
void script_view_site(lua_State *L, gz_script *s, int env);
void script_push_page_table(lua_State *L, int idx);
/* first_term(page, key): the page's first term of taxonomy key, or nil */
int script_first_term(lua_State *L);
void script_push_list_ctx(lua_State *L, const gz_site *site, const gz_list *l);

/* value.c: the Lua value at idx as a YAML value tree (caller frees),
 * counted against the call's data */
gz_value *script_value_take(lua_State *L, int idx);

/* helpers.c: esc, cn_date, url … in env; env.gz (gz.utf8, gz.set,
 * gz.add_page, gz.node …) */
void script_helpers_open(lua_State *L, int env);
void script_gz_open(lua_State *L, int env);

/* layout.c: render and partial_html in env; every layout of s->theme
 * compiled into a registry table (0, or -1 with errors
 * in d) */
void script_layout_open(lua_State *L, gz_script *s, int env);
int script_load_templates(gz_script *s, int env, gz_diag *d);

/* filters.c: msg, with the page it was on and its line there (0: not
 * known; msg is freed) */
char *script_on_page_of(char *msg, const char *path, int line);

#endif
