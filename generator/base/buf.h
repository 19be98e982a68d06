/*
 * buf.h: the growable byte buffer, with git strbuf's invariants.
 *
 * A gz_buf's ptr is never NULL and always NUL-terminated, even when empty
 * (it then points at a shared static ""), so it can be passed to any C
 * string function. gz_buf_detach hands the bytes to the caller, who frees
 * them with free(); the buffer is left empty and reusable.
 */
#ifndef GZ_BUF_H
#define GZ_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct {
	char *ptr;
	size_t len;
	size_t cap;
} gz_buf;

extern char gz_buf__empty[];
#define GZ_BUF_INIT {gz_buf__empty, 0, 0}

void gz_buf_init(gz_buf *b, size_t hint);
void gz_buf_release(gz_buf *b);
void gz_buf_grow(gz_buf *b, size_t extra);
void gz_buf_add(gz_buf *b, const void *data, size_t len);
void gz_buf_puts(gz_buf *b, const char *s);
void gz_buf_putc(gz_buf *b, char c);
/* v in decimal digits, without printf (for numbers written by the tens of
 * thousands). */
void gz_buf_add_uint(gz_buf *b, unsigned long long v);
void gz_buf_printf(gz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gz_buf_vprintf(gz_buf *b, const char *fmt, va_list ap);
void gz_buf_truncate(gz_buf *b, size_t len);
#define gz_buf_clear(b) gz_buf_truncate((b), 0)
/* Returns the bytes (caller frees); b becomes empty. */
char *gz_buf_detach(gz_buf *b, size_t *len);

/* Append the bytes of the file at path. Returns 0, or -1 with errno set
 * (ENOENT: no such file) and b as it was. */
int gz_buf_read_file(gz_buf *b, const char *path);
/* The bytes of the file at path (NUL-terminated, caller frees), their
 * length in *len (may be NULL); NULL with errno set if it cannot be read. */
char *gz_file_read(const char *path, size_t *len);

/* Append s with &<>"' escaped for HTML text and attributes. */
void gz_buf_add_html(gz_buf *b, const char *s, size_t len);

/* Append s as a JSON string literal, quotes included. */
void gz_buf_add_json(gz_buf *b, const char *s);

#endif
