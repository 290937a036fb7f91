/* bench/gazbench: the world gazetteer's budgets (issue 14), timed inside one
 * process so that start-up does not count: opening the database, resolving
 * 1,000 distinct names one by one (cm_gazetteer_lookup) and as an events file
 * resolves them (cm_events_load: candidates, context, choice), and "did you
 * mean" for misspelt names (cm_gazetteer_suggest), median and slowest.
 * Built and run by bench/gazetteer. Usage: gazbench DB NAMES TYPOS EVENTS */
#include "conflictmap/conflictmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The lines of @path, NUL-terminated in place; their number in *n. */
static char **
read_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char **lines = NULL, *line = NULL;
    size_t cap = 0, size = 0;
    ssize_t len;
    *n = 0;
    while (f && (len = getline(&line, &cap, f)) > 0) {
        line[len - 1] = line[len - 1] == '\n' ? '\0' : line[len - 1];
        if (*n == size && !(lines = realloc(lines, (size = size ? 2 * size : 64) * sizeof(*lines))))
            exit(3);
        lines[(*n)++] = strdup(line);
    }
    free(line);
    if (f)
        fclose(f);
    return lines;
}

static int
compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    size_t n_names, n_typos;
    cm_gazetteer *gaz = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    if (argc != 5) {
        fprintf(stderr, "usage: gazbench DB NAMES TYPOS EVENTS\n");
        return 2;
    }
    char **names = read_lines(argv[2], &n_names), **typos = read_lines(argv[3], &n_typos);
    double t0 = now_ms();
    if (cm_gazetteer_create(&gaz) != CM_OK || cm_gazetteer_add_file(gaz, argv[1], diags) != CM_OK)
        return 1;
    double t_open = now_ms() - t0;

    size_t found = 0;
    t0 = now_ms();
    for (size_t i = 0; i < n_names; i++)
        found += cm_gazetteer_find(gaz, names[i], NULL) != NULL;
    double t_lookup = now_ms() - t0;

    /* A fresh gazetteer, so that the events file's names are read again. */
    cm_gazetteer *gaz2 = NULL;
    cm_events *events = NULL;
    cm_gazetteer_create(&gaz2);
    cm_gazetteer_add_file(gaz2, argv[1], diags);
    t0 = now_ms();
    cm_status st = cm_events_load(&events, argv[4], gaz2, diags);
    double t_events = now_ms() - t0;

    double *t = calloc(n_typos + 1, sizeof(*t));
    size_t offered = 0;
    for (size_t i = 0; i < n_typos; i++) {
        const char *alt[3];
        double s = now_ms();
        offered += cm_gazetteer_suggest(gaz, typos[i], alt, 3) > 0;
        t[i] = now_ms() - s;
    }
    qsort(t, n_typos, sizeof(*t), compare_doubles);

    printf("open the database           %8.1f ms\n", t_open);
    printf("look up %zu distinct names   %8.1f ms  (%zu found)\n", n_names, t_lookup, found);
    printf("resolve them as events      %8.1f ms  (%s, %zu diagnostics)\n", t_events,
           st == CM_OK ? "valid" : "invalid", cm_diag_count(diags));
    printf("did you mean, median        %8.2f ms  (%zu misspellings, %zu answered)\n",
           n_typos ? t[n_typos / 2] : 0, n_typos, offered);
    printf("did you mean, slowest       %8.2f ms\n", n_typos ? t[n_typos - 1] : 0);
    cm_events_destroy(events);
    cm_gazetteer_destroy(gaz2);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
    return 0;
}
