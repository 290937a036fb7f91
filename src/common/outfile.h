/* Output files written all or nothing: a temporary name in the output folder,
 * renamed into place once complete, removed on any failure. For src/ only. */
#ifndef CM_SRC_OUTFILE_H
#define CM_SRC_OUTFILE_H

#include <stdio.h>
#include "conflictmap/diag.h"

typedef struct cm_outfile {
    char *path;      /* where it goes, owned */
    char *tmp;       /* where it is written first, owned */
    FILE *f;
    char *buf;       /* f's buffer, owned */
    int failed;      /* a write failed: commit will refuse */
    int slot;        /* 1 + where cm_remove_temporaries() finds tmp; 0: nowhere */
} cm_outfile;

/* @n (at most 64) characters from a-z and 0-9 that nobody can guess (the
 * kernel's random source, else the clock and a counter), then a NUL: for
 * names that must not be planted beforehand. */
void cm_random_name(char *out, size_t n);

/* Opens @path's temporary file for writing. Returns CM_OK, CM_ERR_IO (with a
 * diagnostic) or CM_ERR_NOMEM. */
cm_status cm_outfile_open(cm_outfile *o, const char *path, cm_diag_list *diags);
/* Writes @n bytes; a failure is remembered for commit. */
void      cm_outfile_write(cm_outfile *o, const void *data, size_t n);
/* Writes a string, or printf-formatted text (never cut short); likewise. */
void      cm_outfile_puts(cm_outfile *o, const char *s);
void      cm_outfile_printf(cm_outfile *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands what is buffered to the file now, so that a failure (a full disk)
 * shows in @o->failed; 0 when writing has failed. */
int       cm_outfile_flush(cm_outfile *o);
/* Closes and renames into place; on any failure removes the temporary file.
 * Always releases @o. Returns CM_OK or CM_ERR_IO (with a diagnostic). */
cm_status cm_outfile_commit(cm_outfile *o, cm_diag_list *diags);
/* Closes and removes the temporary file; releases @o. Safe on a zeroed @o. */
void      cm_outfile_abort(cm_outfile *o);

#endif
