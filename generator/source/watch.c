#include "source/watch.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

#define MASK                                                                          \
	(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | \
	 IN_DELETE_SELF | IN_ATTRIB)

/* the folders a build reads (print: the site's own print layouts) */
static const char *const tops[] = {"content", "themes", "hooks", "data", "static", "print"};

struct gz_watch {
	int fd;
	int root_wd;
	char *root;
	/* wd → folder (absolute path); wds are small integers, so an array */
	char **dirs;
	size_t cap;
};

static void add_tree(gz_watch *w, const char *dir)
{
	DIR *dh;
	struct dirent *e;
	int wd = inotify_add_watch(w->fd, dir, MASK | IN_ONLYDIR);

	if (wd < 0)
		return;
	if ((size_t)wd >= w->cap) {
		size_t old = w->cap;
		GZ_GROW(w->dirs, w->cap, (size_t)wd + 1);
		memset(w->dirs + old, 0, (w->cap - old) * sizeof(*w->dirs));
	}
	free(w->dirs[wd]);
	w->dirs[wd] = gz_strdup(dir);
	dh = opendir(dir);
	if (!dh)
		return;
	while ((e = readdir(dh))) {
		gz_buf p = GZ_BUF_INIT;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		gz_buf_printf(&p, "%s/%s", dir, e->d_name);
		/* lstat: a symbolic link is not followed, as in source.c */
		if (lstat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode))
			add_tree(w, p.ptr);
		gz_buf_release(&p);
	}
	closedir(dh);
}

int gz_watch_open(gz_watch **out, const char *root, gz_diag *d)
{
	gz_watch *w = gz_calloc(1, sizeof(*w));
	size_t i;

	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		gz_diag_error(d, root, 0, 0, _("cannot watch the folder for changes (%s)"),
			      strerror(errno));
		free(w);
		return -1;
	}
	w->root = gz_strdup(root);
	/* the root itself, not recursively: site.yml and new top folders */
	w->root_wd = inotify_add_watch(w->fd, root, MASK | IN_ONLYDIR);
	if (w->root_wd < 0) {
		gz_diag_error(d, root, 0, 0, _("cannot watch the folder for changes (%s)"),
			      strerror(errno));
		gz_watch_free(w);
		return -1;
	}
	for (i = 0; i < sizeof(tops) / sizeof(*tops); i++) {
		gz_buf p = GZ_BUF_INIT;
		gz_buf_printf(&p, "%s/%s", root, tops[i]);
		add_tree(w, p.ptr);
		gz_buf_release(&p);
	}
	*out = w;
	return 0;
}

void gz_watch_free(gz_watch *w)
{
	size_t i;

	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (i = 0; i < w->cap; i++)
		free(w->dirs[i]);
	free(w->dirs);
	free(w->root);
	free(w);
}

int gz_watch_fd(const gz_watch *w)
{
	return w->fd;
}

static int is_top(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tops) / sizeof(*tops); i++)
		if (!strcmp(name, tops[i]))
			return 1;
	return 0;
}

int gz_watch_read(gz_watch *w)
{
	/* aligned as inotify(7) asks */
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int changes = 0;
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		const char *p = buf;
		while (p < buf + n) {
			const struct inotify_event *ev = (const struct inotify_event *)(const void *)p;
			const char *name = ev->len ? ev->name : "";

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				changes++;
				continue;
			}
			if (ev->wd == w->root_wd) {
				/* only the settings and the watched top folders matter here */
				if (!strcmp(name, "site.yml") || !strcmp(name, "print.yml")) {
					changes++;
				} else if (is_top(name)) {
					if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
						gz_buf d = GZ_BUF_INIT;
						gz_buf_printf(&d, "%s/%s", w->root, name);
						add_tree(w, d.ptr);
						gz_buf_release(&d);
					}
					changes++;
				}
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				if (ev->wd >= 0 && (size_t)ev->wd < w->cap) {
					free(w->dirs[ev->wd]);
					w->dirs[ev->wd] = NULL;
				}
				continue;
			}
			if (name[0] == '.' || (name[0] && name[strlen(name) - 1] == '~'))
				continue;
			if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
			    ev->wd >= 0 && (size_t)ev->wd < w->cap && w->dirs[ev->wd]) {
				gz_buf d = GZ_BUF_INIT;
				gz_buf_printf(&d, "%s/%s", w->dirs[ev->wd], name);
				add_tree(w, d.ptr);
				gz_buf_release(&d);
			}
			changes++;
		}
	}
	return changes;
}
