/* The command-line tool's own pieces: the progress bar, --help. */
#ifndef CM_CLI_H
#define CM_CLI_H

#include <stddef.h>

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
