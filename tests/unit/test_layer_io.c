/* Shapefile sets in memory and on disk take one path: a shipped set and broken
 * copies of it are loaded both ways and must give the same layer, status and
 * messages word for word; shapelib's hooks seek and read memory as stdio does
 * a file. */
#include "check.h"
#include "load/layer.h"
#include "load/layer_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const exts[] = { "shp", "shx", "dbf", "prj", "cpg" };
enum { N_EXTS = sizeof exts / sizeof exts[0] };

/* One set: each file's bytes, or absent. */
typedef struct set {
    char name[N_EXTS][16];             /* "lines.shp", ... */
    unsigned char *data[N_EXTS];
    size_t size[N_EXTS];
    int present[N_EXTS];
} set;

static void
read_set(set *s, const char *base)
{
    char path[512];
    for (int k = 0; k < N_EXTS; k++) {
        snprintf(s->name[k], sizeof s->name[k], "lines.%s", exts[k]);
        snprintf(path, sizeof path, "%s.%s", base, exts[k]);
        FILE *f = fopen(path, "rb");
        if (!f || fseek(f, 0, SEEK_END) != 0) {
            perror(path);
            exit(2);
        }
        s->size[k] = (size_t)ftell(f);
        s->data[k] = malloc(s->size[k] + 1);
        rewind(f);
        if (!s->data[k] || fread(s->data[k], 1, s->size[k], f) != s->size[k])
            exit(2);
        fclose(f);
        s->present[k] = 1;
    }
}

static set
copy_set(const set *from)
{
    set s = *from;
    for (int k = 0; k < N_EXTS; k++) {
        s.data[k] = malloc(from->size[k] + 1);
        if (!s.data[k])
            exit(2);
        memcpy(s.data[k], from->data[k], from->size[k]);
    }
    return s;
}

/* Replaces file @k of @s with @text. */
static void
set_text(set *s, int k, const char *text)
{
    free(s->data[k]);
    s->size[k] = strlen(text);
    s->data[k] = (unsigned char *)strdup(text);
    if (!s->data[k])
        exit(2);
}

static void
free_set(set *s)
{
    for (int k = 0; k < N_EXTS; k++)
        free(s->data[k]);
}

/* Writes @s into the current folder as lines.* (absent files removed). */
static void
write_set(const set *s)
{
    for (int k = 0; k < N_EXTS; k++) {
        unlink(s->name[k]);
        if (!s->present[k])
            continue;
        FILE *f = fopen(s->name[k], "wb");
        if (!f || fwrite(s->data[k], 1, s->size[k], f) != s->size[k] || fclose(f) != 0)
            exit(2);
    }
}

static size_t
files_of(const set *s, cm_layer_file files[N_EXTS])
{
    size_t n = 0;
    for (int k = 0; k < N_EXTS; k++)
        if (s->present[k])
            files[n++] = (cm_layer_file){ s->name[k], s->data[k], s->size[k] };
    return n;
}

static void
check_same_layer(const cm_layer *a, const cm_layer *b)
{
    double ba[4] = { 0 }, bb[4] = { 0 };
    CHECK_INT(cm_layer_n_shapes(a), cm_layer_n_shapes(b));
    CHECK_INT(cm_layer_bbox(a, ba), cm_layer_bbox(b, bb));
    CHECK(memcmp(ba, bb, sizeof ba) == 0);
    for (size_t i = 0; i < cm_layer_n_shapes(a) && i < cm_layer_n_shapes(b); i++) {
        const cm_shape *sa = cm_layer_shape(a, i), *sb = cm_layer_shape(b, i);
        CHECK_INT(cm_shape_kind_of(sa), cm_shape_kind_of(sb));
        CHECK_STR(cm_shape_name(sa), cm_shape_name(sb));
        CHECK_INT(cm_shape_n_parts(sa), cm_shape_n_parts(sb));
        for (size_t k = 0; k < cm_shape_n_parts(sa) && k < cm_shape_n_parts(sb); k++) {
            size_t na, nb;
            const double *pa = cm_shape_part(sa, k, &na), *pb = cm_shape_part(sb, k, &nb);
            CHECK_INT(na, nb);
            CHECK(na == nb && memcmp(pa, pb, 2 * na * sizeof(double)) == 0);
        }
    }
}

/* Loads @s from disk (written into the current folder) and from memory; both
 * must end in @want with the same messages. Returns how many messages. */
static size_t
check_both_ways(const char *label, const set *s, cm_status want)
{
    cm_layer_file files[N_EXTS];
    cm_diag_list *disk_diags = cm_diag_list_create(), *mem_diags = cm_diag_list_create();
    cm_layer *disk = NULL, *mem = NULL;

    write_set(s);
    cm_status disk_st = cm_layer_load(&disk, "lines.shp", "lines", disk_diags);
    cm_status mem_st = cm_layer_load_files(&mem, "lines.shp", files, files_of(s, files),
                                           "lines", mem_diags);
    if (disk_st != want || mem_st != want)
        fprintf(stderr, "case %s:\n", label);
    CHECK_INT(disk_st, want);
    CHECK_INT(mem_st, want);
    CHECK_INT(cm_diag_count(mem_diags), cm_diag_count(disk_diags));
    for (size_t i = 0; i < cm_diag_count(disk_diags) && i < cm_diag_count(mem_diags); i++)
        CHECK_STR(cm_diag_text(mem_diags, i), cm_diag_text(disk_diags, i));
    if (disk && mem)
        check_same_layer(disk, mem);
    size_t n = cm_diag_count(disk_diags);
    cm_layer_destroy(disk);
    cm_layer_destroy(mem);
    cm_diag_list_destroy(disk_diags);
    cm_diag_list_destroy(mem_diags);
    return n;
}

