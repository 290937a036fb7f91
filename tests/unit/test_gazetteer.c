/* Place matching: folding of case, diacritics and transliteration, namesakes,
 * suggestions, and the errors a broken gazetteer file gets. */
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

int
main(void)
{
    test_fold();
    test_find();
    test_bad_file();
    test_shipped();
    return check_result("test_gazetteer");
}
