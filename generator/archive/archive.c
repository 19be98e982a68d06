#include "archive/archive.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "load/searchtext.h"
#include "base/strlist.h"
#include "base/text.h"
#include "base/tokenize.h"

/*
 * What ranking and filters read (id, date, taxonomy terms, the length in
 * tokens that rank_fn needs) lives in pages, a few hundred bytes a row, so
 * a common term's thousands of rows sit in few database pages; the title,
 * url and the page's text (search.h: everything a reader sees) live in
 * texts and are read only for the rows shown. fts has the tokens of the
 * title and summary in head (they weigh more in rank_fn) and the rest in
 * body. An archive of another version is built again.
 */
#define SCHEMA_VERSION "4"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
	"CREATE TABLE IF NOT EXISTS pages(rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL,"
	" hash TEXT NOT NULL, date TEXT, township TEXT, village TEXT,"
	" industry TEXT, people TEXT, tags TEXT, ntok INTEGER);"
	"CREATE TABLE IF NOT EXISTS texts(rowid INTEGER PRIMARY KEY, url TEXT, title TEXT,"
	" text TEXT, folded TEXT);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(head, body, tokenize='unicode61 remove_diacritics 0');"
	"INSERT OR IGNORE INTO meta(key, value) VALUES('schema', '" SCHEMA_VERSION "');";

static char *db_path(const char *source)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s/.gazette/archive.db", source);
	return gz_buf_detach(&b, NULL);
}

/* Taxonomy values joined by \x1f, with one at each end, so a filter is
 * instr(column, \x1f value \x1f). */
static void tax_join(gz_buf *b, const gz_site *site, const gz_page *p, const char *key)
{
	size_t i, k;

	gz_buf_clear(b);
	for (i = 0; i < site->cfg.ntax; i++) {
		if (strcmp(site->cfg.tax[i].key, key))
			continue;
		for (k = 0; k < p->tax_values[i].n; k++)
			gz_buf_printf(b, "\x1f%s", p->tax_values[i].items[k]);
	}
	if (b->len)
		gz_buf_putc(b, '\x1f');
}

/* Tokens in a gz_tokenize_join string. */
static sqlite3_int64 count_tokens(const char *s)
{
	sqlite3_int64 n = *s ? 1 : 0;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

static const char *const tax_cols[] = {"township", "village", "industry", "people", "tags"};

char *gz_archive_id(const gz_page *p)
{
	const char *s = p->path;
	size_t n;

	if (!strncmp(s, "content/", 8))
		s += 8;
	n = strlen(s);
	if (p->bundle && n > 9 && !strcmp(s + n - 9, "/index.md"))
		n -= 9;
	else if (n > 3 && !strcmp(s + n - 3, ".md"))
		n -= 3;
	return gz_strndup(s, n);
}

/* *err: why path cannot be opened, the reason alone (the caller places it) */
static int open_db(sqlite3 **db, const char *path, int flags, char **err)
{
	if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
		*err = gz_strdup(*db ? sqlite3_errmsg(*db) : _("cannot open"));
		sqlite3_close(*db);
		*db = NULL;
		return -1;
	}
	sqlite3_busy_timeout(*db, 5000);
	return 0;
}

/* The schema version an archive was written with: "" for a database
 * with no tables yet (a new file), NULL for one without a version. */
static char *schema_of(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return NULL;
	}
	if (sqlite3_column_int(st, 0) == 0)
		v = gz_strdup("");
	sqlite3_finalize(st);
	if (v)
		return v;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = gz_strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* NULL if the database answers and its schema is ours, else why not. */
static const char *unhealthy(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	char *v = schema_of(db);
	int ok = 0;

	if (v && *v && strcmp(v, SCHEMA_VERSION)) {
		free(v);
		return _("the archive database was written by another version of gazette; "
			 "building it again");
	}
	if (!v) {
		/* tables but no version: damaged, or from before versions were kept */
		sqlite3_stmt *t = NULL;
		int old = sqlite3_prepare_v2(db, "SELECT 1 FROM meta", -1, &t, NULL) == SQLITE_OK;
		sqlite3_finalize(t);
		if (old)
			return _("the archive database was written by another version of gazette; "
				 "building it again");
	}
	free(v);
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
		return _("the archive database was damaged; building it again");
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ok = !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	return ok ? NULL : _("the archive database was damaged; building it again");
}

int gz_archive_update(const char *source, const gz_site *site, gz_diag *d, size_t *changed)
{
	char *path = db_path(source);
	int rc = gz_archive_update_at(path, site, d, changed);

	free(path);
	return rc;
}

