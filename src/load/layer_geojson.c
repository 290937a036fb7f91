/* GeoJSON layers: polygons and lines from a GeoJSON file, written as a shapefile
 * (UTF-8 .dbf, WGS84 .prj) in a folder under $TMPDIR for the layer module to
 * load. Which features mean
 * what (names, roles) is the layer and scene modules' business. */
#include "load/layer_geojson.h"
#include "conflictmap/limits.h"
#include "common/grow.h"
#include "common/input.h"
#include "common/tempdir.h"

#include <errno.h>
#include <jansson.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { MAX_FIELDS = 64, FIELD_WIDTH = 254 };

static const char wgs84_wkt[] =
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137,"
    "298.257223563]],PRIMEM[\"Greenwich\",0],UNIT[\"Degree\",0.017453292519943295]]";

/* What one conversion holds while it writes. */
typedef struct writer {
    const char *path;
    cm_diag_list *diags;
    SHPHandle shp;
    DBFHandle dbf;
    int shp_type;                /* SHPT_POLYGON or SHPT_ARC, from the first geometry */
    char fields[MAX_FIELDS][12];
    int n_fields, n_records, n_points_skipped;
    double *x, *y;               /* one shape's vertices */
    int *part_start;
    int n_points, n_parts;       /* ints, as shapelib counts */
    size_t cap_x, cap_y, cap_parts;
} writer;

int
cm_geojson_is_layer(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (strcasecmp(dot, ".geojson") == 0 || strcasecmp(dot, ".json") == 0);
}

static cm_status
bad(writer *w, int feature, const char *why)
{
    cm_pos pos = { w->path, 0, 0 };
    cm_diag_error(w->diags, &pos, "feature %d: %s", feature + 1, why);
    return CM_ERR_INPUT;
}

static cm_status
add_vertex(writer *w, double lon, double lat)
{
    size_t n = (size_t)w->n_points;
    if (!CM_GROW(w->x, n, w->cap_x) || !CM_GROW(w->y, n, w->cap_y))
        return CM_ERR_NOMEM;
    w->x[w->n_points] = lon;
    w->y[w->n_points++] = lat;
    return CM_OK;
}

static cm_status
start_part(writer *w)
{
    if (!CM_GROW(w->part_start, (size_t)w->n_parts, w->cap_parts))
        return CM_ERR_NOMEM;
    w->part_start[w->n_parts++] = w->n_points;
    return CM_OK;
}

/* One ring or line: an array of [lon, lat] positions, each checked. */
static cm_status
add_part(writer *w, int feature, json_t *positions, size_t min)
{
    size_t i;
    json_t *pos;
    if (!json_is_array(positions) || json_array_size(positions) < min)
        return bad(w, feature, min == 4 ? "a polygon ring needs at least 4 positions"
                                        : "a line needs at least 2 positions");
    cm_status st = start_part(w);
    json_array_foreach(positions, i, pos) {
        json_t *lon = json_array_get(pos, 0), *lat = json_array_get(pos, 1);
        if (st != CM_OK)
            break;
        if (!json_is_number(lon) || !json_is_number(lat))
            return bad(w, feature, "a position is not [longitude, latitude]");
        double x = json_number_value(lon), y = json_number_value(lat);
        if (x < -180 || x > 180 || y < -90 || y > 90)
            return bad(w, feature, "a position is outside longitude -180..180, latitude "
                       "-90..90; GeoJSON layers must be WGS84 (RFC 7946)");
        st = add_vertex(w, x, y);
    }
    return st;
}

/* @depth 1: the coordinates are parts; 2: they are groups of parts. */
static cm_status
add_parts(writer *w, int feature, json_t *coords, int depth, size_t min)
{
    size_t i;
    json_t *item;
    cm_status st = CM_OK;
    if (!json_is_array(coords))
        return bad(w, feature, "\"coordinates\" is not an array");
    json_array_foreach(coords, i, item) {
        st = depth > 1 ? add_parts(w, feature, item, depth - 1, min)
                       : add_part(w, feature, item, min);
        if (st != CM_OK)
            break;
    }
    return st;
}

