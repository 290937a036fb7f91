/* Styles: colours, fonts and sizes a map is drawn with. Built-in presets for
 * now; style files (JSON) come with the cartography work. */
#ifndef CONFLICTMAP_STYLE_H
#define CONFLICTMAP_STYLE_H

#include "conflictmap/diag.h"

typedef struct cm_style cm_style;

/* The built-in preset @name ("light"). On success *out is the caller's
 * (cm_style_destroy). Returns CM_OK, CM_ERR_INPUT (no such preset, with a
 * message naming the presets) or CM_ERR_NOMEM. */
cm_status cm_style_preset(cm_style **out, const char *name, cm_diag_list *diags);
void      cm_style_destroy(cm_style *style);   /* NULL is fine */

/* The style's name, e.g. "light". Borrowed. */
const char *cm_style_name(const cm_style *style);

#endif
