/* libFuzzer target: raw HTML through the sanitizer. What it writes must
 * come back unchanged from a second pass (it is already in the plain form
 * a browser reads as written), and the first byte picks the embeds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned allow;
	char *once, *twice;

	/* a page with a NUL byte is refused before it gets here */
	if (!size || memchr(data + 1, 0, size - 1))
		return 0;
	allow = data[0] & 7u;
	once = gz_sanitize_html((const char *)data + 1, size - 1, allow);
	twice = gz_sanitize_html(once, strlen(once), allow);
	if (strcmp(once, twice)) {
		fprintf(stderr, "not stable:\n  once:  %s\n  twice: %s\n", once, twice);
		abort();
	}
	gz_sanitize_url_ok(once, data[0] & 8u);
	free(once);
	free(twice);
	return 0;
}
