/* CSV as spreadsheets export it: one pass over the text keeps the line and
 * column of every cell, so that the events and ACLED modules can point a
 * journalist at the cell that is wrong. Meanings of columns are theirs. */
#include "common/csv.h"
#include "conflictmap/limits.h"
#include "common/grow.h"
#include "common/input.h"

#include <stdlib.h>
#include <string.h>

typedef struct row {
    cm_pos pos;
    size_t first, n;   /* cells[first .. first + n) */
} row;

struct cm_csv {
    char *path;
    char sep;
    char *buf;         /* every cell's text, NUL-terminated, one after another */
    cm_csv_cell *cells;
    size_t n_cells, cap_cells;
    row *rows;
    size_t n_rows, cap_rows;
};

typedef struct scanner {
    const char *p, *end;
    int line, col;
    char *out;         /* where the next cell's text goes in buf */
    cm_csv *csv;
    cm_diag_list *diags;
} scanner;

static void
advance(scanner *s)
{
    char c = *s->p++;
    /* A CR alone ends a line as old Mac spreadsheets write it; in CRLF the LF does. */
    if (c == '\n' || (c == '\r' && (s->p == s->end || *s->p != '\n'))) {
        s->line++;
        s->col = 1;
    } else if (((unsigned char)c & 0xC0) != 0x80) {
        s->col++;
    }
}

static cm_pos
here(const scanner *s)
{
    return (cm_pos){ s->csv->path, s->line, s->col };
}

static int
at_line_end(const scanner *s)
{
    return s->p == s->end || *s->p == '\n' || *s->p == '\r';
}

static void
skip_blanks(scanner *s)
{
    while (s->p < s->end && (*s->p == ' ' || (*s->p == '\t' && s->csv->sep != '\t')))
        advance(s);
}

/* The separator the header row uses most, quotes respected. */
static char
detect_separator(const char *text, size_t len)
{
    size_t n_comma = 0, n_semi = 0, n_tab = 0;
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            n_comma += c == ',', n_semi += c == ';', n_tab += c == '\t';
    }
    if (n_semi > n_comma && n_semi >= n_tab)
        return ';';
    return n_tab > n_comma ? '\t' : ',';
}

static cm_status
push_cell(scanner *s, const char *text, size_t len, cm_pos pos)
{
    cm_csv *c = s->csv;
    size_t max = cm_limits_get()->max_string_bytes;
    if (len > max) {
        cm_diag_error(s->diags, &pos, "this cell is %zu bytes long, more than %zu, the limit "
                      "(--max-string changes it); shorten it", len, max);
        return CM_ERR_INPUT;
    }
    if (!CM_GROW(c->cells, c->n_cells, c->cap_cells))
        return CM_ERR_NOMEM;
    c->cells[c->n_cells++] = (cm_csv_cell){ text, len, pos };
    return CM_OK;
}

/* A cell in quotes: "" is one quote, separators and line breaks are text. */
static cm_status
scan_quoted(scanner *s)
{
    cm_pos start = here(s);
    char *text = s->out;
    advance(s);
    for (;;) {
        if (s->p == s->end) {
            cm_diag_error(s->diags, &start, "this cell opens a quote (\") that is never "
                          "closed; add the closing quote, and double any quote inside "
                          "the cell (\"\")");
            return CM_ERR_INPUT;
        }
        if (*s->p == '"' && (s->p + 1 == s->end || s->p[1] != '"'))
            break;
        if (*s->p == '"')
            advance(s);
        /* A line break inside a cell is one \n, however the file ends its lines. */
        if (*s->p == '\r' && s->p + 1 < s->end && s->p[1] == '\n')
            advance(s);
        *s->out++ = *s->p == '\r' ? '\n' : *s->p;
        advance(s);
    }
    advance(s);   /* the closing quote */
    size_t len = (size_t)(s->out - text);
    *s->out++ = '\0';
    skip_blanks(s);
    if (!at_line_end(s) && *s->p != s->csv->sep) {
        cm_pos pos = here(s);
        cm_diag_error(s->diags, &pos, "text after the closing quote of a cell; put the "
                      "whole cell in quotes and double any quote inside it (\"\")");
        return CM_ERR_INPUT;
    }
    return push_cell(s, text, len, start);
}

static cm_status
scan_plain(scanner *s)
{
    cm_pos start = here(s);
    char *text = s->out;
    while (!at_line_end(s) && *s->p != s->csv->sep) {
        *s->out++ = *s->p;
        advance(s);
    }
    while (s->out > text && (s->out[-1] == ' ' || (s->out[-1] == '\t' && s->csv->sep != '\t')))
        s->out--;
    size_t len = (size_t)(s->out - text);
    *s->out++ = '\0';
    return push_cell(s, text, len, start);
}

