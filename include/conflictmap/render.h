/* Rendering a timeline: the whole pipeline in one call, from the events file
 * to one map per slice and manifest.json. The command-line tool fills the
 * options from its arguments; another program starts from
 * cm_render_options_default(), names the events file and calls cm_render():
 *
 *     cm_render_options opt = cm_render_options_default();
 *     opt.events_path = "events.json";
 *     opt.out_dir = "maps";
 *     cm_status st = cm_render(&opt, diags, NULL);
 *
 * The shipped layers and gazetteer are found as the command finds them
 * (cm_data_dir() in conflictmap/data.h). */
#ifndef CONFLICTMAP_RENDER_H
#define CONFLICTMAP_RENDER_H

#include <stddef.h>
#include "conflictmap/api.h"
#include "conflictmap/diag.h"
#include "conflictmap/draw.h"
#include "conflictmap/slice.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many slices are drawn at once, whatever jobs asks for. */
enum { CM_MAX_JOBS = 64 };
/* The most pixels one image may have (width x scale times height x scale):
 * 200 megapixels, 800 MB of canvas, already 12800x9600 at 1600x1200 x 8. */
#define CM_MAX_PIXELS 200000000.0
/* A print size is laid out at this many of the scene's pixels an inch. */
#define CM_PRINT_PX_PER_INCH 96.0
/* Each side of a print size, in mm: from a narrow column (208 px) to a poster. */
#define CM_PRINT_MIN_MM 55.0
/* A print size's PNGs without a dpi: */
#define CM_PRINT_DPI 300.0
#define CM_PRINT_MAX_MM 2500.0

typedef struct cm_render_options {
    const char *events_path;
    const char *out_dir;               /* created when missing */
    unsigned formats;                  /* cm_format bits */
    const char *style;                 /* preset name; NULL for "light" */
    const char *const *shapes;         /* files or folders, "ROLE=PATH" allowed; they
                                          replace the shipped layers */
    size_t n_shapes;
    const char *const *gazetteers;     /* gazetteer files, all loaded, added to the
                                          shipped gazetteer (after it) */
    size_t n_gazetteers;
    const char *const *controls;       /* control layers or folders of dated ones, "SIDE=PATH"
                                          and "SIDE:STATUS=PATH" allowed (the command's
                                          --control); added to the events file's map.control */
    size_t n_controls;
    const char *data_dir;              /* the folder of the shipped shapes/ and
                                          gazetteer/; NULL: cm_data_dir() */
    int no_shipped_data;               /* 1: neither the shipped layers nor the shipped
                                          gazetteer, only those named above */
    cm_slice_spec slicing;
    int width_px, height_px;           /* the scene's size at scale 1 */
    double scale;                      /* 1 or more */
    /* A print size (the command's --print-size): width and height in mm; a
     * height of 0 takes the aspect of width_px x height_px; a width of 0: no
     * print size. With one, the maps are laid out at that size at 96 pixels
     * an inch (CM_PRINT_PX_PER_INCH: a 12 px label prints at 9 pt, as a CSS
     * pixel does), in place of width_px x height_px; a PDF's page is that
     * size; a PNG has @dpi pixels an inch (scale dpi / 96, in place of
     * @scale). */
    double print_mm[2];
    double dpi;                        /* with print_mm: 0 for CM_PRINT_DPI */
    const double *bbox_deg;            /* NULL: the events file's, else fitted to events */
    const char *projection;            /* NULL: the events file's, else "auto" */
    const char *lang;                  /* place names: "en" (NULL), "az", "hy", "ru", "ar" */
    const char *timezone;              /* times written without a zone: their zone
                                          (cm_events_options); NULL: the file's */
    const char *date_order;            /* "DMY" or "MDY"; NULL: the file's */
    const char *settings;              /* a CSV events file's settings file (--settings);
                                          NULL: STEM.settings.json beside STEM.csv */
    int jobs;                          /* slices drawn at once; 0 or 1: one at a time */
    int shard_k, shard_n;              /* 1..N of N: draw only slices i with i % N == K-1;
                                          0, 0: all of them */
    double hold_s;                     /* gif, mp4: seconds per slice; 0 for 1.5 */
    /* Called after each slice of this run's share is drawn (or kept), from
     * whichever thread drew it, one call at a time; may be NULL. */
    void (*progress)(void *data, size_t done, size_t total);
    void *progress_data;
    unsigned png_colors;               /* 0: lossless PNG; 2-256: a palette of that many */
    int strict;                        /* warnings are errors: nothing is written */
    /* 1: the calling thread keeps its PNG encoder (its buffers and tables,
     * some megabytes) for its next cm_render(), as `watch` does, rendering
     * again and again; the maps are the same bytes. 0: a run frees them and
     * leaves nothing allocated behind. Threads the run starts free theirs
     * when they end, either way. */
    int keep_buffers;
} cm_render_options;