static int
kind_of(const char *type, int *depth, size_t *min)
{
    static const struct { const char *name; int shp_type, depth; size_t min; } kinds[] = {
        { "Polygon", SHPT_POLYGON, 1, 4 }, { "MultiPolygon", SHPT_POLYGON, 2, 4 },
        { "LineString", SHPT_ARC, 0, 2 }, { "MultiLineString", SHPT_ARC, 1, 2 },
        { "Point", SHPT_POINT, 0, 0 }, { "MultiPoint", SHPT_POINT, 0, 0 },
    };
    for (size_t i = 0; type && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(type, kinds[i].name) == 0) {
            *depth = kinds[i].depth;
            *min = kinds[i].min;
            return kinds[i].shp_type;
        }
    return SHPT_NULL;
}

static cm_status
write_record(writer *w, int feature, json_t *props)
{
    SHPObject *obj = SHPCreateObject(w->shp_type, -1, w->n_parts, w->part_start, NULL,
                                     w->n_points, w->x, w->y, NULL, NULL);
    if (!obj)
        return CM_ERR_NOMEM;
    int rec = SHPWriteObject(w->shp, -1, obj);
    SHPDestroyObject(obj);
    if (rec < 0)
        return CM_ERR_IO;
    for (int f = 0; f < w->n_fields; f++) {
        json_t *v = json_object_get(props, w->fields[f]);
        char buf[64];
        const char *text = json_is_string(v) ? json_string_value(v) : NULL;
        if (json_is_number(v))
            snprintf(buf, sizeof buf, "%.15g", json_number_value(v));
        if (json_is_number(v) || json_is_boolean(v))
            text = json_is_number(v) ? buf : json_is_true(v) ? "true" : "false";
        if (!DBFWriteStringAttribute(w->dbf, rec, f, text ? text : ""))
            return CM_ERR_IO;
    }
    w->n_records++;
    (void)feature;
    return CM_OK;
}

static cm_status
add_feature(writer *w, int feature, json_t *geometry, json_t *props)
{
    int depth = 0;
    size_t min = 0;
    const char *type = json_string_value(json_object_get(geometry, "type"));
    int shp_type = kind_of(type, &depth, &min);
    json_t *coords = json_object_get(geometry, "coordinates");
    if (json_is_null(geometry) || !geometry)
        return CM_OK;
    if (shp_type == SHPT_POINT) {
        w->n_points_skipped++;
        return CM_OK;
    }
    if (shp_type == SHPT_NULL)
        return bad(w, feature, "the geometry is not a Polygon, MultiPolygon, LineString or "
                   "MultiLineString; a boundary layer has only those");
    if (shp_type != w->shp_type)
        return bad(w, feature, "the file mixes polygons and lines; put each kind in a file "
                   "of its own");
    w->n_points = w->n_parts = 0;
    cm_status st = depth == 0 ? add_part(w, feature, coords, min)
                              : add_parts(w, feature, coords, depth, min);
    return st == CM_OK ? write_record(w, feature, props) : st;
}

/* The features as an array, whatever the file's top level is. */
static json_t *
features_of(json_t *root)
{
    const char *type = json_string_value(json_object_get(root, "type"));
    if (type && strcmp(type, "FeatureCollection") == 0)
        return json_incref(json_object_get(root, "features"));
    if (type && strcmp(type, "Feature") == 0)
        return json_pack("[O]", root);
    json_t *feature = json_pack("{s:s, s:O, s:{}}", "type", "Feature", "geometry", root,
                                "properties");
    return feature ? json_pack("[o]", feature) : NULL;
}

/* The .dbf fields: every property key of at most 11 bytes (the .dbf limit)
 * holding text, a number or a truth value; and the shapefile's type. */
