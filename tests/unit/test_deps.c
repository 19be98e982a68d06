#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "write/deps.h"
#include "test.h"

static char *temp_file(void)
{
	char tmpl[] = "/tmp/gz-deps-XXXXXX";
	int fd = mkstemp(tmpl);

	if (fd >= 0)
		close(fd);
	return strdup(tmpl);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *read_text(const char *path)
{
	gz_buf b = GZ_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gz_buf_add(&b, chunk, n);
	if (f)
		fclose(f);
	return gz_buf_detach(&b, NULL);
}

/* What is saved loads the same, and saves to the same bytes again. */
static void test_round_trip(void)
{
	char *file = temp_file(), *first, *second;
	char *a[] = {"content/a.md", "content/b.md"}, *b[] = {"content/b.md"};
	bool body_a[] = {true, false};
	gz_deps d, e;
	const gz_dep *x;

	gz_deps_init(&d);
	gz_deps_add(&d, "a/index.html", 0x0123456789abcdefULL, false, 1234, a, body_a, 2);
	gz_deps_add(&d, "index.html", 0xfedcba9876543210ULL, true, 99, b, NULL, 1);
	gz_deps_add(&d, "robots-like.txt", 7, false, 0, NULL, NULL, 0);
	CHECK_INT(gz_deps_save(&d, file), 0);
	first = read_text(file);

	gz_deps_init(&e);
	CHECK_INT(gz_deps_load(&e, file), 0);
	CHECK_INT(e.n, 3);
	gz_deps_index(&e);
	x = gz_deps_find(&e, "a/index.html");
	CHECK(x != NULL);
	if (x) {
		CHECK(x->key == 0x0123456789abcdefULL);
		CHECK_INT(x->len, 1234);
		CHECK(!x->site);
		CHECK_INT(x->npaths, 2);
		CHECK_STR(x->paths[0], "content/a.md");
		CHECK_STR(x->paths[1], "content/b.md");
		CHECK(x->body[0] && !x->body[1]);
	}
	x = gz_deps_find(&e, "index.html");
	CHECK(x && x->site && x->key == 0xfedcba9876543210ULL && x->npaths == 1);
	/* one path, interned once: the same string in both records */
	if (x && gz_deps_find(&e, "a/index.html"))
		CHECK(x->paths[0] == gz_deps_find(&e, "a/index.html")->paths[1]);
	x = gz_deps_find(&e, "robots-like.txt");
	CHECK(x && x->npaths == 0 && x->len == 0);

	CHECK_INT(gz_deps_save(&e, file), 0);
	second = read_text(file);
	CHECK_STR(second, first);
	gz_deps_release(&d);
	gz_deps_release(&e);
	free(first);
	free(second);
	unlink(file);
	free(file);
}

/* A record of this program with a damaged line is not trusted at all. */
static void test_damaged(void)
{
	static const char *const lines[] = {
		"index.html\t012345\t0\t1\t\t\n",                 /* a short key */
		"index.html\t0123456789abcdeg\t0\t1\t\t\n",       /* not hex */
		"index.html\t0123456789abcdef\t0\t1x\t\t\n",      /* a length that is not one */
		"index.html\t0123456789abcdef\t0\t1\t0,,0\t00\n", /* an empty number */
		"index.html\t0123456789abcdef\t0\t1\t5\t0\n",     /* no such path */
		"index.html\n",                                   /* too few fields */
	};
	char *file = temp_file(), *magic;
	gz_deps d;
	size_t i;

	/* this program's header, from an empty record */
	gz_deps_init(&d);
	CHECK_INT(gz_deps_save(&d, file), 0);
	gz_deps_release(&d);
	magic = read_text(file);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "%s@\tcontent/a.md\n%s", magic, lines[i]);
		write_text(file, b.ptr);
		gz_deps_init(&d);
		CHECK_INT(gz_deps_load(&d, file), -1);
		CHECK_INT(d.n, 0);
		gz_deps_release(&d);
		gz_buf_release(&b);
	}
	/* another build of gazette's record: empty, not an error */
	write_text(file, "gazette-deps 4 0000000000000000\nindex.html\t0\t0\t1\t\t\n");
	gz_deps_init(&d);
	CHECK_INT(gz_deps_load(&d, file), 0);
	CHECK_INT(d.n, 0);
	gz_deps_release(&d);
	/* junk */
	write_text(file, "garbage\n");
	gz_deps_init(&d);
	CHECK_INT(gz_deps_load(&d, file), -1);
	gz_deps_release(&d);
	free(magic);
	unlink(file);
	free(file);
}

void suite_deps(void)
{
	gz_test_run("deps round trip", test_round_trip);
	gz_test_run("deps damaged", test_damaged);
}
