/*
 * gitwrite.c: commits, merges and exports for the editing desk (libgit2).
 *
 * Trees are built in an in-memory index (git_index_new), never in git's own
 * index file, and refs move with git_reference_create_matching, which
 * refuses when the ref is no longer where the caller saw it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "source/gitwrite.h"

struct gz_gitw {
	git_repository *repo;
	char *path;   /* as the caller named it: where errors are placed */
	char *prefix;
	pthread_mutex_t lock; /* one libgit2 repository handle, many server threads */
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libgit2(void)
{
	git_libgit2_init();
}

/* Errors are placed at the repository as it was named: what the desk
 * writes has no other file to name (a page's path is in the message). */
static int fail(const char *path, gz_diag *d, const char *what)
{
	const git_error *e = git_error_last();

	if (d)
		gz_diag_error(d, path, 0, 0, "%s: %s", what,
			      e && e->message ? e->message : _("unknown git error"));
	return GZ_GITW_ERROR;
}

static int say(const char *path, gz_diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int say(const char *path, gz_diag *d, int code, const char *fmt, ...)
{
	gz_buf b = GZ_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	gz_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (d)
		gz_diag_error(d, path, 0, 0, "%s", b.ptr);
	gz_buf_release(&b);
	return code;
}

int gz_gitw_open(gz_gitw **out, const char *path, gz_diag *d)
{
	git_repository *repo;
	gz_gitw *w;
	char real[PATH_MAX];
	const char *wd;

	*out = NULL;
	pthread_once(&init_once, init_libgit2);
	if (git_repository_open_ext(&repo, path, 0, NULL) < 0)
		return fail(path, d, _("cannot open the git repository"));
	w = gz_calloc(1, sizeof(*w));
	w->repo = repo;
	w->path = gz_strdup(path);
	pthread_mutex_init(&w->lock, NULL);
	w->prefix = gz_strdup("");
	wd = git_repository_workdir(repo);
	if (wd && realpath(path, real)) {
		size_t n = strlen(wd);
		/* the site may be a folder of the repository */
		if (strlen(real) > n && !strncmp(real, wd, n)) {
			gz_buf b = GZ_BUF_INIT;
			gz_buf_printf(&b, "%s/", real + n);
			free(w->prefix);
			w->prefix = gz_buf_detach(&b, NULL);
		}
	}
	*out = w;
	return 0;
}

void gz_gitw_free(gz_gitw *w)
{
	if (!w)
		return;
	git_repository_free(w->repo);
	pthread_mutex_destroy(&w->lock);
	free(w->prefix);
	free(w->path);
	free(w);
}

const char *gz_gitw_prefix(const gz_gitw *w)
{
	return w->prefix;
}

pid_t gz_gitw_fork(gz_gitw *w)
{
	pid_t pid;

	pthread_mutex_lock(&w->lock);
	pid = fork();
	if (pid != 0)
		pthread_mutex_unlock(&w->lock);
	return pid;
}

int gz_gitw_is_bare(const gz_gitw *w)
{
	return git_repository_is_bare(w->repo);
}

static void ref_name(gz_buf *b, const char *branch)
{
	gz_buf_clear(b);
	gz_buf_printf(b, "refs/heads/%s", branch);
}

static int tip_locked(gz_gitw *w, const char *branch, git_oid *oid, gz_diag *d)
{
	gz_buf name = GZ_BUF_INIT;
	int rc;

	ref_name(&name, branch);
	rc = git_reference_name_to_id(oid, w->repo, name.ptr);
	gz_buf_release(&name);
	if (rc == GIT_ENOTFOUND)
		return say(w->path, d, GZ_GITW_NOTFOUND, _("no branch '%s'"), branch);
	if (rc < 0)
		return fail(w->path, d, _("cannot read a branch"));
	return 0;
}

int gz_gitw_tip(gz_gitw *w, const char *branch, char *sha, gz_diag *d)
{
	git_oid oid;
	int rc;

	pthread_mutex_lock(&w->lock);
	rc = tip_locked(w, branch, &oid, d);
	pthread_mutex_unlock(&w->lock);
	if (rc == 0)
		git_oid_tostr(sha, GZ_SHA_SIZE, &oid);
	return rc;
}

char *gz_gitw_head_branch(gz_gitw *w)
{
	git_reference *head = NULL;
	char *out = NULL;

	pthread_mutex_lock(&w->lock);
	/* unborn HEAD: the branch it names is still the publishing branch */
	if (git_reference_lookup(&head, w->repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		const char *t = git_reference_symbolic_target(head);
		if (t && !strncmp(t, "refs/heads/", 11))
			out = gz_strdup(t + 11);
	}
	git_reference_free(head);
	pthread_mutex_unlock(&w->lock);
	return out;
}

static int lookup_commit(gz_gitw *w, git_commit **c, const char *sha, gz_diag *d)
{
	git_oid oid;

	if (git_oid_fromstr(&oid, sha) < 0)
		return say(w->path, d, GZ_GITW_NOTFOUND, _("'%s' is not a commit id"), sha);
	if (git_commit_lookup(c, w->repo, &oid) < 0)
		return say(w->path, d, GZ_GITW_NOTFOUND, _("no commit '%s'"), sha);
	return 0;
}

int gz_gitw_read(gz_gitw *w, const char *sha, const char *path, char **out, size_t *len,
		 gz_diag *d)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&w->lock);
	if ((rc = lookup_commit(w, &c, sha, d)) < 0)
		goto cleanup;
	if (git_commit_tree(&t, c) < 0) {
		rc = fail(w->path, d, _("cannot read a commit's tree"));
		goto cleanup;
	}
	if (git_tree_entry_bypath(&e, t, path) < 0 || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		rc = say(w->path, d, GZ_GITW_NOTFOUND, _("no file '%s'"), path);
		goto cleanup;
	}
	if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(e)) < 0) {
		rc = fail(w->path, d, _("cannot read a file"));
		goto cleanup;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*out = gz_malloc(*len + 1);
	memcpy(*out, git_blob_rawcontent(blob), *len);
	(*out)[*len] = '\0';
	rc = 0;
cleanup:
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

typedef struct {
	const char *dir;
	gz_strlist *out;
} list_ctx;

static int list_one(const char *root, const git_tree_entry *e, void *payload)
{
	list_ctx *lc = payload;
	gz_buf p = GZ_BUF_INIT;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	gz_buf_printf(&p, "%s%s", root, git_tree_entry_name(e));
	if (!strncmp(p.ptr, lc->dir, strlen(lc->dir)))
		gz_strlist_take(lc->out, gz_buf_detach(&p, NULL));
	gz_buf_release(&p);
	return 0;
}

int gz_gitw_list(gz_gitw *w, const char *sha, const char *dir, gz_strlist *out, gz_diag *d)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	list_ctx lc = {dir, out};
	int rc;

	pthread_mutex_lock(&w->lock);
	if ((rc = lookup_commit(w, &c, sha, d)) < 0)
		goto cleanup;
	if (git_commit_tree(&t, c) < 0 || git_tree_walk(t, GIT_TREEWALK_PRE, list_one, &lc) < 0) {
		rc = fail(w->path, d, _("cannot list a commit's files"));
		goto cleanup;
	}
	gz_strlist_sort(out);
cleanup:
	git_tree_free(t);
	git_commit_free(c);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* Move (or make) ref name to oid, only if it still points at expect (NULL:
 * only if it does not exist). */
static int move_ref(gz_gitw *w, const char *branch, const git_oid *oid, const git_oid *expect,
		    const char *log, gz_diag *d)
{
	git_reference *ref = NULL;
	gz_buf name = GZ_BUF_INIT;
	int rc;

	ref_name(&name, branch);
	if (!git_reference_is_valid_name(name.ptr)) {
		rc = say(w->path, d, GZ_GITW_ERROR, _("'%s' cannot be a branch name"), branch);
		goto cleanup;
	}
	if (expect)
		rc = git_reference_create_matching(&ref, w->repo, name.ptr, oid, 1, expect, log);
	else
		rc = git_reference_create(&ref, w->repo, name.ptr, oid, 0, log);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ENOTFOUND) {
		rc = say(w->path, d, GZ_GITW_STALE, _("branch '%s' has moved on"), branch);
		goto cleanup;
	}
	if (rc < 0)
		rc = fail(w->path, d, _("cannot move a branch"));
cleanup:
	git_reference_free(ref);
	gz_buf_release(&name);
	return rc;
}

