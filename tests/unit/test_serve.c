#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/serve.h"
#include "test.h"
#include "source/watch.h"

static void check_decoded(const char *url, const char *want)
{
	char *p = gz_serve_decode_path(url);
	if (want) {
		CHECK_STR(p, want);
	} else if (p) {
		gz_test_failures++;
		fprintf(stderr, "%s:%d: '%s' should be refused, got '%s'\n", __FILE__, __LINE__, url, p);
	}
	gz_test_checks++;
	free(p);
}

static void decode_paths(void)
{
	check_decoded("/", "/");
	check_decoded("/stories/2019/a/", "/stories/2019/a/");
	check_decoded("/township/%E7%A9%86%E6%A3%B1%E9%95%87/", "/township/穆棱镇/");
	check_decoded("/a%20b.txt", "/a b.txt");
	check_decoded("/..a/b..", "/..a/b..");
	check_decoded("/../site.yml", NULL);
	check_decoded("/%2e%2e/site.yml", NULL);
	check_decoded("/%2E%2e/site.yml", NULL);
	check_decoded("/..%2fsite.yml", NULL);
	check_decoded("/..%2Fsite.yml", NULL);
	check_decoded("/a/..%5csite.yml", NULL);
	check_decoded("/a\\b", NULL);
	check_decoded("/stories%2f2019/", NULL);
	check_decoded("/stories%5C2019/", NULL);
	check_decoded("/css/%00", NULL);
	check_decoded("/css/%00.css", NULL);
	check_decoded("/a/./b", NULL);
	check_decoded("/a/.", NULL);
	check_decoded("/a/..", NULL);
	check_decoded("/%", NULL);
	check_decoded("/%4", NULL);
	check_decoded("/%zz", NULL);
	check_decoded("/a%0ab", NULL);
	check_decoded("relative", NULL);
	check_decoded("", NULL);
}

static void content_types(void)
{
	CHECK_STR(gz_serve_content_type("/index.html"), "text/html; charset=utf-8");
	CHECK_STR(gz_serve_content_type("/a/B.CSS"), "text/css; charset=utf-8");
	CHECK_STR(gz_serve_content_type("/a.js"), "text/javascript; charset=utf-8");
	CHECK_STR(gz_serve_content_type("/logo.svg"), "image/svg+xml; charset=utf-8");
	CHECK_STR(gz_serve_content_type("/p.png"), "image/png");
	CHECK_STR(gz_serve_content_type("/p.jpg"), "image/jpeg");
	CHECK_STR(gz_serve_content_type("/p.webp"), "image/webp");
	CHECK_STR(gz_serve_content_type("/atom.xml"), "application/xml; charset=utf-8");
	CHECK_STR(gz_serve_content_type("/x.json"), "application/json; charset=utf-8");
	CHECK_STR(gz_serve_content_type("/robots.txt"), "text/plain; charset=utf-8");
	CHECK_STR(gz_serve_content_type("/f.woff2"), "font/woff2");
	CHECK_STR(gz_serve_content_type("/a.d/noext"), "application/octet-stream");
	CHECK_STR(gz_serve_content_type("/x.unknown"), "application/octet-stream");
}

static void touch(const char *dir, const char *name)
{
	gz_buf p = GZ_BUF_INIT;
	FILE *f;

	gz_buf_printf(&p, "%s/%s", dir, name);
	f = fopen(p.ptr, "w");
	if (f) {
		fputs("x: 1\n", f);
		fclose(f);
	}
	gz_buf_release(&p);
}

/* What a rebuild must follow, and what it must not */
static void watched(void)
{
	static const char *const made[] = {"notes.txt", "site.yml", "print.yml",
					   "print/cover.lua", "print/.cover.lua.swp", "print"};
	char dir[] = "/tmp/gazette-watch-XXXXXX";
	gz_buf p = GZ_BUF_INIT;
	gz_diag d;
	gz_watch *w = NULL;
	size_t i;

	CHECK(mkdtemp(dir) != NULL);
	gz_diag_init(&d);
	CHECK(gz_watch_open(&w, dir, &d) == 0);
	gz_diag_release(&d);
	if (!w)
		return;
	CHECK_INT(gz_watch_read(w), 0);
	touch(dir, "notes.txt");
	CHECK_INT(gz_watch_read(w), 0);
	touch(dir, "site.yml");
	CHECK(gz_watch_read(w) > 0);
	touch(dir, "print.yml");
	CHECK(gz_watch_read(w) > 0);
	/* a print/ folder made after the start, then a layout in it */
	gz_buf_printf(&p, "%s/print", dir);
	CHECK(mkdir(p.ptr, 0777) == 0);
	CHECK(gz_watch_read(w) > 0);
	touch(p.ptr, "cover.lua");
	CHECK(gz_watch_read(w) > 0);
	touch(p.ptr, ".cover.lua.swp");
	CHECK_INT(gz_watch_read(w), 0);
	gz_watch_free(w);
	for (i = 0; i < sizeof(made) / sizeof(*made); i++) {
		gz_buf_clear(&p);
		gz_buf_printf(&p, "%s/%s", dir, made[i]);
		if (remove(p.ptr) < 0)
			CHECK(!"a file the test made is missing");
	}
	gz_buf_release(&p);
	rmdir(dir);
}

void suite_serve(void)
{
	gz_test_run("serve_watch", watched);
	gz_test_run("serve_decode_paths", decode_paths);
	gz_test_run("serve_content_types", content_types);
}
