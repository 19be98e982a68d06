/*
 * pool.h: run a function over n items on several threads.
 *
 * Items are handed out one at a time from an atomic counter, so uneven work
 * (a long story, a big list page) balances by itself. When label is not NULL
 * and stderr is a terminal, a progress line ("渲染 1234/5678") is redrawn;
 * piped output stays quiet.
 */
#ifndef GZ_POOL_H
#define GZ_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef void (*gz_work_fn)(size_t item, int worker, void *payload);

/* Number of CPU cores online (at least 1). */
int gz_pool_cores(void);

/* Call fn(i, worker, payload) for i in [0, n) on jobs threads (worker is
 * 0..jobs-1); returns when all are done. */
void gz_parallel(size_t n, int jobs, gz_work_fn fn, void *payload, const char *label);

/* pthread_create for gazette's own threads: fn(arg) runs on a new thread
 * after gz_alloc_thread_start (its malloc arena grown once, with huge
 * pages). Returns pthread_create's result. */
int gz_thread_start(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

/* Whether progress lines may be drawn (stderr is a terminal). */
extern bool gz_pool_progress;

#endif
