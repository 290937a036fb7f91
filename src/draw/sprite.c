/* The process's sprites (a memo from key bytes to a small cairo image
 * surface, behind a lock) and each thread's canvas. */
#include "draw/sprite.h"
#include "common/memo.h"
#include "common/pages.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { BUDGET_BYTES = 48 << 20 };   /* a run's labels take a few megabytes */

/* The sprites, everybody's. */
static pthread_mutex_t sprites_lock = PTHREAD_MUTEX_INITIALIZER;
static cm_memo *sprites;
static size_t sprites_bytes;   /* of their pixels */

/* Each thread's canvas. */
static pthread_key_t canvas_key;
static int canvas_key_ok;
static pthread_once_t canvas_once = PTHREAD_ONCE_INIT;

static void
free_sprite(void *value)
{
    cairo_surface_destroy(((cm_sprite *)value)->surface);
}

static void
take(const cm_sprite *kept, cm_sprite *out)
{
    *out = *kept;
    cairo_surface_reference(out->surface);
}

int
cm_sprite_find(const void *key, size_t n, cm_sprite *out)
{
    pthread_mutex_lock(&sprites_lock);
    const cm_sprite *kept = sprites ? cm_memo_find(sprites, key, n) : NULL;
    if (kept)
        take(kept, out);
    pthread_mutex_unlock(&sprites_lock);
    return kept != NULL;
}

int
cm_sprite_add(const void *key, size_t n, cairo_surface_t *surface, int dx, int dy,
              cm_sprite *out)
{
    size_t bytes = (size_t)cairo_image_surface_get_stride(surface) *
                   (size_t)cairo_image_surface_get_height(surface);
    cm_sprite sp = { surface, dx, dy };
    const cm_sprite *kept = NULL;
    pthread_mutex_lock(&sprites_lock);
    if (!sprites)
        sprites = cm_memo_create(sizeof(cm_sprite), free_sprite);
    if (sprites && sprites_bytes + bytes > BUDGET_BYTES) {
        cm_memo_clear(sprites);
        sprites_bytes = 0;
    }
    if (sprites && cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS)
        kept = cm_memo_add(sprites, key, n, &sp);
    if (kept && kept->surface == surface)
        sprites_bytes += bytes;
    else   /* not kept, or another thread's was there first */
        cairo_surface_destroy(surface);
    if (kept)
        take(kept, out);
    pthread_mutex_unlock(&sprites_lock);
    return kept != NULL;
}

/* A thread's canvases, one for each size it draws: an HTML run draws each
 * slice at 1x, at 2x and as the phone's page, and one canvas for all three
 * was made again (tens of megabytes cleared) at every image. */
enum { N_CANVASES = 4 };

typedef struct canvases {
    cairo_surface_t *c[N_CANVASES];   /* the most recently used first */
} canvases;

static void
canvas_free(void *p)
{
    canvases *cs = p;
    if (!cs)
        return;
    for (int i = 0; i < N_CANVASES; i++)
        cairo_surface_destroy(cs->c[i]);
    free(cs);
}

static void
canvas_init(void)
{
    canvas_key_ok = pthread_key_create(&canvas_key, canvas_free) == 0;
}

cairo_surface_t *
cm_sprite_canvas(int width, int height)
{
    pthread_once(&canvas_once, canvas_init);
    if (!canvas_key_ok)
        return NULL;
    canvases *cs = pthread_getspecific(canvas_key);
    if (!cs) {
        cs = calloc(1, sizeof(*cs));
        if (!cs || pthread_setspecific(canvas_key, cs) != 0) {
            free(cs);
            return NULL;
        }
    }
    int i = 0;
    while (i < N_CANVASES && cs->c[i] && (cairo_image_surface_get_width(cs->c[i]) != width ||
                                          cairo_image_surface_get_height(cs->c[i]) != height))
        i++;
    cairo_surface_t *c = i < N_CANVASES ? cs->c[i] : NULL;
    if (!c) {   /* a new size: the least recently used goes */
        i = N_CANVASES - 1;
        c = cm_pages_surface(width, height);
        if (cairo_surface_status(c) != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(c);
            return NULL;
        }
        cairo_surface_destroy(cs->c[i]);
    }
    memmove(cs->c + 1, cs->c, (size_t)i * sizeof(cs->c[0]));
    cs->c[0] = c;
    return cairo_surface_reference(c);
}

void
cm_sprite_release(void)
{
    pthread_mutex_lock(&sprites_lock);
    cm_memo_destroy(sprites);
    sprites = NULL;
    sprites_bytes = 0;
    pthread_mutex_unlock(&sprites_lock);
    pthread_once(&canvas_once, canvas_init);
    if (canvas_key_ok) {
        canvas_free(pthread_getspecific(canvas_key));
        pthread_setspecific(canvas_key, NULL);
    }
}
