/*
 * cli.h: the gazette command line, as gazette-core.so offers it.
 *
 * The `gazette` executable (main.c) links only SQLite and answers
 * `archive search` itself; everything else, with the hundred-odd shared
 * libraries it needs (libvips, pango, libgit2, Lua …), lives in
 * gazette-core.so, which the executable loads with dlopen for any other
 * command. These two functions are the only symbols the shared object
 * exports.
 *
 * Exit codes: 0 success, 1 the content has errors (all of them are
 * printed as path:line:col: message), 2 the command was used wrongly.
 */
#ifndef GZ_CLI_H
#define GZ_CLI_H

#define GZ_CLI_EXPORT __attribute__((visibility("default")))

/* Runs the command in argv (argv[0] is the program) and returns the exit
 * status. */
GZ_CLI_EXPORT int gz_cli_main(int argc, char **argv);
typedef int (*gz_cli_main_fn)(int argc, char **argv);

/* The archive database of the site in source as revision rev (or the
 * branch on date as_of) published it, built or updated from git in the
 * cache: a gz_archivecmd_rev_fn. */
GZ_CLI_EXPORT int gz_cli_archive_db(char **out, const char *source, const char *rev,
				    const char *as_of);

#endif
