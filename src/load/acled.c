/* ACLED's CSV export turned into an events file. Reading the CSV is csv.c's
 * job and checking the result events.c's (the output is loaded like any events
 * file); this module only maps ACLED's columns and words onto ours. */
#include "conflictmap/acled.h"
#include "conflictmap/limits.h"
#include "conflictmap/timestamp.h"
#include "common/csv.h"
#include "common/outfile.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_SIDES = 64 };

enum column {
    C_ID, C_DATE, C_TYPE, C_SUB, C_ACTOR1, C_ACTOR2, C_LOCATION, C_LAT, C_LON, C_PREC,
    C_NOTES, C_SOURCE, C_FATAL, N_COLUMNS
};

static const struct {
    const char *name;
    int required;
} columns[N_COLUMNS] = {
    { "event_id_cnty", 0 }, { "event_date", 1 }, { "event_type", 1 },
    { "sub_event_type", 0 }, { "actor1", 0 }, { "actor2", 0 }, { "location", 0 },
    { "latitude", 1 }, { "longitude", 1 }, { "geo_precision", 0 }, { "notes", 0 },
    { "source", 0 }, { "fatalities", 0 },
};

typedef struct conv {
    const cm_csv *csv;
    long col[N_COLUMNS];
    cm_diag_list *diags;
    cm_status st;          /* the first problem met */
    json_t *events;
    json_t *sides;         /* code -> {"name": ...} */
    json_t *codes;         /* actor as ACLED writes it -> side code */
    json_t *ids;           /* event_id_cnty -> line of its first use */
    cm_time first, last;
} conv;

static void
fail(conv *c, cm_status st)
{
    if (c->st == CM_OK)
        c->st = st;
}

static void error_at(conv *c, cm_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
error_at(conv *c, cm_pos pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cm_diag_verror(c->diags, &pos, fmt, ap);
    va_end(ap);
    fail(c, CM_ERR_INPUT);
}

/* Takes @v; a NULL @v is an allocation that failed. */
static void
put(conv *c, json_t *obj, const char *key, json_t *v)
{
    if (!v || json_object_set_new(obj, key, v) != 0)
        fail(c, CM_ERR_NOMEM);
}

static const cm_csv_cell *
cell(const conv *c, size_t row, enum column k)
{
    return c->col[k] < 0 ? NULL : cm_csv_cell_at(c->csv, row, (size_t)c->col[k]);
}

static const char *
text(const conv *c, size_t row, enum column k)
{
    const cm_csv_cell *cl = cell(c, row, k);
    return cl ? cl->text : "";
}

static cm_pos
pos(const conv *c, size_t row, enum column k)
{
    const cm_csv_cell *cl = cell(c, row, k);
    return cl ? cl->pos : cm_csv_row_pos(c->csv, row);
}

/* ---- dates: "09 October 2020", "9-Oct-2020" or "2020-10-09" ------------------------- */

static int
month_number(const char *word, size_t len)
{
    static const char *const months[12] = {
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december"
    };
    for (int m = 0; len >= 3 && m < 12; m++)
        if (len <= strlen(months[m]) && strncasecmp(word, months[m], len) == 0)
            return m + 1;
    return 0;
}

static int
day_month_year(const char *s, int *y, int *m, int *d)
{
    char *p = NULL;
    long day = strtol(s, &p, 10);
    if (p == s || (*p != ' ' && *p != '-'))
        return 0;
    const char *word = ++p;
    while (isalpha((unsigned char)*p))
        p++;
    *m = month_number(word, (size_t)(p - word));
    if (!*m || (*p != ' ' && *p != '-'))
        return 0;
    const char *year = ++p;
    long yr = strtol(year, &p, 10);
    if (*p || p - year != 4)
        return 0;
    *d = (int)day;
    *y = (int)yr;
    return day >= 1 && day <= 31;
}

/* The day's start in GMT: ACLED dates events by the day only. */
static int
parse_date(const char *s, cm_time *out)
{
    int y = 0, m = 0, d = 0;
    char tail, iso[40];
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 && !day_month_year(s, &y, &m, &d))
        return 0;
    snprintf(iso, sizeof(iso), "%04d-%02d-%02dT00:00:00Z", y, m, d);
    return cm_time_parse(iso, out) == NULL;
}

