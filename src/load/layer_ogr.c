/* Layers in every vector format but the shapefile (GeoJSON, GeoPackage, KML,
 * KMZ, FlatGeobuf, GML, ...), read with GDAL/OGR straight into the layer's own
 * arrays: one feature's geometry at a time is held besides, so a layer costs
 * what a shapefile of it costs. GDAL's messages come to our diagnostics, never
 * to stderr. Shapefiles stay with shapelib (layer.c). */
#include "load/layer_ogr.h"
#include "conflictmap/limits.h"
#include "common/input.h"
#include "load/layer.h"
#include "load/gdal.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_PARTS = 10 * 1000 * 1000 };

static const char simplify[] = "simplify it (for example with mapshaper -simplify)";

/* What one load holds while it reads. */
typedef struct reader {
    const char *path;            /* as messages name it */
    cm_diag_list *diags;
    cm_layer *layer;
    size_t n_points, n_parts;    /* kept so far, for the limits */
    long feature;                /* 1-based, in the order OGR gives them */
    int n_null, n_point_features, n_empty;
    cm_shape_kind kind;          /* of the first shape kept; 0 before it */
    char gdal_message[512];      /* GDAL's last failure */
} reader;

/* ---- GDAL's messages ------------------------------------------------------------------ */

/* GDAL's handler is per thread (CPLPushErrorHandlerEx), so loads in parallel
 * keep their own. Warnings are dropped: GDAL warns of things we report better
 * (or not at all, as a missing optional field). */
static void
keep_gdal_message(CPLErr level, CPLErrorNum num, const char *message)
{
    reader *r = G(CPLGetErrorHandlerUserData)();

    (void)num;
    if (r && level >= CE_Failure && message && !r->gdal_message[0])
        snprintf(r->gdal_message, sizeof r->gdal_message, "%s", message);
}

/* GDAL's message as ours (cm_layer_tidy_message). */
static const char *
gdal_said(reader *r)
{
    return cm_layer_tidy_message(r->gdal_message, "GDAL gave no reason");
}


/* ---- small helpers --------------------------------------------------------------------- */

int
cm_ogr_is_layer(const char *path)
{
    static const char *const shapefile[] = { ".shp", ".shx", ".dbf", ".prj", ".cpg" };
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');

    for (size_t i = 0; dot && i < sizeof shapefile / sizeof shapefile[0]; i++)
        if (strcasecmp(dot, shapefile[i]) == 0)
            return 0;                    /* the shapefile loader, or its message */
    return 1;
}

static cm_status
bad_feature(reader *r, const char *fmt, const char *what)
{
    cm_pos pos = { r->path, 0, 0 };
    char why[256];

    snprintf(why, sizeof why, fmt, what);
    cm_diag_error(r->diags, &pos, "feature %ld: %s", r->feature, why);
    return CM_ERR_INPUT;
}

/* A copy of @s that is valid UTF-8 (OGR gives UTF-8 but does not promise it
 * for every driver): a bad byte becomes U+FFFD. */
static char *
utf8_copy(const char *s)
{
    size_t len = strlen(s), n = 0;
    char *out = malloc(3 * len + 1);

    if (!out)
        return NULL;
    for (size_t i = 0, k; i < len; i += k) {
        k = cm_utf8_sequence_length((const unsigned char *)s + i, len - i);
        if (k == 0) {
            memcpy(out + n, "\xEF\xBF\xBD", 3);
            n += 3;
            k = 1;
        } else {
            memcpy(out + n, s + i, k);
            n += k;
        }
    }
    out[n] = '\0';
    return out;
}

/* ---- fields -------------------------------------------------------------------------- */

/* Every field but binary ones (blobs: nothing to show), in the layer's order. */
static cm_status
read_fields(reader *r, OGRFeatureDefnH defn, int **index, size_t *n_kept)
{
    int n = G(OGR_FD_GetFieldCount)(defn);
    char **fields = calloc((size_t)n + 1, sizeof(char *));
    size_t k = 0;

    *index = calloc((size_t)n + 1, sizeof(int));
    if (!fields || !*index) {
        free(fields);
        return CM_ERR_NOMEM;
    }
    for (int f = 0; f < n; f++) {
        OGRFieldDefnH fd = G(OGR_FD_GetFieldDefn)(defn, f);
        if (G(OGR_Fld_GetType)(fd) == OFTBinary)
            continue;
        if (!(fields[k] = utf8_copy(G(OGR_Fld_GetNameRef)(fd)))) {
            for (size_t j = 0; j < k; j++)
                free(fields[j]);
            free(fields);
            return CM_ERR_NOMEM;
        }
        (*index)[k++] = f;
    }
    cm_layer_build_fields(r->layer, fields, k);
    *n_kept = k;
    return CM_OK;
}

