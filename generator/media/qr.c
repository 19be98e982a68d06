#include "media/qr.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"

int gz_qr_encode(gz_qr *out, const char *text)
{
	QRcode *c;
	int i;

	memset(out, 0, sizeof(*out));
	c = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!c)
		return -1;
	out->size = c->width;
	out->dark = gz_malloc((size_t)c->width * (size_t)c->width);
	/* bit 0 of each libqrencode byte is the module's colour; the rest is bookkeeping */
	for (i = 0; i < c->width * c->width; i++)
		out->dark[i] = c->data[i] & 1;
	QRcode_free(c);
	return 0;
}

void gz_qr_release(gz_qr *q)
{
	free(q->dark);
	q->dark = NULL;
	q->size = 0;
}
