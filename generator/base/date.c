#include "base/date.h"

#include <stdio.h>
#include <string.h>

static int digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

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

int gz_date_parse(gz_date *out, const char *s)
{
	gz_date d;
	size_t len = strlen(s);

	memset(&d, 0, sizeof(d));
	d.tz_minutes = 8 * 60;
	if (len < 10 || digits(s, 4, &d.year) || s[4] != '-' || digits(s + 5, 2, &d.month) ||
	    s[7] != '-' || digits(s + 8, 2, &d.day))
		return -1;
	if (d.year < 1900 || d.month < 1 || d.month > 12 || d.day < 1 ||
	    d.day > days_in_month(d.year, d.month))
		return -1;
	s += 10;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		if (strlen(s) < 9 || digits(s + 1, 2, &d.hour) || s[3] != ':' ||
		    digits(s + 4, 2, &d.min) || s[6] != ':' || digits(s + 7, 2, &d.sec))
			return -1;
		if (d.hour > 23 || d.min > 59 || d.sec > 60)
			return -1;
		d.has_time = true;
		s += 9;
		if (*s == '.') {
			s++;
			while (*s >= '0' && *s <= '9')
				s++;
		}
		if (*s == 'Z' || *s == 'z') {
			d.tz_minutes = 0;
			s++;
		} else if (*s == '+' || *s == '-') {
			int h, m, sign = *s == '-' ? -1 : 1;
			if (strlen(s) < 6 || digits(s + 1, 2, &h) || s[3] != ':' || digits(s + 4, 2, &m) ||
			    h > 23 || m > 59)
				return -1;
			d.tz_minutes = sign * (h * 60 + m);
			s += 6;
		}
	}
	if (*s)
		return -1;
	d.key = days_from_civil(d.year, d.month, d.day) * 86400 + d.hour * 3600 + d.min * 60 +
		d.sec - d.tz_minutes * 60;
	*out = d;
	return 0;
}

void gz_date_ymd(char *out, const gz_date *d)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", d->year, d->month, d->day);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

void gz_date_rfc3339(char *out, const gz_date *d)
{
	int tz = d->tz_minutes < 0 ? -d->tz_minutes : d->tz_minutes;
	char tmp[96];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d->year, d->month,
		 d->day, d->hour, d->min, d->sec, d->tz_minutes < 0 ? '-' : '+', tz / 60, tz % 60);
	memcpy(out, tmp, 25);
	out[25] = '\0';
}

void gz_date_zh(char *out, const gz_date *d)
{
	snprintf(out, GZ_DATE_ZH_SIZE, "%d年%d月%d日", d->year, d->month, d->day);
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
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (int)y, (int)m, (int)dd);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}
