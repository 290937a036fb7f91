/* Area names checked against the regions layer: "area": "Atlantis District"
 * used to leave the map wrong without a word. A name is known when any region
 * of the layer has it, on the map or not: render reads the layer only near
 * the map, and an area off the map is drawn as nothing, not reported (as an
 * event off the map is). "Did you mean" looks first among the regions near
 * the events and in their countries, then, for a slip of one letter only,
 * over the world ("Fuzuli District" is not Uganda's "Kamuli District"), and
 * compares names also without their generic words ("Fuzuli District" is
 * "Füzuli"). */
#include "load/areas.h"
#include "conflictmap/gazetteer.h"
#include "common/grow.h"
#include "load/events_load.h"
#include "load/gazetteer_db.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The fields a region is known by, as layout/base.c keys them. */
static const char *const name_fields[] = { "name", "name_en", "name_ne", "name_local" };

typedef struct region_name {
    char *key;                   /* cm_name_key(): what the map matches */
    char *folded;                /* cm_name_fold(): for the distance */
    char *core;                  /* @folded without its generic words; NULL until asked */
    const char *name;            /* as the layer writes it, borrowed */
    const cm_shape *shape;       /* borrowed: its box and country say if it is near */
    signed char near;            /* near the events or in their countries; -1: not asked */
} region_name;

typedef struct names {
    region_name *v;
    size_t n, cap;
    const char *layer_path;      /* of the first regions layer, for messages */
} names;

/* One check of an events file's area names. */
typedef struct areas_check {
    names read;                  /* the regions as the caller read them (near the map) */
    names whole;                 /* the layers that left regions unread, read whole */
    cm_layer **whole_layers;
    size_t n_whole, cap_whole;
    int whole_read;
    cm_layer *const *layers;
    size_t n_layers;
    /* where the events are, for the suggestions, worked out once */
    int context_ready, has_extent;
    double extent[4];            /* west, south, east, north, grown: see context() */
    const char **countries;      /* of the events' places, borrowed */
    size_t n_countries, cap_countries;
    char **seen;                 /* the keys reported already */
    size_t n_seen, cap_seen;
} areas_check;

static void
names_free(names *ns)
{
    for (size_t i = 0; i < ns->n; i++) {
        free(ns->v[i].key);
        free(ns->v[i].folded);
        free(ns->v[i].core);
    }
    free(ns->v);
}

static int
is_regions(const cm_layer *layer)
{
    return strcmp(cm_layer_role(layer), "regions") == 0;
}

