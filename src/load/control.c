/* Control layers read through GDAL/OGR: every polygon feature with its side,
 * status and validity (src/load/control.h; docs/control.md). A folder holds
 * one file a date, named by it (2022-11-11.geojson): each the whole state
 * from that date until the next file's. */
#include "load/control.h"
#include "common/grow.h"
#include "load/control_cache.h"

#include "load/gdal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

const char *
cm_control_status_name(cm_control_status s)
{
    static const char *const names[] = { "controlled", "claimed", "contested" };
    return s < CM_CONTROL_N_STATUS ? names[s] : "controlled";
}

/* "controlled" and the words analysts use for it; -1 when none fits. */
static int
parse_status(const char *s)
{
    static const struct { const char *word; cm_control_status status; } words[] = {
        { "controlled", CM_CONTROL_CONTROLLED }, { "control", CM_CONTROL_CONTROLLED },
        { "held", CM_CONTROL_CONTROLLED },       { "claimed", CM_CONTROL_CLAIMED },
        { "claim", CM_CONTROL_CLAIMED },         { "contested", CM_CONTROL_CONTESTED },
        { "advances", CM_CONTROL_CONTESTED },    { "advance", CM_CONTROL_CONTESTED },
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcasecmp(s, words[i].word) == 0)
            return (int)words[i].status;
    return -1;
}

cm_status
cm_control_create(cm_control **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? CM_OK : CM_ERR_NOMEM;
}

void
cm_control_destroy(cm_control *c)
{
    if (!c)
        return;
    free(c->features);
    if (c->points_map)
        munmap(c->points_map, c->points_map_size);
    else
        free(c->lonlat);
    free(c->ring_start);
    free(c->ring_outer);
    free(c);
}

