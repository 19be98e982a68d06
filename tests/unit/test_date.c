#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "test.h"

static void parse_dates(void)
{
	gz_date d, e;
	char buf[32];

	CHECK(gz_date_parse(&d, "2019-06-08") == 0);
	CHECK_INT(d.year, 2019);
	CHECK_INT(d.month, 6);
	CHECK_INT(d.day, 8);
	gz_date_ymd(buf, &d);
	CHECK_STR(buf, "2019-06-08");
	gz_date_rfc3339(buf, &d);
	CHECK_STR(buf, "2019-06-08T00:00:00+08:00");

	CHECK(gz_date_parse(&e, "2019-06-08T09:30:00Z") == 0);
	CHECK(e.has_time);
	CHECK_INT(e.tz_minutes, 0);
	CHECK(e.key > d.key);
	CHECK(gz_date_parse(&e, "2019-06-08T09:30:00.123+08:00") == 0);
	CHECK_INT(e.key - d.key, 9 * 3600 + 30 * 60);

	CHECK(gz_date_parse(&d, "yesterday") < 0);
	CHECK(gz_date_parse(&d, "2019-02-29") < 0);
	CHECK(gz_date_parse(&d, "2020-02-29") == 0);
	CHECK(gz_date_parse(&d, "2019-13-01") < 0);
	CHECK(gz_date_parse(&d, "2019-6-8") == 0);
	CHECK(gz_date_parse(&d, "2019-06-08T25:00:00Z") < 0);
	CHECK(gz_date_parse(&d, "2019-06-08junk") < 0);
}

static void chinese_dates(void)
{
	gz_date d;
	char buf[GZ_DATE_ZH_SIZE];

	CHECK(gz_date_parse(&d, "2019-06-08") == 0);
	gz_date_zh(buf, &d);
	CHECK_STR(buf, "2019年6月8日");
	CHECK(gz_date_parse(&d, "2019-12-31T23:59:59+08:00") == 0);
	gz_date_zh(buf, &d);
	CHECK_STR(buf, "2019年12月31日");
	/* the widest date the parser accepts still fits */
	d.year = 9999;
	gz_date_zh(buf, &d);
	CHECK_STR(buf, "9999年12月31日");
}

/* Every form an editor types is the same day (and the same moment). */
static void editor_forms(void)
{
	static const char *const day[] = {
		"2020-07-08", "2020-7-8", "2020/7/8", "2020/07/08", "2020年7月8日", "2020年07月08日",
		"2020年7月8号", "2020年7月8日 ", "2020-07-08T00:00:00+08:00",
	};
	static const char *const at930[] = {
		"2020年7月8日 9:30", "2020年7月8日9:30", "2020年7月8日　9:30",
		"2020-7-8 9:30", "2020/7/8 09:30", "2020-07-08T09:30:00+08:00", "2020-07-08 09:30:00",
		"2020-07-08T01:30:00Z",
	};
	gz_date ref, d;
	char buf[32];
	size_t i;

	CHECK(gz_date_parse(&ref, "2020-07-08") == 0);
	for (i = 0; i < sizeof(day) / sizeof(*day); i++) {
		if (gz_date_parse(&d, day[i]) < 0) {
			CHECK(!day[i]);
			continue;
		}
		CHECK_INT(d.year, 2020);
		CHECK_INT(d.month, 7);
		CHECK_INT(d.day, 8);
		CHECK(d.key == ref.key);
		gz_date_ymd(buf, &d);
		CHECK_STR(buf, "2020-07-08");
	}
	for (i = 0; i < sizeof(at930) / sizeof(*at930); i++) {
		if (gz_date_parse(&d, at930[i]) < 0) {
			CHECK(!at930[i]);
			continue;
		}
		CHECK(d.has_time);
		CHECK_INT(d.key - ref.key, 9 * 3600 + 30 * 60);
		gz_date_ymd(buf, &d);
		CHECK_STR(buf, "2020-07-08");
	}
	CHECK(gz_date_parse(&d, "2020年7月8日 9:30") == 0);
	CHECK_INT(d.hour, 9);
	CHECK_INT(d.min, 30);
	CHECK_INT(d.tz_minutes, 8 * 60);
}

