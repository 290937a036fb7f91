/* Allocation failure along a whole render: a small case is rendered once to
 * count conflictmap's allocations, then once per allocation N with the N-th
 * failing. Each run must end with CM_ERR_NOMEM: no allocation has a fallback
 * that would hide a failure, none may succeed silently, crash or leak (the
 * sanitizer build checks that), and the output folder stays empty. */
#include "check.h"
#include "failing_alloc.h"
#include "conflictmap/conflictmap.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CASE_DIR CM_SOURCE_DIR "/tests/alloc"

/* A GeoNames dump too: Hadrut merges into places.tsv's, Qırmızı Bazar is new. */
static const char *const gazetteers[] = { CASE_DIR "/places.tsv", CASE_DIR "/geonames.txt" };
static const char *const shapes[] = { "lines=" CM_SOURCE_DIR "/shapes/lines.shp" };
static const double bbox[4] = { 46.0, 39.0, 47.5, 40.0 };

/* Removes the folder @dir and everything in it. */
static void
remove_tree(const char *dir)
{
    char path[4096];
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (unlink(path) != 0)
            remove_tree(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Files and folders left in @dir (sets/ is one), removed as they are
 * counted; their names go to @names. */
static size_t
empty_dir(const char *dir, char *names, size_t size)
{
    char path[4096];
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (unlink(path) != 0)
            remove_tree(path);
        if (names && strlen(names) + strlen(de->d_name) + 2 < size)
            strcat(strcat(names, " "), de->d_name);
        n++;
    }
    if (d)
        closedir(d);
    return n;
}

/* Renders the case into @out_dir; the first diagnostic goes to @first. */
static cm_status
render_once(const char *out_dir, char *first, size_t size)
{
    cm_render_options opt = {
        .events_path = CASE_DIR "/events.json", .out_dir = out_dir,
        .formats = CM_FORMAT_PNG | CM_FORMAT_SVG | CM_FORMAT_HTML,
        .shapes = shapes, .n_shapes = 1,
        .gazetteers = gazetteers, .n_gazetteers = 2, .width_px = 400, .height_px = 300,
        .scale = 1, .bbox_deg = bbox, .no_shipped_data = 1,
    };
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = diags ? cm_render(&opt, diags, NULL) : CM_ERR_NOMEM;
    snprintf(first, size, "%s", diags && cm_diag_count(diags) ? cm_diag_text(diags, 0) : "");
    cm_diag_list_destroy(diags);
    return st;
}

int
main(void)
{
    char out_dir[] = "alloc-out-XXXXXX";
    if (!mkdtemp(out_dir))
        return 2;
    char first[512], left_names[512] = "";
    failing_alloc_arm(0);
    CHECK_INT(render_once(out_dir, first, sizeof first), CM_OK);
    size_t total = failing_alloc_count();
    /* 2 slices x PNG, SVG, PNG@2x and the phone's PNG; the manifest, index.html
     * and embed.html; sets/, the published set */
    CHECK_INT(empty_dir(out_dir, NULL, 0), 12);
    CHECK(total > 100);
    size_t n_nomem = 0, n_ok = 0;
    for (size_t n = 1; n <= total; n++) {
        failing_alloc_arm(n);
        cm_status st = render_once(out_dir, first, sizeof first);
        int fired = failing_alloc_fired();
        failing_alloc_arm(0);
        left_names[0] = '\0';
        size_t left = empty_dir(out_dir, left_names, sizeof left_names);
        n_nomem += st == CM_ERR_NOMEM && fired && left == 0;
        n_ok += st == CM_OK;
        if (st != CM_ERR_NOMEM || !fired || left != 0) {
            fprintf(stderr, "allocation %zu of %zu failed: status %d (expected %d), "
                    "%zu files left:%s; first message: %s\n", n, total, (int)st,
                    (int)CM_ERR_NOMEM, left, left_names, first);
            check_failures++;
        }
    }
    printf("test_alloc_fail: failed each of %zu allocations in turn; %zu ended with "
           "CM_ERR_NOMEM and an empty output folder, %zu succeeded silently\n",
           total, n_nomem, n_ok);
    CHECK_INT(n_nomem, total);
    CHECK_INT(n_ok, 0);
    rmdir(out_dir);
    return check_result("test_alloc_fail");
}
