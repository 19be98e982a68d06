/*
 * date.h: content dates, as YYYY-MM-DD or RFC 3339.
 *
 * Dates come only from content (front matter) and git, never from the clock,
 * so builds are reproducible.
 */
#ifndef GZ_DATE_H
#define GZ_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
	int year, month, day;
	int hour, min, sec;
	int tz_minutes;     /* offset east of UTC */
	bool has_time;
	int64_t key;        /* seconds since 1970 UTC, for sorting */
} gz_date;

/* Parse s; returns 0 or -1 if it is not YYYY-MM-DD / RFC 3339 or not a real
 * calendar date. Dates without a zone are taken as UTC+8 (China). */
int gz_date_parse(gz_date *out, const char *s);

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
