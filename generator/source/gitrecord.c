/*
 * gitrecord.c: the history record (git_private.h).
 *
 * The walk's result is kept in the cache folder, keyed by the commit it
 * was computed for: a build of the same commit reads it instead of walking
 * again. When the new commit descends from the recorded one, the walk goes
 * through the new commits only and joins the record on (merge_record). The
 * record is text:
 *
 *   gazette-history 1 PROGRAM-HASH
 *   SHA \t COMMITS-WALKED \t ORDER-HASH \t FOLDER
 *   c \t SHA \t AUTHOR-TIME \t OFFSET \t COMMIT-TIME \t NAME \t EMAIL \t SUBJECT
 *   f \t FRESH \t N,N,… \t PATH
 *
 * "c" lines are numbered from 0; an "f" line is a file's history, newest
 * first, by those numbers. Names and emails are as the commits say them:
 * .mailmap applies when the record is read. Tabs, newlines and backslashes
 * in fields are escaped with a backslash.
 */
#include "source/git_private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/program.h"

void gz_hist_record_release(gz_hist_record *rec, bool commits_taken)
{
	size_t i;

	for (i = 0; !commits_taken && i < rec->ncommits; i++)
		gz_commit_rec_free(rec->commits[i]);
	for (i = 0; i < rec->nfiles; i++)
		free(rec->files[i].nums);
	free(rec->commits);
	free(rec->files);
	free(rec->text);
	memset(rec, 0, sizeof(*rec));
}

static void put_escaped(gz_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			gz_buf_puts(b, "\\\\");
		else if (*s == '\t')
			gz_buf_puts(b, "\\t");
		else if (*s == '\n')
			gz_buf_puts(b, "\\n");
		else
			gz_buf_putc(b, *s);
	}
}

/* Split line at tabs into want fields, unescaping each in place. Returns
 * false unless there are exactly want. */
static bool split_fields(char *line, char **f, int want)
{
	int n = 0;
	char *p = line, *w;

	f[n++] = line;
	for (w = p; *p; p++) {
		if (*p == '\t') {
			*w++ = '\0';
			if (n == want)
				return false;
			f[n++] = w;
		} else if (*p == '\\') {
			p++;
			if (*p == '\\')
				*w++ = '\\';
			else if (*p == 't')
				*w++ = '\t';
			else if (*p == 'n')
				*w++ = '\n';
			else
				return false;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return n == want;
}

static bool parse_num(const char *s, int base, long long *out)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, base);
	return !*end && errno == 0;
}

/* Exactly 16 lower-case hex digits. */
static bool parse_hex64(const char *s, uint64_t *out)
{
	size_t i;

	*out = 0;
	for (i = 0; i < 16; i++) {
		const char *d = s[i] ? strchr("0123456789abcdef", s[i]) : NULL;
		if (!d)
			return false;
		*out = *out << 4 | (uint64_t)(d - "0123456789abcdef");
	}
	return !s[16];
}

static bool is_sha(const char *s)
{
	size_t i;

	for (i = 0; i < 40; i++)
		if (!s[i] || !strchr("0123456789abcdef", s[i]))
			return false;
	return !s[40];
}

static char *record_magic(void)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "gazette-history 1 %016" PRIx64 "\n", gz_program_hash());
	return gz_buf_detach(&b, NULL);
}

