/* Scenes of the seed example: no label overlaps another label or a marker, a
 * label present in two consecutive slices does not move, and at every size a
 * label is near its place: no further than layout_label_max_px, its leader
 * line crossing no other leader line and no marker. */
#include "check.h"
#include "conflictmap/conflictmap.h"
#include "layout/layout.h"

#include <math.h>
#include <stdlib.h>

typedef struct fixture {
    cm_gazetteer *gaz;
    cm_events *events;
    cm_layer *layers[4];
    size_t n_layers;
    cm_style *style;
    cm_projection *proj;
    cm_slices *slices;
    cm_scene_base *base;
} fixture;

/* Everything a scene needs, from @events (whose map.bbox is the extent), the
 * shipped layers named in @shapes and, unless NULL, the gazetteer @gazetteer. */
static void
setup(fixture *f, const char *events, const char *gazetteer, const char *const *shapes,
      size_t n_shapes, int width, int height)
{
    char path[1024];
    double bbox[4], rect[4];
    memset(f, 0, sizeof(*f));
    cm_gazetteer_create(&f->gaz);
    if ((gazetteer && cm_gazetteer_add_file(f->gaz, gazetteer, NULL)) ||
        cm_events_load(&f->events, events, f->gaz, NULL) || !cm_events_bbox(f->events, bbox)) {
        fprintf(stderr, "%s did not load, or has no map.bbox\n", events);
        exit(2);
    }
    for (size_t i = 0; i < n_shapes && i < 4; i++) {
        snprintf(path, sizeof(path), CM_SOURCE_DIR "/shapes/%s.shp", shapes[i]);
        if (cm_layer_load(&f->layers[f->n_layers], path, NULL, NULL) == CM_OK)
            f->n_layers++;
    }
    CHECK_INT(f->n_layers, n_shapes);
    cm_style_preset(&f->style, "light", NULL);
    cm_scene_map_rect(f->style, width, height, rect);
    cm_projection_create(&f->proj, "auto", NULL, bbox, rect, NULL);
    cm_slices_make(&f->slices, f->events, NULL, NULL);
    cm_scene_base_create(&f->base, f->layers, f->n_layers, f->proj, f->style, f->gaz,
                         f->events, bbox, width, height);
}

static void
setup_example(fixture *f, int width, int height)
{
    static const char *const shapes[] = { "world", "countries", "regions", "lines" };
    setup(f, CM_SOURCE_DIR "/examples/karabakh-2020-10-09.json",
          CM_SOURCE_DIR "/gazetteer/caucasus.tsv", shapes, 4, width, height);
}

static void
teardown(fixture *f)
{
    cm_scene_base_destroy(f->base);
    cm_slices_destroy(f->slices);
    cm_projection_destroy(f->proj);
    cm_style_destroy(f->style);
    for (size_t i = 0; i < f->n_layers; i++)
        cm_layer_destroy(f->layers[i]);
    cm_events_destroy(f->events);
    cm_gazetteer_destroy(f->gaz);
}

