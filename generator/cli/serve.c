#include "cli/serve_private.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/pool.h"
#include "base/diag.h"
#include "base/i18n.h"
#include "build/build.h"
#include "source/watch.h"

#define DEBOUNCE_MS 50
#define PING_SECONDS 15

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
	words = serve_site_words(o->source);
	pthread_mutex_lock(&s->lock);
	free(s->errors);
	s->errors = errors;
	s->words = words;
	s->gen++;
	serve_resume_all(s, false);
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

/* The build thread gets the stack the main thread would have had room for:
 * hooks and deep Markdown recurse. */
static bool start_build(pthread_t *t, server *s)
{
	pthread_attr_t attr;
	bool ok;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64u << 20);
	ok = gz_thread_start(t, &attr, rebuild, s) == 0;
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

/* The main thread's state while it serves: what it waits on, and the
 * build it runs. */
typedef struct {
	server *s;
	gz_watch *w;
	int sfd;               /* signalfd: SIGINT and SIGTERM */
	pthread_t builder;
	bool building;         /* builder runs, or has yet to be joined */
	bool pending;          /* an edit that no build started since has seen */
	bool announced;        /* the URL is printed */
	const char *bind;
	bool ipv6;
	int port;
	double next_ping;
} loop;

/* The address to listen on, from --bind and --port. */
static int listen_addr(struct sockaddr_storage *ss, const char *bind, int port, bool *ipv6)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	*ipv6 = false;
	if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*ipv6 = true;
		return 0;
	}
	fprintf(stderr, _("gazette serve: --bind '%s' is not an IP address\n"), bind);
	return -1;
}

/* SIGINT and SIGTERM as a signalfd (or -1), SIGPIPE ignored: blocked in
 * this thread and so in every thread started from here on. *old is the
 * mask as it was. */
static int take_signals(sigset_t *old)
{
	sigset_t sigs;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, old);
	sigdelset(&sigs, SIGPIPE);
	return signalfd(-1, &sigs, SFD_CLOEXEC);
}

/* The build thread is done: joined, and the URL printed after the first. */
static void build_done(loop *l)
{
	uint64_t x;

	if (read(l->s->done, &x, sizeof(x)) > 0 && l->building) {
		pthread_join(l->builder, NULL);
		l->building = false;
	}
	if (!l->announced) {
		fprintf(stderr,
			_("gazette: serving http://%s%s%s:%d/ (built into %s; "
			  "Ctrl-C stops)\n"),
			l->ipv6 ? "[" : "", l->bind, l->ipv6 ? "]" : "", l->port, l->s->dir);
		l->announced = true;
	}
}

/* Waits on a signal, the watcher and the builds until a signal comes (0)
 * or poll fails (1). A build starts once the site is quiet for
 * DEBOUNCE_MS after an edit and the last build is done. */
static int run_loop(loop *l)
{
	l->next_ping = now_ms() + PING_SECONDS * 1000.0;
	for (;;) {
		struct pollfd fds[3] = {{l->sfd, POLLIN, 0}, {gz_watch_fd(l->w), POLLIN, 0},
					{l->s->done, POLLIN, 0}};
		double until = l->next_ping - now_ms();
		int n, wait = until > 0 ? (int)until + 1 : 0;

		if (l->pending && !l->building && wait > DEBOUNCE_MS)
			wait = DEBOUNCE_MS;
		n = poll(fds, 3, wait);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "gazette serve: poll: %s\n", strerror(errno));
			return 1;
		}
		if (n > 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			if (read(l->sfd, &si, sizeof(si)) > 0)
				fprintf(stderr, _("gazette: stopping\n"));
			return 0;
		}
		if (n > 0 && (fds[2].revents & POLLIN))
			build_done(l);
		if (n > 0 && (fds[1].revents & POLLIN)) {
			if (gz_watch_read(l->w) > 0)
				l->pending = true;
			continue;
		}
		if (now_ms() >= l->next_ping) {
			pthread_mutex_lock(&l->s->lock);
			serve_resume_all(l->s, true);
			pthread_mutex_unlock(&l->s->lock);
			l->next_ping = now_ms() + PING_SECONDS * 1000.0;
		}
		if (n == 0 && l->pending && !l->building) {
			l->pending = false;
			l->building = start_build(&l->builder, l->s);
		}
	}
}

int gz_serve_run(const gz_serve_opts *o)
{
	server s;
	loop l;
	struct MHD_Daemon *daemon = NULL;
	struct sockaddr_storage addr;
	sigset_t old;
	gz_diag wd; /* why the folder cannot be watched */
	int rc = 1;
	bool masked = false;

	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	s.o = o;
	s.done = -1;
	pthread_mutex_init(&s.lock, NULL);
	s.dir = serve_dir(o->source);
	/* publishing swaps the folder's contents, never its name */
	s.real = realpath(s.dir, NULL);
	s.words = serve_site_words(o->source);
	l.s = &s;
	l.sfd = -1;
	l.bind = o->bind ? o->bind : "127.0.0.1";
	l.port = o->port;

	if (listen_addr(&addr, l.bind, o->port, &l.ipv6) < 0)
		goto cleanup;
	l.sfd = take_signals(&old);
	masked = true;
	s.done = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l.sfd < 0 || s.done < 0) {
		fprintf(stderr, "gazette serve: %s: %s\n", l.sfd < 0 ? "signalfd" : "eventfd",
			strerror(errno));
		goto cleanup;
	}
	gz_diag_init(&wd);
	if (gz_watch_open(&l.w, o->source, &wd) < 0) {
		char *msg = gz_diag_format(&wd.items[0]);
		fprintf(stderr, "gazette serve: %s\n", msg);
		free(msg);
		gz_diag_release(&wd);
		goto cleanup;
	}
	gz_diag_release(&wd);
	daemon = serve_http_start(&s, (struct sockaddr *)&addr, l.ipv6, &l.port);
	if (!daemon) {
		fprintf(stderr, _("gazette serve: cannot listen on %s port %d (%s)\n"), l.bind,
			o->port, strerror(errno));
		goto cleanup;
	}
	l.building = start_build(&l.builder, &s);
	if (l.building)
		rc = run_loop(&l);

cleanup:
	pthread_mutex_lock(&s.lock);
	s.stopping = true;
	serve_resume_all(&s, false);
	pthread_mutex_unlock(&s.lock);
	if (daemon)
		MHD_stop_daemon(daemon);
	if (l.building) {
		/* a build cannot be stopped halfway, and Ctrl-C must not wait
		 * for it: its output folder is published whole or not at all,
		 * as when a build is killed */
		fflush(stderr);
		_exit(rc);
	}
	gz_watch_free(l.w);
	if (l.sfd >= 0)
		close(l.sfd);
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
