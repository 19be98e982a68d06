#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "print/printcache.h"
#include "test.h"

static void write_raw(const char *dir, uint64_t key, const char *data, size_t len)
{
	gz_buf path = GZ_BUF_INIT;
	FILE *f;

	gz_buf_printf(&path, "%s/%016llx.copy", dir, (unsigned long long)key);
	f = fopen(path.ptr, "wb");
	CHECK(f != NULL);
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
	gz_buf_release(&path);
}

static char *read_raw(const char *dir, uint64_t key, size_t *len)
{
	gz_buf path = GZ_BUF_INIT, b = GZ_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	gz_buf_printf(&path, "%s/%016llx.copy", dir, (unsigned long long)key);
	f = fopen(path.ptr, "rb");
	gz_buf_release(&path);
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gz_buf_add(&b, chunk, n);
	fclose(f);
	return gz_buf_detach(&b, len);
}

/* keys tell the bytes, the size and the quality apart */
static void key(void)
{
	char a[100], b[100];
	uint64_t k;

	memset(a, 'a', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[99] = 'b'; /* the tail after the last 32-byte block */
	k = gz_printcache_key(a, sizeof(a), 100, 50, 85);
	CHECK(k == gz_printcache_key(a, sizeof(a), 100, 50, 85));
	CHECK(k != gz_printcache_key(b, sizeof(b), 100, 50, 85));
	b[99] = 'a';
	b[3] = 'b'; /* inside a block */
	CHECK(k != gz_printcache_key(b, sizeof(b), 100, 50, 85));
	CHECK(k != gz_printcache_key(a, sizeof(a) - 1, 100, 50, 85));
	CHECK(k != gz_printcache_key(a, sizeof(a), 101, 50, 85));
	CHECK(k != gz_printcache_key(a, sizeof(a), 100, 51, 85));
	CHECK(k != gz_printcache_key(a, sizeof(a), 100, 50, 84));
}

/* what is stored comes back; a damaged entry does not */
static void store_load(void)
{
	char tmpl[] = "/tmp/gazette-printcache-XXXXXX", dir[64], jpeg[5000], *raw, *bad;
	void *got;
	size_t len, rlen, i;
	int w, h;

	CHECK(mkdtemp(tmpl) != NULL);
	snprintf(dir, sizeof(dir), "%s/print", tmpl);
	for (i = 0; i < sizeof(jpeg); i++)
		jpeg[i] = (char)(i * 7);
	CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == -1);
	CHECK(got == NULL);
	/* the folder is made below one that exists */
	CHECK(gz_printcache_store(dir, 1, jpeg, sizeof(jpeg), 300, 200) == 0);
	CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == 0);
	CHECK(len == sizeof(jpeg) && got && !memcmp(got, jpeg, len));
	CHECK_INT(w, 300);
	CHECK_INT(h, 200);
	free(got);
	CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 2) == -1);

	raw = read_raw(dir, 1, &rlen);
	CHECK(raw != NULL);
	if (raw) {
		/* cut short, one byte more, a byte changed, a header that is not ours */
		write_raw(dir, 1, raw, rlen - 1);
		CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == -1);
		bad = malloc(rlen + 1);
		memcpy(bad, raw, rlen);
		bad[rlen] = 'x';
		write_raw(dir, 1, bad, rlen + 1);
		CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == -1);
		bad[rlen - 100] ^= 1;
		write_raw(dir, 1, bad, rlen);
		CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == -1);
		write_raw(dir, 1, "gazette-print-copy 2 -3 2 5000 00\n", 34);
		CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == -1);
		write_raw(dir, 1, "gazette-print-copy 2 3 2 99999999999999 0000000000000000\n", 57);
		CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == -1);
		write_raw(dir, 1, "", 0);
		CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == -1);
		CHECK(got == NULL);
		/* stored again, it is whole again */
		CHECK(gz_printcache_store(dir, 1, jpeg, sizeof(jpeg), 300, 200) == 0);
		CHECK(gz_printcache_load(&got, &len, &w, &h, dir, 1) == 0);
		free(got);
		free(bad);
		free(raw);
	}
	/* a folder that cannot be made (a file is in the way): not stored */
	{
		char file[96], under[128];
		FILE *f;
		snprintf(file, sizeof(file), "%s/file", tmpl);
		f = fopen(file, "w");
		CHECK(f != NULL);
		if (f)
			fclose(f);
		snprintf(under, sizeof(under), "%s/print", file);
		CHECK(gz_printcache_store(under, 1, jpeg, sizeof(jpeg), 300, 200) == -1);
	}
	{
		char cmd[200];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
		CHECK(system(cmd) == 0);
	}
}

void suite_printcache(void)
{
	gz_test_run("printcache/key", key);
	gz_test_run("printcache/store_load", store_load);
}
