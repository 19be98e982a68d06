/*
 * gitwrite.h: what the editing desk writes into a git repository, through
 * libgit2.
 *
 * Only refs and objects are written: commits on branches, merges into the
 * publishing branch, and a commit no branch names (for a preview). The
 * working tree and git's index are never read or touched, so the desk works
 * the same on a bare repository. A branch is moved only when it still
 * points where the caller last saw it (a compare-and-swap on the ref), so
 * two people saving the same page cannot overwrite each other.
 *
 * Shas are 40 hex digits plus the NUL (GZ_SHA_SIZE bytes). Functions return
 * 0 or a negative code with the error added to d, placed at the repository
 * as gz_gitw_open was given it (d may be NULL when the caller has its own
 * words for the failure); the codes below say what the caller may show an
 * editor.
 */
#ifndef GZ_GITWRITE_H
#define GZ_GITWRITE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/strlist.h"

#define GZ_SHA_SIZE 41

typedef struct gz_gitw gz_gitw;

enum {
	GZ_GITW_ERROR = -1,
	GZ_GITW_NOTFOUND = -2,   /* no such branch, commit or file */
	GZ_GITW_STALE = -3,      /* the branch moved since the caller read it */
	GZ_GITW_CONFLICT = -4,   /* a merge that needs a person */
};

/* One file a commit writes (data != NULL) or removes (data == NULL). path
 * is relative to the repository's top. */
typedef struct {
	const char *path;
	const void *data;
	size_t len;
} gz_gitw_file;

typedef struct {
	char sha[GZ_SHA_SIZE];
	char *author, *email, *message;
	int64_t time;
} gz_gitw_logitem;

/* Open the repository holding path (working tree, linked worktree or
 * bare). *prefix (borrowed, "" or "site/") is where the folder path lies in
 * the repository, for the paths given to every other function. */
int gz_gitw_open(gz_gitw **out, const char *path, gz_diag *d);
void gz_gitw_free(gz_gitw *w);
const char *gz_gitw_prefix(const gz_gitw *w);

/* fork(2) while no thread of this process is inside w's libgit2 calls, so
 * that the child inherits no lock libgit2 holds (the one over its pack
 * windows is global). The child must not use w. Returns what fork
 * returns. */
pid_t gz_gitw_fork(gz_gitw *w);
int gz_gitw_is_bare(const gz_gitw *w);

/* The commit branch ("main", "desk/a/b") points at, into sha. Returns 0,
 * GZ_GITW_NOTFOUND, or GZ_GITW_ERROR. */
int gz_gitw_tip(gz_gitw *w, const char *branch, char *sha, gz_diag *d);

/* The branch HEAD names ("main"), caller frees; NULL if HEAD is detached
 * or unborn. */
char *gz_gitw_head_branch(gz_gitw *w);

/* The bytes of path at commit sha (*out NUL-terminated, caller frees).
 * Returns 0, GZ_GITW_NOTFOUND or GZ_GITW_ERROR. */
int gz_gitw_read(gz_gitw *w, const char *sha, const char *path, char **out, size_t *len,
		 gz_diag *d);

/* The paths of the files below folder dir ("content/") at commit sha, sorted,
 * appended to out. */
int gz_gitw_list(gz_gitw *w, const char *sha, const char *dir, gz_strlist *out, gz_diag *d);

/* Commit files on top of commit parent and make branch point at it: parent
 * must be the branch's tip (or, for a branch that does not exist yet, any
 * commit, usually the publishing branch's tip), else GZ_GITW_STALE and
 * nothing changes. branch NULL: the commit is made but no branch names it.
 * The author is name <email>, now; so is the committer. */
int gz_gitw_commit(gz_gitw *w, char *sha, const char *branch, const char *parent,
		   const gz_gitw_file *files, size_t nfiles, const char *name, const char *email,
		   const char *message, gz_diag *d);

/* Merge branch into target: a fast-forward when target's tip is an ancestor
 * of branch's, else a merge commit by name <email>. When both changed the
 * same lines, returns GZ_GITW_CONFLICT with the paths in conflicts and
 * changes nothing. target moves only if it still points where it did when
 * the merge began (else GZ_GITW_STALE). sha: the new tip of target. */
int gz_gitw_merge(gz_gitw *w, char *sha, const char *branch, const char *target, const char *name,
		  const char *email, gz_strlist *conflicts, gz_diag *d);

/* Delete a branch; it must still point at sha. */
int gz_gitw_delete(gz_gitw *w, const char *branch, const char *sha, gz_diag *d);

/* The branches whose names start with prefix ("desk/"), sorted, appended
 * to out (names without refs/heads/). */
int gz_gitw_branches(gz_gitw *w, const char *prefix, gz_strlist *out, gz_diag *d);

/* The commits of branch that target does not have, newest first (*out and
 * each commit's strings: release with gz_gitw_log_free). */
int gz_gitw_log(gz_gitw *w, const char *branch, const char *target, gz_gitw_logitem **out,
		size_t *n, gz_diag *d);
void gz_gitw_log_free(gz_gitw_logitem *c, size_t n);

/* Write the files of commit sha into folder dir (made if missing) as they
 * are in the tree: files that differ are rewritten, files the tree does not
 * have are removed (but not dir/.gazette, the cache of a build there). */
int gz_gitw_export(gz_gitw *w, const char *sha, const char *dir, gz_diag *d);

#endif
