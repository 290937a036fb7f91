/* libFuzzer harness: a gazetteer file (tab-separated places), loaded and then
 * searched, so that name folding and suggestions see what was loaded. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("places.tsv", data, size);
    cm_diag_list *diags = cm_diag_list_create();
    cm_gazetteer *gaz = NULL;
    const char *names[5];
    if (cm_gazetteer_create(&gaz) != CM_OK)
        abort();
    cm_status st = cm_gazetteer_add_file(gaz, path, diags);
    if (st == CM_ERR_INPUT && cm_diag_count(diags) == 0)
        abort();
    if (st == CM_OK) {
        cm_gazetteer_find(gaz, "Hadrut", NULL);
        cm_gazetteer_suggest(gaz, "Hadrud", names, 5);
    }
    cm_gazetteer_destroy(gaz);
    cm_diag_list_destroy(diags);
    return 0;
}
