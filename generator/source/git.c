#include "source/git.h"

#include <assert.h>
#include <git2.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/program.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/hash.h"

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
	char *walk_prefix, *walk_err, *walk_warn;
	char *cache;           /* the history record's file, or NULL */
	char *walk_spec;       /* the folder walked: prefix and "content/" */
	bool cache_fresh;      /* do not read it, only write it */
	bool dirty;            /* the walk found what the record lacks */
	size_t nwalk;          /* commits the walk went through */
	uint64_t order;        /* a hash of their ids, in walk order */
	int walk_rc;
};

/* A commit, with its author as the commit says (before .mailmap): the
 * history record keeps that, so a .mailmap edited later still applies. */
typedef struct {
	gz_commit pub;
	char *name, *mail;
	int64_t author_time, commit_time;
	int author_offset;
	size_t num;            /* its line in the record being written */
} commit_rec;

/* A history, and whether the walk made it for a name no newer commit had
 * used (see merge_record). */
typedef struct {
	gz_history pub;
	bool fresh;
} hist_rec;

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
	free(r->walk_warn);
	free(r->walk_prefix);
	free(r->cache);
	free(r->walk_spec);
	free(r->path);
	for (i = 0; i < r->nhists; i++) {
		free(r->hists[i]->commits);
		free(r->hists[i]);
	}
	free(r->hists);
	for (i = 0; i < r->ncommits; i++) {
		commit_rec *c = (commit_rec *)r->commits[i];
		free(c->pub.author);
		free(c->pub.email);
		free(c->pub.subject);
		free(c->name);
		free(c->mail);
		free(c);
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
	char hex[GIT_OID_HEXSZ + 1], what[96], *why;
	git_blob *blob;

	if (!oid)
		return gz_strdup("cannot read the file: it is not in this revision");
	git_oid_tostr(hex, sizeof(hex), oid);
	snprintf(what, sizeof(what), "cannot read the file from git (object %s)", hex);
	pthread_mutex_lock(&t->lock);
	if (git_blob_lookup(&blob, t->r->repo, oid) == 0) {
		git_blob_free(blob);
		why = gz_strdup(what);
	} else {
		why = git_damaged(what);
	}
	pthread_mutex_unlock(&t->lock);
	return why;
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

/* The author of rec through .mailmap, as git_commit_author_with_mailmap
 * gives it (that is git_mailmap_resolve_signature: the same signature
 * checks), from what the commit or the record says. */
static void apply_mailmap(commit_rec *rec, git_mailmap *mm)
{
	gz_commit *ci = &rec->pub;
	git_signature *sig = NULL;
	const char *name = NULL, *mail = NULL;

	if (git_mailmap_resolve(&name, &mail, mm, rec->name, rec->mail) == 0 &&
	    git_signature_new(&sig, name, mail, rec->author_time, rec->author_offset) == 0) {
		ci->author = gz_strdup(sig->name ? sig->name : "");
		ci->email = gz_strdup(sig->email ? sig->email : "");
		ci->time = sig->when.time;
		ci->tz_minutes = sig->when.offset;
		git_signature_free(sig);
	} else {
		ci->author = gz_strdup("");
		ci->email = gz_strdup("");
		ci->time = rec->commit_time;
		ci->tz_minutes = 0;
	}
}

static void keep_commit(gz_repo *r, commit_rec *rec)
{
	GZ_GROW(r->commits, r->ccap, r->ncommits + 1);
	r->commits[r->ncommits++] = &rec->pub;
}

static gz_commit *add_commit(gz_repo *r, git_commit *c, git_mailmap *mm)
{
	commit_rec *rec = gz_calloc(1, sizeof(*rec));
	const git_signature *raw = git_commit_author(c);
	const char *summary = git_commit_summary(c);

	git_oid_tostr(rec->pub.sha, sizeof(rec->pub.sha), git_commit_id(c));
	rec->name = gz_strdup(raw && raw->name ? raw->name : "");
	rec->mail = gz_strdup(raw && raw->email ? raw->email : "");
	rec->commit_time = git_commit_time(c);
	rec->author_time = raw ? raw->when.time : 0;
	rec->author_offset = raw ? raw->when.offset : 0;
	apply_mailmap(rec, mm);
	rec->pub.subject = gz_strdup(summary ? summary : "");
	keep_commit(r, rec);
	return &rec->pub;
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

static void keep_history(gz_repo *r, hist_rec *h)
{
	GZ_GROW(r->hists, r->hcap, r->nhists + 1);
	r->hists[r->nhists++] = &h->pub;
}

static gz_history *history_for(hist_walk *hw, const char *path)
{
	hist_rec *h = gz_map_get(&hw->names, path);
	char *key;

	if (h)
		return &h->pub;
	h = gz_calloc(1, sizeof(*h));
	h->fresh = !gz_map_has(&hw->names, path);
	keep_history(hw->r, h);
	key = gz_strdup(path);
	gz_strlist_take(&hw->name_keys, key);
	gz_map_put(&hw->names, key, h);
	/* the newest name a file had is the one the site knows it by */
	if (!gz_map_get(&hw->r->files, path)) {
		char *fk = gz_strdup(path);
		gz_strlist_take(&hw->r->hist_keys, fk);
		gz_map_put(&hw->r->files, fk, h);
	}
	return &h->pub;
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

/* ---- the history record ----
 *
 * The walk's result is kept in the cache folder, keyed by the commit it
 * was computed for: a build of the same commit reads it instead of walking
 * again. When the new commit descends from the recorded one, the walk goes
 * through the new commits only and joins the record on (merge_record). The
 * record is text:
 *
 *   gazette-history 1 PROGRAM-HASH
 *   SHA \t COMMITS-WALKED \t ORDER-HASH \t FOLDER
 *   c \t SHA \t AUTHOR-TIME \t OFFSET \t COMMIT-TIME \t NAME \t EMAIL \t SUBJECT
 *   f \t FRESH \t N,N,… \t PATH
 *
 * "c" lines are numbered from 0; an "f" line is a file's history, newest
 * first, by those numbers. Names and emails are as the commits say them:
 * .mailmap applies when the record is read. Tabs, newlines and backslashes
 * in fields are escaped with a backslash.
 */

typedef struct {
	char *path;
	bool fresh;
	size_t *nums, n;
} record_file;

typedef struct {
	char sha[41];
	size_t nwalk;
	uint64_t order;
	commit_rec **commits;
	size_t ncommits, ccap;
	record_file *files;
	size_t nfiles, fcap;
	char *text;            /* the file, fields unescaped in place */
} hist_record;

static void record_release(hist_record *rec, bool commits_taken)
{
	size_t i;

	for (i = 0; !commits_taken && i < rec->ncommits; i++) {
		free(rec->commits[i]->pub.author);
		free(rec->commits[i]->pub.email);
		free(rec->commits[i]->pub.subject);
		free(rec->commits[i]->name);
		free(rec->commits[i]->mail);
		free(rec->commits[i]);
	}
	for (i = 0; i < rec->nfiles; i++)
		free(rec->files[i].nums);
	free(rec->commits);
	free(rec->files);
	free(rec->text);
	memset(rec, 0, sizeof(*rec));
}

static void put_escaped(gz_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			gz_buf_puts(b, "\\\\");
		else if (*s == '\t')
			gz_buf_puts(b, "\\t");
		else if (*s == '\n')
			gz_buf_puts(b, "\\n");
		else
			gz_buf_putc(b, *s);
	}
}

/* Split line at tabs into want fields, unescaping each in place. Returns
 * false unless there are exactly want. */
static bool split_fields(char *line, char **f, int want)
{
	int n = 0;
	char *p = line, *w;

	f[n++] = line;
	for (w = p; *p; p++) {
		if (*p == '\t') {
			*w++ = '\0';
			if (n == want)
				return false;
			f[n++] = w;
		} else if (*p == '\\') {
			p++;
			if (*p == '\\')
				*w++ = '\\';
			else if (*p == 't')
				*w++ = '\t';
			else if (*p == 'n')
				*w++ = '\n';
			else
				return false;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return n == want;
}

static bool parse_num(const char *s, int base, long long *out)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, base);
	return !*end && errno == 0;
}

/* Exactly 16 lower-case hex digits. */
static bool parse_hex64(const char *s, uint64_t *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < 16; i++) {
		const char *d = s[i] ? strchr("0123456789abcdef", s[i]) : NULL;
		if (!d)
			return false;
		*out = *out << 4 | (uint64_t)(d - "0123456789abcdef");
	}
	return !s[16];
}

static bool is_sha(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!s[i] || !strchr("0123456789abcdef", s[i]))
			return false;
	return !s[40];
}

