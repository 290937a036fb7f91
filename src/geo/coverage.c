/* The union of a coverage by its edges: coverage.h says what and when.
 *
 * GEOS's unary union of polygons that share their borders nodes every edge
 * against its twin along them, in its overlay's slower robust noders: over
 * bench/control's layer of 50 cells (one side, 2 changing hands each
 * version), 3,016 M of the job's 5,583 M instructions. Here each edge is
 * hashed once: an edge two parts have the opposite way round is inside
 * their union, the others are its boundary.
 *
 * What changed hands between two versions of a side's area is made the same
 * way from the edges they do not share (cm_coverage_change), where a border
 * has a district taken on one side and one given up on the other: GEOS's
 * symmetric difference dissolves such a border, and the two one-way
 * differences made instead were 417 M of the 2,577 M instructions of
 * bench/control's layer of 50 cells. Each edge comes with what it bounds,
 * and the edges of what was gained, and of what was lost, are joined as a
 * coverage's are. */
#include "geo/coverage.h"
#include "common/grow.h"
#include "common/mix64.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct cedge {
    double p[2], q[2];   /* the part's interior on its left */
    size_t next;         /* the next edge from the same point, SIZE_MAX: none */
    int alive, used;
} cedge;

typedef struct cover {
    cedge *e;
    size_t n, cap;
    size_t *slot;        /* open addressing: edge index + 1, 0 empty, SIZE_MAX taken out */
    size_t cap_slot;
    double *buf;
    size_t cap_buf;
} cover;

static uint64_t
point_hash(const double p[2])
{
    uint64_t a, b;
    double x = p[0] + 0.0, y = p[1] + 0.0;   /* -0 as 0 */
    memcpy(&a, &x, sizeof a);
    memcpy(&b, &y, sizeof b);
    return cm_mix64(a * 0x9E3779B97F4A7C15u ^ b * 0xC2B2AE3D27D4EB4Fu);
}

/* An undirected edge's hash: the same both ways round. */
static uint64_t
edge_hash(const double p[2], const double q[2])
{
    return point_hash(p) + point_hash(q);
}

static int
same(const double a[2], const double b[2])
{
    return a[0] == b[0] && a[1] == b[1];
}

/* Adds the edge @p -> @q, or takes out the one it cancels (@q -> @p). 0 when
 * an edge is there the same way round (two parts overlap along it). */
static int
add_edge(cover *c, const double p[2], const double q[2])
{
    size_t mask = c->cap_slot - 1, h = (size_t)edge_hash(p, q) & mask, free_at = SIZE_MAX;
    for (; c->slot[h]; h = (h + 1) & mask) {
        if (c->slot[h] == SIZE_MAX) {
            if (free_at == SIZE_MAX)
                free_at = h;
            continue;
        }
        cedge *x = &c->e[c->slot[h] - 1];
        if (same(x->p, q) && same(x->q, p)) {   /* its twin: both inside the union */
            x->alive = 0;
            c->slot[h] = SIZE_MAX;
            return 1;
        }
        if (same(x->p, p) && same(x->q, q))
            return 0;
    }
    if (!CM_GROW(c->e, c->n, c->cap))
        return 0;
    c->e[c->n] = (cedge){ { p[0], p[1] }, { q[0], q[1] }, SIZE_MAX, 1, 0 };
    c->slot[free_at != SIZE_MAX ? free_at : h] = ++c->n;
    return 1;
}

/* The signed area of the ring @xy (@m points, not closed), twice. */
static double
ring_area2(const double *xy, size_t m)
{
    double s = 0;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + 1 < m ? i + 1 : 0;
        s += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
    }
    return s;
}

/* Adds the edges of @ring, turned so that the interior is on their left
 * (@hole: it is on the ring's right). 0 when they are not a coverage's or out
 * of memory. */
