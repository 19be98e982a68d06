#include "archive/pull.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/alloc.h"
#include "archive/archive.h"
#include "base/buf.h"
#include "load/pagefm.h"
#include "lua/theme.h"
#include "load/doc.h"
#include "lua/script.h"
#include "write/pack.h"
#include "model/site.h"
#include "source/source.h"
#include "base/text.h"
#include "base/i18n.h"
#include "media/media.h"

#define NOTICE_FORBIDDEN "【注意：本稿未经书面许可，不得转载或播出】"

/* One photo file of the pack. */
typedef struct {
	const gz_photo *ph;
	char *name;           /* in the zip: "photos/cover.jpg" */
	const char *caption, *credit;
} item;

typedef struct {
	const gz_site *site;
	const gz_page *p;
	char *id;
	item *items;
	size_t nitems;
	size_t chars;   /* the body's, as on the web page */
	size_t spoken;  /* of what is read aloud */
	int minutes;
	const char *status; /* unpublished_status, once: "today" moves */
} story;

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Front matter photos, then the cover, then body images; each file once
 * (the first mention's caption and credit win), names made unique. */
static void add_item(story *st, const gz_photo *ph)
{
	size_t i;
	gz_buf name = GZ_BUF_INIT;
	item *it;

	if (!ph->file)
		return; /* an external URL: nothing to pack */
	for (i = 0; i < st->nitems; i++) {
		if (!strcmp(st->items[i].ph->file, ph->file)) {
			if (!st->items[i].caption)
				st->items[i].caption = ph->caption;
			if (!st->items[i].credit)
				st->items[i].credit = ph->credit;
			return;
		}
	}
	gz_buf_printf(&name, "photos/%s", base_name(ph->file));
	for (i = 0; i < st->nitems; i++) {
		if (!strcmp(st->items[i].name, name.ptr)) {
			gz_buf_clear(&name);
			gz_buf_printf(&name, "photos/%zu-%s", st->nitems + 1, base_name(ph->file));
			break;
		}
	}
	it = &st->items[st->nitems++];
	it->ph = ph;
	it->name = gz_buf_detach(&name, NULL);
	it->caption = ph->caption;
	it->credit = ph->credit;
}

#define NOTE_URL "【网址，不播读】"
#define NOTE_NOTES "【注释，不播读】"

/* The length of the web address at s (http://, https://, www.), or 0. It
 * ends at a space or at the first character that is not ASCII, as the
 * Chinese text after an address often follows it with no space. */
static size_t url_at(const char *s, const char *line)
{
	size_t n = 0;

	if (s > line && ((unsigned char)s[-1] < 0x80 && (isalnum((unsigned char)s[-1]) ||
							 s[-1] == '/' || s[-1] == '.')))
		return 0;
	if (strncasecmp(s, "http://", 7) && strncasecmp(s, "https://", 8) &&
	    strncasecmp(s, "www.", 4))
		return 0;
	while (s[n] && (unsigned char)s[n] > ' ' && (unsigned char)s[n] < 0x7f)
		n++;
	/* a sentence's full stop or a closing bracket is not the address's */
	while (n && strchr(".,;:!?)]}'\"", s[n - 1]))
		n--;
	return n;
}

/* Line s (n bytes) into line, each web address in it taken out (into
 * urls, marked, if urls). */
static void without_urls(gz_buf *line, gz_buf *urls, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t u = url_at(s + i, s);
		if (u && i + u <= n) {
			if (urls)
				gz_buf_printf(urls, NOTE_URL "%.*s\n\n", (int)u, s + i);
			gz_buf_putc(line, ' ');
			i += u;
		} else {
			gz_buf_putc(line, s[i++]);
		}
	}
}

/* Paragraphs of the body, one blank line between them. A web address is
 * not read aloud (spelt out it means nothing to a listener): it goes to a
 * line of its own after its paragraph, marked for the staff. */
