/* Growable arrays (grow.h): the slow path of CM_GROW and CM_RESERVE. */
#include "common/grow.h"

#include <stdint.h>
#include <stdlib.h>

int
cm_reserve(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    if (size == 0 || need > SIZE_MAX / 2 / size)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *p = realloc(*items, c * size);
    if (!p)
        return 0;
    *items = p;
    *cap = c;
    return 1;
}
