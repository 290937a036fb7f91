/* The SVG writer: the scene as an SVG document whose text is text (<text>
 * elements a reader can search, translate or edit), whose layers are named
 * groups and whose events carry their data. It draws what the cairo backend
 * draws, in the same order (paint.h) and with the same geometry (trace.h), so
 * that it looks like the PNG of the slice. Every string from the input is
 * escaped for XML, and characters XML 1.0 cannot carry are dropped. */
#include "draw/draw_svg.h"
#include "common/decimal.h"
#include "common/outfile.h"
#include "draw/paint.h"
#include "draw/trace.h"
#include "layout/scene.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

typedef struct svg {
    cm_outfile o;
    const cm_scene *sc;
    const cm_scene_base *b;
    cairo_t *cr;           /* traces shapes; never draws */
    double scale;
    int nomem;
    size_t n_clips;        /* clip paths made so far, for unique ids */
    const char *used_ids[32];
    size_t n_used_ids;
} svg;

/* ---- writing ---------------------------------------------------------------------------- */

static void
put(svg *s, const char *text)
{
    cm_outfile_puts(&s->o, text);
}

/* A coordinate to 0.01 px, without trailing zeros: "12.5", "-3", "0", at
 * @out, which has room for 32 bytes; returns the length. Not a number is 0. */
static size_t
num_at(char *out, double v)
{
    if (!isfinite(v))
        v = 0;
    size_t n = cm_decimal(out, v, 2);
    if (n > 0)
        return n;
    /* 2^53 px or more, a whole number: with an exponent, which SVG reads
     * ("%.2f" of 1e40 is 44 characters, and cutting it at 31 wrote 1e28) */
    return (size_t)snprintf(out, 32, "%.17g", v);
}

_Static_assert(CM_DECIMAL_MAX <= 32, "num_at() writes at most 32 bytes");

static const char *
num(double v, char buf[32])
{
    num_at(buf, v);
    return buf;
}

/* " name=\"v\"" with @v as a number. */
static void
put_num(svg *s, const char *name, double v)
{
    char b[32];
    cm_outfile_printf(&s->o, " %s=\"%s\"", name, num(v, b));
}

/* The length of the UTF-8 sequence at @p that XML 1.0 can carry, or 0 when it
 * must be dropped: C0 controls other than tab, newline and return, DEL and the
 * C1 controls, U+FFFE and U+FFFF, and anything not well-formed. */
