/* Douglas-Peucker simplification in pixel space, after projecting and before
 * clipping; which tolerance to use is the caller's (the scene's) choice. */
#include "geo/simplify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Squared distance from @p to the segment from @a to @b, whose @dx, @dy and
 * squared length @len2 the caller took once for all its points (compared
 * squared: no square root per point); t clamped to [0, 1] as fmax(0,
 * fmin(1, t)) would, inline (the library's were two calls per point). */
static inline double
distance2(const double *p, const double *a, double dx, double dy, double len2)
{
    double t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
    t = !(t <= 1) ? 1 : t < 0 ? 0 : t;   /* NaN: 1, as fmin(1, NaN) */
    double ex = p[0] - a[0] - t * dx, ey = p[1] - a[1] - t * dy;
    return ex * ex + ey * ey;
}

/* Marks in @keep the points of (lo, hi) that must stay; with an explicit
 * stack, since a coastline of a million points would overflow recursion. */
static void
mark(const double *xy, unsigned char *keep, size_t *stack, size_t lo, size_t hi, double tol)
{
    size_t top = 0;
    stack[top++] = lo;
    stack[top++] = hi;
    while (top > 0) {
        size_t b = stack[--top], a = stack[--top], far = 0;
        double worst = tol * tol;
        const double *pa = xy + 2 * a, *pb = xy + 2 * b;
        double dx = pb[0] - pa[0], dy = pb[1] - pa[1], len2 = dx * dx + dy * dy;
        for (size_t i = a + 1; i < b; i++) {
            double d = distance2(xy + 2 * i, pa, dx, dy, len2);
            if (d > worst) {
                worst = d;
                far = i;
            }
        }
        if (!far)
            continue;
        keep[far] = 1;
        stack[top++] = a;
        stack[top++] = far;
        stack[top++] = far;
        stack[top++] = b;
    }
}

cm_status
cm_simplify_keep(const double *xy, size_t n, double tol, unsigned char *keep)
{
    memset(keep, 0, n);
    if (n < 3) {
        memset(keep, 1, n);
        return CM_OK;
    }
    size_t *stack = malloc((2 * n + 2) * sizeof(size_t));
    if (!stack)
        return CM_ERR_NOMEM;
    /* Runs of finite points are simplified separately; NaNs stay as breaks. */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && isfinite(xy[2 * j]) && isfinite(xy[2 * j + 1]))
            j++;
        if (j > i) {
            keep[i] = keep[j - 1] = 1;
            if (j - i > 2)
                mark(xy, keep, stack, i, j - 1, tol);
        }
        if (j < n)
            keep[j] = 1;
        i = j + 1;
    }
    free(stack);
    return CM_OK;
}

cm_status
cm_simplify(double *xy, size_t *n_points, double tol)
{
    size_t n = *n_points, m = 0;
    if (n < 3)
        return CM_OK;
    unsigned char *keep = malloc(n);
    if (!keep)
        return CM_ERR_NOMEM;
    if (cm_simplify_keep(xy, n, tol, keep) != CM_OK) {
        free(keep);
        return CM_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        if (keep[i]) {
            xy[2 * m] = xy[2 * i];
            xy[2 * m + 1] = xy[2 * i + 1];
            m++;
        }
    free(keep);
    *n_points = m;
    return CM_OK;
}
