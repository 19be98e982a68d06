/*
 * cli.c: the gazette command line, every command but `archive search`,
 * which the executable (main.c) answers itself.
 *
 * Exit codes: 0 success, 1 the content has errors (all of them are
 * printed as path:line:col: message), 2 the command was used wrongly.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "cli/cli.h"

#include "archive/archive.h"
#include "archive/archivecmd.h"
#include "build/build.h"
#include "build/printing.h"
#include "cli/check.h"
#include "base/date.h"
#include "base/diag.h"
#include "model/history.h"
#include "cli/newpage.h"
#include "print/print.h"
#include "archive/pull.h"
#include "cli/serve.h"
#include "desk/desk.h"
#include "media/image.h"

#define GZ_VERSION "0.1.0"

static const char usage_main[] = N_(
	"usage: gazette <command> [options]\n"
	"\n"
	"commands:\n"
	"  build     turn the content repository into a web site in public/\n"
	"  log       the git history of one page\n"
	"  serve     preview the site at http://127.0.0.1:8080/, rebuilt on every save\n"
	"  new       start a story, policy explainer or leaflet from its archetype\n"
	"  check     look for problems in the content before a commit\n"
	"  archive   search the story archive, pull a story pack for broadcast\n"
	"  print     typeset a brochure or a tri-fold leaflet as a print-ready PDF\n"
	"  desk      the editing desk: write, add photos, submit and approve in a browser\n"
	"  version   print the version\n"
	"\n"
	"Run 'gazette <command> --help' for a command's options.\n");

static const char usage_build[] = N_(
	"usage: gazette build [--source DIR] [--out DIR] [--rev REV | --as-of DATE]\n"
	"                     [--drafts] [--future] [--keep-going] [--allow-shrink]\n"
	"                     [--jobs N] [--quiet]\n"
	"\n"
	"  -s, --source DIR  the site folder (with site.yml and content/), a git working\n"
	"                    tree, linked worktree or bare repository; default .\n"
	"  -o, --out DIR     where to write the site; default DIR/public\n"
	"  -r, --rev REV     build a git revision (branch, tag, sha, HEAD~3) straight\n"
	"                    from the repository, without checking it out\n"
	"      --as-of DATE  build the branch as it was on DATE (YYYY-MM-DD)\n"
	"      --drafts      also build pages with status draft or review\n"
	"      --future      also build pages dated in the future (scheduled)\n"
	"      --full        render every page, even those whose inputs did not change\n"
	"  -k, --keep-going  a page a Lua hook fails on is left out, and a photo that\n"
	"                    cannot be read becomes a grey placeholder: warnings, not errors\n"
	"      --allow-shrink  publish even when more than half of the pages published\n"
	"                    in the output folder would be removed\n"
	"  -j, --jobs N      threads to use; default one per core\n"
	"  -q, --quiet       print only errors\n"
	"  -v, --verbose     print the summary even when output is not a terminal\n"
	"\n"
	"Nothing in the output folder changes unless the whole build succeeds. The\n"
	"output folder may not be inside a folder the site is read from (content/,\n"
	"static/, themes/, hooks/, data/, layouts/, archetypes/, print/, .git/).\n");

static int cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
		{"drafts", no_argument, NULL, 'd'},       {"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
		{"rev", required_argument, NULL, 'r'},    {"as-of", required_argument, NULL, 'a'},
		{"future", no_argument, NULL, 'f'},       {"full", no_argument, NULL, 'F'},
		{"verbose", no_argument, NULL, 'v'},
		{"keep-going", no_argument, NULL, 'k'},
		{"allow-shrink", no_argument, NULL, 'S'},
		{NULL, 0, NULL, 0},
	};
	gz_build_opts o = {.source = "."};
	gz_build_stats st;
	gz_diag d;
	bool quiet = false, verbose = false, tty = isatty(2);
	int c, rc;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:j:r:qvkh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.source = optarg; break;
		case 'r': o.rev = optarg; break;
		case 'a': o.as_of = optarg; break;
		case 'f': o.future = true; break;
		case 'F': o.full = true; break;
		case 'k': o.keep_going = true; break;
		case 'S': o.allow_shrink = true; break;
		case 'o': o.out = optarg; break;
		case 'd': o.drafts = true; break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end || o.jobs < 1 || o.jobs > 256) {
				fprintf(stderr, _("gazette build: --jobs must be a number from 1 to 256\n"));
				return 2;
			}
			break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'h': fputs(_(usage_build), stdout); return 0;
		default: fputs(_(usage_build), stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("gazette build: unexpected argument '%s'\n%s"), argv[optind],
			_(usage_build));
		return 2;
	}
	if (o.rev && o.as_of) {
		fprintf(stderr, _("gazette build: give --rev or --as-of, not both\n"));
		return 2;
	}
	o.progress = tty && !quiet;
	o.exiting = true;
	gz_diag_init(&d);
	gz_alloc_heap_start();
	rc = gz_build(&o, &d, &st);
	gz_diag_print(&d, stderr);
	if (rc < 0) {
		fprintf(stderr,
			P_("gazette: build failed with %zu error; nothing was written\n",
			   "gazette: build failed with %zu errors; nothing was written\n", d.errors),
			d.errors);
	} else if ((!quiet && tty) || verbose) {
		fprintf(stderr,
			_("gazette: %zu pages, %zu files (%zu rendered, %zu kept; %zu written, "
			  "%zu unchanged, %zu removed; photos %zu processed, %zu cached) in %.0f ms\n"),
			st.pages, st.outputs, st.rendered, st.kept, st.written, st.unchanged,
			st.removed, st.photos_processed, st.photos_cached, st.ms);
	}
	gz_diag_release(&d);
	return rc < 0 ? 1 : 0;
}

static const char usage_log[] = N_(
	"usage: gazette log PAGE [--source DIR] [--rev REV] [--json]\n"
	"\n"
	"PAGE is a content path (content/stories/2019/a.md), the page's URL\n"
	"(/stories/2019/a/) or its slug. Shows when it was created (following\n"
	"renames), when it was last updated, by whom, and every commit.\n"
	"\n"
	"  -s, --source DIR  the site folder; default .\n"
	"  -r, --rev REV     history as of this revision; default HEAD\n"
	"      --json        machine-readable output\n");

static int cmd_log(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"rev", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'J'},         {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *source = ".", *rev = NULL;
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'r': rev = optarg; break;
		case 'J': json = true; break;
		case 'h': fputs(_(usage_log), stdout); return 0;
		default: fputs(_(usage_log), stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs(_(usage_log), stderr);
		return 2;
	}
	return gz_history_command(source, argv[optind], rev, json, stdout, stderr);
}

static const char usage_serve[] = N_(
	"usage: gazette serve [--source DIR] [--bind ADDR] [--port N] [--drafts] [--jobs N]\n"
	"\n"
	"  -s, --source DIR  the site folder; default .\n"
	"  -b, --bind ADDR   the address to listen on; default 127.0.0.1 (this machine only)\n"
	"  -p, --port N      the port; default 8080 (0: any free port)\n"
	"      --drafts      also show pages with status draft or review\n"
	"  -j, --jobs N      threads to use; default one per core\n"
	"\n"
	"Builds into DIR/.gazette/serve/ (never public/), rebuilds on every save and\n"
	"reloads open pages; a failed build shows its errors on the page. Ctrl-C stops.\n");

static int parse_int(const char *cmd, const char *opt, const char *s, int lo, int hi, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi) {
		fprintf(stderr, _("gazette %s: %s must be a number from %d to %d\n"), cmd, opt, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"bind", required_argument, NULL, 'b'},
		{"port", required_argument, NULL, 'p'},   {"drafts", no_argument, NULL, 'd'},
		{"jobs", required_argument, NULL, 'j'},   {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	gz_serve_opts o = {".", "127.0.0.1", 8080, false, 0};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:b:p:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.source = optarg; break;
		case 'b': o.bind = optarg; break;
		case 'p':
			if (parse_int("serve", "--port", optarg, 0, 65535, &o.port) < 0)
				return 2;
			break;
		case 'd': o.drafts = true; break;
		case 'j':
			if (parse_int("serve", "--jobs", optarg, 1, 256, &o.jobs) < 0)
				return 2;
			break;
		case 'h': fputs(_(usage_serve), stdout); return 0;
		default: fputs(_(usage_serve), stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("gazette serve: unexpected argument '%s'\n%s"), argv[optind],
			_(usage_serve));
		return 2;
	}
	return gz_serve_run(&o);
}

static const char usage_new[] = N_(
	"usage: gazette new story|policy|leaflet TITLE [--township NAME] [--village NAME]\n"
	"                   [--industry NAME] [--force] [--slug NAME] [--source DIR]\n"
	"\n"
	"  -s, --source DIR     the site folder; default .\n"
	"  -t, --township NAME  fill in the township\n"
	"  -v, --village NAME   fill in the village\n"
	"  -i, --industry NAME  fill in the industry\n"
	"  -f, --force          keep a township, village or industry that is not in\n"
	"                       data/places.yml (otherwise refused, with the closest name)\n"
	"      --slug NAME      the URL name (a plain name: no '/', '\\' or '..')\n"
	"\n"
	"Writes content/stories/YEAR/SLUG.md (policies: content/policies/SLUG.md,\n"
	"leaflets: content/leaflets/SLUG.md) from the archetype, with today's date and\n"
	"status: draft, and prints its path. Without --slug, an English title gives\n"
	"the slug; a Chinese one gives DATE-XXXXXX (a hash of the title). An existing\n"
	"file is never overwritten.\n");

static int cmd_new(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"township", required_argument, NULL, 't'},
		{"village", required_argument, NULL, 'v'}, {"slug", required_argument, NULL, 'S'},
		{"industry", required_argument, NULL, 'i'}, {"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	gz_newpage_opts o = {.source = "."};
	char *path = NULL;
	gz_diag d;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:t:v:i:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.source = optarg; break;
		case 't': o.township = optarg; break;
		case 'v': o.village = optarg; break;
		case 'i': o.industry = optarg; break;
		case 'f': o.force = true; break;
		case 'S': o.slug = optarg; break;
		case 'h': fputs(_(usage_new), stdout); return 0;
		default: fputs(_(usage_new), stderr); return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, _("gazette new: give a kind and a title\n%s"), _(usage_new));
		return 2;
	}
	o.kind = argv[optind];
	o.title = argv[optind + 1];
	gz_diag_init(&d);
	rc = gz_newpage_create(&path, &o, &d);
	gz_diag_print(&d, stderr);
	gz_diag_release(&d);
	if (rc < 0)
		return 1;
	printf("%s\n", path);
	free(path);
	return 0;
}

static const char usage_check[] = N_(
	"usage: gazette check [--source DIR] [--format text|json] [--install-hook]\n"
	"\n"
	"  -s, --source DIR   the site folder; default .\n"
	"  -f, --format FMT   text (path:line:col: error|warning: message) or json\n"
	"      --install-hook make .git/hooks/pre-commit run gazette check\n"
	"\n"
	"Reports everything a build would refuse, and also links to pages that do not\n"
	"exist, places not in data/places.yml, photos without caption, credit or alt,\n"
	"another outlet's story without reprint terms, titles used twice, half-width\n"
	"punctuation in Chinese text and paragraphs over 500 characters. Exit status:\n"
	"1 when there are errors, 0 otherwise (warnings alone do not fail).\n");

static const char hook_text[] =
	"#!/bin/sh\n"
	"# Installed by 'gazette check --install-hook': check the content before a\n"
	"# commit. Skip once with 'git commit --no-verify'.\n"
	"GAZETTE=${GAZETTE:-gazette}\n"
	"command -v \"$GAZETTE\" >/dev/null 2>&1 || GAZETTE='%s'\n"
	"exec \"$GAZETTE\" check --source \"$(git rev-parse --show-toplevel)\"\n";

static int install_hook(const char *source)
{
	char exe[4096], *old = NULL;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t len = 0;
	char path[4096], want[8192];
	struct stat st;
	FILE *f;

	exe[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), hook_text, n > 0 ? exe : "gazette");
	snprintf(path, sizeof(path), "%s/.git", source);
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr,
			_("gazette check: %s is not a folder; --install-hook needs the main "
			  "working tree of a git repository\n"),
			path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/.git/hooks", source);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/.git/hooks/pre-commit", source);
	f = fopen(path, "rb");
	if (f) {
		char buf[8192];
		len = fread(buf, 1, sizeof(buf) - 1, f);
		buf[len] = '\0';
		fclose(f);
		old = buf;
		if (!strcmp(old, want)) {
			printf(_("%s is already installed\n"), path);
			return 0;
		}
		fprintf(stderr,
			_("gazette check: %s already exists and is not gazette's; not overwriting it "
			  "(add 'gazette check' to it yourself)\n"),
			path);
		return 1;
	}
	f = fopen(path, "wb");
	if (!f || fputs(want, f) < 0 || fclose(f) != 0 || chmod(path, 0755) < 0) {
		fprintf(stderr, _("gazette check: cannot write %s\n"), path);
		return 1;
	}
	printf("%s\n", path);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"format", required_argument, NULL, 'f'},
		{"install-hook", no_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *source = ".";
	bool json = false, hook = false;
	gz_diag d;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'f':
			if (!strcmp(optarg, "json")) {
				json = true;
			} else if (strcmp(optarg, "text")) {
				fprintf(stderr, _("gazette check: --format must be text or json\n"));
				return 2;
			}
			break;
		case 'i': hook = true; break;
		case 'h': fputs(_(usage_check), stdout); return 0;
		default: fputs(_(usage_check), stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("gazette check: unexpected argument '%s'\n%s"), argv[optind],
			_(usage_check));
		return 2;
	}
	if (hook)
		return install_hook(source);
	gz_diag_init(&d);
	rc = gz_check_site(source, &d);
	if (json) {
		gz_check_print_json(&d, stdout);
	} else {
		gz_check_print_text(&d, stdout);
		if (isatty(2)) {
			/* two counts, each with its own plural */
			fputs("gazette: ", stderr);
			fprintf(stderr, P_("%zu error", "%zu errors", d.errors), d.errors);
			/* TRANSLATORS: between the count of errors and of warnings */
			fputs(_(", "), stderr);
			fprintf(stderr, P_("%zu warning", "%zu warnings", d.warnings), d.warnings);
			fputc('\n', stderr);
		}
	}
	gz_diag_release(&d);
	return rc < 0 ? 1 : 0;
}

