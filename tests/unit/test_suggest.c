#include "base/suggest.h"
#include "test.h"

static void distances(void)
{
	CHECK_INT(gz_suggest_distance("title", "title"), 0);
	CHECK_INT(gz_suggest_distance("tittle", "title"), 1);
	CHECK_INT(gz_suggest_distance("townsip", "township"), 1);
	/* a swap of neighbours is one edit */
	CHECK_INT(gz_suggest_distance("ttile", "title"), 1);
	CHECK_INT(gz_suggest_distance("", "date"), 4);
	CHECK_INT(gz_suggest_distance("kitten", "sitting"), 3);
	/* characters, not bytes: 陵 and 棱 are three bytes each */
	CHECK_INT(gz_suggest_distance("穆陵镇", "穆棱镇"), 1);
	CHECK_INT(gz_suggest_distance("马桥河", "马桥河镇"), 1);
}

static void suggestions(void)
{
	static const char *const keys[] = {"title", "date", "township", "village", "tags", "status"};
	static const char *const towns[] = {"穆棱镇", "马桥河镇", "兴源镇"};
	const size_t nk = sizeof(keys) / sizeof(*keys);

	CHECK_STR(gz_suggest("townsip", keys, nk), "township");
	CHECK_STR(gz_suggest("tittle", keys, nk), "title");
	CHECK_STR(gz_suggest("Title", keys, nk), "title");
	CHECK_STR(gz_suggest("stauts", keys, nk), "status");
	CHECK(gz_suggest("episode", keys, nk) == NULL);
	CHECK(gz_suggest("xy", keys, nk) == NULL);
	CHECK(gz_suggest("anything", keys, 0) == NULL);
	CHECK_STR(gz_suggest("穆陵镇", towns, 3), "穆棱镇");
	CHECK_STR(gz_suggest("马桥镇", towns, 3), "马桥河镇");
	CHECK(gz_suggest("下城子镇", towns, 3) == NULL);
}

void suite_suggest(void)
{
	gz_test_run("distances", distances);
	gz_test_run("suggestions", suggestions);
}
