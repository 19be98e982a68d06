#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/hash.h"
#include "write/deps.h"
#include "write/output.h"
#include "test.h"

static char *temp_file(void)
{
	char tmpl[] = "/tmp/gz-deps-XXXXXX";
	int fd = mkstemp(tmpl);

	if (fd >= 0)
		close(fd);
	return strdup(tmpl);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		CHECK_INT(fwrite(data, 1, len, f), len);
		fclose(f);
	}
}

static void write_text(const char *path, const char *text)
{
	write_bytes(path, text, strlen(text));
}

static char *read_bytes(const char *path, size_t *len)
{
	gz_buf b = GZ_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gz_buf_add(&b, chunk, n);
	if (f)
		fclose(f);
	return gz_buf_detach(&b, len);
}

/* What is saved loads the same, and saves to the same bytes again. */
static void test_round_trip(void)
{
	char *file = temp_file(), *first, *second;
	size_t nfirst, nsecond;
	char *a[] = {"content/a.md", "content/b.md"}, *b[] = {"content/b.md"};
	bool body_a[] = {true, false};
	gz_deps d, e;
	const gz_dep *x;

	gz_deps_init(&d);
	gz_deps_add(&d, "a/index.html", 0x0123456789abcdefULL, false, 1234, a, body_a, 2);
	gz_deps_add(&d, "index.html", 0xfedcba9876543210ULL, true, 99, b, NULL, 1);
	gz_deps_add(&d, "robots-like.txt", 7, false, 0, NULL, NULL, 0);
	CHECK_INT(gz_deps_save(&d, file), 0);
	first = read_bytes(file, &nfirst);

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
	second = read_bytes(file, &nsecond);
	CHECK_INT(nsecond, nfirst);
	CHECK(nsecond == nfirst && !memcmp(first, second, nfirst));
	gz_deps_release(&d);
	gz_deps_release(&e);
	free(first);
	free(second);
	unlink(file);
	free(file);
}

/* A record of this program made of items (with a right hash at its end):
 * the head of an empty record, then items of len bytes. */
static void write_record(const char *path, const char *head, const char *items, size_t len)
{
	gz_buf b = GZ_BUF_INIT;
	uint64_t sum;

	gz_buf_add(&b, head, 16);
	gz_buf_add(&b, items, len);
	sum = gz_hash_fast(GZ_HASH_INIT, b.ptr, b.len);
	gz_buf_add(&b, &sum, 8);
	write_bytes(path, b.ptr, b.len);
	gz_buf_release(&b);
}

static int load_count(const char *file, size_t *n)
{
	gz_deps d;
	int rc;

	gz_deps_init(&d);
	rc = gz_deps_load(&d, file);
	*n = d.n;
	gz_deps_release(&d);
	return rc;
}

/* A record of this program with a damaged item is not trusted at all. */
static void test_damaged(void)
{
	/* 'P' content/a.md, then 'R' index.html of key 1, no site, length 2,
	 * and its pages: each case changes one thing */
#define PATH_A "P\x0c\0\0\0content/a.md\0"
#define OUT "R\x0a\0\0\0index.html\0\1\0\0\0\0\0\0\0\0\2\0\0\0\0\0\0\0"
	static const struct {
		const char *bytes;
		size_t len;
		int rc;
		size_t n;
	} cases[] = {
		{PATH_A OUT "\1\0\0\0\0\0\0\0\1", sizeof(PATH_A OUT) - 1 + 9, 0, 1}, /* good */
		{PATH_A OUT "\1\0\0\0\5\0\0\0\1", sizeof(PATH_A OUT) - 1 + 9, -1, 0}, /* no such path */
		{PATH_A OUT "\2\0\0\0\0\0\0\0\1", sizeof(PATH_A OUT) - 1 + 9, -1, 0}, /* cut short */
		{PATH_A OUT "\1\0\0\0", sizeof(PATH_A OUT) - 1 + 4, -1, 0},               /* cut short */
		{"X" OUT "\0\0\0\0", sizeof("X" OUT) - 1 + 4, -1, 0},                      /* no such item */
		{"P\x0c\0\0\0content/a.mdX", 18, -1, 0},                                   /* no NUL */
		{"P\x0c\0\0\0conte\0t/a.md\0", 18, -1, 0},                              /* a NUL inside */
	};
	char *file = temp_file(), *empty;
	size_t i, n, len;
	gz_deps d;

	/* this program's head, from an empty record */
	gz_deps_init(&d);
	CHECK_INT(gz_deps_save(&d, file), 0);
	gz_deps_release(&d);
	empty = read_bytes(file, &len);
	CHECK_INT(len, 24);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_record(file, empty, cases[i].bytes, cases[i].len);
		CHECK_INT(load_count(file, &n), cases[i].rc);
		CHECK_INT(n, cases[i].n);
	}
	/* the good one with a byte changed, or its last byte gone: the hash
	 * at its end tells */
	write_record(file, empty, cases[0].bytes, cases[0].len);
	{
		char *good = read_bytes(file, &len);
		good[20] ^= 1;
		write_bytes(file, good, len);
		CHECK_INT(load_count(file, &n), -1);
		good[20] ^= 1;
		write_bytes(file, good, len - 1);
		CHECK_INT(load_count(file, &n), -1);
		free(good);
	}
	/* another build of gazette's record (another program hash), or the
	 * older text record: empty, not an error */
	empty[8] ^= 1;
	write_record(file, empty, cases[0].bytes, cases[0].len);
	CHECK_INT(load_count(file, &n), 0);
	CHECK_INT(n, 0);
	write_text(file, "gazette-deps 4 0000000000000000\nindex.html\t0\t0\t1\t\t\n");
	CHECK_INT(load_count(file, &n), 0);
	CHECK_INT(n, 0);
	/* junk */
	write_text(file, "garbage\n");
	CHECK_INT(load_count(file, &n), -1);
	free(empty);
	unlink(file);
	free(file);
#undef PATH_A
#undef OUT
}

/* gz_outputs_check with n outputs added in a scrambled order, one path
 * twice: every path in order after it, the two named in one error. Below
 * and above the size at which the halves are sorted apart. */
static void check_outputs(size_t n)
{
	gz_outputs o;
	gz_diag d;
	size_t i, dup = n / 3;

	gz_outputs_init(&o);
	gz_diag_init(&d);
	for (i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "stories/%05zu/index.html", (i * 7919) % n);
		gz_outputs_keep(&o, path, "a page");
	}
	{
		char path[64];
		snprintf(path, sizeof(path), "stories/%05zu/index.html", dup);
		gz_outputs_keep(&o, path, "another page");
	}
	CHECK_INT(gz_outputs_check(&o, &d), -1);
	CHECK_INT(d.n, 1);
	if (d.n)
		CHECK(strstr(d.items[0].msg, "index.html") != NULL);
	CHECK_INT(o.n, n + 1);
	for (i = 1; i < o.n; i++)
		CHECK(strcmp(o.items[i - 1].path, o.items[i].path) <= 0);
	gz_diag_release(&d);
	gz_outputs_release(&o);
}

static void test_outputs_check(void)
{
	check_outputs(10);
	check_outputs(5000);
}

void suite_deps(void)
{
	gz_test_run("deps round trip", test_round_trip);
	gz_test_run("deps damaged", test_damaged);
	gz_test_run("outputs check", test_outputs_check);
}
