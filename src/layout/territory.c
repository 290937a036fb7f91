/* Territory: who holds what on a slice, dissolved. The regions named by
 * `area` events and initial_control and the control layers' areas valid at
 * the slice's moment are united per side and status with GEOS, so that a
 * side's territory has no inner borders; the front line is where two sides'
 * held areas meet. The work is done once per distinct control state: a slice
 * whose state is the previous slice's shares its territory. Areas are
 * measured on the WGS 84 ellipsoid, vertices joined by geodesics (see
 * geo/area.h), and the area that changed hands since the previous state is
 * kept for the map, the words and the manifest. A control layer's features
 * are drawn simplified to the map's scale (each once per map: a layer of a
 * million vertices has far more than the map has pixels) and measured at full
 * resolution, so that the km² are the layer's. */
#include "common/minmax.h"
#include "common/mix64.h"
#include "geo/area.h"
#include "geo/coverage.h"
#include "geo/geos.h"
#include "geo/rings.h"
#include "layout/layout.h"
#include "geo/simplify.h"
#include "load/control.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
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
    GEOSGeometry **full;       /* per area, at full resolution where geoms is simplified
                                  (held areas with control features); else NULL */
    double *overlap;           /* n_overlap x n_overlap: the overlap of two areas as drawn,
                                  in square degrees (overlap_deg2()); NAN: not asked yet,
                                  -1: not known; asked by note_shared() and the next state */
    size_t n_overlap;
    int has_ground;            /* two sides hold areas, neither overlapping the other: */
    size_t ground_area[2];     /* their areas' indexes, */
    struct oedge *ground;      /* the edges of their boundaries that only one of them has */
    size_t n_ground;
    double shared_km2;         /* the most ground two sides' held areas share, when 1% or
                                  more of the smaller's (note_shared()); else 0 */
    const char *shared_side[2];   /* those two sides */
    struct oedge *first_edges; /* the first area's edges (area_edges()), */
    size_t n_first_edges;
    size_t *first_slot;        /* by their ends (edge_set), or NULL */
    size_t cap_first_slot;
    struct projected *projected;   /* the points its paths were projected at, by their
                                      longitude and latitude: a power of 2 of slots */
    size_t n_projected, cap_projected;
    const struct layout_territory *prev;   /* while it is made: the previous state's */
    GEOSContextHandle_t ctx;
};

/* A point of a territory's paths in longitude and latitude and in the map's
 * pixels (cm_projection_forward()). */
typedef struct projected {
    double lonlat[2], xy[2];
    int used;
} projected;

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
        if (t->full[i])
            GEOSGeom_destroy_r(t->ctx, t->full[i]);
    }
    free(t->areas);
    free(t->geoms);
    free(t->full);
    free(t->overlap);
    free(t->ground);
    free(t->first_edges);
    free(t->first_slot);
    free(t->projected);
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

double
layout_territory_shared(const layout_territory *t, const char **side_a, const char **side_b)
{
    *side_a = t ? t->shared_side[0] : NULL;
    *side_b = t ? t->shared_side[1] : NULL;
    return t ? t->shared_km2 : 0;
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
        GEOSGeometry *g = cm_rings_polygon(ctx, pt, np);
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

/* A control feature at full resolution. */
static GEOSGeometry *
feature_geometry(GEOSContextHandle_t ctx, const cm_control *c, const cm_control_feature *f)
{
    return cm_rings_polygons(ctx, c->lonlat, c->ring_start + f->first_ring,
                             c->ring_outer + f->first_ring, f->n_rings);
}

/* ---- GEOS geometries to paths and square kilometres ------------------------------------- */

typedef struct sink {
    layout *L;
    layout_territory *t;       /* whose paths they are (project_paths()) */
    cm_scene_path *p;
    size_t cap_points, cap_parts;
    int ok;
} sink;

/* fmin() and fmax() of two numbers not NaN, inline (the library's were a
 * call each, several per vertex); @a NaN gives @b, as theirs do. */
static inline double
min2(double a, double b)
{
    return b < a || a != a ? b : a;
}

static inline double
max2(double a, double b)
{
    return b > a || a != a ? b : a;
}

static uint64_t point_bits(const double *p);

/* The slot of @t's projected points that has @ll (bit for bit), or the
 * empty slot where it would go; NULL when there are no slots. */
static projected *
find_projected(const layout_territory *t, const double *ll, uint64_t h)
{
    if (!t || !t->cap_projected)
        return NULL;
    size_t mask = t->cap_projected - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        projected *e = &t->projected[i];
        if (!e->used || memcmp(e->lonlat, ll, sizeof e->lonlat) == 0)
            return e;
    }
}

/* Notes in @t that @ll projects at @xy; out of memory, it is only not noted. */
static void
note_projected(layout_territory *t, const double *ll, const double *xy, uint64_t h)
{
    if (2 * (t->n_projected + 1) > t->cap_projected) {
        size_t cap = t->cap_projected ? 2 * t->cap_projected : 4096;
        projected *slots = calloc(cap, sizeof(*slots));
        if (!slots)
            return;
        for (size_t i = 0; i < t->cap_projected; i++) {
            const projected *e = &t->projected[i];
            if (!e->used)
                continue;
            size_t k = point_bits(e->lonlat) & (cap - 1);
            while (slots[k].used)
                k = (k + 1) & (cap - 1);
            slots[k] = *e;
        }
        free(t->projected);
        t->projected = slots;
        t->cap_projected = cap;
    }
    projected *e = find_projected(t, ll, h);
    if (e->used)
        return;
    memcpy(e->lonlat, ll, sizeof e->lonlat);
    memcpy(e->xy, xy, sizeof e->xy);
    e->used = 1;
    t->n_projected++;
}

/* Projects the @n points of @xy (longitude, latitude) into the map's pixels
 * in place, as cm_projection_forward() does, each point once per state: a
 * point already projected for this state's paths or the previous state's is
 * taken from there. Most are: a state's fronts are pieces of its areas'
 * boundaries, and what changed hands is made of pieces of this state's areas
 * and the previous one's, simplified alike (a thousand instructions a point
 * through PROJ). */
static void
project_paths(layout *L, layout_territory *t, double *xy, size_t n)
{
    size_t *miss = t ? malloc(n * sizeof(*miss)) : NULL;
    double *ll = miss ? malloc(2 * n * sizeof(*ll)) : NULL;
    if (!ll) {
        free(miss);
        cm_projection_forward(L->b->proj, xy, n);
        return;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = point_bits(xy + 2 * i);
        const projected *e = find_projected(t, xy + 2 * i, h);
        if (e && e->used) {
            memcpy(xy + 2 * i, e->xy, sizeof e->xy);
            continue;
        }
        e = find_projected(t->prev, xy + 2 * i, h);
        if (e && e->used) {   /* noted in this state's too, for the next */
            note_projected(t, xy + 2 * i, e->xy, h);
            memcpy(xy + 2 * i, e->xy, sizeof e->xy);
            continue;
        }
        memcpy(ll + 2 * m, xy + 2 * i, 2 * sizeof(double));
        miss[m++] = i;
    }
    cm_projection_forward(L->b->proj, ll, m);   /* the others, in place */
    for (size_t j = 0; j < m; j++) {
        double *q = xy + 2 * miss[j];   /* still its longitude, latitude */
        note_projected(t, q, ll + 2 * j, point_bits(q));
        memcpy(q, ll + 2 * j, 2 * sizeof(double));
    }
    free(ll);
    free(miss);
}

static void
put_line(sink *s, GEOSContextHandle_t ctx, const GEOSGeometry *line)
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
    if (!GEOSCoordSeq_copyToBuffer_r(ctx, cs, xy, 0, 0)) {
        s->ok = 0;
        return;
    }
    project_paths(s->L, s->t, xy, n);
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
        put_line(s, ctx, GEOSGetExteriorRing_r(ctx, g));
        int holes = GEOSGetNumInteriorRings_r(ctx, g);
        for (int i = 0; i < holes && s->ok; i++)
            put_line(s, ctx, GEOSGetInteriorRingN_r(ctx, g, i));
    } else if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        put_line(s, ctx, g);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTILINESTRING ||
               type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n && s->ok; i++)
            put_geometry(s, ctx, GEOSGetGeometryN_r(ctx, g, i));
    }
}

/* Adds an area of @g to @t (taking @g), its km² @km2 when that is not NULL,
 * else measured on @g (geo/area.h). 0 when out of memory. */
static int
add_area(layout *L, layout_territory *t, size_t *cap, GEOSGeometry *g, const char *side,
         int status, int kind, const double *km2, GEOSGeometry *full)
{
    if (!g || GEOSisEmpty_r(t->ctx, g) == 1) {
        if (g)
            GEOSGeom_destroy_r(t->ctx, g);
        if (full)
            GEOSGeom_destroy_r(t->ctx, full);
        return 1;
    }
    size_t cap_g = *cap, cap_f = *cap;
    if (!CM_RESERVE(t->geoms, cap_g, t->n_areas + 1) ||
        !CM_RESERVE(t->full, cap_f, t->n_areas + 1) ||
        !CM_RESERVE(t->areas, *cap, t->n_areas + 1)) {
        GEOSGeom_destroy_r(t->ctx, g);
        if (full)
            GEOSGeom_destroy_r(t->ctx, full);
        return 0;
    }
    t->full[t->n_areas] = full;
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
    s.t = t;
    s.p = &a->path;
    s.ok = 1;
    a->km2 = km2 ? *km2 : cm_area_km2(t->ctx, g, NULL, &s.ok);   /* before it is projected */
    if (s.ok)
        put_geometry(&s, t->ctx, g);
    t->geoms[t->n_areas++] = g;
    return s.ok;
}

/* ---- the control features simplified to the map's scale ------------------------------- */

/* Each feature of the control layers as the map can show it: its rings
 * simplified (Douglas-Peucker, geo/simplify.c) in the map's pixels to a
 * quarter of a pixel, kept as longitude/latitude, made the first time a slice
 * holds it; and its area on the ellipsoid at full resolution, which is what
 * the km² of a side that holds only it say (its prepared copy's, when its
 * layer was read from one: cm_control_feature's km2). A layer of a million
 * vertices has far more of them than a map has pixels: GEOS's unions and
 * differences over all of them were most of a slice's time
 * (docs/control.md). */
typedef struct cached_feature {
    int made;                  /* 1: made; 0: not yet */
    double *lonlat;            /* the simplified rings' points */
    size_t *start;             /* n_rings + 1 offsets into them */
    double km2;                /* at full resolution */
} cached_feature;

/* A piece of a feature's ring as simplify_ring() simplified it (the points
 * between two anchors, taken from the lesser end): which of its points it
 * kept. The same piece is in both sides' features along a front and in what
 * changed hands there: each is projected and simplified once per map. The
 * points are the layer's (@ring, not copied); piece point j is ring point
 * (@base + j) % @m, or (@base + @len - 1 - j) % @m when @reverse. */
typedef struct cached_piece {
    uint64_t hash;             /* 0: an empty slot */
    const double *ring;
    size_t m, base, len;
    int reverse;
    size_t keep;               /* offset of its @len flags in the cache's keep */
} cached_piece;

struct layout_control_cache {
    pthread_rwlock_t lock;     /* scenes of one base may be laid out on several threads;
                                  written by cache_features(), read by what changed hands */
    const cm_control *control;
    cached_feature *f;
    size_t n;
    cached_piece *pieces;      /* open addressing, a power of 2 of slots */
    size_t n_pieces, cap_pieces;
    unsigned char *keep;       /* the pieces' kept flags */
    size_t n_keep, cap_keep;
    cm_area_memo dense;        /* the features' long edges split, for their km² */
};

static void
clear_pieces(struct layout_control_cache *c)
{
    free(c->pieces);
    free(c->keep);
    c->pieces = NULL;
    c->keep = NULL;
    c->n_pieces = c->cap_pieces = c->n_keep = c->cap_keep = 0;
    cm_area_memo_clear(&c->dense);
}

struct layout_control_cache *
layout_control_cache_create(void)
{
    struct layout_control_cache *c = calloc(1, sizeof(*c));
    if (c && pthread_rwlock_init(&c->lock, NULL) != 0) {
        free(c);
        return NULL;
    }
    return c;
}

void
layout_control_cache_destroy(struct layout_control_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        free(c->f[i].lonlat);
        free(c->f[i].start);
    }
    free(c->f);
    clear_pieces(c);
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

/* Whether the point @p (longitude, latitude) is where a ring is cut into
 * pieces that are simplified apart: about one point in 32, chosen by the
 * point's coordinates alone, so that the same stretch of border in two
 * features (two sides' areas along a front, two versions of one side's
 * area) is cut at the same points and simplified the same way in both:
 * no sliver opens between them, nor along a front that did not move. */
