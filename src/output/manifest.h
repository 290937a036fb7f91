/* manifest.json: what a render wrote, slice by slice, with the events shown,
 * the new ones, alt text and where each marker is, for other tools to use.
 * For other src/ files only. */
#ifndef CM_SRC_MANIFEST_H
#define CM_SRC_MANIFEST_H

#include "conflictmap/events.h"
#include "conflictmap/scene.h"
#include "conflictmap/slice.h"

typedef struct cm_manifest cm_manifest;

/* A manifest for @events drawn at @width_px x @height_px with @projection. */
cm_status cm_manifest_create(cm_manifest **out, const cm_events *events, int width_px,
                             int height_px, double scale, const char *projection,
                             const double bbox_deg[4]);
void      cm_manifest_destroy(cm_manifest *m);   /* NULL is fine */

/* Adds the slice drawn as @scene, written to the files @names (base names)
 * of the formats @exts, both @n_files long. */
cm_status cm_manifest_add_slice(cm_manifest *m, const cm_slice *slice, const cm_scene *scene,
                                const char *const *exts, const char *const *names,
                                size_t n_files);

/* Writes the manifest to @path, all or nothing. Returns CM_OK, CM_ERR_IO, CM_ERR_NOMEM. */
cm_status cm_manifest_write(cm_manifest *m, const char *path, cm_diag_list *diags);

/* The same file, written as the run goes: begin opens @path's temporary file
 * and writes what comes before the slices (call it before adding any);
 * flush writes the first @n_entries slices added, once complete, and frees
 * them; end writes the rest and puts the file in place; abort removes it
 * (destroy does too). The bytes are cm_manifest_write's. begin and end return
 * CM_OK, CM_ERR_IO (with a diagnostic) or CM_ERR_NOMEM; flush CM_OK or
 * CM_ERR_NOMEM. */
cm_status cm_manifest_begin(cm_manifest *m, const char *path, cm_diag_list *diags);
cm_status cm_manifest_flush(cm_manifest *m, size_t n_entries);
cm_status cm_manifest_end(cm_manifest *m, cm_diag_list *diags);
void      cm_manifest_abort(cm_manifest *m);

/* Records on the @k-th slice added what its files were drawn from
 * (cm_draw_hash) and their sizes, for a later run into the same folder.
 * Returns CM_OK or CM_ERR_NOMEM. */
cm_status cm_manifest_set_drawn(cm_manifest *m, size_t k, const char *const *exts,
                                const char *const *hashes, const long long *bytes,
                                size_t n_files);

/* What the manifest at @path says its files were drawn from: an empty list
 * when there is no such file or it does not parse (then everything is drawn
 * again). A file that is not a regular one, or is over --max-file-size, is
 * refused before it is read. On success *out is the caller's. Returns CM_OK,
 * CM_ERR_INPUT, CM_ERR_IO (each with a diagnostic) or CM_ERR_NOMEM. */
typedef struct cm_manifest_drawn cm_manifest_drawn;
cm_status cm_manifest_drawn_load(cm_manifest_drawn **out, const char *path,
                                 cm_diag_list *diags);
void      cm_manifest_drawn_destroy(cm_manifest_drawn *drawn);   /* NULL is fine */
/* The recorded size of the file @name when it was drawn from @hash, else -1. */
long long cm_manifest_drawn_find(const cm_manifest_drawn *drawn, const char *name,
                                 const char *hash);

/* Joins the manifest.K-of-N.json files that render --shard K/N left in @dir
 * into @out_dir/manifest.json, the same bytes a single run writes. *n_shares
 * is N, *n_slices the number of slices. Returns CM_OK, CM_ERR_INPUT (a share
 * missing, twice, or from another run or slicing), CM_ERR_IO or
 * CM_ERR_NOMEM. */
cm_status cm_manifest_merge(const char *dir, const char *out_dir, int *n_shares,
                            size_t *n_slices, cm_diag_list *diags);

#endif
