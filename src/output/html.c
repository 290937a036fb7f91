/* The interactive page. Everything the page knows about the slices goes in as
 * one inline JSON block, built with jansson and escaped so that no string can
 * end the script element; the little markup written from the events file's
 * text (title, alt text) is HTML-escaped. The script and style sheet are
 * src/output/html.js and src/output/html.css, compiled in (html_assets.cmake), and allowed
 * by their SHA-256 in the page's Content-Security-Policy. Drawing the PNGs is
 * the draw module's job, naming them render's. */
#include "output/html.h"
#include "common/outfile.h"
#include "layout/scene.h"
#include "common/sha256.h"
#include "common/catalog.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

extern const char cm_html_css[];   /* src/output/html.css, made into a string by the build */
extern const char cm_html_js[];    /* src/output/html.js */

/* Below this size in CSS pixels a label on the picture is listed under it. */
static const double readable_label_px = 9;

/* The phone layout shows at this width and below: a phone, and an article
 * column up to 720 px (a 680 px column), where the portrait layout's type is
 * larger than the landscape map's shrunk to the column. The one place it is
 * said: the style sheet's rule, the <source>'s media, the script (data) and
 * the embed snippet take it from here. */
#define PHONE_MAX_PX 720
#define PHONE_MEDIA "(max-width: 720px)"



/* ---- writing text -------------------------------------------------------------------- */

/* Text for HTML element content and for quoted attribute values alike. */
static void
put_html(cm_outfile *o, const char *s)
{
    if (!s)
        return;
    for (const char *p = s; *p; p++) {
        const char *rep = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;"
                        : *p == '"' ? "&quot;" : *p == '\'' ? "&#39;" : NULL;
        if (rep)
            cm_outfile_puts(o, rep);
        else
            cm_outfile_write(o, p, 1);
    }
}

/* JSON inside <script type="application/json">: "<", ">" and "&" become \u
 * escapes, so "</script>" or "<!--" in a headline cannot end or change the
 * element, and U+2028/U+2029 are escaped for older JavaScript parsers. jansson
 * writes these bytes only inside strings, where the escapes mean the same. */
static void
put_json(cm_outfile *o, const char *s)
{
    for (const char *p = s; *p; p++) {
        const unsigned char *u = (const unsigned char *)p;
        if (*p == '<')
            cm_outfile_puts(o, "\\u003c");
        else if (*p == '>')
            cm_outfile_puts(o, "\\u003e");
        else if (*p == '&')
            cm_outfile_puts(o, "\\u0026");
        else if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xa8 || u[2] == 0xa9)) {
            cm_outfile_puts(o, u[2] == 0xa8 ? "\\u2028" : "\\u2029");
            p += 2;
        } else
            cm_outfile_write(o, p, 1);
    }
}

/* A file name as a relative URL: bytes other than letters, digits and
 * "-._~@" are percent-encoded, so a name with "#", "?" or "%" still names
 * the file. @out holds 3 * strlen(name) + 1. */
static char *
url_of_name(const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = malloc(3 * strlen(name) + 1), *q = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~@", *p)) {
            *q++ = (char)*p;
            continue;
        }
        *q++ = '%';
        *q++ = hex[*p >> 4];
        *q++ = hex[*p & 15];
    }
    *q = '\0';
    return out;
}

/* ---- the page's data ----------------------------------------------------------------- */

typedef struct builder {
    int failed;
} builder;

/* Adds @value to @obj, taking the reference even on failure (jansson's _new
 * calls do); a failure, or a NULL from an allocation, is remembered. */
static void
set(builder *b, json_t *obj, const char *key, json_t *value)
{
    if (!obj)
        json_decref(value);
    if (!value || !obj || json_object_set_new(obj, key, value) != 0)
        b->failed = 1;
}

static void
push(builder *b, json_t *arr, json_t *value)
{
    if (!arr)
        json_decref(value);
    if (!value || !arr || json_array_append_new(arr, value) != 0)
        b->failed = 1;
}

/* Links are kept only to web pages: a "javascript:" or "data:" URL, or one
 * with spaces or control characters, is left out. */
