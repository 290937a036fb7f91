/* Layer loading on shapefiles this test writes itself with shapelib's writer:
 * rings and holes, a UTM layer back to lon/lat, code pages, Z/M types, skipped
 * shapes, missing and damaged files, roles from file names, and reading only
 * the records within an extent. */
#include "conflictmap/layer.h"
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <proj.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];   /* the temporary folder, under the current one */
static char path_buf[256];

/* "DIR/name.ext" in a static buffer: good until the next call. */
static const char *
in_dir(const char *name, const char *ext)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s%s", dir, name, ext);
    return path_buf;
}

static void
write_text(const char *name, const char *ext, const char *text)
{
    FILE *f = fopen(in_dir(name, ext), "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path_buf);
        exit(2);
    }
}

static void
write_shapes(const char *name, int type, SHPObject **objs, int n)
{
    SHPHandle shp = SHPCreate(in_dir(name, ".shp"), type);
    if (!shp) {
        fprintf(stderr, "cannot create %s\n", path_buf);
        exit(2);
    }
    for (int i = 0; i < n; i++) {
        SHPWriteObject(shp, -1, objs[i]);
        SHPDestroyObject(objs[i]);
    }
    SHPClose(shp);
}

/* A .dbf with a NAME field holding @names as raw bytes; @code_page as for
 * DBFCreateEx ("LDID/87", "UTF-8", ...). */
static void
write_names(const char *name, const char *code_page, const char *const *names, int n)
{
    DBFHandle dbf = DBFCreateEx(in_dir(name, ".dbf"), code_page);
    if (!dbf || DBFAddField(dbf, "NAME", FTString, 40, 0) < 0) {
        fprintf(stderr, "cannot create %s\n", path_buf);
        exit(2);
    }
    for (int i = 0; i < n; i++)
        DBFWriteStringAttribute(dbf, i, 0, names[i]);
    DBFClose(dbf);
}

