/* Temporary folders that a signal cannot leave behind: each is named in a
 * fixed slot before it is made, so that cm_remove_temporaries() can find it
 * from a signal handler, which may neither allocate nor lock; it empties it
 * with getdents64() and unlinkat(), which are plain system calls, where
 * readdir() might allocate. */
#define _GNU_SOURCE   /* getdents64 */
#include "common/tempdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* States: 0 free, 1 claimed (the name being written), 2 named (the folder
 * may exist: removing one that does not is harmless). A folder is named
 * before mkdir(), so no moment exists when it is there but unknown. */
enum { N_SLOTS = 16, SLOT_BYTES = 4096, N_RANDOM = 12 };
static atomic_int slot_state[N_SLOTS];
static char slot_path[N_SLOTS][SLOT_BYTES];
static atomic_int cancelled;

static int
is_dots(const char *name)
{
    return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* Empties and removes @dir, with async-signal-safe calls only. */
static void
remove_folder(const char *dir)
{
    _Alignas(struct dirent64) char buf[4096];   /* the kernel aligns each entry */
    long n;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    while (fd >= 0 && (n = (long)getdents64(fd, buf, sizeof buf)) > 0)
        for (long off = 0; off < n;) {
            struct dirent64 *de = (struct dirent64 *)(buf + off);
            if (!is_dots(de->d_name))
                unlinkat(fd, de->d_name, 0);
            off += de->d_reclen;
        }
    if (fd >= 0)
        close(fd);
    rmdir(dir);
}

void
cm_tempdir_remove_all(void)
{
    atomic_store(&cancelled, 1);
    for (int i = 0; i < N_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == 2)
            remove_folder(slot_path[i]);
}

/* Twelve characters from the kernel's random source, or, failing that, the
 * clock, the process and a counter. */
static void
random_chars(char *out)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static atomic_uint counter;
    unsigned char r[N_RANDOM];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        unsigned long long x = (unsigned long long)t.tv_nsec * 1000003u ^
                               (unsigned long long)getpid() << 32 ^ atomic_fetch_add(&counter, 1);
        for (size_t i = 0; i < sizeof r; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            r[i] = (unsigned char)(x >> 56);
        }
    }
    for (size_t i = 0; i < sizeof r; i++)
        out[i] = digits[r[i] % (sizeof digits - 1)];
    out[N_RANDOM] = '\0';
}

static int
claim(void)
{
    for (int i = 0; i < N_SLOTS; i++) {
        int free_slot = 0;
        if (atomic_compare_exchange_strong(&slot_state[i], &free_slot, 1))
            return i;
    }
    return -1;
}

/* mkdir() of a new random name in slot @i, up to 16 names; 0 or an errno. */
static int
make_named(int i, const char *base, const char *prefix)
{
    char chars[N_RANDOM + 1];
    for (int tries = 0; tries < 16; tries++) {
        random_chars(chars);
        atomic_store(&slot_state[i], 1);
        int len = snprintf(slot_path[i], SLOT_BYTES, "%s/%s-%s", base, prefix, chars);
        if (len < 0 || len >= SLOT_BYTES)
            return ENAMETOOLONG;
        atomic_store(&slot_state[i], 2);
        if (atomic_load(&cancelled))
            return EINTR;
        if (mkdir(slot_path[i], 0700) == 0)
            return 0;
        if (errno != EEXIST)
            return errno;
    }
    return EEXIST;
}

cm_status
cm_tempdir_create(const char *prefix, const char *for_path, char **dir, cm_diag_list *diags)
{
    const char *base = getenv("TMPDIR");
    cm_pos pos = { for_path, 0, 0 };
    int i = claim(), err = i < 0 ? EMFILE : 0;

    *dir = NULL;
    if (!base || !*base)
        base = "/tmp";
    if (!err)
        err = make_named(i, base, prefix);
    if (!err && !(*dir = strdup(slot_path[i]))) {
        cm_tempdir_remove(slot_path[i]);
        return CM_ERR_NOMEM;
    }
    if (!err)
        return CM_OK;
    if (i >= 0)
        atomic_store(&slot_state[i], 0);
    cm_diag_error(diags, &pos, "cannot make a temporary folder in \"%s\" (TMPDIR): %s", base,
                  strerror(err));
    return CM_ERR_IO;
}

void
cm_tempdir_remove(const char *dir)
{
    remove_folder(dir);
    for (int i = 0; i < N_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == 2 && strcmp(slot_path[i], dir) == 0)
            atomic_store(&slot_state[i], 0);
}