static void add_paragraphs(gz_buf *b, const char *s)
{
	while (s && *s) {
		const char *eol = strchr(s, '\n');
		size_t n = eol ? (size_t)(eol - s) : strlen(s);
		gz_buf line = GZ_BUF_INIT, notes = GZ_BUF_INIT;

		without_urls(&line, &notes, s, n);
		gz_text_squeeze_mixed(&line);
		if (line.len)
			gz_buf_printf(b, "%s\n\n", line.ptr);
		gz_buf_add(b, notes.ptr, notes.len);
		gz_buf_release(&line);
		gz_buf_release(&notes);
		s += n + (eol ? 1 : 0);
	}
}

/* The characters of s read aloud: its web addresses are not, nor the
 * marks before its headings. */
static size_t spoken_count(const char *s)
{
	gz_buf line = GZ_BUF_INIT;
	size_t n, mark = gz_text_count(GZ_DOC_SPOKEN_HEAD, strlen(GZ_DOC_SPOKEN_HEAD));
	const char *h;

	if (!s)
		return 0;
	without_urls(&line, NULL, s, strlen(s));
	n = gz_text_count(line.ptr ? line.ptr : "", line.len);
	for (h = strstr(line.ptr, GZ_DOC_SPOKEN_HEAD); h && n >= mark;
	     h = strstr(h + 1, GZ_DOC_SPOKEN_HEAD))
		n -= mark;
	gz_buf_release(&line);
	return n;
}

/* Is p not on the site yet: a draft, under review, or dated later than
 * now (scheduled)? Pull reads the working tree with all of them, for a
 * desk that prepares a story before it is out; the script then says so
 * first, as a search never shows such a story and nothing else would tell
 * the desk it must not go on air yet. */
static const char *unpublished_status(const gz_page *p)
{
	if (p->status == GZ_DRAFT)
		return "draft";
	if (p->status == GZ_REVIEW)
		return "review";
	if (p->has_date && p->date.key > (int64_t)time(NULL))
		return "scheduled";
	return NULL;
}

/* The lead the editor wrote, or NULL. Without one the page's summary is
 * the body's opening, which the script reads in full anyway: read twice
 * it would also run a list's items together (the theme's tv layout makes
 * the same distinction). */
static const char *written_lead(const gz_page *p)
{
	const gz_value *v = gz_value_get(gz_page_fm(p), "summary");

	return v && v->type == GZ_STR && *v->str && p->summary && *p->summary ? p->summary
									       : NULL;
}

static void story_init(story *st, const gz_site *site, const gz_page *p, char *id)
{
	const char *lead = written_lead(p);
	gz_buf body = GZ_BUF_INIT, notes = GZ_BUF_INIT;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->site = site;
	st->p = p;
	st->id = id;
	st->items = gz_calloc(p->nphotos + p->nimages + 1, sizeof(*st->items));
	for (i = 0; i < p->nphotos; i++)
		add_item(st, &p->photos[i]);
	if (p->cover)
		add_item(st, p->cover);
	for (i = 0; i < p->nimages; i++)
		add_item(st, &p->images[i]);
	/* the body's count, as the web page gives it; the time is of what is
	 * read aloud: title, lead and body, without the footnotes, struck-out
	 * text, web addresses and picture notes the script sets apart */
	st->chars = p->chars;
	st->spoken = spoken_count(p->title) + spoken_count(lead);
	gz_doc_text_spoken(&body, &notes, p->doc, NULL, NULL);
	st->spoken += spoken_count(body.ptr);
	st->minutes = gz_text_minutes(st->spoken, site->cfg.broadcast_rate);
	st->status = unpublished_status(p);
	gz_buf_release(&body);
	gz_buf_release(&notes);
}

static void story_release(story *st)
{
	size_t i;

	for (i = 0; i < st->nitems; i++)
		free(st->items[i].name);
	free(st->items);
	free(st->id);
}

static bool forbidden(const gz_page *p)
{
	return p->reprint && !strcmp(p->reprint, "forbidden");
}

/* The notice of status st (unpublished_status), one line, into b (nothing
 * when the story is published, st NULL). */
