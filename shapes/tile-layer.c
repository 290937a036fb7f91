/* cm_tile_layer: a world-wide GeoJSON of polygons (one of npm's @geo-maps
 * packages) as a shapefile of one-degree tiles, so that a run reading only the
 * records whose box meets its map (src/load/layer.c) reads a few tiles, not a
 * continent. shapes/make-coasts runs it; a build tool, not installed.
 *
 *   cm_tile_layer [--cut] OUT.shp CREDIT [--min-km2 AREA] IN.geo.json...
 *
 * --cut (the land): every ring is cut at the tile edges with the library's
 * own clipping (src/geo/clip.c, Sutherland-Hodgman), so Eurasia becomes a few
 * thousand pieces; the cuts run exactly along whole degrees, which is how the
 * layout tells them from the coast (src/layout/base.c). Without --cut (lakes,
 * rivers): a polygon is not cut but goes whole into the tile of its box's
 * middle, one record a tile and input file, so nothing shows a seam.
 * --min-km2 leaves out of the inputs after it the polygons smaller than AREA,
 * or with --cut the holes (lakes) smaller than AREA: the packages' lakes are simplified, and a
 * pond is a triangle a few hundred metres across, noise on any map.
 * Each record's .dbf row says CREDIT (the data's licence asks for it on the
 * map) and the input's file name. Rings are written as the source has them;
 * the map fills with the even-odd rule. Same input, same bytes. */
#include "geo/clip.h"

#include <jansson.h>
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TILE_DEG 1.0
#define N_COLS 360
#define N_ROWS 180

typedef struct tile {
    double *xy;                   /* lon, lat pairs */
    size_t n_points, cap_points;
    int *part_start;
    size_t n_parts, cap_parts;
} tile;

typedef struct tiler {
    tile *tiles;                  /* N_ROWS * N_COLS, row 0 at the south pole */
    int cut;
    double min_km2;               /* smaller polygons (with cut: holes) are left out */
    size_t n_in_points, n_dropped;
} tiler;

static void
die(const char *what)
{
    fprintf(stderr, "cm_tile_layer: %s\n", what);
    exit(1);
}

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    p = realloc(p, n * size);
    if (!p)
        die("out of memory");
    *cap = n;
    return p;
}

static int
col_of(double lon)
{
    int c = (int)floor((lon + 180) / TILE_DEG);
    return c < 0 ? 0 : c >= N_COLS ? N_COLS - 1 : c;
}

static int
row_of(double lat)
{
    int r = (int)floor((lat + 90) / TILE_DEG);
    return r < 0 ? 0 : r >= N_ROWS ? N_ROWS - 1 : r;
}

/* Appends the ring @xy (@n points) to @t as a closed part. */
static void
add_ring(tile *t, const double *xy, size_t n)
{
    int closed = xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1];
    if (n - closed < 3)
        return;
    t->part_start = grow(t->part_start, &t->cap_parts, t->n_parts + 1, sizeof(int));
    t->part_start[t->n_parts++] = (int)t->n_points;
    t->xy = grow(t->xy, &t->cap_points, 2 * (t->n_points + n + 1), sizeof(double));
    memcpy(t->xy + 2 * t->n_points, xy, 2 * n * sizeof(double));
    t->n_points += n;
    if (!closed) {
        t->xy[2 * t->n_points] = xy[0];
        t->xy[2 * t->n_points + 1] = xy[1];
        t->n_points++;
    }
}

static void
ring_box(const double *xy, size_t n, double box[4])
{
    box[0] = box[1] = INFINITY;
    box[2] = box[3] = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        box[0] = fmin(box[0], xy[2 * i]);
        box[1] = fmin(box[1], xy[2 * i + 1]);
        box[2] = fmax(box[2], xy[2 * i]);
        box[3] = fmax(box[3], xy[2 * i + 1]);
    }
}

/* Cuts the ring @xy into the tiles of columns c0..c1 and rows r0..r1 (those
 * its box meets): halves the block, clips the ring to each half and goes on
 * with each piece, so a ring of n points costs about n times the depth. */
