/* phototool — make and inspect test photos for tests/e2e/photos.sh.
 *
 *   phototool make OUT.jpg W H [gps] [orient=N] [camera] [noise]
 *       a W×H colour gradient JPEG; "gps" adds a GPS position to its EXIF,
 *       "orient=N" the EXIF Orientation tag, "camera" Make/Model/DateTimeOriginal,
 *       "noise" film grain (so it compresses like a photo: for benchmarks),
 *       "seed=N" which grain
 *       "xmp" an XMP packet with a GPS position and "iptc" an IPTC block,
 *       "progressive" a progressive JPEG
 *   phototool info FILE
 *       prints "W H gps=yes|no exif=yes|no" as the file is stored (no rotation)
 *   phototool meta FILE
 *       prints "orientation=N xmp=yes|no iptc=yes|no camera=yes|no" (camera:
 *       EXIF Make, Model or DateTimeOriginal)
 *   phototool same A B
 *       prints "same" when A and B decode (upright) to the same pixels,
 *       else "differ"
 *
 *   cc tests/tools/phototool.c $(pkg-config --cflags --libs vips) -o phototool
 */
#include <vips/vips.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int die(const char *what)
{
	fprintf(stderr, "phototool: %s: %s\n", what, vips_error_buffer());
	return 1;
}

static int make(const char *out, int w, int h, int argc, char **argv)
{
	VipsImage *x, *y, *r, *g, *b, *rgb, *u8, *im;
	VipsImage *bands[3];
	int i;

	if (vips_xyz(&x, w, h, NULL))
		return die("xyz");
	if (vips_extract_band(x, &r, 0, NULL) || vips_extract_band(x, &g, 1, NULL))
		return die("band");
	if (vips_linear1(r, &y, 255.0 / w, 0, NULL) || vips_linear1(g, &b, 255.0 / h, 0, NULL))
		return die("linear");
	bands[0] = y;
	bands[1] = b;
	bands[2] = y;
	if (vips_bandjoin(bands, &rgb, 3, NULL))
		return die("join");
	for (i = 0; i < argc; i++) {
		VipsImage *n, *sum;
		int seed = 1, k;
		if (strcmp(argv[i], "noise"))
			continue;
		for (k = 0; k < argc; k++)
			if (!strncmp(argv[k], "seed=", 5))
				seed = atoi(argv[k] + 5);
		if (vips_gaussnoise(&n, w, h, "sigma", 24.0, "mean", 0.0, "seed", seed, NULL) ||
		    vips_add(rgb, n, &sum, NULL))
			return die("noise");
		rgb = sum;
	}
	if (vips_cast(rgb, &u8, VIPS_FORMAT_UCHAR, NULL))
		return die("cast");
	if (vips_copy(u8, &im, "interpretation", VIPS_INTERPRETATION_sRGB, NULL))
		return die("copy");
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "gps")) {
			vips_image_set_string(im, "exif-ifd3-GPSLatitudeRef", "N");
			vips_image_set_string(im, "exif-ifd3-GPSLatitude", "44/1 55/1 0/1");
			vips_image_set_string(im, "exif-ifd3-GPSLongitudeRef", "E");
			vips_image_set_string(im, "exif-ifd3-GPSLongitude", "130/1 30/1 0/1");
		} else if (!strncmp(argv[i], "orient=", 7)) {
			vips_image_set_int(im, "orientation", atoi(argv[i] + 7));
		} else if (!strcmp(argv[i], "xmp")) {
			static const char xmp[] =
				"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
				"xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
				"<rdf:Description xmlns:exif='http://ns.adobe.com/exif/1.0/' "
				"exif:GPSLatitude='44,55.0N' exif:GPSLongitude='130,30.0E'/>"
				"</rdf:RDF></x:xmpmeta>";
			vips_image_set_blob_copy(im, VIPS_META_XMP_NAME, xmp, sizeof(xmp) - 1);
		} else if (!strcmp(argv[i], "iptc")) {
			/* IPTC 2:90 City "Xinhua" in a Photoshop resource block */
			static const unsigned char iptc[] = {
				'8', 'B', 'I', 'M', 0x04, 0x04, 0, 0, 0, 0, 0, 12,
				0x1c, 0x02, 0x5a, 0x00, 0x06, 'X', 'i', 'n', 'h', 'u', 'a', 0};
			vips_image_set_blob_copy(im, VIPS_META_IPTC_NAME, iptc, sizeof(iptc));
		} else if (!strcmp(argv[i], "camera")) {
			vips_image_set_string(im, "exif-ifd0-Make", "Canon");
			vips_image_set_string(im, "exif-ifd0-Model", "Canon EOS 5D");
			vips_image_set_string(im, "exif-ifd2-DateTimeOriginal", "2019:06:08 09:30:00");
		}
	}
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "progressive"))
			break;
	if (i < argc ? vips_image_write_to_file(im, out, "Q", 90, "interlace", TRUE, NULL)
		     : vips_image_write_to_file(im, out, "Q", 90, NULL))
		return die(out);
	return 0;
}

