#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "load/sanitize.h"
#include "test.h"

static void same(const char *in, unsigned allow, const char *want)
{
	char *got = gz_sanitize_html(in, strlen(in), allow);
	CHECK_STR(got, want);
	free(got);
}

/* Nothing in the output may run: no tag in it (text is inert) holds an
 * event handler, a script scheme, or is an element that runs or loads
 * code; no comment is left open. */
static void harmless(const char *in)
{
	static const char *const bad[] = {" on", "\ton", "/on", "javascript:", "vbscript:",
					  "<script", "<iframe", "<object", "<embed", "<style",
					  "<base", "<meta", "<link", "srcdoc", "<noscript", "data:text",
					  "<frameset", "<applet", "<xmp", "<textarea", "<title", "<plaintext"};
	char *got = gz_sanitize_html(in, strlen(in), 0), *p;
	size_t i;

	for (p = strchr(got, '<'); p; p = strchr(p + 1, '<')) {
		char *gt = strchr(p, '>');
		char *t = gt ? strndup(p, (size_t)(gt - p + 1)) : strdup(p);
		gz_test_checks++;
		if (!gt && strncmp(p, "<!--", 4)) {
			gz_test_failures++;
			fprintf(stderr, "%s:%d: '%s' became '%s', with an open tag\n", __FILE__,
				__LINE__, in, got);
		}
		for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
			gz_test_checks++;
			if (strcasestr(t, bad[i])) {
				gz_test_failures++;
				fprintf(stderr, "%s:%d: '%s' became '%s', whose tag '%s' holds '%s'\n",
					__FILE__, __LINE__, in, got, t, bad[i]);
			}
		}
		free(t);
	}
	free(got);
}

static void kept(void)
{
	same("<p>plain <b>bold</b> &amp; text</p>\n", 0, "<p>plain <b>bold</b> &amp; text</p>\n");
	same("<a href='https://a.example/?x=1&amp;y=2' title=\"t\">", 0,
	     "<a href=\"https://a.example/?x=1&amp;y=2\" title=\"t\">");
	same("<img src=/a.png alt=x width=3/>", 0, "<img src=\"/a.png\" alt=\"x\" width=\"3/\">");
	same("<br/>", 0, "<br />");
	same("<input disabled checked>", 0, "<input disabled checked>");
	same("<div class=\"a\" CLASS=\"b\">", 0, "<div class=\"a\">");
	same("<img src=\"data:image/png;base64,AAAA\">", 0, "<img src=\"data:image/png;base64,AAAA\">");
	same("<!-- note -->x", 0, "<!-- note -->x");
	same("<!--gz-sc 3-->\n", 0, "<!--gz-sc 3-->\n");
	same("<details open><summary>s</summary></details>", 0,
	     "<details open><summary>s</summary></details>");
	same("1 < 2 > 0", 0, "1 &lt; 2 > 0");
	same("<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\"/></svg>", 0,
	     "<svg viewbox=\"0 0 1 1\"><path d=\"M0 0\" /></svg>");
}

static void dropped(void)
{
	same("<img src=x onerror=alert(1)>", 0, "<img src=\"x\">");
	same("<details open ontoggle=\"alert(1)\">", 0, "<details open>");
	same("<img/onerror=alert(1) src=x>", 0, "<img src=\"x\">");
	same("<a href=\"javascript:alert(1)\">x</a>", 0, "<a>x</a>");
	same("<a href=\" &#106;ava&#x09;script&colon;alert(1)\">", 0, "<a>");
	same("<a href=\"jav&#0000097script:alert(1)\">", 0, "<a>");
	same("<a href=\"VBScript:msgbox(1)\">", 0, "<a>");
	same("<a href=\"data:text/html,<script>alert(1)</script>\">", 0, "<a>");
	same("<a href=\"data:image/png;base64,AA\">", 0, "<a>");
	same("<form action=\"javascript:alert(1)\"><button formaction=javascript:alert(1)>", 0,
	     "<form><button>");
	same("<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>", 0,
	     "<svg><a><text>x</text></a></svg>");
	same("<svg><animate attributeName=href values=\"x;javascript:alert(1)\"/></svg>", 0,
	     "<svg><animate attributename=\"href\" /></svg>");
	same("<svg><set attributeName=href to=javascript:alert(1) /></svg>", 0,
	     "<svg><set attributename=\"href\" /></svg>");
	same("<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;");
	same("<ScRiPt src=//x.example/a.js></script>", 0,
	     "&lt;ScRiPt src=//x.example/a.js&gt;&lt;/script&gt;");
	same("<object data=x.swf></object><embed src=x.swf>", 0,
	     "&lt;object data=x.swf&gt;&lt;/object&gt;&lt;embed src=x.swf&gt;");
	same("<iframe src=\"https://v.example/e/1\" srcdoc=\"<script>alert(1)</script>\">", 0,
	     "&lt;iframe src=&quot;https://v.example/e/1&quot; srcdoc=&quot;&lt;script&gt;alert(1)"
	     "&lt;/script&gt;&quot;&gt;");
	same("<style>*{}</style>", 0, "&lt;style&gt;*{}&lt;/style&gt;");
	same("<base href=//evil.example/>", 0, "&lt;base href=//evil.example/&gt;");
	same("<meta http-equiv=refresh content=\"0;url=//evil.example\">", 0,
	     "&lt;meta http-equiv=refresh content=&quot;0;url=//evil.example&quot;&gt;");
}

