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

#define GZ_GROW(arr, cap, need) gz_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