static void unpublished_notice(gz_buf *b, const gz_page *p, const char *st)
{
	char when[GZ_DATE_ZH_SIZE];

	if (!st)
		return;
	if (p->status != GZ_DRAFT && p->status != GZ_REVIEW) {
		gz_date_zh(when, &p->date);
		gz_buf_printf(b, "【注意：本稿定于%s在网站发布，此前不得播出】", when);
	} else {
		gz_buf_printf(b, "【注意：本稿%s，尚未在网站发布，未经编辑部同意不得播出】",
			      p->status == GZ_DRAFT ? "还是草稿" : "正在审核");
	}
}

/* The staff who pull the story hear it too, at the field that makes it
 * unpublished, for its editor to be asked. */
static void warn_unpublished(gz_diag *d, const gz_page *p, const char *st)
{
	/* its status says so first, as unpublished_status reads it */
	bool later = p->status != GZ_DRAFT && p->status != GZ_REVIEW;
	const gz_value *v;

	if (!st)
		return;
	v = gz_value_get(gz_page_fm(p), later ? "date" : "status");
	if (later)
		gz_diag_warn(d, p->path, v ? v->line : 0, v ? v->col : 0,
			     _("the story is dated later than today and is not on the site yet; "
			       "the script says it must not go on air before that day"));
	else
		gz_diag_warn(d, p->path, v ? v->line : 0, v ? v->col : 0,
			     _("the story is a draft or under review and is not on the site; the "
			       "script says it must not go on air without the editors' consent"));
}

static const char *reuse_terms(const gz_page *p)
{
	const char *t = gz_page_reprint_text(p);
	return t ? t : "未注明，使用前请向来源核实";
}

/* A credit as the script gives it: a space between two names (孙昊 李明)
 * becomes 、, or they would be read as one; before 摄 or the like it goes,
 * as a credit is read "李明摄". */
