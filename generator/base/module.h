/*
 * module.h: the parts of gazette in shared objects of their own, loaded
 * beside gazette-core.so the first time one of their functions is called.
 *
 * A library and the hundred-odd under it can take longer to load than a
 * rebuild after one edit takes to render: libvips and pango
 * (gazette-media.so), libgit2 with its TLS and SSH libraries
 * (gazette-git.so), libmicrohttpd with GnuTLS (gazette-http.so). Each
 * module hands out one table of functions, made of a list header (a
 * function a line); its first field is the signature of that list, so a
 * module built from another list is named instead of called with the wrong
 * arguments.
 */
#ifndef GZ_MODULE_H
#define GZ_MODULE_H

#include <stddef.h>
#include <stdint.h>

#include "base/hash.h"

/* The signature every module table starts with. */
typedef struct {
	uint64_t (*signature)(void);
} gz_module_head;

/* A list's signature: its entries' text ("int gz_qr_encode(gz_qr *out,
 * const char *text)"), hashed entry by entry. Inline: both gazette-core.so
 * and the module make it. */
static inline uint64_t gz_module_signature(const char *const *entries, size_t n)
{
	uint64_t h = GZ_HASH_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		h = gz_hash_str(h, entries[i]);
	return h;
}

/*
 * The table of the module file `so` (a name: it is looked for beside the
 * shared object this code is in), from its function `entry`, if its
 * signature is `want`. holds says what is in it, for the message that
 * names a module that is missing. A module that cannot be had ends the
 * program with that message (exit status 1): the call that needed it has
 * no other way on. Not thread-safe by itself: each caller loads its module
 * once (pthread_once).
 */
const void *gz_module_bind(const char *so, const char *entry, uint64_t want, const char *holds);

#endif
