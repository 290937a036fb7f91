/* Projections through PROJ: one transformation from WGS84 per run, points
 * projected in batches, and an affine step from projected metres to pixels. */
#include "conflictmap/projection.h"
#include "geo/projection.h"

#include <math.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cm_projection {
    PJ_CONTEXT *ctx;
    PJ *pj;
    PJ *geod;              /* WGS84 longitude/latitude, for geodesic distances */
    char *definition;
    double bbox[4];        /* as given; east < west when it crosses 180 degrees */
    double rect[4];
    double scale;          /* pixels per projected unit */
    double x0, y0;         /* projected coordinates of the rectangle's top-left */
};

/* The "auto" projection: always conformal, so that shapes and angles look
 * right at any scale a desk maps at. Lambert's conic keeps scale error small
 * across a mid-latitude region, which is what locator maps of a country or a
 * front need; near the equator a cone degenerates, so a transverse Mercator
 * centred on the extent takes over; an extent that reaches within 15 degrees
 * of a pole gets a polar stereographic, the only one that stays finite at the
 * pole itself; one wider than 90 degrees of longitude (a continent or more),
 * where a cone or a transverse cylinder tears the edges apart, gets Mercator
 * centred on it. */
static void
auto_definition(const double b[4], char *buf, size_t size)
{
    double east = b[2] < b[0] ? b[2] + 360 : b[2];   /* across the antimeridian */
    double lon0 = fmod((b[0] + east) / 2 + 540, 360) - 180;
    double lat0 = (b[1] + b[3]) / 2, dlat = b[3] - b[1];
    double lat1 = b[1] + dlat / 6, lat2 = b[3] - dlat / 6;
    if (b[3] > 75 || b[1] < -75)
        snprintf(buf, size, "+proj=stere +lat_0=%d +lon_0=%.6f +k=1 +datum=WGS84 "
                 "+units=m +no_defs", lat0 > 0 ? 90 : -90, lon0);
    else if (east - b[0] > 90)
        snprintf(buf, size, "+proj=merc +lon_0=%.6f +datum=WGS84 +units=m +no_defs", lon0);
    else if (b[1] < 15 && b[3] > -15)
        snprintf(buf, size, "+proj=tmerc +lat_0=%.6f +lon_0=%.6f +k=1 +datum=WGS84 "
                 "+units=m +no_defs", lat0, lon0);
    else
        snprintf(buf, size, "+proj=lcc +lat_1=%.6f +lat_2=%.6f +lat_0=%.6f +lon_0=%.6f "
                 "+datum=WGS84 +units=m +no_defs", lat1, lat2, lat0, lon0);
}

/* Whether @spec asks for auto_definition's choice. */
int
cm_projection_is_auto(const char *spec)
{
    return !spec || !*spec || strcmp(spec, "auto") == 0;
}

static void
definition_for(const char *spec, const double bbox[4], char *buf, size_t size)
{
    if (cm_projection_is_auto(spec))
        auto_definition(bbox, buf, size);
    else if (strcmp(spec, "web") == 0)
        snprintf(buf, size, "EPSG:3857");
    else
        snprintf(buf, size, "%s", spec);
}

/* For an auto definition (one projection of the WGS84 ellipsoid, written by
 * auto_definition), the pipeline PROJ would choose from EPSG:4326, written
 * out: asking PROJ to find it searches its database for operations, some
 * 15 ms of every run. Checked: the same coordinates to the bit, both ways,
 * for all four kinds. 0 when @def is not of that form. */
static int
auto_pipeline(const char *def, char *buf, size_t size)
{
    static const char datum[] = " +datum=WGS84", no_defs[] = " +no_defs";
    const char *d = strstr(def, datum), *end = strstr(def, no_defs);
    if (!d || !end || end < d || end[sizeof(no_defs) - 1] != '\0')
        return 0;
    int n = snprintf(buf, size, "+proj=pipeline +step +proj=unitconvert +xy_in=deg "
                     "+xy_out=rad +step %.*s +ellps=WGS84%.*s", (int)(d - def), def,
                     (int)(end - d - (sizeof(datum) - 1)), d + sizeof(datum) - 1);
    return n > 0 && (size_t)n < size;
}