static int cmd_archive_pull(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
		{"script", no_argument, NULL, 'S'},       {"force", no_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	gz_pull_opts o = {.source = "."};
	char *written = NULL;
	gz_diag d;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.source = optarg; break;
		case 'o': o.out = optarg; break;
		case 'S': o.script = true; break;
		case 'f': o.force = true; break;
		case 'h': fputs(_(gz_archivecmd_usage), stdout); return 0;
		default: fputs(_(gz_archivecmd_usage), stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, _("gazette archive pull: give one story ID\n%s"), _(gz_archivecmd_usage));
		return 2;
	}
	if (o.script && o.out) {
		fprintf(stderr, _("gazette archive pull: give --script or --out, not both\n"));
		return 2;
	}
	o.id = argv[optind];
	gz_diag_init(&d);
	rc = gz_pull_run(&o, stdout, &written, &d);
	if (rc < 0 && !d.errors)
		fprintf(stderr, "gazette archive pull: %s\n", _("failed"));
	gz_diag_print(&d, stderr);
	gz_diag_release(&d);
	if (rc < 0)
		return 1;
	if (written)
		printf("%s\n", written);
	free(written);
	return 0;
}

static int cmd_archive(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(_(gz_archivecmd_usage), sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (!strcmp(sub, "search"))
		return gz_archivecmd_search(argc - 1, argv + 1, gz_cli_archive_db);
	if (!strcmp(sub, "pull"))
		return cmd_archive_pull(argc - 1, argv + 1);
	fprintf(stderr, _("gazette archive: '%s' is not a subcommand (search, pull)\n"), sub);
	return 2;
}

static const char usage_print[] = N_(
	"usage: gazette print FILE [-o OUT.pdf] [--source DIR] [--bleed 3mm] [--marks]\n"
	"                     [--imposition booklet]\n"
	"\n"
	"FILE is a brochure manifest (content/brochures/NAME.yml) or a page with\n"
	"layout: trifold (a leaflet: A4 landscape, both sides, folded in three).\n"
	"\n"
	"  -o, --out FILE         where to write the PDF; default NAME.pdf here\n"
	"  -s, --source DIR       the site folder; default .\n"
	"      --bleed LEN        enlarge every page by LEN (3mm, 0.125in, 9pt) on each\n"
	"                         side; full-bleed pictures run into it\n"
	"      --marks            crop marks outside the bleed\n"
	"      --imposition booklet  saddle-stitch: pages padded to a multiple of 4\n"
	"                         and printed 2-up on sheets twice as wide\n"
	"\n"
	"Photos are embedded at 300 dpi of their placed size. Those copies are kept\n"
	"in DIR/.gazette/print/ (by the photo's bytes and its placed size), so\n"
	"printing the same brochure again decodes no photo. Copies unused for 60 days\n"
	"are removed; delete the folder at will.\n"
	"No PDF is written unless the whole document could be typeset.\n");

/* "3mm", "0.125in", "9pt", "3" (mm) as points; -1 if not a length. */
static double parse_length(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0 || v > 100)
		return -1;
	if (!*end || !strcmp(end, "mm"))
		return v * 72.0 / 25.4;
	if (!strcmp(end, "in"))
		return v * 72.0;
	if (!strcmp(end, "pt"))
		return v;
	if (!strcmp(end, "cm"))
		return v * 720.0 / 25.4;
	return -1;
}

