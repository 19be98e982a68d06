#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "load/mdlimits.h"
#include "test.h"

/* Check md against small limits; the error line formatted, or "" if none. */
static char *check(const char *md, long cols, long cells, long nesting)
{
	gz_limits l;
	gz_diag d;
	char *msg;

	gz_limits_default(&l);
	l.max_table_columns = cols;
	l.max_table_cells = cells;
	l.max_nesting = nesting;
	gz_diag_init(&d);
	if (gz_limits_check(&l, "a.md", md, strlen(md), 5, &d) < 0) {
		CHECK_INT(d.n, 1);
		msg = gz_diag_format(&d.items[0]);
	} else {
		CHECK_INT(d.n, 0);
		msg = strdup("");
	}
	gz_diag_release(&d);
	return msg;
}

#define EXPECT(md, cols, cells, nesting, want)                  \
	do {                                                    \
		char *m_ = check(md, cols, cells, nesting);     \
		CHECK_STR(strncmp(m_, want, strlen(want)) ? m_ : want, want); \
		free(m_);                                       \
	} while (0)

static void tables(void)
{
	EXPECT("| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n", 3, 100, 10, "");
	EXPECT("| a | b | c | d |\n|---|---|---|---|\n", 3, 100, 10, "a.md:5:1: a table of 4 columns");
	/* the header decides whether it is a table, each row its own cost */
	EXPECT("a | b\n--|--\n1|2|3|4\n", 3, 100, 10, "a.md:7:1: a table row of 4 cells");
	/* an escaped pipe is text; pipes at the ends close the row */
	EXPECT("|a\\|b|c|\n|-|-|\n", 2, 100, 10, "");
	/* a blank line ends the table: what follows is a paragraph */
	EXPECT("a|b\n-|-\n\nx|x|x|x|x\n", 2, 100, 10, "");
	/* a setext heading under a line with pipes, counted as a table at worst */
	EXPECT("a|b\n---\n", 2, 100, 10, "");
	EXPECT("a|b\n-|-\n1|2\n1|2\n1|2\n", 2, 7, 10,
	       "a.md:9:1: the story's tables have more than 7 cells in all");
	/* inside a block quote */
	EXPECT("> |a|b|c|\n> |-|-|-|\n", 2, 100, 10, "a.md:5:1: a table of 3 columns");
	/* CRLF */
	EXPECT("|a|b|\r\n|-|-|\r\n|1|2|\r\n", 2, 100, 10, "");
}

static void nesting(void)
{
	gz_buf b = GZ_BUF_INIT;
	int i;

	EXPECT("> > > x\n", 100, 100, 3, "");
	EXPECT("> > > > x\n", 100, 100, 3, "a.md:5:1: block quotes and lists nested 4 deep");
	EXPECT("> - > - x\n", 100, 100, 3, "a.md:5:1: block quotes and lists nested 4 deep");
	EXPECT("1. a\n   2) b\n", 100, 100, 3, "");
	/* nested by indentation: two columns a level */
	for (i = 0; i < 5; i++)
		gz_buf_printf(&b, "%*s- item\n", 2 * i, "");
	EXPECT(b.ptr, 100, 100, 5, "");
	EXPECT(b.ptr, 100, 100, 4, "a.md:9:1: block quotes and lists nested 5 deep");
	/* indentation alone (code) opens nothing; a tab is four columns */
	EXPECT("                        code\n", 100, 100, 2, "");
	EXPECT("\t\t- x\n", 100, 100, 4, "");
	EXPECT("\t\t- x\n", 100, 100, 3, "a.md:5:1: block quotes and lists nested 5 deep");
	/* not markers: emphasis, a number without its dot, a word */
	EXPECT("*a* -b 12 x\n", 100, 100, 1, "");
	gz_buf_release(&b);
}

static void story_size(void)
{
	gz_limits l;
	gz_diag d;
	char *big = malloc(2 * 1024 * 1024 + 1), *msg;

	memset(big, 'x', 2 * 1024 * 1024 + 1);
	gz_limits_default(&l);
	l.max_story_bytes = 2 * 1024 * 1024;
	gz_diag_init(&d);
	CHECK_INT(gz_limits_check(&l, "a.md", big, 2 * 1024 * 1024, 5, &d), 0);
	CHECK_INT(gz_limits_check(&l, "a.md", big, 2 * 1024 * 1024 + 1, 5, &d), -1);
	msg = d.n ? gz_diag_format(&d.items[0]) : NULL;
	CHECK_STR(msg, "a.md:5:1: the story is 2.0 MB; a story may be at most 2 MB "
		       "(markdown.max_story_mb in site.yml): split it into several");
	free(msg);
	gz_diag_release(&d);
	free(big);
}

static void settings(void)
{
	const char yml[] = "markdown:\n  max_table_columns: 50\n  max_story_mb: 0\n  max_nesting: x\n";
	gz_value *v = NULL;
	char *msg;
	gz_limits l;
	gz_diag d;

	CHECK_INT(gz_yaml_parse(&v, yml, strlen(yml), 0, "site.yml", NULL), 0);
	gz_diag_init(&d);
	gz_limits_load(&l, gz_value_get(v, "markdown"), "site.yml", &d);
	CHECK_INT(l.max_table_columns, 50);
	CHECK_INT(l.max_story_bytes, 16 * 1024 * 1024);
	CHECK_INT(l.max_nesting, 1000);
	CHECK_INT(d.errors, 2);
	gz_diag_sort(&d);
	msg = d.n ? gz_diag_format(&d.items[0]) : NULL;
	CHECK_STR(msg, "site.yml:3:17: markdown.max_story_mb must be a whole number from 1 to 1024");
	free(msg);
	gz_diag_release(&d);
	gz_value_free(v);
}

void suite_mdlimits(void)
{
	gz_test_run("mdlimits: tables", tables);
	gz_test_run("mdlimits: nesting", nesting);
	gz_test_run("mdlimits: story size", story_size);
	gz_test_run("mdlimits: settings", settings);
}
