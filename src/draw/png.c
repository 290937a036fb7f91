/* PNG encoding: one pass counts colours and checks opacity, then rows are
 * converted and filtered. A true-colour map's rows go to src/draw/deflate.c, a
 * zlib encoder made for maps (a pixel back, a row back, a small hash),
 * which compresses them in bands of 16 rows and, from one map to the next in
 * the same thread, keeps the bands whose rows (and the row above) did not
 * change: the bytes are the same as compressing everything (so -j N writes
 * the same files for every N): smaller than libdeflate level 1, in about
 * two thirds of its time afresh and a quarter with the bands of the map
 * before. An indexed map's rows go to one buffer that libdeflate
 * compresses (level 6: better than the band encoder there, and quantising
 * dominates). The zlib stream goes out as IDAT chunks of at most 2^31 - 1
 * bytes. bench/README.md has the measurements. */
#include "draw/png.h"

#include "draw/deflate.h"

#include <libdeflate.h>
#include <libimagequant.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    HASH_SLOTS = 1024,      /* > 4 * 256, so probes stay short */
    MAX_PALETTE = 256
};

/* ---- chunks ---------------------------------------------------------------------------- */

typedef struct writer {
    cm_png_sink sink;
    void *closure;
    int failed;
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
    if (!w->failed && n && !w->sink(w->closure, data, n))
        w->failed = 1;
}

/* One chunk: length, type, @n bytes of data, CRC of type and data. */
static void
emit_chunk(writer *w, const char *type, const void *data, size_t n)
{
    unsigned char head[8], crc[4];
    put_be32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    uint32_t c = libdeflate_crc32(0, type, 4);
    if (n)   /* libdeflate_crc32(c, NULL, 0) is 0, not c: IEND's CRC was wrong */
        c = libdeflate_crc32(c, data, n);
    put_be32(crc, c);
    emit(w, head, sizeof(head));
    emit(w, data, n);
    emit(w, crc, sizeof(crc));
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

/* The colours of row @y into @c while there are at most 256 (*@last: the
 * pixel before, whose colour is known); 0 once a 257th is needed. @all: the
 * AND of the row's pixels with those before. */
static int
count_row(const image *im, colors *c, int y, uint32_t *all, uint32_t *last, int *have_last)
{
    const uint32_t *row = row_of(im, y);
    for (int x = 0; x < im->width; x++) {
        uint32_t p = row[x] | im->alpha_or;
        *all &= p;
        if (*have_last && p == *last)
            continue;
        *last = p;
        *have_last = 1;
        if (color_index(c, p) < 0)
            return 0;
    }
    return 1;
}

/* One pass: opacity, and the colours while there are few. Runs of one colour,
 * the usual case on a map, skip the hash. @opaque: the caller knows every
 * pixel is, and the pass stops with the colours: on a map, past a few dozen
 * rows, where reading the rest for opacity was a pass over every pixel of
 * every slice (94 M instructions over bench's standard job). The rows are
 * read from the middle down, then from the top: a map's 257th colour is a
 * few rows into its middle (its borders' antialiasing), 57 rows into its
 * white title band (26 M instructions over the same job). An image found to
 * have few colours is counted again from its top, so that its palette is in
 * the order of first appearance, the same as before. */
static void
analyse(image *im, int opaque)
{
    uint32_t all = 0xffffffffu, last = 0;
    int counting = 1, have_last = 0, mid = im->height / 2;
    for (int k = 0; k < im->height; k++) {
        int y = k < im->height - mid ? mid + k : k - (im->height - mid);
        if (!counting && opaque)
            break;
        if (!counting) {   /* past 256 colours: opacity alone, a loop that vectorises */
            const uint32_t *row = row_of(im, y);
            for (int x = 0; x < im->width; x++)
                all &= row[x] | im->alpha_or;
            continue;
        }
        counting = count_row(im, &im->c, y, &all, &last, &have_last);
    }
    if (counting && mid > 0) {   /* few colours: again in the file's order */
        memset(&im->c, 0, sizeof(im->c));
        have_last = 0;
        for (int y = 0; y < im->height; y++)
            count_row(im, &im->c, y, &all, &last, &have_last);
    }
    im->is_opaque = opaque || (all >> 24) == 0xff;
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

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* Sixteen pixels at a time, with SSSE3's byte shuffle: each 4 pixels' B, G,
 * R, A bytes (little-endian 0xAARRGGBB) become R, G, B, and the four groups
 * of 12 bytes are joined into three stores. Returns the pixels done. Every
 * x86-64 processor made since 2008 has SSSE3; rgb_pixels() asks this one. */
__attribute__((target("ssse3"))) static int
rgb_ssse3(const uint32_t *row, int width, unsigned char *dst)
{
    const __m128i pick = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    int x = 0;
    for (; x + 16 <= width; x += 16, dst += 48) {
        __m128i a = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x)), pick);
        __m128i b = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x + 4)), pick);
        __m128i c = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x + 8)), pick);
        __m128i d = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x + 12)), pick);
        _mm_storeu_si128((__m128i *)dst, _mm_or_si128(a, _mm_slli_si128(b, 12)));
        _mm_storeu_si128((__m128i *)(dst + 16),
                         _mm_or_si128(_mm_srli_si128(b, 4), _mm_slli_si128(c, 8)));
        _mm_storeu_si128((__m128i *)(dst + 32),
                         _mm_or_si128(_mm_srli_si128(c, 8), _mm_slli_si128(d, 4)));
    }
    return x;
}

