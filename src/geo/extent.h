/* The extent a map shows without map.bbox or --bbox (extent.c). */
#ifndef CM_SRC_EXTENT_H
#define CM_SRC_EXTENT_H

#include "conflictmap/events.h"

/* @out (west, south, east, north in degrees): the events within 800 km of
 * their median position, with a margin and room for a label right of and below
 * each, for a map of @width_px x @height_px in the projection @projection
 * (NULL: auto). With auto, which shows the poles, it reaches up to 90 degrees
 * north or south; with any other, which may be Mercator's kind, up to 85, and
 * events beyond are off the map. CM_OK, or CM_ERR_NOMEM. */
cm_status cm_extent_fit_events(const cm_events *events, const char *projection, int width_px,
                               int height_px, double out[4]);

#endif