static size_t
xml_char(const unsigned char *p)
{
    unsigned c = p[0];
    if (c < 0x20)
        return c == '\t' || c == '\n' || c == '\r';
    if (c < 0x7f)
        return 1;
    if (c < 0xc2)   /* DEL, or a byte that cannot start a sequence */
        return 0;
    size_t n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
    for (size_t k = 1; k < n; k++)
        if ((p[k] & 0xc0) != 0x80)
            return 0;
    if (n == 2 && c == 0xc2 && p[1] < 0xa0)   /* U+0080..U+009F */
        return 0;
    if (n == 3) {
        unsigned cp = ((c & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
        if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
            return 0;
    }
    if (n == 4) {
        unsigned cp = ((c & 0x07) << 18) | ((p[1] & 0x3f) << 12);
        if (cp < 0x10000 || cp > 0x10ffff)
            return 0;
    }
    return n;
}

/* @text escaped for XML text and attribute values alike. */
static void
put_text(svg *s, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t n = xml_char(p);
        if (n == 0) {   /* dropped; skip one byte (the rest follow as continuations) */
            p++;
            while ((*p & 0xc0) == 0x80)
                p++;
            continue;
        }
        switch (*p) {
        case '&': put(s, "&amp;"); break;
        case '<': put(s, "&lt;"); break;
        case '>': put(s, "&gt;"); break;
        case '"': put(s, "&quot;"); break;
        case '\'': put(s, "&apos;"); break;
        case '\n': put(s, "&#10;"); break;
        case '\r': put(s, "&#13;"); break;
        case '\t': put(s, "&#9;"); break;
        default: cm_outfile_write(&s->o, p, n);
        }
        p += n;
    }
}

static void
put_attr(svg *s, const char *name, const char *value)
{
    cm_outfile_printf(&s->o, " %s=\"", name);
    put_text(s, value);
    put(s, "\"");
}

static int
channel(double v)
{
    return (int)lround(fmin(fmax(v, 0), 1) * 255);
}

/* fill="#rrggbb" fill-opacity="a", or fill="none" for a transparent colour. */
static void
put_paint(svg *s, const char *what, cm_rgba c)
{
    if (c.a <= 0) {
        cm_outfile_printf(&s->o, " %s=\"none\"", what);
        return;
    }
    cm_outfile_printf(&s->o, " %s=\"#%02x%02x%02x\"", what, channel(c.r), channel(c.g), channel(c.b));
    if (c.a < 1) {
        char b[32];
        cm_outfile_printf(&s->o, " %s-opacity=\"%s\"", what, num(c.a, b));
    }
}

static void
put_stroke(svg *s, const cm_stroke *st)
{
    if (st->width_px <= 0) {
        put(s, " stroke=\"none\"");
        return;
    }
    put_paint(s, "stroke", st->color);
    put_num(s, "stroke-width", st->width_px);
    if (st->dash_px[0] > 0) {
        char a[32], b[32];
        cm_outfile_printf(&s->o, " stroke-dasharray=\"%s %s\"", num(st->dash_px[0], a), num(st->dash_px[1], b));
    }
}

/* The path @s->cr holds as SVG path data; then clears it. */
static void
put_traced(svg *s)
{
    cairo_path_t *path = cairo_copy_path(s->cr);
    char prev[64];   /* the last point's text, "x y" */
    size_t prev_len = 0;
    if (path->status != CAIRO_STATUS_SUCCESS) {
        s->nomem = 1;
        cairo_path_destroy(path);
        cairo_new_path(s->cr);
        return;
    }
    put(s, " d=\"");
    for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
        const cairo_path_data_t *d = &path->data[i];
        char line[6 * 32 + 8];   /* a command letter, six numbers and their spaces */
        size_t n = 1;
        switch (d->header.type) {
        case CAIRO_PATH_MOVE_TO:
        case CAIRO_PATH_LINE_TO:
            n += num_at(line + n, d[1].point.x);
            line[n++] = ' ';
            n += num_at(line + n, d[1].point.y);
            /* a point that rounds onto the last adds nothing */
            if (d->header.type == CAIRO_PATH_MOVE_TO || n - 1 != prev_len ||
                memcmp(line + 1, prev, prev_len) != 0) {
                line[0] = d->header.type == CAIRO_PATH_MOVE_TO ? 'M' : 'L';
                cm_outfile_write(&s->o, line, n);
            }
            prev_len = n - 1;
            memcpy(prev, line + 1, prev_len);
            break;
        case CAIRO_PATH_CURVE_TO: {
            line[0] = 'C';
            size_t last = 0;   /* where the end point starts */
            for (int k = 1; k <= 3; k++) {
                if (k == 3)
                    last = n;
                n += num_at(line + n, d[k].point.x);
                line[n++] = ' ';
                n += num_at(line + n, d[k].point.y);
                line[n++] = ' ';
            }
            n--;   /* no space after the last */
            cm_outfile_write(&s->o, line, n);
            prev_len = n - last;
            memcpy(prev, line + last, prev_len);
            break;
        }
        case CAIRO_PATH_CLOSE_PATH:
            put(s, "Z");
            break;
        }
    }
    put(s, "\"");
    cairo_path_destroy(path);
    cairo_new_path(s->cr);
}

/* A group's id when it is a plain word not used yet (ids must be unique; a
 * layer role given on the command line can be any text), always its class. */
