/* What the gazetteer's readers share, the one of our own files (gazetteer.c)
 * and the one of GeoNames dumps (geonames.c): places and keys as they are
 * kept, the state of one file being read, and the helpers both build places
 * with. For src/load/gazetteer.c and geonames.c only. */
#ifndef CM_SRC_GAZETTEER_LOAD_H
#define CM_SRC_GAZETTEER_LOAD_H

#include "conflictmap/gazetteer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LANG_AZ, LANG_HY, LANG_RU, LANG_AR, N_LANGS };

/* Names given to a place by a later file (a GeoNames row that is the same place). */
typedef struct names_block {
    struct names_block *next;
    char text[];                /* NUL-separated names, ended by an empty one */
} names_block;

struct cm_place {
    char *name;
    char *name_lang[N_LANGS];   /* NULL where the file has none */
    double lon, lat;
    char *country, *kind;
    char *aliases;              /* owned; NUL-separated names, ended by an empty one */
    names_block *more;          /* owned */
    long rank;
    long geonameid;             /* 0 when not known */
    long db_id;                 /* the database row it was read from, when is_db */
    int is_dump;                /* from a GeoNames dump, not a file of ours */
    int is_db;                  /* read from the database (gazetteer_db.c) */
    cm_pos pos;                 /* pos.file points into the gazetteer's file list */
};

typedef struct key {
    const char *folded;         /* in the gazetteer's string store */
    const char *shown;          /* the name as written, borrowed from the place */
    uint32_t prefix;            /* folded's first 4 bytes, big-endian: most of the
                                 * comparisons sorting a dump's million keys end here */
    uint32_t place;
} key;

/* Folded keys live in large blocks, freed with the gazetteer: a dump has a
 * million of them, too many to allocate one by one. */
typedef struct store_block {
    struct store_block *next;
    size_t used, size;
    char text[];
} store_block;

struct cm_gazetteer {
    /* The places in memory: those of the files added, and those read from the
     * database (its curated rows when it is added, the others as they are
     * looked up), which alone are not in the keys below. */
    cm_place **places;
    size_t n_places, cap_places;
    char **files;
    size_t n_files, cap_files;
    key *keys, *loose;          /* sorted by folded text */
    size_t n_keys, n_loose, cap_keys;   /* n_loose <= n_keys: loose keys merge more */
    store_block *store;
    struct cm_gazdb *db;        /* the world gazetteer, or NULL */
    struct cm_memo *read;       /* database id -> index in places, of those read */
    /* Places read from the database only to name a point after them
     * (cm_gazetteer_near): owned, but not among the places above, so that
     * they are not drawn as the map's towns. */
    cm_place **aside;
    size_t n_aside, cap_aside;
    struct cm_memo *read_aside; /* database id -> index in aside */
    /* The places above that are not the database's, by latitude, for
     * cm_gazetteer_near: made when first needed, again when places change. */
    struct by_lat { double lat; uint32_t place; } *by_lat;
    size_t n_by_lat, by_lat_of; /* of how many places it was made */
    struct near_cells *cells;   /* the database's settlements, read a cell at a time */
};

/* ---- reading lines ------------------------------------------------------ */

typedef struct field {
    const char *text;     /* NUL-terminated in the line buffer */
    size_t offset;        /* byte offset in the file, for positions */
} field;

/* A GeoNames row that is a place already loaded: its names join that place,
 * which may be a database row not yet read (db_id, read when the file is
 * accepted). */
typedef struct merge {
    size_t place;
    long db_id;           /* 0: the place is places[place] */
    names_block *names;   /* owned until the file is accepted */
} merge;

typedef struct id_place {
    long id;
    size_t place;
} id_place;

enum col { C_NAME, C_AZ, C_HY, C_RU, C_AR, C_ALIASES, C_LON, C_LAT, C_COUNTRY, C_KIND,
           C_RANK, C_SOURCE, N_COLS };

typedef struct parser {
    const char *path;     /* the gazetteer's own copy */
    const char *text;
    int is_geonames;
    int col_of[N_COLS];   /* our format: index of each column in a line, -1 if absent */
    int line;             /* the line being read, 1-based */
    size_t line_offset;   /* where it starts in text */
    size_t first_place;
    cm_diag_list *diags;
    int n_errors;
    id_place *ids;        /* GeoNames: places loaded before this file, by geonameid */
    size_t n_ids;
    merge *merges;
    size_t n_merges, cap_merges;
} parser;

