#include "load/doc.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/text.h"

/* Every page's text goes through here and back: runs are copied whole. */
static void put_field(gz_buf *doc, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\\\t\n");
		gz_buf_add(doc, s, n);
		s += n;
		if (!*s)
			break;
		gz_buf_puts(doc, *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : "\\n");
		s++;
	}
}

void gz_doc_add(gz_buf *doc, gz_doc_kind kind, char target, int num, size_t nfields,
		const char *const *fields)
{
	size_t i;

	gz_buf_putc(doc, (char)kind);
	gz_buf_putc(doc, target ? target : '-');
	if (num < 0)
		gz_buf_putc(doc, '-');
	/* not printf: a page makes a line for every block */
	gz_buf_add_uint(doc, num < 0 ? 0u - (unsigned)num : (unsigned)num);
	for (i = 0; i < nfields; i++) {
		gz_buf_putc(doc, '\t');
		put_field(doc, fields[i] ? fields[i] : "");
	}
	gz_buf_putc(doc, '\n');
}

void gz_doc_add2(gz_buf *doc, gz_doc_kind kind, char target, int num, const char *a,
		 const char *b)
{
	const char *f[2] = {a, b};

	gz_doc_add(doc, kind, target, num, b ? 2 : a ? 1 : 0, f);
}

void gz_doc_reader_init(gz_doc_reader *r, const char *doc)
{
	memset(r, 0, sizeof(*r));
	r->p = doc ? doc : "";
	r->scratch = (gz_buf)GZ_BUF_INIT;
}

void gz_doc_reader_release(gz_doc_reader *r)
{
	gz_buf_release(&r->scratch);
	free(r->fields);
	memset(r, 0, sizeof(*r));
}

static bool known_kind(char c)
{
	return c && strchr("phiqactgrbelno", c) != NULL;
}

/* The bytes a field of a block's line ends at, or is escaped by. */
static const unsigned char field_stop[256] = { ['\0'] = 1, ['\t'] = 1, ['\n'] = 1, ['\\'] = 1 };

bool gz_doc_next(gz_doc_reader *r, gz_doc_block *out)
{
	while (*r->p) {
		const char *line = r->p, *end = strchr(line, '\n'), *s;
		size_t i, nf = 0;
		char *q;

		if (!end)
			end = line + strlen(line);
		r->p = *end ? end + 1 : end;
		if (end - line < 3 || !known_kind(line[0]))
			continue;
		/* unescape the fields into scratch, NUL between them */
		gz_buf_clear(&r->scratch);
		s = line + 2;
		out->num = (int)strtol(s, NULL, 10);
		while (s < end && *s != '\t')
			s++;
		while (s < end) {
			const char *run = s;
			/* the line ends at a newline or the NUL: the table stops there */
			while (!field_stop[(unsigned char)*s])
				s++;
			gz_buf_add(&r->scratch, run, (size_t)(s - run));
			if (s == end)
				break;
			if (*s == '\t') {
				gz_buf_putc(&r->scratch, '\0');
				nf++;
			} else if (s + 1 < end) {
				s++;
				gz_buf_putc(&r->scratch, *s == 't' ? '\t' : *s == 'n' ? '\n' : *s);
			}
			s++;
		}
		if (nf > GZ_DOC_MAX_FIELDS)
			continue;
		GZ_GROW(r->fields, r->cap, nf + 1);
		/* scratch is "\0f1\0f2…": each field starts after a NUL */
		q = r->scratch.ptr;
		for (i = 0; i < nf; i++) {
			q += strlen(q) + 1;
			r->fields[i] = q;
		}
		out->kind = (gz_doc_kind)line[0];
		out->target = line[1];
		out->nfields = nf;
		out->fields = r->fields;
		return true;
	}
	return false;
}

/* The bytes gz_doc_escape stops at: a table, as a page's whole text goes
 * through it. */
static const unsigned char doc_special[256] = { ['&'] = 1, ['<'] = 1, ['>'] = 1 };