static void
open_group(svg *s, const char *name)
{
    int plain = name[0] != '\0' && strlen(name) < 40;
    for (const char *p = name; *p && plain; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    for (size_t i = 0; plain && i < s->n_used_ids; i++)
        plain = strcmp(s->used_ids[i], name) != 0;
    put(s, "<g");
    if (plain && s->n_used_ids < sizeof(s->used_ids) / sizeof(s->used_ids[0])) {
        s->used_ids[s->n_used_ids++] = name;
        put_attr(s, "id", name);
    }
    put_attr(s, "class", name);
    put(s, ">\n");
}

/* ---- shapes ----------------------------------------------------------------------------- */

static void
put_path(svg *s, const cm_scene_path *p)
{
    cm_trace_path(s->cr, p);
    put(s, "<path");
    put_traced(s);
    put_paint(s, "fill", p->fill);
    put_stroke(s, &p->stroke);
    put(s, "/>\n");
}

/* Paths in their order, a group for each run of one role. */
static void
put_path_list(svg *s, const cm_scene_path *paths, size_t n, int named)
{
    const char *group = NULL;
    for (size_t i = 0; i < n; i++) {
        if (named && (!group || strcmp(group, cm_scene_path_group(&paths[i])) != 0)) {
            if (group)
                put(s, "</g>\n");
            group = cm_scene_path_group(&paths[i]);
            open_group(s, group);
        }
        put_path(s, &paths[i]);
    }
    if (group)
        put(s, "</g>\n");
}

/* A clip path of the path @s->cr holds; returns its number. */
static size_t
put_clip(svg *s, const char *rule)
{
    size_t id = ++s->n_clips;
    cm_outfile_printf(&s->o, "<clipPath id=\"clip%zu\"><path clip-rule=\"%s\"", id, rule);
    put_traced(s);
    put(s, "/></clipPath>\n");
    return id;
}

/* Claimed areas are hatched as the cairo backend hatches them: lines 7 px
 * apart from the bottom left of the area's clip extents (which that backend
 * measures on the pixel grid at @scale). */
static void
put_areas(svg *s)
{
    const cm_scene *sc = s->sc;
    const double *r = s->b->map_rect;
    for (size_t i = 0; i < sc->n_areas; i++) {
        const cm_scene_area *a = &sc->areas[i];
        const cm_scene_path *p = CM_SCENE_AREA_PATH(sc, a);
        const char *status = a->is_front    ? "front"
                             : a->is_lost   ? "lost"
                             : a->is_gained ? "changed"
                             : a->is_contested ? "contested"
                             : a->is_claimed   ? "claimed"
                                               : "controlled";
        if (a->is_front || a->is_gained) {
            cm_trace_path(s->cr, p);
            put(s, "<path");
            put_attr(s, "data-side", a->side ? a->side : "");
            put_attr(s, "data-status", status);
            put_traced(s);
            put_paint(s, "fill", a->is_front ? (cm_rgba){ 0, 0, 0, 0 } : a->color);
            put_stroke(s, &(cm_stroke){ { a->color.r, a->color.g, a->color.b,
                                          a->is_front ? a->color.a : 1 },
                                        a->is_front ? 2.4 : 2, { 0, 0 } });
            put(s, "/>\n");
            continue;
        }
        if (!a->is_claimed) {
            cm_trace_path(s->cr, p);
            put(s, "<path");
            put_attr(s, "data-side", a->side ? a->side : "");
            put_attr(s, "data-status", status);
            put_traced(s);
            put_paint(s, "fill", a->color);
            if (a->is_contested)
                put_stroke(s, &(cm_stroke){ { a->color.r, a->color.g, a->color.b, 0.9 }, 1.4,
                                            { 5, 3 } });
            put(s, "/>\n");
            continue;
        }
        double x0, y0, x1, y1;
        cairo_t *cr = s->cr;
        cairo_save(cr);
        cairo_scale(cr, s->scale, s->scale);
        cairo_rectangle(cr, r[0], r[1], r[2], r[3]);
        cairo_clip(cr);
        cm_trace_path(cr, p);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_clip(cr);
        cairo_clip_extents(cr, &x0, &y0, &x1, &y1);
        cairo_restore(cr);
        cairo_new_path(cr);
        cm_trace_path(cr, p);
        size_t clip = put_clip(s, "evenodd");
        for (double d = x0 - (y1 - y0); d < x1; d += 7) {
            cairo_move_to(cr, d, y1);
            cairo_line_to(cr, d + (y1 - y0), y0);
        }
        cm_outfile_printf(&s->o, "<path clip-path=\"url(#clip%zu)\" fill=\"none\"", clip);
        put_attr(s, "data-side", a->side ? a->side : "");
        put_attr(s, "data-status", status);
        put_traced(s);
        put_paint(s, "stroke", (cm_rgba){ a->color.r, a->color.g, a->color.b, 0.6 });
        put(s, " stroke-width=\"1.6\"/>\n");
    }
    /* the fine coast's sea and coastline over them, as draw.c paints them */
    for (size_t i = 0; sc->n_areas && i < s->b->n_paths; i++)
        if (s->b->paths[i].group == CM_GROUP_SEA || s->b->paths[i].group == CM_GROUP_COAST)
            put_path(s, &s->b->paths[i]);
}

static void
put_circle(svg *s, double x, double y, double r)
{
    put(s, "<circle");
    put_num(s, "cx", x);
    put_num(s, "cy", y);
    put_num(s, "r", r);
}

static void
put_marker(svg *s, const cm_scene_marker *m)
{
    if (m->symbol == CM_SYM_LINE) {
        cairo_move_to(s->cr, m->x - m->r * 1.6, m->y);
        cairo_line_to(s->cr, m->x + m->r * 1.6, m->y);
        put(s, "<path fill=\"none\"");
        put_traced(s);
        put_stroke(s, &(cm_stroke){ m->stroke, m->stroke_px, { m->dash_px[0], m->dash_px[1] } });
        put(s, "/>\n");
        return;
    }
    if (m->uncertainty_px > 0) {
        put_circle(s, m->x, m->y, m->uncertainty_px);
        put_paint(s, "fill", (cm_rgba){ m->fill.r, m->fill.g, m->fill.b, 0.10 * m->fill.a });
        put_paint(s, "stroke", (cm_rgba){ m->stroke.r, m->stroke.g, m->stroke.b,
                                          0.5 * m->stroke.a });
        put(s, " stroke-width=\"1\" stroke-dasharray=\"3 3\"/>\n");
    }
    if (m->is_new) {
        put_circle(s, m->x, m->y, m->r + 4.5);
        put_paint(s, "fill", s->b->style->new_glow);
        put(s, "/>\n");
    }
    if (m->symbol == CM_SYM_CIRCLE) {
        put_circle(s, m->x, m->y, m->r);
    } else {
        cm_trace_symbol(s->cr, m);
        put(s, "<path");
        put_traced(s);
    }
    put_paint(s, "fill", m->fill);
    if (m->stroke_px > 0)
        put_stroke(s, &(cm_stroke){ m->stroke, m->stroke_px, { m->dash_px[0], m->dash_px[1] } });
    put(s, "/>\n");
}

/* The scene's event positions by place (x, then y, then as added). */
static int
compare_spots(const void *pa, const void *pb)
{
    const struct cm_scene_position *a = pa, *b = pb;
    if (a->x != b->x)
        return a->x < b->x ? -1 : 1;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

/* data-ids: the ids of every event drawn at the marker's spot (an arrow at
 * the edge stands for all the events off the map that way), @e's first. */
static void
put_ids(svg *s, const struct cm_scene_position *by_spot, size_t n, const cm_scene_marker *m,
        const cm_event *e)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct cm_scene_position *p = &by_spot[mid];
        if (p->x < m->x || (p->x == m->x && p->y < m->y))
            lo = mid + 1;
        else
            hi = mid;
    }
    put(s, " data-ids=\"");
    put_text(s, cm_event_id(e));
    for (size_t k = lo; k < n && by_spot[k].x == m->x && by_spot[k].y == m->y; k++)
        if (by_spot[k].event != e) {
            put(s, " ");
            put_text(s, cm_event_id(by_spot[k].event));
        }
    put(s, "\"");
}

