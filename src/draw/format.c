/* The output formats: which writer draws a slice's file in each, and the
 * surfaces and file endings of the formats drawn through cairo. Above both
 * writers, the cairo backend (draw.c) and the SVG writer (draw_svg.c), which
 * know nothing of each other or of files in other formats. */
#include "conflictmap/draw.h"
#include "common/outfile.h"
#include "draw/draw.h"
#include "draw/draw_svg.h"
#include "draw/png.h"
#include "draw/sprite.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- surfaces ------------------------------------------------------------------------------- */

static cairo_status_t
write_to_outfile(void *closure, const unsigned char *data, unsigned int length)
{
    cm_outfile *o = closure;
    cm_outfile_write(o, data, length);
    return o->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* An SVG document is kept in memory until it is complete, because cairo
 * names its top group after a counter shared by the whole process
 * (<g id="surface293">), which would make a slice's file depend on what was
 * drawn before it, and on which thread drew it. */
typedef struct svg_buffer {
    unsigned char *data;
    size_t len, cap;
    int failed;
} svg_buffer;

static cairo_status_t
write_to_buffer(void *closure, const unsigned char *data, unsigned int length)
{
    svg_buffer *b = closure;
    if (b->len + length > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->len + length)
            cap *= 2;
        unsigned char *p = realloc(b->data, cap);
        if (!p) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Writes the SVG with its process-wide surface number replaced by 1. */
static void
write_svg(cm_outfile *o, const svg_buffer *b)
{
    static const char tag[] = "<g id=\"surface";
    size_t n = sizeof(tag) - 1, at = 0;
    while (at + n <= b->len && memcmp(b->data + at, tag, n) != 0)
        at++;
    if (at + n > b->len) {
        cm_outfile_write(o, b->data, b->len);
        return;
    }
    size_t end = at + n;
    while (end < b->len && b->data[end] >= '0' && b->data[end] <= '9')
        end++;
    cm_outfile_write(o, b->data, at + n);
    cm_outfile_write(o, "1", 1);
    cm_outfile_write(o, b->data + end, b->len - end);
}

/* A PDF says when it was made; the slice's moment, not the clock's, so that
 * the same input gives the same bytes on every run. */
static void
date_pdf(cairo_surface_t *surface, const cm_scene *scene)
{
    char iso[CM_TIME_BUF];
    cm_time_format_iso(cm_slice_time(scene->slice), iso);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
}

static cairo_surface_t *
make_surface(cm_format format, cm_outfile *o, svg_buffer *svg, double w, double h)
{
    switch (format) {
    case CM_FORMAT_PNG:
        return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(w), (int)ceil(h));
    case CM_FORMAT_SVG_OUTLINES:
        return cairo_svg_surface_create_for_stream(write_to_buffer, svg, w, h);
    case CM_FORMAT_PDF:
        return cairo_pdf_surface_create_for_stream(write_to_outfile, o, w, h);
    case CM_FORMAT_HTML:   /* not drawn by cairo: src/output/html.c writes the page */
    case CM_FORMAT_SVG: case CM_FORMAT_GIF: case CM_FORMAT_MP4:
        break;
    }
    return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);   /* a nil surface */
}

/* Draws @scene into @path; with @cache (PNG only), over its ground. */
static cm_status
draw_file(const cm_scene *scene, const cm_draw_cache *cache, cm_format format, double scale,
          unsigned png_colors, const char *path, cm_diag_list *diags)
{
    cm_outfile o;
    svg_buffer svg = { 0 };
    double w = cm_scene_width_px(scene) * scale, h = cm_scene_height_px(scene) * scale;
    if (format == CM_FORMAT_SVG)   /* text as <text>: its own writer */
        return cm_draw_svg(scene, scale, path, diags);
    cm_status st = cm_outfile_open(&o, path, diags);
    if (st != CM_OK)
        return st;
    int cached = format == CM_FORMAT_PNG && cm_draw_cache_fits(cache, scene, scale);
    cairo_surface_t *surface = cached ? cm_sprite_canvas((int)ceil(w), (int)ceil(h))
                                      : make_surface(format, &o, &svg, w, h);
    st = CM_ERR_NOMEM;
    if (!surface || cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
        goto cleanup;
    if (format == CM_FORMAT_PDF)
        date_pdf(surface, scene);
    cm_status draw_st = cm_draw_surface(surface, scene, scale, cached ? cache : NULL);
    cm_status png_st = draw_st != CM_OK ? draw_st
                       : format == CM_FORMAT_PNG ? cm_png_write(surface, png_colors, &o) : CM_OK;
    if (format != CM_FORMAT_PNG)   /* a PNG's surface may be the thread's canvas, kept */
        cairo_surface_finish(surface);
    if (format == CM_FORMAT_SVG_OUTLINES && !svg.failed)
        write_svg(&o, &svg);
    st = o.failed ? CM_ERR_IO : png_st != CM_OK ? png_st
         : cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS ? CM_OK : CM_ERR_NOMEM;
cleanup:
    cairo_surface_destroy(surface);
    free(svg.data);
    if (st == CM_OK)
        return cm_outfile_commit(&o, diags);
    if (st == CM_ERR_IO) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot write \"%s\": the disk may be full", path);
    }
    cm_outfile_abort(&o);
    return st;
}

cm_status
cm_draw(const cm_scene *scene, cm_format format, double scale, unsigned png_colors,
        const char *path, cm_diag_list *diags)
{
    return draw_file(scene, NULL, format, scale, png_colors, path, diags);
}

cm_status
cm_draw_cached(const cm_scene *scene, const cm_draw_cache *cache, cm_format format,
               double scale, unsigned png_colors, const char *path, cm_diag_list *diags)
{
    return draw_file(scene, cache, format, scale, png_colors, path, diags);
}

const char *
cm_format_extension(cm_format format)
{
    switch (format) {
    case CM_FORMAT_PNG: return "png";
    case CM_FORMAT_SVG: return "svg";
    case CM_FORMAT_PDF: return "pdf";
    case CM_FORMAT_HTML: return "html";
    case CM_FORMAT_SVG_OUTLINES: return "svg";
    case CM_FORMAT_GIF: return "gif";
    case CM_FORMAT_MP4: return "mp4";
    }
    return "bin";
}
