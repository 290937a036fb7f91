/* Layers: boundary geometry read from a shapefile (shapelib) or any other
 * vector file GDAL/OGR reads (GeoJSON, GeoPackage, KML, KMZ, FlatGeobuf, ...;
 * GDAL is loaded with dlopen() the first time one is read), reprojected to WGS84
 * longitude/latitude at load time, and tagged with the role it is drawn in.
 * Projecting to the map plane is the projection module's job. */
#ifndef CONFLICTMAP_LAYER_H
#define CONFLICTMAP_LAYER_H

#include <stddef.h>
#include "conflictmap/api.h"
#include "conflictmap/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_layer cm_layer;
typedef struct cm_shape cm_shape;

typedef enum cm_shape_kind {
    CM_SHAPE_POINT,     /* Point and MultiPoint (and their Z/M variants) */
    CM_SHAPE_LINE,      /* Arc (PolyLine) */
    CM_SHAPE_POLYGON    /* Polygon: outer rings and holes, any orientation */
} cm_shape_kind;

/* Loads the shapefile at @path (the .shp; the .shx and .dbf beside it are
 * required, .prj and .cpg are honoured when present). @role is copied, e.g.
 * "countries"; NULL takes the role from the file name (see cm_layer_role_from_path).
 * Coordinates are transformed to WGS84 degrees with PROJ from the .prj; without
 * a .prj the layer is taken as WGS84 and a warning is added. Multipatch and
 * null shapes are skipped with a warning; a broken file is refused with an
 * error naming the file and the record.
 * Any other file (not .shp, .shx, .dbf, .prj, .cpg) is read with GDAL/OGR:
 * the first layer that may hold lines or polygons, its CRS from the file
 * through PROJ, points skipped with a warning, lines and polygons mixed
 * refused, errors as "feature N: ..." or GDAL's own message.
 * On success *out is the caller's (cm_layer_destroy). On failure *out is NULL.
 * Returns CM_OK, CM_ERR_INPUT (broken or unsupported file), CM_ERR_IO (cannot
 * be read, or GDAL cannot be loaded), CM_ERR_NOMEM. */
CM_API cm_status cm_layer_load(cm_layer **out, const char *path, const char *role,
                               cm_diag_list *diags);
/* As cm_layer_load(), but reads only the records whose bounding box meets
 * @extent_deg (west, south, east, north in degrees; west greater than east
 * for an extent across the antimeridian): the others are neither read nor
 * checked, so a map of Gaza does not pay for Russia. The boxes are the ones
 * each record of the .shp carries in its header (a layer read by OGR is
 * filtered by each feature's box, and by OGR's spatial index where the format
 * has one, when its CRS is WGS84 longitude/latitude). A shapefile whose .prj is not WGS84
 * longitude/latitude written in one of the usual ways is read whole. NULL
 * reads every record.
 * Statuses as cm_layer_load(). */
CM_API cm_status cm_layer_load_within(cm_layer **out, const char *path, const char *role,
                                      const double *extent_deg, cm_diag_list *diags);
CM_API void      cm_layer_destroy(cm_layer *layer);   /* NULL is fine */

/* The role a file name implies: its base name without extension, lower-cased,
 * e.g. "shapes/countries.shp" -> "countries". Writes at most @size bytes. */
CM_API void cm_layer_role_from_path(const char *path, char *role, size_t size);

CM_API const char *cm_layer_role(const cm_layer *layer);       /* borrowed */
CM_API const char *cm_layer_path(const cm_layer *layer);       /* borrowed */
CM_API size_t      cm_layer_n_shapes(const cm_layer *layer);
/* The records cm_layer_load_within() left unread, outside its extent. */
CM_API size_t      cm_layer_n_unread(const cm_layer *layer);
/* Borrowed, valid while @layer lives; NULL when @i is out of range. */
CM_API const cm_shape *cm_layer_shape(const cm_layer *layer, size_t i);
/* Bounding box of every shape in degrees: west, south, east, north.
 * Returns 0 for an empty layer (and leaves @bbox alone). */
CM_API int cm_layer_bbox(const cm_layer *layer, double bbox[4]);

CM_API cm_shape_kind cm_shape_kind_of(const cm_shape *shape);
CM_API size_t        cm_shape_n_parts(const cm_shape *shape);
/* The @k-th part (ring, line or point group) as @n_points (lon, lat) pairs,
 * interleaved: lon0, lat0, lon1, lat1, ... Borrowed. */
CM_API const double *cm_shape_part(const cm_shape *shape, size_t k, size_t *n_points);
/* The shape's name from the .dbf (the first of NAME, name, NAME_EN, ... that
 * is present), decoded to UTF-8; "" when there is none. Borrowed. */
CM_API const char   *cm_shape_name(const cm_shape *shape);
/* The value of the .dbf field @field (case-insensitive) decoded to UTF-8, or
 * NULL when the layer has no such field. Borrowed. */
CM_API const char   *cm_shape_attr(const cm_shape *shape, const char *field);

#ifdef __cplusplus
}
#endif

#endif
