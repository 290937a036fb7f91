/* The fine coast: at the scale of a front the land/sea edge comes from the
 * land layer (shapes/land.shp, OpenStreetMap's coast at 10 m, cut into tiles
 * along whole degrees), not from Natural Earth's generalised countries. The
 * countries are still filled and bordered from their own layer, but only
 * their shared edges are stroked as borders; the sea is painted over their
 * coarse coast, and the coastline is the land's outline without the tile
 * cuts. Which layers make the base, in which order, is base.c's. */
#include "layout/layout.h"
#include "geo/clip.h"
#include "geo/simplify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared edges ------------------------------------------------------------------- */

/* An edge as its two ends in units of 1e-7 degrees, the lesser end first, so
 * that the edge two neighbours share is one key whichever way they run. */
typedef struct edge_key {
    int64_t v[4];
} edge_key;

static edge_key
key_of(const double *a, const double *b)
{
    int64_t p[2] = { llround(a[0] * 1e7), llround(a[1] * 1e7) };
    int64_t q[2] = { llround(b[0] * 1e7), llround(b[1] * 1e7) };
    int swap = p[0] > q[0] || (p[0] == q[0] && p[1] > q[1]);
    edge_key k = { { swap ? q[0] : p[0], swap ? q[1] : p[1], swap ? p[0] : q[0],
                     swap ? p[1] : q[1] } };
    return k;
}

static int
compare_keys(const void *a, const void *b)
{
    const edge_key *x = a, *y = b;
    for (int i = 0; i < 4; i++)
        if (x->v[i] != y->v[i])
            return x->v[i] < y->v[i] ? -1 : 1;
    return 0;
}

cm_status
layout_shared_make(layout_shared *s, const cm_layer *layer)
{
    size_t n = 0, np;
    memset(s, 0, sizeof(*s));
    for (size_t i = 0; i < cm_layer_n_shapes(layer); i++) {
        const cm_shape *shape = cm_layer_shape(layer, i);
        for (size_t k = 0; k < cm_shape_n_parts(shape); k++)
            n += (cm_shape_part(shape, k, &np), np);
    }
    edge_key *all = malloc((n + 1) * sizeof(edge_key));
    if (!all)
        return CM_ERR_NOMEM;
    n = 0;
    for (size_t i = 0; i < cm_layer_n_shapes(layer); i++) {
        const cm_shape *shape = cm_layer_shape(layer, i);
        for (size_t k = 0; k < cm_shape_n_parts(shape); k++) {
            const double *pts = cm_shape_part(shape, k, &np);
            for (size_t j = 0; j + 1 < np; j++)
                all[n++] = key_of(pts + 2 * j, pts + 2 * j + 2);
        }
    }
    qsort(all, n, sizeof(edge_key), compare_keys);
    /* keep one key of each run of two or more: the edges two outlines share */
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && compare_keys(&all[i], &all[j]) == 0; j++)
            ;
        if (j - i >= 2)
            all[s->n++] = all[i];
    }
    s->keys = all;
    return CM_OK;
}

void
layout_shared_free(layout_shared *s)
{
    free(s->keys);
    s->keys = NULL;
    s->n = 0;
}

static int
is_shared(const layout_shared *s, const double *a, const double *b)
{
    edge_key k = key_of(a, b);
    return s->n && bsearch(&k, s->keys, s->n, sizeof(edge_key), compare_keys) != NULL;
}

/* ---- runs of an outline ------------------------------------------------------------- */

/* The land layer is cut along whole degrees: an edge that runs along one is a
 * cut, not coast. */
static int
on_grid(double v)
{
    return v == floor(v);
}

static int
is_cut(const double *a, const double *b)
{
    return (a[0] == b[0] && on_grid(a[0])) || (a[1] == b[1] && on_grid(a[1]));
}

/* Whether the edge a-b belongs to the run @which asks for. */
static int
wanted(layout_runs which, const layout_shared *s, const double *a, const double *b)
{
    switch (which) {
    case LAYOUT_RUNS_SHARED: return is_shared(s, a, b);
    case LAYOUT_RUNS_UNSHARED: return !is_shared(s, a, b);
    default: return !is_cut(a, b);
    }
}

/* The points @first..@last of @pts, projected and clipped to @r, into @out. */
static cm_status
add_run(const cm_scene_base *b, const double *pts, size_t first, size_t last, double *xy,
        const double r[4], cm_pathbuf *out)
{
    size_t n = last - first + 1;
    memcpy(xy, pts + 2 * first, n * 2 * sizeof(double));
    cm_projection_forward(b->proj, xy, n);
    return cm_clip_line(out, xy, n, r);
}

static void
clip_rect(const cm_scene_base *b, double r[4])
{
    r[0] = b->map_rect[0] - 16;
    r[1] = b->map_rect[1] - 16;
    r[2] = b->map_rect[2] + 32;
    r[3] = b->map_rect[3] + 32;
}

