#include "archive/archivecmd.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "archive/archive.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/i18n.h"
#include "base/strlist.h"
#include "base/tokenize.h"

const char gz_archivecmd_usage[] = N_(
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
	"                      only stories dated from/to DATE (2019-06-08, 2019/6/8 or\n"
	"                      2019年6月8日), inclusive\n"
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
	"On a terminal the words found are highlighted (not with NO_COLOR set).\n"
	"\n"
	"Exit codes: 0 found something (search) or the pack was written (pull),\n"
	"1 nothing was found, the archive is missing or damaged, no story has that\n"
	"ID, or the zip exists, 2 the command was used wrongly (an empty query, a\n"
	"bad date).\n");

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

/* What to highlight of the query: its words as typed (folded), longest
 * first at each place, then the tokens the search matched them by (a
 * Chinese run's pairs of characters), so 养羊户 lights up in 养羊户 and
 * as 养羊 in 养羊的. */
static void add_token(const char *tok, size_t len, void *payload)
{
	gz_strlist *l = payload;
	gz_buf t = GZ_BUF_INIT;

	gz_buf_add(&t, tok, len);
	gz_strlist_add(l, t.ptr);
	gz_buf_release(&t);
}

static void query_marks(gz_strlist *out, const char *query)
{
	gz_buf folded = GZ_BUF_INIT;
	const char *s, *e;

	gz_tokenize_fold(&folded, query, strlen(query));
	for (s = folded.ptr; *s; s = e) {
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e && *e != ' ' && *e != '\t'; e++)
			;
		if (e > s)
			add_token(s, (size_t)(e - s), out);
	}
	gz_tokenize(folded.ptr, folded.len, true, add_token, out);
	gz_buf_release(&folded);
}

/* Print s with what marks finds in bold colour (ASCII letters in any case). */
static void put_marked(const char *s, const gz_strlist *marks)
{
	while (*s) {
		size_t best = 0, i, k;

		for (i = 0; i < marks->n; i++) {
			size_t n = strlen(marks->items[i]);
			if (n > best && !strncasecmp(s, marks->items[i], n))
				best = n;
		}
		if (best) {
			fputs("\033[1;31m", stdout);
			fwrite(s, 1, best, stdout);
			fputs("\033[m", stdout);
			s += best;
			continue;
		}
		/* one character, never half of one */
		for (k = 1; s[k] && ((unsigned char)s[k] & 0xc0) == 0x80; k++)
			;
		fwrite(s, 1, k, stdout);
		s += k;
	}
}

/* A --from or --to date in any form an editor writes, as the archive's
 * YYYY-MM-DD in out (11 bytes); -1 once the problem is printed. */
static int query_date(char *out, const char *opt, const char *s)
{
	gz_date_error e;
	gz_date dt;
	gz_buf m = GZ_BUF_INIT;

	if (gz_date_parse_at(&dt, s, &e) == 0) {
		gz_date_ymd(out, &dt);
		return 0;
	}
	gz_date_explain(&m, opt, s, &e);
	fprintf(stderr, "gazette archive search: %s\n", m.ptr);
	gz_buf_release(&m);
	return -1;
}

/* What the command line asks for; q's dates point into from and to. */
typedef struct {
	gz_archive_query q;
	const char *source, *rev, *as_of;
	bool json;
	char from[11], to[11];
} search_args;

/* Returns -1 to go on with the search, else the command's exit status. */
static int parse_args(search_args *a, int argc, char **argv)
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
	gz_archive_query *q = &a->q;
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': a->source = optarg; break;
		case 'T': q->township = optarg; break;
		case 'V': q->village = optarg; break;
		case 'I': q->industry = optarg; break;
		case 'P': q->person = optarg; break;
		case 'G': q->tag = optarg; break;
		case 'F': q->from = optarg; break;
		case 'U': q->to = optarg; break;
		case 'r': a->rev = optarg; break;
		case 'A': a->as_of = optarg; break;
		case 'j': a->json = true; break;
		case 'n':
			q->limit = (int)strtol(optarg, &end, 10);
			if (*end || q->limit < 1) {
				fprintf(stderr, _("gazette archive search: --limit must be a positive number\n"));
				return 2;
			}
			break;
		case 'h': fputs(_(gz_archivecmd_usage), stdout); return 0;
		default: fputs(_(gz_archivecmd_usage), stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, _("gazette archive search: give one QUERY (quote it if it has spaces)\n"));
		fputs(_(gz_archivecmd_usage), stderr);
		return 2;
	}
	q->query = argv[optind];
	if (q->from) {
		if (query_date(a->from, "--from", q->from) < 0)
			return 2;
		q->from = a->from;
	}
	if (q->to) {
		if (query_date(a->to, "--to", q->to) < 0)
			return 2;
		q->to = a->to;
	}
	if (a->rev && a->as_of) {
		fprintf(stderr, _("gazette archive search: give --rev or --as-of, not both\n"));
		return 2;
	}
	return -1;
}

