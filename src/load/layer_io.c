/* Shapefile sets on disk or in memory behind one interface, and the SAHooks
 * that let shapelib read either; what the bytes mean is the layer module's
 * business. A set in memory is how the fuzzer feeds whole sets without files. */
#include "load/layer_io.h"
#include "common/input.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

void
cm_layer_io_init_disk(cm_layer_io *io)
{
    memset(io, 0, sizeof *io);
}

void
cm_layer_io_init_memory(cm_layer_io *io, const cm_layer_file *files, size_t n_files)
{
    memset(io, 0, sizeof *io);
    io->files = files;
    io->n_files = n_files;
}

static const cm_layer_file *
find_file(const cm_layer_io *io, const char *path)
{
    for (size_t i = 0; i < io->n_files; i++)
        if (io->files[i].path && strcmp(io->files[i].path, path) == 0)
            return &io->files[i];
    return NULL;
}

static cm_layer_stream *
free_stream(cm_layer_io *io)
{
    for (size_t i = 0; i < CM_LAYER_IO_MAX_OPEN; i++)
        if (!io->streams[i].in_use)
            return &io->streams[i];
    errno = EMFILE;
    return NULL;
}

static cm_layer_stream *
open_mode(cm_layer_io *io, const char *path, const char *mode)
{
    cm_layer_stream *s = free_stream(io);

    if (!s)
        return NULL;
    if (strpbrk(mode, "wa+")) {   /* the loader only reads */
        errno = EROFS;
        return NULL;
    }
    *s = (cm_layer_stream){ .in_use = 1 };
    if (!io->files) {
        /* A file on disk is mapped and read like one in memory: shapelib
         * seeks to every record it reads, and through stdio reading a layer's
         * record boxes was a seek and a read a record (17,600 system calls
         * for the example's layers); only the pages touched are read. */
        struct stat sb;
        int err = 0, fd = cm_input_open_regular(path);   /* never blocks on a pipe */
        if (fd < 0 || fstat(fd, &sb) != 0)
            err = errno ? errno : EIO;
        else if (sb.st_size > 0 && (unsigned long long)sb.st_size > SIZE_MAX)
            err = EFBIG;
        else if (sb.st_size > 0) {
            s->map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (s->map == MAP_FAILED) {
                err = errno;
                s->map = NULL;
            } else {
                s->data = s->map;
                s->size = (size_t)sb.st_size;
            }
        }
        if (fd >= 0)
            close(fd);
        if (err) {
            *s = (cm_layer_stream){ 0 };
            errno = err;
            return NULL;
        }
        return s;
    }
    const cm_layer_file *mem = find_file(io, path);
    if (!mem) {
        s->in_use = 0;
        errno = ENOENT;
        return NULL;
    }
    s->data = mem->data;
    s->size = mem->size;
    return s;
}

cm_layer_stream *
cm_layer_io_open(cm_layer_io *io, const char *path)
{
    return open_mode(io, path, "rb");
}

size_t
cm_layer_io_read(cm_layer_stream *s, void *buf, size_t n)
{
    size_t avail = s->pos < s->size ? s->size - s->pos : 0;
    if (n > avail)
        n = avail;
    if (n)
        memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return n;
}

/* fseeko's rules for memory: any offset from 0 up, past the end included. */
static int
seek_to(cm_layer_stream *s, long long base, long long offset)
{
    if (offset > 0 ? base > LLONG_MAX - offset : base + offset < 0) {
        errno = EINVAL;
        return -1;
    }
    if ((unsigned long long)(base + offset) > SIZE_MAX) {
        errno = EINVAL;
        return -1;
    }
    s->pos = (size_t)(base + offset);
    return 0;
}

int
cm_layer_io_seek(cm_layer_stream *s, unsigned long long offset)
{
    if (offset > LLONG_MAX) {
        errno = EINVAL;
        return -1;
    }
    return seek_to(s, 0, (long long)offset);
}

int
cm_layer_io_error(const cm_layer_stream *s)
{
    (void)s;
    return 0;   /* a mapped file is read like memory: nothing fails after opening */
}

void
cm_layer_io_close(cm_layer_stream *s)
{
    if (!s)
        return;
    if (s->map)
        munmap(s->map, s->size);
    *s = (cm_layer_stream){ 0 };
}

int
cm_layer_io_size(cm_layer_io *io, const char *path, unsigned long long *size)
{
    struct stat sb;
    const cm_layer_file *file;

    if (!io->files) {
        if (stat(path, &sb) != 0)
            return errno;
        *size = (unsigned long long)sb.st_size;
        return 0;
    }
    if (!(file = find_file(io, path)))
        return ENOENT;
    *size = file->size;
    return 0;
}

int
cm_layer_io_older(cm_layer_io *io, const char *path, const char *than)
{
    struct stat a, b;

    if (io->files || stat(path, &a) != 0 || stat(than, &b) != 0)
        return 0;
    return a.st_mtim.tv_sec < b.st_mtim.tv_sec ||
           (a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec < b.st_mtim.tv_nsec);
}

cm_status
cm_layer_io_check(cm_layer_io *io, const char *path, size_t max_bytes, const char *advice,
                  cm_diag_list *diags)
{
    return io->files ? CM_OK : cm_input_check(path, max_bytes, advice, diags);
}

/* ---- shapelib's hooks ------------------------------------------------------------------ */

/* FOpen has no context pointer: the set it opens from is this thread's. */
static _Thread_local cm_layer_io *hooked_io;

static SAFile
hook_open(const char *path, const char *mode)
{
    return hooked_io ? (SAFile)open_mode(hooked_io, path, mode) : NULL;
}

static SAOffset
hook_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    if (size == 0 || nmemb > SIZE_MAX / size)
        return 0;
    return cm_layer_io_read((cm_layer_stream *)file, p, size * nmemb) / size;
}

static SAOffset
hook_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    (void)p, (void)size, (void)nmemb, (void)file;
    errno = EROFS;
    return 0;
}

static long long
tell(const cm_layer_stream *s)
{
    return (long long)s->pos;
}

/* shapelib passes a negative offset for SEEK_CUR and SEEK_END as an unsigned one. */
static SAOffset
hook_seek(SAFile file, SAOffset offset, int whence)
{
    cm_layer_stream *s = (cm_layer_stream *)file;
    long long base = 0, off = (long long)(long)offset;

    if (whence == SEEK_CUR) {
        base = tell(s);
    } else if (whence == SEEK_END) {
        base = (long long)s->size;
    } else if (whence != SEEK_SET) {
        errno = EINVAL;
        return (SAOffset)-1;
    }
    if (base < 0)
        return (SAOffset)-1;
    return seek_to(s, base, off) == 0 ? 0 : (SAOffset)-1;
}

static SAOffset
hook_tell(SAFile file)
{
    return (SAOffset)tell((cm_layer_stream *)file);
}

static int
hook_flush(SAFile file)
{
    (void)file;
    return 0;
}

static int
hook_close(SAFile file)
{
    cm_layer_io_close((cm_layer_stream *)file);
    return 0;
}

static int
hook_remove(const char *path)
{
    (void)path;
    errno = EROFS;
    return -1;
}

SAHooks
cm_layer_io_hooks(cm_layer_io *io, void (*error)(const char *message))
{
    SAHooks hooks = {
        .FOpen = hook_open, .FRead = hook_read, .FWrite = hook_write, .FSeek = hook_seek,
        .FTell = hook_tell, .FFlush = hook_flush, .FClose = hook_close,
        .Remove = hook_remove, .Error = error, .Atof = atof,
    };
    hooked_io = io;
    return hooks;
}
