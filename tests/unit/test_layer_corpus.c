/* Loads every shapefile of the shared corpus (files written by other projects,
 * and copies of them broken on purpose): none may crash, a refusal must say why,
 * the valid ones must load and the broken ones must be refused. */
#include "conflictmap/layer.h"
#include "check.h"
#include "common/input.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CORPUS CM_SHARED_DIR "/corpus/shapefiles"

/* Files corpus.json calls valid that conflictmap refuses by design: each has a
 * .shp and .shx but no .dbf, and a layer needs its .dbf for names and fields. */
static const char *const valid_but_refused[] = {
    "derived/mbostock-shapefile--ignore-properties--rebuilt-shx.shp",
    "derived/mbostock-shapefile--multipointm--rebuilt-shx.shp",
    "derived/mbostock-shapefile--pointm--rebuilt-shx.shp",
    "derived/mbostock-shapefile--polygonm--rebuilt-shx.shp",
    "derived/mbostock-shapefile--polylinem--rebuilt-shx.shp",
    "derived/shapefile-rs--linem--rebuilt-shx.shp",
    "derived/shapefile-rs--linez--rebuilt-shx.shp",
    "derived/shapefile-rs--multi_polygon--rebuilt-shx.shp",
    "derived/shapefile-rs--multipoint--rebuilt-shx.shp",
    "derived/shapefile-rs--multipointz--rebuilt-shx.shp",
    "derived/shapefile-rs--pointm--rebuilt-shx.shp",
    "derived/shapefile-rs--pointz--rebuilt-shx.shp",
    "derived/shapefile-rs--polygon--rebuilt-shx.shp",
    "derived/shapefile-rs--polygonm--rebuilt-shx.shp",
    "derived/shapefile-rs--polygonz--rebuilt-shx.shp",
    "shapefile-rs/line.shp",
    "shapefile-rs/point.shp",
    "shapefile-rs/polygon_hole.shp",
};

/* No file under derived/broken--* is expected to load; were one to, its reason
 * would be listed here. */
static const char *const broken_but_loaded[] = { NULL };

typedef struct tally {
    int files, loaded, refused_input, refused_io;
    int valid, valid_loaded, valid_by_design;
    int broken, broken_refused;
    int other, other_loaded;
} tally;

static int
listed(const char *const *list, size_t n, const char *rel)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(list[i], rel) == 0)
            return 1;
    return 0;
}

static int
is_utf8(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0, n; i < len; i += n)
        if ((n = cm_utf8_sequence_length((const unsigned char *)s + i, len - i)) == 0)
            return 0;
    return 1;
}

/* What a loaded layer hands on must be usable as is: every part has a point,
 * every coordinate is finite, every text valid UTF-8. */
static void
check_layer(const cm_layer *layer, const char *rel)
{
    for (size_t s = 0; s < cm_layer_n_shapes(layer); s++) {
        const cm_shape *shape = cm_layer_shape(layer, s);
        if (!is_utf8(cm_shape_name(shape))) {
            fprintf(stderr, "%s: shape %zu: name is not UTF-8\n", rel, s);
            check_failures++;
        }
        for (size_t k = 0; k < cm_shape_n_parts(shape); k++) {
            size_t n = 0;
            const double *xy = cm_shape_part(shape, k, &n);
            CHECK(n > 0);
            for (size_t j = 0; j < 2 * n; j++)
                CHECK(isfinite(xy[j]));
        }
    }
    double bbox[4];
    if (cm_layer_bbox(layer, bbox))
        CHECK(bbox[0] <= bbox[2] && bbox[1] <= bbox[3]);
}

