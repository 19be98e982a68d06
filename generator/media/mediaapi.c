/* mediaapi.c: gazette-media.so's one entry point (media.h). */
#include "media/media.h"

#define ENTRY(name) .name = name

__attribute__((visibility("default"))) const gz_media_table *gz_media_entry(void);

const gz_media_table *gz_media_entry(void)
{
	static const gz_media_table table = {
	    .version = GZ_MEDIA_VERSION,
	    ENTRY(gz_image_init),
	    ENTRY(gz_image_shutdown),
	    ENTRY(gz_image_process),
	    ENTRY(gz_image_result_release),
	    ENTRY(gz_image_plan),
	    ENTRY(gz_image_strip),
	    ENTRY(gz_image_placeholder),
	    ENTRY(gz_image_print),
	    ENTRY(gz_image_size),
	    ENTRY(gz_image_probe),
	    ENTRY(gz_pdf_new),
	    ENTRY(gz_pdf_finish),
	    ENTRY(gz_pdf_free),
	    ENTRY(gz_pdf_page),
	    ENTRY(gz_pdf_page_count),
	    ENTRY(gz_pdf_has_font),
	    ENTRY(gz_pdf_text_new),
	    ENTRY(gz_pdf_text_ref),
	    ENTRY(gz_pdf_text_free),
	    ENTRY(gz_pdf_text_lines),
	    ENTRY(gz_pdf_text_bottom),
	    ENTRY(gz_pdf_text_top),
	    ENTRY(gz_pdf_text_height),
	    ENTRY(gz_pdf_text_width),
	    ENTRY(gz_pdf_text_draw),
	    ENTRY(gz_pdf_image_new),
	    ENTRY(gz_pdf_image_free),
	    ENTRY(gz_pdf_image_draw),
	    ENTRY(gz_pdf_rect),
	    ENTRY(gz_pdf_frame),
	    ENTRY(gz_pdf_rule),
	    ENTRY(gz_pdf_line),
	    ENTRY(gz_pdf_qr),
	    ENTRY(gz_qr_encode),
	    ENTRY(gz_qr_release),
	};
	return &table;
}

/* Where image.c, pdf.c and qr.c are linked in (the unit tests; this file
 * is in gazette-media.so too, where nothing calls these) there is nothing
 * to load. */
bool gz_media_loaded(void)
{
	return true;
}
