/* GDAL/OGR opened with dlopen() when first needed (gdal.h). */
#include "load/gdal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

cm_gdal_api cm_gdal;

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;
static char gdal_error[512];             /* why it could not be loaded, or "" */

static void
load_gdal(void)
{
    void *lib = dlopen(CM_GDAL_SONAME, RTLD_NOW | RTLD_LOCAL);
    const char *err;

    if (!lib) {
        err = dlerror();
        snprintf(gdal_error, sizeof gdal_error, "%s", err ? err : "dlopen failed");
        return;
    }
#define CM_GDAL_RESOLVE(name)                                                            \
    if (!gdal_error[0] && !(*(void **)&cm_gdal.name = dlsym(lib, #name)))                \
        snprintf(gdal_error, sizeof gdal_error, "%s has no %s", CM_GDAL_SONAME, #name);
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
