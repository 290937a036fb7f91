/* Building manifest.json with jansson. Every string from the events file goes
 * in as a JSON string value, so jansson escapes it; unknown keys are passed
 * through as they were parsed. */
#include "output/manifest.h"
#include "layout/scene.h"
#include "conflictmap/limits.h"
#include "common/input.h"
#include "common/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cm_manifest {
    json_t *root;
    json_t *slices;
    /* The events, listed one at a time as the root is written (when NULL, the
     * root's own "events" are written as they are: a merge's). */
    const cm_events *events;
    int failed;
    /* Written as it goes (cm_manifest_begin): an entry leaves memory once it
     * is in the file, so a run of thousands of slices holds only a few. */
    cm_outfile out;
    int is_open;
    char *tail;                /* what comes after the slices, written at the end */
    size_t n_out;              /* entries written */
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

/* What an event given only by lon/lat is named after: the place, its
 * country and point, how far (km) and which way (a compass point, absent
 * when the event is at the place: within 3 km). NULL when out of memory. */
static json_t *
near_value(const cm_near *near)
{
    const cm_place *p = near->place;
    json_t *o = json_pack("{s:s, s:s, s:f, s:f, s:f}", "place", cm_place_name(p), "country",
                          cm_place_country(p), "lon", cm_place_lon(p), "lat", cm_place_lat(p),
                          "km", rounded(near->km));
    if (!o || near->is_at ||
        json_object_set_new(o, "direction", json_string(cm_compass_point(near->bearing_deg))) == 0)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *
event_object(cm_manifest *m, const cm_event *e)
{
    json_t *o = json_loads(cm_event_extra_json(e), 0, NULL);
    const cm_near *near = cm_event_near(e);
    char where[256];
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
    put(m, o, "where", json_string(cm_event_where(e, NULL, where, sizeof(where))));
    put(m, o, "lon", json_real(cm_event_lon(e)));
    put(m, o, "lat", json_real(cm_event_lat(e)));
    if (near && near->place)
        put(m, o, "near", near_value(near));
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
    m->events = ev;
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
    put(m, m->root, "events", events);   /* empty: cm_manifest_begin lists them */
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
    cm_manifest_abort(m);
    free(m->tail);
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

/* Each side's territory in km² on the ellipsoid (layout/control.c), to 0.1
 * km²: held, claimed, contested, and the change in what it holds since the
 * previous slice (not on the first). Only slices where some side holds an area. */
static void
add_territory(cm_manifest *m, json_t *entry, const cm_scene *scene)
{
    if (!scene->km2)
        return;
    const cm_events *ev = scene->base->events;
    static const char *const keys[] = { "control_area_km2", "claimed_area_km2",
                                        "contested_area_km2", "control_change_km2",
                                        "control_gained_km2", "control_lost_km2" };
    for (size_t k = 0; k < 6; k++) {
        if (k >= 3 && !scene->has_previous)
            continue;
        json_t *o = json_object();
        for (size_t s = 0; o && s < cm_events_n_sides(ev); s++) {
            const struct cm_scene_km2 *a = &scene->km2[s];
            double v = k == 0 ? a->held : k == 1 ? a->claimed : k == 2 ? a->contested
                     : k == 3 ? a->change : k == 4 ? a->gained : a->lost;
            if (k != 3 && v <= 0)
                continue;
            put(m, o, cm_side_code(cm_events_side(ev, s)), json_real(round(v * 10) / 10));
        }
        put(m, entry, keys[k], o);
    }
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
    add_territory(m, entry, scene);
    for (size_t i = 0; i < cm_scene_n_dropped(scene); i++)
        push(m, dropped, json_string(cm_scene_dropped(scene, i)));
    put(m, entry, "dropped_labels", dropped);
    push(m, m->slices, entry);
    return m->failed ? CM_ERR_NOMEM : CM_OK;
}

/* The root goes to the file as jansson dumps it, with an empty slices list,
 * up to that list's "[" (whose "\n  " says the root's own key: an event's
 * keys sit deeper); what follows its "]" is kept for cm_manifest_end. */
static const char slices_key[] = "\n  \"slices\": []";
enum { SLICES_KEY_LEN = sizeof(slices_key) - 1 };

typedef struct head_writer {
    cm_manifest *m;
    size_t matched;            /* bytes of slices_key seen last */
    int found;
    char *tail;
    size_t tail_len, tail_cap;
} head_writer;

static int
keep_tail(head_writer *w, const char *p, size_t n)
{
    if (w->tail_len + n + 1 > w->tail_cap) {
        size_t cap = 2 * (w->tail_len + n + 1);
        char *t = realloc(w->tail, cap);
        if (!t)
            return -1;
        w->tail = t;
        w->tail_cap = cap;
    }
    memcpy(w->tail + w->tail_len, p, n);
    w->tail_len += n;
    w->tail[w->tail_len] = '\0';
    return 0;
}

static int
write_head(const char *buf, size_t size, void *data)
{
    head_writer *w = data;
    cm_outfile *o = &w->m->out;
    for (size_t i = 0; i < size; i++) {
        if (w->found)
            return keep_tail(w, buf + i, size - i);
        if (buf[i] == slices_key[w->matched]) {
            if (++w->matched == SLICES_KEY_LEN) {   /* up to "[" in the file, "]" kept */
                cm_outfile_write(o, slices_key, SLICES_KEY_LEN - 1);
                w->found = 1;
                if (keep_tail(w, "]", 1) != 0)
                    return -1;
            }
            continue;
        }
        cm_outfile_write(o, slices_key, w->matched);   /* not it after all */
        w->matched = buf[i] == slices_key[0];
        if (w->matched)
            continue;
        const char *nl = memchr(buf + i, '\n', size - i);
        size_t run = nl ? (size_t)(nl - (buf + i)) : size - i;
        cm_outfile_write(o, buf + i, run);
        i += run - 1;
    }
    return o->failed ? -1 : 0;
}

/* An item of one of the root's lists as jansson indents it there, every line
 * four spaces in, after the one before (@first: none). */
static cm_status
write_item(cm_manifest *m, json_t *entry, int first)
{
    char *text = json_dumps(entry, JSON_INDENT(2));
    if (!text)
        return CM_ERR_NOMEM;
    cm_outfile_write(&m->out, first ? "\n    " : ",\n    ", first ? 5 : 6);
    for (char *p = text, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        if (!nl) {
            cm_outfile_write(&m->out, p, strlen(p));
            break;
        }
        cm_outfile_write(&m->out, p, (size_t)(nl - p));
        cm_outfile_write(&m->out, "\n    ", 5);
    }
    free(text);
    return CM_OK;
}

static cm_status
write_entry(cm_manifest *m, json_t *entry)
{
    cm_status st = write_item(m, entry, m->n_out == 0);
    m->n_out += st == CM_OK;
    return st;
}

/* The root's "events": [] written with every event in it, one event's tree at
 * a time: the bytes jansson writes for the whole list in the root. */
static const char events_key[] = "\n  \"events\": []";

static cm_status
write_events(cm_manifest *m)
{
    size_t n = cm_events_count(m->events);
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < n; i++) {
        json_t *o = event_object(m, cm_events_get(m->events, i));
        st = o && !m->failed ? write_item(m, o, i == 0) : CM_ERR_NOMEM;
        json_decref(o);
    }
    if (st == CM_OK)
        cm_outfile_write(&m->out, n ? "\n  ]" : "]", n ? 4 : 1);
    return st;
}

/* The root as jansson dumps it, the events listed where its empty "events"
 * stands; the rest from the slices on is kept for cm_manifest_end. */
static cm_status
write_root(cm_manifest *m, head_writer *w)
{
    if (!m->events)
        return json_dump_callback(m->root, write_head, w, JSON_INDENT(2)) == 0 ? CM_OK
                                                                              : CM_ERR_NOMEM;
    char *text = json_dumps(m->root, JSON_INDENT(2));
    const char *at = text ? strstr(text, events_key) : NULL;
    cm_status st = text ? CM_OK : CM_ERR_NOMEM;
    if (st == CM_OK && !at)
        st = CM_ERR_INTERNAL;
    if (st == CM_OK) {
        size_t head = (size_t)(at - text) + sizeof(events_key) - 2;   /* up to its "[" */
        if (write_head(text, head, w) != 0)
            st = CM_ERR_NOMEM;
        if (st == CM_OK)
            st = write_events(m);
        if (st == CM_OK && write_head(text + head + 1, strlen(text + head + 1), w) != 0)
            st = CM_ERR_NOMEM;
    }
    free(text);
    return st;
}

cm_status
cm_manifest_begin(cm_manifest *m, const char *path, cm_diag_list *diags)
{
    head_writer w = { .m = m };
    json_t *none = json_array();
    cm_status st = none && json_object_set_new(m->root, "slices", none) == 0 ? CM_OK
                                                                            : CM_ERR_NOMEM;
    if (st == CM_OK)
        st = cm_outfile_open(&m->out, path, diags);
    if (st != CM_OK) {
        json_object_set(m->root, "slices", m->slices);
        return st;
    }
    m->is_open = 1;
    st = write_root(m, &w);
    if (st == CM_OK && !w.found)
        st = w.tail ? CM_ERR_INTERNAL : CM_ERR_NOMEM;
    if (m->out.failed)
        st = CM_ERR_IO;
    json_object_clear(m->root);   /* in the file now: the events may be many */
    m->tail = w.tail;
    if (st == CM_ERR_IO) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot write \"%s\": the disk may be full", path);
    }
    if (st != CM_OK)
        cm_manifest_abort(m);
    return st;
}

