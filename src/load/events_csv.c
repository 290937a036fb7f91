/* Events from a spreadsheet: a CSV file's header row names the keys, each row
 * becomes the object the JSON form would hold and goes through the same event
 * parsers (events.c), and the rest of the file comes from a settings file. */
#include "load/events_load.h"
#include "conflictmap/limits.h"
#include "common/csv.h"
#include "common/jsonpos.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A spreadsheet's columns are the JSON form's keys; the control change is two
 * columns, and a few other words a desk types are taken too. */
enum { COL_SKIP = -1, COL_EXTRA = -2, COL_FROM = -3, COL_TO = -4 };

static const struct {
    const char *column, *key;
} csv_aliases[] = {
    { "longitude", "lon" }, { "lng", "lon" }, { "latitude", "lat" },
    { "from", "control_from" }, { "to", "control_to" },
};

typedef struct csv_column {
    int key;             /* index into the event keys, or a COL_* value */
    char *name;          /* the key an unknown column keeps, as the header has it */
} csv_column;

/* "Time (GMT)", "time_utc": the column's times without a zone are GMT. Cuts
 * the zone off @name (folded) and returns the UTC_* bit, or 0. */
static unsigned
csv_utc_suffix(char *name)
{
    static const char *const suffixes[] = { "_(gmt)", "_(utc)", "_gmt", "_utc" };
    size_t len = strlen(name);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t n = strlen(suffixes[i]);
        if (len <= n || strcmp(name + len - n, suffixes[i]) != 0)
            continue;
        if (len - n == 4 && !strncmp(name, "time", 4))
            return name[4] = '\0', UTC_TIME;
        if (len - n == 3 && !strncmp(name, "end", 3))
            return name[3] = '\0', UTC_END;
    }
    return 0;
}

/* Which key the header cell @cell names; *utc gets its UTC_* bit. */
static int
csv_column_key(const cm_csv_cell *cell, unsigned *utc)
{
    char name[64];
    cm_csv_fold_name(cell->text, cell->len, name, sizeof(name));
    *utc = csv_utc_suffix(name);
    for (size_t i = 0; i < sizeof(csv_aliases) / sizeof(csv_aliases[0]); i++)
        if (strcmp(name, csv_aliases[i].column) == 0)
            snprintf(name, sizeof(name), "%s", csv_aliases[i].key);
    if (!name[0])
        return COL_SKIP;
    if (strcmp(name, "control_from") == 0)
        return COL_FROM;
    if (strcmp(name, "control_to") == 0)
        return COL_TO;
    for (size_t k = 0; k < cm_event_n_keys(); k++)
        if (strcmp(name, cm_event_key_name(k)) == 0)
            return (int)k;
    return COL_EXTRA;
}

static int
same_column(const csv_column *a, const csv_column *b)
{
    if (a->key == COL_EXTRA || b->key == COL_EXTRA)
        return a->key == b->key && strcmp(a->name, b->name) == 0;
    return a->key == b->key && a->key != COL_SKIP;
}

static int
has_column(const csv_column *cols, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (cols[i].key >= 0 && strcmp(cm_event_key_name(cols[i].key), key) == 0)
            return 1;
    return 0;
}

/* The header row: what each column is. Returns 0 when it cannot serve. */
static int
csv_header(loader *ld, const cm_csv *csv, csv_column *cols, size_t n)
{
    cm_status before = ld->st;
    ld->st = CM_OK;
    for (size_t i = 0; i < n; i++) {
        const cm_csv_cell *cell = cm_csv_cell_at(csv, 0, i);
        unsigned utc = 0;
        cols[i].key = csv_column_key(cell, &utc);
        ld->utc_keys |= utc;
        if (cols[i].key == COL_EXTRA && !(cols[i].name = strndup(cell->text, cell->len))) {
            cols[i].key = COL_SKIP;
            fail(ld, CM_ERR_NOMEM);
            break;
        }
        if (cols[i].key == COL_EXTRA)
            cm_events_warn_event_key(ld, cols[i].name, cell->pos);
        if (cols[i].key >= 0 && strcmp(cm_event_key_name(cols[i].key), "control") == 0)
            error_at(ld, cell->pos, "a CSV gives a control change in two columns, "
                     "control_from and control_to, holding side codes; rename this one");
        for (size_t j = 0; j < i; j++)
            if (same_column(&cols[j], &cols[i]))
                error_at(ld, cell->pos, "column \"%.*s\" is there twice (columns %zu and "
                         "%zu); keep one", (int)cell->len, cell->text, j + 1, i + 1);
    }
    cm_pos top = cm_csv_row_pos(csv, 0);
    if (!has_column(cols, n, "time"))
        error_at(ld, top, "the header row has no \"time\" column; the first row should "
                 "name the columns, such as time,place,kind,headline");
    if (!has_column(cols, n, "place") &&
        !(has_column(cols, n, "lon") && has_column(cols, n, "lat")))
        error_at(ld, top, "the header row has no \"place\" column, nor \"lon\" and \"lat\"; "
                 "every event needs a location");
    int ok = ld->st == CM_OK;
    if (before != CM_OK && ld->st != CM_ERR_NOMEM)
        ld->st = before;
    return ok;
}

