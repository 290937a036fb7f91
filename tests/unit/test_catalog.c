/* The message catalogue reader (src/common/catalog.c): lookups, contexts,
 * plural forms by the Plural-Forms rule, translations whose printf
 * conversions differ from their msgid's left out, dates in a catalogue's
 * words, and damaged or truncated .mo files refused without a crash. The
 * .mo files are made here, byte by byte, as msgfmt writes them. */
#include "check.h"
#include "common/catalog.h"

#include <stdint.h>
#include <stdlib.h>

typedef struct pair {
    const char *id;            /* "ctx\004id", "one\0many" written as such by n_id */
    size_t n_id;               /* bytes of id (NULs inside), 0: strlen */
    const char *str;
    size_t n_str;
} pair;

static void
put32(unsigned char *p, uint32_t v, int big)
{
    for (int i = 0; i < 4; i++)
        p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

static int
by_id(const void *a, const void *b)
{
    return strcmp(((const pair *)a)->id, ((const pair *)b)->id);
}

/* A .mo of @n pairs (sorted here, as msgfmt sorts them) into a new buffer. */
static unsigned char *
make_mo(pair *pairs, size_t n, int big, size_t *size)
{
    qsort(pairs, n, sizeof(*pairs), by_id);
    size_t strings = 28 + 16 * n, total = strings;
    for (size_t i = 0; i < n; i++) {
        pairs[i].n_id = pairs[i].n_id ? pairs[i].n_id : strlen(pairs[i].id);
        pairs[i].n_str = pairs[i].n_str ? pairs[i].n_str : strlen(pairs[i].str);
        total += pairs[i].n_id + 1 + pairs[i].n_str + 1;
    }
    unsigned char *d = calloc(1, total);
    put32(d, 0x950412de, big);
    put32(d + 8, (uint32_t)n, big);
    put32(d + 12, 28, big);
    put32(d + 16, (uint32_t)(28 + 8 * n), big);
    size_t at = strings;
    for (int t = 0; t < 2; t++)
        for (size_t i = 0; i < n; i++) {
            const char *s = t ? pairs[i].str : pairs[i].id;
            size_t len = t ? pairs[i].n_str : pairs[i].n_id;
            put32(d + 28 + 8 * n * (size_t)t + 8 * i, (uint32_t)len, big);
            put32(d + 28 + 8 * n * (size_t)t + 8 * i + 4, (uint32_t)at, big);
            memcpy(d + at, s, len);
            at += len + 1;
        }
    *size = total;
    return d;
}

static const char ru_header[] =
    "Content-Type: text/plain; charset=UTF-8\n"
    "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);\n";

/* A Russian catalogue with a plural, a context, and translations a reader
 * must leave out. */
static unsigned char *
ru_mo(int big, size_t *size)
{
    static const char place_id[] = " and %zu other place\0 and %zu other places";
    static const char place_str[] = " и ещё %zu населённый пункт\0 и ещё %zu населённых "
                                    "пункта\0 и ещё %zu населённых пунктов";
    pair pairs[] = {
        { "", 0, ru_header, 0 },
        { "Front line", 0, "Линия фронта", 0 },
        { place_id, sizeof(place_id) - 1, place_str, sizeof(place_str) - 1 },
        { "they\004%s took %s", 0, "%s занимают: %s", 0 },
        { "%s took %s", 0, "%d взял %s", 0 },              /* %d for %s: left out */
        { "Source: %s", 0, "Источник: %s %s", 0 },          /* one more: left out */
        { "New at %s", 0, "Новое в %1$s", 0 },             /* positional: left out */
        { "%s and %s", 0, "%s и другие", 0 },               /* fewer, the last: kept */
        { "{day} {month} {year}, {time} GMT", 0, "{day} {month} {year} г., {time} GMT", 0 },
        { "October", 0, "октября", 0 },
    };
    return make_mo(pairs, sizeof(pairs) / sizeof(pairs[0]), big, size);
}

static void
check_lookups(const cm_catalog *c)
{
    CHECK_STR(cm_catalog_get(c, "Front line"), "Линия фронта");
    CHECK_STR(cm_catalog_get(c, "Not there"), "Not there");
    CHECK_STR(cm_catalog_pget(c, "they", "%s took %s"), "%s занимают: %s");
    CHECK_STR(cm_catalog_pget(c, "it", "%s took %s"), "%s took %s");
    CHECK_STR(cm_catalog_get(c, "%s took %s"), "%s took %s");
    CHECK_STR(cm_catalog_get(c, "Source: %s"), "Source: %s");
    CHECK_STR(cm_catalog_get(c, "New at %s"), "New at %s");
    CHECK_STR(cm_catalog_get(c, "%s and %s"), "%s и другие");
    static const struct { unsigned long n; const char *want; } plurals[] = {
        { 1, " и ещё %zu населённый пункт" }, { 2, " и ещё %zu населённых пункта" },
        { 4, " и ещё %zu населённых пункта" }, { 5, " и ещё %zu населённых пунктов" },
        { 11, " и ещё %zu населённых пунктов" }, { 12, " и ещё %zu населённых пунктов" },
        { 21, " и ещё %zu населённый пункт" }, { 22, " и ещё %zu населённых пункта" },
        { 111, " и ещё %zu населённых пунктов" }, { 0, " и ещё %zu населённых пунктов" },
    };
    for (size_t i = 0; i < sizeof(plurals) / sizeof(plurals[0]); i++)
        CHECK_STR(cm_catalog_nget(c, " and %zu other place", " and %zu other places",
                                  plurals[i].n), plurals[i].want);
    CHECK_STR(cm_catalog_nget(c, "a cat", "cats", 1), "a cat");
    CHECK_STR(cm_catalog_nget(c, "a cat", "cats", 3), "cats");
}

/* 2020-10-09T15:15:00Z */
static const cm_time moment = 1602256500;

static void
check_dates(const cm_catalog *ru)
{
    char buf[128], human[CM_TIME_BUF];
    CHECK_STR(cm_catalog_date(ru, "{day} {month} {year}, {time} GMT", moment, buf, sizeof buf),
              "9 октября 2020 г., 15:15 GMT");
    CHECK_STR(cm_catalog_date(NULL, "{day} {month} {year}, {time} GMT", moment, buf,
                              sizeof buf), cm_time_format_human(moment, human));
    CHECK_STR(cm_catalog_date(ru, "{day} {month}", moment, buf, sizeof buf), "9 октября");
    /* cut at a character: "9 о" would be 4 bytes, "9 " fits 3 with its NUL */
    CHECK_STR(cm_catalog_date(ru, "{day} {month}", moment, buf, 4), "9 ");
}

/* Every way a .mo can be damaged that a reader must refuse (CM_ERR_INPUT),
 * none read past the bytes it was given. */
static void
check_damaged(void)
{
    size_t size;
    unsigned char *mo = ru_mo(0, &size);
    cm_catalog *c = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    /* each truncation: the strings are at the end, so every one is refused */
    for (size_t n = 0; n < size; n++) {
        unsigned char *part = malloc(n ? n : 1);   /* exactly n bytes: ASan sees a read past */
        memcpy(part, mo, n);
        cm_status st = cm_catalog_parse(&c, part, n, "cut.mo", diags);
        if (st != CM_ERR_INPUT || c)
            fprintf(stderr, "truncated to %zu of %zu bytes: status %d\n", n, size, (int)st);
        CHECK(st == CM_ERR_INPUT && c == NULL);
        cm_catalog_destroy(c);
        free(part);
    }
    CHECK(cm_diag_count(diags) > 0);
    CHECK(strstr(cm_diag_text(diags, 0), "the catalogue \"cut.mo\" is damaged") != NULL);
    /* each byte of the tables set to 0xff: refused or read, never a crash */
    for (size_t i = 0; i < 28 + 16 * 10; i++) {
        unsigned char *bad = malloc(size);
        memcpy(bad, mo, size);
        bad[i] = 0xff;
        cm_status st = cm_catalog_parse(&c, bad, size, "flipped.mo", NULL);
        CHECK(st == CM_OK || st == CM_ERR_INPUT);
        if (c)
            cm_catalog_get(c, "Front line");
        cm_catalog_destroy(c);
        free(bad);
    }
    /* a string without its NUL, a length that wraps, a count too large */
    unsigned char *bad = malloc(size);
    memcpy(bad, mo, size);
    bad[size - 1] = 'x';
    CHECK_INT(cm_catalog_parse(&c, bad, size, "nonul.mo", NULL), CM_ERR_INPUT);
    memcpy(bad, mo, size);
    put32(bad + 28, 0xffffffffu, 0);
    CHECK_INT(cm_catalog_parse(&c, bad, size, "wrap.mo", NULL), CM_ERR_INPUT);
    memcpy(bad, mo, size);
    put32(bad + 8, 0x7fffffffu, 0);
    CHECK_INT(cm_catalog_parse(&c, bad, size, "count.mo", NULL), CM_ERR_INPUT);
    memcpy(bad, "not a .mo file at all, no..", 28);
    CHECK_INT(cm_catalog_parse(&c, bad, size, "text.mo", NULL), CM_ERR_INPUT);
    free(bad);
    free(mo);
    cm_diag_list_destroy(diags);
}

/* A header whose rule does not parse, picks a form there is none of, or nests
 * deeper than any rule: refused. */
static void
check_bad_plural(void)
{
    static const char *const rules[] = {
        "Plural-Forms: nplurals=2; plural=(n%;\n",
        "Plural-Forms: nplurals=2; plural=(n > 1 ? 5 : 0);\n",
        "Plural-Forms: nplurals=9; plural=n;\n",
        "Plural-Forms: nplurals=2; plural="
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((n"
        "))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))));\n",
        "Plural-Forms: nplurals=2; plural=n ? 1;\n",
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        pair pairs[] = { { "", 0, rules[i], 0 }, { "Key", 0, "Легенда", 0 } };
        size_t size;
        unsigned char *mo = make_mo(pairs, 2, 0, &size);
        cm_catalog *c = NULL;
        CHECK_INT(cm_catalog_parse(&c, mo, size, "rule.mo", NULL), CM_ERR_INPUT);
        CHECK(c == NULL);
        free(mo);
    }
    /* Arabic's six forms */
    pair pairs[] = {
        { "", 0, "Plural-Forms: nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
                 "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);\n", 0 },
        { "%zu place\0%zu places", 20, "0\0" "1\0" "2\0" "3\0" "4\0" "5", 11 },
    };
    size_t size;
    unsigned char *mo = make_mo(pairs, 2, 0, &size);
    cm_catalog *c = NULL;
    CHECK_INT(cm_catalog_parse(&c, mo, size, "ar.mo", NULL), CM_OK);
    static const unsigned long n[] = { 0, 1, 2, 3, 10, 11, 99, 100, 102, 103 };
    static const char *const want[] = { "0", "1", "2", "3", "3", "4", "4", "5", "5", "3" };
    for (size_t i = 0; c && i < sizeof(n) / sizeof(n[0]); i++)
        CHECK_STR(cm_catalog_nget(c, "%zu place", "%zu places", n[i]), want[i]);
    cm_catalog_destroy(c);
    free(mo);
}

int
main(void)
{
    size_t size;
    cm_catalog *c = NULL;
    for (int big = 0; big < 2; big++) {   /* as msgfmt writes it on either kind of machine */
        unsigned char *mo = ru_mo(big, &size);
        CHECK_INT(cm_catalog_parse(&c, mo, size, "ru.mo", NULL), CM_OK);
        if (c) {
            check_lookups(c);
            check_dates(c);
        }
        cm_catalog_destroy(c);
        free(mo);
    }
    CHECK_STR(cm_catalog_get(NULL, "Front line"), "Front line");
    CHECK_STR(cm_catalog_nget(NULL, "one", "many", 2), "many");
    check_damaged();
    check_bad_plural();
    /* a file there is not: CM_ERR_IO */
    CHECK_INT(cm_catalog_load(&c, "no-such-catalogue.mo", NULL), CM_ERR_IO);
    CHECK(cm_lang_is_known("uk") && cm_lang_is_known("en") && !cm_lang_is_known("de") &&
          !cm_lang_is_known(NULL));
    CHECK(cm_lang_is_rtl("ar") && !cm_lang_is_rtl("ru"));
    return check_result("test_catalog");
}
