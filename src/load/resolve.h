/* Names resolved by context: the place each event's "place" means, and each
 * initial_control name, chosen among namesakes by what the file says (a
 * country in the name or in "country", the map's bbox, the file's other
 * events), then by the gazetteer's own order (curated rows, rank). For the
 * events loader (events.c) only. */
#ifndef CM_SRC_RESOLVE_H
#define CM_SRC_RESOLVE_H

#include "load/events_load.h"

/* Sets the place (and place_why) of every event that cm_event_needs_place(),
 * and of every initial_control name the gazetteer knows. Unknown names (with
 * "did you mean"), names not in the country given and unknown countries are
 * errors; a name whose runner-up is as plausible as the place chosen is a
 * warning naming both. Out of memory fails the loader. */
void cm_resolve_places(loader *ld);

#endif
