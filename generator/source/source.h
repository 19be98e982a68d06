/*
 * source.h: where content comes from.
 *
 * One interface over the places a site can be read from. Paths are always
 * relative to the site root, '/'-separated, never absolute and never with a
 * ".." segment: a path that would leave the root is refused here, so no
 * caller can be tricked into reading outside the repository. Hidden entries
 * (.git, .gazette) and symbolic links are skipped.
 *
 * Two implementations: a folder (the working tree, here) and a git revision
 * read from the object database (git.h). Nothing is ever written through
 * either.
 */
#ifndef GZ_SOURCE_H
#define GZ_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "base/strlist.h"

struct stat;
typedef struct gz_source gz_source;

/* What an implementation provides; paths given to it are already safe. */
typedef struct {
	void (*list)(gz_source *s, const char *prefix, gz_strlist *out);
	int (*read)(gz_source *s, const char *path, char **data, size_t *len);
	bool (*exists)(gz_source *s, const char *path);
	void (*free_impl)(void *impl);
	/* Why read failed for path, for a message (caller frees); NULL: "" */
	char *(*why)(gz_source *s, const char *path);
} gz_source_ops;

/* Make a source from an implementation; root names it in messages and is
 * the folder of the site on disk (or the repository for a bare one). */
gz_source *gz_source_new(const gz_source_ops *ops, void *impl, const char *root);
/* The implementation's own data (borrowed). */
void *gz_source_impl(const gz_source *s);

/* Open the folder root. Returns 0, or -1 with an error in d at root (d
 * NULL: the caller has its own words for the failure). */
int gz_source_open_dir(gz_source **out, const char *root, gz_diag *d);
void gz_source_free(gz_source *s);

/* A view of parent below folder prefix ("themes/default"): paths given to
 * it are relative to that folder. parent must outlive it. */
gz_source *gz_source_sub(gz_source *parent, const char *prefix);

/* The root folder as given (borrowed). */
const char *gz_source_root(const gz_source *s);

/* True for a folder opened with gz_source_open_dir (not a git revision or
 * a view of another source). */
bool gz_source_is_folder(const gz_source *s);

/* Append to out the symbolic links the listings so far met that lead out
 * of the root (or nowhere), as root-relative paths: a listed folder that
 * is itself such a link, and such links inside listed folders. Listings
 * skip them; the caller decides whether that is an error. */
void gz_source_outside(gz_source *s, gz_strlist *out);

/* Append every regular file below prefix (a folder, "" for the root) to out,
 * as root-relative paths in sorted order. A missing prefix lists nothing. */
void gz_source_list(gz_source *s, const char *prefix, gz_strlist *out);

/* Read a whole file into *data (caller frees; NUL-terminated). Returns 0, or
 * -1 if it is missing, unreadable or the path is unsafe. */
int gz_source_read(gz_source *s, const char *path, char **data, size_t *len);

/* Like gz_source_read, but a file in a folder may stop after its first max
 * bytes (*len says how many came); a file in git is read whole. For what
 * only looks at a file's head, such as a photo's size. */
int gz_source_read_head(gz_source *s, const char *path, size_t max, char **data, size_t *len);

/* After gz_source_read failed: a message for an editor saying why, and what
 * to do ("cannot read the file (Permission denied); …"). Caller frees. */
char *gz_source_read_error(gz_source *s, const char *path);

/* True if path names a regular file. */
bool gz_source_exists(gz_source *s, const char *path);

/* What the file system says of a file without reading it: equal stamps
 * mean unchanged bytes, as in git's index (the caller must not trust a
 * stamp taken within a second or two of the file's last change). */
typedef struct {
	unsigned long long dev, ino, size;
	long long mtime_ns, ctime_ns;
} gz_source_stamp;

/* The stamp of a regular file of a folder source. Returns 0, or -1 for a
 * source with no such thing (a git revision) or a file that is not there. */
int gz_source_stamp_of(gz_source *s, const char *path, gz_source_stamp *out);

bool gz_source_stamp_equal(const gz_source_stamp *a, const gz_source_stamp *b);

/* The stamp that st (from stat(2)) gives. */
struct stat;
void gz_source_stamp_from_stat(gz_source_stamp *out, const struct stat *st);

/* Can st stand for the bytes from now on? Not if the file changed so close
 * to now_ns (nanoseconds since the epoch, the build's start) that it could
 * change again with the same times: 20 ms, or 2 s on a file system that
 * keeps whole seconds. */
bool gz_source_stamp_settled(const gz_source_stamp *st, long long now_ns);

/* True if path is relative, has no empty, "." or ".." segment, no
 * backslash and no control characters. */
bool gz_path_is_safe(const char *path);

/* Join a folder and a relative reference and normalise "." and "..";
 * returns NULL if the result would leave the root. Caller frees. */
char *gz_path_join(const char *dir, const char *ref);

#endif
