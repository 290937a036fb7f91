/* Areas on the ellipsoid (area.h). */
#include "geo/area.h"
#include "geo/rings.h"

#include "common/grow.h"
#include "common/minmax.h"
#include "common/mix64.h"

#include <geodesic.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* WGS 84 */
#define WGS84_A 6378137.0
#define WGS84_F (1 / 298.257223563)

/* q of the latitude @lat (radians), Snyder's (3-12): the authalic latitude
 * is asin(q / q(90°)). */
static double
authalic_q(double lat)
{
    const double e2 = WGS84_F * (2 - WGS84_F), e = sqrt(e2);
    double s = sin(lat);
    return (1 - e2) * (s / (1 - e2 * s * s) - log((1 - e * s) / (1 + e * s)) / (2 * e));
}

/* Whether the edge from @p to @q (longitude, latitude in degrees) is longer
 * than about 2 km; *steps, the pieces of at most that it splits into. */
static int
long_edge(const double *p, const double *q, int *steps)
{
    double dx = fabs(q[0] - p[0]), dy = fabs(q[1] - p[1]);
    if (dx <= 0.02 && dy <= 0.02)   /* most edges: short without a cosine */
        return 0;
    dx = fabs(remainder(q[0] - p[0], 360)) * cos(p[1] * M_PI / 180);
    double d = fmax(dx, dy);
    if (d <= 0.02)
        return 0;
    *steps = (int)ceil(d / 0.02);
    return 1;
}


/* @v clamped to [-1, 1], as fmax(-1, fmin(1, @v)) (NaN gives 1). */
static inline double
clamp1(double v)
{
    return !(v <= 1) ? 1 : v < -1 ? -1 : v;
}

/* sin(@d) and cos(@d) - 1 for |@d| <= SMALL_ANGLE by their Taylor series,
 * the first term left out well below a unit in the last place (|@d|^15 / 15!
 * and |@d|^16 / 16! are below 1e-19 of them there); within 0.05 radian
 * (most rings: bench/control's areas are 4 degrees across), to |@d|^9 / 9!
 * and |@d|^8 / 8! (the next terms below 1e-19 of @d and 1e-19 absolute). */
#define SMALL_ANGLE 0.35
static inline void
small_sincos(double d, double *s, double *cm1)
{
    double d2 = d * d;
    if (fabs(d) <= 0.05) {
        *s = d + d * d2 * (-1.0 / 6 + d2 * (1.0 / 120 + d2 * (-1.0 / 5040 + d2 * (1.0 / 362880))));
        *cm1 = d2 * (-0.5 + d2 * (1.0 / 24 + d2 * (-1.0 / 720 + d2 * (1.0 / 40320))));
        return;
    }
    *s = d + d * d2 * (-1.0 / 6 + d2 * (1.0 / 120 + d2 * (-1.0 / 5040 + d2 * (1.0 / 362880 +
         d2 * (-1.0 / 39916800 + d2 * (1.0 / 6227020800.0))))));
    *cm1 = d2 * (-0.5 + d2 * (1.0 / 24 + d2 * (-1.0 / 720 + d2 * (1.0 / 40320 +
           d2 * (-1.0 / 3628800 + d2 * (1.0 / 479001600.0 + d2 * (-1.0 / 87178291200.0)))))));
}

/* authalic_q() of the latitude whose sine is @s: its log as the series of
 * atanh(e s) / (e s) = sum (e² s²)^k / (2k + 1), whose ninth term is below
 * 1e-19 of the first (e² s² <= e² < 0.0067). */
static inline double
authalic_q_of_sine(double s)
{
    const double e2 = WGS84_F * (2 - WGS84_F);
    double t = e2 * s * s;
    double p = 1 + t * (1.0 / 3 + t * (1.0 / 5 + t * (1.0 / 7 + t * (1.0 / 9 + t * (1.0 / 11 +
               t * (1.0 / 13 + t * (1.0 / 15 + t * (1.0 / 17))))))));
    return (1 - e2) * s * (1 / (1 - t) + p);
}

/* The area of the ring @xy (@n longitude, latitude pairs in degrees, closed
 * or not, its edges at most about 2 km) in the Lambert azimuthal equal-area
 * projection of the ellipsoid (the authalic sphere's, Snyder's (3-11) and
 * (24-2)) centred on the middle of its box (@lon0, @lat0), in m². The
 * sines and cosines of each vertex are taken by series about the centre
 * (the ring is within 15 degrees of it) and q's log by its series, not by
 * the library's sin(), cos() and log() (most of the measure's instructions:
 * bench/control's areas that changed hands have half a million vertices):
 * the same to a unit or two in the last place, 1e-15 of the area. */
