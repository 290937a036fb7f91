/* Territory: who holds what on a slice, dissolved. The regions named by
 * `area` events and initial_control and the control layers' areas valid at
 * the slice's moment are united per side and status with GEOS, so that a
 * side's territory has no inner borders; the front line is where two sides'
 * held areas meet. The work is done once per distinct control state: a slice
 * whose state is the previous slice's shares its territory. Areas are
 * measured on the WGS 84 ellipsoid, vertices joined by geodesics (see
 * ring_area_m2), and the area that changed hands since the previous state is
 * kept for the map, the words and the manifest. */
#include "geo/geos.h"
#include "layout/layout.h"
#include "load/control.h"

#include <geodesic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Regions whose name is the name of a controlled place or area are held by
 * its side; hatched while the change that gave it is not confirmed (claimed,
 * or disputed: a denied claim must not look surer than a claim). Region
 * names are keyed once per run, the control names once per slice. */
int
layout_region_named(const cm_scene_path *p, const char *key)
{
    for (size_t k = 0; k < 4; k++)
        if (p->name_keys[k] && *p->name_keys[k] && strcmp(p->name_keys[k], key) == 0)
            return 1;
    return 0;
}

void
layout_short_time(const cm_scene_base *b, cm_time t, char buf[LAYOUT_TIME_BUF])
{
    if ((t % 86400 + 86400) % 86400 == 0)   /* at midnight */
        cm_catalog_date(b->words, "{day} {month}", t, buf, LAYOUT_TIME_BUF);
    else
        cm_catalog_date(b->words, "{day} {month}, {time}", t, buf, LAYOUT_TIME_BUF);
}

typedef struct tkey {
    const char *side;
    int status;                /* cm_control_status */
    int is_feature;            /* a control layer's feature, else a region of the base */
    size_t index;
} tkey;

struct layout_territory {
    int refs;                  /* atomic: scenes are let go of by the workers */
    tkey *key;
    size_t n_key;
    layout_territory_area *areas;
    size_t n_areas;
    GEOSGeometry **geoms;      /* per area, in longitude/latitude, for the next state's change */
    GEOSContextHandle_t ctx;
};

static void
free_path(cm_scene_path *p)
{
    free(p->xy);
    free(p->part_start);
}

void
layout_territory_unref(layout_territory *t)
{
    if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (size_t i = 0; i < t->n_areas; i++) {
        free_path(&t->areas[i].path);
        if (t->geoms[i])
            GEOSGeom_destroy_r(t->ctx, t->geoms[i]);
    }
    free(t->areas);
    free(t->geoms);
    free(t->key);
    if (t->ctx)
        GEOS_finish_r(t->ctx);
    free(t);
}

const layout_territory_area *
layout_territory_areas(const layout_territory *t, size_t *n)
{
    *n = t ? t->n_areas : 0;
    return t ? t->areas : NULL;
}

/* ---- the key: what the state is made of ----------------------------------------------- */

static int
add_key(tkey **k, size_t *n, size_t *cap, tkey e)
{
    if (!CM_GROW(*k, *n, *cap))
        return 0;
    (*k)[(*n)++] = e;
    return 1;
}

/* The slice's control state: regions held through area events, then the
 * control layers' features valid at its moment. 0 when out of memory. */
static int
make_key(layout *L, tkey **out, size_t *n_out)
{
    const cm_slice *sl = L->sc->slice;
    tkey *k = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < cm_slice_n_control(sl); i++) {
        const char *name, *side;
        const cm_event *by;
        if (!cm_slice_control_is_area(sl, i))
            continue;
        cm_slice_control_at(sl, i, &name, &side, &by);
        const cm_side *s = cm_events_find_side(L->b->events, side);
        char *key = cm_name_key(name);
        if (!key || !s) {
            free(key);
            if (!key)
                goto nomem;
            continue;
        }
        int claimed = by && strcmp(cm_event_status(by), "confirmed") != 0;
        for (size_t p = 0; *key && p < L->b->n_paths; p++)
            if (L->b->paths[p].is_polygon && L->b->paths[p].shape &&
                layout_region_named(&L->b->paths[p], key) &&
                !add_key(&k, &n, &cap, (tkey){ cm_side_code(s),
                                              claimed ? CM_CONTROL_CLAIMED
                                                      : CM_CONTROL_CONTROLLED, 0, p })) {
                free(key);
                goto nomem;
            }
        free(key);
    }
    const cm_control *c = L->b->control;
    cm_time t = cm_slice_time(sl);
    for (size_t i = 0; c && i < c->n_features; i++)
        if (cm_control_valid_at(&c->features[i], t) &&
            !add_key(&k, &n, &cap, (tkey){ c->features[i].side, (int)c->features[i].status, 1, i }))
            goto nomem;
    *out = k;
    *n_out = n;
    return 1;
