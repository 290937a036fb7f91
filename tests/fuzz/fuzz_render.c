/* libFuzzer harness: the whole path after loading, on small inputs. The
 * input is an events file; it is rendered as `conflictmap render` would, to
 * an 80x60 map (scale 1) in PNG, SVG or HTML, or all three, as its size
 * says (HTML with the page's @2x PNG and
 * its phone page, laid out at 360x540 and drawn at scale 0.25, not 2: the
 * same code on a 64th of the pixels), with no shipped data (events
 * given by lon/lat draw; names refused), so that slicing, layout, drawing,
 * the SVG and HTML writers, the manifest and publishing the output folder
 * all see what a file can make them do. Whatever the input, a run ends with
 * CM_OK, or an error with a message: nothing half-written stays behind (the
 * output folder holds a manifest.json or nothing). */
#include "conflictmap/conflictmap.h"
#include "fuzz.h"
#include "render/run.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char events[512], out[512];   /* fuzz_path()'s buffer is reused: copies */
    snprintf(events, sizeof events, "%s", fuzz_write("events.json", data, size));
    snprintf(out, sizeof out, "%s", fuzz_path("out"));
    /* The phone page's 720x1080 pixels were most of an execution's time. */
    run_phone_scale = 0.25;
    fuzz_remove_tree(out);

    cm_render_options opt = cm_render_options_default();
    opt.events_path = events;
    opt.out_dir = out;
    /* The input's size chooses the writers, so that an execution draws once
     * or not at all rather than every way (HTML draws its own PNGs: 1x, 2x
     * and the phone's); all three at once when it is a multiple of 4. */
    static const unsigned formats[4] = { CM_FORMAT_PNG | CM_FORMAT_SVG | CM_FORMAT_HTML,
                                         CM_FORMAT_PNG, CM_FORMAT_SVG, CM_FORMAT_HTML };
    opt.formats = formats[size % 4];
    opt.width_px = 80;
    opt.height_px = 60;
    opt.no_shipped_data = 1;
    opt.jobs = 1;
    /* The PNG encoder's tables kept, as watch keeps them: made afresh, they
     * were a tenth of an execution (page faults, ASan's clearing). An input
     * whose size is a multiple of 8 renders without, so that freeing them
     * (and making them again, in the execution after) is fuzzed too. */
    opt.keep_buffers = size % 8 != 0;
    cm_diag_list *diags = cm_diag_list_create();
    cm_render_result result;
    memset(&result, 0, sizeof result);
    cm_status st = cm_render(&opt, diags, &result);
    if (getenv("FUZZ_VERBOSE")) {   /* what a seed does, for whoever writes one */
        for (size_t i = 0; i < cm_diag_count(diags); i++)
            fprintf(stderr, "%s\n", cm_diag_text(diags, i));
        fprintf(stderr, "%zu slice(s)\n", result.n_slices);
    }
    if (st != CM_OK && st != CM_ERR_NOMEM && cm_diag_error_count(diags) == 0)
        abort();   /* refused without saying why */
    struct stat sb;
    char manifest[600];
    snprintf(manifest, sizeof manifest, "%s/manifest.json", out);
    if (st == CM_OK && result.n_slices > 0 && stat(manifest, &sb) != 0)
        abort();   /* said it wrote maps, and there is no manifest */
    cm_diag_list_destroy(diags);
    fuzz_remove_tree(out);
    return 0;
}
