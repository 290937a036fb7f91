/* Sprites: small images drawn once and then copied onto many maps. A label
 * that sits at the same spot on every slice of a run is set by Pango and
 * stroked for its halo once, not once a slice. Each thread has its own cache,
 * keyed by the bytes of everything its drawing depends on, so a sprite is a
 * pure function of its key: which thread drew it first, and whether it was
 * still cached, never changes a map's pixels. For src/ only. */
#ifndef CM_SRC_SPRITE_H
#define CM_SRC_SPRITE_H

#include <cairo.h>
#include <stddef.h>

typedef struct cm_sprite {
    cairo_surface_t *surface;   /* ARGB32, premultiplied; the cache's */
    int dx, dy;                 /* its top-left, in device pixels from the anchor pixel */
} cm_sprite;

/* The calling thread's sprite for the @n bytes at @key, or NULL. */
const cm_sprite *cm_sprite_find(const void *key, size_t n);

/* Adds @surface (the cache takes it, whatever happens) as the calling
 * thread's sprite for @key. Returns the cached sprite, or NULL when out of
 * memory (then the caller draws without it). Past a few tens of megabytes a
 * thread's cache is emptied before adding. */
const cm_sprite *cm_sprite_add(const void *key, size_t n, cairo_surface_t *surface, int dx,
                               int dy);

/* The calling thread's canvas of @width x @height (ARGB32), kept from one map
 * to the next so that a run does not pay for 7 MB of fresh pages a map; the
 * caller gets a reference of its own and finds the last map's pixels in it.
 * NULL when out of memory. */
cairo_surface_t *cm_sprite_canvas(int width, int height);

/* Frees the calling thread's sprites and canvas (other threads' go when they end). */
void cm_sprite_release(void);

#endif
