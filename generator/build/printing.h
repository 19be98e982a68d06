/*
 * printing.h: print as a stage of the build, and `gazette print`.
 *
 * Both typeset from a site opened as the build opens it (open.h); print/
 * itself loads nothing. The build prints the brochures and leaflets
 * site.yml lists under print: as public/print/<name>.pdf, keeping a PDF
 * whose inputs are those the last build's was made of; the command prints
 * one file wherever it is asked to.
 */
#ifndef GZ_BUILD_PRINTING_H
#define GZ_BUILD_PRINTING_H

#include "base/diag.h"
#include "build/open.h"
#include "model/photos.h"
#include "print/print.h"
#include "render/render.h"
#include "write/output.h"

/* The PDFs site.yml lists, into out (errors in d, nothing added then);
 * ro's records say which the last build made from the same inputs. The
 * photos' print copies are kept in cache_dir. */
void gz_printing_all(gz_outputs *out, const gz_open_site *in, const char *cache_dir,
		     const gz_photos *photos, const gz_render_opts *ro, gz_diag *d);

/* The command: open the working tree at source, typeset path (a manifest
 * or a trifold page; a path given from the shell may carry the site
 * folder in front) with the bleed, marks and imposition of o, and write
 * the PDF to out (default: the file's base name with .pdf, in the current
 * folder) through a temporary file, so a failure leaves no PDF behind.
 * Returns 0, or -1 with errors in d. */
int gz_printing_file(const char *source, const char *path, const char *out,
		     const gz_print_opts *o, gz_diag *d);

#endif
