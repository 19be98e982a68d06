/*
 * git.c: the repository (git.h): opened, a revision resolved to a commit,
 * and libgit2's errors as messages, a damaged repository's saying what to
 * do. The rest is in the files git_private.h lists.
 */
#include "source/git_private.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/i18n.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libgit2(void)
{
	git_libgit2_init();
	/* like git, do not hash every object read again to check it (a third
	 * of the history walk): zlib's checksum still catches damaged objects */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

const char *gz_git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown git error";
}

char *gz_git_error(const char *fmt, ...)
{
	gz_buf b = GZ_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gz_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return gz_buf_detach(&b, NULL);
}

char *gz_git_damaged(const char *what)
{
	/* an editor cannot mend objects: say what mends them */
	return gz_git_error(_("%s: %s; the repository is damaged: run 'git fsck' and restore it "
			      "from a good clone"),
			    what, gz_git_message());
}

/* Is there anything at dir/name? */
static bool has(const char *dir, const char *name)
{
	gz_buf b = GZ_BUF_INIT;
	bool ok;

	gz_buf_printf(&b, "%s/%s", dir, name);
	ok = access(b.ptr, F_OK) == 0;
	gz_buf_release(&b);
	return ok;
}

/*
 * Could folder path be in a git repository? Not if neither it nor a folder
 * above it has a .git (a folder, or the file a linked worktree has) or is
 * laid out like a bare repository: libgit2 would search the same folders
 * and find nothing. Its start-up (loading gazette-git.so and its
 * libraries, and parsing the system's certificates) costs more than a
 * small site's rebuild, so a folder that is in no repository does not pay
 * it. Anything that might be a repository is left to libgit2 to judge.
 */
static bool may_be_in_repo(const char *path)
{
	char real[PATH_MAX];
	char *slash;

	if (getenv("GIT_DIR") || !realpath(path, real))
		return true;
	for (;;) {
		const char *dir = *real ? real : "/";
		if (has(dir, ".git") || (has(dir, "HEAD") && has(dir, "objects")))
			return true;
		if (!*real)
			return false;
		slash = strrchr(real, '/');
		if (!slash)
			return true;
		*slash = '\0';
	}
}

int gz_repo_open(gz_repo **out, const char *path, gz_diag *d)
{
	git_repository *repo;
	gz_repo *r;
	char real[PATH_MAX];
	const char *wd;
	int rc;

	*out = NULL;
	if (!may_be_in_repo(path))
		return 1;
	pthread_once(&init_once, init_libgit2);
	rc = git_repository_open_ext(&repo, path, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		return 1;
	if (rc < 0) {
		gz_diag_error(d, path, 0, 0, _("cannot open the git repository: %s"),
			      gz_git_message());
		return -1;
	}
	r = gz_calloc(1, sizeof(*r));
	r->repo = repo;
	r->path = gz_strdup(realpath(path, real) ? real : path);
	r->given = gz_strdup(path);
	r->prefix = gz_strdup("");
	wd = git_repository_workdir(repo);
	if (wd && realpath(path, real)) {
		char wreal[PATH_MAX];
		size_t n;
		if (realpath(wd, wreal) && (n = strlen(wreal)) &&
		    !strncmp(real, wreal, n) && real[n] == '/') {
			gz_buf b = GZ_BUF_INIT;
			gz_buf_printf(&b, "%s/", real + n + 1);
			free(r->prefix);
			r->prefix = gz_buf_detach(&b, NULL);
		}
	}
	*out = r;
	return 0;
}

void gz_repo_free(gz_repo *r)
{
	size_t i;

	if (!r)
		return;
	if (r->walking)
		pthread_join(r->walker, NULL);
	free(r->walk_err);
	free(r->walk_warn);
	free(r->walk_prefix);
	free(r->cache);
	free(r->walk_spec);
	free(r->path);
	free(r->given);
	for (i = 0; i < r->nhists; i++) {
		free(r->hists[i]->commits);
		free(r->hists[i]);
	}
	free(r->hists);
	for (i = 0; i < r->ncommits; i++)
		gz_commit_rec_free((gz_commit_rec *)r->commits[i]);
	free(r->commits);
	gz_map_release(&r->files);
	gz_strlist_release(&r->hist_keys);
	git_repository_free(r->repo);
	free(r->prefix);
	free(r);
}

bool gz_repo_is_bare(const gz_repo *r)
{
	return git_repository_is_bare(r->repo);
}

bool gz_repo_is_shallow(const gz_repo *r)
{
	return git_repository_is_shallow(r->repo) == 1;
}

int gz_repo_resolve(gz_repo *r, const char *rev, const char *as_of, char *sha, int64_t *time,
		    gz_diag *d)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	int rc;

	rc = git_revparse_single(&obj, r->repo, rev ? rev : "HEAD");
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS) {
		gz_diag_error(d, r->given, 0, 0, _("revision '%s' not found in the repository"),
			      rev ? rev : "HEAD");
		return -1;
	}
	if (rc < 0) {
		char *msg = gz_git_damaged(_("cannot read the revision"));
		gz_diag_error(d, r->given, 0, 0, "%s", msg);
		free(msg);
		git_object_free(obj);
		return -2;
	}
	rc = -1;
	if (git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0) {
		gz_diag_error(d, r->given, 0, 0, _("revision does not name a commit: %s"),
			      gz_git_message());
		goto cleanup;
	}
	if (as_of) {
		gz_date day;
		int64_t limit;
		if (gz_date_parse(&day, as_of) < 0) {
			gz_diag_error(d, r->given, 0, 0, _("--as-of '%s' is not a date (YYYY-MM-DD)"),
				      as_of);
			goto cleanup;
		}
		limit = day.has_time ? day.key : day.key + 86400 - 1;
		/* the branch as it stood then: follow first parents back */
		while (git_commit_time(c) > limit) {
			git_commit *p;
			if (git_commit_parentcount(c) == 0 || git_commit_parent(&p, c, 0) < 0) {
				gz_diag_error(d, r->given, 0, 0, _("no commit on or before %s"),
					      as_of);
				goto cleanup;
			}
			git_commit_free(c);
			c = p;
		}
	}
	git_oid_tostr(sha, 41, git_commit_id(c));
	*time = git_commit_time(c);
	rc = 0;
cleanup:
	git_commit_free(c);
	git_object_free(obj);
	return rc;
}
