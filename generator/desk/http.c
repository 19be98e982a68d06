/*
 * http.c: the desk's server plumbing over libmicrohttpd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "desk/http.h"

#define POOL_THREADS 4
#define PER_IP 16
#define IDLE_SECONDS 30
#define MAX_FIELDS 64
#define MAX_FIELD (2u << 20)

typedef struct {
	gz_http_request rq;
	struct MHD_PostProcessor *pp;
	size_t body;
	size_t fcap;
} conn_state;

typedef struct {
	gz_http_handler h;
	void *payload;
} server;

const char *gz_http_field_get(const gz_http_request *rq, const char *name)
{
	size_t i;

	for (i = 0; i < rq->nfields; i++)
		if (!strcmp(rq->fields[i].name, name))
			return rq->fields[i].value;
	return NULL;
}

const char *gz_http_cookie(const gz_http_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

const char *gz_http_header(const gz_http_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static gz_http_field *field_for(conn_state *cs, const char *key)
{
	gz_http_request *rq = &cs->rq;
	size_t i;

	for (i = 0; i < rq->nfields; i++)
		if (!strcmp(rq->fields[i].name, key))
			return &rq->fields[i];
	if (rq->nfields >= MAX_FIELDS)
		return NULL;
	gz_grow((void **)&rq->fields, &cs->fcap, rq->nfields + 1, sizeof(gz_http_field));
	rq->fields[rq->nfields].name = gz_strdup(key);
	rq->fields[rq->nfields].value = gz_strdup("");
	rq->fields[rq->nfields].len = 0;
	return &rq->fields[rq->nfields++];
}

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	gz_http_field *f = field_for(cls, key);

	if (f && value) {
		free(f->value);
		f->value = gz_strdup(value);
		f->len = strlen(value);
	}
	return MHD_YES;
}

static enum MHD_Result post_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *filename, const char *type, const char *enc,
				const char *data, uint64_t off, size_t size)
{
	conn_state *cs = cls;
	gz_http_field *f;

	if (filename) {
		/* one file per request, the first */
		if (cs->rq.file_name && strcmp(cs->rq.file_name, filename))
			return MHD_YES;
		if (!cs->rq.file_name)
			cs->rq.file_name = gz_strdup(filename);
		gz_buf_add(&cs->rq.file, data, size);
		return MHD_YES;
	}
	f = field_for(cs, key);
	if (!f)
		return MHD_YES;
	if (f->len + size > MAX_FIELD) {
		cs->rq.too_large = true;
		return MHD_YES;
	}
	/* fields arrive in pieces; a repeated one starts again */
	if (off == 0)
		f->len = 0;
	f->value = gz_realloc(f->value, f->len + size + 1);
	memcpy(f->value + f->len, data, size);
	f->len += size;
	f->value[f->len] = '\0';
	return MHD_YES;
}

static void state_free(conn_state *cs)
{
	size_t i;

	if (cs->pp)
		MHD_destroy_post_processor(cs->pp);
	for (i = 0; i < cs->rq.nfields; i++) {
		free(cs->rq.fields[i].name);
		free(cs->rq.fields[i].value);
	}
	free(cs->rq.fields);
	free(cs->rq.file_name);
	gz_buf_release(&cs->rq.file);
	free((char *)cs->rq.path);
	free(cs);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode why)
{
	if (*con_cls)
		state_free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result plain(struct MHD_Connection *c, unsigned int status, const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static bool path_ok(const char *p)
{
	return p[0] == '/' && !strstr(p, "..") && !strchr(p, '\\') && !strstr(p, "//");
}

static void peer(conn_state *cs, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(cs->rq.addr, sizeof(cs->rq.addr), "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, cs->rq.addr,
			  sizeof(cs->rq.addr));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, cs->rq.addr,
			  sizeof(cs->rq.addr));
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *size, void **con_cls)
{
	server *s = cls;
	conn_state *cs = *con_cls;
	gz_http_reply rp;
	struct MHD_Response *r;
	enum MHD_Result rc;
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);

	if (!cs) {
		if (!post && strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
			return plain(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
		if (!path_ok(url))
			return plain(c, MHD_HTTP_BAD_REQUEST, "bad request\n");
		cs = gz_calloc(1, sizeof(*cs));
		cs->rq.method = post ? "POST" : "GET";
		cs->rq.path = gz_strdup(url);
		cs->rq.conn = c;
		gz_buf_init(&cs->rq.file, 0);
		peer(cs, c);
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, cs);
		if (post)
			cs->pp = MHD_create_post_processor(c, 64 * 1024, post_arg, cs);
		*con_cls = cs;
		return MHD_YES;
	}
	if (*size) {
		cs->body += *size;
		if (cs->body > GZ_HTTP_MAX_BODY)
			cs->rq.too_large = true;
		else if (cs->pp)
			MHD_post_process(cs->pp, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (cs->rq.too_large)
		return plain(c, MHD_HTTP_CONTENT_TOO_LARGE, _("the request is too large\n"));

	memset(&rp, 0, sizeof(rp));
	gz_buf_init(&rp.body, 0);
	s->h(&rp, &cs->rq, s->payload);
	if (rp.location) {
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, rp.location);
		if (!rp.status)
			rp.status = MHD_HTTP_SEE_OTHER;
	} else {
		size_t len;
		char *body = gz_buf_detach(&rp.body, &len);
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					rp.type ? rp.type : "text/html; charset=utf-8");
	}
	if (!rp.status)
		rp.status = MHD_HTTP_OK;
	if (rp.cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, rp.cookie);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	if (rp.sandbox) {
		/* content from a draft: shown, never run */
		MHD_add_response_header(r, "Content-Security-Policy",
					"sandbox allow-same-origin; script-src 'none'; frame-ancestors 'self'");
	} else {
		MHD_add_response_header(r, "Content-Security-Policy",
					"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
					"form-action 'self'");
		MHD_add_response_header(r, "X-Frame-Options", "DENY");
	}
	rc = MHD_queue_response(c, (unsigned int)rp.status, r);
	MHD_destroy_response(r);
	gz_buf_release(&rp.body);
	free(rp.location);
	free(rp.cookie);
	return rc;
}

int gz_http_run(const char *bind, int port, gz_http_handler h, void *payload)
{
	server s = {h, payload};
	struct MHD_Daemon *daemon;
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	struct sockaddr *addr;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	int sig;

	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)port);
		addr = (struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)port);
		addr = (struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(stderr, _("gazette desk: --bind '%s' is not an IP address\n"), bind);
		return 1;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	/* the build of an approved page runs on a server thread: hooks and
	 * deep Markdown recurse */
	daemon = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, answer, &s,
				  MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_NOTIFY_COMPLETED, completed,
				  NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)POOL_THREADS,
				  MHD_OPTION_THREAD_STACK_SIZE, (size_t)(64u << 20),
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)GZ_HTTP_CONNECTIONS,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)PER_IP,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_SECONDS,
				  MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, _("gazette desk: cannot listen on %s port %d: %s\n"), bind, port,
			strerror(errno));
		return 1;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, _("gazette desk: http://%s:%d/desk/\n"), bind, info ? (int)info->port : port);
	sigdelset(&sigs, SIGPIPE);
	while (sigwait(&sigs, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	fprintf(stderr, _("gazette desk: stopping\n"));
	MHD_stop_daemon(daemon);
	return 0;
}
