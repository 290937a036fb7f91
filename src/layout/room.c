/* Where a name fits inside an area of the map: an outline (a country, a
 * region) rasterised coarsely over the map, the room around each of its cells
 * measured, and the roomiest spot whose label box lies wholly inside the
 * visible part chosen. What the name says and whether it is placed is for
 * base.c and context.c. */
#include "layout/layout.h"

#include <stdlib.h>
#include <string.h>

enum { CELL_PX = 8, EDGE_PX = 6 };

typedef struct grid {
    int nx, ny;
    double x0, y0;               /* top left of cell (0, 0) */
    unsigned short *dist;        /* per cell: 0 outside, else chamfer steps to outside x3 */
} grid;

int
layout_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Even-odd scanline fill of @p's rings at each row's middle. Each edge is
 * put in the rows it crosses (found from its ends, then checked with the
 * test the rows use), so a fine outline costs its edges once, not once a
 * row; each crossing pair fills only the cells between them. */
static int
fill(grid *g, const cm_scene_path *p)
{
    size_t *start = calloc((size_t)g->ny + 1, sizeof(size_t));
    double *xs = NULL;
    if (!start)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < p->n_parts; k++) {
            size_t a = p->part_start[k], e = p->part_start[k + 1];
            for (size_t i = a; i < e; i++) {
                const double *u = &p->xy[2 * i], *v = &p->xy[2 * (i + 1 < e ? i + 1 : a)];
                double lo = fmin(u[1], v[1]), hi = fmax(u[1], v[1]);
                if (!(hi > lo))
                    continue;                  /* level or not a number: crosses no row */
                double j0 = floor((lo - g->y0) / CELL_PX - 0.5), j1 = ceil((hi - g->y0) / CELL_PX);
                if (j1 < 0 || j0 >= g->ny)
                    continue;
                for (int j = j0 < 0 ? 0 : (int)j0; j <= j1 && j < g->ny; j++) {
                    double y = g->y0 + (j + 0.5) * CELL_PX;
                    if ((u[1] <= y) == (v[1] <= y))
                        continue;
                    if (pass == 0)
                        start[j + 1]++;
                    else
                        xs[start[j]++] = u[0] + (y - u[1]) / (v[1] - u[1]) * (v[0] - u[0]);
                }
            }
        }
        if (pass == 0) {
            for (int j = 0; j < g->ny; j++)
                start[j + 1] += start[j];
            if (!(xs = malloc((start[g->ny] + 1) * sizeof(double)))) {
                free(start);
                return 0;
            }
        } else {
            /* the second pass moved each row's start to the next row's */
            for (int j = g->ny; j > 0; j--)
                start[j] = start[j - 1];
            start[0] = 0;
        }
    }
    for (int j = 0; j < g->ny; j++) {
        double *r = xs + start[j];
        size_t n = start[j + 1] - start[j];
        if (n > 1)
            qsort(r, n, sizeof(double), layout_compare_doubles);
        for (size_t m = 0; m + 1 < n; m += 2) {
            double i0 = floor((r[m] - g->x0) / CELL_PX - 0.5), i1 = ceil((r[m + 1] - g->x0) / CELL_PX);
            if (!(i1 >= 0 && i0 < g->nx))
                continue;
            for (int i = i0 < 0 ? 0 : (int)i0; i <= i1 && i < g->nx; i++) {
                double x = g->x0 + (i + 0.5) * CELL_PX;
                if (x >= r[m] && x < r[m + 1])
                    g->dist[j * g->nx + i] = 1;
            }
        }
    }
    free(xs);
    free(start);
    return 1;
}

