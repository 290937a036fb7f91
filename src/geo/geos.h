/* GEOS's C API, opened with dlopen() the first time a run draws territory
 * (src/layout/territory.c): linked, libgeos and libgeos_c were a fifth of the
 * relocations every run made at start (6,826 of some 31,000) and a quarter of
 * the dynamic loader's instructions (valgrind: 68.0 M against 51.6 M for an
 * empty program linked with and without them), and most maps have no
 * control areas. The library is the one the build found (CM_GEOS_SONAME,
 * from CMake).
 *
 * Code that includes this header calls GEOS by its own names: each name is
 * the function's entry in the table, filled by cm_geos_load(), which must
 * have said yes first. */
#ifndef CM_SRC_GEOS_H
#define CM_SRC_GEOS_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#define CM_GEOS_FUNCTIONS(X) \
    X(GEOS_finish_r) \
    X(GEOS_init_r) \
    X(GEOSArea_r) \
    X(GEOSBoundary_r) \
    X(GEOSBuffer_r) \
    X(GEOSClipByRect_r) \
    X(GEOSCoordSeq_copyFromBuffer_r) \
    X(GEOSCoordSeq_copyToBuffer_r) \
    X(GEOSCoordSeq_create_r) \
    X(GEOSCoordSeq_getSize_r) \
    X(GEOSCoordSeq_getX_r) \
    X(GEOSCoordSeq_getY_r) \
    X(GEOSCoordSeq_setX_r) \
    X(GEOSCoordSeq_setY_r) \
    X(GEOSDifference_r) \
    X(GEOSGeomTypeId_r) \
    X(GEOSGeom_createCollection_r) \
    X(GEOSGeom_createEmptyPolygon_r) \
    X(GEOSGeom_createLineString_r) \
    X(GEOSGeom_createLinearRing_r) \
    X(GEOSGeom_createPolygon_r) \
    X(GEOSGeom_destroy_r) \
    X(GEOSGeom_clone_r) \
    X(GEOSGeom_getCoordSeq_r) \
    X(GEOSGetExteriorRing_r) \
    X(GEOSGetGeometryN_r) \
    X(GEOSGetInteriorRingN_r) \
    X(GEOSGetNumCoordinates_r) \
    X(GEOSGetNumGeometries_r) \
    X(GEOSGetNumInteriorRings_r) \
    X(GEOSIntersection_r) \
    X(GEOSMakeValid_r) \
    X(GEOSPointOnSurface_r) \
    X(GEOSPrepare_r) \
    X(GEOSPreparedContains_r) \
    X(GEOSPreparedGeom_destroy_r) \
    X(GEOSSymDifference_r) \
    X(GEOSUnaryUnion_r) \
    X(GEOSUnion_r) \
    X(GEOSisEmpty_r) \
    X(GEOSisValid_r)

#define CM_GEOS_POINTER(name) __typeof__(&name) name;
typedef struct cm_geos_api {
    CM_GEOS_FUNCTIONS(CM_GEOS_POINTER)
} cm_geos_api;

extern cm_geos_api cm_geos;

/* Loads GEOS once for the process (any thread): NULL when it is there, else
 * why not, for a message ("libgeos_c.so.1: cannot open shared object file"). */
const char *cm_geos_load(void);

#ifndef CM_GEOS_TABLE   /* geos.c fills the table by these names */
#define GEOS_finish_r (cm_geos.GEOS_finish_r)
#define GEOS_init_r (cm_geos.GEOS_init_r)
#define GEOSArea_r (cm_geos.GEOSArea_r)
#define GEOSBoundary_r (cm_geos.GEOSBoundary_r)
#define GEOSBuffer_r (cm_geos.GEOSBuffer_r)
#define GEOSClipByRect_r (cm_geos.GEOSClipByRect_r)
#define GEOSCoordSeq_copyFromBuffer_r (cm_geos.GEOSCoordSeq_copyFromBuffer_r)
#define GEOSCoordSeq_copyToBuffer_r (cm_geos.GEOSCoordSeq_copyToBuffer_r)
#define GEOSCoordSeq_create_r (cm_geos.GEOSCoordSeq_create_r)
#define GEOSCoordSeq_getSize_r (cm_geos.GEOSCoordSeq_getSize_r)
#define GEOSCoordSeq_getX_r (cm_geos.GEOSCoordSeq_getX_r)
#define GEOSCoordSeq_getY_r (cm_geos.GEOSCoordSeq_getY_r)
#define GEOSCoordSeq_setX_r (cm_geos.GEOSCoordSeq_setX_r)
#define GEOSCoordSeq_setY_r (cm_geos.GEOSCoordSeq_setY_r)
#define GEOSDifference_r (cm_geos.GEOSDifference_r)
#define GEOSGeomTypeId_r (cm_geos.GEOSGeomTypeId_r)
#define GEOSGeom_createCollection_r (cm_geos.GEOSGeom_createCollection_r)
#define GEOSGeom_createEmptyPolygon_r (cm_geos.GEOSGeom_createEmptyPolygon_r)
#define GEOSGeom_createLineString_r (cm_geos.GEOSGeom_createLineString_r)
#define GEOSGeom_createLinearRing_r (cm_geos.GEOSGeom_createLinearRing_r)
#define GEOSGeom_createPolygon_r (cm_geos.GEOSGeom_createPolygon_r)
#define GEOSGeom_destroy_r (cm_geos.GEOSGeom_destroy_r)
#define GEOSGeom_clone_r (cm_geos.GEOSGeom_clone_r)
#define GEOSGeom_getCoordSeq_r (cm_geos.GEOSGeom_getCoordSeq_r)
#define GEOSGetExteriorRing_r (cm_geos.GEOSGetExteriorRing_r)
#define GEOSGetGeometryN_r (cm_geos.GEOSGetGeometryN_r)
#define GEOSGetInteriorRingN_r (cm_geos.GEOSGetInteriorRingN_r)
#define GEOSGetNumCoordinates_r (cm_geos.GEOSGetNumCoordinates_r)
#define GEOSGetNumGeometries_r (cm_geos.GEOSGetNumGeometries_r)
#define GEOSGetNumInteriorRings_r (cm_geos.GEOSGetNumInteriorRings_r)
#define GEOSIntersection_r (cm_geos.GEOSIntersection_r)
#define GEOSMakeValid_r (cm_geos.GEOSMakeValid_r)
#define GEOSPointOnSurface_r (cm_geos.GEOSPointOnSurface_r)
#define GEOSPrepare_r (cm_geos.GEOSPrepare_r)
#define GEOSPreparedContains_r (cm_geos.GEOSPreparedContains_r)
#define GEOSPreparedGeom_destroy_r (cm_geos.GEOSPreparedGeom_destroy_r)
#define GEOSSymDifference_r (cm_geos.GEOSSymDifference_r)
#define GEOSUnaryUnion_r (cm_geos.GEOSUnaryUnion_r)
#define GEOSUnion_r (cm_geos.GEOSUnion_r)
#define GEOSisEmpty_r (cm_geos.GEOSisEmpty_r)
#define GEOSisValid_r (cm_geos.GEOSisValid_r)
#endif

#endif
