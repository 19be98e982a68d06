#include "base/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/i18n.h"

bool gz_pool_progress;

typedef struct {
	atomic_size_t next;
	atomic_size_t done;
	size_t n;
	gz_work_fn fn;
	void *payload;
	const char *label;
} pool_state;

typedef struct {
	pool_state *st;
	int worker;
} worker_arg;

int gz_pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (int)n;
}

typedef struct {
	void *(*fn)(void *);
	void *arg;
} thread_arg;

static void *started(void *p)
{
	thread_arg ta = *(thread_arg *)p;

	free(p);
	gz_alloc_thread_start();
	return ta.fn(ta.arg);
}

int gz_thread_start(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	thread_arg *ta = gz_malloc(sizeof(*ta));
	int rc;

	ta->fn = fn;
	ta->arg = arg;
	rc = pthread_create(t, attr, started, ta);
	if (rc != 0)
		free(ta);
	return rc;
}

static void *run(void *arg)
{
	worker_arg *wa = arg;
	pool_state *st = wa->st;
	size_t i, step = st->n / 100 + 1;

	while ((i = atomic_fetch_add(&st->next, 1)) < st->n) {
		size_t d;
		st->fn(i, wa->worker, st->payload);
		d = atomic_fetch_add(&st->done, 1) + 1;
		if (st->label && wa->worker == 0 && (d % step == 0 || d == st->n))
			fprintf(stderr, "\r%s %zu/%zu", st->label, d, st->n);
	}
	return NULL;
}

void gz_parallel(size_t n, int jobs, gz_work_fn fn, void *payload, const char *label)
{
	pool_state st;
	pthread_t *threads;
	worker_arg *args;
	int i;

	if (!n)
		return;
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = (int)n;
	atomic_init(&st.next, 0);
	atomic_init(&st.done, 0);
	st.n = n;
	st.fn = fn;
	st.payload = payload;
	st.label = gz_pool_progress ? label : NULL;
	threads = gz_calloc((size_t)jobs, sizeof(*threads));
	args = gz_calloc((size_t)jobs, sizeof(*args));
	for (i = 0; i < jobs; i++) {
		args[i].st = &st;
		args[i].worker = i;
		if (i > 0 && gz_thread_start(&threads[i], NULL, run, &args[i]) != 0) {
			fprintf(stderr, _("gazette: cannot start a thread\n"));
			abort();
		}
	}
	run(&args[0]);
	for (i = 1; i < jobs; i++)
		pthread_join(threads[i], NULL);
	if (st.label)
		fprintf(stderr, "\r%s %zu/%zu\n", st.label, n, n);
	free(threads);
	free(args);
}
