/* Loading the events file: JSON parsing (jansson; the events list an event at
 * a time where the file allows, so that a file of 100,000 events is never one
 * tree), positions for every value (jsonpos), a table of small parsers per
 * key, then the checks that need the whole file: unique ids, known sides,
 * places found in the gazetteer. Events are kept small: strings in an arena,
 * positions but the event's own as line and column. A CSV events file is read
 * in events_csv.c and its rows go through the same parsers. */
#include "load/events_load.h"
#include "load/resolve.h"
#include "load/gazetteer_db.h"
#include "conflictmap/limits.h"
#include "common/catalog.h"
#include "common/input.h"
#include "common/jsonpos.h"
#include "common/memo.h"
#include "common/strarena.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_SIDES = 64 };

struct cm_side {
    char *code, *name;
    double rgb[3];
    cm_pos pos;
};

static cm_pos
pos_of(const loader *ld, const json_t *v, cm_pos fallback)
{
    return cm_jsonpos_of(ld->pos, v, fallback);
}

static where
where_of(cm_pos pos)
{
    return (where){ pos.line, pos.col };
}

/* @w in the events file, which ld->file is whenever events are parsed or
 * checked. */
static cm_pos
at(const loader *ld, where w)
{
    return (cm_pos){ ld->file, w.line, w.col };
}

static const char *
type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "a list";
    case JSON_STRING: return "text";
    case JSON_INTEGER: case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "true or false";
    case JSON_NULL: return "null";
    }
    return "something else";
}

/* Copies a string value out of jansson. An absent or wrong-typed value is
 * reported against @key and leaves *out alone. */
static void
take_string(loader *ld, const char *key, json_t *v, cm_pos fallback, char **out)
{
    if (!json_is_string(v)) {
        error_at(ld, pos_of(ld, v, fallback), "\"%s\" should be text in quotes, not %s",
                 key, type_name(v));
        return;
    }
    char *copy = keep(ld, json_string_value(v));
    if (copy)
        *out = copy;
}

static int
take_time(loader *ld, const char *key, json_t *v, cm_pos fallback, cm_time *out)
{
    cm_pos pos = pos_of(ld, v, fallback);
    if (!json_is_string(v)) {
        error_at(ld, pos, "\"%s\" should be a time in quotes such as "
                 "\"2020-10-09T15:15:00Z\", not %s", key, type_name(v));
        return 0;
    }
    return cm_events_take_time(ld, key, json_string_value(v), pos, out);
}

/* A key the format does not have is kept and passed on; but one edit away
 * from a key it has (two for keys of five letters or more: "headlien",
 * "stauts", "contol") it is most likely a typo, and the value it holds is
 * missing from the map without a word: a warning names the key it resembles. */
static void
warn_resembling_at(loader *ld, const char *key, cm_pos at, const char *const *known,
                   size_t n_known, const char *where, int kept)
{
    const char *best = NULL;
    size_t best_d = SIZE_MAX, limit = strlen(key) >= 5 ? 2 : 1;
    for (size_t i = 0; i < n_known; i++) {
        size_t d = cm_name_distance(key, known[i]);
        if (d < best_d) {
            best_d = d;
            best = known[i];
        }
    }
    if (best && best_d > 0 && best_d <= limit) {
        cm_diag_warning(ld->diags, &at, "\"%s\" is not a key of %s; did you mean \"%s\"? %s",
                        key, where, best, kept ? "It is kept for the manifest, but the map "
                        "does not use it" : "It is ignored");
    }
}

static void
warn_resembling(loader *ld, const char *key, const json_t *v, cm_pos fallback,
                const char *const *known, size_t n_known, const char *where, int kept)
{
    warn_resembling_at(ld, key, cm_jsonpos_key(ld->pos, v, fallback), known, n_known, where,
                       kept);
}

void
cm_events_warn_event_key(loader *ld, const char *key, cm_pos at)
{
    const char *known[64];
    size_t n = cm_event_n_keys() < 64 ? cm_event_n_keys() : 64;
    for (size_t i = 0; i < n; i++)
        known[i] = cm_event_key_name(i);
    warn_resembling_at(ld, key, at, known, n, "an event", 1);
}

static void
keep_unknown(loader *ld, const char *key, json_t *v)
{
    if (!ld->extra)
        ld->extra = json_object();
    if (!ld->extra || json_object_set(ld->extra, key, v) != 0)
        fail(ld, CM_ERR_NOMEM);
}

static char *
dump_extra(loader *ld)
{
    char *dump = ld->extra ? json_dumps(ld->extra, JSON_COMPACT) : NULL;
    char *s = ld->extra && !dump ? NULL : keep(ld, dump ? dump : "{}");
    json_decref(ld->extra);
    ld->extra = NULL;
    free(dump);
    if (!s)
        fail(ld, CM_ERR_NOMEM);
    return s;
}

/* ---- one event ------------------------------------------------------------ */

typedef void (*event_parser)(loader *ld, cm_event *e, json_t *v, cm_pos pos);

static void ev_id(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->id_pos = where_of(pos_of(ld, v, pos));
    if (json_is_integer(v)) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        e->id = keep(ld, buf);
        return;
    }
    take_string(ld, "id", v, pos, &e->id);
    if (e->id && !e->id[0])
        error_at(ld, at(ld, e->id_pos), "\"id\" is empty; give the event a short name or leave "
                 "\"id\" out");
}

static void ev_time(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->time_pos = where_of(pos_of(ld, v, pos));
    e->has_time = take_time(ld, "time", v, pos, &e->time);
}

static void ev_end(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->has_end = take_time(ld, "end", v, pos, &e->end);
}

static void ev_place(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->place_pos = where_of(pos_of(ld, v, pos));
    if (!json_is_string(v))
        e->reported |= REPORTED_LOCATION;
    take_string(ld, "place", v, pos, &e->place_name);
}

