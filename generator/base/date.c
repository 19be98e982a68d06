#include "base/date.h"

#include <stdio.h>
#include <string.h>

#include "base/i18n.h"

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Up to max digits at s: their value in *out and how many, 0 if none. */
static size_t number(const char *s, size_t max, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < max && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	*out = v;
	return i;
}

static bool skip(const char **s, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*s, lit, n))
		return false;
	*s += n;
	return true;
}

/* Spaces between a date and its time: ASCII or the ideographic space a
 * Chinese input method types. */
static bool skip_spaces(const char **s)
{
	bool any = false;

	for (;;) {
		if (**s == ' ' || **s == '\t')
			(*s)++;
		else if (!skip(s, "\xe3\x80\x80"))
			return any;
		any = true;
	}
}

#define FAIL(why, at)                                                                             \
	do {                                                                                      \
		fail(e, &d, start, at, why);                                                      \
		return -1;                                                                        \
	} while (0)

static void fail(gz_date_error *e, const gz_date *d, const char *start, const char *at,
		 gz_date_reason why)
{
	const char *s;

	e->reason = why;
	e->offset = (size_t)(at - start);
	e->chars = 0;
	for (s = start; s < at; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			e->chars++;
	e->year = d->year;
	e->month = d->month;
	e->day = d->day;
}

/* H:MM, HH:MM:SS, with a fraction of a second and a zone (Z, +08:00) when
 * the seconds are there. */
static int parse_time(gz_date *dt, const char *start, const char **sp, gz_date_error *e)
{
	const char *s = *sp, *at = s;
	gz_date d = *dt;
	size_t n;

	n = number(s, 2, &d.hour);
	if (!n || s[n] != ':')
		FAIL(GZ_DATE_BAD_TIME, at);
	if (d.hour > 23)
		FAIL(GZ_DATE_BAD_TIME, at);
	s += n + 1;
	at = s;
	if (number(s, 2, &d.min) != 2 || d.min > 59)
		FAIL(GZ_DATE_BAD_TIME, at);
	s += 2;
	if (*s == ':') {
		at = ++s;
		if (number(s, 2, &d.sec) != 2 || d.sec > 60)
			FAIL(GZ_DATE_BAD_TIME, at);
		s += 2;
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
		}
		at = s;
		if (*s == 'Z' || *s == 'z') {
			d.tz_minutes = 0;
			s++;
		} else if (*s == '+' || *s == '-') {
			int h, m, sign = *s == '-' ? -1 : 1;
			if (number(s + 1, 2, &h) != 2 || s[3] != ':' || number(s + 4, 2, &m) != 2 ||
			    h > 23 || m > 59)
				FAIL(GZ_DATE_BAD_ZONE, at);
			d.tz_minutes = sign * (h * 60 + m);
			s += 6;
		}
	}
	d.has_time = true;
	*dt = d;
	*sp = s;
	return 0;
}

int gz_date_parse_at(gz_date *out, const char *s, gz_date_error *e)
{
	const char *start = s, *mpos, *dpos;
	gz_date_error ignored;
	gz_date d;
	size_t n;
	char sep;

	if (!e)
		e = &ignored;
	memset(e, 0, sizeof(*e));
	memset(&d, 0, sizeof(d));
	d.tz_minutes = 8 * 60;
	if (number(s, 4, &d.year) != 4 || (s[4] >= '0' && s[4] <= '9'))
		FAIL(GZ_DATE_BAD_FORM, s);
	if (d.year < 1900)
		FAIL(GZ_DATE_BAD_YEAR, s);
	s += 4;
	/* the separator after the year fixes the form: 2020-7-8, 2020/7/8 or
	 * 2020年7月8日 */
	if (*s == '-' || *s == '/')
		sep = *s++;
	else if (skip(&s, "年"))
		sep = 0;
	else
		FAIL(GZ_DATE_BAD_FORM, s);
	mpos = s;
	n = number(s, 2, &d.month);
	if (!n || (s[n] >= '0' && s[n] <= '9'))
		FAIL(GZ_DATE_BAD_FORM, s);
	s += n;
	if (sep ? *s != sep : !skip(&s, "月"))
		FAIL(GZ_DATE_BAD_FORM, s);
	if (sep)
		s++;
	dpos = s;
	n = number(s, 2, &d.day);
	if (!n || (s[n] >= '0' && s[n] <= '9'))
		FAIL(GZ_DATE_BAD_FORM, s);
	s += n;
	if (!sep) {
		if (!skip(&s, "日"))
			skip(&s, "号");
	}
	if (d.month < 1 || d.month > 12)
		FAIL(GZ_DATE_BAD_MONTH, mpos);
	if (d.day < 1 || d.day > days_in_month(d.year, d.month))
		FAIL(GZ_DATE_BAD_DAY, dpos);
	if (*s == 'T' || *s == 't') {
		s++;
		if (parse_time(&d, start, &s, e) < 0)
			return -1;
	} else if (*s) {
		/* 2020年7月8日9:30 needs no space; 2020-7-8 9:30 does */
		bool spaced = skip_spaces(&s);
		if (*s && !spaced && (sep || *s < '0' || *s > '9'))
			FAIL(GZ_DATE_BAD_FORM, s);
		if (*s && parse_time(&d, start, &s, e) < 0)
			return -1;
	}
	if (*s)
		FAIL(d.has_time ? GZ_DATE_BAD_TIME : GZ_DATE_BAD_FORM, s);
	d.key = days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600 + d.min * 60 +
		d.sec - d.tz_minutes * 60;
	*out = d;
	return 0;
}