static int
boxes_overlap(double ax, double ay, double aw, double ah, double bx, double by, double bw,
              double bh)
{
    return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

static size_t
count_overlaps(const cm_scene *sc, const char *slice_name)
{
    size_t n = 0;
    for (size_t i = 0; i < sc->n_labels; i++) {
        const cm_scene_label *a = &sc->labels[i];
        if (a->group != CM_GROUP_LABELS)
            continue;
        for (size_t k = i + 1; k < sc->n_labels; k++) {
            const cm_scene_label *b = &sc->labels[k];
            if (b->group == CM_GROUP_LABELS &&
                boxes_overlap(a->x, a->y, a->w, a->h, b->x, b->y, b->w, b->h)) {
                fprintf(stderr, "%s: \"%s\" overlaps \"%s\"\n", slice_name, a->text, b->text);
                n++;
            }
        }
        for (size_t m = 0; m < sc->n_markers; m++) {
            const cm_scene_marker *mk = &sc->markers[m];
            if (mk->group == CM_GROUP_LEGEND)
                continue;
            if (boxes_overlap(a->x, a->y, a->w, a->h, mk->x - mk->r, mk->y - mk->r, 2 * mk->r,
                              2 * mk->r)) {
                fprintf(stderr, "%s: \"%s\" overlaps a marker at (%.0f, %.0f)\n", slice_name,
                        a->text, mk->x, mk->y);
                n++;
            }
        }
    }
    return n;
}

/* The distance from (@px, @py) to the segment (@x0, @y0)-(@x1, @y1). */
static double
to_segment(double px, double py, double x0, double y0, double x1, double y1)
{
    double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

static int
segments_cross(const double a[4], const double b[4])
{
    double d1 = (a[2] - a[0]) * (b[1] - a[1]) - (a[3] - a[1]) * (b[0] - a[0]);
    double d2 = (a[2] - a[0]) * (b[3] - a[1]) - (a[3] - a[1]) * (b[2] - a[0]);
    double d3 = (b[2] - b[0]) * (a[1] - b[1]) - (b[3] - b[1]) * (a[0] - b[0]);
    double d4 = (b[2] - b[0]) * (a[3] - b[1]) - (b[3] - b[1]) * (a[2] - b[0]);
    if (d1 * d2 < 0 && d3 * d4 < 0)
        return 1;
    return to_segment(a[0], a[1], b[0], b[1], b[2], b[3]) < 0.5 ||
           to_segment(a[2], a[3], b[0], b[1], b[2], b[3]) < 0.5 ||
           to_segment(b[0], b[1], a[0], a[1], a[2], a[3]) < 0.5 ||
           to_segment(b[2], b[3], a[0], a[1], a[2], a[3]) < 0.5;
}

/* The label's leader line as drawn: from (leader_x, leader_y) to its box. */
static void
leader_of(const cm_scene_label *lb, double seg[4])
{
    seg[0] = lb->leader_x;
    seg[1] = lb->leader_y;
    cm_scene_leader_end(lb, &seg[2], &seg[3]);
}

/* Labels beside a point further from it than @max_px (the nearest point of
 * their box), leader lines that cross each other, and leader lines that
 * pass through a marker other than their own place's. */
static void
count_far_and_crossing(const cm_scene *sc, const char *slice_name, double max_px,
                       double *farthest, size_t *n_far, size_t *n_cross, size_t *n_through,
                       size_t *n_leaders)
{
    for (size_t i = 0; i < sc->n_labels; i++) {
        const cm_scene_label *a = &sc->labels[i];
        if (a->group != CM_GROUP_LABELS || !a->is_beside)
            continue;
        double dx = fmax(fmax(a->x - a->point_x, a->point_x - (a->x + a->w)), 0);
        double dy = fmax(fmax(a->y - a->point_y, a->point_y - (a->y + a->h)), 0);
        double d = hypot(dx, dy);
        *farthest = fmax(*farthest, d);
        if (d > max_px + 0.01) {
            fprintf(stderr, "%s: \"%s\" is %.1f px from its place, more than %.0f\n",
                    slice_name, a->text, d, max_px);
            (*n_far)++;
        }
        if (!a->has_leader)
            continue;
        (*n_leaders)++;
        double sa[4], sb[4];
        leader_of(a, sa);
        for (size_t k = i + 1; k < sc->n_labels; k++) {
            const cm_scene_label *b = &sc->labels[k];
            if (b->group != CM_GROUP_LABELS || !b->has_leader)
                continue;
            leader_of(b, sb);
            if (segments_cross(sa, sb)) {
                fprintf(stderr, "%s: the leader lines of \"%s\" and \"%s\" cross\n",
                        slice_name, a->text, b->text);
                (*n_cross)++;
            }
        }
        for (size_t m = 0; m < sc->n_markers; m++) {
            const cm_scene_marker *mk = &sc->markers[m];
            double mx = mk->x, my = mk->y;
            if (mk->group == CM_GROUP_EVENTS && mk->event && !mk->is_offmap) {
                const double *xy = &sc->base->event_xy[2 * cm_event_index(mk->event)];
                mx = round(xy[0] * 2) / 2;   /* its place: the ring's centre */
                my = round(xy[1] * 2) / 2;
            }
            if (mk->group == CM_GROUP_LEGEND ||
                (fabs(mx - a->point_x) < 1 && fabs(my - a->point_y) < 1))
                continue;   /* the place's own symbols, where the line starts */
            if (to_segment(mk->x, mk->y, sa[0], sa[1], sa[2], sa[3]) < mk->r) {
                fprintf(stderr, "%s: the leader line of \"%s\" passes through a marker at "
                        "(%.0f, %.0f)\n", slice_name, a->text, mk->x, mk->y);
                (*n_through)++;
            }
        }
    }
}

static size_t
count_moved(const cm_scene *prev, const cm_scene *sc, const char *slice_name)
{
    size_t n = 0;
    for (size_t i = 0; i < sc->n_labels; i++) {
        const cm_scene_label *a = &sc->labels[i];
        for (size_t k = 0; a->group == CM_GROUP_LABELS && k < prev->n_labels; k++) {
            const cm_scene_label *b = &prev->labels[k];
            if (b->group == CM_GROUP_LABELS && strcmp(a->text, b->text) == 0 &&
                fabs(a->w - b->w) < 0.5 && (fabs(a->x - b->x) > 0.01 || fabs(a->y - b->y) > 0.01)) {
                fprintf(stderr, "%s: \"%s\" moved from (%.1f, %.1f) to (%.1f, %.1f)%s\n",
                        slice_name, a->text, b->x, b->y, a->x, a->y,
                        a->has_leader || b->has_leader ? " (with a leader line)" : "");
                n++;
            }
        }
    }
    return n;
}

static void
test_size(int width, int height)
{
    fixture f;
    cm_scene *prev = NULL;
    size_t overlaps = 0, moved = 0, far = 0, crossing = 0, through = 0, leaders = 0;
    size_t labels = 0, dropped = 0;
    double farthest = 0;
    setup_example(&f, width, height);
    CHECK_INT(cm_slices_count(f.slices), 23);
    for (size_t i = 0; i < cm_slices_count(f.slices); i++) {
        cm_scene *sc = NULL;
        char name[64], when[CM_TIME_BUF];
        const cm_slice *sl = cm_slices_get(f.slices, i);
        snprintf(name, sizeof(name), "%dx%d %s", width, height,
                 cm_time_format_iso(cm_slice_time(sl), when));
        CHECK_INT(cm_scene_layout(&sc, f.base, sl, prev), CM_OK);
        overlaps += count_overlaps(sc, name);
        count_far_and_crossing(sc, name, layout_label_max_px(f.style), &farthest, &far,
                               &crossing, &through, &leaders);
        for (size_t k = 0; k < sc->n_labels; k++)
            labels += sc->labels[k].group == CM_GROUP_LABELS;
        dropped += cm_scene_n_dropped(sc);
        if (prev)
            moved += count_moved(prev, sc, name);
        cm_scene_destroy(prev);
        prev = sc;
    }
    cm_scene_destroy(prev);
    fprintf(stderr, "%dx%d: %zu overlaps, %zu labels moved between slices; %zu labels (%zu "
            "with a leader line), %zu dropped; the farthest %.1f px from its place (at most "
            "%.0f): %zu further, %zu leader lines crossing, %zu through a marker\n", width,
            height, overlaps, moved, labels, leaders, dropped, farthest,
            layout_label_max_px(f.style), far, crossing, through);
    CHECK_INT(overlaps, 0);
    CHECK_INT(moved, 0);
    CHECK_INT(far, 0);
    CHECK_INT(crossing, 0);
    CHECK_INT(through, 0);
    teardown(&f);
}

/* Writes @n events at random places (a fixed seed) in the box @lon0 + @dlon,
 * @lat0 + @dlat, one an hour round the clock, to @path. */
static void
write_random_events(const char *path, int n, unsigned seed, double lon0, double dlon,
                    double lat0, double dlat)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"map\": {\"bbox\": [45.5, 39.0, 48.0, 40.5]}, \"events\": [\n");
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        double lon = lon0 + dlon * (seed >> 16 & 0x7fff) / 32768.0;
        seed = seed * 1103515245u + 12345u;
        double lat = lat0 + dlat * (seed >> 16 & 0x7fff) / 32768.0;
        fprintf(f, "%s{\"time\": \"2020-10-09T%02d:00:00Z\", \"lon\": %.4f, \"lat\": %.4f, "
                "\"kind\": \"clash\"}\n", i ? "," : "", i % 24, lon, lat);
    }
    fprintf(f, "]}\n");
    fclose(f);
}

