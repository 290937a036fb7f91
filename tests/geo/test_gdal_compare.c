/* Every coordinate where PROJ and GDAL say it should be: the map's land mask
 * against gdal_rasterize of the same layer (after ogr2ogr -t_srs) at the same
 * size and extent, gazetteer places against gdaltransform, and a UTM copy of a
 * layer against its WGS84 original. Skipped (77) without gdal-bin. */
#include "check.h"
#include "layout/scene.h"

#include <cairo.h>
#include <conflictmap/conflictmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { W = 800, H = 600 };
#define MIN_IOU 0.995
#define MAX_OFFSET_PX 1.0

typedef struct geo_case {
    const char *name, *projection;
    double bbox[4];
    double min_iou;
} geo_case;

/* The brief's bar for the three projections and two extents. The Bering and
 * Arctic maps are at about 10 km a pixel, where Natural Earth's fjords and
 * islets are thinner than a pixel and cairo and GDAL round those pixels
 * differently (the diff PNG shows only one-pixel slivers on coasts). */
#define REGIONAL MIN_IOU
#define SMALL_SCALE 0.99

static const geo_case cases[] = {
    { "karabakh-auto", "auto", { 45.4, 38.9, 48.0, 41.0 }, REGIONAL },
    { "karabakh-web", "web", { 45.4, 38.9, 48.0, 41.0 }, REGIONAL },
    { "karabakh-albers", "+proj=aea +lat_1=35 +lat_2=55 +lon_0=40 +datum=WGS84 +units=m",
      { 45.4, 38.9, 48.0, 41.0 }, REGIONAL },
    { "blacksea-auto", "auto", { 27, 36, 55, 48 }, REGIONAL },
    { "blacksea-web", "web", { 27, 36, 55, 48 }, REGIONAL },
    { "blacksea-albers", "+proj=aea +lat_1=35 +lat_2=55 +lon_0=40 +datum=WGS84 +units=m",
      { 27, 36, 55, 48 }, REGIONAL },
    { "bering-auto", "auto", { 160, 55, -150, 72 }, SMALL_SCALE },     /* across the antimeridian */
    { "arctic-auto", "auto", { -180, 76, 180, 90 }, SMALL_SCALE },     /* the north pole */
};

static const char *tmp_dir = "geo-tmp";

static int
run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    return rc == 0;
}

/* Our land mask: the scene's "countries" paths filled without antialiasing,
 * which samples pixel centres as gdal_rasterize does. */
static unsigned char *
scene_mask(const cm_scene_base *b)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (size_t i = 0; i < b->n_paths; i++) {
        const cm_scene_path *p = &b->paths[i];
        if (!p->is_polygon)
            continue;
        cairo_new_path(cr);
        for (size_t k = 0; k < p->n_parts; k++) {
            cairo_new_sub_path(cr);
            for (size_t j = p->part_start[k]; j < p->part_start[k + 1]; j++)
                cairo_line_to(cr, p->xy[2 * j], p->xy[2 * j + 1]);
            cairo_close_path(cr);
        }
        cairo_fill(cr);
    }
    cairo_surface_flush(s);
    unsigned char *mask = malloc((size_t)W * H);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; mask && y < H; y++)
        for (int x = 0; x < W; x++)
            mask[y * W + x] = data[y * stride + x] > 127;
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return mask;
}

/* The lon/lat box ogr2ogr keeps before projecting, so that polygons across the
 * projection's far side (its own antimeridian) cannot smear GDAL's raster. */
static void
clip_wkt(const double b[4], char *buf, size_t size)
{
    double s = b[1] - 15 < -90 ? -90 : b[1] - 15, n = b[3] + 15 > 90 ? 90 : b[3] + 15;
    double w = b[0] - 40, e = b[2] + 40;
    if (b[2] < b[0])
        snprintf(buf, size, "MULTIPOLYGON(((%g %g,180 %g,180 %g,%g %g,%g %g)),"
                 "((-180 %g,%g %g,%g %g,-180 %g,-180 %g)))", w, s, s, n, w, n, w, s,
                 s, e, s, e, n, n, s);
    else if (w < -180 || e > 180)   /* all longitudes: in quarters, as GDAL wraps less */
        snprintf(buf, size, "MULTIPOLYGON(((-180 %g,-90 %g,-90 %g,-180 %g,-180 %g)),"
                 "((-90 %g,0 %g,0 %g,-90 %g,-90 %g)),((0 %g,90 %g,90 %g,0 %g,0 %g)),"
                 "((90 %g,180 %g,180 %g,90 %g,90 %g)))", s, s, n, n, s, s, s, n, n, s,
                 s, s, n, n, s, s, s, n, n, s);
    else
        snprintf(buf, size, "POLYGON((%g %g,%g %g,%g %g,%g %g,%g %g))", w, s, e, s, e, n, w,
                 n, w, s);
}

