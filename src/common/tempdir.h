/* Private temporary folders under $TMPDIR (/tmp when it is not set), which
 * cm_remove_temporaries() removes from a signal handler. Files in them are
 * the maker's to write; the folders hold no folders. For src/ only. */
#ifndef CM_SRC_TEMPDIR_H
#define CM_SRC_TEMPDIR_H

#include "conflictmap/diag.h"

/* Makes a new folder, readable by us alone, named $TMPDIR/@prefix-XXXXXXXXXXXX
 * (twelve random characters); *dir is the caller's to free after
 * cm_tempdir_remove(). Returns CM_OK, CM_ERR_IO (with a diagnostic at @for_path,
 * the input it is for) or CM_ERR_NOMEM. */
cm_status cm_tempdir_create(const char *prefix, const char *for_path, char **dir,
                            cm_diag_list *diags);

/* Removes @dir and the files in it, and forgets it. */
void cm_tempdir_remove(const char *dir);

/* Removes every folder cm_tempdir_create() made and cm_tempdir_remove() has
 * not removed yet, and makes no more. Async-signal-safe: for the handler
 * that cm_remove_temporaries() serves. */
void cm_tempdir_remove_all(void);

#endif
