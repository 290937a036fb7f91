/* The whole timeline as one animation (GIF or MP4), encoded by Debian's ffmpeg
 * found on PATH at run time. For other src/ files only. */
#ifndef CM_SRC_ANIMATE_H
#define CM_SRC_ANIMATE_H

#include "conflictmap/draw.h"
#include "conflictmap/scene.h"

/* When @formats asks for gif or mp4: CM_OK if ffmpeg is on PATH, else
 * CM_ERR_IO with a diagnostic that says how to install it. Nothing is written. */
cm_status cm_animate_check(unsigned formats, cm_diag_list *diags);

/* Lays out @slices over @base again, in time order, and writes them as one
 * @format file (CM_FORMAT_GIF or CM_FORMAT_MP4) at @path, all or nothing:
 * each slice held @hold_s seconds, a slice whose image is the same as the one
 * before it left out (*n_skipped counts them; *n_frames the frames written).
 * Frames go to ffmpeg through a pipe as raw pixels; no shell is involved.
 * Returns CM_OK, CM_ERR_IO (with a diagnostic) or CM_ERR_NOMEM. */
cm_status cm_animate(const cm_scene_base *base, const cm_slices *slices, double scale,
                     double hold_s, cm_format format, const char *path, size_t *n_frames,
                     size_t *n_skipped, cm_diag_list *diags);

#endif