/* A bad date says what is wrong and where, in characters from its start. */
static void bad_dates(void)
{
	static const struct {
		const char *s;
		gz_date_reason why;
		size_t chars;
	} bad[] = {
		{"2020-13-01", GZ_DATE_BAD_MONTH, 5},
		{"2020年13月1日", GZ_DATE_BAD_MONTH, 5},
		{"2020/0/1", GZ_DATE_BAD_MONTH, 5},
		{"2020-07-32", GZ_DATE_BAD_DAY, 8},
		{"2020年7月32日", GZ_DATE_BAD_DAY, 7},
		{"2019年2月30日", GZ_DATE_BAD_DAY, 7},
		{"2019-02-29", GZ_DATE_BAD_DAY, 8},
		{"2020/2/0", GZ_DATE_BAD_DAY, 7},
		{"yesterday", GZ_DATE_BAD_FORM, 0},
		{"昨天", GZ_DATE_BAD_FORM, 0},
		{"20-7-8", GZ_DATE_BAD_FORM, 0},
		{"1899-12-31", GZ_DATE_BAD_YEAR, 0},
		{"2020.7.8", GZ_DATE_BAD_FORM, 4},
		{"2020-7/8", GZ_DATE_BAD_FORM, 6},
		{"2020年7-8", GZ_DATE_BAD_FORM, 6},
		{"2020-07-08junk", GZ_DATE_BAD_FORM, 10},
		{"2020年7月8日上午", GZ_DATE_BAD_FORM, 9},
		{"2020-123-1", GZ_DATE_BAD_FORM, 5},
		{"2020-07-08T25:00:00Z", GZ_DATE_BAD_TIME, 11},
		{"2020年7月8日 9:61", GZ_DATE_BAD_TIME, 12},
		{"2020-7-8 9点", GZ_DATE_BAD_TIME, 9},
		{"2020-07-08T09:30:00+25:00", GZ_DATE_BAD_ZONE, 19},
		{"", GZ_DATE_BAD_FORM, 0},
	};
	gz_date d;
	gz_date_error e;
	gz_buf msg = GZ_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		memset(&e, 0xff, sizeof(e));
		CHECK(gz_date_parse_at(&d, bad[i].s, &e) < 0);
		if (e.reason != bad[i].why || e.chars != bad[i].chars)
			fprintf(stderr, "  %s: reason %d at %zu\n", bad[i].s, (int)e.reason, e.chars);
		CHECK_INT(e.reason, bad[i].why);
		CHECK_INT(e.chars, bad[i].chars);
	}
	/* the message names the fault and the forms to copy */
	CHECK(gz_date_parse_at(&d, "2019年2月30日", &e) < 0);
	gz_date_explain(&msg, "date", "2019年2月30日", &e);
	CHECK(strstr(msg.ptr, "no day 30: month 2 of 2019 has 28 days") != NULL);
	CHECK(strstr(msg.ptr, "2020年7月8日 9:30") != NULL);
	gz_buf_clear(&msg);
	CHECK(gz_date_parse_at(&d, "2020-13-01", &e) < 0);
	gz_date_explain(&msg, "date", "2020-13-01", &e);
	CHECK_STR(msg.ptr, "date '2020-13-01' has no month 13; write dates as 2020-07-08, 2020-7-8, "
			   "2020/7/8, 2020年7月8日 or 2020年7月8日 9:30");
	gz_buf_release(&msg);
}

/* The writers put digits in place by hand: what they write is what
 * snprintf writes for the same date, in and out of the ranges they expect. */
static void written_as_printf(void)
{
	static const int years[] = {1900, 1999, 2024, 9999, 10000, 123456};
	static const int tzs[] = {0, 480, -300, 345, -720};
	char got[96], want[96];
	size_t i, k;
	gz_date d;

	memset(&d, 0, sizeof(d));
	for (i = 0; i < sizeof(years) / sizeof(*years); i++) {
		for (k = 0; k < sizeof(tzs) / sizeof(*tzs); k++) {
			int tz = tzs[k] < 0 ? -tzs[k] : tzs[k];
			d.year = years[i];
			d.month = (int)(1 + (i * 5 + k) % 12);
			d.day = (int)(1 + (i * 7 + k * 3) % 31);
			d.hour = (int)(k * 5 % 24);
			d.min = (int)(i * 13 % 60);
			d.sec = (int)(k * 17 % 60);
			d.tz_minutes = tzs[k];
			gz_date_ymd(got, &d);
			snprintf(want, sizeof(want), "%04d-%02d-%02d", d.year, d.month, d.day);
			want[10] = '\0';
			CHECK_STR(got, want);
			gz_date_rfc3339(got, &d);
			snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d.year,
				 d.month, d.day, d.hour, d.min, d.sec, tzs[k] < 0 ? '-' : '+', tz / 60,
				 tz % 60);
			want[25] = '\0';
			CHECK_STR(got, want);
			if (d.year <= 9999) {
				gz_date_zh(got, &d);
				snprintf(want, sizeof(want), "%d年%d月%d日", d.year, d.month, d.day);
				CHECK_STR(got, want);
			}
		}
	}
	gz_date_from_time(got, 0, 0);
	CHECK_STR(got, "1970-01-01");
	gz_date_from_time(got, 1561939200, 480);
	CHECK_STR(got, "2019-07-01");
}

void suite_date(void)
{
	gz_test_run("parse_dates", parse_dates);
	gz_test_run("chinese_dates", chinese_dates);
	gz_test_run("editor_forms", editor_forms);
	gz_test_run("bad_dates", bad_dates);
	gz_test_run("written_as_printf", written_as_printf);
}
