/* The world gazetteer's database, as tests/CMakeLists.txt builds it small
 * (small-world.sqlite: 46 GeoNames rows, the curated files and
 * tests/data/curated-world.tsv): curated rows read at once and winning for
 * their places, the others read only when asked for, by any name in any
 * script; near misses, countries, extents, the nearest place; a GeoNames dump
 * over the database; files that are not one of ours; and the keys the
 * database stores, which must be the ones the library folds. */
#include "conflictmap/gazetteer.h"
#include "check.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

static cm_gazetteer *
open_small(cm_diag_list *diags)
{
    cm_gazetteer *gaz = NULL;
    cm_gazetteer_create(&gaz);
    cm_status st = cm_gazetteer_add_file(gaz, CM_SMALL_WORLD, diags);
    CHECK_INT(st, CM_OK);
    for (size_t i = 0; diags && i < cm_diag_count(diags); i++)
        fprintf(stderr, "unexpected: %s\n", cm_diag_text(diags, i));
    return gaz;
}

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void
test_curated(void)
{
    cm_gazetteer *gaz = open_small(NULL);
    /* caucasus.tsv's 187 rows, waters.tsv's Caspian Sea, the test file's 3:
     * read at once, the 200-odd others not. */
    CHECK_INT(cm_gazetteer_n_places(gaz), 191);
    const cm_place *p = cm_gazetteer_find(gaz, "Hadrut", NULL);
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(base_name(cm_place_pos(p).file), "caucasus.tsv");
        CHECK_INT(cm_place_pos(p).line, 78);
    }
    /* The curated row wins for its place (geonameid 703448): its name and point;
     * the dump's names lead to it. */
    const cm_place *kyiv = cm_gazetteer_find(gaz, "Kyiv", NULL);
    CHECK(kyiv != NULL);
    if (kyiv) {
        CHECK_NEAR(cm_place_lon(kyiv), 30.5, 1e-9);    /* GeoNames: 30.5238 */
        CHECK_STR(cm_place_name_in(kyiv, "ru"), "\xd0\x9a\xd0\xb8\xd0\xb5\xd0\xb2");
        CHECK_STR(base_name(cm_place_pos(kyiv).file), "curated-world.tsv");
        CHECK_INT(cm_place_pos(kyiv).line, 6);
    }
    static const char *const kyiv_names[] = {
        "Kiev", "KYIV", "\xd0\x9a\xd0\xb8\xd1\x97\xd0\xb2" /* Київ */, "Kyyiv city", "Kijów",
    };
    for (size_t i = 0; i < sizeof(kyiv_names) / sizeof(kyiv_names[0]); i++)
        if (cm_gazetteer_find(gaz, kyiv_names[i], NULL) != kyiv) {
            fprintf(stderr, "\"%s\" is not the curated Kyiv\n", kyiv_names[i]);
            check_failures++;
        }
    /* Without a geonameid, the same name in the same country within 0.1
     * degrees is the same place (Snihurivka, 1 km off), and farther it is not
     * (the test's Bakhmut, 37 km off, beside GeoNames'). */
    const cm_place *sn = cm_gazetteer_find(gaz, "\xd0\xa1\xd0\xbd\xd1\x96\xd0\xb3\xd1\x83"
                                                "\xd1\x80\xd1\x96\xd0\xb2\xd0\xba\xd0\xb0", NULL);
    CHECK(sn != NULL && cm_place_lon(sn) == 32.81);
    /* A plain PPL of 106,972 people is a city (make-world-db's kinds are
     * geonames.c's: test_gazetteer's test_geonames_cities). */
    const cm_place *sl = cm_gazetteer_find(gaz, "Sloviansk", NULL);
    CHECK_STR(sl ? cm_place_kind(sl) : NULL, "city");
    const cm_place *all[8];
    CHECK_INT(cm_gazetteer_find_all(gaz, "Snihurivka", NULL, all, 8), 1);
    CHECK_INT(cm_gazetteer_find_all(gaz, "Bakhmut", NULL, all, 8), 2);
    CHECK_NEAR(cm_place_lon(all[0]), 38.5, 1e-9);   /* curated first */
    CHECK_NEAR(cm_place_lon(all[1]), 37.99983, 1e-9);
    cm_gazetteer_destroy(gaz);
}