static int
row_is_blank(const cm_csv *c, size_t first)
{
    for (size_t i = first; i < c->n_cells; i++)
        if (c->cells[i].len)
            return 0;
    return 1;
}

static cm_status
end_row(scanner *s, cm_pos pos, size_t first)
{
    cm_csv *c = s->csv;
    if (row_is_blank(c, first)) {
        c->n_cells = first;
        return CM_OK;
    }
    if (!CM_GROW(c->rows, c->n_rows, c->cap_rows))
        return CM_ERR_NOMEM;
    c->rows[c->n_rows++] = (row){ pos, first, c->n_cells - first };
    return CM_OK;
}

static cm_status
scan_row(scanner *s)
{
    cm_pos pos = { s->csv->path, s->line, 1 };
    size_t first = s->csv->n_cells;
    for (;;) {
        skip_blanks(s);
        cm_status st = s->p < s->end && *s->p == '"' ? scan_quoted(s) : scan_plain(s);
        if (st != CM_OK)
            return st;
        if (s->p == s->end || *s->p != s->csv->sep)
            break;
        advance(s);
    }
    if (s->p < s->end && *s->p == '\r')
        advance(s);
    if (s->p < s->end && *s->p == '\n')
        advance(s);
    return end_row(s, pos, first);
}

cm_status
cm_csv_parse(cm_csv **out, const char *path, const char *text, size_t len,
             cm_diag_list *diags)
{
    *out = NULL;
    cm_csv *c = calloc(1, sizeof(*c));
    if (!c || !(c->path = strdup(path)) || !(c->buf = malloc(2 * len + 2))) {
        cm_csv_destroy(c);
        return CM_ERR_NOMEM;
    }
    c->sep = detect_separator(text, len);
    scanner s = { text, text + len, 1, 1, c->buf, c, diags };
    cm_status st = CM_OK;
    while (st == CM_OK && s.p < s.end)
        st = scan_row(&s);
    if (st != CM_OK) {
        cm_csv_destroy(c);
        return st;
    }
    *out = c;
    return CM_OK;
}

cm_status
cm_csv_load(cm_csv **out, const char *path, cm_diag_list *diags)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    cm_status st = cm_input_read_text(path, cm_limits_get()->max_file_bytes, &text, &len,
                                      diags);
    if (st == CM_OK)
        st = cm_csv_parse(out, path, text, len, diags);
    free(text);
    return st;
}

void
cm_csv_destroy(cm_csv *csv)
{
    if (!csv)
        return;
    free(csv->path);
    free(csv->buf);
    free(csv->cells);
    free(csv->rows);
    free(csv);
}

const char *cm_csv_path(const cm_csv *csv) { return csv->path; }
char cm_csv_separator(const cm_csv *csv) { return csv->sep; }
size_t cm_csv_n_rows(const cm_csv *csv) { return csv->n_rows; }

size_t
cm_csv_n_cells(const cm_csv *csv, size_t row)
{
    return row < csv->n_rows ? csv->rows[row].n : 0;
}

const cm_csv_cell *
cm_csv_cell_at(const cm_csv *csv, size_t row, size_t col)
{
    if (row >= csv->n_rows || col >= csv->rows[row].n)
        return NULL;
    return &csv->cells[csv->rows[row].first + col];
}

cm_pos
cm_csv_row_pos(const cm_csv *csv, size_t row)
{
    return row < csv->n_rows ? csv->rows[row].pos : (cm_pos){ csv->path, 0, 0 };
}

void
cm_csv_fold_name(const char *name, size_t len, char *buf, size_t size)
{
    size_t n = 0;
    while (len && (*name == ' ' || *name == '\t'))
        name++, len--;
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < len && n + 1 < size; i++) {
        char ch = name[i];
        if (ch == ' ' || ch == '-')
            ch = '_';
        else if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        buf[n++] = ch;
    }
    if (size)
        buf[n] = '\0';
}

long
cm_csv_column(const cm_csv *csv, const char *name)
{
    char want[128], got[128];
    cm_csv_fold_name(name, strlen(name), want, sizeof(want));
    for (size_t i = 0; i < cm_csv_n_cells(csv, 0); i++) {
        const cm_csv_cell *cell = cm_csv_cell_at(csv, 0, i);
        cm_csv_fold_name(cell->text, cell->len, got, sizeof(got));
        if (strcmp(want, got) == 0)
            return (long)i;
    }
    return -1;
}