static int
add_ring(GEOSContextHandle_t ctx, cover *c, const GEOSGeometry *ring, int hole)
{
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(ctx, ring) : NULL;
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx, cs, &n))
        return 0;
    if (n < 4)
        return 1;   /* nothing to unite */
    if (!CM_RESERVE(c->buf, c->cap_buf, 2 * (size_t)n) ||
        !GEOSCoordSeq_copyToBuffer_r(ctx, cs, c->buf, 0, 0))
        return 0;
    size_t m = n - 1;   /* closed: the last point is the first */
    int flip = (ring_area2(c->buf, m) > 0) == hole;
    for (size_t i = 0; i < m; i++) {
        const double *a = c->buf + 2 * i, *b = c->buf + 2 * (i + 1);
        if (same(a, b))
            continue;
        if (!(flip ? add_edge(c, b, a) : add_edge(c, a, b)))
            return 0;
    }
    return 1;
}

static int
add_geometry(GEOSContextHandle_t ctx, cover *c, const GEOSGeometry *g)
{
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < k; i++)
            if (!add_geometry(ctx, c, GEOSGetGeometryN_r(ctx, g, i)))
                return 0;
        return k >= 0;
    }
    if (type != GEOS_POLYGON)
        return 0;
    if (GEOSisEmpty_r(ctx, g) == 1)
        return 1;
    int holes = GEOSGetNumInteriorRings_r(ctx, g);
    if (holes < 0 || !add_ring(ctx, c, GEOSGetExteriorRing_r(ctx, g), 0))
        return 0;
    for (int i = 0; i < holes; i++)
        if (!add_ring(ctx, c, GEOSGetInteriorRingN_r(ctx, g, i), 1))
            return 0;
    return 1;
}

/* A ring being traced: its points so far, and where each is (a point met
 * again closes a loop: emit_ring). */
typedef struct trace {
    double *xy;
    size_t n, cap;
    struct { double p[2]; size_t at; } *seen;   /* open addressing; at + 1, 0 empty */
    size_t cap_seen;
} trace;

/* Appends the ring @xy (@m points, not closed) to @pts, closed, and its end
 * to @start. 0 when out of memory. */
static int
emit_ring(const double *xy, size_t m, double **pts, size_t *n_pts, size_t *cap_pts,
          size_t **start, size_t *n_rings, size_t *cap_start)
{
    if (!CM_RESERVE(*pts, *cap_pts, 2 * (*n_pts + m + 1)) ||
        !CM_GROW(*start, *n_rings + 1, *cap_start))
        return 0;
    memcpy(*pts + 2 * *n_pts, xy, 2 * m * sizeof(double));
    memcpy(*pts + 2 * (*n_pts + m), xy, 2 * sizeof(double));
    *n_pts += m + 1;
    (*start)[++*n_rings] = *n_pts;
    return 1;
}

/* Where point @p is on @t's points: its index, or SIZE_MAX; *@slot, the
 * slot it has or would have. Entries of points traced over since are
 * stale: they are known by the point at their index not being @p. */
static size_t
seen_at(const trace *t, const double p[2], size_t *slot)
{
    size_t mask = t->cap_seen - 1, h = (size_t)point_hash(p) & mask;
    for (; t->seen[h].at; h = (h + 1) & mask)
        if (same(t->seen[h].p, p)) {
            size_t at = t->seen[h].at - 1;
            *slot = h;
            return at < t->n && same(t->xy + 2 * at, p) ? at : SIZE_MAX;
        }
    *slot = h;
    return SIZE_MAX;
}

/* The edges left, joined into rings: each ring's points into @pts (closed),
 * its first point's offset into @start (n_rings + 1). At a point several
 * edges leave, a ring takes the one that turns most to its left; a ring that
 * comes back to a point it passed is cut there into two (a hole that touches
 * its shell at a point is a ring of its own, as GEOS wants it). 0 when an
 * edge leads nowhere or out of memory. */
