/*
 * main.c: the gazette executable.
 *
 * Starting a program linked against libvips, pango, libgit2, Lua and the
 * hundred-odd libraries under them takes the dynamic loader some 25 ms
 * before main() runs, more than an archive search itself. So this
 * executable links only SQLite and answers `gazette archive search` by
 * itself (archivecmd.h); every other command is in gazette-core.so (cli.h),
 * loaded from next to the executable (a build tree) or from
 * ../lib/gazette/ (an installed gazette) when one is asked for.
 */
#include <dlfcn.h>
#include <limits.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "archive/archivecmd.h"
#include "base/i18n.h"
#include "cli/cli.h"
#include "base/diag.h"

#define CORE "gazette-core.so"

static void *core;

/* Where gazette-core.so is, in buf: next to the executable, or in
 * ../lib/gazette/ from it. -1 with a message if in neither. */
static int core_path(char *buf, size_t size)
{
	static const char *const tries[] = {"/" CORE, "/../lib/gazette/" CORE};
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t i;

	if (n <= 0) {
		fprintf(stderr, _("gazette: cannot tell where the gazette program is "
				  "(/proc/self/exe), so cannot find %s next to it\n"),
			CORE);
		return -1;
	}
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		snprintf(buf, size, "%s%s", exe, tries[i]);
		if (access(buf, F_OK) == 0)
			return 0;
	}
	fprintf(stderr,
		_("gazette: %s/%s is missing (nor is it in %s/../lib/gazette/): it holds "
		  "every command but 'archive search'; build it with 'make' in the source tree, "
		  "or install gazette again with 'make install'\n"),
		exe, CORE, exe);
	return -1;
}

/* A function of gazette-core.so, loaded on first use; NULL with a message. */
static void *core_symbol(const char *name)
{
	char path[PATH_MAX + 64];
	void *sym;

	if (!core) {
		if (core_path(path, sizeof(path)) < 0)
			return NULL;
		core = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
		if (!core) {
			fprintf(stderr, _("gazette: cannot load %s: %s; install gazette again "
					  "(make install) or run 'make deps'\n"),
				path, dlerror());
			return NULL;
		}
	}
	sym = dlsym(core, name);
	if (!sym)
		fprintf(stderr, _("gazette: %s is not from this version of gazette (%s); "
				  "build or install both files again\n"),
			CORE, dlerror());
	return sym;
}

static int rev_db(char **out, const char *source, const char *rev, const char *as_of)
{
	int (*fn)(char **, const char *, const char *, const char *);
	void *sym = core_symbol("gz_cli_archive_db");

	*out = NULL;
	if (!sym)
		return -1;
	/* POSIX: dlsym's object pointer is the function's address */
	memcpy(&fn, &sym, sizeof(fn));
	return fn(out, source, rev, as_of);
}

/*
 * Huge pages for malloc's heaps (glibc's glibc.malloc.hugetlb=1). A build
 * of 10,000 pages touches about 80 MB of fresh memory: in 4 KB pages that
 * is 20,000 page faults, most of a tenth of a rebuild after one edit; in
 * 2 MB pages, 12,000 fewer. glibc reads its tunables only as a program
 * starts, so gazette starts itself once more with the setting, unless
 * GLIBC_TUNABLES says something already (then that is what the user
 * wants). If that cannot be done it goes on as it is.
 *
 * glibc 2.36 may then still not use them: it reads the kernel's THP mode
 * ("always [madvise] never\n", 23 bytes) into a 24-byte buffer and
 * compares it as a string, so the setting holds only when the byte left
 * on the stack after it happens to be 0; about one start in four it is
 * not, and that build's brk heap takes 5,000 more faults (a rebuild's
 * CPU a sixth more). The byte changes with every start (the addresses on
 * the stack do), so a start where the heap did not come in 2 MB steps is
 * made again, at most HUGE_TRIES times in all; GAZETTE_HUGE counts them.
 */
#define HUGE_TRIES 4
#define HUGE_SETTING "glibc.malloc.hugetlb=1"

/* Did glibc take the setting? Its first sbrk (setenv and gettext have
 * allocated by now) is then 2 MB, otherwise 132 KB. */
static bool heap_in_huge_steps(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.arena >= (size_t)2 << 20;
}

static void huge_pages(char **argv)
{
	const char *set = getenv("GLIBC_TUNABLES"), *tries = getenv("GAZETTE_HUGE");
	char n[2] = {'1', '\0'};

	/* AddressSanitizer has its own malloc */
	if (gz_under_sanitizer())
		return;
	if (set) {
		/* the user's own setting, or ours and taken, or tried enough */
		if (!tries || strcmp(set, HUGE_SETTING) || heap_in_huge_steps() ||
		    tries[0] < '1' || tries[0] >= '0' + HUGE_TRIES) {
			unsetenv("GAZETTE_HUGE");
			return;
		}
		n[0] = (char)(tries[0] + 1);
	}
	setenv("GLIBC_TUNABLES", HUGE_SETTING, 1);
	setenv("GAZETTE_HUGE", n, 1);
	execv("/proc/self/exe", argv);
	unsetenv("GAZETTE_HUGE");
	if (!set)
		unsetenv("GLIBC_TUNABLES");
}

/* The name ps, top and pkill know the process by: the kernel takes it from
 * the file exec'd, which huge_pages made "exe"; an editor looking for a
 * running gazette build or server, or stopping one, looks for "gazette". */
static void own_name(const char *argv0)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	prctl(PR_SET_NAME, base && *base ? base : "gazette", 0, 0, 0);
}

#ifndef GZ_VIPS_PREFIX
#define GZ_VIPS_PREFIX "/usr"
#endif

/*
 * libvips, started on a build's first photo or PDF (on a worker thread),
 * sets VIPSHOME to where it guesses it is installed unless it is set. A
 * setenv while other threads call getenv can hand them a freed copy of
 * the environment: the build process of the desk, whose environment had
 * already been changed, died of it in getenv. So VIPSHOME is set here,
 * before any thread, to the prefix libvips was built with (its own guess
 * for a program not installed beside it), and libvips never sets it.
 */
static void vips_home(void)
{
	setenv("VIPSHOME", GZ_VIPS_PREFIX, 0);
}

int main(int argc, char **argv)
{
	gz_cli_main_fn fn;
	void *sym;

	vips_home();
	gz_i18n_init();
	if (argc > 2 && !strcmp(argv[1], "archive") && !strcmp(argv[2], "search"))
		return gz_archivecmd_search(argc - 2, argv + 2, rev_db);
	huge_pages(argv);
	own_name(argv[0]);
	sym = core_symbol("gz_cli_main");
	if (!sym)
		return 1;
	memcpy(&fn, &sym, sizeof(fn));
	return fn(argc, argv);
}
