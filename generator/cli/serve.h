/*
 * serve.h: the editor's preview server (libmicrohttpd), with live reload.
 *
 * Builds the site into <source>/.gazette/serve/ (never public/), serves that
 * folder over HTTP and rebuilds when the watcher (watch.h) sees an edit,
 * after 50 ms of quiet. Every HTML response gets a small script before
 * </body> that listens on /__gazette/events (server-sent events): after a
 * good build the server sends `reload`, after a failed one `errors` with
 * the `path:line:col: message` lines, which the page shows in an overlay;
 * the server keeps running. Only files inside the serve folder are ever
 * read; a request path with "..", an encoded '/' or '\', or a NUL is
 * refused with 400. This module (serve.c and the files
 * serve_private.h lists) is the only one of cli/ that includes
 * microhttpd.h.
 */
#ifndef GZ_SERVE_H
#define GZ_SERVE_H

#include <stdbool.h>

typedef struct {
	const char *source;  /* site root */
	const char *bind;    /* address to listen on; NULL: 127.0.0.1 */
	int port;            /* 0: any free port (the one chosen is printed) */
	bool drafts;
	int jobs;            /* < 1: one per core */
} gz_serve_opts;

/* Serve until SIGINT or SIGTERM. Prints the URL, then one line per build
 * (and the errors of a failed build) on stderr. Returns the exit status:
 * 0 after a clean shutdown, 1 when the server could not start. */
int gz_serve_run(const gz_serve_opts *o);

/* The Content-Type for a file name by its extension (borrowed static);
 * text types say charset=utf-8; unknown ones are application/octet-stream. */
const char *gz_serve_content_type(const char *path);

/* Percent-decode a request path ("/stories/%E7%A9%86/") and check it:
 * returns the decoded path (caller frees), or NULL when it does not start
 * with '/', has a "." or ".." segment (however spelt), an encoded '/' or
 * '\', a backslash, a control character or NUL, or a bad %-escape. */
char *gz_serve_decode_path(const char *url);

#endif
