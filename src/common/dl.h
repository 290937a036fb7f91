/* Libraries opened with dlopen() the first time a run needs them, not linked:
 * GDAL (src/load/gdal.h) and GEOS (src/geo/geos.h). Each library linked costs
 * every run its loading and the relocation of its symbols at start, whether
 * or not the run uses it, and most runs use neither: no layer but
 * shapefiles, no control areas. */
#ifndef CM_SRC_DL_H
#define CM_SRC_DL_H

#include <stddef.h>

/* Opens @soname (RTLD_NOW | RTLD_LOCAL); NULL with why in @why otherwise. */
void *cm_dl_open(const char *soname, char *why, size_t n);

/* @name in @lib, opened from @soname; NULL with why in @why otherwise. */
void *cm_dl_sym(void *lib, const char *soname, const char *name, char *why, size_t n);

#endif
