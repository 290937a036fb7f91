/* The files of one shapefile set behind one interface, whether they are on disk
 * or held in memory: the layer loader reads its header checks, records and .prj
 * through it, and shapelib reads the .shp, .shx, .dbf and .cpg through the
 * SAHooks it makes. Parsing is the layer module's job. For other src/ files
 * (and the tests) only. */
#ifndef CM_SRC_LAYER_IO_H
#define CM_SRC_LAYER_IO_H

#include <shapefil.h>
#include <stddef.h>
#include <stdio.h>
#include "conflictmap/diag.h"

/* One file of a set held in memory. */
typedef struct cm_layer_file {
    const char *path;            /* the name shapelib will ask for: "layer.shp" */
    const unsigned char *data;   /* borrowed */
    size_t size;
} cm_layer_file;

/* More than the loader ever has open at once (.shp, .shx, .dbf, .cpg and one of
 * its own), so opening never allocates and so never fails for want of memory. */
enum { CM_LAYER_IO_MAX_OPEN = 8 };

/* One open file of a set. */
typedef struct cm_layer_stream {
    int in_use;
    const unsigned char *data;   /* the file's bytes: in memory, or mapped from disk */
    size_t size, pos;            /* read from @pos */
    void *map;                   /* on disk: the mapping to undo, NULL for an empty file */
} cm_layer_stream;

/* A set of files: @files NULL means the files on disk, found by path. */
typedef struct cm_layer_io {
    const cm_layer_file *files;  /* borrowed */
    size_t n_files;
    cm_layer_stream streams[CM_LAYER_IO_MAX_OPEN];
} cm_layer_io;

/* Readies @io for the files on disk. */
void cm_layer_io_init_disk(cm_layer_io *io);
/* Readies @io for @n_files files in memory, which it borrows. */
void cm_layer_io_init_memory(cm_layer_io *io, const cm_layer_file *files, size_t n_files);

/* Opens @path for reading; NULL with errno set when it cannot (ENOENT when a
 * set in memory has no such file). */
cm_layer_stream *cm_layer_io_open(cm_layer_io *io, const char *path);
/* Reads up to @n bytes; fewer at the end of the file or on an error. */
size_t cm_layer_io_read(cm_layer_stream *s, void *buf, size_t n);
/* Moves to byte @offset; 0, or -1 with errno set. */
int cm_layer_io_seek(cm_layer_stream *s, unsigned long long offset);
/* The errno of a failed read, or 0. */
int cm_layer_io_error(const cm_layer_stream *s);
/* Closes @s; NULL is fine. */
void cm_layer_io_close(cm_layer_stream *s);

/* The size of @path in *size: 0, or an errno (ENOENT when it is not there). */
int cm_layer_io_size(cm_layer_io *io, const char *path, unsigned long long *size);

/* Whether @path was last changed before @than, both on disk (a set in
 * memory has no times: 0). */
int cm_layer_io_older(cm_layer_io *io, const char *path, const char *than);

/* Checks @path's kind and size (cm_input_check()) before anything opens it:
 * a file of a set on disk must be a regular file of at most @max_bytes. A set
 * in memory was read by its caller, under its own limits: CM_OK. */
cm_status cm_layer_io_check(cm_layer_io *io, const char *path, size_t max_bytes,
                            const char *advice, cm_diag_list *diags);

/* Hooks through which shapelib reads @io, with @error for its messages. @io
 * must outlive every handle opened through them, and the hooks serve one
 * thread: FOpen has no context pointer, so each thread keeps the set its last
 * call here named. Reading only: writing and removing fail. */
SAHooks cm_layer_io_hooks(cm_layer_io *io, void (*error)(const char *message));

#endif
