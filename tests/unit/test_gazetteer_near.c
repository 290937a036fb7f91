/* A point named after the places around it (src/load/gazetteer_near.c), with
 * the small world database (tests/CMakeLists.txt: Kherson, Oleshky 7 km from
 * it, Egvekinot by the antimeridian, Puerto Williams in the south-west) and a
 * file of ours: the place within 3 km, "12 km SE of Kherson" within 50 km,
 * the coordinates beyond; the eight points of the compass; the city before
 * the nearer town or hamlet; the hemispheres; across the antimeridian; and
 * places read for it kept out of the map's towns. */
#include "conflictmap/gazetteer.h"
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

static const double rad = 3.14159265358979323846 / 180;

/* The point @km from @lon, @lat on @bearing_deg (the sphere the library
 * measures on, 6371 km). */
static void
destination(double lon, double lat, double bearing_deg, double km, double *out_lon,
            double *out_lat)
{
    double d = km / 6371.0, b = bearing_deg * rad, p1 = lat * rad, l1 = lon * rad;
    double p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(b));
    double l2 = l1 + atan2(sin(b) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2));
    *out_lat = p2 / rad;
    *out_lon = fmod(l2 / rad + 540, 360) - 180;
}

static cm_gazetteer *
open_small(void)
{
    cm_gazetteer *gaz = NULL;
    CHECK_INT(cm_gazetteer_create(&gaz), CM_OK);
    CHECK_INT(cm_gazetteer_add_file(gaz, CM_SMALL_WORLD, NULL), CM_OK);
    return gaz;
}

/* The words for @lon, @lat, checked against @want. */
static void
expect_words(cm_gazetteer *gaz, double lon, double lat, const char *lang, const char *want,
             int line)
{
    cm_near near;
    char buf[160];
    CHECK_INT(cm_gazetteer_near(gaz, lon, lat, &near), CM_OK);
    const char *got = cm_near_words(&near, lon, lat, lang, buf, sizeof(buf));
    if (!got || strcmp(got, want) != 0) {
        fprintf(stderr, "%s:%d: %.5f, %.5f is \"%s\", expected \"%s\"\n", __FILE__, line, lon,
                lat, got ? got : "(null)", want);
        check_failures++;
    }
}
#define EXPECT_WORDS(gaz, lon, lat, lang, want) \
    expect_words(gaz, lon, lat, lang, want, __LINE__)

