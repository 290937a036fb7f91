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

static int grid_put(layout_grid *g, box bx, size_t item);

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
void
layout_fit_width(layout *L, cm_scene_label *lb, double w_px)
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
        layout_measure(L, copy, lb->size_px, lb->bold, lb->italic, &lb->w, &lb->h,
                       &lb->baseline_px);
    }
}

/* Whether a line may end at the space at @text[@i] when broken between words:
 * not inside "95 km²" or "9 October" (after a number), "9 October, 04:00"
 * (before a time after a comma), nor before the French " ;" or " :"; a space
 * that is neither is. */
static int
breakable_space(const char *text, size_t i)
{
    unsigned char before = i > 0 ? (unsigned char)text[i - 1] : ' ',
                  after = (unsigned char)text[i + 1];
    if (before >= '0' && before <= '9')
        return 0;
    if (before == ',' && after >= '0' && after <= '9')
        return 0;
    return !after || !strchr(";:!?", after);
}

/* layout_wrap_lines(), placing the lines as labels when @place; *@whole (when
 * not NULL): whether the text fit, none of it cut or left out. */
static double
wrap_lines(layout *L, cm_group group, const char *text, const char *sep, double size_px,
           int bold, cm_rgba color, double x, double y, double width, int max_lines, int place,
           int *whole)
{
    size_t n = strlen(text), start = 0, len = strlen(sep);
    int cut = 0;
    for (int line = 0; line < max_lines && start < n && L->status == CM_OK; line++) {
        char buf[1024];
        size_t best = 0;
        double w = 0, h, base;
        /* the longest run of whole words from @start that fits, broken where
         * breakable_space() allows when that fits, else at any space */
        for (int any = 0; any < 2 && !best; any++)
        for (size_t i = start; i <= n; i++) {
            int at_break = i == n || strncmp(text + i, sep, len) == 0;
            if (at_break && i < n && !any && len == 1 && sep[0] == ' ' &&
                !breakable_space(text, i))
                continue;
            if (!at_break)
                continue;
            size_t end = i == n ? n : i + (sep[0] == ' ' ? 0 : len);
            if (end - start >= sizeof(buf))
                break;
            memcpy(buf, text + start, end - start);
            buf[end - start] = '\0';
            layout_measure(L, buf, size_px, bold, 0, &w, &h, &base);
            if (w > width && best)
                break;
            if (w > width && !any)   /* no allowed break fits: try every space */
                break;
            best = end;
            if (w > width)
                break;
        }
        if (best == 0)
            break;
        size_t end = best;
        int last = line == max_lines - 1 && end < n;
        if (last)
            end = n;
        memcpy(buf, text + start, end - start < sizeof(buf) ? end - start : sizeof(buf) - 1);
        buf[end - start < sizeof(buf) ? end - start : sizeof(buf) - 1] = '\0';
        if (place) {
            cm_scene_label *lb = layout_add_label(L, buf, group, size_px, bold, 0, color);
            if (!lb)
                break;
            cut |= lb->w > width;
            if (lb->w > width)
                layout_fit_width(L, lb, width);
            lb->x = x;
            lb->y = y;
            y += lb->h;
        } else {
            layout_measure(L, buf, size_px, bold, 0, &w, &h, &base);
            cut |= w > width;
            y += h;
        }
        start = end;
        while (start < n && (text[start] == ' ' || strncmp(text + start, sep, len) == 0))
            start += text[start] == ' ' ? 1 : len;
    }
    if (whole)
        *whole = !cut && start >= n;
    return y;
}

double
layout_wrap_lines(layout *L, cm_group group, const char *text, const char *sep, double size_px,
                  int bold, cm_rgba color, double x, double y, double width, int max_lines)
{
    return wrap_lines(L, group, text, sep, size_px, bold, color, x, y, width, max_lines, 1, NULL);
}