static void
test_read_as_needed(void)
{
    cm_gazetteer *gaz = open_small(NULL);
    size_t before = cm_gazetteer_n_places(gaz);
    const cm_place *p = cm_gazetteer_find(gaz, "Kherson", NULL);
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(cm_place_name(p), "Kherson");
        CHECK_STR(cm_place_country(p), "UA");
        CHECK_STR(cm_place_kind(p), "city");
        CHECK_INT(cm_place_rank(p), 283649);
        CHECK_NEAR(cm_place_lat(p), 46.63695, 1e-9);
        CHECK_STR(cm_place_pos(p).file, CM_SMALL_WORLD);
        CHECK_INT(cm_place_pos(p).line, 0);
        CHECK_STR(cm_place_name_in(p, "hy"), "Kherson");   /* GeoNames gives no language */
    }
    CHECK_INT(cm_gazetteer_n_places(gaz), before + 1);
    CHECK(cm_gazetteer_place(gaz, before) == p);
    /* Found again by another name, it is the same place, not read twice. */
    CHECK(cm_gazetteer_find(gaz, "\xd0\xa5\xd0\xb5\xd1\x80\xd1\x81\xd0\xbe\xd0\xbd", NULL) == p);
    CHECK_INT(cm_gazetteer_n_places(gaz), before + 1);
    /* Namesakes: the map's extent first, then rank. */
    const double lebanon[4] = { 35.0, 33.0, 36.7, 34.7 };
    const cm_place *t = cm_gazetteer_find(gaz, "Tripoli", lebanon);
    CHECK(t && strcmp(cm_place_country(t), "LB") == 0);
    t = cm_gazetteer_find(gaz, "Tripoli", NULL);
    CHECK(t && strcmp(cm_place_country(t), "LY") == 0);
    const cm_place *all[8];
    CHECK_INT(cm_gazetteer_find_all(gaz, "Tripoli", NULL, all, 8), 4);
    CHECK_STR(cm_place_country(all[1]), "LB");
    CHECK_STR(cm_place_country(all[2]), "GR");
    /* A country in the name, as an event's "place" reads it (conflictmap
     * place "Tripoli, Lebanon"); a country with no such place finds none. */
    CHECK_INT(cm_gazetteer_find_all(gaz, "Tripoli, Lebanon", NULL, all, 8), 1);
    CHECK_STR(cm_place_country(all[0]), "LB");
    CHECK_INT(cm_gazetteer_find_all(gaz, "Tripoli (LB)", NULL, all, 8), 1);
    CHECK_STR(cm_place_country(all[0]), "LB");
    t = cm_gazetteer_find(gaz, "Tripoli (GR)", lebanon);
    CHECK(t && strcmp(cm_place_country(t), "GR") == 0);
    CHECK_INT(cm_gazetteer_find_all(gaz, "Tripoli, Syria", NULL, all, 8), 0);
    CHECK(cm_gazetteer_find(gaz, "Lilliput", NULL) == NULL);
    cm_gazetteer_destroy(gaz);
}