/* 200 places in a box 50 km across: most names cannot be placed, and none of
 * those placed may overlap another or a marker. */
static void
test_dense(void)
{
    write_random_events("dense-events.json", 200, 12345, 46.5, 0.5, 39.5, 0.4);
    static const char *const shapes[] = { "countries" };
    fixture fx;
    cm_scene *sc = NULL;
    setup(&fx, "dense-events.json", NULL, shapes, 1, 1600, 1200);
    const cm_slice *last = cm_slices_get(fx.slices, cm_slices_count(fx.slices) - 1);
    CHECK_INT(cm_slice_n_events(last), 200);
    CHECK_INT(cm_scene_layout(&sc, fx.base, last, NULL), CM_OK);
    size_t overlaps = count_overlaps(sc, "dense");
    fprintf(stderr, "dense: %zu overlaps, %zu of 200 labels dropped\n", overlaps,
            cm_scene_n_dropped(sc));
    CHECK_INT(overlaps, 0);
    CHECK(cm_scene_n_dropped(sc) > 0 && cm_scene_n_dropped(sc) < 200);
    cm_scene_destroy(sc);
    teardown(&fx);
    remove("dense-events.json");
}

/* A rayon named in initial_control is shaded for its holder, and a claimed
 * capture that names it as its area hatches it in the taker's colour; a
 * disputed one (the other side denies it) is hatched too, never solid. */
