/* GeoJSON boundary layers are accepted wherever a shapefile is: polygons with
 * holes and several parts, lines, names from properties, plain messages for a
 * broken file, and the same points as the shapefile they were made from. */
#include "check.h"

#include <conflictmap/conflictmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *dir = "geojson-tmp";

static const char *
write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static void
test_polygons(void)
{
    const char *path = write_file("regions.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":[\n"
        "{\"type\":\"Feature\",\"properties\":{\"NAME\":\"Hadrut district\",\"pop\":5},"
        "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[46,39],[47,39],[47,40],[46,40],"
        "[46,39]],[[46.3,39.3],[46.3,39.7],[46.7,39.7],[46.7,39.3],[46.3,39.3]]]}},\n"
        "{\"type\":\"Feature\",\"properties\":{\"NAME\":\"Two parts\"},\"geometry\":"
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[45.5,40.5],[45.8,40.5],[45.8,40.8],"
        "[45.5,40.5]]],[[[47.2,40.2],[47.6,40.2],[47.6,40.6],[47.2,40.2]]]]}},\n"
        "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[46,39]}}]}\n");
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    CHECK_INT(cm_layer_load(&layer, path, NULL, diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), 1);   /* the point, skipped with a warning */
    if (layer) {
        size_t n;
        CHECK_STR(cm_layer_role(layer), "regions");
        CHECK_STR(cm_layer_path(layer), path);
        CHECK_INT(cm_layer_n_shapes(layer), 2);
        const cm_shape *a = cm_layer_shape(layer, 0), *b = cm_layer_shape(layer, 1);
        CHECK_INT(cm_shape_kind_of(a), CM_SHAPE_POLYGON);
        CHECK_INT(cm_shape_n_parts(a), 2);
        CHECK_STR(cm_shape_name(a), "Hadrut district");
        CHECK_STR(cm_shape_attr(a, "pop"), "5");
        const double *hole = cm_shape_part(a, 1, &n);
        CHECK_INT(n, 5);
        CHECK_NEAR(hole ? hole[0] : 0, 46.3, 1e-9);
        CHECK_NEAR(hole ? hole[1] : 0, 39.3, 1e-9);
        CHECK_INT(cm_shape_n_parts(b), 2);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

static void
test_lines(void)
{
    const char *path = write_file("lines.json",
        "{\"type\":\"FeatureCollection\",\"features\":[\n"
        "{\"type\":\"Feature\",\"properties\":{\"name\":\"1994 line\",\"kind\":\"ceasefire\"},"
        "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[46,39],[46.5,39.5],[47,40]]}},\n"
        "{\"type\":\"Feature\",\"properties\":{\"name\":\"Two\"},\"geometry\":"
        "{\"type\":\"MultiLineString\",\"coordinates\":[[[45,40],[45.5,40]],[[46,41],[46,41.5]]]}}"
        "]}\n");
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    CHECK_INT(cm_layer_load(&layer, path, "lines", diags), CM_OK);
    if (layer) {
        CHECK_INT(cm_layer_n_shapes(layer), 2);
        CHECK_INT(cm_shape_kind_of(cm_layer_shape(layer, 0)), CM_SHAPE_LINE);
        CHECK_STR(cm_shape_attr(cm_layer_shape(layer, 0), "kind"), "ceasefire");
        CHECK_INT(cm_shape_n_parts(cm_layer_shape(layer, 1)), 2);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

static void
check_refused(const char *name, const char *text, cm_status want, int line, const char *words)
{
    const char *path = write_file(name, text);
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    CHECK_INT(cm_layer_load(&layer, path, NULL, diags), want);
    CHECK(layer == NULL);
    CHECK_INT(cm_diag_error_count(diags), 1);
    if (cm_diag_count(diags) > 0) {
        CHECK_INT(cm_diag_pos(diags, 0).line, line);
        if (!strstr(cm_diag_message(diags, 0), words))
            fprintf(stderr, "message: %s\n", cm_diag_message(diags, 0));
        CHECK(strstr(cm_diag_message(diags, 0), words) != NULL);
    }
    cm_diag_list_destroy(diags);
}

static void
test_broken(void)
{
    check_refused("truncated.geojson", "{\"type\":\"FeatureCollection\",\n\"features\":[",
                  CM_ERR_INPUT, 2, "GDAL cannot read it as a vector layer");
    check_refused("mixed.geojson", "{\"type\":\"FeatureCollection\",\"features\":["
                  "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                  "[[[0,0],[1,0],[1,1],[0,0]]]}},{\"type\":\"Feature\",\"geometry\":"
                  "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}}]}",
                  CM_ERR_INPUT, 0, "feature 2: is a line, but the features before it are not");
    check_refused("projected.geojson", "{\"type\":\"Polygon\",\"coordinates\":"
                  "[[[500000,4400000],[510000,4400000],[510000,4410000],[500000,4400000]]]}",
                  CM_ERR_INPUT, 0, "which are not longitudes and latitudes");
    check_refused("short.geojson", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1]]]}",
                  CM_ERR_INPUT, 0, "feature 1: has a polygon ring of 2 points");
    check_refused("points.geojson", "{\"type\":\"Point\",\"coordinates\":[0,0]}",
                  CM_ERR_INPUT, 0, "no layer of lines or polygons");
}

