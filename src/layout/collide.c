/* The label-collision engine: labels, markers and boxes added to the scene,
 * text measured, and labels placed where they overlap nothing placed before
 * them and keep the spot they had on the previous slice. What is placed, and
 * in which order, is for the files that call it. */
#include "layout/layout.h"
#include "common/memo.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @a and @b name the same place: a place's name and the callout that replaces
 * it when a control change comes. */
static int
same_point(const cm_scene_label *a, const cm_scene_label *b)
{
    return a->is_beside && b->is_beside && fabs(a->point_x - b->point_x) < 1 &&
           fabs(a->point_y - b->point_y) < 1;
}

/* The previous slice's labels hold their boxes for themselves, with the
 * margin a placed label keeps (try_box): a new label finds room around them
 * instead of pushing them, so names already on the map stay where the reader
 * saw them. A place's own earlier label holds nothing against it. */
static int
reserved_by_other(const layout *L, box bx, const cm_scene_label *lb)
{
    const cm_scene *prev = L->sc->previous;
    for (size_t i = 0; prev && i < prev->n_labels; i++) {
        const cm_scene_label *p = &prev->labels[i];
        if (p->group == CM_GROUP_LABELS && strcmp(p->text, lb->text) != 0 &&
            !same_point(p, lb) &&
            layout_overlaps(bx, (box){ p->hold[0] - 2, p->hold[1] - 1, p->hold[2] + 4,
                                       p->hold[3] + 2 }))
            return 1;
    }
    /* Arrows at the edge keep their spots too. */
    for (size_t i = 0; prev && i < prev->n_markers; i++) {
        const cm_scene_marker *m = &prev->markers[i];
        if (!m->is_offmap || (lb->event && m->event &&
                              cm_event_lon(m->event) == cm_event_lon(lb->event) &&
                              cm_event_lat(m->event) == cm_event_lat(lb->event)))
            continue;
        if (bx.x < m->x + m->r + 2 && m->x - m->r - 2 < bx.x + bx.w &&
            bx.y < m->y + m->r + 2 && m->y - m->r - 2 < bx.y + bx.h)
            return 1;
    }
    return 0;
}

/* Text sizes kept at most: some 4 MB of them. */
enum { MAX_MEASURED = 1 << 15 };

/* What a measurement depends on besides the base's style. */
typedef struct measure_key {
    double size_px;
    int bold, italic;
    char text[1000];
} measure_key;

/* The logical size of @text set at @size_px, measured once a run for each
 * text and font: a label on every slice is measured on the first. */
void
layout_measure(layout *L, const char *text, double size_px, int bold, int italic, double *w,
               double *h, double *baseline)
{
    const cm_scene_base *b = L->b;
    measure_key key;
    size_t n = strlen(text);
    double *kept = NULL;
    memset(&key, 0, sizeof(key));   /* the padding too: keys are compared as bytes */
    key.size_px = size_px;
    key.bold = bold;
    key.italic = italic;
    if (n < sizeof(key.text)) {
        memcpy(key.text, text, n);
        kept = cm_memo_find(b->measured, &key, offsetof(measure_key, text) + n);
    }
    if (kept) {
        *w = kept[0];
        *h = kept[1];
        *baseline = kept[2];
        return;
    }
    PangoLayout *pl = pango_layout_new(b->pango);
    PangoFontDescription *fd = cm_scene_font(b->style, size_px, bold, italic);
    PangoRectangle logical;
    pango_layout_set_font_description(pl, fd);
    cm_scene_left_to_right(pl);
    pango_layout_set_text(pl, text, -1);
    pango_layout_get_pixel_extents(pl, NULL, &logical);
    *w = logical.width;
    *h = logical.height;
    *baseline = (double)pango_layout_get_baseline(pl) / PANGO_SCALE;
    pango_font_description_free(fd);
    g_object_unref(pl);
    double size[3] = { *w, *h, *baseline };
    if (cm_memo_count(b->measured) >= MAX_MEASURED)   /* a run of many distinct labels */
        cm_memo_clear(b->measured);
    if (n < sizeof(key.text) &&
        !cm_memo_add(b->measured, &key, offsetof(measure_key, text) + n, size))
        L->status = CM_ERR_NOMEM;
}

