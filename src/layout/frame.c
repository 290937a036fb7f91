/* The frame around the map: the header with the title and the moment, the
 * footer with the source and the credit, and the scale bar on the map. */
#include "layout/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cm_stroke no_stroke = { { 0, 0, 0, 0 }, 0, { 0, 0 } };

/* What the layers drawn ask to be credited with, in the map's language where
 * it is the shipped coast's credit (the others are the layers' own words). */
static const char *
credits_words(const cm_scene_base *b)
{
    static const char osm[] = CM_N_("\xc2\xa9 OpenStreetMap contributors");
    return strcmp(b->credits, osm) == 0 ? layout_w(b, osm) : b->credits;
}

/* Source left, credit right; on a narrow map the credit takes a second line. */
static void
layout_footer(layout *L)
{
    const cm_style *st = L->st;
    const cm_events *ev = L->b->events;
    double W = L->b->width_px, H = L->b->height_px, m = st->margin_px;
    char source[1024];
    if (*cm_events_source(ev))
        snprintf(source, sizeof(source), layout_w(L->b, "Source: %s"), cm_events_source(ev));
    else
        source[0] = '\0';
    cm_scene_label *src = layout_add_label(L, source, CM_GROUP_FRAME, st->note_px, 0, 0,
                                           st->text_muted);
    if (!src)
        return;
    src->x = m;
    src->y = H - st->footer_px + (st->footer_px - src->h) / 2;
    size_t src_i = (size_t)(src - L->sc->labels);   /* adding the credit may move the array */
    char text[512];
    /* and what the layers drawn ask for: OpenStreetMap's coast and waters */
    snprintf(text, sizeof text, layout_w(L->b, "Map: conflictmap \xc2\xb7 Boundaries: Natural "
                                         "Earth \xc2\xb7 Places: GeoNames%s%s"),
             *L->b->credits ? " \xc2\xb7 " : "", credits_words(L->b));
    cm_scene_label *credit = layout_add_label(L, text, CM_GROUP_FRAME, st->note_px, 0, 0,
                                              st->text_muted);
    if (!credit)
        return;
    src = &L->sc->labels[src_i];
    credit->x = W - m - credit->w;
    credit->y = src->y;
    if (credit->x < src->x + src->w + m) {
        src->y = H - st->footer_px + 2;
        credit->y = src->y + src->h;
    }
}

/* The scale bar at the map's top left, in two halves like a surveyor's bar.
 * Its length comes from the base, measured there with PROJ's geodesic. */
static void
layout_scale_bar(layout *L)
{
    const cm_style *st = L->st;
    const double *r = L->b->map_rect;
    double m_len = L->b->scale_bar_m, len = L->b->scale_bar_px;
    char text[32];
    if (!isfinite(m_len) || !isfinite(len) || len < 10)
        return;
    char num[32];
    snprintf(num, sizeof num, "%g", m_len >= 1000 ? m_len / 1000 : m_len);
    snprintf(text, sizeof text, m_len >= 1000 ? layout_w(L->b, "%s km") : layout_w(L->b, "%s m"),
             num);
    cm_scene_label *lb = layout_add_label(L, text, CM_GROUP_FRAME, st->note_px, 0, 0, st->text);
    if (!lb)
        return;
    double x = r[0] + st->margin_px, y = r[1] + st->margin_px + lb->h + 2;
    lb->x = x;
    lb->y = y - lb->h - 2;
    lb->has_halo = 1;
    lb->halo = st->halo;
    cm_stroke edge = { st->text, 1, { 0, 0 } };
    layout_add_rect(L, CM_GROUP_FRAME, (box){ x, y, len / 2, 4 }, st->text, edge);
    layout_add_rect(L, CM_GROUP_FRAME, (box){ x + len / 2, y, len / 2, 4 }, st->halo, edge);
    layout_add_obstacle(L, (box){ x - 4, lb->y - 2, fmax(len, lb->w) + 8, y + 8 - lb->y });
}

/* ---- a portrait page ------------------------------------------------------------------ */


/* The moment on top, the title on up to two lines under it, the subtitle; in
 * the footer the source and, on lines of their own, the credits. */