/* ---- kinds --------------------------------------------------------------------------- */

static int
is_territory(const char *sub)
{
    return !strcasecmp(sub, "Government regains territory") ||
           !strcasecmp(sub, "Non-state actor overtakes territory") ||
           !strcasecmp(sub, "Non-violent transfer of territory");
}

static const char *
kind_of(const char *type, const char *sub, long fatalities)
{
    if (is_territory(sub))
        return "control";
    if (!strcasecmp(type, "Battles"))
        return "clash";
    if (!strcasecmp(type, "Explosions/Remote violence"))
        return strncasecmp(sub, "Shelling", 8) == 0 ? "shelling" : "strike";
    if (!strcasecmp(type, "Violence against civilians"))
        return fatalities > 0 ? "casualties" : "other";
    if (!strcasecmp(type, "Protests") || !strcasecmp(type, "Riots"))
        return "protest";
    if (!strcasecmp(type, "Strategic developments") &&
        (!strcasecmp(sub, "Agreement") || !strcasecmp(sub, "Change to group/activity")))
        return "statement";
    return "other";
}

/* ---- sides from actors ---------------------------------------------------------------- */

/* "Military Forces of Azerbaijan (2003-)" is named without its years. */
static void
side_name(const char *actor, char *buf, size_t size)
{
    size_t len = strlen(actor);
    const char *open = strrchr(actor, '(');
    if (open && open > actor && open[-1] == ' ' && actor[len - 1] == ')' &&
        strpbrk(open, "0123456789"))
        len = (size_t)(open - actor - 1);
    snprintf(buf, size, "%.*s", (int)len, actor);
}

static int
is_small_word(const char *w, size_t len)
{
    static const char *const small[] = { "of", "the", "and", "for", "in", "de", "du", "la" };
    for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++)
        if (len == strlen(small[i]) && strncasecmp(w, small[i], len) == 0)
            return 1;
    return 0;
}

/* The initials of the name's words (small words left out) and the first three
 * letters of its last word: "Military Forces of Azerbaijan" is MFAZE. */
static void
side_code(const char *name, char *buf, size_t size)
{
    size_t n = 0;
    const char *last = NULL, *p = name;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        while (isalnum((unsigned char)*p))
            p++;
        if (p == w)
            break;
        if (is_small_word(w, (size_t)(p - w)))
            continue;
        if (last && n + 1 < size)
            buf[n++] = (char)toupper((unsigned char)*last);
        last = w;
    }
    for (int i = 0; last && i < 3 && isalnum((unsigned char)last[i]) && n + 1 < size; i++)
        buf[n++] = (char)toupper((unsigned char)last[i]);
    if (n == 0 && size > 1)
        buf[n++] = 'S';   /* a name of no ASCII letters at all */
    buf[n] = '\0';
}

/* The side code for @actor, making the side the first time. Borrowed. */
static const char *
side_for(conv *c, const char *actor, cm_pos at)
{
    json_t *known = json_object_get(c->codes, actor);
    if (known)
        return json_string_value(known);
    if (json_object_size(c->sides) >= MAX_SIDES) {
        error_at(c, at, "more than %d actors take or lose territory; an events file holds "
                 "at most %d sides, so split the export", MAX_SIDES, MAX_SIDES);
        return NULL;
    }
    char name[256], base[16], code[32];
    side_name(actor, name, sizeof(name));
    side_code(name, base, sizeof(base));
    snprintf(code, sizeof(code), "%s", base);
    for (int i = 2; json_object_get(c->sides, code); i++)
        snprintf(code, sizeof(code), "%s%d", base, i);
    json_t *side = json_pack("{s:s}", "name", name);
    put(c, c->sides, code, side);
    put(c, c->codes, actor, json_string(code));
    known = json_object_get(c->codes, actor);
    return known ? json_string_value(known) : NULL;
}

