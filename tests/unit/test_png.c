/* src/draw/png.c: what it writes decodes (with libpng) to exactly the pixels cairo's
 * own PNG writer gives for the same surface; the opaque map is RGB, a map of
 * few colours is indexed, --png-colors quantises within a small error; the
 * bytes are the same on every run, and the same whether the band encoder
 * reused the previous map's bands or not; a failed write is CM_ERR_IO and
 * leaves no file; cm_render() frees the calling thread's encoder at its end
 * unless told to keep it (keep_buffers). */
#define _XOPEN_SOURCE 700   /* nftw */
#include "check.h"
#include "conflictmap/conflictmap.h"
#include "common/outfile.h"
#include "draw/png.h"
#include "tree.h"

#include <cairo.h>
#include <dirent.h>
#include <libpng16/png.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct buf {
    unsigned char *data;
    size_t n, cap;
    size_t fail_after;   /* the sink refuses once this many bytes are in; 0: never */
} buf;

static int
buf_sink(void *closure, const void *data, size_t n)
{
    buf *b = closure;
    if (b->fail_after && b->n + n > b->fail_after)
        return 0;
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            abort();
    }
    memcpy(b->data + b->n, data, n);
    b->n += n;
    return 1;
}

static cairo_status_t
cairo_sink(void *closure, const unsigned char *data, unsigned int n)
{
    return buf_sink(closure, data, n) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Straight RGBA, 8 bits a channel, whatever the file's colour type. */
static unsigned char *
decode(const buf *b, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof(img));
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, b->data, b->n))
        return NULL;
    img.format = PNG_FORMAT_RGBA;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
    if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
        free(px);
        png_image_free(&img);
        return NULL;
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return px;
}

static int
has_chunk(const buf *b, const char *type)
{
    for (size_t i = 0; i + 4 <= b->n; i++)
        if (!memcmp(b->data + i, type, 4))
            return 1;
    return 0;
}

static uint32_t
crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* Signature, then chunks whose CRCs check out, ending with IEND: what strict
 * readers (Mapnik's, cairo's) insist on, where libpng's simplified reader
 * stops at the last IDAT. */
static int
well_formed(const buf *b)
{
    static const unsigned char sig[8] = { 137, 'P', 'N', 'G', '\r', '\n', 26, '\n' };
    size_t i = 8;
    if (b->n < 8 || memcmp(b->data, sig, 8) != 0)
        return 0;
    while (i + 12 <= b->n) {
        const unsigned char *p = b->data + i;
        size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (i + 12 + len > b->n)
            return 0;
        const unsigned char *q = p + 8 + len;
        uint32_t crc = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
        if (crc != crc32_of(p + 4, len + 4))
            return 0;
        i += 12 + len;
        if (!memcmp(p + 4, "IEND", 4))
            return i == b->n;
    }
    return 0;
}

static int bit_depth(const buf *b) { return b->n > 25 ? b->data[24] : -1; }
static int color_type(const buf *b) { return b->n > 25 ? b->data[25] : -1; }

static buf
encode(cairo_surface_t *s, unsigned max_colors)
{
    buf b = { 0 };
    cm_png_params p = cm_png_default_params(max_colors);
    CHECK_INT(cm_png_encode(s, &p, buf_sink, &b), CM_OK);
    CHECK(well_formed(&b));
    return b;
}

/* A channel as it shows: premultiplied by alpha, so that a transparent
 * pixel's colour, which means nothing, counts for nothing. */
static int
shown(const unsigned char *px, size_t i)
{
    return i % 4 == 3 ? px[i] : (px[i] * px[i | 3] + 127) / 255;
}

/* How far ours is from cairo's: the largest channel difference (straight
 * RGBA when @exact, else as shown), and the mean; -1 when either does not
 * decode or the sizes differ. */
static int
compare_with_cairo(cairo_surface_t *s, const buf *ours, int exact, double *mean)
{
    buf theirs = { 0 };
    int w1, h1, w2, h2, worst = -1;
    cairo_surface_write_to_png_stream(s, cairo_sink, &theirs);
    unsigned char *a = decode(ours, &w1, &h1), *b = decode(&theirs, &w2, &h2);
    if (a && b && w1 == w2 && h1 == h2) {
        double sum = 0;
        worst = 0;
        for (size_t i = 0; i < (size_t)w1 * h1 * 4; i++) {
            int d = exact ? abs(a[i] - b[i]) : abs(shown(a, i) - shown(b, i));
            worst = d > worst ? d : worst;
            sum += d;
        }
        *mean = sum / ((double)w1 * h1 * 4);
    }
    free(a);
    free(b);
    free(theirs.data);
    return worst;
}

