/* Golden images: each tests/golden/<case>/case.json names an events file and
 * how to render one slice of it; the PNG must match expected-<W>x<H>@<scale>.png
 * within tests/golden/tolerance.h. A failure writes actual.png and diff.png to
 * the build folder; a missing reference fails. CM_UPDATE_GOLDEN=1 rewrites the
 * references (look at them before committing). A case reads the curated
 * gazetteer alone, or with "gazetteer": "world" the world database the command
 * ships (gazetteer/world.sqlite, made by gazetteer/make-world-db), as an
 * example named by place anywhere needs. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "check.h"
#include "tree.h"
#include "conflictmap/conflictmap.h"
#include "../golden/tolerance.h"

#include <cairo.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define GOLDEN_DIR CM_SOURCE_DIR "/tests/golden"

static const char *const gazetteers[] = { CM_SOURCE_DIR "/gazetteer/caucasus.tsv" };
static const char *const world[] = { CM_SOURCE_DIR "/gazetteer/world.sqlite" };
static const char *const shapes[] = { CM_SOURCE_DIR "/shapes" };

typedef struct golden_case {
    char name[256], events[2048], style[64], lang[8];
    cm_time at[2];           /* the slice before (what is "new" is new since it), the slice */
    int width, height;
    double scale;
    int is_world;            /* the world database, not the curated file */
} golden_case;

static int
read_case(const char *name, golden_case *c)
{
    char path[1024];
    json_error_t err;
    snprintf(path, sizeof(path), GOLDEN_DIR "/%.200s/case.json", name);
    json_t *j = json_load_file(path, 0, &err);
    const char *events = json_string_value(json_object_get(j, "events"));
    const char *at = json_string_value(json_object_get(j, "at"));
    const char *after = json_string_value(json_object_get(j, "after"));
    if (!j || !events || !at || !after || cm_time_parse(after, &c->at[0]) ||
        cm_time_parse(at, &c->at[1])) {
        fprintf(stderr, "%s: needs \"events\", \"after\" and \"at\"\n", path);
        json_decref(j);
        return 0;
    }
    snprintf(c->name, sizeof(c->name), "%.200s", name);
    snprintf(c->events, sizeof(c->events), GOLDEN_DIR "/%.200s/%.1000s", name, events);
    json_t *style = json_object_get(j, "style"), *lang = json_object_get(j, "lang");
    const char *gaz = json_string_value(json_object_get(j, "gazetteer"));
    c->is_world = gaz && strcmp(gaz, "world") == 0;
    snprintf(c->style, sizeof(c->style), "%s", style ? json_string_value(style) : "light");
    snprintf(c->lang, sizeof(c->lang), "%s", lang ? json_string_value(lang) : "en");
    c->width = json_object_get(j, "width") ? (int)json_integer_value(json_object_get(j, "width")) : 1600;
    c->height = json_object_get(j, "height") ? (int)json_integer_value(json_object_get(j, "height")) : 1200;
    c->scale = json_object_get(j, "scale") ? json_number_value(json_object_get(j, "scale")) : 1;
    json_decref(j);
    return 1;
}

static int
render_case(const golden_case *c, const char *out_dir, char *png, size_t size)
{
    cm_render_options o = { 0 };
    o.events_path = c->events;
    o.out_dir = out_dir;
    o.formats = CM_FORMAT_PNG;
    o.style = c->style;
    o.lang = c->lang;
    o.shapes = shapes;
    o.n_shapes = 1;
    o.gazetteers = c->is_world ? world : gazetteers;
    o.n_gazetteers = 1;
    o.no_shipped_data = 1;   /* these files only, whatever is installed */
    o.slicing.at = c->at;
    o.slicing.n_at = 2;
    o.width_px = c->width;
    o.height_px = c->height;
    o.scale = c->scale;
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = cm_render(&o, diags, NULL);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s: %s\n", c->name, cm_diag_text(diags, i));
    cm_diag_list_destroy(diags);
    char stamp[CM_TIME_BUF], stem[2048];
    const char *base = strrchr(c->events, '/');
    snprintf(stem, sizeof(stem), "%s", base ? base + 1 : c->events);
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = '\0';
    snprintf(png, size, "%.500s/%.1000s-%s.png", out_dir, stem,
             cm_time_format_stamp(c->at[1], stamp));
    return st == CM_OK;
}

