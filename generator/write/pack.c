#include "write/pack.h"

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
#include "media/media.h"

struct gz_pack {
	gz_zip *z;
	char *path, *tmp;
	bool overwrite;
	int fd;
};

int gz_pack_open(gz_pack **out, const char *path, bool overwrite, gz_diag *d)
{
	gz_pack *pk;
	gz_buf b = GZ_BUF_INIT;
	struct stat st;
	char *why;

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
	if (gz_zip_open(&pk->z, pk->fd, &why) < 0) {
		gz_diag_error(d, path, 0, 0, _("cannot start the zip: %s"), why);
		free(why);
		gz_pack_free(pk);
		return -1;
	}
	*out = pk;
	return 0;
}

int gz_pack_add(gz_pack *pk, const char *name, const void *data, size_t len, int64_t mtime,
		gz_diag *d)
{
	char *why;

	if (gz_zip_add(pk->z, name, data, len, mtime, &why) == 0)
		return 0;
	gz_diag_error(d, pk->path, 0, 0, _("cannot add '%s' to the zip: %s"), name, why);
	free(why);
	return -1;
}

int gz_pack_finish(gz_pack *pk, gz_diag *d)
{
	char *why;
	int rc = 0;

	if (gz_zip_close(pk->z, &why) < 0) {
		gz_diag_error(d, pk->path, 0, 0, _("cannot finish the zip: %s"), why);
		free(why);
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
	gz_zip_free(pk->z);
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
	struct libdeflate_decompressor *z;
	const unsigned char *p = data;
	const char *why = NULL;
	size_t in = 0, made = 0;
	uint32_t size;
	enum libdeflate_result r;

	/* one member, as gz_pack_gzip makes it: its last four bytes are its
	 * length (modulo 2^32), so the text is made in place, at once */
	if (len < 18 || p[0] != 0x1f || p[1] != 0x8b) {
		why = _("not gzip");
		goto fail;
	}
	memcpy(&size, p + len - 4, 4);
	if (size > max) {
		why = _("larger than a build makes");
		goto fail;
	}
	if (!(z = libdeflate_alloc_decompressor())) {
		why = strerror(ENOMEM);
		goto fail;
	}
	gz_buf_grow(out, (size_t)size + 1);
	r = libdeflate_gzip_decompress_ex(z, data, len, out->ptr + out->len, size, &in, &made);
	libdeflate_free_decompressor(z);
	if (r != LIBDEFLATE_SUCCESS || in != len || made != size) {
		why = r == LIBDEFLATE_INSUFFICIENT_SPACE ? _("larger than a build makes") : _("damaged");
		goto fail;
	}
	out->len += made;
	out->ptr[out->len] = '\0';
	return 0;
fail:
	if (d)
		gz_diag_error(d, path, 0, 0, _("cannot decompress: %s"), why);
	return -1;
}