static void
cut_ring(tiler *T, const double *xy, size_t n, int c0, int r0, int c1, int r1)
{
    if (c0 == c1 && r0 == r1) {
        add_ring(&T->tiles[r0 * N_COLS + c0], xy, n);
        return;
    }
    int by_col = c1 - c0 >= r1 - r0;
    int mid = by_col ? (c0 + c1) / 2 : (r0 + r1) / 2;
    for (int half = 0; half < 2; half++) {
        int hc0 = c0, hc1 = c1, hr0 = r0, hr1 = r1;
        if (by_col)
            *(half ? &hc0 : &hc1) = half ? mid + 1 : mid;
        else
            *(half ? &hr0 : &hr1) = half ? mid + 1 : mid;
        double rect[4] = { hc0 * TILE_DEG - 180, hr0 * TILE_DEG - 90,
                           (hc1 - hc0 + 1) * TILE_DEG, (hr1 - hr0 + 1) * TILE_DEG };
        cm_pathbuf piece = { 0 };
        if (cm_clip_ring(&piece, xy, n, rect) != CM_OK || cm_pathbuf_end(&piece) != CM_OK)
            die("out of memory");
        for (size_t k = 0; k < piece.n_parts; k++) {
            const double *p = piece.xy + 2 * piece.part_start[k];
            size_t np = piece.part_start[k + 1] - piece.part_start[k];
            double box[4];
            ring_box(p, np, box);
            /* a piece along the half's edge only has no area in the next one */
            int pc0 = col_of(box[0]), pc1 = col_of(box[2]), pr0 = row_of(box[1]),
                pr1 = row_of(box[3]);
            pc0 = pc0 < hc0 ? hc0 : pc0 > hc1 ? hc1 : pc0;
            pc1 = pc1 > hc1 ? hc1 : pc1;
            pr0 = pr0 < hr0 ? hr0 : pr0 > hr1 ? hr1 : pr0;
            pr1 = pr1 > hr1 ? hr1 : pr1;
            if (pc0 <= pc1 && pr0 <= pr1)
                cut_ring(T, p, np, pc0, pr0, pc1, pr1);
        }
        cm_pathbuf_free(&piece);
    }
}

/* The ring @coords ([[lon, lat], ...]) as an array of doubles. */
static double *
ring_points(json_t *coords, size_t *n)
{
    *n = json_array_size(coords);
    double *xy = malloc((*n + 1) * 2 * sizeof(double));
    if (!xy)
        die("out of memory");
    for (size_t i = 0; i < *n; i++) {
        json_t *pt = json_array_get(coords, i);
        if (json_array_size(pt) < 2)
            die("a point is not [lon, lat]");
        xy[2 * i] = json_number_value(json_array_get(pt, 0));
        xy[2 * i + 1] = json_number_value(json_array_get(pt, 1));
    }
    return xy;
}

/* The ring's area in square kilometres, near enough for a threshold. */
static double
area_km2(const double *xy, size_t n)
{
    double a = 0, lat = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        a += xy[2 * i] * xy[2 * i + 3] - xy[2 * i + 2] * xy[2 * i + 1];
        lat += xy[2 * i + 1] / (double)(n - 1);
    }
    return fabs(a) / 2 * 111.32 * 111.32 * cos(lat * 3.14159265358979 / 180);
}

/* One polygon: its outer ring, then its holes. */
static void
add_polygon(tiler *T, json_t *rings, tile *bucket_row)
{
    double outer[4] = { 0 };
    for (size_t k = 0; k < json_array_size(rings); k++) {
        size_t n;
        double *xy = ring_points(json_array_get(rings, k), &n), box[4];
        T->n_in_points += n;
        if (n < 4) {
            free(xy);
            continue;
        }
        ring_box(xy, n, box);
        if ((T->cut ? k > 0 : k == 0) && T->min_km2 > 0 && area_km2(xy, n) < T->min_km2) {
            T->n_dropped++;
            free(xy);
            if (k == 0 && !T->cut)
                return;
            continue;
        }
        if (k == 0)
            memcpy(outer, box, sizeof outer);
        if (T->cut)
            cut_ring(T, xy, n, col_of(box[0]), row_of(box[1]), col_of(box[2]), row_of(box[3]));
        else
            add_ring(&bucket_row[row_of((outer[1] + outer[3]) / 2) * N_COLS +
                                 col_of((outer[0] + outer[2]) / 2)], xy, n);
        free(xy);
    }
}

static void
add_geometry(tiler *T, json_t *g, tile *bucket)
{
    const char *type = json_string_value(json_object_get(g, "type"));
    json_t *coords = json_object_get(g, "coordinates");
    if (!type)
        die("a geometry has no type");
    if (strcmp(type, "Polygon") == 0) {
        add_polygon(T, coords, bucket);
    } else if (strcmp(type, "MultiPolygon") == 0) {
        for (size_t i = 0; i < json_array_size(coords); i++)
            add_polygon(T, json_array_get(coords, i), bucket);
    } else if (strcmp(type, "GeometryCollection") == 0) {
        json_t *gs = json_object_get(g, "geometries");
        for (size_t i = 0; i < json_array_size(gs); i++)
            add_geometry(T, json_array_get(gs, i), bucket);
    } else if (strcmp(type, "FeatureCollection") == 0) {
        json_t *fs = json_object_get(g, "features");
        for (size_t i = 0; i < json_array_size(fs); i++)
            add_geometry(T, json_object_get(json_array_get(fs, i), "geometry"), bucket);
    } else if (strcmp(type, "Feature") == 0) {
        add_geometry(T, json_object_get(g, "geometry"), bucket);
    } else {
        die("only polygons are tiled");
    }
}

