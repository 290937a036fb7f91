/* Prepared copies of control layers (docs/control.md, "Prepared copies"): a
 * layer of a megabyte or more, read once through GDAL, is kept as the
 * longitude/latitude rings and fields control.c made of it, in one binary
 * file of the cache folder, so that the next run that reads it (watch after
 * each save of the events file, a script rendering one map a timestamp) costs
 * a read of that file instead of GDAL's parsing. A copy is used only while
 * the layer file is the same file, unchanged since (device, inode, size,
 * modification and change times to the nanosecond), read with the same
 * options, by the same format of this cache, and while its own checksum
 * holds; anything else reads the layer again. For src/load/control.c only. */
#ifndef CM_SRC_CONTROL_CACHE_H
#define CM_SRC_CONTROL_CACHE_H

#include "conflictmap/events.h"
#include "conflictmap/timestamp.h"
#include "load/control.h"

#include <stddef.h>
#include <sys/stat.h>

/* One layer file, read with one set of options. */
typedef struct cm_control_cache_entry {
    char *copy;          /* the prepared copy's path; NULL: no copy for this layer */
    char *key;           /* what the copy must say it was made from, owned */
    char *real;          /* the layer's real path, owned */
    size_t key_len;
    struct stat sb;      /* the layer file, before reading it */
    int may_write;       /* the file is old enough that a change after sb shows */
} cm_control_cache_entry;

/* Looks for a prepared copy of the layer at @path read with @side (NULL: the
 * features' own), @status (-1: the features' own) and, for a folder's file,
 * @from and @to (@dated). Fills @e (cm_control_cache_done() frees it).
 * Returns 1 when the copy's features were added to @c, each side found in
 * @events; 0 when there is no usable copy (@c unchanged); -1 when out of
 * memory. */
int cm_control_cache_get(cm_control *c, const char *path, const char *side, int status,
                         int dated, cm_time from, cm_time to, const cm_events *events,
                         cm_control_cache_entry *e);

/* Writes @c's features from @f0, rings from @r0 and points from @p0 (what
 * reading the layer of @e added) as its prepared copy, with each feature's
 * km² (measured now, and set in @c's features for this run too), when @e
 * allows it and the layer file has not changed while it was read. Failing to
 * write is not an error: the copy is only there to save time. */
void cm_control_cache_put(cm_control *c, size_t f0, size_t r0, size_t p0,
                          cm_control_cache_entry *e);

void cm_control_cache_done(cm_control_cache_entry *e);

/* The copy in @data (@size bytes, without its checksum) added to @c when it
 * says it was made from @key: 1; 0 when it is not such a copy, or does not
 * hold together (@c unchanged); -1 when out of memory. With @adopt, when
 * @c has no points yet, its points are left in @data (8-byte aligned, to
 * outlive @c's use of them) instead of copied: then 2. For
 * cm_control_cache_get() and tests/fuzz/fuzz_copy.c. */
int cm_control_cache_read(cm_control *c, const unsigned char *data, size_t size, const char *key,
                          size_t key_len, const cm_events *events, int adopt);

#endif