int
cm_control_own_points(cm_control *c)
{
    if (!c->points_map)
        return 1;
    size_t n = 2 * c->n_points;
    double *p = malloc((n ? n : 1) * sizeof(double));
    if (!p)
        return 0;
    memcpy(p, c->lonlat, n * sizeof(double));
    munmap(c->points_map, c->points_map_size);
    c->points_map = NULL;
    c->lonlat = p;
    c->cap_points = n;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* "2022-11-11" (00:00 UTC that day) or an RFC 3339 date-time. NULL on
 * success, else the reason. */
static const char *
parse_moment(const char *text, cm_time *out)
{
    unsigned y, m, d;
    char tail, s[64];
    /* OGR writes its own dates as 2022/11/11 and 2022/11/11 06:00:00+00 (KML
     * written by ogr2ogr from a GeoJSON whose dates it recognised) */
    snprintf(s, sizeof s, "%s", text);
    size_t n = strlen(s);
    if (n >= 10 && s[4] == '/' && s[7] == '/') {
        s[4] = s[7] = '-';
        if (n > 10 && s[10] == ' ')
            s[10] = 'T';
        if (n == 22 && (s[19] == '+' || s[19] == '-') && n + 3 < sizeof s)
            strcat(s, ":00");
    }
    if (strlen(s) == 10 && sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.10sT00:00:00Z", s);   /* s is 10 characters here */
        return cm_time_parse(buf, out);
    }
    return cm_time_parse(s, out);
}

typedef struct reader {
    cm_control *c;
    const cm_events *events;
    cm_diag_list *diags;
    const char *path;
    const char *side;          /* from the option; NULL: each feature's own */
    int status;                /* from the option; -1: each feature's own */
    int dated;                 /* a folder's file: from, to given */
    cm_time from, to;
    cm_status st;
} reader;

static void
feature_error(reader *rd, long n, const char *fmt, const char *a, const char *b)
{
    cm_pos pos = { rd->path, 0, 0 };
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    cm_diag_error(rd->diags, &pos, "feature %ld: %s", n, msg);
    if (rd->st == CM_OK)
        rd->st = CM_ERR_INPUT;
}

/* The first of @names the feature definition has, or -1. */
static int
field_of(OGRFeatureDefnH def, const char *const *names)
{
    for (; *names; names++) {
        int i = G(OGR_FD_GetFieldIndex)(def, *names);
        if (i >= 0)
            return i;
    }
    return -1;
}

/* A date or date-time field as a moment. 0 when unset or empty, 1 when read,
 * -1 when it is not a moment (an error was reported). */
static int
read_moment(reader *rd, OGRFeatureH f, int field, const char *name, long n, cm_time *out)
{
    if (field < 0 || !G(OGR_F_IsFieldSetAndNotNull)(f, field))
        return 0;
    OGRFieldType type = G(OGR_Fld_GetType)(G(OGR_F_GetFieldDefnRef)(f, field));
    if (type == OFTDate || type == OFTDateTime) {
        int y, mo, d, h, mi, tz;
        float sec;
        if (!G(OGR_F_GetFieldAsDateTimeEx)(f, field, &y, &mo, &d, &h, &mi, &sec, &tz))
            return 0;
        int64_t t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
                    (int64_t)sec;
        if (tz > 100)
            t -= (tz - 100) * 15 * 60;
        else if (tz > 1 && tz < 100)
            t += (100 - tz) * 15 * 60;
        *out = t;
        return 1;
    }
    const char *s = G(OGR_F_GetFieldAsString)(f, field);
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 0;
    const char *why = parse_moment(s, out);
    if (why) {
        char quoted[128];
        snprintf(quoted, sizeof quoted, "\"%s\" \"%.80s\"", name, s);
        feature_error(rd, n, "%s is not a date (2022-11-11) or a time (2022-11-11T06:00:00Z): %s",
                      quoted, why);
        return -1;
    }
    return 1;
}

static int
add_ring(reader *rd, OGRGeometryH ring, int outer)
{
    cm_control *c = rd->c;
    int n = G(OGR_G_GetPointCount)(ring);
    if (n < 3)
        return 1;
    if (!cm_control_own_points(c) ||
        !CM_RESERVE(c->lonlat, c->cap_points, (c->n_points + (size_t)n) * 2) ||
        !CM_GROW(c->ring_outer, c->n_rings, c->cap_rings) ||
        !CM_RESERVE(c->ring_start, c->cap_ring_start, c->n_rings + 2))
        return 0;
    if (c->n_rings == 0)
        c->ring_start[0] = c->n_points;
    double *xy = c->lonlat + 2 * c->n_points;
    G(OGR_G_GetPoints)(ring, xy, 2 * sizeof(double), xy + 1, 2 * sizeof(double), NULL, 0);
    c->n_points += (size_t)n;
    c->ring_outer[c->n_rings++] = (unsigned char)outer;
    c->ring_start[c->n_rings] = c->n_points;
    return 1;
}

/* The polygons of @g, of a multi-polygon and of a collection (KML's
 * MultiGeometry); points and lines are no area and are left out. */
static int
add_polygons(reader *rd, OGRGeometryH g)
{
    OGRwkbGeometryType t = wkbFlatten(G(OGR_G_GetGeometryType)(g));
    if (t == wkbPolygon) {
        for (int i = 0; i < G(OGR_G_GetGeometryCount)(g); i++)
            if (!add_ring(rd, G(OGR_G_GetGeometryRef)(g, i), i == 0))
                return 0;
        return 1;
    }
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        for (int i = 0; i < G(OGR_G_GetGeometryCount)(g); i++)
            if (!add_polygons(rd, G(OGR_G_GetGeometryRef)(g, i)))
                return 0;
        return 1;
    }
    if (t == wkbCurvePolygon || t == wkbMultiSurface) {
        OGRGeometryH lin = G(OGR_G_GetLinearGeometry)(g, 0, NULL);
        int ok = !lin || add_polygons(rd, lin);
        G(OGR_G_DestroyGeometry)(lin);
        return ok;
    }
    return 1;
}

/* "AZ, AM": the events file's side codes, or "none". */
static const char *
side_list(const cm_events *events, char *buf, size_t size)
{
    buf[0] = '\0';
    for (size_t i = 0; i < cm_events_n_sides(events); i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                 cm_side_code(cm_events_side(events, i)));
    }
    return buf[0] ? buf : "none";
}

