/* Projections: from WGS84 longitude/latitude to pixels on the map, through PROJ.
 * "auto" picks a conformal projection centred on the extent; the extent is fitted
 * into the map's rectangle at its aspect ratio. Deciding the extent is the caller's. */
#ifndef CONFLICTMAP_PROJECTION_H
#define CONFLICTMAP_PROJECTION_H

#include <stddef.h>
#include "conflictmap/api.h"
#include "conflictmap/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_projection cm_projection;

/* Creates the projection named by @spec: "auto" (conformal, centred on the
 * extent: Lambert conformal conic with standard parallels at 1/6 and 5/6 of
 * the extent's latitudes; transverse Mercator for extents that reach within 15
 * degrees of the equator; polar stereographic for extents that reach beyond 75
 * degrees north or south; Mercator for extents wider than 90 degrees of
 * longitude), "web" (EPSG:3857), "EPSG:NNNN" or a PROJ string
 * ("+proj=..."), and fits @bbox_deg (west, south, east, north; west > east for
 * an extent across the antimeridian, e.g. 160, 55, -150, 72 for Chukotka and
 * Alaska) into @rect_px (x, y, width, height), centred,
 * keeping the aspect ratio: the visible extent grows on one axis to fill the
 * rectangle. A projection PROJ does not know is reported at @where (where
 * @spec was written, e.g. an events file's map.projection; NULL for none).
 * On success *out is the caller's (cm_projection_destroy). Returns CM_OK,
 * CM_ERR_INPUT (a projection PROJ does not know, or an extent it cannot
 * project) or CM_ERR_NOMEM. */
CM_API cm_status cm_projection_create(cm_projection **out, const char *spec, const cm_pos *where,
                                      const double bbox_deg[4], const double rect_px[4],
                                      cm_diag_list *diags);
CM_API void      cm_projection_destroy(cm_projection *proj);   /* NULL is fine */

/* Projects @n (lon, lat) pairs in @xy, in place, to (x_px, y_px) with y down.
 * A point PROJ cannot project becomes (NaN, NaN). Not thread-safe: PROJ objects
 * are used by one thread at a time. */
CM_API void cm_projection_forward(const cm_projection *proj, double *xy, size_t n);

/* Projects @n (x_px, y_px) pairs in @xy, in place, back to (lon, lat) in
 * degrees; a pixel off the projection's domain becomes (NaN, NaN). */
CM_API void cm_projection_inverse(const cm_projection *proj, double *xy, size_t n);

/* The geodesic distance in metres between two points on the WGS84 ellipsoid,
 * as PROJ computes it; NaN if PROJ could not set up the ellipsoid. */
CM_API double cm_projection_geodesic_m(const cm_projection *proj, double lon1_deg, double lat1_deg,
                                       double lon2_deg, double lat2_deg);

/* The map rectangle in projected units (metres for most projections): xmin,
 * ymin, xmax, ymax; what gdal_rasterize -te wants to reproduce the map. */
CM_API void cm_projection_extent(const cm_projection *proj, double ext[4]);

/* A scale bar that starts at (@x_px, @y_px) and runs right: returns its length
 * on the ground in metres, a round number (1, 2 or 5 times a power of ten) that
 * fits in @max_px, and sets *len_px to the pixels that span exactly that
 * geodesic distance there (to well within 1%). Returns NaN (and *len_px NaN)
 * where the map has no ground under it. */
CM_API double cm_projection_scale_bar(const cm_projection *proj, double x_px, double y_px,
                                      double max_px, double *len_px);

/* The extent given at creation, in degrees (west may exceed east). */
CM_API void cm_projection_bbox(const cm_projection *proj, double bbox_deg[4]);

/* The PROJ definition in use, e.g. "+proj=lcc +lat_1=39.1 ...". Borrowed. */
CM_API const char *cm_projection_definition(const cm_projection *proj);
/* The map rectangle given at creation, x, y, width, height in pixels. */
CM_API void cm_projection_rect(const cm_projection *proj, double rect_px[4]);

#ifdef __cplusplus
}
#endif

#endif