#endif

/* @width pixels of @row as R, G, B bytes into @dst. */
static void
rgb_pixels(const uint32_t *row, int width, unsigned char *dst)
{
    int x = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("ssse3")) {   /* a flag libgcc set at start */
        x = rgb_ssse3(row, width, dst);
        dst += 3 * (size_t)x;
    }
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Eight pixels as three 64-bit words: bswap(p << 8) is a pixel's R, G, B
     * and a zero byte. */
    for (; x + 8 <= width; x += 8, dst += 24) {
        uint64_t c[8];
        for (int i = 0; i < 8; i++)
            c[i] = __builtin_bswap32(row[x + i] << 8);
        uint64_t w0 = c[0] | c[1] << 24 | c[2] << 48;
        uint64_t w1 = c[2] >> 16 | c[3] << 8 | c[4] << 32 | c[5] << 56;
        uint64_t w2 = c[5] >> 8 | c[6] << 16 | c[7] << 40;
        memcpy(dst, &w0, 8);
        memcpy(dst + 8, &w1, 8);
        memcpy(dst + 16, &w2, 8);
    }
#endif
    for (; x < width; x++, dst += 3) {
        uint32_t p = row[x];
        dst[0] = (unsigned char)(p >> 16);
        dst[1] = (unsigned char)(p >> 8);
        dst[2] = (unsigned char)p;
    }
}

