/* RFC 3339 parsing and the formats conflictmap writes times in. Calendar
 * arithmetic is done by hand (days from civil) so no time zone database or
 * locale can change a result. */
#include "conflictmap/timestamp.h"
#include "common/zone.h"

#include <stdio.h>
#include <string.h>

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"
};

static int
is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly @n digits; returns -1 when they are not all digits. */
static int
digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static const char *
parse_offset(const char *p, int *offset_s)
{
    if (*p == 'Z' || *p == 'z') {
        *offset_s = 0;
        return p[1] ? "has text after the \"Z\"" : NULL;
    }
    if (*p == '\0')
        return "has no time zone; add \"Z\" for GMT or an offset such as \"+04:00\"";
    if (*p != '+' && *p != '-')
        return "has no valid time zone; end it with \"Z\" for GMT or an offset such as \"+04:00\"";
    if (strlen(p) != 6 || p[3] != ':')
        return "has a zone offset that is not of the form +HH:MM";
    int hh = digits(p + 1, 2), mm = digits(p + 4, 2);
    if (hh < 0 || mm < 0)
        return "has a zone offset that is not of the form +HH:MM";
    if (hh > 23 || mm > 59)
        return "has a zone offset out of range";
    *offset_s = (p[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return NULL;
}

const char *
cm_time_parse(const char *text, cm_time *out)
{
    const char *s = text;
    if (!s || strlen(s) < 19)
        return "is not a date and time such as \"2020-10-09T15:15:00Z\"";
    int year = digits(s, 4), mon = digits(s + 5, 2), day = digits(s + 8, 2);
    int hh = digits(s + 11, 2), mm = digits(s + 14, 2), ss = digits(s + 17, 2);
    if (year < 0 || mon < 0 || day < 0 || hh < 0 || mm < 0 || ss < 0 || s[4] != '-' ||
        s[7] != '-' || s[13] != ':' || s[16] != ':' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return "is not a date and time such as \"2020-10-09T15:15:00Z\"";
    if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon))
        return "is not a real date";
    if (hh > 23 || mm > 59 || ss > 59)
        return "is not a real time of day";
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return "has a decimal point with no fraction of a second after it";
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int offset_s = 0;
    const char *why = parse_offset(p, &offset_s);
    if (why)
        return why;
    *out = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss - offset_s;
    return NULL;
}

/* Reads 1 or 2 digits; returns -1 when there is none, and moves *p past them. */
static int
short_number(const char **p)
{
    int v = -1, n = 0;
    while (n < 2 && **p >= '0' && **p <= '9') {
        v = (v < 0 ? 0 : v * 10) + (*(*p)++ - '0');
        n++;
    }
    return v;
}

/* "07:25", "7:25" or "07:25:30" (a fraction of a second is dropped). */
static const char *
desk_clock(const char **p, int *hh, int *mm, int *ss)
{
    static const char *const bad = "has no time of day such as 08:00 after its date";
    *hh = short_number(p);
    if (*hh < 0 || **p != ':')
        return bad;
    (*p)++;
    *mm = digits(*p, 2);
    if (*mm < 0)
        return bad;
    *p += 2;
    *ss = 0;
    if (**p == ':') {
        if ((*ss = digits(*p + 1, 2)) < 0)
            return bad;
        *p += 3;
        if (**p == '.')
            for ((*p)++; **p >= '0' && **p <= '9';)
                (*p)++;
    }
    return *hh > 23 || *mm > 59 || *ss > 59 ? "is not a real time of day" : NULL;
}

/* "09/10/2020" (or with "." or "-"): two numbers of one or two digits, then
 * the year's four; which is the day is the file's date order. */
static int
desk_slashed(const char **p, cm_desk_time *out)
{
    const char *s = *p;
    int a = short_number(&s);
    char sep = *s;
    if (a < 0 || (sep != '/' && sep != '.' && sep != '-'))
        return 0;
    s++;
    int b = short_number(&s);
    if (b < 0 || *s != sep || digits(s + 1, 4) < 0)
        return 0;
    out->is_slashed = 1;
    out->first = a;
    out->second = b;
    out->year = digits(s + 1, 4);
    out->dmy_ok = b >= 1 && b <= 12 && a >= 1 && a <= days_in_month(out->year, b);
    out->mdy_ok = a >= 1 && a <= 12 && b >= 1 && b <= days_in_month(out->year, a);
    *p = s + 5;
    return 1;
}

const char *
cm_time_parse_desk(const char *text, cm_date_order order, cm_desk_time *out)
{
    static const char *const bad = "is not a date and time such as \"2020-10-09T15:15:00Z\"";
    const char *p = text;
    int year, mon, day, hh, mm, ss;
    memset(out, 0, sizeof(*out));
    if (!p)
        return bad;
    if (digits(p, 4) >= 0 && p[4] == '-') {   /* 2020-10-09 */
        /* each part read only once the text is known to reach it (fuzz_csv
         * read past the end of "2020-97") */
        year = digits(p, 4), mon = digits(p + 5, 2);
        if (mon < 0 || p[7] != '-' || (day = digits(p + 8, 2)) < 0)
            return bad;
        if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon))
            return "is not a real date";
        p += 10;
    } else if (desk_slashed(&p, out)) {
        year = out->year;
        if (order == CM_DATE_UNSET)
            return NULL;   /* the caller says which readings there are */
        if (!(order == CM_DATE_DMY ? out->dmy_ok : out->mdy_ok))
            return order == CM_DATE_DMY ? "is not a real date with the day first (the "
                   "file's date order is DMY)" : "is not a real date with the month first "
                   "(the file's date order is MDY)";
        mon = order == CM_DATE_DMY ? out->second : out->first;
        day = order == CM_DATE_DMY ? out->first : out->second;
    } else
        return bad;
    if (*p != ' ' && *p != 'T' && *p != 't')
        return "has no time of day such as 08:00 after its date";
    while (*p == ' ')
        p++;
    if (*p == 'T' || *p == 't')
        p++;
    const char *why = desk_clock(&p, &hh, &mm, &ss);
    if (why)
        return why;
    while (*p == ' ')
        p++;
    if (!strcmp(p, "GMT") || !strcmp(p, "UTC")) {   /* "08:00 GMT", as desks write it */
        out->offset_s = 0;
        out->has_offset = 1;
    } else if (*p) {
        if ((why = parse_offset(p, &out->offset_s)) != NULL)
            return why;
        out->has_offset = 1;
    }
    out->local = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
    return NULL;
}

