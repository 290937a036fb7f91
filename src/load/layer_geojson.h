/* GeoJSON boundary layers: read with jansson and written out as a shapefile
 * in a private temporary folder, so that the shapefile loader's checks, name
 * fields and UTF-8 handling apply to both. For other src/ files only. */
#ifndef CM_SRC_LAYER_GEOJSON_H
#define CM_SRC_LAYER_GEOJSON_H

#include "conflictmap/diag.h"

/* Whether @path names a GeoJSON file (.geojson or .json, any case). */
int cm_geojson_is_layer(const char *path);

/* Converts the GeoJSON file at @path (a FeatureCollection, a Feature or a bare
 * geometry: Polygon, MultiPolygon, LineString, MultiLineString; coordinates
 * WGS84 as RFC 7946 says) to a shapefile in a new temporary folder under
 * $TMPDIR, which a signal does not leave behind (common/tempdir.h). The file is
 * held to --max-file-size and --max-vertices before it is parsed. On success
 * *shp_path (the .shp) and *dir are the caller's: free them, and remove the
 * folder with cm_geojson_remove(). Point features are skipped with a warning;
 * polygons and lines mixed in one file are refused.
 * Returns CM_OK, CM_ERR_INPUT (with a diagnostic at the file, line and column
 * where jansson knows it), CM_ERR_IO or CM_ERR_NOMEM. */
cm_status cm_geojson_to_shapefile(const char *path, char **shp_path, char **dir,
                                  cm_diag_list *diags);

/* Removes the folder cm_geojson_to_shapefile() made and the files in it. */
void cm_geojson_remove(const char *dir);

#endif