static cm_status
make_transform(cm_projection *p, const char *spec, const cm_pos *where, cm_diag_list *diags)
{
    char pipeline[640];
    p->ctx = proj_context_create();
    if (!p->ctx)
        return CM_ERR_NOMEM;
    proj_log_level(p->ctx, PJ_LOG_NONE);
    if (cm_projection_is_auto(spec) && auto_pipeline(p->definition, pipeline, sizeof(pipeline))) {
        p->pj = proj_create(p->ctx, pipeline);
    } else {
        PJ *raw = proj_create_crs_to_crs(p->ctx, "EPSG:4326", p->definition, NULL);
        if (raw) {
            p->pj = proj_normalize_for_visualization(p->ctx, raw);
            proj_destroy(raw);
        }
    }
    p->geod = proj_create(p->ctx, "+proj=longlat +ellps=WGS84 +no_defs");
    if (!p->pj) {
        cm_diag_error(diags, where, "the projection \"%s\" is not one PROJ knows; use "
                      "\"auto\", \"web\", an EPSG code such as \"EPSG:32638\" or a PROJ "
                      "string such as \"+proj=lcc +lat_1=39 +lat_2=41 +lon_0=46\"", spec);
        return CM_ERR_INPUT;
    }
    return CM_OK;
}

/* Whether the projected points @c go back to the latitudes they came from:
 * PROJ clamps a pole in Mercator to a finite but false place, which only the
 * way back shows. Longitudes are not compared, since at a pole any will do. */
static int
round_trips(const cm_projection *p, const PJ_COORD *lonlat, const PJ_COORD *c, int n)
{
    PJ_COORD back[17 * 17];
    if (n > 17 * 17)
        return 1;
    memcpy(back, c, (size_t)n * sizeof(PJ_COORD));
    proj_trans_array(p->pj, PJ_INV, (size_t)n, back);
    for (int k = 0; k < n; k++)
        if (!(fabs(back[k].xy.y - lonlat[k].xy.y) < 1e-6))
            return 0;
    return 1;
}

/* Whether the grid @c (n x n, rows of constant longitude) is free of a
 * singularity: PROJ sends the pole in Mercator to a finite, huge y, which shows
 * as one step along a meridian a hundred times longer than the shortest. */
static int
is_regular(const PJ_COORD *c, int n)
{
    for (int i = 0; i < n; i++) {
        double least = INFINITY, most = 0;
        for (int j = 1; j < n; j++) {
            double d = hypot(c[i * n + j].xy.x - c[i * n + j - 1].xy.x,
                             c[i * n + j].xy.y - c[i * n + j - 1].xy.y);
            most = fmax(most, d);
            if (d > 0)
                least = fmin(least, d);
        }
        if (most > 100 * least)
            return 0;
    }
    return 1;
}

/* The projected extent: the bbox's edges and a grid inside it, since a
 * projected rectangle's extremes need not be at its corners. */
