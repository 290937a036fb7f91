/* The SVG writer (draw_svg.c): a scene as an SVG document whose text is
 * text. It stands beside the cairo backend (draw.h), not on it: both trace
 * shapes with trace.h, and format.c chooses between them. For src/ only. */
#ifndef CM_SRC_DRAW_SVG_H
#define CM_SRC_DRAW_SVG_H

#include "conflictmap/diag.h"
#include "conflictmap/scene.h"

/* Writes @scene at @scale as SVG to @path, all or nothing. Returns CM_OK,
 * CM_ERR_IO (with a diagnostic) or CM_ERR_NOMEM. */
cm_status cm_draw_svg(const cm_scene *scene, double scale, const char *path,
                      cm_diag_list *diags);

#endif
