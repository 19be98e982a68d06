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

#include <stdbool.h>
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
 * A module: the file `so` (a name: it is looked for beside the shared
 * object this code is in), its function `entry` that hands out the table,
 * the signature that table must carry, and what the module holds, for the
 * message that names a missing one (marked N_(), translated when shown).
 * One static descriptor per module, made with GZ_MODULE.
 */
typedef struct {
	const char *so, *entry, *holds;
	uint64_t (*signature)(void);
	_Atomic(const void *) table; /* NULL until loaded */
} gz_module;

#define GZ_MODULE(so, entry, signature, holds) {(so), (entry), (holds), (signature), NULL}

/* m's table, the module loaded by the first call (from any thread). A
 * module that cannot be had ends the program with a message that names it
 * and says what to do (exit status 1): the call that needed it has no
 * other way on. */
const void *gz_module_table(gz_module *m);

/* Has m been loaded (a shutdown call is worth making only then)? */
bool gz_module_loaded(gz_module *m);

#endif
