/* Styles: three presets and JSON style files. A file starts from a preset
 * ("base", default "light") and sets only the keys it names, so a desk can
 * keep its house colours in five lines. Keys are read through one table. */
#include "load/style.h"
#include "conflictmap/limits.h"
#include "common/input.h"
#include "common/jsonpos.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RGB(hex) { ((hex) >> 16 & 0xFF) / 255.0, ((hex) >> 8 & 0xFF) / 255.0, \
                   ((hex) & 0xFF) / 255.0, 1.0 }
#define RGBA(hex, a) { ((hex) >> 16 & 0xFF) / 255.0, ((hex) >> 8 & 0xFF) / 255.0, \
                       ((hex) & 0xFF) / 255.0, (a) }

/* Quiet land and water so the sides' colours carry the meaning; the map's
 * own countries a shade lighter than their neighbours. */
static const cm_style light = {
    .name = "light",
    .font_family = "Noto Sans",
    .water = RGB(0xdbe6ee),
    .land = RGB(0xefece5),
    .land_focus = RGB(0xfdfcfa),
    .land_outside = RGB(0xefece6),
    .text = RGB(0x1a1a1a),
    .text_muted = RGB(0x5f5a52),
    .halo = RGBA(0xffffff, 0.85),
    .frame_bg = RGB(0xffffff),
    .rule = RGB(0xd0cbc2),
    .box_bg = RGBA(0xffffff, 0.92),
    .neutral = RGB(0x555555),
    .new_glow = RGBA(0xffd633, 0.55),
    .water_text = RGB(0x4f6f8a),
    .country_text = RGB(0x8c857a),
    .country_border = { RGB(0x77726a), 1.2, { 0, 0 } },
    .region_border = { RGB(0xc9c3b8), 0.6, { 0, 0 } },
    .oblast_line = { RGB(0x4a4a4a), 1.4, { 5, 3 } },
    .ceasefire_line = { RGB(0x8b3a3a), 1.6, { 1.5, 2.5 } },
    .other_line = { RGB(0x555555), 1.0, { 0, 0 } },
    .title_px = 26, .subtitle_px = 15, .moment_px = 17, .label_px = 12,
    .label_event_px = 14, .note_px = 11,
    .marker_px = 7, .place_dot_px = 2.2,
    .header_px = 96, .footer_px = 34, .margin_px = 16, .halo_px = 3,
};

/* For pages with a dark theme: light text with dark halos. */
static const cm_style dark = {
    .name = "dark",
    .font_family = "Noto Sans",
    .water = RGB(0x16202b),
    .land = RGB(0x262d36),
    .land_focus = RGB(0x36404c),
    .land_outside = RGB(0x232a33),
    .text = RGB(0xf2f2f2),
    .text_muted = RGB(0xa9b0b8),
    .halo = RGBA(0x10151b, 0.8),
    .frame_bg = RGB(0x10151b),
    .rule = RGB(0x3a4450),
    .box_bg = RGBA(0x10151b, 0.9),
    .neutral = RGB(0xb8b8b8),
    .new_glow = RGBA(0xffd633, 0.45),
    .water_text = RGB(0x7f9db8),
    .country_text = RGB(0x8a939e),
    .country_border = { RGB(0x8a939e), 1.2, { 0, 0 } },
    .region_border = { RGB(0x46505c), 0.6, { 0, 0 } },
    .oblast_line = { RGB(0xd0d0d0), 1.4, { 5, 3 } },
    .ceasefire_line = { RGB(0xe07a7a), 1.6, { 1.5, 2.5 } },
    .other_line = { RGB(0xb0b0b0), 1.0, { 0, 0 } },
    .title_px = 26, .subtitle_px = 15, .moment_px = 17, .label_px = 12,
    .label_event_px = 14, .note_px = 11,
    .marker_px = 7, .place_dot_px = 2.2,
    .header_px = 96, .footer_px = 34, .margin_px = 16, .halo_px = 3,
};

/* For paper: no translucency (some print RIPs flatten it badly), heavier
 * lines and text that survive newsprint's dot gain. */
static const cm_style print = {
    .name = "print",
    .font_family = "Noto Sans",
    .water = RGB(0xe3edf3),
    .land = RGB(0xf1eee8),
    .land_focus = RGB(0xffffff),
    .land_outside = RGB(0xeeebe5),
    .text = RGB(0x000000),
    .text_muted = RGB(0x4a453e),
    .halo = RGB(0xffffff),
    .frame_bg = RGB(0xffffff),
    .rule = RGB(0x9a948a),
    .box_bg = RGB(0xffffff),
    .neutral = RGB(0x404040),
    .new_glow = RGB(0xffe680),
    .water_text = RGB(0x3d5f7d),
    .country_text = RGB(0x6e685f),
    .country_border = { RGB(0x5c574f), 1.6, { 0, 0 } },
    .region_border = { RGB(0xb3ab9e), 0.8, { 0, 0 } },
    .oblast_line = { RGB(0x2e2e2e), 1.8, { 6, 3 } },
    .ceasefire_line = { RGB(0x7a2323), 2.0, { 2, 2.5 } },
    .other_line = { RGB(0x404040), 1.2, { 0, 0 } },
    .title_px = 26, .subtitle_px = 15, .moment_px = 17, .label_px = 13,
    .label_event_px = 15, .note_px = 11,
    .marker_px = 7.5, .place_dot_px = 2.4,
    .header_px = 96, .footer_px = 34, .margin_px = 16, .halo_px = 3.5,
};

