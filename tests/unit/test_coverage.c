/* The union of a coverage by its edges (src/geo/coverage.c): cells that
 * meet vertex to vertex are united without their inner borders, with their
 * holes, apart where they only touch at a corner; anything that is not such
 * a coverage (overlapping, nested, duplicated, meeting at a vertex one of
 * them lacks) is refused, for GEOS's union to do. And what changed hands
 * between two states, from the edges only one has: a district taken beside
 * one given up, a gain with a hole, a loss inside a gain's hole, a loss
 * with a hole, cells meeting at a corner; borders that cross between
 * vertices are refused. */
#include "check.h"
#include "geo/coverage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- what changed hands ---- */

enum { MAX_EDGES = 4096, MAX_SQUARES = 64 };
static double edges[MAX_EDGES][4];
static unsigned char from[MAX_EDGES];   /* 0: the area now's, 1: before's, turned */
static size_t n_edges;
static double squares[2][MAX_SQUARES][4];   /* now's and before's */
static size_t n_squares[2];

/* Adds the square [x0, x1] x [y0, y1]'s edges, a point every @step, with
 * the square on their left (held now), or on their right when @before. */
static void
square(double x0, double y0, double x1, double y1, double step, int before)
{
    double c[5][2] = { { x0, y0 }, { x1, y0 }, { x1, y1 }, { x0, y1 }, { x0, y0 } };
    if (n_squares[before] < MAX_SQUARES)
        memcpy(squares[before][n_squares[before]++], (double[4]){ x0, y0, x1, y1 },
               sizeof(squares[0][0]));
    for (int k = 0; k < 4; k++) {
        int m = (int)(fmax(fabs(c[k + 1][0] - c[k][0]), fabs(c[k + 1][1] - c[k][1])) / step + 0.5);
        for (int j = 0; j < m && n_edges < MAX_EDGES; j++) {
            double p[2] = { c[k][0] + (c[k + 1][0] - c[k][0]) * j / m,
                            c[k][1] + (c[k + 1][1] - c[k][1]) * j / m };
            double q[2] = { c[k][0] + (c[k + 1][0] - c[k][0]) * (j + 1) / m,
                            c[k][1] + (c[k + 1][1] - c[k][1]) * (j + 1) / m };
            from[n_edges] = (unsigned char)before;
            double *e = edges[n_edges++];
            e[0] = before ? q[0] : p[0];
            e[1] = before ? q[1] : p[1];
            e[2] = before ? p[0] : q[0];
            e[3] = before ? p[1] : q[1];
        }
    }
}

