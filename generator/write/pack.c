#include "write/pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"

struct gz_pack {
	struct archive *a;
	char *path, *tmp;
	bool overwrite;
	int fd;
};

int gz_pack_open(gz_pack **out, const char *path, bool overwrite, gz_diag *d)
{
	gz_pack *pk;
	gz_buf b = GZ_BUF_INIT;
	struct stat st;

	*out = NULL;
	if (!overwrite && lstat(path, &st) == 0) {
		gz_diag_error(d, path, 0, 0, _("the file already exists; give --force to replace it"));
		return GZ_PACK_EXISTS;
	}
	pk = gz_calloc(1, sizeof(*pk));
	pk->path = gz_strdup(path);
	pk->overwrite = overwrite;
	gz_buf_printf(&b, "%s.tmp-XXXXXX", path);
	pk->tmp = gz_buf_detach(&b, NULL);
	pk->fd = mkstemp(pk->tmp);
	if (pk->fd < 0) {
		gz_diag_error(d, path, 0, 0, _("cannot write: %s"), strerror(errno));
		free(pk->tmp);
		pk->tmp = NULL;
		gz_pack_free(pk);
		return -1;
	}
	fchmod(pk->fd, 0644);
	pk->a = archive_write_new();
	if (archive_write_set_format_zip(pk->a) != ARCHIVE_OK ||
	    archive_write_open_fd(pk->a, pk->fd) != ARCHIVE_OK) {
		gz_diag_error(d, path, 0, 0, _("cannot start the zip: %s"),
			      archive_error_string(pk->a));
		gz_pack_free(pk);
		return -1;
	}
	*out = pk;
	return 0;
}

int gz_pack_add(gz_pack *pk, const char *name, const void *data, size_t len, int64_t mtime,
		gz_diag *d)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	archive_entry_set_pathname_utf8(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	if (archive_write_header(pk->a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(pk->a, data, len) != (la_ssize_t)len)) {
		gz_diag_error(d, pk->path, 0, 0, _("cannot add '%s' to the zip: %s"), name,
			      archive_error_string(pk->a));
		rc = -1;
	}
	archive_entry_free(e);
	return rc;
}

int gz_pack_finish(gz_pack *pk, gz_diag *d)
{
	int rc = 0;

	if (archive_write_close(pk->a) != ARCHIVE_OK) {
		gz_diag_error(d, pk->path, 0, 0, _("cannot finish the zip: %s"),
			      archive_error_string(pk->a));
		rc = -1;
		goto cleanup;
	}
	if (fsync(pk->fd) < 0 || close(pk->fd) < 0) {
		pk->fd = -1;
		gz_diag_error(d, pk->path, 0, 0, _("cannot write: %s"), strerror(errno));
		rc = -1;
		goto cleanup;
	}
	pk->fd = -1;
	/* link() refuses an existing name, so a file that appeared since
	 * gz_pack_open is not replaced either */
	if (pk->overwrite ? rename(pk->tmp, pk->path) < 0 : link(pk->tmp, pk->path) < 0) {
		rc = errno == EEXIST ? GZ_PACK_EXISTS : -1;
		if (rc == GZ_PACK_EXISTS)
			gz_diag_error(d, pk->path, 0, 0,
				      _("the file already exists; give --force to replace it"));
		else
			gz_diag_error(d, pk->path, 0, 0, _("cannot write: %s"), strerror(errno));
		goto cleanup;
	}
	if (pk->overwrite) {
		free(pk->tmp);
		pk->tmp = NULL; /* renamed: nothing left to remove */
	}
cleanup:
	gz_pack_free(pk);
	return rc;
}

void gz_pack_free(gz_pack *pk)
{
	if (!pk)
		return;
	if (pk->a)
		archive_write_free(pk->a); /* closes the archive if still open */
	if (pk->fd >= 0)
		close(pk->fd);
	if (pk->tmp)
		unlink(pk->tmp);
	free(pk->tmp);
	free(pk->path);
	free(pk);
}

/* libdeflate, not libarchive's zlib: it makes the same standard gzip in
 * half the time (the search text groups are most of the index's build) */
int gz_pack_gzip(gz_buf *out, const void *data, size_t len, int level, const char *path,
		 gz_diag *d)
{
	struct libdeflate_compressor *c;
	size_t bound, n;

	c = libdeflate_alloc_compressor(level >= 1 && level <= 12 ? level : 6);
	if (!c) {
		if (d)
			gz_diag_error(d, path, 0, 0, _("cannot compress: %s"), strerror(ENOMEM));
		return -1;
	}
	bound = libdeflate_gzip_compress_bound(c, len);
	gz_buf_grow(out, bound);
	n = libdeflate_gzip_compress(c, data, len, out->ptr + out->len, bound);
	libdeflate_free_compressor(c);
	if (!n) {
		/* cannot happen with the bound above; kept as an error all the same */
		if (d)
			gz_diag_error(d, path, 0, 0, _("cannot compress: %s"), "libdeflate");
		return -1;
	}
	out->len += n;
	out->ptr[out->len] = '\0';
	return 0;
}

int gz_pack_gunzip(gz_buf *out, const void *data, size_t len, size_t max, const char *path,
		   gz_diag *d)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char chunk[65536];
	la_ssize_t n;
	int rc = -1;

	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK ||
	    archive_read_open_memory(a, data, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK)
		goto cleanup;
	/* raw also reads what is not compressed at all: only gzip is asked for */
	if (archive_filter_count(a) < 2 || archive_filter_code(a, 0) != ARCHIVE_FILTER_GZIP) {
		archive_set_error(a, EINVAL, "not gzip");
		goto cleanup;
	}
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0) {
		if (out->len + (size_t)n > max) {
			archive_set_error(a, EFBIG, "more than %zu bytes", max);
			goto cleanup;
		}
		gz_buf_add(out, chunk, (size_t)n);
	}
	if (n < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (rc < 0 && d)
		gz_diag_error(d, path, 0, 0, _("cannot decompress: %s"),
			      archive_error_string(a) ? archive_error_string(a) : "?");
	archive_read_free(a);
	return rc;
}
