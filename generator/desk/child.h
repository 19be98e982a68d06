/*
 * child.h: work the desk does in a child process of its own.
 *
 * A build (preview or publishing), the check and the decoding of an
 * uploaded photo load libvips, pango and Lua and grow the heap by hundreds
 * of megabytes; run in the server they would stay there. Each runs instead
 * in a forked child that does the one job, writes what it has to say into
 * a pipe and exits, so the server keeps only what serving needs, and a
 * crash in a decoder or a hook takes the child down, not the desk.
 *
 * The server is threaded: fork() is taken while no thread is inside
 * libgit2 (gz_gitw_fork), the child touches nothing of the server's (not
 * the repository handle, the sessions or the users) and ends with _exit,
 * never returning into the server's code.
 */
#ifndef GZ_DESK_CHILD_H
#define GZ_DESK_CHILD_H

#include "base/buf.h"
#include "base/diag.h"
#include "source/gitwrite.h"

/* The job: runs in the child; what it appends to out reaches the parent.
 * Returns 0 to 100, the child's exit status. */
typedef int (*gz_desk_child_fn)(gz_buf *out, void *payload);

/* Run fn(out, payload) in a child process and wait for it; git is the
 * repository handle the server's threads share (NULL: none). Returns fn's
 * return, with what it wrote appended to out; or -1 when no child could be
 * made or it died (a signal, a crash), with the error added to d (may be
 * NULL) and placed at path, the repository the job was for: a failure of
 * the system has no file of its own. */
int gz_desk_child_run(gz_buf *out, gz_gitw *git, const char *path, gz_diag *d,
		      gz_desk_child_fn fn, void *payload);

/* Diagnostics through the pipe: each item of d as one line of text tagged
 * with tag, and back: the items tagged tag in text added to d (lines that
 * do not parse are skipped, as from a child that died halfway). */
void gz_desk_diag_write(gz_buf *out, char tag, const gz_diag *d);
void gz_desk_diag_read(gz_diag *d, char tag, const char *text);

#endif
