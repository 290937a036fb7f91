/* The scene base: what every slice of a run shares, made once: the layers
 * projected and painted, the context places, the events projected, the
 * countries' names, the locator inset and the region the map is about.
 * Laying each slice out over it is for the other files of src/layout/. */
#include "layout/layout.h"
#include "common/memo.h"
#include "geo/clip.h"
#include "geo/extent.h"
#include "geo/simplify.h"
#include "load/gazetteer.h"
#include "load/data.h"
#include "common/catalog.h"

#include <ctype.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
layout_frame_sizes(const cm_style *st, int width_px, int height_px, size_t box_lines,
                   size_t legend_rows, layout_frame_sizes_t *f)
{
    f->portrait = height_px > width_px * 1.1;
    f->box_lines = box_lines ? box_lines : LAYOUT_BAND_LINES;
    f->legend_rows = legend_rows ? legend_rows : LAYOUT_BAND_ROWS;
    if (!f->portrait) {
        f->margin_px = st->margin_px;
        f->title_px = st->title_px;
        f->subtitle_px = st->subtitle_px;
        f->moment_px = st->moment_px;
        f->header_px = st->header_px;
        f->footer_px = st->footer_px;
        f->band_px = 0;
        return;
    }
    /* A portrait page (a phone, a social card): smaller display type, the
     * title on up to two lines under the moment, the credit on a line of its
     * own, and below the map a band for the "New at" box and the legend, so
     * that neither covers the map's narrow width. */
    double k = width_px < 600 ? 0.75 : 1;   /* a phone's width: display type a size smaller */
    f->margin_px = fmin(st->margin_px, 12);
    f->title_px = st->title_px * k;
    f->subtitle_px = st->subtitle_px * fmin(1, k + 0.1);
    f->moment_px = st->moment_px * fmin(1, k + 0.1);
    f->header_px = round(f->margin_px + f->moment_px * 1.35 + 2 +
                         LAYOUT_TITLE_LINES * f->title_px * 1.25 + f->subtitle_px * 1.35 +
                         f->margin_px * 0.75);
    f->footer_px = round(st->note_px * 1.3 * 3 + 8);
    /* the "New at" box (a heading and its lines) over the legend's rows */
    f->band_px = round(f->margin_px / 2 +
                       layout_latest_height(st, f->box_lines, LAYOUT_PORTRAIT_PAD) + 6 +
                       layout_portrait_row_px(st) * (double)f->legend_rows +
                       2 * LAYOUT_PORTRAIT_PAD + 4);
}

void
cm_scene_map_rect(const cm_style *style, int width_px, int height_px, double rect_px[4])
{
    layout_map_rect(style, width_px, height_px, 0, 0, rect_px);
}

