/* Places off the map: an arrow at the map's edge pointing toward each, with
 * its name and distance, kept where it was on the previous slice. */
#include "layout/layout.h"

#include <stdio.h>
#include <stdlib.h>

static double
distance_km(double lon1, double lat1, double lon2, double lat2)
{
    double r = M_PI / 180, dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * 6371.0088 * asin(fmin(1, sqrt(a)));
}

static void
format_km(const cm_scene_base *b, double km, char *buf, size_t size)
{
    long v = km >= 100 ? lround(km / 10) * 10 : lround(km);
    char num[32];
    if (v >= 1000)   /* the thousands apart as the language writes them: "1,220", "1 220" */
        snprintf(num, sizeof(num), "%ld%s%03ld", v / 1000, layout_w(b, ","), v % 1000);
    else
        snprintf(num, sizeof(num), "%ld", v);
    snprintf(buf, size, layout_w(b, "%s km"), num);
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
    if (!layout_box_free(L, bx))
        return 0;
    for (size_t i = 0; prev && i < prev->n_markers; i++) {
        const cm_scene_marker *m = &prev->markers[i];
        box mb = { m->x - m->r - 2, m->y - m->r - 2, 2 * m->r + 4, 2 * m->r + 4 };
        if (m->is_offmap && !same_place(m->event, lon, lat) && layout_overlaps(bx, mb))
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
    cm_scene_label *lb = layout_add_label(L, text, CM_GROUP_LABELS, L->st->label_px, is_new, 0,
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
        if (!layout_inside_rect(rc, cx, cy, r + 2) || !edge_spot_free(L, en->x, en->y, mb))
            continue;
        if (!have_spot) {
            *x = cx;
            *y = cy;
            have_spot = 1;
        }
        layout_add_obstacle(L, mb);   /* the label must not cover its own arrow */
        if (layout_place_label(L, lb, cx, cy, r, LABEL_EDGE)) {
            *x = cx;
            *y = cy;
            return;
        }
        layout_pop_obstacle(L);
    }
    layout_note_dropped(L, text);
    free(lb->text);
    L->sc->n_labels--;
}

void
layout_off_map(layout *L, const entry *off, size_t n_off)
{
    double r = L->st->marker_px;
    char buf[160], dist[32], text[256];

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
        format_km(L->b, distance_km(L->b->center_lon, L->b->center_lat, off[i].x, off[i].y), dist,
                  sizeof(dist));
        /* The left-to-right mark keeps an Arabic name and its distance apart;
         * on a right-to-left map, the right-to-left mark a Latin one */
        snprintf(text, sizeof(text), "%s%s %s",
                 layout_where(L->b, newest, buf, sizeof(buf)),
                 layout_is_rtl(L) ? "\xe2\x80\x8f" : "\xe2\x80\x8e", dist);
        place_edge(L, &off[i], text, newest, is_new, &x, &y, angle);
        cm_scene_marker *m = layout_add_marker(L, CM_GROUP_EVENTS, newest, x, y, r);
        if (m) {
            m->symbol = CM_SYM_ARROW;
            m->angle = angle;
            m->fill = layout_side_color(L->b->events, cm_event_claimed_by(newest), L->st->neutral);
            m->stroke = layout_white;
            m->stroke_px = 1.2;
            m->is_offmap = 1;
            m->is_new = is_new;
        }
        for (size_t k = i; k < j; k++)
            layout_add_position(L, off[k].event, x, y);
        layout_add_obstacle(L, (box){ x - r - 2, y - r - 2, 2 * r + 4, 2 * r + 4 });
        i = j;
    }
}
