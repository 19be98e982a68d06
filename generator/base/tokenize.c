#include "base/tokenize.h"

#include <string.h>

#include "base/text.h"

bool gz_tokenize_is_cjk(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30ff) ||   /* kana */
	       (cp >= 0x3400 && cp <= 0x4dbf) ||   /* Han extension A */
	       (cp >= 0x4e00 && cp <= 0x9fff) ||   /* Han */
	       (cp >= 0xac00 && cp <= 0xd7af) ||   /* hangul */
	       (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility ideographs */
	       (cp >= 0x20000 && cp <= 0x3134f);   /* extensions B–G */
}

static bool is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

/* One UTF-8 character at s (len > 0 bytes left, s[0] >= 0x80): its length,
 * or 0 if invalid. Three-byte characters (all of Han, kana and hangul in
 * the BMP) are decoded here; the rest by gz_utf8_decode. */
static inline size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if ((s[0] & 0xf0) == 0xe0 && len >= 3 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		uint32_t c = ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
			     (s[2] & 0x3f);
		/* overlong forms and surrogates are invalid */
		if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		*cp = c;
		return 3;
	}
	return gz_utf8_decode((const char *)s, len, cp);
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
		n = decode(s + i, len - i, &cp);
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
		else {
			memcpy(w, s + i, n);
			w += n;
		}
		i += n;
	}
	out->len = (size_t)(w - out->ptr);
	out->ptr[out->len] = '\0';
}

void gz_tokenize(const char *str, size_t len, bool query, gz_token_fn fn, void *payload)
{
	const unsigned char *u = (const unsigned char *)str;
	const char *s = str;
	size_t i = 0, n;
	uint32_t cp;
	/* the CJK run so far: where it began, the previous character */
	size_t run_start = 0, prev = 0, prev_len = 0, run_chars = 0;

	while (i <= len) {
		bool cjk = false;
		n = 1;
		if (i < len && u[i] >= 0x80) {
			n = decode(u + i, len - i, &cp);
			if (!n)
				n = 1;
			else
				cjk = gz_tokenize_is_cjk(cp);
		}
		if (cjk) {
			if (!run_chars)
				run_start = i;
			if (!query)
				fn(s + i, n, payload);
			if (run_chars)
				fn(s + prev, prev_len + n, payload);
			prev = i;
			prev_len = n;
			run_chars++;
			i += n;
			continue;
		}
		if (run_chars == 1 && query)
			fn(s + run_start, prev_len, payload);
		run_chars = 0;
		if (i < len && is_alnum(u[i])) {
			size_t start = i;
			while (i < len && is_alnum(u[i]))
				i++;
			fn(s + start, i - start, payload);
			continue;
		}
		i += n;
	}
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
