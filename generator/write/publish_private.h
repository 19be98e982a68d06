/*
 * publish_private.h: what the files behind output.h share, and no one else
 * includes (output.h is the interface).
 *
 *   output.c         the list of outputs
 *   writefile.c      the outputs' bytes into files: compared, then written
 *   folders.c        whole folders: removed, mirrored with hardlinks, named
 *   publishrecord.c  the record of what the last build published
 *   publish.c        publishing: the spare folder, the swap, in place
 */
#ifndef GZ_PUBLISH_PRIVATE_H
#define GZ_PUBLISH_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/diag.h"
#include "base/pool.h"
#include "base/strlist.h"
#include "write/output.h"

/* ---- writefile.c ---- */

/* What becomes of an output: the last build's file is right (kept), the
 * new bytes equal the published file's (same), or it is written. */
enum { GZ_OUT_KEEP, GZ_OUT_SAME, GZ_OUT_WRITE };

typedef struct {
	gz_outputs *o;
	const char *dir;         /* compared with (the published site) */
	const char *root;        /* written into: dir itself, or the spare */
	bool in_place;           /* temporary names beside the files, renamed later */
	bool compare;            /* compare with dir (not in a first build) */
	bool fresh;              /* root was just made: nothing there to unlink */
	gz_diag *d;
	unsigned char *state;    /* [o->n] GZ_OUT_* */
	char **copied;           /* [o->n] bytes read from a source, until written */
	char **tmp;              /* [o->n] in place: the temporary file of item i */
	atomic_size_t bytes, written;
	pthread_mutex_t lock;
	gz_strlist made_dirs;    /* folders this build created */
	gz_map known_dirs;       /* folders known to exist */
	gz_strlist dir_keys;     /* owns known_dirs' keys */
} gz_write_job;

/* A job to write o into dir (root and the flags are the caller's to set
 * before the first pass); released with gz_write_job_release. */
void gz_write_job_init(gz_write_job *j, gz_outputs *o, const char *dir, gz_diag *d);
void gz_write_job_release(gz_write_job *j);

/* Decide each output's state (comparing with dir when j->compare), on jobs
 * threads. Errors (a source that cannot be read) go to j->d. */
void gz_write_job_compare(gz_write_job *j, int jobs);

/* Write each output in state GZ_OUT_WRITE under j->root, on jobs threads:
 * as a new file, or in place to a temporary name beside it (j->tmp).
 * Errors go to j->d. */
void gz_write_job_write(gz_write_job *j, int jobs);

/* After a failed in-place write: remove the temporary files and the
 * folders the job made. */
void gz_write_job_undo(gz_write_job *j);

/* One output at a time, as it is streamed (any thread): are its bytes
 * those of j->dir's file at path? */
bool gz_write_job_same(gz_write_job *j, const char *path, const char *data, size_t len);

/* Write path as a new file under j->root (as gz_write_job_write does).
 * 0, or -1 with errno. */
int gz_write_job_put(gz_write_job *j, const char *path, const char *data, size_t len);

/* ---- publish.c ---- */

/* An output added while streaming (gz_publish_stream): GZ_OUT_SAME if its
 * bytes equal the published file's, GZ_OUT_WRITE once written into the
 * spare, or -1 if it must stay in memory (nothing of it left in the
 * spare). Thread-safe. */
int gz_publish_stream_one(gz_publish *p, const char *path, const char *data, size_t len);

/* ---- folders.c ---- */

/* rm -rf path */
void gz_folder_remove(const char *path);

/* mkdir -p of the folders above path (not path itself). */
void gz_folder_make_parents(const char *path);

/* Remove root/rel and the folders that leaves empty (but not one that
 * mirror, if given, still has). */
void gz_folder_remove_path(const char *root, const char *rel, const char *mirror);

/* Make spare a copy of dir made of hardlinks (rsync --link-dest): a
 * folder that is already close costs only the stats. 0 or -1 (errno). */
int gz_folder_mirror(const char *dir, const char *spare);

/* Make spare, which must not exist yet, a copy of dir made of hard links,
 * from what dir is known to hold: its folders (relative; sorted here, a
 * parent before its folders) and its files, on jobs threads. gz_folder_mirror
 * reads every folder for that (ten system calls each). 0, or -1 (errno)
 * with spare perhaps partly made: gz_folder_mirror then finishes it. */
int gz_folder_link_list(const char *dir, const char *spare, const char **dirs, size_t ndirs,
			const char *const *files, size_t nfiles, int jobs);

/* Make spare/rel what dir/rel is (a path the last build changed). */
int gz_folder_mirror_path(const char *dir, const char *spare, const char *rel);

/* Which folder: its inode and birth time (an inode number alone comes back
 * when a folder is removed and another made). 0 if it is not there. */
uint64_t gz_folder_id(const char *path);

/* Whether dir (st, its lstat) is a mount point: it cannot be renamed, so
 * its content is replaced in place. */
struct stat;
bool gz_folder_is_mount_point(const char *dir, const struct stat *st);

/* Whether the parent folder of dir exists (where a first build's folder
 * goes). */
bool gz_folder_parent_exists(const char *dir);

/* ---- publishrecord.c ---- */

/* A list of borrowed paths (the record's lines, the outputs' paths). */
typedef struct {
	const char **items;
	size_t n, cap;
} gz_paths;

void gz_paths_add(gz_paths *l, const char *s);
/* Add each of from's paths to l (borrowed from from's owner in turn). */
void gz_paths_add_all(gz_paths *l, const gz_paths *from);
void gz_paths_release(gz_paths *l);

/* The record: which folder holds what (output.h, Publishing). */
typedef struct {
	bool ok;                /* in this format (an older one lists outputs only) */
	uint64_t dir, spare;    /* gz_folder_id of the site and of the spare (0: none) */
	bool in_place;          /* the file system cannot swap folders */
	gz_paths changed;       /* where the spare may differ from the site */
	gz_paths outputs;       /* the files gazette wrote into the site */
	char *buf;              /* the lines read, which the lists point into */
} gz_pub_record;

/* Read the record at path into r (always released with
 * gz_pub_record_release). -1 if it cannot be read. */
int gz_pub_record_read(gz_pub_record *r, const char *path);
void gz_pub_record_release(gz_pub_record *r);

/* A record read once and kept: a build reads it at several steps, and it
 * is a line an output. */
typedef struct {
	gz_pub_record rec;
	int rc;                  /* gz_pub_record_read's answer */
	bool have;
} gz_pub_record_cache;

/* The record at path, read the first time (*rc, if rc, what the read
 * gave). Whoever holds the output folder's lock may keep it until they
 * save the file. */
const gz_pub_record *gz_pub_record_cached(gz_pub_record_cache *c, const char *path, int *rc);
/* Read it again next time (the file changed, or may have). */
void gz_pub_record_forget(gz_pub_record_cache *c);

/* Write r, the record of the output folder site, to path whole (a
 * temporary file renamed over it). 0, or -1 with errno. */
int gz_pub_record_save(const gz_pub_record *r, const char *site, const char *path);

/* The paths of o, borrowed, added to r->outputs. */
void gz_pub_record_outputs(gz_pub_record *r, const gz_outputs *o);

/* The output folder the record at path describes (from its first lines),
 * or NULL; the caller frees it. */
char *gz_pub_record_site(const char *path);

#endif
