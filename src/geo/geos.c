/* GEOS opened with dlopen() when first needed (geos.h). */
#define CM_GEOS_TABLE
#include "geo/geos.h"
#include "common/dl.h"

#include <pthread.h>

cm_geos_api cm_geos;

static pthread_once_t geos_once = PTHREAD_ONCE_INIT;
static char geos_error[512];             /* why it could not be loaded, or "" */

static void
load_geos(void)
{
    void *lib = cm_dl_open(CM_GEOS_SONAME, geos_error, sizeof geos_error);
    if (!lib)
        return;
#define CM_GEOS_RESOLVE(name)                                                            \
    if (!geos_error[0])                                                                  \
        *(void **)&cm_geos.name = cm_dl_sym(lib, CM_GEOS_SONAME, #name, geos_error,       \
                                            sizeof geos_error);
    CM_GEOS_FUNCTIONS(CM_GEOS_RESOLVE)
}

const char *
cm_geos_load(void)
{
    pthread_once(&geos_once, load_geos);
    return geos_error[0] ? geos_error : NULL;
}
