/* The conflictmap command: reads arguments, calls the library, prints its
 * diagnostics and maps the status to an exit code. Nothing here draws or
 * parses input files; that is the library's work. */
#include "cli.h"
#include "conflictmap/conflictmap.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_DONE = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_IO = 3, EXIT_BUG = 4 };

static const char usage_text[] =
    "usage: conflictmap render EVENTS.json [-o DIR]\n"
    "              [--format png,svg,pdf,html,svg-outlines,gif,mp4] [--hold SECONDS]\n"
    "              [--style FILE|PRESET] [--shapes PATH]... [--gazetteer FILE]...\n"
    "              [--control [SIDE[:STATUS]=]PATH]...\n"
    "              [--every DURATION | --at TIME[,TIME...]] [--window DURATION]\n"
    "              [--size WxH] [--scale N] [--bbox W,S,E,N] [--projection P]\n"
    "              [--lang en|az|hy|ru|ar] [--png-colors N]\n"
    "              [--timezone ZONE] [--date-order DMY|MDY]\n"
    "              [-j N] [--shard K/N] [--quiet]\n"
    "       limits, for every command: [--max-file-size BYTES] [--max-events N]\n"
    "              [--max-string BYTES] [--max-depth N] [--max-vertices N]\n"
    "       conflictmap validate EVENTS.json [--explain] [--gazetteer FILE]...\n"
    "       conflictmap slices EVENTS.json [--every DURATION | --at TIME,...]\n"
    "       conflictmap place NAME [--gazetteer FILE]...\n"
    "       conflictmap merge-manifests DIR     # after render --shard 1/N .. N/N\n"
    "       conflictmap import acled FILE.csv [-o OUT.json]\n"
    "       conflictmap COMMAND --help           # the command's options\n";

static int
exit_code(cm_status st)
{
    switch (st) {
    case CM_OK: return EXIT_DONE;
    case CM_ERR_INPUT: return EXIT_INPUT;
    case CM_ERR_IO: case CM_ERR_NOMEM: return EXIT_IO;
    case CM_ERR_INTERNAL: return EXIT_BUG;
    }
    return EXIT_BUG;
}

enum { ANIMATIONS = CM_FORMAT_GIF | CM_FORMAT_MP4 };

/* "s" after a count that is not 1. */
static const char *
plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static int
usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "conflictmap: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage_text);
    return EXIT_USAGE;
}

static void
print_diags(cm_diag_list *diags)
{
    cm_diag_sort(diags);
    for (size_t i = 0; i < cm_diag_count(diags); i++)
        fprintf(stderr, "%s\n", cm_diag_text(diags, i));
}

/* ---- arguments ---------------------------------------------------------------------------- */

typedef struct args {
    const char *command, *input;
    const char *import_file, *output;   /* import FORMAT FILE [-o OUTPUT] */
    cm_render_options opt;
    const char **shapes, **gazetteers, **controls;
    size_t n_shapes, n_gazetteers, n_controls;
    cm_time *at;
    size_t n_at;
    int jobs, quiet, explain;
    double bbox[4];
    int has_bbox;
    cm_limits limits;   /* zero: the default */
} args;

static int
push_str(const char ***list, size_t *n, const char *s)
{
    const char **p = realloc(*list, (*n + 1) * sizeof(*p));
    if (!p)
        return 0;
    p[(*n)++] = s;
    *list = p;
    return 1;
}

static int
parse_formats(args *a, const char *list)
{
    static const struct {
        const char *name;
        cm_format format;
    } names[] = {
        { "png", CM_FORMAT_PNG }, { "svg", CM_FORMAT_SVG }, { "pdf", CM_FORMAT_PDF },
        { "svg-outlines", CM_FORMAT_SVG_OUTLINES }, { "gif", CM_FORMAT_GIF },
        { "mp4", CM_FORMAT_MP4 },
    };
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", list);
    a->opt.formats = 0;
    for (char *save = NULL, *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
        size_t k = 0, n = sizeof(names) / sizeof(names[0]);
        while (k < n && strcmp(f, names[k].name) != 0)
            k++;
        if (k < n)
            a->opt.formats |= names[k].format;
        else if (strcmp(f, "html") == 0)
            a->opt.formats |= CM_FORMAT_HTML;
        else
            return usage_error("--format \"%s\" is not one of png, svg, pdf, html, "
                               "svg-outlines, gif, mp4", f);
    }
    if ((a->opt.formats & CM_FORMAT_SVG) && (a->opt.formats & CM_FORMAT_SVG_OUTLINES))
        return usage_error("--format svg and svg-outlines both write the .svg files; give "
                           "one of them%s", "");
    return a->opt.formats ? 0 : usage_error("--format needs at least one of png, svg, pdf, "
                                            "html, svg-outlines, gif, mp4%s", "");
}

