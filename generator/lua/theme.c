#include "lua/theme.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/text.h"
#include "base/hash.h"
#include "load/yaml.h"
#include "lua/internal.h"
#include "lua/template.h"

/* Templates by name, then in the order of their files (a.html before
 * a.lua), for gz_theme_find's binary search: every output looks its
 * layout up. */
static int cmp_template(const void *a, const void *b)
{
	const gz_template *x = a, *y = b;
	int r = strcmp(x->name, y->name);
	return r ? r : strcmp(x->path, y->path);
}

int gz_theme_load(gz_theme *th, gz_source *src, const char *display, gz_diag *d)
{
	gz_strlist files = {0};
	size_t i;
	int rc = 0;

	memset(th, 0, sizeof(*th));
	th->display = gz_strdup(display);
	th->hash = GZ_HASH_INIT;
	gz_source_list(src, "layouts", &files);
	th->t = gz_calloc(files.n ? files.n : 1, sizeof(*th->t));
	for (i = 0; i < files.n; i++) {
		const char *rel = files.items[i] + strlen("layouts/");
		const char *dot = strrchr(rel, '.');
		gz_buf path = GZ_BUF_INIT, lua = GZ_BUF_INIT;
		gz_template *t;
		char *data;
		size_t len;
		int line, col;

		if (!dot || (strcmp(dot, ".html") && strcmp(dot, ".xml") && strcmp(dot, ".txt") &&
			     strcmp(dot, ".lua")))
			continue;
		gz_buf_printf(&path, "%s/%s", display, files.items[i]);
		if (gz_source_read(src, files.items[i], &data, &len) < 0) {
			gz_diag_error(d, path.ptr, 0, 0, _("cannot read the template"));
			gz_buf_release(&path);
			rc = -1;
			continue;
		}
		if (!gz_utf8_valid(data, len, &line, &col)) {
			gz_diag_error(d, path.ptr, line, col, _("invalid UTF-8 in template"));
			rc = -1;
		} else if (!strcmp(dot, ".lua")) {
			gz_buf_add(&lua, data, len);
		} else if (gz_template_translate(&lua, data, len, path.ptr, d) < 0) {
			rc = -1;
		}
		free(data);
		t = &th->t[th->n++];
		t->is_lua = !strcmp(dot, ".lua");
		t->name = gz_strndup(rel, (size_t)(dot - rel));
		t->path = gz_buf_detach(&path, NULL);
		t->lua = gz_buf_detach(&lua, &t->lua_len);
		th->hash = gz_hash_add(gz_hash_str(th->hash, t->name), t->lua, t->lua_len);
	}
	gz_strlist_release(&files);
	if (th->n > 1)
		qsort(th->t, th->n, sizeof(*th->t), cmp_template);
	return rc;
}

void gz_theme_load_hooks(gz_theme *th, gz_source *theme_src, gz_source *site_src,
			 const gz_value *cfg)
{
	gz_source *srcs[2] = {theme_src, site_src};
	const char *prefix[2] = {th->display, ""};
	const gz_value *allow = gz_value_get(cfg, "allow");
	size_t i, k, cap = 0;

	for (k = 0; k < 2; k++) {
		gz_strlist files = {0};
		if (!srcs[k])
			continue;
		gz_source_list(srcs[k], "hooks", &files);
		for (i = 0; i < files.n; i++) {
			const char *f = files.items[i];
			size_t n = strlen(f);
			gz_template *t;
			gz_buf path = GZ_BUF_INIT;
			char *data;
			size_t len;

			if (n < 4 || strcmp(f + n - 4, ".lua"))
				continue;
			if (gz_source_read(srcs[k], f, &data, &len) < 0)
				continue;
			GZ_GROW(th->hooks, cap, th->nhooks + 1);
			t = &th->hooks[th->nhooks++];
			memset(t, 0, sizeof(*t));
			gz_buf_printf(&path, "%s%s%s", prefix[k], *prefix[k] ? "/" : "", f);
			t->name = gz_strdup(f);
			t->path = gz_buf_detach(&path, NULL);
			t->lua = data;
			t->lua_len = len;
			t->is_lua = true;
			th->hash = gz_hash_add(gz_hash_str(th->hash, t->path), data, len);
		}
		gz_strlist_release(&files);
	}
	th->memory_mb = (int)gz_value_int(cfg, "memory_mb", DEFAULT_MEMORY_MB);
	th->seconds = (int)gz_value_int(cfg, "seconds", DEFAULT_SECONDS);
	th->data_mb = (int)gz_value_int(cfg, "data_mb", DEFAULT_DATA_MB);
	th->page_mb = (int)gz_value_int(cfg, "page_mb", DEFAULT_PAGE_MB);
	if (allow && allow->type == GZ_SEQ) {
		th->allow = gz_calloc(allow->n ? allow->n : 1, sizeof(*th->allow));
		for (i = 0; i < allow->n; i++)
			if (allow->items[i]->type == GZ_STR)
				th->allow[th->nallow++] = gz_strdup(allow->items[i]->str);
	}
}

void gz_theme_release(gz_theme *th)
{
	size_t i;

	for (i = 0; i < th->nhooks; i++) {
		free(th->hooks[i].name);
		free(th->hooks[i].path);
		free(th->hooks[i].lua);
	}
	free(th->hooks);
	for (i = 0; i < th->nallow; i++)
		free(th->allow[i]);
	free(th->allow);

	for (i = 0; i < th->n; i++) {
		free(th->t[i].name);
		free(th->t[i].path);
		free(th->t[i].lua);
	}
	free(th->t);
	free(th->display);
	memset(th, 0, sizeof(*th));
}

bool gz_theme_ran_away(const gz_theme *th)
{
	return th && atomic_load(&th->ran_away);
}

void gz_theme_mark_ran_away(const gz_theme *th)
{
	/* the theme is shared by every worker's state and read-only to them
	 * but for this flag */
	if (th)
		atomic_store(&((gz_theme *)th)->ran_away, true);
}

const gz_template *gz_theme_find(const gz_theme *th, const char *name)
{
	size_t lo = 0, hi = th->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(th->t[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < th->n && !strcmp(th->t[lo].name, name) ? &th->t[lo] : NULL;
}

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
	char *data = NULL;
	size_t len;
	gz_value *v = NULL;

	if (gz_source_read(src, "site.yml", &data, &len) < 0)
		return NULL;
	if (gz_yaml_parse(&v, data, len, 0, NULL, NULL) < 0)
		v = NULL;
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
	char *dir;

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
	if (dir && gz_source_open_dir(&th, dir, NULL) < 0)
		th = NULL;
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
