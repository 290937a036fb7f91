/* The pipeline in one place: load (gazetteers, events, layers, style) ->
 * project -> slice -> lay out each slice -> draw it, then the manifest. Each
 * step is its module's; this file only orders them and owns what they make. */
#include "conflictmap/render.h"
#include "conflictmap/events.h"
#include "conflictmap/gazetteer.h"
#include "conflictmap/layer.h"
#include "conflictmap/projection.h"
#include "conflictmap/scene.h"
#include "conflictmap/style.h"
#include "geo/extent.h"
#include "output/animate.h"
#include "output/html.h"
#include "output/manifest.h"
#include "draw/format.h"
#include "draw/png.h"
#include "draw/sprite.h"

#include <dirent.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* What is loaded: the inputs, each checked by its loader. Filled by cm_render's
 * loading step; valid from there until finish(). */
typedef struct run_loaded {
    cm_gazetteer *gaz;
    cm_events *events;
    cm_layer **layers;
    size_t n_layers, cap_layers;
    cm_style *style;
} run_loaded;

/* What the slices are laid out on and listed in: made by prepare() and
 * write_all() before the first slice is laid out; valid until finish(). */
typedef struct run_plan {
    double bbox[4];            /* the extent the projection is fitted to */
    cm_projection *proj;
    cm_slices *slices;
    cm_scene_base *base;       /* what every slice shares: layers projected, places */
    cm_manifest *manifest;
    cm_html_page *page;        /* with --format html */
    char stem[512];            /* output names: <stem>-<YYYYMMDDTHHMMZ>.<ext> */
    cm_manifest_drawn *drawn;  /* what the folder's manifest says was drawn before */
    unsigned char base_hash[CM_DRAW_HASH_BYTES];
} run_plan;

/* What the layout and the workers share while slices are drawn: allocated by
 * draw_all(), per slice where an array; valid until finish(). Fields marked
 * "locked" are read and written with .lock held once workers run; the rest
 * are written by one side only (noted) before the other reads them. */
typedef struct run_shared {
    cm_draw_cache *cache;      /* the ground every slice's PNG starts from (first worker) */
    cm_scene **scenes;         /* locked: laid out and not yet let go of */
    unsigned char *refs;       /* locked: who still needs the scene: next layout, its drawing */
    unsigned char *written;    /* cm_format bits of the files this run put in place (worker) */
    unsigned char *todo;       /* cm_format bits of the files to draw, not kept (layout) */
    unsigned char *finished;   /* locked: drawn or kept: its manifest entry can be written */
    size_t flush_i, flush_k;   /* the next slice, and entry, for the manifest (layout) */
    char (*hashes)[CM_N_SLICE_FORMATS][2 * CM_DRAW_HASH_BYTES + 1];   /* cm_draw_hash (layout) */
    long long (*bytes)[CM_N_SLICE_FORMATS];   /* per format: the file's size (either) */
    size_t *queue, q_head, q_tail;   /* locked: slices laid out, waiting for a worker */
    pthread_mutex_t lock;
    pthread_cond_t wake;       /* the queue or stop changed */
    int laid_all, stop;        /* locked */
    int ground_made;           /* locked: with workers, the first has made the cache (or failed) */
    cm_status draw_st;         /* locked: the first failure while drawing */
    size_t n_share, n_done, n_drawn, n_kept;   /* locked, but n_share (set before) */
} run_shared;

/* One call of cm_render() or cm_validate(). */
typedef struct run {
    const cm_render_options *opt;
    cm_diag_list *diags;
    run_loaded in;
    run_plan plan;
    run_shared sh;
} run;

/* ---- loading --------------------------------------------------------------------------- */

static cm_status
load_gazetteers(run *r, const char *const *paths, size_t n)
{
    cm_status st = cm_gazetteer_create(&r->in.gaz), first = CM_OK;
    for (size_t i = 0; st == CM_OK && i < n; i++) {
        cm_status s = cm_gazetteer_add_file(r->in.gaz, paths[i], r->diags);
        if (s == CM_ERR_NOMEM)
            return s;
        if (first == CM_OK)
            first = s;
    }
    return st != CM_OK ? st : first;
}

