#include "print/printcache.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/hash.h"

/* Bump when the copies the pipeline makes change (image.c's
 * gz_image_print), so copies of an older gazette are not used. */
#define PRINTCACHE_VERSION "gazette-print-copy 2"

/* The largest entry read back: a copy of 100 megapixels is far smaller. */
#define PRINTCACHE_MAX ((size_t)256 << 20)

/*
 * A hash of an original's bytes. FNV-1a takes a byte at a time, about
 * 15 ms for a camera's 7 MB JPEG, as long as making a tenth of its copy;
 * four lanes of eight bytes at a time take under 1 ms. Like FNV it only
 * has to tell photos apart, not resist someone making two collide.
 */
static uint64_t bytes_hash(const void *data, size_t len)
{
	static const uint64_t mul = 0x9e3779b97f4a7c15ULL;
	const unsigned char *p = data;
	uint64_t lane[4] = {1, 2, 3, 4}, h = GZ_HASH_INIT;
	size_t i, k;

	for (i = 0; i + 32 <= len; i += 32)
		for (k = 0; k < 4; k++) {
			uint64_t v;
			memcpy(&v, p + i + 8 * k, 8);
			lane[k] = (lane[k] ^ v) * mul;
			lane[k] ^= lane[k] >> 29;
		}
	for (k = 0; k < 4; k++)
		h = gz_hash_u64(h, lane[k]);
	h = gz_hash_add(h, p + i, len - i);
	return gz_hash_u64(h, len);
}

uint64_t gz_printcache_key(const void *original, size_t len, int want_w, int want_h, int quality)
{
	uint64_t h = gz_hash_str(GZ_HASH_INIT, PRINTCACHE_VERSION);

	h = gz_hash_u64(h, bytes_hash(original, len));
	h = gz_hash_u64(h, (uint64_t)want_w);
	h = gz_hash_u64(h, (uint64_t)want_h);
	return gz_hash_u64(h, (uint64_t)quality);
}

static void entry_name(gz_buf *b, const char *dir, uint64_t key)
{
	gz_buf_printf(b, "%s/%016llx.copy", dir, (unsigned long long)key);
}

/* "gazette-print-copy 1 W H LEN HASH\n": its numbers, or false. */
static bool parse_head(const char *head, int *w, int *h, size_t *n, uint64_t *sum)
{
	size_t vl = strlen(PRINTCACHE_VERSION), i;
	unsigned long long v[3];
	const char *p = head + vl;
	char *end;

	if (strncmp(head, PRINTCACHE_VERSION, vl))
		return false;
	for (i = 0; i < 3; i++) {
		if (*p != ' ' || !isdigit((unsigned char)p[1]))
			return false;
		errno = 0;
		v[i] = strtoull(p + 1, &end, 10);
		if (errno)
			return false;
		p = end;
	}
	if (*p != ' ' || !isxdigit((unsigned char)p[1]))
		return false;
	errno = 0;
	*sum = strtoull(p + 1, &end, 16);
	if (errno || end != p + 17 || strcmp(end, "\n"))
		return false;
	if (v[0] < 1 || v[0] > 1000000 || v[1] < 1 || v[1] > 1000000 || v[2] < 4 ||
	    v[2] > PRINTCACHE_MAX)
		return false;
	*w = (int)v[0];
	*h = (int)v[1];
	*n = (size_t)v[2];
	return true;
}

int gz_printcache_load(void **jpeg, size_t *len, int *w, int *h, const char *dir, uint64_t key)
{
	gz_buf path = GZ_BUF_INIT;
	char head[128], *data = NULL;
	uint64_t sum;
	size_t n;
	int hw, hh, rc = -1;
	FILE *f;

	*jpeg = NULL;
	*len = 0;
	entry_name(&path, dir, key);
	f = fopen(path.ptr, "rb");
	if (!f)
		goto cleanup;
	if (!fgets(head, sizeof(head), f) || !parse_head(head, &hw, &hh, &n, &sum))
		goto cleanup;
	data = gz_malloc(n + 1);
	/* exactly n bytes, then the end of the file */
	if (fread(data, 1, n + 1, f) != n || bytes_hash(data, n) != sum)
		goto cleanup;
	*jpeg = data;
	*len = n;
	*w = hw;
	*h = hh;
	data = NULL;
	rc = 0;
	/* used now: gz_printcache_prune keeps it */
	utimes(path.ptr, NULL);
cleanup:
	if (f)
		fclose(f);
	free(data);
	gz_buf_release(&path);
	return rc;
}

int gz_printcache_store(const char *dir, uint64_t key, const void *jpeg, size_t len, int w, int h)
{
	static atomic_uint serial;
	gz_buf path = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	FILE *f = NULL;
	int rc = -1;

	mkdir(dir, 0755);
	entry_name(&path, dir, key);
	gz_buf_printf(&tmp, "%s.tmp%ld-%u", path.ptr, (long)getpid(),
		      atomic_fetch_add(&serial, 1));
	f = fopen(tmp.ptr, "wb");
	if (!f)
		goto cleanup;
	if (fprintf(f, PRINTCACHE_VERSION " %d %d %zu %016llx\n", w, h, len,
		    (unsigned long long)bytes_hash(jpeg, len)) < 0 ||
	    fwrite(jpeg, 1, len, f) != len) {
		fclose(f);
		remove(tmp.ptr);
		goto cleanup;
	}
	if (fclose(f) != 0 || rename(tmp.ptr, path.ptr) != 0) {
		remove(tmp.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	gz_buf_release(&tmp);
	gz_buf_release(&path);
	return rc;
}

void gz_printcache_prune(const char *dir)
{
	time_t before = time(NULL) - (time_t)GZ_PRINTCACHE_DAYS * 86400;
	struct dirent *e;
	DIR *dh;

	if (!dir || !(dh = opendir(dir)))
		return;
	while ((e = readdir(dh))) {
		size_t n = strlen(e->d_name);
		gz_buf p = GZ_BUF_INIT;
		struct stat st;

		/* entries only ("<16 hex digits>.copy"), nothing else in the folder */
		if (n != 21 || strcmp(e->d_name + 16, ".copy"))
			continue;
		gz_buf_printf(&p, "%s/%s", dir, e->d_name);
		if (lstat(p.ptr, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < before)
			unlink(p.ptr);
		gz_buf_release(&p);
	}
	closedir(dh);
}
