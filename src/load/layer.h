/* Loading a layer from a shapefile set held in memory, for other src/ files
 * and the tests (the shapefile fuzzer); programs use cm_layer_load(). */
#ifndef CM_SRC_LAYER_H
#define CM_SRC_LAYER_H

#include "conflictmap/layer.h"
#include "load/layer_io.h"

/* Makes a library's message (shapelib, PROJ, GDAL) fit ours in place: valid
 * UTF-8 without control characters (it may quote the broken file), no final
 * period; @none when nothing is left. */
const char *cm_layer_tidy_message(char *s, const char *none);

/* As cm_layer_load(@shp_path), with every file of the set (the .shp, .shx,
 * .dbf and, when there are, .prj and .cpg) taken from @files by the name
 * shapelib derives from @shp_path ("layer.shp", "layer.shx", ..., or the same
 * in upper case); nothing is read from disk. @files are borrowed for the call.
 * Messages name the files by those names. Statuses as cm_layer_load(). */
cm_status cm_layer_load_files(cm_layer **out, const char *shp_path,
                              const cm_layer_file *files, size_t n_files,
                              const char *role, cm_diag_list *diags);

/* Building a layer from another reader (layer_ogr.c): create it, give it its
 * fields, then for each feature its parts (each part's points are written by
 * the caller into the room returned) and the shape that closes them, and
 * finally convert and check its points. A shape is the parts added since the
 * previous shape; one with none is kept, as a null shape of a .shp is not. */
cm_status cm_layer_build_begin(cm_layer **out, const char *path, const char *role);
/* Takes @fields (UTF-8 names, n of them, the array and the names malloc'd). */
void cm_layer_build_fields(cm_layer *layer, char **fields, size_t n);
/* Room for a part of @n points (n > 0): lon0, lat0, lon1, ...; NULL when memory
 * runs out. The pointer is good until the next call. */
double *cm_layer_build_part(cm_layer *layer, size_t n);
/* Drops the parts added since the last shape (a feature refused or skipped). */
void cm_layer_build_drop(cm_layer *layer);
/* Closes a shape of @kind over the parts added since the previous one, with
 * its values (one per field, malloc'd, taken even on failure). */
cm_status cm_layer_build_shape(cm_layer *layer, cm_shape_kind kind, int record, char **values);
void cm_layer_build_unread(cm_layer *layer, size_t n);
/* Converts the points from the CRS in @wkt (any text PROJ reads; NULL when the
 * file has none, and the points are taken as WGS84 lon/lat) with PROJ, checks
 * them and sets the box. @crs_source says where the CRS came from in messages
 * ("the .prj beside it"). Statuses as cm_layer_load(). */
cm_status cm_layer_build_end(cm_layer *layer, const char *wkt, const char *crs_source,
                             cm_diag_list *diags);
/* Whether @wkt is longitude/latitude on WGS84 (known without PROJ, or said by
 * PROJ to be equivalent but for axis order). */
int cm_layer_wkt_is_lonlat(const char *wkt);
/* Whether the box @b (west, south, east, north) meets the extent @ext, whose
 * west may be greater than its east (across the antimeridian). */
int cm_layer_box_meets(const double b[4], const double ext[4]);

#endif
