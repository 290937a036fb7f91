/* GeoNames dumps as they are downloaded (allCountries.txt, AZ.txt): each row
 * checked, given one of our kinds, and either a new place or more names for a
 * place loaded before. Indexing and looking up are the gazetteer's job. */
#include "load/gazetteer_load.h"
#include "common/grow.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The columns of a GeoNames dump (readme.txt of download.geonames.org/export/dump),
 * numbered from 0; 19 in all, no header. */
enum { G_ID = 0, G_NAME = 1, G_ASCII = 2, G_ALTERNATE = 3, G_LAT = 4, G_LON = 5,
       G_CLASS = 6, G_CODE = 7, G_COUNTRY = 8, G_POPULATION = 14, N_GEONAMES_COLS = 19 };

/* A GeoNames dump starts with a geonameid and a tab; a file of ours starts with
 * a comment or a header, whose first column is a word. */
int
cm_geonames_is_dump(const char *text)
{
    while (*text == '\n' || *text == '\r')
        text++;
    size_t digits = strspn(text, "0123456789");
    return digits > 0 && text[digits] == '\t';
}

/* Large waters get the water kind and are labelled on the map as the shipped
 * seas and lakes are; streams, springs, wells and the like stay findable by
 * name but are not drawn unless an event names them. */
static int
is_large_water(const char *code)
{
    static const char *const codes[] = { "OCN", "SEA", "GULF", "BAY", "STRT", "SD", "LGN",
                                         "LK", "LKS", "LKN", "LKSN", "RSV" };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(code, codes[i]) == 0)
            return 1;
    return 0;
}

/* Neighbourhoods (PPLX) and places that no longer exist (historical, abandoned,
 * destroyed) are villages whatever their figure: findable, never drawn as
 * context on their own. Any other populated place is a city by its figure:
 * the seat of a region or district at 50,000 people, any place at 100,000
 * (Omdurman and Mariupol are plain PPL in GeoNames). make-world-db's
 * populated_kind() decides the same. */
static const char *
populated_kind(const char *code, long population)
{
    static const char *const minor[] = { "PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH" };
    if (strcmp(code, "PPLC") == 0)
        return "capital";
    if (strcmp(code, "PPLA") == 0 || strcmp(code, "PPLA2") == 0)
        return population >= 50000 ? "city" : "town";
    for (size_t i = 0; i < sizeof(minor) / sizeof(minor[0]); i++)
        if (strcmp(code, minor[i]) == 0)
            return "village";
    return population >= 100000 ? "city" : population >= 1000 ? "town" : "village";
}

/* Our kinds from GeoNames' feature class and code; see gazetteer/README.md. */
static const char *
geonames_kind(const char *class, const char *code, long population)
{
    if (strcmp(class, "P") == 0)
        return populated_kind(code, population);
    if (strcmp(class, "H") == 0)
        return is_large_water(code) ? "water" : "other";
    if (strcmp(class, "A") == 0)
        return "region";
    return "other";
}

typedef struct geonames_row {
    long id, population;
    double lat, lon;
    const char *kind;     /* ours, from the feature class and code */
    const field *f;       /* the 19 columns */
} geonames_row;

static int
whole_number(const char *text, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno || v < 0 || !isdigit((unsigned char)text[0]))
        return -1;
    *out = v;
    return 0;
}

static int
decimal(const char *text, double limit, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno || !isfinite(v) || fabs(v) > limit)
        return -1;
    *out = v;
    return 0;
}

static int
is_country_code(const char *text)
{
    return !text[0] || (strlen(text) == 2 && isupper((unsigned char)text[0]) &&
                        isupper((unsigned char)text[1]));
}

