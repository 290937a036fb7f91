/* libFuzzer harness: the command's arguments (src/cli/args.c), as a shell
 * would pass them. The input is the arguments after "conflictmap",
 * separated by NUL bytes (the command first: render, validate, slices,
 * place, merge-manifests, import or anything); they are read into the
 * library's options and freed. Nothing runs: parsing numbers, sizes, boxes,
 * times, durations, limits, shards and the repeated options is what is
 * fuzzed. What the parser says goes to /dev/null (the sanitizers still
 * report on file descriptor 2). */
#include "cli.h"
#include "fuzz.h"

enum { MAX_ARGS = 64 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *quiet;
    if (!quiet) {
        if (!(quiet = fopen("/dev/null", "w")))
            abort();
        stderr = quiet;
    }
    char *copy = malloc(size + 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    argv[argc++] = "conflictmap";
    for (size_t i = 0; i <= size && argc < MAX_ARGS + 1;) {
        argv[argc++] = copy + i;
        i += strlen(copy + i) + 1;
    }
    argv[argc] = NULL;
    args a;
    memset(&a, 0, sizeof a);
    if (argc >= 2)
        cli_parse_args(&a, argc, argv);
    cli_free_args(&a);
    free(copy);
    return 0;
}
