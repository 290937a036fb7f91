/* PNG encoding with zlib: one pass counts colours and checks opacity, then
 * rows are converted, filtered and deflated straight into IDAT chunks. The
 * choice of filter and compression is bench/'s (see bench/README.md). */
#include "png.h"

#include <libimagequant.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum {
    IDAT_BYTES = 1 << 17,   /* compressed bytes per IDAT chunk */
    HASH_SLOTS = 1024,      /* > 4 * 256, so probes stay short */
    MAX_PALETTE = 256
};

/* ---- chunks ---------------------------------------------------------------------------- */

typedef struct writer {
    cm_png_sink sink;
    void *closure;
    int failed;
    unsigned char *chunk;   /* 8 header bytes, IDAT_BYTES of data, 4 of CRC */
    z_stream z;
} writer;

static void
put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void
emit(writer *w, const void *data, size_t n)
{
    if (!w->failed && !w->sink(w->closure, data, n))
        w->failed = 1;
}

/* @buf holds 8 free bytes, then @n bytes of data, then 4 free bytes. */
static void
emit_chunk_in_place(writer *w, const char *type, unsigned char *buf, size_t n)
{
    put_be32(buf, (uint32_t)n);
    memcpy(buf + 4, type, 4);
    put_be32(buf + 8 + n, (uint32_t)crc32(0, buf + 4, (uInt)(n + 4)));
    emit(w, buf, n + 12);
}

static void
emit_chunk(writer *w, const char *type, const void *data, size_t n)
{
    unsigned char buf[8 + 3 * MAX_PALETTE + 4];   /* the largest small chunk: PLTE */
    if (n)
        memcpy(buf + 8, data, n);
    emit_chunk_in_place(w, type, buf, n);
}