static cm_status
add_layer(run *r, const char *path, const char *role)
{
    cm_layer *layer = NULL;
    if (r->in.n_layers == r->in.cap_layers) {
        size_t cap = r->in.cap_layers ? r->in.cap_layers * 2 : 8;
        cm_layer **l = realloc(r->in.layers, cap * sizeof(*l));
        if (!l)
            return CM_ERR_NOMEM;
        r->in.layers = l;
        r->in.cap_layers = cap;
    }
    cm_status st = cm_layer_load(&layer, path, role, r->diags);
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

/* Every shapefile in a folder, in name order so a run is reproducible. */
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
        if (!has_suffix(de->d_name, ".shp") && !has_suffix(de->d_name, ".geojson"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **p = realloc(names, cap * sizeof(*p));
            if (!p) {
                st = CM_ERR_NOMEM;
                break;
            }
            names = p;
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
        cm_diag_error(r->diags, &pos, "the folder has no shapefiles (.shp) or GeoJSON layers (.geojson)");
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

/* "--shapes PATH" or "--shapes ROLE=PATH", a file or a folder. */
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

static cm_status
load_all_shapes(run *r)
{
    cm_status first = CM_OK;
    for (size_t i = 0; i < r->opt->n_shapes; i++) {
        cm_status st = load_shapes(r, r->opt->shapes[i]);
        if (st == CM_ERR_NOMEM)
            return st;
        if (first == CM_OK)
            first = st;
    }
    return first;
}

/* ---- the extent ----------------------------------------------------------------------------- */

static cm_status
choose_extent(run *r)
{
    if (r->opt->bbox_deg) {
        memcpy(r->plan.bbox, r->opt->bbox_deg, sizeof(r->plan.bbox));
        return CM_OK;
    }
    if (cm_events_bbox(r->in.events, r->plan.bbox))
        return CM_OK;
    return cm_extent_fit_events(r->in.events, r->opt->width_px, r->opt->height_px, r->plan.bbox);
}

/* ---- preparing ------------------------------------------------------------------------------ */

static cm_status
check_lang(run *r, const char *lang)
{
    static const char *const langs[] = { "en", "az", "hy", "ru", "ar" };
    for (size_t i = 0; !lang || i < sizeof(langs) / sizeof(langs[0]); i++)
        if (!lang || strcmp(lang, langs[i]) == 0)
            return CM_OK;
    cm_diag_error(r->diags, NULL, "there is no language \"%s\" for place names; use en, az, "
                  "hy, ru or ar", lang);
    return CM_ERR_INPUT;
}

static cm_status
prepare(run *r)
{
    const cm_render_options *o = r->opt;
    const char *projection = o->projection ? o->projection : cm_events_projection(r->in.events);
    double rect[4];
    cm_status st = check_lang(r, o->lang);
    if (st == CM_OK)
        st = choose_extent(r);
    if (st == CM_OK)
        st = cm_style_load(&r->in.style, o->style, r->diags);
    if (st != CM_OK)
        return st;
    cm_scene_map_rect(r->in.style, o->width_px, o->height_px, rect);
    st = cm_projection_create(&r->plan.proj, projection, r->plan.bbox, rect, r->diags);
    if (st == CM_OK)
        st = cm_slices_make(&r->plan.slices, r->in.events, &o->slicing, r->diags);
    if (st == CM_OK)
        st = cm_scene_base_create(&r->plan.base, r->in.layers, r->in.n_layers, r->plan.proj, r->in.style, r->in.gaz,
                                  r->in.events, r->plan.bbox, o->width_px, o->height_px);
    if (st == CM_OK)
        cm_scene_base_set_lang(r->plan.base, o->lang);
    if (st == CM_OK && (o->formats & CM_FORMAT_HTML))
        st = cm_html_page_create(&r->plan.page, r->in.events, r->in.style, o->width_px, o->height_px,
                                 o->scale, o->scale < 2 ? 2 : o->scale);
    if (st == CM_OK)
        st = cm_manifest_create(&r->plan.manifest, r->in.events, o->width_px, o->height_px, o->scale,
                                cm_projection_definition(r->plan.proj), r->plan.bbox);
    return st;
}

/* mkdir -p: the output folder and any parent that is missing. */
static cm_status
make_dir(const char *dir, cm_diag_list *diags)
{
    char *path = strdup(dir);
    cm_status st = CM_OK;
    if (!path)
        return CM_ERR_NOMEM;
    for (char *p = path + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            cm_pos pos = { dir, 0, 0 };
            cm_diag_error(diags, &pos, "cannot create the output folder \"%s\": %s", path,
                          strerror(errno));
            st = CM_ERR_IO;
            break;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    free(path);
    return st;
}

/* ---- writing ----------------------------------------------------------------------------- */

static const char *
stem_of(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(buf, size, "%s", base);
    char *dot = strrchr(buf, '.');
    if (dot && dot != buf)
        *dot = '\0';
    return buf;
}

/* The formats drawn per slice are the first CM_N_SLICE_FORMATS of the table
 * (src/draw/format.h), in the order their files are listed. */
static cm_format
slice_format(size_t f)
{
    return cm_formats[f].format;
}

/* The formats asked for, with those they need: the page shows the PNGs. */
static unsigned
formats_of(const run *r)
{
    return cm_formats_needed(r->opt->formats);
}

/* The base name of slice @i's file in @format: only the events file's name
 * and the slice's time go into it, never anything from the file's text. */
static void
slice_file_name(const run *r, size_t i, cm_format format, char *buf, size_t size)
{
    char stamp[CM_TIME_BUF];
    cm_time_format_stamp(cm_slice_time(cm_slices_get(r->plan.slices, i)), stamp);
    snprintf(buf, size, "%s-%s.%s", r->plan.stem, stamp, cm_format_extension(format));
}

static void
slice_file_path(const run *r, size_t i, cm_format format, char *buf, size_t size)
{
    char name[1024];
    slice_file_name(r, i, format, name, sizeof(name));
    snprintf(buf, size, "%s/%s", r->opt->out_dir, name);
}

/* The page's images for high-density screens, drawn at scale 2 unless the
 * slices' own PNGs already are: <stem>-<YYYYMMDDTHHMMZ>@2x.png. */
enum { WROTE_PNG_2X = 1 << 7 };   /* in run.written, beside the cm_format bits */

static int
has_png_2x(const run *r)
{
    return (r->opt->formats & CM_FORMAT_HTML) && r->opt->scale < 2;
}

static void
png_2x_name(const run *r, size_t i, char *buf, size_t size)
{
    char stamp[CM_TIME_BUF];
    cm_time_format_stamp(cm_slice_time(cm_slices_get(r->plan.slices, i)), stamp);
    snprintf(buf, size, "%s-%s@2x.png", r->plan.stem, stamp);
}

static void
png_2x_path(const run *r, size_t i, char *buf, size_t size)
{
    char name[1024];
    png_2x_name(r, i, name, sizeof(name));
    snprintf(buf, size, "%s/%s", r->opt->out_dir, name);
}

/* Whether slice @i is this run's to draw: all of them, or with --shard K/N
 * every N-th, starting from the K-th (round robin, so that each shard gets
 * early and late slices alike, and the same share of the busy ones). */
static int
in_share(const run *r, size_t i)
{
    return r->opt->shard_n <= 1 || i % (size_t)r->opt->shard_n == (size_t)r->opt->shard_k - 1;
}

/* Draws slice @i in every per-slice format the options ask for, noting each
 * file it puts in place so that a failure later can take it back. */
static cm_status
draw_slice(run *r, size_t i, cm_diag_list *diags)
{
    char path[4096];
    cm_status st = CM_OK;
    for (size_t f = 0; st == CM_OK && f < CM_N_SLICE_FORMATS; f++) {
        struct stat sb;
        if (!(r->sh.todo[i] & slice_format(f)))
            continue;
        slice_file_path(r, i, slice_format(f), path, sizeof(path));
        st = cm_draw_cached(r->sh.scenes[i], r->sh.cache, slice_format(f), r->opt->scale,
                            r->opt->png_colors, path, diags);
        if (st == CM_OK)
            r->sh.written[i] |= (unsigned char)slice_format(f);
        if (st == CM_OK)
            r->sh.bytes[i][f] = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
    }
    if (st == CM_OK && has_png_2x(r)) {
        png_2x_path(r, i, path, sizeof(path));
        st = cm_draw(r->sh.scenes[i], CM_FORMAT_PNG, 2, r->opt->png_colors, path, diags);
        if (st == CM_OK)
            r->sh.written[i] |= WROTE_PNG_2X;
    }
    return st;
}

/* An incremental run: a file stays when the folder's manifest says it was
 * drawn from the same hash, and it is still there with the size it had. */
static void
choose_files(run *r, size_t i)
{
    char name[1024], path[4096];
    struct stat sb;
    r->sh.todo[i] = 0;
    if (has_png_2x(r)) {   /* not recorded itself: drawn with its slice, or when missing */
        png_2x_path(r, i, path, sizeof(path));
        if (stat(path, &sb) != 0)
            r->sh.todo[i] |= WROTE_PNG_2X;
    }
    for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++) {
        if (!(formats_of(r) & slice_format(f)))
            continue;
        cm_draw_hash(r->sh.scenes[i], r->plan.base_hash, slice_format(f), r->opt->scale,
                     r->opt->png_colors, r->sh.hashes[i][f]);
        slice_file_name(r, i, slice_format(f), name, sizeof(name));
        snprintf(path, sizeof(path), "%s/%s", r->opt->out_dir, name);
        long long bytes = cm_manifest_drawn_find(r->plan.drawn, name, r->sh.hashes[i][f]);
        if (bytes >= 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == bytes)
            r->sh.bytes[i][f] = bytes;
        else
            r->sh.todo[i] |= (unsigned char)slice_format(f);
    }
}

/* The sizes and hashes of slice @i's files, on its manifest entry @k. */
static cm_status
note_drawn(run *r, size_t i, size_t k)
{
    const char *exts[CM_N_SLICE_FORMATS], *hashes[CM_N_SLICE_FORMATS];
    long long bytes[CM_N_SLICE_FORMATS];
    size_t n = 0;
    for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++) {
        if (!(formats_of(r) & slice_format(f)))
            continue;
        exts[n] = cm_formats[f].extension;
        hashes[n] = r->sh.hashes[i][f];
        bytes[n++] = r->sh.bytes[i][f];
    }
    return cm_manifest_set_drawn(r->plan.manifest, k, exts, hashes, bytes, n);
}

/* The manifest's entry for slice @i: the files draw_slice writes for it. */
static cm_status
add_to_manifest(run *r, size_t i)
{
    char names[CM_N_SLICE_FORMATS][1024];
    const char *exts[CM_N_SLICE_FORMATS], *name_ptrs[CM_N_SLICE_FORMATS];
    size_t n_files = 0;
    for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++) {
        if (!(formats_of(r) & slice_format(f)))
            continue;
        slice_file_name(r, i, slice_format(f), names[n_files], sizeof(names[n_files]));
        exts[n_files] = cm_formats[f].extension;
        name_ptrs[n_files] = names[n_files];
        n_files++;
    }
    return cm_manifest_add_slice(r->plan.manifest, cm_slices_get(r->plan.slices, i), r->sh.scenes[i], exts,
                                 name_ptrs, n_files);
}

/* The page's entry for slice @i, taken while its scene is laid out. */
static cm_status
add_to_page(run *r, size_t i)
{
    char png[1024], png_2x[1024];
    slice_file_name(r, i, CM_FORMAT_PNG, png, sizeof(png));
    png_2x_name(r, i, png_2x, sizeof(png_2x));
    return cm_html_page_add_slice(r->plan.page, r->sh.scenes[i], png, has_png_2x(r) ? png_2x : NULL);
}

/* manifest.json, or with --shard K/N its share, manifest.K-of-N.json, which
 * cm_render_merge_manifests() joins into the manifest.json of a single run. */
static void
manifest_path(const run *r, char *buf, size_t size)
{
    if (r->opt->shard_n > 1)
        snprintf(buf, size, "%s/manifest.%d-of-%d.json", r->opt->out_dir, r->opt->shard_k,
                 r->opt->shard_n);
    else
        snprintf(buf, size, "%s/manifest.json", r->opt->out_dir);
}

/* ---- drawing in parallel ------------------------------------------------------------------ */

/* The main thread lays slices out in time order and queues those of this run's
 * share; workers draw them in any order. A scene is freed by whoever lets go
 * of it last: the layout of the next slice (which reads it) or its drawing. */
static void
release_scene(run *r, size_t i)
{
    cm_scene *sc = NULL;
    pthread_mutex_lock(&r->sh.lock);
    if (--r->sh.refs[i] == 0) {
        sc = r->sh.scenes[i];
        r->sh.scenes[i] = NULL;
    }
    pthread_mutex_unlock(&r->sh.lock);
    cm_scene_destroy(sc);
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
        cm_status st = draw_slice(r, i, diags);
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
    return r->opt->formats & CM_FORMAT_PNG
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
static cm_status
flush_manifest(run *r)
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
            st = note_drawn(r, i, r->sh.flush_k++);
            if (st == CM_OK)
                st = cm_manifest_flush(r->plan.manifest, r->sh.flush_k);
        }
        r->sh.flush_i++;
    }
    return st;
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
        laid = i + 1;
        if (st == CM_OK && in_share(r, i)) {
            choose_files(r, i);
            st = add_to_manifest(r, i);
        }
        if (st == CM_OK && r->plan.page && in_share(r, i))
            st = add_to_page(r, i);
        if (st == CM_OK)
            queue_slice(r, i, n_workers);
        if (i)
            release_scene(r, i - 1);
        if (st == CM_OK && n_workers <= 1)
            draw_queued(r, r->diags, 0);
        if (st == CM_OK)
            st = flush_manifest(r);
    }
    if (laid)
        release_scene(r, laid - 1);
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
static cm_status
draw_all(run *r)
{
    size_t n = cm_slices_count(r->plan.slices), n_workers = worker_count(r);
    worker *w = calloc(n_workers, sizeof(*w));
    r->sh.scenes = calloc(n ? n : 1, sizeof(*r->sh.scenes));
    r->sh.refs = calloc(n ? n : 1, 1);
    r->sh.written = calloc(n ? n : 1, 1);
    r->sh.queue = calloc(n ? n : 1, sizeof(*r->sh.queue));
    r->sh.todo = calloc(n ? n : 1, 1);
    r->sh.finished = calloc(n ? n : 1, 1);
    r->sh.hashes = calloc(n ? n : 1, sizeof(*r->sh.hashes));
    r->sh.bytes = calloc(n ? n : 1, sizeof(*r->sh.bytes));
    if (!w || !r->sh.scenes || !r->sh.refs || !r->sh.written || !r->sh.queue || !r->sh.todo || !r->sh.finished || !r->sh.hashes ||
        !r->sh.bytes) {
        free(w);
        return CM_ERR_NOMEM;
    }
    r->sh.n_share = count_share(r);
    cm_draw_base_hash(r->plan.base, r->plan.base_hash);
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
            r->sh.scenes[i] = NULL;
        }
    return st != CM_OK ? st : r->sh.draw_st;
}