/* ACLED's territory sub-types all say actor1 took the place; from actor2 when
 * there is one. */
static void
add_control(conv *c, json_t *ev, size_t row)
{
    const char *to = text(c, row, C_ACTOR1), *from = text(c, row, C_ACTOR2);
    if (!to[0])
        return;   /* reported by row_values_parse */
    json_t *control = json_object();
    const char *to_code = side_for(c, to, pos(c, row, C_ACTOR1));
    const char *from_code = from[0] ? side_for(c, from, pos(c, row, C_ACTOR2)) : NULL;
    if (control && to_code)
        put(c, control, "to", json_string(to_code));
    if (control && from_code)
        put(c, control, "from", json_string(from_code));
    put(c, ev, "control", control);
}

/* ---- one row ---------------------------------------------------------------------------- */

static int
number_cell(conv *c, size_t row, enum column k, double lo, double hi, const char *what,
            double *out)
{
    const char *s = text(c, row, k);
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno || !isfinite(v) || v < lo || v > hi) {
        error_at(c, pos(c, row, k), "%s \"%s\" should be %s", columns[k].name, s, what);
        return 0;
    }
    *out = v;
    return 1;
}

static void
check_id(conv *c, const char *id, size_t row)
{
    cm_pos at = pos(c, row, C_ID);
    json_t *line = json_object_get(c->ids, id);
    if (line)
        error_at(c, at, "event_id_cnty \"%s\" is used twice; the first is on line %d; "
                 "remove the repeated row", id, (int)json_integer_value(line));
    else
        put(c, c->ids, id, json_integer(at.line));
}

/* "Armed clash in Hadrut", and the notes with the fatalities ACLED counts. */
static void
add_words(conv *c, json_t *ev, size_t row, const char *fatalities)
{
    const char *sub = text(c, row, C_SUB), *type = text(c, row, C_TYPE);
    const char *where = text(c, row, C_LOCATION), *notes = text(c, row, C_NOTES);
    const char *what = sub[0] ? sub : type;
    size_t head_len = strlen(what) + strlen(where) + 8;
    size_t body_len = strlen(notes) + strlen(fatalities) + 64;
    char *headline = malloc(head_len), *body = malloc(body_len);
    if (!headline || !body) {
        fail(c, CM_ERR_NOMEM);
        free(headline);
        free(body);
        return;
    }
    snprintf(headline, head_len, where[0] ? "%s in %s" : "%s", what, where);
    if (fatalities[0])
        snprintf(body, body_len, "%s%sFatalities recorded by ACLED: %s.", notes,
                 notes[0] ? " " : "", fatalities);
    else
        snprintf(body, body_len, "%s", notes);
    put(c, ev, "headline", json_string(headline));
    if (body[0])
        put(c, ev, "text", json_string(body));
    free(headline);
    free(body);
}

/* Copies the ACLED cells kept under their own names, for the manifest. */
static void
add_acled_keys(conv *c, json_t *ev, size_t row)
{
    static const enum column kept[] = { C_TYPE, C_SUB, C_ACTOR1, C_ACTOR2 };
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
        if (text(c, row, kept[i])[0])
            put(c, ev, columns[kept[i]].name, json_string(text(c, row, kept[i])));
}

/* The cells that must parse: date, coordinates, precision, fatalities. */
typedef struct row_values {
    cm_time time;
    double lon, lat;
    long precision, fatalities;   /* 0 and -1 when not given */
} row_values;

static int
whole_number_cell(conv *c, size_t row, enum column k, long lo, long hi, const char *what,
                  long *out)
{
    const char *s = text(c, row, k);
    char *end = NULL;
    if (!s[0])
        return 1;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi) {
        error_at(c, pos(c, row, k), "%s \"%s\" should be %s", columns[k].name, s, what);
        return 0;
    }
    *out = v;
    return 1;
}

