/* The events file: what loads, and the exact message and position of what
 * does not. */
#include "check.h"
#include "fixture.h"

static const char good[] =
    "{\n"
    "  \"title\": \"Test\",\n"
    "  \"sides\": {\"AZ\": {\"name\": \"Azerbaijan\", \"color\": \"#2b6cb0\"},\n"
    "            \"AM\": {\"name\": \"Armenian forces\", \"color\": \"#c53030\"}},\n"
    "  \"initial_control\": {\"Hadrut\": \"AM\"},\n"
    "  \"events\": [\n"
    "    {\"id\": \"hadrut\", \"time\": \"2020-10-09T19:15:00+04:00\", \"place\": \"HADRUD\",\n"
    "     \"kind\": \"control\", \"control\": {\"from\": \"AM\", \"to\": \"AZ\"},\n"
    "     \"claimed_by\": \"AZ\", \"headline\": \"Azerbaijan says it took Hadrut\",\n"
    "     \"video\": \"https://example.org/v\"},\n"
    "    {\"time\": \"2020-10-09T08:00:00Z\", \"lon\": 46.79, \"lat\": 40.61,\n"
    "     \"kind\": \"shelling\", \"precision\": 2}\n"
    "  ]\n"
    "}\n";

static void
test_good(void)
{
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_events *ev = NULL;
    cm_diag_list *diags;
    cm_status st = fixture_events(good, gaz, &ev, &diags, NULL);
    CHECK_INT(st, CM_OK);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "unexpected: %s\n", cm_diag_text(diags, i));
    if (st == CM_OK) {
        CHECK_STR(cm_events_title(ev), "Test");
        CHECK_INT(cm_events_count(ev), 2);
        CHECK_INT(cm_events_n_sides(ev), 2);
        const cm_event *e = cm_events_get(ev, 0);
        CHECK_STR(cm_event_id(e), "hadrut");
        CHECK_INT(cm_event_time(e), 1602256500);
        CHECK_STR(cm_place_name(cm_event_place(e)), "Hadrut");
        CHECK_NEAR(cm_event_lon(e), 47.032, 1e-9);
        CHECK_STR(cm_event_status(e), "claimed");       /* control defaults to claimed */
        CHECK_STR(cm_event_control_to(e), "AZ");
        CHECK_STR(cm_event_extra_json(e), "{\"video\":\"https://example.org/v\"}");
        CHECK_INT(cm_event_pos(e).line, 7);
        CHECK_INT(cm_event_pos(e).col, 5);
        e = cm_events_get(ev, 1);
        CHECK_STR(cm_event_status(e), "reported");      /* others to reported, not confirmed */
        CHECK_INT(cm_event_precision(e), 2);
        CHECK(cm_event_place(e) == NULL);
        CHECK(strncmp(cm_event_id(e), "ev-", 3) == 0);   /* generated */
        double rgb[3];
        cm_side_rgb(cm_events_find_side(ev, "AM"), rgb);
        CHECK_NEAR(rgb[0], 0xc5 / 255.0, 1e-9);
    }
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
    cm_gazetteer_destroy(gaz);
}

/* One bad file, and the messages it must produce, in order. */
static void
expect(const char *text, const char *const *messages, size_t n)
{
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_events *ev = NULL;
    cm_diag_list *diags;
    char *path = NULL;
    cm_status st = fixture_events(text, gaz, &ev, &diags, &path);
    CHECK_INT(st, CM_ERR_INPUT);
    CHECK(ev == NULL);
    cm_diag_sort(diags);
    CHECK_INT(cm_diag_count(diags), n);
    for (size_t i = 0; i < n && i < cm_diag_count(diags); i++) {
        char want[1024];
        snprintf(want, sizeof(want), "%s:%s", path, messages[i]);
        CHECK_STR(cm_diag_text(diags, i), want);
    }
    for (size_t i = n; i < cm_diag_count(diags); i++)
        fprintf(stderr, "extra: %s\n", cm_diag_text(diags, i));
    free(path);
    cm_diag_list_destroy(diags);
    cm_gazetteer_destroy(gaz);
}

