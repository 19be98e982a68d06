#include <stdlib.h>
#include <string.h>

#include "load/doc.h"
#include "load/markdown.h"
#include "test.h"

/* Fields with tabs, newlines and backslashes come back as written. */
static void test_round_trip(void)
{
	gz_buf d = GZ_BUF_INIT;
	const char *f[3] = {"a\tb", "line\nnext", "back\\slash"};
	gz_doc_reader r;
	gz_doc_block b;

	gz_doc_add(&d, GZ_DOC_TABLE, 'p', 3, 3, f);
	gz_doc_add2(&d, GZ_DOC_HEAD, '-', 2, "标题", NULL);
	gz_doc_reader_init(&r, d.ptr);
	CHECK(gz_doc_next(&r, &b));
	CHECK(b.kind == GZ_DOC_TABLE && b.target == 'p' && b.num == 3);
	CHECK_INT(b.nfields, 3);
	CHECK_STR(b.fields[0], "a\tb");
	CHECK_STR(b.fields[1], "line\nnext");
	CHECK_STR(b.fields[2], "back\\slash");
	CHECK(gz_doc_next(&r, &b));
	CHECK(b.kind == GZ_DOC_HEAD && b.num == 2 && b.nfields == 1);
	CHECK_STR(b.fields[0], "标题");
	CHECK(!gz_doc_next(&r, &b));
	gz_doc_reader_release(&r);
	gz_buf_clear(&d);
	/* a line begins with kind, target and number, as written */
	gz_doc_add2(&d, GZ_DOC_PARA, 0, 0, NULL, NULL);
	gz_doc_add2(&d, GZ_DOC_HEAD, 'p', -12, "x", NULL);
	gz_doc_add2(&d, GZ_DOC_HEAD, 't', 2147483647, NULL, NULL);
	CHECK_STR(d.ptr, "p-0\nhp-12\tx\nht2147483647\n");
	gz_buf_release(&d);
}

static void test_plain(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_doc_plain(&b, "<b>粗</b>&amp;&lt;x&gt;&#20013;&#x6587;<i>斜</i>");
	CHECK_STR(b.ptr, "粗&<x>中文斜");
	gz_buf_release(&b);
}

static void image_line(gz_buf *out, int index, const char *alt, void *payload)
{
	(void)payload;
	gz_buf_printf(out, "[img %d %s]\n", index, alt);
}

/* The text rendering: print-only blocks out, text-only in, table rows on
 * lines with empty cells closed up, images through the callback. */
static void test_text(void)
{
	gz_buf d = GZ_BUF_INIT, t = GZ_BUF_INIT;
	const char *cells[4] = {"<b>甲</b>", "乙", "丙", ""};

	gz_doc_add2(&d, GZ_DOC_PARA, '-', 0, "一段。", NULL);
	gz_doc_add2(&d, GZ_DOC_PARA, 'p', 0, "只印刷。", NULL);
	gz_doc_add2(&d, GZ_DOC_PARA, 't', 0, "只文字。", NULL);
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, "1.", "第一项");
	gz_doc_add(&d, GZ_DOC_TABLE, '-', 2, 4, cells);
	gz_doc_add2(&d, GZ_DOC_IMAGE, '-', 3, "alt", NULL);
	gz_doc_add2(&d, GZ_DOC_ATTRIB, '-', 0, "——某人", NULL);
	gz_doc_text(&t, d.ptr, image_line, NULL);
	CHECK_STR(t.ptr, "一段。\n只文字。\n1. 第一项\n甲　乙\n丙\n[img 3 alt]\n——某人\n");
	gz_buf_clear(&t);
	gz_doc_text(&t, d.ptr, NULL, NULL);
	CHECK(!strstr(t.ptr, "[img"));
	gz_buf_release(&d);
	gz_buf_release(&t);
}

/* Read aloud: struck-out text and footnote marks are not, an item left
 * with nothing to read goes whole, and a link's address stands apart. */
