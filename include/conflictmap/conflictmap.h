/* conflictmap: reported events in a conflict, drawn as one map per moment.
 * This header only includes the public headers of every module. */
#ifndef CONFLICTMAP_H
#define CONFLICTMAP_H

#include "conflictmap/diag.h"
#include "conflictmap/timestamp.h"
#include "conflictmap/layer.h"
#include "conflictmap/gazetteer.h"
#include "conflictmap/events.h"
#include "conflictmap/style.h"
#include "conflictmap/projection.h"
#include "conflictmap/slice.h"
#include "conflictmap/scene.h"
#include "conflictmap/draw.h"
#include "conflictmap/render.h"
#include "conflictmap/limits.h"
#include "conflictmap/acled.h"
#include "conflictmap/data.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
