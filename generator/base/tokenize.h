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

/* Append the tokens of s (not yet folded) separated by single spaces: the
 * form stored in and asked of SQLite FTS5. */
void gz_tokenize_join(gz_buf *out, const char *s, size_t len, bool query);

/* True if cp is a character that tokenizes one by one (Han, kana, hangul). */
bool gz_tokenize_is_cjk(uint32_t cp);

/* 32-bit FNV-1a of the token's bytes; the index shard is hash % shards.
 * search.js computes the same over the UTF-8 bytes. */
uint32_t gz_tokenize_hash(const char *tok, size_t len);

#endif
