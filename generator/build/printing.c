#include "build/printing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"
#include "base/i18n.h"
#include "base/pool.h"
#include "load/yaml.h"
#include "print/printcache.h"
#include "write/cache.h"
#include "write/deps.h"

/* How to print from s: flags from base (or none), the theme s opened. */
static gz_print_opts print_opts(const gz_open_site *s, const gz_print_opts *base,
				const char *cache_dir)
{
	gz_print_opts o = {0};

	if (base)
		o = *base;
	o.theme = &s->theme;
	o.theme_src = s->theme_src;
	o.theme_display = s->theme_display;
	o.cache_dir = cache_dir;
	return o;
}

/* What the PDFs of a build are made from (print.h): what all share, in
 * base; the pages and photos, to look up. */
typedef struct {
	const gz_site *site;
	gz_source *src;
	const gz_photos *photos;
	uint64_t base;
	gz_map pages;            /* path → page */
} print_inputs;

/* A site path's part in a PDF's key: a page's model (its front matter and
 * body), a photo's bytes. */
static uint64_t print_file_hash(print_inputs *in, uint64_t h, const char *path)
{
	const gz_page *p = gz_map_get(&in->pages, path);
	const gz_picture *pic;
	char *data;
	size_t len;

	h = gz_hash_str(h, path);
	if (p)
		return gz_hash_mix(h, gz_site_state(in->site, p)->model);
	if ((pic = gz_map_get(&in->photos->by_file, path)) && pic->content)
		return gz_hash_mix(h, pic->content);
	if (gz_source_read(in->src, path, &data, &len) < 0)
		return gz_hash_mix(h, 0);
	h = gz_hash_add(h, data, len);
	free(data);
	return h;
}

/* What is known of the PDF of path before it is made: the file's bytes
 * and the pages it prints now (a page's front matter may change what the
 * manifest's query picks). */
static uint64_t print_item_hash(print_inputs *in, const char *path)
{
	gz_strlist pages = {0};
	uint64_t h = print_file_hash(in, in->base, path);
	size_t i;

	gz_print_pages(in->site, in->src, path, &pages);
	for (i = 0; i < pages.n; i++)
		h = print_file_hash(in, h, pages.items[i]);
	h = gz_hash_mix(h, pages.n);
	gz_strlist_release(&pages);
	return h;
}

/* ... and what making it read (recorded with it for the next build). */
static uint64_t print_key(print_inputs *in, uint64_t item, char *const *files, size_t n, bool site)
{
	size_t i;

	for (i = 0; i < n; i++)
		item = print_file_hash(in, item, files[i]);
	return gz_hash_mix(item, site ? in->site->meta_hash : 0);
}

/* Written with the rest of the site, or not at all. */
void gz_printing_all(gz_outputs *out, const gz_open_site *s, const char *cache_dir,
		     const gz_photos *photos, const gz_render_opts *ro, gz_diag *d)
{
	const gz_site *site = &s->site;
	gz_source *src = s->src;
	const gz_value *list = gz_value_get(site->cfg.root, "print");
	gz_print_opts po = print_opts(s, NULL, cache_dir);
	print_inputs in = {site, src, photos, 0, {0}};
	size_t i, kept = 0;

	if (!list || d->errors)
		return;
	if (list->type != GZ_SEQ) {
		gz_diag_error(d, "site.yml", list->line, list->col,
			      "'print' is a list of brochure manifests and leaflet pages");
		return;
	}
	in.base = gz_hash_mix(gz_hash_str(GZ_HASH_INIT, "gazette-pdf 1"), s->theme.hash);
	in.base = gz_hash_mix(gz_hash_mix(in.base, site->config_hash),
			      gz_print_layouts_hash(src, &po));
	for (i = 0; i < site->nall; i++)
		gz_map_put(&in.pages, site->all[i]->path, site->all[i]);
	for (i = 0; i < list->n; i++) {
		const char *path = list->items[i]->str;
		const gz_dep *old;
		gz_print_used used = {{0}, false};
		char *data = NULL, *name;
		size_t len = 0;
		uint64_t item;
		if (list->items[i]->type != GZ_STR)
			continue;
		name = gz_print_output_name(path);
		item = print_item_hash(&in, path);
		old = ro->prev ? gz_deps_find(ro->prev, name) : NULL;
		if (old && print_key(&in, item, old->paths, old->npaths, old->site) == old->key &&
		    gz_render_in_place(ro, name, old->len)) {
			gz_outputs_keep(out, name, path);
			gz_deps_keep(ro->next, old);
			kept++;
		} else if (gz_print_make(&data, &len, site, src, path, &po, &used, d) == 0) {
			gz_deps_add(ro->next, name,
				    print_key(&in, item, used.files.items, used.files.n, used.site),
				    used.site, len, used.files.items, NULL, used.files.n);
			gz_outputs_add(out, name, data, len, path);
		}
		gz_strlist_release(&used.files);
		free(name);
	}
	gz_map_release(&in.pages);
	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing: print: %zu of %zu PDFs kept from the last build\n", kept,
			list->n);
}

/* A path given from the shell may carry the site folder in front. */
static const char *site_path(const char *source, const char *path)
{
	size_t sl = strlen(source);

	while (sl > 1 && source[sl - 1] == '/')
		sl--;
	if (strcmp(source, ".") && !strncmp(path, source, sl) && path[sl] == '/')
		path += sl + 1;
	while (!strncmp(path, "./", 2))
		path += 2;
	return path;
}

/* data into name, through a file beside it renamed over it only when
 * complete. */
static int write_pdf(const char *name, const char *data, size_t len, gz_diag *d)
{
	gz_buf t = GZ_BUF_INIT;
	FILE *f;
	int rc = 0;

	gz_buf_printf(&t, "%s.tmp%ld", name, (long)getpid());
	f = fopen(t.ptr, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		if (f)
			fclose(f);
		rc = -1;
	} else if (fclose(f) != 0 || rename(t.ptr, name) < 0) {
		rc = -1;
	}
	if (rc < 0) {
		gz_diag_error(d, name, 0, 0, _("cannot write the PDF"));
		unlink(t.ptr);
	}
	gz_buf_release(&t);
	return rc;
}

int gz_printing_file(const char *source, const char *path, const char *out,
		     const gz_print_opts *o, gz_diag *d)
{
	gz_open_opts oo = {.source = source};
	gz_open_site s;
	gz_load_opts lo;
	gz_print_opts po;
	char *data = NULL, *name = NULL, *cache_dir = NULL;
	size_t len = 0;
	int rc = -1;

	gz_open_init(&s);
	if (gz_open_source(&s, &oo, d) < 0)
		goto cleanup;
	path = site_path(source, path);
	if (gz_open_theme(&s, d) < 0)
		goto cleanup;
	memset(&lo, 0, sizeof(lo));
	lo.jobs = gz_pool_cores();
	lo.future = true;
	lo.now = s.now;
	gz_open_load(&s, &lo, d);
	if (d->errors)
		goto cleanup;
	cache_dir = gz_cache_dir(source, "print");
	po = print_opts(&s, o, cache_dir);
	if (gz_print_make(&data, &len, &s.site, s.src, path, &po, NULL, d) < 0)
		goto cleanup;
	gz_printcache_prune(cache_dir);
	if (out) {
		name = gz_strdup(out);
	} else {
		char *n = gz_print_output_name(path);
		name = gz_strdup(n + 6); /* past "print/" */
		free(n);
	}
	rc = write_pdf(name, data, len, d);
cleanup:
	free(name);
	free(data);
	free(cache_dir);
	gz_open_release(&s, false);
	return rc;
}