static int
projected_extent(cm_projection *p, const double b[4], double ext[4])
{
    enum { N = 17 };
    PJ_COORD c[N * N];
    double east = b[2] < b[0] ? b[2] + 360 : b[2];   /* across the antimeridian */
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double lon = b[0] + (east - b[0]) * i / (N - 1);
            c[i * N + j] = proj_coord(lon > 180 ? lon - 360 : lon,
                                      b[1] + (b[3] - b[1]) * j / (N - 1), 0, 0);
        }
    PJ_COORD lonlat[N * N];
    memcpy(lonlat, c, sizeof(c));
    proj_trans_array(p->pj, PJ_FWD, N * N, c);
    if (!round_trips(p, lonlat, c, N * N) || !is_regular(c, N))
        return 0;
    ext[0] = ext[1] = INFINITY;
    ext[2] = ext[3] = -INFINITY;
    for (int k = 0; k < N * N; k++) {
        double x = c[k].xy.x, y = c[k].xy.y;
        /* One point off the projection (a pole in Mercator) and the fit is wrong. */
        if (!isfinite(x) || !isfinite(y) || fabs(x) > 1e15 || fabs(y) > 1e15)
            return 0;
        ext[0] = fmin(ext[0], x);
        ext[1] = fmin(ext[1], y);
        ext[2] = fmax(ext[2], x);
        ext[3] = fmax(ext[3], y);
    }
    return ext[2] > ext[0] && ext[3] > ext[1];
}

/* West may exceed east (an extent across the antimeridian, as Chukotka and
 * Alaska); anything else out of range is a mistake to report, not to draw. */
static int
valid_bbox(const double b[4])
{
    for (int i = 0; i < 4; i++)
        if (!isfinite(b[i]))
            return 0;
    return b[0] >= -180 && b[2] <= 180 && b[0] != b[2] && b[1] >= -90 && b[3] <= 90 &&
           b[1] < b[3];
}

static cm_status
fit(cm_projection *p, const double bbox[4], cm_diag_list *diags)
{
    double ext[4];
    if (!valid_bbox(bbox)) {
        cm_diag_error(diags, NULL, "the map's extent [%g, %g, %g, %g] is not west, south, "
                      "east, north in degrees (south below north, longitudes within "
                      "-180..180; west greater than east crosses the antimeridian)",
                      bbox[0], bbox[1], bbox[2], bbox[3]);
        return CM_ERR_INPUT;
    }
    if (!projected_extent(p, bbox, ext)) {
        cm_diag_error(diags, NULL, "the map's extent [%g, %g, %g, %g] cannot be drawn in "
                      "the projection \"%s\", which cannot show all of it (Mercator has no poles); "
                      "choose another --projection, such as \"auto\"", bbox[0],
                      bbox[1], bbox[2], bbox[3], p->definition);
        return CM_ERR_INPUT;
    }
    double sx = p->rect[2] / (ext[2] - ext[0]), sy = p->rect[3] / (ext[3] - ext[1]);
    p->scale = fmin(sx, sy);
    double cx = (ext[0] + ext[2]) / 2, cy = (ext[1] + ext[3]) / 2;
    p->x0 = cx - p->rect[2] / 2 / p->scale;
    p->y0 = cy + p->rect[3] / 2 / p->scale;
    return CM_OK;
}

cm_status
cm_projection_create(cm_projection **out, const char *spec, const cm_pos *where,
                     const double bbox_deg[4], const double rect_px[4], cm_diag_list *diags)
{
    char def[512];
    cm_projection *p = calloc(1, sizeof(*p));
    cm_status st = CM_ERR_NOMEM;

    *out = NULL;
    if (!p)
        return st;
    memcpy(p->rect, rect_px, sizeof(p->rect));
    memcpy(p->bbox, bbox_deg, sizeof(p->bbox));
    definition_for(spec, bbox_deg, def, sizeof(def));
    p->definition = strdup(def);
    if (p->definition)
        st = make_transform(p, spec ? spec : "auto", where, diags);
    if (st == CM_OK)
        st = fit(p, bbox_deg, diags);
    if (st != CM_OK) {
        cm_projection_destroy(p);
        return st;
    }
    *out = p;
    return CM_OK;
}

void
cm_projection_destroy(cm_projection *p)
{
    if (!p)
        return;
    proj_destroy(p->pj);
    proj_destroy(p->geod);
    if (p->ctx)
        proj_context_destroy(p->ctx);
    free(p->definition);
    free(p);
}