static double
laea_area_m2(const double *xy, size_t n, double lon0, double lat0)
{
    const double rad = M_PI / 180, qp = authalic_q(M_PI / 2);
    double b1 = asin(clamp1(authalic_q(lat0 * rad) / qp));
    double sb1 = sin(b1), cb1 = cos(b1), sum = 0, x0 = 0, y0 = 0, px = 0, py = 0;
    double phi0 = lat0 * rad, sphi0 = sin(phi0), cphi0 = cos(phi0);
    for (size_t i = 0; i < n; i++) {
        /* the latitude's sine about the centre's: sin(phi0 + d) */
        double phi = xy[2 * i + 1] * rad, d = phi - phi0, sphi, s, cm1;
        if (fabs(d) <= SMALL_ANGLE) {
            small_sincos(d, &s, &cm1);
            sphi = sphi0 + (sphi0 * cm1 + cphi0 * s);
        } else
            sphi = sin(phi);
        /* the authalic latitude b's sine and cosine, without b */
        double sb = clamp1(authalic_q_of_sine(sphi) / qp);
        double cb = sqrt(1 - sb * sb);
        /* remainder() returns its argument unchanged within half a turn */
        double dl = (xy[2 * i] - lon0) * rad, sdl, cdl;
        if (!(fabs(dl) < M_PI))
            dl = remainder(dl, 2 * M_PI);
        if (fabs(dl) <= SMALL_ANGLE) {
            small_sincos(dl, &sdl, &cm1);
            cdl = 1 + cm1;
        } else {
            sdl = sin(dl);
            cdl = cos(dl);
        }
        double den = 1 + sb1 * sb + cb1 * cb * cdl;
        double k = sqrt(2 / (den > 1e-12 ? den : 1e-12));   /* fmax(1e-12, den) */
        double x = k * cb * sdl, y = k * (cb1 * sb - sb1 * cb * cdl);
        if (i == 0) {
            x0 = x;
            y0 = y;
        } else {
            sum += px * y - x * py;
        }
        px = x;
        py = y;
    }
    sum += px * y0 - x0 * py;
    /* on the unit sphere; the authalic sphere's radius squared is a² q(90°) / 2 */
    return fabs(sum) / 2 * WGS84_A * WGS84_A * qp / 2;
}

struct cm_area_edge {
    double p[2], q[2];
    size_t at;                 /* its steps - 1 points in the memo's points */
    int steps;                 /* 0: an empty slot */
};

void
cm_area_memo_clear(cm_area_memo *m)
{
    free(m->slot);
    free(m->points);
    memset(m, 0, sizeof(*m));
}

static cm_area_edge *
dense_find(const cm_area_memo *m, const double *p, const double *q)
{
    if (!m || !m->cap)
        return NULL;
    for (size_t i = (size_t)cm_edge_hash(p, q) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        cm_area_edge *e = &m->slot[i];
        if (!e->steps || (memcmp(e->p, p, sizeof e->p) == 0 && memcmp(e->q, q, sizeof e->q) == 0))
            return e;
    }
}

/* Notes the @steps - 1 points @pt of the edge from @p to @q; out of memory,
 * they are only not noted. */
static void
dense_note(cm_area_memo *m, const double *p, const double *q, int steps, const double *pt)
{
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        cm_area_edge *slot = calloc(cap, sizeof(*slot));
        if (!slot)
            return;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slot[i].steps) {
                size_t k = (size_t)cm_edge_hash(m->slot[i].p, m->slot[i].q) & (cap - 1);
                while (slot[k].steps)
                    k = (k + 1) & (cap - 1);
                slot[k] = m->slot[i];
            }
        free(m->slot);
        m->slot = slot;
        m->cap = cap;
    }
    size_t len = 2 * (size_t)(steps - 1);
    if (!CM_RESERVE(m->points, m->cap_points, m->n_points + len))
        return;
    cm_area_edge *e = dense_find(m, p, q);
    if (e->steps)
        return;
    memcpy(m->points + m->n_points, pt, len * sizeof(double));
    memcpy(e->p, p, sizeof e->p);
    memcpy(e->q, q, sizeof e->q);
    e->at = m->n_points;
    e->steps = steps;
    m->n_points += len;
    m->n++;
}

