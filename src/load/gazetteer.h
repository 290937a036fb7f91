/* What other src/load files need of the gazetteer beyond the public API:
 * every place a name may mean, for choosing among namesakes by context
 * (resolve.c), and the countries a name or code stands for. Choosing is
 * resolve.c's job; finding is the gazetteer's. */
#ifndef CM_SRC_GAZETTEER_H
#define CM_SRC_GAZETTEER_H

#include "conflictmap/gazetteer.h"
#include "common/strarena.h"

/* One place a name may mean: in memory, or a database row not read yet. */
typedef struct cm_candidate {
    const cm_place *place;   /* NULL for a database row not read yet */
    long db_id;              /* that row, when place is NULL */
    double lon, lat;
    long rank;
    const char *name, *country, *kind;   /* borrowed from the place or the list */
    int is_curated;          /* from a file of ours (or its row in the database) */
} cm_candidate;

/* Zero-initialised, it is empty and ready. */
typedef struct cm_candidates {
    cm_candidate *items;
    size_t n, cap;
    cm_strarena text;        /* names of the rows not read */
    struct cm_memo *seen;    /* the places in items, once there are many */
} cm_candidates;

void cm_candidates_free(cm_candidates *c);   /* leaves it empty and ready */

/* Into @out (emptied first): the places called @name, as cm_gazetteer_find()
 * matches names (exact keys, else loose ones), each place once, those in
 * memory first. CM_OK (none is not an error) or CM_ERR_NOMEM, CM_ERR_IO. */
cm_status cm_gazetteer_candidates(const cm_gazetteer *gaz, const char *name,
                                  cm_candidates *out);

/* The place of candidate @c, read from the database if it was not yet (and
 * from then on among the gazetteer's places). */
cm_status cm_gazetteer_take(const cm_gazetteer *gaz, const cm_candidate *c,
                            const cm_place **out);

/* A near miss: a spelling close to a name that answers nothing. */
typedef struct cm_suggestion {
    const char *shown;       /* the spelling, borrowed from the gazetteer */
    size_t distance;         /* edits (characters) from the name */
    cm_candidate place;      /* the place it is a name of; strings borrowed likewise */
} cm_suggestion;

/* Up to @max spellings close to @name (by edit distance over folded names,
 * only genuinely close ones), one per place: closest first, then by rank.
 * Returns how many were written to @out. */
size_t cm_gazetteer_suggestions(const cm_gazetteer *gaz, const char *name, cm_suggestion *out,
                                size_t max);

/* The countries @text names: a code of two capital letters (with a database,
 * one it knows), or a country's name in English, in a language iso-codes
 * translates to, or as newsrooms write it ("Russia", "DRC"). Up to @max codes
 * in @codes, their number in *n. */
cm_status cm_gazetteer_countries(const cm_gazetteer *gaz, const char *text,
                                 char (*codes)[3], size_t max, size_t *n);

/* "Tripoli, Lebanon" or "Tripoli (LB)": the name before the country into
 * @base (room for strlen(@name) + 1 bytes), and the country's codes (up to
 * @max in @codes) into *n; *n 0 when the name ends in no country. */
cm_status cm_gazetteer_qualifier(const cm_gazetteer *gaz, const char *name, char *base,
                                 char (*codes)[3], size_t max, size_t *n);

/* Great-circle distance in kilometres between two points in degrees. */
double cm_km_between(double lon1, double lat1, double lon2, double lat2);

/* "Lebanon" for "LB" into @buf, or the code itself when the gazetteer has no
 * name for it. */
void cm_gazetteer_country_name(const cm_gazetteer *gaz, const char *code, char *buf,
                               size_t size);
/* Country @code's name in @lang (az, hy, ru, ar) into @buf, as a map in that
 * language writes it ("Россия"): 1, or 0 when the gazetteer has none (no world
 * database, or no name in that language), @buf then untouched. */
int cm_gazetteer_country_name_in(const cm_gazetteer *gaz, const char *code, const char *lang,
                                 char *buf, size_t size);

#endif
