/* The events on the map: their markers, clustered per place and painted for
 * side, kind and status, and their labels, new control changes said in words.
 * Events off the map are offmap.c's. */
#include "layout/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cm_symbol
layout_symbol_for(const char *kind)
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

/* Reported events (the default, which claims no verification) are solid,
 * confirmed ones solid with a dark edge, claimed ones hollow (a ring in the
 * side's colour), disputed ones solid but pale: a reader sees at once which
 * is which. */
static void
paint_marker(layout *L, cm_scene_marker *m, const cm_event *e, cm_event_state state)
{
    const char *side = cm_event_control_to(e) ? cm_event_control_to(e)
                                              : cm_event_claimed_by(e);
    cm_rgba c = layout_side_color(L->b->events, side, L->st->neutral);
    const char *status = cm_event_status(e);

    m->symbol = layout_symbol_for(cm_event_kind(e));
    m->fill = c;
    m->stroke = layout_white;
    m->stroke_px = 1.5;
    if (strcmp(status, "claimed") == 0) {
        m->fill = layout_white;
        m->stroke = c;
        m->stroke_px = 2.5;
    } else if (strcmp(status, "disputed") == 0) {
        m->fill.a = 0.45;
        m->stroke = c;
        m->stroke_px = 1.5;
    } else if (strcmp(status, "confirmed") == 0) {
        m->stroke = L->st->text;
        m->stroke_px = 2;
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

/* Events at one place share it: the markers are spread on a small ring so
 * that each stays visible, the newest drawn last (on top). */
static void
layout_group(layout *L, const cm_event *const *evs, const cm_event_state *states, size_t n,
             double x, double y)
{
    double r0 = L->st->marker_px, ring = layout_ring_px(n, r0);
    for (size_t k = 0; k < n; k++) {
        double a = n > 1 ? -M_PI / 2 + 2 * M_PI * (double)k / (double)n : 0;
        cm_scene_marker *m = layout_add_marker(L, CM_GROUP_EVENTS, evs[k], x + ring * cos(a),
                                               y + ring * sin(a), r0);
        if (m)
            paint_marker(L, m, evs[k], states[k]);
    }
    layout_add_obstacle(L, (box){ x - ring - r0 - 2, y - ring - r0 - 2, 2 * (ring + r0 + 2),
                                  2 * (ring + r0 + 2) });
}

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

/* The slice's events split into those on the map and those off it, each list
 * sorted by place so that events at one place are neighbours. */
cm_status
layout_collect(layout *L, entry **on, size_t *n_on, entry **off, size_t *n_off)
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
        entry en = { e, state, layout_spot(xy[0]), layout_spot(xy[1]), k };
        if (layout_inside_rect(L->b->map_rect, xy[0], xy[1], 4)) {
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

int
layout_group_rank(const group *g)
{
    return (g->has_new ? 0 : 2) + (g->has_control ? 0 : 1);
}

static int
compare_groups(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    if (layout_group_rank(a) != layout_group_rank(b))
        return layout_group_rank(a) - layout_group_rank(b);
    cm_time ta = cm_event_time(a->label_event), tb = cm_event_time(b->label_event);
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return cm_event_index(a->label_event) < cm_event_index(b->label_event) ? -1 : 1;
}

/* ---- clusters: where no reader can tell the markers apart ------------------------------ */

/* The number of events inside a cluster's circle: "7", "1.2k", "12k". */
static void
layout_count_label(layout *L, const cm_scene_marker *m)
{
    char text[32];
    if (m->count < 1000)
        snprintf(text, sizeof(text), "%zu", m->count);
    else if (m->count < 10000)
        snprintf(text, sizeof(text), "%.1fk", (double)m->count / 1000);
    else
        snprintf(text, sizeof(text), "%zuk", m->count / 1000);
    cm_scene_label *lb = layout_add_label(L, text, CM_GROUP_LABELS, L->st->note_px * 0.9, 1, 0,
                                          layout_white);
    if (!lb)
        return;
    lb->anchor = CM_ANCHOR_MIDDLE;
    lb->x = m->x - lb->w / 2;
    lb->y = m->y - lb->h / 2;
}

/* How the events of a cell of a dense map are drawn as one numbered circle. */
static void
layout_cluster(layout *L, const entry *on, const group *gs, const size_t *idx, size_t n_idx,
               double cx, double cy)
{
    size_t n_events = 0;
    int is_new = 0;
    const char *side = NULL;
    int one_side = 1;
    for (size_t k = 0; k < n_idx; k++) {
        const group *g = &gs[idx[k]];
        n_events += g->n;
        for (size_t j = g->first; j < g->first + g->n; j++) {
            const cm_event *e = on[j].event;
            const char *s = cm_event_control_to(e) ? cm_event_control_to(e)
                                                   : cm_event_claimed_by(e);
            is_new |= on[j].state == CM_EVENT_NEW;
            if (j == gs[idx[0]].first && k == 0)
                side = s;
            else if ((s == NULL) != (side == NULL) || (s && strcmp(s, side) != 0))
                one_side = 0;
        }
    }
    double r = layout_cluster_radius(L->st, n_events);
    cm_scene_marker *m = layout_add_marker(L, CM_GROUP_EVENTS, on[gs[idx[0]].first].event, cx,
                                           cy, r);
    if (!m)
        return;
    m->symbol = CM_SYM_CIRCLE;
    m->fill = one_side ? layout_side_color(L->b->events, side, L->st->neutral) : L->st->neutral;
    m->fill.a = 0.9;
    m->stroke = layout_white;
    m->stroke_px = 1.5;
    m->is_new = is_new;
    m->count = n_events;
    layout_add_obstacle(L, (box){ cx - r - 2, cy - r - 2, 2 * r + 4, 2 * r + 4 });
    for (size_t k = 0; k < n_idx; k++)
        for (size_t j = gs[idx[k]].first; j < gs[idx[k]].first + gs[idx[k]].n; j++)
            layout_add_position(L, on[j].event, cx, cy);
    layout_count_label(L, m);
}

static int
compare_cells(const void *pa, const void *pb)
{
    const size_t *a = pa, *b = pb;
    return a[0] != b[0] ? (a[0] > b[0]) - (a[0] < b[0]) : (a[1] > b[1]) - (a[1] < b[1]);
}

/* Markers for the events on the map, one small cluster per place; returns the
 * places in label priority order (new control changes first). On a map with
 * more than LAYOUT_CLUSTER_SPOTS places, the places that share a cell of a
 * grid over the map are one numbered circle at the cell's centre (the grid is
 * the same on every slice, so a circle does not wander as events arrive); a
 * place alone in its cell keeps its own markers and label. */
group *
layout_on_map(layout *L, entry *on, size_t n_on, size_t *n_groups)
{
    group *groups = malloc((n_on + 1) * sizeof(group));
    const cm_event **evs = malloc((n_on + 1) * sizeof(*evs));
    cm_event_state *states = malloc((n_on + 1) * sizeof(*states));
    size_t n_all = 0, (*cells)[2] = NULL;
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
            g.has_new |= on[j].state == CM_EVENT_NEW;
            g.has_control |= cm_event_control_to(on[j].event) != NULL;
            g.label_event = on[j].event;   /* the newest names the place */
        }
        g.n = j - i;
        groups[n_all++] = g;
        i = j;
    }
    /* dense: each place's cell, and the places sorted by cell */
    double cell = layout_cluster_cell_px(L->st);
    const double *rc = L->b->map_rect;
    size_t per_row = (size_t)(rc[2] / cell) + 2;
    if (n_all > LAYOUT_CLUSTER_SPOTS && (cells = malloc(n_all * sizeof(*cells))) != NULL) {
        for (size_t k = 0; k < n_all; k++) {
            size_t cxi = (size_t)fmax(0, floor((groups[k].x - rc[0]) / cell));
            size_t cyi = (size_t)fmax(0, floor((groups[k].y - rc[1]) / cell));
            cells[k][0] = cyi * per_row + cxi;
            cells[k][1] = k;
        }
        qsort(cells, n_all, sizeof(*cells), compare_cells);
    } else if (n_all > LAYOUT_CLUSTER_SPOTS) {
        L->status = CM_ERR_NOMEM;
    }
    size_t *idx = cells ? malloc(n_all * sizeof(*idx)) : NULL;
    group *kept = cells ? malloc(n_all * sizeof(*kept)) : groups;   /* places not in a circle */
    if (cells && (!idx || !kept))
        L->status = CM_ERR_NOMEM;
    for (size_t c = 0; c < n_all && L->status == CM_OK;) {
        size_t d = c, n_idx = 0;
        if (cells)
            for (; d < n_all && cells[d][0] == cells[c][0]; d++)
                idx[n_idx++] = cells[d][1];
        else
            d = c + 1;
        if (n_idx > 1) {
            double cx = rc[0] + ((double)(cells[c][0] % per_row) + 0.5) * cell;
            double cy = rc[1] + ((double)(cells[c][0] / per_row) + 0.5) * cell;
            layout_cluster(L, on, groups, idx, n_idx, cx, cy);
            c = d;
            continue;
        }
        group g = groups[cells ? cells[c][1] : c];
        for (size_t j = g.first; j < g.first + g.n; j++) {
            evs[j - g.first] = on[j].event;
            states[j - g.first] = on[j].state;
        }
        size_t first_marker = L->sc->n_markers;
        layout_group(L, evs, states, g.n, g.x, g.y);
        for (size_t k = first_marker; k < L->sc->n_markers; k++)
            layout_add_position(L, L->sc->markers[k].event, L->sc->markers[k].x,
                                L->sc->markers[k].y);
        kept[(*n_groups)++] = g;   /* without cells, in place: never past the one read */
        c = d;
    }
    if (kept && kept != groups) {
        memcpy(groups, kept, *n_groups * sizeof(group));
        free(kept);
    }
    free(idx);
    free(cells);
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

const char *
layout_where(const cm_scene_base *b, const cm_event *e, char *buf, size_t size)
{
    static const char *const points[8] = {
        /* TRANSLATORS: compass points, as in "10 km E of Stepanakert" */
        CM_N_("N"), CM_N_("NE"), CM_N_("E"), CM_N_("SE"),
        CM_N_("S"), CM_N_("SW"), CM_N_("W"), CM_N_("NW")
    };
    const cm_near *near = cm_event_near(e);
    if (!b->words || cm_event_place(e) || *cm_event_place_name(e) || !near || !near->place ||
        near->is_at)
        return cm_event_where(e, b->lang, buf, size);
    const char *point = cm_compass_point(near->bearing_deg);
    for (size_t i = 0; i < 8; i++)
        if (strcmp(point, points[i]) == 0)
            point = layout_w(b, points[i]);
    char km[32];
    snprintf(km, sizeof(km), "%ld", lround(near->km));
    snprintf(buf, size, layout_w(b, "%s km %s of %s"), km, point,
             cm_place_name_in(near->place, b->lang));
    return buf;
}

const char *
layout_took_words(const cm_scene_base *b, const char *status, int plural)
{
    /* TRANSLATORS: "it" or "they" is the side: a name in the plural ("Armenian
     * forces") takes the verb in the plural where the language says so */
    if (strcmp(status, "confirmed") == 0)
        return plural ? layout_wp(b, "they", "%s took %s") : layout_wp(b, "it", "%s took %s");
    if (strcmp(status, "reported") == 0)
        return plural ? layout_wp(b, "they", "%s reportedly took %s")
                      : layout_wp(b, "it", "%s reportedly took %s");
    return plural ? layout_wp(b, "they", "%s say they took %s")
                  : layout_wp(b, "it", "%s says it took %s");
}

const char *
layout_where_taken(const cm_scene_base *b, const cm_event *e, char *buf, size_t size)
{
    const cm_near *near = cm_event_near(e);
    if (cm_event_place(e) || !near || near->is_at) {
        const char *w = layout_where(b, e, buf, size);
        return w;
    }
    char words[160];
    snprintf(buf, size, layout_w(b, "positions %s"), layout_where(b, e, words, sizeof(words)));
    return buf;
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
    const char *who = side ? layout_side_name(L->b, side) : cm_event_control_to(e);
    const char *status = cm_event_status(e);
    char where[160], more[64] = "", clock[CM_TIME_BUF];
    size_t len = strlen(who);
    int plural = len > 1 && who[len - 1] == 's';   /* "Armenian forces say they took" */

    if (n >= 3 && lead != e)
        return 0;
    const cm_scene_base *b = L->b;
    const char *place = layout_where_taken(b, e, where, sizeof(where));
    char places[256], said[400];
    if (n >= 3)
        snprintf(more, sizeof(more), layout_wn(b, " and %zu other place", " and %zu other places",
                                               n - 1), n - 1);
    snprintf(places, sizeof(places), "%s%s", place, more);
    cm_time_format_clock(cm_event_time(e), clock);
    if (strcmp(status, "disputed") == 0)
        snprintf(said, sizeof(said), layout_w(b, "%s: control disputed"), places);
    else
        snprintf(said, sizeof(said), layout_took_words(b, status, plural), who, places);
    snprintf(buf, size, "%s \xc2\xb7 %s", said, clock);
    return 1;
}

void
layout_label_groups(layout *L, const group *groups, size_t n_groups)
{
    char buf[160], callout[512];
    for (size_t i = 0; i < n_groups && L->status == CM_OK; i++) {
        const group *g = &groups[i];
        const cm_event *e = g->label_event;
        double reach = layout_event_reach(L->st);
        const char *text = layout_where(L->b, e, buf, sizeof(buf));
        int is_callout = g->has_new && cm_event_control_to(e) &&
                         cm_event_time(e) == cm_slice_time(L->sc->slice) &&
                         callout_text(L, e, callout, sizeof(callout));
        layout_label_point(L, is_callout ? callout : text, e, g->x, g->y, reach,
                           g->has_new ? L->st->label_event_px : L->st->label_px, g->has_new,
                           L->st->text, LABEL_EVENT);
    }
}
