/* Finding the data conflictmap ships (shapes/, gazetteer/) for a run that
 * names none, the same for the command and for any program using the
 * library; reading it is the gazetteer's and the layers' job. */
#define _GNU_SOURCE   /* dladdr */
#include "load/data.h"
#include "common/grow.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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

/* The folder @file is in, resolved, into @dir; 0 when it cannot be. */
static int
folder_of(const char *file, char dir[PATH_MAX])
{
    if (!realpath(file, dir)) {
        dir[0] = '\0';
        return 0;
    }
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    return slash != NULL;
}

/* @dir + @rel into @found when that holds the data. */
static int
try_at(char found[PATH_MAX], const char *dir, const char *rel)
{
    return join(found, PATH_MAX, dir, rel) && has_data(found);
}

/* The folder of the shared library this code is in, into @dir; 0 when it is
 * linked into the program (whose folder is already looked in) or cannot be
 * told. The program is the object that holds its own program headers. */
static int
library_folder(char dir[PATH_MAX])
{
    Dl_info mine, program;
    if (!dladdr((void *)cm_data_dir, &mine) || !mine.dli_fname ||
        !dladdr((void *)getauxval(AT_PHDR), &program) ||
        mine.dli_fbase == program.dli_fbase) {
        dir[0] = '\0';
        return 0;
    }
    return folder_of(mine.dli_fname, dir);
}

/* 1 when @dir is the build folder or inside it; 0 for "". */
static int
is_in_build(const char *dir)
{
    char build[PATH_MAX];
    size_t n;
    if (!dir[0] || !realpath(CM_BUILD_DIR, build))
        return 0;
    n = strlen(build);
    return strncmp(dir, build, n) == 0 && (dir[n] == '\0' || dir[n] == '/');
}

static char found_dir[PATH_MAX];
static const char *found;

/* In the order cm_data_dir() documents; the first folder that holds the data. */
static void
look(void)
{
    char exe[PATH_MAX], lib[PATH_MAX];
    const char *env = getenv("CONFLICTMAP_DATA");
    int is_found;

    if (env && *env) {
        is_found = try_at(found_dir, env, "");
    } else {
        int has_exe = folder_of("/proc/self/exe", exe), has_lib = library_folder(lib);
        is_found = (has_exe && (try_at(found_dir, exe, "/../share/conflictmap") ||
                                try_at(found_dir, exe, "/.."))) ||
                   (has_lib && try_at(found_dir, lib, "/" CM_LIB_TO_DATA)) ||
                   try_at(found_dir, CM_INSTALL_DATA_DIR, "") ||
                   /* never for an installed copy: the tree it was built from is
                    * none of its business */
                   ((is_in_build(exe) || is_in_build(lib)) &&
                    try_at(found_dir, CM_SOURCE_DATA_DIR, ""));
    }
    found = is_found ? found_dir : NULL;
}

const char *
cm_data_dir(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, look);
    return found;
}

const char *
cm_data_find(const char *given, cm_diag_list *diags)
{
    const char *env = getenv("CONFLICTMAP_DATA");
    if (given) {
        if (has_data(given))
            return given;
        cm_diag_error(diags, NULL, "the data folder \"%s\" has no shapes/ and gazetteer/ "
                      "folders; name the folder that holds them", given);
        return NULL;
    }
    const char *dir = cm_data_dir();
    if (dir)
        return dir;
    if (env && *env)
        cm_diag_error(diags, NULL, "CONFLICTMAP_DATA is \"%s\", which has no shapes/ and "
                      "gazetteer/ folders; set it to the folder that holds them", env);
    else
        cm_diag_error(diags, NULL, "cannot find the shipped shapes/ and gazetteer/ folders; "
                      "set CONFLICTMAP_DATA to the folder that holds them");
    return NULL;
}

/* 1 when the program, or the library it runs, is in the build folder. */
static int
runs_from_build(void)
{
    char exe[PATH_MAX], lib[PATH_MAX];
    int has_exe = folder_of("/proc/self/exe", exe), has_lib = library_folder(lib);
    return (has_exe && is_in_build(exe)) || (has_lib && is_in_build(lib));
}

int
cm_data_catalog_path(const char *data_dir, const char *lang, char *buf, size_t size)
{
    struct stat sb;
    const char *dir = data_dir ? data_dir : cm_data_dir();
    int n = dir ? snprintf(buf, size, "%s/locale/%s.mo", dir, lang) : -1;
    if (n > 0 && (size_t)n < size && stat(buf, &sb) == 0)
        return 1;
    /* the build tree's: msgfmt writes the catalogues there, not into the sources */
    n = runs_from_build() ? snprintf(buf, size, "%s/locale/%s.mo", CM_BUILD_DIR, lang) : -1;
    return n > 0 && (size_t)n < size && stat(buf, &sb) == 0;
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

/* The .tsv files of @dir, sorted, into *paths (the caller frees each and the
 * array); *n how many. Returns CM_OK or CM_ERR_NOMEM. */
static cm_status
list_files(const char *dir, char ***paths, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0;
    cm_status st = CM_OK;
    if (!d)
        return CM_OK;
    while (st == CM_OK && (de = readdir(d))) {
        if (!is_gazetteer(de->d_name))
            continue;
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        if (!CM_GROW(*paths, *n, cap) || !((*paths)[*n] = malloc(len))) {
            st = CM_ERR_NOMEM;
            break;
        }
        snprintf((*paths)[(*n)++], len, "%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (*n)   /* an empty gazetteer/ leaves *paths NULL, which qsort must not get */
        qsort(*paths, *n, sizeof(char *), compare_names);
    return st;
}

cm_status
cm_gazetteer_add_shipped(cm_gazetteer *gaz, const char *data_dir, cm_diag_list *diags)
{
    char dir[PATH_MAX], world[PATH_MAX];
    char **paths = NULL;
    size_t n = 0;
    struct stat sb;
    cm_status st = CM_OK;
    const char *data = cm_data_find(data_dir, diags);

    if (!data)
        return CM_ERR_IO;
    /* The world gazetteer, made by gazetteer/make-world-db from the curated
     * files and GeoNames: it replaces them, as it holds them. */
    if (join(world, sizeof(world), data, "/gazetteer/world.sqlite") &&
        stat(world, &sb) == 0 && S_ISREG(sb.st_mode))
        return cm_gazetteer_add_file(gaz, world, diags);
    if (!join(dir, sizeof(dir), data, "/gazetteer")) {
        cm_diag_error(diags, NULL, "the data folder's name is too long: \"%s\"", data);
        return CM_ERR_IO;
    }
    st = list_files(dir, &paths, &n);
    for (size_t i = 0; i < n; i++) {
        cm_status s = st == CM_ERR_NOMEM ? st : cm_gazetteer_add_file(gaz, paths[i], diags);
        st = st != CM_OK ? st : s;
        free(paths[i]);
    }
    free(paths);
    return st;
}