static int
row_values_parse(conv *c, size_t row, row_values *v)
{
    int ok = 1;
    v->precision = 0;
    v->fatalities = -1;
    if (!parse_date(text(c, row, C_DATE), &v->time)) {
        error_at(c, pos(c, row, C_DATE), "event_date \"%s\" is not a date such as "
                 "\"09 October 2020\" or \"2020-10-09\"", text(c, row, C_DATE));
        ok = 0;
    }
    ok &= number_cell(c, row, C_LAT, -90, 90, "a latitude in degrees, from -90 to 90",
                      &v->lat);
    ok &= number_cell(c, row, C_LON, -180, 180, "a longitude in degrees, from -180 to 180",
                      &v->lon);
    ok &= whole_number_cell(c, row, C_PREC, 1, 3, "1, 2 or 3, as ACLED codes it",
                            &v->precision);
    ok &= whole_number_cell(c, row, C_FATAL, 0, 1000000000, "a whole number from 0 up",
                            &v->fatalities);
    if (is_territory(text(c, row, C_SUB)) && !text(c, row, C_ACTOR1)[0]) {
        error_at(c, pos(c, row, C_ACTOR1), "a change of territory (\"%s\") needs actor1, "
                 "the side that takes the place", text(c, row, C_SUB));
        ok = 0;
    }
    return ok;
}

/* More cells than columns shifts every cell after the stray separator. */
static int
row_fits(conv *c, size_t row)
{
    size_t n = cm_csv_n_cells(c->csv, row), want = cm_csv_n_cells(c->csv, 0);
    if (n <= want)
        return 1;
    error_at(c, cm_csv_cell_at(c->csv, row, want)->pos, "this row has %zu cells, %zu more "
             "than the header row names; a cell with a comma in it, such as 39,52, needs "
             "quotes", n, n - want);
    return 0;
}

static void
add_row(conv *c, size_t row)
{
    row_values v;
    const char *id = text(c, row, C_ID);
    char iso[CM_TIME_BUF];
    if (!row_fits(c, row))
        return;
    if (id[0])
        check_id(c, id, row);
    if (!row_values_parse(c, row, &v))
        return;
    json_t *ev = json_object();
    if (!ev || json_array_append_new(c->events, ev) != 0) {
        fail(c, CM_ERR_NOMEM);
        return;
    }
    if (json_array_size(c->events) == 1 || v.time < c->first)
        c->first = v.time;
    if (json_array_size(c->events) == 1 || v.time > c->last)
        c->last = v.time;
    if (id[0])
        put(c, ev, "id", json_string(id));
    put(c, ev, "time", json_string(cm_time_format_iso(v.time, iso)));
    if (text(c, row, C_LOCATION)[0])
        put(c, ev, "place", json_string(text(c, row, C_LOCATION)));
    put(c, ev, "lon", json_real(v.lon));
    put(c, ev, "lat", json_real(v.lat));
    const char *kind = kind_of(text(c, row, C_TYPE), text(c, row, C_SUB), v.fatalities);
    put(c, ev, "kind", json_string(kind));
    if (strcmp(kind, "control") == 0)
        add_control(c, ev, row);
    if (v.precision)
        put(c, ev, "precision", json_integer(v.precision));
    add_words(c, ev, row, text(c, row, C_FATAL));
    if (text(c, row, C_SOURCE)[0])
        put(c, ev, "source", json_string(text(c, row, C_SOURCE)));
    if (v.fatalities >= 0)
        put(c, ev, "fatalities", json_integer(v.fatalities));
    add_acled_keys(c, ev, row);
}

/* ---- the file ------------------------------------------------------------------------------ */

static int
find_columns(conv *c)
{
    int ok = 1;
    for (int k = 0; k < N_COLUMNS; k++) {
        c->col[k] = cm_csv_column(c->csv, columns[k].name);
        if (c->col[k] < 0 && columns[k].required) {
            error_at(c, cm_csv_row_pos(c->csv, 0), "the file has no \"%s\" column; an ACLED "
                     "export names event_date, event_type, latitude and longitude in its "
                     "first row", columns[k].name);
            ok = 0;
        }
    }
    return ok;
}

