/* Times as desks type them, without a zone ("2020-10-09 08:00", "09/10/2020
 * 07:25"), and the time zone that makes them moments: the forms are read in
 * timestamp.c, beside RFC 3339; the zone's offsets come from the C library
 * (zone.c). Which zone and date order a file declares is the loader's. */
#ifndef CM_SRC_ZONE_H
#define CM_SRC_ZONE_H

#include "conflictmap/timestamp.h"

/* Which of a slashed date's first two numbers is the day. */
typedef enum cm_date_order { CM_DATE_UNSET = 0, CM_DATE_DMY, CM_DATE_MDY } cm_date_order;

/* "DMY", "MDY" (either case): 0 with *out set, else -1. */
int cm_date_order_parse(const char *text, cm_date_order *out);

typedef struct cm_desk_time {
    cm_time local;        /* the wall clock's reading, counted as if it were UTC */
    int has_offset;       /* written with "Z" or "+HH:MM": local - offset_s is UTC */
    int offset_s;
    int is_slashed;       /* "09/10/2020": day and month in the file's order */
    int first, second, year;
    int dmy_ok, mdy_ok;   /* whether each reading of a slashed date is a real date */
} cm_desk_time;

/* Parses "2020-10-09 08:00", "2020-10-09T08:00:00" or "09/10/2020 07:25"
 * ("." or "-" may stand for "/"; one-digit day, month and hour are fine),
 * seconds optional, a zone ("Z", "+04:00", " GMT") optional. Returns NULL with *out
 * filled, or a static reason fit to follow the quoted text. A slashed date
 * with @order CM_DATE_UNSET returns NULL with only is_slashed and its numbers
 * set: the caller says which readings there are. */
const char *cm_time_parse_desk(const char *text, cm_date_order order, cm_desk_time *out);

/* "9 October 2020". Returns @buf. */
char *cm_time_format_date(int year, int mon, int day, char buf[CM_TIME_BUF]);

typedef struct cm_zone cm_zone;

/* Resolves @name: "UTC", "GMT" or "Z"; a fixed offset "+03:00", "-0530" or
 * "+03"; or a name of the IANA database the system's zoneinfo holds
 * ("Asia/Baku", "Europe/London"). Returns NULL with *out the caller's
 * (cm_zone_destroy), or a static reason fit to follow the quoted name;
 * "out of memory" is the only one that is not the name's fault. */
const char *cm_zone_create(cm_zone **out, const char *name);
void cm_zone_destroy(cm_zone *zone);   /* NULL is fine */
const char *cm_zone_name(const cm_zone *zone);

/* The moments at which @zone's clocks read @local (as in cm_desk_time).
 * Returns 1 with *utc set; 0 when the clocks skipped that reading (spring
 * forward); 2 when they read it twice (autumn), *utc the first time and
 * *later the second; *offset_s (and *later_offset_s) is the zone's offset
 * then, or before and after the skipped hour. */
int cm_zone_to_utc(const cm_zone *zone, cm_time local, cm_time *utc, int *offset_s,
                   cm_time *later, int *later_offset_s);

#endif