/* Each event's marker is a group that says what the event is, and which
 * events it stands for. */
static void
put_markers(svg *s, cm_group group)
{
    char when[CM_TIME_BUF], where[160];
    size_t n_spots = s->sc->n_positions;
    struct cm_scene_position *by_spot = malloc((n_spots + 1) * sizeof(*by_spot));
    if (!by_spot) {
        s->nomem = 1;
        return;
    }
    if (n_spots)
        memcpy(by_spot, s->sc->positions, n_spots * sizeof(*by_spot));
    qsort(by_spot, n_spots, sizeof(*by_spot), compare_spots);
    for (size_t i = 0; i < s->sc->n_markers; i++) {
        const cm_scene_marker *m = &s->sc->markers[i];
        const cm_event *e = m->event;
        if (m->group != group)
            continue;
        if (!e) {
            put_marker(s, m);
            continue;
        }
        put(s, "<g class=\"event\"");
        put_attr(s, "data-id", cm_event_id(e));
        put_ids(s, by_spot, n_spots, m, e);
        put_attr(s, "data-time", cm_time_format_iso(cm_event_time(e), when));
        put_attr(s, "data-kind", cm_event_kind(e));
        put_attr(s, "data-status", cm_event_status(e));
        if (m->is_new)
            put(s, " data-new=\"true\"");
        /* "Shelling reported · 12 km SE of Kherson": what, and where in the
         * words of the map's labels (src/load/events_where.c). */
        put(s, "><title>");
        put_text(s, *cm_event_headline(e) ? cm_event_headline(e) : cm_event_kind(e));
        put(s, " \xc2\xb7 ");
        put_text(s, cm_event_where(e, s->sc->base->lang, where, sizeof(where)));
        put(s, "</title>\n");
        put_marker(s, m);
        put(s, "</g>\n");
    }
    free(by_spot);
}

