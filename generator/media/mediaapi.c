/* mediaapi.c: gazette-media.so's one entry point (media.h). */
#include "media/media.h"

__attribute__((visibility("default"))) const gz_media_table *gz_media_bind(void);

const gz_media_table *gz_media_bind(void)
{
	static const gz_media_table table = {
	    .signature = gz_media_signature,
#define GZ_MEDIA_FN(ret, name, params, args) .name = name,
#include "media/media_list.h"
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
