/*
 * git_private.h: what the files behind git.h share, and no one else
 * includes (git.h is the interface). With git.h, the only header that
 * includes libgit2's.
 *
 *   git.c         the repository: opened, a revision resolved, its errors
 *   gittree.c     a commit's tree as a gz_source
 *   gitdiff.c     what a commit changed below a folder, tree by tree
 *   githistory.c  every file's history, in one revision walk
 *   gitrecord.c   that history kept in the cache folder, and read back
 */
#ifndef GZ_GIT_PRIVATE_H
#define GZ_GIT_PRIVATE_H

#include <git2.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/strlist.h"
#include "source/git.h"

struct gz_repo {
	git_repository *repo;
	char *prefix;          /* the site's folder inside the repository, "" or "site/" */
	gz_map files;          /* path → gz_history (owned through hist_keys) */
	gz_strlist hist_keys;
	gz_history **hists;
	size_t nhists, hcap;
	gz_commit **commits;
	size_t ncommits, ccap;
	char *path;            /* as opened: the history thread opens its own handle */
	char *given;           /* the folder as the caller named it: where errors are placed */
	pthread_t walker;      /* the history walk, when started on a thread */
	bool walking;
	char walk_sha[41];
	char *walk_prefix, *walk_err, *walk_warn;
	char *cache;           /* the history record's file, or NULL */
	char *walk_spec;       /* the folder walked: prefix and "content/" */
	bool cache_fresh;      /* do not read it, only write it */
	bool dirty;            /* the walk found what the record lacks */
	size_t nwalk;          /* commits the walk went through */
	uint64_t order;        /* a hash of their ids, in walk order */
	int walk_rc;
};

/* ---- git.c ---- */

/* libgit2's last message, in its own words (English), for a message's
 * parentheses. */
const char *gz_git_message(void);

/* A message formatted into a new string (caller frees). */
char *gz_git_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "what (libgit2's message)" for an object libgit2 could not read although
 * it should be there: the repository is damaged, and the message says what
 * to do. what is translated already. Caller frees. */
char *gz_git_damaged(const char *what);

/* ---- gitdiff.c ---- */

#define GZ_TREE_CACHE_MAX 64 /* trees kept from one commit for the next */

/* A file the commit added or modified (deletions only matter as a fact). */
typedef struct {
	size_t at;             /* its path in gz_tree_diff.names */
	bool added;
} gz_tree_change;

/* Zeroed, with repo set and path and names GZ_BUF_INIT, before first use. */
typedef struct {
	git_repository *repo;
	/* the trees of this commit and of the one before: walking back, a
	 * commit's parent trees are the next commit's own */
	git_tree *cur[GZ_TREE_CACHE_MAX], *prev[GZ_TREE_CACHE_MAX];
	size_t ncur, nprev;
	gz_buf path;           /* the folder being compared, ending in '/' */
	gz_buf names;          /* changed paths, each followed by a NUL */
	gz_tree_change *ch;
	size_t nch, chcap;
	bool added, deleted;
} gz_tree_diff;

/* What commit c changed below dir against parent (NULL: an empty tree):
 * td->ch, and whether anything was added or deleted. Returns -1 if a tree
 * cannot be read. */
int gz_tree_diff_changes(gz_tree_diff *td, git_commit *c, git_commit *parent, const char *dir);

/* On to the next commit: the trees this one read are what it may reuse. */
void gz_tree_diff_turn(gz_tree_diff *td);
void gz_tree_diff_release(gz_tree_diff *td);

/* ---- githistory.c ---- */

/* A commit, with its author as the commit says (before .mailmap): the
 * history record keeps that, so a .mailmap edited later still applies. */
typedef struct {
	gz_commit pub;
	char *name, *mail;
	int64_t author_time, commit_time;
	int author_offset;
	size_t num;            /* its line in the record being written */
} gz_commit_rec;

/* A history, and whether the walk made it for a name no newer commit had
 * used (see gz_hist_record_merge). */
typedef struct {
	gz_history pub;
	bool fresh;
} gz_hist_rec;

/* The author of rec through .mailmap, into rec->pub. */
void gz_commit_rec_mailmap(gz_commit_rec *rec, git_mailmap *mm);
void gz_commit_rec_free(gz_commit_rec *rec);

/* r takes over rec, or h. */
void gz_repo_keep_commit(gz_repo *r, gz_commit_rec *rec);
void gz_repo_keep_history(gz_repo *r, gz_hist_rec *h);

/* ---- gitrecord.c ---- */

/* A file's history in the record: the record's commits, by number. */
typedef struct {
	char *path;
	bool fresh;
	size_t *nums, n;
} gz_hist_record_file;

/* The history record, as read (gitrecord.c says what it holds). */
typedef struct {
	char sha[41];
	size_t nwalk;
	uint64_t order;
	gz_commit_rec **commits;
	size_t ncommits, ccap;
	gz_hist_record_file *files;
	size_t nfiles, fcap;
	char *text;            /* the file, fields unescaped in place */
} gz_hist_record;

/* Read the record in file for folder spec. Returns 1 if there is one, 0 if
 * there is none (or another gazette's, or another folder's), -1 if the
 * file is not a record at all. rec is released with gz_hist_record_release
 * either way. */
int gz_hist_record_load(gz_hist_record *rec, const char *file, const char *spec);

/* commits_taken: the commits are r's now (install or merge took them). */
void gz_hist_record_release(gz_hist_record *rec, bool commits_taken);

/* The record as r's history: it was made for this very commit. */
void gz_hist_record_install(gz_repo *r, gz_hist_record *rec, git_mailmap *mm);

/* The record joined on after the walk of the commits newer than its own,
 * which left names (a name at the walk's end → gz_hist_rec). */
void gz_hist_record_merge(gz_repo *r, gz_hist_record *rec, const gz_map *names,
			  git_mailmap *mm);

#endif
