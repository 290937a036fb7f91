/* libFuzzer harness: a whole shapefile set, read from memory through shapelib's
 * SAHooks (cm_layer_load_files), with no file written. The input is five blobs,
 * each a 4-byte little-endian length and that many bytes: .shp, .shx, .dbf,
 * .prj, .cpg (tests/fuzz/pack-shapefile makes seeds from real sets). A length
 * with its top bit set, or input that ends before a blob, leaves that file out
 * of the set, which the loader must refuse or warn about plainly too.
 *
 * The .prj is not text here: its first byte chooses one of the texts below
 * (WGS84 as ogr2ogr and as the EPSG write it, UTM 38N, Web Mercator, Pulkovo
 * 1942, one that is not a CRS, a vertical CRS, an empty one). Any other text
 * is PROJ's to parse, and PROJ fuzzes its parser itself (OSS-Fuzz); here
 * each new text cost a database search of its names, tens of milliseconds,
 * so that executions reached conflictmap's own code a few dozen times a
 * second. Reading a .prj from disk is tested in tests/unit/test_layer.c. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"
#include "load/layer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = { "layer.shp", "layer.shx", "layer.dbf", "layer.prj",
                                     "layer.cpg" };
enum { N_BLOBS = sizeof names / sizeof names[0], PRJ = 3 };

static const char *const prjs[] = {
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
    "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
    "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\","
    "\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]",
    "PROJCS[\"WGS_1984_UTM_Zone_38N\",GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\","
    "SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],"
    "PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],"
    "PARAMETER[\"Central_Meridian\",45.0],PARAMETER[\"Scale_Factor\",0.9996],"
    "PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]",
    "PROJCS[\"WGS_1984_Web_Mercator_Auxiliary_Sphere\",GEOGCS[\"GCS_WGS_1984\","
    "DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],"
    "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],"
    "PROJECTION[\"Mercator_Auxiliary_Sphere\"],PARAMETER[\"False_Easting\",0.0],"
    "PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",0.0],"
    "PARAMETER[\"Standard_Parallel_1\",0.0],PARAMETER[\"Auxiliary_Sphere_Type\",0.0],"
    "UNIT[\"Meter\",1.0]]",
    "GEOGCS[\"GCS_Pulkovo_1942\",DATUM[\"D_Pulkovo_1942\",SPHEROID[\"Krasovsky_1940\","
    "6378245.0,298.3]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
    "this is not a projection",
    "VERTCS[\"EGM96_Geoid\",VDATUM[\"EGM96_Geoid\"],PARAMETER[\"Vertical_Shift\",0.0],"
    "PARAMETER[\"Direction\",1.0],UNIT[\"Meter\",1.0]]",
    "",
};

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
        files[n] = (cm_layer_file){ names[k], data, len };
        if (k == PRJ) {
            const char *text = len ? prjs[data[0] % (sizeof prjs / sizeof prjs[0])] : "";
            files[n].data = (const unsigned char *)text;
            files[n].size = strlen(text);
        }
        n++;
        data += len;
        size -= len;
    }
    return n;
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
        fuzz_walk_layer(layer, "NAME");
    cm_layer_destroy(layer);
    cm_diag_list_destroy(diags);
    return 0;
}
