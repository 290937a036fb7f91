/* Area names checked against the regions layer: "area": "Atlantis District"
 * used to leave the map wrong without a word. */
#include "load/areas.h"
#include "conflictmap/gazetteer.h"
#include "common/grow.h"
#include "load/events_load.h"
#include "load/gazetteer_db.h"

#include <stdlib.h>
#include <string.h>

/* The fields a region is known by, as layout/base.c keys them. */
static const char *const name_fields[] = { "name", "name_en", "name_ne", "name_local" };

typedef struct region_name {
    char *key;                   /* cm_name_key(): what the map matches */
    char *folded;                /* cm_name_fold(): for the distance */
    const char *name;            /* as the layer writes it, borrowed */
} region_name;

typedef struct names {
    region_name *v;
    size_t n, cap;
    const char *layer_path;      /* of the first regions layer, for messages */
} names;

static void
names_free(names *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        free(ns->v[i].key);
        free(ns->v[i].folded);
    }
    free(ns->v);
}

static cm_status
collect(names *ns, cm_layer *const *layers, size_t n_layers)
{
    for (size_t l = 0; l < n_layers; l++) {
        if (strcmp(cm_layer_role(layers[l]), "regions") != 0)
            continue;
        if (!ns->layer_path) {   /* its file name: the shipped one's folder varies */
            const char *path = cm_layer_path(layers[l]), *slash = strrchr(path, '/');
            ns->layer_path = slash ? slash + 1 : path;
        }
        for (size_t s = 0; s < cm_layer_n_shapes(layers[l]); s++) {
            const cm_shape *shape = cm_layer_shape(layers[l], s);
            if (cm_shape_kind_of(shape) != CM_SHAPE_POLYGON)
                continue;
            for (size_t f = 0; f < sizeof name_fields / sizeof name_fields[0]; f++) {
                const char *v = cm_shape_attr(shape, name_fields[f]);
                if (!v || !*v)
                    continue;
                if (!CM_GROW(ns->v, ns->n, ns->cap))
                    return CM_ERR_NOMEM;
                region_name *r = &ns->v[ns->n];
                *r = (region_name){ cm_name_key(v), cm_name_fold(v), v };
                if (!r->key || !r->folded) {
                    free(r->key);
                    free(r->folded);
                    return CM_ERR_NOMEM;
                }
                ns->n++;
            }
        }
    }
    return CM_OK;
}

static int
known(const names *ns, const char *key)
{
    for (size_t i = 0; *key && i < ns->n; i++)
        if (strcmp(ns->v[i].key, key) == 0)
            return 1;
    return 0;
}

/* The region name nearest @name, when it is near enough to be a slip: one
 * edit in a short name, else a quarter of its letters, two to three ("Atlantis
 * District" is not a slip of "Islands District", four apart). */
static const char *
nearest(const names *ns, const char *folded)
{
    size_t best_d = SIZE_MAX, len = strlen(folded);
    size_t limit = len <= 5 ? 1 : len / 4 < 2 ? 2 : len / 4 > 3 ? 3 : len / 4;
    const char *best = NULL;

    for (size_t i = 0; i < ns->n; i++) {
        size_t d = cm_name_distance(folded, ns->v[i].folded);
        if (d < best_d) {
            best_d = d;
            best = ns->v[i].name;
        }
    }
    return best_d <= limit ? best : NULL;
}

/* Whether @key was reported already: the first of the same name in @seen. */
static int
said_before(char **seen, size_t n_seen, const char *key)
{
    for (size_t i = 0; i < n_seen; i++)
        if (strcmp(seen[i], key) == 0)
            return 1;
    return 0;
}

static cm_status
check_one(const names *ns, const char *name, cm_pos pos, int may_be_place, char ***seen,
          size_t *n_seen, size_t *cap_seen, cm_diag_list *diags)
{
    char *key = cm_name_key(name), *folded = cm_name_fold(name);
    cm_status st = key && folded ? CM_OK : CM_ERR_NOMEM;

    if (st != CM_OK || !*key || known(ns, key) || said_before(*seen, *n_seen, key))
        goto cleanup;
    if (!CM_GROW(*seen, *n_seen, *cap_seen)) {
        st = CM_ERR_NOMEM;
        goto cleanup;
    }
    (*seen)[(*n_seen)++] = key;
    const char *like = nearest(ns, folded);
    char hint[512] = "";
    if (like)
        snprintf(hint, sizeof hint, "; did you mean \"%s\"?", like);
    if (may_be_place)
        cm_diag_error(diags, &pos, "unknown place or area \"%s\": no place of the gazetteer and "
                      "no region of the regions layer (%s) has that name%s", name,
                      ns->layer_path, hint);
    else
        cm_diag_error(diags, &pos, "unknown area \"%s\": no region of the regions layer "
                      "(%s) has that name%s", name, ns->layer_path, hint);
    key = NULL;
    st = CM_ERR_INPUT;
cleanup:
    free(key);
    free(folded);
    return st;
}

int
cm_events_names_areas(const cm_events *ev)
{
    for (size_t i = 0; i < ev->n_initials; i++)
        if (!ev->initials[i].place)
            return 1;
    for (size_t i = 0; i < ev->n_events; i++)
        if (ev->events[i].area)
            return 1;
    return 0;
}

cm_status
cm_events_check_areas(const cm_events *ev, cm_layer *const *layers, size_t n_layers,
                      cm_diag_list *diags)
{
    names ns = { 0 };
    char **seen = NULL;
    size_t n_seen = 0, cap_seen = 0;
    cm_status st = collect(&ns, layers, n_layers), first = CM_OK;

    if (st != CM_OK || !ns.layer_path)
        goto cleanup;
    /* initial_control first, as it stands first in the file */
    for (size_t i = 0; st != CM_ERR_NOMEM && i < ev->n_initials; i++) {
        const initial *in = &ev->initials[i];
        cm_pos pos = { ev->path, in->pos.line, in->pos.col };
        if (!in->place)
            st = check_one(&ns, in->name, pos, 1, &seen, &n_seen, &cap_seen, diags);
        first = first != CM_OK ? first : st;
    }
    for (size_t i = 0; st != CM_ERR_NOMEM && i < ev->n_events; i++) {
        const cm_event *e = &ev->events[i];
        if (!e->area)
            continue;
        cm_pos pos = { ev->path, e->area_pos.line, e->area_pos.col };
        st = check_one(&ns, e->area, pos, 0, &seen, &n_seen, &cap_seen, diags);
        first = first != CM_OK ? first : st;
    }
    st = st == CM_ERR_NOMEM ? st : first;
cleanup:
    for (size_t i = 0; i < n_seen; i++)
        free(seen[i]);
    free(seen);
    names_free(&ns);
    return st;
}
