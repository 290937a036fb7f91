/* Where each value of a parsed JSON document stands in its text. Jansson keeps
 * no positions, so the text is scanned a second time in step with the tree.
 * The same scan splits a long list off a document before it is parsed, so
 * that its items can be parsed one at a time. For other src/ files only. */
#ifndef CM_SRC_JSONPOS_H
#define CM_SRC_JSONPOS_H

#include <jansson.h>
#include "conflictmap/diag.h"

typedef struct cm_jsonpos cm_jsonpos;

/* Builds the position table of @root, parsed by jansson from @text (without a
 * byte-order mark) with JSON_REJECT_DUPLICATES, so that object members iterate
 * in document order. @file is borrowed and must outlive the table.
 * Returns CM_OK, CM_ERR_NOMEM or CM_ERR_INTERNAL when text and tree disagree. */
cm_status cm_jsonpos_build(cm_jsonpos **out, const char *file, const char *text,
                           json_t *root);
void      cm_jsonpos_destroy(cm_jsonpos *table);
/* Empties @table (from cm_jsonpos_create or _build) and fills it for @root,
 * parsed from @text, a part of the table's file whose first character stands
 * at @line:@col there: one item of a long list at a time (cm_jsonpos_split).
 * Returns as cm_jsonpos_build; on failure the table is left empty. */
cm_status cm_jsonpos_rescan(cm_jsonpos *table, const char *text, json_t *root, int line,
                            int col);

/* A table for values built from another text (a CSV row's cells): create it,
 * add each value with where it was written, then sort before looking up.
 * @file is borrowed. cm_jsonpos_clear() empties it for the next row.
 * Return CM_OK or CM_ERR_NOMEM. */
cm_status cm_jsonpos_create(cm_jsonpos **out, const char *file);
cm_status cm_jsonpos_add(cm_jsonpos *table, const json_t *value, int line, int col);
void      cm_jsonpos_sort(cm_jsonpos *table);
void      cm_jsonpos_clear(cm_jsonpos *table);

/* Position of @value's first character, or of its member key (when @value is
 * an object member); @fallback when unknown (true, false and null are shared
 * by jansson and have no position of their own). */
cm_pos cm_jsonpos_of(const cm_jsonpos *table, const json_t *value, cm_pos fallback);
cm_pos cm_jsonpos_key(const cm_jsonpos *table, const json_t *value, cm_pos fallback);

/* Checks @text (@len bytes, before parsing) against the nesting and string
 * length limits, so that a hostile file is refused before jansson builds a
 * tree for it; the error points at the bracket or the string's opening quote
 * and names @kind ("an events file", "a style file").
 * Syntax is left to jansson. Returns CM_OK or CM_ERR_INPUT. */
cm_status cm_jsonpos_check_limits(const char *file, const char *kind, const char *text,
                                  size_t len, size_t max_depth, size_t max_string_bytes,
                                  cm_diag_list *diags);

/* Splitting a document at its one long list, the top-level object's member
 * named one of a few keys ("events", "features"), so that the list's items
 * can be parsed one at a time instead of as one tree of the whole file. Only
 * a document of the plain shape is split; anything else is left for the
 * caller to parse whole. */
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
 * Returns CM_OK or CM_ERR_NOMEM; cm_jsonpos_split_free() in either case. */
cm_status cm_jsonpos_split(const char *text, size_t len, const char *const *keys,
                           size_t n_keys, cm_json_split *out);
void      cm_jsonpos_split_free(cm_json_split *split);

#endif
