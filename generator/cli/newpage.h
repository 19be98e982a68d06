/*
 * newpage.h: `gazette new`: a new content file from an archetype.
 *
 * The archetype is archetypes/<kind>.md in the site, else
 * themes/<theme>/archetypes/<kind>.md (found as build.c finds themes). In
 * it, {{ title }}, {{ date }}, {{ slug }}, {{ township }}, {{ village }} and
 * {{ industry }} are replaced by YAML-quoted values; a line whose
 * placeholder has no value (no --township given) is left out, unless the
 * placeholder gives a default: {{ industry | [] }}.
 *
 * When the site has data/places.yml, the township, village and industry
 * given must be in its townships:, villages: and industries: lists (the
 * ones `gazette check` holds pages to): an unknown one is refused with the
 * closest name, unless force is set. Today's date is the only clock gazette
 * reads (SOURCE_DATE_EPOCH, when set, stands in for the clock).
 *
 * Where it goes: stories in content/stories/<year>/<slug>.md, policies in
 * content/policies/<slug>.md, leaflets in content/leaflets/<slug>.md. The
 * slug is --slug (cleaned; refused if hostile), else the title slugified
 * when that is plain ASCII, else "<date>-<6 hex digits>" from a hash of the
 * title (no pinyin library is at hand, and a stable, short, unique-enough
 * name beats a long percent-encoded one). An existing file is never
 * overwritten.
 */
#ifndef GZ_NEWPAGE_H
#define GZ_NEWPAGE_H

#include <stdbool.h>

#include "base/diag.h"

typedef struct {
	const char *source;          /* site root */
	const char *kind;            /* "story", "policy" or "leaflet" */
	const char *title;
	const char *township, *village, *industry, *slug;   /* NULL when not given */
	bool force;                  /* keep a place not in data/places.yml */
} gz_newpage_opts;

/* Create the file. Returns 0 with *out the root-relative path of the new
 * file (caller frees), or -1 with the error added to d: placed at
 * data/places.yml's list for a place not in it, else at the command
 * ("gazette new"), as what is wrong was given on its command line. */
int gz_newpage_create(char **out, const gz_newpage_opts *o, gz_diag *d);

#endif
