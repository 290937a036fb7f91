/* Drawing: a PNG drawn over the cached ground (the water and the base map,
 * drawn once per run) has exactly the bytes of one drawn from scratch, at
 * scale 1 and 2, on slices with and without shaded areas. Labels drawn as
 * and markers drawn as sprites (src/draw/sprite.h) give the same pixels whatever
 * the cache held before, and a sprite is never reused for one that looks
 * different. The table of formats (src/draw/format.h) lists each format once,
 * those drawn per slice first, each with a way to draw it. */
#include "check.h"
#include "fixture.h"
#include "conflictmap/conflictmap.h"
#include "draw/draw.h"
#include "draw/format.h"
#include "layout/scene.h"
#include "draw/sprite.h"

#include <math.h>
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
    /* the PNG writer takes the ground's word for the map's opacity */
    CHECK_INT(cm_draw_cache_opaque(cache), 1);
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

/* @scene's pixels at scale 1 (the caller frees them), or NULL. */
static unsigned char *
raster(const cm_scene *scene, size_t *n)
{
    cairo_surface_t *s = NULL;
    unsigned char *copy = NULL;
    *n = 0;
    if (cm_draw_raster(scene, 1, &s) != CM_OK)
        return NULL;
    *n = (size_t)cairo_image_surface_get_stride(s) * (size_t)cairo_image_surface_get_height(s);
    copy = malloc(*n);
    if (copy)
        memcpy(copy, cairo_image_surface_get_data(s), *n);
    cairo_surface_destroy(s);
    return copy;
}

static int
same_pixels(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
    return a && b && na == nb && memcmp(a, b, na) == 0;
}

/* @first and @last drawn in either order, and each with an empty cache,
 * give the same pixels. */
static void
check_order(const cm_scene *first, const cm_scene *last)
{
    size_t n1, n2, n3, n4;
    cm_sprite_release();
    unsigned char *a = raster(first, &n1), *b = raster(last, &n2);
    cm_sprite_release();
    unsigned char *c = raster(last, &n3), *d = raster(first, &n4);
    CHECK(n1 > 0 && !same_pixels(a, n1, b, n2));
    CHECK(same_pixels(a, n1, d, n4));
    CHECK(same_pixels(b, n2, c, n3));
    free(a);
    free(b);
    free(c);
    free(d);
}

/* The scene's pixels differ from @before (@what's change @change shows). */
static void
expect_changed(const cm_scene *scene, const unsigned char *before, size_t n0, const char *what,
               int change)
{
    size_t n;
    unsigned char *changed = raster(scene, &n);
    if (same_pixels(before, n0, changed, n))
        fprintf(stderr, "test_draw: change %d of a %s left its pixels alone\n", change, what);
    CHECK(changed && !same_pixels(before, n0, changed, n));
    free(changed);
}

/* The scene's pixels are @before again. */
static void
expect_same(const cm_scene *scene, const unsigned char *before, size_t n0)
{
    size_t n;
    unsigned char *again = raster(scene, &n);
    CHECK(same_pixels(before, n0, again, n));
    free(again);
}

/* Events without areas: markers come and go (an "end"), labels with them,
 * the "New at" box changes every slice. */
static const char seq_events[] =
    "{\"title\": \"Sequence\", \"events\": ["
    "{\"time\": \"2020-10-09T08:00:00Z\", \"place\": \"Ganja\", \"kind\": \"strike\","
    " \"end\": \"2020-10-09T10:00:00Z\"},"
    "{\"time\": \"2020-10-09T09:00:00Z\", \"place\": \"Barda\", \"kind\": \"strike\","
    " \"status\": \"confirmed\"},"
    "{\"time\": \"2020-10-09T10:30:00Z\", \"place\": \"Tartar\", \"kind\": \"clash\","
    " \"status\": \"claimed\", \"end\": \"2020-10-09T12:30:00Z\"},"
    "{\"time\": \"2020-10-09T11:00:00Z\", \"place\": \"Goranboy\", \"kind\": \"strike\"},"
    "{\"time\": \"2020-10-09T12:00:00Z\", \"place\": \"Mingachevir\", \"kind\": \"statement\"},"
    "{\"time\": \"2020-10-09T13:00:00Z\", \"place\": \"Yevlakh\", \"kind\": \"clash\"}]}";