static void
remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[sizeof dir + 260];
    while (d && (de = readdir(d)))
        if (de->d_name[0] != '.') {
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Overwrites @n bytes at @offset of DIR/@name@ext, to damage a file on purpose. */
static void
patch(const char *name, const char *ext, long offset, const void *bytes, size_t n)
{
    FILE *f = fopen(in_dir(name, ext), "r+b");
    if (!f || fseek(f, offset, SEEK_SET) != 0 || fwrite(bytes, 1, n, f) != n) {
        perror(path_buf);
        exit(2);
    }
    fclose(f);
}

static cm_status
load(cm_layer **layer, const char *name, cm_diag_list **diags)
{
    *diags = cm_diag_list_create();
    return cm_layer_load(layer, in_dir(name, ".shp"), NULL, *diags);
}

/* The text of the only error in @diags, or "" when there is not exactly one. */
static const char *
only_error(const cm_diag_list *diags)
{
    const char *text = "";
    size_t n = 0;
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        if (cm_diag_severity(diags, i) == CM_SEV_ERROR) {
            text = cm_diag_text(diags, i);
            n++;
        }
    return n == 1 ? text : "";
}

static char expected[1024];

static const char *
expect(const char *name, const char *ext, const char *message)
{
    snprintf(expected, sizeof expected, "%s: %s", in_dir(name, ext), message);
    return expected;
}

/* ---- (a) rings ------------------------------------------------------------------ */

/* An outer ring drawn clockwise, a hole counter-clockwise inside it, and a second
 * outer ring counter-clockwise (the "wrong" way): all three must come back. */
static const double ring_x[] = { 46.0, 46.0, 47.0, 47.0, 46.0,
                                 46.25, 46.75, 46.75, 46.25, 46.25,
                                 47.5, 48.0, 48.0, 47.5 };
static const double ring_y[] = { 39.0, 40.0, 40.0, 39.0, 39.0,
                                 39.25, 39.25, 39.75, 39.75, 39.25,
                                 39.0, 39.0, 39.5, 39.0 };

static void
test_rings(void)
{
    int starts[] = { 0, 5, 10 };
    SHPObject *poly = SHPCreateObject(SHPT_POLYGON, -1, 3, starts, NULL, 14, ring_x, ring_y,
                                      NULL, NULL);
    const char *names[] = { "Rings" };
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    write_shapes("rings", SHPT_POLYGON, &poly, 1);
    write_names("rings", "UTF-8", names, 1);
    CHECK_INT(load(&layer, "rings", &diags), CM_OK);
    CHECK_INT(cm_diag_error_count(diags), 0);
    if (layer) {
        CHECK_INT(cm_layer_n_shapes(layer), 1);
        const cm_shape *shape = cm_layer_shape(layer, 0);
        CHECK(cm_layer_shape(layer, 1) == NULL);
        CHECK_INT(cm_shape_kind_of(shape), CM_SHAPE_POLYGON);
        CHECK_STR(cm_shape_name(shape), "Rings");
        CHECK_INT(cm_shape_n_parts(shape), 3);
        static const size_t counts[] = { 5, 5, 4 };
        for (size_t k = 0, j = 0; k < 3; k++) {
            size_t n = 0;
            const double *xy = cm_shape_part(shape, k, &n);
            CHECK_INT(n, counts[k]);
            for (size_t p = 0; p < n && p < counts[k]; p++, j++) {
                CHECK(xy[2 * p] == ring_x[j]);
                CHECK(xy[2 * p + 1] == ring_y[j]);
            }
        }
        size_t n = 99;
        CHECK(cm_shape_part(shape, 3, &n) == NULL);
        CHECK_INT(n, 0);
        double bbox[4] = { 0 };
        CHECK_INT(cm_layer_bbox(layer, bbox), 1);
        CHECK(bbox[0] == 46.0 && bbox[1] == 39.0 && bbox[2] == 48.0 && bbox[3] == 40.0);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

/* ---- (b) UTM zone 38N back to lon/lat ----------------------------------------------- */

static const double utm_lon[] = { 46.95, 46.7528, 45.0, 49.892 };
static const double utm_lat[] = { 39.52, 39.8153, 40.0, 40.3777 };

/* Writes the points in EPSG:32638 with the .prj PROJ gives as ESRI WKT. */
static void
write_utm_layer(void)
{
    PJ_CONTEXT *ctx = proj_context_create();
    PJ *crs = proj_create(ctx, "EPSG:32638");
    PJ *op = proj_create_crs_to_crs(ctx, "EPSG:4326", "EPSG:32638", NULL);
    PJ *lonlat = op ? proj_normalize_for_visualization(ctx, op) : NULL;
    SHPObject *pts[4];
    const char *names[] = { "Hadrut", "Stepanakert", "on the central meridian", "Baku" };

    if (!crs || !lonlat) {
        fprintf(stderr, "PROJ cannot make EPSG:32638\n");
        exit(2);
    }
    write_text("utm", ".prj", proj_as_wkt(ctx, crs, PJ_WKT1_ESRI, NULL));
    for (int i = 0; i < 4; i++) {
        PJ_COORD c = proj_trans(lonlat, PJ_FWD, proj_coord(utm_lon[i], utm_lat[i], 0, 0));
        if (i == 0) {   /* against the numbers cs2cs gives, lest both sides agree on a mistake */
            CHECK_NEAR(c.xy.x, 667617.2403, 0.01);
            CHECK_NEAR(c.xy.y, 4376299.5880, 0.01);
        }
        pts[i] = SHPCreateSimpleObject(SHPT_POINT, 1, &c.xy.x, &c.xy.y, NULL);
    }
    write_shapes("utm", SHPT_POINT, pts, 4);
    write_names("utm", "UTF-8", names, 4);
    proj_destroy(lonlat);
    proj_destroy(op);
    proj_destroy(crs);
    proj_context_destroy(ctx);
}

static void
test_utm(void)
{
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    write_utm_layer();
    CHECK_INT(load(&layer, "utm", &diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), 0);   /* with a .prj, not even a warning */
    for (size_t i = 0; layer && i < 4; i++) {
        const cm_shape *shape = cm_layer_shape(layer, i);
        size_t n = 0;
        const double *xy = shape ? cm_shape_part(shape, 0, &n) : NULL;
        CHECK_INT(n, 1);
        if (!xy)
            continue;
        CHECK_INT(cm_shape_kind_of(shape), CM_SHAPE_POINT);
        CHECK_NEAR(xy[0], utm_lon[i], 1e-6);
        CHECK_NEAR(xy[1], utm_lat[i], 1e-6);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

/* ---- (c) no .prj ------------------------------------------------------------------ */

static void
test_no_prj(void)
{
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    /* "rings" has no .prj */
    CHECK_INT(load(&layer, "rings", &diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), 1);
    CHECK_INT(cm_diag_severity(diags, 0), CM_SEV_WARNING);
    CHECK_STR(cm_diag_message(diags, 0),
              "no .prj beside it; taking coordinates as WGS84 longitude/latitude");
    snprintf(expected, sizeof expected, "%s: warning: no .prj beside it; taking coordinates "
             "as WGS84 longitude/latitude", in_dir("rings", ".shp"));
    CHECK_STR(cm_diag_text(diags, 0), expected);
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

/* ---- (d) code pages ---------------------------------------------------------------- */

/* Cyrillic in Windows-1251 with a .cpg of "1251", beside fields that say which
 * name field wins and that field names match without regard to case. */
static void
test_cp1251(void)
{
    int zero = 0;
    double x = 46.75, y = 39.82;
    SHPObject *pt = SHPCreateObject(SHPT_POINT, -1, 0, &zero, NULL, 1, &x, &y, NULL, NULL);
    DBFHandle dbf;
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    write_shapes("cyr", SHPT_POINT, &pt, 1);
    dbf = DBFCreateEx(in_dir("cyr", ".dbf"), "LDID/87");
    DBFAddField(dbf, "ADMIN", FTString, 40, 0);
    DBFAddField(dbf, "name_en", FTString, 40, 0);
    DBFAddField(dbf, "POP", FTInteger, 10, 0);
    DBFWriteStringAttribute(dbf, 0, 0, "Azerbaijan");
    /* "Степанакерт" */
    DBFWriteStringAttribute(dbf, 0, 1, "\xD1\xF2\xE5\xEF\xE0\xED\xE0\xEA\xE5\xF0\xF2");
    DBFWriteIntegerAttribute(dbf, 0, 2, 52900);
    DBFClose(dbf);
    write_text("cyr", ".cpg", "1251\n");
    CHECK_INT(load(&layer, "cyr", &diags), CM_OK);
    if (layer) {
        const cm_shape *shape = cm_layer_shape(layer, 0);
        CHECK_STR(cm_shape_name(shape), "Степанакерт");   /* NAME_EN comes before ADMIN */
        CHECK_STR(cm_shape_attr(shape, "NAME_EN"), "Степанакерт");
        CHECK_STR(cm_shape_attr(shape, "admin"), "Azerbaijan");
        CHECK_STR(cm_shape_attr(shape, "pop"), "52900");   /* trimmed */
        CHECK(cm_shape_attr(shape, "NAME") == NULL);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

/* A name written as @raw under @code_page (a .cpg, an LDID, or nothing) must
 * come back as @want, with @n_warnings warnings (the missing .prj is one). */
static void
check_names(const char *name, const char *code_page, const char *raw, const char *want,
            size_t n_warnings)
{
    double x = 47.0, y = 40.0;
    SHPObject *pt = SHPCreateSimpleObject(SHPT_POINT, 1, &x, &y, NULL);
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    write_shapes(name, SHPT_POINT, &pt, 1);
    write_names(name, code_page, &raw, 1);
    CHECK_INT(load(&layer, name, &diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), n_warnings);
    if (layer)
        CHECK_STR(cm_shape_name(cm_layer_shape(layer, 0)), want);
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

static void
test_code_pages(void)
{
    /* the language driver byte alone: LDID 201 is Windows-1251 */
    check_names("ldid", "LDID/201", "\xD8\xF3\xF8\xE8", "Шуши", 1);
    /* no code page at all: valid UTF-8 is taken as such, anything else as Windows-1252 */
    check_names("guess8", "LDID/0", "A\xC4\x9F" "dam", "Ağdam", 1);
    check_names("guess1252", "LDID/0", "Bak\xFD \x80", "Baký €", 1);
    /* declared UTF-8 but not: each bad byte becomes U+FFFD, and a warning says so */
    check_names("bad8", "UTF-8", "Ba\xFFku", "Ba\xEF\xBF\xBDku", 2);
}

/* ---- (e) Z and M types ------------------------------------------------------------- */

static void
test_z_and_m(void)
{
    double x[] = { 46.0, 46.5, 47.0, 47.5 }, y[] = { 39.0, 39.5, 39.0, 39.5 };
    double z[] = { 100, 200, 300, 400 }, m[] = { 1, 2, 3, 4 };
    int starts[] = { 0, 2 };
    SHPObject *line = SHPCreateObject(SHPT_ARCZ, -1, 2, starts, NULL, 4, x, y, z, NULL);
    SHPObject *multi = SHPCreateObject(SHPT_MULTIPOINTM, -1, 0, NULL, NULL, 3, x, y, NULL, m);
    const char *names[] = { "front line" };
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    write_shapes("linez", SHPT_ARCZ, &line, 1);
    write_names("linez", "UTF-8", names, 1);
    write_shapes("multim", SHPT_MULTIPOINTM, &multi, 1);
    write_names("multim", "UTF-8", names, 1);

    CHECK_INT(load(&layer, "linez", &diags), CM_OK);
    if (layer) {
        const cm_shape *shape = cm_layer_shape(layer, 0);
        size_t n = 0;
        CHECK_INT(cm_shape_kind_of(shape), CM_SHAPE_LINE);
        CHECK_INT(cm_shape_n_parts(shape), 2);
        const double *xy = cm_shape_part(shape, 1, &n);
        CHECK_INT(n, 2);
        CHECK(xy && xy[0] == 47.0 && xy[1] == 39.0 && xy[2] == 47.5 && xy[3] == 39.5);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);

    CHECK_INT(load(&layer, "multim", &diags), CM_OK);
    if (layer) {
        const cm_shape *shape = cm_layer_shape(layer, 0);
        size_t n = 0;
        CHECK_INT(cm_shape_kind_of(shape), CM_SHAPE_POINT);
        CHECK_INT(cm_shape_n_parts(shape), 1);
        const double *xy = cm_shape_part(shape, 0, &n);
        CHECK_INT(n, 3);
        CHECK(xy && xy[4] == 47.0 && xy[5] == 39.0);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

/* ---- (f) null shapes and multipatches are skipped ------------------------------------ */

static void
test_skipped(void)
{
    double x[] = { 46.0, 46.0, 47.0, 46.0 }, y[] = { 39.0, 40.0, 40.0, 39.0 }, z[4] = { 0 };
    int start = 0, strip = SHPP_TRISTRIP;
    SHPObject *objs[] = {
        SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL),
        SHPCreateSimpleObject(SHPT_POLYGON, 4, x, y, NULL),
        SHPCreateSimpleObject(SHPT_NULL, 0, NULL, NULL, NULL),
    };
    SHPObject *patch_obj = SHPCreateObject(SHPT_MULTIPATCH, -1, 1, &start, &strip, 3, x, y,
                                           z, NULL);
    const char *names[] = { "", "kept", "" };
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    write_shapes("nulls", SHPT_POLYGON, objs, 3);
    write_names("nulls", "UTF-8", names, 3);
    write_text("nulls", ".prj", "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID["
               "\"WGS_1984\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"Degree\","
               "0.017453292519943295]]");
    CHECK_INT(load(&layer, "nulls", &diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), 1);
    CHECK_STR(cm_diag_text(diags, 0), expect("nulls", ".shp",
              "warning: skipped 2 null shapes (records without geometry)"));
    if (layer) {
        CHECK_INT(cm_layer_n_shapes(layer), 1);
        CHECK_STR(cm_shape_name(cm_layer_shape(layer, 0)), "kept");   /* its own record */
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);

    write_shapes("patch", SHPT_MULTIPATCH, &patch_obj, 1);
    write_names("patch", "UTF-8", names, 1);
    CHECK_INT(load(&layer, "patch", &diags), CM_OK);
    CHECK_STR(cm_diag_text(diags, 0), expect("patch", ".shp", "warning: skipped 1 multipatch "
              "shape; conflictmap draws points, lines and polygons"));
    if (layer) {
        CHECK_INT(cm_layer_n_shapes(layer), 0);
        double bbox[4];
        CHECK_INT(cm_layer_bbox(layer, bbox), 0);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

/* ---- (g) missing, unreadable and damaged files ----------------------------------------- */

static void
test_missing(void)
{
    double x = 47.0, y = 40.0;
    SHPObject *pt = SHPCreateSimpleObject(SHPT_POINT, 1, &x, &y, NULL);
    cm_layer *layer = (cm_layer *)&x;   /* must come back NULL */
    cm_diag_list *diags;

    write_shapes("nodbf", SHPT_POINT, &pt, 1);
    CHECK_INT(load(&layer, "nodbf", &diags), CM_ERR_INPUT);
    CHECK(layer == NULL);
    CHECK_STR(only_error(diags), expect("nodbf", ".shp", "no nodbf.dbf beside it; a shapefile "
              "needs its .shp, .shx and .dbf together"));
    cm_diag_list_destroy(diags);

    /* both missing: both said at once */
    unlink(in_dir("nodbf", ".shx"));
    CHECK_INT(load(&layer, "nodbf", &diags), CM_ERR_INPUT);
    CHECK_INT(cm_diag_error_count(diags), 2);
    CHECK_STR(cm_diag_text(diags, 0), expect("nodbf", ".shp", "no nodbf.shx beside it; a "
              "shapefile needs its .shp, .shx and .dbf together"));
    cm_diag_list_destroy(diags);

    CHECK_INT(load(&layer, "nowhere", &diags), CM_ERR_IO);
    snprintf(expected, sizeof expected, "%s: cannot read \"%s\": No such file or directory",
             in_dir("nowhere", ".shp"), in_dir("nowhere", ".shp"));
    CHECK_STR(only_error(diags), expected);
    cm_diag_list_destroy(diags);
}

static void
write_polygon(const char *name)
{
    SHPObject *poly = SHPCreateSimpleObject(SHPT_POLYGON, 5, ring_x, ring_y, NULL);
    const char *names[] = { "x" };

    write_shapes(name, SHPT_POLYGON, &poly, 1);
    write_names(name, "UTF-8", names, 1);
}

/* A 5-point polygon damaged at @offset of its .shp must be refused. */
static cm_status
load_damaged(const char *name, long offset, const void *bytes, size_t n, cm_diag_list **diags)
{
    cm_layer *layer = NULL;

    write_polygon(name);
    patch(name, ".shp", offset, bytes, n);
    cm_status st = load(&layer, name, diags);
    CHECK(layer == NULL);
    cm_layer_destroy(layer);
    return st;
}

/* The first record's content starts at byte 108: type 4, box 32, two counts,
 * then the part start (152) and the points (156). */
static void
test_damaged(void)
{
    int past = 1005, type = 99;
    double nan_x = NAN;
    cm_layer *layer = NULL;
    cm_diag_list *diags;

    CHECK_INT(load_damaged("partpast", 152, &past, 4, &diags), CM_ERR_INPUT);
    CHECK_STR(only_error(diags), expect("partpast", ".shp", "record 1 has a part starting "
              "past its 5 points; the file is damaged"));
    cm_diag_list_destroy(diags);

    CHECK_INT(load_damaged("nan", 156, &nan_x, 8, &diags), CM_ERR_INPUT);
    CHECK_STR(only_error(diags), expect("nan", ".shp", "record 1 has a point at (nan, 39), "
              "which is not a number; the file is damaged"));
    cm_diag_list_destroy(diags);

    CHECK_INT(load_damaged("type99", 32, &type, 4, &diags), CM_ERR_INPUT);
    CHECK_STR(only_error(diags), expect("type99", ".shp", "the header says its shapes are of "
              "type 99, which no shapefile has; the file is damaged"));
    cm_diag_list_destroy(diags);

    /* cut inside the record, while the .shx still points to all of it */
    write_polygon("cut");
    if (truncate(in_dir("cut", ".shp"), 150) != 0)
        perror(path_buf);
    CHECK_INT(load(&layer, "cut", &diags), CM_ERR_INPUT);
    CHECK_STR(only_error(diags), expect("cut", ".shp", "the .shx puts record 1 at bytes 100 "
              "to 236, outside the 150 bytes of the .shp; the file is cut short or damaged, "
              "or its .shx belongs to another file"));
    cm_diag_list_destroy(diags);

    /* a .prj that is not WKT (nor UTF-8) is an error, not a warning */
    write_polygon("prj");
    write_text("prj", ".prj", "hello, this is not WKT \xff\xfe\n");
    CHECK_INT(load(&layer, "prj", &diags), CM_ERR_INPUT);
    CHECK(layer == NULL);
    snprintf(expected, sizeof expected, "%s: the projection is not one PROJ understands (",
             in_dir("prj", ".prj"));
    CHECK(strncmp(only_error(diags), expected, strlen(expected)) == 0);
    cm_diag_list_destroy(diags);
}

/* ---- (h) roles ---------------------------------------------------------------------- */

static void
test_roles(void)
{
    char role[32];
    cm_layer *layer = NULL;
    cm_diag_list *diags = cm_diag_list_create();

    cm_layer_role_from_path("shapes/countries.shp", role, sizeof role);
    CHECK_STR(role, "countries");
    cm_layer_role_from_path("/data/v1.2/Water.SHP", role, sizeof role);
    CHECK_STR(role, "water");
    cm_layer_role_from_path("lines", role, sizeof role);
    CHECK_STR(role, "lines");
    cm_layer_role_from_path("REGIONS.shp", role, 4);
    CHECK_STR(role, "reg");

    CHECK_INT(cm_layer_load(&layer, in_dir("rings", ".shp"), NULL, diags), CM_OK);
    if (layer) {
        CHECK_STR(cm_layer_role(layer), "rings");
        CHECK_STR(cm_layer_path(layer), in_dir("rings", ".shp"));
    }
    cm_layer_destroy(layer);
    layer = NULL;
    CHECK_INT(cm_layer_load(&layer, in_dir("rings", ".shp"), "Water", diags), CM_OK);
    if (layer)
        CHECK_STR(cm_layer_role(layer), "Water");   /* as given */
    cm_layer_destroy(layer);
    cm_layer_destroy(NULL);
    cm_diag_list_destroy(diags);
}

/* ---- (k) reading only within an extent ------------------------------------------ */

/* A square of @size degrees with its south-west corner at (@x, @y). */
static SHPObject *
square(double x, double y, double size)
{
    double xs[] = { x, x, x + size, x + size, x }, ys[] = { y, y + size, y + size, y, y };
    return SHPCreateSimpleObject(SHPT_POLYGON, 5, xs, ys, NULL);
}

/* Gaza, Russia (damaged: its point count is far more than its bytes hold), Fiji
 * by the antimeridian, and Sudan. A map of Gaza reads Gaza only and never
 * meets the damage; a map across the antimeridian finds Fiji. */
static void
test_within(void)
{
    static const char *const names[] = { "Gaza", "Russia", "Fiji", "Sudan" };
    SHPObject *objs[] = { square(34.2, 31.2, 0.4), square(60, 50, 40), square(179.2, -17, 0.6),
                          square(22, 9, 14) };
    const double gaza[4] = { 34.0, 31.0, 35.0, 32.0 }, pacific[4] = { 175, -20, -175, -10 };
    const unsigned char huge[4] = { 0xff, 0xff, 0xff, 0x7f };
    const long second = 100 + 8 + 44 + 4 + 16 * 5;   /* record 2: after the header and record 1 */
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;

    write_shapes("within", SHPT_POLYGON, objs, 4);
    write_names("within", "UTF-8", names, 4);
    write_text("within", ".prj", "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID["
               "\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT["
               "\"Degree\",0.0174532925199433]]");
    patch("within", ".shp", second + 8 + 40, huge, 4);   /* its number of points */

    CHECK_INT(cm_layer_load(&layer, in_dir("within", ".shp"), NULL, diags), CM_ERR_INPUT);
    CHECK(strstr(only_error(diags), "record 2 says it has 1 parts and 2147483647 points") != NULL);
    cm_diag_list_destroy(diags);

    diags = cm_diag_list_create();
    CHECK_INT(cm_layer_load_within(&layer, in_dir("within", ".shp"), NULL, gaza, diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), 0);
    if (layer) {
        CHECK_INT(cm_layer_n_shapes(layer), 1);
        CHECK_INT(cm_layer_n_unread(layer), 3);
        CHECK_STR(cm_shape_name(cm_layer_shape(layer, 0)), "Gaza");
    }
    cm_layer_destroy(layer);
    layer = NULL;

    CHECK_INT(cm_layer_load_within(&layer, in_dir("within", ".shp"), NULL, pacific, diags),
              CM_OK);
    if (layer) {
        CHECK_INT(cm_layer_n_shapes(layer), 1);
        CHECK_STR(cm_shape_name(cm_layer_shape(layer, 0)), "Fiji");
    }
    cm_layer_destroy(layer);
    layer = NULL;

    /* a layer in UTM is read whole: its records' boxes are not in degrees */
    CHECK_INT(cm_layer_load_within(&layer, in_dir("utm", ".shp"), NULL, gaza, diags), CM_OK);
    if (layer) {
        CHECK_INT(cm_layer_n_shapes(layer), 4);
        CHECK_INT(cm_layer_n_unread(layer), 0);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

/* The .qix's mtime set @seconds after the .shp's. */
static void
date_index(const char *name, int seconds)
{
    struct stat sb;
    char shp[sizeof path_buf];
    snprintf(shp, sizeof shp, "%s", in_dir(name, ".shp"));
    if (stat(shp, &sb) != 0) {
        perror(shp);
        exit(2);
    }
    struct timespec t[2] = { sb.st_mtim, sb.st_mtim };
    t[0].tv_sec += seconds;
    t[1].tv_sec += seconds;
    if (utimensat(AT_FDCWD, in_dir(name, ".qix"), t, 0) != 0) {
        perror(path_buf);
        exit(2);
    }
}

static size_t
shapes_near_gaza(const char *name, size_t *unread)
{
    const double gaza[4] = { 34.0, 31.0, 35.0, 32.0 };
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    size_t n = 0;
    CHECK_INT(cm_layer_load_within(&layer, in_dir(name, ".shp"), NULL, gaza, diags), CM_OK);
    if (cm_diag_count(diags))
        fprintf(stderr, "%s\n", cm_diag_text(diags, 0));
    CHECK_INT(cm_diag_count(diags), 0);
    if (layer) {
        n = cm_layer_n_shapes(layer);
        *unread = cm_layer_n_unread(layer);
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
    return n;
}

/* A spatial index beside the .shp (X.qix) says which records to look at. To
 * see that it is used, the index is made for a set with Sudan fourth, and the
 * set then rewritten with that record moved next to Gaza (same size): an index
 * that is used hides it; one older than the .shp, one for another number of
 * records or a damaged one is not used, and every record's header is read. */
static void
test_index(void)
{
    static const char *const names[] = { "Gaza", "Russia", "Fiji", "Sudan" };
    SHPObject *before[] = { square(34.2, 31.2, 0.4), square(60, 50, 40), square(179.2, -17, 0.6),
                            square(22, 9, 0.2) };
    SHPObject *after[] = { square(34.2, 31.2, 0.4), square(60, 50, 40), square(179.2, -17, 0.6),
                           square(34.5, 31.5, 0.2) };
    size_t unread = 0;

    write_shapes("indexed", SHPT_POLYGON, before, 4);
    write_names("indexed", "UTF-8", names, 4);
    write_text("indexed", ".prj", "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID["
               "\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT["
               "\"Degree\",0.0174532925199433]]");
    SHPHandle h = SHPOpen(in_dir("indexed", ".shp"), "rb");
    SHPTree *tree = h ? SHPCreateTree(h, 2, 8, NULL, NULL) : NULL;
    if (!tree || !SHPWriteTree(tree, in_dir("indexed", ".qix"))) {
        fprintf(stderr, "cannot index %s\n", path_buf);
        exit(2);
    }
    SHPDestroyTree(tree);
    SHPClose(h);
    write_shapes("indexed", SHPT_POLYGON, after, 4);

    date_index("indexed", 1);
    CHECK_INT(shapes_near_gaza("indexed", &unread), 1);     /* the index was used */
    CHECK_INT(unread, 3);

    date_index("indexed", -1);                              /* older than the .shp */
    CHECK_INT(shapes_near_gaza("indexed", &unread), 2);
    CHECK_INT(unread, 2);

    const unsigned char five[4] = { 5, 0, 0, 0 }, four[4] = { 4, 0, 0, 0 };
    patch("indexed", ".qix", 8, five, 4);                   /* made for five records */
    date_index("indexed", 1);
    CHECK_INT(shapes_near_gaza("indexed", &unread), 2);
    patch("indexed", ".qix", 8, four, 4);
    if (truncate(in_dir("indexed", ".qix"), 30) != 0) {     /* cut short */
        perror(path_buf);
        exit(2);
    }
    date_index("indexed", 1);
    CHECK_INT(shapes_near_gaza("indexed", &unread), 2);
}

int
main(void)
{
    snprintf(dir, sizeof dir, "layer-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    test_rings();
    test_utm();
    test_no_prj();
    test_cp1251();
    test_code_pages();
    test_z_and_m();
    test_skipped();
    test_missing();
    test_damaged();
    test_roles();
    test_within();
    test_index();
    if (!getenv("KEEP")) remove_dir();
    return check_result("test_layer");
}