static char **
read_values(OGRFeatureH feat, const int *index, size_t n)
{
    char **values = calloc(n + 1, sizeof(char *));

    for (size_t f = 0; values && f < n; f++) {
        int i = index[f];
        int set = G(OGR_F_IsFieldSetAndNotNull)(feat, i);
        if (!(values[f] = utf8_copy(set ? G(OGR_F_GetFieldAsString)(feat, i) : ""))) {
            for (size_t j = 0; j < f; j++)
                free(values[j]);
            free(values);
            return NULL;
        }
    }
    return values;
}

/* ---- geometry ------------------------------------------------------------------------ */

static cm_status
too_many_points(reader *r)
{
    cm_pos pos = { r->path, 0, 0 };
    cm_diag_error(r->diags, &pos, "feature %ld: the layer has more than %zu points, the "
                  "limit (--max-vertices changes it); %s", r->feature,
                  cm_limits_get()->max_vertices, simplify);
    return CM_ERR_INPUT;
}

/* One ring or line, its points written straight into the layer. */
static cm_status
add_curve(reader *r, OGRGeometryH g, int polygon)
{
    int n = G(OGR_G_GetPointCount)(g);

    if (n <= 0)
        return CM_OK;
    if (polygon && n < 3) {
        char count[32];
        snprintf(count, sizeof count, "%d", n);
        return bad_feature(r, "has a polygon ring of %s points; a ring needs at least 3", count);
    }
    if ((size_t)n > cm_limits_get()->max_vertices - r->n_points)
        return too_many_points(r);
    if (r->n_parts >= MAX_PARTS) {
        cm_pos pos = { r->path, 0, 0 };
        cm_diag_error(r->diags, &pos, "feature %ld: the layer has more than %d parts, the "
                      "most conflictmap draws in one layer; %s", r->feature, MAX_PARTS,
                      simplify);
        return CM_ERR_INPUT;
    }
    double *xy = cm_layer_build_part(r->layer, (size_t)n);
    if (!xy)
        return CM_ERR_NOMEM;
    G(OGR_G_GetPoints)(g, xy, 2 * sizeof(double), xy + 1, 2 * sizeof(double), NULL, 0);
    for (int i = 0; i < n; i++)
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) {
            char at[96];
            snprintf(at, sizeof at, "(%g, %g)", xy[2 * i], xy[2 * i + 1]);
            return bad_feature(r, "has a point at %s, which is not a number", at);
        }
    r->n_points += (size_t)n;
    r->n_parts++;
    return CM_OK;
}

/* The rings of polygons and the lines of a feature, walking collections;
 * points are counted and skipped. *kind is what was found (0, polygon, line). */
static cm_status
add_geometry(reader *r, OGRGeometryH g, cm_shape_kind *kind, int *points)
{
    OGRwkbGeometryType t = wkbFlatten(G(OGR_G_GetGeometryType)(g));
    cm_shape_kind k = 0;
    cm_status st = CM_OK;

    switch (t) {
    case wkbPoint: case wkbMultiPoint:
        *points = 1;
        return CM_OK;
    case wkbLineString: case wkbLinearRing:
        k = CM_SHAPE_LINE;
        st = add_curve(r, g, 0);
        break;
    case wkbPolygon: case wkbTriangle:
        k = CM_SHAPE_POLYGON;
        for (int i = 0; st == CM_OK && i < G(OGR_G_GetGeometryCount)(g); i++)
            st = add_curve(r, G(OGR_G_GetGeometryRef)(g, i), 1);
        break;
    case wkbMultiLineString: case wkbMultiPolygon: case wkbGeometryCollection:
    case wkbPolyhedralSurface: case wkbTIN:
        for (int i = 0; st == CM_OK && i < G(OGR_G_GetGeometryCount)(g); i++)
            st = add_geometry(r, G(OGR_G_GetGeometryRef)(g, i), kind, points);
        return st;
    default:
        if (G(OGR_G_HasCurveGeometry)(g, 0)) {   /* arcs: to straight segments */
            OGRGeometryH lin = G(OGR_G_GetLinearGeometry)(g, 0, NULL);
            if (!lin)
                return CM_ERR_NOMEM;
            st = add_geometry(r, lin, kind, points);
            G(OGR_G_DestroyGeometry)(lin);
            return st;
        }
        return bad_feature(r, "has a geometry of type %s, which conflictmap does not draw",
                           G(OGRGeometryTypeToName)(t));
    }
    if (st == CM_OK && *kind && *kind != k)
        return bad_feature(r, "%s", "mixes lines and polygons in one geometry; a layer is "
                           "either lines or polygons: put them in two files");
    *kind = k;
    return st;
}

