/* ACLED import: the hand-made export in tests/data becomes the events the
 * mapping promises, the result loads as an events file, and broken cells are
 * reported at their line and column. */
#include "check.h"
#include "fixture.h"
#include "conflictmap/acled.h"

#include <jansson.h>

static json_t *
convert(const char *path, cm_status want)
{
    char *text = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_acled_convert(path, &text, diags), want);
    for (size_t i = 0; want == CM_OK && i < cm_diag_count(diags); i++)
        fprintf(stderr, "unexpected: %s\n", cm_diag_text(diags, i));
    cm_diag_list_destroy(diags);
    json_t *root = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return root;
}

static const char *
event_str(json_t *root, size_t i, const char *key)
{
    json_t *ev = json_array_get(json_object_get(root, "events"), i);
    return json_string_value(json_object_get(ev, key));
}

static json_t *
event_get(json_t *root, size_t i, const char *key)
{
    return json_object_get(json_array_get(json_object_get(root, "events"), i), key);
}

static void
test_fixture(void)
{
    json_t *root = convert(CM_SOURCE_DIR "/tests/data/acled-karabakh-2020.csv", CM_OK);
    CHECK(root != NULL);
    if (!root)
        return;
    CHECK_INT(json_array_size(json_object_get(root, "events")), 10);
    static const char *const kinds[10] = {
        "control", "shelling", "strike", "clash", "casualties", "statement", "protest",
        "control", "control", "protest"
    };
    static const char *const times[10] = {
        "2020-10-09T00:00:00Z", "2020-10-09T00:00:00Z", "2020-10-09T00:00:00Z",
        "2020-10-08T00:00:00Z", "2020-10-09T00:00:00Z", "2020-10-10T00:00:00Z",
        "2020-10-11T00:00:00Z", "2020-10-12T00:00:00Z", "2020-10-10T00:00:00Z",
        "2020-10-11T00:00:00Z",
    };
    for (size_t i = 0; i < 10; i++) {
        CHECK_STR(event_str(root, i, "kind"), kinds[i]);
        CHECK_STR(event_str(root, i, "time"), times[i]);
    }
    CHECK_STR(event_str(root, 0, "id"), "AZE1601");
    CHECK_STR(event_str(root, 0, "place"), "Hadrut");
    CHECK_NEAR(json_real_value(event_get(root, 0, "lon")), 47.032, 1e-9);
    CHECK_NEAR(json_real_value(event_get(root, 0, "lat")), 39.52, 1e-9);
    /* Territory: actor1 takes it from actor2; sides named without their years. */
    json_t *control = event_get(root, 0, "control");
    CHECK_STR(json_string_value(json_object_get(control, "to")), "MFAZE");
    CHECK_STR(json_string_value(json_object_get(control, "from")), "MFNKAR");
    json_t *sides = json_object_get(root, "sides");
    CHECK_INT(json_object_size(sides), 2);
    CHECK_STR(json_string_value(json_object_get(json_object_get(sides, "MFAZE"), "name")),
              "Military Forces of Azerbaijan");
    control = event_get(root, 8, "control");
    CHECK_STR(json_string_value(json_object_get(control, "to")), "MFNKAR");
    CHECK_STR(json_string_value(json_object_get(control, "from")), "MFAZE");
    control = event_get(root, 7, "control");   /* no actor2: no "from" */
    CHECK_STR(json_string_value(json_object_get(control, "to")), "MFAZE");
    CHECK(json_object_get(control, "from") == NULL);
    CHECK_INT(json_integer_value(event_get(root, 1, "precision")), 2);
    CHECK_INT(json_integer_value(event_get(root, 8, "precision")), 3);
    /* Fatalities: kept, and said in the text; an empty cell is neither. */
    CHECK_INT(json_integer_value(event_get(root, 3, "fatalities")), 12);
    CHECK_STR(event_str(root, 3, "text"), "Fighting continued around Jabrayil, with both "
              "sides reporting heavy losses. Fatality figures are estimates. Fatalities "
              "recorded by ACLED: 12.");
    CHECK(event_get(root, 7, "fatalities") == NULL);
    CHECK_STR(event_str(root, 7, "text"), "Azerbaijani forces entered Sur after Armenian "
              "units withdrew without fighting.");
    /* A quoted note keeps its line break and quotes. */
    CHECK(strstr(event_str(root, 1, "text"), "farmhouse.\nNo casualties") != NULL);
    CHECK_STR(event_str(root, 2, "source"), "Armenia Ministry of Defence; \"Armenpress\"");
    CHECK_STR(event_str(root, 2, "headline"), "Air/drone strike in Martuni");
    CHECK_STR(event_str(root, 2, "actor1"), "Military Forces of Azerbaijan (2003-)");
    CHECK_STR(json_string_value(json_object_get(root, "subtitle")),
              "8 October 2020 to 12 October 2020");

    /* The result is an events file that loads without a problem. */
    char *text = json_dumps(root, 0);
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_events *ev = NULL;
    cm_diag_list *diags = NULL;
    CHECK_INT(fixture_events(text, gaz, &ev, &diags, NULL), CM_OK);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "unexpected: %s\n", cm_diag_text(diags, i));
    if (ev) {
        CHECK_INT(cm_events_count(ev), 10);
        CHECK_STR(cm_event_control_to(cm_events_get(ev, 0)), "MFAZE");
        CHECK_STR(cm_event_status(cm_events_get(ev, 0)), "claimed");
    }
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
    cm_gazetteer_destroy(gaz);
    free(text);
    json_decref(root);
}