/* ---- text ------------------------------------------------------------------------------- */

/* A label as the cairo backend sets it: the same pango layout, each line a
 * <tspan> at its baseline, from its anchor (its start, middle or end: the
 * point that stays beside its place in a viewer's other font too); the halo is
 * a stroke painted under the fill. */
static void
put_label(svg *s, const cm_scene_label *lb)
{
    const cm_style *st = s->b->style;
    PangoLayout *pl = pango_cairo_create_layout(s->cr);   /* this thread's font map */
    PangoFontDescription *fd = cm_scene_font(st, lb->size_px, lb->bold, lb->italic);
    pango_layout_set_font_description(pl, fd);
    cm_scene_left_to_right(pl);
    pango_layout_set_text(pl, lb->text, -1);
    put(s, "<text");
    put_num(s, "font-size", lb->size_px);
    if (lb->bold)
        put(s, " font-weight=\"bold\"");
    if (lb->italic)
        put(s, " font-style=\"italic\"");
    if (lb->anchor != CM_ANCHOR_START)
        put(s, lb->anchor == CM_ANCHOR_MIDDLE ? " text-anchor=\"middle\""
                                              : " text-anchor=\"end\"");
    put_paint(s, "fill", lb->color);
    if (lb->has_halo) {
        put_paint(s, "stroke", lb->halo);
        put_num(s, "stroke-width", st->halo_px);
        put(s, " stroke-linejoin=\"round\" paint-order=\"stroke\"");
    }
    if (lb->event)
        put_attr(s, "data-id", cm_event_id(lb->event));
    put(s, ">");
    PangoLayoutIter *it = pango_layout_get_iter(pl);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double x = lb->x + (double)logical.x / PANGO_SCALE;
        if (lb->anchor != CM_ANCHOR_START)
            x += (double)logical.width / PANGO_SCALE / (lb->anchor == CM_ANCHOR_MIDDLE ? 2 : 1);
        double y = lb->y + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        char text[1024];
        size_t n = (size_t)line->length < sizeof(text) ? (size_t)line->length
                                                       : sizeof(text) - 1;
        memcpy(text, lb->text + line->start_index, n);
        text[n] = '\0';
        while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
            text[--n] = '\0';
        put(s, "<tspan");
        put_num(s, "x", x);
        put_num(s, "y", y);
        put(s, ">");
        put_text(s, text);
        put(s, "</tspan>");
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    put(s, "</text>\n");
    pango_font_description_free(fd);
    g_object_unref(pl);
}

/* The leader from the point to the nearest side of the label's box, a muted
 * line over a halo, as the cairo backend draws it. */
