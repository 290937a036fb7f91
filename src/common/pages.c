/* Big buffers on transparent huge pages where the kernel offers them. */
#define _DEFAULT_SOURCE   /* madvise's MADV_HUGEPAGE */
#include "common/pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum { HUGE_PAGE = 2 << 20 };

/* The size mapped for @n bytes: whole 2 MB pages. 0 when it would overflow. */
static size_t
mapped_size(size_t n)
{
    size_t rounded = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    return rounded < n || rounded > SIZE_MAX - HUGE_PAGE ? 0 : rounded;
}

void *
cm_pages_alloc(size_t n)
{
    if (n < HUGE_PAGE)
        return calloc(1, n ? n : 1);
    /* A fresh map is zero already (a memset would only touch every page a
     * first time sooner): mapped 2 MB more than needed, then trimmed to
     * start on a 2 MB boundary. */
    size_t rounded = mapped_size(n);
    if (!rounded)
        return NULL;
    unsigned char *m = mmap(NULL, rounded + HUGE_PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    size_t head = (size_t)(-(uintptr_t)m & (HUGE_PAGE - 1));
    if (head)
        munmap(m, head);
    if (HUGE_PAGE - head)
        munmap(m + head + rounded, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
    madvise(m + head, rounded, MADV_HUGEPAGE);   /* advice: without it, 4 KB pages */
#endif
    return m + head;
}

void
cm_pages_free(void *p, size_t n)
{
    if (!p)
        return;
    if (n < HUGE_PAGE)
        free(p);
    else
        munmap(p, mapped_size(n));
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

/* What a surface's memory is given back with: its pages and their size. */
typedef struct pages {
    void *data;
    size_t n;
} pages;

static void
pages_free(void *closure)
{
    pages *pg = closure;
    cm_pages_free(pg->data, pg->n);
    free(pg);
}

cairo_surface_t *
cm_pages_surface(int width, int height)
{
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, width);
    if (width <= 0 || height <= 0 || stride <= 0 || (size_t)height > SIZE_MAX / (size_t)stride)
        return cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    size_t n = (size_t)stride * (size_t)height;
    pages *pg = malloc(sizeof(*pg));
    unsigned char *data = pg ? cm_pages_alloc(n) : NULL;
    if (!data) {
        free(pg);
        return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);   /* in error */
    }
    *pg = (pages){ data, n };
    cairo_surface_t *s = cairo_image_surface_create_for_data(data, CAIRO_FORMAT_ARGB32, width,
                                                             height, stride);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_set_user_data(s, &pages_key, pg, pages_free) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        pages_free(pg);
        return cairo_image_surface_create(CAIRO_FORMAT_INVALID, 0, 0);
    }
    return s;
}