/* The position of byte @offset of the current line. Counted from the line's
 * start, not the file's: a 30 MB GeoNames dump has 150,000 places, and every
 * one keeps its position. The line's tabs may have become NULs by now, which
 * does not change the count. */
static inline cm_pos
pos_at(const parser *ps, size_t offset)
{
    cm_pos pos = { ps->path, ps->line, 1 };
    for (size_t i = ps->line_offset; i < offset; i++)
        if (((unsigned char)ps->text[i] & 0xC0) != 0x80)
            pos.col++;
    return pos;
}

static inline void
error_at(parser *ps, size_t offset, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cm_pos pos = pos_at(ps, offset);
    cm_diag_error(ps->diags, &pos, "%s", msg);
    ps->n_errors++;
}

/* Quotes at most 40 bytes of @text in messages, cut at a character boundary:
 * a shifted column can put a whole list of names where a number belongs. */
static inline int
quote_len(const char *text)
{
    size_t n = strlen(text);
    if (n <= 40)
        return (int)n;
    n = 40;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* Copies an optional column into *out (NULL when empty); 0 when out of memory,
 * which must not pass for an empty column (found by test_alloc_fail). */
static inline int
dup_or_null(const field *f, char **out)
{
    *out = f && f->text[0] ? strdup(f->text) : NULL;
    return !(f && f->text[0]) || *out;
}

/* The first key in @keys (sorted) whose folded text is @folded, or where it would be. */
static inline size_t
keys_from(const key *keys, size_t n, const char *folded)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(keys[mid].folded, folded) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Frees @p and all it owns; NULL is fine. */
void cm_place_free(cm_place *p);

/* A new place at @lon, @lat of rank @rank and GeoNames id @geonameid (0 for
 * none), the rest zero; NULL when out of memory. */
static inline cm_place *
cm_place_new(double lon, double lat, long rank, long geonameid)
{
    cm_place *p = calloc(1, sizeof(*p));
    if (p) {
        p->lon = lon;
        p->lat = lat;
        p->rank = rank;
        p->geonameid = geonameid;
    }
    return p;
}

/* Appends @p to the places; CM_OK, or CM_ERR_NOMEM with @p still the caller's. */
cm_status cm_gazetteer_push_place(cm_gazetteer *gaz, cm_place *p);

/* Room for @size bytes that live as long as @gaz; NULL when out of memory. */
char *cm_gazetteer_store(cm_gazetteer *gaz, size_t size);

/* The place of database row @id for naming a point after it: the one in
 * places when it was read, else one read aside (not among the places).
 * *out NULL when the database has no such row. */
cm_status cm_gazetteer_read_aside(cm_gazetteer *gaz, long id, const cm_place **out);

/* Frees what cm_gazetteer_near() keeps of the database (gazetteer_near.c). */
void cm_near_cells_free(struct near_cells *cells);

/* Whether the database has a place with geonameid @id (0 without a database). */
cm_status cm_gazetteer_db_has(const cm_gazetteer *gaz, long id, int *has);

/* The place of database row @id, read into gaz->places unless it was already:
 * its index in *index, *found 0 when the database has no such row. */
cm_status cm_gazetteer_read_row(cm_gazetteer *gaz, long id, size_t *index, int *found);

/* A list of names: each NUL-terminated, the list ended by an empty one. The
 * @n_parts texts are copied in turn into @list, which has cm_name_list_size()
 * bytes; a text is cut into several names at @seps[i] (0: kept whole). Empty
 * names are left out. */
size_t cm_name_list_size(const char *const *parts, size_t n_parts);
void cm_name_list_fill(char *list, const char *const *parts, const char *seps,
                       size_t n_parts);
/* As cm_name_list_fill(), into a new allocation; NULL when out of memory. */
char *cm_name_list(const char *const *parts, const char *seps, size_t n_parts);

/* ---- GeoNames dumps (geonames.c) ------------------------------------------ */

/* Whether @text is a GeoNames dump rather than a file of ours. */
int cm_geonames_is_dump(const char *text);

/* Readies @ps to find, by geonameid, the places loaded before this file. */
cm_status cm_geonames_index_ids(const cm_gazetteer *gaz, parser *ps);

/* One line of a dump, cut into its @n @fields: a new place, or more names for
 * one loaded before. A bad line is reported and skipped (CM_OK); CM_ERR_NOMEM
 * stops the file. */
cm_status cm_geonames_parse_row(cm_gazetteer *gaz, parser *ps, const field *fields,
                                size_t n);

#endif
