/*
 * program.h: which build of gazette is running.
 *
 * Caches (the page cache, the dependency record, the history cache, the
 * site's hashes) are trusted only when the program that wrote them is the
 * one reading them: another build may render other bytes. The program is
 * named by a hash of the files its code is in.
 */
#ifndef GZ_PROGRAM_H
#define GZ_PROGRAM_H

#include <stdint.h>

/* The photo and PDF code, beside gazette-core.so (media/media.h loads it). */
#define GZ_MEDIA_SO "gazette-media.so"
/* libgit2's part, beside it too (source/gitload.h) */
#define GZ_GIT_SO "gazette-git.so"

/* A hash of the file this code is in (gazette-core.so, which the small
 * executable loads; the program itself when linked whole, as the tests
 * are) and of gazette-media.so and gazette-git.so beside it. Computed
 * once. */
uint64_t gz_program_hash(void);

#endif
