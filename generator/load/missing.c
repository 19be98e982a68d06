/*
 * missing.c: the error for a photo or image a page names that is not
 * there, with the file of the same folder the editor most likely meant.
 */
#include "load/missing.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/strlist.h"
#include "base/suggest.h"

/*
 * The file an editor most likely meant when file is not there: one in the
 * same folder whose name differs only in case (Xinli-Sheep.JPG for
 * xinli-sheep.jpg), or by a typo or two. As ref wrote it, its file name
 * replaced (caller frees), or NULL. Only on the way to an error: it lists
 * the folder.
 */
static char *near_file(gz_source *src, const char *ref, const char *file)
{
	gz_strlist all = {0};
	const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file, *best = NULL;
	const char **names;
	char *dir = gz_strndup(file, slash ? (size_t)(slash - file) : 0), *out = NULL;
	const char *rslash = strrchr(ref, '/');
	size_t i, n = 0;

	gz_source_list(src, dir, &all);
	names = gz_calloc(all.n ? all.n : 1, sizeof(*names));
	for (i = 0; i < all.n; i++) {
		const char *name = all.items[i] + (*dir ? strlen(dir) + 1 : 0);
		if (strchr(name, '/'))
			continue;
		if (!strcasecmp(name, base)) {
			best = name;
			break;
		}
		names[n++] = name;
	}
	if (!best)
		best = gz_suggest(base, names, n);
	if (best) {
		gz_buf b = GZ_BUF_INIT;
		gz_buf_add(&b, ref, rslash ? (size_t)(rslash + 1 - ref) : 0);
		gz_buf_puts(&b, best);
		out = gz_buf_detach(&b, NULL);
	}
	free(names);
	gz_strlist_release(&all);
	free(dir);
	return out;
}

void gz_missing_file(gz_diag *d, const char *path, int line, int col, gz_source *src, bool image,
		     const char *ref, const char *file)
{
	char *near = near_file(src, ref, file);

	if (near && image)
		gz_diag_error(d, path, line, col, _("image '%s' not found (looked for %s); is it '%s'?"),
			      ref, file, near);
	else if (near)
		gz_diag_error(d, path, line, col, _("photo '%s' not found (looked for %s); is it '%s'?"),
			      ref, file, near);
	else if (image)
		gz_diag_error(d, path, line, col,
			      _("image '%s' not found (looked for %s); check the file name"), ref, file);
	else
		gz_diag_error(d, path, line, col,
			      _("photo '%s' not found (looked for %s); check the file name"), ref, file);
	free(near);
}