static void
read_feature(reader *rd, OGRFeatureH f, long n, const int *fields, OGRCoordinateTransformationH ct)
{
    cm_control_feature cf = { NULL, CM_CONTROL_CONTROLLED, INT64_MIN, INT64_MAX, 0, 0, NAN };
    const char *side = rd->side;
    if (fields[0] >= 0 && G(OGR_F_IsFieldSetAndNotNull)(f, fields[0]) &&
        *G(OGR_F_GetFieldAsString)(f, fields[0]))
        side = G(OGR_F_GetFieldAsString)(f, fields[0]);
    if (!side) {
        feature_error(rd, n, "has no \"side\"; give each feature a \"side\" field with a "
                      "side's code of the events file, or the layer's side with the option: "
                      "--control SIDE=%s%s", rd->path, NULL);
        return;
    }
    const cm_side *s = cm_events_find_side(rd->events, side);
    if (!s) {
        char known[256];
        feature_error(rd, n, "side \"%s\" is not one of the events file's \"sides\" (%s)", side,
                      side_list(rd->events, known, sizeof known));
        return;
    }
    cf.side = cm_side_code(s);
    if (rd->status >= 0)
        cf.status = (cm_control_status)rd->status;
    else if (fields[3] >= 0 && G(OGR_F_IsFieldSetAndNotNull)(f, fields[3]) &&
             *G(OGR_F_GetFieldAsString)(f, fields[3])) {
        int st = parse_status(G(OGR_F_GetFieldAsString)(f, fields[3]));
        if (st < 0) {
            feature_error(rd, n, "status \"%s\" is not one of controlled, claimed, contested "
                          "or advances%s", G(OGR_F_GetFieldAsString)(f, fields[3]), NULL);
            return;
        }
        cf.status = (cm_control_status)st;
    }
    if (rd->dated) {
        cf.from = rd->from;
        cf.to = rd->to;
    } else {
        int a = read_moment(rd, f, fields[1], "valid_from", n, &cf.from);
        int b = read_moment(rd, f, fields[2], "valid_to", n, &cf.to);
        if (a < 0 || b < 0)
            return;
        if (a > 0 && b > 0 && cf.to < cf.from) {
            char t0[CM_TIME_BUF], t1[CM_TIME_BUF];
            feature_error(rd, n, "\"valid_to\" (%s) is before \"valid_from\" (%s)",
                          cm_time_format_iso(cf.to, t1), cm_time_format_iso(cf.from, t0));
            return;
        }
    }
    OGRGeometryH g = G(OGR_F_GetGeometryRef)(f);
    if (!g || G(OGR_G_IsEmpty)(g))
        return;
    if (ct) {
        g = G(OGR_G_Clone)(g);
        if (!g || G(OGR_G_Transform)(g, ct) != OGRERR_NONE) {
            G(OGR_G_DestroyGeometry)(g);
            feature_error(rd, n, "has points that PROJ cannot bring to longitude and "
                          "latitude%s%s", NULL, NULL);
            return;
        }
    }
    cf.first_ring = rd->c->n_rings;
    int ok = add_polygons(rd, g);
    if (ct)
        G(OGR_G_DestroyGeometry)(g);
    cf.n_rings = rd->c->n_rings - cf.first_ring;
    if (!ok || !CM_GROW(rd->c->features, rd->c->n_features, rd->c->cap_features)) {
        rd->st = CM_ERR_NOMEM;
        return;
    }
    if (cf.n_rings)
        rd->c->features[rd->c->n_features++] = cf;
}

static const char *const side_names[] = { "side", NULL };
static const char *const from_names[] = { "valid_from", "begin", NULL };
static const char *const to_names[] = { "valid_to", "end", NULL };
static const char *const status_names[] = { "status", NULL };
/* every field name read, for one_pass_geojson() */
static const char *const all_names[] = { "side", "valid_from", "begin", "valid_to", "end",
                                         "status", NULL };

/* GDAL's GeoJSON driver reads a file twice: once when it is opened, building
 * every feature's JSON objects to learn the fields and their types, then
 * again for the features; each pass costs about 7,000 instructions a vertex
 * (docs/control.md). Its first pass can stop after the first feature
 * (OGR_GEOJSON_MAX_FEATURES_FIRST_PASS), but a field that only later features
 * have is then not read at all, a field is typed by the first feature's value,
 * and a "crs" after the features is not seen. So the first pass is cut short
 * only when this says it is safe, from a look at the text's object keys
 * (cheap: the quotes are few among a layer's numbers): 1 when the file is
 * named .geojson or .json, no key has an escape, no "crs" comes after
 * "features"; *@keys then has bit i for each all_names[i] that is some
 * object's key, whatever its case. read_file() checks after opening that the
 * layer has each of them as a text field (dates read as text), else reads it
 * again with both passes. */
