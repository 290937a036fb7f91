/* The pipeline in one place: load (gazetteers, events, layers, style) ->
 * project -> slice -> lay out each slice -> draw it, then the manifest. Each
 * step is its module's; this file only orders them and owns what they make. */
#include "render/run.h"
#include "load/areas.h"
#include "geo/extent.h"
#include "layout/scene.h"
#include "load/control.h"
#include "output/animate.h"
#include "draw/png.h"
#include "draw/sprite.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the extent ----------------------------------------------------------------------------- */

static cm_status
choose_extent(run *r, const char *projection)
{
    if (r->opt->bbox_deg) {
        memcpy(r->plan.bbox, r->opt->bbox_deg, sizeof(r->plan.bbox));
        return CM_OK;
    }
    if (cm_events_bbox(r->in.events, r->plan.bbox))
        return CM_OK;
    return cm_extent_fit_events(r->in.events, projection, r->opt->width_px, r->opt->height_px,
                                r->plan.bbox);
}

/* The places that may name the map's surroundings (layout/base.c picks the
 * context towns among them): the best ranked places of the world gazetteer in
 * the extent and a quarter of its span around it, read once for the run. A
 * gazetteer without the world database adds nothing. */
static cm_status
add_context_places(run *r)
{
    const double *b = r->plan.bbox;
    double east = b[2] < b[0] ? b[2] + 360 : b[2];
    double dlon = (east - b[0]) / 4, dlat = (b[3] - b[1]) / 4;
    double box[4] = { b[0] - dlon, fmax(-90, b[1] - dlat), east + dlon, fmin(90, b[3] + dlat) };
    if (box[2] - box[0] >= 360) {
        box[0] = -180;
        box[2] = 180;
    }
    if (box[0] < -180)
        box[0] += 360;
    if (box[2] > 180)
        box[2] -= 360;
    return cm_gazetteer_add_extent(r->in.gaz, box, 300);
}

/* With opt->strict, the warnings so far are errors: CM_ERR_INPUT and one
 * error more saying so (@then ends it), else CM_OK. */
static cm_status
refuse_warnings(run *r, const char *then)
{
    size_t n = cm_diag_count(r->diags) - cm_diag_error_count(r->diags);
    if (!r->opt->strict || n == 0)
        return CM_OK;
    cm_diag_error(r->diags, NULL, "%zu warning%s above, which --strict makes errors%s", n,
                  n == 1 ? "" : "s", then);
    return CM_ERR_INPUT;
}

/* ---- preparing ------------------------------------------------------------------------------ */

/* Where the projection was named: the events file's map.projection, or
 * nowhere (--projection, or "auto" by default). */
static const cm_pos *
projection_pos(const run *r, cm_pos *buf)
{
    *buf = cm_events_projection_pos(r->in.events);
    return r->opt->projection || buf->line == 0 ? NULL : buf;
}

/* --lang, else the events file's "lang", else English. */
static const char *
render_lang(const run *r)
{
    if (r->opt->lang)
        return r->opt->lang;
    return cm_events_lang(r->in.events) ? cm_events_lang(r->in.events) : "en";
}

/* The projection and the base of a @w x @h page. A portrait page's map
 * leaves a band below it for the "New at" box and the legend as large as
 * the timeline needs them: measured first on a base with no layers (cheap:
 * only the words are measured), then the map is fitted to what is left; made
 * once more when the layers drawn bring the legend more rows (the disputed
 * lines, on a page 900 px wide or more). */
static cm_status
make_base(run *r, const char *projection, int w, int h, cm_projection **proj,
          cm_scene_base **base)
{
    double rect[4];
    cm_pos where;
    size_t box_lines = 0, legend_rows = 0, lines_needed = 0, rows_needed = 0;
    cm_scene_base *measure = NULL;
    int portrait = h > w * 1.1;
    cm_scene_map_rect(r->in.style, w, h, rect);
    cm_status st = cm_projection_create(proj, projection, projection_pos(r, &where),
                                        r->plan.bbox, rect, r->diags);
    if (st == CM_OK && portrait)
        st = cm_scene_base_create(&measure, NULL, 0, *proj, r->in.style, r->in.gaz,
                                  r->in.events, r->plan.bbox, w, h);
    if (st == CM_OK && measure) {
        st = layout_base_set_lang(measure, render_lang(r), r->in.data_dir, r->diags);
        measure->control = r->in.control;
        if (st == CM_OK)
            st = layout_band_measure(measure, r->plan.slices, &lines_needed, &rows_needed);
    }
    cm_scene_base_destroy(measure);
    for (int again = 0; st == CM_OK; again++) {
        if (portrait) {
            box_lines = lines_needed > box_lines ? lines_needed : box_lines;
            legend_rows = rows_needed > legend_rows ? rows_needed : legend_rows;
            layout_map_rect(r->in.style, w, h, box_lines, legend_rows, rect);
            cm_projection_destroy(*proj);
            *proj = NULL;
            st = cm_projection_create(proj, projection, projection_pos(r, &where), r->plan.bbox,
                                      rect, r->diags);
        }
        if (st == CM_OK)
            st = cm_scene_base_create(base, r->in.layers, r->in.n_layers, *proj, r->in.style,
                                      r->in.gaz, r->in.events, r->plan.bbox, w, h);
        if (st == CM_OK)
            st = layout_base_set_lang(*base, render_lang(r), r->in.data_dir, r->diags);
        if (st != CM_OK || !portrait) {
            if (st == CM_OK)
                (*base)->control = r->in.control;
            break;
        }
        (*base)->control = r->in.control;
        (*base)->band_lines = box_lines;
        (*base)->band_rows = legend_rows;
        /* the band as this base's legend needs it (and its widest "since") */
        st = layout_band_measure(*base, r->plan.slices, &lines_needed, &rows_needed);
        if (st != CM_OK || again || (lines_needed <= box_lines && rows_needed <= legend_rows))
            break;
        cm_scene_base_destroy(*base);
        *base = NULL;
    }
    return st;
}