static int
parse_at(args *a, const char *list)
{
    char *copy = strdup(list);
    if (!copy)
        return EXIT_IO;
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        cm_time *p = realloc(a->at, (a->n_at + 1) * sizeof(*p));
        if (!p) {
            free(copy);
            return EXIT_IO;
        }
        a->at = p;
        const char *why = cm_time_parse(t, &a->at[a->n_at]);
        if (why) {
            fprintf(stderr, "conflictmap: --at \"%s\" %s\n", t, why);
            free(copy);
            return EXIT_USAGE;
        }
        a->n_at++;
    }
    free(copy);
    a->opt.slicing.at = a->at;
    a->opt.slicing.n_at = a->n_at;
    return a->n_at ? 0 : usage_error("--at needs at least one time%s", "");
}

static int
parse_duration(const char *flag, const char *text, int64_t *out)
{
    const char *why = cm_duration_parse(text, out);
    if (!why)
        return 0;
    fprintf(stderr, "conflictmap: %s \"%s\" %s\n", flag, text, why);
    return EXIT_USAGE;
}

static int
parse_number(const char *flag, const char *text, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !(v >= lo && v <= hi)) {
        fprintf(stderr, "conflictmap: %s \"%s\" should be a number from %g to %g\n", flag,
                text, lo, hi);
        return EXIT_USAGE;
    }
    *out = v;
    return 0;
}

static int
parse_size(args *a, const char *text)
{
    int w, h;
    char tail;
    if (sscanf(text, "%dx%d%c", &w, &h, &tail) != 2 || w < 200 || h < 200 || w > 10000 ||
        h > 10000)
        return usage_error("--size \"%s\" should be WIDTHxHEIGHT in pixels, each from "
                           "200 to 10000, such as 1600x1200", text);
    a->opt.width_px = w;
    a->opt.height_px = h;
    return 0;
}

static int
parse_bbox(args *a, const char *text)
{
    double *b = a->bbox;
    char tail;
    if (sscanf(text, "%lf,%lf,%lf,%lf%c", &b[0], &b[1], &b[2], &b[3], &tail) != 4 ||
        !(b[0] >= -180 && b[0] <= 180 && b[2] >= -180 && b[2] <= 180 && b[1] >= -90 &&
          b[3] <= 90 && b[0] != b[2] && b[1] < b[3]))
        return usage_error("--bbox \"%s\" should be WEST,SOUTH,EAST,NORTH in degrees, such "
                           "as 45.4,38.9,48.0,41.0 (west greater than east crosses the "
                           "antimeridian)", text);
    a->has_bbox = 1;
    a->opt.bbox_deg = a->bbox;
    return 0;
}

/* A limit's option: a whole number from 1 up; 0 or an exit code. */
static int
parse_limit(args *a, const char *flag, const char *value)
{
    static const struct {
        const char *flag;
        size_t offset;
    } limits[] = {
        { "--max-file-size", offsetof(cm_limits, max_file_bytes) },
        { "--max-events", offsetof(cm_limits, max_events) },
        { "--max-string", offsetof(cm_limits, max_string_bytes) },
        { "--max-depth", offsetof(cm_limits, max_depth) },
        { "--max-vertices", offsetof(cm_limits, max_vertices) },
    };
    size_t k = 0, n = sizeof(limits) / sizeof(limits[0]);
    while (k < n && strcmp(flag, limits[k].flag) != 0)
        k++;
    if (k == n)
        return usage_error("unknown option \"%s\"", flag);
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (end == value || *end || errno || v == 0 || value[0] == '-' || v > SIZE_MAX) {
        fprintf(stderr, "conflictmap: %s \"%s\" should be a whole number from 1 up\n",
                flag, value);
        return EXIT_USAGE;
    }
    *(size_t *)((char *)&a->limits + limits[k].offset) = (size_t)v;
    return 0;
}

