/*
 * git.h: content straight from a git repository, through libgit2.
 *
 * The only module that includes libgit2. It opens a working tree, a linked
 * worktree or a bare repository; resolves a revision (branch, tag, sha,
 * HEAD~3) or "the last commit on or before a date" to a commit; and makes a
 * gz_source that reads that commit's tree from the object database (nothing
 * is checked out, nothing is written). It also computes every page's history
 * in one revision walk: created (following renames), updated, authors (with
 * .mailmap) and the list of commits.
 */
#ifndef GZ_GIT_H
#define GZ_GIT_H

#include <stdbool.h>
#include <stdint.h>

#include "source/source.h"
#include "base/diag.h"
#include "base/strlist.h"

typedef struct gz_repo gz_repo;

typedef struct {
	char sha[41];
	int64_t time;          /* author time, seconds since 1970 */
	int tz_minutes;
	char *author, *email;  /* after .mailmap */
	char *subject;
} gz_commit;

typedef struct gz_history {
	gz_commit **commits;   /* newest first; borrowed from the repo */
	size_t n, cap;
	gz_commit *created;    /* the commit that added the file (or the oldest seen) */
} gz_history;

/* Open the repository that holds folder path (a working tree, a linked
 * worktree or a bare repository). Returns 0; 1 if path is not in a git
 * repository (*out NULL); -1 with an error in d at path. Every later error
 * about the repository is placed at path as given here. */
int gz_repo_open(gz_repo **out, const char *path, gz_diag *d);
void gz_repo_free(gz_repo *r);
bool gz_repo_is_bare(const gz_repo *r);
bool gz_repo_is_shallow(const gz_repo *r);

/* Resolve rev (NULL: HEAD), then, if as_of is set ("YYYY-MM-DD"), go back
 * along its first parents to the last commit made on or before that day
 * (end of day, UTC+8). Fills sha (41 bytes) and *time. Returns 0, -1
 * with an error in d, or -2 with an error in d if the repository is damaged
 * (an object that should be there cannot be read). */
int gz_repo_resolve(gz_repo *r, const char *rev, const char *as_of, char *sha, int64_t *time,
		    gz_diag *d);

/* A source reading the tree of commit sha, below the folder the site lives
 * in (the site may be a subfolder of the repository). Returns 0, or -1
 * with an error in d (the repository is damaged). */
int gz_repo_source(gz_source **out, gz_repo *r, const char *sha, gz_diag *d);

/* Compute the history of every file below prefix ("content/") as of commit
 * sha, in one walk. Afterwards gz_repo_history_of returns a file's history
 * (path relative to the site root) or NULL. Returns 0 or -1 with an error
 * in d. */
int gz_repo_walk_history(gz_repo *r, const char *sha, const char *prefix, gz_diag *d);
const gz_history *gz_repo_history_of(const gz_repo *r, const char *path);

/* The same walk on a thread of its own, with its own handle on the
 * repository, so that the caller may go on reading through r (a source made
 * by gz_repo_source) meanwhile. Until gz_repo_walk_history_wait returns
 * (0, or -1 with an error in d), call no other history function on r.
 * gz_repo_free waits for a walk still running.
 *
 * cache (NULL: none) is the file of the history record: when it was made
 * for sha the walk reads it instead, and when sha descends from the commit
 * it was made for, the walk goes through the new commits only. The result
 * is the same as a whole walk's. fresh: do not read it (walk everything).
 * A record that is not one gives a warning in d at the record's file and
 * a whole walk. A shallow clone's history is never recorded. */
void gz_repo_walk_history_start(gz_repo *r, const char *sha, const char *prefix,
				const char *cache, bool fresh);
int gz_repo_walk_history_wait(gz_repo *r, gz_diag *d);

/* After a walk started with a cache file: write what it found there (when
 * it walked anything), atomically. Returns 0 or -1 if it cannot. */
int gz_repo_history_save(gz_repo *r);

/* A hash of a history's commits (for change detection). */
uint64_t gz_history_hash(const gz_history *h);

#endif
