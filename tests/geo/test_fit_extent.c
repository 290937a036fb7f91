/* Without map.bbox or --bbox the map fits every event near the story with a
 * margin and room for its label, and a far-away statement (Moscow, Paris, seen
 * from Karabakh) becomes an edge marker instead of stretching the map. */
#include "check.h"

#include <conflictmap/conflictmap.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 1600, H = 1200 };

/* The example without its bbox. */
static int
write_events(const char *path)
{
    char src[512];
    snprintf(src, sizeof src, "%s/examples/karabakh-2020-10-09.json", CM_SOURCE_DIR);
    json_t *root = json_load_file(src, 0, NULL);
    if (!root)
        return 0;
    json_object_del(json_object_get(root, "map"), "bbox");
    int ok = json_dump_file(root, path, JSON_INDENT(1)) == 0;
    json_decref(root);
    return ok;
}

static void
check_positions(json_t *positions)
{
    static const char *const far[] = { "kremlin-invites-ministers", "france-truce-soon",
                                       "turkey-truce-warning" };
    static const char *const near[] = { "qaracinar-farmhouse-shelled", "am-alleges-attack",
                                        "az-alleges-attack", "hadrut-claimed-1515",
                                        "mingachevir-truce-doubts", "chayli-claimed" };
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
        json_t *p = json_object_get(positions, near[i]);
        double x = json_number_value(json_array_get(p, 0));
        double y = json_number_value(json_array_get(p, 1));
        /* Inside, with a margin, and with a label's width free to its right. */
        if (!(x > 40 && x < W - 220 && y > 120 && y < H - 80))
            fprintf(stderr, "%s at %g, %g\n", near[i], x, y);
        CHECK(x > 40 && x < W - 220 && y > 120 && y < H - 80);
    }
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        json_t *p = json_object_get(positions, far[i]);
        double x = json_number_value(json_array_get(p, 0));
        double y = json_number_value(json_array_get(p, 1));
        int on_edge = x < 40 || x > W - 40 || y < 140;   /* the header ends near 95 px */
        if (!on_edge)
            fprintf(stderr, "%s at %g, %g is not an edge marker\n", far[i], x, y);
        CHECK(on_edge);
    }
}

int
main(void)
{
    const char *events = "fit-events.json";
    CHECK(write_events(events));
    cm_render_options o = { 0 };
    o.events_path = events;
    o.out_dir = "fit-out";
    o.formats = CM_FORMAT_PNG;
    o.width_px = W;
    o.height_px = H;
    o.scale = 1;
    char shapes[512], gaz[512];
    snprintf(shapes, sizeof shapes, "%s/shapes", CM_SOURCE_DIR);
    snprintf(gaz, sizeof gaz, "%s/gazetteer/caucasus.tsv", CM_SOURCE_DIR);
    const char *shape_list[] = { shapes }, *gaz_list[] = { gaz };
    o.shapes = shape_list;
    o.n_shapes = 1;
    o.gazetteers = gaz_list;
    o.n_gazetteers = 1;
    o.no_shipped_data = 1;   /* these files only, whatever is installed */
    cm_time at = 0;
    CHECK(cm_time_parse("2020-10-09T21:00:00Z", &at) == NULL);
    o.slicing.at = &at;   /* one slice, with every event of the day */
    o.slicing.n_at = 1;
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = cm_render(&o, diags, NULL);
    CHECK_INT(st, CM_OK);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
    json_t *manifest = json_load_file("fit-out/manifest.json", 0, NULL);
    json_t *slices = json_object_get(manifest, "slices");
    json_t *last = json_array_get(slices, json_array_size(slices) - 1);
    CHECK(last != NULL);
    if (last)
        check_positions(json_object_get(last, "positions"));
    json_decref(manifest);
    cm_diag_list_destroy(diags);
    return check_result("test_fit_extent");
}
