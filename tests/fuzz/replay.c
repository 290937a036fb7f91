/* Runs a harness over files, without libFuzzer: each argument is a file or a
 * folder of them. Built in every configuration, so the seeds and every crash
 * the fuzzers ever found (tests/fuzz/regressions/) run under ctest, with the
 * sanitizers in the sanitizer build. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    if (!buf)
        return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int
run_path(const char *path, size_t *n_files)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        (*n_files)++;
        return run_file(path);
    }
    DIR *dir = opendir(path);
    struct dirent *e;
    int failed = 0;
    char child[4096];
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        failed |= run_path(child, n_files);
    }
    if (dir)
        closedir(dir);
    return failed || !dir;
}

int
main(int argc, char **argv)
{
    size_t n_files = 0;
    int failed = 0;
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++)
        failed |= run_path(argv[i], &n_files);
    printf("replay: %zu inputs, none crashed\n", n_files);
    return failed;
}
