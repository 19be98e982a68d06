/*
 * tokenize.h: the words of Chinese and mixed text, for search.
 *
 * Chinese has no spaces, so a run of CJK characters (Han, kana, hangul)
 * gives every character (unigram) and every pair of neighbours (bigram):
 * 养羊户 → 养 羊 养羊 户 羊户. A run of ASCII letters and digits is one
 * token, lower-cased: "Muling 2019年" → muling 2019 年. Everything else
 * (spaces, punctuation, symbols) only separates tokens; tokens never cross
 * it. Full-width ASCII (２０１９, ＡＢＣ) is folded to ASCII first.
 *
 * A query is cut the same way, but a CJK run of two or more characters
 * gives only its bigrams (养羊户 → 养羊 羊户): a page contains the run only
 * if it has all of them (exactly so for two characters; longer runs are
 * checked against the text afterwards). The site index (search.c), the
 * browser (search.js) and the archive (archive.c) share these rules.
 */
#ifndef GZ_TOKENIZE_H
#define GZ_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/text.h"

/* Append s folded for tokenizing and matching: ASCII letters lower-cased,
 * full-width ASCII letters and digits made ASCII, invalid UTF-8 bytes
 * replaced by a space; everything else is copied. Tokens of the result are
 * substrings of it, so callers can point into it. */
void gz_tokenize_fold(gz_buf *out, const char *s, size_t len);

/* Called once per token; tok points into the folded text (not NUL-ended). */
typedef void (*gz_token_fn)(const char *tok, size_t len, void *payload);

/* Every token of folded text s, in text order. query: the query rules
 * above (bigrams only for CJK runs of two or more). */
void gz_tokenize(const char *s, size_t len, bool query, gz_token_fn fn, void *payload);

/* gz_tokenize's loop, for a caller that calls it for every page: inline,
 * with fn a function the compiler can see, the call of every token is
 * made inside the loop. */
static inline void gz_tokenize_each(const char *s, size_t len, bool query, gz_token_fn fn,
				    void *payload);

/* Append the tokens of s (not yet folded) separated by single spaces: the
 * form stored in and asked of SQLite FTS5. */
void gz_tokenize_join(gz_buf *out, const char *s, size_t len, bool query);

/* True if cp is a character that tokenizes one by one (Han, kana, hangul). */
bool gz_tokenize_is_cjk(uint32_t cp);

/* 32-bit FNV-1a of the token's bytes; the index shard is hash % shards.
 * search.js computes the same over the UTF-8 bytes. */
uint32_t gz_tokenize_hash(const char *tok, size_t len);

/* What follows is gz_tokenize_each's and its helpers' bodies: no part of
 * the interface. */

static inline bool gz_tokenize_cjk(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30ff) ||   /* kana */
	       (cp >= 0x3400 && cp <= 0x4dbf) ||   /* Han extension A */
	       (cp >= 0x4e00 && cp <= 0x9fff) ||   /* Han */
	       (cp >= 0xac00 && cp <= 0xd7af) ||   /* hangul */
	       (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility ideographs */
	       (cp >= 0x20000 && cp <= 0x3134f);   /* extensions B–G */
}

static inline bool gz_tokenize_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

/* One UTF-8 character at s (len > 0 bytes left, s[0] >= 0x80): its length,
 * or 0 if invalid. Three-byte characters (all of Han, kana and hangul in
 * the BMP) are decoded here; the rest by gz_utf8_decode. */
static inline size_t gz_tokenize_decode(const unsigned char *s, size_t len, uint32_t *cp)
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

__attribute__((always_inline)) static inline void
gz_tokenize_each(const char *str, size_t len, bool query, gz_token_fn fn, void *payload)
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
			n = gz_tokenize_decode(u + i, len - i, &cp);
			if (!n)
				n = 1;
			else
				cjk = gz_tokenize_cjk(cp);
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
		if (i < len && gz_tokenize_alnum(u[i])) {
			size_t start = i;
			while (i < len && gz_tokenize_alnum(u[i]))
				i++;
			fn(s + start, i - start, payload);
			continue;
		}
		i += n;
	}
}

#endif
