/* libFuzzer harness: a whole shapefile set. The input is four blobs, each a
 * 4-byte little-endian length and that many bytes: .shp, .shx, .dbf, .prj
 * (tests/fuzz/pack-shapefile makes seeds from real sets). A missing blob leaves
 * that file out, which the loader must refuse plainly too. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"

static const char *const exts[] = { "shp", "shx", "dbf", "prj" };

/* Writes the blobs as layer.<ext>; files with no blob are removed. */
static void
unpack(const uint8_t *data, size_t size)
{
    for (size_t k = 0; k < 4; k++) {
        char name[16];
        snprintf(name, sizeof name, "layer.%s", exts[k]);
        uint32_t len = 0;
        if (size < 4) {
            unlink(fuzz_path(name));
            continue;
        }
        len = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
              (uint32_t)data[3] << 24;
        data += 4;
        size -= 4;
        if (len > size)
            len = (uint32_t)size;
        fuzz_write(name, data, len);
        data += len;
        size -= len;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unpack(data, size);
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    double bbox[4];
    cm_status st = cm_layer_load(&layer, fuzz_path("layer.shp"), "countries", diags);
    if (st == CM_ERR_INPUT && cm_diag_count(diags) == 0)
        abort();
    if (st == CM_OK) {
        cm_layer_bbox(layer, bbox);
        for (size_t i = 0; i < cm_layer_n_shapes(layer); i++)
            cm_shape_name(cm_layer_shape(layer, i));
    }
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
    return 0;
}
