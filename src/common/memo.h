/* A memo: a hash table from byte strings (a key made of everything a result
 * depends on) to fixed-size values, for results worth keeping from one slice
 * to the next: label sprites (sprite.c), text measurements (layout/collide.c). Not
 * locked: one thread at a time. For src/ only. */
#ifndef CM_SRC_MEMO_H
#define CM_SRC_MEMO_H

#include <stddef.h>

typedef struct cm_memo cm_memo;

/* A memo of values of @value_size bytes; @free_value (may be NULL) is called
 * on each value dropped. NULL when out of memory. */
cm_memo *cm_memo_create(size_t value_size, void (*free_value)(void *value));
void cm_memo_destroy(cm_memo *m);

/* The value kept for the @n bytes at @key, or NULL. It stays where it is until
 * the memo is cleared or destroyed. */
void *cm_memo_find(const cm_memo *m, const void *key, size_t n);

/* Keeps a copy of @value for @key (a key already there keeps its first value)
 * and returns where it is kept; NULL when out of memory. */
void *cm_memo_add(cm_memo *m, const void *key, size_t n, const void *value);

/* Drops every value. */
void cm_memo_clear(cm_memo *m);

/* How many values are kept. */
size_t cm_memo_count(const cm_memo *m);

#endif