static unsigned short
min3(unsigned short a, unsigned short b, unsigned short c)
{
    return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

/* Two-pass 3-4 chamfer distance to the nearest cell outside (the grid's own
 * edge counts as outside: a name must not run off the map). */
static void
measure(grid *g)
{
    int nx = g->nx, ny = g->ny;
    unsigned short *d = g->dist, far = 60000;
    for (int i = 0; i < nx * ny; i++)
        d[i] = d[i] ? far : 0;
#define AT(x, y) ((x) < 0 || (y) < 0 || (x) >= nx || (y) >= ny ? 0 : d[(y) * nx + (x)])
    for (int y = 0; y < ny; y++)
        for (int x = 0; x < nx; x++)
            if (d[y * nx + x])
                d[y * nx + x] = min3(d[y * nx + x], AT(x - 1, y) + 3,
                                     min3(AT(x, y - 1) + 3, AT(x - 1, y - 1) + 4,
                                          AT(x + 1, y - 1) + 4));
    for (int y = ny - 1; y >= 0; y--)
        for (int x = nx - 1; x >= 0; x--)
            if (d[y * nx + x])
                d[y * nx + x] = min3(d[y * nx + x], AT(x + 1, y) + 3,
                                     min3(AT(x, y + 1) + 3, AT(x + 1, y + 1) + 4,
                                          AT(x - 1, y + 1) + 4));
#undef AT
}

/* Every cell a box of @w x @h centred on cell (@cx, @cy) covers is inside. */
static int
box_inside(const grid *g, int cx, int cy, double w, double h)
{
    int hx = (int)ceil(w / 2 / CELL_PX), hy = (int)ceil(h / 2 / CELL_PX);
    if (cx - hx < 0 || cy - hy < 0 || cx + hx >= g->nx || cy + hy >= g->ny)
        return 0;
    for (int y = cy - hy; y <= cy + hy; y++)
        for (int x = cx - hx; x <= cx + hx; x++)
            if (!g->dist[y * g->nx + x])
                return 0;
    return 1;
}

typedef struct candidate {
    unsigned short dist;
    double off;                  /* from the middle of the visible part, squared */
    int cell;
} candidate;

/* Roomier first, then nearer the middle, then in cell order. */
static int
cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    int by_room = (x->dist < y->dist) - (x->dist > y->dist);
    int by_middle = (x->off > y->off) - (x->off < y->off);
    return by_room ? by_room : by_middle ? by_middle : x->cell - y->cell;
}

/* The roomiest cells first, the middlemost of equally roomy ones first; the
 * first whose box fits wins. Cells are put in buckets by room (counting
 * sort), and a bucket is sorted only when the search reaches it: most names
 * fit in the first few. */
static int
choose(const grid *g, double w, double h, double *x, double *y)
{
    size_t n = 0;
    double mx = 0, my = 0;
    unsigned short top = 0;
    for (int i = 0; i < g->nx * g->ny; i++)
        if (g->dist[i]) {
            mx += i % g->nx;
            my += i / g->nx;
            n++;
            /* rooms are compared in steps of 2 cells, so the middle decides among near-equals */
            if (g->dist[i] / 6 > top)
                top = (unsigned short)(g->dist[i] / 6);
        }
    if (!n)
        return 0;
    mx /= (double)n;
    my /= (double)n;
    candidate *c = malloc(n * sizeof(candidate));
    size_t *at = calloc((size_t)top + 2, sizeof(size_t));   /* bucket r starts at at[top - r] */
    if (!c || !at) {
        free(c);
        free(at);
        return 0;
    }
    for (int i = 0; i < g->nx * g->ny; i++)
        if (g->dist[i])
            at[top - g->dist[i] / 6 + 1]++;
    for (size_t r = 1; r <= (size_t)top + 1; r++)
        at[r] += at[r - 1];
    for (int i = 0; i < g->nx * g->ny; i++)
        if (g->dist[i]) {
            unsigned short room = (unsigned short)(g->dist[i] / 6);
            double dx = i % g->nx - mx, dy = i / g->nx - my;
            c[at[top - room]++] = (candidate){ room, dx * dx + dy * dy, i };
        }
    int found = 0;
    size_t k = 0;
    while (k < n && !found) {
        if (c[k].dist * 6 * CELL_PX / 3.0 < h / 2)
            break;                   /* no roomier cell is left */
        size_t e = k;
        while (e < n && c[e].dist == c[k].dist)
            e++;
        qsort(c + k, e - k, sizeof(candidate), cmp_candidate);
        for (; k < e && !found; k++) {
            int cx = c[k].cell % g->nx, cy = c[k].cell / g->nx;
            if ((found = box_inside(g, cx, cy, w, h))) {
                *x = g->x0 + (cx + 0.5) * CELL_PX;
                *y = g->y0 + (cy + 0.5) * CELL_PX;
            }
        }
    }
    free(at);
    free(c);
    return found;
}

