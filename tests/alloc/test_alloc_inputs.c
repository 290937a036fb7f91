/* Allocation failure while reading the inputs newsrooms bring: a CSV events
 * file with its settings beside it (one time typed as a desk types it, in
 * the settings' zone, Europe/London), an ACLED export turned into an events
 * file, and an events file whose names the world gazetteer's database
 * resolves by context (tests/CMakeLists.txt builds small-world.sqlite). Each
 * of conflictmap's allocations is failed in turn; every run must end
 * with CM_ERR_NOMEM and nothing made (the sanitizer build checks for leaks). */
#include "check.h"
#include "failing_alloc.h"
#include "conflictmap/conflictmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CASE_DIR CM_SOURCE_DIR "/tests/alloc"

static cm_gazetteer *gaz;

static cm_status
load_csv(void)
{
    cm_events *events = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = diags ? cm_events_load(&events, CASE_DIR "/sheet.csv", gaz, diags)
                         : CM_ERR_NOMEM;
    if (st == CM_OK && cm_events_count(events) != 3)
        st = CM_ERR_INTERNAL;
    if (st != CM_OK && events)
        st = CM_ERR_INTERNAL;   /* a failure must not hand out a result */
    cm_events_destroy(events);
    cm_diag_list_destroy(diags);
    return st;
}

static cm_status
convert_acled(void)
{
    char *json = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = diags ? cm_acled_convert(CM_SOURCE_DIR "/tests/data/acled-karabakh-2020.csv",
                                            &json, diags)
                         : CM_ERR_NOMEM;
    if (st != CM_OK && json)
        st = CM_ERR_INTERNAL;
    free(json);
    cm_diag_list_destroy(diags);
    return st;
}

/* The database opened, its curated rows read, and world.json's names (a
 * country given, qualified, namesakes told apart by the file) resolved. */
static cm_status
world_names(void)
{
    cm_gazetteer *world = NULL;
    cm_events *events = NULL;
    cm_diag_list *diags = cm_diag_list_create();
    cm_status st = diags ? cm_gazetteer_create(&world) : CM_ERR_NOMEM;
    if (st == CM_OK)
        st = cm_gazetteer_add_file(world, CM_SMALL_WORLD, diags);
    if (st == CM_OK)
        st = cm_events_load(&events, CASE_DIR "/world.json", world, diags);
    if (st == CM_OK && (cm_events_count(events) != 5 || cm_diag_count(diags) != 0 ||
                        strcmp(cm_place_name(cm_event_place(cm_events_get(events, 3))),
                               "Tyre") != 0))
        st = CM_ERR_INTERNAL;
    if (st != CM_OK && events)
        st = CM_ERR_INTERNAL;   /* a failure must not hand out a result */
    cm_events_destroy(events);
    cm_gazetteer_destroy(world);
    cm_diag_list_destroy(diags);
    return st;
}

/* Runs @step once to count its allocations, then once per allocation. */
static void
fail_each(const char *name, cm_status (*step)(void))
{
    failing_alloc_arm(0);
    CHECK_INT(step(), CM_OK);
    size_t total = failing_alloc_count(), n_nomem = 0;
    CHECK(total > 10);
    for (size_t n = 1; n <= total; n++) {
        failing_alloc_arm(n);
        cm_status st = step();
        int fired = failing_alloc_fired();
        failing_alloc_arm(0);
        if (st == CM_ERR_NOMEM && fired)
            n_nomem++;
        else {
            fprintf(stderr, "%s: allocation %zu of %zu failed: status %d, expected %d\n",
                    name, n, total, (int)st, (int)CM_ERR_NOMEM);
            check_failures++;
        }
    }
    printf("%s: failed each of %zu allocations in turn; %zu ended with CM_ERR_NOMEM\n",
           name, total, n_nomem);
}

int
main(void)
{
    if (cm_gazetteer_create(&gaz) != CM_OK ||
        cm_gazetteer_add_file(gaz, CASE_DIR "/places.tsv", NULL) != CM_OK)
        return 2;
    fail_each("csv events", load_csv);
    fail_each("acled import", convert_acled);
    fail_each("world gazetteer", world_names);
    cm_gazetteer_destroy(gaz);
    return check_result("test_alloc_inputs");
}
