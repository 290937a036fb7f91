/* Libraries opened when first needed (dl.h). */
#include "common/dl.h"

#include <dlfcn.h>
#include <stdio.h>

void *
cm_dl_open(const char *soname, char *why, size_t n)
{
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *err = dlerror();
        snprintf(why, n, "%s", err ? err : "dlopen failed");
    }
    return lib;
}

void *
cm_dl_sym(void *lib, const char *soname, const char *name, char *why, size_t n)
{
    void *f = dlsym(lib, name);
    if (!f)
        snprintf(why, n, "%s has no %s", soname, name);
    return f;
}
