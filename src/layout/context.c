/* Context: the country names and the towns and waters that give a reader
 * their bearings, placed last, where the story's labels left room. */
#include "layout/layout.h"

#include <math.h>
#include <string.h>

/* Country names only where there is room for them: not on phone-sized maps. */
void
layout_countries(layout *L)
{
    for (size_t i = 0; L->b->width_px >= 900 && i < L->b->n_countries && L->status == CM_OK;
         i++)
        if (!L->b->countries[i].is_region)
            layout_label_area(L, L->b->countries[i].text, L->b->countries[i].x,
                              L->b->countries[i].y, L->st->label_px + 1, 0, 0,
                              L->st->country_text);
}

/* Region names last, smaller and fainter than the countries', in the room the
 * story's labels and the towns left: they fill, never crowd. */
void
layout_regions(layout *L)
{
    cm_rgba faint = L->st->country_text;
    faint.a *= 0.8;
    for (size_t i = 0; i < L->b->n_countries && L->status == CM_OK; i++)
        if (L->b->countries[i].is_region)
            layout_label_area(L, L->b->countries[i].text, L->b->countries[i].x,
                              L->b->countries[i].y, L->st->label_px - 1, 0, 0, faint);
}

/* What is drawn on a context town at (@x, @y): 2 an event (whose label names
 * the place), 1 only the square of the side holding it, 0 nothing. */
static int
drawn_on(const layout *L, double x, double y)
{
    int what = 0;
    for (size_t i = 0; i < L->sc->n_markers; i++) {
        const cm_scene_marker *m = &L->sc->markers[i];
        double mx = m->x, my = m->y;
        if (m->group == CM_GROUP_EVENTS && m->event) {   /* on a ring around its place */
            const double *xy = &L->b->event_xy[2 * cm_event_index(m->event)];
            mx = layout_spot(xy[0]);
            my = layout_spot(xy[1]);
        }
        if (fabs(mx - x) > 1 || fabs(my - y) > 1)
            continue;
        if (m->group == CM_GROUP_EVENTS)
            return 2;
        what |= m->group == CM_GROUP_CONTROL;
    }
    return what;
}

/* Context places by importance: capitals bold with a square, cities, then
 * towns smaller; waters in italics with no symbol. A town marked for the
 * side that holds it is named beside its square, with no dot of its own. A
 * town that has events in the run is named as far from it as their markers
 * reach, where their label will be: the name stays put when the first comes. */
void
layout_context(layout *L)
{
    const cm_style *st = L->st;
    for (size_t i = 0; i < L->b->n_places && L->status == CM_OK; i++) {
        const context_place *cp = &L->b->places[i];
        const char *kind = cm_place_kind(cp->place);
        double dot = st->place_dot_px + 2;
        if (strcmp(kind, "water") == 0) {
            layout_label_area(L, cm_place_name_in(cp->place, L->b->lang), cp->x, cp->y,
                              st->label_px, 0, 1, st->water_text);
            continue;
        }
        int held = 0;
        if (!layout_box_free(L, (box){ cp->x - dot, cp->y - dot, 2 * dot, 2 * dot }) &&
            !(held = drawn_on(L, cp->x, cp->y) == 1))
            continue;
        int capital = strcmp(kind, "capital") == 0, city = strcmp(kind, "city") == 0;
        size_t before = L->sc->n_labels;
        layout_label_point(L, cm_place_name_in(cp->place, L->b->lang), NULL, cp->x, cp->y,
                           cp->room_px > 0 ? cp->room_px : held ? 6 : st->place_dot_px + 1,
                           capital ? st->label_px + 1 : city ? st->label_px : st->label_px - 1,
                           capital, capital ? st->text : st->text_muted,
                           cp->room_px > 0 ? LABEL_PLACE : LABEL_CONTEXT);
        if (L->sc->n_labels == before || held)
            continue;   /* no room for its name: leave the dot out too */
        cm_scene_marker *m = layout_add_marker(L, CM_GROUP_PLACES, NULL, cp->x, cp->y,
                                               capital ? st->place_dot_px + 1 : st->place_dot_px);
        if (!m)
            return;
        m->symbol = capital ? CM_SYM_SQUARE : CM_SYM_CIRCLE;
        m->fill = capital ? st->text : st->text_muted;
        m->stroke = layout_white;
        m->stroke_px = 0.8;
        layout_add_obstacle(L, (box){ cp->x - 4, cp->y - 4, 8, 8 });
    }
}
