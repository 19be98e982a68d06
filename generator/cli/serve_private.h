/*
 * serve_private.h: what the files behind serve.h share, and no one else
 * includes (serve.h is the interface). They meet in one server, whose
 * lock guards gen, errors, words, stopping and waiting.
 *
 *   serve.c       the run: the build thread, and the main thread that
 *                 waits on signals, the watcher and the builds
 *   servehttp.c   the answers to requests, from the serve folder
 *   servelive.c   what keeps an open page up to date: the script every
 *                 HTML page gets, the words it shows in the site's
 *                 language, the event streams that tell it of a build
 */
#ifndef GZ_SERVE_PRIVATE_H
#define GZ_SERVE_PRIVATE_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "base/buf.h"
#include "cli/serve.h"

#define EVENTS_URL "/__gazette/events"

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

/* servelive.c */

/* The words for the site's language, from its site.yml as it is now
 * (borrowed static). */
const page_words *serve_site_words(const char *source);
/* The live-reload script for a page of build generation gen. */
void serve_reload_script(gz_buf *out, unsigned long gen, const page_words *w);
/* html with the reload script before its last </body> (or at the end). */
void serve_inject(gz_buf *out, const char *html, size_t len, unsigned long gen,
		  const page_words *w);
/* Answers /__gazette/events with a stream of the builds' news. */
enum MHD_Result serve_events(server *s, struct MHD_Connection *c);
/* Wake every suspended stream; ping: to send a keep-alive if there is no
 * news. Called with s->lock held. */
void serve_resume_all(server *s, bool ping);

/* servehttp.c */

/* Listens on addr (an IPv6 one when ipv6) and answers from s->dir on
 * threads of microhttpd's own. Sets *port to the port it listens on.
 * Returns NULL, with errno set, when it cannot listen. */
struct MHD_Daemon *serve_http_start(server *s, const struct sockaddr *addr, bool ipv6,
				    int *port);

#endif