void
layout_map_rect(const cm_style *style, int width_px, int height_px, size_t box_lines,
                size_t legend_rows, double rect_px[4])
{
    layout_frame_sizes_t f;
    layout_frame_sizes(style, width_px, height_px, box_lines, legend_rows, &f);
    rect_px[0] = 0;
    rect_px[1] = f.header_px;
    rect_px[2] = width_px;
    rect_px[3] = height_px - f.header_px - f.footer_px - f.band_px;
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

/* Whether a shape's parts may be cut to the near box in degrees before they
 * are projected: a map away from the poles and the antimeridian, whose near
 * box (three times its extent) holds all it shows with room to spare, so the
 * cut's edges are never on the map. A country of a continent's size then
 * costs only its part near the map: Russia's 30,000 points on a map of the
 * Caucasus are a few hundred. */
static int
cuts_in_degrees(const cm_scene_base *b)
{
    const double *n = b->near_deg;
    return n[0] >= -180 && n[2] <= 180 && n[2] - n[0] < 180 && n[1] > -80 && n[3] < 80;
}

/* One part (@pts, @np points), projected, simplified to well under a pixel
 * and clipped to @r, appended to @out; @xy has room for @np points. */
static cm_status
project_part(cm_scene_base *b, const double *pts, size_t np, int is_polygon, const double r[4],
             double *xy, cm_pathbuf *out)
{
    memcpy(xy, pts, np * 2 * sizeof(double));
    cm_projection_forward(b->proj, xy, np);
    cm_status st = cm_simplify(xy, &np, CM_SIMPLIFY_TOLERANCE_PX);
    if (st == CM_OK)
        st = is_polygon ? cm_clip_ring(out, xy, np, r) : cm_clip_line(out, xy, np, r);
    return st;
}

/* Whether all @np points of @pts lie inside the box @n (west, south, east, north). */
static int
inside_box(const double *pts, size_t np, const double n[4])
{
    for (size_t i = 0; i < np; i++)
        if (pts[2 * i] < n[0] || pts[2 * i] > n[2] || pts[2 * i + 1] < n[1] ||
            pts[2 * i + 1] > n[3])
            return 0;
    return 1;
}

/* The shape's parts, projected, simplified to well under a pixel and clipped to
 * the map (with room for a stroke), into @out. */
static cm_status
project_parts(cm_scene_base *b, const cm_shape *shape, cm_pathbuf *out)
{
    size_t n_parts = cm_shape_n_parts(shape), np, max = 0;
    int is_polygon = cm_shape_kind_of(shape) == CM_SHAPE_POLYGON, cut = cuts_in_degrees(b);
    const double *n = b->near_deg, near_rect[4] = { n[0], n[1], n[2] - n[0], n[3] - n[1] };
    double r[4] = { b->map_rect[0] - 16, b->map_rect[1] - 16, b->map_rect[2] + 32,
                    b->map_rect[3] + 32 };
    cm_pathbuf near = { 0 };
    for (size_t k = 0; k < n_parts; k++)
        if (cm_shape_part(shape, k, &np), np > max)
            max = np;
    double *xy = malloc((max + 1) * 2 * sizeof(double));
    cm_status st = xy ? CM_OK : CM_ERR_NOMEM;
    for (size_t k = 0; st == CM_OK && k < n_parts; k++) {
        const double *pts = cm_shape_part(shape, k, &np);
        if (!cut || inside_box(pts, np, n)) {
            st = project_part(b, pts, np, is_polygon, r, xy, out);
            continue;
        }
        near.n_points = near.n_parts = 0;
        st = is_polygon ? cm_clip_ring(&near, pts, np, near_rect)
                        : cm_clip_line(&near, pts, np, near_rect);
        if (st == CM_OK)
            st = cm_pathbuf_end(&near);
        for (size_t j = 0; st == CM_OK && j < near.n_parts; j++) {
            size_t a = near.part_start[j], m = near.part_start[j + 1] - a;
            double *room = m > max ? realloc(xy, (m + 1) * 2 * sizeof(double)) : xy;
            if (!room) {
                st = CM_ERR_NOMEM;
                break;
            }
            xy = room;
            max = m > max ? m : max;
            st = project_part(b, near.xy + 2 * a, m, is_polygon, r, xy, out);
        }
    }
    cm_pathbuf_free(&near);
    free(xy);
    if (st == CM_OK)
        st = cm_pathbuf_end(out);
    return st;
}

void
layout_note_credit(cm_scene_base *b, const cm_shape *shape)
{
    const char *credit = shape ? cm_shape_attr(shape, "credit") : NULL;
    size_t n = strlen(b->credits);
    if (!credit || !*credit || strstr(b->credits, credit))
        return;
    snprintf(b->credits + n, sizeof(b->credits) - n, "%s%s", n ? " \xc2\xb7 " : "", credit);
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
    if (!CM_GROW(b->paths, b->n_paths, b->n_paths_cap))
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
    layout_note_credit(b, shape);
    st = CM_OK;
cleanup:
    cm_pathbuf_free(&buf);
    return st;
}

/* How far a map may reach past the countries layer's box and still count as
 * covered by it: a whole-world layer ends at 179.9 degrees, a map of the world
 * at 180 (no land lies between). */
#define WORLD_SLACK_DEG 0.5

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
            !cm_layer_bbox(layers[i], lb) || m[0] > m[2] ||
            m[0] < lb[0] - WORLD_SLACK_DEG || m[2] > lb[2] + WORLD_SLACK_DEG ||
            m[1] < lb[1] - WORLD_SLACK_DEG || m[3] > lb[3] + WORLD_SLACK_DEG)
            continue;
        for (size_t s = 0; s < cm_layer_n_shapes(layers[i]); s++) {
            const char *other = cm_shape_attr(cm_layer_shape(layers[i], s), "iso_a2");
            if (other && strcmp(other, iso) == 0)
                return 1;
        }
    }
    return 0;
}

/* The map's width on the ground in km, measured along the scale bar. */
static double
km_wide(const cm_scene_base *b)
{
    return b->map_rect[2] * b->scale_bar_m / 1000 / b->scale_bar_px;
}

/* On a map of a continent or the world, the first-level regions' borders
 * would be a grey mesh over the countries, and a region's own lines (a
 * ceasefire line, a former oblast's border) a smudge with a legend entry: both
 * are drawn up to 5000 km. */