/* Columns in another order, extra columns, the ISO date form. */
static void
test_column_order(void)
{
    char *path = fixture_write("acled",
        "longitude,latitude,my_note,event_date,sub_event_type,event_type\n"
        "46.79,40.61,x,2020-10-09,Remote explosive/landmine/IED,Explosions/Remote violence\n");
    json_t *root = convert(path, CM_OK);
    CHECK_STR(event_str(root, 0, "kind"), "strike");
    CHECK_STR(event_str(root, 0, "time"), "2020-10-09T00:00:00Z");
    CHECK_STR(event_str(root, 0, "headline"), "Remote explosive/landmine/IED");
    CHECK(event_get(root, 0, "id") == NULL);
    CHECK(event_get(root, 0, "my_note") == NULL);
    CHECK(json_object_get(root, "sides") == NULL);
    json_decref(root);
    unlink(path);
    free(path);
}

static void
expect(const char *text, const char *const *messages, size_t n)
{
    char *path = fixture_write("acled", text);
    cm_diag_list *diags = cm_diag_list_create();
    char *json = NULL;
    CHECK_INT(cm_acled_convert(path, &json, diags), CM_ERR_INPUT);
    CHECK(json == NULL);
    cm_diag_sort(diags);
    CHECK_INT(cm_diag_count(diags), n);
    for (size_t i = 0; i < n && i < cm_diag_count(diags); i++) {
        char want[1024];
        snprintf(want, sizeof(want), "%s:%s", path, messages[i]);
        CHECK_STR(cm_diag_text(diags, i), want);
    }
    cm_diag_list_destroy(diags);
    unlink(path);
    free(path);
}

static void
test_errors(void)
{
    static const char *const missing[] = {
        "1:1: the file has no \"event_type\" column; an ACLED export names event_date, "
        "event_type, latitude and longitude in its first row",
        "1:1: the file has no \"longitude\" column; an ACLED export names event_date, "
        "event_type, latitude and longitude in its first row",
    };
    expect("event_date,latitude\n09 October 2020,40\n", missing, 2);

    static const char *const cells[] = {
        "2:6: event_date \"31 September 2020\" is not a date such as \"09 October 2020\" or "
        "\"2020-10-09\"",
        "2:24: latitude \"95\" should be a latitude in degrees, from -90 to 90",
        "3:1: event_id_cnty \"A1\" is used twice; the first is on line 2; remove the "
        "repeated row",
        "3:23: longitude \"\" should be a longitude in degrees, from -180 to 180",
        "3:24: geo_precision \"4\" should be 1, 2 or 3, as ACLED codes it",
        "5:66: a change of territory (\"Non-state actor overtakes territory\") needs actor1, "
        "the side that takes the place",
    };
    expect("event_id_cnty,event_date,latitude,longitude,geo_precision,event_type,"
           "sub_event_type,actor1\n"
           "\"A1\",31 September 2020,95,46,1,Battles,Armed clash,X\n"
           "A1,09 October 2020,40,,4,Battles,\"Armed\nclash\",X\n"
           "A3,9 Oct 2020,40,46,,Battles,Non-state actor overtakes territory,\n",
           cells, 6);

    static const char *const empty[] = {
        "1:1: the file has no events; an ACLED export has a header row and one row per event",
    };
    expect("event_date,event_type,latitude,longitude\n\n", empty, 1);
}

int
main(void)
{
    test_fixture();
    test_column_order();
    test_errors();
    return check_result("test_acled");
}
