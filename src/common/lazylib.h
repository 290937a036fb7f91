/* A shared library opened with dlopen() the first time a run needs it, its
 * functions looked up into a table: GDAL (src/load/gdal.c) and GEOS
 * (src/layout/geos.c). Linked, each would be loaded, with what it needs, by
 * every run, including the many that never call it (GDAL: 0.15 s and 20 MB;
 * GEOS: about 4 ms, 2% of a one-slice render). */
#ifndef CM_SRC_LAZYLIB_H
#define CM_SRC_LAZYLIB_H

#include <stddef.h>

/* Opens @soname and looks up @names[i] into *@slots[i], for @n names: NULL
 * when all were found, else why not, in @why ("libgeos_c.so.1: cannot open
 * shared object file", "libgdal.so.32 has no GDALOpenEx"). Not thread-safe:
 * call it under pthread_once(). */
const char *cm_lazylib_open(const char *soname, const char *const *names, void **const *slots,
                            size_t n, char *why, size_t why_len);

#endif