static void
row_rgb(const image *im, const void *ctx, int y, unsigned char *dst)
{
    (void)ctx;
    rgb_pixels(row_of(im, y), im->width, dst);
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

struct histogram;

typedef struct index_ctx {
    colors *c;                    /* exact: the image's own colours */
    const unsigned char *remapped;   /* quantised: libimagequant's indices */
    struct histogram *h;          /* quantised: each colour's entry */
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

/* Where filtered rows go: into @raw (1 + row_bytes a row) for libdeflate,
 * or through the band encoder when @raw is NULL. */
typedef struct rows_out {
    unsigned char *raw;
    cm_deflate *d;
} rows_out;

/* Every row filtered to @out. @work holds 3 rows of room: the previous row
 * and this one unfiltered, and a trial for ADAPTIVE. */
static void
filter_rows(const image *im, const layout *l, unsigned char *work, const rows_out *out)
{
    size_t n = l->row_bytes, room = l->room;
    unsigned char *prev = work, *cur = work + room, *trial = work + 2 * room;
    memset(work, 0, 3 * room);
    for (int y = 0; y < im->height; y++) {
        unsigned char *raw = out->raw ? out->raw + (size_t)y * (n + 1)
                                      : cm_deflate_row(out->d, (size_t)y);
        int type = l->filter;
        if (type == CM_PNG_FILTER_NONE && room == n) {   /* straight in, no copy */
            raw[0] = 0;
            l->fill(im, l->ctx, y, raw + 1);
        } else {
            l->fill(im, l->ctx, y, cur);
            if (type == CM_PNG_FILTER_ADAPTIVE) {
                size_t best = SIZE_MAX;
                for (int t = CM_PNG_FILTER_NONE; t <= CM_PNG_FILTER_PAETH; t++) {
                    filter_row(t, cur, prev, trial, n, l->bpp);
                    size_t c = cost(trial, n);
                    if (c < best) {
                        best = c;
                        type = t;
                        memcpy(raw + 1, trial, n);
                    }
                }
            } else {
                filter_row(type, cur, prev, raw + 1, n, l->bpp);
            }
            raw[0] = (unsigned char)type;
            unsigned char *swap = prev;
            prev = cur;
            cur = swap;
        }
        if (!out->raw)
            cm_deflate_row_done(out->d, (size_t)y);
    }
}

static int
by_top(const void *a, const void *b)
{
    const int *p = *(const int (*)[4])a, *q = *(const int (*)[4])b;
    return (p[1] > q[1]) - (p[1] < q[1]);
}

/* The rectangles of @live over a row of @width pixels, as merged spans
 * [x0, x1) in order, in @spans (two ints each); returns how many. */
static size_t
row_spans(int (*const *live)[4], size_t n, int width, int (*spans)[2])
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const int *r = *live[i];
        int x0 = r[0] > 0 ? r[0] : 0, x1 = r[2] < width ? r[2] : width;
        if (x1 <= x0)
            continue;
        size_t at = k++;   /* insertion sort by x0: a row has a few dozen at most */
        for (; at > 0 && spans[at - 1][0] > x0; at--) {
            spans[at][0] = spans[at - 1][0];
            spans[at][1] = spans[at - 1][1];
        }
        spans[at][0] = x0;
        spans[at][1] = x1;
    }
    size_t m = 0;
    for (size_t i = 0; i < k; i++)
        if (m && spans[i][0] <= spans[m - 1][1]) {
            spans[m - 1][1] = spans[i][1] > spans[m - 1][1] ? spans[i][1] : spans[m - 1][1];
        } else {
            spans[m][0] = spans[i][0];
            spans[m][1] = spans[i][1];
            m++;
        }
    return m;
}

/* filter_rows() for an RGB image without filters that differs from the
 * previous one only within @ch's rectangles: each row's pixels inside them
 * are converted and compared with the previous image's, in place, and the
 * rest is the previous image's already. The rectangles over a row, and its
 * spans, change only where one starts or ends. Returns 0 when out of memory
 * (before any row). */
static int
filter_spans(const image *im, cm_deflate *d, const cm_png_changes *ch)
{
    size_t n = ch->n_rects, n_live = 0, n_spans = 0, next = 0;
    int (*r)[4] = malloc((n ? n : 1) * sizeof(*r));
    int (**live)[4] = malloc((n ? n : 1) * sizeof(*live));
    int (*spans)[2] = malloc((n ? n : 1) * sizeof(*spans));
    unsigned char *tmp = malloc(3 * (size_t)im->width);
    if (!r || !live || !spans || !tmp) {
        free(r);
        free(live);
        free(spans);
        free(tmp);
        return 0;
    }
    if (n) {   /* none: an image the same as the one before */
        memcpy(r, ch->rects, n * sizeof(*r));
        qsort(r, n, sizeof(*r), by_top);
    }
    for (int y = 0; y < im->height; y++) {
        size_t kept = 0;
        for (size_t i = 0; i < n_live; i++)
            if ((*live[i])[3] > y)
                live[kept++] = live[i];
        int changed_set = kept != n_live;
        n_live = kept;
        for (; next < n && r[next][1] <= y; next++, changed_set = 1)
            if (r[next][3] > y)
                live[n_live++] = &r[next];
        if (changed_set)
            n_spans = row_spans((int (*const *)[4])live, n_live, im->width, spans);
        unsigned char *old = cm_deflate_prev_row(d, (size_t)y) + 1;   /* after the filter byte */
        const uint32_t *row = row_of(im, y);
        int changed = 0;
        for (size_t i = 0; i < n_spans; i++) {
            int x0 = spans[i][0], x1 = spans[i][1];
            size_t bytes = 3 * (size_t)(x1 - x0);
            rgb_pixels(row + x0, x1 - x0, tmp);
            if (memcmp(old + 3 * (size_t)x0, tmp, bytes) != 0) {
                memcpy(old + 3 * (size_t)x0, tmp, bytes);
                changed = 1;
            }
        }
        cm_deflate_row_kept(d, (size_t)y, changed);
    }
    free(r);
    free(live);
    free(spans);
    free(tmp);
    return 1;
}