static int
draws_regions(const cm_scene_base *b)
{
    return !isfinite(km_wide(b)) || km_wide(b) < 5000;
}

/* Lakes and seas are named on maps of a region or a country, up to 2500 km:
 * beyond, the shipped waters (a few, where the data is detailed) would name
 * Lake Sevan on a map of the world and no ocean. */
static int
names_waters(const cm_scene_base *b)
{
    return !isfinite(km_wide(b)) || km_wide(b) < 2500;
}

/* ---- the base: at the scale of a front ---------------------------------------- */

/* How far Natural Earth's generalised coast may lie from the true one. Each
 * country's fill is widened by as much along its coarse coast (a rim drawn
 * under the fills), so that the land between the two coasts takes the
 * country's shade, not the neighbours'; the sea painted after the countries
 * covers whatever reaches past the true coast. */
#define COARSE_COAST_M 1500.0
#define RIM_MAX_PX 80.0

static double
rim_px(const cm_scene_base *b)
{
    double m_per_px = b->scale_bar_m / b->scale_bar_px;
    if (!isfinite(m_per_px) || m_per_px <= 0)
        return 0;
    return fmin(RIM_MAX_PX, 2 * COARSE_COAST_M / m_per_px);
}

/* The shapes of the layers of @group, filled as ever but not stroked: their
 * borders are drawn from the edges they share (project_runs). */
static cm_status
project_unstroked(cm_scene_base *b, cm_layer *const *layers, size_t n_layers, cm_group group)
{
    for (size_t i = 0; i < n_layers; i++) {
        const char *role = cm_layer_role(layers[i]);
        if (cm_group_of_role(role) != group)
            continue;
        for (size_t s = 0; s < cm_layer_n_shapes(layers[i]); s++) {
            size_t before = b->n_paths;
            cm_status st = project_shape(b, role, cm_layer_shape(layers[i], s));
            if (st != CM_OK)
                return st;
            if (b->n_paths > before)
                b->paths[before].stroke.width_px = 0;
        }
    }
    return CM_OK;
}

/* The runs @which of the outlines of the layers of @group, stroked with @stroke. */
static cm_status
project_runs(cm_scene_base *b, cm_layer *const *layers, size_t n_layers, cm_group group,
             layout_runs which, cm_stroke stroke, int is_rim)
{
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < n_layers; i++) {
        const char *role = cm_layer_role(layers[i]);
        layout_shared shared;
        if (cm_group_of_role(role) != group)
            continue;
        st = layout_shared_make(&shared, layers[i]);
        for (size_t s = 0; st == CM_OK && s < cm_layer_n_shapes(layers[i]); s++) {
            const cm_shape *shape = cm_layer_shape(layers[i], s);
            if (cm_shape_kind_of(shape) == CM_SHAPE_POLYGON && is_near(b, shape))
                st = layout_add_runs(b, role, shape, which, &shared, stroke, is_rim);
        }
        layout_shared_free(&shared);
    }
    return st;
}

/* The passes of project_layers for @groups only. */
static cm_status project_passes(cm_scene_base *b, cm_layer *const *layers, size_t n_layers,
                                int first_pass, int last_pass, int skip_water);

/* With the fine land: the world, the land, the countries' rims, fills and
 * borders, the regions' borders, the sea over them all, the coastline, then
 * the lines. The water layer is not drawn: the land has the lakes and rivers
 * cut out at 10 m, where the water layer's are simplified to 1 km. */
static cm_status
project_fine(cm_scene_base *b, cm_layer *const *layers, size_t n_layers, const cm_layer *land)
{
    const cm_style *sty = b->style;
    cm_stroke rim = { sty->land, rim_px(b), { 0, 0 } };
    cm_status st = project_passes(b, layers, n_layers, 0, 0, 1);
    if (st == CM_OK)
        st = layout_add_land(b, land);
    if (st == CM_OK && rim.width_px > 0)
        st = project_runs(b, layers, n_layers, CM_GROUP_COUNTRIES, LAYOUT_RUNS_UNSHARED, rim, 1);
    if (st == CM_OK)
        st = project_unstroked(b, layers, n_layers, CM_GROUP_COUNTRIES);
    if (st == CM_OK)
        st = project_runs(b, layers, n_layers, CM_GROUP_COUNTRIES, LAYOUT_RUNS_SHARED,
                          sty->country_border, 0);
    if (st == CM_OK && draws_regions(b))
        st = project_unstroked(b, layers, n_layers, CM_GROUP_REGIONS);
    if (st == CM_OK && draws_regions(b))
        st = project_runs(b, layers, n_layers, CM_GROUP_REGIONS, LAYOUT_RUNS_SHARED,
                          sty->region_border, 0);
    if (st == CM_OK)
        st = layout_add_sea_and_coast(b, land);
    if (st == CM_OK)
        st = project_passes(b, layers, n_layers, 4, 4, 1);
    return st;
}

