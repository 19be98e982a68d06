/*
 * main.c: the gazette command line.
 *
 * Exit codes: 0 success, 1 the content has errors (all of them are
 * printed as path:line:col: message), 2 the command was used wrongly.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "diag.h"
#include "history.h"
#include "image.h"

#define GZ_VERSION "0.1.0"

static const char usage_main[] =
	"usage: gazette <command> [options]\n"
	"\n"
	"commands:\n"
	"  build     turn the content repository into a web site in public/\n"
	"  log       the git history of one page\n"
	"  version   print the version\n"
	"\n"
	"Run 'gazette <command> --help' for a command's options.\n";

static const char usage_build[] =
	"usage: gazette build [--source DIR] [--out DIR] [--rev REV | --as-of DATE]\n"
	"                     [--drafts] [--future] [--keep-going] [--jobs N] [--quiet]\n"
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
	"  -k, --keep-going  a photo that cannot be read is a warning and a grey\n"
	"                    placeholder, not an error\n"
	"  -j, --jobs N      threads to use; default one per core\n"
	"  -q, --quiet       print only errors\n"
	"  -v, --verbose     print the summary even when output is not a terminal\n"
	"\n"
	"Nothing in the output folder changes unless the whole build succeeds.\n";

static int cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
		{"drafts", no_argument, NULL, 'd'},       {"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
		{"rev", required_argument, NULL, 'r'},    {"as-of", required_argument, NULL, 'a'},
		{"future", no_argument, NULL, 'f'},       {"full", no_argument, NULL, 'F'},
		{"verbose", no_argument, NULL, 'v'},      {"keep-going", no_argument, NULL, 'k'},
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
		case 'o': o.out = optarg; break;
		case 'd': o.drafts = true; break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end || o.jobs < 1 || o.jobs > 256) {
				fprintf(stderr, "gazette build: --jobs must be a number from 1 to 256\n");
				return 2;
			}
			break;
		case 'q': quiet = true; break;
		case 'v': verbose = true; break;
		case 'k': o.keep_going = true; break;
		case 'h': fputs(usage_build, stdout); return 0;
		default: fputs(usage_build, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gazette build: unexpected argument '%s'\n%s", argv[optind], usage_build);
		return 2;
	}
	if (o.rev && o.as_of) {
		fprintf(stderr, "gazette build: give --rev or --as-of, not both\n");
		return 2;
	}
	o.progress = tty && !quiet;
	gz_diag_init(&d);
	rc = gz_build(&o, &d, &st);
	gz_diag_print(&d, stderr);
	if (rc < 0) {
		fprintf(stderr, "gazette: build failed with %zu error%s; nothing was written\n",
			d.errors, d.errors == 1 ? "" : "s");
	} else if ((!quiet && tty) || verbose) {
		fprintf(stderr,
			"gazette: %zu pages, %zu files (%zu rendered, %zu kept; %zu written, "
			"%zu unchanged, %zu removed; 图片 %zu processed, %zu cached) in %.0f ms\n",
			st.pages, st.outputs, st.rendered, st.kept, st.written, st.unchanged,
			st.removed, st.photos_processed, st.photos_cached, st.ms);
	}
	gz_diag_release(&d);
	return rc < 0 ? 1 : 0;
}

static const char usage_log[] =
	"usage: gazette log PAGE [--source DIR] [--rev REV] [--json]\n"
	"\n"
	"PAGE is a content path (content/stories/2019/a.md), the page's URL\n"
	"(/stories/2019/a/) or its slug. Shows when it was created (following\n"
	"renames), when it was last updated, by whom, and every commit.\n"
	"\n"
	"  -s, --source DIR  the site folder; default .\n"
	"  -r, --rev REV     history as of this revision; default HEAD\n"
	"      --json        machine-readable output\n";

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
		case 'h': fputs(usage_log, stdout); return 0;
		default: fputs(usage_log, stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fputs(usage_log, stderr);
		return 2;
	}
	return gz_history_command(source, argv[optind], rev, json, stdout, stderr);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_main, cmd ? stdout : stderr);
		return cmd ? 0 : 2;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("gazette %s\n", GZ_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "build")) {
		int rc = cmd_build(argc - 1, argv + 1);
		gz_image_shutdown();
		return rc;
	}
	if (!strcmp(cmd, "log"))
		return cmd_log(argc - 1, argv + 1);
	fprintf(stderr, "gazette: '%s' is not a command\n\n%s", cmd, usage_main);
	return 2;
}
