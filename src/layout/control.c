/* Control state: regions shaded for the side that holds them, and a square
 * on each controlled place on the map. Who holds what is the slice's to say. */
#include "layout/layout.h"
#include "load/control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "1,936": @km2 rounded, with thousands separated. */
static void
thousands(double km2, char *buf, size_t size)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", km2);
    size_t n = strlen(digits), k = 0;
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
}

/* Each side's km² of the territory, what changed since the previous slice,
 * and the change in words. */
static void
measure(layout *L, layout_territory *t)
{
    cm_scene *sc = L->sc;
    const cm_events *ev = L->b->events;
    size_t n_sides = cm_events_n_sides(ev), n;
    const layout_territory_area *ta = layout_territory_areas(t, &n);
    int changed = sc->previous && sc->previous->territory != t;
    sc->km2 = calloc(n_sides ? n_sides : 1, sizeof(*sc->km2));
    if (!sc->km2) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    for (size_t s = 0; s < n_sides; s++) {
        const char *code = cm_side_code(cm_events_side(ev, s));
        struct cm_scene_km2 *k = &sc->km2[s];
        for (size_t i = 0; i < n; i++) {
            if (strcmp(ta[i].side, code) != 0)
                continue;
            if (ta[i].kind == LAYOUT_TERRITORY_GAINED && changed)
                k->gained += ta[i].km2;
            if (ta[i].kind == LAYOUT_TERRITORY_LOST && changed)
                k->lost += ta[i].km2;
            if (ta[i].kind != LAYOUT_TERRITORY_AREA)
                continue;
            if (ta[i].status == CM_CONTROL_CONTROLLED)
                k->held += ta[i].km2;
            else if (ta[i].status == CM_CONTROL_CLAIMED)
                k->claimed += ta[i].km2;
            else
                k->contested += ta[i].km2;
        }
        const cm_scene *prev = sc->previous;
        k->change = k->held - (prev && prev->km2 ? prev->km2[s].held : 0);
    }
    if (!sc->previous)
        return;
    sc->has_previous = 1;
    sc->previous_time = cm_slice_time(sc->previous->slice);
    char words[512] = "", when[LAYOUT_TIME_BUF], num[32], all[640];
    layout_short_time(L->b, sc->previous_time, when);
    for (size_t s = 0; s < n_sides; s++) {
        int gained = sc->km2[s].gained >= 0.5, lost = sc->km2[s].lost >= 0.5;
        if (!gained && !lost)
            continue;
        size_t len = strlen(words);
        char num2[32];
        thousands(gained ? sc->km2[s].gained : sc->km2[s].lost, num, sizeof num);
        thousands(sc->km2[s].lost, num2, sizeof num2);
        const cm_side *side = cm_events_side(ev, s);
        const char *name = layout_side_name(L->b, side);
        name = name && *name ? name : cm_side_code(side);
        if (len)
            snprintf(words + len, sizeof words - len, "%s", layout_w(L->b, "; "));
        len = strlen(words);
        if (gained && lost)   /* one side alone holds areas (territory.c) */
            snprintf(words + len, sizeof words - len,
                     layout_w(L->b, "%s gained %s km² and lost %s km²"), name, num, num2);
        else
            snprintf(words + len, sizeof words - len,
                     gained ? layout_w(L->b, "%s gained %s km²")
                            : layout_w(L->b, "%s lost %s km²"),
                     name, num);
    }
    if (!words[0])
        return;
    snprintf(all, sizeof all, layout_w(L->b, "%s since %s."), words, when);
    sc->change_words = strdup(all);
    if (!sc->change_words)
        L->status = CM_ERR_NOMEM;
}

/* The slice's territory (territory.c) as areas to draw: each side's held
 * areas, then contested, then claimed over them; what changed hands since the
 * previous slice (only when the state changed), and the front lines on top. */
void
layout_areas(layout *L)
{
    layout_territory *t = layout_territory_of(L);
    cm_scene *sc = L->sc;
    sc->territory = t;
    if (!t)
        return;
    int changed = sc->previous && sc->previous->territory != t;
    size_t n;
    const layout_territory_area *ta = layout_territory_areas(t, &n);
    measure(L, t);
    static const int order[][2] = {
        { LAYOUT_TERRITORY_AREA, CM_CONTROL_CONTROLLED },
        { LAYOUT_TERRITORY_AREA, CM_CONTROL_CONTESTED },
        { LAYOUT_TERRITORY_AREA, CM_CONTROL_CLAIMED },
        { LAYOUT_TERRITORY_GAINED, CM_CONTROL_CONTROLLED },
        { LAYOUT_TERRITORY_LOST, CM_CONTROL_CONTROLLED },
        { LAYOUT_TERRITORY_FRONT, CM_CONTROL_CONTROLLED },
    };
    for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++)
        for (size_t i = 0; i < n; i++) {
            const layout_territory_area *a = &ta[i];
            if (a->kind != order[o][0] || a->status != order[o][1] || a->path.n_parts == 0 ||
                ((a->kind == LAYOUT_TERRITORY_GAINED || a->kind == LAYOUT_TERRITORY_LOST) &&
                 !changed))
                continue;
            if (!CM_GROW(sc->areas, sc->n_areas, sc->cap_areas)) {
                L->status = CM_ERR_NOMEM;
                return;
            }
            cm_rgba c = layout_side_color(L->b->events, a->side, L->st->neutral);
            c.a = a->status == CM_CONTROL_CONTESTED ? 0.12 : 0.28;
            if (a->kind == LAYOUT_TERRITORY_FRONT)
                c = (cm_rgba){ L->st->text.r, L->st->text.g, L->st->text.b, 0.85 };
            else if (a->kind == LAYOUT_TERRITORY_GAINED)
                c.a = 0.30;
            else if (a->kind == LAYOUT_TERRITORY_LOST)   /* to no side the map knows */
                c = (cm_rgba){ L->st->neutral.r, L->st->neutral.g, L->st->neutral.b, 0.30 };
            sc->areas[sc->n_areas++] = (cm_scene_area){
                0, &a->path, a->side, c, a->status == CM_CONTROL_CLAIMED,
                a->status == CM_CONTROL_CONTESTED, a->kind == LAYOUT_TERRITORY_FRONT,
                a->kind == LAYOUT_TERRITORY_GAINED || a->kind == LAYOUT_TERRITORY_LOST,
                a->kind == LAYOUT_TERRITORY_LOST };
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
