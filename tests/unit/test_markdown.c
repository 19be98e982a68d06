#include <stdlib.h>

#include "load/markdown.h"
#include "test.h"

static gz_md_result render(const char *md, bool unsafe, const char *base)
{
	gz_md_result r;
	gz_md_opts o = {.unsafe = unsafe, .base_path = base, .line_offset = 4};

	gz_markdown_render(&r, md, strlen(md), &o);
	return r;
}

static void gfm(void)
{
	gz_md_result r = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ https://example.org\n",
				false, "/");

	CHECK(strstr(r.html, "<table>") != NULL);
	CHECK(strstr(r.html, "<del>old</del>") != NULL);
	CHECK(strstr(r.html, "<a href=\"https://example.org\">") != NULL);
	gz_md_result_release(&r);
}

/* a footnote's way back to its mark is read out in the site's language */
static void backref_label(void)
{
	const char *md = "正文[^1]。\n\n[^1]: 注释。\n";
	gz_md_opts o = {.base_path = "/", .backref_label = "返回正文"};
	gz_md_result r;

	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK(strstr(r.html, "aria-label=\"返回正文\"") != NULL);
	CHECK(strstr(r.html, "Back to content") == NULL);
	CHECK(r.html_len == strlen(r.html));
	gz_md_result_release(&r);
	r = render(md, false, "/");
	CHECK(strstr(r.html, "Back to content") != NULL);
	gz_md_result_release(&r);
}

static void raw_html(void)
{
	gz_md_result r = render("<script>alert(1)</script>\n\n<b>x</b>\n", false, "/");

	CHECK(strstr(r.html, "<script>") == NULL);
	CHECK(strstr(r.html, "<b>") == NULL);
	gz_md_result_release(&r);
	r = render("<b>x</b>\n\n<script>alert(1)</script>\n", true, "/");
	CHECK(strstr(r.html, "<b>x</b>") != NULL);
	/* tagfilter still disarms script when raw HTML is allowed */
	CHECK(strstr(r.html, "<script>") == NULL);
	gz_md_result_release(&r);
}

static void chinese_breaks(void)
{
	gz_md_result r = render("孟庆龙在\n穆棱镇养蜂。\nHe keeps\nbees.\n", false, "/");

	CHECK(strstr(r.html, "孟庆龙在穆棱镇养蜂。") != NULL);
	CHECK(strstr(r.html, "He keeps\nbees.") != NULL);
	CHECK_STR(r.lead, "孟庆龙在穆棱镇养蜂。He keeps bees.");
	gz_md_result_release(&r);
}

static void images(void)
{
	gz_md_result r = render("text\n\n![羊](/photos/a.jpg \"羊群\")\n", false, "/news/");

	CHECK_INT(r.nimages, 1);
	if (r.nimages) {
		CHECK_STR(r.images[0].src, "/photos/a.jpg");
		CHECK_INT(r.images[0].line, 3 + 4);
	}
	CHECK(strstr(r.html, "src=\"/news/photos/a.jpg\"") != NULL);
	gz_md_result_release(&r);
}

/* `**` next to Chinese punctuation opens and closes as a reader expects;
 * English, code, URLs and the story's text are as they were. */
static void chinese_emphasis(void)
{
	gz_md_result r = render("**问：**答案。那是**“重要”**的事，*（注）*见下。\n\n"
				"`**：**码` [链](/a/**：**b) and *a.*b\n\n"
				"![图](/p.jpg) **问：**再问 ![图二](/q.jpg)\n\n"
				"```\n**问：**答\n```\n",
				false, "/");

	CHECK(strstr(r.html, "<strong>问：</strong>答案。") != NULL);
	CHECK(strstr(r.html, "那是<strong>“重要”</strong>的事") != NULL);
	CHECK(strstr(r.html, "<em>（注）</em>见下") != NULL);
	CHECK(strstr(r.html, "<code>**：**码</code>") != NULL);
	CHECK(strstr(r.html, "href=\"/a/**%EF%BC%9A**b\"") != NULL);
	CHECK(strstr(r.html, "and *a.*b") != NULL);
	CHECK(strstr(r.html, "<strong>问：</strong>再问") != NULL);
	CHECK(strstr(r.html, "<code>**问：**答\n</code>") != NULL);
	CHECK(strstr(r.html, "\xef\xb7\x90") == NULL);
	CHECK(strstr(r.plain, "\xef\xb7\x90") == NULL);
	CHECK(strstr(r.plain, "问：答案。") != NULL);
	/* columns in messages count the file's characters, not the marks */
	CHECK_INT(r.nimages, 2);
	if (r.nimages == 2)
		CHECK_INT(r.images[1].col, 23);
	gz_md_result_release(&r);
}

/* ::: lines inside fenced code are code, not shortcodes */
static void fenced_shortcodes(void)
{
	gz_md_result r = render("```md\n::: note\n:::\n```\n\n~~~~\n:::\n~~~\n~~~~\n", false, "/");

	CHECK_INT(r.nerrors, 0);
	CHECK(strstr(r.html, "<pre lang=\"md\"><code>::: note\n:::\n</code>") != NULL);
	CHECK(strstr(r.html, "<code>:::\n~~~\n</code>") != NULL);
	gz_md_result_release(&r);
	/* after the fence closes, ::: is a shortcode fence again */
	r = render("```\nx\n```\n:::\n", false, "/");
	CHECK(r.nerrors == 1 && strstr(r.errors[0].msg, "closes no shortcode"));
	gz_md_result_release(&r);
}

static int sc_bad_fails(gz_md_sc *sc, void *payload, char **err)
{
	(void)payload;
	if (!strcmp(sc->name, "bad")) {
		*err = strdup("bad shortcode");
		return -1;
	}
	sc->html = strdup("<div>ok</div>");
	return 0;
}

