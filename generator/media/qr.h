/*
 * qr.h: QR codes (libqrencode).
 *
 * The only module that includes <qrencode.h>. A code is returned as a
 * square of modules, one byte each (1 dark, 0 light), without the quiet
 * zone: whoever draws it leaves four modules of white around it.
 */
#ifndef GZ_QR_H
#define GZ_QR_H

#include <stddef.h>

typedef struct {
	int size;               /* modules per side */
	unsigned char *dark;    /* size*size bytes, row by row (owned) */
} gz_qr;

/* Encode text (a URL) at error-correction level M. Returns 0 with out
 * filled (release with gz_qr_release), or -1 if it is too long. */
int gz_qr_encode(gz_qr *out, const char *text);
void gz_qr_release(gz_qr *q);

#endif
