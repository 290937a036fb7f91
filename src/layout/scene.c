/* Laying a slice out: the base (layers projected once, context places), then
 * per slice the frame, the control state, the event markers, edge markers for
 * places off the map, and labels placed so that none overlaps another. The
 * backends draw what is here and decide nothing. */
#include "layout/scene.h"
#include "common/memo.h"
#include "geo/clip.h"
#include "geo/simplify.h"

#include <ctype.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define GROW(arr, n, cap) \
    ((n) < (cap) || grow((void **)&(arr), &(cap), sizeof(*(arr))))

static int
grow(void **arr, size_t *cap, size_t size)
{
    size_t c = *cap ? *cap * 2 : 32;
    void *p = realloc(*arr, c * size);
    if (!p)
        return 0;
    *arr = p;
    *cap = c;
    return 1;
}

void
cm_scene_map_rect(const cm_style *style, int width_px, int height_px, double rect_px[4])
{
    rect_px[0] = 0;
    rect_px[1] = style->header_px;
    rect_px[2] = width_px;
    rect_px[3] = height_px - style->header_px - style->footer_px;
    if (rect_px[3] < 50)
        rect_px[3] = 50;
}

void
cm_scene_left_to_right(PangoLayout *pl)
{
    pango_layout_set_auto_dir(pl, FALSE);
    pango_context_set_base_dir(pango_layout_get_context(pl), PANGO_DIRECTION_LTR);
    pango_layout_context_changed(pl);
}

PangoFontDescription *
cm_scene_font(const cm_style *style, double size_px, int bold, int italic)
{
    PangoFontDescription *d = pango_font_description_new();
    pango_font_description_set_family(d, style->font_family);
    pango_font_description_set_absolute_size(d, size_px * PANGO_SCALE);
    pango_font_description_set_weight(d, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(d, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
    return d;
}

/* ---- the base: layers ---------------------------------------------------------- */

/* Paint for a layer's role; lines are told apart by their "kind" field. */
static void
paint_for(const cm_style *st, cm_group role, const cm_shape *shape, cm_scene_path *p)
{
    const char *kind = cm_shape_attr(shape, "kind");
    p->fill.a = 0;
    p->stroke.width_px = 0;
    if (role == CM_GROUP_WORLD) {
        p->fill = st->land_outside;
        p->stroke = st->region_border;
    } else if (role == CM_GROUP_COUNTRIES) {
        p->fill = st->land;
        p->stroke = st->country_border;
    } else if (role == CM_GROUP_REGIONS) {
        p->stroke = st->region_border;
    } else if (role == CM_GROUP_WATER) {
        p->fill = st->water;
    } else if (kind && strstr(kind, "ceasefire")) {
        p->stroke = st->ceasefire_line;
    } else if (kind && strstr(kind, "oblast")) {
        p->stroke = st->oblast_line;
    } else {
        p->stroke = st->other_line;
    }
    if (!p->is_polygon)
        p->fill.a = 0;
}

/* The pass a layer's shapes are projected in: world, countries, water,
 * regions (the order cm_group lists them in), then lines and the rest. */
static int
role_order(cm_group role)
{
    return role <= CM_GROUP_REGIONS ? (int)role : 4;
}

/* Shapes far from the map are left out before projecting: besides costing
 * time, a conic projection sends Antarctica or the far side of the world to
 * huge coordinates. The longitudes compare modulo 360, for an extent across
 * the antimeridian. */
static int
is_near(const cm_scene_base *b, const cm_shape *shape)
{
    double w = INFINITY, s = INFINITY, e = -INFINITY, n = -INFINITY;
    size_t np;
    for (size_t k = 0; k < cm_shape_n_parts(shape); k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        for (size_t i = 0; i < np; i++) {
            w = fmin(w, pts[2 * i]);
            e = fmax(e, pts[2 * i]);
            s = fmin(s, pts[2 * i + 1]);
            n = fmax(n, pts[2 * i + 1]);
        }
    }
    if (s > b->near_deg[3] || n < b->near_deg[1])
        return 0;
    double nw = b->near_deg[0], ne = b->near_deg[2];
    if (ne - nw >= 360)
        return 1;
    for (double shift = -360; shift <= 360; shift += 360)
        if (w + shift <= ne && e + shift >= nw)
            return 1;
    return 0;
}

/* The shape's parts, projected, simplified to well under a pixel and clipped to
 * the map (with room for a stroke), into @out. */
static cm_status
project_parts(cm_scene_base *b, const cm_shape *shape, cm_pathbuf *out)
{
    size_t n_parts = cm_shape_n_parts(shape), np, max = 0;
    int is_polygon = cm_shape_kind_of(shape) == CM_SHAPE_POLYGON;
    double r[4] = { b->map_rect[0] - 16, b->map_rect[1] - 16, b->map_rect[2] + 32,
                    b->map_rect[3] + 32 };
    for (size_t k = 0; k < n_parts; k++)
        if (cm_shape_part(shape, k, &np), np > max)
            max = np;
    double *xy = malloc((max + 1) * 2 * sizeof(double));
    cm_status st = xy ? CM_OK : CM_ERR_NOMEM;
    for (size_t k = 0; st == CM_OK && k < n_parts; k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        memcpy(xy, pts, np * 2 * sizeof(double));
        cm_projection_forward(b->proj, xy, np);
        st = cm_simplify(xy, &np, CM_SIMPLIFY_TOLERANCE_PX);
        if (st == CM_OK)
            st = is_polygon ? cm_clip_ring(out, xy, np, r) : cm_clip_line(out, xy, np, r);
    }
    free(xy);
    if (st == CM_OK)
        st = cm_pathbuf_end(out);
    return st;
}

static cm_status
project_shape(cm_scene_base *b, const char *role, const cm_shape *shape)
{
    cm_pathbuf buf = { 0 };
    if (cm_shape_kind_of(shape) == CM_SHAPE_POINT || cm_shape_n_parts(shape) == 0 ||
        !is_near(b, shape))
        return CM_OK;
    cm_status st = project_parts(b, shape, &buf);
    if (st != CM_OK || buf.n_parts == 0)
        goto cleanup;
    st = CM_ERR_NOMEM;
    if (!GROW(b->paths, b->n_paths, b->n_paths_cap))
        goto cleanup;
    cm_scene_path *p = &b->paths[b->n_paths++];
    memset(p, 0, sizeof(*p));
    p->group = cm_group_of_role(role);
    p->role = role;
    p->shape = shape;
    p->is_polygon = cm_shape_kind_of(shape) == CM_SHAPE_POLYGON;
    p->xy = buf.xy;
    p->part_start = buf.part_start;
    p->n_points = buf.n_points;
    p->n_parts = buf.n_parts;
    buf.xy = NULL;
    buf.part_start = NULL;
    paint_for(b->style, p->group, shape, p);
    st = CM_OK;
cleanup:
    cm_pathbuf_free(&buf);
    return st;
}

/* The world layer is coarse: where the countries layer has the same country
 * and covers the whole map, the world's outline would only show as a rim of
 * land beyond the true coast. (Beyond the countries layer's clip, as for
 * Chukotka, the world layer is all there is.) */
static int
drawn_by_countries(const cm_scene_base *b, cm_layer *const *layers, size_t n_layers,
                   const cm_shape *world_shape)
{
    const char *iso = cm_shape_attr(world_shape, "iso_a2");
    const double *m = b->bbox_deg;
    for (size_t i = 0; iso && *iso && strcmp(iso, "-99") != 0 && i < n_layers; i++) {
        double lb[4];
        if (cm_group_of_role(cm_layer_role(layers[i])) != CM_GROUP_COUNTRIES ||
            !cm_layer_bbox(layers[i], lb) ||
            m[0] > m[2] || m[0] < lb[0] || m[2] > lb[2] || m[1] < lb[1] || m[3] > lb[3])
            continue;
        for (size_t s = 0; s < cm_layer_n_shapes(layers[i]); s++) {
            const char *other = cm_shape_attr(cm_layer_shape(layers[i], s), "iso_a2");
            if (other && strcmp(other, iso) == 0)
                return 1;
        }
    }
    return 0;
}

static cm_status
project_layers(cm_scene_base *b, cm_layer *const *layers, size_t n_layers)
{
    for (int pass = 0; pass <= 4; pass++)
        for (size_t i = 0; i < n_layers; i++) {
            const char *role = cm_layer_role(layers[i]);
            cm_group group = cm_group_of_role(role);
            if (role_order(group) != pass)
                continue;
            for (size_t s = 0; s < cm_layer_n_shapes(layers[i]); s++) {
                const cm_shape *shape = cm_layer_shape(layers[i], s);
                if (group == CM_GROUP_WORLD && drawn_by_countries(b, layers, n_layers, shape))
                    continue;
                cm_status st = project_shape(b, role, shape);
                if (st != CM_OK)
                    return st;
            }
        }
    return CM_OK;
}

/* ---- the base: places ----------------------------------------------------------- */

static int
inside_rect(const double r[4], double x, double y, double inset)
{
    return isfinite(x) && isfinite(y) && x >= r[0] + inset && x <= r[0] + r[2] - inset &&
           y >= r[1] + inset && y <= r[1] + r[3] - inset;
}

/* Context places are towns worth naming on a locator map: capitals and cities
 * always, towns when populous; the most important first, so that when labels
 * collide the smaller town gives way. */
static int
is_context(const cm_place *p)
{
    const char *kind = cm_place_kind(p);
    return strcmp(kind, "capital") == 0 || strcmp(kind, "city") == 0 ||
           strcmp(kind, "water") == 0 ||
           (strcmp(kind, "town") == 0 && cm_place_rank(p) >= 15000);
}

static int
compare_context(const void *a, const void *b)
{
    const context_place *x = a, *y = b;
    int cx = strcmp(cm_place_kind(x->place), "capital") == 0;
    int cy = strcmp(cm_place_kind(y->place), "capital") == 0;
    if (cx != cy)
        return cy - cx;
    if (cm_place_rank(x->place) != cm_place_rank(y->place))
        return cm_place_rank(x->place) > cm_place_rank(y->place) ? -1 : 1;
    return strcmp(cm_place_name(x->place), cm_place_name(y->place));
}

static cm_status
pick_places(cm_scene_base *b, const cm_gazetteer *gaz)
{
    for (size_t i = 0; gaz && i < cm_gazetteer_n_places(gaz); i++) {
        const cm_place *p = cm_gazetteer_place(gaz, i);
        double xy[2] = { cm_place_lon(p), cm_place_lat(p) };
        if (!is_context(p))
            continue;
        cm_projection_forward(b->proj, xy, 1);
        if (!inside_rect(b->map_rect, xy[0], xy[1], 8))
            continue;
        if (!GROW(b->places, b->n_places, b->n_places_cap))
            return CM_ERR_NOMEM;
        b->places[b->n_places++] = (context_place){ p, xy[0], xy[1] };
    }
    if (b->n_places)
        qsort(b->places, b->n_places, sizeof(context_place), compare_context);
    return CM_OK;
}

static cm_status note_all_events(cm_scene_base *b);

static cm_status
project_events(cm_scene_base *b)
{
    size_t n = cm_events_count(b->events);
    b->event_xy = malloc((n + 1) * 2 * sizeof(double));
    if (!b->event_xy)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const cm_event *e = cm_events_get(b->events, i);
        b->event_xy[2 * i] = cm_event_lon(e);
        b->event_xy[2 * i + 1] = cm_event_lat(e);
    }
    cm_projection_forward(b->proj, b->event_xy, n);
    return CM_OK;
}

static cm_status
make_pango(cm_scene_base *b)
{
    PangoFontMap *fm = pango_cairo_font_map_get_default();
    b->pango = fm ? pango_font_map_create_context(fm) : NULL;
    b->measured = cm_memo_create(2 * sizeof(double), NULL);
    if (!b->pango || !b->measured)
        return CM_ERR_NOMEM;
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(b->pango, opts);
    cairo_font_options_destroy(opts);
    return CM_OK;
}

/* ---- the base: region names ---------------------------------------------------- */

static cm_status
key_regions(cm_scene_base *b)
{
    static const char *const fields[4] = { "name", "name_en", "name_ne", "name_local" };
    for (size_t i = 0; i < b->n_paths; i++) {
        cm_scene_path *p = &b->paths[i];
        if (p->group != CM_GROUP_REGIONS || !p->shape)
            continue;
        for (size_t k = 0; k < 4; k++) {
            const char *v = cm_shape_attr(p->shape, fields[k]);
            if (v && !(p->name_keys[k] = cm_name_key(v)))
                return CM_ERR_NOMEM;
        }
    }
    return CM_OK;
}

/* ---- the base: the story's countries --------------------------------------------- */

/* The countries the events on the map happen in are drawn a shade lighter
 * than their neighbours, so the eye goes to where the story is. */
static int
country_has_events(const cm_scene_base *b, const char *iso)
{
    for (size_t i = 0; iso && *iso && i < cm_events_count(b->events); i++) {
        const cm_event *e = cm_events_get(b->events, i);
        const cm_place *p = cm_event_place(e);
        const double *xy = &b->event_xy[2 * i];
        if (p && strcmp(cm_place_country(p), iso) == 0 && inside_rect(b->map_rect, xy[0], xy[1], 0))
            return 1;
    }
    return 0;
}

static void
emphasise_countries(cm_scene_base *b)
{
    for (size_t i = 0; i < b->n_paths; i++) {
        cm_scene_path *p = &b->paths[i];
        const char *iso = p->shape ? cm_shape_attr(p->shape, "iso_a2") : NULL;
        if (p->group == CM_GROUP_COUNTRIES && country_has_events(b, iso))
            p->fill = b->style->land_focus;
    }
}

/* ---- the base: country names ------------------------------------------------------ */

/* A country is named at the middle of its largest part, when that is on the
 * map. The name is set in capitals with thin spaces between the letters, as
 * atlases do. */
static void
spaced_caps(const char *name, char *out, size_t size)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && w + 8 < size; p++) {
        if (w > 0 && (*p & 0xC0) != 0x80) {
            memcpy(out + w, *p == ' ' ? "\xe2\x80\x83" : "\xe2\x80\x89", 3);   /* em / thin */
            w += 3;
            if (*p == ' ')
                continue;
        }
        out[w++] = (char)(*p < 0x80 ? toupper(*p) : *p);
    }
    out[w] = '\0';
}

