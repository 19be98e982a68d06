#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "source/source.h"
#include "test.h"

static void safe_paths(void)
{
	CHECK(gz_path_is_safe("content/a.md"));
	CHECK(!gz_path_is_safe("/etc/passwd"));
	CHECK(!gz_path_is_safe("content/../../x"));
	CHECK(!gz_path_is_safe("a//b"));
	CHECK(!gz_path_is_safe("./a"));
	CHECK(!gz_path_is_safe("a\\b"));
	CHECK(!gz_path_is_safe(""));
	CHECK(!gz_path_is_safe("a/"));
	CHECK(!gz_path_is_safe("a/.."));
	CHECK(!gz_path_is_safe("a/\tb"));
	CHECK(!gz_path_is_safe("a\x7f/\x01"));
	CHECK(gz_path_is_safe(".a/..b/b..c/故事.md"));
	CHECK(gz_path_is_safe("a/b.c/..."));
}

static void joins(void)
{
	char *p;

	p = gz_path_join("content/stories/2019", "../../photos/a.jpg");
	CHECK_STR(p, "content/photos/a.jpg");
	free(p);
	p = gz_path_join("content/stories", "./b/./c.jpg");
	CHECK_STR(p, "content/stories/b/c.jpg");
	free(p);
	CHECK(gz_path_join("content", "../../../etc/passwd") == NULL);
	p = gz_path_join("content", "/x.jpg");
	CHECK_STR(p, "x.jpg");
	free(p);
	CHECK(gz_path_join("content", "a\\..\\b") == NULL);
}

static void put(const char *root, const char *rel)
{
	gz_buf b = GZ_BUF_INIT;
	FILE *f;

	gz_buf_printf(&b, "%s/%s", root, rel);
	f = fopen(b.ptr, "w");
	CHECK(f != NULL);
	if (f)
		fclose(f);
	gz_buf_release(&b);
}

static void mkdirs(const char *root, const char *rel)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s/%s", root, rel);
	CHECK(mkdir(b.ptr, 0777) == 0);
	gz_buf_release(&b);
}

/* The source and its listing freed, the tree removed. */
static void done_with(gz_source *s, gz_strlist *got, const char *root)
{
	gz_buf b = GZ_BUF_INIT;

	gz_source_free(s);
	gz_strlist_release(got);
	gz_buf_printf(&b, "rm -rf '%s'", root);
	CHECK(system(b.ptr) == 0);
	gz_buf_release(&b);
}

/* Folders enough that the listing shares them among workers: every file
 * once, in order, hidden names left out, a link out of the root met deep
 * in a shared folder reported, and every file's stamp there. */
static void listing(void)
{
	char root[] = "/tmp/gz-list-XXXXXX";
	const char *want[] = {"content/a.md", "content/s/2018/x.md", "content/s/2019/deep/y.md",
			      "content/s/2019/z.md", "content/s/2020/w.md", "content/s/2021/v.md",
			      "content/t/u.md"};
	gz_strlist got = {0}, out = {0};
	gz_source *s = NULL;
	gz_source_stamp st;
	gz_buf b = GZ_BUF_INIT;
	size_t i;

	CHECK(mkdtemp(root) != NULL);
	mkdirs(root, "content");
	mkdirs(root, "content/s");
	mkdirs(root, "content/t");
	mkdirs(root, "content/s/2018");
	mkdirs(root, "content/s/2019");
	mkdirs(root, "content/s/2019/deep");
	mkdirs(root, "content/s/2020");
	mkdirs(root, "content/s/2021");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		put(root, want[i]);
	put(root, "content/s/2020/.hidden.md");
	gz_buf_printf(&b, "%s/content/s/2021/out", root);
	CHECK(symlink("/etc", b.ptr) == 0);
	CHECK(gz_source_open_dir(&s, root, NULL) == 0);
	gz_source_list(s, "content", &got);
	CHECK_INT(got.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < got.n && i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_STR(got.items[i], want[i]);
	gz_source_outside(s, &out);
	CHECK_INT(out.n, 1);
	if (out.n)
		CHECK_STR(out.items[0], "content/s/2021/out");
	for (i = 0; i < got.n; i++)
		CHECK(gz_source_stamp_of(s, got.items[i], &st) == 0);
	/* a stamp is taken when asked for, not when the file was listed */
	{
		gz_source_stamp before, after;
		gz_buf f = GZ_BUF_INIT;
		FILE *fp;
		CHECK(gz_source_stamp_of(s, "content/s/2019/z.md", &before) == 0);
		gz_buf_printf(&f, "%s/content/s/2019/z.md", root);
		fp = fopen(f.ptr, "a");
		CHECK(fp != NULL);
		if (fp) {
			fputs("more\n", fp);
			fclose(fp);
		}
		CHECK(gz_source_stamp_of(s, "content/s/2019/z.md", &after) == 0);
		CHECK(after.size == before.size + 5);
		gz_buf_release(&f);
	}
	gz_strlist_release(&out);
	gz_buf_release(&b);
	done_with(s, &got, root);
}

/* More folders than a source keeps open: every file still has its stamp,
 * and none of another's. */
static void many_folders(void)
{
	char root[] = "/tmp/gz-many-XXXXXX";
	gz_strlist got = {0};
	gz_source *s = NULL;
	gz_source_stamp st;
	gz_buf b = GZ_BUF_INIT;
	size_t i;

	CHECK(mkdtemp(root) != NULL);
	mkdirs(root, "content");
	for (i = 0; i < 300; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "content/%03zu", i);
		mkdirs(root, rel);
		snprintf(rel, sizeof(rel), "content/%03zu/p.md", i);
		put(root, rel);
		/* each file its own size */
		gz_buf_clear(&b);
		gz_buf_printf(&b, "%s/%s", root, rel);
		CHECK(truncate(b.ptr, (off_t)i) == 0);
	}
	CHECK(gz_source_open_dir(&s, root, NULL) == 0);
	gz_source_list(s, "content", &got);
	CHECK_INT(got.n, 300);
	for (i = 0; i < got.n; i++) {
		CHECK(gz_source_stamp_of(s, got.items[i], &st) == 0);
		CHECK_INT(st.size, i);
	}
	gz_buf_release(&b);
	done_with(s, &got, root);
}

void suite_source(void)
{
	gz_test_run("listing", listing);
	gz_test_run("listing many folders", many_folders);
	gz_test_run("safe_paths", safe_paths);
	gz_test_run("path_joins", joins);
}
