/*
 * mdlimits.h: how big a story's Markdown may be, checked before it is parsed.
 *
 * cmark-gfm takes time that grows faster than the input for wide tables (a
 * table of 10,000 columns and 52 rows, 1 MB, takes 12 s; rows of many cells
 * under a narrow header as long), and what walks the parsed tree may
 * recurse as deep as block quotes and lists nest. So a page's body is
 * scanned once, in linear time, before cmark sees it, and a page over a
 * limit is an error at the line that passes it:
 *
 *   markdown.max_story_mb       16       the body, in megabytes
 *   markdown.max_table_columns  1000     cells in a table's header or any row
 *   markdown.max_table_cells    200000   cells of all the story's tables
 *   markdown.max_nesting        1000     block quotes and list items inside
 *                                        one another
 *
 * The scan reads lines, not Markdown: a line inside a fenced code block
 * that looks like a table row counts, and nesting is counted from each
 * line's markers ('>', '-', '1.') and its indentation (two columns a
 * level), which never counts less than cmark would nest.
 */
#ifndef GZ_MDLIMITS_H
#define GZ_MDLIMITS_H

#include <stddef.h>

#include "base/diag.h"
#include "load/yaml.h"

typedef struct {
	size_t max_story_bytes;
	long max_table_columns;
	long max_table_cells;
	long max_nesting;
} gz_limits;

/* The defaults above. */
void gz_limits_default(gz_limits *l);

/* The defaults, changed by the keys of site.yml's markdown: mapping (NULL
 * if there is none); a value out of range is an error in d at its place
 * in path, and the default stays. */
void gz_limits_load(gz_limits *l, const gz_value *markdown, const char *path, gz_diag *d);

/* Check len bytes of Markdown at md, the body of path starting on its line
 * first_line. Returns 0, or -1 with one error in d at the line and
 * character where the first limit is passed, saying which setting raises
 * it. */
int gz_limits_check(const gz_limits *l, const char *path, const char *md, size_t len,
		    int first_line, gz_diag *d);

#endif
