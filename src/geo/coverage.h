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
 * from the boundary edges only one of them has: @edges, @n directed edges
 * (x0, y0, x1, y1), those of the area now that the area before lacks, each
 * with the area now on its left, and those of the area before that the
 * area now lacks, turned round (the area before on their right); an edge
 * may come twice, where what is held now and what was held before meet
 * (a district taken beside one given up). Their sum is a boundary whose
 * winding number is 1 where the area is held now and was not, -1 where it
 * was and is not, 0 elsewhere: joined into rings, each ring is a shell or
 * a hole of what was gained or of what was lost by its direction and the
 * winding of the other rings just outside it. Into @gain[0] the polygons
 * gained and into @gain[1] those lost (each NULL when none; else a
 * multipolygon). Returns 1 when made; 0 when the edges do not make that
 * simply (borders that cross between vertices, a ring that does not close,
 * pieces GEOS does not find valid, gains and losses that overlap), when out
 * of memory or when GEOS fails: the caller asks GEOS's overlay then. Both
 * NULL on 0. */
int cm_coverage_change(GEOSContextHandle_t ctx, const double (*edges)[4], size_t n,
                       GEOSGeometry *gain[2]);

#endif
