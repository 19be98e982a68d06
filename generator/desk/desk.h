/*
 * desk.h: `gazette desk`, the editing desk: editors write stories and
 * policy explainers in the browser, add photos, and submit them; reviewers
 * approve them, which publishes the site.
 *
 * The repository is the only store. Every save is a commit on a branch of
 * its own, desk/<user>/<page path below content/>, with the editor as
 * author (source/gitwrite.h): the working tree and git's index are never
 * touched, and a bare repository works as well. Approval merges the branch
 * into the publishing branch (HEAD's) and builds that branch into the
 * output folder, atomically (build/build.h). What is not content (the users
 * file, previews, the check's copy of a page) lives in the cache folder
 * (.gazette/desk/, or the user cache for a bare repository).
 *
 * `gazette check` is a command (cli/), after this stage: the command line
 * hands its checker in.
 */
#ifndef GZ_DESK_H
#define GZ_DESK_H

#include "base/diag.h"

/* Check the site in folder source, as `gazette check` does: findings in d. */
typedef int (*gz_desk_check_fn)(const char *source, gz_diag *d);

/* `gazette desk …` (argv[0] is "desk"): serve, or `user add`. Returns the
 * exit status (0, 1 on failure, 2 on wrong use). */
int gz_desk_main(int argc, char **argv, gz_desk_check_fn check);

#endif
