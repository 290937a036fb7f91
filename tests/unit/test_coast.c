/* The fine coast (src/layout/coast.c, shapes/land.shp from shapes/make-coasts):
 * the tiles are built and a map of Gaza reads only those near it; on that
 * map the sea is sea and the land is land where OpenStreetMap's coast says
 * so, at points where Natural Earth's generalised coast is off by over 300 m,
 * also when the Gaza Strip is shaded as held by a side. */
#include "check.h"
#include "conflictmap/conflictmap.h"
#include "geo/extent.h"

#include <cairo.h>
#include <dirent.h>
#include <shapefil.h>
#include <stdlib.h>
#include <sys/stat.h>

#define LAND CM_SOURCE_DIR "/shapes/land.shp"
#define WATER CM_SOURCE_DIR "/shapes/water.shp"

static const double gaza[4] = { 34.2, 31.2, 34.6, 31.6 };

static int
n_records(const char *path)
{
    SHPHandle shp = SHPOpen(path, "rb");
    int n = -1, type = -1;
    if (!shp) {
        fprintf(stderr, "%s is not built: run shapes/make-coasts --tool build/cm_tile_layer\n", path);
        return -1;
    }
    SHPGetInfo(shp, &n, &type, NULL, NULL);
    SHPClose(shp);
    return type == SHPT_POLYGON ? n : -1;
}

/* The tiles are there, a world of them: about 25,000 of land, 11,000 of water. */
static void
test_tiles_built(void)
{
    CHECK(n_records(LAND) > 20000);
    CHECK(n_records(WATER) > 10000);
}

/* A map of Gaza reads the land within its near extent (33.8..35.0 E,
 * 30.8..32.0 N: whole degrees 33 to 35 and 30 to 32, at most nine tiles), and
 * leaves every other record unread: not Eurasia whole, not Africa. */
static void
test_reads_near(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *land = NULL;
    double near[4];
    cm_extent_near(gaza, 1600, 1200, near);
    CHECK_INT(cm_layer_load_within(&land, LAND, NULL, near, diags), CM_OK);
    if (!land) {
        cm_diag_list_destroy(diags);
        return;
    }
    size_t n = cm_layer_n_shapes(land);
    CHECK(n >= 2 && n <= 9);
    CHECK_INT(n + cm_layer_n_unread(land), n_records(LAND));
    CHECK_STR(cm_layer_role(land), "land");
    double box[4];
    CHECK(cm_layer_bbox(land, box));
    CHECK(box[0] >= 33 && box[1] >= 30 && box[2] <= 36 && box[3] <= 33);
    CHECK_STR(cm_shape_attr(cm_layer_shape(land, 0), "credit"), "\xc2\xa9 OpenStreetMap contributors");
    cm_layer_destroy(land);
    cm_diag_list_destroy(diags);
}

/* ---- a map of Gaza -------------------------------------------------------------------- */

/* A map of @bbox named @name with one event at (@lon, @lat); @held: the
 * event is a control change of the region Gaza Strip, whose area is shaded
 * in the side's colour. The PNG's path into @png. */
static int
render_map(const char *name, const double *bbox, double lon, double lat, int held, char *png,
           size_t size)
{
    static const char *const shapes[] = { CM_SOURCE_DIR "/shapes" };
    char events[64];
    snprintf(events, sizeof events, "coast-%s.json", name);
    FILE *f = fopen(events, "w");
    if (!f)
        return 0;
    fprintf(f, "{ \"title\": \"%s\", \"sides\": { \"a\": { \"name\": \"A\" } }, \"events\": [ { \"time\": \"2023-11-01T10:00:00Z\", "
            "\"lon\": %.4f, \"lat\": %.4f, \"headline\": \"Strikes\", %s } ] }\n", name, lon, lat,
            held ? "\"kind\": \"control\", \"control\": { \"to\": \"a\" }, "
                   "\"status\": \"confirmed\", \"area\": \"Gaza Strip\""
                 : "\"kind\": \"shelling\"");
    fclose(f);
    mkdir("coast-out", 0777);
    cm_render_options o = { 0 };
    o.events_path = events;
    o.out_dir = "coast-out";
    o.formats = CM_FORMAT_PNG;
    o.style = "light";
    o.lang = "en";
    o.shapes = shapes;
    o.n_shapes = 1;
    o.bbox_deg = bbox;
    o.width_px = 1600;
    o.height_px = 1200;
    o.scale = 1;
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = cm_render(&o, diags, NULL);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
    cm_diag_list_destroy(diags);
    snprintf(png, size, "coast-out/coast-%s-20231101T1000Z.png", name);
    return st == CM_OK;
}