/* llround(@v), inline where |@v| < 2^52 (the library's was a call for each
 * coordinate of every ring simplified): its fraction, v - trunc(v), is exact. */
static inline long long
round_half_away(double v)
{
    if (!(fabs(v) < 4503599627370496.0))
        return llround(v);
    long long i = (long long)v;   /* toward zero */
    double f = v - (double)i;
    return f >= 0.5 ? i + 1 : f <= -0.5 ? i - 1 : i;
}

static inline int
is_anchor(const double *p)
{
    /* to 1e-7 degree (a centimetre): the same layer written by another
     * program, its coordinates in other last digits, is cut at the same points */
    uint64_t x = (uint64_t)round_half_away(p[0] * 1e7), y = (uint64_t)round_half_away(p[1] * 1e7);
    uint64_t h = x * 0x9E3779B97F4A7C15u ^ (y + 0x632BE59BD9B4E019u);
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 29;
    return (h & 31) == 0;
}

static int
before(const double *a, const double *b)
{
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

/* Projects the @n points of @xy (longitude, latitude; a piece of a ring)
 * into the map's pixels, in place, for simplifying: through
 * the projection's derivative at its first point (three points projected
 * instead of every one, a thousand instructions each), which over so short a
 * piece is the projection to far less than the quarter pixel it is for (a
 * piece longer than about 5 km is projected point by point). The
 * first point is the same in every feature that has the piece (is_anchor), so
 * they all simplify it alike. Where the projection fails there, each point
 * is projected. */
static void
project_chunk(layout *L, double *xy, size_t n)
{
    const double d = 1e-3;
    double lon0 = xy[0], lat0 = xy[1];
    double j[6] = { lon0, lat0, lon0 + d, lat0, lon0, lat0 + d };
    cm_projection_forward(L->b->proj, j, 3);
    int ok = 1;
    for (int k = 0; k < 6; k++)
        ok = ok && isfinite(j[k]);
    for (size_t i = 1; ok && i < n; i++)   /* short: within about 5 km (not across 180°) */
        ok = fabs(xy[2 * i] - lon0) < 0.05 && fabs(xy[2 * i + 1] - lat0) < 0.05;
    if (!ok || n < 8) {
        cm_projection_forward(L->b->proj, xy, n);
        return;
    }
    double a = (j[2] - j[0]) / d, b = (j[4] - j[0]) / d, c = (j[3] - j[1]) / d,
           e = (j[5] - j[1]) / d;
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i] - lon0, y = xy[2 * i + 1] - lat0;
        xy[2 * i] = j[0] + a * x + b * y;
        xy[2 * i + 1] = j[1] + c * x + e * y;
    }
}

/* ---- pieces simplified once ---- */

static uint64_t
point_bits(const double *p)
{
    uint64_t x, y;
    memcpy(&x, &p[0], sizeof x);
    memcpy(&y, &p[1], sizeof y);
    return cm_mix64(x ^ cm_mix64(y));
}

/* Ring @ring's index of piece point @j (cached_piece). */
static size_t
piece_index(size_t m, size_t base, size_t len, int reverse, size_t j)
{
    size_t k = base + (reverse ? len - 1 - j : j);
    return k < m ? k : k % m;
}

/* The piece's hash: its length, its two ends and its middle point. Never 0. */
static uint64_t
piece_hash(const double *ring, size_t m, size_t base, size_t len, int reverse)
{
    uint64_t h = cm_mix64(len);
    h = cm_mix64(h ^ point_bits(ring + 2 * piece_index(m, base, len, reverse, 0)));
    h = cm_mix64(h ^ point_bits(ring + 2 * piece_index(m, base, len, reverse, len / 2)));
    h = cm_mix64(h ^ point_bits(ring + 2 * piece_index(m, base, len, reverse, len - 1)));
    return h | 1;
}

/* Whether two pieces have the same points, bit for bit, in the same order. */
static int
same_piece(const cached_piece *e, const double *ring, size_t m, size_t base, size_t len,
           int reverse)
{
    size_t a = piece_index(e->m, e->base, len, e->reverse, 0);
    size_t b = piece_index(m, base, len, reverse, 0);
    for (size_t j = 0; j < len; j++) {
        if (memcmp(e->ring + 2 * a, ring + 2 * b, 2 * sizeof(double)) != 0)
            return 0;
        a = e->reverse ? (a ? a - 1 : e->m - 1) : (a + 1 < e->m ? a + 1 : 0);
        b = reverse ? (b ? b - 1 : m - 1) : (b + 1 < m ? b + 1 : 0);
    }
    return 1;
}

/* The kept flags of the piece when it is cached, else NULL. */
static const unsigned char *
find_piece(const struct layout_control_cache *c, uint64_t h, const double *ring, size_t m,
           size_t base, size_t len, int reverse)
{
    if (!c->cap_pieces)
        return NULL;
    size_t mask = c->cap_pieces - 1;
    for (size_t i = h & mask; c->pieces[i].hash; i = (i + 1) & mask) {
        const cached_piece *e = &c->pieces[i];
        if (e->hash == h && e->len == len && same_piece(e, ring, m, base, len, reverse))
            return c->keep + e->keep;
    }
    return NULL;
}

static void
put_slot(cached_piece *slots, size_t cap, const cached_piece *e)
{
    size_t i = e->hash & (cap - 1);
    while (slots[i].hash)
        i = (i + 1) & (cap - 1);
    slots[i] = *e;
}

/* Caches the piece's kept flags @keep; out of memory, it is only not cached. */
static void
add_piece_keep(struct layout_control_cache *c, uint64_t h, const double *ring, size_t m,
               size_t base, size_t len, int reverse, const unsigned char *keep)
{
    if (2 * (c->n_pieces + 1) > c->cap_pieces) {
        size_t cap = c->cap_pieces ? 2 * c->cap_pieces : 1024;
        cached_piece *slots = calloc(cap, sizeof(*slots));
        if (!slots)
            return;
        for (size_t i = 0; i < c->cap_pieces; i++)
            if (c->pieces[i].hash)
                put_slot(slots, cap, &c->pieces[i]);
        free(c->pieces);
        c->pieces = slots;
        c->cap_pieces = cap;
    }
    if (!CM_RESERVE(c->keep, c->cap_keep, c->n_keep + len))
        return;
    memcpy(c->keep + c->n_keep, keep, len);
    put_slot(c->pieces, c->cap_pieces,
             &(cached_piece){ h, ring, m, base, len, reverse, c->n_keep });
    c->n_keep += len;
    c->n_pieces++;
}

/* Appends to @out (*@n points, capacity *@cap doubles) ring @pt (@n_pt
 * points, closed or not) simplified: cut at its anchors (at its least point
 * when it has none), each piece taken in the same direction whichever way the
 * ring runs (from its lesser end), projected and simplified to
 * CM_SIMPLIFY_TOLERANCE_PX, its kept points appended as they were; the ring
 * is closed. 0 when out of memory. */
static int
simplify_ring(layout *L, const double *pt, size_t n_pt, double **out, size_t *n, size_t *cap,
              double **px, size_t *cap_px, unsigned char **keep, size_t *cap_keep,
              struct layout_control_cache *pc, int insert)
{
    size_t m = n_pt;
    if (m > 1 && pt[0] == pt[2 * (m - 1)] && pt[1] == pt[2 * (m - 1) + 1])
        m--;   /* the closing point: the ring's first again */
    if (!CM_RESERVE(*out, *cap, 2 * (*n + m + 1)))
        return 0;
    if (m < 4) {
        memcpy(*out + 2 * *n, pt, 2 * m * sizeof(double));
        *n += m;
        return 1;
    }
    size_t a0 = m;
    for (size_t i = 0; i < m && a0 == m; i++)
        if (is_anchor(&pt[2 * i]))
            a0 = i;
    if (a0 == m) {
        a0 = 0;
        for (size_t i = 1; i < m; i++)
            if (before(&pt[2 * i], &pt[2 * a0]))
                a0 = i;
    }
    if (!CM_RESERVE(*px, *cap_px, 2 * (m + 1)) || !CM_RESERVE(*keep, *cap_keep, m + 1))
        return 0;
    /* k counts from the first anchor round the ring to it again */
    for (size_t ks = 0; ks < m;) {
        size_t ke = ks + 1;
        size_t at = a0 + ke < m ? a0 + ke : a0 + ke - m;   /* (a0 + ke) % m, a0 < m, ke <= m */
        while (ke < m && !is_anchor(&pt[2 * at])) {
            ke++;
            at = at + 1 < m ? at + 1 : 0;
        }
        size_t len = ke - ks + 1;
        const double *first = &pt[2 * ((a0 + ks) % m)], *last = &pt[2 * ((a0 + ke) % m)];
        int reverse = last[0] == first[0] && last[1] == first[1]   /* the whole ring */
                          ? before(&pt[2 * ((a0 + ke - 1) % m)], &pt[2 * ((a0 + ks + 1) % m)])
                          : before(last, first);
        size_t base = (a0 + ks) % m;
        uint64_t h = pc ? piece_hash(pt, m, base, len, reverse) : 0;
        const unsigned char *hit = pc ? find_piece(pc, h, pt, m, base, len, reverse) : NULL;
        if (hit)
            memcpy(*keep, hit, len);
        else {
            size_t k = reverse ? (a0 + ke) % m : base;   /* point j's index, round the ring */
            for (size_t j = 0; j < len; j++) {
                (*px)[2 * j] = pt[2 * k];
                (*px)[2 * j + 1] = pt[2 * k + 1];
                k = reverse ? (k ? k - 1 : m - 1) : (k + 1 < m ? k + 1 : 0);
            }
            project_chunk(L, *px, len);
            if (cm_simplify_keep(*px, len, CM_SIMPLIFY_TOLERANCE_PX, *keep) != CM_OK)
                return 0;
            if (pc && insert)
                add_piece_keep(pc, h, pt, m, base, len, reverse, *keep);
        }
        for (size_t j = 0, k = base; j + 1 < len; j++, k = k + 1 < m ? k + 1 : 0)
            if ((*keep)[reverse ? len - 1 - j : j]) {   /* the last is the next piece's first */
                (*out)[2 * *n] = pt[2 * k];
                (*out)[2 * *n + 1] = pt[2 * k + 1];
                (*n)++;
            }
        ks = ke;
    }
    (*out)[2 * *n] = pt[2 * a0];
    (*out)[2 * *n + 1] = pt[2 * a0 + 1];
    (*n)++;
    return 1;
}

/* Adds to @polys the polygons of @g with their rings simplified as the
 * features' are. 0 when out of memory. */
static int
simplify_polygons(layout *L, GEOSContextHandle_t ctx, const GEOSGeometry *g,
                  GEOSGeometry ***polys, size_t *n_polys, size_t *cap_polys)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n; i++)
            if (!simplify_polygons(L, ctx, GEOSGetGeometryN_r(ctx, g, i), polys, n_polys,
                                   cap_polys))
                return 0;
        return 1;
    }
    if (type != GEOS_POLYGON)
        return 1;   /* lines and points where areas touch: nothing to draw */
    int n_holes = GEOSGetNumInteriorRings_r(ctx, g), ok = 1;
    GEOSGeometry **rings = calloc((size_t)n_holes + 1, sizeof(*rings));
    double *in = NULL, *out = NULL, *px = NULL;
    unsigned char *keep = NULL;
    size_t cap_in = 0, cap_out = 0, cap_px = 0, cap_keep = 0, n_rings = 0;
    ok = rings != NULL;
    for (int r = -1; ok && r < n_holes; r++) {
        const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(ctx, g)
                                         : GEOSGetInteriorRingN_r(ctx, g, r);
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx, ring);
        unsigned n = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &n) || n < 4) {
            if (r < 0)
                break;   /* no outer ring: no polygon */
            continue;
        }
        size_t m = 0;
        ok = CM_RESERVE(in, cap_in, 2 * (size_t)n) &&
             GEOSCoordSeq_copyToBuffer_r(ctx, cs, in, 0, 0) &&
             simplify_ring(L, in, n, &out, &m, &cap_out, &px, &cap_px, &keep, &cap_keep,
                           L->b->control_cache, 0);
        if (!ok || m < 4) {   /* smaller than a pixel */
            if (r < 0)
                break;
            continue;
        }
        GEOSCoordSequence *ss = GEOSCoordSeq_copyFromBuffer_r(ctx, out, (unsigned)m, 0, 0);
        GEOSGeometry *lr = ss ? GEOSGeom_createLinearRing_r(ctx, ss) : NULL;
        if (lr)
            rings[n_rings++] = lr;
        else if (r < 0)
            break;   /* no outer ring: no polygon */
    }
    if (ok && n_rings > 0 && CM_GROW(*polys, *n_polys, *cap_polys)) {
        GEOSGeometry *p = GEOSGeom_createPolygon_r(ctx, rings[0], rings + 1,
                                                   (unsigned)(n_rings - 1));
        if (p)
            (*polys)[(*n_polys)++] = p;
        ok = p != NULL;
        n_rings = 0;
    } else if (n_rings > 0)
        ok = 0;
    for (size_t i = 0; i < n_rings; i++)
        GEOSGeom_destroy_r(ctx, rings[i]);
    free(rings);
    free(in);
    free(out);
    free(px);
    free(keep);
    return ok;
}