/* Markers drawn over each other: the one at 09:00 is new (with its glow) at
 * 09:00 and not at 10:00, while the one under it, from 08:00, is the same in
 * both: a slice that draws only what changed (draw.c) must put back what the
 * glow covered of the one under it. */
static const char overlap_events[] =
    "{\"title\": \"Overlap\", \"events\": ["
    "{\"time\": \"2020-10-09T08:00:00Z\", \"lon\": 47.0, \"lat\": 40.3, \"kind\": \"strike\"},"
    "{\"time\": \"2020-10-09T09:00:00Z\", \"lon\": 47.02, \"lat\": 40.31, \"kind\": \"clash\"},"
    "{\"time\": \"2020-10-09T10:00:00Z\", \"lon\": 45.5, \"lat\": 39.6, \"kind\": \"strike\"},"
    "{\"time\": \"2020-10-09T11:00:00Z\", \"lon\": 46.9, \"lat\": 40.28, \"kind\": \"clash\"},"
    "{\"time\": \"2020-10-09T12:00:00Z\", \"lon\": 45.6, \"lat\": 39.5, \"kind\": \"statement\"},"
    "{\"time\": \"2020-10-09T13:00:00Z\", \"lon\": 47.01, \"lat\": 40.29, \"kind\": \"strike\"}]}";

/* Areas made up for slice @i, as a control layer whose front moves every
 * slice gives them (layout/control.c): each side's area, west and east of a
 * front line that wiggles along its whole length and moves east, the area
 * gained since the slice before between the two fronts, the front line; a
 * contested area (a dashed edge) that moves down at slice 4, a claimed one
 * (hatched) one corner of which moves at slice 5, and none of them at slice 2
 * (the sea drawn over them is not drawn again). A slice drawn over the one
 * before draws them again only in the rows where they differ (draw.c's
 * areas_changed). */
enum { FRONT_POINTS = 41, MAX_SYNTH = 7 };
static double synth_xy[MAX_SYNTH][2 * (2 * FRONT_POINTS + 4)];
static size_t synth_parts[MAX_SYNTH][2];
static cm_scene_path synth_path[MAX_SYNTH];

static double
front_x(size_t slice, int t)
{
    return 380 + 25 * sin(t * 0.5 + (double)slice) + 8 * (double)slice;
}

static const cm_scene_path *
synth(int k, const double *xy, size_t n, int polygon)
{
    memcpy(synth_xy[k], xy, 2 * n * sizeof(double));
    synth_parts[k][0] = 0;
    synth_parts[k][1] = n;
    synth_path[k] = (cm_scene_path){ .xy = synth_xy[k], .part_start = synth_parts[k],
                                     .n_points = n, .n_parts = 1, .is_polygon = polygon };
    return &synth_path[k];
}

