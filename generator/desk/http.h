/*
 * http.h: the desk's HTTP server (libmicrohttpd), as the screens see it.
 *
 * The server reads a whole request before handing it on: its form fields
 * (urlencoded or multipart), at most one uploaded file, cookies and the
 * peer's address, all bounded (GZ_HTTP_MAX_BODY for the body, 64 fields).
 * Connections are bounded too: a thread pool waits on epoll, at most
 * GZ_HTTP_CONNECTIONS at once and 16 from one address, idle ones are
 * closed after 30 s. The one handler answers with a gz_http_reply. This
 * module is the only one of desk/ that includes microhttpd.h.
 */
#ifndef GZ_DESK_HTTP_H
#define GZ_DESK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

#define GZ_HTTP_MAX_BODY (24u << 20)
#define GZ_HTTP_CONNECTIONS 256

typedef struct {
	char *name, *value;
	size_t len;
} gz_http_field;

typedef struct {
	const char *method, *path;   /* path: decoded, without the query */
	gz_http_field *fields;       /* query and form fields */
	size_t nfields;
	char *file_name;             /* the uploaded file's name as sent, or NULL */
	gz_buf file;                 /* its bytes */
	char addr[64];
	bool too_large;              /* the body went past the limit: answer 413 */
	void *conn;                  /* for gz_http_cookie and gz_http_header */
} gz_http_request;

typedef struct {
	int status;
	const char *type;            /* Content-Type; NULL: text/html; charset=utf-8 */
	gz_buf body;
	char *location;              /* a redirect (303 when status is 0) */
	char *cookie;                /* one Set-Cookie header */
	bool sandbox;                /* a preview: scripts off, nothing framed from it */
} gz_http_reply;

/* The value of a field (borrowed), or NULL. */
const char *gz_http_field_get(const gz_http_request *rq, const char *name);
const char *gz_http_cookie(const gz_http_request *rq, const char *name);
const char *gz_http_header(const gz_http_request *rq, const char *name);

typedef void (*gz_http_handler)(gz_http_reply *out, const gz_http_request *rq, void *payload);

/* Serve on bind:port until SIGINT or SIGTERM. Returns 0, or 1 when the
 * server could not start. */
int gz_http_run(const char *bind, int port, gz_http_handler h, void *payload);

#endif