static void put_credit(gz_buf *b, const char *credit)
{
	static const char *const verbs[] = {"摄", "摄影", "图", "供图", "制图", "绘", "发"};
	gz_buf c = GZ_BUF_INIT;
	size_t i = 0, k, start = b->len;

	gz_photo_credit(&c, credit);
	while (i < c.len) {
		size_t run = strcspn(c.ptr + i, " \t"), after;
		gz_buf_add(b, c.ptr + i, run);
		i += run;
		after = i + strspn(c.ptr + i, " \t");
		if (after == i || after == c.len || b->len == start) {
			i = after;
			continue;
		}
		run = strcspn(c.ptr + after, " \t");
		for (k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
			if (strlen(verbs[k]) == run && !memcmp(c.ptr + after, verbs[k], run))
				break;
		/* Latin on either side keeps its space ("Li Ming"); Chinese words
		 * are parted by 、 unless the second is the verb */
		if ((unsigned char)b->ptr[b->len - 1] < 0x80 || (unsigned char)c.ptr[after] < 0x80)
			gz_buf_putc(b, ' ');
		else if (k == sizeof(verbs) / sizeof(verbs[0]))
			gz_buf_puts(b, "、");
		i = after;
	}
	gz_buf_release(&c);
}

/* A photo in the script: where it stands in the text, with the caption
 * and credit it has on the web and in print. */
static void script_image(gz_buf *b, int index, const char *alt, void *payload)
{
	const gz_page *p = payload;
	const char *cap = NULL, *credit = NULL;

	if (index >= 0 && (size_t)index < p->nimages) {
		cap = p->images[index].caption;
		credit = p->images[index].credit;
		if (!cap || !*cap)
			cap = p->images[index].alt;
	}
	gz_buf_puts(b, "【图片】");
	if (cap && *cap)
		gz_buf_puts(b, cap);
	else if (alt && *alt)
		gz_doc_plain(b, alt);
	else
		gz_buf_puts(b, "（无说明）");
	if (credit && *credit) {
		gz_buf_puts(b, "（");
		put_credit(b, credit);
		gz_buf_puts(b, "）");
	}
	gz_buf_putc(b, '\n');
}

static void write_script(gz_buf *b, const story *st)
{
	const gz_page *p = st->p;
	const char *lead = written_lead(p);
	char ymd[GZ_DATE_ZH_SIZE] = "";
	gz_buf body = GZ_BUF_INIT, notes = GZ_BUF_INIT;

	if (forbidden(p))
		gz_buf_puts(b, NOTICE_FORBIDDEN "\n\n");
	if (st->status) {
		unpublished_notice(b, p, st->status);
		gz_buf_puts(b, "\n\n");
	}
	if (p->has_date)
		gz_date_zh(ymd, &p->date);
	gz_buf_printf(b, "标题：%s\n", p->title ? p->title : "");
	if (*ymd)
		gz_buf_printf(b, "日期：%s\n", ymd);
	gz_buf_printf(b, "来源：%s\n", p->source ? p->source : "未注明");
	if (p->author)
		gz_buf_printf(b, "作者：%s\n", p->author);
	gz_buf_printf(b, "转载：%s\n", reuse_terms(p));
	gz_buf_printf(b, "编号：%s\n", st->id);
	gz_buf_printf(b, "字数：%zu\n", st->chars);
	gz_buf_printf(b, "预计播读时长：约 %d 分钟（按每分钟 %d 字）\n", st->minutes,
		      st->site->cfg.broadcast_rate);
	if (lead) {
		gz_buf_puts(b, "\n【导语】\n\n");
		add_paragraphs(b, lead);
		gz_buf_puts(b, "【正文】\n\n");
	} else {
		gz_buf_puts(b, "\n【正文】\n\n");
	}
	gz_doc_text_spoken(&body, &notes, p->doc, script_image, (void *)p);
	add_paragraphs(b, body.ptr);
	gz_buf_printf(b, "（来源：%s%s%s）\n", p->source ? p->source : "未注明",
		      p->author ? "　作者：" : "", p->author ? p->author : "");
	/* the footnotes after the story, where reading it ends: for the staff
	 * to check or use, kept whole (an address in them is not taken out) */
	if (notes.len)
		gz_buf_printf(b, "\n" NOTE_NOTES "\n%s", notes.ptr);
	gz_buf_release(&body);
	gz_buf_release(&notes);
}

/* Each photo's caption and credit. The credit reads as under the photo on
 * the web page: "摄影：李明", or as written when it says itself what it is
 * ("李明 摄", "示意插图 本站制作"), under 署名 then, not as a
 * photographer's name: "摄影：李明 摄" says it twice, and an illustration
 * would pass for a photo. */
static void write_captions(gz_buf *b, const story *st)
{
	gz_buf credit = GZ_BUF_INIT;
	size_t i;

	for (i = 0; i < st->nitems; i++) {
		const item *it = &st->items[i];
		gz_buf_clear(&credit);
		gz_photo_credit(&credit, it->credit);
		gz_buf_printf(b, "%s%s\n说明：%s\n%s%s\n", i ? "\n" : "", it->name,
			      it->caption ? it->caption : "（无）",
			      strncmp(credit.ptr, "摄影：", strlen("摄影：")) ? "署名：" : "",
			      credit.len ? credit.ptr : "（未注明）");
	}
	gz_buf_release(&credit);
}

static void json_or_null(gz_buf *b, const char *s)
{
	if (s)
		gz_buf_add_json(b, s);
	else
		gz_buf_puts(b, "null");
}

/* The page's terms for a taxonomy key, from the model when the site has
 * that taxonomy, else from the front matter as written. */
static void json_terms(gz_buf *b, const story *st, const char *key)
{
	const gz_config *cfg = &st->site->cfg;
	const gz_value *v;
	size_t i, k, n = 0;

	gz_buf_putc(b, '[');
	for (i = 0; i < cfg->ntax; i++) {
		if (strcmp(cfg->tax[i].key, key))
			continue;
		for (k = 0; k < st->p->tax_values[i].n; k++) {
			gz_buf_puts(b, n++ ? "," : "");
			gz_buf_add_json(b, st->p->tax_values[i].items[k]);
		}
		gz_buf_putc(b, ']');
		return;
	}
	v = gz_value_get(gz_page_fm(st->p), key);
	if (v && v->type == GZ_STR) {
		gz_buf_add_json(b, v->str);
	} else if (v && v->type == GZ_SEQ) {
		for (k = 0; k < v->n; k++)
			if (v->items[k]->type == GZ_STR) {
				gz_buf_puts(b, n++ ? "," : "");
				gz_buf_add_json(b, v->items[k]->str);
			}
	}
	gz_buf_putc(b, ']');
}

static void write_meta(gz_buf *b, const story *st)
{
	static const char *const keys[] = {"township", "village", "industry", "people", "tags"};
	const gz_page *p = st->p;
	char ymd[16] = "";
	gz_buf url = GZ_BUF_INIT;
	size_t i;

	if (p->has_date)
		gz_date_ymd(ymd, &p->date);
	gz_buf_printf(&url, "%s%s", st->site->cfg.base_url, p->url[0] == '/' ? p->url + 1 : p->url);
	gz_buf_puts(b, "{\n  \"id\": ");
	gz_buf_add_json(b, st->id);
	gz_buf_puts(b, ",\n  \"title\": ");
	json_or_null(b, p->title);
	gz_buf_puts(b, ",\n  \"date\": ");
	json_or_null(b, *ymd ? ymd : NULL);
	gz_buf_puts(b, ",\n  \"url\": ");
	gz_buf_add_json(b, url.ptr);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		gz_buf_printf(b, ",\n  \"%s\": ", keys[i]);
		json_terms(b, st, keys[i]);
	}
	gz_buf_puts(b, ",\n  \"author\": ");
	json_or_null(b, p->author);
	gz_buf_puts(b, ",\n  \"source\": ");
	json_or_null(b, p->source);
	gz_buf_puts(b, ",\n  \"reprint\": ");
	json_or_null(b, p->reprint);
	gz_buf_puts(b, ",\n  \"status\": ");
	gz_buf_add_json(b, st->status ? st->status : "published");
	gz_buf_puts(b, ",\n  \"reuse\": ");
	gz_buf_add_json(b, forbidden(p) ? NOTICE_FORBIDDEN : reuse_terms(p));
	gz_buf_printf(b, ",\n  \"chars\": %zu,\n  \"minutes\": %d,\n  \"broadcast_rate\": %d",
		      st->chars, st->minutes, st->site->cfg.broadcast_rate);
	gz_buf_puts(b, ",\n  \"photos\": [");
	for (i = 0; i < st->nitems; i++) {
		gz_buf_puts(b, i ? ",\n    {\"file\": " : "\n    {\"file\": ");
		gz_buf_add_json(b, st->items[i].name);
		gz_buf_puts(b, ", \"source\": ");
		gz_buf_add_json(b, st->items[i].ph->file);
		gz_buf_puts(b, ", \"caption\": ");
		json_or_null(b, st->items[i].caption);
		gz_buf_puts(b, ", \"credit\": ");
		json_or_null(b, st->items[i].credit);
		gz_buf_putc(b, '}');
	}
	gz_buf_puts(b, st->nitems ? "\n  ]\n}\n" : "]\n}\n");
	gz_buf_release(&url);
}

