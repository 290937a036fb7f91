/* Time parsing and formatting: RFC 3339 with a required offset, durations. */
#include "conflictmap/timestamp.h"
#include "check.h"

static void
test_parse_valid(void)
{
    cm_time t = 0;
    CHECK(cm_time_parse("2020-10-09T15:15:00Z", &t) == NULL);
    CHECK_INT(t, 1602256500);
    CHECK(cm_time_parse("2020-10-09T19:15:00+04:00", &t) == NULL);
    CHECK_INT(t, 1602256500);
    CHECK(cm_time_parse("2020-10-09t11:15:00.250-04:00", &t) == NULL);
    CHECK_INT(t, 1602256500);
    CHECK(cm_time_parse("1970-01-01T00:00:00Z", &t) == NULL);
    CHECK_INT(t, 0);
    CHECK(cm_time_parse("1969-12-31T23:59:59Z", &t) == NULL);
    CHECK_INT(t, -1);
    CHECK(cm_time_parse("2020-02-29T00:00:00Z", &t) == NULL);
    CHECK_INT(t, 1582934400);
}

static void
test_parse_invalid(void)
{
    cm_time t = 42;
    CHECK_STR(cm_time_parse("2020-10-09T15:15:00", &t),
              "has no time zone; add \"Z\" for GMT or an offset such as \"+04:00\"");
    CHECK_STR(cm_time_parse("2021-02-29T00:00:00Z", &t), "is not a real date");
    CHECK_STR(cm_time_parse("2020-10-09T24:00:00Z", &t), "is not a real time of day");
    CHECK_STR(cm_time_parse("9 October 2020", &t),
              "is not a date and time such as \"2020-10-09T15:15:00Z\"");
    CHECK_STR(cm_time_parse("2020-10-09T15:15:00+4", &t),
              "has a zone offset that is not of the form +HH:MM");
    CHECK_STR(cm_time_parse("2020-10-09T15:15:00Zjunk", &t), "has text after the \"Z\"");
    CHECK_INT(t, 42);
}

static void
test_durations(void)
{
    int64_t s = 0;
    CHECK(cm_duration_parse("30m", &s) == NULL);
    CHECK_INT(s, 1800);
    CHECK(cm_duration_parse("1h30m", &s) == NULL);
    CHECK_INT(s, 5400);
    CHECK(cm_duration_parse("1d", &s) == NULL);
    CHECK_INT(s, 86400);
    CHECK(cm_duration_parse("0h", &s) != NULL);
    CHECK(cm_duration_parse("1w", &s) != NULL);
    CHECK(cm_duration_parse("", &s) != NULL);
    CHECK(cm_duration_parse("99999999999999999999h", &s) != NULL);
}

static void
test_format(void)
{
    char buf[CM_TIME_BUF];
    CHECK_STR(cm_time_format_iso(1602256500, buf), "2020-10-09T15:15:00Z");
    CHECK_STR(cm_time_format_stamp(1602256500, buf), "20201009T1515Z");
    CHECK_STR(cm_time_format_stamp(1602256530, buf), "20201009T151530Z");
    CHECK_STR(cm_time_format_human(1602256500, buf), "9 October 2020, 15:15 GMT");
    CHECK_STR(cm_time_format_clock(1602256500, buf), "15:15");
    CHECK_STR(cm_time_format_iso(-1, buf), "1969-12-31T23:59:59Z");
}

int
main(void)
{
    test_parse_valid();
    test_parse_invalid();
    test_durations();
    test_format();
    return check_result("test_timestamp");
}
