#include "git.h"

#include <git2.h>
#include <limits.h>
#include <pthread.h>
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
}

static char *git_err(const char *what)
{
	const git_error *e = git_error_last();
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s: %s", what, e && e->message ? e->message : "unknown git error");
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
	int rc = -1;

	if (git_revparse_single(&obj, r->repo, rev ? rev : "HEAD") < 0) {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "revision '%s' not found in the repository", rev ? rev : "HEAD");
		*err = gz_buf_detach(&b, NULL);
		return -1;
	}
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

static const gz_source_ops tree_ops = {ts_list, ts_read, ts_exists, ts_free};

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
		*err = git_err("cannot read the commit");
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
	git_tree_walk(tree, GIT_TREEWALK_PRE, collect, &w);
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
	gz_map names;          /* name at this point of the walk → history */
	gz_strlist name_keys;
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

int gz_repo_walk_history(gz_repo *r, const char *sha, const char *prefix, char **err)
{
	git_revwalk *walk = NULL;
	git_mailmap *mm = NULL;
	git_oid oid;
	hist_walk hw;
	gz_buf spec = GZ_BUF_INIT;
	char *specs[1];
	git_diff_options dopts;
	git_diff_find_options fopts;
	size_t plen = strlen(r->prefix);
	int rc = -1;

	memset(&hw, 0, sizeof(hw));
	hw.r = r;
	git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	git_mailmap_from_repository(&mm, r->repo);
	gz_buf_printf(&spec, "%s%s", r->prefix, prefix);
	specs[0] = spec.ptr;
	dopts.pathspec.strings = specs;
	dopts.pathspec.count = 1;
	fopts.flags = GIT_DIFF_FIND_RENAMES;

	if (git_oid_fromstr(&oid, sha) < 0 || git_revwalk_new(&walk, r->repo) < 0 ||
	    git_revwalk_push(walk, &oid) < 0) {
		*err = git_err("cannot walk the history");
		goto cleanup;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	while (git_revwalk_next(&oid, walk) == 0) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		git_diff *diff = NULL;
		gz_commit *ci = NULL;
		size_t i, nd;

		if (git_commit_lookup(&c, r->repo, &oid) < 0)
			continue;
		/* a merge's changes are the commits it merges: walk those */
		if (git_commit_parentcount(c) > 1)
			goto next;
		if (git_commit_parentcount(c) == 1 && git_commit_parent(&parent, c, 0) == 0)
			git_commit_tree(&ptree, parent);
		git_commit_tree(&tree, c);
		if (git_diff_tree_to_tree(&diff, r->repo, ptree, tree, &dopts) < 0)
			goto next;
		git_diff_find_similar(diff, &fopts);
		nd = git_diff_num_deltas(diff);
		for (i = 0; i < nd; i++) {
			const git_diff_delta *dl = git_diff_get_delta(diff, i);
			const char *np = dl->new_file.path, *op = dl->old_file.path;
			gz_history *h;

			if (dl->status == GIT_DELTA_DELETED)
				continue;
			if (strncmp(np, r->prefix, plen))
				continue;
			h = history_for(&hw, np + plen);
			if (!ci)
				ci = add_commit(r, c, mm);
			GZ_GROW(h->commits, h->cap, h->n + 1);
			h->commits[h->n++] = ci;
			h->created = ci;
			/* older commits knew the file by its old name, or not at all */
			forget_name(&hw, np + plen);
			if (dl->status == GIT_DELTA_RENAMED && !strncmp(op, r->prefix, plen))
				alias_name(&hw, op + plen, h);
			else if (dl->status != GIT_DELTA_ADDED)
				alias_name(&hw, np + plen, h);
		}
next:
		git_diff_free(diff);
		git_tree_free(tree);
		git_tree_free(ptree);
		git_commit_free(parent);
		git_commit_free(c);
	}
	rc = 0;
cleanup:
	git_revwalk_free(walk);
	git_mailmap_free(mm);
	gz_map_release(&hw.names);
	gz_strlist_release(&hw.name_keys);
	gz_buf_release(&spec);
	return rc;
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
