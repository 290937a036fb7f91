/* Slicing: the default moments, --every and --at, which events are new,
 * current or older, and the control state before and after a change. */
#include "check.h"
#include "fixture.h"
#include "conflictmap/slice.h"

static const char timeline[] =
    "{\"sides\": {\"AZ\": {}, \"AM\": {}},\n"
    " \"initial_control\": {\"Hadrut\": \"AM\", \"Jabrayil\": \"AM\"},\n"
    " \"events\": [\n"
    "  {\"id\": \"h2\", \"time\": \"2020-10-09T15:15:00Z\", \"place\": \"Hadrut\",\n"
    "   \"control\": {\"from\": \"AM\", \"to\": \"AZ\"}},\n"
    "  {\"id\": \"talks\", \"time\": \"2020-10-09T13:55:00Z\", \"place\": \"Moscow\",\n"
    "   \"kind\": \"talks\", \"end\": \"2020-10-10T03:00:00Z\"},\n"
    "  {\"id\": \"h1\", \"time\": \"2020-10-09T13:35:00Z\", \"place\": \"Hadrud\",\n"
    "   \"control\": {\"from\": \"AM\", \"to\": \"AZ\"}},\n"
    "  {\"id\": \"j\", \"time\": \"2020-10-09T10:35:00Z\", \"place\": \"Jebrail\",\n"
    "   \"control\": {\"from\": \"AM\", \"to\": \"AZ\"}},\n"
    "  {\"id\": \"shell\", \"time\": \"2020-10-09T08:00:00Z\", \"place\": \"Goranboy\",\n"
    "   \"kind\": \"shelling\"},\n"
    "  {\"id\": \"j-again\", \"time\": \"2020-10-09T10:35:00Z\", \"place\": \"Jabrayil\",\n"
    "   \"control\": {\"from\": \"AZ\", \"to\": \"AM\"}}\n"
    "]}\n";

static cm_events *
load_timeline(cm_gazetteer *gaz)
{
    cm_events *ev = NULL;
    cm_diag_list *diags;
    if (fixture_events(timeline, gaz, &ev, &diags, NULL) != CM_OK) {
        for (size_t i = 0; i < cm_diag_count(diags); i++)
            fprintf(stderr, "%s\n", cm_diag_text(diags, i));
        exit(2);
    }
    cm_diag_list_destroy(diags);
    return ev;
}

static const char *
state_of(const cm_slice *sl, const char *id)
{
    for (size_t k = 0; k < cm_slice_n_events(sl); k++) {
        cm_event_state st;
        const cm_event *e = cm_slice_event(sl, k, &st);
        if (strcmp(cm_event_id(e), id) == 0)
            return st == CM_EVENT_NEW ? "new" : st == CM_EVENT_CURRENT ? "current" : "older";
    }
    return "absent";
}

