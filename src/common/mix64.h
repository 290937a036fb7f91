/* A 64-bit mixer (splitmix64's finalizer): the hash of points and edges by
 * their coordinates' bits, in the tables of the geometry code (layout/
 * territory.c's pieces and edges, geo/area.c's memo, geo/coverage.c's edges). */
#ifndef CM_SRC_MIX64_H
#define CM_SRC_MIX64_H

#include <stdint.h>

static inline uint64_t
cm_mix64(uint64_t h)
{
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 29;
    h *= 0x94D049BB133111EBu;
    h ^= h >> 32;
    return h;
}

#endif
