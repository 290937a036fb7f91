/* Longitude/latitude rings made GEOS polygons (rings.h). */
#include "geo/rings.h"
#include "geo/coverage.h"

#include <stdlib.h>
#include <string.h>

GEOSGeometry *
cm_rings_polygon(GEOSContextHandle_t ctx, const double *lonlat, size_t n)
{
    if (n < 3)
        return NULL;
    int closed = lonlat[0] == lonlat[2 * (n - 1)] && lonlat[1] == lonlat[2 * (n - 1) + 1];
    size_t m = closed ? n : n + 1;
    if (m < 4)
        return NULL;
    GEOSCoordSequence *cs;
    if (closed)
        cs = GEOSCoordSeq_copyFromBuffer_r(ctx, lonlat, (unsigned)m, 0, 0);
    else {
        double *ring = malloc(2 * m * sizeof(double));
        if (!ring)
            return NULL;
        memcpy(ring, lonlat, 2 * n * sizeof(double));
        ring[2 * n] = lonlat[0];
        ring[2 * n + 1] = lonlat[1];
        cs = GEOSCoordSeq_copyFromBuffer_r(ctx, ring, (unsigned)m, 0, 0);
        free(ring);
    }
    if (!cs)
        return NULL;
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(ctx, cs);
    return ring ? GEOSGeom_createPolygon_r(ctx, ring, NULL, 0) : NULL;
}

GEOSGeometry *
cm_rings_unite(GEOSContextHandle_t ctx, GEOSGeometry **parts, size_t n)
{
    if (n == 0)
        return NULL;
    GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts,
                                                     (unsigned)n);
    if (!coll) {
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx, parts[i]);
        return NULL;
    }
    /* parts that tile, as a side's districts or cells do, without GEOS's
     * overlay (coverage.h); any others with it */
    GEOSGeometry *u = n > 1 ? cm_coverage_union(ctx, parts, n) : NULL;
    if (!u)
        u = GEOSUnaryUnion_r(ctx, coll);
    if (!u) {
        GEOSGeometry *valid = GEOSMakeValid_r(ctx, coll);
        u = valid ? GEOSUnaryUnion_r(ctx, valid) : NULL;
        if (valid)
            GEOSGeom_destroy_r(ctx, valid);
    }
    GEOSGeom_destroy_r(ctx, coll);
    return u;
}

GEOSGeometry *
cm_rings_polygons(GEOSContextHandle_t ctx, const double *lonlat, const size_t *start,
                  const unsigned char *outer, size_t n_rings)
{
    GEOSGeometry **polys = calloc(n_rings ? n_rings : 1, sizeof(*polys));
    size_t n = 0;
    int dropped = 0;
    if (!polys)
        return NULL;
    for (size_t r = 0; r < n_rings; r++) {
        if (!outer[r] && dropped)
            continue;
        GEOSGeometry *g = cm_rings_polygon(ctx, lonlat + 2 * start[r], start[r + 1] - start[r]);
        if (outer[r] || n == 0)
            dropped = !g;
        if (!g)
            continue;
        if (outer[r] || n == 0)
            polys[n++] = g;
        else {
            GEOSGeometry *d = GEOSDifference_r(ctx, polys[n - 1], g);
            GEOSGeom_destroy_r(ctx, g);
            if (d) {
                GEOSGeom_destroy_r(ctx, polys[n - 1]);
                polys[n - 1] = d;
            }
        }
    }
    GEOSGeometry *u = cm_rings_unite(ctx, polys, n);
    free(polys);
    return u;
}
