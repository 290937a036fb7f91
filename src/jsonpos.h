/* Where each value of a parsed JSON document stands in its text. Jansson keeps
 * no positions, so the text is scanned a second time in step with the tree.
 * For other src/ files only. */
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
 * at @line:@col there: one item of a long list at a time (jsonsplit.h).
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
 * tree for it; the error points at the bracket or the string's opening quote.
 * Syntax is left to jansson. Returns CM_OK or CM_ERR_INPUT. */
cm_status cm_jsonpos_check_limits(const char *file, const char *text, size_t len,
                                  size_t max_depth, size_t max_string_bytes,
                                  cm_diag_list *diags);

#endif