/* Where an error about what was given on the command line is placed */
static const char command[] = "gazette archive pull";

/* The first error of from (what loading the site found), into d */
static void first_error_into(gz_diag *d, gz_diag *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		if (from->items[i].severity == GZ_ERROR) {
			gz_diag_item *it = &from->items[i];
			gz_diag_error(d, it->path, it->line, it->col, "%s", it->msg);
			return;
		}
}

static int add_buf(gz_pack *pk, const char *name, const gz_buf *b, int64_t t, gz_diag *d)
{
	return gz_pack_add(pk, name, b->ptr, b->len, t, d);
}

static int write_pack(const story *st, gz_source *src, const char *path, bool force, gz_diag *d)
{
	const gz_page *p = st->p;
	gz_pack *pk = NULL;
	gz_buf b = GZ_BUF_INIT, name = GZ_BUF_INIT;
	char *data = NULL;
	size_t len, i;
	/* the story's date as the site reads it (its zone, else Beijing's):
	 * the desk sees the day of the story, not the day before in UTC */
	int64_t t = p->has_date ? p->date.key + (int64_t)p->date.tz_minutes * 60
				: (int64_t)time(NULL) + 8 * 3600;
	int rc;

	rc = gz_pack_open(&pk, path, force, d);
	if (rc < 0) {
		rc = rc == GZ_PACK_EXISTS ? GZ_PULL_EXISTS : -1;
		goto cleanup;
	}
	rc = -1;
	if (gz_source_read(src, p->path, &data, &len) < 0) {
		gz_diag_error(d, p->path, 0, 0, _("cannot read the file"));
		goto cleanup;
	}
	gz_buf_printf(&name, "%s.md", base_name(st->id));
	if (gz_pack_add(pk, name.ptr, data, len, t, d) < 0)
		goto cleanup;
	if (forbidden(p))
		gz_buf_printf(&b, "%s\n\n《%s》的来源（%s）不允许转载或播出本稿，除非取得书面许可。\n",
			      NOTICE_FORBIDDEN, p->title ? p->title : st->id,
			      p->source ? p->source : "未注明");
	if (st->status) {
		gz_buf_puts(&b, b.len ? "\n" : "");
		unpublished_notice(&b, p, st->status);
		gz_buf_putc(&b, '\n');
	}
	if (b.len) {
		if (add_buf(pk, "NOTICE.txt", &b, t, d) < 0)
			goto cleanup;
		gz_buf_clear(&b);
	}
	write_script(&b, st);
	if (add_buf(pk, "script.txt", &b, t, d) < 0)
		goto cleanup;
	gz_buf_clear(&b);
	write_captions(&b, st);
	if (add_buf(pk, "captions.txt", &b, t, d) < 0)
		goto cleanup;
	gz_buf_clear(&b);
	write_meta(&b, st);
	if (add_buf(pk, "meta.json", &b, t, d) < 0)
		goto cleanup;
	for (i = 0; i < st->nitems; i++) {
		const gz_photo *ph = st->items[i].ph;
		char *clean = NULL;
		size_t clean_len = 0;
		int added;
		free(data);
		data = NULL;
		if (gz_source_read(src, ph->file, &data, &len) < 0) {
			gz_diag_error(d, p->path, ph->line, ph->col, _("cannot read photo '%s'"),
				      ph->file);
			goto cleanup;
		}
		/* as the site publishes an original: the same picture data, its
		 * EXIF (GPS position, camera serial), XMP, IPTC and comments cut
		 * out; a file that is no such image, or is cut short, is refused
		 * as the build refuses it, not handed on to the TV desk */
		if (gz_image_strip(&clean, &clean_len, data, len) < 0) {
			gz_diag_error(d, p->path, ph->line, ph->col,
				      _("photo '%s' is damaged or not an image; export it again from "
					"the original, then pull the story again"),
				      ph->ref ? ph->ref : ph->file);
			goto cleanup;
		}
		added = gz_pack_add(pk, st->items[i].name, clean, clean_len, t, d);
		free(clean);
		if (added < 0)
			goto cleanup;
	}
	rc = gz_pack_finish(pk, d);
	pk = NULL;
	if (rc == GZ_PACK_EXISTS)
		rc = GZ_PULL_EXISTS;
	else if (rc < 0)
		rc = -1;
cleanup:
	gz_pack_free(pk);
	free(data);
	gz_buf_release(&b);
	gz_buf_release(&name);
	return rc;
}