/* The zlib stream as IDAT chunks of at most 2^31 - 1 bytes (PNG's limit),
 * from pieces of any size. */
typedef struct idat_writer {
    writer *w;
    size_t left, chunk_left;   /* bytes of the stream, of this chunk */
    uint32_t crc;
} idat_writer;

static int
idat_piece(void *closure, const void *data, size_t n)
{
    idat_writer *c = closure;
    const unsigned char *p = data;
    while (n > 0 && !c->w->failed) {
        if (c->chunk_left == 0) {
            unsigned char head[8];
            c->chunk_left = c->left < 0x7fffffffu ? c->left : 0x7fffffffu;
            put_be32(head, (uint32_t)c->chunk_left);
            memcpy(head + 4, "IDAT", 4);
            emit(c->w, head, 8);
            c->crc = libdeflate_crc32(0, "IDAT", 4);
        }
        size_t k = n < c->chunk_left ? n : c->chunk_left;
        c->crc = libdeflate_crc32(c->crc, p, k);
        emit(c->w, p, k);
        p += k;
        n -= k;
        c->left -= k;
        c->chunk_left -= k;
        if (c->chunk_left == 0) {
            unsigned char crc[4];
            put_be32(crc, c->crc);
            emit(c->w, crc, 4);
        }
    }
    return !c->w->failed;
}

/* Each thread keeps its buffers and compressors from one map to the next: a
 * fresh 6 MB buffer a map costs its page faults again, some 15% of the
 * encoding (measured with perf), and the band encoder keeps the previous
 * map's bands to reuse. Freed when the thread ends. */
/* The band encoder of one size of image: an HTML run writes each slice at
 * 1x, at 2x and as the phone's page, and with one encoder for all three no
 * band was ever reused. */
typedef struct bands_of_size {
    cm_deflate *d;
    size_t rows, stride, bpp;           /* of its last image; 0: none yet */
    uint64_t token;                     /* the last image's cm_png_changes token, or 0 */
} bands_of_size;

enum { N_SIZES = 4 };

typedef struct scratch {
    unsigned char *raw, *z;             /* libdeflate's (levels 1-12) */
    size_t raw_cap, z_cap;
    struct libdeflate_compressor *c;
    int level;
    bands_of_size sizes[N_SIZES];       /* level 0; the most recently used first */
} scratch;

static pthread_key_t scratch_key;
static int scratch_key_ok;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void
scratch_free(void *p)
{
    scratch *s = p;
    if (!s)
        return;
    libdeflate_free_compressor(s->c);
    for (int i = 0; i < N_SIZES; i++)
        cm_deflate_destroy(s->sizes[i].d);
    free(s->z);
    free(s->raw);
    free(s);
}

static void
scratch_init(void)
{
    scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

void
cm_png_release(void)
{
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_key_ok)
        return;
    scratch_free(pthread_getspecific(scratch_key));
    pthread_setspecific(scratch_key, NULL);
}

size_t
cm_png_bands_reused(size_t *bands)
{
    pthread_once(&scratch_once, scratch_init);
    scratch *s = scratch_key_ok ? pthread_getspecific(scratch_key) : NULL;
    cm_deflate *d = s ? s->sizes[0].d : NULL;
    *bands = d ? cm_deflate_bands(d) : 0;
    return d ? cm_deflate_reused(d) : 0;
}

/* The band encoder for images of @rows x @stride bytes, @bpp a pixel, made
 * first in @s's list; NULL when out of memory. */