static char *record_magic(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "gazette-history 1 %016" PRIx64 "\n", gz_program_hash());
	return gz_buf_detach(&b, NULL);
}

/* Read the record in file for folder spec. Returns 1 if there is one, 0 if
 * there is none (or another gazette's, or another folder's), -1 if the
 * file is not a record at all. */
static int record_load(hist_record *rec, const char *file, const char *spec)
{
	FILE *f = fopen(file, "rb");
	gz_buf b = GZ_BUF_INIT;
	char chunk[65536], *magic = NULL, *line, *nl, *fl[8];
	size_t n;
	long long v;
	int rc = -1;

	memset(rec, 0, sizeof(*rec));
	if (!f)
		return 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gz_buf_add(&b, chunk, n);
	fclose(f);
	rec->text = gz_buf_detach(&b, &n);
	magic = record_magic();
	line = rec->text;
	if (strncmp(line, magic, strlen(magic))) {
		/* another gazette's record is expected (an upgrade); junk is not */
		rc = strncmp(line, "gazette-history ", 16) ? -1 : 0;
		goto done;
	}
	line += strlen(magic);
	if (!(nl = strchr(line, '\n')))
		goto done;
	*nl = '\0';
	if (!split_fields(line, fl, 4) || !is_sha(fl[0]) || !parse_num(fl[1], 10, &v) || v < 1)
		goto done;
	memcpy(rec->sha, fl[0], 41);
	rec->nwalk = (size_t)v;
	if (!parse_hex64(fl[2], &rec->order))
		goto done;
	if (strcmp(fl[3], spec)) {
		rc = 0;
		goto done;
	}
	for (line = nl + 1; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			goto done;
		*nl = '\0';
		if (line[0] == 'c' && line[1] == '\t') {
			commit_rec *c;
			long long t, off, ct;
			if (!split_fields(line + 2, fl, 7) || !is_sha(fl[0]) ||
			    !parse_num(fl[1], 10, &t) || !parse_num(fl[2], 10, &off) ||
			    off < -24 * 60 || off > 24 * 60 || !parse_num(fl[3], 10, &ct))
				goto done;
			c = gz_calloc(1, sizeof(*c));
			memcpy(c->pub.sha, fl[0], 41);
			c->name = gz_strdup(fl[4]);
			c->mail = gz_strdup(fl[5]);
			c->pub.subject = gz_strdup(fl[6]);
			c->commit_time = ct;
			c->author_time = t;
			c->author_offset = (int)off;
			GZ_GROW(rec->commits, rec->ccap, rec->ncommits + 1);
			rec->commits[rec->ncommits++] = c;
		} else if (line[0] == 'f' && line[1] == '\t') {
			record_file *rf;
			char *p, *end;
			size_t cap = 0;
			if (!split_fields(line + 2, fl, 3) || (strcmp(fl[0], "0") && strcmp(fl[0], "1")) ||
			    !*fl[2])
				goto done;
			GZ_GROW(rec->files, rec->fcap, rec->nfiles + 1);
			rf = &rec->files[rec->nfiles++];
			memset(rf, 0, sizeof(*rf));
			rf->path = fl[2];
			rf->fresh = fl[0][0] == '1';
			for (p = fl[1];; p = end + 1) {
				unsigned long long k;
				if (*p < '0' || *p > '9')
					goto done;
				errno = 0;
				k = strtoull(p, &end, 10);
				if (errno || k >= rec->ncommits || (*end && *end != ','))
					goto done;
				GZ_GROW(rf->nums, cap, rf->n + 1);
				rf->nums[rf->n++] = (size_t)k;
				if (!*end)
					break;
			}
		} else {
			goto done;
		}
	}
	rc = 1;
done:
	free(magic);
	if (rc < 1)
		record_release(rec, false);
	return rc;
}