static int
one_pass_geojson(const char *path, unsigned *keys)
{
    const char *dot = strrchr(path, '.');
    *keys = 0;
    if (!dot || (strcasecmp(dot, ".geojson") != 0 && strcasecmp(dot, ".json") != 0))
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size < 2) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    size_t size = (size_t)sb.st_size;
    const char *text = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (text == MAP_FAILED)
        return 0;
    int safe = 1, after_features = 0;
    const char *p = text, *end = text + size;
    while (safe && (p = memchr(p, '"', (size_t)(end - p)))) {
        const char *start = ++p, *q = p;
        int escaped = 0;
        while (q < end && *q != '"') {   /* the string's end, past its escapes */
            if (*q == '\\') {
                escaped = 1;
                q++;
            }
            q++;
        }
        if (q >= end)
            break;
        size_t len = (size_t)(q - start);
        p = q + 1;
        const char *r = p;
        while (r < end && (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r'))
            r++;
        if (r >= end || *r != ':')
            continue;   /* a value, not a key */
        if (escaped)
            safe = 0;
        else if (len == 8 && memcmp(start, "features", 8) == 0)
            after_features = 1;
        else if (len == 3 && strncasecmp(start, "crs", 3) == 0 && after_features)
            safe = 0;
        for (unsigned i = 0; all_names[i]; i++)
            if (len == strlen(all_names[i]) && strncasecmp(start, all_names[i], len) == 0)
                *keys |= 1u << i;
    }
    munmap((void *)text, size);
    return safe;
}

/* Whether the one layer of @ds has each field of @keys (one_pass_geojson())
 * as text. */
static int
has_text_fields(GDALDatasetH ds, unsigned keys)
{
    if (G(GDALDatasetGetLayerCount)(ds) != 1)
        return 0;
    OGRFeatureDefnH def = G(OGR_L_GetLayerDefn)(G(GDALDatasetGetLayer)(ds, 0));
    for (unsigned i = 0; all_names[i]; i++) {
        if (!(keys & (1u << i)))
            continue;
        int f = G(OGR_FD_GetFieldIndex)(def, all_names[i]);
        if (f < 0 || G(OGR_Fld_GetType)(G(OGR_FD_GetFieldDefn)(def, f)) != OFTString)
            return 0;
    }
    return 1;
}

/* Every layer of one file, through GDAL. */
static void
read_with_gdal(reader *rd)
{
    cm_pos pos = { rd->path, 0, 0 };
    const char *no_gdal = cm_gdal_load();
    if (no_gdal) {
        cm_diag_error(rd->diags, &pos, "reading a control layer needs GDAL, which cannot be "
                      "loaded (%s); install it (Debian: libgdal32)", no_gdal);
        rd->st = rd->st == CM_OK ? CM_ERR_IO : rd->st;
        return;
    }
    G(CPLPushErrorHandler)(G(CPLQuietErrorHandler));
    G(CPLErrorReset)();
    GDALDatasetH ds = NULL;
    unsigned keys;
    if (one_pass_geojson(rd->path, &keys)) {
        static const char *const drivers[] = { "GeoJSON", NULL };
        static const char *const options[] = { "DATE_AS_STRING=YES", NULL };
        G(CPLSetThreadLocalConfigOption)("OGR_GEOJSON_MAX_FEATURES_FIRST_PASS", "1");
        ds = G(GDALOpenEx)(rd->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, options, NULL);
        G(CPLSetThreadLocalConfigOption)("OGR_GEOJSON_MAX_FEATURES_FIRST_PASS", NULL);
        if (ds && !has_text_fields(ds, keys)) {
            G(GDALClose)(ds);
            ds = NULL;
        }
        G(CPLErrorReset)();
    }
    if (!ds)
        ds = G(GDALOpenEx)(rd->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        const char *why = G(CPLGetLastErrorMsg)();
        struct stat sb;
        if (stat(rd->path, &sb) != 0)
            cm_diag_error(rd->diags, &pos, "cannot read the control layer: %s", strerror(errno));
        else
            cm_diag_error(rd->diags, &pos, "is not a vector layer GDAL can read (GeoJSON, KML, "
                          "GeoPackage, a shapefile ...)%s%s", why && *why ? ": " : "",
                          why ? why : "");
        G(CPLPopErrorHandler)();
        rd->st = rd->st == CM_OK ? CM_ERR_INPUT : rd->st;
        return;
    }
    long n = 0;
    OGRSpatialReferenceH wgs84 = G(OSRNewSpatialReference)(NULL);
    G(OSRImportFromEPSG)(wgs84, 4326);
    G(OSRSetAxisMappingStrategy)(wgs84, OAMS_TRADITIONAL_GIS_ORDER);
    for (int li = 0; li < G(GDALDatasetGetLayerCount)(ds) && rd->st != CM_ERR_NOMEM; li++) {
        OGRLayerH layer = G(GDALDatasetGetLayer)(ds, li);
        OGRFeatureDefnH def = G(OGR_L_GetLayerDefn)(layer);
        int fields[4] = { field_of(def, side_names), field_of(def, from_names),
                          field_of(def, to_names), field_of(def, status_names) };
        OGRSpatialReferenceH srs = G(OGR_L_GetSpatialRef)(layer);
        OGRCoordinateTransformationH ct = NULL;
        if (srs && !G(OSRIsSame)(srs, wgs84)) {
            OGRSpatialReferenceH src = G(OSRClone)(srs);
            G(OSRSetAxisMappingStrategy)(src, OAMS_TRADITIONAL_GIS_ORDER);
            ct = G(OCTNewCoordinateTransformation)(src, wgs84);
            G(OSRDestroySpatialReference)(src);
        }
        G(OGR_L_ResetReading)(layer);
        OGRFeatureH f;
        while ((f = G(OGR_L_GetNextFeature)(layer)) && rd->st != CM_ERR_NOMEM) {
            read_feature(rd, f, ++n, fields, ct);
            G(OGR_F_Destroy)(f);
        }
        if (f)
            G(OGR_F_Destroy)(f);
        if (ct)
            G(OCTDestroyCoordinateTransformation)(ct);
    }
    if (G(CPLGetLastErrorType)() >= CE_Failure && rd->st == CM_OK && n == 0) {
        cm_diag_error(rd->diags, &pos, "cannot be read: %s", G(CPLGetLastErrorMsg)());
        rd->st = CM_ERR_INPUT;
    }
    G(OSRDestroySpatialReference)(wgs84);
    G(GDALClose)(ds);
    G(CPLPopErrorHandler)();
}

/* Every layer of one file: its prepared copy when there is one
 * (control_cache.h), else through GDAL, then kept as a copy when that read
 * it without a word. */
static void
read_file(reader *rd)
{
    cm_control *c = rd->c;
    cm_control_cache_entry e;
    int got = cm_control_cache_get(c, rd->path, rd->side, rd->status, rd->dated, rd->from,
                                   rd->to, rd->events, &e);
    if (got != 0) {
        if (got < 0)
            rd->st = CM_ERR_NOMEM;
        cm_control_cache_done(&e);
        return;
    }
    size_t f0 = c->n_features, r0 = c->n_rings, p0 = c->n_points;
    size_t said = cm_diag_count(rd->diags);
    read_with_gdal(rd);
    if (rd->st != CM_ERR_NOMEM && cm_diag_count(rd->diags) == said)
        cm_control_cache_put(c, f0, r0, p0, &e);
    cm_control_cache_done(&e);
}

typedef struct dated_file {
    char *path;
    cm_time from;
} dated_file;

static int
compare_dated(const void *a, const void *b)
{
    const dated_file *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* A folder of files named by their date: each is the whole state from its
 * date until the next one's. Files not named by a date are errors (a file
 * left there by mistake would be a state without a date). */
static void
read_folder(reader *rd, const char *dir)
{
    DIR *d = opendir(dir);
    cm_pos pos = { dir, 0, 0 };
    if (!d) {
        cm_diag_error(rd->diags, &pos, "cannot read the folder: %s", strerror(errno));
        rd->st = CM_ERR_IO;
        return;
    }
    dated_file *files = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) && rd->st != CM_ERR_NOMEM) {
        if (de->d_name[0] == '.')
            continue;
        char stem[64];
        const char *dot = strchr(de->d_name, '.');
        size_t len = dot ? (size_t)(dot - de->d_name) : strlen(de->d_name);
        /* a shapefile's companions are read with its .shp */
        if (dot && strcasecmp(dot, ".shp") != 0 && strcasecmp(dot, ".geojson") != 0 &&
            strcasecmp(dot, ".json") != 0 && strcasecmp(dot, ".kml") != 0 &&
            strcasecmp(dot, ".kmz") != 0 && strcasecmp(dot, ".gpkg") != 0 &&
            strcasecmp(dot, ".fgb") != 0 && strcasecmp(dot, ".gml") != 0)
            continue;
        cm_time t;
        snprintf(stem, sizeof stem, "%.*s", (int)(len < 60 ? len : 60), de->d_name);
        const char *why = len < 60 ? parse_moment(stem, &t) : "is too long";
        if (why) {
            cm_pos fp = { dir, 0, 0 };
            cm_diag_error(rd->diags, &fp, "\"%s\" is not named by its date, such as "
                          "2022-11-11.geojson: \"%s\" %s", de->d_name, stem, why);
            rd->st = rd->st == CM_OK ? CM_ERR_INPUT : rd->st;
            continue;
        }
        size_t plen = strlen(dir) + strlen(de->d_name) + 2;
        char *p = malloc(plen);
        if (!p || !CM_GROW(files, n, cap)) {
            free(p);
            rd->st = CM_ERR_NOMEM;
            break;
        }
        snprintf(p, plen, "%s/%s", dir, de->d_name);
        files[n++] = (dated_file){ p, t };
    }
    closedir(d);
    if (rd->st == CM_OK && n == 0) {
        cm_diag_error(rd->diags, &pos, "the folder has no control layers named by their date, "
                      "such as 2022-11-11.geojson");
        rd->st = CM_ERR_INPUT;
    }
    qsort(files, n, sizeof(*files), compare_dated);
    for (size_t i = 0; i < n && rd->st != CM_ERR_NOMEM; i++) {
        rd->path = files[i].path;
        rd->dated = 1;
        rd->from = files[i].from;
        rd->to = i + 1 < n ? files[i + 1].from : INT64_MAX;
        read_file(rd);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i].path);
    free(files);
}

