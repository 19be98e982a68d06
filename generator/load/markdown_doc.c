#include "load/markdown.h"

#include <cmark-gfm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "load/doc.h"
#include "load/markdown_private.h"

/* A walk of the tree's blocks, in order, as doc.h lays them out. */
typedef struct {
	gz_buf *doc;
	int quote;              /* block quote depth */
	int list;               /* list depth */
	bool ordered[16];
	int counter[16];
	bool item_open;         /* the next paragraph is its item's first */
	int task;               /* that item's (gz_md_node_task) */
	const gz_strlist *frags; /* shortcodes' blocks, by custom block user data */
	gz_strlist pending;     /* images inside a paragraph's inlines, for after it */
	int notes;              /* footnotes so far: the next one's number less one */
	bool in_note;
} doc_walk;

/* The image index a "<!--gz-img N-->" or "<!--gz-fig N-->" names, or -1. */
long md_image_mark(const char *s)
{
	char *end;
	long k;

	if (!s || (strncmp(s, "<!--gz-img ", 11) && strncmp(s, "<!--gz-fig ", 11)))
		return -1;
	k = strtol(s + 11, &end, 10);
	return strncmp(end, "-->", 3) ? -1 : k;
}

static bool is_ext(cmark_node *n, const char *name)
{
	const char *t = cmark_node_get_type_string(n);
	return t && !strcmp(t, name);
}

static void inline_markup(doc_walk *w, gz_buf *m, cmark_node *parent);

/* A link in a footnote: its text, and its web address (when the text is
 * not the address) after the paragraph, for the script alone. A note is
 * often where a story names its source: the script, where nothing is
 * clicked, would keep the name and lose where to find it. Not in the
 * text: the web page's count and its search are of what the page shows. */
static void note_link(doc_walk *w, gz_buf *m, cmark_node *n)
{
	const char *url = cmark_node_get_url(n);
	size_t start = m->len;
	gz_buf u = GZ_BUF_INIT;

	inline_markup(w, m, n);
	if (!url || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))
		return;
	gz_doc_escape(&u, url, strlen(url));
	if (m->len - start != u.len || memcmp(m->ptr + start, u.ptr, u.len)) {
		gz_buf_clear(&u);
		gz_buf_printf(&u, "@%s", url);
		gz_strlist_take(&w->pending, gz_buf_detach(&u, NULL));
	}
	gz_buf_release(&u);
}

static void inline_markup(doc_walk *w, gz_buf *m, cmark_node *parent)
{
	cmark_node *n;

	for (n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		const char *lit = cmark_node_get_literal(n);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
			if (lit)
				gz_doc_escape(m, lit, strlen(lit));
			break;
		case CMARK_NODE_CODE:
			gz_buf_puts(m, "<tt>");
			if (lit)
				gz_doc_escape(m, lit, strlen(lit));
			gz_buf_puts(m, "</tt>");
			break;
		case CMARK_NODE_SOFTBREAK:
			gz_buf_putc(m, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			gz_buf_putc(m, '\n');
			break;
		case CMARK_NODE_EMPH:
			gz_buf_puts(m, "<i>");
			inline_markup(w, m, n);
			gz_buf_puts(m, "</i>");
			break;
		case CMARK_NODE_STRONG:
			gz_buf_puts(m, "<b>");
			inline_markup(w, m, n);
			gz_buf_puts(m, "</b>");
			break;
		case CMARK_NODE_CUSTOM_INLINE: {
			long k = md_image_mark(cmark_node_get_on_enter(n));
			if (k >= 0) {
				char num[24];
				snprintf(num, sizeof(num), "#%ld", k);
				gz_strlist_add(&w->pending, num);
			}
			break;
		}
		case CMARK_NODE_IMAGE: {
			/* not a file of the site: its description stands for it */
			gz_buf alt = GZ_BUF_INIT;
			gz_buf_putc(&alt, '=');
			inline_markup(w, &alt, n);
			gz_strlist_take(&w->pending, gz_buf_detach(&alt, NULL));
			break;
		}
		case CMARK_NODE_HTML_INLINE:
			break;
		default:
			if (is_ext(n, "strikethrough")) {
				gz_buf_puts(m, "<s>");
				inline_markup(w, m, n);
				gz_buf_puts(m, "</s>");
			} else if (cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_REFERENCE) {
				gz_buf_puts(m, "<sup>");
				if (lit)
					gz_doc_escape(m, lit, strlen(lit));
				gz_buf_puts(m, "</sup>");
			} else if (cmark_node_get_type(n) == CMARK_NODE_LINK && w->in_note) {
				note_link(w, m, n);
			} else {
				/* links and anything else: their text */
				inline_markup(w, m, n);
			}
			break;
		}
	}
}

