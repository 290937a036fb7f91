/* The data conflictmap ships: the world's boundary layers (shapes/) and its
 * gazetteer (gazetteer/), found where they are installed, so that neither the
 * command nor a program using the library has to name them. Reading them is
 * the loaders' job (layer.h, gazetteer.h). */
#ifndef CONFLICTMAP_DATA_H
#define CONFLICTMAP_DATA_H

#include "conflictmap/api.h"
#include "conflictmap/diag.h"
#include "conflictmap/gazetteer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The folder that holds the shipped shapes/ and gazetteer/ folders, the first
 * of these that does:
 * - $CONFLICTMAP_DATA, when it is set (and nothing else then);
 * - beside the program: its ../share/conflictmap, or its parent folder (a
 *   build folder inside the source tree);
 * - beside the shared library: share/conflictmap of the prefix it is
 *   installed in, wherever that prefix was moved;
 * - share/conflictmap of the prefix the library was built for;
 * - for a program run from the folder the library was built in, the source
 *   tree it was built from.
 * NULL when none of them holds the data. Looked for once, at the first call,
 * and kept for the life of the process; static storage. Thread-safe. */
CM_API const char *cm_data_dir(void);

/* Adds the gazetteer shipped in @data_dir (NULL: cm_data_dir()) to @gaz: the
 * world database gazetteer/world.sqlite, which holds the curated files too,
 * when it was built; else the files it is made from, gazetteer's .tsv files
 * but not the .in.tsv ones, in name order. Add it before a gazetteer of your
 * own, which then adds places and names to it.
 * Returns what cm_gazetteer_add_file() does, or CM_ERR_IO with a message when
 * there is no shipped data. */
CM_API cm_status cm_gazetteer_add_shipped(cm_gazetteer *gaz, const char *data_dir,
                                          cm_diag_list *diags);

#ifdef __cplusplus
}
#endif

#endif