/* All or nothing: takes back every file this run put in place. */
static void
roll_back(run *r)
{
    char path[4096];
    for (size_t i = 0; r->sh.written && i < cm_slices_count(r->plan.slices); i++)
        for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++)
            if (r->sh.written[i] & slice_format(f)) {
                slice_file_path(r, i, slice_format(f), path, sizeof(path));
                unlink(path);
            }
    for (size_t i = 0; r->sh.written && i < cm_slices_count(r->plan.slices); i++)
        if (r->sh.written[i] & WROTE_PNG_2X) {
            png_2x_path(r, i, path, sizeof(path));
            unlink(path);
        }
}

/* DIR/index.html and DIR/embed.html; on a failure neither is left. */
static cm_status
write_html(run *r)
{
    char page[4096], embed[4096];
    snprintf(page, sizeof(page), "%s/index.html", r->opt->out_dir);
    snprintf(embed, sizeof(embed), "%s/embed.html", r->opt->out_dir);
    cm_status st = cm_html_page_write(r->plan.page, page, r->diags);
    if (st == CM_OK && (st = cm_html_write_embed(r->plan.page, embed, "index.html", r->diags)))
        unlink(page);
    return st;
}

static void
unlink_html(run *r)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/index.html", r->opt->out_dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/embed.html", r->opt->out_dir);
    unlink(path);
}

