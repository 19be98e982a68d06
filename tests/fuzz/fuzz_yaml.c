/* libFuzzer target: front matter and site.yml (YAML into value trees). */
#include <stdint.h>
#include <stdlib.h>

#include "load/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_value *v = NULL;
	gz_diag d;

	gz_diag_init(&d);
	if (gz_yaml_parse(&v, (const char *)data, size, 1, "fuzz.md", &d) == 0) {
		gz_value_str(v, "title");
		gz_value_bool(v, "featured", false);
		gz_value_free(v);
	}
	gz_diag_release(&d);
	return 0;
}
