/* Place matching: folding of case, diacritics and transliteration, namesakes,
 * suggestions, and the errors a broken gazetteer file gets; GeoNames dumps
 * (tests/unit/geonames-caucasus.txt: real cities500 rows and a few written in
 * the same form) on their own and over a file of ours. */
#include "conflictmap/gazetteer.h"
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

static const char *const sample =
    "# test gazetteer\n"
    "name\tname_az\tname_hy\tname_ru\tname_ar\taliases\tlon\tlat\tcountry\tkind\trank\tsource\n"
    "Jabrayil\tC\xc9\x99" "bray\xc4\xb1l\t\xd5\x8b\xd5\xa1\xd5\xa2\xd6\x80\xd5\xa1\xd5\xb5\xd5\xab\xd5\xac"
    "\t\xd0\x94\xd0\xb6\xd0\xb5\xd0\xb1\xd1\x80\xd0\xb0\xd0\xb8\xd0\xbb\t\tJebrail\t47.0261\t39.3999\tAZ\ttown\t6000\tx\n"
    "Stepanakert\tXank\xc9\x99ndi\t\t\t\t\t46.7519\t39.8156\tAZ\tcity\t55000\tx\n"
    "Martuni\t\t\t\t\t\t47.15\t39.79\tAZ\ttown\t5000\tx\n"
    "Martuni\t\t\t\t\t\t45.30\t40.14\tAM\ttown\t12000\tx\n"
    "Goranboy\tGoranboy\t\t\t\t\t46.7898\t40.6103\tAZ\ttown\t7000\tx\n"
    "Bourj Hammoud\t\t\t\t\t\t35.5397\t33.8936\tLB\ttown\t150000\tx\n";

static char *
write_temp(const char *text)
{
    static char path[] = "gaz-XXXXXX";
    char *p = strdup(path);
    int fd = mkstemp(p);
    if (fd < 0)
        return NULL;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        return NULL;
    close(fd);
    return p;
}

static cm_gazetteer *
load(const char *text, cm_diag_list *diags, cm_status *st)
{
    cm_gazetteer *gaz = NULL;
    char *path = write_temp(text);
    cm_gazetteer_create(&gaz);
    *st = cm_gazetteer_add_file(gaz, path, diags);
    unlink(path);
    free(path);
    return gaz;
}

static void
test_fold(void)
{
    char *f = cm_name_fold("  C\xc9\x99" "bray\xc4\xb1l ");
    CHECK_STR(f, "cebrayil");
    free(f);
    f = cm_name_fold("\xc4\xb0MI\xc5\x9eL\xc4\xb0");   /* İMİŞLİ */
    CHECK_STR(f, "imisli");
    free(f);
    f = cm_name_fold("Bourj-Hammoud");
    CHECK_STR(f, "bourj hammoud");
    free(f);
    f = cm_name_fold("Nakhchivan\xe2\x80\x99s");
    CHECK_STR(f, "nakhchivans");
    free(f);
}