static int
join_rings(cover *c, double **pts, size_t *n_pts, size_t *cap_pts, size_t **start,
           size_t *n_rings, size_t *cap_start)
{
    size_t cap = 16, alive = 0;
    for (size_t i = 0; i < c->n; i++)
        alive += c->e[i].alive;
    while (cap < 2 * alive + 2)
        cap *= 2;
    size_t *head = malloc(cap * sizeof(*head));   /* by the point edges leave: an edge + 1 */
    trace t = { NULL, 0, 0, calloc(cap, sizeof(*t.seen)), cap };
    if (!head || !t.seen) {
        free(head);
        free(t.seen);
        return 0;
    }
    memset(head, 0, cap * sizeof(*head));
    for (size_t i = 0; i < c->n; i++) {
        cedge *e = &c->e[i];
        if (!e->alive)
            continue;
        size_t h = (size_t)point_hash(e->p) & (cap - 1);
        while (head[h] && !same(c->e[head[h] - 1].p, e->p))
            h = (h + 1) & (cap - 1);
        e->next = head[h] ? head[h] - 1 : SIZE_MAX;
        head[h] = i + 1;
    }
    *n_pts = *n_rings = 0;
    int ok = CM_GROW(*start, *n_rings, *cap_start);
    if (ok)
        (*start)[0] = 0;
    for (size_t i = 0; ok && i < c->n; i++) {
        if (!c->e[i].alive || c->e[i].used)
            continue;
        const cedge *first = &c->e[i];
        size_t at = i, steps = 0;
        t.n = 0;
        for (;;) {
            cedge *e = &c->e[at];
            e->used = 1;
            size_t slot, was = seen_at(&t, e->p, &slot);
            if (was != SIZE_MAX) {   /* back at a point passed: the loop since is a ring */
                ok = emit_ring(t.xy + 2 * was, t.n - was, pts, n_pts, cap_pts, start, n_rings,
                               cap_start);
                t.n = was;
            }
            if (!ok || !CM_RESERVE(t.xy, t.cap, 2 * (t.n + 1))) {
                ok = 0;
                break;
            }
            t.xy[2 * t.n] = e->p[0];
            t.xy[2 * t.n + 1] = e->p[1];
            t.seen[slot].p[0] = e->p[0];
            t.seen[slot].p[1] = e->p[1];
            t.seen[slot].at = ++t.n;
            if (same(e->q, first->p))
                break;
            if (++steps > alive) {   /* cannot happen: each step uses an edge */
                ok = 0;
                break;
            }
            size_t h = (size_t)point_hash(e->q) & (cap - 1);
            while (head[h] && !same(c->e[head[h] - 1].p, e->q))
                h = (h + 1) & (cap - 1);
            double dx = e->q[0] - e->p[0], dy = e->q[1] - e->p[1], best = -HUGE_VAL;
            size_t pick = SIZE_MAX, unused = 0;
            for (size_t k = head[h] ? head[h] - 1 : SIZE_MAX; k != SIZE_MAX; k = c->e[k].next)
                if (!c->e[k].used) {
                    unused++;
                    pick = k;
                }
            for (size_t k = head[h] ? head[h] - 1 : SIZE_MAX; unused > 1 && k != SIZE_MAX;
                 k = c->e[k].next) {   /* a choice: the turn most to the left */
                const cedge *o = &c->e[k];
                if (o->used)
                    continue;
                double ox = o->q[0] - o->p[0], oy = o->q[1] - o->p[1];
                double turn = atan2(dx * oy - dy * ox, dx * ox + dy * oy);   /* left: > 0 */
                if (turn > best) {
                    best = turn;
                    pick = k;
                }
            }
            if (pick == SIZE_MAX) {   /* the ring does not close */
                ok = 0;
                break;
            }
            at = pick;
        }
        if (ok && t.n)
            ok = emit_ring(t.xy, t.n, pts, n_pts, cap_pts, start, n_rings, cap_start);
    }
    free(head);
    free(t.xy);
    free(t.seen);
    return ok;
}

/* Whether @p is inside the closed ring @xy (@m points, the last the first):
 * crossings of a ray towards +x. */
static int
inside(const double *xy, size_t m, const double p[2])
{
    int odd = 0;
    for (size_t i = 0; i + 1 < m; i++) {
        const double *a = xy + 2 * i, *b = xy + 2 * i + 2;
        if ((a[1] > p[1]) == (b[1] > p[1]))
            continue;
        double x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
        odd ^= x > p[0];
    }
    return odd;
}

