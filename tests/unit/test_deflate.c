/* src/draw/deflate.c: every stream inflates (zlib's inflate) to exactly the rows
 * given, whatever their size and content: empty, one byte, 10 MB of zeros,
 * random bytes (stored, no more than stored blocks' overhead), rendered maps,
 * rows longer than deflate's window, widths 1 to 9, bands of one row, symbol
 * frequencies skewed past 15-bit codes; code lengths stay within their limit
 * and make a complete code; an image encoded after another, reusing its
 * bands, gives the same bytes as encoded alone, and bands are reused; so do
 * random images changed in random places, one after another, of many
 * geometries. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "check.h"
#include "conflictmap/conflictmap.h"
#include "draw/deflate.h"
#include "tree.h"

#include <cairo.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

typedef struct buf {
    unsigned char *data;
    size_t n, cap;
} buf;

static int
buf_put(void *closure, const void *data, size_t n)
{
    buf *b = closure;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            abort();
    }
    if (n)
        memcpy(b->data + b->n, data, n);
    b->n += n;
    return 1;
}

/* @rows rows of @stride bytes from @img through @d. */
static buf
encode_with(cm_deflate *d, const unsigned char *img, size_t rows, size_t stride, size_t bpp,
            int reuse)
{
    buf b = { 0 };
    CHECK_INT(cm_deflate_begin(d, rows, stride, bpp, reuse), CM_OK);
    for (size_t y = 0; y < rows; y++) {
        memcpy(cm_deflate_row(d, y), img + y * stride, stride);
        cm_deflate_row_done(d, y);
    }
    size_t n = cm_deflate_end(d);
    CHECK(n > 0);
    CHECK(cm_deflate_emit(d, buf_put, &b));
    CHECK_INT(b.n, n);
    return b;
}

static buf
encode_fresh(const unsigned char *img, size_t rows, size_t stride, size_t bpp)
{
    cm_deflate *d = cm_deflate_create();
    CHECK(d != NULL);
    buf b = encode_with(d, img, rows, stride, bpp, 1);
    cm_deflate_destroy(d);
    return b;
}

/* 1 when @z inflates (zlib, checking the Adler-32) to exactly @n bytes of @img. */
static int
inflates_to(const buf *z, const unsigned char *img, size_t n)
{
    unsigned char *out = malloc(n + 1);
    z_stream s;
    memset(&s, 0, sizeof(s));
    if (!out || inflateInit(&s) != Z_OK) {
        free(out);
        return 0;
    }
    s.next_in = z->data;
    s.avail_in = (uInt)z->n;
    s.next_out = out;
    s.avail_out = (uInt)(n + 1);
    int r = inflate(&s, Z_FINISH);
    int ok = r == Z_STREAM_END && s.total_out == n && s.avail_in == 0 &&
             (n == 0 || memcmp(out, img, n) == 0);
    if (!ok)
        fprintf(stderr, "inflate: %d (%s), %lu of %zu bytes, %u left\n", r,
                s.msg ? s.msg : "", s.total_out, n, s.avail_in);
    inflateEnd(&s);
    free(out);
    return ok;
}

/* Encodes, checks the round trip, returns the size. */
static size_t
round_trip(const unsigned char *img, size_t rows, size_t stride, size_t bpp)
{
    buf z = encode_fresh(img, rows, stride, bpp);
    CHECK(inflates_to(&z, img, rows * stride));
    free(z.data);
    return z.n;
}

static uint32_t seed = 2463534242u;

static uint32_t
next_random(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}

/* ---- scenes ----------------------------------------------------------------------------- */

/* A scanline image of flat runs with a few noisy pixels: filter byte 0, then
 * runs of colours @bpp bytes wide, some rows copied from the row above. */