static cm_status
prepare(run *r)
{
    const cm_render_options *o = r->opt;
    const char *projection = o->projection ? o->projection : cm_events_projection(r->in.events);
    cm_status st = cm_style_load(&r->in.style, o->style, r->diags);
    if (st != CM_OK)
        return st;
    /* the slices first: a portrait page's band holds their largest legend */
    st = cm_slices_make(&r->plan.slices, r->in.events, &o->slicing, r->diags);
    if (st == CM_OK)
        st = make_base(r, projection, o->width_px, o->height_px, &r->plan.proj, &r->plan.base);
    /* the page's phone layout: the map fitted again, to a portrait page of its
     * own, over a base of its own; the slices and everything loaded are shared */
    if (st == CM_OK && has_phone(r))
        st = make_base(r, projection, RUN_PHONE_W, RUN_PHONE_H, &r->plan.phone_proj,
                       &r->plan.phone_base);
    if (st == CM_OK && (o->formats & CM_FORMAT_HTML))
        st = cm_html_page_create(&r->plan.page, r->in.events, r->in.style, o->width_px, o->height_px,
                                 o->scale, o->scale < 2 ? 2 : o->scale);
    if (st == CM_OK && r->plan.page)
        st = cm_html_page_set_lang(r->plan.page, r->plan.base);
    if (st == CM_OK)
        st = cm_manifest_create(&r->plan.manifest, r->in.events, o->width_px, o->height_px, o->scale,
                                cm_projection_definition(r->plan.proj), r->plan.bbox);
    return st;
}

/* ---- writing ----------------------------------------------------------------------------- */

/* The animations, one file each for the whole timeline, after the slices:
 * <stem>.gif, <stem>.mp4 in the staging folder. */
static cm_status
animate_all(run *r, size_t *n_done, cm_render_result *result)
{
    char path[4096];
    cm_status st = CM_OK;
    for (size_t f = 0; st == CM_OK && f < CM_N_FORMATS; f++) {
        const cm_format_info *fmt = &cm_formats[f];
        size_t frames = 0, skipped = 0;
        if (fmt->made != CM_MADE_TIMELINE || !(r->opt->formats & fmt->format))
            continue;
        snprintf(path, sizeof(path), "%s/%s.%s", r->plan.dir, r->plan.stem, fmt->extension);
        st = cm_animate(r->plan.base, r->plan.slices, r->opt->scale,
                        r->opt->hold_s > 0 ? r->opt->hold_s : 1.5, fmt->format, path, &frames,
                        &skipped, r->diags);
        if (st == CM_OK)
            (*n_done)++;
        if (result) {
            result->n_frames = frames;
            result->n_identical = skipped;
        }
    }
    return st;
}

/* Publishes what the run staged as the folder's new set: the page, which
 * names the set, is written once its id is known. A --shard run adds its
 * share to the shares already published. */
static cm_status
publish(run *r)
{
    static const char *const page_files[] = { "index.html", "embed.html", NULL };
    char id[13];
    if (r->opt->shard_n > 1)
        return cm_publish_commit(r->plan.pub, NULL, 1, NULL, r->diags);
    cm_status st = cm_publish_id(r->plan.pub, r->plan.page ? page_files : NULL, id, r->diags);
    if (st == CM_OK && r->plan.page)
        st = run_write_html(r, id);
    return st == CM_OK ? cm_publish_commit(r->plan.pub, id, 0, NULL, r->diags) : st;
}

