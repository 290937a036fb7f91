/* Slicing a timeline: choosing the moments, then walking the events in time
 * order once, applying control changes as they come, so each slice holds its
 * own copy of the control state and its list of events shown. */
#include "conflictmap/slice.h"

#include <stdlib.h>
#include <string.h>

typedef struct control {
    char *key;              /* folded name, owned */
    const char *name;       /* as first written, borrowed from the events */
    const char *side;       /* borrowed from the events */
    const cm_event *by;     /* NULL for initial control */
} control;

typedef struct shown {
    const cm_event *event;
    cm_event_state state;
} shown;

struct cm_slice {
    cm_time time;
    shown *events;
    size_t n_events;
    control *control;
    size_t n_control;
};

struct cm_slices {
    cm_slice *items;
    size_t n;
};

static int
compare_events(const void *a, const void *b)
{
    const cm_event *x = *(const cm_event *const *)a, *y = *(const cm_event *const *)b;
    if (cm_event_time(x) != cm_event_time(y))
        return cm_event_time(x) < cm_event_time(y) ? -1 : 1;
    return cm_event_index(x) < cm_event_index(y) ? -1 : 1;
}

static int
compare_times(const void *a, const void *b)
{
    cm_time x = *(const cm_time *)a, y = *(const cm_time *)b;
    return x < y ? -1 : x > y;
}

/* ---- choosing the moments ------------------------------------------------ */

static size_t
dedup_sorted(cm_time *t, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || t[w - 1] != t[i])
            t[w++] = t[i];
    return w;
}

static cm_status
choose_times(const cm_event **sorted, size_t n_events, const cm_slice_spec *spec,
             cm_time **out, size_t *n_out, cm_diag_list *diags)
{
    cm_time first = cm_event_time(sorted[0]), last = cm_event_time(sorted[n_events - 1]);
    size_t n = n_events;
    cm_time *t;

    if (spec && spec->n_at) {
        n = spec->n_at;
    } else if (spec && spec->every_s > 0) {
        uint64_t steps = (uint64_t)(last - first) / (uint64_t)spec->every_s + 2;
        if (steps > CM_MAX_SLICES) {
            cm_diag_error(diags, NULL, "slicing every %lld seconds from the first event "
                          "to the last makes %llu slices, more than the limit of %d; "
                          "choose a longer --every", (long long)spec->every_s,
                          (unsigned long long)steps, CM_MAX_SLICES);
            return CM_ERR_INPUT;
        }
        n = (size_t)steps;
    }
    t = malloc(n * sizeof(*t));
    if (!t)
        return CM_ERR_NOMEM;
    if (spec && spec->n_at) {
        memcpy(t, spec->at, n * sizeof(*t));
    } else if (spec && spec->every_s > 0) {
        size_t k = 0;
        for (cm_time x = first; k < n; x += spec->every_s) {
            t[k++] = x;
            if (x >= last)
                break;
        }
        n = k;
    } else {
        for (size_t i = 0; i < n; i++)
            t[i] = cm_event_time(sorted[i]);
    }
    qsort(t, n, sizeof(*t), compare_times);
    *n_out = dedup_sorted(t, n);
    *out = t;
    return CM_OK;
}

/* ---- control state ---------------------------------------------------------- */

typedef struct state {
    control *items;
    size_t n, cap;
} state;

static cm_status
set_control(state *s, const char *name, const char *side, const cm_event *by)
{
    char *key = cm_name_fold(name);
    if (!key)
        return CM_ERR_NOMEM;
    /* "Khojavend" in initial_control and "Xocavənd" in an event are one area. */
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i].key, key) == 0 || cm_name_same(s->items[i].name, name)) {
            free(key);
            s->items[i].side = side;
            s->items[i].by = by;
            return CM_OK;
        }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        control *items = realloc(s->items, cap * sizeof(*items));
        if (!items) {
            free(key);
            return CM_ERR_NOMEM;
        }
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = (control){ key, name, side, by };
    return CM_OK;
}

/* A control change sets its place (by the gazetteer's name, so "Hadrud" and
 * "Hadrut" are one place) and its area, when it names one. */
static cm_status
apply_change(state *s, const cm_event *e)
{
    const char *to = cm_event_control_to(e);
    const cm_place *place = cm_event_place(e);
    const char *name = place ? cm_place_name(place) : cm_event_place_name(e);
    cm_status st = CM_OK;

    if (!to)
        return CM_OK;
    if (name && *name)
        st = set_control(s, name, to, e);
    if (st == CM_OK && cm_event_area(e))
        st = set_control(s, cm_event_area(e), to, e);
    return st;
}

static cm_status
initial_state(state *s, const cm_events *events)
{
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < cm_events_n_initial(events); i++) {
        const char *name, *side;
        cm_events_initial(events, i, &name, &side);
        const cm_place *place = cm_events_initial_place(events, i);
        st = set_control(s, place ? cm_place_name(place) : name, side, NULL);
    }
    return st;
}

/* ---- one slice -------------------------------------------------------------- */

static cm_event_state
state_of(const cm_event *e, cm_time t, cm_time prev, int is_first)
{
    cm_time end;
    if (is_first || cm_event_time(e) > prev)
        return CM_EVENT_NEW;
    if (cm_event_end(e, &end) && t < end)
        return CM_EVENT_CURRENT;
    return CM_EVENT_OLDER;
}