void gz_doc_escape(gz_buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t from = i;
		while (i < len && !doc_special[(unsigned char)s[i]])
			i++;
		gz_buf_add(out, s + from, i - from);
		if (i == len)
			break;
		gz_buf_puts(out, s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : "&gt;");
		i++;
	}
}

void gz_doc_note_label(gz_buf *out, int num)
{
	gz_buf_printf(out, "注%d：", num);
}

static void put_utf8(gz_buf *out, unsigned long cp)
{
	if (cp < 0x80) {
		gz_buf_putc(out, (char)cp);
	} else if (cp < 0x800) {
		gz_buf_putc(out, (char)(0xc0 | (cp >> 6)));
		gz_buf_putc(out, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		gz_buf_putc(out, (char)(0xe0 | (cp >> 12)));
		gz_buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
		gz_buf_putc(out, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x110000) {
		gz_buf_putc(out, (char)(0xf0 | (cp >> 18)));
		gz_buf_putc(out, (char)(0x80 | ((cp >> 12) & 0x3f)));
		gz_buf_putc(out, (char)(0x80 | ((cp >> 6) & 0x3f)));
		gz_buf_putc(out, (char)(0x80 | (cp & 0x3f)));
	}
}

void gz_doc_plain(gz_buf *out, const char *m)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};

	while (*m) {
		size_t run = strcspn(m, "<&");
		gz_buf_add(out, m, run);
		m += run;
		if (!*m)
			break;
		if (*m == '<') {
			const char *e = strchr(m, '>');
			m = e ? e + 1 : m + strlen(m);
		} else if (*m == '&') {
			size_t i;
			bool done = false;
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]) && !done; i++) {
				size_t n = strlen(ents[i].name);
				if (!strncmp(m, ents[i].name, n)) {
					gz_buf_putc(out, ents[i].c);
					m += n;
					done = true;
				}
			}
			if (!done && m[1] == '#') {
				char *end;
				unsigned long cp = m[2] == 'x' || m[2] == 'X' ? strtoul(m + 3, &end, 16)
									     : strtoul(m + 2, &end, 10);
				if (*end == ';' && cp) {
					put_utf8(out, cp);
					m = end + 1;
					done = true;
				}
			}
			if (!done)
				gz_buf_putc(out, *m++);
		}
	}
}

static bool tag_is(const char *tag, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(tag, name, n);
}

/* Markup's text, or what of it is read aloud: struck-out text is what the
 * editor took back but left to be seen, and a footnote's mark (the only
 * <sup> the Markdown makes) is a number that means nothing spoken. */
static void put_text(gz_buf *out, const char *m, bool spoken)
{
	gz_buf kept = GZ_BUF_INIT;
	int skip = 0;

	if (!spoken) {
		gz_doc_plain(out, m);
		return;
	}
	while (*m) {
		size_t run = strcspn(m, "<"), n;
		const char *e;
		if (!skip)
			gz_buf_add(&kept, m, run);
		m += run;
		if (!*m)
			break;
		e = strchr(m, '>');
		n = e ? (size_t)(e + 1 - m) : strlen(m);
		if (tag_is(m, n, "<s>") || tag_is(m, n, "<sup>"))
			skip++;
		else if (tag_is(m, n, "</s>") || tag_is(m, n, "</sup>"))
			skip -= skip > 0;
		else if (!skip)
			gz_buf_add(&kept, m, n);
		m += n;
	}
	gz_doc_plain(out, kept.ptr);
	gz_buf_release(&kept);
}

/* Does s end a sentence (a full stop, a question or an exclamation)? */
static bool ends_sentence(const gz_buf *s)
{
	static const char *const stops[] = {"。", "！", "？", "…", ".", "!", "?"};
	size_t i, n;

	for (i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		n = strlen(stops[i]);
		if (s->len >= n && !memcmp(s->ptr + s->len - n, stops[i], n))
			return true;
	}
	return false;
}