static bands_of_size *
bands_for(scratch *s, size_t rows, size_t stride, size_t bpp)
{
    int i = 0;
    while (i < N_SIZES && s->sizes[i].d &&
           !(s->sizes[i].rows == rows && s->sizes[i].stride == stride && s->sizes[i].bpp == bpp))
        i++;
    if (i == N_SIZES || !s->sizes[i].d) {   /* a new size: the least recently used goes */
        i = i == N_SIZES ? N_SIZES - 1 : i;
        if (!s->sizes[i].d)
            s->sizes[i].d = cm_deflate_create();
        if (!s->sizes[i].d)
            return NULL;
        s->sizes[i].rows = rows;
        s->sizes[i].stride = stride;
        s->sizes[i].bpp = bpp;
        s->sizes[i].token = 0;
    }
    bands_of_size b = s->sizes[i];
    memmove(s->sizes + 1, s->sizes, (size_t)i * sizeof(s->sizes[0]));
    s->sizes[0] = b;
    return &s->sizes[0];
}

/* This thread's scratch; NULL when out of memory. */
static scratch *
get_scratch(void)
{
    pthread_once(&scratch_once, scratch_init);
    scratch *s = scratch_key_ok ? pthread_getspecific(scratch_key) : NULL;
    if (!s) {
        s = calloc(1, sizeof(*s));
        if (!s || (scratch_key_ok && pthread_setspecific(scratch_key, s) != 0)) {
            free(s);
            return NULL;
        }
    }
    return s;
}

/* @s with libdeflate's compressor at @level and room for @raw_bytes; 0 when
 * out of memory (what it held stays consistent). */
static int
libdeflate_ready(scratch *s, size_t raw_bytes, int level)
{
    if (!s->c || s->level != level) {
        libdeflate_free_compressor(s->c);
        s->c = libdeflate_alloc_compressor(level);
        s->level = level;
    }
    size_t bound = s->c ? libdeflate_zlib_compress_bound(s->c, raw_bytes) : 0;
    if (s->c && s->raw_cap < raw_bytes) {
        free(s->raw);
        s->raw = malloc(raw_bytes);
        s->raw_cap = s->raw ? raw_bytes : 0;
    }
    if (s->c && s->z_cap < bound) {
        free(s->z);
        s->z = malloc(bound);
        s->z_cap = s->z ? bound : 0;
    }
    return s->c && s->raw_cap >= raw_bytes && s->z_cap >= bound;
}

/* The rows filtered and compressed, as a zlib stream of *packed bytes that
 * put_stream() writes; level 0 is src/draw/deflate.c's band encoder. */
static cm_status
compress(scratch *s, const image *im, const layout *l, const cm_png_params *p, size_t *packed)
{
    size_t raw_bytes = (size_t)im->height * (l->row_bytes + 1);
    unsigned char *work = malloc(3 * l->room);
    cm_status st = work ? CM_OK : CM_ERR_NOMEM;
    *packed = 0;
    if (st == CM_OK && p->level == 0) {
        bands_of_size *b = bands_for(s, (size_t)im->height, l->row_bytes + 1, l->bpp);
        st = b ? cm_deflate_begin(b->d, (size_t)im->height, l->row_bytes + 1, l->bpp,
                                     !p->fresh)
                  : CM_ERR_NOMEM;
        if (st == CM_OK) {
            /* only the pixels that can differ from the thread's last image */
            const cm_png_changes *ch = p->changes;
            int spans = ch && ch->since && ch->since == b->token && cm_deflate_comparing(b->d) &&
                        l->fill == row_rgb && l->filter == CM_PNG_FILTER_NONE &&
                        l->room == l->row_bytes && !p->fresh;
            if (spans && !filter_spans(im, b->d, ch)) {
                st = CM_ERR_NOMEM;
            } else if (!spans) {
                rows_out out = { NULL, b->d };
                filter_rows(im, l, work, &out);
            }
            if (st == CM_OK)
                *packed = cm_deflate_end(b->d);
        }
    } else if (st == CM_OK) {
        st = libdeflate_ready(s, raw_bytes, p->level) ? CM_OK : CM_ERR_NOMEM;
        if (st == CM_OK) {
            rows_out out = { s->raw, NULL };
            filter_rows(im, l, work, &out);
            *packed = libdeflate_zlib_compress(s->c, s->raw, raw_bytes, s->z, s->z_cap);
        }
    }
    free(work);
    /* the next image may say it differs from this one, when this one is in the
     * band encoder's rows */
    if (p->level == 0 && s->sizes[0].d)
        s->sizes[0].token = st == CM_OK && *packed && p->changes ? p->changes->token : 0;
    /* packed == 0: the output outgrew its bound, a bug */
    return st == CM_OK && *packed == 0 ? CM_ERR_INTERNAL : st;
}

