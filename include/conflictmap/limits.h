/* Limits that protect the machine from hostile or broken input: how big a file,
 * how many events, how long a string, how deep a JSON nesting, how many
 * vertices a layer may have. Each is reported plainly, with its position, when hit. */
#ifndef CONFLICTMAP_LIMITS_H
#define CONFLICTMAP_LIMITS_H

#include <stddef.h>
#include "conflictmap/api.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_limits {
    size_t max_file_bytes;     /* any one input file: events, style, gazetteer,
                                * each file of a layer, a previous manifest;
                                * default 256 MB */
    size_t max_events;         /* events in one events file; default 1,000,000 */
    size_t max_string_bytes;   /* one JSON string, in bytes; default 1 MB */
    size_t max_depth;          /* JSON nesting of [ and {; default 64 */
    size_t max_vertices;       /* points in one layer, counted as it is read;
                                * default 50,000,000 (about 800 MB of
                                * coordinates), which also bounds what a lying
                                * shapefile header can make us allocate */
} cm_limits;

/* The defaults above. */
CM_API cm_limits cm_limits_default(void);

/* The limits every loader in this process uses from now on. Process-wide so
 * that a program sets them once, before loading, without threading them through
 * every call; a zero member keeps its default. Not safe to call while another
 * thread loads. */
CM_API void cm_limits_set(const cm_limits *limits);
/* The limits in force. Borrowed. */
CM_API const cm_limits *cm_limits_get(void);

#ifdef __cplusplus
}
#endif

#endif
