/* The command-line tool's own pieces: finding the shipped data. */
#ifndef CM_CLI_H
#define CM_CLI_H

#include <stddef.h>

/* The folder holding shapes/ and gazetteer/: $CONFLICTMAP_DATA, next to the
 * binary (its ../share/conflictmap, or its parent for a build folder inside the
 * source tree), the install prefix, or the source tree it was built from.
 * Returns NULL when none of them has the data. Static storage. */
const char *cli_data_dir(void);

/* The shipped gazetteer files of @data_dir (*.tsv but not *.in.tsv), sorted,
 * as malloc'd paths appended to *paths. Returns the new count, or (size_t)-1
 * when out of memory. */
size_t cli_shipped_gazetteers(const char *data_dir, char ***paths, size_t n);

#endif
