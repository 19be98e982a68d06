#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "test.h"
#include "write/pack.h"
#include "base/tokenize.h"

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

static void fold(void)
{
	gz_buf b = GZ_BUF_INIT;
	/* overlong, surrogate and cut-off three-byte forms are not characters */
	const char bad[] = "a\xe0\x80\x80" "b\xed\xa0\x80" "c\xe4\xb8";

	gz_tokenize_fold(&b, bad, sizeof(bad) - 1);
	CHECK_STR(b.ptr, "a   b   c  ");
	gz_buf_clear(&b);
	gz_tokenize_fold(&b, "ＡＢ养羊Ｚ１", strlen("ＡＢ养羊Ｚ１"));
	CHECK_STR(b.ptr, "ab养羊z1");
	CHECK_INT(b.len, strlen("ab养羊z1"));
	gz_buf_release(&b);
}

/* The text groups of the site index are gzip, read back by incremental
 * builds. */
static void gzip_round_trip(void)
{
	gz_buf z = GZ_BUF_INIT, out = GZ_BUF_INIT;
	const char text[] = "[\"养羊致富\\n合作社\"]\n";
	char *msg;
	gz_diag d;

	gz_diag_init(&d);
	CHECK_INT(gz_pack_gzip(&z, text, strlen(text), 4, "t.gz", &d), 0);
	CHECK(z.len > 10 && (unsigned char)z.ptr[0] == 0x1f && (unsigned char)z.ptr[1] == 0x8b);
	CHECK_INT(gz_pack_gunzip(&out, z.ptr, z.len, 1 << 20, "t.gz", &d), 0);
	CHECK_STR(out.ptr, text);
	CHECK_INT(d.n, 0);
	/* too big, not gzip, cut short: errors, not crashes (the index checks
	 * what it reads back against its record's hash first), placed at the
	 * file the bytes came from */
	gz_buf_clear(&out);
	CHECK_INT(gz_pack_gunzip(&out, z.ptr, z.len, 4, "t.gz", &d), -1);
	msg = gz_diag_first_error(&d);
	CHECK(msg && !strncmp(msg, "t.gz: cannot decompress: ", 25));
	free(msg);
	gz_buf_clear(&out);
	CHECK_INT(gz_pack_gunzip(&out, text, strlen(text), 1 << 20, "t.gz", &d), -1);
	gz_buf_clear(&out);
	CHECK_INT(gz_pack_gunzip(&out, z.ptr, z.len / 2, 1 << 20, NULL, NULL), -1);
	CHECK_INT(d.errors, 2);
	/* a length at its end that is not the text's, or a byte of it changed
	 * (its CRC tells): errors too */
	{
		gz_buf y = GZ_BUF_INIT;
		gz_buf_add(&y, z.ptr, z.len);
		y.ptr[y.len - 4] = 3;
		gz_buf_clear(&out);
		CHECK_INT(gz_pack_gunzip(&out, y.ptr, y.len, 1 << 20, NULL, NULL), -1);
		memcpy(y.ptr, z.ptr, z.len);
		y.ptr[y.len - 4] = (char)(strlen(text) + 1);
		gz_buf_clear(&out);
		CHECK_INT(gz_pack_gunzip(&out, y.ptr, y.len, 1 << 20, NULL, NULL), -1);
		memcpy(y.ptr, z.ptr, z.len);
		y.ptr[y.len - 8] ^= 1;
		gz_buf_clear(&out);
		CHECK_INT(gz_pack_gunzip(&out, y.ptr, y.len, 1 << 20, NULL, NULL), -1);
		gz_buf_release(&y);
	}
	gz_diag_release(&d);
	gz_buf_release(&z);
	gz_buf_release(&out);
}

void suite_tokenize(void)
{
	gz_test_run("tokenize chinese", chinese);
	gz_test_run("tokenize mixed", mixed);
	gz_test_run("tokenize latin", latin);
	gz_test_run("tokenize hash", hash);
	gz_test_run("tokenize fold", fold);
	gz_test_run("pack gzip round trip", gzip_round_trip);
}