/* ---- scenes ---------------------------------------------------------------------------- */

/* A map-like image: a flat sea, antialiased land and lines, a gradient, so
 * thousands of colours. @opaque: on white; else on transparent, with
 * translucent shapes. */
static cairo_surface_t *
many_colors(int w, int h, int opaque)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    if (opaque) {
        cairo_set_source_rgb(cr, 0.86, 0.9, 0.93);
        cairo_paint(cr);
    }
    cairo_pattern_t *g = cairo_pattern_create_linear(0, 0, w, h);
    cairo_pattern_add_color_stop_rgba(g, 0, 0.9, 0.2, 0.1, opaque ? 1 : 0.3);
    cairo_pattern_add_color_stop_rgba(g, 1, 0.1, 0.3, 0.9, opaque ? 1 : 0.9);
    cairo_set_source(cr, g);
    cairo_arc(cr, w * 0.4, h * 0.5, h * 0.35, 0, 6.283);
    cairo_fill(cr);
    cairo_pattern_destroy(g);
    cairo_set_source_rgba(cr, 0.1, 0.1, 0.1, opaque ? 1 : 0.6);
    cairo_set_line_width(cr, 1.3);
    for (int i = 0; i < 12; i++) {
        cairo_move_to(cr, 3.3 * i, 0);
        cairo_curve_to(cr, w * 0.3, h * 0.2 + i, w * 0.6, h * 0.9 - 2 * i, w, h - 3.7 * i);
    }
    cairo_stroke(cr);
    cairo_destroy(cr);
    return s;
}

/* @n flat rectangles without antialiasing: exactly @n + 1 colours (with the
 * background), translucent unless @opaque. */
static cairo_surface_t *
few_colors(int w, int h, int n, int opaque)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    cairo_set_source_rgb(cr, 1, 1, 1);
    if (opaque)
        cairo_paint(cr);
    for (int i = 0; i < n; i++) {
        cairo_set_source_rgba(cr, (i * 37 % 256) / 255.0, (i * 91 % 256) / 255.0,
                              (i * 13 % 256) / 255.0, opaque ? 1 : 0.25 + 0.5 * (i % 2));
        int x0 = i * w / n, x1 = (i + 1) * w / n;   /* side by side, no overlap */
        cairo_rectangle(cr, x0, i % 3, x1 - x0, h - i % 3);
        cairo_fill(cr);
    }
    cairo_destroy(cr);
    return s;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void
test_opaque_is_rgb_and_exact(void)
{
    cairo_surface_t *s = many_colors(301, 203, 1);
    buf b = encode(s, 0);
    double mean = -1;
    CHECK_INT(color_type(&b), 2);
    CHECK_INT(bit_depth(&b), 8);
    CHECK_INT(compare_with_cairo(s, &b, 1, &mean), 0);
    free(b.data);
    cairo_surface_destroy(s);
}

static void
test_translucent_is_rgba_and_exact(void)
{
    cairo_surface_t *s = many_colors(257, 190, 0);
    buf b = encode(s, 0);
    double mean = -1;
    CHECK_INT(color_type(&b), 6);
    CHECK_INT(bit_depth(&b), 8);
    CHECK_INT(compare_with_cairo(s, &b, 1, &mean), 0);
    free(b.data);
    cairo_surface_destroy(s);
}

/* Exact palettes at every bit depth, opaque and translucent (tRNS), with
 * widths that leave part of a byte over. */
static void
test_few_colors_are_indexed_and_exact(void)
{
    static const struct { int n_rects, depth; } cases[] = {
        { 1, 1 }, { 3, 2 }, { 15, 4 }, { 40, 8 }, { 255, 8 } };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (int opaque = 0; opaque <= 1; opaque++) {
            cairo_surface_t *s = few_colors(515, 37, cases[i].n_rects, opaque);
            buf b = encode(s, 0);
            double mean = -1;
            CHECK_INT(color_type(&b), 3);
            CHECK_INT(bit_depth(&b), cases[i].depth);
            CHECK_INT(compare_with_cairo(s, &b, 1, &mean), 0);
            CHECK_INT(has_chunk(&b, "tRNS"), !opaque);
            free(b.data);
            cairo_surface_destroy(s);
        }
}