/* A history made of the record's commits for file rf. */
static hist_rec *record_history(const hist_record *rec, const record_file *rf)
{
	hist_rec *h = gz_calloc(1, sizeof(*h));
	size_t i;

	h->fresh = rf->fresh;
	h->pub.commits = gz_malloc(rf->n * sizeof(*h->pub.commits));
	h->pub.n = h->pub.cap = rf->n;
	for (i = 0; i < rf->n; i++)
		h->pub.commits[i] = &rec->commits[rf->nums[i]]->pub;
	h->pub.created = h->pub.commits[rf->n - 1];
	return h;
}

static void add_file(gz_repo *r, const char *path, hist_rec *h)
{
	char *key = gz_strdup(path);

	gz_strlist_take(&r->hist_keys, key);
	gz_map_put(&r->files, key, h);
}

/* The record's commits become the repository's, .mailmap applied. */
static void take_commits(gz_repo *r, hist_record *rec, git_mailmap *mm)
{
	size_t i;

	for (i = 0; i < rec->ncommits; i++) {
		apply_mailmap(rec->commits[i], mm);
		keep_commit(r, rec->commits[i]);
	}
}

/*
 * The walk went from the new commit down to (not into) the recorded one;
 * what a full walk would do next is what the recorded walk did, from the
 * state the new commits left in hw->names. The record's histories were
 * each made when the recorded walk first met a name; one made for a name
 * the recorded walk had not used before (fresh) would instead have gone on
 * the history the new commits left under that name, if any. Every other
 * history is made the same way in both walks, and is the site's under its
 * name unless the new commits made one for that name first.
 */