/* @g's polygons simplified for drawing, as one geometry; NULL when out of
 * memory. */
static GEOSGeometry *
simplified_polygons(layout *L, GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    GEOSGeometry **polys = NULL;
    size_t n = 0, cap = 0;
    struct layout_control_cache *cc = L->b->control_cache;
    pthread_rwlock_rdlock(&cc->lock);   /* its pieces, made by cache_features() */
    int ok = simplify_polygons(L, ctx, g, &polys, &n, &cap);
    pthread_rwlock_unlock(&cc->lock);
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx, polys[i]);
        free(polys);
        return NULL;
    }
    GEOSGeometry *c = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys, (unsigned)n);
    if (!c)
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(ctx, polys[i]);
    free(polys);
    return c;
}

/* Makes feature @i of the cache, in the territory's GEOS context @ctx, and
 * gives its full geometry, measured, to *@full (the state's areas are made of
 * it next). 0 when out of memory. */
static int
make_cached(layout *L, GEOSContextHandle_t ctx, struct layout_control_cache *cc, size_t i,
            GEOSGeometry **full)
{
    const cm_control *c = cc->control;
    const cm_control_feature *f = &c->features[i];
    cached_feature *cf = &cc->f[i];
    size_t n = 0, cap = 0, cap_px = 0, cap_keep = 0;
    double *px = NULL;
    unsigned char *keep = NULL;
    cf->start = malloc((f->n_rings + 1) * sizeof(size_t));
    int ok = cf->start != NULL;
    for (size_t r = 0; ok && r < f->n_rings; r++) {
        size_t a = c->ring_start[f->first_ring + r], b = c->ring_start[f->first_ring + r + 1];
        cf->start[r] = n;
        ok = simplify_ring(L, c->lonlat + 2 * a, b - a, &cf->lonlat, &n, &cap, &px, &cap_px,
                           &keep, &cap_keep, cc, 1);
    }
    free(px);
    free(keep);
    if (ok)
        cf->start[f->n_rings] = n;
    GEOSGeometry *g = ok ? feature_geometry(ctx, c, f) : NULL;
    /* the km² its prepared copy holds (measured alike when it was written),
     * else measured now, under the lock for writing (the memo) */
    cf->km2 = !g ? 0 : !isnan(f->km2) ? f->km2 : cm_area_km2(ctx, g, &cc->dense, NULL);
    if (g && cf->km2 >= 0)
        *full = g;
    else if (g)
        GEOSGeom_destroy_r(ctx, g);
    if (!ok || cf->km2 < 0) {
        free(cf->lonlat);
        free(cf->start);
        cf->lonlat = NULL;
        cf->start = NULL;
        return 0;
    }
    cf->made = 1;
    return 1;
}

/* Makes the cached features of @key that are not made yet, @full[k] the
 * full geometry of key @k's feature when it is made now (else left NULL).
 * 0 when out of memory. */
static int
cache_features(layout *L, GEOSContextHandle_t ctx, const tkey *key, size_t n_key,
               GEOSGeometry **full)
{
    struct layout_control_cache *cc = L->b->control_cache;
    const cm_control *c = L->b->control;
    int ok = 1;
    pthread_rwlock_wrlock(&cc->lock);
    if (cc->control != c) {
        clear_pieces(cc);
        for (size_t i = 0; i < cc->n; i++) {
            free(cc->f[i].lonlat);
            free(cc->f[i].start);
        }
        free(cc->f);
        cc->n = 0;
        cc->control = c;
        cc->f = c && c->n_features ? calloc(c->n_features, sizeof(*cc->f)) : NULL;
        ok = !c || !c->n_features || cc->f;
        if (ok && c)
            cc->n = c->n_features;
    }
    for (size_t k = 0; ok && k < n_key; k++)
        if (key[k].is_feature && !cc->f[key[k].index].made)
            ok = make_cached(L, ctx, cc, key[k].index, &full[k]);
    pthread_rwlock_unlock(&cc->lock);
    return ok;
}

/* The simplified geometry of feature @i (made: cache_features()). */
static GEOSGeometry *
cached_geometry(layout *L, GEOSContextHandle_t ctx, size_t i)
{
    const cm_control *c = L->b->control;
    const cached_feature *cf = &L->b->control_cache->f[i];
    return cm_rings_polygons(ctx, cf->lonlat, cf->start, c->ring_outer + c->features[i].first_ring,
                          c->features[i].n_rings);
}

/* ---- whether two areas overlap, asked where they can ------------------------------------- */

/* A directed edge of an area's boundary, its interior on the left. */
typedef struct oedge {
    double p[2], q[2];
    int shared;                /* the other area has it the other way round */
    unsigned char flip;        /* turned: p is its ring's later point */
    unsigned char first;       /* its ring's first edge */
} oedge;

/* Appends to @e the edges of @g's polygons, each ring turned so that the
 * polygon's interior is on its left. 0 when out of memory. */
static int
area_edges(GEOSContextHandle_t ctx, const GEOSGeometry *g, oedge **e, size_t *n, size_t *cap,
           double **buf, size_t *cap_buf)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < k; i++)
            if (!area_edges(ctx, GEOSGetGeometryN_r(ctx, g, i), e, n, cap, buf, cap_buf))
                return 0;
        return 1;
    }
    if (type != GEOS_POLYGON)
        return 1;
    int holes = GEOSGetNumInteriorRings_r(ctx, g);
    for (int r = -1; r < holes; r++) {
        const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(ctx, g)
                                         : GEOSGetInteriorRingN_r(ctx, g, r);
        const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(ctx, ring) : NULL;
        unsigned m = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &m) || m < 2)
            continue;
        if (!CM_RESERVE(*buf, *cap_buf, 2 * (size_t)m) ||
            !GEOSCoordSeq_copyToBuffer_r(ctx, cs, *buf, 0, 0) ||
            !CM_RESERVE(*e, *cap, *n + m))
            return 0;
        const double *xy = *buf;
        double sum = 0;
        for (unsigned i = 0; i + 1 < m; i++)
            sum += xy[2 * i] * xy[2 * i + 3] - xy[2 * i + 2] * xy[2 * i + 1];
        int flip = (sum < 0) == (r < 0);   /* an outer ring clockwise, a hole anticlockwise */
        unsigned char first = 1;
        for (unsigned i = 0; i + 1 < m; i++) {
            const double *a = xy + 2 * i, *b = xy + 2 * i + 2;
            if (a[0] == b[0] && a[1] == b[1])
                continue;
            oedge *d = &(*e)[(*n)++];
            memcpy(d->p, flip ? b : a, sizeof d->p);
            memcpy(d->q, flip ? a : b, sizeof d->q);
            d->shared = 0;
            d->flip = (unsigned char)flip;
            d->first = first;
            first = 0;
        }
    }
    return 1;
}

/* Marks the edges of @a (@na) and @b (@nb) that the other has the other way
 * round: the two areas lie on either side of them; gives the table of @a's
 * edges by their ends to *@keep (*@cap slots, edge_set) when @keep is not
 * NULL. 0 when out of memory. */
static int
mark_shared(oedge *a, size_t na, oedge *b, size_t nb, size_t **keep, size_t *keep_cap)
{
    size_t cap = 16;
    while (cap < 2 * na)
        cap *= 2;
    size_t *slot = malloc(cap * sizeof(*slot));   /* index + 1 of an edge of a, or 0 */
    if (!slot)
        return 0;
    memset(slot, 0, cap * sizeof(*slot));
    for (size_t i = 0; i < na; i++) {
        size_t h = (size_t)cm_edge_hash(a[i].p, a[i].q) & (cap - 1);
        while (slot[h])
            h = (h + 1) & (cap - 1);
        slot[h] = i + 1;
    }
    for (size_t j = 0; j < nb; j++)
        for (size_t h = (size_t)cm_edge_hash(b[j].q, b[j].p) & (cap - 1); slot[h];
             h = (h + 1) & (cap - 1)) {
            oedge *x = &a[slot[h] - 1];
            if (!x->shared && memcmp(x->p, b[j].q, sizeof x->p) == 0 &&
                memcmp(x->q, b[j].p, sizeof x->q) == 0) {
                x->shared = b[j].shared = 1;
                break;
            }
        }
    if (keep) {
        *keep = slot;
        *keep_cap = cap;
    } else
        free(slot);
    return 1;
}

typedef struct wrect {
    double x0, y0, x1, y1;
} wrect;

static int
rects_meet(const wrect *a, const wrect *b)
{
    return a->x0 <= b->x1 && b->x0 <= a->x1 && a->y0 <= b->y1 && b->y0 <= a->y1;
}

#define OVERLAP_MAX_WINDOWS 16

/* Adds to the windows @w (*@nw of them, at most OVERLAP_MAX_WINDOWS, none
 * meeting another) the box of each edge of @e that is not shared and meets
 * @other (the other area's box), merged with every window it meets. 0 when
 * there would be more windows. */
static int
add_windows(const oedge *e, size_t n, const wrect *other, wrect *w, size_t *nw)
{
    for (size_t i = 0; i < n; i++) {
        if (e[i].shared)
            continue;
        wrect r = { min2(e[i].p[0], e[i].q[0]), min2(e[i].p[1], e[i].q[1]),
                    max2(e[i].p[0], e[i].q[0]), max2(e[i].p[1], e[i].q[1]) };
        if (!rects_meet(&r, other))
            continue;   /* no point of it is in the other area */
        size_t k = 0;
        while (k < *nw && !rects_meet(&w[k], &r))
            k++;
        if (k < *nw
                && r.x0 >= w[k].x0 && r.x1 <= w[k].x1 && r.y0 >= w[k].y0 && r.y1 <= w[k].y1)
            continue;   /* within a window already */
        /* merged with every window it meets, until none meets another */
        for (size_t j = 0; j < *nw;)
            if (rects_meet(&w[j], &r)) {
                r.x0 = min2(r.x0, w[j].x0);
                r.y0 = min2(r.y0, w[j].y0);
                r.x1 = max2(r.x1, w[j].x1);
                r.y1 = max2(r.y1, w[j].y1);
                w[j] = w[--*nw];
                j = 0;
            } else
                j++;
        if (*nw == OVERLAP_MAX_WINDOWS)
            return 0;
        w[(*nw)++] = r;
    }
    return 1;
}

