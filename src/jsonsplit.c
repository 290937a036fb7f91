/* The split is a scan of the text that trusts nothing: it follows the top
 * level's members and the list's separators itself, skips over values by
 * their brackets and quotes, and gives up (leaving the text to be parsed
 * whole) at anything unexpected. Items and the rest are checked by jansson
 * afterwards, each on its own. */
#include "jsonsplit.h"

#include <stdlib.h>
#include <string.h>

typedef struct scanner {
    const char *p, *end;
    int line, col;            /* of *p, counted as jsonpos counts them */
} scanner;

static int at_end(const scanner *s) { return s->p >= s->end; }

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
    while (!at_end(s) && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        advance(s);
}

/* Past the string whose opening quote is at s->p; 0 when it does not end. */
static int
skip_string(scanner *s)
{
    advance(s);
    while (!at_end(s) && *s->p != '"') {
        if (*s->p == '\\') {
            advance(s);
            if (at_end(s))
                return 0;
        }
        advance(s);
    }
    if (at_end(s))
        return 0;
    advance(s);
    return 1;
}

/* Past one value: a string, an object or list by its brackets, or a bare word
 * (number, true, false, null). 0 when there is none or it does not end. */
static int
skip_value(scanner *s)
{
    if (at_end(s))
        return 0;
    if (*s->p == '"')
        return skip_string(s);
    if (*s->p == '{' || *s->p == '[') {
        size_t depth = 0;
        do {
            if (*s->p == '"') {
                if (!skip_string(s))
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
        if (out->n_items == cap) {
            size_t c = cap ? cap * 2 : 1024;
            cm_json_item *items = realloc(out->items, c * sizeof(*items));
            if (!items)
                return CM_ERR_NOMEM;
            out->items = items;
            cap = c;
        }
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
        if (!skip_string(s))
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
cm_json_split_list(const char *text, size_t len, const char *const *keys, size_t n_keys,
                   cm_json_split *out)
{
    scanner s = { text, text + len, 1, 1 };
    size_t open = 0, close = 0;
    int ok;
    *out = (cm_json_split){ 0 };
    cm_status st = scan_top(&s, text, keys, n_keys, out, &open, &close, &ok);
    if (st == CM_OK && ok)
        st = blank_items(text, len, open, close, out);
    if (st != CM_OK || !ok) {
        cm_json_split_free(out);
        *out = (cm_json_split){ 0 };
    }
    return st;
}

void
cm_json_split_free(cm_json_split *split)
{
    free(split->top);
    free(split->items);
    *split = (cm_json_split){ 0 };
}
