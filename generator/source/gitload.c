/*
 * gitload.c: libgit2's functions for gazette-core.so, as calls into
 * gazette-git.so, loaded from beside it by the first of them (gitload.h
 * says why).
 */
#include "source/gitload.h"

#include <pthread.h>
#include <stdarg.h>

#include "base/i18n.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const gz_git_table *table;

static void load(void)
{
	table = gz_module_bind(GZ_GIT_SO, GZ_GIT_ENTRY, gz_git_signature(),
			       _("the code that reads git repositories"));
}

static const gz_git_table *G(void)
{
	pthread_once(&once, load);
	return table;
}

#define GZ_GIT_FN(ret, name, params, args)                                                         \
	ret name params                                                                            \
	{                                                                                          \
		return G()->name args;                                                             \
	}
#define GZ_GIT_VOID(name, params, args)                                                            \
	void name params                                                                           \
	{                                                                                          \
		G()->name args;                                                                    \
	}
#define GZ_GIT_OWN(ret, name, params, args)
#include "source/git_list.h"

/* Every option gazette sets takes one int (git.c). */
int git_libgit2_opts(int option, ...)
{
	va_list ap;
	int value;

	va_start(ap, option);
	value = va_arg(ap, int);
	va_end(ap);
	return G()->git_libgit2_opts(option, value);
}