#undef FAIL

int gz_date_parse(gz_date *out, const char *s)
{
	return gz_date_parse_at(out, s, NULL);
}

/*
 * A date is written for every page each list shows, tens of times a page:
 * the digits are put in place by hand, as snprintf would put them, rather
 * than by parsing a format each time. Numbers these forms do not expect
 * (a year past 9999) go through snprintf.
 */
static char *put_digits(char *p, int v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

static bool ymd_fits(int year, int month, int day)
{
	return year >= 0 && year <= 9999 && month >= 0 && month <= 99 && day >= 0 && day <= 99;
}

static void ymd_into(char *p, int year, int month, int day)
{
	p = put_digits(p, year, 4);
	*p++ = '-';
	p = put_digits(p, month, 2);
	*p++ = '-';
	p = put_digits(p, day, 2);
	*p = '\0';
}

void gz_date_ymd(char *out, const gz_date *d)
{
	char tmp[64];

	if (ymd_fits(d->year, d->month, d->day)) {
		ymd_into(out, d->year, d->month, d->day);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", d->year, d->month, d->day);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

void gz_date_rfc3339(char *out, const gz_date *d)
{
	int tz = d->tz_minutes < 0 ? -d->tz_minutes : d->tz_minutes;
	char tmp[96], *p = out;

	if (ymd_fits(d->year, d->month, d->day) && ymd_fits(0, d->hour, d->min) &&
	    ymd_fits(0, d->sec, tz / 60)) {
		ymd_into(p, d->year, d->month, d->day);
		p += 10;
		*p++ = 'T';
		p = put_digits(p, d->hour, 2);
		*p++ = ':';
		p = put_digits(p, d->min, 2);
		*p++ = ':';
		p = put_digits(p, d->sec, 2);
		*p++ = d->tz_minutes < 0 ? '-' : '+';
		p = put_digits(p, tz / 60, 2);
		*p++ = ':';
		p = put_digits(p, tz % 60, 2);
		*p = '\0';
		return;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d->year, d->month,
		 d->day, d->hour, d->min, d->sec, d->tz_minutes < 0 ? '-' : '+', tz / 60, tz % 60);
	memcpy(out, tmp, 25);
	out[25] = '\0';
}

/* v (0 or more) in as few digits as it takes, as %d writes it */
static char *put_number(char *p, int v)
{
	int n = 1, t;

	for (t = v; t >= 10; t /= 10)
		n++;
	return put_digits(p, v, n);
}

void gz_date_zh(char *out, const gz_date *d)
{
	char *p = out;

	if (!ymd_fits(d->year, d->month, d->day)) {
		snprintf(out, GZ_DATE_ZH_SIZE, "%d年%d月%d日", d->year, d->month, d->day);
		return;
	}
	p = put_number(p, d->year);
	memcpy(p, "年", 3);
	p = put_number(p + 3, d->month);
	memcpy(p, "月", 3);
	p = put_number(p + 3, d->day);
	memcpy(p, "日", 4);
}

void gz_date_from_time(char *out, int64_t t, int tz_minutes)
{
	/* Howard Hinnant's civil_from_days */
	int64_t z = (t + (int64_t)tz_minutes * 60), days, era, doe, yoe, y, doy, mp, dd, m;
	char tmp[64];

	days = z >= 0 ? z / 86400 : (z - 86399) / 86400;
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (ymd_fits((int)y, (int)m, (int)dd)) {
		ymd_into(out, (int)y, (int)m, (int)dd);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (int)y, (int)m, (int)dd);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

void gz_date_explain(gz_buf *out, const char *key, const char *s, const gz_date_error *e)
{
	/* every message ends with the forms, so the editor can copy one */
	switch (e->reason) {
	case GZ_DATE_BAD_YEAR:
		gz_buf_printf(out, _("%s '%s' is before 1900; write dates as 2020-07-08, 2020-7-8, "
				     "2020/7/8, 2020年7月8日 or 2020年7月8日 9:30"),
			      key, s);
		break;
	case GZ_DATE_BAD_MONTH:
		gz_buf_printf(out, _("%s '%s' has no month %d; write dates as 2020-07-08, 2020-7-8, "
				     "2020/7/8, 2020年7月8日 or 2020年7月8日 9:30"),
			      key, s, e->month);
		break;
	case GZ_DATE_BAD_DAY:
		gz_buf_printf(out, _("%s '%s' has no day %d: month %d of %d has %d days; write dates "
				     "as 2020-07-08, 2020-7-8, 2020/7/8, 2020年7月8日 or 2020年7月8日 9:30"),
			      key, s, e->day, e->month, e->year, days_in_month(e->year, e->month));
		break;
	case GZ_DATE_BAD_TIME:
		gz_buf_printf(out, _("%s '%s' has a time that is not H:MM or HH:MM:SS; write dates "
				     "as 2020-07-08, 2020-7-8, 2020/7/8, 2020年7月8日 or 2020年7月8日 9:30"),
			      key, s);
		break;
	case GZ_DATE_BAD_ZONE:
		gz_buf_printf(out, _("%s '%s' has a time zone that is not Z or +HH:MM (e.g. +08:00)"),
			      key, s);
		break;
	default:
		gz_buf_printf(out, _("%s '%s' is not a date; write dates as 2020-07-08, 2020-7-8, "
				     "2020/7/8, 2020年7月8日 or 2020年7月8日 9:30"),
			      key, s);
		break;
	}
}