static GEOSGeometry *
linear_ring(GEOSContextHandle_t ctx, const double *xy, size_t m)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(ctx, xy, (unsigned)m, 0, 0);
    return cs ? GEOSGeom_createLinearRing_r(ctx, cs) : NULL;
}

/* The rings joined made polygons: each hole (a ring turning clockwise) in the
 * smallest ring turning the other way that holds it. NULL when a hole is in
 * none, or out of memory, or GEOS fails. */
static GEOSGeometry *
make_polygons(GEOSContextHandle_t ctx, const double *pts, const size_t *start, size_t n_rings)
{
    double *area = malloc((n_rings ? n_rings : 1) * sizeof(*area));
    size_t *owner = malloc((n_rings ? n_rings : 1) * sizeof(*owner));
    GEOSGeometry **polys = calloc(n_rings ? n_rings : 1, sizeof(*polys));
    GEOSGeometry **holes = calloc(n_rings ? n_rings : 1, sizeof(*holes));
    GEOSGeometry *out = NULL;
    size_t n_polys = 0;
    int ok = area && owner && polys && holes;
    for (size_t r = 0; ok && r < n_rings; r++) {
        size_t m = start[r + 1] - start[r];
        area[r] = m >= 4 ? ring_area2(pts + 2 * start[r], m - 1) : 0;
        ok = area[r] != 0 && isfinite(area[r]);
    }
    for (size_t r = 0; ok && r < n_rings; r++) {   /* each hole's shell */
        owner[r] = SIZE_MAX;
        if (area[r] > 0)
            continue;
        const double *a = pts + 2 * start[r];
        double mid[2] = { (a[0] + a[2]) / 2, (a[1] + a[3]) / 2 };
        for (size_t s = 0; s < n_rings; s++)
            if (area[s] > 0 && (owner[r] == SIZE_MAX || area[s] < area[owner[r]]) &&
                inside(pts + 2 * start[s], start[s + 1] - start[s], mid))
                owner[r] = s;
        ok = owner[r] != SIZE_MAX;
    }
    for (size_t s = 0; ok && s < n_rings; s++) {
        if (area[s] < 0)
            continue;
        size_t nh = 0;
        for (size_t r = 0; ok && r < n_rings; r++)
            if (area[r] < 0 && owner[r] == s)
                ok = (holes[nh++] = linear_ring(ctx, pts + 2 * start[r],
                                                start[r + 1] - start[r])) != NULL;
        GEOSGeometry *shell = ok ? linear_ring(ctx, pts + 2 * start[s], start[s + 1] - start[s])
                                 : NULL;
        if (!shell) {   /* the holes made are given to no polygon */
            for (size_t k = 0; k < nh; k++)
                if (holes[k])
                    GEOSGeom_destroy_r(ctx, holes[k]);
            ok = 0;
            break;
        }
        /* GEOS owns the rings from here, whether it makes the polygon or not */
        if (!(polys[n_polys] = GEOSGeom_createPolygon_r(ctx, shell, holes, (unsigned)nh))) {
            ok = 0;
            break;
        }
        n_polys++;
    }
    if (ok && n_polys)
        out = n_polys == 1 ? polys[0]
                           : GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys,
                                                         (unsigned)n_polys);
    if (!out)
        for (size_t k = 0; polys && k < n_polys; k++)
            GEOSGeom_destroy_r(ctx, polys[k]);
    free(area);
    free(owner);
    free(polys);
    free(holes);
    return out;
}

/* The polygons bounded by the edges of one kind (@lost 0: what was gained,
 * on their left; 1: what was lost, on their right, so turned round) into
 * *@out as a multipolygon (NULL when there are none), joined into rings as
 * a coverage's union is: where two pieces touch at a point, each ring keeps
 * to its own piece. 0 when a ring does not close, a hole is in no shell,
 * out of memory or GEOS fails. */