nomem:
    free(k);
    return 0;
}

static int
same_key(const layout_territory *t, const tkey *k, size_t n)
{
    return t && t->n_key == n && (n == 0 || memcmp(t->key, k, n * sizeof(*k)) == 0);
}

/* ---- GEOS geometries from the sources ---------------------------------------------------- */

static GEOSGeometry *
ring_polygon(GEOSContextHandle_t ctx, const double *lonlat, size_t n)
{
    if (n < 3)
        return NULL;
    int closed = lonlat[0] == lonlat[2 * (n - 1)] && lonlat[1] == lonlat[2 * (n - 1) + 1];
    size_t m = closed ? n : n + 1;
    if (m < 4)
        return NULL;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(ctx, (unsigned)m, 2);
    if (!cs)
        return NULL;
    for (size_t i = 0; i < m; i++) {
        size_t j = i < n ? i : 0;
        GEOSCoordSeq_setX_r(ctx, cs, (unsigned)i, lonlat[2 * j]);
        GEOSCoordSeq_setY_r(ctx, cs, (unsigned)i, lonlat[2 * j + 1]);
    }
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(ctx, cs);
    return ring ? GEOSGeom_createPolygon_r(ctx, ring, NULL, 0) : NULL;
}

/* United, with a fallback for invalid input: each part made valid first. */
static GEOSGeometry *
unite(GEOSContextHandle_t ctx, GEOSGeometry **parts, size_t n)
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
    GEOSGeometry *u = GEOSUnaryUnion_r(ctx, coll);
    if (!u) {
        GEOSGeometry *valid = GEOSMakeValid_r(ctx, coll);
        u = valid ? GEOSUnaryUnion_r(ctx, valid) : NULL;
        if (valid)
            GEOSGeom_destroy_r(ctx, valid);
    }
    GEOSGeom_destroy_r(ctx, coll);
    return u;
}

/* A region of the base map: its rings, those inside another taken as holes
 * (even-odd, as it is drawn). */
static GEOSGeometry *
region_geometry(GEOSContextHandle_t ctx, const cm_shape *shape)
{
    size_t n = cm_shape_n_parts(shape);
    GEOSGeometry **rings = calloc(n ? n : 1, sizeof(*rings));
    if (!rings)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t np;
        const double *pt = cm_shape_part(shape, i, &np);
        GEOSGeometry *g = ring_polygon(ctx, pt, np);
        if (g)
            rings[k++] = g;
    }
    GEOSGeometry *r = NULL;
    if (k == 1)
        r = rings[0];
    else if (k > 1) {   /* a symmetric difference of the rings: even-odd */
        r = rings[0];
        for (size_t i = 1; i < k; i++) {
            GEOSGeometry *x = r ? GEOSSymDifference_r(ctx, r, rings[i]) : NULL;
            if (r)
                GEOSGeom_destroy_r(ctx, r);
            GEOSGeom_destroy_r(ctx, rings[i]);
            r = x;
        }
    }
    free(rings);
    return r;
}

/* A control feature: each outer ring with the holes that follow it. */
static GEOSGeometry *
feature_geometry(GEOSContextHandle_t ctx, const cm_control *c, const cm_control_feature *f)
{
    GEOSGeometry **polys = calloc(f->n_rings, sizeof(*polys));
    size_t n = 0;
    if (!polys)
        return NULL;
    for (size_t r = f->first_ring; r < f->first_ring + f->n_rings; r++) {
        size_t a = c->ring_start[r], b = c->ring_start[r + 1];
        GEOSGeometry *g = ring_polygon(ctx, c->lonlat + 2 * a, b - a);
        if (!g)
            continue;
        if (c->ring_outer[r] || n == 0)
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
    GEOSGeometry *u = unite(ctx, polys, n);
    free(polys);
    return u;
}

/* ---- GEOS geometries to paths and square kilometres ------------------------------------- */

typedef struct sink {
    layout *L;
    cm_scene_path *p;
    size_t cap_points, cap_parts;
    double km2;
    int ok;
} sink;

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
    double dx = fabs(remainder(q[0] - p[0], 360)) * cos(p[1] * M_PI / 180);
    double d = fmax(dx, fabs(q[1] - p[1]));
    if (d <= 0.02)
        return 0;
    *steps = (int)ceil(d / 0.02);
    return 1;
}

