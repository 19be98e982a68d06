/*
 * media.h: the photo, PDF and zip code, behind one table.
 *
 * image.c (libvips), pdf.c (cairo and pango), qr.c (libqrencode) and zip.c
 * (libarchive) are built into gazette-media.so, not gazette-core.so. Those
 * libraries and theirs are about 100 of the 140 shared objects the program
 * would load, and most of the time it took to start; most builds never
 * touch them (a rebuild after an edit whose photos and PDFs are all made
 * already; only `archive pull` writes a zip). The core calls the functions
 * of image.h, pdf.h, qr.h and zip.h as always: media.c defines each as a
 * call through the table below, and loads gazette-media.so from beside
 * gazette-core.so the first time one is called. The functions are listed
 * once, in media_list.h, and the table, the calls and the check that both
 * sides agree are all made of that list. The unit tests link image.c,
 * pdf.c, qr.c and zip.c themselves.
 */
#ifndef GZ_MEDIA_H
#define GZ_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/module.h"
#include "base/program.h"
#include "media/image.h"
#include "media/pdf.h"
#include "media/qr.h"
#include "media/zip.h"

/* The table of the functions media_list.h lists, in its order. */
typedef struct {
	/* the library's gz_media_signature, made of the list it was built with */
	uint64_t (*signature)(void);
#define GZ_MEDIA_FN(ret, name, params, args) ret(*name) params;
#include "media/media_list.h"
} gz_media_table;

/* The list's text, hashed entry by entry ("int gz_qr_encode(gz_qr *out,
 * const char *text)"): both sides make it from the list they were built
 * with, and gazette-core.so calls through gazette-media.so's table only if
 * the two agree, so a library built from another list is named instead of
 * called with the wrong arguments. */
static inline uint64_t gz_media_signature(void)
{
	static const char *const entries[] = {
#define GZ_MEDIA_FN(ret, name, params, args) #ret " " #name #params,
#include "media/media_list.h"
	};
	return gz_module_signature(entries, sizeof(entries) / sizeof(entries[0]));
}

/* In gazette-media.so (and the unit tests): its table, found with
 * dlsym(GZ_MEDIA_ENTRY). */
#define GZ_MEDIA_ENTRY "gz_media_bind"
typedef const gz_media_table *gz_media_entry_fn(void);
const gz_media_table *gz_media_bind(void);

/* In gazette-core.so: whether gazette-media.so has been loaded (for
 * GAZETTE_TIMING and the tests). */
bool gz_media_loaded(void);

#endif