/* 1 when @s mixes letters of a right-to-left script (Hebrew, Arabic) with
 * anything else but spaces: Latin names, digits, punctuation, which a
 * left-to-right line would put on the wrong side ("روسيا" alone reads the
 * same either way). */
static int
mixes_rtl(const char *s)
{
    int rtl = 0, other = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = *p;
        size_t n = 1;
        if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80)
            cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f), n = 2;
        else if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
            cp = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f),
            n = 3;
        if ((cp >= 0x590 && cp <= 0x8ff) || (cp >= 0xfb1d && cp <= 0xfdff) ||
            (cp >= 0xfe70 && cp <= 0xfeff))
            rtl = 1;
        else if (cp != ' ')
            other = 1;
        p += n;
    }
    return rtl && other;
}

/* @text, on a right-to-left map in a right-to-left embedding (RLE ... PDF):
 * the labels are laid out left to right (cm_scene_left_to_right), so that
 * "Azerbaijan تقول إنها سيطرت على هادروت" reads from the right, the side's
 * Latin name first, in pango and in a browser's SVG alike. */
static char *
label_text(const layout *L, const char *text)
{
    if (!layout_is_rtl(L) || !mixes_rtl(text))
        return strdup(text);
    size_t n = strlen(text);
    char *s = malloc(n + 7);
    if (s)
        snprintf(s, n + 7, "\xe2\x80\xab%s\xe2\x80\xac", text);
    return s;
}

void
layout_mirror(layout *L, size_t first_label, size_t first_marker, size_t first_rect)
{
    cm_scene *sc = L->sc;
    double W = L->b->width_px;
    if (!layout_is_rtl(L))
        return;
    for (size_t i = first_label; i < sc->n_labels; i++) {
        cm_scene_label *lb = &sc->labels[i];
        lb->x = W - lb->x - lb->w;
        lb->anchor = lb->anchor == CM_ANCHOR_START ? CM_ANCHOR_END
                     : lb->anchor == CM_ANCHOR_END ? CM_ANCHOR_START : lb->anchor;
    }
    for (size_t i = first_marker; i < sc->n_markers; i++) {
        sc->markers[i].x = W - sc->markers[i].x;
        sc->markers[i].angle = M_PI - sc->markers[i].angle;
    }
    for (size_t i = first_rect; i < sc->n_rects; i++)
        sc->rects[i].x = W - sc->rects[i].x - sc->rects[i].w;
}

box
layout_mirror_box(const layout *L, box bx)
{
    if (layout_is_rtl(L))
        bx.x = L->b->width_px - bx.x - bx.w;
    return bx;
}

