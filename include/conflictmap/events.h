/* The events file: a timeline of reported events with the map's title, sides
 * and initial control, in the object form of events.md (installed in
 * share/doc/conflictmap, with events.schema.json) or as a GeoJSON
 * FeatureCollection. Loading checks every value and resolves every place
 * through the gazetteer; slicing the timeline is the slice module's job. */
#ifndef CONFLICTMAP_EVENTS_H
#define CONFLICTMAP_EVENTS_H

#include <stddef.h>
#include "conflictmap/api.h"
#include "conflictmap/diag.h"
#include "conflictmap/gazetteer.h"
#include "conflictmap/timestamp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_events cm_events;
typedef struct cm_event cm_event;
typedef struct cm_side cm_side;

/* Loads and checks the events file at @path, looking places up in @gaz (which
 * must outlive the result). Every problem is added to @diags with its
 * FILE:LINE:COL; the first status met is returned. On success *out is the
 * caller's (cm_events_destroy); on failure NULL.
 * Returns CM_OK, CM_ERR_INPUT, CM_ERR_IO (cannot read) or CM_ERR_NOMEM. */
CM_API cm_status cm_events_load(cm_events **out, const char *path, const cm_gazetteer *gaz,
                                cm_diag_list *diags);
/* As cm_events_load(), for a map of the extent @bbox_deg (west, south,
 * east, north; the command's --bbox), which names are resolved by in place
 * of the file's "map.bbox" (a place inside it wins); NULL: the file's. */
CM_API cm_status cm_events_load_within(cm_events **out, const char *path,
                                       const cm_gazetteer *gaz, const double *bbox_deg,
                                       cm_diag_list *diags);
/* How to read an events file beyond what it says itself (the command's
 * options); a zeroed struct reads it as cm_events_load() does. */
typedef struct cm_events_options {
    const double *bbox_deg;   /* as cm_events_load_within()'s; NULL: the file's */
    const char *timezone;     /* the zone of times written without one: "UTC", "+04:00",
                                 "Asia/Baku" (the system's zoneinfo); over the file's
                                 "timezone"; NULL: the file's, else such times are refused */
    const char *date_order;   /* "DMY" or "MDY": which number of 09/10/2020 is the day;
                                 over the file's "date_order"; NULL: the file's */
    const char *settings;     /* a CSV events file's settings file, wherever it is (a
                                 sheet exported from a shared spreadsheet has any
                                 name); NULL: STEM.settings.json beside STEM.csv, if
                                 there is one. Refused for a JSON events file. */
} cm_events_options;
/* As cm_events_load(), with @opt (NULL: none). A bad timezone or date_order
 * in @opt is reported without a position. Same statuses. */
CM_API cm_status cm_events_load_with(cm_events **out, const char *path,
                                     const cm_gazetteer *gaz, const cm_events_options *opt,
                                     cm_diag_list *diags);
CM_API void      cm_events_destroy(cm_events *events);   /* NULL is fine */

CM_API const char *cm_events_path(const cm_events *events);
CM_API const char *cm_events_title(const cm_events *events);      /* "" when absent */
CM_API const char *cm_events_subtitle(const cm_events *events);   /* "" when absent */
CM_API const char *cm_events_source(const cm_events *events);     /* "" when absent */
/* The file's "lang", the language of the map's words ("ru"); NULL when absent. */
CM_API const char *cm_events_lang(const cm_events *events);
/* The file's "map.bbox" (west, south, east, north in degrees); 0 when absent. */
CM_API int         cm_events_bbox(const cm_events *events, double bbox[4]);
/* The file's "map.projection", "auto" when absent; and where it is in the
 * file (line 0 when absent), for a projection PROJ does not know. */
CM_API const char *cm_events_projection(const cm_events *events);
CM_API cm_pos      cm_events_projection_pos(const cm_events *events);
/* The file's "map.control", a control layer or folder as written (relative
 * to the events file), as the command's --control takes; NULL when absent. */
CM_API const char *cm_events_control(const cm_events *events);
/* Members of the file's top level that conflictmap does not use, as a compact
 * JSON object text ("{}" when none). Borrowed. */
CM_API const char *cm_events_extra_json(const cm_events *events);

CM_API size_t        cm_events_n_sides(const cm_events *events);
CM_API const cm_side *cm_events_side(const cm_events *events, size_t i);
CM_API const cm_side *cm_events_find_side(const cm_events *events, const char *code);
CM_API const char   *cm_side_code(const cm_side *side);
CM_API const char   *cm_side_name(const cm_side *side);
/* The side's colour, red, green and blue in 0..1. */
CM_API void          cm_side_rgb(const cm_side *side, double rgb[3]);

