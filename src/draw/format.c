/* The output formats (format.h): their table, and the surfaces and files of
 * those drawn through cairo. Above both writers, the cairo backend (draw.c)
 * and the SVG writer (draw_svg.c), which know nothing of each other or of the
 * files of other formats. */
#include "draw/format.h"
#include "common/grow.h"
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
    if (!CM_RESERVE(b->data, b->cap, b->len + length)) {
        b->failed = 1;
        return CAIRO_STATUS_NO_MEMORY;
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
 * the same input gives the same bytes on every run. It carries the map's
 * title, its subject (the subtitle, else the moment) and its author (the
 * source, else the credit), as a desk's picture system reads them. */
static void
describe_pdf(cairo_surface_t *surface, const cm_scene *scene)
{
    const cm_events *ev = scene->base->events;
    char iso[CM_TIME_BUF], moment[CM_TIME_BUF];
    cm_time_format_iso(cm_slice_time(scene->slice), iso);
    cm_time_format_human(cm_slice_time(scene->slice), moment);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
    if (*cm_events_title(ev))
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, cm_events_title(ev));
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT,
                                   *cm_events_subtitle(ev) ? cm_events_subtitle(ev) : moment);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR,
                                   *cm_events_source(ev) ? cm_events_source(ev)
                                                         : "conflictmap");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "conflictmap");
}

struct cm_cairo_file {
    cm_outfile o;                   /* put in place only when all of it is written */
    const cm_scene *scene;
    double scale;
    unsigned png_colors;
    const cm_draw_cache *cache;     /* the run's ground, or NULL */
    const cm_draw_cache *ground;    /* the cache, when the surface starts from it */
    svg_buffer svg;                 /* the SVG of outlines, until it is complete */
    const double *trim;             /* the file's size, a print size's: a PDF's page in
                                       points, a PNG's pixels; NULL: the scene's at scale */
};

/* An image; at the cache's scale the thread's canvas, over the cache's ground. */
static cairo_surface_t *
png_surface(cm_cairo_file *f, double w, double h)
{
    if (cm_draw_cache_fits(f->cache, f->scene, f->scale)) {
        f->ground = f->cache;
        return cm_sprite_canvas((int)ceil(w), (int)ceil(h));
    }
    return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)ceil(w), (int)ceil(h));
}

/* Not finished: the surface may be the thread's canvas, kept. */
static cm_status
png_write(cm_cairo_file *f, cairo_surface_t *surface)
{
    /* over an opaque ground, drawn over: opaque (OVER keeps alpha 1) */
    int opaque = f->ground && cm_draw_cache_opaque(f->ground);
    cm_png_changes ch;
    if (!f->trim)
        return cm_png_write(surface, f->png_colors, opaque,
                            f->ground && cm_draw_surface_changes(surface, &ch) ? &ch : NULL, &f->o);
    /* the image's first rows and columns: the same pixels, read in place */
    int w = (int)lround(f->trim[0]), h = (int)lround(f->trim[1]);
    if (w > cairo_image_surface_get_width(surface))
        w = cairo_image_surface_get_width(surface);
    if (h > cairo_image_surface_get_height(surface))
        h = cairo_image_surface_get_height(surface);
    cairo_surface_flush(surface);
    cairo_surface_t *cut = cairo_image_surface_create_for_data(
        cairo_image_surface_get_data(surface), CAIRO_FORMAT_ARGB32, w, h,
        cairo_image_surface_get_stride(surface));
    cm_status st = cairo_surface_status(cut) == CAIRO_STATUS_SUCCESS
                       ? cm_png_write(cut, f->png_colors, opaque, NULL, &f->o) : CM_ERR_NOMEM;
    cairo_surface_destroy(cut);
    return st;
}

static cairo_surface_t *
pdf_surface(cm_cairo_file *f, double w, double h)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_to_outfile, &f->o, w, h);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS)
        describe_pdf(s, f->scene);
    return s;
}

/* cairo writes the PDF to the file as it goes; finishing ends it. */
static cm_status
pdf_write(cm_cairo_file *f, cairo_surface_t *surface)
{
    (void)f;
    cairo_surface_finish(surface);
    return CM_OK;
}

static cairo_surface_t *
svg_outlines_surface(cm_cairo_file *f, double w, double h)
{
    return cairo_svg_surface_create_for_stream(write_to_buffer, &f->svg, w, h);
}

static cm_status
svg_outlines_write(cm_cairo_file *f, cairo_surface_t *surface)
{
    cairo_surface_finish(surface);
    if (!f->svg.failed)
        write_svg(&f->o, &f->svg);
    return CM_OK;
}

/* ---- the table ------------------------------------------------------------------------------ */

/* format, extension, made, needs; through cairo its surface and its writer,
 * or else the writer that draws it whole */
