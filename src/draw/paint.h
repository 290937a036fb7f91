/* The paint order: what a map shows, bottom to top, written once for both
 * writers. The cairo backend (draw.c) and the SVG writer (draw_svg.c) walk
 * this table and paint each step in their own way; what a step looks like is
 * theirs, and which elements are in a group is the layout's. For src/ only. */
#ifndef CM_SRC_PAINT_H
#define CM_SRC_PAINT_H

#include "layout/group.h"

#include <stddef.h>

typedef enum cm_paint {
    CM_PAINT_WATER,      /* the water under everything */
    CM_PAINT_BASE_MAP,   /* the base map's paths, a group for each layer role in SVG */
    CM_PAINT_AREAS,      /* areas held by a side */
    CM_PAINT_MARKERS,    /* the group's markers */
    CM_PAINT_LABELS,     /* the group's labels, their leaders under them */
    CM_PAINT_INSET,      /* the locator inset */
    CM_PAINT_BOX         /* the group's boxes, then its markers and labels on them */
} cm_paint;

typedef struct cm_paint_step {
    cm_paint what;
    cm_group group;       /* whose markers, labels or boxes */
    int on_map;           /* clipped to the map's rectangle */
    const char *svg_id;   /* the id of the SVG group that holds what it paints */
} cm_paint_step;

/* The map's reading order: the ground, the areas held, places, control,
 * events and their labels, all inside the map; then the inset, the frame and
 * its boxes on top. */
static const cm_paint_step cm_paint_order[] = {
    { .what = CM_PAINT_WATER },
    { .what = CM_PAINT_BASE_MAP, .on_map = 1 },
    { .what = CM_PAINT_AREAS, .group = CM_GROUP_CONTROL, .on_map = 1, .svg_id = "control" },
    { .what = CM_PAINT_MARKERS, .group = CM_GROUP_PLACES, .on_map = 1, .svg_id = "places" },
    { .what = CM_PAINT_MARKERS, .group = CM_GROUP_CONTROL, .on_map = 1,
      .svg_id = "control-markers" },
    { .what = CM_PAINT_MARKERS, .group = CM_GROUP_EVENTS, .on_map = 1, .svg_id = "events" },
    { .what = CM_PAINT_LABELS, .group = CM_GROUP_LABELS, .on_map = 1, .svg_id = "labels" },
    { .what = CM_PAINT_INSET, .group = CM_GROUP_INSET, .svg_id = "inset" },
    { .what = CM_PAINT_BOX, .group = CM_GROUP_FRAME, .svg_id = "frame" },
    { .what = CM_PAINT_BOX, .group = CM_GROUP_LEGEND, .svg_id = "legend" },
    { .what = CM_PAINT_BOX, .group = CM_GROUP_LATEST, .svg_id = "latest" },
};
enum { CM_N_PAINT_STEPS = sizeof(cm_paint_order) / sizeof(cm_paint_order[0]) };

#endif
