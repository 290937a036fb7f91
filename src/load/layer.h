/* Loading a layer from a shapefile set held in memory, for other src/ files
 * and the tests (the shapefile fuzzer); programs use cm_layer_load(). */
#ifndef CM_SRC_LAYER_H
#define CM_SRC_LAYER_H

#include "conflictmap/layer.h"
#include "load/layer_io.h"

/* As cm_layer_load(@shp_path), with every file of the set (the .shp, .shx,
 * .dbf and, when there are, .prj and .cpg) taken from @files by the name
 * shapelib derives from @shp_path ("layer.shp", "layer.shx", ..., or the same
 * in upper case); nothing is read from disk. @files are borrowed for the call.
 * Messages name the files by those names. Statuses as cm_layer_load(). */
cm_status cm_layer_load_files(cm_layer **out, const char *shp_path,
                              const cm_layer_file *files, size_t n_files,
                              const char *role, cm_diag_list *diags);

#endif