/* One feature: its parts into the layer and the shape that closes them. */
static cm_status
add_feature(reader *r, OGRFeatureH feat, const int *index, size_t n_fields,
            const double *extent)
{
    OGRGeometryH g = G(OGR_F_GetGeometryRef)(feat);
    cm_shape_kind kind = 0;
    int points = 0;

    if (!g) {
        r->n_null++;
        return CM_OK;
    }
    if (extent) {
        OGREnvelope e;
        G(OGR_G_GetEnvelope)(g, &e);
        double box[4] = { e.MinX, e.MinY, e.MaxX, e.MaxY };
        if (isfinite(box[0]) && isfinite(box[1]) && isfinite(box[2]) && isfinite(box[3]) &&
            !cm_layer_box_meets(box, extent)) {
            cm_layer_build_unread(r->layer, 1);
            return CM_OK;
        }
    }
    cm_status st = add_geometry(r, g, &kind, &points);
    if (st != CM_OK)
        return st;
    if (!kind) {
        cm_layer_build_drop(r->layer);
        *(points ? &r->n_point_features : &r->n_empty) += 1;
        return CM_OK;
    }
    if (r->kind && r->kind != kind)
        return bad_feature(r, "is %s, but the features before it are not; a layer is "
                           "either lines or polygons: put them in two files",
                           kind == CM_SHAPE_LINE ? "a line" : "a polygon");
    r->kind = kind;
    char **values = read_values(feat, index, n_fields);
    if (!values)
        return CM_ERR_NOMEM;
    return cm_layer_build_shape(r->layer, kind, (int)r->feature, values);
}

/* ---- the layer ---------------------------------------------------------------------- */

/* The first layer whose geometry may be lines or polygons (a KML's folders and
 * a GeoPackage's tables are layers of their own); NULL when there is none. */
static OGRLayerH
pick_layer(GDALDatasetH ds, int *n_candidates)
{
    OGRLayerH chosen = NULL;

    *n_candidates = 0;
    for (int i = 0; i < G(GDALDatasetGetLayerCount)(ds); i++) {
        OGRLayerH l = G(GDALDatasetGetLayer)(ds, i);
        OGRwkbGeometryType t = wkbFlatten(G(OGR_L_GetGeomType)(l));
        if (t == wkbNone || t == wkbPoint || t == wkbMultiPoint)
            continue;
        if (!chosen)
            chosen = l;
        ++*n_candidates;
    }
    return chosen;
}

/* The layer's CRS as WKT2 for PROJ, or NULL when it has none. */
static char *
crs_wkt(OGRLayerH l)
{
    OGRSpatialReferenceH srs = G(OGR_L_GetSpatialRef)(l);
    const char *const options[] = { "FORMAT=WKT2_2019", NULL };
    char *wkt = NULL, *copy = NULL;

    if (!srs || G(OSRExportToWktEx)(srs, &wkt, options) != OGRERR_NONE || !wkt)
        return G(VSIFree)(wkt), NULL;
    copy = strdup(wkt);
    G(VSIFree)(wkt);
    return copy;
}

static void
warn_skipped(reader *r)
{
    cm_pos pos = { r->path, 0, 0 };

    if (r->n_point_features)
        cm_diag_warning(r->diags, &pos, "%d point feature(s) skipped; a boundary layer draws "
                        "polygons and lines", r->n_point_features);
    if (r->n_null + r->n_empty)
        cm_diag_warning(r->diags, &pos, "skipped %d feature(s) without geometry",
                        r->n_null + r->n_empty);
}

/* A file that says its coordinates are longitudes and latitudes (every GeoJSON
 * file, RFC 7946) but whose numbers cannot be is refused: drawn, it would be
 * nowhere. Longitudes to +-540 are kept, as a line across the antimeridian has. */
static cm_status
check_lonlat(reader *r, const char *wkt)
{
    double b[4];
    cm_pos pos = { r->path, 0, 0 };

    if (wkt && !cm_layer_wkt_is_lonlat(wkt))
        return CM_OK;
    if (!cm_layer_bbox(r->layer, b) || (b[0] >= -540 && b[2] <= 540 && b[1] >= -90 &&
                                        b[3] <= 90))
        return CM_OK;
    cm_diag_error(r->diags, &pos, "its coordinates reach from (%g, %g) to (%g, %g), which "
                  "are not longitudes and latitudes though the file says they are (GeoJSON "
                  "must be WGS84 longitude/latitude); convert it, for example with ogr2ogr "
                  "-t_srs EPSG:4326", b[0], b[1], b[2], b[3]);
    return CM_ERR_INPUT;
}