/* Checks one row's columns; every problem in it is reported. 0 when it is good. */
static int
check_geonames_row(parser *ps, geonames_row *r)
{
    const field *f = r->f;
    int before = ps->n_errors;

    if (whole_number(f[G_ID].text, &r->id) || r->id == 0)
        error_at(ps, f[G_ID].offset, "\"%.*s\" is not a geonameid (column 1 of a GeoNames "
                 "line is a whole number)", quote_len(f[G_ID].text), f[G_ID].text);
    if (!f[G_NAME].text[0])
        error_at(ps, f[G_NAME].offset, "the place has no name (column 2 of a GeoNames line)");
    if (decimal(f[G_LAT].text, 90, &r->lat))
        error_at(ps, f[G_LAT].offset, "\"%.*s\" is not a latitude (column 5 of a GeoNames "
                 "line: decimal degrees, -90..90, north positive)",
                 quote_len(f[G_LAT].text), f[G_LAT].text);
    if (decimal(f[G_LON].text, 180, &r->lon))
        error_at(ps, f[G_LON].offset, "\"%.*s\" is not a longitude (column 6 of a GeoNames "
                 "line: decimal degrees, -180..180, east positive)",
                 quote_len(f[G_LON].text), f[G_LON].text);
    if (f[G_CLASS].text[0] && (strlen(f[G_CLASS].text) != 1 ||
                               !strchr("AHLPRSTUV", f[G_CLASS].text[0])))
        error_at(ps, f[G_CLASS].offset, "\"%.*s\" is not a GeoNames feature class (column 7: "
                 "one of the letters A, H, L, P, R, S, T, U, V)",
                 quote_len(f[G_CLASS].text), f[G_CLASS].text);
    if (!is_country_code(f[G_COUNTRY].text))
        error_at(ps, f[G_COUNTRY].offset, "\"%.*s\" is not a country code (column 9 of a "
                 "GeoNames line: two capital letters, such as AZ)",
                 quote_len(f[G_COUNTRY].text), f[G_COUNTRY].text);
    r->population = 0;
    if (f[G_POPULATION].text[0] && whole_number(f[G_POPULATION].text, &r->population))
        error_at(ps, f[G_POPULATION].offset, "\"%.*s\" is not a population (column 15 of a "
                 "GeoNames line: a whole number, digits only)",
                 quote_len(f[G_POPULATION].text), f[G_POPULATION].text);
    return ps->n_errors != before;
}