static cm_status
fill_slice(cm_slice *sl, const cm_event **sorted, size_t n_upto, const state *s,
           cm_time prev, int is_first, int64_t window_s)
{
    sl->events = malloc((n_upto + 1) * sizeof(shown));
    sl->control = malloc((s->n + 1) * sizeof(control));
    if (!sl->events || !sl->control)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < n_upto; i++) {
        cm_event_state st = state_of(sorted[i], sl->time, prev, is_first);
        if (window_s > 0 && st == CM_EVENT_OLDER &&
            cm_event_time(sorted[i]) < sl->time - window_s)
            continue;
        sl->events[sl->n_events++] = (shown){ sorted[i], st };
    }
    for (size_t i = 0; i < s->n; i++) {
        sl->control[i] = s->items[i];
        sl->control[i].key = strdup(s->items[i].key);
        if (!sl->control[i].key)
            return CM_ERR_NOMEM;
        sl->n_control = i + 1;
    }
    return CM_OK;
}

/* ---- the whole timeline -------------------------------------------------------- */

static cm_status
walk(cm_slices *slices, const cm_time *times, const cm_event **sorted, size_t n_events,
     state *s, int64_t window_s)
{
    size_t next = 0;
    for (size_t i = 0; i < slices->n; i++) {
        cm_slice *sl = &slices->items[i];
        sl->time = times[i];
        while (next < n_events && cm_event_time(sorted[next]) <= sl->time) {
            cm_status st = apply_change(s, sorted[next]);
            if (st != CM_OK)
                return st;
            next++;
        }
        cm_status st = fill_slice(sl, sorted, next, s, i ? times[i - 1] : 0, i == 0,
                                  window_s);
        if (st != CM_OK)
            return st;
    }
    return CM_OK;
}

cm_status
cm_slices_make(cm_slices **out, const cm_events *events, const cm_slice_spec *spec,
               cm_diag_list *diags)
{
    size_t n_events = cm_events_count(events), n_times = 0;
    const cm_event **sorted = malloc((n_events + 1) * sizeof(*sorted));
    cm_time *times = NULL;
    state s = { 0 };
    cm_slices *slices = calloc(1, sizeof(*slices));
    cm_status st = CM_ERR_NOMEM;

    *out = NULL;
    if (!sorted || !slices || n_events == 0)
        goto cleanup;
    for (size_t i = 0; i < n_events; i++)
        sorted[i] = cm_events_get(events, i);
    qsort(sorted, n_events, sizeof(*sorted), compare_events);
    st = choose_times(sorted, n_events, spec, &times, &n_times, diags);
    if (st != CM_OK)
        goto cleanup;
    st = CM_ERR_NOMEM;
    slices->items = calloc(n_times, sizeof(cm_slice));
    if (!slices->items)
        goto cleanup;
    slices->n = n_times;
    st = initial_state(&s, events);
    if (st == CM_OK)
        st = walk(slices, times, sorted, n_events, &s, spec ? spec->window_s : 0);
cleanup:
    for (size_t i = 0; i < s.n; i++)
        free(s.items[i].key);
    free(s.items);
    free(times);
    free(sorted);
    if (st != CM_OK)
        cm_slices_destroy(slices);
    else
        *out = slices;
    return st;
}

void
cm_slices_destroy(cm_slices *slices)
{
    if (!slices)
        return;
    for (size_t i = 0; i < slices->n; i++) {
        cm_slice *sl = &slices->items[i];
        for (size_t k = 0; k < sl->n_control; k++)
            free(sl->control[k].key);
        free(sl->control);
        free(sl->events);
    }
    free(slices->items);
    free(slices);
}

size_t cm_slices_count(const cm_slices *slices) { return slices->n; }

const cm_slice *
cm_slices_get(const cm_slices *slices, size_t i)
{
    return i < slices->n ? &slices->items[i] : NULL;
}

cm_time cm_slice_time(const cm_slice *sl) { return sl->time; }
size_t cm_slice_n_events(const cm_slice *sl) { return sl->n_events; }

const cm_event *
cm_slice_event(const cm_slice *sl, size_t k, cm_event_state *state)
{
    if (k >= sl->n_events)
        return NULL;
    if (state)
        *state = sl->events[k].state;
    return sl->events[k].event;
}

const char *
cm_slice_control(const cm_slice *sl, const char *name)
{
    char *key = cm_name_fold(name);
    const char *side = NULL;
    for (size_t i = 0; key && i < sl->n_control; i++)
        if (strcmp(sl->control[i].key, key) == 0 || cm_name_same(sl->control[i].name, name))
            side = sl->control[i].side;
    free(key);
    return side;
}

size_t cm_slice_n_control(const cm_slice *sl) { return sl->n_control; }

void
cm_slice_control_at(const cm_slice *sl, size_t i, const char **name, const char **side,
                    const cm_event **by)
{
    *name = i < sl->n_control ? sl->control[i].name : NULL;
    *side = i < sl->n_control ? sl->control[i].side : NULL;
    *by = i < sl->n_control ? sl->control[i].by : NULL;
}