static const cm_style *const presets[] = { &light, &dark, &print };

static const cm_style *
find_preset(const char *name)
{
    for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
        if (strcmp(presets[i]->name, name) == 0)
            return presets[i];
    return NULL;
}

cm_status
cm_style_preset(cm_style **out, const char *name, cm_diag_list *diags)
{
    const cm_style *p = find_preset(name ? name : "light");
    *out = NULL;
    if (!p) {
        cm_diag_error(diags, NULL, "there is no style \"%s\"; the built-in styles are "
                      "\"light\", \"dark\" and \"print\", or give a style file ending in "
                      ".json", name);
        return CM_ERR_INPUT;
    }
    cm_style *s = malloc(sizeof(*s));
    if (!s)
        return CM_ERR_NOMEM;
    *s = *p;
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

/* ---- style files ------------------------------------------------------------------------- */

typedef enum field_type { F_TEXT, F_COLOR, F_STROKE, F_PX } field_type;

typedef struct field {
    const char *key;
    field_type type;
    size_t offset;
    size_t size;          /* for F_TEXT: the buffer's size */
} field;

#define TEXT(k) { #k, F_TEXT, offsetof(cm_style, k), sizeof(((cm_style *)0)->k) }
#define COLOR(k) { #k, F_COLOR, offsetof(cm_style, k), 0 }
#define STROKE(k) { #k, F_STROKE, offsetof(cm_style, k), 0 }
#define PX(k) { #k, F_PX, offsetof(cm_style, k), 0 }

static const field fields[] = {
    TEXT(name), TEXT(font_family),
    COLOR(water), COLOR(land), COLOR(land_focus), COLOR(land_outside), COLOR(text),
    COLOR(text_muted), COLOR(halo), COLOR(frame_bg), COLOR(rule), COLOR(box_bg),
    COLOR(neutral), COLOR(new_glow), COLOR(water_text), COLOR(country_text),
    STROKE(country_border), STROKE(region_border), STROKE(oblast_line),
    STROKE(ceasefire_line), STROKE(other_line),
    PX(title_px), PX(subtitle_px), PX(moment_px), PX(label_px), PX(label_event_px),
    PX(note_px), PX(marker_px), PX(place_dot_px), PX(header_px), PX(footer_px),
    PX(margin_px), PX(halo_px),
};

typedef struct style_file {
    const char *path;
    const cm_jsonpos *pos;
    cm_diag_list *diags;
    cm_status st;
} style_file;

static void
bad(style_file *sf, const json_t *v, const char *fmt, const char *key)
{
    cm_pos fallback = { sf->path, 1, 1 };
    cm_pos pos = cm_jsonpos_of(sf->pos, v, fallback);
    cm_diag_error(sf->diags, &pos, fmt, key);
    if (sf->st == CM_OK)
        sf->st = CM_ERR_INPUT;
}

/* "#rrggbb" or "#rrggbbaa". */
static int
parse_rgba(const char *s, cm_rgba *c)
{
    unsigned v[4] = { 0, 0, 0, 255 };
    size_t len = s ? strlen(s) : 0;
    if ((len != 7 && len != 9) || s[0] != '#' || strspn(s + 1, "0123456789abcdefABCDEF") != len - 1)
        return 0;
    for (size_t i = 0; i < (len - 1) / 2; i++)
        sscanf(s + 1 + 2 * i, "%2x", &v[i]);
    *c = (cm_rgba){ v[0] / 255.0, v[1] / 255.0, v[2] / 255.0, v[3] / 255.0 };
    return 1;
}

static int
parse_px(const json_t *v, double max, double *out)
{
    double d = json_is_number(v) ? json_number_value(v) : -1;
    if (!(d >= 0 && d <= max))
        return 0;
    *out = d;
    return 1;
}

static void
set_color(style_file *sf, const char *key, const json_t *v, cm_rgba *c)
{
    if (!parse_rgba(json_string_value(v), c))
        bad(sf, v, "\"%s\" should be a colour such as \"#2b6cb0\" (or \"#2b6cb0cc\" with "
            "opacity)", key);
}

static void
set_stroke(style_file *sf, const char *key, const json_t *v, cm_stroke *s)
{
    const json_t *color = json_object_get(v, "color"), *width = json_object_get(v, "width_px");
    const json_t *dash = json_object_get(v, "dash_px");
    if (!json_is_object(v)) {
        bad(sf, v, "\"%s\" should be an object such as {\"color\": \"#77726a\", "
            "\"width_px\": 1.2, \"dash_px\": [5, 3]}", key);
        return;
    }
    if (color)
        set_color(sf, key, color, &s->color);
    if (width && !parse_px(width, 50, &s->width_px))
        bad(sf, width, "the \"width_px\" of \"%s\" should be a number from 0 to 50", key);
    if (dash && (json_array_size(dash) != 2 ||
                 !parse_px(json_array_get(dash, 0), 100, &s->dash_px[0]) ||
                 !parse_px(json_array_get(dash, 1), 100, &s->dash_px[1])))
        bad(sf, dash, "the \"dash_px\" of \"%s\" should be two numbers [on, off], or [0, 0] "
            "for a solid line", key);
}

static void
set_field(style_file *sf, cm_style *s, const field *f, const json_t *v)
{
    char *at = (char *)s + f->offset;
    switch (f->type) {
    case F_TEXT:
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            json_string_length(v) >= f->size)
            bad(sf, v, "\"%s\" should be a short text in quotes", f->key);
        else
            snprintf(at, f->size, "%s", json_string_value(v));
        break;
    case F_COLOR:
        set_color(sf, f->key, v, (cm_rgba *)(void *)at);
        break;
    case F_STROKE:
        set_stroke(sf, f->key, v, (cm_stroke *)(void *)at);
        break;
    case F_PX:
        if (!parse_px(v, 500, (double *)(void *)at))
            bad(sf, v, "\"%s\" should be a number of pixels from 0 to 500", f->key);
        break;
    }
}

