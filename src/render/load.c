/* Loading a run's inputs: the gazetteers, then the layers named by the
 * options (files, folders of them, ROLE=PATH) or else the shipped ones. The
 * events file is loaded by render.c, which needs the gazetteer first;
 * checking each input is its loader's job (src/load/). */
#include "render/run.h"
#include "common/grow.h"
#include "geo/area.h"
#include "geo/extent.h"
#include "geo/geos.h"
#include "load/control.h"
#include "load/data.h"

#include <dirent.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

cm_status
run_find_data(run *r)
{
    if (r->opt->no_shipped_data)
        return CM_OK;
    r->in.data_dir = cm_data_find(r->opt->data_dir, r->diags);
    return r->in.data_dir ? CM_OK : CM_ERR_IO;
}

cm_status
run_load_gazetteers(run *r)
{
    cm_status st = cm_gazetteer_create(&r->in.gaz), first = CM_OK;
    if (st == CM_OK && r->in.data_dir) {
        first = cm_gazetteer_add_shipped(r->in.gaz, r->in.data_dir, r->diags);
        if (first == CM_ERR_NOMEM)
            return first;
    }
    for (size_t i = 0; st == CM_OK && i < r->opt->n_gazetteers; i++) {
        cm_status s = cm_gazetteer_add_file(r->in.gaz, r->opt->gazetteers[i], r->diags);
        if (s == CM_ERR_NOMEM)
            return s;
        if (first == CM_OK)
            first = s;
    }
    return st != CM_OK ? st : first;
}

/* The fine land is read only at the scale of a front and the water at the
 * scale of a region or a country (geo/extent.h), neither without an extent:
 * a map of the world would read all of them, 130 MB, to draw specks. */
static int
read_at_this_scale(const run *r, const char *role)
{
    double limit = strcmp(role, "land") == 0    ? CM_FINE_COAST_M_PER_PX
                   : strcmp(role, "water") == 0 ? CM_WATER_M_PER_PX
                                                : INFINITY;
    if (isinf(limit))
        return 1;
    return r->in.has_near &&
           cm_extent_m_per_px(r->in.bbox_deg, r->opt->width_px, r->opt->height_px) <= limit;
}

