/*
 * A page's body for print: the blocks of its document (load/doc.h)
 * that are not the web's alone, as pango markup.
 */
#include "print/internal.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "load/doc.h"

block *print_add_block(blocks *bs, btype t)
{
	block *b;
	GZ_GROW(bs->b, bs->cap, bs->n + 1);
	b = &bs->b[bs->n++];
	memset(b, 0, sizeof(*b));
	b->type = t;
	return b;
}

void print_blocks_release(blocks *bs)
{
	size_t i;
	int k;
	for (i = 0; i < bs->n; i++) {
		free(bs->b[i].markup);
		free(bs->b[i].marker);
		free(bs->b[i].url);
		for (k = 0; k < bs->b[i].rows * bs->b[i].cols; k++)
			free(bs->b[i].cells[k]);
		free(bs->b[i].cells);
	}
	free(bs->b);
	memset(bs, 0, sizeof(*bs));
}

/* A block of the document as print sets it, appended to out. */
static void add_block(blocks *out, const gz_doc_block *dp, const gz_page *page)
{
	const gz_doc_block d = *dp;
	const char *f0 = d.nfields ? d.fields[0] : "";
	block *b;
	size_t i;

	switch (d.kind) {
	case GZ_DOC_PARA:
		print_add_block(out, B_PARA)->markup = gz_strdup(f0);
		break;
	case GZ_DOC_HEAD:
		b = print_add_block(out, B_HEAD);
		b->markup = gz_strdup(f0);
		b->level = d.num;
		break;
	case GZ_DOC_ITEM:
		b = print_add_block(out, B_ITEM);
		b->marker = gz_strdup(f0);
		b->markup = gz_strdup(d.nfields > 1 ? d.fields[1] : "");
		b->level = d.num;
		break;
	case GZ_DOC_QUOTE:
		print_add_block(out, B_QUOTE)->markup = gz_strdup(f0);
		break;
	case GZ_DOC_ATTRIB:
		print_add_block(out, B_ATTRIB)->markup = gz_strdup(f0);
		break;
	case GZ_DOC_CODE: {
		gz_buf m = GZ_BUF_INIT;
		gz_buf_puts(&m, "<tt>");
		gz_doc_escape(&m, f0, strlen(f0));
		while (m.len > 4 && m.ptr[m.len - 1] == '\n')
			m.ptr[--m.len] = '\0';
		gz_buf_puts(&m, "</tt>");
		print_add_block(out, B_CODE)->markup = gz_buf_detach(&m, NULL);
		break;
	}
	case GZ_DOC_TABLE:
		b = print_add_block(out, B_TABLE);
		b->cols = d.num > 0 ? d.num : 1;
		b->rows = (int)((d.nfields + (size_t)b->cols - 1) / (size_t)b->cols);
		b->cells = gz_calloc((size_t)(b->rows * b->cols) + 1, sizeof(char *));
		for (i = 0; i < d.nfields; i++)
			b->cells[i] = gz_strdup(d.fields[i]);
		if (!b->rows)
			out->n--;
		break;
	case GZ_DOC_IMAGE:
		if (d.num >= 0 && (size_t)d.num < page->nimages && page->images[d.num].file)
			print_add_block(out, B_IMAGE)->photo = &page->images[d.num];
		else if (*f0) /* a picture print cannot fetch: what it shows */
			print_add_block(out, B_PARA)->markup = gz_strdup(f0);
		break;
	case GZ_DOC_RULE:
		print_add_block(out, B_RULE);
		break;
	case GZ_DOC_BOX:
		print_add_block(out, B_BOX)->markup = gz_strdup(f0);
		break;
	case GZ_DOC_BOX_END:
		print_add_block(out, B_BOX_END);
		break;
	case GZ_DOC_LINK:
		b = print_add_block(out, B_LINK);
		b->url = gz_strdup(f0);
		b->markup = gz_strdup(d.nfields > 1 ? d.fields[1] : "");
		break;
	case GZ_DOC_NOTE:
	case GZ_DOC_NOTE_END:
		break; /* print_doc_blocks sets the notes apart */
	}
}

/* A block of footnote num into notes: its text as a B_NOTE paragraph, the
 * first with "注N：", the number its marks show (the script's too). Paper
 * is not clicked: a link's address, which the document gives the script
 * alone (a 't' link after the paragraph), follows the link's paragraph. */
static void add_note_block(blocks *notes, const gz_doc_block *d, const gz_page *page, int num,
			   bool *first)
{
	const char *f0 = d->nfields ? d->fields[0] : "";
	block *last = notes->n ? &notes->b[notes->n - 1] : NULL;
	gz_buf m = GZ_BUF_INIT;
	block *b;

	switch (d->kind) {
	case GZ_DOC_LINK:
		if (!last || last->type != B_NOTE)
			break;
		gz_buf_puts(&m, last->markup);
		/* after "。" no space: the mark's own blank is the gap a Chinese
		 * line has there, and a space on it reads as a hole */
		if (!print_ends_closing(last->markup))
			gz_buf_puts(&m, " ");
		gz_doc_escape(&m, f0, strlen(f0));
		free(last->markup);
		last->markup = gz_buf_detach(&m, NULL);
		return;
	case GZ_DOC_PARA:
	case GZ_DOC_HEAD:
	case GZ_DOC_QUOTE:
	case GZ_DOC_ATTRIB:
		gz_buf_puts(&m, f0);
		break;
	case GZ_DOC_ITEM:
		gz_buf_printf(&m, "%s%s%s", f0, *f0 ? " " : "", d->nfields > 1 ? d->fields[1] : "");
		break;
	case GZ_DOC_CODE:
		gz_buf_puts(&m, "<tt>");
		gz_doc_escape(&m, f0, strlen(f0));
		gz_buf_puts(&m, "</tt>");
		break;
	default:
		break;
	}
	if (!m.len) {
		/* a table, a photo in a note: set as they are, among the notes */
		gz_buf_release(&m);
		if (d->target != 't')
			add_block(notes, d, page);
		return;
	}
	b = print_add_block(notes, B_NOTE);
	b->level = num;
	b->markup = gz_buf_detach(&m, NULL);
	if (*first)
		gz_doc_note_label(&m, num);
	b->marker = gz_buf_detach(&m, NULL);
	*first = false;
}

/* The page's blocks for print: those of every output and those of print
 * alone, the footnotes after the rest (where the web page has them), set
 * apart: mixed into the text, a note read as the story's last paragraph. */
void print_doc_blocks(blocks *out, const gz_page *page)
{
	gz_doc_reader r;
	gz_doc_block d;
	blocks notes = {0};
	int note = 0;
	bool first = false;
	size_t i;

	gz_doc_reader_init(&r, page->doc);
	while (gz_doc_next(&r, &d)) {
		if (d.kind == GZ_DOC_NOTE || d.kind == GZ_DOC_NOTE_END) {
			note = d.kind == GZ_DOC_NOTE ? (d.num > 0 ? d.num : 1) : 0;
			first = note > 0;
		} else if (note) {
			add_note_block(&notes, &d, page, note, &first);
		} else if (d.target != 't') {
			add_block(out, &d, page);
		}
	}
	gz_doc_reader_release(&r);
	for (i = 0; i < notes.n; i++)
		*print_add_block(out, notes.b[i].type) = notes.b[i];
	free(notes.b);
}
