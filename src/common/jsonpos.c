/* Positions of JSON values: a scanner walks the text and the jansson tree
 * together and records (value, line, col) pairs, sorted by address for lookup.
 * Jansson has already accepted the text, so the scanner trusts its syntax;
 * the split at the end does not, and checks every separator it follows. */
#include "common/jsonpos.h"
#include "common/grow.h"
#include "common/input.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    const json_t *value;
    int line, col, key_line, key_col;
} entry;

struct cm_jsonpos {
    const char *file;
    entry *items;
    size_t n, cap;
};

typedef struct scanner {
    const char *p;
    int line, col;
    cm_jsonpos *table;
    int failed;   /* a cm_status once something went wrong */
} scanner;

static void
advance(scanner *s)
{
    if (*s->p == '\n') {
        s->line++;
        s->col = 1;
    } else if (((unsigned char)*s->p & 0xC0) != 0x80) {
        s->col++;
    }
    s->p++;
}

static void
skip_space(scanner *s)
{
    while (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')
        advance(s);
}

static void
skip_string(scanner *s)
{
    advance(s);   /* the opening quote */
    while (*s->p && *s->p != '"') {
        if (*s->p == '\\' && s->p[1])
            advance(s);
        advance(s);
    }
    if (*s->p)
        advance(s);
}

static void
skip_scalar(scanner *s)
{
    while (*s->p && !strchr(",]} \t\r\n", *s->p))
        advance(s);
}

/* Keeps the first failure: once the scan stops early (out of memory), the
 * brackets it never reached must not turn that into a text/tree mismatch. */
static void
stop(scanner *s, cm_status st)
{
    if (!s->failed)
        s->failed = st;
}

static void
record(scanner *s, const json_t *v, int line, int col, int key_line, int key_col)
{
    cm_jsonpos *t = s->table;
    if (json_is_true(v) || json_is_false(v) || json_is_null(v))
        return;
    if (!CM_GROW(t->items, t->n, t->cap)) {
        stop(s, CM_ERR_NOMEM);
        return;
    }
    t->items[t->n++] = (entry){ v, line, col, key_line, key_col };
}

static void scan_value(scanner *s, json_t *v, int key_line, int key_col);

static void
scan_object(scanner *s, json_t *obj)
{
    advance(s);   /* { */
    for (void *it = json_object_iter(obj); it && !s->failed;
         it = json_object_iter_next(obj, it)) {
        skip_space(s);
        if (*s->p != '"') {
            stop(s, CM_ERR_INTERNAL);
            return;
        }
        int key_line = s->line, key_col = s->col;
        skip_string(s);
        skip_space(s);
        if (*s->p == ':')
            advance(s);
        scan_value(s, json_object_iter_value(it), key_line, key_col);
        skip_space(s);
        if (*s->p == ',')
            advance(s);
    }
    skip_space(s);
    if (*s->p == '}')
        advance(s);
    else
        stop(s, CM_ERR_INTERNAL);
}

static void
scan_array(scanner *s, json_t *arr)
{
    advance(s);   /* [ */
    for (size_t i = 0; i < json_array_size(arr) && !s->failed; i++) {
        scan_value(s, json_array_get(arr, i), 0, 0);
        skip_space(s);
        if (*s->p == ',')
            advance(s);
    }
    skip_space(s);
    if (*s->p == ']')
        advance(s);
    else
        stop(s, CM_ERR_INTERNAL);
}

/* Recursion is bounded by cm_jsonpos_check_limits() (--max-depth) and by
 * jansson's own nesting limit, which refused the text before we got here. */
static void
scan_value(scanner *s, json_t *v, int key_line, int key_col)
{
    skip_space(s);
    record(s, v, s->line, s->col, key_line, key_col);
    if (json_is_object(v) && *s->p == '{')
        scan_object(s, v);
    else if (json_is_array(v) && *s->p == '[')
        scan_array(s, v);
    else if (json_is_string(v) && *s->p == '"')
        skip_string(s);
    else if (!json_is_object(v) && !json_is_array(v) && !json_is_string(v))
        skip_scalar(s);
    else
        stop(s, CM_ERR_INTERNAL);
}

static int
compare_entries(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const entry *)a)->value;
    uintptr_t y = (uintptr_t)((const entry *)b)->value;
    return x < y ? -1 : x > y;
}

cm_status
cm_jsonpos_build(cm_jsonpos **out, const char *file, const char *text, json_t *root)
{
    cm_status st = cm_jsonpos_create(out, file);
    if (st == CM_OK)
        st = cm_jsonpos_rescan(*out, text, root, 1, 1);
    if (st != CM_OK) {
        cm_jsonpos_destroy(*out);
        *out = NULL;
    }
    return st;
}

