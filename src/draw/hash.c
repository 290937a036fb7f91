/* The scene hash for incremental runs: what a drawing of a slice depends on,
 * hashed, so that a run can keep a file drawn before from the same scene. It
 * reads the scene and draws nothing; the drawing is draw.c's and draw_svg.c's. */
#include "conflictmap/draw.h"
#include "common/sha256.h"
#include "layout/scene.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Bump when drawing changes in a way the scene does not show (a new symbol
 * shape, another blend), so that files drawn by an older conflictmap are not
 * kept by an incremental run. */
static const char draw_revision[] = "conflictmap draw 4";   /* 4: halos grown, not stroked */

/* A SHA-256 fed through a buffer: the values hashed are a few bytes each,
 * tens of thousands of them a slice, and a call for each was most of the
 * hashing (52 M instructions over bench's standard job with GChecksum). */
typedef struct hasher {
    cm_sha256_ctx sum;
    size_t n;
    unsigned char buf[4096];
} hasher;

static void
flush(hasher *h)
{
    cm_sha256_add(&h->sum, h->buf, h->n);
    h->n = 0;
}

static void
hash_bytes(hasher *h, const void *p, size_t n)
{
    if (n > sizeof(h->buf) - h->n) {
        flush(h);
        if (n >= sizeof(h->buf)) {
            cm_sha256_add(&h->sum, p, n);
            return;
        }
    }
    memcpy(h->buf + h->n, p, n);
    h->n += n;
}

static void
hasher_begin(hasher *h)
{
    cm_sha256_begin(&h->sum);
    h->n = 0;
}

static void
hash_double(hasher *h, double v)
{
    if (v == 0)
        v = 0;   /* -0 and 0 draw alike */
    hash_bytes(h, &v, sizeof(v));
}

static void
hash_size(hasher *h, size_t v)
{
    uint64_t u = v;
    hash_bytes(h, &u, sizeof(u));
}

static void
hash_string(hasher *h, const char *s)
{
    s = s ? s : "";
    hash_size(h, strlen(s));
    hash_bytes(h, s, strlen(s));
}

static void
hash_rgba(hasher *h, cm_rgba c)
{
    hash_double(h, c.r);
    hash_double(h, c.g);
    hash_double(h, c.b);
    hash_double(h, c.a);
}

static void
hash_stroke(hasher *h, const cm_stroke *s)
{
    hash_rgba(h, s->color);
    hash_double(h, s->width_px);
    hash_double(h, s->dash_px[0]);
    hash_double(h, s->dash_px[1]);
}

static void
hash_paths(hasher *h, const cm_scene_path *paths, size_t n)
{
    hash_size(h, n);
    for (size_t i = 0; i < n; i++) {
        const cm_scene_path *p = &paths[i];
        hash_size(h, p->n_points);
        hash_size(h, p->n_parts);
        hash_size(h, (size_t)p->is_polygon);
        hash_rgba(h, p->fill);
        hash_stroke(h, &p->stroke);
        for (size_t k = 0; k < 2 * p->n_points; k++)
            hash_double(h, p->xy[k]);
        for (size_t k = 0; k <= p->n_parts; k++)
            hash_size(h, p->part_start[k]);
    }
}

static void
hash_style(hasher *h, const cm_style *st)
{
    const cm_rgba *colors[] = { &st->water, &st->land, &st->land_focus, &st->land_outside,
                                &st->text, &st->text_muted, &st->halo, &st->frame_bg,
                                &st->rule, &st->box_bg, &st->neutral, &st->new_glow,
                                &st->water_text, &st->country_text };
    hash_string(h, st->font_family);
    for (size_t i = 0; i < sizeof(colors) / sizeof(colors[0]); i++)
        hash_rgba(h, *colors[i]);
    hash_double(h, st->halo_px);
}

void
cm_draw_base_hash(const cm_scene_base *b, unsigned char digest[CM_DRAW_HASH_BYTES])
{
    hasher hs, *h = &hs;
    hasher_begin(h);
    hash_string(h, draw_revision);
    hash_size(h, (size_t)b->width_px);
    hash_size(h, (size_t)b->height_px);
    hash_style(h, b->style);
    for (int k = 0; k < 4; k++) {
        hash_double(h, b->map_rect[k]);
        hash_double(h, b->inset_rect[k]);
        hash_double(h, b->inset_extent[k]);
    }
    hash_paths(h, b->paths, b->n_paths);
    hash_paths(h, b->inset, b->n_inset);
    flush(h);
    cm_sha256_end(&h->sum, digest);
}

