/* What the run needs of the shipped data beyond the public API (data.h):
 * its folder, or a message saying why there is none. */
#ifndef CM_SRC_DATA_H
#define CM_SRC_DATA_H

#include "conflictmap/data.h"

/* The shipped data's folder for a run: @given when not NULL, else
 * cm_data_dir(). NULL when that folder holds no shapes/ and gazetteer/, with
 * a message in @diags that says where it was looked for and how to say where
 * it is. Borrowed: @given, or cm_data_dir()'s static storage. */
const char *cm_data_find(const char *given, cm_diag_list *diags);

/* The catalogue of the map's words in @lang (common/catalog.h) into @buf:
 * LOCALE/LANG.mo in @data_dir (NULL: cm_data_dir()), or, for a program run
 * from the build folder, in the build folder's locale/, where msgfmt writes
 * them. 0 when there is none. */
int cm_data_catalog_path(const char *data_dir, const char *lang, char *buf, size_t size);

#endif
