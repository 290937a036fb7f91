/* Areas on the WGS 84 ellipsoid of longitude/latitude rings and of GEOS
 * polygons made of them, their vertices joined by geodesics: the km² of
 * the sides' territory (src/layout/territory.c) and of each feature of a
 * control layer's prepared copy (src/load/control_cache.c), which must be the
 * same numbers to the bit. For other src/ files only. */
#ifndef CM_SRC_AREA_H
#define CM_SRC_AREA_H

#include "geo/geos.h"
#include "load/control.h"

#include <stddef.h>

/* Long edges split along their geodesics, by their ends (bit for bit, in
 * their direction): the control layers' features share theirs (the edges of
 * the ground that no front moves, bench/control's box: 13,000 points on
 * geodesics, a thousand instructions each, for every feature). A memo gives
 * the same points as splitting again, so the same areas; it is for one
 * thread at a time. Zeroed: empty. */
typedef struct cm_area_edge cm_area_edge;
typedef struct cm_area_memo {
    cm_area_edge *slot;        /* a power of 2 of them */
    size_t n, cap;
    double *points;
    size_t n_points, cap_points;
} cm_area_memo;

/* Frees what @m holds and empties it. */
void cm_area_memo_clear(cm_area_memo *m);

/* The area of ring @xy (@n longitude, latitude pairs in degrees, closed or
 * not) on the ellipsoid in m², its vertices joined by geodesics. Each edge
 * longer than about 2 km is split along its geodesic (PROJ's geod_*) into
 * pieces of at most that (noted in @memo, and taken from it, when it is not
 * NULL); then the ring in the Lambert azimuthal equal-area projection centred
 * on the middle of its box gives it, as there an area is the plane's and so
 * short a geodesic is straight to a hair: within 0.005 km² of PROJ's
 * geod_polygon_compute() on Natural Earth's regions, and several times
 * cheaper (docs/control.md). A ring wider than 30 degrees, where the
 * projection bends geodesics more, is left to geod_polygon_compute(). The
 * geodesic areas of the many small rings of the area that changed hands were
 * a third of a slice's territory with a large control layer (bench/control).
 * Returns -1 when out of memory. */
double cm_area_ring_m2(const double *xy, size_t n, cm_area_memo *memo);

/* The area of @g (a polygon, or a collection of them; lines count for
 * nothing) in km²: each polygon's outer ring less its holes, by
 * cm_area_ring_m2(), summed in the order GEOS gives them. GEOS must be loaded
 * (cm_geos_load()). -1 when out of memory, and then *@ok is set to 0 when
 * @ok is not NULL (the sum itself may be below 0 by rounding, holes filling
 * their ring). */
double cm_area_km2(GEOSContextHandle_t ctx, const GEOSGeometry *g, cm_area_memo *memo,
                   int *ok);

/* The km2 of features [@f0, n) of @c, each as the territory of a side
 * holding it alone measures it: its rings made polygons (geo/rings.h) and
 * measured, the long edges split once for all of them (a cm_control_measure,
 * load/control.h: what a prepared copy keeps). 0 when GEOS cannot be loaded,
 * when out of memory, or when a measure is not a finite number of 0 or more
 * (the copy's reader would refuse it). */
int cm_area_control_features(cm_control *c, size_t f0);

#endif
