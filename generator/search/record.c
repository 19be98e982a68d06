#include "search/index.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"

#define RECORD_HEAD "gazette search record 1"
void gz_search_record_free(gz_search_record *rec)
{
	if (!rec)
		return;
	free(rec->docs);
	free(rec->files);
	free(rec);
}

size_t gz_search_ngroups(size_t n)
{
	return (n + GZ_SEARCH_TEXT_GROUP - 1) / GZ_SEARCH_TEXT_GROUP;
}

static void record_head(gz_buf *b)
{
	gz_buf_printf(b, RECORD_HEAD " format %s shards %d group %d level %d keyed\n",
		      GZ_SEARCH_FORMAT, GZ_SEARCH_SHARDS, GZ_SEARCH_TEXT_GROUP, GZ_SEARCH_TEXT_LEVEL);
}

int gz_search_record_save(const gz_search_record *rec, const char *path)
{
	gz_buf b = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	size_t i;
	FILE *f;
	int rc = -1;

	record_head(&b);
	gz_buf_printf(&b, "key %016llx\n", (unsigned long long)rec->docs_key);
	gz_buf_printf(&b, "docs %zu\n", rec->ndocs);
	for (i = 0; i < rec->ndocs; i++)
		gz_buf_printf(&b, "%016llx\n", (unsigned long long)rec->docs[i]);
	gz_buf_printf(&b, "files %zu\n", rec->nfiles);
	for (i = 0; i < rec->nfiles; i++)
		gz_buf_printf(&b, "%016llx %zu\n", (unsigned long long)rec->files[i].hash,
			      rec->files[i].len);
	gz_buf_puts(&b, "end\n");
	gz_buf_printf(&tmp, "%s.tmp-%ld", path, (long)getpid());
	f = fopen(tmp.ptr, "w");
	if (f) {
		bool ok = fwrite(b.ptr, 1, b.len, f) == b.len;
		if (fclose(f) == 0 && ok && rename(tmp.ptr, path) == 0)
			rc = 0;
		else
			unlink(tmp.ptr);
	}
	gz_buf_release(&b);
	gz_buf_release(&tmp);
	return rc;
}

/* A hex hash and the rest of its line at *p. */
static bool get_hex(const char **p, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(*p, &end, 16);
	if (errno || end != *p + 16)
		return false;
	*p = end;
	return true;
}

static bool get_size(const char **p, const char *what, size_t *out)
{
	size_t n = strlen(what);
	char *end;

	if (strncmp(*p, what, n))
		return false;
	errno = 0;
	*out = (size_t)strtoull(*p + n, &end, 10);
	if (errno || end == *p + n || *end != '\n')
		return false;
	*p = end + 1;
	return true;
}

/* 0 and *out, 1 when there is no record (or one of another format or
 * layout: nothing to warn about), -1 when it is not a record at all. */
int gz_search_record_load(gz_search_record **out, const char *path)
{
	gz_buf b = GZ_BUF_INIT, head = GZ_BUF_INIT;
	gz_search_record *r = NULL;
	const char *p;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (gz_buf_read_file(&b, path) < 0) {
		rc = errno == ENOENT ? 1 : -1;
		goto cleanup;
	}
	record_head(&head);
	if (strncmp(b.ptr, head.ptr, head.len)) {
		rc = !strncmp(b.ptr, RECORD_HEAD " ", strlen(RECORD_HEAD " ")) ? 1 : -1;
		goto cleanup;
	}
	p = b.ptr + head.len;
	r = gz_calloc(1, sizeof(*r));
	if (strncmp(p, "key ", 4))
		goto cleanup;
	p += 4;
	if (!get_hex(&p, &r->docs_key) || *p++ != '\n')
		goto cleanup;
	if (!get_size(&p, "docs ", &r->ndocs) || r->ndocs > b.len / 17)
		goto cleanup;
	r->docs = gz_malloc((r->ndocs ? r->ndocs : 1) * sizeof(*r->docs));
	for (i = 0; i < r->ndocs; i++)
		if (!get_hex(&p, &r->docs[i]) || *p++ != '\n')
			goto cleanup;
	if (!get_size(&p, "files ", &r->nfiles) || r->nfiles > b.len / 19 ||
	    r->nfiles != 1 + GZ_SEARCH_SHARDS + gz_search_ngroups(r->ndocs))
		goto cleanup;
	r->files = gz_malloc(r->nfiles * sizeof(*r->files));
	for (i = 0; i < r->nfiles; i++) {
		char *end;
		if (!get_hex(&p, &r->files[i].hash) || *p++ != ' ')
			goto cleanup;
		errno = 0;
		r->files[i].len = (size_t)strtoull(p, &end, 10);
		if (errno || end == p || *end != '\n')
			goto cleanup;
		p = end + 1;
	}
	if (strcmp(p, "end\n"))
		goto cleanup;
	*out = r;
	r = NULL;
	rc = 0;
cleanup:
	gz_search_record_free(r);
	gz_buf_release(&b);
	gz_buf_release(&head);
	return rc;
}
