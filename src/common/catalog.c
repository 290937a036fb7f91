/* Reading a gettext .mo file (catalog.h): the header, the original and
 * translated string tables, each entry checked to lie inside the file and
 * end in NUL, and the Plural-Forms rule, evaluated by a small parser of its
 * C-like expression. */
#include "common/catalog.h"
#include "common/input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cm_langs[CM_N_LANGS] = { "en", "ar", "az", "es", "fr", "hy", "ru", "uk" };
const char cm_langs_words[] = "en, ar, az, es, fr, hy, ru or uk";

int
cm_lang_is_known(const char *lang)
{
    for (size_t i = 0; lang && i < CM_N_LANGS; i++)
        if (strcmp(lang, cm_langs[i]) == 0)
            return 1;
    return 0;
}

int
cm_lang_is_rtl(const char *lang)
{
    return lang && strcmp(lang, "ar") == 0;
}

typedef struct entry {
    const char *id;            /* the msgid, "CTX\004ID" in a context */
    const char *str;           /* its translation: the forms, NUL between */
    size_t str_len;            /* all the forms, NULs between them included */
} entry;

struct cm_catalog {
    char *data;                /* the file's bytes, the strings point into them */
    entry *entries;            /* sorted by id (strcmp) */
    size_t n;
    char plural[256];          /* the Plural-Forms rule's expression; "" for n != 1 */
    unsigned long n_plurals;
};

/* ---- the Plural-Forms expression ----------------------------------------------------------- */

/* A recursive-descent evaluator of the C subset plural rules are written in:
 * n, numbers, ( ), ! * / % + - < > <= >= == != && || ?:. */
typedef struct expr {
    const char *p;
    unsigned long n;
    int ok, depth;
} expr;

static unsigned long ternary(expr *e);

static void
skip_space(expr *e)
{
    while (*e->p == ' ' || *e->p == '\t' || *e->p == '\n')
        e->p++;
}

static int
eat(expr *e, const char *tok)
{
    skip_space(e);
    size_t len = strlen(tok);
    if (strncmp(e->p, tok, len) != 0)
        return 0;
    /* "<" is not the start of "<=", "!" not of "!=", "=" never alone */
    if (len == 1 && strchr("<>!", *tok) && e->p[1] == '=')
        return 0;
    e->p += len;
    return 1;
}

static unsigned long
primary(expr *e)
{
    skip_space(e);
    if (++e->depth > 64) {   /* "((((...": deep enough for any real rule */
        e->ok = 0;
        return 0;
    }
    unsigned long v = 0;
    if (eat(e, "!")) {
        v = !primary(e);
    } else if (eat(e, "(")) {
        v = ternary(e);
        if (!eat(e, ")"))
            e->ok = 0;
    } else if (*e->p == 'n') {
        e->p++;
        v = e->n;
    } else if (*e->p >= '0' && *e->p <= '9') {
        for (; *e->p >= '0' && *e->p <= '9'; e->p++)
            v = v < 100000000 ? v * 10 + (unsigned long)(*e->p - '0') : v;
    } else {
        e->ok = 0;
    }
    e->depth--;
    return v;
}

static unsigned long
product(expr *e)
{
    unsigned long v = primary(e);
    for (;;) {
        if (eat(e, "*")) {
            v *= primary(e);
        } else if (eat(e, "/") || eat(e, "%")) {
            char op = e->p[-1];
            unsigned long d = primary(e);
            v = d == 0 ? 0 : op == '/' ? v / d : v % d;
        } else {
            return v;
        }
    }
}

static unsigned long
sum(expr *e)
{
    unsigned long v = product(e);
    for (;;) {
        if (eat(e, "+"))
            v += product(e);
        else if (eat(e, "-"))
            v -= product(e);
        else
            return v;
    }
}

static unsigned long
comparison(expr *e)
{
    unsigned long v = sum(e);
    for (;;) {
        if (eat(e, "<="))
            v = v <= sum(e);
        else if (eat(e, ">="))
            v = v >= sum(e);
        else if (eat(e, "<"))
            v = v < sum(e);
        else if (eat(e, ">"))
            v = v > sum(e);
        else if (eat(e, "=="))
            v = v == sum(e);
        else if (eat(e, "!="))
            v = v != sum(e);
        else
            return v;
    }
}