cm_scene_label *
layout_add_label(layout *L, const char *text, cm_group group, double size_px, int bold,
                 int italic, cm_rgba color)
{
    cm_scene *sc = L->sc;
    char *copy = label_text(L, text);
    if (!copy || !CM_GROW(sc->labels, sc->n_labels, sc->cap_labels)) {
        free(copy);
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    cm_scene_label *lb = &sc->labels[sc->n_labels++];
    memset(lb, 0, sizeof(*lb));
    lb->text = copy;
    lb->group = group;
    lb->size_px = size_px;
    lb->bold = bold;
    lb->italic = italic;
    lb->color = color;
    layout_measure(L, copy, size_px, bold, italic, &lb->w, &lb->h, &lb->baseline_px);
    return lb;
}

cm_scene_rect *
layout_add_rect(layout *L, cm_group group, box bx, cm_rgba fill, cm_stroke stroke)
{
    cm_scene *sc = L->sc;
    if (!CM_GROW(sc->rects, sc->n_rects, sc->cap_rects)) {
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    cm_scene_rect *r = &sc->rects[sc->n_rects++];
    *r = (cm_scene_rect){ group, bx.x, bx.y, bx.w, bx.h, fill, stroke };
    return r;
}

cm_scene_marker *
layout_add_marker(layout *L, cm_group group, const cm_event *ev, double x, double y, double r)
{
    cm_scene *sc = L->sc;
    if (!CM_GROW(sc->markers, sc->n_markers, sc->cap_markers)) {
        L->status = CM_ERR_NOMEM;
        return NULL;
    }
    cm_scene_marker *m = &sc->markers[sc->n_markers++];
    memset(m, 0, sizeof(*m));
    m->group = group;
    m->event = ev;
    m->x = x;
    m->y = y;
    m->r = r;
    return m;
}

void
layout_note_dropped(layout *L, const char *text)
{
    cm_scene *sc = L->sc;
    char *copy = strdup(text);
    /* The left-to-right mark inside edge labels is for drawing, not for readers. */
    for (char *m; copy && (m = strstr(copy, "\xe2\x80\x8e"));)
        memmove(m, m + 3, strlen(m + 3) + 1);
    if (!copy || !CM_GROW(sc->dropped, sc->n_dropped, sc->cap_dropped)) {
        free(copy);
        L->status = CM_ERR_NOMEM;
        return;
    }
    sc->dropped[sc->n_dropped++] = copy;
}

/* ---- the obstacles' grid ------------------------------------------------------------- */

cm_status
layout_grid_init(layout *L, int width_px, int height_px)
{
    layout_grid *g = &L->grid;
    g->nx = width_px / LAYOUT_CELL_PX + 1;
    g->ny = height_px / LAYOUT_CELL_PX + 1;
    if (g->nx < 1 || g->ny < 1 || g->nx > 1 << 14 || g->ny > 1 << 14)
        g->nx = g->ny = 1;   /* a page of no size or too large: one cell */
    g->head = malloc((size_t)g->nx * g->ny * sizeof(int));
    if (!g->head)
        return CM_ERR_NOMEM;
    for (int i = 0; i < g->nx * g->ny; i++)
        g->head[i] = -1;
    return CM_OK;
}

void
layout_grid_free(layout *L)
{
    free(L->grid.head);
    free(L->grid.entries);
    memset(&L->grid, 0, sizeof L->grid);
}

/* The cells @bx touches, clamped to the grid (a box off the page is in the
 * cells at its edge: it can meet only boxes that reach there too). */
static void
cells_of(const layout_grid *g, box bx, int *i0, int *j0, int *i1, int *j1)
{
    double c = LAYOUT_CELL_PX;
    double x0 = floor(bx.x / c), y0 = floor(bx.y / c);
    double x1 = floor((bx.x + bx.w) / c), y1 = floor((bx.y + bx.h) / c);
    *i0 = !(x0 > 0) ? 0 : x0 >= g->nx ? g->nx - 1 : (int)x0;
    *j0 = !(y0 > 0) ? 0 : y0 >= g->ny ? g->ny - 1 : (int)y0;
    *i1 = !(x1 > 0) ? 0 : x1 >= g->nx ? g->nx - 1 : (int)x1;
    *j1 = !(y1 > 0) ? 0 : y1 >= g->ny ? g->ny - 1 : (int)y1;
}

int
layout_box_free(const layout *L, box bx)
{
    const layout_grid *g = &L->grid;
    int i0, j0, i1, j1;
    if (!g->head) {   /* no grid: every obstacle */
        for (size_t i = 0; i < L->n_obstacles; i++)
            if (layout_overlaps(bx, L->obstacles[i]))
                return 0;
        return 1;
    }
    cells_of(g, bx, &i0, &j0, &i1, &j1);
    for (int j = j0; j <= j1; j++)
        for (int i = i0; i <= i1; i++)
            for (int e = g->head[j * g->nx + i]; e >= 0; e = g->entries[e].next)
                if (layout_overlaps(bx, L->obstacles[g->entries[e].obstacle]))
                    return 0;
    return 1;
}

void
layout_add_obstacle(layout *L, box bx)
{
    layout_grid *g = &L->grid;
    int i0, j0, i1, j1;
    if (!CM_GROW(L->obstacles, L->n_obstacles, L->cap_obstacles)) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    L->obstacles[L->n_obstacles++] = bx;
    if (!g->head)
        return;
    cells_of(g, bx, &i0, &j0, &i1, &j1);
    size_t need = g->n_entries + (size_t)(i1 - i0 + 1) * (size_t)(j1 - j0 + 1);
    if (need > INT_MAX || L->n_obstacles > INT_MAX ||
        !CM_RESERVE(g->entries, g->cap_entries, need)) {
        L->n_obstacles--;
        L->status = CM_ERR_NOMEM;
        return;
    }
    for (int j = j0; j <= j1; j++)
        for (int i = i0; i <= i1; i++) {
            int *h = &g->head[j * g->nx + i];
            g->entries[g->n_entries] = (struct layout_grid_entry){ *h, (int)(L->n_obstacles - 1) };
            *h = (int)g->n_entries++;
        }
}

void
layout_pop_obstacle(layout *L)
{
    layout_grid *g = &L->grid;
    int i0, j0, i1, j1;
    if (!L->n_obstacles)
        return;
    box bx = L->obstacles[--L->n_obstacles];
    if (!g->head)
        return;
    /* its entries are the latest of each of its cells, and the latest made */
    cells_of(g, bx, &i0, &j0, &i1, &j1);
    for (int j = j0; j <= j1; j++)
        for (int i = i0; i <= i1; i++) {
            int *h = &g->head[j * g->nx + i];
            if (*h >= 0 && (size_t)g->entries[*h].obstacle == L->n_obstacles)
                *h = g->entries[*h].next;
        }
    while (g->n_entries && (size_t)g->entries[g->n_entries - 1].obstacle == L->n_obstacles)
        g->n_entries--;
}

static int
fits(const layout *L, box bx)
{
    const double *r = L->b->map_rect;
    if (bx.x < r[0] + 2 || bx.y < r[1] + 2 || bx.x + bx.w > r[0] + r[2] - 2 ||
        bx.y + bx.h > r[1] + r[3] - 2)
        return 0;
    return layout_box_free(L, bx);
}

static int
try_box(layout *L, cm_scene_label *lb, double x, double y)
{
    box bx = { x, y, lb->w, lb->h };
    if (!fits(L, bx) || reserved_by_other(L, bx, lb))
        return 0;
    lb->x = x;
    lb->y = y;
    lb->hold[0] = x;
    lb->hold[1] = y;
    lb->hold[2] = lb->w;
    lb->hold[3] = lb->h;
    layout_add_obstacle(L, (box){ bx.x - 2, bx.y - 1, bx.w + 4, bx.h + 2 });
    return 1;
}

/* Where @lb's anchor is: its start, middle or end, on its first baseline. */
static double
anchor_x(const cm_scene_label *lb)
{
    return lb->anchor == CM_ANCHOR_START ? lb->x
           : lb->anchor == CM_ANCHOR_MIDDLE ? lb->x + lb->w / 2 : lb->x + lb->w;
}

static double
anchor_y(const cm_scene_label *lb)
{
    return lb->y + lb->baseline_px;
}

/* The left of @lb's box when its @anchor is at @ax. */
static double
left_of(const cm_scene_label *lb, cm_anchor anchor, double ax)
{
    return anchor == CM_ANCHOR_START ? ax : anchor == CM_ANCHOR_MIDDLE ? ax - lb->w / 2
                                                                       : ax - lb->w;
}

/* @lb with its @anchor at (@ax, @ay), if it fits there. */
static int
try_anchor(layout *L, cm_scene_label *lb, cm_anchor anchor, double ax, double ay)
{
    if (!try_box(L, lb, left_of(lb, anchor, ax), ay - lb->baseline_px))
        return 0;
    lb->anchor = anchor;
    return 1;
}

/* Where the previous slice put a label with the same text and group, if it
 * did: keeping it there is what stops a sequence of maps from jittering. */
static const cm_scene_label *
previous_label(const layout *L, const cm_scene_label *lb)
{
    const cm_scene *prev = L->sc->previous;
    for (size_t i = 0; prev && i < prev->n_labels; i++)
        if (prev->labels[i].group == lb->group &&
            strcmp(prev->labels[i].text, lb->text) == 0)
            return &prev->labels[i];
    return NULL;
}

/* The largest line a label beside a point may have, an event's, new (bold):
 * its height and baseline. The positions beside a point put the baseline
 * where that line would have it, whatever @lb's own size, so that a name
 * keeps its baseline when it changes size; a label of several lines keeps
 * its own. */
static void
line_room(layout *L, const cm_scene_label *lb, double *h, double *baseline)
{
    double w;
    layout_measure(L, "Hg", L->st->label_event_px, 1, 0, &w, h, baseline);
    if (lb->h > 1.5 * *h) {
        *h = lb->h;
        *baseline = lb->baseline_px;
    }
}

/* Further out, with a leader line back to the point: for places so close
 * together (Hadrut and its villages) that their names cannot sit beside them.
 * Directions alternate right and left, nearest first. */
static int
place_with_leader(layout *L, cm_scene_label *lb, double x, double y, double r)
{
    static const double angles_deg[] = { 0, 180, -30, 150, 30, -150, -60, 120, 60, -120,
                                         -90, 90 };
    double h, base;
    line_room(L, lb, &h, &base);
    for (double d = r + 22; d <= r + 110; d += 22)
        for (size_t k = 0; k < sizeof(angles_deg) / sizeof(angles_deg[0]); k++) {
            double a = angles_deg[k] * M_PI / 180, c = cos(a), s = sin(a);
            if (!try_anchor(L, lb, c >= 0 ? CM_ANCHOR_START : CM_ANCHOR_END, x + d * c,
                            y + d * s - h / 2 + base))
                continue;
            lb->has_leader = 1;
            lb->leader_x = x + r * c;
            lb->leader_y = y + r * s;
            return 1;
        }
    return 0;
}

/* The @k-th position beside a point, in the order cartographers prefer:
 * right, left, above, below, then the diagonals: which point of the label is
 * anchored, and where (@h, @base: line_room). */
static void
candidate(int k, double x, double y, double gap, double h, double base, cm_anchor *anchor,
          double *ax, double *ay)
{
    const double mid = y - h / 2 + base, above = y - (h - base), below = y + base, d = gap * 0.7;
    const struct { cm_anchor anchor; double x, y; } c[8] = {
        { CM_ANCHOR_START, x + gap, mid }, { CM_ANCHOR_END, x - gap, mid },
        { CM_ANCHOR_MIDDLE, x, above - gap }, { CM_ANCHOR_MIDDLE, x, below + gap },
        { CM_ANCHOR_START, x + d, above - d }, { CM_ANCHOR_START, x + d, below + d },
        { CM_ANCHOR_END, x - d, above - d }, { CM_ANCHOR_END, x - d, below + d },
    };
    *anchor = c[k].anchor;
    *ax = c[k].x;
    *ay = c[k].y;
}

/* Puts a label beside the point (x, y) with a symbol of radius @r: where it
 * was on the previous slice (its anchor there, whatever its size now), else
 * right, left, above, below, then the diagonals, the order cartographers
 * prefer; then, for an event, further out with a leader line. */
int
layout_place_label(layout *L, cm_scene_label *lb, double x, double y, double r, int mode)
{
    int leader = mode == LABEL_EVENT;
    double gap = r + 3, h, base;
    lb->is_beside = 1;
    lb->point_x = x;
    lb->point_y = y;
    const cm_scene_label *prev = previous_label(L, lb);
    int same_size = prev && fabs(prev->hold[2] - lb->w) < 0.5 && fabs(prev->hold[3] - lb->h) < 0.5;
    if (prev && !prev->has_leader &&
        try_anchor(L, lb, prev->anchor, anchor_x(prev), anchor_y(prev))) {
        lb->spot = prev->spot;
        return 1;
    }
    if (prev && prev->has_leader && leader && fabs(prev->leader_x - x) < r + 1 &&
        fabs(prev->leader_y - y) < r + 1 &&
        try_anchor(L, lb, prev->anchor, anchor_x(prev), anchor_y(prev))) {
        lb->has_leader = 1;
        lb->leader_x = prev->leader_x;
        lb->leader_y = prev->leader_y;
        return 1;
    }
    /* A name already on the map stays where the reader saw it, or leaves the
     * map for this slice; it never jumps (an edge arrow's name moves with it).
     * One that changed size (bold while new, regular after) whose spot a newer
     * label took moves, to its old side first. */
    if (same_size && mode != LABEL_EDGE)
        return 0;
    int first = prev && !prev->has_leader ? prev->spot : 0;
    line_room(L, lb, &h, &base);
    for (int i = 0; i < 8; i++) {
        int k = i == 0 ? first : i <= first ? i - 1 : i;
        cm_anchor anchor;
        double ax, ay;
        candidate(k, x, y, gap, h, base, &anchor, &ax, &ay);
        if (try_anchor(L, lb, anchor, ax, ay)) {
            lb->spot = k;
            return 1;
        }
    }
    return leader && place_with_leader(L, lb, x, y, r);
}

/* A label that must go beside a point or not at all. */
void
layout_label_point(layout *L, const char *text, const cm_event *ev, double x, double y, double r,
                   double size_px, int bold, cm_rgba color, int mode)
{
    cm_scene_label *lb = layout_add_label(L, text, CM_GROUP_LABELS, size_px, bold, 0, color);
    if (!lb)
        return;
    lb->event = ev;
    lb->has_halo = 1;
    lb->halo = L->st->halo;
    /* A town's name that will be an event's label is placed as that label,
     * bold and larger, and set in its own size on the same anchor: the room
     * it holds is there for the label when the event comes. */
    double w = lb->w, h = lb->h, base = lb->baseline_px;
    if (mode == LABEL_PLACE)
        layout_measure(L, text, L->st->label_event_px, 1, 0, &lb->w, &lb->h, &lb->baseline_px);
    if (!layout_place_label(L, lb, x, y, r, mode)) {
        layout_note_dropped(L, text);
        free(lb->text);
        L->sc->n_labels--;
        return;
    }
    double ax = anchor_x(lb), ay = anchor_y(lb);
    lb->w = w;
    lb->h = h;
    lb->baseline_px = base;
    lb->x = left_of(lb, lb->anchor, ax);
    lb->y = ay - base;
}

/* A name set on its point (seas, lakes, countries): centred, or a little
 * above or below; no symbol. */
void
layout_label_area(layout *L, const char *text, double x, double y, double size_px, int bold,
                  int italic, cm_rgba color)
{
    cm_scene_label *lb = layout_add_label(L, text, CM_GROUP_LABELS, size_px, bold, italic, color);
    if (!lb)
        return;
    lb->has_halo = 1;
    lb->halo = L->st->halo;
    const cm_scene_label *prev = previous_label(L, lb);
    if (prev && try_box(L, lb, prev->x, prev->y))
        return;
    for (int k = 0; !prev && k < 5; k++) {
        double dy = (k % 2 ? 1 : -1) * ((k + 1) / 2) * lb->h;
        if (try_box(L, lb, x - lb->w / 2, y - lb->h / 2 + dy))
            return;
    }
    free(lb->text);
    L->sc->n_labels--;
}
