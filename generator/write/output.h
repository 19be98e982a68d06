/*
 * output.h: the files a build produces, and publishing them into public/.
 *
 * Outputs are collected in memory, or, once gz_publish_stream is called,
 * written into the spare folder as they are added (see Streaming below);
 * only a build with no errors calls gz_publish_write, so a failed build
 * changes nothing in the output folder.
 * No reader ever sees half a file or a mix of two builds (see Publishing
 * below); a file whose bytes did not change keeps its inode and mtime,
 * which keeps rsync and browsers calm.
 */
#ifndef GZ_OUTPUT_H
#define GZ_OUTPUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"
#include "source/source.h"
#include "base/strlist.h"

typedef struct {
	char *path;          /* relative to the output folder */
	char *data;          /* owned bytes, or NULL to copy from a source */
	size_t len;
	gz_source *from;     /* borrowed: copy from this source … */
	char *from_path;     /* … at this path */
	const char *origin;  /* for messages: what produced it */
	unsigned char streamed; /* GZ_STREAMED_*: already compared, perhaps written */
} gz_output;

/* An output streamed into the spare: its bytes equal the published file's,
 * or they are written in the spare (data is NULL either way, len kept). */
enum { GZ_STREAMED_NOT, GZ_STREAMED_SAME, GZ_STREAMED_WRITTEN };

typedef struct gz_publish gz_publish;

typedef struct {
	gz_output *items;
	size_t n, cap;
	pthread_mutex_t lock;
	gz_publish *stream;  /* set by gz_publish_stream */
	gz_map streamed;     /* paths streamed, keys borrowed from items */
} gz_outputs;

typedef struct {
	size_t written, unchanged, bytes, removed;
} gz_write_stats;

void gz_outputs_init(gz_outputs *o);
void gz_outputs_release(gz_outputs *o);
/* Add rendered bytes (taken over) for path (copied). Thread-safe. While
 * streaming, the bytes are compared and written into the spare at once, on
 * the calling thread, and freed. */
void gz_outputs_add(gz_outputs *o, const char *path, char *data, size_t len, const char *origin);
/* Add a file to copy from src at from_path. Thread-safe. */
void gz_outputs_copy(gz_outputs *o, const char *path, gz_source *src, const char *from_path,
		     const char *origin);

/* Keep path as the last build wrote it (it is still an output, so it is
 * not pruned, but nothing is written). Thread-safe. */
void gz_outputs_keep(gz_outputs *o, const char *path, const char *origin);
/* gz_outputs_keep for n paths at once, taken over (they are freed with
 * o): a rebuild keeps twenty thousand, under one lock and with no copies. */
void gz_outputs_keep_many(gz_outputs *o, char **paths, const char *const *origins, size_t n);

/* Show fn every copy (an output read from a source: from is set) under
 * the lock, as other threads may be adding outputs meanwhile (the search
 * index is made beside the render). fn may point the copy elsewhere (from,
 * and from_path: fn frees the old one, o owns the new one) or return false
 * to drop it, which frees it. Thread-safe. */
void gz_outputs_rewrite_copies(gz_outputs *o, bool (*fn)(gz_output *it, void *payload),
			       void *payload);
/* Report two outputs with one path as errors. Returns -1 if any. */
int gz_outputs_check(gz_outputs *o, gz_diag *d);