static int
kind_polygons(GEOSContextHandle_t ctx, const double (*edges)[4], const unsigned char *lost,
              size_t n, int kind, GEOSGeometry **out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += lost[i] == kind;
    *out = NULL;
    if (!m)
        return 1;
    cover c = { calloc(m, sizeof(cedge)), m, m, NULL, 0, NULL, 0 };
    if (!c.e)
        return 0;
    for (size_t i = 0, k = 0; i < n; i++)
        if (lost[i] == kind) {
            const double *p = kind ? edges[i] + 2 : edges[i], *q = kind ? edges[i] : edges[i] + 2;
            c.e[k++] = (cedge){ { p[0], p[1] }, { q[0], q[1] }, SIZE_MAX, 1, 0 };
        }
    double *pts = NULL;
    size_t *start = NULL, n_pts = 0, cap_pts = 0, n_rings = 0, cap_start = 0;
    int ok = join_rings(&c, &pts, &n_pts, &cap_pts, &start, &n_rings, &cap_start);
    GEOSGeometry *g = ok && n_rings ? make_polygons(ctx, pts, start, n_rings) : NULL;
    if (g && GEOSGeomTypeId_r(ctx, g) == GEOS_POLYGON) {   /* a multipolygon of one */
        GEOSGeometry *one[1] = { g };
        *out = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, one, 1);
        if (!*out)
            GEOSGeom_destroy_r(ctx, g);
    } else
        *out = g;
    free(c.e);
    free(pts);
    free(start);
    return *out != NULL;
}

int
cm_coverage_change(GEOSContextHandle_t ctx, const double (*edges)[4], const unsigned char *lost,
                   size_t n, GEOSGeometry *gain[2])
{
    gain[0] = gain[1] = NULL;
    int ok = 1;
    for (int k = 0; ok && k < 2; k++)
        ok = kind_polygons(ctx, edges, lost, n, k, &gain[k]) &&
             (!gain[k] || GEOSisValid_r(ctx, gain[k]) == 1);
    /* each valid, what was gained less what was lost is what is held now
     * less what was held before (their edges are those given, which add up
     * to its boundary): so, when they do not overlap, they are that */
    if (ok && gain[0] && gain[1]) {
        GEOSGeometry *both = GEOSIntersection_r(ctx, gain[0], gain[1]);
        double a = 0, g = 0, l = 0;
        ok = both && GEOSArea_r(ctx, both, &a) && GEOSArea_r(ctx, gain[0], &g) &&
             GEOSArea_r(ctx, gain[1], &l) && a <= 1e-12 * (g + l);
        if (both)
            GEOSGeom_destroy_r(ctx, both);
    }
    for (int k = 0; !ok && k < 2; k++)
        if (gain[k]) {
            GEOSGeom_destroy_r(ctx, gain[k]);
            gain[k] = NULL;
        }
    return ok;
}

GEOSGeometry *
cm_coverage_union(GEOSContextHandle_t ctx, GEOSGeometry *const *parts, size_t n)
{
    cover c = { 0 };
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {   /* about as many edges as points */
        int k = GEOSGetNumCoordinates_r(ctx, parts[i]);
        if (k < 0)
            return NULL;
        need += (size_t)k;
    }
    c.cap_slot = 16;
    while (c.cap_slot < 2 * need + 2)
        c.cap_slot *= 2;
    c.slot = calloc(c.cap_slot, sizeof(*c.slot));
    int ok = c.slot != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = add_geometry(ctx, &c, parts[i]);
    double *pts = NULL;
    size_t *start = NULL, n_pts = 0, cap_pts = 0, n_rings = 0, cap_start = 0;
    ok = ok && join_rings(&c, &pts, &n_pts, &cap_pts, &start, &n_rings, &cap_start);
    GEOSGeometry *u = ok && n_rings ? make_polygons(ctx, pts, start, n_rings) : NULL;
    if (u && GEOSisValid_r(ctx, u) != 1) {
        GEOSGeom_destroy_r(ctx, u);
        u = NULL;
    }
    free(pts);
    free(start);
    free(c.e);
    free(c.slot);
    free(c.buf);
    return u;
}
