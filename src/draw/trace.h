/* Tracing: the outline of a scene path or of a marker's symbol added to a
 * cairo path, in the scene's pixels. Below both writers: the cairo backend
 * (draw.c) fills and strokes what is traced here, the SVG writer (draw_svg.c)
 * copies it out as path data, so a shape has one geometry in every format.
 * Inline, as they were static in draw.c: called per path and per marker. */
#ifndef CM_SRC_TRACE_H
#define CM_SRC_TRACE_H

#include "layout/scene.h"

#include <cairo.h>
#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* Where point (@x, @y) of a path lies against rows @lo to @hi (user units):
 * -1 above them, 1 below, 0 among them; 2 not a point (a gap). */
static inline int
cm_row_side(double x, double y, double lo, double hi)
{
    return !isfinite(x) || !isfinite(y) ? 2 : y < lo ? -1 : y > hi ? 1 : 0;
}

/* Adds the outline of @p (every part; gaps at non-finite points) to @cr's
 * current path, but with each run of points on one side of rows @lo to @hi
 * (user units) cut to its first and last point. What cairo makes of rows
 * @lo to @hi is unchanged: a scan line there meets only edges with an end
 * there or ends on both sides, and those are all kept; the chord that
 * replaces a run lies on the run's side, as the run does. For a stroke, @lo
 * and @hi must be the rows drawn widened by what a segment's or join's pen
 * reaches past its points (draw.c's trimmed_rows); not for a dashed stroke,
 * whose dashes fall by the length before them. A band of a slice drawn
 * again (draw.c's paint_areas) meets a short stretch of a long front: cairo
 * walked, and stroked, all of its points for each band. */
static inline void
cm_trace_path_rows(cairo_t *cr, const cm_scene_path *p, double lo, double hi)
{
    const double *xy = p->xy;
    for (size_t k = 0; k < p->n_parts; k++) {
        size_t a = p->part_start[k], b = p->part_start[k + 1];
        int pen_down = 0;
        for (size_t i = a; i < b; i++) {
            double x = xy[2 * i], y = xy[2 * i + 1];
            int side = cm_row_side(x, y, lo, hi);
            if (side == 2) {
                pen_down = 0;
                continue;
            }
            if (side != 0 && pen_down && i + 1 < b &&
                cm_row_side(xy[2 * i - 2], xy[2 * i - 1], lo, hi) == side &&
                cm_row_side(xy[2 * i + 2], xy[2 * i + 3], lo, hi) == side)
                continue;   /* within a run on one side: its ends are kept */
            if (pen_down)
                cairo_line_to(cr, x, y);
            else
                cairo_move_to(cr, x, y);
            pen_down = 1;
        }
        if (p->is_polygon && pen_down)
            cairo_close_path(cr);
    }
}

/* Adds the outline of @p (every part; gaps at non-finite points) to @cr's
 * current path: all of it, every point among unbounded rows. */
static inline void
cm_trace_path(cairo_t *cr, const cm_scene_path *p)
{
    cm_trace_path_rows(cr, p, -HUGE_VAL, HUGE_VAL);
}

static inline void
trace_polygon(cairo_t *cr, double x, double y, double r, int n, double start, double inner)
{
    int points = inner > 0 ? 2 * n : n;
    for (int k = 0; k < points; k++) {
        double a = start + 2 * M_PI * k / points;
        double rr = inner > 0 && k % 2 ? inner : r;
        if (k == 0)
            cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
        else
            cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
    }
    cairo_close_path(cr);
}

static inline void
trace_bar_cross(cairo_t *cr, double x, double y, double r, double angle)
{
    double w = r * 0.38;
    for (int k = 0; k < 2; k++) {
        double a = angle + k * M_PI / 2, c = cos(a), s = sin(a);
        cairo_move_to(cr, x - r * c - w * s, y - r * s + w * c);
        cairo_line_to(cr, x + r * c - w * s, y + r * s + w * c);
        cairo_line_to(cr, x + r * c + w * s, y + r * s - w * c);
        cairo_line_to(cr, x - r * c + w * s, y - r * s - w * c);
        cairo_close_path(cr);
    }
}

/* Adds the outline of @m's symbol to @cr's current path (nothing for a line). */
static inline void
cm_trace_symbol(cairo_t *cr, const cm_scene_marker *m)
{
    double x = m->x, y = m->y, r = m->r;
    switch (m->symbol) {
    case CM_SYM_CIRCLE: cairo_arc(cr, x, y, r, 0, 2 * M_PI); break;
    case CM_SYM_SQUARE: cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8); break;
    case CM_SYM_HATCH: {   /* a square and its diagonal hatching: segments fill nothing */
        double s = r * 1.8, x0 = x - r * 0.9, y1 = y + r * 0.9;
        cairo_rectangle(cr, x0, y1 - s, s, s);
        for (double c = -s + s / 4; c < s; c += s / 4) {   /* u - v = c, v upwards */
            cairo_move_to(cr, x0 + fmax(0, c), y1 - fmax(0, -c));
            cairo_line_to(cr, x0 + fmin(s, s + c), y1 - fmin(s, s - c));
        }
        break;
    }
    case CM_SYM_DIAMOND: trace_polygon(cr, x, y, r * 1.2, 4, -M_PI / 2, 0); break;
    case CM_SYM_TRIANGLE: trace_polygon(cr, x, y + r * 0.2, r * 1.25, 3, -M_PI / 2, 0); break;
    case CM_SYM_STAR: trace_polygon(cr, x, y, r * 1.3, 8, -M_PI / 2, r * 0.6); break;
    case CM_SYM_CROSS: trace_bar_cross(cr, x, y, r * 1.1, M_PI / 4); break;
    case CM_SYM_PLUS: trace_bar_cross(cr, x, y, r * 1.1, 0); break;
    case CM_SYM_HEXAGON: trace_polygon(cr, x, y, r * 1.1, 6, 0, 0); break;
    case CM_SYM_STAR4: trace_polygon(cr, x, y, r * 1.45, 4, -M_PI / 2, r * 0.45); break;
    case CM_SYM_PENTAGON: trace_polygon(cr, x, y, r * 1.1, 5, -M_PI / 2, 0); break;
    case CM_SYM_LINE:
        break;
    case CM_SYM_ARROW:
        cairo_move_to(cr, x + r * 1.4 * cos(m->angle), y + r * 1.4 * sin(m->angle));
        cairo_line_to(cr, x + r * cos(m->angle + 2.5), y + r * sin(m->angle + 2.5));
        cairo_line_to(cr, x + r * 0.3 * cos(m->angle + M_PI), y + r * 0.3 * sin(m->angle + M_PI));
        cairo_line_to(cr, x + r * cos(m->angle - 2.5), y + r * sin(m->angle - 2.5));
        cairo_close_path(cr);
        break;
    }
}

#endif
