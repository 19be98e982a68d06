#include "base/suggest.h"

#include <stdint.h>
#include <string.h>

#include "base/text.h"

static size_t decode(const char *s, uint32_t *out)
{
	size_t len = strlen(s), i = 0, n = 0;

	while (i < len && n < GZ_SUGGEST_MAX) {
		size_t k = gz_utf8_decode(s + i, len - i, &out[n]);
		if (!k) {
			/* a stray byte still counts as one character */
			out[n] = (unsigned char)s[i];
			k = 1;
		}
		i += k;
		n++;
	}
	return n;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

size_t gz_suggest_distance(const char *a, const char *b)
{
	uint32_t x[GZ_SUGGEST_MAX], y[GZ_SUGGEST_MAX];
	/* three rows: the transposition looks two back */
	size_t rows[3][GZ_SUGGEST_MAX + 1];
	size_t m = decode(a, x), n = decode(b, y), i, j;
	size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2], *t;

	for (j = 0; j <= n; j++)
		prev[j] = j;
	for (i = 1; i <= m; i++) {
		cur[0] = i;
		for (j = 1; j <= n; j++) {
			size_t cost = x[i - 1] != y[j - 1];
			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[n];
}

static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

const char *gz_suggest(const char *s, const char *const *names, size_t n)
{
	size_t len = chars(s), limit = len <= 4 ? 1 : len <= 8 ? 2 : 3, best = (size_t)-1, i;
	const char *found = NULL;

	for (i = 0; i < n; i++) {
		size_t d = gz_suggest_distance(s, names[i]);
		if (d < best) {
			best = d;
			found = names[i];
		}
	}
	/* a name all of whose characters would change is no typo of it */
	return found && best <= limit && best < len ? found : NULL;
}
