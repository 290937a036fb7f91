/* Place-name folding beyond the public cm_name_fold(): the looser key for a
 * second try, which the gazetteer indexes every name under. Matching names
 * against places is the gazetteer's job. For other src/ files only. */
#ifndef CM_SRC_FOLD_H
#define CM_SRC_FOLD_H

#include <stddef.h>

/* @folded (a cm_name_fold() result) loosened: transliteration pairs that
 * English wire copy and Azerbaijani or Russian spelling disagree on, and
 * doubled letters. Written to @out, which has room for @folded; returns the
 * length. */
size_t cm_name_loosen_into(const char *folded, char *out);

/* As cm_name_loosen_into(), into a new allocation the caller frees; NULL when
 * out of memory. */
char *cm_name_loosen(const char *folded);

#endif
