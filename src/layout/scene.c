/* Laying a slice out: the base (layers projected once, context places), then
 * per slice the frame, the control state, the event markers, edge markers for
 * places off the map, and labels placed so that none overlaps another. The
 * backends draw what is here and decide nothing. */
#include "layout/layout.h"
#include "common/memo.h"
#include "geo/clip.h"
#include "geo/simplify.h"

#include <ctype.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- laying out: legend and the latest reports ---------------------------------------------- */

/* ---- the legend: only what this slice shows ---------------------------------------- */

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
    cm_scene_label *lb = layout_add_label(L, text, CM_GROUP_LEGEND, L->st->note_px, 0, 0,
                                          L->st->text);
    cm_scene_marker *m = lb ? layout_add_marker(L, CM_GROUP_LEGEND, NULL,
                                                lg->x0 + lg->pad + lg->sw / 2, y + lg->row / 2,
                                                lg->sw / 2) : NULL;
    if (!m)
        return NULL;
    lb->x = lg->x0 + lg->pad + lg->sw + 6;
    lb->y = y + (lg->row - lb->h) / 2;
    m->fill = L->st->neutral;
    m->stroke = layout_white;
    m->stroke_px = 1;
    lg->n_rows++;
    return m;
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
            m->fill = layout_side_color(ev, cm_side_code(cm_events_side(ev, i)), L->st->neutral);
        }
    }
    for (size_t k = 0; k < sizeof(layout_kind_words) / sizeof(layout_kind_words[0]); k++) {
        cm_scene_marker *m = p->kinds[k] ? legend_row(lg, layout_kind_words[k].words) : NULL;
        if (m)
            m->symbol = layout_symbol_for(layout_kind_words[k].kind);
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
        m->fill = layout_white;
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
void
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
        layout_note_present(L->b->events, e, state, &now);
    }
    legend_rows(L, &lg, &all, &w_all, &h_all);
    drop_from(L, first_label, first_marker);
    legend_rows(L, &lg, &now, &w, &h);
    double y0 = r[1] + r[3] - st->margin_px - h;
    for (size_t i = first_label; i < L->sc->n_labels; i++)
        L->sc->labels[i].y += y0;
    for (size_t i = first_marker; i < L->sc->n_markers; i++)
        L->sc->markers[i].y += y0;
    layout_add_rect(L, CM_GROUP_LEGEND, (box){ lg.x0, y0, w, h }, st->box_bg,
                    (cm_stroke){ st->rule, 1, { 0, 0 } });
    layout_add_obstacle(L, (box){ lg.x0 - 4, r[1] + r[3] - st->margin_px - h_all - 4, w_all + 8,
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
        layout_measure(L, copy, lb->size_px, lb->bold, lb->italic, &lb->w, &lb->h);
    }
}

/* The reports new in this slice, newest first, bottom right: what changed.
 * The box has one width and labels keep clear of its tallest form, so that
 * it changing from slice to slice never pushes a label on the map. */
void
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
    layout_add_obstacle(L, (box){ r[0] + r[2] - st->margin_px - inner - 2 * pad - 4,
                                  r[1] + r[3] - st->margin_px - tallest - 2 * pad - 4,
                                  inner + 2 * pad + 8, tallest + 2 * pad + 8 });
    if (n_new == 0)
        return;
    snprintf(line, sizeof(line), "New at %s", cm_time_format_clock(cm_slice_time(sl), clock));
    cm_scene_label *lb = layout_add_label(L, line, CM_GROUP_LATEST, st->note_px + 1, 1, 0,
                                          st->text);
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
        lb = layout_add_label(L, line, CM_GROUP_LATEST, st->note_px, 0, 0, st->text);
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
    layout_add_rect(L, CM_GROUP_LATEST, bx, st->box_bg, (cm_stroke){ st->rule, 1, { 0, 0 } });
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
    if (!CM_RESERVE(a->s, a->cap, a->len + n + 1)) {
        a->status = CM_ERR_NOMEM;
        return;
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
        else if (*key && layout_region_named(district, key))
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
    append(a, layout_place_name(evs[0], lang, buf, sizeof(buf)));
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
        append(a, layout_place_name(evs[i], lang, buf, sizeof(buf)));
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
                       : layout_place_name(evs[i], sc->base->lang, buf, sizeof(buf)));
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

cm_status
layout_write_alt(cm_scene *sc)
{
    const cm_slice *sl = sc->slice;
    const cm_events *ev = sc->base->events;
    size_t n = cm_slice_n_events(sl), n_new = 0, n_old = 0;
    char moment[CM_TIME_BUF], num[32];
    alt_buf a = { NULL, 0, 0, CM_OK };
    const cm_event **fresh = malloc((n + 1) * sizeof(*fresh)),
                   **group = malloc((n + 1) * sizeof(*group));
    if (!fresh || !group)
        a.status = CM_ERR_NOMEM;
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
        layout_add_obstacle(&L, (box){ base->inset_rect[0] - 4, base->inset_rect[1] - 4,
                                       base->inset_rect[2] + 8, base->inset_rect[3] + 8 });
    layout_legend(&L);
    layout_latest(&L);
    layout_areas(&L);
    layout_control(&L);
    L.status = L.status ? L.status : layout_collect(&L, &on, &n_on, &off, &n_off);
    if (L.status == CM_OK)
        groups = layout_on_map(&L, on, n_on, &n_groups);
    for (n_first = 0; n_first < n_groups && layout_group_rank(&groups[n_first]) < 2; n_first++)
        ;
    if (L.status == CM_OK)
        layout_label_groups(&L, groups, n_first);
    if (L.status == CM_OK)
        layout_off_map(&L, off, n_off);
    if (L.status == CM_OK)
        layout_label_groups(&L, groups + n_first, n_groups - n_first);
    if (L.status == CM_OK)
        layout_countries(&L);
    if (L.status == CM_OK)
        layout_context(&L);
    if (L.status == CM_OK)
        L.status = layout_write_alt(L.sc);
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