cm_status
cm_control_add(cm_control *c, const char *spec, const char *relative_to,
               const cm_events *events, cm_diag_list *diags)
{
    reader rd = { c, events, diags, NULL, NULL, -1, 0, 0, 0, CM_OK };
    char side[64] = "", *path = NULL;
    const char *p = spec, *eq = strchr(spec, '=');
    struct stat sb;
    /* SIDE=PATH or SIDE:STATUS=PATH, unless the whole of it is a file's name */
    if (eq && (size_t)(eq - spec) < sizeof side && !memchr(spec, '/', (size_t)(eq - spec)) &&
        stat(spec, &sb) != 0) {
        memcpy(side, spec, (size_t)(eq - spec));
        side[eq - spec] = '\0';
        p = eq + 1;
        char *colon = strchr(side, ':');
        if (colon) {
            *colon = '\0';
            rd.status = parse_status(colon + 1);
            if (rd.status < 0) {
                cm_diag_error(diags, NULL, "--control %s: status \"%s\" is not one of "
                              "controlled, claimed, contested or advances", spec, colon + 1);
                return CM_ERR_INPUT;
            }
        }
        const cm_side *s = cm_events_find_side(events, side);
        if (!s) {
            char known[256];
            cm_diag_error(diags, NULL, "--control %s: side \"%s\" is not one of the events "
                          "file's \"sides\" (%s)", spec, side, side_list(events, known,
                                                                        sizeof known));
            return CM_ERR_INPUT;
        }
        rd.side = cm_side_code(s);
    }
    if (relative_to && p[0] != '/') {
        const char *slash = strrchr(relative_to, '/');
        size_t dlen = slash ? (size_t)(slash - relative_to) + 1 : 0, len = dlen + strlen(p) + 1;
        path = malloc(len);
        if (!path)
            return CM_ERR_NOMEM;
        snprintf(path, len, "%.*s%s", (int)dlen, relative_to, p);
    } else if (!(path = strdup(p)))
        return CM_ERR_NOMEM;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        read_folder(&rd, path);
    else {
        rd.path = path;
        read_file(&rd);
    }
    free(path);
    return rd.st;
}