static void test_text_spoken(void)
{
	gz_buf d = GZ_BUF_INIT, t = GZ_BUF_INIT, notes = GZ_BUF_INIT;

	gz_doc_add2(&d, GZ_DOC_PARA, '-', 0, "<s>删掉的<b>话</b></s>保留的话。", NULL);
	gz_doc_add2(&d, GZ_DOC_PARA, '-', 0, "重点如下<sup>1</sup>。", NULL);
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, "2.", "<s>整项删去</s>");
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, "3.", "&lt;s&gt;不是标记");
	gz_doc_add2(&d, GZ_DOC_LINK, '-', 0, "https://example.com/v", "【视频】纪实");
	gz_doc_text_spoken(&t, &notes, d.ptr, image_line, NULL);
	CHECK_STR(t.ptr, "保留的话。\n重点如下。\n3. <s>不是标记\n"
			 "【视频】纪实 https://example.com/v\n");
	CHECK_STR(notes.ptr, "");
	/* the archive and the search keep every word */
	gz_buf_clear(&t);
	gz_doc_text(&t, d.ptr, image_line, NULL);
	CHECK_STR(t.ptr, "删掉的话保留的话。\n重点如下1。\n2. 整项删去\n3. <s>不是标记\n"
			 "【视频】纪实：https://example.com/v\n");
	gz_buf_release(&d);
	gz_buf_release(&t);
	gz_buf_release(&notes);
}

/* A task's box is read as words, before the text (after a number);
 * the text keeps the box. */
static void test_text_tasks(void)
{
	gz_buf d = GZ_BUF_INIT, t = GZ_BUF_INIT, notes = GZ_BUF_INIT;

	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, GZ_DOC_TASK_DONE, "身份证原件");
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, GZ_DOC_TASK_OPEN, "户口簿");
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, "2. " GZ_DOC_TASK_OPEN, "<b>按</b>手印");
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, "•", "普通一项");
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, GZ_DOC_TASK_OPEN, "<s>删去</s>");
	gz_doc_text_spoken(&t, &notes, d.ptr, NULL, NULL);
	CHECK_STR(t.ptr, "已完成：身份证原件\n未完成：户口簿\n2. 未完成：按手印\n• 普通一项\n");
	gz_buf_clear(&t);
	gz_doc_text(&t, d.ptr, NULL, NULL);
	CHECK_STR(t.ptr, "√ 身份证原件\n□ 户口簿\n2. □ 按手印\n• 普通一项\n□ 删去\n");
	gz_buf_release(&d);
	gz_buf_release(&t);
	gz_buf_release(&notes);
}

/* A footnote is not read aloud: its text goes to the notes, numbered, its
 * later blocks indented, its link's address (a 't' link) on a line of its
 * own; the archive and the search keep it as text, without the address. */
static void test_text_notes(void)
{
	gz_buf d = GZ_BUF_INIT, t = GZ_BUF_INIT, notes = GZ_BUF_INIT;

	gz_doc_add2(&d, GZ_DOC_PARA, '-', 0, "正文<sup>1</sup>。", NULL);
	gz_doc_add2(&d, GZ_DOC_NOTE, '-', 1, NULL, NULL);
	gz_doc_add2(&d, GZ_DOC_PARA, '-', 0, "来自<i>统计局</i>的  公报。", NULL);
	gz_doc_add2(&d, GZ_DOC_LINK, 't', 0, "https://example.com/tj", "");
	gz_doc_add2(&d, GZ_DOC_NOTE_END, '-', 0, NULL, NULL);
	gz_doc_add2(&d, GZ_DOC_NOTE, '-', 2, NULL, NULL);
	gz_doc_add2(&d, GZ_DOC_PARA, '-', 0, "第一段。", NULL);
	gz_doc_add2(&d, GZ_DOC_ITEM, '-', 1, "•", "一项");
	gz_doc_add2(&d, GZ_DOC_NOTE_END, '-', 0, NULL, NULL);
	gz_doc_text_spoken(&t, &notes, d.ptr, image_line, NULL);
	CHECK_STR(t.ptr, "正文。\n");
	CHECK_STR(notes.ptr, "注1：来自统计局的公报。\n　　https://example.com/tj\n"
			     "注2：第一段。\n　　• 一项\n");
	gz_buf_clear(&t);
	gz_doc_text(&t, d.ptr, NULL, NULL);
	CHECK_STR(t.ptr, "正文1。\n来自统计局的  公报。\n第一段。\n• 一项\n");
	gz_buf_release(&d);
	gz_buf_release(&t);
	gz_buf_release(&notes);
}

static char *marker_image(const gz_md_image *img, void *payload)
{
	int *n = payload;
	char *s = malloc(32);
	snprintf(s, 32, "<!--gz-%s %d-->", img->block ? "fig" : "img", (*n)++);
	return s;
}

/* The block list of a render: a photo beside text is set apart, the text
 * around it kept; lists, quotes, headings and tables keep their kind; the
 * HTML writes the photo as a block, outside any paragraph. */
