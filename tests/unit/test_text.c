#include <stdlib.h>

#include "base/buf.h"
#include "test.h"
#include "base/text.h"

static void count_chinese(void)
{
	/* 9 Han characters, 2 full-width marks, "2019" and "Muling" as words */
	const char *s = "孟庆龙2019年养蜂，Muling 合作社。";
	CHECK_INT(gz_text_count(s, strlen(s)), 9 + 2 + 2);
	CHECK_INT(gz_text_count("", 0), 0);
	CHECK_INT(gz_text_count("hello world", 11), 2);
	/* an emoji (with or without a skin tone) and an Extension B character
	 * are one character each */
	CHECK_INT(gz_text_count("😀𠀀", strlen("😀𠀀")), 2);
	CHECK_INT(gz_text_count("👍🏽好", strlen("👍🏽好")), 2);
	/* never by spaces: a paragraph with no spaces counts every character */
	CHECK_INT(gz_text_count("脱贫攻坚", strlen("脱贫攻坚")), 4);
	/* CJK punctuation is a character and ends a word; a cut-off one is none */
	CHECK_INT(gz_text_count("ab、cd「好」", strlen("ab、cd「好」")), 6);
	CHECK_INT(gz_text_count("好\xe5\xa5", 5), 1);
}

static void minutes(void)
{
	CHECK_INT(gz_text_minutes(0, 400), 1);
	CHECK_INT(gz_text_minutes(1000, 400), 3);
	CHECK_INT(gz_text_minutes(250, 250), 1);
}

static void truncate_chars(void)
{
	gz_buf b = GZ_BUF_INIT;
	const char *s = "穆棱市脱贫攻坚";

	gz_text_truncate(&b, s, strlen(s), 3);
	CHECK_STR(b.ptr, "穆棱市…");
	gz_buf_clear(&b);
	gz_text_truncate(&b, s, strlen(s), 7);
	CHECK_STR(b.ptr, s);
	gz_buf_release(&b);
}

static void summary_at_sentence(void)
{
	gz_buf b = GZ_BUF_INIT;
	const char *s = "第一句话讲的是养蜂的事情。第二句话讲合作社怎样带动了全村的农户一起致富。第三句。";

	/* target 10: the first sentence (13 chars) is within 1.5x */
	gz_text_summary(&b, s, strlen(s), 10);
	CHECK_STR(b.ptr, "第一句话讲的是养蜂的事情。");
	gz_buf_clear(&b);
	/* short text is kept whole */
	gz_text_summary(&b, "短。", strlen("短。"), 120);
	CHECK_STR(b.ptr, "短。");
	gz_buf_clear(&b);
	/* no sentence end near the target: cut by characters with an ellipsis */
	s = "一二三四五六七八九十一二三四五六七八九十";
	gz_text_summary(&b, s, strlen(s), 5);
	CHECK_STR(b.ptr, "一二三四五…");
	gz_buf_clear(&b);
	/* a closing quote stays with its sentence */
	s = "他说：“日子好了。”后来又说了很多很多很多很多的话。";
	gz_text_summary(&b, s, strlen(s), 9);
	CHECK_STR(b.ptr, "他说：“日子好了。”");
	gz_buf_release(&b);
}

static void utf8(void)
{
	int line = 0, col = 0;

	CHECK(gz_utf8_valid("穆棱\nok", strlen("穆棱\nok"), &line, &col));
	CHECK(!gz_utf8_valid("ab\n穆\xff", 8, &line, &col));
	CHECK_INT(line, 2);
	CHECK_INT(col, 2);
	/* overlong and surrogate forms are invalid */
	CHECK(!gz_utf8_valid("\xc0\xaf", 2, NULL, NULL));
	CHECK(!gz_utf8_valid("\xed\xa0\x80", 3, NULL, NULL));
	CHECK(!gz_utf8_valid("\xe0\x9f\xbf", 3, NULL, NULL));
	CHECK(gz_utf8_valid("\xe0\xa0\x80\xed\x9f\xbf\xef\xbf\xbd", 9, NULL, NULL));
	CHECK(!gz_utf8_valid("\xe4\xb8\x41", 3, NULL, NULL));
	CHECK(!gz_utf8_valid("\xe4\x41\xb8", 3, NULL, NULL));
	CHECK(!gz_utf8_valid("\xf0\x9f\x98", 3, NULL, NULL));
	/* truncated sequence at the end */
	CHECK(!gz_utf8_valid("\xe7\xa9", 2, NULL, NULL));
}