static void
test_suggest(void)
{
    cm_gazetteer *gaz = open_small(NULL);
    const char *names[5];
    static const char *const typos[] = { "Kyyiv", "Kiyv", "Kyev", "Kyivv" };
    for (size_t i = 0; i < sizeof(typos) / sizeof(typos[0]); i++) {
        size_t n = cm_gazetteer_suggest(gaz, typos[i], names, 5);
        CHECK(n >= 1);
        const cm_place *p = n ? cm_gazetteer_find(gaz, names[0], NULL) : NULL;
        if (!p || strcmp(cm_place_name(p), "Kyiv") != 0) {
            fprintf(stderr, "\"%s\": first suggestion \"%s\"\n", typos[i], n ? names[0] : "");
            check_failures++;
        }
    }
    size_t n = cm_gazetteer_suggest(gaz, "Goranbay", names, 5);
    CHECK(n >= 1);
    CHECK_STR(n ? names[0] : NULL, "Goranboy");
    /* A spelling only the dump has leads to the curated place by its own name. */
    n = cm_gazetteer_suggest(gaz, "Mingacevirr", names, 5);
    const cm_place *m = n ? cm_gazetteer_find(gaz, names[0], NULL) : NULL;
    CHECK(m && strcmp(cm_place_name(m), "Mingachevir") == 0);
    CHECK_INT(cm_gazetteer_suggest(gaz, "Lilliput", names, 5), 0);
    cm_gazetteer_destroy(gaz);
}

static void
test_extent_and_nearest(void)
{
    cm_gazetteer *gaz = open_small(NULL);
    size_t before = cm_gazetteer_n_places(gaz);
    const double ukraine[4] = { 22.0, 44.0, 40.3, 52.5 };
    CHECK_INT(cm_gazetteer_add_extent(gaz, ukraine, 4), CM_OK);
    /* Kyiv is curated (already read): Kharkiv, Odesa, Kherson, Kramatorsk. */
    CHECK_INT(cm_gazetteer_n_places(gaz), before + 3);
    CHECK_STR(cm_place_name(cm_gazetteer_place(gaz, before)), "Kharkiv");
    CHECK_STR(cm_place_name(cm_gazetteer_place(gaz, before + 2)), "Kherson");
    /* The world, across the antimeridian too: the largest first. */
    const double world[4] = { -180, -90, 180, 90 }, pacific[4] = { 170, -50, -60, 60 };
    CHECK_INT(cm_gazetteer_add_extent(gaz, world, 1), CM_OK);
    CHECK_INT(cm_gazetteer_add_extent(gaz, pacific, 1), CM_OK);
    CHECK(cm_gazetteer_find(gaz, "Moscow", NULL) != NULL);
    const cm_place *p = NULL;
    double km = 0;
    CHECK_INT(cm_gazetteer_nearest(gaz, 32.5, 46.7, 50, 1000, &p, &km), CM_OK);
    CHECK(p && strcmp(cm_place_name(p), "Kherson") == 0);
    CHECK_NEAR(km, 10.9, 0.5);
    CHECK_INT(cm_gazetteer_nearest(gaz, 32.5, 46.7, 5, 1000, &p, &km), CM_OK);
    CHECK(p == NULL);
    cm_gazetteer_destroy(gaz);
}

/* A GeoNames dump over the database: a row that is a database place adds
 * its names to it, read once, and does not make a second place. */
static void
test_dump_over_db(void)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = open_small(diags);
    const char *row = "706448\tKherson\tKherson\tKhersonopolis\t46.63695\t32.61458\tP\tPPLA\tUA"
                      "\t\t20\t\t\t\t283649\t\t47\tEurope/Kyiv\t2023-01-01\n"
                      "999999001\tNova Test\tNova Test\t\t46.5\t32.5\tP\tPPL\tUA"
                      "\t\t20\t\t\t\t600\t\t47\tEurope/Kyiv\t2023-01-01\n";
    char path[] = "dump-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, row, strlen(row)) == (ssize_t)strlen(row));
    close(fd);
    size_t before = cm_gazetteer_n_places(gaz);
    CHECK_INT(cm_gazetteer_add_file(gaz, path, diags), CM_OK);
    unlink(path);
    CHECK_INT(cm_gazetteer_n_places(gaz), before + 2);   /* Nova Test, and Kherson read */
    const cm_place *k = cm_gazetteer_find(gaz, "Khersonopolis", NULL);
    CHECK(k && strcmp(cm_place_pos(k).file, CM_SMALL_WORLD) == 0);
    const cm_place *all[4];
    CHECK_INT(cm_gazetteer_find_all(gaz, "Kherson", NULL, all, 4), 1);
    CHECK(cm_gazetteer_find(gaz, "Nova Test", NULL) != NULL);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

