/* A per-thread cache of sprites (an open-addressing table from key bytes to
 * a small cairo image surface) and the thread's canvas. */
#include "sprite.h"
#include "pages.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    FIRST_SLOTS = 256,
    BUDGET_BYTES = 48 << 20   /* a run's labels take a few megabytes */
};

typedef struct entry {
    uint64_t hash;
    unsigned char *key;   /* NULL: an empty slot */
    size_t n;
    cm_sprite sprite;
} entry;

typedef struct cache {
    cairo_surface_t *canvas;
    entry *slots;
    size_t cap, used, bytes;
} cache;

static pthread_key_t cache_key;
static int cache_key_ok;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void
clear(cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->slots[i].key)
            continue;
        free(c->slots[i].key);
        cairo_surface_destroy(c->slots[i].sprite.surface);
        c->slots[i].key = NULL;
    }
    c->used = 0;
    c->bytes = 0;
}

static void
cache_free(void *p)
{
    cache *c = p;
    if (!c)
        return;
    clear(c);
    cairo_surface_destroy(c->canvas);
    free(c->slots);
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
    if (c && !(c->slots = calloc(FIRST_SLOTS, sizeof(entry)))) {
        free(c);
        return NULL;
    }
    if (c)
        c->cap = FIRST_SLOTS;
    if (c && pthread_setspecific(cache_key, c) != 0) {
        cache_free(c);
        return NULL;
    }
    return c;
}

static uint64_t
hash_of(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037u;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

/* The slot holding @key, or the empty slot where it would go. */
static entry *
slot_for(const cache *c, uint64_t h, const void *key, size_t n)
{
    size_t i = (size_t)h & (c->cap - 1);
    while (c->slots[i].key &&
           !(c->slots[i].hash == h && c->slots[i].n == n && memcmp(c->slots[i].key, key, n) == 0))
        i = (i + 1) & (c->cap - 1);
    return &c->slots[i];
}

static int
grow(cache *c)
{
    size_t cap = c->cap * 2;
    entry *slots = calloc(cap, sizeof(entry)), *old = c->slots;
    if (!slots)
        return 0;
    size_t old_cap = c->cap;
    c->slots = slots;
    c->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key)
            *slot_for(c, old[i].hash, old[i].key, old[i].n) = old[i];
    free(old);
    return 1;
}

const cm_sprite *
cm_sprite_find(const void *key, size_t n)
{
    cache *c = this_cache(0);
    if (!c)
        return NULL;
    entry *e = slot_for(c, hash_of(key, n), key, n);
    return e->key ? &e->sprite : NULL;
}

const cm_sprite *
cm_sprite_add(const void *key, size_t n, cairo_surface_t *surface, int dx, int dy)
{
    cache *c = this_cache(1);
    size_t bytes = (size_t)cairo_image_surface_get_stride(surface) *
                   (size_t)cairo_image_surface_get_height(surface);
    if (c && c->bytes + bytes > BUDGET_BYTES)
        clear(c);
    if (!c || cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS ||
        (2 * (c->used + 1) > c->cap && !grow(c))) {
        cairo_surface_destroy(surface);
        return NULL;
    }
    uint64_t h = hash_of(key, n);
    entry *e = slot_for(c, h, key, n);
    if (e->key) {   /* already there: keep the first */
        cairo_surface_destroy(surface);
        return &e->sprite;
    }
    unsigned char *copy = malloc(n ? n : 1);
    if (!copy) {
        cairo_surface_destroy(surface);
        return NULL;
    }
    memcpy(copy, key, n);
    *e = (entry){ h, copy, n, { surface, dx, dy } };
    c->used++;
    c->bytes += bytes;
    return &e->sprite;
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
