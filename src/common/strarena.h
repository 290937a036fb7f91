/* Strings that live as long as their owner, copied into large blocks instead
 * of one malloc each (a malloc costs 16 bytes of header and rounds up to 32:
 * more than most ids and kinds). Freed all at once. For other src/ files only. */
#ifndef CM_SRC_STRARENA_H
#define CM_SRC_STRARENA_H

#include <stddef.h>

typedef struct cm_strarena_block cm_strarena_block;

/* Zero-initialised, it is empty and ready. */
typedef struct cm_strarena {
    cm_strarena_block *blocks;   /* the one being filled first */
    size_t used, size;           /* bytes of its data used, and held */
} cm_strarena;

/* A copy of the @len bytes at @s, NUL-terminated, or NULL when out of memory.
 * Valid until cm_strarena_free(). */
char *cm_strarena_copyn(cm_strarena *a, const char *s, size_t len);
char *cm_strarena_copy(cm_strarena *a, const char *s);
void  cm_strarena_free(cm_strarena *a);   /* leaves it empty and ready */

#endif