/* Is p a story the site refuses (every error of it into out, for the
 * staff to pass on to its editor at once)? What its load found wrong
 * (front matter, text, a missing photo, its address) would leave the
 * script without a body, or its reprint terms out. */
static bool refused(gz_diag *out, const gz_page *p, const gz_diag *loaded)
{
	size_t i, nhook, was = out->errors;

	for (i = 0; i < loaded->n; i++) {
		const gz_diag_item *it = &loaded->items[i];
		if (it->severity == GZ_ERROR && it->path && !strcmp(it->path, p->path))
			gz_diag_error(out, it->path, it->line, it->col,
				      _("%s; the story's editor must fix it (gazette check shows "
					"it) before the story can be pulled"),
				      it->msg);
	}
	/* the load reports the hooks' errors too: these are for a page it
	 * did not report them for */
	nhook = out->errors == was ? p->nhook_errors : 0;
	for (i = 0; i < nhook; i++) {
		/* placed as the build places it (model/site.c) */
		const gz_md_error *e = &p->hook_errors[i];
		if (e->line)
			gz_diag_error(out, p->path, e->line, 1,
				      _("%s; the story's editor must fix it (gazette check shows "
					"it) before the story can be pulled"),
				      e->msg);
		else
			gz_diag_error_placed(out, p->path,
					     _("%s; the story's editor must fix it (gazette check "
					       "shows it) before the story can be pulled"),
					     e->msg);
	}
	if (out->errors == was && (!p->url || (!p->title && !p->is_index)))
		gz_diag_error(out, p->path, 1, 1,
			      _("the story cannot be published as it is; its editor must fix what "
				"gazette check shows before it can be pulled"));
	return out->errors > was;
}