static void
test_areas(void)
{
    FILE *f = fopen("area-events.json", "w");
    fputs("{\"map\": {\"bbox\": [46.0, 39.0, 48.0, 40.5]},\n"
          " \"sides\": {\"AZ\": {\"color\": \"#2b6cb0\"}, \"AM\": {\"color\": \"#c53030\"}},\n"
          " \"initial_control\": {\"Khojavend\": \"AM\"},\n"
          " \"events\": [\n"
          "  {\"time\": \"2020-10-09T08:00:00Z\", \"lon\": 47.5, \"lat\": 40.2, \"kind\": \"clash\"},\n"
          "  {\"time\": \"2020-10-09T15:15:00Z\", \"lon\": 47.03, \"lat\": 39.52,\n"
          "   \"area\": \"Xocav\xc9\x99nd\", \"control\": {\"from\": \"AM\", \"to\": \"AZ\"}},\n"
          "  {\"time\": \"2020-10-09T16:00:00Z\", \"lon\": 47.03, \"lat\": 39.52, \"status\": \"disputed\",\n"
          "   \"area\": \"Xocav\xc9\x99nd\", \"control\": {\"from\": \"AZ\", \"to\": \"AM\"}}]}\n", f);
    fclose(f);
    static const char *const shapes[] = { "regions" };
    fixture fx;
    setup(&fx, "area-events.json", NULL, shapes, 1, 1200, 900);
    for (size_t i = 0; i < 3; i++) {
        cm_scene *sc = NULL;
        CHECK_INT(cm_scene_layout(&sc, fx.base, cm_slices_get(fx.slices, i), NULL), CM_OK);
        CHECK_INT(sc->n_areas, 1);
        if (sc->n_areas == 1) {
            /* the rayon's outline, dissolved (layout/territory.c), in its side's
             * territory, measured on the ellipsoid */
            CHECK(sc->areas[0].own != NULL);
            CHECK_STR(sc->areas[0].side, i == 1 ? "AZ" : "AM");
            size_t n_terr;
            const layout_territory_area *ta = layout_territory_areas(sc->territory, &n_terr);
            CHECK_INT(n_terr, 1);
            /* independently: ogr2ogr -t_srs "+proj=laea +lat_0=39.7 +lon_0=47
             * +ellps=WGS84" of the rayon, then OGR_GEOM_AREA: 1,532,186,871 m² */
            if (n_terr == 1)
                CHECK_NEAR(ta[0].km2, 1532.187, 0.2);
            CHECK_NEAR(sc->areas[0].color.r, i == 1 ? 0x2b / 255.0 : 0xc5 / 255.0, 1e-9);
            CHECK_INT(sc->areas[0].is_claimed, i >= 1);
        }
        cm_scene_destroy(sc);
    }
    teardown(&fx);
    remove("area-events.json");
}

/* The phone layout: the same slice on a portrait page of its own shows the
 * same events as the desktop page; the legend and the "New at" box are below
 * the map, every label on the map is above them, and the frame's words fit the
 * page's width. */
