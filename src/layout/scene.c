/* Laying a slice out over the base: the order its parts are placed in, which
 * decides who yields, and the scene's accessors. Each part is laid out by its
 * own file of src/layout/ (layout.h lists them); the backends draw what is
 * here and decide nothing. */
#include "layout/layout.h"

#include <stdint.h>
#include <stdlib.h>

/* The order decides who yields: the frame, legend and latest box are fixed;
 * then new events and control changes claim their label first, then places
 * off the map, then older events, then the towns that give context. */
/* By event (as numbers: pointers to different events are not ordered in C),
 * then in the order they were added. */
static int
compare_positions(const void *pa, const void *pb)
{
    const struct cm_scene_position *a = pa, *b = pb;
    uintptr_t x = (uintptr_t)a->event, y = (uintptr_t)b->event;
    return x != y ? (x > y) - (x < y) : (a->order > b->order) - (a->order < b->order);
}

cm_status
cm_scene_layout(cm_scene **out, const cm_scene_base *base, const cm_slice *slice,
                const cm_scene *previous)
{
    layout L = { 0 };
    entry *on = NULL, *off = NULL;
    size_t n_on = 0, n_off = 0, n_groups = 0, n_first;
    group *groups = NULL;

    *out = NULL;
    L.sc = calloc(1, sizeof(cm_scene));
    if (!L.sc)
        return CM_ERR_NOMEM;
    L.sc->base = base;
    L.sc->slice = slice;
    L.sc->previous = previous;
    L.b = base;
    L.st = base->style;
    L.status = layout_grid_init(&L, base->width_px, base->height_px);
    layout_frame(&L);
    if (base->inset_rect[2] > 0)
        layout_add_obstacle(&L, (box){ base->inset_rect[0] - 4, base->inset_rect[1] - 4,
                                       base->inset_rect[2] + 8, base->inset_rect[3] + 8 });
    L.status = L.status ? L.status : layout_collect(&L, &on, &n_on, &off, &n_off);
    for (size_t i = 0, spots = 0; i < n_on && !L.clustered; i++)   /* sorted by place */
        L.clustered = (spots += !i || on[i].x != on[i - 1].x || on[i].y != on[i - 1].y) >
                      LAYOUT_CLUSTER_SPOTS;
    layout_areas(&L);   /* first: the legend names what the areas show */
    layout_legend(&L);
    layout_latest(&L);
    layout_control(&L);
    if (L.status == CM_OK)
        groups = layout_on_map(&L, on, n_on, &n_groups);
    for (n_first = 0; n_first < n_groups && layout_group_rank(&groups[n_first]) < 2; n_first++)
        ;
    if (L.status == CM_OK)
        layout_label_groups(&L, groups, n_first);
    if (L.status == CM_OK)
        layout_off_map(&L, off, n_off);
    if (L.status == CM_OK)
        layout_label_groups(&L, groups + n_first, n_groups - n_first);
    if (L.status == CM_OK)
        layout_countries(&L);
    if (L.status == CM_OK)
        layout_context(&L);
    if (L.status == CM_OK)
        layout_regions(&L);
    if (L.status == CM_OK)
        L.status = layout_write_alt(L.sc);
    if (L.sc->n_positions > 1)   /* found by event, in log time (the manifest asks for each) */
        qsort(L.sc->positions, L.sc->n_positions, sizeof(*L.sc->positions), compare_positions);
    free(groups);
    free(on);
    free(off);
    free(L.obstacles);
    layout_grid_free(&L);
    L.sc->previous = NULL;   /* only read while laying out */
    if (L.status != CM_OK) {
        cm_scene_destroy(L.sc);
        return L.status;
    }
    *out = L.sc;
    return CM_OK;
}

void
cm_scene_destroy(cm_scene *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_labels; i++)
        free(sc->labels[i].text);
    free(sc->labels);
    for (size_t i = 0; i < sc->n_dropped; i++)
        free(sc->dropped[i]);
    free(sc->dropped);
    free(sc->markers);
    free(sc->areas);
    layout_territory_unref(sc->territory);
    free(sc->km2);
    free(sc->change_words);
    free(sc->rects);
    free(sc->positions);
    free(sc->alt);
    free(sc);
}

int cm_scene_width_px(const cm_scene *sc) { return sc->base->width_px; }
int cm_scene_height_px(const cm_scene *sc) { return sc->base->height_px; }
const char *cm_scene_alt(const cm_scene *sc) { return sc->alt; }
size_t cm_scene_n_dropped(const cm_scene *sc) { return sc->n_dropped; }

double
cm_scene_shared_km2(const cm_scene *sc, const char **side_a, const char **side_b)
{
    return layout_territory_shared(sc->territory, side_a, side_b);
}

const char *
cm_scene_dropped(const cm_scene *sc, size_t i)
{
    return i < sc->n_dropped ? sc->dropped[i] : NULL;
}

int
cm_scene_event_xy(const cm_scene *sc, const cm_event *e, double *x, double *y)
{
    size_t lo = 0, hi = sc->n_positions;
    uintptr_t want = (uintptr_t)e;
    while (lo < hi) {   /* the first position of @e */
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)sc->positions[mid].event < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == sc->n_positions || sc->positions[lo].event != e)
        return 0;
    *x = sc->positions[lo].x;
    *y = sc->positions[lo].y;
    return 1;
}