static int cmd_print(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
		{"bleed", required_argument, NULL, 'b'},  {"marks", no_argument, NULL, 'm'},
		{"imposition", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *source = ".", *out = NULL;
	gz_print_opts o = {0};
	gz_diag d;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'o': out = optarg; break;
		case 'b':
			o.bleed = parse_length(optarg);
			if (o.bleed < 0) {
				fprintf(stderr, _("gazette print: --bleed '%s' is not a length (3mm)\n"),
					optarg);
				return 2;
			}
			break;
		case 'm': o.marks = true; break;
		case 'i':
			if (strcmp(optarg, "booklet")) {
				fprintf(stderr,
					_("gazette print: --imposition '%s' is not known (booklet)\n"),
					optarg);
				return 2;
			}
			o.booklet = true;
			break;
		case 'h': fputs(_(usage_print), stdout); return 0;
		default: fputs(_(usage_print), stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, _("gazette print: give one manifest or leaflet page\n%s"), _(usage_print));
		return 2;
	}
	gz_diag_init(&d);
	rc = gz_printing_file(source, argv[optind], out, &o, &d);
	gz_diag_print(&d, stderr);
	gz_diag_release(&d);
	return rc < 0 ? 1 : 0;
}

int gz_cli_archive_db(char **out, const char *source, const char *rev, const char *as_of)
{
	gz_build_opts o;
	gz_build_stats st;
	gz_diag d;
	int rc;

	memset(&o, 0, sizeof(o));
	o.source = source;
	o.rev = rev;
	o.as_of = as_of;
	o.jobs = 0;
	o.archive_only = true;
	o.keep_going = true;
	gz_diag_init(&d);
	rc = gz_build(&o, &d, &st);
	gz_image_shutdown();
	gz_diag_print(&d, stderr);
	gz_diag_release(&d);
	*out = st.archive_db;
	return rc < 0 ? -1 : 0;
}

