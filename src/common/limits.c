/* The limits in force for this process; the loaders (input, events, layer) ask
 * for them, the command-line tool sets them from its options. */
#include "conflictmap/limits.h"

static const cm_limits defaults = {
    .max_file_bytes = 256u * 1024 * 1024,
    .max_events = 1000000,
    .max_string_bytes = 1024 * 1024,
    .max_depth = 64,
    .max_vertices = 50000000,
};

static cm_limits current = {
    .max_file_bytes = 256u * 1024 * 1024,
    .max_events = 1000000,
    .max_string_bytes = 1024 * 1024,
    .max_depth = 64,
    .max_vertices = 50000000,
};

cm_limits
cm_limits_default(void)
{
    return defaults;
}

static size_t
or_default(size_t v, size_t d)
{
    return v ? v : d;
}

void
cm_limits_set(const cm_limits *l)
{
    current.max_file_bytes = or_default(l->max_file_bytes, defaults.max_file_bytes);
    current.max_events = or_default(l->max_events, defaults.max_events);
    current.max_string_bytes = or_default(l->max_string_bytes, defaults.max_string_bytes);
    current.max_depth = or_default(l->max_depth, defaults.max_depth);
    current.max_vertices = or_default(l->max_vertices, defaults.max_vertices);
}

const cm_limits *
cm_limits_get(void)
{
    return &current;
}
