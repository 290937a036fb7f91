/* Diagnostics list: collects every problem with its position so that validate
 * can print them all, sorted. Formatting for people lives here too; deciding
 * what to do about them is the caller's job. */
#include "conflictmap/diag.h"
#include "common/grow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *file;          /* owned, may be NULL */
    int line, col;
    cm_severity sev;
    char *message;       /* owned */
    char *text;          /* owned: the formatted line */
    size_t seq;          /* order of arrival, for a stable sort */
} entry;

struct cm_diag_list {
    entry *items;
    size_t n, cap;
};

cm_diag_list *
cm_diag_list_create(void)
{
    return calloc(1, sizeof(cm_diag_list));
}

void
cm_diag_list_destroy(cm_diag_list *diags)
{
    if (!diags)
        return;
    for (size_t i = 0; i < diags->n; i++) {
        free(diags->items[i].file);
        free(diags->items[i].message);
        free(diags->items[i].text);
    }
    free(diags->items);
    free(diags);
}

static char *
vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *
format_text(const entry *e)
{
    const char *warn = e->sev == CM_SEV_WARNING ? "warning: " : "";
    size_t len = strlen(e->message) + (e->file ? strlen(e->file) : 0) + 64;
    char *s = malloc(len);

    if (!s)
        return NULL;
    if (e->file && e->line > 0)
        snprintf(s, len, "%s:%d:%d: %s%s", e->file, e->line, e->col > 0 ? e->col : 1,
                 warn, e->message);
    else if (e->file)
        snprintf(s, len, "%s: %s%s", e->file, warn, e->message);
    else
        snprintf(s, len, "%s%s", warn, e->message);
    return s;
}

static void
add(cm_diag_list *diags, cm_severity sev, const cm_pos *pos, const char *fmt, va_list ap)
{
    if (!diags)
        return;
    if (!CM_GROW(diags->items, diags->n, diags->cap))
        return;
    entry e = { 0 };
    e.sev = sev;
    e.seq = diags->n;
    if (pos) {
        e.line = pos->line;
        e.col = pos->col;
        e.file = pos->file ? strdup(pos->file) : NULL;
    }
    e.message = vformat(fmt, ap);
    if (e.message)
        e.text = format_text(&e);
    if (!e.message || !e.text || (pos && pos->file && !e.file)) {
        free(e.file);
        free(e.message);
        free(e.text);
        return;
    }
    diags->items[diags->n++] = e;
}

void
cm_diag_error(cm_diag_list *diags, const cm_pos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(diags, CM_SEV_ERROR, pos, fmt, ap);
    va_end(ap);
}

void
cm_diag_verror(cm_diag_list *diags, const cm_pos *pos, const char *fmt, va_list ap)
{
    add(diags, CM_SEV_ERROR, pos, fmt, ap);
}

void
cm_diag_warning(cm_diag_list *diags, const cm_pos *pos, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add(diags, CM_SEV_WARNING, pos, fmt, ap);
    va_end(ap);
}

size_t
cm_diag_count(const cm_diag_list *diags)
{
    return diags ? diags->n : 0;
}

size_t
cm_diag_error_count(const cm_diag_list *diags)
{
    size_t n = 0;
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        n += diags->items[i].sev == CM_SEV_ERROR;
    return n;
}

static int
compare_entries(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
cm_diag_sort(cm_diag_list *diags)
{
    if (diags && diags->n > 1)
        qsort(diags->items, diags->n, sizeof(entry), compare_entries);
}

const char *
cm_diag_text(const cm_diag_list *diags, size_t i)
{
    return i < cm_diag_count(diags) ? diags->items[i].text : "";
}

const char *
cm_diag_message(const cm_diag_list *diags, size_t i)
{
    return i < cm_diag_count(diags) ? diags->items[i].message : "";
}

cm_severity
cm_diag_severity(const cm_diag_list *diags, size_t i)
{
    return i < cm_diag_count(diags) ? diags->items[i].sev : CM_SEV_ERROR;
}

cm_pos
cm_diag_pos(const cm_diag_list *diags, size_t i)
{
    cm_pos p = { NULL, 0, 0 };
    if (i < cm_diag_count(diags)) {
        p.file = diags->items[i].file;
        p.line = diags->items[i].line;
        p.col = diags->items[i].col;
    }
    return p;
}

const char *
cm_status_text(cm_status st)
{
    switch (st) {
    case CM_OK: return "done";
    case CM_ERR_INPUT: return "invalid input";
    case CM_ERR_IO: return "input/output failure";
    case CM_ERR_NOMEM: return "out of memory";
    case CM_ERR_INTERNAL: return "internal error in conflictmap";
    }
    return "unknown status";
}
