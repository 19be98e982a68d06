/*
 * gitload.c: libgit2's functions for gazette-core.so, as calls into
 * gazette-git.so, loaded from beside it by the first of them (gitload.h
 * says why).
 */
#include "source/gitload.h"

#include <stdarg.h>

#include "base/i18n.h"

static gz_module git = GZ_MODULE(GZ_GIT_SO, GZ_GIT_ENTRY, gz_git_signature,
				 N_("the code that reads git repositories"));

static const gz_git_table *G(void)
{
	return gz_module_table(&git);
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