/* Counts differing pixels and paints them red in @diff (the rest faded). */
static long
compare(cairo_surface_t *a, cairo_surface_t *b, cairo_surface_t *diff)
{
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    int sd = cairo_image_surface_get_stride(diff);
    unsigned char *pa = cairo_image_surface_get_data(a), *pb = cairo_image_surface_get_data(b);
    unsigned char *pd = cairo_image_surface_get_data(diff);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const unsigned char *ca = pa + y * sa + 4 * x, *cb = pb + y * sb + 4 * x;
            unsigned char *cd = pd + y * sd + 4 * x;
            int off = 0;
            for (int k = 0; k < 4; k++)
                off |= abs(ca[k] - cb[k]) > CM_GOLDEN_CHANNEL_TOLERANCE;
            n += off;
            cd[0] = off ? 0 : (unsigned char)(ca[0] / 4 + 191);
            cd[1] = off ? 0 : (unsigned char)(ca[1] / 4 + 191);
            cd[2] = off ? 255 : (unsigned char)(ca[2] / 4 + 191);
            cd[3] = 255;
        }
    cairo_surface_mark_dirty(diff);
    return n;
}

static void
check_case(const golden_case *c)
{
    char out_dir[512], png[4096], expected[1024], path[1024];
    snprintf(out_dir, sizeof(out_dir), "golden-%.200s", c->name);
    /* a fresh folder: a run would keep the maps of the last one whose scene
     * is the same, whatever the drawing code has become since */
    tree_remove(out_dir);
    mkdir(out_dir, 0777);
    snprintf(expected, sizeof(expected), GOLDEN_DIR "/%.200s/expected-%dx%d@%g.png", c->name,
             c->width, c->height, c->scale);
    if (!render_case(c, out_dir, png, sizeof(png))) {
        fprintf(stderr, "%s: did not render\n", c->name);
        check_failures++;
        return;
    }
    cairo_surface_t *actual = cairo_image_surface_create_from_png(png);
    if (getenv("CM_UPDATE_GOLDEN")) {
        cairo_surface_write_to_png(actual, expected);
        fprintf(stderr, "%s: wrote %s; look at it before committing\n", c->name, expected);
        cairo_surface_destroy(actual);
        return;
    }
    cairo_surface_t *want = cairo_image_surface_create_from_png(expected);
    if (cairo_surface_status(want) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "%s: no reference image %s (make one with CM_UPDATE_GOLDEN=1)\n",
                c->name, expected);
        check_failures++;
    } else if (cairo_image_surface_get_width(want) != cairo_image_surface_get_width(actual) ||
               cairo_image_surface_get_height(want) != cairo_image_surface_get_height(actual)) {
        fprintf(stderr, "%s: %dx%d, the reference is %dx%d\n", c->name,
                cairo_image_surface_get_width(actual), cairo_image_surface_get_height(actual),
                cairo_image_surface_get_width(want), cairo_image_surface_get_height(want));
        check_failures++;
    } else {
        cairo_surface_t *diff = cairo_image_surface_create(
            CAIRO_FORMAT_ARGB32, cairo_image_surface_get_width(actual),
            cairo_image_surface_get_height(actual));
        long n = compare(actual, want, diff);
        double share = (double)n / ((double)cairo_image_surface_get_width(actual) *
                                    cairo_image_surface_get_height(actual));
        fprintf(stderr, "%s: %ld pixels differ (%.4f%%)\n", c->name, n, 100 * share);
        if (share > CM_GOLDEN_MAX_DIFFERING_SHARE) {
            snprintf(path, sizeof(path), "%.500s/actual.png", out_dir);
            cairo_surface_write_to_png(actual, path);
            snprintf(path, sizeof(path), "%.500s/diff.png", out_dir);
            cairo_surface_write_to_png(diff, path);
            fprintf(stderr, "%s: more than %.2f%% differ; see %s/actual.png and diff.png\n",
                    c->name, 100 * CM_GOLDEN_MAX_DIFFERING_SHARE, out_dir);
            check_failures++;
        }
        cairo_surface_destroy(diff);
    }
    cairo_surface_destroy(want);
    cairo_surface_destroy(actual);
}

int
main(void)
{
    DIR *d = opendir(GOLDEN_DIR);
    struct dirent *de;
    size_t n = 0;
    while (d && (de = readdir(d))) {
        golden_case c;
        char path[1024];
        struct stat sb;
        snprintf(path, sizeof(path), GOLDEN_DIR "/%.200s/case.json", de->d_name);
        if (de->d_name[0] == '.' || stat(path, &sb) != 0)
            continue;
        if (!read_case(de->d_name, &c)) {
            check_failures++;
            continue;
        }
        check_case(&c);
        n++;
    }
    if (d)
        closedir(d);
    CHECK(n > 0);
    return check_result("test_golden");
}
