#include "source/guard.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/strlist.h"
#include "base/i18n.h"

/* The folders a build reads (the watcher's list, with the theme's own
 * kinds of folder a site may also have). */
static const char *const read_dirs[] = {"content", "static",  "themes",     "hooks",
					"data",    "layouts", "archetypes", "print"};

static bool is_read_dir(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(read_dirs) / sizeof(*read_dirs); i++)
		if (strlen(read_dirs[i]) == n && !strncmp(read_dirs[i], name, n))
			return true;
	return false;
}

char *gz_guard_resolve(const char *path)
{
	gz_strlist parts = {0};
	gz_buf abs = GZ_BUF_INIT, b = GZ_BUF_INIT;
	char *copy, *tok, *save = NULL, *real = NULL;
	size_t i, have;

	if (path[0] != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)))
			gz_buf_puts(&abs, cwd);
		gz_buf_putc(&abs, '/');
	}
	gz_buf_puts(&abs, path);
	copy = gz_buf_detach(&abs, NULL);
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save))
		gz_strlist_add(&parts, tok);
	free(copy);
	/* the deepest folder that exists, resolved: a link or ".." among the
	 * folders not made yet cannot mean anything but their names */
	for (have = parts.n + 1; have-- > 0;) {
		gz_buf_clear(&b);
		for (i = 0; i < have; i++)
			gz_buf_printf(&b, "/%s", parts.items[i]);
		real = realpath(have ? b.ptr : "/", NULL);
		if (real)
			break;
	}
	gz_buf_clear(&b);
	gz_buf_puts(&b, real && strcmp(real, "/") ? real : "");
	free(real);
	for (i = have; i < parts.n; i++) {
		if (!strcmp(parts.items[i], "."))
			continue;
		if (!strcmp(parts.items[i], "..")) {
			char *slash = strrchr(b.ptr, '/');
			if (slash)
				gz_buf_truncate(&b, (size_t)(slash - b.ptr));
			continue;
		}
		gz_buf_printf(&b, "/%s", parts.items[i]);
	}
	if (!b.len)
		gz_buf_putc(&b, '/');
	gz_strlist_release(&parts);
	return gz_buf_detach(&b, NULL);
}

/* Is path dir itself or below it? Both resolved. */
static bool within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* The git folder of a linked worktree (its .git is a file "gitdir: X"),
 * and the repository's common one, resolved; NULL each when not so. */
static void linked_git_dirs(const char *root, char **git_dir, char **common)
{
	gz_buf p = GZ_BUF_INIT, line = GZ_BUF_INIT;
	char *nl;

	*git_dir = *common = NULL;
	gz_buf_printf(&p, "%s/.git", root);
	if (gz_buf_read_file(&line, p.ptr) < 0 || strncmp(line.ptr, "gitdir: ", 8))
		goto done;
	if ((nl = strchr(line.ptr, '\n')))
		*nl = '\0';
	gz_buf_clear(&p);
	if (line.ptr[8] == '/')
		gz_buf_puts(&p, line.ptr + 8);
	else
		gz_buf_printf(&p, "%s/%s", root, line.ptr + 8);
	*git_dir = realpath(p.ptr, NULL);
	if (!*git_dir)
		goto done;
	gz_buf_clear(&p);
	gz_buf_clear(&line);
	gz_buf_printf(&p, "%s/commondir", *git_dir);
	if (gz_buf_read_file(&line, p.ptr) < 0)
		goto done;
	if ((nl = strchr(line.ptr, '\n')))
		*nl = '\0';
	gz_buf_clear(&p);
	if (line.ptr[0] == '/')
		gz_buf_puts(&p, line.ptr);
	else
		gz_buf_printf(&p, "%s/%s", *git_dir, line.ptr);
	*common = realpath(p.ptr, NULL);
done:
	gz_buf_release(&p);
	gz_buf_release(&line);
}

/* rest: what follows ".gazette" in an output path. */
static bool cache_output(const char *rest)
{
	static const char *const ours[] = {"serve", "desk"};
	size_t i, n;

	if (!rest)
		return false;
	for (i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		n = strlen(ours[i]);
		if (!strncmp(rest + 1, ours[i], n) && (rest[1 + n] == '/' || !rest[1 + n]))
			return true;
	}
	return false;
}

