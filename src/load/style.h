/* The style's fields, for the scene that applies them. For other src/ files only. */
#ifndef CM_SRC_STYLE_H
#define CM_SRC_STYLE_H

#include "conflictmap/style.h"

typedef struct cm_rgba {
    double r, g, b, a;
} cm_rgba;

typedef struct cm_stroke {
    cm_rgba color;
    double width_px;
    double dash_px[2];     /* on, off; zeros for a solid line */
} cm_stroke;

struct cm_style {
    char name[128];
    char font_family[64];           /* pinned: the same on every machine */
    cm_rgba water, land, land_focus, land_outside, text, text_muted, halo, frame_bg, rule;
    cm_rgba box_bg, neutral, new_glow, water_text, country_text;
    cm_stroke country_border, region_border, oblast_line, ceasefire_line, other_line;
    double title_px, subtitle_px, moment_px, label_px, label_event_px, note_px;
    double marker_px;               /* radius of an event marker */
    double place_dot_px;
    double header_px, footer_px;    /* heights of the frame bands */
    double margin_px;
    double halo_px;                 /* width of the halo behind labels */
};

#endif