static int
edges_box(const oedge *e, size_t n, wrect *r)
{
    *r = (wrect){ HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
    for (size_t i = 0; i < n; i++) {
        r->x0 = cm_min_acc(cm_min_acc(r->x0, e[i].p[0]), e[i].q[0]);
        r->y0 = cm_min_acc(cm_min_acc(r->y0, e[i].p[1]), e[i].q[1]);
        r->x1 = cm_max_acc(cm_max_acc(r->x1, e[i].p[0]), e[i].q[0]);
        r->y1 = cm_max_acc(cm_max_acc(r->y1, e[i].p[1]), e[i].q[1]);
    }
    return n > 0;
}

/* The area of the intersection of the areas @a and @b (valid polygons, in
 * degrees) in square degrees, computed only where it can be: -1 when it is
 * to be computed the whole way (out of memory, or too many windows). Two
 * sides along a front share its edges (the simplified features do, by
 * is_anchor), each the other way round, and no point inside such an edge is
 * on the boundary of their intersection, which is made of pieces of the
 * other edges that lie in the other area. Each ring of that boundary is in
 * one window: the windows are the boxes of those edges (those whose box
 * meets the other area's), merged where they meet; so the intersection is
 * the sum of the areas' intersections clipped to each window (GEOS's
 * intersection along a shared border, where every edge meets one of the
 * other area, was costly: 16 M instructions a state in bench/control). */
static double
overlap_by_windows(GEOSContextHandle_t ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                   int cheap, oedge **rest, size_t *n_rest, layout_territory *keep)
{
    oedge *ea = NULL, *eb = NULL;
    double *buf = NULL, area = -1;
    size_t na = 0, nb = 0, cap_a = 0, cap_b = 0, cap_buf = 0, nw = 0;
    wrect w[OVERLAP_MAX_WINDOWS], box_a, box_b;
    if (!area_edges(ctx, a, &ea, &na, &cap_a, &buf, &cap_buf) ||
        !area_edges(ctx, b, &eb, &nb, &cap_b, &buf, &cap_buf))
        goto done;
    int apart = !edges_box(ea, na, &box_a) || !edges_box(eb, nb, &box_b) ||
                !rects_meet(&box_a, &box_b);
    if (!apart && !mark_shared(ea, na, eb, nb, keep ? &keep->first_slot : NULL,
                               keep ? &keep->cap_first_slot : NULL))
        goto done;
    if (rest) {   /* the edges not shared, a's then b's */
        size_t k = 0;
        if (!(*rest = malloc((na + nb + 1) * sizeof(**rest))))
            goto done;
        for (size_t i = 0; i < na; i++)
            if (!ea[i].shared)
                (*rest)[k++] = ea[i];
        for (size_t i = 0; i < nb; i++)
            if (!eb[i].shared)
                (*rest)[k++] = eb[i];
        *n_rest = k;
    }
    if (apart) {
        area = 0;
        goto done;
    }
    if (cheap) {   /* only when few edges are in windows: else not worth it */
        size_t near = 0;
        for (int k = 0; k < 2; k++) {
            const oedge *e = k ? eb : ea;
            const wrect *other = k ? &box_a : &box_b;
            for (size_t i = 0, n = k ? nb : na; i < n; i++)
                near += !e[i].shared &&
                        rects_meet(&(wrect){ min2(e[i].p[0], e[i].q[0]), min2(e[i].p[1], e[i].q[1]),
                                             max2(e[i].p[0], e[i].q[0]),
                                             max2(e[i].p[1], e[i].q[1]) },
                                   other);
        }
        if (near > 64 + (na + nb) / 16)
            goto done;
    }
    if (!add_windows(ea, na, &box_b, w, &nw) || !add_windows(eb, nb, &box_a, w, &nw))
        goto done;
    area = 0;
    for (size_t k = 0; k < nw && area >= 0; k++) {
        if (!(w[k].x1 > w[k].x0 && w[k].y1 > w[k].y0))
            continue;   /* a line: no area */
        GEOSGeometry *ca = GEOSClipByRect_r(ctx, a, w[k].x0, w[k].y0, w[k].x1, w[k].y1);
        GEOSGeometry *cb = ca ? GEOSClipByRect_r(ctx, b, w[k].x0, w[k].y0, w[k].x1, w[k].y1)
                              : NULL;
        GEOSGeometry *o = ca && cb ? GEOSIntersection_r(ctx, ca, cb) : NULL;
        double part = 0;
        if (o && GEOSArea_r(ctx, o, &part))
            area += part;
        else
            area = -1;
        if (o)
            GEOSGeom_destroy_r(ctx, o);
        if (ca)
            GEOSGeom_destroy_r(ctx, ca);
        if (cb)
            GEOSGeom_destroy_r(ctx, cb);
    }
done:
    if (keep && keep->first_slot && !keep->first_edges) {   /* a's edges, for two_side_gains() */
        keep->first_edges = ea;
        keep->n_first_edges = na;
        ea = NULL;
    }
    free(ea);
    free(eb);
    free(buf);
    return area;
}

/* Appends to @lines (*@n, capacity *@cap) the runs of consecutive edges of
 * @e (@n_e, area_edges()) that @sel picks, each a line in its ring's order.
 * 0 when out of memory. */
static int
edge_runs(GEOSContextHandle_t ctx, const oedge *e, size_t n_e, const unsigned char *sel,
          GEOSGeometry ***lines, size_t *n, size_t *cap, double **buf, size_t *cap_buf)
{
    for (size_t i = 0; i < n_e;) {
        if (!sel[i]) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n_e && sel[j] && !e[j].first)
            j++;
        size_t m = j - i + 1;
        if (!CM_RESERVE(*buf, *cap_buf, 2 * m) || !CM_GROW(*lines, *n, *cap))
            return 0;
        double *xy = *buf;
        memcpy(xy, e[i].flip ? e[i].q : e[i].p, 2 * sizeof(double));
        for (size_t k = i; k < j; k++)
            memcpy(xy + 2 * (k - i + 1), e[k].flip ? e[k].p : e[k].q, 2 * sizeof(double));
        GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(ctx, xy, (unsigned)m, 0, 0);
        GEOSGeometry *l = cs ? GEOSGeom_createLineString_r(ctx, cs) : NULL;
        if (!l)
            return 0;
        (*lines)[(*n)++] = l;
        i = j;
    }
    return 1;
}

/* The front of area @a against area @b: @a's boundary where it lies within
 * @d of @b (GEOS's buffer of @b, 2 segments a quarter circle), computed only
 * where it has to be: @a's edges that @b has the other way round are on it
 * whole; its other edges whose boxes meet @b's (grown by @d) are intersected
 * with the buffer of @b clipped to their windows (add_windows(), grown by
 * 3 @d: the buffer within a window is that of @b near it), and the others
 * are not on it. NULL when it is to be computed the whole way (out of
 * memory, or too many windows). The buffer and the intersection of the
 * whole boundary with it were 10 M instructions a state in bench/control. */
static GEOSGeometry *
front_by_windows(GEOSContextHandle_t ctx, const GEOSGeometry *a, const GEOSGeometry *b, double d)
{
    oedge *ea = NULL, *eb = NULL;
    double *buf = NULL;
    unsigned char *sel = NULL;
    GEOSGeometry **lines = NULL, *front = NULL;
    size_t na = 0, nb = 0, cap_a = 0, cap_b = 0, cap_buf = 0, nw = 0, n_lines = 0,
           cap_lines = 0;
    wrect w[OVERLAP_MAX_WINDOWS], box_b;
    int ok = area_edges(ctx, a, &ea, &na, &cap_a, &buf, &cap_buf) &&
             area_edges(ctx, b, &eb, &nb, &cap_b, &buf, &cap_buf) && na > 0 &&
             edges_box(eb, nb, &box_b) && (sel = malloc(na)) &&
             mark_shared(ea, na, eb, nb, NULL, NULL);
    if (ok) {
        double g = 1.01 * d;   /* the buffer's points are within d of b, to a hair */
        box_b = (wrect){ box_b.x0 - g, box_b.y0 - g, box_b.x1 + g, box_b.y1 + g };
        ok = add_windows(ea, na, &box_b, w, &nw);
        for (size_t i = 0; i < na; i++)
            sel[i] = (unsigned char)ea[i].shared;
        ok = ok && edge_runs(ctx, ea, na, sel, &lines, &n_lines, &cap_lines, &buf, &cap_buf);
    }
    for (size_t k = 0; ok && k < nw; k++) {
        for (size_t i = 0; i < na; i++) {
            const oedge *x = &ea[i];
            sel[i] = !x->shared && min2(x->p[0], x->q[0]) >= w[k].x0 &&
                     max2(x->p[0], x->q[0]) <= w[k].x1 && min2(x->p[1], x->q[1]) >= w[k].y0 &&
                     max2(x->p[1], x->q[1]) <= w[k].y1;
        }
        size_t first = n_lines;
        ok = edge_runs(ctx, ea, na, sel, &lines, &n_lines, &cap_lines, &buf, &cap_buf);
        if (!ok || n_lines == first)
            continue;
        GEOSGeometry *near_lines = GEOSGeom_createCollection_r(ctx, GEOS_MULTILINESTRING,
                                                               lines + first,
                                                               (unsigned)(n_lines - first));
        if (!near_lines) {
            ok = 0;
            break;
        }
        n_lines = first;
        double m = 3 * d;
        GEOSGeometry *cb = GEOSClipByRect_r(ctx, b, w[k].x0 - m, w[k].y0 - m, w[k].x1 + m,
                                            w[k].y1 + m);
        GEOSGeometry *near = cb ? GEOSBuffer_r(ctx, cb, d, 2) : NULL;
        GEOSGeometry *piece = near ? GEOSIntersection_r(ctx, near_lines, near) : NULL;
        GEOSGeom_destroy_r(ctx, near_lines);
        if (cb)
            GEOSGeom_destroy_r(ctx, cb);
        if (near)
            GEOSGeom_destroy_r(ctx, near);
        ok = piece && CM_GROW(lines, n_lines, cap_lines);
        if (ok)
            lines[n_lines++] = piece;
        else if (piece)
            GEOSGeom_destroy_r(ctx, piece);
    }
    if (ok)
        front = GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, lines,
                                            (unsigned)n_lines);
    if (!front)
        for (size_t i = 0; i < n_lines; i++)
            GEOSGeom_destroy_r(ctx, lines[i]);
    free(lines);
    free(sel);
    free(ea);
    free(eb);
    free(buf);
    return front;
}

/* Appends to @out (*@n of them, capacity *@cap) the polygons of @g that are
 * not empty, borrowed from it: @g a polygon, or collections of them, nested.
 * 0 when out of memory. */
static int
polygons_of(GEOSContextHandle_t ctx, const GEOSGeometry *g, const GEOSGeometry ***out,
            size_t *n, size_t *cap)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx, g) != 0)
            return 1;
        if (!CM_GROW(*out, *n, *cap))
            return 0;
        (*out)[(*n)++] = g;
        return 1;
    }
    if (type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION)
        return 1;   /* lines and points where areas touch: no area */
    for (int i = 0, k = GEOSGetNumGeometries_r(ctx, g); i < k; i++)
        if (!polygons_of(ctx, GEOSGetGeometryN_r(ctx, g, i), out, n, cap))
            return 0;
    return 1;
}

typedef GEOSGeometry *(*overlay_op)(GEOSContextHandle_t, const GEOSGeometry *,
                                    const GEOSGeometry *);

/* Into *@eb (*@nb of them, capacity *@cap) @b's edges turned round (its
 * interior on their right), and the edges that @ea (@na, @a's, none marked
 * yet) has too the same way round marked shared in both; the table of @ea's
 * edges by their ends to *@keep (*@keep_cap slots) when @keep is not NULL
 * (mark_shared). 0 when out of memory. */
static int
edges_turned_marked(GEOSContextHandle_t ctx, oedge *ea, size_t na, const GEOSGeometry *b,
                    oedge **eb, size_t *nb, size_t *cap, double **buf, size_t *cap_buf,
                    size_t **keep, size_t *keep_cap)
{
    if (!area_edges(ctx, b, eb, nb, cap, buf, cap_buf))
        return 0;
    for (size_t j = 0; j < *nb; j++) {   /* mark_shared pairs edges the other way round */
        double p[2];
        memcpy(p, (*eb)[j].p, sizeof p);
        memcpy((*eb)[j].p, (*eb)[j].q, sizeof p);
        memcpy((*eb)[j].q, p, sizeof p);
    }
    return mark_shared(ea, na, *eb, *nb, keep, keep_cap);
}

/* difference_by_window() (below) once @a's edges @ea (@na) and @b's turned
 * round, @eb (@nb), are marked (edges_turned_marked()). */
static GEOSGeometry *
difference_marked(GEOSContextHandle_t ctx, const GEOSGeometry *a, const oedge *ea, size_t na,
                  const GEOSGeometry *b, const oedge *eb, size_t nb, overlay_op op)
{
    size_t n_rest = 0, nw = 0;
    const double m = 1e-6;   /* degrees: about 10 cm */
    wrect w[OVERLAP_MAX_WINDOWS], all = { HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL };
    for (size_t i = 0; i < na + nb; i++)   /* first whether windows are worth it */
        n_rest += !(i < na ? ea[i] : eb[i - na]).shared;
    int many = 0, whole = 2 * n_rest > na + nb;   /* most edges differ */
    for (int k = 0; !whole && k < 2; k++) {
        const oedge *e = k ? eb : ea;
        for (size_t i = 0, n = k ? nb : na; i < n; i++) {
            if (e[i].shared)
                continue;
            wrect r = { min2(e[i].p[0], e[i].q[0]) - m, min2(e[i].p[1], e[i].q[1]) - m,
                        max2(e[i].p[0], e[i].q[0]) + m, max2(e[i].p[1], e[i].q[1]) + m };
            all = (wrect){ min2(all.x0, r.x0), min2(all.y0, r.y0), max2(all.x1, r.x1),
                           max2(all.y1, r.y1) };
            if (many)
                continue;
            size_t j = 0;
            while (j < nw && !rects_meet(&w[j], &r))
                j++;
            if (j < nw && r.x0 >= w[j].x0 && r.x1 <= w[j].x1 && r.y0 >= w[j].y0 &&
                r.y1 <= w[j].y1)
                continue;   /* within a window already */
            for (j = 0; j < nw;)   /* merged with every window it meets */
                if (rects_meet(&w[j], &r)) {
                    r = (wrect){ min2(r.x0, w[j].x0), min2(r.y0, w[j].y0), max2(r.x1, w[j].x1),
                                 max2(r.y1, w[j].y1) };
                    w[j] = w[--nw];
                    j = 0;
                } else
                    j++;
            if (nw == OVERLAP_MAX_WINDOWS)
                many = 1;
            else
                w[nw++] = r;
        }
    }
    if (n_rest == 0)
        return GEOSGeom_createEmptyPolygon_r(ctx);
    if (whole)   /* most edges differ: clipping saves little */
        return op(ctx, a, b);
    if (many) {
        w[0] = all;
        nw = 1;
    }
    GEOSGeometry **parts = calloc(nw, sizeof(*parts));
    int ok = parts != NULL;
    for (size_t k = 0; ok && k < nw; k++) {
        GEOSGeometry *ca = GEOSClipByRect_r(ctx, a, w[k].x0, w[k].y0, w[k].x1, w[k].y1);
        GEOSGeometry *cb = ca ? GEOSClipByRect_r(ctx, b, w[k].x0, w[k].y0, w[k].x1, w[k].y1)
                              : NULL;
        parts[k] = ca && cb ? op(ctx, ca, cb) : NULL;
        ok = parts[k] != NULL;
        if (ca)
            GEOSGeom_destroy_r(ctx, ca);
        if (cb)
            GEOSGeom_destroy_r(ctx, cb);
    }
    /* the windows are apart: their pieces, together, are the difference */
    GEOSGeometry *d = ok ? GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, parts,
                                                      (unsigned)nw)
                         : NULL;
    for (size_t k = 0; !d && parts && k < nw; k++)
        if (parts[k])
            GEOSGeom_destroy_r(ctx, parts[k]);
    free(parts);
    return d;
}