/* Searches the archive of the source, or of the commit asked for. Returns
 * -1 to go on with the hits, else the command's exit status. */
static int run_search(gz_archive_hit **hits, size_t *n, const search_args *a,
		      gz_archivecmd_rev_fn rev_db)
{
	gz_diag d;
	int rc;

	if (a->rev || a->as_of) {
		/* the archive as that commit published it, made (or updated) in
		 * the cache from the commit itself */
		char *db = NULL;

		if (rev_db(&db, a->source, a->rev, a->as_of) < 0 || !db) {
			fprintf(stderr, _("gazette archive search: cannot read the archive of %s\n"),
				a->rev ? a->rev : a->as_of);
			free(db);
			return 1;
		}
		gz_diag_init(&d);
		rc = gz_archive_search_at(hits, n, db, &a->q, &d);
		free(db);
	} else {
		struct stat st;
		if (stat(a->source, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, _("gazette archive search: %s is not a folder; --source names "
					  "the site's folder\n"),
				a->source);
			return 1;
		}
		gz_diag_init(&d);
		rc = gz_archive_search(hits, n, a->source, &a->q, &d);
	}
	gz_diag_print(&d, stderr);
	gz_diag_release(&d);
	if (rc < 0)
		return rc == GZ_ARCHIVE_BAD_QUERY ? 2 : 1;
	return -1;
}

static void print_json(const gz_archive_hit *hits, size_t n)
{
	size_t i;

	static const char *const keys[] = {"id", "date", "title", "place", "snippet", "url"};
	size_t k;

	putchar('[');
	for (i = 0; i < n; i++) {
		const char *vals[] = {hits[i].id,    hits[i].date,    hits[i].title,
				      hits[i].place, hits[i].snippet, hits[i].url};
		printf("%s{", i ? ",\n" : "");
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			printf("%s\"%s\":", k ? "," : "", keys[k]);
			json_out(vals[k]);
		}
		putchar('}');
	}
	puts("]");
}

/* marks: the query's words to colour, or NULL for plain text. */
static void print_hit(const gz_archive_hit *h, const gz_strlist *marks)
{
	char when[GZ_DATE_ZH_SIZE];
	gz_date dt;

	if (gz_date_parse(&dt, h->date) == 0)
		gz_date_zh(when, &dt);
	else
		snprintf(when, sizeof(when), "%s", h->date);
	if (!marks) {
		printf("%s  %s  %s  %s\n    %s\n", when, h->id, h->title, h->place, h->snippet);
		return;
	}
	printf("%s  %s  ", when, h->id);
	put_marked(h->title, marks);
	printf("  %s\n    ", h->place);
	put_marked(h->snippet, marks);
	putchar('\n');
}

static void print_text(const gz_archive_hit *hits, size_t n, const gz_archive_query *q)
{
	/* colour for a person at a terminal, never into a file or pipe */
	bool tty = isatty(1), colour = tty && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	gz_strlist marks = {0};
	size_t i;

	if (colour)
		query_marks(&marks, q->query);
	for (i = 0; i < n; i++)
		print_hit(&hits[i], colour ? &marks : NULL);
	gz_strlist_release(&marks);
	if (!n && (q->township || q->village || q->industry || q->person || q->tag || q->from ||
		   q->to))
		fprintf(stderr, _("no stories found for '%s' with the filters given\n"), q->query);
	else if (!n)
		fprintf(stderr, _("no stories found for '%s'\n"), q->query);
	else if (tty)
		printf(P_("%zu result\n", "%zu results\n", n), n);
}

int gz_archivecmd_search(int argc, char **argv, gz_archivecmd_rev_fn rev_db)
{
	search_args a;
	gz_archive_hit *hits;
	size_t n;
	int rc;

	memset(&a, 0, sizeof(a));
	a.source = ".";
	if ((rc = parse_args(&a, argc, argv)) >= 0)
		return rc;
	if ((rc = run_search(&hits, &n, &a, rev_db)) >= 0)
		return rc;
	if (a.json)
		print_json(hits, n);
	else
		print_text(hits, n, &a.q);
	gz_archive_hits_free(hits, n);
	/* scripts tell "nothing found" from "found" by the status */
	return n ? 0 : 1;
}