static int
parse_lang(args *a, const char *lang)
{
    static const char *const langs[] = { "en", "az", "hy", "ru", "ar" };
    for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
        if (!strcmp(lang, langs[i])) {
            a->opt.lang = lang;
            return 0;
        }
    return usage_error("--lang \"%s\" should be one of en, az, hy, ru, ar", lang);
}

/* "--hold 1.5s" or "--hold 2": how long each slice shows in gif and mp4. */
static int
parse_hold(args *a, const char *text)
{
    char buf[64];
    size_t n = strlen(text);
    snprintf(buf, sizeof(buf), "%s", text);
    if (n > 0 && n < sizeof(buf) && buf[n - 1] == 's')
        buf[n - 1] = '\0';
    return parse_number("--hold (seconds per slice)", buf, 0.05, 60, &a->opt.hold_s);
}

/* "--shard K/N": this run draws the K-th of N shares of the slices. */
static int
parse_shard(args *a, const char *text)
{
    int k, n;
    char tail;
    if (sscanf(text, "%d/%d%c", &k, &n, &tail) != 2 || n < 1 || n > 100000 || k < 1 ||
        k > n)
        return usage_error("--shard \"%s\" should be K/N with 1 <= K <= N, such as 2/8 "
                           "for the second of eight shards", text);
    a->opt.shard_k = k;
    a->opt.shard_n = n;
    return 0;
}

/* One option with its value; returns 0, or an exit code. */
static int
parse_option(args *a, const char *flag, const char *value)
{
    double v;
    if (!strcmp(flag, "-o") || !strcmp(flag, "--output"))
        a->opt.out_dir = a->output = value;
    else if (!strcmp(flag, "--format"))
        return parse_formats(a, value);
    else if (!strcmp(flag, "--style"))
        a->opt.style = value;
    else if (!strcmp(flag, "--shapes"))
        return push_str(&a->shapes, &a->n_shapes, value) ? 0 : EXIT_IO;
    else if (!strcmp(flag, "--gazetteer"))
        return push_str(&a->gazetteers, &a->n_gazetteers, value) ? 0 : EXIT_IO;
    else if (!strcmp(flag, "--control"))
        return push_str(&a->controls, &a->n_controls, value) ? 0 : EXIT_IO;
    else if (!strcmp(flag, "--every"))
        return parse_duration(flag, value, &a->opt.slicing.every_s);
    else if (!strcmp(flag, "--window"))
        return parse_duration(flag, value, &a->opt.slicing.window_s);
    else if (!strcmp(flag, "--at"))
        return parse_at(a, value);
    else if (!strcmp(flag, "--size"))
        return parse_size(a, value);
    else if (!strcmp(flag, "--scale"))
        return parse_number(flag, value, 0.25, 8, &a->opt.scale);
    else if (!strcmp(flag, "--bbox"))
        return parse_bbox(a, value);
    else if (!strcmp(flag, "--projection"))
        a->opt.projection = value;
    else if (!strcmp(flag, "--lang"))
        return parse_lang(a, value);
    else if (!strcmp(flag, "--timezone"))
        a->opt.timezone = value;
    else if (!strcmp(flag, "--date-order"))
        a->opt.date_order = value;
    else if (!strcmp(flag, "--png-colors")) {
        if (parse_number(flag, value, 2, 256, &v))
            return EXIT_USAGE;
        if (v != (unsigned)v)
            return usage_error("--png-colors \"%s\" should be a whole number from 2 to 256",
                               value);
        a->opt.png_colors = (unsigned)v;
    } else if (!strcmp(flag, "-j")) {
        if (parse_number(flag, value, 1, 256, &v))
            return EXIT_USAGE;
        a->jobs = (int)v;
        a->opt.jobs = a->jobs;
    } else if (!strcmp(flag, "--shard"))
        return parse_shard(a, value);
    else if (!strcmp(flag, "--hold"))
        return parse_hold(a, value);
    else
        return parse_limit(a, flag, value);
    return 0;
}

