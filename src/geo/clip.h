/* Clipping projected paths to the map's rectangle, in pixels, so that a world
 * layer on a regional map costs only what is visible. For other src/ files only. */
#ifndef CM_SRC_CLIP_H
#define CM_SRC_CLIP_H

#include <stddef.h>
#include "conflictmap/diag.h"

/* Parts of points in pixels, grown as parts are added; part_start has
 * n_parts + 1 entries once cm_pathbuf_end() has run. */
typedef struct cm_pathbuf {
    double *xy;
    size_t n_points, cap_points;
    size_t *part_start;
    size_t n_parts, cap_parts;
} cm_pathbuf;

/* Appends the ring @xy (@n points, either orientation, closed or not) clipped
 * to @rect_px (x, y, width, height) as one part, or nothing when none of it is
 * inside. Points that are NaN (off the projection) are left out.
 * Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_clip_ring(cm_pathbuf *out, const double *xy, size_t n, const double rect_px[4]);

/* Appends the pieces of the line @xy (@n points) inside @rect_px, one part each;
 * a NaN point breaks the line. Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_clip_line(cm_pathbuf *out, const double *xy, size_t n, const double rect_px[4]);

/* Closes the part list (part_start[n_parts] = n_points). Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_pathbuf_end(cm_pathbuf *buf);

/* Frees the arrays; the struct itself is the caller's. NULL arrays are fine. */
void cm_pathbuf_free(cm_pathbuf *buf);

#endif
