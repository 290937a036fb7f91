/* Drawing: a PNG drawn over the cached ground (the water and the base map,
 * drawn once per run) has exactly the bytes of one drawn from scratch, at
 * scale 1 and 2, on slices with and without shaded areas. */
#include "check.h"
#include "conflictmap/conflictmap.h"

#include <stdlib.h>
#include <unistd.h>

#define EXAMPLE CM_SOURCE_DIR "/examples/karabakh-2020-10-09.json"

static const char *const layer_names[] = { "countries", "regions", "lines" };

static unsigned char *
read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    *n = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(size > 0 ? (size_t)size : 1);
    if (buf && size > 0 && fread(buf, 1, (size_t)size, f) == (size_t)size)
        *n = (size_t)size;
    fclose(f);
    return buf;
}

/* Draws @scene both ways at @scale and compares the files byte for byte. */
static void
check_same(const cm_scene *scene, const cm_scene_base *base, double scale)
{
    cm_draw_cache *cache = NULL;
    size_t na, nb;
    CHECK_INT(cm_draw_cache_create(&cache, base, scale), CM_OK);
    CHECK_INT(cm_draw(scene, CM_FORMAT_PNG, scale, 0, "plain.png", NULL), CM_OK);
    CHECK_INT(cm_draw_cached(scene, cache, CM_FORMAT_PNG, scale, 0, "cached.png", NULL), CM_OK);
    unsigned char *a = read_all("plain.png", &na), *b = read_all("cached.png", &nb);
    CHECK(na > 1000);
    CHECK_INT(na, nb);
    CHECK(a && b && na == nb && memcmp(a, b, na) == 0);
    free(a);
    free(b);
    unlink("plain.png");
    unlink("cached.png");
    cm_draw_cache_destroy(cache);
}

int
main(void)
{
    cm_gazetteer *gaz = NULL;
    cm_events *events = NULL;
    cm_layer *layers[3] = { NULL };
    cm_style *style = NULL;
    cm_projection *proj = NULL;
    cm_slices *slices = NULL;
    cm_scene_base *base = NULL;
    double bbox[4] = { 45.4, 38.9, 48.0, 41.0 }, rect[4];
    char path[512];

    CHECK_INT(cm_gazetteer_create(&gaz), CM_OK);
    CHECK_INT(cm_gazetteer_add_file(gaz, CM_SOURCE_DIR "/gazetteer/caucasus.tsv", NULL), CM_OK);
    CHECK_INT(cm_events_load(&events, EXAMPLE, gaz, NULL), CM_OK);
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof(path), "%s/shapes/%s.shp", CM_SOURCE_DIR, layer_names[k]);
        CHECK_INT(cm_layer_load(&layers[k], path, NULL, NULL), CM_OK);
    }
    CHECK_INT(cm_style_preset(&style, "light", NULL), CM_OK);
    cm_scene_map_rect(style, 800, 600, rect);
    CHECK_INT(cm_projection_create(&proj, "auto", bbox, rect, NULL), CM_OK);
    CHECK_INT(cm_slices_make(&slices, events, NULL, NULL), CM_OK);
    CHECK_INT(cm_scene_base_create(&base, layers, 3, proj, style, gaz, events, bbox, 800, 600),
              CM_OK);
    /* The first slice, and the last (Hadrut claimed: a hatched area). */
    cm_scene *scene = NULL, *next = NULL;
    size_t n = cm_slices_count(slices);
    CHECK_INT(cm_scene_layout(&scene, base, cm_slices_get(slices, 0), NULL), CM_OK);
    check_same(scene, base, 1);
    for (size_t i = 1; scene && i < n; i++) {
        CHECK_INT(cm_scene_layout(&next, base, cm_slices_get(slices, i), scene), CM_OK);
        cm_scene_destroy(scene);
        scene = next;
    }
    check_same(scene, base, 1);
    check_same(scene, base, 2);
    cm_scene_destroy(scene);
    cm_scene_base_destroy(base);
    cm_slices_destroy(slices);
    cm_projection_destroy(proj);
    cm_style_destroy(style);
    for (int k = 0; k < 3; k++)
        cm_layer_destroy(layers[k]);
    cm_events_destroy(events);
    cm_gazetteer_destroy(gaz);
    return check_result("test_draw");
}