static void
survey(writer *w, json_t *features)
{
    size_t i;
    json_t *f;
    json_array_foreach(features, i, f) {
        const char *key;
        json_t *v;
        int depth = 0;
        size_t min = 0;
        int type = kind_of(json_string_value(json_object_get(json_object_get(f, "geometry"),
                                                               "type")), &depth, &min);
        if (!w->shp_type && (type == SHPT_POLYGON || type == SHPT_ARC))
            w->shp_type = type;
        json_object_foreach(json_object_get(f, "properties"), key, v) {
            int seen = 0;
            if (strlen(key) > 11 || !(json_is_string(v) || json_is_number(v) ||
                                      json_is_boolean(v)))
                continue;
            for (int k = 0; k < w->n_fields; k++)
                seen |= strcmp(w->fields[k], key) == 0;
            if (!seen && w->n_fields < MAX_FIELDS)
                strcpy(w->fields[w->n_fields++], key);
        }
    }
}

static cm_status
write_text(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    int ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? CM_OK : CM_ERR_IO;
}

static cm_status
open_files(writer *w, const char *dir, char **shp_path)
{
    size_t n = strlen(dir) + 16;
    *shp_path = malloc(n);
    if (!*shp_path)
        return CM_ERR_NOMEM;
    snprintf(*shp_path, n, "%s/layer.shp", dir);
    w->shp = SHPCreate(*shp_path, w->shp_type);
    w->dbf = DBFCreateEx(*shp_path, "UTF-8");
    if (!w->shp || !w->dbf)
        return CM_ERR_IO;
    for (int f = 0; f < w->n_fields; f++)
        if (DBFAddField(w->dbf, w->fields[f], FTString, FIELD_WIDTH, 0) < 0)
            return CM_ERR_IO;
    if (w->n_fields == 0 && DBFAddField(w->dbf, "id", FTString, 16, 0) < 0)
        return CM_ERR_IO;
    cm_status st = write_text(dir, "layer.prj", wgs84_wkt);
    return st == CM_OK ? write_text(dir, "layer.cpg", "UTF-8") : st;
}

static cm_status
write_all(writer *w, json_t *features)
{
    size_t i;
    json_t *f;
    cm_status st = CM_OK;
    json_array_foreach(features, i, f) {
        st = add_feature(w, (int)i, json_object_get(f, "geometry"),
                         json_object_get(f, "properties"));
        if (st != CM_OK)
            return st;
    }
    if (w->n_points_skipped) {
        cm_pos pos = { w->path, 0, 0 };
        cm_diag_warning(w->diags, &pos, "%d point feature(s) skipped; a boundary layer draws "
                        "polygons and lines", w->n_points_skipped);
    }
    return st;
}

/* The positions in a GeoJSON file are counted before jansson parses it (an
 * array that starts with a number: a position, or now and then a "bbox"),
 * since the parsed tree takes some ten times the file's size: --max-vertices
 * is met before that, and said where it is passed. The file is read in
 * blocks, so what the scan has seen carries from one to the next. */
typedef struct scan {
    size_t n_positions;
    int line, col;               /* of the next byte */
    int in_string, escaped;
    int after_bracket;           /* a '[' seen, and only blanks since */
    int bracket_line, bracket_col;
} scan;

