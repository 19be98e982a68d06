/*
 * doc.h: a page's body as typed blocks, the model print and text read.
 *
 * One document, three renderings: markdown.c turns a page's cmark tree
 * (after the Lua filters, with every shortcode's forms) into HTML for the
 * site and into this block list; print.c typesets the blocks, and
 * gz_doc_text makes the plain text of the broadcast script, the archive,
 * the search and the character counts. Neither re-parses the other's
 * output, so what one shows the others show.
 *
 * The list is a string, one block a line, so the page cache keeps it as
 * it is: a kind letter, a target ('-' every output, 'p' print only, 't'
 * text only), a number, then tab-separated fields with '\\', tab and
 * newline escaped. Text fields are pango markup (<b>, <i>, <tt>, <s>,
 * <sup>, <sub>; &amp; &lt; &gt; escaped), which gz_doc_plain strips.
 *
 *   kind            number        fields
 *   GZ_DOC_PARA     -             markup
 *   GZ_DOC_HEAD     level         markup
 *   GZ_DOC_ITEM     list depth    marker ("1.", "•"; a task's box,
 *                                 GZ_DOC_TASK_DONE or _OPEN, for "•" and
 *                                 after "1. "; "" for a later paragraph
 *                                 of the item), markup
 *   GZ_DOC_QUOTE    quote depth   markup
 *   GZ_DOC_ATTRIB   -             markup ("——孟庆龙，养蜂户"), set apart
 *   GZ_DOC_CODE     -             the code, as text
 *   GZ_DOC_TABLE    columns       the cells, row by row (header first)
 *   GZ_DOC_IMAGE    image index   alt (the page's images[index] carries
 *                                 caption and credit; -1: not a page
 *                                 image, alt alone)
 *   GZ_DOC_RULE     -             -
 *   GZ_DOC_BOX      -             title (a boxed block until BOX_END)
 *   GZ_DOC_BOX_END  -             -
 *   GZ_DOC_LINK     -             URL, label (print adds a QR code; a
 *                                 't' one in a note, a link's address,
 *                                 print sets after the note's paragraph)
 *   GZ_DOC_NOTE     note number   - (a footnote's blocks until NOTE_END;
 *                                 the number is the one its marks show)
 *   GZ_DOC_NOTE_END -             -
 */
#ifndef GZ_DOC_H
#define GZ_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

typedef enum {
	GZ_DOC_PARA = 'p',
	GZ_DOC_HEAD = 'h',
	GZ_DOC_ITEM = 'i',
	GZ_DOC_QUOTE = 'q',
	GZ_DOC_ATTRIB = 'a',
	GZ_DOC_CODE = 'c',
	GZ_DOC_TABLE = 't',
	GZ_DOC_IMAGE = 'g',
	GZ_DOC_RULE = 'r',
	GZ_DOC_BOX = 'b',
	GZ_DOC_BOX_END = 'e',
	GZ_DOC_LINK = 'l',
	GZ_DOC_NOTE = 'n',
	GZ_DOC_NOTE_END = 'o',
} gz_doc_kind;

#define GZ_DOC_MAX_FIELDS 4096

/* A task list item's marker ("- [x]", "- [ ]"): the tick and the box of
 * Chinese forms, both in GB 2312 and so in any Chinese font print sets,
 * both a character wide, so the items' text starts at one x. The Noto
 * CJK fonts have no ☑ or ☐: a fallback font would set them in another
 * face, and at another width. */
#define GZ_DOC_TASK_DONE "√"
#define GZ_DOC_TASK_OPEN "□"

typedef struct {
	gz_doc_kind kind;
	char target;            /* '-', 'p' or 't' */
	int num;
	size_t nfields;
	char **fields;          /* borrowed from the reader */
} gz_doc_block;

/* Append a block of nfields fields to doc. */
void gz_doc_add(gz_buf *doc, gz_doc_kind kind, char target, int num, size_t nfields,
		const char *const *fields);
/* The same with up to two fields (NULLs left out from the end). */
void gz_doc_add2(gz_buf *doc, gz_doc_kind kind, char target, int num, const char *a,
		 const char *b);

/* Reads a doc block by block; gz_doc_reader_release frees what it holds. */
typedef struct {
	const char *p;
	gz_buf scratch;
	char **fields;
	size_t cap;
} gz_doc_reader;

void gz_doc_reader_init(gz_doc_reader *r, const char *doc);
/* The next block into *out (its fields live until the next call); false at
 * the end or at a line that is not a block (skipped otherwise). */
bool gz_doc_next(gz_doc_reader *r, gz_doc_block *out);
void gz_doc_reader_release(gz_doc_reader *r);

/* Append markup's text: tags dropped, the five entities and &#N; decoded. */
void gz_doc_plain(gz_buf *out, const char *markup);
/* Append s escaped as markup text. */
void gz_doc_escape(gz_buf *out, const char *s, size_t len);
/* Append the label footnote num begins with, "注N：", text and markup
 * alike: one label for the printed notes and the broadcast script, so
 * that the staff can match a note in either with the marks of the other. */
void gz_doc_note_label(gz_buf *out, int num);

/*
 * Append the text rendering of doc: a line per paragraph, heading, item,
 * quote, attribution and table row (cells between ideographic spaces),
 * blocks of target 'p' left out. An image line is written by image(out,
 * index, alt, payload) when image is not NULL, else left out; so is a
 * link's, as "label：URL".
 */
typedef void (*gz_doc_image_fn)(gz_buf *out, int index, const char *alt, void *payload);
void gz_doc_text(gz_buf *out, const char *doc, gz_doc_image_fn image, void *payload);
/* What a heading's line starts with in the broadcast script: it is the
 * story's, and may be read, but a presenter must see it is not the text. */
#define GZ_DOC_SPOKEN_HEAD "【小标题】"
/* The same as read aloud, for the broadcast script: struck-out text (<s>)
 * and footnote marks (<sup>) left out, a line with nothing else left out
 * whole, a heading after GZ_DOC_SPOKEN_HEAD, a table's rows below its
 * header each a sentence of its cells named by their column
 * ("项目：贴息，金额：100%。"), a task's box said in words
 * ("已完成：身份证原件", "未完成：户口簿"), and a link's URL after its
 * label and a space (not "："), for the caller to set apart from what is
 * read. The footnotes are not read: they go to notes, not out, each its
 * lines with "注N：" before the first and an indent before the others. */
void gz_doc_text_spoken(gz_buf *out, gz_buf *notes, const char *doc, gz_doc_image_fn image,
			void *payload);

#endif