static void merge_record(gz_repo *r, hist_record *rec, hist_walk *hw)
{
	size_t i, k;

	for (i = 0; i < rec->nfiles; i++) {
		const record_file *rf = &rec->files[i];
		hist_rec *h = rf->fresh ? gz_map_get(&hw->names, rf->path) : NULL;

		if (h) {
			GZ_GROW(h->pub.commits, h->pub.cap, h->pub.n + rf->n);
			for (k = 0; k < rf->n; k++)
				h->pub.commits[h->pub.n++] = &rec->commits[rf->nums[k]]->pub;
			h->pub.created = h->pub.commits[h->pub.n - 1];
		} else if (!gz_map_get(&r->files, rf->path)) {
			h = record_history(rec, rf);
			h->fresh = rf->fresh && !gz_map_has(&hw->names, rf->path);
			keep_history(r, h);
			add_file(r, rf->path, h);
		}
	}
	take_commits(r, rec, hw->mm);
}

/* The record as the site's history: it was made for this very commit. */
static void install_record(gz_repo *r, hist_record *rec, git_mailmap *mm)
{
	size_t i;

	for (i = 0; i < rec->nfiles; i++) {
		hist_rec *h = record_history(rec, &rec->files[i]);
		keep_history(r, h);
		add_file(r, rec->files[i].path, h);
	}
	take_commits(r, rec, mm);
}

static uint64_t order_hash(const git_oid *ids, size_t n)
{
	uint64_t h = GZ_HASH_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		h = gz_hash_add(h, ids[i].id, GIT_OID_RAWSZ);
	return h;
}