static void
emit_header(writer *w, int width, int height, int bit_depth, int color_type)
{
    static const unsigned char signature[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
    unsigned char ihdr[13] = { 0 };
    emit(w, signature, sizeof(signature));
    put_be32(ihdr, (uint32_t)width);
    put_be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = (unsigned char)bit_depth;
    ihdr[9] = (unsigned char)color_type;   /* compression, filter, interlace: 0 */
    emit_chunk(w, "IHDR", ihdr, sizeof(ihdr));
}

/* Deflates @n bytes (@flush: Z_NO_FLUSH, or Z_FINISH with n = 0), emitting
 * each IDAT chunk as it fills. */
static void
deflate_bytes(writer *w, const unsigned char *data, size_t n, int flush)
{
    w->z.next_in = (unsigned char *)data;
    w->z.avail_in = (uInt)n;
    for (;;) {
        int rc = deflate(&w->z, flush);
        size_t used = IDAT_BYTES - w->z.avail_out;
        int done = flush == Z_FINISH ? rc == Z_STREAM_END : w->z.avail_in == 0;
        if (w->z.avail_out == 0 || (done && flush == Z_FINISH && used > 0)) {
            emit_chunk_in_place(w, "IDAT", w->chunk, used);
            w->z.next_out = w->chunk + 8;
            w->z.avail_out = IDAT_BYTES;
        }
        if (done || w->failed || (rc != Z_OK && rc != Z_BUF_ERROR))
            return;
    }
}

/* ---- colours --------------------------------------------------------------------------- */

/* The distinct colours of an image while there are at most 256, in order of
 * first appearance, so the palette is the same on every run. */
typedef struct colors {
    uint32_t key[HASH_SLOTS];
    uint16_t slot[HASH_SLOTS];     /* 0: empty; else index + 1 */
    uint32_t argb[MAX_PALETTE];    /* premultiplied, as cairo has them */
    unsigned n;
} colors;

static unsigned
hash_of(uint32_t argb)
{
    return (argb * 2654435761u) >> 22;   /* Fibonacci hashing to 10 bits */
}

/* The index of @argb, added when new; -1 when a 257th colour is needed. */
static int
color_index(colors *c, uint32_t argb)
{
    unsigned h = hash_of(argb);
    while (c->slot[h]) {
        if (c->key[h] == argb)
            return c->slot[h] - 1;
        h = (h + 1) & (HASH_SLOTS - 1);
    }
    if (c->n == MAX_PALETTE)
        return -1;
    c->key[h] = argb;
    c->argb[c->n] = argb;
    c->slot[h] = (uint16_t)++c->n;
    return (int)c->n - 1;
}

typedef struct image {
    const unsigned char *data;
    int width, height, stride;
    uint32_t alpha_or;   /* 0xff000000 for RGB24, whose alpha byte means nothing */
    int is_opaque;
    int is_few_colors;   /* at most 256: c holds them all */
    colors c;
} image;

static const uint32_t *
row_of(const image *im, int y)
{
    return (const uint32_t *)(const void *)(im->data + (size_t)y * (size_t)im->stride);
}

/* One pass: opacity, and the colours while there are few. Runs of one colour,
 * the usual case on a map, skip the hash. */
static void
analyse(image *im)
{
    uint32_t all = 0xffffffffu, last = 0;
    int counting = 1, have_last = 0;
    for (int y = 0; y < im->height; y++) {
        const uint32_t *row = row_of(im, y);
        for (int x = 0; x < im->width; x++) {
            uint32_t p = row[x] | im->alpha_or;
            all &= p;
            if (!counting || (have_last && p == last))
                continue;
            last = p;
            have_last = 1;
            counting = color_index(&im->c, p) >= 0;
        }
    }
    im->is_opaque = (all >> 24) == 0xff;
    im->is_few_colors = counting;
}

/* Cairo's premultiplied colour as straight RGBA, rounded as cairo's own PNG
 * writer does, so the two decode to the same pixels. */
static void
straight(uint32_t p, unsigned char out[4])
{
    unsigned a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
    if (a != 0 && a != 255) {
        r = (r * 255 + a / 2) / a;
        g = (g * 255 + a / 2) / a;
        b = (b * 255 + a / 2) / a;
    }
    out[0] = (unsigned char)r;
    out[1] = (unsigned char)g;
    out[2] = (unsigned char)b;
    out[3] = (unsigned char)a;
}

/* ---- rows ------------------------------------------------------------------------------ */

/* Fills @dst with row @y in the file's pixel format. */
typedef void (*row_fn)(const image *im, const void *ctx, int y, unsigned char *dst);

static void
row_rgb(const image *im, const void *ctx, int y, unsigned char *dst)
{
    (void)ctx;
    const uint32_t *row = row_of(im, y);
    for (int x = 0; x < im->width; x++, dst += 3) {
        uint32_t p = row[x];
        dst[0] = (unsigned char)(p >> 16);
        dst[1] = (unsigned char)(p >> 8);
        dst[2] = (unsigned char)p;
    }
}

static void
row_rgba(const image *im, const void *ctx, int y, unsigned char *dst)
{
    (void)ctx;
    const uint32_t *row = row_of(im, y);
    for (int x = 0; x < im->width; x++, dst += 4)
        straight(row[x] | im->alpha_or, dst);
}

/* Indices packed @bits to a byte, leftmost pixel in the high bits. */
static void
pack(unsigned char *dst, int width, int bits)
{
    int per_byte = 8 / bits;
    for (int x = 0; x < width; x += per_byte) {
        unsigned v = 0;
        for (int k = 0; k < per_byte; k++)
            v = (v << bits) | (x + k < width ? dst[x + k] : 0u);
        dst[x / per_byte] = (unsigned char)v;
    }
}

typedef struct index_ctx {
    colors *c;                    /* exact: the image's own colours */
    const unsigned char *remapped;   /* quantised: libimagequant's indices */
    int bits;
} index_ctx;

static void
row_index(const image *im, const void *ctx, int y, unsigned char *dst)
{
    const index_ctx *ic = ctx;
    if (ic->remapped) {
        memcpy(dst, ic->remapped + (size_t)y * (size_t)im->width, (size_t)im->width);
    } else {
        const uint32_t *row = row_of(im, y);
        uint32_t last = row[0] | im->alpha_or;
        unsigned char idx = (unsigned char)color_index(ic->c, last);
        for (int x = 0; x < im->width; x++) {
            uint32_t p = row[x] | im->alpha_or;
            if (p != last) {
                last = p;
                idx = (unsigned char)color_index(ic->c, p);
            }
            dst[x] = idx;
        }
    }
    if (ic->bits < 8)
        pack(dst, im->width, ic->bits);
}

/* ---- filters --------------------------------------------------------------------------- */

static unsigned char
paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (unsigned char)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* Row @cur filtered with @type against @prev into @out (n bytes, @bpp a pixel). */
static void
filter_row(int type, const unsigned char *cur, const unsigned char *prev, unsigned char *out,
           size_t n, size_t bpp)
{
    size_t i = 0;
    switch (type) {
    case CM_PNG_FILTER_NONE:
        memcpy(out, cur, n);
        return;
    case CM_PNG_FILTER_SUB:
        for (; i < bpp; i++)
            out[i] = cur[i];
        for (; i < n; i++)
            out[i] = (unsigned char)(cur[i] - cur[i - bpp]);
        return;
    case CM_PNG_FILTER_UP:
        for (; i < n; i++)
            out[i] = (unsigned char)(cur[i] - prev[i]);
        return;
    case CM_PNG_FILTER_AVERAGE:
        for (; i < bpp; i++)
            out[i] = (unsigned char)(cur[i] - (prev[i] >> 1));
        for (; i < n; i++)
            out[i] = (unsigned char)(cur[i] - ((cur[i - bpp] + prev[i]) >> 1));
        return;
    default:
        for (; i < bpp; i++)
            out[i] = (unsigned char)(cur[i] - prev[i]);
        for (; i < n; i++)
            out[i] = (unsigned char)(cur[i] - paeth(cur[i - bpp], prev[i], prev[i - bpp]));
        return;
    }
}

static size_t
cost(const unsigned char *row, size_t n)
{
    size_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += row[i] < 128 ? row[i] : 256u - row[i];
    return sum;
}

/* ---- encoding -------------------------------------------------------------------------- */

typedef struct layout {
    int bit_depth, color_type;
    size_t row_bytes, bpp;
    size_t room;         /* what fill may write: more than row_bytes before packing */
    cm_png_filter filter;
    row_fn fill;
    const void *ctx;
} layout;

/* Rows through the filter into deflate. @buf holds 4 rows of 1 + room: the
 * previous row, this one, the filtered one and a trial for ADAPTIVE. */
static void
deflate_rows(writer *w, const image *im, const layout *l, unsigned char *buf)
{
    size_t n = l->row_bytes, stride = l->room + 1;
    unsigned char *prev = buf + 1, *cur = buf + stride + 1;
    unsigned char *out = buf + 2 * stride, *trial = buf + 3 * stride;
    memset(buf, 0, 4 * stride);
    for (int y = 0; y < im->height && !w->failed; y++) {
        l->fill(im, l->ctx, y, cur);
        int type = l->filter;
        if (type == CM_PNG_FILTER_ADAPTIVE) {
            size_t best = SIZE_MAX;
            for (int t = CM_PNG_FILTER_NONE; t <= CM_PNG_FILTER_PAETH; t++) {
                filter_row(t, cur, prev, trial + 1, n, l->bpp);
                size_t c = cost(trial + 1, n);
                if (c < best) {
                    best = c;
                    type = t;
                    unsigned char *swap = out;
                    out = trial;
                    trial = swap;
                }
            }
        } else {
            filter_row(type, cur, prev, out + 1, n, l->bpp);
        }
        out[0] = (unsigned char)type;
        deflate_bytes(w, out, n + 1, Z_NO_FLUSH);
        unsigned char *swap = prev;
        prev = cur;
        cur = swap;
    }
}

static cm_status
encode(writer *w, const image *im, const layout *l, const cm_png_params *p,
       const unsigned char *plte, const unsigned char *trns, size_t n_colors)
{
    cm_status st = CM_ERR_NOMEM;
    unsigned char *rows = malloc(4 * (l->room + 1));
    w->chunk = malloc(8 + IDAT_BYTES + 4);
    if (!rows || !w->chunk)
        goto cleanup;
    memset(&w->z, 0, sizeof(w->z));
    if (deflateInit2(&w->z, p->level, Z_DEFLATED, 15, 9, p->strategy) != Z_OK)
        goto cleanup;
    w->z.next_out = w->chunk + 8;
    w->z.avail_out = IDAT_BYTES;
    emit_header(w, im->width, im->height, l->bit_depth, l->color_type);
    if (plte)
        emit_chunk(w, "PLTE", plte, 3 * n_colors);
    if (trns)
        emit_chunk(w, "tRNS", trns, n_colors);
    deflate_rows(w, im, l, rows);
    deflate_bytes(w, NULL, 0, Z_FINISH);
    deflateEnd(&w->z);
    emit_chunk(w, "IEND", NULL, 0);
    st = w->failed ? CM_ERR_IO : CM_OK;
cleanup:
    free(w->chunk);
    free(rows);
    return st;
}

static cm_status
encode_true_color(writer *w, const image *im, const cm_png_params *p)
{
    layout l = { 8, im->is_opaque ? 2 : 6, 0, im->is_opaque ? 3 : 4, 0, p->filter,
                 im->is_opaque ? row_rgb : row_rgba, NULL };
    l.row_bytes = l.room = (size_t)im->width * l.bpp;
    return encode(w, im, &l, p, NULL, NULL, 0);
}

/* An indexed image of @n colours (straight RGBA in @rgba); tRNS only when
 * some colour is not opaque. */
static cm_status
encode_indexed(writer *w, const image *im, const cm_png_params *p, const unsigned char *rgba,
               size_t n, index_ctx *ctx)
{
    unsigned char plte[3 * MAX_PALETTE], trns[MAX_PALETTE];
    int has_alpha = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(plte + 3 * i, rgba + 4 * i, 3);
        trns[i] = rgba[4 * i + 3];
        has_alpha |= trns[i] != 255;
    }
    ctx->bits = n <= 2 ? 1 : n <= 4 ? 2 : n <= 16 ? 4 : 8;
    layout l = { ctx->bits, 3, ((size_t)im->width * (size_t)ctx->bits + 7) / 8, 1,
                 (size_t)im->width, p->index_filter, row_index, ctx };
    return encode(w, im, &l, p, plte, has_alpha ? trns : NULL, n);
}

