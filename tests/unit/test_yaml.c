#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "load/yaml.h"

static gz_value *parse(const char *s)
{
	gz_value *v = NULL;

	if (gz_yaml_parse(&v, s, strlen(s), 1, NULL, NULL) < 0)
		return NULL;
	return v;
}

static void front_matter(void)
{
	gz_value *v = parse("title: 养蜂人\ndate: 2019-06-08\ntags: [养蜂, 合作社]\n"
			    "featured: yes\nweight: 3\nphotos:\n  - {src: a.jpg, caption: 蜂箱}\n");

	CHECK(v != NULL);
	if (!v)
		return;
	CHECK_INT(v->type, GZ_MAP);
	CHECK_STR(gz_value_str(v, "title"), "养蜂人");
	CHECK_STR(gz_value_str(v, "date"), "2019-06-08");
	CHECK_INT(gz_value_get(v, "tags")->n, 2);
	CHECK_STR(gz_value_get(v, "tags")->items[1]->str, "合作社");
	CHECK(gz_value_bool(v, "featured", false));
	CHECK_INT(gz_value_int(v, "weight", 0), 3);
	CHECK_STR(gz_value_str(gz_value_get(v, "photos")->items[0], "caption"), "蜂箱");
	/* positions are 1-based lines in the file: front matter starts on line 2 */
	CHECK_INT(gz_value_get(v, "date")->line, 3);
	CHECK_INT(gz_value_get(v, "date")->col, 7);
	CHECK(gz_value_get(v, "missing") == NULL);
	gz_value_free(v);
}

/* Parse s (front matter when fm) as "a.md" and return its one error,
 * formatted with its place (NULL if it parsed). */
static char *parse_error(const char *s, int fm)
{
	gz_value *v = NULL;
	char *msg;
	gz_diag d;

	gz_diag_init(&d);
	if (gz_yaml_parse(&v, s, strlen(s), fm, "a.md", &d) == 0) {
		CHECK_INT(d.n, 0);
		gz_value_free(v);
	} else {
		CHECK(v == NULL);
		CHECK_INT(d.errors, 1);
	}
	msg = gz_diag_first_error(&d);
	gz_diag_release(&d);
	return msg;
}

#define CHECK_ERROR(yml, fm, want)                                   \
	do {                                                         \
		char *msg_ = parse_error(yml, fm);                   \
		CHECK(msg_ && strstr(msg_, want) != NULL);           \
		if (!msg_ || !strstr(msg_, want))                    \
			fprintf(stderr, "  got %s\n", msg_ ? msg_ : "no error"); \
		free(msg_);                                          \
	} while (0)

static void errors(void)
{
	char *msg;

	/* the place is the file's line (front matter starts on line 2) and
	 * column; front matter says it is */
	CHECK_ERROR("title: a\n b: c\ndate: 2019-01-01\n", 1, "a.md:3:");
	CHECK_ERROR("title: a\n b: c\ndate: 2019-01-01\n", 1, ": front matter: ");
	CHECK_ERROR("title: a\n b: c\ndate: 2019-01-01\n", 1, "the YAML cannot be read here");

	/* an editor's usual mistakes where they are, not where libyaml gave
	 * up (a line or more later): a "[" or a quote not closed, a
	 * full-width colon after a key */
	CHECK_ERROR("title: [a, b\ndate: 2019-01-01\n", 1,
		    "a.md:2:8: front matter: the list opened here with '[' is not closed");
	CHECK_ERROR("title: 好\nauthor: \"孙昊\ndate: 2019-01-01\n", 1,
		    "a.md:3:9: front matter: the quote opened here is not closed");
	CHECK_ERROR("title: 好\ndate：2019-01-01\ntags: [a]\n", 1,
		    "a.md:3:5: front matter: 'date' is followed by a full-width colon");
	/* a full-width colon inside a value is the value's */
	msg = parse_error("title: 问：好\n", 1);
	CHECK(msg == NULL);
	free(msg);

	/* aliases are refused: they allow exponential documents */
	CHECK_ERROR("a: &x [1, 2]\nb: *x\n", 0, "aliases");

	/* a key written twice is an error at the second, naming the first;
	 * the same key in two different mappings is not */
	CHECK_ERROR("title: a\ntags:\n  - x\nphotos:\n  - src: a\n    src: b\ntitle: c\n", 1,
		    "a.md:7:5: front matter: duplicate key 'src' (first at line 6)");
	msg = parse_error("a:\n  k: 1\nb:\n  k: 2\n", 0);
	CHECK(msg == NULL);
	free(msg);

	/* a tab in the indentation says so (after multi-byte text: libyaml's
	 * marks count characters); not front matter: no such word */
	CHECK_ERROR("title: 制表符\ntags:\n\t- a\n", 0, "a.md:3:");
	CHECK_ERROR("title: 制表符\ntags:\n\t- a\n", 0, "a tab in the indentation");
	msg = parse_error("title: 制表符\ntags:\n\t- a\n", 0);
	CHECK(msg && !strstr(msg, "front matter"));
	free(msg);
}

/* A caller that shows one message gets the first error, placed; warnings
 * are not errors. */
