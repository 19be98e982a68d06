/*
 * media_list.h: the functions of gazette-media.so, listed once.
 *
 * Each entry is one function of image.h, pdf.h, qr.h or zip.h, whose comments
 * are its contract:
 *
 *   GZ_MEDIA_FN(ret, name, params, args)   returns ret
 *   GZ_MEDIA_VOID(name, params, args)      returns nothing
 *   GZ_MEDIA_IF_LOADED(name, params, args) returns nothing, and is a call
 *                                          worth making only if the library
 *                                          is loaded already (a shutdown)
 *
 * params is the parameter list as declared, args the same names as passed
 * on. Define GZ_MEDIA_FN (and GZ_MEDIA_VOID and GZ_MEDIA_IF_LOADED where
 * they differ from it) and include this file where the list is to be
 * expanded: media.h makes the table of it, mediaapi.c fills the table,
 * media.c makes the calls that load the library, and both sides make the
 * signature they compare of it. The macros are undefined at the end.
 *
 * The table's field types and media.c's definitions are checked against
 * the headers' declarations by the compiler, so an entry cannot drift from
 * its contract; adding a function is one line here.
 */
#ifndef GZ_MEDIA_VOID
#define GZ_MEDIA_VOID(name, params, args) GZ_MEDIA_FN(void, name, params, args)
#endif
#ifndef GZ_MEDIA_IF_LOADED
#define GZ_MEDIA_IF_LOADED(name, params, args) GZ_MEDIA_VOID(name, params, args)
#endif

/* as written: clang-format takes "gz_image_result *out" for a product */
/* clang-format off */
/* image.h */
GZ_MEDIA_VOID(gz_image_init, (void), ())
GZ_MEDIA_IF_LOADED(gz_image_shutdown, (void), ())
GZ_MEDIA_FN(int, gz_image_process,
	    (gz_image_result *out, const void *data, size_t len, const gz_image_opts *o,
	     char **err),
	    (out, data, len, o, err))
GZ_MEDIA_VOID(gz_image_result_release, (gz_image_result *r), (r))
GZ_MEDIA_FN(size_t, gz_image_plan, (int *out, const gz_image_opts *o, gz_image_format f, int w),
	    (out, o, f, w))
GZ_MEDIA_FN(int, gz_image_strip, (char **out, size_t *out_len, const void *data, size_t len),
	    (out, out_len, data, len))
GZ_MEDIA_FN(int, gz_image_placeholder, (void **data, size_t *len, int w, int h),
	    (data, len, w, h))
GZ_MEDIA_FN(int, gz_image_print,
	    (void **jpeg, size_t *jpeg_len, int *w, int *h, const void *data, size_t len,
	     int max_w, int max_h, int quality, char **err),
	    (jpeg, jpeg_len, w, h, data, len, max_w, max_h, quality, err))
GZ_MEDIA_FN(int, gz_image_size, (const void *data, size_t len, int *w, int *h),
	    (data, len, w, h))
GZ_MEDIA_FN(int, gz_image_probe, (const void *data, size_t len, int *w, int *h, bool *metadata),
	    (data, len, w, h, metadata))

/* pdf.h */
GZ_MEDIA_FN(int, gz_pdf_new, (gz_pdf **out, const gz_pdf_opts *o, char **err), (out, o, err))
GZ_MEDIA_FN(int, gz_pdf_finish, (gz_pdf *pdf, char **data, size_t *len, char **err),
	    (pdf, data, len, err))
GZ_MEDIA_VOID(gz_pdf_free, (gz_pdf *pdf), (pdf))
GZ_MEDIA_FN(int, gz_pdf_page, (gz_pdf *pdf), (pdf))
GZ_MEDIA_FN(int, gz_pdf_page_count, (const gz_pdf *pdf), (pdf))
GZ_MEDIA_VOID(gz_pdf_folds, (gz_pdf *pdf, const double *xs, int n), (pdf, xs, n))
GZ_MEDIA_FN(bool, gz_pdf_has_font, (gz_pdf *pdf, const char *family), (pdf, family))
GZ_MEDIA_FN(gz_pdf_text *, gz_pdf_text_new,
	    (gz_pdf *pdf, const char *markup, const gz_pdf_style *st, double width, char **err),
	    (pdf, markup, st, width, err))
