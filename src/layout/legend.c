/* The boxes in the map's bottom corners: the legend of only what the slice
 * shows (bottom left) and the reports new in it (bottom right). What events
 * bring to the legend is noted in present.c. */
#include "layout/layout.h"
#include "load/control.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the legend: only what this slice shows ---------------------------------------- */

typedef struct legend {
    layout *L;
    double x0, pad, row, sw;
    size_t n_rows, first_label;
    int timeline;              /* the largest legend of the timeline, not this slice's:
                                  what the control layer shows at any time too */
    size_t grid_rows;          /* below a portrait map: the rows laid out (legend_grid) */
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
note_control_sides(const layout *L, present *p, int timeline)
{
    for (size_t i = 0; L->sc->slice && i < cm_slice_n_control(L->sc->slice); i++) {
        const char *name, *side;
        const cm_event *by;
        cm_slice_control_at(L->sc->slice, i, &name, &side, &by);
        for (size_t k = 0; side && k < cm_events_n_sides(L->b->events) && k < 64; k++)
            if (strcmp(cm_side_code(cm_events_side(L->b->events, k)), side) == 0)
                p->sides[k] = 1;
    }
    const cm_control *c = L->b->control;
    cm_time t = L->sc->slice ? cm_slice_time(L->sc->slice) : 0;
    for (size_t i = 0; c && i < c->n_features; i++)
        if (timeline || cm_control_valid_at(&c->features[i], t))
            for (size_t k = 0; k < cm_events_n_sides(L->b->events) && k < 64; k++)
                if (strcmp(cm_side_code(cm_events_side(L->b->events, k)),
                           c->features[i].side) == 0)
                    p->sides[k] = 1;
}

/* Whether the control layer @c says who holds what at moments of its own
 * (its features are valid between moments): what changed hands then is drawn. */
static int
control_changes(const cm_control *c)
{
    for (size_t i = 0; c && i < c->n_features; i++)
        if (c->features[i].from != INT64_MIN || c->features[i].to != INT64_MAX)
            return 1;
    return 0;
}

/* Whether two sides hold areas in @c, at some moment: a front line may be drawn. */
static int
control_front(const cm_control *c)
{
    const char *first = NULL;
    for (size_t i = 0; c && i < c->n_features; i++) {
        if (c->features[i].status != CM_CONTROL_CONTROLLED)
            continue;
        if (!first)
            first = c->features[i].side;
        else if (strcmp(first, c->features[i].side) != 0)
            return 1;
    }
    return 0;
}

/* What the areas of the control layers mean, for the statuses this slice
 * shows: held (shaded), claimed (hatched), contested (pale, dashed edge). */
static void
legend_areas(legend *lg)
{
    layout *L = lg->L;
    const cm_control *c = L->b->control;
    cm_time t = L->sc->slice ? cm_slice_time(L->sc->slice) : 0;
    int shown[CM_CONTROL_N_STATUS] = { 0 };
    for (size_t i = 0; c && i < c->n_features; i++)
        if (lg->timeline || cm_control_valid_at(&c->features[i], t))
            shown[c->features[i].status] = 1;
    static const char *const words[CM_CONTROL_N_STATUS] = {
        CM_N_("Shaded area: held"), CM_N_("Hatched area: claimed, not confirmed"),
        CM_N_("Pale area, dashed edge: contested or advances")
    };
    int front = 0, gained = 0;
    for (size_t i = 0; i < L->sc->n_areas; i++) {
        front |= L->sc->areas[i].is_front;
        gained |= L->sc->areas[i].is_gained;
    }
    cm_time since = 0;
    const cm_slice *prev = L->sc->previous ? L->sc->previous->slice : NULL;
    if (prev)
        since = cm_slice_time(prev);
    if (lg->timeline) {   /* the layer's rows at any moment: what the band is made for */
        front |= control_front(c);
        if (L->b->has_band_since && control_changes(c)) {
            gained = 1;
            since = L->b->band_since;   /* the widest of the timeline's */
        }
    }
    for (int k = 0; k < CM_CONTROL_N_STATUS; k++) {
        cm_scene_marker *m = shown[k] ? legend_row(lg, layout_w(L->b, words[k])) : NULL;
        if (!m)
            continue;
        cm_rgba ink = L->st->neutral;
        m->symbol = k == CM_CONTROL_CLAIMED ? CM_SYM_HATCH : CM_SYM_SQUARE;
        m->fill = ink;
        m->fill.a = k == CM_CONTROL_CONTROLLED ? 0.35 : k == CM_CONTROL_CONTESTED ? 0.15 : 0;
        m->stroke = ink;
        m->stroke_px = k == CM_CONTROL_CONTROLLED ? 0 : 1.2;
        if (k == CM_CONTROL_CONTESTED) {
            m->dash_px[0] = 3;
            m->dash_px[1] = 2;
        }
    }
    char words_gained[128];
    if (gained && (prev || lg->timeline)) {
        char when[LAYOUT_TIME_BUF];
        layout_short_time(L->b, since, when);
        snprintf(words_gained, sizeof words_gained, layout_w(L->b, "Changed hands since %s"),
                 when);
        cm_scene_marker *m = legend_row(lg, words_gained);
        if (m) {
            m->symbol = CM_SYM_SQUARE;
            m->fill = L->st->neutral;
            m->fill.a = 0.5;
            m->stroke = L->st->neutral;
            m->stroke_px = 2;
        }
    }
    cm_scene_marker *m = front ? legend_row(lg, layout_w(L->b, "Front line")) : NULL;
    if (m) {
        m->symbol = CM_SYM_LINE;
        m->stroke = (cm_rgba){ L->st->text.r, L->st->text.g, L->st->text.b, 0.85 };
        m->stroke_px = 2.4;
    }
}

static void
legend_sides_and_kinds(legend *lg, const present *p)
{
    layout *L = lg->L;
    const cm_events *ev = L->b->events;
    for (size_t i = 0; i < cm_events_n_sides(ev) && i < 64; i++) {
        cm_scene_marker *m = p->sides[i] ? legend_row(lg, layout_side_name(L->b, cm_events_side(ev, i)))
                                         : NULL;
        if (m) {
            m->symbol = CM_SYM_SQUARE;
            m->fill = layout_side_color(ev, cm_side_code(cm_events_side(ev, i)), L->st->neutral);
        }
    }
    for (size_t k = 0; k < sizeof(layout_kind_words) / sizeof(layout_kind_words[0]); k++) {
        cm_scene_marker *m = p->kinds[k] ? legend_row(lg, layout_w(L->b, layout_kind_words[k].words)) : NULL;
        if (m)
            m->symbol = layout_symbol_for(layout_kind_words[k].kind);
    }
    cm_scene_marker *m = p->other ? legend_row(lg, layout_w(L->b, "Other report")) : NULL;
    if (m)
        m->symbol = CM_SYM_PENTAGON;
}

static void
legend_states(legend *lg, const present *p)
{
    layout *L = lg->L;
    cm_scene_marker *m;
    int brief = L->b->width_px < 900;
    if (p->reported && (m = legend_row(lg, brief ? layout_w(L->b, "Solid: reported")
                                                 : layout_w(L->b, "Solid: reported, not verified"))))
        m->symbol = CM_SYM_CIRCLE;
    if (p->confirmed && (m = legend_row(lg, layout_w(L->b, "Dark edge: confirmed")))) {
        m->symbol = CM_SYM_CIRCLE;
        m->stroke = L->st->text;
        m->stroke_px = 2;
    }
    if (p->claimed &&
        (m = legend_row(lg, brief ? layout_w(L->b, "Hollow: claimed")
                                  : layout_w(L->b, "Hollow: claimed by one side, not verified")))) {
        m->symbol = CM_SYM_CIRCLE;
        m->fill = layout_white;
        m->stroke = L->st->neutral;
        m->stroke_px = 2;
    }
    if (p->disputed && (m = legend_row(lg, layout_w(L->b, "Pale: disputed")))) {
        m->symbol = CM_SYM_CIRCLE;
        m->fill.a = 0.45;
        m->stroke = L->st->neutral;
    }
    if (p->uncertain && (m = legend_row(lg, layout_w(L->b, "Ring: somewhere in the area")))) {
        m->symbol = CM_SYM_CIRCLE;
        m->uncertainty_px = m->r * 1.6;
        m->r *= 0.5;
    }
    if (p->clustered &&
        (m = legend_row(lg, layout_w(L->b, "Circle with a number: that many reports close "
                                           "together")))) {
        m->symbol = CM_SYM_CIRCLE;
        m->r *= 1.2;
        m->fill.a = 0.9;
    }
    if (p->fresh && (m = legend_row(lg, layout_w(L->b, "Glow: new in this map")))) {
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
        { oblast, CM_N_("Former Nagorno-Karabakh oblast"), &st->oblast_line },
        { ceasefire, CM_N_("1994 ceasefire line"), &st->ceasefire_line },
    };
    for (int k = 0; k < 2; k++) {
        cm_scene_marker *m = rows[k].shown ? legend_row(lg, layout_w(L->b, rows[k].words)) : NULL;
        if (!m)
            continue;
        m->symbol = CM_SYM_LINE;
        m->stroke = rows[k].stroke->color;
        m->stroke_px = rows[k].stroke->width_px;
        memcpy(m->dash_px, rows[k].stroke->dash_px, sizeof(m->dash_px));
    }
}

/* The width of the "New at" box of a landscape map, frame included
 * (layout_latest() makes it). */
static double
latest_box_w(const layout *L, int compact)
{
    return fmin(L->b->map_rect[2] * (compact ? 0.4 : 0.3), 420) + 16;
}

/* What a small landscape map leaves the legend beside the "New at" box. */
static double
latest_room(const layout *L)
{
    return L->b->map_rect[2] - 2 * L->st->margin_px - latest_box_w(L, 1) - 8;
}

/* legend_columns()'s box width for @lg's rows, its rows a column in
 * *@per_col and a column's width in *@col_w (the entries whose labels were
 * added: all, unless out of memory). */
static double
columns_width(const layout *L, const legend *lg, size_t *per_col, double *col_w)
{
    size_t n = lg->n_rows;
    *per_col = n > 1 ? (n + 1) / 2 : 1;
    *col_w = 0;
    for (size_t i = 0; i < n && lg->first_label + i < L->sc->n_labels; i++)
        *col_w = fmax(*col_w, L->sc->labels[lg->first_label + i].w);
    *col_w += lg->sw + 6 + 10;
    return lg->pad * 2 + *col_w * (double)(n > *per_col ? (n + *per_col - 1) / *per_col : 1) -
           10;
}

/* On a small map the rows go in two columns, so the legend stays low and
 * leaves the map's middle to the story. Each row is one marker and one label,
 * made in the same order. */
static void
legend_columns(layout *L, legend *lg, size_t first_marker, double *w, double *h)
{
    size_t per_col;
    double col_w;
    *w = columns_width(L, lg, &per_col, &col_w);
    for (size_t i = 0; i < lg->n_rows; i++) {
        size_t col = i / per_col;
        double dx = col_w * (double)col, dy = -lg->row * (double)(per_col * col);
        L->sc->labels[lg->first_label + i].x += dx;
        L->sc->labels[lg->first_label + i].y += dy;
        L->sc->markers[first_marker + i].x += dx;
        L->sc->markers[first_marker + i].y += dy;
    }
    *h = lg->pad * 2 + lg->row * (double)per_col;
}

/* @text broken at spaces into lines ("\n" between) into @out (strlen(@text) + 1
 * bytes): as many words on each line as fit @w_px; with @w_px 0, two lines
 * broken where the wider of them is narrowest (about the same length, not a
 * long one and a word). Returns the lines and fills *@out_w with the widest's
 * width. */
static size_t
legend_wrap(layout *L, const char *text, double size_px, double w_px, char *out, double *out_w)
{
    size_t n = strlen(text), lines = 1;
    double w, h, base;
    snprintf(out, n + 1, "%s", text);
    layout_measure(L, text, size_px, 0, 0, out_w, &h, &base);
    if (w_px <= 0) {   /* the break that leaves the narrowest two lines */
        char *a = malloc(n + 1);
        double best = *out_w;
        if (!a)
            L->status = CM_ERR_NOMEM;
        for (size_t i = 1; a && i + 1 < n; i++) {
            if (text[i] != ' ')
                continue;
            memcpy(a, text, i);
            a[i] = '\0';
            double w1, w2;
            layout_measure(L, a, size_px, 0, 0, &w1, &h, &base);
            layout_measure(L, text + i + 1, size_px, 0, 0, &w2, &h, &base);
            if (fmax(w1, w2) < best) {
                best = fmax(w1, w2);
                snprintf(out, n + 1, "%s", text);
                out[i] = '\n';
                lines = 2;
            }
        }
        free(a);
        *out_w = best;
        return lines;
    }
    if (*out_w <= w_px)
        return 1;
    /* greedy: as many words on each line as fit */
    size_t start = 0;
    *out_w = 0;
    lines = 0;
    while (start < n) {
        size_t end = n, last_fit = 0;
        for (size_t i = start; i <= n; i++) {
            if (i < n && text[i] != ' ')
                continue;
            char *line = strndup(text + start, i - start);
            if (!line) {
                L->status = CM_ERR_NOMEM;
                break;
            }
            layout_measure(L, line, size_px, 0, 0, &w, &h, &base);
            free(line);
            if (w > w_px && last_fit)
                break;
            last_fit = i;
            if (w > w_px)
                break;
        }
        end = last_fit ? last_fit : n;
        char *line = strndup(text + start, end - start);
        if (line) {
            layout_measure(L, line, size_px, 0, 0, &w, &h, &base);
            *out_w = fmax(*out_w, w);
            free(line);
        } else
            L->status = CM_ERR_NOMEM;
        if (end < n)
            out[end] = '\n';
        lines++;
        start = end < n ? end + 1 : n;
    }
    return lines;
}

/* How many columns @rows rows take for the entries' @slots (a label of k
 * lines takes k rows, in one column), filled down then across, and the box's
 * width in *@w: each column as wide as its widest entry, @gap between them. */
static size_t
legend_pack(const legend *lg, size_t n, const size_t *slots, const double *width, size_t rows,
            double sym, double gap, double *w)
{
    size_t cols = 1, used = 0;
    double x = 0, col_w = 0;
    for (size_t i = 0; i < n; i++) {
        if (used > 0 && used + slots[i] > rows) {
            x += col_w + gap;
            cols++;
            used = 0;
            col_w = 0;
        }
        col_w = fmax(col_w, sym + width[i]);
        used += slots[i];
    }
    *w = 2 * lg->pad + x + col_w;
    return cols;
}

/* Below a portrait map: the entries in as few rows as fit the page's width,
 * in at most @max_cols columns filled down then across, each column as wide
 * as its widest label, as one would set them by hand. A label wider than the
 * box goes on as many lines as it needs; of the others, the fewest widest go
 * on two lines that save a row. Returns the box's size; lg->grid_rows its
 * rows. */
static void
legend_grid(layout *L, legend *lg, size_t first_marker, size_t max_cols, double room, double *w,
            double *h)
{
    size_t n = lg->n_rows;
    /* the entries whose label and marker were added (all, unless out of memory) */
    if (n > L->sc->n_labels - lg->first_label)
        n = L->sc->n_labels - lg->first_label;
    if (n > L->sc->n_markers - first_marker)
        n = L->sc->n_markers - first_marker;
    cm_scene_label *lbs = L->sc->labels + lg->first_label;
    double sym = lg->sw + 6, gap = 6;
    size_t m = n ? n : 1;
    /* per entry: as it is (on its lines if wider than the box) [i], on two
     * lines [m + i]; order: the entries by width, widest first */
    size_t *slots = calloc(2 * m, sizeof(size_t)), *order = calloc(m, sizeof(size_t)),
           *now_slots = calloc(m, sizeof(size_t));
    double *width = calloc(2 * m, sizeof(double)), *now_w = calloc(m, sizeof(double));
    char **text = calloc(2 * m, sizeof(char *));
    if (!slots || !order || !now_slots || !width || !now_w || !text)
        L->status = CM_ERR_NOMEM;
    size_t n_two = 0;   /* entries that two lines make narrower */
    for (size_t i = 0; i < n && L->status == CM_OK; i++) {
        if (!(text[i] = malloc(strlen(lbs[i].text) + 1)) ||
            !(text[m + i] = malloc(strlen(lbs[i].text) + 1))) {
            L->status = CM_ERR_NOMEM;
            break;
        }
        slots[i] = legend_wrap(L, lbs[i].text, lbs[i].size_px, room - 2 * lg->pad - sym,
                               text[i], &width[i]);
        slots[m + i] = slots[i];
        width[m + i] = width[i];
        strcpy(text[m + i], text[i]);
        if (slots[i] == 1 &&
            legend_wrap(L, lbs[i].text, lbs[i].size_px, 0, text[m + i], &width[m + i]) == 2)
            slots[m + i] = 2;
        if (slots[m + i] == 2)
            order[n_two++] = i;
    }
    for (size_t i = 1; i < n_two; i++)   /* widest first (few: insertion) */
        for (size_t k = i; k > 0 && width[order[k]] > width[order[k - 1]]; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    /* the fewest rows, then the fewest labels wrapped: the k widest */
    size_t best_rows = SIZE_MAX, best_k = 0, total = 0;
    double best_w = 0;
    for (size_t i = 0; i < n && L->status == CM_OK; i++)
        total += slots[i];
    for (size_t k = 0; k <= n_two && L->status == CM_OK; k++) {
        size_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            now_slots[i] = slots[i];
            now_w[i] = width[i];
        }
        for (size_t j = 0; j < k; j++) {
            now_slots[order[j]] = slots[m + order[j]];
            now_w[order[j]] = width[m + order[j]];
        }
        size_t tallest = 1;   /* an entry's lines are in one column */
        for (size_t i = 0; i < n; i++) {
            sum += now_slots[i];
            tallest = now_slots[i] > tallest ? now_slots[i] : tallest;
        }
        for (size_t rows = tallest; rows <= sum && rows < best_rows; rows++) {
            double bw;
            size_t cols = legend_pack(lg, n, now_slots, now_w, rows, sym, gap, &bw);
            if (cols <= max_cols && (bw <= room || rows == total)) {
                best_rows = rows;
                best_k = k;
                best_w = bw;
                break;
            }
        }
    }
    size_t rows = best_rows == SIZE_MAX ? (total ? total : 1) : best_rows, used = 0;
    double x = 0, col_w = 0;
    for (size_t i = 0; i < n && L->status == CM_OK; i++) {
        size_t v = i;
        for (size_t j = 0; j < best_k; j++)
            v = order[j] == i ? m + i : v;
        size_t k = slots[v];
        if (used > 0 && used + k > rows) {
            x += col_w + gap;
            used = 0;
            col_w = 0;
        }
        col_w = fmax(col_w, sym + width[v]);
        if (strcmp(text[v], lbs[i].text) != 0) {   /* on lines of its own */
            free(lbs[i].text);
            lbs[i].text = text[v];
            text[v] = NULL;
            layout_measure(L, lbs[i].text, lbs[i].size_px, lbs[i].bold, lbs[i].italic, &lbs[i].w,
                           &lbs[i].h, &lbs[i].baseline_px);
        }
        double top = lg->pad + lg->row * (double)used;
        cm_scene_marker *mk = &L->sc->markers[first_marker + i];
        lbs[i].x = lg->x0 + lg->pad + x + sym;
        lbs[i].y = top + (lg->row * (double)k - lbs[i].h) / 2;
        mk->x = lg->x0 + lg->pad + x + lg->sw / 2;
        mk->y = k > 1 ? lbs[i].y + lbs[i].h / (double)k / 2 : top + lg->row / 2;
        used += k;
    }
    for (size_t i = 0; text && i < 2 * m; i++)
        free(text[i]);
    free(slots), free(order), free(now_slots), free(width), free(now_w), free(text);
    lg->grid_rows = rows;
    *w = best_w > 0 ? best_w : 2 * lg->pad + x + col_w;
    *h = lg->pad * 2 + lg->row * (double)rows;
}

/* Lays the rows out for @p and returns the box's size; @first_marker and the
 * legend's first label say where its parts start. */
static void
legend_rows(layout *L, legend *lg, const present *p, double *w, double *h)
{
    size_t first_marker = L->sc->n_markers;
    lg->n_rows = 0;
    lg->first_label = L->sc->n_labels;
    layout_frame_sizes_t f;
    layout_frame_sizes_of(L->b, &f);
    if (L->b->width_px < 900 || f.portrait) {
        present brief = *p;
        if (L->b->width_px < 900) {   /* a phone-sized map: what the markers mean */
            brief.uncertain = brief.fresh = 0;
        }
        legend_sides_and_kinds(lg, &brief);
        legend_areas(lg);
        legend_states(lg, &brief);
        if (L->b->width_px >= 900)
            legend_lines(lg);
        if (f.portrait)   /* below the map, as many columns as its width takes */
            legend_grid(L, lg, first_marker, 6, L->b->width_px - 2 * lg->x0, w, h);
        else if (columns_width(L, lg, &(size_t){ 0 }, &(double){ 0 }) > latest_room(L))
            /* beside the box: as fits there */
            legend_grid(L, lg, first_marker, 2, latest_room(L), w, h);
        else
            legend_columns(L, lg, first_marker, w, h);
        return;
    }
    legend_sides_and_kinds(lg, p);
    legend_areas(lg);
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
    size_t first_marker = L->sc->n_markers, first_label = L->sc->n_labels,
           first_rect = L->sc->n_rects;
    legend lg = { L, r[0] + st->margin_px, 8, st->note_px + 7, 10, 0, 0, 0, 0 };
    double w, h, w_all, h_all;
    layout_frame_sizes_t f;
    layout_frame_sizes_of(L->b, &f);
    if (f.portrait) {
        lg.x0 = f.margin_px;
        lg.pad = LAYOUT_PORTRAIT_PAD;
        lg.row = layout_portrait_row_px(st);
    }

    memset(&now, 0, sizeof(now));
    all = *L->b->all_present;
    now.clustered = L->clustered;
    all.clustered = L->clustered || cm_events_count(L->b->events) > LAYOUT_CLUSTER_SPOTS;
    note_control_sides(L, &now, 0);
    note_control_sides(L, &all, f.portrait);
    for (size_t k = 0; k < cm_slice_n_events(L->sc->slice); k++) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(L->sc->slice, k, &state);
        layout_note_present(L->b->events, e, state, &now);
    }
    lg.timeline = f.portrait;   /* as layout_band_measure() made the band for it */
    legend_rows(L, &lg, &all, &w_all, &h_all);
    drop_from(L, first_label, first_marker);
    lg.timeline = 0;
    legend_rows(L, &lg, &now, &w, &h);
    /* Over the map, at its bottom left: labels keep clear of the largest legend
     * of the timeline. Below a portrait map, in the band (the "New at" box
     * above it), where the largest legend's top would be, so that its rows stay
     * put from slice to slice; its frame is this slice's, with no empty rows
     * (the band's foot may be empty). */
    double y0 = r[1] + r[3] - st->margin_px - h;
    box keep = { lg.x0 - 4, r[1] + r[3] - st->margin_px - h_all - 4, w_all + 8, h_all + 8 };
    if (f.portrait) {
        double foot = L->b->height_px - f.footer_px - 4;
        L->legend_top = foot - h_all;
        y0 = fmin(L->legend_top, foot - h);
        keep = (box){ lg.x0 - 4, y0 - 4, fmax(w, w_all) + 8, fmax(h, h_all) + 8 };
    }
    for (size_t i = first_label; i < L->sc->n_labels; i++)
        L->sc->labels[i].y += y0;
    for (size_t i = first_marker; i < L->sc->n_markers; i++)
        L->sc->markers[i].y += y0;
    layout_add_rect(L, CM_GROUP_LEGEND, (box){ lg.x0, y0, w, h }, st->box_bg,
                    (cm_stroke){ st->rule, 1, { 0, 0 } });
    layout_mirror(L, first_label, first_marker, first_rect);   /* on the right, in Arabic */
    layout_add_obstacle(L, layout_mirror_box(L, keep));
}

