#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/pool.h"
#include "base/diag.h"
#include "test.h"

/* A whole file appended, a missing one an error with b as it was. */
static void test_read_file(void)
{
	char tmpl[] = "/tmp/gz-buf-XXXXXX";
	int fd = mkstemp(tmpl);
	gz_buf b = GZ_BUF_INIT, big = GZ_BUF_INIT;
	size_t i, len = 0;
	char *data;

	CHECK(fd >= 0);
	for (i = 0; i < 100000; i++) /* more than one read's worth */
		gz_buf_putc(&big, (char)('a' + i % 26));
	CHECK(write(fd, big.ptr, big.len) == (ssize_t)big.len);
	close(fd);

	gz_buf_puts(&b, "head:");
	CHECK_INT(gz_buf_read_file(&b, tmpl), 0);
	CHECK_INT(b.len, 5 + big.len);
	CHECK(!memcmp(b.ptr, "head:", 5) && !memcmp(b.ptr + 5, big.ptr, big.len));
	CHECK(b.ptr[b.len] == '\0');

	data = gz_file_read(tmpl, &len);
	CHECK(data && len == big.len && !memcmp(data, big.ptr, len));
	free(data);

	unlink(tmpl);
	gz_buf_clear(&b);
	gz_buf_puts(&b, "kept");
	errno = 0;
	CHECK_INT(gz_buf_read_file(&b, tmpl), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_STR(b.ptr, "kept");
	CHECK(gz_file_read(tmpl, NULL) == NULL);
	gz_buf_release(&b);
	gz_buf_release(&big);
}

/* Decimal digits, as printf makes them, at the ends of the range. */
static void test_add_uint(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_add_uint(&b, 0);
	gz_buf_putc(&b, ' ');
	gz_buf_add_uint(&b, 10);
	gz_buf_putc(&b, ' ');
	gz_buf_add_uint(&b, 18446744073709551615ULL);
	CHECK_STR(b.ptr, "0 10 18446744073709551615");
	gz_buf_release(&b);
}

/* A thread's diagnostics into the build's: each item as it was, in
 * order, the counts with them, and from left as it was. */
static void test_diag_add_all(void)
{
	gz_diag d, from;

	gz_diag_init(&d);
	gz_diag_init(&from);
	gz_diag_warn(&d, "site.yml", 1, 1, "first");
	gz_diag_warn(&from, "content/a.md", 3, 7, "a %s", "warning");
	gz_diag_error(&from, "content/b.md", 0, 0, "an error");
	gz_diag_add_all(&d, &from);
	CHECK_INT(d.n, 3);
	CHECK_INT(d.warnings, 2);
	CHECK_INT(d.errors, 1);
	CHECK_STR(d.items[1].path, "content/a.md");
	CHECK_INT(d.items[1].line, 3);
	CHECK_INT(d.items[1].col, 7);
	CHECK_STR(d.items[1].msg, "a warning");
	CHECK(d.items[2].severity == GZ_ERROR);
	CHECK_STR(d.items[2].msg, "an error");
	CHECK_INT(from.n, 2);
	gz_diag_release(&d);
	gz_diag_release(&from);
}

/* Is flag (two letters) among the VmFlags of the mapping that holds p? */
static bool mapping_has_flag(const void *p, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[1024], want[8];
	bool in = false, has = false;

	snprintf(want, sizeof(want), " %s", flag);
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long a, b;
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2) {
			in = (uintptr_t)p >= a && (uintptr_t)p < b;
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			line[strcspn(line, "\n")] = ' ';
			has = strstr(line, want) != NULL;
			break;
		}
	}
	if (f)
		fclose(f);
	return has;
}

static void *arena_thread(void *arg)
{
	*(void **)arg = malloc(1 << 20);
	return NULL;
}

/* A thread gazette starts (gz_thread_start) has its malloc arena advised
 * huge pages ("hg"), as the brk heap has them from glibc: a rebuild's
 * workers took 7,000 faults without. */
static void test_arena_huge(void)
{
	pthread_t t;
	void *p = NULL;

	if (GZ_SANITIZED || access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0)
		return; /* ASan's malloc is its own; a kernel without huge pages */
	gz_alloc_setup();
	CHECK(gz_thread_start(&t, NULL, arena_thread, &p) == 0);
	pthread_join(t, NULL);
	CHECK(p != NULL);
	/* a thread given the first arena (glibc's choice when it has many)
	 * has nothing to advise */
	if (p && (uintptr_t)p > (uintptr_t)sbrk(0))
		CHECK(mapping_has_flag(p, "hg"));
	free(p);
}

/* A hook line failing on every page: five messages, then the count of the
 * rest at the same place; other places are printed whole. */
static void test_diag_print_same_place(void)
{
	gz_diag d;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int i;

	gz_diag_init(&d);
	for (i = 0; i < 9; i++)
		gz_diag_error(&d, "hooks/a.lua", 4, 0, "failed on page %d", i);
	gz_diag_error(&d, "content/b.md", 2, 1, "another");
	gz_diag_error(&d, "content/b.md", 3, 1, "and another");
	gz_diag_print(&d, f);
	fclose(f);
	CHECK(out != NULL);
	if (out) {
		CHECK(strstr(out, "failed on page 4") != NULL);
		CHECK(strstr(out, "failed on page 5") == NULL);
		CHECK(strstr(out, "hooks/a.lua:4: (and 4 more like these above)\n") != NULL);
		CHECK(strstr(out, "content/b.md:2:1: another\n") != NULL);
		CHECK(strstr(out, "content/b.md:3:1: and another\n") != NULL);
	}
	free(out);
	gz_diag_release(&d);
}

void suite_buf(void)
{
	gz_test_run("diag print same place", test_diag_print_same_place);
	gz_test_run("buf read file", test_read_file);
	gz_test_run("buf add uint", test_add_uint);
	gz_test_run("diag add all", test_diag_add_all);
	gz_test_run("alloc arena huge pages", test_arena_huge);
}