static void
test_compass(void)
{
    static const struct { double deg; const char *point; } table[] = {
        { 0, "N" }, { 22.4, "N" }, { 22.5, "NE" }, { 45, "NE" }, { 67.4, "NE" },
        { 67.5, "E" }, { 90, "E" }, { 135, "SE" }, { 180, "S" }, { 202.6, "SW" },
        { 225, "SW" }, { 270, "W" }, { 292.5, "NW" }, { 315, "NW" }, { 337.4, "NW" },
        { 337.5, "N" }, { 359.9, "N" }, { 360, "N" }, { -10, "N" }, { -90, "W" }, { 720, "N" },
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        CHECK_STR(cm_compass_point(table[i].deg), table[i].point);
}

/* Without a place: the coordinates as a desk writes them. */
static void
test_coordinates(void)
{
    char buf[64];
    CHECK_STR(cm_near_words(NULL, 32.0, 46.97, NULL, buf, sizeof(buf)),
              "46.97\xc2\xb0N 32.00\xc2\xb0" "E");
    CHECK_STR(cm_near_words(NULL, -58.3816, -34.6037, NULL, buf, sizeof(buf)),
              "34.60\xc2\xb0S 58.38\xc2\xb0W");
    CHECK_STR(cm_near_words(NULL, 151.2093, -33.8688, NULL, buf, sizeof(buf)),
              "33.87\xc2\xb0S 151.21\xc2\xb0" "E");
    CHECK_STR(cm_near_words(NULL, -0.001, -0.004, NULL, buf, sizeof(buf)),
              "0.00\xc2\xb0N 0.00\xc2\xb0" "E");   /* never "0.00°S" */
    CHECK_STR(cm_near_words(NULL, -180, 90, NULL, buf, sizeof(buf)),
              "90.00\xc2\xb0N 180.00\xc2\xb0W");
    cm_near none = { NULL, 0, 0, 0 };
    CHECK_STR(cm_near_words(&none, -30, 40, NULL, buf, sizeof(buf)),
              "40.00\xc2\xb0N 30.00\xc2\xb0W");
}

/* Within 3 km the place's name, within 50 km "N km DIR of PLACE", beyond
 * the coordinates. */
static void
test_distances(void)
{
    cm_gazetteer *gaz = open_small();
    const double kherson[2] = { 32.61458, 46.63695 };
    double lon, lat;
    cm_near near;
    /* 12 km SE: Oleshky, a town of 25,000, is 7 km away, Kherson the city. */
    destination(kherson[0], kherson[1], 135, 12, &lon, &lat);
    CHECK_INT(cm_gazetteer_near(gaz, lon, lat, &near), CM_OK);
    CHECK_STR(near.place ? cm_place_name(near.place) : NULL, "Kherson");
    CHECK_NEAR(near.km, 12, 0.01);
    CHECK_NEAR(near.bearing_deg, 135, 0.1);
    CHECK_INT(near.is_at, 0);
    EXPECT_WORDS(gaz, lon, lat, NULL, "12 km SE of Kherson");
    /* Within 3 km: the name alone, of the nearest place, whatever its size. */
    destination(kherson[0], kherson[1], 200, 2.9, &lon, &lat);
    EXPECT_WORDS(gaz, lon, lat, NULL, "Kherson");
    EXPECT_WORDS(gaz, 32.72426 + 0.01, 46.62553 + 0.01, NULL, "Oleshky");
    destination(kherson[0], kherson[1], 270, 3.2, &lon, &lat);
    EXPECT_WORDS(gaz, lon, lat, NULL, "3 km W of Kherson");
    /* 49 km and 51 km south (the Black Sea, the Crimean shore beyond). */
    destination(kherson[0], kherson[1], 180, 49, &lon, &lat);
    EXPECT_WORDS(gaz, lon, lat, NULL, "49 km S of Kherson");
    destination(kherson[0], kherson[1], 185, 51, &lon, &lat);
    CHECK_INT(cm_gazetteer_near(gaz, lon, lat, &near), CM_OK);
    CHECK(near.place == NULL);
    char want[64];
    snprintf(want, sizeof(want), "%.2f\xc2\xb0N %.2f\xc2\xb0" "E", lat, lon);
    EXPECT_WORDS(gaz, lon, lat, NULL, want);
    /* Mid-ocean. */
    EXPECT_WORDS(gaz, -30, 40, NULL, "40.00\xc2\xb0N 30.00\xc2\xb0W");
    cm_gazetteer_destroy(gaz);
}

/* The eight sectors, 45 degrees each, centred on their point. */
static void
test_sectors(void)
{
    static const char *const points[8] = { "N", "NE", "E", "SE", "S", "SW", "W", "NW" };
    cm_gazetteer *gaz = open_small();
    const double kherson[2] = { 32.61458, 46.63695 };
    for (int i = 0; i < 8; i++)
        for (int edge = -1; edge <= 1; edge++) {   /* the middle, and just inside each side */
            double lon, lat, bearing = 45.0 * i + 22.0 * edge;
            char want[64];
            destination(kherson[0], kherson[1], bearing, 20, &lon, &lat);
            snprintf(want, sizeof(want), "20 km %s of Kherson", points[i]);
            EXPECT_WORDS(gaz, lon, lat, NULL, want);
        }
    cm_gazetteer_destroy(gaz);
}

/* South and west of Greenwich and the equator; across the antimeridian. */
static void
test_hemispheres(void)
{
    cm_gazetteer *gaz = open_small();
    double lon, lat;
    const double williams[2] = { -67.60963, -54.93355 };
    destination(williams[0], williams[1], 0, 10, &lon, &lat);
    EXPECT_WORDS(gaz, lon, lat, NULL, "10 km N of Puerto Williams");
    destination(williams[0], williams[1], 225, 30, &lon, &lat);
    EXPECT_WORDS(gaz, lon, lat, NULL, "30 km SW of Puerto Williams");
    /* Egvekinot is at 179.12 W: a point at 179.9 E is 44 km west of it, across
     * the antimeridian, and found there by the database's R*Tree. */
    cm_near near;
    CHECK_INT(cm_gazetteer_near(gaz, 179.9, 66.32, &near), CM_OK);
    CHECK_STR(near.place ? cm_place_name(near.place) : NULL, "Egvekinot");
    CHECK_NEAR(near.km, 43.8, 0.5);
    EXPECT_WORDS(gaz, 179.9, 66.32, NULL, "44 km W of Egvekinot");
    destination(-179.12198, 66.32166, 90, 20, &lon, &lat);
    EXPECT_WORDS(gaz, lon, lat, NULL, "20 km E of Egvekinot");
    cm_gazetteer_destroy(gaz);
}

/* A file of ours: its places count as the database's do; a hamlet does
 * not outweigh a city 12 km away, but a town 5 km away does one 45 km away;
 * the name is in the language asked. */
static void
test_file_places(void)
{
    cm_gazetteer *gaz = open_small();
    const double kherson[2] = { 32.61458, 46.63695 };
    double lon, lat, h_lon, h_lat, far_lon, far_lat, t_lon, t_lat;
    destination(kherson[0], kherson[1], 135, 12, &lon, &lat);
    destination(lon, lat, 0, 4, &h_lon, &h_lat);   /* a hamlet 4 km north of the point */
    /* A town of 20,000 5 km from a point 45 km from Kherson. */
    destination(kherson[0], kherson[1], 300, 45, &far_lon, &far_lat);
    destination(far_lon, far_lat, 180, 5, &t_lon, &t_lat);
    char path[] = "near-XXXXXX", line[1024];
    int fd = mkstemp(path);
    snprintf(line, sizeof(line),
             "name\tname_az\tname_hy\tname_ru\tname_ar\taliases\tlon\tlat\tcountry\tkind\trank"
             "\tsource\nHamlet\t\t\t\xd0\xa5\xd1\x83\xd1\x82\xd0\xbe\xd1\x80\t\t\t%.5f\t%.5f\tUA"
             "\tvillage\t500\ttest\nFar Hamlet\t\t\t\t\t\t-30.00000\t40.05000\tPT\tvillage\t600"
             "\ttest\nTesttown\t\t\t\t\t\t%.5f\t%.5f\tUA\ttown\t20000\ttest\n", h_lon, h_lat,
             t_lon, t_lat);
    CHECK(fd >= 0 && write(fd, line, strlen(line)) == (ssize_t)strlen(line));
    close(fd);
    CHECK_INT(cm_gazetteer_add_file(gaz, path, NULL), CM_OK);
    unlink(path);
    EXPECT_WORDS(gaz, lon, lat, NULL, "12 km SE of Kherson");
    EXPECT_WORDS(gaz, h_lon, h_lat + 0.01, NULL, "Hamlet");
    EXPECT_WORDS(gaz, h_lon, h_lat + 0.01, "ru", "\xd0\xa5\xd1\x83\xd1\x82\xd0\xbe\xd1\x80");
    EXPECT_WORDS(gaz, -30, 40, NULL, "6 km S of Far Hamlet");
    EXPECT_WORDS(gaz, -30, 40, "ru", "6 km S of Far Hamlet");   /* no Russian name */
    EXPECT_WORDS(gaz, far_lon, far_lat, NULL, "5 km N of Testtown");
    /* Kyiv's curated row has a Russian name; a short buffer is cut between
     * characters, never inside one. */
    cm_near near;
    char buf[14];
    destination(30.5, 50.45, 0, 5, &lon, &lat);
    CHECK_INT(cm_gazetteer_near(gaz, lon, lat, &near), CM_OK);
    CHECK_STR(cm_near_words(&near, lon, lat, "ru", line, sizeof(line)),
              "5 km N of \xd0\x9a\xd0\xb8\xd0\xb5\xd0\xb2");
    CHECK_STR(cm_near_words(&near, lon, lat, "ru", buf, sizeof(buf)), "5 km N of \xd0\x9a");
    cm_gazetteer_destroy(gaz);
}

/* What is read to name a point is not one of the gazetteer's places, which
 * the map draws as its towns; looking the name up later still finds it. */
static void
test_kept_aside(void)
{
    cm_gazetteer *gaz = open_small();
    size_t before = cm_gazetteer_n_places(gaz);
    cm_near near, again;
    CHECK_INT(cm_gazetteer_near(gaz, 32.7, 46.58, &near), CM_OK);
    CHECK_INT(cm_gazetteer_near(gaz, 32.71, 46.57, &again), CM_OK);
    CHECK(near.place != NULL && near.place == again.place);
    CHECK_INT(cm_gazetteer_n_places(gaz), before);
    const cm_place *k = cm_gazetteer_find(gaz, "Kherson", NULL);
    CHECK(k != NULL);
    CHECK_INT(cm_gazetteer_n_places(gaz), before + 1);
    /* Read by name, it is the one a point is then named after. */
    CHECK_INT(cm_gazetteer_near(gaz, 32.9, 46.5, &near), CM_OK);
    CHECK(near.place == k);
    cm_gazetteer_destroy(gaz);
}

int
main(void)
{
    if (access(CM_SMALL_WORLD, R_OK) != 0) {
        fprintf(stderr, "no %s (ctest builds it first)\n", CM_SMALL_WORLD);
        return 77;
    }
    test_compass();
    test_coordinates();
    test_distances();
    test_sectors();
    test_hemispheres();
    test_file_places();
    test_kept_aside();
    return check_result("test_gazetteer_near");
}
