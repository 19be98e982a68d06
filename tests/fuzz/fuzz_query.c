/* libFuzzer target: archive queries (`gazette archive search`). The query
 * is parsed into an FTS5 expression and substring checks before the
 * database is opened; with no archive the search stops there, so this
 * covers the parsing of what the user typed (not SQLite). Filters take the
 * input too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive/archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	gz_archive_query q;
	gz_archive_hit *hits = NULL;
	size_t n = 0;
	gz_diag d;

	gz_diag_init(&d);
	memcpy(s, data, size);
	s[size] = '\0';
	memset(&q, 0, sizeof(q));
	q.query = s;
	q.township = q.tag = s;
	q.from = q.to = s;
	gz_archive_search(&hits, &n, "/nonexistent/gazette-fuzz", &q, &d);
	gz_archive_hits_free(hits, n);
	gz_diag_release(&d);
	free(s);
	return 0;
}