static int
is_web_url(const char *url)
{
    size_t scheme = strncasecmp(url, "http://", 7) == 0    ? 7
                    : strncasecmp(url, "https://", 8) == 0 ? 8
                                                            : 0;
    if (!scheme || strlen(url) == scheme)
        return 0;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* The event's "url", an unknown key to the events module, when it is a web page's. */
static json_t *
event_url(const cm_event *e, int *failed)
{
    json_error_t err;
    json_t *extra = json_loads(cm_event_extra_json(e), 0, &err), *out = NULL;
    if (!extra) {
        *failed = 1;
        return NULL;
    }
    const char *url = json_string_value(json_object_get(extra, "url"));
    if (url && is_web_url(url)) {
        out = json_string(url);
        *failed |= out == NULL;
    }
    json_decref(extra);
    return out;
}

static const char *
side_name(const cm_events *ev, const char *code)
{
    const cm_side *side = code ? cm_events_find_side(ev, code) : NULL;
    return side ? cm_side_name(side) : code;
}

/* "9 October 2020, 15:15 GMT" in the page's language. */
static char *
moment_words(const struct cm_catalog *words, cm_time t, char *buf, size_t size)
{
    return cm_catalog_date(words, "{day} {month} {year}, {time} GMT", t, buf, size);
}

static json_t *
event_data(builder *b, const cm_events *ev, const cm_event *e)
{
    char when[CM_TIME_BUF];
    json_t *o = json_object();
    const char *by = cm_event_claimed_by(e) ? cm_event_claimed_by(e) : cm_event_control_to(e);
    char where[256];
    set(b, o, "id", json_string(cm_event_id(e)));
    set(b, o, "headline", json_string(cm_event_headline(e)));
    set(b, o, "time", json_string(cm_time_format_human(cm_event_time(e), when)));
    set(b, o, "clock", json_string(cm_time_format_clock(cm_event_time(e), when)));
    set(b, o, "kind", json_string(cm_event_kind(e)));
    set(b, o, "status", json_string(cm_event_status(e)));
    if (by)
        set(b, o, "by", json_string(side_name(ev, by)));
    set(b, o, "place", json_string(cm_event_where(e, NULL, where, sizeof(where))));
    set(b, o, "source", json_string(cm_event_source(e)));
    set(b, o, "text", json_string(cm_event_text(e)));
    json_t *url = event_url(e, &b->failed);
    if (url)
        set(b, o, "url", url);
    return o;
}

static double
percent(double v, int of)
{
    return round(v / of * 10000) / 100;
}

/* A spot is where one or more of the slice's event markers are (events at
 * one edge arrow share it); its events go newest first. Spots are found by
 * their place in a hash table: looking through every spot for each event
 * took 4 s of a page of 20,000 events. */
typedef struct spot_slot {
    double x, y;
    json_t *spot;        /* NULL: empty */
} spot_slot;

static size_t
spot_hash(double x, double y, size_t mask)
{
    uint64_t a, c;
    memcpy(&a, &x, sizeof a);
    memcpy(&c, &y, sizeof c);
    uint64_t h = (a ^ (c * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
    return (size_t)(h ^ (h >> 29)) & mask;
}

static spot_slot *
find_slot(spot_slot *t, size_t mask, double x, double y)
{
    size_t i = spot_hash(x, y, mask);
    while (t[i].spot && !(t[i].x == x && t[i].y == y))
        i = (i + 1) & mask;
    return &t[i];
}

static void
add_spots(builder *b, json_t *entry, const cm_scene *sc, int with_new)
{
    const cm_slice *sl = sc->slice;
    json_t *spots = json_array(), *fresh = with_new ? json_array() : NULL;
    int w = cm_scene_width_px(sc), h = cm_scene_height_px(sc);
    size_t n = cm_slice_n_events(sl), mask = 15;
    while (mask < 2 * n)
        mask = 2 * mask + 1;
    spot_slot *table = calloc(mask + 1, sizeof(*table));
    if (!table)
        b->failed = 1;
    for (size_t k = n; !b->failed && k-- > 0;) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(sl, k, &state);
        json_t *index = json_integer((json_int_t)cm_event_index(e));
        double x, y;
        if (state == CM_EVENT_NEW && with_new)
            push(b, fresh, json_integer((json_int_t)cm_event_index(e)));
        if (!cm_scene_event_xy(sc, e, &x, &y)) {
            json_decref(index);
            continue;
        }
        double px = percent(x, w), py = percent(y, h);
        spot_slot *slot = find_slot(table, mask, px, py);
        json_t *spot = slot->spot;
        if (!spot) {
            spot = json_pack("{s:f, s:f, s:[], s:b}", "x", px, "y", py, "events", "new", 0);
            push(b, spots, spot);
            *slot = (spot_slot){ px, py, spot };
        }
        if (spot && state == CM_EVENT_NEW)
            set(b, spot, "new", json_true());
        push(b, spot ? json_object_get(spot, "events") : NULL, index);
    }
    free(table);
    set(b, entry, "spots", spots);
    if (with_new)
        set(b, entry, "new", fresh);
}

/* A label's text without the left-to-right marks that are there for drawing. */
static json_t *
label_text(const char *text)
{
    char *copy = strdup(text);
    if (!copy)
        return NULL;
    for (char *m; (m = strstr(copy, "\xe2\x80\x8e"));)
        memmove(m, m + 3, strlen(m + 3) + 1);
    json_t *s = json_string(copy);
    free(copy);
    return s;
}

/* The labels of the story (those of event markers) with their sizes, so the
 * page can list the ones too small to read at the width it is shown; and the
 * labels the layout could not place at all. */
static void
add_labels(builder *b, json_t *entry, const cm_scene *sc)
{
    json_t *labels = json_array(), *dropped = json_array();
    for (size_t i = 0; i < sc->n_labels; i++) {
        const cm_scene_label *lb = &sc->labels[i];
        if (!lb->event || lb->group != CM_GROUP_LABELS)
            continue;
        json_t *pair = json_array();
        push(b, pair, label_text(lb->text));
        push(b, pair, json_real(lb->size_px));
        push(b, labels, pair);
    }
    for (size_t i = 0; i < cm_scene_n_dropped(sc); i++)
        push(b, dropped, label_text(cm_scene_dropped(sc, i)));
    set(b, entry, "labels", labels);
    set(b, entry, "dropped", dropped);
}

/* "2020-10-09T15:15Z" for the permalink; the seconds only when not zero. */
static json_t *
permalink_time(cm_time t)
{
    char iso[CM_TIME_BUF];
    size_t n = strlen(cm_time_format_iso(t, iso));
    if (n == 20 && strcmp(iso + 16, ":00Z") == 0)
        memcpy(iso + 16, "Z", 2);
    return json_string(iso);
}

static json_t *
url_value(const char *name)
{
    char *url = name ? url_of_name(name) : NULL;
    json_t *v = url ? json_string(url) : NULL;
    free(url);
    return v;
}

typedef struct cm_html_slice {
    const cm_scene *scene;
    const char *png, *png_2x;
} cm_html_slice;

static json_t *
slice_data(builder *b, const cm_html_slice *hs, const struct cm_catalog *words)
{
    char buf[160];
    cm_time t = cm_slice_time(hs->scene->slice);
    json_t *o = json_object();
    set(b, o, "t", permalink_time(t));
    set(b, o, "moment", json_string(moment_words(words, t, buf, sizeof(buf))));
    set(b, o, "clock", json_string(cm_time_format_clock(t, buf)));
    cm_time since;
    if (cm_slice_new_since(hs->scene->slice, &since))   /* --since: new after it */
        set(b, o, "since", json_string(cm_time_format_clock(since, buf)));
    set(b, o, "png", url_value(hs->png));
    if (hs->png_2x)
        set(b, o, "png2x", url_value(hs->png_2x));
    set(b, o, "alt", json_string(cm_scene_alt(hs->scene)));
    if (hs->scene->change_words)   /* "Azerbaijan gained 1,936 km² since 20 November." */
        set(b, o, "change", json_string(hs->scene->change_words));
    add_spots(b, o, hs->scene, 1);
    add_labels(b, o, hs->scene);
    return o;
}

static void
hex_color(cm_rgba c, char out[8])
{
    snprintf(out, 8, "#%02x%02x%02x", (int)lround(c.r * 255), (int)lround(c.g * 255),
             (int)lround(c.b * 255));
}

static json_t *
sides_data(builder *b, const cm_events *ev)
{
    json_t *sides = json_array();
    for (size_t i = 0; i < cm_events_n_sides(ev); i++) {
        double rgb[3];
        char color[8];
        cm_side_rgb(cm_events_side(ev, i), rgb);
        hex_color((cm_rgba){ rgb[0], rgb[1], rgb[2], 1 }, color);
        push(b, sides, json_pack("{s:s, s:s}", "name", cm_side_name(cm_events_side(ev, i)),
                                 "color", color));
    }
    return sides;
}

struct cm_html_page {
    const cm_events *events;
    const cm_style *style;
    int width_px, height_px;
    int phone_w, phone_h;      /* the phone layout's size; 0 when there is none */
    json_t *root, *slices;     /* the page's data block; slices is borrowed from root */
    char lang[8];              /* the page's language: its lang, its words */
    const struct cm_catalog *words;   /* borrowed; NULL: English */
};

/* The page's own words, in the page (html.c) and in its script (html.js w(),
 * which looks them up by the English in the data block's "words"). */
static const char *const page_words[] = {
    CM_N_("Map of reported events"), CM_N_("Moments"), CM_N_("Previous moment"),
    CM_N_("Next moment"), CM_N_("Play"), CM_N_("Pause"), CM_N_("Moment"),
    CM_N_("Link to this moment"), CM_N_("Key"), CM_N_("Interactive map: %s"),
    CM_N_("Interactive map: reported events"),
    CM_N_("Reported"), CM_N_("Claimed"), CM_N_("Confirmed"), CM_N_("Disputed"),
    CM_N_("by {side}, not independently verified"), CM_N_("not independently verified"),
    CM_N_("claim by {side} is contested"), CM_N_("contested"), CM_N_("Source: {source}"),
    CM_N_("Report"), CM_N_("Report: {site}"), CM_N_("New at {time}"), CM_N_("New since {time}"),
    CM_N_("Nothing new reported at this moment."), CM_N_("Names on this map"),
    CM_N_("Nearby"), CM_N_("Close"),
    CM_N_("Not labelled on this map"), CM_N_("{n} of {count}"),
    CM_N_("Solid: reported, not verified"), CM_N_("Dark edge: confirmed"),
    CM_N_("Hollow: claimed by one side, not verified"), CM_N_("Pale: disputed"),
    CM_N_("Glow: new at this moment"),
};

static const char *
page_word(const cm_html_page *p, const char *en)
{
    return cm_catalog_get(p->words, en);
}

/* Side @code's name as the map has it in its language (layout/base.c). */
static const char *
side_name_in(const cm_scene_base *base, const cm_events *ev, const char *code)
{
    const cm_side *side = code ? cm_events_find_side(ev, code) : NULL;
    for (size_t i = 0; side && base->side_names && i < cm_events_n_sides(ev); i++)
        if (cm_events_side(ev, i) == side)
            return base->side_names[i];
    return side_name(ev, code);
}

cm_status
cm_html_page_set_lang(cm_html_page *p, const cm_scene_base *base)
{
    builder b = { 0 };
    char when[160];
    json_t *o = json_object();
    snprintf(p->lang, sizeof(p->lang), "%s", base->lang);
    p->words = base->words;
    for (size_t i = 0; i < sizeof(page_words) / sizeof(page_words[0]); i++)
        set(&b, o, page_words[i], json_string(page_word(p, page_words[i])));
    set(&b, p->root, "words", o);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(p->root, "events"), i, e) {
        const cm_event *ev = cm_events_get(p->events, i);
        const char *by = cm_event_claimed_by(ev) ? cm_event_claimed_by(ev)
                                                 : cm_event_control_to(ev);
        set(&b, e, "time", json_string(moment_words(p->words, cm_event_time(ev), when,
                                                    sizeof(when))));
        if (by)
            set(&b, e, "by", json_string(side_name_in(base, p->events, by)));
    }
    json_array_foreach(json_object_get(p->root, "sides"), i, e)
        set(&b, e, "name", json_string(side_name_in(base, p->events,
                                                    cm_side_code(cm_events_side(p->events, i)))));
    return b.failed ? CM_ERR_NOMEM : CM_OK;
}

cm_status
cm_html_page_create(cm_html_page **out, const cm_events *ev, const cm_style *style,
                    int width_px, int height_px, double scale, double scale_2x)
{
    builder b = { 0 };
    cm_html_page *p = calloc(1, sizeof(*p));
    *out = NULL;
    if (!p)
        return CM_ERR_NOMEM;
    p->events = ev;
    p->style = style;
    p->width_px = width_px;
    p->height_px = height_px;
    snprintf(p->lang, sizeof(p->lang), "en");
    p->root = json_object();
    json_t *events = json_array();
    p->slices = json_array();
    set(&b, p->root, "title", json_string(cm_events_title(ev)));
    set(&b, p->root, "width", json_integer(width_px));
    set(&b, p->root, "height", json_integer(height_px));
    set(&b, p->root, "w1", json_integer((json_int_t)lround(width_px * scale)));
    set(&b, p->root, "w2", json_integer((json_int_t)lround(width_px * scale_2x)));
    set(&b, p->root, "readable", json_real(readable_label_px));
    set(&b, p->root, "labelPx", json_real(style->label_px));
    set(&b, p->root, "phoneMedia", json_string(PHONE_MEDIA));
    for (size_t i = 0; i < cm_events_count(ev) && !b.failed; i++)
        push(&b, events, event_data(&b, ev, cm_events_get(ev, i)));
    set(&b, p->root, "events", events);
    set(&b, p->root, "sides", sides_data(&b, ev));
    json_incref(p->slices);
    set(&b, p->root, "slices", p->slices);
    if (b.failed) {
        cm_html_page_destroy(p);
        return CM_ERR_NOMEM;
    }
    *out = p;
    return CM_OK;
}

void
cm_html_page_destroy(cm_html_page *p)
{
    if (!p)
        return;
    json_decref(p->slices);
    json_decref(p->root);
    free(p);
}

cm_status
cm_html_page_add_slice(cm_html_page *p, const cm_scene *scene, const char *png,
                       const char *png_2x)
{
    builder b = { 0 };
    cm_html_slice hs = { scene, png, png_2x };
    push(&b, p->slices, slice_data(&b, &hs, p->words));
    return b.failed ? CM_ERR_NOMEM : CM_OK;
}

/* The smallest type of @sc's story labels, or @fallback with none: what the
 * page compares with the readable size to write out the title and key. */
static double
smallest_label_px(const cm_scene *sc, double fallback)
{
    double least = 0;
    for (size_t i = 0; i < sc->n_labels; i++) {
        const cm_scene_label *lb = &sc->labels[i];
        if (lb->group == CM_GROUP_LABELS && lb->size_px > 0 && (least == 0 || lb->size_px < least))
            least = lb->size_px;
    }
    return least > 0 ? least : fallback;
}

cm_status
cm_html_page_add_phone(cm_html_page *p, const cm_scene *phone_scene, const char *phone_png)
{
    builder b = { 0 };
    json_t *slice = json_array_get(p->slices, json_array_size(p->slices) - 1);
    if (!slice || !phone_png)
        return CM_ERR_INTERNAL;
    if (!p->phone_w) {
        p->phone_w = cm_scene_width_px(phone_scene);
        p->phone_h = cm_scene_height_px(phone_scene);
        set(&b, p->root, "pw", json_integer(p->phone_w));
        set(&b, p->root, "ph", json_integer(p->phone_h));
        set(&b, p->root, "pLabelPx", json_real(smallest_label_px(phone_scene, p->style->label_px)));
    }
    json_t *phone = json_object();
    set(&b, phone, "png", url_value(phone_png));
    add_spots(&b, phone, phone_scene, 0);
    add_labels(&b, phone, phone_scene);
    set(&b, slice, "phone", phone);
    return b.failed ? CM_ERR_NOMEM : CM_OK;
}

cm_status
cm_html_page_set_folder(cm_html_page *p, const char *folder)
{
    static const char *const keys[] = { "png", "png2x" };
    size_t i;
    json_t *slice;
    json_array_foreach(p->slices, i, slice) {
        for (size_t k = 0; k <= sizeof(keys) / sizeof(keys[0]); k++) {
            /* the slice's PNGs, then its phone layout's */
            json_t *owner = k < sizeof(keys) / sizeof(keys[0]) ? slice : json_object_get(slice, "phone");
            const char *key = k < sizeof(keys) / sizeof(keys[0]) ? keys[k] : "png";
            const char *name = json_string_value(json_object_get(owner, key));
            if (!name)
                continue;
            size_t len = strlen(folder) + strlen(name) + 1;
            char *url = malloc(len);
            if (!url)
                return CM_ERR_NOMEM;
            snprintf(url, len, "%s%s", folder, name);
            int failed = json_object_set_new(owner, key, json_string(url)) != 0;
            free(url);
            if (failed)
                return CM_ERR_NOMEM;
        }
    }
    return CM_OK;
}

/* ---- the page ---------------------------------------------------------------------------- */

/* The style sheet: the map style's colours as custom properties, so the page
 * matches the map (light, dark, print), then src/output/html.css. */
static char *
style_sheet(const cm_html_page *p)
{
    const cm_style *st = p->style;
    char text[8], muted[8], bg[8], rule[8], box[8], glow[8], vars[768];
    hex_color(st->text, text);
    hex_color(st->text_muted, muted);
    hex_color(st->frame_bg, bg);
    hex_color(st->rule, rule);
    hex_color(st->box_bg, box);
    hex_color(st->new_glow, glow);
    /* --cm-w and --cm-h: the size of the layout showing, which html.css fits
     * to the screen's height as well as its width */
    int n = snprintf(vars, sizeof(vars), ":root{--cm-text:%s;--cm-muted:%s;--cm-bg:%s;"
                     "--cm-rule:%s;--cm-box:%s;--cm-new:%s;--cm-w:%d;--cm-h:%d}\n", text, muted,
                     bg, rule, box, glow, p->width_px, p->height_px);
    if (p->phone_w > 0 && n > 0 && (size_t)n < sizeof(vars))
        n += snprintf(vars + n, sizeof(vars) - (size_t)n, "@media %s{:root{--cm-w:%d;--cm-h:%d}}\n",
                      PHONE_MEDIA, p->phone_w, p->phone_h);
    if (n < 0 || (size_t)n >= sizeof(vars))
        return NULL;
    char *css = malloc((size_t)n + strlen(cm_html_css) + 1);
    if (!css)
        return NULL;
    memcpy(css, vars, (size_t)n);
    strcpy(css + n, cm_html_css);
    return css;
}

/* The script's hash: the script is the same on every page (24 KB to hash,
 * under the fuzzer's sanitizers 2% of a render), so it is hashed once. */
static char js_hash[CM_SHA256_BASE64_BUF];
static pthread_once_t js_hash_once = PTHREAD_ONCE_INIT;

static void
hash_js(void)
{
    cm_sha256_base64(cm_html_js, strlen(cm_html_js), js_hash);
}

static void
put_csp(cm_outfile *o, const char *css)
{
    char css_hash[CM_SHA256_BASE64_BUF];
    cm_sha256_base64(css, strlen(css), css_hash);
    pthread_once(&js_hash_once, hash_js);
    /* Images only from the page's own folder, and a connection only to the
     * server the page came from (the preview server's live reload, /_events);
     * nothing else is loaded, and only this style sheet and this script may
     * run. */
    cm_outfile_printf(o, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "img-src 'self'; connect-src 'self'; style-src 'sha256-%s'; script-src 'sha256-%s'; "
            "base-uri 'none'; form-action 'none'\">\n", css_hash, js_hash);
}

static void
put_head(cm_outfile *o, const cm_html_page *p, const char *title, const char *css)
{
    cm_outfile_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\"%s>\n<head>\n<meta charset=\"utf-8\">\n",
                      p->lang, cm_lang_is_rtl(p->lang) ? " dir=\"rtl\"" : "");
    put_csp(o, css);
    cm_outfile_puts(o, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    put_html(o, *title ? title : page_word(p, "Map of reported events"));
    cm_outfile_puts(o, "</title>\n<style>");
    cm_outfile_puts(o, css);
    cm_outfile_puts(o, "</style>\n</head>\n");
}

static const char icons[] =
    "<svg class=\"cm-i-play\" viewBox=\"0 0 20 20\" aria-hidden=\"true\" focusable=\"false\">"
    "<path d=\"M6 4l10 6-10 6z\"/></svg>"
    "<svg class=\"cm-i-pause\" viewBox=\"0 0 20 20\" aria-hidden=\"true\" focusable=\"false\">"
    "<path d=\"M5 4h3.5v12H5zM11.5 4H15v12h-3.5z\"/></svg>";

/* The picture and the controls. Without the script, the latest slice shows
 * with its alt text; the script takes the rest from the data block. */
static void
put_body(cm_outfile *o, const cm_html_page *p, json_t *last, size_t n)
{
    const char *title = cm_events_title(p->events), *subtitle = cm_events_subtitle(p->events);
    cm_outfile_puts(o, "<body>\n<main class=\"cm\" id=\"cm\">\n<header class=\"cm-head\"><h1>");
    put_html(o, *title ? title : page_word(p, "Map of reported events"));
    cm_outfile_puts(o, "</h1>");
    if (*subtitle) {
        cm_outfile_puts(o, "<p>");
        put_html(o, subtitle);
        cm_outfile_puts(o, "</p>");
    }
    cm_outfile_puts(o, "</header>\n<div class=\"cm-map\" id=\"cm-map\">\n<picture>");
    json_t *phone = json_object_get(last, "phone");
    if (phone) {
        /* a portrait phone's own layout of the slice (the script follows it) */
        cm_outfile_puts(o, "<source id=\"cm-phone\" media=\"" PHONE_MEDIA "\" srcset=\"");
        put_html(o, json_string_value(json_object_get(phone, "png")));
        cm_outfile_printf(o, "\" width=\"%d\" height=\"%d\">", p->phone_w, p->phone_h);
    }
    cm_outfile_puts(o, "<img id=\"cm-img\" src=\"");
    put_html(o, json_string_value(json_object_get(last, "png")));
    cm_outfile_printf(o, "\" width=\"%d\" height=\"%d\" alt=\"", p->width_px, p->height_px);
    put_html(o, json_string_value(json_object_get(last, "alt")));
    cm_outfile_puts(o, "\"></picture>\n<div class=\"cm-spots\" id=\"cm-spots\"></div>\n</div>\n"
           "<div class=\"cm-controls\" role=\"group\" aria-label=\"");
    put_html(o, page_word(p, "Moments"));
    cm_outfile_puts(o, "\">\n<button type=\"button\" id=\"cm-prev\" aria-label=\"");
    put_html(o, page_word(p, "Previous moment"));
    cm_outfile_puts(o, "\"><svg viewBox=\"0 0 20 20\" aria-hidden=\"true\" focusable=\"false\">"
           "<path d=\"M12.5 4L6.5 10l6 6\"/></svg></button>\n"
           "<button type=\"button\" id=\"cm-play\" aria-label=\"");
    put_html(o, page_word(p, "Play"));
    cm_outfile_puts(o, "\" aria-pressed=\"false\">");
    cm_outfile_puts(o, icons);
    cm_outfile_puts(o, "</button>\n<button type=\"button\" id=\"cm-next\" aria-label=\"");
    put_html(o, page_word(p, "Next moment"));
    cm_outfile_puts(o, "\"><svg viewBox=\"0 0 20 20\" aria-hidden=\"true\" focusable=\"false\">"
           "<path d=\"M7.5 4l6 6-6 6\"/></svg></button>\n<div class=\"cm-track\">");
    cm_outfile_printf(o, "<input type=\"range\" id=\"cm-slider\" min=\"0\" max=\"%zu\" value=\"%zu\" "
            "step=\"1\" aria-label=\"", n - 1, n - 1);
    put_html(o, page_word(p, "Moment"));
    cm_outfile_puts(o, "\">");
    cm_outfile_puts(o, "<div class=\"cm-ends\"><span id=\"cm-first\"></span><span id=\"cm-count\">"
           "</span><span id=\"cm-last\"></span></div></div>\n</div>\n"
           "<p class=\"cm-moment\"><span id=\"cm-moment\" aria-live=\"polite\">");
    put_html(o, json_string_value(json_object_get(last, "moment")));
    /* The slice's lists: the script writes one panel per slice, stacked in
     * one place and only the current one shown, so that the page is as tall
     * as its tallest slice whichever shows and an embed never changes height;
     * the key before them, next to the map, so the room a shorter slice leaves
     * is at the foot. */
    cm_outfile_puts(o, "</span> <a id=\"cm-link\" href=\"#\">");
    put_html(o, page_word(p, "Link to this moment"));
    cm_outfile_puts(o, "</a></p>\n<section class=\"cm-key\" id=\"cm-key\" aria-label=\"");
    put_html(o, page_word(p, "Key"));
    cm_outfile_puts(o, "\"></section>\n"
           "<div class=\"cm-panels\" id=\"cm-panels\"><div class=\"cm-panel cm-on\">"
           "<section class=\"cm-new\"><h2 id=\"cm-new-head\">"
           "</h2><ul id=\"cm-new\"></ul></section>\n"
           "<section class=\"cm-names\" id=\"cm-names\" "
           "hidden><h2 id=\"cm-names-head\"></h2><ul id=\"cm-names-list\"></ul></section>"
           "</div></div>\n");
    if (*cm_events_source(p->events)) {
        const char *src = page_word(p, "Source: {source}"), *at = strstr(src, "{source}");
        cm_outfile_puts(o, "<footer class=\"cm-foot\">");
        if (!at) {   /* a translation that lost the part: the source after it */
            put_html(o, src);
            cm_outfile_puts(o, " ");
            put_html(o, cm_events_source(p->events));
        } else {
            char before[256];
            snprintf(before, sizeof(before), "%.*s", (int)(at - src), src);
            put_html(o, before);
            put_html(o, cm_events_source(p->events));
            put_html(o, at + strlen("{source}"));
        }
        cm_outfile_puts(o, "</footer>\n");
    }
    /* a marker's events: a tooltip beside it, or on a phone a sheet clear of
     * the controls */
    cm_outfile_puts(o, "<div class=\"cm-tip\" id=\"cm-tip\" role=\"tooltip\" hidden></div>\n</main>\n");
}

static void
write_page(cm_outfile *o, const cm_html_page *p, const char *json, const char *css)
{
    size_t n = json_array_size(p->slices);
    put_head(o, p, cm_events_title(p->events), css);
    put_body(o, p, json_array_get(p->slices, n - 1), n);
    cm_outfile_puts(o, "<script type=\"application/json\" id=\"cm-data\">");
    put_json(o, json);
    cm_outfile_puts(o, "</script>\n<script>");
    cm_outfile_puts(o, cm_html_js);
    cm_outfile_puts(o, "</script>\n</body>\n</html>\n");
}

cm_status
cm_html_page_write(const cm_html_page *p, const char *path, cm_diag_list *diags)
{
    if (json_array_size(p->slices) == 0)
        return CM_ERR_INTERNAL;
    cm_outfile o;
    char *json = json_dumps(p->root, JSON_COMPACT);
    char *css = style_sheet(p);
    cm_status st = json && css ? cm_outfile_open(&o, path, diags) : CM_ERR_NOMEM;
    if (st == CM_OK) {
        write_page(&o, p, json, css);
        st = cm_outfile_commit(&o, diags);
    }
    free(css);
    free(json);
    return st;
}

/* ---- the embed snippet ------------------------------------------------------------------- */

/* The embed snippet keeps the page's height before the page loads, from an
 * estimate of html.css's layout below the map at a width: the controls and
 * the moment, the tallest slice's lists, the key, the title and the source
 * line, with text of an average width per character. The page then sets its
 * exact height once; it is the same for every slice. */
static size_t
n_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

/* Lines of @chars characters of @char_px each, plus @extra_px, at @width px. */
static double
lines(double chars, double char_px, double extra_px, double width)
{
    return fmax(1, ceil((chars * char_px + extra_px) / fmax(width, 100)));
}

/* The page's height below the map (and the title above it) at @w CSS px. */
static double
below_map_px(const cm_html_page *p, double w)
{
    const double body_char = 7.6, small_char = 6.6;    /* 15 px and 13 px Noto Sans, on average */
    const cm_events *ev = p->events;
    double text_w = w - (w >= 700 ? 32 : 24), map_w = w;
    int phone = p->phone_w > 0 && w <= PHONE_MAX_PX;
    double label_px = phone ? json_real_value(json_object_get(p->root, "pLabelPx")) : p->style->label_px;
    double scale = map_w / (phone ? p->phone_w : p->width_px);
    int small = scale * label_px < readable_label_px;
    double h = 67 + 35 + (w < 480 ? 20 : 0) + 16;       /* controls, moment, the page's foot */
    if (small && w <= PHONE_MAX_PX && !phone) {          /* the title written out */
        h += 20 + 25 * lines((double)n_chars(cm_events_title(ev)), 10.5, 0, text_w);
        if (*cm_events_subtitle(ev))
            h += 4 + 22 * lines((double)n_chars(cm_events_subtitle(ev)), body_char, 0, text_w);
    }
    if (small && !phone) {                               /* the key (the phone layout has its own) */
        double chars = 0;
        for (size_t i = 0; i < cm_events_n_sides(ev); i++)
            chars += (double)n_chars(cm_side_name(cm_events_side(ev, i))) + 5;
        chars += 4 * 32;                                 /* the statuses' lines, about */
        h += 14 + 29 + 23 * lines(chars, small_char, 0, text_w);
    }
    if (*cm_events_source(ev))
        h += 14 + 17 * lines((double)n_chars(cm_events_source(ev)) + 8, 6, 0, text_w);
    double most = 0;
    size_t i;
    json_t *slice;
    json_array_foreach(p->slices, i, slice) {
        double list = 14 + 29, names = 0;
        size_t k;
        json_t *v;
        if (json_object_get(slice, "change"))
            list += 10 + 22 * lines((double)n_chars(json_string_value(json_object_get(slice, "change"))),
                                    body_char, 0, text_w);
        if (json_array_size(json_object_get(slice, "new")) == 0)
            list += 32;
        json_array_foreach(json_object_get(slice, "new"), k, v) {
            const json_t *e = json_array_get(json_object_get(p->root, "events"), (size_t)json_integer_value(v));
            const char *head = json_string_value(json_object_get(e, "headline"));
            list += 10 + 22 * lines((double)n_chars(head && *head ? head : "event"), body_char, 50, text_w);
        }
        json_t *lay = phone && json_object_get(slice, "phone") ? json_object_get(slice, "phone") : slice;
        json_array_foreach(json_object_get(lay, "labels"), k, v)
            if (json_real_value(json_array_get(v, 1)) * scale < readable_label_px)
                names += (double)n_chars(json_string_value(json_array_get(v, 0))) + 3;
        json_array_foreach(json_object_get(lay, "dropped"), k, v)
            names += (double)n_chars(json_string_value(v)) + 3;
        if (names > 0)
            list += 14 + 29 + 6 + 23 * lines(names, body_char, 0, text_w);
        most = fmax(most, list);
    }
    return h + most;
}

/* calc() terms for the height at widths from @w0 to @w1: the map's @share of
 * the width, and the rest as a straight line through its two ends. */
static void
height_terms(const cm_html_page *p, double share, double w0, double w1, char *buf, size_t size)
{
    double h0 = below_map_px(p, w0), h1 = below_map_px(p, w1), slope = (h1 - h0) / (w1 - w0);
    snprintf(buf, size, "%.2f%% + %.0fpx", 100 * (share + slope), h0 - slope * w0);
}

cm_status
cm_html_write_embed(const cm_html_page *p, const char *path, const char *page_name,
                    cm_diag_list *diags)
{
    const char *title = cm_events_title(p->events);
    double ratio = (double)p->height_px / p->width_px, wide = (double)p->width_px / p->height_px;
    double narrow_ratio = p->phone_w > 0 ? (double)p->phone_h / p->phone_w : ratio;
    char narrow[128], broad[128];
    height_terms(p, narrow_ratio, 340, 700, narrow, sizeof(narrow));
    if (p->phone_w > 0) {
        /* in the frame, the phone layout is no taller than the reader's screen
         * leaves room for beside the controls and the moment (html.css): the
         * rest of the page, then, under a screen's height of map */
        size_t n = strlen(narrow);
        snprintf(narrow + n, sizeof(narrow) - n, ", 100vh + %.0fpx", below_map_px(p, 700) - 102);
        memmove(narrow + 4, narrow, strlen(narrow) + 1);
        memcpy(narrow, "min(", 4);
        n = strlen(narrow);
        snprintf(narrow + n, sizeof(narrow) - n, ")");
    }
    height_terms(p, ratio, 760, 1500, broad, sizeof(broad));
    char *url = url_of_name(page_name);
    cm_outfile o;
    cm_status st = url ? cm_outfile_open(&o, path, diags) : CM_ERR_NOMEM;
    if (st != CM_OK) {
        free(url);
        return st;
    }
    cm_outfile_puts(&o, "<!-- conflictmap: paste into the article. Publish this folder as it is, and "
            "change src to the address of its index.html if the snippet goes elsewhere. "
            "The frame's height is kept from the start for the tallest moment, so the article "
            "never moves while the map plays; with the script, it grows to the page's height "
            "if that is more, and \"Link to this moment\" links to the article. -->\n");
    /* No wider than the reader's screen is tall allows, so the slider stays
     * in view under the map (vh, then svh where the browser has it). */
    cm_outfile_printf(&o, "<div style=\"width:100%%;margin:0 auto;"
            "max-width:max(320px,min(1600px,calc((100vh - 9rem) * %.4f)));"
            "max-width:max(320px,min(1600px,calc((100svh - 9rem) * %.4f)))\">\n", wide, wide);
    /* The map's height is a share of the width, and the rest a line fitted to
     * the estimate, one below 720 px (the phone layout, the title and the key
     * written out) and one above: a step made of min and max, as a style
     * attribute has no media queries. */
    cm_outfile_printf(&o, "<div style=\"position:relative;box-sizing:border-box;height:0;overflow:hidden;"
            "padding-top:calc(max(%s, min(%s, (%d.5px - 100%%) * 10000)))\">\n", broad, narrow,
            PHONE_MAX_PX);
    cm_outfile_puts(&o, "<iframe src=\"");
    put_html(&o, url);
    cm_outfile_puts(&o, "\" title=\"");
    char words[1024];
    if (*title)
        snprintf(words, sizeof(words), cm_catalog_get(p->words, "Interactive map: %s"), title);
    else
        snprintf(words, sizeof(words), "%s", page_word(p, "Interactive map: reported events"));
    put_html(&o, words);
    cm_outfile_puts(&o, "\" loading=\"lazy\" referrerpolicy=\"no-referrer\" "
            "style=\"position:absolute;top:0;left:0;width:100%;height:100%;border:0\">"
            "</iframe>\n</div>\n</div>\n");
    /* Where the article allows a script: the frame is at least as tall as
     * the page says it is (html.js tellHeight), only from this frame, within
     * reason, and never shorter than kept at first, so the article does not
     * move up when the page loads;
     * and the page hears the article's address and moment (#t=, #id=) and
     * the screen's height (html.js fromParent). */
    cm_outfile_puts(&o, "<script>(function () {\n"
            "  var box = document.currentScript.previousElementSibling;\n"
            "  var frame = box.querySelector('iframe'), room = frame.parentNode;\n"
            "  function tell() {\n"
            "    if (frame.contentWindow) frame.contentWindow.postMessage({ conflictmap: 'parent',\n"
            "      url: location.href.split('#')[0], hash: location.hash, vh: window.innerHeight }, '*');\n"
            "  }\n"
            "  frame.addEventListener('load', tell);\n"
            "  window.addEventListener('hashchange', tell);\n"
            "  window.addEventListener('resize', tell);\n"
            "  window.addEventListener('message', function (e) {\n"
            "    if (e.source !== frame.contentWindow || !e.data) return;\n"
            "    if (e.data.conflictmap === 'hello') { tell(); return; }\n"
            "    if (e.data.conflictmap !== 'height') return;\n"
            "    var h = Math.ceil(Number(e.data.height));\n"
            "    if (!(h > 100 && h < 20000)) return;\n"
            "    room.style.minHeight = h + 'px';\n"
            "  });\n"
            "})();</script>\n");
    free(url);
    return cm_outfile_commit(&o, diags);
}