static cm_status
encode_exact_palette(writer *w, image *im, const cm_png_params *p)
{
    unsigned char rgba[4 * MAX_PALETTE];
    for (unsigned i = 0; i < im->c.n; i++)
        straight(im->c.argb[i], rgba + 4 * i);
    index_ctx ctx = { &im->c, NULL, 8 };
    return encode_indexed(w, im, p, rgba, im->c.n, &ctx);
}

/* libimagequant's palette of at most @p->max_colors, without dithering: flat
 * fills stay flat, which keeps the file small and the map clean. */
static cm_status
encode_quantised(writer *w, const image *im, const cm_png_params *p)
{
    cm_status st = CM_ERR_NOMEM;
    size_t n_px = (size_t)im->width * (size_t)im->height;
    unsigned char *straight_px = malloc(4 * n_px), *remapped = malloc(n_px);
    liq_attr *attr = liq_attr_create();
    liq_image *img = NULL;
    liq_result *res = NULL;
    if (!straight_px || !remapped || !attr)
        goto cleanup;
    for (int y = 0; y < im->height; y++)
        row_rgba(im, NULL, y, straight_px + (size_t)y * (size_t)im->width * 4);
    liq_set_max_colors(attr, (int)p->max_colors);
    liq_set_speed(attr, 10);
    img = liq_image_create_rgba(attr, straight_px, im->width, im->height, 0);
    liq_error e = img ? liq_image_quantize(img, attr, &res) : LIQ_OUT_OF_MEMORY;
    if (e == LIQ_OK)
        e = liq_set_dithering_level(res, 0);
    if (e == LIQ_OK)
        e = liq_write_remapped_image(res, img, remapped, n_px);
    if (e != LIQ_OK) {
        st = e == LIQ_OUT_OF_MEMORY ? CM_ERR_NOMEM : CM_ERR_INTERNAL;
        goto cleanup;
    }
    const liq_palette *pal = liq_get_palette(res);
    unsigned char rgba[4 * MAX_PALETTE];
    for (unsigned i = 0; i < pal->count; i++)
        memcpy(rgba + 4 * i, &pal->entries[i], 4);
    index_ctx ctx = { NULL, remapped, 8 };
    st = encode_indexed(w, im, p, rgba, pal->count, &ctx);
cleanup:
    liq_result_destroy(res);
    liq_image_destroy(img);
    liq_attr_destroy(attr);
    free(remapped);
    free(straight_px);
    return st;
}

