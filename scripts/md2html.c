/* md2html — Markdown on stdin to HTML on stdout, with cmark-gfm and the
 * extensions gazette uses (table, strikethrough, autolink), for
 * scripts/bench-print.sh: WeasyPrint gets HTML made from the very Markdown
 * gazette prints.
 *
 *   cc scripts/md2html.c $(pkg-config --cflags --libs libcmark-gfm) \
 *      -lcmark-gfm-extensions -o md2html
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	static const char *const exts[] = {"table", "strikethrough", "autolink"};
	cmark_parser *p;
	cmark_node *doc;
	char buf[65536], *html;
	size_t n, i;

	cmark_gfm_core_extensions_ensure_registered();
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(exts[i]));
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		cmark_parser_feed(p, buf, n);
	doc = cmark_parser_finish(p);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
	fputs(html, stdout);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
	return 0;
}
