/*
 * media.c: image.h, pdf.h and qr.h for gazette-core.so, as calls into
 * gazette-media.so, loaded from beside it the first time one is made
 * (media.h says why).
 */
#include "media/media.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char anchor; /* an address in this gazette-core.so, for dladdr */
static const gz_media_table *table;
static atomic_bool loaded;

/* Where gazette-media.so is: beside this gazette-core.so. */
static void media_path(char *buf, size_t size)
{
	Dl_info info;
	const char *slash;

	if (dladdr(&anchor, &info) && info.dli_fname &&
	    (slash = strrchr(info.dli_fname, '/')))
		snprintf(buf, size, "%.*s/" GZ_MEDIA_SO, (int)(slash - info.dli_fname),
		         info.dli_fname);
	else
		snprintf(buf, size, GZ_MEDIA_SO);
}

static void load(void)
{
	char path[PATH_MAX];
	void *so, *sym;
	gz_media_entry_fn *entry;

	media_path(path, sizeof(path));
	so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!so) {
		const char *why = dlerror();
		if (access(path, F_OK) != 0)
			fprintf(
			    stderr,
			    _("gazette: %s is missing: it holds the photo, PDF and zip code; build "
			      "it with 'make' in the source tree, or install gazette again with "
			      "'make install'\n"),
			    path);
		else
			fprintf(stderr, _("gazette: cannot load %s: %s\n"), path, why ? why : "");
		exit(1);
	}
	sym = dlsym(so, GZ_MEDIA_ENTRY);
	/* POSIX: dlsym's object pointer is the function's address */
	memcpy(&entry, &sym, sizeof(entry));
	table = entry ? entry() : NULL;
	if (!table || table->signature() != gz_media_signature()) {
		fprintf(stderr,
		        _("gazette: %s belongs to another version of gazette; install gazette again "
		          "with 'make install'\n"),
		        path);
		exit(1);
	}
	atomic_store(&loaded, true);
}

static const gz_media_table *M(void)
{
	pthread_once(&once, load);
	return table;
}

bool gz_media_loaded(void)
{
	return atomic_load(&loaded);
}

/* Each function of media_list.h: load the library, then call its own.
 * libvips is shut down only if it was loaded: never loaded just for that. */
#define GZ_MEDIA_FN(ret, name, params, args)                                                       \
	ret name params                                                                            \
	{                                                                                          \
		return M()->name args;                                                             \
	}
#define GZ_MEDIA_VOID(name, params, args)                                                          \
	void name params                                                                           \
	{                                                                                          \
		M()->name args;                                                                    \
	}
#define GZ_MEDIA_IF_LOADED(name, params, args)                                                     \
	void name params                                                                           \
	{                                                                                          \
		if (atomic_load(&loaded))                                                          \
			table->name args;                                                          \
	}
#include "media/media_list.h"