static void
test_default(cm_events *ev)
{
    cm_slices *s = NULL;
    CHECK_INT(cm_slices_make(&s, ev, NULL, NULL), CM_OK);
    CHECK_INT(cm_slices_count(s), 5);   /* 08:00 10:35 13:35 13:55 15:15 */
    char buf[CM_TIME_BUF];
    CHECK_STR(cm_time_format_iso(cm_slice_time(cm_slices_get(s, 0)), buf),
              "2020-10-09T08:00:00Z");
    CHECK_STR(cm_time_format_iso(cm_slice_time(cm_slices_get(s, 4)), buf),
              "2020-10-09T15:15:00Z");

    const cm_slice *first = cm_slices_get(s, 0), *at1035 = cm_slices_get(s, 1);
    const cm_slice *at1335 = cm_slices_get(s, 2), *at1515 = cm_slices_get(s, 4);
    CHECK_STR(cm_slice_control(first, "Hadrut"), "AM");
    CHECK_STR(cm_slice_control(first, "jabrayil"), "AM");
    /* Two reports at 10:35: the later in the file decides, as the blog's order did. */
    CHECK_STR(cm_slice_control(at1035, "Jabrayil"), "AM");
    CHECK_STR(cm_slice_control(at1035, "Hadrut"), "AM");
    /* "Hadrud" is the gazetteer's Hadrut: the change applies to the same place. */
    CHECK_STR(cm_slice_control(at1335, "Hadrut"), "AZ");
    CHECK(cm_slice_control(at1335, "Goranboy") == NULL);
    /* initial_control's "Hadrut" is a place and an area (both recorded); the
     * 13:35 event names the place only: the area of that name stays AM, so a
     * district named like a town does not change hands with the town */
    size_t n_place = 0, n_area = 0;
    for (size_t i = 0; i < cm_slice_n_control(at1335); i++) {
        const char *name, *side;
        const cm_event *by;
        cm_slice_control_at(at1335, i, &name, &side, &by);
        if (cm_name_same(name, "Hadrut") && !cm_slice_control_is_area(at1335, i)) {
            n_place++;
            CHECK_STR(side, "AZ");
        } else if (cm_name_same(name, "Hadrut")) {
            n_area++;
            CHECK_STR(side, "AM");
        }
    }
    CHECK_INT(n_place, 1);
    CHECK_INT(n_area, 1);

    CHECK_INT(cm_slice_n_events(first), 1);
    CHECK_STR(state_of(first, "shell"), "new");
    CHECK_STR(state_of(at1035, "shell"), "older");
    CHECK_STR(state_of(at1035, "j"), "new");
    CHECK_STR(state_of(at1035, "h1"), "absent");
    CHECK_STR(state_of(at1515, "talks"), "current");   /* ongoing until 03:00 */
    CHECK_STR(state_of(at1515, "h2"), "new");
    CHECK_STR(state_of(at1515, "h1"), "older");
    CHECK_INT(cm_slice_n_events(at1515), 6);
    cm_slices_destroy(s);
}

static void
test_every_at_window(cm_events *ev)
{
    cm_slices *s = NULL;
    cm_slice_spec every = { .every_s = 3600 };
    CHECK_INT(cm_slices_make(&s, ev, &every, NULL), CM_OK);
    /* 08:00 .. 15:00 is 8 steps, and one more reaches past the last event. */
    CHECK_INT(cm_slices_count(s), 9);
    char buf[CM_TIME_BUF];
    CHECK_STR(cm_time_format_iso(cm_slice_time(cm_slices_get(s, 8)), buf),
              "2020-10-09T16:00:00Z");
    CHECK_INT(cm_slice_n_events(cm_slices_get(s, 8)), 6);
    cm_slices_destroy(s);

    cm_time at[2] = { 1602251100 /* 13:45 */, 1602230400 /* 08:00 */ };
    cm_slice_spec spec_at = { .at = at, .n_at = 2 };
    CHECK_INT(cm_slices_make(&s, ev, &spec_at, NULL), CM_OK);
    CHECK_INT(cm_slices_count(s), 2);
    CHECK_INT(cm_slice_time(cm_slices_get(s, 0)), 1602230400);
    CHECK_STR(cm_slice_control(cm_slices_get(s, 1), "Hadrut"), "AZ");
    cm_slices_destroy(s);

    cm_slice_spec window = { .window_s = 2 * 3600 };
    CHECK_INT(cm_slices_make(&s, ev, &window, NULL), CM_OK);
    const cm_slice *last = cm_slices_get(s, cm_slices_count(s) - 1);
    CHECK_STR(state_of(last, "shell"), "absent");    /* 08:00 is older than 2 h */
    CHECK_STR(state_of(last, "h1"), "older");        /* 13:35 is within 2 h */
    cm_slices_destroy(s);

    cm_slice_spec seconds = { .every_s = 1 };
    CHECK_INT(cm_slices_make(&s, ev, &seconds, NULL), CM_OK);
    CHECK_INT(cm_slices_count(s), 7 * 3600 + 15 * 60 + 1);
    cm_slices_destroy(s);
}

/* A single --at moment: new are the events since the default slicing's
 * slice before it (the event time before the latest one by then), not every
 * event up to it; --since says otherwise. */
