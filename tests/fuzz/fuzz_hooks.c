/* libFuzzer target: the sandboxed Lua API. The input picks, byte by byte, a
 * hook program from a small grammar (filters, a document filter, a
 * shortcode, on_load, on_page, on_output; statements that loop, recurse,
 * catch errors, build nodes, match patterns, set fields and add pages),
 * which runs in the sandbox over a small story and a one-page site, with
 * low limits so that each input takes milliseconds. Besides what ASan and
 * UBSan find, every error must name the hook's file and a line, and no run
 * may outlast its limits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/diag.h"
#include "load/markdown.h"
#include "load/page.h"
#include "lua/script.h"
#include "model/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	const uint8_t *p, *end;
	gz_buf *out;
	int depth;
} gen;

/* the next choice among n (0 once the input is used up) */
static unsigned pick(gen *g, unsigned n)
{
	return g->p < g->end ? *g->p++ % n : 0;
}

static void put(gen *g, const char *s)
{
	gz_buf_puts(g->out, s);
}

static const char *const patterns[] = {
	"'%a+'", "'(.-)'", "'.-.-.-.-x'", "'%b()'", "'%f[%w]%w+'", "'([^,]*),?'", "'(a*)*b'",
	"'^%s*(.-)%s*$'", "'[%z]'", "'(()'", "'%'", "'(.)%1'", "''", "'[^'",
};

static void expr(gen *g);

static void expr_list(gen *g, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (i)
			put(g, ", ");
		expr(g);
	}
}

static void expr(gen *g)
{
	static const char *const leaves[] = {
		"s", "t", "n", "x", "nil", "true", "'长'", "42", "-1", "2^31", "2^60", "0.5",
		"#t", "{}", "node", "node.text", "node.type", "node.children", "meta", "page",
		"site", "site.pages", "page and page.title", "gz", "string", "'<p>'",
	};

	if (++g->depth > 6) {
		put(g, leaves[pick(g, 6)]);
		g->depth--;
		return;
	}
	switch (pick(g, 24)) {
	case 0: put(g, "gz.node.text("); expr(g); put(g, ")"); break;
	case 1: put(g, "gz.node.paragraph({"); expr_list(g, pick(g, 4)); put(g, "})"); break;
	case 2: put(g, "gz.node.emph("); expr(g); put(g, ")"); break;
	case 3: put(g, "gz.node.heading("); expr(g); put(g, ", "); expr(g); put(g, ")"); break;
	case 4: put(g, "gz.node.link("); expr(g); put(g, ", "); expr(g); put(g, ")"); break;
	case 5: put(g, "gz.node.raw("); expr(g); put(g, ")"); break;
	case 6: put(g, "{"); expr_list(g, pick(g, 4)); put(g, "}"); break;
	case 7: put(g, "string.rep("); expr(g); put(g, ", "); expr(g); put(g, ")"); break;
	case 8:
		put(g, "("); expr(g); put(g, "):gsub("); put(g, patterns[pick(g, 14)]); put(g, ", ");
		expr(g); put(g, ")");
		break;
	case 9:
		put(g, "string.find("); expr(g); put(g, ", "); put(g, patterns[pick(g, 14)]);
		put(g, ", "); expr(g); put(g, ")");
		break;
	case 10: put(g, "select(2, pcall(function() return "); expr(g); put(g, " end))"); break;
	case 11:
		put(g, "select(2, xpcall(function() return "); expr(g);
		put(g, " end, function(m) return "); expr(g); put(g, " end))");
		break;
	case 12: put(g, "setmetatable({}, {__index = function(t, k) return "); expr(g); put(g, " end})"); break;
	case 13: put(g, "tostring("); expr(g); put(g, ")"); break;
	case 14: put(g, "gz.esc("); expr(g); put(g, ")"); break;
	case 15: put(g, "gz.utf8.sub("); expr(g); put(g, ", "); expr(g); put(g, ")"); break;
	case 16: put(g, "table.concat("); expr(g); put(g, ", "); expr(g); put(g, ")"); break;
	case 17: put(g, "("); expr(g); put(g, " .. "); expr(g); put(g, ")"); break;
	case 18: put(g, "f("); expr(g); put(g, ")"); break;
	case 19: put(g, "load("); expr(g); put(g, ")"); break;
	case 20: put(g, "("); expr(g); put(g, ")["); expr(g); put(g, "]"); break;
	case 21: put(g, "setmetatable({}, {__gc = function() end})"); break;
	case 22: put(g, "getmetatable("); expr(g); put(g, ")"); break;
	default: put(g, leaves[pick(g, sizeof(leaves) / sizeof(leaves[0]))]); break;
	}
	g->depth--;
}