const char *
cm_duration_parse(const char *text, int64_t *seconds)
{
    static const char *const bad =
        "is not a duration such as \"30m\", \"1h\", \"1d\" or \"1h30m\"";
    int64_t total = 0;
    const char *p = text;
    if (!p || !*p)
        return bad;
    while (*p) {
        int64_t n = 0;
        if (*p < '0' || *p > '9')
            return bad;
        while (*p >= '0' && *p <= '9') {
            if (n > 1000000000)
                return "is too long a duration";
            n = n * 10 + (*p++ - '0');
        }
        switch (*p++) {
        case 's': total += n; break;
        case 'm': total += n * 60; break;
        case 'h': total += n * 3600; break;
        case 'd': total += n * 86400; break;
        default: return bad;
        }
        if (total > (int64_t)100 * 366 * 86400)
            return "is too long a duration";
    }
    if (total <= 0)
        return "is not a duration longer than zero";
    *seconds = total;
    return NULL;
}

typedef struct civil {
    int64_t year;
    int mon, day, hh, mm, ss;
} civil;

static civil
to_civil(cm_time t)
{
    civil c;
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t rem = t - days * 86400;
    civil_from_days(days, &c.year, &c.mon, &c.day);
    c.hh = (int)(rem / 3600);
    c.mm = (int)(rem / 60 % 60);
    c.ss = (int)(rem % 60);
    return c;
}

char *
cm_time_format_iso(cm_time t, char buf[CM_TIME_BUF])
{
    civil c = to_civil(t);
    snprintf(buf, CM_TIME_BUF, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)c.year, c.mon,
             c.day, c.hh, c.mm, c.ss);
    return buf;
}

char *
cm_time_format_stamp(cm_time t, char buf[CM_TIME_BUF])
{
    civil c = to_civil(t);
    if (c.ss)
        snprintf(buf, CM_TIME_BUF, "%04lld%02d%02dT%02d%02d%02dZ", (long long)c.year, c.mon,
                 c.day, c.hh, c.mm, c.ss);
    else
        snprintf(buf, CM_TIME_BUF, "%04lld%02d%02dT%02d%02dZ", (long long)c.year, c.mon, c.day,
                 c.hh, c.mm);
    return buf;
}

char *
cm_time_format_human(cm_time t, char buf[CM_TIME_BUF])
{
    civil c = to_civil(t);
    snprintf(buf, CM_TIME_BUF, "%d %s %lld, %02d:%02d GMT", c.day, month_names[c.mon - 1],
             (long long)c.year, c.hh, c.mm);
    return buf;
}

char *
cm_time_format_clock(cm_time t, char buf[CM_TIME_BUF])
{
    civil c = to_civil(t);
    snprintf(buf, CM_TIME_BUF, "%02d:%02d", c.hh, c.mm);
    return buf;
}

char *
cm_time_format_date(int year, int mon, int day, char buf[CM_TIME_BUF])
{
    if (mon < 1 || mon > 12)   /* not a month: said as written (fuzz_csv, "31/0/2020") */
        snprintf(buf, CM_TIME_BUF, "%d/%d/%d", day, mon, year);
    else
        snprintf(buf, CM_TIME_BUF, "%d %s %d", day, month_names[mon - 1], year);
    return buf;
}
