/* Control layers: who holds what, as dated polygons (--control, the events
 * file's map.control). Read through GDAL/OGR in any vector format it reads
 * (GeoJSON, KML, GeoPackage, shapefiles ...), into longitude/latitude rings
 * with each feature's side, status and the moments it is valid between.
 * docs/control.md describes the fields. For other src/ files only. */
#ifndef CM_SRC_CONTROL_H
#define CM_SRC_CONTROL_H

#include "conflictmap/diag.h"
#include "conflictmap/events.h"
#include "conflictmap/timestamp.h"

#include <stddef.h>

typedef enum cm_control_status {
    CM_CONTROL_CONTROLLED,     /* held: the side's colour */
    CM_CONTROL_CLAIMED,        /* claimed, not confirmed: hatched */
    CM_CONTROL_CONTESTED,      /* operated in, not held ("advances"): pale, dashed edge */
    CM_CONTROL_N_STATUS
} cm_control_status;

/* The status's words in the legend and the SVG: "controlled", "claimed", "contested". */
const char *cm_control_status_name(cm_control_status s);

typedef struct cm_control_feature {
    const char *side;          /* a side's code of the events file (borrowed from it) */
    cm_control_status status;
    cm_time from, to;          /* valid at t when from <= t < to (INT64_MIN, INT64_MAX: open) */
    size_t first_ring, n_rings;
    double km2;                /* its area on the ellipsoid, as the territory of a side
                                  holding it alone measures it (geo/area.h), when its
                                  layer's prepared copy holds it (control_cache.h); NAN:
                                  not known, measured when a slice first holds it */
} cm_control_feature;

typedef struct cm_control cm_control;

/* Sets the km2 of features [@f0, n) of @c, as the territory of a side holding
 * one alone measures it; 0 when it cannot (GEOS not loaded, out of memory, a
 * measure not a finite number of 0 or more). Measuring is geo/'s, a later
 * stage than load/: the run gives it (src/render/load.c gives
 * cm_area_control_features, geo/area.h); without it no prepared copy is
 * written. */
typedef int (*cm_control_measure)(cm_control *c, size_t f0);

/* Every control layer of a run. The rings' points are longitude/latitude
 * pairs, each ring closed or not; a polygon is an outer ring followed by its
 * holes (ring_outer says which are outer). */
struct cm_control {
    cm_control_feature *features;
    size_t n_features, cap_features;
    double *lonlat;            /* n_points pairs */
    size_t n_points, cap_points;
    void *points_map;          /* not NULL: lonlat lies in this map of a prepared copy
                                  (src/load/control_cache.c), not on the heap */
    size_t points_map_size;
    size_t *ring_start;        /* n_rings + 1 offsets into the points */
    unsigned char *ring_outer;
    size_t n_rings, cap_rings, cap_ring_start;
    cm_control_measure measure;   /* the features' km² for a prepared copy; NULL: none */
};

cm_status cm_control_create(cm_control **out);
void      cm_control_destroy(cm_control *c);   /* NULL is fine */

/* The points moved onto the heap when they lie in a prepared copy's map, so
 * that more can be added. 0 when out of memory (@c unchanged). */
int       cm_control_own_points(cm_control *c);

/* Adds the layer, or folder of dated layers, that @spec names: "PATH",
 * "SIDE=PATH" or "SIDE:STATUS=PATH" (the command's --control), the path
 * relative to @relative_to's folder when that is not NULL and the path is
 * relative (the events file's map.control). Sides are checked against
 * @events. Every problem goes to @diags as FILE: feature N: message.
 * Returns CM_OK, CM_ERR_INPUT, CM_ERR_IO or CM_ERR_NOMEM. */
cm_status cm_control_add(cm_control *c, const char *spec, const char *relative_to,
                         const cm_events *events, cm_diag_list *diags);

/* Whether feature @f is valid at @t. */
static inline int
cm_control_valid_at(const cm_control_feature *f, cm_time t)
{
    return f->from <= t && t < f->to;
}

#endif
