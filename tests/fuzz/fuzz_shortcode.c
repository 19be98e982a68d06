/* libFuzzer target: Markdown with ::: shortcode fences, nested and
 * unclosed. A stub shortcode (no Lua) wraps the inner HTML, so the fence
 * marking and splicing in markdown.c run as they do in a build; one name
 * fails, to run the error path. Also once with hooks NULL (shortcodes are
 * then an error). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "markdown.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int stub(const char *name, const char *args, const char *inner_html, int line, char **html,
		void *payload, char **err)
{
	gz_buf b = GZ_BUF_INIT;

	(void)payload;
	if (!strcmp(name, "fail")) {
		*err = strdup("stub shortcode failed");
		return -1;
	}
	gz_buf_printf(&b, "<div class=\"%s\" data-line=\"%d\" data-args=\"%zu\">%s</div>", name,
		      line, strlen(args), inner_html);
	*html = gz_buf_detach(&b, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_md_hooks hooks = {NULL, stub, NULL};
	gz_md_opts o = {.base_path = "/", .line_offset = 4, .hooks = &hooks};
	gz_md_result r;

	if (!gz_utf8_valid((const char *)data, size, NULL, NULL))
		return 0;
	gz_markdown_render(&r, (const char *)data, size, &o);
	gz_md_result_release(&r);
	o.hooks = NULL;
	gz_markdown_render(&r, (const char *)data, size, &o);
	gz_md_result_release(&r);
	return 0;
}