static void
put_leader(svg *s, const cm_scene_label *lb)
{
    const cm_style *st = s->b->style;
    double tx, ty;
    cm_scene_leader_end(lb, &tx, &ty);
    for (int k = 0; k < 2; k++) {
        cairo_move_to(s->cr, lb->leader_x, lb->leader_y);
        cairo_line_to(s->cr, tx, ty);
        put(s, "<path class=\"leader\" fill=\"none\"");
        put_traced(s);
        put_paint(s, "stroke", k ? st->text_muted : st->halo);
        put(s, k ? " stroke-width=\"0.9\"/>\n" : " stroke-width=\"2.6\"/>\n");
    }
}

static void
put_labels(svg *s, cm_group group)
{
    for (size_t i = 0; i < s->sc->n_labels; i++)
        if (s->sc->labels[i].has_leader && s->sc->labels[i].group == group)
            put_leader(s, &s->sc->labels[i]);
    for (size_t i = 0; i < s->sc->n_labels; i++)
        if (s->sc->labels[i].group == group)
            put_label(s, &s->sc->labels[i]);
}

static void
put_rects(svg *s, cm_group group)
{
    for (size_t i = 0; i < s->sc->n_rects; i++) {
        const cm_scene_rect *r = &s->sc->rects[i];
        if (r->group != group)
            continue;
        put(s, "<rect");
        put_num(s, "x", r->x);
        put_num(s, "y", r->y);
        put_num(s, "width", r->w);
        put_num(s, "height", r->h);
        put_paint(s, "fill", r->fill);
        put_stroke(s, &r->stroke);
        put(s, "/>\n");
    }
}

static void
put_rect_path(svg *s, double x, double y, double w, double h)
{
    cairo_rectangle(s->cr, x, y, w, h);
    put_traced(s);
}

/* The locator inset: water, the world around the story, the map's extent. */
static void
put_inset(svg *s, const char *id)
{
    const cm_scene_base *b = s->b;
    const double *r = b->inset_rect, *e = b->inset_extent;
    if (r[2] <= 0)
        return;
    cairo_rectangle(s->cr, r[0], r[1], r[2], r[3]);
    size_t clip = put_clip(s, "nonzero");
    open_group(s, id);
    cm_outfile_printf(&s->o, "<g clip-path=\"url(#clip%zu)\" fill-rule=\"evenodd\" stroke-linejoin=\"round\" "
            "stroke-linecap=\"round\">\n<path", clip);
    put_rect_path(s, r[0], r[1], r[2], r[3]);
    put_paint(s, "fill", b->style->water);
    put(s, "/>\n");
    put_path_list(s, b->inset, b->n_inset, 0);
    put(s, "<path fill=\"none\" stroke=\"#cc1f1f\" stroke-width=\"1.5\"");
    put_rect_path(s, e[0], e[1], fmax(e[2], 3), fmax(e[3], 3));
    put(s, "/>\n</g>\n<path fill=\"none\"");
    put_rect_path(s, r[0], r[1], r[2], r[3]);
    put_stroke(s, &(cm_stroke){ b->style->rule, 1, { 0, 0 } });
    put(s, "/>\n</g>\n");
}

/* The first sentence of the alt text, for the document's title. */
static void
put_title(svg *s, const char *alt)
{
    const char *end = strstr(alt, ". ");
    char buf[512];
    size_t n = end ? (size_t)(end - alt) + 1 : strlen(alt);
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    memcpy(buf, alt, n);
    buf[n] = '\0';
    put(s, "<title id=\"title\">");
    put_text(s, buf);
    put(s, "</title>\n<desc id=\"desc\">");
    put_text(s, alt);
    put(s, "</desc>\n");
}

/* The CSS font-family list for the style's family: quoted unless it is plain. */
static void
put_font_family(svg *s, const char *family)
{
    char buf[256];
    size_t n = 0;
    for (const char *p = family; *p && n + 1 < sizeof(buf); p++)
        if (*p != '\'' && *p != '\\' && *p != ';')
            buf[n++] = *p;
    buf[n] = '\0';
    put(s, " font-family=\"'");
    put_text(s, buf);
    put(s, "', sans-serif\"");
}