int gz_repo_history_save(gz_repo *r)
{
	gz_buf b = GZ_BUF_INIT, files = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	char *magic;
	size_t i, k, next = 0;
	FILE *f;
	int rc = 0;

	if (!r->cache || !r->dirty || r->walking || r->walk_rc < 0)
		return 0;
	for (i = 0; i < r->ncommits; i++)
		((commit_rec *)r->commits[i])->num = SIZE_MAX;
	magic = record_magic();
	gz_buf_puts(&b, magic);
	free(magic);
	gz_buf_printf(&b, "%s\t%zu\t%016" PRIx64 "\t", r->walk_sha, r->nwalk, r->order);
	put_escaped(&b, r->walk_spec);
	gz_buf_putc(&b, '\n');
	for (i = 0; i < r->hist_keys.n; i++) {
		const char *path = r->hist_keys.items[i];
		const hist_rec *h = gz_map_get(&r->files, path);
		gz_buf_printf(&files, "f\t%d\t", h->fresh ? 1 : 0);
		for (k = 0; k < h->pub.n; k++) {
			commit_rec *c = (commit_rec *)h->pub.commits[k];
			if (c->num == SIZE_MAX) {
				c->num = next++;
				gz_buf_printf(&b, "c\t%s\t%" PRId64 "\t%d\t%" PRId64 "\t", c->pub.sha,
					      c->author_time, c->author_offset, c->commit_time);
				put_escaped(&b, c->name);
				gz_buf_putc(&b, '\t');
				put_escaped(&b, c->mail);
				gz_buf_putc(&b, '\t');
				put_escaped(&b, c->pub.subject);
				gz_buf_putc(&b, '\n');
			}
			gz_buf_printf(&files, k ? ",%zu" : "%zu", c->num);
		}
		gz_buf_putc(&files, '\t');
		put_escaped(&files, path);
		gz_buf_putc(&files, '\n');
	}
	gz_buf_add(&b, files.ptr, files.len);
	gz_buf_printf(&tmp, "%s.tmp-%ld", r->cache, (long)getpid());
	f = fopen(tmp.ptr, "w");
	if (f) {
		bool ok = fwrite(b.ptr, 1, b.len, f) == b.len;
		if (fclose(f) != 0 || !ok || rename(tmp.ptr, r->cache) < 0) {
			rc = -1;
			unlink(tmp.ptr);
		}
	} else {
		rc = -1;
	}
	r->dirty = false;
	gz_buf_release(&b);
	gz_buf_release(&files);
	gz_buf_release(&tmp);
	return rc;
}

/* The message for a history walk that met an object it cannot read. */
static char *history_damaged(const git_oid *near)
{
	char hex[GIT_OID_HEXSZ + 1], what[80];

	git_oid_tostr(hex, sizeof(hex), near);
	snprintf(what, sizeof(what), "cannot read the history (near commit %.12s)", hex);
	return git_damaged(what);
}

/* What commit hw->c changed, recorded. Returns 0, or -1 if an object it
 * needs cannot be read (a damaged repository). */
static int walk_commit(hist_walk *hw, tree_diff *td, const char *dir, bool shallow)
{
	git_commit *parent = NULL;
	size_t i;
	int rc = 0;

	/* a merge's changes are the commits it merges: walk those */
	if (git_commit_parentcount(hw->c) > 1)
		return 0;
	/* a shallow clone's oldest commits have no parents to read */
	if (git_commit_parentcount(hw->c) == 1 && git_commit_parent(&parent, hw->c, 0) < 0) {
		parent = NULL;
		if (!shallow)
			return -1;
	}
	if (!*dir || tree_changes(td, hw->c, parent, dir) < 0 || (td->added && td->deleted)) {
		rc = record_diff(hw, parent);
	} else {
		for (i = 0; i < td->nch; i++) {
			const char *p = td->names.ptr + td->ch[i].at;
			record(hw, td->ch[i].added ? GIT_DELTA_ADDED : GIT_DELTA_MODIFIED,
			       p + hw->plen, NULL);
		}
	}
	cache_turn(td);
	git_commit_free(parent);
	return rc;
}