/* A table as it is read aloud: cells one after another mean nothing to a
 * listener ("项目 金额 期限 小额信贷 5万元 3年"), so each row below the
 * header is a sentence that names its cells by their column,
 * "项目：小额信贷，金额：5万元，期限：3年。"; an empty cell is left out,
 * and a cell under an empty heading is read alone. A table of one row is
 * its cells in a sentence. */
static void table_spoken(gz_buf *out, const gz_doc_block *b)
{
	size_t cols = b->num > 0 ? (size_t)b->num : 1, row, c;
	size_t rows = (b->nfields + cols - 1) / cols;
	gz_buf head = GZ_BUF_INIT, cell = GZ_BUF_INIT, line = GZ_BUF_INIT;

	for (row = rows > 1 ? 1 : 0; row < rows; row++) {
		gz_buf_clear(&line);
		for (c = 0; c < cols && row * cols + c < b->nfields; c++) {
			gz_buf_clear(&cell);
			put_text(&cell, b->fields[row * cols + c], true);
			gz_text_squeeze_mixed(&cell);
			if (!cell.len)
				continue;
			gz_buf_clear(&head);
			if (row > 0)
				put_text(&head, b->fields[c], true);
			gz_text_squeeze_mixed(&head);
			if (line.len)
				gz_buf_puts(&line, "，");
			if (head.len)
				gz_buf_printf(&line, "%s：", head.ptr);
			gz_buf_add(&line, cell.ptr, cell.len);
		}
		if (!line.len)
			continue;
		if (!ends_sentence(&line))
			gz_buf_puts(&line, "。");
		gz_buf_printf(out, "%s\n", line.ptr);
	}
	gz_buf_release(&head);
	gz_buf_release(&cell);
	gz_buf_release(&line);
}

static void line_of(gz_buf *out, const char *prefix, const char *markup, bool spoken)
{
	size_t start = out->len, text;

	gz_buf_puts(out, prefix);
	text = out->len;
	put_text(out, markup, spoken);
	/* an item all struck out leaves no marker behind to be read */
	if (spoken && out->len == text)
		gz_buf_truncate(out, start);
	if (out->len > start)
		gz_buf_putc(out, '\n');
}

/* What an item's line starts with: its marker and a space; spoken, a
 * task's box in words, as a presenter reads the list out ("1. " kept):
 * a tick or a box read as it looks means nothing to a listener, and a
 * checklist in a story is of what is done and what is not. */
static void item_prefix(gz_buf *pre, const char *marker, bool spoken)
{
	static const struct {
		const char *box, *said;
	} tasks[] = {{GZ_DOC_TASK_DONE, "已完成："}, {GZ_DOC_TASK_OPEN, "未完成："}};
	size_t n = strlen(marker), k;

	for (k = 0; spoken && k < sizeof(tasks) / sizeof(tasks[0]); k++) {
		size_t bl = strlen(tasks[k].box);
		if (n >= bl && !strcmp(marker + n - bl, tasks[k].box)) {
			gz_buf_add(pre, marker, n - bl);
			gz_buf_puts(pre, tasks[k].said);
			return;
		}
	}
	if (*marker)
		gz_buf_printf(pre, "%s ", marker);
}

