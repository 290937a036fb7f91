/* Names resolved by context, with the small world database (tests/CMakeLists.txt):
 * a country in the name or in "country", the map's bbox, the file's other
 * events, then rank; the warning that names a runner-up as likely, the reason
 * validate --explain prints, and the errors for names not in the country
 * given and for countries nobody knows. */
#include "check.h"
#include "fixture.h"

static cm_gazetteer *gaz;

/* Loads @events_json (the "events" list and any top-level keys before it);
 * the diagnostics, sorted, go to *diags. */
static cm_events *
load(const char *top, const char *events_json, cm_diag_list **diags, cm_status *st)
{
    char text[8192];
    cm_events *ev = NULL;
    snprintf(text, sizeof(text), "{%s\"events\": [%s]}", top, events_json);
    *st = fixture_events(text, gaz, &ev, diags, NULL);
    cm_diag_sort(*diags);
    return ev;
}

#define EV(place) "{\"time\": \"2022-11-10T10:00:00Z\", \"place\": \"" place "\"}"
#define EVC(place, country) "{\"time\": \"2022-11-10T10:00:00Z\", \"place\": \"" place \
                            "\", \"country\": \"" country "\"}"

/* The place of the last event of a file: its country, and that nothing else
 * was said unless @warning (the text of the one warning expected). */
static void
expect_place(const char *top, const char *events_json, const char *country, double lon,
             const char *warning, const char *why)
{
    cm_diag_list *diags;
    cm_status st;
    cm_events *ev = load(top, events_json, &diags, &st);
    CHECK_INT(st, CM_OK);
    CHECK_INT(cm_diag_count(diags), warning ? 1 : 0);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        if (!warning || strcmp(cm_diag_message(diags, i), warning) != 0)
            fprintf(stderr, "%s: unexpected %s\n", events_json, cm_diag_text(diags, i));
    if (ev) {
        const cm_event *e = cm_events_get(ev, cm_events_count(ev) - 1);
        const cm_place *p = cm_event_place(e);
        CHECK(p != NULL);
        if (p && (strcmp(cm_place_country(p), country) || fabs(cm_place_lon(p) - lon) > 1e-4)) {
            fprintf(stderr, "%s: %s (%s) at %.4f, expected %s at %.4f\n", events_json,
                    cm_place_name(p), cm_place_country(p), cm_place_lon(p), country, lon);
            check_failures++;
        }
        if (why)
            CHECK_STR(cm_event_place_why(e), why);
    }
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
}

static void
expect_error(const char *top, const char *events_json, const char *message)
{
    cm_diag_list *diags;
    cm_status st;
    cm_events *ev = load(top, events_json, &diags, &st);
    CHECK_INT(st, CM_ERR_INPUT);
    CHECK_INT(cm_diag_error_count(diags), 1);
    CHECK_STR(cm_diag_count(diags) ? cm_diag_message(diags, 0) : NULL, message);
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
}

static void
test_shared_names(void)
{
    /* Martuni: Karabakh's in a Karabakh file, though Armenia's is larger and
     * both are inside its bbox; Armenia's, the larger, is named. */
    const char *martuni = "\"Martuni\" may be Martuni in Azerbaijan (AZ) or Martuni in "
                          "Armenia (AM); the first, nearer the file's other places, is taken; "
                          "write \"Martuni (AM)\" or give the event a \"country\" to choose "
                          "the other";
    expect_place("\"map\": {\"bbox\": [44.2, 38.7, 50.2, 41.3]},",
                 EV("Hadrut") "," EV("Stepanakert") "," EV("Yerevan") "," EV("Martuni"), "AZ",
                 47.1117, martuni, NULL);
    /* Without Yerevan in the file, Armenia's is out of its area: no doubt. */
    expect_place("", EV("Hadrut") "," EV("Shusha") "," EV("Martuni"), "AZ", 47.1117, NULL,
                 "among the file's other events; Martuni in Armenia (AM) is 153 km from them");
    expect_place("", EV("Hadrut") "," EV("Shusha") "," EVC("Martuni", "AM"), "AM", 45.30548,
                 NULL, NULL);
    /* Tripoli: Lebanon's in a Lebanon timeline, Libya's alone, with a warning. */
    expect_place("", EV("Beirut") "," EV("Sidon") "," EV("Baalbek") "," EV("Tripoli"), "LB",
                 35.84415, NULL, "among the file's other events; Tripoli in Libya (LY) is "
                 "2071 km from them");
    expect_place("", EV("Tripoli"), "LY", 13.18733,
                 "\"Tripoli\" may be Tripoli in Libya (LY) or Tripoli in Lebanon (LB); the "
                 "first, the larger, is taken; write \"Tripoli (LB)\" or give the event a "
                 "\"country\" to choose the other",
                 "the largest of 4 places of that name (1150989 people; Tripoli in Lebanon "
                 "(LB) has 229398)");
    expect_place("", EV("Benghazi") "," EV("Tripoli"), "LY", 13.18733, NULL, NULL);
    /* Sur: Tyre in a Lebanon timeline, the Karabakh village on a Karabakh map. */
    expect_place("", EV("Beirut") "," EV("Sidon") "," EV("Sur"), "LB", 35.19389, NULL,
                 NULL);
    expect_place("\"map\": {\"bbox\": [44.2, 38.7, 50.2, 41.3]},", EV("Sur"), "AZ", 47.02222,
                 NULL, "inside the map's bbox; Sur in Oman (OM) is not");
    /* Hrazdan: the town of that name beside Yerevan, not Masis, 25 km from
     * Yerevan, which GeoNames also calls "Hrazdan". */
    expect_place("", EV("Yerevan") "," EV("Vanadzor") "," EV("Hrazdan"), "AM", 44.76620, NULL,
                 "its own name; Masis in Armenia (AM) at 40.07N 44.42E has it as another name");
    /* Lyman: Donetsk oblast's in the Donbas, Kharkiv oblast's by Zmiiv; in a
     * file of the whole country, Kharkiv oblast's, next to Kharkiv, with
     * Donetsk oblast's, the larger, named. */
    expect_place("", EV("Bakhmut") "," EV("Kramatorsk") "," EV("Sloviansk") "," EV("Lyman"),
                 "UA", 37.80307, NULL, NULL);
    expect_place("", EV("Kharkiv") "," EV("Zmiiv") "," EV("Lyman"), "UA", 36.46548, NULL,
                 NULL);
    expect_place("", EV("Kyiv") "," EV("Odesa") "," EV("Kharkiv") "," EV("Kherson") ","
                 EV("Lyman"), "UA", 36.46548,
                 "\"Lyman\" may be Lyman in Ukraine (UA) at 49.59N 36.47E or Lyman in "
                 "Ukraine (UA) at 48.99N 37.80E; the first, nearer the file's other places, is "
                 "taken; give \"lon\" and \"lat\" to choose the other", NULL);
}

