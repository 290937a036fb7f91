/* The gazetteer: loading place files, folding names for matching, finding a
 * place by any of its names, and suggesting near misses. Which place an event
 * means is decided here; where it lands on the map is the projection's job. */
#include "conflictmap/gazetteer.h"
#include "conflictmap/limits.h"
#include "input.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

enum { LANG_AZ, LANG_HY, LANG_RU, LANG_AR, N_LANGS };
static const char *const lang_codes[N_LANGS] = { "az", "hy", "ru", "ar" };

struct cm_place {
    char *name;
    char *name_lang[N_LANGS];   /* NULL where the file has none */
    double lon, lat;
    char *country, *kind;
    char *aliases;              /* owned; split at '|' into NUL-separated names */
    long rank;
    cm_pos pos;                 /* pos.file points into the gazetteer's file list */
};

typedef struct key {
    char *folded;               /* owned */
    const char *shown;          /* the name as written, borrowed from the place */
    size_t place;
} key;

struct cm_gazetteer {
    cm_place **places;
    size_t n_places, cap_places;
    char **files;
    size_t n_files;
    key *keys, *loose;          /* sorted by folded text */
    size_t n_keys, cap_keys;
};

/* ---- folding ------------------------------------------------------------ */

static utf8proc_int32_t
fold_letter(utf8proc_int32_t c, void *data)
{
    (void)data;
    switch (c) {
    case 0x0259: case 0x018F: return 'e';          /* ə Ə */
    case 0x0131: return 'i';                       /* dotless ı */
    case '-': case 0x2010: case 0x2011: case 0x2013: case 0x2014: case '_':
    case '/': case ',': case '.': case '(': case ')':
        return ' ';
    case '\'': case 0x2018: case 0x2019: case 0x02BC: case 0x02BB: case '`': case '"':
        return 0x00AD;   /* a soft hyphen, which UTF8PROC_IGNORE drops */
    default: return c;
    }
}

char *
cm_name_fold(const char *name)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom(
        (const utf8proc_uint8_t *)name, 0, &mapped,
        UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
            UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
        fold_letter, NULL);
    if (n < 0)
        return NULL;
    /* Squeeze runs of space into one and trim both ends. */
    char *s = (char *)mapped;
    size_t w = 0;
    for (size_t r = 0; s[r]; r++) {
        int space = isspace((unsigned char)s[r]);
        if (space && (w == 0 || s[w - 1] == ' '))
            continue;
        s[w++] = space ? ' ' : s[r];
    }
    while (w > 0 && s[w - 1] == ' ')
        w--;
    s[w] = '\0';
    return s;
}

/* A looser key for a second try: transliteration pairs that English wire copy
 * and Azerbaijani or Russian spelling disagree on (Khankendi/Xankəndi,
 * Shusha/Şuşa, Jabrayil/Cəbrayıl, Qaraçinar/Garachinar), and doubled letters. */
static char *
loosen(const char *folded)
{
    static const struct { const char *from, *to; } pairs[] = {
        { "dzh", "c" }, { "kh", "x" }, { "sh", "s" }, { "ch", "c" }, { "zh", "j" },
        { "gh", "g" }, { "ou", "u" }, { "j", "c" }, { "q", "g" }, { "w", "v" }, { "y", "i" },
    };
    size_t len = strlen(folded);
    char *out = malloc(len + 1);
    size_t w = 0;

    if (!out)
        return NULL;
    for (size_t r = 0; r < len;) {
        size_t k = 0, np = sizeof(pairs) / sizeof(pairs[0]);
        for (; k < np; k++)
            if (strncmp(folded + r, pairs[k].from, strlen(pairs[k].from)) == 0)
                break;
        const char *piece = k < np ? pairs[k].to : NULL;
        size_t adv = k < np ? strlen(pairs[k].from) : 1;
        char c = piece ? piece[0] : folded[r];
        if (c == ' ') {
            r += adv;
            continue;
        }
        if (!(w > 0 && out[w - 1] == c && (unsigned char)c < 0x80))
            out[w++] = c;
        r += adv;
    }
    out[w] = '\0';
    return out;
}

/* ---- places ------------------------------------------------------------- */

static void
place_free(cm_place *p)
{
    if (!p)
        return;
    free(p->name);
    for (int i = 0; i < N_LANGS; i++)
        free(p->name_lang[i]);
    free(p->country);
    free(p->kind);
    free(p->aliases);
    free(p);
}

cm_status
cm_gazetteer_create(cm_gazetteer **out)
{
    *out = calloc(1, sizeof(cm_gazetteer));
    return *out ? CM_OK : CM_ERR_NOMEM;
}