cm_status
layout_band_measure(cm_scene_base *b, const cm_slices *slices, size_t *box_lines,
                    size_t *n_rows)
{
    layout L = { 0 };
    layout_frame_sizes_t f;
    *box_lines = *n_rows = 0;
    layout_frame_sizes(b->style, b->width_px, b->height_px, 0, 0, &f);
    if (!f.portrait)
        return CM_OK;
    if (!(L.sc = calloc(1, sizeof(cm_scene))))
        return CM_ERR_NOMEM;
    L.sc->base = b;
    L.b = b;
    L.st = b->style;
    /* the widest "Changed hands since" of the timeline: each slice's but the
     * last is a next one's "since" */
    size_t n = slices ? cm_slices_count(slices) : 0;
    double widest = -1;
    b->has_band_since = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        char when[LAYOUT_TIME_BUF], words[256];
        double w, h, base;
        cm_time t = cm_slice_time(cm_slices_get(slices, i));
        layout_short_time(b, t, when);
        snprintf(words, sizeof words, layout_w(b, "Changed hands since %s"), when);
        layout_measure(&L, words, b->style->note_px, 0, 0, &w, &h, &base);
        if (w > widest) {
            widest = w;
            b->band_since = t;
            b->has_band_since = 1;
        }
    }
    /* the legend as layout_legend() makes it largest: every event of the
     * timeline, and what the control layer shows at any moment */
    present all = *b->all_present;
    all.clustered = cm_events_count(b->events) > LAYOUT_CLUSTER_SPOTS;
    note_control_sides(&L, &all, 1);
    legend lg = { &L, f.margin_px, LAYOUT_PORTRAIT_PAD, layout_portrait_row_px(b->style), 10,
                  0, 0, 1, 0 };
    double w, h;
    legend_rows(&L, &lg, &all, &w, &h);
    *n_rows = lg.grid_rows > LAYOUT_BAND_ROWS ? lg.grid_rows : LAYOUT_BAND_ROWS;
    /* what changed hands goes in the "New at" box, on up to two lines of its own */
    *box_lines = LAYOUT_BAND_LINES + (b->has_band_since && control_changes(b->control) ? 2 : 0);
    cm_status st = L.status;
    cm_scene_destroy(L.sc);
    return st;
}

