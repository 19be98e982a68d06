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

/* The page's blocks for print: those of every output and those of print
 * alone. */
void print_doc_blocks(blocks *out, const gz_page *page)
{
	gz_doc_reader r;
	gz_doc_block d;

	gz_doc_reader_init(&r, page->doc);
	while (gz_doc_next(&r, &d)) {
		const char *f0 = d.nfields ? d.fields[0] : "";
		block *b;
		size_t i;
		if (d.target == 't')
			continue;
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
			break; /* a footnote's blocks print as the text's */
		}
	}
	gz_doc_reader_release(&r);
}