static void
put_stream(writer *w, scratch *s, const cm_png_params *p, size_t packed)
{
    idat_writer c = { w, packed, 0, 0 };
    if (p->level == 0)
        cm_deflate_emit(s->sizes[0].d, idat_piece, &c);
    else
        idat_piece(&c, s->z, packed);
}

static cm_status
encode(writer *w, const image *im, const layout *l, const cm_png_params *p,
       const unsigned char *plte, const unsigned char *trns, size_t n_colors)
{
    scratch *s = get_scratch();
    if (!s)
        return CM_ERR_NOMEM;
    size_t packed;
    cm_status st = compress(s, im, l, p, &packed);
    if (st == CM_OK) {
        emit_header(w, im->width, im->height, l->bit_depth, l->color_type);
        if (plte)
            emit_chunk(w, "PLTE", plte, 3 * n_colors);
        if (trns)
            emit_chunk(w, "tRNS", trns, n_colors);
        put_stream(w, s, p, packed);
        emit_chunk(w, "IEND", NULL, 0);
    }
    if (!scratch_key_ok)   /* no thread key: this scratch is nobody's */
        scratch_free(s);
    return st != CM_OK ? st : w->failed ? CM_ERR_IO : CM_OK;
}

static cm_status
encode_true_color(writer *w, const image *im, const cm_png_params *p)
{
    layout l = { 8, im->is_opaque ? 2 : 6, 0, im->is_opaque ? 3 : 4, 0, p->filter,
                 im->is_opaque ? row_rgb : row_rgba, NULL };
    l.row_bytes = l.room = (size_t)im->width * l.bpp;
    return encode(w, im, &l, p, NULL, NULL, 0);
}

static void row_mapped(const image *im, const void *ctx, int y, unsigned char *dst);

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
                 (size_t)im->width, p->index_filter, ctx->h ? row_mapped : row_index, ctx };
    cm_png_params q = *p;
    q.level = p->index_level;
    return encode(w, im, &l, &q, plte, has_alpha ? trns : NULL, n);
}

static cm_status
encode_exact_palette(writer *w, image *im, const cm_png_params *p)
{
    unsigned char rgba[4 * MAX_PALETTE];
    for (unsigned i = 0; i < im->c.n; i++)
        straight(im->c.argb[i], rgba + 4 * i);
    index_ctx ctx = { &im->c, NULL, NULL, 8 };
    return encode_indexed(w, im, p, rgba, im->c.n, &ctx);
}

/* ---- quantising ----------------------------------------------------------------------- */

/* Every distinct colour of a map with its count, so that libimagequant works
 * on a few thousand colours instead of two million pixels, and remapping is a
 * look-up: 4 times faster than its own image path (measured). A map of more
 * than MAX_HISTOGRAM colours (a photograph) takes the image path. */
enum { MAX_HISTOGRAM = 1 << 18 };

typedef struct histogram {
    uint32_t *key, *count;
    unsigned char *index;   /* each colour's palette entry, once quantised */
    size_t n, slots;
} histogram;

static void
histogram_free(histogram *h)
{
    free(h->key);
    free(h->count);
    free(h->index);
}

static size_t
histogram_slot(const histogram *h, uint32_t argb)
{
    size_t i = (size_t)(argb * 2654435761u) & (h->slots - 1);
    while (h->count[i] && h->key[i] != argb)
        i = (i + 1) & (h->slots - 1);
    return i;
}

static int
histogram_grow(histogram *h)
{
    histogram g = { NULL, NULL, NULL, h->n, h->slots ? h->slots * 2 : 1 << 14 };
    g.key = malloc(g.slots * sizeof(*g.key));
    g.count = calloc(g.slots, sizeof(*g.count));
    g.index = malloc(g.slots);
    if (!g.key || !g.count || !g.index) {
        histogram_free(&g);
        return 0;
    }
    for (size_t i = 0; i < h->slots; i++)
        if (h->count[i]) {
            size_t j = histogram_slot(&g, h->key[i]);
            g.key[j] = h->key[i];
            g.count[j] = h->count[i];
        }
    histogram_free(h);
    *h = g;
    return 1;
}

