#include "cli/serve.h"

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
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "build/build.h"
#include "base/diag.h"
#include "base/i18n.h"
#include "load/yaml.h"
#include "source/watch.h"

#define EVENTS_URL "/__gazette/events"
#define DEBOUNCE_MS 50
#define PING_SECONDS 15
#define POOL_THREADS 4
#define CONNECTIONS 4096u
/* a connection that sends or takes nothing for this long is closed (an
 * event stream waiting for news is suspended, which does not count) */
#define IDLE_SECONDS 30

typedef struct stream stream;

/*
 * The words serve puts into the pages: the error overlay, the reload
 * banner and its own 404 page are part of the page the editor reads, so
 * they follow the site's language (site.yml's language:), not the locale
 * of whoever started the server. A table, not gettext: the build thread and
 * microhttpd's threads pick a language at once, and gettext's language is
 * one for the whole process. Plain text without quotes or backslashes: it
 * goes into a JavaScript string as it is.
 */
typedef struct {
	const char *lang;      /* site.yml language: prefix, "" for the rest */
	const char *html_lang; /* the 404 page's lang attribute */
	const char *failed;    /* the overlay's first line */
	const char *reloading; /* the banner as a new build comes in */
	const char *not_found;
	const char *font;      /* CSS font stack for both */
} page_words;

static const page_words words_by_lang[] = {
	{"zh", "zh-CN", "gazette：构建失败。请按下面的提示改正后保存（预览仍是上一次成功构建的网站）",
	 "gazette：网站已重新构建，正在刷新……", "404 找不到这个页面",
	 "ui-monospace,Noto Sans Mono CJK SC,Sarasa Mono SC,Menlo,Consolas,PingFang SC,"
	 "Hiragino Sans GB,Microsoft YaHei,Noto Sans CJK SC,Source Han Sans SC,"
	 "WenQuanYi Micro Hei,monospace"},
	{"", "en", "gazette: the build failed; fix this and save", "gazette: rebuilt, reloading…",
	 "404 not found", "ui-monospace,Menlo,Consolas,monospace"},
};

typedef struct {
	const gz_serve_opts *o;
	char *dir;             /* the serve folder as given */
	char *real;            /* its realpath, once it exists */
	pthread_mutex_t lock;
	unsigned long gen;     /* one more after every build */
	char *errors;          /* formatted errors of the last build, or NULL */
	const page_words *words; /* in the site's language, as of the last build */
	bool stopping;
	stream *waiting;       /* event streams suspended until there is news */
	int done;              /* eventfd: the build thread finished */
} server;

/* One open /__gazette/events stream. With nothing to send, its connection
 * is suspended (no thread waits for it) until a build ends or it is time
 * for a ping. */
struct stream {
	server *s;
	struct MHD_Connection *c;
	unsigned long seen;    /* generation the page was built from */
	bool started, ping, suspended;
	gz_buf out;            /* bytes not yet handed to microhttpd */
	size_t off;
	stream *next;          /* in s->waiting */
};

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

/* The words for site.yml's language: (zh, zh-CN, zh-Hans…), English for
 * the rest. */
