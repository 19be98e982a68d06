/*
 * archivecmd.h: `gazette archive search` on the command line.
 *
 * The one command the `gazette` executable (main.c) answers by itself, with
 * archive.h and SQLite alone, without loading the rest of gazette (cli.h).
 * Searching the archive as another revision published it (--rev, --as-of)
 * builds that archive from git first, which only the rest of gazette can
 * do: the caller passes that step in.
 */
#ifndef GZ_ARCHIVECMD_H
#define GZ_ARCHIVECMD_H

/* `gazette archive --help`: search and pull, in English (marked for
 * gettext: print _(gz_archivecmd_usage)). */
extern const char gz_archivecmd_usage[];

/* Sets *out (caller frees) to the archive database of the site in source as
 * revision rev, or the branch on date as_of, published it (one of the two is
 * set). Returns 0, or -1 once the reason is printed on stderr. */
typedef int (*gz_archivecmd_rev_fn)(char **out, const char *source, const char *rev,
				    const char *as_of);

/* Runs `archive search` (argv[0] is "search"): parses the options, prints
 * the hits on stdout and any problem on stderr, and returns the exit
 * status. rev_db is called only for --rev and --as-of. */
int gz_archivecmd_search(int argc, char **argv, gz_archivecmd_rev_fn rev_db);

#endif
