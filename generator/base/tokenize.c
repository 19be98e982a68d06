#include "base/tokenize.h"

#include <string.h>

bool gz_tokenize_is_cjk(uint32_t cp)
{
	return gz_tokenize_cjk(cp);
}

void gz_tokenize_fold(gz_buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;
	uint32_t cp;
	char *w;

	/* the result is never longer than s (a full-width letter shrinks, an
	 * invalid byte becomes one space), so it is written in place */
	gz_buf_grow(out, len);
	w = out->ptr + out->len;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			*w++ = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
			continue;
		}
		n = gz_tokenize_decode(s + i, len - i, &cp);
		if (!n) {
			*w++ = ' ';
			i++;
			continue;
		}
		/* full-width digits and letters (０-９ Ａ-Ｚ ａ-ｚ) are ASCII ones */
		if (cp >= 0xff10 && cp <= 0xff19)
			*w++ = (char)('0' + (cp - 0xff10));
		else if (cp >= 0xff21 && cp <= 0xff3a)
			*w++ = (char)('a' + (cp - 0xff21));
		else if (cp >= 0xff41 && cp <= 0xff5a)
			*w++ = (char)('a' + (cp - 0xff41));
		else if (n == 3) /* Chinese: a copy of known length, made inline */
			memcpy(w, s + i, 3), w += 3;
		else {
			memcpy(w, s + i, n);
			w += n;
		}
		i += n;
	}
	out->len = (size_t)(w - out->ptr);
	out->ptr[out->len] = '\0';
}

void gz_tokenize(const char *s, size_t len, bool query, gz_token_fn fn, void *payload)
{
	gz_tokenize_each(s, len, query, fn, payload);
}

static void join_one(const char *tok, size_t len, void *payload)
{
	gz_buf *out = payload;

	if (out->len && out->ptr[out->len - 1] != ' ')
		gz_buf_putc(out, ' ');
	gz_buf_add(out, tok, len);
}

void gz_tokenize_join(gz_buf *out, const char *s, size_t len, bool query)
{
	gz_buf folded = GZ_BUF_INIT;
	gz_tokenize_fold(&folded, s, len);
	gz_tokenize(folded.ptr, folded.len, query, join_one, out);
	gz_buf_release(&folded);
}

uint32_t gz_tokenize_hash(const char *tok, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)tok[i];
		h *= 16777619u;
	}
	return h;
}