cm_png_params
cm_png_default_params(unsigned max_colors)
{
    cm_png_params p = { 1, Z_DEFAULT_STRATEGY, CM_PNG_FILTER_NONE, CM_PNG_FILTER_NONE,
                        max_colors };
    return p;
}

cm_status
cm_png_encode(cairo_surface_t *surface, const cm_png_params *p, cm_png_sink sink, void *closure)
{
    cairo_format_t format = cairo_image_surface_get_format(surface);
    if ((format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24) ||
        cairo_image_surface_get_width(surface) < 1 || cairo_image_surface_get_height(surface) < 1)
        return CM_ERR_INTERNAL;   /* draw.c makes neither */
    image *im = calloc(1, sizeof(*im));
    if (!im)
        return CM_ERR_NOMEM;
    cairo_surface_flush(surface);
    im->data = cairo_image_surface_get_data(surface);
    im->width = cairo_image_surface_get_width(surface);
    im->height = cairo_image_surface_get_height(surface);
    im->stride = cairo_image_surface_get_stride(surface);
    im->alpha_or = format == CAIRO_FORMAT_RGB24 ? 0xff000000u : 0;
    analyse(im);
    writer w = { sink, closure, 0, NULL, { 0 } };
    cm_status st;
    if (im->is_few_colors && (p->max_colors == 0 || im->c.n <= p->max_colors))
        st = encode_exact_palette(&w, im, p);
    else if (p->max_colors >= 2)
        st = encode_quantised(&w, im, p);
    else
        st = encode_true_color(&w, im, p);
    free(im);
    return st;
}

static int
outfile_sink(void *closure, const void *data, size_t n)
{
    cm_outfile *o = closure;
    cm_outfile_write(o, data, n);
    return !o->failed;
}

cm_status
cm_png_write(cairo_surface_t *surface, unsigned max_colors, cm_outfile *o)
{
    cm_png_params p = cm_png_default_params(max_colors);
    return cm_png_encode(surface, &p, outfile_sink, o);
}
