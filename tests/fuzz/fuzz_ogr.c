/* libFuzzer harness: a layer read by GDAL/OGR (layer_ogr.c) from a /vsimem/
 * buffer, with no file written. The first byte picks the format by the file
 * name's extension (GeoJSON, KML, FlatGeobuf, GeoPackage, GML), the rest is
 * the file. GDAL's parsers are GDAL's to fuzz; this checks what we do with
 * what they hand us: geometry walked into the layer, fields, limits, messages. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"
#include "load/layer_ogr.h"

#include <cpl_vsi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const exts[] = { "geojson", "kml", "fgb", "gpkg", "gml" };
enum { N_EXTS = sizeof exts / sizeof exts[0] };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char name[32], vsi[64];

    if (size < 1)
        return 0;
    snprintf(name, sizeof name, "layer.%s", exts[data[0] % N_EXTS]);
    snprintf(vsi, sizeof vsi, "/vsimem/fuzz/%s", name);
    VSILFILE *f = VSIFileFromMemBuffer(vsi, (GByte *)(uintptr_t)(data + 1), size - 1, FALSE);
    if (!f)
        return 0;
    VSIFCloseL(f);
    cm_diag_list *diags = cm_diag_list_create();
    cm_layer *layer = NULL;
    cm_status st = cm_ogr_load(&layer, name, vsi, "regions", NULL, SIZE_MAX, diags);
    if (st == CM_ERR_INPUT && cm_diag_count(diags) == 0)
        abort();
    if (st == CM_OK)
        fuzz_walk_layer(layer, "name");
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
    VSIUnlink(vsi);
    return 0;
}