static int
take_degrees(loader *ld, const char *key, json_t *v, cm_pos pos, double limit, double *out)
{
    if (!json_is_number(v)) {
        error_at(ld, pos_of(ld, v, pos), "\"%s\" should be a number of degrees, not %s",
                 key, type_name(v));
        return 0;
    }
    double d = json_number_value(v);
    if (!isfinite(d) || fabs(d) > limit) {
        error_at(ld, pos_of(ld, v, pos), "\"%s\" is %g, outside -%g..%g degrees%s", key, d,
                 limit, limit, limit == 90 ? "; are longitude and latitude swapped?" : "");
        return 0;
    }
    *out = d;
    return 1;
}

static void ev_lon(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->lonlat_given |= 1;
    e->has_lonlat |= take_degrees(ld, "lon", v, pos, 180, &e->lon) ? 1 : 0;
}

static void ev_lat(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->lonlat_given |= 2;
    e->has_lonlat |= take_degrees(ld, "lat", v, pos, 90, &e->lat) ? 2 : 0;
}

static void ev_kind(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    take_string(ld, "kind", v, pos, &e->kind);
}

/* Whether @s is a status: what the map may say of a report. */
static int
is_status(const char *s)
{
    return !strcmp(s, "reported") || !strcmp(s, "claimed") || !strcmp(s, "confirmed") ||
           !strcmp(s, "disputed");
}

static void
check_status(loader *ld, const char *key, const char *status, json_t *v, cm_pos pos)
{
    if (status && !is_status(status))
        error_at(ld, pos_of(ld, v, pos), "%s \"%s\" is not one of \"reported\", "
                 "\"claimed\", \"confirmed\" or \"disputed\"", key, status);
}

static void ev_status(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    take_string(ld, "status", v, pos, &e->status);
    check_status(ld, "status", e->status, v, pos);
}

static void ev_claimed_by(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->claimed_by_pos = where_of(pos_of(ld, v, pos));
    take_string(ld, "claimed_by", v, pos, &e->claimed_by);
}

static void ev_headline(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    take_string(ld, "headline", v, pos, &e->headline);
}

static void ev_text(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    take_string(ld, "text", v, pos, &e->text);
}

static void ev_source(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    take_string(ld, "source", v, pos, &e->source);
}

static void ev_country(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->country_pos = where_of(pos_of(ld, v, pos));
    take_string(ld, "country", v, pos, &e->country);
}

static void ev_area(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    e->area_pos = where_of(pos_of(ld, v, pos));
    take_string(ld, "area", v, pos, &e->area);
}

static void ev_precision(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    json_int_t p = json_is_integer(v) ? json_integer_value(v) : 0;
    if (p < 1 || p > 3) {
        error_at(ld, pos_of(ld, v, pos), "\"precision\" should be 1 (exact), 2 (near the "
                 "place) or 3 (somewhere in the region)");
        return;
    }
    e->precision = (int)p;
}

static void ev_control(loader *ld, cm_event *e, json_t *v, cm_pos pos)
{
    cm_pos cpos = pos_of(ld, v, pos);
    e->control_pos = where_of(cpos);
    if (!json_is_object(v)) {
        error_at(ld, cpos, "\"control\" should be an object such as "
                 "{\"from\": \"AM\", \"to\": \"AZ\"}, not %s", type_name(v));
        return;
    }
    json_t *from = json_object_get(v, "from"), *to = json_object_get(v, "to");
    e->from_pos = where_of(pos_of(ld, from, cpos));
    e->to_pos = where_of(pos_of(ld, to, cpos));
    if (from)
        take_string(ld, "from", from, cpos, &e->control_from);
    if (to)
        take_string(ld, "to", to, cpos, &e->control_to);
    else if (ld->is_csv)
        error_at(ld, cpos, "\"control_from\" needs \"control_to\": the side that "
                 "takes the place, such as AZ");
    else
        error_at(ld, cpos, "\"control\" needs \"to\": the side that takes the "
                 "place, such as {\"from\": \"AM\", \"to\": \"AZ\"}");
}

static const struct {
    const char *key;
    event_parser parse;
} event_keys[] = {
    { "id", ev_id }, { "time", ev_time }, { "end", ev_end }, { "place", ev_place },
    { "lon", ev_lon }, { "lat", ev_lat }, { "kind", ev_kind }, { "status", ev_status },
    { "claimed_by", ev_claimed_by }, { "headline", ev_headline }, { "text", ev_text },
    { "source", ev_source }, { "area", ev_area }, { "precision", ev_precision },
    { "control", ev_control }, { "country", ev_country },
};

size_t
cm_event_n_keys(void)
{
    return sizeof(event_keys) / sizeof(event_keys[0]);
}

const char *
cm_event_key_name(size_t k)
{
    return event_keys[k].key;
}

static void
parse_event_members(loader *ld, cm_event *e, json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        size_t k = 0, n = sizeof(event_keys) / sizeof(event_keys[0]);
        while (k < n && strcmp(key, event_keys[k].key) != 0)
            k++;
        if (k < n) {
            event_keys[k].parse(ld, e, v, e->pos);
            continue;
        }
        if (!ld->is_csv)   /* a spreadsheet's columns are checked once, in its header */
            cm_events_warn_event_key(ld, key, cm_jsonpos_key(ld->pos, v, e->pos));
        keep_unknown(ld, key, v);
    }
}

/* A GeoJSON Feature: the properties are the event, the Point is its place. */
static void
parse_feature(loader *ld, cm_event *e, json_t *feature)
{
    json_t *props = json_object_get(feature, "properties");
    json_t *geom = json_object_get(feature, "geometry");
    json_t *id = json_object_get(feature, "id");

    if (props && json_is_object(props))
        parse_event_members(ld, e, props);
    else if (props && !json_is_null(props)) {
        error_at(ld, pos_of(ld, props, e->pos), "\"properties\" should be an object");
        e->reported |= REPORTED_EVENT;
    }
    if (id && !e->id)
        ev_id(ld, e, id, e->pos);
    if (!geom || json_is_null(geom))
        return;
    json_t *coords = json_object_get(geom, "coordinates");
    const char *type = json_string_value(json_object_get(geom, "type"));
    if (!type || strcmp(type, "Point") != 0 || json_array_size(coords) < 2) {
        error_at(ld, pos_of(ld, geom, e->pos), "the geometry should be a Point such as "
                 "{\"type\": \"Point\", \"coordinates\": [46.95, 39.52]}");
        e->reported |= REPORTED_LOCATION;
        return;
    }
    ev_lon(ld, e, json_array_get(coords, 0), e->pos);
    ev_lat(ld, e, json_array_get(coords, 1), e->pos);
}

