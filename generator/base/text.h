/*
 * text.h: UTF-8 and Chinese-aware text measures.
 *
 * Chinese has no spaces between words, so every measure here counts per
 * character: a Han character, kana, hangul syllable, full-width mark, or the
 * quotes, dashes and ellipses of Chinese text (“”‘’—…·) counts one; a run of Latin letters or digits counts one word. Cuts never split a
 * UTF-8 sequence, and summaries end at a sentence boundary (。！？) where
 * there is one near the wanted length.
 */
#ifndef GZ_TEXT_H
#define GZ_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Decode one code point at s (len bytes left); returns its length, or 0 if
 * the bytes there are not valid UTF-8. */
size_t gz_utf8_decode(const char *s, size_t len, uint32_t *out);

/* True if s is valid UTF-8. Otherwise *bad_line and *bad_col (1-based, col
 * counted in characters) say where the first bad byte is. */
bool gz_utf8_valid(const char *s, size_t len, int *bad_line, int *bad_col);

/* The value of the hexadecimal digit c (a %XX in a URL), or -1. */
int gz_hex_value(int c);

/* Han, kana, hangul, and CJK/full-width punctuation. */
bool gz_is_cjk(uint32_t cp);

/* The character count of plain text (see above). */
size_t gz_text_count(const char *s, size_t len);

/* Minutes to read n characters at rate per minute, at least 1. */
int gz_text_minutes(size_t n, int per_minute);

/* Append the first n characters of s, then "…" if anything was cut. */
void gz_text_truncate(gz_buf *out, const char *s, size_t len, size_t n);

/* Append a summary of plain text s: about target characters, cut at a
 * sentence end if one lies between target/2 and target*3/2. */
void gz_text_summary(gz_buf *out, const char *s, size_t len, size_t target);

/* Append a URL-safe slug of s: ASCII letters lowered, digits, and CJK kept;
 * anything else becomes one '-'; no leading or trailing '-'. */
void gz_slugify(gz_buf *out, const char *s);

/* True if a slug or path segment from content would leave its folder:
 * contains '/', '\\', a "..", control characters, or is empty. */
bool gz_slug_is_hostile(const char *s);

/* The length of the mark at s after which a title's line may end (a
 * Chinese pause or stop, a closing bracket or quote, "——", a space), or 0:
 * where print's headings and the web's titles prefer to break. */
size_t gz_text_break_mark(const char *s);

/*
 * A title's line breaks: an editor ends a line of a title where print sets
 * it large (a brochure's cover, a leaflet's cover panel, a story's opening
 * page in a brochure) with a line break in it, a newline of its YAML
 * (title: "穆棱市脱贫攻坚\n典型案例", or a block scalar, title: |). One
 * mark is the newline with the white space about it, blank lines too.
 * Every other place reads the title whole. A title without a newline is
 * returned as it is by both.
 */
/* Title s as print sets it large: each mark one '\n', none at its ends.
 * A new string (caller frees); NULL if s is NULL. */
char *gz_text_title_marked(const char *s);
/* Title s read whole, each mark taken out: nothing where either side is
 * Chinese (a Han character or a Chinese mark: "穆棱市脱贫攻坚典型案例"), a
 * space between two other characters ("Poverty Alleviation", "2019
 * Cases"). A new string (caller frees); NULL if s is NULL. */
char *gz_text_title_whole(const char *s);

/* How a title's lines are set: not "家里有人住院，先做什 / 么？", a word's
 * last characters alone on a line. The layout is the caller's, through a
 * function that lays markup out at width and returns its number of lines
 * (-1 if it cannot), with the width of its last line in *last and, when
 * starts is not NULL, where each of its first max lines starts, counted
 * in characters of its text (markup's tags and entities not counted); it
 * must not longjmp (a Lua error), as the balancer owns memory while it
 * runs. */
typedef int (*gz_text_lines_fn)(const char *markup, double width, double *last, size_t *starts,
				int max, void *payload);
typedef struct {
	char *markup;   /* markup with a line break put in; NULL: the markup as given */
	double width;   /* the width to lay it out at, at most the box's */
} gz_text_balanced;
/* Choose how markup fits width in *out (free out->markup). When the last
 * line is short (under 40 % of the width), a two-line title of plain text
 * breaks after the last mark (gz_text_break_mark) whose text before it
 * fits one line, the rest fitting the other: "家里有人住院， / 先做什么？".
 * Otherwise (no such mark, markup, three lines or more) the lines are
 * balanced: out->width is the narrowest, to a point, that gives as many
 * lines. A text narrower than its box sits at the box's left: a centred
 * or right-aligned one is to be moved by what it gave up. A line break in
 * markup without tags (a marked title) stays, and each part between
 * breaks is set so on its own: a part too long for one line is balanced
 * in lines of its own, the breaks chosen put into out->markup, and the
 * width is the box's. */
void gz_text_balance(gz_text_balanced *out, const char *markup, double width,
		     gz_text_lines_fn lines, void *payload);

/* Collapse runs of whitespace to one space and trim, in place; a space
 * stays only between two ASCII characters. */
void gz_text_squeeze(gz_buf *b);
/* The same, but a space also stays between a Latin word and a Chinese one
 * ("访问 https://…", "用 App 下单"); it goes between two Chinese
 * characters and beside a Chinese mark (。，“”…). */
void gz_text_squeeze_mixed(gz_buf *b);

#endif