static void
free_keys(key *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(keys[i].folded);
    free(keys);
}

void
cm_gazetteer_destroy(cm_gazetteer *gaz)
{
    if (!gaz)
        return;
    for (size_t i = 0; i < gaz->n_places; i++)
        place_free(gaz->places[i]);
    free(gaz->places);
    for (size_t i = 0; i < gaz->n_files; i++)
        free(gaz->files[i]);
    free(gaz->files);
    free_keys(gaz->keys, gaz->n_keys);
    free_keys(gaz->loose, gaz->n_keys);
    free(gaz);
}

/* ---- the file format ---------------------------------------------------- */

enum col { C_NAME, C_AZ, C_HY, C_RU, C_AR, C_ALIASES, C_LON, C_LAT, C_COUNTRY, C_KIND,
           C_RANK, N_COLS };
static const char *const col_names[N_COLS] = {
    "name", "name_az", "name_hy", "name_ru", "name_ar", "aliases", "lon", "lat",
    "country", "kind", "rank"
};

typedef struct field {
    const char *text;     /* NUL-terminated in the line buffer */
    size_t offset;        /* byte offset in the file, for positions */
} field;

typedef struct parser {
    const char *path;     /* the gazetteer's own copy */
    const char *text;
    int col_of[N_COLS];   /* index of each column in a line, -1 if absent */
    size_t first_place;
    cm_diag_list *diags;
    int n_errors;
} parser;

/* Splits @line (modified in place) at tabs. Returns the number of fields. */
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

static void
error_at(parser *ps, size_t offset, const char *fmt, const char *arg)
{
    cm_pos pos = cm_input_pos(ps->path, ps->text, offset);
    cm_diag_error(ps->diags, &pos, fmt, arg);
    ps->n_errors++;
}

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
                 "\"name\", \"lon\" and \"lat\" separated by tabs%s", "");
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
        error_at(ps, f ? f->offset : 0, "\"%s\" is not a coordinate in decimal degrees "
                 "(longitude -180..180, latitude -90..90)", f ? f->text : "");
        return -1;
    }
    *out = v;
    return 0;
}

/* Copies an optional column into *out (NULL when empty); 0 when out of memory,
 * which must not pass for an empty column (found by test_alloc_fail). */
static int
dup_or_null(const field *f, char **out)
{
    *out = f && f->text[0] ? strdup(f->text) : NULL;
    return !(f && f->text[0]) || *out;
}

static cm_status
push_place(cm_gazetteer *gaz, cm_place *p)
{
    if (gaz->n_places == gaz->cap_places) {
        size_t cap = gaz->cap_places ? gaz->cap_places * 2 : 256;
        cm_place **places = realloc(gaz->places, cap * sizeof(*places));
        if (!places)
            return CM_ERR_NOMEM;
        gaz->places = places;
        gaz->cap_places = cap;
    }
    gaz->places[gaz->n_places++] = p;
    return CM_OK;
}