int gz_pull_run(const gz_pull_opts *o, FILE *script_out, char **written, gz_diag *out)
{
	gz_source *src = NULL;
	gz_site site;
	gz_diag d; /* what loading the site says: only the story's matters */
	gz_load_opts lo = {.drafts = true, .future = true, .jobs = 2};
	gz_theme theme;
	gz_page_filters filters;
	gz_source *theme_src = NULL;
	char *display = NULL;
	const gz_page *p = NULL;
	char *id = NULL;
	story st;
	bool loaded = false, have_story = false;
	gz_buf b = GZ_BUF_INIT, path = GZ_BUF_INIT;
	size_t i;
	int rc = -1;

	if (written)
		*written = NULL;
	gz_diag_init(&d);
	memset(&theme, 0, sizeof(theme));
	if (gz_source_open_dir(&src, o->source, &d) < 0) {
		first_error_into(out, &d);
		goto cleanup;
	}
	/* the shortcodes and filters of the theme and the site are part of
	 * the text: without them a story's body would be lost */
	theme_src = gz_theme_open(&theme, src, o->source, &display, &d);
	if (!theme_src) {
		if (d.errors)
			first_error_into(out, &d);
		else
			gz_diag_error(out, o->source, 0, 0, _("the theme cannot be loaded"));
		goto cleanup;
	}
	filters = gz_script_page_filters(&theme);
	lo.filters = &filters;
	gz_site_load(&site, src, &lo, &d);
	loaded = true;
	for (i = 0; i < site.nall && !p; i++) {
		char *pid = gz_archive_id(site.all[i]);
		if (!site.all[i]->is_index && !strcmp(pid, o->id)) {
			p = site.all[i];
			id = pid;
		} else {
			free(pid);
		}
	}
	if (!p) {
		gz_diag_error(out, command, 0, 0,
			      _("no story with id '%s' (ids are what 'gazette archive search' "
				"prints, e.g. stories/2019/xinli-sheep)"),
			      o->id);
		rc = GZ_PULL_NOT_FOUND;
		goto cleanup;
	}
	if (refused(out, p, &d)) {
		rc = -1;
		goto cleanup;
	}
	story_init(&st, &site, p, id);
	warn_unpublished(out, p, st.status);
	have_story = true;
	if (o->script) {
		write_script(&b, &st);
		rc = fwrite(b.ptr, 1, b.len, script_out) == b.len ? 0 : -1;
		if (rc < 0)
			gz_diag_error(out, command, 0, 0, _("cannot write the script"));
		goto cleanup;
	}
	if (o->out)
		gz_buf_puts(&path, o->out);
	else
		gz_buf_printf(&path, "%s.zip", base_name(id));
	rc = write_pack(&st, src, path.ptr, o->force, out);
	if (rc == 0 && written)
		*written = gz_buf_detach(&path, NULL);
cleanup:
	/* the story owns the id once it is made */
	if (have_story)
		story_release(&st);
	else
		free(id);
	if (loaded)
		gz_site_release(&site);
	if (theme_src)
		gz_theme_release(&theme);
	gz_source_free(theme_src);
	free(display);
	gz_source_free(src);
	gz_diag_release(&d);
	gz_buf_release(&b);
	gz_buf_release(&path);
	return rc;
}