static int
same_edge(const double *a, const double *b, int reverse)
{
    return reverse ? a[0] == b[2] && a[1] == b[3] && a[2] == b[0] && a[3] == b[1]
                   : a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* Takes out the pairs of edges the other way round of each other, first
 * within each state (the borders inside what it holds: territory.c's areas
 * are dissolved), then across them (edges both have: territory.c gives
 * cm_coverage_change only the others). */
static void
cancel_twins(void)
{
    for (int pass = 0; pass < 2; pass++) {
        size_t k = 0;
        for (size_t i = 0; i < n_edges; i++) {
            size_t j = 0;
            for (; j < k; j++)
                if ((from[j] == from[i]) == !pass && same_edge(edges[j], edges[i], 1))
                    break;
            if (j < k) {   /* both out */
                memcpy(edges[j], edges[--k], sizeof(edges[0]));
                from[j] = from[k];
            } else {
                memcpy(edges[k], edges[i], sizeof(edges[0]));
                from[k++] = from[i];
            }
        }
        n_edges = k;
    }
}

/* Whether @p is in a square of state @state (their sides included). */
static int
in_state(int state, const double p[2])
{
    for (size_t i = 0; i < n_squares[state]; i++) {
        const double *q = squares[state][i];
        if (p[0] >= q[0] && p[0] <= q[2] && p[1] >= q[1] && p[1] <= q[3])
            return 1;
    }
    return 0;
}

/* What each edge left bounds, as territory.c says it: an edge both states
 * have the same way round (once turned) is gained as now's, lost as
 * before's; else now's is lost when its middle is in what was held before,
 * before's when its middle is not in what is held now. */
static void
edge_kinds(unsigned char *lost)
{
    for (size_t i = 0; i < n_edges; i++) {
        size_t j = 0;
        while (j < n_edges && !(from[j] != from[i] && same_edge(edges[j], edges[i], 0)))
            j++;
        double mid[2] = { (edges[i][0] + edges[i][2]) / 2, (edges[i][1] + edges[i][3]) / 2 };
        lost[i] = j < n_edges ? from[i] : from[i] ? !in_state(0, mid) : in_state(1, mid);
    }
}

/* What was gained and lost (their polygons, holes and areas, when not
 * NULL) from the edges added since the last call; 0 when refused. */
static int
change(int polys[2], int holes[2], double area[2])
{
    GEOSGeometry *gain[2];
    static unsigned char lost[MAX_EDGES];
    cancel_twins();
    edge_kinds(lost);
    int made = cm_coverage_change(ctx, (const double(*)[4])edges, lost, n_edges, gain);
    n_edges = n_squares[0] = n_squares[1] = 0;
    if (!made) {
        CHECK(!gain[0] && !gain[1]);
        return 0;
    }
    for (int k = 0; k < 2; k++) {
        int p = 0, h = 0;
        double a = 0;
        if (gain[k]) {
            CHECK_INT(GEOSisValid_r(ctx, gain[k]), 1);
            p = GEOSGetNumGeometries_r(ctx, gain[k]);
            for (int i = 0; i < p; i++)
                h += GEOSGetNumInteriorRings_r(ctx, GEOSGetGeometryN_r(ctx, gain[k], i));
            GEOSArea_r(ctx, gain[k], &a);
            GEOSGeom_destroy_r(ctx, gain[k]);
        }
        if (polys)
            polys[k] = p, holes[k] = h, area[k] = a;
    }
    return 1;
}

/* Checks that the edges added since the last call make a gain of @p0
 * polygons with @h0 holes and area @a0, and a loss of @p1, @h1 and @a1. */
static void
changed_as(int line, int p0, int h0, double a0, int p1, int h1, double a1)
{
    int p[2] = { -1, -1 }, h[2] = { -1, -1 };
    double a[2] = { -1, -1 };
    if (!change(p, h, a) || p[0] != p0 || h[0] != h0 || fabs(a[0] - a0) > 1e-12 ||
        p[1] != p1 || h[1] != h1 || fabs(a[1] - a1) > 1e-12) {
        fprintf(stderr, "line %d: gained %d polygons, %d holes, %g; lost %d, %d, %g\n", line,
                p[0], h[0], a[0], p[1], h[1], a[1]);
        CHECK(0);
    }
}

/* The 3x3 block of cells without its middle, held now or (@before) before. */
static void
ring_of_8(int before)
{
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (i != 1 || j != 1)
                square(i, j, i + 1, j + 1, 0.5, before);
}

/* The union of the cells of a @g x @g grid whose bit is set in @bits (cell
 * (i, j) is bit i * @g + j), NULL when none. */
static GEOSGeometry *
cells_of(unsigned long long bits, int g)
{
    GEOSGeometry *c[64];
    int n = 0;
    for (int i = 0; i < g; i++)
        for (int j = 0; j < g; j++)
            if (bits >> (i * g + j) & 1)
                c[n++] = cell(i, j, i + 1, j + 1, 0.5, 0);
    if (!n)
        return NULL;
    GEOSGeometry *all = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, c, (unsigned)n);
    GEOSGeometry *u = all ? GEOSUnaryUnion_r(ctx, all) : NULL;
    if (all)
        GEOSGeom_destroy_r(ctx, all);
    return u;
}

/* The area of @a less @b by GEOS (either NULL: nothing). */
static double
less_area(const GEOSGeometry *a, const GEOSGeometry *b)
{
    double area = 0;
    if (!a)
        return 0;
    if (!b) {
        GEOSArea_r(ctx, a, &area);
        return area;
    }
    GEOSGeometry *d = GEOSDifference_r(ctx, a, b);
    if (d) {
        GEOSArea_r(ctx, d, &area);
        GEOSGeom_destroy_r(ctx, d);
    }
    return area;
}

/* Random states of a 5 x 5 grid of cells, before and now: what
 * cm_coverage_change makes is GEOS's two differences, to the area of what
 * one has and the other has not; it makes it every time (cells meet vertex
 * to vertex: no border crosses another between vertices). */
static void
random_grids(int trials)
{
    const int g = 5;
    unsigned long long seed = 88172645463325252ull;
    int made = 0;
    for (int t = 0; t < trials; t++) {
        unsigned long long bits[2];
        for (int k = 0; k < 2; k++) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            bits[k] = seed & ((1ull << (g * g)) - 1);
        }
        for (int k = 0; k < 2; k++)   /* now (k 0) on the left, before turned */
            for (int i = 0; i < g; i++)
                for (int j = 0; j < g; j++)
                    if (bits[k] >> (i * g + j) & 1)
                        square(i, j, i + 1, j + 1, 0.5, k);
        cancel_twins();
        static unsigned char lost[MAX_EDGES];
        edge_kinds(lost);
        GEOSGeometry *gain[2];
        int ok = cm_coverage_change(ctx, (const double(*)[4])edges, lost, n_edges, gain);
        n_edges = n_squares[0] = n_squares[1] = 0;
        if (!ok)
            continue;
        made++;
        GEOSGeometry *now = cells_of(bits[0], g), *before = cells_of(bits[1], g);
        for (int k = 0; k < 2; k++) {   /* GEOS's difference, and the area apart */
            const GEOSGeometry *from_g = k ? before : now, *less_g = k ? now : before;
            GEOSGeometry *want_g = !from_g ? NULL
                                   : less_g ? GEOSDifference_r(ctx, from_g, less_g)
                                            : GEOSGeom_clone_r(ctx, from_g);
            double want = 0, got = 0, off = 0;
            if (want_g)
                GEOSArea_r(ctx, want_g, &want);
            if (gain[k]) {
                CHECK_INT(GEOSisValid_r(ctx, gain[k]), 1);
                GEOSArea_r(ctx, gain[k], &got);
                if (want_g)
                    off = less_area(gain[k], want_g) + less_area(want_g, gain[k]);
                GEOSGeom_destroy_r(ctx, gain[k]);
            }
            if (want_g)
                GEOSGeom_destroy_r(ctx, want_g);
            if (fabs(got - want) > 1e-9 || off > 1e-9) {
                fprintf(stderr, "grids %llx %llx: %s %g, GEOS %g, apart %g\n", bits[0], bits[1],
                        k ? "lost" : "gained", got, want, off);
                CHECK(0);
            }
        }
        if (now)
            GEOSGeom_destroy_r(ctx, now);
        if (before)
            GEOSGeom_destroy_r(ctx, before);
    }
    CHECK_INT(made, trials);
}

