#include <stdint.h>

#include "media/media.h"
#include "test.h"

/* The table gazette-media.so hands out is made of media_list.h: a field a
 * function, each the function itself, and a signature the core compares
 * with its own. */
static void table(void)
{
	const gz_media_table *t = gz_media_bind();
	const char *sig = gz_media_signature(), *p;
	size_t fields = (sizeof(*t) - sizeof(t->signature)) / sizeof(void (*)(void)), lines = 0;

	CHECK(t != NULL);
	CHECK(t->signature != NULL);
	CHECK_STR(t->signature(), sig);
	for (p = sig; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK_INT(lines, fields);
	CHECK_INT(fields, 35);
	CHECK(t->gz_image_init == gz_image_init);
	CHECK(t->gz_image_shutdown == gz_image_shutdown);
	CHECK(t->gz_pdf_qr == gz_pdf_qr);
	CHECK(t->gz_qr_release == gz_qr_release);
	CHECK(strstr(sig, "int gz_qr_encode(gz_qr *out, const char *text)\n") != NULL);
	CHECK(strstr(sig, "void gz_image_shutdown(void)\n") != NULL);
	/* a list in another order is another table */
	CHECK(strstr(sig, "void gz_image_init(void)\nvoid gz_image_shutdown(void)\n") == sig);
}

void suite_media(void)
{
	gz_test_run("media table", table);
}