static void
layout_frame_portrait(layout *L, const layout_frame_sizes_t *f)
{
    const cm_style *st = L->st;
    const cm_events *ev = L->b->events;
    double W = L->b->width_px, H = L->b->height_px, m = f->margin_px, inner = W - 2 * m;
    char moment[LAYOUT_TIME_BUF], text[1024];

    layout_add_rect(L, CM_GROUP_FRAME, (box){ 0, 0, W, f->header_px }, st->frame_bg, no_stroke);
    layout_add_rect(L, CM_GROUP_FRAME, (box){ 0, H - f->footer_px - f->band_px, W,
                                              f->footer_px + f->band_px },
                    st->frame_bg, no_stroke);
    layout_add_rect(L, CM_GROUP_FRAME, (box){ 0, f->header_px - 1, W, 1 }, st->rule, no_stroke);
    layout_add_rect(L, CM_GROUP_FRAME, (box){ 0, H - f->footer_px - f->band_px, W, 1 }, st->rule,
                    no_stroke);
    cm_catalog_date(L->b->words, "{day} {month} {year}, {time} GMT", cm_slice_time(L->sc->slice),
                    moment, sizeof(moment));
    double y = layout_wrap_lines(L, CM_GROUP_FRAME, moment, " ", f->moment_px, 1, st->text, m, m,
                                 inner, 1) + 2;
    y = layout_wrap_lines(L, CM_GROUP_FRAME, cm_events_title(ev), " ", f->title_px, 1, st->text,
                          m, y, inner, LAYOUT_TITLE_LINES);
    layout_wrap_lines(L, CM_GROUP_FRAME, cm_events_subtitle(ev), " ", f->subtitle_px, 0,
                      st->text_muted, m, y, inner, 1);

    double small = st->note_px * 0.95;
    if (*cm_events_source(ev))
        snprintf(text, sizeof(text), layout_w(L->b, "Source: %s"), cm_events_source(ev));
    else
        text[0] = '\0';
    y = layout_wrap_lines(L, CM_GROUP_FRAME, text, " ", small, 0, st->text_muted, m,
                          H - f->footer_px + 4, inner, 1);
    snprintf(text, sizeof text, layout_w(L->b, "Map: conflictmap \xc2\xb7 Boundaries: Natural "
                                         "Earth \xc2\xb7 Places: GeoNames%s%s"),
             *L->b->credits ? " \xc2\xb7 " : "", credits_words(L->b));
    layout_wrap_lines(L, CM_GROUP_FRAME, text, " \xc2\xb7 ", small, 0, st->text_muted, m, y,
                      inner, 2);
    /* the band and the footer are no place for a label */
    layout_add_obstacle(L, (box){ 0, H - f->footer_px - f->band_px, W, f->footer_px + f->band_px });
    layout_add_obstacle(L, (box){ 0, 0, W, f->header_px });
}

void
layout_frame(layout *L)
{
    const cm_style *st = L->st;
    const cm_events *ev = L->b->events;
    double W = L->b->width_px, H = L->b->height_px, m = st->margin_px;
    char moment[LAYOUT_TIME_BUF];
    size_t first_label = L->sc->n_labels, first_marker = L->sc->n_markers,
           first_rect = L->sc->n_rects;
    layout_frame_sizes_t f;

    layout_frame_sizes_of(L->b, &f);
    if (f.portrait) {
        layout_frame_portrait(L, &f);
        layout_mirror(L, first_label, first_marker, first_rect);   /* the title right */
        layout_scale_bar(L);
        return;
    }
    layout_add_rect(L, CM_GROUP_FRAME, (box){ 0, 0, W, st->header_px }, st->frame_bg, no_stroke);
    layout_add_rect(L, CM_GROUP_FRAME, (box){ 0, H - st->footer_px, W, st->footer_px },
                    st->frame_bg, no_stroke);
    layout_add_rect(L, CM_GROUP_FRAME, (box){ 0, st->header_px - 1, W, 1 }, st->rule, no_stroke);
    cm_catalog_date(L->b->words, "{day} {month} {year}, {time} GMT", cm_slice_time(L->sc->slice),
                    moment, sizeof(moment));
    cm_scene_label *lb = layout_add_label(L, moment, CM_GROUP_FRAME, st->moment_px, 1, 0, st->text);
    if (lb) {
        lb->x = W - m - lb->w;
        lb->y = m;
    }
    double right = lb ? lb->x - m : W - m, below_moment = m + st->moment_px + 6;
    lb = layout_add_label(L, cm_events_title(ev), CM_GROUP_FRAME, st->title_px, 1, 0, st->text);
    /* A long title on a narrow map shrinks (to 60% at most) before it runs off. */
    for (double size = st->title_px; lb && lb->w > W - 2 * m && size > st->title_px * 0.6;) {
        size -= 1;
        lb->size_px = size;
        layout_measure(L, lb->text, size, 1, 0, &lb->w, &lb->h, &lb->baseline_px);
    }
    if (lb) {
        lb->x = m;
        lb->y = m - 4;
        if (lb->x + lb->w > right)   /* no room beside the moment: under it */
            lb->y = below_moment;
    }
    double below = lb ? lb->y + lb->h + 2 : m;
    lb = layout_add_label(L, cm_events_subtitle(ev), CM_GROUP_FRAME, st->subtitle_px, 0, 0,
                          st->text_muted);
    if (lb) {
        lb->x = m;
        lb->y = below;
    }
    layout_footer(L);
    layout_mirror(L, first_label, first_marker, first_rect);   /* the title right */
    layout_scale_bar(L);
}
