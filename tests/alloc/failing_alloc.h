/* A test-only allocator that fails on request: linked with
 * -Wl,--wrap=malloc,... so that it sees exactly the allocations conflictmap's
 * own code makes (third-party libraries keep the real allocator: glib, for
 * one, aborts by design when malloc fails, which is not ours to test). */
#ifndef CM_TEST_FAILING_ALLOC_H
#define CM_TEST_FAILING_ALLOC_H

#include <stddef.h>

/* From now on, count allocations and fail the @n-th (1-based) and only it;
 * 0 counts without failing. */
void failing_alloc_arm(size_t n);
/* Allocations counted since failing_alloc_arm(). */
size_t failing_alloc_count(void);
/* Whether the armed allocation has failed yet. */
int failing_alloc_fired(void);

#endif
