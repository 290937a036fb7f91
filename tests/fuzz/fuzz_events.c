/* libFuzzer harness: an events file, object or GeoJSON form, loaded against
 * the shipped gazetteer so that place look-ups and suggestions run too. Built
 * a second time as fuzz_csv with FUZZ_EVENTS_FILE "events.csv": the same load,
 * through the spreadsheet front end. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"

#ifndef FUZZ_EVENTS_FILE
#define FUZZ_EVENTS_FILE "events.json"
#endif

static cm_gazetteer *gaz;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cm_diag_list *diags = cm_diag_list_create();
    if (cm_gazetteer_create(&gaz) != CM_OK ||
        cm_gazetteer_add_file(gaz, CM_SOURCE_DIR "/gazetteer/caucasus.tsv", diags) != CM_OK)
        abort();
    cm_diag_list_destroy(diags);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(FUZZ_EVENTS_FILE, data, size);
    cm_diag_list *diags = cm_diag_list_create();
    cm_events *events = NULL;
    cm_status st = cm_events_load(&events, path, gaz, diags);
    /* Every refusal must say why: a silent CM_ERR_INPUT is a bug. */
    if (st == CM_ERR_INPUT && cm_diag_count(diags) == 0)
        abort();
    cm_events_destroy(events);
    cm_diag_list_destroy(diags);
    return 0;
}
