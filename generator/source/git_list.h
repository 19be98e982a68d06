/*
 * git_list.h: the functions of libgit2 gazette calls, listed once
 * (gitload.h says why they go through a table).
 *
 *   GZ_GIT_FN(ret, name, params, args)   returns ret
 *   GZ_GIT_VOID(name, params, args)      returns nothing
 *   GZ_GIT_OWN(ret, name, params, args)  in the table, but defined by
 *                                        gitload.c itself
 *
 * params is the parameter list as libgit2's headers declare it, args the
 * names passed on; the compiler holds each entry to the header. A function
 * of libgit2 called and not listed here is an undefined symbol when
 * gazette-core.so is linked.
 */
#ifndef GZ_GIT_VOID
#define GZ_GIT_VOID(name, params, args) GZ_GIT_FN(void, name, params, args)
#endif
#ifndef GZ_GIT_OWN
#define GZ_GIT_OWN(ret, name, params, args) GZ_GIT_FN(ret, name, params, args)
#endif

/* clang-format off */
GZ_GIT_FN(int, git_blob_create_from_buffer, (git_oid *id, git_repository *repo, const void *buffer,
	  size_t len),
	  (id, repo, buffer, len))
GZ_GIT_VOID(git_blob_free, (git_blob *blob), (blob))
GZ_GIT_FN(int, git_blob_lookup, (git_blob **blob, git_repository *repo, const git_oid *id),
	  (blob, repo, id))
GZ_GIT_FN(const void *, git_blob_rawcontent, (const git_blob *blob), (blob))
GZ_GIT_FN(git_object_size_t, git_blob_rawsize, (const git_blob *blob), (blob))
GZ_GIT_FN(const git_signature *, git_commit_author, (const git_commit *commit), (commit))
GZ_GIT_FN(int, git_commit_create, (git_oid *id, git_repository *repo, const char *update_ref,
	  const git_signature *author, const git_signature *committer, const char *message_encoding,
	  const char *message, const git_tree *tree, size_t parent_count,
	  const git_commit *parents[]),
	  (id, repo, update_ref, author, committer, message_encoding, message, tree, parent_count,
	  parents))
GZ_GIT_VOID(git_commit_free, (git_commit *commit), (commit))
GZ_GIT_FN(const git_oid *, git_commit_id, (const git_commit *commit), (commit))
GZ_GIT_FN(int, git_commit_lookup, (git_commit **commit, git_repository *repo, const git_oid *id),
	  (commit, repo, id))
GZ_GIT_FN(const char *, git_commit_message, (const git_commit *commit), (commit))
GZ_GIT_FN(int, git_commit_parent, (git_commit **out, const git_commit *commit, unsigned int n),
	  (out, commit, n))
GZ_GIT_FN(unsigned int, git_commit_parentcount, (const git_commit *commit), (commit))
GZ_GIT_FN(const char *, git_commit_summary, (git_commit *commit), (commit))
GZ_GIT_FN(git_time_t, git_commit_time, (const git_commit *commit), (commit))
GZ_GIT_FN(int, git_commit_tree, (git_tree **tree_out, const git_commit *commit), (tree_out, commit))
GZ_GIT_FN(const git_oid *, git_commit_tree_id, (const git_commit *commit), (commit))
GZ_GIT_FN(int, git_diff_find_options_init, (git_diff_find_options *opts, unsigned int version),
	  (opts, version))
GZ_GIT_FN(int, git_diff_find_similar, (git_diff *diff, const git_diff_find_options *options),
	  (diff, options))
GZ_GIT_VOID(git_diff_free, (git_diff *diff), (diff))
GZ_GIT_FN(const git_diff_delta *, git_diff_get_delta, (const git_diff *diff, size_t idx),
	  (diff, idx))
GZ_GIT_FN(size_t, git_diff_num_deltas, (const git_diff *diff), (diff))
GZ_GIT_FN(int, git_diff_options_init, (git_diff_options *opts, unsigned int version),
	  (opts, version))
GZ_GIT_FN(int, git_diff_tree_to_tree, (git_diff **diff, git_repository *repo, git_tree *old_tree,
	  git_tree *new_tree, const git_diff_options *opts),
	  (diff, repo, old_tree, new_tree, opts))
