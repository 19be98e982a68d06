#include "print/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/pool.h"
#include "lua/theme.h"
#include "write/cache.h"
#include "print/printcache.h"


int gz_print_command(const char *source, const char *path, const char *out, const gz_print_opts *o,
		     gz_diag *d)
{
	gz_source *src = NULL, *theme_src = NULL;
	gz_site site;
	gz_theme theme;
	gz_load_opts lo;
	char *err = NULL, *display = NULL, *data = NULL, *name = NULL, *tmp = NULL;
	char *cache_dir = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int rc = -1;

	memset(&site, 0, sizeof(site));
	memset(&theme, 0, sizeof(theme));
	if (gz_source_open_dir(&src, source, &err) < 0) {
		gz_diag_error(d, source, 0, 0, "%s", err);
		free(err);
		return -1;
	}
	/* a path given from the shell may carry the site folder in front */
	{
		size_t sl = strlen(source);
		while (sl > 1 && source[sl - 1] == '/')
			sl--;
		if (strcmp(source, ".") && !strncmp(path, source, sl) && path[sl] == '/')
			path += sl + 1;
		while (!strncmp(path, "./", 2))
			path += 2;
	}
	theme_src = gz_theme_open(&theme, src, source, &display, d);
	if (!theme_src)
		goto cleanup;
	memset(&lo, 0, sizeof(lo));
	lo.jobs = gz_pool_cores();
	lo.theme = &theme;
	lo.future = true;
	gz_site_load(&site, src, &lo, d);
	if (d->errors)
		goto cleanup;
	{
		gz_print_opts with_theme = *o;
		with_theme.theme = &theme;
		with_theme.theme_src = theme_src;
		with_theme.theme_display = display;
		with_theme.cache_dir = cache_dir = gz_cache_dir(source, "print");
		if (gz_print_make(&data, &len, &site, src, path, &with_theme, NULL, d) < 0)
			goto cleanup;
		gz_printcache_prune(cache_dir);
	}
	if (out) {
		name = gz_strdup(out);
	} else {
		char *n = gz_print_output_name(path);
		name = gz_strdup(n + 6);
		free(n);
	}
	/* beside the target, renamed over it only when complete */
	{
		gz_buf t = GZ_BUF_INIT;
		gz_buf_printf(&t, "%s.tmp%ld", name, (long)getpid());
		tmp = gz_buf_detach(&t, NULL);
	}
	f = fopen(tmp, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		f = NULL;
		gz_diag_error(d, name, 0, 0, "cannot write the PDF");
		unlink(tmp);
		goto cleanup;
	}
	f = NULL;
	if (rename(tmp, name) < 0) {
		gz_diag_error(d, name, 0, 0, "cannot write the PDF");
		unlink(tmp);
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (f)
		fclose(f);
	free(tmp);
	free(name);
	free(data);
	free(cache_dir);
	gz_site_release(&site);
	gz_theme_release(&theme);
	gz_source_free(theme_src);
	gz_source_free(src);
	free(display);
	return rc;
}
