#include "cli/serve_private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "load/yaml.h"

static const page_words words_by_lang[] = {
	{"zh", "zh-CN", "gazette：构建失败。请按下面的提示改正后保存（预览仍是上一次成功构建的网站）",
	 "gazette：网站已重新构建，正在刷新……", "404 找不到这个页面",
	 "ui-monospace,Noto Sans Mono CJK SC,Sarasa Mono SC,Menlo,Consolas,PingFang SC,"
	 "Hiragino Sans GB,Microsoft YaHei,Noto Sans CJK SC,Source Han Sans SC,"
	 "WenQuanYi Micro Hei,monospace"},
	{"", "en", "gazette: the build failed; fix this and save", "gazette: rebuilt, reloading…",
	 "404 not found", "ui-monospace,Menlo,Consolas,monospace"},
};

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
const page_words *serve_site_words(const char *source)
{
	gz_buf path = GZ_BUF_INIT;
	gz_value *root = NULL;
	char *data = NULL;
	const page_words *w;
	size_t len = 0;
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
	if (data && gz_yaml_parse(&root, data, len, 0, NULL, NULL) == 0 && root &&
	    gz_value_str(root, "language"))
		w = words_for(gz_value_str(root, "language"));
	else
		w = words_for("zh-CN");
	gz_value_free(root);
	free(data);
	gz_buf_release(&path);
	return w;
}

/* The live-reload script for a page of generation gen: it reloads when a
 * build comes in, with a banner, and lays the errors of a failed build
 * over the page. */
void serve_reload_script(gz_buf *out, unsigned long gen, const page_words *w)
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
void serve_inject(gz_buf *out, const char *html, size_t len, unsigned long gen,
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
	serve_reload_script(out, gen, w);
	gz_buf_add(out, html + at, len - at);
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
void serve_resume_all(server *s, bool ping)
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

enum MHD_Result serve_events(server *s, struct MHD_Connection *c)
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
