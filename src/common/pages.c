/* Big buffers on transparent huge pages where the kernel offers them. */
#define _DEFAULT_SOURCE   /* madvise's MADV_HUGEPAGE */
#include "common/pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { HUGE_PAGE = 2 << 20 };

void *
cm_pages_alloc(size_t n)
{
    void *p = NULL;
    if (n < HUGE_PAGE)
        return calloc(1, n ? n : 1);
    size_t rounded = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (rounded < n || posix_memalign(&p, HUGE_PAGE, rounded) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);   /* advice: without it, 4 KB pages */
#endif
    memset(p, 0, n);
    return p;
}

void *
cm_pages_sparse(size_t n)
{
    n = n ? n : 1;
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_NOHUGEPAGE
    madvise(p, n, MADV_NOHUGEPAGE);   /* advice: a 2 MB page would be cleared whole */
#endif
    return p;
}

void
cm_pages_sparse_free(void *p, size_t n)
{
    if (p)
        munmap(p, n ? n : 1);
}

static const cairo_user_data_key_t pages_key;

cairo_surface_t *
cm_pages_surface(int width, int height)
{
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
    if (width <= 0 || height <= 0 || stride <= 0 || (size_t)height > SIZE_MAX / (size_t)stride)
        return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    unsigned char *data = cm_pages_alloc((size_t)stride * (size_t)height);
    if (!data)
        return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);   /* in error */
    cairo_surface_t *s = cairo_image_surface_create_for_data(data, CAIRO_FORMAT_ARGB32, width,
                                                             height, stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_set_user_data(s, &pages_key, data, free) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        free(data);
        return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);
    }
    return s;
}