static void block(gen *g);

static void stmt(gen *g)
{
	if (++g->depth > 5) {
		put(g, "x = 1 ");
		g->depth--;
		return;
	}
	switch (pick(g, 16)) {
	case 0: put(g, "x = "); expr(g); break;
	case 1: put(g, "t[#t + 1] = "); expr(g); break;
	case 2: put(g, "if "); expr(g); put(g, " then "); block(g); put(g, " end"); break;
	case 3: put(g, "for i = 1, "); expr(g); put(g, " do "); block(g); put(g, " end"); break;
	case 4: put(g, "while "); expr(g); put(g, " do "); block(g); put(g, " end"); break;
	case 5: put(g, "pcall(function() "); block(g); put(g, " end)"); break;
	case 6: put(g, "do return "); expr(g); put(g, " end"); break;
	case 7: put(g, "error("); expr(g); put(g, ")"); break;
	case 8: put(g, "gz.set(page or (site and site.pages[1]), "); expr(g); put(g, ", "); expr(g); put(g, ")"); break;
	case 9: put(g, "gz.add_page{url = "); expr(g); put(g, ", title = "); expr(g); put(g, "}"); break;
	case 10: put(g, "node.text = "); expr(g); break;
	case 11: put(g, "node.children = "); expr(g); break;
	case 12: put(g, "meta.title = "); expr(g); break;
	case 13: put(g, "for k, v in pairs("); expr(g); put(g, ") do "); block(g); put(g, " end"); break;
	case 14: put(g, "table.insert(t, 1, "); expr(g); put(g, ")"); break;
	default: put(g, "x = f(x)"); break;
	}
	put(g, "\n");
	g->depth--;
}

static void block(gen *g)
{
	unsigned i, n = 1 + pick(g, 4);

	for (i = 0; i < n; i++)
		stmt(g);
}

/* A hook file: shared locals, a recursive helper, then the hooks. */
static void program(gen *g)
{
	static const char *const hooks[] = {
		"paragraph = function(node) local page, site, meta ",
		"text = function(node) local page, site, meta ",
		"heading = function(node) local page, site, meta ",
		"document = function(node, meta) local page, site ",
		"on_page = function(page) local node, site, meta ",
		"on_load = function(site) local node, page, meta ",
		"on_output = function(path, s) local node, page, site, meta ",
		"shortcodes = { q = function(args, inner) local node, page, site, meta ",
	};
	unsigned i, n = 1 + pick(g, 4);

	put(g, "local t, s, n, x = {}, 'a,b (c)', 3, nil\n");
	put(g, "local function f(v) if type(v) == 'number' and v > 0 then return f(v - 1) end "
	       "return v end\n");
	block(g);
	put(g, "return {\n");
	for (i = 0; i < n; i++) {
		unsigned h = pick(g, 8);
		put(g, hooks[h]);
		put(g, "\n");
		block(g);
		put(g, "return ");
		expr(g);
		put(g, h == 7 ? " end },\n" : " end,\n");
	}
	put(g, "}\n");
}

/* An error from a hook must say where: the hook file and a line, or for
 * a shortcode's message raised with error(msg, 0), the page's line */
static void check_placed(const char *err, int line)
{
	if (!err || strstr(err, "hooks/fuzz.lua:") || strstr(err, "unknown shortcode") ||
	    strstr(err, "themes/fuzz/layouts/page.html:") ||
	    (line > 0 && !strncmp(err, "shortcode 'q': ", 15)))
		return;
	fprintf(stderr, "an error without the hook's place: %s\n", err);
	abort();
}

static void check_diag(const gz_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const char *p = d->items[i].path;
		if (strstr(p, "hooks/fuzz.lua") || strstr(p, "themes/fuzz/layouts/page.html") ||
		    !strcmp(p, "content/stories/a.md"))
			continue;
		fprintf(stderr, "an error without the hook's place: '%s': %s\n", p, d->items[i].msg);
		abort();
	}
}

