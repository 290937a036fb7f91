/* Shared by the libFuzzer harnesses: each writes its input into a private
 * folder and loads it through the public API, so the whole path a user's file
 * takes (reading, encoding checks, parsing, checks) is fuzzed. */
#ifndef CM_FUZZ_H
#define CM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A folder of this process's own, made once; libFuzzer's -fork and -jobs
 * workers are separate processes, so they never share a file. */
static const char *
fuzz_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/cm-fuzz-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* The path of @name in fuzz_dir(); valid until the next call. */
static const char *
fuzz_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    return path;
}

/* Writes @size bytes to fuzz_path(@name) and returns that path. */
static const char *
fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    const char *path = fuzz_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    return path;
}

#endif