static unsigned long
conjunction(expr *e)
{
    unsigned long v = comparison(e);
    while (eat(e, "&&")) {
        unsigned long w = comparison(e);
        v = v && w;
    }
    return v;
}

static unsigned long
disjunction(expr *e)
{
    unsigned long v = conjunction(e);
    while (eat(e, "||")) {
        unsigned long w = conjunction(e);
        v = v || w;
    }
    return v;
}

static unsigned long
ternary(expr *e)
{
    unsigned long c = disjunction(e);
    if (!eat(e, "?"))
        return c;
    unsigned long a = ternary(e);
    if (!eat(e, ":"))
        e->ok = 0;
    unsigned long b = ternary(e);
    return c ? a : b;
}

/* The form @rule picks for @n; 0 with *ok 0 when @rule does not parse. */
static unsigned long
plural_form(const char *rule, unsigned long n, int *ok)
{
    expr e = { rule, n, 1, 0 };
    unsigned long v = ternary(&e);
    skip_space(&e);
    if (*e.p != '\0' && *e.p != ';')
        e.ok = 0;
    *ok = e.ok;
    return e.ok ? v : 0;
}

/* "Plural-Forms: nplurals=3; plural=(n%10==1 ...);" in the header @h into @c. */
static int
read_plural_forms(cm_catalog *c, const char *h)
{
    const char *line = strstr(h, "Plural-Forms:");
    c->n_plurals = 2;
    c->plural[0] = '\0';
    if (!line)
        return 1;
    const char *np = strstr(line, "nplurals="), *pl = strstr(line, "plural=");
    while (pl && pl > line && pl[-1] == 'n')   /* "nplurals=" itself */
        pl = strstr(pl + 1, "plural=");
    if (!np || !pl)
        return 0;
    c->n_plurals = strtoul(np + 9, NULL, 10);
    pl += 7;
    size_t len = strcspn(pl, ";\n");
    if (c->n_plurals < 1 || c->n_plurals > 6 || len == 0 || len >= sizeof(c->plural))
        return 0;
    memcpy(c->plural, pl, len);
    c->plural[len] = '\0';
    for (unsigned long n = 0; n < 1000; n++) {   /* every form it picks is there */
        int ok;
        if (plural_form(c->plural, n, &ok) >= c->n_plurals || !ok)
            return 0;
    }
    return 1;
}

/* ---- the file ------------------------------------------------------------------------------ */

static uint32_t
word(const unsigned char *d, size_t at, int swap)
{
    uint32_t v;
    memcpy(&v, d + at, 4);
    return swap ? __builtin_bswap32(v) : v;
}

/* The string of table entry @i at @table into *s, *len; 0 when it lies outside
 * the @size bytes or does not end in NUL. */
static int
string_at(const unsigned char *d, size_t size, uint32_t table, uint32_t i, int swap,
          const char **s, size_t *len)
{
    uint64_t at = (uint64_t)table + 8u * i;
    if (at + 8 > size)
        return 0;
    uint64_t n = word(d, (size_t)at, swap), off = word(d, (size_t)at + 4, swap);
    if (off + n + 1 > size || d[off + n] != '\0')
        return 0;
    *s = (const char *)d + off;
    *len = (size_t)n;
    return 1;
}

/* The printf conversions of @s, in order ("ss", "zu d"), into @buf. */
static void
conversions(const char *s, size_t len, char *buf, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 2 < size; i++) {
        if (s[i] != '%')
            continue;
        if (s[i + 1] == '%') {
            i++;
            continue;
        }
        while (++i < len && strchr("0123456789.-+# hlzjt'", s[i]))
            if (strchr("hlzjt", s[i]))
                buf[k++] = s[i];
        if (i < len && k + 2 < size)
            buf[k++] = s[i];
        buf[k++] = ' ';
    }
    buf[k] = '\0';
}

