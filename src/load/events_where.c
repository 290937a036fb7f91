/* An event's location in words, the one text the map's labels, tooltips,
 * alt text and the manifest all say: its place's name, or for an event given
 * only by lon/lat, the place it is at or near ("12 km SE of Kherson"). What a
 * point is named after is the gazetteer's choice (gazetteer_near.c). */
#include "load/events_load.h"
#include "common/memo.h"

#include <stdlib.h>

/* Given by lon/lat and by no name: the events the gazetteer names. */
static int
is_point_only(const cm_event *e)
{
    return !e->place && !(e->place_name && e->place_name[0]) && e->has_lonlat == 3;
}

cm_status
cm_events_name_points(cm_events *ev, const cm_gazetteer *gaz)
{
    size_t n = 0;
    for (size_t i = 0; i < ev->n_events; i++)
        n += is_point_only(&ev->events[i]);
    if (n == 0 || ev->nears)
        return CM_OK;   /* nothing to name, or named already */
    /* A file often gives one point to many events: one look-up each. */
    cm_memo *seen = cm_memo_create(sizeof(size_t), NULL);
    ev->nears = malloc(n * sizeof(*ev->nears));
    cm_status st = seen && ev->nears ? CM_OK : CM_ERR_NOMEM;
    for (size_t i = 0; st == CM_OK && i < ev->n_events; i++) {
        cm_event *e = &ev->events[i];
        double key[2] = { e->lon, e->lat };
        if (!is_point_only(e))
            continue;
        const size_t *known = cm_memo_find(seen, key, sizeof(key));
        if (known) {
            e->near = &ev->nears[*known];
            continue;
        }
        st = cm_gazetteer_near(gaz, e->lon, e->lat, &ev->nears[ev->n_nears]);
        if (st == CM_OK && !cm_memo_add(seen, key, sizeof(key), &ev->n_nears))
            st = CM_ERR_NOMEM;
        if (st == CM_OK)
            e->near = &ev->nears[ev->n_nears++];
    }
    cm_memo_destroy(seen);
    if (st != CM_OK) {   /* as before: every event unnamed */
        for (size_t i = 0; i < ev->n_events; i++)
            ev->events[i].near = NULL;
        free(ev->nears);
        ev->nears = NULL;
        ev->n_nears = 0;
    }
    return st;
}

const cm_near *
cm_event_near(const cm_event *e)
{
    return e->near;
}

const char *
cm_event_where(const cm_event *e, const char *lang, char *buf, size_t size)
{
    if (e->place)
        return cm_place_name_in(e->place, lang);
    if (e->place_name && e->place_name[0])
        return e->place_name;
    return cm_near_words(e->near, e->lon, e->lat, lang, buf, size);
}
