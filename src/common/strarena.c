/* Blocks of 64 KB; a string of more than a quarter of that gets a block of
 * its own, put behind the one being filled so that its free space is kept. */
#include "common/strarena.h"

#include <stdlib.h>
#include <string.h>

enum { BLOCK_BYTES = 64 * 1024 };

struct cm_strarena_block {
    cm_strarena_block *next;
    char data[];
};

static cm_strarena_block *
new_block(size_t size)
{
    return malloc(sizeof(cm_strarena_block) + size);
}

char *
cm_strarena_copyn(cm_strarena *a, const char *s, size_t len)
{
    char *copy;
    if (len >= BLOCK_BYTES / 4) {
        cm_strarena_block *b = len < (size_t)-1 - sizeof(*b) ? new_block(len + 1) : NULL;
        if (!b)
            return NULL;
        if (a->blocks) {
            b->next = a->blocks->next;
            a->blocks->next = b;
        } else {
            b->next = NULL;
            a->blocks = b;
            a->used = a->size = len + 1;
        }
        copy = b->data;
    } else {
        if (!a->blocks || a->size - a->used < len + 1) {
            cm_strarena_block *b = new_block(BLOCK_BYTES);
            if (!b)
                return NULL;
            b->next = a->blocks;
            a->blocks = b;
            a->used = 0;
            a->size = BLOCK_BYTES;
        }
        copy = a->blocks->data + a->used;
        a->used += len + 1;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *
cm_strarena_copy(cm_strarena *a, const char *s)
{
    return cm_strarena_copyn(a, s, strlen(s));
}

void
cm_strarena_free(cm_strarena *a)
{
    while (a->blocks) {
        cm_strarena_block *next = a->blocks->next;
        free(a->blocks);
        a->blocks = next;
    }
    a->used = a->size = 0;
}