static void
apply_file(style_file *sf, cm_style *s, json_t *root)
{
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        size_t k = 0, n = sizeof(fields) / sizeof(fields[0]);
        while (k < n && strcmp(key, fields[k].key) != 0)
            k++;
        if (k < n) {
            set_field(sf, s, &fields[k], v);
        } else if (strcmp(key, "base") != 0) {
            cm_pos fallback = { sf->path, 1, 1 };
            cm_pos pos = cm_jsonpos_key(sf->pos, v, fallback);
            cm_diag_warning(sf->diags, &pos, "\"%s\" is not a style key; it is ignored "
                            "(docs/style.md lists them)", key);
        }
    }
}

/* The preset a file starts from: its "base", else "light". */
static const cm_style *
base_of(style_file *sf, json_t *root)
{
    json_t *b = json_object_get(root, "base");
    const cm_style *p = b ? find_preset(json_string_value(b) ? json_string_value(b) : "")
                          : &light;
    if (!p)
        bad(sf, b, "\"%s\" should name a built-in style: \"light\", \"dark\" or \"print\"",
            "base");
    return p ? p : &light;
}

static cm_status
parse_style(cm_style *s, style_file *sf, const char *text, size_t len)
{
    json_error_t err;
    const cm_limits *lim = cm_limits_get();
    cm_status st = cm_jsonpos_check_limits(sf->path, "a style file", text, len,
                                           lim->max_depth, lim->max_string_bytes, sf->diags);
    if (st != CM_OK)
        return st;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    cm_jsonpos *table = NULL;
    if (!root || !json_is_object(root)) {
        cm_pos pos = { sf->path, root ? 1 : err.line, root ? 1 : err.column };
        cm_diag_error(sf->diags, &pos, root ? "a style file should hold one JSON object {...}"
                      : "this is not valid JSON: %s", err.text);
        json_decref(root);
        return CM_ERR_INPUT;
    }
    st = cm_jsonpos_build(&table, sf->path, text, root);
    if (st == CM_OK) {
        sf->pos = table;
        *s = *base_of(sf, root);
        snprintf(s->name, sizeof(s->name), "%s", sf->path);
        apply_file(sf, s, root);
        st = sf->st;
    }
    cm_jsonpos_destroy(table);
    json_decref(root);
    return st;
}

cm_status
cm_style_load(cm_style **out, const char *name_or_path, cm_diag_list *diags)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    if (!name_or_path || find_preset(name_or_path) ||
        (!strchr(name_or_path, '/') && !strstr(name_or_path, ".json")))
        return cm_style_preset(out, name_or_path, diags);
    cm_status st = cm_input_read_text(name_or_path, cm_limits_get()->max_file_bytes, &text,
                                      &len, diags);
    if (st != CM_OK)
        return st;
    style_file sf = { name_or_path, NULL, diags, CM_OK };
    cm_style *s = malloc(sizeof(*s));
    st = s ? parse_style(s, &sf, text, len) : CM_ERR_NOMEM;
    free(text);
    if (st != CM_OK) {
        free(s);
        return st;
    }
    *out = s;
    return CM_OK;
}