static void
test_phone(void)
{
    fixture desk, phone;
    cm_scene *prev_d = NULL, *prev_p = NULL;
    setup_example(&desk, 1600, 1200);
    setup_example(&phone, 360, 600);
    const double *r = phone.base->map_rect;
    double map_bottom = r[1] + r[3];
    CHECK(r[3] > 240);   /* the map keeps most of a phone's page */
    size_t n_below = 0;
    for (size_t i = 0; i < cm_slices_count(desk.slices); i++) {
        cm_scene *d = NULL, *p = NULL;
        const cm_slice *sd = cm_slices_get(desk.slices, i), *sp = cm_slices_get(phone.slices, i);
        CHECK_INT(cm_scene_layout(&d, desk.base, sd, prev_d), CM_OK);
        CHECK_INT(cm_scene_layout(&p, phone.base, sp, prev_p), CM_OK);
        if (!d || !p)
            break;
        CHECK_INT(cm_slice_n_events(sd), cm_slice_n_events(sp));
        for (size_t k = 0; k < cm_slice_n_events(sd) && k < cm_slice_n_events(sp); k++) {
            cm_event_state state;
            double x, y;
            const cm_event *e = cm_slice_event(sd, k, &state);
            const cm_event *e2 = cm_slice_event(sp, k, &state);
            CHECK_INT(cm_scene_event_xy(d, e, &x, &y), cm_scene_event_xy(p, e2, &x, &y));
        }
        for (size_t k = 0; k < p->n_labels; k++) {
            const cm_scene_label *lb = &p->labels[k];
            if (lb->group == CM_GROUP_LEGEND || lb->group == CM_GROUP_LATEST) {
                CHECK(lb->y >= map_bottom);
                n_below++;
            }
            if (lb->group == CM_GROUP_LABELS && lb->y + lb->h > map_bottom + 0.5)
                fprintf(stderr, "phone slice %zu: \"%s\" is below the map\n", i, lb->text);
            CHECK(lb->group != CM_GROUP_LABELS || lb->y + lb->h <= map_bottom + 0.5);
            CHECK(lb->x >= 0 && lb->x + lb->w <= 360 + 0.5);
        }
        CHECK_INT(count_overlaps(p, "phone"), 0);
        /* labels near their places on the phone's page too */
        double farthest = 0;
        size_t far = 0, crossing = 0, through = 0, leaders = 0;
        count_far_and_crossing(p, "phone", layout_label_max_px(phone.style), &farthest, &far,
                               &crossing, &through, &leaders);
        CHECK_INT(far + crossing + through, 0);
        cm_scene_destroy(prev_d);
        cm_scene_destroy(prev_p);
        prev_d = d;
        prev_p = p;
    }
    CHECK(n_below > 0);
    cm_scene_destroy(prev_d);
    cm_scene_destroy(prev_p);
    teardown(&desk);
    teardown(&phone);
}

/* A map too dense to show each place (3,000 places): places that share a
 * cell are one circle with the number of their events; every event still has
 * a position, the numbers add up, no two circles touch, and the legend says
 * what a numbered circle is. */
static void
test_clusters(void)
{
    write_random_events("cluster-events.json", 3000, 777, 46.0, 1.5, 39.3, 0.9);
    static const char *const shapes[] = { "countries" };
    fixture fx;
    cm_scene *sc = NULL;
    setup(&fx, "cluster-events.json", NULL, shapes, 1, 1600, 1200);
    const cm_slice *last = cm_slices_get(fx.slices, cm_slices_count(fx.slices) - 1);
    CHECK_INT(cm_scene_layout(&sc, fx.base, last, NULL), CM_OK);
    size_t n_circles = 0, in_circles = 0, single = 0, touching = 0, with_xy = 0, legend = 0;
    for (size_t i = 0; sc && i < sc->n_markers; i++) {
        const cm_scene_marker *a = &sc->markers[i];
        if (a->group != CM_GROUP_EVENTS || a->is_offmap)
            continue;
        if (a->count == 0) {
            single++;
            continue;
        }
        n_circles++;
        in_circles += a->count;
        for (size_t k = i + 1; k < sc->n_markers; k++) {
            const cm_scene_marker *b = &sc->markers[k];
            if (b->group == CM_GROUP_EVENTS && b->count &&
                hypot(a->x - b->x, a->y - b->y) < a->r + b->r)
                touching++;
        }
    }
    for (size_t k = 0; sc && k < cm_slice_n_events(last); k++) {
        cm_event_state state;
        double x, y;
        with_xy += (size_t)cm_scene_event_xy(sc, cm_slice_event(last, k, &state), &x, &y);
    }
    for (size_t i = 0; sc && i < sc->n_labels; i++)
        legend += sc->labels[i].group == CM_GROUP_LEGEND &&
                  strstr(sc->labels[i].text, "number") != NULL;
    fprintf(stderr, "clusters: %zu circles for %zu events, %zu single markers\n", n_circles,
            in_circles, single);
    CHECK(n_circles > 100);
    CHECK_INT(in_circles + single, 3000);
    CHECK_INT(with_xy, 3000);
    CHECK_INT(touching, 0);
    CHECK_INT(legend, 1);
    cm_scene_destroy(sc);
    teardown(&fx);
    remove("cluster-events.json");
}

int
main(void)
{
    test_areas();
    test_dense();
    test_clusters();
    test_size(1600, 1200);
    test_size(600, 600);
    test_size(1080, 1350);
    test_phone();
    return check_result("test_scene");
}