GZ_MEDIA_FN(gz_pdf_text *, gz_pdf_text_ref, (gz_pdf_text *t), (t))
GZ_MEDIA_VOID(gz_pdf_text_free, (gz_pdf_text *t), (t))
GZ_MEDIA_FN(int, gz_pdf_text_lines, (const gz_pdf_text *t), (t))
GZ_MEDIA_FN(double, gz_pdf_text_bottom, (const gz_pdf_text *t, int i), (t, i))
GZ_MEDIA_FN(double, gz_pdf_text_top, (const gz_pdf_text *t, int i), (t, i))
GZ_MEDIA_FN(double, gz_pdf_text_height, (const gz_pdf_text *t), (t))
GZ_MEDIA_FN(double, gz_pdf_text_width, (const gz_pdf_text *t), (t))
GZ_MEDIA_FN(double, gz_pdf_text_line_width, (const gz_pdf_text *t, int i), (t, i))
GZ_MEDIA_FN(size_t, gz_pdf_text_line_start, (const gz_pdf_text *t, int i), (t, i))
GZ_MEDIA_VOID(gz_pdf_text_draw,
	      (gz_pdf *pdf, const gz_pdf_text *t, double x, double y, int first, int n),
	      (pdf, t, x, y, first, n))
GZ_MEDIA_FN(gz_pdf_image *, gz_pdf_image_new,
	    (gz_pdf *pdf, const void *jpeg, size_t len, int w, int h), (pdf, jpeg, len, w, h))
GZ_MEDIA_VOID(gz_pdf_image_free, (gz_pdf_image *im), (im))
GZ_MEDIA_VOID(gz_pdf_image_draw,
	      (gz_pdf *pdf, gz_pdf_image *im, double x, double y, double w, double h, bool cover),
	      (pdf, im, x, y, w, h, cover))
GZ_MEDIA_VOID(gz_pdf_rect,
	      (gz_pdf *pdf, double x, double y, double w, double h, double r, double g, double b),
	      (pdf, x, y, w, h, r, g, b))
GZ_MEDIA_VOID(gz_pdf_frame,
	      (gz_pdf *pdf, double x, double y, double w, double h, double lw, double r,
	       double g, double b),
	      (pdf, x, y, w, h, lw, r, g, b))
GZ_MEDIA_VOID(gz_pdf_rule,
	      (gz_pdf *pdf, double x0, double y0, double x1, double y1, double lw, double gray),
	      (pdf, x0, y0, x1, y1, lw, gray))
GZ_MEDIA_VOID(gz_pdf_line,
	      (gz_pdf *pdf, double x0, double y0, double x1, double y1, double lw, double r,
	       double g, double b),
	      (pdf, x0, y0, x1, y1, lw, r, g, b))
GZ_MEDIA_VOID(gz_pdf_qr,
	      (gz_pdf *pdf, const unsigned char *dark, int size, double x, double y, double w),
	      (pdf, dark, size, x, y, w))

/* qr.h */
GZ_MEDIA_FN(int, gz_qr_encode, (gz_qr *out, const char *text), (out, text))
GZ_MEDIA_VOID(gz_qr_release, (gz_qr *q), (q))
/* zip.h */
GZ_MEDIA_FN(int, gz_zip_open, (gz_zip **out, int fd, char **err), (out, fd, err))
GZ_MEDIA_FN(int, gz_zip_add,
	    (gz_zip *z, const char *name, const void *data, size_t len, int64_t mtime,
	     char **err),
	    (z, name, data, len, mtime, err))
GZ_MEDIA_FN(int, gz_zip_close, (gz_zip *z, char **err), (z, err))
GZ_MEDIA_VOID(gz_zip_free, (gz_zip *z), (z))
/* clang-format on */

#undef GZ_MEDIA_FN
#undef GZ_MEDIA_VOID
#undef GZ_MEDIA_IF_LOADED