/* A decimal comma, as European spreadsheets write numbers: 46,95 is 46.95. */
static json_t *
csv_number(const char *text, size_t len, int integer)
{
    char buf[64], *end = NULL;
    if (len == 0 || len >= sizeof(buf))
        return NULL;
    memcpy(buf, text, len);
    buf[len] = '\0';
    char *comma = strchr(buf, ',');
    if (comma && !strchr(buf, '.') && !strchr(comma + 1, ','))
        *comma = '.';
    if (integer) {
        long long v = strtoll(buf, &end, 10);
        return *end ? NULL : json_integer(v);
    }
    double d = strtod(buf, &end);
    return *end || !isfinite(d) ? NULL : json_real(d);
}

/* A cell as the JSON value the key's parser expects: numbers where the JSON
 * form has numbers, text everywhere else (and where a number does not parse,
 * so that the parser says what is wrong). */
static json_t *
csv_value(int key, const cm_csv_cell *cell)
{
    json_t *v = NULL;
    if (key >= 0) {
        const char *k = cm_event_key_name(key);
        if (!strcmp(k, "lon") || !strcmp(k, "lat"))
            v = csv_number(cell->text, cell->len, 0);
        else if (!strcmp(k, "precision"))
            v = csv_number(cell->text, cell->len, 1);
    }
    return v ? v : json_stringn(cell->text, cell->len);
}

/* Adds @v at @cell's position to @obj under @key; takes @v. */
static int
csv_set(loader *ld, cm_jsonpos *table, json_t *obj, const char *key, json_t *v,
        const cm_csv_cell *cell)
{
    if (!v || cm_jsonpos_add(table, v, cell->pos.line, cell->pos.col) != CM_OK ||
        json_object_set_new(obj, key, v) != 0) {
        fail(ld, CM_ERR_NOMEM);
        return 0;
    }
    return 1;
}

static const char *
csv_key_name(const csv_column *col)
{
    switch (col->key) {
    case COL_EXTRA: return col->name;
    case COL_FROM: return "from";
    case COL_TO: return "to";
    default: return cm_event_key_name(col->key);
    }
}

/* One cell into the row's object; the control columns go into "control". */
static int
csv_cell(loader *ld, cm_jsonpos *table, json_t *obj, const csv_column *col,
         const cm_csv_cell *cell)
{
    json_t *target = obj;
    if (col->key == COL_FROM || col->key == COL_TO) {
        target = json_object_get(obj, "control");
        if (!target) {
            target = json_object();
            if (!csv_set(ld, table, obj, "control", target, cell))
                return 0;
        }
    }
    return csv_set(ld, table, target, csv_key_name(col), csv_value(col->key, cell), cell);
}

/* Cells past the header's columns, or under a column without a name, would be
 * lost: say so at the first one. */
static void
csv_stray_cell(loader *ld, const cm_csv_cell *cell, size_t n_cols)
{
    error_at(ld, cell->pos, "this cell is not under a named column (the header row names "
             "%zu); name its column in the header row, or clear the cell", n_cols);
}

/* A row as the object the JSON form would have, then the same event parsers. */
static void
csv_row(loader *ld, const cm_csv *csv, size_t r, const csv_column *cols, size_t n_cols,
        cm_jsonpos *table, cm_event *e)
{
    json_t *obj = json_object();
    cm_pos at = cm_csv_row_pos(csv, r);
    int ok = obj && cm_jsonpos_add(table, obj, at.line, at.col) == CM_OK;
    int stray = 0;
    for (size_t i = 0; ok && i < cm_csv_n_cells(csv, r); i++) {
        const cm_csv_cell *cell = cm_csv_cell_at(csv, r, i);
        if (cell->len == 0)
            continue;   /* an empty cell is a key left out */
        if (i >= n_cols || cols[i].key == COL_SKIP) {
            if (!stray++)
                csv_stray_cell(ld, cell, n_cols);
            continue;
        }
        ok = csv_cell(ld, table, obj, &cols[i], cell);
    }
    if (!ok)
        fail(ld, CM_ERR_NOMEM);
    else {
        cm_jsonpos_sort(table);
        ld->pos = table;
        cm_event_parse(ld, e, obj, 0);
        ld->pos = NULL;
    }
    cm_jsonpos_clear(table);
    json_decref(obj);
}