/* The symmetric difference of the areas @a and @b (valid polygons, in
 * degrees), computed only where they differ. An edge that both have the same
 * way round (interior on the same side) is on the boundary of neither's
 * difference from the other, so that boundary is made of the edges that
 * only one of them has. Each ring of it is connected, so it lies in one
 * window: the boxes of those edges, grown by a hair (so that no such edge is
 * on a window's side) and merged where they meet; and so does each polygon
 * of the difference, holes and all (a box holds what its rings enclose).
 * Clipped to a window, the difference is the difference of the areas
 * clipped to it. Consecutive versions of a control layer share most of
 * their edges; GEOS's overlay of all of them, where every edge lies on
 * another, was 95 M instructions a state (bench/control's layer whose
 * versions each move a twentieth of a 5,000-point front). With more windows
 * than OVERLAP_MAX_WINDOWS, one window holds them all. Polygons, or
 * collections of them (polygons_of() lists them); an empty polygon when the
 * areas are the same; NULL when out of memory or GEOS fails. @ea (@na) are
 * @a's edges (area_edges(), none marked shared yet); it marks those @b has.
 * With @op GEOSDifference_r, @a less @b the same way (each of its polygons
 * is in one polygon of the symmetric difference, so in one window). */
static GEOSGeometry *
difference_by_window(GEOSContextHandle_t ctx, const GEOSGeometry *a, oedge *ea, size_t na,
                     const GEOSGeometry *b, overlay_op op)
{
    oedge *eb = NULL;
    double *buf = NULL;
    size_t nb = 0, cap_b = 0, cap_buf = 0;
    GEOSGeometry *d = edges_turned_marked(ctx, ea, na, b, &eb, &nb, &cap_b, &buf, &cap_buf,
                                          NULL, NULL)
                          ? difference_marked(ctx, a, ea, na, b, eb, nb, op)
                          : NULL;
    free(eb);
    free(buf);
    return d;
}

/* ---- the territory of a state ------------------------------------------------------------- */

/* A pixel of the map in square degrees, about: less overlap than this
 * between two sides' simplified areas is the simplification's, not the
 * layer's (where two features share a border the simplified ones do too, but
 * for the piece of it at each end). */
static double
pixel_deg2(const layout *L)
{
    double w = L->b->bbox_deg[2] - L->b->bbox_deg[0];
    if (w < 0)
        w += 360;
    double px = w / (L->b->map_rect[2] > 0 ? L->b->map_rect[2] : 1);
    return px * px;
}

/* The overlap of areas @i and @j of @t as drawn (simplified), in square
 * degrees: -1 when not known (out of memory, GEOS fails). Asked once per
 * pair of the first areas of @t, its held ones (GEOS's intersection along a
 * shared border is costly: note_shared() asks it of a state, the next state
 * asks it again for each side), in the GEOS context @ctx of the layout's
 * thread. */
static double
overlap_deg2(layout_territory *t, GEOSContextHandle_t ctx, size_t i, size_t j)
{
    size_t n = t->n_overlap;
    if (!t->overlap && t->n_areas > 0 && (t->overlap = malloc(t->n_areas * t->n_areas *
                                                              sizeof(*t->overlap)))) {
        n = t->n_overlap = t->n_areas;   /* the areas it has now: gained ones come later */
        for (size_t k = 0; k < n * n; k++)
            t->overlap[k] = NAN;
    }
    if (i < n && j < n && !isnan(t->overlap[i * n + j]))
        return t->overlap[i * n + j];
    double area = overlap_by_windows(ctx, t->geoms[i], t->geoms[j], 0, NULL, NULL, NULL);
    if (area < 0) {
        GEOSGeometry *o = GEOSIntersection_r(ctx, t->geoms[i], t->geoms[j]);
        if (!o || !GEOSArea_r(ctx, o, &area))
            area = -1;
        if (o)
            GEOSGeom_destroy_r(ctx, o);
    }
    if (i < n && j < n)
        t->overlap[i * n + j] = t->overlap[j * n + i] = area;
    return area;
}

/* Whether areas @i and @j of @t overlap by more than a pixel (pixel_deg2()),
 * or it is not known (then the difference is taken: the answer is right,
 * slower). */
static int
overlap(layout_territory *t, GEOSContextHandle_t ctx, layout *L, size_t i, size_t j)
{
    double area = overlap_deg2(t, ctx, i, j);
    return area < 0 || area > pixel_deg2(L);
}

/* @sum with @piece added (both taken; either may be NULL). */
static GEOSGeometry *
add_piece(GEOSContextHandle_t ctx, GEOSGeometry *sum, GEOSGeometry *piece)
{
    if (!sum || !piece)
        return sum ? sum : piece;
    GEOSGeometry *u = GEOSUnion_r(ctx, sum, piece);
    GEOSGeom_destroy_r(ctx, sum);
    GEOSGeom_destroy_r(ctx, piece);
    return u;
}

/* ---- what changed hands between two sides that kept their ground ----------------------- */

/* The full areas of area @i of @t. */
static const GEOSGeometry *
full_area(const layout_territory *t, size_t i)
{
    return t->full[i] ? t->full[i] : t->geoms[i];
}

/* Notes in @t whether two sides hold areas (controlled) and neither's full
 * areas overlap the other's (overlap_by_windows(), where that is cheap: they
 * share their front), and then the edges of their boundaries that only one of
 * them has: together, the boundary of the ground they hold. Out of memory,
 * it is not noted. */
static void
note_ground(layout_territory *t, size_t n_held)
{
    size_t n = 0, idx[2] = { 0, 0 };
    for (size_t a = 0; a < n_held; a++)
        if (t->areas[a].kind == LAYOUT_TERRITORY_AREA &&
            t->areas[a].status == CM_CONTROL_CONTROLLED && n++ < 2)
            idx[n - 1] = a;
    if (n != 2 || strcmp(t->areas[idx[0]].side, t->areas[idx[1]].side) == 0)
        return;
    oedge *rest = NULL;
    size_t n_rest = 0;
    double o = overlap_by_windows(t->ctx, full_area(t, idx[0]), full_area(t, idx[1]), 1, &rest,
                                  &n_rest, t);
    if (o != 0 || !rest) {
        free(rest);
        return;   /* not known: what changed hands is computed the whole way */
    }
    t->has_ground = 1;
    t->ground_area[0] = idx[0];
    t->ground_area[1] = idx[1];
    t->ground = rest;
    t->n_ground = n_rest;
}

/* Notes in @t the most ground that two sides' held areas (controlled, the
 * first @n_held areas) share, in km² on the ellipsoid, when it is 1% or more
 * of the smaller of the two: no ground is held by two sides at once, so a
 * layer's dates or sides are wrong there (cm_scene_shared_km2()). Layers
 * drawn a hair apart share a sliver along their front, far less. Asked of
 * the areas as drawn first (overlap_deg2(), which the next state asks again
 * and then finds), measured at full resolution only when they share 0.5% or
 * more of the smaller. Two sides that note_ground() found apart are not
 * asked again; nothing is noted where it cannot be told (out of memory, GEOS
 * fails). */
static void
note_shared(layout_territory *t, size_t n_held)
{
    for (size_t a = 0; !t->has_ground && a < n_held; a++)
        for (size_t b = a + 1; b < n_held; b++) {
            const layout_territory_area *x = &t->areas[a], *y = &t->areas[b];
            if (x->kind != LAYOUT_TERRITORY_AREA || y->kind != LAYOUT_TERRITORY_AREA ||
                x->status != CM_CONTROL_CONTROLLED || y->status != CM_CONTROL_CONTROLLED ||
                strcmp(x->side, y->side) == 0)
                continue;
            double o = overlap_deg2(t, t->ctx, a, b), da = 0, db = 0;
            if (!(o > 0) || !GEOSArea_r(t->ctx, t->geoms[a], &da) ||
                !GEOSArea_r(t->ctx, t->geoms[b], &db) || o < 0.005 * fmin(da, db))
                continue;   /* none, not known, or a sliver */
            GEOSGeometry *g = GEOSIntersection_r(t->ctx, full_area(t, a), full_area(t, b));
            double km2 = g ? cm_area_km2(t->ctx, g, NULL, NULL) : -1;
            if (g)
                GEOSGeom_destroy_r(t->ctx, g);
            if (km2 >= 0.01 * fmin(x->km2, y->km2) && km2 > t->shared_km2) {
                t->shared_km2 = km2;
                t->shared_side[0] = x->side;
                t->shared_side[1] = y->side;
            }
        }
}

typedef struct cseg {
    double lo[2], hi[2];       /* its lesser end first */
    long w;                    /* times it runs from lo to hi, less times from hi to lo */
} cseg;

static int
lesser(const double *a, const double *b)
{
    return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
}

typedef struct cevent {
    int vertical;
    double line, at;
    long dw;
} cevent;

static int
cmp_event(const void *pa, const void *pb)
{
    const cevent *a = pa, *b = pb;
    if (a->vertical != b->vertical)
        return a->vertical - b->vertical;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->at < b->at ? -1 : a->at > b->at;
}

/* Whether two states' grounds (note_ground()) are the same: whether their
 * boundaries, as oriented edges, are. Edges cancel where they are the same
 * in both; what is left must lie along horizontal and vertical lines and
 * cover each of them as often one way as the other (a front that moved cuts
 * the same outer edge at another point). 0 when not, or when not known (a
 * slanted edge left over, out of memory). */
static int
same_ground(const oedge *e1, size_t n1, const oedge *e0, size_t n0)
{
    size_t n = n1 + n0, hcap = 16;
    while (hcap < 2 * n)
        hcap *= 2;
    cseg *h = calloc(hcap, sizeof(*h));
    unsigned char *used = h ? calloc(hcap, 1) : NULL;
    int ok = used != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        const oedge *e = i < n1 ? &e1[i] : &e0[i - n1];
        long sign = i < n1 ? 1 : -1;
        int fwd = lesser(e->p, e->q);
        const double *lo = fwd ? e->p : e->q, *hi = fwd ? e->q : e->p;
        size_t k = (size_t)cm_edge_hash(lo, hi) & (hcap - 1);
        while (used[k] && (memcmp(h[k].lo, lo, sizeof h[k].lo) != 0 ||
                           memcmp(h[k].hi, hi, sizeof h[k].hi) != 0))
            k = (k + 1) & (hcap - 1);
        if (!used[k]) {
            used[k] = 1;
            memcpy(h[k].lo, lo, sizeof h[k].lo);
            memcpy(h[k].hi, hi, sizeof h[k].hi);
        }
        h[k].w += fwd ? sign : -sign;
    }
    cevent *ev = NULL;
    size_t n_ev = 0, cap_ev = 0;
    for (size_t k = 0; ok && k < hcap; k++) {
        if (!used[k] || h[k].w == 0)
            continue;
        int vertical = h[k].lo[0] == h[k].hi[0];
        if ((!vertical && h[k].lo[1] != h[k].hi[1]) || !CM_RESERVE(ev, cap_ev, n_ev + 2)) {
            ok = 0;   /* left over along a slanted line: not known */
            break;
        }
        double line = vertical ? h[k].lo[0] : h[k].lo[1];
        ev[n_ev++] = (cevent){ vertical, line, h[k].lo[vertical], h[k].w };
        ev[n_ev++] = (cevent){ vertical, line, h[k].hi[vertical], -h[k].w };
    }
    free(h);
    free(used);
    if (ok && n_ev)
        qsort(ev, n_ev, sizeof(*ev), cmp_event);
    long run = 0;
    for (size_t i = 0; ok && i < n_ev; i++) {
        run += ev[i].dw;
        /* from this point to the next along the same line: covered run times */
        if (run != 0 && (i + 1 == n_ev || ev[i + 1].vertical != ev[i].vertical ||
                         ev[i + 1].line != ev[i].line || ev[i + 1].at != ev[i].at))
            ok = 0;
    }
    free(ev);
    return ok;
}

