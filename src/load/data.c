/* Finding the data conflictmap ships (shapes/, gazetteer/) for a run that
 * names none: the library takes explicit paths, the tool finds the defaults. */
#include "cli.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* @a followed by @b in @buf; 0 when it does not fit. */
static int
join(char *buf, size_t size, const char *a, const char *b)
{
    int n = snprintf(buf, size, "%s%s", a, b);
    return n >= 0 && (size_t)n < size;
}

static int
is_dir(const char *dir, const char *sub)
{
    char path[PATH_MAX];
    struct stat sb;
    return join(path, sizeof(path), dir, sub) && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int
has_data(const char *dir)
{
    return is_dir(dir, "/gazetteer") && is_dir(dir, "/shapes");
}

const char *
cli_data_dir(void)
{
    static char found[PATH_MAX];
    char exe[PATH_MAX];
    const char *env = getenv("CONFLICTMAP_DATA");

    if (env && *env) {
        snprintf(found, sizeof(found), "%s", env);
        return has_data(found) ? found : NULL;
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        if (join(found, sizeof(found), exe, "/../share/conflictmap") && has_data(found))
            return found;
        if (join(found, sizeof(found), exe, "/..") && has_data(found))
            return found;
    }
    snprintf(found, sizeof(found), "%s", CM_INSTALL_DATA_DIR);
    if (has_data(found))
        return found;
    snprintf(found, sizeof(found), "%s", CM_SOURCE_DATA_DIR);
    return has_data(found) ? found : NULL;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_gazetteer(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".tsv") == 0 &&
           !(n > 7 && strcmp(name + n - 7, ".in.tsv") == 0);
}

/* Appends a copy of @path to *paths; 0 when out of memory. */
static int
push_path(char ***paths, size_t n, const char *path)
{
    char **p = realloc(*paths, (n + 1) * sizeof(*p));
    if (!p)
        return 0;
    *paths = p;
    return (p[n] = strdup(path)) != NULL;
}

size_t
cli_shipped_gazetteers(const char *data_dir, char ***paths, size_t n)
{
    char dir[PATH_MAX], world[PATH_MAX];
    size_t first = n;
    struct stat sb;
    /* The world gazetteer, made by gazetteer/make-world-db from the curated
     * files and GeoNames: it replaces them, as it holds them. */
    if (join(world, sizeof(world), data_dir, "/gazetteer/world.sqlite") &&
        stat(world, &sb) == 0 && S_ISREG(sb.st_mode))
        return push_path(paths, n, world) ? n + 1 : (size_t)-1;
    DIR *d = join(dir, sizeof(dir), data_dir, "/gazetteer") ? opendir(dir) : NULL;
    struct dirent *de;
    if (!d)
        return n;
    while ((de = readdir(d))) {
        if (!is_gazetteer(de->d_name))
            continue;
        char **p = realloc(*paths, (n + 1) * sizeof(*p));
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if (!p) {
            closedir(d);
            return (size_t)-1;
        }
        *paths = p;
        if (!(p[n] = malloc(len))) {
            closedir(d);
            return (size_t)-1;
        }
        snprintf(p[n++], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (n > first)   /* an empty gazetteer/ leaves *paths NULL, which qsort must not get */
        qsort(*paths + first, n - first, sizeof(char *), compare_names);
    return n;
}