cm_status
cm_manifest_flush(cm_manifest *m, size_t n_entries)
{
    cm_status st = CM_OK;
    while (st == CM_OK && m->n_out < n_entries && m->n_out < json_array_size(m->slices)) {
        size_t k = m->n_out;
        st = write_entry(m, json_array_get(m->slices, k));
        if (st == CM_OK && json_array_set_new(m->slices, k, json_null()) != 0)
            st = CM_ERR_NOMEM;
    }
    return st;
}

cm_status
cm_manifest_end(cm_manifest *m, cm_diag_list *diags)
{
    cm_status st = cm_manifest_flush(m, json_array_size(m->slices));
    if (st != CM_OK) {
        cm_manifest_abort(m);
        return st;
    }
    if (m->n_out)
        cm_outfile_write(&m->out, "\n  ", 3);
    cm_outfile_write(&m->out, m->tail, strlen(m->tail));
    cm_outfile_write(&m->out, "\n", 1);
    m->is_open = 0;
    return cm_outfile_commit(&m->out, diags);
}

void
cm_manifest_abort(cm_manifest *m)
{
    if (m && m->is_open)
        cm_outfile_abort(&m->out);
    if (m)
        m->is_open = 0;
}

cm_status
cm_manifest_write(cm_manifest *m, const char *path, cm_diag_list *diags)
{
    cm_status st = cm_manifest_begin(m, path, diags);
    return st == CM_OK ? cm_manifest_end(m, diags) : st;
}

