/* bench/pngbench: PNG encoding alone, on the maps conflictmap drew.
 *   pngbench sweep FILE.png...    conflictmap's encoder (src/draw/png.c) over
 *                                 libdeflate's levels and the filters: ms and bytes
 *   pngbench libpng LEVEL STRATEGY FILTER REPS FILE.png...
 *                                 libpng alone encoding the same pixels (RGB,
 *                                 8-bit) at that compression: median ms an image
 *   pngbench ours COLORS REPS FILE.png...   src/draw/png.c's defaults, the same way: the
 *                                 band encoder, each image after the one before
 *                                 (bands reused; the first of each repetition fresh)
 *   pngbench fresh COLORS REPS FILE.png...  the same, every band compressed afresh
 *   pngbench libdeflate LEVEL REPS FILE.png...  src/draw/png.c with libdeflate at LEVEL
 *                                 (1-12) for true colour, as before the band encoder
 * Built by bench/run against the library; not part of ctest. */
#include "draw/png.h"

#include <cairo.h>
#include <libpng16/png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

/* CPU time: on a shared machine wall time measures the neighbours too; the
 * encoders are single-threaded, so this is their own work. */
static double
now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
count_sink(void *closure, const void *data, size_t n)
{
    (void)data;
    *(size_t *)closure += n;
    return 1;
}

static cairo_surface_t **
load(int n, char **paths)
{
    cairo_surface_t **s = calloc((size_t)n, sizeof(*s));
    for (int i = 0; s && i < n; i++) {
        s[i] = cairo_image_surface_create_from_png(paths[i]);
        if (cairo_surface_status(s[i]) != CAIRO_STATUS_SUCCESS) {
            fprintf(stderr, "pngbench: cannot read %s\n", paths[i]);
            exit(1);
        }
    }
    return s;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Encodes every surface once with @p, in order, the first afresh; total
 * bytes into *bytes; ms. */
static size_t reused, bands;   /* over the last run_ours() */

static double
run_ours(cairo_surface_t **s, int n, const cm_png_params *p, size_t *bytes)
{
    *bytes = 0;
    reused = bands = 0;
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        cm_png_params q = *p;
        q.fresh |= i == 0;
        if (cm_png_encode(s[i], &q, count_sink, bytes) != CM_OK)
            exit(1);
        size_t b;
        reused += cm_png_bands_reused(&b);
        bands += b;
    }
    return now_ms() - t0;
}

static void
sweep(cairo_surface_t **s, int n)
{
    static const char *const filters[] = { "none", "sub", "up", "avg", "paeth", "adaptive" };
    printf("%-9s %5s %10s %12s\n", "filter", "level", "ms/image", "bytes/image");
    for (int f = 0; f <= CM_PNG_FILTER_ADAPTIVE; f++)
        for (int level = 1; level <= 12; level++) {
            if (level > 9 && f != CM_PNG_FILTER_NONE)
                continue;
            cm_png_params p = { level, level, (cm_png_filter)f, CM_PNG_FILTER_NONE, 0, 1 };
            size_t bytes;
            double best = 1e30;
            for (int rep = 0; rep < 3; rep++) {
                double ms = run_ours(s, n, &p, &bytes);
                best = ms < best ? ms : best;
            }
            printf("%-9s %5d %10.1f %12zu\n", filters[f], level, best / n, bytes / (size_t)n);
            fflush(stdout);
        }
}

/* ---- libpng alone ---------------------------------------------------------------------- */

typedef struct rgb { unsigned char *px; int w, h; } rgb;

static rgb
to_rgb(cairo_surface_t *s)
{
    rgb r = { NULL, cairo_image_surface_get_width(s), cairo_image_surface_get_height(s) };
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    r.px = malloc((size_t)r.w * r.h * 3);
    for (int y = 0; y < r.h; y++)
        for (int x = 0; x < r.w; x++) {
            unsigned v = ((const unsigned *)(const void *)(d + (size_t)y * stride))[x];
            unsigned char *o = r.px + ((size_t)y * r.w + x) * 3;
            o[0] = (unsigned char)(v >> 16);
            o[1] = (unsigned char)(v >> 8);
            o[2] = (unsigned char)v;
        }
    return r;
}

static void
png_count(png_structp png, png_bytep data, size_t n)
{
    (void)data;
    *(size_t *)png_get_io_ptr(png) += n;
}