static unsigned char *
flat_image(size_t rows, size_t width, size_t bpp)
{
    size_t stride = 1 + width * bpp;
    unsigned char *img = calloc(rows ? rows * stride : 1, 1);
    for (size_t y = 0; y < rows; y++) {
        unsigned char *row = img + y * stride;
        if (y > 0 && next_random() % 3 == 0) {
            memcpy(row, row - stride, stride);
            continue;
        }
        unsigned char px[8] = { 0 };
        for (size_t x = 0; x < width; x++) {
            uint32_t r = next_random();
            if (x == 0 || r % 17 == 0)
                for (size_t c = 0; c < bpp; c++)
                    px[c] = (unsigned char)(next_random() >> 8);
            memcpy(row + 1 + x * bpp, px, bpp);
            if (r % 97 == 0)
                row[1 + x * bpp] ^= 0x5a;
        }
    }
    return img;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_empty_and_one_byte(void)
{
    unsigned char one = 42;
    CHECK_INT(round_trip(&one, 0, 1, 1), 2 + 2 + 4);
    CHECK(round_trip(&one, 1, 1, 1) <= 2 + 6 + 2 + 4);
}

static void
test_zeros(void)
{
    size_t stride = 4801, rows = 10 * 1024 * 1024 / stride + 1;
    unsigned char *img = calloc(rows * stride, 1);
    size_t n = round_trip(img, rows, stride, 3);
    CHECK(n < 40 * 1024);   /* 10 MB of zeros is a few long matches a row */
    free(img);
}

/* Incompressible: stored blocks, their 5 bytes each, and no more. */
static void
test_random(void)
{
    static const size_t strides[] = { 1, 4801, 70001 };
    for (size_t k = 0; k < 3; k++) {
        size_t stride = strides[k], rows = (1 << 20) / stride + 3;
        size_t n = rows * stride;
        unsigned char *img = malloc(n);
        for (size_t i = 0; i < n; i++)
            img[i] = (unsigned char)(next_random() >> 11);
        size_t z = round_trip(img, rows, stride, 3);
        size_t band = 16 * stride, bands = (rows + 15) / 16;   /* BAND_ROWS */
        size_t overhead = 8 + bands * (5 * ((band + 65534) / 65535) + 6);
        CHECK(z <= n + overhead);
        if (z > n + overhead)
            fprintf(stderr, "random, stride %zu: %zu bytes for %zu\n", stride, z, n);
        free(img);
    }
}

/* Rows of 12,000 RGB pixels (36,001 bytes): the byte above is out of
 * deflate's reach, and zlib rejects a distance too far back. */
static void
test_rows_past_the_window(void)
{
    static const size_t widths[] = { 10922, 10923, 12000 };   /* 32,767, 32,770 and 36,001 */
    for (size_t k = 0; k < 3; k++) {
        unsigned char *img = flat_image(40, widths[k], 3);
        round_trip(img, 40, 1 + widths[k] * 3, 3);
        free(img);
    }
    /* Exactly 32,768 bytes a row: the row above is just in reach. */
    unsigned char *img = flat_image(40, 32767, 1);
    round_trip(img, 40, 32768, 1);
    free(img);
}

static void
test_small_widths_and_bands(void)
{
    static const size_t bpps[] = { 1, 2, 3, 4, 6, 8 };
    static const size_t rows[] = { 1, 2, 31, 32, 33, 65, 100 };
    for (size_t width = 1; width <= 9; width++)
        for (size_t b = 0; b < 6; b++)
            for (size_t r = 0; r < 7; r++) {
                unsigned char *img = flat_image(rows[r], width, bpps[b]);
                round_trip(img, rows[r], 1 + width * bpps[b], bpps[b]);
                free(img);
            }
}

/* Literal counts of a Fibonacci series: Huffman's codes would be 25 bits
 * deep; more than 32,768 symbols, so more than one block a band. */
static void
test_skewed(void)
{
    size_t fib[26] = { 1, 1 }, n = 0;
    for (int i = 2; i < 26; i++)
        fib[i] = fib[i - 1] + fib[i - 2];
    for (int i = 0; i < 26; i++)
        n += fib[i];
    unsigned char *img = malloc(n);
    size_t at = 0;
    for (int i = 0; i < 26; i++)
        for (size_t k = 0; k < fib[i]; k++)
            img[at++] = (unsigned char)(i * 9);
    for (size_t i = n - 1; i > 0; i--) {   /* shuffled: literals, few matches */
        size_t j = next_random() % (i + 1);
        unsigned char t = img[i];
        img[i] = img[j];
        img[j] = t;
    }
    size_t stride = 1000;
    round_trip(img, n / stride, stride, 3);
    round_trip(img, 1, n, 3);   /* one band, one row */
    free(img);
}

/* A random rectangle of @img (@rows of @stride bytes, @bpp a pixel) painted
 * over: a flat colour, noise, a copy of another part of the image (matches
 * at any distance, across bands), or a short pattern repeated (matches a
 * few bytes back); at most 24 rows, so that other bands stay as they were. */
static void
scribble(unsigned char *img, size_t rows, size_t stride, size_t bpp)
{
    size_t y0 = next_random() % rows, x0 = next_random() % stride;
    size_t h = 1 + next_random() % (rows - y0 < 24 ? rows - y0 : 24);
    size_t w = 1 + next_random() % (stride - x0);
    size_t sy = next_random() % rows, sx = next_random() % stride;
    size_t period = 1 + next_random() % 24;
    unsigned kind = next_random() % 4;
    unsigned char px[8], pat[24];
    for (size_t i = 0; i < 8; i++)
        px[i] = (unsigned char)(next_random() >> 8);
    for (size_t i = 0; i < 24; i++)
        pat[i] = (unsigned char)(next_random() >> 8);
    for (size_t y = y0; y < y0 + h; y++)
        for (size_t x = x0; x < x0 + w; x++) {
            unsigned char *q = img + y * stride + x;
            if (kind == 0)
                *q = px[(x - x0) % bpp];
            else if (kind == 1)
                *q = (unsigned char)(next_random() >> 8);
            else if (kind == 2)
                *q = img[(sy + y - y0) % rows * stride + (sx + x - x0) % stride];
            else
                *q = pat[(x - x0) % period];
        }
}

/* Images of many geometries, each changed in a few random places after
 * every encoding and encoded again with the same state: every stream
 * inflates to its image, is the same bytes as the image encoded afresh, and
 * the bands that did not change were reused. Geometries: bands longer than
 * the window, a row out of its reach, rows shorter than a pixel, pixels of
 * 1 to 8 bytes. */
static void
test_random_changes(void)
{
    static const size_t geometry[][3] = {   /* rows, stride, bpp */
        { 70, 1 + 211 * 3, 3 },   { 40, 1 + 1500 * 3, 3 }, { 37, 1 + 800 * 4, 4 },
        { 50, 1 + 3000, 1 },      { 20, 1 + 12000 * 3, 3 }, { 300, 1, 3 },
        { 33, 1 + 2 * 8, 8 },     { 48, 1 + 100 * 2, 2 },   { 17, 1 + 30 * 6, 6 },
    };
    for (size_t g = 0; g < sizeof(geometry) / sizeof(geometry[0]); g++) {
        size_t rows = geometry[g][0], stride = geometry[g][1], bpp = geometry[g][2];
        size_t width = (stride - 1) / bpp, reused = 0;
        unsigned char *img = flat_image(rows, width, bpp);
        if (1 + width * bpp != stride) {   /* not whole pixels: a blank start */
            free(img);
            img = calloc(rows * stride, 1);
        }
        for (int i = 0; i < 30; i++)
            scribble(img, rows, stride, bpp);
        cm_deflate *d = cm_deflate_create();
        CHECK(d != NULL);
        for (int round = 0; round < 10; round++) {
            buf z = encode_with(d, img, rows, stride, bpp, 1);
            CHECK(inflates_to(&z, img, rows * stride));
            if (round > 0)
                reused += cm_deflate_reused(d);
            if (round == 5)   /* nothing changed: every band again */
                CHECK_INT(cm_deflate_reused(d), cm_deflate_bands(d));
            if (round % 3 == 1) {
                buf fresh = encode_fresh(img, rows, stride, bpp);
                CHECK(fresh.n == z.n && !memcmp(fresh.data, z.data, z.n));
                free(fresh.data);
            }
            free(z.data);
            int changes = round == 4 ? 0 : 1 + (int)(next_random() % 3);
            for (int i = 0; i < changes; i++)
                scribble(img, rows, stride, bpp);
        }
        CHECK(reused > cm_deflate_bands(d));   /* more than the unchanged round's */
        cm_deflate_destroy(d);
        free(img);
    }
}

/* The lengths themselves: at most @limit, a complete code (Kraft sum 1),
 * a rarer symbol never shorter than a more frequent one. */
static void
check_lengths(const uint32_t *freq, unsigned n, unsigned limit)
{
    uint8_t len[286];
    cm_deflate_code_lengths(freq, n, limit, len);
    uint64_t kraft = 0;
    unsigned used = 0, max = 0;
    for (unsigned s = 0; s < n; s++) {
        CHECK(len[s] <= limit);
        CHECK(freq[s] == 0 || len[s] > 0);
        if (len[s]) {
            kraft += (uint64_t)1 << (limit - len[s]);
            used++;
            max = len[s] > max ? len[s] : max;
        }
        for (unsigned t = 0; t < n; t++)
            if (freq[s] && freq[t] && freq[s] < freq[t])
                CHECK(len[s] >= len[t]);
    }
    CHECK(used >= 2);
    CHECK_INT(kraft, (uint64_t)1 << limit);
}

static void
test_code_lengths(void)
{
    uint32_t freq[286];
    /* Fibonacci frequencies: 40 symbols would be 39 bits deep */
    memset(freq, 0, sizeof(freq));
    freq[0] = freq[1] = 1;
    for (unsigned s = 2; s < 40; s++)
        freq[s] = freq[s - 1] + freq[s - 2];
    check_lengths(freq, 286, 15);
    check_lengths(freq, 19, 7);
    /* Powers of two on every symbol; one symbol; none; all equal. */
    for (unsigned s = 0; s < 286; s++)
        freq[s] = 1u << (s % 31);
    check_lengths(freq, 286, 15);
    check_lengths(freq, 19, 7);
    memset(freq, 0, sizeof(freq));
    freq[7] = 100;
    check_lengths(freq, 30, 15);
    freq[7] = 0;
    check_lengths(freq, 30, 15);
    for (unsigned s = 0; s < 286; s++)
        freq[s] = 5;
    check_lengths(freq, 286, 15);
    /* Exactly at the limit: 2^7 = 128 > 19 symbols of the 7-bit code */
    for (unsigned s = 0; s < 19; s++)
        freq[s] = 1u << s;
    check_lengths(freq, 19, 7);
}

/* ---- rendered maps ----------------------------------------------------------------------- */

#define EXAMPLE CM_SOURCE_DIR "/examples/karabakh-2020-10-09.json"

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The example rendered at 800x600 (cm_render into a temporary folder): its
 * first slice (@last 0) or its last, read back by cairo, as RGB scanlines
 * (filter byte 0), as src/draw/png.c writes them. */
static unsigned char *
rendered(int last, size_t *rows, size_t *stride)
{
    static const char *const gazetteers[] = { CM_SOURCE_DIR "/gazetteer/caucasus.tsv" };
    static const char *const shapes[] = { CM_SOURCE_DIR "/shapes" };
    char dir[] = "deflate-maps-XXXXXX", path[512], *names[64];
    size_t n = 0;
    CHECK(mkdtemp(dir) != NULL);
    cm_render_options o = { 0 };
    o.events_path = EXAMPLE;
    o.out_dir = dir;
    o.formats = CM_FORMAT_PNG;
    o.shapes = shapes;
    o.n_shapes = 1;
    o.gazetteers = gazetteers;
    o.n_gazetteers = 1;
    o.no_shipped_data = 1;   /* these files only, whatever is installed */
    o.width_px = 800;
    o.height_px = 600;
    o.scale = 1;
    CHECK_INT(cm_render(&o, NULL, NULL), CM_OK);
    DIR *dd = opendir(dir);
    for (struct dirent *e; dd && (e = readdir(dd));) {
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".png") && n < 64)
            names[n++] = strdup(path);
        else if (e->d_name[0] != '.')
            unlink(path);
    }
    if (dd)
        closedir(dd);
    CHECK(n >= 2);
    qsort(names, n, sizeof(names[0]), cmp_names);
    cairo_surface_t *s = cairo_image_surface_create_from_png(names[last ? n - 1 : 0]);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    CHECK_INT(tree_remove(dir), 0);   /* the run's sets/ too */
    CHECK_INT(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int cs = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    *rows = (size_t)h;
    *stride = 1 + 3 * (size_t)w;
    unsigned char *img = malloc(*rows * *stride);
    for (size_t y = 0; y < *rows; y++) {
        unsigned char *out = img + y * *stride;
        *out++ = 0;
        for (int x = 0; x < w; x++, out += 3) {
            uint32_t px;
            memcpy(&px, d + y * (size_t)cs + 4 * (size_t)x, 4);
            out[0] = (unsigned char)(px >> 16);
            out[1] = (unsigned char)(px >> 8);
            out[2] = (unsigned char)px;
        }
    }
    cairo_surface_destroy(s);
    return img;
}

