/* libFuzzer target: site.yml (the settings, through gz_config_load). */
#include <stdint.h>

#include "load/config.h"
#include "base/diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_config cfg;
	gz_diag d;

	gz_diag_init(&d);
	gz_config_load(&cfg, "site.yml", (const char *)data, size, &d);
	gz_config_release(&cfg);
	gz_diag_release(&d);
	return 0;
}