static void
make_areas(cm_scene *sc, size_t i)
{
    double west[2 * (FRONT_POINTS + 2)], east[2 * (FRONT_POINTS + 2)];
    double gained[4 * FRONT_POINTS], line[2 * FRONT_POINTS];
    for (int t = 0; t < FRONT_POINTS; t++) {
        double y = 120 + 4 * t;
        west[2 * t] = line[2 * t] = front_x(i, t);
        west[2 * t + 1] = line[2 * t + 1] = y;
        east[2 * (FRONT_POINTS - 1 - t)] = front_x(i, t);
        east[2 * (FRONT_POINTS - 1 - t) + 1] = y;
        gained[2 * t] = i ? front_x(i - 1, t) : 0;
        gained[2 * t + 1] = y;
        gained[2 * (2 * FRONT_POINTS - 1 - t)] = front_x(i, t);
        gained[2 * (2 * FRONT_POINTS - 1 - t) + 1] = y;
    }
    memcpy(west + 2 * FRONT_POINTS, (double[]){ 150, 280, 150, 120 }, 4 * sizeof(double));
    memcpy(east + 2 * FRONT_POINTS, (double[]){ 650, 120, 650, 280 }, 4 * sizeof(double));
    double dy = i >= 4 ? 30 : 0, corner = i >= 5 ? 40 : 0;   /* rows it leaves, rows it takes */
    double contested[8] = { 200, 390 + dy, 260, 390 + dy, 260, 440 + dy, 200, 440 + dy };
    double claimed[6] = { 560, 140, 640 + corner, 150, 600, 230 };
    cm_rgba am = { 0.2, 0.4, 0.8, 0.28 }, az = { 0.8, 0.3, 0.2, 0.28 };
    free(sc->areas);
    sc->areas = calloc(MAX_SYNTH, sizeof(*sc->areas));
    sc->n_areas = sc->cap_areas = 0;
    if (!sc->areas || i == 2)
        return;
    sc->cap_areas = MAX_SYNTH;
    cm_scene_area *a = sc->areas;
    size_t n = 0;
    a[n++] = (cm_scene_area){ .own = synth(0, west, FRONT_POINTS + 2, 1), .color = am };
    a[n++] = (cm_scene_area){ .own = synth(1, east, FRONT_POINTS + 2, 1), .color = az };
    a[n++] = (cm_scene_area){ .own = synth(2, contested, 4, 1), .color = az, .is_contested = 1 };
    a[n++] = (cm_scene_area){ .own = synth(3, claimed, 3, 1), .color = am, .is_claimed = 1 };
    if (i)
        a[n++] = (cm_scene_area){ .own = synth(4, gained, 2 * FRONT_POINTS, 1), .color = am,
                                  .is_gained = 1 };
    a[n++] = (cm_scene_area){ .own = synth(5, line, FRONT_POINTS, 0),
                              .color = { 0.1, 0.1, 0.1, 0.85 }, .is_front = 1 };
    sc->n_areas = n;
}

/* Areas as make_areas', but from slice to slice the front moves along one
 * stretch only (a fifth of it, each time another), as analysts' daily
 * layers do: the rows drawn again meet a short stretch of the areas' long
 * outlines, and draw.c leaves the rest of their points out there
 * (trace_path_rows), which must not change a pixel of those rows. */
static double
local_x(size_t slice, int t)
{
    double x = 380 + 25 * sin(t * 0.5);
    for (size_t k = 1; k <= slice; k++)
        if (t >= (int)(k * 7 % 33) && t < (int)(k * 7 % 33) + 8)
            x += k % 2 ? 14 : -9;
    return x;
}

static void
make_local_areas(cm_scene *sc, size_t i)
{
    make_areas(sc, i);   /* then its front moved: synth_xy as make_areas wrote them */
    if (!sc->n_areas)
        return;
    for (int t = 0; t < FRONT_POINTS; t++) {
        synth_xy[0][2 * t] = synth_xy[5][2 * t] = local_x(i, t);     /* west, the front */
        synth_xy[1][2 * (FRONT_POINTS - 1 - t)] = local_x(i, t);     /* east */
        if (i) {                                                      /* what was gained */
            synth_xy[4][2 * t] = local_x(i - 1, t);
            synth_xy[4][2 * (2 * FRONT_POINTS - 1 - t)] = local_x(i, t);
        }
    }
}

/* Every slice of @events drawn in turn over one cache for each of @n_scales
 * scales, the scales taking turns as in an HTML run (each slice restores only
 * what the one before of its size drew, and the PNG writer reads only where
 * the two drew), has exactly the bytes of the same slice drawn from scratch. */
