/* Slicing a timeline: choosing the moments, then walking the events in time
 * order once. Nothing is copied per slice: the slices share one time-sorted
 * array of the events, and each slice is a few numbers into it (the events
 * that happened by then, the first of those shown as a run, and the few
 * ongoing ones before that run). Control changes go into one history per
 * place or area, and a slice finds its side there by how many events it has
 * seen. A slice costs the same whatever the size of the timeline. */
#include "conflictmap/slice.h"
#include "common/grow.h"

#include <stdlib.h>
#include <string.h>

/* One place or area whose control is recorded, in the order first set. */
typedef struct control {
    char *key;              /* folded name, owned */
    const char *name;       /* as first written, borrowed from the events */
    int is_area;            /* an area (a district): an event's area, initial_control;
                               else a place: an event's place, initial_control */
    size_t first, n;        /* its entries: history[first .. first + n) */
} control;

/* A side set for a place or area: by initial_control (seen 0, by NULL), or by
 * the control change that is the seen-th event in time order. */
typedef struct change {
    size_t control;         /* index into controls */
    size_t seen;
    const char *side;       /* borrowed from the events */
    const cm_event *by;
} change;

struct cm_slice {
    const cm_slices *all;
    cm_time time, prev;     /* events after prev are new (the slice before's time, or the
                               first's: cm_slice_spec); unused when is_first */
    size_t seen;            /* events at or before time: sorted[0 .. seen) */
    size_t run;             /* sorted[run .. seen) are all shown */
    size_t ongoing, n_ongoing;   /* shown before run: all->ongoing[ongoing ..] */
    size_t n_control;       /* controls[0 .. n_control) are set by then */
    int is_first;           /* every event shown is new */
    int by_since;           /* prev is cm_slice_spec's since (the command's --since) */
};

struct cm_slices {
    cm_slice *items;
    size_t n;
    const cm_event **sorted;     /* every event, oldest first (ties in file order) */
    size_t n_events;
    size_t *ongoing;             /* indices into sorted, each slice's run after another */
    size_t n_ongoing, cap_ongoing;
    control *controls;
    size_t n_controls, cap_controls;
    change *history;             /* by control, then in the order applied */
    size_t n_history, cap_history;
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

/* A place and the area of the same name are recorded apart: Ukraine's
 * taking Kherson the city is not its taking the Kherson oblast. */
static cm_status
set_control(cm_slices *s, const char *name, int is_area, const char *side,
            const cm_event *by, size_t seen)
{
    char *key = cm_name_fold(name);
    size_t i = 0;
    if (!key)
        return CM_ERR_NOMEM;
    /* "Khojavend" in initial_control and "Xocavənd" in an event are one area. */
    while (i < s->n_controls &&
           (s->controls[i].is_area != is_area ||
            (strcmp(s->controls[i].key, key) != 0 && !cm_name_same(s->controls[i].name, name))))
        i++;
    if (!CM_GROW(s->history, s->n_history, s->cap_history) ||
        !CM_GROW(s->controls, s->n_controls, s->cap_controls)) {
        free(key);
        return CM_ERR_NOMEM;
    }
    if (i == s->n_controls)
        s->controls[s->n_controls++] = (control){ key, name, is_area, 0, 0 };
    else
        free(key);
    s->controls[i].n++;
    s->history[s->n_history++] = (change){ i, seen, side, by };
    return CM_OK;
}

/* A control change sets its place (by the gazetteer's name, so "Hadrud" and
 * "Hadrut" are one place) and its area, when it names one ("area"): only
 * then does a district change hands. */
static cm_status
apply_change(cm_slices *s, const cm_event *e, size_t seen)
{
    const char *to = cm_event_control_to(e);
    const cm_place *place = cm_event_place(e);
    const char *name = place ? cm_place_name(place) : cm_event_place_name(e);
    cm_status st = CM_OK;

    if (!to)
        return CM_OK;
    if (name && *name)
        st = set_control(s, name, 0, to, e, seen);
    if (st == CM_OK && cm_event_area(e))
        st = set_control(s, cm_event_area(e), 1, to, e, seen);
    return st;
}

static cm_status
initial_state(cm_slices *s, const cm_events *events)
{
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < cm_events_n_initial(events); i++) {
        const char *name, *side;
        cm_events_initial(events, i, &name, &side);
        const cm_place *place = cm_events_initial_place(events, i);
        /* a name that is both a place's and an area's applies to both */
        if (place)
            st = set_control(s, cm_place_name(place), 0, side, NULL, 0);
        if (st == CM_OK)
            st = set_control(s, name, 1, side, NULL, 0);
    }
    return st;
}

