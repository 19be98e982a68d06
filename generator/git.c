#include "git.h"

#include <assert.h>
#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "date.h"
#include "hash.h"

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
	pthread_t walker;      /* the history walk, when started on a thread */
	bool walking;
	char walk_sha[41];
	char *walk_prefix, *walk_err;
	int walk_rc;
};

/* The tree of one commit, as a source. */
typedef struct {
	gz_repo *r;
	gz_map blobs;          /* site-relative path → git_oid* */
	gz_strlist paths;      /* owns the keys, sorted */
	git_oid *oids;
	pthread_mutex_t lock;  /* libgit2 objects are not shared across threads */
} tree_source;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libgit2(void)
{
	git_libgit2_init();
	/* like git, do not hash every object read again to check it (a third
	 * of the history walk): zlib's checksum still catches damaged objects */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

static char *git_err(const char *what)
{
	const git_error *e = git_error_last();
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s: %s", what, e && e->message ? e->message : "unknown git error");
	return gz_buf_detach(&b, NULL);
}

/* A message for an object libgit2 could not read although it should be
 * there: the repository is damaged, and the editor should know what to do. */
static char *git_damaged(const char *what)
{
	const git_error *e = git_error_last();
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b,
		      "%s: %s; the repository is damaged: run 'git fsck' and restore it "
		      "from a good clone",
		      what, e && e->message ? e->message : "unknown git error");
	return gz_buf_detach(&b, NULL);
}

