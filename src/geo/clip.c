/* Clipping in pixel space: Sutherland-Hodgman for rings (the result may run
 * along the rectangle's edge, which a fill draws as nothing visible) and
 * Liang-Barsky for lines. Projection and simplification are done before. */
#include "geo/clip.h"
#include "common/grow.h"

#include <math.h>
#include <stdlib.h>

static cm_status
start_part(cm_pathbuf *b)
{
    if (!cm_reserve((void **)&b->part_start, &b->cap_parts, b->n_parts + 2, sizeof(size_t)))
        return CM_ERR_NOMEM;
    b->part_start[b->n_parts++] = b->n_points;
    return CM_OK;
}

static cm_status
add_point(cm_pathbuf *b, double x, double y)
{
    if (!cm_reserve((void **)&b->xy, &b->cap_points, 2 * (b->n_points + 1), sizeof(double)))
        return CM_ERR_NOMEM;
    b->xy[2 * b->n_points] = x;
    b->xy[2 * b->n_points + 1] = y;
    b->n_points++;
    return CM_OK;
}

/* One Sutherland-Hodgman pass: keep the side of edge @e (0 left, 1 top,
 * 2 right, 3 bottom) facing the rectangle. */
static int
inside(const double *p, int e, const double r[4])
{
    switch (e) {
    case 0: return p[0] >= r[0];
    case 1: return p[1] >= r[1];
    case 2: return p[0] <= r[0] + r[2];
    default: return p[1] <= r[1] + r[3];
    }
}

static void
crossing(const double *a, const double *b, int e, const double r[4], double *out)
{
    double edge = e == 0 ? r[0] : e == 1 ? r[1] : e == 2 ? r[0] + r[2] : r[1] + r[3];
    int axis = e % 2;
    double t = (edge - a[axis]) / (b[axis] - a[axis]);
    out[axis] = edge;
    out[1 - axis] = a[1 - axis] + t * (b[1 - axis] - a[1 - axis]);
}

static size_t
clip_pass(const double *in, size_t n, double *out, int e, const double r[4])
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const double *cur = in + 2 * i, *prev = in + 2 * ((i + n - 1) % n);
        int ci = inside(cur, e, r), pi = inside(prev, e, r);
        if (ci != pi)
            crossing(prev, cur, e, r, out + 2 * m++);
        if (ci) {
            out[2 * m] = cur[0];
            out[2 * m + 1] = cur[1];
            m++;
        }
    }
    return m;
}

/* A ring wholly inside needs no work, and one whose box misses the
 * rectangle is dropped without any; only the rest pay for the passes. */
static int
ring_box(const double *xy, size_t n, const double r[4], int *all_inside)
{
    double w = INFINITY, s = INFINITY, e = -INFINITY, t = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        w = fmin(w, xy[2 * i]);
        e = fmax(e, xy[2 * i]);
        s = fmin(s, xy[2 * i + 1]);
        t = fmax(t, xy[2 * i + 1]);
    }
    *all_inside = w >= r[0] && e <= r[0] + r[2] && s >= r[1] && t <= r[1] + r[3];
    return e >= r[0] && w <= r[0] + r[2] && t >= r[1] && s <= r[1] + r[3];
}

static cm_status
append_ring(cm_pathbuf *out, const double *xy, size_t n)
{
    cm_status st = n >= 3 ? start_part(out) : CM_OK;
    for (size_t i = 0; st == CM_OK && n >= 3 && i < n; i++)
        st = add_point(out, xy[2 * i], xy[2 * i + 1]);
    return st;
}

cm_status
cm_clip_ring(cm_pathbuf *out, const double *xy, size_t n, const double r[4])
{
    /* Each pass adds at most one point per edge crossed: 2n per pass is enough. */
    double *a = malloc((2 * n + 8) * 2 * sizeof(double));
    double *b = malloc((2 * n + 8) * 2 * sizeof(double));
    cm_status st = CM_ERR_NOMEM;
    size_t m = 0;
    int all_inside = 0;

    if (!a || !b)
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        if (isfinite(xy[2 * i]) && isfinite(xy[2 * i + 1])) {
            a[2 * m] = xy[2 * i];
            a[2 * m + 1] = xy[2 * i + 1];
            m++;
        }
    st = CM_OK;
    if (m < 3 || !ring_box(a, m, r, &all_inside))
        goto cleanup;
    for (int e = 0; e < 4 && !all_inside && m > 0; e += 2) {
        m = clip_pass(a, m, b, e, r);
        m = clip_pass(b, m, a, e + 1, r);
    }
    st = append_ring(out, a, m);
cleanup:
    free(a);
    free(b);
    return st;
}

/* Liang-Barsky: the parameters t0 <= t1 of the segment a->b inside r. */
static int
clip_segment(const double *a, const double *b, const double r[4], double *t0, double *t1)
{
    double dx = b[0] - a[0], dy = b[1] - a[1];
    double p[4] = { -dx, dx, -dy, dy };
    double q[4] = { a[0] - r[0], r[0] + r[2] - a[0], a[1] - r[1], r[1] + r[3] - a[1] };
    *t0 = 0;
    *t1 = 1;
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0)
            *t0 = fmax(*t0, t);
        else
            *t1 = fmin(*t1, t);
    }
    return *t0 <= *t1;
}

cm_status
cm_clip_line(cm_pathbuf *out, const double *xy, size_t n, const double r[4])
{
    cm_status st = CM_OK;
    int open = 0;          /* the last point added ends the current part */
    for (size_t i = 1; st == CM_OK && i < n; i++) {
        const double *a = xy + 2 * (i - 1), *b = xy + 2 * i;
        double t0, t1;
        if (!isfinite(a[0] + a[1] + b[0] + b[1]) || !clip_segment(a, b, r, &t0, &t1)) {
            open = 0;
            continue;
        }
        if (!open || t0 > 0) {
            st = start_part(out);
            if (st == CM_OK)
                st = add_point(out, a[0] + t0 * (b[0] - a[0]), a[1] + t0 * (b[1] - a[1]));
        }
        if (st == CM_OK)
            st = add_point(out, a[0] + t1 * (b[0] - a[0]), a[1] + t1 * (b[1] - a[1]));
        open = t1 >= 1;
    }
    return st;
}

cm_status
cm_pathbuf_end(cm_pathbuf *b)
{
    if (!cm_reserve((void **)&b->part_start, &b->cap_parts, b->n_parts + 1, sizeof(size_t)))
        return CM_ERR_NOMEM;
    b->part_start[b->n_parts] = b->n_points;
    return CM_OK;
}

void
cm_pathbuf_free(cm_pathbuf *b)
{
    free(b->xy);
    free(b->part_start);
    b->xy = NULL;
    b->part_start = NULL;
}