/* The area centroid of the largest ring once projected (the mainland, not an
 * exclave or island), or 0 when the shape has no ring with an area. */
static int
largest_ring_centroid(const cm_scene_base *b, const cm_shape *shape, double *cx, double *cy)
{
    double best = 0;
    size_t np;
    for (size_t k = 0; k < cm_shape_n_parts(shape); k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        double *xy = malloc((np + 1) * 2 * sizeof(double)), a = 0, sx = 0, sy = 0;
        if (!xy)
            return 0;
        memcpy(xy, pts, np * 2 * sizeof(double));
        cm_projection_forward(b->proj, xy, np);
        for (size_t i = 0; i + 1 < np; i++) {
            double c = xy[2 * i] * xy[2 * i + 3] - xy[2 * i + 2] * xy[2 * i + 1];
            a += c;
            sx += (xy[2 * i] + xy[2 * i + 2]) * c;
            sy += (xy[2 * i + 1] + xy[2 * i + 3]) * c;
        }
        free(xy);
        if (isfinite(a) && fabs(a) > best) {
            best = fabs(a);
            *cx = sx / (3 * a);
            *cy = sy / (3 * a);
        }
    }
    return best > 0;
}

/* For a country whose middle is off the map (Russia seen from the Caucasus):
 * the mean of its outline's points that are on the map, when there are enough. */
static int
visible_mean(const cm_scene_base *b, const cm_shape *shape, double *x, double *y)
{
    double sx = 0, sy = 0;
    size_t n = 0, np;
    for (size_t k = 0; k < cm_shape_n_parts(shape); k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        for (size_t i = 0; i < np; i++) {
            double xy[2] = { pts[2 * i], pts[2 * i + 1] };
            cm_projection_forward(b->proj, xy, 1);
            if (inside_rect(b->map_rect, xy[0], xy[1], 60)) {
                sx += xy[0];
                sy += xy[1];
                n++;
            }
        }
    }
    *x = n ? sx / (double)n : 0;
    *y = n ? sy / (double)n : 0;
    return n >= 12;
}

static cm_status
country_point(cm_scene_base *b, const cm_shape *shape)
{
    double x = 0, y = 0;
    int found = largest_ring_centroid(b, shape, &x, &y) && inside_rect(b->map_rect, x, y, 60);
    if (!*cm_shape_name(shape) || (!found && !visible_mean(b, shape, &x, &y)))
        return CM_OK;
    if (!GROW(b->countries, b->n_countries, b->cap_countries))
        return CM_ERR_NOMEM;
    struct cm_country_label *c = &b->countries[b->n_countries++];
    spaced_caps(cm_shape_name(shape), c->text, sizeof(c->text));
    c->x = x;
    c->y = y;
    return CM_OK;
}

static cm_status
place_countries(cm_scene_base *b, cm_layer *const *layers, size_t n_layers)
{
    for (size_t i = 0; i < n_layers; i++) {
        if (cm_group_of_role(cm_layer_role(layers[i])) != CM_GROUP_COUNTRIES)
            continue;
        for (size_t s = 0; s < cm_layer_n_shapes(layers[i]); s++) {
            const cm_shape *shape = cm_layer_shape(layers[i], s);
            if (cm_shape_kind_of(shape) != CM_SHAPE_POLYGON || !is_near(b, shape))
                continue;
            cm_status st = country_point(b, shape);
            if (st != CM_OK)
                return st;
        }
    }
    return CM_OK;
}

/* ---- the base: locator inset ------------------------------------------------------- */

/* A small equirectangular map of the world around the story, 60 degrees of
 * longitude wide, with the map's extent marked: where in the world this is. */
typedef struct inset_frame {
    double lon0, lat0, coslat, scale, cx, cy;
    double lon_span, lat_span;
} inset_frame;

static void
inset_point(const inset_frame *f, double lon, double lat, double *x, double *y)
{
    *x = f->cx + (lon - f->lon0) * f->coslat * f->scale;
    *y = f->cy - (lat - f->lat0) * f->scale;
}

static int
shape_in_inset(const inset_frame *f, const cm_shape *shape)
{
    size_t np;
    for (size_t k = 0; k < cm_shape_n_parts(shape); k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        for (size_t i = 0; i < np; i++)
            if (fabs(pts[2 * i] - f->lon0) < f->lon_span && fabs(pts[2 * i + 1] - f->lat0) <
                f->lat_span)
                return 1;
    }
    return 0;
}

/* Points closer than about a pixel to the last one kept add nothing at this size. */
static cm_status
inset_shape(cm_scene_base *b, const inset_frame *f, const cm_shape *shape)
{
    size_t n_parts = cm_shape_n_parts(shape), total = 0, np;
    for (size_t k = 0; k < n_parts; k++) {
        cm_shape_part(shape, k, &np);
        total += np;
    }
    if (!GROW(b->inset, b->n_inset, b->cap_inset))
        return CM_ERR_NOMEM;
    cm_scene_path *p = &b->inset[b->n_inset];
    memset(p, 0, sizeof(*p));
    p->xy = malloc((total + 1) * 2 * sizeof(double));
    p->part_start = malloc((n_parts + 1) * sizeof(size_t));
    if (!p->xy || !p->part_start) {
        free(p->xy);
        free(p->part_start);
        return CM_ERR_NOMEM;
    }
    b->n_inset++;
    p->group = CM_GROUP_INSET;
    p->is_polygon = cm_shape_kind_of(shape) == CM_SHAPE_POLYGON;
    p->n_parts = n_parts;
    p->fill = b->style->land;
    p->stroke = (cm_stroke){ b->style->country_border.color, 0.4, { 0, 0 } };
    for (size_t k = 0; k < n_parts; k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        p->part_start[k] = p->n_points;
        for (size_t i = 0; i < np; i++) {
            double x, y;
            inset_point(f, pts[2 * i], pts[2 * i + 1], &x, &y);
            double *last = p->n_points > p->part_start[k] ? &p->xy[2 * (p->n_points - 1)] : NULL;
            if (last && i + 1 < np && fabs(last[0] - x) < 0.8 && fabs(last[1] - y) < 0.8)
                continue;
            p->xy[2 * p->n_points] = x;
            p->xy[2 * p->n_points + 1] = y;
            p->n_points++;
        }
    }
    p->part_start[n_parts] = p->n_points;
    return CM_OK;
}

static cm_status
make_inset(cm_scene_base *b, cm_layer *const *layers, size_t n_layers, const double bbox[4])
{
    const cm_layer *world = NULL;
    for (size_t i = 0; i < n_layers; i++)
        if (cm_group_of_role(cm_layer_role(layers[i])) == CM_GROUP_WORLD)
            world = layers[i];
    if (!world || b->width_px < 500 || bbox[2] - bbox[0] > 40 || bbox[2] < bbox[0] ||
        fabs(b->center_lat) > 60)
        return CM_OK;   /* no world layer, no room, or a map that is its own locator */
    double w = b->width_px < 900 ? 110 : 170, h = w * 0.7, m = b->style->margin_px;
    inset_frame f;
    f.lon0 = b->center_lon;
    f.lat0 = b->center_lat;
    f.coslat = cos(f.lat0 * M_PI / 180);
    f.lon_span = 30;
    f.scale = w / (2 * f.lon_span * f.coslat);
    f.lat_span = h / 2 / f.scale;
    b->inset_rect[0] = b->map_rect[0] + b->map_rect[2] - m - w;
    b->inset_rect[1] = b->map_rect[1] + m;
    b->inset_rect[2] = w;
    b->inset_rect[3] = h;
    f.cx = b->inset_rect[0] + w / 2;
    f.cy = b->inset_rect[1] + h / 2;
    double x0, y0, x1, y1;
    inset_point(&f, bbox[0], bbox[3], &x0, &y0);
    inset_point(&f, bbox[2], bbox[1], &x1, &y1);
    b->inset_extent[0] = x0;
    b->inset_extent[1] = y0;
    b->inset_extent[2] = x1 - x0;
    b->inset_extent[3] = y1 - y0;
    for (size_t s = 0; s < cm_layer_n_shapes(world); s++) {
        const cm_shape *shape = cm_layer_shape(world, s);
        if (cm_shape_kind_of(shape) == CM_SHAPE_POINT || !shape_in_inset(&f, shape))
            continue;
        cm_status st = inset_shape(b, &f, shape);
        if (st != CM_OK)
            return st;
    }
    return CM_OK;
}

static cm_status pick_region(cm_scene_base *b, const cm_gazetteer *gaz);   /* the alt text's */

cm_status
cm_scene_base_create(cm_scene_base **out, cm_layer *const *layers, size_t n_layers,
                     const cm_projection *proj, const cm_style *style,
                     const cm_gazetteer *gaz, const cm_events *events,
                     const double bbox_deg[4], int width_px, int height_px)
{
    cm_scene_base *b = calloc(1, sizeof(*b));
    *out = NULL;
    if (!b)
        return CM_ERR_NOMEM;
    b->width_px = width_px;
    b->height_px = height_px;
    b->style = style;
    b->proj = proj;
    b->events = events;
    b->gaz = gaz;
    /* West > east: the extent crosses the antimeridian; east runs past 180. */
    double east = bbox_deg[2] < bbox_deg[0] ? bbox_deg[2] + 360 : bbox_deg[2];
    b->center_lon = fmod((bbox_deg[0] + east) / 2 + 540, 360) - 180;
    b->center_lat = (bbox_deg[1] + bbox_deg[3]) / 2;
    /* No more than 30 degrees of latitude beyond the extent: a polar map must
     * not take in the other pole, which its projection wraps around the map. */
    double span = fmax(east - bbox_deg[0], bbox_deg[3] - bbox_deg[1]);
    b->near_deg[0] = bbox_deg[0] - span;
    b->near_deg[1] = fmax(-90, bbox_deg[1] - fmin(span, 30));
    b->near_deg[2] = east + span;
    b->near_deg[3] = fmin(90, bbox_deg[3] + fmin(span, 30));
    memcpy(b->bbox_deg, bbox_deg, sizeof(b->bbox_deg));
    cm_projection_rect(proj, b->map_rect);
    /* Measured once here: PROJ objects are not for the threads that lay out slices. */
    b->scale_bar_m = cm_projection_scale_bar(proj, b->map_rect[0] + style->margin_px,
                                             b->map_rect[1] + style->margin_px + 20,
                                             fmin(200, b->map_rect[2] / 4), &b->scale_bar_px);
    cm_status st = project_layers(b, layers, n_layers);
    if (st == CM_OK)
        st = pick_places(b, gaz);
    if (st == CM_OK)
        st = project_events(b);
    if (st == CM_OK)
        st = note_all_events(b);
    if (st == CM_OK)
        st = pick_region(b, gaz);
    if (st == CM_OK)
        st = make_pango(b);
    if (st == CM_OK)
        emphasise_countries(b);
    if (st == CM_OK)
        st = key_regions(b);
    if (st == CM_OK)
        st = make_inset(b, layers, n_layers, bbox_deg);
    if (st == CM_OK)
        st = place_countries(b, layers, n_layers);
    if (st != CM_OK) {
        cm_scene_base_destroy(b);
        return st;
    }
    *out = b;
    return CM_OK;
}