cm_status
cm_jsonpos_rescan(cm_jsonpos *table, const char *text, json_t *root, int line, int col)
{
    scanner s = { text, line, col, table, 0 };
    table->n = 0;
    scan_value(&s, root, 0, 0);
    if (s.failed) {
        table->n = 0;
        return (cm_status)s.failed;
    }
    qsort(table->items, table->n, sizeof(entry), compare_entries);
    return CM_OK;
}

void
cm_jsonpos_destroy(cm_jsonpos *table)
{
    if (!table)
        return;
    free(table->items);
    free(table);
}

cm_status
cm_jsonpos_create(cm_jsonpos **out, const char *file)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return CM_ERR_NOMEM;
    (*out)->file = file;
    return CM_OK;
}

cm_status
cm_jsonpos_add(cm_jsonpos *table, const json_t *value, int line, int col)
{
    scanner s = { "", 1, 1, table, 0 };
    record(&s, value, line, col, 0, 0);
    return (cm_status)s.failed;
}

void
cm_jsonpos_sort(cm_jsonpos *table)
{
    qsort(table->items, table->n, sizeof(entry), compare_entries);
}

void
cm_jsonpos_clear(cm_jsonpos *table)
{
    table->n = 0;
}

static const entry *
find(const cm_jsonpos *t, const json_t *v)
{
    if (!t || !v)
        return NULL;
    entry k = { v, 0, 0, 0, 0 };
    return bsearch(&k, t->items, t->n, sizeof(entry), compare_entries);
}

cm_pos
cm_jsonpos_of(const cm_jsonpos *table, const json_t *value, cm_pos fallback)
{
    const entry *e = find(table, value);
    if (!e)
        return fallback;
    return (cm_pos){ table->file, e->line, e->col };
}

cm_pos
cm_jsonpos_key(const cm_jsonpos *table, const json_t *value, cm_pos fallback)
{
    const entry *e = find(table, value);
    if (!e || e->key_line == 0)
        return fallback;
    return (cm_pos){ table->file, e->key_line, e->key_col };
}

/* ---- limits, before jansson sees the text ---------------------------------- */

/* Length in bytes of the string whose opening quote is at text[i], escapes
 * counted as written; stops at the end of the text when it is unterminated. */
static size_t
string_end(const char *text, size_t len, size_t i)
{
    size_t j = i + 1;
    while (j < len && text[j] != '"')
        j += text[j] == '\\' ? 2 : 1;
    return j < len ? j : len;
}

cm_status
cm_jsonpos_check_limits(const char *file, const char *kind, const char *text, size_t len,
                        size_t max_depth, size_t max_string_bytes, cm_diag_list *diags)
{
    size_t depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"') {
            size_t end = string_end(text, len, i);
            if (end - i - 1 > max_string_bytes) {
                cm_pos pos = cm_input_pos(file, text, i);
                cm_diag_error(diags, &pos, "this text is %zu bytes long, more than %zu, "
                              "the limit (--max-string changes it); shorten it",
                              end - i - 1, max_string_bytes);
                return CM_ERR_INPUT;
            }
            i = end;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                cm_pos pos = cm_input_pos(file, text, i);
                cm_diag_error(diags, &pos, "the JSON is nested more than %zu levels deep "
                              "here, the limit (--max-depth changes it); %s needs only a few",
                              max_depth, kind);
                return CM_ERR_INPUT;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return CM_OK;
}

/* ---- splitting the long list off, before jansson sees the text ------------- */

/* The split follows the top level's members and the list's separators itself,
 * with the scanner above (so that an item's line and column are counted as
 * its positions will be), skips over values by their brackets and quotes, and
 * gives up, leaving the text to be parsed whole, at anything unexpected. The
 * text ends at its NUL: a NUL inside is an end the rest's parse refuses. */

static int at_end(const scanner *s) { return *s->p == '\0'; }

/* Past the string whose opening quote is at s->p; 0 when the text ends in it
 * (or right after it: in a split text a string is always followed by more). */
static int
skip_string_ok(scanner *s)
{
    skip_string(s);
    return !at_end(s);
}

/* Past one value: a string, an object or list by its brackets, or a bare word
 * (number, true, false, null). 0 when there is none or it does not end. */
static int
skip_value(scanner *s)
{
    if (at_end(s))
        return 0;
    if (*s->p == '"')
        return skip_string_ok(s);
    if (*s->p == '{' || *s->p == '[') {
        size_t depth = 0;
        do {
            if (*s->p == '"') {
                if (!skip_string_ok(s))
                    return 0;
                continue;
            }
            if (*s->p == '{' || *s->p == '[')
                depth++;
            else if (*s->p == '}' || *s->p == ']')
                depth--;
            advance(s);
        } while (depth > 0 && !at_end(s));
        return depth == 0;
    }
    const char *start = s->p;
    while (!at_end(s) && !strchr(",:]}[{\" \t\r\n", *s->p))
        advance(s);
    return s->p > start;
}

