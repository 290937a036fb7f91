/* Clipping and simplifying projected paths: what is inside the map stays
 * exactly, what is outside goes, and simplification moves nothing by more than
 * its tolerance. */
#include "check.h"
#include "geo/clip.h"
#include "geo/simplify.h"

#include <math.h>
#include <stdlib.h>

static const double rect[4] = { 0, 0, 100, 100 };

/* Shoelace area of one part of @b. */
static double
area(const cm_pathbuf *b, size_t k)
{
    double a = 0;
    size_t s = b->part_start[k], e = b->part_start[k + 1];
    for (size_t i = s; i < e; i++) {
        size_t j = i + 1 < e ? i + 1 : s;
        a += b->xy[2 * i] * b->xy[2 * j + 1] - b->xy[2 * j] * b->xy[2 * i + 1];
    }
    return fabs(a) / 2;
}

static void
test_ring(void)
{
    /* A square from (-50, -50) to (50, 50), clockwise, and one wholly outside. */
    double sq[] = { -50, -50, -50, 50, 50, 50, 50, -50 };
    double far[] = { 200, 200, 300, 200, 300, 300 };
    double inside[] = { 10, 10, 20, 10, 20, 20, 10, 20 };
    cm_pathbuf b = { 0 };
    CHECK_INT(cm_clip_ring(&b, sq, 4, rect), CM_OK);
    CHECK_INT(cm_clip_ring(&b, far, 3, rect), CM_OK);
    CHECK_INT(cm_clip_ring(&b, inside, 4, rect), CM_OK);
    CHECK_INT(cm_pathbuf_end(&b), CM_OK);
    CHECK_INT(b.n_parts, 2);
    CHECK_NEAR(area(&b, 0), 2500, 1e-9);
    CHECK_NEAR(area(&b, 1), 100, 1e-9);
    CHECK_INT(b.part_start[2] - b.part_start[1], 4);   /* inside: untouched */
    cm_pathbuf_free(&b);
}

/* A ring around the whole map (a country the map is inside) becomes the map. */
static void
test_ring_around(void)
{
    double big[] = { -1000, -1000, 1000, -1000, 1000, 1000, -1000, 1000 };
    cm_pathbuf b = { 0 };
    CHECK_INT(cm_clip_ring(&b, big, 4, rect), CM_OK);
    CHECK_INT(cm_pathbuf_end(&b), CM_OK);
    CHECK_INT(b.n_parts, 1);
    CHECK_NEAR(b.n_parts ? area(&b, 0) : 0, 10000, 1e-9);
    cm_pathbuf_free(&b);
}

static void
test_line(void)
{
    /* In, out, back in: two pieces; a NaN breaks the line too. */
    double line[] = { 50, 50, 150, 50, 150, 60, 50, 60, 40, 60, NAN, NAN, 30, 60, 20, 60 };
    cm_pathbuf b = { 0 };
    CHECK_INT(cm_clip_line(&b, line, 8, rect), CM_OK);
    CHECK_INT(cm_pathbuf_end(&b), CM_OK);
    CHECK_INT(b.n_parts, 3);
    CHECK_NEAR(b.xy[2], 100, 1e-9);                  /* leaves at the right edge */
    CHECK_INT(b.part_start[1], 2);
    CHECK_NEAR(b.xy[2 * b.part_start[1]], 100, 1e-9);  /* comes back there */
    cm_pathbuf_free(&b);
}

/* Distance from @p to the nearest segment of the @m-point line @xy. */
static double
to_line(const double *p, const double *xy, size_t m)
{
    double best = INFINITY;
    for (size_t k = 0; k + 1 < m; k++) {
        const double *a = xy + 2 * k, *b = xy + 2 * k + 2;
        double dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
        double t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
        t = fmax(0, fmin(1, t));
        best = fmin(best, hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy));
    }
    return best;
}

static void
test_simplify(void)
{
    enum { N = 1001 };
    double *xy = malloc(2 * N * sizeof(double)), *orig = malloc(2 * N * sizeof(double));
    if (!xy || !orig)
        return;
    for (int i = 0; i < N; i++) {   /* a gentle wave with a 0.1 px wobble */
        xy[2 * i] = orig[2 * i] = i * 0.1;
        xy[2 * i + 1] = orig[2 * i + 1] = 10 * sin(i * 0.01) + 0.1 * ((i % 2) ? 1 : -1);
    }
    size_t m = N;
    CHECK_INT(cm_simplify(xy, &m, CM_SIMPLIFY_TOLERANCE_PX), CM_OK);
    CHECK(m < N / 5);
    CHECK_NEAR(xy[0], orig[0], 0);
    CHECK_NEAR(xy[2 * m - 2], orig[2 * N - 2], 0);
    /* Every original point lies within the tolerance of the simplified line. */
    double worst = 0;
    for (int i = 0; i < N; i++)
        worst = fmax(worst, to_line(orig + 2 * i, xy, m));
    CHECK(worst <= CM_SIMPLIFY_TOLERANCE_PX + 1e-9);
    free(xy);
    free(orig);
}

int
main(void)
{
    test_ring();
    test_ring_around();
    test_line();
    test_simplify();
    return check_result("test_clip");
}
