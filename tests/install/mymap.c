/* A program as a newsroom would write one against the installed library,
 * built with nothing but pkg-config's flags (tests/e2e/install.sh): it names
 * an events file and an output folder, nothing else; the library finds its
 * own layers and gazetteer. Prints where it found them, then what it wrote.
 * Usage: mymap EVENTS.json OUT_DIR; exits with the cm_status. */
#include <conflictmap/conflictmap.h>

#include <stdio.h>

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mymap EVENTS.json OUT_DIR\n");
        return 2;
    }
    cm_render_options opt = cm_render_options_default();
    cm_render_result result = { 0 };
    cm_diag_list *diags = cm_diag_list_create();
    if (!diags)
        return CM_ERR_NOMEM;
    opt.events_path = argv[1];
    opt.out_dir = argv[2];
    opt.formats = CM_FORMAT_PNG;
    opt.width_px = 800;
    opt.height_px = 600;
    const char *data = cm_data_dir();
    printf("data: %s\n", data ? data : "(none)");
    cm_status st = cm_render(&opt, diags, &result);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
    if (st == CM_OK)
        printf("slices: %zu\n", result.n_slices);
    cm_diag_list_destroy(diags);
    return (int)st;
}
