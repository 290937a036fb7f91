/* Splitting a JSON document at its one long list: the top-level object's
 * member named one of a few keys ("events", "features"), so that the list's
 * items can be parsed one at a time instead of as one tree of the whole file.
 * Only a document of the plain shape is split; anything else is left for the
 * caller to parse whole, as before. For other src/ files only. */
#ifndef CM_SRC_JSONSPLIT_H
#define CM_SRC_JSONSPLIT_H

#include <stddef.h>
#include "conflictmap/diag.h"

/* One item of the list: @len bytes of the text from @offset, whose first
 * character stands at @line:@col (1-based, columns in characters). */
typedef struct cm_json_item {
    size_t offset, len;
    int line, col;
} cm_json_item;

typedef struct cm_json_split {
    const char *key;          /* which of the keys was split; NULL: not split */
    char *top;                /* the text with the list's items turned to blanks
                                 (line breaks kept): every other value stands at
                                 the same line and column as in the text */
    size_t top_len;
    cm_json_item *items;
    size_t n_items;
} cm_json_split;

/* Splits @text (@len bytes, NUL-terminated) when it is one object holding
 * exactly one member named one of @keys (@n_keys of them, plain names), whose
 * value is a non-empty list, every separator in it well formed. Then
 * out->key is that key; otherwise out->key is NULL and nothing is held.
 * Items themselves are not checked: the caller parses each (and the top) and
 * has the whole document valid JSON exactly when all of them are.
 * Returns CM_OK or CM_ERR_NOMEM; cm_json_split_free() in either case. */
cm_status cm_json_split_list(const char *text, size_t len, const char *const *keys,
                             size_t n_keys, cm_json_split *out);
void      cm_json_split_free(cm_json_split *split);

#endif
