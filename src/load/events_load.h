/* What the two readers of an events file share, the JSON one (events.c) and
 * the CSV one (events_csv.c): the events as they are kept, the loader state
 * and the event parsers a CSV row goes through. For src/load/events*.c only. */
#ifndef CM_SRC_EVENTS_LOAD_H
#define CM_SRC_EVENTS_LOAD_H

#include "conflictmap/events.h"
#include "common/jsonpos.h"
#include "common/strarena.h"
#include "common/zone.h"

#include <jansson.h>
#include <stdarg.h>

/* Where a value stands in the events file, which every event is read from:
 * the file goes without saying (cm_pos's pointer would be 8 bytes of 16). */
typedef struct where {
    int line, col;
} where;

/* Strings are the events' arena's (cm_events.strings). Kept small: a file can
 * hold a million events. */
struct cm_event {
    char *id;
    cm_pos pos;
    where id_pos, place_pos, time_pos, control_pos, from_pos, to_pos, claimed_by_pos,
          country_pos, area_pos;
    cm_time time, end;
    double lon, lat;
    char *place_name;
    char *country;                /* which country the place is in, as given */
    const cm_place *place;
    const char *place_why;        /* how the place was chosen (resolve.c) */
    const cm_near *near;          /* given only by lon/lat: named after (events_where.c) */
    char *kind, *status, *claimed_by, *headline, *text, *source, *area;
    const char *default_status;   /* the file's default_status, borrowed; NULL: none */
    char *control_from, *control_to;
    char *extra_json;
    size_t index;
    unsigned char has_time, has_end, has_lonlat, precision;
    unsigned char lonlat_given;   /* bits: lon, lat present, valid or not */
    unsigned char reported;       /* REPORTED_* bits: said once, not again by the checks */
};

/* What a parser has already reported, so that the whole-event checks do not
 * add "no location" under "\"place\" should be text". */
enum { REPORTED_LOCATION = 1, REPORTED_EVENT = 2 };

typedef struct initial {
    char *name, *side;
    cm_pos pos;
    const cm_place *place;   /* NULL when the name is an area's, not a place's */
} initial;

struct cm_events {
    char *path;
    char *settings_path;   /* a CSV's STEM.settings.json, named even when absent */
    char *title, *subtitle, *source, *projection, *extra_json;
    char *control;         /* map.control: a control layer's path as written; NULL: none */
    cm_pos projection_pos; /* where map.projection is; line 0 when it is not there */
    char *country;         /* the country of the file's places, as given */
    char *lang;            /* "lang": the map's language (common/catalog.h); NULL: none */
    char *default_status;  /* the status of an event that gives none, but a control change */
    cm_pos country_pos;
    double bbox[4];
    int has_bbox;
    cm_side *sides;
    size_t n_sides;
    initial *initials;
    size_t n_initials;
    cm_event *events;
    size_t n_events;
    cm_near *nears;        /* what the events given only by lon/lat are named after */
    size_t n_nears;
    cm_strarena strings;   /* every string above but the two paths */
};

/* What the parsers share while one file loads. */
typedef struct loader {
    cm_events *ev;
    const char *file;      /* the file being read: the events file or its settings */
    int is_settings;       /* reading a CSV's settings file: no events in it */
    int is_csv;            /* events from a CSV: hints name cells, not JSON */
    const cm_jsonpos *pos;
    const cm_gazetteer *gaz;
    const double *bbox;    /* the map's extent given to the loader (--bbox), over map.bbox */
    cm_diag_list *diags;
    cm_status st;          /* the first problem met; later ones do not overwrite */
    json_t *extra;         /* unknown keys of the object being parsed */
    /* The events file's list, when split to be parsed an item at a time: */
    const cm_json_split *split;
    const char *text;      /* the file's text, which the items are parts of */
    /* How times written without a zone are read (events_time.c): */
    cm_zone *zone;         /* the file's "timezone" or --timezone; NULL: none */
    const char *settings;  /* --settings: a CSV's settings file named; NULL: beside it */
    cm_date_order date_order;
    int zone_is_option, order_is_option;   /* the command's, which the file's do not change */
    int zone_is_bad, order_is_bad;   /* named but wrong: reported once, not per time */
    unsigned utc_keys;     /* UTC_* bits: a CSV column headed "Time (GMT)", "time_utc" */
} loader;

enum { UTC_TIME = 1, UTC_END = 2 };

static inline void
fail(loader *ld, cm_status st)
{
    if (ld->st == CM_OK)
        ld->st = st;
}

/* A copy of @s in the events' arena; NULL (and the load fails) when out of memory. */
static inline char *
keep(loader *ld, const char *s)
{
    char *copy = cm_strarena_copy(&ld->ev->strings, s);
    if (!copy)
        fail(ld, CM_ERR_NOMEM);
    return copy;
}

static inline void
error_at(loader *ld, cm_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline void
error_at(loader *ld, cm_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_diag_verror(ld->diags, &pos, fmt, ap);
    va_end(ap);
    fail(ld, CM_ERR_INPUT);
}

/* Whether event @e is placed by its name, which the gazetteer resolves: no
 * "lon"/"lat", and nothing wrong reported about it or its location yet. */
static inline int
cm_event_needs_place(const cm_event *e)
{
    return !(e->reported & (REPORTED_EVENT | REPORTED_LOCATION)) && !e->lonlat_given &&
           e->place_name && e->place_name[0];
}

/* Parses @v, one event of the list (a GeoJSON Feature when @is_feature), into
 * @e: a table of small parsers per key, unknown keys kept for the manifest. */
void cm_event_parse(loader *ld, cm_event *e, json_t *v, int is_feature);

/* The keys of an event object, in the parsers' table: cm_event_n_keys() of
 * them, a key known by its index there (how a CSV column names its key). */
size_t cm_event_n_keys(void);
const char *cm_event_key_name(size_t k);

/* Reads the JSON file ld->file (the events file, or a CSV's settings file
 * when ld->is_settings) and parses its top level with positions; the caller
 * checks what needs the whole file. Returns ld->st. */
cm_status cm_events_parse_json(loader *ld);

/* Reads the CSV events file ld->ev->path, and its settings file beside it
 * when there is one: its rows become events through cm_event_parse(). */
void cm_events_load_csv(loader *ld);

/* @text, the value of @key ("time", "end") at @pos, as a moment in *out: RFC
 * 3339, or as a desk types it in the zone and date order the file declares.
 * Returns 1, or 0 with the problem reported (events_time.c). */
int cm_events_take_time(loader *ld, const char *key, const char *text, cm_pos pos,
                        cm_time *out);
/* The zone (a "timezone" at @pos, or the command's --timezone when
 * @is_option, which wins) and date order ("date_order", --date-order) of the
 * times written without a zone; a bad one is reported. */
void cm_events_set_zone(loader *ld, const char *name, cm_pos pos, int is_option);
void cm_events_set_date_order(loader *ld, const char *text, cm_pos pos, int is_option);

/* A warning when @key, not a key of an event, is one or two edits from one
 * ("headlien"), at @at (events.c; the CSV reader calls it for its header). */
void cm_events_warn_event_key(loader *ld, const char *key, cm_pos at);

#endif
