#include "write/cache.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"

/*
 * The cache folder .gazette/ beside the content holds what is not content:
 * the list of files the last build wrote into each output folder (so a page
 * deleted from content also leaves the site) and what each of them depended
 * on (so an unchanged page is not rendered again). It ignores itself in
 * git. A bare repository has no place beside its content, so its cache goes
 * to $XDG_CACHE_HOME/gazette, or ~/.cache/gazette when that is not set.
 * Files are per output folder: cache/<what>-<hash>.txt.
 */
char *gz_cache_file(const char *source, bool bare, const char *out_dir, const char *what,
			bool create)
{
	gz_buf cache = GZ_BUF_INIT, path = GZ_BUF_INIT;
	char real[2 * PATH_MAX + 2];
	uint64_t h = GZ_HASH_INIT;
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");
	FILE *f;

	/* the same folder must give the same name before and after it exists */
	if (!realpath(out_dir, real)) {
		char *dir = gz_strdup(out_dir), *slash = strrchr(dir, '/');
		char parent[PATH_MAX];
		const char *base = slash ? slash + 1 : out_dir;
		if (slash)
			*slash = '\0';
		if (realpath(slash ? (*dir ? dir : "/") : ".", parent))
			snprintf(real, sizeof(real), "%s/%s", parent, base);
		else
			snprintf(real, sizeof(real), "%s", out_dir);
		free(dir);
	}
	h = gz_hash_str(h, real);
	if (bare) {
		char rs[PATH_MAX];
		if (!realpath(source, rs))
			snprintf(rs, sizeof(rs), "%s", source);
		/* the XDG base directory rule: only an absolute path counts */
		if (xdg && xdg[0] == '/')
			gz_buf_puts(&cache, xdg);
		else
			gz_buf_printf(&cache, "%s/.cache", home ? home : "/tmp");
		if (create)
			mkdir(cache.ptr, 0755);
		gz_buf_puts(&cache, "/gazette");
		if (create)
			mkdir(cache.ptr, 0755);
		h = gz_hash_str(h, rs);
	} else {
		gz_buf_printf(&cache, "%s/.gazette", source);
		if (create && mkdir(cache.ptr, 0755) == 0) {
			gz_buf_printf(&path, "%s/.gitignore", cache.ptr);
			f = fopen(path.ptr, "w");
			if (f) {
				fputs("# gazette's cache: not content\n*\n", f);
				fclose(f);
			}
			gz_buf_clear(&path);
		}
	}
	gz_buf_printf(&path, "%s/%s-%016llx.txt", cache.ptr, what, (unsigned long long)h);
	gz_buf_release(&cache);
	return gz_buf_detach(&path, NULL);
}

/* A folder of the cache shared by every output folder: img/ for photo
 * derivatives (their names are hashes of what they are made from), pages/
 * for parsed pages (keyed by their bytes). */
char *gz_cache_sub_dir(const char *source, bool bare, const char *name, bool create)
{
	gz_buf b = GZ_BUF_INIT;
	char *any = gz_cache_file(source, bare, source, "x", create);
	char *slash = strrchr(any, '/');

	*slash = '\0';
	gz_buf_printf(&b, "%s/%s", any, name);
	free(any);
	return gz_buf_detach(&b, NULL);
}

char *gz_cache_dir(const char *source, const char *name)
{
	return gz_cache_sub_dir(source, false, name, true);
}
