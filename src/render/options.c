/* The render options: their defaults, and the options checked on their own,
 * before any file is read: what no input can make right (an empty output
 * folder name, an image too large to hold in memory). Checking the inputs
 * themselves is the loaders' job. */
#include "render/run.h"

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

int
run_print_options(const cm_render_options *opt, cm_render_options *out, run_print *print)
{
    *out = *opt;
    *print = (run_print){ { 0, 0 }, { 0, 0 }, 0 };
    if (!(opt->print_mm[0] > 0))
        return 0;
    double w_mm = opt->print_mm[0], h_mm = opt->print_mm[1];
    if (!(h_mm > 0))   /* a width alone: the height from the size's aspect */
        h_mm = opt->width_px > 0 && opt->height_px > 0
                   ? w_mm * opt->height_px / opt->width_px : w_mm * 3 / 4;
    double dpi = opt->dpi > 0 ? opt->dpi : CM_PRINT_DPI;
    double w_in = w_mm / 25.4, h_in = h_mm / 25.4;
    /* 1e-6: 8 in is 768 px, not 769 from a rounding error */
    out->width_px = (int)ceil(w_in * CM_PRINT_PX_PER_INCH - 1e-6);
    out->height_px = (int)ceil(h_in * CM_PRINT_PX_PER_INCH - 1e-6);
    out->scale = dpi / CM_PRINT_PX_PER_INCH;
    out->print_mm[1] = h_mm;
    print->page_pt[0] = w_in * 72;
    print->page_pt[1] = h_in * 72;
    print->png_px[0] = round(w_in * dpi);
    print->png_px[1] = round(h_in * dpi);
    print->pdf_scale = 72 / CM_PRINT_PX_PER_INCH;
    return 1;
}

static int
print_side_ok(double mm)
{
    return mm >= CM_PRINT_MIN_MM && mm <= CM_PRINT_MAX_MM;
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
    cm_render_options o;
    run_print print;
    int is_print = run_print_options(opt, &o, &print);
    if (is_print && (!print_side_ok(o.print_mm[0]) || !print_side_ok(o.print_mm[1]))) {
        cm_diag_error(diags, NULL, "a print of %.0fx%.0f mm is too %s; each side should be "
                      "from %.0f to %.0f mm", o.print_mm[0], o.print_mm[1],
                      o.print_mm[0] < CM_PRINT_MIN_MM || o.print_mm[1] < CM_PRINT_MIN_MM
                          ? "small" : "large", CM_PRINT_MIN_MM, CM_PRINT_MAX_MM);
        return CM_ERR_INPUT;
    }
    double scale = o.scale > 0 ? o.scale : 1;
    double w = ceil(o.width_px * scale), h = ceil(o.height_px * scale);
    if (w * h > CM_MAX_PIXELS && is_print) {
        cm_diag_error(diags, NULL, "a print of %.0fx%.0f mm at %g dpi is an image of "
                      "%.0fx%.0f pixels (%.0f megapixels), more than the %.0f megapixels one "
                      "image may have; make the dpi smaller, or use svg or pdf",
                      o.print_mm[0], o.print_mm[1], scale * CM_PRINT_PX_PER_INCH,
                      print.png_px[0], print.png_px[1],
                      print.png_px[0] * print.png_px[1] / 1e6, CM_MAX_PIXELS / 1e6);
        st = CM_ERR_INPUT;
    } else if (w * h > CM_MAX_PIXELS) {
        cm_diag_error(diags, NULL, "a map of %dx%d at scale %g is an image of %.0fx%.0f "
                      "pixels (%.0f megapixels), more than the %.0f megapixels one image may "
                      "have; make the size or the scale smaller, or use svg or pdf for print",
                      o.width_px, o.height_px, scale, w, h, w * h / 1e6,
                      CM_MAX_PIXELS / 1e6);
        st = CM_ERR_INPUT;
    }
    return st;
}
