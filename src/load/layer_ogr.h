/* Layers in the vector formats GDAL/OGR reads (GeoJSON, GeoPackage, KML, KMZ,
 * FlatGeobuf, ...), every format but the shapefile, which layer.c reads with
 * shapelib. For other src/ files and the tests (the OGR fuzzer). */
#ifndef CM_SRC_LAYER_OGR_H
#define CM_SRC_LAYER_OGR_H

#include "conflictmap/layer.h"

/* Whether @path is for OGR: any file but a shapefile's .shp, .shx, .dbf,
 * .prj or .cpg (any case), which layer.c reads or explains. */
int cm_ogr_is_layer(const char *path);

/* Loads the first layer of lines or polygons in the file at @path into *out,
 * as cm_layer_load_within() does a shapefile: points skipped with a warning,
 * lines and polygons mixed refused, coordinates converted from the file's CRS
 * to WGS84 lon/lat with PROJ, features whose box misses @extent_deg (or NULL)
 * left unread. @path is checked as every input is (a regular file of at most
 * @max_file_bytes) and names the file in messages ("FILE: feature N: ...");
 * GDAL opens @gdal_path instead when it is not NULL (a /vsimem/ buffer of the
 * fuzzer), without the checks. Statuses as cm_layer_load(). */
cm_status cm_ogr_load(cm_layer **out, const char *path, const char *gdal_path,
                      const char *role, const double *extent_deg, size_t max_file_bytes,
                      cm_diag_list *diags);

#endif