double
cm_area_ring_m2(const double *xy, size_t n, cm_area_memo *memo)
{
    if (n < 3)
        return 0;
    size_t extra = 0;
    double lat_lo = 90, lat_hi = -90, west = 0, east = 0;   /* east and west of the first */
    for (size_t i = 0; i < n; i++) {
        size_t j = i + 1 < n ? i + 1 : 0;
        int steps;
        if (long_edge(&xy[2 * i], &xy[2 * j], &steps))
            extra += (size_t)steps - 1;
        lat_lo = cm_min_acc(lat_lo, xy[2 * i + 1]);
        lat_hi = cm_max_acc(lat_hi, xy[2 * i + 1]);
        double off = xy[2 * i] - xy[0];
        if (!(fabs(off) < 180))
            off = remainder(off, 360);
        west = cm_min_acc(west, off);
        east = cm_max_acc(east, off);
    }
    double lon0 = xy[0] + (west + east) / 2, lat0 = (lat_lo + lat_hi) / 2, span = east - west;
    int wide = lat_hi - lat_lo > 30 || span > 30 || extra > 1000000;
    if (!wide && extra == 0)
        return laea_area_m2(xy, n, lon0, lat0);
    struct geod_geodesic g;
    geod_init(&g, WGS84_A, WGS84_F);
    if (wide) {
        struct geod_polygon poly;
        double area = 0, perimeter = 0;
        geod_polygon_init(&poly, 0);
        for (size_t i = 0; i < n; i++)
            geod_polygon_addpoint(&g, &poly, xy[2 * i + 1], xy[2 * i]);
        geod_polygon_compute(&g, &poly, 0, 1, &area, &perimeter);
        return fabs(area);
    }
    double *dense = malloc(2 * (n + extra) * sizeof(double));
    if (!dense)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = i + 1 < n ? i + 1 : 0;
        int steps;
        dense[2 * k] = xy[2 * i];
        dense[2 * k + 1] = xy[2 * i + 1];
        k++;
        if (!long_edge(&xy[2 * i], &xy[2 * j], &steps))
            continue;
        const cm_area_edge *e = dense_find(memo, &xy[2 * i], &xy[2 * j]);
        if (e && e->steps == steps) {
            memcpy(dense + 2 * k, memo->points + e->at, 2 * (size_t)(steps - 1) * sizeof(double));
            k += (size_t)steps - 1;
            continue;
        }
        struct geod_geodesicline line;
        size_t k0 = k;
        geod_inverseline(&line, &g, xy[2 * i + 1], xy[2 * i], xy[2 * j + 1], xy[2 * j], 0);
        for (int m = 1; m < steps; m++, k++)
            geod_position(&line, line.s13 * m / steps, &dense[2 * k + 1], &dense[2 * k], NULL);
        if (memo && steps > 1)
            dense_note(memo, &xy[2 * i], &xy[2 * j], steps, dense + 2 * k0);
    }
    double area = laea_area_m2(dense, k, lon0, lat0);
    free(dense);
    return area;
}


/* cm_area_km2() under way. */
typedef struct measure {
    cm_area_memo *memo;
    double *xy;                /* a ring's points */
    size_t cap;
    double km2;
    int ok;
} measure;

/* Adds ring @ring's area to @m's, @sign 1 for an outer ring, -1 for a hole. */
static void
measure_ring(measure *m, GEOSContextHandle_t ctx, const GEOSGeometry *ring, int sign)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &n) || n < 2)
        return;
    if (!CM_RESERVE(m->xy, m->cap, 2 * (size_t)n) ||
        !GEOSCoordSeq_copyToBuffer_r(ctx, cs, m->xy, 0, 0)) {
        m->ok = 0;
        return;
    }
    double m2 = cm_area_ring_m2(m->xy, n, m->memo);
    if (m2 < 0) {
        m->ok = 0;
        return;
    }
    m->km2 += sign * m2 / 1e6;
}

static void
measure_geometry(measure *m, GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        measure_ring(m, ctx, GEOSGetExteriorRing_r(ctx, g), 1);
        int holes = GEOSGetNumInteriorRings_r(ctx, g);
        for (int i = 0; i < holes && m->ok; i++)
            measure_ring(m, ctx, GEOSGetInteriorRingN_r(ctx, g, i), -1);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTILINESTRING ||
               type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n && m->ok; i++)
            measure_geometry(m, ctx, GEOSGetGeometryN_r(ctx, g, i));
    }
}

double
cm_area_km2(GEOSContextHandle_t ctx, const GEOSGeometry *g, cm_area_memo *memo, int *ok)
{
    measure m = { memo, NULL, 0, 0, 1 };
    measure_geometry(&m, ctx, g);
    free(m.xy);
    if (!m.ok && ok)
        *ok = 0;
    return m.ok ? m.km2 : -1;
}

int
cm_area_control_features(cm_control *c, size_t f0)
{
    GEOSContextHandle_t ctx = cm_geos_load() ? NULL : GEOS_init_r();
    if (!ctx)
        return 0;
    cm_area_memo memo;
    memset(&memo, 0, sizeof memo);
    int ok = 1;
    for (size_t i = f0; ok && i < c->n_features; i++) {
        cm_control_feature *f = &c->features[i];
        GEOSGeometry *g = cm_rings_polygons(ctx, c->lonlat, c->ring_start + f->first_ring,
                                            c->ring_outer + f->first_ring, f->n_rings);
        double km2 = g ? cm_area_km2(ctx, g, &memo, &ok) : 0;
        if (g)
            GEOSGeom_destroy_r(ctx, g);
        ok = ok && isfinite(km2) && km2 >= 0;
        if (ok)
            f->km2 = km2;   /* this run's territory takes it too */
    }
    cm_area_memo_clear(&memo);
    GEOS_finish_r(ctx);
    return ok;
}
