/* All-or-nothing output files: nothing half-written is ever left under the
 * final name, so a reader (or a CMS) never picks up a truncated map. The
 * temporary file is created afresh under a name nobody can guess (O_EXCL,
 * O_NOFOLLOW), so a link planted in a shared folder is never written through;
 * renaming replaces whatever has the final name, a link included. */
#include "common/outfile.h"
#include "common/tempdir.h"
#include "conflictmap/api.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* Temporary files now open, for cm_remove_temporaries() to unlink from a
 * signal handler: fixed slots holding copies of the paths, because a handler
 * may neither lock nor follow pointers that the interrupted code is freeing.
 * Slots are claimed with lock-free atomics, since slices are drawn by several
 * threads at once (-j). A path too long for a slot, or a 65th open file, is
 * simply not covered. States: 0 free, 1 claimed (path being copied, or the
 * file being created), 2 the path is there to be removed. */
enum { N_SLOTS = 64, SLOT_BYTES = 4096 };
static atomic_int slot_state[N_SLOTS];
static char slot_path[N_SLOTS][SLOT_BYTES];
static atomic_int cancelled;

static int
remember(const char *tmp)
{
    size_t len = strlen(tmp);
    for (int i = 0; len < SLOT_BYTES && i < N_SLOTS; i++) {
        int free_slot = 0;
        if (!atomic_compare_exchange_strong(&slot_state[i], &free_slot, 1))
            continue;
        memcpy(slot_path[i], tmp, len + 1);
        return i;
    }
    return -1;
}

static void
forget(int slot)
{
    if (slot >= 0)
        atomic_store(&slot_state[slot], 0);
}

static int
any_being_created(void)
{
    for (int i = 0; i < N_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == 1)
            return 1;
    return 0;
}

/* Another thread may be between claiming a slot and creating its file: wait
 * for it a little (bounded, in case it is this very thread that the signal
 * interrupted), so that the file is there to be removed, or is never made.
 * Declared in conflictmap/render.h, a later stage: exported here. */
CM_API void
cm_remove_temporaries(void)
{
    struct timespec ms = { 0, 1000000 };
    atomic_store(&cancelled, 1);
    for (int k = 0; k < 200 && any_being_created(); k++)
        nanosleep(&ms, NULL);
    for (int i = 0; i < N_SLOTS; i++)
        if (atomic_load(&slot_state[i]) == 2)
            unlink(slot_path[i]);
    cm_tempdir_remove_all();
}

static void
release(cm_outfile *o)
{
    forget(o->slot - 1);
    o->slot = 0;
    free(o->path);
    free(o->tmp);
    free(o->buf);   /* its FILE is closed by now */
    o->path = o->tmp = o->buf = NULL;
    o->f = NULL;
}

void
cm_random_name(char *out, size_t n)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    static atomic_uint counter;
    unsigned char r[64];
    if (n > sizeof r)
        n = sizeof r;
    if (getrandom(r, n, GRND_NONBLOCK) != (ssize_t)n) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        unsigned long x = (unsigned long)t.tv_nsec ^ ((unsigned long)getpid() << 20) ^
                          atomic_fetch_add(&counter, 1) * 2654435761u;
        for (size_t i = 0; i < n; i++, x = x * 6364136223846793005u + 1442695040888963407u)
            r[i] = (unsigned char)(x >> 33);
    }
    for (size_t i = 0; i < n; i++)
        out[i] = digits[r[i] % (sizeof digits - 1)];
    out[n] = '\0';
}

/* @path with ".XXXXXXXXXXXX.tmp" added: twelve characters nobody can
 * guess, so that nobody can plant anything at the name beforehand. */
static void
temporary_name(char *tmp, const char *path, size_t len)
{
    memcpy(tmp, path, len);
    tmp[len] = '.';
    cm_random_name(tmp + len + 1, 12);
    memcpy(tmp + len + 13, ".tmp", 5);
}

enum { OUT_BUFFER = 256 << 10 };

/* Creates @o->tmp: a new regular file, never an existing one or a link's
 * target; another name is drawn if one is taken. NULL with errno set. */
static FILE *
create_temporary(cm_outfile *o, size_t len)
{
    for (int tries = 0; tries < 16; tries++) {
        temporary_name(o->tmp, o->path, len);
        int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return NULL;
        FILE *f = fdopen(fd, "wb");
        if (!f) {
            int err = errno;
            close(fd);
            unlink(o->tmp);
            errno = err;
        } else {
            /* stdio's 4 KB wrote a slice's PNG in some 80 calls (1,921
             * write()s for bench's standard job), 256 KB in two */
            setvbuf(f, o->buf, _IOFBF, OUT_BUFFER);
        }
        return f;
    }
    return NULL;
}

cm_status
cm_outfile_open(cm_outfile *o, const char *path, cm_diag_list *diags)
{
    size_t len = strlen(path);
    memset(o, 0, sizeof(*o));
    o->path = strdup(path);
    o->tmp = malloc(len + 18);
    o->buf = malloc(OUT_BUFFER);
    if (!o->path || !o->tmp || !o->buf) {
        release(o);
        return CM_ERR_NOMEM;
    }
    temporary_name(o->tmp, path, len);
    /* Remembered before it exists, so no signal finds it created but unknown;
     * the slot is given the final name drawn once the file is made. */
    o->slot = remember(o->tmp) + 1;
    o->f = atomic_load(&cancelled) ? NULL : create_temporary(o, len);
    if (o->f && o->slot > 0) {
        memcpy(slot_path[o->slot - 1], o->tmp, len + 18);
        atomic_store(&slot_state[o->slot - 1], 2);
    }
    if (!o->f) {
        if (atomic_load(&cancelled))
            errno = EINTR;
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot write \"%s\": %s", path, strerror(errno));
        release(o);
        return CM_ERR_IO;
    }
    return CM_OK;
}

void
cm_outfile_write(cm_outfile *o, const void *data, size_t n)
{
    if (!o->failed && fwrite(data, 1, n, o->f) != n)
        o->failed = errno ? errno : EIO;
}

int
cm_outfile_flush(cm_outfile *o)
{
    if (!o->failed && fflush(o->f) != 0)
        o->failed = errno ? errno : EIO;
    return !o->failed;
}

void
cm_outfile_puts(cm_outfile *o, const char *s)
{
    cm_outfile_write(o, s, strlen(s));
}

void
cm_outfile_printf(cm_outfile *o, const char *fmt, ...)
{
    va_list ap;
    if (o->failed)
        return;
    va_start(ap, fmt);
    if (vfprintf(o->f, fmt, ap) < 0)
        o->failed = errno ? errno : EIO;
    va_end(ap);
}

cm_status
cm_outfile_commit(cm_outfile *o, cm_diag_list *diags)
{
    int err = o->failed;
    if (fflush(o->f) != 0 && !err)
        err = errno;
    if (fclose(o->f) != 0 && !err)
        err = errno;
    o->f = NULL;
    if (!err && rename(o->tmp, o->path) != 0)
        err = errno;
    if (err) {
        cm_pos pos = { o->path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot write \"%s\": %s", o->path, strerror(err));
        unlink(o->tmp);
        release(o);
        return CM_ERR_IO;
    }
    release(o);
    return CM_OK;
}

void
cm_outfile_abort(cm_outfile *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}