static void
hash_markers(hasher *h, const cm_scene *sc)
{
    hash_size(h, sc->n_markers);
    for (size_t i = 0; i < sc->n_markers; i++) {
        const cm_scene_marker *m = &sc->markers[i];
        hash_string(h, cm_group_name(m->group));
        hash_double(h, m->x);
        hash_double(h, m->y);
        hash_double(h, m->r);
        hash_double(h, m->angle);
        hash_size(h, (size_t)m->symbol);
        hash_rgba(h, m->fill);
        hash_rgba(h, m->stroke);
        hash_double(h, m->stroke_px);
        hash_double(h, m->dash_px[0]);
        hash_double(h, m->dash_px[1]);
        hash_double(h, m->uncertainty_px);
        hash_size(h, (size_t)m->is_new);
    }
}

static void
hash_labels(hasher *h, const cm_scene *sc)
{
    hash_size(h, sc->n_labels);
    for (size_t i = 0; i < sc->n_labels; i++) {
        const cm_scene_label *l = &sc->labels[i];
        double v[] = { l->x, l->y, l->w, l->h, l->size_px, l->leader_x, l->leader_y };
        hash_string(h, l->text);
        hash_string(h, cm_group_name(l->group));
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
            hash_double(h, v[k]);
        hash_size(h, (size_t)(l->bold | l->italic << 1 | l->has_halo << 2 | l->has_leader << 3 |
                              (unsigned)l->anchor << 4));
        hash_rgba(h, l->color);
        hash_rgba(h, l->halo);
    }
}

static void
hash_rects_and_areas(hasher *h, const cm_scene *sc)
{
    hash_size(h, sc->n_rects);
    for (size_t i = 0; i < sc->n_rects; i++) {
        const cm_scene_rect *r = &sc->rects[i];
        hash_string(h, cm_group_name(r->group));
        hash_double(h, r->x);
        hash_double(h, r->y);
        hash_double(h, r->w);
        hash_double(h, r->h);
        hash_rgba(h, r->fill);
        hash_stroke(h, &r->stroke);
    }
    hash_size(h, sc->n_areas);
    for (size_t i = 0; i < sc->n_areas; i++) {
        hash_size(h, sc->areas[i].path);
        hash_rgba(h, sc->areas[i].color);
        hash_size(h, (size_t)sc->areas[i].is_claimed);
        hash_size(h, (size_t)sc->areas[i].is_contested);
        hash_size(h, (size_t)sc->areas[i].is_front);
        hash_size(h, (size_t)sc->areas[i].is_gained);
        hash_size(h, (size_t)sc->areas[i].is_lost);
        hash_string(h, sc->areas[i].side ? sc->areas[i].side : "");
        const cm_scene_path *p = sc->areas[i].own;
        hash_size(h, p ? p->n_points : 0);
        for (size_t k = 0; p && k < p->n_parts + 1; k++)
            hash_size(h, p->part_start[k]);
        if (p)
            hash_bytes(h, p->xy, p->n_points * 2 * sizeof(double));
    }
}

/* What the SVG writer (draw_svg.c) says of each event beyond its drawing:
 * the data-* attributes and the <title> of its marker, the data-id of its label. */
static void
hash_event_words(hasher *h, const cm_scene *sc)
{
    char where[160];
    for (size_t i = 0; i < sc->n_markers; i++) {
        const cm_event *e = sc->markers[i].event;
        if (!e)
            continue;
        hash_string(h, cm_event_id(e));
        hash_size(h, (size_t)cm_event_time(e));
        hash_string(h, cm_event_kind(e));
        hash_string(h, cm_event_status(e));
        hash_string(h, cm_event_headline(e));
        hash_string(h, cm_event_where(e, sc->base->lang, where, sizeof(where)));
    }
    for (size_t i = 0; i < sc->n_labels; i++)
        hash_string(h, sc->labels[i].event ? cm_event_id(sc->labels[i].event) : "");
}

void
cm_draw_hash(const cm_scene *scene, const unsigned char base[CM_DRAW_HASH_BYTES],
             cm_format format, double scale, unsigned png_colors,
             char hex[2 * CM_DRAW_HASH_BYTES + 1])
{
    hasher hs, *h = &hs;
    hasher_begin(h);
    hash_bytes(h, base, CM_DRAW_HASH_BYTES);
    hash_size(h, (size_t)format);
    hash_double(h, scale);
    if (format == CM_FORMAT_PNG)
        hash_size(h, png_colors);
    if (format == CM_FORMAT_PDF)   /* its creation date */
        hash_size(h, (size_t)cm_slice_time(scene->slice));
    if (format == CM_FORMAT_SVG) {   /* its <title> and <desc>, and what it says of each event */
        hash_string(h, scene->alt);
        hash_event_words(h, scene);
    }
    hash_markers(h, scene);
    hash_labels(h, scene);
    hash_rects_and_areas(h, scene);
    flush(h);
    unsigned char digest[CM_SHA256_BYTES];
    cm_sha256_end(&h->sum, digest);
    cm_sha256_hex(digest, hex);
}