static void
test_bad(void)
{
    static const char *const syntax[] = {
        "3:3: this is not valid JSON: '}' expected near '\"b\"'; check for a missing "
        "comma, quote or bracket just before this point"
    };
    expect("{\"events\": [\n {\"a\": 1\n  \"b\": 2}]}\n", syntax, 1);

    static const char *const cut[] = {
        "3:1: the JSON ends too early (']' expected near end of file); is the file cut "
        "short, or a bracket or quote missing?"
    };
    expect("{\"events\": [\n {\"a\": 1}\n", cut, 1);

    static const char *const several[] = {
        "2:24: time \"2020-10-09T15:15:00\" has no time zone; add \"Z\" for GMT or an "
        "offset such as \"+04:00\"",
        "2:56: unknown place \"Goranbay\"; did you mean \"Goranboy\"?",
        "3:13: time \"2020-02-30T10:00:00Z\" is not a real date",
        "3:55: \"lat\" is 95, outside -90..90 degrees; are longitude and latitude swapped?",
        "4:4: the event has no location; add \"place\" (a name from the gazetteer) or "
        "\"lon\" and \"lat\"",
        "4:11: id \"a\" is used twice; the first is on line 2; ids must be unique",
    };
    expect("{\"events\": [\n"
           "   {\"id\": \"a\", \"time\": \"2020-10-09T15:15:00\", \"place\": \"Goranbay\"},\n"
           "   {\"time\": \"2020-02-30T10:00:00Z\", \"lon\": 40, \"lat\": 95},\n"
           "   {\"id\": \"a\", \"time\": \"2020-10-09T15:15:00Z\"}\n"
           "]}\n", several, 6);

    static const char *const sides[] = {
        "3:73: \"to\" \"ARM\" is not a side in \"sides\"; the sides are AZ, AM",
    };
    expect("{\"sides\": {\"AZ\": {}, \"AM\": {}},\n \"events\": [\n"
           "  {\"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Hadrut\", \"control\": "
           "{\"to\": \"ARM\"}}]}\n", sides, 1);

    static const char *const empty[] = {
        "1:12: the file has no events; add at least one to \"events\"",
    };
    expect("{\"events\": []}", empty, 1);

    static const char *const latin1[] = {
        "1:28: byte 0xE7 is not UTF-8 (the file may be in Latin-1 or Windows-1252); save "
        "it as UTF-8 and try again",
    };
    expect("{\"events\": [{\"place\": \"Qara\xe7inar\"}]}", latin1, 1);

    static const char *const dup[] = {
        "1:46: duplicate object key near '\"time\"'; each key may appear once in an object",
    };
    expect("{\"events\": [{\"time\": \"2020-10-09T15:15:00Z\", \"time\": \"x\"}]}", dup, 1);
}

static void
test_bom_and_geojson(void)
{
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_events *ev = NULL;
    cm_diag_list *diags;
    cm_status st = fixture_events(
        "\xef\xbb\xbf{\"type\": \"FeatureCollection\", \"title\": \"G\", \"features\": [\n"
        " {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": "
        "[49.89, 40.38]}, \"properties\": {\"time\": \"2020-10-09T13:53:00Z\", "
        "\"kind\": \"statement\"}},\n"
        " {\"type\": \"Feature\", \"geometry\": null, \"properties\": {\"time\": "
        "\"2020-10-09T13:55:00Z\", \"place\": \"moscow\", \"kind\": \"talks\"}}]}\n",
        gaz, &ev, &diags, NULL);
    CHECK_INT(st, CM_OK);
    if (ev) {
        CHECK_INT(cm_events_count(ev), 2);
        CHECK_NEAR(cm_event_lon(cm_events_get(ev, 0)), 49.89, 1e-9);
        CHECK_STR(cm_place_name(cm_event_place(cm_events_get(ev, 1))), "Moscow");
    }
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
    cm_gazetteer_destroy(gaz);
}