/* The shipped countries as GeoJSON (ogr2ogr) give the shapefile's points. */
static int
test_same_as_shapefile(void)
{
    char cmd[2048], shp[512], json[512];
    snprintf(shp, sizeof shp, "%s/shapes/countries.shp", CM_SOURCE_DIR);
    snprintf(json, sizeof json, "%s/countries.geojson", dir);
    snprintf(cmd, sizeof cmd, "rm -f %s && ogr2ogr -f GeoJSON %s %s 2>/dev/null", json, json,
             shp);
    if (system("ogr2ogr --version >/dev/null 2>&1") != 0 || system(cmd) != 0)
        return 0;
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *a = NULL, *b = NULL;
    CHECK_INT(cm_layer_load(&a, shp, NULL, diags), CM_OK);
    CHECK_INT(cm_layer_load(&b, json, NULL, diags), CM_OK);
    CHECK_INT(a ? cm_layer_n_shapes(a) : 0, b ? cm_layer_n_shapes(b) : 1);
    double worst = 0;
    for (size_t s = 0; a && b && s < cm_layer_n_shapes(a) && s < cm_layer_n_shapes(b); s++) {
        const cm_shape *sa = cm_layer_shape(a, s), *sb = cm_layer_shape(b, s);
        CHECK_STR(cm_shape_name(sb), cm_shape_name(sa));
        CHECK_INT(cm_shape_n_parts(sb), cm_shape_n_parts(sa));
        for (size_t k = 0; k < cm_shape_n_parts(sa) && k < cm_shape_n_parts(sb); k++) {
            size_t na, nb;
            const double *pa = cm_shape_part(sa, k, &na), *pb = cm_shape_part(sb, k, &nb);
            CHECK_INT(nb, na);
            for (size_t i = 0; i < 2 * na && na == nb; i++)
                worst = fmax(worst, fabs(pa[i] - pb[i]));
        }
    }
    printf("countries.geojson vs countries.shp: largest difference %.2g degrees\n", worst);
    CHECK(worst < 1e-7);
    cm_layer_destroy(a);
    cm_layer_destroy(b);
    cm_diag_list_destroy(diags);
    return 1;
}

int
main(void)
{
    mkdir(dir, 0777);
    test_polygons();
    test_lines();
    test_broken();
    if (!test_same_as_shapefile())
        fprintf(stderr, "test_geojson_layer: ogr2ogr (gdal-bin) missing; the comparison with "
                "the shapefile was skipped\n");
    return check_result("test_geojson_layer");
}