GZ_GIT_FN(const git_error *, git_error_last, (void), ())
GZ_GIT_FN(int, git_graph_descendant_of, (git_repository *repo, const git_oid *commit,
	  const git_oid *ancestor),
	  (repo, commit, ancestor))
GZ_GIT_FN(int, git_index_add, (git_index *index, const git_index_entry *source_entry),
	  (index, source_entry))
GZ_GIT_VOID(git_index_conflict_iterator_free, (git_index_conflict_iterator *iterator), (iterator))
GZ_GIT_FN(int, git_index_conflict_iterator_new, (git_index_conflict_iterator **iterator_out,
	  git_index *index),
	  (iterator_out, index))
GZ_GIT_FN(int, git_index_conflict_next, (const git_index_entry **ancestor_out,
	  const git_index_entry **our_out, const git_index_entry **their_out,
	  git_index_conflict_iterator *iterator),
	  (ancestor_out, our_out, their_out, iterator))
GZ_GIT_VOID(git_index_free, (git_index *index), (index))
GZ_GIT_FN(int, git_index_has_conflicts, (const git_index *index), (index))
GZ_GIT_FN(int, git_index_new, (git_index **out), (out))
GZ_GIT_FN(int, git_index_read_tree, (git_index *index, const git_tree *tree), (index, tree))
GZ_GIT_FN(int, git_index_remove_bypath, (git_index *index, const char *path), (index, path))
GZ_GIT_FN(int, git_index_write_tree_to, (git_oid *out, git_index *index, git_repository *repo),
	  (out, index, repo))
GZ_GIT_FN(int, git_libgit2_init, (void), ())
GZ_GIT_VOID(git_mailmap_free, (git_mailmap *mm), (mm))
GZ_GIT_FN(int, git_mailmap_from_repository, (git_mailmap **out, git_repository *repo), (out, repo))
GZ_GIT_FN(int, git_mailmap_resolve, (const char **real_name, const char **real_email,
	  const git_mailmap *mm, const char *name, const char *email),
	  (real_name, real_email, mm, name, email))
GZ_GIT_FN(int, git_merge_base, (git_oid *out, git_repository *repo, const git_oid *one,
	  const git_oid *two),
	  (out, repo, one, two))
GZ_GIT_FN(int, git_merge_commits, (git_index **out, git_repository *repo,
	  const git_commit *our_commit, const git_commit *their_commit,
	  const git_merge_options *opts),
	  (out, repo, our_commit, their_commit, opts))
GZ_GIT_VOID(git_object_free, (git_object *object), (object))
GZ_GIT_FN(int, git_object_peel, (git_object **peeled, const git_object *object,
	  git_object_t target_type),
	  (peeled, object, target_type))
GZ_GIT_FN(int, git_oid_cpy, (git_oid *out, const git_oid *src), (out, src))
GZ_GIT_FN(int, git_oid_equal, (const git_oid *a, const git_oid *b), (a, b))
GZ_GIT_FN(int, git_oid_fromstr, (git_oid *out, const char *str), (out, str))
GZ_GIT_FN(int, git_oid_streq, (const git_oid *id, const char *str), (id, str))
GZ_GIT_FN(char *, git_oid_tostr, (char *out, size_t n, const git_oid *id), (out, n, id))
GZ_GIT_FN(int, git_reference_create, (git_reference **out, git_repository *repo, const char *name,
	  const git_oid *id, int force, const char *log_message),
	  (out, repo, name, id, force, log_message))
GZ_GIT_FN(int, git_reference_create_matching, (git_reference **out, git_repository *repo,
	  const char *name, const git_oid *id, int force, const git_oid *current_id,
	  const char *log_message),
	  (out, repo, name, id, force, current_id, log_message))
GZ_GIT_VOID(git_reference_free, (git_reference *ref), (ref))
GZ_GIT_FN(int, git_reference_is_valid_name, (const char *refname), (refname))
GZ_GIT_VOID(git_reference_iterator_free, (git_reference_iterator *iter), (iter))
GZ_GIT_FN(int, git_reference_iterator_new, (git_reference_iterator **out, git_repository *repo),
	  (out, repo))
GZ_GIT_FN(int, git_reference_lookup, (git_reference **out, git_repository *repo, const char *name),
	  (out, repo, name))
GZ_GIT_FN(int, git_reference_name_to_id, (git_oid *out, git_repository *repo, const char *name),
	  (out, repo, name))