void
cm_event_parse(loader *ld, cm_event *e, json_t *v, int is_feature)
{
    e->pos = pos_of(ld, v, (cm_pos){ ld->file, 0, 0 });
    e->precision = 1;
    if (!json_is_object(v)) {
        error_at(ld, e->pos, "each event should be an object {...}, not %s", type_name(v));
        e->reported |= REPORTED_EVENT;
        return;
    }
    if (is_feature)
        parse_feature(ld, e, v);
    else
        parse_event_members(ld, e, v);
    e->extra_json = dump_extra(ld);
}

/* ---- the top level --------------------------------------------------------- */

typedef void (*top_parser)(loader *ld, json_t *v, cm_pos pos);

static void top_title(loader *ld, json_t *v, cm_pos pos)
{
    take_string(ld, "title", v, pos, &ld->ev->title);
}

static void top_country(loader *ld, json_t *v, cm_pos pos)
{
    ld->ev->country_pos = pos_of(ld, v, pos);
    take_string(ld, "country", v, pos, &ld->ev->country);
}

static void top_default_status(loader *ld, json_t *v, cm_pos pos)
{
    take_string(ld, "default_status", v, pos, &ld->ev->default_status);
    check_status(ld, "default_status", ld->ev->default_status, v, pos);
}

static void top_subtitle(loader *ld, json_t *v, cm_pos pos)
{
    take_string(ld, "subtitle", v, pos, &ld->ev->subtitle);
}

/* "lang": the language the map is written in, as --lang (which wins). */
static void top_lang(loader *ld, json_t *v, cm_pos pos)
{
    const char *lang = json_string_value(v);
    if (lang && !cm_lang_is_known(lang)) {
        error_at(ld, pos_of(ld, v, pos), "there is no language \"%s\" for the map; \"lang\" "
                 "should be %s", lang, cm_langs_words);
        return;
    }
    take_string(ld, "lang", v, pos, &ld->ev->lang);
}

static void top_source(loader *ld, json_t *v, cm_pos pos)
{
    take_string(ld, "source", v, pos, &ld->ev->source);
}

static void
parse_bbox(loader *ld, json_t *v, cm_pos pos)
{
    double b[4];
    static const double limits[4] = { 180, 90, 180, 90 };
    if (!json_is_array(v) || json_array_size(v) != 4) {
        error_at(ld, pos_of(ld, v, pos), "\"bbox\" should be four numbers [west, south, "
                 "east, north] in degrees, such as [45.4, 38.9, 48.0, 41.0]");
        return;
    }
    for (size_t i = 0; i < 4; i++)
        if (!take_degrees(ld, "bbox", json_array_get(v, i), pos, limits[i], &b[i]))
            return;
    /* West greater than east is an extent across the antimeridian
     * (Chukotka to Alaska: [170, 60, -150, 72]); equal is no extent at all. */
    if (b[0] == b[2] || b[1] >= b[3]) {
        error_at(ld, pos_of(ld, v, pos), "\"bbox\" should be [west, south, east, north] "
                 "with south < north and west different from east (west greater than "
                 "east crosses the antimeridian)");
        return;
    }
    memcpy(ld->ev->bbox, b, sizeof(b));
    ld->ev->has_bbox = 1;
}

static void top_map(loader *ld, json_t *v, cm_pos pos)
{
    if (!json_is_object(v)) {
        error_at(ld, pos_of(ld, v, pos), "\"map\" should be an object such as "
                 "{\"bbox\": [45.4, 38.9, 48.0, 41.0]}");
        return;
    }
    json_t *bbox = json_object_get(v, "bbox"), *proj = json_object_get(v, "projection"), *m;
    json_t *control = json_object_get(v, "control");
    static const char *const map_keys[] = { "bbox", "projection", "control" };
    const char *key;
    json_object_foreach(v, key, m)
        if (strcmp(key, "bbox") != 0 && strcmp(key, "projection") != 0 &&
            strcmp(key, "control") != 0)
            warn_resembling(ld, key, m, pos, map_keys, 3, "\"map\"", 0);
    if (bbox)
        parse_bbox(ld, bbox, pos);
    if (proj) {
        take_string(ld, "projection", proj, pos, &ld->ev->projection);
        ld->ev->projection_pos = pos_of(ld, proj, pos);
    }
    if (control)
        take_string(ld, "control", control, pos, &ld->ev->control);
}

static int
parse_color(const char *s, double rgb[3])
{
    unsigned r, g, b;
    char tail;
    if (!s || strlen(s) != 7 || sscanf(s, "#%2x%2x%2x%c", &r, &g, &b, &tail) != 3)
        return 0;
    rgb[0] = r / 255.0;
    rgb[1] = g / 255.0;
    rgb[2] = b / 255.0;
    return 1;
}

/* Sides without a colour get one of these, in order: distinct, colour-blind safe. */
static const char *const default_colors[] = {
    "#2b6cb0", "#c53030", "#2f855a", "#b7791f", "#6b46c1", "#319795"
};