/* Bytes of this run's maps in the folder (drawn now or kept from before), and
 * with the manifest, for the report. */
static void
count_bytes(const run *r, cm_render_result *result)
{
    char path[4096];
    struct stat sb;
    result->n_bytes = result->n_slice_bytes = 0;
    for (size_t i = 0; i < cm_slices_count(r->plan.slices); i++)
        for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++)
            if (in_share(r, i) && (formats_of(r) & slice_format(f))) {
                slice_file_path(r, i, slice_format(f), path, sizeof(path));
                result->n_slice_bytes += stat(path, &sb) == 0 ? (size_t)sb.st_size : 0;
            }
    manifest_path(r, path, sizeof(path));
    result->n_bytes = result->n_slice_bytes + (stat(path, &sb) == 0 ? (size_t)sb.st_size : 0);
}

/* What the folder's manifest (a share's own, else the whole run's) says was
 * drawn there before. */
static cm_status
load_drawn(run *r, const char *path)
{
    char whole[4096];
    struct stat sb;
    snprintf(whole, sizeof(whole), "%s/manifest.json", r->opt->out_dir);
    return cm_manifest_drawn_load(&r->plan.drawn, stat(path, &sb) == 0 ? path : whole);
}

/* Lay out every slice and draw each, then write what covers the whole timeline. */
/* The animations, one file each for the whole timeline, after the slices:
 * DIR/<stem>.gif, DIR/<stem>.mp4 (paths into @done, for rollback). */