/* The cells a box of @avoid touches count as outside. */
static void
keep_out(grid *g, const double avoid[4])
{
    int i0 = (int)floor((avoid[0] - g->x0) / CELL_PX), j0 = (int)floor((avoid[1] - g->y0) / CELL_PX);
    int i1 = (int)floor((avoid[0] + avoid[2] - g->x0) / CELL_PX);
    int j1 = (int)floor((avoid[1] + avoid[3] - g->y0) / CELL_PX);
    if (!(avoid[2] > 0 && avoid[3] > 0))
        return;
    for (int j = j0 < 0 ? 0 : j0; j <= j1 && j < g->ny; j++)
        for (int i = i0 < 0 ? 0 : i0; i <= i1 && i < g->nx; i++)
            g->dist[j * g->nx + i] = 0;
}

int
layout_room_for(const cm_scene_path *p, const double map_rect[4], const double (*avoid)[4],
                size_t n_avoid, double w, double h, double *x, double *y)
{
    grid g = { 0 };
    double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    if (!p->is_polygon || p->n_points < 3)
        return 0;
    for (size_t i = 0; i < p->n_points; i++) {
        bx0 = fmin(bx0, p->xy[2 * i]);
        bx1 = fmax(bx1, p->xy[2 * i]);
        by0 = fmin(by0, p->xy[2 * i + 1]);
        by1 = fmax(by1, p->xy[2 * i + 1]);
    }
    /* the grid covers the outline's box within the map, less a margin */
    g.x0 = fmax(bx0, map_rect[0] + EDGE_PX);
    g.y0 = fmax(by0, map_rect[1] + EDGE_PX);
    double x1 = fmin(bx1, map_rect[0] + map_rect[2] - EDGE_PX);
    double y1 = fmin(by1, map_rect[1] + map_rect[3] - EDGE_PX);
    if (x1 - g.x0 < w || y1 - g.y0 < h)
        return 0;
    g.nx = (int)((x1 - g.x0) / CELL_PX);
    g.ny = (int)((y1 - g.y0) / CELL_PX);
    if (g.nx < 1 || g.ny < 1 || !(g.dist = calloc((size_t)g.nx * g.ny, sizeof(*g.dist))))
        return 0;
    int found = fill(&g, p);
    for (size_t k = 0; found && k < n_avoid; k++)
        keep_out(&g, avoid[k]);
    if (found) {
        measure(&g);
        found = choose(&g, w, h, x, y);
    }
    free(g.dist);
    return found;
}

int
layout_path_contains(const cm_scene_path *p, double x, double y)
{
    int in = 0;
    if (!p->is_polygon || !isfinite(x) || !isfinite(y))
        return 0;
    for (size_t k = 0; k < p->n_parts; k++) {
        size_t a = p->part_start[k], e = p->part_start[k + 1];
        for (size_t i = a; i < e; i++) {
            const double *u = &p->xy[2 * i], *v = &p->xy[2 * (i + 1 < e ? i + 1 : a)];
            if ((u[1] <= y) != (v[1] <= y) &&
                x < u[0] + (y - u[1]) / (v[1] - u[1]) * (v[0] - u[0]))
                in = !in;
        }
    }
    return in;
}