static void
check_sequence(const cm_events *events, cm_layer **layers, const cm_projection *proj,
               const cm_style *style, const cm_gazetteer *gaz, const double bbox[4],
               const double *scales, int n_scales, void (*areas)(cm_scene *, size_t))
{
    cm_slices *slices = NULL;
    cm_scene_base *base = NULL;
    cm_draw_cache *cache[2] = { NULL, NULL };
    char path[64];
    CHECK_INT(cm_slices_make(&slices, events, NULL, NULL), CM_OK);
    CHECK_INT(cm_scene_base_create(&base, layers, 3, proj, style, gaz, events, bbox, 800, 600),
              CM_OK);
    for (int k = 0; k < n_scales && k < 2; k++)
        CHECK_INT(cm_draw_cache_create(&cache[k], base, scales[k]), CM_OK);
    size_t n = slices ? cm_slices_count(slices) : 0;
    CHECK(n >= 5);
    for (int pass = 0; pass < 2; pass++) {   /* over the caches in turn, then each alone */
        cm_scene *prev = NULL, *scene = NULL;
        for (size_t i = 0; i < n; i++) {
            CHECK_INT(cm_scene_layout(&scene, base, cm_slices_get(slices, i), prev), CM_OK);
            if (areas && scene)
                areas(scene, i);
            for (int k = 0; k < n_scales && k < 2; k++) {
                snprintf(path, sizeof(path), "seq-%d-%d-%zu.png", pass, k, i);
                if (pass == 0)
                    CHECK_INT(cm_draw_cached(scene, cache[k], CM_FORMAT_PNG, scales[k], 0, path,
                                             NULL), CM_OK);
                else
                    CHECK_INT(cm_draw(scene, CM_FORMAT_PNG, scales[k], 0, path, NULL), CM_OK);
            }
            cm_scene_destroy(prev);
            prev = scene;
        }
        cm_scene_destroy(prev);
    }
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < n_scales && k < 2; k++) {
            size_t na = 0, nb = 0;
            char other[64];
            snprintf(path, sizeof(path), "seq-0-%d-%zu.png", k, i);
            snprintf(other, sizeof(other), "seq-1-%d-%zu.png", k, i);
            unsigned char *a = read_all(path, &na), *b = read_all(other, &nb);
            if (!(a && b && na == nb && memcmp(a, b, na) == 0))
                fprintf(stderr, "test_draw: slice %zu of %zu at scale %g: over the cache in "
                        "turn %zu bytes, alone %zu, not the same\n", i, n, scales[k], na, nb);
            CHECK(a && b && na > 1000 && na == nb && memcmp(a, b, na) == 0);
            free(a);
            free(b);
            unlink(path);
            unlink(other);
        }
    for (int k = 0; k < 2; k++)
        cm_draw_cache_destroy(cache[k]);
    cm_scene_base_destroy(base);
    cm_slices_destroy(slices);
}

/* A slice whose areas alone change, drawn over the one before: the ground is
 * put back, and the PNG writer told to look, only within the columns of the
 * areas that reach the rows that changed (draw.c's band_over), not across
 * the whole map. */
static void
check_band_columns(const cm_events *events, cm_layer **layers, const cm_projection *proj,
                   const cm_style *style, const cm_gazetteer *gaz, const double bbox[4])
{
    cm_slices *slices = NULL;
    cm_scene_base *base = NULL;
    cm_draw_cache *cache = NULL;
    cm_scene *scene = NULL;
    CHECK_INT(cm_slices_make(&slices, events, NULL, NULL), CM_OK);
    CHECK_INT(cm_scene_base_create(&base, layers, 3, proj, style, gaz, events, bbox, 800, 600),
              CM_OK);
    CHECK_INT(cm_draw_cache_create(&cache, base, 1), CM_OK);
    CHECK_INT(cm_scene_layout(&scene, base, cm_slices_get(slices, 1), NULL), CM_OK);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 800, 600);
    if (!scene || !cache) {
        CHECK(0);
    } else {
        make_areas(scene, 1);
        CHECK_INT(cm_draw_surface(s, scene, 1, cache), CM_OK);
        make_areas(scene, 3);   /* the front moved east, and what was gained with it */
        CHECK_INT(cm_draw_surface(s, scene, 1, cache), CM_OK);
        cm_png_changes ch;
        CHECK_INT(cm_draw_surface_changes(s, &ch), 1);
        CHECK(ch.n_rects > 0);
        int west = 800, east = 0;
        for (size_t i = 0; i < ch.n_rects; i++) {
            west = ch.rects[i][0] < west ? ch.rects[i][0] : west;
            east = ch.rects[i][2] > east ? ch.rects[i][2] : east;
        }
        /* the areas lie within x 150..650 (make_areas); their lines, and the
         * labels over them drawn again whole, a little more; the map is 800 */
        if (!(west >= 100 && east <= 700))
            fprintf(stderr, "test_draw: the areas' changes reach x %d..%d\n", west, east);
        CHECK(west >= 100 && east <= 700);
    }
    cairo_surface_destroy(s);
    cm_scene_destroy(scene);
    cm_draw_cache_destroy(cache);
    cm_scene_base_destroy(base);
    cm_slices_destroy(slices);
}

