#include "archive/archivecmd.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "base/date.h"

const char gz_archivecmd_usage[] =
	"usage: gazette archive search QUERY [options]\n"
	"       gazette archive pull ID [-o pack.zip] [--script] [--force] [--source DIR]\n"
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
	"      --rev REV --as-of DATE\n"
	"                      search the archive as revision REV (or the branch on\n"
	"                      DATE) published it, read from git into the cache\n"
	"  -n, --limit N       at most N results; default 50\n"
	"      --json          one JSON array of {id, date, title, place, snippet, url},\n"
	"                      the date as YYYY-MM-DD\n"
	"\n"
	"\n"
	"pull packs one story (ID as search prints it) for the TV and radio desks:\n"
	"a zip with the Markdown file, script.txt (a plain-text broadcast script\n"
	"with source, reuse terms and reading time at broadcast_rate characters a\n"
	"minute), the original photos, captions.txt, meta.json, and NOTICE.txt when\n"
	"the story must not be reprinted. Reads the working tree; writes only the zip.\n"
	"\n"
	"  -o, --out FILE      the zip; default <last part of ID>.zip here\n"
	"      --script        print the broadcast script instead of writing a zip\n"
	"  -f, --force         replace FILE if it exists (otherwise refused)\n"
	"  -s, --source DIR    the site folder; default .\n"
	"\n"
	"Exit codes: 0 found something or nothing (search) or the pack was written\n"
	"(pull), 1 the archive is missing or damaged, no story has that ID, or the\n"
	"zip exists, 2 the command was used wrongly (an empty query, a bad date).\n";

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

int gz_archivecmd_search(int argc, char **argv, gz_archivecmd_rev_fn rev_db)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"township", required_argument, NULL, 'T'},
		{"village", required_argument, NULL, 'V'}, {"industry", required_argument, NULL, 'I'},
		{"person", required_argument, NULL, 'P'},  {"tag", required_argument, NULL, 'G'},
		{"from", required_argument, NULL, 'F'},    {"to", required_argument, NULL, 'U'},
		{"limit", required_argument, NULL, 'n'},   {"json", no_argument, NULL, 'j'},
		{"rev", required_argument, NULL, 'r'},     {"as-of", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	gz_archive_query q;
	const char *rev = NULL, *as_of = NULL;
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
		case 'r': rev = optarg; break;
		case 'A': as_of = optarg; break;
		case 'j': json = true; break;
		case 'n':
			q.limit = (int)strtol(optarg, &end, 10);
			if (*end || q.limit < 1) {
				fprintf(stderr, "gazette archive search: --limit must be a positive number\n");
				return 2;
			}
			break;
		case 'h': fputs(gz_archivecmd_usage, stdout); return 0;
		default: fputs(gz_archivecmd_usage, stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "gazette archive search: give one QUERY (quote it if it has spaces)\n%s",
			gz_archivecmd_usage);
		return 2;
	}
	q.query = argv[optind];
	if ((q.from && (strlen(q.from) != 10 || gz_date_parse(&dt, q.from) < 0)) ||
	    (q.to && (strlen(q.to) != 10 || gz_date_parse(&dt, q.to) < 0))) {
		fprintf(stderr, "gazette archive search: date '%s' is not YYYY-MM-DD\n",
			q.from && (strlen(q.from) != 10 || gz_date_parse(&dt, q.from) < 0) ? q.from : q.to);
		return 2;
	}
	if (rev && as_of) {
		fprintf(stderr, "gazette archive search: give --rev or --as-of, not both\n");
		return 2;
	}
	if (rev || as_of) {
		/* the archive as that commit published it, made (or updated) in
		 * the cache from the commit itself */
		char *db = NULL;

		if (rev_db(&db, source, rev, as_of) < 0 || !db) {
			fprintf(stderr, "gazette archive search: cannot read the archive of %s\n",
				rev ? rev : as_of);
			free(db);
			return 1;
		}
		rc = gz_archive_search_at(&hits, &n, db, &q, &err);
		free(db);
	} else {
		rc = gz_archive_search(&hits, &n, source, &q, &err);
	}
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
		for (i = 0; i < n; i++) {
			char when[GZ_DATE_ZH_SIZE];
			if (gz_date_parse(&dt, hits[i].date) == 0)
				gz_date_zh(when, &dt);
			else
				snprintf(when, sizeof(when), "%s", hits[i].date);
			printf("%s  %s  %s  %s\n    %s\n", when, hits[i].id, hits[i].title,
			       hits[i].place, hits[i].snippet);
		}
		if (isatty(1))
			printf("%zu result%s\n", n, n == 1 ? "" : "s");
	}
	gz_archive_hits_free(hits, n);
	return 0;
}
