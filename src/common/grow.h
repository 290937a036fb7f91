/* Growable arrays: the one helper every list in the library grows with, so
 * the doubling and the overflow checks are written once. The arrays
 * themselves stay plain pointers with a count and a capacity beside them. */
#ifndef CM_SRC_GROW_H
#define CM_SRC_GROW_H

#include <stddef.h>

/* Grows *@items (elements of @size bytes, *@cap of them) to hold at least
 * @need, doubling from 16. 1 on success; 0 when out of memory or when the
 * size would overflow, *@items and *@cap then left as they were. */
int cm_reserve(void **items, size_t *cap, size_t need, size_t size);

/* Room for at least @need elements in @arr, whose capacity is @cap. */
#define CM_RESERVE(arr, cap, need) \
    cm_reserve((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* Room for one more after @n elements: true at once when there is room, so
 * the common case costs one comparison. */
#define CM_GROW(arr, n, cap) ((n) < (cap) || CM_RESERVE(arr, cap, (n) + 1))

#endif