static unsigned char *
gdal_mask(const cm_projection *proj, const char *shp, const char *name)
{
    char cmd[4096], wkt[512], path[512];
    double ext[4], bbox[4];
    cm_projection_extent(proj, ext);
    cm_projection_bbox(proj, bbox);
    clip_wkt(bbox, wkt, sizeof wkt);
    snprintf(cmd, sizeof cmd, "rm -f %s/%s.*; ogr2ogr -q -clipsrc '%s' -t_srs '%s' "
             "%s/%s.shp '%s' && gdal_rasterize -q -burn 1 -init 0 -ot Byte -of EHdr "
             "-ts %d %d -te %.6f %.6f %.6f %.6f %s/%s.shp %s/%s.bil", tmp_dir, name, wkt,
             cm_projection_definition(proj), tmp_dir, name, shp, W, H, ext[0], ext[1],
             ext[2], ext[3], tmp_dir, name, tmp_dir, name);
    if (!run(cmd))
        return NULL;
    snprintf(path, sizeof path, "%s/%s.bil", tmp_dir, name);
    FILE *f = fopen(path, "rb");
    unsigned char *mask = malloc((size_t)W * H);
    if (!f || !mask || fread(mask, 1, (size_t)W * H, f) != (size_t)W * H) {
        free(mask);
        mask = NULL;
    }
    if (f)
        fclose(f);
    return mask;
}

static double
iou(const unsigned char *a, const unsigned char *b)
{
    size_t both = 0, either = 0;
    for (size_t i = 0; i < (size_t)W * H; i++) {
        both += a[i] && b[i];
        either += a[i] || b[i];
    }
    return either ? (double)both / either : 1;
}

/* Where the masks disagree, for a person to look at: land in both grey, only
 * ours red, only GDAL's blue. */
static void
write_diff(const unsigned char *a, const unsigned char *b, const char *name)
{
    char path[512];
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    cairo_surface_flush(s);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            unsigned int v = a[y * W + x] && b[y * W + x] ? 0xc0c0c0
                           : a[y * W + x] ? 0xff0000 : b[y * W + x] ? 0x0000ff : 0xffffff;
            memcpy(data + y * stride + 4 * x, &v, 4);
        }
    cairo_surface_mark_dirty(s);
    snprintf(path, sizeof path, "%s/%s-diff.png", tmp_dir, name);
    cairo_surface_write_to_png(s, path);
    cairo_surface_destroy(s);
}

static cm_status
make_base(cm_scene_base **base, cm_projection **proj, cm_layer *layer, const geo_case *c,
          const cm_style *style, const cm_events *events, cm_diag_list *diags)
{
    double rect[4] = { 0, 0, W, H };
    cm_status st = cm_projection_create(proj, c->projection, NULL, c->bbox, rect, diags);
    if (st == CM_OK)
        st = cm_scene_base_create(base, &layer, 1, *proj, style, NULL, events, c->bbox, W, H);
    return st;
}

/* Ten places spread through the gazetteer, against gdaltransform. */
static double
largest_offset(const cm_projection *proj, const cm_gazetteer *gaz)
{
    char cmd[2048], path[512];
    double ext[4], scale, worst = 0, ll[20], xy[20];
    size_t n = cm_gazetteer_n_places(gaz);
    snprintf(path, sizeof path, "%s/places.txt", tmp_dir);
    FILE *f = fopen(path, "w");
    for (int i = 0; f && i < 10; i++) {
        const cm_place *p = cm_gazetteer_place(gaz, n * (size_t)i / 10);
        ll[2 * i] = cm_place_lon(p);
        ll[2 * i + 1] = cm_place_lat(p);
        fprintf(f, "%.9f %.9f\n", ll[2 * i], ll[2 * i + 1]);
    }
    if (f)
        fclose(f);
    memcpy(xy, ll, sizeof xy);
    cm_projection_forward(proj, xy, 10);
    cm_projection_extent(proj, ext);
    scale = W / (ext[2] - ext[0]);
    snprintf(cmd, sizeof cmd, "gdaltransform -output_xy -s_srs '+proj=longlat +datum=WGS84 "
             "+no_defs' -t_srs '%s' < %s/places.txt > %s/places.out",
             cm_projection_definition(proj), tmp_dir, tmp_dir);
    if (!run(cmd))
        return INFINITY;
    snprintf(path, sizeof path, "%s/places.out", tmp_dir);
    f = fopen(path, "r");
    for (int i = 0; f && i < 10; i++) {
        double x, y;
        if (fscanf(f, "%lf %lf", &x, &y) != 2)
            worst = INFINITY;
        double dx = (x - ext[0]) * scale - xy[2 * i], dy = (ext[3] - y) * scale - xy[2 * i + 1];
        worst = fmax(worst, hypot(dx, dy));
    }
    if (f)
        fclose(f);
    return f ? worst : INFINITY;
}

