/* One run of the pipeline, shared by the files of src/render/ only: what it
 * loads, what it lays the slices out on, and what the layout and the workers
 * share while drawing; and the steps each file does for render.c, which
 * orders them. */
#ifndef CM_SRC_RUN_H
#define CM_SRC_RUN_H

#include "conflictmap/render.h"
#include "conflictmap/events.h"
#include "conflictmap/gazetteer.h"
#include "conflictmap/layer.h"
#include "conflictmap/projection.h"
#include "conflictmap/scene.h"
#include "conflictmap/style.h"
#include "output/html.h"
#include "output/manifest.h"
#include "output/publish.h"
#include "draw/format.h"

#include <pthread.h>

/* What is loaded: the inputs, each checked by its loader. Filled by cm_render's
 * loading step; valid from there until finish(). */
typedef struct run_loaded {
    const char *data_dir;      /* the shipped data's folder; NULL: none is used */
    cm_gazetteer *gaz;
    cm_events *events;
    cm_layer **layers;
    size_t n_layers, cap_layers;
    double near_deg[4];        /* the layers are read within it (cm_extent_near)... */
    int has_near;              /* ...when the extent was known before they were read */
    double bbox_deg[4];        /* that extent, for the scale the fine layers are read at */
    int regions_only;          /* validate: only the regions, for the area names */
    cm_style *style;
    struct cm_control *control;   /* the control layers (load/control.h); NULL: none */
} run_loaded;

/* What the slices are laid out on and listed in: made by prepare() and
 * write_all() before the first slice is laid out; valid until finish(). */
typedef struct run_plan {
    double bbox[4];            /* the extent the projection is fitted to */
    cm_projection *proj;
    cm_slices *slices;
    cm_scene_base *base;       /* what every slice shares: layers projected, places */
    cm_projection *phone_proj; /* with --format html: the page's phone layout */
    cm_scene_base *phone_base;
    cm_manifest *manifest;
    cm_html_page *page;        /* with --format html */
    char stem[512];            /* output names: <stem>-<YYYYMMDDTHHMMZ>.<ext> */
    cm_manifest_drawn *drawn;  /* what the published set's manifest says was drawn */
    cm_publish *pub;           /* the output folder, taken for this run */
    const char *dir;           /* where the run writes: the staging folder (pub's) */
    unsigned char base_hash[CM_DRAW_HASH_BYTES];
    struct run_print *print;   /* a print size's files; NULL: none */
} run_plan;

/* What the layout and the workers share while slices are drawn: allocated by
 * draw_all(), per slice where an array; valid until finish(). Fields marked
 * "locked" are read and written with .lock held once workers run; the rest
 * are written by one side only (noted) before the other reads them. */
typedef struct run_shared {
    cm_draw_cache *cache;      /* the ground every slice's PNG starts from (first worker) */
    cm_scene **scenes;         /* locked: laid out and not yet let go of */
    cm_scene **phones;         /* locked: the phone layout of each, let go of with it */
    unsigned char *refs;       /* locked: who still needs the scene: next layout, its drawing */
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
    struct run_overlap {       /* slices showing two sides on the same ground (layout) */
        size_t n;
        double km2;            /* the most ground shared, cm_scene_shared_km2() */
        const char *side[2];   /* its sides */
        cm_time at;            /* its slice's moment */
    } overlap;
} run_shared;

/* One call of cm_render() or cm_validate(). */
typedef struct run {
    const cm_render_options *opt;
    cm_diag_list *diags;
    run_loaded in;
    run_plan plan;
    run_shared sh;
} run;

/* ---- the options (options.c) -------------------------------------------------------------- */

/* A print size's files: a PDF's page in points, a PNG's pixels (the print
 * size at the dpi), each cut from the scene drawn at the format's scale. */
typedef struct run_print {
    double page_pt[2], png_px[2];
    double pdf_scale;          /* points a pixel: 72 / CM_PRINT_PX_PER_INCH */
} run_print;

/* @opt as the run lays out and draws with it (*@out): with a print size,
 * width_px and height_px that size at CM_PRINT_PX_PER_INCH, rounded up (the
 * files are cut to the print size: at most a pixel of the frame's edge goes),
 * scale the dpi's, print_mm[1] the height (from the aspect when not given),
 * and 1 with the files' sizes in *@print; without, @opt itself and 0. */
int run_print_options(const cm_render_options *opt, cm_render_options *out, run_print *print);

/* ---- the slices' files (files.c) --------------------------------------------------------- */