static void
csv_rows(loader *ld, const cm_csv *csv, const csv_column *cols, size_t n_cols)
{
    size_t n = cm_csv_n_rows(csv) - 1, max = cm_limits_get()->max_events;
    cm_pos top = cm_csv_row_pos(csv, 0);
    if (n == 0 || n > max) {
        if (n == 0)
            error_at(ld, top, "the file has no events; add at least one row under the "
                     "header row");
        else
            error_at(ld, top, "the file holds %zu events, more than %zu, the limit "
                     "(--max-events changes it); split the file", n, max);
        return;
    }
    cm_jsonpos *table = NULL;
    if (cm_jsonpos_create(&table, ld->ev->path) != CM_OK ||
        !(ld->ev->events = calloc(n, sizeof(cm_event)))) {
        cm_jsonpos_destroy(table);
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    ld->ev->n_events = n;
    for (size_t i = 0; i < n && (ld->st == CM_OK || ld->st == CM_ERR_INPUT); i++) {
        ld->ev->events[i].index = i;
        csv_row(ld, csv, i + 1, cols, n_cols, table, &ld->ev->events[i]);
    }
    cm_jsonpos_destroy(table);
}

static void
parse_csv(loader *ld, const cm_csv *csv)
{
    if (cm_csv_n_rows(csv) == 0) {
        error_at(ld, (cm_pos){ ld->file, 1, 1 }, "the file is empty; a CSV events file "
                 "starts with a header row naming the columns, such as "
                 "time,place,kind,headline");
        return;
    }
    size_t n_cols = cm_csv_n_cells(csv, 0);
    csv_column *cols = calloc(n_cols, sizeof(*cols));
    if (!cols) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    if (csv_header(ld, csv, cols, n_cols))
        csv_rows(ld, csv, cols, n_cols);
    for (size_t i = 0; i < n_cols; i++)
        free(cols[i].name);
    free(cols);
}

/* "events.csv" takes its title, sides and map from "events.settings.json"
 * beside it, when there is one. */
static cm_status
settings_path(const char *csv_path, char **out)
{
    size_t len = strlen(csv_path) - 4;
    *out = malloc(len + sizeof(".settings.json"));
    if (!*out)
        return CM_ERR_NOMEM;
    memcpy(*out, csv_path, len);
    memcpy(*out + len, ".settings.json", sizeof(".settings.json"));
    return CM_OK;
}

static void
load_settings(loader *ld)
{
    if (ld->settings ? !(ld->ev->settings_path = strdup(ld->settings))
                     : settings_path(ld->ev->path, &ld->ev->settings_path) != CM_OK) {
        fail(ld, CM_ERR_NOMEM);
        return;
    }
    if (ld->settings && access(ld->settings, F_OK) != 0) {
        cm_pos none = { NULL, 0, 0 };
        cm_diag_error(ld->diags, &none, "cannot read the settings file \"%s\" (--settings): %s",
                      ld->settings, strerror(errno));
        fail(ld, CM_ERR_INPUT);
        return;
    }
    if (access(ld->ev->settings_path, F_OK) != 0)
        return;   /* the name stays, for hints to say where sides would go */
    ld->file = ld->ev->settings_path;
    ld->is_settings = 1;
    cm_events_parse_json(ld);
    ld->is_settings = 0;
    ld->file = ld->ev->path;
}

void
cm_events_load_csv(loader *ld)
{
    cm_csv *csv = NULL;
    ld->is_csv = 1;
    load_settings(ld);
    if (ld->st != CM_OK && ld->st != CM_ERR_INPUT)
        return;
    if (!ld->ev->extra_json && !(ld->ev->extra_json = keep(ld, "{}")))
        return;
    cm_status st = cm_csv_load(&csv, ld->ev->path, ld->diags);
    if (st != CM_OK) {
        fail(ld, st);
        return;
    }
    parse_csv(ld, csv);
    cm_csv_destroy(csv);
}
