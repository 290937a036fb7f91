/* The gazetteer: places with a primary name, names in other languages, aliases,
 * coordinates, country, kind and rank, read from line-oriented UTF-8 files
 * (ours, or GeoNames dumps as downloaded) and from the world gazetteer's
 * database (gazetteer/world.sqlite); the README.md of the shipped gazetteer/
 * folder (share/conflictmap/gazetteer) documents all three.
 * Looking a name up folds case, diacritics and common transliterations;
 * choosing among namesakes prefers the map's extent, then our files, then rank.
 *
 * A database is read as it is needed: a place it holds becomes one of the
 * gazetteer's places (cm_gazetteer_place) when it is first looked up, so
 * looking up is for one thread at a time, even through a const gazetteer. */
#ifndef CONFLICTMAP_GAZETTEER_H
#define CONFLICTMAP_GAZETTEER_H

#include <stddef.h>
#include "conflictmap/api.h"
#include "conflictmap/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cm_gazetteer cm_gazetteer;
typedef struct cm_place cm_place;

/* An empty gazetteer in *out (the caller's: cm_gazetteer_destroy).
 * Returns CM_OK or CM_ERR_NOMEM. */
CM_API cm_status cm_gazetteer_create(cm_gazetteer **out);
CM_API void      cm_gazetteer_destroy(cm_gazetteer *gaz);   /* NULL is fine */

/* Adds every place in the file at @path: a file of ours (a header line), or a
 * GeoNames dump (XX.txt, cities1000.txt ...: 19 columns, no header), told apart
 * by the first line. A GeoNames row that is a place already added (the same
 * geonameid, or for a place without one the same name, country and
 * neighbourhood) adds its names to that place and nothing else: the file added
 * first wins, so add the shipped gazetteer (cm_gazetteer_add_shipped, data.h)
 * before files of your own. Every bad line is reported (FILE:LINE:COL) and
 * nothing of the file is added when any line is bad.
 * An SQLite file is the world gazetteer's database (one at most): opened
 * read-only, its curated rows read at once (they are places as the files they
 * were made from would give, positions included), its other 200,000 places
 * only when a name, an extent or a point asks for them.
 * Returns CM_OK, CM_ERR_INPUT, CM_ERR_IO (cannot read) or CM_ERR_NOMEM. */
CM_API cm_status cm_gazetteer_add_file(cm_gazetteer *gaz, const char *path, cm_diag_list *diags);

/* The places in memory: those of the files added, and those read from the
 * database so far. */
CM_API size_t          cm_gazetteer_n_places(const cm_gazetteer *gaz);
CM_API const cm_place *cm_gazetteer_place(const cm_gazetteer *gaz, size_t i);   /* borrowed */

/* The places inside @bbox_deg (west, south, east, north; west greater than
 * east for a box across the antimeridian), most important first: capitals,
 * then by rank (population), then by name; at most @max of them. *out is an
 * array of *n_out borrowed places, the caller's to free (NULL when none).
 * Returns CM_OK or CM_ERR_NOMEM. */
CM_API cm_status cm_gazetteer_within(const cm_gazetteer *gaz, const double bbox_deg[4], size_t max,
                                     const cm_place ***out, size_t *n_out);

/* Reads from the database the @max places of highest rank inside @bbox_deg
 * (west, south, east, north; west > east crosses the antimeridian), so that
 * cm_gazetteer_place() lists them: the towns a map of that extent may name.
 * Does nothing without a database. Returns CM_OK, CM_ERR_IO or CM_ERR_NOMEM. */
CM_API cm_status cm_gazetteer_add_extent(cm_gazetteer *gaz, const double *bbox_deg, size_t max);

/* The place nearest @lon, @lat, of rank @min_rank or more, within @max_km
 * (great-circle): in *out (borrowed; NULL when none is that near) and its
 * distance in *km (may be NULL). Looks in memory and in the database.
 * Returns CM_OK, CM_ERR_IO or CM_ERR_NOMEM. */
CM_API cm_status cm_gazetteer_nearest(const cm_gazetteer *gaz, double lon, double lat,
                                      double max_km, long min_rank, const cm_place **out,
                                      double *km);

/* What a point is named after: the settlement it is at (the nearest within
 * 3 km), or the one it is near (within 50 km, the most important weighed
 * by distance: a city 12 km away before a village 4 km away), or none. */
