/*
 * check.h: `gazette check`: content lint before a commit.
 *
 * Loads the site as a build would (so every loader error is reported: bad
 * YAML, missing fields, bad dates, duplicate URLs, missing photos), drafts
 * included, and then looks for what a build lets through but an editor
 * should fix:
 *
 *   error    a link in a Markdown body to a site path (/x/) that no page,
 *            list, feed or file has
 *   error    a 'source' other than the site's own (site.yml
 *            params.publisher) without 'reprint' terms
 *   warning  a township, village or industry not in data/places.yml (with a
 *            "did you mean" when one is a character or two away); skipped
 *            when the site has no data/places.yml
 *   warning  a photo without caption, credit or alt
 *   warning  a title used by another page
 *   warning  half-width , ; : ? ! ( between Chinese characters
 *   warning  a paragraph over 500 characters (counted as page.chars counts)
 *
 * Nothing is written. Columns count characters, not bytes.
 */
#ifndef GZ_CHECK_H
#define GZ_CHECK_H

#include "base/diag.h"

/* Check the site at source; everything found goes to d. Returns 0, or -1
 * if d holds errors. */
int gz_check_site(const char *source, gz_diag *d);

/* Print d (sorted) as `path:line:col: error|warning: message` lines. */
void gz_check_print_text(gz_diag *d, FILE *f);

/* Print d (sorted) as a JSON array of {path, line, col, severity, message}. */
void gz_check_print_json(gz_diag *d, FILE *f);

#endif