/* The page's images for high-density screens, drawn at scale 2 unless the
 * slices' own PNGs already are: <stem>-<YYYYMMDDTHHMMZ>@2x.png. This bit of
 * run.sh.todo, beside the cm_format bits: one of the page's own images (this
 * one or the phone's, below) is not kept and must be drawn. */
enum { WROTE_PAGE_PNGS = 1 << 7 };

/* The page's layout for phones: the same slice laid out again on a portrait
 * page of its own (larger type for its width, the legend below the map), drawn
 * at scale run_phone_scale, 2: <stem>-<YYYYMMDDTHHMMZ>-phone.png, 720x1080
 * pixels. */
enum { RUN_PHONE_W = 360, RUN_PHONE_H = 540 };

/* 2. Only tests/fuzz/fuzz_render.c changes it (to 0.25, before any render):
 * the same layout and drawing, in a 64th of the pixels, which were most of
 * an execution's time when its map is 160x120. */
extern double run_phone_scale;

static inline int
has_phone(const run *r)
{
    return (r->opt->formats & CM_FORMAT_HTML) != 0;
}

/* The formats drawn per slice are the first CM_N_SLICE_FORMATS of the table
 * (src/draw/format.h), in the order their files are listed. */
static inline cm_format
slice_format(size_t f)
{
    return cm_formats[f].format;
}

/* The formats asked for, with those they need: the page shows the PNGs. */
static inline unsigned
formats_of(const run *r)
{
    return cm_formats_needed(r->opt->formats);
}

/* Whether slice @i is this run's to draw: all of them, or with --shard K/N
 * every N-th, starting from the K-th (round robin, so that each shard gets
 * early and late slices alike, and the same share of the busy ones). */
static inline int
in_share(const run *r, size_t i)
{
    return r->opt->shard_n <= 1 || i % (size_t)r->opt->shard_n == (size_t)r->opt->shard_k - 1;
}

static inline int
has_png_2x(const run *r)
{
    return (r->opt->formats & CM_FORMAT_HTML) && r->opt->scale < 2;
}

/* The events file's base name without its extension, into @buf. */
const char *run_stem_of(const char *path, char *buf, size_t size);
/* Which of slice @i's files must be drawn (run.sh.todo), its hashes, the kept sizes. */
void run_choose_files(run *r, size_t i);
/* Draws slice @i's files marked to do, noting each put in place. */
cm_status run_draw_slice(run *r, size_t i, cm_diag_list *diags);
/* Slice @i's entry in the manifest, and its page entry, while its scene is held. */
cm_status run_add_to_manifest(run *r, size_t i);
cm_status run_add_to_page(run *r, size_t i);
/* The sizes and hashes of slice @i's files, on its manifest entry @k. */
cm_status run_note_drawn(run *r, size_t i, size_t k);
/* manifest.json, or a share's manifest.K-of-N.json: its name, its path in
 * the staging folder. */
void run_manifest_name(const run *r, char *buf, size_t size);
void run_manifest_path(const run *r, char *buf, size_t size);
/* What the published set's manifest says was drawn (run.plan.drawn). */
cm_status run_load_drawn(run *r);
/* index.html and embed.html, showing the images of the set @id. */
cm_status run_write_html(run *r, const char *id);
/* Bytes of this run's maps in the folder, and with the manifest. */
void run_count_bytes(const run *r, cm_render_result *result);

/* ---- loading (load.c) ---------------------------------------------------------------------- */

/* The shipped data's folder into r->in.data_dir, unless the options want
 * none of it; CM_ERR_IO, with a message, when it cannot be found. */
cm_status run_find_data(run *r);
/* The shipped gazetteer, then the options' gazetteer files. */
cm_status run_load_gazetteers(run *r);
/* Every layer the options name, else the shipped ones; with @bbox_deg (the
 * map's extent), only the records near it (cm_extent_near), but the world
 * layer whole: the locator inset and the places off the map need all of it. */
cm_status run_load_all_shapes(run *r, const double *bbox_deg);
/* The events file's map.control and the options' control layers, into
 * r->in.control; none: it stays NULL. */
cm_status run_load_control(run *r);

/* ---- laying out and drawing every slice (workers.c) --------------------------------------- */

/* Lays out every slice in order and draws this run's share with the workers. */
cm_status run_draw_all(run *r);
/* Writes the manifest entries of the slices finished so far, in time order. */
cm_status run_flush_manifest(run *r);

#endif
