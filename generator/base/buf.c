#include "base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"

char gz_buf__empty[1];

void gz_buf_init(gz_buf *b, size_t hint)
{
	b->ptr = gz_buf__empty;
	b->len = b->cap = 0;
	if (hint)
		gz_buf_grow(b, hint);
}

void gz_buf_release(gz_buf *b)
{
	if (b->cap)
		free(b->ptr);
	gz_buf_init(b, 0);
}

void gz_buf_grow(gz_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t ncap;

	if (need <= b->cap)
		return;
	/* oversize by half to keep appends amortised linear */
	ncap = b->cap + b->cap / 2;
	if (ncap < need)
		ncap = need < 64 ? 64 : need;
	if (b->cap) {
		b->ptr = gz_realloc(b->ptr, ncap);
	} else {
		b->ptr = gz_malloc(ncap);
		b->ptr[0] = '\0';
	}
	b->cap = ncap;
}

void gz_buf_add(gz_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	gz_buf_grow(b, len);
	memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void gz_buf_puts(gz_buf *b, const char *s)
{
	gz_buf_add(b, s, strlen(s));
}

void gz_buf_putc(gz_buf *b, char c)
{
	gz_buf_grow(b, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
}

void gz_buf_add_uint(gz_buf *b, unsigned long long v)
{
	char t[24];
	size_t n = sizeof(t);

	do
		t[--n] = (char)('0' + v % 10);
	while (v /= 10);
	gz_buf_add(b, t + n, sizeof(t) - n);
}

void gz_buf_vprintf(gz_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	/* the analyser does not follow va_copy of a va_list parameter */
	n = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt, cp); /* NOLINT */
	va_end(cp);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		gz_buf_grow(b, (size_t)n);
		va_copy(cp, ap);
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, cp);
		va_end(cp);
	}
	b->len += (size_t)n;
}

void gz_buf_printf(gz_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gz_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void gz_buf_truncate(gz_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->ptr[len] = '\0';
}

char *gz_buf_detach(gz_buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	p = b->cap ? b->ptr : gz_strdup("");
	gz_buf_init(b, 0);
	return p;
}

/* The bytes gz_buf_add_html replaces: a table, as every page's text and
 * every template value goes through it. */
static const unsigned char html_special[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1,
};

void gz_buf_add_html(gz_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;

	gz_buf_grow(b, len);
	for (i = 0; i < len; i++) {
		const char *rep;

		while (i < len && !html_special[(unsigned char)s[i]])
			i++;
		if (i == len)
			break;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		gz_buf_add(b, s + run, i - run);
		gz_buf_puts(b, rep);
		run = i + 1;
	}
	gz_buf_add(b, s + run, len - run);
}

void gz_buf_add_json(gz_buf *b, const char *s)
{
	gz_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': gz_buf_puts(b, "\\\""); break;
		case '\\': gz_buf_puts(b, "\\\\"); break;
		case '\n': gz_buf_puts(b, "\\n"); break;
		case '\r': gz_buf_puts(b, "\\r"); break;
		case '\t': gz_buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20)
				gz_buf_printf(b, "\\u%04x", c);
			else
				gz_buf_putc(b, (char)c);
		}
	}
	gz_buf_putc(b, '"');
}

int gz_buf_read_file(gz_buf *b, const char *path)
{
	size_t start = b->len;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0)
		return -1;
	/* room for the whole file and one byte more, so the read that finds
	 * its end needs no more */
	gz_buf_grow(b, fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
			       ? (size_t)st.st_size + 1
			       : 65536);
	for (;;) {
		if (b->cap - b->len <= 1)
			gz_buf_grow(b, 65536);
		n = read(fd, b->ptr + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		b->len += (size_t)n;
	}
	e = errno;
	close(fd);
	if (n < 0) {
		gz_buf_truncate(b, start);
		errno = e;
		return -1;
	}
	b->ptr[b->len] = '\0';
	return 0;
}

char *gz_file_read(const char *path, size_t *len)
{
	gz_buf b = GZ_BUF_INIT;

	if (gz_buf_read_file(&b, path) < 0) {
		int e = errno;
		gz_buf_release(&b);
		errno = e;
		return NULL;
	}
	return gz_buf_detach(&b, len);
}
