/* The CSV reader: cells, their positions, quoting, separators and line ends as
 * spreadsheets write them, and the exact message for what cannot be read. */
#include "check.h"
#include "common/csv.h"
#include "conflictmap/limits.h"

#include <stdlib.h>
#include <unistd.h>

static cm_csv *
parse(const char *text, cm_diag_list *diags)
{
    cm_csv *csv = NULL;
    cm_status st = cm_csv_parse(&csv, "t.csv", text, strlen(text), diags);
    CHECK_INT(st, diags ? st : CM_OK);
    return csv;
}

static const char *
cell(const cm_csv *csv, size_t row, size_t col)
{
    const cm_csv_cell *c = cm_csv_cell_at(csv, row, col);
    return c ? c->text : "(none)";
}

static void
test_quotes_and_positions(void)
{
    const char text[] =
        "time,headline,place\r\n"
        "2020-10-09T15:15:00Z,\"Shelling, \"\"heavy\"\"\r\nin the town\",Hadrut\r\n"
        "  2020-10-09T16:00:00Z , plain ,\"\"\r\n";
    cm_csv *csv = parse(text, NULL);
    if (!csv)
        return;
    CHECK_INT(cm_csv_separator(csv), ',');
    CHECK_INT(cm_csv_n_rows(csv), 3);
    CHECK_INT(cm_csv_n_cells(csv, 1), 3);
    CHECK_STR(cell(csv, 1, 1), "Shelling, \"heavy\"\nin the town");
    CHECK_INT(cm_csv_cell_at(csv, 1, 1)->len, strlen("Shelling, \"heavy\"\nin the town"));
    CHECK_INT(cm_csv_cell_at(csv, 1, 1)->pos.line, 2);
    CHECK_INT(cm_csv_cell_at(csv, 1, 1)->pos.col, 22);
    /* The cell after the line break inside quotes is on the next line. */
    CHECK_STR(cell(csv, 1, 2), "Hadrut");
    CHECK_INT(cm_csv_cell_at(csv, 1, 2)->pos.line, 3);
    CHECK_INT(cm_csv_cell_at(csv, 1, 2)->pos.col, 14);
    /* Spaces around an unquoted cell are not its text; it starts at its first letter. */
    CHECK_STR(cell(csv, 2, 0), "2020-10-09T16:00:00Z");
    CHECK_INT(cm_csv_cell_at(csv, 2, 0)->pos.line, 4);
    CHECK_INT(cm_csv_cell_at(csv, 2, 0)->pos.col, 3);
    CHECK_STR(cell(csv, 2, 1), "plain");
    CHECK_STR(cell(csv, 2, 2), "");
    CHECK_INT(cm_csv_row_pos(csv, 2).line, 4);
    CHECK(cm_csv_cell_at(csv, 2, 3) == NULL);
    cm_csv_destroy(csv);
}

/* European Excel: semicolons, decimal commas left as text, blank rows at the end. */
static void
test_semicolons_and_blank_rows(void)
{
    cm_csv *csv = parse("Time;Claimed by;Lon\n2020-10-09T15:15:00Z;AZ;46,95\n;;\n\n  \n", NULL);
    if (!csv)
        return;
    CHECK_INT(cm_csv_separator(csv), ';');
    CHECK_INT(cm_csv_n_rows(csv), 2);
    CHECK_STR(cell(csv, 1, 2), "46,95");
    CHECK_INT(cm_csv_column(csv, "claimed_by"), 1);
    CHECK_INT(cm_csv_column(csv, "TIME"), 0);
    CHECK_INT(cm_csv_column(csv, "place"), -1);
    cm_csv_destroy(csv);

    csv = parse("a\tb\tc\n1\t\"x\ty\"\t3\n", NULL);
    if (csv) {
        CHECK_INT(cm_csv_separator(csv), '\t');
        CHECK_STR(cell(csv, 1, 1), "x\ty");
        CHECK_INT(cm_csv_cell_at(csv, 1, 2)->pos.col, 9);
    }
    cm_csv_destroy(csv);

    /* A header whose commas are inside quotes does not vote. */
    csv = parse("\"a,b,c\";d\n1;2\n", NULL);
    if (csv)
        CHECK_INT(cm_csv_separator(csv), ';');
    cm_csv_destroy(csv);
}

/* A lone CR ends a line (old Mac exports); a file without a final line end
 * keeps its last row. */
static void
test_line_ends(void)
{
    cm_csv *csv = parse("a,b\r1,2\r3,\"x\r\ny\"", NULL);
    if (!csv)
        return;
    CHECK_INT(cm_csv_n_rows(csv), 3);
    CHECK_STR(cell(csv, 2, 1), "x\ny");
    CHECK_INT(cm_csv_cell_at(csv, 2, 1)->pos.line, 3);
    CHECK_INT(cm_csv_cell_at(csv, 2, 1)->pos.col, 3);
    cm_csv_destroy(csv);
}

static void
expect_error(const char *text, const char *message)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_csv *csv = NULL;
    CHECK_INT(cm_csv_parse(&csv, "t.csv", text, strlen(text), diags), CM_ERR_INPUT);
    CHECK(csv == NULL);
    CHECK_INT(cm_diag_count(diags), 1);
    if (cm_diag_count(diags) >= 1)
        CHECK_STR(cm_diag_text(diags, 0), message);
    cm_diag_list_destroy(diags);
}

static void
test_errors(void)
{
    expect_error("a,b\n1,\"open\n2,3\n",
                 "t.csv:2:3: this cell opens a quote (\") that is never closed; add the "
                 "closing quote, and double any quote inside the cell (\"\")");
    expect_error("a,b\n\xc3\xa9,\"x\" y\n",
                 "t.csv:2:7: text after the closing quote of a cell; put the whole cell in "
                 "quotes and double any quote inside it (\"\")");
    cm_limits lim = { 0 };
    lim.max_string_bytes = 4;
    cm_limits_set(&lim);
    expect_error("a,b\n1,12345\n", "t.csv:2:3: this cell is 5 bytes long, more than 4, the "
                 "limit (--max-string changes it); shorten it");
    cm_limits_set(&(cm_limits){ 0 });
}

/* From a file: the byte-order mark is not part of the first column's name. */
static void
test_load_bom(void)
{
    char path[] = "bom-XXXXXX";
    int fd = mkstemp(path);
    const char text[] = "\xEF\xBB\xBFtime,place\n2020-10-09T15:15:00Z,Hadrut\n";
    if (fd < 0 || write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1)) {
        CHECK(0);
        return;
    }
    close(fd);
    cm_csv *csv = NULL;
    CHECK_INT(cm_csv_load(&csv, path, NULL), CM_OK);
    if (csv) {
        CHECK_INT(cm_csv_column(csv, "time"), 0);
        CHECK_INT(cm_csv_cell_at(csv, 0, 0)->pos.col, 1);
        CHECK_STR(cm_csv_path(csv), path);
    }
    cm_csv_destroy(csv);
    unlink(path);
    CHECK_INT(cm_csv_load(&csv, "no-such.csv", NULL), CM_ERR_IO);
}

int
main(void)
{
    test_quotes_and_positions();
    test_semicolons_and_blank_rows();
    test_line_ends();
    test_errors();
    test_load_bom();
    return check_result("test_csv");
}