static cm_status
project_layers(cm_scene_base *b, cm_layer *const *layers, size_t n_layers)
{
    const cm_layer *land = NULL;
    if (layout_has_land((const cm_layer *const *)layers, n_layers, &land))
        return project_fine(b, layers, n_layers, land);
    return project_passes(b, layers, n_layers, 0, 4, 0);
}

static cm_status
project_passes(cm_scene_base *b, cm_layer *const *layers, size_t n_layers, int first_pass,
               int last_pass, int skip_water)
{
    for (int pass = first_pass; pass <= last_pass; pass++)
        for (size_t i = 0; i < n_layers; i++) {
            const char *role = cm_layer_role(layers[i]);
            cm_group group = cm_group_of_role(role);
            if (role_order(group) != pass ||
                ((group == CM_GROUP_REGIONS || group == CM_GROUP_LINES) && !draws_regions(b)) ||
                group == CM_GROUP_LAND || (skip_water && group == CM_GROUP_WATER))
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

/* Context places are towns worth naming on a locator map, capitals and cities
 * before towns, and waters; villages never. */
static int
is_context(const cm_place *p)
{
    const char *kind = cm_place_kind(p);
    return strcmp(kind, "capital") == 0 || strcmp(kind, "city") == 0 ||
           strcmp(kind, "town") == 0 || strcmp(kind, "water") == 0;
}

/* @near as cm_gazetteer_within takes a box: longitudes within -180..180. */
static void
wrap_box(const double near[4], double box[4])
{
    memcpy(box, near, 4 * sizeof(double));
    if (box[2] - box[0] >= 360) {
        box[0] = -180;
        box[2] = 180;
        return;
    }
    if (box[0] < -180)
        box[0] += 360;
    if (box[2] > 180)
        box[2] -= 360;
}

/* Whether a town at (@x, @y) keeps its distance: from the towns already
 * chosen, and from the events, whose own places their labels name. */
static int
has_room(const cm_scene_base *b, double x, double y, double spacing)
{
    for (size_t i = 0; i < b->n_places; i++)
        if (strcmp(cm_place_kind(b->places[i].place), "water") != 0 &&
            hypot(b->places[i].x - x, b->places[i].y - y) < spacing)
            return 0;
    for (size_t i = 0; i < cm_events_count(b->events); i++)
        if (hypot(b->event_xy[2 * i] - x, b->event_xy[2 * i + 1] - y) < 14)
            return 0;
    return 1;
}

static context_place *
picked(const cm_scene_base *b, const cm_place *p)
{
    for (size_t i = 0; i < b->n_places; i++)
        if (b->places[i].place == p)
            return &b->places[i];
    return NULL;
}

static int
is_picked(const cm_scene_base *b, const cm_place *p)
{
    return picked(b, p) != NULL;
}

/* When the event @i is drawn on @cp, @cp's name keeps as far from it as an
 * event's label does (layout_event_reach). */
static void
note_room(const cm_scene_base *b, size_t i, context_place *cp)
{
    const double *xy = &b->event_xy[2 * i];
    if (layout_inside_rect(b->map_rect, xy[0], xy[1], 4) &&
        hypot(layout_spot(xy[0]) - cp->x, layout_spot(xy[1]) - cp->y) < 1)
        cp->room_px = layout_event_reach(b->style);
}

/* The events' own towns come first, whatever their rank and however near one
 * another: each is named on a slice where no event is drawn on it (before its
 * event, or after it has aged off the map), so that Mykolaiv is on the map
 * before the strike on it is, and El Fasher before its first report. Where an
 * event is drawn, its marker keeps the town's name out (context.c); the name
 * keeps the room the markers take, so that it is where the event's label
 * will be. */
static cm_status
pick_event_places(cm_scene_base *b, size_t *n_towns)
{
    for (size_t i = 0; i < cm_events_count(b->events); i++) {
        const cm_place *p = cm_event_place(cm_events_get(b->events, i));
        context_place *cp;
        double xy[2];
        if (!p || !is_context(p) || strcmp(cm_place_kind(p), "water") == 0)
            continue;
        if ((cp = picked(b, p))) {
            note_room(b, i, cp);
            continue;
        }
        xy[0] = cm_place_lon(p);
        xy[1] = cm_place_lat(p);
        cm_projection_forward(b->proj, xy, 1);
        if (!layout_inside_rect(b->map_rect, xy[0], xy[1], 8))
            continue;
        if (!CM_GROW(b->places, b->n_places, b->n_places_cap))
            return CM_ERR_NOMEM;
        cp = &b->places[b->n_places++];
        *cp = (context_place){ p, xy[0], xy[1], 0 };
        note_room(b, i, cp);
        (*n_towns)++;
    }
    return CM_OK;
}

/* The towns that give a reader their bearings, chosen once for the whole run
 * (so every slice names the same ones): the events' own first, then the most important, each at
 * least @spacing from the others, so that they spread over the map and stop
 * at about one per 42,000 square pixels (38 on a 1600x1200 map), never a
 * carpet; waters are named whenever they are on the map. */
static cm_status
pick_places(cm_scene_base *b, const cm_gazetteer *gaz)
{
    const cm_place **found = NULL;
    size_t n = 0, n_towns = 0;
    double box[4], area = b->map_rect[2] * b->map_rect[3];
    double target = fmax(6, fmin(40, floor(area / 42000)));
    double spacing = 0.5 * sqrt(area / target);

    wrap_box(b->near_deg, box);
    cm_status st = pick_event_places(b, &n_towns);
    if (st == CM_OK && gaz)
        st = cm_gazetteer_within(gaz, box, SIZE_MAX, &found, &n);
    for (size_t i = 0; st == CM_OK && i < n; i++) {
        const cm_place *p = found[i];
        double xy[2] = { cm_place_lon(p), cm_place_lat(p) };
        int water = strcmp(cm_place_kind(p), "water") == 0;
        if (!is_context(p) || (!water && n_towns >= target) || (water && !names_waters(b)) ||
            is_picked(b, p))
            continue;
        cm_projection_forward(b->proj, xy, 1);
        if (!layout_inside_rect(b->map_rect, xy[0], xy[1], 8) ||
            (!water && !has_room(b, xy[0], xy[1], spacing)))
            continue;
        if (!CM_GROW(b->places, b->n_places, b->n_places_cap))
            st = CM_ERR_NOMEM;
        else
            b->places[b->n_places++] = (context_place){ p, xy[0], xy[1], 0 };
        n_towns += !water;
    }
    free(found);
    return st;
}

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
    b->measured = cm_memo_create(3 * sizeof(double), NULL);   /* w, h, baseline */
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
 * than their neighbours, so the eye goes to where the story is: the country
 * of the event's place, or for an event given by longitude and latitude, the
 * country whose outline it is in. */
static int
country_has_events(const cm_scene_base *b, const cm_scene_path *country, const char *iso)
{
    for (size_t i = 0; iso && *iso && i < cm_events_count(b->events); i++) {
        const cm_event *e = cm_events_get(b->events, i);
        const cm_place *p = cm_event_place(e);
        const double *xy = &b->event_xy[2 * i];
        if (!layout_inside_rect(b->map_rect, xy[0], xy[1], 0))
            continue;
        if (p ? strcmp(cm_place_country(p), iso) == 0
              : layout_path_contains(country, xy[0], xy[1]))
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
        if (p->group == CM_GROUP_COUNTRIES && p->is_polygon && country_has_events(b, p, iso))
            p->fill = b->style->land_focus;
    }
    /* a rim takes its country's shade */
    for (size_t i = 0; i < b->n_paths; i++)
        for (size_t k = 0; b->paths[i].is_rim && k < b->n_paths; k++)
            if (b->paths[k].is_polygon && b->paths[k].shape == b->paths[i].shape)
                b->paths[i].stroke.color = b->paths[k].fill;
}

/* ---- the base: country names ------------------------------------------------------ */

/* Whether @name has a letter of a script without capitals (Arabic, Hebrew,
 * Chinese...): such a name is set as it is written, neither capitalised nor
 * spaced, as spacing would break the joined letters of Arabic. */
static int
is_caseless(const char *name)
{
    if (!g_utf8_validate(name, -1, NULL))
        return 0;
    for (const char *p = name; *p; p = g_utf8_next_char(p)) {
        /* a letter of no case (Lo); not a modifier letter such as Uzbek's ʻ */
        if (g_unichar_type(g_utf8_get_char(p)) == G_UNICODE_OTHER_LETTER)
            return 1;
    }
    return 0;
}

/* A country is named at the middle of its largest part, when that is on the
 * map. The name is set in capitals with thin spaces between the letters, as
 * atlases do: Latin, Cyrillic and Armenian alike (Р О С С И Я); a name in a
 * script without capitals as it is written (روسيا). */
static void
spaced_caps(const char *name, int dotted_i, char *out, size_t size)
{
    size_t w = 0;
    char dotted[256];
    if (is_caseless(name)) {
        snprintf(out, size, "%s", name);
        return;
    }
    /* Azerbaijani's i has its dot in capitals: Ermənistan is ERMƏNİSTAN */
    for (size_t i = 0, k = 0; dotted_i && k + 3 < sizeof(dotted); i++) {
        if (name[i] == 'i') {
            memcpy(dotted + k, "\xc4\xb0", 2);   /* İ */
            k += 2;
        } else {
            dotted[k++] = name[i];
        }
        if (!name[i]) {
            name = dotted;
            break;
        }
    }
    /* capitals of every script, not ASCII's alone: Ağdam is AĞDAM, Bakı BAKI */
    char *upper = g_utf8_validate(name, -1, NULL) ? g_utf8_strup(name, -1) : NULL;
    if (upper)
        name = upper;
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
    g_free(upper);
}

/* The box a name in spaced capitals takes at @size_px, estimated from its
 * letters (the base has no layout to measure with; a little over rather than
 * under, so that a name said to fit does). */
static void
caps_box(const char *name, double size_px, double *w, double *h)
{
    size_t letters = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        letters += (*p & 0xC0) != 0x80;
    *w = (double)letters * (is_caseless(name) ? 0.6 : 0.86) * size_px + 4;
    *h = 1.35 * size_px;
}

/* Names the polygons of @group on the map, the largest first and at most
 * @max, each at the roomiest spot of its visible part, where the whole name
 * fits inside it; an area too small or too cut by the map's edge for its
 * name is not named. */
typedef struct area_order {
    size_t path;
    double px2;                  /* the outline's box on the map, square pixels */
} area_order;

static int
compare_area(const void *a, const void *b)
{
    const area_order *x = a, *y = b;
    if (x->px2 != y->px2)
        return x->px2 > y->px2 ? -1 : 1;
    return x->path < y->path ? -1 : x->path > y->path;
}

/* The paths of @group, the largest on the map first, into *@out. */
static cm_status
by_size(const cm_scene_base *b, cm_group group, area_order **out, size_t *n)
{
    const double *r = b->map_rect;
    *n = 0;
    if (!(*out = malloc((b->n_paths + 1) * sizeof(area_order))))
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < b->n_paths; i++) {
        const cm_scene_path *p = &b->paths[i];
        double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
        if (p->group != group)
            continue;
        for (size_t k = 0; k < p->n_points; k++) {
            x0 = fmin(x0, p->xy[2 * k]);
            x1 = fmax(x1, p->xy[2 * k]);
            y0 = fmin(y0, p->xy[2 * k + 1]);
            y1 = fmax(y1, p->xy[2 * k + 1]);
        }
        double w = fmin(x1, r[0] + r[2]) - fmax(x0, r[0]), h = fmin(y1, r[1] + r[3]) - fmax(y0, r[1]);
        (*out)[(*n)++] = (area_order){ i, w > 0 && h > 0 ? w * h : 0 };
    }
    if (*n > 1)
        qsort(*out, *n, sizeof(area_order), compare_area);
    return CM_OK;
}

static cm_status
name_areas(cm_scene_base *b, cm_group group, double size_px, size_t max)
{
    size_t named = 0, n;
    area_order *order = NULL;
    cm_status st = by_size(b, group, &order, &n);
    /* the inset and the scale bar, with the room a label keeps from them */
    const double m = 6, avoid[2][4] = {
        { b->map_rect[0], b->map_rect[1], b->style->margin_px + b->scale_bar_px + m,
          b->style->margin_px + 20 + m },
        { b->inset_rect[0] - m, b->inset_rect[1] - m, b->inset_rect[2] + 2 * m,
          b->inset_rect[3] + 2 * m },
    };
    size_t n_avoid = b->inset_rect[2] > 0 ? 2 : 1;
    for (size_t j = 0; st == CM_OK && j < n && named < max; j++) {
        const cm_scene_path *p = &b->paths[order[j].path];
        const char *name = p->shape ? cm_shape_name(p->shape) : "";
        const char *iso = p->shape && group == CM_GROUP_COUNTRIES
                              ? cm_shape_attr(p->shape, "iso_a2") : NULL;
        char text[128], in_lang[128];
        /* a country in the map's language where the gazetteer has its name */
        if (iso && strcmp(b->lang, "en") != 0 &&
            cm_gazetteer_country_name_in(b->gaz, iso, b->lang, in_lang, sizeof(in_lang)))
            name = in_lang;
        double w, h, x, y;
        if (order[j].px2 <= 0 || !p->is_polygon || !*name)
            continue;
        spaced_caps(name, name == in_lang && strcmp(b->lang, "az") == 0, text, sizeof(text));
        caps_box(name, size_px, &w, &h);
        if (!layout_room_for(p, b->map_rect, avoid, n_avoid, w, h, &x, &y))
            continue;
        if (!CM_GROW(b->countries, b->n_countries, b->cap_countries)) {
            st = CM_ERR_NOMEM;
            break;
        }
        struct cm_country_label *c = &b->countries[b->n_countries++];
        memcpy(c->text, text, sizeof(text));
        c->x = x;
        c->y = y;
        c->is_region = group == CM_GROUP_REGIONS;
        named++;
    }
    free(order);
    return st;
}

/* Region names are for a map of a region, a few hundred kilometres across,
 * where they tell the reader which province a place is in; on a map of a
 * continent they would be a carpet. */
static int
is_regional(const cm_scene_base *b)
{
    return isfinite(km_wide(b)) && km_wide(b) < 1500 && b->width_px >= 900;
}

static cm_status
place_countries(cm_scene_base *b)
{
    const cm_style *st = b->style;
    cm_status s = name_areas(b, CM_GROUP_COUNTRIES, st->label_px + 1, SIZE_MAX);
    if (s == CM_OK && is_regional(b))
        s = name_areas(b, CM_GROUP_REGIONS, st->label_px - 1, 16);
    return s;
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
    if (!CM_GROW(b->inset, b->n_inset, b->cap_inset))
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

/* ---- the base: the region the map is about ------------------------------------ */

/* The region the map is about: of the gazetteer's places of kind "region",
 * the one nearest the middle of the events on the map (their median), if it
 * is within REGION_NEAR_KM of it: a map of Ukraine that shows the Caucasus is
 * not a map of Nagorno-Karabakh. */
#define REGION_NEAR_KM 150.0

static cm_status
pick_region(cm_scene_base *b, const cm_gazetteer *gaz)
{
    size_t n = cm_events_count(b->events), k = 0;
    double best = REGION_NEAR_KM, *lons = malloc((n + 1) * sizeof(double)),
           *lats = malloc((n + 1) * sizeof(double));
    if (!lons || !lats) {
        free(lons);
        free(lats);
        return CM_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        if (layout_inside_rect(b->map_rect, b->event_xy[2 * i], b->event_xy[2 * i + 1], 0)) {
            lons[k] = cm_event_lon(cm_events_get(b->events, i));
            lats[k++] = cm_event_lat(cm_events_get(b->events, i));
        }
    /* the median of each axis (sorted: a selection went quadratic at 100,000) */
    qsort(lons, k, sizeof(double), layout_compare_doubles);
    qsort(lats, k, sizeof(double), layout_compare_doubles);
    double mlon = k ? lons[k / 2] : b->center_lon, mlat = k ? lats[k / 2] : b->center_lat;
    free(lons);
    free(lats);
    for (size_t i = 0; gaz && i < cm_gazetteer_n_places(gaz); i++) {
        const cm_place *p = cm_gazetteer_place(gaz, i);
        if (strcmp(cm_place_kind(p), "region") != 0)
            continue;
        double d = cm_km_between(mlon, mlat, cm_place_lon(p), cm_place_lat(p));
        if (d < best) {
            best = d;
            b->region = p;
        }
    }
    return CM_OK;
}

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
    if (!(b->control_cache = layout_control_cache_create())) {
        free(b);
        return CM_ERR_NOMEM;
    }
    b->width_px = width_px;
    b->height_px = height_px;
    b->style = style;
    b->proj = proj;
    b->events = events;
    b->gaz = gaz;
    snprintf(b->lang, sizeof(b->lang), "en");
    /* West > east: the extent crosses the antimeridian; east runs past 180. */
    double east = bbox_deg[2] < bbox_deg[0] ? bbox_deg[2] + 360 : bbox_deg[2];
    b->center_lon = fmod((bbox_deg[0] + east) / 2 + 540, 360) - 180;
    b->center_lat = (bbox_deg[1] + bbox_deg[3]) / 2;
    cm_extent_near(bbox_deg, b->width_px, b->height_px, b->near_deg);
    memcpy(b->bbox_deg, bbox_deg, sizeof(b->bbox_deg));
    cm_projection_rect(proj, b->map_rect);
    /* Measured once here: PROJ objects are not for the threads that lay out slices. */
    b->scale_bar_m = cm_projection_scale_bar(proj, b->map_rect[0] + style->margin_px,
                                             b->map_rect[1] + style->margin_px + 20,
                                             fmin(200, b->map_rect[2] / 4), &b->scale_bar_px);
    cm_status st = project_layers(b, layers, n_layers);
    if (st == CM_OK)
        st = project_events(b);
    if (st == CM_OK)
        st = pick_places(b, gaz);
    if (st == CM_OK)
        st = layout_note_all_events(b);
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
        st = place_countries(b);
    if (st != CM_OK) {
        cm_scene_base_destroy(b);
        return st;
    }
    *out = b;
    return CM_OK;
}

/* The sides' names in the map's language: a side named after a country
 * ("Azerbaijan", "Russia") is that country as a map in the language writes it,
 * where the world gazetteer has the name ("Азербайджан"); any other side
 * ("Armenian forces") keeps the name the events file gives it. */
static cm_status
name_sides(cm_scene_base *b)
{
    size_t n = cm_events_n_sides(b->events);
    free(b->side_names);
    b->side_names = NULL;
    if (strcmp(b->lang, "en") == 0 || n == 0 || !b->gaz)
        return CM_OK;
    if (!(b->side_names = calloc(n, sizeof(*b->side_names))))
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *name = cm_side_name(cm_events_side(b->events, i));
        char codes[2][3];
        size_t n_codes = 0;
        cm_status st = *name ? cm_gazetteer_countries(b->gaz, name, codes, 2, &n_codes) : CM_OK;
        if (st != CM_OK)
            return st;
        if (n_codes != 1 || !cm_gazetteer_country_name_in(b->gaz, codes[0], b->lang,
                                                          b->side_names[i],
                                                          sizeof(b->side_names[i])))
            snprintf(b->side_names[i], sizeof(b->side_names[i]), "%s", name);
    }
    return CM_OK;
}

const char *
layout_side_name(const cm_scene_base *b, const cm_side *side)
{
    for (size_t i = 0; b->side_names && i < cm_events_n_sides(b->events); i++)
        if (cm_events_side(b->events, i) == side)
            return b->side_names[i];
    return cm_side_name(side);
}

/* The catalogue of @lang's words into *out; NULL for English. */
static cm_status
load_words(cm_catalog **out, const char *lang, const char *data_dir, cm_diag_list *diags)
{
    char path[4096];
    *out = NULL;
    if (!cm_lang_is_known(lang)) {
        cm_diag_error(diags, NULL, "there is no language \"%s\" for the map; use %s", lang,
                      cm_langs_words);
        return CM_ERR_INPUT;
    }
    if (strcmp(lang, "en") == 0)
        return CM_OK;
    if (!cm_data_catalog_path(data_dir, lang, path, sizeof(path))) {
        cm_diag_error(diags, NULL, "cannot find the map's words in \"%s\" (locale/%s.mo in "
                      "the data folder); build conflictmap again, or install it", lang, lang);
        return CM_ERR_IO;
    }
    return cm_catalog_load(out, path, diags);
}

cm_status
layout_base_set_lang(cm_scene_base *b, const char *lang, const char *data_dir,
                     cm_diag_list *diags)
{
    char was[sizeof(b->lang)];
    cm_catalog *words = NULL;
    lang = lang && *lang ? lang : "en";
    cm_status st = load_words(&words, lang, data_dir, diags);
    if (st != CM_OK)
        return st;
    cm_catalog_destroy(b->words);
    b->words = words;
    snprintf(was, sizeof(was), "%s", b->lang);
    snprintf(b->lang, sizeof(b->lang), "%s", lang);
    if (strcmp(was, b->lang) == 0)
        return CM_OK;
    b->n_countries = 0;   /* the countries named again, in this language */
    st = place_countries(b);
    return st == CM_OK ? name_sides(b) : st;
}

cm_status
cm_scene_base_set_lang(cm_scene_base *b, const char *lang)
{
    return layout_base_set_lang(b, lang, NULL, NULL);
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
    cm_catalog_destroy(b->words);
    free(b->side_names);
    layout_control_cache_destroy(b->control_cache);
    free(b);
}
