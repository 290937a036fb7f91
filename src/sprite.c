/* Each thread's sprites (a memo from key bytes to a small cairo image
 * surface) and its canvas. */
#include "sprite.h"
#include "memo.h"
#include "pages.h"

#include <pthread.h>
#include <stdlib.h>

enum { BUDGET_BYTES = 48 << 20 };   /* a run's labels take a few megabytes */

typedef struct cache {
    cairo_surface_t *canvas;
    cm_memo *sprites;
    size_t bytes;   /* of the sprites' pixels */
} cache;

static pthread_key_t cache_key;
static int cache_key_ok;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void
free_sprite(void *value)
{
    cairo_surface_destroy(((cm_sprite *)value)->surface);
}

static void
cache_free(void *p)
{
    cache *c = p;
    if (!c)
        return;
    cm_memo_destroy(c->sprites);
    cairo_surface_destroy(c->canvas);
    free(c);
}

static void
cache_init(void)
{
    cache_key_ok = pthread_key_create(&cache_key, cache_free) == 0;
}

/* This thread's cache, made when first needed; NULL without memory or a key. */
static cache *
this_cache(int make)
{
    pthread_once(&cache_once, cache_init);
    if (!cache_key_ok)
        return NULL;
    cache *c = pthread_getspecific(cache_key);
    if (c || !make)
        return c;
    c = calloc(1, sizeof(*c));
    if (c && !(c->sprites = cm_memo_create(sizeof(cm_sprite), free_sprite))) {
        free(c);
        return NULL;
    }
    if (c && pthread_setspecific(cache_key, c) != 0) {
        cache_free(c);
        return NULL;
    }
    return c;
}

const cm_sprite *
cm_sprite_find(const void *key, size_t n)
{
    cache *c = this_cache(0);
    return c ? cm_memo_find(c->sprites, key, n) : NULL;
}

const cm_sprite *
cm_sprite_add(const void *key, size_t n, cairo_surface_t *surface, int dx, int dy)
{
    cache *c = this_cache(1);
    size_t bytes = (size_t)cairo_image_surface_get_stride(surface) *
                   (size_t)cairo_image_surface_get_height(surface);
    const cm_sprite *kept = NULL;
    if (c && c->bytes + bytes > BUDGET_BYTES) {
        cm_memo_clear(c->sprites);
        c->bytes = 0;
    }
    if (c && cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
        cm_sprite sp = { surface, dx, dy };
        kept = cm_memo_add(c->sprites, key, n, &sp);
    }
    if (!kept || kept->surface != surface)   /* not kept, or the key had one already */
        cairo_surface_destroy(surface);
    else
        c->bytes += bytes;
    return kept;
}

cairo_surface_t *
cm_sprite_canvas(int width, int height)
{
    cache *c = this_cache(1);
    if (!c)
        return NULL;
    if (c->canvas && (cairo_image_surface_get_width(c->canvas) != width ||
                      cairo_image_surface_get_height(c->canvas) != height)) {
        cairo_surface_destroy(c->canvas);
        c->canvas = NULL;
    }
    if (!c->canvas) {
        c->canvas = cm_pages_surface(width, height);
        if (cairo_surface_status(c->canvas) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(c->canvas);
            c->canvas = NULL;
            return NULL;
        }
    }
    return cairo_surface_reference(c->canvas);
}

void
cm_sprite_release(void)
{
    cache *c = this_cache(0);
    if (!c)
        return;
    cache_free(c);
    pthread_setspecific(cache_key, NULL);
}