/* The area of the ring @xy (@n longitude, latitude pairs in degrees, closed
 * or not, its edges at most about 2 km) in the Lambert azimuthal equal-area
 * projection of the ellipsoid (the authalic sphere's, Snyder's (3-11) and
 * (24-2)) centred on the middle of its box (@lon0, @lat0), in m². */
static double
laea_area_m2(const double *xy, size_t n, double lon0, double lat0)
{
    const double rad = M_PI / 180, qp = authalic_q(M_PI / 2);
    double b1 = asin(fmax(-1, fmin(1, authalic_q(lat0 * rad) / qp)));
    double sb1 = sin(b1), cb1 = cos(b1), sum = 0, x0 = 0, y0 = 0, px = 0, py = 0;
    for (size_t i = 0; i < n; i++) {
        double b = asin(fmax(-1, fmin(1, authalic_q(xy[2 * i + 1] * rad) / qp)));
        double dl = remainder((xy[2 * i] - lon0) * rad, 2 * M_PI);
        double sb = sin(b), cb = cos(b), cdl = cos(dl);
        double k = sqrt(2 / fmax(1e-12, 1 + sb1 * sb + cb1 * cb * cdl));
        double x = k * cb * sin(dl), y = k * (cb1 * sb - sb1 * cb * cdl);
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

/* The area of ring @xy (@n longitude, latitude pairs in degrees, closed or
 * not) on the ellipsoid in m², its vertices joined by geodesics. Each edge
 * longer than about 2 km is split along its geodesic (PROJ's geod_*) into
 * pieces of at most that; then the ring in the Lambert azimuthal equal-area
 * projection centred on the middle of its box gives it, as there an area is
 * the plane's and so short a geodesic is straight to a hair: within 0.005 km²
 * of PROJ's geod_polygon_compute() on Natural Earth's regions, and several
 * times cheaper (docs/control.md). A ring wider than 30 degrees, where the
 * projection bends geodesics more, is left to geod_polygon_compute(). The
 * geodesic areas of the many small rings of the area that changed hands were a
 * third of a slice's territory with a large control layer (bench/control).
 * Returns -1 when out of memory. */
static double
ring_area_m2(const double *xy, size_t n)
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
        lat_lo = fmin(lat_lo, xy[2 * i + 1]);
        lat_hi = fmax(lat_hi, xy[2 * i + 1]);
        double off = remainder(xy[2 * i] - xy[0], 360);
        west = fmin(west, off);
        east = fmax(east, off);
    }
    double lon0 = xy[0] + (west + east) / 2, lat0 = (lat_lo + lat_hi) / 2, span = east - west;
    struct geod_geodesic g;
    geod_init(&g, WGS84_A, WGS84_F);
    if (lat_hi - lat_lo > 30 || span > 30 || extra > 1000000) {
        struct geod_polygon poly;
        double area = 0, perimeter = 0;
        geod_polygon_init(&poly, 0);
        for (size_t i = 0; i < n; i++)
            geod_polygon_addpoint(&g, &poly, xy[2 * i + 1], xy[2 * i]);
        geod_polygon_compute(&g, &poly, 0, 1, &area, &perimeter);
        return fabs(area);
    }
    if (extra == 0)
        return laea_area_m2(xy, n, lon0, lat0);
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
        struct geod_geodesicline line;
        geod_inverseline(&line, &g, xy[2 * i + 1], xy[2 * i], xy[2 * j + 1], xy[2 * j], 0);
        for (int m = 1; m < steps; m++, k++)
            geod_position(&line, line.s13 * m / steps, &dense[2 * k + 1], &dense[2 * k], NULL);
    }
    double area = laea_area_m2(dense, k, lon0, lat0);
    free(dense);
    return area;
}

