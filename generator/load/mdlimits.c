#include "load/mdlimits.h"

#include <stdbool.h>
#include <string.h>

#include "base/i18n.h"

#define MB (1024u * 1024u)

void gz_limits_default(gz_limits *l)
{
	l->max_story_bytes = 16 * (size_t)MB;
	l->max_table_columns = 1000;
	l->max_table_cells = 200000;
	l->max_nesting = 1000;
}

/* markdown.<key>, a whole number from lo to hi, into *out */
static void load_int(long *out, const gz_value *md, const char *key, long lo, long hi,
		     const char *path, gz_diag *d)
{
	const gz_value *v = gz_value_get(md, key);
	long n;

	if (!v || gz_value_is_null(v))
		return;
	n = gz_value_int(md, key, lo - 1);
	if (n < lo || n > hi) {
		gz_diag_error(d, path, v->line, v->col, _("markdown.%s must be a whole number from %ld "
			        "to %ld"), key, lo, hi);
		return;
	}
	*out = n;
}

void gz_limits_load(gz_limits *l, const gz_value *markdown, const char *path, gz_diag *d)
{
	long mb = 16;

	gz_limits_default(l);
	if (!markdown)
		return;
	load_int(&mb, markdown, "max_story_mb", 1, 1024, path, d);
	l->max_story_bytes = (size_t)mb * MB;
	load_int(&l->max_table_columns, markdown, "max_table_columns", 1, 100000, path, d);
	load_int(&l->max_table_cells, markdown, "max_table_cells", 1, 100000000, path, d);
	load_int(&l->max_nesting, markdown, "max_nesting", 1, 100000, path, d);
}

/* How deep the line [p, e) may nest: its container markers ('>', list
 * bullets and numbers) and, for the indentation before a marker, one level
 * per two columns (a nested list item is indented under its parent). */
static long line_depth(const char *p, const char *e)
{
	long depth = 0, loose = 0;
	int col = 0;

	for (;;) {
		int ws = 0;
		const char *m;
		while (p < e && (*p == ' ' || *p == '\t')) {
			int w = *p == '\t' ? 4 - col % 4 : 1;
			ws += w;
			col += w;
			p++;
		}
		if (p < e && *p == '>') {
			p++;
			col++;
			if (p < e && *p == ' ') {
				p++;
				col++;
			}
		} else {
			m = p;
			if (p < e && (*p == '-' || *p == '+' || *p == '*')) {
				p++;
			} else {
				while (p < e && p - m < 9 && *p >= '0' && *p <= '9')
					p++;
				if (p == m || p == e || (*p != '.' && *p != ')'))
					return depth + loose / 2;
				p++;
			}
			if (p < e && *p != ' ' && *p != '\t')
				return depth + loose / 2;
			col += (int)(p - m);
			/* the spaces after a marker belong to it */
			while (p < e && *p == ' ' && p - m < 5) {
				p++;
				col++;
			}
		}
		depth++;
		loose += ws;
	}
}

/* The cells of a table line [p, e): its unescaped pipes split it, and a
 * pipe at either end opens or closes the row rather than a cell. */
static long line_cells(const char *p, const char *e, long *pipes)
{
	const char *q;
	long n = 0, cells;

	/* most lines of a story are prose with no pipe: memchr finds that
	 * without looking at each byte here */
	if (!memchr(p, '|', (size_t)(e - p))) {
		*pipes = 0;
		return 1;
	}
	while (p < e && (*p == ' ' || *p == '\t' || *p == '>'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (q = p; q < e; q++) {
		if (*q == '\\' && q + 1 < e)
			q++;
		else if (*q == '|')
			n++;
	}
	*pipes = n;
	cells = n + 1;
	if (p < e && *p == '|')
		cells--;
	if (e - p > 1 && e[-1] == '|' && e[-2] != '\\')
		cells--;
	return cells < 1 ? 1 : cells;
}

/* A table's delimiter row: only '-', ':', '|' and blanks, with a '-'. */
static bool is_delimiter(const char *p, const char *e)
{
	bool dash = false;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '>'))
		p++;
	for (; p < e; p++) {
		if (*p == '-')
			dash = true;
		else if (*p != ':' && *p != '|' && *p != ' ' && *p != '\t')
			return false;
	}
	return dash;
}

static bool is_blank(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p != ' ' && *p != '\t' && *p != '>')
			return false;
	return true;
}

int gz_limits_check(const gz_limits *l, const char *path, const char *md, size_t len,
		    int first_line, gz_diag *d)
{
	const char *p = md, *end = md + len;
	long prev_cells = 0, prev_pipes = 0, header = 0, cells_in_all = 0;
	bool in_table = false, prev_blank = true;
	int line = first_line;

	if (len > l->max_story_bytes) {
		gz_diag_error(d, path, first_line, 1,
			      _("the story is %.1f MB; a story may be at most %zu MB "
			        "(markdown.max_story_mb in site.yml): split it into several"),
			      (double)len / MB, l->max_story_bytes / MB);
		return -1;
	}
	for (; p < end; line++) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *next;
		long depth, cells, pipes;
		next = e ? e + 1 : end;
		if (!e)
			e = end;
		if (e > p && e[-1] == '\r')
			e--;

		depth = line_depth(p, e);
		if (depth > l->max_nesting) {
			gz_diag_error(d, path, line, 1,
				      _("block quotes and lists nested %ld deep; they may nest at most "
				        "%ld deep (markdown.max_nesting in site.yml)"),
				      depth, l->max_nesting);
			return -1;
		}
		if (is_blank(p, e)) {
			in_table = false;
			prev_blank = true;
			p = next;
			continue;
		}
		cells = line_cells(p, e, &pipes);
		if (in_table) {
			cells_in_all += cells;
			if (cells > l->max_table_columns) {
				gz_diag_error(d, path, line, 1,
					      _("a table row of %ld cells; tables may have at most %ld "
					        "columns (markdown.max_table_columns in site.yml)"),
					      cells, l->max_table_columns);
				return -1;
			}
		} else if (!prev_blank && (pipes || prev_pipes) && is_delimiter(p, e)) {
			header = prev_cells > cells ? prev_cells : cells;
			if (header > l->max_table_columns) {
				gz_diag_error(d, path, line - 1, 1,
					      _("a table of %ld columns; tables may have at most %ld "
					        "(markdown.max_table_columns in site.yml)"),
					      header, l->max_table_columns);
				return -1;
			}
			cells_in_all += header;
			in_table = true;
		}
		if (cells_in_all > l->max_table_cells) {
			gz_diag_error(d, path, line, 1,
				      _("the story's tables have more than %ld cells in all "
				        "(markdown.max_table_cells in site.yml): split the table or "
				        "the story"),
				      l->max_table_cells);
			return -1;
		}
		prev_cells = cells;
		prev_pipes = pipes;
		prev_blank = false;
		p = next;
	}
	return 0;
}
