#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "desk/child.h"
#include "desk/page.h"
#include "test.h"

/* Items survive the pipe's text whatever their path and message hold;
 * another tag's lines and damaged ones are passed over. */
static void test_diag_text(void)
{
	gz_diag d, back;
	gz_buf text = GZ_BUF_INIT;

	gz_diag_init(&d);
	gz_diag_init(&back);
	gz_diag_warn(&d, "content/a b.md", 3, 7, "half-width ',' between\tChinese\ncharacters \\ here");
	gz_diag_error(&d, "", 0, 0, "no place");
	gz_desk_diag_write(&text, 'c', &d);
	gz_buf_puts(&text, "c\tE\t1\n");          /* cut short */
	gz_buf_puts(&text, "b\tE\t1\t1\tx.md\tthe build's\n");
	gz_buf_puts(&text, "c\tW\t2\t2\ty.md\tno newline");
	gz_desk_diag_read(&back, 'c', text.ptr);
	CHECK_INT(back.n, 2);
	if (back.n == 2) {
		CHECK_INT(back.items[0].severity, GZ_WARNING);
		CHECK_STR(back.items[0].path, "content/a b.md");
		CHECK_INT(back.items[0].line, 3);
		CHECK_INT(back.items[0].col, 7);
		CHECK_STR(back.items[0].msg, "half-width ',' between\tChinese\ncharacters \\ here");
		CHECK_INT(back.items[1].severity, GZ_ERROR);
		CHECK_STR(back.items[1].path, "");
		CHECK_STR(back.items[1].msg, "no place");
	}
	gz_diag_release(&back);
	gz_diag_init(&back);
	gz_desk_diag_read(&back, 'b', text.ptr);
	CHECK_INT(back.n, 1);
	gz_diag_release(&back);
	gz_diag_release(&d);
	gz_buf_release(&text);
}

static int says_and_exits(gz_buf *out, void *payload)
{
	gz_buf_puts(out, payload);
	return 7;
}

static int crashes(gz_buf *out, void *payload)
{
	gz_buf_puts(out, "before");
	raise(SIGKILL);
	return 0;
}

/* What the child writes and returns reaches the parent; a child that dies
 * is an error, not a status. */
static void test_child_run(void)
{
	gz_buf out = GZ_BUF_INIT;
	char *err;
	gz_diag d;
	int rc;

	gz_diag_init(&d);
	rc = gz_desk_child_run(&out, NULL, "site", &d, says_and_exits, "from the child");
	CHECK_INT(rc, 7);
	CHECK_STR(out.ptr, "from the child");
	CHECK_INT(d.n, 0);
	gz_buf_clear(&out);
	rc = gz_desk_child_run(&out, NULL, "site", &d, crashes, NULL);
	CHECK_INT(rc, -1);
	/* a failure of the system is placed at the repository */
	err = gz_diag_first_error(&d);
	CHECK(err && !strncmp(err, "site: ", 6) && strstr(err, "signal"));
	CHECK_STR(out.ptr, "");
	free(err);
	gz_diag_release(&d);
	gz_buf_release(&out);
}

/* A page read from a file and written back keeps every field, the lines it
 * does not know, and its body; what an editor typed, quotes and colons and
 * all, is written so that it reads back as typed. */
static void test_page_write(void)
{
	const char *md = "---\ntitle: 养蜂\ndate: 2019-06-08\ntags: [养蜂, 合作社]\nweight: 3\n"
			 "photos:\n  - src: a.jpg\n    caption: \"蜂箱\"\n---\n正文\n";
	gz_desk_page p, back;
	gz_buf out = GZ_BUF_INIT;

	CHECK_INT(gz_desk_page_parse(&p, md, strlen(md), "a.md", NULL), 0);
	gz_desk_set(&p.title, "“养蜂”: 一年 \"两\" 季");
	gz_desk_set(&p.people, "孟庆龙， 李梅");
	CHECK_INT(gz_desk_page_write(&out, &p), 0);
	CHECK(strstr(out.ptr, "date: 2019-06-08\n") != NULL);
	CHECK(strstr(out.ptr, "tags: [\"养蜂\", \"合作社\"]\n") != NULL);
	CHECK(strstr(out.ptr, "people: [\"孟庆龙\", \"李梅\"]\n") != NULL);
	CHECK(strstr(out.ptr, "weight: 3\n---\n正文\n") != NULL);
	CHECK_INT(p.body_line, 13);
	CHECK_INT(gz_desk_page_parse(&back, out.ptr, out.len, "a.md", NULL), 0);
	CHECK_STR(back.title, "“养蜂”: 一年 \"两\" 季");
	CHECK_STR(back.people, "孟庆龙、李梅");
	CHECK_INT(back.nphotos, 1);
	if (back.nphotos == 1)
		CHECK_STR(back.photos[0].caption, "蜂箱");
	CHECK_STR(back.body, "正文\n");
	gz_desk_page_release(&back);
	/* a field that is not UTF-8 is refused and nothing is written */
	gz_buf_clear(&out);
	gz_desk_set(&p.summary, "ab\xff");
	CHECK_INT(gz_desk_page_write(&out, &p), -1);
	CHECK_INT(out.len, 0);
	gz_desk_page_release(&p);
	gz_buf_release(&out);
}

void suite_desk(void)
{
	gz_test_run("desk diagnostics through the pipe", test_diag_text);
	gz_test_run("desk child process", test_child_run);
	gz_test_run("desk page written back", test_page_write);
}