int gz_guard_out(const char *source, const char *out, bool bare, gz_diag *d)
{
	char *rs = realpath(source, NULL), *ro = gz_guard_resolve(out);
	char *git_dir = NULL, *common = NULL;
	const char *rel, *slash;
	size_t n;
	int rc = -1;

	if (!rs) {
		rc = 0; /* the source itself reports that it cannot be read */
		goto done;
	}
	if (within(rs, ro)) {
		gz_diag_error(d, out, 0, 0, _("the output folder would hold the source; choose another "
			        "--out"));
		goto done;
	}
	linked_git_dirs(rs, &git_dir, &common);
	if ((git_dir && (within(ro, git_dir) || within(git_dir, ro))) ||
	    (common && (within(ro, common) || within(common, ro)))) {
		gz_diag_error(d, out, 0, 0, _("the output folder would write into the git repository "
			        "(%s); choose a folder outside it, such as %s/public"),
			      common ? common : git_dir, source);
		goto done;
	}
	if (!within(ro, rs)) {
		rc = 0;
		goto done;
	}
	if (bare) {
		gz_diag_error(d, out, 0, 0, _("the output folder is inside the bare repository, which "
			        "is git's own; choose a folder outside it"));
		goto done;
	}
	rel = ro + strlen(rs) + (strcmp(rs, "/") ? 1 : 0);
	slash = strchr(rel, '/');
	n = slash ? (size_t)(slash - rel) : strlen(rel);
	if (is_read_dir(rel, n) || (n == 4 && !strncmp(rel, ".git", 4))) {
		gz_diag_error(d, out, 0, 0, _("the output folder is inside %.*s/, which the site is built "
			        "from, and publishing replaces what is there; choose a folder the site "
			        "does not read, such as public/"), (int)n, rel);
		goto done;
	}
	/* gazette serve builds into .gazette/serve and the desk its previews
	 * into .gazette/desk; the rest is the cache, with the records of what
	 * was published where */
	if (n == 8 && !strncmp(rel, ".gazette", 8) && !cache_output(slash)) {
		gz_diag_error(d, out, 0, 0, _("the output folder is inside .gazette/, gazette's cache; "
			        "choose another folder, such as public/"));
		goto done;
	}
	rc = 0;
done:
	free(rs);
	free(ro);
	free(git_dir);
	free(common);
	return rc;
}

/* What the link root/rel points at, for a message. Caller frees. */
static char *link_target(const char *root, const char *rel)
{
	gz_buf p = GZ_BUF_INIT;
	char target[PATH_MAX];
	ssize_t n;

	gz_buf_printf(&p, "%s/%s", root, rel);
	n = readlink(p.ptr, target, sizeof(target) - 1);
	gz_buf_release(&p);
	target[n > 0 ? n : 0] = '\0';
	return gz_strdup(target);
}

void gz_guard_links(gz_source *src, gz_diag *d)
{
	const char *root = gz_source_root(src);
	char *real;
	gz_strlist met = {0};
	size_t i, n;

	if (!gz_source_is_folder(src))
		return;
	real = realpath(root, NULL);
	if (!real)
		return;
	n = strlen(real);
	for (i = 0; i < sizeof(read_dirs) / sizeof(*read_dirs); i++) {
		gz_buf p = GZ_BUF_INIT;
		struct stat st;
		char *r, *target;
		gz_buf_printf(&p, "%s/%s", root, read_dirs[i]);
		if (lstat(p.ptr, &st) < 0 || !S_ISLNK(st.st_mode)) {
			gz_buf_release(&p);
			continue;
		}
		r = realpath(p.ptr, NULL);
		gz_buf_release(&p);
		if (r && !strncmp(r, real, n) && (r[n] == '/' || r[n] == '\0')) {
			free(r);
			continue;
		}
		target = link_target(root, read_dirs[i]);
		gz_diag_error(d, read_dirs[i], 0, 0,
			      r ? _("a symbolic link to '%s', outside the site; gazette reads only what "
				    "is inside the site folder: move the folder into it, or build that "
				    "folder with --source")
				: _("a symbolic link to '%s', which does not exist; point it at a folder "
				    "inside the site or remove it"),
			      target);
		free(target);
		free(r);
	}
	gz_source_outside(src, &met);
	for (i = 0; i < met.n; i++) {
		const char *p = met.items[i];
		char *target;
		if (!strchr(p, '/'))
			continue; /* a top folder: above */
		target = link_target(root, p);
		if (!strncmp(p, "content/", 8))
			gz_diag_warn(d, p, 0, 0, _("a symbolic link to '%s', outside the site; skipped "
				       "(copy the file into the site to publish it)"), target);
		else
			gz_diag_error(d, p, 0, 0, _("a symbolic link to '%s', outside the site; gazette "
				        "reads only what is inside the site folder: copy what it points at "
				        "into the site instead"), target);
		free(target);
	}
	gz_strlist_release(&met);
	free(real);
}