static int
parse_args(args *a, int argc, char **argv)
{
    a->opt = cm_render_options_default();
    a->jobs = a->opt.jobs;
    a->command = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--quiet") || !strcmp(arg, "-q")) {
            a->quiet = 1;
        } else if (!strcmp(arg, "--explain") && !strcmp(a->command, "validate")) {
            a->explain = 1;
        } else if (!strcmp(arg, "--strict") &&
                   (!strcmp(a->command, "validate") || !strcmp(a->command, "render"))) {
            a->opt.strict = 1;
        } else if (arg[0] == '-' && arg[1] == 'j' && arg[2] != '\0') {   /* -j4 */
            int rc = parse_option(a, "-j", arg + 2);
            if (rc)
                return rc;
        } else if (arg[0] == '-' && arg[1] == '-' && strchr(arg, '=')) {   /* --name=value */
            char name[64];
            size_t n = (size_t)(strchr(arg, '=') - arg);
            if (n >= sizeof(name))
                return usage_error("unknown option \"%s\"", arg);
            memcpy(name, arg, n);
            name[n] = '\0';
            int rc = parse_option(a, name, arg + n + 1);
            if (rc)
                return rc;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", arg);
            int rc = parse_option(a, arg, argv[++i]);
            if (rc)
                return rc;
        } else if (!a->input) {
            a->input = arg;
        } else if (!strcmp(a->command, "import") && !a->import_file) {
            a->import_file = arg;
        } else {
            return usage_error("unexpected argument \"%s\"", arg);
        }
    }
    if (!a->input)
        return usage_error("%s needs a file or a name", a->command);
    if (a->opt.shard_n > 1 && (a->opt.formats & (CM_FORMAT_GIF | CM_FORMAT_MP4)))
        return usage_error("--format gif and mp4 make one file of the whole timeline; "
                           "render them without --shard%s", "");
    if (a->opt.slicing.every_s && a->n_at)
        return usage_error("give --every or --at, not both%s", "");
    a->opt.events_path = a->input;
    a->opt.shapes = a->shapes;
    a->opt.n_shapes = a->n_shapes;
    a->opt.controls = a->controls;
    a->opt.n_controls = a->n_controls;
    a->opt.gazetteers = a->gazetteers;
    a->opt.n_gazetteers = a->n_gazetteers;
    return 0;
}

/* The shipped gazetteer and those --gazetteer names, in *gaz (the caller's). */
static cm_status
load_gazetteer(const args *a, cm_gazetteer **gaz, cm_diag_list *diags)
{
    cm_status st = cm_gazetteer_create(gaz);
    if (st == CM_OK)
        st = cm_gazetteer_add_shipped(*gaz, NULL, diags);
    for (size_t i = 0; st == CM_OK && i < a->n_gazetteers; i++)
        st = cm_gazetteer_add_file(*gaz, a->gazetteers[i], diags);
    return st;
}

/* The events file as render reads it: --timezone and --date-order. */
static cm_status
load_events(const args *a, const cm_gazetteer *gaz, cm_events **events, cm_diag_list *diags)
{
    cm_events_options eo = { NULL, a->opt.timezone, a->opt.date_order };
    return cm_events_load_with(events, a->input, gaz, &eo, diags);
}

/* ---- signals ---------------------------------------------------------------------------- */

/* Ctrl-C or a kill from a job runner: remove the temporaries, then end by the
 * same signal so the caller sees what happened. */
