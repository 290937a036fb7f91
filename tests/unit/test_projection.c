/* Projection unit tests: which projection "auto" picks and why it matters,
 * extents across the antimeridian and at a pole, the inverse, and a scale bar
 * whose length matches PROJ's geodesic distance. */
#include "check.h"

#include <conflictmap/conflictmap.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double rect[4] = { 0, 100, 1600, 1000 };

static cm_projection *
make(const char *spec, double w, double s, double e, double n)
{
    double bbox[4] = { w, s, e, n };
    cm_diag_list *diags = cm_diag_list_create();
    cm_projection *p = NULL;
    cm_status st = cm_projection_create(&p, spec, NULL, bbox, rect, diags);
    if (st != CM_OK)
        fprintf(stderr, "%s: %s\n", spec, cm_diag_count(diags) ? cm_diag_text(diags, 0) : "?");
    cm_diag_list_destroy(diags);
    return p;
}

static void
test_auto_choices(void)
{
    cm_projection *karabakh = make("auto", 45.4, 38.9, 48.0, 41.0);
    cm_projection *equator = make("auto", 30, -5, 40, 5);
    cm_projection *arctic = make("auto", -180, 76, 180, 90);
    cm_projection *antarctic = make("auto", -70, -90, 20, -70);
    cm_projection *world = make("auto", -170, -55, 170, 70);
    CHECK(world && strstr(cm_projection_definition(world), "+proj=merc +lon_0=0.0"));
    cm_projection_destroy(world);
    CHECK(karabakh && strstr(cm_projection_definition(karabakh), "+proj=lcc"));
    CHECK(equator && strstr(cm_projection_definition(equator), "+proj=tmerc"));
    CHECK(arctic && strstr(cm_projection_definition(arctic), "+proj=stere +lat_0=90"));
    CHECK(antarctic && strstr(cm_projection_definition(antarctic), "+proj=stere +lat_0=-90"));
    cm_projection_destroy(karabakh);
    cm_projection_destroy(equator);
    cm_projection_destroy(arctic);
    cm_projection_destroy(antarctic);
}

/* Chukotka and Alaska: centred on 175 W, and Anadyr (177.5 E) and Nome
 * (165.4 W) both land on the map, west of and east of the centre. */
static void
test_antimeridian(void)
{
    cm_projection *p = make("auto", 160, 55, -150, 72);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK(strstr(cm_projection_definition(p), "+lon_0=-175.0") != NULL);
    double xy[4] = { 177.5, 64.7, -165.4, 64.5 };
    cm_projection_forward(p, xy, 2);
    CHECK(xy[0] > 0 && xy[0] < 800);
    CHECK(xy[2] > 800 && xy[2] < 1600);
    CHECK(xy[1] > 100 && xy[1] < 1100 && xy[3] > 100 && xy[3] < 1100);
    cm_projection_destroy(p);
}

static void
test_inverse_round_trip(void)
{
    cm_projection *p = make("web", 45.4, 38.9, 48.0, 41.0);
    double xy[2] = { 46.75, 39.81 };   /* Stepanakert */
    cm_projection_forward(p, xy, 1);
    cm_projection_inverse(p, xy, 1);
    CHECK_NEAR(xy[0], 46.75, 1e-9);
    CHECK_NEAR(xy[1], 39.81, 1e-9);
    cm_projection_destroy(p);
}

/* The bar's two ends, taken back to the ground, are as far apart as it says. */
static void
check_bar(const char *spec, double w, double s, double e, double n)
{
    cm_projection *p = make(spec, w, s, e, n);
    double len = 0, m = p ? cm_projection_scale_bar(p, 30, 130, 200, &len) : NAN;
    CHECK(isfinite(m) && len > 40 && len <= 200);
    if (!p || !isfinite(m))
        goto done;
    double xy[4] = { 30, 130, 30 + len, 130 };
    cm_projection_inverse(p, xy, 2);
    double ground = cm_projection_geodesic_m(p, xy[0], xy[1], xy[2], xy[3]);
    CHECK_NEAR(ground / m, 1.0, 0.01);
    double mantissa = m / pow(10, floor(log10(m)));
    CHECK(fabs(mantissa - 1) < 1e-9 || fabs(mantissa - 2) < 1e-9 || fabs(mantissa - 5) < 1e-9);
done:
    cm_projection_destroy(p);
}