GZ_GIT_FN(int, git_reference_next_name, (const char **out, git_reference_iterator *iter),
	  (out, iter))
GZ_GIT_FN(int, git_reference_remove, (git_repository *repo, const char *name), (repo, name))
GZ_GIT_FN(const char *, git_reference_symbolic_target, (const git_reference *ref), (ref))
GZ_GIT_FN(git_reference_t, git_reference_type, (const git_reference *ref), (ref))
GZ_GIT_VOID(git_repository_free, (git_repository *repo), (repo))
GZ_GIT_FN(int, git_repository_is_bare, (const git_repository *repo), (repo))
GZ_GIT_FN(int, git_repository_is_shallow, (git_repository *repo), (repo))
GZ_GIT_FN(int, git_repository_open_ext, (git_repository **out, const char *path, unsigned int flags,
	  const char *ceiling_dirs),
	  (out, path, flags, ceiling_dirs))
GZ_GIT_FN(const char *, git_repository_path, (const git_repository *repo), (repo))
GZ_GIT_FN(const char *, git_repository_workdir, (const git_repository *repo), (repo))
GZ_GIT_FN(int, git_revparse_single, (git_object **out, git_repository *repo, const char *spec),
	  (out, repo, spec))
GZ_GIT_VOID(git_revwalk_free, (git_revwalk *walk), (walk))
GZ_GIT_FN(int, git_revwalk_hide, (git_revwalk *walk, const git_oid *commit_id), (walk, commit_id))
GZ_GIT_FN(int, git_revwalk_new, (git_revwalk **out, git_repository *repo), (out, repo))
GZ_GIT_FN(int, git_revwalk_next, (git_oid *out, git_revwalk *walk), (out, walk))
GZ_GIT_FN(int, git_revwalk_push, (git_revwalk *walk, const git_oid *id), (walk, id))
GZ_GIT_FN(int, git_revwalk_sorting, (git_revwalk *walk, unsigned int sort_mode), (walk, sort_mode))
GZ_GIT_VOID(git_signature_free, (git_signature *sig), (sig))
GZ_GIT_FN(int, git_signature_new, (git_signature **out, const char *name, const char *email,
	  git_time_t time, int offset),
	  (out, name, email, time, offset))
GZ_GIT_FN(int, git_signature_now, (git_signature **out, const char *name, const char *email),
	  (out, name, email))
GZ_GIT_FN(const git_tree_entry *, git_tree_entry_byindex, (const git_tree *tree, size_t idx),
	  (tree, idx))
GZ_GIT_FN(int, git_tree_entry_bypath, (git_tree_entry **out, const git_tree *root,
	  const char *path),
	  (out, root, path))
GZ_GIT_FN(int, git_tree_entry_cmp, (const git_tree_entry *e1, const git_tree_entry *e2), (e1, e2))
GZ_GIT_FN(git_filemode_t, git_tree_entry_filemode, (const git_tree_entry *entry), (entry))
GZ_GIT_FN(git_filemode_t, git_tree_entry_filemode_raw, (const git_tree_entry *entry), (entry))
GZ_GIT_VOID(git_tree_entry_free, (git_tree_entry *entry), (entry))
GZ_GIT_FN(const git_oid *, git_tree_entry_id, (const git_tree_entry *entry), (entry))
GZ_GIT_FN(const char *, git_tree_entry_name, (const git_tree_entry *entry), (entry))
GZ_GIT_FN(git_object_t, git_tree_entry_type, (const git_tree_entry *entry), (entry))
GZ_GIT_FN(size_t, git_tree_entrycount, (const git_tree *tree), (tree))
GZ_GIT_VOID(git_tree_free, (git_tree *tree), (tree))
GZ_GIT_FN(const git_oid *, git_tree_id, (const git_tree *tree), (tree))
GZ_GIT_FN(int, git_tree_lookup, (git_tree **out, git_repository *repo, const git_oid *id),
	  (out, repo, id))
GZ_GIT_FN(int, git_tree_walk, (const git_tree *tree, git_treewalk_mode mode,
	  git_treewalk_cb callback, void *payload),
	  (tree, mode, callback, payload))
/* a variable list, which a call through the table cannot pass on */
GZ_GIT_OWN(int, git_libgit2_opts, (int option, ...), (option))
/* clang-format on */

#undef GZ_GIT_FN
#undef GZ_GIT_VOID
#undef GZ_GIT_OWN
