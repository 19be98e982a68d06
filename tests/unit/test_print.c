#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "media/pdf.h"
#include "print/internal.h"
#include "print/print.h"
#include "test.h"

/* Pairs of marks lose half an em, quotes get break chances, tags stay. */
static void test_cjk_markup(void)
{
	size_t pairs = 0;
	char *m = gz_print_cjk_markup("<b>他说：“好。”</b>她", &pairs);

	CHECK(m != NULL);
	CHECK_INT(pairs, 2);
	CHECK(strstr(m, "<span font_features=\"halt\">：</span>\xe2\x80\x8b“") != NULL);
	CHECK(strstr(m, "<span font_features=\"halt\">。</span>”</b>") != NULL);
	CHECK(!strncmp(m, "<b>他说", strlen("<b>他说")));
	free(m);
	CHECK(gz_print_cjk_markup("<i>a</i> &amp; b", NULL) == NULL);
	/* a note's mark is joined to the word before it (U+2060) */
	m = gz_print_cjk_markup("第8项<sup>8</sup>", NULL);
	CHECK(m != NULL && !strcmp(m, "第8项\xe2\x81\xa0<sup>8</sup>"));
	free(m);
	CHECK(gz_print_cjk_markup("<sup>1</sup>a", NULL) == NULL);
}

/* Measured as pango sets it: a line of sixteen pairs is eight ems
 * shorter (within a point). */
static void test_cjk_width(void)
{
	gz_pdf_opts o = {.width = 600, .height = 800, .measure = true};
	gz_pdf_style st = {.family = "Noto Serif CJK SC", .size = 10, .leading = 1.5};
	gz_pdf *pdf = NULL;
	char *err = NULL, *m;
	const char *text = "好。”对。”好。”对。”好。”对。”好。”对。”"
			   "好。”对。”好。”对。”好。”对。”好。”对。”";
	size_t pairs = 0;
	gz_pdf_text *a, *b;
	double saved;

	CHECK_INT(gz_pdf_new(&pdf, &o, &err), 0);
	if (!pdf)
		return;
	m = gz_print_cjk_markup(text, &pairs);
	CHECK_INT(pairs, 16);
	a = gz_pdf_text_new(pdf, text, &st, 1000, &err);
	b = gz_pdf_text_new(pdf, m, &st, 1000, &err);
	CHECK(a && b);
	if (a && b) {
		saved = gz_pdf_text_width(a) - gz_pdf_text_width(b);
		CHECK(saved > 16 * 5 - 1 && saved < 16 * 5 + 1);
	}
	gz_pdf_text_free(a);
	gz_pdf_text_free(b);
	gz_pdf_free(pdf);
	free(m);
}

/* A one-line paragraph takes the line pitch of a longer one: the space
 * that follows it is the same (within a hundredth of a point). */
static void test_line_pitch(void)
{
	gz_pdf_opts o = {.width = 600, .height = 800, .measure = true};
	gz_pdf_style st = {.family = "Noto Serif CJK SC", .size = 11, .leading = 1.6};
	gz_pdf *pdf = NULL;
	char *err = NULL;
	gz_pdf_text *one, *two;

	CHECK_INT(gz_pdf_new(&pdf, &o, &err), 0);
	if (!pdf)
		return;
	one = gz_pdf_text_new(pdf, "一行。", &st, 200, &err);
	two = gz_pdf_text_new(pdf, "一行。\n又一行。", &st, 200, &err);
	CHECK(one && two);
	if (one && two) {
		double pitch = gz_pdf_text_top(two, 1) - gz_pdf_text_top(two, 0);
		CHECK_INT(gz_pdf_text_lines(one), 1);
		CHECK_INT(gz_pdf_text_lines(two), 2);
		CHECK(pitch > 11 * 1.6);
		CHECK(gz_pdf_text_height(one) > pitch - 0.01 && gz_pdf_text_height(one) < pitch + 0.01);
		CHECK(gz_pdf_text_height(two) > 2 * pitch - 0.01 &&
		      gz_pdf_text_height(two) < 2 * pitch + 0.01);
	}
	gz_pdf_text_free(one);
	gz_pdf_text_free(two);
	gz_pdf_free(pdf);
}

/* Text at a size between whole points keeps its size's advance: ten
 * characters at 8.5 pt are 85 pt wide, not set on a whole-point grid
 * (89.5 pt, each advance but the last rounded up to 9). */
static void test_half_points(void)
{
	gz_pdf_opts o = {.width = 600, .height = 800, .measure = true};
	gz_pdf_style st = {.family = "Noto Serif CJK SC", .size = 8.5, .leading = 1.5};
	gz_pdf *pdf = NULL;
	char *err = NULL;
	gz_pdf_text *t;

	CHECK_INT(gz_pdf_new(&pdf, &o, &err), 0);
	if (!pdf)
		return;
	t = gz_pdf_text_new(pdf, "下沉干部下沉干部下沉", &st, 500, &err);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(gz_pdf_text_lines(t), 1);
		CHECK(gz_pdf_text_width(t) > 84.9 && gz_pdf_text_width(t) < 85.1);
	}
	gz_pdf_text_free(t);
	gz_pdf_free(pdf);
}

/* A web address breaks where a book breaks one: after a slash (not
 * inside "//"), before '.', '_', '?', by '=' and '&'; not inside its host,
 * not in its last few characters, not after a '-' or '?' it breaks before;
 * the text around it and a sentence's full stop after it left alone. */
static void test_url_breaks(void)
{
	gz_buf b = GZ_BUF_INIT;
	const char *want;

	print_url_breaks(&b, "见 <b>https://www.a-b.cn/x-y/2019/a_b.html?s=p&amp;id=20190608."
			     "</b>");
	want = "见 <b><span insert_hyphens=\"false\">https://\xe2\x80\x8bwww"
	       "<span allow_breaks=\"false\">.a</span><span allow_breaks=\"false\">-b</span>"
	       "<span allow_breaks=\"false\">.c</span>n/\xe2\x80\x8b"
	       "x\xe2\x80\x8b<span allow_breaks=\"false\">-y</span>/\xe2\x80\x8b"
	       "2019/\xe2\x80\x8b"
	       "a\xe2\x80\x8b<span allow_breaks=\"false\">_b</span>\xe2\x80\x8b"
	       "<span allow_breaks=\"false\">.h</span>tml\xe2\x80\x8b"
	       "<span allow_breaks=\"false\">?s</span>\xe2\x80\x8b=\xe2\x80\x8bp\xe2\x80\x8b&amp;"
	       "\xe2\x80\x8bid\xe2\x80\x8b=\xe2\x80\x8b" "20190608</span>.</b>";
	CHECK_STR(b.ptr, want);
	gz_buf_clear(&b);
	print_url_breaks(&b, "无地址的注释：2019/06/a_b，xhttps://a.cn/b_c");
	CHECK_STR(b.ptr, "无地址的注释：2019/06/a_b，xhttps://a.cn/b_c");
	gz_buf_release(&b);
}

void suite_print(void)
{
	gz_test_run("print url breaks", test_url_breaks);
	gz_test_run("print half points", test_half_points);
	gz_test_run("print line pitch", test_line_pitch);
	gz_test_run("print cjk markup", test_cjk_markup);
	gz_test_run("print cjk width", test_cjk_width);
}