static cm_status
collect(names *ns, cm_layer *const *layers, size_t n_layers)
{
    for (size_t l = 0; l < n_layers; l++) {
        if (!is_regions(layers[l]))
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
                *r = (region_name){ cm_name_key(v), cm_name_fold(v), NULL, v, shape, -1 };
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
known_in(const names *ns, const char *key)
{
    for (size_t i = 0; *key && i < ns->n; i++)
        if (strcmp(ns->v[i].key, key) == 0)
            return 1;
    return 0;
}

/* The regions layers the caller read only near the map, read whole, once:
 * only when a name is not among the regions read. */
static cm_status
read_whole(areas_check *c)
{
    if (c->whole_read)
        return CM_OK;
    c->whole_read = 1;
    cm_diag_list *quiet = cm_diag_list_create();   /* said when it was read first */
    cm_status st = quiet ? CM_OK : CM_ERR_NOMEM;
    for (size_t l = 0; st == CM_OK && l < c->n_layers; l++) {
        if (!is_regions(c->layers[l]) || cm_layer_n_unread(c->layers[l]) == 0)
            continue;
        cm_layer *whole = NULL;
        if (!CM_GROW(c->whole_layers, c->n_whole, c->cap_whole)) {
            st = CM_ERR_NOMEM;
            break;
        }
        cm_status s = cm_layer_load(&whole, cm_layer_path(c->layers[l]),
                                    cm_layer_role(c->layers[l]), quiet);
        if (s == CM_ERR_NOMEM)
            st = s;
        else if (s == CM_OK)
            c->whole_layers[c->n_whole++] = whole;
    }
    cm_diag_list_destroy(quiet);
    return st == CM_OK ? collect(&c->whole, c->whole_layers, c->n_whole) : st;
}

/* Whether a region has the name @key: among those read, else in the whole
 * layer (off the map). */
static cm_status
known(areas_check *c, const char *key, int *is_known)
{
    *is_known = known_in(&c->read, key);
    if (*is_known)
        return CM_OK;
    cm_status st = read_whole(c);
    *is_known = st == CM_OK && known_in(&c->whole, key);
    return st;
}

/* ---- did you mean ----------------------------------------------------- */

/* The words that say what kind of region a name is, not which one
 * ("Fuzuli District", "Fizuli Rayon", "North Darfur State"), folded. */
static const char *const generic_words[] = {
    "district", "rayon", "raion", "region", "province", "oblast", "governorate",
    "state", "county", "municipality", "prefecture", "department", "krai", "okrug",
    "city", "of", "the",
};

static int
is_generic(const char *word, size_t len)
{
    for (size_t i = 0; i < sizeof generic_words / sizeof generic_words[0]; i++)
        if (strlen(generic_words[i]) == len && memcmp(generic_words[i], word, len) == 0)
            return 1;
    return 0;
}

/* @folded without its generic words; @folded itself when that leaves
 * nothing. NULL when out of memory. */
static char *
core_of(const char *folded)
{
    char *out = malloc(strlen(folded) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = folded; *p;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len && !is_generic(p, len)) {
            if (o != out)
                *o++ = ' ';
            memcpy(o, p, len);
            o += len;
        }
        p += len;
    }
    *o = '\0';
    if (o == out)
        strcpy(out, folded);
    return out;
}

static void
grow_box(double box[4], int *has, double lon, double lat)
{
    if (!isfinite(lon) || !isfinite(lat))
        return;
    if (!*has) {
        box[0] = box[2] = lon;
        box[1] = box[3] = lat;
        *has = 1;
        return;
    }
    box[0] = fmin(box[0], lon);
    box[1] = fmin(box[1], lat);
    box[2] = fmax(box[2], lon);
    box[3] = fmax(box[3], lat);
}

static cm_status
add_country(areas_check *c, const cm_place *place)
{
    const char *cc = place ? cm_place_country(place) : NULL;
    if (!cc || !*cc)
        return CM_OK;
    for (size_t i = 0; i < c->n_countries; i++)
        if (strcmp(c->countries[i], cc) == 0)
            return CM_OK;
    if (!CM_GROW(c->countries, c->n_countries, c->cap_countries))
        return CM_ERR_NOMEM;
    c->countries[c->n_countries++] = cc;
    return CM_OK;
}

/* Where the events are: the box of their places grown by its own span (at
 * least 2 degrees) each side, and the countries of their places. */
static cm_status
context(areas_check *c, const cm_events *ev)
{
    if (c->context_ready)
        return CM_OK;
    c->context_ready = 1;
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < ev->n_events; i++) {
        const cm_event *e = &ev->events[i];
        if (e->has_lonlat == 3 || e->place)
            grow_box(c->extent, &c->has_extent, cm_event_lon(e), cm_event_lat(e));
        st = add_country(c, e->place);
    }
    for (size_t i = 0; st == CM_OK && i < ev->n_initials; i++) {
        const cm_place *p = ev->initials[i].place;
        if (p)
            grow_box(c->extent, &c->has_extent, cm_place_lon(p), cm_place_lat(p));
        st = add_country(c, p);
    }
    if (c->has_extent) {
        double pad = fmax(2, fmax(c->extent[2] - c->extent[0], c->extent[3] - c->extent[1]));
        c->extent[0] -= pad;
        c->extent[1] -= pad;
        c->extent[2] += pad;
        c->extent[3] += pad;
    }
    return st;
}

/* Whether region @r lies near the events (its box meets their extent) or in
 * one of their countries. */
static int
is_near(const areas_check *c, region_name *r)
{
    if (r->near >= 0)
        return r->near;
    r->near = 0;
    const char *cc = cm_shape_attr(r->shape, "country");
    for (size_t i = 0; cc && i < c->n_countries; i++)
        if (strcmp(cc, c->countries[i]) == 0)
            return r->near = 1;
    if (!c->has_extent)
        return 0;
    double box[4] = { DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX };
    for (size_t k = 0; k < cm_shape_n_parts(r->shape); k++) {
        size_t n = 0;
        const double *xy = cm_shape_part(r->shape, k, &n);
        for (size_t j = 0; j < n; j++) {
            box[0] = fmin(box[0], xy[2 * j]);
            box[1] = fmin(box[1], xy[2 * j + 1]);
            box[2] = fmax(box[2], xy[2 * j]);
            box[3] = fmax(box[3], xy[2 * j + 1]);
        }
    }
    r->near = box[0] <= c->extent[2] && box[2] >= c->extent[0] && box[1] <= c->extent[3] &&
              box[3] >= c->extent[1];
    return r->near;
}

/* How many edits make a slip: one in a short name, else a quarter of its
 * letters, two to three ("Atlantis District" is not a slip of "Islands
 * District", four apart). */
