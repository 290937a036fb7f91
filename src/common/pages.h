/* Big pixel buffers. A fresh 4 KB page costs its first write a page fault,
 * and on the virtual machines maps are rendered on that is some 20 us: 8 MB
 * first touched took 41 ms (bench/README.md), more than drawing a slice.
 * Buffers from here are aligned to 2 MB and marked for transparent huge
 * pages, so the same 8 MB take about 1 ms. For src/ only. */
#ifndef CM_SRC_PAGES_H
#define CM_SRC_PAGES_H

#include <cairo.h>
#include <stddef.h>

/* @n bytes, zeroed; NULL when out of memory. Freed with cm_pages_free(),
 * given the same @n. */
void *cm_pages_alloc(size_t n);
void cm_pages_free(void *p, size_t n);

/* @n bytes, zeroed, of which only a few parts will be written (the kernel
 * maps a 4 KB page where one is first written, never a 2 MB one, which it
 * would clear whole); NULL when out of memory. Freed with
 * cm_pages_sparse_free(), given the same @n. */
void *cm_pages_sparse(size_t n);
void cm_pages_sparse_free(void *p, size_t n);

/* A new ARGB32 image surface of @width x @height, transparent, over
 * cm_pages_alloc() memory freed with the surface. A surface in an error
 * state when out of memory (check cairo_surface_status). */
cairo_surface_t *cm_pages_surface(int width, int height);

#endif
