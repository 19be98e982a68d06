/*
 * watch.h: noticing edits to a site folder (Linux inotify).
 *
 * Watches site.yml, print.yml and, recursively, content/, themes/, hooks/,
 * data/, static/ and print/ (the site's print layouts) under the site root. Folders created later (or a watched top
 * folder created after the start) are added as they appear. Hidden entries
 * (.git, .gazette, editor swap files starting with '.') are ignored, so the
 * serve folder under .gazette/ never triggers a rebuild of itself.
 */
#ifndef GZ_WATCH_H
#define GZ_WATCH_H

#include "base/diag.h"

typedef struct gz_watch gz_watch;

/* Start watching root. Returns 0, or -1 with an error in d at root. */
int gz_watch_open(gz_watch **out, const char *root, gz_diag *d);
void gz_watch_free(gz_watch *w);

/* The file descriptor to poll for readability. */
int gz_watch_fd(const gz_watch *w);

/* Drain pending events; returns the number of relevant changes seen (0 if
 * the events were all about ignored files). Never blocks. */
int gz_watch_read(gz_watch *w);

#endif
