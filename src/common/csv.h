/* Reading CSV as spreadsheets export it (RFC 4180 quoting, comma, semicolon or
 * tab separated, CRLF or LF, a byte-order mark): rows of cells, each with the
 * line and column where it starts. What the columns mean is left to the
 * events and ACLED modules. For other src/ files only. */
#ifndef CM_SRC_CSV_H
#define CM_SRC_CSV_H

#include <stddef.h>
#include "conflictmap/diag.h"

typedef struct cm_csv cm_csv;

/* One cell: its text unquoted ("" inside quotes is one "), without the spaces
 * around an unquoted cell; and where it starts (its opening quote, or its first
 * character other than a space). */
typedef struct cm_csv_cell {
    const char *text;
    size_t len;
    cm_pos pos;
} cm_csv_cell;

/* Reads @path (size limit, byte-order mark and UTF-8 checks as cm_input does)
 * and splits it into rows. Row 0 is the header. Rows whose cells are all empty
 * are left out. The separator is the one of , ; and tab that the header row
 * uses most (comma on a tie). Cells longer than the --max-string limit and
 * quotes left open are errors at the cell. @path is copied.
 * On success *out is the caller's (cm_csv_destroy); on failure NULL.
 * Returns CM_OK, CM_ERR_INPUT, CM_ERR_IO or CM_ERR_NOMEM. */
cm_status cm_csv_load(cm_csv **out, const char *path, cm_diag_list *diags);
/* The same for @text (@len bytes, no byte-order mark) said to come from @path. */
cm_status cm_csv_parse(cm_csv **out, const char *path, const char *text, size_t len,
                       cm_diag_list *diags);
void      cm_csv_destroy(cm_csv *csv);   /* NULL is fine */

/* The file name positions point at; borrowed, lives as long as @csv. */
const char *cm_csv_path(const cm_csv *csv);
char        cm_csv_separator(const cm_csv *csv);
/* Rows, the header included; cells of row @row (a row may have fewer cells
 * than the header, or more). */
size_t             cm_csv_n_rows(const cm_csv *csv);
size_t             cm_csv_n_cells(const cm_csv *csv, size_t row);
/* The cell, or NULL past the row's end. Borrowed. */
const cm_csv_cell *cm_csv_cell_at(const cm_csv *csv, size_t row, size_t col);
/* Where row @row starts (column 1 of its first line). */
cm_pos             cm_csv_row_pos(const cm_csv *csv, size_t row);

/* The header's column called @name, compared as a desk might type it: case,
 * spaces around it, and spaces or hyphens for underscores do not matter
 * ("Claimed by" is claimed_by). Returns its index, or -1. */
long cm_csv_column(const cm_csv *csv, const char *name);
/* @name in that folded form, written to @buf (@size bytes, truncated). */
void cm_csv_fold_name(const char *name, size_t len, char *buf, size_t size);

#endif
