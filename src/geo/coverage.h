/* The union of polygons that tile without overlapping and meet vertex to
 * vertex (districts, grid cells, the versions of a side's control drawn
 * with the same borders), without GEOS's overlay. For other src/ files only. */
#ifndef CM_SRC_COVERAGE_H
#define CM_SRC_COVERAGE_H

#include "geo/geos.h"

#include <stddef.h>

/* The union of the polygons of @parts (@n; polygons or multipolygons),
 * made by taking out each edge that two of them have the opposite way round
 * and joining what is left into rings; NULL when they are not such a
 * coverage (an edge two have the same way round, rings left open, a hole in
 * no ring, a result GEOS does not find valid), when out of memory or when
 * GEOS fails: the caller unites them with GEOS then. A valid result is their
 * union: the edges left add up to the sum of the parts' winding numbers,
 * and a valid polygon's is 0 or 1 everywhere, so no point was in two parts.
 * The parts are not taken. */
GEOSGeometry *cm_coverage_union(GEOSContextHandle_t ctx, GEOSGeometry *const *parts, size_t n);

#endif