static void allowed_embeds(void)
{
	same("<iframe src=\"https://v.example/e/1\" srcdoc=\"<b>x</b>\" allowfullscreen></iframe>",
	     GZ_EMBED_IFRAME, "<iframe src=\"https://v.example/e/1\" allowfullscreen></iframe>");
	same("<iframe src=\"javascript:alert(1)\"></iframe>", GZ_EMBED_IFRAME, "<iframe></iframe>");
	same("<object data=\"data:text/html,x\"></object>", GZ_EMBED_OBJECT, "<object></object>");
	same("<embed src=\"/a.svg\">", GZ_EMBED_EMBED, "<embed src=\"/a.svg\">");
	same("<embed src=\"/a.svg\">", GZ_EMBED_IFRAME, "&lt;embed src=&quot;/a.svg&quot;&gt;");
	/* a comment cannot end an iframe's raw text early */
	same("<!-- </iframe><img src=x onerror=alert(1)> -->", GZ_EMBED_IFRAME,
	     "<!-- &lt;/iframe&gt;&lt;img src=x onerror=alert(1)&gt; -->");
}

/* A piece of raw HTML cannot run into what follows it. */
static void unfinished(void)
{
	same("<img src=\"x", 0, "&lt;img src=\"x");
	same("<a title='x", 0, "&lt;a title='x");
	same("<div\n", 0, "&lt;div\n");
	same("<!-- open", 0, "&lt;!-- open");
	same("<!DOCTYPE html><p>", 0, "<p>");
	same("<?php x ?><p>", 0, "<p>");
	same("<![CDATA[ a > b ]]><p>", 0, " b ]]><p>");
	same("</ x><p>", 0, "<p>");
	same("<p title=\"a>b\">", 0, "<p title=\"a&gt;b\">");
	same("<p title=\"</noscript><img src=x onerror=alert(1)>\">", 0,
	     "<p title=\"&lt;/noscript&gt;&lt;img src=x onerror=alert(1)&gt;\">");
}

static void payloads(void)
{
	static const char *const p[] = {
		"<img src=x onerror=alert(1)>",
		"<IMG SRC=x ONERROR=alert(1)>",
		"<img src=x onerror\n=alert(1)>",
		"<img src=x \"onerror=alert(1)>",
		"<img src=x =onerror=alert(1)>",
		"<svg onload=alert(1)>",
		"<svg/onload=alert(1)>",
		"<body onload=alert(1)>",
		"<details open ontoggle=alert(1)>",
		"<a href=javascript:alert(1)>x</a>",
		"<a href=\"&#x6A;avascript:alert(1)\">x</a>",
		"<a href=\"&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)\">x</a>",
		"<a href=\"java\nscript:alert(1)\">x</a>",
		"<a href=\"\x01javascript:alert(1)\">x</a>",
		"<a href=\"JaVaScRiPt:alert(1)\">x</a>",
		"<a href=\"vbscript:msgbox(1)\">x</a>",
		"<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
		"<object data=\"javascript:alert(1)\">",
		"<embed src=\"javascript:alert(1)\">",
		"<iframe src=\"javascript:alert(1)\">",
		"<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\">",
		"<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
		"<form><button formaction=javascript:alert(1)>x</button></form>",
		"<input type=image src=x onerror=alert(1)>",
		"<video><source onerror=alert(1)></video>",
		"<svg><script>alert(1)</script></svg>",
		"<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
		"<svg><a><animate attributeName=href values=javascript:alert(1) /><text>x</text></a>",
		"<scr<script>ipt>alert(1)</script>",
		"<style>@import 'javascript:alert(1)';</style>",
		"<div style=\"background:url(javascript:alert(1))\">",
		"<div style=\"width:expression(alert(1))\">",
		"<link rel=stylesheet href=javascript:alert(1)>",
		"<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
		"<base href=javascript:alert(1)//>",
		"<table background=javascript:alert(1)>",
		"<a href=x onmouseover=alert(1)>x</a>",
		"<img src=x onerror=alert(1)//",
		"<<img src=x onerror=alert(1)>",
		"<img src=x\tonerror=alert(1)>",
		"<img src=x\fonerror=alert(1)>",
		"<xmp><img src=x onerror=alert(1)></xmp>",
		"<textarea><img src=x onerror=alert(1)></textarea>",
		"<title><img src=x onerror=alert(1)></title>",
		"<plaintext><img src=x onerror=alert(1)>",
		"<frameset onload=alert(1)>",
		"<applet code=x>",
	};
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(*p); i++)
		harmless(p[i]);
}

static void urls(void)
{
	CHECK(gz_sanitize_url_ok("https://a.example/", false));
	CHECK(gz_sanitize_url_ok("/stories/a/", false));
	CHECK(gz_sanitize_url_ok("mailto:a@b.example", false));
	CHECK(gz_sanitize_url_ok("a.jpg", true));
	CHECK(gz_sanitize_url_ok("data:image/png;base64,AA", true));
	CHECK(!gz_sanitize_url_ok("data:image/png;base64,AA", false));
	CHECK(!gz_sanitize_url_ok("data:text/html,x", true));
	CHECK(!gz_sanitize_url_ok("javascript:alert(1)", false));
	CHECK(!gz_sanitize_url_ok(" JavaScript:alert(1)", true));
	CHECK(!gz_sanitize_url_ok("java\tscript:alert(1)", false));
	CHECK(!gz_sanitize_url_ok("vbscript:x", false));
	CHECK(gz_sanitize_url_ok("javascript-guide.html", false));
}

void suite_sanitize(void)
{
	gz_test_run("sanitize: kept", kept);
	gz_test_run("sanitize: dropped", dropped);
	gz_test_run("sanitize: allowed embeds", allowed_embeds);
	gz_test_run("sanitize: unfinished", unfinished);
	gz_test_run("sanitize: payloads", payloads);
	gz_test_run("sanitize: urls", urls);
}