/* ---- merging the shares of a sharded run ------------------------------------------------ */

/* The shares' manifests in @dir: manifest.K-of-N.json. Fills @paths[K-1]
 * (malloc'd) and *n; reports a missing, extra or mismatched share. */
static cm_status
find_shares(const char *dir, char ***paths, int *n, cm_diag_list *diags)
{
    DIR *d = opendir(dir);
    cm_pos pos = { dir, 0, 0 };
    struct dirent *de;
    cm_status st = CM_OK;
    *paths = NULL;
    *n = 0;
    if (!d) {
        cm_diag_error(diags, &pos, "cannot read the folder \"%s\": %s", dir, strerror(errno));
        return CM_ERR_IO;
    }
    while (st == CM_OK && (de = readdir(d))) {
        int k, total, end = 0;
        if (sscanf(de->d_name, "manifest.%d-of-%d.json%n", &k, &total, &end) != 2 ||
            de->d_name[end] != '\0' || total < 1 || total > 100000 || k < 1 || k > total)
            continue;
        if (*n && total != *n) {
            cm_diag_error(diags, &pos, "the folder has shares of %d and of %d shards; render "
                          "every share with the same --shard K/N into an empty folder", *n,
                          total);
            st = CM_ERR_INPUT;
            break;
        }
        if (!*paths && !(*paths = calloc((size_t)total, sizeof(**paths)))) {
            st = CM_ERR_NOMEM;
            break;
        }
        *n = total;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if ((*paths)[k - 1]) {   /* manifest.1-of-2.json and manifest.01-of-2.json */
            cm_pos other = { (*paths)[k - 1], 0, 0 };
            cm_diag_error(diags, &other, "%s/%s is share %d of %d too; keep one of the two "
                          "files", dir, de->d_name, k, total);
            st = CM_ERR_INPUT;
            break;
        }
        if (!((*paths)[k - 1] = malloc(len))) {
            st = CM_ERR_NOMEM;
            break;
        }
        snprintf((*paths)[k - 1], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (st == CM_OK && *n == 0) {
        cm_diag_error(diags, &pos, "no manifest.K-of-N.json here to merge; render with "
                      "--shard K/N into this folder first");
        st = CM_ERR_INPUT;
    }
    for (int k = 0; st == CM_OK && k < *n; k++)
        if (!(*paths)[k]) {
            cm_diag_error(diags, &pos, "shard %d of %d is missing (manifest.%d-of-%d.json); "
                          "run conflictmap render --shard %d/%d into this folder first",
                          k + 1, *n, k + 1, *n, k + 1, *n);
            st = CM_ERR_INPUT;
        }
    return st;
}

/* A manifest read as any input file is: a FIFO in its place would block the
 * run, and one of 93 MB took 2.46 GB once parsed. @advice as cm_input_read's. */
static cm_status
read_manifest(const char *path, const char *advice, json_t **root, json_error_t *err,
              cm_diag_list *diags)
{
    char *text = NULL;
    size_t len = 0;
    cm_status st = cm_input_read(path, cm_limits_get()->max_file_bytes, advice, &text, &len,
                                 diags);
    *root = st == CM_OK ? json_loadb(text, len, 0, err) : NULL;
    free(text);
    return st;
}

static cm_status
load_share(const char *path, json_t **out, cm_diag_list *diags)
{
    json_error_t err;
    cm_status st = read_manifest(path, NULL, out, &err, diags);
    if (st != CM_OK)
        return st;
    if (*out && json_is_array(json_object_get(*out, "slices")))
        return CM_OK;
    cm_pos pos = { path, *out ? 0 : err.line, *out ? 0 : err.column };
    cm_diag_error(diags, &pos, "%s", *out ? "not a conflictmap manifest: no \"slices\" list"
                                          : err.text);
    json_decref(*out);
    *out = NULL;
    return CM_ERR_INPUT;
}

/* Shares of one run agree on everything but their slices. */
static int
same_run(json_t *a, json_t *b)
{
    json_t *x = json_copy(a), *y = json_copy(b);
    int same = x && y && json_object_del(x, "slices") == 0 &&
               json_object_del(y, "slices") == 0 && json_equal(x, y);
    json_decref(x);
    json_decref(y);
    return same;
}

/* Slice i of the whole run is slice i / N of share i % N (render.c's round
 * robin), so dealing them back out restores the single run's order. Shares
 * of one slicing then have the counts the round robin gives and times that
 * only increase; shares of different slicings (--every 1h and 2h) do not. */
static cm_status
interleave(json_t **shares, int n, json_t *all, size_t *n_slices)
{
    size_t total = 0;
    const char *last = NULL;
    for (int k = 0; k < n; k++)
        total += json_array_size(json_object_get(shares[k], "slices"));
    for (int k = 0; k < n; k++)
        if (json_array_size(json_object_get(shares[k], "slices")) !=
            (total + (size_t)(n - 1 - k)) / (size_t)n)
            return CM_ERR_INPUT;
    for (size_t i = 0; i < total; i++) {
        json_t *s = json_array_get(json_object_get(shares[i % (size_t)n], "slices"),
                                   i / (size_t)n);
        const char *t = json_string_value(json_object_get(s, "time"));
        if (!s || !t || (last && strcmp(last, t) >= 0))
            return CM_ERR_INPUT;
        last = t;
        if (json_array_append(all, s) != 0)
            return CM_ERR_NOMEM;
    }
    *n_slices = total;
    return CM_OK;
}

static cm_status
write_merged(json_t **shares, int n, const char *dir, const char *out_dir, size_t *n_slices,
             cm_diag_list *diags)
{
    cm_pos pos = { dir, 0, 0 };
    json_t *all = json_array(), *root = json_copy(shares[0]);
    cm_status st = all && root ? interleave(shares, n, all, n_slices) : CM_ERR_NOMEM;
    if (st == CM_ERR_INPUT)
        cm_diag_error(diags, &pos, "the shares' slices do not add up to one run (slice "
                      "times out of order or missing: shares of different --every, --at or "
                      "--window?); render every share again into an empty folder");
    if (st == CM_OK && json_object_set(root, "slices", all) != 0)
        st = CM_ERR_NOMEM;
    if (st == CM_OK) {
        cm_manifest m = { .root = root, .slices = all };
        size_t len = strlen(out_dir) + 16;
        char *path = malloc(len);
        if (path) {
            snprintf(path, len, "%s/manifest.json", out_dir);
            st = cm_manifest_write(&m, path, diags);
        }
        free(m.tail);
        st = path ? st : CM_ERR_NOMEM;
        free(path);
    }
    json_decref(all);
    json_decref(root);
    return st;
}

cm_status
cm_manifest_merge(const char *dir, const char *out_dir, int *n_shares, size_t *n_slices,
                  cm_diag_list *diags)
{
    char **paths = NULL;
    json_t **shares = NULL;
    int n = 0;
    cm_status st = find_shares(dir, &paths, &n, diags);
    if (st == CM_OK && !(shares = calloc((size_t)n, sizeof(*shares))))
        st = CM_ERR_NOMEM;
    for (int k = 0; st == CM_OK && k < n; k++)
        st = load_share(paths[k], &shares[k], diags);
    for (int k = 1; st == CM_OK && k < n; k++)
        if (!same_run(shares[0], shares[k])) {
            cm_pos pos = { paths[k], 0, 0 };
            cm_diag_error(diags, &pos, "this share was rendered from other input or options "
                          "than %s; render every share of one run into an empty folder",
                          paths[0]);
            st = CM_ERR_INPUT;
        }
    if (st == CM_OK)
        st = write_merged(shares, n, dir, out_dir, n_slices, diags);
    *n_shares = n;
    for (int k = 0; k < n; k++) {
        free(paths[k]);
        if (shares)
            json_decref(shares[k]);
    }
    free(paths);
    free(shares);
    return st;
}

/* ---- what a previous run drew, for an incremental run --------------------------------------- */

cm_status
cm_manifest_set_drawn(cm_manifest *m, size_t k, const char *const *exts,
                      const char *const *hashes, const long long *bytes, size_t n_files)
{
    json_t *entry = json_array_get(m->slices, k), *h = json_object(), *b = json_object();
    if (!entry || !h || !b) {
        json_decref(h);
        json_decref(b);
        return entry ? CM_ERR_NOMEM : CM_ERR_INTERNAL;
    }
    for (size_t i = 0; i < n_files; i++) {
        put(m, h, exts[i], json_string(hashes[i]));
        put(m, b, exts[i], json_integer(bytes[i]));
    }
    put(m, entry, "scene_hash", h);
    put(m, entry, "bytes", b);
    return m->failed ? CM_ERR_NOMEM : CM_OK;
}

typedef struct drawn_file {
    char *name;
    char *hash;
    long long bytes;
} drawn_file;

struct cm_manifest_drawn {
    drawn_file *files;
    size_t n, cap;
};

static int
compare_drawn(const void *a, const void *b)
{
    return strcmp(((const drawn_file *)a)->name, ((const drawn_file *)b)->name);
}

static cm_status
note_drawn(cm_manifest_drawn *d, const char *name, const char *hash, json_int_t bytes)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        drawn_file *f = realloc(d->files, cap * sizeof(*f));
        if (!f)
            return CM_ERR_NOMEM;
        d->files = f;
        d->cap = cap;
    }
    drawn_file *f = &d->files[d->n];
    f->name = strdup(name);
    f->hash = strdup(hash);
    f->bytes = bytes;
    if (!f->name || !f->hash) {
        free(f->name);
        free(f->hash);
        return CM_ERR_NOMEM;
    }
    d->n++;
    return CM_OK;
}

