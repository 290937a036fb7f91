/* The table of output formats: one entry per cm_format, with the ending of
 * its files, whether it has a file per slice or one for the whole timeline,
 * and how a slice's file is drawn (format.c). The run (render.c) walks it for
 * the files of each slice. For src/ only. */
#ifndef CM_SRC_FORMAT_H
#define CM_SRC_FORMAT_H

#include "conflictmap/draw.h"

#include <cairo.h>

/* When, and where, a format's files are made. */
typedef enum cm_format_made {
    CM_MADE_PER_SLICE,   /* a file per slice: cm_draw (format.c) */
    CM_MADE_PAGE,        /* the page over the slices' PNGs: src/output/html.c */
    CM_MADE_TIMELINE     /* one file for the whole timeline: src/output/animate.c */
} cm_format_made;

/* A slice's file being drawn through cairo (format.c). */
typedef struct cm_cairo_file cm_cairo_file;

typedef struct cm_format_info {
    cm_format format;
    const char *extension;   /* of its files: "png"; two formats may share one */
    cm_format_made made;
    unsigned needs;          /* the formats it needs drawn too: the page shows the PNGs */
    /* A slice's file drawn through cairo: the scene is drawn on .surface's
     * surface, then .write makes the file of it. NULL for the others. */
    cairo_surface_t *(*surface)(cm_cairo_file *f, double w_px, double h_px);
    cm_status (*write)(cm_cairo_file *f, cairo_surface_t *surface);
    /* A slice's file drawn without cairo, by a writer of its own; else NULL. */
    cm_status (*draw)(const cm_scene *scene, double scale, const char *path,
                      cm_diag_list *diags);
} cm_format_info;

/* Every format: first those drawn per slice, in the order their files are
 * listed (manifest.json, the run's counts), then the page, then the
 * animations. render.c keeps a hash and a size per slice format. */
enum { CM_N_FORMATS = 7, CM_N_SLICE_FORMATS = 4, CM_N_TIMELINE_FORMATS = 2 };
extern const cm_format_info cm_formats[CM_N_FORMATS];

/* The entry of @format; NULL when it is none (0, or several bits). */
const cm_format_info *cm_format_info_of(cm_format format);

/* The bits of the formats made @made. */
unsigned cm_formats_made(cm_format_made made);

/* @formats with the formats they need drawn too. */
unsigned cm_formats_needed(unsigned formats);

/* cm_draw_cached, but a PNG or PDF file is @size (a PNG's pixels, a PDF's
 * page in points), the drawing at @scale cut there: a print size's exact
 * size, which the scene's whole pixels at @scale pass by less than one of
 * them (render/options.c). Other formats are drawn as cm_draw_cached does. */
cm_status cm_draw_trimmed(const cm_scene *scene, const cm_draw_cache *cache, cm_format format,
                          double scale, unsigned png_colors, const double size[2],
                          const char *path, cm_diag_list *diags);

#endif
