/* Laying out every slice in time order and drawing this run's share of them
 * with N workers: the queue between the layout and the workers, the ground
 * made once, and who lets go of each scene. */
#include "render/run.h"
#include "common/sha256.h"
#include "draw/sprite.h"

#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The main thread lays slices out in time order and queues those of this run's
 * share; workers draw them in any order. A scene is freed by whoever lets go
 * of it last: the layout of the next slice (which reads it) or its drawing. */
static void
release_scene(run *r, size_t i)
{
    cm_scene *sc = NULL, *phone = NULL;
    pthread_mutex_lock(&r->sh.lock);
    if (--r->sh.refs[i] == 0) {
        sc = r->sh.scenes[i];
        r->sh.scenes[i] = NULL;
        phone = r->sh.phones[i];
        r->sh.phones[i] = NULL;
    }
    pthread_mutex_unlock(&r->sh.lock);
    cm_scene_destroy(sc);
    cm_scene_destroy(phone);
}

/* Keeps the first failure; the other workers stop at their next slice. */
static void
fail(run *r, cm_status st)
{
    if (r->sh.draw_st == CM_OK)
        r->sh.draw_st = st;
    r->sh.stop = 1;
    pthread_cond_broadcast(&r->sh.wake);
}

/* Takes the next queued slice, waiting for one while layout goes on.
 * Returns 0 when there is nothing left to draw. Called with the lock held. */
static int
take_slice(run *r, size_t *i, int wait)
{
    while (!r->sh.stop && r->sh.q_head == r->sh.q_tail && !r->sh.laid_all && wait)
        pthread_cond_wait(&r->sh.wake, &r->sh.lock);
    if (r->sh.stop || r->sh.q_head == r->sh.q_tail)
        return 0;
    *i = r->sh.queue[r->sh.q_head++];
    pthread_cond_broadcast(&r->sh.wake);   /* room for the layout to go on */
    return 1;
}

/* Draws queued slices until none is left (@wait: until layout is done too). */
static void
draw_queued(run *r, cm_diag_list *diags, int wait)
{
    size_t i;
    pthread_mutex_lock(&r->sh.lock);
    while (take_slice(r, &i, wait)) {
        pthread_mutex_unlock(&r->sh.lock);
        cm_status st = run_draw_slice(r, i, diags);
        release_scene(r, i);
        pthread_mutex_lock(&r->sh.lock);
        if (st != CM_OK)
            fail(r, st);
        r->sh.finished[i] = 1;
        r->sh.n_done++;
        r->sh.n_drawn++;
        if (r->opt->progress)
            r->opt->progress(r->opt->progress_data, r->sh.n_done, r->sh.n_share);
    }
    pthread_mutex_unlock(&r->sh.lock);
}

typedef struct worker {
    run *r;
    int first;                 /* the one that draws the ground */
    cm_diag_list *diags;       /* the worker's own: a list is not shared across threads */
    pthread_t thread;
    int started;
} worker;

/* The ground every slice's PNG starts from (src/draw/draw.h), with PNG only. */
static cm_status
make_ground(run *r)
{
    return formats_of(r) & CM_FORMAT_PNG   /* html alone draws PNGs too */
               ? cm_draw_cache_create(&r->sh.cache, r->plan.base, r->opt->scale) : CM_OK;
}

/* Each worker draws text with its own Pango font map (Pango's default font
 * map is per thread), set here so that it is released when the worker ends. */
static void *
worker_main(void *arg)
{
    worker *w = arg;
    run *r = w->r;
    PangoFontMap *fm = pango_cairo_font_map_new();
    if (fm) {
        pango_cairo_font_map_set_default(PANGO_CAIRO_FONT_MAP(fm));
        g_object_unref(fm);
    }
    /* The first worker draws the ground while the run lays out the first
     * slices; the others wait for it before drawing. */
    cm_status st = w->first ? make_ground(r) : CM_OK;
    pthread_mutex_lock(&r->sh.lock);
    if (w->first) {
        if (st != CM_OK)
            fail(r, st);
        r->sh.ground_made = 1;
        pthread_cond_broadcast(&r->sh.wake);
    }
    while (!r->sh.ground_made && !r->sh.stop)
        pthread_cond_wait(&r->sh.wake, &r->sh.lock);
    pthread_mutex_unlock(&r->sh.lock);
    draw_queued(r, w->diags, 1);
    pango_cairo_font_map_set_default(NULL);
    return NULL;
}

/* Queues slice @i for drawing once laid out, or lets it go. Waits while the
 * queue is long, so that only a few scenes are held at any time. */