static void
test_unreadable(void)
{
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_events *ev = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    CHECK_INT(cm_events_load(&ev, "no-such-file.json", gaz, diags), CM_ERR_IO);
    CHECK_STR(cm_diag_text(diags, 0),
              "no-such-file.json: cannot read \"no-such-file.json\": No such file or directory");
    cm_diag_list_destroy(diags);
    cm_gazetteer_destroy(gaz);
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* A spreadsheet's export with its settings beside it loads as the JSON form
 * would: same values, positions at the cells. */
static void
test_csv(void)
{
    write_file("sheet.settings.json",
               "{\"title\": \"From a sheet\", \"sides\": {\"AZ\": {\"name\": \"Azerbaijan\"},"
               " \"AM\": {}}, \"initial_control\": {\"Hadrut\": \"AM\"}, \"desk\": \"world\"}\n");
    write_file("sheet.csv",
               "\xEF\xBB\xBFId;Time;Place;Kind;Control from;Control to;Headline;Lon;Lat;"
               "Precision;Video\r\n"
               "hadrut;2020-10-09T19:15:00+04:00;HADRUD;control;AM;AZ;\"Taken; \"\"again\"\"\r\n"
               "says Baku\";;;;https://example.org/v\r\n"
               "2;2020-10-09T08:00:00Z;;shelling;;;Farm hit;46,79;40,61;2;\r\n"
               ";;;;;;;;;;\r\n");
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_diag_list *diags = cm_diag_list_create();
    cm_events *ev = NULL;
    CHECK_INT(cm_events_load(&ev, "sheet.csv", gaz, diags), CM_OK);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "unexpected: %s\n", cm_diag_text(diags, i));
    if (ev) {
        CHECK_STR(cm_events_title(ev), "From a sheet");
        CHECK_STR(cm_events_extra_json(ev), "{\"desk\":\"world\"}");
        CHECK_INT(cm_events_count(ev), 2);
        CHECK_INT(cm_events_n_initial(ev), 1);
        const cm_event *e = cm_events_get(ev, 0);
        CHECK_STR(cm_event_id(e), "hadrut");
        CHECK_INT(cm_event_time(e), 1602256500);
        CHECK_STR(cm_place_name(cm_event_place(e)), "Hadrut");
        CHECK_STR(cm_event_control_from(e), "AM");
        CHECK_STR(cm_event_control_to(e), "AZ");
        CHECK_STR(cm_event_headline(e), "Taken; \"again\"\nsays Baku");
        CHECK_STR(cm_event_extra_json(e), "{\"Video\":\"https://example.org/v\"}");
        CHECK_INT(cm_event_pos(e).line, 2);
        e = cm_events_get(ev, 1);
        CHECK_STR(cm_event_id(e), "2");
        CHECK_NEAR(cm_event_lon(e), 46.79, 1e-9);
        CHECK_NEAR(cm_event_lat(e), 40.61, 1e-9);
        CHECK_INT(cm_event_precision(e), 2);
        CHECK_INT(cm_event_pos(e).line, 4);
    }
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);

    /* The same checks and messages as the JSON form, at the cell. */
    write_file("sheet.csv", "time,place,lon,lat,status,claimed_by\n"
               "2020-10-09T15:15,Goranbay,,,,XX\n"
               "2020-10-09T15:15:00Z,,east,40,rumoured,\n"
               "2020-10-09T15:15:00Z,,,,,\n");
    diags = cm_diag_list_create();
    CHECK_INT(cm_events_load(&ev, "sheet.csv", gaz, diags), CM_ERR_INPUT);
    CHECK(ev == NULL);
    static const char *const want[] = {
        "sheet.csv:2:1: time \"2020-10-09T15:15\" has no time zone; say which zone the "
        "file's times are in with \"timezone\" (such as \"UTC\", \"+04:00\" or "
        "\"Asia/Baku\") in sheet.settings.json, or with --timezone",
        "sheet.csv:2:18: unknown place \"Goranbay\"; did you mean \"Goranboy\"?",
        "sheet.csv:2:30: \"claimed_by\" \"XX\" is not a side in \"sides\"; the sides are AZ, AM",
        "sheet.csv:3:23: \"lon\" should be a number of degrees, not text",
        "sheet.csv:3:31: status \"rumoured\" is not one of \"reported\", \"claimed\", \"confirmed\" or "
        "\"disputed\"",
        "sheet.csv:4:1: the event has no location; add \"place\" (a name from the gazetteer) "
        "or \"lon\" and \"lat\"",
    };
    cm_diag_sort(diags);
    CHECK_INT(cm_diag_count(diags), 6);
    for (size_t i = 0; i < 6 && i < cm_diag_count(diags); i++)
        CHECK_STR(cm_diag_text(diags, i), want[i]);
    cm_diag_list_destroy(diags);
    unlink("sheet.settings.json");

    /* Hints name the cells and the settings file, not JSON syntax. */
    write_file("sheet.csv", "time,place,kind,control_from\n"
               "2020-10-09T15:15:00Z,Hadrut,control,AM\n"
               ",Hadrut,control,\n");
    diags = cm_diag_list_create();
    CHECK_INT(cm_events_load(&ev, "sheet.csv", gaz, diags), CM_ERR_INPUT);
    static const char *const hints[] = {
        "sheet.csv:2:37: \"control_from\" needs \"control_to\": the side that takes the "
        "place, such as AZ",
        "sheet.csv:2:37: control_from \"AM\" names a side, but there are no \"sides\"; add "
        "\"sides\": {\"AM\": {\"name\": \"...\"}} to sheet.settings.json",
        "sheet.csv:3:1: the event has no \"time\"; fill in its time cell, such as "
        "2020-10-09T15:15:00Z",
        "sheet.csv:3:1: a \"control\" event needs the sides in its control_from and "
        "control_to cells, such as AM and AZ",
    };
    cm_diag_sort(diags);
    CHECK_INT(cm_diag_count(diags), 4);
    for (size_t i = 0; i < 4 && i < cm_diag_count(diags); i++)
        CHECK_STR(cm_diag_text(diags, i), hints[i]);
    cm_diag_list_destroy(diags);
    unlink("sheet.csv");
    cm_gazetteer_destroy(gaz);
}

