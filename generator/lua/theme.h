/*
 * theme.h: finding a site's theme and loading it.
 *
 * A theme is themes/<name> in the site's own source (a git revision's for
 * --rev, never the working tree's then), else one installed beside the
 * program. Its layouts, and the theme's and the site's hooks, are Lua
 * (script.h).
 */
#ifndef GZ_THEME_H
#define GZ_THEME_H

#include "base/diag.h"
#include "lua/script.h"
#include "source/source.h"

/* Find the folder of theme name: <source>/themes/name (unless a symbolic
 * link takes it out of source), else beside the program (./themes/name or
 * ../share/gazette/themes/name, or $GAZETTE_THEMES/name). Caller frees;
 * NULL if none exists. display gets how to name it in messages. */
char *gz_theme_dir(const char *source, const char *name, char **display);

/* Find the theme of the site in src and load its layouts and the theme's
 * and site's hooks into th. source_dir is not read (a --rev build takes
 * nothing from the working tree). Returns the theme's source (caller
 * frees, with *display), or NULL with an error in d. */
gz_source *gz_theme_open(gz_theme *th, gz_source *src, const char *source_dir, char **display,
			 gz_diag *d);

#endif
