/*
 * date.h: content dates, as editors write them.
 *
 * Accepted: 2020-07-08, 2020-7-8, 2020/7/8, 2020年7月8日 (or 8号), each
 * optionally followed by a time, H:MM or HH:MM:SS (after a space, or 'T'
 * as in RFC 3339; 2020年7月8日9:30 needs no space). With seconds a zone
 * may follow (Z, +08:00). They are all the same day to gazette: what is
 * written out is always gz_date_ymd / gz_date_rfc3339.
 *
 * Dates come only from content (front matter) and git, never from the clock,
 * so builds are reproducible.
 */
#ifndef GZ_DATE_H
#define GZ_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

typedef struct {
	int year, month, day;
	int hour, min, sec;
	int tz_minutes;     /* offset east of UTC */
	bool has_time;
	int64_t key;        /* seconds since 1970 UTC, for sorting */
} gz_date;

typedef enum {
	GZ_DATE_BAD_FORM,   /* none of the forms above (or junk after one) */
	GZ_DATE_BAD_YEAR,   /* before 1900 */
	GZ_DATE_BAD_MONTH,  /* month 0 or over 12 */
	GZ_DATE_BAD_DAY,    /* day 0 or past the end of its month */
	GZ_DATE_BAD_TIME,
	GZ_DATE_BAD_ZONE,
} gz_date_reason;

/* What is wrong with a date, and where: offset is the byte offset in the
 * string of the part at fault, chars the same in characters (add it to
 * the value's column). year, month and day are what was read so far. */
typedef struct {
	gz_date_reason reason;
	size_t offset, chars;
	int year, month, day;
} gz_date_error;

/* Parse s; returns 0, or -1 if it is none of the forms above or not a real
 * calendar date, with e (may be NULL) saying why and where. Dates without
 * a zone are taken as UTC+8 (China). */
int gz_date_parse_at(gz_date *out, const char *s, gz_date_error *e);
int gz_date_parse(gz_date *out, const char *s);

/* Append to out the message for a date s that e says is wrong, the value
 * of key ("date", "--from"): the fault and the forms that are accepted, in
 * the user's language. */
void gz_date_explain(gz_buf *out, const char *key, const char *s, const gz_date_error *e);

/* "2019-06-08" into out (at least 11 bytes). */
void gz_date_ymd(char *out, const gz_date *d);
/* RFC 3339, "2019-06-08T00:00:00+08:00" into out (at least 26 bytes). */
void gz_date_rfc3339(char *out, const gz_date *d);
/* The date as a reader sees it, "2019年6月8日", into out (GZ_DATE_ZH_SIZE
 * bytes). Machine formats (JSON, Atom, sitemaps) keep gz_date_ymd. */
#define GZ_DATE_ZH_SIZE 32
void gz_date_zh(char *out, const gz_date *d);

/* "YYYY-MM-DD" (11 bytes) of a moment t (seconds since 1970) in a zone
 * tz_minutes east of UTC. */
void gz_date_from_time(char *out, int64_t t, int tz_minutes);

#endif