static size_t
most_points(const cm_shape *shape)
{
    size_t max = 0, np;
    for (size_t k = 0; k < cm_shape_n_parts(shape); k++)
        if (cm_shape_part(shape, k, &np), np > max)
            max = np;
    return max;
}

/* A triangle or a quadrilateral (a closed ring of five points or fewer) at
 * most 32 pixels across, none of its points on a tile's cut: a pond or an
 * islet of a source simplified for small scales (OpenStreetMap's reduced
 * water polygons), which at the scale of a front shows as a triangle or a
 * diamond no lake or island has (39 inside the Kherson example's map, most
 * 10 to 26 pixels across). Left out, as a cartographer leaves out what the
 * scale cannot draw. */
enum { ANGULAR_MOST_POINTS = 5 };
#define ANGULAR_MOST_PX 32.0

static int
is_angular_speck(const double *xy, const double *pts, size_t np)
{
    if (np > ANGULAR_MOST_POINTS)
        return 0;
    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    for (size_t i = 0; i < np; i++) {
        if (on_grid(pts[2 * i]) || on_grid(pts[2 * i + 1]) || !isfinite(xy[2 * i]) ||
            !isfinite(xy[2 * i + 1]))
            return 0;
        x0 = fmin(x0, xy[2 * i]);
        x1 = fmax(x1, xy[2 * i]);
        y0 = fmin(y0, xy[2 * i + 1]);
        y1 = fmax(y1, xy[2 * i + 1]);
    }
    return x1 - x0 < ANGULAR_MOST_PX && y1 - y0 < ANGULAR_MOST_PX;
}

static cm_status
shape_runs(const cm_scene_base *b, const cm_shape *shape, layout_runs which,
           const layout_shared *s, cm_pathbuf *out)
{
    double r[4], *xy = malloc((most_points(shape) + 1) * 2 * sizeof(double));
    size_t np;
    cm_status st = xy ? CM_OK : CM_ERR_NOMEM;
    clip_rect(b, r);
    for (size_t k = 0; st == CM_OK && k < cm_shape_n_parts(shape); k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        if (which == LAYOUT_RUNS_COAST && np <= ANGULAR_MOST_POINTS) {
            memcpy(xy, pts, np * 2 * sizeof(double));
            cm_projection_forward(b->proj, xy, np);
            if (is_angular_speck(xy, pts, np))
                continue;   /* as land_rings() leaves it out */
        }
        size_t start = SIZE_MAX;   /* the first point of the run open, if any */
        for (size_t j = 0; st == CM_OK && j + 1 < np; j++) {
            int in = wanted(which, s, pts + 2 * j, pts + 2 * j + 2);
            if (in && start == SIZE_MAX)
                start = j;
            if (!in && start != SIZE_MAX) {
                st = add_run(b, pts, start, j, xy, r, out);
                start = SIZE_MAX;
            }
        }
        if (st == CM_OK && start != SIZE_MAX)
            st = add_run(b, pts, start, np - 1, xy, r, out);
    }
    free(xy);
    return st;
}

static cm_status
add_path(cm_scene_base *b, cm_pathbuf *buf, cm_group group, const char *role,
         const cm_shape *shape, int is_polygon, cm_rgba fill, cm_stroke stroke)
{
    cm_status st = cm_pathbuf_end(buf);
    if (st != CM_OK || buf->n_parts == 0 || !CM_GROW(b->paths, b->n_paths, b->n_paths_cap)) {
        cm_pathbuf_free(buf);
        return st != CM_OK || buf->n_parts == 0 ? st : CM_ERR_NOMEM;
    }
    cm_scene_path *p = &b->paths[b->n_paths++];
    memset(p, 0, sizeof(*p));
    p->group = group;
    p->role = role;
    p->shape = shape;
    p->is_polygon = is_polygon;
    p->xy = buf->xy;
    p->part_start = buf->part_start;
    p->n_points = buf->n_points;
    p->n_parts = buf->n_parts;
    p->fill = fill;
    p->stroke = stroke;
    buf->xy = NULL;
    buf->part_start = NULL;
    return CM_OK;
}

cm_status
layout_add_runs(cm_scene_base *b, const char *role, const cm_shape *shape, layout_runs which,
                const layout_shared *s, cm_stroke stroke, int is_rim)
{
    cm_pathbuf buf = { 0 };
    cm_status st = shape_runs(b, shape, which, s, &buf);
    cm_rgba none = { 0, 0, 0, 0 };
    if (st != CM_OK) {
        cm_pathbuf_free(&buf);
        return st;
    }
    size_t before = b->n_paths;
    st = add_path(b, &buf, cm_group_of_role(role), role, shape, 0, none, stroke);
    if (st == CM_OK && b->n_paths > before)
        b->paths[before].is_rim = is_rim;
    return st;
}

