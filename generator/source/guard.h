/*
 * guard.h: what a build may read and where it may write.
 *
 * A build reads the site folder's content/, static/, themes/, hooks/,
 * data/, layouts/, archetypes/ and print/ (and git's .git/), and writes one
 * output folder. The output folder may not be, hold, or lie inside any of
 * those: publishing replaces whole folders, so an output folder there would
 * replace the originals (photos stripped of their metadata, hooks, git's
 * objects). Any other folder inside the site (public/, dist/ …) is free.
 *
 * Nothing outside the site folder is read: a folder the site is read from
 * that is a symbolic link leading out of the site (or nowhere), or such a
 * link inside themes/, hooks/, data/, static/, layouts/, archetypes/ or
 * print/, is an error. Inside content/ such a link is skipped with a warning
 * (the page or photo it names is then missing, which the page reports).
 * A link that stays inside the site is followed for a top folder
 * (content -> src/content) and skipped below it, as source.h says.
 */
#ifndef GZ_GUARD_H
#define GZ_GUARD_H

#include <stdbool.h>

#include "base/diag.h"
#include "source/source.h"

/* Check the output folder out (which may not exist yet) against the site
 * folder source; bare: source is a bare repository, all of it git's.
 * Symbolic links and ".." are resolved in the deepest folder of out that
 * exists. Returns 0, or -1 with an error in d naming out. */
int gz_guard_out(const char *source, const char *out, bool bare, gz_diag *d);

/* Report the symbolic links of the site folder src that lead out of it:
 * its top folders, and what the listings so far met (gz_source_outside).
 * Call once every folder the build reads has been listed. A source that
 * is not a folder (a git revision) has none. */
void gz_guard_links(gz_source *src, gz_diag *d);

/* The absolute form of path with symbolic links and ".." resolved, also
 * when its last folders do not exist yet: the deepest one that does is
 * resolved with realpath and the rest added by name. Caller frees. */
char *gz_guard_resolve(const char *path);

#endif
