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

#include "archive.h"
#include "build.h"
#include "date.h"
#include "diag.h"

#define GZ_VERSION "0.1.0"

static const char usage_main[] =
	"usage: gazette <command> [options]\n"
	"\n"
	"commands:\n"
	"  build     turn the content repository into a web site in public/\n"
	"  archive   search the story archive, pull a story pack for broadcast\n"
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

static const char usage_archive[] =
	"usage: gazette archive search QUERY [options]\n"
	"       gazette archive pull ID [-o pack.zip] [--script]\n"
	"\n"
	"search finds stories in the archive that 'gazette build' keeps in\n"
	"<source>/.gazette/archive.db; Chinese is matched by characters, so 养羊\n"
	"finds every story that contains 养羊.\n"
	"\n"
	"  -s, --source DIR    the site folder; default .\n"
	"      --township NAME --village NAME --industry NAME --person NAME --tag NAME\n"
	"                      only stories with that term\n"
	"      --from DATE --to DATE\n"
	"                      only stories dated from/to DATE (YYYY-MM-DD), inclusive\n"
	"  -n, --limit N       at most N results; default 50\n"
	"      --json          one JSON array of {id, date, title, place, snippet, url}\n"
	"\n"
	"Exit codes: 0 found something or nothing, 1 the archive is missing or\n"
	"damaged, 2 the command was used wrongly (an empty query, a bad date).\n";

static void json_out(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int cmd_archive_search(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"township", required_argument, NULL, 'T'},
		{"village", required_argument, NULL, 'V'}, {"industry", required_argument, NULL, 'I'},
		{"person", required_argument, NULL, 'P'},  {"tag", required_argument, NULL, 'G'},
		{"from", required_argument, NULL, 'F'},    {"to", required_argument, NULL, 'U'},
		{"limit", required_argument, NULL, 'n'},   {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	gz_archive_query q;
	gz_archive_hit *hits;
	const char *source = ".";
	size_t n, i;
	bool json = false;
	char *err = NULL, *end;
	int c, rc;
	gz_date dt;

	memset(&q, 0, sizeof(q));
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'T': q.township = optarg; break;
		case 'V': q.village = optarg; break;
		case 'I': q.industry = optarg; break;
		case 'P': q.person = optarg; break;
		case 'G': q.tag = optarg; break;
		case 'F': q.from = optarg; break;
		case 'U': q.to = optarg; break;
		case 'j': json = true; break;
		case 'n':
			q.limit = (int)strtol(optarg, &end, 10);
			if (*end || q.limit < 1) {
				fprintf(stderr, "gazette archive search: --limit must be a positive number\n");
				return 2;
			}
			break;
		case 'h': fputs(usage_archive, stdout); return 0;
		default: fputs(usage_archive, stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "gazette archive search: give one QUERY (quote it if it has spaces)\n%s",
			usage_archive);
		return 2;
	}
	q.query = argv[optind];
	if ((q.from && (strlen(q.from) != 10 || gz_date_parse(&dt, q.from) < 0)) ||
	    (q.to && (strlen(q.to) != 10 || gz_date_parse(&dt, q.to) < 0))) {
		fprintf(stderr, "gazette archive search: date '%s' is not YYYY-MM-DD\n",
			q.from && (strlen(q.from) != 10 || gz_date_parse(&dt, q.from) < 0) ? q.from : q.to);
		return 2;
	}
	rc = gz_archive_search(&hits, &n, source, &q, &err);
	if (rc < 0) {
		fprintf(stderr, "gazette archive search: %s\n", err ? err : "failed");
		free(err);
		return rc == GZ_ARCHIVE_BAD_QUERY ? 2 : 1;
	}
	if (json) {
		putchar('[');
		for (i = 0; i < n; i++) {
			printf("%s{\"id\":", i ? ",\n" : "");
			json_out(hits[i].id);
			printf(",\"date\":");
			json_out(hits[i].date);
			printf(",\"title\":");
			json_out(hits[i].title);
			printf(",\"place\":");
			json_out(hits[i].place);
			printf(",\"snippet\":");
			json_out(hits[i].snippet);
			printf(",\"url\":");
			json_out(hits[i].url);
			putchar('}');
		}
		puts("]");
	} else {
		for (i = 0; i < n; i++)
			printf("%s  %s  %s  %s\n    %s\n", hits[i].date, hits[i].id, hits[i].title,
			       hits[i].place, hits[i].snippet);
		if (isatty(1))
			printf("%zu result%s\n", n, n == 1 ? "" : "s");
	}
	gz_archive_hits_free(hits, n);
	return 0;
}

static int cmd_archive(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(usage_archive, sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (!strcmp(sub, "search"))
		return cmd_archive_search(argc - 1, argv + 1);
	fprintf(stderr, "gazette archive: '%s' is not a subcommand (search, pull)\n", sub);
	return 2;
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
	if (!strcmp(cmd, "archive"))
		return cmd_archive(argc - 1, argv + 1);
	fprintf(stderr, "gazette: '%s' is not a command\n\n%s", cmd, usage_main);
	return 2;
}
