/* A zlib stream (RFC 1950/1951) of PNG scanlines, specialised for flat-colour
 * maps: matches are looked for only a pixel back and a row back (the byte
 * just above), plus a small hash of recent pixels, greedily, coded in dynamic
 * Huffman blocks (fixed or stored where that would be smaller).
 *
 * The image is compressed in bands of rows. A band's bytes depend only on its
 * own rows and the row above it (no match reaches further back), and each
 * band ends on a byte boundary, so the bands' bytes are concatenated. The
 * state keeps the previous image's rows and bands: a band whose rows and row
 * above are the same as the previous image's keeps its compressed bytes, and
 * the stream is byte for byte what compressing everything afresh gives.
 *
 * Use, one image after another with one state (one thread at a time):
 *   cm_deflate_begin(); for each row y in order: write cm_deflate_row(y),
 *   then cm_deflate_row_done(y); cm_deflate_end(); cm_deflate_emit().
 * For src/ only. */
#ifndef CM_SRC_DEFLATE_H
#define CM_SRC_DEFLATE_H

#include <stddef.h>
#include <stdint.h>
#include "conflictmap/diag.h"

typedef struct cm_deflate cm_deflate;

/* A state with nothing remembered; NULL when out of memory. */
cm_deflate *cm_deflate_create(void);
void cm_deflate_destroy(cm_deflate *d);   /* NULL is fine */

/* Starts an image of @rows rows of @stride bytes each (a scanline: its filter
 * byte and its pixels), @bpp bytes a pixel (1 when a pixel is less than a
 * byte; 1 to 8). @reuse 0: compress every band afresh (the bytes are the
 * same either way). CM_OK, or CM_ERR_NOMEM (what was remembered is then
 * forgotten; the state stays usable). */
cm_status cm_deflate_begin(cm_deflate *d, size_t rows, size_t stride, size_t bpp, int reuse);

/* Where row @y (0 to rows - 1, in order) is to be written, @stride bytes;
 * then call cm_deflate_row_done(), which compresses a band once its last row
 * is in. */
unsigned char *cm_deflate_row(cm_deflate *d, size_t y);
void cm_deflate_row_done(cm_deflate *d, size_t y);

/* Whether this image is compared with the previous one (cm_deflate_begin with
 * @reuse, and the same rows and stride): then a caller that knows where the
 * two differ may update rows in place instead: cm_deflate_prev_row(y) is the
 * previous image's row y, which the caller changes where this one differs,
 * then calls cm_deflate_row_kept(y) with whether it changed anything. */
int cm_deflate_comparing(const cm_deflate *d);
unsigned char *cm_deflate_prev_row(cm_deflate *d, size_t y);
void cm_deflate_row_kept(cm_deflate *d, size_t y, int changed);

/* After every row: the stream's size in bytes, or 0 on a bug (a band outgrew
 * its bound, or rows are missing; the previous image is then forgotten). */
size_t cm_deflate_end(cm_deflate *d);

/* The stream of the last cm_deflate_end() to @fn, in pieces, in order. Returns
 * 1, or 0 as soon as @fn returns 0. */
typedef int (*cm_deflate_fn)(void *closure, const void *data, size_t n);
int cm_deflate_emit(const cm_deflate *d, cm_deflate_fn fn, void *closure);

/* How many bands the last cm_deflate_end() took from the image before, and how
 * many there were. */
size_t cm_deflate_reused(const cm_deflate *d);
size_t cm_deflate_bands(const cm_deflate *d);

/* For tests: the code lengths the encoder gives @n (at most 286) symbols of
 * frequencies @freq, none longer than @limit bits (7 or 15 in deflate). */
void cm_deflate_code_lengths(const uint32_t *freq, unsigned n, unsigned limit, uint8_t *len);

#endif