static void
queue_slice(run *r, size_t i, size_t n_workers)
{
    pthread_mutex_lock(&r->sh.lock);
    if (in_share(r, i) && r->sh.todo[i]) {
        r->sh.refs[i]++;
        r->sh.queue[r->sh.q_tail++] = i;
        pthread_cond_broadcast(&r->sh.wake);
    } else if (in_share(r, i)) {   /* every file kept */
        r->sh.finished[i] = 1;
        r->sh.n_kept++;
        r->sh.n_done++;
        if (r->opt->progress)
            r->opt->progress(r->opt->progress_data, r->sh.n_done, r->sh.n_share);
    }
    while (n_workers > 1 && !r->sh.stop && r->sh.q_tail - r->sh.q_head > 2 * n_workers)
        pthread_cond_wait(&r->sh.wake, &r->sh.lock);
    pthread_mutex_unlock(&r->sh.lock);
}

/* Lays out every slice in time order (a label keeps the spot it had on the
 * previous slice, so this cannot be split up), adding each to the manifest
 * and queueing it for the workers; with one job, draws it right away. */
static int
stopped(run *r)
{
    pthread_mutex_lock(&r->sh.lock);
    int stop = r->sh.stop;
    pthread_mutex_unlock(&r->sh.lock);
    return stop;
}

/* Writes the manifest entries of the slices finished so far, in time order. */
cm_status
run_flush_manifest(run *r)
{
    size_t n = cm_slices_count(r->plan.slices);
    cm_status st = CM_OK;
    while (st == CM_OK && r->sh.flush_i < n) {
        size_t i = r->sh.flush_i;
        pthread_mutex_lock(&r->sh.lock);
        int ready = r->sh.finished[i];
        pthread_mutex_unlock(&r->sh.lock);
        if (in_share(r, i) && !ready)
            break;
        if (in_share(r, i)) {
            st = run_note_drawn(r, i, r->sh.flush_k++);
            if (st == CM_OK)
                st = cm_manifest_flush(r->plan.manifest, r->sh.flush_k);
        }
        r->sh.flush_i++;
    }
    return st;
}

/* Notes slice @i (laid out, in this run's share) when it shows two sides
 * holding the same ground (cm_scene_shared_km2()). */
static void
note_overlap(run *r, size_t i)
{
    const char *a, *b;
    double km2 = cm_scene_shared_km2(r->sh.scenes[i], &a, &b);
    struct run_overlap *o = &r->sh.overlap;
    if (!(km2 > 0))
        return;
    if (o->n++ == 0 || km2 > o->km2) {
        o->km2 = km2;
        o->side[0] = a;
        o->side[1] = b;
        o->at = cm_slice_time(cm_slices_get(r->plan.slices, i));
    }
}

/* "Armenian forces (AM)", or the code alone when the side has no name. */
static void
side_words(const run *r, const char *code, char *buf, size_t size)
{
    const cm_side *s = cm_events_find_side(r->in.events, code);
    const char *name = s ? cm_side_name(s) : NULL;
    if (name && *name && strcmp(name, code) != 0)
        snprintf(buf, size, "%s (%s)", name, code);
    else
        snprintf(buf, size, "%s", code);
}

/* The warning for the slices note_overlap() noted: a map that shows two
 * sides holding the same ground is wrong there, and the reader cannot
 * tell which is. */
static void
warn_overlap(run *r)
{
    const struct run_overlap *o = &r->sh.overlap;
    char a[160], b[160], when[CM_TIME_BUF];
    if (!o->n)
        return;
    side_words(r, o->side[0], a, sizeof(a));
    side_words(r, o->side[1], b, sizeof(b));
    cm_diag_warning(r->diags, NULL,
                    "%s and %s are both shown holding the same ground on %zu of %zu slice%s, "
                    "at most %.1f km² (%s): no ground is held by two sides at once, so a "
                    "control layer's date or side, or an area event, is wrong there "
                    "(docs/control.md, \"Fields\"); the map shades it in both colours",
                    a, b, o->n, r->sh.n_share, r->sh.n_share == 1 ? "" : "s", o->km2,
                    cm_time_format_iso(o->at, when));
}

static cm_status
layout_all(run *r, size_t n_workers)
{
    size_t n = cm_slices_count(r->plan.slices), laid = 0;
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < n && !stopped(r); i++) {
        r->sh.refs[i] = 1;   /* held until the next slice is laid out */
        st = cm_scene_layout(&r->sh.scenes[i], r->plan.base, cm_slices_get(r->plan.slices, i),
                             i ? r->sh.scenes[i - 1] : NULL);
        /* the phone layout of the same slice, from the same slice data */
        if (st == CM_OK && r->plan.phone_base)
            st = cm_scene_layout(&r->sh.phones[i], r->plan.phone_base,
                                 cm_slices_get(r->plan.slices, i), i ? r->sh.phones[i - 1] : NULL);
        laid = i + 1;
        if (st == CM_OK && in_share(r, i)) {
            note_overlap(r, i);
            run_choose_files(r, i);
            st = run_add_to_manifest(r, i);
        }
        if (st == CM_OK && r->plan.page && in_share(r, i))
            st = run_add_to_page(r, i);
        if (st == CM_OK)
            queue_slice(r, i, n_workers);
        if (i)
            release_scene(r, i - 1);
        if (st == CM_OK && n_workers <= 1)
            draw_queued(r, r->diags, 0);
        if (st == CM_OK)
            st = run_flush_manifest(r);
    }
    if (laid)
        release_scene(r, laid - 1);
    if (st == CM_OK)
        warn_overlap(r);
    return st;
}

