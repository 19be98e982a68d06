#include <stdlib.h>

#include "test.h"
#include "load/yaml.h"

static gz_value *parse(const char *s)
{
	gz_value *v = NULL;
	char *err = NULL;
	int line, col;

	if (gz_yaml_parse(&v, s, strlen(s), 1, &err, &line, &col) < 0) {
		free(err);
		return NULL;
	}
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

static void errors(void)
{
	gz_value *v = NULL;
	char *err = NULL;
	int line = 0, col = 0;
	const char *bad = "title: [a, b\ndate: 2019-01-01\n";

	CHECK(gz_yaml_parse(&v, bad, strlen(bad), 1, &err, &line, &col) < 0);
	CHECK(err != NULL);
	CHECK_INT(line, 3);
	CHECK(strstr(err ? err : "", "line 2") != NULL);
	free(err);
	err = NULL;

	/* aliases are refused: they allow exponential documents */
	bad = "a: &x [1, 2]\nb: *x\n";
	CHECK(gz_yaml_parse(&v, bad, strlen(bad), 0, &err, &line, &col) < 0);
	CHECK(strstr(err ? err : "", "aliases") != NULL);
	free(err);
	err = NULL;

	/* a key written twice is an error at the second, naming the first;
	 * the same key in two different mappings is not */
	bad = "title: a\ntags:\n  - x\nphotos:\n  - src: a\n    src: b\ntitle: c\n";
	CHECK(gz_yaml_parse(&v, bad, strlen(bad), 1, &err, &line, &col) < 0);
	CHECK(strstr(err ? err : "", "duplicate key 'src' (first at line 6)") != NULL);
	CHECK_INT(line, 7);
	CHECK_INT(col, 5);
	free(err);
	err = NULL;
	bad = "a:\n  k: 1\nb:\n  k: 2\n";
	CHECK(gz_yaml_parse(&v, bad, strlen(bad), 0, &err, &line, &col) == 0);
	gz_value_free(v);
	v = NULL;

	/* a tab in the indentation says so (after multi-byte text: libyaml's
	 * marks count characters) */
	bad = "title: 制表符\ntags:\n\t- a\n";
	CHECK(gz_yaml_parse(&v, bad, strlen(bad), 0, &err, &line, &col) < 0);
	CHECK(strstr(err ? err : "", "a tab in the indentation") != NULL);
	CHECK_INT(line, 3);
	free(err);
}

static void deep(void)
{
	char buf[4096];
	gz_value *v = NULL;
	char *err = NULL;
	int line, col, i;

	/* pathological nesting is an error, not a stack overflow */
	for (i = 0; i < 1000; i++)
		buf[i] = '[';
	buf[i] = '\0';
	CHECK(gz_yaml_parse(&v, buf, strlen(buf), 0, &err, &line, &col) < 0);
	free(err);
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
	gz_test_run("yaml_front_matter", front_matter);
	gz_test_run("yaml_errors", errors);
	gz_test_run("yaml_deep", deep);
	gz_test_run("yaml_nulls_and_quotes", nulls_and_quotes);
	gz_test_run("yaml_pack", pack);
}
