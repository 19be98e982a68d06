#include <stdlib.h>

#include "buf.h"
#include "test.h"
#include "tokenize.h"

static const char *join(gz_buf *b, const char *s, bool query)
{
	gz_buf_clear(b);
	gz_tokenize_join(b, s, strlen(s), query);
	return b->ptr;
}

static void chinese(void)
{
	gz_buf b = GZ_BUF_INIT;

	CHECK_STR(join(&b, "养羊户", false), "养 羊 养羊 户 羊户");
	CHECK_STR(join(&b, "养羊户", true), "养羊 羊户");
	CHECK_STR(join(&b, "羊", true), "羊");
	CHECK_STR(join(&b, "羊", false), "羊");
	/* punctuation separates: no bigram across it */
	CHECK_STR(join(&b, "养，羊", false), "养 羊");
	CHECK_STR(join(&b, "“脱贫”", true), "脱贫");
	CHECK_STR(join(&b, "", false), "");
	CHECK_STR(join(&b, "，。！？", true), "");
	gz_buf_release(&b);
}

static void mixed(void)
{
	gz_buf b = GZ_BUF_INIT;

	CHECK_STR(join(&b, "2019年养蜂3000元", false), "2019 年 养 年养 蜂 养蜂 3000 元");
	CHECK_STR(join(&b, "3000元", true), "3000 元");
	/* full-width digits and letters fold to ASCII */
	CHECK_STR(join(&b, "２０１９年ＴＶ", false), "2019 年 tv");
	CHECK_STR(join(&b, "Muling 合作社", true), "muling 合作 作社");
	gz_buf_release(&b);
}

static void latin(void)
{
	gz_buf b = GZ_BUF_INIT;

	CHECK_STR(join(&b, "Hello, World! e-commerce", false), "hello world e commerce");
	CHECK_STR(join(&b, "NEAR \"x\" * -y", true), "near x y");
	/* invalid UTF-8 is a separator, never a token */
	CHECK_STR(join(&b, "ab\xff\xfe" "cd", false), "ab cd");
	/* kana and hangul are per character like Han */
	CHECK_STR(join(&b, "カナ", true), "カナ");
	gz_buf_release(&b);
}

static void hash(void)
{
	/* FNV-1a reference values; search.js must agree */
	CHECK_INT(gz_tokenize_hash("", 0), 2166136261u);
	CHECK_INT(gz_tokenize_hash("a", 1), 0xe40c292cu);
	CHECK_INT(gz_tokenize_hash("养羊", strlen("养羊")) % 256,
		  gz_tokenize_hash("养羊", 6) % 256);
}

void suite_tokenize(void)
{
	gz_test_run("tokenize chinese", chinese);
	gz_test_run("tokenize mixed", mixed);
	gz_test_run("tokenize latin", latin);
	gz_test_run("tokenize hash", hash);
}