int gz_hist_record_load(gz_hist_record *rec, const char *file, const char *spec)
{
	FILE *f = fopen(file, "rb");
	gz_buf b = GZ_BUF_INIT;
	char chunk[65536], *magic = NULL, *line, *nl, *fl[8];
	size_t n;
	long long v;
	int rc = -1;

	memset(rec, 0, sizeof(*rec));
	if (!f)
		return 0;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gz_buf_add(&b, chunk, n);
	fclose(f);
	rec->text = gz_buf_detach(&b, &n);
	magic = record_magic();
	line = rec->text;
	if (strncmp(line, magic, strlen(magic))) {
		/* another gazette's record is expected (an upgrade); junk is not */
		rc = strncmp(line, "gazette-history ", 16) ? -1 : 0;
		goto done;
	}
	line += strlen(magic);
	if (!(nl = strchr(line, '\n')))
		goto done;
	*nl = '\0';
	if (!split_fields(line, fl, 4) || !is_sha(fl[0]) || !parse_num(fl[1], 10, &v) || v < 1)
		goto done;
	memcpy(rec->sha, fl[0], 41);
	rec->nwalk = (size_t)v;
	if (!parse_hex64(fl[2], &rec->order))
		goto done;
	if (strcmp(fl[3], spec)) {
		rc = 0;
		goto done;
	}
	for (line = nl + 1; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			goto done;
		*nl = '\0';
		if (line[0] == 'c' && line[1] == '\t') {
			gz_commit_rec *c;
			long long t, off, ct;
			if (!split_fields(line + 2, fl, 7) || !is_sha(fl[0]) ||
			    !parse_num(fl[1], 10, &t) || !parse_num(fl[2], 10, &off) ||
			    off < -24 * 60 || off > 24 * 60 || !parse_num(fl[3], 10, &ct))
				goto done;
			c = gz_calloc(1, sizeof(*c));
			memcpy(c->pub.sha, fl[0], 41);
			c->name = gz_strdup(fl[4]);
			c->mail = gz_strdup(fl[5]);
			c->pub.subject = gz_strdup(fl[6]);
			c->commit_time = ct;
			c->author_time = t;
			c->author_offset = (int)off;
			GZ_GROW(rec->commits, rec->ccap, rec->ncommits + 1);
			rec->commits[rec->ncommits++] = c;
		} else if (line[0] == 'f' && line[1] == '\t') {
			gz_hist_record_file *rf;
			char *p, *end;
			size_t cap = 0;
			if (!split_fields(line + 2, fl, 3) || (strcmp(fl[0], "0") && strcmp(fl[0], "1")) ||
			    !*fl[2])
				goto done;
			GZ_GROW(rec->files, rec->fcap, rec->nfiles + 1);
			rf = &rec->files[rec->nfiles++];
			memset(rf, 0, sizeof(*rf));
			rf->path = fl[2];
			rf->fresh = fl[0][0] == '1';
			for (p = fl[1];; p = end + 1) {
				unsigned long long k;
				if (*p < '0' || *p > '9')
					goto done;
				errno = 0;
				k = strtoull(p, &end, 10);
				if (errno || k >= rec->ncommits || (*end && *end != ','))
					goto done;
				GZ_GROW(rf->nums, cap, rf->n + 1);
				rf->nums[rf->n++] = (size_t)k;
				if (!*end)
					break;
			}
		} else {
			goto done;
		}
	}
	rc = 1;
done:
	free(magic);
	if (rc < 1)
		gz_hist_record_release(rec, false);
	return rc;
}

/* A history made of the record's commits for file rf. */
static gz_hist_rec *record_history(const gz_hist_record *rec, const gz_hist_record_file *rf)
{
	gz_hist_rec *h = gz_calloc(1, sizeof(*h));
	size_t i;

	h->fresh = rf->fresh;
	h->pub.commits = gz_malloc(rf->n * sizeof(*h->pub.commits));
	h->pub.n = h->pub.cap = rf->n;
	for (i = 0; i < rf->n; i++)
		h->pub.commits[i] = &rec->commits[rf->nums[i]]->pub;
	h->pub.created = h->pub.commits[rf->n - 1];
	return h;
}

static void add_file(gz_repo *r, const char *path, gz_hist_rec *h)
{
	char *key = gz_strdup(path);

	gz_strlist_take(&r->hist_keys, key);
	gz_map_put(&r->files, key, h);
}

/* The record's commits become the repository's, .mailmap applied. */
static void take_commits(gz_repo *r, gz_hist_record *rec, git_mailmap *mm)
{
	size_t i;

	for (i = 0; i < rec->ncommits; i++) {
		gz_commit_rec_mailmap(rec->commits[i], mm);
		gz_repo_keep_commit(r, rec->commits[i]);
	}
}

/*
 * The walk went from the new commit down to (not into) the recorded one;
 * what a full walk would do next is what the recorded walk did, from the
 * state the new commits left in names. The record's histories were
 * each made when the recorded walk first met a name; one made for a name
 * the recorded walk had not used before (fresh) would instead have gone on
 * the history the new commits left under that name, if any. Every other
 * history is made the same way in both walks, and is the site's under its
 * name unless the new commits made one for that name first.
 */