static int meta(const char *file)
{
	VipsImage *im = vips_image_new_from_file(file, NULL);
	int orient = 1, camera;

	if (!im)
		return die(file);
	camera = vips_image_get_typeof(im, "exif-ifd0-Make") ||
		 vips_image_get_typeof(im, "exif-ifd0-Model") ||
		 vips_image_get_typeof(im, "exif-ifd2-DateTimeOriginal");
	if (vips_image_get_typeof(im, VIPS_META_ORIENTATION))
		vips_image_get_int(im, VIPS_META_ORIENTATION, &orient);
	printf("orientation=%d xmp=%s iptc=%s camera=%s\n", orient,
	       vips_image_get_typeof(im, VIPS_META_XMP_NAME) ? "yes" : "no",
	       vips_image_get_typeof(im, VIPS_META_IPTC_NAME) ? "yes" : "no", camera ? "yes" : "no");
	g_object_unref(im);
	return 0;
}

static int same(const char *a, const char *b)
{
	VipsImage *x = vips_image_new_from_file(a, NULL), *y = vips_image_new_from_file(b, NULL);
	VipsImage *ux, *uy, *d, *ad;
	double mx;

	if (!x || !y)
		return die("open");
	if (vips_autorot(x, &ux, NULL) || vips_autorot(y, &uy, NULL))
		return die("autorot");
	if (vips_image_get_width(ux) != vips_image_get_width(uy) ||
	    vips_image_get_height(ux) != vips_image_get_height(uy) ||
	    vips_image_get_bands(ux) != vips_image_get_bands(uy)) {
		printf("differ (size)\n");
		return 0;
	}
	if (vips_subtract(ux, uy, &d, NULL) || vips_abs(d, &ad, NULL) || vips_max(ad, &mx, NULL))
		return die("compare");
	printf(mx == 0 ? "same\n" : "differ\n");
	return 0;
}

static int info(const char *file)
{
	VipsImage *im = vips_image_new_from_file(file, NULL);
	gchar **fields, **f;
	int gps = 0;

	if (!im)
		return die(file);
	fields = vips_image_get_fields(im);
	for (f = fields; *f; f++)
		if (!strncmp(*f, "exif-ifd3-", 10))
			gps = 1;
	g_strfreev(fields);
	printf("%d %d gps=%s exif=%s\n", vips_image_get_width(im), vips_image_get_height(im),
	       gps ? "yes" : "no", vips_image_get_typeof(im, VIPS_META_EXIF_NAME) ? "yes" : "no");
	g_object_unref(im);
	return 0;
}

int main(int argc, char **argv)
{
	if (VIPS_INIT(argv[0]))
		return die("init");
	if (argc >= 5 && !strcmp(argv[1], "make"))
		return make(argv[2], atoi(argv[3]), atoi(argv[4]), argc - 5, argv + 5);
	if (argc == 3 && !strcmp(argv[1], "info"))
		return info(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "meta"))
		return meta(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "same"))
		return same(argv[2], argv[3]);
	fprintf(stderr, "usage: phototool make OUT W H [gps] [orient=N] [camera] [xmp] [iptc] "
			"[progressive] | info FILE | meta FILE | same A B\n");
	return 2;
}