/* The directed edges of an area (area_edges(), its interior on their left)
 * by their ends, to say on which side of them a piece of a change lies. */
typedef struct edge_set {
    const oedge *e;
    size_t n;
    size_t *slot;              /* index + 1 of an edge, or 0; a power of 2 of them */
    size_t cap;
} edge_set;

static int
edge_set_make(edge_set *s, const oedge *e, size_t n)
{
    s->e = e;
    s->n = n;
    s->cap = 16;
    while (s->cap < 2 * n)
        s->cap *= 2;
    if (!(s->slot = calloc(s->cap, sizeof(*s->slot))))
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t h = (size_t)cm_edge_hash(e[i].p, e[i].q) & (s->cap - 1);
        while (s->slot[h])
            h = (h + 1) & (s->cap - 1);
        s->slot[h] = i + 1;
    }
    return 1;
}

/* The index + 1 of @s's edge from @p to @q, or 0 when it has none. */
static size_t
edge_set_find(const edge_set *s, const double *p, const double *q)
{
    for (size_t h = (size_t)cm_edge_hash(p, q) & (s->cap - 1); s->slot[h];
         h = (h + 1) & (s->cap - 1)) {
        const oedge *x = &s->e[s->slot[h] - 1];
        if (memcmp(x->p, p, sizeof x->p) == 0 && memcmp(x->q, q, sizeof x->q) == 0)
            return s->slot[h];
    }
    return 0;
}

static int
edge_set_has(const edge_set *s, const double *p, const double *q)
{
    return edge_set_find(s, p, q) != 0;
}

/* Whether the polygon @poly, a piece of the symmetric difference of the
 * area @a (its edges in @in) and another, is in @a: 1 or 0; -1 when not
 * known this way. Its outer ring is made of pieces of the two boundaries:
 * where an edge of it is an edge of @a's boundary, the piece lies on @a's
 * inner side of it when it is in @a, on its outer side when not. The ring's
 * direction is that of the turn at its least point (lowest x, then y), where
 * a ring turns the way it runs; not known when it hardly turns there. This
 * was GEOS's point on the surface and whether @a contains it, 50 M
 * instructions over bench/control's day. */
static int
piece_in(GEOSContextHandle_t ctx, const GEOSGeometry *poly, const edge_set *in, double **buf,
         size_t *cap_buf)
{
    const GEOSGeometry *ring = GEOSGetExteriorRing_r(ctx, poly);
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(ctx, ring) : NULL;
    unsigned m = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &m) || m < 4 ||
        !CM_RESERVE(*buf, *cap_buf, 2 * (size_t)m) ||
        !GEOSCoordSeq_copyToBuffer_r(ctx, cs, *buf, 0, 0))
        return -1;
    const double *xy = *buf;
    size_t n = m - 1, lo = 0;   /* the last point is the first */
    for (size_t i = 1; i < n; i++)
        if (before(xy + 2 * i, xy + 2 * lo))
            lo = i;
    size_t a = lo, b = lo;   /* the neighbours of the least point that are not it */
    do
        a = a ? a - 1 : n - 1;
    while (a != lo && xy[2 * a] == xy[2 * lo] && xy[2 * a + 1] == xy[2 * lo + 1]);
    do
        b = b + 1 < n ? b + 1 : 0;
    while (b != lo && xy[2 * b] == xy[2 * lo] && xy[2 * b + 1] == xy[2 * lo + 1]);
    double ux = xy[2 * lo] - xy[2 * a], uy = xy[2 * lo + 1] - xy[2 * a + 1],
           vx = xy[2 * b] - xy[2 * lo], vy = xy[2 * b + 1] - xy[2 * lo + 1];
    double turn = ux * vy - uy * vx, size = (fabs(ux) + fabs(uy)) * (fabs(vx) + fabs(vy));
    if (a == lo || b == lo || !(fabs(turn) > 1e-9 * size))
        return -1;
    int ccw = turn > 0;   /* then the piece is on the left of its edges */
    for (size_t i = 0; i < n; i++) {
        const double *p = xy + 2 * i, *q = xy + 2 * i + 2;
        if (!ccw) {
            const double *x = p;
            p = q;
            q = x;
        }
        int fwd = edge_set_has(in, p, q), back = edge_set_has(in, q, p);
        if (fwd != back)
            return fwd;
    }
    /* no edge of it is whole in @a's boundary (a small piece between
     * crossings): whether GEOS's point on its surface is in @a, by the
     * crossings of a ray from it with @a's edges; not known when one is
     * nearer it than 1e-9 degree */
    GEOSGeometry *pt = GEOSPointOnSurface_r(ctx, poly);
    const GEOSCoordSequence *ps = pt ? GEOSGeom_getCoordSeq_r(ctx, pt) : NULL;
    double x, y, gap = HUGE_VAL;
    int known = ps && GEOSCoordSeq_getX_r(ctx, ps, 0, &x) && GEOSCoordSeq_getY_r(ctx, ps, 0, &y),
        odd = 0;
    if (pt)
        GEOSGeom_destroy_r(ctx, pt);
    for (size_t i = 0; known && i < in->n; i++) {
        const oedge *e = &in->e[i];
        if ((e->p[1] > y) == (e->q[1] > y))
            continue;
        double at = e->p[0] + (y - e->p[1]) * (e->q[0] - e->p[0]) / (e->q[1] - e->p[1]);
        odd ^= at > x;
        gap = min2(gap, fabs(at - x));
    }
    return known && gap > 1e-9 ? odd : -1;
}

/* @g's area in square degrees (GEOS's, planar); NAN when GEOS fails. */
static double
area_deg2(GEOSContextHandle_t ctx, const GEOSGeometry *g)
{
    double a = 0;
    return !g ? 0 : GEOSArea_r(ctx, g, &a) ? a : NAN;
}

/* Whether @gain[0] and @gain[1], split from the symmetric difference of @a1
 * and @a0, are what @a1 holds and @a0 does not and the other way round: then
 * what one holds less what the other holds is the first less the second, in
 * square degrees, to a billionth of what they hold (a piece put on the wrong
 * side, or left out, moves it by its area, once or twice). */
static int
split_adds_up(GEOSContextHandle_t ctx, const GEOSGeometry *a1, const GEOSGeometry *a0,
              GEOSGeometry *gain[2])
{
    double h1 = area_deg2(ctx, a1), h0 = area_deg2(ctx, a0);
    double g = area_deg2(ctx, gain[0]), l = area_deg2(ctx, gain[1]);
    return fabs((g - l) - (h1 - h0)) <= 1e-9 * (h1 + h0);
}

/* Copies of the polygons @polys (@n, borrowed) as one multipolygon, or NULL
 * when @n is 0; *@ok 0 when out of memory or GEOS fails (then NULL). */
static GEOSGeometry *
multipolygon_of(GEOSContextHandle_t ctx, const GEOSGeometry *const *polys, size_t n, int *ok)
{
    GEOSGeometry *out = NULL, **own = *ok && n ? calloc(n, sizeof(*own)) : NULL;
    *ok = *ok && (!n || own);
    size_t k = 0;
    for (; *ok && k < n; k++)
        *ok = (own[k] = GEOSGeom_clone_r(ctx, polys[k])) != NULL;
    if (*ok && n) {
        out = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, own, (unsigned)n);
        *ok = out != NULL;
    }
    for (size_t i = 0; !out && own && i < k; i++)
        if (own[i])
            GEOSGeom_destroy_r(ctx, own[i]);
    free(own);
    return out;
}

/* @a1 less @a0 (@e1, @n1: @a1's edges, area_edges()) as a multipolygon,
 * or NULL when it is empty; *@ok 0 when out of memory or GEOS fails. */
static GEOSGeometry *
difference_polygons(GEOSContextHandle_t ctx, const GEOSGeometry *a1, oedge *e1, size_t n1,
                    const GEOSGeometry *a0, int *ok)
{
    for (size_t i = 0; i < n1; i++)
        e1[i].shared = 0;   /* difference_by_window marks them anew */
    GEOSGeometry *d = *ok ? difference_by_window(ctx, a1, e1, n1, a0, GEOSDifference_r) : NULL;
    const GEOSGeometry **polys = NULL;
    size_t n = 0, cap = 0;
    *ok = d && polygons_of(ctx, d, &polys, &n, &cap);
    GEOSGeometry *out = multipolygon_of(ctx, polys, n, ok);
    free(polys);
    if (d)
        GEOSGeom_destroy_r(ctx, d);
    return out;
}

/* An area's edges by bands of latitude, to say whether a point is inside
 * it (inside_area): each band's edges' ends, as x0, y0, x1, y1. */
typedef struct ybands {
    double y0, h;
    size_t n;
    size_t *off;               /* n + 1 offsets into e */
    double (*e)[4];            /* the edges that reach into each band */
} ybands;

static size_t
band_of(const ybands *b, double y)
{
    double k = floor((y - b->y0) / b->h);
    return !(k > 0) ? 0 : k >= (double)b->n ? b->n - 1 : (size_t)k;
}

/* The bands of the edges @e (@n), about two edges a band; 0 when out of
 * memory. */
static int
ybands_make(ybands *b, const oedge *e, size_t n)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        lo = min2(lo, min2(e[i].p[1], e[i].q[1]));
        hi = max2(hi, max2(e[i].p[1], e[i].q[1]));
    }
    b->n = n / 2 + 1;
    b->y0 = lo;
    b->h = hi > lo ? (hi - lo) / (double)b->n : 1;
    b->off = calloc(b->n + 1, sizeof(*b->off));
    b->e = NULL;
    size_t *k0 = malloc((n ? n : 1) * 2 * sizeof(*k0));   /* each edge's first and last band */
    if (!b->off || !k0) {
        free(k0);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        k0[2 * i] = band_of(b, min2(e[i].p[1], e[i].q[1]));
        k0[2 * i + 1] = band_of(b, max2(e[i].p[1], e[i].q[1]));
        for (size_t k = k0[2 * i]; k <= k0[2 * i + 1]; k++)
            b->off[k + 1]++;
    }
    for (size_t k = 0; k < b->n; k++)
        b->off[k + 1] += b->off[k];
    if ((b->e = malloc((b->off[b->n] ? b->off[b->n] : 1) * sizeof(*b->e))))
        for (size_t i = 0; i < n; i++)
            for (size_t k = k0[2 * i]; k <= k0[2 * i + 1]; k++)
                memcpy(b->e[b->off[k]++], (const double[4]){ e[i].p[0], e[i].p[1], e[i].q[0],
                                                              e[i].q[1] },
                       sizeof(b->e[0]));
    free(k0);
    for (size_t k = b->n; k > 0; k--)   /* each band's start again */
        b->off[k] = b->off[k - 1];
    b->off[0] = 0;
    return b->e != NULL;
}

/* Whether @p is inside the area whose edges are in @b: the crossings of a
 * ray from it toward +x with the edges of its band. */
static int
inside_area(const ybands *b, const double p[2])
{
    size_t k = band_of(b, p[1]);
    int odd = 0;
    for (size_t j = b->off[k]; j < b->off[k + 1]; j++) {
        const double *x = b->e[j];
        if ((x[1] > p[1]) != (x[3] > p[1]))
            odd ^= x[0] + (p[1] - x[1]) * (x[2] - x[0]) / (x[3] - x[1]) > p[0];
    }
    return odd;
}

/* What changed hands between @a0 (before) and @a1 (now) made from the
 * @n_rest edges only one of them has (cm_coverage_change): of @a1's edges
 * (@s1, by their ends), and of @e0 (@n0), @a0's turned round, marked
 * (edges_turned_marked()). An edge that both have, one the
 * other way round, bounds what was gained as @a1's and what was lost as
 * @a0's; any other edge of @a1 bounds what was lost when its middle is
 * inside @a0, what was gained when not; any other of @a0, what was gained
 * when inside @a1, what was lost when not. 1 with @gain made when that
 * makes it and it adds up (split_adds_up); else 0, with @gain NULL. */