static void
put_line(sink *s, GEOSContextHandle_t ctx, const GEOSGeometry *line, int sign)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, line);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &n) || n < 2)
        return;
    cm_scene_path *p = s->p;
    if (!CM_RESERVE(p->xy, s->cap_points, 2 * (p->n_points + n)) ||
        !CM_RESERVE(p->part_start, s->cap_parts, p->n_parts + 2)) {
        s->ok = 0;
        return;
    }
    double *xy = p->xy + 2 * p->n_points;
    for (unsigned i = 0; i < n; i++) {
        GEOSCoordSeq_getX_r(ctx, cs, i, &xy[2 * i]);
        GEOSCoordSeq_getY_r(ctx, cs, i, &xy[2 * i + 1]);
    }
    double m2 = sign ? ring_area_m2(xy, n) : 0;   /* a ring's area, before it is projected */
    if (m2 < 0) {
        s->ok = 0;
        return;
    }
    s->km2 += sign * m2 / 1e6;
    cm_projection_forward(s->L->b->proj, xy, n);
    size_t k = 0;
    for (unsigned i = 0; i < n; i++)
        if (isfinite(xy[2 * i]) && isfinite(xy[2 * i + 1])) {
            xy[2 * k] = xy[2 * i];
            xy[2 * k + 1] = xy[2 * i + 1];
            k++;
        }
    if (k < 2)
        return;
    p->part_start[p->n_parts++] = p->n_points;
    p->n_points += k;
    p->part_start[p->n_parts] = p->n_points;
}

static void
put_geometry(sink *s, GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        put_line(s, ctx, GEOSGetExteriorRing_r(ctx, g), 1);
        int holes = GEOSGetNumInteriorRings_r(ctx, g);
        for (int i = 0; i < holes && s->ok; i++)
            put_line(s, ctx, GEOSGetInteriorRingN_r(ctx, g, i), -1);
    } else if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        put_line(s, ctx, g, 0);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTILINESTRING ||
               type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n && s->ok; i++)
            put_geometry(s, ctx, GEOSGetGeometryN_r(ctx, g, i));
    }
}

/* Adds an area of @g to @t (taking @g). 0 when out of memory. */
static int
add_area(layout *L, layout_territory *t, size_t *cap, GEOSGeometry *g, const char *side,
         int status, int kind)
{
    if (!g)
        return 1;
    if (GEOSisEmpty_r(t->ctx, g) == 1) {
        GEOSGeom_destroy_r(t->ctx, g);
        return 1;
    }
    size_t cap_g = *cap;
    if (!CM_RESERVE(t->geoms, cap_g, t->n_areas + 1) ||
        !CM_RESERVE(t->areas, *cap, t->n_areas + 1)) {
        GEOSGeom_destroy_r(t->ctx, g);
        return 0;
    }
    /* both arrays grow by the same doubling from the same capacity */
    layout_territory_area *a = &t->areas[t->n_areas];
    memset(a, 0, sizeof(*a));
    a->side = side;
    a->status = status;
    a->kind = kind;
    a->path.group = CM_GROUP_CONTROL;
    a->path.is_polygon = kind != LAYOUT_TERRITORY_FRONT;
    sink s;
    memset(&s, 0, sizeof s);
    s.L = L;
    s.p = &a->path;
    s.ok = 1;
    put_geometry(&s, t->ctx, g);
    a->km2 = s.km2;
    t->geoms[t->n_areas++] = g;
    return s.ok;
}

/* ---- the territory of a state ------------------------------------------------------------- */

/* Each side's areas of each status, united; then the front lines between the
 * sides' held areas, and what each side gained since @prev. */