static int
compare_ids(const void *a, const void *b)
{
    const id_place *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The geonameids of the places loaded before this file, sorted, so that each
 * row of a dump finds its twin in log time. */
cm_status
cm_geonames_index_ids(const cm_gazetteer *gaz, parser *ps)
{
    ps->ids = malloc((gaz->n_places + 1) * sizeof(*ps->ids));
    if (!ps->ids)
        return CM_ERR_NOMEM;
    for (size_t i = 0; i < gaz->n_places; i++)
        if (gaz->places[i]->geonameid > 0)
            ps->ids[ps->n_ids++] = (id_place){ gaz->places[i]->geonameid, i };
    if (ps->n_ids)
        qsort(ps->ids, ps->n_ids, sizeof(*ps->ids), compare_ids);
    return CM_OK;
}

/* A place loaded before with no geonameid, with the row's name, in the same
 * country and near: the same place written by hand. Near is about 11 km for a
 * town; for a sea or lake 5 degrees, as its point is only where the label goes
 * (our Caspian Sea is 250 km from GeoNames'). */
static int
same_unnumbered(const cm_place *p, const geonames_row *r)
{
    int waters = strcmp(r->kind, "water") == 0 && p->kind && strcmp(p->kind, "water") == 0;
    double near_deg = waters ? 5 : 0.1;
    double lon_scale = cos(r->lat * 3.14159265358979323846 / 180);
    return p->geonameid == 0 && strcmp(p->country ? p->country : "", r->f[G_COUNTRY].text) == 0 &&
           fabs(p->lat - r->lat) <= near_deg && fabs(p->lon - r->lon) * lon_scale <= near_deg;
}

/* Which place loaded before this file @r is, or SIZE_MAX for none: the same
 * geonameid, or else the same name nearby (same_unnumbered). A place of the
 * database not read yet is *db_twin (its id), read once the file is accepted. */
static cm_status
loaded_twin(const cm_gazetteer *gaz, const parser *ps, const geonames_row *r, size_t *twin,
            long *db_twin)
{
    id_place want = { r->id, 0 };
    const id_place *hit = ps->n_ids ? bsearch(&want, ps->ids, ps->n_ids, sizeof(want),
                                              compare_ids) : NULL;
    int in_db = 0;
    *twin = hit ? hit->place : SIZE_MAX;
    *db_twin = 0;
    cm_status st = hit ? CM_OK : cm_gazetteer_db_has(gaz, r->id, &in_db);
    if (in_db)
        *db_twin = r->id;
    if (st != CM_OK || hit || in_db || gaz->n_keys == 0)
        return st;
    char *folded = cm_name_fold(r->f[G_NAME].text);
    if (!folded)
        return CM_ERR_NOMEM;
    for (size_t i = keys_from(gaz->keys, gaz->n_keys, folded);
         i < gaz->n_keys && strcmp(gaz->keys[i].folded, folded) == 0; i++)
        if (same_unnumbered(gaz->places[gaz->keys[i].place], r)) {
            *twin = gaz->keys[i].place;
            break;
        }
    free(folded);
    return CM_OK;
}

/* Our place keeps its name, point, kind, rank and line; the dump adds its names. */
static cm_status
merge_into(parser *ps, size_t twin, long db_twin, const geonames_row *r)
{
    const char *parts[] = { r->f[G_NAME].text, r->f[G_ASCII].text, r->f[G_ALTERNATE].text };
    names_block *b = malloc(sizeof(*b) + cm_name_list_size(parts, 3));
    if (!b)
        return CM_ERR_NOMEM;
    b->next = NULL;
    cm_name_list_fill(b->text, parts, "\0\0,", 3);
    if (!CM_GROW(ps->merges, ps->n_merges, ps->cap_merges)) {
        free(b);
        return CM_ERR_NOMEM;
    }
    ps->merges[ps->n_merges++] = (merge){ twin, db_twin, b };
    return CM_OK;
}

static cm_status
new_geonames_place(cm_gazetteer *gaz, parser *ps, const geonames_row *r)
{
    const field *f = r->f;
    const char *parts[] = { f[G_ASCII].text, f[G_ALTERNATE].text };
    cm_place *p = cm_place_new(r->lon, r->lat, r->population, r->id);
    if (!p)
        return CM_ERR_NOMEM;
    p->is_dump = 1;
    p->pos = pos_at(ps, f[G_NAME].offset);
    p->name = strdup(f[G_NAME].text);
    p->kind = strdup(r->kind);
    p->aliases = cm_name_list(parts, "\0,", 2);
    int copied = p->name && p->kind && p->aliases &&
                 dup_or_null(&f[G_COUNTRY], &p->country);
    if (!copied || cm_gazetteer_push_place(gaz, p) != CM_OK) {
        cm_place_free(p);
        return CM_ERR_NOMEM;
    }
    return CM_OK;
}

cm_status
cm_geonames_parse_row(cm_gazetteer *gaz, parser *ps, const field *fields, size_t n)
{
    geonames_row r = { .f = fields };
    size_t twin;
    long db_twin;

    if (n != N_GEONAMES_COLS) {
        error_at(ps, ps->line_offset, "this line has %zu tab-separated columns, a GeoNames "
                 "line has 19 (geonameid, name, asciiname, alternatenames, latitude, "
                 "longitude, ...); a tab is missing or extra, or the file was cut short",
                 n);
        return CM_OK;
    }
    if (check_geonames_row(ps, &r))
        return CM_OK;
    r.kind = geonames_kind(fields[G_CLASS].text, fields[G_CODE].text, r.population);
    cm_status st = loaded_twin(gaz, ps, &r, &twin, &db_twin);
    if (st != CM_OK)
        return st;
    return twin != SIZE_MAX || db_twin ? merge_into(ps, twin, db_twin, &r)
                                       : new_geonames_place(gaz, ps, &r);
}
