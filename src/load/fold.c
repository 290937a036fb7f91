/* Place-name folding: case, diacritics, punctuation and the Azerbaijani
 * letters (utf8proc, with an ASCII shortcut), and the looser key that
 * transliterations share. Which place a name means is the gazetteer's job. */
#include "conflictmap/gazetteer.h"
#include "load/fold.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

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

/* Printable ASCII with nothing utf8proc would change but case: most names in a
 * GeoNames dump, folded here without the library (the same result, checked by
 * test_gazetteer), which makes loading a dump twice as fast. */
static int
is_plain_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E)
            return 0;
    return 1;
}

static char *
fold_ascii(const char *name)
{
    char *s = malloc(strlen(name) + 1), *w = s;
    if (!s)
        return NULL;
    for (const char *r = name; *r; r++) {
        int c = fold_letter((unsigned char)*r, NULL);
        if (c != 0x00AD)
            *w++ = (char)tolower(c);
    }
    *w = '\0';
    return s;
}

static char *
fold_unicode(const char *name)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom(
        (const utf8proc_uint8_t *)name, 0, &mapped,
        UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
            UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE,
        fold_letter, NULL);
    return n < 0 ? NULL : (char *)mapped;
}

char *
cm_name_fold(const char *name)
{
    char *s = is_plain_ascii(name) ? fold_ascii(name) : fold_unicode(name);
    if (!s)
        return NULL;
    /* Squeeze runs of space into one and trim both ends. */
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
 * Shusha/Şuşa, Jabrayil/Cəbrayıl, Qaraçinar/Garachinar), and doubled letters.
 * Written to @out, which has room for @folded; returns the length. */
size_t
cm_name_loosen_into(const char *folded, char *out)
{
    static const struct { const char *from, *to; } pairs[] = {
        { "dzh", "c" }, { "kh", "x" }, { "sh", "s" }, { "ch", "c" }, { "zh", "j" },
        { "gh", "g" }, { "ou", "u" }, { "j", "c" }, { "q", "g" }, { "w", "v" }, { "y", "i" },
    };
    size_t len = strlen(folded), w = 0;

    for (size_t r = 0; r < len;) {
        size_t k = 0, np = sizeof(pairs) / sizeof(pairs[0]);
        if (!strchr("dkscgzojqwy", folded[r]))
            k = np;   /* no pair starts with this letter */
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
    return w;
}

char *
cm_name_loosen(const char *folded)
{
    char *out = malloc(strlen(folded) + 1);
    if (out)
        cm_name_loosen_into(folded, out);
    return out;
}

char *
cm_name_key(const char *name)
{
    char *folded = name ? cm_name_fold(name) : NULL;
    char *key = folded ? cm_name_loosen(folded) : NULL;
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