static void first_error(void)
{
	char *msg;
	gz_diag d;

	gz_diag_init(&d);
	CHECK(gz_diag_first_error(&d) == NULL);
	gz_diag_warn(&d, "a.md", 1, 2, "a warning");
	CHECK(gz_diag_first_error(&d) == NULL);
	gz_diag_error(&d, "b.md", 3, 4, "the first");
	gz_diag_error(&d, "a.md", 1, 1, "the second");
	msg = gz_diag_first_error(&d);
	CHECK_STR(msg, "b.md:3:4: the first");
	free(msg);
	gz_diag_release(&d);
}

static void deep(void)
{
	char buf[4096];
	char *msg;
	int i;

	/* pathological nesting is an error, not a stack overflow */
	for (i = 0; i < 1000; i++)
		buf[i] = '[';
	buf[i] = '\0';
	msg = parse_error(buf, 0);
	CHECK(msg && !strncmp(msg, "a.md:1:", 7));
	free(msg);
}

static void nulls_and_quotes(void)
{
	gz_value *v = parse("a: ~\nb: \"null\"\nc:\nd: 'true'\n");

	CHECK(v != NULL);
	if (!v)
		return;
	CHECK_INT(gz_value_get(v, "a")->type, GZ_NULL);
	CHECK_STR(gz_value_str(v, "b"), "null");
	CHECK_INT(gz_value_get(v, "c")->type, GZ_NULL);
	CHECK(gz_value_get(v, "d")->quoted);
	gz_value_free(v);
	v = parse("");
	CHECK(v && v->type == GZ_NULL);
	gz_value_free(v);
}

/* What the emitter writes reads back as what was given: quotes, colons,
 * a newline and a title that looks like a number stay one string. */
static void writing(void)
{
	gz_buf out = GZ_BUF_INIT;
	gz_yaml_out *y = gz_yaml_out_begin(&out);
	gz_value *v;
	const gz_value *ph;

	gz_yaml_out_scalar(y, "title", "“养蜂”: a \"quote\"\n二行", true);
	gz_yaml_out_scalar(y, "slug", "2019", true);
	gz_yaml_out_scalar(y, "date", "2019-06-08", false);
	gz_yaml_out_seq(y, "tags", true);
	gz_yaml_out_scalar(y, NULL, "养蜂", true);
	gz_yaml_out_scalar(y, NULL, "a, b", true);
	gz_yaml_out_close(y);
	gz_yaml_out_seq(y, "photos", false);
	gz_yaml_out_map(y, NULL);
	gz_yaml_out_scalar(y, "src", "a.jpg", true);
	gz_yaml_out_scalar(y, "caption", "蜂箱 #1", true);
	gz_yaml_out_close(y);
	gz_yaml_out_close(y);
	CHECK_INT(gz_yaml_out_end(y), 0);
	CHECK(out.ptr && strstr(out.ptr, "tags: [\"养蜂\", \"a, b\"]\n"));
	CHECK(out.ptr && strstr(out.ptr, "date: 2019-06-08\n"));
	v = out.ptr ? parse(out.ptr) : NULL;
	CHECK(v != NULL);
	if (v) {
		CHECK_STR(gz_value_str(v, "title"), "“养蜂”: a \"quote\"\n二行");
		CHECK(gz_value_get(v, "slug")->quoted);
		CHECK_INT(gz_value_get(v, "tags")->n, 2);
		CHECK_STR(gz_value_get(v, "tags")->items[1]->str, "a, b");
		ph = gz_value_get(v, "photos");
		CHECK(ph && ph->n == 1 && !strcmp(gz_value_str(ph->items[0], "caption"), "蜂箱 #1"));
	}
	gz_value_free(v);
	/* bytes that are not UTF-8 are refused, and nothing is written */
	gz_buf_clear(&out);
	y = gz_yaml_out_begin(&out);
	gz_yaml_out_scalar(y, "title", "ab\xff", true);
	CHECK_INT(gz_yaml_out_end(y), -1);
	CHECK_INT(out.len, 0);
	gz_buf_release(&out);
}

/* A packed copy is the same tree (hash, positions, quoting), freed whole. */
static void pack(void)
{
	gz_value *v = parse("title: \"养蜂人\"\ntags: [养蜂, 合作社]\nempty: {}\nnone: []\n"
			    "photos:\n  - {src: a.jpg, caption: 蜂箱}\nnull:\n"),
		 *p = v ? gz_value_pack(v) : NULL;

	CHECK(p != NULL);
	if (!p) {
		gz_value_free(v);
		return;
	}
	CHECK(p->block);
	CHECK(gz_value_hash(1, p) == gz_value_hash(1, v));
	CHECK_STR(gz_value_get(p, "tags")->items[1]->str, "合作社");
	CHECK(gz_value_get(p, "title")->quoted);
	CHECK_INT(gz_value_get(p, "photos")->line, gz_value_get(v, "photos")->line);
	CHECK_STR(gz_value_str(gz_value_get(p, "photos")->items[0], "caption"), "蜂箱");
	CHECK_INT(gz_value_get(p, "empty")->type, GZ_MAP);
	CHECK_INT(gz_value_get(p, "none")->n, 0);
	CHECK(gz_value_is_null(gz_value_get(p, "null")));
	gz_value_free(v);
	gz_value_free(p);
}

void suite_yaml(void)
{
	gz_test_run("yaml_writing", writing);
	gz_test_run("yaml_front_matter", front_matter);
	gz_test_run("yaml_errors", errors);
	gz_test_run("yaml_deep", deep);
	gz_test_run("diag_first_error", first_error);
	gz_test_run("yaml_nulls_and_quotes", nulls_and_quotes);
	gz_test_run("yaml_pack", pack);
}