/* The records: the tiles from south-west to north-east, those with anything in them. */
static size_t
write_tiles(SHPHandle shp, DBFHandle dbf, tile *tiles, const char *credit, const char *source)
{
    size_t n = 0;
    for (int i = 0; i < N_ROWS * N_COLS; i++) {
        tile *t = &tiles[i];
        if (!t->n_parts)
            continue;
        double *x = malloc(t->n_points * sizeof(double)), *y = malloc(t->n_points * sizeof(double));
        if (!x || !y)
            die("out of memory");
        for (size_t k = 0; k < t->n_points; k++) {
            x[k] = t->xy[2 * k];
            y[k] = t->xy[2 * k + 1];
        }
        SHPObject *obj = SHPCreateObject(SHPT_POLYGON, -1, (int)t->n_parts, t->part_start, NULL,
                                         (int)t->n_points, x, y, NULL, NULL);
        int id = obj ? SHPWriteObject(shp, -1, obj) : -1;
        if (id < 0 || !DBFWriteStringAttribute(dbf, id, 0, credit) ||
            !DBFWriteStringAttribute(dbf, id, 1, source))
            die("cannot write a record");
        SHPDestroyObject(obj);
        free(x);
        free(y);
        free(t->xy);
        free(t->part_start);
        memset(t, 0, sizeof(*t));
        n++;
    }
    return n;
}

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The package folder's name (earth-lands-10m) for .../earth-lands-10m/map.geo.json. */
static void
source_name(const char *path, char *out, size_t size)
{
    const char *end = strrchr(path, '/'), *start = path;
    for (const char *p = path; end && p < end; p++)
        if (*p == '/')
            start = p + 1;
    if (!end || end == start)
        snprintf(out, size, "%s", base_name(path));
    else
        snprintf(out, size, "%.*s", (int)(end - start), start);
}

static void
write_prj(const char *shp_path)
{
    size_t n = strlen(shp_path);
    char *prj = malloc(n + 1);
    if (!prj)
        die("out of memory");
    memcpy(prj, shp_path, n + 1);
    memcpy(prj + n - 3, "prj", 3);
    FILE *f = fopen(prj, "w");
    if (!f || fputs("GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\","
                    "6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\","
                    "0.0174532925199433]]", f) < 0 || fclose(f) != 0)
        die("cannot write the .prj");
    free(prj);
}

int
main(int argc, char **argv)
{
    tiler T = { 0 };
    int a = 1;
    if (a < argc && strcmp(argv[a], "--cut") == 0) {
        T.cut = 1;
        a++;
    }
    if (argc - a < 3 || strlen(argv[a]) < 5 || strcmp(argv[a] + strlen(argv[a]) - 4, ".shp")) {
        fprintf(stderr, "usage: cm_tile_layer [--cut] OUT.shp CREDIT [--min-km2 AREA] "
                        "IN.geo.json...\n");
        return 2;
    }
    const char *out = argv[a], *credit = argv[a + 1];
    SHPHandle shp = SHPCreate(out, SHPT_POLYGON);
    DBFHandle dbf = DBFCreateEx(out, "UTF-8");
    T.tiles = calloc((size_t)N_ROWS * N_COLS, sizeof(tile));
    if (!shp || !dbf || !T.tiles || DBFAddField(dbf, "credit", FTString, 64, 0) < 0 ||
        DBFAddField(dbf, "source", FTString, 32, 0) < 0)
        die("cannot create the shapefile");
    size_t n_records = 0;
    for (int i = a + 2; i < argc; i++) {
        json_error_t err;
        char source[33];
        if (strcmp(argv[i], "--min-km2") == 0 && i + 1 < argc) {
            T.min_km2 = atof(argv[++i]);
            continue;
        }
        json_t *root = json_load_file(argv[i], 0, &err);
        if (!root) {
            fprintf(stderr, "cm_tile_layer: %s:%d: %s\n", argv[i], err.line, err.text);
            return 1;
        }
        add_geometry(&T, root, T.tiles);
        json_decref(root);
        source_name(argv[i], source, sizeof source);
        n_records += write_tiles(shp, dbf, T.tiles, credit, source);
    }
    SHPClose(shp);
    DBFClose(dbf);
    write_prj(out);
    printf("cm_tile_layer: %s: %zu records from %zu points, %zu %s too small left out\n",
           out, n_records, T.n_in_points, T.n_dropped, T.cut ? "holes" : "polygons");
    free(T.tiles);
    return 0;
}
