/* libFuzzer target: Markdown bodies, with the Chinese and image passes. */
#include <stdint.h>

#include "load/markdown.h"
#include "base/text.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_md_result r;
	gz_md_opts o = {.base_path = "/news/", .line_offset = 3, .rel_base = "/stories/"};
	gz_buf b = GZ_BUF_INIT;

	if (!gz_utf8_valid((const char *)data, size, NULL, NULL))
		return 0;
	gz_markdown_render(&r, (const char *)data, size, &o);
	gz_text_summary(&b, r.lead, strlen(r.lead), 40);
	gz_text_count(r.plain, r.plain_len);
	gz_md_result_release(&r);
	gz_buf_release(&b);
	return 0;
}