const cm_format_info cm_formats[CM_N_FORMATS] = {
    { CM_FORMAT_PNG, "png", CM_MADE_PER_SLICE, 0, png_surface, png_write, NULL },
    { CM_FORMAT_SVG, "svg", CM_MADE_PER_SLICE, 0, NULL, NULL, cm_draw_svg },   /* text as <text> */
    { CM_FORMAT_PDF, "pdf", CM_MADE_PER_SLICE, 0, pdf_surface, pdf_write, NULL },
    { CM_FORMAT_SVG_OUTLINES, "svg", CM_MADE_PER_SLICE, 0, svg_outlines_surface,
      svg_outlines_write, NULL },
    { CM_FORMAT_HTML, "html", CM_MADE_PAGE, CM_FORMAT_PNG, NULL, NULL, NULL },
    { CM_FORMAT_GIF, "gif", CM_MADE_TIMELINE, 0, NULL, NULL, NULL },
    { CM_FORMAT_MP4, "mp4", CM_MADE_TIMELINE, 0, NULL, NULL, NULL },
};

const cm_format_info *
cm_format_info_of(cm_format format)
{
    for (size_t i = 0; i < CM_N_FORMATS; i++)
        if (cm_formats[i].format == format)
            return &cm_formats[i];
    return NULL;
}

unsigned
cm_formats_made(cm_format_made made)
{
    unsigned bits = 0;
    for (size_t i = 0; i < CM_N_FORMATS; i++)
        if (cm_formats[i].made == made)
            bits |= (unsigned)cm_formats[i].format;
    return bits;
}

unsigned
cm_formats_needed(unsigned formats)
{
    unsigned bits = formats;
    for (size_t i = 0; i < CM_N_FORMATS; i++)
        if (formats & (unsigned)cm_formats[i].format)
            bits |= cm_formats[i].needs;
    return bits;
}

const char *
cm_format_extension(cm_format format)
{
    const cm_format_info *f = cm_format_info_of(format);
    return f ? f->extension : "bin";
}

/* ---- drawing a slice's file ----------------------------------------------------------------- */

/* Draws @scene through cairo into @path as @fmt; with @cache, a PNG at its
 * scale starts from its ground. */
static cm_status
draw_cairo(const cm_format_info *fmt, const cm_scene *scene, const cm_draw_cache *cache,
           double scale, unsigned png_colors, const double *trim, const char *path,
           cm_diag_list *diags)
{
    cm_cairo_file f = { .scene = scene, .scale = scale, .png_colors = png_colors,
                        .cache = cache, .trim = trim };
    double w = cm_scene_width_px(scene) * scale, h = cm_scene_height_px(scene) * scale;
    if (trim && fmt->format != CM_FORMAT_PNG) {   /* a PNG is cut as it is written */
        w = trim[0];
        h = trim[1];
    }
    cm_status st = cm_outfile_open(&f.o, path, diags);
    if (st != CM_OK)
        return st;
    cairo_surface_t *surface = fmt->surface(&f, w, h);
    st = CM_ERR_NOMEM;
    if (!surface || cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
        goto cleanup;
    st = cm_draw_surface(surface, scene, scale, f.ground);
    if (st == CM_OK)
        st = fmt->write(&f, surface);
    st = f.o.failed ? CM_ERR_IO : st != CM_OK ? st
         : cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS ? CM_OK : CM_ERR_NOMEM;
cleanup:
    cairo_surface_destroy(surface);
    free(f.svg.data);
    if (st == CM_OK)
        return cm_outfile_commit(&f.o, diags);
    if (st == CM_ERR_IO) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot write \"%s\": the disk may be full", path);
    }
    cm_outfile_abort(&f.o);
    return st;
}

/* Draws @scene into @path with the writer its format's entry names. */
static cm_status
draw_file(const cm_scene *scene, const cm_draw_cache *cache, cm_format format, double scale,
          unsigned png_colors, const char *path, cm_diag_list *diags)
{
    const cm_format_info *f = cm_format_info_of(format);
    if (f && f->draw)
        return f->draw(scene, scale, path, diags);
    if (f && f->surface)
        return draw_cairo(f, scene, cache, scale, png_colors, NULL, path, diags);
    return CM_ERR_NOMEM;   /* no file per slice (html, gif, mp4): nothing to draw on */
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

cm_status
cm_draw_trimmed(const cm_scene *scene, const cm_draw_cache *cache, cm_format format,
                double scale, unsigned png_colors, const double size[2], const char *path,
                cm_diag_list *diags)
{
    const cm_format_info *f = cm_format_info_of(format);
    if (f && f->surface && (format == CM_FORMAT_PNG || format == CM_FORMAT_PDF))
        return draw_cairo(f, scene, cache, scale, png_colors, size, path, diags);
    return draw_file(scene, cache, format, scale, png_colors, path, diags);
}
