/* gitapi.c: gazette-git.so's one entry point (gitload.h). */
#include "source/gitload.h"

__attribute__((visibility("default"))) const gz_git_table *gz_git_bind(void);

const gz_git_table *gz_git_bind(void)
{
	static const gz_git_table table = {
	    .signature = gz_git_signature,
#define GZ_GIT_FN(ret, name, params, args) .name = name,
#include "source/git_list.h"
	};
	return &table;
}
