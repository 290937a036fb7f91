/* Building manifest.json with jansson. Every string from the events file goes
 * in as a JSON string value, so jansson escapes it; unknown keys are passed
 * through as they were parsed. */
#include "manifest.h"
#include "outfile.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

struct cm_manifest {
    json_t *root;
    json_t *slices;
    int failed;
};

/* Adds @value under @key, taking the reference; remembers a failure. */
static void
put(cm_manifest *m, json_t *obj, const char *key, json_t *value)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        m->failed = 1;
}

static void
push(cm_manifest *m, json_t *arr, json_t *value)
{
    if (!value || json_array_append_new(arr, value) != 0)
        m->failed = 1;
}

static json_t *
time_value(cm_time t)
{
    char buf[CM_TIME_BUF];
    return json_string(cm_time_format_iso(t, buf));
}

static double
rounded(double v)
{
    return round(v * 10) / 10;
}

static json_t *
event_object(cm_manifest *m, const cm_event *e)
{
    json_t *o = json_loads(cm_event_extra_json(e), 0, NULL);
    cm_time end;
    if (!o)
        o = json_object();
    if (!o) {
        m->failed = 1;
        return NULL;
    }
    put(m, o, "id", json_string(cm_event_id(e)));
    put(m, o, "time", time_value(cm_event_time(e)));
    if (cm_event_end(e, &end))
        put(m, o, "end", time_value(end));
    put(m, o, "kind", json_string(cm_event_kind(e)));
    put(m, o, "status", json_string(cm_event_status(e)));
    if (cm_event_claimed_by(e))
        put(m, o, "claimed_by", json_string(cm_event_claimed_by(e)));
    put(m, o, "headline", json_string(cm_event_headline(e)));
    put(m, o, "text", json_string(cm_event_text(e)));
    put(m, o, "source", json_string(cm_event_source(e)));
    put(m, o, "place", json_string(cm_event_place(e) ? cm_place_name(cm_event_place(e))
                                                      : cm_event_place_name(e)));
    put(m, o, "lon", json_real(cm_event_lon(e)));
    put(m, o, "lat", json_real(cm_event_lat(e)));
    put(m, o, "precision", json_integer(cm_event_precision(e)));
    if (cm_event_control_to(e)) {
        json_t *c = json_object();
        if (cm_event_control_from(e) && c)
            put(m, c, "from", json_string(cm_event_control_from(e)));
        if (c)
            put(m, c, "to", json_string(cm_event_control_to(e)));
        put(m, o, "control", c);
    }
    if (cm_event_area(e))
        put(m, o, "area", json_string(cm_event_area(e)));
    return o;
}

static json_t *
bbox_value(const double b[4])
{
    return json_pack("[ffff]", b[0], b[1], b[2], b[3]);
}

cm_status
cm_manifest_create(cm_manifest **out, const cm_events *ev, int width_px, int height_px,
                   double scale, const char *projection, const double bbox_deg[4])
{
    cm_manifest *m = calloc(1, sizeof(*m));
    *out = NULL;
    if (!m)
        return CM_ERR_NOMEM;
    m->root = json_object();
    m->slices = json_array();
    json_t *events = json_array(), *extra = json_loads(cm_events_extra_json(ev), 0, NULL);
    if (!m->root || !m->slices || !events) {
        json_decref(events);
        json_decref(extra);
        cm_manifest_destroy(m);
        return CM_ERR_NOMEM;
    }
    put(m, m->root, "generator", json_string("conflictmap"));
    put(m, m->root, "title", json_string(cm_events_title(ev)));
    put(m, m->root, "subtitle", json_string(cm_events_subtitle(ev)));
    put(m, m->root, "source", json_string(cm_events_source(ev)));
    put(m, m->root, "width", json_integer(width_px));
    put(m, m->root, "height", json_integer(height_px));
    put(m, m->root, "scale", json_real(scale));
    put(m, m->root, "projection", json_string(projection));
    put(m, m->root, "bbox", bbox_value(bbox_deg));
    if (extra && json_object_size(extra))
        put(m, m->root, "extra", extra);
    else
        json_decref(extra);
    for (size_t i = 0; i < cm_events_count(ev); i++)
        push(m, events, event_object(m, cm_events_get(ev, i)));
    put(m, m->root, "events", events);
    json_incref(m->slices);
    put(m, m->root, "slices", m->slices);
    if (m->failed) {
        cm_manifest_destroy(m);
        return CM_ERR_NOMEM;
    }
    *out = m;
    return CM_OK;
}

void
cm_manifest_destroy(cm_manifest *m)
{
    if (!m)
        return;
    json_decref(m->slices);
    json_decref(m->root);
    free(m);
}

static void
add_events(cm_manifest *m, json_t *entry, const cm_slice *slice, const cm_scene *scene)
{
    json_t *shown = json_array(), *fresh = json_array(), *positions = json_object();
    for (size_t k = 0; shown && fresh && positions && k < cm_slice_n_events(slice); k++) {
        cm_event_state state;
        const cm_event *e = cm_slice_event(slice, k, &state);
        double x, y;
        push(m, shown, json_string(cm_event_id(e)));
        if (state == CM_EVENT_NEW)
            push(m, fresh, json_string(cm_event_id(e)));
        if (cm_scene_event_xy(scene, e, &x, &y))
            put(m, positions, cm_event_id(e), json_pack("[ff]", rounded(x), rounded(y)));
    }
    put(m, entry, "events", shown);
    put(m, entry, "new_events", fresh);
    put(m, entry, "positions", positions);
}

cm_status
cm_manifest_add_slice(cm_manifest *m, const cm_slice *slice, const cm_scene *scene,
                      const char *const *exts, const char *const *names, size_t n_files)
{
    json_t *entry = json_object(), *files = json_object(), *dropped = json_array();
    if (!entry || !files || !dropped) {
        json_decref(entry);
        json_decref(files);
        json_decref(dropped);
        return CM_ERR_NOMEM;
    }
    put(m, entry, "time", time_value(cm_slice_time(slice)));
    for (size_t i = 0; i < n_files; i++)
        put(m, files, exts[i], json_string(names[i]));
    put(m, entry, "files", files);
    add_events(m, entry, slice, scene);
    put(m, entry, "alt", json_string(cm_scene_alt(scene)));
    for (size_t i = 0; i < cm_scene_n_dropped(scene); i++)
        push(m, dropped, json_string(cm_scene_dropped(scene, i)));
    put(m, entry, "dropped_labels", dropped);
    push(m, m->slices, entry);
    return m->failed ? CM_ERR_NOMEM : CM_OK;
}

static int
dump_to_outfile(const char *buffer, size_t size, void *data)
{
    cm_outfile_write(data, buffer, size);
    return ((cm_outfile *)data)->failed ? -1 : 0;
}

cm_status
cm_manifest_write(const cm_manifest *m, const char *path, cm_diag_list *diags)
{
    cm_outfile o;
    cm_status st = cm_outfile_open(&o, path, diags);
    if (st != CM_OK)
        return st;
    if (json_dump_callback(m->root, dump_to_outfile, &o, JSON_INDENT(2)) != 0 && !o.failed) {
        cm_outfile_abort(&o);
        return CM_ERR_NOMEM;
    }
    cm_outfile_write(&o, "\n", 1);
    return cm_outfile_commit(&o, diags);
}