static void slugs(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_slugify(&b, "Meng Qinglong's Bees!");
	CHECK_STR(b.ptr, "meng-qinglong-s-bees");
	gz_buf_clear(&b);
	gz_slugify(&b, "穆棱镇 (东村)");
	CHECK_STR(b.ptr, "穆棱镇-东村");
	gz_buf_clear(&b);
	gz_slugify(&b, "../../etc/passwd");
	CHECK_STR(b.ptr, "etc-passwd");
	gz_buf_clear(&b);
	gz_slugify(&b, "<script>");
	CHECK_STR(b.ptr, "script");
	gz_buf_release(&b);

	CHECK(gz_slug_is_hostile("../x"));
	CHECK(gz_slug_is_hostile("a/b"));
	CHECK(gz_slug_is_hostile("a\\b"));
	CHECK(gz_slug_is_hostile(""));
	CHECK(gz_slug_is_hostile("a\nb"));
	CHECK(!gz_slug_is_hostile("meng-qinglong"));
	CHECK(!gz_slug_is_hostile("养蜂"));
}

static void html_escape(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_add_html(&b, "<a href=\"x\">'&'</a>", 20);
	CHECK_STR(b.ptr, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	gz_buf_release(&b);
}

static void squeeze(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_puts(&b, "  第一段。\n第二段。 a  b \n");
	gz_text_squeeze(&b);
	CHECK_STR(b.ptr, "第一段。第二段。a b");
	gz_buf_clear(&b);
	gz_buf_puts(&b, "\t\r\n a\r\nb 中 c\t\t");
	gz_text_squeeze(&b);
	CHECK_STR(b.ptr, "a b中c");
	gz_buf_clear(&b);
	gz_buf_puts(&b, " \n ");
	gz_text_squeeze(&b);
	CHECK_STR(b.ptr, "");
	gz_buf_release(&b);
}

/* Read aloud, a space parts a Latin word from a Chinese one and Latin
 * words from each other; between Chinese characters and beside a Chinese
 * mark it goes. */
static void squeeze_mixed(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_puts(&b, " 或访问 https://example.com/coop  了解，\n也可以用 App 下单。 好 的\t");
	gz_text_squeeze_mixed(&b);
	CHECK_STR(b.ptr, "或访问 https://example.com/coop 了解，也可以用 App 下单。好的");
	gz_buf_clear(&b);
	gz_buf_puts(&b, "1. 第一步 “引语” é 中 ＡＢ 文");
	gz_text_squeeze_mixed(&b);
	CHECK_STR(b.ptr, "1. 第一步“引语”é 中ＡＢ文");
	gz_buf_clear(&b);
	gz_buf_puts(&b, "\xe4\xb8 a");
	gz_text_squeeze_mixed(&b);
	CHECK_STR(b.ptr, "\xe4\xb8 a");
	gz_buf_release(&b);
}

/* Where a title's line may end: after a Chinese mark (its bytes), "——" or
 * a space; not after a letter, an opening mark or an ASCII colon. */
static void break_marks(void)
{
	CHECK_INT(gz_text_break_mark("，后"), 3);
	CHECK_INT(gz_text_break_mark("：讲好"), 3);
	CHECK_INT(gz_text_break_mark("——他"), 6);
	CHECK_INT(gz_text_break_mark(" App"), 1);
	CHECK_INT(gz_text_break_mark("”给"), 3);
	CHECK_INT(gz_text_break_mark("好，"), 0);
	CHECK_INT(gz_text_break_mark("“说"), 0);
	CHECK_INT(gz_text_break_mark(":x"), 0);
	CHECK_INT(gz_text_break_mark(""), 0);
}

/* A layout of one unit a character, breaking anywhere and at '\n'. */
static int mono_lines(const char *markup, double width, double *last, size_t *starts, int max,
		      void *payload)
{
	int n = 1, col = 0, *calls = payload;
	size_t i, len = strlen(markup), ci = 0;
	uint32_t cp;

	(*calls)++;
	if (starts && max > 0)
		starts[0] = 0;
	for (i = 0; i < len; i += gz_utf8_decode(markup + i, len - i, &cp), ci++) {
		if (markup[i] == '\n' || col + 1 > width) {
			if (starts && n < max)
				starts[n] = ci + (markup[i] == '\n');
			n++;
			col = 0;
		}
		if (markup[i] != '\n')
			col++;
	}
	*last = col;
	return n;
}

/* A title's lines: broken after its last mark that lets each side fit a
 * line, or else as even as they go; a full last line is left alone. */
static void balance(void)
{
	gz_text_balanced b;
	int calls = 0;

	/* 9 + 9 + 1 becomes 7 + 7 + 5 */
	gz_text_balance(&b, "穆棱市脱贫攻坚典型案例汇编与经验做法选", 9, mono_lines, &calls);
	CHECK(b.markup == NULL);
	CHECK(b.width >= 7 && b.width < 8);
	/* 10 + 2 with a "，" after six: there */
	gz_text_balance(&b, "家里有人住院，先做什么？", 10, mono_lines, &calls);
	CHECK_STR(b.markup, "家里有人住院，\n先做什么？");
	free(b.markup);
	/* markup is balanced, not broken at a mark */
	gz_text_balance(&b, "<b>家里有人住院，先做什么？</b>", 10 + 7, mono_lines, &calls);
	CHECK(b.markup == NULL);
	/* a last line of half the width, and one line, stay as they are */
	gz_text_balance(&b, "一二三四五六七八九十一二三四五", 10, mono_lines, &calls);
	CHECK(b.markup == NULL && b.width == 10);
	gz_text_balance(&b, "一二三", 10, mono_lines, &calls);
	CHECK(b.markup == NULL && b.width == 10);
	CHECK(calls > 0);
}

/* A marked title keeps its line breaks; each part is balanced alone, its
 * own breaks put in the markup, at the box's width. */
static void balance_marked(void)
{
	gz_text_balanced b;
	int calls = 0;

	gz_text_balance(&b, "穆棱市脱贫攻坚\n典型案例", 9, mono_lines, &calls);
	CHECK(b.markup == NULL && b.width == 9);
	/* 9 + 1 becomes 5 + 5, the mark kept */
	gz_text_balance(&b, "穆棱市\n脱贫攻坚典型案例汇编", 9, mono_lines, &calls);
	CHECK_STR(b.markup, "穆棱市\n脱贫攻坚典\n型案例汇编");
	CHECK(b.width == 9);
	free(b.markup);
	/* a part broken after its mark */
	gz_text_balance(&b, "穆棱市\n家里有人住院，先做什么？", 10, mono_lines, &calls);
	CHECK_STR(b.markup, "穆棱市\n家里有人住院，\n先做什么？");
	free(b.markup);
}

/* A title's line breaks: one '\n' each where print sets it large; taken
 * out everywhere else, with a space only between two non-Chinese
 * characters. A title without a line break is as it was. */
static void title_marks(void)
{
	static const char *const cases[][3] = {
		{"穆棱市脱贫攻坚\n典型案例", "穆棱市脱贫攻坚\n典型案例", "穆棱市脱贫攻坚典型案例"},
		/* title: | ends in a newline */
		{"穆棱市脱贫攻坚\n典型案例\n", "穆棱市脱贫攻坚\n典型案例", "穆棱市脱贫攻坚典型案例"},
		{"\n 穆棱 \r\n\n 案例 \n", "穆棱\n案例", "穆棱案例"},
		{"Poverty \nAlleviation\r\nCases", "Poverty\nAlleviation\nCases",
		 "Poverty Alleviation Cases"},
		{"2019\n年度", "2019\n年度", "2019年度"},
		{"看病就医\n“三张网”", "看病就医\n“三张网”", "看病就医“三张网”"},
		{"“三张网”\nA", "“三张网”\nA", "“三张网”A"},
		{" 穆棱  App ", " 穆棱  App ", " 穆棱  App "},
		{"", "", ""},
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_STR(s = gz_text_title_marked(cases[i][0]), cases[i][1]);
		free(s);
		CHECK_STR(s = gz_text_title_whole(cases[i][0]), cases[i][2]);
		free(s);
	}
	CHECK(gz_text_title_whole(NULL) == NULL);
}

void suite_text(void)
{
	gz_test_run("balance", balance);
	gz_test_run("balance_marked", balance_marked);
	gz_test_run("title_marks", title_marks);
	gz_test_run("break_marks", break_marks);
	gz_test_run("count_chinese", count_chinese);
	gz_test_run("minutes", minutes);
	gz_test_run("truncate_chars", truncate_chars);
	gz_test_run("summary_at_sentence", summary_at_sentence);
	gz_test_run("utf8", utf8);
	gz_test_run("slugs", slugs);
	gz_test_run("html_escape", html_escape);
	gz_test_run("squeeze", squeeze);
	gz_test_run("squeeze_mixed", squeeze_mixed);
}