static cm_status
animate_all(run *r, char done[CM_N_TIMELINE_FORMATS][4096], size_t *n_done, cm_render_result *result)
{
    cm_status st = CM_OK;
    for (size_t f = 0; st == CM_OK && f < CM_N_FORMATS; f++) {
        const cm_format_info *fmt = &cm_formats[f];
        size_t frames = 0, skipped = 0;
        if (fmt->made != CM_MADE_TIMELINE || !(r->opt->formats & fmt->format))
            continue;
        snprintf(done[*n_done], 4096, "%s/%s.%s", r->opt->out_dir, r->plan.stem, fmt->extension);
        st = cm_animate(r->plan.base, r->plan.slices, r->opt->scale,
                        r->opt->hold_s > 0 ? r->opt->hold_s : 1.5, fmt->format,
                        done[*n_done], &frames, &skipped, r->diags);
        if (st == CM_OK)
            (*n_done)++;
        if (result) {
            result->n_frames = frames;
            result->n_identical = skipped;
        }
    }
    return st;
}

static cm_status
write_all(run *r, cm_render_result *result)
{
    char path[4096], animations[CM_N_TIMELINE_FORMATS][4096];
    size_t n_animations = 0;
    cm_status st = cm_animate_check(r->opt->formats, r->diags);
    if (st == CM_OK)
        st = make_dir(r->opt->out_dir, r->diags);
    stem_of(cm_events_path(r->in.events), r->plan.stem, sizeof(r->plan.stem));
    manifest_path(r, path, sizeof(path));
    if (st == CM_OK)
        st = load_drawn(r, path);
    if (st == CM_OK)
        st = cm_manifest_begin(r->plan.manifest, path, r->diags);
    if (st == CM_OK)
        st = draw_all(r);
    if (st == CM_OK && r->opt->shard_n <= 1)
        st = animate_all(r, animations, &n_animations, result);
    if (st == CM_OK)
        st = flush_manifest(r);
    if (st == CM_OK && r->plan.page)
        st = write_html(r);
    if (st == CM_OK && (st = cm_manifest_end(r->plan.manifest, r->diags)) && r->plan.page)
        unlink_html(r);
    if (st != CM_OK) {
        roll_back(r);
        for (size_t i = 0; i < n_animations; i++)
            unlink(animations[i]);
        return st;
    }
    if (result) {
        size_t n_formats = 0;
        for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++)
            n_formats += (formats_of(r) & slice_format(f)) != 0;
        n_formats += (size_t)has_png_2x(r);
        result->n_slices = r->sh.n_share;
        result->n_files = r->sh.n_share * n_formats + 1 + (r->plan.page ? 2 : 0) + n_animations;
        result->n_drawn = r->sh.n_drawn;
        count_bytes(r, result);
        result->n_kept = r->sh.n_kept;
    }
    return CM_OK;
}