void gz_hist_record_merge(gz_repo *r, gz_hist_record *rec, const gz_map *names, git_mailmap *mm)
{
	size_t i, k;

	for (i = 0; i < rec->nfiles; i++) {
		const gz_hist_record_file *rf = &rec->files[i];
		gz_hist_rec *h = rf->fresh ? gz_map_get(names, rf->path) : NULL;

		if (h) {
			GZ_GROW(h->pub.commits, h->pub.cap, h->pub.n + rf->n);
			for (k = 0; k < rf->n; k++)
				h->pub.commits[h->pub.n++] = &rec->commits[rf->nums[k]]->pub;
			h->pub.created = h->pub.commits[h->pub.n - 1];
		} else if (!gz_map_get(&r->files, rf->path)) {
			h = record_history(rec, rf);
			h->fresh = rf->fresh && !gz_map_has(names, rf->path);
			gz_repo_keep_history(r, h);
			add_file(r, rf->path, h);
		}
	}
	take_commits(r, rec, mm);
}

void gz_hist_record_install(gz_repo *r, gz_hist_record *rec, git_mailmap *mm)
{
	size_t i;

	for (i = 0; i < rec->nfiles; i++) {
		gz_hist_rec *h = record_history(rec, &rec->files[i]);
		gz_repo_keep_history(r, h);
		add_file(r, rec->files[i].path, h);
	}
	take_commits(r, rec, mm);
}

int gz_repo_history_save(gz_repo *r)
{
	gz_buf b = GZ_BUF_INIT, files = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	char *magic;
	size_t i, k, next = 0;
	FILE *f;
	int rc = 0;

	if (!r->cache || !r->dirty || r->walking || r->walk_rc < 0)
		return 0;
	for (i = 0; i < r->ncommits; i++)
		((gz_commit_rec *)r->commits[i])->num = SIZE_MAX;
	magic = record_magic();
	gz_buf_puts(&b, magic);
	free(magic);
	gz_buf_printf(&b, "%s\t%zu\t%016" PRIx64 "\t", r->walk_sha, r->nwalk, r->order);
	put_escaped(&b, r->walk_spec);
	gz_buf_putc(&b, '\n');
	for (i = 0; i < r->hist_keys.n; i++) {
		const char *path = r->hist_keys.items[i];
		const gz_hist_rec *h = gz_map_get(&r->files, path);
		gz_buf_printf(&files, "f\t%d\t", h->fresh ? 1 : 0);
		for (k = 0; k < h->pub.n; k++) {
			gz_commit_rec *c = (gz_commit_rec *)h->pub.commits[k];
			if (c->num == SIZE_MAX) {
				c->num = next++;
				gz_buf_printf(&b, "c\t%s\t%" PRId64 "\t%d\t%" PRId64 "\t", c->pub.sha,
					      c->author_time, c->author_offset, c->commit_time);
				put_escaped(&b, c->name);
				gz_buf_putc(&b, '\t');
				put_escaped(&b, c->mail);
				gz_buf_putc(&b, '\t');
				put_escaped(&b, c->pub.subject);
				gz_buf_putc(&b, '\n');
			}
			gz_buf_printf(&files, k ? ",%zu" : "%zu", c->num);
		}
		gz_buf_putc(&files, '\t');
		put_escaped(&files, path);
		gz_buf_putc(&files, '\n');
	}
	gz_buf_add(&b, files.ptr, files.len);
	gz_buf_printf(&tmp, "%s.tmp-%ld", r->cache, (long)getpid());
	f = fopen(tmp.ptr, "w");
	if (f) {
		bool ok = fwrite(b.ptr, 1, b.len, f) == b.len;
		if (fclose(f) != 0 || !ok || rename(tmp.ptr, r->cache) < 0) {
			rc = -1;
			unlink(tmp.ptr);
		}
	} else {
		rc = -1;
	}
	r->dirty = false;
	gz_buf_release(&b);
	gz_buf_release(&files);
	gz_buf_release(&tmp);
	return rc;
}
