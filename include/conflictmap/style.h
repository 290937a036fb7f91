/* Styles: the colours, fonts and sizes a map is drawn with. Built-in presets
 * ("light", "dark", "print") and JSON style files that start from a preset and
 * change what they name (style.md, installed in share/doc/conflictmap,
 * documents the keys). */
#ifndef CONFLICTMAP_STYLE_H
#define CONFLICTMAP_STYLE_H

#include "conflictmap/api.h"
#include "conflictmap/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_style cm_style;

/* The built-in preset @name ("light", "dark" or "print"; NULL is "light").
 * On success *out is the caller's (cm_style_destroy). Returns CM_OK,
 * CM_ERR_INPUT (no such preset, with a message naming the presets) or
 * CM_ERR_NOMEM. */
CM_API cm_status cm_style_preset(cm_style **out, const char *name, cm_diag_list *diags);

/* A preset when @name_or_path is a preset's name, else the JSON style file at
 * that path. Every problem in the file is reported at its FILE:LINE:COL.
 * Returns CM_OK, CM_ERR_INPUT, CM_ERR_IO (cannot read) or CM_ERR_NOMEM. */
CM_API cm_status cm_style_load(cm_style **out, const char *name_or_path, cm_diag_list *diags);

CM_API void cm_style_destroy(cm_style *style);   /* NULL is fine */

/* The style's name: the preset's, or the file's "name" (else its path). Borrowed. */
CM_API const char *cm_style_name(const cm_style *style);

#ifdef __cplusplus
}
#endif

#endif
