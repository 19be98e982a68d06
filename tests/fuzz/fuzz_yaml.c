/* libFuzzer target: front matter and site.yml (YAML into value trees). */
#include <stdint.h>
#include <stdlib.h>

#include "load/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_value *v = NULL;
	char *err = NULL;
	int line, col;

	if (gz_yaml_parse(&v, (const char *)data, size, 1, &err, &line, &col) == 0) {
		gz_value_str(v, "title");
		gz_value_bool(v, "featured", false);
		gz_value_free(v);
	}
	free(err);
	return 0;
}