static void
finish(run *r)
{
    /* this thread's encoding buffers, sprites and canvas: a run leaves nothing behind */
    cm_png_release();
    cm_sprite_release();
    cm_manifest_destroy(r->plan.manifest);
    cm_html_page_destroy(r->plan.page);
    free(r->sh.scenes);
    free(r->sh.refs);
    free(r->sh.written);
    free(r->sh.queue);
    free(r->sh.todo);
    free(r->sh.finished);
    free(r->sh.hashes);
    free(r->sh.bytes);
    cm_manifest_drawn_destroy(r->plan.drawn);
    cm_draw_cache_destroy(r->sh.cache);
    cm_scene_base_destroy(r->plan.base);
    cm_slices_destroy(r->plan.slices);
    cm_projection_destroy(r->plan.proj);
    cm_style_destroy(r->in.style);
    for (size_t i = 0; i < r->in.n_layers; i++)
        cm_layer_destroy(r->in.layers[i]);
    free(r->in.layers);
    cm_events_destroy(r->in.events);
    cm_gazetteer_destroy(r->in.gaz);
    pthread_mutex_destroy(&r->sh.lock);
    pthread_cond_destroy(&r->sh.wake);
}

/* Every input is loaded and checked before anything is written, and all of
 * their problems are reported together, not just the first. */
