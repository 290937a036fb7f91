/* An event's "time" and "end": RFC 3339 with its zone, or as a desk types it
 * ("2020-10-09 08:00", "09/10/2020 07:25") when the file says which zone and
 * date order such times are in ("timezone", "date_order", the command's
 * --timezone and --date-order, or a CSV column headed "Time (GMT)"). The
 * forms and the zone's offsets are common/zone.h's; the words are here. */
#include "load/events_load.h"

#include <stdio.h>
#include <string.h>

/* Where a file declares its times' zone and order, for the hints. */
static const char *
settings_place(const loader *ld)
{
    return ld->is_csv ? ld->ev->settings_path : "the file, beside \"events\"";
}

static void
format_offset(int offset_s, char buf[8])
{
    int a = offset_s < 0 ? -offset_s : offset_s;
    snprintf(buf, 8, "%c%02d:%02d", offset_s < 0 ? '-' : '+', a / 3600 % 100, a / 60 % 60);
}

/* "2020-10-25T01:30:00+01:00": a wall-clock reading with its offset. */
static void
format_with_offset(cm_time local, int offset_s, char buf[CM_TIME_BUF])
{
    char off[8];
    cm_time_format_iso(local, buf);
    format_offset(offset_s, off);
    snprintf(buf + strlen(buf) - 1, 8, "%s", off);
}

/* A slashed date in a file that does not say whether the day comes first. */
static void
report_order(loader *ld, cm_pos pos, const char *key, const char *text, const cm_desk_time *d)
{
    char dmy[CM_TIME_BUF] = "", mdy[CM_TIME_BUF] = "";
    if (d->dmy_ok)   /* each reading said only when it is a date */
        cm_time_format_date(d->year, d->second, d->first, dmy);
    if (d->mdy_ok)
        cm_time_format_date(d->year, d->first, d->second, mdy);
    if (!d->dmy_ok && !d->mdy_ok)
        error_at(ld, pos, "%s \"%s\" is not a real date, with the day first or the month "
                 "first", key, text);
    else if (d->dmy_ok && d->mdy_ok && d->first != d->second)
        error_at(ld, pos, "%s \"%s\" could be %s (day first) or %s (month first); say which "
                 "with \"date_order\": \"DMY\" or \"MDY\" in %s, or with --date-order", key,
                 text, dmy, mdy, settings_place(ld));
    else {
        const char *order = d->dmy_ok ? "DMY" : "MDY";
        error_at(ld, pos, "%s \"%s\" can only be %s, but the file does not say whether its "
                 "dates give the day or the month first; add \"date_order\": \"%s\" to %s, "
                 "or pass --date-order %s, so that a date such as 09/10/2020 is read the "
                 "same way", key, text, d->dmy_ok ? dmy : mdy, order, settings_place(ld),
                 order);
    }
}

/* The moment a wall-clock reading in the file's zone stands for. */
static int
in_zone(loader *ld, cm_pos pos, const char *key, const char *text, cm_time local,
        cm_time *out)
{
    cm_time later = 0;
    int offset_s = 0, later_offset_s = 0;
    int n = cm_zone_to_utc(ld->zone, local, out, &offset_s, &later, &later_offset_s);
    char a[8], b[8], first[CM_TIME_BUF];
    format_offset(offset_s, a);
    format_offset(later_offset_s, b);
    if (n == 0)
        error_at(ld, pos, "%s \"%s\" never happened in %s: the clocks went forward from "
                 "%s to %s then; check the time, or write it with its offset", key, text,
                 cm_zone_name(ld->zone), a, b);
    else if (n == 2) {
        format_with_offset(local, offset_s, first);
        error_at(ld, pos, "%s \"%s\" happened twice in %s, at %s and again at %s when the "
                 "clocks went back; write it with its offset, such as \"%s\" for the first",
                 key, text, cm_zone_name(ld->zone), a, b, first);
    }
    return n == 1;
}

int
cm_events_take_time(loader *ld, const char *key, const char *text, cm_pos pos, cm_time *out)
{
    const char *why = cm_time_parse(text, out);
    cm_desk_time d;
    if (!why)
        return 1;
    const char *desk_why = cm_time_parse_desk(text, ld->date_order, &d);
    int is_utc_column = ld->utc_keys & (strcmp(key, "end") == 0 ? UTC_END : UTC_TIME);
    if (desk_why) {
        error_at(ld, pos, "%s \"%s\" %s", key, text, desk_why);
        return 0;
    }
    if (d.has_offset) {
        *out = d.local - d.offset_s;
        return 1;
    }
    if (!ld->zone && !is_utc_column && ld->zone_is_bad)
        return 0;   /* the zone named was reported; one message says it */
    if (!ld->zone && !is_utc_column) {
        if (!strncmp(why, "has no time zone", 16))   /* RFC 3339 but for the zone */
            error_at(ld, pos, "%s \"%s\" %s", key, text, why);
        else
            error_at(ld, pos, "%s \"%s\" has no time zone; say which zone the file's times "
                     "are in with \"timezone\" (such as \"UTC\", \"+04:00\" or \"Asia/Baku\") "
                     "in %s, or with --timezone", key, text, settings_place(ld));
        return 0;
    }
    if (d.is_slashed && ld->date_order == CM_DATE_UNSET && ld->order_is_bad)
        return 0;
    if (d.is_slashed && ld->date_order == CM_DATE_UNSET) {
        report_order(ld, pos, key, text, &d);
        return 0;
    }
    if (is_utc_column) {
        *out = d.local;
        return 1;
    }
    return in_zone(ld, pos, key, text, d.local, out);
}

/* ---- the file's "timezone" and "date_order", and the command's ------------------- */

void
cm_events_set_zone(loader *ld, const char *name, cm_pos pos, int is_option)
{
    cm_zone *zone = NULL;
    const char *why = cm_zone_create(&zone, name);
    if (why && !strcmp(why, "out of memory")) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    if (why) {
        ld->zone_is_bad = 1;
        error_at(ld, pos, is_option ? "--timezone \"%s\" %s" : "\"timezone\" \"%s\" %s", name,
                 why);
        return;
    }
    if (ld->zone_is_option) {   /* the command's wins over the file's */
        cm_zone_destroy(zone);
        return;
    }
    cm_zone_destroy(ld->zone);
    ld->zone = zone;
    ld->zone_is_option = is_option;
}

void
cm_events_set_date_order(loader *ld, const char *text, cm_pos pos, int is_option)
{
    cm_date_order order;
    if (cm_date_order_parse(text, &order) != 0) {
        ld->order_is_bad = 1;
        error_at(ld, pos, is_option ? "--date-order \"%s\" should be DMY (day first, "
                 "09/10/2020 is 9 October) or MDY (month first, 10 September)"
                 : "\"date_order\" \"%s\" should be \"DMY\" (day first, 09/10/2020 is 9 "
                 "October) or \"MDY\" (month first, 10 September)", text);
        return;
    }
    if (!ld->order_is_option)
        ld->date_order = order;
    ld->order_is_option |= is_option;
}
