/* Shared by the libFuzzer harnesses: each writes its input into a private
 * folder and loads it through the public API, so the whole path a user's file
 * takes (reading, encoding checks, parsing, checks) is fuzzed. */
#ifndef CM_FUZZ_H
#define CM_FUZZ_H

#include "conflictmap/layer.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static inline void fuzz_remove_tree(const char *path);
static inline void fuzz_remove_dir(void);

/* A folder of this process's own, made once (and removed at exit); libFuzzer's -fork and -jobs
 * workers are separate processes, so they never share a file. In $TMPDIR,
 * else in /dev/shm where there is one (memory: a file made, renamed and
 * removed every execution costs a disk file system's journal, on /tmp about
 * a third of fuzz_manifest's time), else in /tmp. */
static inline const char *
fuzz_dir(void)
{
    static char dir[256];
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        if (!base || !*base)
            base = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(dir, sizeof dir, "%s/cm-fuzz-XXXXXX", base);
        if (!mkdtemp(dir))
            abort();
        atexit(fuzz_remove_dir);
    }
    return dir;
}

/* The path of @name in fuzz_dir(); valid until the next call. */
static inline const char *
fuzz_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    return path;
}

/* Writes @size bytes to fuzz_path(@name) and returns that path. */
static inline const char *
fuzz_write(const char *name, const uint8_t *data, size_t size)
{
    const char *path = fuzz_path(name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    return path;
}

/* Removes @path and, if it is a folder, everything in it (symbolic links are
 * removed, not followed): a harness's output from one execution to the next. */
static inline void
fuzz_remove_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *child = malloc(n);
            if (!child)
                abort();
            snprintf(child, n, "%s/%s", path, e->d_name);
            fuzz_remove_tree(child);
            free(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static inline void
fuzz_remove_dir(void)
{
    fuzz_remove_tree(fuzz_dir());
}

/* Touches everything a loaded layer hands out (every point, the name and
 * @attr of every shape, read whole), so that a wrong count shows under ASan;
 * nothing in the data itself stops the run (a name may start with any byte). */
static inline void
fuzz_walk_layer(const cm_layer *layer, const char *attr)
{
    double bbox[4], sum = 0;
    cm_layer_bbox(layer, bbox);
    for (size_t i = 0; i < cm_layer_n_shapes(layer); i++) {
        const cm_shape *shape = cm_layer_shape(layer, i);
        for (size_t k = 0, np; k < cm_shape_n_parts(shape); k++) {
            const double *xy = cm_shape_part(shape, k, &np);
            for (size_t p = 0; p < 2 * np; p++)
                sum += xy[p];
        }
        const char *value = cm_shape_attr(shape, attr);
        sum += (double)strlen(cm_shape_name(shape)) + (value ? (double)strlen(value) : 0);
    }
    if (sum == -1.5e300)   /* keeps the loop */
        abort();
}

#endif
