/* Open addressing over pointers to entries; each entry is one allocation
 * holding its key and its value, so a value does not move when the table
 * grows. */
#include "common/memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { FIRST_SLOTS = 64 };

typedef struct entry {
    uint64_t hash;
    size_t n;
    /* the value (value_size bytes, aligned as max_align_t), then the key */
    max_align_t value[];
} entry;

struct cm_memo {
    entry **slots;
    size_t cap, used, value_size;
    void (*free_value)(void *value);
};

static uint64_t
hash_of(const unsigned char *p, size_t n)
{
    uint64_t h = 14695981039346656037u;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

static size_t
value_room(const cm_memo *m)
{
    size_t a = sizeof(max_align_t);
    return (m->value_size + a - 1) / a * a;
}

static const unsigned char *
key_of(const cm_memo *m, const entry *e)
{
    return (const unsigned char *)e->value + value_room(m);
}

cm_memo *
cm_memo_create(size_t value_size, void (*free_value)(void *value))
{
    cm_memo *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->slots = calloc(FIRST_SLOTS, sizeof(*m->slots));
    if (!m->slots) {
        free(m);
        return NULL;
    }
    m->cap = FIRST_SLOTS;
    m->value_size = value_size;
    m->free_value = free_value;
    return m;
}

void
cm_memo_clear(cm_memo *m)
{
    for (size_t i = 0; m && i < m->cap; i++) {
        if (!m->slots[i])
            continue;
        if (m->free_value)
            m->free_value(m->slots[i]->value);
        free(m->slots[i]);
        m->slots[i] = NULL;
    }
    if (m)
        m->used = 0;
}

size_t
cm_memo_count(const cm_memo *m)
{
    return m->used;
}

void
cm_memo_destroy(cm_memo *m)
{
    if (!m)
        return;
    cm_memo_clear(m);
    free(m->slots);
    free(m);
}

/* The slot holding @key, or the empty slot where it would go. */
static entry **
slot_for(const cm_memo *m, uint64_t h, const void *key, size_t n)
{
    size_t i = (size_t)h & (m->cap - 1);
    for (;;) {
        entry *e = m->slots[i];
        if (!e || (e->hash == h && e->n == n && memcmp(key_of(m, e), key, n) == 0))
            return &m->slots[i];
        i = (i + 1) & (m->cap - 1);
    }
}

static int
grow(cm_memo *m)
{
    entry **old = m->slots;
    size_t old_cap = m->cap;
    entry **slots = calloc(2 * old_cap, sizeof(*slots));
    if (!slots)
        return 0;
    m->slots = slots;
    m->cap = 2 * old_cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            *slot_for(m, old[i]->hash, key_of(m, old[i]), old[i]->n) = old[i];
    free(old);
    return 1;
}

void *
cm_memo_find(const cm_memo *m, const void *key, size_t n)
{
    entry *e = *slot_for(m, hash_of(key, n), key, n);
    return e ? e->value : NULL;
}

void *
cm_memo_add(cm_memo *m, const void *key, size_t n, const void *value)
{
    uint64_t h = hash_of(key, n);
    entry **slot = slot_for(m, h, key, n);
    if (*slot)
        return (*slot)->value;
    if (2 * (m->used + 1) > m->cap) {
        if (!grow(m))
            return NULL;
        slot = slot_for(m, h, key, n);
    }
    size_t room = value_room(m);
    if (n > SIZE_MAX - sizeof(entry) - room)
        return NULL;
    entry *e = malloc(sizeof(entry) + room + n);
    if (!e)
        return NULL;
    e->hash = h;
    e->n = n;
    memcpy(e->value, value, m->value_size);
    memcpy((unsigned char *)e->value + room, key, n);
    *slot = e;
    m->used++;
    return e->value;
}