void
cm_scene_base_set_lang(cm_scene_base *b, const char *lang)
{
    snprintf(b->lang, sizeof(b->lang), "%s", lang && *lang ? lang : "en");
}

void
cm_scene_base_destroy(cm_scene_base *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n_paths; i++) {
        free(b->paths[i].xy);
        free(b->paths[i].part_start);
        for (size_t k = 0; k < 4; k++)
            free(b->paths[i].name_keys[k]);
    }
    free(b->paths);
    for (size_t i = 0; i < b->n_inset; i++) {
        free(b->inset[i].xy);
        free(b->inset[i].part_start);
    }
    free(b->inset);
    free(b->countries);
    free(b->places);
    free(b->event_xy);
    free(b->all_present);
    if (b->pango)
        g_object_unref(b->pango);
    cm_memo_destroy(b->measured);
    free(b);
}

/* ---- laying out: primitives ------------------------------------------------------ */

typedef struct box {
    double x, y, w, h;
} box;

typedef struct layout {
    cm_scene *sc;
    const cm_scene_base *b;
    const cm_style *st;
    box *obstacles;
    size_t n_obstacles, cap_obstacles;
    cm_status status;
} layout;

/* The previous slice's labels hold their boxes for themselves: a new label
 * finds room around them instead of pushing them, so names already on the
 * map stay where the reader saw them. */
static int
reserved_by_other(const layout *L, box bx, const cm_scene_label *lb)
{
    const cm_scene *prev = L->sc->previous;
    for (size_t i = 0; prev && i < prev->n_labels; i++) {
        const cm_scene_label *p = &prev->labels[i];
        if (p->group == CM_GROUP_LABELS && strcmp(p->text, lb->text) != 0 &&
            bx.x < p->x + p->w && p->x < bx.x + bx.w && bx.y < p->y + p->h &&
            p->y < bx.y + bx.h)
            return 1;
    }
    /* Arrows at the edge keep their spots too. */
    for (size_t i = 0; prev && i < prev->n_markers; i++) {
        const cm_scene_marker *m = &prev->markers[i];
        if (!m->is_offmap || (lb->event && m->event &&
                              cm_event_lon(m->event) == cm_event_lon(lb->event) &&
                              cm_event_lat(m->event) == cm_event_lat(lb->event)))
            continue;
        if (bx.x < m->x + m->r + 2 && m->x - m->r - 2 < bx.x + bx.w &&
            bx.y < m->y + m->r + 2 && m->y - m->r - 2 < bx.y + bx.h)
            return 1;
    }
    return 0;
}

/* Text sizes kept at most: some 4 MB of them. */
enum { MAX_MEASURED = 1 << 15 };

/* What a measurement depends on besides the base's style. */
typedef struct measure_key {
    double size_px;
    int bold, italic;
    char text[1000];
} measure_key;

/* The logical size of @text set at @size_px, measured once a run for each
 * text and font: a label on every slice is measured on the first. */
static void
measure(layout *L, const char *text, double size_px, int bold, int italic, double *w, double *h)
{
    const cm_scene_base *b = L->b;
    measure_key key;
    size_t n = strlen(text);
    double *kept = NULL;
    memset(&key, 0, sizeof(key));   /* the padding too: keys are compared as bytes */
    key.size_px = size_px;
    key.bold = bold;
    key.italic = italic;
    if (n < sizeof(key.text)) {
        memcpy(key.text, text, n);
        kept = cm_memo_find(b->measured, &key, offsetof(measure_key, text) + n);
    }
    if (kept) {
        *w = kept[0];
        *h = kept[1];
        return;
    }
    PangoLayout *pl = pango_layout_new(b->pango);
    PangoFontDescription *fd = cm_scene_font(b->style, size_px, bold, italic);
    PangoRectangle logical;
    pango_layout_set_font_description(pl, fd);
    cm_scene_left_to_right(pl);
    pango_layout_set_text(pl, text, -1);
    pango_layout_get_pixel_extents(pl, NULL, &logical);
    *w = logical.width;
    *h = logical.height;
    pango_font_description_free(fd);
    g_object_unref(pl);
    double size[2] = { *w, *h };
    if (cm_memo_count(b->measured) >= MAX_MEASURED)   /* a run of many distinct labels */
        cm_memo_clear(b->measured);
    if (n < sizeof(key.text) &&
        !cm_memo_add(b->measured, &key, offsetof(measure_key, text) + n, size))
        L->status = CM_ERR_NOMEM;
}

static void
add_obstacle(layout *L, box bx)
{
    if (!GROW(L->obstacles, L->n_obstacles, L->cap_obstacles)) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    L->obstacles[L->n_obstacles++] = bx;
}

