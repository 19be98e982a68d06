/* libFuzzer target: Markdown with ::: shortcode fences, nested and
 * unclosed. A stub shortcode (no Lua) wraps the inner HTML, so the fence
 * marking and splicing in markdown.c run as they do in a build; by its
 * name it also gives a text form, print blocks, or places a photo, so the
 * block list (doc.h) is made from every kind; one name fails, to run the
 * error path. The block list is read back as text. Also once with hooks
 * NULL (shortcodes are then an error). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "load/doc.h"
#include "load/markdown.h"
#include "base/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *image_html(const gz_md_image *img, void *payload)
{
	gz_buf b = GZ_BUF_INIT;
	int *n = payload;

	gz_buf_printf(&b, "<!--gz-%s %d-->", img->block ? "fig" : "img", (*n)++);
	return gz_buf_detach(&b, NULL);
}

static int stub(gz_md_sc *sc, void *payload, char **err)
{
	gz_buf b = GZ_BUF_INIT;
	char *fig = NULL;

	(void)payload;
	if (!strcmp(sc->name, "fail")) {
		*err = strdup("stub shortcode failed");
		return -1;
	}
	if (!strcmp(sc->name, "figure") && sc->image(sc, sc->args, "alt", sc->inner_text, NULL, &fig) >= 0)
		gz_buf_puts(&b, fig);
	free(fig);
	gz_buf_printf(&b, "<div class=\"%s\" data-line=\"%d\" data-args=\"%zu\">%s</div>", sc->name,
		      sc->line, strlen(sc->args), sc->inner_html);
	sc->html = gz_buf_detach(&b, NULL);
	if (!strcmp(sc->name, "quote") || !strcmp(sc->name, "text"))
		sc->text = strdup(sc->args);
	if (!strcmp(sc->name, "quote") || !strcmp(sc->name, "box")) {
		gz_doc_add2(&sc->print, GZ_DOC_BOX, '-', 0, sc->args, NULL);
		gz_buf_puts(&sc->print, sc->inner_doc);
		gz_doc_add2(&sc->print, GZ_DOC_BOX_END, '-', 0, NULL, NULL);
	}
	return 0;
}

static void image_line(gz_buf *out, int index, const char *alt, void *payload)
{
	(void)payload;
	gz_buf_printf(out, "[%d %s]\n", index, alt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_md_hooks hooks = {NULL, stub, NULL};
	int n = 0;
	gz_md_opts o = {.base_path = "/", .line_offset = 4, .hooks = &hooks,
			.image_html = image_html, .image_payload = &n};
	gz_md_result r;
	gz_buf text = GZ_BUF_INIT;

	if (!gz_utf8_valid((const char *)data, size, NULL, NULL))
		return 0;
	gz_markdown_render(&r, (const char *)data, size, &o);
	gz_doc_text(&text, r.doc, image_line, NULL);
	gz_buf_release(&text);
	gz_md_result_release(&r);
	o.hooks = NULL;
	gz_markdown_render(&r, (const char *)data, size, &o);
	gz_md_result_release(&r);
	return 0;
}