/* Lays out every slice and draws each into the staging folder, then what
 * covers the whole timeline, then publishes it all at once. On a failure
 * nothing is published: cm_publish_close() (in finish) removes the staging. */
static cm_status
write_all(run *r, cm_render_result *result)
{
    char path[4096];
    size_t n_animations = 0;
    cm_status st = cm_animate_check(r->opt->formats, r->diags);
    if (st == CM_OK)
        st = cm_publish_open(&r->plan.pub, r->opt->out_dir,
                             r->opt->shard_n > 1 ? CM_PUBLISH_SHARE : CM_PUBLISH_ALONE, r->diags);
    if (st != CM_OK)
        return st;
    r->plan.dir = cm_publish_staging(r->plan.pub);
    run_stem_of(cm_events_path(r->in.events), r->plan.stem, sizeof(r->plan.stem));
    run_manifest_path(r, path, sizeof(path));
    st = run_load_drawn(r);
    if (st == CM_OK)
        st = cm_manifest_begin(r->plan.manifest, path, r->diags);
    if (st == CM_OK)
        st = run_draw_all(r);
    if (st == CM_OK && r->opt->shard_n <= 1)
        st = animate_all(r, &n_animations, result);
    if (st == CM_OK)
        st = run_flush_manifest(r);
    if (st == CM_OK)
        st = cm_manifest_end(r->plan.manifest, r->diags);
    if (st == CM_OK && result)
        run_count_bytes(r, result);
    if (st == CM_OK)   /* what the layout found (workers.c's warn_overlap()) */
        st = refuse_warnings(r, ": nothing was written");
    if (st == CM_OK)
        st = publish(r);
    if (st != CM_OK)
        return st;
    if (result) {
        size_t n_formats = 0;
        for (size_t f = 0; f < CM_N_SLICE_FORMATS; f++)
            n_formats += (formats_of(r) & slice_format(f)) != 0;
        n_formats += (size_t)has_png_2x(r) + (size_t)has_phone(r);
        result->n_slices = r->sh.n_share;
        result->n_files = r->sh.n_share * n_formats + 1 + (r->plan.page ? 2 : 0) + n_animations;
        result->n_drawn = r->sh.n_drawn;
        result->n_kept = r->sh.n_kept;
    }
    return CM_OK;
}

