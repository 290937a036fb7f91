/* GEOS opened with dlopen() when first needed (geos.h). */
#include "layout/geos.h"

#include "common/lazylib.h"

#include <pthread.h>

cm_geos_api cm_geos;

static pthread_once_t geos_once = PTHREAD_ONCE_INIT;
static char geos_error[512];             /* why it could not be loaded, or "" */

#define CM_GEOS_NAME(name) #name,
#define CM_GEOS_SLOT(name) (void **)&cm_geos.name,

static void
load_geos(void)
{
    static const char *const names[] = { CM_GEOS_FUNCTIONS(CM_GEOS_NAME) };
    void **const slots[] = { CM_GEOS_FUNCTIONS(CM_GEOS_SLOT) };

    cm_lazylib_open(CM_GEOS_SONAME, names, slots, sizeof names / sizeof *names, geos_error,
                    sizeof geos_error);
}

const char *
cm_geos_load(void)
{
    pthread_once(&geos_once, load_geos);
    return geos_error[0] ? geos_error : NULL;
}