static cm_status
add_layer(run *r, const char *path, const char *role)
{
    cm_layer *layer = NULL;
    char derived[64];
    if (!CM_GROW(r->in.layers, r->in.n_layers, r->in.cap_layers))
        return CM_ERR_NOMEM;
    cm_layer_role_from_path(path, derived, sizeof derived);
    const char *as = role ? role : derived;
    if (!read_at_this_scale(r, as) || (r->in.regions_only && strcmp(as, "regions") != 0))
        return CM_OK;
    const double *within = r->in.has_near && strcmp(as, "world") != 0 ? r->in.near_deg : NULL;
    cm_status st = cm_layer_load_within(&layer, path, role, within, r->diags);
    if (st == CM_OK)
        r->in.layers[r->in.n_layers++] = layer;
    return st;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/* The layer files a folder given to --shapes is read for: the formats named
 * in the docs; any other format OGR reads can be given by its path. */
static int
is_layer_file(const char *name)
{
    static const char *const ext[] = { ".shp", ".geojson", ".gpkg", ".kml", ".kmz", ".fgb" };
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        if (has_suffix(name, ext[i]))
            return 1;
    return 0;
}

/* Every layer file in a folder, in name order so a run is reproducible. */
static cm_status
add_folder(run *r, const char *dir, const char *role)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, cap = 0;
    cm_status st = CM_OK;
    struct dirent *de;

    if (!d) {
        cm_pos pos = { dir, 0, 0 };
        cm_diag_error(r->diags, &pos, "cannot read the folder \"%s\": %s", dir,
                      strerror(errno));
        return CM_ERR_IO;
    }
    while (st == CM_OK && (de = readdir(d))) {
        if (!is_layer_file(de->d_name))
            continue;
        if (!CM_GROW(names, n, cap)) {
            st = CM_ERR_NOMEM;
            break;
        }
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) {
            st = CM_ERR_NOMEM;
            break;
        }
        snprintf(names[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (st == CM_OK && n == 0) {
        cm_pos pos = { dir, 0, 0 };
        cm_diag_error(r->diags, &pos, "the folder has no layers (.shp, .geojson, .gpkg, "
                      ".kml, .kmz, .fgb)");
        st = CM_ERR_INPUT;
    }
    if (n)
        qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0; st == CM_OK && i < n; i++)
        st = add_layer(r, names[i], role);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

/* "PATH" or "ROLE=PATH" (the command's --shapes), a file or a folder. */
static cm_status
load_shapes(run *r, const char *spec)
{
    char role[64] = "";
    const char *path = spec, *eq = strchr(spec, '=');
    struct stat sb;

    if (eq && (size_t)(eq - spec) < sizeof(role) && stat(spec, &sb) != 0) {
        memcpy(role, spec, (size_t)(eq - spec));
        role[eq - spec] = '\0';
        path = eq + 1;
    }
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return add_folder(r, path, role[0] ? role : NULL);
    return add_layer(r, path, role[0] ? role : NULL);
}

cm_status
run_load_all_shapes(run *r, const double *bbox_deg)
{
    cm_status first = CM_OK;
    r->in.has_near = bbox_deg != NULL;
    if (bbox_deg) {
        cm_extent_near(bbox_deg, r->opt->width_px, r->opt->height_px, r->in.near_deg);
        memcpy(r->in.bbox_deg, bbox_deg, sizeof r->in.bbox_deg);
    }
    for (size_t i = 0; i < r->opt->n_shapes; i++) {
        cm_status st = load_shapes(r, r->opt->shapes[i]);
        if (st == CM_ERR_NOMEM)
            return st;
        if (first == CM_OK)
            first = st;
    }
    if (r->opt->n_shapes == 0 && r->in.data_dir) {
        size_t len = strlen(r->in.data_dir) + sizeof("/shapes");
        char *shipped = malloc(len);
        if (!shipped)
            return CM_ERR_NOMEM;
        snprintf(shipped, len, "%s/shapes", r->in.data_dir);
        first = load_shapes(r, shipped);
        free(shipped);
    }
    return first;
}

/* 1 when a slice may have control areas: territory is drawn with GEOS. */
static int
has_areas(const run *r)
{
    const cm_events *ev = r->in.events;
    if (cm_events_control(ev) || r->opt->n_controls > 0 || cm_events_n_initial(ev) > 0)
        return 1;
    for (size_t i = 0; i < cm_events_count(ev); i++)
        if (cm_event_area(cm_events_get(ev, i)))
            return 1;
    return 0;
}

cm_status
run_load_control(run *r)
{
    const char *own = cm_events_control(r->in.events);
    const char *no_geos = has_areas(r) ? cm_geos_load() : NULL;
    if (no_geos) {
        cm_pos pos = { cm_events_path(r->in.events), 0, 0 };
        cm_diag_error(r->diags, &pos, "drawing control areas needs GEOS, which cannot be "
                      "loaded (%s); install it (Debian: libgeos-c1v5)", no_geos);
        return CM_ERR_IO;
    }
    if (!own && r->opt->n_controls == 0)
        return CM_OK;
    cm_status first = cm_control_create(&r->in.control);
    if (first != CM_OK)
        return first;
    r->in.control->measure = cm_area_control_features;   /* for its prepared copies */
    if (own)
        first = cm_control_add(r->in.control, own, cm_events_path(r->in.events), r->in.events,
                               r->diags);
    for (size_t i = 0; first != CM_ERR_NOMEM && i < r->opt->n_controls; i++) {
        cm_status st = cm_control_add(r->in.control, r->opt->controls[i], NULL, r->in.events,
                                      r->diags);
        if (first == CM_OK || st == CM_ERR_NOMEM)
            first = st;
    }
    return first;
}
