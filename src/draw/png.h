/* PNG encoding of a drawn map: cairo's premultiplied ARGB32 image surface to a
 * PNG file, smaller and faster than cairo's own writer. Drawing is draw.c's;
 * writing all or nothing is outfile.c's. For src/ only. */
#ifndef CM_SRC_PNG_H
#define CM_SRC_PNG_H

#include <cairo.h>
#include <stdint.h>
#include <stddef.h>
#include "conflictmap/diag.h"
#include "common/outfile.h"

/* Row filters (PNG filter types 0-4), and the per-row choice of the one with
 * the smallest sum of absolute differences, as libpng does. */
typedef enum cm_png_filter {
    CM_PNG_FILTER_NONE,
    CM_PNG_FILTER_SUB,
    CM_PNG_FILTER_UP,
    CM_PNG_FILTER_AVERAGE,
    CM_PNG_FILTER_PAETH,
    CM_PNG_FILTER_ADAPTIVE
} cm_png_filter;

/* Where an image differs from the one encoded before it on the same thread:
 * a map drawn over its ground (src/draw/draw.c) knows which pixels a slice
 * drew and which the slice before drew, and nothing else can differ. The
 * encoder then reads and compares those pixels only. */
typedef struct cm_png_changes {
    uint64_t token;          /* this image, for the next image's @since */
    uint64_t since;          /* 0, or the token of the image this one differs from
                              * only within @rects; used only when that image is
                              * the last of this size the thread encoded */
    size_t n_rects;
    const int (*rects)[4];   /* x0, y0, x1, y1 in pixels, x1 and y1 excluded */
} cm_png_changes;

typedef struct cm_png_params {
    /* The compressor for true-colour images: 0, src/draw/deflate.c's band encoder
     * (no levels: it has one way of matching); 1-12, libdeflate at that level. */
    int level;
    int index_level;            /* the same for indexed images */
    cm_png_filter filter;       /* for true-colour images */
    cm_png_filter index_filter; /* for indexed images */
    unsigned max_colors;        /* 0: lossless; 2-256: quantise to that many when more */
    int fresh;                  /* level 0: compress every band, reusing none of the
                                 * thread's previous map (the bytes are the same) */
    int opaque;                 /* the caller knows every pixel is opaque: not read
                                 * for it (a map over its ground, cm_draw_cache) */
    const cm_png_changes *changes;   /* NULL, or where it differs from the last */
} cm_png_params;

/* What conflictmap writes unless told otherwise; bench/ measured the choice. */
cm_png_params cm_png_default_params(unsigned max_colors);

/* Where the encoder's bytes go: returns 0 when they could not be written. */
typedef int (*cm_png_sink)(void *closure, const void *data, size_t n);

/* Encodes @surface (CAIRO_FORMAT_ARGB32 or RGB24, flushed) as PNG into @sink:
 * RGB when every pixel is opaque, RGBA otherwise; indexed, exactly, when it
 * has at most 256 colours; indexed through libimagequant when
 * @p->max_colors asks for it. The same pixels always give the same bytes.
 * Returns CM_OK, CM_ERR_IO (the sink failed) or CM_ERR_NOMEM. */
cm_status cm_png_encode(cairo_surface_t *surface, const cm_png_params *p, cm_png_sink sink,
                        void *closure);

/* cm_png_encode() with the default parameters into @o; @opaque as in
 * cm_png_params. Returns CM_OK, CM_ERR_IO (@o is marked failed) or
 * CM_ERR_NOMEM. */
cm_status cm_png_write(cairo_surface_t *surface, unsigned max_colors, int opaque,
                       const cm_png_changes *changes, cm_outfile *o);

/* How many bands of the calling thread's last map the band encoder took
 * from the map before, of how many (*@bands); for tests and bench/. */
size_t cm_png_bands_reused(size_t *bands);

/* Frees the calling thread's encoding buffers, which cm_png_encode() keeps
 * from one map to the next (other threads' go when they end). */
void cm_png_release(void);

#endif