/* The palette lists the colours in the order they first appear from the top
 * left, though the colours are counted from the middle row first (analyse):
 * three rows of blue, then red, then green, then a last row of white, give
 * blue, red, green, white, whatever the rows' heights. Then a 257th colour in
 * the first row only, the last one counted: RGB, not a palette. */
static void
test_palette_in_order_of_appearance(void)
{
    static const uint32_t colour[4] = { 0xff0000ffu, 0xffff0000u, 0xff00ff00u, 0xffffffffu };
    static const int heights[][4] = { { 3, 1, 5, 1 }, { 1, 1, 1, 1 }, { 1, 9, 1, 9 } };
    for (size_t t = 0; t < sizeof(heights) / sizeof(heights[0]); t++) {
        int rows = 0;
        for (int k = 0; k < 4; k++)
            rows += heights[t][k];
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 7, rows);
        uint32_t *px = (uint32_t *)(void *)cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s) / 4;
        for (int k = 0, y = 0; k < 4; k++)
            for (int r = 0; r < heights[t][k]; r++, y++)
                for (int x = 0; x < 7; x++)
                    px[y * stride + x] = colour[k];
        cairo_surface_mark_dirty(s);
        buf b = encode(s, 0);
        CHECK_INT(color_type(&b), 3);
        size_t at = 0;
        for (size_t i = 8; i + 8 <= b.n && !at; i++)
            if (!memcmp(b.data + i, "PLTE", 4))
                at = i + 4;
        static const unsigned char want[12] = { 0, 0, 255, 255, 0, 0, 0, 255, 0, 255, 255, 255 };
        CHECK(at && at + 12 <= b.n && memcmp(b.data + at, want, 12) == 0);
        free(b.data);
        cairo_surface_destroy(s);
    }
    cairo_surface_t *s = few_colors(1028, 20, 255, 1);   /* 256 colours */
    uint32_t *px = (uint32_t *)(void *)cairo_image_surface_get_data(s);
    px[1027] = 0xff123457u;
    cairo_surface_mark_dirty(s);
    buf b = encode(s, 0);
    double mean = -1;
    CHECK_INT(color_type(&b), 2);
    CHECK_INT(compare_with_cairo(s, &b, 1, &mean), 0);
    free(b.data);
    cairo_surface_destroy(s);
}

/* 257 colours are one too many for an exact palette. */
static void
test_257_colors_are_rgb(void)
{
    cairo_surface_t *s = few_colors(1028, 20, 256, 1);
    buf b = encode(s, 0);
    double mean = -1;
    CHECK_INT(color_type(&b), 2);
    CHECK_INT(compare_with_cairo(s, &b, 1, &mean), 0);
    free(b.data);
    cairo_surface_destroy(s);
}

/* --png-colors: libimagequant's palette, close to the original. */
static void
test_quantised(void)
{
    static const unsigned max_colors[] = { 256, 16 };
    for (int opaque = 0; opaque <= 1; opaque++)
        for (size_t k = 0; k < 2; k++) {
            cairo_surface_t *s = many_colors(301, 203, opaque);
            buf b = encode(s, max_colors[k]);
            double mean = -1;
            CHECK_INT(color_type(&b), 3);
            CHECK_INT(bit_depth(&b), max_colors[k] == 16 ? 4 : 8);
            int worst = compare_with_cairo(s, &b, 0, &mean);
            CHECK(worst >= 0);
            CHECK(mean < (max_colors[k] == 16 ? 4.0 : 1.5));
            if (!(mean < (max_colors[k] == 16 ? 4.0 : 1.5)))
                fprintf(stderr, "quantised to %u: mean error %.2f, worst %d\n",
                        max_colors[k], mean, worst);
            free(b.data);
            cairo_surface_destroy(s);
        }
    /* Few colours stay exact even when a palette is asked for. */
    cairo_surface_t *s = few_colors(200, 30, 20, 1);
    buf b = encode(s, 64);
    double mean = -1;
    CHECK_INT(compare_with_cairo(s, &b, 1, &mean), 0);
    free(b.data);
    cairo_surface_destroy(s);
}

/* A map of more colours than the histogram takes (2^18, here noise): the
 * quantiser's own image path, still indexed. */
static void
test_quantised_noise(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 700, 500);
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t seed = 12345;
    for (int y = 0; y < 500; y++)
        for (int x = 0; x < 700; x++) {
            seed = seed * 1664525u + 1013904223u;
            ((uint32_t *)(void *)(d + (size_t)y * stride))[x] = 0xff000000u | (seed >> 8);
        }
    cairo_surface_mark_dirty(s);
    buf b = encode(s, 256);
    int w = 0, h = 0;
    unsigned char *px = decode(&b, &w, &h);
    CHECK_INT(color_type(&b), 3);
    CHECK(px != NULL && w == 700 && h == 500);
    free(px);
    free(b.data);
    cairo_surface_destroy(s);
}

