/* A 64-bit mixer (splitmix64's finalizer): the hash of points and edges by
 * their coordinates' bits, in the tables of the geometry code (layout/
 * territory.c's pieces and edges, geo/area.c's memo, geo/coverage.c's edges). */
#ifndef CM_SRC_MIX64_H
#define CM_SRC_MIX64_H

#include <stdint.h>
#include <string.h>

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

/* A hash of the directed edge from @p to @q (longitude, latitude), bit for
 * bit: -0 and 0 differ, as the tables that use it compare them. */
static inline uint64_t
cm_edge_hash(const double *p, const double *q)
{
    uint64_t v[4];
    memcpy(v, p, 2 * sizeof(double));
    memcpy(v + 2, q, 2 * sizeof(double));
    return cm_mix64(v[0] * 0x9E3779B97F4A7C15u ^ v[1] * 0xC2B2AE3D27D4EB4Fu ^
                    v[2] * 0x165667B19E3779F9u ^ v[3] * 0xD6E8FEB86659FD93u);
}

#endif
