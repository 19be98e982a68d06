#include "media/media.h"
#include "test.h"

/* The functions media_list.h lists, counted by the list itself. */
static const size_t listed = 0
#define GZ_MEDIA_FN(ret, name, params, args) +1
#include "media/media_list.h"
    ;

/* The table gazette-media.so hands out is made of media_list.h: a field a
 * function, each the function itself, and a signature the core compares
 * with its own. */
static void table(void)
{
	const gz_media_table *t = gz_media_bind();
	size_t fields = (sizeof(*t) - sizeof(t->signature)) / sizeof(void (*)(void));

	CHECK(t != NULL);
	CHECK(t->signature != NULL);
	CHECK(t->signature() == gz_media_signature());
	CHECK(gz_media_signature() != GZ_HASH_INIT);
	CHECK_INT(fields, listed);
	CHECK_INT(listed, 42);
	CHECK(t->gz_image_init == gz_image_init);
	CHECK(t->gz_image_shutdown == gz_image_shutdown);
	CHECK(t->gz_pdf_qr == gz_pdf_qr);
	CHECK(t->gz_pdf_folds == gz_pdf_folds);
	CHECK(t->gz_qr_encode == gz_qr_encode);
	CHECK(t->gz_qr_release == gz_qr_release);
	CHECK(t->gz_zip_open == gz_zip_open);
	CHECK(t->gz_zip_free == gz_zip_free);
}

void suite_media(void)
{
	gz_test_run("media table", table);
}
