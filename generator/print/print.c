/*
 * The entry points of print.h and the document a printer draws in.
 */
#include "print/internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"

/* A photo for a layout: at 300 dpi of the size it is drawn at (when it
 * covers the box, of the part that shows). */
static bool canvas_image(void *payload, const char *path, double w, double h, bool cover,
			 const char *where, int line, int col, gz_pdf_image **out)
{
	printer *pr = payload;
	print_image *pi = print_load_image(pr, path, 0, 0, where, line, col);

	*out = NULL;
	if (!pi)
		return false;
	if (cover) {
		double s = w / pi->ow > h / pi->oh ? w / pi->ow : h / pi->oh;
		w = pi->ow * s;
		h = pi->oh * s;
	}
	pi = print_load_image(pr, path, w, h, where, line, col);
	if (pi)
		*out = pi->im;
	return pi != NULL;
}

void print_canvas(printer *pr, gz_print_canvas *c, const gz_value *doc, const gz_page *p)
{
	memset(c, 0, sizeof(*c));
	c->pdf = pr->pdf;
	c->width = pr->W;
	c->height = pr->H;
	c->bleed = pr->o->bleed;
	c->top = pr->top;
	c->bottom = pr->bottom;
	c->inner = pr->inner;
	c->outer = pr->outer;
	c->number = gz_pdf_page_count(pr->pdf);
	c->serif = pr->text_font;
	c->sans = pr->head_font;
	c->body = pr->body_size;
	c->style = pr->style;
	c->doc = doc;
	c->page = p;
	c->path = pr->path;
	c->image = canvas_image;
	c->payload = pr;
}

/* The fonts: the manifest's fonts:, else print.yml's, else Noto CJK. */
int print_check_fonts(printer *pr, const char *where, const gz_value *root)
{
	static const char *const text_keys[] = {"fonts", "text", NULL};
	static const char *const head_keys[] = {"fonts", "heads", NULL};
	const char *const *keys[2] = {text_keys, head_keys};
	const char *defs[2] = {SERIF, SANS};
	char **slot[2] = {&pr->text_font, &pr->head_font};
	int i, k, rc = 0;

	for (i = 0; i < 2; i++) {
		const gz_value *v = gz_value_get(gz_value_get(root, "fonts"), keys[i][1]);
		const char *file = where;
		if (!v || v->type != GZ_STR) {
			v = print_cfg_find(pr, keys[i], &k);
			file = v ? pr->cfg_path[k] : where;
		}
		*slot[i] = gz_strdup(v && v->type == GZ_STR ? v->str : defs[i]);
		if (!gz_pdf_has_font(pr->pdf, *slot[i])) {
			gz_diag_error(pr->d, file, v ? v->line : 0, v ? v->col : 0,
				      _("font '%s' is not installed (fonts-noto-cjk)"), *slot[i]);
			rc = -1;
		}
	}
	return rc;
}

/* A document; a measure-only one (the brochure's first pass, a leaflet's
 * trials) writes no PDF, so it costs no compression or font subsetting. */
int print_new_doc(printer *pr, const char *title, const char *date, const char *author,
		   bool measure)
{
	gz_pdf_opts po;
	char *err = NULL;

	memset(&po, 0, sizeof(po));
	po.width = pr->W;
	po.height = pr->H;
	po.bleed = pr->o->bleed;
	po.marks = pr->o->marks && !measure;
	po.booklet = pr->o->booklet && !measure;
	po.measure = measure;
	po.title = title;
	po.author = author;
	po.date = date;
	if (gz_pdf_new(&pr->pdf, &po, &err) < 0) {
		gz_diag_error(pr->d, pr->path, 0, 0, _("cannot start the PDF: %s"), err);
		free(err);
		return -1;
	}
	return 0;
}

int gz_print_make(char **data, size_t *len, const gz_site *site, gz_source *src, const char *path,
		  const gz_print_opts *o, gz_print_used *used, gz_diag *d)
{
	printer pr;
	size_t n = strlen(path), i;
	int rc = -1;

	*data = NULL;
	*len = 0;
	memset(&pr, 0, sizeof(pr));
	pr.site = site;
	pr.src = src;
	pr.d = d;
	pr.o = o;
	pr.path = path;
	pr.used = used;
	print_open_fallback(&pr);
	pr.lua = gz_printlua_new(o->theme, src, o->theme_src, o->theme_display, pr.fallback,
				 pr.fallback_display, site);
	if (print_load_config(&pr) < 0)
		goto cleanup;
	if (n > 4 && (!strcmp(path + n - 4, ".yml") || (n > 5 && !strcmp(path + n - 5, ".yaml")))) {
		rc = print_brochure(&pr, data, len);
	} else if (n > 3 && !strcmp(path + n - 3, ".md")) {
		const gz_page *p = NULL;
		for (i = 0; i < site->nall && !p; i++)
			if (!strcmp(site->all[i]->path, path))
				p = site->all[i];
		if (!p)
			gz_diag_error(d, path, 0, 0, _("no such page to print"));
		else if (!p->layout || strcmp(p->layout, "trifold"))
			gz_diag_error(d, path, p->layout_line, p->layout_col,
				      _("only pages with 'layout: trifold' print as leaflets"));
		else if (p->broken)
			gz_diag_error(d, path, 0, 0, _("the page has errors"));
		else
			rc = print_leaflet(&pr, p, data, len);
	} else {
		gz_diag_error(d, path, 0, 0,
			      _("print a brochure manifest (.yml) or a leaflet page (.md)"));
	}
	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing: print: %s: %zu photo copies made, %zu from the cache\n", path,
			atomic_load(&pr.made), atomic_load(&pr.kept));
	if (rc == 0 && used) {
		for (i = 0; i < pr.image_keys.n; i++)
			gz_strlist_add(&used->files, pr.image_keys.items[i]);
		if (gz_printlua_touched(pr.lua, &used->files))
			used->site = true;
	}
cleanup:
	if (rc < 0) {
		free(*data);
		*data = NULL;
		*len = 0;
	}
	gz_pdf_free(pr.pdf);
	for (i = 0; i < pr.image_keys.n; i++) {
		print_image *pi = gz_map_get(&pr.images, pr.image_keys.items[i]);
		gz_pdf_image_free(pi->im);
		free(pi->jpeg);
		free(pi->where);
		free(pi);
	}
	gz_map_release(&pr.images);
	gz_strlist_release(&pr.image_keys);
	for (i = 0; i < pr.text_keys.n; i++)
		gz_pdf_text_free(gz_map_get(&pr.texts, pr.text_keys.items[i]));
	gz_map_release(&pr.texts);
	gz_strlist_release(&pr.text_keys);
	free(pr.text_font);
	free(pr.head_font);
	for (i = 0; i < 3; i++) {
		gz_value_free(pr.cfg[i]);
		free(pr.cfg_path[i]);
	}
	gz_value_free(pr.style);
	gz_printlua_free(pr.lua);
	gz_source_free(pr.fallback);
	free(pr.fallback_display);
	return rc;
}

char *gz_print_output_name(const char *path)
{
	const char *base = strrchr(path, '/'), *dot;
	gz_buf b = GZ_BUF_INIT;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	gz_buf_puts(&b, "print/");
	gz_buf_add(&b, base, dot ? (size_t)(dot - base) : strlen(base));
	gz_buf_puts(&b, ".pdf");
	return gz_buf_detach(&b, NULL);
}