/* Every mistake of a page, at its line of the file, in the order of the
 * text: a shortcode that fails (alone, and inside one that works), a
 * ':::' that closes nothing, one never closed. The one never closed is
 * not run, so its own failure, which would follow from holding the rest
 * of the page, is not reported. */
static void every_error(void)
{
	const char *md = "甲\n\n::: bad\n:::\n\n:::\n\n::: good\n::: bad\n:::\n:::\n\n::: bad\n内容\n";
	gz_md_hooks h = {.shortcode = sc_bad_fails};
	gz_md_opts o = {.base_path = "/", .line_offset = 4, .hooks = &h};
	gz_md_result r;

	CHECK_INT(gz_markdown_render(&r, md, strlen(md), &o), -1);
	CHECK_INT(r.nerrors, 4);
	if (r.nerrors == 4) {
		CHECK_INT(r.errors[0].line, 7);
		CHECK_STR(r.errors[0].msg, "bad shortcode");
		CHECK_INT(r.errors[1].line, 10);
		CHECK(strstr(r.errors[1].msg, "closes no shortcode") != NULL);
		CHECK_INT(r.errors[2].line, 13);
		CHECK_STR(r.errors[2].msg, "bad shortcode");
		CHECK_INT(r.errors[3].line, 17);
		CHECK(strstr(r.errors[3].msg, "'bad' is never closed") != NULL);
	}
	gz_md_result_release(&r);
	/* two left open: two closes are missing */
	md = "::: good\n::: good\n";
	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK_INT(r.nerrors, 2);
	if (r.nerrors == 2)
		CHECK(r.errors[0].line == 5 && r.errors[1].line == 6);
	gz_md_result_release(&r);
}

static int sc_inner(gz_md_sc *sc, void *payload, char **err)
{
	(void)payload;
	(void)err;
	sc->html = strdup(sc->inner_html);
	return 0;
}

static char *fig_image(const gz_md_image *img, void *payload)
{
	(void)img;
	(void)payload;
	return strdup("<!--gz-fig 0-->");
}

/* How many times s holds what */
static int count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what))) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* A task list: on the web a box in a label with the item's text, ticked
 * or not, that the reader cannot tick; in the blocks and the text the box
 * is the item's marker (after a number); "[x]" and "[ ]" nowhere, nor in
 * a shortcode's content; a photo first in an item stands before the
 * box, which its text names still. */
static void tasklist(void)
{
	const char *md = "办理前请准备：\n\n- [x] 身份证原件\n- [ ] 户口簿\n- 普通\n\n"
			 "1. [X] 填写**申请表**\n\n::: box\n- [x] 框里的\n:::\n\n"
			 "- [ ] ![照片](a.jpg)照片后的字\n";
	gz_md_hooks h = {.shortcode = sc_inner};
	gz_md_opts o = {.base_path = "/", .hooks = &h, .image_html = fig_image};
	gz_md_result r;

	CHECK_INT(gz_markdown_render(&r, md, strlen(md), &o), 0);
	CHECK(strstr(r.html, "<li><label class=\"task\"><input type=\"checkbox\" checked=\"\" "
			     "disabled=\"\" /> 身份证原件</label></li>\n"
			     "<li><label class=\"task\"><input type=\"checkbox\" disabled=\"\" /> "
			     "户口簿</label></li>\n<li>普通</li>") != NULL);
	CHECK(strstr(r.html, "<li><label class=\"task\"><input type=\"checkbox\" checked=\"\" "
			     "disabled=\"\" /> 填写<strong>申请表</strong></label></li>") != NULL);
	CHECK(strstr(r.html, "<li><label class=\"task\"><input type=\"checkbox\" checked=\"\" "
			     "disabled=\"\" /> 框里的</label></li>") != NULL);
	CHECK(strstr(r.html, "<li>\n<!--gz-fig 0-->\n<label class=\"task\"><input "
			     "type=\"checkbox\" disabled=\"\" /> 照片后的字</label></li>") != NULL);
	CHECK_INT(count(r.html, "<input"), 5);
	CHECK_INT(count(r.html, "checked"), 3);
	CHECK(strstr(r.doc, "i-1\t√\t身份证原件\ni-1\t□\t户口簿\ni-1\t•\t普通\n"
			    "i-1\t1. √\t填写<b>申请表</b>\n") != NULL);
	CHECK(strstr(r.doc, "g-0\t\ni-1\t□\t照片后的字\n") != NULL);
	CHECK(strstr(r.plain, "办理前请准备：\n√ 身份证原件\n□ 户口簿\n• 普通\n1. √ 填写申请表\n"
			      "√ 框里的\n") != NULL);
	CHECK(strstr(r.lead, "身份证原件") != NULL);
	CHECK(!strstr(r.html, "[x]") && !strstr(r.html, "[X]") && !strstr(r.html, "[ ]"));
	CHECK(!strstr(r.plain, "[x]") && !strstr(r.plain, "[ ]") && !strstr(r.lead, "[x]"));
	CHECK(!strstr(r.doc, "[x]") && !strstr(r.doc, "[ ]"));
	gz_md_result_release(&r);
}

void suite_markdown(void)
{
	gz_test_run("markdown_tasklist", tasklist);
	gz_test_run("markdown_every_error", every_error);
	gz_test_run("markdown_fenced_shortcodes", fenced_shortcodes);
	gz_test_run("markdown_chinese_emphasis", chinese_emphasis);
	gz_test_run("markdown_gfm", gfm);
	gz_test_run("markdown_backref_label", backref_label);
	gz_test_run("markdown_raw_html", raw_html);
	gz_test_run("markdown_chinese_breaks", chinese_breaks);
	gz_test_run("markdown_images", images);
}
