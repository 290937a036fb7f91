/* What the extent module needs of projection.c beyond the public
 * conflictmap/projection.h. For src/ only. */
#ifndef CM_SRC_PROJECTION_H
#define CM_SRC_PROJECTION_H

/* Whether @spec (NULL, "", "auto" or another) asks for the auto projection,
 * which turns polar stereographic beyond 75 degrees and so shows the poles. */
int cm_projection_is_auto(const char *spec);

#endif