static void
test_same_bytes_every_time(void)
{
    cairo_surface_t *s = many_colors(640, 480, 1);
    for (unsigned colors = 0; colors <= 256; colors += 256) {
        buf a = encode(s, colors), b = encode(s, colors);
        CHECK(a.n == b.n && memcmp(a.data, b.data, a.n) == 0);
        free(a.data);
        free(b.data);
    }
    cairo_surface_destroy(s);
}

static buf
encode_with(cairo_surface_t *s, int level, int fresh)
{
    buf b = { 0 };
    cm_png_params p = cm_png_default_params(0);
    p.level = level;
    p.fresh = fresh;
    CHECK_INT(cm_png_encode(s, &p, buf_sink, &b), CM_OK);
    CHECK(well_formed(&b));
    return b;
}

static int
same_bytes(const buf *a, const buf *b)
{
    return a->n == b->n && memcmp(a->data, b->data, a->n) == 0;
}

/* A caller's word that the image is opaque (a map over its ground) changes
 * nothing but the work: the same bytes, true colour, cairo's pixels, for an
 * image with thousands of colours and for one with a few (still indexed). */
static void
test_opaque_hint(void)
{
    cairo_surface_t *images[2] = { many_colors(301, 203, 1), few_colors(120, 40, 7, 1) };
    for (int i = 0; i < 2; i++) {
        cm_png_params p = cm_png_default_params(0);
        buf plain = { 0 }, told = { 0 };
        p.fresh = 1;
        CHECK_INT(cm_png_encode(images[i], &p, buf_sink, &plain), CM_OK);
        p.opaque = 1;
        CHECK_INT(cm_png_encode(images[i], &p, buf_sink, &told), CM_OK);
        CHECK(same_bytes(&plain, &told));
        CHECK_INT(color_type(&told), i == 0 ? 2 : 3);
        double mean = -1;
        CHECK_INT(compare_with_cairo(images[i], &told, 1, &mean), 0);
        free(plain.data);
        free(told.data);
        cairo_surface_destroy(images[i]);
    }
}

/* The band encoder (level 0, the default) and libdeflate (1) both give
 * cairo's pixels; the band encoder, one map after another in this thread,
 * reuses the bands the maps share and gives the same bytes as encoding the
 * map alone; so do maps of another size or format in between. */
static void
test_band_reuse(void)
{
    for (int opaque = 1; opaque >= 0; opaque--) {
        cairo_surface_t *a = many_colors(640, 480, opaque), *b = many_colors(640, 480, opaque);
        cairo_t *cr = cairo_create(b);   /* a label drawn on b: a few bands differ */
        cairo_set_source_rgba(cr, 0.8, 0.1, 0.1, opaque ? 1 : 0.5);
        cairo_rectangle(cr, 100.5, 300.25, 60, 7);
        cairo_fill(cr);
        cairo_destroy(cr);
        cairo_surface_t *other = many_colors(320, 479, opaque);
        double mean = -1;
        buf b_libdeflate = encode_with(b, 1, 1), b_alone = encode_with(b, 0, 1);
        CHECK_INT(compare_with_cairo(b, &b_libdeflate, 1, &mean), 0);
        CHECK_INT(compare_with_cairo(b, &b_alone, 1, &mean), 0);
        CHECK_INT(color_type(&b_alone), opaque ? 2 : 6);
        buf a1 = encode_with(a, 0, 0), b_after_a = encode_with(b, 0, 0);
        size_t bands = 0, reused = cm_png_bands_reused(&bands);
        CHECK(bands == 30 && reused >= 20 && reused < bands);   /* 16 rows a band */
        buf a_after_b = encode_with(a, 0, 0), a_alone = encode_with(a, 0, 1);
        buf o = encode_with(other, 0, 0), b_after_other = encode_with(b, 0, 0);
        buf b_again = encode_with(b, 0, 0);
        CHECK(same_bytes(&b_after_a, &b_alone));
        CHECK(same_bytes(&a_after_b, &a_alone));
        CHECK(same_bytes(&a1, &a_alone));
        CHECK(same_bytes(&b_after_other, &b_alone));
        CHECK(same_bytes(&b_again, &b_alone));
        CHECK_INT(compare_with_cairo(b, &b_after_a, 1, &mean), 0);
        CHECK(!same_bytes(&a_alone, &b_alone));
        buf *all[] = { &b_libdeflate, &b_alone, &a1, &b_after_a, &a_after_b, &a_alone, &o,
                       &b_after_other, &b_again };
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            free(all[i]->data);
        cairo_surface_destroy(a);
        cairo_surface_destroy(b);
        cairo_surface_destroy(other);
    }
}