/* CM_OK; CM_ERR_INPUT (not an input error here: too many colours); NOMEM. */
static cm_status
histogram_fill(histogram *h, const image *im)
{
    if (!histogram_grow(h))
        return CM_ERR_NOMEM;
    for (int y = 0; y < im->height; y++) {
        const uint32_t *row = row_of(im, y);
        size_t slot = 0;
        uint32_t last = 0;
        for (int x = 0; x < im->width; x++) {
            uint32_t p = row[x] | im->alpha_or;
            if (x == 0 || p != last) {
                last = p;
                slot = histogram_slot(h, p);
                if (!h->count[slot]) {
                    if (++h->n > MAX_HISTOGRAM)
                        return CM_ERR_INPUT;
                    if (h->n * 2 > h->slots) {
                        if (!histogram_grow(h))
                            return CM_ERR_NOMEM;
                        slot = histogram_slot(h, p);
                    }
                    h->key[slot] = p;
                }
            }
            h->count[slot]++;
        }
    }
    return CM_OK;
}

/* Each colour's nearest palette entry, as it shows (premultiplied). */
static void
histogram_map(histogram *h, const liq_palette *pal)
{
    int pm[MAX_PALETTE][4];
    for (unsigned k = 0; k < pal->count; k++) {
        const liq_color *c = &pal->entries[k];
        pm[k][0] = c->r * c->a;
        pm[k][1] = c->g * c->a;
        pm[k][2] = c->b * c->a;
        pm[k][3] = c->a * 255;
    }
    for (size_t i = 0; i < h->slots; i++) {
        if (!h->count[i])
            continue;
        unsigned char px[4];
        straight(h->key[i], px);
        int v[4] = { px[0] * px[3], px[1] * px[3], px[2] * px[3], px[3] * 255 };
        long long best = -1;
        for (unsigned k = 0; k < pal->count; k++) {
            long long d = 0;
            for (int c = 0; c < 4; c++)
                d += (long long)(v[c] - pm[k][c]) * (v[c] - pm[k][c]);
            if (best < 0 || d < best) {
                best = d;
                h->index[i] = (unsigned char)k;
            }
        }
    }
}

static void
row_mapped(const image *im, const void *ctx, int y, unsigned char *dst)
{
    const histogram *h = ((const index_ctx *)ctx)->h;
    const uint32_t *row = row_of(im, y);
    uint32_t last = row[0] | im->alpha_or;
    unsigned char idx = h->index[histogram_slot(h, last)];
    for (int x = 0; x < im->width; x++) {
        uint32_t p = row[x] | im->alpha_or;
        if (p != last) {
            last = p;
            idx = h->index[histogram_slot(h, p)];
        }
        dst[x] = idx;
    }
    if (((const index_ctx *)ctx)->bits < 8)
        pack(dst, im->width, ((const index_ctx *)ctx)->bits);
}

static cm_status
palette_out(writer *w, const image *im, const cm_png_params *p, const liq_palette *pal,
            index_ctx *ctx)
{
    unsigned char rgba[4 * MAX_PALETTE];
    for (unsigned i = 0; i < pal->count; i++)
        memcpy(rgba + 4 * i, &pal->entries[i], 4);
    return encode_indexed(w, im, p, rgba, pal->count, ctx);
}

static liq_attr *
quantiser(const cm_png_params *p)
{
    liq_attr *attr = liq_attr_create();
    if (attr) {
        liq_set_max_colors(attr, (int)p->max_colors);
        liq_set_speed(attr, 10);
    }
    return attr;
}

static cm_status
status_of(liq_error e)
{
    return e == LIQ_OK ? CM_OK : e == LIQ_OUT_OF_MEMORY ? CM_ERR_NOMEM : CM_ERR_INTERNAL;
}

/* libimagequant's palette of at most @p->max_colors from the map's histogram,
 * each colour mapped to its nearest entry: no dithering, so flat fills stay
 * flat, which keeps the file small and the map clean. */