static cm_scene_label *
add_label(layout *L, const char *text, cm_group group, double size_px, int bold,
          int italic, cm_rgba color)
{
    cm_scene *sc = L->sc;
    char *copy = strdup(text);
    if (!copy || !GROW(sc->labels, sc->n_labels, sc->cap_labels)) {
        free(copy);
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    cm_scene_label *lb = &sc->labels[sc->n_labels++];
    memset(lb, 0, sizeof(*lb));
    lb->text = copy;
    lb->group = group;
    lb->size_px = size_px;
    lb->bold = bold;
    lb->italic = italic;
    lb->color = color;
    measure(L, text, size_px, bold, italic, &lb->w, &lb->h);
    return lb;
}

static cm_scene_rect *
add_rect(layout *L, cm_group group, box bx, cm_rgba fill, cm_stroke stroke)
{
    cm_scene *sc = L->sc;
    if (!GROW(sc->rects, sc->n_rects, sc->cap_rects)) {
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    cm_scene_rect *r = &sc->rects[sc->n_rects++];
    *r = (cm_scene_rect){ group, bx.x, bx.y, bx.w, bx.h, fill, stroke };
    return r;
}

static cm_scene_marker *
add_marker(layout *L, cm_group group, const cm_event *ev, double x, double y, double r)
{
    cm_scene *sc = L->sc;
    if (!GROW(sc->markers, sc->n_markers, sc->cap_markers)) {
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    cm_scene_marker *m = &sc->markers[sc->n_markers++];
    memset(m, 0, sizeof(*m));
    m->group = group;
    m->event = ev;
    m->x = x;
    m->y = y;
    m->r = r;
    return m;
}

static void
note_dropped(layout *L, const char *text)
{
    cm_scene *sc = L->sc;
    char *copy = strdup(text);
    /* The left-to-right mark inside edge labels is for drawing, not for readers. */
    for (char *m; copy && (m = strstr(copy, "\xe2\x80\x8e"));)
        memmove(m, m + 3, strlen(m + 3) + 1);
    if (!copy || !GROW(sc->dropped, sc->n_dropped, sc->cap_dropped)) {
        free(copy);
        L->status = CM_ERR_NOMEM;
        return;
    }
    sc->dropped[sc->n_dropped++] = copy;
}

static int
overlaps(box a, box b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int
fits(const layout *L, box bx)
{
    const double *r = L->b->map_rect;
    if (bx.x < r[0] + 2 || bx.y < r[1] + 2 || bx.x + bx.w > r[0] + r[2] - 2 ||
        bx.y + bx.h > r[1] + r[3] - 2)
        return 0;
    for (size_t i = 0; i < L->n_obstacles; i++)
        if (overlaps(bx, L->obstacles[i]))
            return 0;
    return 1;
}

static int
try_box(layout *L, cm_scene_label *lb, double x, double y)
{
    box bx = { x, y, lb->w, lb->h };
    if (!fits(L, bx) || reserved_by_other(L, bx, lb))
        return 0;
    lb->x = x;
    lb->y = y;
    add_obstacle(L, (box){ bx.x - 2, bx.y - 1, bx.w + 4, bx.h + 2 });
    return 1;
}

/* Where the previous slice put a label with the same text and group, if it
 * did: keeping it there is what stops a sequence of maps from jittering. */
static const cm_scene_label *
previous_label(const layout *L, const cm_scene_label *lb)
{
    const cm_scene *prev = L->sc->previous;
    for (size_t i = 0; prev && i < prev->n_labels; i++)
        if (prev->labels[i].group == lb->group &&
            strcmp(prev->labels[i].text, lb->text) == 0)
            return &prev->labels[i];
    return NULL;
}

/* Further out, with a leader line back to the point: for places so close
 * together (Hadrut and its villages) that their names cannot sit beside them.
 * Directions alternate right and left, nearest first. */
static int
place_with_leader(layout *L, cm_scene_label *lb, double x, double y, double r)
{
    static const double angles_deg[] = { 0, 180, -30, 150, 30, -150, -60, 120, 60, -120,
                                         -90, 90 };
    for (double d = r + 22; d <= r + 110; d += 22)
        for (size_t k = 0; k < sizeof(angles_deg) / sizeof(angles_deg[0]); k++) {
            double a = angles_deg[k] * M_PI / 180, c = cos(a), s = sin(a);
            double bx = c >= 0 ? x + d * c : x + d * c - lb->w;
            double by = y + d * s - lb->h / 2;
            if (!try_box(L, lb, bx, by))
                continue;
            lb->has_leader = 1;
            lb->leader_x = x + r * c;
            lb->leader_y = y + r * s;
            return 1;
        }
    return 0;
}

/* How a label may be placed: an event's may take a leader line, an edge
 * marker's may move along the edge with its arrow; any label that was on the
 * previous slice keeps its spot or is left out (a name that jumps about
 * distracts more than one that is briefly not shown). */
enum { LABEL_EVENT, LABEL_EDGE, LABEL_CONTEXT };

/* The @k-th position beside a point, in the order cartographers prefer:
 * right, left, above, below, then the diagonals. */
static void
candidate(int k, double x, double y, double gap, double w, double h, double *cx, double *cy)
{
    const double c[8][2] = {
        { x + gap, y - h / 2 }, { x - gap - w, y - h / 2 }, { x - w / 2, y - gap - h },
        { x - w / 2, y + gap }, { x + gap * 0.7, y - gap * 0.7 - h },
        { x + gap * 0.7, y + gap * 0.7 }, { x - gap * 0.7 - w, y - gap * 0.7 - h },
        { x - gap * 0.7 - w, y + gap * 0.7 },
    };
    *cx = c[k][0];
    *cy = c[k][1];
}

/* Which of the positions beside (x, y) @prev was in; 0 when none. */
static int
candidate_of(const cm_scene_label *prev, double x, double y, double gap)
{
    for (int k = 0; k < 8; k++) {
        double cx, cy;
        candidate(k, x, y, gap, prev->w, prev->h, &cx, &cy);
        if (fabs(cx - prev->x) < 0.5 && fabs(cy - prev->y) < 0.5)
            return k;
    }
    return 0;
}

/* Puts a label beside the point (x, y) with a symbol of radius @r: where it
 * was on the previous slice, else right, left, above, below, then the
 * diagonals, the order cartographers prefer; then, for an event, further out
 * with a leader line. */
static int
place_label(layout *L, cm_scene_label *lb, double x, double y, double r, int mode)
{
    int leader = mode == LABEL_EVENT;
    double gap = r + 3;
    const cm_scene_label *prev = previous_label(L, lb);
    int same_size = prev && fabs(prev->w - lb->w) < 0.5 && fabs(prev->h - lb->h) < 0.5;
    if (same_size && !prev->has_leader && try_box(L, lb, prev->x, prev->y))
        return 1;
    if (prev && prev->has_leader && leader && fabs(prev->leader_x - x) < r + 1 &&
        fabs(prev->leader_y - y) < r + 1 && try_box(L, lb, prev->x, prev->y)) {
        lb->has_leader = 1;
        lb->leader_x = prev->leader_x;
        lb->leader_y = prev->leader_y;
        return 1;
    }
    /* A name already on the map stays where the reader saw it, or leaves the
     * map for this slice; it never jumps (an edge arrow's name moves with it). */
    if (same_size && mode != LABEL_EDGE)
        return 0;
    /* A name that changed size (bold while new, regular after) keeps its side. */
    int first = prev && !prev->has_leader ? candidate_of(prev, x, y, gap) : 0;
    for (int i = 0; i < 8; i++) {
        int k = i == 0 ? first : i <= first ? i - 1 : i;
        double cx, cy;
        candidate(k, x, y, gap, lb->w, lb->h, &cx, &cy);
        if (try_box(L, lb, cx, cy))
            return 1;
    }
    return leader && place_with_leader(L, lb, x, y, r);
}

/* A label that must go beside a point or not at all. */
static void
label_point(layout *L, const char *text, const cm_event *ev, double x, double y, double r,
            double size_px, int bold, cm_rgba color, int mode)
{
    cm_scene_label *lb = add_label(L, text, CM_GROUP_LABELS, size_px, bold, 0, color);
    if (!lb)
        return;
    lb->event = ev;
    lb->has_halo = 1;
    lb->halo = L->st->halo;
    if (!place_label(L, lb, x, y, r, mode)) {
        note_dropped(L, text);
        free(lb->text);
        L->sc->n_labels--;
    }
}

/* ---- laying out: the frame ---------------------------------------------------------- */

static const cm_stroke no_stroke = { { 0, 0, 0, 0 }, 0, { 0, 0 } };

/* Source left, credit right; on a narrow map the credit takes a second line. */
static void
layout_footer(layout *L)
{
    const cm_style *st = L->st;
    const cm_events *ev = L->b->events;
    double W = L->b->width_px, H = L->b->height_px, m = st->margin_px;
    char source[1024];
    snprintf(source, sizeof(source), "%s%s", *cm_events_source(ev) ? "Source: " : "",
             cm_events_source(ev));
    cm_scene_label *src = add_label(L, source, CM_GROUP_FRAME, st->note_px, 0, 0, st->text_muted);
    if (!src)
        return;
    src->x = m;
    src->y = H - st->footer_px + (st->footer_px - src->h) / 2;
    cm_scene_label *credit = add_label(L, "Map: conflictmap \xc2\xb7 Boundaries: Natural "
                                       "Earth \xc2\xb7 Places: GeoNames", CM_GROUP_FRAME,
                                       st->note_px, 0, 0, st->text_muted);
    if (!credit)
        return;
    credit->x = W - m - credit->w;
    credit->y = src->y;
    if (credit->x < src->x + src->w + m) {
        src->y = H - st->footer_px + 2;
        credit->y = src->y + src->h;
    }
}

/* The scale bar at the map's top left, in two halves like a surveyor's bar.
 * Its length comes from the base, measured there with PROJ's geodesic. */
static void
layout_scale_bar(layout *L)
{
    const cm_style *st = L->st;
    const double *r = L->b->map_rect;
    double m_len = L->b->scale_bar_m, len = L->b->scale_bar_px;
    char text[32];
    if (!isfinite(m_len) || !isfinite(len) || len < 10)
        return;
    if (m_len >= 1000)
        snprintf(text, sizeof text, "%g km", m_len / 1000);
    else
        snprintf(text, sizeof text, "%g m", m_len);
    cm_scene_label *lb = add_label(L, text, CM_GROUP_FRAME, st->note_px, 0, 0, st->text);
    if (!lb)
        return;
    double x = r[0] + st->margin_px, y = r[1] + st->margin_px + lb->h + 2;
    lb->x = x;
    lb->y = y - lb->h - 2;
    lb->has_halo = 1;
    lb->halo = st->halo;
    cm_stroke edge = { st->text, 1, { 0, 0 } };
    add_rect(L, CM_GROUP_FRAME, (box){ x, y, len / 2, 4 }, st->text, edge);
    add_rect(L, CM_GROUP_FRAME, (box){ x + len / 2, y, len / 2, 4 }, st->halo, edge);
    add_obstacle(L, (box){ x - 4, lb->y - 2, fmax(len, lb->w) + 8, y + 8 - lb->y });
}

static void
layout_frame(layout *L)
{
    const cm_style *st = L->st;
    const cm_events *ev = L->b->events;
    double W = L->b->width_px, H = L->b->height_px, m = st->margin_px;
    char moment[CM_TIME_BUF];

    add_rect(L, CM_GROUP_FRAME, (box){ 0, 0, W, st->header_px }, st->frame_bg, no_stroke);
    add_rect(L, CM_GROUP_FRAME, (box){ 0, H - st->footer_px, W, st->footer_px }, st->frame_bg,
             no_stroke);
    add_rect(L, CM_GROUP_FRAME, (box){ 0, st->header_px - 1, W, 1 }, st->rule, no_stroke);
    cm_time_format_human(cm_slice_time(L->sc->slice), moment);
    cm_scene_label *lb = add_label(L, moment, CM_GROUP_FRAME, st->moment_px, 1, 0, st->text);
    if (lb) {
        lb->x = W - m - lb->w;
        lb->y = m;
    }
    double right = lb ? lb->x - m : W - m, below_moment = m + st->moment_px + 6;
    lb = add_label(L, cm_events_title(ev), CM_GROUP_FRAME, st->title_px, 1, 0, st->text);
    /* A long title on a narrow map shrinks (to 60% at most) before it runs off. */
    for (double size = st->title_px; lb && lb->w > W - 2 * m && size > st->title_px * 0.6;) {
        size -= 1;
        lb->size_px = size;
        measure(L, lb->text, size, 1, 0, &lb->w, &lb->h);
    }
    if (lb) {
        lb->x = m;
        lb->y = m - 4;
        if (lb->x + lb->w > right)   /* no room beside the moment: under it */
            lb->y = below_moment;
    }
    double below = lb ? lb->y + lb->h + 2 : m;
    lb = add_label(L, cm_events_subtitle(ev), CM_GROUP_FRAME, st->subtitle_px, 0, 0,
                   st->text_muted);
    if (lb) {
        lb->x = m;
        lb->y = below;
    }
    layout_footer(L);
    layout_scale_bar(L);
}

/* ---- laying out: markers ------------------------------------------------------------- */

static cm_rgba
side_color(const cm_events *ev, const char *code, cm_rgba fallback)
{
    const cm_side *side = cm_events_find_side(ev, code);
    double rgb[3];
    if (!side)
        return fallback;
    cm_side_rgb(side, rgb);
    return (cm_rgba){ rgb[0], rgb[1], rgb[2], 1 };
}

static cm_symbol
symbol_for(const char *kind)
{
    static const struct { const char *kind; cm_symbol sym; } table[] = {
        { "control", CM_SYM_SQUARE }, { "shelling", CM_SYM_STAR }, { "strike", CM_SYM_STAR4 },
        { "clash", CM_SYM_CROSS }, { "casualties", CM_SYM_DIAMOND },
        { "protest", CM_SYM_TRIANGLE }, { "humanitarian", CM_SYM_PLUS },
        { "talks", CM_SYM_HEXAGON }, { "statement", CM_SYM_CIRCLE },
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(kind, table[i].kind) == 0)
            return table[i].sym;
    return CM_SYM_PENTAGON;   /* any other word: a generic symbol of its own */
}

static const cm_rgba white = { 1, 1, 1, 1 };

/* Claimed events are hollow (a ring in the side's colour), confirmed ones
 * solid, disputed ones solid but pale: a reader sees at once which is which. */
static void
paint_marker(layout *L, cm_scene_marker *m, const cm_event *e, cm_event_state state)
{
    const char *side = cm_event_control_to(e) ? cm_event_control_to(e)
                                              : cm_event_claimed_by(e);
    cm_rgba c = side_color(L->b->events, side, L->st->neutral);
    const char *status = cm_event_status(e);

    m->symbol = symbol_for(cm_event_kind(e));
    m->fill = c;
    m->stroke = white;
    m->stroke_px = 1.5;
    if (strcmp(status, "claimed") == 0) {
        m->fill = white;
        m->stroke = c;
        m->stroke_px = 2.5;
    } else if (strcmp(status, "disputed") == 0) {
        m->fill.a = 0.45;
        m->stroke = c;
        m->stroke_px = 1.5;
    }
    m->is_new = state == CM_EVENT_NEW;
    if (state == CM_EVENT_OLDER) {
        m->r *= 0.75;
        m->fill.a *= 0.5;
        m->stroke.a *= 0.5;
    }
    if (cm_event_precision(e) >= 2)
        m->uncertainty_px = cm_event_precision(e) == 2 ? 3 * L->st->marker_px
                                                       : 6 * L->st->marker_px;
}

typedef struct group {
    double x, y;               /* where the place is */
    size_t first, n;           /* into the slice's events, in the sorted order */
    int has_new, has_control;
    const cm_event *label_event;
} group;

/* Events at one place share it: the markers are spread on a small ring so
 * that each stays visible, the newest drawn last (on top). */
static void
layout_group(layout *L, const cm_event *const *evs, const cm_event_state *states, size_t n,
             double x, double y)
{
    double r0 = L->st->marker_px, ring = n > 1 ? r0 * 1.6 : 0;
    for (size_t k = 0; k < n; k++) {
        double a = n > 1 ? -M_PI / 2 + 2 * M_PI * (double)k / (double)n : 0;
        cm_scene_marker *m = add_marker(L, CM_GROUP_EVENTS, evs[k], x + ring * cos(a),
                                        y + ring * sin(a), r0);
        if (m)
            paint_marker(L, m, evs[k], states[k]);
    }
    add_obstacle(L, (box){ x - ring - r0 - 2, y - ring - r0 - 2, 2 * (ring + r0 + 2),
                           2 * (ring + r0 + 2) });
}

typedef struct entry {
    const cm_event *event;
    cm_event_state state;
    double x, y;
    size_t order;              /* position in the slice, oldest first */
} entry;

static int
compare_entries(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static void
add_position(layout *L, const cm_event *e, double x, double y)
{
    cm_scene *sc = L->sc;
    if (!GROW(sc->positions, sc->n_positions, sc->cap_positions)) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    sc->positions[sc->n_positions++] = (struct cm_scene_position){ e, x, y };
}

/* The slice's events split into those on the map and those off it, each list
 * sorted by place so that events at one place are neighbours. */
static cm_status
collect(layout *L, entry **on, size_t *n_on, entry **off, size_t *n_off)
{
    const cm_slice *sl = L->sc->slice;
    size_t n = cm_slice_n_events(sl);
    *on = malloc((n + 1) * sizeof(entry));
    *off = malloc((n + 1) * sizeof(entry));
    *n_on = *n_off = 0;
    if (!*on || !*off)
        return CM_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(sl, k, &state);
        const double *xy = &L->b->event_xy[2 * cm_event_index(e)];
        entry en = { e, state, round(xy[0] * 2) / 2, round(xy[1] * 2) / 2, k };
        if (inside_rect(L->b->map_rect, xy[0], xy[1], 4)) {
            (*on)[(*n_on)++] = en;
        } else {
            en.x = cm_event_lon(e);
            en.y = cm_event_lat(e);
            (*off)[(*n_off)++] = en;
        }
    }
    qsort(*on, *n_on, sizeof(entry), compare_entries);
    qsort(*off, *n_off, sizeof(entry), compare_entries);
    return CM_OK;
}

/* The place's name in @lang where the gazetteer has one (NULL: English). */
static const char *
place_label_text(const cm_event *e, const char *lang, char *buf, size_t size)
{
    const cm_place *p = cm_event_place(e);
    if (p)
        return cm_place_name_in(p, lang);
    if (*cm_event_place_name(e))
        return cm_event_place_name(e);
    snprintf(buf, size, "%.2f\xc2\xb0, %.2f\xc2\xb0", cm_event_lat(e), cm_event_lon(e));
    return buf;
}

static int
group_rank(const group *g)
{
    return (g->has_new ? 0 : 2) + (g->has_control ? 0 : 1);
}

static int
compare_groups(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    if (group_rank(a) != group_rank(b))
        return group_rank(a) - group_rank(b);
    cm_time ta = cm_event_time(a->label_event), tb = cm_event_time(b->label_event);
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return cm_event_index(a->label_event) < cm_event_index(b->label_event) ? -1 : 1;
}

/* Markers for the events on the map, one small cluster per place; returns the
 * places in label priority order (new control changes first). */
static group *
layout_on_map(layout *L, entry *on, size_t n_on, size_t *n_groups)
{
    group *groups = malloc((n_on + 1) * sizeof(group));
    const cm_event **evs = malloc((n_on + 1) * sizeof(*evs));
    cm_event_state *states = malloc((n_on + 1) * sizeof(*states));
    *n_groups = 0;
    if (!groups || !evs || !states) {
        L->status = CM_ERR_NOMEM;
        free(evs);
        free(states);
        free(groups);
        return NULL;
    }
    for (size_t i = 0; i < n_on;) {
        size_t j = i;
        group g = { on[i].x, on[i].y, i, 0, 0, 0, on[i].event };
        for (; j < n_on && on[j].x == on[i].x && on[j].y == on[i].y; j++) {
            evs[j - i] = on[j].event;
            states[j - i] = on[j].state;
            g.has_new |= on[j].state == CM_EVENT_NEW;
            g.has_control |= cm_event_control_to(on[j].event) != NULL;
            g.label_event = on[j].event;   /* the newest names the place */
        }
        g.n = j - i;
        size_t first_marker = L->sc->n_markers;
        layout_group(L, evs, states, g.n, g.x, g.y);
        for (size_t k = first_marker; k < L->sc->n_markers; k++)
            add_position(L, L->sc->markers[k].event, L->sc->markers[k].x,
                         L->sc->markers[k].y);
        groups[(*n_groups)++] = g;
        i = j;
    }
    free(evs);
    free(states);
    qsort(groups, *n_groups, sizeof(group), compare_groups);
    return groups;
}

/* New control changes reported at one moment for one side, e.g. the nine
 * places Azerbaijan claimed at 15:15: how many, and which leads (the place of
 * highest rank, then the first in the file). */
static size_t
control_cohort(const cm_slice *sl, const cm_event *e, const cm_event **lead)
{
    size_t n = 0;
    *lead = e;
    for (size_t k = 0; k < cm_slice_n_events(sl); k++) {
        cm_event_state state;
        const cm_event *o = cm_slice_event(sl, k, &state);
        if (state != CM_EVENT_NEW || !cm_event_control_to(o) ||
            cm_event_time(o) != cm_event_time(e) ||
            strcmp(cm_event_control_to(o), cm_event_control_to(e)) != 0)
            continue;
        n++;
        long ro = cm_event_place(o) ? cm_place_rank(cm_event_place(o)) : 0;
        long rl = cm_event_place(*lead) ? cm_place_rank(cm_event_place(*lead)) : 0;
        if (ro > rl || (ro == rl && cm_event_index(o) < cm_event_index(*lead)))
            *lead = o;
    }
    return n;
}

/* "Azerbaijan says it took Hadrut and 8 other places · 15:15": a control change
 * said in words, claims as claims. Returns 0 when the place keeps a plain name
 * label (it is one of a cohort that another place's callout speaks for). */
static int
callout_text(const layout *L, const cm_event *e, char *buf, size_t size)
{
    const cm_event *lead;
    size_t n = control_cohort(L->sc->slice, e, &lead);
    const cm_side *side = cm_events_find_side(L->b->events, cm_event_control_to(e));
    const char *who = side ? cm_side_name(side) : cm_event_control_to(e);
    const char *status = cm_event_status(e);
    char place[128], more[64] = "", clock[CM_TIME_BUF];
    size_t len = strlen(who);
    int plural = len > 1 && who[len - 1] == 's';   /* "Armenian forces say they took" */

    if (n >= 3 && lead != e)
        return 0;
    snprintf(place, sizeof(place), "%s", place_label_text(e, L->b->lang, more, sizeof(more)));
    more[0] = '\0';
    if (n >= 3)
        snprintf(more, sizeof(more), " and %zu other places", n - 1);
    cm_time_format_clock(cm_event_time(e), clock);
    if (strcmp(status, "confirmed") == 0)
        snprintf(buf, size, "%s took %s%s \xc2\xb7 %s", who, place, more, clock);
    else if (strcmp(status, "disputed") == 0)
        snprintf(buf, size, "%s%s: control disputed \xc2\xb7 %s", place, more, clock);
    else
        snprintf(buf, size, "%s %s %s%s \xc2\xb7 %s", who, plural ? "say they took"
                 : "says it took", place, more, clock);
    return 1;
}

static void
label_groups(layout *L, const group *groups, size_t n_groups)
{
    char buf[64], callout[512];
    for (size_t i = 0; i < n_groups && L->status == CM_OK; i++) {
        const group *g = &groups[i];
        const cm_event *e = g->label_event;
        /* As if the place already had several events, so its label need not
         * move when a second report arrives there. */
        double reach = L->st->marker_px * 2.6;
        const char *text = place_label_text(e, L->b->lang, buf, sizeof(buf));
        int is_callout = g->has_new && cm_event_control_to(e) &&
                         cm_event_time(e) == cm_slice_time(L->sc->slice) &&
                         callout_text(L, e, callout, sizeof(callout));
        label_point(L, is_callout ? callout : text, e, g->x, g->y, reach,
                    g->has_new ? L->st->label_event_px : L->st->label_px, g->has_new,
                    L->st->text, LABEL_EVENT);
    }
}

/* Nothing placed so far overlaps @bx. */
static int
box_free(const layout *L, box bx)
{
    for (size_t i = 0; i < L->n_obstacles; i++)
        if (overlaps(bx, L->obstacles[i]))
            return 0;
    return 1;
}

/* ---- laying out: places off the map ---------------------------------------------------- */

static double
distance_km(double lon1, double lat1, double lon2, double lat2)
{
    double r = M_PI / 180, dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * 6371.0088 * asin(fmin(1, sqrt(a)));
}

static void
format_km(double km, char *buf, size_t size)
{
    long v = km >= 100 ? lround(km / 10) * 10 : lround(km);
    if (v >= 1000)
        snprintf(buf, size, "%ld,%03ld km", v / 1000, v % 1000);
    else
        snprintf(buf, size, "%ld km", v);
}

/* Where on the map's edge the arrow toward (lon, lat) goes: along the line
 * from the map's centre toward the place's projected position, or its
 * compass direction when the projection cannot reach it. */
static void
edge_point(const layout *L, const entry *en, double *x, double *y, double *angle)
{
    const double *r = L->b->map_rect;
    const double *xy = &L->b->event_xy[2 * cm_event_index(en->event)];
    double cx = r[0] + r[2] / 2, cy = r[1] + r[3] / 2, inset = 20;
    double dx = xy[0] - cx, dy = xy[1] - cy;
    if (!isfinite(dx) || !isfinite(dy) || (dx == 0 && dy == 0)) {
        double dlon = fmod(en->x - L->b->center_lon + 540, 360) - 180;
        dx = dlon * cos(L->b->center_lat * M_PI / 180);
        dy = -(en->y - L->b->center_lat);
    }
    double tx = dx ? (r[2] / 2 - inset) / fabs(dx) : INFINITY;
    double ty = dy ? (r[3] / 2 - inset) / fabs(dy) : INFINITY;
    double t = fmin(tx, ty);
    *x = cx + dx * t;
    *y = cy + dy * t;
    *angle = atan2(dy, dx);
}

/* An edge marker keeps its spot from the previous slice, and no other place's
 * arrow takes that spot, for the same reason labels stay put. */
static int
same_place(const cm_event *e, double lon, double lat)
{
    return e && fabs(cm_event_lon(e) - lon) < 1e-9 && fabs(cm_event_lat(e) - lat) < 1e-9;
}

static int
edge_spot_free(const layout *L, double lon, double lat, box bx)
{
    const cm_scene *prev = L->sc->previous;
    if (!box_free(L, bx))
        return 0;
    for (size_t i = 0; prev && i < prev->n_markers; i++) {
        const cm_scene_marker *m = &prev->markers[i];
        box mb = { m->x - m->r - 2, m->y - m->r - 2, 2 * m->r + 4, 2 * m->r + 4 };
        if (m->is_offmap && !same_place(m->event, lon, lat) && overlaps(bx, mb))
            return 0;
    }
    return 1;
}

static int
previous_edge_spot(const layout *L, double lon, double lat, double *x, double *y)
{
    const cm_scene *prev = L->sc->previous;
    for (size_t i = 0; prev && i < prev->n_markers; i++)
        if (prev->markers[i].is_offmap && same_place(prev->markers[i].event, lon, lat)) {
            *x = prev->markers[i].x;
            *y = prev->markers[i].y;
            return 1;
        }
    return 0;
}

/* Tries the spot the place had on the previous slice, then the edge positions
 * next to the first choice, along the edge, until the arrow and its label both
 * fit; the arrow goes where it first fitted if the label never does. */
static void
place_edge(layout *L, const entry *en, const char *text, const cm_event *newest, int is_new,
           double *x, double *y, double angle)
{
    const double *rc = L->b->map_rect;
    double r = L->st->marker_px, step = 2 * r + 8, x0 = *x, y0 = *y, px = 0, py = 0;
    int horizontal = fabs(cos(angle)) * rc[3] > fabs(sin(angle)) * rc[2];
    int have_spot = 0, have_prev = previous_edge_spot(L, en->x, en->y, &px, &py);
    cm_scene_label *lb = add_label(L, text, CM_GROUP_LABELS, L->st->label_px, is_new, 0,
                                   L->st->text);
    if (!lb)
        return;
    lb->event = newest;
    lb->has_halo = 1;
    lb->halo = L->st->halo;
    for (int k = have_prev ? -1 : 0; k < 40; k++) {
        double off = step * (k % 2 ? (k + 1) / 2 : -(k / 2));
        double cx = k < 0 ? px : horizontal ? x0 : x0 + off;
        double cy = k < 0 ? py : horizontal ? y0 + off : y0;
        box mb = { cx - r - 2, cy - r - 2, 2 * r + 4, 2 * r + 4 };
        if (!inside_rect(rc, cx, cy, r + 2) || !edge_spot_free(L, en->x, en->y, mb))
            continue;
        if (!have_spot) {
            *x = cx;
            *y = cy;
            have_spot = 1;
        }
        add_obstacle(L, mb);   /* the label must not cover its own arrow */
        if (place_label(L, lb, cx, cy, r, LABEL_EDGE)) {
            *x = cx;
            *y = cy;
            return;
        }
        L->n_obstacles--;
    }
    note_dropped(L, text);
    free(lb->text);
    L->sc->n_labels--;
}

static void
layout_off_map(layout *L, const entry *off, size_t n_off)
{
    double r = L->st->marker_px;
    char buf[64], dist[32], text[256];

    for (size_t i = 0; i < n_off && L->status == CM_OK;) {
        size_t j = i;
        const cm_event *newest = off[i].event;
        int is_new = 0;
        for (; j < n_off && off[j].x == off[i].x && off[j].y == off[i].y; j++) {
            if (off[j].order > off[i].order)
                newest = off[j].event;
            is_new |= off[j].state == CM_EVENT_NEW;
        }
        double x, y, angle;
        edge_point(L, &off[i], &x, &y, &angle);
        format_km(distance_km(L->b->center_lon, L->b->center_lat, off[i].x, off[i].y), dist,
                  sizeof(dist));
        /* The left-to-right mark keeps an Arabic name and its distance apart. */
        snprintf(text, sizeof(text), "%s\xe2\x80\x8e %s",
                 place_label_text(newest, L->b->lang, buf, sizeof(buf)), dist);
        place_edge(L, &off[i], text, newest, is_new, &x, &y, angle);
        cm_scene_marker *m = add_marker(L, CM_GROUP_EVENTS, newest, x, y, r);
        if (m) {
            m->symbol = CM_SYM_ARROW;
            m->angle = angle;
            m->fill = side_color(L->b->events, cm_event_claimed_by(newest), L->st->neutral);
            m->stroke = white;
            m->stroke_px = 1.2;
            m->is_offmap = 1;
            m->is_new = is_new;
        }
        for (size_t k = i; k < j; k++)
            add_position(L, off[k].event, x, y);
        add_obstacle(L, (box){ x - r - 2, y - r - 2, 2 * r + 4, 2 * r + 4 });
        i = j;
    }
}

/* ---- laying out: control state and context ------------------------------------------------- */

/* Regions whose name is the name of a controlled place or area are shaded in
 * the holder's colour; hatched while the change that gave it is only claimed.
 * Region names are keyed once per run (key_regions), the control names once
 * per slice, so a slice costs string compares only. */
static int
region_named(const cm_scene_path *p, const char *key)
{
    for (size_t k = 0; k < 4; k++)
        if (p->name_keys[k] && *p->name_keys[k] && strcmp(p->name_keys[k], key) == 0)
            return 1;
    return 0;
}

static void
shade_area(layout *L, size_t path, const char *side, const cm_event *by)
{
    cm_scene *sc = L->sc;
    if (!GROW(sc->areas, sc->n_areas, sc->cap_areas)) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    cm_rgba c = side_color(L->b->events, side, L->st->neutral);
    c.a = 0.28;
    sc->areas[sc->n_areas++] = (cm_scene_area){
        path, c, by && strcmp(cm_event_status(by), "claimed") == 0 };
}

static void
layout_areas(layout *L)
{
    const cm_slice *sl = L->sc->slice;
    for (size_t i = 0; i < cm_slice_n_control(sl) && L->status == CM_OK; i++) {
        const char *name, *side;
        const cm_event *by;
        cm_slice_control_at(sl, i, &name, &side, &by);
        char *key = cm_name_key(name);
        if (!key) {
            L->status = CM_ERR_NOMEM;
            return;
        }
        for (size_t k = 0; *key && k < L->b->n_paths && L->status == CM_OK; k++)
            if (L->b->paths[k].is_polygon && region_named(&L->b->paths[k], key))
                shade_area(L, k, side, by);
        free(key);
    }
}

static int
control_lonlat(const layout *L, size_t i, double *lon, double *lat)
{
    const char *name, *side;
    const cm_event *by;
    cm_slice_control_at(L->sc->slice, i, &name, &side, &by);
    if (by) {
        *lon = cm_event_lon(by);
        *lat = cm_event_lat(by);
        return 1;
    }
    for (size_t k = 0; k < cm_events_n_initial(L->b->events); k++) {
        const cm_place *p = cm_events_initial_place(L->b->events, k);
        if (p && strcmp(cm_place_name(p), name) == 0) {
            *lon = cm_place_lon(p);
            *lat = cm_place_lat(p);
            return 1;
        }
    }
    return 0;   /* an area: shaded by the cartography work, not marked here */
}

static void
layout_control(layout *L)
{
    const cm_slice *sl = L->sc->slice;
    for (size_t i = 0; i < cm_slice_n_control(sl) && L->status == CM_OK; i++) {
        const char *name, *side;
        const cm_event *by;
        double xy[2];
        cm_slice_control_at(sl, i, &name, &side, &by);
        if (!control_lonlat(L, i, &xy[0], &xy[1]))
            continue;
        cm_projection_forward(L->b->proj, xy, 1);
        if (!inside_rect(L->b->map_rect, xy[0], xy[1], 4))
            continue;
        cm_scene_marker *m = add_marker(L, CM_GROUP_CONTROL, by, xy[0], xy[1], 4.5);
        if (!m)
            return;
        m->event = NULL;
        m->symbol = CM_SYM_SQUARE;
        m->fill = side_color(L->b->events, side, L->st->neutral);
        m->stroke = white;
        m->stroke_px = 1;
        if (by && strcmp(cm_event_status(by), "claimed") == 0) {
            m->stroke = m->fill;
            m->fill = white;
            m->stroke_px = 1.6;
        }
        add_obstacle(L, (box){ xy[0] - 6, xy[1] - 6, 12, 12 });
    }
}

/* A name set on its point (seas, lakes, countries): centred, or a little
 * above or below; no symbol. */
static void
label_area(layout *L, const char *text, double x, double y, double size_px, int bold,
           int italic, cm_rgba color)
{
    cm_scene_label *lb = add_label(L, text, CM_GROUP_LABELS, size_px, bold, italic, color);
    if (!lb)
        return;
    lb->has_halo = 1;
    lb->halo = L->st->halo;
    const cm_scene_label *prev = previous_label(L, lb);
    if (prev && try_box(L, lb, prev->x, prev->y))
        return;
    for (int k = 0; !prev && k < 5; k++) {
        double dy = (k % 2 ? 1 : -1) * ((k + 1) / 2) * lb->h;
        if (try_box(L, lb, x - lb->w / 2, y - lb->h / 2 + dy))
            return;
    }
    free(lb->text);
    L->sc->n_labels--;
}

/* Country names only where there is room for them: not on phone-sized maps. */
static void
layout_countries(layout *L)
{
    for (size_t i = 0; L->b->width_px >= 900 && i < L->b->n_countries && L->status == CM_OK;
         i++)
        label_area(L, L->b->countries[i].text, L->b->countries[i].x, L->b->countries[i].y,
                   L->st->label_px + 1, 0, 0, L->st->country_text);
}

/* Context places by importance: capitals bold with a square, cities, then
 * towns smaller; waters in italics with no symbol. */
static void
layout_context(layout *L)
{
    const cm_style *st = L->st;
    for (size_t i = 0; i < L->b->n_places && L->status == CM_OK; i++) {
        const context_place *cp = &L->b->places[i];
        const char *kind = cm_place_kind(cp->place);
        double dot = st->place_dot_px + 2;
        if (strcmp(kind, "water") == 0) {
            label_area(L, cm_place_name_in(cp->place, L->b->lang), cp->x, cp->y, st->label_px, 0, 1,
                       st->water_text);
            continue;
        }
        if (!box_free(L, (box){ cp->x - dot, cp->y - dot, 2 * dot, 2 * dot }))
            continue;
        int capital = strcmp(kind, "capital") == 0, city = strcmp(kind, "city") == 0;
        size_t before = L->sc->n_labels;
        label_point(L, cm_place_name_in(cp->place, L->b->lang), NULL, cp->x, cp->y,
                    st->place_dot_px + 1,
                    capital ? st->label_px + 1 : city ? st->label_px : st->label_px - 1,
                    capital, capital ? st->text : st->text_muted, LABEL_CONTEXT);
        if (L->sc->n_labels == before)
            continue;   /* no room for its name: leave the dot out too */
        cm_scene_marker *m = add_marker(L, CM_GROUP_PLACES, NULL, cp->x, cp->y,
                                        capital ? st->place_dot_px + 1 : st->place_dot_px);
        if (!m)
            return;
        m->symbol = capital ? CM_SYM_SQUARE : CM_SYM_CIRCLE;
        m->fill = capital ? st->text : st->text_muted;
        m->stroke = white;
        m->stroke_px = 0.8;
        add_obstacle(L, (box){ cp->x - 4, cp->y - 4, 8, 8 });
    }
}

/* ---- laying out: legend and the latest reports ---------------------------------------------- */

/* ---- the legend: only what this slice shows ---------------------------------------- */

static const struct {
    const char *kind, *words;
} kind_words[] = {
    { "control", "Control change" }, { "shelling", "Shelling" }, { "strike", "Strike" },
    { "clash", "Clash" }, { "casualties", "Casualties" }, { "protest", "Protest" },
    { "talks", "Talks" }, { "statement", "Statement" }, { "humanitarian", "Humanitarian" },
};

typedef struct legend {
    layout *L;
    double x0, pad, row, sw;
    size_t n_rows, first_label;
} legend;

/* One row: a symbol and what it means. The rows are stacked bottom-up later,
 * once the box's height is known; here they are numbered from the top. */
static cm_scene_marker *
legend_row(legend *lg, const char *text)
{
    layout *L = lg->L;
    double y = lg->pad + lg->row * (double)lg->n_rows;
    cm_scene_label *lb = add_label(L, text, CM_GROUP_LEGEND, L->st->note_px, 0, 0, L->st->text);
    cm_scene_marker *m = lb ? add_marker(L, CM_GROUP_LEGEND, NULL, lg->x0 + lg->pad + lg->sw / 2,
                                         y + lg->row / 2, lg->sw / 2) : NULL;
    if (!m)
        return NULL;
    lb->x = lg->x0 + lg->pad + lg->sw + 6;
    lb->y = y + (lg->row - lb->h) / 2;
    m->fill = L->st->neutral;
    m->stroke = white;
    m->stroke_px = 1;
    lg->n_rows++;
    return m;
}

typedef struct cm_legend_present {
    int sides[64], kinds[16], claimed, confirmed, disputed, uncertain, fresh, other;
} present;

static void
note_present(const cm_events *ev, const cm_event *e, cm_event_state state, present *p)
{
    const char *side = cm_event_control_to(e) ? cm_event_control_to(e) : cm_event_claimed_by(e);
    const char *status = cm_event_status(e);
    for (size_t i = 0; i < cm_events_n_sides(ev) && i < 64; i++)
        if (side && strcmp(cm_side_code(cm_events_side(ev, i)), side) == 0)
            p->sides[i] = 1;
    size_t k = 0, nk = sizeof(kind_words) / sizeof(kind_words[0]);
    while (k < nk && strcmp(kind_words[k].kind, cm_event_kind(e)) != 0)
        k++;
    if (k < nk)
        p->kinds[k] = 1;
    else
        p->other = 1;
    p->claimed |= strcmp(status, "claimed") == 0;
    p->confirmed |= strcmp(status, "confirmed") == 0;
    p->disputed |= strcmp(status, "disputed") == 0;
    p->uncertain |= cm_event_precision(e) >= 2;
    p->fresh |= state == CM_EVENT_NEW;
}

/* What every event of the timeline brings to the legend, noted once for all
 * slices (a slice of a long timeline would otherwise go through them all). */
static cm_status
note_all_events(cm_scene_base *b)
{
    b->all_present = calloc(1, sizeof(*b->all_present));
    if (!b->all_present)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < cm_events_count(b->events); i++)
        note_present(b->events, cm_events_get(b->events, i), CM_EVENT_NEW, b->all_present);
    return CM_OK;
}

/* Sides that hold a place or area on this slice belong in the legend too. */
static void
note_control_sides(const layout *L, present *p)
{
    for (size_t i = 0; i < cm_slice_n_control(L->sc->slice); i++) {
        const char *name, *side;
        const cm_event *by;
        cm_slice_control_at(L->sc->slice, i, &name, &side, &by);
        for (size_t k = 0; side && k < cm_events_n_sides(L->b->events) && k < 64; k++)
            if (strcmp(cm_side_code(cm_events_side(L->b->events, k)), side) == 0)
                p->sides[k] = 1;
    }
}

static void
legend_sides_and_kinds(legend *lg, const present *p)
{
    layout *L = lg->L;
    const cm_events *ev = L->b->events;
    for (size_t i = 0; i < cm_events_n_sides(ev) && i < 64; i++) {
        cm_scene_marker *m = p->sides[i] ? legend_row(lg, cm_side_name(cm_events_side(ev, i)))
                                         : NULL;
        if (m) {
            m->symbol = CM_SYM_SQUARE;
            m->fill = side_color(ev, cm_side_code(cm_events_side(ev, i)), L->st->neutral);
        }
    }
    for (size_t k = 0; k < sizeof(kind_words) / sizeof(kind_words[0]); k++) {
        cm_scene_marker *m = p->kinds[k] ? legend_row(lg, kind_words[k].words) : NULL;
        if (m)
            m->symbol = symbol_for(kind_words[k].kind);
    }
    cm_scene_marker *m = p->other ? legend_row(lg, "Other report") : NULL;
    if (m)
        m->symbol = CM_SYM_PENTAGON;
}

static void
legend_states(legend *lg, const present *p)
{
    layout *L = lg->L;
    cm_scene_marker *m;
    if (p->confirmed && (m = legend_row(lg, "Solid: confirmed")))
        m->symbol = CM_SYM_CIRCLE;
    int brief = L->b->width_px < 900;
    if (p->claimed && (m = legend_row(lg, brief ? "Hollow: claimed"
                                                : "Hollow: claimed by one side, not verified"))) {
        m->symbol = CM_SYM_CIRCLE;
        m->fill = white;
        m->stroke = L->st->neutral;
        m->stroke_px = 2;
    }
    if (p->disputed && (m = legend_row(lg, "Pale: disputed"))) {
        m->symbol = CM_SYM_CIRCLE;
        m->fill.a = 0.45;
        m->stroke = L->st->neutral;
    }
    if (p->uncertain && (m = legend_row(lg, "Ring: somewhere in the area"))) {
        m->symbol = CM_SYM_CIRCLE;
        m->uncertainty_px = m->r * 1.6;
        m->r *= 0.5;
    }
    if (p->fresh && (m = legend_row(lg, "Glow: new in this map"))) {
        m->symbol = CM_SYM_CIRCLE;
        m->is_new = 1;
        m->r *= 0.7;
    }
}

/* The disputed lines of the lines layer, when the map draws them. */
static void
legend_lines(legend *lg)
{
    layout *L = lg->L;
    const cm_style *st = L->st;
    int oblast = 0, ceasefire = 0;
    for (size_t i = 0; i < L->b->n_paths; i++) {
        const cm_scene_path *p = &L->b->paths[i];
        oblast |= memcmp(&p->stroke, &st->oblast_line, sizeof(cm_stroke)) == 0;
        ceasefire |= memcmp(&p->stroke, &st->ceasefire_line, sizeof(cm_stroke)) == 0;
    }
    const struct { int shown; const char *words; const cm_stroke *stroke; } rows[2] = {
        { oblast, "Former Nagorno-Karabakh oblast", &st->oblast_line },
        { ceasefire, "1994 ceasefire line", &st->ceasefire_line },
    };
    for (int k = 0; k < 2; k++) {
        cm_scene_marker *m = rows[k].shown ? legend_row(lg, rows[k].words) : NULL;
        if (!m)
            continue;
        m->symbol = CM_SYM_LINE;
        m->stroke = rows[k].stroke->color;
        m->stroke_px = rows[k].stroke->width_px;
        memcpy(m->dash_px, rows[k].stroke->dash_px, sizeof(m->dash_px));
    }
}

/* On a small map the rows go in two columns, so the legend stays low and
 * leaves the map's middle to the story. Each row is one marker and one label,
 * made in the same order. */
static void
legend_columns(layout *L, legend *lg, size_t first_marker, double *w, double *h)
{
    size_t n = lg->n_rows, per_col = (n + 1) / 2;
    double col_w = 0;
    for (size_t i = 0; i < n; i++)
        col_w = fmax(col_w, L->sc->labels[lg->first_label + i].w);
    col_w += lg->sw + 6 + 10;
    for (size_t i = 0; i < n; i++) {
        double dx = i >= per_col ? col_w : 0, dy = i >= per_col ? -lg->row * (double)per_col : 0;
        L->sc->labels[lg->first_label + i].x += dx;
        L->sc->labels[lg->first_label + i].y += dy;
        L->sc->markers[first_marker + i].x += dx;
        L->sc->markers[first_marker + i].y += dy;
    }
    *w = lg->pad * 2 + col_w * (n > 1 ? 2 : 1) - 10;
    *h = lg->pad * 2 + lg->row * (double)per_col;
}

/* Lays the rows out for @p and returns the box's size; @first_marker and the
 * legend's first label say where its parts start. */
static void
legend_rows(layout *L, legend *lg, const present *p, double *w, double *h)
{
    size_t first_marker = L->sc->n_markers;
    lg->n_rows = 0;
    lg->first_label = L->sc->n_labels;
    if (L->b->width_px < 900) {   /* a phone-sized map: what the markers mean */
        present brief = *p;
        brief.uncertain = brief.fresh = 0;
        legend_sides_and_kinds(lg, &brief);
        legend_states(lg, &brief);
        legend_columns(L, lg, first_marker, w, h);
        return;
    }
    legend_sides_and_kinds(lg, p);
    legend_states(lg, p);
    legend_lines(lg);
    *w = 0;
    for (size_t i = lg->first_label; i < L->sc->n_labels; i++)
        *w = fmax(*w, L->sc->labels[i].w);
    *w += lg->pad * 2 + lg->sw + 6;
    *h = lg->pad * 2 + lg->row * (double)lg->n_rows;
}

static void
drop_from(layout *L, size_t n_labels, size_t n_markers)
{
    while (L->sc->n_labels > n_labels)
        free(L->sc->labels[--L->sc->n_labels].text);
    L->sc->n_markers = n_markers;
}

/* A legend of only what the slice shows, bottom left: the sides, the kinds of
 * event, what solid, hollow and pale mean, and the disputed lines. Labels keep
 * clear of the largest legend the timeline will need, so that the legend
 * growing from one slice to the next never pushes a label. */
static void
layout_legend(layout *L)
{
    const cm_style *st = L->st;
    const double *r = L->b->map_rect;
    present now, all;
    size_t first_marker = L->sc->n_markers, first_label = L->sc->n_labels;
    legend lg = { L, r[0] + st->margin_px, 8, st->note_px + 7, 10, 0, 0 };
    double w, h, w_all, h_all;

    memset(&now, 0, sizeof(now));
    all = *L->b->all_present;
    note_control_sides(L, &now);
    note_control_sides(L, &all);
    for (size_t k = 0; k < cm_slice_n_events(L->sc->slice); k++) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(L->sc->slice, k, &state);
        note_present(L->b->events, e, state, &now);
    }
    legend_rows(L, &lg, &all, &w_all, &h_all);
    drop_from(L, first_label, first_marker);
    legend_rows(L, &lg, &now, &w, &h);
    double y0 = r[1] + r[3] - st->margin_px - h;
    for (size_t i = first_label; i < L->sc->n_labels; i++)
        L->sc->labels[i].y += y0;
    for (size_t i = first_marker; i < L->sc->n_markers; i++)
        L->sc->markers[i].y += y0;
    add_rect(L, CM_GROUP_LEGEND, (box){ lg.x0, y0, w, h }, st->box_bg,
             (cm_stroke){ st->rule, 1, { 0, 0 } });
    add_obstacle(L, (box){ lg.x0 - 4, r[1] + r[3] - st->margin_px - h_all - 4, w_all + 8,
                           h_all + 8 });
}

/* At most @max code points of @s, with an ellipsis when cut. */
static void
shorten(const char *s, size_t max, char *buf, size_t size)
{
    size_t i = 0, cps = 0;
    while (s[i] && cps < max && i + 4 < size) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cps++;
    }
    if (i + 4 >= size)
        i = 0;
    memcpy(buf, s, i);
    if (s[i]) {
        memcpy(buf + i, "\xe2\x80\xa6", 3);
        i += 3;
    }
    buf[i] = '\0';
}

/* @text shortened (by whole characters, with an ellipsis) until it fits @w_px. */
static void
fit_width(layout *L, cm_scene_label *lb, double w_px)
{
    size_t chars = 0;
    for (const char *p = lb->text; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    while (lb->w > w_px && chars > 4) {
        char shorter[512];
        shorten(lb->text, --chars - 1, shorter, sizeof(shorter));
        char *copy = strdup(shorter);
        if (!copy) {
            L->status = CM_ERR_NOMEM;
            return;
        }
        free(lb->text);
        lb->text = copy;
        measure(L, copy, lb->size_px, lb->bold, lb->italic, &lb->w, &lb->h);
    }
}

/* The reports new in this slice, newest first, bottom right: what changed.
 * The box has one width and labels keep clear of its tallest form, so that
 * it changing from slice to slice never pushes a label on the map. */
static void
layout_latest(layout *L)
{
    const cm_style *st = L->st;
    int compact = L->b->width_px < 900;   /* a phone-sized map keeps the box small */
    size_t max_lines = compact ? 2 : 5, n_new = 0, shown = 0;
    const cm_slice *sl = L->sc->slice;
    const double *r = L->b->map_rect;
    size_t first_label = L->sc->n_labels;
    char line[512], clock[CM_TIME_BUF];
    double pad = 8, inner = fmin(r[2] * (compact ? 0.4 : 0.3), 420), y;
    double line_h = st->note_px * 1.4 + 2, tallest = st->note_px * 1.5 + 4 + line_h * max_lines;

    for (size_t k = 0; k < cm_slice_n_events(sl); k++) {
        cm_event_state state;
        cm_slice_event(sl, k, &state);
        n_new += state == CM_EVENT_NEW;
    }
    add_obstacle(L, (box){ r[0] + r[2] - st->margin_px - inner - 2 * pad - 4,
                           r[1] + r[3] - st->margin_px - tallest - 2 * pad - 4,
                           inner + 2 * pad + 8, tallest + 2 * pad + 8 });
    if (n_new == 0)
        return;
    snprintf(line, sizeof(line), "New at %s", cm_time_format_clock(cm_slice_time(sl), clock));
    cm_scene_label *lb = add_label(L, line, CM_GROUP_LATEST, st->note_px + 1, 1, 0, st->text);
    if (!lb)
        return;
    y = lb->h + 4;
    for (size_t k = cm_slice_n_events(sl); k-- > 0 && shown < max_lines;) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(sl, k, &state);
        if (state != CM_EVENT_NEW)
            continue;
        if (shown == max_lines - 1 && n_new > max_lines)
            snprintf(line, sizeof(line), "and %zu more", n_new - shown);
        else
            snprintf(line, sizeof(line), "%s", *cm_event_headline(e) ? cm_event_headline(e)
                                                                      : cm_event_kind(e));
        lb = add_label(L, line, CM_GROUP_LATEST, st->note_px, 0, 0, st->text);
        if (!lb)
            return;
        fit_width(L, lb, inner);
        lb->event = e;
        lb->y = y;
        y += lb->h + 2;
        shown++;
    }
    box bx = { r[0] + r[2] - st->margin_px - inner - 2 * pad,
               r[1] + r[3] - st->margin_px - y - 2 * pad, inner + 2 * pad, y + 2 * pad };
    for (size_t i = first_label; i < L->sc->n_labels; i++) {
        L->sc->labels[i].x = bx.x + pad;
        L->sc->labels[i].y += bx.y + pad;
    }
    add_rect(L, CM_GROUP_LATEST, bx, st->box_bg, (cm_stroke){ st->rule, 1, { 0, 0 } });
}

/* ---- the alt text ------------------------------------------------------------------------- */

/* "Map of Nagorno-Karabakh, 9 October 2020, 15:15 GMT. New: Azerbaijan says it
 * took Hadrut and eight villages. Shelling reported near Goranboy." What the
 * slice shows, said as a reader of the map would say it: the region, the
 * moment, the new events grouped as the map's callouts group them (claims as
 * claims), small numbers in words, then how many earlier reports are shown. */

typedef struct alt_buf {
    char *s;
    size_t len, cap;
    cm_status status;
} alt_buf;

static void
append(alt_buf *a, const char *text)
{
    size_t n = strlen(text);
    if (a->status != CM_OK)
        return;
    if (a->len + n + 1 > a->cap) {
        size_t c = (a->len + n + 1) * 2;
        char *p = realloc(a->s, c);
        if (!p) {
            a->status = CM_ERR_NOMEM;
            return;
        }
        a->s = p;
        a->cap = c;
    }
    memcpy(a->s + a->len, text, n + 1);
    a->len += n;
}

/* A count as a reader says it: words below ten. */
static const char *
count_words(size_t n, char buf[32])
{
    static const char *const words[] = { "no", "one", "two", "three", "four", "five", "six",
                                         "seven", "eight", "nine" };
    if (n < 10)
        return words[n];
    snprintf(buf, 32, "%zu", n);
    return buf;
}

static double
alt_km(double lon1, double lat1, double lon2, double lat2)
{
    double dx = (lon2 - lon1) * cos((lat1 + lat2) / 2 * M_PI / 180) * 111.2;
    return hypot(dx, (lat2 - lat1) * 111.2);
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The region the map is about: of the gazetteer's places of kind "region" on
 * the map, the one nearest the middle of the events on it (their median). */
static cm_status
pick_region(cm_scene_base *b, const cm_gazetteer *gaz)
{
    size_t n = cm_events_count(b->events), k = 0;
    double mx = b->map_rect[0] + b->map_rect[2] / 2, my = b->map_rect[1] + b->map_rect[3] / 2;
    double best = INFINITY, *xs = malloc((n + 1) * sizeof(double)),
           *ys = malloc((n + 1) * sizeof(double));
    if (!xs || !ys) {
        free(xs);
        free(ys);
        return CM_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        if (inside_rect(b->map_rect, b->event_xy[2 * i], b->event_xy[2 * i + 1], 0)) {
            xs[k] = b->event_xy[2 * i];
            ys[k++] = b->event_xy[2 * i + 1];
        }
    if (k) {   /* the median of each axis (sorted: a selection went quadratic at 100,000) */
        qsort(xs, k, sizeof(double), compare_doubles);
        qsort(ys, k, sizeof(double), compare_doubles);
        mx = xs[k / 2];
        my = ys[k / 2];
    }
    free(xs);
    free(ys);
    for (size_t i = 0; gaz && i < cm_gazetteer_n_places(gaz); i++) {
        const cm_place *p = cm_gazetteer_place(gaz, i);
        double xy[2] = { cm_place_lon(p), cm_place_lat(p) };
        if (strcmp(cm_place_kind(p), "region") != 0)
            continue;
        cm_projection_forward(b->proj, xy, 1);
        double d = hypot(xy[0] - mx, xy[1] - my);
        if (inside_rect(b->map_rect, xy[0], xy[1], 0) && d < best) {
            best = d;
            b->region = p;
        }
    }
    return CM_OK;
}

static int
is_settlement(const cm_place *p)
{
    const char *kind = cm_place_kind(p);
    return strcmp(kind, "town") == 0 || strcmp(kind, "city") == 0 ||
           strcmp(kind, "capital") == 0;
}

/* Even-odd: the projected point is inside the polygon @p. */
static int
path_contains(const cm_scene_path *p, double x, double y)
{
    int inside = 0;
    for (size_t k = 0; k < p->n_parts; k++)
        for (size_t i = p->part_start[k], j = p->part_start[k + 1] - 1;
             i < p->part_start[k + 1]; j = i++) {
            double xi = p->xy[2 * i], yi = p->xy[2 * i + 1];
            double xj = p->xy[2 * j], yj = p->xy[2 * j + 1];
            if (isfinite(xi) && isfinite(xj) && (yi > y) != (yj > y) &&
                x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                inside = !inside;
        }
    return inside;
}

/* The town a village is "near": of the towns and cities within 30 km, the one
 * its district is named after (Qaracinar lies in Goranboy district), else the
 * nearest. NULL when the event's place is itself a town, or none is near. */
static const cm_place *
near_town(const cm_scene *sc, const cm_event *e, alt_buf *a)
{
    const cm_scene_base *b = sc->base;
    const cm_place *at = cm_event_place(e), *nearest = NULL, *seat = NULL;
    const cm_scene_path *district = NULL;
    double lon = cm_event_lon(e), lat = cm_event_lat(e), d_near = 30, d_seat = 30;
    double x = b->event_xy[2 * cm_event_index(e)], y = b->event_xy[2 * cm_event_index(e) + 1];
    if ((at && is_settlement(at)) || !b->gaz)
        return NULL;
    for (size_t i = 0; isfinite(x) && i < b->n_paths && !district; i++)
        if (b->paths[i].is_polygon && b->paths[i].group == CM_GROUP_REGIONS &&
            path_contains(&b->paths[i], x, y))
            district = &b->paths[i];
    for (size_t i = 0; i < cm_gazetteer_n_places(b->gaz) && a->status == CM_OK; i++) {
        const cm_place *p = cm_gazetteer_place(b->gaz, i);
        double d = alt_km(lon, lat, cm_place_lon(p), cm_place_lat(p));
        if (!is_settlement(p) || d >= 30)
            continue;
        if (d < d_near)
            d_near = d, nearest = p;
        if (!district || d >= d_seat)
            continue;
        char *key = cm_name_key(cm_place_name(p));
        if (!key)
            a->status = CM_ERR_NOMEM;
        else if (*key && region_named(district, key))
            d_seat = d, seat = p;
        free(key);
    }
    return seat ? seat : nearest;
}

/* "Hadrut and eight villages", "Hadrut and Chayli", "Hadrut, Sur and Chayli". */
static void
append_places(alt_buf *a, const cm_scene *sc, const cm_event *const *evs, size_t n)
{
    char buf[64], num[32];
    const char *lang = sc->base->lang;
    append(a, place_label_text(evs[0], lang, buf, sizeof(buf)));
    if (n < 2)
        return;
    if (n > 3) {
        const char *kind = NULL;
        for (size_t i = 1; i < n; i++) {
            const cm_place *p = cm_event_place(evs[i]);
            const char *k = p ? cm_place_kind(p) : "";
            kind = !kind || strcmp(kind, k) == 0 ? k : "";
        }
        const char *plural = !strcmp(kind, "village") ? "villages" : !strcmp(kind, "town")
                             ? "towns" : !strcmp(kind, "city") ? "cities" : "other places";
        append(a, " and ");
        append(a, count_words(n - 1, num));
        append(a, " ");
        append(a, plural);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        append(a, i + 1 == n ? " and " : ", ");
        append(a, place_label_text(evs[i], lang, buf, sizeof(buf)));
    }
}

static void
end_sentence(alt_buf *a)
{
    char last = a->len ? a->s[a->len - 1] : '.';
    if (last != '.' && last != '!' && last != '?')
        append(a, ".");
}

/* New control changes to one side with one status, in one sentence, the
 * place of highest rank first: "Azerbaijan says it took Hadrut and eight
 * villages." @evs holds them, @n of them. */
static void
append_control(alt_buf *a, const cm_scene *sc, const cm_event **evs, size_t n)
{
    for (size_t i = 1; i < n; i++) {   /* the lead first, as the map's callout has it */
        long r0 = cm_event_place(evs[0]) ? cm_place_rank(cm_event_place(evs[0])) : 0;
        long ri = cm_event_place(evs[i]) ? cm_place_rank(cm_event_place(evs[i])) : 0;
        if (ri > r0) {
            const cm_event *t = evs[0];
            evs[0] = evs[i];
            evs[i] = t;
        }
    }
    const cm_side *side = cm_events_find_side(sc->base->events, cm_event_control_to(evs[0]));
    const char *who = side ? cm_side_name(side) : cm_event_control_to(evs[0]);
    const char *status = cm_event_status(evs[0]);
    size_t len = strlen(who);
    int plural = len > 1 && who[len - 1] == 's';
    if (strcmp(status, "disputed") == 0) {
        append(a, "Control of ");
        append_places(a, sc, evs, n);
        append(a, " disputed");
        return;
    }
    append(a, who);
    append(a, strcmp(status, "confirmed") == 0 ? " took "
              : plural ? " say they took " : " says it took ");
    append_places(a, sc, evs, n);
}

/* Shelling, strikes and clashes are said by kind and place ("Shelling
 * reported near Goranboy"), one sentence per kind; other events by headline. */
static const char *
reported_kind(const char *kind)
{
    static const char *const kinds[][2] = {
        { "shelling", "Shelling" }, { "strike", "Strikes" }, { "clash", "Clashes" },
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (strcmp(kind, kinds[i][0]) == 0)
            return kinds[i][1];
    return NULL;
}

static void
append_reported(alt_buf *a, const cm_scene *sc, const cm_event **evs, size_t n)
{
    char buf[64];
    append(a, reported_kind(cm_event_kind(evs[0])));
    append(a, " reported");
    for (size_t i = 0; i < n; i++) {
        const cm_place *town = near_town(sc, evs[i], a);
        append(a, i == 0 ? "" : i + 1 == n ? " and" : ",");
        append(a, town ? " near " : " in ");
        append(a, town ? cm_place_name_in(town, sc->base->lang)
                       : place_label_text(evs[i], sc->base->lang, buf, sizeof(buf)));
    }
}

/* Which sentence an event goes in: events of one group share it. */
static int
same_sentence(const cm_event *a, const cm_event *b)
{
    if (cm_event_control_to(a) || cm_event_control_to(b))   /* as control_cohort() */
        return cm_event_control_to(a) && cm_event_control_to(b) &&
               cm_event_time(a) == cm_event_time(b) &&
               strcmp(cm_event_control_to(a), cm_event_control_to(b)) == 0 &&
               strcmp(cm_event_status(a), cm_event_status(b)) == 0;
    return reported_kind(cm_event_kind(a)) &&
           strcmp(cm_event_kind(a), cm_event_kind(b)) == 0;
}

static cm_status
write_alt(cm_scene *sc)
{
    const cm_slice *sl = sc->slice;
    const cm_events *ev = sc->base->events;
    size_t n = cm_slice_n_events(sl), n_new = 0, n_old = 0;
    char moment[CM_TIME_BUF], num[32];
    alt_buf a = { malloc(256), 0, 256, CM_OK };
    const cm_event **fresh = malloc((n + 1) * sizeof(*fresh)),
                   **group = malloc((n + 1) * sizeof(*group));
    if (!a.s || !fresh || !group)
        a.status = CM_ERR_NOMEM;
    else
        a.s[0] = '\0';
    for (size_t k = 0; a.status == CM_OK && k < n; k++) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(sl, k, &state);
        if (state == CM_EVENT_NEW)
            fresh[n_new++] = e;
        else
            n_old++;
    }
    if (sc->base->region) {
        append(&a, "Map of ");
        append(&a, cm_place_name_in(sc->base->region, sc->base->lang));
    } else {
        append(&a, *cm_events_title(ev) ? "Map: " : "Map of reported events");
        append(&a, cm_events_title(ev));
    }
    append(&a, ", ");
    append(&a, cm_time_format_human(cm_slice_time(sl), moment));
    append(&a, ".");
    for (size_t i = 0; a.status == CM_OK && i < n_new; i++) {
        const cm_event *e = fresh[i];
        size_t m = 0;
        if (!e)
            continue;   /* already said with an earlier one */
        for (size_t j = i; j < n_new; j++)
            if (fresh[j] && (j == i || same_sentence(e, fresh[j]))) {
                group[m++] = fresh[j];
                fresh[j] = NULL;
            }
        append(&a, i == 0 ? " New: " : " ");
        if (cm_event_control_to(e))
            append_control(&a, sc, group, m);
        else if (m > 1 || reported_kind(cm_event_kind(e)))
            append_reported(&a, sc, group, m);
        else
            append(&a, *cm_event_headline(e) ? cm_event_headline(e) : cm_event_kind(e));
        end_sentence(&a);
    }
    if (n_new == 0)
        append(&a, " Nothing new since the previous map.");
    if (n_old) {
        append(&a, " Also shown: ");
        append(&a, count_words(n_old, num));
        append(&a, n_old == 1 ? " earlier report." : " earlier reports.");
    }
    free(fresh);
    free(group);
    if (a.status != CM_OK) {
        free(a.s);
        return a.status;
    }
    sc->alt = a.s;
    return CM_OK;
}

/* ---- laying out: the whole slice ------------------------------------------------------------ */

/* The order decides who yields: the frame, legend and latest box are fixed;
 * then new events and control changes claim their label first, then places
 * off the map, then older events, then the towns that give context. */
cm_status
cm_scene_layout(cm_scene **out, const cm_scene_base *base, const cm_slice *slice,
                const cm_scene *previous)
{
    layout L = { 0 };
    entry *on = NULL, *off = NULL;
    size_t n_on = 0, n_off = 0, n_groups = 0, n_first;
    group *groups = NULL;

    *out = NULL;
    L.sc = calloc(1, sizeof(cm_scene));
    if (!L.sc)
        return CM_ERR_NOMEM;
    L.sc->base = base;
    L.sc->slice = slice;
    L.sc->previous = previous;
    L.b = base;
    L.st = base->style;
    layout_frame(&L);
    if (base->inset_rect[2] > 0)
        add_obstacle(&L, (box){ base->inset_rect[0] - 4, base->inset_rect[1] - 4,
                                base->inset_rect[2] + 8, base->inset_rect[3] + 8 });
    layout_legend(&L);
    layout_latest(&L);
    layout_areas(&L);
    layout_control(&L);
    L.status = L.status ? L.status : collect(&L, &on, &n_on, &off, &n_off);
    if (L.status == CM_OK)
        groups = layout_on_map(&L, on, n_on, &n_groups);
    for (n_first = 0; n_first < n_groups && group_rank(&groups[n_first]) < 2; n_first++)
        ;
    if (L.status == CM_OK)
        label_groups(&L, groups, n_first);
    if (L.status == CM_OK)
        layout_off_map(&L, off, n_off);
    if (L.status == CM_OK)
        label_groups(&L, groups + n_first, n_groups - n_first);
    if (L.status == CM_OK)
        layout_countries(&L);
    if (L.status == CM_OK)
        layout_context(&L);
    if (L.status == CM_OK)
        L.status = write_alt(L.sc);
    free(groups);
    free(on);
    free(off);
    free(L.obstacles);
    L.sc->previous = NULL;   /* only read while laying out */
    if (L.status != CM_OK) {
        cm_scene_destroy(L.sc);
        return L.status;
    }
    *out = L.sc;
    return CM_OK;
}

void
cm_scene_destroy(cm_scene *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_labels; i++)
        free(sc->labels[i].text);
    free(sc->labels);
    for (size_t i = 0; i < sc->n_dropped; i++)
        free(sc->dropped[i]);
    free(sc->dropped);
    free(sc->markers);
    free(sc->areas);
    free(sc->rects);
    free(sc->positions);
    free(sc->alt);
    free(sc);
}

int cm_scene_width_px(const cm_scene *sc) { return sc->base->width_px; }
int cm_scene_height_px(const cm_scene *sc) { return sc->base->height_px; }
const char *cm_scene_alt(const cm_scene *sc) { return sc->alt; }
size_t cm_scene_n_dropped(const cm_scene *sc) { return sc->n_dropped; }

const char *
cm_scene_dropped(const cm_scene *sc, size_t i)
{
    return i < sc->n_dropped ? sc->dropped[i] : NULL;
}

int
cm_scene_event_xy(const cm_scene *sc, const cm_event *e, double *x, double *y)
{
    for (size_t i = 0; i < sc->n_positions; i++)
        if (sc->positions[i].event == e) {
            *x = sc->positions[i].x;
            *y = sc->positions[i].y;
            return 1;
        }
    return 0;
}
