/* How far a rendered map may differ from its golden image. Change these only
 * with a reason in the commit message. */
#ifndef CM_GOLDEN_TOLERANCE_H
#define CM_GOLDEN_TOLERANCE_H

/* A pixel differs when any channel is off by more than this (of 255). */
#define CM_GOLDEN_CHANNEL_TOLERANCE 4
/* A case fails when more than this share of its pixels differ. */
#define CM_GOLDEN_MAX_DIFFERING_SHARE 0.001

#endif
