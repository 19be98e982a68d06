#include "build.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "archive.h"
#include "buf.h"
#include "output.h"
#include "pool.h"
#include "render.h"
#include "script.h"
#include "search.h"
#include "site.h"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *gz_build_find_theme(const char *source, const char *name, char **display)
{
	gz_buf b = GZ_BUF_INIT;
	char exe[PATH_MAX];
	ssize_t n;
	const char *env = getenv("GAZETTE_THEMES");

	gz_buf_printf(&b, "%s/themes/%s", source, name);
	if (is_dir(b.ptr)) {
		gz_buf d = GZ_BUF_INIT;
		gz_buf_printf(&d, "themes/%s", name);
		*display = gz_buf_detach(&d, NULL);
		return gz_buf_detach(&b, NULL);
	}
	if (env) {
		gz_buf_clear(&b);
		gz_buf_printf(&b, "%s/%s", env, name);
		if (is_dir(b.ptr)) {
			*display = gz_strdup(b.ptr);
			return gz_buf_detach(&b, NULL);
		}
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		/* next to a build tree binary (build/release/gazette) too */
		{
			const char *tries[] = {"/themes/", "/../share/gazette/themes/",
					       "/../../themes/"};
			size_t i;
			for (i = 0; i < 3; i++) {
				gz_buf_clear(&b);
				gz_buf_printf(&b, "%s%s%s", exe, tries[i], name);
				if (is_dir(b.ptr)) {
					*display = gz_strdup(b.ptr);
					return gz_buf_detach(&b, NULL);
				}
			}
		}
	}
	gz_buf_release(&b);
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/*
 * The cache folder .gazette/ beside the content holds what is not content:
 * here, the list of files the last build wrote into each output folder, so
 * a page deleted from content also leaves the site. It ignores itself in git.
 */
static void prune(gz_outputs *out, const char *source, const char *out_dir, gz_diag *d,
		  gz_write_stats *ws)
{
	gz_buf cache = GZ_BUF_INIT, path = GZ_BUF_INIT;
	char real[PATH_MAX];
	unsigned long long h = 1469598103934665603ULL;
	const char *p;
	FILE *f;

	if (!realpath(out_dir, real))
		return;
	for (p = real; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	gz_buf_printf(&cache, "%s/.gazette", source);
	if (mkdir(cache.ptr, 0755) == 0) {
		gz_buf_printf(&path, "%s/.gitignore", cache.ptr);
		f = fopen(path.ptr, "w");
		if (f) {
			fputs("# gazette's cache: not content\n*\n", f);
			fclose(f);
		}
		gz_buf_clear(&path);
	}
	gz_buf_printf(&path, "%s/outputs-%016llx.txt", cache.ptr, h);
	gz_outputs_prune(out, out_dir, path.ptr, d, &ws->removed);
	gz_buf_release(&cache);
	gz_buf_release(&path);
}

/* GAZETTE_TIMING=1 prints how long each stage took. */
static void phase(const char *name, double *t)
{
	double now = now_ms();

	if (getenv("GAZETTE_TIMING"))
		fprintf(stderr, "timing: %s %.0f ms\n", name, now - *t);
	*t = now;
}

int gz_build(const gz_build_opts *opts, gz_diag *d, gz_build_stats *st)
{
	gz_source *src = NULL, *theme_src = NULL;
	gz_site site;
	gz_theme theme;
	gz_outputs out;
	gz_load_opts lo;
	gz_render_opts ro;
	gz_write_stats ws = {0};
	char *err = NULL, *theme_dir = NULL, *display = NULL, *out_dir = NULL;
	char rs[PATH_MAX], ro_path[PATH_MAX];
	double start = now_ms(), t0 = start;
	int jobs = opts->jobs > 0 ? opts->jobs : gz_pool_cores();
	int rc = -1;

	memset(st, 0, sizeof(*st));
	memset(&site, 0, sizeof(site));
	memset(&theme, 0, sizeof(theme));
	gz_outputs_init(&out);
	gz_pool_progress = opts->progress;

	if (gz_source_open_dir(&src, opts->source, &err) < 0) {
		gz_diag_error(d, "", 0, 0, "%s", err);
		free(err);
		goto cleanup;
	}
	if (opts->out) {
		out_dir = gz_strdup(opts->out);
	} else {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_printf(&b, "%s/public", opts->source);
		out_dir = gz_buf_detach(&b, NULL);
	}
	/* never write over the content itself */
	if (realpath(opts->source, rs) && realpath(out_dir, ro_path) &&
	    (!strcmp(rs, ro_path) ||
	     (!strncmp(rs, ro_path, strlen(ro_path)) && rs[strlen(ro_path)] == '/'))) {
		gz_diag_error(d, out_dir, 0, 0,
			      "the output folder would hold the source; choose another --out");
		goto cleanup;
	}

	lo.drafts = opts->drafts;
	lo.jobs = jobs;
	lo.progress = opts->progress;
	gz_site_load(&site, src, &lo, d);
	phase("load", &t0);
	theme_dir = gz_build_find_theme(opts->source, site.cfg.theme, &display);
	if (!theme_dir) {
		gz_diag_error(d, "site.yml", 0, 0,
			      "theme '%s' not found (looked in themes/%s and beside gazette)",
			      site.cfg.theme, site.cfg.theme);
		goto cleanup;
	}
	/* go on after errors so layout problems are reported with the rest */
	gz_theme_load(&theme, theme_dir, display, d);
	if (gz_source_open_dir(&theme_src, theme_dir, &err) < 0) {
		gz_diag_error(d, display, 0, 0, "%s", err);
		free(err);
		goto cleanup;
	}
	ro.jobs = jobs;
	ro.progress = opts->progress;
	ro.theme_src = theme_src;
	if (gz_render_site(&out, &site, &theme, &ro, d) < 0 || gz_outputs_check(&out, d) < 0)
		goto cleanup;
	phase("render", &t0);
	if (site.cfg.search) {
		gz_search_build(&out, &site, jobs);
		if (gz_outputs_check(&out, d) < 0)
			goto cleanup;
		phase("search", &t0);
	}
	if (d->errors || gz_outputs_write(&out, out_dir, jobs, d, &ws) < 0)
		goto cleanup;
	phase("write", &t0);
	prune(&out, opts->source, out_dir, d, &ws);
	/* the TV archive beside the content (.gazette/archive.db) */
	{
		size_t changed;
		gz_archive_update(opts->source, &site, d, &changed);
		phase("archive", &t0);
	}
	st->pages = site.npages;
	st->outputs = out.n;
	st->written = ws.written;
	st->unchanged = ws.unchanged;
	st->removed = ws.removed;
	rc = 0;

cleanup:
	st->ms = now_ms() - start;
	gz_outputs_release(&out);
	gz_theme_release(&theme);
	gz_site_release(&site);
	gz_source_free(theme_src);
	gz_source_free(src);
	free(theme_dir);
	free(display);
	free(out_dir);
	return rc;
}