static void
test_at_new(cm_events *ev)
{
    cm_slices *s = NULL;
    cm_time at1515 = 1602256500, at1400 = 1602252000, at0800 = 1602230400;
    cm_slice_spec one = { .at = &at1515, .n_at = 1 };
    CHECK_INT(cm_slices_make(&s, ev, &one, NULL), CM_OK);
    const cm_slice *sl = cm_slices_get(s, 0);
    CHECK_STR(state_of(sl, "h2"), "new");        /* 15:15 */
    CHECK_STR(state_of(sl, "talks"), "current");  /* 13:55, going on until 03:00 */
    CHECK_STR(state_of(sl, "h1"), "older");       /* 13:35 */
    CHECK_STR(state_of(sl, "shell"), "older");    /* 08:00: was new too before */
    cm_slices_destroy(s);

    /* 14:00, no event then: as the 13:55 slice shows it, talks new */
    one.at = &at1400;
    CHECK_INT(cm_slices_make(&s, ev, &one, NULL), CM_OK);
    sl = cm_slices_get(s, 0);
    CHECK_STR(state_of(sl, "talks"), "new");
    CHECK_STR(state_of(sl, "h1"), "older");
    CHECK_STR(state_of(sl, "h2"), "absent");
    cm_slices_destroy(s);

    /* at the first event time, all of it is new */
    one.at = &at0800;
    CHECK_INT(cm_slices_make(&s, ev, &one, NULL), CM_OK);
    CHECK_STR(state_of(cm_slices_get(s, 0), "shell"), "new");
    cm_slices_destroy(s);

    /* --since 12:00: everything after noon is new, nothing before */
    cm_slice_spec since = { .at = &at1515, .n_at = 1, .since = 1602244800, .has_since = 1 };
    CHECK_INT(cm_slices_make(&s, ev, &since, NULL), CM_OK);
    sl = cm_slices_get(s, 0);
    CHECK_STR(state_of(sl, "h2"), "new");
    CHECK_STR(state_of(sl, "talks"), "new");
    CHECK_STR(state_of(sl, "h1"), "new");
    CHECK_STR(state_of(sl, "j"), "older");
    CHECK_STR(state_of(sl, "shell"), "older");
    cm_slices_destroy(s);

    /* two --at times: the second's new events are those since the first */
    cm_time two[2] = { at1400, at1515 };
    cm_slice_spec both = { .at = two, .n_at = 2 };
    CHECK_INT(cm_slices_make(&s, ev, &both, NULL), CM_OK);
    CHECK_STR(state_of(cm_slices_get(s, 0), "talks"), "new");
    CHECK_STR(state_of(cm_slices_get(s, 1), "talks"), "current");
    CHECK_STR(state_of(cm_slices_get(s, 1), "h2"), "new");
    cm_slices_destroy(s);
}

static void
test_too_many(cm_gazetteer *gaz)
{
    cm_events *ev = NULL;
    cm_slices *s = NULL;
    cm_diag_list *diags;
    CHECK_INT(fixture_events("{\"events\": [\n"
                             " {\"time\": \"2019-01-01T00:00:00Z\", \"place\": \"Baku\"},\n"
                             " {\"time\": \"2021-01-01T00:00:00Z\", \"place\": \"Baku\"}]}",
                             gaz, &ev, &diags, NULL), CM_OK);
    cm_slice_spec minutes = { .every_s = 60 };
    CHECK_INT(cm_slices_make(&s, ev, &minutes, diags), CM_ERR_INPUT);
    CHECK_STR(cm_diag_text(diags, 0), "slicing every 60 seconds from the first event to the "
              "last makes 1052642 slices, more than the limit of 100000; choose a longer "
              "--every");
    CHECK(s == NULL);
    cm_events_destroy(ev);
    cm_diag_list_destroy(diags);
}

int
main(void)
{
    cm_gazetteer *gaz = fixture_gazetteer_load();
    cm_events *ev = load_timeline(gaz);
    test_default(ev);
    test_every_at_window(ev);
    test_at_new(ev);
    test_too_many(gaz);
    cm_events_destroy(ev);
    cm_gazetteer_destroy(gaz);
    return check_result("test_slice");
}