static cm_status
encode_from_histogram(writer *w, const image *im, const cm_png_params *p, histogram *h)
{
    liq_attr *attr = quantiser(p);
    liq_histogram *lh = attr ? liq_histogram_create(attr) : NULL;
    liq_histogram_entry *entries = malloc(h->n * sizeof(*entries));
    liq_result *res = NULL;
    cm_status st = CM_ERR_NOMEM;
    if (!attr || !lh || !entries)
        goto cleanup;
    size_t n = 0;
    for (size_t i = 0; i < h->slots; i++)
        if (h->count[i]) {
            unsigned char px[4];
            straight(h->key[i], px);
            entries[n].color = (liq_color){ px[0], px[1], px[2], px[3] };
            entries[n++].count = h->count[i];
        }
    st = status_of(liq_histogram_add_colors(lh, attr, entries, (int)n, 0));
    if (st == CM_OK)
        st = status_of(liq_histogram_quantize(lh, attr, &res));
    if (st != CM_OK)
        goto cleanup;
    histogram_map(h, liq_get_palette(res));
    index_ctx ctx = { NULL, NULL, h, 8 };
    st = palette_out(w, im, p, liq_get_palette(res), &ctx);
cleanup:
    if (res)
        liq_result_destroy(res);
    if (lh)
        liq_histogram_destroy(lh);
    if (attr)
        liq_attr_destroy(attr);
    free(entries);
    return st;
}

/* The same through libimagequant's image path, for maps of too many colours. */
static cm_status
encode_from_pixels(writer *w, const image *im, const cm_png_params *p)
{
    cm_status st = CM_ERR_NOMEM;
    size_t n_px = (size_t)im->width * (size_t)im->height;
    unsigned char *straight_px = malloc(4 * n_px), *remapped = malloc(n_px);
    liq_attr *attr = quantiser(p);
    liq_image *img = NULL;
    liq_result *res = NULL;
    if (!straight_px || !remapped || !attr)
        goto cleanup;
    for (int y = 0; y < im->height; y++)
        row_rgba(im, NULL, y, straight_px + (size_t)y * (size_t)im->width * 4);
    img = liq_image_create_rgba(attr, straight_px, im->width, im->height, 0);
    st = img ? status_of(liq_image_quantize(img, attr, &res)) : CM_ERR_NOMEM;
    if (st == CM_OK)
        st = status_of(liq_set_dithering_level(res, 0));
    if (st == CM_OK)
        st = status_of(liq_write_remapped_image(res, img, remapped, n_px));
    if (st != CM_OK)
        goto cleanup;
    index_ctx ctx = { NULL, remapped, NULL, 8 };
    st = palette_out(w, im, p, liq_get_palette(res), &ctx);
cleanup:
    if (res)
        liq_result_destroy(res);
    if (img)
        liq_image_destroy(img);
    if (attr)
        liq_attr_destroy(attr);
    free(remapped);
    free(straight_px);
    return st;
}

static cm_status
encode_quantised(writer *w, const image *im, const cm_png_params *p)
{
    histogram h = { 0 };
    cm_status st = histogram_fill(&h, im);
    if (st == CM_OK)
        st = encode_from_histogram(w, im, p, &h);
    histogram_free(&h);
    return st == CM_ERR_INPUT ? encode_from_pixels(w, im, p) : st;
}

cm_png_params
cm_png_default_params(unsigned max_colors)
{
    /* bench/README.md: no filter at level 1 is the fastest and the smallest of
     * the fast ones (313 KB, 14 ms a map; libpng's fastest, 340 KB, 18 ms);
     * an indexed map is a third of the bytes, where level 6 is worth its time. */
    cm_png_params p = { 0, 6, CM_PNG_FILTER_NONE, CM_PNG_FILTER_NONE, max_colors, 0, 0, NULL };
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
    analyse(im, p->opaque);
    writer w = { sink, closure, 0 };
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
cm_png_write(cairo_surface_t *surface, unsigned max_colors, int opaque,
             const cm_png_changes *changes, cm_outfile *o)
{
    cm_png_params p = cm_png_default_params(max_colors);
    p.opaque = opaque;
    p.changes = changes;
    cm_status st = cm_png_encode(surface, &p, outfile_sink, o);
    /* the file's 256 KB buffer holds most of a PNG: a write that fails is
     * known here, not only when the file is committed */
    return st == CM_OK && !cm_outfile_flush(o) ? CM_ERR_IO : st;
}
