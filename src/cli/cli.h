/* The command-line tool's own pieces: finding the shipped data, the progress bar. */
#ifndef CM_CLI_H
#define CM_CLI_H

#include <stddef.h>

/* The folder holding shapes/ and gazetteer/: $CONFLICTMAP_DATA, next to the
 * binary (its ../share/conflictmap, or its parent for a build folder inside the
 * source tree), the install prefix, or the source tree it was built from.
 * Returns NULL when none of them has the data. Static storage. */
const char *cli_data_dir(void);

/* The shipped gazetteer of @data_dir: its world database (gazetteer/world.sqlite,
 * which holds the curated files too) when it was built, else the files it is
 * built from (*.tsv but not *.in.tsv), sorted; malloc'd paths appended to
 * *paths. Returns the new count, or (size_t)-1 when out of memory. */
size_t cli_shipped_gazetteers(const char *data_dir, char ***paths, size_t n);

/* The progress bar (progress.c): on stderr only when it is a terminal and
 * --quiet was not given. cli_progress_update is a cm_render_options.progress. */
typedef struct cli_progress {
    int is_on, is_shown;
    double start_s, shown_s;
} cli_progress;

void cli_progress_start(cli_progress *p, int quiet);
void cli_progress_update(void *p, size_t done, size_t total);
void cli_progress_end(cli_progress *p);   /* ends the bar's line, if one was drawn */
void cli_progress_format(char *buf, size_t size, size_t done, size_t total,
                         double elapsed_s);

/* --help (help.c): prints @command's usage and options, or the list of
 * commands when @command is NULL, to stdout. Returns 0, or -1 for a command
 * it does not know. */
int cli_help(const char *command);
/* 1 when an argument after the command is --help or -h. */
int cli_wants_help(int argc, char **argv);

#endif