static void
parse_side(loader *ld, const char *code, json_t *v, cm_side *side)
{
    side->pos = pos_of(ld, v, (cm_pos){ ld->file, 0, 0 });
    side->code = keep(ld, code);
    if (!side->code)
        return;
    if (!json_is_object(v)) {
        error_at(ld, side->pos, "side \"%s\" should be an object such as {\"name\": "
                 "\"Azerbaijan\", \"color\": \"#2b6cb0\"}", code);
        return;
    }
    json_t *name = json_object_get(v, "name"), *color = json_object_get(v, "color"), *m;
    static const char *const side_keys[] = { "name", "color" };
    const char *key;
    json_object_foreach(v, key, m)
        if (strcmp(key, "name") != 0 && strcmp(key, "color") != 0)
            warn_resembling(ld, key, m, side->pos, side_keys, 2, "a side", 0);
    if (name)
        take_string(ld, "name", name, side->pos, &side->name);
    else
        side->name = keep(ld, code);
    const char *c = color ? json_string_value(color)
                          : default_colors[ld->ev->n_sides % 6];
    if (!parse_color(c, side->rgb))
        error_at(ld, pos_of(ld, color, side->pos), "the colour of side \"%s\" should be "
                 "\"#rrggbb\", such as \"#2b6cb0\"", code);
}

static void top_sides(loader *ld, json_t *v, cm_pos pos)
{
    size_t n = json_object_size(v);
    if (!json_is_object(v) || n == 0 || n > MAX_SIDES) {
        error_at(ld, pos_of(ld, v, pos), "\"sides\" should be an object of 1 to %d sides "
                 "such as {\"AZ\": {\"name\": \"Azerbaijan\"}}", MAX_SIDES);
        return;
    }
    ld->ev->sides = calloc(n, sizeof(cm_side));
    if (!ld->ev->sides) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    const char *code;
    json_t *side;
    json_object_foreach(v, code, side) {
        parse_side(ld, code, side, &ld->ev->sides[ld->ev->n_sides]);
        ld->ev->n_sides++;
    }
}

static void top_initial(loader *ld, json_t *v, cm_pos pos)
{
    if (!json_is_object(v)) {
        error_at(ld, pos_of(ld, v, pos), "\"initial_control\" should be an object of "
                 "place or area names and side codes, such as {\"Hadrut\": \"AM\"}");
        return;
    }
    ld->ev->initials = calloc(json_object_size(v) + 1, sizeof(initial));
    if (!ld->ev->initials) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    const char *name;
    json_t *side;
    json_object_foreach(v, name, side) {
        initial *in = &ld->ev->initials[ld->ev->n_initials++];
        in->pos = cm_jsonpos_key(ld->pos, side, pos_of(ld, side, pos));
        in->name = keep(ld, name);
        take_string(ld, name, side, pos, &in->side);
    }
}

static void parse_event_list(loader *ld, json_t *v, cm_pos pos, int is_feature);

/* A CSV's settings file gives everything but the events, which are its rows. */
static int
refuse_in_settings(loader *ld, const char *key, cm_pos pos)
{
    if (!ld->is_settings)
        return 0;
    error_at(ld, pos, "\"%s\" has no place in the settings of a CSV events file; the "
             "events are the rows of %s", key, ld->ev->path);
    return 1;
}

static void top_events(loader *ld, json_t *v, cm_pos pos)
{
    if (!refuse_in_settings(ld, "events", pos))
        parse_event_list(ld, v, pos, 0);
}

static void top_features(loader *ld, json_t *v, cm_pos pos)
{
    if (!refuse_in_settings(ld, "features", pos))
        parse_event_list(ld, v, pos, 1);
}

static void top_type(loader *ld, json_t *v, cm_pos pos)
{
    const char *t = json_string_value(v);
    if (!t || strcmp(t, "FeatureCollection") != 0)
        error_at(ld, pos_of(ld, v, pos), "a GeoJSON events file should be a "
                 "\"FeatureCollection\" of Point features");
}

/* "timezone" and "date_order" say how the events' times read, wherever they
 * stand in the file: read before everything else (parse_time_keys). */
static void top_read_first(loader *ld, json_t *v, cm_pos pos)
{
    (void)ld, (void)v, (void)pos;
}

static void
parse_time_keys(loader *ld, json_t *root, cm_pos file_pos)
{
    json_t *zone = json_object_get(root, "timezone");
    json_t *order = json_object_get(root, "date_order");
    if (zone && json_is_string(zone))
        cm_events_set_zone(ld, json_string_value(zone), pos_of(ld, zone, file_pos), 0);
    else if (zone) {
        ld->zone_is_bad = 1;
        error_at(ld, pos_of(ld, zone, file_pos), "\"timezone\" should be text in quotes such "
                 "as \"UTC\", \"+04:00\" or \"Asia/Baku\", not %s", type_name(zone));
    }
    if (order && json_is_string(order))
        cm_events_set_date_order(ld, json_string_value(order), pos_of(ld, order, file_pos), 0);
    else if (order) {
        ld->order_is_bad = 1;
        error_at(ld, pos_of(ld, order, file_pos), "\"date_order\" should be \"DMY\" or "
                 "\"MDY\" in quotes, not %s", type_name(order));
    }
}

static const struct {
    const char *key;
    top_parser parse;
} top_keys[] = {
    { "timezone", top_read_first }, { "date_order", top_read_first },
    { "title", top_title }, { "subtitle", top_subtitle }, { "source", top_source },
    { "map", top_map }, { "sides", top_sides }, { "initial_control", top_initial },
    { "events", top_events }, { "features", top_features }, { "type", top_type },
    { "country", top_country }, { "default_status", top_default_status },
    { "lang", top_lang },
};

/* The items of a split list, each parsed on its own with its own positions
 * and freed before the next: the tree of the whole list is never held. */
static void
parse_split_events(loader *ld, int is_feature)
{
    const cm_jsonpos *top = ld->pos;
    cm_jsonpos *table = NULL;
    if (cm_jsonpos_create(&table, ld->file) != CM_OK) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    for (size_t i = 0; i < ld->split->n_items; i++) {
        const cm_json_item *it = &ld->split->items[i];
        json_t *item = json_loadb(ld->text + it->offset, it->len, JSON_REJECT_DUPLICATES,
                                  NULL);
        cm_status st = item ? cm_jsonpos_rescan(table, ld->text + it->offset, item, it->line,
                                                it->col)
                            : CM_ERR_NOMEM;   /* it parsed before: memory ran out */
        if (st != CM_OK) {
            json_decref(item);
            fail(ld, st);
            break;
        }
        ld->pos = table;
        ld->ev->events[i].index = i;
        cm_event_parse(ld, &ld->ev->events[i], item, is_feature);
        ld->pos = top;
        json_decref(item);
    }
    cm_jsonpos_destroy(table);
}