/* 1 when every form of @e's translation takes the arguments its msgid (the
 * plural, "%zu other places", when there is one) takes, in that order, or
 * the first of them ("ومكانان آخران" says the 2 in words): an argument left
 * over is harmless to printf, one of another type or too many is not.
 * Positional arguments ("%1$s") are not taken. */
static int
same_conversions(const entry *e, size_t id_len)
{
    char want[64], got[64];
    const char *id = e->id, *plural = memchr(id, '\0', id_len);
    if (plural && (size_t)(plural - id) < id_len)
        id = plural + 1;
    conversions(id, strlen(id), want, sizeof(want));
    for (const char *f = e->str; f <= e->str + e->str_len; f += strlen(f) + 1) {
        conversions(f, strlen(f), got, sizeof(got));
        if (strncmp(want, got, strlen(got)) != 0)
            return 0;
    }
    return 1;
}

static int
by_id(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->id, ((const entry *)b)->id);
}

static cm_status
damaged(cm_catalog *c, const char *name, const char *why, cm_diag_list *diags)
{
    cm_diag_error(diags, NULL, "the catalogue \"%s\" is damaged (%s); build conflictmap "
                  "again to compile it from po/", name, why);
    cm_catalog_destroy(c);
    return CM_ERR_INPUT;
}

/* The string tables of @c->data (@size bytes) into @c->entries. */
static cm_status
read_tables(cm_catalog *c, size_t size, const char *name, cm_diag_list *diags)
{
    const unsigned char *d = (const unsigned char *)c->data;
    uint32_t magic = size >= 28 ? word(d, 0, 0) : 0;
    int swap = magic == 0xde120495u;
    if (magic != 0x950412deu && !swap)
        return damaged(c, name, "not a .mo file", diags);
    uint32_t n = word(d, 8, swap), orig = word(d, 12, swap), trans = word(d, 16, swap);
    if (word(d, 4, swap) >> 16 > 1 || n > size / 16)
        return damaged(c, name, "a bad header", diags);
    if (n && !(c->entries = calloc(n, sizeof(*c->entries))))
        return CM_ERR_NOMEM;
    for (uint32_t i = 0; i < n; i++) {
        entry *e = &c->entries[c->n];
        size_t id_len;
        if (!string_at(d, size, orig, i, swap, &e->id, &id_len) ||
            !string_at(d, size, trans, i, swap, &e->str, &e->str_len))
            return damaged(c, name, "a string runs outside the file", diags);
        if (*e->id == '\0' && !read_plural_forms(c, e->str))
            return damaged(c, name, "a bad Plural-Forms header", diags);
        if (*e->id != '\0' && same_conversions(e, id_len))
            c->n++;   /* else left out: the English is used */
    }
    qsort(c->entries, c->n, sizeof(*c->entries), by_id);
    return CM_OK;
}

cm_status
cm_catalog_parse(cm_catalog **out, const void *data, size_t size, const char *name,
                 cm_diag_list *diags)
{
    cm_catalog *c = calloc(1, sizeof(*c));
    *out = NULL;
    if (!c || !(c->data = malloc(size + 1))) {
        free(c);
        return CM_ERR_NOMEM;
    }
    memcpy(c->data, data, size);
    c->data[size] = '\0';
    c->n_plurals = 2;
    cm_status st = read_tables(c, size, name, diags);
    if (st == CM_OK)
        *out = c;
    else if (st == CM_ERR_NOMEM)
        cm_catalog_destroy(c);
    return st;
}

cm_status
cm_catalog_load(cm_catalog **out, const char *path, cm_diag_list *diags)
{
    char *data = NULL;
    size_t len = 0;
    *out = NULL;
    cm_status st = cm_input_read(path, 16u << 20, NULL, &data, &len, diags);
    if (st == CM_OK)
        st = cm_catalog_parse(out, data, len, path, diags);
    free(data);
    return st;
}

void
cm_catalog_destroy(cm_catalog *c)
{
    if (!c)
        return;
    free(c->entries);
    free(c->data);
    free(c);
}

/* ---- looking up ----------------------------------------------------------------------------- */

static const entry *
find(const cm_catalog *c, const char *id)
{
    entry key = { id, NULL, 0 };
    return c && c->n ? bsearch(&key, c->entries, c->n, sizeof(*c->entries), by_id) : NULL;
}