static cm_status
note_slice(cm_manifest_drawn *d, json_t *slice)
{
    json_t *files = json_object_get(slice, "files"), *hashes = json_object_get(slice, "scene_hash");
    json_t *bytes = json_object_get(slice, "bytes"), *name;
    const char *ext;
    cm_status st = CM_OK;
    json_object_foreach(files, ext, name) {
        json_t *h = json_object_get(hashes, ext), *b = json_object_get(bytes, ext);
        if (st == CM_OK && json_is_string(name) && json_is_string(h) && json_is_integer(b))
            st = note_drawn(d, json_string_value(name), json_string_value(h),
                            json_integer_value(b));
    }
    return st;
}

cm_status
cm_manifest_drawn_load(cm_manifest_drawn **out, const char *path, cm_diag_list *diags)
{
    struct stat sb;
    json_t *root = NULL;
    cm_status st = CM_OK;
    cm_manifest_drawn *d = calloc(1, sizeof(*d));
    *out = NULL;
    if (!d)
        return CM_ERR_NOMEM;
    if (stat(path, &sb) == 0 || errno != ENOENT)   /* none: the first run */
        st = read_manifest(path, "move it away, and every map is drawn afresh", &root, NULL,
                           diags);
    json_t *slices = json_object_get(root, "slices");
    for (size_t i = 0; st == CM_OK && i < json_array_size(slices); i++)
        st = note_slice(d, json_array_get(slices, i));
    json_decref(root);
    if (st != CM_OK) {
        cm_manifest_drawn_destroy(d);
        return st;
    }
    if (d->n)
        qsort(d->files, d->n, sizeof(*d->files), compare_drawn);
    *out = d;
    return CM_OK;
}

void
cm_manifest_drawn_destroy(cm_manifest_drawn *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->files[i].name);
        free(d->files[i].hash);
    }
    free(d->files);
    free(d);
}

long long
cm_manifest_drawn_find(const cm_manifest_drawn *d, const char *name, const char *hash)
{
    drawn_file key = { (char *)name, NULL, 0 };
    const drawn_file *f = d && d->n ? bsearch(&key, d->files, d->n, sizeof(key), compare_drawn)
                                    : NULL;
    return f && strcmp(f->hash, hash) == 0 ? f->bytes : -1;
}
