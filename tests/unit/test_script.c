#include <stdlib.h>

#include "base/alloc.h"
#include "lua/script.h"
#include "lua/template.h"
#include "test.h"

/* A theme built in memory from (name, source) pairs. */
static void theme_from(gz_theme *th, const char *const *pairs, gz_diag *d)
{
	size_t i, n = 0;

	while (pairs[2 * n])
		n++;
	memset(th, 0, sizeof(*th));
	th->display = gz_strdup("themes/test");
	th->t = gz_calloc(n, sizeof(*th->t));
	for (i = 0; i < n; i++) {
		gz_buf lua = GZ_BUF_INIT, path = GZ_BUF_INIT;
		gz_buf_printf(&path, "themes/test/layouts/%s.html", pairs[2 * i]);
		gz_template_translate(&lua, pairs[2 * i + 1], strlen(pairs[2 * i + 1]), path.ptr, d);
		th->t[i].name = gz_strdup(pairs[2 * i]);
		th->t[i].path = gz_buf_detach(&path, NULL);
		th->t[i].lua = gz_buf_detach(&lua, &th->t[i].lua_len);
		th->n++;
	}
}

static void fake_site(gz_site *site, gz_page *page, gz_page **list)
{
	memset(site, 0, sizeof(*site));
	memset(page, 0, sizeof(*page));
	site->cfg.title = "测试站";
	site->cfg.description = "";
	site->cfg.language = "zh-CN";
	site->cfg.base_url = "https://example.org/news/";
	site->cfg.base_path = "/news/";
	site->cfg.reading_rate = 400;
	site->build_date = "2019-06-08";
	page->title = "<script>alert(1)</script>养蜂";
	page->url = "/stories/a/";
	page->section = "stories";
	page->html = "<p>正文</p>";
	page->chars = 801;
	gz_date_parse(&page->date, "2019-06-08");
	list[0] = page;
	site->pages = list;
	site->npages = 1;
}

static char *render(const char *const *pairs, const char *layout, char **err_out)
{
	gz_theme th;
	gz_site site;
	gz_page page, *list[1];
	gz_script *s = NULL;
	gz_buf out = GZ_BUF_INIT;
	gz_diag d;

	gz_diag_init(&d);
	theme_from(&th, pairs, &d);
	fake_site(&site, &page, list);
	CHECK(gz_script_open(&s, &th, &site, &d) == 0);
	if (gz_script_render(s, layout, &page, NULL, &out, &d, GZ_ERROR) < 0) {
		/* the error as a person reads it: path:line: message */
		CHECK(d.n == 1);
		*err_out = d.n ? gz_diag_format(&d.items[d.n - 1]) : NULL;
		gz_buf_release(&out);
	} else {
		*err_out = NULL;
	}
	gz_script_free(s);
	gz_theme_release(&th);
	gz_diag_release(&d);
	return out.len ? gz_buf_detach(&out, NULL) : NULL;
}

