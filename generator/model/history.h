/*
 * history.h: `gazette log PAGE`, the git history of one page for editors.
 *
 * PAGE is a content path (content/stories/2019/a.md) or the page's URL
 * (/stories/2019/a/) or slug. The history comes from the same single
 * revision walk the build uses, so renames are followed and .mailmap is
 * honoured.
 */
#ifndef GZ_HISTORY_H
#define GZ_HISTORY_H

#include <stdbool.h>
#include <stdio.h>

#include "base/buf.h"
#include "source/git.h"

/* Format h for path as text (human) or JSON into out. */
void gz_history_format(gz_buf *out, const char *path, const gz_history *h, bool json);

/* The whole command: prints to out, messages to err. Returns the exit
 * status (0, 1 not found or no history, 2 usage). */
int gz_history_command(const char *source, const char *page, const char *rev, bool json,
		       FILE *out, FILE *err);

#endif