static void
test_find(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st;
    cm_gazetteer *gaz = load(sample, diags, &st);
    CHECK_INT(st, CM_OK);
    CHECK_INT(cm_diag_count(diags), 0);
    CHECK_INT(cm_gazetteer_n_places(gaz), 6);

    const char *names[] = { "Jabrayil", "JABRAYIL", "Cabrayil", "CEBRAYIL",
                            "C\xc9\x99" "bray\xc4\xb1l", "Jebrail", "Dzhebrail",
                            "\xd0\x94\xd0\xb6\xd0\xb5\xd0\xb1\xd1\x80\xd0\xb0\xd0\xb8\xd0\xbb" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const cm_place *p = cm_gazetteer_find(gaz, names[i], NULL);
        CHECK(p != NULL);
        if (p)
            CHECK_STR(cm_place_name(p), "Jabrayil");
    }
    const cm_place *p = cm_gazetteer_find(gaz, "Khankendi", NULL);
    CHECK(p && strcmp(cm_place_name(p), "Stepanakert") == 0);
    CHECK_STR(cm_place_name_in(p, "az"), "Xank\xc9\x99ndi");
    CHECK_STR(cm_place_name_in(p, "hy"), "Stepanakert");
    CHECK(cm_gazetteer_find(gaz, "Bourj Hamoud", NULL) != NULL);
    CHECK(cm_gazetteer_find(gaz, "Goranbay", NULL) == NULL);
    CHECK(cm_gazetteer_find(gaz, "", NULL) == NULL);

    /* Namesakes: rank decides, unless the map's extent holds one of them. */
    p = cm_gazetteer_find(gaz, "Martuni", NULL);
    CHECK_STR(cm_place_country(p), "AM");
    double karabakh[4] = { 46.0, 39.0, 48.0, 40.5 };
    p = cm_gazetteer_find(gaz, "Martuni", karabakh);
    CHECK_STR(cm_place_country(p), "AZ");
    CHECK_NEAR(cm_place_lon(p), 47.15, 1e-9);
    CHECK_INT(cm_place_pos(p).line, 5);
    CHECK_INT(cm_place_pos(p).col, 1);

    const char *sugg[3];
    size_t n = cm_gazetteer_suggest(gaz, "Goranbay", sugg, 3);
    CHECK_INT(n, 1);
    if (n)
        CHECK_STR(sugg[0], "Goranboy");
    CHECK_INT(cm_gazetteer_suggest(gaz, "London", sugg, 3), 0);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

static void
test_bad_file(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st;
    cm_gazetteer *gaz = load("name\tlon\tlat\nHadrut\t46.9\t39.5\nSur\t200\t39.4\n"
                             "Gishlag\teast\t39.4\n", diags, &st);
    CHECK_INT(st, CM_ERR_INPUT);
    CHECK_INT(cm_diag_count(diags), 2);
    CHECK(strstr(cm_diag_text(diags, 0), ":3:5: \"200\" is not a coordinate") != NULL);
    CHECK(strstr(cm_diag_text(diags, 1), ":4:9: \"east\" is not a coordinate") != NULL);
    CHECK_INT(cm_gazetteer_n_places(gaz), 0);   /* nothing of a bad file is added */
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);

    diags = cm_diag_list_create();
    gaz = load("place\tx\ty\n", diags, &st);
    CHECK_INT(st, CM_ERR_INPUT);
    CHECK(strstr(cm_diag_text(diags, 0), ":1:1: the first line must be a header") != NULL);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

/* The tail of diagnostic @i after the file name: ":LINE:COL: message". */
static const char *
diag_tail(cm_diag_list *diags, size_t i)
{
    const char *text = i < cm_diag_count(diags) ? cm_diag_text(diags, i) : NULL;
    return text && strchr(text, ':') ? strchr(text, ':') : "(no such diagnostic)";
}

/* Names are unique within a country in our format: a repeat (folded, as
 * look-ups compare names) is a warning at its name naming the first line;
 * the same name in another country is not one. */
static void
test_namesakes(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st;
    cm_gazetteer *gaz = load("name\tlon\tlat\tcountry\n"
                             "Lyman\t37.80\t48.98\tUA\n"
                             "Lyman\t38.00\t49.10\tRU\n"
                             "# a comment\n"
                             "Hadrut\t46.9\t39.5\tAZ\n"
                             "LYMAN\t37.90\t48.90\tUA\n"
                             "Lymań\t37.95\t48.95\tUA\n", diags, &st);
    CHECK_INT(st, CM_OK);
    CHECK_INT(cm_gazetteer_n_places(gaz), 5);
    CHECK_INT(cm_diag_count(diags), 2);
    CHECK_INT(cm_diag_error_count(diags), 0);
    CHECK_STR(diag_tail(diags, 0), ":6:1: warning: \"LYMAN\" is also the name of the place on "
              "line 2 (\"Lyman\"), in UA; names are unique within a country in a gazetteer "
              "file, and an event's \"LYMAN\" could be either: rename one, or remove the line "
              "that repeats the other");
    CHECK(strstr(diag_tail(diags, 1), ":7:1: warning: \"Lymań\" is also the name of the place "
                 "on line 2") != NULL);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

#define GEONAMES_FIXTURE CM_SOURCE_DIR "/tests/unit/geonames-caucasus.txt"

static const cm_place *
find_checked(const cm_gazetteer *gaz, const char *name, const char *want)
{
    const cm_place *p = cm_gazetteer_find(gaz, name, NULL);
    if (!p || strcmp(cm_place_name(p), want) != 0) {
        fprintf(stderr, "\"%s\" found %s, expected %s\n", name, p ? cm_place_name(p) : "nothing",
                want);
        check_failures++;
    }
    return p;
}

/* The ASCII shortcut in cm_name_fold gives what utf8proc gives: a soft hyphen
 * (dropped by the folding) sends the same name down the utf8proc path. */
static void
test_fold_ascii(void)
{
    char ascii[4] = "a?b", slow[8];
    for (int c = 0x20; c <= 0x7E; c++) {
        ascii[1] = (char)c;
        snprintf(slow, sizeof slow, "%s\xc2\xad", ascii);
        char *a = cm_name_fold(ascii), *b = cm_name_fold(slow);
        CHECK_STR(a, b);
        free(a);
        free(b);
    }
    char *a = cm_name_fold(" Qirmizi--Bazar (O'Brien) ");
    CHECK_STR(a, "qirmizi bazar obrien");
    free(a);
}

static void
test_geonames_alone(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = NULL;
    cm_gazetteer_create(&gaz);
    CHECK_INT(cm_gazetteer_add_file(gaz, GEONAMES_FIXTURE, diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), 0);
    CHECK_INT(cm_gazetteer_n_places(gaz), 13);

    /* Alternate names in every script are names of the place. */
    static const char *const karmir[] = {
        "Q\xc4\xb1rm\xc4\xb1z\xc4\xb1 Bazar", "Qirmizi Bazar", "Karmir Shuka", "KARMIR SHOUKA",
        "\xd0\x9a\xd1\x80\xd0\xb0\xd1\x81\xd0\xbd\xd1\x8b\xd0\xb9 \xd0\x91\xd0\xb0\xd0\xb7\xd0\xb0\xd1\x80",
        "\xd4\xbf\xd5\xa1\xd6\x80\xd5\xb4\xd5\xab\xd6\x80 \xd5\x87\xd5\xb8\xd6\x82\xd5\xaf\xd5\xa1",
    };
    for (size_t i = 0; i < sizeof(karmir) / sizeof(karmir[0]); i++)
        find_checked(gaz, karmir[i], "Q\xc4\xb1rm\xc4\xb1z\xc4\xb1 Bazar");
    const cm_place *p = find_checked(gaz, "Karmir Shuka", "Q\xc4\xb1rm\xc4\xb1z\xc4\xb1 Bazar");
    if (p) {
        CHECK_INT(cm_place_pos(p).line, 6);
        CHECK_INT(cm_place_pos(p).col, 8);
        CHECK_STR(cm_place_country(p), "AZ");
        CHECK_STR(cm_place_kind(p), "town");
        CHECK_INT(cm_place_rank(p), 1211);
        CHECK_NEAR(cm_place_lon(p), 46.95123, 1e-9);
        CHECK_NEAR(cm_place_lat(p), 39.67669, 1e-9);
    }
    find_checked(gaz, "Stepanakert", "Xankandi");
    find_checked(gaz, "\xd0\xa1\xd1\x82\xd0\xb5\xd0\xbf\xd0\xb0\xd0\xbd\xd0\xb0\xd0\xba\xd0\xb5\xd1\x80\xd1\x82",
                 "Xankandi");   /* Степанакерт */
    find_checked(gaz, "\xe9\x87\x8c\xe6\xb5\xb7", "Caspian Sea");   /* 里海 */

    /* Kinds from the feature class and code, rank from the population. */
    static const struct { const char *name, *kind; long rank; } kinds[] = {
        { "Yerevan", "capital", 1093485 },   /* PPLC */
        { "Gyumri", "city", 148381 },        /* PPLA, 50,000 or more */
        { "Shusha", "town", 18662 },         /* PPLA, fewer */
        { "Xankandi", "town", 53100 },       /* PPL, 1,000 or more */
        { "Sabunchu", "village", 22000 },    /* PPLX: a part of Baku */
        { "Lake Sevan", "water", 0 },        /* H LK */
        { "Caspian Sea", "water", 0 },       /* H SEA, no country */
        { "Hakari", "other", 0 },            /* H STM: a river */
        { "Murovdag", "other", 0 },          /* T MTS */
        { "Syunik", "region", 141771 },      /* A ADM1 */
    };
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        p = cm_gazetteer_find(gaz, kinds[i].name, NULL);
        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK_STR(cm_place_kind(p), kinds[i].kind);
        CHECK_INT(cm_place_rank(p), kinds[i].rank);
    }
    p = cm_gazetteer_find(gaz, "Caspian Sea", NULL);
    CHECK_STR(p ? cm_place_country(p) : NULL, "");

    const char *sugg[3];
    size_t n = cm_gazetteer_suggest(gaz, "Karmir Shukka", sugg, 3);
    CHECK(n >= 1);
    CHECK_STR(n ? sugg[0] : NULL, "Karmir Shuka");
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

/* Ours first: a GeoNames row that is a place of ours (same geonameid, or the
 * same name near it when ours has none) adds its names to ours and nothing
 * else; where a name belongs to different places, ours wins unless only the
 * other is on the map. */
static void
test_geonames_over_ours(void)
{
    static const char *const ours =
        "name\tname_az\tname_hy\tname_ru\tname_ar\taliases\tlon\tlat\tcountry\tkind\trank\tsource\n"
        "Stepanakert\tXank\xc9\x99ndi\t\t\t\tKhankendi\t46.75280\t39.81770\tAZ\tcity\t53100\tgeonames:146970\n"
        "Lake Sevan\t\t\t\t\t\t45.30000\t40.35000\tAM\twater\t0\tapprox: by hand\n"
        "Caspian Sea\t\t\t\t\t\t49.95\t39.75\t\twater\t0\tapprox: by hand\n"
        "Vank\t\t\t\t\t\t46.23\t39.35\tAM\tvillage\t0\tapprox: a namesake\n"
        "Hakari\t\t\t\t\t\t46.60\t39.10\tAZ\tvillage\t0\tapprox: 14 km from the river's point\n";
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st;
    cm_gazetteer *gaz = load(ours, diags, &st);
    CHECK_INT(st, CM_OK);
    CHECK_INT(cm_gazetteer_add_file(gaz, GEONAMES_FIXTURE, diags), CM_OK);
    CHECK_INT(cm_diag_count(diags), 0);
    /* 5 of ours + 13 rows - Xankandi, Lake Sevan and Caspian Sea, which are ours. */
    CHECK_INT(cm_gazetteer_n_places(gaz), 15);

    const cm_place *p = find_checked(gaz, "Xankandi", "Stepanakert");
    if (p) {
        CHECK_INT(cm_place_pos(p).line, 2);
        CHECK_STR(cm_place_kind(p), "city");
        CHECK_NEAR(cm_place_lon(p), 46.75280, 1e-9);
    }
    find_checked(gaz, "\xd0\xa1\xd1\x82\xd0\xb5\xd0\xbf\xd0\xb0\xd0\xbd\xd0\xb0\xd0\xba\xd0\xb5\xd1\x80\xd1\x82",
                 "Stepanakert");
    p = find_checked(gaz, "Sevana lich", "Lake Sevan");
    CHECK_NEAR(p ? cm_place_lon(p) : 0, 45.3, 1e-9);   /* our point, not GeoNames' */
    p = find_checked(gaz, "\xe9\x87\x8c\xe6\xb5\xb7", "Caspian Sea");
    CHECK_NEAR(p ? cm_place_lat(p) : 0, 39.75, 1e-9);

    /* Namesakes that are different places: both kept; ours answers the name. */
    p = find_checked(gaz, "Vank", "Vank");
    CHECK_STR(p ? cm_place_country(p) : NULL, "AM");
    double near_gandzasar[4] = { 46.4, 39.9, 46.7, 40.2 };
    p = cm_gazetteer_find(gaz, "Vank", near_gandzasar);
    CHECK_STR(p ? cm_place_country(p) : NULL, "AZ");
    CHECK_INT(p ? cm_place_rank(p) : 0, 1335);
    p = find_checked(gaz, "Hakari", "Hakari");
    CHECK_STR(p ? cm_place_kind(p) : NULL, "village");
    p = find_checked(gaz, "Akera", "Hakari");
    CHECK_STR(p ? cm_place_kind(p) : NULL, "other");
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

static void
test_geonames_bad(void)
{
    static const char *const dump =
        "1\tAlpha\tAlpha\t\t39.5\t46.9\tP\tPPL\tAZ\t\t00\t\t\t\t100\t\t0\tAsia/Baku\t2020-01-01\n"
        "2\tBeta\tBeta\t\t39.5\t46.9\tP\tPPL\tAZ\t00\t\t\t\t100\t\t0\tAsia/Baku\t2020-01-01\n"
        "3\tAlpha\tAlpha\t\t139.8177\t46.9\tP\tPPL\tAZ\t\t00\t\t\t\t53,100\t\t0\tAsia/Baku\t2020-01-01\n"
        "4\tAlpha\tAlpha\t\t39.5\teast\tPP\tPPL\tAzerbaijan\t\t00\t\t\t\t100\t\t0\tAsia/Baku\t2020-01-01\n"
        "x146970\t\tAlpha\t\t39.5\t46.9\tP\tPPL\tAZ\t\t00\t\t\t\t100\t\t0\tAsia/Baku\t2020-01-01\n";
    static const char *const want[] = {
        ":2:1: this line has 18 tab-separated columns, a GeoNames line has 19 (geonameid, "
        "name, asciiname, alternatenames, latitude, longitude, ...); a tab is missing or "
        "extra, or the file was cut short",
        ":3:16: \"139.8177\" is not a latitude (column 5 of a GeoNames line: decimal degrees, "
        "-90..90, north positive)",
        ":3:46: \"53,100\" is not a population (column 15 of a GeoNames line: a whole "
        "number, digits only)",
        ":4:21: \"east\" is not a longitude (column 6 of a GeoNames line: decimal degrees, "
        "-180..180, east positive)",
        ":4:26: \"PP\" is not a GeoNames feature class (column 7: one of the letters A, H, L, "
        "P, R, S, T, U, V)",
        ":4:33: \"Azerbaijan\" is not a country code (column 9 of a GeoNames line: two capital "
        "letters, such as AZ)",
        ":5:1: \"x146970\" is not a geonameid (column 1 of a GeoNames line is a whole number)",
        ":5:9: the place has no name (column 2 of a GeoNames line)",
    };
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st;
    cm_gazetteer *gaz = load(dump, diags, &st);
    CHECK_INT(st, CM_ERR_INPUT);
    CHECK_INT(cm_diag_count(diags), sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK_STR(diag_tail(diags, i), want[i]);
    CHECK_INT(cm_gazetteer_n_places(gaz), 0);   /* nothing of a bad file is added */
    CHECK(cm_gazetteer_find(gaz, "Alpha", NULL) == NULL);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

static void
test_shipped(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = NULL;
    cm_gazetteer_create(&gaz);
    cm_status st = cm_gazetteer_add_file(gaz, CM_SOURCE_DIR "/gazetteer/caucasus.tsv", diags);
    CHECK_INT(st, CM_OK);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
    static const char *const article[] = {
        "Hadrut", "Hadrud", "Jabrayil", "Goranboy", "Fuzuli", "Qaracinar", "Stepanakert",
        "Mingachevir", "Chayli", "Yukhari Guzlak", "Gorazilli", "Gishlag", "Garajalli",
        "Afandilar", "Suleymanli", "Sur", "Moscow", "Baku", "Yerevan", "Beirut",
        "Bourj Hammoud", "Geneva", "Ankara", "Paris", "Ottawa", "Toronto", "Shushi",
        "Xank\xc9\x99ndi", "Khankendi", "\xc5\x9e" "u\xc5\x9f" "a"
    };
    for (size_t i = 0; i < sizeof(article) / sizeof(article[0]); i++)
        if (!cm_gazetteer_find(gaz, article[i], NULL)) {
            fprintf(stderr, "shipped gazetteer lacks \"%s\"\n", article[i]);
            check_failures++;
        }
    const cm_place *hadrut = cm_gazetteer_find(gaz, "Hadrut", NULL);
    if (hadrut) {
        CHECK_NEAR(cm_place_lon(hadrut), 47.03, 0.02);   /* GeoNames 418606 */
        CHECK_NEAR(cm_place_lat(hadrut), 39.52, 0.02);
    }
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

/* Cities by population whatever GeoNames' code: Mariupol and Omdurman are
 * plain PPL rows, a district's seat (PPLA3) of 150,000 is a city too; a
 * region's or district's seat (PPLA, PPLA2) is one from 50,000, a
 * neighbourhood (PPLX) never is. make-world-db decides the same
 * (test_gazetteer_db's Sloviansk). */
static void
test_geonames_cities(void)
{
    static const char *const rows[] = {
        "701822\tMariupol\tMariupol\t\t47.09514\t37.54131\tP\tPPL\tUA\t\t\t\t\t\t431859\t\t\t\t",
        "365137\tOmdurman\tOmdurman\t\t15.64453\t32.47773\tP\tPPL\tSD\t\t\t\t\t\t1200000\t\t\t\t",
        "900001\tSeat Three\tSeat Three\t\t40.0\t40.0\tP\tPPLA3\tTR\t\t\t\t\t\t150000\t\t\t\t",
        "900002\tPlain Town\tPlain Town\t\t40.1\t40.1\tP\tPPL\tTR\t\t\t\t\t\t99999\t\t\t\t",
        "900003\tSeat Two\tSeat Two\t\t40.2\t40.2\tP\tPPLA2\tTR\t\t\t\t\t\t50000\t\t\t\t",
        "900004\tBig Quarter\tBig Quarter\t\t40.3\t40.3\tP\tPPLX\tTR\t\t\t\t\t\t200000\t\t\t\t",
    };
    static const char *const kinds[] = { "city", "city", "city", "town", "city", "village" };
    char text[2048] = "";
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s\n", rows[i]);
    char *path = write_temp(text);
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = NULL;
    cm_gazetteer_create(&gaz);
    CHECK_INT(cm_gazetteer_add_file(gaz, path, diags), CM_OK);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "unexpected: %s\n", cm_diag_text(diags, i));
    CHECK_INT(cm_gazetteer_n_places(gaz), 6);
    for (size_t i = 0; i < cm_gazetteer_n_places(gaz) && i < 6; i++)
        CHECK_STR(cm_place_kind(cm_gazetteer_place(gaz, i)), kinds[i]);
    unlink(path);
    free(path);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

int
main(void)
{
    test_fold();
    test_find();
    test_bad_file();
    test_namesakes();
    test_fold_ascii();
    test_geonames_alone();
    test_geonames_over_ours();
    test_geonames_bad();
    test_geonames_cities();
    test_shipped();
    return check_result("test_gazetteer");
}