/* Orders the history by control (a stable counting sort, so each control's
 * entries stay in the order applied) and notes where each control's begin. */
static cm_status
group_history(cm_slices *s)
{
    change *by_control = malloc((s->n_history + 1) * sizeof(*by_control));
    if (!by_control)
        return CM_ERR_NOMEM;
    for (size_t i = 0, at = 0; i < s->n_controls; i++) {
        s->controls[i].first = at;
        at += s->controls[i].n;
        s->controls[i].n = 0;
    }
    for (size_t k = 0; k < s->n_history; k++) {
        control *c = &s->controls[s->history[k].control];
        by_control[c->first + c->n++] = s->history[k];
    }
    free(s->history);
    s->history = by_control;
    s->cap_history = s->n_history + 1;
    return CM_OK;
}

/* The entry of control @i in force once @seen events have happened: the last
 * one applied by then (the control exists by then, so there is one). */
static const change *
control_entry(const cm_slice *sl, size_t i)
{
    const control *c = &sl->all->controls[i];
    const change *h = sl->all->history + c->first;
    size_t lo = 0, hi = c->n;   /* h[0 .. lo) applied, h[hi ..) not yet */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (h[mid].seen <= sl->seen)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &h[lo ? lo - 1 : 0];
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

/* The first event in sorted[0 .. n) that is after @t (@strict) or at or
 * after it. */
static size_t
first_from(const cm_event **sorted, size_t n, cm_time t, int strict)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        cm_time x = cm_event_time(sorted[mid]);
        if (strict ? x <= t : x < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The events shown: all that happened by the slice, or with a window, the run
 * of those new or within the window, and before it the ones still going on
 * (an older event outside the window is hidden). @live: indices into sorted
 * of the events with an end, not yet over at an earlier slice, in order. */
static cm_status
fill_slice(cm_slices *s, cm_slice *sl, size_t *live, size_t *n_live, int64_t window_s)
{
    sl->run = 0;
    if (window_s > 0 && !sl->is_first) {
        size_t fresh = first_from(s->sorted, sl->seen, sl->prev, 1);
        size_t recent = first_from(s->sorted, sl->seen, sl->time - window_s, 0);
        sl->run = fresh < recent ? fresh : recent;
    }
    size_t w = 0;
    sl->ongoing = s->n_ongoing;
    for (size_t k = 0; k < *n_live; k++) {
        cm_time end;
        cm_event_end(s->sorted[live[k]], &end);
        if (sl->time >= end)
            continue;   /* over, and so at every later slice */
        live[w++] = live[k];
        if (live[k] >= sl->run)
            continue;
        if (!CM_GROW(s->ongoing, s->n_ongoing, s->cap_ongoing))
            return CM_ERR_NOMEM;
        s->ongoing[s->n_ongoing++] = live[k];
    }
    *n_live = w;
    sl->n_ongoing = s->n_ongoing - sl->ongoing;
    sl->n_control = s->n_controls;
    return CM_OK;
}

/* ---- the whole timeline -------------------------------------------------------- */

/* What is new on the first slice, at @t: after *@prev, or everything shown
 * (returns 1). With @spec's since, after it; else after the event time before
 * the latest one by @t, the slice before @t of the default slicing. */
static int
first_is_all_new(const cm_slices *s, const cm_slice_spec *spec, cm_time t, cm_time *prev)
{
    if (spec && spec->has_since) {
        *prev = spec->since;
        return 0;
    }
    size_t by_t = first_from(s->sorted, s->n_events, t, 1);   /* events at or before t */
    if (by_t == 0)
        return 1;
    size_t latest = first_from(s->sorted, s->n_events, cm_event_time(s->sorted[by_t - 1]), 0);
    if (latest == 0)   /* the latest time by then is the first: all of it is new */
        return 1;
    *prev = cm_event_time(s->sorted[latest - 1]);
    return 0;
}

static cm_status
walk(cm_slices *s, const cm_time *times, const cm_slice_spec *spec)
{
    size_t next = 0, n_live = 0;
    int64_t window_s = spec ? spec->window_s : 0;
    size_t *live = malloc((s->n_events + 1) * sizeof(*live));
    cm_status st = live ? CM_OK : CM_ERR_NOMEM;
    for (size_t i = 0; st == CM_OK && i < s->n; i++) {
        cm_slice *sl = &s->items[i];
        *sl = (cm_slice){ .all = s, .time = times[i], .prev = i ? times[i - 1] : 0,
                          .is_first = i == 0 };
        if (i == 0) {
            sl->is_first = first_is_all_new(s, spec, sl->time, &sl->prev);
            sl->by_since = spec && spec->has_since;
        }
        while (st == CM_OK && next < s->n_events && cm_event_time(s->sorted[next]) <= sl->time) {
            cm_time end;
            if (cm_event_end(s->sorted[next], &end))
                live[n_live++] = next;
            st = apply_change(s, s->sorted[next], next + 1);
            next++;
        }
        sl->seen = next;
        if (st == CM_OK)
            st = fill_slice(s, sl, live, &n_live, window_s);
    }
    free(live);
    return st;
}

cm_status
cm_slices_make(cm_slices **out, const cm_events *events, const cm_slice_spec *spec,
               cm_diag_list *diags)
{
    size_t n_events = cm_events_count(events), n_times = 0;
    cm_time *times = NULL;
    cm_slices *s = calloc(1, sizeof(*s));
    cm_status st = CM_ERR_NOMEM;

    *out = NULL;
    if (!s || n_events == 0 || !(s->sorted = malloc(n_events * sizeof(*s->sorted))))
        goto cleanup;
    s->n_events = n_events;
    for (size_t i = 0; i < n_events; i++)
        s->sorted[i] = cm_events_get(events, i);
    qsort(s->sorted, n_events, sizeof(*s->sorted), compare_events);
    st = choose_times(s->sorted, n_events, spec, &times, &n_times, diags);
    if (st != CM_OK)
        goto cleanup;
    st = CM_ERR_NOMEM;
    s->items = calloc(n_times ? n_times : 1, sizeof(cm_slice));
    if (!s->items)
        goto cleanup;
    s->n = n_times;
    st = initial_state(s, events);
    if (st == CM_OK)
        st = walk(s, times, spec);
    if (st == CM_OK)
        st = group_history(s);
cleanup:
    free(times);
    if (st != CM_OK)
        cm_slices_destroy(s);
    else
        *out = s;
    return st;
}

void
cm_slices_destroy(cm_slices *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_controls; i++)
        free(s->controls[i].key);
    free(s->controls);
    free(s->history);
    free(s->ongoing);
    free(s->sorted);
    free(s->items);
    free(s);
}

size_t cm_slices_count(const cm_slices *s) { return s->n; }

const cm_slice *
cm_slices_get(const cm_slices *s, size_t i)
{
    return i < s->n ? &s->items[i] : NULL;
}

cm_time cm_slice_time(const cm_slice *sl) { return sl->time; }

int
cm_slice_new_since(const cm_slice *sl, cm_time *since)
{
    if (!sl->by_since)
        return 0;
    *since = sl->prev;
    return 1;
}

size_t
cm_slice_n_events(const cm_slice *sl)
{
    return sl->n_ongoing + (sl->seen - sl->run);
}

const cm_event *
cm_slice_event(const cm_slice *sl, size_t k, cm_event_state *state)
{
    const cm_slices *s = sl->all;
    const cm_event *e;
    if (k >= cm_slice_n_events(sl))
        return NULL;
    e = k < sl->n_ongoing ? s->sorted[s->ongoing[sl->ongoing + k]]
                          : s->sorted[sl->run + (k - sl->n_ongoing)];
    if (state)
        *state = state_of(e, sl->time, sl->prev, sl->is_first);
    return e;
}

const char *
cm_slice_control(const cm_slice *sl, const char *name)
{
    char *key = cm_name_fold(name);
    const char *side = NULL;
    int found_place = 0;   /* a place's side wins over its area's */
    for (size_t i = 0; key && i < sl->n_control; i++)
        if ((strcmp(sl->all->controls[i].key, key) == 0 ||
             cm_name_same(sl->all->controls[i].name, name)) &&
            (!found_place || !sl->all->controls[i].is_area)) {
            side = control_entry(sl, i)->side;
            found_place |= !sl->all->controls[i].is_area;
        }
    free(key);
    return side;
}

size_t cm_slice_n_control(const cm_slice *sl) { return sl->n_control; }

void
cm_slice_control_at(const cm_slice *sl, size_t i, const char **name, const char **side,
                    const cm_event **by)
{
    const change *c = i < sl->n_control ? control_entry(sl, i) : NULL;
    *name = c ? sl->all->controls[i].name : NULL;
    *side = c ? c->side : NULL;
    *by = c ? c->by : NULL;
}

int
cm_slice_control_is_area(const cm_slice *sl, size_t i)
{
    return i < sl->n_control && sl->all->controls[i].is_area;
}
