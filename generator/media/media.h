/*
 * media.h: the photo and PDF code, behind one table.
 *
 * image.c (libvips), pdf.c (cairo and pango) and qr.c (libqrencode) are
 * built into gazette-media.so, not gazette-core.so. Those libraries and
 * theirs are about 80 of the 120 shared objects the program would load,
 * and 25 of the 37 ms it took to start; most builds never touch them (a
 * rebuild after an edit whose photos and PDFs are all made already). The
 * core calls the functions of image.h, pdf.h and qr.h as always: media.c
 * defines each as a call through the table below, and loads
 * gazette-media.so from beside gazette-core.so the first time one is
 * called. The unit tests link image.c, pdf.c and qr.c themselves.
 */
#ifndef GZ_MEDIA_H
#define GZ_MEDIA_H

#include <stdbool.h>

#include "base/program.h"
#include "media/image.h"
#include "media/pdf.h"
#include "media/qr.h"

/* bumped when the table changes, so a stale gazette-media.so is named */
#define GZ_MEDIA_VERSION 1

#define GZ_MEDIA_FN(name) __typeof__(name) *name
typedef struct {
	int version;
	GZ_MEDIA_FN(gz_image_init);
	GZ_MEDIA_FN(gz_image_shutdown);
	GZ_MEDIA_FN(gz_image_process);
	GZ_MEDIA_FN(gz_image_result_release);
	GZ_MEDIA_FN(gz_image_plan);
	GZ_MEDIA_FN(gz_image_strip);
	GZ_MEDIA_FN(gz_image_placeholder);
	GZ_MEDIA_FN(gz_image_print);
	GZ_MEDIA_FN(gz_image_size);
	GZ_MEDIA_FN(gz_image_probe);
	GZ_MEDIA_FN(gz_pdf_new);
	GZ_MEDIA_FN(gz_pdf_finish);
	GZ_MEDIA_FN(gz_pdf_free);
	GZ_MEDIA_FN(gz_pdf_page);
	GZ_MEDIA_FN(gz_pdf_page_count);
	GZ_MEDIA_FN(gz_pdf_has_font);
	GZ_MEDIA_FN(gz_pdf_text_new);
	GZ_MEDIA_FN(gz_pdf_text_ref);
	GZ_MEDIA_FN(gz_pdf_text_free);
	GZ_MEDIA_FN(gz_pdf_text_lines);
	GZ_MEDIA_FN(gz_pdf_text_bottom);
	GZ_MEDIA_FN(gz_pdf_text_top);
	GZ_MEDIA_FN(gz_pdf_text_height);
	GZ_MEDIA_FN(gz_pdf_text_width);
	GZ_MEDIA_FN(gz_pdf_text_draw);
	GZ_MEDIA_FN(gz_pdf_image_new);
	GZ_MEDIA_FN(gz_pdf_image_free);
	GZ_MEDIA_FN(gz_pdf_image_draw);
	GZ_MEDIA_FN(gz_pdf_rect);
	GZ_MEDIA_FN(gz_pdf_frame);
	GZ_MEDIA_FN(gz_pdf_rule);
	GZ_MEDIA_FN(gz_pdf_line);
	GZ_MEDIA_FN(gz_pdf_qr);
	GZ_MEDIA_FN(gz_qr_encode);
	GZ_MEDIA_FN(gz_qr_release);
} gz_media_table;
#undef GZ_MEDIA_FN

/* In gazette-media.so: its table. */
#define GZ_MEDIA_ENTRY "gz_media_entry"
typedef const gz_media_table *gz_media_entry_fn(void);

/* In gazette-core.so: whether gazette-media.so has been loaded (for
 * GAZETTE_TIMING and the tests). */
bool gz_media_loaded(void);

#endif
