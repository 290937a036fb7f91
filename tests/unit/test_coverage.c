/* The union of a coverage by its edges (src/geo/coverage.c): cells that
 * meet vertex to vertex are united without their inner borders, with their
 * holes, apart where they only touch at a corner; anything that is not such
 * a coverage (overlapping, nested, duplicated, meeting at a vertex one of
 * them lacks) is refused, for GEOS's union to do. */
#include "check.h"
#include "geo/coverage.h"

#include <stdlib.h>

static GEOSContextHandle_t ctx;

/* A square cell [x0, x1] x [y0, y1] with a point every @step along its sides,
 * clockwise when @cw (the direction a layer gives must not matter). */
static GEOSGeometry *
cell(double x0, double y0, double x1, double y1, double step, int cw)
{
    double c[5][2] = { { x0, y0 }, { x1, y0 }, { x1, y1 }, { x0, y1 }, { x0, y0 } };
    double xy[2 * 400];
    size_t n = 0;
    for (int k = 0; k < 4; k++) {
        int m = (int)(fmax(fabs(c[k + 1][0] - c[k][0]), fabs(c[k + 1][1] - c[k][1])) / step + 0.5);
        for (int j = 0; j < m && n < 398; j++, n++) {
            xy[2 * n] = c[k][0] + (c[k + 1][0] - c[k][0]) * j / m;
            xy[2 * n + 1] = c[k][1] + (c[k + 1][1] - c[k][1]) * j / m;
        }
    }
    xy[2 * n] = xy[0];
    xy[2 * n + 1] = xy[1];
    n++;
    if (cw)
        for (size_t i = 0; i < n / 2; i++)
            for (int d = 0; d < 2; d++) {
                double t = xy[2 * i + d];
                xy[2 * i + d] = xy[2 * (n - 1 - i) + d];
                xy[2 * (n - 1 - i) + d] = t;
            }
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(ctx, xy, (unsigned)n, 0, 0);
    GEOSGeometry *ring = cs ? GEOSGeom_createLinearRing_r(ctx, cs) : NULL;
    return ring ? GEOSGeom_createPolygon_r(ctx, ring, NULL, 0) : NULL;
}

static void
free_all(GEOSGeometry **g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (g[i])
            GEOSGeom_destroy_r(ctx, g[i]);
}

/* The union of @g (@n), its polygons' count, holes in all and area into
 * @polys, @holes, @area; 0 when refused. */
static int
unite(GEOSGeometry **g, size_t n, int *polys, int *holes, double *area)
{
    GEOSGeometry *u = cm_coverage_union(ctx, g, n);
    free_all(g, n);
    if (!u)
        return 0;
    CHECK_INT(GEOSisValid_r(ctx, u), 1);
    *polys = GEOSGetNumGeometries_r(ctx, u);
    *holes = 0;
    for (int i = 0; i < *polys; i++)
        *holes += GEOSGetNumInteriorRings_r(ctx, GEOSGetGeometryN_r(ctx, u, i));
    *area = 0;
    GEOSArea_r(ctx, u, area);
    GEOSGeom_destroy_r(ctx, u);
    return 1;
}

int
main(void)
{
    if (cm_geos_load() || !(ctx = GEOS_init_r())) {
        fprintf(stderr, "test_coverage: GEOS could not be loaded\n");
        return 1;
    }
    int polys = 0, holes = 0;
    double area = 0;

    /* two cells side by side, one given clockwise: one rectangle */
    GEOSGeometry *two[2] = { cell(0, 0, 1, 1, 0.25, 0), cell(1, 0, 2, 1, 0.25, 1) };
    CHECK(unite(two, 2, &polys, &holes, &area));
    CHECK_INT(polys, 1);
    CHECK_INT(holes, 0);
    CHECK_NEAR(area, 2, 1e-12);

    /* a 3x3 block without its middle: one polygon with a hole; with it: none */
    GEOSGeometry *ring[9];
    size_t n = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (i != 1 || j != 1)
                ring[n++] = cell(i, j, i + 1, j + 1, 0.5, (i + j) % 2);
    CHECK(unite(ring, n, &polys, &holes, &area));
    CHECK_INT(polys, 1);
    CHECK_INT(holes, 1);
    CHECK_NEAR(area, 8, 1e-12);
    n = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            ring[n++] = cell(i, j, i + 1, j + 1, 0.5, 0);
    CHECK(unite(ring, n, &polys, &holes, &area));
    CHECK_INT(polys, 1);
    CHECK_INT(holes, 0);
    CHECK_NEAR(area, 9, 1e-12);

    /* the 3x3 block without its middle and its north-east corner: the hole
     * touches the outline at a point, a ring of its own (GEOS's form) */
    n = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (!(i == 1 && j == 1) && !(i == 2 && j == 2))
                ring[n++] = cell(i, j, i + 1, j + 1, 0.5, (i + 2 * j) % 3 == 0);
    CHECK(unite(ring, n, &polys, &holes, &area));
    CHECK_INT(polys, 1);
    CHECK_INT(holes, 1);
    CHECK_NEAR(area, 7, 1e-12);

    /* a checkerboard's two black cells touch at a corner: two polygons */
    GEOSGeometry *corner[2] = { cell(0, 0, 1, 1, 0.25, 0), cell(1, 1, 2, 2, 0.25, 0) };
    CHECK(unite(corner, 2, &polys, &holes, &area));
    CHECK_INT(polys, 2);
    CHECK_NEAR(area, 2, 1e-12);
    /* and four around a middle one that touches each at a corner only */
    GEOSGeometry *board[5] = { cell(0, 0, 1, 1, 0.5, 0), cell(2, 0, 3, 1, 0.5, 0),
                               cell(1, 1, 2, 2, 0.5, 1), cell(0, 2, 1, 3, 0.5, 0),
                               cell(2, 2, 3, 3, 0.5, 1) };
    CHECK(unite(board, 5, &polys, &holes, &area));
    CHECK_INT(polys, 5);
    CHECK_NEAR(area, 5, 1e-12);

    /* not a coverage: refused */
    GEOSGeometry *overlap[2] = { cell(0, 0, 2, 1, 0.5, 0), cell(1, 0, 3, 1, 0.5, 0) };
    CHECK(!unite(overlap, 2, &polys, &holes, &area));
    GEOSGeometry *nested[2] = { cell(0, 0, 4, 4, 0.5, 0), cell(1, 1, 2, 2, 0.5, 0) };
    CHECK(!unite(nested, 2, &polys, &holes, &area));
    GEOSGeometry *twice[2] = { cell(0, 0, 1, 1, 0.25, 0), cell(0, 0, 1, 1, 0.25, 1) };
    CHECK(!unite(twice, 2, &polys, &holes, &area));
    /* a border drawn with points every 0.5 on one side, every 0.25 on the
     * other: the same line, but no edge of one is an edge of the other */
    GEOSGeometry *unmatched[2] = { cell(0, 0, 1, 1, 0.5, 0), cell(1, 0, 2, 1, 0.25, 0) };
    CHECK(!unite(unmatched, 2, &polys, &holes, &area));
    /* a cell inside the hole of the 3x3 ring, with the ring: the block */
    n = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            ring[n++] = cell(i, j, i + 1, j + 1, 0.5, 1);
    CHECK(unite(ring, n, &polys, &holes, &area));
    CHECK_INT(polys, 1);
    CHECK_NEAR(area, 9, 1e-12);

    GEOS_finish_r(ctx);
    return check_result("test_coverage");
}
