/* The cairo backend (draw.c): a scene drawn on a cairo surface, for the
 * formats drawn through cairo (format.c makes their surfaces and files) and
 * for the animation's frames (animate.c). For src/ only. */
#ifndef CM_SRC_DRAW_H
#define CM_SRC_DRAW_H

#include "conflictmap/draw.h"
#include "draw/png.h"
#include "layout/scene.h"

#include <cairo.h>

/* Whether @cache (NULL is fine) holds the ground of @scene at @scale. */
int cm_draw_cache_fits(const cm_draw_cache *cache, const cm_scene *scene, double scale);

/* Whether every pixel of @cache's ground is opaque: then so is every map
 * drawn over it, since everything on it is painted with OVER. */
int cm_draw_cache_opaque(const cm_draw_cache *cache);

/* Draws @scene at @scale on @surface, any cairo surface. With @cache (or NULL),
 * @surface is an image of the cache's size that starts from the cache's
 * ground (cm_draw_cache_fits). Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_draw_surface(cairo_surface_t *surface, const cm_scene *scene, double scale,
                          const cm_draw_cache *cache);

/* Where @surface, drawn on by cm_draw_surface() over a cache's ground, can
 * differ from its previous slice, for the PNG writer (png.h); 0 when it
 * was not (*@out then says nothing). The rectangles are the surface's until
 * it is drawn on again. */
int cm_draw_surface_changes(cairo_surface_t *surface, cm_png_changes *out);

/* Draws @scene at @scale into a new ARGB32 image surface (*out, the caller's).
 * Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_draw_raster(const cm_scene *scene, double scale, cairo_surface_t **out);

#endif
