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

#define GZ_VERSION "0.1.0"

static const char usage_main[] =
	"usage: gazette <command> [options]\n"
	"\n"
	"commands:\n"
	"  build     turn the content repository into a web site in public/\n"
	"  version   print the version\n"
	"\n"
	"Run 'gazette <command> --help' for a command's options.\n";

static const char usage_build[] =
	"usage: gazette build [--source DIR] [--out DIR] [--drafts] [--jobs N] [--quiet]\n"
	"\n"
	"  -s, --source DIR  the site folder (with site.yml and content/); default .\n"
	"  -o, --out DIR     where to write the site; default DIR/public\n"
	"      --drafts      also build pages with status draft or review\n"
	"  -j, --jobs N      threads to use; default one per core\n"
	"  -q, --quiet       print only errors\n"
	"\n"
	"Nothing in the output folder changes unless the whole build succeeds.\n";

static int cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"out", required_argument, NULL, 'o'},
		{"drafts", no_argument, NULL, 'd'},       {"jobs", required_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	gz_build_opts o = {".", NULL, false, 0, false};
	gz_build_stats st;
	gz_diag d;
	bool quiet = false, tty = isatty(2);
	int c, rc;
	char *end;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o.source = optarg; break;
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
		case 'h': fputs(usage_build, stdout); return 0;
		default: fputs(usage_build, stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "gazette build: unexpected argument '%s'\n%s", argv[optind], usage_build);
		return 2;
	}
	o.progress = tty && !quiet;
	gz_diag_init(&d);
	rc = gz_build(&o, &d, &st);
	gz_diag_print(&d, stderr);
	if (rc < 0) {
		fprintf(stderr, "gazette: build failed with %zu error%s; nothing was written\n",
			d.errors, d.errors == 1 ? "" : "s");
	} else if (!quiet && tty) {
		fprintf(stderr,
			"gazette: %zu pages, %zu files (%zu written, %zu unchanged, %zu removed) "
			"in %.0f ms\n",
			st.pages, st.outputs, st.written, st.unchanged, st.removed, st.ms);
	}
	gz_diag_release(&d);
	return rc < 0 ? 1 : 0;
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
	if (!strcmp(cmd, "build"))
		return cmd_build(argc - 1, argv + 1);
	fprintf(stderr, "gazette: '%s' is not a command\n\n%s", cmd, usage_main);
	return 2;
}
