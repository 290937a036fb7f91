/* cm_fold_names: the folded and loose keys of names, one name a line on
 * standard input, "KEY<tab>LOOSE" a line on standard output (an empty line for
 * a name that does not fold: not UTF-8). gazetteer/make-world-db stores these
 * keys in world.sqlite, so that they are the library's own (src/load/fold.c,
 * compiled into this tool) and a look-up finds every name it stores. A build
 * tool: not installed. `--version` prints what the keys depend on. */
#include "conflictmap/gazetteer.h"
#include "load/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int
main(int argc, char **argv)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("utf8proc %s, unicode %s\n", utf8proc_version(), utf8proc_unicode_version());
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: cm_fold_names < NAMES > KEYS\n");
        return 2;
    }
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[n - 1] = '\0';
        char *key = cm_name_fold(line);
        char *loose = key ? cm_name_loosen(key) : NULL;
        if (key && !loose) {
            fprintf(stderr, "cm_fold_names: out of memory\n");
            return 1;
        }
        if (printf("%s\t%s\n", key ? key : "", loose ? loose : "") < 0) {
            fprintf(stderr, "cm_fold_names: cannot write\n");
            return 1;
        }
        free(key);
        free(loose);
    }
    free(line);
    return fflush(stdout) == 0 ? 0 : 1;
}
