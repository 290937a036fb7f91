/* GDAL/OGR opened with dlopen() when first needed (gdal.h). */
#include "load/gdal.h"
#include "common/dl.h"

#include <pthread.h>

cm_gdal_api cm_gdal;

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;
static char gdal_error[512];             /* why it could not be loaded, or "" */

static void
load_gdal(void)
{
    void *lib = cm_dl_open(CM_GDAL_SONAME, gdal_error, sizeof gdal_error);
    if (!lib)
        return;
#define CM_GDAL_RESOLVE(name)                                                            \
    if (!gdal_error[0])                                                                  \
        *(void **)&cm_gdal.name = cm_dl_sym(lib, CM_GDAL_SONAME, #name, gdal_error,       \
                                            sizeof gdal_error);
    CM_GDAL_FUNCTIONS(CM_GDAL_RESOLVE)
    if (!gdal_error[0])
        G(GDALAllRegister)();
}

const char *
cm_gdal_load(void)
{
    pthread_once(&gdal_once, load_gdal);
    return gdal_error[0] ? gdal_error : NULL;
}