/* "9 October 2020" or "9 October 2020 to 12 October 2020". */
static void
add_subtitle(conv *c, json_t *root)
{
    char a[CM_TIME_BUF], b[CM_TIME_BUF], line[2 * CM_TIME_BUF + 32];
    cm_time_format_human(c->first, a);
    cm_time_format_human(c->last, b);
    a[strcspn(a, ",")] = '\0';
    b[strcspn(b, ",")] = '\0';
    if (c->first == c->last)
        snprintf(line, sizeof(line), "%s", a);
    else
        snprintf(line, sizeof(line), "%s to %s", a, b);
    put(c, root, "subtitle", json_string(line));
}

static json_t *
make_root(conv *c)
{
    json_t *root = json_object();
    if (!root) {
        fail(c, CM_ERR_NOMEM);
        return NULL;
    }
    put(c, root, "title", json_string("Reported events (ACLED)"));
    add_subtitle(c, root);
    put(c, root, "source", json_string("ACLED, Armed Conflict Location & Event Data Project "
                                       "(acleddata.com)"));
    put(c, root, "time_note", json_string("ACLED dates events by the day: each time is "
                                          "00:00 GMT on the event's date"));
    if (json_object_size(c->sides))
        put(c, root, "sides", json_incref(c->sides));
    put(c, root, "events", json_incref(c->events));
    return root;
}

static void
convert_rows(conv *c)
{
    size_t n = cm_csv_n_rows(c->csv), max = cm_limits_get()->max_events;
    cm_pos top = cm_csv_row_pos(c->csv, 0);
    if (n < 2)
        error_at(c, n ? top : (cm_pos){ cm_csv_path(c->csv), 1, 1 }, "the file has no "
                 "events; an ACLED export has a header row and one row per event");
    else if (n - 1 > max)
        error_at(c, top, "the file holds %zu events, more than %zu, the limit "
                 "(--max-events changes it); split the file", n - 1, max);
    else if (find_columns(c))
        for (size_t r = 1; r < n && (c->st == CM_OK || c->st == CM_ERR_INPUT); r++)
            add_row(c, r);
}

cm_status
cm_acled_convert(const char *csv_path, char **json, cm_diag_list *diags)
{
    cm_csv *csv = NULL;
    *json = NULL;
    cm_status st = cm_csv_load(&csv, csv_path, diags);
    if (st != CM_OK)
        return st;
    conv c = { .csv = csv, .diags = diags };
    c.events = json_array();
    c.sides = json_object();
    c.codes = json_object();
    c.ids = json_object();
    if (!c.events || !c.sides || !c.codes || !c.ids)
        fail(&c, CM_ERR_NOMEM);
    else
        convert_rows(&c);
    json_t *root = c.st == CM_OK ? make_root(&c) : NULL;
    if (c.st == CM_OK) {
        *json = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        if (!*json)
            fail(&c, CM_ERR_NOMEM);
    }
    if (c.st != CM_OK) {
        free(*json);
        *json = NULL;
    }
    json_decref(root);
    json_decref(c.events);
    json_decref(c.sides);
    json_decref(c.codes);
    json_decref(c.ids);
    cm_csv_destroy(csv);
    return c.st;
}

cm_status
cm_acled_import(const char *csv_path, const char *out_path, cm_diag_list *diags)
{
    char *json = NULL;
    cm_outfile out;
    cm_status st = cm_acled_convert(csv_path, &json, diags);
    if (st != CM_OK)
        return st;
    st = cm_outfile_open(&out, out_path, diags);
    if (st == CM_OK) {
        cm_outfile_write(&out, json, strlen(json));
        cm_outfile_write(&out, "\n", 1);
        st = cm_outfile_commit(&out, diags);
    }
    free(json);
    return st;
}
