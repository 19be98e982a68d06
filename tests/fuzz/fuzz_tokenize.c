/* libFuzzer target: the search tokenizer (page text and queries). */
#include <stdint.h>

#include "base/buf.h"
#include "base/tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count(const char *tok, size_t len, void *payload)
{
	size_t *n = payload;

	/* every token lies inside the folded text and is not empty */
	if (!len || !tok)
		__builtin_trap();
	*n += gz_tokenize_hash(tok, len) & 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gz_buf folded = GZ_BUF_INIT, joined = GZ_BUF_INIT;
	size_t n = 0;

	gz_tokenize_fold(&folded, (const char *)data, size);
	gz_tokenize(folded.ptr, folded.len, false, count, &n);
	gz_tokenize(folded.ptr, folded.len, true, count, &n);
	gz_tokenize_join(&joined, (const char *)data, size, false);
	gz_buf_clear(&joined);
	gz_tokenize_join(&joined, (const char *)data, size, true);
	gz_buf_release(&folded);
	gz_buf_release(&joined);
	return 0;
}