const char *
cm_catalog_get(const cm_catalog *c, const char *msgid)
{
    const entry *e = find(c, msgid);
    return e && *e->str ? e->str : msgid;
}

const char *
cm_catalog_pget(const cm_catalog *c, const char *ctx, const char *msgid)
{
    char key[256];
    int n = snprintf(key, sizeof(key), "%s\004%s", ctx, msgid);
    const entry *e = n > 0 && (size_t)n < sizeof(key) ? find(c, key) : NULL;
    return e && *e->str ? e->str : msgid;
}

const char *
cm_catalog_nget(const cm_catalog *c, const char *singular, const char *plural, unsigned long n)
{
    const entry *e = find(c, singular);
    if (!e)
        return n == 1 ? singular : plural;
    int ok = 1;
    unsigned long form = c->plural[0] ? plural_form(c->plural, n, &ok) : n != 1;
    const char *s = e->str;
    for (unsigned long i = 0; i < form && s < e->str + e->str_len; i++)
        s += strlen(s) + 1;   /* the forms are NUL-separated; the last ends the string */
    if (!ok || s > e->str + e->str_len || !*s)
        return n == 1 ? singular : plural;
    return s;
}

/* ---- dates ---------------------------------------------------------------------------------- */

/* The month names and the order of a date's parts come from the catalogue, not
 * from the C library's locales (strftime with LC_TIME): a fresh Debian has
 * none generated but C and POSIX, setlocale() would change the whole process
 * under threads laying out other slices, and a map wants the month in the
 * form a date takes ("9 октября", the genitive; "9 de octubre"), which
 * strftime's %B does not give in every language. */
/* TRANSLATORS: a month as a date says it, "9 October": the genitive in
 * Russian ("октября"), Ukrainian, Armenian. */
static const char *const month_names[12] = {
    CM_N_("January"), CM_N_("February"), CM_N_("March"), CM_N_("April"), CM_N_("May"),
    CM_N_("June"), CM_N_("July"), CM_N_("August"), CM_N_("September"), CM_N_("October"),
    CM_N_("November"), CM_N_("December")
};

/* Appends @s to @buf (of @size, @k used), cutting it at a character. */
static size_t
put(char *buf, size_t size, size_t k, const char *s)
{
    for (; *s && k + 1 < size; s++) {
        if (((unsigned char)*s & 0xc0) != 0x80) {   /* a character starts: room for it? */
            size_t n = 1;
            while (((unsigned char)s[n] & 0xc0) == 0x80)
                n++;
            if (k + n >= size)
                break;
        }
        buf[k++] = *s;
    }
    buf[k] = '\0';
    return k;
}

char *
cm_catalog_date(const cm_catalog *c, const char *pattern, cm_time t, char *buf, size_t size)
{
    char iso[CM_TIME_BUF], part[16];
    int y, mo, d, h, mi;
    size_t k = 0;
    cm_time_format_iso(t, iso);
    buf[0] = '\0';
    if (sscanf(iso, "%d-%d-%dT%d:%d", &y, &mo, &d, &h, &mi) != 5 || mo < 1 || mo > 12) {
        put(buf, size, 0, iso);
        return buf;
    }
    for (const char *p = cm_catalog_get(c, pattern); *p && k + 1 < size;) {
        const char *what = NULL;
        if (strncmp(p, "{day}", 5) == 0)
            snprintf(part, sizeof(part), "%d", d), what = part, p += 5;
        else if (strncmp(p, "{month}", 7) == 0)
            what = cm_catalog_get(c, month_names[mo - 1]), p += 7;
        else if (strncmp(p, "{year}", 6) == 0)
            snprintf(part, sizeof(part), "%d", y), what = part, p += 6;
        else if (strncmp(p, "{time}", 6) == 0)
            snprintf(part, sizeof(part), "%02d:%02d", h, mi), what = part, p += 6;
        if (what) {
            k = put(buf, size, k, what);
        } else {
            char one[2] = { *p++, '\0' };
            k = put(buf, size, k, one);
        }
    }
    return buf;
}
