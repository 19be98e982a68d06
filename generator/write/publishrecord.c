/*
 * publishrecord.c: the record of what the last build published, and where
 * its spare folder may differ from it (output.h, Publishing). A text file:
 * a magic line, "site", "dir" and "spare" lines, then a line a path, "c "
 * for a changed one and "o " for an output.
 */
#include "write/publish_private.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"

void gz_paths_add(gz_paths *l, const char *s)
{
	GZ_GROW(l->items, l->cap, l->n + 1);
	l->items[l->n++] = s;
}

void gz_paths_add_all(gz_paths *l, const gz_paths *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		gz_paths_add(l, from->items[i]);
}

void gz_paths_release(gz_paths *l)
{
	free(l->items);
	memset(l, 0, sizeof(*l));
}

#define RECORD_MAGIC "gazette-publish 2"

void gz_pub_record_release(gz_pub_record *r)
{
	gz_paths_release(&r->changed);
	gz_paths_release(&r->outputs);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}

int gz_pub_record_read(gz_pub_record *r, const char *path)
{
	gz_buf b = GZ_BUF_INIT;
	char *line, *next, *end;
	size_t lines = 0;

	memset(r, 0, sizeof(*r));
	if (gz_buf_read_file(&b, path) < 0)
		return -1;
	/* read several times a build, a line an output: the outputs' list made
	 * once, at its size, and the lines told apart by their first bytes */
	end = b.ptr + b.len;
	for (line = b.ptr; (line = memchr(line, '\n', (size_t)(end - line))); line++)
		lines++;
	GZ_GROW(r->outputs.items, r->outputs.cap, lines + 1);
	for (line = b.ptr; line < end; line = next) {
		next = memchr(line, '\n', (size_t)(end - line));
		if (next)
			*next++ = '\0';
		else
			next = end;
		if (!*line)
			continue;
		if (r->ok && line[0] == 'o' && line[1] == ' ')
			gz_paths_add(&r->outputs, line + 2);
		else if (!strcmp(line, RECORD_MAGIC))
			r->ok = true;
		else if (!r->ok)
			gz_paths_add(&r->outputs, line); /* an older list of outputs */
		else if (!strncmp(line, "c ", 2))
			gz_paths_add(&r->changed, line + 2);
		else if (!strncmp(line, "dir ", 4))
			r->dir = strtoull(line + 4, NULL, 16);
		else if (!strcmp(line, "spare in-place"))
			r->in_place = true;
		else if (!strncmp(line, "spare ", 6))
			r->spare = strtoull(line + 6, NULL, 16);
	}
	r->buf = gz_buf_detach(&b, NULL);
	return 0;
}

int gz_pub_record_save(const gz_pub_record *r, const char *site, const char *path)
{
	gz_buf b = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	size_t i;
	FILE *f;
	int rc = -1, e;

	gz_buf_printf(&b, "%s\n# what gazette last published, and its spare folder\n", RECORD_MAGIC);
	gz_buf_printf(&b, "site %s\n", site);
	gz_buf_printf(&b, "dir %016llx\n", (unsigned long long)r->dir);
	if (r->in_place)
		gz_buf_puts(&b, "spare in-place\n");
	else
		gz_buf_printf(&b, "spare %016llx\n", (unsigned long long)r->spare);
	for (i = 0; i < r->changed.n; i++) {
		gz_buf_puts(&b, "c ");
		gz_buf_puts(&b, r->changed.items[i]);
		gz_buf_putc(&b, '\n');
	}
	for (i = 0; i < r->outputs.n; i++) {
		gz_buf_puts(&b, "o ");
		gz_buf_puts(&b, r->outputs.items[i]);
		gz_buf_putc(&b, '\n');
	}
	gz_buf_printf(&tmp, "%s.tmp", path);
	f = fopen(tmp.ptr, "w");
	if (f && fwrite(b.ptr, 1, b.len, f) == b.len && fclose(f) == 0) {
		f = NULL;
		rc = rename(tmp.ptr, path);
	}
	e = errno;
	if (f)
		fclose(f);
	if (rc < 0)
		unlink(tmp.ptr);
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	errno = e;
	return rc;
}

void gz_pub_record_outputs(gz_pub_record *r, const gz_outputs *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		gz_paths_add(&r->outputs, o->items[i].path);
}

char *gz_pub_record_site(const char *path)
{
	char line[PATH_MAX + 16];
	FILE *f = fopen(path, "r");
	char *site = NULL;
	int n = 0;

	if (!f)
		return NULL;
	while (!site && n++ < 3 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "site ", 5))
			site = gz_strdup(line + 5);
	}
	fclose(f);
	return site;
}

const gz_pub_record *gz_pub_record_cached(gz_pub_record_cache *c, const char *path, int *rc)
{
	if (!c->have) {
		c->rc = gz_pub_record_read(&c->rec, path);
		c->have = true;
	}
	if (rc)
		*rc = c->rc;
	return &c->rec;
}

void gz_pub_record_forget(gz_pub_record_cache *c)
{
	if (c->have)
		gz_pub_record_release(&c->rec);
	c->have = false;
}
