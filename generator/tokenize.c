#include "tokenize.h"

#include "text.h"

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

void gz_tokenize_fold(gz_buf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	gz_buf_grow(out, len);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			gz_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
			i++;
			continue;
		}
		n = gz_utf8_decode(s + i, len - i, &cp);
		if (!n) {
			gz_buf_putc(out, ' ');
			i++;
			continue;
		}
		/* full-width digits and letters (０-９ Ａ-Ｚ ａ-ｚ) are ASCII ones */
		if (cp >= 0xff10 && cp <= 0xff19)
			gz_buf_putc(out, (char)('0' + (cp - 0xff10)));
		else if (cp >= 0xff21 && cp <= 0xff3a)
			gz_buf_putc(out, (char)('a' + (cp - 0xff21)));
		else if (cp >= 0xff41 && cp <= 0xff5a)
			gz_buf_putc(out, (char)('a' + (cp - 0xff41)));
		else
			gz_buf_add(out, s + i, n);
		i += n;
	}
}

void gz_tokenize(const char *s, size_t len, bool query, gz_token_fn fn, void *payload)
{
	size_t i = 0, n;
	uint32_t cp;
	/* the CJK run so far: where it began, the previous character */
	size_t run_start = 0, prev = 0, prev_len = 0, run_chars = 0;

	while (i <= len) {
		bool cjk = false;
		n = 1;
		if (i < len && (unsigned char)s[i] >= 0x80) {
			n = gz_utf8_decode(s + i, len - i, &cp);
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
		if (i < len && is_alnum((unsigned char)s[i])) {
			size_t start = i;
			while (i < len && is_alnum((unsigned char)s[i]))
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