/* Changing any one thing a label's look depends on changes the pixels (the
 * old sprite is not reused), and changing it back gives the first pixels. */
static void
check_sprite_keys(cm_scene *scene)
{
    size_t n0;
    cm_scene_label *lb = NULL;
    for (size_t i = 0; i < scene->n_labels && !lb; i++)
        if (scene->labels[i].has_halo && strlen(scene->labels[i].text) >= 4)
            lb = &scene->labels[i];
    CHECK(lb != NULL);
    if (!lb)
        return;
    unsigned char *before = raster(scene, &n0);
    cm_scene_label keep = *lb;
    char *text = strdup(lb->text);
    for (int change = 0; change < 8; change++) {
        switch (change) {
        case 0: lb->color = (cm_rgba){ 0.9, 0.1, 0.1, 1 }; break;
        case 1: lb->halo = (cm_rgba){ 0.1, 0.9, 0.1, 1 }; break;
        case 2: lb->size_px += 3; break;
        case 3: lb->bold = !lb->bold; break;
        case 4: lb->italic = !lb->italic; break;
        case 5: lb->has_halo = 0; break;
        case 6: lb->text[0] = lb->text[0] == 'X' ? 'Y' : 'X'; break;
        case 7: lb->x += 0.5; break;   /* cairo 1.16 sets glyphs on whole pixels */
        }
        expect_changed(scene, before, n0, "label", change);
        strcpy(lb->text, text);
        char *owned = lb->text;
        *lb = keep;
        lb->text = owned;
        expect_same(scene, before, n0);
    }
    free(text);
    free(before);
}

/* The same for a marker on the map. */
static void
check_marker_keys(cm_scene *scene)
{
    size_t n0;
    cm_scene_marker *m = NULL;
    for (size_t i = 0; i < scene->n_markers && !m; i++)
        if (scene->markers[i].group == CM_GROUP_EVENTS && !scene->markers[i].is_offmap &&
            scene->markers[i].symbol != CM_SYM_LINE)
            m = &scene->markers[i];
    CHECK(m != NULL);
    if (!m)
        return;
    unsigned char *before = raster(scene, &n0);
    cm_scene_marker keep = *m;
    for (int change = 0; change < 8; change++) {
        switch (change) {
        case 0: m->fill = (cm_rgba){ 0.1, 0.8, 0.1, 1 }; break;
        case 1: m->stroke = (cm_rgba){ 0.8, 0.1, 0.8, 1 }; break;
        case 2: m->r += 2; break;
        case 3: m->symbol = m->symbol == CM_SYM_SQUARE ? CM_SYM_CIRCLE : CM_SYM_SQUARE; break;
        case 4: m->is_new = !m->is_new; break;
        case 5: m->uncertainty_px = m->uncertainty_px > 0 ? 0 : 20; break;
        case 6: m->stroke_px += 1.5; break;
        case 7: m->y += 0.3; break;
        }
        expect_changed(scene, before, n0, "marker", change);
        *m = keep;
        expect_same(scene, before, n0);
    }
    free(before);
}

/* The table's order is what render.c counts on: the per-slice formats
 * first (a hash and a size each per slice), and the animations it counts. */
