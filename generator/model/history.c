#include "model/history.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/diag.h"
#include "base/i18n.h"
#include "model/site.h"

/* The day of a commit as a person reads it, 2019年6月8日, like every date
 * gazette shows (the JSON keeps YYYY-MM-DD). */
static void commit_day(char *out, const gz_commit *c)
{
	char ymd[11];
	gz_date d;

	gz_date_from_time(ymd, c->time, c->tz_minutes);
	if (gz_date_parse(&d, ymd) == 0)
		gz_date_zh(out, &d);
	else
		memcpy(out, ymd, sizeof(ymd));
}

void gz_history_format(gz_buf *out, const char *path, const gz_history *h, bool json)
{
	char day[GZ_DATE_ZH_SIZE];
	size_t i;

	if (json) {
		gz_buf_puts(out, "{\"path\":");
		gz_buf_add_json(out, path);
		if (h && h->n) {
			gz_date_from_time(day, h->created->time, h->created->tz_minutes);
			gz_buf_printf(out, ",\"created\":\"%s\",\"created_by\":", day);
			gz_buf_add_json(out, h->created->author);
			gz_date_from_time(day, h->commits[0]->time, h->commits[0]->tz_minutes);
			gz_buf_printf(out, ",\"updated\":\"%s\",\"updated_by\":", day);
			gz_buf_add_json(out, h->commits[0]->author);
		}
		gz_buf_puts(out, ",\"commits\":[");
		for (i = 0; h && i < h->n; i++) {
			const gz_commit *c = h->commits[i];
			gz_date_from_time(day, c->time, c->tz_minutes);
			gz_buf_printf(out, "%s{\"sha\":\"%s\",\"date\":\"%s\",\"author\":", i ? "," : "",
				      c->sha, day);
			gz_buf_add_json(out, c->author);
			gz_buf_puts(out, ",\"email\":");
			gz_buf_add_json(out, c->email);
			gz_buf_puts(out, ",\"subject\":");
			gz_buf_add_json(out, c->subject);
			gz_buf_putc(out, '}');
		}
		gz_buf_puts(out, "]}\n");
		return;
	}
	gz_buf_printf(out, "%s\n", path);
	if (!h || !h->n) {
		gz_buf_puts(out, _("  not committed yet\n"));
		return;
	}
	commit_day(day, h->created);
	gz_buf_printf(out, _("  created  %s  %s\n"), day, h->created->author);
	commit_day(day, h->commits[0]);
	gz_buf_printf(out, _("  updated  %s  %s\n"), day, h->commits[0]->author);
	gz_buf_printf(out, P_("  %zu commit:\n", "  %zu commits:\n", h->n), h->n);
	for (i = 0; i < h->n; i++) {
		const gz_commit *c = h->commits[i];
		commit_day(day, c);
		gz_buf_printf(out, "  %.7s %s  %s  %s\n", c->sha, day, c->author, c->subject);
	}
}

/* Map a URL or slug to the content path of the page, through the model. */
static char *find_page(const char *source, const char *page)
{
	gz_source *src = NULL;
	gz_site site;
	gz_diag d;
	gz_load_opts lo = {.drafts = true, .jobs = 2, .future = true};
	char *found = NULL;
	size_t i, n = strlen(page);

	if (gz_source_open_dir(&src, source, NULL) < 0)
		return NULL;
	gz_diag_init(&d);
	gz_site_load(&site, src, &lo, &d);
	for (i = 0; i < site.nall && !found; i++) {
		const gz_page *p = site.all[i];
		size_t un = p->url ? strlen(p->url) : 0;
		if (!p->url)
			continue;
		/* "/stories/a/", "/stories/a", "stories/a/" or the slug "a" */
		if (!strcmp(p->url, page) || (un == n + 1 && !strncmp(p->url, page, n)) ||
		    !strcmp(p->url + 1, page) || (p->slug && *p->slug && !strcmp(p->slug, page)))
			found = strdup(p->path);
	}
	gz_site_release(&site);
	gz_diag_release(&d);
	gz_source_free(src);
	return found;
}

/* Each of d's messages after "gazette log: ". */
static void print_errors(FILE *err, gz_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		char *s = gz_diag_format(&d->items[i]);
		fprintf(err, "gazette log: %s\n", s);
		free(s);
	}
}

int gz_history_command(const char *source, const char *page, const char *rev, bool json,
		       FILE *out, FILE *err)
{
	gz_repo *repo = NULL;
	gz_diag d;
	char *path = NULL, sha[41];
	int64_t t;
	int rc = 1, r;
	gz_buf b = GZ_BUF_INIT;
	const gz_history *h;

	gz_diag_init(&d);
	r = gz_repo_open(&repo, source, &d);
	if (r != 0) {
		if (r > 0)
			fprintf(err, "gazette log: %s\n", _("the site is not in a git repository"));
		print_errors(err, &d);
		gz_diag_release(&d);
		return 1;
	}
	if (!strncmp(page, "content/", 8))
		path = strdup(page);
	else if (!(path = find_page(source, page))) {
		fprintf(err, _("gazette log: no page '%s' (give its path, content/…, or its URL)\n"),
			page);
		goto cleanup;
	}
	if (gz_repo_resolve(repo, rev, NULL, sha, &t, &d) < 0 ||
	    gz_repo_walk_history(repo, sha, "content/", &d) < 0) {
		print_errors(err, &d);
		goto cleanup;
	}
	h = gz_repo_history_of(repo, path);
	gz_history_format(&b, path, h, json);
	fputs(b.ptr, out);
	rc = h && h->n ? 0 : 1;
cleanup:
	gz_buf_release(&b);
	free(path);
	gz_repo_free(repo);
	gz_diag_release(&d);
	return rc;
}