static void
on_signal(int sig)
{
    cm_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* ---- commands ---------------------------------------------------------------------------- */

static int
cmd_render(args *a, cm_diag_list *diags)
{
    cm_render_result result = { 0 };
    cli_progress progress;
    if ((a->opt.formats & CM_FORMAT_HTML) && a->opt.shard_n > 1)
        return usage_error("--format html needs every slice in one run; render the page "
                           "without --shard%s", "");
    if (cm_render_check_options(&a->opt, diags) != CM_OK) {   /* the options' fault: usage */
        cm_diag_sort(diags);
        for (size_t i = 0; i < cm_diag_count(diags); i++)
            fprintf(stderr, "conflictmap: %s\n", cm_diag_message(diags, i));
        return EXIT_USAGE;
    }
    cli_progress_start(&progress, a->quiet);
    a->opt.progress = cli_progress_update;
    a->opt.progress_data = &progress;
    cm_status st = cm_render(&a->opt, diags, &result);
    cli_progress_end(&progress);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        fprintf(stderr, "conflictmap: wrote %zu slice%s (%zu file%s, %.1f MB, %.0f KB a slice) "
                "to %s/\n", result.n_slices, plural(result.n_slices), result.n_files,
                plural(result.n_files), result.n_bytes / 1e6,
                result.n_slices ? result.n_slice_bytes / 1e3 / result.n_slices : 0.0,
                a->opt.out_dir);
    /* Only files drawn per slice can be kept; an animation is always made anew. */
    if (st == CM_OK && !a->quiet && result.n_kept && (a->opt.formats & ~ANIMATIONS))
        fprintf(stderr, "conflictmap: %zu slice%s %s unchanged and kept, %zu drawn\n",
                result.n_kept, plural(result.n_kept), result.n_kept == 1 ? "was" : "were",
                result.n_drawn);
    if (st == CM_OK && !a->quiet && (a->opt.formats & (CM_FORMAT_GIF | CM_FORMAT_MP4)))
        fprintf(stderr, "conflictmap: the animation has %zu frame%s; %zu slice%s left out "
                "(the same image as the one before)\n", result.n_frames,
                plural(result.n_frames), result.n_identical, plural(result.n_identical));
    return exit_code(st);
}

static int
cmd_merge(args *a, cm_diag_list *diags)
{
    size_t n_slices = 0;
    cm_status st = cm_render_merge_manifests(a->input, &n_slices, diags);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        fprintf(stderr, "conflictmap: merged %zu slices into %s/manifest.json\n", n_slices,
                a->input);
    return exit_code(st);
}

/* ---- import ---------------------------------------------------------------------------- */

/* FILE.csv becomes FILE.json beside it (any other name gets .json added). */
static char *
import_default_output(const char *input)
{
    size_t len = strlen(input);
    char *out = malloc(len + 6);
    if (!out)
        return NULL;
    if (len > 4 && !strcmp(input + len - 4, ".csv"))
        len -= 4;
    memcpy(out, input, len);
    memcpy(out + len, ".json", 6);
    return out;
}

static int
import_to_stdout(const char *file, cm_diag_list *diags)
{
    char *json = NULL;
    cm_status st = cm_acled_convert(file, &json, diags);
    print_diags(diags);
    if (st == CM_OK && (fputs(json, stdout) < 0 || putchar('\n') < 0 || fflush(stdout) != 0)) {
        fprintf(stderr, "conflictmap: cannot write to standard output\n");
        st = CM_ERR_IO;
    }
    free(json);
    return exit_code(st);
}

static int
cmd_import(args *a, cm_diag_list *diags)
{
    if (strcmp(a->input, "acled") != 0)
        return usage_error("import knows one format, acled, not \"%s\"", a->input);
    if (!a->import_file)
        return usage_error("import acled needs the export: conflictmap import acled "
                           "FILE.csv%s", "");
    if (a->output && !strcmp(a->output, "-"))
        return import_to_stdout(a->import_file, diags);
    char *made = a->output ? NULL : import_default_output(a->import_file);
    const char *out = a->output ? a->output : made;
    if (!out)
        return EXIT_IO;
    cm_status st = cm_acled_import(a->import_file, out, diags);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        fprintf(stderr, "conflictmap: wrote %s\n", out);
    free(made);
    return exit_code(st);
}

/* validate --explain: each name of the file once, the place it resolved to
 * and why, on standard output. */
static int
explain_places(args *a, cm_diag_list *diags)
{
    cm_gazetteer *gaz = NULL;
    cm_events *events = NULL;
    cm_status st = load_gazetteer(a, &gaz, diags);
    if (st == CM_OK)
        st = load_events(a, gaz, &events, diags);
    for (size_t i = 0; st == CM_OK && i < cm_events_count(events); i++) {
        const cm_event *e = cm_events_get(events, i);
        const cm_place *p = cm_event_place(e);
        int seen = 0;
        for (size_t k = 0; p && k < i && !seen; k++)
            seen = !strcmp(cm_event_place_name(cm_events_get(events, k)), cm_event_place_name(e));
        if (!p || seen)
            continue;
        cm_pos pos = cm_event_pos(e);
        printf("%s:%d:%d: \"%s\" is %s (%s) at %.4f, %.4f: %s\n", pos.file, pos.line, pos.col,
               cm_event_place_name(e), cm_place_name(p), cm_place_country(p), cm_place_lon(p),
               cm_place_lat(p), cm_event_place_why(e));
    }
    print_diags(diags);
    cm_events_destroy(events);
    cm_gazetteer_destroy(gaz);
    return exit_code(st);
}

static int
cmd_validate(args *a, cm_diag_list *diags)
{
    if (a->explain)
        return explain_places(a, diags);
    cm_status st = cm_validate(&a->opt, diags);
    size_t n_warnings = cm_diag_count(diags) - cm_diag_error_count(diags);
    print_diags(diags);
    if (st == CM_OK && !a->quiet)
        printf(n_warnings ? "%s: no errors, %zu warning%s\n" : "%s: no problems found\n",
               a->input, n_warnings, plural(n_warnings));
    return exit_code(st);
}

static int
cmd_slices(args *a, cm_diag_list *diags)
{
    cm_gazetteer *gaz = NULL;
    cm_events *events = NULL;
    cm_slices *slices = NULL;
    char buf[CM_TIME_BUF];
    cm_status st = load_gazetteer(a, &gaz, diags);
    if (st == CM_OK)
        st = load_events(a, gaz, &events, diags);
    if (st == CM_OK)
        st = cm_slices_make(&slices, events, &a->opt.slicing, diags);
    for (size_t i = 0; st == CM_OK && i < cm_slices_count(slices); i++)
        printf("%s\n", cm_time_format_iso(cm_slice_time(cm_slices_get(slices, i)), buf));
    print_diags(diags);
    cm_slices_destroy(slices);
    cm_events_destroy(events);
    cm_gazetteer_destroy(gaz);
    return exit_code(st);
}

/* A place of the world database has no line: its file alone. */
static void
print_place(const cm_place *p)
{
    cm_pos pos = cm_place_pos(p);
    printf("%s\t%.4f\t%.4f\t%s\t%s\t%s", cm_place_name(p), cm_place_lon(p),
           cm_place_lat(p), cm_place_country(p), cm_place_kind(p), pos.file);
    if (pos.line > 0)
        printf(":%d", pos.line);
    putchar('\n');
}

static int
cmd_place(args *a, cm_diag_list *diags)
{
    cm_gazetteer *gaz = NULL;
    const char *names[5];
    cm_status st = load_gazetteer(a, &gaz, diags);
    print_diags(diags);
    if (st != CM_OK) {
        cm_gazetteer_destroy(gaz);
        return exit_code(st);
    }
    /* The places of that name, namesakes too, in the order an event prefers
     * them; else the near misses. */
    const cm_place *exact[10];
    size_t n_exact = cm_gazetteer_find_all(gaz, a->input, NULL, exact, 10);
    for (size_t i = 0; i < n_exact; i++)
        print_place(exact[i]);
    size_t n = n_exact ? 0 : cm_gazetteer_suggest(gaz, a->input, names, 5);
    for (size_t i = 0; i < n; i++) {
        const cm_place *p = cm_gazetteer_find(gaz, names[i], NULL);
        if (p)
            print_place(p);
    }
    if (!n_exact && n == 0)
        fprintf(stderr, "conflictmap: no place in the gazetteer is called \"%s\" or "
                        "anything close\n", a->input);
    cm_gazetteer_destroy(gaz);
    return n_exact || n ? EXIT_DONE : EXIT_INPUT;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(args *, cm_diag_list *);
    } commands[] = {
        { "render", cmd_render }, { "validate", cmd_validate },
        { "slices", cmd_slices }, { "place", cmd_place },
        { "merge-manifests", cmd_merge }, { "import", cmd_import },
    };
    args a = { 0 };
    size_t k = 0, n = sizeof(commands) / sizeof(commands[0]);

    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
        return cli_help(argc > 2 && strcmp(argv[1], "help") == 0 ? argv[2] : NULL) == 0
                   ? EXIT_DONE : usage_error("unknown command \"%s\"", argv[2]);
    if (cli_wants_help(argc, argv) && cli_help(argv[1]) == 0)
        return EXIT_DONE;
    while (k < n && strcmp(argv[1], commands[k].name) != 0)
        k++;
    if (k == n)
        return usage_error("unknown command \"%s\"", argv[1]);
    int rc = parse_args(&a, argc, argv);
    cm_limits_set(&a.limits);
    catch_signals();
    cm_diag_list *diags = cm_diag_list_create();
    if (rc == 0)
        rc = diags ? commands[k].run(&a, diags) : EXIT_IO;
    cm_diag_list_destroy(diags);
    free(a.shapes);
    free(a.controls);
    free(a.gazetteers);
    free(a.at);
    return rc;
}
