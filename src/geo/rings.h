/* Longitude/latitude rings made GEOS polygons, as the sides' territory is
 * made of them (src/layout/territory.c) and as a control feature's area is
 * measured (geo/area.h; src/load/control_cache.c keeps it in a prepared
 * copy). GEOS must be loaded (cm_geos_load()). For other src/ files only. */
#ifndef CM_SRC_RINGS_H
#define CM_SRC_RINGS_H

#include "geo/geos.h"

#include <stddef.h>

/* The polygon of ring @lonlat (@n points, closed or not); NULL when it has
 * fewer than 3 points or GEOS fails. */
GEOSGeometry *cm_rings_polygon(GEOSContextHandle_t ctx, const double *lonlat, size_t n);

/* @parts (@n, taken) united: by their edges when they tile
 * (cm_coverage_union), else by GEOS, with a fallback for invalid input: each
 * part made valid first. NULL when @n is 0 or GEOS fails. */
GEOSGeometry *cm_rings_unite(GEOSContextHandle_t ctx, GEOSGeometry **parts, size_t n);

/* A control feature's rings (@n_rings, ring r's points from @start[r] to
 * @start[r + 1] in @lonlat, @outer[r] when it is an outer ring): each outer
 * ring with the holes that follow it, united. The holes of an outer ring
 * too small to be one are left out with it. */
GEOSGeometry *cm_rings_polygons(GEOSContextHandle_t ctx, const double *lonlat,
                                const size_t *start, const unsigned char *outer,
                                size_t n_rings);

#endif
