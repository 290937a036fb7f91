/* Scenes: one slice laid out, every path, symbol and label placed in pixels
 * (at scale 1), ready for any backend to draw. The part that is the same on
 * every slice (the projected layers, the context places) is laid out once,
 * as the scene base. */
#ifndef CONFLICTMAP_SCENE_H
#define CONFLICTMAP_SCENE_H

#include <stddef.h>
#include "conflictmap/api.h"
#include "conflictmap/diag.h"
#include "conflictmap/events.h"
#include "conflictmap/gazetteer.h"
#include "conflictmap/layer.h"
#include "conflictmap/projection.h"
#include "conflictmap/slice.h"
#include "conflictmap/style.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_scene_base cm_scene_base;
typedef struct cm_scene cm_scene;

/* Where the map goes on a @width_px x @height_px canvas with @style's frame:
 * the rectangle (x, y, width, height) the projection should fit the extent into. */
CM_API void cm_scene_map_rect(const cm_style *style, int width_px, int height_px,
                              double rect_px[4]);

/* Projects @layers with @proj and picks the context places of @gaz that fall
 * on the map; @bbox_deg is the extent the projection was fitted to (its centre
 * is where distances to places off the map are measured from). Borrows @layers, @proj, @style, @gaz and @events: they must
 * outlive the base. On success *out is the caller's (cm_scene_base_destroy).
 * Returns CM_OK or CM_ERR_NOMEM. */
CM_API cm_status cm_scene_base_create(cm_scene_base **out, cm_layer *const *layers, size_t n_layers,
                                      const cm_projection *proj, const cm_style *style,
                                      const cm_gazetteer *gaz, const cm_events *events,
                                      const double bbox_deg[4], int width_px, int height_px);
CM_API void      cm_scene_base_destroy(cm_scene_base *base);   /* NULL is fine */

/* Writes the map in @lang ("en", "ar", "az", "es", "fr", "hy", "ru", "uk"):
 * its own words (legend, callouts, date, alt text) from the shipped
 * catalogue, places and countries where the gazetteer has a name in it, else
 * in English; the default is "en". Returns CM_OK, CM_ERR_INPUT for another
 * language, CM_ERR_IO when its catalogue is not installed, or CM_ERR_NOMEM. */
CM_API cm_status cm_scene_base_set_lang(cm_scene_base *base, const char *lang);

/* Lays out @slice over @base. @previous (may be NULL) is the scene of the
 * slice before: a label it placed keeps its position where it still fits, so a
 * sequence of slices does not jitter; it is only read, and may be destroyed
 * once this returns. On success *out is the caller's (cm_scene_destroy).
 * Returns CM_OK or CM_ERR_NOMEM. */
CM_API cm_status cm_scene_layout(cm_scene **out, const cm_scene_base *base, const cm_slice *slice,
                                 const cm_scene *previous);
CM_API void      cm_scene_destroy(cm_scene *scene);   /* NULL is fine */

CM_API int cm_scene_width_px(const cm_scene *scene);
CM_API int cm_scene_height_px(const cm_scene *scene);
/* The alt text: what the slice shows, in a sentence or three. Borrowed. */
CM_API const char *cm_scene_alt(const cm_scene *scene);

/* Where each event shown is drawn: its marker's centre, or its edge marker's
 * for an event off the map. Returns 0 when @event is not in the scene. */
CM_API int cm_scene_event_xy(const cm_scene *scene, const cm_event *event, double *x_px,
                             double *y_px);
/* Labels that could not be placed without overlapping, by their text. */
CM_API size_t      cm_scene_n_dropped(const cm_scene *scene);
CM_API const char *cm_scene_dropped(const cm_scene *scene, size_t i);
/* The most ground that two sides are both shown holding (controlled, from
 * control layers and area events), in km² on the ellipsoid, when it is 1% or
 * more of the smaller side's: no ground is held by two sides at once, so a
 * layer's dates or sides, or an area event, are wrong there. 0 when there is
 * none; else the two sides' codes in *@side_a and *@side_b (borrowed). */
CM_API double cm_scene_shared_km2(const cm_scene *scene, const char **side_a,
                                  const char **side_b);

#ifdef __cplusplus
}
#endif

#endif