/* Opens the group of what is clipped to the map. */
static void
open_map(svg *s)
{
    const double *r = s->b->map_rect;
    cairo_rectangle(s->cr, r[0], r[1], r[2], r[3]);
    size_t clip = put_clip(s, "nonzero");
    /* On the map the cairo backend fills even-odd and joins and caps round. */
    cm_outfile_printf(&s->o, "<g id=\"map\" clip-path=\"url(#clip%zu)\" fill-rule=\"evenodd\" "
            "stroke-linejoin=\"round\" stroke-linecap=\"round\">\n", clip);
}

/* Writes @st, one step of the paint order: the markers, labels and boxes of a
 * group, and the areas, in an SVG group of the step's id. */
static void
put_step(svg *s, const cm_paint_step *st)
{
    const cm_scene_base *b = s->b;
    switch (st->what) {
    case CM_PAINT_WATER:
        put(s, "<rect class=\"water\" width=\"100%\" height=\"100%\"");
        put_paint(s, "fill", b->style->water);
        put(s, "/>\n");
        return;
    case CM_PAINT_BASE_MAP:
        put_path_list(s, b->paths, b->n_paths, 1);
        return;
    case CM_PAINT_INSET:   /* its group inside its clip path */
        put_inset(s, st->svg_id);
        return;
    case CM_PAINT_AREAS:
        open_group(s, st->svg_id);
        put_areas(s);
        break;
    case CM_PAINT_MARKERS:
        open_group(s, st->svg_id);
        put_markers(s, st->group);
        break;
    case CM_PAINT_LABELS:
        open_group(s, st->svg_id);
        put_labels(s, st->group);
        break;
    case CM_PAINT_BOX:
        open_group(s, st->svg_id);
        put_rects(s, st->group);
        put_markers(s, st->group);
        put_labels(s, st->group);
        break;
    }
    put(s, "</g>\n");
}

/* The document, in the paint order (paint.h) that the cairo backend draws. */
static void
put_document(svg *s)
{
    const cm_scene_base *b = s->b;
    int w = b->width_px, h = b->height_px, on_map = 0;
    char cw[32], ch[32];

    put(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    cm_outfile_printf(&s->o, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%s\" "
            "height=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "aria-labelledby=\"title desc\"", num(w * s->scale, cw), num(h * s->scale, ch),
         w, h);
    put_font_family(s, b->style->font_family);
    put(s, " text-rendering=\"geometricPrecision\" stroke-miterlimit=\"10\" "
           "xml:space=\"preserve\">\n");
    put_title(s, cm_scene_alt(s->sc) ? cm_scene_alt(s->sc) : "");
    for (size_t i = 0; i < CM_N_PAINT_STEPS; i++) {
        const cm_paint_step *st = &cm_paint_order[i];
        if (st->on_map && !on_map)
            open_map(s);
        else if (!st->on_map && on_map)
            put(s, "</g>\n");
        on_map = st->on_map;
        put_step(s, st);
    }
    put(s, on_map ? "</g>\n</svg>\n" : "</svg>\n");
}

cm_status
cm_draw_svg(const cm_scene *scene, double scale, const char *path, cm_diag_list *diags)
{
    svg s = { .sc = scene, .b = scene->base, .scale = scale };
    cm_status st = cm_outfile_open(&s.o, path, diags);
    if (st != CM_OK)
        return st;
    cairo_surface_t *surface = cairo_image_surface_create(
        CAIRO_FORMAT_A1, (int)ceil(s.b->width_px * scale), (int)ceil(s.b->height_px * scale));
    s.cr = cairo_create(surface);
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);   /* as draw.c */
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(s.cr, opts);
    cairo_font_options_destroy(opts);
    if (cairo_status(s.cr) == CAIRO_STATUS_SUCCESS)
        put_document(&s);
    else
        s.nomem = 1;
    cairo_destroy(s.cr);
    cairo_surface_destroy(surface);
    if (s.nomem) {
        cm_outfile_abort(&s.o);
        return CM_ERR_NOMEM;
    }
    if (s.o.failed) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot write \"%s\": the disk may be full", path);
        cm_outfile_abort(&s.o);
        return CM_ERR_IO;
    }
    return cm_outfile_commit(&s.o, diags);
}