static cm_status
add_expecting(const char *path, const char *message)
{
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = NULL;
    cm_gazetteer_create(&gaz);
    cm_status st = cm_gazetteer_add_file(gaz, path, diags);
    CHECK_INT(cm_diag_count(diags), 1);
    CHECK_STR(cm_diag_count(diags) ? cm_diag_message(diags, 0) : NULL, message);
    CHECK_INT(cm_gazetteer_n_places(gaz), 0);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
    return st;
}

static void
test_not_ours(void)
{
    char path[] = "notdb-XXXXXX";
    int fd = mkstemp(path);
    const char junk[] = "SQLite format 3\0 and then nothing a database holds";
    CHECK(write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk));
    close(fd);
    CHECK_INT(add_expecting(path, "this is not a gazetteer database this version of "
                            "conflictmap reads (format unknown, it reads format 2); rebuild "
                            "it with gazetteer/make-world-db"), CM_ERR_INPUT);
    /* A real SQLite database, of something else. */
    unlink(path);
    sqlite3 *db = NULL;
    sqlite3_open(path, &db);
    sqlite3_exec(db, "CREATE TABLE meta (key TEXT, value TEXT);"
                     "INSERT INTO meta VALUES ('format', '2')", NULL, NULL, NULL);
    sqlite3_close(db);
    cm_status st = add_expecting(path, "the gazetteer database lacks a table this version of "
                                 "conflictmap reads (no such table: places); rebuild it with "
                                 "gazetteer/make-world-db");
    CHECK_INT(st, CM_ERR_INPUT);
    unlink(path);
    /* One database at a time. */
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = open_small(NULL);
    CHECK_INT(cm_gazetteer_add_file(gaz, CM_SMALL_WORLD, diags), CM_ERR_INPUT);
    CHECK_INT(cm_gazetteer_n_places(gaz), 191);
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
}

/* The keys make-world-db stored in the database at @path are those
 * cm_name_fold() and cm_name_key() make, for every name: else a name would
 * not find its own place. Returns how many names were checked. */
static size_t
keys_agree(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    size_t n = 0, bad = 0;
    CHECK_INT(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_prepare_v2(db, "SELECT n.name, k.key, k.loose FROM names n JOIN keys k ON "
                           "k.id = n.key", -1, &q, NULL);
    while (q && sqlite3_step(q) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 0);
        char *key = cm_name_fold(name), *loose = key ? cm_name_key(name) : NULL;
        if (!key || strcmp(key, (const char *)sqlite3_column_text(q, 1)) ||
            !loose || strcmp(loose, (const char *)sqlite3_column_text(q, 2))) {
            if (bad++ < 10)
                fprintf(stderr, "%s: \"%s\" is stored as \"%s\", folds to \"%s\"\n", path,
                        name, (const char *)sqlite3_column_text(q, 1), key ? key : "");
        }
        n++;
        free(key);
        free(loose);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    CHECK_INT(bad, 0);
    return n;
}

static void
test_keys_agree(void)
{
    CHECK(keys_agree(CM_SMALL_WORLD) > 1500);
    /* The shipped database, every one of its 800,000 names, when it was built
     * (scripts/test builds it; CI must have it). */
    const char *world = CM_SOURCE_DIR "/gazetteer/world.sqlite";
    const char *ci = getenv("CI");
    if (access(world, R_OK) == 0)
        CHECK(keys_agree(world) > 800000);
    else if (ci && strcmp(ci, "true") == 0)
        CHECK(!"gazetteer/world.sqlite was not built");
}

int
main(void)
{
    test_curated();
    test_read_as_needed();
    test_suggest();
    test_extent_and_nearest();
    test_dump_over_db();
    test_not_ours();
    test_keys_agree();
    return check_result("test_gazetteer_db");
}
