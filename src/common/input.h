/* Reading text input files whole: size limit, byte-order marks, UTF-8 checks
 * with the line and column of the first bad byte. For other src/ files only. */
#ifndef CM_SRC_INPUT_H
#define CM_SRC_INPUT_H

#include <stddef.h>
#include "conflictmap/diag.h"

enum { CM_INPUT_MAX_BYTES = 256 * 1024 * 1024 };

/* Reads @path into *text (NUL-terminated, the caller's to free), *len bytes
 * without the UTF-8 byte-order mark, which is skipped. Refuses UTF-16/32 and
 * invalid UTF-8 with an error at the first bad byte, and files over @max_bytes.
 * Returns CM_OK, CM_ERR_IO (with "cannot read ..."), CM_ERR_INPUT, CM_ERR_NOMEM. */
cm_status cm_input_read_text(const char *path, size_t max_bytes, char **text, size_t *len,
                             cm_diag_list *diags);

/* The 1-based line and column (in characters) of byte @offset in @text. */
cm_pos cm_input_pos(const char *file, const char *text, size_t offset);

/* Length of the valid UTF-8 sequence at @s (1..4), or 0 when it is not valid. */
size_t cm_utf8_sequence_length(const unsigned char *s, size_t avail);

#endif
