/* GEOS's C API, opened with dlopen() the first time a slice has territory to
 * dissolve (territory.c): most maps have none, and linked, GEOS and the C++
 * runtime it needs were loaded by every run (common/lazylib.h). The library
 * is the one the build found (CM_GEOS_SONAME, from CMake). For src/layout,
 * and render/, which loads it before laying out a map that needs it. */
#ifndef CM_SRC_GEOS_H
#define CM_SRC_GEOS_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#define CM_GEOS_FUNCTIONS(X) \
    X(GEOSBoundary_r) \
    X(GEOSBuffer_r) \
    X(GEOSCoordSeq_create_r) \
    X(GEOSCoordSeq_getSize_r) \
    X(GEOSCoordSeq_getX_r) \
    X(GEOSCoordSeq_getY_r) \
    X(GEOSCoordSeq_setX_r) \
    X(GEOSCoordSeq_setY_r) \
    X(GEOSDifference_r) \
    X(GEOSGeomTypeId_r) \
    X(GEOSGeom_createCollection_r) \
    X(GEOSGeom_createLinearRing_r) \
    X(GEOSGeom_createPolygon_r) \
    X(GEOSGeom_destroy_r) \
    X(GEOSGeom_getCoordSeq_r) \
    X(GEOSGetExteriorRing_r) \
    X(GEOSGetGeometryN_r) \
    X(GEOSGetInteriorRingN_r) \
    X(GEOSGetNumGeometries_r) \
    X(GEOSGetNumInteriorRings_r) \
    X(GEOSIntersection_r) \
    X(GEOSMakeValid_r) \
    X(GEOSSymDifference_r) \
    X(GEOSUnaryUnion_r) \
    X(GEOSUnion_r) \
    X(GEOS_finish_r) \
    X(GEOS_init_r) \
    X(GEOSisEmpty_r)

#define CM_GEOS_POINTER(name) __typeof__(&name) name;
typedef struct cm_geos_api {
    CM_GEOS_FUNCTIONS(CM_GEOS_POINTER)
} cm_geos_api;

/* The functions, once cm_geos_load() said yes. */
extern cm_geos_api cm_geos;

/* Loads GEOS once for the process (any thread): NULL when it is there, else
 * why not, for a message ("libgeos_c.so.1: cannot open shared object file"). */
const char *cm_geos_load(void);

/* GEOS's functions through the table: GS(GEOSUnion_r)(ctx, a, b). */
#define GS(name) (cm_geos.name)

#endif