/* The options the command renders with when given none: out_dir "out",
 * formats PNG and SVG, 1600x1200 at scale 1, the "light" style, one slice per
 * distinct event time, the shipped layers and gazetteer, as many jobs as the
 * machine has cores (at most CM_MAX_JOBS). events_path is left NULL: name
 * the events file. */
CM_API cm_render_options cm_render_options_default(void);

typedef struct cm_render_result {
    size_t n_slices;
    size_t n_files;                    /* maps written, manifest included */
    size_t n_drawn;                    /* slices drawn by this run */
    size_t n_bytes;                    /* bytes of those files */
    size_t n_slice_bytes;              /* bytes of the maps alone, every format */
    size_t n_kept;                     /* slices whose files were already there, drawn
                                          from the same scene, and were kept */
    size_t n_frames;                   /* gif, mp4: slices in the animation */
    size_t n_identical;                /* gif, mp4: left out, same image as the one before */
} cm_render_result;

/* Checks the options themselves, before anything is read: an output folder
 * is named (not ""), a print size's sides are from CM_PRINT_MIN_MM to
 * CM_PRINT_MAX_MM, the size and scale (or print size and dpi) make an image
 * within CM_MAX_PIXELS.
 * CM_OK, or CM_ERR_INPUT with every problem in @diags. cm_render() calls it
 * first; a program may call it to tell a usage error from an input error. */
CM_API cm_status cm_render_check_options(const cm_render_options *opt, cm_diag_list *diags);

/* Loads, checks, slices, lays out and draws. Into a folder that holds an
 * earlier run's manifest.json, only the files whose scene (or style, size,
 * scale, format) changed are drawn again: each file's cm_draw_hash and size
 * are recorded in the manifest. Nothing is written unless every input is
 * valid; on a failure while writing, the files this run wrote are removed
 * again. Without the shipped data (unless no_shipped_data), nothing is
 * loaded: CM_ERR_IO, with a message that says how to point to it.
 * Returns CM_OK, CM_ERR_INPUT, CM_ERR_IO or CM_ERR_NOMEM, with every problem
 * in @diags. @result may be NULL. */
CM_API cm_status cm_render(const cm_render_options *opt, cm_diag_list *diags,
                           cm_render_result *result);

/* After every share of a run was rendered into @out_dir with shard_k and
 * shard_n (the command's --shard K/N), joins their manifest.K-of-N.json into
 * manifest.json, byte for byte what a single run writes, and removes them.
 * *n_slices: the slices in it. Returns CM_OK, CM_ERR_INPUT (a share is
 * missing or from another run, with a message), CM_ERR_IO or CM_ERR_NOMEM. */
CM_API cm_status cm_render_merge_manifests(const char *out_dir, size_t *n_slices,
                                           cm_diag_list *diags);

/* Removes every temporary output file this process has open, and every
 * temporary folder it made under $TMPDIR (a GeoJSON layer's); nothing else.
 * Async-signal-safe: meant for a SIGINT or SIGTERM handler, which then ends
 * the process, so that an interrupted run leaves no half-written file. */
CM_API void cm_remove_temporaries(void);

/* Loads only what validate needs, the gazetteers, the events file and its
 * map.control and the options' control layers, as cm_render() would with @opt
 * (events_path, gazetteers, controls, data_dir, no_shipped_data; the rest is
 * not looked at), and checks them.
 * Returns CM_OK or the first problem's status, with every problem in @diags. */
CM_API cm_status cm_validate(const cm_render_options *opt, cm_diag_list *diags);

#ifdef __cplusplus
}
#endif

#endif
