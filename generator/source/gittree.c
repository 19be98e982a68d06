/*
 * gittree.c: the tree of one commit as a gz_source (git.h): its files are
 * listed once, and each is read from the object database when asked for;
 * nothing is checked out.
 */
#include "source/git_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"

typedef struct {
	gz_repo *r;
	gz_map blobs;          /* site-relative path → git_oid* */
	gz_strlist paths;      /* owns the keys, sorted */
	git_oid *oids;
	pthread_mutex_t lock;  /* libgit2 objects are not shared across threads */
} tree_source;

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
	char hex[GIT_OID_HEXSZ + 1], what[160], *why;
	git_blob *blob;

	if (!oid)
		return gz_strdup(_("cannot read the file: it is not in this revision"));
	git_oid_tostr(hex, sizeof(hex), oid);
	snprintf(what, sizeof(what), _("cannot read the file from git (object %s)"), hex);
	pthread_mutex_lock(&t->lock);
	if (git_blob_lookup(&blob, t->r->repo, oid) == 0) {
		git_blob_free(blob);
		why = gz_strdup(what);
	} else {
		why = gz_git_damaged(what);
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

/* An object of the commit sha that cannot be read, at the repository. */
static void damaged(gz_diag *d, const gz_repo *r, const char *what)
{
	char *msg = gz_git_damaged(what);

	gz_diag_error(d, r->given, 0, 0, "%s", msg);
	free(msg);
}

int gz_repo_source(gz_source **out, gz_repo *r, const char *sha, gz_diag *d)
{
	git_oid oid;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	tree_source *t;
	walk_ctx w;
	size_t i;

	if (git_oid_fromstr(&oid, sha) < 0 || git_commit_lookup(&c, r->repo, &oid) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		damaged(d, r, _("cannot read the commit"));
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
		damaged(d, r, _("cannot list the revision's files"));
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