static int walk_history(gz_repo *r, git_repository *repo, const char *sha, const char *prefix,
			char **err)
{
	git_revwalk *walk = NULL;
	git_oid oid, *ids = NULL;
	hist_walk hw;
	hist_record rec;
	tree_diff td;
	gz_buf spec = GZ_BUF_INIT;
	char *specs[1];
	bool shallow = git_repository_is_shallow(repo) == 1;
	size_t n = 0, cap = 0, end, i;
	int have = 0, rc = -1, step;

	if (r->walk_sha != sha)
		snprintf(r->walk_sha, sizeof(r->walk_sha), "%s", sha);
	memset(&hw, 0, sizeof(hw));
	memset(&td, 0, sizeof(td));
	memset(&rec, 0, sizeof(rec));
	td.repo = repo;
	td.path = td.names = (gz_buf)GZ_BUF_INIT;
	hw.r = r;
	hw.repo = repo;
	hw.plen = strlen(r->prefix);
	git_diff_options_init(&hw.dopts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&hw.fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	git_mailmap_from_repository(&hw.mm, repo);
	gz_buf_printf(&spec, "%s%s", r->prefix, prefix);
	free(r->walk_spec);
	r->walk_spec = gz_strdup(spec.ptr);
	specs[0] = spec.ptr;
	hw.dopts.pathspec.strings = specs;
	hw.dopts.pathspec.count = 1;
	hw.fopts.flags = GIT_DIFF_FIND_RENAMES;
	/* the folder the tree comparison descends to: "site/content" */
	while (spec.len && spec.ptr[spec.len - 1] == '/')
		gz_buf_truncate(&spec, spec.len - 1);

	if (r->cache && !r->cache_fresh) {
		have = record_load(&rec, r->cache, r->walk_spec);
		if (have < 0) {
			gz_buf w = GZ_BUF_INIT;
			gz_buf_printf(&w, "%s: not a record gazette wrote (damaged?); reading the "
				      "whole history again", r->cache);
			r->walk_warn = gz_buf_detach(&w, NULL);
		}
	}
	if (have > 0 && !strcmp(rec.sha, sha)) {
		r->nwalk = rec.nwalk;
		r->order = rec.order;
		install_record(r, &rec, hw.mm);
		rc = 0;
		goto cleanup;
	}
	if (git_oid_fromstr(&oid, sha) < 0 || git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, &oid) < 0) {
		*err = git_err("cannot walk the history");
		goto cleanup;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while ((step = git_revwalk_next(&oid, walk)) == 0) {
		GZ_GROW(ids, cap, n + 1);
		git_oid_cpy(&ids[n++], &oid);
	}
	/* in a shallow clone the walk ends at the commits whose parents it lacks */
	if (step != GIT_ITEROVER && !(shallow && step < 0)) {
		*err = history_damaged(&oid);
		goto cleanup;
	}
	r->nwalk = n;
	r->order = order_hash(ids, n);
	/* the walk joins the record if it ends the same way the recorded walk
	 * went, commit for commit: then what comes before are the new ones */
	end = n;
	if (have > 0 && n > rec.nwalk && git_oid_streq(&ids[n - rec.nwalk], rec.sha) == 0 &&
	    order_hash(ids + n - rec.nwalk, rec.nwalk) == rec.order)
		end = n - rec.nwalk;
	else
		have = 0;
	for (i = 0; i < end; i++) {
		hw.c = NULL;
		hw.ci = NULL;
		if (git_commit_lookup(&hw.c, repo, &ids[i]) < 0 ||
		    walk_commit(&hw, &td, spec.ptr, shallow) < 0) {
			git_commit_free(hw.c);
			*err = history_damaged(&ids[i]);
			goto cleanup;
		}
		git_commit_free(hw.c);
	}
	if (have > 0)
		merge_record(r, &rec, &hw);
	r->dirty = true;
	rc = 0;
cleanup:
	record_release(&rec, rc == 0 && have > 0);
	free(ids);
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

	gz_alloc_thread_start();
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

void gz_repo_walk_history_start(gz_repo *r, const char *sha, const char *prefix,
				const char *cache, bool fresh)
{
	assert(!r->walking);
	memcpy(r->walk_sha, sha, sizeof(r->walk_sha));
	r->walk_sha[sizeof(r->walk_sha) - 1] = '\0';
	free(r->cache);
	/* a shallow clone's history grows when it is deepened: not kept */
	r->cache = cache && !gz_repo_is_shallow(r) ? gz_strdup(cache) : NULL;
	r->cache_fresh = fresh;
	free(r->walk_prefix);
	r->walk_prefix = gz_strdup(prefix);
	r->walk_err = NULL;
	if (pthread_create(&r->walker, NULL, walk_thread, r) == 0)
		r->walking = true;
	else
		r->walk_rc = walk_history(r, r->repo, sha, prefix, &r->walk_err);
}

int gz_repo_walk_history_wait(gz_repo *r, char **err, char **warning)
{
	if (r->walking) {
		pthread_join(r->walker, NULL);
		r->walking = false;
	}
	*warning = r->walk_warn;
	r->walk_warn = NULL;
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
		x = gz_hash_fast_str(gz_hash_fast_str(x, h->commits[i]->sha), h->commits[i]->author);
	return x;
}