/* One block's lines of text (of a footnote's too). */
static void block_text(gz_buf *out, const gz_doc_block *b, gz_doc_image_fn image,
		       void *payload, bool spoken)
{
	const char *f0 = b->nfields > 0 ? b->fields[0] : "";
	size_t i;

	switch (b->kind) {
	case GZ_DOC_HEAD:
		/* a presenter tells a heading from the text it heads */
		line_of(out, spoken ? GZ_DOC_SPOKEN_HEAD : "", f0, spoken);
		break;
	case GZ_DOC_PARA:
	case GZ_DOC_QUOTE:
	case GZ_DOC_ATTRIB:
	case GZ_DOC_BOX:
		line_of(out, "", f0, spoken);
		break;
	case GZ_DOC_ITEM:
		if (b->nfields > 1) {
			gz_buf pre = GZ_BUF_INIT;
			item_prefix(&pre, f0, spoken);
			line_of(out, pre.ptr, b->fields[1], spoken);
			gz_buf_release(&pre);
		}
		break;
	case GZ_DOC_CODE:
		if (*f0) {
			gz_buf_puts(out, f0);
			if (out->ptr[out->len - 1] != '\n')
				gz_buf_putc(out, '\n');
		}
		break;
	case GZ_DOC_TABLE: {
		size_t cols = b->num > 0 ? (size_t)b->num : 1, row_start = out->len;
		if (spoken) {
			table_spoken(out, b);
			break;
		}
		for (i = 0; i < b->nfields; i++) {
			size_t at = out->len;
			if (out->len > row_start)
				gz_buf_puts(out, "　");
			put_text(out, b->fields[i], spoken);
			if (out->len == at + 3 && out->len > row_start + 3) {
				out->len = at; /* no gap for an empty cell */
				out->ptr[at] = '\0';
			}
			if (i % cols == cols - 1 || i + 1 == b->nfields) {
				if (out->len > row_start)
					gz_buf_putc(out, '\n');
				row_start = out->len;
			}
		}
		break;
	}
	case GZ_DOC_IMAGE:
		if (image)
			image(out, b->num, f0, payload);
		break;
	case GZ_DOC_LINK:
		if (b->nfields > 1 && *b->fields[1])
			put_text(out, b->fields[1], spoken);
		/* spoken, the address stands apart, for the script to take
		 * out of what is read */
		if (image && *f0)
			gz_buf_printf(out, "%s%s",
				      b->nfields > 1 && *b->fields[1] ? spoken ? " " : "：" : "", f0);
		if (out->len && out->ptr[out->len - 1] != '\n')
			gz_buf_putc(out, '\n');
		break;
	default:
		break;
	}
}

/* A footnote's lines into notes: its number before the first, so that the
 * staff can tell which of the web page's marks it belongs to, and an
 * indent before the others (a note's later paragraphs, its list). */
static void put_note(gz_buf *notes, int num, const char *lines)
{
	bool first = true;
	gz_buf line = GZ_BUF_INIT;

	while (*lines) {
		size_t n = strcspn(lines, "\n");
		gz_buf_clear(&line);
		gz_buf_add(&line, lines, n);
		gz_text_squeeze_mixed(&line);
		if (line.len) {
			if (first)
				gz_doc_note_label(notes, num);
			else
				gz_buf_puts(notes, "　　");
			gz_buf_printf(notes, "%s\n", line.ptr);
			first = false;
		}
		lines += n + (lines[n] ? 1 : 0);
	}
	gz_buf_release(&line);
}

static void doc_text(gz_buf *out, gz_buf *notes, const char *doc, gz_doc_image_fn image,
		     void *payload, bool spoken)
{
	gz_doc_reader r;
	gz_doc_block b;
	gz_buf note = GZ_BUF_INIT;
	int num = 0;
	bool in_note = false;

	gz_doc_reader_init(&r, doc);
	while (gz_doc_next(&r, &b)) {
		if (b.target == 'p')
			continue;
		/* without notes a footnote's text is text like the rest (the
		 * archive, the search, the count) */
		if (notes && b.kind == GZ_DOC_NOTE) {
			if (in_note)
				put_note(notes, num, note.ptr);
			gz_buf_clear(&note);
			num = b.num;
			in_note = true;
		} else if (notes && b.kind == GZ_DOC_NOTE_END) {
			if (in_note)
				put_note(notes, num, note.ptr);
			in_note = false;
		} else {
			block_text(in_note ? &note : out, &b, image, payload, spoken);
		}
	}
	if (in_note)
		put_note(notes, num, note.ptr);
	gz_buf_release(&note);
	gz_doc_reader_release(&r);
}

void gz_doc_text(gz_buf *out, const char *doc, gz_doc_image_fn image, void *payload)
{
	doc_text(out, NULL, doc, image, payload, false);
}

void gz_doc_text_spoken(gz_buf *out, gz_buf *notes, const char *doc, gz_doc_image_fn image,
			void *payload)
{
	doc_text(out, notes, doc, image, payload, true);
}
