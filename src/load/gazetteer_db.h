/* The world gazetteer's database (gazetteer/world.sqlite, made by
 * gazetteer/make-world-db; its schema is in gazetteer/README.md), read-only:
 * rows by folded name, by id, by extent and near a point, "did you mean"
 * candidates through its trigram index, and country names. Turning rows into
 * places, and choosing among them, is the gazetteer's job (gazetteer.c). For
 * src/load/gazetteer.c and geonames.c only. */
#ifndef CM_SRC_GAZETTEER_DB_H
#define CM_SRC_GAZETTEER_DB_H

#include "conflictmap/diag.h"

#include <stddef.h>

typedef struct cm_gazdb cm_gazdb;

/* 1 when the file at @path starts as an SQLite database does. */
int cm_gazdb_is_db(const char *path);

/* Opens the database at @path read-only (immutable: it never changes while
 * conflictmap runs) and checks that it is one of ours, in the format this
 * library reads. Problems are reported at @path. CM_OK, CM_ERR_INPUT (not a
 * gazetteer database, or another format), CM_ERR_IO, CM_ERR_NOMEM. */
cm_status cm_gazdb_open(cm_gazdb **out, const char *path, cm_diag_list *diags);
void      cm_gazdb_close(cm_gazdb *db);   /* NULL is fine */
const char *cm_gazdb_path(const cm_gazdb *db);
/* What went wrong with the last query that failed, in SQLite's words. */
const char *cm_gazdb_error(const cm_gazdb *db);

/* One row of the places table. The strings are borrowed until the next call
 * on @db. */
typedef struct cm_gazdb_row {
    long id;                 /* the geonameid; negative for curated rows without one */
    const char *name, *name_lang[4];   /* az, hy, ru, ar; NULL when empty */
    double lon, lat;
    const char *country, *kind, *source, *aliases, *file;   /* aliases, file: curated rows */
    long rank;
    int line;                /* of the curated row in @file, 0 for GeoNames rows */
} cm_gazdb_row;

/* Called for each row a query gives; a non-zero return stops the query and
 * becomes its status (so a callback can pass CM_ERR_NOMEM up). */
typedef cm_status (*cm_gazdb_fn)(void *data, const cm_gazdb_row *row);

/* The curated rows (caucasus.tsv ...: `file` set), in file and line order. */
cm_status cm_gazdb_curated(cm_gazdb *db, cm_gazdb_fn fn, void *data);

/* The place with @id; *found 0 when there is none. */
cm_status cm_gazdb_by_id(cm_gazdb *db, long id, cm_gazdb_fn fn, void *data, int *found);

/* The places with a name whose folded key (or, when @is_loose, loose key:
 * fold.h) is @key; a place comes once. */
cm_status cm_gazdb_by_key(cm_gazdb *db, const char *key, int is_loose, cm_gazdb_fn fn,
                          void *data);

/* Up to @max places inside @bbox_deg (west, south, east, north; west > east
 * crosses the antimeridian), the highest rank first. */
cm_status cm_gazdb_in_extent(cm_gazdb *db, const double *bbox_deg, size_t max,
                             cm_gazdb_fn fn, void *data);

/* The places of rank @min_rank or more in the box @radius_km each side of
 * @lon, @lat, across the antimeridian too (the caller measures the distances). */
cm_status cm_gazdb_near(cm_gazdb *db, double lon, double lat, double radius_km,
                        long min_rank, cm_gazdb_fn fn, void *data);

/* The settlements (capitals, cities, towns, villages) inside @bbox_deg
 * (west, south, east, north; west > east crosses the antimeridian), each as
 * its id, point, rank and kind (borrowed until the next call on @db): the
 * few columns that choosing the place a point is named after needs. */
typedef cm_status (*cm_gazdb_point_fn)(void *data, long id, double lon, double lat,
                                       long rank, const char *kind);
cm_status cm_gazdb_settlements(cm_gazdb *db, const double *bbox_deg, cm_gazdb_point_fn fn,
                               void *data);

/* "Did you mean": each spelling @shown, of the place in @row, whose key is
 * within @limit edits of @folded, @distance edits away. Candidates come from
 * the trigram index: a key that shares none of the pieces @folded is cut into
 * (its start, its end, or a piece between) is not offered. */
typedef cm_status (*cm_gazdb_near_fn)(void *data, const cm_gazdb_row *row, const char *shown,
                                      size_t distance);
cm_status cm_gazdb_suggest(cm_gazdb *db, const char *folded, size_t limit,
                           cm_gazdb_near_fn fn, void *data);

/* The ISO 3166-1 alpha-2 codes of the countries called @key (a folded name,
 * any language iso-codes translates to, or a newsroom's short name): up to
 * @max in @codes, their number in *n (0: no country is called so). */
cm_status cm_gazdb_countries(cm_gazdb *db, const char *key, char (*codes)[3], size_t max,
                             size_t *n);

/* The English name of country @code into @buf; 0 when the database has none. */
int cm_gazdb_country_name(cm_gazdb *db, const char *code, char *buf, size_t size);
/* Its name in @lang (az, hy, ru, ar; NULL: English; another: none) into @buf, as
 * CLDR writes it on a map; 0 when the database has none in that language. */
int cm_gazdb_country_name_in(cm_gazdb *db, const char *code, const char *lang, char *buf,
                             size_t size);

/* Levenshtein distance in characters (UTF-8 code points), capped at 64 each
 * side: names are short. Shared with the suggestions of gazetteer.c. */
size_t cm_name_distance(const char *a, const char *b);

#endif