/* The maps round-trip and compress; B after A (bands reused) is the same
 * bytes as B alone, and as B with reuse turned off; so is A after B, A after
 * an image of other rows, and A after itself (every band reused). */
static void
test_maps_and_reuse(void)
{
    size_t rows, stride, rows_b, stride_b;
    unsigned char *a = rendered(0, &rows, &stride), *b = rendered(1, &rows_b, &stride_b);
    CHECK(rows == rows_b && stride == stride_b && rows == 600);
    CHECK(memcmp(a, b, rows * stride) != 0);
    size_t na = round_trip(a, rows, stride, 3);
    CHECK(na < rows * stride / 8);
    round_trip(b, rows, stride, 3);

    buf b_alone = encode_fresh(b, rows, stride, 3);
    buf a_alone = encode_fresh(a, rows, stride, 3);
    cm_deflate *d = cm_deflate_create();
    buf first = encode_with(d, a, rows, stride, 3, 1);
    CHECK_INT(cm_deflate_reused(d), 0);
    buf b_after_a = encode_with(d, b, rows, stride, 3, 1);
    size_t reused = cm_deflate_reused(d), bands = cm_deflate_bands(d);
    CHECK(reused > 0 && reused < bands);   /* the slices differ in places only */
    buf a_after_b = encode_with(d, a, rows, stride, 3, 1);
    buf a_again = encode_with(d, a, rows, stride, 3, 1);
    CHECK_INT(cm_deflate_reused(d), bands);
    buf b_no_reuse = encode_with(d, b, rows, stride, 3, 0);
    CHECK_INT(cm_deflate_reused(d), 0);
    /* Every row but one the same: that band and the one below it again. */
    unsigned char *c = malloc(rows * stride);
    memcpy(c, a, rows * stride);
    c[100 * stride + 7] ^= 1;
    buf a_before_c = encode_with(d, a, rows, stride, 3, 1);
    buf c_after_a = encode_with(d, c, rows, stride, 3, 1);
    CHECK_INT(cm_deflate_reused(d), bands - 1);
    buf c_alone = encode_fresh(c, rows, stride, 3);
    c[128 * stride - 1] ^= 1;   /* row 127, the last of band 3: band 4 below it too */
    buf c2_after_c = encode_with(d, c, rows, stride, 3, 1);
    CHECK_INT(cm_deflate_reused(d), bands - 2);
    buf c2_alone = encode_fresh(c, rows, stride, 3);
    /* Other geometry in between: nothing reused, same bytes. */
    unsigned char *other = flat_image(rows, 799, 3);
    buf o = encode_with(d, other, rows, 1 + 799 * 3, 3, 1);
    buf a_after_other = encode_with(d, a, rows, stride, 3, 1);
    CHECK_INT(cm_deflate_reused(d), 0);

    const buf *same_as_a[] = { &first, &a_after_b, &a_again, &a_before_c, &a_after_other };
    for (size_t i = 0; i < 5; i++)
        CHECK(same_as_a[i]->n == a_alone.n && !memcmp(same_as_a[i]->data, a_alone.data, a_alone.n));
    CHECK(b_after_a.n == b_alone.n && !memcmp(b_after_a.data, b_alone.data, b_alone.n));
    CHECK(b_no_reuse.n == b_alone.n && !memcmp(b_no_reuse.data, b_alone.data, b_alone.n));
    CHECK(c_after_a.n == c_alone.n && !memcmp(c_after_a.data, c_alone.data, c_alone.n));
    CHECK(c2_after_c.n == c2_alone.n && !memcmp(c2_after_c.data, c2_alone.data, c2_alone.n));
    CHECK(inflates_to(&c2_after_c, c, rows * stride));
    buf *all[] = { &b_alone, &a_alone, &first, &b_after_a, &a_after_b, &a_again, &b_no_reuse,
                   &a_before_c, &c_after_a, &c_alone, &c2_after_c, &c2_alone, &o,
                   &a_after_other };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        free(all[i]->data);
    cm_deflate_destroy(d);
    free(other);
    free(c);
    free(a);
    free(b);
}

int
main(void)
{
    test_empty_and_one_byte();
    test_zeros();
    test_random();
    test_rows_past_the_window();
    test_small_widths_and_bands();
    test_skewed();
    test_code_lengths();
    test_random_changes();
    test_maps_and_reuse();
    return check_result("test_deflate");
}
