/* All-or-nothing output files: nothing half-written is ever left under the
 * final name, so a reader (or a CMS) never picks up a truncated map. */
#include "outfile.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Temporary files now open, for cm_remove_temporaries() to unlink from a
 * signal handler: fixed slots holding copies of the paths, because a handler
 * may neither lock nor follow pointers that the interrupted code is freeing.
 * A path too long for a slot, or a 65th open file, is simply not covered. */
enum { N_SLOTS = 64, SLOT_BYTES = 4096 };
static volatile sig_atomic_t slot_used[N_SLOTS];
static char slot_path[N_SLOTS][SLOT_BYTES];

static int
remember(const char *tmp)
{
    size_t len = strlen(tmp);
    for (int i = 0; len < SLOT_BYTES && i < N_SLOTS; i++) {
        if (slot_used[i])
            continue;
        memcpy(slot_path[i], tmp, len + 1);
        slot_used[i] = 1;
        return i;
    }
    return -1;
}

static void
forget(int slot)
{
    if (slot >= 0)
        slot_used[slot] = 0;
}

void
cm_remove_temporaries(void)
{
    for (int i = 0; i < N_SLOTS; i++)
        if (slot_used[i])
            unlink(slot_path[i]);
}

static void
release(cm_outfile *o)
{
    forget(o->slot - 1);
    o->slot = 0;
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    o->f = NULL;
}

cm_status
cm_outfile_open(cm_outfile *o, const char *path, cm_diag_list *diags)
{
    size_t len = strlen(path);
    memset(o, 0, sizeof(*o));
    o->path = strdup(path);
    o->tmp = malloc(len + 5);
    if (!o->path || !o->tmp) {
        release(o);
        return CM_ERR_NOMEM;
    }
    memcpy(o->tmp, path, len);
    memcpy(o->tmp + len, ".tmp", 5);
    /* Remembered before it exists, so no signal finds it created but unknown. */
    o->slot = remember(o->tmp) + 1;
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        cm_pos pos = { path, 0, 0 };
        cm_diag_error(diags, &pos, "cannot write \"%s\": %s", o->tmp, strerror(errno));
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