static void test_markdown_blocks(void)
{
	int n = 0;
	gz_md_opts o = {.base_path = "/", .image_html = marker_image, .image_payload = &n};
	const char *md = "## 标题\n\n前面的字![图](a.jpg \"说明\")后面的字\n\n"
			 "1. 甲\n2. 乙\n\n> 引文\n\n| 列一 | 列二 |\n|---|---|\n| x | y |\n";
	gz_md_result r;

	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK(r.doc != NULL);
	CHECK(strstr(r.doc, "h-2\t标题\n") != NULL);
	CHECK(strstr(r.doc, "p-0\t前面的字\ng-0\t\np-0\t后面的字\n") != NULL);
	CHECK(strstr(r.doc, "i-1\t1.\t甲\ni-1\t2.\t乙\n") != NULL);
	CHECK(strstr(r.doc, "q-1\t引文\n") != NULL);
	CHECK(strstr(r.doc, "t-2\t<b>列一</b>\t<b>列二</b>\tx\ty\n") != NULL);
	CHECK(strstr(r.html, "<p>前面的字</p>\n<!--gz-fig 0-->\n<p>后面的字</p>") != NULL);
	CHECK_INT(r.nimages, 1);
	CHECK_STR(r.images[0].title, "说明");
	CHECK(r.images[0].block);
	CHECK(strstr(r.plain, "前面的字\n后面的字\n") != NULL);
	gz_md_result_release(&r);

	/* a photo first in its paragraph: the paragraph it leaves owns the
	 * text after it (AddressSanitizer catches a use after free) */
	md = "![图](a.jpg)后面的字\n![二](b.jpg)\n";
	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK(strstr(r.doc, "g-1\t\np-0\t后面的字\ng-2\t\n") != NULL);
	CHECK(strstr(r.html, "<!--gz-fig 1-->\n<p>后面的字</p>\n<!--gz-fig 2-->") != NULL);
	gz_md_result_release(&r);

	/* footnotes, numbered as the web numbers them (by first mark), each
	 * set apart; a link's address after its paragraph, unless its text
	 * is the address */
	md = "甲[^b]乙[^a]。\n\n[^a]: 见[统计局](https://example.com/tj)。\n\n"
	     "    第二段 https://example.com/x\n\n[^b]: 先引的注。\n";
	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK(strstr(r.doc, "p-0\t甲<sup>1</sup>乙<sup>2</sup>。\n"
			    "n-1\np-0\t先引的注。\no-0\n"
			    "n-2\np-0\t见统计局。\nlt0\thttps://example.com/tj\t\n"
			    "p-0\t第二段 https://example.com/x\no-0\n") != NULL);
	gz_md_result_release(&r);
}

static int sc_none(gz_md_sc *sc, void *payload, char **err)
{
	(void)payload;
	(void)err;
	sc->html = strdup("<div>x</div>");
	return 0;
}

static int sc_text_only(gz_md_sc *sc, void *payload, char **err)
{
	(void)payload;
	(void)err;
	sc->html = strdup("<div>x</div>");
	sc->text = strdup("文字形式一\n文字形式二");
	return 0;
}

/* A shortcode that gives only HTML keeps its inner blocks for print and
 * text; one that gives a text form has it printed as paragraphs. */
static void test_shortcode_defaults(void)
{
	const char *md = "::: box\n里面的字。\n:::\n";
	gz_md_hooks h = {.shortcode = sc_none};
	gz_md_opts o = {.base_path = "/", .hooks = &h};
	gz_md_result r;

	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK_INT(r.nerrors, 0);
	CHECK_STR(r.doc, "p-0\t里面的字。\n");
	CHECK(strstr(r.plain, "里面的字。") != NULL);
	gz_md_result_release(&r);

	h.shortcode = sc_text_only;
	gz_markdown_render(&r, md, strlen(md), &o);
	CHECK_STR(r.doc, "p-0\t文字形式一\np-0\t文字形式二\n");
	gz_md_result_release(&r);
}

void suite_doc(void)
{
	gz_test_run("doc round trip", test_round_trip);
	gz_test_run("doc plain", test_plain);
	gz_test_run("doc text", test_text);
	gz_test_run("doc text spoken", test_text_spoken);
	gz_test_run("doc text notes", test_text_notes);
	gz_test_run("doc text tasks", test_text_tasks);
	gz_test_run("markdown blocks", test_markdown_blocks);
	gz_test_run("shortcode defaults", test_shortcode_defaults);
}