/* The initial_control entries in file order: @name as written, @side a code. */
CM_API size_t cm_events_n_initial(const cm_events *events);
CM_API void   cm_events_initial(const cm_events *events, size_t i, const char **name,
                                const char **side);
/* The gazetteer's place the @i-th initial_control name is, or NULL when it is
 * not a place (an area's name). Borrowed. */
CM_API const cm_place *cm_events_initial_place(const cm_events *events, size_t i);

/* Events in file order. Borrowed, valid while @events lives. */
CM_API size_t          cm_events_count(const cm_events *events);
CM_API const cm_event *cm_events_get(const cm_events *events, size_t i);

CM_API const char *cm_event_id(const cm_event *ev);         /* given, or generated stably */
CM_API cm_time     cm_event_time(const cm_event *ev);
/* 1 and *end set when the event has an "end" time. */
CM_API int         cm_event_end(const cm_event *ev, cm_time *end);
/* As given; when absent, "control" for an event with "control", else "other". */
CM_API const char *cm_event_kind(const cm_event *ev);
/* "claimed", "confirmed" or "disputed"; control changes default to claimed,
 * other events to confirmed. */
CM_API const char *cm_event_status(const cm_event *ev);
CM_API const char *cm_event_claimed_by(const cm_event *ev);  /* side code or NULL */
CM_API const char *cm_event_headline(const cm_event *ev);    /* "" when absent */
CM_API const char *cm_event_text(const cm_event *ev);        /* "" when absent */
CM_API const char *cm_event_source(const cm_event *ev);      /* "" when absent */
/* The place as the file names it ("" when it gives only coordinates), and the
 * gazetteer's place it resolved to (NULL when given by coordinates). */
CM_API const char     *cm_event_place_name(const cm_event *ev);
CM_API const cm_place *cm_event_place(const cm_event *ev);
/* How the place was chosen among those of its name, in words ("inside the
 * map's bbox; Tripoli in Libya (LY) is not"), what validate --explain prints;
 * NULL for an event given by lon/lat. */
CM_API const char     *cm_event_place_why(const cm_event *ev);
/* Names every event given only by lon/lat (no "place") after the place it
 * is at or near (cm_gazetteer_near: one look-up per distinct point), for
 * cm_event_where(); render does it once before laying out, validate has no
 * need to. @gaz must outlive @events. Returns CM_OK, CM_ERR_IO or
 * CM_ERR_NOMEM. */
CM_API cm_status cm_events_name_points(cm_events *events, const cm_gazetteer *gaz);
/* What an event given only by lon/lat is named after, once
 * cm_events_name_points() ran; NULL for any other event. Borrowed. */
CM_API const cm_near  *cm_event_near(const cm_event *ev);
/* Where the event is, in words: what the map's labels, tooltips, alt text
 * and the manifest say. Its place's name (in @lang, "en" or NULL for the
 * primary name, where the gazetteer has one), the name as the file gives
 * it, or for an event given only by lon/lat, cm_near_words(): "Kherson",
 * "12 km SE of Kherson", "46.97°N 32.00°E". Returns a borrowed string or
 * @buf (@size bytes; a name too long for it is cut between characters). */
CM_API const char     *cm_event_where(const cm_event *ev, const char *lang, char *buf, size_t size);
/* The event's "country", as given (NULL when absent). */
CM_API const char     *cm_event_country(const cm_event *ev);
/* Where the event is, in degrees: its own coordinates, else its place's. */
CM_API double      cm_event_lon(const cm_event *ev);
CM_API double      cm_event_lat(const cm_event *ev);
CM_API int         cm_event_precision(const cm_event *ev);   /* 1, 2 or 3 */
/* For a control change, the sides it is from (may be NULL) and to; NULL
 * "to" means the event is not a control change. */
CM_API const char *cm_event_control_from(const cm_event *ev);
CM_API const char *cm_event_control_to(const cm_event *ev);
CM_API const char *cm_event_area(const cm_event *ev);        /* NULL when absent */
/* Keys the file gives that conflictmap does not use, as a compact JSON object
 * text ("{}" when none). */
CM_API const char *cm_event_extra_json(const cm_event *ev);
CM_API cm_pos      cm_event_pos(const cm_event *ev);
/* The event's index in file order. */
CM_API size_t      cm_event_index(const cm_event *ev);

#ifdef __cplusplus
}
#endif

#endif