static void
check_formats(void)
{
    static const struct { cm_format format; const char *ext; } want[] = {
        { CM_FORMAT_PNG, "png" }, { CM_FORMAT_SVG, "svg" }, { CM_FORMAT_PDF, "pdf" },
        { CM_FORMAT_HTML, "html" }, { CM_FORMAT_SVG_OUTLINES, "svg" },
        { CM_FORMAT_GIF, "gif" }, { CM_FORMAT_MP4, "mp4" },
    };
    size_t n_timeline = 0;
    unsigned seen = 0;
    CHECK_INT(sizeof(want) / sizeof(want[0]), CM_N_FORMATS);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK_STR(cm_format_extension(want[i].format), want[i].ext);
    CHECK_STR(cm_format_extension((cm_format)0), "bin");
    CHECK_STR(cm_format_extension(CM_FORMAT_PNG | CM_FORMAT_SVG), "bin");
    for (size_t i = 0; i < CM_N_FORMATS; i++) {
        const cm_format_info *f = &cm_formats[i];
        int per_slice = f->made == CM_MADE_PER_SLICE;
        CHECK_INT(per_slice, i < CM_N_SLICE_FORMATS);
        int through_cairo = f->surface && f->write && !f->draw;
        int own_writer = !f->surface && !f->write && f->draw;
        CHECK_INT(per_slice, through_cairo || own_writer);
        CHECK_INT(seen & f->format, 0);
        CHECK(cm_format_info_of(f->format) == f);
        seen |= f->format;
        n_timeline += f->made == CM_MADE_TIMELINE;
    }
    CHECK_INT(n_timeline, CM_N_TIMELINE_FORMATS);
    CHECK_INT(cm_formats_made(CM_MADE_TIMELINE), CM_FORMAT_GIF | CM_FORMAT_MP4);
    CHECK_INT(cm_formats_needed(CM_FORMAT_HTML), CM_FORMAT_HTML | CM_FORMAT_PNG);
    CHECK_INT(cm_formats_needed(CM_FORMAT_SVG), CM_FORMAT_SVG);
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
    CHECK_INT(cm_projection_create(&proj, "auto", NULL, bbox, rect, NULL), CM_OK);
    CHECK_INT(cm_slices_make(&slices, events, NULL, NULL), CM_OK);
    CHECK_INT(cm_scene_base_create(&base, layers, 3, proj, style, gaz, events, bbox, 800, 600),
              CM_OK);
    /* The first slice, and the last (Hadrut claimed: a hatched area). */
    cm_scene *scene = NULL, *next = NULL;
    size_t n = cm_slices_count(slices);
    cm_scene *first = NULL;
    CHECK_INT(cm_scene_layout(&first, base, cm_slices_get(slices, 0), NULL), CM_OK);
    check_same(first, base, 1);
    scene = first;
    for (size_t i = 1; scene && i < n; i++) {
        CHECK_INT(cm_scene_layout(&next, base, cm_slices_get(slices, i), scene), CM_OK);
        if (scene != first)
            cm_scene_destroy(scene);
        scene = next;
    }
    check_same(scene, base, 1);
    check_same(scene, base, 2);
    check_order(first, scene);
    check_sprite_keys(scene);
    check_marker_keys(scene);
    check_formats();
    /* in turn over one cache, with shaded areas (the example) and without */
    static const double one[1] = { 1 }, both[2] = { 1, 2 };
    check_sequence(events, layers, proj, style, gaz, bbox, one, 1, NULL);
    cm_events *plain = NULL;
    char *seq_path = fixture_write("seq-events", seq_events);
    CHECK_INT(cm_events_load(&plain, seq_path, gaz, NULL), CM_OK);
    if (plain) {
        check_sequence(plain, layers, proj, style, gaz, bbox, one, 1, NULL);
        check_sequence(plain, layers, proj, style, gaz, bbox, both, 2, NULL);   /* taking turns */
        check_sequence(plain, layers, proj, style, gaz, bbox, both, 2, make_areas);
        check_sequence(plain, layers, proj, style, gaz, bbox, both, 2, make_local_areas);
        check_band_columns(plain, layers, proj, style, gaz, bbox);
    }
    cm_events_destroy(plain);
    unlink(seq_path);
    free(seq_path);
    cm_events *overlap = NULL;
    char *overlap_path = fixture_write("overlap-events", overlap_events);
    CHECK_INT(cm_events_load(&overlap, overlap_path, gaz, NULL), CM_OK);
    if (overlap)
        check_sequence(overlap, layers, proj, style, gaz, bbox, both, 2, NULL);
    cm_events_destroy(overlap);
    unlink(overlap_path);
    free(overlap_path);
    cm_sprite_release();
    cm_scene_destroy(first);
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
