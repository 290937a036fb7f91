/* Sprites: small images drawn once and then copied onto many maps. A label
 * that sits at the same spot on every slice of a run is set by Pango and
 * stroked for its halo once, not once a slice. The cache is the process's,
 * shared by the drawing threads and keyed by the bytes of everything a
 * sprite's drawing depends on, so a sprite is a pure function of its key:
 * which thread drew it first, and whether it was still cached, never changes
 * a map's pixels. For src/ only. */
#ifndef CM_SRC_SPRITE_H
#define CM_SRC_SPRITE_H

#include <cairo.h>
#include <stddef.h>

typedef struct cm_sprite {
    cairo_surface_t *surface;   /* ARGB32, premultiplied */
    int dx, dy;                 /* its top-left, in device pixels from the anchor pixel */
} cm_sprite;

/* The sprite for the @n bytes at @key into *out, whose surface is a reference
 * of the caller's (cairo_surface_destroy it). 0 when there is none. */
int cm_sprite_find(const void *key, size_t n, cm_sprite *out);

/* Adds @surface (the cache takes the caller's reference, whatever happens) as
 * the sprite for @key, and puts the sprite kept for it into *out as
 * cm_sprite_find() does: another thread may have added one first. Returns 0
 * when out of memory. Past a few tens of megabytes the cache is emptied
 * before adding. */
int cm_sprite_add(const void *key, size_t n, cairo_surface_t *surface, int dx, int dy,
                  cm_sprite *out);

/* The calling thread's canvas of @width x @height (ARGB32), kept from one map
 * of that size to the next (a few sizes a thread) so that a run does not pay
 * for 7 MB of fresh pages a map; the caller gets a reference of its own and
 * finds the last map of that size's pixels in it. NULL when out of memory. */
cairo_surface_t *cm_sprite_canvas(int width, int height);

/* Empties the sprite cache (a sprite still referenced lives on) and frees the
 * calling thread's canvases (other threads' go when they end). */
void cm_sprite_release(void);

#endif