static void
parse_event_list(loader *ld, json_t *v, cm_pos pos, int is_feature)
{
    const char *key = is_feature ? "features" : "events";
    cm_pos at = pos_of(ld, v, pos);
    if (!json_is_array(v)) {
        error_at(ld, at, "\"%s\" should be a list [...] of events, not %s", key,
                 type_name(v));
        return;
    }
    /* A split list is empty in the tree; its items are parsed one at a time. */
    const cm_json_split *items = ld->split && strcmp(ld->split->key, key) == 0 ? ld->split
                                                                              : NULL;
    size_t n = items ? items->n_items : json_array_size(v), max = cm_limits_get()->max_events;
    if (n > max) {
        error_at(ld, at, "\"%s\" holds %zu events, more than %zu, the limit "
                 "(--max-events changes it); split the file", key, n, max);
        return;
    }
    if (n == 0 || ld->ev->events) {
        error_at(ld, at, n == 0 ? "the file has no events; add at least one to \"%s\""
                 : "the file has both \"events\" and \"features\"; keep one", key);
        return;
    }
    ld->ev->events = calloc(n, sizeof(cm_event));
    if (!ld->ev->events) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    ld->ev->n_events = n;
    if (items) {
        parse_split_events(ld, is_feature);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        ld->ev->events[i].index = i;
        cm_event_parse(ld, &ld->ev->events[i], json_array_get(v, i), is_feature);
    }
}

static void
parse_top(loader *ld, json_t *root)
{
    cm_pos file_pos = { ld->file, 1, 1 };
    const char *key;
    json_t *v;

    if (!json_is_object(root)) {
        error_at(ld, file_pos, "the file should hold one JSON object {...} with "
                 "\"events\", not %s", type_name(root));
        return;
    }
    parse_time_keys(ld, root, file_pos);
    json_object_foreach(root, key, v) {
        size_t k = 0, n = sizeof(top_keys) / sizeof(top_keys[0]);
        while (k < n && strcmp(key, top_keys[k].key) != 0)
            k++;
        if (k < n) {
            top_keys[k].parse(ld, v, cm_jsonpos_key(ld->pos, v, file_pos));
            continue;
        }
        const char *known[sizeof(top_keys) / sizeof(top_keys[0])];
        for (size_t i = 0; i < n; i++)
            known[i] = top_keys[i].key;
        warn_resembling(ld, key, v, file_pos, known, n, "the file", 1);
        keep_unknown(ld, key, v);
    }
    ld->ev->extra_json = dump_extra(ld);
    if (!ld->ev->events && ld->st == CM_OK && !ld->is_settings)
        error_at(ld, file_pos, "the file has no \"events\" list; add one with at least "
                 "one event");
}

/* ---- checks that need the whole file ----------------------------------------- */

static void
check_side(loader *ld, const char *code, cm_pos pos, const char *what)
{
    if (!code || cm_events_find_side(ld->ev, code))
        return;
    char known[512] = "";
    for (size_t i = 0; i < ld->ev->n_sides; i++) {
        size_t len = strlen(known);
        snprintf(known + len, sizeof(known) - len, "%s%s", i ? ", " : "",
                 ld->ev->sides[i].code);
    }
    if (ld->ev->n_sides)
        error_at(ld, pos, "%s \"%s\" is not a side in \"sides\"; the sides are %s", what,
                 code, known);
    else if (ld->is_csv)
        error_at(ld, pos, "%s \"%s\" names a side, but there are no \"sides\"; add "
                 "\"sides\": {\"%s\": {\"name\": \"...\"}} to %s", what, code, code,
                 ld->ev->settings_path);
    else
        error_at(ld, pos, "%s \"%s\" names a side, but the file has no \"sides\"; add "
                 "\"sides\": {\"%s\": {\"name\": \"...\"}}", what, code, code);
}

static void
check_event(loader *ld, cm_event *e)
{
    e->default_status = ld->ev->default_status;
    if (e->reported & REPORTED_EVENT)
        return;
    if (!e->has_time && e->time_pos.line == 0)
        error_at(ld, e->pos, ld->is_csv ? "the event has no \"time\"; fill in its time "
                 "cell, such as 2020-10-09T15:15:00Z" : "the event has no \"time\"; add one "
                 "such as \"time\": \"2020-10-09T15:15:00Z\"");
    if (e->lonlat_given == 1 || e->lonlat_given == 2)
        error_at(ld, e->pos, "the event has \"%s\" without \"%s\"; give both",
                 e->lonlat_given == 1 ? "lon" : "lat", e->lonlat_given == 1 ? "lat" : "lon");
    else if (e->lonlat_given || (e->reported & REPORTED_LOCATION))
        ;   /* given but wrong: already reported where it is */
    else if (e->place_name && e->place_name[0])
        ;   /* placed by cm_resolve_places, which reports names it cannot */
    else
        error_at(ld, e->pos, "the event has no location; add \"place\" (a name from the "
                 "gazetteer) or \"lon\" and \"lat\"");
    if (e->has_end && e->has_time && e->end < e->time)
        error_at(ld, e->pos, "the event ends before it starts: \"end\" is earlier than "
                 "\"time\"");
    check_side(ld, e->control_from, at(ld, e->from_pos), ld->is_csv ? "control_from" : "\"from\"");
    check_side(ld, e->control_to, at(ld, e->to_pos), ld->is_csv ? "control_to" : "\"to\"");
    check_side(ld, e->claimed_by, at(ld, e->claimed_by_pos), "\"claimed_by\"");
    if (e->kind && strcmp(e->kind, "control") == 0 && !e->control_to &&
        e->control_pos.line == 0)
        error_at(ld, e->pos, ld->is_csv ? "a \"control\" event needs the sides in its "
                 "control_from and control_to cells, such as AM and AZ" : "a \"control\" "
                 "event needs \"control\": {\"from\": \"AM\", \"to\": \"AZ\"} naming the sides");
}

