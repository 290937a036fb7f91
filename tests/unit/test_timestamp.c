/* Time parsing and formatting: RFC 3339 with a required offset, durations;
 * times as desks type them and the zones that make them moments. */
#include "conflictmap/timestamp.h"
#include "common/zone.h"
#include "check.h"

#include <stdlib.h>

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

/* The wall clock read as if it were UTC, for the zone tests. */
static cm_time
wall(const char *text)
{
    cm_desk_time d;
    const char *why = cm_time_parse_desk(text, CM_DATE_DMY, &d);
    CHECK(why == NULL);
    return d.local;
}

static void
test_desk_forms(void)
{
    cm_desk_time d;
    CHECK(cm_time_parse_desk("2020-10-09 08:00", CM_DATE_UNSET, &d) == NULL);
    CHECK_INT(d.local, 1602230400);
    CHECK_INT(d.has_offset, 0);
    CHECK(cm_time_parse_desk("2020-10-09T08:00:30", CM_DATE_UNSET, &d) == NULL);
    CHECK_INT(d.local, 1602230430);
    CHECK(cm_time_parse_desk("09/10/2020 07:25", CM_DATE_DMY, &d) == NULL);
    CHECK_INT(d.local, 1602228300);   /* 9 October */
    CHECK(cm_time_parse_desk("09/10/2020 07:25", CM_DATE_MDY, &d) == NULL);
    CHECK_INT(d.local, 1599722700);   /* 10 September */
    CHECK(cm_time_parse_desk("9.10.2020 7:25", CM_DATE_DMY, &d) == NULL);
    CHECK_INT(d.local, 1602228300);
    CHECK(cm_time_parse_desk("2020-10-09 08:00+04:00", CM_DATE_UNSET, &d) == NULL);
    CHECK_INT(d.has_offset, 1);
    CHECK_INT(d.offset_s, 14400);
    CHECK(cm_time_parse_desk("09/10/2020 07:25 GMT", CM_DATE_DMY, &d) == NULL);
    CHECK_INT(d.has_offset, 1);
    CHECK_INT(d.offset_s, 0);
    /* Without an order, a slashed date gives both readings to the caller. */
    CHECK(cm_time_parse_desk("09/10/2020 07:25", CM_DATE_UNSET, &d) == NULL);
    CHECK_INT(d.is_slashed, 1);
    CHECK_INT(d.dmy_ok && d.mdy_ok, 1);
    CHECK(cm_time_parse_desk("25/10/2020 07:25", CM_DATE_UNSET, &d) == NULL);
    CHECK_INT(d.dmy_ok, 1);
    CHECK_INT(d.mdy_ok, 0);
    CHECK_STR(cm_time_parse_desk("25/10/2020 07:25", CM_DATE_MDY, &d),
              "is not a real date with the month first (the file's date order is MDY)");
    CHECK_STR(cm_time_parse_desk("2020-10-09", CM_DATE_UNSET, &d),
              "has no time of day such as 08:00 after its date");
    CHECK_STR(cm_time_parse_desk("2020-10-09 25:00", CM_DATE_UNSET, &d),
              "is not a real time of day");
    CHECK_STR(cm_time_parse_desk("9 October 2020", CM_DATE_DMY, &d),
              "is not a date and time such as \"2020-10-09T15:15:00Z\"");
}

/* Europe/London went from GMT to BST at 01:00 GMT on 29 March 2020, and
 * back at 01:00 GMT on 25 October: 01:30 did not happen in March and
 * happened twice in October. */
static void
test_zone_london(void)
{
    cm_zone *z = NULL;
    cm_time t = 0, later = 0;
    int off = 0, later_off = 0;
    CHECK(cm_zone_create(&z, "Europe/London") == NULL);
    if (!z)
        return;
    CHECK_INT(cm_zone_to_utc(z, wall("29/03/2020 00:59"), &t, &off, &later, &later_off), 1);
    CHECK_INT(t, 1585443540);   /* 00:59Z */
    CHECK_INT(off, 0);
    CHECK_INT(cm_zone_to_utc(z, wall("29/03/2020 01:30"), &t, &off, &later, &later_off), 0);
    CHECK_INT(off, 0);
    CHECK_INT(later_off, 3600);
    CHECK_INT(cm_zone_to_utc(z, wall("29/03/2020 02:00"), &t, &off, &later, &later_off), 1);
    CHECK_INT(t, 1585443600);   /* 01:00Z */
    CHECK_INT(off, 3600);
    CHECK_INT(cm_zone_to_utc(z, wall("25/10/2020 01:30"), &t, &off, &later, &later_off), 2);
    CHECK_INT(t, 1603585800);   /* 00:30Z, BST */
    CHECK_INT(later, 1603589400);   /* 01:30Z, GMT */
    CHECK_INT(cm_zone_to_utc(z, wall("09/10/2020 16:15"), &t, &off, &later, &later_off), 1);
    CHECK_INT(t, 1602256500);
    cm_zone_destroy(z);
}

static void
test_zones(void)
{
    cm_zone *z = NULL;
    cm_time t = 0, later = 0;
    int off = 0, later_off = 0;
    CHECK(cm_zone_create(&z, "Asia/Baku") == NULL);
    CHECK_INT(z && cm_zone_to_utc(z, wall("09/10/2020 19:15"), &t, &off, &later, &later_off),
              1);
    CHECK_INT(t, 1602256500);
    cm_zone_destroy(z);
    CHECK(cm_zone_create(&z, "+03:30") == NULL);
    CHECK_INT(z && cm_zone_to_utc(z, wall("09/10/2020 18:45"), &t, &off, &later, &later_off),
              1);
    CHECK_INT(t, 1602256500);
    cm_zone_destroy(z);
    CHECK(cm_zone_create(&z, "GMT") == NULL);
    cm_zone_destroy(z);
    CHECK_STR(cm_zone_create(&z, "Asia/Bakuu"), "is not a time zone this system knows; give "
              "\"UTC\", an offset such as \"+04:00\", or a zone name such as \"Asia/Baku\"");
    CHECK(z == NULL);
    CHECK(cm_zone_create(&z, "Asia") != NULL);           /* a folder */
    CHECK(cm_zone_create(&z, "../../etc/passwd") != NULL);
    CHECK(cm_zone_create(&z, "zone.tab") != NULL);       /* not a zone file */
    CHECK_STR(cm_zone_create(&z, "+4"), "is not an offset of the form +HH:MM");
    /* TZ is the process's: building a zone leaves it as it was. */
    setenv("TZ", "America/New_York", 1);
    CHECK(cm_zone_create(&z, "Asia/Tokyo") == NULL);
    cm_zone_destroy(z);
    CHECK_STR(getenv("TZ"), "America/New_York");
    unsetenv("TZ");
}

int
main(void)
{
    test_desk_forms();
    test_zone_london();
    test_zones();
    test_parse_valid();
    test_parse_invalid();
    test_durations();
    test_format();
    return check_result("test_timestamp");
}
