/* GDAL/OGR opened with dlopen() when first needed (gdal.h). */
#include "load/gdal.h"

#include "common/lazylib.h"

#include <pthread.h>
#include <stdio.h>

cm_gdal_api cm_gdal;

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;
static char gdal_error[512];             /* why it could not be loaded, or "" */

#define CM_GDAL_NAME(name) #name,
#define CM_GDAL_SLOT(name) (void **)&cm_gdal.name,

static void
load_gdal(void)
{
    static const char *const names[] = { CM_GDAL_FUNCTIONS(CM_GDAL_NAME) };
    void **const slots[] = { CM_GDAL_FUNCTIONS(CM_GDAL_SLOT) };

    if (!cm_lazylib_open(CM_GDAL_SONAME, names, slots, sizeof names / sizeof *names, gdal_error,
                         sizeof gdal_error))
        G(GDALAllRegister)();
}

const char *
cm_gdal_load(void)
{
    pthread_once(&gdal_once, load_gdal);
    return gdal_error[0] ? gdal_error : NULL;
}