static int
is_blank(unsigned c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 when the position at the last '[' is one more than @max. */
static int
scan_block(scan *s, const unsigned char *b, size_t n, size_t max)
{
    for (size_t i = 0; i < n; i++) {
        unsigned c = b[i];
        if (s->in_string) {
            s->in_string = s->escaped || c != '"';
            s->escaped = !s->escaped && c == '\\';
        } else {
            if (s->after_bracket && !is_blank(c)) {
                s->after_bracket = 0;
                if ((c == '-' || (c >= '0' && c <= '9')) && ++s->n_positions > max)
                    return 1;
            }
            s->in_string = c == '"';
            if (c == '[') {
                s->after_bracket = 1;
                s->bracket_line = s->line;
                s->bracket_col = s->col;
            }
        }
        if (c == '\n') {
            s->line++;
            s->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            s->col++;
        }
    }
    return 0;
}

static cm_status
count_positions(FILE *f, const char *path, cm_diag_list *diags)
{
    unsigned char buf[65536];
    size_t max = cm_limits_get()->max_vertices, got;
    scan s = { .line = 1, .col = 1 };

    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        if (scan_block(&s, buf, got, max)) {
            cm_pos pos = { path, s.bracket_line, s.bracket_col };
            cm_diag_error(diags, &pos, "the layer has more than %zu points, the limit "
                          "(--max-vertices changes it); simplify it (for example with "
                          "mapshaper -simplify)", max);
            return CM_ERR_INPUT;
        }
    return ferror(f) ? CM_ERR_IO : CM_OK;
}

/* Held to what every input file is (its kind, --max-file-size) and counted,
 * then parsed from the start (json_loadf: json_loadfd reads a byte a system
 * call); jansson checks the UTF-8 RFC 7946 requires. */
static cm_status
read_json(const char *path, json_t **root, cm_diag_list *diags)
{
    json_error_t err;
    int fd = -1;
    FILE *f = NULL;
    cm_status st = cm_input_open(path, cm_limits_get()->max_file_bytes,
                                 "simplify it (for example with mapshaper -simplify)", &fd,
                                 diags);

    *root = NULL;
    if (st == CM_OK && !(f = fdopen(fd, "rb"))) {
        close(fd);
        st = CM_ERR_NOMEM;
    }
    if (st == CM_OK)
        st = count_positions(f, path, diags);
    if (st == CM_OK && fseek(f, 0, SEEK_SET) != 0)
        st = CM_ERR_IO;
    if (st == CM_OK && !(*root = json_loadf(f, JSON_REJECT_DUPLICATES, &err))) {
        cm_pos pos = { path, err.line > 0 ? err.line : 0, err.column > 0 ? err.column : 0 };
        cm_diag_error(diags, &pos, "not valid GeoJSON: %s", err.text);
        st = CM_ERR_INPUT;
    }
    if (st == CM_ERR_IO) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot read \"%s\": %s", path, strerror(errno));
    }
    if (f)
        fclose(f);
    return st;
}

cm_status
cm_geojson_to_shapefile(const char *path, char **shp_path, char **dir, cm_diag_list *diags)
{
    writer w = { .path = path, .diags = diags };
    json_t *root = NULL, *features = NULL;
    cm_status st = read_json(path, &root, diags);

    *shp_path = *dir = NULL;
    if (st != CM_OK)
        return st;
    features = features_of(root);
    st = CM_ERR_INPUT;
    if (!json_is_array(features)) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "not a GeoJSON FeatureCollection, Feature or geometry");
        goto cleanup;
    }
    survey(&w, features);
    if (!w.shp_type) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "no Polygon, MultiPolygon, LineString or MultiLineString "
                      "in it; a boundary layer needs at least one");
        goto cleanup;
    }
    st = cm_tempdir_create("conflictmap-geojson", path, dir, diags);
    if (st == CM_OK)
        st = open_files(&w, *dir, shp_path);
    if (st == CM_OK)
        st = write_all(&w, features);
cleanup:
    if (w.dbf)
        DBFClose(w.dbf);
    if (w.shp)
        SHPClose(w.shp);
    free(w.x);
    free(w.y);
    free(w.part_start);
    json_decref(features);
    json_decref(root);
    if (st != CM_OK && *dir) {
        cm_geojson_remove(*dir);
        free(*dir);
        free(*shp_path);
        *dir = *shp_path = NULL;
    }
    return st;
}

void
cm_geojson_remove(const char *dir)
{
    cm_tempdir_remove(dir);
}
