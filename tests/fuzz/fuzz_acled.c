/* libFuzzer harness: an ACLED export through cm_acled_convert(), and its
 * output, when there is one, loaded back as an events file: the import must
 * never write a file that conflictmap itself refuses. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"

static cm_gazetteer *gaz;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (cm_gazetteer_create(&gaz) != CM_OK)
        abort();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("acled.csv", data, size);
    cm_diag_list *diags = cm_diag_list_create();
    char *json = NULL;
    cm_status st = cm_acled_convert(path, &json, diags);
    if (st == CM_ERR_INPUT && cm_diag_count(diags) == 0)
        abort();
    if (st == CM_OK) {
        cm_events *events = NULL;
        path = fuzz_write("acled.json", (const uint8_t *)json, strlen(json));
        if (cm_events_load(&events, path, gaz, diags) != CM_OK)
            abort();
        cm_events_destroy(events);
    }
    free(json);
    cm_diag_list_destroy(diags);
    return 0;
}
