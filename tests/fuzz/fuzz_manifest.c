/* libFuzzer harness: manifests read back, as `conflictmap merge-manifests DIR`
 * reads the shares' manifests after `render --shard K/N` runs. The input is
 * one to four manifests separated by form feeds (0x0C), written as
 * manifest.1-of-N.json ... manifest.N-of-N.json into an empty folder; then
 * they are merged. A merge ends with CM_OK and a manifest.json in place of
 * the shares', or with an error that says why and the folder as it was. */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"

enum { MAX_SHARES = 4 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char dir[512], name[600];
    snprintf(dir, sizeof dir, "%s", fuzz_path("merge"));
    fuzz_remove_tree(dir);
    if (mkdir(dir, 0700) != 0)
        abort();

    const uint8_t *part[MAX_SHARES];
    size_t len[MAX_SHARES], n = 0;
    part[0] = data;
    len[0] = size;
    for (size_t i = 0; i < size && n + 1 < MAX_SHARES; i++)
        if (data[i] == '\f') {
            len[n] = (size_t)(data + i - part[n]);
            part[++n] = data + i + 1;
            len[n] = size - i - 1;
        }
    n++;
    for (size_t k = 0; k < n; k++) {
        snprintf(name, sizeof name, "%s/manifest.%zu-of-%zu.json", dir, k + 1, n);
        FILE *f = fopen(name, "wb");
        if (!f || fwrite(part[k], 1, len[k], f) != len[k] || fclose(f) != 0)
            abort();
    }

    cm_diag_list *diags = cm_diag_list_create();
    size_t n_slices = 0;
    cm_status st = cm_render_merge_manifests(dir, &n_slices, diags);
    struct stat sb;
    snprintf(name, sizeof name, "%s/manifest.json", dir);
    int merged = stat(name, &sb) == 0;
    if (st == CM_OK && !merged)
        abort();   /* merged into nothing */
    if (st != CM_OK && st != CM_ERR_NOMEM && (merged || cm_diag_error_count(diags) == 0))
        abort();   /* refused without a word, or left a manifest.json behind */
    cm_diag_list_destroy(diags);
    fuzz_remove_tree(dir);
    return 0;
}
