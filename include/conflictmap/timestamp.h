/* Moments and durations: RFC 3339 times with a required zone offset, parsed to
 * seconds since 1970 UTC, and the few ways conflictmap writes them back
 * (ISO in manifest.json, compact in file names, words on the map). */
#ifndef CONFLICTMAP_TIMESTAMP_H
#define CONFLICTMAP_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>
#include "conflictmap/api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int64_t cm_time;   /* seconds since 1970-01-01T00:00:00Z */

/* Parses an RFC 3339 date-time such as "2020-10-09T15:15:00Z" or
 * "2020-10-09T19:15:00+04:00" (fractions of a second are accepted and dropped).
 * Returns NULL on success, with *out set; otherwise a static English reason
 * fit to follow the quoted text, e.g. "has no time zone; add \"Z\" for GMT or
 * an offset such as \"+04:00\"". */
CM_API const char *cm_time_parse(const char *text, cm_time *out);

/* Parses a duration such as "30m", "1h", "1d", "90s" or "1h30m" to seconds
 * (> 0). Returns NULL on success, otherwise a static reason. */
CM_API const char *cm_duration_parse(const char *text, int64_t *seconds);

enum { CM_TIME_BUF = 48 };

/* "2020-10-09T15:15:00Z". Returns @buf. */
CM_API char *cm_time_format_iso(cm_time t, char buf[CM_TIME_BUF]);
/* "20201009T1515Z", or "20201009T151530Z" when the seconds are not zero. */
CM_API char *cm_time_format_stamp(cm_time t, char buf[CM_TIME_BUF]);
/* "9 October 2020, 15:15 GMT". */
CM_API char *cm_time_format_human(cm_time t, char buf[CM_TIME_BUF]);
/* "15:15". */
CM_API char *cm_time_format_clock(cm_time t, char buf[CM_TIME_BUF]);

#ifdef __cplusplus
}
#endif

#endif
