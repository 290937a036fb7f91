/* The cairo backend: one drawing routine for every surface, so PNG, PDF and
 * the SVG of glyph outlines of a slice show the same map. Which surface, and
 * the file it becomes, is format.c's. Text goes through pango; strings are
 * set as plain text, never as markup. */
#include "draw/draw.h"
#include "common/pages.h"
#include "draw/paint.h"
#include "draw/sprite.h"
#include "draw/trace.h"

#include <cairo.h>
#include <math.h>
#include <stdint.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

static void
set_rgba(cairo_t *cr, cm_rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

static void
set_stroke(cairo_t *cr, const cm_stroke *s)
{
    set_rgba(cr, s->color);
    cairo_set_line_width(cr, s->width_px);
    if (s->dash_px[0] > 0)
        cairo_set_dash(cr, s->dash_px, 2, 0);
    else
        cairo_set_dash(cr, NULL, 0, 0);
}

/* ---- paths ------------------------------------------------------------------------------ */

static void
draw_path_list(cairo_t *cr, const cm_scene_path *paths, size_t n)
{
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (size_t i = 0; i < n; i++) {
        const cm_scene_path *p = &paths[i];
        cairo_new_path(cr);
        cm_trace_path(cr, p);
        if (p->fill.a > 0) {
            set_rgba(cr, p->fill);
            cairo_fill_preserve(cr);
        }
        if (p->stroke.width_px > 0) {
            set_stroke(cr, &p->stroke);
            cairo_stroke(cr);
        }
        cairo_new_path(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
}

/* The locator inset: water, the world around the story, the map's extent. */
static void
draw_inset(cairo_t *cr, const cm_scene_base *b)
{
    const double *r = b->inset_rect, *e = b->inset_extent;
    if (r[2] <= 0)
        return;
    cairo_save(cr);
    cairo_rectangle(cr, r[0], r[1], r[2], r[3]);
    set_rgba(cr, b->style->water);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    draw_path_list(cr, b->inset, b->n_inset);
    cairo_rectangle(cr, e[0], e[1], fmax(e[2], 3), fmax(e[3], 3));
    cairo_set_source_rgb(cr, 0.80, 0.12, 0.12);
    cairo_set_line_width(cr, 1.5);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_rectangle(cr, r[0], r[1], r[2], r[3]);
    set_stroke(cr, &(cm_stroke){ b->style->rule, 1, { 0, 0 } });
    cairo_stroke(cr);
}

/* ---- symbols -------------------------------------------------------------------------- */

static void
draw_line_symbol(cairo_t *cr, const cm_scene_marker *m)
{
    cairo_move_to(cr, m->x - m->r * 1.6, m->y);
    cairo_line_to(cr, m->x + m->r * 1.6, m->y);
    set_rgba(cr, m->stroke);
    cairo_set_line_width(cr, m->stroke_px);
    if (m->dash_px[0] > 0)
        cairo_set_dash(cr, m->dash_px, 2, 0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

static void
set_marker(cairo_t *cr, const cm_scene_marker *m, cm_rgba glow)
{
    if (m->symbol == CM_SYM_LINE) {
        draw_line_symbol(cr, m);
        return;
    }
    if (m->uncertainty_px > 0) {
        cairo_arc(cr, m->x, m->y, m->uncertainty_px, 0, 2 * M_PI);
        cairo_set_source_rgba(cr, m->fill.r, m->fill.g, m->fill.b, 0.10 * m->fill.a);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, m->stroke.r, m->stroke.g, m->stroke.b, 0.5 * m->stroke.a);
        cairo_set_line_width(cr, 1);
        double dash[2] = { 3, 3 };
        cairo_set_dash(cr, dash, 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    if (m->is_new) {   /* a glow that says "this is new" */
        cairo_arc(cr, m->x, m->y, m->r + 4.5, 0, 2 * M_PI);
        set_rgba(cr, glow);
        cairo_fill(cr);
    }
    cm_trace_symbol(cr, m);
    set_rgba(cr, m->fill);
    cairo_fill_preserve(cr);
    if (m->stroke_px > 0) {
        set_rgba(cr, m->stroke);
        cairo_set_line_width(cr, m->stroke_px);
        if (m->dash_px[0] > 0)
            cairo_set_dash(cr, m->dash_px, 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    cairo_new_path(cr);
}


/* ---- text ------------------------------------------------------------------------------- */

/* Sets @pl, @lb's text, at (@x, @y): its halo first, then the text. */
static void
set_label(cairo_t *cr, const cm_style *style, const cm_scene_label *lb, PangoLayout *pl,
          double x, double y)
{
    if (lb->has_halo) {
        cairo_move_to(cr, x, y);
        pango_cairo_layout_path(cr, pl);
        set_rgba(cr, lb->halo);
        cairo_set_line_width(cr, style->halo_px);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_move_to(cr, x, y);
    set_rgba(cr, lb->color);
    pango_cairo_show_layout(cr, pl);
}

/* The halo's coverage grown from the text's, @r device pixels outwards:
 * what stroking the outlines with a pen of 2 @r gives, from the pixels
 * rather than the outlines. A pixel the text covers by c has its edge about
 * c - 1/2 pixel from its centre; a pixel at a distance d from it is inside
 * the halo by about c - 1/2 + r - d, so it is covered by that plus 1/2,
 * clamped, taken from whichever such pixel covers it most. Pixels the text
 * does not touch say nothing of where its edge is, and are skipped. Both
 * masks are A8 of @w x @h, rows @stride bytes apart. */
enum { HALO_REACH = 8 };   /* the widest halo grown: r + 1 at most this (14 px at scale 1) */

static void
grow_halo(const unsigned char *text, unsigned char *halo, int w, int h, int stride, double r)
{
    enum { REACH = HALO_REACH };
    int16_t acc[4096];     /* a sprite is narrower (sprite_context) */
    int16_t add[2 * REACH + 1][2 * REACH + 1];   /* what a pixel at (dx, dy) adds, by distance */
    int reach = (int)ceil(r + 1);
    reach = reach < REACH ? reach : REACH;   /* set_label_sprite's callers keep r + 1 within */
    w = w < 4096 ? w : 4096;
    for (int dy = -reach; dy <= reach; dy++)
        for (int dx = -reach; dx <= reach; dx++) {
            double d = sqrt((double)(dx * dx + dy * dy));
            add[dy + REACH][dx + REACH] = d < r + 1 ? (int16_t)lround(255 * (r - d)) : INT16_MIN;
        }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++)
            acc[x] = 0;
        for (int dy = -reach; dy <= reach; dy++) {
            int sy = y + dy;
            if (sy < 0 || sy >= h)
                continue;
            const unsigned char *row = text + (size_t)sy * (size_t)stride;
            for (int dx = -reach; dx <= reach; dx++) {
                if (add[dy + REACH][dx + REACH] == INT16_MIN)
                    continue;
                int16_t a = add[dy + REACH][dx + REACH];
                int x0 = dx < 0 ? -dx : 0, x1 = dx > 0 ? w - dx : w;
                for (int x = x0; x < x1; x++) {
                    int16_t c = row[x + dx];
                    int16_t v = c ? (int16_t)(c + a) : 0;
                    acc[x] = v > acc[x] ? v : acc[x];
                }
            }
        }
        unsigned char *out = halo + (size_t)y * (size_t)stride;
        for (int x = 0; x < w; x++)
            out[x] = (unsigned char)(acc[x] > 255 ? 255 : acc[x]);
    }
}

/* Sets @pl, @lb's text, on @scr, a label's sprite (an image surface of its
 * own, its user space the label's): the text as an A8 mask, its halo grown
 * from that mask (grow_halo), then both painted. Stroking the outlines was
 * most of the time a run spends on text: cairo turns each glyph's curves
 * into a polygon of thousands of edges (1.5 M instructions for
 * "Stepanakert" at 13 px, against 29 K to set the text). Returns 0 when
 * out of memory. */
static int
set_label_sprite(cairo_t *scr, const cm_style *style, const cm_scene_label *lb,
                 PangoLayout *pl, double scale)
{
    cairo_surface_t *target = cairo_get_target(scr);
    int w = cairo_image_surface_get_width(target), h = cairo_image_surface_get_height(target);
    cairo_surface_t *text = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_surface_t *halo = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_t *tc = cairo_create(text);
    int ok = cairo_status(tc) == CAIRO_STATUS_SUCCESS &&
             cairo_surface_status(halo) == CAIRO_STATUS_SUCCESS;
    if (ok) {
        cairo_font_options_t *opts = cairo_font_options_create();
        cairo_matrix_t m;
        cairo_get_font_options(scr, opts);
        cairo_set_font_options(tc, opts);
        cairo_font_options_destroy(opts);
        cairo_get_matrix(scr, &m);
        cairo_set_matrix(tc, &m);
        pango_cairo_update_layout(tc, pl);
        cairo_move_to(tc, 0, 0);
        pango_cairo_show_layout(tc, pl);
        cairo_surface_flush(text);
        ok = cairo_status(tc) == CAIRO_STATUS_SUCCESS;
    }
    cairo_destroy(tc);
    if (ok) {
        cairo_surface_flush(halo);
        grow_halo(cairo_image_surface_get_data(text), cairo_image_surface_get_data(halo), w, h,
                  cairo_image_surface_get_stride(text), scale * style->halo_px / 2);
        cairo_surface_mark_dirty(halo);
        cairo_save(scr);
        cairo_identity_matrix(scr);
        set_rgba(scr, lb->halo);
        cairo_mask_surface(scr, halo, 0, 0);
        set_rgba(scr, lb->color);
        cairo_mask_surface(scr, text, 0, 0);
        cairo_restore(scr);
    }
    cairo_surface_destroy(text);
    cairo_surface_destroy(halo);
    return ok;
}

static PangoLayout *
label_layout(cairo_t *cr, const cm_style *style, const cm_scene_label *lb)
{
    PangoLayout *pl = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = cm_scene_font(style, lb->size_px, lb->bold, lb->italic);
    pango_layout_set_font_description(pl, fd);
    cm_scene_left_to_right(pl);
    pango_layout_set_text(pl, lb->text, -1);
    pango_font_description_free(fd);
    return pl;
}

/* Where a sprite goes on an image surface whose matrix is a scale and a
 * shift: the device pixel holding the user point (@x, @y) and the point's
 * offset inside that pixel. 0 when @cr is not such a surface. */
typedef struct anchor {
    double scale, fx, fy;
    int ix, iy;
} anchor;

static int
anchor_of(cairo_t *cr, double x, double y, anchor *a)
{
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    if (cairo_surface_get_type(cairo_get_target(cr)) != CAIRO_SURFACE_TYPE_IMAGE ||
        m.xy != 0 || m.yx != 0 || m.xx != m.yy || !(m.xx > 0))
        return 0;
    double dx = m.xx * x + m.x0, dy = m.yy * y + m.y0;
    if (!(fabs(dx) < 1e6 && fabs(dy) < 1e6))
        return 0;
    a->scale = m.xx;
    a->ix = (int)floor(dx);
    a->iy = (int)floor(dy);
    a->fx = dx - a->ix;
    a->fy = dy - a->iy;
    return 1;
}

/* ---- what a slice draws over the ground ----------------------------------------------- */

/* The device-pixel rectangles drawn on a surface, kept while a slice is
 * drawn over the cache's ground (cm_draw_surface): restoring them from the
 * ground gives the ground back, and the PNG writer reads only them and the
 * previous slice's. Everything draw_scene() puts on such a surface passes
 * through damage_rect() or damage_full(); set as @cr's user data. */
typedef struct damage {
    size_t n, cap;
    int full;             /* unknown, or too much to list: everything */
    int nomem;            /* a rectangle could not be kept: the drawing fails */
    int (*r)[4];          /* x0, y0, x1, y1, x1 and y1 excluded */
    uint64_t *item;       /* what each rectangle holds: a hash of all its pixels depend on */
    int dry;              /* only listing what a slice would draw: nothing is drawn */
    const struct damage *only;   /* else, when set: only what meets these is drawn */
    const struct damage *bands;  /* and, with it, the bands of rows the areas are drawn in
                                    again (band_over) */
    struct area_seg *seg; /* the segments of the areas drawn (list_area), in order */
    size_t n_seg, cap_seg;
    int n_area;           /* the areas drawn */
    int segs_given;       /* seg and n_area hold what drawing lists (list_items): kept */
    int wide;             /* the fine coast's sea is drawn again over the areas, in every
                             band: their bands go across the map (band_over) */
} damage;

/* A segment of an area's outline as a slice draws it: where the next slice's
 * areas differ from this one's is found from the segments one has and the
 * other has not (areas_changed). */
typedef struct area_seg {
    uint64_t key;         /* the segment's ends, its place in its subpath, its area's look */
    int area;             /* the area's index */
    int box[4];           /* device pixels its fill's edge or its stroke can touch */
} area_seg;

/* The item of an area's whole extent: restored with the rest, but never drawn
 * again whole (close_over) nor compared whole (changed_items): an area is
 * drawn clipped to what changed, and what changed of it is found from its
 * segments. */
static const uint64_t area_item = 1;

static void
damage_free(damage *d)
{
    free(d->r);
    free(d->item);
    free(d->seg);
}

static int
meets(const int a[4], const int b[4])
{
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/* Whether @r meets one of @d's rectangles. */
static int
meets_any(const struct damage *d, const int r[4])
{
    for (size_t i = 0; i < d->n; i++)
        if (meets(d->r[i], r))
            return 1;
    return 0;
}

/* FNV-1a over @n bytes at @p, after @h. */
static uint64_t
item_hash(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

static const uint64_t item_seed = 14695981039346656037u;   /* FNV-1a's offset basis */

/* A hash of @cr's matrix after @h: what is drawn in user space depends on it. */
static uint64_t
matrix_hash(cairo_t *cr, uint64_t h)
{
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    return item_hash(h, &m, sizeof(m));
}

static const cairo_user_data_key_t damage_key;

static void
damage_full(cairo_t *cr)
{
    damage *d = cairo_get_user_data(cr, &damage_key);
    if (d)
        d->full = 1;
}

/* [@x0, @x1] x [@y0, @y1] in device pixels, widened to whole pixels, which
 * item @item (item_hash) covers; 0: unknown. Returns 0 when nothing is to be
 * drawn (a dry run, which only lists). */
static int
damage_rect(cairo_t *cr, double x0, double y0, double x1, double y1, uint64_t item)
{
    damage *d = cairo_get_user_data(cr, &damage_key);
    if (!d || d->full)
        return !d || !d->dry;
    if (!(x1 > x0 && y1 > y0 && fabs(x0) < 1e7 && fabs(y0) < 1e7 && fabs(x1) < 1e7 &&
          fabs(y1) < 1e7)) {
        if (!(x1 <= x0 || y1 <= y0))   /* not empty: too far to list */
            d->full = 1;
        return !d->dry;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        if (cap > 65536) {   /* more than anything draws: everything */
            d->full = 1;
            return !d->dry;
        }
        int (*r)[4] = realloc(d->r, cap * sizeof(*r));
        if (r)
            d->r = r;
        uint64_t *it = r ? realloc(d->item, cap * sizeof(*it)) : NULL;
        if (!it) {
            d->nomem = 1;
            return !d->dry;
        }
        d->item = it;
        d->cap = cap;
    }
    d->r[d->n][0] = (int)floor(x0);
    d->r[d->n][1] = (int)floor(y0);
    d->r[d->n][2] = (int)ceil(x1);
    d->r[d->n][3] = (int)ceil(y1);
    d->item[d->n] = item;
    d->n++;
    return !d->dry && (!d->only || meets_any(d->only, d->r[d->n - 1]));
}

/* [@x0, @x1] x [@y0, @y1] in @cr's user space, @pad user units wider on each
 * side, and a device pixel more for antialiasing. */
static int
damage_user(cairo_t *cr, double x0, double y0, double x1, double y1, double pad, uint64_t item)
{
    double xs[4] = { x0 - pad, x1 + pad, x0 - pad, x1 + pad };
    double ys[4] = { y0 - pad, y0 - pad, y1 + pad, y1 + pad };
    double lo_x = HUGE_VAL, lo_y = HUGE_VAL, hi_x = -HUGE_VAL, hi_y = -HUGE_VAL;
    for (int k = 0; k < 4; k++) {
        cairo_user_to_device(cr, &xs[k], &ys[k]);
        lo_x = fmin(lo_x, xs[k]);
        lo_y = fmin(lo_y, ys[k]);
        hi_x = fmax(hi_x, xs[k]);
        hi_y = fmax(hi_y, ys[k]);
    }
    return damage_rect(cr, lo_x - 1, lo_y - 1, hi_x + 1, hi_y + 1, item);
}

/* Copies the pixels of @img, an image surface that other threads may be
 * copying from at the same time, onto @cr with its top-left at device pixel
 * (@x, @y): a pixel-aligned rectangle, so pixman copies it. Cairo and pixman
 * keep state in a surface used as a source (pixman's reference count is not
 * atomic; ThreadSanitizer saw the writes), so each copy reads the shared
 * pixels through a surface of its own. Returns 0 when out of memory. */
static int
copy_image(cairo_t *cr, cairo_surface_t *img, int x, int y, uint64_t item)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    if (!damage_rect(cr, x, y, (double)x + w, (double)y + h, item))
        return 1;
    cairo_surface_t *own = cairo_image_surface_create_for_data(
        cairo_image_surface_get_data(img), CAIRO_FORMAT_ARGB32, w, h,
        cairo_image_surface_get_stride(img));
    int ok = cairo_surface_status(own) == CAIRO_STATUS_SUCCESS;
    if (ok) {
        cairo_save(cr);
        cairo_identity_matrix(cr);
        cairo_set_source_surface(cr, own, x, y);
        cairo_rectangle(cr, x, y, w, h);
        cairo_fill(cr);
        cairo_restore(cr);
    }
    cairo_surface_destroy(own);
    return ok;
}

/* Copies @sp, the sprite made for @key's @n bytes, onto @cr at @a; 0 when
 * out of memory. */
static int
paint_sprite(cairo_t *cr, const cm_sprite *sp, const anchor *a, const void *key, size_t n)
{
    return copy_image(cr, sp->surface, a->ix + sp->dx, a->iy + sp->dy,
                      item_hash(item_seed, key, n));
}

/* A new transparent surface covering the device box [@x0, @x1] x [@y0, @y1]
 * around @a, whose user space is @cr's shifted by the anchor; NULL when the
 * box is empty or too big to be worth it. */
static cairo_t *
sprite_context(cairo_t *cr, const anchor *a, double x0, double y0, double x1, double y1,
               int *dx, int *dy)
{
    if (!(x1 > x0 && y1 > y0 && x1 - x0 < 4096 && y1 - y0 < 4096))
        return NULL;
    *dx = (int)floor(x0);
    *dy = (int)floor(y0);
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(x1) - *dx,
                                                     (int)ceil(y1) - *dy);
    cairo_t *scr = cairo_create(sf);
    cairo_surface_destroy(sf);
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_get_font_options(cr, opts);
    cairo_set_font_options(scr, opts);
    cairo_font_options_destroy(opts);
    cairo_translate(scr, a->fx - *dx, a->fy - *dy);
    cairo_scale(scr, a->scale, a->scale);
    if (cairo_status(scr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(scr);
        return NULL;
    }
    return scr;
}

/* Ends drawing into @scr and hands its surface to the cache; 0 when out of memory. */
static int
keep_sprite(cairo_t *scr, const void *key, size_t n, int dx, int dy, cm_sprite *out)
{
    cairo_surface_t *sf = cairo_surface_reference(cairo_get_target(scr));
    int ok = cairo_status(scr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(scr);
    cairo_surface_flush(sf);
    if (!ok) {
        cairo_surface_destroy(sf);
        return 0;
    }
    return cm_sprite_add(key, n, sf, dx, dy, out);
}

/* The bytes a label sprite's pixels depend on: the label's look, the scale,
 * the position inside the pixel, the font family and the text. */
typedef struct label_key {
    double size_px, halo_px, scale, fx, fy;
    cm_rgba color, halo;
    int bold, italic, has_halo;
} label_key;

enum { LABEL_KEY_ROOM = 1024 };

static size_t
make_label_key(const cm_style *style, const cm_scene_label *lb, const anchor *a,
               unsigned char out[LABEL_KEY_ROOM])
{
    label_key k;
    memset(&k, 0, sizeof(k));   /* the padding too: the key is compared as bytes */
    k.size_px = lb->size_px;
    k.halo_px = lb->has_halo ? style->halo_px : 0;
    k.scale = a->scale;
    k.fx = a->fx;
    k.fy = a->fy;
    k.color = lb->color;
    k.halo = lb->has_halo ? lb->halo : (cm_rgba){ 0, 0, 0, 0 };
    k.bold = lb->bold;
    k.italic = lb->italic;
    k.has_halo = lb->has_halo;
    const char *family = style->font_family;
    size_t nf = strlen(family) + 1, nt = strlen(lb->text) + 1;
    if (sizeof(k) + nf + nt > LABEL_KEY_ROOM)
        return 0;
    memcpy(out, &k, sizeof(k));
    memcpy(out + sizeof(k), family, nf);
    memcpy(out + sizeof(k) + nf, lb->text, nt);
    return sizeof(k) + nf + nt;
}

/* On an image surface a label is set once a run at each spot it takes, and
 * copied from then on (src/draw/sprite.h); elsewhere (PDF, SVG) it is text.
 * Returns 0 when out of memory: drawing it otherwise would give other pixels. */
static int
draw_label(cairo_t *cr, const cm_style *style, const cm_scene_label *lb)
{
    unsigned char key[LABEL_KEY_ROOM];
    anchor a = { 0 };
    size_t n = anchor_of(cr, lb->x, lb->y, &a) ? make_label_key(style, lb, &a, key) : 0;
    cm_sprite sp = { NULL, 0, 0 };
    if (n && cm_sprite_find(key, n, &sp)) {
        int ok = paint_sprite(cr, &sp, &a, key, n);
        cairo_surface_destroy(sp.surface);
        return ok;
    }
    PangoLayout *pl = label_layout(cr, style, lb);
    cairo_t *scr = NULL;
    int dx = 0, dy = 0;
    if (n) {
        PangoRectangle ink;
        pango_layout_get_extents(pl, &ink, NULL);
        double s = a.scale, pad = s * (style->halo_px / 2 + 1) + 1;
        scr = sprite_context(cr, &a, a.fx + s * ink.x / PANGO_SCALE - pad,
                             a.fy + s * ink.y / PANGO_SCALE - pad,
                             a.fx + s * (ink.x + ink.width) / PANGO_SCALE + pad,
                             a.fy + s * (ink.y + ink.height) / PANGO_SCALE + pad, &dx, &dy);
    }
    int ok = 1;
    if (scr) {
        pango_cairo_update_layout(scr, pl);
        /* a style's halo wider than grow_halo reaches is stroked */
        if (lb->has_halo && a.scale * style->halo_px / 2 + 1 <= HALO_REACH)
            ok = set_label_sprite(scr, style, lb, pl, a.scale);
        else
            set_label(scr, style, lb, pl, 0, 0);
        if (ok)
            ok = keep_sprite(scr, key, n, dx, dy, &sp);
        else
            cairo_destroy(scr);
    }
    if (sp.surface) {
        ok = paint_sprite(cr, &sp, &a, key, n);
        cairo_surface_destroy(sp.surface);
    } else if (ok) {   /* not an image, or a label too big for a sprite */
        damage_full(cr);
        pango_cairo_update_layout(cr, pl);
        set_label(cr, style, lb, pl, lb->x, lb->y);
    }
    g_object_unref(pl);
    return ok;
}

/* The bytes a marker sprite's pixels depend on. */
typedef struct marker_key {
    double r, angle, stroke_px, dash_px[2], uncertainty_px, scale, fx, fy;
    cm_rgba fill, stroke, glow;
    int symbol, is_new, join, cap;
} marker_key;

/* A marker as a sprite on an image surface, as draw_label() does for a
 * label; returns 0 when out of memory. */
static int
draw_marker(cairo_t *cr, const cm_scene_marker *m, cm_rgba glow)
{
    marker_key k;
    anchor a = { 0 };
    cm_sprite sp = { NULL, 0, 0 };
    if (!anchor_of(cr, m->x, m->y, &a)) {
        damage_full(cr);
        set_marker(cr, m, glow);
        return 1;
    }
    memset(&k, 0, sizeof(k));   /* the padding too: the key is compared as bytes */
    k.r = m->r;
    k.angle = m->angle;
    k.stroke_px = m->stroke_px;
    k.dash_px[0] = m->dash_px[0];
    k.dash_px[1] = m->dash_px[1];
    k.uncertainty_px = m->uncertainty_px;
    k.scale = a.scale;
    k.fx = a.fx;
    k.fy = a.fy;
    k.fill = m->fill;
    k.stroke = m->stroke;
    k.glow = m->is_new ? glow : (cm_rgba){ 0, 0, 0, 0 };
    k.symbol = (int)m->symbol;
    k.is_new = m->is_new;
    k.join = (int)cairo_get_line_join(cr);
    k.cap = (int)cairo_get_line_cap(cr);
    if (cm_sprite_find(&k, sizeof(k), &sp)) {
        int ok = paint_sprite(cr, &sp, &a, &k, sizeof(k));
        cairo_surface_destroy(sp.surface);
        return ok;
    }
    /* everything drawn stays within this of the point: the widest symbol
     * (1.6 r for a line), the glow, the ring, and half their strokes */
    double reach = fmax(fmax(1.6 * m->r, m->r + 4.5), m->uncertainty_px) + m->stroke_px + 2;
    int dx, dy;
    cairo_t *scr = sprite_context(cr, &a, a.fx - a.scale * reach, a.fy - a.scale * reach,
                                  a.fx + a.scale * reach, a.fy + a.scale * reach, &dx, &dy);
    if (!scr) {   /* too big for a sprite */
        damage_full(cr);
        set_marker(cr, m, glow);
        return 1;
    }
    cm_scene_marker at_origin = *m;
    at_origin.x = at_origin.y = 0;
    cairo_set_line_join(scr, cairo_get_line_join(cr));
    cairo_set_line_cap(scr, cairo_get_line_cap(cr));
    set_marker(scr, &at_origin, glow);
    if (!keep_sprite(scr, &k, sizeof(k), dx, dy, &sp))
        return 0;
    int ok = paint_sprite(cr, &sp, &a, &k, sizeof(k));
    cairo_surface_destroy(sp.surface);
    return ok;
}

/* Returns 0 when out of memory. */
static int
draw_markers(cairo_t *cr, const cm_scene *sc, cm_group group)
{
    int ok = 1;
    for (size_t i = 0; ok && i < sc->n_markers; i++)
        if (sc->markers[i].group == group)
            ok = draw_marker(cr, &sc->markers[i], sc->base->style->new_glow);
    return ok;
}

/* A leader line runs from the point to the nearest side of its label's box. */
static void
draw_leader(cairo_t *cr, const cm_style *style, const cm_scene_label *lb)
{
    double tx, ty;
    cm_scene_leader_end(lb, &tx, &ty);
    double at[4] = { lb->leader_x, lb->leader_y, tx, ty };
    uint64_t item = item_hash(matrix_hash(cr, item_seed), at, sizeof(at));
    item = item_hash(item, &style->halo, sizeof(style->halo));
    item = item_hash(item, &style->text_muted, sizeof(style->text_muted));
    if (!damage_user(cr, fmin(lb->leader_x, tx), fmin(lb->leader_y, ty), fmax(lb->leader_x, tx),
                     fmax(lb->leader_y, ty), 2.6 / 2, item))
        return;
    cairo_move_to(cr, lb->leader_x, lb->leader_y);
    cairo_line_to(cr, tx, ty);
    set_rgba(cr, style->halo);
    cairo_set_line_width(cr, 2.6);
    cairo_stroke_preserve(cr);
    set_rgba(cr, style->text_muted);
    cairo_set_line_width(cr, 0.9);
    cairo_stroke(cr);
}

/* Returns 0 when out of memory. */
static int
draw_labels(cairo_t *cr, const cm_scene *sc, cm_group group)
{
    int ok = 1;
    for (size_t i = 0; i < sc->n_labels; i++)
        if (sc->labels[i].has_leader && sc->labels[i].group == group)
            draw_leader(cr, sc->base->style, &sc->labels[i]);
    for (size_t i = 0; ok && i < sc->n_labels; i++)
        if (sc->labels[i].group == group)
            ok = draw_label(cr, sc->base->style, &sc->labels[i]);
    return ok;
}

static void
draw_rects(cairo_t *cr, const cm_scene *sc, cm_group group)
{
    for (size_t i = 0; i < sc->n_rects; i++) {
        const cm_scene_rect *r = &sc->rects[i];
        if (r->group != group)
            continue;
        double box[4] = { r->x, r->y, r->w, r->h };
        uint64_t item = item_hash(matrix_hash(cr, item_seed), box, sizeof(box));
        item = item_hash(item, &r->fill, sizeof(r->fill));
        item = item_hash(item, &r->stroke, sizeof(r->stroke));
        if (!damage_user(cr, fmin(r->x, r->x + r->w), fmin(r->y, r->y + r->h),
                         fmax(r->x, r->x + r->w), fmax(r->y, r->y + r->h),
                         r->stroke.width_px > 0 ? r->stroke.width_px / 2 : 0, item))
            continue;
        cairo_rectangle(cr, r->x, r->y, r->w, r->h);
        set_rgba(cr, r->fill);
        cairo_fill_preserve(cr);
        if (r->stroke.width_px > 0) {
            set_stroke(cr, &r->stroke);
            cairo_stroke(cr);
        }
        cairo_new_path(cr);
    }
}

/* The fine coast's sea and coastline again, over the areas held: a coarse
 * region held by a side must not tint the sea past the fine coast
 * (layout/coast.c). Nothing without areas or without the fine coast. */
static void
draw_sea_again(cairo_t *cr, const cm_scene *sc)
{
    const cm_scene_base *b = sc->base;
    for (size_t i = 0; sc->n_areas && i < b->n_paths; i++)
        if (b->paths[i].group == CM_GROUP_SEA || b->paths[i].group == CM_GROUP_COAST)
            draw_path_list(cr, &b->paths[i], 1);
}

/* The width of the line drawn along area @a's outline, in user units; 0: none. */
static double
area_line_px(const cm_scene_area *a)
{
    return a->is_front ? 2.4 : a->is_gained ? 2 : a->is_contested ? 1.4 : 0;
}

/* Into @lo and @hi (user units), the device rows @within[1] to @within[3]
 * widened by what a line @line wide (user units, 0 for none) drawn with
 * @cr's join reaches past its points, and 2 pixels; 0 when @cr's matrix
 * turns or skews (rows are not user rows then). */
static int
trimmed_rows(cairo_t *cr, const int *within, double line, double *lo, double *hi)
{
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    if (m.xy != 0 || m.yx != 0 || !(m.yy > 0))
        return 0;
    double reach = line / 2;
    if (cairo_get_line_join(cr) == CAIRO_LINE_JOIN_MITER)
        reach *= fmax(1, cairo_get_miter_limit(cr));
    double pad = reach * m.yy + 2;   /* device pixels */
    *lo = (within[1] - pad - m.y0) / m.yy;
    *hi = (within[3] + pad - m.y0) / m.yy;
    return 1;
}

/* Areas held by a side: a translucent fill, or diagonal hatching in the
 * side's colour while the change is only claimed, its lines from @hatch[i],
 * the area's extents on the map (hatch_extents). With @within (device
 * pixels), only its rows are drawn (the clip's): the areas' points far
 * from them are left out (cm_trace_path_rows). */
static void
draw_areas(cairo_t *cr, const cm_scene *sc, const double (*hatch)[4], const int (*box)[4],
           const int *within)
{
    for (size_t i = 0; i < sc->n_areas; i++) {
        const cm_scene_area *a = &sc->areas[i];
        double line = area_line_px(a), lo, hi;
        if (box && within && !meets(box[i], within))   /* none of its pixels there */
            continue;
        cairo_new_path(cr);
        if (within && !a->is_contested && trimmed_rows(cr, within, line, &lo, &hi))
            cm_trace_path_rows(cr, CM_SCENE_AREA_PATH(sc, a), lo, hi);
        else
            cm_trace_path(cr, CM_SCENE_AREA_PATH(sc, a));
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        if (a->is_front) {   /* a line, not an area */
            set_stroke(cr, &(cm_stroke){ a->color, line, { 0, 0 } });
            cairo_stroke(cr);
            continue;
        }
        if (a->is_gained) {   /* darker, with a bold edge in the side's colour */
            set_rgba(cr, a->color);
            cairo_fill_preserve(cr);
            set_stroke(cr, &(cm_stroke){ { a->color.r, a->color.g, a->color.b, 1 }, line,
                                         { 0, 0 } });
            cairo_stroke(cr);
            continue;
        }
        if (a->is_contested) {   /* pale, with a dashed edge in the side's colour */
            set_rgba(cr, a->color);
            cairo_fill_preserve(cr);
            set_stroke(cr, &(cm_stroke){ { a->color.r, a->color.g, a->color.b, 0.9 }, line,
                                         { 5, 3 } });
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            continue;
        }
        if (!a->is_claimed) {
            set_rgba(cr, a->color);
            cairo_fill(cr);
            continue;
        }
        cairo_save(cr);
        cairo_clip(cr);
        double x0 = hatch[i][0], y0 = hatch[i][1], x1 = hatch[i][2], y1 = hatch[i][3];
        for (double d = x0 - (y1 - y0); d < x1; d += 7) {
            cairo_move_to(cr, d, y1);
            cairo_line_to(cr, d + (y1 - y0), y0);
        }
        cairo_set_source_rgba(cr, a->color.r, a->color.g, a->color.b, 0.6);
        cairo_set_line_width(cr, 1.6);
        cairo_stroke(cr);
        cairo_restore(cr);
    }
}

/* The extents on the map of each claimed area of @sc into @out (n_areas),
 * as cairo clips to it there, whatever else clips later. */
static void
hatch_extents(cairo_t *cr, const cm_scene *sc, double (*out)[4])
{
    for (size_t i = 0; i < sc->n_areas; i++) {
        out[i][0] = out[i][1] = out[i][2] = out[i][3] = 0;
        if (!sc->areas[i].is_claimed)
            continue;
        cairo_save(cr);
        cairo_new_path(cr);
        cm_trace_path(cr, CM_SCENE_AREA_PATH(sc, &sc->areas[i]));
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_clip(cr);
        cairo_clip_extents(cr, &out[i][0], &out[i][1], &out[i][2], &out[i][3]);
        cairo_restore(cr);
    }
}

/* What list_area keeps of a segment, hashed as bytes (the padding zeroed). */
typedef struct seg_key {
    uint64_t area;        /* the area's look and place in the list */
    double x0, y0, x1, y1;   /* device pixels */
    int kind;             /* 0 a line, 1 its subpath's close, 2 the close a fill adds,
                             3 a subpath's start */
    int first, last;      /* the first, the last line of its subpath (caps, joins) */
    int zero;             /* no padding: hashed word by word */
} seg_key;

/* A hash of @k, word by word: a slice lists thousands (item_hash is bytewise). */
_Static_assert(sizeof(seg_key) == 7 * 8, "a seg_key is 7 words without padding");

static uint64_t
seg_hash(const seg_key *k)
{
    uint64_t w[sizeof(*k) / 8], h = item_seed;
    memcpy(w, k, sizeof(w));
    for (size_t i = 0; i < sizeof(w) / 8; i++) {
        h = (h ^ w[i]) * 0x9e3779b97f4a7c15u;
        h ^= h >> 29;
    }
    return h;
}

/* Keeps @k in @d's segments with the device pixels it can change, @pad more
 * on each side, within the @w x @h surface; 0 when out of memory. */
static int
keep_seg(damage *d, seg_key *k, int area, double pad, int w, int h)
{
    double y0 = fmin(k->y0, k->y1) - pad, y1 = fmax(k->y0, k->y1) + pad;
    double x0 = fmin(k->x0, k->x1) - pad, x1 = fmax(k->x0, k->x1) + pad;
    if (!(y1 > 0 && y0 < h))   /* off the surface: no pixel of it */
        return 1;
    if (d->n_seg == d->cap_seg) {
        size_t cap = d->cap_seg ? 2 * d->cap_seg : 256;
        area_seg *more = realloc(d->seg, cap * sizeof(*more));
        if (!more)
            return 0;
        d->seg = more;
        d->cap_seg = cap;
    }
    area_seg *sg = &d->seg[d->n_seg++];
    sg->key = seg_hash(k);
    sg->area = area;
    /* a span of a row stays one past the surface on either side: the hull
     * of spans (areas_changed) is the same */
    sg->box[0] = (int)floor(fmax(x0, -1));
    sg->box[1] = (int)floor(fmax(y0, 0));
    sg->box[2] = (int)ceil(fmin(x1, (double)w + 1));
    sg->box[3] = (int)ceil(fmin(y1, (double)h));
    return 1;
}

/* Lists area @i of @sc into @d: each segment of its outline as cairo is
 * given it (cm_trace_path), hashed with the area's look, with the pixels its
 * fill's edge or its line can change. A fill differs between two outlines
 * only where a ray along a pixel row from a point crosses a segment one has
 * and not the other (areas_changed). A dashed or hatched area changes
 * everywhere when anything of it changes: its look hashes all its points. */
static void
list_area(cairo_t *cr, const cm_scene *sc, size_t i, damage *d)
{
    const cm_scene_area *a = &sc->areas[i];
    const cm_scene_path *p = CM_SCENE_AREA_PATH(sc, a);
    cairo_surface_t *t = cairo_get_target(cr);
    if (cairo_surface_get_type(t) != CAIRO_SURFACE_TYPE_IMAGE || i > INT32_MAX) {
        d->full = 1;
        return;
    }
    int w = cairo_image_surface_get_width(t), h = cairo_image_surface_get_height(t);
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    double pad = area_line_px(a) / 2 * fmax(fabs(m.xx) + fabs(m.xy), fabs(m.yx) + fabs(m.yy)) + 2;
    struct {
        cm_rgba color;
        size_t index;
        int claimed, contested, front, gained, polygon;
    } look;
    memset(&look, 0, sizeof(look));
    look.color = a->color;
    look.index = i;
    look.claimed = a->is_claimed;
    look.contested = a->is_contested;
    look.front = a->is_front;
    look.gained = a->is_gained;
    look.polygon = p->is_polygon;
    seg_key k;
    memset(&k, 0, sizeof(k));
    k.area = item_hash(matrix_hash(cr, item_seed), &look, sizeof(look));
    if (a->is_claimed || a->is_contested) {
        k.area = item_hash(k.area, p->xy, 2 * p->n_points * sizeof(double));
        k.area = item_hash(k.area, p->part_start, (p->n_parts + 1) * sizeof(size_t));
    }
    int filled = !a->is_front, ok = 1;
    for (size_t part = 0; ok && part < p->n_parts; part++) {
        int pen_down = 0, pending = 0;
        double sx = 0, sy = 0, px = 0, py = 0;   /* the subpath's start, the last point */
        for (size_t j = p->part_start[part]; ok && j <= p->part_start[part + 1]; j++) {
            int end = j == p->part_start[part + 1];
            double x = end ? NAN : p->xy[2 * j], y = end ? NAN : p->xy[2 * j + 1];
            int lift = !isfinite(x) || !isfinite(y);
            if (!lift)
                cairo_user_to_device(cr, &x, &y);
            if (pending) {   /* the line before, now that what follows it is known */
                k.last = lift;
                ok = keep_seg(d, &k, (int)i, pad, w, h);
                pending = 0;
            }
            if (lift) {
                if (pen_down && (end ? p->is_polygon || filled : filled)) {
                    k = (seg_key){ k.area, px, py, sx, sy, end && p->is_polygon ? 1 : 2, 0, 0, 0 };
                    ok = ok && keep_seg(d, &k, (int)i, pad, w, h);
                }
                pen_down = 0;
                continue;
            }
            if (pen_down) {
                int first = k.kind == 3;
                k = (seg_key){ k.area, px, py, x, y, 0, first, 0, 0 };
                pending = 1;
            } else {
                sx = x;
                sy = y;
                k = (seg_key){ k.area, x, y, x, y, 3, 0, 0, 0 };
                ok = keep_seg(d, &k, (int)i, pad, w, h);
            }
            px = x;
            py = y;
            pen_down = 1;
        }
    }
    if (!ok)
        d->nomem = 1;
}

/* The areas and the fine coast's sea over them, the map's whole rectangle
 * an item drawn (area_item). Over a cache's ground, each area's segments
 * are listed (list_area), and when only part of the slice is drawn again
 * (@d->only), they are drawn clipped to the rows, across the map, of each
 * band (@d->bands, band_over) in turn, and only the areas that reach the
 * band: all of their pixels there are within its columns. Returns 0 when
 * out of memory. */
static int
paint_areas(cairo_t *cr, const cm_scene *sc)
{
    damage *d = cairo_get_user_data(cr, &damage_key);
    if (!sc->n_areas)
        return 1;
    const double *r = sc->base->map_rect;
    if (d && !d->full && !d->segs_given) {
        d->n_area = sc->n_areas > INT32_MAX ? INT32_MAX : (int)sc->n_areas;
        for (size_t i = 0; i < sc->n_areas && !d->full; i++)
            list_area(cr, sc, i, d);
    }
    size_t at = d ? d->n : 0;
    int drawn = damage_user(cr, r[0], r[1], r[0] + r[2], r[1] + r[3], 0, area_item);
    int map[4] = { 0, 0, 0, 0 };   /* the map's device pixels: the area_item just listed */
    if (d && !d->full && d->n == at + 1)
        memcpy(map, d->r[at], sizeof(map));
    int(*box)[4] = d && !d->full ? calloc(sc->n_areas, sizeof(*box)) : NULL;
    if (d && !d->full && !box)
        return 0;
    for (size_t j = 0; box && j < d->n_seg; j++) {   /* each area's pixels, from its segments */
        int *b = box[d->seg[j].area];
        const int *g = d->seg[j].box;
        int none = b[2] <= b[0];
        b[0] = none || g[0] < b[0] ? g[0] : b[0];
        b[1] = none || g[1] < b[1] ? g[1] : b[1];
        b[2] = none || g[2] > b[2] ? g[2] : b[2];
        b[3] = none || g[3] > b[3] ? g[3] : b[3];
    }
    /* what the areas and the sea over them reach on the map, after it
     * (band_over draws the areas again where these are) */
    for (size_t i = 0; box && i < sc->n_areas; i++)
        if (box[i][2] > box[i][0])
            damage_rect(cr, box[i][0], box[i][1], box[i][2], box[i][3], area_item);
    const cm_scene_base *b = sc->base;
    for (size_t i = 0; d && !d->full && i < b->n_paths; i++) {
        const cm_scene_path *p = &b->paths[i];
        if (p->group != CM_GROUP_SEA && p->group != CM_GROUP_COAST)
            continue;
        d->wide = 1;
        double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
        for (size_t j = 0; j < p->n_points; j++)
            if (isfinite(p->xy[2 * j]) && isfinite(p->xy[2 * j + 1])) {
                x0 = fmin(x0, p->xy[2 * j]);
                x1 = fmax(x1, p->xy[2 * j]);
                y0 = fmin(y0, p->xy[2 * j + 1]);
                y1 = fmax(y1, p->xy[2 * j + 1]);
            }
        if (x1 >= x0)
            damage_user(cr, x0, y0, x1, y1, p->stroke.width_px > 0 ? p->stroke.width_px / 2 : 0,
                        area_item);
    }
    if (!drawn && d && d->dry) {
        free(box);
        return 1;
    }
    const damage *only = d ? d->only : NULL, *bands = only ? d->bands : NULL;
    double(*hatch)[4] = calloc(sc->n_areas, sizeof(*hatch));
    if (!hatch) {
        free(box);
        return 0;
    }
    hatch_extents(cr, sc, hatch);
    for (size_t k = 0; k < (only ? (bands ? bands->n : 0) : 1); k++) {
        if (only && map[2] <= map[0])
            break;   /* the map not listed: no band on it (band_over) */
        cairo_save(cr);
        if (only) {   /* the band's rows across the map, whatever its columns */
            cairo_matrix_t m;
            cairo_get_matrix(cr, &m);
            cairo_identity_matrix(cr);
            cairo_new_path(cr);
            cairo_rectangle(cr, map[0], bands->r[k][1], map[2] - map[0],
                            bands->r[k][3] - bands->r[k][1]);
            cairo_clip(cr);
            cairo_set_matrix(cr, &m);
        }
        draw_areas(cr, sc, (const double(*)[4])hatch, (const int(*)[4])box,
                   only ? bands->r[k] : NULL);
        draw_sea_again(cr, sc);
        cairo_restore(cr);
    }
    free(hatch);
    free(box);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);   /* as draw_sea_again leaves it */
    return 1;
}

/* What every slice has under its own content: the water, then the base map's
 * paths, clipped to the map. Drawn once per run into a cm_draw_cache for PNG. */
static void
draw_ground(cairo_t *cr, const cm_scene_base *b)
{
    const double *r = b->map_rect;
    set_rgba(cr, b->style->water);
    cairo_paint(cr);
    cairo_save(cr);
    cairo_rectangle(cr, r[0], r[1], r[2], r[3]);
    cairo_clip(cr);
    draw_path_list(cr, b->paths, b->n_paths);
    cairo_restore(cr);
}

static void
set_up(cairo_t *cr, double scale)
{
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_set_font_options(cr, opts);
    cairo_font_options_destroy(opts);
    cairo_scale(cr, scale, scale);
}

struct cm_draw_cache {
    const cm_scene_base *base;
    double scale;
    cairo_surface_t *ground;   /* only read once made, by any number of threads */
    cairo_surface_t *inset;    /* the locator inset, drawn once; NULL without one */
    int inset_x, inset_y;      /* where it goes, in device pixels */
    int opaque;                /* every pixel of the ground is */
    uint64_t id;               /* this ground, among every cache the process made */
};

/* Whether every pixel of @s, an image surface, has alpha 255. */
static int
all_opaque(cairo_surface_t *s)
{
    const unsigned char *data = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t all = data ? 0xffffffffu : 0;
    for (int y = 0; data && y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++)
            all &= row[x];
    }
    return (all >> 24) == 0xff;
}

/* The inset as the cache's sprite: drawn on its own transparent surface at
 * the same device pixels, and copied on top of each slice where draw_scene
 * would draw it. */
static cm_status
make_inset(cm_draw_cache *c)
{
    const cm_scene_base *b = c->base;
    const double *r = b->inset_rect;
    double s = c->scale;
    if (r[2] <= 0)
        return CM_OK;
    c->inset_x = (int)floor(s * r[0]) - 2;
    c->inset_y = (int)floor(s * r[1]) - 2;
    c->inset = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                          (int)ceil(s * (r[0] + r[2])) + 2 - c->inset_x,
                                          (int)ceil(s * (r[1] + r[3])) + 2 - c->inset_y);
    cairo_t *cr = cairo_create(c->inset);
    cairo_translate(cr, -c->inset_x, -c->inset_y);
    set_up(cr, s);
    draw_inset(cr, b);
    cm_status st = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? CM_OK : CM_ERR_NOMEM;
    cairo_destroy(cr);
    cairo_surface_flush(c->inset);
    return st;
}

static int
put_inset(cairo_t *cr, const cm_draw_cache *c)
{
    return !c->inset || copy_image(cr, c->inset, c->inset_x, c->inset_y,
                                   item_hash(item_seed, &c->id, sizeof(c->id)));
}

/* Paints @st, one step of the paint order. @cache: the surface already
 * holds the cache's ground, and its inset is copied rather than drawn.
 * Returns 0 when out of memory. */
static int
paint_step(cairo_t *cr, const cm_scene *sc, const cm_paint_step *st, const cm_draw_cache *cache)
{
    switch (st->what) {
    case CM_PAINT_WATER:   /* and the base map with it: the cache holds both */
        if (!cache) {
            damage_full(cr);
            draw_ground(cr, sc->base);
        }
        /* round joins and caps for everything, as the ground and the SVG have them,
         * whether or not the ground was drawn on this surface */
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        return 1;
    case CM_PAINT_BASE_MAP:   /* drawn with the water */
        return 1;
    case CM_PAINT_AREAS:   /* the areas and the sea over them: most of the map */
        return paint_areas(cr, sc);
    case CM_PAINT_MARKERS:
        return draw_markers(cr, sc, st->group);
    case CM_PAINT_LABELS:
        return draw_labels(cr, sc, st->group);
    case CM_PAINT_INSET:
        if (cache)
            return put_inset(cr, cache);
        damage_full(cr);
        draw_inset(cr, sc->base);
        return 1;
    case CM_PAINT_BOX:
        draw_rects(cr, sc, st->group);
        return draw_markers(cr, sc, st->group) && draw_labels(cr, sc, st->group);
    }
    return 1;
}

/* Draws @sc in the paint order (paint.h), the steps on the map clipped to it.
 * Returns CM_OK or CM_ERR_NOMEM. */
static cm_status
draw_scene(cairo_t *cr, const cm_scene *sc, double scale, const cm_draw_cache *cache)
{
    const double *r = sc->base->map_rect;
    int ok = 1, on_map = 0;

    set_up(cr, scale);
    for (size_t i = 0; ok && i < CM_N_PAINT_STEPS; i++) {
        const cm_paint_step *st = &cm_paint_order[i];
        if (st->on_map && !on_map) {
            cairo_save(cr);
            cairo_rectangle(cr, r[0], r[1], r[2], r[3]);
            cairo_clip(cr);
        } else if (!st->on_map && on_map) {
            cairo_restore(cr);
        }
        on_map = st->on_map;
        ok = paint_step(cr, sc, st, cache);
    }
    if (on_map)
        cairo_restore(cr);
    return ok && cairo_status(cr) == CAIRO_STATUS_SUCCESS ? CM_OK : CM_ERR_NOMEM;
}

/* ---- the cached ground ------------------------------------------------------------------- */

cm_status
cm_draw_cache_create(cm_draw_cache **out, const cm_scene_base *base, double scale)
{
    cm_draw_cache *c = calloc(1, sizeof(*c));
    *out = NULL;
    if (!c)
        return CM_ERR_NOMEM;
    static uint64_t next_id;
    c->base = base;
    c->scale = scale;
    c->id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
    c->ground = cm_pages_surface((int)ceil(base->width_px * scale),
                                 (int)ceil(base->height_px * scale));
    cairo_t *cr = cairo_create(c->ground);
    set_up(cr, scale);
    draw_ground(cr, base);
    cm_status st = cairo_status(cr) == CAIRO_STATUS_SUCCESS ? CM_OK : CM_ERR_NOMEM;
    cairo_destroy(cr);
    cairo_surface_flush(c->ground);
    if (st == CM_OK)
        st = make_inset(c);
    if (st == CM_OK)
        c->opaque = all_opaque(c->ground);
    if (st != CM_OK) {
        cm_draw_cache_destroy(c);
        return st;
    }
    *out = c;
    return CM_OK;
}

void
cm_draw_cache_destroy(cm_draw_cache *cache)
{
    if (!cache)
        return;
    cairo_surface_destroy(cache->ground);
    cairo_surface_destroy(cache->inset);
    free(cache);
}

/* Copies the ground's pixels into @surface with memcpy, not with cairo, so
 * that threads share nothing but memory they only read, and the result is
 * exactly the pixels draw_ground would have made there. */
static int
put_ground(cairo_surface_t *surface, const cm_draw_cache *cache)
{
    int h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    unsigned char *dst = cairo_image_surface_get_data(surface);
    const unsigned char *src = cairo_image_surface_get_data(cache->ground);
    if (!dst || !src || stride != cairo_image_surface_get_stride(cache->ground) ||
        h != cairo_image_surface_get_height(cache->ground))
        return 0;
    cairo_surface_flush(surface);
    memcpy(dst, src, (size_t)stride * (size_t)h);
    cairo_surface_mark_dirty(surface);
    return 1;
}

int
cm_draw_cache_opaque(const cm_draw_cache *cache)
{
    return cache && cache->opaque;
}

int
cm_draw_cache_fits(const cm_draw_cache *cache, const cm_scene *scene, double scale)
{
    return cache && cache->base == scene->base && cache->scale == scale;
}

/* What a surface drawn over a cache's ground holds beyond it, kept on the
 * surface from one slice to the next (the thread's canvas, cm_sprite_canvas):
 * the next slice restores only what this one drew, and tells the PNG writer
 * where the two can differ (cm_draw_surface_changes). */
typedef struct canvas_state {
    uint64_t ground;      /* the id of the cache whose ground is under it; 0: unknown */
    damage drawn;         /* what the last slice drew over the ground */
    uint64_t token;       /* the last slice's image */
    uint64_t since;       /* 0, or the image before, which differs only within: */
    damage changes;       /* what the last slice and the one before it drew */
} canvas_state;

static const cairo_user_data_key_t canvas_key;

static void
canvas_state_free(void *p)
{
    canvas_state *cs = p;
    if (cs) {
        damage_free(&cs->drawn);
        free(cs->changes.r);
        free(cs);
    }
}

/* @surface's state, made on first use; NULL when out of memory. */
static canvas_state *
canvas_of(cairo_surface_t *surface)
{
    canvas_state *cs = cairo_surface_get_user_data(surface, &canvas_key);
    if (cs)
        return cs;
    cs = calloc(1, sizeof(*cs));
    if (cs && cairo_surface_set_user_data(surface, &canvas_key, cs, canvas_state_free) !=
                  CAIRO_STATUS_SUCCESS) {
        free(cs);
        cs = NULL;
    }
    return cs;
}

/* The ground's pixels back in @surface where @d says a slice drew. */
static void
restore_ground(cairo_surface_t *surface, const cm_draw_cache *cache, const damage *d)
{
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    unsigned char *dst = cairo_image_surface_get_data(surface);
    const unsigned char *src = cairo_image_surface_get_data(cache->ground);
    cairo_surface_flush(surface);
    for (size_t i = 0; i < d->n; i++) {
        int x0 = d->r[i][0] > 0 ? d->r[i][0] : 0, y0 = d->r[i][1] > 0 ? d->r[i][1] : 0;
        int x1 = d->r[i][2] < w ? d->r[i][2] : w, y1 = d->r[i][3] < h ? d->r[i][3] : h;
        for (int y = y0; x1 > x0 && y < y1; y++)
            memcpy(dst + (size_t)y * (size_t)stride + 4 * (size_t)x0,
                   src + (size_t)y * (size_t)stride + 4 * (size_t)x0, 4 * (size_t)(x1 - x0));
    }
    cairo_surface_mark_dirty(surface);
}

/* @a's rectangles, then @b's, into @out; 0 when out of memory. */
static int
join_damage(damage *out, const damage *a, const damage *b)
{
    size_t n = a->n + b->n;
    if (n > out->cap) {
        int (*r)[4] = realloc(out->r, n * sizeof(*r));
        if (!r)
            return 0;
        out->r = r;
        out->cap = n;
    }
    if (a->n)
        memcpy(out->r, a->r, a->n * sizeof(*a->r));
    if (b->n)
        memcpy(out->r + a->n, b->r, b->n * sizeof(*b->r));
    out->n = n;
    out->full = 0;
    return 1;
}

/* @r at the end of @d's rectangles (no item); 0 when out of memory. */
static int
push_rect(damage *d, const int r[4])
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        int (*more)[4] = realloc(d->r, cap * sizeof(*more));
        if (!more)
            return 0;
        d->r = more;
        d->cap = cap;
    }
    memcpy(d->r[d->n++], r, sizeof(d->r[0]));
    return 1;
}

/* A band of pixel rows, and the span of one area's changed segments in it. */
enum { BAND_ROWS = 16 };
typedef struct band_span {
    int x0, y0, x1, y1;   /* x1 <= x0: none */
} band_span;

static int
by_x0(const void *a, const void *b)
{
    const band_span *p = a, *q = b;
    return (p->x0 > q->x0) - (p->x0 < q->x0);
}

/* Pushes onto @out the rectangles where the areas of @was and @now can
 * differ, given which of their segments the other has not (@gone, @came).
 * Area by area, on a pixel row a fill can differ only between the leftmost
 * and the rightmost such segment crossing the row (a ray from a point to
 * either side crosses the same segments of both outlines otherwise, so its
 * winding is the same), and a line only within its segments' boxes: per band
 * of rows, the hull of those segments' boxes, merged where the areas' hulls
 * overlap. 0 when out of memory. */
static int
push_area_spans(const damage *was, const unsigned char *gone, const damage *now,
                const unsigned char *came, damage *out)
{
    int n_area = was->n_area > now->n_area ? was->n_area : now->n_area, h = 0;
    for (size_t j = 0; j < was->n_seg; j++)
        h = gone[j] && was->seg[j].box[3] > h ? was->seg[j].box[3] : h;
    for (size_t j = 0; j < now->n_seg; j++)
        h = came[j] && now->seg[j].box[3] > h ? now->seg[j].box[3] : h;
    size_t n_bands = (size_t)h / BAND_ROWS + 1;
    band_span *sp = malloc(n_bands * (size_t)(n_area ? n_area : 1) * sizeof(*sp));
    if (!sp)
        return 0;
    for (size_t b = 0; b < n_bands * (size_t)n_area; b++)
        sp[b] = (band_span){ INT32_MAX, INT32_MAX, INT32_MIN, INT32_MIN };
    for (int side = 0; side < 2; side++) {
        const damage *d = side ? now : was;
        const unsigned char *out_of = side ? came : gone;
        for (size_t j = 0; j < d->n_seg; j++) {
            const area_seg *g = &d->seg[j];
            if (!out_of[j] || g->area >= n_area || g->box[3] <= g->box[1])
                continue;
            for (int b = g->box[1] / BAND_ROWS; b * BAND_ROWS < g->box[3]; b++) {
                band_span *s = &sp[(size_t)b * (size_t)n_area + (size_t)g->area];
                int top = b * BAND_ROWS, bottom = top + BAND_ROWS;
                s->x0 = g->box[0] < s->x0 ? g->box[0] : s->x0;
                s->x1 = g->box[2] > s->x1 ? g->box[2] : s->x1;
                s->y0 = g->box[1] > top ? (g->box[1] < s->y0 ? g->box[1] : s->y0)
                                        : top;
                s->y1 = g->box[3] < bottom ? (g->box[3] > s->y1 ? g->box[3] : s->y1)
                                           : bottom;
            }
        }
    }
    int ok = 1;
    for (size_t b = 0; ok && b < n_bands; b++) {
        band_span *row = &sp[b * (size_t)n_area];
        qsort(row, (size_t)n_area, sizeof(*row), by_x0);
        band_span cur = { 0, 0, 0, 0 };
        for (int a = 0; ok && a <= n_area; a++) {
            int more = a < n_area && row[a].x1 > row[a].x0;
            if (more && cur.x1 > cur.x0 && row[a].x0 <= cur.x1) {   /* overlaps: one */
                cur.x1 = row[a].x1 > cur.x1 ? row[a].x1 : cur.x1;
                cur.y0 = row[a].y0 < cur.y0 ? row[a].y0 : cur.y0;
                cur.y1 = row[a].y1 > cur.y1 ? row[a].y1 : cur.y1;
                continue;
            }
            if (cur.x1 > cur.x0)
                ok = push_rect(out, (const int[4]){ cur.x0, cur.y0, cur.x1, cur.y1 });
            cur = more ? row[a] : (band_span){ 0, 0, 0, 0 };
        }
    }
    free(sp);
    return ok;
}

/* Pushes onto @out where the areas of @was and @now can differ: from the
 * segments one has and the other has not (push_area_spans), or the whole
 * map (their area_item) when only one has areas: the sea drawn again over
 * them is drawn or not. 0 when out of memory. */
static int
areas_changed(const damage *was, const damage *now, damage *out)
{
    if (!was->n_area != !now->n_area) {
        int ok = 1;
        for (size_t j = 0; ok && j < was->n; j++)
            if (was->item[j] == area_item)
                ok = push_rect(out, was->r[j]);
        for (size_t i = 0; ok && i < now->n; i++)
            if (now->item[i] == area_item)
                ok = push_rect(out, now->r[i]);
        return ok;
    }
    if (!was->n_seg && !now->n_seg)
        return 1;
    size_t cap = 64;
    while (cap < 2 * was->n_seg)
        cap *= 2;
    size_t *slot = calloc(cap, sizeof(*slot));   /* 1 + an index of @was's, 0: empty */
    unsigned char *gone = malloc(was->n_seg + 1), *came = malloc(now->n_seg + 1);
    int ok = slot && gone && came;
    for (size_t j = 0; ok && j < was->n_seg; j++) {
        size_t at = (size_t)was->seg[j].key & (cap - 1);
        while (slot[at])
            at = (at + 1) & (cap - 1);
        slot[at] = j + 1;
        gone[j] = 1;
    }
    for (size_t i = 0; ok && i < now->n_seg; i++) {   /* each of @was's found once at most */
        size_t at = (size_t)now->seg[i].key & (cap - 1);
        came[i] = 1;
        for (; slot[at]; at = (at + 1) & (cap - 1)) {
            size_t j = slot[at] - 1;
            if (gone[j] && was->seg[j].key == now->seg[i].key &&
                was->seg[j].area == now->seg[i].area) {
                gone[j] = came[i] = 0;
                break;
            }
        }
    }
    ok = ok && push_area_spans(was, gone, now, came, out);
    free(slot);
    free(gone);
    free(came);
    return ok;
}

/* Into @out (emptied first), the rectangles of the items of @was and of @now
 * that the other does not have at the same place in the same order, and
 * where their areas differ (areas_changed): where two slices drawn over the
 * same ground can differ. An item of @now is kept when it is the next of
 * @was's with its rectangle and hash; the items of @was skipped to find it,
 * and the items not found, are out. 0 when out of memory. */
static int
changed_items(const damage *was, const damage *now, damage *out)
{
    unsigned char *kept = calloc(was->n ? was->n : 1, 1);
    int ok = kept != NULL;
    size_t next = 0;
    out->n = 0;
    out->full = 0;
    for (size_t i = 0; ok && i < now->n; i++) {
        if (now->item[i] == area_item)
            continue;
        size_t j = next;
        while (j < was->n && !(was->item[j] == now->item[i] && now->item[i] != 0 &&
                               memcmp(was->r[j], now->r[i], sizeof(now->r[i])) == 0))
            j++;
        if (j < was->n) {
            kept[j] = 1;
            next = j + 1;
        } else {
            ok = push_rect(out, now->r[i]);
        }
    }
    for (size_t j = 0; ok && j < was->n; j++)
        if (!kept[j] && was->item[j] != area_item)
            ok = push_rect(out, was->r[j]);
    free(kept);
    return ok && areas_changed(was, now, out);
}

/* @redo grown by the rectangle of every item of @now that meets it, until
 * none meets it without being inside: the items drawn again where the ground
 * is put back are drawn whole, never over their own pixels, and without a
 * clip (a clip of many rectangles made cairo blend some edge pixels another
 * way: 5 levels off). 0 when out of memory. */
static int
close_over(damage *redo, const damage *now)
{
    unsigned char *in = calloc(now->n ? now->n : 1, 1);
    int ok = in != NULL, grew = 1;
    while (ok && grew) {
        grew = 0;
        for (size_t i = 0; ok && i < now->n; i++)
            if (!in[i] && now->item[i] != area_item && meets_any(redo, now->r[i])) {
                in[i] = 1;
                grew = 1;
                ok = push_rect(redo, now->r[i]);
            }
    }
    free(in);
    return ok;
}

/* @b's columns widened over every rectangle of @reach that meets it, within
 * the map's columns (@map), until each that meets it lies within them; the
 * map's columns all when @wide. */
static void
widen_band(int b[4], const damage *reach, const int map[4], int wide)
{
    if (wide) {
        b[0] = map[0];
        b[2] = map[2];
        return;
    }
    for (int grew = 1; grew;) {
        grew = 0;
        for (size_t i = 0; i < reach->n; i++) {
            const int *q = reach->r[i];
            int x0 = q[0] > map[0] ? q[0] : map[0], x1 = q[2] < map[2] ? q[2] : map[2];
            if (!meets(q, b) || (x0 >= b[0] && x1 <= b[2]))
                continue;
            b[0] = x0 < b[0] ? x0 : b[0];
            b[2] = x1 > b[2] ? x1 : b[2];
            grew = 1;
        }
    }
}

/* Into @bands (emptied first), bands of rows over @redo's rectangles on the
 * map where the areas reach, and @redo closed over @now's items meeting
 * them (as close_over) until that adds nothing; then the bands pushed onto
 * @redo too. The areas are drawn again clipped to each band's rows across
 * the map in turn (paint_areas): cairo gives a clip of whole rows the
 * pixels a drawing without gives there; not a clip cutting the rows, nor
 * one of several rectangles (it cuts the polygons by them: 1 level off at
 * their edges). But the ground is put back, the items drawn again and the
 * PNG writer told to look only within a band's columns: those of every
 * area that reaches into the band (widen_band), which is all that is drawn
 * again there (paint_areas), so no pixel outside them changes. Bands whose
 * rows meet or touch and whose columns meet are one; the others reach no
 * area in common. 0 when out of memory. */
static int
band_over(damage *redo, const damage *now, damage *bands)
{
    const int *map = NULL;   /* the map's rectangle: what the areas are drawn in */
    damage reach = { 0 };    /* what they and the sea over them reach (paint_areas) */
    bands->n = 0;
    for (size_t i = 0; i < now->n; i++)
        if (now->item[i] == area_item && !map)
            map = now->r[i];
        else if (now->item[i] == area_item && !push_rect(&reach, now->r[i])) {
            free(reach.r);
            return 0;
        }
    if (!map) {
        free(reach.r);
        return 1;
    }
    /* the items meeting @redo are in it already (close_over) */
    unsigned char *in = calloc(now->n ? now->n : 1, 1);
    int ok = in != NULL;
    for (size_t i = 0; ok && i < now->n; i++)
        in[i] = now->item[i] != area_item && meets_any(redo, now->r[i]);
    for (size_t seen = 0; ok;) {
        for (; ok && seen < redo->n; seen++) {   /* a band over each new rectangle */
            const int *r = redo->r[seen];
            if (meets(r, map) && meets_any(&reach, r))
                ok = push_rect(bands, (const int[4]){ r[0] > map[0] ? r[0] : map[0], r[1],
                                                      r[2] < map[2] ? r[2] : map[2], r[3] });
        }
        for (int joined = 1; ok && joined;) {
            joined = 0;
            for (size_t i = 0; i < bands->n; i++)
                widen_band(bands->r[i], &reach, map, now->wide);
            for (size_t i = 0; i < bands->n; i++)
                for (size_t j = i + 1; j < bands->n; j++) {
                    int *a = bands->r[i], *b = bands->r[j];
                    if (a[1] > b[3] || b[1] > a[3] || a[0] >= b[2] || b[0] >= a[2])
                        continue;
                    a[0] = a[0] < b[0] ? a[0] : b[0];
                    a[1] = a[1] < b[1] ? a[1] : b[1];
                    a[2] = a[2] > b[2] ? a[2] : b[2];
                    a[3] = a[3] > b[3] ? a[3] : b[3];
                    memcpy(bands->r[j], bands->r[--bands->n], sizeof(bands->r[0]));
                    j = i;   /* @a grew: look again from the next */
                    joined = 1;
                }
        }
        size_t n = redo->n;   /* the items over them drawn again, whole */
        for (size_t i = 0; ok && i < now->n; i++)
            if (!in[i] && now->item[i] != area_item &&
                (meets_any(redo, now->r[i]) || meets_any(bands, now->r[i]))) {
                in[i] = 1;
                ok = push_rect(redo, now->r[i]);
            }
        if (redo->n == n)
            break;
    }
    for (size_t i = 0; ok && i < bands->n; i++)
        ok = push_rect(redo, bands->r[i]);
    free(in);
    free(reach.r);
    return ok;
}

/* What @scene would draw over @cache's ground on @surface, listed with each
 * item's hash into @out and drawn nowhere (a clip of nothing). CM_OK, or
 * CM_ERR_NOMEM; @out->full when it cannot be listed. */
static cm_status
list_items(cairo_surface_t *surface, const cm_scene *scene, double scale,
           const cm_draw_cache *cache, damage *out)
{
    cairo_t *cr = cairo_create(surface);
    cm_status st = CM_ERR_NOMEM;
    out->dry = 1;
    cairo_rectangle(cr, 0, 0, 0, 0);
    cairo_clip(cr);
    if (cairo_status(cr) == CAIRO_STATUS_SUCCESS &&
        cairo_set_user_data(cr, &damage_key, out, NULL) == CAIRO_STATUS_SUCCESS)
        st = draw_scene(cr, scene, scale, cache);
    cairo_set_user_data(cr, &damage_key, NULL, NULL);
    cairo_destroy(cr);
    out->dry = 0;
    return out->nomem ? CM_ERR_NOMEM : st;
}

cm_status
cm_draw_surface(cairo_surface_t *surface, const cm_scene *scene, double scale,
                const cm_draw_cache *cache)
{
    static uint64_t next_token;
    cairo_t *cr = cairo_create(surface);
    cm_status st = CM_ERR_NOMEM;
    canvas_state *cs = cache ? canvas_of(surface) : cairo_surface_get_user_data(surface, &canvas_key);
    damage now = { 0 }, redo = { 0 }, bands = { 0 };
    int partial = 0, incremental = 0, listed_nomem = 0;
    if (cairo_status(cr) == CAIRO_STATUS_SUCCESS && (cs || !cache)) {
        partial = cs && cache && cs->ground == cache->id && !cs->drawn.full &&
                  cairo_image_surface_get_width(surface) ==
                      cairo_image_surface_get_width(cache->ground) &&
                  cairo_image_surface_get_height(surface) ==
                      cairo_image_surface_get_height(cache->ground) &&
                  cairo_image_surface_get_stride(surface) ==
                      cairo_image_surface_get_stride(cache->ground);
        /* Over the last slice, only what differs from it: its items are
         * listed first (drawing nothing), and the ground is put back and the
         * items drawn again only where one came, went or changed. */
        if (partial) {
            damage listed = { 0 };
            cm_status ls = list_items(surface, scene, scale, cache, &listed);
            if (ls == CM_OK && !listed.full) {
                incremental = changed_items(&cs->drawn, &listed, &redo) &&
                              close_over(&redo, &listed) &&
                              (!listed.n_area || band_over(&redo, &listed, &bands));
                ls = incremental ? CM_OK : CM_ERR_NOMEM;
            }
            if (incremental) {   /* the areas' segments as listed: not listed again */
                now.seg = listed.seg;
                now.n_seg = listed.n_seg;
                now.cap_seg = listed.cap_seg;
                now.n_area = listed.n_area;
                now.segs_given = 1;
                listed.seg = NULL;
            }
            damage_free(&listed);
            listed_nomem = ls == CM_ERR_NOMEM;
        }
        if (incremental) {
            restore_ground(surface, cache, &redo);
            now.only = &redo;
            now.bands = &bands;
        } else if (partial) {
            restore_ground(surface, cache, &cs->drawn);
        } else if (cache && !put_ground(surface, cache)) {
            cache = NULL;   /* never so: they have one size */
            cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);   /* not the last map's pixels */
            cairo_paint(cr);
            cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
        }
        if (!listed_nomem &&
            cairo_set_user_data(cr, &damage_key, &now, NULL) == CAIRO_STATUS_SUCCESS)
            st = draw_scene(cr, scene, scale, cache);
        cairo_set_user_data(cr, &damage_key, NULL, NULL);
        st = now.nomem ? CM_ERR_NOMEM : st;
        now.only = NULL;
        now.bands = NULL;
    }
    cairo_destroy(cr);
    if (cs) {
        /* what the next slice restores, and what the PNG writer reads */
        int known = st == CM_OK && cache && !now.full;
        if (known && incremental) {
            free(cs->changes.r);
            cs->changes = redo;   /* the image before differs only within */
            redo.r = NULL;
        } else if (known && partial && !join_damage(&cs->changes, &cs->drawn, &now)) {
            st = CM_ERR_NOMEM;
        }
        known &= st == CM_OK;
        cs->since = known && partial ? cs->token : 0;
        cs->token = __atomic_add_fetch(&next_token, 1, __ATOMIC_RELAXED);
        damage_free(&cs->drawn);
        cs->drawn = now;
        cs->drawn.full |= !known;
        cs->ground = known ? cache->id : 0;
    } else {
        damage_free(&now);
    }
    free(redo.r);
    free(bands.r);
    return st;
}

int
cm_draw_surface_changes(cairo_surface_t *surface, cm_png_changes *out)
{
    const canvas_state *cs = cairo_surface_get_user_data(surface, &canvas_key);
    memset(out, 0, sizeof(*out));
    if (!cs)
        return 0;
    out->token = cs->token;
    out->since = cs->since;
    out->n_rects = cs->since ? cs->changes.n : 0;
    out->rects = (const int (*)[4])cs->changes.r;
    return 1;
}

/* ---- for the other backends ------------------------------------------------------------- */

cm_status
cm_draw_raster(const cm_scene *scene, double scale, cairo_surface_t **out)
{
    cairo_surface_t *s = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, (int)ceil(cm_scene_width_px(scene) * scale),
        (int)ceil(cm_scene_height_px(scene) * scale));
    cm_status st = cm_draw_surface(s, scene, scale, NULL);
    cairo_surface_flush(s);
    if (st != CM_OK || cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return CM_ERR_NOMEM;
    }
    *out = s;
    return CM_OK;
}
