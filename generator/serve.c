#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "build.h"
#include "diag.h"
#include "watch.h"

#define EVENTS_URL "/__gazette/events"
#define DEBOUNCE_MS 50
#define PING_SECONDS 15

typedef struct {
	char *dir;             /* the serve folder as given */
	char *real;            /* its realpath, once it exists */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long gen;     /* one more after every build */
	char *errors;          /* formatted errors of the last build, or NULL */
	bool stopping;
} server;

/* One open /__gazette/events stream. */
typedef struct {
	server *s;
	unsigned long seen;    /* generation the page was built from */
	bool started;
	gz_buf out;            /* bytes not yet handed to microhttpd */
	size_t off;
} stream;

static const struct {
	const char *ext, *type;
} types[] = {
	{"html", "text/html; charset=utf-8"},
	{"htm", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"mjs", "text/javascript; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"xml", "application/xml; charset=utf-8"},
	{"txt", "text/plain; charset=utf-8"},
	{"md", "text/plain; charset=utf-8"},
	{"svg", "image/svg+xml; charset=utf-8"},
	{"png", "image/png"},
	{"jpg", "image/jpeg"},
	{"jpeg", "image/jpeg"},
	{"gif", "image/gif"},
	{"webp", "image/webp"},
	{"avif", "image/avif"},
	{"ico", "image/x-icon"},
	{"woff", "font/woff"},
	{"woff2", "font/woff2"},
	{"ttf", "font/ttf"},
	{"otf", "font/otf"},
	{"pdf", "application/pdf"},
	{"zip", "application/zip"},
	{"mp3", "audio/mpeg"},
	{"mp4", "video/mp4"},
	{"webm", "video/webm"},
	{"wasm", "application/wasm"},
};

const char *gz_serve_content_type(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	size_t i;

	if (dot && (!slash || dot > slash))
		for (i = 0; i < sizeof(types) / sizeof(*types); i++)
			if (!strcasecmp(dot + 1, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode a request path and check it, before it comes near the
 * filesystem: microhttpd's own unescaping is switched off (see
 * no_unescape) so that "%2f", "%5c" and "%00" can be told apart from real
 * separators. Returns the decoded path (caller frees) or NULL to refuse.
 */
char *gz_serve_decode_path(const char *url)
{
	gz_buf b = GZ_BUF_INIT;
	const char *p, *seg;

	if (url[0] != '/')
		return NULL;
	for (p = url; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
			if (lo < 0)
				goto refuse;
			c = hi * 16 + lo;
			p += 2;
			if (c == '/' || c == '\\')
				goto refuse;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			goto refuse;
		gz_buf_putc(&b, (char)c);
	}
	/* no "." or ".." segment, whichever way it was spelt */
	for (seg = b.ptr; seg; seg = strchr(seg + 1, '/')) {
		const char *s = seg + 1, *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			goto refuse;
	}
	return gz_buf_detach(&b, NULL);
refuse:
	gz_buf_release(&b);
	return NULL;
}

static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

static enum MHD_Result queue_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

/* The live-reload script; %lu is the generation the page belongs to. */
static const char reload_script[] =
	"<script>/* gazette serve: live reload */(function(){"
	"var es=new EventSource('" EVENTS_URL "?gen=%lu');"
	"window.__gazette={events:es};"
	"es.addEventListener('reload',function(){es.close();location.reload();});"
	"es.addEventListener('errors',function(e){"
	"var o=document.getElementById('gazette-errors');"
	"if(!o){o=document.createElement('pre');o.id='gazette-errors';"
	"o.setAttribute('role','alert');"
	"o.setAttribute('style','position:fixed;left:0;right:0;top:0;bottom:0;z-index:2147483647;"
	"margin:0;padding:24px;overflow:auto;background:rgba(24,24,24,.95);color:#fff;"
	"font:15px/1.6 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;text-align:left');"
	"document.body.appendChild(o);}"
	"o.textContent='gazette: the build failed; fix this and save\\n\\n'+e.data;});"
	"})();</script>\n";

/* Put the reload script before the last </body> (or at the end). */
static void inject(gz_buf *out, const char *html, size_t len, unsigned long gen)
{
	size_t at = len, i;

	for (i = len >= 7 ? len - 7 + 1 : 0; i-- > 0;) {
		if (html[i] == '<' && !strncasecmp(html + i, "</body>", 7)) {
			at = i;
			break;
		}
	}
	gz_buf_add(out, html, at);
	gz_buf_printf(out, reload_script, gen);
	gz_buf_add(out, html + at, len - at);
}

static bool etag_matches(const char *header, const char *etag)
{
	const char *p = header;
	size_t n = strlen(etag);

	if (!strcmp(header, "*"))
		return true;
	while ((p = strstr(p, etag))) {
		if (p[n] == '\0' || p[n] == ',' || p[n] == ' ')
			return true;
		p += n;
	}
	return false;
}

static enum MHD_Result serve_file(server *s, struct MHD_Connection *c, const char *path,
				  unsigned int status)
{
	struct MHD_Response *r;
	struct stat st;
	char real[PATH_MAX], etag[96], lastmod[64];
	const char *type = gz_serve_content_type(path), *inm, *ims;
	bool html = !strncmp(type, "text/html", 9);
	unsigned long gen;
	gz_buf body = GZ_BUF_INIT;
	char *data = NULL;
	size_t len;
	int fd = -1;
	enum MHD_Result rc;
	struct tm tm;

	/* the last word on containment: the resolved file is inside the folder */
	if (!s->real || !realpath(path, real) || strncmp(real, s->real, strlen(s->real)) ||
	    real[strlen(s->real)] != '/')
		return MHD_NO;
	fd = open(real, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return MHD_NO;
	}
	pthread_mutex_lock(&s->lock);
	gen = s->gen;
	pthread_mutex_unlock(&s->lock);
	/* an HTML page carries the build generation in its script, so its
	 * validator must change with every build even if the file did not */
	snprintf(etag, sizeof(etag), html ? "\"%llx-%llx-g%lu\"" : "\"%llx-%llx\"",
		 (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
			 (unsigned long long)st.st_mtim.tv_nsec,
		 gen);
	gmtime_r(&st.st_mtim.tv_sec, &tm);
	strftime(lastmod, sizeof(lastmod), "%a, %d %b %Y %H:%M:%S GMT", &tm);

	if (status == MHD_HTTP_OK) {
		bool fresh = false;
		inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
		ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						  MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
		if (inm) {
			fresh = etag_matches(inm, etag);
		} else if (ims && !html) {
			struct tm t;
			const char *end;
			memset(&t, 0, sizeof(t));
			end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &t);
			fresh = end && !*end && timegm(&t) >= st.st_mtim.tv_sec;
		}
		if (fresh) {
			close(fd);
			r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
			MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
			if (!html)
				MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, lastmod);
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
			rc = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
			MHD_destroy_response(r);
			return rc;
		}
	}

	len = (size_t)st.st_size;
	data = gz_malloc(len + 1);
	{
		size_t got = 0;
		while (got < len) {
			ssize_t n = read(fd, data + got, len - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		len = got;
	}
	close(fd);
	if (html) {
		inject(&body, data, len, gen);
		free(data);
		data = gz_buf_detach(&body, &len);
	}
	r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	if (status == MHD_HTTP_OK) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
		if (!html)
			MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, lastmod);
	}
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result not_found(server *s, struct MHD_Connection *c)
{
	gz_buf p = GZ_BUF_INIT;
	enum MHD_Result rc;

	gz_buf_printf(&p, "%s/404.html", s->dir);
	rc = serve_file(s, c, p.ptr, MHD_HTTP_NOT_FOUND);
	gz_buf_release(&p);
	if (rc == MHD_NO) {
		/* no 404.html yet (the first build failed): a page of our own, with
		 * the script, so the errors still show and a good build reloads */
		static const char page[] = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
					   "<title>404 not found</title><body><p>404 not found</p>"
					   "</body></html>\n";
		struct MHD_Response *r;
		gz_buf b = GZ_BUF_INIT;
		unsigned long gen;
		size_t len;
		char *data;

		pthread_mutex_lock(&s->lock);
		gen = s->gen;
		pthread_mutex_unlock(&s->lock);
		inject(&b, page, sizeof(page) - 1, gen);
		data = gz_buf_detach(&b, &len);
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		rc = MHD_queue_response(c, MHD_HTTP_NOT_FOUND, r);
		MHD_destroy_response(r);
	}
	return rc;
}

/* Format one server-sent event; every line of data gets its own "data:". */
static void sse_event(gz_buf *b, const char *name, const char *data)
{
	const char *p = data;

	gz_buf_printf(b, "event: %s\n", name);
	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		gz_buf_puts(b, "data: ");
		gz_buf_add(b, p, n);
		gz_buf_putc(b, '\n');
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
	gz_buf_putc(b, '\n');
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream *st = cls;
	server *s = st->s;
	size_t n;

	if (st->off >= st->out.len) {
		gz_buf_clear(&st->out);
		st->off = 0;
		pthread_mutex_lock(&s->lock);
		if (!st->started) {
			/* a page from an older build, or a build that is broken now */
			st->started = true;
			gz_buf_puts(&st->out, "retry: 300\n\n");
			if (s->errors)
				sse_event(&st->out, "errors", s->errors);
			else if (st->seen != s->gen)
				sse_event(&st->out, "reload", "");
			st->seen = s->gen;
		}
		while (!st->out.len && !s->stopping) {
			struct timespec until;
			if (st->seen != s->gen) {
				st->seen = s->gen;
				if (s->errors)
					sse_event(&st->out, "errors", s->errors);
				else
					sse_event(&st->out, "reload", "");
				break;
			}
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += PING_SECONDS;
			if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT)
				gz_buf_puts(&st->out, ": ping\n\n");
		}
		pthread_mutex_unlock(&s->lock);
		if (!st->out.len)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = st->out.len - st->off;
	if (n > max)
		n = max;
	memcpy(buf, st->out.ptr + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	stream *st = cls;

	gz_buf_release(&st->out);
	free(st);
}

static enum MHD_Result events(server *s, struct MHD_Connection *c)
{
	const char *g = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "gen");
	stream *st = gz_calloc(1, sizeof(*st));
	struct MHD_Response *r;
	enum MHD_Result rc;

	st->s = s;
	st->out = (gz_buf)GZ_BUF_INIT;
	st->seen = g ? strtoul(g, NULL, 10) : 0;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	server *s = cls;
	gz_buf path = GZ_BUF_INIT;
	char *rel = NULL;
	struct stat st;
	enum MHD_Result rc;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		struct MHD_Response *r = MHD_create_response_from_buffer(
			19, (void *)"method not allowed\n", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		rc = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return rc;
	}
	if (!strcmp(url, EVENTS_URL))
		return events(s, c);
	rel = gz_serve_decode_path(url);
	if (!rel)
		return queue_text(c, MHD_HTTP_BAD_REQUEST, "400 bad request: unsafe path\n");

	gz_buf_printf(&path, "%s%s", s->dir, rel);
	if (stat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (url[strlen(url) - 1] != '/') {
			gz_buf loc = GZ_BUF_INIT;
			struct MHD_Response *r =
				MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
			gz_buf_printf(&loc, "%s/", url);
			MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, loc.ptr);
			rc = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
			MHD_destroy_response(r);
			gz_buf_release(&loc);
			goto cleanup;
		}
		gz_buf_puts(&path, "index.html");
	}
	rc = serve_file(s, c, path.ptr, MHD_HTTP_OK);
	if (rc == MHD_NO)
		rc = not_found(s, c);

cleanup:
	gz_buf_release(&path);
	free(rel);
	return rc;
}

/* Build once and tell the open pages. */
static void rebuild(server *s, const gz_serve_opts *o)
{
	/* the preview follows the content, however much of it goes */
	gz_build_opts bo = {.source = o->source, .out = s->dir, .drafts = o->drafts, .jobs = o->jobs,
			    .allow_shrink = true};
	gz_build_stats st;
	gz_diag d;
	char *errors = NULL;
	int rc;

	gz_diag_init(&d);
	rc = gz_build(&bo, &d, &st);
	gz_diag_print(&d, stderr);
	if (rc < 0) {
		gz_buf b = GZ_BUF_INIT;
		size_t i;
		for (i = 0; i < d.n; i++) {
			char *line = gz_diag_format(&d.items[i]);
			gz_buf_puts(&b, line);
			gz_buf_putc(&b, '\n');
			free(line);
		}
		errors = gz_buf_detach(&b, NULL);
		fprintf(stderr, "gazette: build failed with %zu error%s; still serving the last good build\n",
			d.errors, d.errors == 1 ? "" : "s");
	} else {
		fprintf(stderr, "gazette: built %zu pages (%zu written) in %.0f ms\n", st.pages,
			st.written, st.ms);
	}
	gz_diag_release(&d);
	pthread_mutex_lock(&s->lock);
	if (!s->real)
		s->real = realpath(s->dir, NULL);
	free(s->errors);
	s->errors = errors;
	s->gen++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* <source>/.gazette/serve, with .gazette ignoring itself in git as build.c does. */
static char *serve_dir(const char *source)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s/.gazette", source);
	if (mkdir(b.ptr, 0755) == 0) {
		gz_buf g = GZ_BUF_INIT;
		FILE *f;
		gz_buf_printf(&g, "%s/.gitignore", b.ptr);
		f = fopen(g.ptr, "w");
		if (f) {
			fputs("# gazette's cache: not content\n*\n", f);
			fclose(f);
		}
		gz_buf_release(&g);
	}
	gz_buf_puts(&b, "/serve");
	mkdir(b.ptr, 0755);
	return gz_buf_detach(&b, NULL);
}

int gz_serve_run(const gz_serve_opts *o)
{
	server s;
	struct MHD_Daemon *daemon = NULL;
	gz_watch *w = NULL;
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	struct sockaddr *addr;
	unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
	const char *bind = o->bind ? o->bind : "127.0.0.1";
	const union MHD_DaemonInfo *info;
	sigset_t sigs, old;
	char *err = NULL;
	int sfd = -1, rc = 1, port;
	bool pending = false, masked = false;

	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	s.dir = serve_dir(o->source);

	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)o->port);
		addr = (struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)o->port);
		addr = (struct sockaddr *)&a6;
		flags |= MHD_USE_IPv6;
	} else {
		fprintf(stderr, "gazette serve: --bind '%s' is not an IP address\n", bind);
		goto cleanup;
	}

	/* the signals go to signalfd, in every thread started from here on */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	masked = true;
	sigdelset(&sigs, SIGPIPE);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "gazette serve: signalfd: %s\n", strerror(errno));
		goto cleanup;
	}
	if (gz_watch_open(&w, o->source, &err) < 0) {
		fprintf(stderr, "gazette serve: %s\n", err);
		goto cleanup;
	}

	rebuild(&s, o);
	daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, &s, MHD_OPTION_SOCK_ADDR, addr,
				  MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120, MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, "gazette serve: cannot listen on %s port %d: %s\n", bind, o->port,
			strerror(errno));
		goto cleanup;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? (int)info->port : o->port;
	fprintf(stderr, "gazette: serving http://%s%s%s:%d/ (built into %s; Ctrl-C stops)\n",
		addr->sa_family == AF_INET6 ? "[" : "", bind, addr->sa_family == AF_INET6 ? "]" : "",
		port, s.dir);

	for (;;) {
		struct pollfd fds[2] = {{sfd, POLLIN, 0}, {gz_watch_fd(w), POLLIN, 0}};
		int n = poll(fds, 2, pending ? DEBOUNCE_MS : -1);

		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "gazette serve: poll: %s\n", strerror(errno));
			break;
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) > 0)
				fprintf(stderr, "gazette: stopping\n");
			rc = 0;
			break;
		}
		if (n > 0 && (fds[1].revents & POLLIN)) {
			if (gz_watch_read(w) > 0)
				pending = true;
			continue;
		}
		/* quiet for DEBOUNCE_MS after the last change */
		if (n == 0 && pending) {
			pending = false;
			rebuild(&s, o);
		}
	}

cleanup:
	pthread_mutex_lock(&s.lock);
	s.stopping = true;
	pthread_cond_broadcast(&s.cond);
	pthread_mutex_unlock(&s.lock);
	if (daemon)
		MHD_stop_daemon(daemon);
	gz_watch_free(w);
	if (sfd >= 0)
		close(sfd);
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(err);
	free(s.errors);
	free(s.real);
	free(s.dir);
	pthread_cond_destroy(&s.cond);
	pthread_mutex_destroy(&s.lock);
	return rc;
}
