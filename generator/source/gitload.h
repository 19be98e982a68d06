/*
 * gitload.h: libgit2, behind one table.
 *
 * libgit2 brings libssh2, OpenSSL's libcrypto, mbed TLS and Kerberos:
 * loading them took the dynamic loader longer than the rest of what
 * gazette-core.so links, on every command, before the first page was
 * read. A build of a working tree needs git only for page history, on a
 * thread of its own (build/open.c). So libgit2 is linked into
 * gazette-git.so (gitapi.c), and gazette-core.so defines each function of
 * git_list.h itself (gitload.c), as a call through the table that module
 * hands out, loaded by the first call: on that thread, beside the main
 * thread's work. The code that reads git calls libgit2 as its headers
 * declare it, unchanged. The unit tests link libgit2 itself.
 */
#ifndef GZ_GITLOAD_H
#define GZ_GITLOAD_H

#include <git2.h>

#include "base/hash.h"
#include "base/module.h"
#include "base/program.h"

typedef struct {
	uint64_t (*signature)(void); /* gz_module_head */
#define GZ_GIT_FN(ret, name, params, args) ret(*name) params;
#include "source/git_list.h"
} gz_git_table;

/* The list's text, hashed entry by entry, on both sides (module.h). */
static inline uint64_t gz_git_signature(void)
{
	static const char *const entries[] = {
#define GZ_GIT_FN(ret, name, params, args) #ret " " #name #params,
#include "source/git_list.h"
	};
	return gz_module_signature(entries, sizeof(entries) / sizeof(entries[0]));
}

/* In gazette-git.so: its table, found with dlsym(GZ_GIT_ENTRY). */
#define GZ_GIT_ENTRY "gz_git_bind"
const gz_git_table *gz_git_bind(void);

#endif
