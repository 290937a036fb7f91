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

/* What changed hands between a side's area before and its area now, made
 * from the boundary edges that only one of them has: @edges, @n directed
 * edges (x0, y0, x1, y1), each with what was gained on its left (@lost[i]
 * 0) or what was lost on its right (1). An edge of the area now (the area
 * on its left) bounds what was gained when it lies outside the area before,
 * what was lost when inside; an edge of the area before, turned round (the
 * area on its right), what was lost when it lies outside the area now, what
 * was gained when inside; where a district taken meets one given up, their
 * border comes twice, once of each kind. Each kind's edges are joined into
 * rings and made polygons: into @gain[0] what was gained and into @gain[1]
 * what was lost (each NULL when none; else a multipolygon). Returns 1 when
 * made; 0 when a ring does not close, either is not valid or they overlap
 * (borders that cross between vertices, an edge given the wrong kind), when
 * out of memory or when GEOS fails: the caller asks GEOS's overlay then.
 * Both NULL on 0. */
int cm_coverage_change(GEOSContextHandle_t ctx, const double (*edges)[4], const unsigned char *lost,
                       size_t n, GEOSGeometry *gain[2]);

#endif
