/* The whole pipeline on the seed example: one PNG and one SVG per distinct
 * event time, a manifest that agrees, and pixels that show the claims. */
#include "check.h"
#include "fixture.h"
#include "conflictmap/conflictmap.h"

#include <cairo.h>
#include <dirent.h>
#include <dlfcn.h>
#include <jansson.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXAMPLE CM_SOURCE_DIR "/examples/karabakh-2020-10-09.json"

static const char *const shipped_gazetteer[] = { CM_SOURCE_DIR "/gazetteer/caucasus.tsv" };
static const char *const shipped_shapes[] = { CM_SOURCE_DIR "/shapes" };

static size_t
count_files(const char *dir, const char *suffix)
{
    size_t n = 0, k = strlen(suffix);
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        n += len > k && strcmp(de->d_name + len - k, suffix) == 0;
    }
    if (d)
        closedir(d);
    return n;
}

static void
remove_dir(const char *dir)
{
    char path[4096];
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (de->d_name[0] != '.') {
            snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

static cm_render_options
options(const char *out_dir)
{
    cm_render_options o = { 0 };
    o.events_path = EXAMPLE;
    o.out_dir = out_dir;
    o.formats = CM_FORMAT_PNG | CM_FORMAT_SVG;
    o.shapes = shipped_shapes;
    o.n_shapes = 1;
    o.gazetteers = shipped_gazetteer;
    o.n_gazetteers = 1;
    o.no_shipped_data = 1;   /* these files only, whatever is installed */
    o.width_px = 1600;
    o.height_px = 1200;
    o.scale = 1;
    return o;
}

/* The pixel's colour, 0..255 per channel, from a cairo ARGB32 image. */
static void
pixel(cairo_surface_t *img, int x, int y, int rgb[3])
{
    const unsigned char *data = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    uint32_t px = *(const uint32_t *)(data + y * stride + x * 4);
    rgb[0] = (int)(px >> 16 & 0xFF);
    rgb[1] = (int)(px >> 8 & 0xFF);
    rgb[2] = (int)(px & 0xFF);
}

static int
near_color(const int rgb[3], int r, int g, int b, int tol)
{
    return abs(rgb[0] - r) <= tol && abs(rgb[1] - g) <= tol && abs(rgb[2] - b) <= tol;
}

static json_t *
slice_at(json_t *manifest, const char *time)
{
    json_t *slices = json_object_get(manifest, "slices"), *s;
    size_t i;
    json_array_foreach(slices, i, s)
        if (strcmp(json_string_value(json_object_get(s, "time")), time) == 0)
            return s;
    return NULL;
}

/* A claimed capture is a hollow marker: at the event's position in the PNG
 * the centre is white and the ring around it is Azerbaijan's blue (#2b6cb0).
 * Hadrut at 13:35 ("Hadrud" in the blog), Chayli at 15:15. */
static void
check_claimed_marker(const char *dir, json_t *manifest, const char *time, const char *id)
{
    char path[4096];
    json_t *s = slice_at(manifest, time);
    CHECK(s != NULL);
    if (!s)
        return;
    json_t *pos = json_object_get(json_object_get(s, "positions"), id);
    CHECK(json_array_size(pos) == 2);
    if (json_array_size(pos) != 2)
        return;
    double x = json_number_value(json_array_get(pos, 0));
    double y = json_number_value(json_array_get(pos, 1));
    snprintf(path, sizeof(path), "%s/%s", dir,
             json_string_value(json_object_get(json_object_get(s, "files"), "png")));
    cairo_surface_t *img = cairo_image_surface_create_from_png(path);
    CHECK_INT(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    CHECK_INT(cairo_image_surface_get_width(img), 1600);
    CHECK_INT(cairo_image_surface_get_height(img), 1200);
    int rgb[3], blue = 0;
    pixel(img, (int)(x + 0.5), (int)(y + 0.5), rgb);
    CHECK(near_color(rgb, 255, 255, 255, 8));
    for (int dx = -8; dx <= 8; dx++)
        for (int dy = -8; dy <= 8; dy++) {
            pixel(img, (int)(x + 0.5) + dx, (int)(y + 0.5) + dy, rgb);
            blue += near_color(rgb, 0x2b, 0x6c, 0xb0, 12);
        }
    if (blue < 20)
        fprintf(stderr, "only %d pixels of Azerbaijan's blue around %s (%.1f, %.1f)\n",
                blue, id, x, y);
    CHECK(blue >= 20);
    cairo_surface_destroy(img);
}

static void
check_manifest(const char *dir, size_t n_slices)
{
    char path[4096];
    json_error_t err;
    snprintf(path, sizeof(path), "%s/manifest.json", dir);
    json_t *m = json_load_file(path, 0, &err);
    CHECK(m != NULL);
    if (!m)
        return;
    json_t *slices = json_object_get(m, "slices");
    CHECK_INT(json_array_size(slices), n_slices);
    json_t *first = json_array_get(slices, 0);
    CHECK_STR(json_string_value(json_object_get(first, "time")), "2020-10-09T07:25:00Z");
    CHECK_STR(json_string_value(json_object_get(json_object_get(first, "files"), "png")),
              "karabakh-2020-10-09-20201009T0725Z.png");
    CHECK_INT(json_array_size(json_object_get(first, "new_events")), 1);
    json_t *last = json_array_get(slices, json_array_size(slices) - 1);
    CHECK_INT(json_array_size(json_object_get(last, "events")), 35);
    CHECK_INT(json_object_size(json_object_get(last, "positions")), 35);
    /* Every event shown has a position inside the picture (edge markers too). */
    const char *id;
    json_t *xy;
    json_object_foreach(json_object_get(last, "positions"), id, xy) {
        double x = json_number_value(json_array_get(xy, 0));
        double y = json_number_value(json_array_get(xy, 1));
        if (!(x >= 0 && x <= 1600 && y >= 0 && y <= 1200)) {
            fprintf(stderr, "%s is at (%g, %g), outside the map\n", id, x, y);
            check_failures++;
        }
    }
    check_claimed_marker(dir, m, "2020-10-09T13:35:00Z", "hadrud-claimed");
    check_claimed_marker(dir, m, "2020-10-09T15:15:00Z", "chayli-claimed");
    json_decref(m);
}

static void
test_example(void)
{
    char dir[] = "render-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    cm_render_options o = options(dir);
    cm_render_result r = { 0 };
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = cm_render(&o, diags, &r);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
    CHECK_INT(st, CM_OK);
    CHECK_INT(cm_diag_error_count(diags), 0);
    CHECK_INT(r.n_slices, 23);   /* the blog's 23 distinct times */
    CHECK_INT(count_files(dir, ".png"), 23);
    CHECK_INT(count_files(dir, ".svg"), 23);
    CHECK_INT(count_files(dir, ".tmp"), 0);
    check_manifest(dir, 23);
    cm_diag_list_destroy(diags);
    remove_dir(dir);
}

/* 1 when GEOS is loaded in this process. */
static int
geos_loaded(void)
{
    void *lib = dlopen(CM_GEOS_SONAME, RTLD_NOW | RTLD_NOLOAD);
    if (lib)
        dlclose(lib);
    return lib != NULL;
}

/* GEOS is opened when a map has control areas, not by every run: a map
 * without any leaves it unloaded; the example, with initial_control, loads
 * it (src/geo/geos.h). Runs before any other render of this program. */
static void
test_geos_when_needed(void)
{
    CHECK_INT(geos_loaded(), 0);
    char dir[] = "render-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *events = fixture_write("no-areas", "{\"events\": [{\"time\": \"2020-10-09T15:15:00Z\", "
                                             "\"place\": \"Goranboy\"}]}");
    cm_render_options o = options(dir);
    o.events_path = events;
    o.formats = CM_FORMAT_PNG;
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_render(&o, diags, NULL), CM_OK);
    CHECK_INT(count_files(dir, ".png"), 1);
    CHECK_INT(geos_loaded(), 0);
    cm_diag_list_destroy(diags);
    unlink(events);
    free(events);
    remove_dir(dir);
    test_example();
    CHECK_INT(geos_loaded(), 1);
}

/* Invalid input writes nothing, not even the output folder's contents. */
static void
test_invalid_writes_nothing(void)
{
    char dir[] = "render-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    FILE *f = fopen("bad-events.json", "w");
    fputs("{\"events\": [{\"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Goranbay\"}]}", f);
    fclose(f);
    cm_render_options o = options(dir);
    o.events_path = "bad-events.json";
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_render(&o, diags, NULL), CM_ERR_INPUT);
    CHECK_STR(cm_diag_text(diags, 0), "bad-events.json:1:55: unknown place \"Goranbay\"; "
              "did you mean \"Goranboy\"?");
    CHECK_INT(count_files(dir, ""), 2);   /* . and .. */
    cm_diag_list_destroy(diags);
    unlink("bad-events.json");
    remove_dir(dir);
}

int
main(void)
{
    test_geos_when_needed();   /* and the example */
    test_invalid_writes_nothing();
    return check_result("test_render");
}