static layout_territory *
make_territory(layout *L, tkey *key, size_t n_key, const layout_territory *prev)
{
    layout_territory *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->refs = 1;
    t->key = key;
    t->n_key = n_key;
    t->ctx = cm_geos_load() ? NULL : GEOS_init_r();   /* loaded by run_load_control() */
    size_t cap = 0;
    int ok = t->ctx != NULL;
    GEOSGeometry **parts = calloc(n_key ? n_key : 1, sizeof(*parts));
    ok = ok && parts;
    const cm_events *ev = L->b->events;
    for (size_t si = 0; ok && si < cm_events_n_sides(ev); si++) {
        const char *side = cm_side_code(cm_events_side(ev, si));
        for (int st = 0; ok && st < CM_CONTROL_N_STATUS; st++) {
            size_t n = 0;
            for (size_t i = 0; i < n_key; i++) {
                if (strcmp(key[i].side, side) != 0 || key[i].status != st)
                    continue;
                GEOSGeometry *g = key[i].is_feature
                    ? feature_geometry(t->ctx, L->b->control, &L->b->control->features[key[i].index])
                    : region_geometry(t->ctx, L->b->paths[key[i].index].shape);
                if (g)
                    parts[n++] = g;
            }
            ok = add_area(L, t, &cap, unite(t->ctx, parts, n), side, st, LAYOUT_TERRITORY_AREA);
        }
    }
    free(parts);
    /* the front: a side's held boundary where it lies within ~100 m of another's
     * held area (layers drawn apart by a hair still meet) */
    size_t n_held = t->n_areas;
    for (size_t a = 0; ok && a < n_held; a++)
        for (size_t b = a + 1; ok && b < n_held; b++) {
            const layout_territory_area *x = &t->areas[a], *y = &t->areas[b];
            if (x->status != CM_CONTROL_CONTROLLED || y->status != CM_CONTROL_CONTROLLED ||
                strcmp(x->side, y->side) == 0)
                continue;
            GEOSGeometry *edge = GEOSBoundary_r(t->ctx, t->geoms[a]);
            GEOSGeometry *near = GEOSBuffer_r(t->ctx, t->geoms[b], 0.001, 2);
            GEOSGeometry *front = edge && near ? GEOSIntersection_r(t->ctx, edge, near) : NULL;
            if (edge)
                GEOSGeom_destroy_r(t->ctx, edge);
            if (near)
                GEOSGeom_destroy_r(t->ctx, near);
            ok = add_area(L, t, &cap, front, x->side, CM_CONTROL_CONTROLLED,
                          LAYOUT_TERRITORY_FRONT);
        }
    /* what each side holds now and did not before */
    for (size_t a = 0; ok && prev && a < n_held; a++) {
        const layout_territory_area *x = &t->areas[a];
        if (x->status != CM_CONTROL_CONTROLLED)
            continue;
        const GEOSGeometry *before = NULL;
        for (size_t b = 0; b < prev->n_areas; b++)
            if (prev->areas[b].kind == LAYOUT_TERRITORY_AREA &&
                prev->areas[b].status == CM_CONTROL_CONTROLLED &&
                strcmp(prev->areas[b].side, x->side) == 0)
                before = prev->geoms[b];
        /* only what another side held before: a side's first areas are no change */
        const GEOSGeometry *others = NULL;
        GEOSGeometry *gained = NULL;
        for (size_t b = 0; b < prev->n_areas; b++)
            if (prev->areas[b].kind == LAYOUT_TERRITORY_AREA &&
                prev->areas[b].status == CM_CONTROL_CONTROLLED &&
                strcmp(prev->areas[b].side, x->side) != 0) {
                others = prev->geoms[b];
                GEOSGeometry *piece = GEOSIntersection_r(t->ctx, t->geoms[a], others);
                if (piece && before) {
                    GEOSGeometry *d = GEOSDifference_r(t->ctx, piece, before);
                    GEOSGeom_destroy_r(t->ctx, piece);
                    piece = d;
                }
                if (piece && gained) {
                    GEOSGeometry *u = GEOSUnion_r(t->ctx, gained, piece);
                    GEOSGeom_destroy_r(t->ctx, piece);
                    GEOSGeom_destroy_r(t->ctx, gained);
                    gained = u;
                } else if (piece)
                    gained = piece;
            }
        ok = add_area(L, t, &cap, gained, x->side, CM_CONTROL_CONTROLLED,
                      LAYOUT_TERRITORY_GAINED);
    }
    if (!ok) {
        layout_territory_unref(t);
        return NULL;
    }
    return t;
}

/* The slice's territory: the previous slice's when the state is the same. */
layout_territory *
layout_territory_of(layout *L)
{
    tkey *key;
    size_t n;
    if (!make_key(L, &key, &n)) {
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    const cm_scene *prev = L->sc->previous;
    layout_territory *pt = prev ? prev->territory : NULL;
    if (n == 0 && !pt) {
        free(key);
        return NULL;
    }
    if (same_key(pt, key, n)) {
        free(key);
        __atomic_add_fetch(&pt->refs, 1, __ATOMIC_ACQ_REL);
        return pt;
    }
    layout_territory *t = make_territory(L, key, n, pt);
    if (!t) {
        free(key);
        L->status = CM_ERR_NOMEM;
    }
    return t;
}