static int
change_by_edges(GEOSContextHandle_t ctx, const GEOSGeometry *a1, const GEOSGeometry *a0,
                const edge_set *s1, const oedge *e0, size_t n0, size_t n_rest,
                GEOSGeometry *gain[2])
{
    const oedge *e1 = s1->e;
    size_t n1 = s1->n, n = 0;
    double(*m)[4] = malloc((n_rest ? n_rest : 1) * sizeof(*m));
    unsigned char *lost = malloc(n_rest ? n_rest : 1), *twice = calloc(n1 ? n1 : 1, 1);
    ybands b1 = { 0 }, b0 = { 0 };
    int made = m && lost && twice && ybands_make(&b1, e1, n1) && ybands_make(&b0, e0, n0);
    gain[0] = gain[1] = NULL;
    for (size_t j = 0; made && j < n0; j++) {   /* @a0's edges, then @a1's they meet */
        if (e0[j].shared)
            continue;
        size_t at = edge_set_find(s1, e0[j].p, e0[j].q);
        if (at)
            twice[at - 1] = 1;
        double mid[2] = { (e0[j].p[0] + e0[j].q[0]) / 2, (e0[j].p[1] + e0[j].q[1]) / 2 };
        lost[n] = at ? 1 : !inside_area(&b1, mid);
        memcpy(m[n++], (const double[4]){ e0[j].p[0], e0[j].p[1], e0[j].q[0], e0[j].q[1] },
               sizeof(m[0]));
    }
    for (size_t i = 0; made && i < n1; i++) {
        if (e1[i].shared)
            continue;
        double mid[2] = { (e1[i].p[0] + e1[i].q[0]) / 2, (e1[i].p[1] + e1[i].q[1]) / 2 };
        lost[n] = twice[i] ? 0 : inside_area(&b0, mid);
        memcpy(m[n++], (const double[4]){ e1[i].p[0], e1[i].p[1], e1[i].q[0], e1[i].q[1] },
               sizeof(m[0]));
    }
    made = made && cm_coverage_change(ctx, (const double(*)[4])m, lost, n, gain) &&
           split_adds_up(ctx, a1, a0, gain);
    free(m);
    free(lost);
    free(twice);
    free(b1.off);
    free(b1.e);
    free(b0.off);
    free(b0.e);
    for (int k = 0; !made && k < 2; k++)
        if (gain[k]) {
            GEOSGeom_destroy_r(ctx, gain[k]);
            gain[k] = NULL;
        }
    return made;
}

/* Whether a border of the change has what is held now on one side and what
 * was held before on the other (two adjacent districts, one taken, one given
 * up): an edge that @s1 (@a1's edges by their ends) and @e0 (@n0, @a0's
 * turned round, marked) have the same way round, which is @a1's and @a0's
 * the other way round. GEOS's symmetric difference dissolves such a border
 * (split_change). */
static int
held_both_ways(const edge_set *s1, const oedge *e0, size_t n0)
{
    for (size_t j = 0; j < n0; j++)
        if (!e0[j].shared && edge_set_find(s1, e0[j].p, e0[j].q))
            return 1;
    return 0;
}

/* The symmetric difference of @a1 (an area now) and @a0 (before), split:
 * into @gain[0] its polygons in @a1 (held now, not before) and into
 * @gain[1] the others (held before, not now), each NULL when it has none.
 * A polygon is in @a1 when it lies on @a1's inner side of an edge of @a1's
 * (piece_in(); @edges, @a1's edges by their ends when the caller has them,
 * else NULL), else when GEOS's point on its surface is in @a1. A polygon of
 * the symmetric difference can be part gained and part lost: where a border
 * of both has what is held now on one side and what was held before on the
 * other (two adjacent districts, one taken, one given up), GEOS dissolves
 * it. When the split does not add up (split_adds_up), the two are GEOS's
 * differences instead. When such a border is seen in the edges
 * (held_both_ways), the symmetric difference is not made (it was 355 M of
 * the 2,783 M instructions of bench/control's 50 cells, two changing hands
 * in each version): the change is made from the edges only one state has
 * (change_by_edges), else by the two differences. 0 when out of memory or
 * GEOS fails (then both NULL). */
static int
split_change(GEOSContextHandle_t ctx, const GEOSGeometry *a1, const GEOSGeometry *a0,
             const edge_set *edges, GEOSGeometry *gain[2])
{
    oedge *e1 = NULL, *e0 = NULL;
    double *buf = NULL;
    size_t n_e1 = 0, cap_e1 = 0, n_e0 = 0, cap_e0 = 0, cap_buf = 0, *slot = NULL, cap_slot = 0;
    int ok = area_edges(ctx, a1, &e1, &n_e1, &cap_e1, &buf, &cap_buf) &&
             edges_turned_marked(ctx, e1, n_e1, a0, &e0, &n_e0, &cap_e0, &buf, &cap_buf, &slot,
                                 &cap_slot);
    size_t n_rest = 0;   /* edges only one has: when most, the change is the overlay's */
    for (size_t i = 0; ok && i < n_e1 + n_e0; i++)
        n_rest += !(i < n_e1 ? e1[i] : e0[i - n_e1]).shared;
    const edge_set s1 = { e1, n_e1, slot, cap_slot };   /* made by mark_shared */
    int swap = ok && 2 * n_rest <= n_e1 + n_e0 && held_both_ways(&s1, e0, n_e0);
    if (swap && change_by_edges(ctx, a1, a0, &s1, e0, n_e0, n_rest, gain)) {
        free(slot);
        free(e0);
        free(e1);
        free(buf);
        return 1;
    }
    GEOSGeometry *d = ok && !swap ? difference_marked(ctx, a1, e1, n_e1, a0, e0, n_e0,
                                                      GEOSSymDifference_r)
                                  : NULL;
    free(slot);
    free(e0);
    e0 = NULL;
    cap_e0 = 0;
    const GEOSPreparedGeometry *now = NULL;   /* made when a piece needs it */
    const GEOSGeometry **part[2] = { NULL, NULL };   /* borrowed from @d */
    size_t n_part[2] = { 0, 0 }, cap_part[2] = { 0, 0 };
    edge_set in = { NULL, 0, NULL, 0 };
    ok = ok && (swap || d);
    int have_in = d && edges;
    if (have_in)
        in = *edges;
    else if (d)   /* a1's edges, as the difference found them */
        have_in = edge_set_make(&in, e1, n_e1);
    const GEOSGeometry **polys = NULL;
    size_t n_polys = 0, cap_polys = 0;
    ok = ok && (!d || polygons_of(ctx, d, &polys, &n_polys, &cap_polys));
    for (size_t i = 0; ok && i < n_polys; i++) {
        const GEOSGeometry *poly = polys[i];
        int side = have_in ? piece_in(ctx, poly, &in, &buf, &cap_buf) : -1;
        char is_in = side < 0 ? 2 : (char)side;
        if (side < 0) {   /* GEOS's point on its surface, inside a1 or not */
            if (!now)
                now = GEOSPrepare_r(ctx, a1);
            GEOSGeometry *pt = now ? GEOSPointOnSurface_r(ctx, poly) : NULL;
            is_in = pt ? GEOSPreparedContains_r(ctx, now, pt) : 2;
            if (pt)
                GEOSGeom_destroy_r(ctx, pt);
        }
        int k = is_in == 1 ? 0 : 1;
        ok = is_in < 2 && CM_GROW(part[k], n_part[k], cap_part[k]);
        if (ok)
            part[k][n_part[k]++] = poly;
    }
    for (int k = 0; k < 2; k++) {
        gain[k] = multipolygon_of(ctx, part[k], n_part[k], &ok);
        free(part[k]);
    }
    if (ok && (swap || !split_adds_up(ctx, a1, a0, gain))) {
        n_e0 = 0;
        ok = area_edges(ctx, a0, &e0, &n_e0, &cap_e0, &buf, &cap_buf);
        for (int k = 0; k < 2; k++) {
            if (gain[k])
                GEOSGeom_destroy_r(ctx, gain[k]);
            gain[k] = k ? difference_polygons(ctx, a0, e0, n_e0, a1, &ok)
                        : difference_polygons(ctx, a1, e1, n_e1, a0, &ok);
        }
    }
    if (!ok)
        for (int k = 0; k < 2; k++)
            if (gain[k]) {
                GEOSGeom_destroy_r(ctx, gain[k]);
                gain[k] = NULL;
            }
    free(polys);
    if (now)
        GEOSPreparedGeom_destroy_r(ctx, now);
    if (d)
        GEOSGeom_destroy_r(ctx, d);
    if (!edges)
        free(in.slot);
    free(e1);
    free(e0);
    free(buf);
    return ok;
}

/* What changed hands when the same two sides hold areas in both states,
 * neither overlapping the other in either, and together the same ground
 * (note_ground(), same_ground()): then what the first side gained from the
 * second is what it holds now and did not before, and what the second gained
 * is what the first held before and does not now, both in one GEOS symmetric
 * difference of the first side's areas instead of two intersections along
 * the moving front (bench/control: 17 M instructions each). Each polygon of
 * the difference is the first side's gain when a point inside it is in its
 * areas now. 1 with the two sides' area indexes in @idx and their gains
 * (NULL: none) in @gain; 0 when this does not apply or is not known (then
 * computed the whole way). */
static int
two_side_gains(layout_territory *t, const layout_territory *prev, size_t idx[2],
               GEOSGeometry *gain[2])
{
    GEOSContextHandle_t ctx = t->ctx;
    if (!t->has_ground || !prev->has_ground)
        return 0;
    idx[0] = t->ground_area[0];
    idx[1] = t->ground_area[1];
    size_t p0 = prev->ground_area[0], p1 = prev->ground_area[1];
    if (strcmp(prev->areas[p0].side, t->areas[idx[0]].side) != 0) {
        size_t x = p0;
        p0 = p1;
        p1 = x;
    }
    if (strcmp(prev->areas[p0].side, t->areas[idx[0]].side) != 0 ||
        strcmp(prev->areas[p1].side, t->areas[idx[1]].side) != 0 ||
        !same_ground(t->ground, t->n_ground, prev->ground, prev->n_ground))
        return 0;
    const GEOSGeometry *a1 = full_area(t, idx[0]), *a0 = full_area(prev, p0);
    /* a1's edges as note_ground() tabled them, when it did */
    edge_set e1 = { t->first_edges, t->n_first_edges, t->first_slot, t->cap_first_slot };
    return split_change(ctx, a1, a0, t->first_edges && t->first_slot ? &e1 : NULL, gain);
}

/* The index of @prev's area of @side and status @st when it was made of the
 * same regions and features as @key's of them (nonempty), else SIZE_MAX. */
static size_t
same_side_area(const layout_territory *prev, const tkey *key, size_t n_key, const char *side,
               int st)
{
    if (!prev)
        return SIZE_MAX;
    size_t i = 0, j = 0, n = 0;
    for (;; i++, j++, n++) {
        while (i < n_key && (key[i].status != st || strcmp(key[i].side, side) != 0))
            i++;
        while (j < prev->n_key &&
               (prev->key[j].status != st || strcmp(prev->key[j].side, side) != 0))
            j++;
        if (i == n_key || j == prev->n_key) {
            if (i != n_key || j != prev->n_key)
                return SIZE_MAX;
            break;
        }
        if (key[i].is_feature != prev->key[j].is_feature || key[i].index != prev->key[j].index)
            return SIZE_MAX;
    }
    for (size_t a = 0; n > 0 && a < prev->n_areas; a++)
        if (prev->areas[a].kind == LAYOUT_TERRITORY_AREA && prev->areas[a].status == st &&
            strcmp(prev->areas[a].side, side) == 0)
            return a;
    return SIZE_MAX;
}

/* Adds to @t a copy of area @pa of @prev (same_side_area()): its geometries,
 * path and km². 0 when out of memory. */
