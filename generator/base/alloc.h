/*
 * alloc.h: allocation that never returns NULL.
 *
 * Out of memory is not an error path in gazette: like cmark's xcalloc and
 * redis's zmalloc, these print a message and abort, so callers never check.
 */
#ifndef GZ_ALLOC_H
#define GZ_ALLOC_H

#include <stddef.h>

void *gz_malloc(size_t n);
void *gz_calloc(size_t count, size_t size);
void *gz_realloc(void *p, size_t n);
char *gz_strdup(const char *s);
char *gz_strndup(const char *s, size_t n);

/* Grow *items (of *cap elements of size elem) to hold at least need. */
void gz_grow(void **items, size_t *cap, size_t need, size_t elem);

/* 1 when built with AddressSanitizer (whose malloc is its own), else 0. */
#if defined(__SANITIZE_ADDRESS__)
#define GZ_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GZ_SANITIZED 1
#endif
#endif
#ifndef GZ_SANITIZED
#define GZ_SANITIZED 0
#endif

/*
 * glibc grows the malloc arena of a thread other than the first one page
 * at a time, with one mprotect call a page: a worker loading 10,000 cached
 * pages made 3,300 of them, a sixth of a rebuild's system time.
 * gz_alloc_setup (once, at start) lets blocks of up to 32 MB come from the
 * arenas, and keeps freed memory for the next stage; gz_alloc_thread_start
 * (first thing on each thread gz_thread_start starts, base/pool.h) makes
 * the thread's whole arena (64 MB of address space) writable in two calls,
 * and gives it back to malloc untouched.
 *
 * It also asks for huge pages (2 MB) in the thread's arena. Fresh memory is
 * dear in a virtual machine, where each page fault exits to the host: on
 * 4 KB pages the workers' arenas took 7,000 faults of a rebuild after one
 * edit (10,000 pages), and the rebuild took a tenth longer. The arena's
 * first 2 MB, where glibc wrote its header before the advice, are made
 * one huge page (MADV_COLLAPSE). Like the brk
 * heap's, they are off with GLIBC_TUNABLES=glibc.malloc.hugetlb=0.
 *
 * Nothing is done under AddressSanitizer, whose malloc is its own.
 */
void gz_alloc_setup(void);
void gz_alloc_thread_start(void);
/* The brk heap's first 2 MB boundary in a huge page too, where glibc
 * leaves it in small pages: once, at the start of a build, before it
 * starts threads (a few hundred faults fewer; nothing if glibc does not
 * use huge pages). */
void gz_alloc_heap_start(void);

#define GZ_GROW(arr, cap, need) gz_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
