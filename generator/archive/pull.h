/*
 * pull.h: `gazette archive pull`, a story packed for broadcast.
 *
 * The pack is a zip (pack.h) of one story as the TV and radio desks need
 * it: the Markdown file as written, script.txt (title, lead and body as
 * plain text with the source, byline, reuse terms and a reading time at
 * site.yml's broadcast_rate), the original photo files byte for byte,
 * captions.txt, meta.json and, for reprint: forbidden or a story not on
 * the site yet (a draft, under review, dated after today), NOTICE.txt.
 *
 * The story is found through the site model (gz_site_load over the working
 * tree) by its archive id (archive.h); the content is only ever read.
 */
#ifndef GZ_PULL_H
#define GZ_PULL_H

#include <stdbool.h>
#include <stdio.h>

#include "base/diag.h"

typedef struct {
	const char *source;   /* the site folder */
	const char *id;       /* "stories/2020/meng-qinglong-bees" */
	const char *out;      /* the zip; NULL: <last part of id>.zip here */
	bool script;          /* print script.txt to script_out, write nothing */
	bool force;           /* replace an existing zip */
} gz_pull_opts;

#define GZ_PULL_NOT_FOUND (-2) /* no page with that id */
#define GZ_PULL_EXISTS (-3)    /* the zip exists and force is false */

/* Pull o->id. With o->script the script goes to script_out; otherwise the
 * zip is written and *written (caller frees) is its path. Returns 0, or a
 * negative code with the error added to d: placed in the story (a hook
 * that fails on it, a photo that cannot be read), at the zip (what
 * writing it says), or at the command ("gazette archive pull") for an id
 * that names no story. */
int gz_pull_run(const gz_pull_opts *o, FILE *script_out, char **written, gz_diag *d);

#endif
