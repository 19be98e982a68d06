#include "media/zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <time.h>

#include "base/alloc.h"

struct gz_zip {
	struct archive *a;
};

static int fail(gz_zip *z, char **err)
{
	const char *why = archive_error_string(z->a);

	*err = gz_strdup(why ? why : "?");
	return -1;
}

int gz_zip_open(gz_zip **out, int fd, char **err)
{
	gz_zip *z = gz_calloc(1, sizeof(*z));

	*out = NULL;
	*err = NULL;
	z->a = archive_write_new();
	if (archive_write_set_format_zip(z->a) != ARCHIVE_OK ||
	    archive_write_open_fd(z->a, fd) != ARCHIVE_OK) {
		fail(z, err);
		gz_zip_free(z);
		return -1;
	}
	*out = z;
	return 0;
}

/* libarchive writes an entry's zip time (a date and a time of day, no
 * zone) as the moment it is given falls in this machine's zone: a server
 * in UTC dated a Beijing story of 2019-12-31 2019-12-30 16:00. The moment
 * whose wall clock here is the one asked for makes it the same on every
 * machine. The extended timestamp libarchive adds holds that moment too,
 * so an unzip in the zone the zip was made in lists the same; one in
 * another zone moves it by the difference (made in UTC, read in Beijing:
 * 08:00 of the same day). */
static time_t machine_time(int64_t wall)
{
	time_t t = (time_t)wall;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return t;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t == (time_t)-1 ? (time_t)wall : t;
}

int gz_zip_add(gz_zip *z, const char *name, const void *data, size_t len, int64_t mtime,
	       char **err)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;

	*err = NULL;
	archive_entry_set_pathname_utf8(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, machine_time(mtime), 0);
	if (archive_write_header(z->a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(z->a, data, len) != (la_ssize_t)len))
		rc = fail(z, err);
	archive_entry_free(e);
	return rc;
}

int gz_zip_close(gz_zip *z, char **err)
{
	*err = NULL;
	return archive_write_close(z->a) == ARCHIVE_OK ? 0 : fail(z, err);
}

void gz_zip_free(gz_zip *z)
{
	if (!z)
		return;
	if (z->a)
		archive_write_free(z->a); /* closes the archive if still open */
	free(z);
}
