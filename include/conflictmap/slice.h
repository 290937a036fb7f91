/* Slices: the moments a timeline is drawn at, and for each the state as of
 * that moment: which side controls which place or area, and which events are
 * shown as new, current (ongoing) or older. Laying a slice out is the scene's job. */
#ifndef CONFLICTMAP_SLICE_H
#define CONFLICTMAP_SLICE_H

#include <stddef.h>
#include <stdint.h>
#include "conflictmap/api.h"
#include "conflictmap/diag.h"
#include "conflictmap/events.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_slices cm_slices;
typedef struct cm_slice cm_slice;

/* How to slice: by default one slice per distinct event time; every_s > 0 for
 * regular steps from the first event to (at least) the last; or the @n_at
 * times in @at. window_s > 0 hides events older than that before each slice.
 *
 * What is new on a slice: the events since the slice before. On the first
 * slice, those the default slicing would show as new at its moment: the
 * events at the latest event time by then, and any after it up to the
 * moment (a single --at 15:15 shows the 15:15 reports as new, not every
 * report of the day); everything shown when that is the first event time.
 * With @has_since, the first slice's new events are those after @since
 * instead (since < time <= the slice's). */
typedef struct cm_slice_spec {
    int64_t every_s;
    const cm_time *at;
    size_t n_at;
    int64_t window_s;
    cm_time since;
    int has_since;
} cm_slice_spec;

typedef enum cm_event_state {
    CM_EVENT_NEW,       /* since the previous slice (cm_slice_spec says which on the first) */
    CM_EVENT_CURRENT,   /* earlier, but still going on (before its end) */
    CM_EVENT_OLDER      /* earlier and over */
} cm_event_state;

enum { CM_MAX_SLICES = 100000 };

/* Slices @events (which must outlive the result) per @spec (NULL for the
 * default). On success *out is the caller's (cm_slices_destroy).
 * Returns CM_OK, CM_ERR_INPUT (e.g. too many slices) or CM_ERR_NOMEM. */
CM_API cm_status cm_slices_make(cm_slices **out, const cm_events *events, const cm_slice_spec *spec,
                                cm_diag_list *diags);
CM_API void      cm_slices_destroy(cm_slices *slices);   /* NULL is fine */

CM_API size_t          cm_slices_count(const cm_slices *slices);
CM_API const cm_slice *cm_slices_get(const cm_slices *slices, size_t i);   /* borrowed */

CM_API cm_time cm_slice_time(const cm_slice *slice);
/* 1 and the moment in *@since when what is new on @slice is what came after
 * cm_slice_spec's since (the command's --since), not after the slice before;
 * else 0. */
CM_API int cm_slice_new_since(const cm_slice *slice, cm_time *since);
/* The events shown, oldest first (ties in file order). */
CM_API size_t          cm_slice_n_events(const cm_slice *slice);
CM_API const cm_event *cm_slice_event(const cm_slice *slice, size_t k, cm_event_state *state);

/* Control as of the slice: the side code holding the place or area @name
 * (matched like place names), or NULL when nobody is recorded as holding it. */
CM_API const char *cm_slice_control(const cm_slice *slice, const char *name);
/* The control entries: @name as first written, @side, and the control change
 * that set it (NULL when it comes from initial_control). */
CM_API size_t cm_slice_n_control(const cm_slice *slice);
CM_API void   cm_slice_control_at(const cm_slice *slice, size_t i, const char **name,
                                  const char **side, const cm_event **by);
/* Whether entry @i is an area's (a district named by an event's "area" or by
 * initial_control), shaded on the map, rather than a place's, marked. */
CM_API int    cm_slice_control_is_area(const cm_slice *slice, size_t i);

#ifdef __cplusplus
}
#endif

#endif