static const page_words *words_for(const char *lang)
{
	size_t i, n;

	for (i = 0; i + 1 < sizeof(words_by_lang) / sizeof(*words_by_lang); i++) {
		n = strlen(words_by_lang[i].lang);
		if (lang && !strncasecmp(lang, words_by_lang[i].lang, n) &&
		    (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_'))
			return &words_by_lang[i];
	}
	return &words_by_lang[i];
}

/* The site's language: from site.yml as it is now (a build may be
 * failing on it: then what it says, if it can be read; its first 64 KB,
 * past which no settings file goes). */
static const page_words *site_words(const char *source)
{
	gz_buf path = GZ_BUF_INIT;
	gz_value *root = NULL;
	char *data = NULL, *err = NULL;
	const page_words *w;
	size_t len = 0;
	int line, col;
	FILE *f;

	gz_buf_printf(&path, "%s/site.yml", source);
	f = fopen(path.ptr, "rb");
	if (f) {
		char buf[65536];
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		data = gz_strndup(buf, len);
	}
	/* gazette's default language when site.yml does not say (config.c) */
	if (data && gz_yaml_parse(&root, data, len, 0, &err, &line, &col) == 0 && root &&
	    gz_value_str(root, "language"))
		w = words_for(gz_value_str(root, "language"));
	else
		w = words_for("zh-CN");
	gz_value_free(root);
	free(data);
	free(err);
	gz_buf_release(&path);
	return w;
}

/* The live-reload script for a page of generation gen: it reloads when a
 * build comes in, with a banner, and lays the errors of a failed build
 * over the page. */
static void reload_script(gz_buf *out, unsigned long gen, const page_words *w)
{
	gz_buf_printf(
		out,
		"<script>/* gazette serve: live reload */(function(){"
		"var es=new EventSource('" EVENTS_URL "?gen=%lu');"
		"window.__gazette={events:es};"
		"es.addEventListener('reload',function(){es.close();"
		"var b=document.createElement('div');b.id='gazette-reload';"
		"b.setAttribute('role','status');b.setAttribute('lang','%s');"
		"b.setAttribute('style','position:fixed;left:0;right:0;top:0;z-index:2147483647;"
		"margin:0;padding:8px 24px;background:#1c4f8c;color:#fff;font:15px/1.6 %s');"
		"b.textContent='%s';(document.body||document.documentElement).appendChild(b);"
		"location.reload();});"
		"es.addEventListener('errors',function(e){"
		"var o=document.getElementById('gazette-errors');"
		"if(!o){o=document.createElement('pre');o.id='gazette-errors';"
		"o.setAttribute('role','alert');o.setAttribute('lang','%s');"
		"o.setAttribute('style','position:fixed;left:0;right:0;top:0;bottom:0;z-index:2147483647;"
		"margin:0;padding:24px;overflow:auto;background:rgba(24,24,24,.95);color:#fff;"
		"font:15px/1.6 %s;white-space:pre-wrap;text-align:left');"
		"document.body.appendChild(o);}"
		"o.textContent='%s\\n\\n'+e.data;});"
		"})();</script>\n",
		gen, w->html_lang, w->font, w->reloading, w->html_lang, w->font, w->failed);
}

/* Put the reload script before the last </body> (or at the end). */
static void inject(gz_buf *out, const char *html, size_t len, unsigned long gen,
		   const page_words *w)
{
	size_t at = len, i;

	for (i = len >= 7 ? len - 7 + 1 : 0; i-- > 0;) {
		if (html[i] == '<' && !strncasecmp(html + i, "</body>", 7)) {
			at = i;
			break;
		}
	}
	gz_buf_add(out, html, at);
	reload_script(out, gen, w);
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
		reload_script(&b, gen, w);
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
		inject(&b, page.ptr, page.len, gen, w);
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

/* Wake every suspended stream; ping: to send a keep-alive if there is no
 * news. Called with s->lock held. */
static void resume_all(server *s, bool ping)
{
	stream *st;

	for (st = s->waiting; st; st = st->next) {
		st->ping = ping;
		st->suspended = false;
		MHD_resume_connection(st->c);
	}
	s->waiting = NULL;
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
		} else if (st->seen != s->gen) {
			st->seen = s->gen;
			sse_event(&st->out, s->errors ? "errors" : "reload", s->errors ? s->errors : "");
		} else if (st->ping) {
			gz_buf_puts(&st->out, ": ping\n\n");
		}
		st->ping = false;
		if (!st->out.len) {
			if (s->stopping) {
				pthread_mutex_unlock(&s->lock);
				return MHD_CONTENT_READER_END_OF_STREAM;
			}
			/* microhttpd calls again at once after a 0: wait suspended */
			st->suspended = true;
			st->next = s->waiting;
			s->waiting = st;
			MHD_suspend_connection(st->c);
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
		pthread_mutex_unlock(&s->lock);
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
	server *s = st->s;
	stream **p;

	/* closed while suspended (the daemon stopping): out of the list */
	pthread_mutex_lock(&s->lock);
	for (p = &s->waiting; *p; p = &(*p)->next)
		if (*p == st) {
			*p = st->next;
			break;
		}
	pthread_mutex_unlock(&s->lock);
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
	st->c = c;
	st->out = (gz_buf)GZ_BUF_INIT;
	st->seen = g ? strtoul(g, NULL, 10) : 0;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
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

/* Build once and tell the open pages: on a thread of its own, so that the
 * server answers and Ctrl-C stops it whatever the build does. */
static void *rebuild(void *arg)
{
	server *s = arg;
	const gz_serve_opts *o = s->o;
	/* the preview follows the content, however much of it goes */
	gz_build_opts bo = {.source = o->source, .out = s->dir, .drafts = o->drafts, .jobs = o->jobs,
			    .allow_shrink = true};
	gz_build_stats st;
	gz_diag d;
	char *errors = NULL;
	const page_words *words;
	uint64_t one = 1;
	int rc;

	gz_alloc_thread_start();
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
		fprintf(stderr,
			P_("gazette: build failed with %zu error; still serving the last good build\n",
			   "gazette: build failed with %zu errors; still serving the last good build\n",
			   d.errors),
			d.errors);
	} else {
		fprintf(stderr, _("gazette: built %zu pages (%zu written) in %.0f ms\n"), st.pages,
			st.written, st.ms);
	}
	gz_diag_release(&d);
	words = site_words(o->source);
	pthread_mutex_lock(&s->lock);
	free(s->errors);
	s->errors = errors;
	s->words = words;
	s->gen++;
	resume_all(s, false);
	pthread_mutex_unlock(&s->lock);
	if (write(s->done, &one, sizeof(one)) < 0)
		perror("gazette serve: eventfd");
	return NULL;
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

/* The build thread gets the stack the main thread would have had room for:
 * hooks and deep Markdown recurse. */
static bool start_build(pthread_t *t, server *s)
{
	pthread_attr_t attr;
	bool ok;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64u << 20);
	ok = pthread_create(t, &attr, rebuild, s) == 0;
	pthread_attr_destroy(&attr);
	if (!ok)
		fprintf(stderr, _("gazette serve: cannot start a thread for the build\n"));
	return ok;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

int gz_serve_run(const gz_serve_opts *o)
{
	server s;
	struct MHD_Daemon *daemon = NULL;
	gz_watch *w = NULL;
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	struct sockaddr *addr;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			     MHD_ALLOW_SUSPEND_RESUME;
	const char *bind = o->bind ? o->bind : "127.0.0.1";
	const union MHD_DaemonInfo *info;
	sigset_t sigs, old;
	pthread_t builder;
	gz_diag wd; /* why the folder cannot be watched */
	int sfd = -1, rc = 1, port = o->port;
	bool pending = false, masked = false, building = false, announced = false;
	double next_ping;

	memset(&s, 0, sizeof(s));
	s.o = o;
	s.done = -1;
	pthread_mutex_init(&s.lock, NULL);
	s.dir = serve_dir(o->source);
	/* publishing swaps the folder's contents, never its name */
	s.real = realpath(s.dir, NULL);
	s.words = site_words(o->source);

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
		fprintf(stderr, _("gazette serve: --bind '%s' is not an IP address\n"), bind);
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
	s.done = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sfd < 0 || s.done < 0) {
		fprintf(stderr, "gazette serve: %s: %s\n", sfd < 0 ? "signalfd" : "eventfd",
			strerror(errno));
		goto cleanup;
	}
	gz_diag_init(&wd);
	if (gz_watch_open(&w, o->source, &wd) < 0) {
		char *msg = gz_diag_format(&wd.items[0]);
		fprintf(stderr, "gazette serve: %s\n", msg);
		free(msg);
		gz_diag_release(&wd);
		goto cleanup;
	}
	gz_diag_release(&wd);

	/* a few threads wait on epoll for every connection: a slow or idle
	 * client costs a socket, not a thread, and files go out with sendfile */
	daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, &s, MHD_OPTION_SOCK_ADDR, addr,
				  MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
				  MHD_OPTION_URI_LOG_CALLBACK, log_uri, NULL,
				  MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)POOL_THREADS,
				  MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_SECONDS,
				  MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024, MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, _("gazette serve: cannot listen on %s port %d (%s)\n"), bind, o->port,
			strerror(errno));
		goto cleanup;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info)
		port = (int)info->port;

	building = start_build(&builder, &s);
	if (!building)
		goto cleanup;
	next_ping = now_ms() + PING_SECONDS * 1000.0;
	for (;;) {
		struct pollfd fds[3] = {{sfd, POLLIN, 0}, {gz_watch_fd(w), POLLIN, 0},
					{s.done, POLLIN, 0}};
		double until = next_ping - now_ms();
		int n, wait = until > 0 ? (int)until + 1 : 0;

		if (pending && !building && wait > DEBOUNCE_MS)
			wait = DEBOUNCE_MS;
		n = poll(fds, 3, wait);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "gazette serve: poll: %s\n", strerror(errno));
			break;
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) > 0)
				fprintf(stderr, _("gazette: stopping\n"));
			rc = 0;
			break;
		}
		if (n > 0 && (fds[2].revents & POLLIN)) {
			uint64_t x;
			if (read(s.done, &x, sizeof(x)) > 0 && building) {
				pthread_join(builder, NULL);
				building = false;
			}
			if (!announced) {
				fprintf(stderr,
					_("gazette: serving http://%s%s%s:%d/ (built into %s; "
					  "Ctrl-C stops)\n"),
					addr->sa_family == AF_INET6 ? "[" : "", bind,
					addr->sa_family == AF_INET6 ? "]" : "", port, s.dir);
				announced = true;
			}
		}
		if (n > 0 && (fds[1].revents & POLLIN)) {
			if (gz_watch_read(w) > 0)
				pending = true;
			continue;
		}
		if (now_ms() >= next_ping) {
			pthread_mutex_lock(&s.lock);
			resume_all(&s, true);
			pthread_mutex_unlock(&s.lock);
			next_ping = now_ms() + PING_SECONDS * 1000.0;
		}
		/* quiet for DEBOUNCE_MS after the last change, and the last
		 * build done */
		if (n == 0 && pending && !building) {
			pending = false;
			building = start_build(&builder, &s);
		}
	}

cleanup:
	pthread_mutex_lock(&s.lock);
	s.stopping = true;
	resume_all(&s, false);
	pthread_mutex_unlock(&s.lock);
	if (daemon)
		MHD_stop_daemon(daemon);
	if (building) {
		/* a build cannot be stopped halfway, and Ctrl-C must not wait
		 * for it: its output folder is published whole or not at all,
		 * as when a build is killed */
		fflush(stderr);
		_exit(rc);
	}
	gz_watch_free(w);
	if (sfd >= 0)
		close(sfd);
	if (s.done >= 0)
		close(s.done);
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(s.errors);
	free(s.real);
	free(s.dir);
	pthread_mutex_destroy(&s.lock);
	return rc;
}