static void png_flush_nothing(png_structp png) { (void)png; }

static void
libpng_encode(const rgb *r, int level, int strategy, int filter, size_t *bytes)
{
    static const int masks[] = { PNG_FILTER_NONE, PNG_FILTER_SUB, PNG_FILTER_UP,
                                 PNG_FILTER_AVG, PNG_FILTER_PAETH, PNG_ALL_FILTERS };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png)))
        exit(1);
    png_set_write_fn(png, bytes, png_count, png_flush_nothing);
    png_set_IHDR(png, info, (png_uint_32)r->w, (png_uint_32)r->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, level);
    png_set_compression_strategy(png, strategy);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, masks[filter]);
    png_write_info(png, info);
    for (int y = 0; y < r->h; y++)
        png_write_row(png, r->px + (size_t)y * r->w * 3);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
}

static int
parse_filter(const char *name)
{
    static const char *const filters[] = { "none", "sub", "up", "avg", "paeth", "adaptive" };
    for (int f = 0; f < 6; f++)
        if (!strcmp(name, filters[f]))
            return f;
    fprintf(stderr, "pngbench: unknown filter %s\n", name);
    exit(2);
}

static int
parse_strategy(const char *name)
{
    return !strcmp(name, "rle") ? Z_RLE : !strcmp(name, "filtered") ? Z_FILTERED
                                                                     : Z_DEFAULT_STRATEGY;
}

/* Median over @reps of the time to encode all @n images; per image. */
static void
report(const char *what, double *ms, int reps, int n, size_t bytes)
{
    qsort(ms, (size_t)reps, sizeof(*ms), cmp_double);
    printf("%s: %.1f ms an image (median of %d), %zu bytes an image\n", what, ms[reps / 2] / n,
           reps, bytes / (size_t)n);
}

int
main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "sweep")) {
        sweep(load(argc - 2, argv + 2), argc - 2);
        return 0;
    }
    if (argc >= 7 && !strcmp(argv[1], "libpng")) {
        int level = atoi(argv[2]), strategy = parse_strategy(argv[3]);
        int filter = parse_filter(argv[4]), reps = atoi(argv[5]), n = argc - 6;
        cairo_surface_t **s = load(n, argv + 6);
        rgb *r = calloc((size_t)n, sizeof(*r));
        double *ms = calloc((size_t)reps, sizeof(*ms));
        size_t bytes = 0;
        for (int i = 0; i < n; i++)
            r[i] = to_rgb(s[i]);
        for (int rep = 0; rep < reps; rep++) {
            bytes = 0;
            double t0 = now_ms();
            for (int i = 0; i < n; i++)
                libpng_encode(&r[i], level, strategy, filter, &bytes);
            ms[rep] = now_ms() - t0;
        }
        report("libpng", ms, reps, n, bytes);
        return 0;
    }
    if (argc >= 5 && (!strcmp(argv[1], "ours") || !strcmp(argv[1], "fresh") ||
                      !strcmp(argv[1], "libdeflate"))) {
        cm_png_params p = cm_png_default_params(0);
        if (!strcmp(argv[1], "libdeflate"))
            p.level = atoi(argv[2]);
        else
            p.max_colors = (unsigned)atoi(argv[2]);
        p.fresh = strcmp(argv[1], "ours") != 0;
        int reps = atoi(argv[3]), n = argc - 4;
        cairo_surface_t **s = load(n, argv + 4);
        double *ms = calloc((size_t)reps, sizeof(*ms));
        size_t bytes = 0;
        for (int rep = 0; rep < reps; rep++)
            ms[rep] = run_ours(s, n, &p, &bytes);
        report(!strcmp(argv[1], "ours") ? "conflictmap encoder"
               : !strcmp(argv[1], "fresh") ? "conflictmap encoder, no band reused"
                                           : "conflictmap with libdeflate",
               ms, reps, n, bytes);
        if (p.level == 0)
            printf("bands reused: %zu of %zu\n", reused, bands);
        return 0;
    }
    fprintf(stderr, "usage: pngbench sweep FILE.png... | libpng LEVEL STRATEGY FILTER REPS "
                    "FILE.png... | ours|fresh COLORS REPS FILE.png... | libdeflate LEVEL REPS "
                    "FILE.png...\n");
    return 2;
}
