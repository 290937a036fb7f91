/* The extent a map shows without map.bbox or --bbox (extent.c). */
#ifndef CM_SRC_EXTENT_H
#define CM_SRC_EXTENT_H

#include "conflictmap/events.h"

/* @out (west, south, east, north in degrees): the events within 800 km of
 * their median position, with a margin and room for a label right of and below
 * each, for a map of @width_px x @height_px in the projection @projection
 * (NULL: auto). With auto, which shows the poles, it reaches up to 90 degrees
 * north or south; with any other, which may be Mercator's kind, up to 85, and
 * events beyond are off the map. CM_OK, or CM_ERR_NOMEM. */
cm_status cm_extent_fit_events(const cm_events *events, const char *projection, int width_px,
                               int height_px, double out[4]);

/* @near (west, south, east, north in degrees): what a map of @bbox_deg fitted
 * into @width_px x @height_px may show or need of the layers. The map shows
 * about the extent widened to the page's shape (a degree of longitude is
 * cos(latitude) of one of latitude); near is twice that, around the same
 * middle, for the margins, the projection's curve and labels at the edge,
 * grown at most 30 degrees in latitude (a polar map must not take in the
 * other pole, which its projection wraps around the map). An extent across
 * the antimeridian (west > east) gives an east past 180. The layers are read
 * (cm_layer_load_within) and projected (layout/base.c) within it. */
void cm_extent_near(const double bbox_deg[4], int width_px, int height_px, double near[4]);

/* About how many metres of ground a pixel shows on a map of @bbox_deg fitted
 * into @width_px x @height_px (the larger of the two directions' figures; an
 * extent across the antimeridian is fine). For choosing what a scale reads
 * before anything is projected; the layout measures the real scale. */
double cm_extent_m_per_px(const double bbox_deg[4], int width_px, int height_px);

/* The coarsest scales (metres a pixel) the fine layers are read and drawn at:
 * the land (shapes/land.shp, OpenStreetMap's coast at 10 m) where Natural
 * Earth's generalised coast would be off by several pixels, a map up to
 * about 300 km across at 1600 pixels; the water (lakes, reservoirs, rivers)
 * on a map of a region or a country, up to about 3000 km across. */
#define CM_FINE_COAST_M_PER_PX 200.0
#define CM_WATER_M_PER_PX 2000.0

#endif