static void
test_sink_failure_is_io(void)
{
    cairo_surface_t *s = many_colors(300, 200, 1);
    buf whole = encode(s, 0);
    free(whole.data);
    CHECK(whole.n > 1000);
    /* In the header, in the first IDAT, mid-image, in the last chunk. */
    size_t afters[] = { 10, 100, whole.n / 2, whole.n - 1 };
    for (size_t i = 0; i < 4; i++) {
        size_t after = afters[i];
        buf b = { 0 };
        b.fail_after = after;
        cm_png_params p = cm_png_default_params(0);
        CHECK_INT(cm_png_encode(s, &p, buf_sink, &b), CM_ERR_IO);
        free(b.data);
    }
    cairo_surface_destroy(s);
}

static int
count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* A disk that fills up mid-file (a file size limit, as tests/e2e/hostile.sh
 * uses): CM_ERR_IO, and neither the file nor its temporary is left. */
static void
test_full_disk_leaves_nothing(void)
{
    char dir[] = "png-XXXXXX", path[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/map.png", dir);
    cairo_surface_t *s = many_colors(800, 600, 1);
    struct rlimit old, small = { 20000, 20000 };
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    signal(SIGXFSZ, SIG_IGN);
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &small), 0);
    cm_outfile o;
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_outfile_open(&o, path, diags), CM_OK);
    CHECK_INT(cm_png_write(s, 0, 0, NULL, &o), CM_ERR_IO);
    CHECK_INT(cm_outfile_commit(&o, diags), CM_ERR_IO);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK_INT(count_entries(dir), 0);
    CHECK(cm_diag_count(diags) == 1 && strstr(cm_diag_text(diags, 0), "map.png") != NULL);
    cm_diag_list_destroy(diags);
    cairo_surface_destroy(s);
    rmdir(dir);
}

/* Renders the example's PNGs at 320x240 in this thread: 15 bands of 16 rows. */
static void
render_example(int keep_buffers)
{
    static const char *const gazetteers[] = { CM_SOURCE_DIR "/gazetteer/caucasus.tsv" };
    static const char *const shapes[] = { CM_SOURCE_DIR "/shapes" };
    char dir[] = "png-render-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    cm_render_options o = { 0 };
    o.events_path = CM_SOURCE_DIR "/examples/karabakh-2020-10-09.json";
    o.out_dir = dir;
    o.formats = CM_FORMAT_PNG;
    o.shapes = shapes;
    o.n_shapes = 1;
    o.gazetteers = gazetteers;
    o.n_gazetteers = 1;
    o.no_shipped_data = 1;
    o.width_px = 320;
    o.height_px = 240;
    o.scale = 1;
    o.jobs = 1;   /* drawn by this thread */
    o.keep_buffers = keep_buffers;
    CHECK_INT(cm_render(&o, NULL, NULL), CM_OK);
    /* the whole folder: a run publishes its sets in sets/ */
    CHECK_INT(tree_remove(dir), 0);
}

/* A run frees this thread's encoder (no bands left to reuse); with
 * keep_buffers, as watch renders, the next run finds the last map's bands. */
static void
test_render_keeps_encoder(void)
{
    size_t bands = 1;
    cm_png_release();
    render_example(0);
    CHECK_INT(cm_png_bands_reused(&bands), 0);
    CHECK_INT(bands, 0);
    render_example(1);
    cm_png_bands_reused(&bands);
    CHECK_INT(bands, 15);
    cm_png_release();
    cm_png_bands_reused(&bands);
    CHECK_INT(bands, 0);
}

int
main(void)
{
    test_opaque_is_rgb_and_exact();
    test_translucent_is_rgba_and_exact();
    test_few_colors_are_indexed_and_exact();
    test_257_colors_are_rgb();
    test_palette_in_order_of_appearance();
    test_quantised();
    test_quantised_noise();
    test_same_bytes_every_time();
    test_band_reuse();
    test_opaque_hint();
    test_sink_failure_is_io();
    test_full_disk_leaves_nothing();
    test_render_keeps_encoder();
    return check_result("test_png");
}
