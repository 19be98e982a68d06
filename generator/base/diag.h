/*
 * diag.h: diagnostics about user input, collected across a whole build.
 *
 * A build does not stop at the first bad file: every loader adds what it
 * found to one gz_diag list (safe from many threads), and the command prints
 * them all, sorted, as `path:line:col: message` (line and col are 1-based; 0
 * means unknown and is left out). Messages follow the house style: lower
 * case, no full stop, the subject quoted, what to do when it is not obvious.
 *
 * One convention for every function that can fail on something a person
 * named or wrote: it takes a gz_diag * and adds its error there itself,
 * placed at the file or folder it was given (the repository, the source
 * folder, the zip, the page) with the line and column when it knows them,
 * and returns a negative code. Callers pass the code up and never wrap the
 * message again; a caller that shows one message (a page of the desk)
 * takes gz_diag_first_error. Where the fault has no file of its own, the
 * place is the nearest one that does: a failure of the system (a child
 * process, a disk, the database) is placed at the repository, the archive
 * database or the zip it happened to; an error in what was typed on the
 * command line at the command ("gazette new", "gazette archive search").
 * A function whose caller has words of its own for a failure (the desk,
 * a fallback to defaults) may take d NULL.
 *
 * Lua errors are placed at the hook's or template's file and the line Lua
 * was on (Lua knows no column), and name the page being rendered:
 * `hooks/x.lua:12: message (while rendering content/stories/a.md:5)`,
 * with the page's line when a filter was called on a node of it. A
 * shortcode's error is placed at the shortcode's line in the page, where
 * its editor looks, and names the hook's file and line after the
 * shortcode's name.
 *
 * Three kinds of function return the reason alone through char **err and
 * leave its place to the caller: the decoders of the media library (its
 * interface is a table of C functions shared by two libraries, and one
 * damaged photo is placed at every page that shows it); the calls into
 * Lua inside lua/ (the message starts with its Lua place, "file:line: ",
 * which gz_diag_add_placed reads); and the Markdown render with its filter
 * and shortcode hooks (gz_md_result.error), whose reason travels with the
 * page until the site loader places it, as an error or, with
 * --keep-going, a warning.
 */
#ifndef GZ_DIAG_H
#define GZ_DIAG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { GZ_ERROR, GZ_WARNING } gz_severity;

typedef struct {
	gz_severity severity;
	char *path;
	int line, col;
	char *msg;
} gz_diag_item;

typedef struct {
	pthread_mutex_t lock;
	gz_diag_item *items;
	size_t n, cap;
	size_t errors, warnings;
} gz_diag;

void gz_diag_init(gz_diag *d);
void gz_diag_release(gz_diag *d);

void gz_diag_add(gz_diag *d, gz_severity sev, const char *path, int line, int col,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define gz_diag_error(d, path, line, col, ...) gz_diag_add(d, GZ_ERROR, path, line, col, __VA_ARGS__)
#define gz_diag_warn(d, path, line, col, ...) gz_diag_add(d, GZ_WARNING, path, line, col, __VA_ARGS__)

/* Every item of from added to d, in order (the diagnostics of work done on
 * a thread of its own, into the build's once it is joined). */
void gz_diag_add_all(gz_diag *d, const gz_diag *from);

/* If msg starts with a place, "path:line: " (as Lua's messages do), the
 * length of path, with the line in *line (may be NULL); else 0. */
size_t gz_diag_place(const char *msg, int *line);

/* Add a message that may start with its place (gz_diag_place): the place
 * becomes the item's path and line; a message without one is added under
 * path, as is. */
void gz_diag_add_placed(gz_diag *d, gz_severity sev, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define gz_diag_error_placed(d, path, ...) gz_diag_add_placed(d, GZ_ERROR, path, __VA_ARGS__)

/* Sort by path, line, col (then message). */
void gz_diag_sort(gz_diag *d);

/* Forget every item after the first n (what a build that starts again
 * will report again). */
void gz_diag_truncate(gz_diag *d, size_t n);

/* Sort by path, line, col and print every item to f. */
void gz_diag_print(gz_diag *d, FILE *f);

/* Format one item as `path:line:col: message` into a new string. */
char *gz_diag_format(const gz_diag_item *it);

/* The first error added to d, formatted (gz_diag_format) into a new
 * string; NULL when d holds no error. For a caller that shows one message
 * (a page of the desk) rather than the list. */
char *gz_diag_first_error(gz_diag *d);

/* Milliseconds on a monotonic clock. */
double gz_now_ms(void);

/* Built with AddressSanitizer (make test-asan)? */
bool gz_under_sanitizer(void);

/* GAZETTE_TIMING=1: print "timing: <stage> <what> N ms" for the time since
 * *t (nothing if *t is 0 or what NULL: the first lap only starts the clock),
 * then set *t to now. stage is "" or an indented stage ("  render").
 * GAZETTE_TIMING=cpu adds the process's CPU time so far to each line. */
void gz_timing_lap(const char *stage, const char *what, double *t);

#endif