static int run(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	/* past a file-size limit (ulimit -f) write() should fail with EFBIG and
	 * be reported like a full disk, not kill the build with SIGXFSZ */
	signal(SIGXFSZ, SIG_IGN);
	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(_(usage_main), cmd ? stdout : stderr);
		return cmd ? 0 : 2;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("gazette %s\n", GZ_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "build"))
		return cmd_build(argc - 1, argv + 1);
	if (!strcmp(cmd, "print"))
		return cmd_print(argc - 1, argv + 1);
	if (!strcmp(cmd, "log"))
		return cmd_log(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "new"))
		return cmd_new(argc - 1, argv + 1);
	if (!strcmp(cmd, "serve"))
		return cmd_serve(argc - 1, argv + 1);
	if (!strcmp(cmd, "archive"))
		return cmd_archive(argc - 1, argv + 1);
	if (!strcmp(cmd, "desk"))
		return gz_desk_main(argc - 1, argv + 1, gz_check_site);
	fprintf(stderr, _("gazette: '%s' is not a command\n\n%s"), cmd, _(usage_main));
	return 2;
}

int gz_cli_main(int argc, char **argv)
{
	int rc;

	gz_alloc_setup();
	rc = run(argc, argv);
	gz_image_shutdown();
	return rc;
}
