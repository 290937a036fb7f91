/* All-or-nothing output files: nothing half-written is ever left under the
 * final name, so a reader (or a CMS) never picks up a truncated map. */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void
release(cm_outfile *o)
{
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
