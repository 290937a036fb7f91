/* A time zone as a table of offsets: one entry for UTC or a fixed offset,
 * every change of offset from 1900 to 2100 for an IANA name (before 1900
 * its first offset holds, after 2100 its last). The table is
 * built once per zone, and then turning a wall-clock reading into a moment
 * is a look-up that touches no global state, from any thread.
 *
 * The C library only gives a named zone's offsets through TZ and
 * localtime_r(), and TZ is the process's: setenv() racing getenv() in
 * another thread is undefined. So the table is built in one short critical
 * section per zone (a process-wide mutex around set TZ, tzset(), probe,
 * restore TZ, tzset()): some 10,500 weekly localtime_r() probes and a
 * bisection per change, 4 to 8 ms, once per file that names a zone, while
 * the loading thread is the only one conflictmap runs. A program that reads
 * TZ or calls localtime() on another thread while it loads such a file
 * would see the file's zone for those milliseconds; the command never does. */
#define _DEFAULT_SOURCE   /* struct tm's tm_gmtoff */
#include "common/zone.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct change {
    cm_time from;    /* UTC: the offset holds from this moment on */
    int offset_s;
} change;

struct cm_zone {
    char *name;
    change *changes;   /* sorted by from; the first one holds before it too */
    size_t n_changes;
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

int
cm_date_order_parse(const char *text, cm_date_order *out)
{
    if (!strcmp(text, "DMY") || !strcmp(text, "dmy"))
        *out = CM_DATE_DMY;
    else if (!strcmp(text, "MDY") || !strcmp(text, "mdy"))
        *out = CM_DATE_MDY;
    else
        return -1;
    return 0;
}

/* "+03:00", "-0530", "+03": 0 with *offset_s set, else -1. */
static int
fixed_offset(const char *s, int *offset_s)
{
    int sign = s[0] == '+' ? 1 : s[0] == '-' ? -1 : 0;
    int hh = -1, mm = 0;
    char tail;
    if (!sign)
        return -1;
    size_t len = strlen(s);
    if (len == 3 && sscanf(s + 1, "%2d%c", &hh, &tail) == 1)
        ;
    else if (len == 5 && s[1] != ':' && sscanf(s + 1, "%2d%2d%c", &hh, &mm, &tail) == 2)
        ;
    else if (len == 6 && s[3] == ':' && sscanf(s + 1, "%2d:%2d%c", &hh, &mm, &tail) == 2)
        ;
    else
        return -1;
    for (size_t i = 1; i < len; i++)
        if (s[i] != ':' && (s[i] < '0' || s[i] > '9'))
            return -1;
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return -1;
    *offset_s = sign * (hh * 3600 + mm * 60);
    return 0;
}

/* Whether @name is a file of the zoneinfo database: the C library takes any
 * other name for UTC without a word, which would shift every time silently. */
static int
is_zoneinfo_name(const char *name)
{
    if (!name[0] || name[0] == '/' || strstr(name, "..") || strlen(name) > 128)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
              (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
            return 0;
    const char *dir = getenv("TZDIR");
    char path[512], magic[4];
    snprintf(path, sizeof(path), "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(magic, 1, 4, f);
    fclose(f);
    return n == 4 && memcmp(magic, "TZif", 4) == 0;
}

static int
offset_at(time_t t)
{
    struct tm tm;
    return localtime_r(&t, &tm) ? (int)tm.tm_gmtoff : 0;
}

static int
add_change(cm_zone *z, size_t *cap, cm_time from, int offset_s)
{
    if (z->n_changes == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        change *c = realloc(z->changes, n * sizeof(*c));
        if (!c)
            return -1;
        z->changes = c;
        *cap = n;
    }
    z->changes[z->n_changes++] = (change){ from, offset_s };
    return 0;
}

/* Probes the zone TZ names now a week at a time, and finds each change's
 * second by bisection. A change undone within the same week would be
 * missed: for all 447 zones of tzdata 2025b (Debian 12), weekly probes found
 * the same changes from 1900 to 2100 as daily ones. */
#ifndef CM_ZONE_PROBE_S
#define CM_ZONE_PROBE_S (7 * 86400)
#endif

static int
probe_changes(cm_zone *z)
{
    const cm_time first = -2208988800LL, last = 4102444800LL;   /* 1900, 2100 */
    size_t cap = 0;
    int prev = offset_at((time_t)first);
    if (add_change(z, &cap, first, prev) != 0)
        return -1;
    for (cm_time t = first + CM_ZONE_PROBE_S; t <= last; t += CM_ZONE_PROBE_S) {
        int now = offset_at((time_t)t);
        if (now == prev)
            continue;
        cm_time lo = t - CM_ZONE_PROBE_S, hi = t;   /* offset(lo) == prev, offset(hi) == now */
        while (hi - lo > 1) {
            cm_time mid = lo + (hi - lo) / 2;
            if (offset_at((time_t)mid) == prev)
                lo = mid;
            else
                hi = mid;
        }
        if (add_change(z, &cap, hi, now) != 0)
            return -1;
        prev = now;
    }
    return 0;
}

/* The one place TZ changes: see the top of the file. */
static int
build_named(cm_zone *z, const char *name)
{
    pthread_mutex_lock(&tz_lock);
    const char *was = getenv("TZ");
    char *saved = was ? strdup(was) : NULL;
    int rc = -1;
    if ((!was || saved) && setenv("TZ", name, 1) == 0) {
        tzset();
        rc = probe_changes(z);
        if (saved)
            setenv("TZ", saved, 1);
        else
            unsetenv("TZ");
        tzset();
    }
    free(saved);
    pthread_mutex_unlock(&tz_lock);
    return rc;
}

const char *
cm_zone_create(cm_zone **out, const char *name)
{
    int offset_s = 0, is_fixed = 1;
    *out = NULL;
    if (!strcmp(name, "UTC") || !strcmp(name, "GMT") || !strcmp(name, "Z") ||
        !strcmp(name, "utc") || !strcmp(name, "gmt"))
        offset_s = 0;
    else if (name[0] == '+' || name[0] == '-') {
        if (fixed_offset(name, &offset_s) != 0)
            return "is not an offset of the form +HH:MM";
    } else if (is_zoneinfo_name(name))
        is_fixed = 0;
    else
        return "is not a time zone this system knows; give \"UTC\", an offset such as "
               "\"+04:00\", or a zone name such as \"Asia/Baku\"";
    cm_zone *z = calloc(1, sizeof(*z));
    if (!z || !(z->name = strdup(name))) {
        free(z);
        return "out of memory";
    }
    size_t cap = 0;
    if (is_fixed ? add_change(z, &cap, 0, offset_s) : build_named(z, name)) {
        cm_zone_destroy(z);
        return "out of memory";
    }
    *out = z;
    return NULL;
}

void
cm_zone_destroy(cm_zone *zone)
{
    if (!zone)
        return;
    free(zone->changes);
    free(zone->name);
    free(zone);
}

const char *
cm_zone_name(const cm_zone *zone)
{
    return zone->name;
}

/* The index of the change in force at UTC moment @t. */
static size_t
change_at(const cm_zone *z, cm_time t)
{
    size_t lo = 0, hi = z->n_changes;   /* changes[lo].from <= t, or lo == 0 */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->changes[mid].from <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* A reading maps to a moment under offset o when the offset at local - o is
 * o itself. Only the offsets of the changes next to the reading can. */
int
cm_zone_to_utc(const cm_zone *zone, cm_time local, cm_time *utc, int *offset_s,
               cm_time *later, int *later_offset_s)
{
    size_t i = change_at(zone, local), from = i > 0 ? i - 1 : 0;
    size_t to = i + 1 < zone->n_changes ? i + 1 : i;
    cm_time found[3];
    int offsets[3], n = 0;
    for (size_t k = from; k <= to; k++) {
        int o = zone->changes[k].offset_s;
        cm_time t = local - o;
        int seen = 0;
        for (int j = 0; j < n; j++)
            seen |= found[j] == t;
        if (!seen && zone->changes[change_at(zone, t)].offset_s == o) {
            found[n] = t;
            offsets[n++] = o;
        }
    }
    if (n == 0) {   /* skipped: the offsets either side (no two changes are days apart) */
        *offset_s = zone->changes[change_at(zone, local - 2 * 86400)].offset_s;
        *later_offset_s = zone->changes[change_at(zone, local + 2 * 86400)].offset_s;
        return 0;
    }
    int first = n == 2 && found[1] < found[0];
    *utc = found[first];
    *offset_s = offsets[first];
    if (n == 1)
        return 1;
    *later = found[!first];
    *later_offset_s = offsets[!first];
    return 2;
}