static cm_status
read_layer(reader *r, GDALDatasetH ds, const double *extent)
{
    int n_candidates, *index = NULL;
    size_t n_fields = 0;
    cm_pos pos = { r->path, 0, 0 };
    OGRLayerH l = pick_layer(ds, &n_candidates);
    char *wkt = NULL;
    cm_status st;

    if (!l) {
        cm_diag_error(r->diags, &pos, "it has no layer of lines or polygons; a boundary "
                      "layer needs at least one");
        return CM_ERR_INPUT;
    }
    if (n_candidates > 1)
        cm_diag_warning(r->diags, &pos, "it has %d layers of lines or polygons; conflictmap "
                        "reads the first, \"%s\" (split the others into files of their own)",
                        n_candidates, G(OGR_L_GetName)(l));
    wkt = crs_wkt(l);
    /* The extent is in WGS84 lon/lat: OGR filters by it (with a spatial index
     * where the format has one) only in that CRS and when it does not cross the
     * antimeridian; each feature's box is checked again in any case. */
    if (extent && wkt && !cm_layer_wkt_is_lonlat(wkt))
        extent = NULL;
    if (extent && extent[0] <= extent[2])
        G(OGR_L_SetSpatialFilterRect)(l, extent[0], extent[1], extent[2], extent[3]);
    st = read_fields(r, G(OGR_L_GetLayerDefn)(l), &index, &n_fields);
    G(OGR_L_ResetReading)(l);
    for (OGRFeatureH f; st == CM_OK && (f = G(OGR_L_GetNextFeature)(l)); G(OGR_F_Destroy)(f)) {
        r->feature++;
        st = add_feature(r, f, index, n_fields, extent);
        if (st != CM_OK) {
            G(OGR_F_Destroy)(f);
            break;
        }
    }
    if (st == CM_OK && r->gdal_message[0]) {   /* reading stopped on an error */
        cm_diag_error(r->diags, &pos, "after feature %ld: %s", r->feature, gdal_said(r));
        st = CM_ERR_INPUT;
    }
    if (st == CM_OK && r->kind == 0 && r->feature > 0 && !cm_layer_n_unread(r->layer)) {
        cm_diag_error(r->diags, &pos, "no polygons or lines in it; a boundary layer needs "
                      "at least one");
        st = CM_ERR_INPUT;
    }
    if (st == CM_OK)
        warn_skipped(r);
    if (st == CM_OK)
        st = cm_layer_build_end(r->layer, wkt, "the file's coordinate reference system",
                                r->diags);
    if (st == CM_OK)
        st = check_lonlat(r, wkt);
    free(index);
    free(wkt);
    return st;
}

cm_status
cm_ogr_load(cm_layer **out, const char *path, const char *gdal_path, const char *role,
            const double *extent_deg, size_t max_file_bytes, cm_diag_list *diags)
{
    reader r = { .path = path, .diags = diags };
    cm_pos pos = { path, 0, 0 };
    cm_status st = CM_OK;
    GDALDatasetH ds = NULL;

    *out = NULL;
    if (!gdal_path) {
        st = cm_input_check(path, max_file_bytes, simplify, diags);
        gdal_path = path;
    }
    if (st != CM_OK)
        return st;
    const char *gdal_error = cm_gdal_load();
    if (gdal_error) {
        cm_diag_error(diags, &pos, "reading this format needs GDAL, which cannot be loaded "
                      "(%s); install it (Debian: libgdal32), or convert the layer to a "
                      "shapefile", gdal_error);
        return CM_ERR_IO;
    }
    G(CPLPushErrorHandlerEx)(keep_gdal_message, &r);
    /* A .kmz is a zip of a KML, which the KML driver reads where LIBKML is missing. */
    /* Nothing is written beside the input: the GML driver would leave a .gfs. */
    static const char *const open_options[] = { "WRITE_GFS=NO", NULL };
    ds = G(GDALOpenEx)(gdal_path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                       NULL, open_options, NULL);
    if (!ds) {
        const char *said = gdal_said(&r);
        int line = 0, col = 0, n = 0;
        /* GeoJSON's parser says where: "At line 2, character 13: ..." */
        if (sscanf(said, "At line %d, character %d: %n", &line, &col, &n) == 2 && n > 0) {
            pos.line = line;
            pos.col = col;
            said += n;
        }
        if (r.gdal_message[0])
            cm_diag_error(diags, &pos, "GDAL cannot read it as a vector layer: %s", said);
        else
            cm_diag_error(diags, &pos, "not a vector layer in a format GDAL reads "
                          "(GeoJSON, GeoPackage, KML, KMZ, FlatGeobuf, shapefile, ...)");
        st = CM_ERR_INPUT;
    }
    if (st == CM_OK)
        st = cm_layer_build_begin(&r.layer, path, role);
    if (st == CM_OK) {
        r.gdal_message[0] = '\0';
        st = read_layer(&r, ds, extent_deg);
    }
    if (ds)
        G(GDALClose)(ds);
    G(CPLPopErrorHandler)();
    if (st == CM_OK) {
        *out = r.layer;
        r.layer = NULL;
    }
    cm_layer_destroy(r.layer);
    return st;
}
