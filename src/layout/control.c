/* Control state: regions shaded for the side that holds them, and a square
 * on each controlled place on the map. Who holds what is the slice's to say. */
#include "layout/layout.h"
#include "load/control.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Regions whose name is the name of a controlled place or area are shaded in
 * the holder's colour; hatched while the change that gave it is not confirmed
 * (claimed, or disputed: a denied claim must not look surer than a claim).
 * Region names are keyed once per run (key_regions), the control names once
 * per slice, so a slice costs string compares only. */
int
layout_region_named(const cm_scene_path *p, const char *key)
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
    if (!CM_GROW(sc->areas, sc->n_areas, sc->cap_areas)) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    cm_rgba c = layout_side_color(L->b->events, side, L->st->neutral);
    c.a = 0.28;
    sc->areas[sc->n_areas++] = (cm_scene_area){
        path, NULL, side, c, by && strcmp(cm_event_status(by), "confirmed") != 0, 0 };
}

/* Control feature @f projected into a path of its own; NULL when it is not
 * near the map (or out of memory: L->status says). */
static cm_scene_path *
project_feature(layout *L, const cm_control *c, const cm_control_feature *f)
{
    const double *near = L->b->near_deg;
    size_t p0 = c->ring_start[f->first_ring], p1 = c->ring_start[f->first_ring + f->n_rings];
    double w = INFINITY, s = INFINITY, e = -INFINITY, n = -INFINITY;
    for (size_t i = p0; i < p1; i++) {
        w = fmin(w, c->lonlat[2 * i]);
        e = fmax(e, c->lonlat[2 * i]);
        s = fmin(s, c->lonlat[2 * i + 1]);
        n = fmax(n, c->lonlat[2 * i + 1]);
    }
    if (near[2] > near[0] && (e < near[0] || w > near[2] || n < near[1] || s > near[3]))
        return NULL;
    cm_scene_path *p = calloc(1, sizeof(*p));
    if (p) {
        p->xy = malloc((p1 - p0) * 2 * sizeof(double));
        p->part_start = malloc((f->n_rings + 1) * sizeof(size_t));
    }
    if (!p || !p->xy || !p->part_start) {
        if (p) {
            free(p->xy);
            free(p->part_start);
        }
        free(p);
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    p->group = CM_GROUP_CONTROL;
    p->is_polygon = 1;
    for (size_t r = 0; r < f->n_rings; r++) {
        size_t a = c->ring_start[f->first_ring + r], b = c->ring_start[f->first_ring + r + 1];
        double *xy = p->xy + 2 * p->n_points;
        memcpy(xy, c->lonlat + 2 * a, (b - a) * 2 * sizeof(double));
        cm_projection_forward(L->b->proj, xy, b - a);
        size_t k = 0;
        for (size_t i = 0; i < b - a; i++)
            if (isfinite(xy[2 * i]) && isfinite(xy[2 * i + 1])) {
                xy[2 * k] = xy[2 * i];
                xy[2 * k + 1] = xy[2 * i + 1];
                k++;
            }
        if (k < 3)
            continue;
        p->part_start[p->n_parts++] = p->n_points;
        p->n_points += k;
    }
    p->part_start[p->n_parts] = p->n_points;
    return p;
}

/* The areas of the control layers valid at the slice's moment, controlled
 * first, then contested, then claimed over them. */
static void
layout_control_layers(layout *L)
{
    const cm_control *c = L->b->control;
    cm_time t = cm_slice_time(L->sc->slice);
    static const cm_control_status order[] = { CM_CONTROL_CONTROLLED, CM_CONTROL_CONTESTED,
                                               CM_CONTROL_CLAIMED };
    for (size_t o = 0; c && o < 3 && L->status == CM_OK; o++)
        for (size_t i = 0; i < c->n_features && L->status == CM_OK; i++) {
            const cm_control_feature *f = &c->features[i];
            if (f->status != order[o] || !cm_control_valid_at(f, t))
                continue;
            cm_scene_path *p = project_feature(L, c, f);
            if (!p)
                continue;
            cm_scene *sc = L->sc;
            if (p->n_parts == 0 || !CM_GROW(sc->areas, sc->n_areas, sc->cap_areas)) {
                L->status = p->n_parts ? CM_ERR_NOMEM : L->status;
                free(p->xy);
                free(p->part_start);
                free(p);
                continue;
            }
            cm_rgba col = layout_side_color(L->b->events, f->side, L->st->neutral);
            col.a = f->status == CM_CONTROL_CONTESTED ? 0.12 : 0.28;
            sc->areas[sc->n_areas++] = (cm_scene_area){
                0, p, f->side, col, f->status == CM_CONTROL_CLAIMED,
                f->status == CM_CONTROL_CONTESTED };
        }
}

void
layout_areas(layout *L)
{
    const cm_slice *sl = L->sc->slice;
    for (size_t i = 0; i < cm_slice_n_control(sl) && L->status == CM_OK; i++) {
        const char *name, *side;
        const cm_event *by;
        if (!cm_slice_control_is_area(sl, i))
            continue;
        cm_slice_control_at(sl, i, &name, &side, &by);
        char *key = cm_name_key(name);
        if (!key) {
            L->status = CM_ERR_NOMEM;
            return;
        }
        for (size_t k = 0; *key && k < L->b->n_paths && L->status == CM_OK; k++)
            if (L->b->paths[k].is_polygon && layout_region_named(&L->b->paths[k], key))
                shade_area(L, k, side, by);
        free(key);
    }
    layout_control_layers(L);
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

void
layout_control(layout *L)
{
    const cm_slice *sl = L->sc->slice;
    for (size_t i = 0; i < cm_slice_n_control(sl) && L->status == CM_OK; i++) {
        const char *name, *side;
        const cm_event *by;
        double xy[2];
        if (cm_slice_control_is_area(sl, i))
            continue;   /* shaded by layout_areas, not marked */
        cm_slice_control_at(sl, i, &name, &side, &by);
        if (!control_lonlat(L, i, &xy[0], &xy[1]))
            continue;
        cm_projection_forward(L->b->proj, xy, 1);
        if (!layout_inside_rect(L->b->map_rect, xy[0], xy[1], 4))
            continue;
        cm_scene_marker *m = layout_add_marker(L, CM_GROUP_CONTROL, by, xy[0], xy[1], 4.5);
        if (!m)
            return;
        m->event = NULL;
        m->symbol = CM_SYM_SQUARE;
        m->fill = layout_side_color(L->b->events, side, L->st->neutral);
        m->stroke = layout_white;
        m->stroke_px = 1;
        if (by && strcmp(cm_event_status(by), "claimed") == 0) {
            m->stroke = m->fill;
            m->fill = layout_white;
            m->stroke_px = 1.6;
        }
        layout_add_obstacle(L, (box){ xy[0] - 6, xy[1] - 6, 12, 12 });
    }
}