static const char STORY[] = "---\ntitle: 养蜂\n---\n# 标题\n\n段落 *强调* [链接](https://example.org/)。\n\n"
			    "::: q who=孟庆龙\n里面\n:::\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_buf lua = GZ_BUF_INIT, html = GZ_BUF_INIT;
	gen g = {data, data + size, &lua, 0};
	gz_template layout = {0}, hook = {0};
	gz_theme th;
	gz_site site;
	gz_page page, *list[1];
	gz_script *s = NULL;
	gz_md_result r;
	gz_md_opts o = {.base_path = "/", .line_offset = 3};
	gz_value *fm = NULL;
	gz_diag d, ld;
	char *out;
	size_t i, len;

	program(&g);
	/* to read what an input found: GAZETTE_FUZZ_PRINT=1 fuzz_hooks crash-… */
	if (getenv("GAZETTE_FUZZ_PRINT"))
		fprintf(stderr, "%s\n", lua.ptr);
	gz_diag_init(&d);
	gz_diag_init(&ld);
	memset(&th, 0, sizeof(th));
	th.display = "themes/fuzz";
	layout.name = "page";
	layout.path = "themes/fuzz/layouts/page.html";
	layout.lua = "local _o, _e = ... return function(page) _e(page.title) _o(page.note) end";
	layout.lua_len = strlen(layout.lua);
	th.t = &layout;
	th.n = 1;
	hook.name = "fuzz.lua";
	hook.path = "hooks/fuzz.lua";
	hook.lua = lua.ptr;
	hook.lua_len = lua.len;
	hook.is_lua = true;
	th.hooks = &hook;
	th.nhooks = 1;
	th.memory_mb = 16;
	th.data_mb = 2;
	th.page_mb = 1;
	th.seconds = 2;
	th.steps = 300000;

	memset(&site, 0, sizeof(site));
	memset(&page, 0, sizeof(page));
	site.cfg.title = "测试站";
	site.cfg.description = "";
	site.cfg.language = "zh-CN";
	site.cfg.base_url = "https://example.org/";
	site.cfg.base_path = "/";
	site.cfg.reading_rate = 400;
	site.build_date = "2019-06-08";
	page.title = "养蜂";
	page.url = "/stories/a/";
	page.path = "content/stories/a.md";
	page.section = "stories";
	page.html = "<p>正文</p>";
	list[0] = &page;
	site.pages = list;
	site.npages = 1;
	site.all = gz_calloc(1, sizeof(*site.all));
	site.all[0] = &page;
	site.nall = 1;

	if (gz_script_open(&s, &th, &site, &d) == 0) {
		/* the Markdown hooks over the story */
		fm = gz_calloc(1, sizeof(*fm));
		fm->type = GZ_MAP;
		o.hooks = gz_script_md_hooks(s, "content/stories/a.md", &fm);
		gz_markdown_render(&r, STORY, sizeof(STORY) - 1, &o);
		for (i = 0; i < r.nerrors; i++)
			check_placed(r.errors[i].msg, r.errors[i].line);
		gz_md_result_release(&r);
		/* on_load, a render with on_page, on_output, on_done: every
		 * error placed at the hook, the layout or the page */
		gz_script_on_load(s, &site, &ld);
		gz_script_render(s, "page", &page, NULL, &html, &ld, GZ_ERROR);
		out = gz_buf_detach(&html, &len);
		gz_script_on_output(s, "stories/a/index.html", &out, &len, &ld);
		free(out);
		gz_script_on_done(s, &ld);
		check_diag(&ld);
	} else {
		for (i = 0; i < d.n; i++) {
			char *e = gz_diag_format(&d.items[i]);
			/* a syntax error is Lua's, with its place */
			check_placed(e, 0);
			free(e);
		}
	}
	gz_script_free(s);
	/* what on_load added to the site, and set on its page */
	for (i = 1; i < site.nall; i++)
		gz_page_free(site.all[i]);
	free(site.all);
	free(site.standalone);
	gz_value_free(page.extra);
	gz_value_free(fm);
	gz_buf_release(&html);
	gz_buf_release(&lua);
	gz_diag_release(&d);
	gz_diag_release(&ld);
	return 0;
}