static void escapes(void)
{
	const char *const t[] = {"page", "<h1>{{ page.title }}</h1>{{{ page.content }}}", NULL};
	char *err, *html = render(t, "page", &err);

	CHECK_STR(html, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;养蜂</h1><p>正文</p>");
	free(html);
}

static void helpers(void)
{
	const char *const t[] = {
		"page",
		"{{ cn_date(page.date) }}|{{ relurl(page.url) }}|{{ url('/x/') }}|"
		"{{ truncate('穆棱市脱贫攻坚', 3) }}|{{ cn_number(10628.9) }}|{{ cn_number(1250) }}|"
		"{{ page.reading_minutes }}|{{ site.title }}|{{ #site.pages }}|{{ site.pages[1] == page }}",
		NULL};
	char *err, *html = render(t, "page", &err);

	CHECK_STR(html, "2019年6月8日|/news/stories/a/|https://example.org/news/x/|穆棱市…|"
			"10,628.9|1,250|2|测试站|1|true");
	free(html);
}

static void blocks(void)
{
	const char *const t[] = {
		"base", "<main>{% block \"main\" %}default{% endblock %}</main>",
		"page", "{% extends \"base\" %}ignored{% block \"main\" %}<b>{{ partial('x') }}</b>{% endblock %}",
		"partials/x", "{{ page.title == nil }}",
		NULL};
	char *err, *html = render(t, "page", &err);

	CHECK_STR(html, "<main><b>false</b></main>");
	free(html);
}

/* Lua's small blocks come from the state's free lists (sandbox.c): strings
 * and tables grown through every size step and past the largest, dropped
 * and made again, keep what was put in them. */
static void small_blocks(void)
{
	const char *const t[] = {
		"page",
		"{% local s, parts, ok = '', {}, true\n"
		"for i = 1, 600 do s = s .. string.char(65 + i % 26) end\n"
		"for round = 1, 3 do\n"
		"  for i = 1, 300 do parts[i] = s:sub(1, i) end\n"
		"  for i = 1, 300 do ok = ok and #parts[i] == i and parts[i] == s:sub(1, i) end\n"
		"  for i = 300, 1, -1 do parts[i] = nil end\n"
		"  local grow = {}\n"
		"  for i = 1, 100 do grow[i] = i; grow['k' .. i] = i end\n"
		"  for i = 1, 100 do ok = ok and grow[i] == i and grow['k' .. i] == i end\n"
		"end %}{{ #s }}|{{ ok }}|{{ s:sub(1, 3) }}|{{ s:sub(-2) }}",
		NULL};
	char *err, *html = render(t, "page", &err);

	CHECK_STR(html, "600|true|BCD|BC");
	free(html);
}

static void errors_name_the_line(void)
{
	const char *const t[] = {"page", "<p>\n\n{{ page.nope.deeper }}</p>", NULL};
	char *err = NULL, *html = render(t, "page", &err);

	CHECK(html == NULL);
	CHECK(err && !strncmp(err, "themes/test/layouts/page.html:3:", 32));
	free(err);
}

static void runaway(void)
{
	const char *const t[] = {"page", "{% while true do end %}", NULL};
	char *err = NULL, *html = render(t, "page", &err);

	CHECK(html == NULL);
	CHECK(err && !strncmp(err, "themes/test/layouts/page.html:1: ran more than 2 hundred "
				   "million steps, stopped", 79));
	free(err);
}

static void sandbox(void)
{
	const char *const t[] = {"page", "{{ io == nil and os == nil and require == nil and debug == nil "
					 "and load(string.dump(function() end)) == nil }}",
				 NULL};
	char *err = NULL, *html = render(t, "page", &err);

	CHECK_STR(html, "true");
	free(html);
	free(err);
}

/* What the sandbox changes: xpcall's handler runs after the stack has
 * unwound, with the same results; no __gc, and gazette's objects do not
 * show their metatables; "" repeated any number of times is "". */
static void sandbox_library(void)
{
	const char *const t[] = {
		"page",
		"{{ select('#', xpcall(function(a, b) return a, b end, tostring, 1, 2)) }}"
		"|{{ select(2, xpcall(function() error('x', 0) end, function(m) return 'h:' .. m end)) }}"
		"|{{ select(2, xpcall(function() error('x', 0) end, function(m) error('y') end)) }}"
		"|{{ (pcall(setmetatable, {}, {__gc = tostring})) }}"
		"|{{ getmetatable(page) }}|{{ #string.rep('', 2^60) }}"
		"|{{ ('a,b'):gsub(',', ';') }}",
		NULL,
	};
	char *err = NULL, *html = render(t, "page", &err);

	CHECK_STR(html, "3|h:x|error in error handling|false|false|0|a;b");
	if (err)
		fprintf(stderr, "%s\n", err);
	free(html);
	free(err);
}

/* A template's error names its line whatever the error object is */
static void error_objects(void)
{
	const char *const t[] = {"page", "a\n{% error({}) %}", NULL};
	char *err = NULL, *html = render(t, "page", &err);

	CHECK(html == NULL);
	CHECK(err && !strncmp(err, "themes/test/layouts/page.html:2: error object is a table value, "
				   "not a message (while rendering ", 95));
	free(err);
}

void suite_script(void)
{
	gz_test_run("script_sandbox_library", sandbox_library);
	gz_test_run("script_error_objects", error_objects);
	gz_test_run("script_escapes", escapes);
	gz_test_run("script_helpers", helpers);
	gz_test_run("script_blocks", blocks);
	gz_test_run("script_small_blocks", small_blocks);
	gz_test_run("script_errors_name_the_line", errors_name_the_line);
	gz_test_run("script_runaway", runaway);
	gz_test_run("script_sandbox", sandbox);
}
