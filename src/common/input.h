/* Reading input files: what kind of file and what size each may be, and text
 * files read whole with their byte-order marks and UTF-8 checked, with the
 * line and column of the first bad byte. For other src/ files only. */
#ifndef CM_SRC_INPUT_H
#define CM_SRC_INPUT_H

#include <stddef.h>
#include "conflictmap/diag.h"

enum { CM_INPUT_MAX_BYTES = 256 * 1024 * 1024 };

/* Every input file passes these checks before a byte of it is read: it must be
 * a regular file (a named pipe, a device, a socket or a folder could block the
 * run or never end) of at most @max_bytes bytes (--max-file-size). @advice
 * ends the message about size ("split it"), or NULL. */

/* The checks by name, with stat(), so nothing is opened and nothing blocks:
 * for files that another library opens (shapelib's). Returns CM_OK,
 * CM_ERR_IO ("cannot read ...": missing or not allowed) or CM_ERR_INPUT,
 * each with a diagnostic. */
cm_status cm_input_check(const char *path, size_t max_bytes, const char *advice,
                         cm_diag_list *diags);

/* Opens @path for reading without blocking, and makes the checks on what was
 * opened. *fd is the caller's to close. Returns as cm_input_check(). */
cm_status cm_input_open(const char *path, size_t max_bytes, const char *advice, int *fd,
                        cm_diag_list *diags);

/* open(2) for reading that never blocks, for a reader whose files were
 * checked by name with cm_input_check(): -1 with errno set (EINVAL, or EISDIR,
 * when it is not a regular file: it was replaced since). */
int cm_input_open_regular(const char *path);

/* Reads @path whole after cm_input_open(): *data NUL-terminated (the caller's
 * to free), *len bytes, nothing about its encoding checked. Returns as
 * cm_input_check(), or CM_ERR_NOMEM. */
cm_status cm_input_read(const char *path, size_t max_bytes, const char *advice, char **data,
                        size_t *len, cm_diag_list *diags);

/* Reads @path into *text (NUL-terminated, the caller's to free), *len bytes
 * without the UTF-8 byte-order mark, which is skipped. Refuses UTF-16/32 and
 * invalid UTF-8 with an error at the first bad byte, and what cm_input_open()
 * refuses. Returns CM_OK, CM_ERR_IO (with "cannot read ..."), CM_ERR_INPUT,
 * CM_ERR_NOMEM. */
cm_status cm_input_read_text(const char *path, size_t max_bytes, char **text, size_t *len,
                             cm_diag_list *diags);

/* The 1-based line and column (in characters) of byte @offset in @text. */
cm_pos cm_input_pos(const char *file, const char *text, size_t offset);

/* Length of the valid UTF-8 sequence at @s (1..4), or 0 when it is not valid. */
size_t cm_utf8_sequence_length(const unsigned char *s, size_t avail);

#endif