cm_status
cm_render(const cm_render_options *opt, cm_diag_list *diags, cm_render_result *result)
{
    run r = { 0 };
    r.opt = opt;
    r.diags = diags;
    if (cm_render_check_options(opt, diags) != CM_OK)
        return CM_ERR_INPUT;
    pthread_mutex_init(&r.sh.lock, NULL);
    pthread_cond_init(&r.sh.wake, NULL);
    cm_status st = load_gazetteers(&r, opt->gazetteers, opt->n_gazetteers);
    if (st != CM_ERR_NOMEM) {
        cm_status s = r.in.gaz ? cm_events_load(&r.in.events, opt->events_path, r.in.gaz, diags)
                            : CM_ERR_NOMEM;
        st = st != CM_OK ? st : s;
    }
    if (st != CM_ERR_NOMEM) {
        cm_status s = load_all_shapes(&r);
        st = st != CM_OK ? st : s;
    }
    if (st == CM_OK)
        st = prepare(&r);
    if (st == CM_OK)
        st = write_all(&r, result);
    finish(&r);
    return st;
}

cm_status
cm_render_merge_manifests(const char *out_dir, size_t *n_slices, cm_diag_list *diags)
{
    return cm_manifest_merge(out_dir, n_slices, diags);
}

cm_status
cm_validate(const char *events_path, const char *const *gazetteers, size_t n_gazetteers,
            cm_diag_list *diags)
{
    run r = { 0 };
    r.diags = diags;
    pthread_mutex_init(&r.sh.lock, NULL);
    pthread_cond_init(&r.sh.wake, NULL);
    cm_status st = load_gazetteers(&r, gazetteers, n_gazetteers);
    if (st != CM_ERR_NOMEM && r.in.gaz) {
        cm_status s = cm_events_load(&r.in.events, events_path, r.in.gaz, diags);
        st = st != CM_OK ? st : s;
    }
    finish(&r);
    return st;
}
