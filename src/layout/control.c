/* Control state: regions shaded for the side that holds them, and a square
 * on each controlled place on the map. Who holds what is the slice's to say. */
#include "layout/layout.h"

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
        path, c, by && strcmp(cm_event_status(by), "confirmed") != 0 };
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
