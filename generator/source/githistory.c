/*
 * githistory.c: every file's history below the content folder, in one
 * revision walk (git.h): created (following renames), updated, authors
 * through .mailmap, and the list of commits. Each commit is compared with
 * its parent by gitdiff.c; a walk that can start from the history record
 * (gitrecord.c) goes through the new commits only.
 */
#include "source/git_private.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/pool.h"
#include "base/hash.h"
#include "base/i18n.h"

/* The author of rec through .mailmap, as git_commit_author_with_mailmap
 * gives it (that is git_mailmap_resolve_signature: the same signature
 * checks), from what the commit or the record says. */
void gz_commit_rec_mailmap(gz_commit_rec *rec, git_mailmap *mm)
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

void gz_repo_keep_commit(gz_repo *r, gz_commit_rec *rec)
{
	GZ_GROW(r->commits, r->ccap, r->ncommits + 1);
	r->commits[r->ncommits++] = &rec->pub;
}

void gz_commit_rec_free(gz_commit_rec *rec)
{
	free(rec->pub.author);
	free(rec->pub.email);
	free(rec->pub.subject);
	free(rec->name);
	free(rec->mail);
	free(rec);
}

static gz_commit *add_commit(gz_repo *r, git_commit *c, git_mailmap *mm)
{
	gz_commit_rec *rec = gz_calloc(1, sizeof(*rec));
	const git_signature *raw = git_commit_author(c);
	const char *summary = git_commit_summary(c);

	git_oid_tostr(rec->pub.sha, sizeof(rec->pub.sha), git_commit_id(c));
	rec->name = gz_strdup(raw && raw->name ? raw->name : "");
	rec->mail = gz_strdup(raw && raw->email ? raw->email : "");
	rec->commit_time = git_commit_time(c);
	rec->author_time = raw ? raw->when.time : 0;
	rec->author_offset = raw ? raw->when.offset : 0;
	gz_commit_rec_mailmap(rec, mm);
	rec->pub.subject = gz_strdup(summary ? summary : "");
	gz_repo_keep_commit(r, rec);
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

void gz_repo_keep_history(gz_repo *r, gz_hist_rec *h)
{
	GZ_GROW(r->hists, r->hcap, r->nhists + 1);
	r->hists[r->nhists++] = &h->pub;
}

static gz_history *history_for(hist_walk *hw, const char *path)
{
	gz_hist_rec *h = gz_map_get(&hw->names, path);
	char *key;

	if (h)
		return &h->pub;
	h = gz_calloc(1, sizeof(*h));
	h->fresh = !gz_map_has(&hw->names, path);
	gz_repo_keep_history(hw->r, h);
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

static uint64_t order_hash(const git_oid *ids, size_t n)
{
	uint64_t h = GZ_HASH_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		h = gz_hash_add(h, ids[i].id, GIT_OID_RAWSZ);
	return h;
}

/* The message for a history walk that met an object it cannot read. */
static char *history_damaged(const git_oid *near)
{
	char hex[GIT_OID_HEXSZ + 1], what[160];

	git_oid_tostr(hex, sizeof(hex), near);
	snprintf(what, sizeof(what), _("cannot read the history (near commit %.12s)"), hex);
	return gz_git_damaged(what);
}

/* What commit hw->c changed, recorded. Returns 0, or -1 if an object it
 * needs cannot be read (a damaged repository). */
static int walk_commit(hist_walk *hw, gz_tree_diff *td, const char *dir, bool shallow)
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
	if (!*dir || gz_tree_diff_changes(td, hw->c, parent, dir) < 0 ||
	    (td->added && td->deleted)) {
		rc = record_diff(hw, parent);
	} else {
		for (i = 0; i < td->nch; i++) {
			const char *p = td->names.ptr + td->ch[i].at;
			record(hw, td->ch[i].added ? GIT_DELTA_ADDED : GIT_DELTA_MODIFIED,
			       p + hw->plen, NULL);
		}
	}
	gz_tree_diff_turn(td);
	git_commit_free(parent);
	return rc;
}

/* The ids of the commits sha reaches, in the walk's order (*out, *nout:
 * the caller frees them). Returns 0, or -1 with *err. */
static int list_commits(git_oid **out, size_t *nout, git_repository *repo, const char *sha,
			char **err)
{
	git_revwalk *walk = NULL;
	git_oid oid, *ids = NULL;
	bool shallow = git_repository_is_shallow(repo) == 1;
	size_t n = 0, cap = 0;
	int step, rc = -1;

	if (git_oid_fromstr(&oid, sha) < 0 || git_revwalk_new(&walk, repo) < 0 ||
	    git_revwalk_push(walk, &oid) < 0) {
		*err = gz_git_error(_("cannot walk the history: %s"), gz_git_message());
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
	rc = 0;
cleanup:
	git_revwalk_free(walk);
	if (rc < 0) {
		free(ids);
		ids = NULL;
		n = 0;
	}
	*out = ids;
	*nout = n;
	return rc;
}

static int walk_history(gz_repo *r, git_repository *repo, const char *sha, const char *prefix,
			char **err)
{
	git_oid *ids = NULL;
	hist_walk hw;
	gz_hist_record rec;
	gz_tree_diff td;
	gz_buf spec = GZ_BUF_INIT;
	char *specs[1];
	bool shallow = git_repository_is_shallow(repo) == 1;
	size_t n = 0, end, i;
	int have = 0, rc = -1;

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
		have = gz_hist_record_load(&rec, r->cache, r->walk_spec);
		if (have < 0)
			r->walk_warn = gz_strdup(_("not a record gazette wrote (damaged?); reading "
						   "the whole history again"));
	}
	if (have > 0 && !strcmp(rec.sha, sha)) {
		r->nwalk = rec.nwalk;
		r->order = rec.order;
		gz_hist_record_install(r, &rec, hw.mm);
		rc = 0;
		goto cleanup;
	}
	if (list_commits(&ids, &n, repo, sha, err) < 0)
		goto cleanup;
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
		gz_hist_record_merge(r, &rec, &hw.names, hw.mm);
	r->dirty = true;
	rc = 0;
cleanup:
	gz_hist_record_release(&rec, rc == 0 && have > 0);
	free(ids);
	git_mailmap_free(hw.mm);
	gz_map_release(&hw.names);
	gz_strlist_release(&hw.name_keys);
	gz_tree_diff_release(&td);
	gz_buf_release(&spec);
	return rc;
}

int gz_repo_walk_history(gz_repo *r, const char *sha, const char *prefix, gz_diag *d)
{
	char *err = NULL;
	int rc = walk_history(r, r->repo, sha, prefix, &err);

	if (rc < 0)
		gz_diag_error(d, r->given, 0, 0, "%s", err);
	free(err);
	return rc;
}

static void *walk_thread(void *arg)
{
	gz_repo *r = arg;
	git_repository *repo;

	/* libgit2 objects are not shared across threads: a handle of its own */
	if (git_repository_open_ext(&repo, r->path, 0, NULL) < 0) {
		r->walk_err = gz_git_error(_("cannot open the git repository: %s"),
					   gz_git_message());
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
	if (gz_thread_start(&r->walker, NULL, walk_thread, r) == 0)
		r->walking = true;
	else
		r->walk_rc = walk_history(r, r->repo, sha, prefix, &r->walk_err);
}

int gz_repo_walk_history_wait(gz_repo *r, gz_diag *d)
{
	if (r->walking) {
		pthread_join(r->walker, NULL);
		r->walking = false;
	}
	if (r->walk_warn)
		gz_diag_warn(d, r->cache, 0, 0, "%s", r->walk_warn);
	free(r->walk_warn);
	r->walk_warn = NULL;
	if (r->walk_rc < 0)
		gz_diag_error(d, r->given, 0, 0, "%s", r->walk_err ? r->walk_err : "");
	free(r->walk_err);
	r->walk_err = NULL;
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
