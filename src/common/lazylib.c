/* Shared libraries opened when first needed (lazylib.h). */
#include "common/lazylib.h"

#include <dlfcn.h>
#include <stdio.h>

const char *
cm_lazylib_open(const char *soname, const char *const *names, void **const *slots, size_t n,
                char *why, size_t why_len)
{
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

    if (!lib) {
        const char *err = dlerror();
        snprintf(why, why_len, "%s", err ? err : "dlopen failed");
        return why;
    }
    for (size_t i = 0; i < n; i++)
        if (!(*slots[i] = dlsym(lib, names[i]))) {
            snprintf(why, why_len, "%s has no %s", soname, names[i]);
            return why;           /* the library stays open: it may be in use elsewhere */
        }
    return NULL;
}