/* cm_coverage_change on the ring @xy (@m points, closed) given as one kind
 * (@lost) and, when @m2, the ring @xy2 as the other: whether it made them. */
static int
given(const double *xy, size_t m, int lost, const double *xy2, size_t m2)
{
    double e[16][4];
    unsigned char k[16];
    size_t n = 0;
    for (size_t i = 0; i + 1 < m && n < 16; i++, n++) {
        memcpy(e[n], xy + 2 * i, sizeof(e[0]));
        k[n] = (unsigned char)lost;
    }
    for (size_t i = 0; i + 1 < m2 && n < 16; i++, n++) {
        memcpy(e[n], xy2 + 2 * i, sizeof(e[0]));
        k[n] = (unsigned char)!lost;
    }
    GEOSGeometry *gain[2];
    int made = cm_coverage_change(ctx, (const double(*)[4])e, k, n, gain);
    for (int j = 0; j < 2; j++)
        if (gain[j])
            GEOSGeom_destroy_r(ctx, gain[j]);
    return made;
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

    /* what changed hands: a district taken (1 x 1) beside one given up
     * (2 x 1) under a strip held throughout; their border comes twice */
    square(0, 0, 1, 1, 0.25, 0);
    square(0, 1, 3, 2, 0.25, 0);
    square(1, 0, 3, 1, 0.25, 1);
    square(0, 1, 3, 2, 0.25, 1);
    changed_as(__LINE__, 1, 0, 1, 1, 0, 2);
    /* a ring of 8 cells taken, its middle not: a gain with a hole */
    ring_of_8(0);
    changed_as(__LINE__, 1, 1, 8, 0, 0, 0);
    /* and a square in the middle given up the while: a loss in its hole */
    ring_of_8(0);
    square(1.25, 1.25, 1.75, 1.75, 0.25, 1);
    changed_as(__LINE__, 1, 1, 8, 1, 0, 0.25);
    /* the ring of 8 given up: a loss with a hole */
    ring_of_8(1);
    changed_as(__LINE__, 0, 0, 0, 1, 1, 8);
    /* a checkerboard: two cells taken and two given up, all meeting at a corner */
    square(0, 0, 1, 1, 0.5, 0);
    square(1, 1, 2, 2, 0.5, 0);
    square(1, 0, 2, 1, 0.5, 1);
    square(0, 1, 1, 2, 0.5, 1);
    changed_as(__LINE__, 2, 0, 2, 2, 0, 2);
    /* nothing changed */
    square(0, 0, 1, 1, 0.5, 0);
    square(0, 0, 1, 1, 0.5, 1);
    changed_as(__LINE__, 0, 0, 0, 0, 0, 0);
    /* an area moved so that its old and new outlines cross at vertices of
     * both: an L-shape gained, another lost */
    square(0, 0, 2, 1, 0.5, 0);
    square(1, 0.5, 3, 1.5, 0.5, 1);
    changed_as(__LINE__, 1, 0, 1.5, 1, 0, 1.5);
    random_grids(200);
    /* crossing between vertices: refused, for GEOS's overlay */
    square(0, 0, 2, 1, 0.5, 0);
    square(1.25, 0.5, 3.25, 1.5, 0.5, 1);
    CHECK(!change(NULL, NULL, NULL));
    /* a ring that crosses itself between vertices (two borders crossing),
     * and a gain and a loss that overlap (edges given the wrong kind):
     * refused, though each ring closes */
    const double bowtie[] = { 0, 0, 0, 2, 3, 0, 3, 3, 0, 0 };   /* anticlockwise on the whole */
    CHECK(!given(bowtie, 5, 0, NULL, 0));
    const double left[] = { 0, 0, 2, 0, 2, 2, 0, 2, 0, 0 };
    const double right_cw[] = { 1, 0, 1, 2, 3, 2, 3, 0, 1, 0 };   /* what it bounds on its right */
    CHECK(given(left, 5, 0, NULL, 0));
    CHECK(!given(left, 5, 0, right_cw, 5));

    GEOS_finish_r(ctx);
    return check_result("test_coverage");
}