/* ---- the latest reports: the "New at" box ---------------------------------------- */

/* The reports new in this slice, newest first, bottom right: what changed.
 * The box has one width and labels keep clear of its tallest form, so that
 * it changing from slice to slice never pushes a label on the map. */
void
layout_latest(layout *L)
{
    const cm_style *st = L->st;
    layout_frame_sizes_t f;
    layout_frame_sizes_of(L->b, &f);
    /* a phone-sized map keeps the box small; a portrait one has two lines' room */
    int compact = L->b->width_px < 900 || f.portrait;
    size_t max_lines = compact ? 2 : 5, n_new = 0, shown = 0;
    const cm_slice *sl = L->sc->slice;
    const double *r = L->b->map_rect;
    size_t first_label = L->sc->n_labels, first_marker = L->sc->n_markers,
           first_rect = L->sc->n_rects;
    char line[512], clock[CM_TIME_BUF];
    double pad = 8, inner = latest_box_w(L, compact) - 2 * pad, y;
    /* below a portrait map, as many lines as the band holds (layout_band_measure):
     * two of reports, and two more for what changed hands when the run has it */
    double line_h = st->note_px * 1.4 + 2,
           tallest = st->note_px * 1.5 + 4 + line_h * (double)(f.portrait ? f.box_lines : max_lines);
    double top = 0;   /* a portrait page: the box's top, in the band below the map */
    if (f.portrait) {
        pad = LAYOUT_PORTRAIT_PAD;
        inner = L->b->width_px - 2 * f.margin_px - 2 * pad;
        top = fmin(r[1] + r[3] + f.margin_px / 2, L->legend_top - 6 - tallest - 2 * pad);
    }

    for (size_t k = 0; k < cm_slice_n_events(sl); k++) {
        cm_event_state state;
        cm_slice_event(sl, k, &state);
        n_new += state == CM_EVENT_NEW;
    }
    if (f.portrait)
        layout_add_obstacle(L, (box){ f.margin_px - 4, top - 4, inner + 2 * pad + 8,
                                      tallest + 2 * pad + 8 });
    else
        layout_add_obstacle(L, layout_mirror_box(L, (box){
                                   r[0] + r[2] - st->margin_px - inner - 2 * pad - 4,
                                   r[1] + r[3] - st->margin_px - tallest - 2 * pad - 4,
                                   inner + 2 * pad + 8, tallest + 2 * pad + 8 }));
    if (n_new == 0 && !L->sc->change_words)
        return;
    /* with no new report, the box still says what changed hands */
    cm_time since;
    if (n_new && cm_slice_new_since(sl, &since))   /* --since: new after that, not at the moment */
        snprintf(line, sizeof(line), layout_w(L->b, "New since %s"),
                 cm_time_format_clock(since, clock));
    else
        snprintf(line, sizeof(line), n_new ? layout_w(L->b, "New at %s") : layout_w(L->b, "At %s"),
                 cm_time_format_clock(cm_slice_time(sl), clock));
    cm_scene_label *lb = layout_add_label(L, line, CM_GROUP_LATEST, st->note_px + 1, 1, 0,
                                          st->text);
    if (!lb)
        return;
    y = lb->h + 4;
    if (L->sc->change_words) {   /* the territory that changed hands, first, in two lines
                                    at most (one in a compact box, but for one below a
                                    portrait map whose band holds two more: there the
                                    change is the news), broken between sides where
                                    that fits, else between words */
        size_t before = L->sc->n_labels;
        int lines = !compact || (f.portrait && f.box_lines >= LAYOUT_BAND_LINES + 2) ||
                            (!f.portrait && n_new == 0)   /* both lines, with no report */
                        ? 2
                        : 1;
        /* the sides' separator (layout/control.c's "; ", translated: " ; ", "؛ ")
         * without its spaces: a line ends with it */
        char clause[16];
        const char *t = layout_w(L->b, "; ");
        while (*t == ' ')
            t++;
        snprintf(clause, sizeof clause, "%s", t);
        for (size_t k = strlen(clause); k > 0 && clause[k - 1] == ' ';)
            clause[--k] = '\0';
        const char *sep =
            *clause && layout_wraps_whole(L, L->sc->change_words, clause, st->note_px, 1, inner,
                                          lines) ? clause : " ";
        y = layout_wrap_lines(L, CM_GROUP_LATEST, L->sc->change_words, sep, st->note_px, 1,
                              st->text, 0, y, inner, lines) + 2;
        if (L->status != CM_OK)
            return;
        shown += L->sc->n_labels - before;
    }
    size_t words = shown;   /* lines of the change, before the reports' */
    if (f.portrait && f.box_lines > max_lines)   /* the reports' two lines after the change's */
        max_lines = words + 2 < f.box_lines ? words + 2 : f.box_lines;
    for (size_t k = cm_slice_n_events(sl); k-- > 0 && shown < max_lines;) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(sl, k, &state);
        if (state != CM_EVENT_NEW)
            continue;
        if (shown == max_lines - 1 && n_new > max_lines - words)
            snprintf(line, sizeof(line), layout_wn(L->b, "and %zu more", "and %zu more",
                                                   n_new - (shown - words)),
                     n_new - (shown - words));
        else
            snprintf(line, sizeof(line), "%s", *cm_event_headline(e) ? cm_event_headline(e)
                                                                      : cm_event_kind(e));
        lb = layout_add_label(L, line, CM_GROUP_LATEST, st->note_px, 0, 0, st->text);
        if (!lb)
            return;
        layout_fit_width(L, lb, inner);
        lb->event = e;
        lb->y = y;
        y += lb->h + 2;
        shown++;
    }
    box bx = { r[0] + r[2] - st->margin_px - inner - 2 * pad,
               r[1] + r[3] - st->margin_px - y - 2 * pad, inner + 2 * pad, y + 2 * pad };
    if (f.portrait) {
        bx.x = f.margin_px;
        bx.y = top;
    }
    for (size_t i = first_label; i < L->sc->n_labels; i++) {
        L->sc->labels[i].x = bx.x + pad;
        L->sc->labels[i].y += bx.y + pad;
    }
    layout_add_rect(L, CM_GROUP_LATEST, bx, st->box_bg, (cm_stroke){ st->rule, 1, { 0, 0 } });
    layout_mirror(L, first_label, first_marker, first_rect);   /* bottom left */
}
