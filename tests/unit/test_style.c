/* Styles: presets, a style file that changes a few keys, and the messages a
 * broken style file gets. */
#include "check.h"
#include "fixture.h"
#include "load/style.h"

static void
test_presets(void)
{
    cm_style *s = NULL;
    CHECK_INT(cm_style_load(&s, "dark", NULL), CM_OK);
    CHECK_STR(cm_style_name(s), "dark");
    CHECK_STR(s->font_family, "Noto Sans");
    cm_style_destroy(s);
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_style_load(&s, "sepia", diags), CM_ERR_INPUT);
    CHECK(s == NULL);
    CHECK_STR(cm_diag_text(diags, 0), "there is no style \"sepia\"; the built-in styles are "
              "\"light\", \"dark\" and \"print\", or give a style file ending in .json");
    cm_diag_list_destroy(diags);
}

static void
test_file(void)
{
    char *path = fixture_write("style", "{\"base\": \"print\", \"name\": \"Desk\",\n"
                               " \"water\": \"#102030\", \"title_px\": 30,\n"
                               " \"country_border\": {\"width_px\": 2, \"dash_px\": [4, 2]},\n"
                               " \"colour\": \"#fff\"}\n");
    char json_path[64];
    snprintf(json_path, sizeof(json_path), "./%s.json", path);
    rename(path, json_path);
    cm_style *s = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_style_load(&s, json_path, diags), CM_OK);
    if (s) {
        CHECK_STR(cm_style_name(s), "Desk");
        CHECK_NEAR(s->water.r, 0x10 / 255.0, 1e-9);
        CHECK_NEAR(s->water.b, 0x30 / 255.0, 1e-9);
        CHECK_NEAR(s->title_px, 30, 0);
        CHECK_NEAR(s->country_border.width_px, 2, 0);
        CHECK_NEAR(s->country_border.dash_px[0], 4, 0);
        CHECK_NEAR(s->halo.a, 1, 0);   /* from the print preset */
    }
    char want[256];
    snprintf(want, sizeof(want), "%s:4:2: warning: \"colour\" is not a style key; it is "
             "ignored (docs/style.md lists them)", json_path);
    CHECK_STR(cm_diag_text(diags, 0), want);
    cm_style_destroy(s);
    cm_diag_list_destroy(diags);
    unlink(json_path);
    free(path);
}

static void
test_bad_file(void)
{
    char *path = fixture_write("style", "{\"water\": \"blue\",\n \"label_px\": -3,\n"
                               " \"base\": \"sepia\"}\n");
    char json_path[64];
    snprintf(json_path, sizeof(json_path), "./%s.json", path);
    rename(path, json_path);
    cm_style *s = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_style_load(&s, json_path, diags), CM_ERR_INPUT);
    CHECK(s == NULL);
    cm_diag_sort(diags);
    CHECK_INT(cm_diag_count(diags), 3);
    const char *want[3] = {
        ":1:11: \"water\" should be a colour such as \"#2b6cb0\" (or \"#2b6cb0cc\" with opacity)",
        ":2:14: \"label_px\" should be a number of pixels from 0 to 500",
        ":3:10: \"base\" should name a built-in style: \"light\", \"dark\" or \"print\"",
    };
    for (size_t i = 0; i < 3 && i < cm_diag_count(diags); i++) {
        char full[256];
        snprintf(full, sizeof(full), "%s%s", json_path, want[i]);
        CHECK_STR(cm_diag_text(diags, i), full);
    }
    cm_diag_list_destroy(diags);
    unlink(json_path);
    free(path);
}

int
main(void)
{
    test_presets();
    test_file();
    test_bad_file();
    return check_result("test_style");
}
