#include <stdlib.h>

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

void suite_source(void)
{
	gz_test_run("safe_paths", safe_paths);
	gz_test_run("path_joins", joins);
}
