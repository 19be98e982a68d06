#include "base/alloc.h"

#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/i18n.h"

/* malloc's own limits: the largest block it takes from an arena, and
 * how much free room at an arena's top it keeps before giving pages back */
#define MMAP_FROM (32 << 20)
#define TRIM_FROM (64 << 20)
/* two of these fill an arena's reservation (ARENA_SPAN, with glibc's
 * header and the blocks' own) and neither is above MMAP_FROM */
#define ARENA_RESERVE (30u << 20)
#define HUGE_PAGE ((size_t)2 << 20)
/* the brk heap's growth at the start of a build: gz_alloc_heap_start */
#define HEAP_STEP ((size_t)8 << 20)
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
/* glibc's reservation for an arena other than the first: 2 × the largest
 * mmap threshold (HEAP_MAX_SIZE), and aligned to its size */
#define ARENA_SPAN ((uintptr_t)64 << 20)

#if !GZ_SANITIZED && defined(__GLIBC__)
/* huge pages for the threads' arenas: off with glibc's own switch for the
 * brk heap's (GLIBC_TUNABLES=glibc.malloc.hugetlb=0), read at setup */
static bool arena_huge = true;
#endif

static void oom(size_t n)
{
	fprintf(stderr, _("gazette: out of memory allocating %zu bytes\n"), n);
	abort();
}

void *gz_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *gz_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom(count * size);
	return p;
}

void *gz_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *gz_strdup(const char *s)
{
	return gz_strndup(s, strlen(s));
}

char *gz_strndup(const char *s, size_t n)
{
	char *p = gz_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void gz_grow(void **items, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;

	if (need <= *cap)
		return;
	/* grow by half again to keep appends amortised linear */
	ncap = *cap ? *cap + *cap / 2 : 8;
	if (ncap < need)
		ncap = need;
	*items = gz_realloc(*items, ncap * elem);
	*cap = ncap;
}

void gz_alloc_setup(void)
{
#if !GZ_SANITIZED && defined(__GLIBC__)
	mallopt(M_MMAP_THRESHOLD, MMAP_FROM);
	/* memory a stage frees stays for the next, not faulted in again */
	mallopt(M_TRIM_THRESHOLD, TRIM_FROM);
	{
		const char *t = getenv("GLIBC_TUNABLES");
		arena_huge = !t || !strstr(t, "glibc.malloc.hugetlb=0");
	}
#endif
}

#if !GZ_SANITIZED && defined(__GLIBC__)
/* The first [heap] line of /proc/self/maps: where the brk heap starts
 * (the program break's first value, randomised). 0 if not found. */
static uintptr_t heap_start(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	uintptr_t at = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[heap]")) {
			at = (uintptr_t)strtoull(line, NULL, 16);
			break;
		}
	if (f)
		fclose(f);
	return at;
}
#endif

void gz_alloc_heap_start(void)
{
#if !GZ_SANITIZED && defined(__GLIBC__)
	/* glibc advises huge pages for each step it grows the brk heap by,
	 * but its first step starts where the kernel put the heap, not on a
	 * 2 MB boundary, and the next is less than 2 MB, which it does not
	 * advise: so the heap's first 2 MB boundary is in 4 KB pages, some
	 * 700 faults of the main thread in a rebuild. One block grows the
	 * heap now by a step glibc advises whole (the block is freed, and
	 * stays as the heap's free top), and the first 2 MB past the
	 * boundary, all of it now advised, is made one huge page. */
	static bool done;
	void *volatile p;
	uintptr_t start, first, end;

	if (done || !arena_huge || mallinfo2().arena < HUGE_PAGE)
		return;
	done = true;
	p = malloc(HEAP_STEP);
	free(p);
	start = heap_start();
	end = (uintptr_t)sbrk(0);
	first = (start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (start && first + HUGE_PAGE <= end)
		(void)madvise((void *)first, HUGE_PAGE, MADV_COLLAPSE);
#endif
}

void gz_alloc_thread_start(void)
{
#if !GZ_SANITIZED && defined(__GLIBC__)
	/* Two blocks, each under the mmap threshold, that between them make
	 * the arena's whole reservation writable at once: a fault can take a
	 * huge page only where its 2 MB are writable already, and glibc grows
	 * an arena a page at a time, so every 2 MB it grew into after the
	 * first block came in 4 KB pages. Only the blocks' first and last
	 * pages are written (an arena a thread before this one grew is grown
	 * already). */
	void *volatile p = malloc(ARENA_RESERVE); /* volatile: kept by the compiler */
	void *volatile q = malloc(ARENA_RESERVE);

	/* Not in the first arena (the brk heap, which glibc.malloc.hugetlb=1
	 * gives huge pages: main.c): the thread's own, which it does not.
	 * The advice holds for the whole reservation, so also for the pages
	 * the arena is grown by later. Only a hint: if glibc lays its arenas
	 * out otherwise, some other mapping gets huge pages, nothing more. */
	if (p && arena_huge && (uintptr_t)p > (uintptr_t)sbrk(0)) {
		void *arena = (void *)((uintptr_t)p & ~(ARENA_SPAN - 1));
		(void)madvise(arena, ARENA_SPAN, MADV_HUGEPAGE);
		/* glibc wrote the arena's header before the advice, so its
		 * first 2 MB are in small pages, 500 faults for a thread that
		 * fills them; made one huge page now (Linux 6.1: an older
		 * kernel refuses, and the pages stay as they are) */
		(void)madvise(arena, HUGE_PAGE, MADV_COLLAPSE);
	}
	free(q);
	free(p);
#endif
}