/* ---- the land, the sea and the coastline ------------------------------------------------- */

/* Simplifies the projected ring @xy (@pts in degrees) to well under a pixel
 * but keeps every point on a whole degree: the tiles' cut edges, which two
 * neighbouring tiles must draw through the same points, or the seam shows. */
static cm_status
simplify_keeping_cuts(double *xy, const double *pts, size_t *np)
{
    size_t n = *np, m = 0, start = 0;
    for (size_t i = 1; i < n; i++) {
        if (i + 1 < n && !on_grid(pts[2 * i]) && !on_grid(pts[2 * i + 1]))
            continue;
        size_t k = i - start + 1;
        cm_status st = cm_simplify(xy + 2 * start, &k, CM_SIMPLIFY_TOLERANCE_PX);
        if (st != CM_OK)
            return st;
        memmove(xy + 2 * m, xy + 2 * start, k * 2 * sizeof(double));
        m += k - 1;
        start = i;
    }
    *np = n ? m + 1 : 0;
    return CM_OK;
}

/* Every ring of the land layer, projected and clipped, as parts of @out. */
static cm_status
land_rings(const cm_scene_base *b, const cm_layer *land, cm_pathbuf *out)
{
    double r[4];
    cm_status st = CM_OK;
    clip_rect(b, r);
    for (size_t i = 0; st == CM_OK && i < cm_layer_n_shapes(land); i++) {
        const cm_shape *shape = cm_layer_shape(land, i);
        size_t np;
        double *xy = malloc((most_points(shape) + 1) * 2 * sizeof(double));
        st = xy ? CM_OK : CM_ERR_NOMEM;
        for (size_t k = 0; st == CM_OK && k < cm_shape_n_parts(shape); k++) {
            const double *pts = cm_shape_part(shape, k, &np);
            memcpy(xy, pts, np * 2 * sizeof(double));
            cm_projection_forward(b->proj, xy, np);
            if (is_angular_speck(xy, pts, np))
                continue;
            st = simplify_keeping_cuts(xy, pts, &np);
            if (st == CM_OK)
                st = cm_clip_ring(out, xy, np, r);
        }
        free(xy);
    }
    return st;
}

int
layout_has_land(const cm_layer *const *layers, size_t n_layers, const cm_layer **land)
{
    for (size_t i = 0; i < n_layers; i++)
        if (cm_group_of_role(cm_layer_role(layers[i])) == CM_GROUP_LAND &&
            cm_layer_n_shapes(layers[i]) > 0) {
            *land = layers[i];
            return 1;
        }
    return 0;
}

cm_status
layout_add_land(cm_scene_base *b, const cm_layer *land)
{
    cm_pathbuf buf = { 0 };
    cm_stroke none = { { 0, 0, 0, 0 }, 0, { 0, 0 } };
    cm_status st = land_rings(b, land, &buf);
    if (st != CM_OK) {
        cm_pathbuf_free(&buf);
        return st;
    }
    layout_note_credit(b, cm_layer_shape(land, 0));
    return add_path(b, &buf, CM_GROUP_LAND, cm_layer_role(land), NULL, 1, b->style->land, none);
}

/* The sea: the map's rectangle less the land, one even-odd path, painted over
 * whatever of the coarse countries reaches past the fine coast. Then the
 * coastline: the land's outline without its cuts. */
cm_status
layout_add_sea_and_coast(cm_scene_base *b, const cm_layer *land)
{
    cm_pathbuf buf = { 0 };
    cm_stroke none = { { 0, 0, 0, 0 }, 0, { 0, 0 } };
    double r[4], rect[8];
    clip_rect(b, r);
    double corners[8] = { r[0], r[1], r[0] + r[2], r[1], r[0] + r[2], r[1] + r[3], r[0], r[1] + r[3] };
    memcpy(rect, corners, sizeof rect);
    cm_status st = cm_clip_ring(&buf, rect, 4, r);
    if (st == CM_OK)
        st = land_rings(b, land, &buf);
    if (st == CM_OK)
        st = add_path(b, &buf, CM_GROUP_SEA, "sea", NULL, 1, b->style->water, none);
    else
        cm_pathbuf_free(&buf);
    for (size_t i = 0; st == CM_OK && i < cm_layer_n_shapes(land); i++) {
        const cm_shape *shape = cm_layer_shape(land, i);
        cm_pathbuf line = { 0 };
        st = shape_runs(b, shape, LAYOUT_RUNS_COAST, NULL, &line);
        if (st == CM_OK)
            st = add_path(b, &line, CM_GROUP_COAST, "coast", shape, 0,
                          (cm_rgba){ 0, 0, 0, 0 }, b->style->country_border);
        else
            cm_pathbuf_free(&line);
    }
    return st;
}
