/*
 * suggest.h: "did you mean …?" for names typed by hand.
 *
 * A front-matter key, a township or an industry an editor typed is
 * compared with the names gazette knows by edit distance over characters
 * (not bytes: 穆陵镇 is one substitution from 穆棱镇), counting a swap of
 * two neighbours as one edit (Damerau's "optimal string alignment"), so
 * "ttile" is as close to "title" as "tittle" is.
 */
#ifndef GZ_SUGGEST_H
#define GZ_SUGGEST_H

#include <stddef.h>

/* Edits between UTF-8 strings a and b, in characters. Names longer than
 * GZ_SUGGEST_MAX characters are compared by their first GZ_SUGGEST_MAX. */
#define GZ_SUGGEST_MAX 64
size_t gz_suggest_distance(const char *a, const char *b);

/* The name of names[0..n) closest to s when it is close enough to be a
 * likely typo (one edit for names of up to four characters, two up to
 * eight, three beyond), else NULL. Borrowed from names; the first of
 * equally close names wins. An exact match is returned too. */
const char *gz_suggest(const char *s, const char *const *names, size_t n);

#endif
