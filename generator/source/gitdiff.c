/*
 * gitdiff.c: what a commit changed below a folder (git_private.h).
 *
 * The walk compares each commit's tree with its parent's below the content
 * folder. Trees are compared level by level, entry by entry in their sorted
 * order, and a folder is read only when its oid changed: a commit that edits
 * one story of ten thousand reads the few trees on the way to it. Renames
 * can only be found where a commit both adds and deletes files; for those
 * few commits libgit2's diff with rename detection reports the changes, as
 * it did for every commit before, so both ways give the same history.
 */
#include "source/git_private.h"

#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

#define MODE_TYPE(m) ((m) & 0170000)

/* Tree id, borrowed from the cache, or looked up (*own: the caller frees it
 * once the cache is full). NULL if it cannot be read. */
static git_tree *cached_tree(gz_tree_diff *td, const git_oid *id, bool *own)
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
	if (td->ncur == GZ_TREE_CACHE_MAX) {
		*own = true;
		return t;
	}
	td->cur[td->ncur++] = t;
	return t;
}

/* A tree from cached_tree, freed if it was the caller's (*own). */
static void tree_done(git_tree *t, bool own)
{
	if (own)
		git_tree_free(t);
}

void gz_tree_diff_turn(gz_tree_diff *td)
{
	size_t i;

	for (i = 0; i < td->nprev; i++)
		git_tree_free(td->prev[i]);
	memcpy(td->prev, td->cur, td->ncur * sizeof(*td->cur));
	td->nprev = td->ncur;
	td->ncur = 0;
}

void gz_tree_diff_release(gz_tree_diff *td)
{
	gz_tree_diff_turn(td);
	gz_tree_diff_turn(td);
	gz_buf_release(&td->path);
	gz_buf_release(&td->names);
	free(td->ch);
}

static void file_changed(gz_tree_diff *td, const git_tree_entry *e, bool added)
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

static int diff_level(gz_tree_diff *td, const git_tree *a, const git_tree *b);

/* Compare folders ea and eb (either may be NULL: all deleted or added). */
static int diff_folder(gz_tree_diff *td, const git_tree_entry *ea, const git_tree_entry *eb)
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
	tree_done(a, own_a);
	tree_done(b, own_b);
	return rc;
}

/* A merge walk over two sorted entry lists (git_tree_entry_cmp is the order
 * trees are stored in), descending only into folders whose oid changed. */
static int diff_level(gz_tree_diff *td, const git_tree *a, const git_tree *b)
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
static int folder_tree(git_tree **out, bool *own, gz_tree_diff *td, const git_oid *root,
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

int gz_tree_diff_changes(gz_tree_diff *td, git_commit *c, git_commit *parent, const char *dir)
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
	tree_done(a, own_a);
	tree_done(b, own_b);
	return rc;
}