/* Whether markup holds any text but spaces. */
bool md_has_text(const char *m)
{
	for (; *m; m++)
		if (*m != ' ' && *m != '\n' && *m != '\t')
			return true;
	return false;
}

static void flush_pending(doc_walk *w)
{
	size_t i;

	for (i = 0; i < w->pending.n; i++) {
		const char *s = w->pending.items[i];
		/* "#N", an image of the page, "=alt", one that is not, or
		 * "@URL", a footnote's link */
		if (*s == '@')
			gz_doc_add2(w->doc, GZ_DOC_LINK, 't', 0, s + 1, "");
		else if (*s == '#')
			gz_doc_add2(w->doc, GZ_DOC_IMAGE, '-', (int)strtol(s + 1, NULL, 10), "", NULL);
		else
			gz_doc_add2(w->doc, GZ_DOC_IMAGE, '-', -1, s + 1, NULL);
	}
	gz_strlist_release(&w->pending);
}

static void para_block(doc_walk *w, cmark_node *n)
{
	gz_buf m = GZ_BUF_INIT;

	inline_markup(w, &m, n);
	if (md_has_text(m.ptr)) {
		if (w->list > 0) {
			int d = w->list - 1;
			char mark[24] = "";
			const char *box = w->task == GZ_MD_TASK_DONE ? GZ_DOC_TASK_DONE
					  : w->task == GZ_MD_TASK_OPEN ? GZ_DOC_TASK_OPEN
									: NULL;
			/* a task's box stands for the bullet, after the number */
			if (w->item_open && d < 16) {
				if (w->ordered[d])
					snprintf(mark, sizeof(mark), "%d.%s%s", w->counter[d],
						 box ? " " : "", box ? box : "");
				else
					snprintf(mark, sizeof(mark), "%s",
						 box ? box : d ? "◦" : "•");
			}
			gz_doc_add2(w->doc, GZ_DOC_ITEM, '-', w->list, mark, m.ptr);
			w->item_open = false;
		} else if (w->quote > 0) {
			gz_doc_add2(w->doc, GZ_DOC_QUOTE, '-', w->quote, m.ptr, NULL);
		} else {
			gz_doc_add2(w->doc, GZ_DOC_PARA, '-', 0, m.ptr, NULL);
		}
	}
	gz_buf_release(&m);
	flush_pending(w);
}

static void table_block(doc_walk *w, cmark_node *t)
{
	gz_strlist cells = {0};
	cmark_node *row, *cell;
	int cols = 0;

	for (row = cmark_node_first_child(t); row; row = cmark_node_next(row)) {
		int k = 0;
		for (cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell))
			k++;
		if (k > cols)
			cols = k;
	}
	for (row = cmark_node_first_child(t); row; row = cmark_node_next(row)) {
		int k = 0;
		bool head = is_ext(row, "table_header") || row == cmark_node_first_child(t);
		for (cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell), k++) {
			gz_buf m = GZ_BUF_INIT;
			if (head)
				gz_buf_puts(&m, "<b>");
			inline_markup(w, &m, cell);
			if (head)
				gz_buf_puts(&m, "</b>");
			gz_strlist_take(&cells, gz_buf_detach(&m, NULL));
		}
		for (; k < cols; k++)
			gz_strlist_add(&cells, "");
	}
	if (cols && cells.n)
		gz_doc_add(w->doc, GZ_DOC_TABLE, '-', cols, cells.n, (const char *const *)cells.items);
	gz_strlist_release(&cells);
	flush_pending(w);
}

