#include <stdlib.h>

#include "base/diag.h"
#include "lua/template.h"
#include "test.h"

static int count_lines(const char *s)
{
	int n = 1;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void keeps_lines(void)
{
	gz_buf out = GZ_BUF_INIT;
	gz_diag d;
	const char *t = "<h1>{{ page.title }}</h1>\n{% if x then %}\n<p>a\nb</p>\n{% end %}\n{{{ raw }}}\n";

	gz_diag_init(&d);
	CHECK(gz_template_translate(&out, t, strlen(t), "t.html", &d) == 0);
	/* the Lua has exactly as many lines as the template */
	CHECK_INT(count_lines(out.ptr), count_lines(t));
	/* an expression after a literal joins its call: _x escapes, _y not */
	CHECK(strstr(out.ptr, "_x(\"<h1>\", page.title )") != NULL);
	CHECK(strstr(out.ptr, "\", raw )") != NULL && strstr(out.ptr, "_y(\"") != NULL);
	gz_buf_release(&out);
	gz_diag_release(&d);
}

static void partials_written(void)
{
	gz_buf out = GZ_BUF_INIT;
	gz_diag d;
	const char *t = "<li>{{{ partial(\"card\", p) }}}</li>{{{ partial('a(') }}}"
			"{{{ partial(\"a\") .. \"x\" }}}{{ partial(\"b\") }}";
	const char *own = "{% local function partial(n) return n end %}{{{ partial(\"c\") }}}";

	gz_diag_init(&d);
	CHECK(gz_template_translate(&out, t, strlen(t), "t.html", &d) == 0);
	/* {{{ partial(…) }}} alone is written in place, not joined to text */
	CHECK(strstr(out.ptr, "_o(\"<li>\") _w(page,\"card\", p) ") != NULL);
	CHECK(strstr(out.ptr, "_w(page,'a(') ") != NULL);
	/* anything more than the call, or escaped, is a string as before */
	CHECK(strstr(out.ptr, "_o( partial(\"a\") .. \"x\" )") != NULL);
	CHECK(strstr(out.ptr, "_e( partial(\"b\") )") != NULL);
	gz_buf_clear(&out);
	/* a template with its own partial keeps it */
	CHECK(gz_template_translate(&out, own, strlen(own), "t.html", &d) == 0);
	CHECK(strstr(out.ptr, "_w(page") == NULL);
	gz_buf_release(&out);
	gz_diag_release(&d);
}

static void expressions_alone(void)
{
	gz_buf out = GZ_BUF_INIT;
	gz_diag d;
	const char *t = "{{ a }}{{{ b }}}{% if c then %}{{ c }}{% end %}x{{ }}";

	gz_diag_init(&d);
	CHECK(gz_template_translate(&out, t, strlen(t), "t.html", &d) == 0);
	/* nothing before them to join: a call each */
	CHECK(strstr(out.ptr, "_e( a ) _o( b ) ") != NULL);
	CHECK(strstr(out.ptr, "_e( c )") != NULL);
	/* an empty expression is not joined (it would leave "_x(\"x\",)") */
	CHECK(strstr(out.ptr, "_o(\"x\") _e( )") != NULL);
	CHECK(strstr(out.ptr, "_x(") == NULL && strstr(out.ptr, "_y(") == NULL);
	gz_buf_release(&out);
	gz_diag_release(&d);
}

static void trims(void)
{
	gz_buf out = GZ_BUF_INIT;
	gz_diag d;
	const char *t = "a\n  {%- local x = 1 -%}\n  b";

	gz_diag_init(&d);
	CHECK(gz_template_translate(&out, t, strlen(t), "t.html", &d) == 0);
	CHECK(strstr(out.ptr, "\"a\"") != NULL);
	CHECK(strstr(out.ptr, "\"b\"") != NULL);
	CHECK_INT(count_lines(out.ptr), count_lines(t));
	gz_buf_release(&out);
	gz_diag_release(&d);
}

static void unclosed(void)
{
	gz_buf out = GZ_BUF_INIT;
	gz_diag d;
	const char *t = "<p>\n  <b>{{ page.title </b>\n";

	gz_diag_init(&d);
	CHECK(gz_template_translate(&out, t, strlen(t), "themes/x/layouts/t.html", &d) < 0);
	CHECK_INT(d.errors, 1);
	if (d.n) {
		char *msg = gz_diag_format(&d.items[0]);
		CHECK_STR(msg, "themes/x/layouts/t.html:2:6: '{{' is never closed with '}}'");
		free(msg);
	}
	gz_buf_release(&out);
	gz_diag_release(&d);

	gz_diag_init(&d);
	t = "{% block \"main\" %}x";
	CHECK(gz_template_translate(&out, t, strlen(t), "t.html", &d) < 0);
	gz_buf_release(&out);
	gz_diag_release(&d);
}

void suite_template(void)
{
	gz_test_run("template_keeps_lines", keeps_lines);
	gz_test_run("template_expressions_alone", expressions_alone);
	gz_test_run("template_partials_written", partials_written);
	gz_test_run("template_trims", trims);
	gz_test_run("template_unclosed", unclosed);
}
