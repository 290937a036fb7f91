/* libFuzzer harness: events as a CSV export (no settings file beside it),
 * loaded against the shipped gazetteer, so the CSV reader, the header and
 * every cell's way into the event parsers are fuzzed. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"

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
    const char *path = fuzz_write("events.csv", data, size);
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
