#include "base/module.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"

static const char anchor; /* an address in this shared object, for dladdr */

/* Where so is: beside the shared object this code is in. */
static void module_path(char *buf, size_t size, const char *so)
{
	Dl_info info;
	const char *slash;

	if (dladdr(&anchor, &info) && info.dli_fname && (slash = strrchr(info.dli_fname, '/')))
		snprintf(buf, size, "%.*s/%s", (int)(slash - info.dli_fname), info.dli_fname, so);
	else
		snprintf(buf, size, "%s", so);
}

const void *gz_module_bind(const char *so, const char *entry, uint64_t want, const char *holds)
{
	char path[PATH_MAX];
	const gz_module_head *table = NULL;
	const void *(*bind)(void);
	void *h, *sym;

	module_path(path, sizeof(path), so);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		if (access(path, F_OK) != 0)
			fprintf(stderr,
				_("gazette: %s is missing: it holds %s; build it with 'make' in "
				  "the source tree, or install gazette again with 'make install'\n"),
				path, holds);
		else
			fprintf(stderr, _("gazette: cannot load %s: %s\n"), path, why ? why : "");
		exit(1);
	}
	sym = dlsym(h, entry);
	/* POSIX: dlsym's object pointer is the function's address */
	memcpy(&bind, &sym, sizeof(bind));
	if (sym)
		table = bind();
	if (!table || !table->signature || table->signature() != want) {
		fprintf(stderr,
			_("gazette: %s belongs to another version of gazette; install gazette again "
			  "with 'make install'\n"),
			path);
		exit(1);
	}
	return table;
}