int gz_repo_open(gz_repo **out, const char *path, char **err)
{
	git_repository *repo;
	gz_repo *r;
	char real[PATH_MAX];
	const char *wd;
	int rc;

	*out = NULL;
	pthread_once(&init_once, init_libgit2);
	rc = git_repository_open_ext(&repo, path, 0, NULL);
	if (rc == GIT_ENOTFOUND)
		return 1;
	if (rc < 0) {
		*err = git_err("cannot open the git repository");
		return -1;
	}
	r = gz_calloc(1, sizeof(*r));
	r->repo = repo;
	r->path = gz_strdup(realpath(path, real) ? real : path);
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
	free(r->walk_prefix);
	free(r->path);
	for (i = 0; i < r->nhists; i++) {
		free(r->hists[i]->commits);
		free(r->hists[i]);
	}
	free(r->hists);
	for (i = 0; i < r->ncommits; i++) {
		free(r->commits[i]->author);
		free(r->commits[i]->email);
		free(r->commits[i]->subject);
		free(r->commits[i]);
	}
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
		    char **err)
{
	git_object *obj = NULL;
	git_commit *c = NULL;
	int rc;

	rc = git_revparse_single(&obj, r->repo, rev ? rev : "HEAD");
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EAMBIGUOUS) {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "revision '%s' not found in the repository", rev ? rev : "HEAD");
		*err = gz_buf_detach(&b, NULL);
		return -1;
	}
	if (rc < 0) {
		*err = git_damaged("cannot read the revision");
		git_object_free(obj);
		return -2;
	}
	rc = -1;
	if (git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT) < 0) {
		*err = git_err("revision does not name a commit");
		goto cleanup;
	}
	if (as_of) {
		gz_date d;
		int64_t limit;
		if (gz_date_parse(&d, as_of) < 0) {
			gz_buf b = GZ_BUF_INIT;
			gz_buf_printf(&b, "--as-of '%s' is not a date (YYYY-MM-DD)", as_of);
			*err = gz_buf_detach(&b, NULL);
			goto cleanup;
		}
		limit = d.has_time ? d.key : d.key + 86400 - 1;
		/* the branch as it stood then: follow first parents back */
		while (git_commit_time(c) > limit) {
			git_commit *p;
			if (git_commit_parentcount(c) == 0 || git_commit_parent(&p, c, 0) < 0) {
				gz_buf b = GZ_BUF_INIT;
				gz_buf_printf(&b, "no commit on or before %s", as_of);
				*err = gz_buf_detach(&b, NULL);
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

/* ---- the tree as a source ---- */

static void ts_list(gz_source *s, const char *prefix, gz_strlist *out)
{
	tree_source *t = gz_source_impl(s);
	size_t i, n = strlen(prefix);

	for (i = 0; i < t->paths.n; i++) {
		const char *p = t->paths.items[i];
		if (!n || (!strncmp(p, prefix, n) && p[n] == '/')) {
			const char *base = strrchr(p, '/');
			if ((base ? base + 1 : p)[0] == '.')
				continue;
			gz_strlist_add(out, p);
		}
	}
}

static int ts_read(gz_source *s, const char *path, char **data, size_t *len)
{
	tree_source *t = gz_source_impl(s);
	const git_oid *oid = gz_map_get(&t->blobs, path);
	git_blob *blob;
	int rc = -1;

	if (!oid)
		return -1;
	pthread_mutex_lock(&t->lock);
	if (git_blob_lookup(&blob, t->r->repo, oid) == 0) {
		size_t n = (size_t)git_blob_rawsize(blob);
		*data = gz_malloc(n + 1);
		memcpy(*data, git_blob_rawcontent(blob), n);
		(*data)[n] = '\0';
		*len = n;
		git_blob_free(blob);
		rc = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

static char *ts_why(gz_source *s, const char *path)
{
	tree_source *t = gz_source_impl(s);
	const git_oid *oid = gz_map_get(&t->blobs, path);
	char hex[GIT_OID_HEXSZ + 1];
	const git_error *e;
	git_blob *blob;
	gz_buf b = GZ_BUF_INIT;

	if (!oid)
		return gz_strdup("cannot read the file: it is not in this revision");
	git_oid_tostr(hex, sizeof(hex), oid);
	pthread_mutex_lock(&t->lock);
	if (git_blob_lookup(&blob, t->r->repo, oid) == 0) {
		git_blob_free(blob);
		pthread_mutex_unlock(&t->lock);
		return gz_strdup("cannot read the file from git");
	}
	e = git_error_last();
	gz_buf_printf(&b,
		      "cannot read the file from git: its object %s is damaged or missing (%s); "
		      "the repository needs repair: run 'git fsck' and restore it from a good clone",
		      hex, e && e->message ? e->message : "unknown git error");
	pthread_mutex_unlock(&t->lock);
	return gz_buf_detach(&b, NULL);
}

static bool ts_exists(gz_source *s, const char *path)
{
	tree_source *t = gz_source_impl(s);
	return gz_map_get(&t->blobs, path) != NULL;
}

static void ts_free(void *impl)
{
	tree_source *t = impl;

	gz_map_release(&t->blobs);
	gz_strlist_release(&t->paths);
	free(t->oids);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static const gz_source_ops tree_ops = {ts_list, ts_read, ts_exists, ts_free, ts_why};

typedef struct {
	tree_source *t;
	const char *prefix;
	size_t plen;
	gz_strlist oid_paths;
	git_oid *oids;
	size_t n, cap;
} walk_ctx;

static int collect(const char *root, const git_tree_entry *e, void *payload)
{
	walk_ctx *w = payload;
	gz_buf path = GZ_BUF_INIT;

	/* only regular files: no symbolic links, no submodules */
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    (git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB &&
	     git_tree_entry_filemode(e) != GIT_FILEMODE_BLOB_EXECUTABLE))
		return 0;
	gz_buf_printf(&path, "%s%s", root, git_tree_entry_name(e));
	if (!strncmp(path.ptr, w->prefix, w->plen) && gz_path_is_safe(path.ptr + w->plen)) {
		GZ_GROW(w->oids, w->cap, w->n + 1);
		git_oid_cpy(&w->oids[w->n++], git_tree_entry_id(e));
		gz_strlist_add(&w->oid_paths, path.ptr + w->plen);
	}
	gz_buf_release(&path);
	return 0;
}

int gz_repo_source(gz_source **out, gz_repo *r, const char *sha, char **err)
{
	git_oid oid;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	tree_source *t;
	walk_ctx w;
	size_t i;

	if (git_oid_fromstr(&oid, sha) < 0 || git_commit_lookup(&c, r->repo, &oid) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		*err = git_damaged("cannot read the commit");
		git_commit_free(c);
		return -1;
	}
	t = gz_calloc(1, sizeof(*t));
	t->r = r;
	pthread_mutex_init(&t->lock, NULL);
	memset(&w, 0, sizeof(w));
	w.t = t;
	w.prefix = r->prefix;
	w.plen = strlen(r->prefix);
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, collect, &w) < 0) {
		*err = git_damaged("cannot list the revision's files");
		gz_strlist_release(&w.oid_paths);
		free(w.oids);
		pthread_mutex_destroy(&t->lock);
		free(t);
		git_tree_free(tree);
		git_commit_free(c);
		return -1;
	}
	/* keys must not move once in the map: fill the map after the walk */
	t->paths = w.oid_paths;
	t->oids = w.oids;
	for (i = 0; i < t->paths.n; i++)
		gz_map_put(&t->blobs, t->paths.items[i], &t->oids[i]);
	git_tree_free(tree);
	git_commit_free(c);
	{
		gz_buf label = GZ_BUF_INIT;
		const char *wd = git_repository_workdir(r->repo);
		gz_buf_printf(&label, "%s%s", wd ? wd : git_repository_path(r->repo), r->prefix);
		*out = gz_source_new(&tree_ops, t, label.ptr);
		gz_buf_release(&label);
	}
	return 0;
}

/* ---- history ---- */

/*
 * The walk compares each commit's tree with its parent's below the content
 * folder. Trees are compared level by level, entry by entry in their sorted
 * order, and a folder is read only when its oid changed: a commit that edits
 * one story of ten thousand reads the few trees on the way to it. Renames
 * can only be found where a commit both adds and deletes files; for those
 * few commits libgit2's diff with rename detection reports the changes, as
 * it did for every commit before, so both ways give the same history.
 */

#define MODE_TYPE(m) ((m) & 0170000)
#define CACHE_MAX 64 /* trees kept from one commit for the next */

/* A file the commit added or modified (deletions only matter as a fact). */
typedef struct {
	size_t at;             /* its path in tree_diff.names */
	bool added;
} file_change;

typedef struct {
	git_repository *repo;
	/* the trees of this commit and of the one before: walking back, a
	 * commit's parent trees are the next commit's own */
	git_tree *cur[CACHE_MAX], *prev[CACHE_MAX];
	size_t ncur, nprev;
	gz_buf path;           /* the folder being compared, ending in '/' */
	gz_buf names;          /* changed paths, each followed by a NUL */
	file_change *ch;
	size_t nch, chcap;
	bool added, deleted;
} tree_diff;

/* Tree id, borrowed from the cache, or looked up (*own: the caller frees it
 * once the cache is full). NULL if it cannot be read. */
static git_tree *cached_tree(tree_diff *td, const git_oid *id, bool *own)
{
	git_tree *t;
	size_t i;

	*own = false;
	for (i = 0; i < td->ncur; i++)
		if (git_oid_equal(git_tree_id(td->cur[i]), id))
			return td->cur[i];
	for (i = 0; i < td->nprev; i++) {
		if (git_oid_equal(git_tree_id(td->prev[i]), id)) {
			t = td->prev[i];
			td->prev[i] = td->prev[--td->nprev];
			goto keep;
		}
	}
	if (git_tree_lookup(&t, td->repo, id) < 0)
		return NULL;
keep:
	if (td->ncur == CACHE_MAX) {
		*own = true;
		return t;
	}
	td->cur[td->ncur++] = t;
	return t;
}

/* The next commit: what this one read is what the next may reuse. */
static void cache_turn(tree_diff *td)
{
	size_t i;

	for (i = 0; i < td->nprev; i++)
		git_tree_free(td->prev[i]);
	memcpy(td->prev, td->cur, td->ncur * sizeof(*td->cur));
	td->nprev = td->ncur;
	td->ncur = 0;
}

static void tree_diff_release(tree_diff *td)
{
	cache_turn(td);
	cache_turn(td);
	gz_buf_release(&td->path);
	gz_buf_release(&td->names);
	free(td->ch);
}

static void file_changed(tree_diff *td, const git_tree_entry *e, bool added)
{
	GZ_GROW(td->ch, td->chcap, td->nch + 1);
	td->ch[td->nch].at = td->names.len;
	td->ch[td->nch++].added = added;
	gz_buf_add(&td->names, td->path.ptr, td->path.len);
	gz_buf_puts(&td->names, git_tree_entry_name(e));
	gz_buf_add(&td->names, "", 1);
	if (added)
		td->added = true;
}

static int diff_level(tree_diff *td, const git_tree *a, const git_tree *b);

/* Compare folders ea and eb (either may be NULL: all deleted or added). */
static int diff_folder(tree_diff *td, const git_tree_entry *ea, const git_tree_entry *eb)
{
	git_tree *a = NULL, *b = NULL;
	bool own_a = false, own_b = false;
	size_t len = td->path.len;
	int rc = -1;

	if (ea && !(a = cached_tree(td, git_tree_entry_id(ea), &own_a)))
		goto cleanup;
	if (eb && !(b = cached_tree(td, git_tree_entry_id(eb), &own_b)))
		goto cleanup;
	gz_buf_puts(&td->path, git_tree_entry_name(ea ? ea : eb));
	gz_buf_putc(&td->path, '/');
	rc = diff_level(td, a, b);
	gz_buf_truncate(&td->path, len);
cleanup:
	if (own_a)
		git_tree_free(a);
	if (own_b)
		git_tree_free(b);
	return rc;
}

/* A merge walk over two sorted entry lists (git_tree_entry_cmp is the order
 * trees are stored in), descending only into folders whose oid changed. */
static int diff_level(tree_diff *td, const git_tree *a, const git_tree *b)
{
	size_t i = 0, j = 0, na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
	int rc = 0;

	while (rc == 0 && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int cmp = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);
		git_filemode_t ma, mb;

		if (cmp < 0) {
			/* what a deleted folder held does not matter, only that
			 * something was deleted */
			td->deleted = true;
			i++;
			continue;
		}
		if (cmp > 0) {
			if (git_tree_entry_type(eb) == GIT_OBJECT_TREE)
				rc = diff_folder(td, NULL, eb);
			else
				file_changed(td, eb, true);
			j++;
			continue;
		}
		i++;
		j++;
		ma = git_tree_entry_filemode_raw(ea);
		mb = git_tree_entry_filemode_raw(eb);
		if (ma == mb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			continue;
		if (git_tree_entry_type(ea) == GIT_OBJECT_TREE) {
			rc = diff_folder(td, ea, eb);
		} else if (MODE_TYPE(ma) != MODE_TYPE(mb)) {
			/* a file became a link (or a submodule): libgit2 reports
			 * a deletion and an addition */
			td->deleted = true;
			file_changed(td, eb, true);
		} else {
			file_changed(td, eb, false);
		}
	}
	return rc;
}

/* The tree of folder dir ("content", "site/content") in tree root, or
 * *out NULL if there is none. Returns 0 or -1 if a tree cannot be read. */
static int folder_tree(git_tree **out, bool *own, tree_diff *td, const git_oid *root,
		       const char *dir)
{
	git_tree *top = NULL;
	git_tree_entry *e = NULL;
	int rc = -1;

	*out = NULL;
	*own = false;
	if (git_tree_lookup(&top, td->repo, root) < 0)
		return -1;
	switch (git_tree_entry_bypath(&e, top, dir)) {
	case 0:
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
			*out = cached_tree(td, git_tree_entry_id(e), own);
		rc = git_tree_entry_type(e) != GIT_OBJECT_TREE || *out ? 0 : -1;
		break;
	case GIT_ENOTFOUND:
		rc = 0;
		break;
	}
	git_tree_entry_free(e);
	git_tree_free(top);
	return rc;
}

/* What commit c changed below dir against parent (NULL: an empty tree).
 * Returns -1 if a tree cannot be read. */
static int tree_changes(tree_diff *td, git_commit *c, git_commit *parent, const char *dir)
{
	git_tree *a = NULL, *b = NULL;
	bool own_a = false, own_b = false;
	int rc = -1;

	td->nch = 0;
	td->added = td->deleted = false;
	gz_buf_clear(&td->names);
	gz_buf_clear(&td->path);
	if (parent && folder_tree(&a, &own_a, td, git_commit_tree_id(parent), dir) < 0)
		goto cleanup;
	if (folder_tree(&b, &own_b, td, git_commit_tree_id(c), dir) < 0)
		goto cleanup;
	gz_buf_printf(&td->path, "%s/", dir);
	rc = diff_level(td, a, b);
cleanup:
	if (own_a)
		git_tree_free(a);
	if (own_b)
		git_tree_free(b);
	return rc;
}

static gz_commit *add_commit(gz_repo *r, git_commit *c, git_mailmap *mm)
{
	gz_commit *ci = gz_calloc(1, sizeof(*ci));
	git_signature *sig = NULL;
	const char *summary = git_commit_summary(c);

	git_oid_tostr(ci->sha, sizeof(ci->sha), git_commit_id(c));
	if (git_commit_author_with_mailmap(&sig, c, mm) == 0) {
		ci->author = gz_strdup(sig->name ? sig->name : "");
		ci->email = gz_strdup(sig->email ? sig->email : "");
		ci->time = sig->when.time;
		ci->tz_minutes = sig->when.offset;
		git_signature_free(sig);
	} else {
		ci->author = gz_strdup("");
		ci->email = gz_strdup("");
		ci->time = git_commit_time(c);
	}
	ci->subject = gz_strdup(summary ? summary : "");
	GZ_GROW(r->commits, r->ccap, r->ncommits + 1);
	r->commits[r->ncommits++] = ci;
	return ci;
}

typedef struct {
	gz_repo *r;
	git_repository *repo;
	git_mailmap *mm;
	size_t plen;           /* strlen(r->prefix) */
	git_diff_options dopts;
	git_diff_find_options fopts;
	gz_map names;          /* name at this point of the walk → history */
	gz_strlist name_keys;
	git_commit *c;         /* the commit being looked at */
	gz_commit *ci;         /* and its record, once it touched a file */
} hist_walk;

static gz_history *history_for(hist_walk *hw, const char *path)
{
	gz_history *h = gz_map_get(&hw->names, path);
	char *key;

	if (h)
		return h;
	h = gz_calloc(1, sizeof(*h));
	GZ_GROW(hw->r->hists, hw->r->hcap, hw->r->nhists + 1);
	hw->r->hists[hw->r->nhists++] = h;
	key = gz_strdup(path);
	gz_strlist_take(&hw->name_keys, key);
	gz_map_put(&hw->names, key, h);
	/* the newest name a file had is the one the site knows it by */
	if (!gz_map_get(&hw->r->files, path)) {
		char *fk = gz_strdup(path);
		gz_strlist_take(&hw->r->hist_keys, fk);
		gz_map_put(&hw->r->files, fk, h);
	}
	return h;
}

static void forget_name(hist_walk *hw, const char *path)
{
	if (gz_map_get(&hw->names, path))
		gz_map_put(&hw->names, path, NULL);
}

static void alias_name(hist_walk *hw, const char *path, gz_history *h)
{
	char *key = gz_strdup(path);

	gz_strlist_take(&hw->name_keys, key);
	gz_map_put(&hw->names, key, h);
}

/* The current commit added, modified or renamed (from old_path, NULL if
 * from outside the site) the file at path (site-relative). */
static void record(hist_walk *hw, git_delta_t status, const char *path, const char *old_path)
{
	gz_history *h = history_for(hw, path);

	if (!hw->ci)
		hw->ci = add_commit(hw->r, hw->c, hw->mm);
	GZ_GROW(h->commits, h->cap, h->n + 1);
	h->commits[h->n++] = hw->ci;
	h->created = hw->ci;
	/* older commits knew the file by its old name, or not at all */
	forget_name(hw, path);
	if (status == GIT_DELTA_RENAMED && old_path)
		alias_name(hw, old_path, h);
	else if (status != GIT_DELTA_ADDED)
		alias_name(hw, path, h);
}

/* The current commit's changes through libgit2's diff, with renames.
 * Returns 0, or -1 if a tree cannot be read. */
static int record_diff(hist_walk *hw, git_commit *parent)
{
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	const char *prefix = hw->r->prefix;
	size_t i, nd, plen = hw->plen;
	int rc = -1;

	if ((parent && git_commit_tree(&ptree, parent) < 0) || git_commit_tree(&tree, hw->c) < 0 ||
	    git_diff_tree_to_tree(&diff, hw->repo, ptree, tree, &hw->dopts) < 0)
		goto cleanup;
	git_diff_find_similar(diff, &hw->fopts);
	nd = git_diff_num_deltas(diff);
	for (i = 0; i < nd; i++) {
		const git_diff_delta *dl = git_diff_get_delta(diff, i);
		const char *np = dl->new_file.path, *op = dl->old_file.path;

		if (dl->status == GIT_DELTA_DELETED || strncmp(np, prefix, plen))
			continue;
		record(hw, dl->status, np + plen,
		       dl->status == GIT_DELTA_RENAMED && !strncmp(op, prefix, plen) ? op + plen
										  : NULL);
	}
	rc = 0;
cleanup:
	git_diff_free(diff);
	git_tree_free(tree);
	git_tree_free(ptree);
	return rc;
}

static int walk_history(gz_repo *r, git_repository *repo, const char *sha, const char *prefix,
			char **err)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	hist_walk hw;
	tree_diff td;
	gz_buf spec = GZ_BUF_INIT;
	char *specs[1];
	bool shallow = git_repository_is_shallow(repo) == 1;
	int rc = -1, step = 0;

	memset(&hw, 0, sizeof(hw));
	memset(&td, 0, sizeof(td));
	td.repo = repo;
	td.path = td.names = (gz_buf)GZ_BUF_INIT;
	hw.r = r;
	hw.repo = repo;
	hw.plen = strlen(r->prefix);
	git_diff_options_init(&hw.dopts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&hw.fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	git_mailmap_from_repository(&hw.mm, repo);
	gz_buf_printf(&spec, "%s%s", r->prefix, prefix);
	specs[0] = spec.ptr;
	hw.dopts.pathspec.strings = specs;
	hw.dopts.pathspec.count = 1;
	hw.fopts.flags = GIT_DIFF_FIND_RENAMES;
	/* the folder the tree comparison descends to: "site/content" */
	while (spec.len && spec.ptr[spec.len - 1] == '/')
		gz_buf_truncate(&spec, spec.len - 1);

	if (git_oid_fromstr(&oid, sha) < 0 || git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, &oid) < 0) {
		*err = git_err("cannot walk the history");
		goto cleanup;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while ((step = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *parent = NULL;
		size_t i;

		hw.c = NULL;
		hw.ci = NULL;
		if (git_commit_lookup(&hw.c, repo, &oid) < 0)
			break;
		/* a merge's changes are the commits it merges: walk those */
		if (git_commit_parentcount(hw.c) > 1)
			goto next;
		/* a shallow clone's oldest commits have no parents to read */
		if (git_commit_parentcount(hw.c) == 1 && git_commit_parent(&parent, hw.c, 0) < 0) {
			parent = NULL;
			if (!shallow)
				break;
		}
		if (!spec.len || tree_changes(&td, hw.c, parent, spec.ptr) < 0 ||
		    (td.added && td.deleted)) {
			if (record_diff(&hw, parent) < 0) {
				git_commit_free(parent);
				break;
			}
		} else {
			for (i = 0; i < td.nch; i++) {
				const char *p = td.names.ptr + td.ch[i].at;
				record(&hw, td.ch[i].added ? GIT_DELTA_ADDED : GIT_DELTA_MODIFIED,
				       p + hw.plen, NULL);
			}
		}
		cache_turn(&td);
next:
		git_commit_free(parent);
		git_commit_free(hw.c);
	}
	/* in a shallow clone the walk ends at the commits whose parents it lacks */
	if (step != GIT_ITEROVER && !(shallow && step < 0)) {
		char hex[GIT_OID_HEXSZ + 1], what[80];
		git_oid_tostr(hex, sizeof(hex), &oid);
		snprintf(what, sizeof(what), "cannot read the history (near commit %.12s)", hex);
		*err = git_damaged(what);
		git_commit_free(hw.c);
		goto cleanup;
	}
	rc = 0;
cleanup:
	git_revwalk_free(walk);
	git_mailmap_free(hw.mm);
	gz_map_release(&hw.names);
	gz_strlist_release(&hw.name_keys);
	tree_diff_release(&td);
	gz_buf_release(&spec);
	return rc;
}

int gz_repo_walk_history(gz_repo *r, const char *sha, const char *prefix, char **err)
{
	return walk_history(r, r->repo, sha, prefix, err);
}

static void *walk_thread(void *arg)
{
	gz_repo *r = arg;
	git_repository *repo;

	/* libgit2 objects are not shared across threads: a handle of its own */
	if (git_repository_open_ext(&repo, r->path, 0, NULL) < 0) {
		r->walk_err = git_err("cannot open the git repository");
		r->walk_rc = -1;
		return NULL;
	}
	r->walk_rc = walk_history(r, repo, r->walk_sha, r->walk_prefix, &r->walk_err);
	git_repository_free(repo);
	return NULL;
}

void gz_repo_walk_history_start(gz_repo *r, const char *sha, const char *prefix)
{
	assert(!r->walking);
	memcpy(r->walk_sha, sha, sizeof(r->walk_sha));
	r->walk_sha[sizeof(r->walk_sha) - 1] = '\0';
	free(r->walk_prefix);
	r->walk_prefix = gz_strdup(prefix);
	r->walk_err = NULL;
	if (pthread_create(&r->walker, NULL, walk_thread, r) == 0)
		r->walking = true;
	else
		r->walk_rc = walk_history(r, r->repo, sha, prefix, &r->walk_err);
}

int gz_repo_walk_history_wait(gz_repo *r, char **err)
{
	if (r->walking) {
		pthread_join(r->walker, NULL);
		r->walking = false;
	}
	if (r->walk_rc < 0) {
		*err = r->walk_err;
		r->walk_err = NULL;
	}
	return r->walk_rc;
}

const gz_history *gz_repo_history_of(const gz_repo *r, const char *path)
{
	return gz_map_get(&r->files, path);
}

uint64_t gz_history_hash(const gz_history *h)
{
	uint64_t x = GZ_HASH_INIT;
	size_t i;

	for (i = 0; i < h->n; i++)
		x = gz_hash_str(gz_hash_str(x, h->commits[i]->sha), h->commits[i]->author);
	return x;
}
