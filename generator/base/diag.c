#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

void gz_diag_init(gz_diag *d)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
}

void gz_diag_release(gz_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->items[i].path);
		free(d->items[i].msg);
	}
	free(d->items);
	pthread_mutex_destroy(&d->lock);
	memset(d, 0, sizeof(*d));
}

void gz_diag_truncate(gz_diag *d, size_t n)
{
	pthread_mutex_lock(&d->lock);
	while (d->n > n) {
		gz_diag_item *it = &d->items[--d->n];
		if (it->severity == GZ_ERROR)
			d->errors--;
		else
			d->warnings--;
		free(it->path);
		free(it->msg);
	}
	pthread_mutex_unlock(&d->lock);
}

void gz_diag_add(gz_diag *d, gz_severity sev, const char *path, int line, int col,
		 const char *fmt, ...)
{
	gz_buf msg = GZ_BUF_INIT;
	gz_diag_item it;
	va_list ap;

	va_start(ap, fmt);
	gz_buf_vprintf(&msg, fmt, ap);
	va_end(ap);

	it.severity = sev;
	it.path = gz_strdup(path ? path : "");
	it.line = line;
	it.col = col;
	it.msg = gz_buf_detach(&msg, NULL);

	pthread_mutex_lock(&d->lock);
	GZ_GROW(d->items, d->cap, d->n + 1);
	d->items[d->n++] = it;
	if (sev == GZ_ERROR)
		d->errors++;
	else
		d->warnings++;
	pthread_mutex_unlock(&d->lock);
}

void gz_diag_add_all(gz_diag *d, const gz_diag *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		gz_diag_add(d, from->items[i].severity, from->items[i].path, from->items[i].line,
			    from->items[i].col, "%s", from->items[i].msg);
}

size_t gz_diag_place(const char *msg, int *line)
{
	const char *p;

	/* the first ":digits: "; a ": " before it is a message's own */
	for (p = msg; *p && *p != '\n'; p++) {
		if (p[0] == ':' && p[1] >= '0' && p[1] <= '9' && p > msg) {
			const char *q = p + 1;
			while (*q >= '0' && *q <= '9')
				q++;
			if (q[0] == ':' && q[1] == ' ') {
				if (line)
					*line = (int)strtol(p + 1, NULL, 10);
				return (size_t)(p - msg);
			}
		}
		if (p[0] == ':' && p[1] == ' ')
			return 0;
	}
	return 0;
}

void gz_diag_add_placed(gz_diag *d, gz_severity sev, const char *path, const char *fmt, ...)
{
	gz_buf msg = GZ_BUF_INIT;
	char *file;
	size_t n;
	int line = 0;
	va_list ap;

	va_start(ap, fmt);
	gz_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	n = gz_diag_place(msg.ptr, &line);
	if (!n) {
		gz_diag_add(d, sev, path, 0, 0, "%s", msg.ptr);
		gz_buf_release(&msg);
		return;
	}
	file = gz_strndup(msg.ptr, n);
	/* past "path:line: " */
	gz_diag_add(d, sev, file, line, 0, "%s", strchr(msg.ptr + n + 1, ' ') + 1);
	free(file);
	gz_buf_release(&msg);
}

static int cmp_item(const void *a, const void *b)
{
	const gz_diag_item *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

char *gz_diag_format(const gz_diag_item *it)
{
	gz_buf b = GZ_BUF_INIT;

	if (it->path[0]) {
		gz_buf_puts(&b, it->path);
		if (it->line > 0) {
			gz_buf_printf(&b, ":%d", it->line);
			if (it->col > 0)
				gz_buf_printf(&b, ":%d", it->col);
		}
		gz_buf_puts(&b, ": ");
	}
	if (it->severity == GZ_WARNING)
		gz_buf_puts(&b, _("warning: "));
	gz_buf_puts(&b, it->msg);
	return gz_buf_detach(&b, NULL);
}

char *gz_diag_first_error(gz_diag *d)
{
	char *s = NULL;
	size_t i;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->n && !s; i++)
		if (d->items[i].severity == GZ_ERROR)
			s = gz_diag_format(&d->items[i]);
	pthread_mutex_unlock(&d->lock);
	return s;
}

void gz_diag_sort(gz_diag *d)
{
	if (d->n)
		qsort(d->items, d->n, sizeof(*d->items), cmp_item);
}

/* How many messages at one place (a hook's or a layout's line, failing
 * on every page) are printed before the rest are counted. */
#define SAME_PLACE 5

static bool same_place(const gz_diag_item *a, const gz_diag_item *b)
{
	return a->severity == b->severity && a->line > 0 && a->line == b->line &&
	       a->col == b->col && !strcmp(a->path, b->path);
}

void gz_diag_print(gz_diag *d, FILE *f)
{
	size_t i, run = 0;

	gz_diag_sort(d);
	for (i = 0; i < d->n; i++) {
		char *s;
		run = i && same_place(&d->items[i - 1], &d->items[i]) ? run + 1 : 0;
		if (run >= SAME_PLACE) {
			size_t more = 1;
			while (i + more < d->n && same_place(&d->items[i], &d->items[i + more]))
				more++;
			s = gz_diag_format(&(gz_diag_item){d->items[i].severity, d->items[i].path,
							   d->items[i].line, d->items[i].col, ""});
			fprintf(f, P_("%s(and %zu more like these above)\n",
				      "%s(and %zu more like these above)\n", (unsigned long)more),
				s, more);
			free(s);
			i += more - 1;
			continue;
		}
		s = gz_diag_format(&d->items[i]);
		fprintf(f, "%s\n", s);
		free(s);
	}
}

double gz_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* The process's CPU time so far (all threads, user and system), in ms. */
static double cpu_ms(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

void gz_timing_lap(const char *stage, const char *what, double *t)
{
	double now = gz_now_ms();
	const char *mode;

	if (*t > 0 && what && (mode = getenv("GAZETTE_TIMING"))) {
		/* GAZETTE_TIMING=cpu: a stage's wall time says whether it used
		 * both cores only beside the CPU time spent by then */
		if (!strcmp(mode, "cpu"))
			fprintf(stderr, "timing: %s%s%s %.0f ms (cpu so far %.0f ms)\n", stage,
				*stage ? " " : "", what, now - *t, cpu_ms());
		else
			fprintf(stderr, "timing: %s%s%s %.0f ms\n", stage, *stage ? " " : "", what,
				now - *t);
	}
	*t = now;
}

bool gz_under_sanitizer(void)
{
	return GZ_SANITIZED;
}
