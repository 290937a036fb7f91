/* The command-line tool's own pieces: the progress bar, --help. */
#ifndef CM_CLI_H
#define CM_CLI_H

#include "conflictmap/conflictmap.h"

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

/* The command's heap grown in one step on transparent huge pages, where
 * the C library and the kernel allow it (heap.c). First thing in main(). */
void cli_heap_on_huge_pages(void);

/* Exit codes: done, bad input, bad usage, cannot read or write, a bug. */
enum { EXIT_DONE = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_BUG = 4 };

/* The arguments (args.c). */
typedef struct args {
    const char *command, *input;
    const char *import_file, *output;   /* import FORMAT FILE [-o OUTPUT] */
    cm_render_options opt;
    const char **shapes, **gazetteers, **controls;
    size_t n_shapes, n_gazetteers, n_controls;
    cm_time *at;
    size_t n_at;
    int jobs, quiet, explain;
    double bbox[4];
    int has_bbox;
    int has_size;       /* --size was given */
    cm_limits limits;   /* zero: the default */
    const char *host;   /* serve, watch --serve: the address; NULL: 127.0.0.1 */
    int port;           /* 0 until given: 8000 */
    int serve;          /* watch --serve */
} args;

extern const char cli_usage_text[];

/* Prints "conflictmap: " @fmt (with @arg) and the usage to stderr; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *fmt, const char *arg);

/* Reads argv[2..] of the command argv[1] into @a (zeroed by the caller): 0,
 * or an exit code after saying what is wrong. cli_free_args frees what it
 * allocated, either way. */
int cli_parse_args(args *a, int argc, char **argv);
void cli_free_args(args *a);

/* The preview server (serve.c) on @dir, at @host (NULL: 127.0.0.1) and
 * @port; NULL after saying why not. cli_serve_stop() ends it. */
typedef struct cli_server cli_server;
cli_server *cli_serve_start(const char *dir, const char *host, int port);
void cli_serve_stop(cli_server *srv);
/* `conflictmap serve DIR`: until SIGINT or SIGTERM. An exit code. */
int cli_serve(args *a);

/* `conflictmap watch` (watch.c): renders, then again at each change of the
 * files the maps are made from, until SIGINT or SIGTERM. An exit code. */
int cli_watch(args *a);

#endif