/* The statements an update runs, prepared once for all its pages. */
typedef struct {
	sqlite3 *db;
	sqlite3_stmt *get, *del, *deltext, *delfts, *ins, *instext, *insfts, *all;
} updater;

/* One page's row as it is stored, made in buffers kept for every page. */
typedef struct {
	gz_buf text, folded, toks, tax, hash, head;
	char ymd[16];
} page_row;

/* Opens the archive, and builds it again when it is damaged or of another
 * version. Sets *err when the file cannot be opened; returns -1 without
 * it when the database's own error says why. */
static int open_archive(sqlite3 **db, const char *path, gz_diag *d, char **err)
{
	gz_buf wal = GZ_BUF_INIT;
	const char *why;

	if (open_db(db, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err) < 0)
		return -1;
	if (!(why = unhealthy(*db)))
		return 0;
	/* a damaged or older archive is only a cache of the content: build
	 * it again */
	gz_diag_warn(d, ".gazette/archive.db", 0, 0, "%s", why);
	sqlite3_close(*db);
	*db = NULL;
	unlink(path);
	gz_buf_printf(&wal, "%s-wal", path);
	unlink(wal.ptr);
	gz_buf_clear(&wal);
	gz_buf_printf(&wal, "%s-shm", path);
	unlink(wal.ptr);
	gz_buf_release(&wal);
	if (open_db(db, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err) < 0)
		return -1;
	if (sqlite3_exec(*db, schema, NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

static int prepare_update(updater *u)
{
	sqlite3 *db = u->db;

	if (sqlite3_prepare_v2(db, "SELECT rowid, hash FROM pages WHERE id = ?1", -1, &u->get, NULL) ||
	    sqlite3_prepare_v2(db, "DELETE FROM pages WHERE rowid = ?1", -1, &u->del, NULL) ||
	    sqlite3_prepare_v2(db, "DELETE FROM texts WHERE rowid = ?1", -1, &u->deltext, NULL) ||
	    sqlite3_prepare_v2(db, "DELETE FROM fts WHERE rowid = ?1", -1, &u->delfts, NULL) ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO pages(id, hash, date, township, village, industry,"
			       " people, tags, ntok) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			       -1, &u->ins, NULL) ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO texts(rowid, url, title, text, folded)"
			       " VALUES(?1,?2,?3,?4,?5)",
			       -1, &u->instext, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, head, body) VALUES(?1, ?2, ?3)", -1,
			       &u->insfts, NULL) ||
	    sqlite3_prepare_v2(db, "SELECT rowid, id FROM pages", -1, &u->all, NULL))
		return -1;
	return 0;
}

static void finalize_update(updater *u)
{
	sqlite3_finalize(u->get);
	sqlite3_finalize(u->del);
	sqlite3_finalize(u->deltext);
	sqlite3_finalize(u->delfts);
	sqlite3_finalize(u->ins);
	sqlite3_finalize(u->instext);
	sqlite3_finalize(u->insfts);
	sqlite3_finalize(u->all);
}

/* The page's text and date, and a hash that covers everything stored. */
static void make_row(page_row *r, const gz_site *site, const gz_page *p)
{
	unsigned long long h = 1469598103934665603ULL;
	const char *c;
	size_t k;

	gz_buf_clear(&r->text);
	gz_searchtext_full(&r->text, p, site->cfg.ntax);
	r->ymd[0] = '\0';
	if (p->has_date)
		gz_date_ymd(r->ymd, &p->date);
	gz_buf_clear(&r->hash);
	gz_buf_printf(&r->hash, "%s\x1e%s\x1e%s\x1e", p->url, r->ymd, r->text.ptr);
	for (k = 0; k < 5; k++) {
		tax_join(&r->tax, site, p, tax_cols[k]);
		gz_buf_printf(&r->hash, "%s\x1e", r->tax.ptr);
	}
	for (c = r->hash.ptr; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	gz_buf_clear(&r->hash);
	gz_buf_printf(&r->hash, "%016llx", h);
}

/* Whether the archive has the page as it is; *old is its row, or -1. */
static bool stored_same(updater *u, const char *id, const char *hash, sqlite3_int64 *old)
{
	bool same = false;

	*old = -1;
	sqlite3_reset(u->get);
	sqlite3_bind_text(u->get, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(u->get) == SQLITE_ROW) {
		*old = sqlite3_column_int64(u->get, 0);
		same = !strcmp((const char *)sqlite3_column_text(u->get, 1), hash);
	}
	sqlite3_reset(u->get);
	return same;
}

static int delete_row(updater *u, sqlite3_int64 rowid)
{
	sqlite3_reset(u->del);
	sqlite3_bind_int64(u->del, 1, rowid);
	sqlite3_reset(u->deltext);
	sqlite3_bind_int64(u->deltext, 1, rowid);
	sqlite3_reset(u->delfts);
	sqlite3_bind_int64(u->delfts, 1, rowid);
	if (sqlite3_step(u->del) != SQLITE_DONE || sqlite3_step(u->deltext) != SQLITE_DONE ||
	    sqlite3_step(u->delfts) != SQLITE_DONE)
		return -1;
	return 0;
}

/* The tokens of the title and summary in head, the rest in toks. */
static void split_tokens(page_row *r)
{
	const gz_buf *text = &r->text;
	const char *sep = memchr(text->ptr, GZ_SEARCHTEXT_PART, text->len);

	sep = sep ? memchr(sep + 1, GZ_SEARCHTEXT_PART, text->len - (size_t)(sep + 1 - text->ptr))
		  : NULL;
	if (!sep)
		sep = text->ptr;
	gz_buf_clear(&r->head);
	gz_tokenize_join(&r->head, text->ptr, (size_t)(sep - text->ptr), false);
	gz_buf_clear(&r->toks);
	gz_tokenize_join(&r->toks, sep, text->len - (size_t)(sep - text->ptr), false);
}

/* The page's rows in pages, texts and fts. */
static int insert_row(updater *u, page_row *r, const gz_site *site, const gz_page *p,
		      const char *id)
{
	sqlite3_int64 rowid;
	size_t k;

	gz_buf_clear(&r->folded);
	gz_tokenize_fold(&r->folded, r->text.ptr, r->text.len);
	split_tokens(r);
	sqlite3_reset(u->ins);
	sqlite3_clear_bindings(u->ins);
	sqlite3_bind_text(u->ins, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->ins, 2, r->hash.ptr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(u->ins, 3, r->ymd, -1, SQLITE_TRANSIENT);
	for (k = 0; k < 5; k++) {
		tax_join(&r->tax, site, p, tax_cols[k]);
		sqlite3_bind_text(u->ins, 4 + (int)k, r->tax.ptr, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(u->ins, 9, count_tokens(r->head.ptr) + count_tokens(r->toks.ptr));
	if (sqlite3_step(u->ins) != SQLITE_DONE)
		return -1;
	rowid = sqlite3_last_insert_rowid(u->db);
	sqlite3_reset(u->instext);
	sqlite3_clear_bindings(u->instext);
	sqlite3_bind_int64(u->instext, 1, rowid);
	sqlite3_bind_text(u->instext, 2, p->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->instext, 3, p->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->instext, 4, r->text.ptr, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->instext, 5, r->folded.ptr, -1, SQLITE_STATIC);
	if (sqlite3_step(u->instext) != SQLITE_DONE)
		return -1;
	sqlite3_reset(u->insfts);
	sqlite3_bind_int64(u->insfts, 1, rowid);
	sqlite3_bind_text(u->insfts, 2, r->head.ptr, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->insfts, 3, r->toks.ptr, -1, SQLITE_STATIC);
	if (sqlite3_step(u->insfts) != SQLITE_DONE)
		return -1;
	return 0;
}

/* Each page of the site stored as it is now; seen gets their ids. */
static int store_pages(updater *u, const gz_site *site, gz_map *seen, gz_strlist *ids,
		       size_t *changed)
{
	page_row r = {GZ_BUF_INIT, GZ_BUF_INIT, GZ_BUF_INIT, GZ_BUF_INIT, GZ_BUF_INIT,
		      GZ_BUF_INIT, ""};
	int rc = -1;
	size_t i;

	for (i = 0; i < site->npages + site->nstandalone; i++) {
		const gz_page *p = i < site->npages ? site->pages[i] : site->standalone[i - site->npages];
		char *id = gz_archive_id(p);
		sqlite3_int64 old;

		gz_strlist_take(ids, id);
		gz_map_put(seen, id, id);
		make_row(&r, site, p);
		if (stored_same(u, id, r.hash.ptr, &old))
			continue;
		if (old >= 0 && delete_row(u, old) < 0)
			goto cleanup;
		if (insert_row(u, &r, site, p, id) < 0)
			goto cleanup;
		(*changed)++;
	}
	rc = 0;
cleanup:
	gz_buf_release(&r.text);
	gz_buf_release(&r.folded);
	gz_buf_release(&r.toks);
	gz_buf_release(&r.tax);
	gz_buf_release(&r.hash);
	gz_buf_release(&r.head);
	return rc;
}

/* Pages that left the site leave the archive. */
static int remove_gone(updater *u, const gz_map *seen, size_t *changed)
{
	gz_strlist gone = {0};
	gz_buf rid = GZ_BUF_INIT;
	int rc = -1;
	size_t k;

	while (sqlite3_step(u->all) == SQLITE_ROW)
		if (!gz_map_get(seen, (const char *)sqlite3_column_text(u->all, 1))) {
			gz_buf_clear(&rid);
			gz_buf_printf(&rid, "%lld", (long long)sqlite3_column_int64(u->all, 0));
			gz_strlist_add(&gone, rid.ptr);
		}
	gz_buf_release(&rid);
	for (k = 0; k < gone.n; k++) {
		if (delete_row(u, strtoll(gone.items[k], NULL, 10)) < 0)
			goto cleanup;
		(*changed)++;
	}
	rc = 0;
cleanup:
	gz_strlist_release(&gone);
	return rc;
}

int gz_archive_update_at(const char *db_path_in, const gz_site *site, gz_diag *d, size_t *changed)
{
	char *path = gz_strdup(db_path_in), *err = NULL;
	updater u;
	gz_map seen = {0};
	gz_strlist ids = {0};
	int rc = -1;

	memset(&u, 0, sizeof(u));
	*changed = 0;
	if (open_archive(&u.db, path, d, &err) < 0) {
		if (err)
			goto cleanup;
		goto sqlerr;
	}
	if (sqlite3_exec(u.db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; BEGIN", NULL,
			 NULL, NULL) != SQLITE_OK)
		goto sqlerr;
	if (prepare_update(&u) < 0 || store_pages(&u, site, &seen, &ids, changed) < 0 ||
	    remove_gone(&u, &seen, changed) < 0)
		goto sqlerr;
	if (sqlite3_exec(u.db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto sqlerr;
	rc = 0;
	goto cleanup;

sqlerr:
	gz_diag_warn(d, ".gazette/archive.db", 0, 0, _("archive not updated: %s"),
		     sqlite3_errmsg(u.db));
cleanup:
	if (err) {
		gz_diag_warn(d, ".gazette/archive.db", 0, 0, _("archive not updated: %s"), err);
		free(err);
	}
	finalize_update(&u);
	if (u.db && rc < 0)
		sqlite3_exec(u.db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(u.db);
	gz_map_release(&seen);
	gz_strlist_release(&ids);
	free(path);
	return rc;
}

typedef struct {
	gz_buf match;       /* FTS5 expression: "tok" "tok" … */
	gz_strlist runs;    /* CJK runs of 3+ characters (the first: snippets) */
	gz_strlist checks;  /* those that must be checked as substrings */
	gz_buf run;
	size_t run_start, run_chars;
	bool run_plain;     /* every character of run is a letter to FTS5 */
	size_t (*phrased)[2]; /* [start, end) of the runs asked as phrases */
	size_t nphrased, cap;
	const char *folded; /* the query as tokenized */
} query_parts;

/* Letters to FTS5's unicode61 tokenizer (its Unicode 6.1 tables): in a
 * stored "a b ab c bc" they stay tokens of their own, one position each. */
static bool fts_letter(uint32_t cp)
{
	return (cp >= 0x4e00 && cp <= 0x9fcc) || (cp >= 0x3400 && cp <= 0x4db5) ||
	       (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x309d && cp <= 0x309f) ||
	       (cp >= 0x30a1 && cp <= 0x30fa) || (cp >= 0x30fc && cp <= 0x30ff) ||
	       (cp >= 0xac00 && cp <= 0xd7a3);
}

/*
 * A page holds a CJK run c0 c1 … cn as the tokens c0 c1 c0c1 c2 c1c2 c3
 * c2c3 …: so it contains the run exactly when the phrase
 * "c0c1 c2 c1c2 c3 c2c3 … cn c(n-1)cn" matches, consecutive tokens at
 * consecutive positions (a unigram after a bigram is the next character of
 * the same run; tokens never cross punctuation). The index answers that
 * itself, where checking the text of every page with all the bigrams
 * reads much of the database.
 */
static void add_phrase(gz_buf *m, const char *run, size_t len)
{
	size_t at[3] = {0, 0, 0}, i = 0, k = 0, n;
	uint32_t cp;

	gz_buf_puts(m, m->len ? " \"" : "\"");
	while (i < len) {
		n = gz_utf8_decode(run + i, len - i, &cp);
		if (!n)
			n = 1;
		/* at: where the previous two characters began */
		at[0] = at[1];
		at[1] = at[2];
		at[2] = i;
		if (k == 1) {
			gz_buf_add(m, run + at[1], i + n - at[1]);
		} else if (k >= 2) {
			gz_buf_putc(m, ' ');
			gz_buf_add(m, run + i, n);
			gz_buf_putc(m, ' ');
			gz_buf_add(m, run + at[1], i + n - at[1]);
		}
		k++;
		i += n;
	}
	gz_buf_putc(m, '"');
}

static void end_run(query_parts *qp)
{
	if (qp->run_chars >= 3) {
		gz_strlist_add(&qp->runs, qp->run.ptr);
		if (qp->run_plain) {
			add_phrase(&qp->match, qp->run.ptr, qp->run.len);
			GZ_GROW(qp->phrased, qp->cap, qp->nphrased + 1);
			qp->phrased[qp->nphrased][0] = qp->run_start;
			qp->phrased[qp->nphrased][1] = qp->run_start + qp->run.len;
			qp->nphrased++;
		} else {
			gz_strlist_add(&qp->checks, qp->run.ptr);
		}
	}
	gz_buf_clear(&qp->run);
	qp->run_chars = 0;
	qp->run_plain = true;
}

static void add_token(const char *tok, size_t len, void *payload)
{
	query_parts *qp = payload;
	gz_buf *m = &qp->match;
	size_t at = (size_t)(tok - qp->folded), k;

	/* a bigram of a run asked as a phrase: the phrase has it already, and
	 * each phrase more costs the search and the rank a pass over its rows */
	for (k = 0; k < qp->nphrased; k++)
		if (at >= qp->phrased[k][0] && at + len <= qp->phrased[k][1])
			return;
	/* tokens are letters, digits and CJK only: quoting makes each a plain
	 * FTS5 string whatever the user typed */
	gz_buf_printf(m, "%s\"", m->len ? " " : "");
	gz_buf_add(m, tok, len);
	gz_buf_putc(m, '"');
}

static void parse_query(query_parts *qp, const char *q)
{
	gz_buf folded = GZ_BUF_INIT;
	size_t i = 0, n;
	uint32_t cp;

	gz_tokenize_fold(&folded, q, strlen(q));
	qp->run_plain = true;
	while (i < folded.len) {
		n = gz_utf8_decode(folded.ptr + i, folded.len - i, &cp);
		if (!n)
			n = 1;
		if (n > 1 && gz_tokenize_is_cjk(cp)) {
			if (!qp->run_chars)
				qp->run_start = i;
			gz_buf_add(&qp->run, folded.ptr + i, n);
			qp->run_chars++;
			qp->run_plain = qp->run_plain && fts_letter(cp);
		} else {
			end_run(qp);
		}
		i += n;
	}
	end_run(qp);
	qp->folded = folded.ptr;
	gz_tokenize(folded.ptr, folded.len, true, add_token, qp);
	qp->folded = NULL;
	gz_buf_release(&folded);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return gz_strdup(s ? s : "");
}

/* "穆棱镇 / 新民村" from the \x1f-joined columns; the one alone without
 * the "/" when the other is missing. */
static char *place(const char *township, const char *village)
{
	gz_buf b = GZ_BUF_INIT;
	const char *s;

	for (s = township; *s; s++)
		gz_buf_putc(&b, *s == '\x1f' ? ' ' : *s);
	gz_text_squeeze(&b);
	if (*village && b.len)
		gz_buf_puts(&b, " /");
	for (s = village; *s; s++)
		gz_buf_putc(&b, *s == '\x1f' ? ' ' : *s);
	gz_text_squeeze(&b);
	return gz_buf_detach(&b, NULL);
}

/* About 60 characters of [from, to) from a little before at, with "…"
 * where it was cut; blocks of the body are set apart by " / ". */
static void window(gz_buf *b, const char *from, const char *at, const char *to)
{
	gz_buf w = GZ_BUF_INIT;
	const char *start = at;
	size_t back = 0, i;

	/* step back up to 20 characters, never into a UTF-8 sequence */
	while (start > from && back < 20) {
		start--;
		if (((unsigned char)*start & 0xc0) != 0x80)
			back++;
	}
	if (start > from)
		gz_buf_puts(b, "…");
	gz_text_truncate(&w, start, (size_t)(to - start), 60);
	for (i = 0; i < w.len; i++) {
		if (w.ptr[i] == '\n')
			gz_buf_puts(b, " / ");
		else
			gz_buf_putc(b, (unsigned char)w.ptr[i] < 0x20 ? ' ' : w.ptr[i]);
	}
	gz_buf_release(&w);
}

/* where s (len bytes) is in [from, to), or NULL */
static const char *find_in(const char *from, const char *to, const char *s, size_t len)
{
	const char *at;

	if (!len)
		return NULL;
	for (at = from; at + len <= to; at++) {
		at = memchr(at, *s, (size_t)(to - at));
		if (!at || at + len > to)
			return NULL;
		if (!memcmp(at, s, len))
			return at;
	}
	return NULL;
}

/* A snippet of a page's text (search.h) around the first query run or
 * word: in the body, or else the summary, or else the field that has it;
 * a page found by its title shows its summary or else its body's start. */
static char *snippet(const char *text, const char *first)
{
	gz_buf b = GZ_BUF_INIT;
	const char *part[4], *end = text + strlen(text), *at;
	size_t flen = first ? strlen(first) : 0;
	int k;

	part[0] = text;
	for (k = 1; k < 4; k++) {
		const char *sep = memchr(part[k - 1], GZ_SEARCHTEXT_PART, (size_t)(end - part[k - 1]));
		part[k] = sep ? sep + 1 : end;
	}
	/* part k ends at part[k + 1] - 1 (its RS); the body at end */
	if ((at = find_in(part[3], end, first, flen))) {
		window(&b, part[3], at, end);
	} else if (part[2] > part[1] + 1 && (at = find_in(part[1], part[2] - 1, first, flen))) {
		window(&b, part[1], at, part[2] - 1);
	} else if ((at = find_in(part[2], part[3] - 1, first, flen))) {
		/* the field it is in, from its kind byte to the next, named as
		 * the page names it */
		static const char *const label[] = {
			[GZ_SEARCHTEXT_CAPTION] = "图片说明：", [GZ_SEARCHTEXT_CREDIT] = "摄影：",
			[GZ_SEARCHTEXT_AUTHOR] = "作者：", [GZ_SEARCHTEXT_SOURCE] = "来源：",
			[GZ_SEARCHTEXT_TOPIC] = "政策主题：", [GZ_SEARCHTEXT_DEPARTMENT] = "主管部门：",
			[GZ_SEARCHTEXT_CONTACT] = "咨询方式：",
		};
		const char *from = at, *to = at;
		unsigned char kind;
		while (from > part[2] && (unsigned char)from[-1] >= 0x20)
			from--;
		while (to < part[3] - 1 && (unsigned char)*to >= 0x20)
			to++;
		kind = from > part[2] ? (unsigned char)from[-1] : 0;
		/* a credit that says 摄 or 图 names itself, as on the figure */
		if (kind != GZ_SEARCHTEXT_CREDIT || (!find_in(from, to, "摄", 3) && !find_in(from, to, "图", 3)))
			gz_buf_puts(&b, kind < GZ_SEARCHTEXT_TERM && label[kind] ? label[kind] : "分类：");
		window(&b, from, at, to);
	} else if (part[2] > part[1] + 1) {
		window(&b, part[1], part[1], part[2] - 1);
	} else {
		window(&b, part[3], part[3], end);
	}
	return gz_buf_detach(&b, NULL);
}

/*
 * gzrank(fts, length): BM25 (k1 1.2, b 0.75, as FTS5's bm25()) with the
 * phrases of the query weighted alike, lower is better. bm25() also weighs
 * each phrase by its IDF, which it learns by running every phrase again
 * over the whole index, and reads each matching row's length from
 * fts_docsize, a lookup a row: for a common word, as much again as the
 * search. Here the row's length in tokens is pages.ntok, which the query
 * reads for its filters anyway.
 */
typedef struct {
	int nphrase;
	double avgdl;
	double freq[];
} rank_data;

static void rank_fn(const Fts5ExtensionApi *x, Fts5Context *fts, sqlite3_context *ctx, int nval,
		    sqlite3_value **val)
{
	rank_data *rd = x->xGetAuxdata(fts, 0);
	double score = 0, dl;
	int ninst = 0, i, phrase, col, off;

	if (!rd) {
		sqlite3_int64 rows = 0, tokens = 0;
		int np = x->xPhraseCount(fts);

		rd = calloc(1, sizeof(*rd) + (size_t)np * sizeof(double));
		if (!rd) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		rd->nphrase = np;
		if (x->xRowCount(fts, &rows) != SQLITE_OK ||
		    x->xColumnTotalSize(fts, -1, &tokens) != SQLITE_OK) {
			free(rd);
			sqlite3_result_error(ctx, _("cannot read the index totals"), -1);
			return;
		}
		rd->avgdl = rows > 0 ? (double)tokens / (double)rows : 1;
		if (x->xSetAuxdata(fts, rd, free) != SQLITE_OK) {
			free(rd);
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	for (i = 0; i < rd->nphrase; i++)
		rd->freq[i] = 0;
	if (x->xInstCount(fts, &ninst) != SQLITE_OK) {
		sqlite3_result_error(ctx, _("cannot read the matches"), -1);
		return;
	}
	/* a match in the title or summary (column 0) counts as the site
	 * index counts it */
	for (i = 0; i < ninst; i++)
		if (x->xInst(fts, i, &phrase, &col, &off) == SQLITE_OK && phrase >= 0 &&
		    phrase < rd->nphrase)
			rd->freq[phrase] += col == 0 ? GZ_SEARCHTEXT_WEIGHT : 1;
	dl = nval > 0 ? sqlite3_value_double(val[0]) : rd->avgdl;
	for (i = 0; i < rd->nphrase; i++)
		score += rd->freq[i] * 2.2 /
			 (rd->freq[i] + 1.2 * (0.25 + 0.75 * dl / (rd->avgdl > 0 ? rd->avgdl : 1)));
	/* lower is better, as bm25() */
	sqlite3_result_double(ctx, -score);
}

/* Make gzrank() known to FTS5 on db. */
static int add_rank(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	fts5_api *api = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2 ||
	    api->xCreateFunction(api, "gzrank", NULL, rank_fn, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

int gz_archive_search(gz_archive_hit **out, size_t *n, const char *source,
		      const gz_archive_query *q, gz_diag *d)
{
	char *path = db_path(source);
	int rc = gz_archive_search_at(out, n, path, q, d);

	free(path);
	return rc;
}

/* The query's SQL: the best rows first, from pages' small rows; only those
 * shown read their title and text. Its parameters are bound by
 * bind_query, in the same order. */
static void query_sql(gz_buf *sql, const query_parts *qp, const gz_archive_query *q)
{
	int arg = 1;
	size_t k;

	gz_buf_puts(sql, "SELECT t.i, t.d, x.title, p.township, p.village, x.text, x.url"
			 " FROM (SELECT p.rowid AS rid, gzrank(fts, p.ntok) AS r, p.date AS d, p.id AS i"
			 " FROM fts JOIN pages p ON p.rowid = fts.rowid WHERE fts MATCH ?1");
	for (k = 0; k < qp->checks.n; k++)
		gz_buf_printf(sql, " AND instr((SELECT folded FROM texts WHERE rowid = p.rowid),"
				   " ?%d) > 0", ++arg);
	if (q->township)
		gz_buf_printf(sql, " AND instr(p.township, char(31) || ?%d || char(31)) > 0", ++arg);
	if (q->village)
		gz_buf_printf(sql, " AND instr(p.village, char(31) || ?%d || char(31)) > 0", ++arg);
	if (q->industry)
		gz_buf_printf(sql, " AND instr(p.industry, char(31) || ?%d || char(31)) > 0", ++arg);
	if (q->person)
		gz_buf_printf(sql, " AND instr(p.people, char(31) || ?%d || char(31)) > 0", ++arg);
	if (q->tag)
		gz_buf_printf(sql, " AND instr(p.tags, char(31) || ?%d || char(31)) > 0", ++arg);
	if (q->from)
		gz_buf_printf(sql, " AND p.date >= ?%d", ++arg);
	if (q->to)
		gz_buf_printf(sql, " AND p.date <= ?%d", ++arg);
	gz_buf_printf(sql, " ORDER BY r, d DESC, i LIMIT %d) t JOIN pages p ON p.rowid = t.rid"
			   " JOIN texts x ON x.rowid = t.rid ORDER BY t.r, t.d DESC, t.i",
		      q->limit > 0 ? q->limit : 50);
}

/* qp and q must outlive the statement's steps: nothing is copied. */
static void bind_query(sqlite3_stmt *st, const query_parts *qp, const gz_archive_query *q)
{
	const char *vals[] = {q->township, q->village, q->industry, q->person, q->tag, q->from, q->to};
	int arg = 1;
	size_t k;

	sqlite3_bind_text(st, arg++, qp->match.ptr, -1, SQLITE_STATIC);
	for (k = 0; k < qp->checks.n; k++)
		sqlite3_bind_text(st, arg++, qp->checks.items[k], -1, SQLITE_STATIC);
	for (k = 0; k < sizeof(vals) / sizeof(vals[0]); k++)
		if (vals[k])
			sqlite3_bind_text(st, arg++, vals[k], -1, SQLITE_STATIC);
}

/* The first run or word of the query, for the snippet. */
static void first_term(gz_buf *first, const query_parts *qp)
{
	const char *m = qp->match.ptr + 1, *end = strchr(m, '"');

	gz_buf_add(first, m, (size_t)(end - m));
	if (qp->runs.n) {
		gz_buf_clear(first);
		gz_buf_puts(first, qp->runs.items[0]);
	}
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* The statement's rows as hits, added to *hits (the caller frees them
 * whatever this returns). Returns SQLITE_DONE, or the step's error. */
static int read_hits(sqlite3_stmt *st, const char *first, gz_archive_hit **hits, size_t *nhits)
{
	size_t cap = 0;
	int r;

	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		gz_archive_hit *h;
		GZ_GROW(*hits, cap, *nhits + 1);
		h = &(*hits)[(*nhits)++];
		h->id = col_dup(st, 0);
		h->date = col_dup(st, 1);
		h->title = col_dup(st, 2);
		h->place = place(col_text(st, 3), col_text(st, 4));
		h->snippet = snippet(col_text(st, 5), first);
		h->url = col_dup(st, 6);
	}
	return r;
}

static void query_parts_release(query_parts *qp)
{
	gz_buf_release(&qp->match);
	gz_buf_release(&qp->run);
	gz_strlist_release(&qp->checks);
	gz_strlist_release(&qp->runs);
	free(qp->phrased);
}

int gz_archive_search_at(gz_archive_hit **out, size_t *n, const char *db_path_in,
			 const gz_archive_query *q, gz_diag *d)
{
	char *path = gz_strdup(db_path_in), *err = NULL;
	const char *place = path;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	query_parts qp;
	gz_buf sql = GZ_BUF_INIT, first = GZ_BUF_INIT, e = GZ_BUF_INIT;
	gz_archive_hit *hits = NULL;
	size_t nhits = 0;
	struct stat sb;
	char *version = NULL;
	int rc = -1;

	*out = NULL;
	*n = 0;
	memset(&qp, 0, sizeof(qp));
	gz_buf_init(&qp.match, 64);
	gz_buf_init(&qp.run, 16);
	parse_query(&qp, q->query ? q->query : "");
	if (!qp.match.len) {
		gz_buf_printf(&e, _("the query '%s' has no words to search for"),
			      q->query ? q->query : "");
		place = GZ_ARCHIVE_COMMAND;
		rc = GZ_ARCHIVE_BAD_QUERY;
		goto cleanup;
	}
	if (stat(path, &sb) != 0) {
		/* the same advice whether site.yml asks for one or not: the
		 * archive is made by a build of a site that does */
		gz_buf_printf(&e, _("no archive here yet: 'gazette build' makes it, when site.yml "
				    "has 'archive: true'"));
		rc = GZ_ARCHIVE_NO_DB;
		goto cleanup;
	}
	if (open_db(&db, path, SQLITE_OPEN_READONLY, &err) < 0) {
		gz_buf_puts(&e, err);
		goto cleanup;
	}
	version = schema_of(db);
	if (!version || strcmp(version, SCHEMA_VERSION)) {
		gz_buf_printf(&e,
			      _("damaged or written by another version of gazette; "
				"'gazette build' builds it again"));
		rc = -1;
		goto cleanup;
	}
	if (add_rank(db) < 0)
		goto sqlerr;
	query_sql(&sql, &qp, q);
	if (sqlite3_prepare_v2(db, sql.ptr, -1, &st, NULL) != SQLITE_OK)
		goto sqlerr;
	bind_query(st, &qp, q);
	first_term(&first, &qp);
	if (read_hits(st, first.ptr, &hits, &nhits) != SQLITE_DONE)
		goto sqlerr;
	*out = hits;
	*n = nhits;
	hits = NULL;
	rc = 0;
	goto cleanup;

sqlerr:
	gz_buf_printf(&e, _("%s; 'gazette build' rebuilds a damaged archive"), sqlite3_errmsg(db));
	rc = -1;
cleanup:
	if (e.len)
		gz_diag_error(d, place, 0, 0, "%s", e.ptr);
	free(err);
	gz_archive_hits_free(hits, nhits);
	sqlite3_finalize(st);
	sqlite3_close(db);
	query_parts_release(&qp);
	gz_buf_release(&sql);
	gz_buf_release(&first);
	gz_buf_release(&e);
	free(version);
	free(path);
	return rc;
}

void gz_archive_hits_free(gz_archive_hit *hits, size_t n)
{
	size_t i;

	for (i = 0; i < n && hits; i++) {
		free(hits[i].id);
		free(hits[i].date);
		free(hits[i].title);
		free(hits[i].place);
		free(hits[i].snippet);
		free(hits[i].url);
	}
	free(hits);
}
