#include "lua/theme.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/text.h"
#include "load/yaml.h"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A theme installed beside the program (./themes/name or
 * ../share/gazette/themes/name) or in $GAZETTE_THEMES: never the site's. */
static char *find_installed_theme(const char *name, char **display)
{
	gz_buf b = GZ_BUF_INIT;
	char exe[PATH_MAX];
	ssize_t n;
	const char *env = getenv("GAZETTE_THEMES");

	if (env) {
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

char *gz_theme_dir(const char *source, const char *name, char **display)
{
	gz_buf b = GZ_BUF_INIT;
	char *real = NULL, *root = realpath(source, NULL);

	/* the site's own, unless a symbolic link takes it out of the site */
	gz_buf_printf(&b, "%s/themes/%s", source, name);
	if (root && is_dir(b.ptr) && (real = realpath(b.ptr, NULL)) &&
	    !strncmp(real, root, strlen(root)) && real[strlen(root)] == '/') {
		gz_buf d = GZ_BUF_INIT;
		gz_buf_printf(&d, "themes/%s", name);
		*display = gz_buf_detach(&d, NULL);
		free(real);
		free(root);
		return gz_buf_detach(&b, NULL);
	}
	free(real);
	free(root);
	gz_buf_release(&b);
	return find_installed_theme(name, display);
}

/* site.yml as a value tree, read before the site is (NULL if absent or
 * broken: the site load reports that). */
static gz_value *peek_config(gz_source *src)
{
	char *data = NULL, *err = NULL;
	size_t len;
	int line, col;
	gz_value *v = NULL;

	if (gz_source_read(src, "site.yml", &data, &len) < 0)
		return NULL;
	if (gz_yaml_parse(&v, data, len, 0, &err, &line, &col) < 0)
		v = NULL;
	free(err);
	free(data);
	return v;
}

/* The theme: themes/<name> in the site's own source (a git revision's for
 * --rev, never the working tree's then), else one installed beside the
 * program. */
static gz_source *open_theme_named(gz_source *src, const char *name, char **display)
{
	gz_buf prefix = GZ_BUF_INIT;
	gz_strlist probe = {0};
	gz_source *th = NULL;
	char *dir, *err = NULL;

	gz_buf_printf(&prefix, "themes/%s", name);
	gz_source_list(src, prefix.ptr, &probe);
	if (probe.n) {
		th = gz_source_sub(src, prefix.ptr);
		*display = gz_buf_detach(&prefix, NULL);
		gz_strlist_release(&probe);
		return th;
	}
	gz_strlist_release(&probe);
	gz_buf_release(&prefix);
	dir = find_installed_theme(name, display);
	if (dir && gz_source_open_dir(&th, dir, &err) < 0) {
		free(err);
		th = NULL;
	}
	free(dir);
	return th;
}

gz_source *gz_theme_open(gz_theme *th, gz_source *src, const char *source_dir, char **display,
			  gz_diag *d)
{
	/* site.yml is read here once more than by the site load: the theme
	 * and its hooks must exist before pages load */
	gz_value *cfg = peek_config(src);
	const char *t = gz_value_str(cfg, "theme");
	const char *name = t && !gz_slug_is_hostile(t) ? t : "default";
	gz_source *theme_src = open_theme_named(src, name, display);

	memset(th, 0, sizeof(*th));
	if (!theme_src) {
		gz_diag_error(d, "site.yml", 0, 0,
			      "theme '%s' not found (looked in %sthemes/%s and beside gazette)", name,
			      gz_source_is_folder(src) ? "" : "the revision's ", name);
		gz_value_free(cfg);
		return NULL;
	}
	/* go on after errors so layout problems are reported with the rest */
	gz_theme_load(th, theme_src, *display, d);
	gz_theme_load_hooks(th, theme_src, src, gz_value_get(cfg, "hooks"));
	gz_value_free(cfg);
	return theme_src;
}