typedef struct cm_near {
    const cm_place *place;   /* borrowed, valid while the gazetteer lives; NULL: none */
    double km;               /* from the place to the point, great-circle */
    double bearing_deg;      /* the way from the place to the point, clockwise from north */
    int is_at;               /* within 3 km: the point is called by the place's name */
} cm_near;

/* Names the point @lon, @lat after the settlements around it, into *out
 * (its place NULL when none is within 50 km). Looks in memory and through
 * the database's R*Tree; a place it reads from the database is kept aside,
 * not added to cm_gazetteer_place()'s list (the towns a map may name).
 * Returns CM_OK, CM_ERR_IO or CM_ERR_NOMEM. */
CM_API cm_status cm_gazetteer_near(const cm_gazetteer *gaz, double lon, double lat, cm_near *out);

/* The point in words, as a desk writes it: the place's name (in @lang where
 * the gazetteer has it) when the point is at it, "12 km SE of Kherson" when
 * near it, else "46.97°N 32.00°E". Returns the place's name (borrowed) or
 * @buf, which holds @size bytes. @near may be NULL: the coordinates. */
CM_API const char *cm_near_words(const cm_near *near, double lon, double lat, const char *lang,
                          char *buf, size_t size);

/* One of the 8 points of the compass ("N", "NE", ... "NW") for a bearing in
 * degrees clockwise from north, each point 45 degrees wide. */
CM_API const char *cm_compass_point(double bearing_deg);

/* The place called @name (any of its names or aliases, ignoring case, diacritics,
 * punctuation and common transliterations such as kh/x, sh/ş, j/c), or NULL.
 * A name that ends in a country, "Tripoli, Lebanon" or "Tripoli (LB)", is
 * the place of that name in that country, as an event's "place" is.
 * Where several places answer, the one inside @bbox_deg (west, south, east,
 * north; may be NULL) wins, then one from a file of ours over one from a
 * GeoNames dump, then the higher rank. Borrowed. */
CM_API const cm_place *cm_gazetteer_find(const cm_gazetteer *gaz, const char *name,
                                         const double *bbox_deg);
/* Every place called @name, as cm_gazetteer_find() matches names, the one it
 * would choose first and the others in the order it prefers them: up to @max
 * in @places (borrowed). Returns how many. */
CM_API size_t cm_gazetteer_find_all(const cm_gazetteer *gaz, const char *name,
                                    const double *bbox_deg, const cm_place **places,
                                    size_t max);
/* As cm_gazetteer_find(), but telling "no such place" (CM_OK, *out NULL) from
 * running out of memory while folding the name (CM_ERR_NOMEM). */
CM_API cm_status cm_gazetteer_lookup(const cm_gazetteer *gaz, const char *name,
                                     const double *bbox_deg, const cm_place **out);

/* Up to @max names that are close to @name (by edit distance over folded names),
 * closest first; only genuinely close names are offered. The strings are
 * borrowed from the gazetteer. Returns how many were written to @names. */
CM_API size_t cm_gazetteer_suggest(const cm_gazetteer *gaz, const char *name,
                                   const char **names, size_t max);

/* @name folded for matching: NFKD, case-folded, marks stripped, Azerbaijani ə
 * and ı as e and i, punctuation and runs of space as one space. The caller
 * frees the result; NULL when out of memory or @name is not valid UTF-8. */
CM_API char *cm_name_fold(const char *name);

/* 1 when @a and @b name the same thing by the rules cm_gazetteer_find uses
 * (case, diacritics, punctuation, kh/x, sh/ş, j/c ...): "Khojavend" and
 * "Xocavənd". 0 otherwise, or when out of memory. */
CM_API int cm_name_same(const char *a, const char *b);

/* The key cm_name_same compares: names with equal non-empty keys are the same.
 * For callers that compare one name with many: fold each once. The caller
 * frees the result; NULL when out of memory. */
CM_API char *cm_name_key(const char *name);

CM_API const char *cm_place_name(const cm_place *place);
/* The name in @lang ("az", "hy", "ru", "ar", "en"), or the primary name when
 * the gazetteer has none in that language. */
CM_API const char *cm_place_name_in(const cm_place *place, const char *lang);
CM_API double      cm_place_lon(const cm_place *place);
CM_API double      cm_place_lat(const cm_place *place);
CM_API const char *cm_place_country(const cm_place *place);
CM_API const char *cm_place_kind(const cm_place *place);
CM_API long        cm_place_rank(const cm_place *place);
CM_API cm_pos      cm_place_pos(const cm_place *place);

#ifdef __cplusplus
}
#endif

#endif
