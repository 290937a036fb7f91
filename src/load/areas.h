/* The area names of an events file (events' "area", initial_control names
 * that are no place) checked against the regions of the layers: a name that
 * matches none is an error at its position, with the nearest region name as
 * a suggestion (issue 16). For other src/ files only. */
#ifndef CM_SRC_AREAS_H
#define CM_SRC_AREAS_H

#include "conflictmap/events.h"
#include "conflictmap/layer.h"

/* Checks every area name of @ev against the polygons of @layers whose role is
 * "regions", by the name fields the map matches them by (name, name_en,
 * name_ne, name_local, compared as cm_name_key()s). Each unknown name is
 * reported once, where it first stands. Without a regions layer there is
 * nothing to check against: CM_OK. Returns CM_OK, CM_ERR_INPUT (with the
 * errors) or CM_ERR_NOMEM. */
/* Whether @ev names any area to check: an event's "area" or an
 * initial_control name that is no place. */
int cm_events_names_areas(const cm_events *ev);

cm_status cm_events_check_areas(const cm_events *ev, cm_layer *const *layers, size_t n_layers,
                                cm_diag_list *diags);

#endif
