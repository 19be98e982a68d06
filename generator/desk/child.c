/*
 * child.c: fork, a pipe, waitpid; and diagnostics as lines of text.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "desk/child.h"

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void child(int fd, pid_t parent, gz_desk_child_fn fn, void *payload)
{
	gz_buf out = GZ_BUF_INIT;
	sigset_t none;
	int rc;

	/* a child whose server is gone has no one to tell */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* the server's threads block these for its signal loop; the child
	 * stops on them as any program does */
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	/* the server's sockets are not the child's: a connection the server
	 * closes must not stay open here until the build ends */
	if (fd != 3) {
		dup2(fd, 3);
		fd = 3;
	}
	closefrom(4);
	rc = fn(&out, payload);
	write_all(fd, out.ptr, out.len);
	_exit(rc < 0 ? 1 : rc > 100 ? 100 : rc);
}

/* A failure of the system, placed at path (the repository) */
static int fail(const char *path, gz_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(const char *path, gz_diag *d, const char *fmt, ...)
{
	gz_buf b = GZ_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gz_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (d)
		gz_diag_error(d, path, 0, 0, "%s", b.ptr);
	gz_buf_release(&b);
	return -1;
}

int gz_desk_child_run(gz_buf *out, gz_gitw *git, const char *path, gz_diag *d,
		      gz_desk_child_fn fn, void *payload)
{
	int fds[2], status;
	pid_t pid, parent = getpid();
	char chunk[8192];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return fail(path, d, _("cannot start a child process: %s"), strerror(errno));
	pid = git ? gz_gitw_fork(git) : fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return fail(path, d, _("cannot start a child process: %s"), strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], parent, fn, payload);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		gz_buf_add(out, chunk, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(path, d, _("cannot wait for a child process: %s"), strerror(errno));
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* for whoever runs the desk: the page shows it only to its editor */
	fprintf(stderr, _("gazette desk: a build or photo check stopped on signal %s (process %ld)\n"),
		strsignal(WTERMSIG(status)), (long)pid);
	return fail(path, d, _("the child process stopped on signal %s"), strsignal(WTERMSIG(status)));
}

/* path and message may hold anything: tab, newline and backslash escaped */
static void field(gz_buf *b, const char *s)
{
	gz_buf_putc(b, '\t');
	for (; *s; s++) {
		if (*s == '\\')
			gz_buf_puts(b, "\\\\");
		else if (*s == '\t')
			gz_buf_puts(b, "\\t");
		else if (*s == '\n')
			gz_buf_puts(b, "\\n");
		else
			gz_buf_putc(b, *s);
	}
}

void gz_desk_diag_write(gz_buf *out, char tag, const gz_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const gz_diag_item *it = &d->items[i];
		gz_buf_printf(out, "%c\t%c\t%d\t%d", tag, it->severity == GZ_ERROR ? 'E' : 'W', it->line,
			      it->col);
		field(out, it->path ? it->path : "");
		field(out, it->msg ? it->msg : "");
		gz_buf_putc(out, '\n');
	}
}

/* One escaped field up to the next tab or the line's end, into b; *p moves
 * past it. */
static void unfield(gz_buf *b, const char **p)
{
	const char *s = *p;

	gz_buf_clear(b);
	for (; *s && *s != '\t' && *s != '\n'; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			gz_buf_putc(b, *s == 't' ? '\t' : *s == 'n' ? '\n' : *s);
		} else {
			gz_buf_putc(b, *s);
		}
	}
	*p = s;
}

void gz_desk_diag_read(gz_diag *d, char tag, const char *text)
{
	gz_buf path = GZ_BUF_INIT, msg = GZ_BUF_INIT;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n'), *s = p + 4;
		char *end;
		long line, col;

		if (!nl)
			break;
		/* tag, severity, line, col, path, message */
		if (nl - p < 8 || p[0] != tag || p[1] != '\t' || p[3] != '\t')
			goto next;
		line = strtol(s, &end, 10);
		if (*end != '\t')
			goto next;
		col = strtol(end + 1, &end, 10);
		if (*end != '\t')
			goto next;
		s = end + 1;
		unfield(&path, &s);
		if (*s != '\t')
			goto next;
		s++;
		unfield(&msg, &s);
		if (s == nl)
			gz_diag_add(d, p[2] == 'E' ? GZ_ERROR : GZ_WARNING, path.ptr, (int)line, (int)col,
				    "%s", msg.ptr);
next:
		p = nl + 1;
	}
	gz_buf_release(&path);
	gz_buf_release(&msg);
}