/* The colour at (@lon, @lat) on the rendered map, 0xRRGGBB. */
static unsigned
pixel_at(cairo_surface_t *s, const cm_projection *proj, double lon, double lat)
{
    double xy[2] = { lon, lat };
    cm_projection_forward(proj, xy, 1);
    int x = (int)xy[0], y = (int)xy[1];
    if (x < 0 || y < 0 || x >= cairo_image_surface_get_width(s) ||
        y >= cairo_image_surface_get_height(s))
        return 0xffffffffu;
    const unsigned char *p = cairo_image_surface_get_data(s) +
                             y * cairo_image_surface_get_stride(s) + 4 * x;
    return (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0];   /* BGRA in memory */
}

static void
check_colour(cairo_surface_t *s, const cm_projection *proj, double lon, double lat,
             unsigned want, const char *what)
{
    unsigned got = pixel_at(s, proj, lon, lat);
    if (got != want) {
        fprintf(stderr, "%s:%d: at %.4f E %.4f N (%s): #%06x, expected #%06x\n", __FILE__,
                __LINE__, lon, lat, what, got, want);
        check_failures++;
    }
}

/* render_map()'s PNG, read back, and the projection it was drawn with (the
 * light style's map rectangle at 1600x1200) in *@proj; NULL, a check
 * failed, when either is missing. The caller destroys both. */
static cairo_surface_t *
open_map(const char *name, const double *bbox, double lon, double lat, int held,
         cm_projection **proj)
{
    char png[256];
    cm_style *style = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    double rect[4];
    *proj = NULL;
    CHECK(render_map(name, bbox, lon, lat, held, png, sizeof png));
    CHECK_INT(cm_style_load(&style, "light", diags), CM_OK);
    cm_scene_map_rect(style, 1600, 1200, rect);
    CHECK_INT(cm_projection_create(proj, "auto", NULL, bbox, rect, diags), CM_OK);
    cm_style_destroy(style);
    cm_diag_list_destroy(diags);
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    CHECK_INT(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    if (*proj && cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
        return s;
    cairo_surface_destroy(s);
    return NULL;
}

/* Along Gaza's coast Natural Earth's coast lies 300 to 500 m out to sea; at
 * 34.236 E 31.340 N and 34.260 E 31.360 N it says land, 320 m inside its own
 * coast, where OpenStreetMap's says sea, 140 and 180 m out (6 and 7 pixels).
 * Half a kilometre inland the map is Palestine's (the story's, a shade lighter). */
static void
test_gaza_map(int held)
{
    cm_projection *proj = NULL;
    cairo_surface_t *s = open_map("gaza", gaza, 34.4667, 31.5, held, &proj);
    if (s) {
        const unsigned sea = 0xdbe6ee, focus = 0xfdfcfa, land = 0xefece5;
        check_colour(s, proj, 34.236, 31.340, sea, "fine sea, coarse land");
        check_colour(s, proj, 34.260, 31.360, sea, "fine sea, coarse land");
        if (!held) {
            check_colour(s, proj, 34.2415, 31.3365, focus, "land 500 m inland");
            check_colour(s, proj, 34.266, 31.357, focus, "land 450 m inland");
            check_colour(s, proj, 34.420, 31.480, focus, "Gaza City");
        } else {   /* shaded: not the land's colour, and not the sea's */
            unsigned got = pixel_at(s, proj, 34.2415, 31.3365);
            CHECK(got != focus && got != sea);
        }
        check_colour(s, proj, 34.100, 31.500, sea, "open sea");
        check_colour(s, proj, 34.600, 31.300, land, "Israel");
    }
    cairo_surface_destroy(s);
    cm_projection_destroy(proj);
}

/* On the Kherson example's extent (133 m a pixel), land.shp's pond at
 * 33.36 E 46.64 N is a triangle 4 km by 1.8 km (29 by 13 pixels) in the
 * reduced source: left out, the land is drawn there, not a triangle of sea
 * outlined as coast. */
static void
test_angular_pond(void)
{
    static const double kherson[4] = { 31.3, 46.1, 34.1, 47.5 };
    cm_projection *proj = NULL;
    cairo_surface_t *s = open_map("kherson", kherson, 32.6169, 46.6354, 0, &proj);
    if (s) {
        const unsigned land = 0xefece5;
        check_colour(s, proj, 33.3602, 46.6442, land, "a triangular pond");
        check_colour(s, proj, 33.2, 46.55, land, "land beside it");
    }
    cairo_surface_destroy(s);
    cm_projection_destroy(proj);
}

int
main(void)
{
    test_tiles_built();
    test_reads_near();
    test_gaza_map(0);
    test_gaza_map(1);   /* the Gaza Strip's area held: its shade stops at the fine coast too */
    test_angular_pond();
    return check_result("test_coast");
}