static int
is_key(const char *name, size_t len, const char *const *keys, size_t n_keys, size_t *which)
{
    for (size_t k = 0; k < n_keys; k++)
        if (strlen(keys[k]) == len && memcmp(name, keys[k], len) == 0) {
            *which = k;
            return 1;
        }
    return 0;
}

/* The list's items, from just after its '[' to its ']', with their offsets in
 * @text. *ok is 0 when a separator is not one comma between items, or the
 * list is empty (the whole parse then says what is wrong). */
static cm_status
scan_items(scanner *s, const char *text, cm_json_split *out, int *ok)
{
    size_t cap = 0;
    *ok = 0;
    skip_space(s);
    if (at_end(s) || *s->p == ']')
        return CM_OK;
    for (;;) {
        if (!CM_GROW(out->items, out->n_items, cap))
            return CM_ERR_NOMEM;
        cm_json_item item = { (size_t)(s->p - text), 0, s->line, s->col };
        if (!skip_value(s))
            return CM_OK;
        item.len = (size_t)(s->p - text) - item.offset;
        out->items[out->n_items++] = item;
        skip_space(s);
        if (at_end(s) || (*s->p != ',' && *s->p != ']'))
            return CM_OK;
        if (*s->p == ']')
            break;
        advance(s);
        skip_space(s);
        if (at_end(s) || *s->p == ']')
            return CM_OK;   /* a comma after the last item */
    }
    *ok = 1;
    return CM_OK;
}

/* The text with the characters between the list's brackets (@open and @close,
 * offsets of '[' and ']') each turned into one blank, line breaks kept, so
 * that what follows on the closing line keeps its column. */
static cm_status
blank_items(const char *text, size_t len, size_t open, size_t close, cm_json_split *out)
{
    char *top = malloc(len + 1), *w = top;
    if (!top)
        return CM_ERR_NOMEM;
    memcpy(w, text, open + 1);
    w += open + 1;
    for (size_t i = open + 1; i < close; i++)
        if (text[i] == '\n')
            *w++ = '\n';
        else if (((unsigned char)text[i] & 0xC0) != 0x80)
            *w++ = ' ';
    memcpy(w, text + close, len - close);
    w += len - close;
    *w = '\0';
    out->top = top;
    out->top_len = (size_t)(w - top);
    return CM_OK;
}

/* Follows the top level's members. *list is the offset of the one list to
 * split, *n_found how many members had one of the keys. 0: not plain. */
static cm_status
scan_top(scanner *s, const char *text, const char *const *keys, size_t n_keys,
         cm_json_split *out, size_t *open, size_t *close, int *ok)
{
    size_t n_found = 0;
    *ok = 0;
    skip_space(s);
    if (at_end(s) || *s->p != '{')
        return CM_OK;
    advance(s);
    skip_space(s);
    if (!at_end(s) && *s->p == '}')
        return CM_OK;   /* {}: nothing to split */
    for (;;) {
        size_t which = 0;
        skip_space(s);
        if (at_end(s) || *s->p != '"')
            return CM_OK;
        const char *name = s->p + 1;
        if (!skip_string_ok(s))
            return CM_OK;
        size_t name_len = (size_t)(s->p - 1 - name);
        if (memchr(name, '\\', name_len))
            return CM_OK;   /* an escaped key could spell one of ours */
        skip_space(s);
        if (at_end(s) || *s->p != ':')
            return CM_OK;
        advance(s);
        skip_space(s);
        if (is_key(name, name_len, keys, n_keys, &which)) {
            if (n_found++ || at_end(s) || *s->p != '[')
                return CM_OK;
            out->key = keys[which];
            *open = (size_t)(s->p - text);
            advance(s);
            int items_ok;
            cm_status st = scan_items(s, text, out, &items_ok);
            if (st != CM_OK || !items_ok)
                return st;
            *close = (size_t)(s->p - text);
            advance(s);
        } else if (!skip_value(s)) {
            return CM_OK;
        }
        skip_space(s);
        if (at_end(s) || (*s->p != ',' && *s->p != '}'))
            return CM_OK;
        if (*s->p == '}')
            break;
        advance(s);
    }
    advance(s);
    skip_space(s);
    *ok = at_end(s) && n_found == 1;
    return CM_OK;
}

cm_status
cm_jsonpos_split(const char *text, size_t len, const char *const *keys, size_t n_keys,
                   cm_json_split *out)
{
    scanner s = { text, 1, 1, NULL, 0 };
    size_t open = 0, close = 0;
    int ok;
    *out = (cm_json_split){ 0 };
    cm_status st = scan_top(&s, text, keys, n_keys, out, &open, &close, &ok);
    if (st == CM_OK && ok)
        st = blank_items(text, len, open, close, out);
    if (st != CM_OK || !ok) {
        cm_jsonpos_split_free(out);
        *out = (cm_json_split){ 0 };
    }
    return st;
}

void
cm_jsonpos_split_free(cm_json_split *split)
{
    free(split->top);
    free(split->items);
    *split = (cm_json_split){ 0 };
}