static void
load_one(const char *path, const char *rel, json_t *expect, tally *t)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    cm_status st = cm_layer_load(&layer, path, NULL, diags);
    json_t *entry = json_object_get(expect, rel);
    int valid = entry && json_is_true(json_object_get(entry, "valid"));
    int broken = strncmp(rel, "derived/broken--", 16) == 0;
    int by_design = listed(valid_but_refused, sizeof valid_but_refused / sizeof(char *), rel);
    int loads_anyway = listed(broken_but_loaded, sizeof broken_but_loaded / sizeof(char *), rel);
    const char *first = cm_diag_error_count(diags) ? cm_diag_text(diags, 0) : "";

    for (size_t i = 0; i < cm_diag_count(diags); i++)
        if (cm_diag_severity(diags, i) == CM_SEV_ERROR) {
            first = cm_diag_text(diags, i);
            break;
        }
    if (getenv("CM_TEST_VERBOSE"))
        fprintf(stderr, "%-70s %-22s %s\n", rel, cm_status_text(st), first);
    if (!entry) {
        fprintf(stderr, "%s: not listed in corpus.json\n", rel);
        check_failures++;
    }
    if (st != CM_OK && st != CM_ERR_INPUT && st != CM_ERR_IO) {
        fprintf(stderr, "%s: status %s\n", rel, cm_status_text(st));
        check_failures++;
    }
    if (st != CM_OK && cm_diag_error_count(diags) == 0) {
        fprintf(stderr, "%s: refused (%s) without an error\n", rel, cm_status_text(st));
        check_failures++;
    }
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        if (!is_utf8(cm_diag_text(diags, i))) {
            fprintf(stderr, "%s: a message is not UTF-8\n", rel);
            check_failures++;
        }
    if (layer)
        check_layer(layer, rel);

    t->files++;
    t->loaded += st == CM_OK;
    t->refused_input += st == CM_ERR_INPUT;
    t->refused_io += st == CM_ERR_IO;
    if (valid) {
        t->valid++;
        t->valid_loaded += st == CM_OK;
        t->valid_by_design += by_design && st == CM_ERR_INPUT;
        if (by_design && (st != CM_ERR_INPUT || !strstr(first, ".dbf beside it"))) {
            fprintf(stderr, "%s: listed as refused for its missing .dbf, but: %s %s\n", rel,
                    cm_status_text(st), first);
            check_failures++;
        } else if (!by_design && st != CM_OK) {
            fprintf(stderr, "%s: valid, but refused: %s\n", rel, first);
            check_failures++;
        }
    } else if (broken) {
        t->broken++;
        t->broken_refused += st == CM_ERR_INPUT;
        if (st != CM_ERR_INPUT && !loads_anyway) {
            fprintf(stderr, "%s: broken, but %s\n", rel, cm_status_text(st));
            check_failures++;
        }
    } else {
        t->other++;
        t->other_loaded += st == CM_OK;
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_shp_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".shp") == 0;
}

/* Every .shp under @dir (relative to the corpus root), in name order so that a
 * run reads the same way every time. */
static void
walk(const char *root, const char *dir, json_t *expect, tally *t)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", root, *dir ? "/" : "", dir);
    DIR *d = opendir(path);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;

    if (!d) {
        fprintf(stderr, "cannot read %s\n", path);
        check_failures++;
        return;
    }
    while ((de = readdir(d)))
        if (de->d_name[0] != '.') {
            names = realloc(names, (n + 1) * sizeof *names);
            if (!names || !(names[n++] = strdup(de->d_name))) {
                fprintf(stderr, "out of memory\n");
                exit(2);
            }
        }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        char rel[4096], full[8192];
        struct stat sb;
        snprintf(rel, sizeof rel, "%s%s%s", dir, *dir ? "/" : "", names[i]);
        snprintf(full, sizeof full, "%s/%s", root, rel);
        if (stat(full, &sb) == 0 && S_ISDIR(sb.st_mode))
            walk(root, rel, expect, t);
        else if (has_shp_suffix(names[i]))
            load_one(full, rel, expect, t);
        free(names[i]);
    }
    free(names);
}

/* corpus.json as an object from .shp path to its entry. */
static json_t *
load_expectations(void)
{
    json_error_t err;
    json_t *root = json_load_file(CORPUS "/corpus.json", 0, &err);
    json_t *by_path = json_object(), *entry;
    size_t i;

    if (!root) {
        fprintf(stderr, "corpus.json: %s\n", err.text);
        exit(2);
    }
    json_array_foreach(json_object_get(root, "shapefiles"), i, entry)
        json_object_set(by_path, json_string_value(json_object_get(entry, "shp")), entry);
    json_decref(root);
    return by_path;
}

int
main(void)
{
    struct stat sb;
    tally t = { 0 };

    if (stat(CORPUS, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        printf("skipped: ../shared/corpus not found\n");
        return 77;
    }
    json_t *expect = load_expectations();
    walk(CORPUS, "", expect, &t);
    CHECK_INT(t.files, json_object_size(expect));
    printf("corpus: %d shapefiles, %d loaded, %d refused (%d invalid input, %d I/O); "
           "valid %d: %d loaded, %d refused by design (no .dbf); broken %d: %d refused; "
           "other invalid %d: %d loaded, %d refused\n",
           t.files, t.loaded, t.refused_input + t.refused_io, t.refused_input, t.refused_io,
           t.valid, t.valid_loaded, t.valid_by_design, t.broken, t.broken_refused,
           t.other, t.other_loaded, t.other - t.other_loaded);
    json_decref(expect);
    return check_result("test_layer_corpus");
}