static void
test_qualifiers(void)
{
    const char *why = "the only one in Lebanon (LB), as the name says, of 4 places of that "
                      "name";
    expect_place("", EV("Tripoli, Lebanon"), "LB", 35.84415, NULL, why);
    expect_place("", EV("Tripoli (LB)"), "LB", 35.84415, NULL, why);
    expect_place("", EV("Tripoli, Ливан"), "LB", 35.84415, NULL, NULL);
    expect_place("", EVC("Tripoli", "LB"), "LB", 35.84415, NULL,
                 "the only one in Lebanon (LB), as its \"country\" says, of 4 places of that "
                 "name");
    expect_place("", EVC("Tripoli", "Lebanon"), "LB", 35.84415, NULL, NULL);
    expect_place("\"country\": \"GR\",", EV("Tripoli"), "GR", 22.37944, NULL, NULL);
    /* The event's country over the file's. */
    expect_place("\"country\": \"GR\",", EVC("Tripoli", "LY"), "LY", 13.18733, NULL, NULL);
    expect_error("", EV("Tripoli, Syria"),
                 "no place called \"Tripoli\" in Syria (SY); the gazetteer has one in LY, LB, "
                 "GR, US; give \"lon\" and \"lat\", or add it to a gazetteer file of your own");
    expect_error("", EVC("Tripoli", "Lebanonn"),
                 "\"country\" \"Lebanonn\" is not a country the gazetteer knows; give its "
                 "name, such as \"Lebanon\", or its two-letter code, such as \"LB\"");
    /* A comma that is no country's is part of the name. */
    expect_error("", EV("Tripoli, Old Town"), "unknown place \"Tripoli, Old Town\"; give "
                 "\"lon\" and \"lat\", or add it to a gazetteer file of your own");
}

static void
test_ukraine(void)
{
    expect_place("", EV("Kherson") "," EV("Snihurivka") "," EV("Bakhmut") "," EV("Kyiv"), "UA",
                 30.5, NULL, NULL);
    /* The curated test Bakhmut (37 km off GeoNames') and GeoNames' are both
     * near the others: the curated one is taken, GeoNames' named. */
    expect_place("", EV("Kherson") "," EV("Kyiv") "," EV("Bakhmut"), "UA", 38.5,
                 "\"Bakhmut\" may be Bakhmut in Ukraine (UA) at 48.59N 38.50E or Bakhmut in "
                 "Ukraine (UA) at 48.59N 38.00E; the first, from the curated gazetteer, is "
                 "taken; give \"lon\" and \"lat\" to choose the other", NULL);
    /* Kyyiv and Kiyv are Kyiv's loose key (y as i, doubled letters as one). */
    expect_place("", EV("Kyyiv"), "UA", 30.5, NULL, NULL);
    expect_error("", EV("Kyib"), "unknown place \"Kyib\"; did you mean \"Kyiv\"?");
}

int
main(void)
{
    cm_gazetteer_create(&gaz);
    if (cm_gazetteer_add_file(gaz, CM_SMALL_WORLD, NULL) != CM_OK) {
        fprintf(stderr, "%s did not load\n", CM_SMALL_WORLD);
        return 1;
    }
    test_shared_names();
    test_qualifiers();
    test_ukraine();
    cm_gazetteer_destroy(gaz);
    return check_result("test_resolve");
}