static void walk_blocks(doc_walk *w, cmark_node *parent)
{
	cmark_node *n;

	for (n = cmark_node_first_child(parent); n; n = cmark_node_next(n)) {
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_PARAGRAPH:
			para_block(w, n);
			break;
		case CMARK_NODE_HEADING: {
			gz_buf m = GZ_BUF_INIT;
			inline_markup(w, &m, n);
			if (md_has_text(m.ptr))
				gz_doc_add2(w->doc, GZ_DOC_HEAD, '-', cmark_node_get_heading_level(n),
					    m.ptr, NULL);
			gz_buf_release(&m);
			flush_pending(w);
			break;
		}
		case CMARK_NODE_BLOCK_QUOTE:
			w->quote++;
			walk_blocks(w, n);
			w->quote--;
			break;
		case CMARK_NODE_LIST: {
			int d = w->list;
			if (d < 16) {
				w->ordered[d] = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
				w->counter[d] = cmark_node_get_list_start(n) - 1;
			}
			w->list++;
			walk_blocks(w, n);
			w->list--;
			break;
		}
		case CMARK_NODE_ITEM: {
			int task = w->task;
			if (w->list > 0 && w->list <= 16)
				w->counter[w->list - 1]++;
			w->item_open = true;
			w->task = gz_md_node_task((gz_md_node *)n);
			walk_blocks(w, n);
			w->item_open = false;
			w->task = task;
			break;
		}
		case CMARK_NODE_CODE_BLOCK: {
			const char *lit = cmark_node_get_literal(n);
			if (lit && *lit)
				gz_doc_add2(w->doc, GZ_DOC_CODE, '-', 0, lit, NULL);
			break;
		}
		case CMARK_NODE_THEMATIC_BREAK:
			gz_doc_add2(w->doc, GZ_DOC_RULE, '-', 0, NULL, NULL);
			break;
		case CMARK_NODE_CUSTOM_BLOCK: {
			/* a shortcode's (its blocks), or an image set apart */
			uintptr_t frag = (uintptr_t)cmark_node_get_user_data(n);
			long k = frag ? -1 : md_image_mark(cmark_node_get_on_enter(n));
			if (frag && w->frags && frag <= w->frags->n)
				gz_buf_puts(w->doc, w->frags->items[frag - 1]);
			else if (k >= 0)
				gz_doc_add2(w->doc, GZ_DOC_IMAGE, '-', (int)k, "", NULL);
			break;
		}
		case CMARK_NODE_HTML_BLOCK:
			break;
		case CMARK_NODE_FOOTNOTE_DEFINITION:
			/* numbered in the order the parser keeps them, the web's */
			gz_doc_add2(w->doc, GZ_DOC_NOTE, '-', ++w->notes, NULL, NULL);
			w->in_note = true;
			walk_blocks(w, n);
			w->in_note = false;
			gz_doc_add2(w->doc, GZ_DOC_NOTE_END, '-', 0, NULL, NULL);
			break;
		default:
			if (is_ext(n, "table"))
				table_block(w, n);
			else
				walk_blocks(w, n);
			break;
		}
	}
}

void md_make_doc(gz_buf *doc, cmark_node *root, const gz_strlist *frags)
{
	doc_walk w;

	memset(&w, 0, sizeof(w));
	w.task = GZ_MD_NOT_TASK;
	w.doc = doc;
	w.frags = frags;
	walk_blocks(&w, root);
	gz_strlist_release(&w.pending);
}

/* A doc's blocks again with another target. */
void md_retarget(gz_buf *out, const char *doc, char target)
{
	gz_doc_reader r;
	gz_doc_block b;

	gz_doc_reader_init(&r, doc);
	while (gz_doc_next(&r, &b))
		gz_doc_add(out, b.kind, target == '-' ? b.target : target, b.num, b.nfields,
			   (const char *const *)b.fields);
	gz_doc_reader_release(&r);
}