static int
compare_ids(const void *a, const void *b)
{
    const cm_event *x = *(const cm_event *const *)a, *y = *(const cm_event *const *)b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Ids for events without one: a hash of what the event says, so that adding
 * an event elsewhere in the file does not rename the others. */
static void
generated_id(const cm_event *e, unsigned attempt, char id[32])
{
    uint64_t h = 1469598103934665603ULL;
    char buf[64];
    const char *parts[4] = { e->place_name, e->kind, e->headline, e->text };
    snprintf(buf, sizeof(buf), "%lld|%.6f|%.6f|%u", (long long)e->time, e->lon, e->lat,
             attempt);
    for (const char *p = buf; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    for (int i = 0; i < 4; i++)
        for (const char *p = parts[i] ? parts[i] : ""; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    snprintf(id, 32, "ev-%08llx", (unsigned long long)(h >> 32));
}

/* Ids for the events that have none, unique among all: the ids taken are
 * kept in a set (memo.h), where a scan of every event for each new id made
 * 100,000 events without ids billions of comparisons. */
static void
generate_ids(loader *ld)
{
    cm_events *ev = ld->ev;
    size_t missing = 0;
    for (size_t i = 0; i < ev->n_events; i++)
        missing += ev->events[i].id == NULL;
    if (missing == 0)
        return;
    cm_memo *taken = cm_memo_create(0, NULL);
    if (!taken) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    for (size_t i = 0; i < ev->n_events; i++) {
        const char *id = ev->events[i].id;
        if (id && !cm_memo_add(taken, id, strlen(id), "")) {
            fail(ld, CM_ERR_NOMEM);
            goto done;
        }
    }
    for (size_t i = 0; i < ev->n_events; i++) {
        cm_event *e = &ev->events[i];
        for (unsigned attempt = 0; !e->id; attempt++) {
            char id[32];
            generated_id(e, attempt, id);
            if (cm_memo_find(taken, id, strlen(id)))
                continue;
            if (!(e->id = keep(ld, id)))
                goto done;
            if (!cm_memo_add(taken, id, strlen(id), "")) {
                fail(ld, CM_ERR_NOMEM);
                goto done;
            }
        }
    }
done:
    cm_memo_destroy(taken);
}

static void
check_ids(loader *ld)
{
    size_t n = 0;
    const cm_event **with_id = malloc((ld->ev->n_events + 1) * sizeof(*with_id));
    if (!with_id) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    for (size_t i = 0; i < ld->ev->n_events; i++)
        if (ld->ev->events[i].id)
            with_id[n++] = &ld->ev->events[i];
    qsort(with_id, n, sizeof(*with_id), compare_ids);
    for (size_t i = 1; i < n; i++)
        if (strcmp(with_id[i]->id, with_id[i - 1]->id) == 0)
            error_at(ld, at(ld, with_id[i]->id_pos), "id \"%s\" is used twice; the first is on "
                     "line %d; ids must be unique", with_id[i]->id,
                     with_id[i - 1]->id_pos.line);
    free(with_id);
}

static void
check_all(loader *ld)
{
    cm_resolve_places(ld);
    for (size_t i = 0; i < ld->ev->n_events; i++)
        check_event(ld, &ld->ev->events[i]);
    for (size_t i = 0; i < ld->ev->n_initials; i++)
        check_side(ld, ld->ev->initials[i].side, ld->ev->initials[i].pos,
                   "initial_control side");
    check_ids(ld);
    if (ld->st == CM_OK)
        generate_ids(ld);
}

/* ---- loading ---------------------------------------------------------------- */

/* Jansson points at the last character of the token it stopped on; a reader
 * wants its first, so step back over "near '<token>'" when it is on the line. */
static int
token_start_column(const json_error_t *err)
{
    const char *near = strstr(err->text, "near '");
    int col = err->column > 0 ? err->column : 1;
    if (!near || strstr(near, "near end of file"))
        return col;
    const char *tok = near + 6, *end = strrchr(tok, '\'');
    int chars = 0;
    for (const char *p = tok; end && p < end; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    return chars > 0 && chars <= col ? col - chars + 1 : col;
}

/* A comma just before the ']' or '}' jansson stopped on: the commonest slip
 * when a list is edited by hand. */
static int
trailing_comma(const char *text, const json_error_t *err)
{
    size_t at = err->position > 0 ? (size_t)err->position - 1 : 0;
    if (at == 0 || (text[at] != ']' && text[at] != '}'))
        return 0;
    while (at > 0 && strchr(" \t\r\n", text[at - 1]))
        at--;
    return at > 0 && text[at - 1] == ',';
}

/* Hints for what jansson's message leaves a journalist to guess. */
static const char *
syntax_hint(const char *text, const json_error_t *err)
{
    if (trailing_comma(text, err))
        return "there is a comma before this bracket; remove it, as JSON allows no "
               "comma after the last item";
    if (strstr(err->text, "near '/'"))
        return "JSON has no comments; remove the // or /* */ text";
    if (strstr(err->text, "near '''"))
        return "JSON needs double quotes \"...\" around keys and text, not single quotes";
    if (strstr(err->text, "\\u0000"))
        return "text may not contain \\u0000 (a NUL character); remove it";
    return NULL;
}

static void
report_json_error(loader *ld, const char *text, const json_error_t *err)
{
    cm_pos pos = { ld->file, err->line > 0 ? err->line : 1, token_start_column(err) };
    const char *hint = syntax_hint(text, err);
    if (json_error_code(err) == json_error_duplicate_key)
        error_at(ld, pos, "%s; each key may appear once in an object", err->text);
    else if (hint)
        error_at(ld, pos, "this is not valid JSON: %s", hint);
    else if (json_error_code(err) == json_error_premature_end_of_input ||
             strstr(err->text, "near end of file"))
        error_at(ld, pos, "the JSON ends too early (%s); is the file cut short, or a "
                 "bracket or quote missing?", err->text);
    else if (json_error_code(err) == json_error_stack_overflow)
        error_at(ld, pos, "the JSON is nested too deeply (%s)", err->text);
    else
        error_at(ld, pos, "this is not valid JSON: %s; check for a missing comma, quote "
                 "or bracket just before this point", err->text);
}

/* An empty file, or one with only blank space or a second byte-order mark,
 * gets a plain word instead of jansson's "expected near end of file". */
static int
report_blank(loader *ld, const char *text)
{
    cm_pos start = { ld->file, 1, 1 };
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0) {
        error_at(ld, start, "the file starts with a second byte-order mark (U+FEFF); "
                 "remove it, as one at most is allowed");
        return 1;
    }
    if (text[strspn(text, " \t\r\n")] != '\0')
        return 0;
    error_at(ld, start, "the file %s; it should hold one JSON object {...} with "
             "\"events\"", text[0] ? "holds only blank space" : "is empty");
    return 1;
}

/* A file of thousands of events is not parsed as one tree (about 1 KB an
 * event while it lasts): its list is split off (jsonpos.h) and, when every
 * item and the rest each parse, the rest is the tree (*root, with *table) and
 * the items are parsed one at a time as the list is reached. Otherwise, or
 * when the file is not of the plain shape, *root stays NULL and the text is
 * parsed whole, so that a syntax error is reported exactly as jansson finds
 * it in the whole text. Returns CM_OK or CM_ERR_NOMEM. */
static cm_status
load_split(loader *ld, const char *text, size_t len, cm_json_split *split, json_t **root,
           cm_jsonpos **table)
{
    static const char *const keys[] = { "events", "features" };
    *root = NULL;
    *table = NULL;
    cm_status st = cm_jsonpos_split(text, len, keys, 2, split);
    if (st != CM_OK || !split->key)
        return st;
    /* Past jansson's own nesting limit, items could parse where the whole
     * would not: leave such files to the whole parse. */
    int ok = cm_limits_get()->max_depth <= 1000;
    for (size_t i = 0; ok && i < split->n_items; i++) {
        json_t *item = json_loadb(text + split->items[i].offset, split->items[i].len,
                                  JSON_REJECT_DUPLICATES, NULL);
        ok = item != NULL;
        json_decref(item);
    }
    if (ok)
        *root = json_loadb(split->top, split->top_len, JSON_REJECT_DUPLICATES, NULL);
    if (*root)
        st = cm_jsonpos_build(table, ld->file, split->top, *root);
    if (st != CM_OK) {
        json_decref(*root);
        *root = NULL;
    }
    free(split->top);   /* its positions are in the table */
    split->top = NULL;
    if (!*root)
        cm_jsonpos_split_free(split);
    return st;
}

/* Reads the JSON file ld->file and parses its top level with positions; the
 * caller checks what needs the whole file. */
cm_status
cm_events_parse_json(loader *ld)
{
    json_error_t err;
    char *text = NULL;
    size_t len = 0;
    const cm_limits *lim = cm_limits_get();
    cm_status st = cm_input_read_text(ld->file, lim->max_file_bytes, &text, &len, ld->diags);
    if (st == CM_OK)
        st = cm_jsonpos_check_limits(ld->file, "an events file", text, len,
                                     lim->max_depth, lim->max_string_bytes, ld->diags);
    if (st != CM_OK || report_blank(ld, text)) {
        fail(ld, st);
        free(text);
        return ld->st;
    }
    cm_json_split split = { 0 };
    json_t *root = NULL;
    cm_jsonpos *table = NULL;
    st = ld->is_settings ? CM_OK : load_split(ld, text, len, &split, &root, &table);
    if (st != CM_OK) {
        fail(ld, st);
        free(text);
        return ld->st;
    }
    if (!root)
        root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        report_json_error(ld, text, &err);
    else if (!table && (st = cm_jsonpos_build(&table, ld->file, text, root)) != CM_OK)
        fail(ld, st);
    else {
        ld->pos = table;
        ld->split = split.key ? &split : NULL;
        ld->text = text;
        parse_top(ld, root);
        ld->pos = NULL;
        ld->split = NULL;
        ld->text = NULL;
    }
    cm_jsonpos_split_free(&split);
    cm_jsonpos_destroy(table);
    json_decref(root);
    free(text);
    return ld->st;
}

static int
is_csv_path(const char *path)
{
    size_t len = strlen(path);
    return len > 4 && strcasecmp(path + len - 4, ".csv") == 0;
}

cm_status
cm_events_load(cm_events **out, const char *path, const cm_gazetteer *gaz,
               cm_diag_list *diags)
{
    return cm_events_load_within(out, path, gaz, NULL, diags);
}

cm_status
cm_events_load_within(cm_events **out, const char *path, const cm_gazetteer *gaz,
                      const double *bbox_deg, cm_diag_list *diags)
{
    cm_events_options opt = { .bbox_deg = bbox_deg };
    return cm_events_load_with(out, path, gaz, &opt, diags);
}

/* The command's --timezone and --date-order, before the file's own. */
static void
take_options(loader *ld, const cm_events_options *opt)
{
    cm_pos none = { NULL, 0, 0 };
    if (opt->timezone)
        cm_events_set_zone(ld, opt->timezone, none, 1);
    if (opt->date_order)
        cm_events_set_date_order(ld, opt->date_order, none, 1);
}

cm_status
cm_events_load_with(cm_events **out, const char *path, const cm_gazetteer *gaz,
                    const cm_events_options *opt, cm_diag_list *diags)
{
    static const cm_events_options none = { 0 };
    loader ld = { 0 };
    opt = opt ? opt : &none;

    *out = NULL;
    ld.ev = calloc(1, sizeof(cm_events));
    if (!ld.ev || !(ld.ev->path = strdup(path))) {
        cm_events_destroy(ld.ev);
        return CM_ERR_NOMEM;
    }
    ld.file = ld.ev->path;
    ld.gaz = gaz;
    ld.bbox = opt->bbox_deg;
    ld.diags = diags;
    ld.settings = opt->settings;
    take_options(&ld, opt);
    if (opt->settings && !is_csv_path(path)) {
        cm_pos none = { NULL, 0, 0 };
        cm_diag_error(diags, &none, "--settings names a CSV events file's settings; \"%s\" is "
                      "a JSON events file, which holds its own title, sides and map", path);
        cm_zone_destroy(ld.zone);
        cm_events_destroy(ld.ev);
        return CM_ERR_INPUT;
    }
    if (ld.st != CM_ERR_NOMEM && is_csv_path(path))
        cm_events_load_csv(&ld);
    else if (ld.st != CM_ERR_NOMEM)
        cm_events_parse_json(&ld);
    cm_zone_destroy(ld.zone);
    if (ld.st == CM_OK || ld.st == CM_ERR_INPUT)
        check_all(&ld);
    if (ld.st != CM_OK) {
        json_decref(ld.extra);
        cm_events_destroy(ld.ev);
        return ld.st;
    }
    *out = ld.ev;
    return CM_OK;
}

void
cm_events_destroy(cm_events *ev)
{
    if (!ev)
        return;
    free(ev->events);
    free(ev->nears);
    free(ev->sides);
    free(ev->initials);
    free(ev->path);
    free(ev->settings_path);
    cm_strarena_free(&ev->strings);
    free(ev);
}

/* ---- accessors ---------------------------------------------------------------- */

static const char *or_empty(const char *s) { return s ? s : ""; }

const char *cm_events_path(const cm_events *ev) { return ev->path; }
const char *cm_events_title(const cm_events *ev) { return or_empty(ev->title); }
const char *cm_events_subtitle(const cm_events *ev) { return or_empty(ev->subtitle); }
const char *cm_events_source(const cm_events *ev) { return or_empty(ev->source); }
const char *cm_events_lang(const cm_events *ev) { return ev->lang; }
const char *cm_events_extra_json(const cm_events *ev) { return ev->extra_json; }

cm_pos
cm_events_projection_pos(const cm_events *ev)
{
    return ev->projection_pos;
}

const char *
cm_events_control(const cm_events *ev)
{
    return ev->control;
}

const char *
cm_events_projection(const cm_events *ev)
{
    return ev->projection ? ev->projection : "auto";
}

int
cm_events_bbox(const cm_events *ev, double bbox[4])
{
    if (ev->has_bbox)
        memcpy(bbox, ev->bbox, sizeof(ev->bbox));
    return ev->has_bbox;
}

size_t cm_events_n_sides(const cm_events *ev) { return ev->n_sides; }

const cm_side *
cm_events_side(const cm_events *ev, size_t i)
{
    return i < ev->n_sides ? &ev->sides[i] : NULL;
}

const cm_side *
cm_events_find_side(const cm_events *ev, const char *code)
{
    for (size_t i = 0; code && i < ev->n_sides; i++)
        if (ev->sides[i].code && strcmp(ev->sides[i].code, code) == 0)
            return &ev->sides[i];
    return NULL;
}

const char *cm_side_code(const cm_side *s) { return s->code; }
const char *cm_side_name(const cm_side *s) { return or_empty(s->name); }
void cm_side_rgb(const cm_side *s, double rgb[3]) { memcpy(rgb, s->rgb, sizeof(s->rgb)); }

size_t cm_events_n_initial(const cm_events *ev) { return ev->n_initials; }

void
cm_events_initial(const cm_events *ev, size_t i, const char **name, const char **side)
{
    *name = i < ev->n_initials ? ev->initials[i].name : NULL;
    *side = i < ev->n_initials ? ev->initials[i].side : NULL;
}

const cm_place *
cm_events_initial_place(const cm_events *ev, size_t i)
{
    return i < ev->n_initials ? ev->initials[i].place : NULL;
}

size_t cm_events_count(const cm_events *ev) { return ev->n_events; }

const cm_event *
cm_events_get(const cm_events *ev, size_t i)
{
    return i < ev->n_events ? &ev->events[i] : NULL;
}

const char *cm_event_id(const cm_event *e) { return e->id; }
cm_time cm_event_time(const cm_event *e) { return e->time; }
/* A control change that names no kind is a "control" event: it says so itself. */
const char *
cm_event_kind(const cm_event *e)
{
    return e->kind ? e->kind : e->control_to ? "control" : "other";
}
const char *cm_event_claimed_by(const cm_event *e) { return e->claimed_by; }
const char *cm_event_headline(const cm_event *e) { return or_empty(e->headline); }
const char *cm_event_text(const cm_event *e) { return or_empty(e->text); }
const char *cm_event_source(const cm_event *e) { return or_empty(e->source); }
const char *cm_event_place_name(const cm_event *e) { return or_empty(e->place_name); }
const cm_place *cm_event_place(const cm_event *e) { return e->place; }
const char *cm_event_place_why(const cm_event *e) { return e->place_why; }
const char *cm_event_country(const cm_event *e) { return e->country; }
int cm_event_precision(const cm_event *e) { return e->precision; }
const char *cm_event_control_from(const cm_event *e) { return e->control_from; }
const char *cm_event_control_to(const cm_event *e) { return e->control_to; }
const char *cm_event_area(const cm_event *e) { return e->area; }
const char *cm_event_extra_json(const cm_event *e) { return e->extra_json; }
cm_pos cm_event_pos(const cm_event *e) { return e->pos; }
size_t cm_event_index(const cm_event *e) { return e->index; }

int
cm_event_end(const cm_event *e, cm_time *end)
{
    if (e->has_end)
        *end = e->end;
    return e->has_end;
}

const char *
cm_event_status(const cm_event *e)
{
    if (e->status)
        return e->status;
    return e->control_to ? "claimed" : e->default_status ? e->default_status : "reported";
}

double
cm_event_lon(const cm_event *e)
{
    return e->has_lonlat == 3 || !e->place ? e->lon : cm_place_lon(e->place);
}

double
cm_event_lat(const cm_event *e)
{
    return e->has_lonlat == 3 || !e->place ? e->lat : cm_place_lat(e->place);
}
