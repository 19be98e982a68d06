/* libFuzzer target: theme templates (template text into Lua source). */
#include <stdint.h>

#include "base/diag.h"
#include "lua/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_buf out = GZ_BUF_INIT;
	gz_diag d;

	gz_diag_init(&d);
	gz_template_translate(&out, (const char *)data, size, "fuzz.html", &d);
	gz_buf_release(&out);
	gz_diag_release(&d);
	return 0;
}
