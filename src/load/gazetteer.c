/* The gazetteer: loading place files (ours here, GeoNames dumps in
 * geonames.c) and indexing every name by its folded and loose keys (fold.c).
 * Finding a place by any of its names, and suggesting near misses, is
 * gazetteer_find.c's; where it lands on the map is the projection's job. */
#include "conflictmap/gazetteer.h"
#include "conflictmap/limits.h"
#include "common/grow.h"
#include "common/input.h"
#include "common/memo.h"
#include "load/fold.h"
#include "load/gazetteer_db.h"
#include "load/gazetteer_load.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const lang_codes[N_LANGS] = { "az", "hy", "ru", "ar" };

/* ---- places ------------------------------------------------------------- */

void
cm_place_free(cm_place *p)
{
    if (!p)
        return;
    free(p->name);
    for (int i = 0; i < N_LANGS; i++)
        free(p->name_lang[i]);
    free(p->country);
    free(p->kind);
    free(p->aliases);
    for (names_block *b = p->more, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(p);
}

cm_status
cm_gazetteer_create(cm_gazetteer **out)
{
    *out = calloc(1, sizeof(cm_gazetteer));
    return *out ? CM_OK : CM_ERR_NOMEM;
}

/* Room for @size bytes in the string store; NULL when out of memory. What is
 * not used is handed back with unstore(). */
char *
cm_gazetteer_store(cm_gazetteer *gaz, size_t size)
{
    store_block *b = gaz->store;
    if (!b || b->size - b->used < size) {
        size_t cap = size > 1024 * 1024 ? size : 1024 * 1024;
        b = malloc(sizeof(*b) + cap);
        if (!b)
            return NULL;
        *b = (store_block){ gaz->store, 0, cap };
        gaz->store = b;
    }
    char *p = b->text + b->used;
    b->used += size;
    return p;
}

static void
unstore(cm_gazetteer *gaz, size_t size)
{
    gaz->store->used -= size;
}

void
cm_gazetteer_destroy(cm_gazetteer *gaz)
{
    if (!gaz)
        return;
    for (size_t i = 0; i < gaz->n_places; i++)
        cm_place_free(gaz->places[i]);
    free(gaz->places);
    for (size_t i = 0; i < gaz->n_files; i++)
        free(gaz->files[i]);
    free(gaz->files);
    free(gaz->keys);
    free(gaz->loose);
    for (store_block *b = gaz->store, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    cm_gazdb_close(gaz->db);
    cm_memo_destroy(gaz->read);
    for (size_t i = 0; i < gaz->n_aside; i++)
        cm_place_free(gaz->aside[i]);
    free(gaz->aside);
    cm_memo_destroy(gaz->read_aside);
    free(gaz->by_lat);
    cm_near_cells_free(gaz->cells);
    free(gaz);
}

/* Name lists: gazetteer_load.h says what they hold. */
size_t
cm_name_list_size(const char *const *parts, size_t n_parts)
{
    size_t size = 1;
    for (size_t i = 0; i < n_parts; i++)
        size += parts[i] ? strlen(parts[i]) + 1 : 0;
    return size;
}

void
cm_name_list_fill(char *list, const char *const *parts, const char *seps, size_t n_parts)
{
    char *w = list;
    for (size_t i = 0; i < n_parts; i++) {
        for (const char *r = parts[i]; r && *r; r++) {
            if (*r != seps[i])
                *w++ = *r;
            else if (w > list && w[-1] != '\0')
                *w++ = '\0';
        }
        if (w > list && w[-1] != '\0')
            *w++ = '\0';
    }
    *w = '\0';
}

char *
cm_name_list(const char *const *parts, const char *seps, size_t n_parts)
{
    char *list = malloc(cm_name_list_size(parts, n_parts));
    if (list)
        cm_name_list_fill(list, parts, seps, n_parts);
    return list;
}

/* ---- reading lines ------------------------------------------------------ */

static const char *const col_names[N_COLS] = {
    "name", "name_az", "name_hy", "name_ru", "name_ar", "aliases", "lon", "lat",
    "country", "kind", "rank", "source"
};

/* Splits @line (modified in place) at tabs. Returns the number of fields, which
 * may be more than @max; only the first @max are stored. */
static size_t
split_tabs(char *line, size_t line_offset, field *fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        if (n < max) {
            fields[n].text = p;
            fields[n].offset = line_offset + (size_t)(p - line);
        }
        n++;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

cm_status
cm_gazetteer_push_place(cm_gazetteer *gaz, cm_place *p)
{
    if (!CM_GROW(gaz->places, gaz->n_places, gaz->cap_places))
        return CM_ERR_NOMEM;
    gaz->places[gaz->n_places++] = p;
    return CM_OK;
}

/* ---- our own format ------------------------------------------------------ */

static int
read_header(parser *ps, const field *fields, size_t n)
{
    for (int c = 0; c < N_COLS; c++)
        ps->col_of[c] = -1;
    for (size_t i = 0; i < n && i < 64; i++)
        for (int c = 0; c < N_COLS; c++)
            if (strcmp(fields[i].text, col_names[c]) == 0)
                ps->col_of[c] = (int)i;
    if (ps->col_of[C_NAME] < 0 || ps->col_of[C_LON] < 0 || ps->col_of[C_LAT] < 0) {
        error_at(ps, fields[0].offset,
                 "the first line must be a header naming the columns, with at least "
                 "\"name\", \"lon\" and \"lat\" separated by tabs");
        return -1;
    }
    return 0;
}

static const field *
column(const parser *ps, const field *fields, size_t n, enum col c)
{
    int i = ps->col_of[c];
    return i >= 0 && (size_t)i < n ? &fields[i] : NULL;
}

static int
parse_degrees(parser *ps, const field *f, double limit, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = f ? strtod(f->text, &end) : NAN;
    if (!f || end == f->text || *end != '\0' || errno || !isfinite(v) || fabs(v) > limit) {
        error_at(ps, f ? f->offset : ps->line_offset, "\"%.*s\" is not a coordinate in "
                 "decimal degrees (longitude -180..180, latitude -90..90)",
                 f ? quote_len(f->text) : 0, f ? f->text : "");
        return -1;
    }
    *out = v;
    return 0;
}

/* "geonames:146970" in the source column: the row is that GeoNames place. */
static long
source_geonameid(const char *source)
{
    if (!source || strncmp(source, "geonames:", 9) != 0)
        return 0;
    char *end = NULL;
    long id = strtol(source + 9, &end, 10);
    return end != source + 9 && *end == '\0' && id > 0 ? id : 0;
}

static cm_status
parse_place(cm_gazetteer *gaz, parser *ps, const field *fields, size_t n)
{
    const field *name = column(ps, fields, n, C_NAME);
    const field *aliases = column(ps, fields, n, C_ALIASES);
    double lon, lat;

    if (!name || !name->text[0]) {
        error_at(ps, fields[0].offset, "the place has no name");
        return CM_OK;
    }
    if (parse_degrees(ps, column(ps, fields, n, C_LON), 180, &lon) ||
        parse_degrees(ps, column(ps, fields, n, C_LAT), 90, &lat))
        return CM_OK;
    cm_place *p = calloc(1, sizeof(*p));
    if (!p)
        return CM_ERR_NOMEM;
    p->lon = lon;
    p->lat = lat;
    p->pos = pos_at(ps, name->offset);
    p->name = strdup(name->text);
    int copied = p->name != NULL;
    for (int l = 0; l < N_LANGS; l++)
        copied &= dup_or_null(column(ps, fields, n, (enum col)(C_AZ + l)), &p->name_lang[l]);
    copied &= dup_or_null(column(ps, fields, n, C_COUNTRY), &p->country);
    copied &= dup_or_null(column(ps, fields, n, C_KIND), &p->kind);
    const char *alias_text = aliases ? aliases->text : NULL;
    p->aliases = cm_name_list(&alias_text, "|", 1);
    copied &= p->aliases != NULL;
    const field *rank = column(ps, fields, n, C_RANK);
    p->rank = rank ? strtol(rank->text, NULL, 10) : 0;
    const field *source = column(ps, fields, n, C_SOURCE);
    p->geonameid = source_geonameid(source ? source->text : NULL);
    if (!copied || cm_gazetteer_push_place(gaz, p) != CM_OK) {
        cm_place_free(p);
        return CM_ERR_NOMEM;
    }
    return CM_OK;
}

/* ---- the index ---------------------------------------------------------- */

/* Ties in the folded text go by place, then by spelling, so that the order (and
 * the spelling kept when duplicates go) does not depend on qsort. */
static int
compare_keys(const void *a, const void *b)
{
    const key *ka = a, *kb = b;
    if (ka->prefix != kb->prefix)
        return ka->prefix < kb->prefix ? -1 : 1;
    int c = strcmp(ka->folded, kb->folded);
    if (c)
        return c;
    if (ka->place != kb->place)
        return ka->place < kb->place ? -1 : 1;
    return strcmp(ka->shown, kb->shown);
}

static uint32_t
prefix_of(const char *s)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        v = v << 8 | (unsigned char)*s;
        s += *s != '\0';
    }
    return v;
}

/* Room in the key arrays for @more keys, reserved once per file. */
static cm_status
reserve_keys(cm_gazetteer *gaz, size_t more)
{
    if (gaz->cap_keys - gaz->n_keys >= more)
        return CM_OK;
    size_t cap = gaz->n_keys + more;
    key *k = realloc(gaz->keys, cap * sizeof(*k));
    if (!k)
        return CM_ERR_NOMEM;
    gaz->keys = k;
    key *l = realloc(gaz->loose, cap * sizeof(*l));
    if (!l)
        return CM_ERR_NOMEM;
    gaz->loose = l;
    gaz->cap_keys = cap;
    return CM_OK;
}

/* @shown folded, and loosened, into the string store. */
static cm_status
add_key(cm_gazetteer *gaz, const char *shown, size_t place)
{
    if (!shown || !*shown)
        return CM_OK;
    cm_status st = reserve_keys(gaz, 1);
    char *folded = st == CM_OK ? cm_name_fold(shown) : NULL;
    size_t len = folded ? strlen(folded) : 0;
    char *stored = folded ? cm_gazetteer_store(gaz, 2 * (len + 1)) : NULL;
    if (!stored) {
        free(folded);
        return CM_ERR_NOMEM;
    }
    memcpy(stored, folded, len + 1);
    free(folded);
    char *loose = stored + len + 1;
    unstore(gaz, len - cm_name_loosen_into(stored, loose));
    gaz->keys[gaz->n_keys++] = (key){ stored, shown, prefix_of(stored), (uint32_t)place };
    gaz->loose[gaz->n_loose++] = (key){ loose, shown, prefix_of(loose), (uint32_t)place };
    return CM_OK;
}

static size_t
count_names(const char *list)
{
    size_t n = 0;
    for (const char *a = list; a && *a; a += strlen(a) + 1)
        n++;
    return n;
}

static cm_status
add_keys(cm_gazetteer *gaz, const char *list, size_t place)
{
    cm_status st = CM_OK;
    for (const char *a = list; st == CM_OK && a && *a; a += strlen(a) + 1)
        st = add_key(gaz, a, place);
    return st;
}

/* Every spelling of a place becomes a key that borrows the place's own text. */
static cm_status
index_place(cm_gazetteer *gaz, size_t i)
{
    cm_place *p = gaz->places[i];
    cm_status st = add_key(gaz, p->name, i);
    for (int l = 0; st == CM_OK && l < N_LANGS; l++)
        st = add_key(gaz, p->name_lang[l], i);
    return st == CM_OK ? add_keys(gaz, p->aliases, i) : st;
}

/* Sorts @keys and drops the spellings of a place that fold alike (a dump
 * lists Xankəndi and Xankǝndi, Hadrut and Hadrut'). Returns the new count. */
static size_t
sort_keys(key *keys, size_t n)
{
    if (n == 0)
        return 0;
    qsort(keys, n, sizeof(key), compare_keys);
    size_t w = 1;
    for (size_t r = 1; r < n; r++) {
        if (keys[r].place != keys[w - 1].place || strcmp(keys[r].folded, keys[w - 1].folded))
            keys[w++] = keys[r];
    }
    return w;
}

/* The database places that rows of a dump are (merges with a db_id), read
 * now that the dump is accepted. */
static cm_status
read_twins(cm_gazetteer *gaz, parser *ps)
{
    cm_status st = CM_OK;
    for (size_t i = 0; st == CM_OK && i < ps->n_merges; i++) {
        merge *m = &ps->merges[i];
        int found = 0;
        if (m->db_id)
            st = cm_gazetteer_read_row(gaz, m->db_id, &m->place, &found);
        if (st == CM_OK && m->db_id && !found)
            st = CM_ERR_INTERNAL;   /* cm_gazetteer_db_has() said it was there */
    }
    return st;
}

static cm_status
build_index(cm_gazetteer *gaz, parser *ps)
{
    cm_status st = CM_OK;
    /* The file's places: database rows read for its merges come after, and
     * are found through the database, not these keys. */
    size_t end = gaz->n_places;
    size_t n_keys_before = gaz->n_keys, n_loose_before = gaz->n_loose, n_new = 0;
    for (size_t i = ps->first_place; i < end; i++)
        n_new += 1 + N_LANGS + count_names(gaz->places[i]->aliases);
    for (size_t i = 0; i < ps->n_merges; i++)
        n_new += count_names(ps->merges[i].names->text);
    st = reserve_keys(gaz, n_new);
    for (size_t i = ps->first_place; st == CM_OK && i < end; i++)
        st = index_place(gaz, i);
    if (st == CM_OK)
        st = read_twins(gaz, ps);
    for (size_t i = 0; st == CM_OK && i < ps->n_merges; i++)
        st = add_keys(gaz, ps->merges[i].names->text, ps->merges[i].place);
    if (st != CM_OK) {
        gaz->n_keys = n_keys_before;
        gaz->n_loose = n_loose_before;
        return st;
    }
    /* A file of comments alone leaves no keys and NULL arrays, which qsort
     * must not be given (found by fuzz_gazetteer). */
    gaz->n_keys = sort_keys(gaz->keys, gaz->n_keys);
    gaz->n_loose = sort_keys(gaz->loose, gaz->n_loose);
    for (size_t i = 0; i < ps->n_merges; i++) {
        cm_place *p = gaz->places[ps->merges[i].place];
        ps->merges[i].names->next = p->more;
        p->more = ps->merges[i].names;
        ps->merges[i].names = NULL;
    }
    return CM_OK;
}

/* ---- namesakes ---------------------------------------------------------- */

/* A place of the file, by its folded name and country, for finding namesakes. */
typedef struct namesake {
    char *folded;
    const char *country;
    size_t place;
} namesake;

static int
compare_namesakes(const void *a, const void *b)
{
    const namesake *x = a, *y = b;
    int c = strcmp(x->country, y->country);
    if (c == 0)
        c = strcmp(x->folded, y->folded);
    return c ? c : (x->place > y->place) - (x->place < y->place);
}

static void
warn_namesake(parser *ps, const cm_place *first, const cm_place *again)
{
    const char *country = again->country && again->country[0] ? again->country : NULL;
    cm_diag_warning(ps->diags, &again->pos, "\"%s\" is also the name of the place on line "
                    "%d (\"%s\")%s%s; names are unique within a country in a gazetteer "
                    "file, and an event's \"%s\" could be either: rename one, or remove "
                    "the line that repeats the other", again->name, first->pos.line,
                    first->name, country ? ", in " : ", both without a country",
                    country ? country : "", again->name);
}

/* Our format says a name is unique within a country (names compared folded,
 * as look-ups compare them): each repeat is a warning naming the first. GeoNames
 * dumps are full of namesakes (several Lymans in Ukraine), and are not checked. */
static cm_status
check_namesakes(cm_gazetteer *gaz, parser *ps)
{
    size_t n = gaz->n_places - ps->first_place;
    namesake *all = n ? calloc(n, sizeof(*all)) : NULL;
    cm_status st = n && !all ? CM_ERR_NOMEM : CM_OK;
    for (size_t i = 0; st == CM_OK && i < n; i++) {
        const cm_place *p = gaz->places[ps->first_place + i];
        all[i] = (namesake){ cm_name_fold(p->name), p->country ? p->country : "",
                             ps->first_place + i };
        if (!all[i].folded)
            st = CM_ERR_NOMEM;
    }
    if (st == CM_OK && n > 1)
        qsort(all, n, sizeof(*all), compare_namesakes);
    for (size_t i = 1, first = 0; st == CM_OK && i < n; i++) {
        if (strcmp(all[i].country, all[first].country) != 0 ||
            strcmp(all[i].folded, all[first].folded) != 0)
            first = i;
        else
            warn_namesake(ps, gaz->places[all[first].place], gaz->places[all[i].place]);
    }
    for (size_t i = 0; all && i < n; i++)
        free(all[i].folded);
    free(all);
    return st;
}

/* ---- loading ------------------------------------------------------------ */

static cm_status
parse_line(cm_gazetteer *gaz, parser *ps, char *line, int *have_header)
{
    field fields[N_COLS + 52];
    size_t max = sizeof(fields) / sizeof(fields[0]);
    size_t n = split_tabs(line, ps->line_offset, fields, max);

    if (ps->is_geonames)
        return cm_geonames_parse_row(gaz, ps, fields, n);
    if (n > max)
        n = max;
    if (*have_header)
        return parse_place(gaz, ps, fields, n);
    if (read_header(ps, fields, n))
        return CM_ERR_INPUT;
    *have_header = 1;
    return CM_OK;
}

static cm_status
parse_lines(cm_gazetteer *gaz, parser *ps, char *text)
{
    int have_header = 0;
    char *line = text;

    for (ps->line = 1; line && *line; ps->line++) {
        char *nl = strchr(line, '\n');
        ps->line_offset = (size_t)(line - text);
        if (nl)
            *nl = '\0';
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        if (line[0] != '#' && line[0] != '\0') {
            cm_status st = parse_line(gaz, ps, line, &have_header);
            if (st != CM_OK)
                return st;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!have_header && !ps->is_geonames) {
        cm_pos whole = { ps->path, 0, 0 };
        cm_diag_error(ps->diags, &whole, "the gazetteer is empty: it needs a header line "
                      "and one line per place");
        return CM_ERR_INPUT;
    }
    return ps->n_errors ? CM_ERR_INPUT : CM_OK;
}

static void
drop_places_from(cm_gazetteer *gaz, size_t first)
{
    for (size_t i = first; i < gaz->n_places; i++)
        cm_place_free(gaz->places[i]);
    gaz->n_places = first;
    gaz->by_lat_of = SIZE_MAX;   /* the index of gazetteer_near.c is made again */
}

static cm_status
remember_file(cm_gazetteer *gaz, const char *path, const char **copy)
{
    if (!CM_GROW(gaz->files, gaz->n_files, gaz->cap_files))
        return CM_ERR_NOMEM;
    gaz->files[gaz->n_files] = strdup(path);
    if (!gaz->files[gaz->n_files])
        return CM_ERR_NOMEM;
    *copy = gaz->files[gaz->n_files++];
    return CM_OK;
}

static void
parser_free(parser *ps)
{
    for (size_t i = 0; i < ps->n_merges; i++)
        free(ps->merges[i].names);
    free(ps->merges);
    free(ps->ids);
}

/* Reads the places in @text, which is cut into lines and fields in place, and
 * freed (here) before the index is sorted: for a dump, that is 30 MB less at
 * the peak. */
static cm_status
load_text(cm_gazetteer *gaz, parser *ps, char *text)
{
    ps->text = text;
    ps->is_geonames = cm_geonames_is_dump(text);
    cm_status st = ps->is_geonames ? cm_geonames_index_ids(gaz, ps) : CM_OK;
    if (st == CM_OK)
        st = parse_lines(gaz, ps, text);
    if (st == CM_OK && !ps->is_geonames)
        st = check_namesakes(gaz, ps);
    free(text);
    ps->text = NULL;
    if (st == CM_OK)
        st = build_index(gaz, ps);
    if (st != CM_OK)
        drop_places_from(gaz, ps->first_place);
    return st;
}

/* ---- the database ------------------------------------------------------- */

/* Rows of the database becoming places. */
typedef struct reading {
    cm_gazetteer *gaz;
    const char *file, *path;   /* the last curated file met, and its path as kept */
    size_t index;              /* where the last row went in gaz->places */
} reading;

/* Where a row comes from: a curated row from its file beside the database
 * (caucasus.tsv:42, as when the file itself is loaded), a GeoNames row from
 * the database. */
static cm_status
row_pos(reading *rd, const cm_gazdb_row *r, cm_pos *pos)
{
    const char *db_path = cm_gazdb_path(rd->gaz->db);
    *pos = (cm_pos){ db_path, 0, 0 };
    if (!r->file)
        return CM_OK;
    if (!rd->file || strcmp(rd->file, r->file) != 0) {
        const char *slash = strrchr(db_path, '/');
        int dir_len = slash ? (int)(slash - db_path) : 0;
        size_t size = (size_t)dir_len + strlen(r->file) + 2;
        char *path = malloc(size);
        if (!path)
            return CM_ERR_NOMEM;
        snprintf(path, size, "%.*s%s%s", dir_len, db_path, slash ? "/" : "", r->file);
        cm_status st = remember_file(rd->gaz, path, &rd->path);
        free(path);
        if (st != CM_OK)
            return st;
        rd->file = rd->path + strlen(rd->path) - strlen(r->file);
    }
    *pos = (cm_pos){ rd->path, r->line, 1 };
    return CM_OK;
}

static cm_status
place_of_row(reading *rd, const cm_gazdb_row *r, cm_place **out)
{
    cm_place *p = cm_place_new(r->lon, r->lat, r->rank, source_geonameid(r->source));
    if (!p)
        return CM_ERR_NOMEM;
    p->db_id = r->id;
    p->is_db = 1;
    p->is_dump = r->file == NULL;
    p->name = strdup(r->name);
    int copied = p->name != NULL;
    for (int l = 0; l < N_LANGS; l++)
        copied &= !r->name_lang[l] || (p->name_lang[l] = strdup(r->name_lang[l]));
    copied &= !r->country[0] || (p->country = strdup(r->country));
    copied &= !r->kind[0] || (p->kind = strdup(r->kind));
    copied &= !r->aliases || (p->aliases = cm_name_list(&r->aliases, "|", 1));
    cm_status st = copied ? row_pos(rd, r, &p->pos) : CM_ERR_NOMEM;
    if (st != CM_OK) {
        cm_place_free(p);
        return st;
    }
    *out = p;
    return CM_OK;
}

/* A row read: a place from now on, known by its id. */
static cm_status
add_row(void *data, const cm_gazdb_row *r)
{
    reading *rd = data;
    cm_place *p = NULL;
    cm_status st = place_of_row(rd, r, &p);
    if (st == CM_OK && (st = cm_gazetteer_push_place(rd->gaz, p)) != CM_OK)
        cm_place_free(p);
    if (st != CM_OK)
        return st;
    rd->index = rd->gaz->n_places - 1;
    size_t *kept = cm_memo_add(rd->gaz->read, &r->id, sizeof(r->id), &rd->index);
    if (!kept)
        return CM_ERR_NOMEM;
    *kept = rd->index;   /* a row read again after its place was dropped */
    return CM_OK;
}

cm_status
cm_gazetteer_read_row(cm_gazetteer *gaz, long id, size_t *index, int *found)
{
    const size_t *known = cm_memo_find(gaz->read, &id, sizeof(id));
    /* Places are dropped when a file after them fails: check it is still there. */
    if (known && *known < gaz->n_places && gaz->places[*known]->is_db &&
        gaz->places[*known]->db_id == id) {
        *index = *known;
        *found = 1;
        return CM_OK;
    }
    reading rd = { gaz, NULL, NULL, 0 };
    cm_status st = cm_gazdb_by_id(gaz->db, id, add_row, &rd, found);
    *index = rd.index;
    return st;
}

/* A row read aside: kept by the gazetteer, known by its id, not a place of
 * cm_gazetteer_place(). */
static cm_status
add_aside(void *data, const cm_gazdb_row *r)
{
    reading *rd = data;
    cm_gazetteer *gaz = rd->gaz;
    cm_place *p = NULL;
    cm_status st = CM_GROW(gaz->aside, gaz->n_aside, gaz->cap_aside) ? place_of_row(rd, r, &p)
                                                                      : CM_ERR_NOMEM;
    if (st != CM_OK)
        return st;
    rd->index = gaz->n_aside;
    if (!cm_memo_add(gaz->read_aside, &r->id, sizeof(r->id), &rd->index)) {
        cm_place_free(p);
        return CM_ERR_NOMEM;
    }
    gaz->aside[gaz->n_aside++] = p;
    return CM_OK;
}

cm_status
cm_gazetteer_read_aside(cm_gazetteer *gaz, long id, const cm_place **out)
{
    const size_t *known = cm_memo_find(gaz->read, &id, sizeof(id));
    *out = NULL;
    if (known && *known < gaz->n_places && gaz->places[*known]->is_db &&
        gaz->places[*known]->db_id == id) {
        *out = gaz->places[*known];
        return CM_OK;
    }
    if (!gaz->read_aside && !(gaz->read_aside = cm_memo_create(sizeof(size_t), NULL)))
        return CM_ERR_NOMEM;
    known = cm_memo_find(gaz->read_aside, &id, sizeof(id));
    if (known) {
        *out = gaz->aside[*known];
        return CM_OK;
    }
    reading rd = { gaz, NULL, NULL, 0 };
    int found = 0;
    cm_status st = cm_gazdb_by_id(gaz->db, id, add_aside, &rd, &found);
    if (st == CM_OK && found)
        *out = gaz->aside[rd.index];
    return st;
}

static cm_status
ignore_row(void *data, const cm_gazdb_row *r)
{
    (void)data;
    (void)r;
    return CM_OK;
}

cm_status
cm_gazetteer_db_has(const cm_gazetteer *gaz, long id, int *has)
{
    *has = 0;
    return gaz->db ? cm_gazdb_by_id(gaz->db, id, ignore_row, NULL, has) : CM_OK;
}

/* The world gazetteer: its curated rows are read whole and indexed as the
 * files they come from would be; the others are read as they are needed. */
static cm_status
attach_db(cm_gazetteer *gaz, parser *ps)
{
    cm_pos whole = { ps->path, 0, 0 };
    if (gaz->db) {
        cm_diag_error(ps->diags, &whole, "conflictmap reads one gazetteer database, and "
                      "\"%s\" is already one; make one database of both with "
                      "gazetteer/make-world-db", cm_gazdb_path(gaz->db));
        return CM_ERR_INPUT;
    }
    cm_status st = cm_gazdb_open(&gaz->db, ps->path, ps->diags);
    if (st != CM_OK)
        return st;
    if (!gaz->read && !(gaz->read = cm_memo_create(sizeof(size_t), NULL)))
        st = CM_ERR_NOMEM;
    reading rd = { gaz, NULL, NULL, 0 };
    if (st == CM_OK)
        st = cm_gazdb_curated(gaz->db, add_row, &rd);
    if (st == CM_OK)
        st = build_index(gaz, ps);
    if (st != CM_OK) {
        if (st == CM_ERR_IO)
            cm_diag_error(ps->diags, &whole, "cannot read \"%s\": %s", ps->path,
                          cm_gazdb_error(gaz->db));
        drop_places_from(gaz, ps->first_place);
        cm_gazdb_close(gaz->db);
        gaz->db = NULL;
    }
    return st;
}

cm_status
cm_gazetteer_add_file(cm_gazetteer *gaz, const char *path, cm_diag_list *diags)
{
    char *text = NULL;
    size_t len = 0;
    parser ps = { 0 };
    cm_status st = remember_file(gaz, path, &ps.path);

    if (st != CM_OK)
        return st;
    if (cm_gazdb_is_db(path)) {
        ps.diags = diags;
        ps.first_place = gaz->n_places;
        return attach_db(gaz, &ps);
    }
    st = cm_input_read_text(path, cm_limits_get()->max_file_bytes, &text, &len, diags);
    if (st != CM_OK)
        return st;
    ps.diags = diags;
    ps.first_place = gaz->n_places;
    st = load_text(gaz, &ps, text);
    parser_free(&ps);
    return st;
}

/* ---- accessors ---------------------------------------------------------- */

size_t
cm_gazetteer_n_places(const cm_gazetteer *gaz)
{
    return gaz ? gaz->n_places : 0;
}

const cm_place *
cm_gazetteer_place(const cm_gazetteer *gaz, size_t i)
{
    return gaz && i < gaz->n_places ? gaz->places[i] : NULL;
}

const char *cm_place_name(const cm_place *p) { return p->name; }
double cm_place_lon(const cm_place *p) { return p->lon; }
double cm_place_lat(const cm_place *p) { return p->lat; }
const char *cm_place_country(const cm_place *p) { return p->country ? p->country : ""; }
const char *cm_place_kind(const cm_place *p) { return p->kind ? p->kind : ""; }
long cm_place_rank(const cm_place *p) { return p->rank; }
cm_pos cm_place_pos(const cm_place *p) { return p->pos; }

const char *
cm_place_name_in(const cm_place *p, const char *lang)
{
    for (int l = 0; lang && l < N_LANGS; l++)
        if (strcmp(lang, lang_codes[l]) == 0 && p->name_lang[l])
            return p->name_lang[l];
    return p->name;
}
