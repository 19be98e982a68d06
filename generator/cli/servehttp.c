#include "cli/serve_private.h"

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/text.h"

#define POOL_THREADS 4
#define CONNECTIONS 4096u
/* a connection that sends or takes nothing for this long is closed (an
 * event stream waiting for news is suspended, which does not count) */
#define IDLE_SECONDS 30

/* What microhttpd logged of a request before it took the URL apart. */
typedef struct {
	const char *uri;
	size_t len;
} request;

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
			int hi = gz_hex_value(p[1]), lo = hi < 0 ? -1 : gz_hex_value(p[2]);
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

/* An HTML page as the browser gets it: the file, with the reload script
 * spliced in at byte at, read from fd as the connection sends it (no copy
 * of the page is held). */
typedef struct {
	int fd;
	uint64_t size, at;
	char *script;
	size_t slen;
} page_body;

static ssize_t page_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	page_body *pb = cls;
	ssize_t n;

	if (pos >= pb->at && pos < pb->at + pb->slen) {
		size_t k = (size_t)(pb->at + pb->slen - pos);
		if (k > max)
			k = max;
		memcpy(buf, pb->script + (pos - pb->at), k);
		return (ssize_t)k;
	}
	if (pos < pb->at) {
		if (max > pb->at - pos)
			max = (size_t)(pb->at - pos);
	} else {
		pos -= pb->slen;
		if (pos >= pb->size)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = pread(pb->fd, buf, max, (off_t)pos);
	/* the file shrank under us: a rebuild wrote it in place */
	return n > 0 ? n : MHD_CONTENT_READER_END_WITH_ERROR;
}

static void page_free(void *cls)
{
	page_body *pb = cls;

	close(pb->fd);
	free(pb->script);
	free(pb);
}

/* Where the reload script goes in the page on fd: before its last
 * </body>, else at the end. Read backwards a block at a time, with an
 * overlap so that a tag across two blocks is found. */
static uint64_t body_end(int fd, uint64_t size)
{
	char buf[65536];
	uint64_t end = size;

	while (end > 0) {
		uint64_t from = end > sizeof(buf) ? end - sizeof(buf) : 0;
		ssize_t n = pread(fd, buf, (size_t)(end - from), (off_t)from);
		size_t i;
		if (n < 7)
			break;
		for (i = (size_t)n - 7 + 1; i-- > 0;)
			if (buf[i] == '<' && !strncasecmp(buf + i, "</body>", 7))
				return from + i;
		if (!from)
			break;
		end = from + 6;
	}
	return size;
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
	const page_words *w;
	page_body *pb = NULL;
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
	w = s->words;
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

	if (html) {
		gz_buf b = GZ_BUF_INIT;
		pb = gz_calloc(1, sizeof(*pb));
		pb->fd = fd;
		pb->size = (uint64_t)st.st_size;
		pb->at = body_end(fd, pb->size);
		serve_reload_script(&b, gen, w);
		pb->script = gz_buf_detach(&b, &pb->slen);
		r = MHD_create_response_from_callback(pb->size + pb->slen, 32 * 1024, page_read, pb,
						      page_free);
	} else {
		/* sent with sendfile where it can be: no copy in memory */
		r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
	}
	if (!r) {
		if (pb)
			page_free(pb);
		else
			close(fd);
		return MHD_NO;
	}
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
		struct MHD_Response *r;
		gz_buf b = GZ_BUF_INIT, page = GZ_BUF_INIT;
		const page_words *w;
		unsigned long gen;
		size_t len;
		char *data;

		pthread_mutex_lock(&s->lock);
		gen = s->gen;
		w = s->words;
		pthread_mutex_unlock(&s->lock);
		gz_buf_printf(&page,
			      "<!doctype html><html lang=\"%s\"><meta charset=\"utf-8\">"
			      "<title>%s</title><body><p>%s</p></body></html>\n",
			      w->html_lang, w->not_found, w->not_found);
		serve_inject(&b, page.ptr, page.len, gen, w);
		gz_buf_release(&page);
		data = gz_buf_detach(&b, &len);
		r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		rc = MHD_queue_response(c, MHD_HTTP_NOT_FOUND, r);
		MHD_destroy_response(r);
	}
	return rc;
}

static void *log_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	request *rq = gz_malloc(sizeof(*rq));

	rq->uri = uri;
	rq->len = strlen(uri);
	return rq;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode why)
{
	free(*con_cls);
	*con_cls = NULL;
}

/*
 * microhttpd ends the URL at a raw NUL byte ("GET /\0/../site.yml"), so
 * the handler would see "/". It keeps the request line in one buffer, the
 * URL, then the NUL written over the space, then the version: after a
 * raw NUL the version lies further on than the URL it logged.
 */
static bool raw_nul(const request *rq, const char *url, const char *version)
{
	return rq && url == rq->uri && version && *version && version > rq->uri &&
	       rq->uri + rq->len + 1 != version;
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

	if (raw_nul(*con_cls, url, version))
		return queue_text(c, MHD_HTTP_BAD_REQUEST, "400 bad request: a NUL byte in the URL\n");
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		struct MHD_Response *r = MHD_create_response_from_buffer(
			19, (void *)"method not allowed\n", MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		rc = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return rc;
	}
	if (!strcmp(url, EVENTS_URL))
		return serve_events(s, c);
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

/* How many connections at once: enough that a thousand idle ones (a
 * browser's, a crawler's, or half-sent requests) leave room for more, with
 * file descriptors to spare for the build. Raises the soft limit on open
 * files up to the hard one if it must. */
static unsigned int connection_limit(void)
{
	const rlim_t want = CONNECTIONS + 256;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1000;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return CONNECTIONS;
	return rl.rlim_cur > 512 ? (unsigned int)(rl.rlim_cur - 256) : (unsigned int)rl.rlim_cur / 2;
}


struct MHD_Daemon *serve_http_start(server *s, const struct sockaddr *addr, bool ipv6,
				    int *port)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			     MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *daemon;

	if (ipv6)
		flags |= MHD_USE_IPv6;
	/* a few threads wait on epoll for every connection: a slow or idle
	 * client costs a socket, not a thread, and files go out with sendfile */
	daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, s, MHD_OPTION_SOCK_ADDR, addr,
				  MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				  MHD_OPTION_URI_LOG_CALLBACK, log_uri, NULL,
				  MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)POOL_THREADS,
				  MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_SECONDS,
				  MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024, MHD_OPTION_END);
	if (!daemon)
		return NULL;
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info)
		*port = (int)info->port;
	return daemon;
}