static void
compare_case(const geo_case *c, cm_layer *world, const char *shp, const cm_style *style,
             const cm_events *events, const cm_gazetteer *gaz)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_projection *proj = NULL;
    cm_scene_base *base = NULL;
    unsigned char *ours = NULL, *theirs = NULL;
    cm_status st = make_base(&base, &proj, world, c, style, events, diags);
    CHECK_INT(st, CM_OK);
    if (st == CM_OK) {
        ours = scene_mask(base);
        theirs = gdal_mask(proj, shp, c->name);
    }
    double score = ours && theirs ? iou(ours, theirs) : 0;
    if (ours && theirs)
        write_diff(ours, theirs, c->name);
    double offset = proj ? largest_offset(proj, gaz) : INFINITY;
    printf("%-16s IoU %.5f  largest offset %.3f px  (%s)\n", c->name, score, offset,
           proj ? cm_projection_definition(proj) : "-");
    CHECK(score >= c->min_iou);
    CHECK(offset <= MAX_OFFSET_PX);
    free(ours);
    free(theirs);
    cm_scene_base_destroy(base);
    cm_projection_destroy(proj);
    cm_diag_list_destroy(diags);
}

/* A UTM copy of the countries layer, cut to the region (UTM cannot take the
 * whole world), draws onto the WGS84 cut's pixels: the .prj is honoured and
 * the round trip through PROJ loses nothing. */
static void
compare_utm(const cm_style *style, const cm_events *events)
{
    char cmd[4096], utm[512], wgs[512];
    snprintf(wgs, sizeof wgs, "%s/utm38/wgs84.shp", tmp_dir);
    snprintf(utm, sizeof utm, "%s/utm38/countries.shp", tmp_dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s/utm38 && mkdir -p %s/utm38 && ogr2ogr -q -clipsrc "
             "30 28 62 52 %s %s/shapes/countries.shp && ogr2ogr -q -t_srs EPSG:32638 %s %s",
             tmp_dir, tmp_dir, wgs, CM_SOURCE_DIR, utm, wgs);
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *a = NULL, *b = NULL;
    CHECK(run(cmd));
    CHECK_INT(cm_layer_load(&a, wgs, "countries", diags), CM_OK);
    CHECK_INT(cm_layer_load(&b, utm, "countries", diags), CM_OK);
    /* Sea, land and the layer's edges in view, not only land. */
    const geo_case wide = { "utm38", "auto", { 36, 33, 56, 47 }, REGIONAL }, *c = &wide;
    cm_projection *pa = NULL, *pb = NULL;
    cm_scene_base *ba = NULL, *bb = NULL;
    if (a && b && make_base(&ba, &pa, a, c, style, events, diags) == CM_OK &&
        make_base(&bb, &pb, b, c, style, events, diags) == CM_OK) {
        unsigned char *ma = scene_mask(ba), *mb = scene_mask(bb);
        size_t differ = 0, land = 0;
        for (size_t i = 0; ma && mb && i < (size_t)W * H; i++) {
            differ += ma[i] != mb[i];
            land += ma[i];
        }
        printf("utm38-vs-wgs84    %zu of %zu land pixels differ\n", differ, land);
        CHECK(land > 1000);
        CHECK(differ <= land / 10000);
        free(ma);
        free(mb);
    } else {
        CHECK(!"could not set up the UTM comparison");
    }
    cm_scene_base_destroy(ba);
    cm_scene_base_destroy(bb);
    cm_projection_destroy(pa);
    cm_projection_destroy(pb);
    cm_layer_destroy(a);
    cm_layer_destroy(b);
    cm_diag_list_destroy(diags);
}

int
main(void)
{
    char path[512];
    if (system("gdal_rasterize --version >/dev/null 2>&1") != 0 ||
        system("ogr2ogr --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "test_gdal_compare: skipped: gdal_rasterize and ogr2ogr (Debian "
                "package gdal-bin) are needed to compare with GDAL\n");
        return 77;
    }
    mkdir(tmp_dir, 0777);
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = NULL;
    cm_events *events = NULL;
    cm_style *style = NULL;
    cm_layer *world = NULL;
    char world_path[512];
    snprintf(world_path, sizeof world_path, "%s/shapes/world.shp", CM_SOURCE_DIR);
    snprintf(path, sizeof path, "%s/gazetteer/caucasus.tsv", CM_SOURCE_DIR);
    CHECK_INT(cm_gazetteer_create(&gaz), CM_OK);
    CHECK_INT(cm_gazetteer_add_file(gaz, path, diags), CM_OK);
    snprintf(path, sizeof path, "%s/examples/karabakh-2020-10-09.json", CM_SOURCE_DIR);
    CHECK_INT(cm_events_load(&events, path, gaz, diags), CM_OK);
    CHECK_INT(cm_style_preset(&style, "light", diags), CM_OK);
    CHECK_INT(cm_layer_load(&world, world_path, "countries", diags), CM_OK);
    for (size_t i = 0; world && events && style && i < sizeof cases / sizeof cases[0]; i++)
        compare_case(&cases[i], world, world_path, style, events, gaz);
    if (events && style)
        compare_utm(style, events);
    cm_layer_destroy(world);
    cm_style_destroy(style);
    cm_events_destroy(events);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
    return check_result("test_gdal_compare");
}