int
layout_wraps_whole(layout *L, const char *text, const char *sep, double size_px, int bold,
                   double width, int max_lines)
{
    int whole = 0;
    wrap_lines(L, CM_GROUP_FRAME, text, sep, size_px, bold, (cm_rgba){ 0, 0, 0, 0 }, 0, 0, width,
               max_lines, 0, &whole);
    return whole;
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
    if (!grid_put(&L->marker_grid, (box){ x - r, y - r, 2 * r, 2 * r }, sc->n_markers - 1))
        L->status = CM_ERR_NOMEM;
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

/* ---- the grids: obstacles, markers, leader lines ------------------------------------ */

static cm_status
grid_init(layout_grid *g, int width_px, int height_px)
{
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

static void
grid_free(layout_grid *g)
{
    free(g->head);
    free(g->entries);
    memset(g, 0, sizeof *g);
}

cm_status
layout_grid_init(layout *L, int width_px, int height_px)
{
    cm_status st = grid_init(&L->grid, width_px, height_px);
    if (st == CM_OK)
        st = grid_init(&L->marker_grid, width_px, height_px);
    if (st == CM_OK)
        st = grid_init(&L->leader_grid, width_px, height_px);
    return st;
}

void
layout_grid_free(layout *L)
{
    grid_free(&L->grid);
    grid_free(&L->marker_grid);
    grid_free(&L->leader_grid);
    free(L->leaders);
    L->leaders = NULL;
    L->n_leaders = L->cap_leaders = 0;
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

/* Files @item under the cells @bx touches. 0 when out of memory. */
static int
grid_put(layout_grid *g, box bx, size_t item)
{
    int i0, j0, i1, j1;
    if (!g->head)
        return 1;
    cells_of(g, bx, &i0, &j0, &i1, &j1);
    size_t need = g->n_entries + (size_t)(i1 - i0 + 1) * (size_t)(j1 - j0 + 1);
    if (need > INT_MAX || item > INT_MAX || !CM_RESERVE(g->entries, g->cap_entries, need))
        return 0;
    for (int j = j0; j <= j1; j++)
        for (int i = i0; i <= i1; i++) {
            int *h = &g->head[j * g->nx + i];
            g->entries[g->n_entries] = (struct layout_grid_entry){ *h, (int)item };
            *h = (int)g->n_entries++;
        }
    return 1;
}

/* Runs @body with @var each item of @g filed under the cells @bx touches
 * (one under several cells, once a cell); nothing when @g has no cells. */
#define GRID_EACH(g, bx, var, body)                                                      \
    do {                                                                                  \
        int i0_, j0_, i1_, j1_;                                                           \
        if (!(g)->head)                                                                   \
            break;                                                                        \
        cells_of((g), (bx), &i0_, &j0_, &i1_, &j1_);                                      \
        for (int j_ = j0_; j_ <= j1_; j_++)                                               \
            for (int i_ = i0_; i_ <= i1_; i_++)                                           \
                for (int e_ = (g)->head[j_ * (g)->nx + i_]; e_ >= 0;                      \
                     e_ = (g)->entries[e_].next) {                                        \
                    size_t var = (size_t)(g)->entries[e_].item;                           \
                    body                                                                  \
                }                                                                         \
    } while (0)

/* ---- segments ------------------------------------------------------------------------- */

/* The distance from (@px, @py) to the segment (@x0, @y0)-(@x1, @y1). */
static double
point_segment(double px, double py, double x0, double y0, double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

static double
cross(double ax, double ay, double bx, double by, double cx, double cy)
{
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* The distance between two segments: 0 when they cross. */
static double
segment_segment(const layout_leader *a, const layout_leader *b)
{
    double d1 = cross(a->x0, a->y0, a->x1, a->y1, b->x0, b->y0);
    double d2 = cross(a->x0, a->y0, a->x1, a->y1, b->x1, b->y1);
    double d3 = cross(b->x0, b->y0, b->x1, b->y1, a->x0, a->y0);
    double d4 = cross(b->x0, b->y0, b->x1, b->y1, a->x1, a->y1);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
        return 0;
    return fmin(fmin(point_segment(a->x0, a->y0, b->x0, b->y0, b->x1, b->y1),
                     point_segment(a->x1, a->y1, b->x0, b->y0, b->x1, b->y1)),
                fmin(point_segment(b->x0, b->y0, a->x0, a->y0, a->x1, a->y1),
                     point_segment(b->x1, b->y1, a->x0, a->y0, a->x1, a->y1)));
}

/* Whether the segment @s passes through the box @bx (Liang-Barsky clipping). */
static int
segment_meets_box(const layout_leader *s, box bx)
{
    double t0 = 0, t1 = 1, dx = s->x1 - s->x0, dy = s->y1 - s->y0;
    double p[4] = { -dx, dx, -dy, dy };
    double q[4] = { s->x0 - bx.x, bx.x + bx.w - s->x0, s->y0 - bx.y, bx.y + bx.h - s->y0 };
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] < 0)
                return 0;
            continue;
        }
        double t = q[k] / p[k];
        if (p[k] < 0 && t > t0)
            t0 = t;
        else if (p[k] > 0 && t < t1)
            t1 = t;
        if (t0 > t1)
            return 0;
    }
    return 1;
}

static box
segment_bounds(const layout_leader *s, double margin)
{
    double x = fmin(s->x0, s->x1), y = fmin(s->y0, s->y1);
    return (box){ x - margin, y - margin, fabs(s->x1 - s->x0) + 2 * margin,
                  fabs(s->y1 - s->y0) + 2 * margin };
}

/* ---- the obstacles ----------------------------------------------------------------- */

/* How far a leader line keeps from a box or another leader line. */
enum { LEADER_CLEAR_PX = 2 };

int
layout_box_free(const layout *L, box bx)
{
    const layout_grid *g = &L->grid;
    if (!g->head) {   /* no grid: every obstacle */
        for (size_t i = 0; i < L->n_obstacles; i++)
            if (layout_overlaps(bx, L->obstacles[i]))
                return 0;
        return 1;
    }
    GRID_EACH(g, bx, k, {
        if (layout_overlaps(bx, L->obstacles[k]))
            return 0;
    });
    box wide = { bx.x - LEADER_CLEAR_PX, bx.y - LEADER_CLEAR_PX, bx.w + 2 * LEADER_CLEAR_PX,
                 bx.h + 2 * LEADER_CLEAR_PX };
    GRID_EACH(&L->leader_grid, wide, k, {
        if (segment_meets_box(&L->leaders[k], wide))
            return 0;
    });
    return 1;
}

void
layout_add_obstacle(layout *L, box bx)
{
    if (!CM_GROW(L->obstacles, L->n_obstacles, L->cap_obstacles)) {
        L->status = CM_ERR_NOMEM;
        return;
    }
    L->obstacles[L->n_obstacles++] = bx;
    if (L->n_obstacles > INT_MAX || !grid_put(&L->grid, bx, L->n_obstacles - 1)) {
        L->n_obstacles--;
        L->status = CM_ERR_NOMEM;
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
            if (*h >= 0 && (size_t)g->entries[*h].item == L->n_obstacles)
                *h = g->entries[*h].next;
        }
    while (g->n_entries && (size_t)g->entries[g->n_entries - 1].item == L->n_obstacles)
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

static double left_of(const cm_scene_label *lb, cm_anchor anchor, double ax);

/* The distance from (@px, @py) to the nearest point of @bx. */
static double
box_distance(box bx, double px, double py)
{
    double dx = px < bx.x ? bx.x - px : px > bx.x + bx.w ? px - bx.x - bx.w : 0;
    double dy = py < bx.y ? bx.y - py : py > bx.y + bx.h ? py - bx.y - bx.h : 0;
    return hypot(dx, dy);
}

/* @lb may take @bx: it overlaps nothing, holds no other label's place, and
 * beside a point, is no further from it than layout_label_max_px. */
static int
box_ok(const layout *L, const cm_scene_label *lb, box bx)
{
    if (!fits(L, bx) || reserved_by_other(L, bx, lb))
        return 0;
    return !lb->is_beside ||
           box_distance(bx, lb->point_x, lb->point_y) <= layout_label_max_px(L->st);
}

static void
take_box(layout *L, cm_scene_label *lb, box bx)
{
    lb->x = bx.x;
    lb->y = bx.y;
    lb->hold[0] = bx.x;
    lb->hold[1] = bx.y;
    lb->hold[2] = lb->w;
    lb->hold[3] = lb->h;
    layout_add_obstacle(L, (box){ bx.x - 2, bx.y - 1, bx.w + 4, bx.h + 2 });
}

static int
try_box(layout *L, cm_scene_label *lb, double x, double y)
{
    box bx = { x, y, lb->w, lb->h };
    if (!box_ok(L, lb, bx))
        return 0;
    take_box(L, lb, bx);
    return 1;
}

/* Whether the marker @m is one of the place's at (@x, @y): on its events'
 * ring, or the square of the side holding it. */
static int
own_marker(const layout *L, const cm_scene_marker *m, double x, double y)
{
    if (m->group == CM_GROUP_EVENTS && m->event && !m->is_offmap) {
        const double *xy = &L->b->event_xy[2 * cm_event_index(m->event)];
        return fabs(layout_spot(xy[0]) - x) < 0.5 && fabs(layout_spot(xy[1]) - y) < 0.5;
    }
    return fabs(m->x - x) < 1 && fabs(m->y - y) < 1;
}

static int
box_contains(box bx, double x, double y)
{
    return x >= bx.x && x <= bx.x + bx.w && y >= bx.y && y <= bx.y + bx.h;
}

/* The leader line @s from the place at (@x, @y) keeps clear of every marker
 * but the place's own, of every other leader line, and of every obstacle
 * (other labels, boxes, symbols) but those its place is in. */
static int
leader_clear(const layout *L, const layout_leader *s, double x, double y)
{
    box near = segment_bounds(s, LEADER_CLEAR_PX);
    GRID_EACH(&L->marker_grid, near, k, {
        const cm_scene_marker *m = &L->sc->markers[k];
        if (m->group != CM_GROUP_LEGEND && !own_marker(L, m, x, y) &&
            point_segment(m->x, m->y, s->x0, s->y0, s->x1, s->y1) < m->r + 1.5)
            return 0;
    });
    GRID_EACH(&L->leader_grid, near, k, {
        if (segment_segment(s, &L->leaders[k]) < LEADER_CLEAR_PX)
            return 0;
    });
    GRID_EACH(&L->grid, near, k, {
        box o = L->obstacles[k];
        if (!box_contains(o, x, y) && !box_contains(o, s->x0, s->y0) && segment_meets_box(s, o))
            return 0;
    });
    return 1;
}

/* @lb with its @anchor at (@ax, @ay) and a leader line from (@sx, @sy), the
 * edge of its place's symbols, when the box fits (box_ok) and the line
 * crosses nothing (leader_clear). */
static int
try_leader(layout *L, cm_scene_label *lb, cm_anchor anchor, double ax, double ay, double sx,
           double sy)
{
    box bx = { left_of(lb, anchor, ax), ay - lb->baseline_px, lb->w, lb->h };
    if (!box_ok(L, lb, bx))
        return 0;
    cm_scene_label probe = *lb;
    probe.x = bx.x;
    probe.y = bx.y;
    probe.leader_x = sx;
    probe.leader_y = sy;
    layout_leader s = { sx, sy, sx, sy };
    cm_scene_leader_end(&probe, &s.x1, &s.y1);
    if (!leader_clear(L, &s, lb->point_x, lb->point_y))
        return 0;
    if (!CM_GROW(L->leaders, L->n_leaders, L->cap_leaders) ||
        !grid_put(&L->leader_grid, segment_bounds(&s, 0), L->n_leaders)) {
        L->status = CM_ERR_NOMEM;
        return 0;
    }
    L->leaders[L->n_leaders++] = s;
    take_box(L, lb, bx);
    lb->anchor = anchor;
    lb->has_leader = 1;
    lb->leader_x = sx;
    lb->leader_y = sy;
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
 * Every 22.5 degrees, right and left in turn, nearest first, no further than
 * layout_label_max_px; the line crosses no other, and no marker. */
static int
place_with_leader(layout *L, cm_scene_label *lb, double x, double y, double r)
{
    static const double angles_deg[] = { 0, 180, -22.5, 157.5, 22.5, -157.5, -45, 135, 45,
                                         -135, -67.5, 112.5, 67.5, -112.5, -90, 90 };
    double h, base, far = layout_label_max_px(L->st);
    line_room(L, lb, &h, &base);
    for (double d = r + 6; d <= far + 4; d += 8)
        for (size_t k = 0; k < sizeof(angles_deg) / sizeof(angles_deg[0]); k++) {
            double a = angles_deg[k] * M_PI / 180, c = cos(a), s = sin(a);
            if (try_leader(L, lb, c >= 0 ? CM_ANCHOR_START : CM_ANCHOR_END, x + d * c,
                           y + d * s - h / 2 + base, x + r * c, y + r * s))
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
        try_leader(L, lb, prev->anchor, anchor_x(prev), anchor_y(prev), prev->leader_x,
                   prev->leader_y))
        return 1;
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
