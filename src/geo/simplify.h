/* Simplifying projected paths to the output's resolution, so that vector
 * output stays small with no visible change. For other src/ files only. */
#ifndef CM_SRC_SIMPLIFY_H
#define CM_SRC_SIMPLIFY_H

#include <stddef.h>
#include "conflictmap/diag.h"

/* Below a quarter of a pixel no one can see the difference, even at --scale 1. */
#define CM_SIMPLIFY_TOLERANCE_PX 0.25

/* Douglas-Peucker on *@n_points (x_px, y_px) points in @xy, in place: keeps the
 * first and last points and every point further than @tolerance_px from the
 * line the kept points draw. Points that are NaN are kept, so that a break in a
 * line stays a break. On CM_OK *@n_points is the number kept; on CM_ERR_NOMEM
 * (the only failure) @xy and *@n_points are unchanged. */
cm_status cm_simplify(double *xy, size_t *n_points, double tolerance_px);

/* The same choice without moving anything: keep[i] is set to 1 for each of
 * the @n points of @xy that cm_simplify() would keep, 0 for the others (for a
 * caller that keeps other coordinates of the same points: layout/territory.c
 * keeps the longitude and latitude of the points whose projection it
 * simplified). CM_OK or CM_ERR_NOMEM. */
cm_status cm_simplify_keep(const double *xy, size_t n, double tolerance_px, unsigned char *keep);

#endif
