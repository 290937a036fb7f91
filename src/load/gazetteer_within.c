/* The places inside a box, most important first: the query that picks a map's
 * context towns. Written on the gazetteer's public accessors only, a plain
 * scan, so that a gazetteer kept in a database can answer it from its
 * spatial index instead without its callers changing. */
#include "conflictmap/gazetteer.h"
#include "common/grow.h"

#include <stdlib.h>
#include <string.h>

static int
is_capital(const cm_place *p)
{
    return strcmp(cm_place_kind(p), "capital") == 0;
}

static int
compare_importance(const void *a, const void *b)
{
    const cm_place *x = *(const cm_place *const *)a, *y = *(const cm_place *const *)b;
    if (is_capital(x) != is_capital(y))
        return is_capital(y) - is_capital(x);
    if (cm_place_rank(x) != cm_place_rank(y))
        return cm_place_rank(x) > cm_place_rank(y) ? -1 : 1;
    int c = strcmp(cm_place_name(x), cm_place_name(y));
    if (c)
        return c;
    return cm_place_lon(x) < cm_place_lon(y) ? -1 : cm_place_lon(x) > cm_place_lon(y);
}

static int
inside(const double b[4], double lon, double lat)
{
    if (lat < b[1] || lat > b[3])
        return 0;
    if (b[2] < b[0])   /* across the antimeridian */
        return lon >= b[0] || lon <= b[2];
    return lon >= b[0] && lon <= b[2];
}

cm_status
cm_gazetteer_within(const cm_gazetteer *gaz, const double bbox_deg[4], size_t max,
                    const cm_place ***out, size_t *n_out)
{
    const cm_place **found = NULL;
    size_t n = 0, cap = 0;

    *out = NULL;
    *n_out = 0;
    for (size_t i = 0; i < cm_gazetteer_n_places(gaz); i++) {
        const cm_place *p = cm_gazetteer_place(gaz, i);
        if (!inside(bbox_deg, cm_place_lon(p), cm_place_lat(p)))
            continue;
        if (!CM_GROW(found, n, cap)) {
            free(found);
            return CM_ERR_NOMEM;
        }
        found[n++] = p;
    }
    if (n > 1)
        qsort(found, n, sizeof(*found), compare_importance);
    *out = found;
    *n_out = n < max ? n : max;
    return CM_OK;
}
