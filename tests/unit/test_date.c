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
	CHECK(gz_date_parse(&d, "2019-6-8") < 0);
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

void suite_date(void)
{
	gz_test_run("parse_dates", parse_dates);
	gz_test_run("chinese_dates", chinese_dates);
}
