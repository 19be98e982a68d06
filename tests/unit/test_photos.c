#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/alloc.h"
#include "model/photos.h"
#include "model/photos_private.h"
#include "source/source.h"
#include "write/output.h"
#include "test.h"

/* A picture of the site's file, with no derivatives: gz_photos_output
 * only points the file's copy at the cache (published 0) or drops it
 * (published -1). */
static void add_picture(gz_photos *ph, const char *file, int published)
{
	gz_picture *pic = gz_calloc(1, sizeof(*pic));

	pic->file = gz_strdup(file);
	pic->content = 0x1234;
	pic->published = published;
	strcpy(pic->orig_ext, "jpg");
	GZ_GROW(ph->items, ph->cap, ph->n + 1);
	ph->items[ph->n++] = pic;
	gz_map_put(&ph->by_file, pic->file, pic);
}

typedef struct {
	gz_photos *ph;
	gz_outputs *out;
} output_job;

static void *run_output(void *arg)
{
	output_job *j = arg;

	gz_photos_output(j->ph, j->out);
	return NULL;
}

/* The build adds the search index's outputs on a thread of their own while
 * the photos point the copies of originals at the cache: those copies are
 * rewritten under the outputs' lock, not behind its back (a list grown
 * meanwhile would lose the rewrite, and the copy would read a freed path
 * from the site: "cannot read '<hash>-orig.jpg' to copy it"). Held by
 * this test, the lock keeps gz_photos_output waiting, its outputs
 * untouched, until let go. */
static void test_output_takes_the_lock(void)
{
	gz_source *site = NULL, *cache = NULL;
	gz_photos ph;
	gz_outputs out;
	output_job job = {&ph, &out};
	struct timespec until;
	pthread_t th;
	size_t i;

	memset(&ph, 0, sizeof(ph));
	CHECK_INT(gz_source_open_dir(&site, ".", NULL), 0);
	CHECK_INT(gz_source_open_dir(&cache, ".", NULL), 0);
	ph.src = site;
	ph.cache = cache;
	add_picture(&ph, "content/a.jpg", 0);
	add_picture(&ph, "content/bad.jpg", -1);
	gz_outputs_init(&out);
	gz_outputs_copy(&out, "a.jpg", site, "content/a.jpg", "content");
	gz_outputs_copy(&out, "bad.jpg", site, "content/bad.jpg", "content");
	gz_outputs_copy(&out, "theme.jpg", cache, "content/a.jpg", "theme static");
	gz_outputs_keep(&out, "search/docs.json", "search index");

	pthread_mutex_lock(&out.lock);
	CHECK_INT(pthread_create(&th, NULL, run_output, &job), 0);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 200000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	/* still running after 200 ms: waiting for the lock */
	CHECK_INT(pthread_timedjoin_np(th, NULL, &until), ETIMEDOUT);
	CHECK_INT(out.n, 4);
	CHECK_STR(out.items[0].from_path, "content/a.jpg");
	pthread_mutex_unlock(&out.lock);
	pthread_join(th, NULL);

	CHECK_INT(out.n, 3);
	for (i = 0; i < out.n && strcmp(out.items[i].path, "a.jpg"); i++)
		;
	CHECK(i < out.n);
	if (i < out.n) {
		const char *f = out.items[i].from_path;
		CHECK(out.items[i].from == cache);
		/* the stripped copy: "<16 hex digits>-orig.jpg" */
		CHECK(strlen(f) == 25 && !strcmp(f + 16, "-orig.jpg"));
	}
	for (i = 0; i < out.n; i++) {
		CHECK(strcmp(out.items[i].path, "bad.jpg") != 0);
		if (!strcmp(out.items[i].path, "theme.jpg"))
			CHECK_STR(out.items[i].from_path, "content/a.jpg");
	}
	gz_outputs_release(&out);
	gz_photos_release(&ph);
	gz_source_free(site);
}

static char *slurp(const char *path)
{
	char buf[64];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return gz_strdup(buf);
}

/* Two gazettes on one site (a build, and a serve or a desk preview) make
 * the same picture's files at once, with the same index: the temporary
 * file another process is still writing ("<file>.tmp0" is the name one
 * without the process in it would take) is not this one's to write into
 * and rename, half-written, into place; its own rename would then fail
 * and its build stop with "cannot write photo derivatives". */
static void test_write_file_own_temporary(void)
{
	char dir[] = "/tmp/gz-photos-XXXXXX";
	gz_buf path = GZ_BUF_INIT, other = GZ_BUF_INIT;
	FILE *f;
	char *got;

	CHECK(mkdtemp(dir) != NULL);
	gz_buf_printf(&path, "%s/0123456789abcdef-orig.jpg", dir);
	gz_buf_printf(&other, "%s.tmp0", path.ptr);
	f = fopen(other.ptr, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("half", f);
		fclose(f);
	}
	CHECK_INT(gz_photos_write_file(path.ptr, "whole", 5, 0), 0);
	got = slurp(path.ptr);
	CHECK_STR(got, "whole");
	free(got);
	got = slurp(other.ptr);
	CHECK_STR(got, "half");
	free(got);
	unlink(other.ptr);
	unlink(path.ptr);
	rmdir(dir);
	gz_buf_release(&path);
	gz_buf_release(&other);
}

void suite_photos(void)
{
	gz_test_run("photos cache file written through its own temporary",
		    test_write_file_own_temporary);
	gz_test_run("photos output takes the outputs' lock", test_output_takes_the_lock);
}