static size_t
slip_limit(size_t len)
{
    return len <= 5 ? 1 : len / 4 < 2 ? 2 : len / 4 > 3 ? 3 : len / 4;
}

/* The region name nearest @folded (and @core, it without its generic words):
 * among the regions near the events within a slip, else anywhere within one
 * letter. NULL when there is none; *st CM_ERR_NOMEM when out of memory. */
static const char *
nearest(areas_check *c, names *ns, const char *folded, const char *core, cm_status *st)
{
    size_t limit = slip_limit(strlen(folded)), core_limit = slip_limit(strlen(core));
    size_t best_score = SIZE_MAX;
    const char *best = NULL;

    for (size_t i = 0; i < ns->n; i++) {
        region_name *r = &ns->v[i];
        if (!r->core && !(r->core = core_of(r->folded))) {
            *st = CM_ERR_NOMEM;
            return NULL;
        }
        size_t d = cm_name_distance(folded, r->folded), dc = cm_name_distance(core, r->core);
        d = d <= limit ? d : SIZE_MAX;
        if (dc <= core_limit && dc < d)
            d = dc;
        if (d == SIZE_MAX)
            continue;
        size_t score = is_near(c, r) ? d : d <= 1 ? 100 + d : SIZE_MAX;
        if (score < best_score) {
            best_score = score;
            best = r->name;
        }
    }
    return best;
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
check_one(areas_check *c, const cm_events *ev, const char *name, cm_pos pos, int may_be_place,
          cm_diag_list *diags)
{
    char *key = cm_name_key(name), *folded = cm_name_fold(name), *core = NULL;
    cm_status st = key && folded ? CM_OK : CM_ERR_NOMEM;
    int is_known = 0;

    if (st != CM_OK || !*key || said_before(c->seen, c->n_seen, key))
        goto cleanup;
    if ((st = known(c, key, &is_known)) != CM_OK || is_known)
        goto cleanup;
    if (!CM_GROW(c->seen, c->n_seen, c->cap_seen) || !(core = core_of(folded))) {
        st = CM_ERR_NOMEM;
        goto cleanup;
    }
    c->seen[c->n_seen++] = key;
    key = NULL;
    if ((st = context(c, ev)) != CM_OK)
        goto cleanup;
    names *pool = c->whole.n ? &c->whole : &c->read;   /* the whole layer has the read ones */
    const char *like = nearest(c, pool, folded, core, &st);
    if (st != CM_OK)
        goto cleanup;
    char hint[512] = "";
    if (like)
        snprintf(hint, sizeof hint, "; did you mean \"%s\"?", like);
    if (may_be_place)
        cm_diag_error(diags, &pos, "unknown place or area \"%s\": no place of the gazetteer and "
                      "no region of the regions layer (%s) has that name%s", name,
                      c->read.layer_path, hint);
    else
        cm_diag_error(diags, &pos, "unknown area \"%s\": no region of the regions layer "
                      "(%s) has that name%s", name, c->read.layer_path, hint);
    st = CM_ERR_INPUT;
cleanup:
    free(key);
    free(folded);
    free(core);
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
    areas_check c = { .layers = layers, .n_layers = n_layers };
    cm_status st = collect(&c.read, layers, n_layers), first = CM_OK;

    if (st != CM_OK || !c.read.layer_path)
        goto cleanup;
    /* initial_control first, as it stands first in the file */
    for (size_t i = 0; st != CM_ERR_NOMEM && i < ev->n_initials; i++) {
        const initial *in = &ev->initials[i];
        cm_pos pos = { ev->path, in->pos.line, in->pos.col };
        if (!in->place)
            st = check_one(&c, ev, in->name, pos, 1, diags);
        first = first != CM_OK ? first : st;
    }
    for (size_t i = 0; st != CM_ERR_NOMEM && i < ev->n_events; i++) {
        const cm_event *e = &ev->events[i];
        if (!e->area)
            continue;
        cm_pos pos = { ev->path, e->area_pos.line, e->area_pos.col };
        st = check_one(&c, ev, e->area, pos, 0, diags);
        first = first != CM_OK ? first : st;
    }
    st = st == CM_ERR_NOMEM ? st : first;
cleanup:
    for (size_t i = 0; i < c.n_seen; i++)
        free(c.seen[i]);
    free(c.seen);
    free(c.countries);
    names_free(&c.read);
    names_free(&c.whole);
    for (size_t i = 0; i < c.n_whole; i++)
        cm_layer_destroy(c.whole_layers[i]);
    free(c.whole_layers);
    return st;
}
