/* Style presets. The values are chosen for a newsroom locator map: quiet land
 * and water so the events' side colours carry the meaning. */
#include "style.h"

#include <stdlib.h>
#include <string.h>

#define RGB(hex) { ((hex) >> 16 & 0xFF) / 255.0, ((hex) >> 8 & 0xFF) / 255.0, \
                   ((hex) & 0xFF) / 255.0, 1.0 }

static const cm_style light = {
    .name = "light",
    .font_family = "Noto Sans",
    .water = RGB(0xdbe6ee),
    .land = RGB(0xfbfaf7),
    .land_outside = RGB(0xefece6),
    .text = RGB(0x1a1a1a),
    .text_muted = RGB(0x5f5a52),
    .halo = { 1, 1, 1, 0.85 },
    .frame_bg = RGB(0xffffff),
    .rule = RGB(0xd0cbc2),
    .country_border = { RGB(0x77726a), 1.2, { 0, 0 } },
    .region_border = { RGB(0xc9c3b8), 0.6, { 0, 0 } },
    .oblast_line = { RGB(0x4a4a4a), 1.4, { 5, 3 } },
    .ceasefire_line = { RGB(0x8b3a3a), 1.6, { 1.5, 2.5 } },
    .other_line = { RGB(0x555555), 1.0, { 0, 0 } },
    .title_px = 26, .subtitle_px = 15, .moment_px = 17, .label_px = 12,
    .label_event_px = 14, .note_px = 11,
    .marker_px = 7, .place_dot_px = 2.2,
    .header_px = 96, .footer_px = 34, .margin_px = 16,
};

cm_status
cm_style_preset(cm_style **out, const char *name, cm_diag_list *diags)
{
    *out = NULL;
    if (name && strcmp(name, "light") != 0) {
        cm_diag_error(diags, NULL, "there is no style \"%s\"; the built-in style is "
                      "\"light\"", name);
        return CM_ERR_INPUT;
    }
    cm_style *s = malloc(sizeof(*s));
    if (!s)
        return CM_ERR_NOMEM;
    *s = light;
    *out = s;
    return CM_OK;
}

void
cm_style_destroy(cm_style *style)
{
    free(style);
}

const char *
cm_style_name(const cm_style *style)
{
    return style->name;
}
