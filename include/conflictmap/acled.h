/* Importing an ACLED export (acleddata.com's CSV) as an events file: ACLED's
 * event types become our kinds, its territory sub-types control changes
 * between sides made from the actors, its geo_precision our precision. The
 * result is an ordinary events file for cm_events_load(). */
#ifndef CONFLICTMAP_ACLED_H
#define CONFLICTMAP_ACLED_H

#include "conflictmap/api.h"
#include "conflictmap/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads the ACLED CSV at @csv_path and makes the events file's JSON text.
 * Columns are found by name in any order; extra columns are ignored. Every
 * problem is added to @diags at its cell's FILE:LINE:COL. On success *json is
 * the caller's to free(); on failure NULL.
 * Returns CM_OK, CM_ERR_INPUT, CM_ERR_IO (cannot read) or CM_ERR_NOMEM. */
CM_API cm_status cm_acled_convert(const char *csv_path, char **json, cm_diag_list *diags);

/* cm_acled_convert(), then writes the text to @out_path all or nothing (a
 * temporary file renamed into place). Returns what cm_acled_convert() does,
 * or CM_ERR_IO when the file cannot be written (nothing is left behind). */
CM_API cm_status cm_acled_import(const char *csv_path, const char *out_path, cm_diag_list *diags);

#ifdef __cplusplus
}
#endif

#endif
