/* GDAL/OGR, opened with dlopen() the first time something needs it: a layer
 * in a format other than the shapefile (layer_ogr.c), a control file
 * (control.c). Linked, libgdal and the hundred libraries it needs cost every
 * run 0.15 s and 20 MB at start (measured: 'conflictmap place' 0.07 -> 0.23 s,
 * 20 -> 41 MB), and most runs read shapefiles only. The library is the one the
 * build found (CM_GDAL_SONAME, from CMake). For src/load only. */
#ifndef CM_SRC_GDAL_H
#define CM_SRC_GDAL_H

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#define CM_GDAL_FUNCTIONS(X) \
    X(CPLErrorReset) \
    X(CPLGetErrorHandlerUserData) \
    X(CPLGetLastErrorMsg) \
    X(CPLGetLastErrorType) \
    X(CPLPopErrorHandler) \
    X(CPLPushErrorHandler) \
    X(CPLPushErrorHandlerEx) \
    X(CPLQuietErrorHandler) \
    X(CPLSetThreadLocalConfigOption) \
    X(GDALAllRegister) \
    X(GDALClose) \
    X(GDALDatasetGetLayer) \
    X(GDALDatasetGetLayerCount) \
    X(GDALOpenEx) \
    X(OCTDestroyCoordinateTransformation) \
    X(OCTNewCoordinateTransformation) \
    X(OGRGeometryTypeToName) \
    X(OGR_FD_GetFieldCount) \
    X(OGR_FD_GetFieldDefn) \
    X(OGR_FD_GetFieldIndex) \
    X(OGR_F_Destroy) \
    X(OGR_F_GetFieldAsDateTimeEx) \
    X(OGR_F_GetFieldAsString) \
    X(OGR_F_GetFieldDefnRef) \
    X(OGR_F_GetGeometryRef) \
    X(OGR_F_IsFieldSetAndNotNull) \
    X(OGR_Fld_GetNameRef) \
    X(OGR_Fld_GetType) \
    X(OGR_GT_Flatten) \
    X(OGR_G_Clone) \
    X(OGR_G_DestroyGeometry) \
    X(OGR_G_GetEnvelope) \
    X(OGR_G_GetGeometryCount) \
    X(OGR_G_GetGeometryRef) \
    X(OGR_G_GetGeometryType) \
    X(OGR_G_GetLinearGeometry) \
    X(OGR_G_GetPointCount) \
    X(OGR_G_GetPoints) \
    X(OGR_G_GetX) \
    X(OGR_G_GetY) \
    X(OGR_G_HasCurveGeometry) \
    X(OGR_G_IsEmpty) \
    X(OGR_G_Transform) \
    X(OGR_L_GetGeomType) \
    X(OGR_L_GetLayerDefn) \
    X(OGR_L_GetName) \
    X(OGR_L_GetNextFeature) \
    X(OGR_L_GetSpatialRef) \
    X(OGR_L_ResetReading) \
    X(OGR_L_SetSpatialFilterRect) \
    X(OSRClone) \
    X(OSRDestroySpatialReference) \
    X(OSRExportToWktEx) \
    X(OSRImportFromEPSG) \
    X(OSRIsSame) \
    X(OSRNewSpatialReference) \
    X(OSRSetAxisMappingStrategy) \
    X(VSIFree)

#define CM_GDAL_POINTER(name) __typeof__(&name) name;
typedef struct cm_gdal_api {
    CM_GDAL_FUNCTIONS(CM_GDAL_POINTER)
} cm_gdal_api;

/* The functions, once cm_gdal_load() said yes. */
extern cm_gdal_api cm_gdal;

/* Loads GDAL once for the process (any thread): NULL when it is there, else
 * why not, for a message ("libgdal.so.32: cannot open shared object file"). */
const char *cm_gdal_load(void);

/* GDAL's functions through the table: G(OGR_L_GetNextFeature)(layer). */
#define G(name) (cm_gdal.name)
#undef wkbFlatten
#define wkbFlatten(x) G(OGR_GT_Flatten)((OGRwkbGeometryType)(x))

#endif
