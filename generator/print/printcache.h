/*
 * printcache.h: print copies of photos kept from one print to the next.
 *
 * Making a print copy (decoding a camera's JPEG of several megabytes and
 * resampling it to 300 dpi at its placed size) is most of a brochure's
 * work, and a brochure is printed many times while it is being adjusted.
 * Copies are kept in a folder of the site's cache (.gazette/print/ beside
 * the content, never in the content or in public/), each under a name made
 * from a hash of the original's bytes, the pixel size asked for, the JPEG
 * quality and the version of the pipeline that made it: a changed photo, a
 * new placement or a new gazette makes a new copy, and a copy found is the
 * same bytes the pipeline would make, so the PDF is too.
 *
 * An entry is a header line ("gazette-print-copy 1 W H LEN HASH") and the
 * JPEG; one whose length or hash does not match, or whose header does not
 * read, is not used, and the copy made instead replaces it. Entries are
 * written to a temporary file and renamed into place, so a reader never
 * sees half of one, whatever other gazette runs at the same time. A cache
 * folder that cannot be written only means copies are made every time.
 * Copies unused for two months are removed (gz_printcache_prune), so the
 * folder does not grow for ever. Thread-safe.
 */
#ifndef GZ_PRINTCACHE_H
#define GZ_PRINTCACHE_H

#include <stddef.h>
#include <stdint.h>

/* The key of the copy of len bytes of an original made to fit want_w×want_h
 * pixels at quality (1..100). */
uint64_t gz_printcache_key(const void *original, size_t len, int want_w, int want_h,
			   int quality);

/* The copy under key in dir. Returns 0 with *jpeg (caller frees), its
 * length and pixel size, or -1 if there is none or it is damaged. */
int gz_printcache_load(void **jpeg, size_t *len, int *w, int *h, const char *dir, uint64_t key);

/* Keep a copy under key in dir (made if missing, as one level below a
 * folder that exists). Returns 0, or -1 if it could not be written
 * (nothing is left behind). */
int gz_printcache_store(const char *dir, uint64_t key, const void *jpeg, size_t len, int w, int h);

/* Remove the copies in dir no print has used for GZ_PRINTCACHE_DAYS days
 * (a copy read back counts as used then, so the copies of the brochures
 * being worked on stay). Run once a print or a build is done. */
#define GZ_PRINTCACHE_DAYS 60
void gz_printcache_prune(const char *dir);

#endif