static void
finish(run *r)
{
    /* this thread's encoding buffers (unless kept for the next run), sprites
     * and canvas: a run leaves nothing behind */
    if (!r->opt->keep_buffers)
        cm_png_release();
    cm_sprite_release();
    cm_manifest_destroy(r->plan.manifest);
    cm_html_page_destroy(r->plan.page);
    free(r->sh.scenes);
    free(r->sh.phones);
    free(r->sh.refs);
    free(r->sh.queue);
    free(r->sh.todo);
    free(r->sh.finished);
    free(r->sh.hashes);
    free(r->sh.bytes);
    cm_manifest_drawn_destroy(r->plan.drawn);
    cm_publish_close(r->plan.pub);
    cm_draw_cache_destroy(r->sh.cache);
    cm_scene_base_destroy(r->plan.base);
    cm_scene_base_destroy(r->plan.phone_base);
    cm_projection_destroy(r->plan.phone_proj);
    cm_control_destroy(r->in.control);
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

/* validate: the file's map.projection is one PROJ knows, as render will
 * find, on the extent render would draw at its default size. */
static cm_status
check_projection(run *r)
{
    static const cm_render_options defaults = { .width_px = 1600, .height_px = 1200 };
    static const double rect[4] = { 0, 0, 1600, 1200 };
    cm_projection *proj = NULL;
    cm_pos where;
    const cm_render_options *given = r->opt;
    r->opt = &defaults;
    cm_status st = choose_extent(r, cm_events_projection(r->in.events));
    if (st == CM_OK)
        st = cm_projection_create(&proj, cm_events_projection(r->in.events),
                                  projection_pos(r, &where), r->plan.bbox, rect, r->diags);
    cm_projection_destroy(proj);
    r->opt = given;
    return st;
}

/* Every input is loaded and checked before anything is written, and all of
 * their problems are reported together, not just the first. */
cm_status
cm_render(const cm_render_options *opt, cm_diag_list *diags, cm_render_result *result)
{
    run r = { 0 };
    cm_render_options laid;   /* with a print size, its pixels and scale */
    run_print print;
    if (cm_render_check_options(opt, diags) != CM_OK)
        return CM_ERR_INPUT;
    if (run_print_options(opt, &laid, &print))
        r.plan.print = &print;
    opt = &laid;
    r.opt = opt;
    r.diags = diags;
    pthread_mutex_init(&r.sh.lock, NULL);
    pthread_cond_init(&r.sh.wake, NULL);
    /* Made first thing: making a thread's Pango font map starts fontconfig
     * reading its configuration and font caches in a thread of Pango's (some
     * 25 M instructions), which then runs while the events and layers load,
     * not in front of the first label measured (layout/base.c asks this
     * thread's map again). */
    (void)pango_cairo_font_map_get_default();
    /* without the shipped gazetteer, every place would be reported unknown */
    cm_status st = run_find_data(&r);
    if (st == CM_OK)
        st = run_load_gazetteers(&r);
    if (st != CM_ERR_NOMEM && r.in.gaz) {
        cm_events_options eo = { opt->bbox_deg, opt->timezone, opt->date_order, opt->settings };
        cm_status s = cm_events_load_with(&r.in.events, opt->events_path, r.in.gaz, &eo,
                                          diags);
        st = st != CM_OK ? st : s;
    }
    /* Events given only by lon/lat are named after the places near them,
     * once for the run: the labels, the alt text and the manifest say it. */
    if (st == CM_OK)
        st = cm_events_name_points(r.in.events, r.in.gaz);
    /* the extent first, so that the layers are read only near it */
    if (st == CM_OK)
        st = choose_extent(&r, opt->projection ? opt->projection
                                               : cm_events_projection(r.in.events));
    if (st != CM_ERR_NOMEM) {
        cm_status s = run_load_all_shapes(&r, st == CM_OK ? r.plan.bbox : NULL);
        st = st != CM_OK ? st : s;
    }
    /* an area no region is named, a misspelt district, would be missing */
    if (st == CM_OK)
        st = cm_events_check_areas(r.in.events, r.in.layers, r.in.n_layers, diags);
    if (st == CM_OK)
        st = add_context_places(&r);
    if (st != CM_ERR_NOMEM && r.in.events) {
        cm_status s = run_load_control(&r);
        st = st != CM_OK ? st : s;
    }
    if (st == CM_OK)
        st = refuse_warnings(&r, ": nothing was written");
    if (st == CM_OK)
        st = prepare(&r);
    if (st == CM_OK)
        st = write_all(&r, result);
    finish(&r);
    return st;
}

/* The shares' manifests are read where every share published them, the
 * merged one is staged and published with the shares' files, without the
 * shares' manifests: manifest.json now says it all. */
cm_status
cm_render_merge_manifests(const char *out_dir, size_t *n_slices, cm_diag_list *diags)
{
    cm_publish *pub = NULL;
    int n = 0;
    cm_status st = cm_publish_open(&pub, out_dir, CM_PUBLISH_ALONE, diags);
    if (st == CM_OK)
        st = cm_manifest_merge(out_dir, cm_publish_staging(pub), &n, n_slices, diags);
    char (*names)[48] = st == CM_OK ? calloc((size_t)n, sizeof(*names)) : NULL;
    const char **drop = names ? calloc((size_t)n + 1, sizeof(*drop)) : NULL;
    if (st == CM_OK && !drop)
        st = CM_ERR_NOMEM;
    for (int k = 0; st == CM_OK && k < n; k++) {
        snprintf(names[k], sizeof(names[k]), "manifest.%d-of-%d.json", k + 1, n);
        drop[k] = names[k];
    }
    if (st == CM_OK)
        st = cm_publish_commit(pub, NULL, 1, drop, diags);
    free(drop);
    free(names);
    cm_publish_close(pub);
    return st;
}

cm_status
cm_validate(const cm_render_options *opt, cm_diag_list *diags)
{
    run r = { 0 };
    r.opt = opt;
    r.diags = diags;
    pthread_mutex_init(&r.sh.lock, NULL);
    pthread_cond_init(&r.sh.wake, NULL);
    cm_status st = run_find_data(&r);
    if (st == CM_OK)
        st = run_load_gazetteers(&r);
    if (st != CM_ERR_NOMEM && r.in.gaz) {
        cm_events_options eo = { NULL, opt->timezone, opt->date_order, opt->settings };
        cm_status s = cm_events_load_with(&r.in.events, opt->events_path, r.in.gaz, &eo,
                                          diags);
        st = st != CM_OK ? st : s;
    }
    if (st == CM_OK)
        st = check_projection(&r);
    /* The area names against the regions, the layer render would read them
     * in (read whole: validate knows no extent). Only when there are any. */
    if (st == CM_OK && cm_events_names_areas(r.in.events)) {
        r.in.regions_only = 1;
        st = run_load_all_shapes(&r, NULL);
        if (st == CM_OK)
            st = cm_events_check_areas(r.in.events, r.in.layers, r.in.n_layers, diags);
    }
    if (st == CM_OK)   /* the events file's map.control, read as render reads it */
        st = run_load_control(&r);
    if (st == CM_OK)
        st = refuse_warnings(&r, "");
    finish(&r);
    return st;
}