static size_t
count_share(const run *r)
{
    size_t n = 0;
    for (size_t i = 0; i < cm_slices_count(r->plan.slices); i++)
        n += (size_t)in_share(r, i);
    return n;
}

static cm_status
start_workers(run *r, worker *w, size_t n_workers)
{
    for (size_t k = 0; k < n_workers; k++) {
        w[k].r = r;
        w[k].first = k == 0;
        w[k].diags = cm_diag_list_create();
        if (!w[k].diags)
            return CM_ERR_NOMEM;
        if (pthread_create(&w[k].thread, NULL, worker_main, &w[k]) != 0)
            return CM_ERR_NOMEM;
        w[k].started = 1;
    }
    return CM_OK;
}

/* Waits for the workers and moves what they reported into the run's list. */
static void
join_workers(run *r, worker *w, size_t n_workers)
{
    pthread_mutex_lock(&r->sh.lock);
    r->sh.laid_all = 1;
    pthread_cond_broadcast(&r->sh.wake);
    pthread_mutex_unlock(&r->sh.lock);
    for (size_t k = 0; k < n_workers; k++) {
        if (w[k].started)
            pthread_join(w[k].thread, NULL);
        for (size_t d = 0; w[k].diags && d < cm_diag_count(w[k].diags); d++) {
            cm_pos pos = cm_diag_pos(w[k].diags, d);
            if (cm_diag_severity(w[k].diags, d) == CM_SEV_ERROR)
                cm_diag_error(r->diags, &pos, "%s", cm_diag_message(w[k].diags, d));
            else
                cm_diag_warning(r->diags, &pos, "%s", cm_diag_message(w[k].diags, d));
        }
        cm_diag_list_destroy(w[k].diags);
    }
}

static size_t
worker_count(const run *r)
{
    size_t n = cm_slices_count(r->plan.slices);
    size_t jobs = r->opt->jobs > 1 ? (size_t)r->opt->jobs : 1;
    if (jobs > CM_MAX_JOBS)
        jobs = CM_MAX_JOBS;
    return jobs < n ? jobs : (n ? n : 1);
}

/* Lays out and draws every slice of this run's share, with n workers. */
cm_status
run_draw_all(run *r)
{
    size_t n = cm_slices_count(r->plan.slices), n_workers = worker_count(r);
    worker *w = calloc(n_workers, sizeof(*w));
    r->sh.scenes = calloc(n ? n : 1, sizeof(*r->sh.scenes));
    r->sh.phones = calloc(n ? n : 1, sizeof(*r->sh.phones));
    r->sh.refs = calloc(n ? n : 1, 1);
    r->sh.queue = calloc(n ? n : 1, sizeof(*r->sh.queue));
    r->sh.todo = calloc(n ? n : 1, 1);
    r->sh.finished = calloc(n ? n : 1, 1);
    r->sh.hashes = calloc(n ? n : 1, sizeof(*r->sh.hashes));
    r->sh.bytes = calloc(n ? n : 1, sizeof(*r->sh.bytes));
    if (!w || !r->sh.scenes || !r->sh.phones || !r->sh.refs || !r->sh.queue || !r->sh.todo || !r->sh.finished || !r->sh.hashes ||
        !r->sh.bytes) {
        free(w);
        return CM_ERR_NOMEM;
    }
    r->sh.n_share = count_share(r);
    cm_draw_base_hash(r->plan.base, r->plan.base_hash);
    if (r->plan.print) {   /* the files' exact sizes, which the layout's pixels round */
        unsigned char mixed[CM_DRAW_HASH_BYTES + sizeof(run_print)];
        memcpy(mixed, r->plan.base_hash, CM_DRAW_HASH_BYTES);
        memcpy(mixed + CM_DRAW_HASH_BYTES, r->plan.print, sizeof(run_print));
        cm_sha256(mixed, sizeof(mixed), r->plan.base_hash);
    }
    cm_status st = n_workers > 1 ? start_workers(r, w, n_workers) : make_ground(r);
    if (st == CM_OK)
        st = layout_all(r, n_workers);
    if (st != CM_OK) {
        pthread_mutex_lock(&r->sh.lock);
        fail(r, st);
        pthread_mutex_unlock(&r->sh.lock);
    }
    if (n_workers > 1)
        join_workers(r, w, n_workers);
    free(w);
    for (size_t i = 0; i < n; i++)   /* what a stop left queued */
        if (r->sh.scenes[i]) {
            cm_scene_destroy(r->sh.scenes[i]);
            cm_scene_destroy(r->sh.phones[i]);
            r->sh.scenes[i] = NULL;
            r->sh.phones[i] = NULL;
        }
    return st != CM_OK ? st : r->sh.draw_st;
}
