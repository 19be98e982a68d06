/*
 * page.h: one page as the desk's form holds it, to and from Markdown.
 *
 * The form edits the front matter keys an editor fills in (title, date,
 * slug, status, summary, places, people, tags, author, source, reprint and
 * the photos); every other key is kept as it was written, in extra. Strings
 * are written as double-quoted YAML scalars, so nothing typed into the form
 * can become YAML structure.
 */
#ifndef GZ_DESK_PAGE_H
#define GZ_DESK_PAGE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/diag.h"

#define GZ_DESK_MAX_PHOTOS 32

typedef struct {
	char *src, *caption, *credit, *alt;
} gz_desk_photo;

typedef struct {
	char *title, *date, *slug, *status, *summary;
	char *township, *village, *industry, *people, *tags; /* lists joined with "、" */
	char *author, *source, *reprint;
	char *extra;          /* the other front matter lines, verbatim */
	char *body;
	gz_desk_photo photos[GZ_DESK_MAX_PHOTOS];
	size_t nphotos;
	int body_line;        /* the file's line the body starts on (1-based) */
} gz_desk_page;

/* Fill p from the bytes of the Markdown file path (body_line too).
 * Returns 0, or -1 with the error added to d (may be NULL), placed in path,
 * when its front matter is not YAML; p is then empty but for body, which
 * holds the whole file. */
int gz_desk_page_parse(gz_desk_page *p, const char *md, size_t len, const char *path, gz_diag *d);

/* The Markdown file for p appended to out; sets p->body_line. Returns 0,
 * or -1 with out unchanged when a field is not UTF-8 (typed from a form). */
int gz_desk_page_write(gz_buf *out, gz_desk_page *p);

/* p's title as one line, for lists and commit messages: its line breaks
 * are where print breaks it (base/text.h). A new string. */
char *gz_desk_page_title(const gz_desk_page *p);

void gz_desk_page_release(gz_desk_page *p);

/* Replace *field with a copy of v (NULL: ""). */
void gz_desk_set(char **field, const char *v);

#endif
