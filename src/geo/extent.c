/* The extent a map shows when the events file and the options give none:
 * fitted to the events around the middle of the story, with room for labels.
 * Projecting to that extent is projection.c's job. */
#include "geo/extent.h"
#include "geo/projection.h"

#include <math.h>
#include <stdlib.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A margin around the events' box @b: 12% of its span on every side (the span
 * at least half a degree, so that one town gets its surroundings), and on the
 * right and below the room a
 * label takes beside its marker (about 220 x 40 px at scale 1), as a share of
 * the map's size. The projection then widens one axis to the map's aspect. */
static void
pad_for_labels(const double b[4], int width_px, int height_px, double max_lat, double out[4])
{
    double dx = fmax(b[2] - b[0], 0.6), dy = fmax(b[3] - b[1], 0.45);
    double label_x = width_px > 440 ? 220.0 / width_px : 0.5;
    double label_y = height_px > 160 ? 40.0 / height_px : 0.25;
    double pad_x = dx * 0.12, pad_y = dy * 0.12;
    double span_x = (dx + 2 * pad_x) / (1 - label_x), span_y = (dy + 2 * pad_y) / (1 - label_y);
    double cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
    out[0] = fmax(-180, cx - dx / 2 - pad_x);
    out[1] = fmax(-max_lat, cy - dy / 2 - pad_y - span_y * label_y);
    out[2] = fmin(180, cx + dx / 2 + pad_x + span_x * label_x);
    out[3] = fmin(max_lat, cy + dy / 2 + pad_y);
    /* Events all beyond the limit: the band next to it, so that south stays
     * below north and they show as places off the map. */
    if (out[3] - out[1] < 0.45) {
        out[1] = cy > 0 ? max_lat - 0.45 : -max_lat;
        out[3] = cy > 0 ? max_lat : -max_lat + 0.45;
    }
}

/* Without a bbox, the map fits the events around the middle of the story:
 * those within 800 km of the median position, so that a statement in Moscow
 * or Ottawa becomes an edge marker instead of shrinking the front to a dot. */
cm_status
cm_extent_fit_events(const cm_events *events, const char *projection, int width_px,
                     int height_px, double out[4])
{
    size_t n = cm_events_count(events);
    double *lon = malloc((n + 1) * sizeof(double)), *lat = malloc((n + 1) * sizeof(double));
    if (!lon || !lat) {
        free(lon);
        free(lat);
        return CM_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        lon[i] = cm_event_lon(cm_events_get(events, i));
        lat[i] = cm_event_lat(cm_events_get(events, i));
    }
    qsort(lon, n, sizeof(double), compare_doubles);
    qsort(lat, n, sizeof(double), compare_doubles);
    double mlon = lon[n / 2], mlat = lat[n / 2], b[4] = { 180, 90, -180, -90 };
    free(lon);
    free(lat);
    for (size_t i = 0; i < n; i++) {
        const cm_event *e = cm_events_get(events, i);
        double dx = (cm_event_lon(e) - mlon) * cos(mlat * M_PI / 180) * 111.2;
        double dy = (cm_event_lat(e) - mlat) * 111.2;
        if (hypot(dx, dy) > 800)
            continue;
        b[0] = fmin(b[0], cm_event_lon(e));
        b[1] = fmin(b[1], cm_event_lat(e));
        b[2] = fmax(b[2], cm_event_lon(e));
        b[3] = fmax(b[3], cm_event_lat(e));
    }
    /* Found when events past 85.2 degrees passed validate and made render
     * refuse an extent of south 85.7, north 85: the auto projection is polar
     * stereographic there, which shows the pole; Mercator has none. */
    pad_for_labels(b, width_px, height_px, cm_projection_is_auto(projection) ? 90 : 85, out);
    return CM_OK;
}

void
cm_extent_near(const double bbox_deg[4], int width_px, int height_px, double near[4])
{
    double east = bbox_deg[2] < bbox_deg[0] ? bbox_deg[2] + 360 : bbox_deg[2];
    double w = east - bbox_deg[0], h = bbox_deg[3] - bbox_deg[1];
    double mid_lon = (bbox_deg[0] + east) / 2, mid_lat = (bbox_deg[1] + bbox_deg[3]) / 2;
    double c = cos(fmin(80, fabs(mid_lat)) * M_PI / 180);
    double aspect = width_px > 0 && height_px > 0 ? (double)width_px / height_px : 4.0 / 3;
    /* what the page's shape shows of the extent, in degrees each way */
    double seen_w = fmax(w, h * aspect / c), seen_h = fmax(h, w * c / aspect);
    near[0] = mid_lon - seen_w;
    near[2] = mid_lon + seen_w;
    near[1] = fmax(-90, fmax(bbox_deg[1] - 30, mid_lat - seen_h));
    near[3] = fmin(90, fmin(bbox_deg[3] + 30, mid_lat + seen_h));
}

double
cm_extent_m_per_px(const double bbox_deg[4], int width_px, int height_px)
{
    double east = bbox_deg[2] < bbox_deg[0] ? bbox_deg[2] + 360 : bbox_deg[2];
    double lat = (bbox_deg[1] + bbox_deg[3]) / 2 * M_PI / 180;
    double w_m = (east - bbox_deg[0]) * 111320 * cos(lat), h_m = (bbox_deg[3] - bbox_deg[1]) * 110574;
    return fmax(w_m / fmax(width_px, 1), h_m / fmax(height_px, 1));
}