static void
test_scale_bar(void)
{
    check_bar("auto", 45.4, 38.9, 48.0, 41.0);
    check_bar("web", 45.4, 38.9, 48.0, 41.0);     /* Mercator: scale grows with latitude */
    check_bar("web", 0, 50, 60, 75);
    check_bar("auto", -180, 76, 180, 90);
    check_bar("EPSG:32638", 43, 38, 51, 43.5);
}

/* The geodesic itself: Yerevan to Baku is 470 km or so along the ellipsoid. */
static void
test_geodesic(void)
{
    cm_projection *p = make("auto", 43, 38, 51, 43.5);
    CHECK_NEAR(cm_projection_geodesic_m(p, 44.5126, 40.1811, 49.8920, 40.3777) / 1000,
               457.9, 3.0);
    cm_projection_destroy(p);
}

static void
test_bad_extent(void)
{
    double bbox[4] = { 40, 45, 50, 44 };   /* south above north */
    cm_diag_list *diags = cm_diag_list_create();
    cm_projection *p = NULL;
    CHECK_INT(cm_projection_create(&p, "auto", NULL, bbox, rect, diags), CM_ERR_INPUT);
    CHECK(p == NULL);
    CHECK(cm_diag_count(diags) == 1 &&
          strstr(cm_diag_message(diags, 0), "is not west, south, east, north"));
    cm_diag_list_destroy(diags);
}

/* A projection that cannot show the extent says so and names the fix:
 * web Mercator has no north pole, where PROJ would give infinity. */
static void
test_pole_in_mercator(void)
{
    double bbox[4] = { -180, 80, 180, 90 };
    cm_diag_list *diags = cm_diag_list_create();
    cm_projection *p = NULL;
    CHECK_INT(cm_projection_create(&p, "web", NULL, bbox, rect, diags), CM_ERR_INPUT);
    CHECK(cm_diag_count(diags) == 1 &&
          strstr(cm_diag_message(diags, 0), "choose another --projection"));
    cm_projection_destroy(p);
    cm_diag_list_destroy(diags);
}

/* "auto" writes out the pipeline PROJ would choose (projection.c's
 * auto_pipeline); the same definition given as a PROJ string goes through
 * PROJ's own search: every point, both ways, the same to the bit. */
static void
test_auto_same_as_proj(void)
{
    static const double boxes[][4] = { { 45.4, 38.9, 48.0, 41.0 }, { 30, -5, 40, 5 },
                                       { -180, 76, 180, 90 }, { -170, -55, 170, 70 } };
    for (size_t b = 0; b < sizeof(boxes) / sizeof(boxes[0]); b++) {
        const double *x = boxes[b];
        cm_projection *a = make("auto", x[0], x[1], x[2], x[3]);
        cm_projection *p = a ? make(cm_projection_definition(a), x[0], x[1], x[2], x[3]) : NULL;
        CHECK(a && p);
        if (!a || !p) {
            cm_projection_destroy(a);
            cm_projection_destroy(p);
            continue;
        }
        double u[2 * 200], v[2 * 200];
        for (int i = 0; i < 200; i++) {
            u[2 * i] = v[2 * i] = x[0] + (x[2] > x[0] ? x[2] - x[0] : 10) * (i % 20) / 19.0;
            u[2 * i + 1] = v[2 * i + 1] = x[1] + (x[3] - x[1]) * (i / 20) / 9.0 * 0.98;
        }
        cm_projection_forward(a, u, 200);
        cm_projection_forward(p, v, 200);
        CHECK(memcmp(u, v, sizeof(u)) == 0);
        cm_projection_inverse(a, u, 200);
        cm_projection_inverse(p, v, 200);
        CHECK(memcmp(u, v, sizeof(u)) == 0);
        cm_projection_destroy(a);
        cm_projection_destroy(p);
    }
}

int
main(void)
{
    test_auto_same_as_proj();
    test_auto_choices();
    test_antimeridian();
    test_inverse_round_trip();
    test_scale_bar();
    test_geodesic();
    test_bad_extent();
    test_pole_in_mercator();
    return check_result("test_projection");
}