/*
 * Publishing: the output folder changes as a whole or not at all.
 *
 * Beside the output folder ("dir") lives a spare folder on the same file
 * system (in the cache folder when that is on it, else ".<name>.gazette-spare"
 * next to dir) that holds the site the build before last published, its
 * unchanged files hardlinks to dir's. A build brings the spare up to date
 * (the paths the last build changed, linked from dir; then its own changes,
 * each written as a new file, never into a shared one) and swaps the two
 * folders with one renameat2(RENAME_EXCHANGE), so every reader sees the old
 * site or the new one. The work is proportional to what changed, not to the
 * size of the site.
 *
 * The record (a cache file) says which folder holds what: dir's inode, the
 * spare's, the paths where they may differ, and the files gazette wrote.
 * It is written before the spare is touched (listing every path the build
 * will touch) and, for the new site, before the swap as "<record>.pending",
 * which replaces the record once the swap is done; a build killed at any
 * moment leaves a record that is right, or one that names a folder that is
 * not there, after which the spare is rebuilt from dir (hardlinks: once,
 * O(files)). A companion cache file that describes dir (what each page
 * depended on) travels the same way: the build saves it as
 * gz_publish_companion() before gz_publish_write (or while it writes, on
 * a thread: gz_publish_companion_wait), and it replaces the companion only
 * together with the site.
 *
 * The first build writes into a fresh folder and renames it into place. A
 * file system without RENAME_EXCHANGE, an output folder that is a mount
 * point, or GAZETTE_NO_EXCHANGE=1 (for tests) write in place as before, one
 * file at a time (temporary name, then rename), with a warning.
 *
 * The output folder belongs to gazette: a file put into it by hand is kept
 * when the spare is rebuilt from it, but between two such rebuilds it is in
 * only one of the two folders; `gazette build --full` rebuilds the spare.
 */
/* Prepare to publish into dir: wait for another build into dir to finish
 * (a lock beside record, when one exists), and finish or undo the swap of a
 * build that was killed, so that companion describes dir again. Creates
 * nothing. record: the cache file of the last build into dir; companion: a
 * cache file describing dir (or NULL); rebuild_spare: do not trust the spare
 * (it is rebuilt from dir before use). Never fails; *out is freed with
 * gz_publish_free. */
void gz_publish_open(gz_publish **out, const char *dir, const char *record, const char *companion,
		     bool rebuild_spare);

/* Does the last build's record (and so the companion) describe the folder
 * that is there now? Then every file it lists is in dir as written, unless
 * changed by hand. */
bool gz_publish_trusted(const gz_publish *p);

/* Where to save the companion for the site about to be published. Borrowed. */
const char *gz_publish_companion(const gz_publish *p);

/* The companion is being saved on another thread while the site is
 * written: before it takes the old one's place, wait(arg) is called, and
 * returns 0 once it is saved, or -1 if it could not be (then there is
 * none, and the old one goes too: it described the old site). */
void gz_publish_companion_wait(gz_publish *p, int (*wait)(void *arg), void *arg);

/* Publish o as the new content of dir (created if missing, with its
 * parents). The record's folder must exist. Files gazette wrote before and
 * o no longer has are left out, with folders left empty; a file whose bytes
 * did not change is not rewritten. Returns 0, or -1 with errors in d and
 * dir as it was. */
int gz_publish_write(gz_publish *p, gz_outputs *o, int jobs, gz_diag *d, gz_write_stats *st);

/* Before gz_publish_write, with o checked (gz_outputs_check sorts it): the
 * pages (.html files) the last build published into dir, as the returned
 * count, and in gone those of them o no longer has, which publishing o
 * would remove. */
size_t gz_publish_pages_removed(gz_publish *p, const gz_outputs *o, gz_strlist *gone);

/*
 * Streaming: gz_publish_stream makes every later gz_outputs_add to o
 * compare its bytes with dir's file and, where they differ, write them into
 * the spare at once, so a large site is never held whole in memory. Before
 * the first such write the record stops vouching for the spare (a build
 * killed from then on, or one that fails, leaves a spare that the next
 * build makes again from dir) and the spare is brought up to date with
 * dir; gz_publish_write then lists the streamed paths as changed, writes
 * the rest and swaps as above. A first build streams into the fresh folder
 * it renames into place. Where the site is written in place (no
 * RENAME_EXCHANGE, a mount point, GAZETTE_NO_EXCHANGE), or another output
 * took the path, the bytes stay in memory as before.
 */

/* Stream o's outputs added from now on into p's spare; p's lock is taken
 * (made beside the record, whose folder must exist: else nothing is
 * streamed). Returns whether outputs will be streamed. */
bool gz_publish_stream(gz_publish *p, gz_outputs *o, gz_diag *d);

/* Release the lock and free p. */
void gz_publish_free(gz_publish *p);

/* Remove from dir (recursively) the temporary files ".<name>.gazette-tmp-<pid>"
 * left by builds that wrote in place and were killed. Returns how many were
 * removed. */
size_t gz_outputs_remove_stale(const char *dir);

#endif