/* Events without ids get generated ones, unique among all the file's ids:
 * two alike events get two ids, and an id a file already uses is not given
 * again. */
static void
test_generated_ids(void)
{
    static const char alike[] =
        "{\"events\": [\n"
        " {\"time\": \"2020-10-09T08:00:00Z\", \"lon\": 46.5, \"lat\": 40.1, \"kind\": \"shelling\"},\n"
        " {\"time\": \"2020-10-09T08:00:00Z\", \"lon\": 46.5, \"lat\": 40.1, \"kind\": \"shelling\"}\n"
        "]}\n";
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_events *ev = NULL;
    cm_diag_list *diags;
    char first[32] = "", second[32] = "", text[1024];
    CHECK_INT(fixture_events(alike, gaz, &ev, &diags, NULL), CM_OK);
    if (ev) {
        snprintf(first, sizeof(first), "%s", cm_event_id(cm_events_get(ev, 0)));
        snprintf(second, sizeof(second), "%s", cm_event_id(cm_events_get(ev, 1)));
        CHECK(strncmp(first, "ev-", 3) == 0 && strncmp(second, "ev-", 3) == 0);
        CHECK(strcmp(first, second) != 0);
    }
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
    /* The first one's id taken by a third event: the first gets another. */
    snprintf(text, sizeof(text),
             "{\"events\": [\n"
             " {\"time\": \"2020-10-09T08:00:00Z\", \"lon\": 46.5, \"lat\": 40.1, \"kind\": \"shelling\"},\n"
             " {\"id\": \"%s\", \"time\": \"2020-10-09T09:00:00Z\", \"lon\": 46.6, \"lat\": 40.2, "
             "\"kind\": \"shelling\"}\n]}\n", first);
    ev = NULL;
    CHECK_INT(fixture_events(text, gaz, &ev, &diags, NULL), CM_OK);
    if (ev) {
        CHECK_STR(cm_event_id(cm_events_get(ev, 1)), first);
        CHECK(strcmp(cm_event_id(cm_events_get(ev, 0)), first) != 0);
        CHECK_STR(cm_event_id(cm_events_get(ev, 0)), second);   /* the next attempt's */
    }
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
    cm_gazetteer_destroy(gaz);
}

/* "timezone" and "date_order" hold for the events before them in the file
 * too, and for "end"; --timezone (cm_events_options) wins over the file's. */
static void
test_zone_keys(void)
{
    write_file("zoned.json",
               "{\"events\": [{\"time\": \"10/09/2020 19:15\", \"place\": \"Hadrut\",\n"
               "              \"end\": \"2020-10-09 20:00\"},\n"
               "             {\"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Hadrut\"}],\n"
               " \"timezone\": \"Asia/Baku\", \"date_order\": \"MDY\"}\n");
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_diag_list *diags = cm_diag_list_create();
    cm_events *ev = NULL;
    CHECK_INT(cm_events_load(&ev, "zoned.json", gaz, diags), CM_OK);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "unexpected: %s\n", cm_diag_text(diags, i));
    if (ev) {
        CHECK_INT(cm_event_time(cm_events_get(ev, 0)), 1602256500);   /* 15:15Z */
        cm_time end = 0;
        CHECK_INT(cm_event_end(cm_events_get(ev, 0), &end), 1);
        CHECK_INT(end, 1602259200);   /* 16:00Z */
        CHECK_INT(cm_event_time(cm_events_get(ev, 1)), 1602256500);
        CHECK_STR(cm_events_extra_json(ev), "{}");   /* known keys, not passed on */
    }
    cm_events_destroy(ev);
    cm_events_options opt = { NULL, "UTC", NULL, NULL };
    CHECK_INT(cm_events_load_with(&ev, "zoned.json", gaz, &opt, diags), CM_OK);
    if (ev)
        CHECK_INT(cm_event_time(cm_events_get(ev, 0)), 1602270900);   /* 19:15Z */
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
    cm_gazetteer_destroy(gaz);
    unlink("zoned.json");
}

int
main(void)
{
    test_good();
    test_generated_ids();
    test_bad();
    test_bom_and_geojson();
    test_unreadable();
    test_csv();
    test_zone_keys();
    return check_result("test_events");
}
