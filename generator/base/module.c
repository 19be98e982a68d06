#include "base/module.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
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

/* Load m's file and take its table, or end the program saying why. */
static const void *bind(const gz_module *m)
{
	char path[PATH_MAX];
	const gz_module_head *table = NULL;
	const void *(*entry)(void);
	void *h, *sym;

	module_path(path, sizeof(path), m->so);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		if (access(path, F_OK) != 0)
			fprintf(stderr,
				_("gazette: %s is missing: it holds %s; build it with 'make' in "
				  "the source tree, or install gazette again with 'make install'\n"),
				path, _(m->holds));
		else
			fprintf(stderr, _("gazette: cannot load %s: %s\n"), path, why ? why : "");
		exit(1);
	}
	sym = dlsym(h, m->entry);
	/* POSIX: dlsym's object pointer is the function's address */
	memcpy(&entry, &sym, sizeof(entry));
	if (sym)
		table = entry();
	if (!table || !table->signature || table->signature() != m->signature()) {
		fprintf(stderr,
			_("gazette: %s belongs to another version of gazette; install gazette again "
			  "with 'make install'\n"),
			path);
		exit(1);
	}
	return table;
}

const void *gz_module_table(gz_module *m)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	const void *t = atomic_load_explicit(&m->table, memory_order_acquire);

	if (t)
		return t;
	/* one load at a time: the first caller loads, the others wait for it */
	pthread_mutex_lock(&lock);
	t = atomic_load_explicit(&m->table, memory_order_relaxed);
	if (!t) {
		t = bind(m);
		atomic_store_explicit(&m->table, t, memory_order_release);
	}
	pthread_mutex_unlock(&lock);
	return t;
}

bool gz_module_loaded(gz_module *m)
{
	return atomic_load_explicit(&m->table, memory_order_acquire) != NULL;
}
