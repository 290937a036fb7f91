/* Drawing a laid-out scene with cairo: PNG (raster), SVG and PDF. The backends
 * draw exactly what the scene placed; they decide nothing about layout. */
#ifndef CONFLICTMAP_DRAW_H
#define CONFLICTMAP_DRAW_H

#include "conflictmap/api.h"
#include "conflictmap/diag.h"
#include "conflictmap/scene.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cm_format {
    CM_FORMAT_PNG = 1 << 0,
    CM_FORMAT_SVG = 1 << 1,
    CM_FORMAT_PDF = 1 << 2,
    CM_FORMAT_HTML = 1 << 3,   /* DIR/index.html and embed.html over the PNGs */
    CM_FORMAT_SVG_OUTLINES = 1 << 4,   /* cairo's SVG: text as exact glyph outlines */
    CM_FORMAT_GIF = 1 << 5,            /* the whole timeline, one file (animate.c) */
    CM_FORMAT_MP4 = 1 << 6
} cm_format;

/* Draws @scene at @scale (1 = the scene's pixels; 2 for high-density screens)
 * into @path as @format (PNG, SVG with text as <text>, SVG of glyph outlines,
 * PDF), written to a temporary name and renamed into place,
 * so no partial file is ever left. A PNG is indexed when the map has at most
 * 256 colours, losslessly; with @png_colors from 2 to 256 it is indexed in any
 * case, quantised to that many colours when it has more (0: lossless RGB).
 * Returns CM_OK, CM_ERR_IO (with a diagnostic) or CM_ERR_NOMEM. */
CM_API cm_status cm_draw(const cm_scene *scene, cm_format format, double scale, unsigned png_colors,
                         const char *path, cm_diag_list *diags);

/* What does not change from one slice to the next, drawn once per run at
 * @scale for the raster format: the water and the base map's paths. Borrows
 * @base, which must outlive the cache. Once made, a cache is only read, so
 * any number of threads may draw with it at once. On success *out is the
 * caller's (cm_draw_cache_destroy). Returns CM_OK or CM_ERR_NOMEM. */
typedef struct cm_draw_cache cm_draw_cache;
CM_API cm_status cm_draw_cache_create(cm_draw_cache **out, const cm_scene_base *base, double scale);
CM_API void      cm_draw_cache_destroy(cm_draw_cache *cache);   /* NULL is fine */

/* cm_draw, but a PNG at the cache's scale starts from a copy of the cache's
 * pixels instead of drawing them again, with exactly the same result.
 * @cache may be NULL. */
CM_API cm_status cm_draw_cached(const cm_scene *scene, const cm_draw_cache *cache, cm_format format,
                                double scale, unsigned png_colors, const char *path,
                                cm_diag_list *diags);

/* What a drawing of a slice depends on, hashed (SHA-256), so that a run into
 * a folder that already holds a slice's file can keep it when nothing it
 * shows has changed. cm_draw_base_hash hashes what all slices share (the
 * base map, the inset, the style's colours and font, the size) once per run;
 * cm_draw_hash adds what one slice's scene puts on top, its @format,
 * @scale and @png_colors (as for cm_draw), and writes the result as lower-case hex. Fonts installed on the
 * machine are not part of it. */
enum { CM_DRAW_HASH_BYTES = 32 };
CM_API void cm_draw_base_hash(const cm_scene_base *base, unsigned char digest[CM_DRAW_HASH_BYTES]);
CM_API void cm_draw_hash(const cm_scene *scene, const unsigned char base[CM_DRAW_HASH_BYTES],
                         cm_format format, double scale, unsigned png_colors,
                         char hex[2 * CM_DRAW_HASH_BYTES + 1]);

/* The file extension for @format: "png", "svg", "pdf", "html", "gif", "mp4". */
CM_API const char *cm_format_extension(cm_format format);

#ifdef __cplusplus
}
#endif

#endif
