/* libFuzzer harness: a JSON style file (docs/style.md). */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write("style.json", data, size);
    cm_diag_list *diags = cm_diag_list_create();
    cm_style *style = NULL;
    cm_status st = cm_style_load(&style, path, diags);
    if (st == CM_ERR_INPUT && cm_diag_count(diags) == 0)
        abort();
    cm_style_destroy(style);
    cm_diag_list_destroy(diags);
    return 0;
}