static int
copy_area(layout_territory *t, size_t *cap, const layout_territory *prev, size_t pa,
          const char *side)
{
    const layout_territory_area *from = &prev->areas[pa];
    GEOSGeometry *g = GEOSGeom_clone_r(t->ctx, prev->geoms[pa]);
    GEOSGeometry *full = prev->full[pa] ? GEOSGeom_clone_r(t->ctx, prev->full[pa]) : NULL;
    const cm_scene_path *fp = &from->path;
    double *xy = fp->xy ? malloc((2 * fp->n_points + 1) * sizeof(double)) : NULL;
    size_t *ps = fp->part_start ? malloc((fp->n_parts + 1) * sizeof(size_t)) : NULL;
    size_t cap_g = *cap, cap_f = *cap;
    if (!g || (prev->full[pa] && !full) || (fp->xy && !xy) || (fp->part_start && !ps) ||
        !CM_RESERVE(t->geoms, cap_g, t->n_areas + 1) ||
        !CM_RESERVE(t->full, cap_f, t->n_areas + 1) ||
        !CM_RESERVE(t->areas, *cap, t->n_areas + 1)) {
        if (g)
            GEOSGeom_destroy_r(t->ctx, g);
        if (full)
            GEOSGeom_destroy_r(t->ctx, full);
        free(xy);
        free(ps);
        return 0;
    }
    layout_territory_area *a = &t->areas[t->n_areas];
    *a = *from;
    a->side = side;
    if (xy)
        memcpy(xy, fp->xy, 2 * fp->n_points * sizeof(double));
    if (ps)
        memcpy(ps, fp->part_start, (fp->n_parts + 1) * sizeof(size_t));
    a->path.xy = xy;
    a->path.part_start = ps;
    t->full[t->n_areas] = full;
    t->geoms[t->n_areas++] = g;
    return 1;
}

/* Each side's areas of each status, united; then the front lines between the
 * sides' held areas, and what each side gained since @prev. */
/* Whether one side alone holds areas (controlled) among the first @n areas
 * of @t; its area's index in *@idx. */
static int
only_side(const layout_territory *t, size_t n, size_t *idx)
{
    size_t found = 0;
    for (size_t a = 0; a < n; a++)
        if (t->areas[a].kind == LAYOUT_TERRITORY_AREA &&
            t->areas[a].status == CM_CONTROL_CONTROLLED && found++ == 0)
            *idx = a;
    return found == 1;
}

/* The territory of the state @key (@n_key of them, taken); NULL when out of
 * memory, @key then still the caller's. */
static layout_territory *
make_territory(layout *L, tkey *key, size_t n_key, const layout_territory *prev)
{
    layout_territory *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->refs = 1;
    t->key = key;
    t->n_key = n_key;
    t->prev = prev;
    t->ctx = cm_geos_load() ? NULL : GEOS_init_r();   /* loaded by run_load_control() */
    size_t cap = 0;
    int ok = t->ctx != NULL;
    GEOSGeometry **parts = calloc(n_key ? 2 * n_key : 1, sizeof(*parts));   /* drawn, measured */
    GEOSGeometry **made = calloc(n_key ? n_key : 1, sizeof(*made));   /* full, made now */
    ok = ok && parts && made && cache_features(L, t->ctx, key, n_key, made);
    const cm_events *ev = L->b->events;
    for (size_t si = 0; ok && si < cm_events_n_sides(ev); si++) {
        const char *side = cm_side_code(cm_events_side(ev, si));
        for (int st = 0; ok && st < CM_CONTROL_N_STATUS; st++) {
            /* a side's areas made of what they were made of before: the same */
            size_t pa = same_side_area(prev, key, n_key, side, st);
            if (pa != SIZE_MAX) {
                ok = copy_area(t, &cap, prev, pa, side);
                continue;
            }
            size_t n = 0, n_features = 0, last = 0;
            for (size_t i = 0; i < n_key; i++) {
                if (strcmp(key[i].side, side) != 0 || key[i].status != st)
                    continue;
                GEOSGeometry *g = key[i].is_feature
                    ? cached_geometry(L, t->ctx, key[i].index)
                    : region_geometry(t->ctx, L->b->paths[key[i].index].shape);
                n_features += key[i].is_feature != 0;
                last = i;
                if (g)
                    parts[n++] = g;
            }
            /* Drawn simplified; measured at full resolution: a feature's own
             * km² when it is all the side holds of this status, else the
             * union of the full features and regions measured (regions are
             * drawn at full resolution: their union is measured as drawn). */
            double km2 = 0, *measured = NULL;
            GEOSGeometry *full = NULL;
            if (n_features == 1 && n == 1) {
                km2 = L->b->control_cache->f[key[last].index].km2;
                measured = &km2;
                if (st == CM_CONTROL_CONTROLLED && made[last]) {   /* for what changed hands */
                    full = made[last];
                    made[last] = NULL;
                } else if (st == CM_CONTROL_CONTROLLED)
                    full = feature_geometry(t->ctx, L->b->control,
                                            &L->b->control->features[key[last].index]);
            } else if (n_features > 0) {
                size_t n_full = 0;
                for (size_t i = 0; i < n_key; i++) {
                    if (strcmp(key[i].side, side) != 0 || key[i].status != st)
                        continue;
                    const cm_control *c = L->b->control;
                    GEOSGeometry *g = key[i].is_feature && made[i] ? made[i]
                        : key[i].is_feature
                        ? feature_geometry(t->ctx, c, &c->features[key[i].index])
                        : region_geometry(t->ctx, L->b->paths[key[i].index].shape);
                    made[i] = NULL;
                    if (g)
                        parts[n + n_full++] = g;
                }
                full = cm_rings_unite(t->ctx, parts + n, n_full);
                km2 = full ? cm_area_km2(t->ctx, full, NULL, NULL) : 0;
                ok = km2 >= 0;
                measured = &km2;
            }
            /* Several features and no region: what is drawn is their union
             * simplified, not the union of each simplified (the features'
             * simplified borders differ at their ends, and GEOS's union of
             * them was most of a slice's time for a side of 50 cells);
             * united again only when simplifying made it invalid. */
            GEOSGeometry *drawn = NULL;
            if (ok && full && n > 1 && n_features == n) {
                drawn = simplified_polygons(L, t->ctx, full);
                if (drawn && GEOSisValid_r(t->ctx, drawn) != 1)
                    drawn = cm_rings_unite(t->ctx, &drawn, 1);
                ok = drawn != NULL;
                for (size_t i = 0; i < n; i++)
                    GEOSGeom_destroy_r(t->ctx, parts[i]);
            } else
                drawn = cm_rings_unite(t->ctx, parts, n);
            ok = add_area(L, t, &cap, drawn, side, st, LAYOUT_TERRITORY_AREA, measured, full) &&
                 ok;
        }
    }
    free(parts);
    for (size_t i = 0; made && i < n_key; i++)
        if (made[i])
            GEOSGeom_destroy_r(t->ctx, made[i]);
    free(made);
    /* the front: a side's held boundary where it lies within ~100 m of another's
     * held area (layers drawn apart by a hair still meet) */
    size_t n_held = t->n_areas;
    for (size_t a = 0; ok && a < n_held; a++)
        for (size_t b = a + 1; ok && b < n_held; b++) {
            const layout_territory_area *x = &t->areas[a], *y = &t->areas[b];
            if (x->status != CM_CONTROL_CONTROLLED || y->status != CM_CONTROL_CONTROLLED ||
                strcmp(x->side, y->side) == 0)
                continue;
            GEOSGeometry *front = front_by_windows(t->ctx, t->geoms[a], t->geoms[b], 0.001);
            if (!front) {
                GEOSGeometry *edge = GEOSBoundary_r(t->ctx, t->geoms[a]);
                GEOSGeometry *near = GEOSBuffer_r(t->ctx, t->geoms[b], 0.001, 2);
                front = edge && near ? GEOSIntersection_r(t->ctx, edge, near) : NULL;
                if (edge)
                    GEOSGeom_destroy_r(t->ctx, edge);
                if (near)
                    GEOSGeom_destroy_r(t->ctx, near);
            }
            ok = add_area(L, t, &cap, front, x->side, CM_CONTROL_CONTROLLED,
                          LAYOUT_TERRITORY_FRONT, NULL, NULL);
        }
    /* what each side holds now and did not before: drawn from the simplified
     * areas, measured on the full ones */
    if (ok) {
        note_ground(t, n_held);
        note_shared(t, n_held);
    }
    size_t two[2] = { SIZE_MAX, SIZE_MAX };
    GEOSGeometry *two_gain[2] = { NULL, NULL };
    int two_sides = ok && prev && two_side_gains(t, prev, two, two_gain);
    /* One side alone holds areas, now and before (a layer of one side's
     * control, as analysts publish them, and no other side's areas): the
     * rest of the map is no one's that the map knows, so what the side holds
     * now and did not before changed hands to it, and what it held before
     * and does not now changed hands away from it (lost; drawn as changed
     * hands in no side's colour). */
    size_t one = SIZE_MAX, one_before = SIZE_MAX;
    GEOSGeometry *one_change[2] = { NULL, NULL };
    int one_side = ok && prev && !two_sides && only_side(t, n_held, &one) &&
                   only_side(prev, prev->n_areas, &one_before) &&
                   strcmp(t->areas[one].side, prev->areas[one_before].side) == 0;
    if (one_side)
        ok = split_change(t->ctx, full_area(t, one), full_area(prev, one_before), NULL,
                          one_change);
    for (size_t a = 0; ok && prev && a < n_held; a++) {
        const layout_territory_area *x = &t->areas[a];
        if (x->status != CM_CONTROL_CONTROLLED)
            continue;
        GEOSGeometry *gained = NULL;
        for (int k = 0; two_sides && k < 2; k++)
            if (two[k] == a) {
                gained = two_gain[k];
                two_gain[k] = NULL;
            }
        if (one_side && a == one) {
            gained = one_change[0];
            one_change[0] = NULL;
        }
        size_t before = SIZE_MAX;
        for (size_t b = 0; !two_sides && b < prev->n_areas; b++)
            if (prev->areas[b].kind == LAYOUT_TERRITORY_AREA &&
                prev->areas[b].status == CM_CONTROL_CONTROLLED &&
                strcmp(prev->areas[b].side, x->side) == 0)
                before = b;
        /* only what another side held before: a side's first areas are no change */
        for (size_t b = 0; ok && !two_sides && b < prev->n_areas; b++)
            if (prev->areas[b].kind == LAYOUT_TERRITORY_AREA &&
                prev->areas[b].status == CM_CONTROL_CONTROLLED &&
                strcmp(prev->areas[b].side, x->side) != 0) {
                /* Taking out what the side held before is needed only where
                 * the sides' areas overlapped: GEOS's difference along the old
                 * front was most of a slice's work. Whether they overlapped
                 * is asked of the simplified areas, which share their borders
                 * where the full ones do (is_anchor). */
                int overlapped = before != SIZE_MAX && overlap((layout_territory *)prev,
                                                                 t->ctx, L, before, b);
                const GEOSGeometry *now_f = t->full[a] ? t->full[a] : t->geoms[a];
                const GEOSGeometry *other_f = prev->full[b] ? prev->full[b] : prev->geoms[b];
                GEOSGeometry *piece = GEOSIntersection_r(t->ctx, now_f, other_f);
                if (piece && overlapped) {
                    const GEOSGeometry *bf = prev->full[before] ? prev->full[before]
                                                                : prev->geoms[before];
                    GEOSGeometry *d = GEOSDifference_r(t->ctx, piece, bf);
                    GEOSGeom_destroy_r(t->ctx, piece);
                    piece = d;
                }
                ok = piece != NULL;
                gained = add_piece(t->ctx, gained, piece);
            }
        /* measured at full resolution, drawn simplified as the areas are */
        double km2 = gained ? cm_area_km2(t->ctx, gained, NULL, NULL) : 0;
        GEOSGeometry *drawn = gained && ok && km2 >= 0 ? simplified_polygons(L, t->ctx, gained)
                                                       : NULL;
        if (gained)
            GEOSGeom_destroy_r(t->ctx, gained);
        ok = ok && km2 >= 0 && (drawn || !gained) &&
             add_area(L, t, &cap, drawn, x->side, CM_CONTROL_CONTROLLED,
                      LAYOUT_TERRITORY_GAINED, &km2, NULL);
    }
    if (ok && one_side && one_change[1]) {
        double km2 = cm_area_km2(t->ctx, one_change[1], NULL, NULL);
        GEOSGeometry *drawn = km2 >= 0 ? simplified_polygons(L, t->ctx, one_change[1]) : NULL;
        ok = drawn && add_area(L, t, &cap, drawn, t->areas[one].side, CM_CONTROL_CONTROLLED,
                               LAYOUT_TERRITORY_LOST, &km2, NULL);
    }
    for (int k = 0; k < 2; k++) {
        if (two_gain[k])
            GEOSGeom_destroy_r(t->ctx, two_gain[k]);
        if (one_change[k])
            GEOSGeom_destroy_r(t->ctx, one_change[k]);
    }
    t->prev = NULL;   /* it may go before this one */
    free(t->first_edges);   /* for this state's change only */
    free(t->first_slot);
    t->first_edges = NULL;
    t->first_slot = NULL;
    if (!ok) {
        t->key = NULL;   /* the caller's again: layout_territory_of() frees it */
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
