/* The output folder as a transaction: one writer at a time, and whole sets
 * published at once, so that a reader sees the previous complete set or the
 * new one, never a mix, whatever happens to the run. For src/ only.
 *
 * DIR/sets/ holds each published set in a folder of its own, sets/<id>/,
 * never changed once there (<id>: 12 hex digits of a SHA-256 of the set's
 * names and manifests, so the same maps make the same id); sets/current
 * names the published one: writing it is the moment of publication. The
 * names at the top of DIR (the slices' files, manifest.json, index.html)
 * are hard links to the current set's files, switched one by one after
 * that moment, the manifest and the page last. A run writes into a staging
 * folder, sets/.staging-XXXXXX, and nothing else until it publishes; a run
 * that fails or is killed leaves the published set as it was, and the next
 * run removes what it left. The last three sets are kept, for readers still
 * loading an older one. */
#ifndef CM_SRC_PUBLISH_H
#define CM_SRC_PUBLISH_H

#include "conflictmap/diag.h"

#include <stddef.h>

typedef struct cm_publish cm_publish;

/* How a run takes the folder. */
typedef enum cm_publish_mode {
    CM_PUBLISH_ALONE,    /* the only writer: render, merge-manifests */
    CM_PUBLISH_SHARE     /* one of several --shard runs that write at once */
} cm_publish_mode;

/* Opens @dir (made when missing; a link to a folder is followed) for one
 * run: takes its lock, repairs what a killed run left (with
 * CM_PUBLISH_ALONE), and makes the staging folder. When another run holds
 * the folder, stops with CM_ERR_IO and a message naming it. On success *out
 * is the caller's, to be ended with cm_publish_close(). Returns CM_OK,
 * CM_ERR_IO (with a diagnostic) or CM_ERR_NOMEM. */
cm_status cm_publish_open(cm_publish **out, const char *dir, cm_publish_mode mode,
                          cm_diag_list *diags);

/* Where the run writes its files (the staging folder). Borrowed. */
const char *cm_publish_staging(const cm_publish *p);

/* The published set's folder (DIR/sets/<id>), or NULL when there is none:
 * its files are complete and never change, so the incremental cache may
 * keep them. Borrowed. */
const char *cm_publish_current(const cm_publish *p);

/* Puts the published set's file @name into the staging folder as it is (a
 * hard link). 1 when done; 0 when it cannot be (then draw it). */
int cm_publish_keep(cm_publish *p, const char *name);

/* The id the staged files will be published under, computed from their
 * names, the names in @extra (NULL-terminated, may be NULL: files still to
 * be written, such as the page that names the id) and the manifests' bytes:
 * call once every manifest is written. Into @id (13 bytes). CM_OK,
 * CM_ERR_IO (with a diagnostic) or CM_ERR_NOMEM. */
cm_status cm_publish_id(cm_publish *p, const char *const *extra, char id[13],
                        cm_diag_list *diags);

/* Publishes the staging folder as set @id (from cm_publish_id). With
 * @inherit, the published set's files that the run did not write come along
 * (a --shard run adds its share to the others'), except those named in
 * @drop (NULL-terminated; may be NULL). Then switches the names at the top
 * of DIR and removes the oldest sets. CM_OK, CM_ERR_IO or CM_ERR_NOMEM. */
cm_status cm_publish_commit(cm_publish *p, const char *id, int inherit,
                            const char *const *drop, cm_diag_list *diags);

/* Removes the staging folder if it was not published, and lets the folder
 * go. NULL is fine. */
void cm_publish_close(cm_publish *p);

#endif
