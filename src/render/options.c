/* The render options: their defaults, and the options checked on their own,
 * before any file is read: what no input can make right (an empty output
 * folder name, an image too large to hold in memory). Checking the inputs
 * themselves is the loaders' job. */
#include "conflictmap/render.h"

#include <math.h>
#include <unistd.h>

cm_render_options
cm_render_options_default(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cm_render_options o = {
        .out_dir = "out",
        .formats = CM_FORMAT_PNG | CM_FORMAT_SVG,
        .width_px = 1600,
        .height_px = 1200,
        .scale = 1,
        .jobs = cores > 1 ? (int)(cores < CM_MAX_JOBS ? cores : CM_MAX_JOBS) : 1,
    };
    return o;
}

cm_status
cm_render_check_options(const cm_render_options *opt, cm_diag_list *diags)
{
    cm_status st = CM_OK;
    if (!opt->out_dir || !opt->out_dir[0]) {
        cm_diag_error(diags, NULL, "the output folder's name is empty; name a folder, such "
                      "as out");
        st = CM_ERR_INPUT;
    }
    double scale = opt->scale > 0 ? opt->scale : 1;
    double w = ceil(opt->width_px * scale), h = ceil(opt->height_px * scale);
    if (w * h > CM_MAX_PIXELS) {
        cm_diag_error(diags, NULL, "a map of %dx%d at scale %g is an image of %.0fx%.0f "
                      "pixels (%.0f megapixels), more than the %.0f megapixels one image may "
                      "have; make the size or the scale smaller, or use svg or pdf for print",
                      opt->width_px, opt->height_px, scale, w, h, w * h / 1e6,
                      CM_MAX_PIXELS / 1e6);
        st = CM_ERR_INPUT;
    }
    return st;
}
