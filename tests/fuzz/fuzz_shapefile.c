/* libFuzzer harness: a whole shapefile set, read from memory through shapelib's
 * SAHooks (cm_layer_load_files), with no file written. The input is five blobs,
 * each a 4-byte little-endian length and that many bytes: .shp, .shx, .dbf,
 * .prj, .cpg (tests/fuzz/pack-shapefile makes seeds from real sets). A length
 * with its top bit set, or input that ends before a blob, leaves that file out
 * of the set, which the loader must refuse or warn about plainly too. */
#include "conflictmap/conflictmap.h"
#include "load/layer.h"

#include <stdint.h>
#include <stdlib.h>

static const char *const names[] = { "layer.shp", "layer.shx", "layer.dbf", "layer.prj",
                                     "layer.cpg" };
enum { N_BLOBS = sizeof names / sizeof names[0] };

/* Points files[] into @data (no copy); returns how many files the set has. */
static size_t
unpack(const uint8_t *data, size_t size, cm_layer_file files[N_BLOBS])
{
    size_t n = 0;
    for (size_t k = 0; k < N_BLOBS && size >= 4; k++) {
        uint32_t len = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
                       (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
        data += 4;
        size -= 4;
        if (len & 0x80000000u)
            continue;
        if (len > size)
            len = (uint32_t)size;
        files[n++] = (cm_layer_file){ names[k], data, len };
        data += len;
        size -= len;
    }
    return n;
}

/* Touches everything a loaded layer hands out, so a wrong count shows under ASan. */
static void
walk(const cm_layer *layer)
{
    double bbox[4], sum = 0;
    cm_layer_bbox(layer, bbox);
    for (size_t i = 0; i < cm_layer_n_shapes(layer); i++) {
        const cm_shape *shape = cm_layer_shape(layer, i);
        for (size_t k = 0, np; k < cm_shape_n_parts(shape); k++) {
            const double *xy = cm_shape_part(shape, k, &np);
            for (size_t p = 0; p < 2 * np; p++)
                sum += xy[p];
        }
        if (cm_shape_name(shape)[0] == '\x01' || cm_shape_attr(shape, "NAME") == (void *)1)
            abort();
    }
    if (sum == -1.5e300)   /* keeps the loop */
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cm_layer_file files[N_BLOBS];
    size_t n_files = unpack(data, size, files);
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    cm_status st = cm_layer_load_files(&layer, "layer.shp", files, n_files, "countries",
                                       diags);
    if (st == CM_ERR_INPUT && cm_diag_count(diags) == 0)
        abort();
    if (st == CM_OK)
        walk(layer);
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
    return 0;
}
