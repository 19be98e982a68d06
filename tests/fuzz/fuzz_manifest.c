/* libFuzzer target: brochure manifests (content/brochures/NAME.yml, read by
 * `gazette print` and by builds that list them under print:). The input is
 * the manifest; it is checked against a small site loaded once from an
 * in-memory source (two taxonomies, three stories in two sections, a cover
 * photo) so that stories named by path and by query resolve, as through
 * gz_print_check_manifest: no theme, fonts or typesetting. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/diag.h"
#include "print/print.h"
#include "model/site.h"
#include "source/source.h"
#include "base/strlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MANIFEST "content/brochures/fuzz.yml"

typedef struct {
	const char *path, *text;
} file;

/* sorted by path, as a listing returns them */
static const file files[] = {
	{"content/photos/cover.jpg", "not decoded here"},
	{"content/policies/loans.md",
	 "---\ntitle: 小额信贷\ndate: 2019-03-01\ntags: [政策宣传]\ntownship: [八面通镇]\n---\n"
	 "贷款说明。\n"},
	{"content/stories/2019/fungus.md",
	 "---\ntitle: 木耳大棚\ndate: 2019-06-15\ntags: [产业扶贫, 脱贫典型]\n"
	 "township: [下城子镇]\n---\n一段正文。\n\n- 一\n- 二\n"},
	{"content/stories/2019/overview.md",
	 "---\ntitle: Overview\ndate: 2019-12-31\ntags: [产业扶贫]\n---\nText.\n"},
	{"content/stories/2020/broken.md", "---\ntitle: [unclosed\n---\nbody\n"},
	{"site.yml",
	 "title: Fuzz\nbase_url: https://example.org/\ntaxonomies:\n  township: 乡镇\n  tags: 标签\n"
	 "params:\n  publisher: 出版者\n"},
};

static const char *input;   /* the manifest of this run */
static size_t input_len;

static void mem_list(gz_source *s, const char *prefix, gz_strlist *out)
{
	size_t i, n = strlen(prefix);
	(void)s;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!n || (!strncmp(files[i].path, prefix, n) && files[i].path[n] == '/'))
			gz_strlist_add(out, files[i].path);
}

static const file *find(const char *path)
{
	size_t i;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(files[i].path, path))
			return &files[i];
	return NULL;
}

static int mem_read(gz_source *s, const char *path, char **data, size_t *len)
{
	const file *f = find(path);
	const char *text = f ? f->text : NULL;
	size_t n;
	(void)s;
	if (!strcmp(path, MANIFEST) && input) {
		text = input;
		n = input_len;
	} else if (text) {
		n = strlen(text);
	} else {
		return -1;
	}
	*data = gz_malloc(n + 1);
	memcpy(*data, text, n);
	(*data)[n] = '\0';
	*len = n;
	return 0;
}

static bool mem_exists(gz_source *s, const char *path)
{
	(void)s;
	return find(path) != NULL || (input && !strcmp(path, MANIFEST));
}

static void mem_free(void *impl)
{
	(void)impl;
}

static const gz_source_ops mem_ops = {mem_list, mem_read, mem_exists, mem_free};

/* Kept for the whole run (reachable, so not a leak). */
static gz_source *src;
static gz_site site;

static void load(void)
{
	gz_load_opts lo;
	gz_diag d;

	src = gz_source_new(&mem_ops, NULL, "fuzz-site");
	memset(&site, 0, sizeof(site));
	memset(&lo, 0, sizeof(lo));
	lo.jobs = 1;
	lo.future = true;
	lo.keep_going = true;
	gz_diag_init(&d);
	gz_site_load(&site, src, &lo, &d);  /* broken.md is an error, on purpose */
	gz_diag_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	gz_diag d;

	if (!src)
		load();
	memcpy(s, data, size);
	s[size] = '\0';
	input = s;
	input_len = size;
	gz_diag_init(&d);
	gz_print_check_manifest(&site, src, MANIFEST, &d);
	gz_diag_release(&d);
	input = NULL;
	free(s);
	return 0;
}