int gz_gitw_commit(gz_gitw *w, char *sha, const char *branch, const char *parent,
		   const gz_gitw_file *files, size_t nfiles, const char *name, const char *email,
		   const char *message, gz_diag *d)
{
	git_commit *pc = NULL;
	git_tree *pt = NULL, *tree = NULL;
	git_index *idx = NULL;
	git_signature *sig = NULL;
	git_oid tree_oid, oid, cur;
	const git_commit *parents[1];
	size_t i;
	int rc, exists = 0;

	pthread_mutex_lock(&w->lock);
	if ((rc = lookup_commit(w, &pc, parent, d)) < 0)
		goto cleanup;
	if (branch) {
		rc = tip_locked(w, branch, &cur, NULL);
		if (rc == 0) {
			exists = 1;
			if (!git_oid_equal(&cur, git_commit_id(pc))) {
				rc = say(w->path, d, GZ_GITW_STALE, _("branch '%s' has moved on"), branch);
				goto cleanup;
			}
		} else if (rc != GZ_GITW_NOTFOUND) {
			rc = fail(w->path, d, _("cannot read a branch"));
			goto cleanup;
		}
	}
	if (git_commit_tree(&pt, pc) < 0 || git_index_new(&idx) < 0 || git_index_read_tree(idx, pt) < 0) {
		rc = fail(w->path, d, _("cannot read a commit's tree"));
		goto cleanup;
	}
	for (i = 0; i < nfiles; i++) {
		git_index_entry ie;

		if (!files[i].data) {
			git_index_remove_bypath(idx, files[i].path);
			continue;
		}
		memset(&ie, 0, sizeof(ie));
		ie.mode = GIT_FILEMODE_BLOB;
		ie.path = files[i].path;
		ie.file_size = (uint32_t)files[i].len;
		/* an index of our own has no repository to write blobs through */
		if (git_blob_create_from_buffer(&ie.id, w->repo, files[i].data, files[i].len) < 0 ||
		    git_index_add(idx, &ie) < 0) {
			rc = fail(w->path, d, _("cannot store a file"));
			goto cleanup;
		}
	}
	if (git_index_write_tree_to(&tree_oid, idx, w->repo) < 0 ||
	    git_tree_lookup(&tree, w->repo, &tree_oid) < 0) {
		rc = fail(w->path, d, _("cannot write a tree"));
		goto cleanup;
	}
	if (git_signature_now(&sig, name, email) < 0) {
		rc = fail(w->path, d, _("cannot sign a commit"));
		goto cleanup;
	}
	parents[0] = pc;
	if (git_commit_create(&oid, w->repo, NULL, sig, sig, "UTF-8", message, tree, 1, parents) < 0) {
		rc = fail(w->path, d, _("cannot write a commit"));
		goto cleanup;
	}
	if (branch && (rc = move_ref(w, branch, &oid, exists ? &cur : NULL, "desk: save", d)) < 0)
		goto cleanup;
	git_oid_tostr(sha, GZ_SHA_SIZE, &oid);
	rc = 0;
cleanup:
	git_signature_free(sig);
	git_index_free(idx);
	git_tree_free(tree);
	git_tree_free(pt);
	git_commit_free(pc);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int gz_gitw_merge(gz_gitw *w, char *sha, const char *branch, const char *target, const char *name,
		  const char *email, gz_strlist *conflicts, gz_diag *d)
{
	git_oid bo, to, base, tree_oid, oid;
	git_commit *bc = NULL, *tc = NULL;
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;
	git_index_conflict_iterator *it = NULL;
	gz_buf msg = GZ_BUF_INIT;
	int rc;

	pthread_mutex_lock(&w->lock);
	if ((rc = tip_locked(w, branch, &bo, d)) < 0 || (rc = tip_locked(w, target, &to, d)) < 0)
		goto cleanup;
	if (git_oid_equal(&bo, &to) || git_graph_descendant_of(w->repo, &to, &bo) == 1) {
		oid = to; /* nothing to bring in */
		rc = 0;
		goto done;
	}
	if (git_merge_base(&base, w->repo, &bo, &to) == 0 && git_oid_equal(&base, &to)) {
		rc = move_ref(w, target, &bo, &to, "desk: fast-forward", d);
		oid = bo;
		goto done;
	}
	if (git_commit_lookup(&bc, w->repo, &bo) < 0 || git_commit_lookup(&tc, w->repo, &to) < 0 ||
	    git_merge_commits(&idx, w->repo, tc, bc, NULL) < 0) {
		rc = fail(w->path, d, _("cannot merge"));
		goto cleanup;
	}
	if (git_index_has_conflicts(idx)) {
		const git_index_entry *a, *o, *t;

		if (git_index_conflict_iterator_new(&it, idx) == 0)
			while (git_index_conflict_next(&a, &o, &t, it) == 0)
				gz_strlist_add(conflicts, o ? o->path : t ? t->path : a->path);
		rc = say(w->path, d, GZ_GITW_CONFLICT, _("'%s' changed the same lines as the publishing branch"),
			 branch);
		goto cleanup;
	}
	if (git_index_write_tree_to(&tree_oid, idx, w->repo) < 0 ||
	    git_tree_lookup(&tree, w->repo, &tree_oid) < 0 || git_signature_now(&sig, name, email) < 0) {
		rc = fail(w->path, d, _("cannot write a merge"));
		goto cleanup;
	}
	gz_buf_printf(&msg, "Merge branch '%s' into %s\n", branch, target);
	{
		const git_commit *parents[2] = {tc, bc};
		if (git_commit_create(&oid, w->repo, NULL, sig, sig, "UTF-8", msg.ptr, tree, 2,
				      parents) < 0) {
			rc = fail(w->path, d, _("cannot write a merge"));
			goto cleanup;
		}
	}
	rc = move_ref(w, target, &oid, &to, "desk: merge", d);
done:
	if (rc == 0)
		git_oid_tostr(sha, GZ_SHA_SIZE, &oid);
cleanup:
	git_index_conflict_iterator_free(it);
	gz_buf_release(&msg);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
	git_commit_free(bc);
	git_commit_free(tc);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int gz_gitw_delete(gz_gitw *w, const char *branch, const char *sha, gz_diag *d)
{
	git_oid oid, cur;
	gz_buf name = GZ_BUF_INIT;
	int rc;

	if (git_oid_fromstr(&oid, sha) < 0)
		return say(w->path, d, GZ_GITW_NOTFOUND, _("'%s' is not a commit id"), sha);
	pthread_mutex_lock(&w->lock);
	if ((rc = tip_locked(w, branch, &cur, d)) < 0)
		goto cleanup;
	if (!git_oid_equal(&cur, &oid)) {
		rc = say(w->path, d, GZ_GITW_STALE, _("branch '%s' has moved on"), branch);
		goto cleanup;
	}
	ref_name(&name, branch);
	if (git_reference_remove(w->repo, name.ptr) < 0)
		rc = fail(w->path, d, _("cannot delete a branch"));
cleanup:
	gz_buf_release(&name);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int gz_gitw_branches(gz_gitw *w, const char *prefix, gz_strlist *out, gz_diag *d)
{
	git_reference_iterator *it = NULL;
	const char *name;
	gz_buf want = GZ_BUF_INIT;
	int rc = 0;

	gz_buf_printf(&want, "refs/heads/%s", prefix);
	pthread_mutex_lock(&w->lock);
	if (git_reference_iterator_new(&it, w->repo) < 0) {
		rc = fail(w->path, d, _("cannot list branches"));
		goto cleanup;
	}
	while (git_reference_next_name(&name, it) == 0)
		if (!strncmp(name, want.ptr, want.len))
			gz_strlist_add(out, name + 11);
	gz_strlist_sort(out);
cleanup:
	git_reference_iterator_free(it);
	pthread_mutex_unlock(&w->lock);
	gz_buf_release(&want);
	return rc;
}

int gz_gitw_log(gz_gitw *w, const char *branch, const char *target, gz_gitw_logitem **out,
		size_t *n, gz_diag *d)
{
	git_revwalk *walk = NULL;
	git_oid bo, to, oid;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	pthread_mutex_lock(&w->lock);
	if ((rc = tip_locked(w, branch, &bo, d)) < 0)
		goto cleanup;
	if (git_revwalk_new(&walk, w->repo) < 0 || git_revwalk_push(walk, &bo) < 0) {
		rc = fail(w->path, d, _("cannot walk a branch"));
		goto cleanup;
	}
	if (target && tip_locked(w, target, &to, NULL) == 0)
		git_revwalk_hide(walk, &to);
	git_revwalk_sorting(walk, GIT_SORT_TIME | GIT_SORT_TOPOLOGICAL);
	while (git_revwalk_next(&oid, walk) == 0 && *n < 200) {
		git_commit *c;
		const git_signature *a;
		gz_gitw_logitem *gc;

		if (git_commit_lookup(&c, w->repo, &oid) < 0)
			continue;
		gz_grow((void **)out, &cap, *n + 1, sizeof(**out));
		gc = &(*out)[(*n)++];
		a = git_commit_author(c);
		git_oid_tostr(gc->sha, GZ_SHA_SIZE, &oid);
		gc->author = gz_strdup(a->name);
		gc->email = gz_strdup(a->email);
		gc->time = a->when.time;
		gc->message = gz_strdup(git_commit_message(c));
		git_commit_free(c);
	}
cleanup:
	git_revwalk_free(walk);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void gz_gitw_log_free(gz_gitw_logitem *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].author);
		free(c[i].email);
		free(c[i].message);
	}
	free(c);
}

typedef struct {
	gz_gitw *w;
	const char *dir;
	size_t skip;         /* the site's prefix in the repository */
	const char *prefix;
	gz_map keep;         /* relative paths written */
	gz_strlist owned;
	int rc;
	gz_diag *d;
} export_ctx;

static int mkdirs(char *path)
{
	char *s;

	for (s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return 0;
}

static int export_one(const char *root, const git_tree_entry *e, void *payload)
{
	export_ctx *x = payload;
	gz_buf rel = GZ_BUF_INIT, path = GZ_BUF_INIT, have = GZ_BUF_INIT;
	git_blob *blob = NULL;
	const void *data;
	size_t len;
	FILE *f;
	int rc = 0;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	gz_buf_printf(&rel, "%s%s", root, git_tree_entry_name(e));
	if (strncmp(rel.ptr, x->prefix, x->skip))
		goto cleanup;
	gz_buf_printf(&path, "%s/%s", x->dir, rel.ptr + x->skip);
	if (git_blob_lookup(&blob, x->w->repo, git_tree_entry_id(e)) < 0) {
		x->rc = fail(x->w->path, x->d, _("cannot read a file"));
		rc = -1;
		goto cleanup;
	}
	data = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	gz_strlist_add(&x->owned, rel.ptr + x->skip);
	gz_map_put(&x->keep, x->owned.items[x->owned.n - 1], NULL);
	/* what is already there is left alone: a build there sees it unchanged */
	if (gz_buf_read_file(&have, path.ptr) == 0 && have.len == len && !memcmp(have.ptr, data, len))
		goto cleanup;
	if (mkdirs(path.ptr) < 0 || !(f = fopen(path.ptr, "wb"))) {
		x->rc = say(x->w->path, x->d, GZ_GITW_ERROR, _("cannot write '%s'"), path.ptr);
		rc = -1;
		goto cleanup;
	}
	if (fwrite(data, 1, len, f) != len) {
		x->rc = say(x->w->path, x->d, GZ_GITW_ERROR, _("cannot write '%s'"), path.ptr);
		rc = -1;
	}
	fclose(f);
cleanup:
	git_blob_free(blob);
	gz_buf_release(&have);
	gz_buf_release(&path);
	gz_buf_release(&rel);
	return rc;
}

/* Remove the files below dir/sub that the export did not write. */
static void prune(export_ctx *x, const char *sub)
{
	gz_buf path = GZ_BUF_INIT, rel = GZ_BUF_INIT;
	struct dirent *de;
	DIR *d;

	gz_buf_printf(&path, "%s/%s", x->dir, sub);
	d = opendir(path.ptr);
	while (d && (de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (!*sub && !strcmp(de->d_name, ".gazette")))
			continue;
		gz_buf_clear(&rel);
		gz_buf_printf(&rel, "%s%s%s", sub, *sub ? "/" : "", de->d_name);
		gz_buf_clear(&path);
		gz_buf_printf(&path, "%s/%s", x->dir, rel.ptr);
		if (lstat(path.ptr, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			prune(x, rel.ptr);
			rmdir(path.ptr); /* only when empty */
		} else if (!gz_map_has(&x->keep, rel.ptr)) {
			unlink(path.ptr);
		}
	}
	if (d)
		closedir(d);
	gz_buf_release(&rel);
	gz_buf_release(&path);
}

int gz_gitw_export(gz_gitw *w, const char *sha, const char *dir, gz_diag *d)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	export_ctx x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.w = w;
	x.dir = dir;
	x.prefix = w->prefix;
	x.skip = strlen(w->prefix);
	x.d = d;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return say(w->path, d, GZ_GITW_ERROR, _("cannot make folder '%s'"), dir);
	pthread_mutex_lock(&w->lock);
	if ((rc = lookup_commit(w, &c, sha, d)) < 0)
		goto cleanup;
	if (git_commit_tree(&t, c) < 0) {
		rc = fail(w->path, d, _("cannot read a commit's tree"));
		goto cleanup;
	}
	if (git_tree_walk(t, GIT_TREEWALK_PRE, export_one, &x) < 0) {
		rc = x.rc ? x.rc : fail(w->path, d, _("cannot export a commit"));
		goto cleanup;
	}
	prune(&x, "");
	rc = 0;
cleanup:
	gz_map_release(&x.keep);
	gz_strlist_release(&x.owned);
	git_tree_free(t);
	git_commit_free(c);
	pthread_mutex_unlock(&w->lock);
	return rc;
}
