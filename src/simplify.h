/* Simplifying projected paths to the output's resolution, so that vector
 * output stays small with no visible change. For other src/ files only. */
#ifndef CM_SRC_SIMPLIFY_H
#define CM_SRC_SIMPLIFY_H

#include <stddef.h>

/* Below a quarter of a pixel no one can see the difference, even at --scale 1. */
#define CM_SIMPLIFY_TOLERANCE_PX 0.25

/* Douglas-Peucker on @n (x_px, y_px) points in @xy, in place: keeps the first
 * and last points and every point further than @tolerance_px from the line
 * the kept points draw. Points that are NaN are kept, so that a break in a line
 * stays a break. Returns the number of points kept (0 when @n is 0); NOMEM
 * cannot happen: on allocation failure nothing is removed and @n is returned. */
size_t cm_simplify(double *xy, size_t n, double tolerance_px);

#endif