static void
put_be32(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void
test_broken_sets(const set *good)
{
    enum { SHP, SHX, DBF, PRJ, CPG };
    set s;

    CHECK_INT(check_both_ways("whole", good, CM_OK), 0);

    s = copy_set(good);
    s.present[DBF] = s.present[SHX] = 0;
    CHECK_INT(check_both_ways("no .shx or .dbf", &s, CM_ERR_INPUT), 2);
    free_set(&s);

    s = copy_set(good);
    s.present[PRJ] = 0;
    CHECK_INT(check_both_ways("no .prj", &s, CM_OK), 1);
    free_set(&s);

    s = copy_set(good);
    s.size[SHP] = 60;
    CHECK_INT(check_both_ways(".shp cut in its header", &s, CM_ERR_INPUT), 1);
    free_set(&s);

    s = copy_set(good);
    s.size[SHP] = good->size[SHP] / 2;
    CHECK_INT(check_both_ways(".shp cut in half", &s, CM_ERR_INPUT), 1);
    free_set(&s);

    s = copy_set(good);
    put_be32(s.data[SHX] + 100 + 8, 0x10000000);   /* record 2 far past the end */
    CHECK_INT(check_both_ways(".shx past the end", &s, CM_ERR_INPUT), 1);
    free_set(&s);

    s = copy_set(good);
    memset(s.data[SHP] + 100 + 8 + 36, 0xFF, 4);   /* record 1: -1 parts */
    CHECK_INT(check_both_ways("negative parts", &s, CM_ERR_INPUT), 1);
    free_set(&s);

    s = copy_set(good);
    s.size[DBF] = 200;
    CHECK_INT(check_both_ways(".dbf short", &s, CM_ERR_INPUT), 1);
    free_set(&s);

    s = copy_set(good);
    set_text(&s, PRJ, "garbage");
    CHECK_INT(check_both_ways(".prj garbage", &s, CM_ERR_INPUT), 1);
    free_set(&s);

    s = copy_set(good);
    set_text(&s, CPG, "NO-SUCH-CODE-PAGE");
    CHECK_INT(check_both_ways("unknown .cpg", &s, CM_OK), 1);
    free_set(&s);

    for (int k = 0; k < N_EXTS; k++)
        unlink(good->name[k]);
}

/* shapelib seeks from the end with a negative offset passed as unsigned. */
static void
test_hooks(const set *good)
{
    cm_layer_file files[N_EXTS];
    cm_layer_io io;
    unsigned char tail[4] = { 0 };
    size_t n = files_of(good, files);

    cm_layer_io_init_memory(&io, files, n);
    SAHooks h = cm_layer_io_hooks(&io, NULL);
    SAFile f = h.FOpen("lines.shp", "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    CHECK_INT(h.FSeek(f, (SAOffset)-4, SEEK_END), 0);
    CHECK_INT(h.FTell(f), good->size[0] - 4);
    CHECK_INT(h.FRead(tail, 1, 4, f), 4);
    CHECK(memcmp(tail, good->data[0] + good->size[0] - 4, 4) == 0);
    CHECK_INT(h.FRead(tail, 1, 4, f), 0);
    CHECK_INT(h.FSeek(f, 2, SEEK_SET), 0);
    CHECK_INT(h.FRead(tail, 2, 2, f), 2);
    CHECK(memcmp(tail, good->data[0] + 2, 4) == 0);
    CHECK(h.FSeek(f, (SAOffset)-100, SEEK_CUR) != 0);   /* before the start */
    CHECK_INT(h.FSeek(f, 1000000, SEEK_SET), 0);        /* past the end, as fseek */
    CHECK_INT(h.FRead(tail, 1, 4, f), 0);
    CHECK(h.FOpen("lines.shp", "r+b") == NULL);            /* read only */
    CHECK(h.FOpen("other.shp", "rb") == NULL);
    CHECK_INT(errno, ENOENT);
    h.FClose(f);
    for (int i = 0; i < CM_LAYER_IO_MAX_OPEN; i++)
        CHECK_INT(io.streams[i].in_use, 0);
}

int
main(void)
{
    char dir[] = "layer-io-XXXXXX", cwd[4096];
    set good = { 0 };

    read_set(&good, CM_SOURCE_DIR "/shapes/lines");
    if (!mkdtemp(dir) || !getcwd(cwd, sizeof cwd) || chdir(dir) != 0)
        return 2;
    test_broken_sets(&good);
    test_hooks(&good);
    if (chdir(cwd) != 0)
        return 2;
    rmdir(dir);
    free_set(&good);
    return check_result("test_layer_io");
}