static cm_status
parse_place(cm_gazetteer *gaz, parser *ps, const field *fields, size_t n)
{
    const field *name = column(ps, fields, n, C_NAME);
    double lon, lat;

    if (!name || !name->text[0]) {
        error_at(ps, fields[0].offset, "the place has no name%s", "");
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
    p->pos = cm_input_pos(ps->path, ps->text, name->offset);
    p->name = strdup(name->text);
    int copied = p->name != NULL;
    for (int l = 0; l < N_LANGS; l++)
        copied &= dup_or_null(column(ps, fields, n, (enum col)(C_AZ + l)), &p->name_lang[l]);
    copied &= dup_or_null(column(ps, fields, n, C_COUNTRY), &p->country);
    copied &= dup_or_null(column(ps, fields, n, C_KIND), &p->kind);
    copied &= dup_or_null(column(ps, fields, n, C_ALIASES), &p->aliases);
    const field *rank = column(ps, fields, n, C_RANK);
    p->rank = rank ? strtol(rank->text, NULL, 10) : 0;
    if (!copied || push_place(gaz, p) != CM_OK) {
        place_free(p);
        return CM_ERR_NOMEM;
    }
    return CM_OK;
}

/* ---- the index ---------------------------------------------------------- */

static int
compare_keys(const void *a, const void *b)
{
    const key *ka = a, *kb = b;
    int c = strcmp(ka->folded, kb->folded);
    if (c)
        return c;
    return ka->place < kb->place ? -1 : ka->place > kb->place;
}

static cm_status
add_key(cm_gazetteer *gaz, const char *shown, size_t place)
{
    if (!shown || !*shown)
        return CM_OK;
    if (gaz->n_keys == gaz->cap_keys) {
        size_t cap = gaz->cap_keys ? gaz->cap_keys * 2 : 1024;
        key *k = realloc(gaz->keys, cap * sizeof(*k));
        if (!k)
            return CM_ERR_NOMEM;
        gaz->keys = k;
        key *l = realloc(gaz->loose, cap * sizeof(*l));
        if (!l)
            return CM_ERR_NOMEM;
        gaz->loose = l;
        gaz->cap_keys = cap;
    }
    char *folded = cm_name_fold(shown);
    char *loose = folded ? loosen(folded) : NULL;
    if (!folded || !loose) {
        free(folded);
        free(loose);
        return CM_ERR_NOMEM;
    }
    gaz->keys[gaz->n_keys] = (key){ folded, shown, place };
    gaz->loose[gaz->n_keys] = (key){ loose, shown, place };
    gaz->n_keys++;
    return CM_OK;
}

/* Every spelling of a place becomes a key that borrows the place's own text;
 * the alias list is split in place, once, for that. */
static cm_status
index_place(cm_gazetteer *gaz, size_t i)
{
    cm_place *p = gaz->places[i];
    char *aliases = p->aliases;
    cm_status st = add_key(gaz, p->name, i);
    for (int l = 0; st == CM_OK && l < N_LANGS; l++)
        st = add_key(gaz, p->name_lang[l], i);
    for (char *a = aliases, *next; st == CM_OK && a && *a; a = next) {
        next = strchr(a, '|');
        if (next)
            *next++ = '\0';
        st = add_key(gaz, a, i);
        if (!next)
            break;
    }
    return st;
}

/* ---- loading ------------------------------------------------------------ */

static cm_status
parse_lines(cm_gazetteer *gaz, parser *ps, char *text)
{
    int have_header = 0;
    field fields[N_COLS + 52];
    char *line = text;

    while (line && *line) {
        char *nl = strchr(line, '\n');
        size_t off = (size_t)(line - text);
        if (nl)
            *nl = '\0';
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        if (line[0] != '#' && line[0] != '\0') {
            size_t n = split_tabs(line, off, fields, sizeof(fields) / sizeof(fields[0]));
            if (n > sizeof(fields) / sizeof(fields[0]))
                n = sizeof(fields) / sizeof(fields[0]);
            if (!have_header) {
                if (read_header(ps, fields, n))
                    return CM_ERR_INPUT;
                have_header = 1;
            } else if (parse_place(gaz, ps, fields, n) != CM_OK) {
                return CM_ERR_NOMEM;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!have_header) {
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
        place_free(gaz->places[i]);
    gaz->n_places = first;
}

static cm_status
remember_file(cm_gazetteer *gaz, const char *path, const char **copy)
{
    char **files = realloc(gaz->files, (gaz->n_files + 1) * sizeof(*files));
    if (!files)
        return CM_ERR_NOMEM;
    gaz->files = files;
    files[gaz->n_files] = strdup(path);
    if (!files[gaz->n_files])
        return CM_ERR_NOMEM;
    *copy = files[gaz->n_files++];
    return CM_OK;
}

static cm_status
build_index(cm_gazetteer *gaz, parser *ps)
{
    cm_status st = CM_OK;
    size_t n_keys_before = gaz->n_keys;
    for (size_t i = ps->first_place; st == CM_OK && i < gaz->n_places; i++)
        st = index_place(gaz, i);
    if (st != CM_OK) {
        for (size_t k = n_keys_before; k < gaz->n_keys; k++) {
            free(gaz->keys[k].folded);
            free(gaz->loose[k].folded);
        }
        gaz->n_keys = n_keys_before;
        return st;
    }
    /* A file of comments alone leaves no keys and NULL arrays, which qsort
     * must not be given (found by fuzz_gazetteer). */
    if (gaz->n_keys == 0)
        return CM_OK;
    qsort(gaz->keys, gaz->n_keys, sizeof(key), compare_keys);
    qsort(gaz->loose, gaz->n_keys, sizeof(key), compare_keys);
    return CM_OK;
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
    st = cm_input_read_text(path, cm_limits_get()->max_file_bytes, &text, &len, diags);
    if (st != CM_OK)
        return st;
    char *copy = malloc(len + 1);
    if (!copy) {
        free(text);
        return CM_ERR_NOMEM;
    }
    memcpy(copy, text, len + 1);
    ps.text = text;
    ps.diags = diags;
    ps.first_place = gaz->n_places;
    st = parse_lines(gaz, &ps, copy);
    if (st == CM_OK)
        st = build_index(gaz, &ps);
    if (st != CM_OK)
        drop_places_from(gaz, ps.first_place);
    free(copy);
    free(text);
    return st;
}

/* ---- looking up ----------------------------------------------------------- */

static int
inside(const cm_place *p, const double *bbox)
{
    return bbox && p->lon >= bbox[0] && p->lon <= bbox[2] && p->lat >= bbox[1] &&
           p->lat <= bbox[3];
}

/* Of the keys equal to @folded in @keys, the place an event most likely means. */
static const cm_place *
best_match(const cm_gazetteer *gaz, const key *keys, const char *folded, const double *bbox)
{
    size_t lo = 0, hi = gaz->n_keys;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(keys[mid].folded, folded) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const cm_place *best = NULL;
    for (size_t i = lo; i < gaz->n_keys && strcmp(keys[i].folded, folded) == 0; i++) {
        const cm_place *p = gaz->places[keys[i].place];
        if (!best || (inside(p, bbox) && !inside(best, bbox)) ||
            (inside(p, bbox) == inside(best, bbox) && p->rank > best->rank))
            best = p;
    }
    return best;
}

const cm_place *
cm_gazetteer_find(const cm_gazetteer *gaz, const char *name, const double *bbox_deg)
{
    const cm_place *p = NULL;
    cm_gazetteer_lookup(gaz, name, bbox_deg, &p);
    return p;
}

cm_status
cm_gazetteer_lookup(const cm_gazetteer *gaz, const char *name, const double *bbox_deg,
                    const cm_place **out)
{
    *out = NULL;
    if (!name)
        return CM_OK;
    char *folded = cm_name_fold(name);
    char *loose = folded ? loosen(folded) : NULL;
    cm_status st = folded && loose ? CM_OK : CM_ERR_NOMEM;

    if (st == CM_OK && *folded) {
        *out = best_match(gaz, gaz->keys, folded, bbox_deg);
        if (!*out)
            *out = best_match(gaz, gaz->loose, loose, bbox_deg);
    }
    free(folded);
    free(loose);
    return st;
}

/* Levenshtein distance, with the rows capped: names are short. */
static size_t
edit_distance(const char *a, const char *b)
{
    enum { MAX = 64 };
    size_t la = strlen(a), lb = strlen(b), row[MAX + 1];
    if (la > MAX || lb > MAX)
        return MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

typedef struct candidate {
    size_t distance;
    long rank;
    const char *shown;
    size_t place;
} candidate;

static int
compare_candidates(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    if (a->rank != b->rank)
        return a->rank > b->rank ? -1 : 1;
    return strcmp(a->shown, b->shown);
}

size_t
cm_gazetteer_suggest(const cm_gazetteer *gaz, const char *name, const char **names,
                     size_t max)
{
    char *folded = name ? cm_name_fold(name) : NULL;
    candidate *c = folded ? malloc((gaz->n_keys + 1) * sizeof(*c)) : NULL;
    size_t n = 0, len = folded ? strlen(folded) : 0;
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;

    for (size_t i = 0; c && i < gaz->n_keys; i++) {
        size_t d = edit_distance(folded, gaz->keys[i].folded);
        if (d <= limit && d < len)
            c[n++] = (candidate){ d, gaz->places[gaz->keys[i].place]->rank,
                                  gaz->keys[i].shown, gaz->keys[i].place };
    }
    if (c)
        qsort(c, n, sizeof(*c), compare_candidates);
    /* One suggestion per place, in the spelling closest to what was typed:
     * "Goranboy" and its alias "Geranboy" are one place, not two choices. */
    size_t out = 0;
    for (size_t i = 0; i < n && out < max; i++) {
        int seen = 0;
        for (size_t k = 0; k < i; k++)
            seen |= c[k].place == c[i].place || strcmp(c[k].shown, c[i].shown) == 0;
        if (!seen)
            names[out++] = c[i].shown;
    }
    free(c);
    free(folded);
    return out;
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

char *
cm_name_key(const char *name)
{
    char *folded = name ? cm_name_fold(name) : NULL;
    char *key = folded ? loosen(folded) : NULL;
    free(folded);
    return key;
}

/* Folded names that are equal are equal once loosened too, so the loose key
 * alone decides. */
int
cm_name_same(const char *a, const char *b)
{
    char *ka = cm_name_key(a), *kb = cm_name_key(b);
    int same = ka && kb && *ka && strcmp(ka, kb) == 0;
    free(ka);
    free(kb);
    return same;
}
