/* Statuses and diagnostics: how every part of conflictmap says what went wrong
 * and where (FILE:LINE:COL). The library never prints; the command-line tool
 * formats the list with cm_diag_format() and chooses the exit status. */
#ifndef CONFLICTMAP_DIAG_H
#define CONFLICTMAP_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include "conflictmap/api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cm_status {
    CM_OK = 0,
    CM_ERR_INPUT,     /* the input is wrong; a diagnostic says where */
    CM_ERR_IO,        /* a file could not be read or written */
    CM_ERR_NOMEM,
    CM_ERR_INTERNAL   /* a bug in conflictmap */
} cm_status;

/* Where a value came from. @file is borrowed from whoever loaded it (it lives
 * as long as the loaded object); line and col are 1-based, 0 when unknown. */
typedef struct cm_pos {
    const char *file;
    int line, col;
} cm_pos;

typedef enum cm_severity { CM_SEV_WARNING, CM_SEV_ERROR } cm_severity;

typedef struct cm_diag_list cm_diag_list;

/* An empty list, or NULL when out of memory. Free with cm_diag_list_destroy(). */
CM_API cm_diag_list *cm_diag_list_create(void);
CM_API void          cm_diag_list_destroy(cm_diag_list *diags);   /* NULL is fine */

/* Adds a message at @pos (which may be NULL). The file name is copied. A NULL
 * @diags is accepted and ignores the message, so helpers can run without one. */
CM_API void cm_diag_error(cm_diag_list *diags, const cm_pos *pos, const char *fmt, ...)
           __attribute__((format(printf, 3, 4)));
CM_API void cm_diag_warning(cm_diag_list *diags, const cm_pos *pos, const char *fmt, ...)
           __attribute__((format(printf, 3, 4)));
/* cm_diag_error with the arguments as a va_list, for loaders' own wrappers. */
CM_API void cm_diag_verror(cm_diag_list *diags, const cm_pos *pos, const char *fmt, va_list ap)
           __attribute__((format(printf, 3, 0)));

CM_API size_t cm_diag_count(const cm_diag_list *diags);
CM_API size_t cm_diag_error_count(const cm_diag_list *diags);

/* Sorts by file, line and column; ties keep the order they were added in. */
CM_API void cm_diag_sort(cm_diag_list *diags);

/* The @i-th message, formatted as "FILE:LINE:COL: message" (or "FILE: message"
 * without a line, or "warning: ..." prefixed for warnings). Borrowed: valid
 * until the list changes. */
CM_API const char  *cm_diag_text(const cm_diag_list *diags, size_t i);
CM_API cm_severity  cm_diag_severity(const cm_diag_list *diags, size_t i);
/* The message alone, without position. Borrowed. */
CM_API const char  *cm_diag_message(const cm_diag_list *diags, size_t i);
CM_API cm_pos       cm_diag_pos(const cm_diag_list *diags, size_t i);

/* A short English phrase for @st, e.g. "invalid input". Static storage. */
CM_API const char *cm_status_text(cm_status st);

#ifdef __cplusplus
}
#endif

#endif
