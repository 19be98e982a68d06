#include "base/text.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

/*
 * Every byte of every page goes through here (its check, its character
 * count, the search's tokens): Chinese text is three-byte sequences, so
 * those are decoded first, inline, and only the rest take the loop.
 */
static inline size_t decode(const char *str, size_t len, uint32_t *out)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	size_t n, i;

	if (!len)
		return 0;
	if (s[0] < 0x80) {
		*out = s[0];
		return 1;
	}
	if ((s[0] & 0xf0) == 0xe0 && len >= 3 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		cp = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		*out = cp;
		return 3;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* reject overlong forms, surrogates and values past U+10FFFF */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	*out = cp;
	return n;
}

size_t gz_utf8_decode(const char *str, size_t len, uint32_t *out)
{
	return decode(str, len, out);
}

bool gz_utf8_valid(const char *s, size_t len, int *bad_line, int *bad_col)
{
	size_t i = 0;
	int line = 1, col = 1;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if ((unsigned char)s[i] < 0x80) {
			if (s[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
			i++;
			continue;
		}
		/* a three-byte character whose first byte rules out overlong
		 * forms and surrogates (Chinese text): only its form checked */
		if ((unsigned char)s[i] >= 0xe1 && (unsigned char)s[i] != 0xed &&
		    (unsigned char)s[i] <= 0xef && len - i >= 3 && (s[i + 1] & 0xc0) == 0x80 &&
		    (s[i + 2] & 0xc0) == 0x80) {
			i += 3;
			col++;
			continue;
		}
		n = decode(s + i, len - i, &cp);
		if (!n) {
			if (bad_line)
				*bad_line = line;
			if (bad_col)
				*bad_col = col;
			return false;
		}
		i += n;
		col++;
	}
	return true;
}

bool gz_is_cjk(uint32_t cp)
{
	return (cp >= 0x2e80 && cp <= 0x9fff) ||   /* radicals, CJK punct, kana, Han */
	       (cp >= 0xac00 && cp <= 0xd7af) ||   /* hangul */
	       (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility ideographs */
	       (cp >= 0xfe30 && cp <= 0xfe4f) ||   /* compatibility forms */
	       (cp >= 0xff00 && cp <= 0xffef) ||   /* full-width forms */
	       (cp >= 0x20000 && cp <= 0x3134f);   /* extensions B–G */
}

/* Quotes, dashes and ellipses that Chinese text uses: a character each. */
static bool is_cjk_mark(uint32_t cp)
{
	return cp == 0x2014 || cp == 0x2018 || cp == 0x2019 || cp == 0x201c || cp == 0x201d ||
	       cp == 0x2026 || cp == 0x00b7;
}

static bool is_word(uint32_t cp)
{
	return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	       (cp >= 0xc0 && cp < 0x2e80 && cp != 0xd7 && cp != 0xf7 && !(cp >= 0x2000 && cp <= 0x206f) &&
		!is_cjk_mark(cp));
}

/* Emoji and pictographs: a character each, as a reader sees them (skin-tone
 * modifiers belong to the emoji before them). */
static bool is_pictograph(uint32_t cp)
{
	return cp >= 0x1f000 && cp <= 0x1faff && !(cp >= 0x1f3fb && cp <= 0x1f3ff);
}

size_t gz_text_count(const char *s, size_t len)
{
	size_t i = 0, count = 0;
	bool in_word = false;

	while (i < len) {
		const unsigned char *u = (const unsigned char *)s + i;
		uint32_t cp;
		size_t n;

		/* U+3000 to U+9FFF (CJK punctuation, kana, Han), most of
		 * Chinese text: a character each, known by its first byte */
		if (u[0] >= 0xe3 && u[0] <= 0xe9 && len - i >= 3 && (u[1] & 0xc0) == 0x80 &&
		    (u[2] & 0xc0) == 0x80) {
			count++;
			in_word = false;
			i += 3;
			continue;
		}
		n = decode(s + i, len - i, &cp);
		if (!n) {
			i++;
			continue;
		}
		i += n;
		if (gz_is_cjk(cp) || is_cjk_mark(cp) || is_pictograph(cp)) {
			count++;
			in_word = false;
		} else if (is_word(cp)) {
			if (!in_word)
				count++;
			in_word = true;
		} else {
			in_word = false;
		}
	}
	return count;
}

int gz_text_minutes(size_t n, int per_minute)
{
	size_t m;

	if (per_minute <= 0)
		per_minute = 400;
	m = (n + (size_t)per_minute / 2) / (size_t)per_minute;
	return m < 1 ? 1 : (int)m;
}

/* Byte offset just past the first n characters of s. */
static size_t char_offset(const char *s, size_t len, size_t n)
{
	size_t i = 0;

	while (i < len && n) {
		uint32_t cp;
		size_t k = decode(s + i, len - i, &cp);
		i += k ? k : 1;
		n--;
	}
	return i;
}

void gz_text_truncate(gz_buf *out, const char *s, size_t len, size_t n)
{
	size_t off = char_offset(s, len, n);

	gz_buf_add(out, s, off);
	if (off < len) {
		while (out->len && out->ptr[out->len - 1] == ' ')
			gz_buf_truncate(out, out->len - 1);
		gz_buf_puts(out, "…");
	}
}

static bool is_sentence_end(uint32_t cp, const char *next, size_t left)
{
	switch (cp) {
	case 0x3002: /* 。 */
	case 0xff01: /* ！ */
	case 0xff1f: /* ？ */
	case 0xff1b: /* ； */
	case 0x2026: /* … */
		return true;
	case '.': case '!': case '?':
		return left == 0 || *next == ' ' || *next == '\n';
	default:
		return false;
	}
}

void gz_text_summary(gz_buf *out, const char *s, size_t len, size_t target)
{
	size_t i = 0, chars = 0, best = 0;
	size_t lo = target / 2, hi = target + target / 2;

	while (i < len && chars < hi) {
		uint32_t cp;
		size_t k = decode(s + i, len - i, &cp);

		if (!k) {
			i++;
			continue;
		}
		i += k;
		chars++;
		if (is_sentence_end(cp, s + i, len - i)) {
			/* closing quotes belong to the sentence they end */
			while (i < len) {
				uint32_t q;
				size_t m = decode(s + i, len - i, &q);
				if (!m || !(q == 0x201d || q == 0x300d || q == 0x300f || q == 0xff09))
					break;
				i += m;
				chars++;
			}
			if (chars >= lo && (chars <= target || !best))
				best = i;
			if (chars >= target && best)
				break;
		}
	}
	if (i >= len && chars <= hi) {
		gz_buf_add(out, s, len);
		return;
	}
	if (best) {
		gz_buf_add(out, s, best);
		return;
	}
	gz_text_truncate(out, s, len, target);
}

void gz_slugify(gz_buf *out, const char *s)
{
	size_t len = strlen(s), i = 0, start = out->len;
	bool dash = false;

	while (i < len) {
		uint32_t cp;
		size_t k = decode(s + i, len - i, &cp);

		if (!k) {
			i++;
			continue;
		}
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_' ||
		    (gz_is_cjk(cp) && cp >= 0x3400 && !(cp >= 0xff00 && cp <= 0xffef))) {
			if (dash && out->len > start)
				gz_buf_putc(out, '-');
			dash = false;
			gz_buf_add(out, s + i, k);
		} else if (cp >= 'A' && cp <= 'Z') {
			if (dash && out->len > start)
				gz_buf_putc(out, '-');
			dash = false;
			gz_buf_putc(out, (char)(cp - 'A' + 'a'));
		} else {
			dash = true;
		}
		i += k;
	}
}

bool gz_slug_is_hostile(const char *s)
{
	const unsigned char *p;

	if (!*s || strstr(s, ".."))
		return true;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

static inline bool is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* Chinese text's own marks: a space beside one parts nothing. */
static bool is_cjk_punct(uint32_t cp)
{
	return is_cjk_mark(cp) || (cp >= 0x3000 && cp <= 0x303f) ||
	       (cp >= 0xfe30 && cp <= 0xfe4f) ||
	       (cp >= 0xff00 && cp <= 0xffef && !(cp >= 0xff10 && cp <= 0xff19) &&
		!(cp >= 0xff21 && cp <= 0xff3a) && !(cp >= 0xff41 && cp <= 0xff5a));
}

/* The character that ends s[0..len), or 0. */
static uint32_t last_char(const char *s, size_t len)
{
	size_t i = len;
	uint32_t cp = 0;

	while (i > 0 && len - i < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0)
		i--;
	return i < len && decode(s + i, len - i, &cp) == len - i ? cp : 0;
}

/* Does a space between a and b part two words? Between Latin words it
 * does, and between a Latin word and a Chinese one ("访问 https://…",
 * "用 App 下单"); between two Chinese characters it is most often a line
 * break of the source, and beside a Chinese mark it parts nothing. */
static bool space_parts(uint32_t a, uint32_t b)
{
	bool ca = a >= 0x80 && (gz_is_cjk(a) || is_cjk_mark(a));
	bool cb = b >= 0x80 && (gz_is_cjk(b) || is_cjk_mark(b));

	return !(ca && cb) && !is_cjk_punct(a) && !is_cjk_punct(b);
}

static void squeeze(gz_buf *b, bool mixed)
{
	size_t r = 0, w = 0;
	bool space = false;

	/* a run of text is moved whole, and only the blanks between runs are
	 * looked at one by one */
	while (r < b->len) {
		size_t start = r;
		while (r < b->len && !is_blank(b->ptr[r]))
			r++;
		if (r > start) {
			/* no space between Chinese characters: it would show */
			if (space && w && !mixed && (unsigned char)b->ptr[w - 1] < 0x80 &&
			    (unsigned char)b->ptr[start] < 0x80)
				b->ptr[w++] = ' ';
			if (space && w && mixed) {
				uint32_t next = 0;
				decode(b->ptr + start, r - start, &next);
				if (space_parts(last_char(b->ptr, w), next))
					b->ptr[w++] = ' ';
			}
			memmove(b->ptr + w, b->ptr + start, r - start);
			w += r - start;
		}
		space = false;
		while (r < b->len && is_blank(b->ptr[r])) {
			space = true;
			r++;
		}
	}
	gz_buf_truncate(b, w);
}

void gz_text_squeeze(gz_buf *b)
{
	squeeze(b, false);
}

void gz_text_squeeze_mixed(gz_buf *b)
{
	squeeze(b, true);
}

/* Does a title join tightly at a removed line break beside cp? */
static bool joins_tight(uint32_t cp)
{
	return cp >= 0x80 && (gz_is_cjk(cp) || is_cjk_mark(cp));
}

/* title with each run of white space that holds a line break (a mark)
 * made one '\n' (whole false) or the join gz_text_title_whole says */
static char *title_marks(const char *s, bool whole)
{
	gz_buf b = GZ_BUF_INIT, *out = &b;
	size_t len, i = 0, j, start = 0;
	bool mark;
	uint32_t next = 0;

	if (!s)
		return NULL;
	/* every page's title comes here, on every build */
	if (!strpbrk(s, "\n\r"))
		return gz_strdup(s);
	len = strlen(s);
	while (i < len) {
		if (!is_blank(s[i])) {
			gz_buf_putc(out, s[i++]);
			continue;
		}
		mark = false;
		for (j = i; j < len && is_blank(s[j]); j++)
			mark = mark || s[j] == '\n' || s[j] == '\r';
		if (!mark) {
			gz_buf_add(out, s + i, j - i);
		} else if (out->len > start && j < len) {
			if (!whole)
				gz_buf_putc(out, '\n');
			else if (decode(s + j, len - j, &next) &&
				 !joins_tight(last_char(out->ptr + start, out->len - start)) &&
				 !joins_tight(next))
				gz_buf_putc(out, ' ');
		}
		i = j;
	}
	return gz_buf_detach(&b, NULL);
}

char *gz_text_title_marked(const char *s)
{
	return title_marks(s, false);
}

char *gz_text_title_whole(const char *s)
{
	return title_marks(s, true);
}

int gz_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t gz_text_break_mark(const char *s)
{
#define MARK(m) {m, sizeof(m) - 1}
	static const struct {
		const char *s;
		size_t n;
	} marks[] = {MARK("，"), MARK("、"), MARK("："), MARK("；"), MARK("！"), MARK("？"),
		     MARK("。"), MARK("）"), MARK("”"), MARK("」"), MARK("》"), MARK("——")};
#undef MARK
	unsigned char c = (unsigned char)*s;
	size_t i;

	if (c == ' ')
		return 1;
	/* asked at every byte of a title: every mark starts E2, E3 or EF */
	if (c != 0xe2 && c != 0xe3 && c != 0xef)
		return 0;
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (!strncmp(s, marks[i].s, marks[i].n))
			return marks[i].n;
	return 0;
}

/* The last mark of a two-line plain title after which it can break, each
 * side on a line of its own; 0 if none. */
static size_t break_at_mark(const char *markup, double width, gz_text_lines_fn lines,
			    void *payload)
{
	size_t len = strlen(markup), at, m, best = 0;
	gz_buf b = GZ_BUF_INIT;
	double last;

	for (at = 0; at < len; at++) {
		if (!(m = gz_text_break_mark(markup + at)))
			continue;
		if (at + m >= len)
			break;
		gz_buf_clear(&b);
		gz_buf_add(&b, markup, at + m);
		if (lines(b.ptr, width, &last, NULL, 0, payload) != 1)
			break;
		best = at + m;
		at += m - 1;
	}
	if (best && lines(markup + best, width, &last, NULL, 0, payload) != 1)
		best = 0;
	gz_buf_release(&b);
	return best;
}

/* Append the part of a marked title whose line k starts at starts[k], a
 * '\n' put before each line after the first (and a space left at the
 * end of the line before taken off). */
static void put_lines(gz_buf *b, const char *part, const size_t *starts, int n)
{
	const char *s = part;
	size_t chars = 0;
	uint32_t cp;
	int k;

	for (k = 1; k < n; k++) {
		while (*s && chars < starts[k]) {
			const char *semi = *s == '&' ? strchr(s, ';') : NULL;
			size_t m = semi ? (size_t)(semi - s) + 1 : decode(s, strlen(s), &cp);
			gz_buf_add(b, s, m ? m : 1);
			s += m ? m : 1;
			chars++;
		}
		while (b->len && b->ptr[b->len - 1] == ' ')
			gz_buf_truncate(b, b->len - 1);
		gz_buf_putc(b, '\n');
	}
	gz_buf_puts(b, s);
}

/* Append one part of a marked title as it is balanced alone at width;
 * true if line breaks were put in it. */
static bool balance_part(gz_buf *b, const char *part, double width, gz_text_lines_fn lines,
			 void *payload)
{
	gz_text_balanced pb;
	size_t *starts;
	double last;
	bool done;
	int n;

	gz_text_balance(&pb, part, width, lines, payload);
	if (pb.markup) {
		gz_buf_puts(b, pb.markup);
		free(pb.markup);
		return true;
	}
	if (pb.width >= width || (n = lines(part, pb.width, &last, NULL, 0, payload)) < 2) {
		gz_buf_puts(b, part);
		return false;
	}
	/* the lines it has at the narrower width, as breaks: the text as a
	 * whole is set at the box's width */
	starts = gz_calloc((size_t)n, sizeof(*starts));
	done = lines(part, pb.width, &last, starts, n, payload) == n;
	if (done)
		put_lines(b, part, starts, n);
	else
		gz_buf_puts(b, part);
	free(starts);
	return done;
}

/* A marked title: its parts, between its line breaks, each balanced. */
static void balance_parts(gz_text_balanced *out, const char *markup, double width,
			  gz_text_lines_fn lines, void *payload)
{
	gz_buf b = GZ_BUF_INIT, part = GZ_BUF_INIT;
	const char *s = markup, *nl;
	bool changed = false;

	for (;;) {
		nl = strchr(s, '\n');
		gz_buf_clear(&part);
		gz_buf_add(&part, s, nl ? (size_t)(nl - s) : strlen(s));
		changed = balance_part(&b, part.ptr, width, lines, payload) || changed;
		if (!nl)
			break;
		gz_buf_putc(&b, '\n');
		s = nl + 1;
	}
	out->markup = changed ? gz_buf_detach(&b, NULL) : NULL;
	out->width = width;
	gz_buf_release(&b);
	gz_buf_release(&part);
}

void gz_text_balance(gz_text_balanced *out, const char *markup, double width,
		     gz_text_lines_fn lines, void *payload)
{
	double last, lo, hi;
	int n;

	if (strchr(markup, '\n') && !strchr(markup, '<')) {
		balance_parts(out, markup, width, lines, payload);
		return;
	}
	n = lines(markup, width, &last, NULL, 0, payload);
	out->markup = NULL;
	out->width = width;
	if (n < 2 || last >= width * 0.4)
		return;
	if (n == 2 && !strpbrk(markup, "<&\n")) {
		size_t at = break_at_mark(markup, width, lines, payload);
		if (at) {
			gz_buf b = GZ_BUF_INIT;
			gz_buf_add(&b, markup, at);
			gz_buf_putc(&b, '\n');
			gz_buf_puts(&b, markup + at);
			if (lines(b.ptr, width, &last, NULL, 0, payload) == 2) {
				out->markup = gz_buf_detach(&b, NULL);
				return;
			}
			gz_buf_release(&b);
		}
	}
	/* the narrowest width, to a point, that keeps n lines */
	lo = width / n;
	hi = width;
	while (hi - lo > 1) {
		double mid = (lo + hi) / 2;
		int k = lines(markup, mid, &last, NULL, 0, payload);
		if (k < 0)
			return;
		if (k > n)
			lo = mid;
		else
			hi = mid;
	}
	if (lines(markup, hi, &last, NULL, 0, payload) == n)
		out->width = hi;
}