void
cm_projection_forward(const cm_projection *p, double *xy, size_t n)
{
    if (n == 0)
        return;
    proj_trans_generic(p->pj, PJ_FWD, xy, 2 * sizeof(double), n, xy + 1,
                       2 * sizeof(double), n, NULL, 0, 0, NULL, 0, 0);
    for (size_t i = 0; i < n; i++) {
        double x = xy[2 * i], y = xy[2 * i + 1];
        if (!isfinite(x) || !isfinite(y) || fabs(x) > 1e15 || fabs(y) > 1e15) {
            xy[2 * i] = xy[2 * i + 1] = NAN;
            continue;
        }
        xy[2 * i] = p->rect[0] + (x - p->x0) * p->scale;
        xy[2 * i + 1] = p->rect[1] + (p->y0 - y) * p->scale;
    }
}

const char *
cm_projection_definition(const cm_projection *p)
{
    return p->definition;
}

void
cm_projection_rect(const cm_projection *p, double rect_px[4])
{
    memcpy(rect_px, p->rect, sizeof(p->rect));
}

void
cm_projection_inverse(const cm_projection *p, double *xy, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        xy[2 * i] = p->x0 + (xy[2 * i] - p->rect[0]) / p->scale;
        xy[2 * i + 1] = p->y0 - (xy[2 * i + 1] - p->rect[1]) / p->scale;
    }
    if (n > 0)
        proj_trans_generic(p->pj, PJ_INV, xy, 2 * sizeof(double), n, xy + 1,
                           2 * sizeof(double), n, NULL, 0, 0, NULL, 0, 0);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1]) || fabs(xy[2 * i]) > 1e3)
            xy[2 * i] = xy[2 * i + 1] = NAN;
}

double
cm_projection_geodesic_m(const cm_projection *p, double lon1_deg, double lat1_deg,
                         double lon2_deg, double lat2_deg)
{
    if (!p->geod)
        return NAN;
    PJ_COORD a = proj_coord(proj_torad(lon1_deg), proj_torad(lat1_deg), 0, 0);
    PJ_COORD b = proj_coord(proj_torad(lon2_deg), proj_torad(lat2_deg), 0, 0);
    return proj_lp_dist(p->geod, a, b);
}

void
cm_projection_extent(const cm_projection *p, double ext[4])
{
    ext[0] = p->x0;
    ext[1] = p->y0 - p->rect[3] / p->scale;
    ext[2] = p->x0 + p->rect[2] / p->scale;
    ext[3] = p->y0;
}

void
cm_projection_bbox(const cm_projection *p, double bbox_deg[4])
{
    memcpy(bbox_deg, p->bbox, sizeof(p->bbox));
}

/* Metres along the ground from (x, y) to (x + len, y) on the map. */
static double
ground_m(const cm_projection *p, double x, double y, double len_px)
{
    double xy[4] = { x, y, x + len_px, y };
    cm_projection_inverse(p, xy, 2);
    return cm_projection_geodesic_m(p, xy[0], xy[1], xy[2], xy[3]);
}

/* The largest 1, 2 or 5 times a power of ten that is at most @m. */
static double
round_down(double m)
{
    double unit = pow(10, floor(log10(m)));
    return m >= 5 * unit ? 5 * unit : m >= 2 * unit ? 2 * unit : unit;
}

double
cm_projection_scale_bar(const cm_projection *p, double x_px, double y_px, double max_px,
                        double *len_px)
{
    double most = ground_m(p, x_px, y_px, max_px);
    *len_px = NAN;
    if (!isfinite(most) || most <= 0)
        return NAN;
    double want = round_down(most), lo = 0, hi = max_px;
    /* Scale changes across a map, so the length is found where the bar is
     * drawn, by bisection on the geodesic distance rather than from one factor. */
    for (int i = 0; i < 50; i++) {
        double mid = (lo + hi) / 2;
        if (ground_m(p, x_px, y_px, mid) < want)
            lo = mid;
        else
            hi = mid;
    }
    *len_px = (lo + hi) / 2;
    return want;
}
