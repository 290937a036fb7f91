/* fmin(@acc, @b) and fmax(@acc, @b) where @acc is not NaN (a running least
 * or greatest, begun with a number): one instruction each, where fmin and
 * fmax are calls. For the geometry code's boxes (geo/area.c, layout/
 * territory.c). */
#ifndef CM_SRC_MINMAX_H
#define CM_SRC_MINMAX_H

static inline double
cm_min_acc(double acc, double b)
{
    return b < acc ? b : acc;
}

static inline double
cm_max_acc(double acc, double b)
{
    return b > acc ? b : acc;
}

#endif
